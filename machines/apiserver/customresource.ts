// Custom resources: the customResourceStrategy of apiextensions-apiserver and its structural
// schema at work on every write: unknown fields pruned (kept under x-kubernetes-preserve-unknown-fields
// and in the apiVersion, kind and metadata of an x-kubernetes-embedded-resource), defaults filled in
// (`default:`), then the object validated against the openAPIV3Schema with kube-openapi's messages
// as apiextensions' ConvertSchemaValidationErrors turns them into field errors.
// x-kubernetes-validations (CEL rules) then run at every schema node (cel/crdrules.ts).

import { deepEqual } from "../common/equal.js";
import { setOwn } from "../common/own.js";
import { duplicate, goQuote, invalidValue, notSupported, required, tooLong, tooMany, type FieldError } from "./status.js";
import type { ResourceInfo } from "./resources.js";
import { blockingErr, celValidation, hasBlockingErr, hasValidationRules } from "./cel/crdrules.js";
import { validateObjectMeta } from "./validation/meta.js";
import { nameIsDNSSubdomain } from "./validation/names.js";
import { maxCustomDepth } from "./schema/depth.js";
import { NumberLiteral } from "../common/numberliteral.js";
import { compileRegex } from "./cel/regex.js";

type Obj = any;
type Schema = Record<string, any>;

// an int64 kept as its literal (NumberLiteral) is a scalar
const isObj = (v: unknown): v is Record<string, any> => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof NumberLiteral);
// kube-openapi prunes, defaults and validates at every depth; a custom resource is kept up to maxCustomDepth
const maxDepth = maxCustomDepth;

// ---- pruning ------------------------------------------------------------------------------

/**
 * The object without the fields its schema does not specify (structural pruning), and the paths
 * of those fields (`spec.foo`), which fieldValidation reports as unknown. The root's apiVersion,
 * kind and metadata are always kept.
 */
export function pruned(obj: Obj, schema: Schema | undefined): { value: Obj; unknown: string[] } {
  if (!isObj(schema) || !isObj(obj)) return { value: obj, unknown: [] };
  const unknown: string[] = [];
  const value = pruneValue(obj, schema, "", true, unknown, 0);
  return { value, unknown };
}

function pruneValue(v: unknown, s: Schema | undefined, path: string, root: boolean, unknown: string[], depth: number): unknown {
  if (!isObj(s) || depth > maxDepth) return v;
  if (Array.isArray(v)) {
    if (!isObj(s.items)) return s["x-kubernetes-preserve-unknown-fields"] === true ? v : v;
    return v.map((x, i) => pruneValue(x, s.items, `${path}[${i}]`, false, unknown, depth + 1));
  }
  if (!isObj(v)) return v;
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
  const embedded = s["x-kubernetes-embedded-resource"] === true;
  const props = isObj(s.properties) ? s.properties : undefined;
  const additional = isObj(s.additionalProperties) ? s.additionalProperties : undefined;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const child = path === "" ? k : `${path}.${k}`;
    if ((root || embedded) && (k === "apiVersion" || k === "kind" || k === "metadata")) {
      // metadata is pruned to what ObjectMeta has: the API server's own decoding keeps it as it is
      setOwn(out, k, v[k]);
      continue;
    }
    const ps = props && Object.hasOwn(props, k) ? props[k] : additional;
    if (ps !== undefined) setOwn(out, k, pruneValue(v[k], ps, child, false, unknown, depth + 1));
    else if (preserve || s.additionalProperties === true) setOwn(out, k, v[k]);
    else unknown.push(child);
  }
  return out;
}

// ---- defaulting ---------------------------------------------------------------------------

/** The object with every absent field whose schema has a default set to it (structural defaulting), nested objects included. */
export function withDefaults(obj: Obj, schema: Schema | undefined): Obj {
  if (!isObj(schema)) return obj;
  return defaultValue(obj, schema, 0);
}

function defaultValue(v: unknown, s: Schema, depth: number): unknown {
  if (depth > maxDepth) return v;
  if (Array.isArray(v)) return isObj(s.items) ? v.map((x) => defaultValue(x, s.items, depth + 1)) : v;
  if (!isObj(v)) return v;
  const props = isObj(s.properties) ? s.properties : undefined;
  const additional = isObj(s.additionalProperties) ? s.additionalProperties : undefined;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const ps = props && Object.hasOwn(props, k) ? props[k] : additional;
    setOwn(out, k, isObj(ps) ? defaultValue(v[k], ps, depth + 1) : v[k]);
  }
  if (props) {
    for (const k of Object.keys(props)) {
      const ps = props[k];
      // a null is defaulted too, unless the field is nullable (structural defaulting)
      const absent = !Object.hasOwn(out, k) || (out[k] === null && ps?.nullable !== true);
      if (absent && isObj(ps) && ps.default !== undefined) setOwn(out, k, defaultValue(structuredClone(ps.default), ps, depth + 1));
    }
  }
  return out;
}

// ---- validation ---------------------------------------------------------------------------

// An int64 past 2^53 is kept as its literal (unstructuredNumbers): an integer. A number past 2^53
// came from a float64 (1e20), which swag.IsFloat64AJSONInteger does not take for an integer.
const isInteger = (v: unknown): boolean => v instanceof NumberLiteral || (typeof v === "number" && Number.isInteger(v) && Math.abs(v) <= 2 ** 53);
const jsonTypeOf = (v: unknown): string => (v === null ? "null" : isInteger(v) ? "integer" : typeof v === "number" || v instanceof NumberLiteral ? "number" : Array.isArray(v) ? "array" : typeof v === "object" ? "object" : typeof v);

function typeMatches(want: string, v: unknown): boolean {
  switch (want) {
    case "object": return isObj(v);
    case "array": return Array.isArray(v);
    case "string": return typeof v === "string";
    case "boolean": return typeof v === "boolean";
    case "integer": return isInteger(v);
    case "number": return typeof v === "number" || v instanceof NumberLiteral;
    default: return true;
  }
}

/** A number as Go's %v prints a float64 bound from the schema: 10, 1.5, 1e+21. */
function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const s = String(n);
  return s.replace(/e\+?(\d)$/, "e+0$1").replace(/e-(\d)$/, "e-0$1");
}

/** The formats kube-openapi's strfmt registry checks that podflow checks too. */
const formats: Record<string, (s: string) => boolean> = {
  "date-time": (s) => /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)),
  uuid: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  byte: (s) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s),
  ipv4: (s) => /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(s),
  email: (s) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s),
};

/**
 * The field errors of an object against its version's openAPIV3Schema (kube-openapi's validator,
 * as apiextensions converts them): types, nullable, enum, required, bounds, lengths, item counts,
 * pattern and the formats above. The root's apiVersion, kind and metadata are the API server's to check.
 */
export function schemaErrors(obj: Obj, schema: Schema | undefined): FieldError[] {
  if (!isObj(schema)) return [];
  const errs: FieldError[] = [];
  validateValue(obj, schema, "", true, errs, 0);
  return errs;
}

function validateValue(v: unknown, s: Schema, path: string, root: boolean, errs: FieldError[], depth: number): void {
  if (depth > maxDepth) return;
  const name = path === "" ? "" : path;
  const intOrString = s["x-kubernetes-int-or-string"] === true;
  if (v === null) {
    if (s.nullable === true || s.type === undefined) return;
    errs.push(invalidValue(name, "null", `${name} in body must be of type ${s.type}: "null"`));
    return;
  }
  if (intOrString) {
    if (!(typeof v === "string" || isInteger(v))) errs.push(invalidValue(name, jsonTypeOf(v), `${name} in body must be of type integer,string: ${goQuote(jsonTypeOf(v))}`));
  } else if (typeof s.type === "string" && s.type !== "" && !typeMatches(s.type, v)) {
    errs.push(invalidValue(name, jsonTypeOf(v), `${name} in body must be of type ${s.type}: ${goQuote(jsonTypeOf(v))}`));
    return;
  }
  if (Array.isArray(s.enum) && !s.enum.some((e: unknown) => deepEqual(e, v))) {
    // a string choice as it is, any other as its JSON (kubeOpenAPIResultToFieldErrors)
    errs.push(notSupported(name, v, s.enum.map((e: unknown) => (typeof e === "string" ? e : JSON.stringify(e)))));
  }
  // an int64 kept as its literal is bounded by its nearest double
  const num = v instanceof NumberLiteral ? v.value : v;
  if (typeof num === "number") {
    if (typeof s.maximum === "number") {
      if (s.exclusiveMaximum === true ? num >= s.maximum : num > s.maximum) errs.push(invalidValue(name, v, `${name} in body should be less than ${s.exclusiveMaximum === true ? "" : "or equal to "}${goNumber(s.maximum)}`));
    }
    if (typeof s.minimum === "number") {
      if (s.exclusiveMinimum === true ? num <= s.minimum : num < s.minimum) errs.push(invalidValue(name, v, `${name} in body should be greater than ${s.exclusiveMinimum === true ? "" : "or equal to "}${goNumber(s.minimum)}`));
    }
    if (typeof s.multipleOf === "number" && s.multipleOf > 0 && !Number.isInteger(num / s.multipleOf)) errs.push(invalidValue(name, v, `${name} in body should be a multiple of ${goNumber(s.multipleOf)}`));
  }
  if (typeof v === "string") {
    const len = [...v].length;
    if (typeof s.maxLength === "number" && len > s.maxLength) errs.push(tooLong(name, v, s.maxLength));
    if (typeof s.minLength === "number" && len < s.minLength) errs.push(invalidValue(name, v, `${name} in body should be at least ${s.minLength} chars long`));
    if (typeof s.pattern === "string") {
      // Go's regexp, as kube-openapi's validator runs it: RE2's meaning on V8's linear-time engine, so a
      // pattern the CRD's validation let through cannot backtrack for ever on a custom resource's string
      let re: RegExp | undefined;
      try {
        re = compileRegex(s.pattern);
      } catch {
        re = undefined;
      }
      if (re && !re.test(v)) errs.push(invalidValue(name, v, `${name} in body should match '${s.pattern}'`));
    }
    if (typeof s.format === "string" && Object.hasOwn(formats, s.format) && !formats[s.format]!(v)) errs.push(invalidValue(name, v, `${name} in body must be of type ${s.format}: ${goQuote(v)}`));
  }
  if (Array.isArray(v)) {
    if (typeof s.maxItems === "number" && v.length > s.maxItems) errs.push(tooMany(name, v.length, s.maxItems));
    if (typeof s.minItems === "number" && v.length < s.minItems) errs.push(invalidValue(name, v, `${name} in body should have at least ${s.minItems} items`));
    if (isObj(s.items)) v.forEach((x, i) => validateValue(x, s.items, `${path}[${i}]`, false, errs, depth + 1));
  }
  if (isObj(v)) {
    const props = isObj(s.properties) ? s.properties : {};
    for (const req of Array.isArray(s.required) ? s.required : []) {
      if (typeof req === "string" && !Object.hasOwn(v, req)) errs.push(required(path === "" ? req : `${path}.${req}`));
    }
    const n = Object.keys(v).length;
    if (typeof s.maxProperties === "number" && n > s.maxProperties) errs.push(tooMany(name, n, s.maxProperties));
    if (typeof s.minProperties === "number" && n < s.minProperties) errs.push(invalidValue(name, v, `${name} in body should have at least ${s.minProperties} properties`));
    for (const k of Object.keys(v)) {
      if (root && (k === "apiVersion" || k === "kind" || k === "metadata")) continue;
      const ps = Object.hasOwn(props, k) ? props[k] : isObj(s.additionalProperties) ? s.additionalProperties : undefined;
      if (isObj(ps)) validateValue(v[k], ps, path === "" ? k : `${path}.${k}`, false, errs, depth + 1);
    }
  }
}

/** The patch types a custom resource's handler accepts (apiextensions-apiserver's crdHandler): no strategic merge patch. */
export const customPatchTypes = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"];

// ---- conversion ---------------------------------------------------------------------------

/**
 * The object at another version of its group, as conversion strategy None converts it
 * (apiextensions-apiserver's nopConverter): apiVersion rewritten, every other field as it is.
 */
function atVersion(obj: Obj, group: string, version: string): Obj {
  const apiVersion = `${group}/${version}`;
  return !isObj(obj) || obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}

/** A stored custom resource as served at r's version. */
export function atServedVersion(obj: Obj, r: ResourceInfo): Obj {
  return r.custom ? atVersion(obj, r.group, r.version) : obj;
}

/** A custom resource written at r's version as stored: at its CRD's storage version. */
export function atStorageVersion(obj: Obj, r: ResourceInfo): Obj {
  return r.custom ? atVersion(obj, r.group, r.custom.storageVersion) : obj;
}

// ---- the strategy -------------------------------------------------------------------------

const hasStatusSubresource = (r: ResourceInfo) => r.subresources.includes("status");

/** customResourceStrategy.PrepareForCreate: generation 1, and no status where the status subresource owns it. */
export function prepareCustomResourceForCreate(obj: Obj, r: ResourceInfo): Obj {
  const out = { ...obj, metadata: { ...obj.metadata, generation: 1 } };
  if (hasStatusSubresource(r)) delete out.status;
  return out;
}

/**
 * PrepareForUpdate: the main endpoint keeps the stored status (when the status subresource is
 * enabled), the status endpoint keeps all but status; the generation moves when anything but
 * metadata and status changed.
 */
export function prepareCustomResourceForUpdate(obj: Obj, old: Obj, r: ResourceInfo, subresource: string | undefined): Obj {
  let out: Obj;
  if (subresource === "status") {
    // the stored object with the written status (and the managedFields recorded for this write)
    out = { ...old, metadata: { ...old.metadata } };
    if (obj.metadata?.managedFields !== undefined) out.metadata.managedFields = obj.metadata.managedFields;
    else delete out.metadata.managedFields;
    if (obj.status !== undefined) out.status = obj.status;
    else delete out.status;
    return out;
  }
  out = { ...obj };
  if (hasStatusSubresource(r)) {
    if (old.status !== undefined) out.status = old.status;
    else delete out.status;
  }
  const content = (o: Obj) => {
    const { metadata: _m, status: _s, ...rest } = o;
    return rest;
  };
  const generation = old.metadata?.generation ?? 1;
  const changed = !deepEqual(content(out), content(old)) || (!hasStatusSubresource(r) && !deepEqual(out.status, old.status));
  out.metadata = { ...out.metadata, generation: changed ? generation + 1 : generation };
  return out;
}

/**
 * customResourceStrategy.Validate / ValidateUpdate: the metadata (names are DNS subdomains), the
 * schema, then the uniqueness of list-type set and map lists, which an update checks only when the
 * object it replaces holds to it (ratcheting: an old object's duplicates may stay); with the warnings
 * of the CEL rules whose failures ratcheting let through.
 */
export function validateCustomResourceWithWarnings(obj: Obj, r: ResourceInfo, old?: Obj): { errors: FieldError[]; warnings: string[] } {
  const schema = r.custom?.schema;
  const lists = old === undefined || listSetAndMapErrors(old, schema).length === 0 ? listSetAndMapErrors(obj, schema) : [];
  const errs = [...validateObjectMeta(obj?.metadata, r.namespaced, nameIsDNSSubdomain, "metadata", false), ...schemaErrors(obj, schema), ...lists];
  if (!hasValidationRules(schema)) return { errors: errs, warnings: [] };
  // the CEL rules run on an object of the shape they were written for, or not at all
  if (hasBlockingErr(errs)) return { errors: [...errs, blockingErr()], warnings: [] };
  const cel = celValidation(obj, schema, old);
  return { errors: [...errs, ...cel.errors], warnings: cel.warnings };
}

// ---- x-kubernetes-list-type ---------------------------------------------------------------

/**
 * structurallisttype.ValidateListSetsAndMaps (apiextensions-apiserver's schema/listtype): a
 * list-type set holds no element twice, a list-type map no two elements with the same keys.
 * Iterative (a value may nest deep); each list's errors in its elements' order.
 */
export function listSetAndMapErrors(obj: Obj, schema: Schema | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (!isObj(schema) || !isObj(obj)) return errs;
  const pending: Array<[unknown, Schema, string]> = [[obj, schema, ""]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [v, s, path] = next;
    const at: Array<[unknown, Schema, string]> = [];
    if (Array.isArray(v)) {
      const listType = s["x-kubernetes-list-type"];
      if (listType === "set") for (const i of nonUniqueIndices(v)) errs.push(duplicate(`${path}[${i}]`, v[i]));
      else if (listType === "map") errs.push(...listMapErrors(v, s, path));
      if (isObj(s.items)) v.forEach((x, i) => at.push([x, s.items, `${path}[${i}]`]));
    } else if (isObj(v)) {
      // fldPath.Key for additionalProperties, fldPath.Child for properties
      if (isObj(s.additionalProperties)) for (const k of Object.keys(v)) at.push([v[k], s.additionalProperties, `${path}[${k}]`]);
      if (isObj(s.properties)) for (const k of Object.keys(v)) if (Object.hasOwn(s.properties, k) && isObj(s.properties[k])) at.push([v[k], s.properties[k], path === "" ? k : `${path}.${k}`]);
    }
    // depth-first in the order the values were found
    pending.push(...at.reverse());
  }
  return errs;
}

/** A key absent from a list-type map's element (or a null element): unspecifiedKeyValue, a value of its own. */
const unspecified = Symbol("unspecifiedKeyValue");

/** How validateListSet tells values apart: a scalar by its Go type and value, a map or list by its json.Marshal (keys sorted). */
function setIdentity(x: unknown): string {
  if (x === unspecified) return "u";
  if (x === null || x === undefined) return "n";
  if (typeof x === "object") return `c${sortedJson(x)}`;
  return `${typeof x}:${String(x)}`;
}

function sortedJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(sortedJson).join(",")}]`;
  if (isObj(x)) return `{${Object.keys(x).sort().map((k) => `${JSON.stringify(k)}:${sortedJson(x[k])}`).join(",")}}`;
  return JSON.stringify(x ?? null);
}

/** validateListSet: the index of each value's second appearance (a third adds none). */
function nonUniqueIndices(values: readonly unknown[]): number[] {
  if (values.length <= 1) return [];
  const seen = new Map<string, number>();
  const out: number[] = [];
  values.forEach((x, i) => {
    const id = setIdentity(x);
    const times = seen.get(id) ?? 0;
    seen.set(id, times + 1);
    if (times === 1) out.push(i);
  });
  return out;
}

/** validateListMap: elements must be objects (or null), and their keys unique, printed as the key map. */
function listMapErrors(list: readonly unknown[], s: Schema, path: string): FieldError[] {
  const notObject = list.findIndex((x) => x !== null && !isObj(x));
  if (notObject >= 0) return [invalidValue(`${path}[${notObject}]`, list[notObject], "must be an object for an array of list-type map")];
  if (list.length <= 1) return [];
  const keyFields: string[] = Array.isArray(s["x-kubernetes-list-map-keys"]) ? s["x-kubernetes-list-map-keys"].filter((k: unknown) => typeof k === "string") : [];
  if (keyFields.length === 1) {
    const field = keyFields[0]!;
    const keys = list.map((x) => (isObj(x) && Object.hasOwn(x, field) ? x[field] : unspecified));
    return nonUniqueIndices(keys).map((i) => duplicate(`${path}[${i}]`, keys[i] === unspecified ? {} : { [field]: keys[i] }));
  }
  // fromEntries: a CRD's list-map key named "__proto__" stays a key of the printed value
  const keys = list.map((x): Record<string, unknown> => (isObj(x) ? Object.fromEntries(keyFields.filter((f) => Object.hasOwn(x, f)).map((f) => [f, x[f]])) : {}));
  return nonUniqueIndices(keys).map((i) => duplicate(`${path}[${i}]`, keys[i]));
}

// ---- the scale subresource ----------------------------------------------------------------

/** The fields of a simple JSON path (".spec.replicas"): the subset scale paths use. */
function pathFields(p: string): string[] {
  return p.split(".").slice(1);
}

function getPath(obj: Obj, p: string): unknown {
  let v: unknown = obj;
  for (const f of pathFields(p)) {
    if (!isObj(v) || !Object.hasOwn(v, f)) return undefined;
    v = v[f];
  }
  return v;
}

/** The object with value at the path, the objects on the way copied (or made). */
export function setPath(obj: Obj, p: string, value: unknown): Obj {
  const fields = pathFields(p);
  const set = (o: unknown, i: number): unknown => {
    const base: Record<string, unknown> = isObj(o) ? { ...o } : {};
    const f = fields[i]!;
    setOwn(base, f, i === fields.length - 1 ? value : set(base[f], i + 1));
    return base;
  };
  return fields.length === 0 ? obj : set(obj, 0);
}

/** The autoscaling/v1 Scale of a custom resource, read at its CRD's specReplicasPath, statusReplicasPath and labelSelectorPath. */
export function customScaleOf(obj: Obj, r: ResourceInfo): Obj {
  const scale = r.custom?.scale;
  const spec = scale ? getPath(obj, scale.specReplicasPath) : undefined;
  const status = scale ? getPath(obj, scale.statusReplicasPath) : undefined;
  const selector = scale?.labelSelectorPath ? getPath(obj, scale.labelSelectorPath) : undefined;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
    spec: { replicas: typeof spec === "number" ? spec : 0 },
    status: { replicas: typeof status === "number" ? status : 0, ...(typeof selector === "string" && selector !== "" ? { selector } : {}) },
  };
}
