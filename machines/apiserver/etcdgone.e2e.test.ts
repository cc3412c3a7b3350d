// etcd's process dies under the API server. The write whose Txn was in flight fails as grpc-go fails
// an RPC whose transport closed (Unavailable, passed on by ErrorToAPIStatus as a 500 with its text);
// a write sent afterwards waits for a connection (clientv3's WaitForReady) until the request's
// deadline, kube-apiserver's --request-timeout of 60 s, ends it with finisher.go's 504 Timeout;
// a get or list without a resourceVersion reads etcd too (CacheDelegator.Get, ConsistentListFromCache's
// current-revision request) and waits alike, ended by the timeout filter's 504; reads at a
// resourceVersion are served from the watch cache.

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const configMap = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name } });

describe("the API server when etcd dies", () => {
  it("fails the write in flight with gRPC's Unavailable, times out later writes at 60 s, and serves reads at a resourceVersion from the watch cache", async () => {
    const c = createCluster({ nodes: 1, seed: 5, clock: "simulated" });
    clusters.push(c);
    await c.settle();
    const rt = c.runtime;
    const answers: any[] = [];
    rt.external("probe", (msg) => answers.push(msg));
    rt.send("probe", "apiserver", { type: "ApiRequest", id: 1, token: c.adminToken, verb: "create", group: "", resource: "configmaps", namespace: "default", body: configMap("in-flight") });
    for (let i = 0; i < 10_000 && rt.snapshot("apiserver").value !== "persisting"; i++) rt.step();
    rt.crash("etcd");
    rt.runUntil(() => answers.length > 0, "the answer to the write in flight");
    expect(answers[0]).toMatchObject({ id: 1, ok: false, code: 500, status: { status: "Failure", message: "rpc error: code = Unavailable desc = error reading from server: EOF", code: 500 } });
    expect(answers[0].status.reason).toBeUndefined();

    const sentAt = rt.now;
    const later = c.requestSync({ verb: "create", group: "", resource: "configmaps", namespace: "default", body: configMap("later") });
    expect([later.code, later.status?.reason, later.status?.message]).toEqual([504, "Timeout", "Timeout: request did not complete within requested timeout - context deadline exceeded"]);
    expect(rt.now - sentAt).toBeGreaterThanOrEqual(60_000);

    const read = c.requestSync({ verb: "get", group: "", resource: "namespaces", name: "default", resourceVersion: "0" });
    expect([read.ok, read.object?.metadata?.name]).toEqual([true, "default"]);
    // neither write is in the cache
    const list = c.requestSync({ verb: "list", group: "", resource: "configmaps", namespace: "default", resourceVersion: "0" });
    expect(list.object.items.map((o: any) => o.metadata.name).filter((n: string) => n === "in-flight" || n === "later")).toEqual([]);
  });

  it("a get or list without a resourceVersion waits for etcd until the timeout filter's 504", async () => {
    const c = createCluster({ nodes: 1, seed: 5, clock: "simulated" });
    clusters.push(c);
    await c.settle();
    const rt = c.runtime;
    rt.crash("etcd");
    const timeout = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Timeout: request did not complete within the allotted timeout", reason: "Timeout", details: {}, code: 504 };
    for (const ask of [
      { verb: "get" as const, group: "", resource: "namespaces", name: "default" },
      { verb: "get" as const, group: "", resource: "namespaces", name: "default", resourceVersion: "" },
      { verb: "list" as const, group: "", resource: "configmaps", namespace: "default" },
    ]) {
      const sentAt = rt.now;
      const r = c.requestSync(ask);
      expect([r.code, r.status]).toEqual([504, timeout]);
      expect(rt.now - sentAt).toBeGreaterThanOrEqual(60_000);
    }
    // a resourceVersion the cache holds is answered at once
    const sentAt = rt.now;
    const list = c.requestSync({ verb: "list", group: "", resource: "namespaces", resourceVersion: "0" });
    expect([list.ok, list.object.items.some((n: any) => n.metadata.name === "default")]).toEqual([true, true]);
    expect(rt.now - sentAt).toBeLessThan(60_000);
  });
});
