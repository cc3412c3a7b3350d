// The disruption controller's arithmetic (pkg/controller/disruption/disruption.go) and the
// PodDisruptionBudget helpers the eviction subresource shares with it (pkg/apis/policy/helper):
// how many pods a budget expects, how many must stay healthy, how many are, and the status and
// DisruptionAllowed condition that follow. Pure functions: they take values and return values.

import { scaledValueFromIntOrPercent } from "../common/intstr.js";
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from "kubernetes-types/policy/v1";
import type { Pod } from "kubernetes-types/core/v1";
import type { Condition } from "kubernetes-types/meta/v1";
import { mutant } from "../common/mutation.js";
import { isPodReady } from "../common/podutil.js";
import { rfc3339, toMs } from "../common/time.js";
import { deepEqual } from "../common/equal.js";

/** DeletionTimeout: a pod the eviction API marked disrupted is expected gone within two minutes. */
export const DELETION_TIMEOUT_MS = 2 * 60_000;
export const DisruptionAllowedCondition = "DisruptionAllowed";
export const SufficientPodsReason = "SufficientPods";
export const InsufficientPodsReason = "InsufficientPods";
export const SyncFailedReason = "SyncFailed";

/** What getExpectedScale asks of the cluster: the scale of the controller a pod's controllerRef names, or undefined when none is known. */
export type ScaleFinder = (pod: Pod) => { uid: string; scale: number } | undefined;

/** intstr.GetScaledValueFromIntOrPercent: an integer as is, "N%" of total (rounded up or down). */
export function scaledValue(v: number | string, total: number, roundUp: boolean): number | { error: string } {
  return scaledValueFromIntOrPercent(v, total, roundUp);
}

export interface ExpectedCount {
  expectedCount: number;
  desiredHealthy: number;
  unmanagedPods: string[];
}

/** getExpectedScale: the sum of the scales of the controllers of the pods; pods without a controller are unmanaged. */
function expectedScale(pods: readonly Pod[], find: ScaleFinder): { count: number; unmanaged: string[] } | { error: string } {
  const scales = new Map<string, number>();
  const unmanaged: string[] = [];
  for (const pod of pods) {
    const ref = (pod.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
    if (!ref) {
      unmanaged.push(pod.metadata?.name ?? "");
      continue;
    }
    if (scales.has(ref.uid)) continue;
    const found = find(pod);
    if (!found) return { error: `found no controllers for pod ${JSON.stringify(pod.metadata?.name ?? "")}` };
    scales.set(found.uid, found.scale);
  }
  // the mutant counts each pod without a controller as one more expected pod (they are only reported)
  let count = mutant("disruption.unmanaged-pods-counted") ? unmanaged.length : 0;
  for (const n of scales.values()) count += n;
  return { count, unmanaged };
}

/** getExpectedPodCount: maxUnavailable and percentage minAvailable count the controllers' scale; an integer minAvailable counts the pods. */
export function expectedPodCount(pdb: PodDisruptionBudget, pods: readonly Pod[], find: ScaleFinder): ExpectedCount | { error: string } {
  const spec = pdb.spec ?? {};
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const s = expectedScale(pods, find);
    if ("error" in s) return s;
    const max = scaledValue(spec.maxUnavailable, s.count, !mutant("disruption.max-unavailable-rounds-down"));
    if (typeof max !== "number") return max;
    return { expectedCount: s.count, desiredHealthy: Math.max(0, s.count - max), unmanagedPods: s.unmanaged };
  }
  if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
    if (typeof spec.minAvailable === "number") return { expectedCount: pods.length, desiredHealthy: spec.minAvailable, unmanagedPods: [] };
    const s = expectedScale(pods, find);
    if ("error" in s) return s;
    const min = scaledValue(spec.minAvailable, s.count, !mutant("disruption.min-available-rounds-down"));
    if (typeof min !== "number") return min;
    return { expectedCount: s.count, desiredHealthy: min, unmanagedPods: s.unmanaged };
  }
  return { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] };
}

export interface DisruptedPods {
  /** pod name -> when the eviction API marked it, for pods still expected to go */
  disrupted: Record<string, string>;
  /** when the earliest of them is overdue: the budget is synced again then */
  recheckAtMs?: number;
  /** pods marked more than DeletionTimeout ago and still here (a NotDeleted event each) */
  notDeleted: Pod[];
}

/** buildDisruptedPodMap: the marks of status.disruptedPods still within DeletionTimeout, for pods not being deleted. */
export function buildDisruptedPodMap(pods: readonly Pod[], pdb: PodDisruptionBudget, nowMs: number): DisruptedPods {
  const marks = pdb.status?.disruptedPods;
  const out: DisruptedPods = { disrupted: {}, notDeleted: [] };
  if (!marks) return out;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const name = pod.metadata?.name ?? "";
    if (!Object.hasOwn(marks, name)) continue;
    const at = toMs(marks[name]) ?? 0;
    const expected = at + DELETION_TIMEOUT_MS;
    // the mutant never lets a mark expire: a pod whose eviction never happened stays counted as disrupted
    if (expected < nowMs && !mutant("disruption.expired-mark-kept")) out.notDeleted.push(pod);
    else {
      if (out.recheckAtMs === undefined || expected < out.recheckAtMs) out.recheckAtMs = expected;
      out.disrupted[name] = marks[name]!;
    }
  }
  return out;
}

/** countHealthyPods: ready pods that are neither being deleted nor marked disrupted within DeletionTimeout. */
export function countHealthyPods(pods: readonly Pod[], disrupted: Record<string, string>, nowMs: number): number {
  let n = 0;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp && !mutant("disruption.counts-terminating-healthy")) continue;
    const name = pod.metadata?.name ?? "";
    if (Object.hasOwn(disrupted, name) && (toMs(disrupted[name]) ?? 0) + DELETION_TIMEOUT_MS > nowMs) continue;
    if (isPodReady(pod)) n++;
  }
  return n;
}

/** meta.SetStatusCondition: the condition replaced; its lastTransitionTime moves only when its status changes. */
export function setStatusCondition(conditions: readonly Condition[], c: Omit<Condition, "lastTransitionTime">, nowMs: number): Condition[] {
  const old = conditions.find((x) => x.type === c.type);
  if (!old) return [...conditions, { ...c, lastTransitionTime: rfc3339(nowMs) }];
  const next: Condition = { ...c, lastTransitionTime: old.status === c.status ? old.lastTransitionTime : rfc3339(nowMs) };
  return conditions.map((x) => (x === old ? next : x));
}

/** UpdateDisruptionAllowedCondition: True/SufficientPods while disruptions are allowed, else False/InsufficientPods. */
export function withDisruptionAllowedCondition(status: PodDisruptionBudgetStatus, nowMs: number): PodDisruptionBudgetStatus {
  const allowed = status.disruptionsAllowed > 0;
  const conditions = setStatusCondition(status.conditions ?? [], {
    type: DisruptionAllowedCondition, status: allowed ? "True" : "False", reason: allowed ? SufficientPodsReason : InsufficientPodsReason,
    message: "", observedGeneration: status.observedGeneration,
  }, nowMs);
  return { ...status, conditions };
}

/** ConditionsAreUpToDate: the DisruptionAllowed condition agrees with disruptionsAllowed for the current generation. */
export function conditionsAreUpToDate(pdb: PodDisruptionBudget): boolean {
  const st = pdb.status;
  const c = st?.conditions?.find((x) => x.type === DisruptionAllowedCondition);
  if (!c || !st || st.observedGeneration !== pdb.metadata?.generation) return false;
  return st.disruptionsAllowed > 0 ? c.status === "True" && c.reason === SufficientPodsReason : c.status === "False" && c.reason === InsufficientPodsReason;
}

/**
 * updatePdbStatus: the status to write, or undefined when the stored one already says it.
 * disruptionsAllowed is 0 until a budget expects pods, so pods appearing before the controller
 * has seen them are safe.
 */
export function nextStatus(pdb: PodDisruptionBudget, currentHealthy: number, desiredHealthy: number, expectedCount: number, disrupted: Record<string, string>, nowMs: number): PodDisruptionBudgetStatus | undefined {
  let disruptionsAllowed = currentHealthy - desiredHealthy;
  if (expectedCount <= 0 || (disruptionsAllowed <= 0 && !mutant("disruption.allowed-not-clamped-at-zero"))) disruptionsAllowed = 0;
  const st = pdb.status;
  const storedDisrupted = st?.disruptedPods ?? {};
  if (st && st.currentHealthy === currentHealthy && st.desiredHealthy === desiredHealthy && st.expectedPods === expectedCount
    && st.disruptionsAllowed === disruptionsAllowed && deepEqual(storedDisrupted, disrupted) && st.observedGeneration === pdb.metadata?.generation
    && conditionsAreUpToDate(pdb)) return undefined;
  const next: PodDisruptionBudgetStatus = {
    currentHealthy, desiredHealthy, expectedPods: expectedCount, disruptionsAllowed,
    ...(Object.keys(disrupted).length > 0 ? { disruptedPods: disrupted } : {}),
    observedGeneration: pdb.metadata?.generation, conditions: st?.conditions ?? [],
  };
  return withDisruptionAllowedCondition(next, nowMs);
}

/** failSafe: a budget whose sync failed allows no disruption, with a SyncFailed condition saying why. */
export function failSafeStatus(pdb: PodDisruptionBudget, message: string, nowMs: number): PodDisruptionBudgetStatus {
  const st: PodDisruptionBudgetStatus = pdb.status ?? { currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, disruptionsAllowed: 0 };
  const conditions = setStatusCondition(st.conditions ?? [], { type: DisruptionAllowedCondition, status: "False", reason: SyncFailedReason, message, observedGeneration: st.observedGeneration }, nowMs);
  // the mutant keeps the last disruptionsAllowed: evictions go on while the budget cannot be computed
  return { ...st, disruptionsAllowed: mutant("disruption.fail-safe-keeps-allowed") ? st.disruptionsAllowed : 0, conditions };
}

/** The pod is healthy as a budget counts it (IsPodReady). */
export { isPodReady };
