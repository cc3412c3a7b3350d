// What the endpoints and EndpointSlice controllers share with every client-go controller: a work
// queue of keys (dedup while waiting, never two syncs of one key at once), the default controller
// rate limiter's per-item exponential back-off, and the dispatch of API responses and watch events
// to informers. Pure data kept in a machine's context; timers and requests go through Fx.

import type { Fx } from "../common/effects.js";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { ApiResponse, WatchEvent } from "../messages.js";
import { SERVICE_NAME_LABEL } from "../endpointslice/endpointslice.logic.js";
import {
  deliverWatchEvent,
  itemExponentialDelayMs,
  objectKey,
  onListed,
  relistInformer,
  settleResponse,
  storeSelect,
  type ClientState,
  type DeltaHandler,
  type InformerDelta,
  type PendingRequest,
} from "../common/client.js";

export type { DeltaHandler };
/** Both controllers drop a key after this many requeues (maxRetries). */
export const MAX_RETRIES = 15;
/** How long an informer waits before listing again after a failed list (reflector back-off). */
export const RELIST_DELAY_MS = 800;

/** A rate-limited work queue of "namespace/name" keys, as client-go's workqueue keeps them. */
export interface WorkQueue {
  /** keys waiting, oldest first; each at most once */
  waiting: string[];
  /** keys added and not yet taken (waiting, or re-added while being processed) */
  dirty: Set<string>;
  processing: Set<string>;
  /** key -> requeues since it last succeeded */
  failures: Map<string, number>;
}

/** An empty queue. */
export function newWorkQueue(): WorkQueue {
  return { waiting: [], dirty: new Set(), processing: new Set(), failures: new Map() };
}

/** Queue.Add: a key already waiting is not added twice; one being processed waits until Done. */
export function addKey(q: WorkQueue, key: string): void {
  if (q.dirty.has(key)) return;
  q.dirty.add(key);
  if (!q.processing.has(key)) q.waiting.push(key);
}

/** Queue.Get: takes the oldest waiting key into processing. */
export function takeKey(q: WorkQueue): string | undefined {
  const key = q.waiting.shift();
  if (key === undefined) return undefined;
  q.dirty.delete(key);
  q.processing.add(key);
  return key;
}

/** Queue.Done: a key re-added during processing goes back to the end of the queue. */
export function doneKey(q: WorkQueue, key: string): void {
  q.processing.delete(key);
  if (q.dirty.has(key)) q.waiting.push(key);
}

/** RateLimiter.Forget: the key succeeded, its back-off starts over. */
export function forgetKey(q: WorkQueue, key: string): void {
  q.failures.delete(key);
}

/** The delay before the n-th retry (n = requeues so far): 5 ms * 2^n, capped at 1000 s. */
export function retryDelayMs(requeues: number): number {
  return itemExponentialDelayMs(requeues);
}

/** The timer key of a key's retry. */
export function retryTimerKey(key: string): string {
  return `requeue/${key}`;
}

/**
 * handleErr: retries a failed key after its back-off (a work timer, so settle waits for it), or
 * drops it once it has been requeued MAX_RETRIES times. Returns false when the key was dropped.
 */
export function requeueRateLimited(q: WorkQueue, fx: Fx, key: string): boolean {
  const n = q.failures.get(key) ?? 0;
  if (n >= MAX_RETRIES) {
    forgetKey(q, key);
    return false;
  }
  q.failures.set(key, n + 1);
  fx.after(retryTimerKey(key), retryDelayMs(n), { type: "Requeue", key });
  return true;
}

/** "namespace/name" -> [namespace, name]. */
export function splitKey(key: string): [string, string] {
  const i = key.indexOf("/");
  return i < 0 ? ["", key] : [key.slice(0, i), key.slice(i + 1)];
}

/** What a controller does with the answer to one of its own writes. */
export type WriteHandler = (pending: PendingRequest, res: ApiResponse, fx: Fx) => void;

/** Routes an API response: informer lists fill stores (re-listing later on failure), writes go to onWrite. */
export function dispatchResponse(client: ClientState, res: ApiResponse, fx: Fx, onDelta: DeltaHandler, onWrite: WriteHandler): void {
  const pending = settleResponse(client, res);
  if (!pending) return;
  if (pending.purpose === "informer-list") {
    const inf = client.informers.get(pending.data as number);
    if (!inf || inf.listId !== res.id) return;
    if (!res.ok) {
      fx.after(`relist/${inf.watchId}`, RELIST_DELAY_MS, { type: "Relist", watchId: inf.watchId }, true);
      return;
    }
    for (const d of onListed(client, fx, inf, res.object)) onDelta(inf.watchId, d, fx);
    return;
  }
  if (pending.purpose === "event") return;
  onWrite(pending, res, fx);
}

/** Applies a watch event to its informer and hands on the delta (a lost watch re-lists). */
export function dispatchWatchEvent(client: ClientState, ev: WatchEvent, fx: Fx, onDelta: DeltaHandler): void {
  deliverWatchEvent(client, fx, ev, onDelta);
}

export { relistInformer };

/** True when every informer has listed at least once (cache.WaitForNamedCacheSync). */
export function cachesSynced(client: ClientState): boolean {
  for (const inf of client.informers.values()) if (!inf.synced && inf.resourceVersion === "") return false;
  return true;
}

/** The objects of one informer's store in one namespace. */
export function storeInNamespace(client: ClientState, watchId: number, ns: string): any[] {
  const out: any[] = [];
  for (const obj of client.informers.get(watchId)?.store.values() ?? []) if ((obj.metadata?.namespace ?? "") === ns) out.push(obj);
  return out;
}

/** The object under a key in one informer's store. */
export function storeGet(client: ClientState, watchId: number, key: string): any {
  return client.informers.get(watchId)?.store.get(key);
}

export { objectKey };

/** A Service's EndpointSlices, in store order, through the slice informer's index of the kubernetes.io/service-name label. */
export function serviceSlices(client: ClientState, slicesWatchId: number, svc: Service): EndpointSlice[] {
  const inf = client.informers.get(slicesWatchId);
  return inf ? storeSelect(inf, svc.metadata?.namespace ?? "default", { [SERVICE_NAME_LABEL]: svc.metadata?.name ?? "" }) : [];
}

/** The Services ("ns/name") a delta of a Service or an EndpointSlice informer concerns: the object's, and the old object's when it differs. */
export function deltaServiceKeys(d: InformerDelta, kind: "Service" | "EndpointSlice"): string[] {
  const keyOf = (o: any) => `${o.metadata?.namespace ?? "default"}/${kind === "Service" ? o.metadata?.name : o.metadata?.labels?.[SERVICE_NAME_LABEL]}`;
  return d.old !== undefined && d.old !== d.object ? [keyOf(d.object), keyOf(d.old)] : [keyOf(d.object)];
}
