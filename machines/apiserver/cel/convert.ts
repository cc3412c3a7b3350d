// JSON (as stored objects hold it) to CEL values by OpenAPI schema, as Kubernetes' UnstructuredToVal
// does, and CEL values back to JSON.
import { escapeField } from "./types.js";
import { CelBytes, CelDuration, CelMap, CelOpaque, CelOptional, CelTimestamp, CelType, CelUint } from "./values.js";
import { parseTimestamp, formatTimestamp, parseDuration, durationString } from "./time.js";

type Schema = Record<string, unknown>;
function isObj(x: unknown): x is Schema {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Lists whose x-kubernetes-list-type makes equality ignore order ("set"), or compare by keys ("map"). */
export const listTypes = new WeakMap<readonly unknown[], { type: "set" | "map"; keys: readonly string[] }>();

export function isCelValue(v: unknown): boolean {
  return typeof v === "bigint" || v instanceof CelMap || v instanceof CelUint || v instanceof CelBytes || v instanceof CelDuration || v instanceof CelTimestamp || v instanceof CelType || v instanceof CelOptional || v instanceof CelOpaque;
}

/** A JSON value as CEL sees it under schema s (absent: dyn, where integral numbers are ints). */
export function toCel(v: unknown, s?: unknown, depth = 0): unknown {
  if (v === null || v === undefined) return null;
  if (isCelValue(v)) return v;
  const schema = isObj(s) ? s : undefined;
  switch (typeof v) {
    case "boolean":
      return v;
    case "number":
      if (schema?.type === "number") return v;
      if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER * 1024) return BigInt(v);
      return v;
    case "string":
      if (schema?.type === "string") {
        try {
          if (schema.format === "date-time") return new CelTimestamp(parseTimestamp(v));
          if (schema.format === "date" && /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(v)) return new CelTimestamp(parseTimestamp(`${v}T00:00:00Z`));
          if (schema.format === "duration") return new CelDuration(parseDuration(v));
        } catch {
          return v;
        }
        if (schema.format === "byte") return new CelBytes(Uint8Array.from(Buffer.from(v, "base64")));
      }
      return v;
  }
  if (depth > 200) return null;
  if (Array.isArray(v)) {
    const items = schema?.items;
    const out = v.map((x) => toCel(x, items, depth + 1));
    const lt = schema?.["x-kubernetes-list-type"];
    if (lt === "set" || lt === "map") listTypes.set(out, { type: lt, keys: Array.isArray(schema?.["x-kubernetes-list-map-keys"]) ? (schema!["x-kubernetes-list-map-keys"] as string[]) : [] });
    return out;
  }
  if (isObj(v)) {
    const props = isObj(schema?.properties) ? (schema!.properties as Schema) : undefined;
    const addl = isObj(schema?.additionalProperties) ? schema!.additionalProperties : undefined;
    const embedded = schema?.["x-kubernetes-embedded-resource"] === true;
    if (props || embedded) {
      const entries: [string, unknown][] = [];
      for (const [k, x] of Object.entries(v)) {
        const f = escapeField(k);
        if (f === undefined) continue;
        const ps = props && Object.hasOwn(props, k) ? props[k] : embedded && k === "metadata" ? { type: "object", properties: { name: { type: "string" }, generateName: { type: "string" } } } : undefined;
        if (ps === undefined && !(embedded && (k === "apiVersion" || k === "kind"))) continue;
        entries.push([f, toCel(x, ps, depth + 1)]);
      }
      return new CelMap(entries, "object");
    }
    return new CelMap(Object.entries(v).map(([k, x]) => [k, toCel(x, addl, depth + 1)]));
  }
  return null;
}

/** A CEL value as JSON (for messageExpression results, audit annotations, a patch). */
export function celToJson(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (v instanceof CelUint) return Number(v.v);
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean" || v === null) return v;
  if (Array.isArray(v)) return v.map(celToJson);
  if (v instanceof CelMap) return Object.fromEntries(v.entries().map(([k, x]) => [String(k instanceof CelUint ? k.v : k), celToJson(x)]));
  if (v instanceof CelBytes) return Buffer.from(v.b).toString("base64");
  if (v instanceof CelDuration) return durationString(v.ns);
  if (v instanceof CelTimestamp) return formatTimestamp(v.ns);
  if (v instanceof CelType) return v.name;
  if (v instanceof CelOptional) return v.has ? celToJson(v.value) : null;
  if (v instanceof CelOpaque) return String((v.data as { toString(): string })?.toString?.() ?? v.typeName);
  return null;
}
