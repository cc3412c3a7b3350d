// Time as Kubernetes writes it. Machines receive `now` (ms) from the runtime on every event;
// these helpers only format and parse it, they never read a clock.

/** RFC 3339 with second precision, as metav1.Time serialises: "2026-01-01T00:00:00Z". */
export function rfc3339(ms: number): string {
  const sec = Math.floor(ms / 1000);
  // Many objects are stamped within the same simulated second: format each second once.
  if (sec !== lastSec) {
    lastSec = sec;
    lastText = new Date(sec * 1000).toISOString().replace(".000Z", "Z");
  }
  return lastText;
}
let lastSec = NaN;
let lastText = "";

/** RFC 3339 with microseconds, as metav1.MicroTime serialises (Leases, events.k8s.io). */
export function rfc3339Micro(ms: number): string {
  // A burst of Events (one per binding) is stamped at the same simulated instant: format it once.
  if (ms !== lastMicroMs) {
    lastMicroMs = ms;
    lastMicroText = new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
  }
  return lastMicroText;
}
let lastMicroMs = NaN;
let lastMicroText = "";

/** RFC 3339 with trailing-zero-trimmed fractional seconds, as Go's time.RFC3339Nano prints a UTC time. */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d{3})Z$/, (_, f: string) => (/^0+$/.test(f) ? "Z" : `.${f.replace(/0+$/, "")}Z`));
}

/** Milliseconds since the epoch of an RFC 3339 time, or NaN. */
export function parseTime(s: string | undefined): number {
  if (!s) return NaN;
  // The same few timestamps are parsed over and over (every pod on every sync): remember them.
  let t = parsed.get(s);
  if (t === undefined) {
    if (parsed.size >= 4096) parsed.clear();
    t = Date.parse(s);
    parsed.set(s, t);
  }
  return t;
}
const parsed = new Map<string, number>();

/** Milliseconds since the epoch of an RFC 3339 time; undefined for the zero (absent) time or one that does not parse. */
export function toMs(t: string | undefined): number | undefined {
  if (!t) return undefined;
  const v = parseTime(t);
  return Number.isNaN(v) ? undefined : v;
}

/** A UTC time as Go's time.Time.String() prints it ("2026-01-01 00:00:00 +0000 UTC"): how a metav1.Time reads in an error's %v. */
export function goTimeString(ms: number): string {
  const iso = new Date(ms).toISOString();
  const frac = iso.slice(20, 23).replace(/0+$/, "");
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? `.${frac}` : ""} +0000 UTC`;
}

/** Year, month (1-12) and day of a count of days since 1970-01-01 (Howard Hinnant's civil_from_days), for any year, without Date. */
export function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}
