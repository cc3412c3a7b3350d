// A quota charged a request written with an absurd exponent: kube-apiserver accepts a cpu request
// of 1e2147483647 (ParseQuantity keeps it as int64Amount{1, scale 2147483647}; cpu need not be
// whole), and the quota's usage is resource.Quantity arithmetic (pkg/quota/v1 Add, Cmp), exact at
// any exponent: the used value prints through CanonicalizeBytes as 10e2147483646 (the exponent
// brought down to a multiple of 3, apimachinery/pkg/api/resource amount.go AsCanonicalBytes), and
// admission compares it with hard exactly.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const pod = (name: string, cpu: string) => ({
  apiVersion: "v1", kind: "Pod", metadata: { name },
  spec: { containers: [{ name: "c", image: "nginx", resources: { requests: { cpu }, limits: { cpu } } }] },
});

describe("a quota charged a cpu request of 1e2147483647", () => {
  it("is exceeded against a hard of 10, and the refusal prints the request as Quantity.String does", async () => {
    const c = createCluster({ nodes: 1, seed: 1, clock: "simulated" });
    await c.apply({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "q" }, spec: { hard: { "requests.cpu": "10" } } });
    await c.settle();
    const res = await c.request({ verb: "create", group: "", resource: "pods", namespace: "default", body: pod("huge", "1e2147483647") });
    expect(res.ok).toBe(false);
    expect((res as any).status).toMatchObject({ code: 403, reason: "Forbidden", message: 'pods "huge" is forbidden: exceeded quota: q, requested: requests.cpu=10e2147483646, used: requests.cpu=0, limited: requests.cpu=10' });
    expect(c.get("Pod", "huge", "default")).toBeUndefined();
    await c.stop();
  });

  it("fits a hard of the same value; used counts it exactly, and a second pod's 500m is past the limit", async () => {
    const c = createCluster({ nodes: 1, seed: 1, clock: "simulated" });
    await c.apply({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "q" }, spec: { hard: { "requests.cpu": "1e2147483647", pods: "5" } } });
    await c.settle();
    expect(c.get("ResourceQuota", "q", "default").spec.hard).toEqual({ "requests.cpu": "10e2147483646", pods: "5" });
    expect((await c.request({ verb: "create", group: "", resource: "pods", namespace: "default", body: pod("huge", "1e2147483647") })).ok).toBe(true);
    await c.settle();
    expect(c.get("Pod", "huge", "default").spec.containers[0].resources.requests.cpu).toBe("10e2147483646");
    expect(c.get("ResourceQuota", "q", "default").status.used).toEqual({ "requests.cpu": "10e2147483646", pods: "1" });
    const more = await c.request({ verb: "create", group: "", resource: "pods", namespace: "default", body: pod("more", "500m") });
    expect((more as any).status?.message).toBe('pods "more" is forbidden: exceeded quota: q, requested: requests.cpu=500m, used: requests.cpu=10e2147483646, limited: requests.cpu=10e2147483646');
    await c.stop();
  });
});
