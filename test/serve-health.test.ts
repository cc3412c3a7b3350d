// kube-apiserver's /healthz, /livez and /readyz as the docs' "Kubernetes API health endpoints" page
// shows them and k8s.io/apiserver/pkg/server/healthz writes them: the verbose list, excluded checks,
// a check's own endpoint, and a failing etcd.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, raw, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe("the API server's health endpoints", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s?.stop();
  });
  const get = (path: string, token: string | null = s.cluster.adminToken) => raw(s, "GET", path, token === null ? {} : { token });

  it("answers a bare ok, and lists every check with ?verbose as the docs page shows", async () => {
    for (const root of ["healthz", "livez", "readyz"]) {
      const r = await get(`/${root}`);
      expect([r.code, r.body, r.headers["content-type"], r.headers["x-content-type-options"]]).toEqual([200, "ok", "text/plain; charset=utf-8", "nosniff"]);
    }
    const ready = (await get("/readyz?verbose")).body.split("\n");
    // the docs' output: ping, log and etcd first, each post-start hook, shutdown last on readyz
    expect(ready.slice(0, 5)).toEqual(["[+]ping ok", "[+]log ok", "[+]etcd ok", "[+]etcd-readiness ok", "[+]informer-sync ok"]);
    for (const line of ["[+]poststarthook/rbac/bootstrap-roles ok", "[+]poststarthook/scheduling/bootstrap-system-priority-classes ok", "[+]poststarthook/bootstrap-controller ok", "[+]autoregister-completion ok"]) expect(ready).toContain(line);
    expect(ready.slice(-3)).toEqual(["[+]shutdown ok", "readyz check passed", ""]);
    const live = (await get("/livez?verbose")).body.split("\n");
    expect(live.slice(0, 4)).toEqual(["[+]ping ok", "[+]log ok", "[+]etcd ok", "[+]poststarthook/start-apiserver-admission-initializer ok"]);
    // readiness-only checks are not liveness checks
    for (const name of ["etcd-readiness", "informer-sync", "shutdown"]) expect(live).not.toContain(`[+]${name} ok`);
    expect(live.at(-2)).toBe("livez check passed");
    expect((await get("/healthz?verbose")).body.endsWith("[+]poststarthook/apiservice-openapiv3-controller ok\nhealthz check passed\n")).toBe(true);
  });

  it("excludes a check by name, and warns of names that match none (sorted, quoted)", async () => {
    const r = await get("/readyz?verbose&exclude=etcd&exclude=zeta&exclude=alpha");
    const lines = r.body.split("\n");
    expect(lines[2]).toBe("[+]etcd excluded: ok");
    expect(lines.slice(-3)).toEqual(['warn: some health checks cannot be excluded: no matches for "alpha","zeta"', "readyz check passed", ""]);
    // without verbose, a passing endpoint says ok whatever it excluded
    expect((await get("/livez?exclude=nope")).body).toBe("ok");
  });

  it("serves each check at its own path, names with slashes too; a name the endpoint lacks is NotFound", async () => {
    expect((await get("/livez/etcd")).body).toBe("ok");
    expect((await get("/readyz/poststarthook/rbac/bootstrap-roles")).body).toBe("ok");
    expect((await get("/readyz/shutdown")).body).toBe("ok");
    const missing = await get("/livez/shutdown");
    expect(missing.code).toBe(404);
    expect(JSON.parse(missing.body)).toMatchObject({ kind: "Status", reason: "NotFound", message: "the server could not find the requested resource" });
  });

  it("lets anonymous read the roots with their query (system:public-info-viewer) but not a check's own path", async () => {
    expect((await get("/readyz?verbose", null)).body.endsWith("readyz check passed\n")).toBe(true);
    const r = await get("/readyz/etcd", null);
    expect(r.code).toBe(403);
    expect(JSON.parse(r.body).message).toBe('forbidden: User "system:anonymous" cannot get path "/readyz/etcd"');
  });

  it.runIf(bin !== undefined)("kubectl get --raw='/readyz?verbose' prints the list", async () => {
    const r = await kubectl(bin!, s.kubeconfigPath, ["get", "--raw", "/readyz?verbose"]);
    expect(r.code).toBe(0);
    expect(r.out.startsWith("[+]ping ok\n[+]log ok\n[+]etcd ok\n")).toBe(true);
    expect(r.out.endsWith("[+]shutdown ok\nreadyz check passed\n")).toBe(true);
  });

  // last: etcd stays down
  it("with etcd down, etcd's checks fail: 500, the reason withheld on the list, given on the check's own path", async () => {
    s.cluster.runtime.crash("etcd");
    const r = await get("/readyz");
    expect(r.code).toBe(500);
    const lines = r.body.split("\n");
    expect(lines.slice(2, 4)).toEqual(["[-]etcd failed: reason withheld", "[-]etcd-readiness failed: reason withheld"]);
    expect(lines.slice(-2)).toEqual(["readyz check failed", ""]);
    // excluding the failing checks makes the endpoint pass again
    expect((await get("/readyz?exclude=etcd&exclude=etcd-readiness")).body).toBe("ok");
    const own = await get("/livez/etcd");
    expect([own.code, own.body]).toEqual([500, "internal server error: error getting data from etcd: context deadline exceeded\n"]);
  });

  // CacheDelegator.Get and ConsistentListFromCache read etcd for a request without a resourceVersion:
  // it waits for etcd until the timeout filter (WithTimeoutForNonLongRunningRequests) answers 504
  it("with etcd down, kubectl get waits out the request's deadline and gets the timeout filter's 504; a list at resourceVersion 0 is served from the cache", async () => {
    if (!bin) throw new Error("kubectl is not on PATH");
    const r = await kubectl(bin, s.kubeconfigPath, ["get", "namespace", "default"], { timeoutMs: 60_000 });
    expect([r.code, r.err]).toEqual([1, "Error from server (Timeout): Timeout: request did not complete within the allotted timeout\n"]);
    const cached = await get("/api/v1/namespaces?resourceVersion=0");
    expect([cached.code, JSON.parse(cached.body).items.some((n: any) => n.metadata.name === "default")]).toEqual([200, true]);
  }, 70_000);
});
