// The sizes a CRD rule's cost estimate takes from its schema (k8s.io/apiserver/pkg/cel/common
// SchemaDeclType's MaxElements and MinSerializedSize): maxLength/maxItems/maxProperties where declared,
// else the most a 3 MiB request could hold; and how many times a rule can run (maxCardinality).
import type { Range, SizeEstimator } from "./cost.js";
import { escapeField } from "./types.js";
import { utf8Length } from "../../common/bytes.js";

/** celconfig.MaxRequestSizeBytes */
export const MAX_REQUEST_SIZE_BYTES = 3n * 1024n * 1024n;
// k8s.io/apiserver/pkg/cel limits.go: serialized sizes of the formatted strings
const MAX_DURATION_SIZE_JSON = 32n;
const MAX_DATETIME_SIZE_JSON = 32n;
const MIN_DURATION_SIZE_JSON = 3n;
const JSON_DATE_SIZE = 12n;
const MIN_DATETIME_SIZE_JSON = 21n;
const MIN_STRING_SIZE = 2n;
const MIN_BOOL_SIZE = 4n;
const MIN_NUMBER_SIZE = 1n;

/** A schema node's size facts: the most elements (characters, items, properties) and its smallest JSON. */
export interface Decl {
  readonly maxElements: bigint;
  readonly minSize: bigint;
  readonly elem?: Decl;
  readonly key?: Decl;
  readonly fields?: ReadonlyMap<string, Decl>;
}

type Schema = Record<string, unknown>;
const isObj = (v: unknown): v is Schema => v !== null && typeof v === "object" && !Array.isArray(v);
const bound = (v: unknown): bigint | undefined => (typeof v === "number" && Number.isFinite(v) ? BigInt(Math.max(0, Math.trunc(v))) : undefined);

const PER_REQUEST_STRING = MAX_REQUEST_SIZE_BYTES - 2n;
const STRING_KEY: Decl = { maxElements: 0n, minSize: MIN_STRING_SIZE };
const scalar = (minSize: bigint): Decl => ({ maxElements: 0n, minSize });

/** The longest string a request could carry in this (string or int-or-string) schema. */
function maxStringLength(s: Schema): bigint {
  if (s["x-kubernetes-int-or-string"] === true) return PER_REQUEST_STRING;
  switch (s.format) {
    case "duration":
      return MAX_DURATION_SIZE_JSON;
    case "date":
      return JSON_DATE_SIZE;
    case "date-time":
      return MAX_DATETIME_SIZE_JSON;
  }
  return PER_REQUEST_STRING;
}

// a resource root (or embedded resource) always has apiVersion, kind and metadata.name/generateName
const TYPE_AND_OBJECT_META: Schema = {
  apiVersion: { type: "string" },
  kind: { type: "string" },
  metadata: { type: "object", properties: { name: { type: "string" }, generateName: { type: "string" } } },
};

/** SchemaDeclType's sizes for a schema node (root: a resource root or embedded resource); undefined where CEL sees no type. */
export function declOf(s: unknown, root = false, depth = 0): Decl | undefined {
  if (!isObj(s) || depth > 64) return undefined;
  if (s["x-kubernetes-int-or-string"] === true) {
    const max = bound(s.maxLength);
    return { maxElements: max !== undefined ? max * 4n : maxStringLength(s), minSize: 1n };
  }
  const sch = root ? { ...s, properties: { ...(isObj(s.properties) ? s.properties : {}), ...TYPE_AND_OBJECT_META } } : s;
  const embedded = (x: unknown) => isObj(x) && x["x-kubernetes-embedded-resource"] === true;
  switch (sch.type) {
    case "array": {
      const elem = declOf(sch.items, embedded(sch.items), depth + 1);
      if (!elem) return undefined;
      const max = bound(sch.maxItems) ?? PER_REQUEST_STRING / (elem.minSize + 1n);
      return { maxElements: max, minSize: 2n, elem };
    }
    case "object": {
      if (isObj(sch.additionalProperties)) {
        const elem = declOf(sch.additionalProperties, embedded(sch.additionalProperties), depth + 1);
        if (!elem) return undefined;
        const max = bound(sch.maxProperties) ?? PER_REQUEST_STRING / (elem.minSize + 6n);
        return { maxElements: max, minSize: 2n, elem, key: STRING_KEY };
      }
      const required = new Set(Array.isArray(sch.required) ? sch.required.filter((r): r is string => typeof r === "string") : []);
      const fields = new Map<string, Decl>();
      // {} at least, plus each required property without a default ("name":value,)
      let minSize = 2n;
      for (const [name, p] of Object.entries(isObj(sch.properties) ? sch.properties : {})) {
        const d = declOf(p, embedded(p), depth + 1);
        if (!d) continue;
        const f = escapeField(name);
        if (f !== undefined) fields.set(f, d);
        if (required.has(name) && isObj(p) && p.default === undefined) minSize += BigInt(utf8Length(name)) + d.minSize + 4n;
      }
      return { maxElements: 0n, minSize, fields };
    }
    case "string":
      switch (sch.format) {
        case "byte":
          return { maxElements: bound(sch.maxLength) ?? maxStringLength(sch), minSize: MIN_STRING_SIZE };
        case "duration":
          return { maxElements: maxStringLength(sch), minSize: MIN_DURATION_SIZE_JSON };
        case "date":
          return { maxElements: maxStringLength(sch), minSize: JSON_DATE_SIZE };
        case "date-time":
          return { maxElements: maxStringLength(sch), minSize: MIN_DATETIME_SIZE_JSON };
      }
      {
        // maxLength counts code points; a code point can take 4 bytes
        const max = bound(sch.maxLength);
        if (max !== undefined) return { maxElements: max * 4n, minSize: MIN_STRING_SIZE };
        const enums = Array.isArray(sch.enum) ? sch.enum.filter((v): v is string => typeof v === "string") : [];
        if (Array.isArray(sch.enum) && sch.enum.length > 0) return { maxElements: BigInt(Math.max(0, ...enums.map(utf8Length))), minSize: MIN_STRING_SIZE };
        return { maxElements: maxStringLength(sch), minSize: MIN_STRING_SIZE };
      }
    case "boolean":
      return scalar(MIN_BOOL_SIZE);
    case "number":
    case "integer":
      return scalar(MIN_NUMBER_SIZE);
  }
  return undefined;
}

/** The rule's size estimator: walks the path (after its variable) through the schema. */
export function schemaSizes(root: Decl): SizeEstimator {
  return {
    estimateSize(path): Range | undefined {
      if (!path || path.length === 0) return undefined;
      let cur: Decl | undefined = root;
      for (const step of path.slice(1)) {
        if (step === "@items" || step === "@values") cur = cur.elem;
        else if (step === "@keys") cur = cur.key;
        else cur = cur.fields?.get(step);
        if (!cur) return undefined;
      }
      return { min: 0n, max: cur.maxElements };
    },
  };
}

/** How many times data of this smallest JSON size fits in one request (a comma between each). */
export function maxCardinality(minSize: bigint): bigint {
  return MAX_REQUEST_SIZE_BYTES / (minSize + 1n);
}
