// The DaemonSet controller's steps (pkg/controller/daemon/daemon_controller.go, update.go):
// informer handlers that queue DaemonSet keys (DaemonSets, pods, nodes, ControllerRevisions) and
// observe expectations, and syncDaemonSet, which keeps the current ControllerRevision, creates the
// missing daemon pods (slow-start batches) and deletes the misplaced and surplus ones behind
// expectations, rolls out a new revision (RollingUpdate), cleans up old revisions and writes status
// through the status subresource. Each DaemonSet's rollout is a chart of its own
// (daemonset.lifecycle.machine.ts), kept as a value; its timer comes back as DaemonSetTimer.
// The context is a value: these steps run on a draft (draftStepOf).

import type { ControllerRevision, DaemonSet } from "kubernetes-types/apps/v1";
import type { Node, Pod } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import { newClient, objectKey, recordEvent, request, startInformer, storeClaimCandidates, type ClientState, type InformerDelta, type PendingRequest, type Store } from "../common/client.js";
import { CLAIM_PATCH, RECHECK, adoptPatch, claimAnswer, claimPods, onRecheck, releasePatch, sendClaims, type RecheckData } from "../common/claim.js";
import { matchesLabelSelector } from "../common/labels.js";
import { keep, lifecycleOf, scheduleLifecycleTimers, stateName, stepKept, type KeptLifecycle } from "../common/lifecycle.js";
import { slowStartBatches } from "../common/podutil.js";
import { mutant } from "../common/mutation.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import * as L from "./daemonset.logic.js";
import { daemonSetLifecycleMachine } from "./daemonset.lifecycle.machine.js";

export const controllerName = "daemonset-controller";
const DAEMONSETS = 1;
const PODS = 2;
const NODES = 3;
const REVISIONS = 4;
/** controller.ExpectationsTimeout: expectations older than this count as satisfied. */
const EXPECTATIONS_TIMEOUT_MS = 5 * 60_000;

/** ControllerExpectations: creations and deletions the last sync asked for that the informer has not shown yet. */
interface Expectation {
  add: number;
  del: number;
  timestampMs: number;
}

/** A run of slow-start batches for one DaemonSet: a batch starts only when the previous one fully succeeded. */
interface Creation {
  ds: DaemonSet;
  hash: string;
  nodes: string[];
  batches: number[];
  index: number;
  inflight: number;
  failed: boolean;
}

export interface DaemonSetControllerContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
  expectations: Map<string, Expectation>;
  creating: Map<string, Creation>;
  /** failedPodsBackoff: uid/observedGeneration/node -> the back-off of deleting a failed pod there */
  backoff: Map<string, L.BackoffEntry>;
  /** ds key -> its rollout chart, kept as a value */
  lifecycles: Map<string, KeptLifecycle<typeof daemonSetLifecycleMachine>>;
}

export interface DaemonSetControllerInput {
  token: string;
  address?: string;
}

export type DaemonSetControllerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp)
  | ({ type: "DaemonSetTimer"; key: string; event: { type: string } } & Stamp);

/** A fresh controller: empty caches and records. */
export function initialDaemonSetController(input: DaemonSetControllerInput): DaemonSetControllerContext {
  return { self: input.address ?? controllerName, client: newClient(input.token), q: W.newWorkQueue(), expectations: new Map(), creating: new Map(), backoff: new Map(), lifecycles: new Map() };
}

/** Informers on DaemonSets, pods, nodes and ControllerRevisions. */
export function startInformers(ctx: DaemonSetControllerContext, fx: Fx): void {
  startInformer(ctx.client, fx, DAEMONSETS, { group: "apps", resource: "daemonsets" });
  startInformer(ctx.client, fx, PODS, { group: "", resource: "pods" });
  startInformer(ctx.client, fx, NODES, { group: "", resource: "nodes" });
  startInformer(ctx.client, fx, REVISIONS, { group: "apps", resource: "controllerrevisions" });
}

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

function dsStore(ctx: DaemonSetControllerContext): Store<DaemonSet> {
  return ctx.client.informers.get(DAEMONSETS)!.store;
}

function nodes(ctx: DaemonSetControllerContext): Node[] {
  return [...ctx.client.informers.get(NODES)!.store.values()];
}

// resolveControllerRef: the key of the DaemonSet controlling obj, when it is in the cache with that uid.
function ownerKey(ctx: DaemonSetControllerContext, obj: Pod | ControllerRevision): string | undefined {
  const ref = L.daemonSetOwnerOf(obj);
  if (!ref) return undefined;
  const key = `${obj.metadata?.namespace ?? ""}/${ref.name}`;
  return dsStore(ctx).get(key)?.metadata?.uid === ref.uid ? key : undefined;
}

function observe(ctx: DaemonSetControllerContext, key: string, kind: "add" | "del"): void {
  const e = ctx.expectations.get(key);
  if (e) ctx.expectations.set(key, { ...e, [kind]: e[kind] - 1 });
}

/** Routes one informer delta to the DaemonSet keys it concerns, observing expectations on the way. */
export function onDelta(ctx: DaemonSetControllerContext, watchId: number, d: InformerDelta): void {
  switch (watchId) {
    case DAEMONSETS: {
      const key = keyOf(d.object);
      if (d.type === "DELETED") forgetDaemonSet(ctx, key);
      W.add(ctx.q, key);
      return;
    }
    case PODS:
      return onPodDelta(ctx, d);
    case NODES:
      return onNodeDelta(ctx, d);
    case REVISIONS: {
      const key = ownerKey(ctx, d.object);
      if (key) W.add(ctx.q, key);
      return;
    }
  }
}

function onPodDelta(ctx: DaemonSetControllerContext, d: InformerDelta): void {
  const pod: Pod = d.object;
  const key = ownerKey(ctx, pod);
  const oldRef = d.old ? L.daemonSetOwnerOf(d.old) : undefined;
  if (oldRef && oldRef.uid !== L.daemonSetOwnerOf(pod)?.uid) {
    const oldKey = ownerKey(ctx, d.old);
    if (oldKey) W.add(ctx.q, oldKey);
  }
  if (!key) {
    // An orphan: the DaemonSets that select it may adopt it (getDaemonSetsForPod).
    if (d.type !== "DELETED" && !L.daemonSetOwnerOf(pod) && !pod.metadata?.ownerReferences?.some((r) => r.controller)) {
      for (const [k, ds] of dsStore(ctx)) if (ds.metadata?.namespace === pod.metadata?.namespace && matchesLabelSelector(ds.spec?.selector, pod.metadata?.labels)) W.add(ctx.q, k);
    }
    return;
  }
  if (d.type === "ADDED" && !pod.metadata?.deletionTimestamp) observe(ctx, key, "add");
  // deletePod, from addPod and updatePod too: every version of a terminating pod and its removal each
  // count a deletion. The DaemonSet's expectations are plain counts, not tracked by uid as the
  // ReplicaSet's are, so a terminating pod's later updates count again.
  if (d.type === "DELETED" || pod.metadata?.deletionTimestamp) observe(ctx, key, "del");
  W.add(ctx.q, key);
}

// addNode / updateNode (there is no delete handler: a deleted node's daemon pods go by the pod GC).
// Kubernetes queues the node's name and syncNodeUpdate reads the caches later; here it reads them at once.
function onNodeDelta(ctx: DaemonSetControllerContext, d: InformerDelta): void {
  if (d.type === "DELETED" || (d.type === "MODIFIED" && d.old && L.shouldIgnoreNodeUpdate(d.old, d.object))) return;
  const node: Node | undefined = ctx.client.informers.get(NODES)!.store.get(objectKey(d.object));
  if (!node) return;
  const onNode = [...ctx.client.informers.get(PODS)!.store.values()].filter((p: Pod) => p.spec?.nodeName === node.metadata?.name);
  const sets = [...dsStore(ctx).values()];
  for (const ds of L.daemonSetsToSyncForNode(node, sets, onNode)) W.add(ctx.q, keyOf(ds));
}

function forgetDaemonSet(ctx: DaemonSetControllerContext, key: string): void {
  ctx.expectations.delete(key);
  // A timer still due finds no chart and no DaemonSet: its sync ends at once.
  ctx.lifecycles.delete(key);
}

function satisfied(ctx: DaemonSetControllerContext, key: string, now: number): boolean {
  const e = ctx.expectations.get(key);
  return !e || (e.add <= 0 && e.del <= 0) || now - e.timestampMs > EXPECTATIONS_TIMEOUT_MS;
}

function req(ctx: DaemonSetControllerContext, fx: Fx, key: string, r: Parameters<typeof request>[2], purpose: string, data: Record<string, unknown> = {}): void {
  W.track(ctx.q, key);
  request(ctx.client, fx, r, purpose, { key, ...data });
}

/** Processes the next key of the queue (processNextWorkItem + syncDaemonSet). */
export function processNext(ctx: DaemonSetControllerContext, now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) syncDaemonSet(ctx, key, now, fx);
  C.kickWhenSynced(ctx, fx);
}

const source = { component: controllerName };

/** syncDaemonSet: history, then manage and the rolling update when expectations allow, then status. */
export function syncDaemonSet(ctx: DaemonSetControllerContext, key: string, now: number, fx: Fx): void {
  const ds = dsStore(ctx).get(key);
  if (!ds) {
    ctx.expectations.delete(key);
    W.forget(ctx.q, key);
    return W.doneIfIdle(ctx.q, key);
  }
  if (L.selectsAll(ds)) {
    recordEvent(ctx.client, fx, ds, "Warning", L.SELECTING_ALL_REASON, "This daemon set is selecting all pods. A non-empty selector is required.", source, now);
    W.forget(ctx.q, key);
    return W.doneIfIdle(ctx.q, key);
  }
  // A DaemonSet being deleted: its revisions may be gone already, so its status cannot be trusted.
  if (ds.metadata?.deletionTimestamp) {
    W.forget(ctx.q, key);
    return W.doneIfIdle(ctx.q, key);
  }
  const ns = ds.metadata?.namespace;
  // controlledHistories: its revisions, and matching orphans (a DaemonSet deleted with --cascade=orphan) adopted
  const revisionClaim = claimPods(ds, L.daemonSetControllerRef(ds), storeClaimCandidates(ctx.client.informers.get(REVISIONS)!, ns, ds.spec?.selector, ds.metadata?.uid) as ControllerRevision[]);
  if (patchClaims(ctx, fx, key, "controllerrevisions", ds, revisionClaim)) return W.doneIfIdle(ctx.q, key);
  const history = L.constructHistory(ds, revisionClaim.claimed);
  if (history.create) {
    // constructHistory creates the revision before anything else; its arrival in the cache syncs again.
    req(ctx, fx, key, { verb: "create", group: "apps", resource: "controllerrevisions", namespace: ns, body: history.create }, "create-revision");
    return W.doneIfIdle(ctx.q, key);
  }
  for (const name of history.deleteDuplicates) req(ctx, fx, key, { verb: "delete", group: "apps", resource: "controllerrevisions", namespace: ns, name }, "delete-revision");
  const current = history.current!;
  if (history.bumpRevision !== undefined) {
    req(ctx, fx, key, { verb: "update", group: "apps", resource: "controllerrevisions", namespace: ns, name: current.metadata?.name, body: { ...current, revision: history.bumpRevision } }, "update-revision");
  }
  const hash = current.metadata?.labels?.[L.CONTROLLER_REVISION_HASH_LABEL] ?? L.revisionHash(ds);
  // getDaemonPods: the pods it controls that still match, plus matching orphans it adopts; the rest it releases
  const claim = claimPods(ds, L.daemonSetControllerRef(ds), storeClaimCandidates(ctx.client.informers.get(PODS)!, ns, ds.spec?.selector, ds.metadata?.uid) as Pod[]);
  if (patchClaims(ctx, fx, key, "pods", ds, claim)) return W.doneIfIdle(ctx.q, key);
  const pods = claim.claimed;
  const nodeList = nodes(ctx);
  if (!satisfied(ctx, key, now)) {
    // Only status: observedGeneration stays, the controller did not act on this generation.
    writeStatus(ctx, key, ds, nodeList, pods, hash, false, now, fx);
    return W.doneIfIdle(ctx.q, key);
  }
  const input: L.ManageInput = { ds, nodes: nodeList, pods, hash, nowMs: now, backoff: ctx.backoff };
  let plan = L.manage(input);
  if (plan.create.length === 0 && plan.delete.length === 0 && ds.spec?.updateStrategy?.type === "RollingUpdate") {
    // manage asked for nothing, so its expectations are met: the rolling update may act.
    const ru = L.rollingUpdate(input);
    plan = { ...ru, events: plan.events, backoff: plan.backoff, ...(plan.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : {}) };
  }
  syncNodes(ctx, key, ds, hash, plan, now, fx);
  for (const name of L.historyToDelete(ds, history.old, pods)) req(ctx, fx, key, { verb: "delete", group: "apps", resource: "controllerrevisions", namespace: ns, name }, "delete-revision");
  writeStatus(ctx, key, ds, nodeList, pods, hash, !mutant("daemonset.observed-generation-not-updated"), now, fx);
  if (plan.create.length === 0 && plan.delete.length === 0) W.forget(ctx.q, key);
  W.doneIfIdle(ctx.q, key);
}

/**
 * Sends a claim's adoptions and releases; true when there were any. The claim waits for them (a
 * failed one fails the sync) before it counts an object as the set's: their watch events bring the
 * next sync, a refused patch its retry.
 */
function patchClaims(ctx: DaemonSetControllerContext, fx: Fx, key: string, resource: "pods" | "controllerrevisions", ds: DaemonSet, claim: { adopt: readonly (Pod | ControllerRevision)[]; release: readonly (Pod | ControllerRevision)[] }): boolean {
  return sendClaims((r, purpose, data) => req(ctx, fx, key, r, purpose, data), { kind: "DaemonSet", group: "apps", resource: "daemonsets", object: ds },
    claim.adopt.map((o) => adoptPatch(resource, o, L.daemonSetControllerRef(ds))), claim.release.map((o) => releasePatch(resource, o, ds.metadata?.uid ?? "")));
}

/** syncNodes: expectations first, then deletions and the first slow-start batch of creations. */
function syncNodes(ctx: DaemonSetControllerContext, key: string, ds: DaemonSet, hash: string, plan: L.NodePlan, now: number, fx: Fx): void {
  for (const [k, v] of plan.backoff) ctx.backoff.set(k, v);
  for (const ev of plan.events) recordEvent(ctx.client, fx, ds, ev.type, ev.reason, ev.message, source, now);
  if (plan.requeueAfterMs !== undefined) W.addAfter(fx, key, plan.requeueAfterMs, false);
  const create = plan.create.slice(0, L.BURST_REPLICAS);
  const del = plan.delete.slice(0, L.BURST_REPLICAS);
  ctx.expectations.set(key, { add: create.length, del: del.length, timestampMs: now });
  const ns = ds.metadata?.namespace;
  for (const name of del) req(ctx, fx, key, { verb: "delete", group: "", resource: "pods", namespace: ns, name }, "delete-pod", { name });
  if (create.length > 0) {
    ctx.creating.set(key, { ds, hash, nodes: create, batches: slowStartBatches(create.length), index: 0, inflight: 0, failed: false });
    createBatch(ctx, key, fx);
  }
}

function createBatch(ctx: DaemonSetControllerContext, key: string, fx: Fx): void {
  const c = ctx.creating.get(key)!;
  const size = c.batches[c.index]!;
  const start = c.batches.slice(0, c.index).reduce((a, b) => a + b, 0);
  ctx.creating.set(key, { ...c, inflight: size });
  for (const node of c.nodes.slice(start, start + size)) {
    req(ctx, fx, key, { verb: "create", group: "", resource: "pods", namespace: c.ds.metadata?.namespace, body: L.newDaemonPod(c.ds, node, c.hash) }, "create-pod");
  }
}

/** updateDaemonSetStatus: the counts from the cache, written unless already stored; the rollout chart sees them. */
function writeStatus(ctx: DaemonSetControllerContext, key: string, ds: DaemonSet, nodeList: Node[], pods: Pod[], hash: string, updateObservedGen: boolean, now: number, fx: Fx): void {
  const counts = L.calculateStatus(ds, nodeList, pods, hash, now);
  if (!L.statusUpToDate(ds, counts)) {
    req(ctx, fx, key, { verb: "update", group: "apps", resource: "daemonsets", subresource: "status", namespace: ds.metadata?.namespace, name: ds.metadata?.name, body: { ...ds, status: L.nextStatus(ds, counts, updateObservedGen) } }, "status");
  }
  observeRollout(ctx, key, {
    type: "StatusComputed", desired: counts.desiredNumberScheduled, updated: counts.updatedNumberScheduled, available: counts.numberAvailable, ready: counts.numberReady,
    minReadySecondsMs: (ds.spec?.minReadySeconds ?? 0) * 1000,
  }, fx);
}

const lifecycle = lifecycleOf(daemonSetLifecycleMachine);

function observeRollout(ctx: DaemonSetControllerContext, key: string, event: Parameters<typeof lifecycle.step>[1], fx: Fx): void {
  const kept = ctx.lifecycles.get(key) ?? keep(lifecycle.start(undefined).snapshot);
  const s = stepKept(lifecycle, kept, event);
  ctx.lifecycles.set(key, keep(s.snapshot));
  scheduleLifecycleTimers(fx, `daemonset/${key}`, s, (e) => ({ type: "DaemonSetTimer", key, event: e }));
}

/** The chart's minReadySeconds timer ran out (enqueueDaemonSetAfter): the chart moves on and the key is synced again. */
export function onDaemonSetTimer(ctx: DaemonSetControllerContext, key: string, event: { type: string }, fx: Fx): void {
  const kept = ctx.lifecycles.get(key);
  if (kept) ctx.lifecycles.set(key, keep(stepKept(lifecycle, kept, event as never).snapshot));
  C.requeueAndKick(ctx, key, fx);
}

/** Where a DaemonSet's rollout is: "Updating", "WaitingForAvailability", "RolledOut" ... (undefined before its first status). */
export function rolloutState(ctx: DaemonSetControllerContext, key: string): string | undefined {
  const kept = ctx.lifecycles.get(key);
  if (!kept) return undefined;
  return stateName((kept.value as { Synced: { rollout: unknown } }).Synced.rollout);
}

/** Handles a watch event. */
export function onWatch(ctx: DaemonSetControllerContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d));
  C.kickWhenSynced(ctx, fx);
}

/** Handles an API response: lists, pod creations and deletions, revisions, status writes. */
export function onResponse(ctx: DaemonSetControllerContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d));
  if (p) onOwnResponse(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

function onOwnResponse(ctx: DaemonSetControllerContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return; // events: fire and forget
  const ds = dsStore(ctx).get(key);
  switch (p.purpose) {
    case "create-pod":
      onCreated(ctx, key, res, fx);
      break;
    case "delete-pod":
      if (res.ok) {
        if (ds) recordEvent(ctx.client, fx, ds, "Normal", "SuccessfulDelete", `Deleted pod: ${p.data.name}`, source, res.now);
        break;
      }
      // the informer will never see this deletion: stop waiting for it
      observe(ctx, key, "del");
      if (res.code === 404) break;
      if (ds) recordEvent(ctx.client, fx, ds, "Warning", "FailedDelete", `Error deleting: ${res.status.message}`, source, res.now);
      W.addRateLimited(ctx.q, fx, key, res.now);
      break;
    case "create-revision":
      // Created: the revision informer syncs the key. AlreadyExists or a conflict: the cache is behind; retry.
      if (!res.ok) W.addRateLimited(ctx.q, fx, key, res.now);
      break;
    case RECHECK:
      if (onRecheck((r, purpose) => req(ctx, fx, key, r, purpose), p.data as RecheckData, res) !== undefined) W.addRateLimited(ctx.q, fx, key, res.now);
      break;
    case CLAIM_PATCH: {
      const answer = claimAnswer(res, p.data.release === true);
      if (answer === "failed") W.addRateLimited(ctx.q, fx, key, res.now);
      else if (answer === "resync") W.add(ctx.q, key);
      break;
    }
    default:
      if (!res.ok && res.code !== 404) W.addRateLimited(ctx.q, fx, key, res.now);
  }
  W.untrack(ctx.q, key);
}

function onCreated(ctx: DaemonSetControllerContext, key: string, res: ApiResponse & Stamp, fx: Fx): void {
  const c = ctx.creating.get(key);
  if (!c) return;
  const failed = c.failed || !res.ok;
  const next = { ...c, inflight: c.inflight - 1, failed };
  ctx.creating.set(key, next);
  if (res.ok) recordEvent(ctx.client, fx, c.ds, "Normal", "SuccessfulCreate", `Created pod: ${res.object.metadata.name}`, source, res.now);
  else {
    // the informer will never see this pod: stop waiting for it
    observe(ctx, key, "add");
    recordEvent(ctx.client, fx, c.ds, "Warning", "FailedCreate", `Error creating: ${res.status.message}`, source, res.now);
  }
  if (next.inflight > 0) return;
  if (!failed && next.index + 1 < next.batches.length) {
    ctx.creating.set(key, { ...next, index: next.index + 1 });
    return createBatch(ctx, key, fx);
  }
  ctx.creating.delete(key);
  if (failed) {
    // The pods slow start skipped after a failure are not expected; the retry creates them.
    const skipped = next.batches.slice(next.index + 1).reduce((a, b) => a + b, 0);
    const e = ctx.expectations.get(key);
    if (e && skipped > 0) ctx.expectations.set(key, { ...e, add: e.add - skipped });
    W.addRateLimited(ctx.q, fx, key, res.now);
  }
}
