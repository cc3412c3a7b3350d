// Rows after pkg/controller/disruption/disruption_test.go (TestNoSelector, TestUnavailable,
// TestIntegerMaxUnavailable, TestNakedPod, TestReplicaSet with percentages, TestStatusForUnmanagedPod,
// TestBasicFinderFunctions' sums, the DeletionTimeout rows of TestUpdateDisruptedPods) and the
// policy helper's ConditionsAreUpToDate.

import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import * as L from "./disruption.logic.js";

const T0 = Date.UTC(2026, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const pod = (name: string, opts: { ready?: boolean; owner?: string; deleting?: boolean } = {}): Pod => ({
  metadata: {
    name, namespace: "default", labels: { foo: "bar" },
    ...(opts.owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: opts.owner, uid: `${opts.owner}-uid`, controller: true }] } : {}),
    ...(opts.deleting ? { deletionTimestamp: iso(T0) } : {}),
  },
  status: { conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }] },
});
const pdb = (spec: PodDisruptionBudget["spec"], status?: PodDisruptionBudget["status"]): PodDisruptionBudget => ({ metadata: { name: "foo", namespace: "default", generation: 1 }, spec, ...(status ? { status } : {}) });
const scales = (m: Record<string, number>): L.ScaleFinder => (p) => {
  const ref = p.metadata?.ownerReferences?.[0];
  return ref && Object.hasOwn(m, ref.name) ? { uid: ref.uid, scale: m[ref.name]! } : undefined;
};

describe("expectedPodCount (getExpectedPodCount)", () => {
  const rows: Array<[string, PodDisruptionBudget, Pod[], Record<string, number>, L.ExpectedCount | { error: string }]> = [
    ["an integer minAvailable expects the pods there are", pdb({ minAvailable: 3 }), [pod("a"), pod("b")], {}, { expectedCount: 2, desiredHealthy: 3, unmanagedPods: [] }],
    ["an integer minAvailable counts naked pods without complaint", pdb({ minAvailable: 1 }), [pod("naked")], {}, { expectedCount: 1, desiredHealthy: 1, unmanagedPods: [] }],
    ["a percentage minAvailable counts the controller's scale, rounded up", pdb({ minAvailable: "28%" }), [pod("a", { owner: "rs" })], { rs: 7 }, { expectedCount: 7, desiredHealthy: 2, unmanagedPods: [] }],
    ["an integer maxUnavailable: scale minus it", pdb({ maxUnavailable: 1 }), [pod("a", { owner: "rs" }), pod("b", { owner: "rs" })], { rs: 3 }, { expectedCount: 3, desiredHealthy: 2, unmanagedPods: [] }],
    ["maxUnavailable larger than the scale leaves zero desired", pdb({ maxUnavailable: 5 }), [pod("a", { owner: "rs" })], { rs: 3 }, { expectedCount: 3, desiredHealthy: 0, unmanagedPods: [] }],
    ["two controllers' scales add up", pdb({ maxUnavailable: "50%" }), [pod("a", { owner: "rs1" }), pod("b", { owner: "rs2" })], { rs1: 2, rs2: 4 }, { expectedCount: 6, desiredHealthy: 3, unmanagedPods: [] }],
    ["a pod without a controller is unmanaged and not expected", pdb({ maxUnavailable: 1 }), [pod("naked")], {}, { expectedCount: 0, desiredHealthy: 0, unmanagedPods: ["naked"] }],
    ["a controller with no scale is an error", pdb({ minAvailable: "50%" }), [pod("a", { owner: "job" })], {}, { error: 'found no controllers for pod "a"' }],
  ];
  it.each(rows)("%s", (_n, b, pods, m, want) => {
    expect(L.expectedPodCount(b, pods, scales(m))).toEqual(want);
  });
});

describe("healthy pods and the disrupted-pod marks", () => {
  it("counts ready pods, not unready, deleting or freshly disrupted ones", () => {
    const pods = [pod("a"), pod("b", { ready: false }), pod("c", { deleting: true }), pod("d")];
    expect(L.countHealthyPods(pods, { d: iso(T0) }, T0 + 60_000)).toBe(1);
  });
  it("keeps a mark within DeletionTimeout and rechecks when it runs out; an overdue mark is dropped with a NotDeleted pod", () => {
    const b = pdb({ minAvailable: 1 }, { currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, disruptionsAllowed: 0, disruptedPods: { fresh: iso(T0), stale: iso(T0 - 3 * 60_000), gone: iso(T0) } });
    const r = L.buildDisruptedPodMap([pod("fresh"), pod("stale")], b, T0 + 1000);
    expect(r.disrupted).toEqual({ fresh: iso(T0) });
    expect(r.recheckAtMs).toBe(T0 + L.DELETION_TIMEOUT_MS);
    expect(r.notDeleted.map((p) => p.metadata?.name)).toEqual(["stale"]);
  });
});

describe("nextStatus (updatePdbStatus) and the DisruptionAllowed condition", () => {
  it("allows currentHealthy - desiredHealthy disruptions, True SufficientPods", () => {
    const st = L.nextStatus(pdb({ minAvailable: 2 }), 3, 2, 3, {}, T0)!;
    expect(st).toEqual({ currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1, observedGeneration: 1, conditions: [{ type: "DisruptionAllowed", status: "True", reason: "SufficientPods", message: "", observedGeneration: 1, lastTransitionTime: iso(T0) }] });
  });
  it("allows none while it expects no pods, whatever is healthy (TestNoSelector's safety)", () => {
    expect(L.nextStatus(pdb({ minAvailable: 0 }), 2, 0, 0, {}, T0)!.disruptionsAllowed).toBe(0);
  });
  it("never allows a negative number", () => {
    const st = L.nextStatus(pdb({ minAvailable: 5 }), 3, 5, 3, {}, T0)!;
    expect(st.disruptionsAllowed).toBe(0);
    expect(st.conditions![0]).toMatchObject({ status: "False", reason: "InsufficientPods" });
  });
  it("writes nothing when the stored status already says it", () => {
    const b = pdb({ minAvailable: 2 });
    const st = L.nextStatus(b, 3, 2, 3, {}, T0)!;
    expect(L.nextStatus({ ...b, status: st }, 3, 2, 3, {}, T0 + 5000)).toBeUndefined();
  });
  it("rewrites a status of an older generation, keeping the condition's transition time while its status holds", () => {
    const b = pdb({ minAvailable: 2 });
    const st = L.nextStatus(b, 3, 2, 3, {}, T0)!;
    const next = L.nextStatus({ ...b, metadata: { ...b.metadata, generation: 2 }, status: st }, 3, 2, 3, {}, T0 + 5000)!;
    expect(next.observedGeneration).toBe(2);
    expect(next.conditions![0]!.lastTransitionTime).toBe(iso(T0));
  });
  it("failSafe allows nothing and says SyncFailed with the error", () => {
    const st = L.failSafeStatus(pdb({ minAvailable: 1 }, { currentHealthy: 3, desiredHealthy: 1, expectedPods: 3, disruptionsAllowed: 2, observedGeneration: 1 }), "boom", T0);
    expect(st).toMatchObject({ currentHealthy: 3, disruptionsAllowed: 0, conditions: [{ type: "DisruptionAllowed", status: "False", reason: "SyncFailed", message: "boom" }] });
  });
});

describe("scaledValue (intstr.GetScaledValueFromIntOrPercent)", () => {
  const rows: Array<[number | string, number, boolean, number | { error: string }]> = [
    [3, 10, true, 3], ["50%", 5, true, 3], ["50%", 5, false, 2], ["0%", 7, true, 0], ["100%", 7, true, 7],
    ["abc", 7, true, { error: "invalid value for IntOrString: invalid type: string is not a percentage" }],
  ];
  it.each(rows)("%s of %s (roundUp %s) is %j", (v, total, up, want) => {
    expect(L.scaledValue(v, total, up)).toEqual(want);
  });
});
