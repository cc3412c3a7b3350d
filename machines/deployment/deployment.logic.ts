// Pure decision logic of the Deployment controller (pkg/controller/deployment, v1.35).
// Every function returns what the controller would write; the machine performs the writes.
import { scaledValueFromIntOrPercent } from "../common/intstr.js";
import { deepCopy, deepEqual } from "../common/equal.js";
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod, PodTemplateSpec } from "kubernetes-types/core/v1";
import type { OwnerReference } from "kubernetes-types/meta/v1";
import { rfc3339, toMs } from "../common/time.js";
import { canonical, podTemplateHash, safeEncodeString, withoutNullFields } from "../common/hash.js";
import { mutant } from "../common/mutation.js";
import { compileLabelSelector, labelSelectorAsRequirements, matchesRequirements } from "../common/labels.js";
import { controllerRefOf } from "../common/owners.js";

export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
export const REVISION_HISTORY_ANNOTATION = "deployment.kubernetes.io/revision-history";
export const DESIRED_REPLICAS_ANNOTATION = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas";
/** Label added to a ReplicaSet's selector and template so ReplicaSets of one Deployment never overlap. */
export const POD_TEMPLATE_HASH_LABEL = "pod-template-hash";
/** The revision-history annotation is trimmed from the front to stay under this size. */
export const MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

// Condition reasons (deployment/util).
export const ReplicaSetUpdatedReason = "ReplicaSetUpdated";
export const FailedRSCreateReason = "ReplicaSetCreateError";
export const NewReplicaSetReason = "NewReplicaSetCreated";
export const FoundNewRSReason = "FoundNewReplicaSet";
export const NewRSAvailableReason = "NewReplicaSetAvailable";
export const TimedOutReason = "ProgressDeadlineExceeded";
export const PausedDeployReason = "DeploymentPaused";
export const ResumedDeployReason = "DeploymentResumed";
export const MinimumReplicasAvailable = "MinimumReplicasAvailable";
export const MinimumReplicasUnavailable = "MinimumReplicasUnavailable";

const MAX_INT32 = 2147483647;

// ---------- defaults the API server would have applied ----------

/** spec.replicas, defaulting to 1. */
export function desiredReplicas(d: Deployment): number {
  return d.spec?.replicas ?? 1;
}
function rsReplicas(rs: ReplicaSet): number {
  return rs.spec?.replicas ?? 1;
}
function isRollingUpdate(d: Deployment): boolean {
  return (d.spec?.strategy?.type ?? "RollingUpdate") === "RollingUpdate";
}
// HasProgressDeadline: set and not MaxInt32 (the API server defaults it to 600; an unset one is no deadline)
function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== null && (s !== MAX_INT32 || mutant("deployment.progress-deadline-max-int-counts"));
}

// ---------- intstr and fenceposts ----------

/** intstr.GetScaledValueFromIntOrPercent: ints as is, "N%" of total rounded up or down; throws like Kubernetes on bad strings. */
export function scaledValue(v: number | string, total: number, roundUp: boolean): number {
  const r = scaledValueFromIntOrPercent(v, total, roundUp);
  if (typeof r !== "number") throw new Error(r.error);
  return r;
}

/** Absolute maxSurge and maxUnavailable for desired replicas; both zero becomes unavailable 1 (ResolveFenceposts). */
export function resolveFenceposts(maxSurge: number | string | undefined, maxUnavailable: number | string | undefined, desired: number): { surge: number; unavailable: number } {
  // the mutant rounds a maxSurge percentage down, like maxUnavailable
  const surge = scaledValue(maxSurge ?? 0, desired, !mutant("deployment.max-surge-rounds-down"));
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, mutant("deployment.max-unavailable-rounds-up"));
  if (surge === 0 && unavailable === 0 && !mutant("deployment.fenceposts-both-zero")) unavailable = 1; // otherwise a rollout could never progress
  return { surge, unavailable };
}

function rollingParams(d: Deployment): { maxSurge: number | string; maxUnavailable: number | string } {
  const ru = d.spec?.strategy?.rollingUpdate;
  return { maxSurge: ru?.maxSurge ?? "25%", maxUnavailable: ru?.maxUnavailable ?? "25%" };
}

/** Absolute surge of a RollingUpdate Deployment, 0 for Recreate (MaxSurge). */
export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const p = rollingParams(d);
  return resolveFenceposts(p.maxSurge, p.maxUnavailable, desiredReplicas(d)).surge;
}

/** Absolute maxUnavailable, capped at replicas; 0 for Recreate or zero replicas (MaxUnavailable). */
export function maxUnavailable(d: Deployment): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const p = rollingParams(d);
  return Math.min(resolveFenceposts(p.maxSurge, p.maxUnavailable, replicas).unavailable, replicas);
}

// ---------- hashing ----------

export { podTemplateHash, safeEncodeString };

// ---------- revisions ----------

/** The revision annotation of an object as an int64 (a bigint: revisions such as 3546343826724305832 exceed a double); 0 when absent, undefined when unparsable. */
export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } }): bigint | undefined {
  const v = obj.metadata?.annotations?.[REVISION_ANNOTATION];
  if (v === undefined) return 0n;
  return /^[+-]?\d+$/.test(v) ? BigInt(v) : undefined;
}

/** The highest revision among ReplicaSets, skipping unparsable ones (MaxRevision). */
export function maxRevision(rsList: readonly ReplicaSet[]): bigint {
  return rsList.reduce((m, rs) => { const v = revisionOf(rs) ?? 0n; return v > m ? v : m; }, 0n);
}

/** The second highest revision, the one `rollout undo` goes back to (LastRevision). */
export function lastRevision(rsList: readonly ReplicaSet[]): bigint {
  let max = 0n, sec = 0n;
  for (const rs of rsList) {
    const v = revisionOf(rs);
    if (v === undefined) continue;
    if (v >= max) { sec = max; max = v; } else if (v > sec) sec = v;
  }
  return sec;
}

/** The revision a new ReplicaSet gets: highest old revision + 1. */
export function nextRevision(oldRSs: readonly ReplicaSet[]): bigint {
  return maxRevision(oldRSs) + (mutant("deployment.next-revision-reuses-max") ? 0n : 1n);
}

const annotationsToSkip = new Set([
  LAST_APPLIED, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION,
]);

/** The replica annotations a ReplicaSet of d must carry (SetReplicasAnnotations). */
export function replicasAnnotations(d: Deployment): Record<string, string> {
  const r = desiredReplicas(d);
  return { [DESIRED_REPLICAS_ANNOTATION]: String(r), [MAX_REPLICAS_ANNOTATION]: String(r + maxSurge(d)) };
}

/**
 * New annotations for the new ReplicaSet (SetNewReplicaSetAnnotations): the Deployment's own
 * annotations, the revision raised to newRevision, the previous revision appended to
 * revision-history when it is reused (a rollback), and replica annotations when it is being created.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: bigint, exists: boolean, revHistoryLimitInChars = MAX_REV_HISTORY_LENGTH_IN_CHARS): { annotations: Record<string, string>; changed: boolean } {
  const a: Record<string, string> = { ...(rs.metadata?.annotations ?? {}) };
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (annotationsToSkip.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const had = Object.hasOwn(a, REVISION_ANNOTATION);
  const oldRevision = a[REVISION_ANNOTATION] ?? "";
  let oldInt = 0n;
  if (oldRevision !== "") {
    if (!/^[+-]?\d+$/.test(oldRevision)) return { annotations: rs.metadata?.annotations ?? {}, changed: false };
    oldInt = BigInt(oldRevision);
  }
  if (oldInt < newRevision) {
    a[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    // the mutant forgets the reused revision's old number in revision-history
    if (had && !mutant("deployment.rollback-history-not-recorded")) a[REVISION_HISTORY_ANNOTATION] = appendHistory(a[REVISION_HISTORY_ANNOTATION] ?? "", oldRevision, revHistoryLimitInChars) ?? a[REVISION_HISTORY_ANNOTATION]!;
  }
  if (!exists) {
    for (const [k, v] of Object.entries(replicasAnnotations(d))) {
      if (a[k] !== v) { a[k] = v; changed = true; }
    }
  }
  return { annotations: a, changed };
}

// Oldest revisions are dropped to stay within limit characters (the controller's revHistoryLimitInChars).
function appendHistory(history: string, oldRevision: string, limit: number): string | undefined {
  if (history === "") return oldRevision;
  const parts = history.split(",");
  let total = history.length + oldRevision.length + 1;
  let start = 0;
  while (total > limit && start < parts.length) {
    total -= parts[start]!.length + 1;
    start++;
  }
  return total <= limit ? [...parts.slice(start), oldRevision].join(",") : undefined;
}

// ---------- ReplicaSet ordering and lookup ----------

function created(rs: ReplicaSet): number {
  return toMs(rs.metadata?.creationTimestamp) ?? 0;
}

/** Oldest first, ties by name (ReplicaSetsByCreationTimestamp). */
export function byCreationTimestamp(a: ReplicaSet, b: ReplicaSet): number {
  const d = created(a) - created(b);
  if (d !== 0) return d;
  return (a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : (a.metadata?.name ?? "") > (b.metadata?.name ?? "") ? 1 : 0;
}

/** Lowest revision first, ties by creation (ReplicaSetsByRevision). */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const ra = revisionOf(a) ?? 0n, rb = revisionOf(b) ?? 0n;
  return ra !== rb ? (ra < rb ? -1 : 1) : byCreationTimestamp(a, b);
}

// Largest first; ties newest first (ReplicaSetsBySizeNewer) or oldest first (ReplicaSetsBySizeOlder).
function bySize(newerFirst: boolean) {
  return (a: ReplicaSet, b: ReplicaSet): number => {
    const d = rsReplicas(b) - rsReplicas(a);
    if (d !== 0) return d;
    return newerFirst ? byCreationTimestamp(b, a) : byCreationTimestamp(a, b);
  };
}

function stripHash(t: PodTemplateSpec | undefined): PodTemplateSpec {
  // Compared as Go compares the decoded structs: a null field is an absent one.
  // withoutNullFields builds new objects all the way down: the copy is ours to strip
  const c = withoutNullFields(t ?? {});
  if (c.metadata?.labels) {
    delete c.metadata.labels[POD_TEMPLATE_HASH_LABEL];
    if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
  }
  return c;
}

/** Templates equal apart from the pod-template-hash label (EqualIgnoreHash). */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return strippedText(a) === strippedText(b);
}

// A stored (frozen) template's text without its hash, kept with it: every sync compares the
// Deployment's template with each of its ReplicaSets'.
const strippedTexts = new WeakMap<object, string>();

function strippedText(t: PodTemplateSpec | undefined): string {
  if (t === undefined || t === null || !Object.isFrozen(t)) return canonical(stripHash(t));
  let text = strippedTexts.get(t);
  if (text === undefined) strippedTexts.set(t, (text = canonical(stripHash(t))));
  return text;
}

/** The oldest ReplicaSet whose template equals the Deployment's (FindNewReplicaSet). */
export function findNewReplicaSet(d: Deployment, rsList: readonly ReplicaSet[]): ReplicaSet | undefined {
  const byAge = [...rsList].sort(byCreationTimestamp);
  // the mutant takes the newest of several ReplicaSets with the Deployment's template
  if (mutant("deployment.new-replicaset-newest-of-equals")) byAge.reverse();
  return byAge.find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/**
 * FindOldReplicaSets: every ReplicaSet but the new one (allRSs), and of those the ones with pods
 * asked for (requiredRSs, spec.replicas not 0).
 */
export function findOldReplicaSets(d: Deployment, rsList: readonly ReplicaSet[]): { requiredRSs: ReplicaSet[]; allRSs: ReplicaSet[] } {
  const n = findNewReplicaSet(d, rsList);
  const allRSs = rsList.filter((rs) => rs.metadata?.uid !== n?.metadata?.uid || rs.metadata?.name !== n?.metadata?.name);
  return { requiredRSs: allRSs.filter((rs) => rsReplicas(rs) !== 0), allRSs };
}

/** Pods the ReplicaSets ask for (GetReplicaCountForReplicaSets). */
export function sumSpec(rsList: readonly (ReplicaSet | undefined)[]): number {
  return rsList.reduce((s, rs) => s + (rs ? rsReplicas(rs) : 0), 0);
}
/** What the ReplicaSets report in one status field (GetActualReplicaCountForReplicaSets: replicas). */
export function sumStatus(rsList: readonly (ReplicaSet | undefined)[], f: "replicas" | "readyReplicas" | "availableReplicas"): number {
  return rsList.reduce((s, rs) => s + (rs?.status?.[f] ?? 0), 0);
}

// ---------- ReplicaSet event handlers (addReplicaSet, updateReplicaSet, deleteReplicaSet) ----------

/** A ReplicaSet informer event as the handlers read it: the object, and the one it replaced on an update. */
export interface ReplicaSetEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: ReplicaSet;
  old?: ReplicaSet;
}

/**
 * Whom a ReplicaSet event wakes: the Deployments its controller refs name (resolved against the cache
 * by the caller), in Go's order (the old controller first), and whether it is an orphan whose
 * selecting Deployments are synced so one may adopt it. A ReplicaSet being deleted wakes only its
 * controller (addReplicaSet hands it to deleteReplicaSet), an orphan's deletion nobody; an update
 * of an orphan wakes the selecting Deployments only when its labels or its controller ref changed.
 */
export function replicaSetEventTargets(ev: ReplicaSetEvent): { refs: OwnerReference[]; orphan: boolean } {
  const cur = controllerRefOf(ev.object);
  if (ev.type === "DELETED" || (ev.type === "ADDED" && ev.object.metadata?.deletionTimestamp)) return { refs: cur ? [cur] : [], orphan: false };
  if (ev.type === "ADDED" || !ev.old) return { refs: cur ? [cur] : [], orphan: !cur };
  // a resync hands the same version again; two versions of one object differ in resourceVersion
  if (ev.old.metadata?.resourceVersion === ev.object.metadata?.resourceVersion) return { refs: [], orphan: false };
  const old = controllerRefOf(ev.old);
  const refChanged = !deepEqual(cur, old);
  const refs = refChanged && old ? [old] : [];
  if (cur) return { refs: [...refs, cur], orphan: false };
  return { refs, orphan: refChanged || !deepEqual(ev.old.metadata?.labels ?? {}, ev.object.metadata?.labels ?? {}) };
}

/**
 * GetDeploymentsForReplicaSet: the Deployments of the ReplicaSet's namespace whose selector matches
 * its labels; none for a ReplicaSet without labels, and an empty or invalid selector selects nothing here.
 */
export function deploymentsForReplicaSet(rs: ReplicaSet, deployments: Iterable<Deployment>): Deployment[] {
  const labels = rs.metadata?.labels;
  if (!labels || Object.keys(labels).length === 0) return [];
  const out: Deployment[] = [];
  for (const d of deployments) {
    if (d.metadata?.namespace !== rs.metadata?.namespace) continue;
    const reqs = labelSelectorAsRequirements(d.spec?.selector);
    if (reqs === null || "error" in reqs || reqs.length === 0) continue;
    if (matchesRequirements(reqs, labels)) out.push(d);
  }
  return out;
}

// ---------- the new ReplicaSet ----------

/** The controller ownerReference a Deployment puts on its ReplicaSets. */
export function deploymentControllerRef(d: Deployment): OwnerReference {
  return { apiVersion: "apps/v1", kind: "Deployment", name: d.metadata?.name ?? "", uid: d.metadata?.uid ?? "", controller: true, blockOwnerDeletion: true };
}

/**
 * The ReplicaSet getNewReplicaSet creates: name <deploy>-<hash>, hash label on template, selector
 * and labels, revision and replica annotations, the Deployment as controller; replicas start at 0.
 */
export function newReplicaSetFor(d: Deployment, hash: string, revision: bigint | number): ReplicaSet {
  const template = deepCopy(d.spec?.template ?? {});
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
  const sel = d.spec?.selector ?? {};
  const rs: ReplicaSet = {
    apiVersion: "apps/v1", kind: "ReplicaSet",
    metadata: {
      name: `${d.metadata?.name ?? ""}-${hash}`, namespace: d.metadata?.namespace,
      labels: { ...template.metadata.labels }, ownerReferences: [deploymentControllerRef(d)],
    },
    spec: {
      replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0,
      selector: { ...sel, matchLabels: { ...(sel.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } },
      template,
    },
  };
  rs.metadata!.annotations = setNewReplicaSetAnnotations(d, rs, BigInt(revision), false).annotations;
  return rs;
}

/** Replicas for a newly created ReplicaSet or a scale-up of the new one (NewRSNewReplicas). */
export function newRSNewReplicas(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return desiredReplicas(d);
  const replicas = desiredReplicas(d);
  const maxTotal = replicas + maxSurge(d) + (mutant("deployment.surges-past-maxsurge") ? 1 : 0);
  const current = sumSpec(allRSs);
  if (current >= maxTotal) return rsReplicas(newRS);
  return rsReplicas(newRS) + Math.min(maxTotal - current, replicas - rsReplicas(newRS));
}

export interface GetNewReplicaSetResult {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
  /** "create" for a ReplicaSet to POST, "update" for one whose annotations/minReadySeconds change. */
  write?: "create" | "update";
  /** The Deployment's revision annotation after the sync (SetDeploymentRevision). */
  deploymentRevision?: string;
  /** A Progressing condition to set on the Deployment, if any. */
  condition?: DeploymentCondition;
}

/**
 * getAllReplicaSetsAndSyncRevision: finds (or, with create, builds) the new ReplicaSet, raising its
 * revision above the old ones, and the Progressing condition NewReplicaSetCreated / FoundNewReplicaSet.
 */
export function getNewReplicaSet(d: Deployment, rsList: readonly ReplicaSet[], create: boolean, nowMs: number): GetNewReplicaSetResult {
  const existing = findNewReplicaSet(d, rsList);
  const oldRSs = rsList.filter((rs) => rs !== existing);
  const newRevision = nextRevision(oldRSs);
  if (existing) {
    const { annotations, changed } = setNewReplicaSetAnnotations(d, existing, newRevision, true);
    const minReady = d.spec?.minReadySeconds ?? 0;
    const needs = changed || (existing.spec?.minReadySeconds ?? 0) !== minReady;
    const newRS: ReplicaSet = needs
      ? { ...existing, metadata: { ...existing.metadata, annotations }, spec: { ...existing.spec!, minReadySeconds: minReady } }
      : existing;
    const res: GetNewReplicaSetResult = { newRS, oldRSs, deploymentRevision: newRS.metadata?.annotations?.[REVISION_ANNOTATION] };
    if (needs) res.write = "update";
    const hasProgressing = d.status?.conditions?.some((c) => c.type === "Progressing");
    if (hasProgressDeadline(d) && !hasProgressing) {
      res.condition = deploymentCondition("Progressing", "True", FoundNewRSReason, `Found new replica set "${newRS.metadata?.name}"`, nowMs);
    }
    return res;
  }
  if (!create) return { newRS: undefined, oldRSs };
  const hash = podTemplateHash(d.spec?.template ?? {}, d.status?.collisionCount);
  const rs = newReplicaSetFor(d, hash, newRevision);
  rs.spec!.replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
  const res: GetNewReplicaSetResult = { newRS: rs, oldRSs, write: "create", deploymentRevision: String(newRevision) };
  if (hasProgressDeadline(d)) {
    res.condition = deploymentCondition("Progressing", "True", NewReplicaSetReason, `Created new replica set "${rs.metadata?.name}"`, nowMs);
  }
  return res;
}

/** The condition set when the new ReplicaSet cannot be created (ReplicaSetCreateError). */
export function failedCreateCondition(rsName: string, err: string, nowMs: number): DeploymentCondition {
  return deploymentCondition("Progressing", "False", FailedRSCreateReason, `Failed to create new replica set "${rsName}": ${err}`, nowMs);
}

// ---------- scaling actions ----------

export interface ScaleAction {
  rs: string;
  replicas: number;
  /** desired-replicas / max-replicas as scaleReplicaSet writes them with the new size. */
  annotations: Record<string, string>;
  event?: { reason: "ScalingReplicaSet"; message: string };
}

/** The ReplicaSet's desired-replicas or max-replicas annotation is not these numbers (ReplicasAnnotationsNeedUpdate). */
export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const ann = rs.metadata?.annotations;
  return ann?.[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || ann?.[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** The write scaleReplicaSet makes, or undefined when neither size nor annotations change. */
export function scaleReplicaSet(rs: ReplicaSet, newScale: number, d: Deployment): ScaleAction | undefined {
  const annotations = replicasAnnotations(d);
  const sizeChanges = rsReplicas(rs) !== newScale;
  const annChanges = replicasAnnotationsNeedUpdate(rs, desiredReplicas(d), desiredReplicas(d) + maxSurge(d));
  if (!sizeChanges && !annChanges) return undefined;
  const action: ScaleAction = { rs: rs.metadata?.name ?? "", replicas: newScale, annotations };
  if (sizeChanges) {
    const op = rsReplicas(rs) < newScale ? "up" : "down";
    action.event = { reason: "ScalingReplicaSet", message: `Scaled ${op} replica set ${rs.metadata?.name} from ${rsReplicas(rs)} to ${newScale}` };
  }
  return action;
}

function applyScale(rs: ReplicaSet, a: ScaleAction | undefined): ReplicaSet {
  if (!a) return rs;
  return { ...rs, metadata: { ...rs.metadata, annotations: { ...(rs.metadata?.annotations ?? {}), ...a.annotations } }, spec: { ...rs.spec!, replicas: a.replicas } };
}

/** Scales the new ReplicaSet toward spec.replicas within maxSurge (reconcileNewReplicaSet). */
export function reconcileNewReplicaSet(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet): ScaleAction[] {
  const replicas = desiredReplicas(d);
  if (rsReplicas(newRS) === replicas) return [];
  const target = rsReplicas(newRS) > replicas ? replicas : newRSNewReplicas(d, allRSs, newRS);
  const a = scaleReplicaSet(newRS, target, d);
  return a && a.replicas !== rsReplicas(newRS) ? [a] : [];
}

/** Scales old ReplicaSets with unavailable pods down first, oldest first, within maxCleanupCount (cleanupUnhealthyReplicas). */
export function cleanupUnhealthyReplicas(d: Deployment, oldRSs: readonly ReplicaSet[], maxCleanupCount: number): { oldRSs: ReplicaSet[]; actions: ScaleAction[]; scaledDown: number; invalid?: true } {
  const sorted = [...oldRSs].sort(byCreationTimestamp);
  // the mutant cleans up the newest unhealthy old ReplicaSet first
  if (mutant("deployment.cleanup-unhealthy-newest-first")) sorted.reverse();
  const actions: ScaleAction[] = [];
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (total >= maxCleanupCount) break;
    const rs = sorted[i]!;
    const spec = rsReplicas(rs), avail = rs.status?.availableReplicas ?? 0;
    if (spec === 0 || spec === avail) continue; // nothing unhealthy to remove
    const n = Math.min(maxCleanupCount - total, spec - avail);
    // More available than asked for (a status not caught up with a scale-down): Kubernetes refuses
    // this "scale down" that would scale up ("got invalid request to scale down") and fails the sync.
    if (n < 0) return { oldRSs: sorted, actions, scaledDown: total, invalid: true };
    const a = scaleReplicaSet(rs, spec - n, d);
    if (a) actions.push(a);
    sorted[i] = applyScale(rs, a);
    total += n;
  }
  return { oldRSs: sorted, actions, scaledDown: total };
}

/** Scales old ReplicaSets down, oldest first, while availability stays above minAvailable (scaleDownOldReplicaSetsForRollingUpdate). */
export function scaleDownOldReplicaSetsForRollingUpdate(d: Deployment, allRSs: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[]): { actions: ScaleAction[]; scaledDown: number } {
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const available = sumStatus(allRSs, "availableReplicas");
  if (available <= minAvailable) return { actions: [], scaledDown: 0 };
  const want = available - minAvailable;
  const actions: ScaleAction[] = [];
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreationTimestamp)) {
    if (total >= want) break;
    if (rsReplicas(rs) === 0) continue;
    const n = Math.min(rsReplicas(rs), want - total);
    const a = scaleReplicaSet(rs, rsReplicas(rs) - n, d);
    if (a) actions.push(a);
    total += n;
  }
  return { actions, scaledDown: total };
}

/** Scales old ReplicaSets down as far as maxUnavailable allows (reconcileOldReplicaSets). */
export function reconcileOldReplicaSets(d: Deployment, allRSs: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[], newRS: ReplicaSet): ScaleAction[] {
  if (sumSpec(oldRSs) === 0) return [];
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  const newRSUnavailable = rsReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = sumSpec(allRSs) - minAvailable - (mutant("deployment.scale-down-ignores-new-unavailable") ? 0 : newRSUnavailable);
  if (maxScaledDown <= 0) return [];
  const cleaned = cleanupUnhealthyReplicas(d, oldRSs, maxScaledDown);
  if (cleaned.invalid) return cleaned.actions;
  const down = scaleDownOldReplicaSetsForRollingUpdate(d, [...cleaned.oldRSs, newRS], cleaned.oldRSs);
  return [...cleaned.actions, ...down.actions];
}

function activeRSs(rsList: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rsList.filter((rs): rs is ReplicaSet => !!rs && rsReplicas(rs) > 0);
}

/** Spec, status and generation all say the rollout is done (DeploymentComplete). */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const r = desiredReplicas(d);
  return (s.updatedReplicas ?? 0) === r && (s.replicas ?? 0) === r && ((s.availableReplicas ?? 0) === r || mutant("deployment.complete-before-available")) && (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
}

export interface RolloutStep {
  /** Scale writes of this sync, in order. */
  actions: ScaleAction[];
  /** Old ReplicaSets to delete because the rollout is complete and history is over the limit. */
  deleteRSs: string[];
}

/**
 * One rolling-update sync (rolloutRolling): scale the new ReplicaSet up; if that did nothing,
 * scale old ones down; if that did nothing and the rollout is complete, clean up history.
 */
export function rolloutRolling(d: Deployment, newRS: ReplicaSet, oldRSs: readonly ReplicaSet[]): RolloutStep {
  const allRSs = [...oldRSs, newRS];
  const up = reconcileNewReplicaSet(d, allRSs, newRS);
  if (up.length) return { actions: up, deleteRSs: [] };
  const down = reconcileOldReplicaSets(d, allRSs, activeRSs(oldRSs), newRS);
  if (down.length) return { actions: down, deleteRSs: [] };
  // Kubernetes checks the status it last wrote, not a recomputed one.
  return { actions: [], deleteRSs: deploymentComplete(d, d.status ?? {}) ? cleanupOldReplicaSets(d, oldRSs) : [] };
}

/** Old pods could still run: an old ReplicaSet reports replicas, or owns a pod not Succeeded/Failed (oldPodsRunning). */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], pods: readonly Pod[]): boolean {
  if (sumStatus(oldRSs, "replicas") > 0) return true;
  const oldUids = new Set(oldRSs.map((rs) => rs.metadata?.uid).filter((u) => u && u !== newRS?.metadata?.uid));
  return pods.some((p) => {
    const owner = p.metadata?.ownerReferences?.find((r) => r.controller)?.uid;
    if (!owner || !oldUids.has(owner)) return false;
    const phase = p.status?.phase;
    return phase !== "Failed" && phase !== "Succeeded";
  });
}

/**
 * getPodMapForDeployment, flattened: the pods of the Deployment's selector whose controller is one of
 * its ReplicaSets, Failed and Succeeded ones included (a Recreate rollout waits for every old pod).
 */
export function podsOfReplicaSets(d: Deployment, rsList: readonly ReplicaSet[], pods: readonly Pod[]): Pod[] {
  const uids = new Set(rsList.map((rs) => rs.metadata?.uid).filter((u) => u));
  const matches = compileLabelSelector(d.spec?.selector);
  return pods.filter((p) => {
    const owner = p.metadata?.ownerReferences?.find((r) => r.controller)?.uid;
    return owner !== undefined && uids.has(owner) && matches(p.metadata?.labels ?? {});
  });
}

/**
 * One Recreate sync (rolloutRecreate): scale every old ReplicaSet to 0; once none of their pods
 * runs, scale the new one to spec.replicas. newRS undefined means it must be created first.
 */
export function rolloutRecreate(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], pods: readonly Pod[]): RolloutStep & { waitingForOldPods: boolean; needNewRS: boolean } {
  const down = activeRSs(oldRSs).map((rs) => scaleReplicaSet(rs, 0, d)).filter((a): a is ScaleAction => !!a);
  if (down.length) return { actions: down, deleteRSs: [], waitingForOldPods: false, needNewRS: false };
  if (oldPodsRunning(newRS, oldRSs, pods)) return { actions: [], deleteRSs: [], waitingForOldPods: true, needNewRS: false };
  if (!newRS) return { actions: [], deleteRSs: [], waitingForOldPods: false, needNewRS: true };
  const up = scaleReplicaSet(newRS, desiredReplicas(d), d);
  const actions = up && up.event ? [up] : [];
  return { actions, deleteRSs: deploymentComplete(d, d.status ?? {}) ? cleanupOldReplicaSets(d, oldRSs) : [], waitingForOldPods: false, needNewRS: false };
}

/** Names of old ReplicaSets to delete beyond revisionHistoryLimit (default 10), lowest revision first, only empty ones (cleanupDeployment). */
export function cleanupOldReplicaSets(d: Deployment, oldRSs: readonly ReplicaSet[]): string[] {
  const limit = d.spec?.revisionHistoryLimit ?? 10;
  const cleanable = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
  const diff = cleanable.length - limit;
  if (diff <= 0) return [];
  return [...cleanable].sort(byRevision).slice(0, diff)
    // the mutant deletes the oldest ReplicaSets past the limit whether or not they still have pods
    .filter((rs) => mutant("deployment.cleanup-deletes-scaled-replicasets") || ((rs.status?.replicas ?? 0) === 0 && rsReplicas(rs) === 0 && (rs.metadata?.generation ?? 0) <= (rs.status?.observedGeneration ?? 0)))
    .map((rs) => rs.metadata?.name ?? "");
}

// ---------- proportional scaling (sync.go scale) ----------

const MAX_UINT32 = 4294967295;

/**
 * getNonNegativeInt32FromAnnotation: the annotation as strconv.ParseUint(v, 10, 32) reads it, refused
 * above MaxInt32; not ok (with Go's error) when absent, malformed or out of range.
 */
export function nonNegativeInt32FromAnnotation(rs: ReplicaSet, key: string): { value: number; ok: boolean; error?: string } {
  const ann = rs.metadata?.annotations;
  if (ann === undefined || !Object.hasOwn(ann, key)) return { value: 0, ok: false };
  const v = ann[key]!;
  if (!/^\d+$/.test(v)) return { value: 0, ok: false, error: `strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax` };
  const n = BigInt(v);
  if (n > BigInt(MAX_UINT32)) return { value: 0, ok: false, error: `strconv.ParseUint: parsing ${JSON.stringify(v)}: value out of range` };
  if (n > BigInt(MAX_INT32)) return { value: 0, ok: false, error: `value ${n} is out of range (higher than ${MAX_INT32})` };
  return { value: Number(n), ok: true };
}

/** Some active ReplicaSet's desired-replicas annotation disagrees with spec.replicas (isScalingEvent). */
export function isScalingEvent(d: Deployment, rsList: readonly ReplicaSet[]): boolean {
  return activeRSs(rsList).some((rs) => {
    const desired = nonNegativeInt32FromAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
    return desired.ok && desired.value !== desiredReplicas(d);
  });
}

/** The new ReplicaSet is fully scaled and available (IsSaturated). */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const v = rs.metadata?.annotations?.[DESIRED_REPLICAS_ANNOTATION];
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return false;
  const r = desiredReplicas(d);
  return rsReplicas(rs) === r && Number(v) === r && (mutant("deployment.saturated-ignores-available") || (rs.status?.availableReplicas ?? 0) === r);
}

/** The only active ReplicaSet, or the newest when none is active; undefined when several are (FindActiveOrLatest). */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const sortedOld = [...oldRSs].sort((a, b) => byCreationTimestamp(b, a));
  const active = activeRSs([...sortedOld, newRS]);
  if (active.length === 0) return newRS ?? sortedOld[0];
  return active.length === 1 ? active[0] : undefined;
}

// Go's math.Round: halves away from zero.
function goRound(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** How much of a scale event this ReplicaSet takes, from its share of max-replicas (getReplicaSetFraction). */
export function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (desiredReplicas(d) === 0) return -rsReplicas(rs);
  const deploymentReplicas = desiredReplicas(d) + maxSurge(d);
  const annotated = nonNegativeInt32FromAnnotation(rs, MAX_REPLICAS_ANNOTATION);
  // A missing, malformed or zero max-replicas (a third party's edit) falls back to the current
  // size; with none either the ReplicaSet keeps its size rather than dividing by zero.
  const before = annotated.ok && annotated.value !== 0 ? annotated.value : d.status?.replicas ?? 0;
  if (before === 0) return 0;
  return goRound((rsReplicas(rs) * deploymentReplicas) / before) - rsReplicas(rs);
}

/** The replicas to add to (or remove from) one ReplicaSet during proportional scaling (GetProportion). */
export function getProportion(rs: ReplicaSet | undefined, d: Deployment, toAdd: number, added: number): number {
  if (!rs || rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  if (mutant("deployment.proportion-ignores-allowed")) return fraction;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * A replicas change without a template change (scale): one active ReplicaSet takes it all; a
 * saturated new ReplicaSet zeroes the old ones; otherwise the change is shared in proportion,
 * leftovers going to the largest ReplicaSet.
 */
export function proportionalScale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ScaleAction[] {
  const only = findActiveOrLatest(newRS, oldRSs);
  if (only) {
    if (rsReplicas(only) === desiredReplicas(d)) return [];
    const a = scaleReplicaSet(only, desiredReplicas(d), d);
    return a ? [a] : [];
  }
  if (isSaturated(d, newRS)) {
    return activeRSs(oldRSs).map((rs) => scaleReplicaSet(rs, 0, d)).filter((a): a is ScaleAction => !!a);
  }
  if (!isRollingUpdate(d)) return [];
  let all = activeRSs([...oldRSs, newRS]);
  const allowed = desiredReplicas(d) > 0 ? desiredReplicas(d) + maxSurge(d) : 0;
  const toAdd = allowed - sumSpec(all);
  if (toAdd > 0) all = [...all].sort(bySize(true));
  else if (toAdd < 0) all = [...all].sort(bySize(false));
  const size = new Map<ReplicaSet, number>();
  let added = 0;
  for (const rs of all) {
    if (toAdd !== 0) {
      const p = getProportion(rs, d, toAdd, added);
      size.set(rs, rsReplicas(rs) + p);
      added += p;
    } else size.set(rs, rsReplicas(rs));
  }
  const actions: ScaleAction[] = [];
  all.forEach((rs, i) => {
    if (i === (mutant("deployment.proportional-leftover-to-smallest") ? all.length - 1 : 0) && toAdd !== 0) size.set(rs, Math.max(0, size.get(rs)! + toAdd - added));
    const a = scaleReplicaSet(rs, size.get(rs)!, d);
    if (a) actions.push(a);
  });
  return actions;
}

// ---------- status and conditions ----------

/** A Deployment condition stamped at now. */
export function deploymentCondition(type: string, status: "True" | "False" | "Unknown", reason: string, message: string, nowMs: number): DeploymentCondition {
  const t = rfc3339(nowMs);
  return { type, status, reason, message, lastUpdateTime: t, lastTransitionTime: t };
}

/** Sets a condition unless one with the same status and reason is there, keeping lastTransitionTime when status is unchanged (SetDeploymentCondition). */
export function setDeploymentCondition(conds: readonly DeploymentCondition[], c: DeploymentCondition): DeploymentCondition[] {
  const cur = conds.find((x) => x.type === c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return [...conds];
  const next = cur && cur.status === c.status && !mutant("deployment.condition-reason-change-moves-time") ? { ...c, lastTransitionTime: cur.lastTransitionTime } : c;
  return [...conds.filter((x) => x.type !== c.type), next];
}

function removeCondition(conds: readonly DeploymentCondition[], type: string): DeploymentCondition[] {
  return conds.filter((c) => c.type !== type);
}

/** The object without its zero-valued counts: what encoding/json writes for omitempty integers. */
export function omitZeros<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0 && v !== undefined)) as T;
}

/** Counts over the ReplicaSets and the Available condition (calculateStatus). */
export function calculateStatus(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, nowMs: number): DeploymentStatus {
  const available = sumStatus(allRSs, "availableReplicas");
  // every count is `json:",omitempty"` in DeploymentStatus: a zero is not written (a Deployment
  // scaled to 0 shows only observedGeneration and its conditions)
  const status: DeploymentStatus = omitZeros({
    observedGeneration: d.metadata?.generation,
    replicas: sumStatus(allRSs, "replicas"),
    updatedReplicas: sumStatus([newRS], "replicas"),
    readyReplicas: sumStatus(allRSs, "readyReplicas"),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sumSpec(allRSs) - available),
  });
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  let conds = [...(d.status?.conditions ?? [])];
  conds = (mutant("deployment.available-condition-off-by-one") ? available > desiredReplicas(d) - maxUnavailable(d) : available >= desiredReplicas(d) - maxUnavailable(d))
    ? setDeploymentCondition(conds, deploymentCondition("Available", "True", MinimumReplicasAvailable, "Deployment has minimum availability.", nowMs))
    : setDeploymentCondition(conds, deploymentCondition("Available", "False", MinimumReplicasUnavailable, "Deployment does not have minimum availability.", nowMs));
  status.conditions = conds;
  return status;
}

/** More updated, fewer old, more ready or more available replicas than last time (DeploymentProgressing). */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld
    || (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** Progressing has not been updated for progressDeadlineSeconds (DeploymentTimedOut). */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = s.conditions?.find((x) => x.type === "Progressing");
  if (!c) return false;
  // the mutant forgets that a complete rollout has no deadline: a Deployment left alone for progressDeadlineSeconds times out
  if (c.reason === NewRSAvailableReason && !mutant("deployment.complete-rollout-times-out")) return false;
  if (c.reason === TimedOutReason) return true;
  const from = toMs(mutant("deployment.deadline-from-transition-time") ? c.lastTransitionTime : c.lastUpdateTime) ?? 0;
  return from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 < nowMs;
}

/**
 * The status syncRolloutStatus writes: counts, Available, Progressing (NewReplicaSetAvailable,
 * ReplicaSetUpdated or ProgressDeadlineExceeded) and ReplicaFailure copied from the ReplicaSets.
 */
export function syncDeploymentStatus(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, nowMs: number): DeploymentStatus {
  const s = calculateStatus(d, allRSs, newRS, nowMs);
  let conds = s.conditions ?? [];
  if (!hasProgressDeadline(d)) conds = removeCondition(conds, "Progressing");
  const cur = d.status?.conditions?.find((c) => c.type === "Progressing");
  const complete = s.replicas === s.updatedReplicas && cur?.reason === NewRSAvailableReason;
  const who = newRS ? `ReplicaSet "${newRS.metadata?.name}"` : `Deployment "${d.metadata?.name}"`;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, s)) {
      conds = setDeploymentCondition(conds, deploymentCondition("Progressing", "True", NewRSAvailableReason, `${who} has successfully progressed.`, nowMs));
    } else if (deploymentProgressing(d, s)) {
      // Always refreshed so lastUpdateTime moves and the deadline restarts.
      let c = deploymentCondition("Progressing", "True", ReplicaSetUpdatedReason, `${who} is progressing.`, nowMs);
      if (cur?.status === "True" && cur.lastTransitionTime) c = { ...c, lastTransitionTime: cur.lastTransitionTime };
      conds = [...removeCondition(conds, "Progressing"), c];
    } else if (deploymentTimedOut(d, { ...s, conditions: conds }, nowMs)) {
      conds = setDeploymentCondition(conds, deploymentCondition("Progressing", "False", TimedOutReason, `${who} has timed out progressing.`, nowMs));
    }
  }
  const failure = [newRS, ...allRSs.filter((rs) => rs !== newRS)]
    .flatMap((rs) => rs?.status?.conditions?.filter((c) => c.type === "ReplicaFailure") ?? [])[0];
  conds = failure
    ? setDeploymentCondition(conds, { type: "ReplicaFailure", status: failure.status, reason: failure.reason, message: failure.message, lastTransitionTime: failure.lastTransitionTime, lastUpdateTime: failure.lastTransitionTime })
    : removeCondition(conds, "ReplicaFailure");
  return { ...s, conditions: conds };
}

/**
 * checkPausedConditions: pausing sets Progressing=Unknown DeploymentPaused ("Deployment is paused"),
 * resuming Progressing=Unknown DeploymentResumed ("Deployment is resumed"), so a resumed rollout is
 * not timed out for the time it was paused; a ProgressDeadlineExceeded condition is never
 * overwritten. Returns the Deployment with its status changed, or undefined when nothing changes.
 */
export function checkPausedConditions(d: Deployment, nowMs: number): Deployment | undefined {
  if (!hasProgressDeadline(d)) return undefined;
  const cond = d.status?.conditions?.find((c) => c.type === "Progressing");
  if (cond?.reason === TimedOutReason) return undefined;
  const pausedCondExists = cond?.reason === PausedDeployReason;
  let c: DeploymentCondition;
  if (d.spec?.paused && !pausedCondExists) c = deploymentCondition("Progressing", "Unknown", PausedDeployReason, "Deployment is paused", nowMs);
  else if (!d.spec?.paused && pausedCondExists) c = deploymentCondition("Progressing", "Unknown", ResumedDeployReason, "Deployment is resumed", nowMs);
  else return undefined;
  return { ...d, status: { ...d.status, conditions: setDeploymentCondition(d.status?.conditions ?? [], c) } };
}

/** What a written status says of the rollout, for its chart: the Progressing reason, with its lastUpdateTime. */
export interface RolloutObservation {
  type: "NewReplicaSetCreated" | "FoundNewReplicaSet" | "ReplicaSetUpdated" | "NewReplicaSetAvailable" | "ProgressDeadlineExceeded" | "DeploymentPaused" | "DeploymentResumed";
  lastUpdateMs: number;
  now: number;
  progressDeadlineSeconds: number;
}

const progressingReasons = new Set<string>([NewReplicaSetReason, FoundNewRSReason, ReplicaSetUpdatedReason, ResumedDeployReason, PausedDeployReason, TimedOutReason]);

/**
 * The rollout's place after a sync, from the status it leaves: the Progressing condition's reason;
 * NewReplicaSetAvailable too when the counts are complete (what `kubectl rollout status` reports
 * as "successfully rolled out", and where requeueStuckDeployment stops). Undefined without a
 * Progressing condition (no progress deadline) or with a reason the chart does not name.
 */
export function rolloutObservation(d: Deployment, status: DeploymentStatus, nowMs: number): RolloutObservation | undefined {
  const c = status.conditions?.find((x) => x.type === "Progressing");
  if (!c?.reason) return undefined;
  const at = { lastUpdateMs: toMs(c.lastUpdateTime) ?? nowMs, now: nowMs, progressDeadlineSeconds: d.spec?.progressDeadlineSeconds ?? 600 };
  if (c.reason === TimedOutReason || c.reason === PausedDeployReason) return { type: c.reason, ...at };
  if (c.reason === NewRSAvailableReason || deploymentComplete(d, status)) return { type: "NewReplicaSetAvailable", ...at };
  return progressingReasons.has(c.reason) ? { type: c.reason as RolloutObservation["type"], ...at } : undefined;
}

// ---------- rollback (kubectl rollout undo) ----------

export interface RollbackPlan {
  /** The template to write into the Deployment (pod-template-hash removed). */
  template: PodTemplateSpec;
  /** The Deployment's annotations after the rollback (SetDeploymentAnnotationsTo). */
  annotations: Record<string, string>;
}

/**
 * What `kubectl rollout undo [--to-revision=N]` writes: the template of the ReplicaSet at that
 * revision (0 means the previous one). The controller then reuses that ReplicaSet as the new one,
 * giving it the next revision and recording the old number in revision-history.
 */
export function rollbackTemplate(d: Deployment, rsList: readonly ReplicaSet[], toRevision = 0): RollbackPlan {
  const target = toRevision === 0 ? lastRevision(rsList) : BigInt(toRevision);
  if (toRevision === 0 && target === 0n) throw new Error(`no rollout history found for deployment "${d.metadata?.name}"`);
  const rs = rsList.find((r) => revisionOf(r) === target);
  if (!rs) throw new Error(`unable to find specified revision ${target} in history`);
  if (equalIgnoreHash(rs.spec?.template, d.spec?.template)) {
    throw new Error(`skipped rollback (current template already matches revision ${target})`);
  }
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) if (annotationsToSkip.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(rs.metadata?.annotations ?? {})) if (!annotationsToSkip.has(k)) annotations[k] = v;
  return { template: stripHash(rs.spec?.template), annotations };
}
