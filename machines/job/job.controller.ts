// The Job controller's steps (pkg/controller/job/job_controller.go): informer handlers that queue
// Job keys and observe expectations, and syncJob, which creates or deletes pods, writes status
// through the status subresource, then lets go of counted pods' tracking finalizers. Before that
// it claims the pods its selector matches (getPodsForJob): adopts orphans, releases the rest. Each Job's
// lifecycle chart (job.lifecycle.machine.ts) is kept as a value; its timers come back as JobTimer.
// The context is a value: these steps run on a draft (draftStepOf).

import { Map as IMap, Set as ISet } from "immutable";
import type { Pod } from "kubernetes-types/core/v1";
import type { Job } from "kubernetes-types/batch/v1";
import type { Fx } from "../common/effects.js";
import { newClient, recordEvent, request, startInformer, storeClaimCandidates, storeControlledBy, type ClientState, type InformerDelta, type PendingRequest, type Store } from "../common/client.js";
import { controllerRefOf } from "../common/owners.js";
import { matchesLabelSelector } from "../common/labels.js";
import { CLAIM_PATCH, RECHECK, adoptPatch, claimAnswer, claimPods, onRecheck, releasePatch, sendClaims, type RecheckData } from "../common/claim.js";
import { keep, lifecycleOf, scheduleLifecycleTimers, stateName, stepKept, type KeptLifecycle } from "../common/lifecycle.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import * as L from "./job.logic.js";
import { jobLifecycleMachine } from "./job.lifecycle.machine.js";

export const controllerName = "job-controller";
const JOBS = 1;
const PODS = 2;

/** Creations and deletions a Job's last sync asked for and the informer has not shown yet (ControllerExpectations). */
interface Expectation {
  add: number;
  /** uids of pods whose deletion is awaited */
  del: string[];
}

export interface JobControllerContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
  expectations: Map<string, Expectation>;
  /** job key -> uids of pods whose tracking finalizer is being removed (expectedRmFinalizers) */
  removing: Map<string, string[]>;
  /** job key -> pod failures since the last success (backoffRecordStore) */
  backoff: IMap<string, L.BackoffRecord>;
  /** job key -> its lifecycle chart, kept as a value */
  lifecycles: Map<string, KeptLifecycle<typeof jobLifecycleMachine>>;
  /** job keys waiting for their batched sync (enqueueSyncJobBatched); the timer holds when */
  batched: ISet<string>;
}

export interface JobControllerInput {
  token: string;
  address?: string;
}

export type JobControllerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp)
  | ({ type: "JobTimer"; key: string; event: { type: string } } & Stamp)
  | ({ type: "SyncJobBatched"; key: string } & Stamp);

/** A fresh controller: empty caches and records. */
export function initialJobController(input: JobControllerInput): JobControllerContext {
  return { self: input.address ?? controllerName, client: newClient(input.token), q: W.newWorkQueue(), expectations: new Map(), removing: new Map(), backoff: IMap(), lifecycles: new Map(), batched: ISet() };
}

/** Informers on Jobs and Pods in every namespace. */
export function startInformers(ctx: JobControllerContext, fx: Fx): void {
  startInformer(ctx.client, fx, JOBS, { group: "batch", resource: "jobs" });
  startInformer(ctx.client, fx, PODS, { group: "", resource: "pods", indexed: ["owners", "labels"] });
}

const jobKey = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

function jobStore(ctx: JobControllerContext): Store<Job> {
  return ctx.client.informers.get(JOBS)!.store;
}

// The key of the Job controlling a pod, when that Job is in the cache with the same uid (resolveControllerRef).
function ownerKey(ctx: JobControllerContext, pod: Pod): string | undefined {
  const ref = controllerRefOf(pod);
  if (!ref || ref.kind !== "Job") return undefined;
  const key = `${pod.metadata?.namespace ?? ""}/${ref.name}`;
  return jobStore(ctx).get(key)?.metadata?.uid === ref.uid ? key : undefined;
}

function observeDeletion(ctx: JobControllerContext, key: string, uid: string | undefined): void {
  const e = ctx.expectations.get(key);
  if (e && uid && e.del.includes(uid)) ctx.expectations.set(key, { ...e, del: e.del.filter((u) => u !== uid) });
}

function observeFinalizerGone(ctx: JobControllerContext, key: string, uid: string | undefined): void {
  const r = ctx.removing.get(key);
  if (r && uid && r.includes(uid)) ctx.removing.set(key, r.filter((u) => u !== uid));
}

/**
 * enqueueSyncJobBatched: the Job is synced one batch period from now, so a burst of pod events costs
 * one sync. A key already waiting for its batch keeps the earlier time (the delaying queue's AddAfter).
 */
function enqueueBatched(ctx: JobControllerContext, key: string, fx: Fx): void {
  if (ctx.batched.has(key)) return;
  ctx.batched = ctx.batched.add(key);
  fx.after(`batch/${key}`, L.SYNC_JOB_BATCH_PERIOD_MS, { type: "SyncJobBatched", key });
}

/** A batch period ran out: the Job's key goes into the queue. */
export function onSyncJobBatched(ctx: JobControllerContext, key: string, fx: Fx): void {
  ctx.batched = ctx.batched.delete(key);
  C.requeueAndKick(ctx, key, fx);
}

/**
 * Routes one informer delta. A Job added, deleted or with a new generation is synced at once
 * (enqueueSyncJobImmediately); a status-only Job update and every pod change a batch period later
 * (enqueueSyncJobBatched), after observing expectations. Orphan pods' keys go in at once.
 */
export function onDelta(ctx: JobControllerContext, watchId: number, d: InformerDelta, fx: Fx): void {
  if (watchId === JOBS) {
    const key = jobKey(d.object);
    if (d.type === "DELETED") {
      forgetJob(ctx, key);
      // deleteJob: the Job's pods may still hold the tracking finalizer, and no sync of it will let go of them now.
      for (const pod of storeControlledBy(ctx.client.informers.get(PODS)!, d.object.metadata?.namespace, d.object.metadata?.uid) as Pod[]) {
        if (L.hasTrackingFinalizer(pod)) W.add(ctx.q, orphanKey(pod));
      }
      return;
    }
    if (d.type === "MODIFIED" && d.old?.metadata?.generation === d.object.metadata?.generation) enqueueBatched(ctx, key, fx);
    else W.add(ctx.q, key);
    return;
  }
  const pod: Pod = d.object;
  const key = ownerKey(ctx, pod);
  // A pod whose Job is gone, or that nothing controls, keeps no tracking finalizer (enqueueOrphanPod).
  // Its key goes first: Kubernetes queues it at once and the Jobs' syncs a second later
  // (enqueueSyncJobBatched), so an orphan loses the finalizer before a Job adopts it with it.
  if (!key && d.type !== "DELETED" && L.hasTrackingFinalizer(pod)) W.add(ctx.q, orphanKey(pod));
  // updatePod: a controller reference changed or taken away; the Job it named counts its pods again.
  const oldRef = d.old ? controllerRefOf(d.old) : undefined;
  if (oldRef && oldRef.uid !== controllerRefOf(pod)?.uid) {
    const oldKey = ownerKey(ctx, d.old);
    if (oldKey) enqueueBatched(ctx, oldKey, fx);
  }
  if (!key) {
    // An orphan, new or with new labels or reference, is offered to the Jobs whose selector matches
    // it (getPodJobs); one being deleted to none (deletePod).
    if (d.type !== "DELETED" && !pod.metadata?.deletionTimestamp && !controllerRefOf(pod) && (!d.old || oldRef || !sameLabels(d.old, pod))) enqueueMatchingJobs(ctx, pod, fx);
    return;
  }
  const uid = pod.metadata?.uid;
  if (d.type === "ADDED") {
    const e = ctx.expectations.get(key);
    if (e) ctx.expectations.set(key, { ...e, add: e.add - 1 });
  }
  if (d.type === "DELETED" || pod.metadata?.deletionTimestamp) observeDeletion(ctx, key, uid);
  if (d.type === "DELETED" || !L.hasTrackingFinalizer(pod)) observeFinalizerGone(ctx, key, uid);
  enqueueBatched(ctx, key, fx);
}

function sameLabels(a: Pod, b: Pod): boolean {
  return JSON.stringify(a.metadata?.labels ?? {}) === JSON.stringify(b.metadata?.labels ?? {});
}

function enqueueMatchingJobs(ctx: JobControllerContext, pod: Pod, fx: Fx): void {
  for (const [key, job] of jobStore(ctx)) {
    if (job.metadata?.namespace === pod.metadata?.namespace && matchesLabelSelector(job.spec?.selector, pod.metadata?.labels)) enqueueBatched(ctx, key, fx);
  }
}

function forgetJob(ctx: JobControllerContext, key: string): void {
  ctx.expectations.delete(key);
  ctx.removing.delete(key);
  ctx.backoff = ctx.backoff.delete(key);
  // A timer still due finds no chart and no Job: its sync ends at once.
  ctx.lifecycles.delete(key);
  W.add(ctx.q, key);
}


// JSON patch with a test: it removes our finalizer from exactly where it is, or fails if the list moved.
function patchFinalizerAway(ctx: JobControllerContext, fx: Fx, key: string, pod: Pod, purpose = "remove-finalizer"): void {
  const i = (pod.metadata?.finalizers ?? []).indexOf(L.JOB_TRACKING_FINALIZER);
  if (i < 0) return;
  const body = [{ op: "test", path: `/metadata/finalizers/${i}`, value: L.JOB_TRACKING_FINALIZER }, { op: "remove", path: `/metadata/finalizers/${i}` }];
  W.track(ctx.q, key);
  request(ctx.client, fx, { verb: "patch", group: "", resource: "pods", namespace: pod.metadata?.namespace, name: pod.metadata?.name, patchType: "json", body }, purpose, { key, uid: pod.metadata?.uid, name: pod.metadata?.name, namespace: pod.metadata?.namespace });
}

// The orphan queue's keys share the work queue with Job keys; a namespace never holds a colon, so they never meet.
const ORPHAN = "orphan-pod:";
const orphanKey = (pod: Pod) => `${ORPHAN}${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? ""}`;

/**
 * syncOrphanPod: the pod, as cached now, loses the tracking finalizer unless a Job still running
 * controls it (adopted meanwhile) or it belongs to another kind of controller.
 */
function syncOrphanPod(ctx: JobControllerContext, key: string, fx: Fx): void {
  const pod = ctx.client.informers.get(PODS)!.store.get(key.slice(ORPHAN.length)) as Pod | undefined;
  const ref = pod && controllerRefOf(pod);
  const job = ref && jobStore(ctx).get(`${pod!.metadata?.namespace ?? ""}/${ref.name}`);
  // a pod of a Job another controller manages keeps its finalizer: that controller lets go of it
  const mine = job?.metadata?.uid === ref?.uid ? job : undefined;
  const keep = ref && (ref.kind !== "Job" || ref.apiVersion !== "batch/v1" || (mine !== undefined && (L.managedByExternalController(mine) !== undefined || !L.isJobFinished(mine))));
  if (pod && !keep && L.hasTrackingFinalizer(pod)) patchFinalizerAway(ctx, fx, key, pod, "orphan-finalizer");
  else W.forget(ctx.q, key);
  W.doneIfIdle(ctx.q, key);
}

function req(ctx: JobControllerContext, fx: Fx, key: string, r: Parameters<typeof request>[2], purpose: string, data: Record<string, unknown> = {}): void {
  W.track(ctx.q, key);
  request(ctx.client, fx, r, purpose, { key, ...data });
}

/** Processes the next key of the queue (processNextWorkItem + syncJob). */
export function processNext(ctx: JobControllerContext, now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key?.startsWith(ORPHAN)) syncOrphanPod(ctx, key, fx);
  else if (key !== undefined) syncJobKey(ctx, key, now, fx);
  C.kickWhenSynced(ctx, fx);
}

function satisfied(ctx: JobControllerContext, key: string): boolean {
  const e = ctx.expectations.get(key);
  return !e || (e.add <= 0 && e.del.length === 0);
}

const lifecycle = lifecycleOf(jobLifecycleMachine);

/** One syncJob: the decisions of job.logic.ts turned into requests, the lifecycle chart stepped with what it saw. */
export function syncJobKey(ctx: JobControllerContext, key: string, now: number, fx: Fx): void {
  const job = jobStore(ctx).get(key);
  // a Job another controller manages (spec.managedBy) is never synced: no pods, no status, no chart step
  if (job && L.managedByExternalController(job) !== undefined) {
    W.forget(ctx.q, key);
    return W.doneIfIdle(ctx.q, key);
  }
  if (!job || L.isJobFinished(job)) {
    if (job) observe(ctx, key, L.conditionTrue(job, "Complete") ? { type: "Complete" } : { type: "Failed", reason: L.conditionTrue(job, "Failed")?.reason ?? "" }, fx);
    W.forget(ctx.q, key);
    return W.doneIfIdle(ctx.q, key);
  }
  const ns = job.metadata?.namespace;
  // getPodsForJob: ClaimPods with the tracking finalizer. Its patches fail or pass before any pod is
  // counted: the pods' watch events bring the sync that counts them; a refused patch, or a Job
  // canAdopt finds deleted, retries after a back-off.
  const claim = claimPods(job, L.jobControllerRef(job), storeClaimCandidates(ctx.client.informers.get(PODS)!, ns, job.spec?.selector, job.metadata?.uid) as Pod[]);
  if (claim.adopt.length > 0 || claim.release.length > 0) {
    const tracking = [L.JOB_TRACKING_FINALIZER];
    sendClaims((r, purpose, data) => req(ctx, fx, key, r, purpose, data), { kind: "Job", group: "batch", resource: "jobs", object: job },
      claim.adopt.map((p) => adoptPatch("pods", p, L.jobControllerRef(job), tracking)), claim.release.map((p) => releasePatch("pods", p, job.metadata?.uid ?? "", tracking)));
    return W.doneIfIdle(ctx.q, key);
  }
  const pods = claim.claimed;
  const plan = L.syncJob({
    job, pods, now, backoff: ctx.backoff.get(key), expectationsSatisfied: satisfied(ctx, key), removingFinalizers: new Set(ctx.removing.get(key) ?? []),
  });
  // The record is kept only once the status counting its pods is stored (flushUncountedAndRemoveFinalizers):
  // a refused write leaves those pods new, and the retry would count them again.
  if (!plan.status) ctx.backoff = ctx.backoff.set(key, plan.backoff);
  if (plan.delete.length > 0) {
    const e = ctx.expectations.get(key) ?? { add: 0, del: [] };
    ctx.expectations.set(key, { ...e, del: [...e.del, ...plan.delete.map((p) => p.metadata?.uid ?? "")] });
  }
  // deleteJobPods: a pod's tracking finalizer is removed before it is deleted, so a pod the controller
  // deletes (scaled down, suspended) is not counted as failed once it terminates
  const holder = (p: Pod): FinalizerHolder => ({ namespace: p.metadata?.namespace, name: p.metadata?.name, uid: p.metadata?.uid, finalizers: p.metadata?.finalizers ?? [] });
  // and only once that patch has passed: a refused patch skips the delete (the next sync tries both again)
  removeFinalizers(ctx, key, plan.delete.filter(L.hasTrackingFinalizer).map(holder), fx, DELETE_FINALIZER);
  for (const p of plan.delete.filter((p) => !L.hasTrackingFinalizer(p))) deletePod(ctx, fx, key, ns, p.metadata?.name, p.metadata?.uid);
  if (plan.create.length > 0) {
    const e = ctx.expectations.get(key) ?? { add: 0, del: [] };
    ctx.expectations.set(key, { ...e, add: Math.max(0, e.add) + plan.create.length });
  }
  for (const ix of plan.create) req(ctx, fx, key, { verb: "create", group: "", resource: "pods", namespace: ns, body: L.newPodForJob(job, ix, ix === undefined ? undefined : plan.indexFailures?.[ix]) }, "create-pod");
  const deleting = new Set(plan.delete.map((p) => p.metadata?.uid));
  const finalizers = plan.removeFinalizers.filter((p) => !deleting.has(p.metadata?.uid)).map(holder);
  if (plan.status) {
    // Finalizers go only once the status counting their pods is stored: a pod is never lost from the count.
    req(ctx, fx, key, { verb: "update", group: "batch", resource: "jobs", subresource: "status", namespace: ns, name: job.metadata?.name, body: { ...job, status: plan.status } }, "status", { finalizers, events: plan.events, backoff: plan.backoff, forget: plan.create.length === 0 && plan.delete.length === 0 });
  } else {
    removeFinalizers(ctx, key, finalizers, fx);
    for (const ev of plan.events) recordEvent(ctx.client, fx, job, ev.type, ev.reason, ev.message, source, now);
  }
  observe(ctx, key, plan.observation, fx);
  // syncJob's nil error forgets the key's back-off (processNextWorkItem): a sync that wrote its
  // status has succeeded only once the write is stored, so a write refused again and again backs off
  if (plan.create.length === 0 && plan.delete.length === 0 && !plan.status) W.forget(ctx.q, key);
  W.doneIfIdle(ctx.q, key);
}

type FinalizerHolder = { namespace?: string; name?: string; uid?: string; finalizers: string[] };

/** deleteJobPods' patch: the pod's delete follows it once it has passed. */
const DELETE_FINALIZER = "delete-finalizer";

function deletePod(ctx: JobControllerContext, fx: Fx, key: string, namespace: string | undefined, name: string | undefined, uid: string | undefined): void {
  req(ctx, fx, key, { verb: "delete", group: "", resource: "pods", namespace, name }, "delete-pod", { uid, name });
}

function removeFinalizers(ctx: JobControllerContext, key: string, pods: FinalizerHolder[], fx: Fx, purpose = "remove-finalizer"): void {
  if (pods.length === 0) return;
  ctx.removing.set(key, [...(ctx.removing.get(key) ?? []), ...pods.map((p) => p.uid ?? "")]);
  for (const p of pods) patchFinalizerAway(ctx, fx, key, { metadata: { namespace: p.namespace, name: p.name, uid: p.uid, finalizers: p.finalizers } }, purpose);
}

/** The Job's chart sees what this sync decided; its back-off and deadline timers come back as JobTimer. */
function observe(ctx: JobControllerContext, key: string, event: L.JobObservation, fx: Fx): void {
  const kept = ctx.lifecycles.get(key) ?? keep(lifecycle.start(undefined).snapshot);
  const s = stepKept(lifecycle, kept, event);
  ctx.lifecycles.set(key, keep(s.snapshot));
  // The back-off has pods to create (it holds settle up); a deadline is a watchdog (background).
  scheduleLifecycleTimers(fx, `job/${key}`, { timers: s.timers.filter((t) => !isDeadline(t)), cancels: s.cancels }, (e) => ({ type: "JobTimer", key, event: e }));
  scheduleLifecycleTimers(fx, `job/${key}`, { timers: s.timers.filter(isDeadline), cancels: [] }, (e) => ({ type: "JobTimer", key, event: e }), true);
}

const isDeadline = (t: { id: string }) => t.id.includes("activeDeadline");

/** A Job's back-off or deadline ran out (enqueueSyncJobWithDelay): its chart moves on and the key is synced again. */
export function onJobTimer(ctx: JobControllerContext, key: string, event: { type: string }, fx: Fx): void {
  const kept = ctx.lifecycles.get(key);
  if (kept) {
    const s = stepKept(lifecycle, kept, event as never);
    ctx.lifecycles.set(key, keep(s.snapshot));
  }
  C.requeueAndKick(ctx, key, fx);
}

/** Where a Job's chart is: "Running", "Suspended", "Complete", "Failed" ... (undefined before its first sync). */
export function jobState(ctx: JobControllerContext, key: string): string | undefined {
  const kept = ctx.lifecycles.get(key);
  if (!kept) return undefined;
  if (typeof kept.value === "string") return kept.value;
  const running = (kept.value as { Running?: { pods: unknown } }).Running;
  return running ? `Running.${stateName(running.pods)}` : stateName(kept.value);
}

const source = { component: controllerName };

/** Handles a watch event. */
export function onWatch(ctx: JobControllerContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d, fx));
  C.kickWhenSynced(ctx, fx);
}

/** Handles an API response: lists, pod creations and deletions, status writes, finalizer patches. */
export function onResponse(ctx: JobControllerContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d, fx));
  if (p) onOwnResponse(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

function onOwnResponse(ctx: JobControllerContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return; // events: fire and forget
  const job = jobStore(ctx).get(key);
  switch (p.purpose) {
    case "create-pod":
      if (res.ok) {
        if (job) recordEvent(ctx.client, fx, job, "Normal", "SuccessfulCreate", `Created pod: ${res.object.metadata.name}`, source, res.now);
      } else {
        // the informer will never see this pod: stop waiting for it
        const e = ctx.expectations.get(key);
        if (e) ctx.expectations.set(key, { ...e, add: e.add - 1 });
        if (job) recordEvent(ctx.client, fx, job, "Warning", "FailedCreate", `Error creating: ${res.status.message}`, source, res.now);
        W.addRateLimited(ctx.q, fx, key, res.now);
      }
      break;
    case "delete-pod":
      if (res.ok) {
        if (job) recordEvent(ctx.client, fx, job, "Normal", "SuccessfulDelete", `Deleted pod: ${p.data.name}`, source, res.now);
      } else {
        observeDeletion(ctx, key, p.data.uid);
        if (res.status.code !== 404) W.addRateLimited(ctx.q, fx, key, res.now);
      }
      break;
    case "status":
      if (res.ok) {
        if (job) ctx.backoff = ctx.backoff.set(key, p.data.backoff);
        if (p.data.forget) W.forget(ctx.q, key);
        removeFinalizers(ctx, key, p.data.finalizers, fx);
        for (const ev of p.data.events as L.JobSyncPlan["events"]) recordEvent(ctx.client, fx, res.object, ev.type, ev.reason, ev.message, source, res.now);
      } else W.addRateLimited(ctx.q, fx, key, res.now);
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
    case "orphan-finalizer":
      // a pod already gone needs nothing; any other error is retried rate-limited
      if (!res.ok && res.status.code !== 404) W.addRateLimited(ctx.q, fx, key, res.now);
      else W.forget(ctx.q, key);
      break;
    case DELETE_FINALIZER:
      if (res.ok) {
        deletePod(ctx, fx, key, p.data.namespace, p.data.name, p.data.uid);
        break;
      }
      // deleteJobPods' failDelete: the pod is not deleted, so its deletion is no longer awaited
      observeDeletion(ctx, key, p.data.uid);
      observeFinalizerGone(ctx, key, p.data.uid);
      if (res.status.code !== 404) W.addRateLimited(ctx.q, fx, key, res.now);
      break;
    case "remove-finalizer":
      if (!res.ok) {
        observeFinalizerGone(ctx, key, p.data.uid);
        if (res.status.code !== 404) W.addRateLimited(ctx.q, fx, key, res.now);
      }
      break;
  }
  W.untrack(ctx.q, key);
}
