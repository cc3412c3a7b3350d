// The nineteenth hostile round, each answer checked against kube-apiserver 1.35's source: an
// Accept clause's conversion (as=PartialObjectMetadata, PartialObjectMetadataList, a v1beta1 Table)
// is made of the clause negotiation settles on, as handlers/response.go's doTransformObject makes it,
// with its 406s; a proxy subresource's path is cleaned before it leaves the API server
// (getRequestOptions in handlers/rest.go, then net.JoinPreservingTrailingSlash in the proxy REST);
// and an object a mutating webhook patched is decoded, converted and checked by the store as
// kube-apiserver does.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { request } from "node:https";
import { raw, serve, startWebhookServer, until, type Served, type WebhookServer } from "./serve-helpers.js";

let s: Served;
const ns = "/api/v1/namespaces/default";
const cms = `${ns}/configmaps`;
const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return raw(s, method, path, { token: s.cluster.adminToken, ...(text !== undefined ? { body: text } : {}), headers: { ...(text !== undefined ? { "Content-Type": "application/json" } : {}), ...headers } });
};
const json = (r: { body: string }) => JSON.parse(r.body);
const asked = (as: string, v = "v1") => ({ Accept: `application/json;as=${as};g=meta.k8s.io;v=${v}` });
const notAcceptable = (message: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "NotAcceptable", code: 406 });

/** A GET whose path is sent as written: no client-side removal of dot segments (as curl --path-as-is, or Go's client). */
function rawPath(path: string): Promise<{ code: number; body: string }> {
  const url = new URL(s.server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: "GET", path, ca: s.server.caCert, headers: { Authorization: `Bearer ${s.cluster.adminToken}` } }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

beforeAll(async () => {
  s = await serve({ nodes: 1 });
  expect((await send("POST", cms, { metadata: { name: "meta-a", labels: { app: "a" } }, data: { k: "v" } })).code).toBe(201);
  expect((await send("POST", cms, { metadata: { name: "meta-b" }, data: { k: "w" } })).code).toBe(201);
}, 40_000);
afterAll(async () => {
  await s?.stop();
});

// staging/src/k8s.io/apiserver/pkg/endpoints/handlers/response.go: asPartialObjectMetadata(List)
describe("Accept: as=PartialObjectMetadataList and as=PartialObjectMetadata (client-go's metadata client)", () => {
  it("a list is the items' metadata, each item a PartialObjectMetadata, the list's resourceVersion kept", async () => {
    const a = json(await send("GET", `${cms}/meta-a`));
    const r = await send("GET", cms, undefined, asked("PartialObjectMetadataList"));
    expect(r.code).toBe(200);
    const list = json(r);
    expect([list.kind, list.apiVersion, typeof list.metadata.resourceVersion]).toEqual(["PartialObjectMetadataList", "meta.k8s.io/v1", "string"]);
    expect(list.items).toContainEqual({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: a.metadata });
    expect(list.items.map((i: any) => i.metadata.name)).toEqual(expect.arrayContaining(["meta-a", "meta-b"]));
    expect(list.items.some((i: any) => "data" in i)).toBe(false);
  });

  it("meta.k8s.io/v1beta1 is answered in v1beta1, items too; a page keeps its continue and remainingItemCount", async () => {
    const r = await send("GET", `${cms}?limit=1`, undefined, asked("PartialObjectMetadataList", "v1beta1"));
    const list = json(r);
    expect([r.code, list.kind, list.apiVersion, list.items.length, list.items[0].apiVersion]).toEqual([200, "PartialObjectMetadataList", "meta.k8s.io/v1beta1", 1, "meta.k8s.io/v1beta1"]);
    expect(typeof list.metadata.continue).toBe("string");
    expect(list.metadata.remainingItemCount).toBeGreaterThan(0);
  });

  it("one object is its metadata alone", async () => {
    const plain = json(await send("GET", `${cms}/meta-a`));
    const r = await send("GET", `${cms}/meta-a`, undefined, asked("PartialObjectMetadata"));
    expect([r.code, json(r)]).toEqual([200, { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: plain.metadata }]);
  });

  it("a list asked as one object, or an object asked as a list, is errNotAcceptable's 406 naming the registry's Go type", async () => {
    const list = await send("GET", cms, undefined, asked("PartialObjectMetadata"));
    expect([list.code, json(list)]).toEqual([406, notAcceptable("you requested PartialObjectMetadata, but the requested object is a list (*core.ConfigMapList)")]);
    const one = await send("GET", `${cms}/meta-a`, undefined, asked("PartialObjectMetadataList"));
    expect([one.code, json(one)]).toEqual([406, notAcceptable("you requested PartialObjectMetadataList, but the requested object is not a list (*core.ConfigMap)")]);
    const deployments = await send("GET", "/apis/apps/v1/deployments", undefined, asked("PartialObjectMetadata"));
    expect([deployments.code, json(deployments).message]).toEqual([406, "you requested PartialObjectMetadata, but the requested object is a list (*apps.DeploymentList)"]);
  });

  it("the transform comes after the read: a missing object is still its 404", async () => {
    const r = await send("GET", `${cms}/absent`, undefined, asked("PartialObjectMetadataList"));
    expect([r.code, json(r).reason]).toEqual([404, "NotFound"]);
  });

  it("only the clause negotiation settles on counts: a PartialObjectMetadataList clause before a Table clause is no Table", async () => {
    const r = await send("GET", cms, undefined, { Accept: "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json;as=Table;g=meta.k8s.io;v=v1" });
    expect([r.code, json(r).kind]).toEqual([200, "PartialObjectMetadataList"]);
  });

  it("a watch sends every event's object, bookmarks included, as PartialObjectMetadata", async () => {
    const r = await send("GET", `${cms}?watch=1&timeoutSeconds=1&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan`, undefined, asked("PartialObjectMetadata"));
    const events = r.body.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
    expect(events.filter((e) => e.type === "ADDED").map((e) => e.object.metadata.name)).toEqual(expect.arrayContaining(["meta-a", "meta-b"]));
    expect(events.length).toBeGreaterThan(2);
    for (const e of events) expect([e.object.kind, e.object.apiVersion, "data" in e.object]).toEqual(["PartialObjectMetadata", "meta.k8s.io/v1", false]);
    expect(events.some((e) => e.type === "BOOKMARK")).toBe(true);
  });
});

// response.go: asTable takes meta.k8s.io v1beta1 as well as v1
describe("Accept: as=Table;g=meta.k8s.io;v=v1beta1", () => {
  it("is a Table in v1beta1, its rows' objects PartialObjectMetadata in v1beta1", async () => {
    const r = await send("GET", cms, undefined, asked("Table", "v1beta1"));
    const t = json(r);
    expect([r.code, t.kind, t.apiVersion, t.columnDefinitions[0].name]).toEqual([200, "Table", "meta.k8s.io/v1beta1", "Name"]);
    expect(t.rows.map((row: any) => row.object.apiVersion)).toEqual(t.rows.map(() => "meta.k8s.io/v1beta1"));
  });

  it("one object too", async () => {
    const r = await send("GET", `${cms}/meta-a`, undefined, asked("Table", "v1beta1"));
    expect([r.code, json(r).apiVersion, json(r).rows[0].cells[0]]).toEqual([200, "meta.k8s.io/v1beta1", "meta-a"]);
  });
});

// staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go getRequestOptions (the RequestInfo
// parts after proxy, unescaped) and pkg/registry/core/node/rest/proxy.go, whose location's path is
// net.JoinPreservingTrailingSlash(location.Path, proxyOpts.Path): a path.Join, so no dot segment survives
describe("a proxy subresource's path with dot segments, cleaned before it reaches the kubelet or the pod", () => {
  it("nodes/x/proxy/../configz is the kubelet's /configz", async () => {
    const r = await rawPath("/api/v1/nodes/node-1/proxy/../configz");
    expect(r.code).toBe(200);
    expect(Object.keys(json(r))).toEqual(["kubeletconfig"]);
  });

  it("escaped dots and slashes are unescaped first: %2e%2e/x/../configz and ..%2f..%2fhealthz", async () => {
    expect((await rawPath("/api/v1/nodes/node-1/proxy/%2e%2e/x/../configz")).code).toBe(200);
    const health = await rawPath("/api/v1/nodes/node-1/proxy/..%2f..%2fhealthz");
    expect([health.code, health.body]).toEqual([200, "ok"]);
  });

  it("logs/../../healthz never leaves the kubelet's root: it is /healthz", async () => {
    const r = await rawPath("/api/v1/nodes/node-1/proxy/logs/../../healthz");
    expect([r.code, r.body]).toEqual([200, "ok"]);
  });

  it("a pod named proxy in a namespace named proxy: the path is what follows the subresource, not the first /proxy", async () => {
    expect((await send("POST", "/api/v1/namespaces", { metadata: { name: "proxy" } })).code).toBe(201);
    const pod = { metadata: { name: "proxy" }, spec: { containers: [{ name: "web", image: "nginx:1.27", ports: [{ containerPort: 80 }] }] } };
    expect((await send("POST", "/api/v1/namespaces/proxy/pods", pod)).code).toBe(201);
    const running = await until(async () => json(await send("GET", "/api/v1/namespaces/proxy/pods/proxy")).status?.phase === "Running", 30_000);
    expect(running).toBe(true);
    const r = await until(async () => {
      const a = await rawPath("/api/v1/namespaces/proxy/pods/proxy/proxy/");
      return a.code === 200 ? a : undefined;
    }, 10_000);
    expect(r?.body).toContain("Welcome to nginx!");
    const dotted = await rawPath("/api/v1/namespaces/proxy/pods/proxy/proxy/a/b/../../");
    expect([dotted.code, dotted.body.includes("Welcome to nginx!")]).toEqual([200, true]);
  }, 45_000);
});


// k8s.io/apiserver pkg/admission/plugin/webhook/mutating/dispatcher.go (callAttrMutatingHook decodes
// the patched JSON into the request's kind; Dispatch converts it to the internal type once every
// webhook ran), then the store: registry/rest/create.go BeforeCreate's
// EnsureObjectNamespaceMatchesRequestNamespace, and store.go create's key from the object's name
describe("a mutating webhook whose patch moves, renames or retypes the object", () => {
  let hooks: WebhookServer | undefined;
  let port = 0;
  let caBundle = "";
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64");
  const patches = new Map<string, unknown[]>([
    ["/namespace", [{ op: "replace", path: "/metadata/namespace", value: "kube-system" }]],
    ["/no-namespace", [{ op: "remove", path: "/metadata/namespace" }]],
    ["/rename", [{ op: "replace", path: "/metadata/name", value: "wh-renamed" }]],
    ["/secret", [{ op: "replace", path: "/kind", value: "Secret" }]],
    ["/v2", [{ op: "replace", path: "/apiVersion", value: "v2" }]],
  ]);
  const mwc = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations";
  const configure = async (path: string) => {
    await send("DELETE", `${mwc}/hostile19`);
    const rule = { operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["configmaps"] };
    const made = await send("POST", mwc, { metadata: { name: "hostile19" }, webhooks: [{ name: "h.hostile19.test", clientConfig: { url: `https://127.0.0.1:${port}${path}`, caBundle }, rules: [rule], objectSelector: { matchLabels: { hooked: "yes" } }, sideEffects: "None", admissionReviewVersions: ["v1"] }] });
    expect(made.code).toBe(201);
  };
  const hooked = (name: string) => ({ metadata: { name, labels: { hooked: "yes" } }, data: { k: "v" } });

  beforeAll(async () => {
    hooks = await startWebhookServer((review, url, res) => {
      const path = url.split("?")[0]!;
      res.setHeader("Content-Type", "application/json");
      if (path === "/malformed") return void res.end("{not json");
      const ops = patches.get(path);
      res.end(JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response: { uid: review.request.uid, allowed: true, ...(ops ? { patchType: "JSONPatch", patch: b64(ops) } : {}) } }));
    });
    ({ port, caBundle } = hooks);
  });
  afterAll(async () => {
    await hooks?.close();
  });

  it("into another namespace: BeforeCreate's 400, and nothing is stored in either", async () => {
    await configure("/namespace");
    const r = await send("POST", cms, hooked("wh-moved"));
    expect([r.code, json(r)]).toEqual([400, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the namespace of the provided object does not match the namespace sent on the request", reason: "BadRequest", code: 400 }]);
    expect((await send("GET", `${cms}/wh-moved`)).code).toBe(404);
    expect((await send("GET", "/api/v1/namespaces/kube-system/configmaps/wh-moved")).code).toBe(404);
  });

  it("with its namespace removed: the request's namespace is set again, and it is created", async () => {
    await configure("/no-namespace");
    const r = await send("POST", cms, hooked("wh-unset"));
    expect([r.code, json(r).metadata.namespace]).toEqual([201, "default"]);
    expect((await send("GET", `${cms}/wh-unset`)).code).toBe(200);
  });

  it("renamed on create: the store keys it by the patched name, which a GET finds", async () => {
    await configure("/rename");
    const r = await send("POST", cms, hooked("wh-named"));
    expect([r.code, json(r).metadata.name]).toEqual([201, "wh-renamed"]);
    expect([(await send("GET", `${cms}/wh-renamed`)).code, (await send("GET", `${cms}/wh-named`)).code]).toEqual([200, 404]);
    // the taken name is storage's AlreadyExists, found after admission
    const again = await send("POST", cms, hooked("wh-named-2"));
    expect([again.code, json(again).message]).toEqual([409, 'configmaps "wh-renamed" already exists']);
  });

  it("retyped as a Secret: the conversion to core.ConfigMap fails, a 500 with no reason, and nothing is stored", async () => {
    await configure("/secret");
    const r = await send("POST", cms, hooked("wh-secret"));
    expect([r.code, json(r)]).toEqual([500, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "converting (v1.Secret) to (core.ConfigMap): unknown conversion", code: 500 }]);
    expect((await send("GET", `${cms}/wh-secret`)).code).toBe(404);
    expect((await send("GET", `${ns}/secrets/wh-secret`)).code).toBe(404);
  });

  it("given a version no kind is registered in: the scheme's error, an internal error", async () => {
    await configure("/v2");
    const r = await send("POST", cms, hooked("wh-v2"));
    const message = 'no kind "ConfigMap" is registered for version "v2" in scheme "pkg/api/legacyscheme/scheme.go:30"';
    expect([r.code, json(r)]).toEqual([500, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `Internal error occurred: ${message}`, reason: "InternalError", details: { causes: [{ message }] }, code: 500 }]);
    expect((await send("GET", `${cms}/wh-v2`)).code).toBe(404);
  });

  it("an answer that is no JSON is the json serializer's error in encoding/json's words", async () => {
    await configure("/malformed");
    const r = await send("POST", cms, hooked("wh-malformed"));
    expect([r.code, json(r).message]).toEqual([500, 'Internal error occurred: failed calling webhook "h.hostile19.test": failed to call webhook: couldn\'t get version/kind; json parse error: invalid character \'n\' looking for beginning of object key string']);
    expect((await send("GET", `${cms}/wh-malformed`)).code).toBe(404);
    await send("DELETE", `${mwc}/hostile19`);
  });
});
