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
