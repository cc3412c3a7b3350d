// Pure decision logic of the ReplicaSet controller (pkg/controller/replicaset, pkg/controller/controller_utils.go, v1.35).
// The machine around it owns informers and work queues; these functions only say what to do.
import { mutant } from "../common/mutation.js";
import { Map as IMap } from "immutable";
import { deepCopy } from "../common/equal.js";
import type { Pod, PodTemplateSpec } from "kubernetes-types/core/v1";
import type { ReplicaSet, ReplicaSetCondition, ReplicaSetStatus } from "kubernetes-types/apps/v1";
import type { OwnerReference } from "kubernetes-types/meta/v1";
import { controllerRefOf } from "../common/owners.js";
import { ADOPT, CLAIM, RELEASE, claimDecision, claimPods as claimControlled, type ClaimResult } from "../common/claim.js";
import { compileLabelSelector } from "../common/labels.js";
import { SLOW_START_INITIAL_BATCH_SIZE, isPodAvailable, isPodReady, readyCondition, slowStartBatches } from "../common/podutil.js";
import { rfc3339, toMs } from "../common/time.js";

export { controllerRefOf };
export { SLOW_START_INITIAL_BATCH_SIZE, isPodAvailable, isPodReady, slowStartBatches };

/** Kubernetes caps creations/deletions per sync at this many (ReplicaSetController burstReplicas). */
export const BURST_REPLICAS = 500;
/** Expectations older than this are treated as satisfied (controller.ExpectationsTimeout). */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;
/** Annotation whose int32 value orders pods for scale-down (core PodDeletionCost). */
export const POD_DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost";

// ---------- label selectors ----------

// A nil selector selects nothing, an empty one everything (metav1.LabelSelectorAsSelector).

function matchesLabelSet(required: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  // Own keys only, as Object.entries gives them; no array built per pod.
  for (const k in required) if (Object.hasOwn(required, k) && l[k] !== required[k]) return false;
  return true;
}

// ---------- pod predicates ----------

/** A pod is active unless it Succeeded, Failed or is being deleted (controller.IsPodActive). */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== "Succeeded" && phase !== "Failed" && (!pod.metadata?.deletionTimestamp || mutant("replicaset.counts-terminating-as-active"));
}

/** Only the active pods (controller.FilterActivePods). */
export function filterActivePods(pods: readonly Pod[]): Pod[] {
  return pods.filter(isPodActive);
}

/** Pods whose controller ownerReference points at rs by uid. */
export function podsOwnedBy(rs: ReplicaSet, pods: readonly Pod[]): Pod[] {
  const uid = rs.metadata?.uid;
  return pods.filter((p) => uid !== undefined && controllerRefOf(p)?.uid === uid);
}

/** The controller ownerReference a ReplicaSet (or a ReplicationController seen as one) stamps on what it owns (metav1.NewControllerRef with the controller's GroupVersionKind). */
export function replicaSetControllerRef(rs: ReplicaSet): OwnerReference {
  const rc = (rs as { kind?: string }).kind === "ReplicationController";
  return {
    apiVersion: rc ? "v1" : "apps/v1", kind: rc ? "ReplicationController" : "ReplicaSet", name: rs.metadata?.name ?? "", uid: rs.metadata?.uid ?? "",
    controller: true, blockOwnerDeletion: true,
  };
}

/**
 * A v1 ReplicationController as the ReplicaSet controller sees it (pkg/controller/replication's
 * conversion adapter): its selector map becomes matchLabels; kind and apiVersion stay the RC's, so
 * the ownerReferences and events it makes name the ReplicationController.
 */
export function replicaSetView(rc: { metadata?: ReplicaSet["metadata"]; spec?: { replicas?: number; minReadySeconds?: number; selector?: Record<string, string>; template?: PodTemplateSpec }; status?: ReplicaSetStatus }): ReplicaSet {
  const spec = rc.spec ?? {};
  const viewSpec: Record<string, unknown> = { selector: { matchLabels: { ...(spec.selector ?? {}) } }, template: spec.template ?? {} };
  if (spec.replicas !== undefined) viewSpec.replicas = spec.replicas;
  if (spec.minReadySeconds !== undefined) viewSpec.minReadySeconds = spec.minReadySeconds;
  const view: Record<string, unknown> = { apiVersion: "v1", kind: "ReplicationController", metadata: rc.metadata, spec: viewSpec };
  if (rc.status !== undefined) view.status = rc.status;
  return view as unknown as ReplicaSet;
}

// ---------- adoption / orphaning (PodControllerRefManager.ClaimPods, ../common/claim.ts) ----------

export type { ClaimResult };

/** Decides which pods a ReplicaSet claims, adopts and releases, as ClaimPods does. */
export function claimPods(rs: ReplicaSet, pods: readonly Pod[]): ClaimResult {
  return claimControlled(rs, replicaSetControllerRef(rs), pods);
}

/**
 * What one sync of rs reads of each pod, as a count: controlled by rs (active or not); then, over
 * the active pods, what claimPods keeps, adopts and releases, and of the kept ones (an adopted pod
 * keeps its labels and status) the fully labeled and the ready (calculateStatus). Summed over the
 * candidates, it is claimPods(rs, filterActivePods(candidates)) and the counts of calculateStatus
 * without building the lists.
 */
export const OWNED = 0, CLAIMED = 1, ADOPTED = 2, RELEASED = 3, FULLY_LABELED = 4, READY = 5;

/** The count of one sync of rs (see OWNED), as a PostingCount for the pod informer's index. */
export function claimCount(rs: ReplicaSet): { id: string; of: (pod: Pod) => readonly number[] } {
  const uid = rs.metadata?.uid;
  const ns = rs.metadata?.namespace;
  const deleting = !!rs.metadata?.deletionTimestamp;
  const template = rs.spec?.template?.metadata?.labels;
  const matches = compileLabelSelector(rs.spec?.selector);
  const id = JSON.stringify([uid ?? null, ns ?? null, deleting, rs.spec?.selector ?? null, template ?? null]);
  return {
    id,
    of: (pod) => {
      const ref = controllerRefOf(pod);
      let bits = ref !== undefined && ref.uid === uid ? 1 << OWNED : 0;
      if (isPodActive(pod)) {
        const d = claimDecision(pod, uid, deleting, ns, matches(pod.metadata?.labels));
        if (d === RELEASE) bits |= 1 << RELEASED;
        else if (d === CLAIM || d === ADOPT) {
          bits |= 1 << CLAIMED;
          if (d === ADOPT) bits |= 1 << ADOPTED;
          if (matchesLabelSet(template, pod.metadata?.labels)) bits |= 1 << FULLY_LABELED;
          if (countsAsReady(pod)) bits |= 1 << READY;
        }
      }
      return shares[bits]!;
    },
  };
}

// The 64 possible shares of one pod, made once (a count's `of` allocates nothing).
const shares: readonly (readonly number[])[] = Array.from({ length: 64 }, (_, bits) => Object.freeze(Array.from({ length: 6 }, (_, i) => (bits >> i) & 1)));

// ---------- expectations (ControllerExpectations / UIDTrackingControllerExpectations) ----------

export interface Expectation {
  add: number;
  del: number;
  /** Pod keys (namespace/name) whose deletion we await; deletions of other pods do not count. */
  deleteKeys: string[];
  timestampMs: number;
}
/** One entry per controller key: persistent, as it grows with the cluster (a write is not a copy of all). */
export type Expectations = IMap<string, Expectation>;

/** An empty expectations store. */
export function newExpectations(): Expectations {
  return IMap();
}

function setExp(store: Expectations, key: string, e: Expectation): Expectations {
  return store.set(key, e);
}

/** Records that n creations are expected for key (ExpectCreations replaces any previous expectation). */
export function expectCreations(store: Expectations, key: string, n: number, nowMs: number): Expectations {
  return setExp(store, key, { add: n, del: 0, deleteKeys: [], timestampMs: nowMs });
}

/** Records the pods whose deletion is expected for key (ExpectDeletions). */
export function expectDeletions(store: Expectations, key: string, podKeys: readonly string[], nowMs: number): Expectations {
  return setExp(store, key, { add: 0, del: podKeys.length, deleteKeys: [...podKeys], timestampMs: nowMs });
}

/** One expected creation has been seen by the informer, or will never happen (CreationObserved). */
export function creationObserved(store: Expectations, key: string): Expectations {
  const e = store.get(key);
  if (!e) return store;
  return setExp(store, key, { ...e, add: e.add - 1 });
}

/** A pod deletion was observed; only counts if the pod was one we were waiting for (DeletionObserved). */
export function deletionObserved(store: Expectations, key: string, podKey: string): Expectations {
  const e = store.get(key);
  if (!e || !e.deleteKeys.includes(podKey)) return store;
  return setExp(store, key, { ...e, del: e.del - 1, deleteKeys: e.deleteKeys.filter((k) => k !== podKey) });
}

/** Drops the expectations of a deleted controller (DeleteExpectations). */
export function deleteExpectations(store: Expectations, key: string): Expectations {
  return store.delete(key);
}

/** True when the controller may sync: fulfilled, expired after 5 minutes, or never set (SatisfiedExpectations). */
export function satisfied(store: Expectations, key: string, nowMs: number): boolean {
  const e = store.get(key);
  if (!e) return true;
  if (e.add <= 0 && e.del <= 0) return true;
  return nowMs - e.timestampMs > EXPECTATIONS_TIMEOUT_MS;
}

// ---------- scaling ----------

/**
 * How many pods slowStartBatch created when the given batch (0-based) hit its first error:
 * every earlier batch completed; the failing batch's successes are passed in.
 */
export function successfulCreations(batches: readonly number[], failedBatch: number, successesInFailedBatch: number): number {
  return batches.slice(0, failedBatch).reduce((a, b) => a + b, 0) + successesInFailedBatch;
}

/** Lowers the creation expectation for the pods slowStartBatch skipped after an error. */
export function skipCreations(store: Expectations, key: string, skipped: number): Expectations {
  let s = store;
  for (let i = 0; i < skipped; i++) s = creationObserved(s, key);
  return s;
}

export interface ManageReplicasPlan {
  /** Pods to create in total this sync (already capped at burstReplicas). */
  create: number;
  /** Creation batches, each started only when the previous one fully succeeded. */
  batches: number[];
  delete: Pod[];
  expectations: Expectations;
}

/** The namespace/name key of an object. */
export function objectKey(obj: { metadata?: { namespace?: string; name?: string } }): string {
  return `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
}

/**
 * What one manageReplicas call does: create or delete pods to reach spec.replicas (default 1).
 * Nothing happens while expectations are pending or the ReplicaSet is being deleted, as syncReplicaSet guards.
 */
export function manageReplicas(
  rs: ReplicaSet, activePods: readonly Pod[], expectations: Expectations, nowMs: number,
  relatedPods: readonly Pod[] | (() => readonly Pod[]) = activePods,
): ManageReplicasPlan {
  return planReplicas(rs, activePods.length, () => activePods, expectations, nowMs, relatedPods);
}

/**
 * manageReplicas from the number of active pods: the pods themselves (and the related ones) are
 * asked for only when some must be deleted.
 */
export function planReplicas(
  rs: ReplicaSet, active: number, activePods: () => readonly Pod[], expectations: Expectations, nowMs: number,
  relatedPods: readonly Pod[] | (() => readonly Pod[]) = activePods,
): ManageReplicasPlan {
  const key = objectKey(rs);
  const none: ManageReplicasPlan = { create: 0, batches: [], delete: [], expectations };
  if (!satisfied(expectations, key, nowMs) || rs.metadata?.deletionTimestamp) return none;
  const diff = active - (rs.spec?.replicas ?? 1);
  if (diff < 0) {
    const n = mutant("replicaset.creations-not-burst-limited") ? -diff : Math.min(-diff, BURST_REPLICAS);
    return { create: n, batches: slowStartBatches(n), delete: [], expectations: expectCreations(expectations, key, n, nowMs) };
  }
  if (diff > 0) {
    // The related pods rank deletions only: a caller may pass them as a function, asked only here.
    const pods = activePods();
    const related = typeof relatedPods === "function" ? relatedPods() : relatedPods;
    const victims = podsToDelete(pods, Math.min(diff, BURST_REPLICAS), related, nowMs);
    return { create: 0, batches: [], delete: victims, expectations: expectDeletions(expectations, key, victims.map(objectKey), nowMs) };
  }
  return none;
}

// ---------- choosing pods to delete (ActivePodsWithRanks.Less) ----------

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: Pod): number {
  const raw = pod.metadata?.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return 0; // invalid values are ignored, as the API validates them
  const v = Number(raw);
  return v >= -(2 ** 31) && v < 2 ** 31 ? v : 0;
}

function readySinceMs(pod: Pod): number | undefined {
  return isPodReady(pod) ? toMs(readyCondition(pod)?.lastTransitionTime) : undefined;
}

function maxRestarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

// Zero time sorts first; otherwise the later one first (afterOrZero).
function afterOrZero(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

// LogarithmicScaleDown (GA): timestamps within the same power-of-two age bucket tie and fall to the uid.
function logRank(t: number, nowMs: number): number {
  const d = (nowMs - t) * 1e6; // Go durations are in nanoseconds
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

function compareTimes(a: number | undefined, b: number | undefined, pa: Pod, pb: Pod, nowMs: number | undefined): boolean {
  if (nowMs === undefined || a === undefined || b === undefined || mutant("replicaset.scale-down-exact-times")) return afterOrZero(a, b);
  const diff = logRank(a, nowMs) - logRank(b, nowMs);
  if (diff === 0) return (pa.metadata?.uid ?? "") < (pb.metadata?.uid ?? "");
  return diff < 0;
}

/** True when pod a should be deleted before pod b (ActivePodsWithRanks.Less, rank = pods of the set on its node). */
export function lessForDeletion(a: Pod, rankA: number, b: Pod, rankB: number, nowMs?: number): boolean {
  const na = a.spec?.nodeName ?? "", nb = b.spec?.nodeName ?? "";
  if (na !== nb && (na === "" || nb === "")) return mutant("replicaset.unassigned-deleted-last") ? nb === "" : na === "";
  const pa = phaseOrdinal[a.status?.phase ?? ""] ?? 0, pb = phaseOrdinal[b.status?.phase ?? ""] ?? 0;
  if (pa !== pb) return pa < pb;
  // The mutant has the comparison the wrong way round: Ready pods rank first for deletion.
  if (isPodReady(a) !== isPodReady(b)) return mutant("replicaset.ranks-ready-first") ? isPodReady(a) : !isPodReady(a);
  const ca = deletionCost(a), cb = deletionCost(b);
  if (ca !== cb) return mutant("replicaset.deletion-cost-highest-first") ? ca > cb : ca < cb;
  if (rankA !== rankB) return mutant("replicaset.colocated-deleted-last") ? rankA < rankB : rankA > rankB;
  if (isPodReady(a) && isPodReady(b)) {
    const ra = readySinceMs(a), rb = readySinceMs(b);
    // the mutant deletes the pod ready the longest first
    if (ra !== rb) return mutant("replicaset.ready-longest-deleted-first") ? compareTimes(rb, ra, b, a, nowMs) : compareTimes(ra, rb, a, b, nowMs);
  }
  if (maxRestarts(a) !== maxRestarts(b)) return mutant("replicaset.fewer-restarts-deleted-first") ? maxRestarts(a) < maxRestarts(b) : maxRestarts(a) > maxRestarts(b);
  const ta = toMs(a.metadata?.creationTimestamp), tb = toMs(b.metadata?.creationTimestamp);
  if (ta !== tb) return compareTimes(ta, tb, a, b, nowMs);
  return false;
}

/** Ranks each pod by how many active related pods share its node (getPodsRankedByRelatedPodsOnSameNode). */
export function ranksBySameNode(pods: readonly Pod[], relatedPods: readonly Pod[]): number[] {
  const onNode = new Map<string, number>();
  for (const p of relatedPods) {
    if (!isPodActive(p)) continue;
    const n = p.spec?.nodeName ?? "";
    onNode.set(n, (onNode.get(n) ?? 0) + 1);
  }
  return pods.map((p) => onNode.get(p.spec?.nodeName ?? "") ?? 0);
}

/** Sorts pods most-deletable first, as sort.Sort(ActivePodsWithRanks) does. */
export function sortForDeletion(pods: readonly Pod[], relatedPods: readonly Pod[] = pods, nowMs?: number): Pod[] {
  const ranks = ranksBySameNode(pods, relatedPods);
  const idx = pods.map((_, i) => i);
  idx.sort((i, j) => {
    if (lessForDeletion(pods[i]!, ranks[i]!, pods[j]!, ranks[j]!, nowMs)) return -1;
    if (lessForDeletion(pods[j]!, ranks[j]!, pods[i]!, ranks[i]!, nowMs)) return 1;
    return i - j;
  });
  return idx.map((i) => pods[i]!);
}

/** The diff pods to delete (getPodsToDelete): all of them when diff covers the list, else the first diff ranked. */
export function podsToDelete(pods: readonly Pod[], diff: number, relatedPods: readonly Pod[] = pods, nowMs?: number): Pod[] {
  if (diff >= pods.length) return [...pods];
  return sortForDeletion(pods, relatedPods, nowMs).slice(0, diff);
}

// ---------- pods from the template ----------

/** A new Pod from rs.spec.template, as controller.GetPodFromTemplate builds it; nameSuffix sets a name as the API server would. */
export function newPodFromTemplate(rs: ReplicaSet, nameSuffix?: string): Pod {
  const t: PodTemplateSpec = rs.spec?.template ?? {};
  const generateName = `${rs.metadata?.name ?? ""}-`;
  const metadata: Pod["metadata"] = {
    generateName,
    namespace: rs.metadata?.namespace,
    labels: { ...(t.metadata?.labels ?? {}) },
    annotations: { ...(t.metadata?.annotations ?? {}) },
    ownerReferences: [replicaSetControllerRef(rs)],
  };
  if (t.metadata?.finalizers?.length) metadata.finalizers = [...t.metadata.finalizers];
  if (nameSuffix !== undefined) metadata.name = generateName + nameSuffix;
  return { apiVersion: "v1", kind: "Pod", metadata, spec: deepCopy(t.spec ?? { containers: [] }) };
}

// ---------- status ----------

/** Reason set on ReplicaFailure when creating pods failed. */
export const FAILED_CREATE = "FailedCreate";
/** Reason set on ReplicaFailure when deleting pods failed. */
export const FAILED_DELETE = "FailedDelete";

/**
 * The status syncReplicaSet writes (calculateStatus + observedGeneration): counts over the
 * owned active pods and the ReplicaFailure condition while manageReplicas keeps failing.
 */
export function calculateStatus(rs: ReplicaSet, filteredPods: readonly Pod[], manageErr: string | undefined, nowMs: number): ReplicaSetStatus {
  return statusFromCounts(rs, countPods(rs, filteredPods, nowMs), manageErr, nowMs);
}

/** Whether calculateStatus counts a pod ready: by its Ready condition (podutil.IsPodReady), whatever its phase. */
function countsAsReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === "True" || (mutant("replicaset.counts-running-as-ready") && pod.status?.phase === "Running");
}

/** What calculateStatus counts over the filtered pods. */
export function countPods(rs: ReplicaSet, filteredPods: readonly Pod[], nowMs: number): ReplicaCounts {
  const minReady = rs.spec?.minReadySeconds ?? 0;
  const template = rs.spec?.template?.metadata?.labels;
  let fully = 0, ready = 0, available = 0;
  for (const p of filteredPods) {
    if (matchesLabelSet(template, p.metadata?.labels)) fully++;
    // isPodReady, then isPodAvailable
    if (countsAsReady(p)) {
      ready++;
      if (minReady === 0 || isPodAvailable(p, minReady, nowMs)) available++;
    }
  }
  return { replicas: filteredPods.length, fully, ready, available };
}

/** The counts calculateStatus takes from the filtered pods. */
export interface ReplicaCounts {
  replicas: number;
  fully: number;
  ready: number;
  available: number;
}

/** calculateStatus from the counts of the filtered pods (the ReplicaFailure condition needs only their number). */
export function statusFromCounts(rs: ReplicaSet, counts: ReplicaCounts, manageErr: string | undefined, nowMs: number): ReplicaSetStatus {
  const { replicas, fully, ready, available } = counts;
  let conditions: ReplicaSetCondition[] = [...(rs.status?.conditions ?? [])];
  const hasFailure = conditions.some((c) => c.type === "ReplicaFailure");
  if (manageErr !== undefined && !hasFailure) {
    const diff = replicas - (rs.spec?.replicas ?? 1);
    const reason = diff < 0 || mutant("replicaset.failure-reason-always-create") ? FAILED_CREATE : diff > 0 ? FAILED_DELETE : "";
    conditions.push({ type: "ReplicaFailure", status: "True", reason, message: manageErr, lastTransitionTime: rfc3339(nowMs) });
  } else if (manageErr === undefined && hasFailure && !mutant("replicaset.failure-condition-kept")) {
    conditions = conditions.filter((c) => c.type !== "ReplicaFailure");
  }
  // ReplicaSetStatus: replicas is always written; the other counts are `json:",omitempty"`
  const status: ReplicaSetStatus = {
    replicas,
    ...(fully ? { fullyLabeledReplicas: fully } : {}), ...(ready ? { readyReplicas: ready } : {}), ...(available ? { availableReplicas: available } : {}),
    ...(rs.metadata?.generation ? { observedGeneration: rs.metadata.generation } : {}),
  };
  if (conditions.length) status.conditions = conditions;
  return status;
}
