import { describe, it, expect } from "vitest";
import type { Node, Pod, Taint, Toleration } from "kubernetes-types/core/v1";
import { rfc3339 } from "../common/time.js";
import { evictionFor, minTolerationSeconds, nodeHealth, taintChanges, tolerationSecondsFor, toleratesTaint } from "./nodelifecycle.logic.js";

const T0 = Date.parse("2025-01-01T00:00:00Z");
const at = (s: number) => rfc3339(T0 + s * 1000);

function node(ready: string | undefined, heartbeat = 0, extra: Partial<Node["spec"]> = {}): Node {
  const conditions = ready === undefined ? [] : [
    { type: "Ready", status: ready, reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: at(heartbeat), lastTransitionTime: at(0) },
    { type: "MemoryPressure", status: "False", lastHeartbeatTime: at(heartbeat), lastTransitionTime: at(0) },
    { type: "DiskPressure", status: "False", lastHeartbeatTime: at(heartbeat), lastTransitionTime: at(0) },
    { type: "PIDPressure", status: "False", lastHeartbeatTime: at(heartbeat), lastTransitionTime: at(0) },
  ];
  return { metadata: { name: "n1", creationTimestamp: at(0) }, spec: { ...extra }, status: { conditions } };
}

describe("nodeHealth (TestMonitorNodeHealthUpdateStatus)", () => {
  it("a node that posted status within the grace period is left as it is", () => {
    const h = nodeHealth(node("True", 0), undefined, T0 + 30_000, { gracePeriodMs: 40_000 });
    expect(h).toMatchObject({ stale: false, changed: false, taintsToAdd: [], taintsToRemove: [] });
  });

  it("a node silent for longer than the grace period has Ready and the pressure conditions set Unknown", () => {
    const h = nodeHealth(node("True", 0), undefined, T0 + 41_000, { gracePeriodMs: 40_000 });
    expect(h.stale).toBe(true);
    for (const type of ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"]) {
      expect(h.conditions.find((c) => c.type === type)).toMatchObject({ status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastTransitionTime: at(41) });
    }
    expect(h.taintsToAdd).toEqual([
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" },
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: at(41) },
    ]);
  });

  it("a renewed lease keeps a node healthy even when its status heartbeat is old", () => {
    const lease = { spec: { holderIdentity: "n1", renewTime: "2025-01-01T00:00:35.000000Z" } };
    expect(nodeHealth(node("True", 0), lease, T0 + 60_000, { gracePeriodMs: 40_000 }).stale).toBe(false);
  });

  it("a node that never posted status gets NodeStatusNeverUpdated after the startup grace period", () => {
    const h = nodeHealth(node(undefined), undefined, T0 + 61_000);
    expect(h.conditions.find((c) => c.type === "Ready")).toMatchObject({ status: "Unknown", reason: "NodeStatusNeverUpdated", message: "Kubelet never posted node status.", lastHeartbeatTime: at(0) });
  });

  it("conditions already Unknown are not rewritten", () => {
    const n = node("Unknown", 0);
    const h = nodeHealth(n, undefined, T0 + 100_000, { gracePeriodMs: 40_000 });
    expect(h.conditions.find((c) => c.type === "Ready")).toEqual(n.status!.conditions![0]);
  });
});

describe("taintChanges", () => {
  it.each([
    ["a NotReady node gets the not-ready NoSchedule and NoExecute taints", node("False", 0), [], ["node.kubernetes.io/not-ready:NoSchedule", "node.kubernetes.io/not-ready:NoExecute"], []],
    ["a node back to Ready loses the unreachable taints", node("True", 0), [{ key: "node.kubernetes.io/unreachable", effect: "NoSchedule" }, { key: "node.kubernetes.io/unreachable", effect: "NoExecute" }], [], ["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"]],
    ["an unreachable node that turns NotReady swaps the NoExecute taint", node("False", 0), [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }], ["node.kubernetes.io/not-ready:NoSchedule", "node.kubernetes.io/not-ready:NoExecute"], ["node.kubernetes.io/unreachable:NoExecute"]],
    ["a cordoned node gets the unschedulable taint", node("True", 0, { unschedulable: true }), [], ["node.kubernetes.io/unschedulable:NoSchedule"], []],
    ["taints the controller does not manage are left alone", node("True", 0), [{ key: "example.com/gpu", effect: "NoSchedule" }], [], []],
  ])("%s", (_n, n, taints, add, remove) => {
    n.spec = { ...n.spec, taints: taints as Taint[] };
    const got = taintChanges(n, T0);
    expect(got.add.map((t) => `${t.key}:${t.effect}`)).toEqual(add);
    expect(got.remove.map((t) => `${t.key}:${t.effect}`)).toEqual(remove);
  });
});

describe("taint eviction (TestGetMinTolerationTime, TestCreatePod)", () => {
  const unreachable: Taint = { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: at(0) };
  const tol = (o: Partial<Toleration>): Toleration => ({ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", ...o });
  const pod = (tolerations: Toleration[]): Pod => ({ metadata: { name: "x", namespace: "default" }, spec: { containers: [], tolerations } });

  it.each([
    ["no tolerations means no time at all", [], 0],
    ["a toleration without seconds tolerates forever", [tol({})], -1],
    ["the smallest tolerationSeconds wins", [tol({ tolerationSeconds: 300 }), tol({ tolerationSeconds: 20 })], 20],
    ["a negative tolerationSeconds means at once", [tol({ tolerationSeconds: -1 }), tol({ tolerationSeconds: 20 })], 0],
  ])("%s", (_n, used, want) => {
    expect(minTolerationSeconds(used)).toBe(want);
  });

  it.each([
    ["an empty key with Exists tolerates every taint", { key: undefined, operator: "Exists" }, true],
    ["an Equal toleration needs the same value", { operator: "Equal", value: "x" }, false],
    ["a toleration for another effect does not match", { effect: "NoSchedule" }, false],
  ])("%s", (_n, o, want) => {
    expect(toleratesTaint(tol(o as Partial<Toleration>), unreachable)).toBe(want);
  });

  it("tolerationSecondsFor reads the default 300s toleration the API server adds", () => {
    expect(tolerationSecondsFor(pod([tol({ tolerationSeconds: 300 })]), unreachable)).toBe(300);
  });

  it("a pod without a matching toleration is marked for deletion at once", () => {
    expect(evictionFor(pod([]), [unreachable], T0 + 5000)).toMatchObject({
      kind: "now", atMs: T0 + 5000, event: { reason: "TaintManagerEviction", message: "Marking for deletion Pod default/x" },
      podCondition: { type: "DisruptionTarget", status: "True", reason: "DeletionByTaintManager", message: "Taint manager: deleting due to NoExecute taint" },
    });
  });

  // processPodOnNode: startTime := now; triggerTime := startTime + minTolerationTime (timeAdded is not read)
  it("a pod tolerating for 300s is deleted 300s after the controller processes it, whenever the taint was added", () => {
    expect(evictionFor(pod([tol({ tolerationSeconds: 300 })]), [unreachable], T0 + 5000)).toMatchObject({ kind: "at", atMs: T0 + 5000 + 300_000 });
    expect(evictionFor(pod([tol({ tolerationSeconds: 6 })]), [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }], T0 + 5000)).toMatchObject({ kind: "at", atMs: T0 + 11_000 });
  });

  it("a pod tolerating without seconds is never evicted", () => {
    expect(evictionFor(pod([tol({})]), [unreachable], T0).kind).toBe("never");
  });

  it("NoSchedule taints never evict", () => {
    expect(evictionFor(pod([]), [{ key: "k", effect: "NoSchedule" }], T0).kind).toBe("none");
  });
});
