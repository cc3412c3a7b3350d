// Cron schedules as Kubernetes reads them: github.com/robfig/cron/v3's ParseStandard (five
// fields, the @yearly..@hourly descriptors, "@every <duration>", an optional TZ= or CRON_TZ=
// prefix), used by CronJob validation and by the CronJob controller. The search for the next
// activation is croner's; this file gives croner robfig's grammar: robfig's field checks and
// error messages, "N/step" as N-max/step, 7 refused as a weekday, and the day-of-month /
// day-of-week rule (OR unless either field starts with * or ?) by handing croner each field's
// values as a list, or "*" where robfig keeps its star bit.
// Times are milliseconds since the epoch; robfig's zero time (no activation within five years)
// is GO_ZERO_TIME.

import { Cron } from "croner";
import { mutant } from "./mutation.js";

/** Go's zero time.Time (0001-01-01T00:00:00Z), what Schedule.Next returns when nothing matches. */
export const GO_ZERO_TIME = -62135596800000;

export interface Schedule {
  /** The next activation strictly after t (robfig's Next), or GO_ZERO_TIME. */
  next(t: number): number;
}

interface Bounds { min: number; max: number; names?: ReadonlyMap<string, number> }

const monthNames = new Map(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"].map((n, i) => [n, i + 1]));
const dowNames = new Map(["sun", "mon", "tue", "wed", "thu", "fri", "sat"].map((n, i) => [n, i]));
const fieldBounds: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: monthNames },
  { min: 0, max: 6, names: dowNames },
];

/** Go's strconv.Quote for the ASCII text schedules are made of. */
const goQuote = (s: string) => JSON.stringify(s);

// mustParseInt: strconv.Atoi, then no negative numbers.
function mustParseInt(expr: string): number | string {
  if (!/^[+-]?\d+$/.test(expr)) return `failed to parse int from ${expr}: strconv.Atoi: parsing ${goQuote(expr)}: invalid syntax`;
  const big = BigInt(expr);
  if (big > 9223372036854775807n || big < -9223372036854775808n) return `failed to parse int from ${expr}: strconv.Atoi: parsing ${goQuote(expr)}: value out of range`;
  if (big < 0n) return `negative number (${big}) not allowed: ${expr}`;
  return Number(big);
}

function parseIntOrName(expr: string, names: ReadonlyMap<string, number> | undefined): number | string {
  const named = names?.get(expr.toLowerCase());
  return named ?? mustParseInt(expr);
}

interface FieldValues { values: Set<number>; star: boolean }

// getRange: number | number "-" number [ "/" number ], or * and ? (the star bit, dropped by a step > 1).
function getRange(expr: string, r: Bounds, out: FieldValues): string | undefined {
  const rangeAndStep = expr.split("/");
  const lowAndHigh = rangeAndStep[0]!.split("-");
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
    start = r.min;
    end = r.max;
    star = true;
  } else {
    const s = parseIntOrName(lowAndHigh[0]!, r.names);
    if (typeof s === "string") return s;
    start = s;
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) {
      const e = parseIntOrName(lowAndHigh[1]!, r.names);
      if (typeof e === "string") return e;
      end = e;
    } else return `too many hyphens: ${expr}`;
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    const s = mustParseInt(rangeAndStep[1]!);
    if (typeof s === "string") return s;
    step = s;
    // "N/step" means "N-max/step".
    // the mutant reads "N/step" as N alone
    if (singleDigit && !mutant("cron.single-value-step-stops-at-value")) end = r.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) return `too many slashes: ${expr}`;
  if (start < r.min) return `beginning of range (${start}) below minimum (${r.min}): ${expr}`;
  if (end > r.max) return `end of range (${end}) above maximum (${r.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (step === 0) return `step of range should be a positive number: ${expr}`;
  for (let i = start; i <= end; i += step) out.values.add(i);
  if (star) out.star = true;
  return undefined;
}

// getField: comma-separated ranges (strings.FieldsFunc drops empty ones).
function getField(field: string, r: Bounds): FieldValues | string {
  const out: FieldValues = { values: new Set(), star: false };
  for (const expr of field.split(",").filter((x) => x !== "")) {
    const err = getRange(expr, r, out);
    if (err !== undefined) return err;
  }
  return out;
}

// The descriptors parseDescriptor knows, as the five fields they stand for.
const descriptors: ReadonlyMap<string, string> = new Map([
  ["@yearly", "0 0 1 1 *"],
  ["@annually", "0 0 1 1 *"],
  ["@monthly", "0 0 1 * *"],
  ["@weekly", "0 0 * * 0"],
  ["@daily", "0 0 * * *"],
  ["@midnight", "0 0 * * *"],
  ["@hourly", "0 * * * *"],
]);

const goUnits: ReadonlyMap<string, number> = new Map([["ns", 1e-6], ["us", 1e-3], ["µs", 1e-3], ["μs", 1e-3], ["ms", 1], ["s", 1000], ["m", 60_000], ["h", 3_600_000]]);

/** Go's time.ParseDuration, in milliseconds, or its error message. */
export function parseGoDuration(s: string): number | string {
  const invalid = `time: invalid duration ${goQuote(s)}`;
  let rest = s;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest[0] === "-" ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") return invalid;
  let total = 0;
  while (rest !== "") {
    const num = /^(\d*)(\.\d*)?/.exec(rest)!;
    if (num[0] === "" || num[0] === ".") return invalid;
    rest = rest.slice(num[0].length);
    const unit = /^[^\d.]*/.exec(rest)![0];
    if (unit === "") return `time: missing unit in duration ${goQuote(s)}`;
    const factor = goUnits.get(unit);
    if (factor === undefined) return `time: unknown unit ${goQuote(unit)} in duration ${goQuote(s)}`;
    rest = rest.slice(unit.length);
    total += Number(num[0]) * factor;
  }
  return sign * total;
}

// tzdata's "Factory" zone (offset 0 all year, abbreviation "-00") is in Go's zoneinfo but not in
// ICU's: Go loads it, so it is a valid zone here that keeps UTC's wall clock.
const FACTORY_ZONE = "Factory";

/** time.LoadLocation's error for a zone name, or undefined when Go would load it. */
export function loadLocationError(name: string): string | undefined {
  if (name === "" || name === "UTC" || name === "Local" || name === FACTORY_ZONE) return undefined;
  try {
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
    // Go reads zoneinfo files by name: a name in other letter case is not found.
    if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) return `unknown time zone ${name}`;
    return undefined;
  } catch {
    return `unknown time zone ${name}`;
  }
}

// Croner's schedules, one per pattern and zone: parsing is the costly part and patterns repeat.
const crons = new Map<string, Cron>();
function cronFor(pattern: string, timezone: string): Cron {
  // the mutant requires both day fields to match when both are restricted (robfig takes either)
  const domAndDow = mutant("cron.dom-and-dow");
  const key = `${domAndDow ? "and " : ""}${timezone} ${pattern}`;
  let c = crons.get(key);
  if (!c) {
    if (crons.size >= 1024) crons.clear();
    c = new Cron(pattern, { paused: true, mode: "5-part", timezone, domAndDow });
    crons.set(key, c);
  }
  return c;
}

// The wall clock of an instant in a zone.
function wallClock(ms: number, timezone: string): { hour: number; minute: number; text: string } {
  const text = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).format(new Date(ms));
  const m = /(\d\d):(\d\d):\d\d/.exec(text)!;
  return { hour: Number(m[1]), minute: Number(m[2]), text };
}

function specSchedule(pattern: string, timezone: string, minutes: ReadonlySet<number>, hours: ReadonlySet<number>): Schedule {
  // robfig starts at the next whole second after t; croner's nextRun is strictly after t.
  const cronNext = (t: number): number | undefined => cronFor(pattern, timezone).nextRun(new Date(Math.floor(t / 1000) * 1000 + 999))?.getTime();
  if (timezone === "UTC") return { next: (t) => cronNext(t) ?? GO_ZERO_TIME };
  return {
    next(t: number): number {
      // robfig walks the zone's wall clock: a time skipped by a DST jump is skipped (croner runs it
      // after the jump), and a time repeated when clocks go back runs twice (croner runs it once).
      const before = cronNext(t - 3_600_000);
      if (before !== undefined && before + 3_600_000 > t && wallClock(before, timezone).text === wallClock(before + 3_600_000, timezone).text) {
        const n = cronNext(t);
        if (n === undefined || before + 3_600_000 < n) return before + 3_600_000;
      }
      let n = cronNext(t);
      for (let i = 0; n !== undefined && i < 8; i++) {
        const w = wallClock(n, timezone);
        if (minutes.has(w.minute) && hours.has(w.hour)) return n;
        n = cronNext(n);
      }
      return n ?? GO_ZERO_TIME;
    },
  };
}

const never: Schedule = { next: () => GO_ZERO_TIME };

/** A schedule that fires every delay (ConstantDelaySchedule): at least a second, whole seconds. */
function every(delayMs: number): Schedule {
  const delay = delayMs < 1000 ? 1000 : delayMs - (delayMs % 1000);
  return { next: (t) => t + delay - (((t % 1000) + 1000) % 1000) };
}

/** cron.ParseStandard: the schedule, or robfig's error message. */
export function parseStandard(spec: string): { schedule: Schedule } | { error: string } {
  if (spec.length === 0) return { error: "empty spec string" };
  let timezone = "UTC"; // kube-controller-manager's time.Local
  if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
    const i = spec.indexOf(" ");
    const zone = spec.slice(spec.indexOf("=") + 1, i < 0 ? spec.length : i);
    const err = loadLocationError(zone);
    if (err !== undefined) return { error: `provided bad location ${zone}: ${err}` };
    if (zone !== "" && zone !== "Local" && zone !== FACTORY_ZONE) timezone = zone;
    spec = i < 0 ? "" : spec.slice(i).trim();
  }
  if (spec.startsWith("@")) {
    const d = descriptors.get(spec);
    if (d !== undefined) spec = d;
    else if (spec.startsWith("@every ")) {
      const ms = parseGoDuration(spec.slice("@every ".length));
      return typeof ms === "string" ? { error: `failed to parse duration ${spec}: ${ms}` } : { schedule: every(ms) };
    } else return { error: `unrecognized descriptor: ${spec}` };
  }
  const fields = spec.split(/\s+/).filter((f) => f !== "");
  if (fields.length !== 5) return { error: `expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]` };
  const values: FieldValues[] = [];
  for (const [i, f] of fields.entries()) {
    const v = getField(f, fieldBounds[i]!);
    if (typeof v === "string") return { error: v };
    values.push(v);
  }
  if (values.some((v) => v.values.size === 0)) return { schedule: never };
  const pattern = values.map((v) => (v.star ? "*" : [...v.values].sort((a, b) => a - b).join(","))).join(" ");
  return { schedule: specSchedule(pattern, timezone, values[0]!.values, values[1]!.values) };
}

/** time.Time.In(zone).Format(time.RFC3339): local wall time with its offset ("Z" when it is zero). */
export function formatRFC3339In(ms: number, timezone: string | undefined): string {
  const sec = Math.floor(ms / 1000) * 1000;
  if (!timezone || timezone === "UTC" || timezone === "Local" || timezone === FACTORY_ZONE) return new Date(sec).toISOString().replace(".000Z", "Z");
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(sec));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  const offsetMin = Math.round((wall - sec) / 60_000);
  const iso = new Date(wall).toISOString().slice(0, 19);
  if (offsetMin === 0) return `${iso}Z`;
  const abs = Math.abs(offsetMin);
  return `${iso}${offsetMin < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}
