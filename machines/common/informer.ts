// The informer side every controller shares (client-go's reflector and SharedInformer): list
// results fill a store and open the watch, a failed list is tried again after a back-off, watch
// events become deltas, a lost watch lists again. The stores themselves live in client.ts.

import type { Fx } from "./effects.js";
import type { ApiResponse, WatchEvent } from "../messages.js";
import { onListed, onWatchEvent, relist as relistNow, settleResponse, type ClientState, type DeltaHandler, type PendingRequest } from "./client.js";

/** How long an informer waits before listing again after a failed list (reflector back-off start). */
export const RELIST_DELAY_MS = 800;

/** The timer key of an informer's next list after a failed one. */
export function relistTimerKey(watchId: number): string {
  return `relist/${watchId}`;
}

/**
 * Settles a response: an informer's list fills its store (deltas handed on) or, failed, is tried
 * again after RELIST_DELAY_MS (a Relist event; a background timer when relistInBackground, so a
 * list failing for good does not hold settle up); any other response is returned with its pending
 * request for the controller to handle.
 */
export function handleResponse(c: ClientState, fx: Fx, res: ApiResponse, onDelta: DeltaHandler, relistInBackground = false): PendingRequest | undefined {
  const p = settleResponse(c, res);
  if (!p) return undefined;
  if (p.purpose !== "informer-list") return p;
  const inf = c.informers.get(p.data as number);
  // A list superseded by a newer one of the same informer is stale: only the newest fills the store.
  if (!inf || inf.listId !== res.id) return undefined;
  if (!res.ok) {
    fx.after(relistTimerKey(inf.watchId), RELIST_DELAY_MS, { type: "Relist", watchId: inf.watchId }, relistInBackground);
    return undefined;
  }
  for (const d of onListed(c, fx, inf, res.object)) onDelta(inf.watchId, d, fx);
  return undefined;
}

/** Applies a watch event to its informer and hands the delta on (a lost watch re-lists instead). */
export function handleWatchEvent(c: ClientState, fx: Fx, ev: WatchEvent, onDelta: DeltaHandler): void {
  const d = onWatchEvent(c, fx, ev);
  if (d && d !== "relisted") onDelta(ev.watchId, d, fx);
}

/** The Relist timer fired: list the informer again. */
export function relist(c: ClientState, fx: Fx, watchId: number): void {
  const inf = c.informers.get(watchId);
  if (inf) relistNow(c, fx, inf);
}

/**
 * cache.WaitForCacheSync's HasSynced: every informer has listed at least once (it stays synced
 * while it re-lists). `informersSynced` in client.ts is the stricter "every informer is watching".
 */
export function hasSynced(c: ClientState): boolean {
  for (const inf of c.informers.values()) if (!inf.synced && inf.resourceVersion === "") return false;
  return true;
}

/** The object under a key in one informer's store. */
export function storeGet(c: ClientState, watchId: number, key: string): any {
  return c.informers.get(watchId)?.store.get(key);
}

/** The objects of one informer's store in one namespace. */
export function storeInNamespace(c: ClientState, watchId: number, ns: string): any[] {
  const out: any[] = [];
  for (const obj of c.informers.get(watchId)?.store.values() ?? []) if ((obj.metadata?.namespace ?? "") === ns) out.push(obj);
  return out;
}
