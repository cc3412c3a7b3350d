// An unschedulable pod waits for a cluster event that one of the plugins that rejected it registered
// (kube-scheduler's EventsToRegister, isPodWorthRequeuing): a pod no node's labels match is not
// tried again on node heartbeats or when some pod goes away, only when a node's labels change (or
// the 5-minute flush), so its FailedScheduling is recorded once, not at every node status write.
// A pod that did not fit for lack of room is tried again when a pod on a node is deleted.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const pause = "registry.k8s.io/pause:3.10";

const failedScheduling = (c: ReturnType<typeof createCluster>, pod: string) =>
  c.events().filter((e) => e.involvedObject?.name === pod && e.reason === "FailedScheduling").reduce((n, e) => n + (e.count ?? 1) + (e.series?.count ?? 1) - 1, 0);

describe("an unschedulable pod waits for an event its rejecting plugins registered", () => {
  it("a pod rejected by NodeAffinity is not retried on heartbeats or pod deletions, and is scheduled once a node gets the label", async () => {
    const c = createCluster({ nodes: 2, seed: 7, clock: "simulated" });
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "other" }, spec: { containers: [{ name: "c", image: pause }] } });
    await c.apply({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "with-node-affinity" },
      spec: {
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "disktype", operator: "In", values: ["ssd"] }] }] } } },
        containers: [{ name: "nginx", image: "nginx" }],
      },
    });
    await c.settle();
    expect(failedScheduling(c, "with-node-affinity")).toBe(1);
    // two minutes of node status writes and leases, and a pod deleted from a node: nothing NodeAffinity registered
    for (let i = 0; i < 12; i++) {
      c.advance(10_000);
      await c.settle();
    }
    await c.delete("Pod", "other", undefined, { gracePeriodSeconds: 0 });
    await c.settle();
    expect(failedScheduling(c, "with-node-affinity")).toBe(1);
    expect(c.get("Pod", "with-node-affinity").spec.nodeName).toBeUndefined();
    // a node's labels changed: NodeAffinity's event
    const node = c.get("Node", "node-2");
    await c.apply({ apiVersion: "v1", kind: "Node", metadata: { name: "node-2", labels: { ...node.metadata.labels, disktype: "ssd" } } });
    await c.settle();
    c.advance(2_000);
    await c.settle();
    expect(c.get("Pod", "with-node-affinity").spec.nodeName).toBe("node-2");
    await c.stop();
  });

  it("a pod rejected by NodeResourcesFit is retried when a pod on a node is deleted, and fits in the room it left", async () => {
    const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
    await c.settle();
    const cpu = c.get("Node", "node-1").status.allocatable.cpu;
    const milli = cpu.endsWith("m") ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
    const big = (name: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers: [{ name: "c", image: pause, resources: { requests: { cpu: `${Math.floor(milli * 0.6)}m` } } }] } });
    await c.apply(big("first"));
    await c.settle();
    await c.apply(big("second"));
    await c.settle();
    expect(failedScheduling(c, "second")).toBe(1);
    expect(c.get("Pod", "second").spec.nodeName).toBeUndefined();
    await c.delete("Pod", "first", undefined, { gracePeriodSeconds: 0 });
    await c.settle();
    c.advance(2_000);
    await c.settle();
    expect(c.get("Pod", "second").spec.nodeName).toBe("node-1");
    await c.stop();
  });
});
