// The disruption controller and the eviction subresource through createCluster. Expectations from
// Kubernetes' docs (tasks/run-application/configure-pdb, concepts/workloads/pods/disruptions) and
// source (pkg/controller/disruption/disruption.go, pkg/registry/core/pod/storage/eviction.go).

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../index.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});
function cluster(nodes = 3, seed = 7): Cluster {
  const c = createCluster({ nodes, seed });
  clusters.push(c);
  return c;
}
const deployment = (replicas: number) => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "nginx" },
  spec: { replicas, selector: { matchLabels: { app: "nginx" } }, template: { metadata: { labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } } },
});
const pdb = (spec: any) => ({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "nginx-pdb" }, spec: { selector: { matchLabels: { app: "nginx" } }, ...spec } });
const status = (c: Cluster) => c.get("PodDisruptionBudget", "nginx-pdb", "default")?.status;
const evict = (c: Cluster, name: string) => c.requestSync({ verb: "create", group: "", resource: "pods", subresource: "eviction", namespace: "default", name, body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace: "default" } } });
const pods = (c: Cluster) => c.list("Pod", { namespace: "default", labelSelector: "app=nginx" });
const live = (c: Cluster) => pods(c).filter((p: any) => !p.metadata.deletionTimestamp);

describe("PodDisruptionBudget status (disruption controller)", () => {
  it("minAvailable 2 over three ready replicas: expectedPods 3, desiredHealthy 2, currentHealthy 3, one disruption allowed, DisruptionAllowed True SufficientPods", async () => {
    const c = cluster();
    await c.apply([deployment(3), pdb({ minAvailable: 2 })]);
    await c.settle();
    c.advance(10_000);
    const st = status(c);
    expect(st).toMatchObject({ currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1, observedGeneration: 1 });
    expect(st.conditions).toEqual([{ type: "DisruptionAllowed", status: "True", reason: "SufficientPods", message: "", observedGeneration: 1, lastTransitionTime: expect.any(String) }]);
  });

  it("maxUnavailable 34% counts the Deployment's scale: 34% of 3 rounds up to 2 unavailable, so 1 desired healthy and 2 disruptions allowed", async () => {
    const c = cluster();
    await c.apply([deployment(3), pdb({ maxUnavailable: "34%" })]);
    await c.settle();
    c.advance(10_000);
    // GetScaledValueFromIntOrPercent(34%, 3, roundUp) = ceil(1.02) = 2: desiredHealthy = 3 - 2 = 1.
    expect(status(c)).toMatchObject({ currentHealthy: 3, desiredHealthy: 1, expectedPods: 3, disruptionsAllowed: 2 });
  });

  it("a pod relabelled out of the budget leaves it at once: the budget its old labels matched is synced again (updatePod enqueues the old pod's budget)", async () => {
    const c = cluster();
    await c.apply([
      { apiVersion: "v1", kind: "Pod", metadata: { name: "solo", labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } },
      pdb({ minAvailable: 1 }),
    ]);
    await c.settle();
    c.advance(10_000);
    expect(status(c)).toMatchObject({ currentHealthy: 1, expectedPods: 1 });
    c.requestSync({ verb: "patch", group: "", resource: "pods", namespace: "default", name: "solo", patchType: "merge", body: { metadata: { labels: { app: "other" } } } });
    await c.settle();
    c.advance(10_000);
    await c.settle();
    expect(status(c)).toMatchObject({ currentHealthy: 0, desiredHealthy: 1, expectedPods: 0, disruptionsAllowed: 0 });
  });

  it("a Deployment's pods count the Deployment's scale, not their ReplicaSets': a rollout stuck with a surge pod still expects 2 (getPodDeployment)", async () => {
    const c = cluster();
    await c.apply([deployment(2), pdb({ minAvailable: "50%" })]);
    await c.settle();
    c.advance(10_000);
    await c.settle();
    // the new template never turns Ready: maxSurge 25% of 2 rounds up to 1 surge pod, maxUnavailable rounds down to 0, so the old ReplicaSet keeps 2
    const stuck = deployment(2);
    stuck.spec.template.spec.containers[0] = { ...stuck.spec.template.spec.containers[0], readinessProbe: { httpGet: { path: "/", port: 9999 }, periodSeconds: 1 } } as any;
    await c.apply(stuck);
    await c.settle();
    c.advance(20_000);
    await c.settle();
    expect(live(c)).toHaveLength(3);
    expect(status(c)).toMatchObject({ expectedPods: 2, desiredHealthy: 1, currentHealthy: 2, disruptionsAllowed: 1 });
  });

  it("a budget that selects no pod allows no disruption and says NoPods", async () => {
    const c = cluster();
    await c.apply(pdb({ minAvailable: 1 }));
    await c.settle();
    expect(status(c)).toMatchObject({ currentHealthy: 0, desiredHealthy: 1, expectedPods: 0, disruptionsAllowed: 0 });
    expect(status(c).conditions[0]).toMatchObject({ type: "DisruptionAllowed", status: "False", reason: "InsufficientPods" });
    expect(c.events().some((e: any) => e.reason === "NoPods" && e.message === "No matching pods found" && e.involvedObject.kind === "PodDisruptionBudget")).toBe(true);
  });

  it("maxUnavailable over a pod without a controller: it is not expected, and an UnmanagedPods warning says so", async () => {
    const c = cluster();
    await c.apply([
      { apiVersion: "v1", kind: "Pod", metadata: { name: "solo", labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } },
      pdb({ maxUnavailable: 1 }),
    ]);
    await c.settle();
    c.advance(10_000);
    expect(status(c)).toMatchObject({ currentHealthy: 1, desiredHealthy: 0, expectedPods: 0, disruptionsAllowed: 0 });
    const ev = c.events().find((e: any) => e.reason === "UnmanagedPods");
    expect(ev).toMatchObject({ type: "Warning", message: `Pods selected by this PodDisruptionBudget (selector: &LabelSelector{MatchLabels:map[string]string{app: nginx,},MatchExpressions:[]LabelSelectorRequirement{},}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.` });
  });

  it("a percentage over pods whose controller has no scale (a Job) fails safe: SyncFailed, found no controllers", async () => {
    const c = cluster();
    await c.apply([
      { apiVersion: "batch/v1", kind: "Job", metadata: { name: "work" }, spec: { template: { metadata: { labels: { app: "nginx" } }, spec: { restartPolicy: "Never", containers: [{ name: "w", image: "nginx:1.27" }] } } } },
      pdb({ minAvailable: "50%" }),
    ]);
    c.advance(5_000);
    const pod = pods(c)[0];
    const st = status(c);
    expect(st.disruptionsAllowed).toBe(0);
    expect(st.conditions[0]).toMatchObject({ type: "DisruptionAllowed", status: "False", reason: "SyncFailed", message: `found no controllers for pod "${pod.metadata.name}"` });
  });
});

describe("eviction honours the budget (pods/eviction)", () => {
  it("one eviction is allowed, the next is refused with 429 until the replacement is ready, then allowed again", async () => {
    const c = cluster();
    await c.apply([deployment(3), pdb({ minAvailable: 2 })]);
    await c.settle();
    c.advance(10_000);
    const [a, b] = live(c).map((p: any) => p.metadata.name);
    const first = evict(c, a);
    expect(first.ok).toBe(true);
    expect(first.ok && first.code).toBe(201);
    // Create answers once the pod is deleted (addConditionAndDeletePod), its DisruptionTarget written
    const evicted = c.get("Pod", a, "default");
    expect(evicted.metadata.deletionTimestamp).toBeDefined();
    expect(evicted.status.conditions).toContainEqual(expect.objectContaining({ type: "DisruptionTarget", status: "True", reason: "EvictionByEvictionAPI" }));
    // The budget's status is written first: one fewer allowed, the pod in disruptedPods.
    const after = status(c);
    expect(after.disruptionsAllowed).toBe(0);
    expect(Object.keys(after.disruptedPods ?? {})).toEqual([a]);
    expect(after.conditions[0]).toMatchObject({ status: "False", reason: "InsufficientPods" });
    const second = evict(c, b);
    expect(second.ok).toBe(false);
    if (!second.ok) {
      expect(second.code).toBe(429);
      expect(second.status).toMatchObject({ reason: "TooManyRequests", message: "Cannot evict pod as it would violate the pod's disruption budget." });
      // 3 while the controller has not seen the evicted pod terminating, 2 once it has.
      expect(second.status.details?.causes?.[0]).toEqual({ reason: "DisruptionBudget", message: expect.stringMatching(/^The disruption budget nginx-pdb needs 2 healthy pods and has [23] currently$/) });
    }
    c.advance(60_000);
    expect(pods(c).some((p: any) => p.metadata.name === a)).toBe(false);
    expect(status(c)).toMatchObject({ currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
    expect(status(c).disruptedPods).toBeUndefined();
    expect(evict(c, b).ok).toBe(true);
  });

  it("a Pending pod is evicted whatever the budget, and a pod no budget selects is evicted", async () => {
    const c = createCluster({ nodes: [{ apiVersion: "v1", kind: "Node", metadata: { name: "small", labels: { "kubernetes.io/hostname": "small" } }, status: { capacity: { cpu: "1", memory: "1Gi", pods: "110" }, allocatable: { cpu: "1", memory: "1Gi", pods: "110" } } } as any], seed: 9 });
    clusters.push(c);
    await c.apply([{ apiVersion: "v1", kind: "Pod", metadata: { name: "huge", labels: { app: "nginx" } }, spec: { containers: [{ name: "n", image: "nginx", resources: { requests: { cpu: "4" } } }] } }, pdb({ minAvailable: 5 })]);
    await c.settle();
    expect(evict(c, "huge").ok).toBe(true);
    await c.settle();
    expect(c.get("Pod", "huge", "default")).toBeUndefined();
  });

  // eviction.go: an unready pod is deleted without touching the budget only when the budget is
  // healthy enough (IfHealthyBudget, the default: currentHealthy >= desiredHealthy > 0) or says
  // AlwaysAllow; otherwise checkAndDecrement refuses it like any pod while no disruption is allowed.
  it("an unready pod is not evicted while its budget (IfHealthyBudget) lacks healthy pods; AlwaysAllow evicts it", async () => {
    const c = cluster();
    const bare = (name: string, port: number) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27", readinessProbe: { httpGet: { path: "/", port }, periodSeconds: 1 } }] } });
    await c.apply([bare("ready", 80), bare("lame", 81), pdb({ minAvailable: 2 })]);
    await c.settle();
    c.advance(10_000);
    expect(c.get("Pod", "lame", "default").status.phase).toBe("Running");
    expect(status(c)).toMatchObject({ currentHealthy: 1, desiredHealthy: 2, disruptionsAllowed: 0 });
    const refused = evict(c, "lame");
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.code).toBe(429);
    expect(c.get("Pod", "lame", "default").metadata.deletionTimestamp).toBeUndefined();
    await c.apply(pdb({ minAvailable: 2, unhealthyPodEvictionPolicy: "AlwaysAllow" }));
    await c.settle();
    c.advance(5_000);
    expect(evict(c, "lame").ok).toBe(true);
    expect(c.get("Pod", "ready", "default").metadata.deletionTimestamp).toBeUndefined();
  });

  it("a pod two budgets select cannot be evicted (500, more than one PodDisruptionBudget)", async () => {
    const c = cluster();
    await c.apply([deployment(2), pdb({ maxUnavailable: 1 }), { ...pdb({ maxUnavailable: 1 }), metadata: { name: "other" } }]);
    await c.settle();
    c.advance(10_000);
    const r = evict(c, live(c)[0].metadata.name);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.status).toMatchObject({ code: 500, message: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support." });
  });
});
