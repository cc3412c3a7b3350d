// What kube-apiserver stores and answers with: the Go value a body decodes to, kept in etcd as
// protobuf and marshalled to JSON again. json.Marshal leaves out an omitempty field that is empty
// (0, "", false, nil, an empty slice or map) and an omitzero one that is zero (creationTimestamp),
// and writes every other field even when the body had none: a nil slice, map or pointer as null,
// a zero Time as null (lastProbeTime: null), a struct as its own encoding. Protobuf keeps no
// difference between an empty slice or map and none. Fields come in the struct's order; what the
// type does not know is gone (the decoder dropped it already).

import { isMarkedFrozen, isPlain } from "../../common/equal.js";
import { setOwn } from "../../common/own.js";
import { goTypeInfo, rootTypeKey } from "./decode.js";

/** What a field holds when Go would write nothing for it: a nil slice, map or pointer. */
const NIL = Symbol("nil");

/**
 * The object as kube-apiserver would answer with it after storing it: the same object when it is
 * so already (parts that are so kept by identity). Kinds without a schema, and objects at another
 * version than the stored one, are returned as they are. `encoded`: values of the object's own
 * fields known to be this encoding's output for an object of the same kind and version (what
 * admission kept of the decoded body), taken as they are: encoding is idempotent.
 */
export function goEncoded<T>(obj: T, encoded?: readonly unknown[]): T {
  if (!isPlainObject(obj) || typeof obj.kind !== "string") return obj;
  const key = rootTypeKey(obj.kind);
  if (key === undefined || !storedVersion(key, obj.apiVersion)) return obj;
  fieldsTop = 0;
  const enc = encoderOf(key);
  if (encoded === undefined || encoded.length === 0 || enc.k !== "struct") return encode(enc, obj) as T;
  return encodeStruct((enc.plan ??= planOf(enc.expr)), obj, encoded) as T;
}

/** True when apiVersion is the version of the Go type key ("apps/v1.Deployment": apps/v1; "core/v1.Pod": v1). */
function storedVersion(key: string, apiVersion: unknown): boolean {
  if (typeof apiVersion !== "string") return false;
  const pkg = key.slice(0, key.indexOf("."));
  const version = pkg.slice(pkg.indexOf("/") + 1);
  return apiVersion === version || apiVersion.endsWith(`/${version}`);
}

function isPlainObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && isPlain(v);
}

// A type expression compiled once into what encoding it needs: its kind, its element's encoder
// (made on first use, as types refer to themselves), a struct's field plan.
type Encoder =
  | { readonly k: "custom"; readonly zero: unknown }
  | { readonly k: "ptr" | "slice" | "map"; readonly elem: string; enc?: Encoder }
  | { readonly k: "bytes" | "other" }
  | { readonly k: "string" | "bool" | "number"; readonly zero: unknown }
  | { readonly k: "struct"; readonly expr: string; plan?: StructPlan };

const encoders = new Map<string, Encoder>();

function encoderOf(expr: string): Encoder {
  let e = encoders.get(expr);
  if (e !== undefined) return e;
  const { def, p } = goTypeInfo(expr);
  // the zero value of a custom type, marshalled: Time and RawExtension write null
  if (def !== undefined && "custom" in def) e = { k: "custom", zero: def.custom === "quantity" ? "0" : def.custom === "intorstring" ? 0 : null };
  else if (p.t === "ptr") e = { k: "ptr", elem: p.elem };
  else if (def !== undefined && "fields" in def) e = { k: "struct", expr };
  else if (p.t === "string") e = { k: "string", zero: "" };
  else if (p.t === "bool") e = { k: "bool", zero: false };
  else if (p.t === "int" || p.t === "float") e = { k: "number", zero: 0 };
  // []byte is base64 text; protobuf gives an empty one back as an empty one
  else if (p.t === "slice") e = p.elem === "uint8" ? { k: "bytes" } : { k: "slice", elem: p.elem };
  else if (p.t === "map") e = { k: "map", elem: p.elem };
  else e = { k: "other" };
  encoders.set(expr, e);
  return e;
}

function elemOf(e: { readonly elem: string; enc?: Encoder }): Encoder {
  return (e.enc ??= encoderOf(e.elem));
}

function encode(enc: Encoder, v: unknown): unknown {
  // A deep-frozen part was stored before (a version's unchanged spec, managedFields): encoded already.
  if (typeof v === "object" && v !== null && isMarkedFrozen(v)) return v;
  switch (enc.k) {
    case "custom": return v !== undefined && v !== null ? v : enc.zero;
    case "ptr": return v === undefined || v === null ? NIL : encode(elemOf(enc), v);
    case "struct": return encodeStruct((enc.plan ??= planOf(enc.expr)), v);
    case "string": case "bool": case "number": return v === undefined || v === null ? enc.zero : v;
    case "bytes": return v === undefined || v === null ? NIL : v;
    case "slice": {
      if (!Array.isArray(v) || v.length === 0) return NIL;
      const el = elemOf(enc);
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        let e = encode(el, v[i]);
        if (e === NIL) e = null;
        if (e !== v[i]) (out ??= v.slice())[i] = e;
      }
      return out ?? v;
    }
    case "map": {
      if (!isPlainObject(v)) return NIL;
      const el = elemOf(enc);
      let out: Record<string, unknown> | undefined;
      let n = 0;
      let prev: string | undefined;
      let sorted = true;
      for (const k in v) {
        n++;
        // keys that look like array indices come first whatever is done (JS enumerates them so)
        if (prev !== undefined && !(prev < k) && !arrayIndex.test(prev)) sorted = false;
        prev = k;
        let e = encode(el, v[k]);
        if (e === NIL) e = null;
        if (e !== v[k]) {
          out ??= copyOf(v);
          setOwn(out, k, e);
        }
      }
      if (n === 0) return NIL;
      // encoding/json writes a map's keys sorted (labels, annotations, a ConfigMap's data)
      return sorted ? (out ?? v) : sortedCopy(out ?? v);
    }
  }
  return v;
}

/** One field of a struct: its JSON name, its encoder (made on first use), and what json.Marshal omits of it. */
interface FieldPlan {
  readonly name: string;
  readonly elem: string;
  enc?: Encoder;
  readonly omitempty: boolean;
  readonly omitzero: boolean;
  /** a string, bool or number kind (not a pointer, nor a struct such as IntOrString), which omitempty leaves out at its zero */
  readonly scalar: boolean;
  /** what the field is when the object has none: ABSENT_OMITTED, or the value written (structs are encoded each time) */
  readonly absent: unknown;
}
/** A struct's fields in order. */
interface StructPlan {
  readonly fields: readonly FieldPlan[];
}
const ABSENT_OMITTED = Symbol("omitted");
const ABSENT_ENCODED = Symbol("encoded");

function planOf(expr: string): StructPlan {
  const ti = goTypeInfo(expr);
  const def = ti.def as { omitempty?: readonly string[]; omitzero?: readonly string[] };
  return {
    fields: [...ti.fields!].map(([name, type]) => {
      const omitempty = def.omitempty?.includes(name) ?? false;
      const omitzero = def.omitzero?.includes(name) ?? false;
      const scalar = isScalar(type);
      return { name, elem: type, omitempty, omitzero, scalar, absent: absentOf(type, omitempty, omitzero, scalar) };
    }),
  };
}

/** What encodeStruct writes for a field the object does not have: a constant, omitted, or (a struct) its encoding. */
function absentOf(type: string, omitempty: boolean, omitzero: boolean, scalar: boolean): unknown {
  const enc = encoderOf(type);
  if (enc.k === "struct") return ABSENT_ENCODED;
  return written(encode(enc, undefined), omitempty, omitzero, scalar);
}

/** What json.Marshal writes for a field of encoding e: ABSENT_OMITTED when it leaves it out. */
function written(e: unknown, omitempty: boolean, omitzero: boolean, scalar: boolean): unknown {
  if (e === NIL) {
    if (omitempty) return ABSENT_OMITTED;
    e = null;
  } else if (omitempty && scalar && isEmptyScalar(e)) return ABSENT_OMITTED;
  if (omitzero && (e === null || (scalar && isEmptyScalar(e)))) return ABSENT_OMITTED;
  return e;
}

// The fields encodeStruct has written so far, for every struct being encoded (a struct's run
// starts where its parent's ends): one pair of arrays for all, not two per struct.
const fieldNames: string[] = [];
const fieldValues: unknown[] = [];
let fieldsTop = 0;

function encodeStruct(plan: StructPlan, v: unknown, encoded?: readonly unknown[]): Record<string, unknown> {
  const src: Record<string, unknown> = isPlainObject(v) ? v : {};
  const base = fieldsTop;
  for (const f of plan.fields) {
    let e: unknown;
    // a value this encoding made is its own encoding: not walked again
    if (encoded !== undefined && Object.hasOwn(src, f.name) && encoded.includes(src[f.name])) e = written(src[f.name], f.omitempty, f.omitzero, f.scalar);
    else if (Object.hasOwn(src, f.name)) e = written(encode((f.enc ??= encoderOf(f.elem)), src[f.name]), f.omitempty, f.omitzero, f.scalar);
    else if (f.absent === ABSENT_ENCODED) e = written(encode((f.enc ??= encoderOf(f.elem)), undefined), f.omitempty, f.omitzero, f.scalar);
    else e = f.absent;
    if (e === ABSENT_OMITTED) continue;
    fieldNames[fieldsTop] = f.name;
    fieldValues[fieldsTop] = e;
    fieldsTop++;
  }
  const top = fieldsTop;
  fieldsTop = base;
  // the same object when it has these fields, in this order, with these values
  let i = base;
  let same = true;
  for (const k in src) {
    if (i >= top || fieldNames[i] !== k || fieldValues[i] !== src[k]) {
      same = false;
      break;
    }
    i++;
  }
  if (same && i === top) return src;
  const out: Record<string, unknown> = {};
  for (let j = base; j < top; j++) setOwn(out, fieldNames[j]!, fieldValues[j]);
  return out;
}

function isScalar(type: string): boolean {
  const k = encoderOf(type).k;
  return k === "string" || k === "bool" || k === "number";
}

/** json.Marshal's isEmptyValue for what reaches it here: false, 0 and "" (a struct is never empty; nil slices, maps and pointers are NIL). */
function isEmptyScalar(e: unknown): boolean {
  return e === false || e === 0 || e === "";
}

const arrayIndex = /^(0|[1-9][0-9]{0,8})$/;

/** The map with its keys in Go's order (bytewise; keys that look like array indices stay first, as JS enumerates them). */
function sortedCopy(v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) setOwn(out, k, v[k]);
  return out;
}

function copyOf(v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in v) setOwn(out, k, v[k]);
  return out;
}
