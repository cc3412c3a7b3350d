// resource.Quantity as validation sees it: ParseQuantity's result, its exact value for comparisons,
// and String() / MarshalJSON (the cached input when canonical, else the canonical form) which
// Kubernetes prints in "must be less than or equal to cpu limit of 1" and in Invalid values.

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

function parseUncached(input: string | number): GoQuantity | undefined {
  const str = String(input).trim();
  if (str === "0") return { n: 0n, e10: 0, format: "DecimalSI", s: str };
  const m = /^([+-]?)0*([0-9]*)(?:\.([0-9]*))?(.*)$/s.exec(str);
  if (!m) return undefined;
  const positive = m[1] !== "-";
  const num = m[2] === "" && (m[3] === undefined) && /^[+-]?0+/.test(str) ? "0" : m[2]!;
  const denom = m[3] ?? "";
  const suf = m[4]!;
  let base: 2 | 10;
  let exponent: number;
  let format: GoQuantity["format"];
  if (Object.hasOwn(decimalSuffixes, suf)) [base, exponent, format] = [10, decimalSuffixes[suf]!, "DecimalSI"];
  else if (Object.hasOwn(binarySuffixes, suf)) [base, exponent, format] = [2, binarySuffixes[suf]!, "BinarySI"];
  else if (/^[eE][-+]?[0-9]+$/.test(suf)) [base, exponent, format] = [10, Number(suf.slice(1)), "DecimalExponent"];
  else return undefined;
  if (!/^[0-9]*$/.test(num + denom) || (num + denom).length === 0) return undefined;

  const digits = BigInt(num + denom || "0") * (positive ? 1n : -1n);
  const exact = base === 10 ? { n: digits, e10: exponent - denom.length } : { n: digits * 2n ** BigInt(exponent), e10: -denom.length };
  const q: GoQuantity = { ...exact, format, s: "" };

  // The int64 fast path, as ParseQuantity takes it.
  let precision: number;
  let scale = 0;
  let mantissa = 1n;
  if (base === 10) {
    scale = exponent;
    precision = MAX_INT64_FACTORS - (num.length + denom.length);
  } else if (exponent >= 0 && denom.length === 0) {
    mantissa = 1n << BigInt(exponent);
    precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
  } else {
    precision = -1;
  }
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= NANO) {
      const shifted = num + denom;
      const value = BigInt(shifted || "0");
      const result = value * mantissa;
      if (value <= INT64_MAX && result <= INT64_MAX) {
        q.i = { value: positive ? result : -result, scale };
        const canonical = base === 2 ? exponent % 10 === 0 && (value & 7n) !== 0n : scale % 3 === 0 && !shifted.endsWith("000") && shifted[0] !== "0";
        if (canonical) q.s = str;
      }
    }
  }
  return q;
}

function pow10(k: number): bigint {
  return 10n ** BigInt(k);
}

/** Compares two quantities exactly (Quantity.Cmp). */
export function cmpQuantity(a: GoQuantity, b: GoQuantity): number {
  const e = Math.min(a.e10, b.e10);
  const x = a.n * pow10(a.e10 - e);
  const y = b.n * pow10(b.e10 - e);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Quantity.Add: the exact sum, no cached string, in the format of the left side unless it is zero. */
export function addQuantity(a: GoQuantity, b: GoQuantity): GoQuantity {
  const e = Math.min(a.e10, b.e10);
  return { n: a.n * pow10(a.e10 - e) + b.n * pow10(b.e10 - e), e10: e, format: a.n === 0n ? b.format : a.format, s: "" };
}

/** MilliValue % 1000 == 0: whether the value is whole in Kubernetes' integer-resource check. */
export function isWholeInMilli(q: GoQuantity): boolean {
  // MilliValue rounds up to milli units first; a value whole in millis and divisible by 1000 is whole.
  const e = q.e10 + 3;
  let milli: bigint;
  if (e >= 0) milli = q.n * pow10(e);
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
  const suffix = decimalSuffixOf[exponent];
  return suffix === undefined ? `${amount}e${exponent}` : `${amount}${suffix}`;
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
