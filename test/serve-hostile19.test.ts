// The nineteenth hostile round, each answer checked against kube-apiserver 1.35's source: an
// Accept clause's conversion (as=PartialObjectMetadata, PartialObjectMetadataList, a v1beta1 Table)
// is made of the clause negotiation settles on, as handlers/response.go's doTransformObject makes it,
// with its 406s; and a proxy subresource's path is cleaned before it leaves the API server
// (getRequestOptions in handlers/rest.go, then net.JoinPreservingTrailingSlash in the proxy REST).

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { request } from "node:https";
import { raw, serve, until, type Served } from "./serve-helpers.js";

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
    const plain = json(await send("GET", cms));
    const r = await send("GET", cms, undefined, asked("PartialObjectMetadataList"));
    expect(r.code).toBe(200);
    const list = json(r);
    expect([list.kind, list.apiVersion, list.metadata.resourceVersion]).toEqual(["PartialObjectMetadataList", "meta.k8s.io/v1", plain.metadata.resourceVersion]);
    expect(list.items).toEqual(plain.items.map((i: any) => ({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: i.metadata })));
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
