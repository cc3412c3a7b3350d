// The eighteenth hostile round, each answer checked against kube-apiserver 1.35's source: a
// server-side apply that creates its object is judged after the field manager applied it, as
// patcher.applyPatch judges it (handlers/patch.go): a uid is a Conflict, then the namespace, then
// checkName, and the system fields are wiped (rest.WipeObjectMetaSystemFields); and a selfLink a
// client writes is never stored (APIObjectVersioner.PrepareObjectForStorage clears it before every
// write to etcd), though a dry run's answer, which no storage encoded, still carries it.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { raw, serve, type Served } from "./serve-helpers.js";

let s: Served;
const ns = "/api/v1/namespaces/default";
const cms = `${ns}/configmaps`;
const send = (method: string, path: string, body?: unknown, contentType = "application/json") => {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return raw(s, method, path, { token: s.cluster.adminToken, ...(text !== undefined ? { body: text, headers: { "Content-Type": contentType } } : {}) });
};
const apply = (path: string, body: unknown) => send("PATCH", path, body, "application/apply-patch+yaml");
const status = (r: { body: string }) => JSON.parse(r.body);
const badRequest = (message: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "BadRequest", code: 400 });
const configMap = (name: string | undefined, meta: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { ...(name !== undefined ? { name } : {}), ...meta }, ...rest });

beforeAll(async () => {
  s = await serve({ nodes: 1 });
}, 40_000);
afterAll(async () => {
  await s?.stop();
});

// staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go: applyPatch after createNewObject
describe("a server-side apply to an object that does not exist, judged after the apply", () => {
  it("a uid in the configuration is a Conflict: nothing stored has it, and nothing is created", async () => {
    const r = await apply(`${cms}/ghost?fieldManager=m`, configMap("ghost", { uid: "6c1a1c5e-0000-4000-8000-000000000001" }));
    expect([r.code, status(r)]).toEqual([
      409,
      {
        kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
        message: 'Operation cannot be fulfilled on configmaps "ghost": uid mismatch: the provided object specified uid 6c1a1c5e-0000-4000-8000-000000000001, and no existing object was found',
        reason: "Conflict", details: { name: "ghost", kind: "configmaps" }, code: 409,
      },
    ]);
    expect((await send("GET", `${cms}/ghost`)).code).toBe(404);
  });

  it("a dry run is refused the same", async () => {
    const r = await apply(`${cms}/ghost?fieldManager=m&dryRun=All`, configMap("ghost", { uid: "u" }));
    expect([r.code, status(r).reason]).toEqual([409, "Conflict"]);
  });

  it("the uid comes before the namespace, and the namespace before the name", async () => {
    const both = await apply(`${cms}/order?fieldManager=m`, configMap("other", { namespace: "kube-system", uid: "u" }));
    expect([both.code, status(both).reason]).toEqual([409, "Conflict"]);
    const r = await apply(`${cms}/order?fieldManager=m`, configMap("other", { namespace: "kube-system" }));
    expect([r.code, status(r)]).toEqual([400, badRequest("the namespace of the provided object does not match the namespace sent on the request")]);
    expect((await send("GET", `${cms}/order`)).code).toBe(404);
  });

  it("the apply's own error comes before the name's: an unknown field is the typed patch's 500, naming the configuration's name", async () => {
    const r = await apply(`${cms}/url-name?fieldManager=m`, configMap("body-name", {}, { bogus: 1 }));
    expect(r.code).toBe(500);
    expect(status(r).message).toBe("failed to create typed patch object (/body-name; /v1, Kind=ConfigMap): .bogus: field not declared in schema");
    const named = await apply(`${cms}/url-name?fieldManager=m`, configMap("body-name"));
    expect([named.code, status(named)]).toEqual([400, badRequest("the name of the object (body-name) does not match the name on the URL (url-name)")]);
  });

  it("a configuration without a name leaves the new object none: checkName's errEmptyName, and nothing is created", async () => {
    const r = await apply(`${cms}/nameless?fieldManager=m`, configMap(undefined, {}, { data: { a: "1" } }));
    expect([r.code, status(r)]).toEqual([400, badRequest("the name of the object (nameless based on URL) was undeterminable: name must be provided")]);
    expect((await send("GET", `${cms}/nameless`)).code).toBe(404);
  });

  it("the system fields are wiped, so even a dry run's answer has no selfLink and a fresh creationTimestamp", async () => {
    const r = await apply(`${cms}/wiped?fieldManager=m&dryRun=All`, configMap("wiped", { selfLink: "/api/v1/elsewhere", creationTimestamp: "2001-01-01T00:00:00Z" }));
    expect(r.code).toBe(201);
    expect(status(r).metadata.selfLink).toBeUndefined();
    expect(status(r).metadata.creationTimestamp).not.toBe("2001-01-01T00:00:00Z");
  });
});

// staging/src/k8s.io/apiserver/pkg/storage/api_object_versioner.go: PrepareObjectForStorage
describe("a selfLink written by a client", () => {
  it("a create stores none and answers none", async () => {
    const r = await send("POST", cms, { metadata: { name: "linked", selfLink: "/api/v1/elsewhere" } });
    expect([r.code, status(r).metadata.selfLink]).toEqual([201, undefined]);
    expect(status(await send("GET", `${cms}/linked`)).metadata.selfLink).toBeUndefined();
  });

  it("an update that only sets one writes nothing: the stored bytes are the same, so the resourceVersion stays", async () => {
    const before = status(await send("GET", `${cms}/linked`));
    const put = await send("PUT", `${cms}/linked`, { metadata: { name: "linked", selfLink: "/x" } });
    expect([put.code, status(put).metadata.selfLink, status(put).metadata.resourceVersion]).toEqual([200, undefined, before.metadata.resourceVersion]);
    const patch = await send("PATCH", `${cms}/linked`, { metadata: { selfLink: "/y" } }, "application/merge-patch+json");
    expect([patch.code, status(patch).metadata.selfLink, status(patch).metadata.resourceVersion]).toEqual([200, undefined, before.metadata.resourceVersion]);
    const applied = await apply(`${cms}/linked?fieldManager=m`, configMap("linked", { selfLink: "/z" }));
    expect([applied.code, status(applied).metadata.selfLink]).toEqual([200, undefined]);
  });

  it("a dry run's answer keeps it: DryRunnableStorage copies the object it was given", async () => {
    const created = await send("POST", `${cms}?dryRun=All`, { metadata: { name: "linked-dry", selfLink: "/x" } });
    expect([created.code, status(created).metadata.selfLink]).toEqual([201, "/x"]);
    const patched = await send("PATCH", `${cms}/linked?dryRun=All`, { metadata: { selfLink: "/y" } }, "application/merge-patch+json");
    expect([patched.code, status(patched).metadata.selfLink]).toEqual([200, "/y"]);
    expect(status(await send("GET", `${cms}/linked`)).metadata.selfLink).toBeUndefined();
  });
});

// staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype/validation.go, run by
// customResourceStrategy's Validate and (ratcheting) ValidateUpdate in pkg/registry/customresource/strategy.go
describe("custom resources' x-kubernetes-list-type set and map lists (ValidateListSetsAndMaps)", () => {
  const crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  const widgets = "/apis/example.com/v1/namespaces/default/widgets";
  const listSchema = (listType: boolean) => ({
    type: "object",
    properties: {
      spec: {
        type: "object",
        properties: {
          items: { type: "array", ...(listType ? { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"] } : {}), items: { type: "object", properties: { name: { type: "string", default: "" }, v: { type: "integer" } } } },
          pairs: { type: "array", ...(listType ? { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["a", "b"] } : {}), items: { type: "object", properties: { a: { type: "string", default: "" }, b: { type: "string", default: "" } } } },
          tags: { type: "array", ...(listType ? { "x-kubernetes-list-type": "set" } : {}), items: { type: "string" } },
        },
      },
    },
  });
  const crd = (listType: boolean, resourceVersion?: string) => ({
    apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition",
    metadata: { name: "widgets.example.com", ...(resourceVersion ? { resourceVersion } : {}) },
    spec: { group: "example.com", scope: "Namespaced", names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: listSchema(listType) } }] },
  });
  const widget = (name: string, spec: unknown) => ({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name }, spec });
  const invalid = (name: string, message: string) => `Widget.example.com "${name}" is invalid: ${message}`;

  beforeAll(async () => {
    // first without list types, so that an object with duplicates can be stored before they are declared
    expect((await send("POST", crds, crd(false))).code).toBe(201);
    for (let i = 0; i < 100 && (await send("GET", widgets)).code !== 200; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await send("POST", widgets, widget("old-dups", { tags: ["x", "x"], items: [{ name: "a" }] }))).code).toBe(201);
    const current = status(await send("GET", `${crds}/widgets.example.com`));
    expect((await send("PUT", `${crds}/widgets.example.com`, crd(true, current.metadata.resourceVersion))).code).toBe(200);
    // the handler serves the new schema once the CRD's informer saw it: a duplicate set refused tells
    for (let i = 0; i < 100; i++) {
      const probe = await send("POST", `${widgets}?dryRun=All`, widget("probe", { tags: ["p", "p"] }));
      if (probe.code === 422) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 30_000);

  it("a set holding a value twice is refused at the value's second appearance only, and nothing is stored", async () => {
    const r = await send("POST", widgets, widget("set-dups", { tags: ["x", "y", "x", "x", "y"] }));
    expect([r.code, status(r).message]).toEqual([422, invalid("set-dups", '[spec.tags[2]: Duplicate value: "x", spec.tags[4]: Duplicate value: "y"]')]);
    expect((await send("GET", `${widgets}/set-dups`)).code).toBe(404);
  });

  // a map key must be required or defaulted (validateMapListKeysMapSet), so an element without it gets the default first
  it("a map keyed by one field names the key of the repeated element; elements without the key share the defaulted key", async () => {
    const r = await send("POST", widgets, widget("map-dups", { items: [{ name: "a", v: 1 }, { name: "a", v: 2 }, { v: 3 }, { v: 4 }] }));
    expect([r.code, status(r).message]).toEqual([422, invalid("map-dups", '[spec.items[1]: Duplicate value: {"name":"a"}, spec.items[3]: Duplicate value: {"name":""}]')]);
  });

  it("a map keyed by two fields compares both, and prints the keys it found", async () => {
    const ok = await send("POST", `${widgets}?dryRun=All`, widget("pairs-ok", { pairs: [{ a: "1", b: "1" }, { a: "1", b: "2" }] }));
    expect(ok.code).toBe(201);
    const r = await send("POST", widgets, widget("pairs-dups", { pairs: [{ a: "1", b: "2" }, { b: "2", a: "1" }, { a: "1" }, { a: "1" }] }));
    expect([r.code, status(r).message]).toEqual([422, invalid("pairs-dups", '[spec.pairs[1]: Duplicate value: {"a":"1","b":"2"}, spec.pairs[3]: Duplicate value: {"a":"1","b":""}]')]);
  });

  it("an element of a map list that is no object is refused as such, after the schema's type error", async () => {
    const r = await send("POST", widgets, widget("map-scalar", { items: [{ name: "a" }, "s"] }));
    expect(r.code).toBe(422);
    expect(status(r).message).toBe(invalid("map-scalar", '[spec.items[1]: Invalid value: "string": spec.items[1] in body must be of type object: "string", spec.items[1]: Invalid value: "s": must be an object for an array of list-type map]'));
  });

  it("an update that makes duplicates is refused, by merge patch as by PUT, and the object is unchanged", async () => {
    expect((await send("POST", widgets, widget("clean", { items: [{ name: "a", v: 1 }] }))).code).toBe(201);
    const r = await send("PATCH", `${widgets}/clean`, { spec: { items: [{ name: "b", v: 1 }, { name: "b", v: 2 }] } }, "application/merge-patch+json");
    expect([r.code, status(r).message]).toEqual([422, invalid("clean", 'spec.items[1]: Duplicate value: {"name":"b"}')]);
    expect(status(await send("GET", `${widgets}/clean`)).spec.items).toEqual([{ name: "a", v: 1 }]);
  });

  it("an object stored with duplicates before the list type was declared may keep them (ratcheting)", async () => {
    const r = await send("PATCH", `${widgets}/old-dups`, { metadata: { labels: { touched: "yes" } } }, "application/merge-patch+json");
    expect([r.code, status(r).spec.tags]).toEqual([200, ["x", "x"]]);
  });
});

// kube-apiserver's patch handler applies a JSON patch with gopkg.in/evanphx/json-patch.v4
// (v4.12.0, patch.go): findObject splits the path on "/" and drops its first part, whatever it
// holds; Operation.value() of an operation without a value is a nil node, marshalled as null.
describe("JSON patch paths and values as json-patch v4's findObject and Operation.value read them", () => {
  const jsonPatch = (name: string, ops: unknown) => send("PATCH", `${cms}/${name}`, ops, "application/json-patch+json");
  const unprocessable = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server rejected our request due to an error in our request", reason: "Invalid", details: {}, code: 422 };
  const fresh = async (name: string) => {
    const r = await send("POST", cms, { metadata: { name }, data: { x: "1" } });
    expect(r.code).toBe(201);
    return status(r);
  };

  it("an add or replace without a value writes null, which a ConfigMap's data decodes as an empty string", async () => {
    await fresh("no-value");
    const r = await jsonPatch("no-value", [{ op: "add", path: "/data/y" }, { op: "replace", path: "/data/x" }]);
    expect([r.code, status(r).data]).toEqual([200, { x: "", y: "" }]);
  });

  it("the first part of a path is dropped whatever it holds: x/metadata/labels is /metadata/labels", async () => {
    await fresh("first-part");
    const r = await jsonPatch("first-part", [{ op: "add", path: "x/metadata/labels", value: { app: "web" } }]);
    expect([r.code, status(r).metadata.labels]).toEqual([200, { app: "web" }]);
  });

  it("so zz/zz adds a top-level field zz: an unknown field, a warning under the default Warn, and nothing written", async () => {
    const before = await fresh("unknown-top");
    const r = await jsonPatch("unknown-top", [{ op: "add", path: "zz/zz", value: "1" }]);
    expect([r.code, r.headers.warning, status(r).metadata.resourceVersion]).toEqual([200, '299 - "unknown field \\"zz\\""', before.metadata.resourceVersion]);
  });

  it("a path without a / names no container: 422, and nothing changes", async () => {
    const before = await fresh("no-slash");
    const r = await jsonPatch("no-slash", [{ op: "add", path: "data", value: { y: "2" } }]);
    expect([r.code, status(r)]).toEqual([422, unprocessable]);
    expect(status(await send("GET", `${cms}/no-slash`)).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it("the document itself (\"\") is no container for add, remove, copy or move: 422", async () => {
    const before = await fresh("root-ops");
    const doc = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "root-ops" }, data: { z: "9" } };
    for (const op of [{ op: "add", path: "", value: doc }, { op: "remove", path: "" }, { op: "copy", from: "", path: "/data/q" }, { op: "move", from: "/data", path: "" }, { op: "move", from: "", path: "/data/q" }]) {
      const r = await jsonPatch("root-ops", [op]);
      expect([r.code, status(r)], JSON.stringify(op)).toEqual([422, unprocessable]);
    }
    expect(status(await send("GET", `${cms}/root-ops`)).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it("replace of \"\" takes an object as the document, and a scalar silently changes nothing (a wrapped nil error)", async () => {
    const before = await fresh("root-replace");
    const scalar = await jsonPatch("root-replace", [{ op: "replace", path: "", value: "abc" }]);
    expect([scalar.code, status(scalar).data, status(scalar).metadata.resourceVersion]).toEqual([200, { x: "1" }, before.metadata.resourceVersion]);
    const empty = await jsonPatch("root-replace", [{ op: "replace", path: "", value: {} }]);
    expect([empty.code, status(empty)]).toEqual([400, badRequest("the name of the object (root-replace based on URL) was undeterminable: name must be provided")]);
    const doc = await jsonPatch("root-replace", [{ op: "replace", path: "", value: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "root-replace" }, data: { z: "9" } } }]);
    expect([doc.code, status(doc).data]).toEqual([200, { z: "9" }]);
  });
});

// pkg/apis/core/v1/conversion.go's field label conversions, then the registries' ToSelectableFields
describe("field selectors of pods and replication controllers, as core/v1's conversions take them", () => {
  const names = (r: { body: string }) => status(r).items.map((i: any) => i.metadata.name);

  it("a pod's status.podIPs is a label the conversion takes, yet no selectable field: every pod's is empty", async () => {
    const pod = { metadata: { name: "placed" }, spec: { nodeName: "elsewhere", containers: [{ name: "c", image: "nginx" }] } };
    expect((await send("POST", `${ns}/pods`, pod)).code).toBe(201);
    const none = await send("GET", `${ns}/pods?fieldSelector=status.podIPs%3D10.0.0.1`);
    expect([none.code, names(none)]).toEqual([200, []]);
    const empty = await send("GET", `${ns}/pods?fieldSelector=status.podIPs%3D`);
    expect([empty.code, names(empty)]).toEqual([200, ["placed"]]);
  });

  it("spec.host, for old clients, is spec.nodeName", async () => {
    const r = await send("GET", `${ns}/pods?fieldSelector=spec.host%3Delsewhere`);
    expect([r.code, names(r)]).toEqual([200, ["placed"]]);
    const other = await send("GET", `${ns}/pods?fieldSelector=spec.host%3Dnode-9`);
    expect([other.code, names(other)]).toEqual([200, []]);
  });

  it("a replication controller is selected by status.replicas; another label is not supported", async () => {
    const rc = { metadata: { name: "rc0" }, spec: { replicas: 0, selector: { app: "rc0" }, template: { metadata: { labels: { app: "rc0" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } } };
    expect((await send("POST", `${ns}/replicationcontrollers`, rc)).code).toBe(201);
    const r = await send("GET", `${ns}/replicationcontrollers?fieldSelector=status.replicas%3D0`);
    expect([r.code, names(r)]).toEqual([200, ["rc0"]]);
    const refused = await send("GET", `${ns}/replicationcontrollers?fieldSelector=spec.replicas%3D0`);
    expect([refused.code, status(refused)]).toEqual([400, badRequest("field label not supported: spec.replicas")]);
  });
});
