// The seventeenth hostile round, each answer checked against kube-apiserver 1.35's source: a
// strategic merge patch's directives where the live object has nothing to merge them into, as
// apimachinery's strategicpatch (patch.go, v0.35) applies them: mergeMap takes such a value only
// after discardNullValuesFromPatch and removeDirectives, a $deleteFromPrimitiveList for a list the
// object lacks deletes nothing (it used to add the items) and deletes from a list of any strategy
// (mergeSliceHandler), and $setElementOrder, or two maps or lists to merge, must name a field of
// the Go struct, a list where a list is merged (PatchMetaFromStruct's lookups); errors name Go's
// types as reflect prints them, and a result that does not decode shows the patch map as the
// merge left it (applyPatchToObject's %+v of the handler's own map).

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { raw, serve, type Served } from "./serve-helpers.js";

let s: Served;
const ns = "/api/v1/namespaces/default";
const send = (method: string, path: string, body?: unknown, contentType = "application/json", headers: Record<string, string> = {}) => {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return raw(s, method, path, { token: s.cluster.adminToken, ...(text !== undefined ? { body: text } : {}), headers: { ...(text !== undefined ? { "Content-Type": contentType } : {}), ...headers } });
};
const smp = (path: string, body: unknown) => send("PATCH", path, body, "application/strategic-merge-patch+json");
const status = (r: { body: string }) => JSON.parse(r.body);
const badRequest = (message: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "BadRequest", code: 400 });

beforeAll(async () => {
  s = await serve({ nodes: 1 });
}, 40_000);
afterAll(async () => {
  await s?.stop();
});

/** A fresh ConfigMap with one key, and the object as stored. */
async function configMap(name: string): Promise<any> {
  const r = await send("POST", `${ns}/configmaps`, { metadata: { name }, data: { a: "1" } });
  expect(r.code).toBe(201);
  return status(r);
}

describe("a strategic merge patch's value for a field the live object lacks (mergeMap)", () => {
  it("a $deleteFromPrimitiveList for finalizers the object has none of deletes nothing and adds none (apimachinery 918d3680)", async () => {
    await configMap("no-finalizers");
    const r = await smp(`${ns}/configmaps/no-finalizers`, { metadata: { "$deleteFromPrimitiveList/finalizers": ["example.com/hold"] } });
    expect(r.code).toBe(200);
    expect(status(r).metadata.finalizers).toBeUndefined();
    expect(status(await send("GET", `${ns}/configmaps/no-finalizers`)).metadata.finalizers).toBeUndefined();
  });

  it("nulls inside a new map are discarded (discardNullValuesFromPatch), not stored as empty strings", async () => {
    await configMap("new-labels");
    const r = await smp(`${ns}/configmaps/new-labels`, { metadata: { labels: { app: "web", gone: null } } });
    expect([r.code, status(r).metadata.labels]).toEqual([200, { app: "web" }]);
  });

  it("a new map holding $patch is dropped with its key (removeDirectives), not validated as a label key named $patch", async () => {
    await configMap("new-annotations");
    const r = await smp(`${ns}/configmaps/new-annotations`, { metadata: { annotations: { $patch: "replace", a: "b" } } });
    expect([r.code, status(r).metadata.annotations]).toEqual([200, undefined]);
  });

  it("a $patch map in place of a scalar removes the scalar: the value is taken as another type, then dropped", async () => {
    await configMap("scalar-directive");
    const r = await smp(`${ns}/configmaps/scalar-directive`, { data: { a: { $patch: "delete" }, b: "2" } });
    expect([r.code, status(r).data]).toEqual([200, { b: "2" }]);
  });

  it("a new list keeps only its elements without directives", async () => {
    await configMap("new-owners");
    const owner = { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: "6c1a1c5e-0000-4000-8000-000000000001" };
    const r = await smp(`${ns}/configmaps/new-owners`, { metadata: { ownerReferences: [{ uid: "gone", $patch: "delete" }, owner] } });
    expect([r.code, status(r).metadata.ownerReferences]).toEqual([200, [owner]]);
  });

  it("a $deleteFromPrimitiveList deletes from a list without a merge strategy too, rather than replacing it (mergeSliceHandler)", async () => {
    const svc = { metadata: { name: "external" }, spec: { ports: [{ port: 80 }], externalIPs: ["192.0.2.1", "192.0.2.2", "192.0.2.3"] } };
    expect((await send("POST", `${ns}/services`, svc)).code).toBe(201);
    const r = await smp(`${ns}/services/external`, { spec: { "$deleteFromPrimitiveList/externalIPs": ["192.0.2.2"] } });
    expect([r.code, status(r).spec.externalIPs]).toEqual([200, ["192.0.2.1", "192.0.2.3"]]);
  });

  it("a deletion list of maps for a list without a merge key is refused, naming the element's reflect.Kind", async () => {
    // DefaultTolerationSeconds gives the pod two tolerations to delete from
    const pod = { metadata: { name: "tolerant" }, spec: { containers: [{ name: "c", image: "nginx" }] } };
    expect((await send("POST", `${ns}/pods`, pod)).code).toBe(201);
    const r = await smp(`${ns}/pods/tolerant`, { spec: { "$deleteFromPrimitiveList/tolerations": [{ key: "node.kubernetes.io/not-ready" }] } });
    expect([r.code, status(r)]).toEqual([400, badRequest("cannot merge lists without merge key for struct")]);
    expect(status(await send("GET", `${ns}/pods/tolerant`)).spec.tolerations).toHaveLength(2);
  });

  it("a merged list mixing element types is refused with both lists printed as fmt.Sprint prints the [][]interface{} (sliceElementType)", async () => {
    await configMap("mixed");
    expect((await send("PATCH", `${ns}/configmaps/mixed`, { metadata: { finalizers: ["example.com/a"] } }, "application/merge-patch+json")).code).toBe(200);
    const r = await smp(`${ns}/configmaps/mixed`, { metadata: { finalizers: [1, { x: null }] } });
    expect([r.code, status(r)]).toEqual([400, badRequest("list element types are not identical: [[example.com/a] [1 map[x:<nil>]]]")]);
  });

  it("a result that does not decode shows the patch map as the merge left it: nulls discarded, directives and $retainKeys gone", async () => {
    await configMap("shown");
    // removeDirectives deletes a directive below the new value, not the new value itself
    const patch = { metadata: { annotations: { $patch: "delete" }, labels: { gone: { $patch: "delete" }, kept: { k: null } } }, data: { $retainKeys: ["a"], a: "2" } };
    const r = await smp(`${ns}/configmaps/shown`, patch);
    // applyPatchToObject: field.Invalid(patch, fmt.Sprintf("%+v", patchMap), the converter's error)
    const shown = "map[data:map[a:2] metadata:map[annotations:map[$patch:delete] labels:map[kept:map[]]]]";
    expect([r.code, status(r).message]).toEqual([422, ` "" is invalid: patch: Invalid value: "${shown}": unrecognized type: string`]);
  });
});

// mergePatchIntoOriginal: LookupPatchMetadataForSlice runs for every $setElementOrder, even when
// neither the object nor the patch holds the list. Its errors are no StatusError, which Kubernetes
// answers as a bare 500; podflow answers them 400 with the same text (strategicPatchStatus)
describe("a $setElementOrder list naming no list field of the kind", () => {
  it("an unknown field is refused in forkedjson's words, and nothing changes", async () => {
    const before = await configMap("order-unknown");
    const r = await smp(`${ns}/configmaps/order-unknown`, { "$setElementOrder/bogus": [{ name: "a" }], data: { b: "2" } });
    expect([r.code, status(r)]).toEqual([400, badRequest('unable to find api field in struct ConfigMap for the json field "bogus"')]);
    expect(status(await send("GET", `${ns}/configmaps/order-unknown`)).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it("a field that is no list names the kind of the struct it was looked up in", async () => {
    await configMap("order-scalar");
    const r = await smp(`${ns}/configmaps/order-scalar`, { "$setElementOrder/binaryData": ["a"] });
    expect([r.code, status(r)]).toEqual([400, badRequest("expected slice or array type, but got: struct")]);
  });

  it("a nested struct's unknown field names that struct (ObjectMeta)", async () => {
    await configMap("order-nested");
    const r = await smp(`${ns}/configmaps/order-nested`, { metadata: { "$setElementOrder/finalizer": ["x"] } });
    expect([r.code, status(r)]).toEqual([400, badRequest('unable to find api field in struct ObjectMeta for the json field "finalizer"')]);
  });

  it("the field is found as encoding/json finds it, case folded: a list absent from both sides orders nothing", async () => {
    await configMap("order-folded");
    const r = await smp(`${ns}/configmaps/order-folded`, { metadata: { "$setElementOrder/Finalizers": ["x"] } });
    expect([r.code, status(r).metadata.finalizers]).toEqual([200, undefined]);
  });

  it("a $setElementOrder that is no list names the value's Go type: an integer literal is an int64 (PreserveInts), null no type (ErrBadArgType)", async () => {
    await configMap("order-types");
    for (const [value, type] of [[5, "int64"], [5.5, "float64"], [null, "%!s(<nil>)"], ["x", "string"]] as const) {
      const r = await smp(`${ns}/configmaps/order-types`, { metadata: { "$setElementOrder/finalizers": value } });
      expect([r.code, status(r)], String(value)).toEqual([400, badRequest(`expected a []interface {}, but received a ${type}`)]);
    }
  });
});

// forkedjson.LookupPatchMetadataForStruct refuses any type that is no struct: a map of lists (a
// CertificateSigningRequest's spec.extra) cannot merge a list both sides hold
describe("a strategic merge of two lists inside a map of lists", () => {
  it("is refused as the lookup in a map refuses it, before the spec's immutability is judged", async () => {
    const dir = mkdtempSync(join(tmpdir(), "podflow-h17-"));
    execFileSync("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", join(dir, "k"), "-out", join(dir, "csr"), "-subj", "/CN=carol"], { stdio: "ignore" });
    const csr = { metadata: { name: "carol" }, spec: { signerName: "example.com/signer", request: readFileSync(join(dir, "csr")).toString("base64"), usages: ["client auth"] } };
    // carol in system:masters may create it; the request records her extras
    const created = await send("POST", "/apis/certificates.k8s.io/v1/certificatesigningrequests", csr, "application/json", { "Impersonate-User": "carol", "Impersonate-Group": "system:masters", "Impersonate-Extra-Team": "blue" });
    expect([created.code, status(created).spec.extra]).toEqual([201, { team: ["blue"] }]);
    const r = await smp("/apis/certificates.k8s.io/v1/certificatesigningrequests/carol", { spec: { extra: { team: ["red"] } } });
    expect([r.code, status(r)]).toEqual([400, badRequest("merging an object in json but data type is not struct, instead is: map")]);
  });
});
