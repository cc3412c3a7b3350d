// The HTTP front end's own authorization checks (authorizeOnly: may this user get /readyz, watch,
// exec) are answered at once, never queued behind writes: kube-apiserver runs each request's
// authentication and authorization filters in that request's own goroutine, so a health check
// does not wait for other requests' storage calls (the docs' "API health endpoints" page relies on it).

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

describe("authorization checks beside writes", () => {
  it("a check is answered before the writes queued ahead of it; a refused one gets its 401 or 403", async () => {
    const c = createCluster({ nodes: 1, seed: 11, clock: "simulated" });
    clusters.push(c);
    await c.settle();
    const rt = c.runtime;
    const answers: number[] = [];
    rt.external("probe", (msg) => answers.push((msg as { id: number }).id));
    for (let i = 1; i <= 3; i++) rt.send("probe", "apiserver", { type: "ApiRequest", id: i, token: c.adminToken, verb: "create", group: "", resource: "configmaps", namespace: "default", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${i}` } } });
    // the check arrives once two writes wait behind the one in flight
    for (let i = 0; i < 10_000 && (rt.snapshot("apiserver").context.backlog.size < 2 || answers.length > 0); i++) rt.step();
    expect([rt.snapshot("apiserver").context.backlog.size, answers]).toEqual([2, []]);
    rt.send("probe", "apiserver", { type: "ApiRequest", id: 4, token: c.adminToken, verb: "get", group: "", resource: "", nonResource: { path: "/readyz", verb: "get" }, authorizeOnly: true });
    rt.runUntil(() => answers.length === 4, "the four answers");
    // the two queued writes answer after the check; the one in flight may finish first (its etcd reply may be delivered before the check arrives)
    expect(answers.filter((id) => id !== 1)).toEqual([4, 2, 3]);
    expect(answers).toContain(1);
    const refused = c.requestSync({ token: "no-such-token", verb: "get", group: "", resource: "pods", namespace: "default", authorizeOnly: true });
    expect([refused.ok, refused.code, refused.status?.reason]).toEqual([false, 401, "Unauthorized"]);
    const anonymous = c.requestSync({ token: "", verb: "list", group: "", resource: "pods", namespace: "default", authorizeOnly: true });
    expect([anonymous.code, anonymous.status?.message]).toEqual([403, 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"']);
  });
});
