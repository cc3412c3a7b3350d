// CEL's standard functions and operators, and the extension libraries Kubernetes v1.35 turns on
// (strings v2, lists, regex, sets, optional types). Receiver-style overloads are keyed ".name".
import type { Cost } from "./eval.js";
import { compileRegex } from "./regex.js";
import { durationString, formatTimestamp, parseDuration, parseTimestamp, timestampPart } from "./time.js";
import { CelBytes, CelDuration, CelError, CelMap, CelOpaque, CelOptional, CelThrow, CelTimestamp, CelType, CelUint, INT64_MAX, INT64_MIN, UINT64_MAX, typeName } from "./values.js";

export type Fn = (args: unknown[], cost: Cost) => unknown;
export const FUNCTIONS = new Map<string, Fn>();

function err(message: string): never {
  throw new CelThrow(new CelError(message));
}
export const noOverload = (): never => err("no such overload");

export function def(name: string, fn: Fn): void {
  FUNCTIONS.set(name, fn);
}

export function callFunction(fn: string, hasTarget: boolean, target: unknown, args: unknown[], cost: Cost): unknown {
  // a library's method on its own type, where another library's type has one of that name too
  // (compareTo on a quantity and on a semver): keyed ".name@type"
  if (hasTarget && target instanceof CelOpaque) {
    const typed = FUNCTIONS.get(`.${fn}@${target.typeName}`);
    if (typed) return typed([target, ...args], cost);
  }
  const f = FUNCTIONS.get(hasTarget ? `.${fn}` : fn);
  if (!f) return err(`no such overload: ${fn}`);
  return f(hasTarget ? [target, ...args] : args, cost);
}

export function isInt(v: unknown): v is bigint {
  return typeof v === "bigint";
}
export function isStr(v: unknown): v is string {
  return typeof v === "string";
}

export function checkInt(v: bigint): bigint {
  if (v > INT64_MAX || v < INT64_MIN) err("integer overflow");
  return v;
}
function checkUint(v: bigint): CelUint {
  if (v > UINT64_MAX || v < 0n) err("unsigned integer overflow");
  return new CelUint(v);
}

/** Comparison of any two of int, uint and double as cel-go does it: int and uint exactly, against a
 * double through a (lossy) conversion to double unless the double is out of the integer's range. */
function numCompare(a: unknown, b: unknown): number | undefined {
  const na = numOf(a);
  const nb = numOf(b);
  if (na === undefined || nb === undefined) return undefined;
  if (typeof na === "bigint" && typeof nb === "bigint") return na < nb ? -1 : na > nb ? 1 : 0;
  if (typeof na === "number" && typeof nb === "number") return cmpDouble(na, nb);
  const flip = typeof na === "bigint" ? 1 : -1;
  const i = (typeof na === "bigint" ? na : nb) as bigint;
  const d = (typeof na === "number" ? na : nb) as number;
  const unsigned = (typeof na === "bigint" ? a : b) instanceof CelUint;
  if (Number.isNaN(d)) return Number.NaN;
  // Go converts the integer bound to double (2^64, 2^63) before comparing
  const [lo, hi] = unsigned ? [0, 2 ** 64] : [-(2 ** 63), 2 ** 63];
  if (d < lo) return flip;
  if (d > hi) return -flip;
  return flip * cmpDouble(Number(i), d);
}
function cmpDouble(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN;
  return a < b ? -1 : a > b ? 1 : 0;
}
function numOf(v: unknown): bigint | number | undefined {
  if (typeof v === "bigint" || typeof v === "number") return v;
  if (v instanceof CelUint) return v.v;
  return undefined;
}

function cmpCodePoints(a: string, b: string): number {
  // Go compares strings by UTF-8 bytes, which orders as code points (not UTF-16 units)
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/** CEL ordering: -1/0/1, NaN for an unordered double, or a "no such overload" error. */
export function compare(a: unknown, b: unknown): number {
  const n = numCompare(a, b);
  if (n !== undefined) return n;
  if (isStr(a) && isStr(b)) return cmpCodePoints(a, b);
  if (typeof a === "boolean" && typeof b === "boolean") return a === b ? 0 : a ? 1 : -1;
  if (a instanceof CelBytes && b instanceof CelBytes) return cmpBytes(a.b, b.b);
  if ((a instanceof CelDuration && b instanceof CelDuration) || (a instanceof CelTimestamp && b instanceof CelTimestamp)) return a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0;
  if (a instanceof CelOpaque && b instanceof CelOpaque && a.typeName === b.typeName) {
    const f = FUNCTIONS.get(`.compareTo#${a.typeName}`);
    if (f) return Number(f([a, b], undefined as unknown as Cost));
  }
  return noOverload();
}
function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** CEL equality (heterogeneous: values of different types are unequal, numbers compare by value). */
export function equals(a: unknown, b: unknown): boolean {
  const n = numCompare(a, b);
  if (n !== undefined) return n === 0;
  if (a === null || b === null) return a === b;
  if (typeof a !== "object" || typeof b !== "object") return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => equals(x, b[i]));
  }
  if (a instanceof CelMap || b instanceof CelMap) {
    if (!(a instanceof CelMap) || !(b instanceof CelMap) || a.size !== b.size) return false;
    return a.keys().every((k) => b.has(k) && equals(a.get(k), b.get(k)));
  }
  if (a instanceof CelBytes && b instanceof CelBytes) return cmpBytes(a.b, b.b) === 0;
  if (a instanceof CelType && b instanceof CelType) return a.name === b.name;
  if ((a instanceof CelDuration && b instanceof CelDuration) || (a instanceof CelTimestamp && b instanceof CelTimestamp)) return a.ns === b.ns;
  if (a instanceof CelOptional && b instanceof CelOptional) return a.has === b.has && (!a.has || equals(a.value, b.value));
  if (a instanceof CelOpaque && b instanceof CelOpaque && a.typeName === b.typeName) {
    const f = FUNCTIONS.get(`.equals#${a.typeName}`);
    return f ? f([a, b], undefined as unknown as Cost) === true : a.data === b.data;
  }
  return false;
}

function showKey(k: unknown): string {
  if (typeof k === "bigint") return k.toString();
  if (k instanceof CelUint) return k.v.toString();
  if (typeof k === "number") return String(k);
  return String(k);
}

export function selectField(v: unknown, field: string, optional: boolean): unknown {
  if (v instanceof CelOptional) {
    if (!v.has) return v;
    const inner = selectOptional(v.value, field);
    return inner;
  }
  if (optional) return selectOptional(v, field);
  if (v instanceof CelMap) {
    if (!v.has(field)) err(`no such key: ${field}`);
    return v.get(field);
  }
  if (v instanceof CelOpaque) {
    const f = FUNCTIONS.get(`.@field#${v.typeName}`);
    if (f) return f([v, field], undefined as unknown as Cost);
  }
  return err(`type '${typeName(v)}' does not support field selection`);
}
function selectOptional(v: unknown, field: string): CelOptional {
  if (v instanceof CelMap) return v.has(field) ? new CelOptional(true, v.get(field)) : new CelOptional(false);
  return err(`type '${typeName(v)}' does not support field selection`);
}

export function indexValue(v: unknown, idx: unknown, optional: boolean): unknown {
  if (v instanceof CelOptional) {
    if (!v.has) return v;
    return indexOptional(v.value, idx);
  }
  if (optional) return indexOptional(v, idx);
  if (Array.isArray(v)) {
    const i = listIndex(idx);
    if (i < 0 || i >= v.length) err(`index '${i}' out of range in list size '${v.length}'`);
    return v[i];
  }
  if (v instanceof CelMap) {
    if (!v.has(idx)) {
      if (!isKeyType(idx)) err("unsupported key type");
      err(`no such key: ${showKey(idx)}`);
    }
    return v.get(idx);
  }
  return noOverload();
}
function isKeyType(k: unknown): boolean {
  return typeof k === "string" || typeof k === "bigint" || typeof k === "boolean" || k instanceof CelUint || typeof k === "number";
}
function listIndex(idx: unknown): number {
  if (typeof idx === "bigint") return idx > 1n << 40n || idx < -(1n << 40n) ? -1 : Number(idx);
  if (idx instanceof CelUint) return idx.v > 1n << 40n ? -1 : Number(idx.v);
  if (typeof idx === "number") {
    if (!Number.isInteger(idx)) err(`unsupported index value ${idx} in list`);
    return idx;
  }
  return err(`unsupported index type '${typeName(idx)}' in list`);
}
function indexOptional(v: unknown, idx: unknown): CelOptional {
  if (Array.isArray(v)) {
    const i = listIndex(idx);
    return i >= 0 && i < v.length ? new CelOptional(true, v[i]) : new CelOptional(false);
  }
  if (v instanceof CelMap) return v.has(idx) ? new CelOptional(true, v.get(idx)) : new CelOptional(false);
  return noOverload();
}

// ---- operators

function strCost(cost: Cost, ...lens: number[]): void {
  cost.add(Math.ceil(lens.reduce((a, b) => a + b, 0) * 0.1));
}

def("_==_", ([a, b]) => equals(a, b));
def("_!=_", ([a, b]) => !equals(a, b));
const ord = (test: (c: number) => boolean): Fn => ([a, b]) => {
  const c = compare(a, b);
  return Number.isNaN(c) ? false : test(c);
};
def("_<_", ord((c) => c < 0));
def("_<=_", ord((c) => c <= 0));
def("_>_", ord((c) => c > 0));
def("_>=_", ord((c) => c >= 0));
def("!_", ([a]) => (typeof a === "boolean" ? !a : noOverload()));
def("-_", ([a]) => {
  if (isInt(a)) return checkInt(-a);
  if (typeof a === "number") return -a;
  if (a instanceof CelDuration) return new CelDuration(-a.ns);
  return noOverload();
});
def("@in", ([a, b], cost) => {
  if (Array.isArray(b)) {
    cost.add(Math.ceil(b.length * 0.1));
    return b.some((x) => equals(a, x));
  }
  if (b instanceof CelMap) return b.has(a);
  return noOverload();
});

const DURATION_MAX = 315576000000n * 1_000_000_000n;
function checkDuration(ns: bigint): CelDuration {
  if (ns > INT64_MAX || ns < INT64_MIN) err("duration overflow");
  return new CelDuration(ns);
}
const TS_MIN = -62135596800n * 1_000_000_000n;
const TS_MAX = 253402300799n * 1_000_000_000n + 999_999_999n;
export function checkTimestamp(ns: bigint): CelTimestamp {
  if (ns < TS_MIN || ns > TS_MAX) err("timestamp overflow");
  return new CelTimestamp(ns);
}
void DURATION_MAX;

def("_+_", ([a, b], cost) => {
  if (isInt(a) && isInt(b)) return checkInt(a + b);
  if (a instanceof CelUint && b instanceof CelUint) return checkUint(a.v + b.v);
  if (typeof a === "number" && typeof b === "number") return a + b;
  if (isStr(a) && isStr(b)) {
    strCost(cost, a.length, b.length);
    return a + b;
  }
  if (a instanceof CelBytes && b instanceof CelBytes) {
    strCost(cost, a.b.length, b.b.length);
    const out = new Uint8Array(a.b.length + b.b.length);
    out.set(a.b);
    out.set(b.b, a.b.length);
    return new CelBytes(out);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    strCost(cost, a.length, b.length);
    return [...a, ...b];
  }
  if (a instanceof CelDuration && b instanceof CelDuration) return checkDuration(a.ns + b.ns);
  if (a instanceof CelTimestamp && b instanceof CelDuration) return checkTimestamp(a.ns + b.ns);
  if (a instanceof CelDuration && b instanceof CelTimestamp) return checkTimestamp(a.ns + b.ns);
  return noOverload();
});
def("_-_", ([a, b]) => {
  if (isInt(a) && isInt(b)) return checkInt(a - b);
  if (a instanceof CelUint && b instanceof CelUint) return checkUint(a.v - b.v);
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (a instanceof CelDuration && b instanceof CelDuration) return checkDuration(a.ns - b.ns);
  if (a instanceof CelTimestamp && b instanceof CelDuration) return checkTimestamp(a.ns - b.ns);
  if (a instanceof CelTimestamp && b instanceof CelTimestamp) return checkDuration(a.ns - b.ns);
  return noOverload();
});
def("_*_", ([a, b]) => {
  if (isInt(a) && isInt(b)) return checkInt(a * b);
  if (a instanceof CelUint && b instanceof CelUint) return checkUint(a.v * b.v);
  if (typeof a === "number" && typeof b === "number") return a * b;
  return noOverload();
});
def("_/_", ([a, b]) => {
  if (isInt(a) && isInt(b)) {
    if (b === 0n) err("division by zero");
    return checkInt(a / b);
  }
  if (a instanceof CelUint && b instanceof CelUint) {
    if (b.v === 0n) err("division by zero");
    return new CelUint(a.v / b.v);
  }
  if (typeof a === "number" && typeof b === "number") return a / b;
  return noOverload();
});
def("_%_", ([a, b]) => {
  if (isInt(a) && isInt(b)) {
    if (b === 0n) err("modulus by zero");
    if (b === -1n && a === INT64_MIN) err("integer overflow");
    return a % b;
  }
  if (a instanceof CelUint && b instanceof CelUint) {
    if (b.v === 0n) err("modulus by zero");
    return new CelUint(a.v % b.v);
  }
  return noOverload();
});

// ---- size, type, conversions

function codePoints(s: string): string[] {
  return [...s];
}
const size: Fn = ([a]) => {
  if (isStr(a)) return BigInt(codePoints(a).length);
  if (a instanceof CelBytes) return BigInt(a.b.length);
  if (Array.isArray(a)) return BigInt(a.length);
  if (a instanceof CelMap) return BigInt(a.size);
  return noOverload();
};
def("size", size);
def(".size", size);
def("type", ([a]) => new CelType(typeName(a)));
def("dyn", ([a]) => a);

/** Go's strconv.FormatFloat(f, 'g', -1, 64) as cel-go's string(double) prints. */
export function goFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Number.POSITIVE_INFINITY) return "+Inf";
  if (f === Number.NEGATIVE_INFINITY) return "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const [mant, expS] = f.toExponential().split("e");
  const exp = Number(expS);
  // %g with the shortest digits switches to an exponent outside [1e-4, 1e6)
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mant}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
  }
  return String(f);
}

const INT_RE = /^[+-]?[0-9]+$/;
def("int", ([a]) => {
  if (isInt(a)) return a;
  if (a instanceof CelUint) return checkInt(a.v);
  if (typeof a === "number") {
    if (!Number.isFinite(a) || a <= -9.223372036854776e18 || a >= 9.223372036854776e18) err("integer overflow");
    return BigInt(Math.trunc(a));
  }
  if (isStr(a)) {
    if (!INT_RE.test(a)) err(`type conversion error from 'string' to 'int'`);
    const v = BigInt(a);
    if (v > INT64_MAX || v < INT64_MIN) err(`type conversion error from 'string' to 'int'`);
    return v;
  }
  if (a instanceof CelTimestamp) return floorDiv(a.ns, 1_000_000_000n);
  if (a instanceof CelDuration) return a.ns;
  return noOverload();
});
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && a < 0n) !== b < 0n && a % b !== 0n ? q - 1n : q;
}
def("uint", ([a]) => {
  if (a instanceof CelUint) return a;
  if (isInt(a)) return checkUint(a);
  if (typeof a === "number") {
    if (!Number.isFinite(a) || a <= -1 || a >= 1.8446744073709552e19) err("unsigned integer overflow");
    return new CelUint(BigInt(Math.trunc(a)));
  }
  if (isStr(a)) {
    if (!/^\+?[0-9]+$/.test(a)) err(`type conversion error from 'string' to 'uint'`);
    const v = BigInt(a);
    if (v > UINT64_MAX) err(`type conversion error from 'string' to 'uint'`);
    return new CelUint(v);
  }
  return noOverload();
});
def("double", ([a]) => {
  if (typeof a === "number") return a;
  if (isInt(a)) return Number(a);
  if (a instanceof CelUint) return Number(a.v);
  if (isStr(a)) {
    const t = a.trim() === a ? a : "x";
    if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    if (/^nan$/i.test(t)) return Number.NaN;
    if (!/^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(t)) err(`type conversion error from 'string' to 'double'`);
    return Number(t);
  }
  return noOverload();
});
def("string", ([a]) => {
  if (isStr(a)) return a;
  if (isInt(a)) return a.toString();
  if (a instanceof CelUint) return a.v.toString();
  if (typeof a === "number") return goFloat(a);
  if (typeof a === "boolean") return String(a);
  if (a instanceof CelBytes) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(a.b);
    } catch {
      return err("invalid UTF-8 in bytes, cannot convert to string");
    }
  }
  if (a instanceof CelDuration) return durationString(a.ns);
  if (a instanceof CelTimestamp) return formatTimestamp(a.ns);
  if (a instanceof CelOpaque) {
    const f = FUNCTIONS.get(`.string#${a.typeName}`);
    if (f) return f([a], undefined as unknown as Cost);
  }
  return noOverload();
});
def("bytes", ([a]) => {
  if (a instanceof CelBytes) return a;
  if (isStr(a)) return new CelBytes(new TextEncoder().encode(a));
  return noOverload();
});
const BOOL_STRINGS: Record<string, boolean> = { "1": true, t: true, T: true, TRUE: true, true: true, True: true, "0": false, f: false, F: false, FALSE: false, false: false, False: false };
def("bool", ([a]) => {
  if (typeof a === "boolean") return a;
  if (isStr(a)) {
    if (!Object.hasOwn(BOOL_STRINGS, a)) err(`type conversion error from 'string' to 'bool'`);
    return BOOL_STRINGS[a];
  }
  return noOverload();
});
def("duration", ([a]) => {
  if (a instanceof CelDuration) return a;
  if (isStr(a)) return checkDuration(parseDuration(a));
  if (isInt(a)) return new CelDuration(a);
  return noOverload();
});
def("timestamp", ([a]) => {
  if (a instanceof CelTimestamp) return a;
  if (isStr(a)) return checkTimestamp(parseTimestamp(a));
  if (isInt(a)) return checkTimestamp(a * 1_000_000_000n);
  return noOverload();
});
for (const part of ["getFullYear", "getMonth", "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear", "getHours", "getMinutes", "getSeconds", "getMilliseconds"]) {
  def(`.${part}`, ([t, tz]) => {
    if (t instanceof CelTimestamp && (tz === undefined || isStr(tz))) return timestampPart(t.ns, part, tz as string | undefined);
    if (t instanceof CelDuration && tz === undefined) {
      const div: Record<string, bigint> = { getHours: 3_600_000_000_000n, getMinutes: 60_000_000_000n, getSeconds: 1_000_000_000n, getMilliseconds: 1_000_000n };
      if (Object.hasOwn(div, part)) return part === "getMilliseconds" ? (t.ns % 1_000_000_000n) / 1_000_000n : t.ns / div[part]!;
    }
    return noOverload();
  });
}

// ---- strings

function str1(name: string, f: (s: string, args: unknown[], cost: Cost) => unknown, types: ((v: unknown) => boolean)[] = []): void {
  def(`.${name}`, ([s, ...args], cost) => {
    if (!isStr(s) || args.length !== types.length || !types.every((t, i) => t(args[i]))) return noOverload();
    strCost(cost, s.length);
    return f(s, args, cost);
  });
}
str1("contains", (s, [x]) => s.includes(x as string), [isStr]);
str1("startsWith", (s, [x]) => s.startsWith(x as string), [isStr]);
str1("endsWith", (s, [x]) => s.endsWith(x as string), [isStr]);
const matches: Fn = ([s, re], cost) => {
  if (!isStr(s) || !isStr(re)) return noOverload();
  strCost(cost, s.length, re.length);
  return compileRegex(re).test(s);
};
def(".matches", matches);
def("matches", matches);
str1("charAt", (s, [i]) => {
  const cps = codePoints(s);
  const n = Number(i as bigint);
  if ((i as bigint) < 0n || (i as bigint) > BigInt(cps.length)) err(`index out of range: ${i}`);
  return cps[n] ?? "";
}, [isInt]);
function cpIndexOf(s: string, sub: string, from: number, last: boolean): bigint {
  const cps = codePoints(s);
  const subCps = codePoints(sub);
  if (from < 0 || from > cps.length) err(`index out of range: ${from}`);
  const at = (i: number) => subCps.every((c, j) => cps[i + j] === c);
  if (last) {
    for (let i = Math.min(from, cps.length - subCps.length); i >= 0; i--) if (at(i)) return BigInt(i);
    return -1n;
  }
  for (let i = from; i + subCps.length <= cps.length; i++) if (at(i)) return BigInt(i);
  return -1n;
}
def(".indexOf", (args, cost) => {
  const [s, x, i] = args;
  if (Array.isArray(s) && args.length === 2) return BigInt(s.findIndex((e) => equals(e, x)));
  if (!isStr(s) || !isStr(x) || (i !== undefined && !isInt(i)) || args.length > 3) return noOverload();
  strCost(cost, s.length);
  if (i !== undefined && (i < 0n || i > BigInt(s.length) * 2n)) err(`index out of range: ${i}`);
  return cpIndexOf(s, x, i === undefined ? 0 : Number(i), false);
});
def(".lastIndexOf", (args, cost) => {
  const [s, x, i] = args;
  if (Array.isArray(s) && args.length === 2) {
    for (let j = s.length - 1; j >= 0; j--) if (equals(s[j], x)) return BigInt(j);
    return -1n;
  }
  if (!isStr(s) || !isStr(x) || (i !== undefined && !isInt(i)) || args.length > 3) return noOverload();
  strCost(cost, s.length);
  const n = codePoints(s).length;
  if (i !== undefined && (i < 0n || i > BigInt(n))) err(`index out of range: ${i}`);
  if (x === "") return i === undefined ? BigInt(n) : i;
  return cpIndexOf(s, x, i === undefined ? n : Number(i), true);
});
str1("lowerAscii", (s) => s.replace(/[A-Z]+/g, (m) => m.toLowerCase()));
str1("upperAscii", (s) => s.replace(/[a-z]+/g, (m) => m.toUpperCase()));
def(".replace", ([s, a, b, n, ...extra], cost) => {
  if (extra.length > 0 || !isStr(s) || !isStr(a) || !isStr(b) || (n !== undefined && !isInt(n))) return noOverload();
  strCost(cost, s.length, b.length);
  let limit = n === undefined || n < 0n ? Number.POSITIVE_INFINITY : Number(n);
  if (a === "") {
    // Go's strings.Replace with an empty old string inserts at each code point boundary
    const cps = codePoints(s);
    let out = "";
    for (let i = 0; i <= cps.length; i++) {
      if (limit > 0) {
        out += b;
        limit--;
      }
      out += cps[i] ?? "";
    }
    return out;
  }
  let out = "";
  let i = 0;
  while (limit > 0) {
    const j = s.indexOf(a, i);
    if (j < 0) break;
    out += s.slice(i, j) + b;
    i = j + a.length;
    limit--;
  }
  return out + s.slice(i);
});
def(".split", ([s, sep, n, ...extra], cost) => {
  if (extra.length > 0 || !isStr(s) || !isStr(sep) || (n !== undefined && !isInt(n))) return noOverload();
  strCost(cost, s.length);
  const limit = n === undefined ? -1 : Number(n);
  if (limit === 0) return [];
  const parts = sep === "" ? codePoints(s) : s.split(sep);
  if (limit < 0 || parts.length <= limit) return parts;
  if (sep === "") return [...parts.slice(0, limit - 1), parts.slice(limit - 1).join("")];
  return [...parts.slice(0, limit - 1), parts.slice(limit - 1).join(sep)];
});
def(".substring", ([s, a, b, ...extra], cost) => {
  if (extra.length > 0 || !isStr(s) || !isInt(a) || (b !== undefined && !isInt(b))) return noOverload();
  strCost(cost, s.length);
  const cps = codePoints(s);
  const end = b === undefined ? BigInt(cps.length) : b;
  if (a < 0n || a > BigInt(cps.length)) err(`index out of range: ${a}`);
  if (end < 0n || end > BigInt(cps.length)) err(`index out of range: ${end}`);
  if (a > end) err(`invalid substring range. start: ${a}, end: ${end}`);
  return cps.slice(Number(a), Number(end)).join("");
});
// Go's strings.TrimSpace: unicode.IsSpace, which is not JavaScript's \s (no U+FEFF)
const SPACE = "[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const TRIM = new RegExp(`^${SPACE}+|${SPACE}+$`, "g");
str1("trim", (s) => s.replace(TRIM, ""));
def(".join", ([l, sep], cost) => {
  if (!Array.isArray(l) || (sep !== undefined && !isStr(sep))) return noOverload();
  if (!l.every(isStr)) return noOverload();
  const out = l.join((sep as string | undefined) ?? "");
  strCost(cost, out.length);
  return out;
});
def("strings.quote", ([s]) => {
  if (!isStr(s)) return noOverload();
  return `"${[...s].map(quoteChar).join("")}"`;
});
function quoteChar(c: string): string {
  const m: Record<string, string> = { "\u0007": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v", "\\": "\\\\", '"': '\\"' };
  return Object.hasOwn(m, c) ? m[c]! : c;
}

// ---- lists (Kubernetes' library.Lists) and sets (ext.Sets)

function listOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : noOverload();
}
def(".isSorted", ([l], cost) => {
  const a = listOf(l);
  cost.add(a.length);
  for (let i = 1; i < a.length; i++) if (compare(a[i - 1], a[i]) > 0) return false;
  return true;
});
def(".sum", ([l], cost) => {
  const a = listOf(l);
  cost.add(a.length);
  if (a.length === 0) return 0n;
  return a.slice(1).reduce((acc, x) => FUNCTIONS.get("_+_")!([acc, x], cost), a[0]);
});
for (const [name, better] of [
  ["min", (c: number) => c < 0],
  ["max", (c: number) => c > 0],
] as const) {
  def(`.${name}`, ([l], cost) => {
    const a = listOf(l);
    cost.add(a.length);
    if (a.length === 0) err(`${name} called on empty list`);
    return a.reduce((m, x) => (better(compare(x, m)) ? x : m));
  });
}
def("sets.contains", ([a, b], cost) => {
  const x = listOf(a);
  const y = listOf(b);
  cost.add(Math.ceil(x.length * y.length * 0.1));
  return y.every((e) => x.some((f) => equals(e, f)));
});
def("sets.equivalent", ([a, b], cost) => {
  const x = listOf(a);
  const y = listOf(b);
  cost.add(Math.ceil(x.length * y.length * 0.1));
  return y.every((e) => x.some((f) => equals(e, f))) && x.every((e) => y.some((f) => equals(e, f)));
});
def("sets.intersects", ([a, b], cost) => {
  const x = listOf(a);
  const y = listOf(b);
  cost.add(Math.ceil(x.length * y.length * 0.1));
  return y.some((e) => x.some((f) => equals(e, f)));
});

// ---- regex (Kubernetes' library.Regex)

def(".find", ([s, re], cost) => {
  if (!isStr(s) || !isStr(re)) return noOverload();
  strCost(cost, s.length, re.length);
  const m = compileRegex(re).exec(s);
  return m ? m[0] : "";
});
def(".findAll", ([s, re, n], cost) => {
  if (!isStr(s) || !isStr(re) || (n !== undefined && !isInt(n))) return noOverload();
  strCost(cost, s.length, re.length);
  const limit = n === undefined || n < 0n ? Number.POSITIVE_INFINITY : Number(n);
  const r = compileRegex(re, true);
  const out: string[] = [];
  let prevEnd = -1;
  for (let m = r.exec(s); m && out.length < limit; m = r.exec(s)) {
    // Go skips an empty match right after the previous match
    if (!(m[0] === "" && m.index === prevEnd)) out.push(m[0]);
    prevEnd = m.index + m[0].length;
    if (m[0] === "") r.lastIndex = m.index + (s.codePointAt(m.index)! > 0xffff ? 2 : 1);
  }
  return out;
});

// ---- optional types

def("optional.of", ([v]) => new CelOptional(true, v));
def("optional.none", () => new CelOptional(false));
def("optional.ofNonZeroValue", ([v]) => (isZero(v) ? new CelOptional(false) : new CelOptional(true, v)));
function isZero(v: unknown): boolean {
  if (v === null || v === false || v === "" || v === 0n || v === 0) return true;
  if (v instanceof CelUint) return v.v === 0n;
  if (Array.isArray(v)) return v.length === 0;
  if (v instanceof CelMap) return v.size === 0;
  if (v instanceof CelBytes) return v.b.length === 0;
  if (v instanceof CelDuration || v instanceof CelTimestamp) return v.ns === 0n;
  return false;
}
function opt(v: unknown): CelOptional {
  return v instanceof CelOptional ? v : noOverload();
}
def(".hasValue", ([o]) => opt(o).has);
def(".value", ([o]) => {
  const x = opt(o);
  if (!x.has) err("optional.none() dereference");
  return x.value;
});
def(".orValue", ([o, d]) => {
  const x = opt(o);
  return x.has ? x.value : d;
});
def(".or", ([o, p]) => {
  const x = opt(o);
  return x.has ? x : opt(p);
});
