// The live view's endpoints as hostile input sees them: every refusal a Kubernetes Status with
// the code kube-apiserver would give (401 without the token, 403 for a Host that is not the
// loopback, 413 past the body limit, 415 for a body that is not JSON, 400 for a field the
// control does not take), and the page's charts byte for byte the docs' charts.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { createCluster, type Cluster } from "../runtime/cluster.js";
import { startServer, type RunningServer } from "../runtime/server/http.js";
import { liveBackend } from "./live.js";
import { decodeAction, loopbackHost, uiBodyBytes, uiRoutes } from "./server.js";
import { chartSvg, charts } from "./charts.js";

interface Reply {
  code: number;
  body: string;
  headers: Record<string, unknown>;
}

describe("the live view's endpoints", () => {
  let cluster: Cluster;
  let server: RunningServer;
  let backend: ReturnType<typeof liveBackend>;

  beforeAll(async () => {
    cluster = createCluster({ nodes: 2, seed: 3, clock: "live", speed: 20, trace: false });
    backend = liveBackend(cluster);
    server = await startServer({ cluster, port: 0, tls: false, routes: uiRoutes({ backend, token: cluster.adminToken, host: "127.0.0.1" }) });
  });

  afterAll(async () => {
    backend.close();
    await server.close();
    await cluster.stop();
  });

  function call(method: string, path: string, opts: { token?: string | null; body?: string | Buffer; type?: string; host?: string } = {}): Promise<Reply> {
    const token = opts.token === undefined ? cluster.adminToken : opts.token;
    return new Promise((resolve, reject) => {
      // the path as given, never resolved (a client may send "..")
      const req = request({ host: "127.0.0.1", port: server.port, path, method,
        headers: {
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(opts.body !== undefined ? { "Content-Type": opts.type ?? "application/json" } : {}),
          ...(opts.host ? { Host: opts.host } : {}),
        },
      }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ code: res.statusCode ?? 0, body, headers: res.headers }));
      });
      req.on("error", reject);
      req.end(opts.body);
    });
  }

  const status = (r: Reply) => JSON.parse(r.body) as { kind: string; status: string; reason: string; code: number; message: string; details?: any };

  it("serves the page's files publicly, and nothing else under /ui/", async () => {
    const page = await call("GET", "/ui/", { token: null });
    expect(page.code).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(String(page.headers["content-security-policy"])).toContain("default-src 'self'");
    expect(page.body).toContain('<script type="module" src="app.js"></script>');
    expect((await call("GET", "/ui/app.js", { token: null })).headers["content-type"]).toBe("text/javascript; charset=utf-8");
    for (const p of ["/ui/../package.json", "/ui/%2e%2e/package.json", "/ui/nope.js", "/ui/static/app.js"]) {
      const r = await call("GET", p, { token: null });
      expect([r.code, status(r).reason]).toEqual([404, "NotFound"]);
    }
    expect((await call("POST", "/ui/app.js", { token: null })).code).toBe(405);
    const redirect = await call("GET", "/ui", { token: null });
    expect([redirect.code, redirect.headers.location]).toEqual([301, "/ui/"]);
    // the API server's own paths are still its own
    expect((await call("GET", "/version", { token: null })).code).toBe(200);
  });

  it("refuses the API without the admin token, or addressed to a name that is not the loopback", async () => {
    for (const token of [null, "wrong", `${cluster.adminToken}x`]) {
      const r = await call("GET", "/ui/api/info", { token });
      expect([r.code, status(r).reason, status(r).kind]).toEqual([401, "Unauthorized", "Status"]);
    }
    // DNS rebinding: a page of another site whose name resolves to 127.0.0.1 sends its own Host
    const rebound = await call("GET", "/ui/api/info", { host: "evil.example:80" });
    expect([rebound.code, status(rebound).reason]).toEqual([403, "Forbidden"]);
    expect((await call("GET", "/ui/api/info", { host: `localhost:${server.port}` })).code).toBe(200);
    expect(loopbackHost("[::1]:6443", "127.0.0.1")).toBe(true);
    expect(loopbackHost("127.0.0.1.evil.example", "127.0.0.1")).toBe(false);
    expect(loopbackHost("localhost:6443:1", "127.0.0.1")).toBe(false);
    expect(loopbackHost(undefined, "127.0.0.1")).toBe(false);
  });

  it("answers a hostile body with a Status, never a crash", async () => {
    const r415 = await call("POST", "/ui/api/apply", { body: "manifest", type: "text/plain" });
    expect([r415.code, status(r415).reason]).toEqual([415, "UnsupportedMediaType"]);
    const r413 = await call("POST", "/ui/api/apply", { body: Buffer.alloc(uiBodyBytes + 1, 0x20) });
    expect([r413.code, status(r413).reason]).toEqual([413, "RequestEntityTooLarge"]);
    const notJson = await call("POST", "/ui/api/apply", { body: "{" });
    expect([notJson.code, status(notJson).reason]).toEqual([400, "BadRequest"]);
    const proto = await call("POST", "/ui/api/delete", { body: '{"__proto__":{"name":"x"},"namespace":"default","name":"p"}' });
    expect([proto.code, status(proto).message]).toEqual([400, 'unknown field "__proto__"']);
    const unknownAction = await call("POST", "/ui/api/constructor", { body: "{}" });
    expect(unknownAction.code).toBe(404);
    expect((await call("PUT", "/ui/api/apply", { body: "{}" })).code).toBe(405);
    expect((await call("GET", "/ui/api/pod?uid=nope")).code).toBe(404);
    expect((await call("GET", "/ui/api/charts/..%2Fetcd.svg")).code).toBe(404);
    const badYaml = await call("POST", "/ui/api/apply", { body: JSON.stringify({ manifest: "kind: [" }) });
    expect(badYaml.code).toBe(400);
    // a Pod without containers is the API server's 422 Invalid, as kubectl apply gets it
    const invalid = await call("POST", "/ui/api/apply", { body: JSON.stringify({ manifest: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: empty\nspec:\n  containers: []\n" }) });
    expect([invalid.code, status(invalid).reason]).toEqual([422, "Invalid"]);
    const gone = await call("POST", "/ui/api/delete", { body: JSON.stringify({ namespace: "default", name: "nope" }) });
    expect([gone.code, status(gone).reason]).toEqual([404, "NotFound"]);
    const noNode = await call("POST", "/ui/api/kill-node", { body: JSON.stringify({ node: "node-9" }) });
    expect(noNode.code).toBe(404);
    const etcd = await call("POST", "/ui/api/crash", { body: JSON.stringify({ component: "etcd" }) });
    expect(etcd.code).toBe(404);
    const stepLive = await call("POST", "/ui/api/step", { body: "{}" });
    expect([stepLive.code, status(stepLive).message]).toEqual([400, "pause the cluster (pace paused) before stepping it"]);
  });

  it("pauses, steps one delivery at a time, and resumes", async () => {
    const paused = await call("POST", "/ui/api/pace", { body: JSON.stringify({ mode: "paused" }) });
    expect(status(paused).details).toEqual({ pace: { mode: "paused" } });
    const before = cluster.runtime.delivered;
    await new Promise((r) => setTimeout(r, 200));
    expect(cluster.runtime.delivered).toBe(before);
    const stepped = status(await call("POST", "/ui/api/step", { body: JSON.stringify({ count: 3 }) })).details;
    expect(stepped.stepped).toHaveLength(3);
    expect(cluster.runtime.delivered - before).toBe(stepped.stepped.filter((s: string) => s === "message").length);
    const live = await call("POST", "/ui/api/pace", { body: JSON.stringify({ mode: "live", speed: 20 }) });
    expect(status(live).details).toEqual({ pace: { mode: "live", speed: 20 } });
  });

  it("draws each chart exactly as docs/machines/ has it (without the web font: the page is offline)", () => {
    for (const name of charts.keys()) {
      const docs = readFileSync(new URL(`../docs/machines/${name}.svg`, import.meta.url), "utf8");
      const lines = (s: string) => s.split("\n").filter((l) => !l.includes("@import") && l.trim() !== "");
      expect(lines(chartSvg(name)!), name).toEqual(lines(docs));
      expect(chartSvg(name)).not.toContain("googleapis");
    }
  });
});

describe("decodeAction", () => {
  it("takes each control's fields and nothing else", () => {
    expect(decodeAction("apply", { manifest: "kind: Pod" })).toEqual({ action: "apply", manifest: "kind: Pod" });
    expect(decodeAction("pace", { mode: "paced" })).toEqual({ action: "pace", pace: { mode: "paced", perSecond: 10 } });
    expect(decodeAction("pace", { mode: "live", speed: 2 })).toEqual({ action: "pace", pace: { mode: "live", speed: 2 } });
    expect(decodeAction("step", {})).toEqual({ action: "step", count: 1 });
    expect(decodeAction("fault", { fault: "partition" })).toEqual({ action: "fault", fault: "partition" });
    const refused = (a: string, b: unknown) => {
      const d = decodeAction(a, b);
      return "status" in d ? d.status.code : 0;
    };
    expect(refused("apply", [])).toBe(400);
    expect(refused("apply", null)).toBe(400);
    expect(refused("apply", { manifest: 1 })).toBe(400);
    expect(refused("apply", { manifest: "" })).toBe(400);
    expect(refused("delete", { namespace: "default", name: "x".repeat(254) })).toBe(400);
    expect(refused("pace", { mode: "live", speed: Infinity })).toBe(400);
    expect(refused("pace", { mode: "live", speed: 0 })).toBe(400);
    expect(refused("pace", { mode: "live", speed: "2" })).toBe(400);
    expect(refused("pace", { mode: "paused", speed: 1 })).toBe(400);
    expect(refused("pace", { mode: "fast" })).toBe(400);
    expect(refused("step", { count: 1.5 })).toBe(400);
    expect(refused("step", { count: 1001 })).toBe(400);
    expect(refused("fault", { fault: "meteor" })).toBe(400);
    expect(refused("toString", {})).toBe(404);
    expect(refused("hasOwnProperty", {})).toBe(404);
  });
});
