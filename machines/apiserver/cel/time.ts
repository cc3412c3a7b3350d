// google.protobuf.Duration and Timestamp as CEL prints, parses and splits them (nanosecond bigints).
import { CelError, CelThrow } from "./values.js";
import { civilFromDays } from "../../common/time.js";

function err(message: string): never {
  throw new CelThrow(new CelError(message));
}

const UNIT_NS: Record<string, bigint> = { ns: 1n, us: 1000n, "µs": 1000n, "μs": 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

/** Go's time.ParseDuration, in nanoseconds (cel-go's duration(string)). */
export function parseDuration(s: string): bigint {
  const bad = () => err(`type conversion error from 'string' to 'google.protobuf.Duration'`);
  let rest = s;
  let neg = false;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    neg = rest[0] === "-";
    rest = rest.slice(1);
  }
  if (rest === "0") return 0n;
  if (rest === "") bad();
  let total = 0n;
  while (rest !== "") {
    const m = /^([0-9]*)(?:\.([0-9]*))?(ns|us|µs|μs|ms|s|m|h)/.exec(rest);
    if (!m || (m[1] === "" && (m[2] ?? "") === "")) bad();
    const unit = UNIT_NS[m![3]!]!;
    const whole = BigInt(m![1] || "0");
    const frac = m![2] ?? "";
    const fracNs = frac === "" ? 0n : (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    total += whole * unit + fracNs;
    if (total > 1n << 63n) bad();
    rest = rest.slice(m![0].length);
  }
  return neg ? -total : total;
}

/** cel-go's string(duration): seconds with up to nine fractional digits, e.g. "3723s", "1.5s". */
export function durationString(ns: bigint): string {
  const neg = ns < 0n;
  const a = neg ? -ns : ns;
  const sec = a / 1_000_000_000n;
  const frac = a % 1_000_000_000n;
  let f = "";
  if (frac !== 0n) f = "." + frac.toString().padStart(9, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${sec}${f}s`;
}

/** RFC 3339 (time.RFC3339Nano) into nanoseconds since the epoch. */
export function parseTimestamp(s: string): bigint {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))$/.exec(s);
  if (!m) return err(`type conversion error from 'string' to 'google.protobuf.Timestamp'`);
  const [y, mo, d, h, mi, se] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > daysIn(y!, mo!) || h! > 23 || mi! > 59 || se! > 59) err(`type conversion error from 'string' to 'google.protobuf.Timestamp'`);
  const days = BigInt(daysFromCivil(y!, mo!, d!));
  let secs = days * 86400n + BigInt(h! * 3600 + mi! * 60 + se!);
  if (m[9]) {
    const off = BigInt(Number(m[10]) * 3600 + Number(m[11]) * 60);
    secs -= m[9] === "+" ? off : -off;
  }
  const frac = m[7] ? BigInt(m[7].padEnd(9, "0")) : 0n;
  return secs * 1_000_000_000n + frac;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}
function daysIn(y: number, m: number): number {
  return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}
// days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm)
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** time.RFC3339Nano in UTC, as cel-go's string(timestamp). */
export function formatTimestamp(ns: bigint): string {
  const secs = ns >= 0n ? ns / 1_000_000_000n : -((-ns + 999_999_999n) / 1_000_000_000n);
  const frac = ns - secs * 1_000_000_000n;
  const days = Number(secs >= 0n ? secs / 86400n : -((-secs + 86399n) / 86400n));
  const sod = Number(secs - BigInt(days) * 86400n);
  const [y, m, d] = civilFromDays(days);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const f = frac === 0n ? "" : "." + frac.toString().padStart(9, "0").replace(/0+$/, "");
  return `${p(y, 4)}-${p(m)}-${p(d)}T${p(Math.floor(sod / 3600))}:${p(Math.floor(sod / 60) % 60)}:${p(sod % 60)}${f}Z`;
}

/** Offset in seconds east of UTC of a zone ("UTC", "+05:30", "-08:00", an IANA name) at an instant. */
function zoneOffset(ns: bigint, tz: string | undefined): number {
  if (tz === undefined || tz === "UTC") return 0;
  const m = /^([+-]?)([0-9]{2}):([0-9]{2})$/.exec(tz);
  if (m) return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
  } catch {
    return err(`unknown time zone ${tz}`);
  }
  const ms = Number(ns / 1_000_000n);
  const clampedMs = Math.max(Math.min(ms, 8.64e15), -8.64e15);
  const parts = Object.fromEntries(fmt.formatToParts(new Date(clampedMs)).map((x) => [x.type, x.value]));
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((local - Math.floor(clampedMs / 1000) * 1000) / 1000);
}

export function timestampPart(ns: bigint, part: string, tz?: string): bigint {
  const secsUtc = ns >= 0n ? ns / 1_000_000_000n : -((-ns + 999_999_999n) / 1_000_000_000n);
  const nanos = ns - secsUtc * 1_000_000_000n;
  const secs = secsUtc + BigInt(zoneOffset(ns, tz));
  const days = Number(secs >= 0n ? secs / 86400n : -((-secs + 86399n) / 86400n));
  const sod = Number(secs - BigInt(days) * 86400n);
  const [y, m, d] = civilFromDays(days);
  switch (part) {
    case "getFullYear":
      return BigInt(y);
    case "getMonth":
      return BigInt(m - 1);
    case "getDate":
      return BigInt(d);
    case "getDayOfMonth":
      return BigInt(d - 1);
    case "getDayOfWeek":
      return BigInt((((days % 7) + 7 + 4) % 7));
    case "getDayOfYear":
      return BigInt(days - daysFromCivil(y, 1, 1));
    case "getHours":
      return BigInt(Math.floor(sod / 3600));
    case "getMinutes":
      return BigInt(Math.floor(sod / 60) % 60);
    case "getSeconds":
      return BigInt(sod % 60);
    default:
      return nanos / 1_000_000n;
  }
}
