// resource.Quantity as Go keeps it: ParseQuantity's result, its exact value for comparisons and sums,
// and String() / MarshalJSON (the cached input when canonical, else the canonical form) which
// Kubernetes prints in "must be less than or equal to cpu limit of 1" and in Invalid values.
import { mutant } from "./mutation.js";

/** A parsed quantity: value = n × 10^e10 exactly; i is the int64Amount when Go took the fast path. */
export interface GoQuantity {
  n: bigint;
  e10: number;
  format: "DecimalSI" | "BinarySI" | "DecimalExponent";
  i?: { value: bigint; scale: number };
  /** the cached string Go keeps when the input was already canonical */
  s: string;
}

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const INT64_MAX = 2n ** 63n - 1n;
const NANO = -9;
const MAX_INT64_FACTORS = 18;

/** resource.ParseQuantity; undefined when malformed (the decoder refuses those before validation). */
export function parseGoQuantity(input: unknown): GoQuantity | undefined {
  if (typeof input !== "string" && typeof input !== "number") return undefined;
  // Every pod write validates the same few quantities ("100m", "64Mi"): parses are kept, frozen
  // since they are shared, in a map bounded because quantities come from clients.
  const key = typeof input === "string" ? input : `#${input}`;
  let q = parsedQuantities.get(key);
  if (q === undefined && !parsedQuantities.has(key)) {
    if (parsedQuantities.size >= 4096) parsedQuantities.clear();
    q = parseUncached(input);
    parsedQuantities.set(key, q === undefined ? q : Object.freeze(q));
  }
  return q;
}

const parsedQuantities = new Map<string, GoQuantity | undefined>();

/** parseQuantityString: sign, digits (leading zeros dropped, "0" when none), "." and digits, then the suffix; undefined is ErrFormatWrong. */
function scanQuantity(str: string): { positive: boolean; value: string; num: string; denom: string; suffix: string } | undefined {
  const end = str.length;
  let positive = true;
  let pos = 0;
  if (str[0] === "-") [positive, pos] = [false, 1];
  else if (str[0] === "+") pos = 1;
  while (pos < end && str[pos] === "0") pos++;
  if (pos >= end) return { positive, value: "0", num: "0", denom: "", suffix: "" };
  const digitsFrom = (i: number): number => {
    while (i < end && str.charCodeAt(i) >= 48 && str.charCodeAt(i) <= 57) i++;
    return i;
  };
  let i = digitsFrom(pos);
  let num = str.slice(pos, i);
  if (i >= end) return { positive, value: str, num, denom: "", suffix: "" };
  if (num === "") num = "0";
  pos = i;
  let denom = "";
  if (str[pos] === ".") {
    i = digitsFrom(pos + 1);
    denom = str.slice(pos + 1, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: "" };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  while (pos < end && "eEinumkKMGTP".includes(str[pos]!)) pos++;
  if (pos < end && (str[pos] === "-" || str[pos] === "+")) pos++;
  // the suffix may end in digits only (an exponent); anything else is the wrong format
  if (digitsFrom(pos) < end) return undefined;
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

/** quantitySuffixer.interpret: a known suffix, or e/E and an int64 exponent Go then converts to int32 (wrapping). */
function interpretSuffix(suf: string): { base: 2 | 10; exponent: number; format: GoQuantity["format"] } | undefined {
  if (Object.hasOwn(decimalSuffixes, suf)) return { base: 10, exponent: decimalSuffixes[suf]!, format: "DecimalSI" };
  // the mutant reads a binary suffix as its decimal namesake (Ki as k, Mi as M)
  if (Object.hasOwn(binarySuffixes, suf) && mutant("quantity.binary-suffix-decimal")) return { base: 10, exponent: (binarySuffixes[suf]! / 10) * 3, format: "DecimalSI" };
  if (Object.hasOwn(binarySuffixes, suf)) return { base: 2, exponent: binarySuffixes[suf]!, format: "BinarySI" };
  if (suf.length > 1 && (suf[0] === "e" || suf[0] === "E") && /^[-+]?[0-9]+$/.test(suf.slice(1))) {
    const n = BigInt(suf.slice(1));
    if (n > INT64_MAX || n < -INT64_MAX - 1n) return undefined;
    return { base: 10, exponent: Number(BigInt.asIntN(32, n)), format: "DecimalExponent" };
  }
  return undefined;
}

function parseUncached(input: string | number): GoQuantity | undefined {
  const str = String(input);
  if (str.length === 0) return undefined;
  if (str === "0") return { n: 0n, e10: 0, format: "DecimalSI", s: str };
  const scanned = scanQuantity(str);
  if (!scanned) return undefined;
  const { positive, num, denom } = scanned;
  const interpreted = interpretSuffix(scanned.suffix);
  if (!interpreted) return undefined;
  const { base, exponent } = interpreted;
  let format = interpreted.format;

  // The int64 fast path, as ParseQuantity takes it.
  let precision: number;
  let scale = 0;
  let mantissa = 1n;
  if (base === 10) {
    scale = exponent;
    precision = MAX_INT64_FACTORS - (num.length + denom.length);
  } else if (exponent >= 0 && denom.length === 0) {
    mantissa = 1n << BigInt(exponent);
    precision = 15 - num.length - Math.trunc(Math.fround((exponent * 3) / 10)) - 1;
  } else {
    precision = -1;
  }
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= NANO) {
      const shifted = num + denom;
      const value = BigInt(shifted);
      const result = value * mantissa;
      if (result <= INT64_MAX) {
        const signed = positive ? result : -result;
        const i = { value: signed, scale };
        const canonical = base === 2 ? exponent % 10 === 0 && (value & 7n) !== 0n : scale % 3 === 0 && !shifted.endsWith("000") && shifted[0] !== "0";
        return { n: signed, e10: scale, format, i, s: canonical ? str : "" };
      }
    }
  }

  // The inf.Dec path: the exact value, rounded up (away from zero) to nano units so that a request
  // for some resource gets some; BinarySI capped at max int64 and, strictly between 0 and 1, DecimalSI.
  let n = BigInt(num + denom);
  let e10 = -denom.length;
  if (base === 10) e10 += exponent;
  else n *= 2n ** BigInt(exponent);
  if (n !== 0n && e10 < NANO) {
    // (a value below one nano unit is one, without expanding a divisor of up to 2^31 digits)
    if (NANO - e10 > digits(n)) n = 1n;
    else {
      const d = pow10(NANO - e10);
      n = n / d + (n % d === 0n ? 0n : 1n);
    }
    e10 = NANO;
  }
  if (format === "BinarySI") {
    if (cmpQuantity({ n, e10, format, s: "" }, { n: INT64_MAX, e10: 0, format, s: "" }) > 0) [n, e10] = [INT64_MAX, 0];
    if (n !== 0n && cmpQuantity({ n, e10, format, s: "" }, { n: 1n, e10: 0, format, s: "" }) < 0) format = "DecimalSI";
  }
  return { n: positive ? n : -n, e10, format, s: "" };
}

/** The number of decimal digits of |n|. */
function digits(n: bigint): number {
  return (n < 0n ? -n : n).toString().length;
}

function pow10(k: number): bigint {
  return 10n ** BigInt(k);
}

/** Compares two quantities exactly (Quantity.Cmp). */
export function cmpQuantity(a: GoQuantity, b: GoQuantity): number {
  // Signs first, then orders of magnitude, so that "1e2147483647" against "1" is not expanded into
  // a number of two billion digits (an exponent is any int32).
  const sa = a.n > 0n ? 1 : a.n < 0n ? -1 : 0;
  const sb = b.n > 0n ? 1 : b.n < 0n ? -1 : 0;
  if (sa !== sb || sa === 0) return sa < sb ? -1 : sa > sb ? 1 : 0;
  const ma = digits(a.n) + a.e10;
  const mb = digits(b.n) + b.e10;
  if (ma !== mb) return ma > mb ? sa : -sa;
  const e = Math.min(a.e10, b.e10);
  const x = a.n * pow10(a.e10 - e);
  const y = b.n * pow10(b.e10 - e);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The widest gap between two addends' decimal exponents a sum spells out. Go's inf.Dec writes any
 * gap out in digits (1e2147483647 + 1m: two billion of them, minutes of work and a gigabyte); past
 * this bound podflow keeps the larger addend and the smaller's sign, as one unit 4096 places below
 * the larger's last digit, so that comparisons still see it.
 */
export const maxExponentGap = 4096;

/**
 * Quantity.Add: the exact sum, no cached string, in the format of the left side unless it is zero;
 * a zero addend leaves the other as it is (int64Amount.Add), whatever its exponent.
 */
export function addQuantity(a: GoQuantity, b: GoQuantity): GoQuantity {
  const format = a.n === 0n ? b.format : a.format;
  if (b.n === 0n) return { n: a.n, e10: a.e10, format, s: "" };
  if (a.n === 0n) return { n: b.n, e10: b.e10, format, s: "" };
  const e = Math.min(a.e10, b.e10);
  if (Math.max(a.e10, b.e10) - e > maxExponentGap) {
    const [larger, smaller] = cmpQuantity(absQuantity(a), absQuantity(b)) >= 0 ? [a, b] : [b, a];
    const unit = smaller.n > 0n ? 1n : -1n;
    return { n: larger.n * pow10(maxExponentGap) + unit, e10: larger.e10 - maxExponentGap, format, s: "" };
  }
  return { n: a.n * pow10(a.e10 - e) + b.n * pow10(b.e10 - e), e10: e, format, s: "" };
}

function absQuantity(q: GoQuantity): GoQuantity {
  return q.n < 0n ? { ...q, n: -q.n } : q;
}

/** Quantity.Sub: a + (-b), in the format of the left side unless it is zero. */
export function subQuantity(a: GoQuantity, b: GoQuantity): GoQuantity {
  return addQuantity(a, { n: -b.n, e10: b.e10, format: b.format, s: "" });
}

/** resource.NewQuantity(value, DecimalSI): a count. */
export function countQuantity(value: number): GoQuantity {
  return { n: BigInt(value), e10: 0, format: "DecimalSI", s: "" };
}

/** MilliValue % 1000 == 0: whether the value is whole in Kubernetes' integer-resource check. */
export function isWholeInMilli(q: GoQuantity): boolean {
  // MilliValue rounds up to milli units first; a value whole in millis and divisible by 1000 is whole.
  const e = q.e10 + 3;
  let milli: bigint;
  if (e >= 3) return true;
  if (e >= 0) milli = q.n * pow10(e);
  else if (-e > digits(q.n)) milli = q.n > 0n ? 1n : 0n;
  else {
    const d = pow10(-e);
    milli = q.n / d + (q.n % d > 0n ? 1n : 0n);
  }
  return milli % 1000n === 0n;
}

const decimalSuffixOf: Record<number, string> = { [-9]: "n", [-6]: "u", [-3]: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E" };
const binarySuffixOf: Record<number, string> = { 0: "", 1: "Ki", 2: "Mi", 3: "Gi", 4: "Ti", 5: "Pi", 6: "Ei" };

function decimalCanonical(q: GoQuantity, exponentFormat: boolean): string {
  let amount = q.n;
  let exponent = q.e10;
  while (amount !== 0n && amount % 10n === 0n) {
    amount /= 10n;
    exponent++;
  }
  while (((exponent % 3) + 3) % 3 !== 0) {
    amount *= 10n;
    exponent--;
  }
  if (exponentFormat) return `${amount}${exponent === 0 ? "" : `e${exponent}`}`;
  // CanonicalizeBytes ignores constructBytes' ok: an exponent past E (or below n) prints no suffix at all.
  return `${amount}${decimalSuffixOf[exponent] ?? ""}`;
}

/** Quantity.String(): the cached input when it was canonical, else CanonicalizeBytes. */
export function quantityString(q: GoQuantity): string {
  if (q.s) return q.s;
  if (q.n === 0n) return "0";
  if (q.format === "BinarySI") {
    const small = cmpQuantity(q, { n: -1024n, e10: 0, format: "DecimalSI", s: "" }) > 0 && cmpQuantity(q, { n: 1024n, e10: 0, format: "DecimalSI", s: "" }) < 0;
    const whole = q.e10 >= 0 || q.n % pow10(-q.e10) === 0n;
    if (small || !whole) return decimalCanonical(q, false);
    let amount = q.e10 >= 0 ? q.n * pow10(q.e10) : q.n / pow10(-q.e10);
    let exponent = 0;
    while (amount !== 0n && amount % 1024n === 0n && exponent < 6) {
      amount /= 1024n;
      exponent++;
    }
    return `${amount}${binarySuffixOf[exponent]}`;
  }
  return decimalCanonical(q, q.format === "DecimalExponent");
}

// ---- Quantity.Value and MilliValue: int64 results, overflow as Go computes it --------------------

const INT64_MIN = -(2n ** 63n);
/** resource.MaxMilliValue: the largest value whose MilliValue fits an int64. */
export const maxMilliValue = INT64_MAX / 1000n;
const wrap64 = (x: bigint) => BigInt.asIntN(64, x);
/** Scale is an int32: a difference of scales wraps. */
const wrap32 = (x: number) => Number(BigInt.asIntN(32, BigInt(x)));

/** int64MultiplyScale(a, b): the product and whether it did not overflow (a wrapped product otherwise). */
function mulScale(a: bigint, b: bigint): [bigint, boolean] {
  if (a === 0n || a === 1n) return [a * b, true];
  if (a === INT64_MIN) return [0n, false];
  const c = wrap64(a * b);
  return [c, c / b === a];
}

/** positiveScaleInt64 (amount.go's math.go): the fixed cases keep a wrapped product, the loop gives 0 on overflow. */
function positiveScaleInt64(base: bigint, scale: number): bigint {
  const fixed: Record<number, bigint> = { 1: 10n, 2: 100n, 3: 1000n, 6: 1000000n, 9: 1000000000n };
  if (scale === 0) return base;
  if (Object.hasOwn(fixed, scale)) return mulScale(base, fixed[scale]!)[0];
  // a negative (wrapped) scale runs the loop no times; 0 stays 0 however long it runs
  if (scale < 0 || base === 0n) return base;
  let value = base;
  for (let i = 0; i < scale; i++) {
    const [next, ok] = mulScale(value, 10n);
    if (!ok) return 0n;
    value = next;
  }
  return value;
}

/** negativeScaleInt64: divided by 10^scale, rounded away from zero. */
function negativeScaleInt64(base: bigint, scale: number): bigint {
  if (scale === 0) return base;
  let value = base;
  let fraction = false;
  for (let i = 0; i < scale; i++) {
    if (!fraction && value % 10n !== 0n) fraction = true;
    value /= 10n;
    if (value === 0n) return fraction ? (base > 0n ? 1n : -1n) : 0n;
  }
  if (fraction) value = base > 0n ? value + 1n : value - 1n;
  return value;
}

/** scale_int.go's scaledValue for an inf.Dec (unscaled × 10^-scale), int64(math.Pow10(k)) past 18 being MinInt64 on amd64. */
function decScaledValue(unscaled: bigint, scale: number, newScale: number): bigint {
  const dif = scale - newScale;
  if (dif === 0) return wrap64(unscaled);
  if (dif < 0) return wrap64(wrap64(unscaled) * (-dif <= 18 ? pow10(-dif) : INT64_MIN));
  const abs = unscaled < 0n ? -unscaled : unscaled;
  if (abs < INT64_MAX && dif < 19) {
    const d = pow10(dif);
    const result = unscaled / d;
    return unscaled % d !== 0n ? result + 1n : result;
  }
  // big.Int DivMod is Euclidean; a divisor with more digits than the value leaves q 0 (or -1) without spelling 10^dif out
  let q: bigint;
  let r: bigint;
  if (dif > digits(unscaled) + 1) [q, r] = unscaled >= 0n ? [0n, unscaled] : [-1n, 1n];
  else {
    const d = pow10(dif);
    q = unscaled / d;
    r = unscaled % d;
    if (r < 0n) [q, r] = [q - 1n, r + d];
  }
  return r !== 0n ? wrap64(wrap64(q) + 1n) : wrap64(q);
}

/** Quantity.ScaledValue: the int64 value in units of 10^scale, rounded up, overflowing as Go does. */
export function scaledValue(q: GoQuantity, scale: number): bigint {
  if (q.i !== undefined) {
    // int64Amount.AsScaledInt64
    if (q.i.scale < scale) return negativeScaleInt64(q.i.value, wrap32(scale - q.i.scale));
    return positiveScaleInt64(q.i.value, wrap32(q.i.scale - scale));
  }
  return decScaledValue(q.n, -q.e10, -scale);
}

/** Quantity.Value(). */
export function quantityValue(q: GoQuantity): bigint {
  return scaledValue(q, 0);
}

/** Quantity.MilliValue(). */
export function quantityMilliValue(q: GoQuantity): bigint {
  return scaledValue(q, -3);
}
