// The shape of the generated protobuf message table (messages.ts), shared by its generator and the decoder.

/** A Go type whose JSON is its own (MarshalJSON), or a named slice (`type ExtraValue []string`, a message of `items`). */
export type Special = "time" | "microtime" | "duration" | "raw" | "quantity" | "intorstring" | "array";

/**
 * One field: proto name, number, label (o: optional, r: repeated, m: map), type (a scalar, a
 * ".fully.qualified.Message", or "key,value" for a map), then, for a field of a Go struct, its JSON
 * name ("" when the struct is embedded inline) and flags (1: omitempty, 2: a Go pointer).
 */
export type ProtoField = [name: string, number: number, label: "o" | "r" | "m", type: string, json?: string, flags?: number];

export interface ProtoMessage {
  special?: Special;
  fields: ProtoField[];
}
