// What a kube-controller-manager controller is made of in podflow: an API client with informers,
// one work queue, and its own address for self-messages. The worker takes one key per ProcessNext
// self-message, so watch events and answers interleave between syncs as they do for real.

import type { Fx } from "./effects.js";
import type { Address } from "../messages.js";
import { informersSynced, type ClientState } from "./client.js";
import * as W from "./workqueue.js";

/** What a queued controller's context has: its API client, its queue, its own address. */
export interface QueuedController {
  client: ClientState;
  q: W.WorkQueue;
  self: Address;
}

/** Asks ourselves to process the next key, unless a request to do so is already on its way. */
export function kick(q: W.WorkQueue, fx: Fx, self: Address, synced: boolean): void {
  if (q.kicked || q.waiting.size === 0 || !synced) return;
  q.kicked = true;
  fx.send(self, { type: "ProcessNext" });
}

/** Processes the next key once every informer is watching (the controller's WaitForCacheSync). */
export function kickWhenSynced(ctx: QueuedController, fx: Fx): void {
  kick(ctx.q, fx, ctx.self, informersSynced(ctx.client));
}

/** A back-off or AddAfter timer fired: the key goes back in the queue. */
export function requeueAndKick(ctx: QueuedController, key: string, fx: Fx): void {
  W.add(ctx.q, key);
  kickWhenSynced(ctx, fx);
}

/** ProcessNext arrived: the next key, if any, is taken into processing (processNextWorkItem's Get). */
export function takeNext(ctx: QueuedController): string | undefined {
  ctx.q.kicked = false;
  return W.get(ctx.q);
}

/**
 * handleErr for a controller that gives a key up after maxRetries requeues (the endpoints and
 * EndpointSlice controllers): a clean sync is forgotten, a failed one is added rate-limited, or
 * forgotten once it has been requeued maxRetries times. Its retries all hold settle up (the
 * longest is 5 ms * 2^(maxRetries-1)). Returns false when the key was given up.
 */
export function retryOrForget(q: W.WorkQueue, fx: Fx, key: string, failed: boolean, now: number, maxRetries: number): boolean {
  if (failed && W.numRequeues(q.limiter, key) < maxRetries) {
    W.addRateLimited(q, fx, key, now, Infinity);
    return true;
  }
  W.forget(q, key);
  return !failed;
}
