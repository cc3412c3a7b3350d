// Writes machines/apiserver/schema/types.ts: the Go types of every kind podflow serves (and of the
// subresource bodies), read from the Go sources of k8s.io/api and k8s.io/apimachinery. The Go
// sources, not the OpenAPI spec, because kube-apiserver's decode errors name Go types
// ("of type v1.RestartPolicy", "of type []v1.Toleration", "Go struct field PodSpec.spec...").
// Run by hand, after `npx tsc -p tsconfig.json`, with checkouts of the two repositories at the
// release podflow models (v0.35.x = Kubernetes 1.35):
//   node dist/runtime/server/schema/generate.js <k8s.io/api dir> <k8s.io/apimachinery dir>

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { GoTypeDef, SchemaData } from "../../../machines/apiserver/schema/model.js";

/** The kinds podflow serves and the subresource bodies it decodes (machines/apiserver/resources.ts). */
export const roots: Record<string, string> = {
  Pod: "core/v1.Pod",
  Node: "core/v1.Node",
  Namespace: "core/v1.Namespace",
  Service: "core/v1.Service",
  Endpoints: "core/v1.Endpoints",
  Event: "core/v1.Event",
  ConfigMap: "core/v1.ConfigMap",
  Secret: "core/v1.Secret",
  ServiceAccount: "core/v1.ServiceAccount",
  Binding: "core/v1.Binding",
  ComponentStatus: "core/v1.ComponentStatus",
  PodTemplate: "core/v1.PodTemplate",
  Deployment: "apps/v1.Deployment",
  ReplicaSet: "apps/v1.ReplicaSet",
  DaemonSet: "apps/v1.DaemonSet",
  ControllerRevision: "apps/v1.ControllerRevision",
  StatefulSet: "apps/v1.StatefulSet",
  ReplicationController: "core/v1.ReplicationController",
  Job: "batch/v1.Job",
  CronJob: "batch/v1.CronJob",
  HorizontalPodAutoscaler: "autoscaling/v2.HorizontalPodAutoscaler",
  EndpointSlice: "discovery/v1.EndpointSlice",
  Lease: "coordination/v1.Lease",
  PodDisruptionBudget: "policy/v1.PodDisruptionBudget",
  PriorityClass: "scheduling/v1.PriorityClass",
  PersistentVolume: "core/v1.PersistentVolume",
  PersistentVolumeClaim: "core/v1.PersistentVolumeClaim",
  StorageClass: "storage/v1.StorageClass",
  Ingress: "networking/v1.Ingress",
  IngressClass: "networking/v1.IngressClass",
  NetworkPolicy: "networking/v1.NetworkPolicy",
  Role: "rbac/v1.Role",
  ClusterRole: "rbac/v1.ClusterRole",
  RoleBinding: "rbac/v1.RoleBinding",
  ClusterRoleBinding: "rbac/v1.ClusterRoleBinding",
  LimitRange: "core/v1.LimitRange",
  ResourceQuota: "core/v1.ResourceQuota",
  Eviction: "policy/v1.Eviction",
  Scale: "autoscaling/v1.Scale",
  DeleteOptions: "meta/v1.DeleteOptions",
  SelfSubjectAccessReview: "authorization/v1.SelfSubjectAccessReview",
  SelfSubjectRulesReview: "authorization/v1.SelfSubjectRulesReview",
  SubjectAccessReview: "authorization/v1.SubjectAccessReview",
  LocalSubjectAccessReview: "authorization/v1.LocalSubjectAccessReview",
  SelfSubjectReview: "authentication/v1.SelfSubjectReview",
  TokenReview: "authentication/v1.TokenReview",
  TokenRequest: "authentication/v1.TokenRequest",
  RuntimeClass: "node/v1.RuntimeClass",
  ValidatingAdmissionPolicy: "admissionregistration/v1.ValidatingAdmissionPolicy",
  ValidatingAdmissionPolicyBinding: "admissionregistration/v1.ValidatingAdmissionPolicyBinding",
  MutatingWebhookConfiguration: "admissionregistration/v1.MutatingWebhookConfiguration",
  ValidatingWebhookConfiguration: "admissionregistration/v1.ValidatingWebhookConfiguration",
  CertificateSigningRequest: "certificates/v1.CertificateSigningRequest",
  CSIDriver: "storage/v1.CSIDriver",
  VolumeAttachment: "storage/v1.VolumeAttachment",
  CSIStorageCapacity: "storage/v1.CSIStorageCapacity",
  VolumeAttributesClass: "storage/v1.VolumeAttributesClass",
  ServiceCIDR: "networking/v1.ServiceCIDR",
  IPAddress: "networking/v1.IPAddress",
};

/**
 * Kinds served at a second version besides the one their roots entry names (runtime/server/conversion.ts
 * converts them): apiVersion -> kind -> type key. Their schemas are what OpenAPI shows for that version.
 */
export const versionedRoots: Record<string, Record<string, string>> = {
  "autoscaling/v1": { HorizontalPodAutoscaler: "autoscaling/v1.HorizontalPodAutoscaler" },
  // the core Event served in events.k8s.io (resources.ts storedAs): its own Go type there
  "events.k8s.io/v1": { Event: "events/v1.Event" },
};

/** Go packages read, by the short key used in type names, and where they are below the two checkouts. */
export const packages: { key: string; importPath: string; repo: "api" | "apimachinery"; dir: string }[] = [
  ...["core", "apps", "batch", "discovery", "coordination", "policy", "scheduling", "autoscaling", "authorization", "authentication", "storage", "networking", "rbac", "node", "admissionregistration", "events", "certificates"].map((g) => ({ key: `${g}/v1`, importPath: `k8s.io/api/${g}/v1`, repo: "api" as const, dir: `${g}/v1` })),
  // HorizontalPodAutoscaler is served at autoscaling/v2, its storage version
  { key: "autoscaling/v2", importPath: "k8s.io/api/autoscaling/v2", repo: "api", dir: "autoscaling/v2" },
  { key: "meta/v1", importPath: "k8s.io/apimachinery/pkg/apis/meta/v1", repo: "apimachinery", dir: "pkg/apis/meta/v1" },
  { key: "resource", importPath: "k8s.io/apimachinery/pkg/api/resource", repo: "apimachinery", dir: "pkg/api/resource" },
  { key: "intstr", importPath: "k8s.io/apimachinery/pkg/util/intstr", repo: "apimachinery", dir: "pkg/util/intstr" },
  { key: "types", importPath: "k8s.io/apimachinery/pkg/types", repo: "apimachinery", dir: "pkg/types" },
  { key: "runtime", importPath: "k8s.io/apimachinery/pkg/runtime", repo: "apimachinery", dir: "pkg/runtime" },
];

/**
 * Types with their own UnmarshalJSON: the decoder runs a port of each. The generator refuses to
 * finish when a reachable type has an UnmarshalJSON not listed here.
 */
export const custom: Record<string, GoTypeDef> = {
  "meta/v1.Time": { custom: "time" },
  "meta/v1.MicroTime": { custom: "microtime" },
  "meta/v1.FieldsV1": { custom: "raw" },
  "runtime.RawExtension": { custom: "raw" },
  "resource.Quantity": { custom: "quantity" },
  "intstr.IntOrString": { custom: "intorstring" },
};

const builtins = new Set(["string", "bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64", "byte"]);

export interface RawField { names: string[]; type: string; tag: string; embedded: boolean }
export type RawDecl = { pkg: string; imports: Map<string, string> } & ({ kind: "struct"; fields: RawField[] } | { kind: "named"; type: string; alias: boolean });

export function readPackages(apiDir: string, machineryDir: string): { decls: Map<string, RawDecl>; unmarshalers: Set<string> } {
  const decls = new Map<string, RawDecl>();
  const unmarshalers = new Set<string>();
  const byImport = new Map(packages.map((p) => [p.importPath, p.key]));
  for (const p of packages) {
    const dir = join(p.repo === "api" ? apiDir : machineryDir, p.dir);
    for (const file of readdirSync(dir)) {
      if (!file.endsWith(".go") || file.endsWith("_test.go") || file.startsWith("zz_generated") || file.includes(".pb.") || file.includes("swagger_doc")) continue;
      const text = readFileSync(join(dir, file), "utf8");
      // Comments out first: struct bodies are read line by line.
      const src = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"`])\/\/.*$/gm, "$1");
      const imports = new Map<string, string>();
      for (const m of src.matchAll(/^\s*(?:import\s+)?(?:([A-Za-z_][A-Za-z0-9_]*)\s+)?"([^"]+)"\s*$/gm)) {
        const key = byImport.get(m[2]!);
        if (key === undefined) continue;
        imports.set(m[1] ?? m[2]!.slice(m[2]!.lastIndexOf("/") + 1), key);
      }
      for (const m of src.matchAll(/^func \(\w+ \*?(\w+)\) UnmarshalJSON\(/gm)) unmarshalers.add(`${p.key}.${m[1]}`);
      for (const m of src.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
        const fields: RawField[] = [];
        for (const line of m[2]!.split("\n")) {
          const l = line.trim();
          if (l === "") continue;
          const tagAt = l.indexOf("`");
          const tag = tagAt >= 0 ? l.slice(tagAt + 1, l.lastIndexOf("`")) : "";
          const decl = (tagAt >= 0 ? l.slice(0, tagAt) : l).trim();
          const sp = /^([A-Za-z_][A-Za-z0-9_]*(?:\s*,\s*[A-Za-z_][A-Za-z0-9_]*)*)\s+(\S.*)$/.exec(decl);
          if (sp && !decl.startsWith("*")) fields.push({ names: sp[1]!.split(",").map((s) => s.trim()), type: sp[2]!.trim(), tag, embedded: false });
          else fields.push({ names: [decl.replace(/^\*/, "").replace(/^.*\./, "")], type: decl, tag, embedded: true });
        }
        decls.set(`${p.key}.${m[1]}`, { pkg: p.key, imports, kind: "struct", fields });
      }
      for (const m of src.matchAll(/^type (\w+) (=\s*)?([^\s{][^\n{]*)$/gm)) {
        decls.set(`${p.key}.${m[1]}`, { pkg: p.key, imports, kind: "named", type: m[3]!.trim(), alias: m[2] !== undefined });
      }
    }
  }
  return { decls, unmarshalers };
}

/** A Go type expression from a source file, rewritten with package keys: "[]core/v1.Toleration". */
export function qualify(expr: string, pkg: string, imports: Map<string, string>): string {
  if (expr.startsWith("*")) return "*" + qualify(expr.slice(1), pkg, imports);
  if (expr.startsWith("[]")) return "[]" + qualify(expr.slice(2), pkg, imports);
  if (expr.startsWith("map[")) {
    const close = expr.indexOf("]");
    return `map[${qualify(expr.slice(4, close), pkg, imports)}]${qualify(expr.slice(close + 1), pkg, imports)}`;
  }
  if (builtins.has(expr)) return expr === "byte" ? "uint8" : expr;
  const dot = expr.indexOf(".");
  if (dot < 0) return `${pkg}.${expr}`;
  const key = imports.get(expr.slice(0, dot));
  if (key === undefined) throw new Error(`unknown package ${expr} in ${pkg}`);
  return `${key}.${expr.slice(dot + 1)}`;
}

export function jsonTag(tag: string): { name?: string; skip: boolean; omitempty: boolean; omitzero: boolean } {
  const m = /(?:^|\s)json:"([^"]*)"/.exec(tag);
  if (!m) return { skip: false, omitempty: false, omitzero: false };
  const [name = "", ...opts] = m[1]!.split(",");
  const omitempty = opts.includes("omitempty");
  const omitzero = opts.includes("omitzero");
  if (name === "-") return { skip: true, omitempty, omitzero };
  return name === "" ? { skip: false, omitempty, omitzero } : { name, skip: false, omitempty, omitzero };
}

export function generate(apiDir: string, machineryDir: string): SchemaData {
  const { decls, unmarshalers } = readPackages(apiDir, machineryDir);
  const types: Record<string, GoTypeDef> = {};
  const resolve = (key: string): RawDecl => {
    const d = decls.get(key);
    if (!d) throw new Error(`type ${key} not found`);
    return d;
  };
  /**
   * Own and promoted (inline-embedded) fields of a struct, as Go's encoding/json sees them, with
   * the fields json.Marshal leaves out when empty (omitempty) or zero (omitzero).
   */
  const structFields = (key: string): { fields: Record<string, string>; omitempty: string[]; omitzero: string[] } => {
    const d = resolve(key);
    if (d.kind !== "struct") throw new Error(`${key} is not a struct`);
    // Fields in declaration order (the unstructured converter walks them so), promoted fields of
    // an inline-embedded struct in its place; a field of the outer struct wins over a promoted one.
    const own = new Map<string, { type: string; omitempty: boolean; omitzero: boolean }>();
    for (const f of d.fields) {
      const t = jsonTag(f.tag);
      if (t.skip || (f.embedded && t.name === undefined)) continue;
      // unexported: invisible to encoding/json
      for (const n of f.names) if (/^[A-Z]/.test(n)) own.set(t.name ?? n, { type: qualify(f.type, d.pkg, d.imports), omitempty: t.omitempty, omitzero: t.omitzero });
    }
    const out: Record<string, string> = {};
    const omitempty: string[] = [];
    const omitzero: string[] = [];
    for (const f of d.fields) {
      const t = jsonTag(f.tag);
      if (t.skip) continue;
      if (f.embedded && t.name === undefined) {
        const inner = structFields(qualify(f.type.replace(/^\*/, ""), d.pkg, d.imports));
        for (const [k, v] of Object.entries(inner.fields)) {
          if (own.has(k) || k in out) continue;
          out[k] = v;
          if (inner.omitempty.includes(k)) omitempty.push(k);
          if (inner.omitzero.includes(k)) omitzero.push(k);
        }
        continue;
      }
      for (const n of f.names) {
        if (!/^[A-Z]/.test(n)) continue;
        const o = own.get(t.name ?? n)!;
        out[t.name ?? n] = o.type;
        if (o.omitempty) omitempty.push(t.name ?? n);
        if (o.omitzero) omitzero.push(t.name ?? n);
      }
    }
    return { fields: out, omitempty, omitzero };
  };
  const visit = (expr: string): void => {
    if (expr.startsWith("*")) return visit(expr.slice(1));
    if (expr.startsWith("[]")) return visit(expr.slice(2));
    if (expr.startsWith("map[")) {
      const close = expr.indexOf("]");
      visit(expr.slice(4, close));
      return visit(expr.slice(close + 1));
    }
    if (builtins.has(expr) || expr in types) return;
    if (expr in custom) {
      types[expr] = custom[expr]!;
      return;
    }
    if (unmarshalers.has(expr)) throw new Error(`${expr} has its own UnmarshalJSON: add it to the custom table and port it to the decoder`);
    const d = resolve(expr);
    if (d.kind === "named") {
      const target = qualify(d.type, d.pkg, d.imports);
      // An alias is the same type, so errors name the target; a defined type is named itself.
      types[expr] = d.alias ? { alias: target } : { underlying: target };
      visit(target);
      return;
    }
    const { fields, omitempty, omitzero } = structFields(expr);
    types[expr] = { fields, ...(omitempty.length > 0 ? { omitempty } : {}), ...(omitzero.length > 0 ? { omitzero } : {}) };
    for (const t of Object.values(fields)) visit(t);
  };
  for (const r of Object.values(roots)) visit(r);
  for (const kinds of Object.values(versionedRoots)) for (const r of Object.values(kinds)) visit(r);
  const sorted: Record<string, GoTypeDef> = {};
  for (const k of Object.keys(types).sort()) sorted[k] = types[k]!;
  return { roots, versioned: versionedRoots, types: sorted };
}

function render(data: SchemaData, source: string): string {
  const lines = [
    `// Generated by runtime/server/schema/generate.ts from ${source}. Do not edit by hand.`,
    `import type { SchemaData } from "./model.js";`,
    ``,
    `export const schemaData: SchemaData = {`,
    `  roots: ${JSON.stringify(data.roots)},`,
    `  versioned: ${JSON.stringify(data.versioned)},`,
    `  types: {`,
    ...Object.entries(data.types).map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)},`),
    `  },`,
    `};`,
    ``,
  ];
  return lines.join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [apiDir, machineryDir, source = "k8s.io/api and k8s.io/apimachinery v0.35.0"] = process.argv.slice(2);
  if (!apiDir || !machineryDir) {
    console.error("usage: node dist/runtime/server/schema/generate.js <k8s.io/api dir> <k8s.io/apimachinery dir> [source label]");
    process.exit(2);
  }
  const out = fileURLToPath(new URL("../../../../machines/apiserver/schema/types.ts", import.meta.url));
  writeFileSync(out, render(generate(apiDir, machineryDir), source));
  console.log(`wrote ${out}`);
}
