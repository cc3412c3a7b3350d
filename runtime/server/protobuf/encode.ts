// Responses in protobuf, for a client whose Accept puts application/vnd.kubernetes.protobuf first:
// the object (in the JSON form the server keeps) written with Kubernetes' field numbers from the
// same generated table the decoder reads, inside the "k8s\0" + runtime.Unknown envelope.

import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { NumberLiteral } from "../../../machines/apiserver/schema/decode.js";
import { protobufMagic } from "./decode.js";
import { protoMessages, protoRoots, versionedProtoRoots } from "./messages.js";
import type { ProtoField } from "./model.js";

const table = new Map(Object.entries(protoMessages));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof NumberLiteral);

/** An object the protobuf table has a message for, enveloped; undefined for any other (it goes as JSON). */
export function encodeProtobufObject(obj: unknown): Buffer | undefined {
  if (!isObject(obj) || typeof obj.kind !== "string" || typeof obj.apiVersion !== "string") return undefined;
  const fqn = messageOf(obj.apiVersion, obj.kind);
  if (fqn === undefined) return undefined;
  try {
    const raw = new BinaryWriter();
    writeMessage(raw, fqn, obj);
    const env = new BinaryWriter();
    env.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string(obj.apiVersion).tag(2, WireType.LengthDelimited).string(obj.kind).join();
    env.tag(2, WireType.LengthDelimited).bytes(raw.finish());
    env.tag(3, WireType.LengthDelimited).string("").tag(4, WireType.LengthDelimited).string("");
    return Buffer.concat([protobufMagic, env.finish()]);
  } catch {
    // a value the table cannot carry: the client gets JSON, which it also accepts
    return undefined;
  }
}

/** The message of a kind at an apiVersion: its served one, a second one (events.k8s.io/v1 Event), or meta.k8s.io's in any group version. */
function messageOf(apiVersion: string, kind: string): string | undefined {
  const versioned = `${apiVersion}/${kind}`;
  if (Object.hasOwn(versionedProtoRoots, versioned)) return versionedProtoRoots[versioned];
  if (!Object.hasOwn(protoRoots, kind)) return undefined;
  const [served, fqn] = protoRoots[kind]!;
  // Status and the other meta.k8s.io kinds travel as v1 of any group
  const version = served.slice(served.indexOf("/") + 1);
  if (apiVersion !== served && !(served.startsWith("meta.k8s.io/") && (apiVersion === version || apiVersion.endsWith(`/${version}`)))) return undefined;
  return fqn;
}

function num(v: unknown): number {
  return v instanceof NumberLiteral ? v.value : Number(v);
}

function int64(v: unknown): bigint {
  return v instanceof NumberLiteral && /^-?[0-9]+$/.test(v.text) ? BigInt(v.text) : BigInt(Math.trunc(num(v)));
}

function writeScalar(w: BinaryWriter, no: number, type: string, v: unknown): void {
  switch (type) {
    case "string": return void w.tag(no, WireType.LengthDelimited).string(String(v));
    case "bool": return void w.tag(no, WireType.Varint).bool(v === true);
    case "bytes": return void w.tag(no, WireType.LengthDelimited).bytes(Buffer.from(String(v), "base64"));
    case "int32": return void w.tag(no, WireType.Varint).int32(num(v));
    case "int64": return void w.tag(no, WireType.Varint).int64(int64(v));
    case "double": return void w.tag(no, WireType.Bit64).double(num(v));
    case "float": return void w.tag(no, WireType.Bit32).float(num(v));
    default: throw new Error(`no encoding for ${type}`);
  }
}

function writeField(w: BinaryWriter, no: number, type: string, v: unknown): void {
  if (!type.startsWith(".")) return writeScalar(w, no, type, v);
  w.tag(no, WireType.LengthDelimited).fork();
  writeMessage(w, type.slice(1), v);
  w.join();
}

/** Go's time.Parse of RFC 3339, to Unix seconds and nanoseconds. */
function unixOf(s: string): { seconds: bigint; nanos: number } {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) throw new Error(`not a time: ${s}`);
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) throw new Error(`not a time: ${s}`);
  return { seconds: BigInt(Math.floor(ms / 1000)), nanos: Number((m[2] ?? "").padEnd(9, "0") || 0) };
}

function writeMessage(w: BinaryWriter, fqn: string, v: unknown): void {
  const def = table.get(fqn);
  if (!def) throw new Error(`no message ${fqn}`);
  switch (def.special) {
    case "time":
    case "microtime": {
      if (typeof v !== "string") return; // null: the zero time, an empty message
      const t = unixOf(v);
      w.tag(1, WireType.Varint).int64(t.seconds);
      w.tag(2, WireType.Varint).int32(def.special === "microtime" ? t.nanos : 0);
      return;
    }
    case "quantity": return void w.tag(1, WireType.LengthDelimited).string(v instanceof NumberLiteral ? v.text : String(v));
    case "intorstring":
      if (typeof v === "string") return void w.tag(1, WireType.Varint).int64(1n).tag(3, WireType.LengthDelimited).string(v);
      return void w.tag(1, WireType.Varint).int64(0n).tag(2, WireType.Varint).int32(num(v));
    case "raw": return void (v === null || v === undefined ? undefined : w.tag(1, WireType.LengthDelimited).bytes(Buffer.from(JSON.stringify(v))));
    case "array": for (const x of Array.isArray(v) ? v : []) w.tag(1, WireType.LengthDelimited).string(String(x));
      return;
    case "duration": throw new Error("duration is not carried");
  }
  if (!isObject(v)) return;
  // in field-number order, as gogo-protobuf's generated Marshal writes them
  for (const f of [...def.fields].sort((a, b) => a[1] - b[1])) writeStructField(w, f, v);
}

function writeStructField(w: BinaryWriter, f: ProtoField, obj: Record<string, unknown>): void {
  const [, no, label, type, json = f[0]] = f;
  // an inline-embedded struct reads its fields from the same object
  const v = json === "" ? obj : Object.hasOwn(obj, json) ? obj[json] : undefined;
  if (v === undefined || v === null) return;
  if (label === "r") {
    for (const x of Array.isArray(v) ? v : []) writeField(w, no, type, x);
    return;
  }
  if (label === "m") {
    if (!isObject(v)) return;
    const [k, val] = type.split(",") as [string, string];
    for (const key of Object.keys(v)) {
      w.tag(no, WireType.LengthDelimited).fork();
      writeScalar(w, 1, k, key);
      if (v[key] !== null && v[key] !== undefined) writeField(w, 2, val, v[key]);
      w.join();
    }
    return;
  }
  writeField(w, no, type, v);
}

/** Whether the Accept header's preferred media type (highest q, then first listed) is Kubernetes' protobuf. */
export function prefersProtobuf(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranked = accept.split(",").map((part, i) => {
    const [type = "", ...params] = part.split(";").map((x) => x.trim());
    const q = params.map((p) => /^q=([0-9.]+)$/.exec(p)?.[1]).find((x) => x !== undefined);
    return { type: type.toLowerCase(), q: q === undefined ? 1 : Number(q), i, params };
  });
  ranked.sort((a, b) => b.q - a.q || a.i - b.i);
  const first = ranked.find((r) => r.q > 0);
  // a parameterised protobuf type (as=Table, stream=watch) is another representation
  return first?.type === "application/vnd.kubernetes.protobuf" && first.params.every((p) => p.startsWith("q="));
}
