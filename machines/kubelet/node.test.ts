import { describe, it, expect } from "vitest";
import type { Node } from "kubernetes-types/core/v1";
import { nodeConditionEvents, nodeConditions, nodeStatus, registrationNode } from "./node.js";

// A node the IPAM range allocator gave no CIDR registers without spec.podCIDR(s) (the kubelet never
// sets them); its runtime reports NetworkReady=false, and the kubelet's ReadyCondition setter posts
// Ready=False with reason KubeletNotReady and the runtime's error as the message.

const notReady =
  "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized";
const given: Node = { apiVersion: "v1", kind: "Node", metadata: { name: "node-257" } };
const t0 = Date.parse("2026-01-01T00:00:00Z");

describe("the Node a kubelet without a podCIDR registers", () => {
  it("has no spec.podCIDR or spec.podCIDRs", () => {
    const node = registrationNode(given, 256, undefined, t0, notReady);
    expect(node.spec).toEqual({});
  });

  it("reports Ready=False, KubeletNotReady, with the runtime's network error", () => {
    const node = registrationNode(given, 256, undefined, t0, notReady);
    const ready = node.status!.conditions!.find((c) => c.type === "Ready");
    expect(ready).toMatchObject({ status: "False", reason: "KubeletNotReady", message: notReady });
  });

  it("keeps the Ready condition's transition time while it stays False", () => {
    const first = nodeConditions(t0, undefined, notReady);
    const later = nodeConditions(t0 + 10_000, first, notReady);
    const ready = later.find((c) => c.type === "Ready")!;
    expect(ready.status).toBe("False");
    expect(ready.lastTransitionTime).toBe("2026-01-01T00:00:00Z");
    expect(ready.lastHeartbeatTime).toBe("2026-01-01T00:00:10Z");
  });
});

describe("the Node a kubelet with a podCIDR registers", () => {
  it("has spec.podCIDR and spec.podCIDRs, and Ready=True", () => {
    const node = registrationNode(given, 0, "10.244.0.0/24", t0);
    expect(node.spec).toEqual({ podCIDR: "10.244.0.0/24", podCIDRs: ["10.244.0.0/24"] });
    expect(node.status!.conditions!.find((c) => c.type === "Ready")).toMatchObject({ status: "True", reason: "KubeletReady" });
  });
});

// kubelet/nodestatus/setters.go: each pressure condition's setter records an event when the
// condition is new or its status changed; ReadyCondition only when an existing Ready changed.
describe("nodeConditionEvents: the events the condition setters record", () => {
  const cond = (type: string, status: string) => ({ type, status });
  const healthy = [cond("MemoryPressure", "False"), cond("DiskPressure", "False"), cond("PIDPressure", "False"), cond("Ready", "True")];
  it("a first status: the three pressure conditions, not Ready", () => {
    expect(nodeConditionEvents(undefined, healthy)).toEqual(["NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID"]);
  });
  it("an unchanged status records nothing", () => {
    expect(nodeConditionEvents(healthy, healthy)).toEqual([]);
  });
  it("Ready from Unknown (the node controller's mark) back to True is NodeReady; True to False is NodeNotReady", () => {
    const unknown = [...healthy.slice(0, 3), cond("Ready", "Unknown")];
    expect(nodeConditionEvents(unknown, healthy)).toEqual(["NodeReady"]);
    expect(nodeConditionEvents(healthy, [...healthy.slice(0, 3), cond("Ready", "False")])).toEqual(["NodeNotReady"]);
  });
  it("pressure turning on and off", () => {
    const pressed = [cond("MemoryPressure", "True"), cond("DiskPressure", "True"), cond("PIDPressure", "True"), cond("Ready", "True")];
    expect(nodeConditionEvents(healthy, pressed)).toEqual(["NodeHasInsufficientMemory", "NodeHasDiskPressure", "NodeHasInsufficientPID"]);
    expect(nodeConditionEvents(pressed, healthy)).toEqual(["NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID"]);
  });
});

// setters.go MachineInfo updates the Node it read from the API server: an extended resource a client
// added to status.capacity (the extended-resource task's PATCH) is kept, and allocatable follows capacity.
describe("the kubelet's status update of a Node with an advertised extended resource", () => {
  it("keeps the capacity it does not own and makes it allocatable; the capacity it owns is its own again", () => {
    const prior = { ...registrationNode(given, 1, "10.244.1.0/24", t0).status!, capacity: { ...registrationNode(given, 1, "10.244.1.0/24", t0).status!.capacity, "example.com/dongle": "4", cpu: "64" } };
    const next = nodeStatus(given, 1, t0 + 10_000, prior);
    expect(next.capacity).toEqual({ cpu: "4", "ephemeral-storage": "100Gi", "example.com/dongle": "4", "hugepages-1Gi": "0", "hugepages-2Mi": "0", memory: "16Gi", pods: "110" });
    expect(next.allocatable?.["example.com/dongle"]).toBe("4");
  });

  it("gives a Node with nothing advertised the same capacity as before", () => {
    const first = registrationNode(given, 1, "10.244.1.0/24", t0).status!;
    expect(nodeStatus(given, 1, t0 + 10_000, first).capacity).toEqual(first.capacity);
  });
});
