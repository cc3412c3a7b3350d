// Just enough OpenAPI for kubectl: /openapi/v3 lists one document per group version, each with
// the PATCH operations of its resources tagged with their group-version-kind and the
// fieldValidation parameter (kubectl asks it whether to validate on the server), and an
// /openapi/v2 document without schemas. `kubectl explain` needs the schemas and is not served.

import { createHash } from "node:crypto";
import { resources, type ResourceInfo } from "../../machines/apiserver/resources.js";

function gvPath(group: string, version: string): string {
  return group === "" ? `api/${version}` : `apis/${group}/${version}`;
}

function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of resources) seen.set(gvPath(r.group, r.version), { group: r.group, version: r.version });
  return [...seen.values()];
}

const queryParam = (name: string) => ({ name, in: "query", schema: { type: "string", uniqueItems: true } });

function resourcePaths(r: ResourceInfo): Record<string, object> {
  const base = `/${gvPath(r.group, r.version)}/${r.namespaced ? "namespaces/{namespace}/" : ""}${r.resource}/{name}`;
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const op = (verb: string) => ({
    operationId: `${verb}${r.kind}`,
    parameters: [queryParam("dryRun"), queryParam("fieldManager"), queryParam("fieldValidation")],
    responses: { "200": { description: "OK" } },
    "x-kubernetes-action": verb,
    "x-kubernetes-group-version-kind": gvk,
  });
  return { [base]: { patch: op("patch"), put: op("put") } };
}

/** The /openapi/v3 discovery: a document per group version. */
export function openApiV3Paths(): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const { group, version } of groupVersions()) {
    const doc = JSON.stringify(openApiV3Group(gvPath(group, version)));
    const hash = createHash("sha512").update(doc).digest("hex").slice(0, 128).toUpperCase();
    paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}` };
  }
  return { paths };
}

/** The OpenAPI v3 document of one group version ("api/v1", "apis/apps/v1"), or undefined. */
export function openApiV3Group(path: string): object | undefined {
  const gv = groupVersions().find((g) => gvPath(g.group, g.version) === path);
  if (!gv) return undefined;
  const paths: Record<string, object> = {};
  for (const r of resources) if (r.group === gv.group && r.version === gv.version) Object.assign(paths, resourcePaths(r));
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: "v1.35.0" }, paths, components: { schemas: {} } };
}

/** The /openapi/v2 document: paths and definitions left empty. */
export function openApiV2(): object {
  return { swagger: "2.0", info: { title: "Kubernetes", version: "v1.35.0" }, paths: {}, definitions: {} };
}

function pbString(field: number, s: string): Buffer {
  const b = Buffer.from(s, "utf8");
  return Buffer.concat([Buffer.from([(field << 3) | 2, b.length]), b]);
}

/** The same document in gnostic's protobuf (swagger = 1, info = 2 {title = 1, version = 2}), as kubectl asks for it. */
export function openApiV2Protobuf(): Buffer {
  const info = Buffer.concat([pbString(1, "Kubernetes"), pbString(2, "v1.35.0")]);
  return Buffer.concat([pbString(1, "2.0"), Buffer.from([(2 << 3) | 2, info.length]), info]);
}
