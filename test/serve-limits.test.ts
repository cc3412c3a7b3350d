// The limits kube-apiserver puts on what a client can make it hold or do, through a live
// `podflow serve`: authentication before the body is read, 3 MiB bodies, 1 MiB ConfigMaps and
// Secrets, etcd's 1.5 MiB requests, the max-in-flight filter, watches that do not read, malformed
// paths, and a request whose handling throws (a 500 that takes nothing else down).

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { request, type RequestOptions } from "node:https";
import type { IncomingMessage } from "node:http";
import { assign, type AnyStateMachine } from "xstate";
import { serve, raw, until, type Served } from "./serve-helpers.js";
import { createCluster } from "../runtime/cluster.js";
import { startServer } from "../runtime/server/http.js";
import * as L from "../machines/apiserver/apiserver.logic.js";
import type { ApiServerContext } from "../machines/apiserver/apiserver.logic.js";

const MiB = 1024 * 1024;

/** Opens a request and sends its headers (and `first` bytes of body) without ending it. */
function openRequest(s: Served, method: string, path: string, headers: Record<string, string | number>, first?: Buffer) {
  const url = new URL(path, s.server.url);
  const opts: RequestOptions = { method, ca: s.server.caCert, headers };
  const req = request(url, opts);
  const response = new Promise<{ code: number; body: string; headers: IncomingMessage["headers"] }>((resolve, reject) => {
    req.on("response", (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ code: res.statusCode ?? 0, body, headers: res.headers }));
    });
    // the server may close before the client has written everything: the answer already came
    req.on("error", (e) => reject(e));
  });
  req.flushHeaders();
  if (first) req.write(first);
  return { req, response };
}

const configMap = (name: string, data: Record<string, string> = { a: "b" }) => JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data });

describe("limits of podflow serve", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });

  it("a path with a malformed %-escape gets Go's 400 Bad Request, and the server goes on", async () => {
    const r = await raw(s, "GET", "/api/v1/namespaces/default/pods/%E0%A4%A", { token: s.cluster.adminToken });
    expect(r.code).toBe(400);
    expect(r.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(r.body).toBe("400 Bad Request");
    expect((await raw(s, "GET", "/version")).code).toBe(200);
  });

  it("an escaped slash is a slash, as Go unescapes the whole path before it is split", async () => {
    // pods/a%2Fstatus is pods/a/status: the status of pod a, which does not exist
    const r = await raw(s, "GET", "/api/v1/namespaces/default/pods/a%2Fstatus", { token: s.cluster.adminToken });
    expect(r.code).toBe(404);
    expect(JSON.parse(r.body).message).toBe('pods "a" not found');
  });

  // secure_serving.go serves with MaxHeaderBytes 1 << 20: a request line and headers up to 1 MiB
  // and net/http's 4096 bytes of bufio slop are read (Node's own default, 16 KiB, refused a long
  // selector kube-apiserver serves); past it, 431.
  it("a 200 KiB label selector is served as kube-apiserver serves it; a request line past 1 MiB + 4096 is 431", async () => {
    const values = Array.from({ length: 25_000 }, (_, i) => `v${i}`).join(",");
    const long = `/api/v1/namespaces/default/configmaps?labelSelector=${encodeURIComponent(`k in (${values})`)}`;
    expect(long.length).toBeGreaterThan(200 * 1024);
    const r = await raw(s, "GET", long, { token: s.cluster.adminToken });
    expect(r.code).toBe(200);
    expect(JSON.parse(r.body).items).toEqual([]);
    const huge = await raw(s, "GET", `/api/v1/namespaces/default/configmaps?labelSelector=${"a".repeat(MiB + 4096)}`, { token: s.cluster.adminToken }).catch((e: Error) => ({ code: 0, body: e.message }));
    expect(huge.code).toBe(431);
    expect((await raw(s, "GET", "/version")).code).toBe(200);
  });

  it("an unauthenticated POST is refused with 401 before its body is read: the server answers after 64 KiB of a declared 3 MiB", async () => {
    const { req, response } = openRequest(s, "POST", "/api/v1/namespaces/default/configmaps", { Authorization: "Bearer not-a-token", "Content-Type": "application/json", "Content-Length": 3 * MiB }, Buffer.alloc(64 * 1024, 32));
    const r = await response;
    req.destroy();
    expect(r.code).toBe(401);
    expect(JSON.parse(r.body)).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 });
    expect(r.headers.connection).toBe("close");
  });

  it("a body over 3 MiB is refused with kube-apiserver's 413, whether its length is declared or streamed", async () => {
    const want = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Request entity too large: limit is 3145728", reason: "RequestEntityTooLarge", code: 413 };
    const declared = openRequest(s, "POST", "/api/v1/namespaces/default/configmaps", { Authorization: `Bearer ${s.cluster.adminToken}`, "Content-Type": "application/json", "Content-Length": 3 * MiB + 1 });
    const r1 = await declared.response;
    declared.req.destroy();
    expect([r1.code, JSON.parse(r1.body)]).toEqual([413, want]);
    // chunked: no length up front; reading stops at the limit
    const streamed = openRequest(s, "POST", "/api/v1/namespaces/default/configmaps", { Authorization: `Bearer ${s.cluster.adminToken}`, "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
    for (let i = 0; i < 4; i++) streamed.req.write(Buffer.alloc(MiB, 32));
    const r2 = await streamed.response;
    streamed.req.destroy();
    expect([r2.code, JSON.parse(r2.body)]).toEqual([413, want]);
    expect((await raw(s, "GET", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken })).code).toBe(200);
  });

  it("a ConfigMap over 1 MiB of data is invalid, worded as ValidateConfigMap", async () => {
    const r = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken, body: configMap("big", { a: "x".repeat(MiB), b: "y" }) });
    expect(r.code).toBe(422);
    expect(JSON.parse(r.body)).toMatchObject({ reason: "Invalid", message: 'ConfigMap "big" is invalid: []: Too long: may not be more than 1048576 bytes', details: { name: "big", kind: "ConfigMap", causes: [{ reason: "FieldValueTooLong", message: "Too long: may not be more than 1048576 bytes", field: "[]" }] } });
  });

  it("an object over etcd's 1.5 MiB is refused as the API server passes etcd's error on, and nothing is stored", async () => {
    // A Pod's env values have no size limit of their own: only etcd's request limit stops it.
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "huge" }, spec: { containers: [{ name: "c", image: "nginx", env: [{ name: "BIG", value: "x".repeat(1.6 * MiB) }] }] } };
    const r = await raw(s, "POST", "/api/v1/namespaces/default/pods", { token: s.cluster.adminToken, body: JSON.stringify(pod) });
    expect(r.code).toBe(500);
    expect(JSON.parse(r.body)).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "etcdserver: request is too large", code: 500 });
    expect((await raw(s, "GET", "/api/v1/namespaces/default/pods/huge", { token: s.cluster.adminToken })).code).toBe(404);
  });

  // handlers/patch.go: more than maxJSONPatchOperations is NewRequestEntityTooLargeError; a failed
  // Apply (json-patch's AccumulatedCopySizeError past JSONPatchMaxCopyBytes, 3 MiB) is
  // NewGenericServerResponse's 422.
  it("a JSON patch of 10,001 operations is 413, and one whose copies double a subtree is 422 at 3 MiB: the server answers on and nothing changes", async () => {
    const path = "/api/v1/namespaces/default/configmaps/patched";
    expect((await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken, body: configMap("patched", { a: "x".repeat(1024) }) })).code).toBe(201);
    const before = JSON.parse((await raw(s, "GET", path, { token: s.cluster.adminToken })).body);
    const headers = { "Content-Type": "application/json-patch+json" };
    const many = JSON.stringify(Array.from({ length: 10_001 }, () => ({ op: "test", path: "/metadata/name", value: "patched" })));
    const r1 = await raw(s, "PATCH", path, { token: s.cluster.adminToken, body: many, headers });
    expect([r1.code, JSON.parse(r1.body)]).toEqual([413, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001", reason: "RequestEntityTooLarge", code: 413 }]);
    // 40 doublings of /data would be a terabyte: the copies stop past 3 MiB
    const doubling = JSON.stringify([{ op: "copy", from: "/data", path: "/metadata/annotations" }, ...Array.from({ length: 40 }, (_, i) => ({ op: "copy", from: "/metadata/annotations", path: `/metadata/annotations/c${i}` }))]);
    const r2 = await raw(s, "PATCH", path, { token: s.cluster.adminToken, body: doubling, headers });
    expect(r2.code).toBe(422);
    expect(JSON.parse(r2.body)).toMatchObject({ reason: "Invalid", message: "the server rejected our request due to an error in our request" });
    expect((await raw(s, "GET", "/version")).code).toBe(200);
    expect(JSON.parse((await raw(s, "GET", path, { token: s.cluster.adminToken })).body)).toEqual(before);
  }, 60_000);

  it("a watch whose client stops reading is ended once it holds more than its bound; a reading watch gets every event", async () => {
    const path = "/api/v1/namespaces/default/configmaps?watch=true&labelSelector=flood%3Dyes";
    const auth = { Authorization: `Bearer ${s.cluster.adminToken}` };
    const stalled = await new Promise<IncomingMessage>((resolve) => request(new URL(path, s.server.url), { ca: s.server.caCert, headers: auth }, resolve).end());
    stalled.pause();
    let reading = "";
    const reader = await new Promise<IncomingMessage>((resolve) => request(new URL(path, s.server.url), { ca: s.server.caCert, headers: auth }, resolve).end());
    reader.on("data", (d) => (reading += d));
    // 300 ConfigMaps of 64 KiB: ~19 MiB, more than the socket buffers and the 1 MiB bound together
    const n = 300;
    for (let i = 0; i < n; i++) {
      const r = await s.cluster.request({ verb: "create", group: "", resource: "configmaps", namespace: "default", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `flood-${i}`, labels: { flood: "yes" } }, data: { a: "x".repeat(64 * 1024) } } });
      expect(r.ok).toBe(true);
    }
    expect(await until(async () => reading.split("\n").filter((l) => l.startsWith('{"type":"ADDED"')).length === n, 20_000, 100)).toBe(true);
    let stalledText = "";
    let ended = false;
    const end = new Promise<void>((resolve) => stalled.on("end", () => resolve(void (ended = true))));
    stalled.on("data", (d) => (stalledText += d));
    stalled.resume();
    await Promise.race([end, new Promise((r) => setTimeout(r, 15_000))]);
    expect(ended).toBe(true);
    const got = stalledText.split("\n").filter((l) => l.startsWith('{"type":"ADDED"')).length;
    expect(got).toBeLessThan(n);
    expect(reader.complete).toBe(false);
    reader.destroy();
  }, 120_000);
});

describe("the max-in-flight filter", () => {
  it("past --max-mutating-requests-inflight a write gets 429 with Retry-After, as plain text", async () => {
    const cluster = createCluster({ seed: 1, clock: "live", speed: 10, trace: false, only: ["etcd", "apiserver"] });
    const server = await startServer({ cluster, port: 0, maxRequestsInFlight: { readonly: 5, mutating: 1 } });
    const s = { cluster, server } as Served;
    try {
      // one write holds the only mutating slot while its body is still coming
      const slow = openRequest(s, "POST", "/api/v1/namespaces/default/configmaps", { Authorization: `Bearer ${cluster.adminToken}`, "Content-Type": "application/json", "Content-Length": 1000 }, Buffer.from("{"));
      await new Promise((r) => setTimeout(r, 200));
      const r = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: cluster.adminToken, body: configMap("second") });
      expect(r.code).toBe(429);
      expect(r.headers["retry-after"]).toBe("1");
      expect(r.body).toBe("Too many requests, please try again later.\n");
      // reads have their own limit
      expect((await raw(s, "GET", "/api/v1/namespaces/default/configmaps", { token: cluster.adminToken })).code).toBe(200);
      slow.req.destroy();
      slow.response.catch(() => undefined);
    } finally {
      await server.close();
      await cluster.stop();
    }
  });
});

// WithTimeoutForNonLongRunningRequests (k8s.io/apiserver pkg/server/filters/timeout.go): past
// --request-timeout a request whose handler has written nothing gets 504 with
// NewTimeoutError("request did not complete within the allotted timeout", 0), encoded bare by
// baseTimeoutWriter.timeout. Without it a body that never ends held its max-in-flight slot until
// Node's own 300 s request timeout.
describe("the timeout filter", () => {
  it("a write whose body never ends gets 504 Timeout at --request-timeout, frees its max-in-flight slot and stores nothing; a watch outlives it", async () => {
    const cluster = createCluster({ seed: 1, clock: "live", speed: 10, trace: false, only: ["etcd", "apiserver"] });
    const server = await startServer({ cluster, port: 0, maxRequestsInFlight: { readonly: 5, mutating: 1 }, requestTimeoutMs: 1_000 });
    const s = { cluster, server } as Served;
    try {
      const t0 = Date.now();
      const stalled = openRequest(s, "POST", "/api/v1/namespaces/default/configmaps", { Authorization: `Bearer ${cluster.adminToken}`, "Content-Type": "application/json", "Transfer-Encoding": "chunked" }, Buffer.from(configMap("stalled").slice(0, 20)));
      const r = await stalled.response;
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
      expect(r.code).toBe(504);
      expect(JSON.parse(r.body)).toEqual({ metadata: {}, status: "Failure", message: "Timeout: request did not complete within the allotted timeout", reason: "Timeout", details: {}, code: 504 });
      expect(r.headers.connection).toBe("close");
      stalled.req.destroy();
      // the only mutating slot is free again
      const next = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: cluster.adminToken, body: configMap("after") });
      expect(next.code).toBe(201);
      expect((await raw(s, "GET", "/api/v1/namespaces/default/configmaps/stalled", { token: cluster.adminToken })).code).toBe(404);
      // a watch is long-running: it outlives the request timeout and still delivers
      const watch = await new Promise<IncomingMessage>((resolve) => request(new URL("/api/v1/namespaces/default/configmaps?watch=true", server.url), { ca: server.caCert, headers: { Authorization: `Bearer ${cluster.adminToken}` } }, resolve).end());
      let text = "";
      watch.on("data", (d) => (text += d));
      await new Promise((r) => setTimeout(r, 1_500));
      expect((await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: cluster.adminToken, body: configMap("seen") })).code).toBe(201);
      expect(await until(async () => text.includes('"name":"seen"'), 5_000, 50)).toBe(true);
      expect(watch.statusCode).toBe(200);
      watch.destroy();
    } finally {
      await server.close();
      await cluster.stop();
    }
  });

  it("a watch's timeoutSeconds past what a Node timer holds (24.8 days) leaves it open, and a small one still ends it", async () => {
    const cluster = createCluster({ seed: 1, clock: "live", speed: 10, trace: false, only: ["etcd", "apiserver"] });
    const server = await startServer({ cluster, port: 0 });
    try {
      const open = (timeout: string) => new Promise<IncomingMessage>((resolve) => request(new URL(`/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=${timeout}`, server.url), { ca: server.caCert, headers: { Authorization: `Bearer ${cluster.adminToken}` } }, resolve).end());
      const ended = (res: IncomingMessage) => new Promise<boolean>((resolve) => {
        res.resume();
        res.on("end", () => resolve(true));
        setTimeout(() => resolve(false), 1_500);
      });
      const far = await open("99999999999");
      const near = await open("1");
      expect(await Promise.all([ended(far), ended(near)])).toEqual([false, true]);
      far.destroy();
    } finally {
      await server.close();
      await cluster.stop();
    }
  });
});

/** An API server whose validation throws on any object named "explode", as a logic bug on a hostile shape would. */
function throwsOnExplode(m: AnyStateMachine): AnyStateMachine {
  return m.provide({
    actions: {
      runValidation: assign(({ context }: { context: ApiServerContext }) => {
        if (context.current?.obj?.metadata?.name === "explode") throw new TypeError("Cannot read properties of undefined (reading 'explode')");
        return L.runValidation(context);
      }),
    },
  } as never);
}

describe("a request whose handling throws", () => {
  it("gets 500 InternalError; the server keeps serving and nothing is written", async () => {
    const cluster = createCluster({ seed: 1, clock: "live", speed: 10, trace: false, only: ["etcd", "apiserver"] });
    cluster.runtime.replace("apiserver", throwsOnExplode);
    const server = await startServer({ cluster, port: 0 });
    const s = { cluster, server } as Served;
    try {
      await until(async () => (await raw(s, "GET", "/api/v1/namespaces", { token: cluster.adminToken })).code === 200, 10_000);
      const revision = cluster.runtime.snapshot("etcd").context.revision;
      const r = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: cluster.adminToken, body: configMap("explode") });
      expect(r.code).toBe(500);
      expect(JSON.parse(r.body)).toEqual({
        kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", code: 500, reason: "InternalError",
        message: "Internal error occurred: Cannot read properties of undefined (reading 'explode')",
        details: { causes: [{ message: "Cannot read properties of undefined (reading 'explode')" }] },
      });
      expect(cluster.runtime.snapshot("etcd").context.revision).toBe(revision);
      expect((await raw(s, "GET", "/version")).code).toBe(200);
      expect((await raw(s, "GET", "/api/v1/namespaces/default/configmaps/explode", { token: cluster.adminToken })).code).toBe(404);
      const ok = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: cluster.adminToken, body: configMap("fine") });
      expect(ok.code).toBe(201);
      expect(cluster.runtime.internalErrors.map((e) => e.message)).toEqual(["Cannot read properties of undefined (reading 'explode')"]);
    } finally {
      await server.close();
      await cluster.stop();
    }
  });
});

describe("the simulation never starves the HTTP server", () => {
  it("/version answers within seconds while a Deployment's 2000 pods are being created", async () => {
    const cluster = createCluster({ nodes: 20, seed: 1, clock: "live", speed: 1, trace: false });
    const server = await startServer({ cluster, port: 0 });
    const s = { cluster, server } as Served;
    try {
      await cluster.apply({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 2000, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx", resources: { requests: { cpu: "1m" } } }] } } } });
      const probes: Array<{ ms: number; busy: boolean }> = [];
      const end = Date.now() + 6000;
      while (Date.now() < end) {
        const t = performance.now();
        const r = await raw(s, "GET", "/version");
        expect(r.code).toBe(200);
        probes.push({ ms: performance.now() - t, busy: cluster.runtime.inFlight > 0 });
        await new Promise((r) => setTimeout(r, 100));
      }
      // the cluster was at work during the probes, and the server answered each of them;
      // the bound is generous (a shared machine): before the live clock ran in slices, the
      // first answer came only after every pod was running (about two minutes).
      expect(probes.some((p) => p.busy)).toBe(true);
      expect(Math.max(...probes.map((p) => p.ms))).toBeLessThan(5000);
    } finally {
      await server.close();
      await cluster.stop();
    }
  }, 60_000);
});
