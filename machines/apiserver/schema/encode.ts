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
 * version than the stored one, are returned as they are.
 */
export function goEncoded<T>(obj: T): T {
  if (!isPlainObject(obj) || typeof obj.kind !== "string") return obj;
  const key = rootTypeKey(obj.kind);
  if (key === undefined || !storedVersion(key, obj.apiVersion)) return obj;
  return encode(key, obj) as T;
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

function encode(expr: string, v: unknown): unknown {
  // A deep-frozen part was stored before (a version's unchanged spec, managedFields): encoded already.
  if (typeof v === "object" && v !== null && isMarkedFrozen(v)) return v;
  const ti = goTypeInfo(expr);
  const { def, p } = ti;
  if (def !== undefined && "custom" in def) {
    if (v !== undefined && v !== null) return v;
    // the zero value of the custom type, marshalled: Time and RawExtension write null
    return def.custom === "quantity" ? "0" : def.custom === "intorstring" ? 0 : null;
  }
  if (p.t === "ptr") return v === undefined || v === null ? NIL : encode(p.elem, v);
  if (def !== undefined && "fields" in def) return encodeStruct(omissionsOf(ti.fields!, def.omitempty, def.omitzero), v);
  switch (p.t) {
    case "string": return typeof v === "string" ? v : v === undefined || v === null ? "" : v;
    case "bool": return typeof v === "boolean" ? v : v === undefined || v === null ? false : v;
    case "int": case "float": return typeof v === "number" ? v : v === undefined || v === null ? 0 : v;
    case "slice": {
      // []byte is base64 text; protobuf gives an empty one back as an empty one
      if (p.elem === "uint8") return v === undefined || v === null ? NIL : v;
      if (!Array.isArray(v) || v.length === 0) return NIL;
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        let e = encode(p.elem, v[i]);
        if (e === NIL) e = null;
        if (e !== v[i]) (out ??= v.slice())[i] = e;
      }
      return out ?? v;
    }
    case "map": {
      if (!isPlainObject(v)) return NIL;
      let out: Record<string, unknown> | undefined;
      let n = 0;
      for (const k in v) {
        n++;
        let e = encode(p.elem, v[k]);
        if (e === NIL) e = null;
        if (e !== v[k]) {
          out ??= copyOf(v);
          setOwn(out, k, e);
        }
      }
      return n === 0 ? NIL : (out ?? v);
    }
  }
  return v;
}

/** A struct's fields in order, each with what json.Marshal omits of it. */
interface StructPlan {
  /** scalar: a string, bool or number kind (not a pointer, nor a struct such as IntOrString), which omitempty leaves out at its zero */
  readonly fields: readonly { name: string; type: string; omitempty: boolean; omitzero: boolean; scalar: boolean }[];
}
const plans = new Map<ReadonlyMap<string, string>, StructPlan>();

function omissionsOf(fields: ReadonlyMap<string, string>, omitempty: readonly string[] | undefined, omitzero: readonly string[] | undefined): StructPlan {
  let plan = plans.get(fields);
  if (plan === undefined) {
    plan = { fields: [...fields].map(([name, type]) => ({ name, type, omitempty: omitempty?.includes(name) ?? false, omitzero: omitzero?.includes(name) ?? false, scalar: isScalar(type) })) };
    plans.set(fields, plan);
  }
  return plan;
}

function encodeStruct(plan: StructPlan, v: unknown): unknown {
  const src: Record<string, unknown> = isPlainObject(v) ? v : {};
  const names: string[] = [];
  const values: unknown[] = [];
  for (const f of plan.fields) {
    let e = encode(f.type, Object.hasOwn(src, f.name) ? src[f.name] : undefined);
    if (e === NIL) {
      if (f.omitempty) continue;
      e = null;
    } else if (f.omitempty && f.scalar && isEmptyScalar(e)) continue;
    if (f.omitzero && (e === null || (f.scalar && isEmptyScalar(e)))) continue;
    names.push(f.name);
    values.push(e);
  }
  // the same object when it has these fields, in this order, with these values
  let i = 0;
  let same = true;
  for (const k in src) {
    if (names[i] !== k || values[i] !== src[k]) {
      same = false;
      break;
    }
    i++;
  }
  if (same && i === names.length) return src;
  const out: Record<string, unknown> = {};
  for (let j = 0; j < names.length; j++) setOwn(out, names[j]!, values[j]);
  return out;
}

function isScalar(type: string): boolean {
  const { def, p } = goTypeInfo(type);
  return (def === undefined || !("custom" in def || "fields" in def)) && (p.t === "string" || p.t === "bool" || p.t === "int" || p.t === "float");
}

/** json.Marshal's isEmptyValue for what reaches it here: false, 0 and "" (a struct is never empty; nil slices, maps and pointers are NIL). */
function isEmptyScalar(e: unknown): boolean {
  return e === false || e === 0 || e === "";
}

function copyOf(v: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in v) setOwn(out, k, v[k]);
  return out;
}
