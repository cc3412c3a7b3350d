// The TTL-after-finished controller's steps (pkg/controller/ttlafterfinished): an informer on Jobs
// queues the finished ones that have a TTL; processJob deletes an expired Job (foreground, uid
// precondition) or waits for what is left of its TTL (each Job's chart, ttl.lifecycle.machine.ts).
// The context is a value: these steps run on a draft.

import type { Job } from "kubernetes-types/batch/v1";
import type { Fx } from "../common/effects.js";
import { newClient, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import { keep, lifecycleOf, scheduleLifecycleTimers, stepKept, type KeptLifecycle } from "../common/lifecycle.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import * as L from "./ttl.logic.js";
import { ttlLifecycleMachine, type TTLEvent } from "./ttl.lifecycle.machine.js";
import { mutant } from "../common/mutation.js";

export const controllerName = "ttl-after-finished-controller";
const JOBS = 1;

export interface TTLControllerContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
  /** job key -> its chart, kept as a value */
  lifecycles: Map<string, KeptLifecycle<typeof ttlLifecycleMachine>>;
}

export interface TTLControllerInput {
  token: string;
  address?: string;
}

export type TTLControllerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp)
  | ({ type: "TTLTimer"; key: string; event: { type: string } } & Stamp);

/** A fresh controller. */
export function initialTTLController(input: TTLControllerInput): TTLControllerContext {
  return { self: input.address ?? controllerName, client: newClient(input.token), q: W.newWorkQueue(), lifecycles: new Map() };
}

/** An informer on Jobs in every namespace. */
export function startInformers(ctx: TTLControllerContext, fx: Fx): void {
  startInformer(ctx.client, fx, JOBS, { group: "batch", resource: "jobs" });
}

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

/** addJob/updateJob: a Job that needs cleanup is queued; a deleted one is forgotten. */
export function onDelta(ctx: TTLControllerContext, d: InformerDelta): void {
  const key = keyOf(d.object);
  if (d.type === "DELETED") {
    ctx.lifecycles.delete(key);
    return;
  }
  if (!d.object.metadata?.deletionTimestamp && L.needsCleanup(d.object)) W.add(ctx.q, key);
}

const lifecycle = lifecycleOf(ttlLifecycleMachine);

function observe(ctx: TTLControllerContext, key: string, event: TTLEvent, fx: Fx): void {
  const kept = ctx.lifecycles.get(key) ?? keep(lifecycle.start(undefined).snapshot);
  const s = stepKept(lifecycle, kept, event);
  ctx.lifecycles.set(key, keep(s.snapshot));
  // A TTL is a watchdog, not work in progress: its timer does not hold settle() up.
  scheduleLifecycleTimers(fx, `ttl/${key}`, s, (e) => ({ type: "TTLTimer", key, event: e }), true);
}

/** processJob: delete an expired Job, or wait for what is left of its TTL. */
export function processNext(ctx: TTLControllerContext, now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) processJob(ctx, key, now, fx);
  C.kickWhenSynced(ctx, fx);
}

function processJob(ctx: TTLControllerContext, key: string, now: number, fx: Fx): void {
  const job: Job | undefined = ctx.client.informers.get(JOBS)!.store.get(key);
  const left = job && !job.metadata?.deletionTimestamp ? L.timeLeftMs(job, now) : undefined;
  if (left === undefined) return W.doneIfIdle(ctx.q, key);
  if (left > 0) {
    observe(ctx, key, { type: "Finished", leftMs: left }, fx);
    return W.doneIfIdle(ctx.q, key);
  }
  observe(ctx, key, { type: "Expired" }, fx);
  W.track(ctx.q, key);
  request(ctx.client, fx, {
    verb: "delete", group: "batch", resource: "jobs", namespace: job!.metadata?.namespace, name: job!.metadata?.name,
    // the mutant deletes the Job in the background: it is gone before its pods are
    propagationPolicy: mutant("ttlafterfinished.deletes-in-background") ? "Background" : "Foreground", body: { preconditions: { uid: job!.metadata?.uid } },
  }, "delete-job", { key });
  W.doneIfIdle(ctx.q, key);
}

/** A Job's TTL ran out: its chart moves on and the key is processed again. */
export function onTTLTimer(ctx: TTLControllerContext, key: string, event: { type: string }, fx: Fx): void {
  const kept = ctx.lifecycles.get(key);
  if (kept) ctx.lifecycles.set(key, keep(stepKept(lifecycle, kept, event as never).snapshot));
  C.requeueAndKick(ctx, key, fx);
}

/** Handles a watch event. */
export function onWatch(ctx: TTLControllerContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (_w, d) => onDelta(ctx, d));
  C.kickWhenSynced(ctx, fx);
}

/** Handles an API response: the Jobs list and the deletions. */
export function onResponse(ctx: TTLControllerContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (_w, d) => onDelta(ctx, d));
  if (p) onOwnResponse(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

function onOwnResponse(ctx: TTLControllerContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return;
  if (res.ok) {
    const kept = ctx.lifecycles.get(key);
    if (kept) ctx.lifecycles.set(key, keep(stepKept(lifecycle, kept, { type: "Deleted" }).snapshot));
  } else if (res.status.code !== 404 && res.status.code !== 409) W.addRateLimited(ctx.q, fx, key, res.now);
  W.untrack(ctx.q, key);
}
