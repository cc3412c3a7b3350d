// Structural equality for API objects, without serialising them: a key whose value is undefined
// counts as absent, as it would after a JSON round-trip.

import { utf8Length } from "./bytes.js";
import { setOwn } from "./own.js";
import { NumberLiteral } from "./numberliteral.js";

/** True when a and b are equal as JSON values (undefined-valued keys ignored, key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  return equalAt(a, b, 0);
}

/** How deep deepEqual and deepCopy recurse before they go on with an explicit stack (a body may nest 10,000 deep, as Go's decoders allow). */
const recursionMax = 512;

function equalAt(a: unknown, b: unknown, depth: number): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (depth > recursionMax) return equalIteratively(a, b);
  const aa = Array.isArray(a);
  if (aa !== Array.isArray(b)) return false;
  if (aa) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!equalAt(x[i], y[i], depth + 1)) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    const v = x[k];
    if (v === undefined) continue;
    n++;
    if (!equalAt(v, y[k], depth + 1)) return false;
  }
  for (const k in y) if (y[k] !== undefined) n--;
  return n === 0;
}

/** deepEqual of deep values: the pairs still to compare wait on a stack. */
function equalIteratively(a: unknown, b: unknown): boolean {
  const pending: Array<[unknown, unknown]> = [[a, b]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [p, q] = next;
    if (p === q) continue;
    if (typeof p !== "object" || typeof q !== "object" || p === null || q === null) return false;
    const pa = Array.isArray(p);
    if (pa !== Array.isArray(q)) return false;
    if (pa) {
      const x = p as unknown[];
      const y = q as unknown[];
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) pending.push([x[i], y[i]]);
      continue;
    }
    const x = p as Record<string, unknown>;
    const y = q as Record<string, unknown>;
    let n = 0;
    for (const k in x) {
      if (x[k] === undefined) continue;
      n++;
      pending.push([x[k], y[k]]);
    }
    for (const k in y) if (y[k] !== undefined) n--;
    if (n !== 0) return false;
  }
  return true;
}

/**
 * apiequality.Semantic.DeepEqual on JSON values: as deepEqual, but an empty list equals an absent one
 * (Go's nil and empty slices are semantically equal; "imagePullSecrets: []" is no template change).
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return semanticAt(a, b, 0);
}

// deepEqual's walk with keys holding an empty list counted as absent: it stops at the first
// difference instead of copying both values first.
function semanticAt(a: unknown, b: unknown, depth: number): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (depth > recursionMax) return deepEqual(withoutEmptyLists(a), withoutEmptyLists(b));
  const aa = Array.isArray(a);
  if (aa !== Array.isArray(b)) return false;
  if (aa) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!semanticAt(x[i], y[i], depth + 1)) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    const v = x[k];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    n++;
    if (!semanticAt(v, y[k], depth + 1)) return false;
  }
  for (const k in y) {
    const v = y[k];
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) n--;
  }
  return n === 0;
}

// A copy without the object keys whose value is an empty list (rarely used: templates of DaemonSets).
function withoutEmptyLists(v: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) return v.map(withoutEmptyLists);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!(Array.isArray(x) && x.length === 0)) setOwn(out, k, withoutEmptyLists(x));
  return out;
}

/** A deep copy of a JSON-like value (plain objects, arrays, primitives; key order and undefined-valued keys kept); anything else goes through structuredClone. */
export function deepCopy<T>(v: T): T {
  return copyAt(v, 0);
}

function copyAt<T>(v: T, depth: number): T {
  if (typeof v !== "object" || v === null) return v;
  if (depth > recursionMax) return copyIteratively(v);
  if (Array.isArray(v)) {
    const a: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) a[i] = copyAt(v[i], depth + 1);
    return a as T;
  }
  const proto = Object.getPrototypeOf(v);
  // a frozen instance (a NumberLiteral) cannot change: it is shared, and keeps its class
  if (proto !== Object.prototype && proto !== null) return Object.isFrozen(v) ? v : structuredClone(v);
  const o: Record<string, unknown> = {};
  for (const k in v as Record<string, unknown>) setOwn(o, k, copyAt((v as Record<string, unknown>)[k], depth + 1));
  return o as T;
}

/** deepCopy of a deep value: each container is created empty and filled from a stack of (copy, original) pairs. */
function copyIteratively<T>(v: T): T {
  const shell = (x: object): object => {
    if (Array.isArray(x)) return new Array(x.length);
    const proto = Object.getPrototypeOf(x);
    return proto !== Object.prototype && proto !== null ? (Object.isFrozen(x) ? x : structuredClone(x)) : {};
  };
  const root = shell(v as object);
  const pending: Array<[any, any]> = [[root, v]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [out, from] = next;
    if (!Array.isArray(from) && Object.getPrototypeOf(out) !== Object.prototype) continue;
    const fill = (k: string | number, x: unknown) => {
      if (typeof x !== "object" || x === null) {
        if (typeof k === "number") out[k] = x;
        else setOwn(out, k, x);
        return;
      }
      const c = shell(x);
      if (typeof k === "number") out[k] = c;
      else setOwn(out, k, c);
      if (Array.isArray(x) || Object.getPrototypeOf(c) === Object.prototype) pending.push([c, x]);
    };
    if (Array.isArray(from)) for (let i = 0; i < from.length; i++) fill(i, from[i]);
    else for (const k in from) fill(k, from[k]);
  }
  return root as T;
}

// Objects proven deeply immutable carry this non-enumerable mark (JSON, Object.keys, for-in and
// copies never see it): a fork or a state hash may share them (or their hash) by reference. A mark
// on the object, not a WeakSet: with millions of stored versions a WeakSet makes every garbage
// collection walk its table, and freezing grew from ~16 µs to over 500 µs per object.
// The mark's value is the object's size as JSON in UTF-8 bytes (NaN when unknown), so that
// etcd's request-size limit costs only the parts of a write that changed.
const DEEP_FROZEN: unique symbol = Symbol("podflow.deepFrozen");

function marked(v: object): boolean {
  return typeof (v as { [DEEP_FROZEN]?: number })[DEEP_FROZEN] === "number";
}

/** True when v carries deepFreeze's mark: frozen all the way down by deepFreeze (an O(1) check, unlike isDeepFrozen). */
export function isMarkedFrozen(v: object): boolean {
  return marked(v);
}

function mark(v: object, size: number): void {
  if (Object.isExtensible(v)) Object.defineProperty(v, DEEP_FROZEN, { value: size });
}

/**
 * Freezes the plain objects and arrays of a value in place, all the way down, and returns it (Maps,
 * Sets and class instances are left as they are). `sized: false` leaves the sizes of the parts it
 * freezes unknown: for copies whose size no write will ask (the watch cache's stamped versions).
 */
export function deepFreeze<T>(v: T, sized = true): T {
  if (typeof v !== "object" || v === null || marked(v) || !isPlain(v)) return v;
  let all = true;
  // The size is summed as the parts are frozen (sizeOf's sums, from the marks just made), not by a
  // second walk of the keys; NaN when a part's size is unknown, and then jsonSize walks as before.
  let n: number;
  if (Array.isArray(v)) {
    n = v.length === 0 ? 2 : 1 + v.length;
    for (const x of v) {
      const s = frozenPartSize(deepFreeze(x, sized));
      if (s === NOT_FROZEN) all = false;
      else n += s < 0 ? 4 : s;
    }
  } else {
    n = 2;
    let first = true;
    // plain: for-in is Object.keys, without the array
    for (const k in v) {
      const x = (v as Record<string, unknown>)[k];
      const s = frozenPartSize(deepFreeze(x, sized));
      if (s === NOT_FROZEN) all = false;
      else if (k === "toJSON" && typeof x === "function") n = NaN;
      else if (s >= 0 || Number.isNaN(s)) {
        n += (first ? 0 : 1) + stringSize(k) + 1 + s;
        first = false;
      }
    }
  }
  if (all) mark(v, sized ? (Number.isNaN(n) ? jsonSize(v) : n) : NaN);
  Object.freeze(v);
  return v;
}

// A part deepFreeze has just been through that is not frozen all the way down.
const NOT_FROZEN = -2;

/** sizeOf of a part deepFreeze returned, read from its mark, or NOT_FROZEN when isDeepFrozen would say false. */
function frozenPartSize(x: unknown): number {
  if (typeof x !== "object" || x === null) return sizeOf(x);
  const m = (x as { [DEEP_FROZEN]?: number })[DEEP_FROZEN];
  if (typeof m === "number") return m;
  return isDeepFrozen(x) ? NaN : NOT_FROZEN;
}

/** utf8Length(JSON.stringify(v) ?? ""), read from the marks of deep-frozen parts instead of serialising them. */
export function jsonSize(v: unknown): number {
  const n = sizeOf(v);
  return Number.isNaN(n) ? utf8Length(JSON.stringify(v) ?? "") : Math.max(n, 0);
}

// -1: what JSON.stringify leaves out of an object (undefined, functions, symbols); NaN: unknown.
function sizeOf(v: unknown): number {
  switch (typeof v) {
    case "string": return stringSize(v);
    case "number": return Number.isFinite(v) ? String(v).length : 4;
    case "boolean": return v ? 4 : 5;
    case "undefined": case "function": case "symbol": return -1;
    case "bigint": return NaN;
  }
  if (v === null) return 4;
  if (v instanceof NumberLiteral) return v.text.length;
  const m = (v as { [DEEP_FROZEN]?: number })[DEEP_FROZEN];
  if (typeof m === "number" && !Number.isNaN(m)) return m;
  if (!isPlain(v as object)) return NaN;
  if (Array.isArray(v)) {
    let n = 1 + v.length;
    if (v.length === 0) n = 2;
    for (const x of v) {
      const s = sizeOf(x);
      n += s < 0 ? 4 : s;
    }
    return n;
  }
  let n = 2;
  let first = true;
  for (const k in v as object) {
    const x = (v as Record<string, unknown>)[k];
    if (k === "toJSON" && typeof x === "function") return NaN;
    const s = sizeOf(x);
    if (s < 0) continue;
    n += (first ? 0 : 1) + stringSize(k) + 1 + s;
    first = false;
  }
  return n;
}

// A JSON string's bytes: the UTF-8 length plus quotes, unless JSON.stringify escapes something
// (quote, backslash, control characters, lone surrogates).
function stringSize(s: string): number {
  // one pass over the code units instead of two regular expressions: most strings are short ASCII
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return utf8Length(JSON.stringify(s));
    if (c > 0x7f) ascii = false;
  }
  return (ascii ? s.length : utf8Length(s)) + 2;
}

/** True when v is a primitive, or a plain object or array frozen all the way down (Maps and Sets never are). */
export function isDeepFrozen(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return true;
  if (marked(v)) return true;
  if (!Object.isFrozen(v) || !isPlain(v)) return false;
  // Frozen by hand (Object.freeze) after its parts were deep-frozen: check the parts; it cannot be marked any more.
  if (Array.isArray(v)) {
    for (const x of v) if (!isDeepFrozen(x)) return false;
  } else for (const k of Object.keys(v)) if (!isDeepFrozen((v as Record<string, unknown>)[k])) return false;
  return true;
}

/** True for plain objects and arrays (what JSON holds), false for Maps, Sets and class instances. */
export function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === Array.prototype || proto === null;
}
