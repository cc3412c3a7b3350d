// What the API server stores is marshalled: a resource.Quantity is written in Quantity.String()'s
// canonical form whichever way it came in, a body an in-process client sent as an object included.
// Left as sent ("1000m"), a stored pod spec differs from the same spec decoded out of any later patch
// ("1"), and ValidatePodUpdate then refuses every patch of the pod, the garbage collector's release
// of an orphaned ReplicaSet's pods among them (found by the CI fuzzer: the pods and the ReplicaSet,
// still holding its orphan finalizer, were left behind).

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const rs = (cpu: string | number, memory: string) => ({
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  metadata: { name: "web" },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx:1.27", resources: { requests: { cpu, memory } } }] } },
  },
});

describe("quantities sent as objects by a client in the process", () => {
  it("are stored in canonical form, in the object and in the pods made from it", async () => {
    const c = createCluster({ nodes: 1, seed: 3, clock: "simulated" });
    const res = await c.request({ verb: "create", group: "apps", resource: "replicasets", namespace: "default", token: c.adminToken, body: rs("1000m", "1024Mi") });
    expect(res.code).toBe(201);
    // resource.MustParse("1000m").String() is "1", MustParse("1024Mi").String() is "1Gi"
    expect(c.get("ReplicaSet", "web").spec.template.spec.containers[0].resources.requests).toEqual({ cpu: "1", memory: "1Gi" });
    await c.settle();
    const pods = c.list("Pod");
    expect(pods).toHaveLength(2);
    for (const p of pods) expect(p.spec.containers[0].resources.requests).toEqual({ cpu: "1", memory: "1Gi" });
    await c.stop();
  });

  it("a number is a quantity too, and an update is canonicalised as a create is", async () => {
    const c = createCluster({ nodes: 1, seed: 3, clock: "simulated" });
    await c.request({ verb: "create", group: "apps", resource: "replicasets", namespace: "default", token: c.adminToken, body: rs(0.5, "1.5Gi") });
    const stored = c.get("ReplicaSet", "web");
    expect(stored.spec.template.spec.containers[0].resources.requests).toEqual({ cpu: "500m", memory: "1536Mi" });
    const next = structuredClone(stored);
    // unconditional (no resourceVersion): the ReplicaSet controller's status write may land first
    delete next.metadata.resourceVersion;
    next.spec.template.spec.containers[0].resources.requests = { cpu: "2000m", memory: "0.5Gi" };
    const res = await c.request({ verb: "update", group: "apps", resource: "replicasets", namespace: "default", name: "web", token: c.adminToken, body: next });
    expect(res.code).toBe(200);
    expect(c.get("ReplicaSet", "web").spec.template.spec.containers[0].resources.requests).toEqual({ cpu: "2", memory: "512Mi" });
    await c.stop();
  });

  it("a status write stores its status's quantities in canonical form and keeps the stored spec whatever its body's spec says", async () => {
    const c = createCluster({ nodes: 1, seed: 3, clock: "simulated" });
    const quota = { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "q" }, spec: { hard: { cpu: "2" } } };
    expect((await c.request({ verb: "create", group: "", resource: "resourcequotas", namespace: "default", token: c.adminToken, body: quota })).code).toBe(201);
    // the quota controller's first status write lands before this one reads the object
    await c.settle();
    const body = { ...structuredClone(c.get("ResourceQuota", "q")), spec: { hard: { cpu: "7000m" } }, status: { hard: { cpu: "2000m" }, used: { cpu: "0.5" } } };
    const res = await c.request({ verb: "update", group: "", resource: "resourcequotas", namespace: "default", name: "q", subresource: "status", token: c.adminToken, body });
    expect(res.code).toBe(200);
    // resource.MustParse("2000m").String() is "2", MustParse("0.5").String() is "500m"; the status endpoint resets spec
    expect(c.get("ResourceQuota", "q").status).toEqual({ hard: { cpu: "2" }, used: { cpu: "500m" } });
    expect(c.get("ResourceQuota", "q").spec).toEqual({ hard: { cpu: "2" } });
    await c.stop();
  });

  it("an orphaning delete releases pods whose quantities were sent uncanonical", async () => {
    const c = createCluster({ nodes: 1, seed: 3, clock: "simulated" });
    await c.request({ verb: "create", group: "apps", resource: "replicasets", namespace: "default", token: c.adminToken, body: rs("1000m", "64Mi") });
    await c.settle();
    await c.delete("ReplicaSet", "web", "default", { propagationPolicy: "Orphan" });
    await c.settle();
    expect(c.list("ReplicaSet")).toEqual([]);
    const pods = c.list("Pod");
    expect(pods).toHaveLength(2);
    for (const p of pods) expect(p.metadata.ownerReferences).toBeUndefined();
    await c.stop();
  });
});
