// The CronJob controller's steps (pkg/controller/cronjob/cronjob_controllerv2.go): informers on
// CronJobs and Jobs that queue CronJob keys, and sync, whose decisions are cronjob.logic.ts's.
// A sync reads the CronJob and its Jobs from the caches once, then runs the logic again with each
// API answer it asked for (GETs, deletes, the Job's creation) until it is complete, writes the
// status through the status subresource, records the events and books the next schedule time in
// the CronJob's chart (cronjob.lifecycle.machine.ts), whose timer comes back as CronJobTimer.
// The context is a value: these steps run on a draft.

import type { CronJob, Job } from "kubernetes-types/batch/v1";
import type { Fx } from "../common/effects.js";
import { newClient, recordEvent, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import { parseStandard } from "../common/cron.js";
import { keep, lifecycleOf, scheduleLifecycleTimers, stateName, stepKept, type KeptLifecycle } from "../common/lifecycle.js";
import { controllerRefOf } from "../common/owners.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import * as L from "./cronjob.logic.js";
import { cronJobLifecycleMachine } from "./cronjob.lifecycle.machine.js";

export const controllerName = "cronjob-controller";
const CRONJOBS = 1;
const JOBS = 2;

/** One sync in progress: what it read at its start, and the answers it has so far. */
interface SyncInProgress {
  now: number;
  cronJob: CronJob;
  jobs: Job[];
  answers: Map<string, L.Answer>;
  /** ids of the requests sent and not answered yet */
  asked: string[];
}

export interface CronJobControllerContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
  syncs: Map<string, SyncInProgress>;
  /** cronjob key -> its chart, kept as a value */
  lifecycles: Map<string, KeptLifecycle<typeof cronJobLifecycleMachine>>;
}

export interface CronJobControllerInput {
  token: string;
  address?: string;
}

export type CronJobControllerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp)
  | ({ type: "CronJobTimer"; key: string; event: { type: string } } & Stamp);

/** A fresh controller. */
export function initialCronJobController(input: CronJobControllerInput): CronJobControllerContext {
  return { self: input.address ?? controllerName, client: newClient(input.token), q: W.newWorkQueue(), syncs: new Map(), lifecycles: new Map() };
}

/** Informers on CronJobs and Jobs in every namespace. */
export function startInformers(ctx: CronJobControllerContext, fx: Fx): void {
  startInformer(ctx.client, fx, CRONJOBS, { group: "batch", resource: "cronjobs" });
  startInformer(ctx.client, fx, JOBS, { group: "batch", resource: "jobs" });
}

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
const source = { component: controllerName };
const lifecycle = lifecycleOf(cronJobLifecycleMachine);

// resolveControllerRef: the key of the CronJob a Job's controller reference names, when it is in the cache with that uid.
function ownerKey(ctx: CronJobControllerContext, job: Job): string | undefined {
  const ref = controllerRefOf(job);
  if (!ref || ref.kind !== "CronJob") return undefined;
  const key = `${job.metadata?.namespace ?? ""}/${ref.name}`;
  return I.storeGet(ctx.client, CRONJOBS, key)?.metadata?.uid === ref.uid ? key : undefined;
}

/** updateCronJob: a new schedule or time zone books a sync for its next time; any other change syncs now. */
function onCronJobUpdate(ctx: CronJobControllerContext, old: CronJob | undefined, cj: CronJob, now: number, fx: Fx): void {
  const key = keyOf(cj);
  if (!old || (old.spec?.schedule === cj.spec?.schedule && (old.spec?.timeZone ?? null) === (cj.spec?.timeZone ?? null))) return W.add(ctx.q, key);
  const parsed = parseStandard(L.formatSchedule(cj).spec);
  if ("error" in parsed) {
    recordEvent(ctx.client, fx, cj, "Warning", "UnParseableCronJobSchedule", `unparseable schedule for cronjob: ${cj.spec?.schedule}`, source, now);
    return;
  }
  observe(ctx, key, { type: "NextScheduleBooked", delayMs: L.nextScheduleTimeDuration(cj, now, parsed.schedule) }, fx);
}

/** Routes one informer delta (the handlers of NewControllerV2). */
export function onDelta(ctx: CronJobControllerContext, watchId: number, d: InformerDelta, now: number, fx: Fx): void {
  if (watchId === CRONJOBS) {
    if (d.type === "MODIFIED") return onCronJobUpdate(ctx, d.old, d.object, now, fx);
    return W.add(ctx.q, keyOf(d.object));
  }
  const job: Job = d.object;
  // updateJob: a periodic resync (same resourceVersion) wakes no one; a changed controller reference wakes the old owner too.
  if (d.type === "MODIFIED" && d.old) {
    if (d.old.metadata?.resourceVersion === job.metadata?.resourceVersion) return;
    const oldRef = controllerRefOf(d.old);
    if (oldRef && JSON.stringify(oldRef) !== JSON.stringify(controllerRefOf(job))) {
      const oldKey = ownerKey(ctx, d.old);
      if (oldKey) W.add(ctx.q, oldKey);
    }
  }
  const key = ownerKey(ctx, job);
  if (key) W.add(ctx.q, key);
}

/** The CronJob's chart sees what a sync decided; its next-schedule timer comes back as CronJobTimer. */
function observe(ctx: CronJobControllerContext, key: string, event: L.CronJobObservation, fx: Fx): void {
  if (event.type === "SyncFailed" || event.type === "NotRequeued") return;
  const kept = ctx.lifecycles.get(key) ?? keep(lifecycle.start(undefined).snapshot);
  const s = stepKept(lifecycle, kept, event);
  ctx.lifecycles.set(key, keep(s.snapshot));
  // The next schedule is a steady wait, not work in progress: it does not hold settle() up.
  scheduleLifecycleTimers(fx, `cronjob/${key}`, s, (e) => ({ type: "CronJobTimer", key, event: e }), true);
}

/** The next schedule time came: the chart moves on and the key is synced (the queue's AddAfter firing). */
export function onCronJobTimer(ctx: CronJobControllerContext, key: string, event: { type: string }, fx: Fx): void {
  const kept = ctx.lifecycles.get(key);
  if (kept) ctx.lifecycles.set(key, keep(stepKept(lifecycle, kept, event as never).snapshot));
  C.requeueAndKick(ctx, key, fx);
}

/** processNextWorkItem: the next key's sync starts from the caches as they are now. */
export function processNext(ctx: CronJobControllerContext, now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) startSync(ctx, key, now, fx);
  C.kickWhenSynced(ctx, fx);
}

function startSync(ctx: CronJobControllerContext, key: string, now: number, fx: Fx): void {
  const cj: CronJob | undefined = I.storeGet(ctx.client, CRONJOBS, key);
  if (!cj) {
    // Deleted: nothing to requeue; a timer still due finds no chart.
    ctx.lifecycles.delete(key);
    return W.doneIfIdle(ctx.q, key);
  }
  const jobs = L.jobsToBeReconciled(cj, I.storeInNamespace(ctx.client, JOBS, cj.metadata?.namespace ?? ""));
  ctx.syncs.set(key, { now, cronJob: cj, jobs, answers: new Map(), asked: [] });
  continueSync(ctx, key, now, fx);
}

// Runs the sync with the answers so far: sends what it still needs, or finishes it.
function continueSync(ctx: CronJobControllerContext, key: string, now: number, fx: Fx): void {
  const st = ctx.syncs.get(key)!;
  const r = L.sync({ cronJob: st.cronJob, jobs: st.jobs, now: st.now, answers: st.answers });
  if (r.kind === "need") {
    for (const req of r.requests) {
      if (st.asked.includes(req.id)) continue;
      st.asked.push(req.id);
      W.track(ctx.q, key);
      const { id, ...call } = req;
      const api = call.verb === "delete"
        ? { verb: "delete" as const, group: "batch", resource: "jobs", namespace: call.namespace, name: call.name, propagationPolicy: "Background" as const }
        : call.verb === "create"
          ? { verb: "create" as const, group: "batch", resource: "jobs", namespace: call.namespace, body: call.body }
          : { verb: "get" as const, group: "batch", resource: call.resource, namespace: call.namespace, name: call.name };
      request(ctx.client, fx, api, "sync", { key, id });
    }
    return;
  }
  for (const ev of r.events) recordEvent(ctx.client, fx, st.cronJob, ev.type, ev.reason, ev.message, source, now);
  if (r.status !== undefined) {
    W.track(ctx.q, key);
    request(ctx.client, fx, {
      verb: "update", group: "batch", resource: "cronjobs", subresource: "status", namespace: st.cronJob.metadata?.namespace, name: st.cronJob.metadata?.name,
      body: { ...st.cronJob, status: r.status },
    }, "status", { key, requeueAfterMs: r.requeueAfterMs, error: r.error, observation: r.observation });
    return;
  }
  finishSync(ctx, key, r.requeueAfterMs, r.error, r.observation, now, fx);
}

// processNextWorkItem's ending: an error is retried with back-off; a requeueAfter forgets the back-off and books the next time.
function finishSync(ctx: CronJobControllerContext, key: string, requeueAfterMs: number | undefined, error: string | undefined, observation: L.CronJobObservation, now: number, fx: Fx): void {
  ctx.syncs.delete(key);
  if (error !== undefined) W.addRateLimited(ctx.q, fx, key, now);
  else if (requeueAfterMs !== undefined) W.forget(ctx.q, key);
  observe(ctx, key, observation, fx);
  W.doneIfIdle(ctx.q, key);
}

/** Handles a watch event. */
export function onWatch(ctx: CronJobControllerContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d, ev.now, fx));
  C.kickWhenSynced(ctx, fx);
}

/** Handles an API response: the lists, the sync's calls and the status writes. */
export function onResponse(ctx: CronJobControllerContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d, res.now, fx));
  if (p) onOwnResponse(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

function answerOf(res: ApiResponse): L.Answer {
  if (res.ok) return { ok: true, object: res.object };
  const causes: { type?: string }[] = (res.status as { details?: { causes?: { type?: string }[] } }).details?.causes ?? [];
  return { ok: false, code: res.code, message: res.status.message ?? "", namespaceTerminating: causes.some((c) => c.type === "NamespaceTerminating") };
}

function onOwnResponse(ctx: CronJobControllerContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return; // events: fire and forget
  if (p.purpose === "sync") {
    const st = ctx.syncs.get(key);
    if (st) {
      st.answers.set(p.data.id, answerOf(res));
      st.asked = st.asked.filter((id) => id !== p.data.id);
      // The sync goes on only once every call of its stage is answered.
      if (st.asked.length === 0) continueSync(ctx, key, res.now, fx);
    }
  } else if (p.purpose === "status") {
    if (res.ok) finishSync(ctx, key, p.data.requeueAfterMs, p.data.error, p.data.observation, res.now, fx);
    else finishSync(ctx, key, undefined, res.status.message ?? "status update failed", { type: "SyncFailed" }, res.now, fx);
  }
  W.untrack(ctx.q, key);
}

/** Where a CronJob's chart is: "Scheduled.waitingForNextSchedule", "Suspended" ... (undefined before its first sync). */
export function cronJobState(ctx: CronJobControllerContext, key: string): string | undefined {
  const kept = ctx.lifecycles.get(key);
  if (!kept) return undefined;
  if (typeof kept.value === "string") return kept.value;
  const scheduled = (kept.value as { Scheduled?: unknown }).Scheduled;
  return scheduled !== undefined ? `Scheduled.${stateName(scheduled as never)}` : stateName(kept.value as never);
}
