// The StatefulSet controller's steps (pkg/controller/statefulset/stateful_set.go,
// stateful_set_control.go, stateful_pod_control.go): informer handlers that queue StatefulSet keys,
// and syncStatefulSet, which claims the set's pods and ControllerRevisions, keeps the current and
// update revisions, creates each pod's PersistentVolumeClaims then the pod, deletes pods (scale
// down, failed pods, the rolling update), fixes claim owners for the retention policy, writes status
// through the status subresource and truncates history. The StatefulSet controller keeps no
// expectations: pod names are fixed, so a stale cache meets AlreadyExists. Each StatefulSet's
// rollout is a chart of its own (statefulset.lifecycle.machine.ts), kept as a value; its timer comes
// back as StatefulSetTimer. The context is a value: these steps run on a draft (draftStepOf).

import type { ControllerRevision, StatefulSet } from "kubernetes-types/apps/v1";
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import { newClient, recordEvent, request, startInformer, storeClaimCandidates, type ClientState, type InformerDelta, type PendingRequest, type Store } from "../common/client.js";
import { CLAIM_PATCH, RECHECK, adoptPatch, claimAnswer, claimPods, onRecheck, releasePatch, sendClaims, type RecheckData } from "../common/claim.js";
import { matchesLabelSelector } from "../common/labels.js";
import { keep, lifecycleOf, scheduleLifecycleTimers, stateName, stepKept, type KeptLifecycle } from "../common/lifecycle.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import * as L from "./statefulset.logic.js";
import { statefulSetLifecycleMachine } from "./statefulset.lifecycle.machine.js";

export const controllerName = "statefulset-controller";
const SETS = 1;
const PODS = 2;
const REVISIONS = 3;
const CLAIMS = 4;

/** A pod waiting for its claims to be created before it is (CreateStatefulPod). */
interface PodCreation {
  key: string;
  pod: Pod;
  /** claims still unanswered */
  left: number;
  /** the first claim error, which stops the pod's creation */
  error?: string;
  /** only the claims (a Pending pod's missing ones): no pod to create afterwards */
  claimsOnly: boolean;
}

export interface StatefulSetControllerContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
  /** namespace/pod name -> its creation in progress */
  creating: Map<string, PodCreation>;
  /** set key -> its rollout chart, kept as a value */
  lifecycles: Map<string, KeptLifecycle<typeof statefulSetLifecycleMachine>>;
}

export interface StatefulSetControllerInput {
  token: string;
  address?: string;
}

export type StatefulSetControllerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp)
  | ({ type: "StatefulSetTimer"; key: string; event: { type: string } } & Stamp);

/** A fresh controller: empty caches. */
export function initialStatefulSetController(input: StatefulSetControllerInput): StatefulSetControllerContext {
  return { self: input.address ?? controllerName, client: newClient(input.token), q: W.newWorkQueue(), creating: new Map(), lifecycles: new Map() };
}

/** Informers on StatefulSets, pods, ControllerRevisions and PersistentVolumeClaims. */
export function startInformers(ctx: StatefulSetControllerContext, fx: Fx): void {
  startInformer(ctx.client, fx, SETS, { group: "apps", resource: "statefulsets" });
  startInformer(ctx.client, fx, PODS, { group: "", resource: "pods", indexed: true });
  startInformer(ctx.client, fx, REVISIONS, { group: "apps", resource: "controllerrevisions", indexed: true });
  startInformer(ctx.client, fx, CLAIMS, { group: "", resource: "persistentvolumeclaims" });
}

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
const setStore = (ctx: StatefulSetControllerContext): Store<StatefulSet> => ctx.client.informers.get(SETS)!.store;

// resolveControllerRef: the key of the StatefulSet controlling obj, when it is in the cache with that uid.
function ownerKey(ctx: StatefulSetControllerContext, obj: Pod | ControllerRevision | undefined): string | undefined {
  const ref = obj ? L.statefulSetOwnerOf(obj) : undefined;
  if (!ref) return undefined;
  const key = `${obj!.metadata?.namespace ?? ""}/${ref.name}`;
  return setStore(ctx).get(key)?.metadata?.uid === ref.uid ? key : undefined;
}

// getStatefulSetsForPod: the sets of the pod's namespace whose selector matches it.
function enqueueMatchingSets(ctx: StatefulSetControllerContext, pod: Pod): void {
  for (const [k, set] of setStore(ctx)) if (set.metadata?.namespace === pod.metadata?.namespace && matchesLabelSelector(set.spec?.selector, pod.metadata?.labels)) W.add(ctx.q, k);
}

/** Routes one informer delta to the StatefulSet keys it concerns (addPod, updatePod, deletePod, the set handlers). */
export function onDelta(ctx: StatefulSetControllerContext, watchId: number, d: InformerDelta): void {
  switch (watchId) {
    case SETS: {
      const key = keyOf(d.object);
      if (d.type === "DELETED") ctx.lifecycles.delete(key);
      W.add(ctx.q, key);
      return;
    }
    case PODS: {
      const pod: Pod = d.object;
      const key = ownerKey(ctx, pod);
      const oldRef = d.old ? L.statefulSetOwnerOf(d.old) : undefined;
      const refChanged = oldRef?.uid !== L.statefulSetOwnerOf(pod)?.uid;
      if (oldRef && refChanged) {
        const oldKey = ownerKey(ctx, d.old);
        if (oldKey) W.add(ctx.q, oldKey);
      }
      if (key) return W.add(ctx.q, key);
      const labelsChanged = d.old !== undefined && JSON.stringify(d.old.metadata?.labels ?? {}) !== JSON.stringify(pod.metadata?.labels ?? {});
      if (d.type !== "DELETED" && !pod.metadata?.ownerReferences?.some((r) => r.controller) && (d.type === "ADDED" || labelsChanged || refChanged)) enqueueMatchingSets(ctx, pod);
      return;
    }
    case REVISIONS: {
      // A revision this controller created arrives: its set goes on with the rollout.
      const key = ownerKey(ctx, d.object);
      if (key) W.add(ctx.q, key);
      return;
    }
  }
}

function req(ctx: StatefulSetControllerContext, fx: Fx, key: string, r: Parameters<typeof request>[2], purpose: string, data: Record<string, unknown> = {}): void {
  W.track(ctx.q, key);
  request(ctx.client, fx, r, purpose, { key, ...data });
}

/** Processes the next key of the queue (processNextWorkItem + sync). */
export function processNext(ctx: StatefulSetControllerContext, now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) syncStatefulSet(ctx, key, now, fx);
  C.kickWhenSynced(ctx, fx);
}

const source = { component: controllerName };

/** syncStatefulSet: claim pods and revisions, then UpdateStatefulSet (revisions, pods, status, history). */
export function syncStatefulSet(ctx: StatefulSetControllerContext, key: string, now: number, fx: Fx): void {
  const set = setStore(ctx).get(key);
  if (!set) {
    W.forget(ctx.q, key);
    return W.doneIfIdle(ctx.q, key);
  }
  const ns = set.metadata?.namespace;
  const ref = L.statefulSetControllerRef(set);
  // getPodsForStatefulSet: ClaimPods filtered to the set's members by name
  const candidates = (storeClaimCandidates(ctx.client.informers.get(PODS)!, ns, set.spec?.selector, set.metadata?.uid) as Pod[]).filter((p) => L.isMemberOf(set, p) || L.statefulSetOwnerOf(p)?.uid === set.metadata?.uid);
  const claim = claimPods(set, ref, candidates.filter((p) => L.isMemberOf(set, p)));
  const outsiders = candidates.filter((p) => !L.isMemberOf(set, p) && !set.metadata?.deletionTimestamp);
  // ListRevisions + AdoptOrphanRevisions
  const revisionClaim = claimPods(set, ref, storeClaimCandidates(ctx.client.informers.get(REVISIONS)!, ns, set.spec?.selector, set.metadata?.uid) as ControllerRevision[]);
  // The claims wait for their patches (a failed one fails the sync) before an object counts as the
  // set's: their watch events bring the next sync, a refused patch (or canAdopt's refusal) its retry.
  const adopt = [...revisionClaim.adopt.map((r) => adoptPatch("controllerrevisions", r, ref)), ...claim.adopt.map((p) => adoptPatch("pods", p, ref))];
  const release = [...claim.release, ...outsiders].map((p) => releasePatch("pods", p, set.metadata?.uid ?? ""));
  if (sendClaims((r, purpose, data) => req(ctx, fx, key, r, purpose, data), { kind: "StatefulSet", group: "apps", resource: "statefulsets", object: set }, adopt, release)) return W.doneIfIdle(ctx.q, key);
  const revisions = revisionClaim.claimed;
  const plan = L.statefulSetRevisions(set, revisions);
  if (plan.create) {
    // CreateControllerRevision first; the revision's arrival in the cache syncs again.
    req(ctx, fx, key, { verb: "create", group: "apps", resource: "controllerrevisions", namespace: ns, body: plan.create }, "create-revision");
    return W.doneIfIdle(ctx.q, key);
  }
  if (plan.renumber) {
    const old = revisions.find((r) => r.metadata?.name === plan.renumber!.name)!;
    req(ctx, fx, key, { verb: "update", group: "apps", resource: "controllerrevisions", namespace: ns, name: old.metadata?.name, body: { ...old, revision: plan.renumber.revision } }, "update-revision");
  }
  const claimsStore = ctx.client.informers.get(CLAIMS)?.store;
  const update = L.updateStatefulSet({
    set, pods: claim.claimed, current: plan.current, update: plan.update, collisionCount: plan.collisionCount, nowMs: now,
    claims: (namespace, name) => claimsStore?.get(`${namespace}/${name}`) as PersistentVolumeClaim | undefined,
  });
  for (const op of update.ops) runOp(ctx, fx, key, set, op, now);
  const status = L.completeRollingUpdate(set, update.status);
  if (L.inconsistentStatus(set, status)) {
    req(ctx, fx, key, { verb: "update", group: "apps", resource: "statefulsets", subresource: "status", namespace: ns, name: set.metadata?.name, body: { ...set, status: L.writtenStatus(status) } }, "status");
  }
  for (const name of L.historyToDelete(set, claim.claimed, revisions, plan.current.metadata?.name ?? "", plan.update.metadata?.name ?? "")) {
    req(ctx, fx, key, { verb: "delete", group: "apps", resource: "controllerrevisions", namespace: ns, name }, "delete-revision");
  }
  observeRollout(ctx, key, set, status, fx);
  if (update.error !== undefined) W.addRateLimited(ctx.q, fx, key, now);
  else if (update.ops.length === 0) W.forget(ctx.q, key);
  W.doneIfIdle(ctx.q, key);
}

/** One pod operation of the plan, through StatefulPodControl. */
function runOp(ctx: StatefulSetControllerContext, fx: Fx, key: string, set: StatefulSet, op: L.PodOp, now: number): void {
  const ns = set.metadata?.namespace;
  const podKey = keyOf(op.pod);
  switch (op.op) {
    case "create":
    case "createClaims": {
      if (ctx.creating.has(podKey)) return;
      ctx.creating.set(podKey, { key, pod: op.pod, left: op.claims.length, claimsOnly: op.op === "createClaims" });
      for (const c of op.claims) req(ctx, fx, key, { verb: "create", group: "", resource: "persistentvolumeclaims", namespace: ns, body: c }, "create-claim", { pod: podKey, claim: c.metadata?.name });
      if (op.claims.length === 0) claimsDone(ctx, fx, podKey, now);
      return;
    }
    case "delete":
      req(ctx, fx, key, { verb: "delete", group: "", resource: "pods", namespace: ns, name: op.pod.metadata?.name }, "delete-pod", { name: op.pod.metadata?.name, reason: op.reason });
      return;
    case "update":
      req(ctx, fx, key, { verb: "update", group: "", resource: "pods", namespace: ns, name: op.pod.metadata?.name, body: op.pod }, "update-pod", { name: op.pod.metadata?.name });
      return;
    case "updateClaim":
      req(ctx, fx, key, { verb: "update", group: "", resource: "persistentvolumeclaims", namespace: ns, name: op.claim.metadata?.name, body: op.claim }, "update-claim", { name: op.claim.metadata?.name });
      return;
  }
}

// Every claim is answered: create the pod unless a claim failed (CreateStatefulPod).
function claimsDone(ctx: StatefulSetControllerContext, fx: Fx, podKey: string, now: number): void {
  const c = ctx.creating.get(podKey)!;
  const set = setStore(ctx).get(c.key);
  if (c.error !== undefined || c.claimsOnly || !set) {
    ctx.creating.delete(podKey);
    if (c.error !== undefined && set && !c.claimsOnly) recordEvent(ctx.client, fx, set, "Warning", "FailedCreate", `create Pod ${c.pod.metadata?.name} in StatefulSet ${set.metadata?.name} failed error: ${c.error}`, source, now);
    if (c.error !== undefined) W.addRateLimited(ctx.q, fx, c.key, now);
    return;
  }
  req(ctx, fx, c.key, { verb: "create", group: "", resource: "pods", namespace: c.pod.metadata?.namespace, body: c.pod }, "create-pod", { pod: podKey });
}

const lifecycle = lifecycleOf(statefulSetLifecycleMachine);

function observeRollout(ctx: StatefulSetControllerContext, key: string, set: StatefulSet, status: NonNullable<StatefulSet["status"]>, fx: Fx): void {
  const kept = ctx.lifecycles.get(key) ?? keep(lifecycle.start(undefined).snapshot);
  const ru = set.spec?.updateStrategy?.rollingUpdate;
  const s = stepKept(lifecycle, kept, {
    type: "StatusComputed", replicas: L.replicasOf(set), ready: status.readyReplicas ?? 0, available: status.availableReplicas ?? 0, updated: status.updatedReplicas ?? 0,
    ...(ru?.partition !== undefined ? { partition: ru.partition } : {}), atUpdateRevision: status.currentRevision === status.updateRevision,
    minReadySecondsMs: (set.spec?.minReadySeconds ?? 0) * 1000,
  });
  ctx.lifecycles.set(key, keep(s.snapshot));
  scheduleLifecycleTimers(fx, `statefulset/${key}`, s, (e) => ({ type: "StatefulSetTimer", key, event: e }));
}

/** The chart's minReadySeconds timer ran out (enqueueSSAfter): the chart moves on and the key is synced again. */
export function onStatefulSetTimer(ctx: StatefulSetControllerContext, key: string, event: { type: string }, fx: Fx): void {
  const kept = ctx.lifecycles.get(key);
  if (kept) ctx.lifecycles.set(key, keep(stepKept(lifecycle, kept, event as never).snapshot));
  C.requeueAndKick(ctx, key, fx);
}

/** Where a StatefulSet's rollout is: "WaitingForPodsReady", "RollingOut", "RolledOut" ... (undefined before its first status). */
export function rolloutState(ctx: StatefulSetControllerContext, key: string): string | undefined {
  const kept = ctx.lifecycles.get(key);
  if (!kept) return undefined;
  return stateName((kept.value as { Synced: { rollout: unknown } }).Synced.rollout);
}

/** Handles a watch event. */
export function onWatch(ctx: StatefulSetControllerContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d));
  C.kickWhenSynced(ctx, fx);
}

/** Handles an API response: lists, claim and pod creations, deletions, revisions, status writes. */
export function onResponse(ctx: StatefulSetControllerContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d));
  if (p) onOwnResponse(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

const retry = (ctx: StatefulSetControllerContext, fx: Fx, key: string, now: number) => W.addRateLimited(ctx.q, fx, key, now);

function onOwnResponse(ctx: StatefulSetControllerContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return; // events: fire and forget
  const set = setStore(ctx).get(key);
  const setName = set?.metadata?.name ?? key.split("/")[1];
  switch (p.purpose) {
    case "create-claim": {
      const c = ctx.creating.get(p.data.pod);
      if (!c) break;
      const podName = c.pod.metadata?.name;
      // AlreadyExists: someone made it meanwhile; the claim is there, without an event.
      if (res.ok && set) recordEvent(ctx.client, fx, set, "Normal", "SuccessfulCreate", `create Claim ${p.data.claim} Pod ${podName} in StatefulSet ${setName} success`, source, res.now);
      if (!res.ok && res.code !== 409) {
        const message = res.status.message ?? "";
        if (set) recordEvent(ctx.client, fx, set, "Warning", "FailedCreate", `create Claim ${p.data.claim} for Pod ${podName} in StatefulSet ${setName} failed error: ${message}`, source, res.now);
        c.error ??= `failed to create PVC ${p.data.claim}: ${message}`;
      }
      ctx.creating.set(p.data.pod, { ...c, left: c.left - 1 });
      if (c.left - 1 === 0) claimsDone(ctx, fx, p.data.pod, res.now);
      break;
    }
    case "create-pod": {
      const c = ctx.creating.get(p.data.pod);
      ctx.creating.delete(p.data.pod);
      const podName = c?.pod.metadata?.name ?? p.data.pod.split("/")[1];
      if (res.ok) {
        if (set) recordEvent(ctx.client, fx, set, "Normal", "SuccessfulCreate", `create Pod ${podName} in StatefulSet ${setName} successful`, source, res.now);
        break;
      }
      // AlreadyExists is sunk without an event, and the sync fails: the cache was behind.
      if (res.code !== 409 && set) recordEvent(ctx.client, fx, set, "Warning", "FailedCreate", `create Pod ${podName} in StatefulSet ${setName} failed error: ${res.status.message}`, source, res.now);
      retry(ctx, fx, key, res.now);
      break;
    }
    case "delete-pod":
      if (res.ok) {
        if (set) recordEvent(ctx.client, fx, set, "Normal", "SuccessfulDelete", `delete Pod ${p.data.name} in StatefulSet ${setName} successful`, source, res.now);
        break;
      }
      // A pod already gone is no error for the rolling update's deletions.
      if (res.code === 404 && p.data.reason === "update") break;
      if (set) recordEvent(ctx.client, fx, set, "Warning", "FailedDelete", `delete Pod ${p.data.name} in StatefulSet ${setName} failed error: ${res.status.message}`, source, res.now);
      retry(ctx, fx, key, res.now);
      break;
    case "update-pod":
      if (set) {
        if (res.ok) recordEvent(ctx.client, fx, set, "Normal", "SuccessfulUpdate", `update Pod ${p.data.name} in StatefulSet ${setName} successful`, source, res.now);
        else recordEvent(ctx.client, fx, set, "Warning", "FailedUpdate", `update Pod ${p.data.name} in StatefulSet ${setName} failed error: ${res.status.message}`, source, res.now);
      }
      if (!res.ok) retry(ctx, fx, key, res.now);
      break;
    case "create-revision":
      // Created: the revision informer syncs the key. AlreadyExists or a conflict: the cache is behind; retry.
      if (!res.ok) retry(ctx, fx, key, res.now);
      break;
    case RECHECK:
      if (onRecheck((r, purpose) => req(ctx, fx, key, r, purpose), p.data as RecheckData, res) !== undefined) retry(ctx, fx, key, res.now);
      break;
    case CLAIM_PATCH: {
      const answer = claimAnswer(res, p.data.release === true);
      if (answer === "failed") retry(ctx, fx, key, res.now);
      else if (answer === "resync") W.add(ctx.q, key);
      break;
    }
    default:
      if (!res.ok && res.code !== 404) retry(ctx, fx, key, res.now);
  }
  W.untrack(ctx.q, key);
}
