// Writes runtime/server/protobuf/messages.ts: the protobuf messages of every kind podflow serves
// (field numbers and types from the generated.proto files of k8s.io/api and k8s.io/apimachinery),
// each field with the JSON name, omitempty and pointer-ness of its Go struct field (from the same
// Go sources the schema generator reads), so that a protobuf body decodes to the JSON json.Marshal
// gives for the same Go object. Run by hand, after `npx tsc -p tsconfig.json`, with checkouts of the
// two repositories at the release podflow models (v0.35.x = Kubernetes 1.35):
//   node dist/runtime/server/schema/generate-proto.js <k8s.io/api dir> <k8s.io/apimachinery dir>

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { custom, jsonTag, packages, readPackages, roots, versionedRoots, type RawDecl } from "./generate.js";
import type { ProtoField, ProtoMessage, Special } from "../protobuf/model.js";

/** Proto packages read, with the Go package key of their types and where generated.proto is. */
const protoPackages: { proto: string; go: string; repo: "api" | "apimachinery"; dir: string }[] = [
  ...packages.filter((p) => p.repo === "api").map((p) => ({ proto: `k8s.io.api.${p.key.replace("/", ".")}`, go: p.key, repo: "api" as const, dir: p.dir })),
  { proto: "k8s.io.apimachinery.pkg.apis.meta.v1", go: "meta/v1", repo: "apimachinery", dir: "pkg/apis/meta/v1" },
  { proto: "k8s.io.apimachinery.pkg.api.resource", go: "resource", repo: "apimachinery", dir: "pkg/api/resource" },
  { proto: "k8s.io.apimachinery.pkg.util.intstr", go: "intstr", repo: "apimachinery", dir: "pkg/util/intstr" },
  { proto: "k8s.io.apimachinery.pkg.runtime", go: "runtime", repo: "apimachinery", dir: "pkg/runtime" },
  { proto: "k8s.io.apimachinery.pkg.runtime.schema", go: "runtime/schema", repo: "apimachinery", dir: "pkg/runtime/schema" },
];

/** The Go types with their own JSON encoding, by the encoding the decoder ports. */
const specials: Record<string, Special> = {
  "meta/v1.Time": "time",
  "meta/v1.MicroTime": "microtime",
  "meta/v1.Duration": "duration",
  "meta/v1.FieldsV1": "raw",
  "runtime.RawExtension": "raw",
  "resource.Quantity": "quantity",
  "intstr.IntOrString": "intorstring",
};

const scalars = new Set(["string", "bool", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64", "double", "float", "bytes"]);

interface RawProtoField { name: string; number: number; label: "o" | "r" | "m"; type: string }

/** Parses the subset of proto2 go-to-protobuf writes: one package, imports, flat messages of optional/repeated/map fields. */
export function parseProto(text: string, pkg: string): Map<string, RawProtoField[]> {
  const src = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  const messages = new Map<string, RawProtoField[]>();
  let cur: RawProtoField[] | undefined;
  const qualifyType = (t: string): string => (scalars.has(t) ? t : t.startsWith(".") ? t : `.${pkg}.${t}`);
  for (const line of src.split("\n").map((l) => l.trim()).filter((l) => l !== "")) {
    let m: RegExpExecArray | null;
    if (/^(syntax|package|import|option)\b/.test(line)) continue;
    if ((m = /^message (\w+) \{$/.exec(line))) {
      if (cur) throw new Error(`nested message ${m[1]} in ${pkg}`);
      messages.set(`${pkg}.${m[1]}`, (cur = []));
    } else if (line === "}") {
      if (!cur) throw new Error(`unbalanced } in ${pkg}`);
      cur = undefined;
    } else if ((m = /^(optional|repeated) ([.\w]+) (\w+) = (\d+);$/.exec(line)) && cur) {
      cur.push({ name: m[3]!, number: Number(m[4]), label: m[1] === "optional" ? "o" : "r", type: qualifyType(m[2]!) });
    } else if ((m = /^map<(\w+), ([.\w]+)> (\w+) = (\d+);$/.exec(line)) && cur) {
      cur.push({ name: m[3]!, number: Number(m[4]), label: "m", type: `${qualifyType(m[1]!)},${qualifyType(m[2]!)}` });
    } else throw new Error(`unexpected line in ${pkg}: ${line}`);
  }
  return messages;
}

/** The protobuf tag's field name: `protobuf:"bytes,1,opt,name=metadata"`; an embedded struct without one is named after its type. */
function protoName(tag: string, embeddedType: string | undefined): string | undefined {
  const m = /(?:^|\s)protobuf:"([^"]*)"/.exec(tag);
  if (!m) return undefined;
  const named = /\bname=(\w+)/.exec(m[1]!)?.[1];
  if (named !== undefined || embeddedType === undefined) return named;
  const simple = embeddedType.replace(/^\*/, "").replace(/^.*\./, "");
  return simple[0]!.toLowerCase() + simple.slice(1);
}

/** The apiVersion a Go package's kinds are served at: its register.go's GroupName and version ("v1" for the core group). */
function apiVersionOf(goPkg: string, apiDir: string, machineryDir: string): string {
  const p = packages.find((x) => x.key === goPkg)!;
  const text = readFileSync(join(p.repo === "api" ? apiDir : machineryDir, p.dir, "register.go"), "utf8");
  const group = /const GroupName = "([^"]*)"/.exec(text)?.[1] ?? "";
  const version = p.dir.slice(p.dir.lastIndexOf("/") + 1);
  return group === "" ? version : `${group}/${version}`;
}

export function generateProto(apiDir: string, machineryDir: string): { roots: Record<string, [string, string]>; versioned: Record<string, string>; messages: Record<string, ProtoMessage> } {
  const { decls } = readPackages(apiDir, machineryDir);
  const parsed = new Map<string, RawProtoField[]>();
  const goKeyOfPackage = new Map(protoPackages.map((p) => [p.proto, p.go]));
  for (const p of protoPackages) {
    const text = readFileSync(join(p.repo === "api" ? apiDir : machineryDir, p.dir, "generated.proto"), "utf8");
    for (const [k, v] of parseProto(text, p.proto)) parsed.set(k, v);
  }
  const goKeyOf = (fqn: string): string => {
    const dot = fqn.lastIndexOf(".");
    const goPkg = goKeyOfPackage.get(fqn.slice(0, dot));
    if (goPkg === undefined) throw new Error(`no Go package for ${fqn}`);
    return `${goPkg}.${fqn.slice(dot + 1)}`;
  };
  const protoOfGo = (goKey: string): string => {
    const slash = goKey.lastIndexOf(".");
    const p = protoPackages.find((x) => x.go === goKey.slice(0, slash));
    if (!p) throw new Error(`no proto package for ${goKey}`);
    return `${p.proto}.${goKey.slice(slash + 1)}`;
  };
  const messages: Record<string, ProtoMessage> = {};
  const visit = (fqn: string): void => {
    if (fqn in messages) return;
    const fields = parsed.get(fqn);
    if (!fields) throw new Error(`message ${fqn} not found`);
    const go = goKeyOf(fqn);
    const msg: ProtoMessage = { fields: [] };
    messages[fqn] = msg;
    const special = specials[go];
    const decl = go === "runtime.Unknown" || go === "runtime.TypeMeta" ? undefined : (decls.get(go) as RawDecl | undefined);
    if (special) msg.special = special;
    else if (go in custom) throw new Error(`${go} has its own JSON encoding: add it to the specials`);
    else if (decl?.kind === "named" && decl.type.startsWith("[]")) msg.special = "array";
    // Go struct fields by their protobuf name: their JSON name ("" for an inline-embedded struct), omitempty, pointer-ness.
    const goFields = new Map<string, { json: string; omitempty: boolean; pointer: boolean }>();
    if (decl?.kind === "struct") {
      for (const f of decl.fields) {
        const pn = protoName(f.tag, f.embedded ? f.type : undefined);
        if (pn === undefined) continue;
        const t = jsonTag(f.tag);
        if (t.skip) continue;
        goFields.set(pn, { json: f.embedded && t.name === undefined ? "" : t.name ?? f.names[0]!, omitempty: t.omitempty, pointer: f.type.startsWith("*") });
      }
    }
    for (const f of fields) {
      const out: ProtoField = [f.name, f.number, f.label, f.type];
      if (decl?.kind === "struct" && !special) {
        const g = goFields.get(f.name);
        if (!g) throw new Error(`${fqn}.${f.name} has no Go field in ${go}`);
        out.push(g.json, (g.omitempty ? 1 : 0) | (g.pointer ? 2 : 0));
      }
      msg.fields.push(out);
      for (const t of f.type.split(",")) if (t.startsWith(".")) visit(t.slice(1));
    }
  };
  const rootMessages: Record<string, [string, string]> = {};
  // the kinds a response may carry besides them: their lists, and Status
  const responseRoots: Record<string, string> = { ...roots, Status: "meta/v1.Status" };
  for (const [kind, goKey] of Object.entries(roots)) if (decls.has(`${goKey}List`)) responseRoots[`${kind}List`] = `${goKey}List`;
  for (const [kind, goKey] of Object.entries(responseRoots)) {
    const fqn = protoOfGo(goKey);
    rootMessages[kind] = [apiVersionOf(goKey.slice(0, goKey.lastIndexOf(".")), apiDir, machineryDir), fqn];
    visit(fqn);
  }
  // kinds served at a second version or group (events.k8s.io/v1 Event, autoscaling/v1 HorizontalPodAutoscaler) and their lists
  const versioned: Record<string, string> = {};
  for (const [apiVersion, kinds] of Object.entries(versionedRoots)) {
    for (const [kind, goKey] of Object.entries(kinds)) {
      for (const [k, g] of [[kind, goKey], [`${kind}List`, `${goKey}List`]] as const) {
        if (!decls.has(g)) continue;
        versioned[`${apiVersion}/${k}`] = protoOfGo(g);
        visit(protoOfGo(g));
      }
    }
  }
  visit("k8s.io.apimachinery.pkg.runtime.Unknown");
  const sorted: Record<string, ProtoMessage> = {};
  for (const k of Object.keys(messages).sort()) sorted[k] = messages[k]!;
  return { roots: rootMessages, versioned, messages: sorted };
}

function render(data: ReturnType<typeof generateProto>, source: string): string {
  return [
    `// Generated by runtime/server/schema/generate-proto.ts from ${source}. Do not edit by hand.`,
    `import type { ProtoMessage } from "./model.js";`,
    ``,
    `/** kind (or subresource body kind) -> the apiVersion podflow serves it at and its protobuf message */`,
    `export const protoRoots: Record<string, [apiVersion: string, message: string]> = ${JSON.stringify(data.roots)};`,
    ``,
    `/** apiVersion/kind -> the message of a kind served at a second version or group besides its protoRoots one */`,
    `export const versionedProtoRoots: Record<string, string> = ${JSON.stringify(data.versioned)};`,
    ``,
    `export const protoMessages: Record<string, ProtoMessage> = {`,
    ...Object.entries(data.messages).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`),
    `};`,
    ``,
  ].join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [apiDir, machineryDir, source = "k8s.io/api and k8s.io/apimachinery v0.35.0"] = process.argv.slice(2);
  if (!apiDir || !machineryDir) {
    console.error("usage: node dist/runtime/server/schema/generate-proto.js <k8s.io/api dir> <k8s.io/apimachinery dir> [source label]");
    process.exit(2);
  }
  const out = fileURLToPath(new URL("../../../../runtime/server/protobuf/messages.ts", import.meta.url));
  writeFileSync(out, render(generateProto(apiDir, machineryDir), source));
  console.log(`wrote ${out}`);
}
