// The HTTP front end's own authorization checks (authorizeOnly: may this user get /readyz, watch,
// exec) are answered while another request waits on etcd: kube-apiserver runs each request's
// authentication and authorization filters in that request's goroutine, so a health check is never
// queued behind a write whose etcd has crashed (the docs' "API health endpoints" page relies on it).

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

describe("authorization checks beside a write in flight", () => {
  it("a check is answered while a write waits for a crashed etcd; a refused one gets its 401 or 403", async () => {
    const c = createCluster({ nodes: 1, seed: 11, clock: "simulated" });
    clusters.push(c);
    await c.settle();
    const rt = c.runtime;
    rt.send("kubectl", "apiserver", { type: "ApiRequest", id: 900_001, token: c.adminToken, verb: "create", group: "", resource: "configmaps", namespace: "default", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "stuck" } } });
    // deliver until the write is with etcd, then etcd dies: its answer never comes
    for (let i = 0; i < 10_000 && rt.snapshot("apiserver").value !== "persisting"; i++) rt.step();
    expect(rt.snapshot("apiserver").value).toBe("persisting");
    rt.crash("etcd");
    const allowed = c.requestSync({ verb: "get", group: "", resource: "", nonResource: { path: "/readyz", verb: "get" }, authorizeOnly: true });
    expect([allowed.ok, allowed.code]).toEqual([true, 200]);
    const refused = c.requestSync({ token: "no-such-token", verb: "get", group: "", resource: "pods", namespace: "default", authorizeOnly: true });
    expect([refused.ok, refused.code, refused.status?.reason]).toEqual([false, 401, "Unauthorized"]);
    const anonymous = c.requestSync({ token: "", verb: "list", group: "", resource: "pods", namespace: "default", authorizeOnly: true });
    expect([anonymous.code, anonymous.status?.message]).toEqual([403, 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"']);
    // the write is still the one in flight
    expect(rt.snapshot("apiserver").value).toBe("persisting");
  });
});
