// Whether two values encode to the same JSON text, without encoding them: the status manager asks
// it of the status it would write and the one the API holds, which usually differ within their
// first fields (encoding the API's status every time was a share of every write).

/** The answer when a value is one JSON.stringify would transform (toJSON, a class instance, a bigint ...). */
const unsure = 2;

// A primitive's place in the text: null and non-finite numbers print as null, -0 as 0.
function scalarText(x: unknown): string | undefined {
  switch (typeof x) {
    case "string": return `s${x}`;
    case "number": return Number.isFinite(x) ? `n${String(x)}` : "null";
    case "boolean": return x ? "true" : "false";
    default: return x === null ? "null" : undefined;
  }
}

// 1 same text, 0 different, 2 unsure. `absent` (undefined, a symbol) is what a property omits and an array prints as null.
function compare(a: unknown, b: unknown): number {
  if (a === b && (a === null || typeof a !== "object" || Object.isFrozen(a))) return typeof a === "function" || typeof a === "bigint" ? unsure : 1;
  const objA = typeof a === "object" && a !== null, objB = typeof b === "object" && b !== null;
  if (typeof a === "function" || typeof b === "function" || typeof a === "bigint" || typeof b === "bigint") return unsure;
  if (!objA || !objB) {
    if (objA && !plain(a)) return unsure;
    if (objB && !plain(b)) return unsure;
    if (objA || objB) return 0;
    return scalarText(a) === scalarText(b) ? 1 : 0;
  }
  if (!plain(a) || !plain(b)) return unsure;
  const arrA = Array.isArray(a), arrB = Array.isArray(b);
  if (arrA !== arrB) return 0;
  if (arrA) {
    const x = a as unknown[], y = b as unknown[];
    if (x.length !== y.length) return 0;
    for (let i = 0; i < x.length; i++) {
      const r = compare(inArray(x[i]), inArray(y[i]));
      if (r !== 1) return r;
    }
    return 1;
  }
  const x = a as Record<string, unknown>, y = b as Record<string, unknown>;
  const kx = Object.keys(x), ky = Object.keys(y);
  let i = 0, j = 0;
  for (;;) {
    while (i < kx.length && omitted(x[kx[i]!])) i++;
    while (j < ky.length && omitted(y[ky[j]!])) j++;
    // a function field is omitted, or encoded by its toJSON: left to JSON
    if ((i < kx.length && typeof x[kx[i]!] === "function") || (j < ky.length && typeof y[ky[j]!] === "function")) return unsure;
    if (i === kx.length || j === ky.length) return i === kx.length && j === ky.length ? 1 : 0;
    if (kx[i] !== ky[j]) return 0;
    const r = compare(x[kx[i]!], y[ky[j]!]);
    if (r !== 1) return r;
    i++;
    j++;
  }
}

/** A plain object or array with no toJSON: JSON encodes its own enumerable fields as they are. */
function plain(o: object): boolean {
  const proto = Object.getPrototypeOf(o);
  if (proto !== Object.prototype && proto !== null && proto !== Array.prototype) return false;
  return typeof (o as { toJSON?: unknown }).toJSON !== "function";
}

function omitted(v: unknown): boolean {
  return v === undefined || typeof v === "symbol";
}

function inArray(v: unknown): unknown {
  return omitted(v) ? null : v;
}

/**
 * JSON.stringify(a) === text, where text is JSON.stringify(b): compared field by field when both
 * are plain data. `text` may be given as the function that encodes b, called only when unsure.
 */
export function sameJSONText(a: unknown, b: unknown, text: string | (() => string)): boolean {
  const r = omitted(a) || omitted(b) ? unsure : compare(a, b);
  return r === unsure ? JSON.stringify(a) === (typeof text === "string" ? text : text()) : r === 1;
}
