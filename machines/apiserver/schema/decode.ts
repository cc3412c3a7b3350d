// Request bodies decoded into the Go types of the Kubernetes API, as kube-apiserver's JSON
// serializer does (sigs.k8s.io/json, a fork of encoding/json: case-sensitive field names, the first
// type error kept while decoding goes on, an error from a type's own UnmarshalJSON ending it).
// A value of the wrong type gets Go's message ("json: cannot unmarshal object into Go struct field
// PodSpec.spec.tolerations of type []v1.Toleration"); null is the zero value; unknown fields are
// dropped and reported as strict decoding errors (`unknown field "spec.foo"`).

import type { GoTypeDef } from "./model.js";
import { schemaData } from "./schemadata.js";
import { RFC3339, RFC3339Micro, formatGoTime, goParseTime } from "./gotime.js";
import { parseGoQuantity, quantityString } from "../validation/quantity.js";

import { NumberLiteral, exactInteger, exactJsonText } from "../../common/numberliteral.js";

export { NumberLiteral };

export type DecodeResult =
  | { ok: true; value: any; /** strict decoding errors: `unknown field "spec.foo"` */ strictErrors: string[] }
  | { ok: false; error: string };

const types = new Map<string, GoTypeDef>(Object.entries(schemaData.types));
const roots = new Map<string, string>(Object.entries(schemaData.roots));
const versioned = new Map(Object.entries(schemaData.versioned).map(([gv, kinds]) => [gv, new Map(Object.entries(kinds))]));

/** The Go type of a kind at an apiVersion it is served at besides its stored one (autoscaling/v1 HorizontalPodAutoscaler), or undefined. */
export function versionedTypeKey(apiVersion: string, kind: string): string | undefined {
  return versioned.get(apiVersion)?.get(kind);
}

/** True when decodeTyped knows the Go type of this kind (or subresource body). */
export function hasSchema(kind: string): boolean {
  return roots.has(kind);
}

export type Parsed =
  | { t: "ptr" | "slice"; elem: string }
  | { t: "map"; key: string; elem: string }
  | { t: "int"; bits: number; unsigned: boolean }
  | { t: "float" | "string" | "bool" }
  | { t: "named"; key: string };

const parsedCache = new Map<string, Parsed>();
function parse(expr: string): Parsed {
  let p = parsedCache.get(expr);
  if (p) return p;
  if (expr.startsWith("*")) p = { t: "ptr", elem: expr.slice(1) };
  else if (expr.startsWith("[]")) p = { t: "slice", elem: expr.slice(2) };
  else if (expr.startsWith("map[")) {
    const close = expr.indexOf("]");
    p = { t: "map", key: expr.slice(4, close), elem: expr.slice(close + 1) };
  } else if (expr === "string") p = { t: "string" };
  else if (expr === "bool") p = { t: "bool" };
  else if (expr === "float32" || expr === "float64") p = { t: "float" };
  else if (/^u?int(8|16|32|64)?$/.test(expr)) {
    const bits = Number(/\d+$/.exec(expr)?.[0] ?? 64);
    p = { t: "int", bits, unsigned: expr.startsWith("u") };
  } else p = { t: "named", key: expr };
  parsedCache.set(expr, p);
  return p;
}

/** reflect.Type.String() of a type expression: "[]v1.Toleration", "map[v1.ResourceName]resource.Quantity". */
export function goTypeString(expr: string): string {
  const p = parse(expr);
  switch (p.t) {
    case "ptr": return "*" + goTypeString(p.elem);
    case "slice": return "[]" + goTypeString(p.elem);
    case "map": return `map[${goTypeString(p.key)}]${goTypeString(p.elem)}`;
    case "named": {
      const def = types.get(p.key);
      if (def && "alias" in def) return goTypeString(def.alias);
      const dot = p.key.lastIndexOf(".");
      const pkg = p.key.slice(0, dot);
      return `${pkg.slice(pkg.lastIndexOf("/") + 1)}.${p.key.slice(dot + 1)}`;
    }
    default: return expr;
  }
}

/** A type expression with defined and alias types resolved to what they are made of. */
function underlying(expr: string): { expr: string; def?: GoTypeDef } {
  for (let i = 0; i < 16; i++) {
    const p = parse(expr);
    if (p.t !== "named") return { expr };
    const def = types.get(p.key);
    if (!def) throw new Error(`schema has no type ${p.key}`);
    if ("alias" in def) expr = def.alias;
    else if ("underlying" in def) expr = def.underlying;
    else return { expr, def };
  }
  throw new Error(`type cycle at ${expr}`);
}

/** What the decoders need of a type expression, computed once. */
export interface TypeInfo {
  /** the expression with defined and alias types resolved */
  u: string;
  def?: GoTypeDef;
  p: Parsed;
  /** reflect's String() of the type */
  name: string;
  /** a struct's fields by JSON name, and its name without package */
  fields?: Map<string, string>;
  structName?: string;
  elem?: string;
}
const infoCache = new Map<string, TypeInfo>();
function info(expr: string): TypeInfo {
  let i = infoCache.get(expr);
  if (i) return i;
  const { expr: u, def } = underlying(expr);
  const p = parse(u);
  const name = goTypeString(expr);
  i = { u, def, p, name };
  if (def && "fields" in def) {
    i.fields = new Map(Object.entries(def.fields));
    i.structName = name.slice(name.lastIndexOf(".") + 1);
  }
  if (p.t === "ptr" || p.t === "slice" || p.t === "map") i.elem = p.elem;
  infoCache.set(expr, i);
  return i;
}

/** A type expression as the encoder reads it: resolved, parsed, with a struct's fields. */
export function goTypeInfo(expr: string): Readonly<TypeInfo> {
  return info(expr);
}

/** The Go type key a kind is stored as ("apps/v1.Deployment"), or undefined for a kind without a schema. */
export function rootTypeKey(kind: string): string | undefined {
  return roots.get(kind);
}

/** Go's name for the kind of a JSON value in "cannot unmarshal <kind>". */
function valueKind(v: unknown): string {
  if (v instanceof NumberLiteral || typeof v === "number") return "number";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "array";
  return "object";
}

function numberText(v: number | NumberLiteral): string {
  return v instanceof NumberLiteral ? v.text : String(v);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof NumberLiteral);

/** Sets an own property, "__proto__" included, without touching a prototype. */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

class OutOfRange {
  constructor(readonly text: string) {}
}

/**
 * A value as unstructured JSON decoding reads it (sigs.k8s.io/json preserving ints, a custom
 * resource's): a number written without "." that fits an int64 is kept exact, any other is the
 * nearest float64 (1.0 is 1, 1e2 is 100, 99999999999999999999 is 1e20), and one past float64's
 * range is the decoder's error.
 */
export function unstructuredNumbers(v: unknown): { value: unknown } | { error: string } {
  const read = (x: unknown): unknown => {
    if (x instanceof NumberLiteral) {
      const t = x.text;
      if (!t.includes(".") && /^-?\d+$/.test(t) && BigInt(t) <= 9223372036854775807n && BigInt(t) >= -9223372036854775808n) return String(Number(t)) === t ? Number(t) : x;
      const f = Number(t);
      if (!Number.isFinite(f)) throw new OutOfRange(t);
      return f;
    }
    if (Array.isArray(x)) return x.map(read);
    if (isObject(x)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(x)) setOwn(out, k, read(x[k]));
      return out;
    }
    return x;
  };
  try {
    return { value: read(v) };
  } catch (e) {
    if (e instanceof OutOfRange) return { error: `json: cannot unmarshal number ${e.text} into Go value of type float64` };
    throw e;
  }
}

/** A JSON value with every NumberLiteral made a number (opaque fields such as fieldsV1 keep their content). */
export function plainJson(v: unknown): unknown {
  if (v instanceof NumberLiteral) return v.value;
  if (Array.isArray(v)) return v.map(plainJson);
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) setOwn(out, k, plainJson(v[k]));
    return out;
  }
  return v;
}

/** An error a type's UnmarshalJSON returned: it ends decoding (Go's d.value returns it). */
class Abort {
  constructor(readonly message: string) {}
}

class State {
  struct: string | undefined = undefined;
  fields: string[] = [];
  strictPath: string[] = [];
  saved: string | undefined = undefined;
  strict: string[] = [];
  private seen = new Set<string>();

  /** UnmarshalTypeError.Error() with the current errorContext, as addErrorContext fills it in. */
  typeError(value: string, type: string): string {
    if (this.struct !== undefined || this.fields.length > 0)
      return `json: cannot unmarshal ${value} into Go struct field ${this.struct ?? ""}.${this.fields.join(".")} of type ${type}`;
    return `json: cannot unmarshal ${value} into Go value of type ${type}`;
  }
  save(message: string): void {
    if (this.saved === undefined) this.saved = message;
  }
  unknownField(key: string, kind = "unknown field"): void {
    // sigs.k8s.io/json keeps at most 100 strict errors, each once.
    const path = this.strictPath.length > 0 ? `${this.strictPath.join("")}.${key}` : key;
    const msg = `${kind} ${goQuote(path)}`;
    if (this.strict.length >= 100 || this.seen.has(msg)) return;
    this.seen.add(msg);
    this.strict.push(msg);
  }
  pushStrict(key: string): void {
    this.strictPath.push(this.strictPath.length > 0 ? `.${key}` : key);
  }
}

/** strconv.Quote for the ASCII field paths in strict errors. */
function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\\u00([01][0-9a-f])/g, "\\x$1").replace(/\u007f/g, "\\x7f");
}

const NONE = Symbol("none");
type Out = unknown | typeof NONE;

/** The value Go leaves in a slice element or map value given JSON null: the type's zero value, marshalled. */
function zeroValue(expr: string): unknown {
  const { def, p } = info(expr);
  if (def) {
    if ("fields" in def) return {};
    if ("custom" in def) return def.custom === "quantity" ? "0" : def.custom === "intorstring" ? 0 : null;
  }
  switch (p.t) {
    case "string": return "";
    case "bool": return false;
    case "int": case "float": return 0;
    default: return null;
  }
}

function decodeValue(st: State, expr: string, v: unknown): Out {
  const ti = info(expr);
  const { def, p } = ti;
  if (def && "custom" in def) return decodeCustom(st, def.custom, v);
  if (p.t === "ptr") return v === null ? NONE : decodeValue(st, p.elem, v);
  if (v === null) return NONE;
  const typeName = ti.name;
  if (ti.fields) {
    if (!isObject(v)) return st.save(st.typeError(valueKind(v), typeName)), NONE;
    return decodeStruct(st, ti, v);
  }
  switch (p.t) {
    case "string":
      if (typeof v !== "string") return st.save(st.typeError(valueKind(v), typeName)), NONE;
      return v;
    case "bool":
      if (typeof v !== "boolean") return st.save(st.typeError(valueKind(v), typeName)), NONE;
      return v;
    case "int": {
      if (typeof v !== "number" && !(v instanceof NumberLiteral)) return st.save(st.typeError(valueKind(v), typeName)), NONE;
      if (typeof v === "number" && Number.isSafeInteger(v) && (p.unsigned ? v >= 0 && v <= 2 ** p.bits - 1 : v >= -(2 ** (p.bits - 1)) && v <= 2 ** (p.bits - 1) - 1)) return v;
      const text = numberText(v);
      // strconv.ParseInt / ParseUint on the literal, then the width's range.
      if (!(p.unsigned ? /^[0-9]+$/ : /^-?[0-9]+$/).test(text)) return st.save(st.typeError(`number ${text}`, typeName)), NONE;
      const n = BigInt(text);
      const [lo, hi] = p.unsigned ? [0n, (1n << BigInt(p.bits)) - 1n] : [-(1n << BigInt(p.bits - 1)), (1n << BigInt(p.bits - 1)) - 1n];
      if (n < lo || n > hi) return st.save(st.typeError(`number ${text}`, typeName)), NONE;
      // an int64 past 2^53 is kept exact: it reads back as the client wrote it
      return exactInteger(n);
    }
    case "float": {
      if (typeof v !== "number" && !(v instanceof NumberLiteral)) return st.save(st.typeError(valueKind(v), typeName)), NONE;
      const n = typeof v === "number" ? v : v.value;
      if (!Number.isFinite(n)) return st.save(st.typeError(`number ${numberText(v)}`, typeName)), NONE;
      return n;
    }
    case "slice": {
      if (p.elem === "uint8" && typeof v === "string") {
        // []byte is base64 text; a bad one is base64's own error, with no field context.
        const bad = base64Error(v);
        if (bad !== undefined) return st.save(bad), NONE;
        return v;
      }
      if (!Array.isArray(v)) return st.save(st.typeError(valueKind(v), typeName)), NONE;
      const out: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        st.strictPath.push(`[${i}]`);
        const d = v[i] === null ? zeroValue(p.elem) : decodeValue(st, p.elem, v[i]);
        st.strictPath.pop();
        out.push(d === NONE ? zeroValue(p.elem) : d);
      }
      if (p.elem === "uint8") return base64Encode(out as number[]); // Go marshals []byte as base64
      return out;
    }
    case "map": {
      if (!isObject(v)) return st.save(st.typeError(valueKind(v), typeName)), NONE;
      const out: Record<string, unknown> = {};
      for (const k of keysOnce(st, v)) {
        st.pushStrict(k);
        const d = v[k] === null ? zeroValue(p.elem) : decodeValue(st, p.elem, v[k]);
        st.strictPath.pop();
        setOwn(out, k, d === NONE ? zeroValue(p.elem) : d);
      }
      return out;
    }
  }
  throw new Error(`schema type ${expr} cannot be decoded`);
}

/**
 * The keys of a parsed object in document order, each once; a key written again is a strict
 * "duplicate field" error where the decoder meets it (the last value is the one kept, as in Go).
 */
function keysOnce(st: State, v: Record<string, unknown>): string[] {
  const order = duplicateKeyOrder.get(v);
  if (!order) return Object.keys(v);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const k of order) {
    if (seen.has(k)) st.unknownField(k, "duplicate field");
    else {
      seen.add(k);
      out.push(k);
    }
  }
  return out;
}

function decodeStruct(st: State, ti: TypeInfo, v: Record<string, unknown>): Out {
  const out: Record<string, unknown> = {};
  const fields = ti.fields!;
  for (const k of keysOnce(st, v)) {
    const ft = fields.get(k);
    if (ft === undefined) {
      st.unknownField(k);
      continue;
    }
    const saveStruct = st.struct;
    st.fields.push(k);
    st.struct = ti.structName;
    st.pushStrict(k);
    const d = decodeValue(st, ft, v[k]);
    st.strictPath.pop();
    st.fields.pop();
    st.struct = saveStruct;
    if (d !== NONE) out[k] = d;
  }
  return out;
}

function decodeCustom(st: State, custom: "time" | "microtime" | "raw" | "quantity" | "intorstring", v: unknown): Out {
  // A zero Time marshals as null, so a null time stays null; other nulls are absent.
  if (v === null) return custom === "time" || custom === "microtime" ? null : NONE;
  switch (custom) {
    case "raw":
      return plainJson(v);
    case "time":
    case "microtime": {
      // metav1.Time.UnmarshalJSON: json.Unmarshal into a string, then time.Parse.
      if (typeof v !== "string") throw new Abort(st.typeError(valueKind(v), "string"));
      const layout = custom === "time" ? RFC3339 : RFC3339Micro;
      const t = goParseTime(layout, v);
      if ("error" in t) throw new Abort(t.error);
      return formatGoTime(layout, t);
    }
    case "intorstring": {
      // intstr.IntOrString.UnmarshalJSON: a string, else json.Unmarshal into IntVal (int32).
      if (typeof v === "string") return v;
      if (typeof v !== "number" && !(v instanceof NumberLiteral)) throw new Abort(st.typeError(valueKind(v), "int32"));
      const text = numberText(v);
      if (!/^-?[0-9]+$/.test(text) || BigInt(text) < -(2n ** 31n) || BigInt(text) >= 2n ** 31n) throw new Abort(st.typeError(`number ${text}`, "int32"));
      return Number(text);
    }
    case "quantity": {
      // resource.Quantity.UnmarshalJSON: the JSON text (quotes stripped) through ParseQuantity.
      const text = typeof v === "string" ? v : typeof v === "number" || v instanceof NumberLiteral ? numberText(v) : typeof v === "boolean" ? String(v) : JSON.stringify(plainJson(v));
      const err = quantityError(text.trim());
      if (err !== undefined) throw new Abort(err);
      return canonical(text.trim());
    }
  }
}

/** What a decoded Quantity marshals back to: the input when already canonical, else String()'s form ("0.5" -> "500m", "1.5Gi" -> "1536Mi"). */
function canonical(text: string): string {
  const q = parseGoQuantity(text);
  return q === undefined ? text : quantityString(q);
}

const errFormatWrong = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** resource.ParseQuantity's error for a string, or undefined when it parses. */
export function quantityError(str: string): string | undefined {
  if (str.length === 0) return errFormatWrong;
  if (str === "0") return undefined;
  // parseQuantityString: sign, digits, optional "." and digits, then the suffix characters.
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/s.exec(str)!;
  const rest = m[4]!;
  const sm = /^([eEinumkKMGTP]*)([-+]?)([0-9]*)(.*)$/s.exec(rest)!;
  if (sm[4] !== "") {
    // Go stops at the first character that is neither a suffix letter, a sign nor a digit: the whole
    // string must be number + suffix, or the scanner reports the wrong format.
    return errFormatWrong;
  }
  const suffix = rest;
  if (!validSuffix(suffix)) return "unable to parse quantity's suffix";
  // (ErrNumeric needs a value past int64 with a suffix scale below nano: not modelled.)
  return undefined;
}

function validSuffix(s: string): boolean {
  if (["", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"].includes(s)) return true;
  // An exponent: e or E, then an integer strconv.ParseInt(s, 10, 64) takes (Go then truncates it to int32).
  if (s.length > 1 && (s[0] === "e" || s[0] === "E") && /^[-+]?[0-9]+$/.test(s.slice(1))) {
    const n = BigInt(s.slice(1));
    return n >= -(2n ** 63n) && n < 2n ** 63n;
  }
  return false;
}

const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function base64Encode(bytes: number[]): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += b64[(n >> 18) & 63]! + b64[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? b64[(n >> 6) & 63]! : "=";
    out += i + 2 < bytes.length ? b64[n & 63]! : "=";
  }
  return out;
}

/** base64.StdEncoding.Decode's error ("illegal base64 data at input byte N"), or undefined. */
export function base64Error(src: string): string | undefined {
  const bad = (n: number) => `illegal base64 data at input byte ${n}`;
  let si = 0;
  // Go decodes quanta of 4 characters, skipping \r and \n, padding only at the end.
  while (si < src.length) {
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return undefined;
        return bad(si - j);
      }
      const c = src[si]!;
      si++;
      if (c === "\n" || c === "\r") {
        j--;
        continue;
      }
      if (b64.includes(c)) continue;
      if (c !== "=") return bad(si - 1);
      // Padding: only in the third or fourth place of the last quantum.
      switch (j) {
        case 0:
        case 1:
          return bad(si - 1);
        case 2: {
          while (si < src.length && (src[si] === "\n" || src[si] === "\r")) si++;
          if (si === src.length) return bad(src.length);
          if (src[si] !== "=") return bad(si - 1);
          si++;
        }
      }
      while (si < src.length && (src[si] === "\n" || src[si] === "\r")) si++;
      if (si < src.length) return bad(si);
      return undefined;
    }
  }
  return undefined;
}

/**
 * Decodes a JSON value (a parsed body, or a patched object) as the Go type of `kind`: the value
 * Go would keep (unknown fields dropped, null as absent) with the strict errors, or Go's error.
 */
export function decodeTyped(kind: string, value: unknown, typeKey?: string): DecodeResult {
  const root = typeKey ?? roots.get(kind);
  if (root === undefined) throw new Error(`no schema for kind ${kind}`);
  const st = new State();
  try {
    const out = value === null ? {} : decodeValue(st, root, value);
    if (st.saved !== undefined) return { ok: false, error: st.saved };
    return { ok: true, value: out === NONE ? {} : out, strictErrors: st.strict };
  } catch (e) {
    if (e instanceof Abort) return { ok: false, error: e.message };
    throw e;
  }
}

/** Objects parsed with a key written more than once: their keys in document order, repeats included. */
const duplicateKeyOrder = new WeakMap<object, string[]>();

/**
 * String members parsed from text Go's encoder would not write ("\u0061", a bare "<" or "&"): the
 * text as it came, by container and key (an array's by index). json-patch compares a test
 * operation's scalars by their bytes, and the stored object reaches it as Go encoded it.
 */
const rawStringTexts = new WeakMap<object, Map<string, string>>();

/** The JSON text a string member of a parsed container was written as, when Go would write it otherwise. */
export function rawStringText(container: object, key: string): string | undefined {
  return rawStringTexts.get(container)?.get(key);
}

/** Records (or, with undefined, forgets) the text a string member was written as: a patch that moves a written string keeps its bytes. */
export function setRawStringText(container: object, key: string, text: string | undefined): void {
  let texts = rawStringTexts.get(container);
  if (text === undefined) {
    texts?.delete(key);
    return;
  }
  if (!texts) rawStringTexts.set(container, (texts = new Map()));
  texts.set(key, text);
}

/** The keys of an object parseJsonKeepingLiterals made, in document order: a key written twice is listed twice. */
export function keysAsWritten(o: object): readonly string[] {
  return duplicateKeyOrder.get(o) ?? Object.keys(o);
}

/**
 * JSON.parse, except that a number whose text a JS number would change ("3.0", "1e3",
 * 9007199254740993) is kept as a NumberLiteral. The text must be valid JSON.
 */
export function parseJsonKeepingLiterals(text: string): unknown {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    lastRaw = text.slice(start, i);
    return JSON.parse(lastRaw) as string;
  };
  // An explicit stack instead of recursion: a deeply nested body cannot overflow the call stack.
  type Frame = { arr: unknown[] } | { obj: Record<string, unknown>; key: string };
  const stack: Frame[] = [];
  let result: unknown;
  let lastRaw = "";
  const put = (v: unknown): void => {
    const top = stack[stack.length - 1];
    // only text with an escape or a character Go escapes can differ from Go's own encoding
    if (typeof v === "string" && top && /[\\<>&\u2028\u2029]/.test(lastRaw) && lastRaw !== goJsonMarshal(v)) {
      const container = "arr" in top ? top.arr : top.obj;
      let texts = rawStringTexts.get(container);
      if (!texts) rawStringTexts.set(container, (texts = new Map()));
      texts.set("arr" in top ? String(top.arr.length) : top.key, lastRaw);
    }
    if (!top) result = v;
    else if ("arr" in top) top.arr.push(v);
    else {
      // A key written twice: its place in the document is kept for the strict decoder.
      let order = duplicateKeyOrder.get(top.obj);
      if (!order && Object.hasOwn(top.obj, top.key)) duplicateKeyOrder.set(top.obj, (order = Object.keys(top.obj)));
      order?.push(top.key);
      setOwn(top.obj, top.key, v);
    }
  };
  for (;;) {
    ws();
    const c = text[i];
    let v: unknown;
    let opened = false;
    if (c === "{") {
      i++;
      ws();
      const obj: Record<string, unknown> = {};
      put(obj);
      if (text[i] === "}") i++;
      else {
        const key = str();
        ws();
        i++; // :
        stack.push({ obj, key });
        opened = true;
      }
    } else if (c === "[") {
      i++;
      ws();
      const arr: unknown[] = [];
      put(arr);
      if (text[i] === "]") i++;
      else {
        stack.push({ arr });
        opened = true;
      }
    } else {
      if (c === '"') v = str();
      else if (c === "t") (v = true), (i += 4);
      else if (c === "f") (v = false), (i += 5);
      else if (c === "n") (v = null), (i += 4);
      else {
        const m = /-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
        m.lastIndex = i;
        const lit = m.exec(text)![0];
        i += lit.length;
        const n = Number(lit);
        v = String(n) === lit ? n : new NumberLiteral(lit);
      }
      put(v);
    }
    if (opened) continue;
    // Close finished containers, then move to the next element or key.
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (!top) return result;
      if (text[i] === ",") {
        i++;
        if (!("arr" in top)) {
          ws();
          top.key = str();
          ws();
          i++; // :
        }
        break;
      }
      i++; // } or ]
      stack.pop();
    }
  }
}

// ---- runtime.DefaultUnstructuredConverter.FromUnstructured ----------------------------------
// A strategic merge patch is applied to maps and the result converted to the Go type directly,
// not through JSON: the first error in struct-field order ends it, with the converter's own words.

class ConvertError {
  constructor(readonly message: string) {}
}

/** reflect.Kind names of what an unstructured value holds (integers are int64, as PreserveInts decodes them). */
function unstructuredKind(v: unknown): "string" | "bool" | "int64" | "float64" | "map" | "slice" {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number" || v instanceof NumberLiteral) return Number.isInteger(typeof v === "number" ? v : v.value) ? "int64" : "float64";
  if (Array.isArray(v)) return "slice";
  return "map";
}

/** The text json.Marshal gives a value, as a custom type's UnmarshalJSON receives it. */
function marshalled(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : JSON.stringify(plainJson(v));
}

function convertValue(path: string[], strict: string[], expr: string, v: unknown): Out {
  if (v === undefined) return NONE;
  const { u, def, p, name: dt } = info(expr);
  if (v === null) return def && "custom" in def && (def.custom === "time" || def.custom === "microtime") ? null : NONE;
  if (def && "custom" in def) return convertCustom(def.custom, v);
  if (p.t === "ptr") return convertValue(path, strict, p.elem, v);
  const sk = unstructuredKind(v);
  if (def && "fields" in def) {
    if (sk !== "map") throw new ConvertError(`cannot restore struct from: ${sk}`);
    return convertStruct(path, strict, info(expr).fields!, v as Record<string, unknown>);
  }
  switch (p.t) {
    case "string":
      if (sk === "string") return v;
      // An int converts to a string type in Go, but the converter refuses it in words of its own.
      if (sk === "int64") throw new ConvertError(`cannot convert int64 to ${dt}`);
      throw new ConvertError("unrecognized type: string");
    case "bool":
      if (sk === "bool") return v;
      throw new ConvertError("unrecognized type: bool");
    case "int": {
      const kindName = u === "int" ? "int" : `${p.unsigned ? "u" : ""}int${p.bits}`;
      const n = typeof v === "number" ? v : v instanceof NumberLiteral ? v.value : undefined;
      if (n === undefined) throw new ConvertError(`unrecognized type: ${kindName}`);
      if (!Number.isInteger(n)) throw new ConvertError(`cannot convert float64 to ${dt}`);
      // Go's integer conversion keeps the low bits: 2147483648 into an int32 is -2147483648.
      const big = BigInt(v instanceof NumberLiteral && /^-?[0-9]+$/.test(v.text) ? v.text : n);
      return exactInteger(p.unsigned ? BigInt.asUintN(p.bits, big) : BigInt.asIntN(p.bits, big));
    }
    case "float": {
      if (typeof v === "number") return v;
      if (v instanceof NumberLiteral) return v.value;
      throw new ConvertError(`unrecognized type: ${u}`);
    }
    case "slice": {
      if (p.elem === "uint8" && sk === "string") {
        const bad = base64Error(v as string);
        if (bad !== undefined) throw new ConvertError(bad);
        return v;
      }
      if (sk !== "slice") throw new ConvertError(`cannot restore slice from ${sk}`);
      const arr = v as unknown[];
      const out: unknown[] = [];
      for (let i = 0; i < arr.length; i++) {
        path.push(`[${i}]`);
        const d = convertValue(path, strict, p.elem, arr[i]);
        path.pop();
        out.push(d === NONE ? zeroValue(p.elem) : d);
      }
      if (p.elem === "uint8") return base64Encode(out as number[]);
      return out;
    }
    case "map": {
      if (sk !== "map") throw new ConvertError(`cannot restore map from ${sk}`);
      const src = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(src)) {
        const d = convertValue(path, strict, p.elem, src[k]);
        setOwn(out, k, d === NONE ? zeroValue(p.elem) : d);
      }
      return out;
    }
  }
  throw new Error(`schema type ${expr} cannot be converted`);
}

function convertStruct(path: string[], strict: string[], fields: Map<string, string>, v: Record<string, unknown>): Out {
  const out: Record<string, unknown> = {};
  for (const [name, ft] of fields) {
    if (!Object.hasOwn(v, name)) continue;
    path.push(path.length > 0 ? `.${name}` : name);
    const d = convertValue(path, strict, ft, v[name]);
    path.pop();
    if (d !== NONE) out[name] = d;
  }
  for (const k of Object.keys(v)) {
    if (fields.has(k)) continue;
    strict.push(`unknown field ${goQuote(path.length > 0 ? `${path.join("")}.${k}` : k)}`);
  }
  return out;
}

function convertCustom(custom: "time" | "microtime" | "raw" | "quantity" | "intorstring", v: unknown): Out {
  // The value goes through json.Marshal and the type's UnmarshalJSON, with no field context.
  switch (custom) {
    case "raw":
      return plainJson(v);
    case "time":
    case "microtime": {
      if (typeof v !== "string") throw new ConvertError(`json: cannot unmarshal ${valueKind(v)} into Go value of type string`);
      const layout = custom === "time" ? RFC3339 : RFC3339Micro;
      const t = goParseTime(layout, v);
      if ("error" in t) throw new ConvertError(t.error);
      return formatGoTime(layout, t);
    }
    case "intorstring": {
      if (typeof v === "string") return v;
      if (typeof v !== "number" && !(v instanceof NumberLiteral)) throw new ConvertError(`json: cannot unmarshal ${valueKind(v)} into Go value of type int32`);
      const text = marshalled(v);
      if (!/^-?[0-9]+$/.test(text) || BigInt(text) < -(2n ** 31n) || BigInt(text) >= 2n ** 31n) throw new ConvertError(`json: cannot unmarshal number ${text} into Go value of type int32`);
      return Number(text);
    }
    case "quantity": {
      const text = typeof v === "string" ? v : marshalled(v);
      const err = quantityError(text.trim());
      if (err !== undefined) throw new ConvertError(err);
      return canonical(text.trim());
    }
  }
}

/**
 * Converts an unstructured value (a strategically patched object) into the Go type of `kind` as
 * FromUnstructuredWithValidation does: the value with unknown fields dropped and reported (sorted),
 * or the converter's error.
 */
export function fromUnstructured(kind: string, value: unknown, typeKey?: string): DecodeResult {
  const root = typeKey ?? roots.get(kind);
  if (root === undefined) throw new Error(`no schema for kind ${kind}`);
  const strict: string[] = [];
  try {
    const out = convertValue([], strict, root, value);
    return { ok: true, value: out === NONE ? {} : out, strictErrors: [...new Set(strict)].sort() };
  } catch (e) {
    if (e instanceof ConvertError) return { ok: false, error: e.message };
    throw e;
  }
}

/**
 * Writes a JSON value nested to any depth with an explicit stack (a patched value reaches here up
 * to encoding/json's 10,000 levels, past what recursion on the call stack takes): `scalar` writes
 * a leaf, and maps and slices are written with the brackets, separators and key form given.
 */
function writeNested(v: unknown, scalar: (x: unknown) => string, form: { open: [string, string]; close: [string, string]; sep: string; key: (k: string) => string; sortKeys: boolean; skip: (x: unknown) => boolean }): string {
  const out: string[] = [];
  const work: Array<{ v: unknown } | string> = [{ v }];
  while (work.length > 0) {
    const w = work.pop()!;
    if (typeof w === "string") {
      out.push(w);
      continue;
    }
    // a NumberLiteral is a scalar: each writer says how it reads
    const x = w.v;
    if (Array.isArray(x)) {
      out.push(form.open[1]);
      work.push(form.close[1]);
      for (let i = x.length - 1; i >= 0; i--) {
        work.push({ v: x[i] });
        if (i > 0) work.push(form.sep);
      }
    } else if (isObject(x)) {
      out.push(form.open[0]);
      work.push(form.close[0]);
      const keys = Object.keys(x).filter((k) => !form.skip(x[k]));
      if (form.sortKeys) keys.sort();
      for (let i = keys.length - 1; i >= 0; i--) {
        work.push({ v: x[keys[i]!] });
        work.push(form.key(keys[i]!));
        if (i > 0) work.push(form.sep);
      }
    } else out.push(scalar(x));
  }
  return out.join("");
}

/** fmt's %+v of a JSON value held in Go maps and slices: map[a:1 b:[x y]], keys sorted. */
export function goFormatValue(v: unknown): string {
  const scalar = (x: unknown) => (x === null || x === undefined ? "<nil>" : x instanceof NumberLiteral || typeof x === "number" ? goNumberV(x) : String(x));
  return writeNested(v, scalar, { open: ["map[", "["], close: ["]", "]"], sep: " ", key: (k) => `${k}:`, sortKeys: true, skip: () => false });
}

/**
 * The Go type a decoded JSON number has: sigs.k8s.io/json's PreserveInts makes an integer literal an
 * int64, and any other (a fraction, an exponent, past int64's range) a float64.
 */
export function goNumberType(v: number | NumberLiteral): "int64" | "float64" {
  if (!(v instanceof NumberLiteral)) return Number.isInteger(v) ? "int64" : "float64";
  return /^-?[0-9]+$/.test(v.text) && BigInt(v.text) >= -(2n ** 63n) && BigInt(v.text) < 2n ** 63n ? "int64" : "float64";
}

/** strconv's shortest %v of a float64: exponent form below 1e-4 and from 1e6 on, integral values included. */
function goFloat64(v: number): string {
  if (v === 0) return "0";
  const [mantissa, e] = v.toExponential().split("e");
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return String(v);
}

/** fmt's %v of a decoded JSON number: an int64's digits, or a float64's shortest %g. */
function goNumberV(n: number | NumberLiteral): string {
  if (goNumberType(n) === "int64") return n instanceof NumberLiteral ? BigInt(n.text).toString() : String(n);
  return goFloat64(n instanceof NumberLiteral ? n.value : n);
}

/**
 * fmt's %s of a decoded JSON value held in an interface{}: a string is itself, and any other leaf is
 * the verb's error form %!s(type=value), as ErrBadPatchType prints a $patch directive that is no
 * string. Inside a map or slice a nil is <nil>; alone it has no type.
 */
export function goFormatS(v: unknown): string {
  if (v === null || v === undefined) return "%!s(<nil>)";
  const scalar = (x: unknown): string => {
    if (x === null || x === undefined) return "<nil>";
    if (typeof x === "string") return x;
    if (typeof x === "boolean") return `%!s(bool=${x})`;
    const n = x as number | NumberLiteral;
    return `%!s(${goNumberType(n)}=${goNumberV(n)})`;
  };
  return writeNested(v, scalar, { open: ["map[", "["], close: ["]", "]"], sep: " ", key: (k) => `${k}:`, sortKeys: true, skip: () => false });
}

/** A JSON value as Go holds it in maps: every object's keys sorted, as json.Marshal writes them. */
export function goMapsSorted(x: unknown): unknown {
  if (x instanceof NumberLiteral) return /^-?[0-9]+$/.test(x.text) ? x : x.value;
  if (Array.isArray(x)) return x.map(goMapsSorted);
  if (isObject(x)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(x).sort()) setOwn(out, k, goMapsSorted(x[k]));
    return out;
  }
  return x;
}

/** JSON text with <, >, &, U+2028 and U+2029 escaped, as encoding/json's HTML-safe output has them. */
export function goHtmlEscaped(json: string): string {
  return exactJsonText(json).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * json.Marshal of a JSON value held in Go maps: keys sorted, <, > and & escaped. Written without
 * recursion (JSON.stringify gives out a few thousand levels down), as a 422 quotes a patched value
 * whole however deep it nests.
 */
export function goJsonMarshal(v: unknown): string {
  // JSON.stringify's own rules for what a JSON value cannot hold: an undefined member is left out,
  // an undefined element is null
  // a number literal a patch carried is written as it came (json-patch keeps it as raw JSON)
  const scalar = (x: unknown) => (x instanceof NumberLiteral ? x.text : (JSON.stringify(x) ?? "null"));
  const text = writeNested(v, scalar, { open: ["{", "["], close: ["}", "]"], sep: ",", key: (k) => `${JSON.stringify(k)}:`, sortKeys: true, skip: (x) => x === undefined || typeof x === "function" });
  return goHtmlEscaped(text);
}

/**
 * An object a client in the process sent (not decoded from bytes) with each Quantity in the form Go
 * stores it, Quantity.String()'s ("1000m" -> "1"): what an apiserver keeps is marshalled, so a later
 * patch, decoded, compares equal to it. Identity where nothing changes; only types that can hold a
 * Quantity are walked.
 */
export function canonicalQuantities<T>(kind: string, value: T): T {
  const root = roots.get(kind);
  return root === undefined ? value : (canonicalWalk(root, value) as T);
}

/**
 * canonicalQuantities of one top-level field (a status write's `status`: the status endpoint keeps
 * nothing else of its body): the object with that field as canonicalQuantities makes it, and every
 * other field as given.
 */
export function canonicalQuantitiesOf<T>(kind: string, value: T, field: string): T {
  const root = roots.get(kind);
  if (root === undefined || value === null || typeof value !== "object" || Array.isArray(value) || !Object.hasOwn(value, field)) return value;
  const ft = info(root).fields?.get(field);
  if (ft === undefined) return value;
  const src = value as Record<string, unknown>;
  const c = canonicalWalk(ft, src[field]);
  if (c === src[field]) return value;
  const out = { ...src };
  setOwn(out, field, c);
  return out as T;
}

function canonicalWalk(expr: string, v: unknown): unknown {
  if (v === null || v === undefined) return v;
  const q = quantityPlanOf(expr);
  switch (q.k) {
    case "none": return v;
    case "quantity": {
      if (typeof v !== "string" && typeof v !== "number") return v;
      const text = String(v).trim();
      return quantityError(text) === undefined ? canonical(text) : v;
    }
    case "ptr": return canonicalWalk(q.elem, v);
    case "slice": {
      if (!Array.isArray(v)) return v;
      let out: unknown[] | undefined;
      v.forEach((e, k) => {
        const c = canonicalWalk(q.elem, e);
        if (c !== e) (out ??= v.slice())[k] = c;
      });
      return out ?? v;
    }
  }
  if (typeof v !== "object" || Array.isArray(v)) return v;
  const src = v as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  if (q.fields !== undefined) {
    // only the fields that can hold a Quantity: walking any other gives it back as it is. The
    // copy is a spread, so the order the fields are walked in does not change it.
    for (let j = 0; j < q.fields.length; j++) {
      const name = q.fields[j]!;
      // what Object.keys would list: own, enumerable
      if (!isEnumerable.call(src, name)) continue;
      const c = canonicalWalk(q.types[j]!, src[name]);
      if (c !== src[name]) setOwn((out ??= { ...src }), name, c);
    }
    return out ?? v;
  }
  for (const k of Object.keys(src)) {
    const c = canonicalWalk(q.elem, src[k]);
    if (c !== src[k]) setOwn((out ??= { ...src }), k, c);
  }
  return out ?? v;
}

const isEnumerable = Object.prototype.propertyIsEnumerable;

// What canonicalWalk does with a value of a type expression, worked out once per expression from
// the type table (which never changes): a struct keeps only its fields that can hold a Quantity.
type QuantityPlan =
  | { readonly k: "none" | "quantity" }
  | { readonly k: "ptr" | "slice"; readonly elem: string }
  | { readonly k: "object"; readonly fields: readonly string[]; readonly types: readonly string[]; readonly elem?: undefined }
  | { readonly k: "object"; readonly fields?: undefined; readonly elem: string };
const quantityPlans = new Map<string, QuantityPlan>();
const planNone: QuantityPlan = { k: "none" };

function quantityPlanOf(expr: string): QuantityPlan {
  let q = quantityPlans.get(expr);
  if (q !== undefined) return q;
  const i = info(expr);
  if (i.def && "custom" in i.def) q = i.def.custom === "quantity" ? { k: "quantity" } : planNone;
  else if (!reachesQuantity(expr)) q = planNone;
  else if (i.p.t === "ptr") q = { k: "ptr", elem: i.p.elem };
  else if (i.p.t === "slice") q = { k: "slice", elem: i.elem! };
  else if (i.fields) {
    const held = [...i.fields].filter(([, ft]) => reachesQuantity(ft));
    q = { k: "object", fields: held.map(([name]) => name), types: held.map(([, ft]) => ft) };
  } else if (i.elem !== undefined) q = { k: "object", elem: i.elem };
  else q = planNone;
  quantityPlans.set(expr, q);
  return q;
}

/** Type expressions whose values can hold a Quantity (a fixpoint over the type table: types refer to each other in cycles). */
const quantityHolders: ReadonlySet<string> = (() => {
  const held = new Set<string>();
  const holds = (expr: string, top: boolean): boolean => {
    const i = info(expr);
    if (i.def && "custom" in i.def) return i.def.custom === "quantity";
    if (i.fields) return top ? [...i.fields.values()].some((ft) => holds(ft, false)) : held.has(i.u);
    return i.elem !== undefined && holds(i.elem, false);
  };
  for (let grew = true; grew; ) {
    grew = false;
    for (const key of Object.keys(schemaData.types)) {
      if (held.has(key) || !holds(key, true)) continue;
      held.add(key);
      grew = true;
    }
  }
  return held;
})();

function reachesQuantity(expr: string): boolean {
  const i = info(expr);
  if (i.def && "custom" in i.def) return i.def.custom === "quantity";
  if (i.fields) return quantityHolders.has(i.u);
  return i.elem !== undefined && reachesQuantity(i.elem);
}
