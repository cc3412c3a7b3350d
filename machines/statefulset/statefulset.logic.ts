// Pure decision logic of the StatefulSet controller (pkg/controller/statefulset v1.35:
// stateful_set_utils.go, stateful_set_control.go, stateful_pod_control.go; pkg/controller/history).
// Functions of their inputs; they return plans and never change what they are given.

import type { ControllerRevision, StatefulSet, StatefulSetStatus } from "kubernetes-types/apps/v1";
import type { PersistentVolumeClaim, Pod, Volume } from "kubernetes-types/core/v1";
import type { OwnerReference } from "kubernetes-types/meta/v1";
import { deepCopy } from "../common/equal.js";
import { canonical } from "../common/hash.js";
import { revisionHashOf, revisionTemplatePatch } from "../common/history.js";
import { controllerRefOf } from "../common/owners.js";
import { isPodAvailable, isPodReady } from "../common/podutil.js";
import { mutant } from "../common/mutation.js";

export const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
export const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
/** StatefulSetRevisionLabel: a pod's revision, the ControllerRevision's name. */
export const REVISION_LABEL = "controller-revision-hash";

// ---------- identity ----------

const statefulPodRegex = /^(.*)-([0-9]+)$/;

/** getParentNameAndOrdinal: "web-1" -> ["web", 1]; no parent and -1 when the name has no ordinal (or it overflows int32). */
export function parentAndOrdinal(name: string | undefined): [string, number] {
  const m = statefulPodRegex.exec(name ?? "");
  if (!m) return ["", -1];
  const n = Number(m[2]);
  return [m[1]!, Number.isSafeInteger(n) && (n <= 2 ** 31 - 1 || mutant("statefulset.ordinal-past-int32")) ? n : -1];
}

export const ordinalOf = (pod: Pod) => parentAndOrdinal(pod.metadata?.name)[1];
export const startOrdinal = (set: StatefulSet) => set.spec?.ordinals?.start ?? 0;
export const replicasOf = (set: StatefulSet) => set.spec?.replicas ?? 1;
export const endOrdinal = (set: StatefulSet) => startOrdinal(set) + replicasOf(set) - 1;
export const podName = (set: StatefulSet, ordinal: number) => `${set.metadata?.name ?? ""}-${ordinal}`;
/** getPersistentVolumeClaimName: <template>-<set>-<ordinal>. */
// the mutant names the set before the template
export const claimName = (set: StatefulSet, template: string, ordinal: number) => (mutant("statefulset.claim-name-set-first") ? `${set.metadata?.name ?? ""}-${template}-${ordinal}` : `${template}-${set.metadata?.name ?? ""}-${ordinal}`);

export function inOrdinalRange(pod: Pod, set: StatefulSet): boolean {
  const o = ordinalOf(pod);
  return o >= (mutant("statefulset.ordinal-range-from-zero") ? 0 : startOrdinal(set)) && o <= endOrdinal(set);
}

/** isMemberOf: the pod's name says it belongs to this set. */
export const isMemberOf = (set: StatefulSet, pod: Pod) => parentAndOrdinal(pod.metadata?.name)[0] === set.metadata?.name;

/** identityMatches: name, namespace and the pod-name label fit the set. */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const [parent, ordinal] = parentAndOrdinal(pod.metadata?.name);
  return ordinal >= 0 && parent === set.metadata?.name && pod.metadata?.name === podName(set, ordinal)
    // the mutant forgets the statefulset.kubernetes.io/pod-name label (its per-pod Service selects by it)
    && pod.metadata?.namespace === set.metadata?.namespace && (pod.metadata?.labels?.[POD_NAME_LABEL] === pod.metadata?.name || mutant("statefulset.identity-ignores-pod-name-label"));
}

/** storageMatches: each claim template has a volume of that name on the pod's claim. */
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  // the mutant takes any claim in the template's volume as the pod's own
  return (set.spec?.volumeClaimTemplates ?? []).every((t) => {
    const claim = volumes.get(t.metadata?.name ?? "")?.persistentVolumeClaim?.claimName;
    return mutant("statefulset.storage-matches-any-claim") ? claim !== undefined : claim === claimName(set, t.metadata?.name ?? "", ordinal);
  });
}

/** getPersistentVolumeClaims: the pod's claims from the set's templates, in template order, labelled with the selector's matchLabels. */
export function claimsFor(set: StatefulSet, ordinal: number): { template: string; claim: PersistentVolumeClaim }[] {
  const match = set.spec?.selector?.matchLabels ?? {};
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => {
    const template = t.metadata?.name ?? "";
    // The template's defaulted status (phase Pending) is the API server's to set on the claim.
    const { status: _status, ...copy } = deepCopy(t) as PersistentVolumeClaim;
    const claim: PersistentVolumeClaim = {
      ...copy, apiVersion: "v1", kind: "PersistentVolumeClaim",
      metadata: { ...(copy.metadata ?? {}), name: claimName(set, template, ordinal), namespace: set.metadata?.namespace, labels: { ...(copy.metadata?.labels ?? {}), ...match } },
    };
    return { template, claim };
  });
}

/** updateStorage: a volume per claim template, then the pod's other volumes. */
function withStorage(set: StatefulSet, pod: Pod, ordinal: number): Volume[] {
  const claims = claimsFor(set, ordinal);
  const names = new Set(claims.map((c) => c.template));
  return [
    ...claims.map((c) => ({ name: c.template, persistentVolumeClaim: { claimName: c.claim.metadata!.name! } })),
    ...(pod.spec?.volumes ?? []).filter((v) => !names.has(v.name)),
  ];
}

/** The controller ownerReference a StatefulSet sets (metav1.NewControllerRef). */
export function statefulSetControllerRef(set: StatefulSet): OwnerReference {
  return { apiVersion: "apps/v1", kind: "StatefulSet", name: set.metadata?.name ?? "", uid: set.metadata?.uid ?? "", controller: true, blockOwnerDeletion: true };
}

/** newStatefulSetPod: the template's pod named <set>-<ordinal>, with its identity labels, hostname, subdomain and claim volumes. */
export function newStatefulSetPod(set: StatefulSet, ordinal: number): Pod {
  const t = set.spec?.template ?? {};
  const name = podName(set, ordinal);
  const metadata: Pod["metadata"] = {
    name,
    namespace: set.metadata?.namespace,
    labels: { ...(t.metadata?.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) },
    annotations: { ...(t.metadata?.annotations ?? {}) },
    ownerReferences: [statefulSetControllerRef(set)],
  };
  if (t.metadata?.finalizers?.length) metadata.finalizers = [...t.metadata.finalizers];
  const pod: Pod = { apiVersion: "v1", kind: "Pod", metadata, spec: deepCopy(t.spec ?? { containers: [] }) };
  // initIdentity: hostname and subdomain only on creation (they are immutable on a pod)
  pod.spec!.hostname = name;
  pod.spec!.subdomain = set.spec?.serviceName ?? "";
  if (pod.spec!.subdomain === "" || mutant("statefulset.pod-without-subdomain")) delete pod.spec!.subdomain;
  const volumes = withStorage(set, pod, ordinal);
  if (volumes.length > 0) pod.spec!.volumes = volumes;
  return pod;
}

/**
 * newVersionedStatefulSetPod: below the partition (or, without rollingUpdate, below the current
 * replicas) a pod of the current revision, otherwise of the update revision. Go's && binds before
 * ||, so the partition clause holds whatever the strategy type.
 */
export function newVersionedStatefulSetPod(currentSet: StatefulSet, updateSet: StatefulSet, currentRevision: string, updateRevision: string, ordinal: number): Pod {
  const strategy = currentSet.spec?.updateStrategy;
  const start = startOrdinal(currentSet);
  const useCurrent = (strategy?.type === "RollingUpdate" && strategy.rollingUpdate == null && ordinal < start + (currentSet.status?.currentReplicas ?? 0))
    || (strategy?.rollingUpdate != null && ordinal < (mutant("statefulset.partition-ignores-start-ordinal") ? 0 : start) + (strategy.rollingUpdate.partition ?? 0));
  const pod = newStatefulSetPod(useCurrent ? currentSet : updateSet, ordinal);
  pod.metadata!.labels![REVISION_LABEL] = useCurrent ? currentRevision : updateRevision;
  return pod;
}

/** updateIdentity: the name and namespace of its ordinal in this set, and the identity labels that go with them. */
export function withIdentity(set: StatefulSet, pod: Pod): Pod {
  const ordinal = ordinalOf(pod);
  const name = podName(set, ordinal);
  return { ...pod, metadata: { ...pod.metadata, name, namespace: set.metadata?.namespace, labels: { ...(pod.metadata?.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) } } };
}

// ---------- pod states ----------

export const isCreated = (p: Pod) => !!p.status?.phase;
export const isPending = (p: Pod) => p.status?.phase === "Pending";
export const isFailed = (p: Pod) => p.status?.phase === "Failed";
export const isSucceeded = (p: Pod) => p.status?.phase === "Succeeded";
export const isTerminating = (p: Pod) => !!p.metadata?.deletionTimestamp;
export const isRunningAndReady = (p: Pod) => p.status?.phase === "Running" && isPodReady(p);
export const isRunningAndAvailable = (p: Pod, minReadySeconds: number, nowMs: number) => isPodAvailable(p, minReadySeconds, nowMs);
export const isHealthy = (p: Pod) => isRunningAndReady(p) && !isTerminating(p);
/** isUnavailable: not healthy, or not yet available for minReadySeconds. */
export const isUnavailable = (p: Pod, minReadySeconds: number, nowMs: number) => !isHealthy(p) || !isRunningAndAvailable(p, minReadySeconds, nowMs);
export const podRevision = (p: Pod) => p.metadata?.labels?.[REVISION_LABEL] ?? "";
export const allowsBurst = (set: StatefulSet) => set.spec?.podManagementPolicy === "Parallel";

// ---------- revisions (pkg/controller/history, getPatch, newRevision, ApplyRevision) ----------

/** newRevision: the ControllerRevision <set>-<hash> holding the patch that restores the set's template. */
export function newRevision(set: StatefulSet, revision: number, collisionCount: number): ControllerRevision {
  const data = revisionTemplatePatch(set.spec?.template ?? {});
  const hash = revisionHashOf(data, collisionCount);
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: `${(set.metadata?.name ?? "").slice(0, 223)}-${hash}`,
      namespace: set.metadata?.namespace,
      labels: { ...(set.spec?.template?.metadata?.labels ?? {}), [REVISION_LABEL]: hash },
      annotations: { ...(set.metadata?.annotations ?? {}) },
      ownerReferences: [statefulSetControllerRef(set)],
    },
    data: data as ControllerRevision["data"],
    revision,
  };
}

/** ApplyRevision: the set with the revision's template. */
export function applyRevision(set: StatefulSet, revision: ControllerRevision): StatefulSet {
  const t = (revision.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template;
  if (!t) return set;
  const { $patch: _replace, ...template } = t;
  return { ...set, spec: { ...set.spec!, template: deepCopy(template) as NonNullable<StatefulSet["spec"]>["template"] } };
}

const byRevision = (a: ControllerRevision, b: ControllerRevision) => (a.revision ?? 0) - (b.revision ?? 0) || (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "");

export interface RevisionPlan {
  current: ControllerRevision;
  update: ControllerRevision;
  collisionCount: number;
  /** the update revision to create first (none holds the template yet) */
  create?: ControllerRevision;
  /** an equal earlier revision renumbered to the next revision (a rollback) */
  renumber?: { name: string; revision: number };
}

/** getStatefulSetRevisions: the current and update revisions; the one to create, or an old one to renumber. */
export function statefulSetRevisions(set: StatefulSet, revisions: readonly ControllerRevision[]): RevisionPlan {
  const sorted = [...revisions].sort(byRevision);
  const collisionCount = set.status?.collisionCount ?? 0;
  const next = sorted.length === 0 ? 1 : (sorted[sorted.length - 1]!.revision ?? 0) + 1;
  let update = newRevision(set, next, collisionCount);
  const same = canonical(update.data);
  const equal = sorted.filter((r) => canonical(r.data) === same);
  let create: ControllerRevision | undefined;
  let renumber: RevisionPlan["renumber"];
  if (equal.length > 0 && sorted[sorted.length - 1] === equal[equal.length - 1]) update = sorted[sorted.length - 1]!;
  else if (equal.length > 0) {
    const last = equal[equal.length - 1]!;
    renumber = { name: last.metadata?.name ?? "", revision: next };
    update = { ...last, revision: next };
  } else create = update;
  const current = sorted.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
  return { current, update, collisionCount, ...(create ? { create } : {}), ...(renumber ? { renumber } : {}) };
}

/** truncateHistory: the oldest revisions no pod, current or update revision uses, beyond revisionHistoryLimit. */
export function historyToDelete(set: StatefulSet, pods: readonly Pod[], revisions: readonly ControllerRevision[], current: string, update: string): string[] {
  const live = new Set([current, update, ...pods.map(podRevision)]);
  const history = [...revisions].sort(byRevision).filter((r) => !live.has(r.metadata?.name ?? ""));
  const limit = set.spec?.revisionHistoryLimit ?? 10;
  if (limit < 0 || history.length <= limit) return [];
  // the mutant deletes the newest revisions past the limit, keeping the oldest
  return (mutant("statefulset.history-deletes-newest") ? history.slice(limit) : history.slice(0, history.length - limit)).map((r) => r.metadata?.name ?? "");
}

// ---------- PersistentVolumeClaim retention (stateful_set_utils.go) ----------

const retentionOf = (set: StatefulSet) => ({ whenDeleted: set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? "Retain", whenScaled: set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled ?? "Retain" });
const refs = (c: PersistentVolumeClaim) => c.metadata?.ownerReferences ?? [];
const matchesRef = (ref: OwnerReference, name: string | undefined, apiVersion: string, kind: string) => ref.apiVersion === apiVersion && ref.kind === kind && ref.name === name;
const isSetRef = (ref: OwnerReference, set: StatefulSet) => matchesRef(ref, set.metadata?.name, "apps/v1", "StatefulSet");
const isPodRef = (ref: OwnerReference, pod: Pod) => matchesRef(ref, pod.metadata?.name, "v1", "Pod");
const hasOwnerRef = (c: PersistentVolumeClaim, uid: string | undefined) => refs(c).some((r) => r.uid === uid);

function hasUnexpectedController(c: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  const p = retentionOf(set);
  if (p.whenScaled === "Retain" && p.whenDeleted === "Retain") return false;
  for (const r of refs(c)) {
    if (isSetRef(r, set)) {
      if (r.uid !== set.metadata?.uid) return true;
      continue;
    }
    if (isPodRef(r, pod)) {
      if (r.uid !== pod.metadata?.uid) return true;
      continue;
    }
    if (r.controller) return true;
  }
  return false;
}

function hasStaleOwnerRef(c: PersistentVolumeClaim, name: string | undefined, uid: string | undefined, apiVersion: string, kind: string): boolean {
  const r = refs(c).find((x) => matchesRef(x, name, apiVersion, kind));
  return r !== undefined && r.uid !== uid;
}

/** isClaimOwnerUpToDate: the claim's ownerReferences are what the retention policy asks for (or untouchable). */
export function isClaimOwnerUpToDate(c: PersistentVolumeClaim, set: StatefulSet, pod: Pod): boolean {
  if (hasStaleOwnerRef(c, set.metadata?.name, set.metadata?.uid, "apps/v1", "StatefulSet") || hasStaleOwnerRef(c, pod.metadata?.name, pod.metadata?.uid, "v1", "Pod")) return true;
  if (hasUnexpectedController(c, set, pod)) return !(hasOwnerRef(c, set.metadata?.uid) || hasOwnerRef(c, pod.metadata?.uid));
  if (refs(c).some((r) => (r.uid === set.metadata?.uid || r.uid === pod.metadata?.uid) && !r.controller)) return false;
  const p = retentionOf(set);
  const setRef = hasOwnerRef(c, set.metadata?.uid);
  const podRef = hasOwnerRef(c, pod.metadata?.uid);
  const scaledDown = !inOrdinalRange(pod, set);
  if (p.whenScaled === "Delete" && p.whenDeleted === "Delete") return scaledDown !== setRef && scaledDown === podRef;
  if (p.whenScaled === "Delete") return !setRef && scaledDown === podRef;
  if (p.whenDeleted === "Delete") return setRef && !podRef;
  return !setRef && !podRef;
}

/** updateClaimOwnerRefForSetAndPod: the claim's ownerReferences as the retention policy wants them. */
export function claimOwnerRefsFor(c: PersistentVolumeClaim, set: StatefulSet, pod: Pod): OwnerReference[] {
  const unexpected = hasUnexpectedController(c, set, pod);
  let out = refs(c).filter((r) => !isSetRef(r, set) && !isPodRef(r, pod));
  if (unexpected) return out;
  const add = (ref: OwnerReference) => {
    if (!out.some((r) => r.uid === ref.uid)) out = [...out, ref];
  };
  const p = retentionOf(set);
  const scaledDown = !inOrdinalRange(pod, set);
  const podRef: OwnerReference = { apiVersion: "v1", kind: "Pod", name: pod.metadata?.name ?? "", uid: pod.metadata?.uid ?? "", controller: true, blockOwnerDeletion: true };
  if (p.whenDeleted === "Delete" && (p.whenScaled !== "Delete" || !scaledDown || mutant("statefulset.retention-condemned-claim-keeps-set-ref"))) add(statefulSetControllerRef(set));
  // the mutant never hands a condemned claim to its pod: whenScaled Delete keeps the claims of a scale-down
  if (p.whenScaled === "Delete" && scaledDown && !mutant("statefulset.retention-when-scaled-ignored")) add(podRef);
  return out;
}

// ---------- the update (updateStatefulSet) ----------

export type PodOp =
  | { op: "create"; pod: Pod; claims: PersistentVolumeClaim[] }
  | { op: "createClaims"; pod: Pod; claims: PersistentVolumeClaim[] }
  | { op: "delete"; pod: Pod; reason: "failed" | "scale" | "update" }
  | { op: "update"; pod: Pod }
  | { op: "updateClaim"; pod: Pod; claim: PersistentVolumeClaim };

export interface UpdateInput {
  set: StatefulSet;
  pods: readonly Pod[];
  current: ControllerRevision;
  update: ControllerRevision;
  collisionCount: number;
  /** the claims in the cache, by namespace/name */
  claims: (namespace: string, name: string) => PersistentVolumeClaim | undefined;
  nowMs: number;
}

export interface UpdatePlan {
  ops: PodOp[];
  status: StatefulSetStatus;
  /** an error that fails the sync (retried rate-limited), as the controller's aggregate reports it */
  error?: string;
}

interface Counts { replicas: number; readyReplicas: number; availableReplicas: number; currentReplicas: number; updatedReplicas: number }

/** computeReplicaStatus over the pod lists. */
export function replicaCounts(pods: readonly (Pod | undefined)[], minReadySeconds: number, current: string, update: string, nowMs: number): Counts {
  const c: Counts = { replicas: 0, readyReplicas: 0, availableReplicas: 0, currentReplicas: 0, updatedReplicas: 0 };
  for (const p of pods) {
    if (!p) continue;
    if (isCreated(p)) c.replicas++;
    if (mutant("statefulset.ready-counts-running") ? p.status?.phase === "Running" : isRunningAndReady(p)) {
      c.readyReplicas++;
      // the mutant counts a ready pod available at once, whatever minReadySeconds asks
      if (isRunningAndAvailable(p, mutant("statefulset.available-ignores-min-ready-seconds") ? 0 : minReadySeconds, nowMs)) c.availableReplicas++;
    }
    if (isCreated(p) && !isTerminating(p)) {
      const r = podRevision(p);
      if (r === current) c.currentReplicas++;
      if (r === update) c.updatedReplicas++;
    }
  }
  return c;
}

/** getStatefulSetMaxUnavailable: maxUnavailable (1 by default) scaled down from a percentage, at least 1. */
export function maxUnavailableOf(set: StatefulSet): number {
  const v = set.spec?.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1;
  // the mutant rounds a percentage up, as maxSurge does (maxUnavailable rounds down)
  const round = mutant("statefulset.max-unavailable-percent-rounds-up") ? Math.ceil : Math.floor;
  const n = typeof v === "string" && v.endsWith("%") ? round((Number.parseInt(v, 10) * replicasOf(set)) / 100) : Number(v);
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

/**
 * updateStatefulSet: creates, deletes and updates pods towards spec.replicas at the right
 * revisions. OrderedReady (monotonic) stops at the first pod it acts on or waits for; Parallel acts
 * on all. Scaling comes before the rolling update; OnDelete never deletes for an update.
 */
export function updateStatefulSet(input: UpdateInput): UpdatePlan {
  const { set, pods, current, update, collisionCount, nowMs } = input;
  const currentSet = applyRevision(set, current);
  const updateSet = applyRevision(set, update);
  const minReady = set.spec?.minReadySeconds ?? 0;
  const currentName = current.metadata?.name ?? "";
  const updateName = update.metadata?.name ?? "";
  const status = (lists: readonly (Pod | undefined)[]): StatefulSetStatus => ({
    observedGeneration: set.metadata?.generation,
    currentRevision: currentName,
    updateRevision: updateName,
    collisionCount,
    ...replicaCounts(lists, minReady, currentName, updateName, nowMs),
  });
  const start = startOrdinal(set);
  const count = Math.max(0, replicasOf(set));
  const replicas: (Pod | undefined)[] = new Array(count).fill(undefined);
  const condemned: Pod[] = [];
  for (const p of pods) {
    const o = ordinalOf(p);
    if (inOrdinalRange(p, set)) replicas[o - start] = p;
    else if (o >= 0) condemned.push(p);
  }
  const existing = [...pods];
  for (let i = 0; i < count; i++) if (!replicas[i]) replicas[i] = newVersionedStatefulSetPod(currentSet, updateSet, currentName, updateName, start + i);
  condemned.sort((a, b) => (mutant("statefulset.condemned-lowest-first") ? ordinalOf(a) - ordinalOf(b) : ordinalOf(b) - ordinalOf(a)));
  let firstUnavailable: Pod | undefined;
  for (const p of replicas) if (!firstUnavailable && isUnavailable(p!, minReady, nowMs)) firstUnavailable = p;
  for (let i = condemned.length - 1; i >= 0 && !firstUnavailable; i--) if (isUnavailable(condemned[i]!, minReady, nowMs)) firstUnavailable = condemned[i];

  const ops: PodOp[] = [];
  const done = (error?: string): UpdatePlan => ({ ops, status: status([...replicas.filter((p) => p && isCreated(p)), ...condemned]), ...(error !== undefined ? { error } : {}) });
  if (set.metadata?.deletionTimestamp) return { ops, status: status(existing) };
  const monotonic = !allowsBurst(set);

  // processReplica for each live ordinal
  for (const pod of replicas as Pod[]) {
    if (isFailed(pod) || isSucceeded(pod)) {
      if (!isTerminating(pod)) ops.push({ op: "delete", pod, reason: "failed" });
      if (monotonic) return done();
      continue;
    }
    if (!isCreated(pod)) {
      const claims = claimsFor(set, ordinalOf(pod)).map((c) => c.claim);
      // PodClaimIsStale: a claim still owned by an earlier pod of this name waits for its cleanup.
      if (claims.some((c) => refs(input.claims(c.metadata!.namespace!, c.metadata!.name!) ?? {}).some((r) => r.kind === "Pod" && r.name === pod.metadata?.name))) {
        if (monotonic) return done();
        continue;
      }
      const deleting = claims.find((c) => input.claims(c.metadata!.namespace!, c.metadata!.name!)?.metadata?.deletionTimestamp);
      if (deleting) return done(`pvc ${deleting.metadata!.name} is being deleted`);
      ops.push({ op: "create", pod, claims: claims.filter((c) => !input.claims(c.metadata!.namespace!, c.metadata!.name!)) });
      if (monotonic && !mutant("statefulset.creates-out-of-order")) return done();
      continue;
    }
    if (isPending(pod)) {
      const missing = claimsFor(set, ordinalOf(pod)).map((c) => c.claim).filter((c) => !input.claims(c.metadata!.namespace!, c.metadata!.name!));
      if (missing.length > 0) ops.push({ op: "createClaims", pod, claims: missing });
      // createMissingPersistentVolumeClaims sets the retention policy's owners as far as it can.
      for (const claim of claimsToFix(set, pod, input)) ops.push({ op: "updateClaim", pod, claim });
    }
    if (monotonic && (isTerminating(pod) || (mutant("statefulset.ordered-ignores-readiness") ? pod.status?.phase !== "Running" : !isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, nowMs)))) return done();
    const stale = claimsToFix(updateSet, pod, input);
    if (identityMatches(set, pod) && storageMatches(set, pod) && stale.length === 0) continue;
    if (!identityMatches(set, pod)) ops.push({ op: "update", pod: withIdentity(updateSet, pod) });
    for (const claim of stale) ops.push({ op: "updateClaim", pod, claim });
  }
  // fixPodClaim for the condemned
  for (const pod of condemned) for (const claim of claimsToFix(updateSet, pod, input)) ops.push({ op: "updateClaim", pod, claim });
  // processCondemned: highest ordinal first, one at a time when monotonic
  for (const pod of condemned) {
    if (isTerminating(pod)) {
      if (monotonic) return done();
      continue;
    }
    if (monotonic && pod !== firstUnavailable && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, nowMs))) return done();
    ops.push({ op: "delete", pod, reason: "scale" });
    if (monotonic) return done();
  }
  const st = status([...replicas.filter((p) => p && isCreated(p)), ...condemned]);
  // the mutant rolls an OnDelete set's pods as RollingUpdate does
  if (set.spec?.updateStrategy?.type === "OnDelete" && !mutant("statefulset.ondelete-rolls-pods")) return { ops, status: st };
  // updateStatefulSetAfterInvariantEstablished (MaxUnavailableStatefulSet, beta and on in 1.35)
  // the mutant forgets the partition in the update walk (newVersionedStatefulSetPod still honours it)
  const updateMin = mutant("statefulset.update-ignores-partition") ? 0 : (set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0);
  const maxUnavailable = maxUnavailableOf(set);
  const unavailable = (replicas as Pod[]).filter((p) => isUnavailable(p, minReady, nowMs)).length;
  if (unavailable > maxUnavailable) return { ops, status: st };
  let toDelete = maxUnavailable - unavailable;
  // The mutant walks the ordinals up instead of down: the lowest outdated pod is replaced first.
  const up = mutant("statefulset.updates-lowest-ordinal-first");
  for (let n = 0; n < replicas.length - updateMin && toDelete > 0; n++) {
    const i = up ? updateMin + n : replicas.length - 1 - n;
    const pod = replicas[i]!;
    if (podRevision(pod) !== updateName && !isTerminating(pod)) {
      ops.push({ op: "delete", pod, reason: "update" });
      toDelete--;
      st.currentReplicas = (st.currentReplicas ?? 0) - 1;
    }
  }
  return { ops, status: st };
}

// ClaimsMatchRetentionPolicy / UpdatePodClaimForRetentionPolicy: the pod's cached claims whose owners must change.
function claimsToFix(set: StatefulSet, pod: Pod, input: UpdateInput): PersistentVolumeClaim[] {
  const out: PersistentVolumeClaim[] = [];
  for (const { claim } of claimsFor(set, ordinalOf(pod))) {
    const cached = input.claims(claim.metadata!.namespace!, claim.metadata!.name!);
    if (!cached || isClaimOwnerUpToDate(cached, set, pod)) continue;
    out.push({ ...cached, metadata: { ...cached.metadata, ownerReferences: claimOwnerRefsFor(cached, set, pod) } });
  }
  return out;
}

// ---------- status (updateStatefulSetStatus) ----------

/** completeRollingUpdate: every replica updated and ready, the update revision becomes the current one. */
export function completeRollingUpdate(set: StatefulSet, st: StatefulSetStatus): StatefulSetStatus {
  const n = replicasOf(set);
  if (set.spec?.updateStrategy?.type === "RollingUpdate" && st.updatedReplicas === n && (st.readyReplicas === n || mutant("statefulset.rollout-complete-before-ready")) && st.replicas === n) {
    return { ...st, currentReplicas: st.updatedReplicas, currentRevision: st.updateRevision };
  }
  return st;
}

/**
 * The status as written: StatefulSetStatus's readyReplicas, currentReplicas and updatedReplicas
 * are `json:",omitempty"` (replicas and availableReplicas are always written), so a zero is left out.
 */
export function writtenStatus(st: StatefulSetStatus): StatefulSetStatus {
  const out: Record<string, unknown> = { ...st };
  for (const k of ["readyReplicas", "currentReplicas", "updatedReplicas"] as const) if (out[k] === 0) delete out[k];
  return out as unknown as StatefulSetStatus;
}

/** inconsistentStatus: the computed status differs from the stored one (or observes a newer generation). */
export function inconsistentStatus(set: StatefulSet, st: StatefulSetStatus): boolean {
  const s: StatefulSetStatus = set.status ?? { replicas: 0 };
  return (st.observedGeneration ?? 0) > (s.observedGeneration ?? 0) || st.replicas !== (s.replicas ?? 0) || st.currentReplicas !== (s.currentReplicas ?? 0)
    || st.readyReplicas !== (s.readyReplicas ?? 0) || st.updatedReplicas !== (s.updatedReplicas ?? 0) || st.currentRevision !== (s.currentRevision ?? "")
    || st.availableReplicas !== (s.availableReplicas ?? 0) || st.updateRevision !== (s.updateRevision ?? "");
}

/** The StatefulSet controlling obj, by its controller ownerReference. */
export function statefulSetOwnerOf(obj: { metadata?: { ownerReferences?: OwnerReference[] } }): OwnerReference | undefined {
  const ref = controllerRefOf(obj);
  return ref?.kind === "StatefulSet" ? ref : undefined;
}
