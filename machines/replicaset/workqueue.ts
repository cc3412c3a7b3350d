// What every kube-controller-manager controller shares: client-go's rate-limited work queue
// (dedup, one worker per key, dirty keys re-added when their sync ends, per-key exponential
// retries 5 ms doubling to 1000 s) and informer list handling. The queue is drained one key per
// ProcessNext self-message, so watch events can interleave between syncs as they do for real.

import type { Fx } from "../common/effects.js";
import { deliverWatchEvent, informersSynced, itemExponentialDelayMs, onListed, relistInformer, settleResponse, type ClientState, type DeltaHandler, type PendingRequest } from "../common/client.js";
import type { Address, ApiResponse, WatchEvent } from "../messages.js";

/** Retries this long or longer do not keep `settle` busy: a controller failing for good would otherwise never settle. */
export const RETRY_BACKGROUND_FROM_MS = 1_280;
/** Delay before a failed informer list is tried again (reflector back-off start). */
export const RELIST_DELAY_MS = 800;

export interface WorkQueue {
  /** keys waiting, in FIFO order, each at most once */
  queue: string[];
  queued: Set<string>;
  /** keys whose sync is running (its API requests not all answered yet) */
  processing: Map<string, number>;
  /** keys added while processing: re-added when the sync ends */
  dirty: Set<string>;
  /** key -> consecutive failures, for the exponential back-off */
  failures: Map<string, number>;
  /** a ProcessNext message is on its way */
  kicked: boolean;
}

/** An empty work queue. */
export function newWorkQueue(): WorkQueue {
  return { queue: [], queued: new Set(), processing: new Map(), dirty: new Set(), failures: new Map(), kicked: false };
}

/** Adds a key unless it is already waiting; a key being processed is marked dirty instead (Add). */
export function enqueue(q: WorkQueue, key: string): void {
  if (q.processing.has(key)) {
    q.dirty.add(key);
    return;
  }
  if (q.queued.has(key)) return;
  q.queued.add(key);
  q.queue.push(key);
}

/** Takes the next key and marks it processing (Get). */
export function popKey(q: WorkQueue): string | undefined {
  const key = q.queue.shift();
  if (key === undefined) return undefined;
  q.queued.delete(key);
  q.processing.set(key, 0);
  return key;
}

/** Counts one more API request the running sync of key waits for. */
export function track(q: WorkQueue, key: string): void {
  if (q.processing.has(key)) q.processing.set(key, q.processing.get(key)! + 1);
}

/** One request of key's sync was answered; ends the sync when it was the last one. */
export function untrack(q: WorkQueue, key: string): void {
  const n = q.processing.get(key);
  if (n === undefined) return;
  if (n <= 1) finish(q, key);
  else q.processing.set(key, n - 1);
}

/** Ends key's sync if it waits for no request (Done); a dirty key goes back in the queue. */
export function finishIfIdle(q: WorkQueue, key: string): void {
  if (q.processing.get(key) === 0) finish(q, key);
}

function finish(q: WorkQueue, key: string): void {
  q.processing.delete(key);
  if (q.dirty.delete(key)) enqueue(q, key);
}

/** The back-off before the n-th retry (n from 0): 5 ms doubling, capped at 1000 s. */
export function retryDelayMs(failures: number): number {
  return itemExponentialDelayMs(failures);
}

/** Re-adds key after its back-off (AddRateLimited), as a timer delivered back as Requeue. */
export function requeueRateLimited(q: WorkQueue, fx: Fx, key: string): void {
  const n = q.failures.get(key) ?? 0;
  q.failures.set(key, n + 1);
  const ms = retryDelayMs(n);
  fx.after(`requeue:${key}`, ms, { type: "Requeue", key }, ms >= RETRY_BACKGROUND_FROM_MS);
}

/** Re-adds key after ms (AddAfter); background timers do not hold up settle. */
export function requeueAfter(fx: Fx, key: string, ms: number, background: boolean): void {
  fx.after(`after:${key}`, ms, { type: "Requeue", key }, background);
}

/** Clears key's failure count after a clean sync (Forget). */
export function forget(q: WorkQueue, key: string): void {
  q.failures.delete(key);
}

/** Asks ourselves to process the next key, unless a request to do so is already on its way. */
export function kick(q: WorkQueue, fx: Fx, self: Address, synced: boolean): void {
  if (q.kicked || q.queue.length === 0 || !synced) return;
  q.kicked = true;
  fx.send(self, { type: "ProcessNext" });
}

export { informersSynced };

/** What a work-queue controller's context has: its API client, its queue, its own address. */
export interface QueuedController {
  client: ClientState;
  q: WorkQueue;
  self: Address;
}

/** Processes the next key once every informer has listed (the controller's WaitForCacheSync). */
export function kickWhenSynced(ctx: QueuedController, fx: Fx): void {
  kick(ctx.q, fx, ctx.self, informersSynced(ctx.client));
}

/** A back-off or AddAfter timer fired: the key goes back in the queue. */
export function requeueAndKick(ctx: QueuedController, key: string, fx: Fx): void {
  enqueue(ctx.q, key);
  kickWhenSynced(ctx, fx);
}

/** Applies a watch event to its informer and hands the delta on. */
export const handleWatchEvent = deliverWatchEvent;

/**
 * Settles a response: informer lists fill their store (deltas handed on) or are retried after a
 * delay; any other response is returned with its pending request for the controller to handle.
 */
export function handleResponse(c: ClientState, fx: Fx, res: ApiResponse, onDelta: DeltaHandler): PendingRequest | undefined {
  const p = settleResponse(c, res);
  if (!p) return undefined;
  if (p.purpose !== "informer-list") return p;
  const inf = c.informers.get(p.data);
  if (!inf) return undefined;
  if (!res.ok) {
    fx.after(`relist:${inf.watchId}`, RELIST_DELAY_MS, { type: "Relist", watchId: inf.watchId });
    return undefined;
  }
  for (const d of onListed(c, fx, inf, res.object)) onDelta(inf.watchId, d, fx);
  return undefined;
}

/** Lists an informer again after a failed list. */
export const retryList = relistInformer;
