// Writes runtime/server/openapi-docs.ts: what the OpenAPI schemas of the served kinds say beyond
// their Go types (machines/apiserver/schema/types.ts): the descriptions of each type and field
// (types_swagger_doc_generated.go, made from the same Go comments openapi-gen reads), which
// fields are required (no omitempty and no +optional), and the list and patch markers
// (+listType, +listMapKey, patchStrategy, patchMergeKey) that kubectl's merge logic reads.
// Run by hand, after `npx tsc -p tsconfig.json`, with checkouts of the two repositories:
//   node dist/runtime/server/schema/generate-openapi.js <k8s.io/api dir> <k8s.io/apimachinery dir>

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { schemaData } from "../../../machines/apiserver/schema/schemadata.js";
import { jsonTag, packages, qualify, readPackages } from "./generate.js";

export interface FieldDoc {
  /** description */
  d?: string;
  /** required */
  r?: 1;
  /** x-kubernetes-patch-strategy, x-kubernetes-patch-merge-key */
  ps?: string;
  pk?: string;
  /** x-kubernetes-list-type, x-kubernetes-list-map-keys, x-kubernetes-map-type */
  lt?: string;
  lk?: string[];
  mt?: string;
}
export interface TypeDoc {
  d?: string;
  f?: Record<string, FieldDoc>;
}

/** A Go string literal as its value. */
function goString(lit: string): string {
  return JSON.parse(lit.replace(/\\'/g, "'")) as string;
}

/** The swagger docs of a package: type -> "" (the type) or field JSON name -> description. */
function swaggerDocs(dir: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const file of readdirSync(dir)) {
    if (!file.endsWith("swagger_doc_generated.go")) continue;
    const text = readFileSync(join(dir, file), "utf8");
    for (const m of text.matchAll(/^var map_(\w+) = map\[string\]string\{\n([\s\S]*?)^\}/gm)) {
      const fields = new Map<string, string>();
      for (const l of m[2]!.matchAll(/^\s*("(?:[^"\\]|\\.)*")\s*:\s*("(?:[^"\\]|\\.)*"),\s*$/gm)) fields.set(goString(l[1]!), goString(l[2]!));
      out.set(m[1]!, fields);
    }
  }
  return out;
}

/**
 * A Go doc comment as the API doc generators format it (fmtRawDoc): lines of a paragraph joined by
 * spaces, paragraphs by a blank line, indented lines kept on their own; TODOs, +markers and all
 * after "---" left out.
 */
export function fmtRawDoc(lines: readonly string[]): string {
  let out = "";
  const dropLast = () => {
    if (out.length > 0) out = out.slice(0, -1);
  };
  const cut = lines.join("\n").split("---")[0]!.split("\n");
  for (const raw of cut) {
    const line = raw.trimEnd();
    const leading = line.trimStart();
    if (line.length === 0) {
      dropLast();
      out += "\n\n";
    } else if (leading.startsWith("TODO") || leading.startsWith("+")) continue;
    else if (line.startsWith(" ") || line.startsWith("\t")) {
      dropLast();
      out += `\n${line}\n`;
    } else out += `${line} `;
  }
  return out.replace(/\n+$/, "").trimEnd();
}

/** The +markers in the comment above each field of each struct, and the doc comment above each type. */
function goComments(dir: string): { fieldMarkers: Map<string, Map<string, string[]>>; typeDocs: Map<string, string> } {
  const fieldMarkers = new Map<string, Map<string, string[]>>();
  const typeDocs = new Map<string, string>();
  for (const file of readdirSync(dir)) {
    if (!file.endsWith(".go") || file.endsWith("_test.go") || file.startsWith("zz_generated") || file.includes(".pb.") || file.includes("swagger_doc")) continue;
    const lines = readFileSync(join(dir, file), "utf8").split("\n");
    let comment: string[] = [];
    let struct: string | undefined;
    for (const raw of lines) {
      const line = raw.trim();
      if (line.startsWith("//")) {
        comment.push(raw.trimStart().replace(/^\/\/ ?/, ""));
        continue;
      }
      const t = /^type (\w+) /.exec(line);
      if (t) {
        const doc = fmtRawDoc(comment);
        if (doc) typeDocs.set(t[1]!, doc);
        if (/ struct \{$/.test(line)) {
          struct = t[1]!;
          fieldMarkers.set(struct, new Map());
        }
      } else if (struct && line === "}") struct = undefined;
      else if (struct && line !== "") {
        const tag = /`([^`]*)`/.exec(line)?.[1] ?? "";
        const name = jsonTag(tag).name ?? line.split(/\s+/)[0]!;
        fieldMarkers.get(struct)!.set(name, comment.filter((c) => c.startsWith("+")));
      }
      comment = [];
    }
  }
  return { fieldMarkers, typeDocs };
}

export function generateOpenApiDocs(apiDir: string, machineryDir: string): Record<string, TypeDoc> {
  const { decls } = readPackages(apiDir, machineryDir);
  const byPkg = new Map(packages.map((p) => {
    const dir = join(p.repo === "api" ? apiDir : machineryDir, p.dir);
    return [p.key, { swagger: swaggerDocs(dir), comments: goComments(dir) }] as const;
  }));
  const docs: Record<string, TypeDoc> = {};
  const split = (key: string) => {
    const dot = key.lastIndexOf(".");
    return { pkg: key.slice(0, dot), name: key.slice(dot + 1) };
  };
  /** Field docs of a struct, those of inline-embedded structs promoted as encoding/json promotes their fields. */
  const fieldDocs = (key: string): Record<string, FieldDoc> => {
    const d = decls.get(key);
    const { pkg, name } = split(key);
    const p = byPkg.get(pkg)!;
    const swagger = p.swagger.get(name);
    const markers = p.comments.fieldMarkers.get(name);
    const out: Record<string, FieldDoc> = {};
    if (!d || d.kind !== "struct") return out;
    for (const f of d.fields) {
      const t = jsonTag(f.tag);
      if (t.skip) continue;
      if (f.embedded && t.name === undefined) {
        const inner = fieldDocs(qualify(f.type.replace(/^\*/, ""), d.pkg, d.imports));
        for (const [k, v] of Object.entries(inner)) if (!(k in out)) out[k] = v;
        continue;
      }
      for (const n of f.names) {
        if (!/^[A-Z]/.test(n)) continue;
        const json = t.name ?? n;
        const fd: FieldDoc = {};
        const desc = swagger?.get(json);
        if (desc) fd.d = desc;
        const m = markers?.get(json) ?? [];
        if (!t.omitempty && !m.includes("+optional")) fd.r = 1;
        const ps = /patchStrategy:"([^"]*)"/.exec(f.tag)?.[1];
        const pk = /patchMergeKey:"([^"]*)"/.exec(f.tag)?.[1];
        if (ps) fd.ps = ps;
        if (pk) fd.pk = pk;
        const lt = m.map((x) => /^\+listType=(\w+)/.exec(x)?.[1]).find(Boolean);
        const lk = m.map((x) => /^\+listMapKey=(\w+)/.exec(x)?.[1]).filter((x): x is string => !!x);
        const mt = m.map((x) => /^\+mapType=(\w+)/.exec(x)?.[1]).find(Boolean);
        if (lt) fd.lt = lt;
        if (lk.length) fd.lk = lk;
        if (mt) fd.mt = mt;
        out[json] = fd;
      }
    }
    return out;
  };
  for (const [key, def] of Object.entries(schemaData.types)) {
    const { pkg, name } = split(key);
    const p = byPkg.get(pkg);
    if (!p) continue;
    const td: TypeDoc = {};
    const desc = p.swagger.get(name)?.get("") ?? p.comments.typeDocs.get(name);
    if (desc) td.d = desc;
    if ("fields" in def) td.f = fieldDocs(key);
    if (td.d || td.f) docs[key] = td;
  }
  return docs;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [apiDir, machineryDir, source = "k8s.io/api and k8s.io/apimachinery v0.35.0"] = process.argv.slice(2);
  if (!apiDir || !machineryDir) {
    console.error("usage: node dist/runtime/server/schema/generate-openapi.js <k8s.io/api dir> <k8s.io/apimachinery dir> [source label]");
    process.exit(2);
  }
  const data = generateOpenApiDocs(apiDir, machineryDir);
  const out = fileURLToPath(new URL("../../../../runtime/server/openapi-docs.ts", import.meta.url));
  writeFileSync(out, [
    `// Generated by runtime/server/schema/generate-openapi.ts from ${source}. Do not edit by hand.`,
    `import type { TypeDoc } from "./schema/generate-openapi.js";`,
    ``,
    `export const typeDocs: Record<string, TypeDoc> = {`,
    ...Object.entries(data).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`),
    `};`,
    ``,
  ].join("\n"));
  console.log(`wrote ${out}`);
  const meta = fileURLToPath(new URL("../../../../machines/apiserver/schema/patchmeta.ts", import.meta.url));
  writeFileSync(meta, patchMetaSource(data, source));
  console.log(`wrote ${meta}`);
  const lists = fileURLToPath(new URL("../../../../machines/apiserver/schema/listmeta.ts", import.meta.url));
  writeFileSync(lists, listMetaSource(data, source));
  console.log(`wrote ${lists}`);
}

/**
 * machines/apiserver/schema/listmeta.ts: the +listType, +listMapKey and +mapType markers of every
 * field that has one, by Go type, for server-side apply's merge (the machines cannot read runtime/).
 */
export function listMetaSource(data: Record<string, TypeDoc>, source: string): string {
  const rows: string[] = [];
  for (const [key, td] of Object.entries(data)) {
    const fields = Object.entries(td.f ?? {}).filter(([, fd]) => fd.lt || fd.lk || fd.mt)
      .map(([f, fd]) => [f, { ...(fd.lt ? { lt: fd.lt } : {}), ...(fd.lk ? { lk: fd.lk } : {}), ...(fd.mt ? { mt: fd.mt } : {}) }]);
    if (fields.length > 0) rows.push(`  ${JSON.stringify(key)}: ${JSON.stringify(Object.fromEntries(fields))},`);
  }
  return [
    `// Generated by runtime/server/schema/generate-openapi.ts from ${source}. Do not edit by hand.`,
    `// Go type key -> JSON field -> +listType (lt), +listMapKey (lk) and +mapType (mt), as the markers say:`,
    `// server-side apply merges lists and maps by them.`,
    ``,
    `export const listMeta: Record<string, Record<string, { lt?: string; lk?: string[]; mt?: string }>> = {`,
    ...rows,
    `};`,
    ``,
  ].join("\n");
}

/**
 * machines/apiserver/schema/patchmeta.ts: the patch strategy and merge key of every field that has
 * one, by Go type, for the API server's strategic merge patch (the machines cannot read runtime/).
 */
export function patchMetaSource(data: Record<string, TypeDoc>, source: string): string {
  const rows: string[] = [];
  for (const [key, td] of Object.entries(data)) {
    const fields = Object.entries(td.f ?? {}).filter(([, fd]) => fd.ps || fd.pk).map(([f, fd]) => [f, { ...(fd.ps ? { ps: fd.ps } : {}), ...(fd.pk ? { pk: fd.pk } : {}) }]);
    if (fields.length > 0) rows.push(`  ${JSON.stringify(key)}: ${JSON.stringify(Object.fromEntries(fields))},`);
  }
  return [
    `// Generated by runtime/server/schema/generate-openapi.ts from ${source}. Do not edit by hand.`,
    `// Go type key -> JSON field -> patchStrategy (ps) and patchMergeKey (pk), as the struct tags say.`,
    ``,
    `export const patchMeta: Record<string, Record<string, { ps?: string; pk?: string }>> = {`,
    ...rows,
    `};`,
    ``,
  ].join("\n");
}
