// The shape of the generated Go type table (types.ts), shared by the generator and the decoder.

/**
 * One Go type, by key "<package key>.<Name>" (package keys: "core/v1", "apps/v1", "meta/v1",
 * "resource", "intstr", "types", ...). Type expressions name other types by key and spell the rest
 * as Go does: "[]core/v1.Toleration", "*int64", "map[string]string", "map[string][]uint8".
 */
export type GoTypeDef =
  /**
   * a struct: JSON field name -> type expression (inline-embedded fields already promoted), and the
   * fields whose json tag says omitempty or omitzero (what json.Marshal leaves out)
   */
  | { fields: Record<string, string>; omitempty?: string[]; omitzero?: string[] }
  /** a defined type (`type RestartPolicy string`): errors name it, values decode as the underlying type */
  | { underlying: string }
  /** an alias (`type A = B`): the same type as the target */
  | { alias: string }
  /** a type with its own UnmarshalJSON, ported in decode.ts */
  | { custom: "time" | "microtime" | "raw" | "quantity" | "intorstring" };

export interface SchemaData {
  /** kind (or subresource body kind) -> its type key */
  roots: Record<string, string>;
  /** apiVersion -> kind -> type key, for a kind also served at a version it is not stored at (autoscaling/v1 HorizontalPodAutoscaler) */
  versioned: Record<string, Record<string, string>>;
  types: Record<string, GoTypeDef>;
}
