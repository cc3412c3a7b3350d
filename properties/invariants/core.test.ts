// The core invariants on forged worlds: what Kubernetes forbids is reported, what it allows is not.

import { describe, expect, it } from "vitest";
import { Monitor, allocatableNeverExceeded, type World } from "./core.js";

const world = (objs: Record<string, any[]>): World => ({ list: (k) => objs[k] ?? [], etcdRevision: () => 1 });
const pod = (name: string, phase: string, extra: any = {}) => ({ metadata: { name, namespace: "default", uid: name, ...extra.metadata }, spec: { nodeName: "node-1", containers: [{ name: "c", resources: { requests: { cpu: "1" } } }], ...extra.spec }, status: { phase } });

describe("phasesOnlyMoveForward: terminal phases are final", () => {
  it.each([
    [["Pending", "Running", "Succeeded"], []],
    [["Pending", "Failed"], []],
    [["Running", "Pending"], ["pod default/p went from Running to Pending"]],
    [["Succeeded", "Running"], ["pod default/p went from Succeeded to Running"]],
    [["Failed", "Succeeded"], ["pod default/p went from Failed to Succeeded"]],
  ])("%j", (phases, want) => {
    const m = new Monitor();
    const got: string[] = [];
    for (const ph of phases) got.push(...m.phasesOnlyMoveForward(world({ Pod: [pod("p", ph)] })).map((v) => v.message));
    expect(got).toEqual(want);
  });
});

describe("phasesOnlyMoveForward: back to Pending only after the node's runtime started afresh (a reboot wiped its containers)", () => {
  const rebooting = (objs: Record<string, any[]>, starts: number): World => ({ ...world(objs), runtimeStarts: (node) => (node === "node-1" ? starts : 1) });
  it("Running -> Pending after a reboot of its node is allowed; without one, or on another node, it is not; a terminal phase stays final", () => {
    const m = new Monitor();
    expect(m.phasesOnlyMoveForward(rebooting({ Pod: [pod("p", "Running"), pod("q", "Running", { spec: { nodeName: "node-2" } }), pod("s", "Succeeded")] }, 1))).toEqual([]);
    const after = m.phasesOnlyMoveForward(rebooting({ Pod: [pod("p", "Pending"), pod("q", "Pending", { spec: { nodeName: "node-2" } }), pod("s", "Pending")] }, 2));
    expect(after.map((v) => v.message)).toEqual(["pod default/q went from Running to Pending", "pod default/s went from Succeeded to Pending"]);
    // Without a reboot of its node since it first ran, it is reported (a kubelet restart keeps the runtime).
    expect(m.phasesOnlyMoveForward(rebooting({ Pod: [pod("r", "Running")] }, 2))).toEqual([]);
    expect(m.phasesOnlyMoveForward(rebooting({ Pod: [pod("r", "Pending")] }, 2)).map((v) => v.message)).toEqual(["pod default/r went from Running to Pending"]);
  });
});

describe("uniquePodIPs: two live pods never show one IP, unless one's status trails a reboot of its node", () => {
  const at = (objs: Record<string, any[]>, starts: number): World => ({ ...world(objs), runtimeStarts: (node) => (node === "node-1" ? starts : 1) });
  const withIP = (name: string, ip: string, node = "node-1") => ({ ...pod(name, "Running", { spec: { nodeName: node } }), status: { phase: "Running", podIP: ip } });
  it("reports a duplicate; forgives the old address a rebooted node's pod still shows, until the pod shows a new one", () => {
    const m = new Monitor();
    expect(m.uniquePodIPs(at({ Pod: [withIP("a", "10.244.0.10"), withIP("b", "10.244.0.10", "node-2")] }, 1)).map((v) => v.message)).toEqual(["pods default/a and default/b both have IP 10.244.0.10"]);
    const m2 = new Monitor();
    expect(m2.uniquePodIPs(at({ Pod: [withIP("a", "10.244.0.10")] }, 1))).toEqual([]);
    // node-1 rebooted: its runtime freed .10, which a new pod got and reported before a's status caught up
    expect(m2.uniquePodIPs(at({ Pod: [withIP("a", "10.244.0.10"), withIP("c", "10.244.0.10")] }, 2))).toEqual([]);
    // a pod first seen with the address after the reboot is not forgiven
    expect(m2.uniquePodIPs(at({ Pod: [withIP("c", "10.244.0.10"), withIP("d", "10.244.0.10")] }, 2)).map((v) => v.message)).toEqual(["pods default/c and default/d both have IP 10.244.0.10"]);
  });
});

describe("nodeNameSetOnce", () => {
  it("reports a pod that moves to another node, not one that is bound once", () => {
    const m = new Monitor();
    expect(m.nodeNameSetOnce(world({ Pod: [pod("p", "Pending", { spec: { nodeName: undefined } })] }))).toEqual([]);
    expect(m.nodeNameSetOnce(world({ Pod: [pod("p", "Running")] }))).toEqual([]);
    expect(m.nodeNameSetOnce(world({ Pod: [pod("p", "Running", { spec: { nodeName: "node-2" } })] })).map((v) => v.message)).toEqual(["pod default/p moved from node node-1 to node-2"]);
  });
});

describe("allocatableNeverExceeded: a node is never overcommitted by the pods the scheduler counts", () => {
  const node = { metadata: { name: "node-1" }, status: { allocatable: { cpu: "2", memory: "1Gi", pods: "110" } } };
  it("counts bound pods, terminating ones included", () => {
    const pods = [pod("a", "Running"), pod("b", "Running", { metadata: { deletionTimestamp: "2026-01-01T00:00:00Z" } }), pod("c", "Pending")];
    expect(allocatableNeverExceeded(world({ Node: [node], Pod: pods })).map((v) => v.message)).toEqual(["node node-1: pods request 3000m cpu, allocatable 2"]);
  });
  it("leaves out terminal and unbound pods", () => {
    const pods = [pod("a", "Running"), pod("b", "Succeeded"), pod("c", "Failed"), pod("d", "Pending", { spec: { nodeName: undefined } })];
    expect(allocatableNeverExceeded(world({ Node: [node], Pod: pods }))).toEqual([]);
  });
  it("counts an init container larger than the containers at its own size", () => {
    const big = pod("a", "Pending", { spec: { initContainers: [{ name: "i", resources: { requests: { cpu: "2500m" } } }] } });
    expect(allocatableNeverExceeded(world({ Node: [node], Pod: [big] })).map((v) => v.message)).toEqual(["node node-1: pods request 2500m cpu, allocatable 2"]);
  });
  // an in-place resize the kubelet deferred: the spec asks 3 cpu, the node gave it the 1 it had
  const resized = (cpu: string, allocated: string) => ({
    ...pod("a", "Running", { spec: { containers: [{ name: "c", resources: { requests: { cpu } } }] } }),
    status: { phase: "Running", containerStatuses: [{ name: "c", allocatedResources: { cpu: allocated } }] },
  });
  it("counts a pod at what its kubelet allocated, not at a resize it left pending", () => {
    expect(allocatableNeverExceeded(world({ Node: [node], Pod: [resized("3", "1"), pod("b", "Running")] }))).toEqual([]);
  });
  it("counts an allocation past the node's allocatable", () => {
    expect(allocatableNeverExceeded(world({ Node: [node], Pod: [resized("1", "2"), pod("b", "Running")] })).map((v) => v.message)).toEqual(["node node-1: pods request 3000m cpu, allocatable 2"]);
  });
});

describe("uniquePodIPs: a pod whose sandbox its node no longer runs does not hold its IP, whatever its status still shows", () => {
  const withIP = (name: string, ip: string) => ({ ...pod(name, "Running"), status: { phase: "Running", podIP: ip } });
  const live = (objs: Record<string, any[]>, uids: string[]): World => ({ ...world(objs), liveSandboxPods: () => new Set(uids) });
  it("a completed pod's status write still on its way (the API shows it Running) while host-local gave its address to a new pod: no violation", () => {
    // the kubelet stopped old's sandbox and released .22 with CNI DEL; new got .22 and reported it first
    expect(new Monitor().uniquePodIPs(live({ Pod: [withIP("old", "10.244.0.22"), withIP("new", "10.244.0.22")] }, ["new"]))).toEqual([]);
  });
  it("two pods whose sandboxes are both ready on their node and show one IP are reported", () => {
    expect(new Monitor().uniquePodIPs(live({ Pod: [withIP("old", "10.244.0.22"), withIP("new", "10.244.0.22")] }, ["old", "new"])).map((v) => v.message)).toEqual(["pods default/old and default/new both have IP 10.244.0.22"]);
  });
  it("three pods on one IP, one of them without a live sandbox: the two live ones are reported", () => {
    const got = new Monitor().uniquePodIPs(live({ Pod: [withIP("a", "10.244.0.9"), withIP("b", "10.244.0.9"), withIP("c", "10.244.0.9")] }, ["b", "c"]));
    expect(got.map((v) => v.message)).toEqual(["pods default/b and default/c both have IP 10.244.0.9"]);
  });
});
