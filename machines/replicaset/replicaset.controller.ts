// The ReplicaSet controller's steps (pkg/controller/replicaset): informer handlers that queue
// ReplicaSet keys, and syncReplicaSet, which claims pods, creates (slow-start batches) or deletes
// (ranked) pods behind expectations, then writes status through the status subresource.
// Functions over the machine's context; the decisions are in replicaset.logic.ts.

import type { Fx } from "../common/effects.js";
import type { Pod } from "kubernetes-types/core/v1";
import type { ReplicaSet, ReplicaSetStatus } from "kubernetes-types/apps/v1";
import { newClient, recordEvent, request, startInformer, storeClaimCandidates, storeControlledBy, storeControlledCount, storeLabelCount, type ClientState, type InformerDelta, type PendingRequest, type Store } from "../common/client.js";
import { matchesLabelSelector } from "../common/labels.js";
import { CLAIM_PATCH, RECHECK, adoptPatch, claimAnswer, onRecheck, releasePatch, sendClaims, type RecheckData } from "../common/claim.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as L from "./replicaset.logic.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import { mutant } from "../common/mutation.js";

export const controllerName = "replicaset-controller";
const RSS = 1;
const PODS = 2;

/** The kind a replica controller keeps: ReplicaSets, or ReplicationControllers through the conversion adapter (pkg/controller/replication). */
export interface ReplicatedKind {
  kind: "ReplicaSet" | "ReplicationController";
  group: string;
  resource: string;
  /** the component its events name */
  component: string;
}

export const REPLICA_SETS: ReplicatedKind = { kind: "ReplicaSet", group: "apps", resource: "replicasets", component: controllerName };
export const REPLICATION_CONTROLLERS: ReplicatedKind = { kind: "ReplicationController", group: "", resource: "replicationcontrollers", component: "replication-controller" };

/** A run of slow-start batches for one ReplicaSet: a batch starts only when the previous one fully succeeded. */
interface Creation {
  rs: ReplicaSet;
  batches: number[];
  index: number;
  inflight: number;
  failed: number;
  error?: string;
}

export interface ReplicaSetControllerContext {
  self: string;
  /** what it controls: ReplicaSets or ReplicationControllers */
  owner: ReplicatedKind;
  client: ClientState;
  q: W.WorkQueue;
  expectations: L.Expectations;
  creating: Map<string, Creation>;
  /** rs key -> the error of its last failed manageReplicas, shown as ReplicaFailure */
  manageErr: Map<string, string>;
}

export interface ReplicaSetControllerInput {
  token: string;
  /** the actor's own address, for self-messages */
  address?: string;
  /** ReplicationControllers instead of ReplicaSets */
  owner?: ReplicatedKind;
}

export type ReplicaSetControllerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

/** A fresh controller: empty caches, no expectations. */
export function initialReplicaSetController(input: ReplicaSetControllerInput): ReplicaSetControllerContext {
  return { self: input.address ?? (input.owner ?? REPLICA_SETS).component, owner: input.owner ?? REPLICA_SETS, client: newClient(input.token), q: W.newWorkQueue(), expectations: L.newExpectations(), creating: new Map(), manageErr: new Map() };
}

/** Informers on ReplicaSets and Pods in every namespace. */
export function startInformers(ctx: ReplicaSetControllerContext, fx: Fx): void {
  startInformer(ctx.client, fx, RSS, { group: ctx.owner.group, resource: ctx.owner.resource, indexed: true });
  startInformer(ctx.client, fx, PODS, { group: "", resource: "pods", indexed: true });
}

function rsStore(ctx: ReplicaSetControllerContext): Store<ReplicaSet> {
  return ctx.client.informers.get(RSS)!.store;
}

// A cached object as the ReplicaSet logic reads it: a ReplicationController through the conversion adapter.
function asReplicaSet(ctx: ReplicaSetControllerContext, o: ReplicaSet | undefined): ReplicaSet | undefined {
  return o === undefined || ctx.owner.kind === "ReplicaSet" ? o : L.replicaSetView(o as Parameters<typeof L.replicaSetView>[0]);
}

// The pods claiming could keep (matching the selector's labels, or controlled by rs), in store
// order: claimPods over them decides exactly as over the whole namespace, without scanning it.
function claimCandidates(ctx: ReplicaSetControllerContext, rs: ReplicaSet): Pod[] {
  return storeClaimCandidates(ctx.client.informers.get(PODS)!, rs.metadata?.namespace, rs.spec?.selector, rs.metadata?.uid);
}

// ---- event handlers (addPod, updatePod, deletePod, add/update/deleteRS) ----------------

function ownerKey(ctx: ReplicaSetControllerContext, pod: Pod): string | undefined {
  const ref = L.controllerRefOf(pod);
  if (!ref || ref.kind !== ctx.owner.kind) return undefined;
  const key = `${pod.metadata?.namespace ?? ""}/${ref.name}`;
  return rsStore(ctx).get(key)?.metadata?.uid === ref.uid ? key : undefined;
}

function enqueueMatchingSets(ctx: ReplicaSetControllerContext, pod: Pod): void {
  for (const [key, stored] of rsStore(ctx)) {
    const rs = asReplicaSet(ctx, stored)!;
    if (rs.metadata?.namespace === pod.metadata?.namespace && matchesLabelSelector(rs.spec?.selector, pod.metadata?.labels)) W.add(ctx.q, key);
  }
}

function onPodDeleted(ctx: ReplicaSetControllerContext, pod: Pod): void {
  const key = ownerKey(ctx, pod);
  if (!key) return;
  ctx.expectations = L.deletionObserved(ctx.expectations, key, L.objectKey(pod));
  W.add(ctx.q, key);
}

/** Routes one informer delta to the ReplicaSet keys it concerns, observing expectations on the way. */
export function onDelta(ctx: ReplicaSetControllerContext, watchId: number, d: InformerDelta): void {
  if (watchId === RSS) {
    const key = L.objectKey(d.object);
    if (d.type === "DELETED") ctx.expectations = L.deleteExpectations(ctx.expectations, key);
    W.add(ctx.q, key);
    return;
  }
  const pod: Pod = d.object;
  if (d.type === "DELETED") return onPodDeleted(ctx, pod);
  if (pod.metadata?.deletionTimestamp) {
    // A pod being deleted gracefully counts as deleted at once, so a replacement is not held up.
    if (d.old?.metadata?.deletionTimestamp) {
      const key = ownerKey(ctx, pod);
      if (key) W.add(ctx.q, key);
      return;
    }
    return onPodDeleted(ctx, pod);
  }
  const key = ownerKey(ctx, pod);
  if (d.type === "ADDED" && key) ctx.expectations = L.creationObserved(ctx.expectations, key);
  const oldRef = d.old ? L.controllerRefOf(d.old) : undefined;
  if (oldRef && oldRef.uid !== L.controllerRefOf(pod)?.uid) {
    const oldKey = ownerKey(ctx, d.old);
    if (oldKey) W.add(ctx.q, oldKey);
  }
  if (key) W.add(ctx.q, key);
  else if (!L.controllerRefOf(pod)) enqueueMatchingSets(ctx, pod);
}

// ---- the sync ----------------------------------------------------------------------------

/** Pods of the other ReplicaSets with the same controller: scale-down ranks count them per node. */
function relatedPods(ctx: ReplicaSetControllerContext, rs: ReplicaSet, own: Pod[]): Pod[] {
  const ctrl = L.controllerRefOf(rs)?.uid;
  if (!ctrl) return own;
  const sets = storeControlledBy(ctx.client.informers.get(RSS)!, rs.metadata?.namespace, ctrl) as ReplicaSet[];
  const pods = ctx.client.informers.get(PODS)!;
  return L.filterActivePods(sets.flatMap((r) => storeControlledBy(pods, rs.metadata?.namespace, r.metadata?.uid)));
}

function req(ctx: ReplicaSetControllerContext, fx: Fx, key: string, r: Parameters<typeof request>[2], purpose: string, data: Record<string, unknown> = {}): void {
  W.track(ctx.q, key);
  request(ctx.client, fx, r, purpose, { key, ...data });
}

/** Processes the next key of the queue (processNextWorkItem + syncReplicaSet). */
export function processNext(ctx: ReplicaSetControllerContext, now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) syncReplicaSet(ctx, key, now, fx);
  C.kickWhenSynced(ctx, fx);
}

/** One sync of a ReplicaSet: claim, manage replicas (when expectations allow), write status. */
export function syncReplicaSet(ctx: ReplicaSetControllerContext, key: string, now: number, fx: Fx): void {
  const rs = asReplicaSet(ctx, rsStore(ctx).get(key));
  if (!rs) {
    ctx.expectations = L.deleteExpectations(ctx.expectations, key);
    ctx.manageErr.delete(key);
    return W.doneIfIdle(ctx.q, key);
  }
  const ns = rs.metadata?.namespace;
  const min = rs.spec?.minReadySeconds ?? 0;
  // Counts kept with the pod index answer a sync that claims nothing new and needs no list of its
  // pods; the pods themselves are claimed only when asked for (a scale-down ranks them).
  // minReadySeconds makes availability a matter of time: those pods are counted one by one.
  const counted = min === 0 ? countedClaim(ctx, rs) : undefined;
  let claim: L.ClaimResult | undefined;
  const claimed = (): Pod[] => (claim ??= L.claimPods(rs, L.filterActivePods(claimCandidates(ctx, rs)))).claimed;
  let counts: L.ReplicaCounts;
  if (counted !== undefined) counts = counted;
  else {
    const filtered = claimed();
    if (claim!.adopt.length > 0 || claim!.release.length > 0) {
      // ClaimPods waits for its patches and a failed one fails the sync: no pod is counted, or
      // deleted, as this set's before the API server says it is. The pods' watch events bring the
      // sync that manages the replicas; a refused patch, or an owner canAdopt finds deleted,
      // retries after a back-off (onOwnResponse).
      sendClaims((r, purpose, data) => req(ctx, fx, key, r, purpose, data), { ...ctx.owner, object: rs },
        claim!.adopt.map((p) => adoptPatch("pods", p, L.replicaSetControllerRef(rs))), claim!.release.map((p) => releasePatch("pods", p, rs.metadata?.uid ?? "")));
      return W.doneIfIdle(ctx.q, key);
    }
    counts = L.countPods(rs, filtered, now);
  }
  // The related pods only rank a scale-down: looked up when there is one.
  const plan = L.planReplicas(rs, counts.replicas, claimed, ctx.expectations, now, () => relatedPods(ctx, rs, claimed()));
  ctx.expectations = plan.expectations;
  if (plan.create > 0) {
    ctx.creating.set(key, { rs, batches: plan.batches, index: 0, inflight: 0, failed: 0 });
    createBatch(ctx, key, fx);
  }
  for (const p of plan.delete) req(ctx, fx, key, { verb: "delete", group: "", resource: "pods", namespace: ns, name: p.metadata?.name }, "delete-pod", { pod: p, rs });
  writeStatus(ctx, key, rs, counts, now, fx);
  // Availability flips minReadySeconds after readiness with no event to wake us: look again then.
  const st = rs.status;
  if (min > 0 && st && (st.readyReplicas ?? 0) === (rs.spec?.replicas ?? 1) && (st.availableReplicas ?? 0) !== (st.readyReplicas ?? 0)) W.addAfter(fx, key, min * 1000, false);
  if (plan.create === 0 && plan.delete.length === 0) W.forget(ctx.q, key);
  W.doneIfIdle(ctx.q, key);
}

/**
 * The counts of a sync from the pod index's kept count, when claiming would change no pod: no
 * adoption or release, and every pod rs controls among the candidates (so the candidates are the
 * label posting). Undefined when the pods must be claimed one by one.
 */
function countedClaim(ctx: ReplicaSetControllerContext, rs: ReplicaSet): L.ReplicaCounts | undefined {
  const uid = rs.metadata?.uid;
  const ml = rs.spec?.selector?.matchLabels;
  if (uid === undefined || ml === undefined || ml === null) return undefined;
  const pods = ctx.client.informers.get(PODS)!;
  const c = storeLabelCount(pods, rs.metadata?.namespace ?? "", ml, L.claimCount(rs));
  if (c === undefined || c[L.ADOPTED] !== 0 || c[L.RELEASED] !== 0 || c[L.OWNED] !== storeControlledCount(pods, uid)) return undefined;
  const ready = c[L.READY]!;
  return { replicas: c[L.CLAIMED]!, fully: c[L.FULLY_LABELED]!, ready, available: ready };
}


function createBatch(ctx: ReplicaSetControllerContext, key: string, fx: Fx): void {
  const c = ctx.creating.get(key)!;
  const size = c.batches[c.index]!;
  c.inflight = size;
  for (let i = 0; i < size; i++) {
    req(ctx, fx, key, { verb: "create", group: "", resource: "pods", namespace: c.rs.metadata?.namespace, body: L.newPodFromTemplate(c.rs) }, "create-pod");
  }
}

function statusEqual(a: ReplicaSetStatus | undefined, b: ReplicaSetStatus): boolean {
  const f = (s: ReplicaSetStatus | undefined) => JSON.stringify([s?.replicas ?? 0, s?.fullyLabeledReplicas ?? 0, s?.readyReplicas ?? 0, s?.availableReplicas ?? 0, s?.observedGeneration ?? 0, s?.conditions ?? []]);
  return f(a) === f(b);
}

function writeStatus(ctx: ReplicaSetControllerContext, key: string, rs: ReplicaSet, counts: L.ReplicaCounts, now: number, fx: Fx): void {
  const status = L.statusFromCounts(rs, counts, ctx.manageErr.get(key), now);
  if (statusEqual(rs.status, status)) return;
  // The status goes back on the object as stored (an RC keeps its selector map).
  const stored = rsStore(ctx).get(key) ?? rs;
  req(ctx, fx, key, { verb: "update", group: ctx.owner.group, resource: ctx.owner.resource, subresource: "status", namespace: rs.metadata?.namespace, name: rs.metadata?.name, body: { ...stored, status } }, "status");
}

const sourceOf = (ctx: ReplicaSetControllerContext) => ({ component: ctx.owner.component });

/** Handles an API response: informer lists, pod creations and deletions, claims, status writes. */
export function onResponse(ctx: ReplicaSetControllerContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d));
  if (p) onOwnResponse(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

function onOwnResponse(ctx: ReplicaSetControllerContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return; // events: fire and forget
  if (p.purpose === "create-pod") onCreated(ctx, key, res, fx);
  else if (p.purpose === "delete-pod") onDeleted(ctx, key, p.data.pod, p.data.rs, res, fx);
  else if (p.purpose === RECHECK) {
    if (onRecheck((r, purpose) => req(ctx, fx, key, r, purpose), p.data as RecheckData, res) !== undefined) W.addRateLimited(ctx.q, fx, key, res.now);
  } else if (p.purpose === CLAIM_PATCH) {
    const answer = claimAnswer(res, p.data.release === true);
    if (answer === "failed") W.addRateLimited(ctx.q, fx, key, res.now);
    else if (answer === "resync") W.add(ctx.q, key);
  } else if (!res.ok) {
    // a conflict on a status write: the cache was stale; try again after a back-off
    W.addRateLimited(ctx.q, fx, key, res.now);
  }
  W.untrack(ctx.q, key);
}

function onCreated(ctx: ReplicaSetControllerContext, key: string, res: ApiResponse & Stamp, fx: Fx): void {
  const c = ctx.creating.get(key);
  if (!c) return;
  c.inflight--;
  if (res.ok && mutant("replicaset.counts-creation-twice")) ctx.expectations = L.creationObserved(ctx.expectations, key);
  if (res.ok) recordEvent(ctx.client, fx, c.rs, "Normal", "SuccessfulCreate", `Created pod: ${res.object.metadata.name}`, sourceOf(ctx), res.now);
  else {
    c.failed++;
    c.error ??= res.status.message ?? "";
    // the informer will never see this pod: stop waiting for it
    ctx.expectations = L.creationObserved(ctx.expectations, key);
    recordEvent(ctx.client, fx, c.rs, "Warning", "FailedCreate", `Error creating: ${res.status.message}`, sourceOf(ctx), res.now);
  }
  if (c.inflight > 0) return;
  if (c.error === undefined && c.index + 1 < c.batches.length) {
    c.index++;
    return createBatch(ctx, key, fx);
  }
  ctx.creating.delete(key);
  if (c.error !== undefined) {
    const skipped = c.batches.slice(c.index + 1).reduce((a, b) => a + b, 0);
    ctx.expectations = L.skipCreations(ctx.expectations, key, skipped);
    failManage(ctx, key, c.error, res.now, fx);
  } else clearManageError(ctx, key);
}

function onDeleted(ctx: ReplicaSetControllerContext, key: string, pod: Pod, rs: ReplicaSet, res: ApiResponse & Stamp, fx: Fx): void {
  if (res.ok) {
    recordEvent(ctx.client, fx, rs, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata?.name}`, sourceOf(ctx), res.now);
    return;
  }
  // Not found means it is gone already: no error. Anything else: the pod stays, stop waiting for it.
  ctx.expectations = L.deletionObserved(ctx.expectations, key, L.objectKey(pod));
  if (res.code === 404) return;
  recordEvent(ctx.client, fx, rs, "Warning", "FailedDelete", `Error deleting: ${res.status.message}`, sourceOf(ctx), res.now);
  failManage(ctx, key, res.status.message ?? "", res.now, fx);
}

function failManage(ctx: ReplicaSetControllerContext, key: string, message: string, now: number, fx: Fx): void {
  ctx.manageErr.set(key, message);
  W.addRateLimited(ctx.q, fx, key, now);
}

function clearManageError(ctx: ReplicaSetControllerContext, key: string): void {
  if (ctx.manageErr.delete(key)) W.add(ctx.q, key);
}

/** Handles a watch event from either informer. */
export function onWatch(ctx: ReplicaSetControllerContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d));
  C.kickWhenSynced(ctx, fx);
}
