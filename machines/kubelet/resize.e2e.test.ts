// An in-place resize the node cannot take yet, in a running cluster: the kubelet defers it with the
// predicate admit handler's message, the scheduler meanwhile counts the resized pod at its desired
// requests (the most of desired, allocated and actual: docs "Resize CPU and Memory Resources
// assigned to Containers"), and the resize goes through once the pod in its way is deleted
// (RetryPendingResizes), applied in place without a restart.

import { describe, it, expect } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const pod = (name: string, cpu: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  containers:
  - name: app
    image: nginx
    resources: {requests: {cpu: "${cpu}"}}
`;

describe("a deferred in-place resize", () => {
  it("waits as Deferred while another pod holds the cpu, blocks scheduling at its desired size, and is applied once that pod is gone", async () => {
    const c = createCluster({ nodes: 1, seed: 11 });
    await c.settle();
    await c.apply(pod("a", "1"));
    await c.apply(pod("b", "2"));
    await c.settle();
    const r = c.requestSync({ verb: "patch", group: "", resource: "pods", namespace: "default", name: "a", subresource: "resize", patchType: "strategic", body: { spec: { containers: [{ name: "app", resources: { requests: { cpu: "2500m" } } }] } } });
    expect(r.code).toBe(200);
    await c.settle();
    let a = c.get("Pod", "a", "default");
    const pending = a.status.conditions.find((x: any) => x.type === "PodResizePending");
    expect(pending).toMatchObject({ status: "True", reason: "Deferred", message: "Node didn't have enough resource: cpu, requested: 2500, used: 2000, capacity: 4000", observedGeneration: 2 });
    expect(a.status.observedGeneration).toBe(2);
    expect(a.status.containerStatuses[0].allocatedResources).toEqual({ cpu: "1" });
    expect(a.status.containerStatuses[0].resources).toEqual({ requests: { cpu: "1" } });

    // 2.5 (a, desired) + 2 (b) of 4 cpu: half a cpu more does not fit
    await c.apply(pod("late", "500m"));
    await c.settle();
    expect(c.get("Pod", "late", "default").status.conditions?.find((x: any) => x.type === "PodScheduled")?.message).toBe("0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.");

    await c.delete("Pod", "b", "default");
    await c.settle();
    a = c.get("Pod", "a", "default");
    expect(a.status.conditions.filter((x: any) => x.type.startsWith("PodResize"))).toEqual([]);
    expect(a.status.containerStatuses[0].allocatedResources).toEqual({ cpu: "2500m" });
    expect(a.status.containerStatuses[0].resources).toEqual({ requests: { cpu: "2500m" } });
    expect(a.status.containerStatuses[0].restartCount).toBe(0);
    await c.stop();
  });
});
