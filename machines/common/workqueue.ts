// client-go's rate-limited work queue (k8s.io/client-go/util/workqueue), the one every podflow
// controller uses: a FIFO of keys, each waiting at most once (dirty), never handed to two syncs
// at once (processing: a key re-added during its sync waits until Done), and
// DefaultControllerRateLimiter for AddRateLimited: the larger of a per-key exponential back-off
// (5 ms doubling to 1000 s, reset by Forget) and one overall token bucket (10 per second, burst 100).
//
// The rate limiter is a value: `when` and `forgetItem` return the next limiter and never change
// theirs. The queue's functions change the queue object they are given, which is a step's draft of
// the controller's context; its collections are persistent (immutable.js), so an Add or a Get
// costs O(log n) on a new value instead of a copy of the whole queue.
// A sync that sends API requests stays processing until the last answer is in (track/untrack):
// podflow's syncs are asynchronous where client-go's block on their HTTP calls.

import { List, Map as IMap, Set as ISet } from "immutable";
import type { Fx } from "./effects.js";
import { mutant } from "./mutation.js";

/** ItemExponentialFailureRateLimiter's base delay. */
export const BASE_DELAY_MS = 5;
/** ItemExponentialFailureRateLimiter's cap. */
export const MAX_DELAY_MS = 1_000_000;
/** The overall BucketRateLimiter: rate.NewLimiter(rate.Limit(10), 100). */
export const BUCKET_QPS = 10;
export const BUCKET_BURST = 100;
/** Retries this long or longer do not keep `settle` busy: a controller failing for good would otherwise never settle. */
export const RETRY_BACKGROUND_FROM_MS = 1_280;

/** DefaultControllerRateLimiter's state: failures per key, and the overall bucket. */
export interface RateLimiter {
  readonly failures: IMap<string, number>;
  /** tokens in the bucket at `last` (negative: reservations are waiting) */
  readonly tokens: number;
  /** when the bucket was last drawn from; undefined: never (a full bucket) */
  readonly last: number | undefined;
  /** a per-key back-off other than the default 5 ms to 1000 s (a controller that builds its own ItemExponentialFailureRateLimiter) */
  readonly item?: ItemBackoff;
}

/** NewItemExponentialFailureRateLimiter(base, max). */
export interface ItemBackoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** A limiter with no failures and a full bucket. */
export function newRateLimiter(item?: ItemBackoff): RateLimiter {
  return { failures: IMap(), tokens: BUCKET_BURST, last: undefined, ...(item ? { item } : {}) };
}

/** The per-key back-off before the retry after `failures` earlier ones: 5 ms * 2^failures, at most 1000 s (or the limiter's own). */
export function itemExponentialDelayMs(failures: number, item?: ItemBackoff): number {
  return Math.min((item?.baseMs ?? BASE_DELAY_MS) * 2 ** Math.min(failures, 30), item?.maxMs ?? MAX_DELAY_MS);
}

/**
 * RateLimiter.When (MaxOfRateLimiter over both): counts one more failure of key, takes a token
 * from the bucket, and returns the wait, the longer of the two limiters' (whole ms, rounded up).
 */
export function when(l: RateLimiter, key: string, now: number): { limiter: RateLimiter; delayMs: number } {
  const n = l.failures.get(key) ?? 0;
  const failures = l.failures.set(key, n + 1);
  const elapsed = l.last === undefined ? Infinity : Math.max(0, now - l.last);
  const tokens = Math.min(BUCKET_BURST, l.tokens + (elapsed * BUCKET_QPS) / 1000) - 1;
  const bucketMs = tokens < 0 ? Math.ceil((-tokens * 1000) / BUCKET_QPS) : 0;
  return { limiter: { ...l, failures, tokens, last: now }, delayMs: Math.max(itemExponentialDelayMs(mutant("workqueue.first-retry-doubled") ? n + 1 : n, l.item), bucketMs) };
}

/** RateLimiter.Forget: key's back-off starts over (the bucket is not refunded). */
export function forgetItem(l: RateLimiter, key: string): RateLimiter {
  if (!l.failures.has(key)) return l;
  return { ...l, failures: l.failures.delete(key) };
}

/** RateLimiter.NumRequeues. */
export function numRequeues(l: RateLimiter, key: string): number {
  return l.failures.get(key) ?? 0;
}

/** A rate-limited work queue of keys ("namespace/name", or a controller's own key form). */
export interface WorkQueue {
  /** keys waiting, oldest first; each at most once */
  waiting: List<string>;
  /** keys added and not yet taken: the waiting ones, and those re-added while being processed */
  dirty: ISet<string>;
  /** keys being synced -> API requests the sync still waits for */
  processing: IMap<string, number>;
  limiter: RateLimiter;
  /** a ProcessNext message is on its way (controllers that take one key per self-message) */
  kicked: boolean;
}

/** An empty queue. */
export function newWorkQueue(item?: ItemBackoff): WorkQueue {
  return { waiting: List(), dirty: ISet(), processing: IMap(), limiter: newRateLimiter(item), kicked: false };
}

/** Add: a key already waiting is not added twice; one being processed waits until Done. */
export function add(q: WorkQueue, key: string): void {
  if (q.dirty.has(key)) return;
  q.dirty = q.dirty.add(key);
  if (!q.processing.has(key)) q.waiting = q.waiting.push(key);
}

/** Get: takes the oldest waiting key into processing. */
export function get(q: WorkQueue): string | undefined {
  const key = q.waiting.first();
  if (key === undefined) return undefined;
  q.waiting = q.waiting.shift();
  q.dirty = q.dirty.delete(key);
  q.processing = q.processing.set(key, 0);
  return key;
}

/** Done: the key's sync ended; a key re-added during it goes back to the end of the queue. */
export function done(q: WorkQueue, key: string): void {
  q.processing = q.processing.delete(key);
  if (q.dirty.has(key)) q.waiting = q.waiting.push(key);
}

/** Counts one more API request the running sync of key waits for. */
export function track(q: WorkQueue, key: string): void {
  const n = q.processing.get(key);
  if (n !== undefined) q.processing = q.processing.set(key, n + 1);
}

/** One request of key's sync was answered; the sync is Done when it was the last one. */
export function untrack(q: WorkQueue, key: string): void {
  const n = q.processing.get(key);
  if (n === undefined) return;
  if (n <= 1) done(q, key);
  else q.processing = q.processing.set(key, n - 1);
}

/** Done, if key's sync waits for no request. */
export function doneIfIdle(q: WorkQueue, key: string): void {
  if (q.processing.get(key) === 0) done(q, key);
}

/** Forget: key succeeded, its back-off starts over. */
export function forget(q: WorkQueue, key: string): void {
  q.limiter = forgetItem(q.limiter, key);
}

/** The timer key of key's rate-limited retry. */
export function retryTimerKey(key: string): string {
  return `requeue/${key}`;
}

/**
 * AddRateLimited: key comes back as a Requeue event after the limiter's wait (a timer, so settle
 * waits for it; waits from backgroundFromMs on do not hold settle up). Returns the wait.
 */
export function addRateLimited(q: WorkQueue, fx: Fx, key: string, now: number, backgroundFromMs = RETRY_BACKGROUND_FROM_MS): number {
  const { limiter, delayMs } = when(q.limiter, key, now);
  q.limiter = limiter;
  fx.after(retryTimerKey(key), delayMs, { type: "Requeue", key }, delayMs >= backgroundFromMs);
  return delayMs;
}

/** AddAfter: key comes back as a Requeue event after ms; background timers do not hold up settle. */
export function addAfter(fx: Fx, key: string, ms: number, background: boolean): void {
  fx.after(`after/${key}`, ms, { type: "Requeue", key }, background);
}

/** "namespace/name" -> [namespace, name]. */
export function splitKey(key: string): [string, string] {
  const i = key.indexOf("/");
  return i < 0 ? ["", key] : [key.slice(0, i), key.slice(i + 1)];
}
