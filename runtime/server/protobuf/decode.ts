// Protobuf request bodies (application/vnd.kubernetes.protobuf) as kube-apiserver's protobuf
// serializer reads them: the "k8s\0" magic, a runtime.Unknown envelope (typeMeta, raw,
// contentEncoding, contentType), and raw as the message of the kind with Kubernetes' field
// numbers. The message becomes the JSON json.Marshal gives for the same Go object, so it goes
// through the same typed decoding and validation as a JSON body. The wire format is read by
// @bufbuild/protobuf, from descriptors built of the generated table in messages.ts.

import { create, createFileRegistry, fromBinary, isFieldSet, ScalarType, type DescField, type DescMessage, type FileRegistry, type Message } from "@bufbuild/protobuf";
import { FieldDescriptorProto_Label, FieldDescriptorProto_Type, FileDescriptorSetSchema, type DescriptorProto, type FieldDescriptorProto, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { NumberLiteral, parseJsonKeepingLiterals } from "../../../machines/apiserver/schema/decode.js";
import { setOwn } from "../../../machines/common/own.js";
import { protoMessages, protoRoots, versionedProtoRoots } from "./messages.js";
import type { ProtoField, ProtoMessage } from "./model.js";

/** The 4 bytes every Kubernetes protobuf body starts with. */
export const protobufMagic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const scalarTypes: Record<string, FieldDescriptorProto_Type> = {
  string: FieldDescriptorProto_Type.STRING, bool: FieldDescriptorProto_Type.BOOL, bytes: FieldDescriptorProto_Type.BYTES,
  int32: FieldDescriptorProto_Type.INT32, int64: FieldDescriptorProto_Type.INT64, uint32: FieldDescriptorProto_Type.UINT32,
  uint64: FieldDescriptorProto_Type.UINT64, sint32: FieldDescriptorProto_Type.SINT32, sint64: FieldDescriptorProto_Type.SINT64,
  fixed32: FieldDescriptorProto_Type.FIXED32, fixed64: FieldDescriptorProto_Type.FIXED64, sfixed32: FieldDescriptorProto_Type.SFIXED32,
  sfixed64: FieldDescriptorProto_Type.SFIXED64, double: FieldDescriptorProto_Type.DOUBLE, float: FieldDescriptorProto_Type.FLOAT,
};

function fieldProto(name: string, number: number, label: FieldDescriptorProto_Label, type: string): Partial<FieldDescriptorProto> {
  const scalar = scalarTypes[type];
  return scalar !== undefined
    ? { name, number, label, type: scalar, jsonName: name }
    : { name, number, label, type: FieldDescriptorProto_Type.MESSAGE, typeName: type, jsonName: name };
}

/** One FileDescriptorProto per proto package of the table (go-to-protobuf writes one generated.proto per package). */
function buildRegistry(): FileRegistry {
  const files = new Map<string, { messages: Partial<DescriptorProto>[]; deps: Set<string> }>();
  const packageOf = (fqn: string) => fqn.slice(0, fqn.lastIndexOf("."));
  for (const [fqn, msg] of Object.entries(protoMessages)) {
    const pkg = packageOf(fqn);
    let file = files.get(pkg);
    if (!file) files.set(pkg, (file = { messages: [], deps: new Set() }));
    const fields: Partial<FieldDescriptorProto>[] = [];
    const nested: Partial<DescriptorProto>[] = [];
    for (const [name, number, label, type] of msg.fields) {
      for (const t of type.split(",")) if (t.startsWith(".") && packageOf(t.slice(1)) !== pkg) file.deps.add(packageOf(t.slice(1)));
      if (label === "m") {
        // a map is a repeated nested XxxEntry message {key = 1; value = 2} marked map_entry
        const [k, v] = type.split(",") as [string, string];
        const entry = `${name[0]!.toUpperCase()}${name.slice(1)}Entry`;
        nested.push({
          name: entry,
          field: [fieldProto("key", 1, FieldDescriptorProto_Label.OPTIONAL, k), fieldProto("value", 2, FieldDescriptorProto_Label.OPTIONAL, v)] as FieldDescriptorProto[],
          options: { mapEntry: true } as DescriptorProto["options"],
        });
        fields.push(fieldProto(name, number, FieldDescriptorProto_Label.REPEATED, `.${fqn}.${entry}`));
      } else fields.push(fieldProto(name, number, label === "r" ? FieldDescriptorProto_Label.REPEATED : FieldDescriptorProto_Label.OPTIONAL, type));
    }
    file.messages.push({ name: fqn.slice(pkg.length + 1), field: fields as FieldDescriptorProto[], nestedType: nested as DescriptorProto[] });
  }
  const fileName = (pkg: string) => `${pkg.replace(/\./g, "/")}/generated.proto`;
  // dependencies before the files that import them
  const ordered: string[] = [];
  const place = (pkg: string) => {
    if (ordered.includes(pkg)) return;
    for (const d of files.get(pkg)!.deps) place(d);
    ordered.push(pkg);
  };
  for (const pkg of files.keys()) place(pkg);
  const set = create(FileDescriptorSetSchema, {
    file: ordered.map((pkg) => [pkg, files.get(pkg)!] as const).map(([pkg, f]) => ({ name: fileName(pkg), package: pkg, syntax: "proto2", dependency: [...f.deps].map(fileName), messageType: f.messages }) as FileDescriptorProto),
  });
  return createFileRegistry(set);
}

let registry: FileRegistry | undefined;
function messageDesc(fqn: string): DescMessage {
  registry ??= buildRegistry();
  const d = registry.getMessage(fqn);
  if (!d) throw new Error(`no protobuf message ${fqn}`);
  return d;
}

/** A body that does not decode, with the error as Go words it and whether the envelope named a kind. */
export class ProtobufDecodeError extends Error {
  constructor(message: string, readonly gvk?: { apiVersion: string; kind: string }) {
    super(message);
  }
}

/** The messages of @bufbuild/protobuf's reader, as gogo-protobuf's generated Unmarshal words the same failure. */
function goWireError(e: unknown): string {
  const m = String((e as Error)?.message ?? e);
  if (/premature EOF|out of range/i.test(m)) return "unexpected EOF";
  if (/invalid varint|varint overflows/.test(m)) return "proto: integer overflow";
  if (/recursion depth/.test(m)) return "proto: exceeded maximum recursion depth";
  if (/illegal tag|wire type|end group/.test(m)) return `proto: ${m}`;
  if (e instanceof RangeError) return "unexpected EOF";
  return `proto: ${m}`;
}

function parseBinary(fqn: string, bytes: Uint8Array, gvk?: { apiVersion: string; kind: string }): Message {
  const desc = messageDesc(fqn);
  try {
    // unknown fields are skipped, as the generated Unmarshal skips them
    return fromBinary(desc, bytes, { readUnknownFields: false }) as Message;
  } catch (e) {
    throw new ProtobufDecodeError(goWireError(e), gvk);
  }
}

/**
 * Reads the envelope: the kind and apiVersion it names (each defaulted from the endpoint's, as
 * copyKindDefaults does) and the raw message.
 */
export function readEnvelope(data: Uint8Array, defaults: { apiVersion: string; kind: string }): { apiVersion: string; kind: string; raw: Uint8Array; contentType: string; contentEncoding: string } {
  if (data.length === 0) throw new ProtobufDecodeError("empty data");
  if (data.length < protobufMagic.length || !Buffer.from(data.subarray(0, protobufMagic.length)).equals(protobufMagic)) {
    throw new ProtobufDecodeError("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
  }
  if (data.length === protobufMagic.length) throw new ProtobufDecodeError("empty body");
  const unk = parseBinary("k8s.io.apimachinery.pkg.runtime.Unknown", data.subarray(protobufMagic.length)) as any;
  const apiVersion = unk.typeMeta?.apiVersion || defaults.apiVersion;
  const kind = unk.typeMeta?.kind || defaults.kind;
  return { apiVersion, kind, raw: unk.raw ?? new Uint8Array(), contentType: unk.contentType ?? "", contentEncoding: unk.contentEncoding ?? "" };
}

/**
 * Decodes a protobuf body posted where `defaults` is the endpoint's kind: the object as JSON
 * (kind and apiVersion set from the envelope), or the decode error.
 */
export function decodeProtobufObject(data: Uint8Array, defaults: { apiVersion: string; kind: string }): any {
  const env = readEnvelope(data, defaults);
  const gvk = { apiVersion: env.apiVersion, kind: env.kind };
  const fqn = messageOf(env.apiVersion, env.kind);
  if (fqn === undefined) {
    const slash = env.apiVersion.lastIndexOf("/");
    throw new ProtobufDecodeError(`no kind ${JSON.stringify(env.kind)} is registered for version ${JSON.stringify(env.apiVersion)} in scheme "pkg/api/legacyscheme/scheme.go:30"`, slash < 0 && env.apiVersion === "" ? undefined : gvk);
  }
  const msg = parseBinary(fqn, env.raw, gvk);
  const out = toGoJson(msg, fqn, gvk);
  return { kind: env.kind, apiVersion: env.apiVersion, ...out };
}

/** The message of a kind at an apiVersion, when that is the version podflow serves it at (meta.k8s.io kinds are in every group version). */
function messageOf(apiVersion: string, kind: string): string | undefined {
  const versioned = `${apiVersion}/${kind}`;
  if (Object.hasOwn(versionedProtoRoots, versioned)) return versionedProtoRoots[versioned];
  if (!Object.hasOwn(protoRoots, kind)) return undefined;
  const [served, fqn] = protoRoots[kind]!;
  if (served.startsWith("meta.k8s.io/")) return apiVersion.endsWith(`/${served.slice(12)}`) || apiVersion === served.slice(12) ? fqn : undefined;
  return apiVersion === served ? fqn : undefined;
}

// ---- the message as json.Marshal gives the Go object ---------------------------------------

const table = new Map<string, ProtoMessage>(Object.entries(protoMessages));

function fieldOf(desc: DescMessage, name: string): DescField {
  const f = desc.fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${name} in ${desc.typeName}`);
  return f;
}

const maxSafe = BigInt(Number.MAX_SAFE_INTEGER);

/** An int64 as a JSON number: exact when it fits, else its decimal text kept as a literal. */
function int64Json(v: bigint | number | string): number | NumberLiteral {
  const b = BigInt(v);
  return b <= maxSafe && b >= -maxSafe ? Number(b) : new NumberLiteral(b.toString());
}

function scalarJson(f: DescField, v: unknown, gvk?: { apiVersion: string; kind: string }): unknown {
  const t = f.fieldKind === "map" ? f.mapKind === "scalar" ? f.scalar : undefined : f.fieldKind === "scalar" || f.fieldKind === "list" ? (f as any).scalar : undefined;
  switch (t) {
    case ScalarType.BYTES: return Buffer.from(v as Uint8Array).toString("base64");
    case ScalarType.INT64: case ScalarType.UINT64: case ScalarType.SINT64: case ScalarType.FIXED64: case ScalarType.SFIXED64:
      return int64Json(v as bigint);
    case ScalarType.DOUBLE: case ScalarType.FLOAT:
      if (!Number.isFinite(v as number)) throw new ProtobufDecodeError(`json: unsupported value: ${String(v).replace("Infinity", "+Inf").replace("-+Inf", "-Inf")}`, gvk);
      return v;
    default: return v;
  }
}

function zeroScalar(t: ScalarType): unknown {
  switch (t) {
    case ScalarType.STRING: return "";
    case ScalarType.BOOL: return false;
    case ScalarType.BYTES: return new Uint8Array();
    case ScalarType.INT64: case ScalarType.UINT64: case ScalarType.SINT64: case ScalarType.FIXED64: case ScalarType.SFIXED64: return 0n;
    default: return 0;
  }
}

function isZeroScalar(v: unknown): boolean {
  return v === "" || v === 0 || v === 0n || v === false || (v instanceof Uint8Array && v.length === 0);
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** time.Unix(seconds, nanos) in UTC, as RFC3339 (Time) or RFC3339 with microseconds (MicroTime). */
function goTime(seconds: bigint, nanos: number, micro: boolean, gvk?: { apiVersion: string; kind: string }): string {
  const total = seconds * 1_000_000_000n + BigInt(nanos);
  let s = total / 1_000_000_000n;
  let ns = total % 1_000_000_000n;
  if (ns < 0n) {
    ns += 1_000_000_000n;
    s -= 1n;
  }
  const ms = Number(s) * 1000;
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (!Number.isFinite(ms) || Number.isNaN(d.getTime()) || year < 0 || year > 9999) throw new ProtobufDecodeError(`Time.MarshalJSON: year outside of range [0,9999]`, gvk);
  const base = `${pad(year, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return micro ? `${base}.${pad(Number(ns / 1000n), 6)}Z` : `${base}Z`;
}

/** time.Duration.String: "1h2m3.5s", "1.5ms", "0s". */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return "0s";
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < 1_000_000_000n) {
    const [unit, div] = u < 1000n ? ["ns", 1n] : u < 1_000_000n ? ["µs", 1000n] : ["ms", 1_000_000n];
    out = fraction(u, div as bigint) + unit;
  } else {
    const h = u / 3_600_000_000_000n;
    u -= h * 3_600_000_000_000n;
    const m = u / 60_000_000_000n;
    u -= m * 60_000_000_000n;
    out = `${h > 0n ? `${h}h` : ""}${h > 0n || m > 0n ? `${m}m` : ""}${fraction(u, 1_000_000_000n)}s`;
  }
  return neg ? `-${out}` : out;
}

function fraction(v: bigint, div: bigint): string {
  const whole = v / div;
  const rest = v % div;
  if (rest === 0n) return String(whole);
  const digits = String(div).length - 1;
  return `${whole}.${String(rest).padStart(digits, "0").replace(/0+$/, "")}`;
}

/** A message of the table as the JSON of its Go value (a struct, or a type with its own encoding). */
function toGoJson(msg: Message | undefined, fqn: string, gvk?: { apiVersion: string; kind: string }): any {
  const def = table.get(fqn)!;
  const desc = messageDesc(fqn);
  const get = (name: string) => (msg ? (msg as any)[fieldOf(desc, name).localName] : undefined);
  const has = (name: string) => msg !== undefined && isFieldSet(msg, fieldOf(desc, name));
  switch (def.special) {
    case "time":
    case "microtime":
      // an empty Time message is the zero time, which encodes as null
      if (!has("seconds") && !has("nanos")) return null;
      // Time's Unmarshal keeps whole seconds (time.Unix(seconds, 0)); MicroTime keeps the nanoseconds
      return goTime(BigInt(get("seconds") ?? 0), def.special === "microtime" ? Number(get("nanos") ?? 0) : 0, def.special === "microtime", gvk);
    case "duration": return goDuration(BigInt(get("duration") ?? 0));
    case "quantity": return has("string") ? get("string") : "0";
    case "intorstring": return BigInt(get("type") ?? 0) === 1n ? get("strVal") ?? "" : Number(get("intVal") ?? 0);
    case "raw": {
      const name = def.fields[0]![0];
      if (!has(name)) return null;
      const text = Buffer.from(get(name) as Uint8Array).toString("utf8");
      try {
        JSON.parse(text);
      } catch {
        throw new ProtobufDecodeError(`json: error calling MarshalJSON for type ${fqn.endsWith("FieldsV1") ? "*v1.FieldsV1" : "runtime.RawExtension"}: invalid character in raw JSON`, gvk);
      }
      return parseJsonKeepingLiterals(text);
    }
    case "array": {
      const items = get("items") as unknown[] | undefined;
      return items && items.length > 0 ? [...items] : null;
    }
  }
  const out: Record<string, unknown> = {};
  const own = new Set(def.fields.map((f) => f[4]).filter((j) => j !== ""));
  for (const f of def.fields) emit(out, own, f, desc, msg, gvk);
  return out;
}

/** One Go struct field into out, as encoding/json writes it (omitempty drops empty values, never structs). */
function emit(out: Record<string, unknown>, own: Set<string | undefined>, f: ProtoField, desc: DescMessage, msg: Message | undefined, gvk?: { apiVersion: string; kind: string }): void {
  const [name, , label, type, json = name, flags = 0] = f;
  const omitempty = (flags & 1) !== 0;
  const pointer = (flags & 2) !== 0;
  const field = fieldOf(desc, name);
  const set = msg !== undefined && isFieldSet(msg, field);
  const value = msg ? (msg as any)[field.localName] : undefined;
  const put = (v: unknown) => setOwn(out, json, v);
  if (label === "r") {
    const list = (set ? value : []) as unknown[];
    if (list.length === 0) return omitempty ? undefined : put(null);
    return put(list.map((v) => (type.startsWith(".") ? toGoJson(v as Message, type.slice(1), gvk) : scalarJson(field, v, gvk))));
  }
  if (label === "m") {
    const entries = Object.entries((set ? value : {}) as Record<string, unknown>);
    if (entries.length === 0) return omitempty ? undefined : put(null);
    const valueType = type.split(",")[1]!;
    const m: Record<string, unknown> = {};
    for (const [k, v] of entries) setOwn(m, k, valueType.startsWith(".") ? toGoJson(v as Message, valueType.slice(1), gvk) : scalarJson(field, v, gvk));
    return put(m);
  }
  if (type.startsWith(".")) {
    if (pointer && !set) return omitempty ? undefined : put(null);
    const v = toGoJson(set ? (value as Message) : undefined, type.slice(1), gvk);
    if (json !== "") return put(v);
    // an inline-embedded struct: its fields in its place, those of the outer struct winning
    if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) if (!own.has(k) && !Object.hasOwn(out, k)) setOwn(out, k, x);
    return;
  }
  if (pointer && !set) return omitempty ? undefined : put(null);
  // an absent scalar is its Go zero value
  const v = set ? value : zeroScalar((field as any).scalar);
  if (!pointer && omitempty && isZeroScalar(v)) return;
  if (type === "bytes" && !set) return put(null);
  put(scalarJson(field, v, gvk));
}
