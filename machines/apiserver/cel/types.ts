// CEL types for the compile-time check: the OpenAPI schema → CEL type mapping Kubernetes uses
// (SchemaDeclType) and the printed names in cel-go's messages.
export type CelT =
  | { k: "dyn" }
  | { k: "prim"; n: string }
  | { k: "list"; e: CelT }
  | { k: "map"; key: CelT; v: CelT }
  | { k: "obj"; name: string; fields: ReadonlyMap<string, CelT> }
  | { k: "opt"; e: CelT }
  | { k: "type"; of?: CelT }
  | { k: "param"; n: string };

export const DYN: CelT = { k: "dyn" };
export const prim = (n: string): CelT => ({ k: "prim", n });
export const INT = prim("int");
export const UINT = prim("uint");
export const DOUBLE = prim("double");
export const STRING = prim("string");
export const BYTES = prim("bytes");
export const BOOL = prim("bool");
export const NULL = prim("null_type");
export const DURATION = prim("google.protobuf.Duration");
export const TIMESTAMP = prim("google.protobuf.Timestamp");
export const list = (e: CelT): CelT => ({ k: "list", e });
export const map = (key: CelT, v: CelT): CelT => ({ k: "map", key, v });
export const opt = (e: CelT): CelT => ({ k: "opt", e });

export function typeString(t: CelT): string {
  switch (t.k) {
    case "dyn":
      return "dyn";
    case "prim":
      return t.n;
    case "list":
      return `list(${typeString(t.e)})`;
    case "map":
      return `map(${typeString(t.key)}, ${typeString(t.v)})`;
    case "obj":
      return t.name;
    case "opt":
      return `optional_type(${typeString(t.e)})`;
    case "type":
      return t.of ? `type(${typeString(t.of)})` : "type";
    case "param":
      return t.n;
  }
}

type Schema = Record<string, unknown>;
function isObj(x: unknown): x is Schema {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

const RESERVED_FIELD = new Set(["true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"]);

/** A property name as CEL spells it (Kubernetes' escaping: __dash__, __dot__, __slash__, __underscores__, __keyword__). */
export function escapeField(name: string): string | undefined {
  if (RESERVED_FIELD.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/.test(name)) return undefined;
  const out = name.replace(/__/g, "__underscores__").replace(/\./g, "__dot__").replace(/-/g, "__dash__").replace(/\//g, "__slash__");
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(out) ? out : undefined;
}

const EMBEDDED_FIELDS: [string, CelT][] = [
  ["apiVersion", STRING],
  ["kind", STRING],
];

/** The CEL type of an OpenAPI v3 schema node (absent: dyn). */
export function schemaType(s: unknown, name = "Object", depth = 0): CelT {
  if (!isObj(s) || depth > 64) return DYN;
  if (s["x-kubernetes-int-or-string"] === true) return DYN;
  const type = s.type;
  switch (type) {
    case "integer":
      return INT;
    case "number":
      return DOUBLE;
    case "boolean":
      return BOOL;
    case "string":
      if (s.format === "byte") return BYTES;
      if (s.format === "duration") return DURATION;
      // a date is a timestamp at midnight UTC (SchemaDeclType's "date")
      if (s.format === "date-time" || s.format === "date") return TIMESTAMP;
      return STRING;
    case "array":
      return list(schemaType(s.items, `${name}.@idx`, depth + 1));
    case "object": {
      const props = isObj(s.properties) ? s.properties : undefined;
      if (!props && isObj(s.additionalProperties)) return map(STRING, schemaType(s.additionalProperties, `${name}.@prop`, depth + 1));
      if (!props && s["x-kubernetes-preserve-unknown-fields"] === true && s["x-kubernetes-embedded-resource"] !== true) return DYN;
      const fields = new Map<string, CelT>();
      if (s["x-kubernetes-embedded-resource"] === true) {
        for (const [f, t] of EMBEDDED_FIELDS) fields.set(f, t);
        fields.set("metadata", { k: "obj", name: `${name}.metadata`, fields: new Map([["name", STRING], ["generateName", STRING]]) });
      }
      for (const [p, ps] of Object.entries(props ?? {})) {
        const f = escapeField(p);
        if (f !== undefined) fields.set(f, schemaType(ps, `${name}.${p}`, depth + 1));
      }
      return { k: "obj", name, fields };
    }
  }
  if (s["x-kubernetes-preserve-unknown-fields"] === true) return DYN;
  return DYN;
}
