// A read at a resourceVersion the API server has not reached, through a live `podflow serve`: the
// watch cache waits for it up to blockTimeout (3 s, waitUntilFreshAndBlock) and then answers
// NewTooLargeResourceVersionError (504 Timeout, Retry-After 1, cause ResourceVersionTooLarge);
// a write that reaches it meanwhile lets the read through.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { serve, raw, type Served } from "./serve-helpers.js";
import { freshnessTimeoutMs, minRequestTimeoutMs, watchTimeoutMs } from "../runtime/server/http.js";

describe("a get or list at a future resourceVersion", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });
  const current = () => s.cluster.cacheRevision();

  it("a list waits 3 s, then is 504 Too large resource version with Retry-After", async () => {
    const want = current() + 1_000_000;
    const start = Date.now();
    const r = await raw(s, "GET", `/api/v1/namespaces/default/configmaps?resourceVersion=${want}&resourceVersionMatch=NotOlderThan`, { token: s.cluster.adminToken });
    expect(Date.now() - start).toBeGreaterThanOrEqual(freshnessTimeoutMs - 50);
    expect(r.code).toBe(504);
    expect(r.headers["retry-after"]).toBe("1");
    const st = JSON.parse(r.body);
    expect(st).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: expect.stringMatching(new RegExp(`^Timeout: Too large resource version: ${want}, current: \\d+$`)), reason: "Timeout", details: { causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }], retryAfterSeconds: 1 }, code: 504 });
  });

  it("a get at the largest uint64 says it digit for digit", async () => {
    const r = await raw(s, "GET", "/api/v1/namespaces/default/configmaps/kube-root-ca.crt?resourceVersion=18446744073709551615", { token: s.cluster.adminToken });
    expect(r.code).toBe(504);
    expect(JSON.parse(r.body).message).toMatch(/^Timeout: Too large resource version: 18446744073709551615, current: \d+$/);
  });

  it("a list at a resourceVersion a write reaches while it waits is served", async () => {
    const want = current() + 1;
    const list = raw(s, "GET", `/api/v1/namespaces/default/configmaps?resourceVersion=${want}`, { token: s.cluster.adminToken });
    await new Promise((r) => setTimeout(r, 300));
    const made = await raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken, body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "reached" } }) });
    expect(made.code).toBe(201);
    const r = await list;
    expect(r.code).toBe(200);
    expect(BigInt(JSON.parse(r.body).metadata.resourceVersion)).toBeGreaterThanOrEqual(BigInt(want));
  });

  it("an anonymous read is refused at once, before any wait", async () => {
    const start = Date.now();
    const r = await raw(s, "GET", `/api/v1/namespaces/default/configmaps?resourceVersion=${current() + 1_000}`);
    expect(r.code).toBe(403);
    expect(Date.now() - start).toBeLessThan(freshnessTimeoutMs);
  });

  // ListFromCacheSnapshot (beta, on since v1.34): shouldDelegateExactRV leaves an exact list at a
  // revision the cache has not reached to the cache, which waits for it as for any other read
  it.each([
    ["resourceVersionMatch=Exact", "resourceVersionMatch=Exact"],
    ["the legacy exact match (a limit, no resourceVersionMatch)", "limit=1"],
  ])("an exact list at a future resourceVersion (%s) waits 3 s, then is 504 Too large resource version", async (_what, query) => {
    const want = current() + 1_000;
    const start = Date.now();
    const r = await raw(s, "GET", `/api/v1/namespaces/default/configmaps?${query}&resourceVersion=${want}`, { token: s.cluster.adminToken });
    expect(Date.now() - start).toBeGreaterThanOrEqual(freshnessTimeoutMs - 50);
    expect([r.code, r.headers["retry-after"], JSON.parse(r.body).message]).toEqual([504, "1", expect.stringMatching(new RegExp(`^Timeout: Too large resource version: ${want}, current: \\d+$`))]);
  });

  it("a continue token forged with a future revision waits for it too", async () => {
    const want = current() + 1_000;
    const token = Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv: want, start: "a\u0000" })).toString("base64url");
    const start = Date.now();
    const r = await raw(s, "GET", `/api/v1/namespaces/default/configmaps?limit=1&continue=${token}`, { token: s.cluster.adminToken });
    expect(Date.now() - start).toBeGreaterThanOrEqual(freshnessTimeoutMs - 50);
    expect([r.code, JSON.parse(r.body).message]).toEqual([504, expect.stringMatching(new RegExp(`^Timeout: Too large resource version: ${want}, current: \\d+$`))]);
  });

  it("resourceVersion 0 and a past one are served at once", async () => {
    for (const rv of ["0", "1"]) {
      const start = Date.now();
      const r = await raw(s, "GET", `/api/v1/namespaces/default/configmaps?resourceVersion=${rv}`, { token: s.cluster.adminToken });
      expect(r.code).toBe(200);
      expect(Date.now() - start).toBeLessThan(1_000);
    }
  });
});

describe("a watch at a future resourceVersion", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });

  it("asking for initial events, it waits 3 s and its stream is the one ERROR event of the 504", async () => {
    const want = s.cluster.cacheRevision() + 1_000;
    const r = await raw(s, "GET", `/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=${want}`, { token: s.cluster.adminToken });
    expect(r.code).toBe(200);
    const events = r.body.trim().split("\n").map((l) => JSON.parse(l));
    expect(events).toEqual([{ type: "ERROR", object: expect.objectContaining({ code: 504, reason: "Timeout", message: expect.stringMatching(new RegExp(`^Timeout: Too large resource version: ${want}, current: \\d+$`)) }) }]);
  });

  it("a plain watch is established at once and sees the events past its resourceVersion", async () => {
    const { request } = await import("node:https");
    const url = new URL(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${s.cluster.cacheRevision() + 1}`, s.server.url);
    const got = await new Promise<{ code: number; first: string }>((resolve, reject) => {
      const req = request(url, { ca: s.server.caCert, headers: { Authorization: `Bearer ${s.cluster.adminToken}` } }, (res) => {
        res.once("data", (d) => {
          resolve({ code: res.statusCode ?? 0, first: String(d) });
          req.destroy();
        });
      });
      req.on("error", reject);
      req.end();
      setTimeout(() => void raw(s, "POST", "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken, body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "seen" } }) }), 200);
    });
    expect(got.code).toBe(200);
    expect(JSON.parse(got.first.split("\n")[0]!)).toMatchObject({ type: "ADDED", object: { metadata: { name: "seen" } } });
  });
});

// GetTimeoutForWatch: timeoutSeconds becomes a time.Duration (an int64 of nanoseconds, which a huge
// value overflows), a zero or absent one minRequestTimeout (1800 s) times 1 to 2; the watch server's
// timer fires at once for a timeout that is not positive, and the stream ends.
describe("how long a watch lasts", () => {
  it("timeoutSeconds as a Go Duration: negative or wrapping past int64 nanoseconds is at once, zero or absent 30 to 60 minutes", () => {
    expect(watchTimeoutMs("5")).toBe(5_000);
    expect(watchTimeoutMs("-1")).toBe(0);
    expect(watchTimeoutMs("9223372037")).toBe(0);
    expect(watchTimeoutMs("9223372036")).toBe(9_223_372_036_000);
    expect(watchTimeoutMs("0", () => 0)).toBe(minRequestTimeoutMs);
    expect(watchTimeoutMs(null, () => 0.5)).toBe(minRequestTimeoutMs * 1.5);
  });

  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });

  it.each(["-1", "9223372037"])("a watch with timeoutSeconds=%s is served and ends at once", async (t) => {
    const start = Date.now();
    const r = await raw(s, "GET", `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${s.cluster.cacheRevision()}&timeoutSeconds=${t}`, { token: s.cluster.adminToken });
    // the stream ends (the response completes) before any timer of a live watch would: at most the events already due
    expect(r.code).toBe(200);
    for (const line of r.body.split("\n").filter(Boolean)) expect(["ADDED", "MODIFIED", "DELETED"]).toContain(JSON.parse(line).type);
    expect(Date.now() - start).toBeLessThan(2_000);
  });
});
