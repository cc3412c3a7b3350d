// The events a node gets as a cluster starts, as `kubectl describe node` lists them on a new
// cluster: the kubelet's BirthCry ("Starting kubelet."), its condition setters' events for the node
// it registers, the container manager's NodeAllocatableEnforced, and the node lifecycle
// controller's RegisteredNode on its first monitor pass.

import { describe, expect, it } from "vitest";
import { createCluster } from "../index.js";

describe("a new node's events", () => {
  it("the kubelet's Starting, its condition setters' three and NodeAllocatableEnforced, then the node controller's RegisteredNode", async () => {
    const c = createCluster({ nodes: 2, seed: 3, clock: "simulated" });
    await c.settle();
    c.advance(6_000);
    await c.settle();
    const node = c.get("Node", "node-1");
    const events = c.events({ namespace: "default" }).filter((e) => e.involvedObject.kind === "Node" && e.involvedObject.name === "node-1");
    expect(events.map((e) => [e.source.component, e.reason, e.message])).toEqual([
      ["kubelet", "Starting", "Starting kubelet."],
      ["kubelet", "NodeHasSufficientMemory", "Node node-1 status is now: NodeHasSufficientMemory"],
      ["kubelet", "NodeHasNoDiskPressure", "Node node-1 status is now: NodeHasNoDiskPressure"],
      ["kubelet", "NodeHasSufficientPID", "Node node-1 status is now: NodeHasSufficientPID"],
      ["kubelet", "NodeAllocatableEnforced", "Updated Node Allocatable limit across pods"],
      ["node-controller", "RegisteredNode", "Node node-1 event: Registered Node node-1 in Controller"],
    ]);
    // the kubelet names its node by name for a UID (kl.nodeRef); the controller by the node's UID
    expect(events[0].involvedObject).toEqual({ kind: "Node", name: "node-1", uid: "node-1" });
    expect(events[0].source).toEqual({ component: "kubelet", host: "node-1" });
    expect(events[5].involvedObject).toEqual({ apiVersion: "v1", kind: "Node", name: "node-1", uid: node.metadata.uid });
    expect(events.every((e) => e.type === "Normal" && e.count === 1)).toBe(true);
    // the heartbeats that follow change no condition: nothing more is recorded
    c.advance(60_000);
    await c.settle();
    expect(c.events({ namespace: "default" }).filter((e) => e.involvedObject.name === "node-1")).toHaveLength(6);
    await c.stop();
  });
});
