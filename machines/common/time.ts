// Time as Kubernetes writes it. Machines receive `now` (ms) from the runtime on every event;
// these helpers only format and parse it, they never read a clock.

/** RFC 3339 with second precision, as metav1.Time serialises: "2026-01-01T00:00:00Z". */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** RFC 3339 with microseconds, as metav1.MicroTime serialises (Leases, events.k8s.io). */
export function rfc3339Micro(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** Milliseconds since the epoch of an RFC 3339 time, or NaN. */
export function parseTime(s: string | undefined): number {
  return s ? Date.parse(s) : NaN;
}
