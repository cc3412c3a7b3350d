// Rows after pkg/controller/podgc/gc_controller_test.go (TestGCTerminated: pods created one second
// apart in list order; TestGCOrphaned's quarantine; TestGCUnscheduledTerminating; TestGCTerminating).

import { describe, expect, it } from "vitest";
import type { Node, Pod } from "kubernetes-types/core/v1";
import * as L from "./podgc.logic.js";

const pod = (name: string, i: number, phase: string, extra: { reason?: string; node?: string; deleting?: boolean } = {}): Pod => ({
  metadata: { name, namespace: "default", creationTimestamp: new Date(i * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"), ...(extra.deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
  spec: { containers: [], ...(extra.node ? { nodeName: extra.node } : {}) },
  status: { phase, ...(extra.reason ? { reason: extra.reason } : {}) },
});
const list = (rows: Array<[string, string, string?]>) => rows.map(([n, ph, reason], i) => pod(n, i, ph, reason ? { reason } : {}));

describe("terminatedToDelete (gcTerminated)", () => {
  const rows: Array<[string, Pod[], number, string[]]> = [
    ["threshold 0 turns the pass off", list([["a", "Failed"], ["b", "Succeeded"]]), 0, []],
    ["threshold 1 deletes the oldest two of three terminated", list([["a", "Failed"], ["b", "Succeeded"], ["c", "Failed"]]), 1, ["a", "b"]],
    ["running pods do not count", list([["a", "Running"], ["b", "Succeeded"], ["c", "Failed"]]), 1, ["b"]],
    ["below the threshold nothing goes", list([["a", "Failed"], ["b", "Succeeded"]]), 5, []],
    ["Pending and Unknown are not terminated", list([["a", "Pending"], ["b", "Unknown"], ["c", "Failed"]]), 1, []],
    ["evicted pods go first, whatever their age", list([["a", "Failed"], ["b", "Succeeded"], ["c", "Failed", "Evicted"]]), 1, ["c", "a"]],
  ];
  it.each(rows)("%s", (_n, pods, threshold, want) => {
    expect(L.terminatedToDelete(pods, threshold).map((p) => p.metadata?.name)).toEqual(want);
  });
  it("pods created in the same second go by name", () => {
    expect(L.terminatedToDelete([pod("b", 1, "Failed"), pod("a", 1, "Failed"), pod("c", 2, "Failed")], 1).map((p) => p.metadata?.name)).toEqual(["a", "b"]);
  });
});

describe("orphans: quarantine, then the API server is asked", () => {
  const pods = [pod("a", 0, "Running", { node: "deleted" }), pod("b", 1, "Running", { node: "worker" }), pod("c", 2, "Pending")];
  const known = (n: string) => n === "worker";
  it("quarantines an unknown node for 40 s and keeps the first time when seen again", () => {
    const q = L.quarantine(new Map(), pods, known, 1000);
    expect([...q]).toEqual([["deleted", 41_000]]);
    expect([...L.quarantine(q, pods, known, 21_000)]).toEqual([["deleted", 41_000]]);
  });
  it("a node is due once its quarantine is over, unless the informer has seen it since", () => {
    const q = new Map([["deleted", 41_000], ["late", 41_000]]);
    expect(L.dueNodes(q, known, 40_999)).toEqual([]);
    expect(L.dueNodes(q, (n) => n === "late", 41_000)).toEqual(["deleted"]);
  });
});

describe("terminating pods", () => {
  it("gcUnscheduledTerminating takes terminating pods without a node only", () => {
    const pods = [pod("a", 0, "Pending", { deleting: true }), pod("b", 1, "Running", { deleting: true, node: "n" }), pod("c", 2, "Pending")];
    expect(L.unscheduledTerminating(pods).map((p) => p.metadata?.name)).toEqual(["a"]);
  });
  it("gcTerminating takes terminating pods on a NotReady node with the out-of-service taint", () => {
    const node = (name: string, ready: boolean, taint: boolean): Node => ({ metadata: { name }, spec: taint ? { taints: [{ key: L.TaintNodeOutOfService, effect: "NoExecute" }] } : {}, status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] } });
    const nodes = new Map([["oos", node("oos", false, true)], ["down", node("down", false, false)], ["readyoos", node("readyoos", true, true)]]);
    const pods = [pod("a", 0, "Running", { deleting: true, node: "oos" }), pod("b", 1, "Running", { deleting: true, node: "down" }), pod("c", 2, "Running", { deleting: true, node: "readyoos" }), pod("d", 3, "Running", { node: "oos" })];
    expect(L.terminatingOnOutOfServiceNodes(pods, nodes).map((p) => p.metadata?.name)).toEqual(["a"]);
  });
  it("a finished pod is deleted without a status patch; a running one is marked Failed first", () => {
    expect(L.failedStatusPatch(pod("a", 0, "Succeeded"), undefined, "t")).toBeUndefined();
    expect(L.failedStatusPatch(pod("a", 0, "Running"), { reason: "DeletionByPodGC", message: "PodGC: node no longer exists" }, "t")).toEqual({ status: { phase: "Failed", conditions: [{ type: "DisruptionTarget", status: "True", reason: "DeletionByPodGC", message: "PodGC: node no longer exists", lastTransitionTime: "t" }] } });
  });
});
