// OpenAPI for kubectl: /openapi/v3 lists one document per group version, each with the PATCH
// operations of its resources tagged with their group-version-kind and the fieldValidation
// parameter (kubectl asks it whether to validate on the server), and the schemas of its kinds
// (kubectl explain reads them; kubectl apply reads their list and patch markers): built from the
// Go types of machines/apiserver/schema/types.ts and the descriptions and markers of
// openapi-docs.ts, both generated from k8s.io/api. /openapi/v2 is served without schemas.

import { createHash } from "node:crypto";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { resources, type ResourceInfo } from "../../machines/apiserver/resources.js";
import { schemaData } from "../../machines/apiserver/schema/schemadata.js";
import { servedVersions } from "../../machines/apiserver/conversion.js";
import { typeDocs } from "./openapi-docs.js";
import type { FieldDoc } from "./schema/generate-openapi.js";

/** The OpenAPI name of a Go type key: "core/v1.Pod" -> "io.k8s.api.core.v1.Pod". */
export function openApiName(key: string): string {
  const dot = key.lastIndexOf(".");
  const pkg = key.slice(0, dot);
  const prefix = pkg === "meta/v1" ? "io.k8s.apimachinery.pkg.apis.meta.v1"
    : pkg === "resource" ? "io.k8s.apimachinery.pkg.api.resource"
    : pkg === "intstr" ? "io.k8s.apimachinery.pkg.util.intstr"
    : pkg === "runtime" ? "io.k8s.apimachinery.pkg.runtime"
    : pkg === "apiextensions/v1" ? "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1"
    : `io.k8s.api.${pkg.replace("/", ".")}`;
  return `${prefix}.${key.slice(dot + 1)}`;
}

const types = new Map(Object.entries(schemaData.types));
const versioned = new Map(Object.entries(schemaData.versioned).map(([gv, kinds]) => [gv, new Map(Object.entries(kinds))]));

/** The Go type of a resource's kind at one of the versions it is served at, or undefined. */
function typeKeyAt(r: ResourceInfo, version: string): string | undefined {
  if (version === r.version && !r.storedAs) return Object.hasOwn(schemaData.roots, r.kind) ? schemaData.roots[r.kind] : undefined;
  return versioned.get(r.group === "" ? version : `${r.group}/${version}`)?.get(r.kind);
}

/** Each resource at each version it is served at. */
const servedAt = resources.flatMap((r) => servedVersions(r).map((version) => ({ r, version })));
const builtinSchemas: Record<string, object> = {
  string: { type: "string" }, bool: { type: "boolean" },
  int: { type: "integer", format: "int32" }, int32: { type: "integer", format: "int32" }, int64: { type: "integer", format: "int64" },
  int8: { type: "integer", format: "int32" }, int16: { type: "integer", format: "int32" }, uint8: { type: "integer", format: "int32" },
  uint16: { type: "integer", format: "int32" }, uint32: { type: "integer", format: "int64" }, uint64: { type: "integer", format: "int64" },
  float32: { type: "number", format: "float" }, float64: { type: "number", format: "double" },
};

/** A type expression as an inline schema, or a reference (with the key) to a component schema. */
function typeSchema(expr: string, refs: Set<string>): { schema: object; struct: boolean } {
  if (expr.startsWith("*")) return typeSchema(expr.slice(1), refs);
  if (expr === "[]uint8") return { schema: { type: "string", format: "byte" }, struct: false };
  if (expr.startsWith("[]")) {
    const item = typeSchema(expr.slice(2), refs);
    return { schema: { type: "array", items: item.struct ? { ...item.schema, default: {} } : item.schema }, struct: false };
  }
  if (expr.startsWith("map[")) {
    const value = typeSchema(expr.slice(expr.indexOf("]") + 1), refs);
    return { schema: { type: "object", additionalProperties: value.struct ? { ...value.schema, default: {} } : value.schema }, struct: false };
  }
  const b = builtinSchemas[expr];
  if (b) return { schema: b, struct: false };
  const def = types.get(expr);
  if (def && "underlying" in def) return typeSchema(def.underlying, refs);
  if (def && "alias" in def) return typeSchema(def.alias, refs);
  refs.add(expr);
  return { schema: { allOf: [{ $ref: `#/components/schemas/${openApiName(expr)}` }] }, struct: def !== undefined && "fields" in def };
}

const customSchemas: Record<string, object> = {
  time: { type: "string", format: "date-time" },
  microtime: { type: "string", format: "date-time" },
  // OpenAPIV3OneOfTypes of Quantity and IntOrString
  quantity: { oneOf: [{ type: "string" }, { type: "number" }] },
  intorstring: { format: "int-or-string", oneOf: [{ type: "integer" }, { type: "string" }] },
  raw: { type: "object" },
};

function fieldExtensions(fd: FieldDoc | undefined): Record<string, unknown> {
  const x: Record<string, unknown> = {};
  if (!fd) return x;
  if (fd.lt) x["x-kubernetes-list-type"] = fd.lt;
  if (fd.lk) x["x-kubernetes-list-map-keys"] = fd.lk;
  if (fd.mt) x["x-kubernetes-map-type"] = fd.mt;
  if (fd.pk) x["x-kubernetes-patch-merge-key"] = fd.pk;
  if (fd.ps) x["x-kubernetes-patch-strategy"] = fd.ps;
  return x;
}

/** The component schema of a Go type, adding the types it refers to into refs. */
function componentSchema(key: string, refs: Set<string>): object {
  const def = types.get(key)!;
  const doc = typeDocs[key];
  const description = doc?.d ? { description: doc.d } : {};
  if ("custom" in def) return { ...description, ...customSchemas[def.custom] };
  if (!("fields" in def)) return { ...description, ...typeSchema("underlying" in def ? def.underlying : def.alias, refs).schema };
  const properties: Record<string, object> = {};
  const required: string[] = [];
  for (const [name, expr] of Object.entries(def.fields)) {
    const fd = doc?.f?.[name];
    const t = typeSchema(expr, refs);
    // a non-pointer struct field defaults to its zero value, {}
    const dflt = t.struct && !expr.startsWith("*") ? { default: {} } : {};
    properties[name] = { ...t.schema, ...dflt, ...(fd?.d ? { description: fd.d } : {}), ...fieldExtensions(fd) };
    if (fd?.r) required.push(name);
  }
  const gvk = servedAt.filter(({ r, version }) => typeKeyAt(r, version) === key).map(({ r, version }) => ({ group: r.group, kind: r.kind, version }));
  return {
    ...description, type: "object", properties,
    ...(required.length ? { required } : {}),
    ...(gvk.length ? { "x-kubernetes-group-version-kind": gvk } : {}),
  };
}

/** The schemas of the kinds of a group version and of every type they reach. */
function schemasOf(gv: { group: string; version: string }): Record<string, object> {
  const refs = new Set<string>();
  for (const { r, version } of servedAt) {
    const key = r.group === gv.group && version === gv.version ? typeKeyAt(r, version) : undefined;
    if (key) refs.add(key);
  }
  return componentsReaching(refs, {});
}

/** The component schemas of the Go types in refs and of every type they reach, beside those in out. */
function componentsReaching(refs: Set<string>, out: Record<string, object>): Record<string, object> {
  const done = new Set<string>();
  while (refs.size > done.size) {
    for (const key of [...refs]) {
      if (done.has(key)) continue;
      done.add(key);
      if (types.has(key)) out[openApiName(key)] = componentSchema(key, refs);
    }
  }
  out["io.k8s.apimachinery.pkg.apis.meta.v1.Patch"] = { description: "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.", type: "object" };
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function gvPath(group: string, version: string): string {
  return group === "" ? `api/${version}` : `apis/${group}/${version}`;
}

function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const { r, version } of servedAt) seen.set(gvPath(r.group, version), { group: r.group, version });
  return [...seen.values()];
}

const queryParam = (name: string) => ({ name, in: "query", schema: { type: "string", uniqueItems: true } });

const allPatchTypes = ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"];

function resourcePaths(r: ResourceInfo, version: string, patchTypes = allPatchTypes): Record<string, object> {
  const base = `/${gvPath(r.group, version)}/${r.namespaced ? "namespaces/{namespace}/" : ""}${r.resource}/{name}`;
  const gvk = { group: r.group, version, kind: r.kind };
  const schema = { schema: { $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch" } };
  // the patch types the PATCH operation takes: kubectl apply reads the schemas' patch markers only when strategic merge is one
  const patchBody = { content: Object.fromEntries(patchTypes.map((t) => [t, schema])), required: true };
  const op = (verb: string) => ({
    operationId: `${verb}${r.kind}`,
    ...(verb === "patch" ? { requestBody: patchBody } : {}),
    parameters: [queryParam("dryRun"), queryParam("fieldManager"), queryParam("fieldValidation")],
    responses: { "200": { description: "OK" } },
    "x-kubernetes-action": verb,
    "x-kubernetes-group-version-kind": gvk,
  });
  // the writes the resource serves; one that takes none (componentstatuses) is still named, by its read
  const ops = { ...(r.verbs.includes("patch") ? { patch: op("patch") } : {}), ...(r.verbs.includes("update") ? { put: op("put") } : {}) };
  if (Object.keys(ops).length === 0 && r.verbs.includes("get")) return { [base]: { get: op("get") } };
  return { [base]: Object.keys(ops).length > 0 ? ops : { patch: op("patch"), put: op("put") } };
}

// The documents depend on nothing but the generated tables: each is built once.
let pathsDoc: object | undefined;
const groupDocs = new Map<string, object>();

/** The /openapi/v3 discovery: a document per group version, the custom resources' group versions included. */
export function openApiV3Paths(custom: readonly ResourceInfo[] = []): object {
  pathsDoc ??= buildV3Paths();
  if (custom.length === 0) return pathsDoc;
  const paths: Record<string, { serverRelativeURL: string }> = { ...(pathsDoc as { paths: Record<string, { serverRelativeURL: string }> }).paths };
  for (const r of custom) {
    const path = gvPath(r.group, r.version);
    if (Object.hasOwn(paths, path)) continue;
    const hash = createHash("sha512").update(JSON.stringify(openApiV3Group(path, custom))).digest("hex").slice(0, 128).toUpperCase();
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
  }
  return { paths };
}

/** The OpenAPI name of a custom kind, as apiextensions-apiserver builds it: the group reversed, the version, the kind. */
function customSchemaName(r: ResourceInfo): string {
  return `${r.group.split(".").reverse().join(".")}.${r.version}.${r.kind}`;
}

/** The document of a custom resources' group version (the CRD controller's OpenAPI builder): their paths, their schemas with ObjectMeta. */
function customGroupDoc(rs: readonly ResourceInfo[]): object {
  const paths: Record<string, object> = {};
  const schemas: Record<string, object> = {};
  for (const r of rs) {
    // its handler takes no strategic merge patch
    const p = resourcePaths(r, r.version, ["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"]);
    Object.assign(paths, p);
    const given = r.custom?.schema ?? {};
    const props = given.properties ?? {};
    schemas[customSchemaName(r)] = {
      ...given,
      type: "object",
      properties: {
        apiVersion: { type: "string", description: "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources" },
        kind: { type: "string", description: "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds" },
        metadata: { allOf: [{ $ref: "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" }], description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata" },
        ...props,
      },
      "x-kubernetes-group-version-kind": [{ group: r.group, kind: r.kind, version: r.version }],
    };
  }
  const all = componentsReaching(new Set(["meta/v1.ObjectMeta"]), schemas);
  return { openapi: "3.0.0", info: { title: "Kubernetes CRD Swagger", version: "v0.1.0" }, paths, components: { schemas: all } };
}

function buildV3Paths(): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const { group, version } of groupVersions()) {
    const doc = JSON.stringify(openApiV3Group(gvPath(group, version)));
    const hash = createHash("sha512").update(doc).digest("hex").slice(0, 128).toUpperCase();
    paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}` };
  }
  return { paths };
}

/** The OpenAPI v3 document of one group version ("api/v1", "apis/apps/v1"), or undefined. */
export function openApiV3Group(path: string, custom: readonly ResourceInfo[] = []): object | undefined {
  const mine = custom.filter((r) => gvPath(r.group, r.version) === path);
  if (mine.length > 0) return customGroupDoc(mine);
  const gv = groupVersions().find((g) => gvPath(g.group, g.version) === path);
  if (!gv) return undefined;
  let doc = groupDocs.get(path);
  if (!doc) groupDocs.set(path, (doc = buildV3Group(gv)));
  return doc;
}

function buildV3Group(gv: { group: string; version: string }): object {
  const paths: Record<string, object> = {};
  for (const { r, version } of servedAt) if (r.group === gv.group && version === gv.version) Object.assign(paths, resourcePaths(r, version));
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: "v1.35.0" }, paths, components: { schemas: schemasOf(gv) } };
}

/** The /openapi/v2 document: paths and definitions left empty. */
export function openApiV2(): object {
  return { swagger: "2.0", info: { title: "Kubernetes", version: "v1.35.0" }, paths: {}, definitions: {} };
}

/** The same document in gnostic's protobuf (Document: swagger = 1, info = 2 {title = 1, version = 2}), as kubectl asks for it. */
export function openApiV2Protobuf(): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).string("2.0");
  w.tag(2, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string("Kubernetes").tag(2, WireType.LengthDelimited).string("v1.35.0").join();
  return w.finish();
}
