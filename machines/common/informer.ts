// The informer side every controller shares (client-go's reflector and SharedInformer): list
// results fill a store and open the watch, a failed list is tried again after a back-off, watch
// events become deltas, a lost watch lists again. When to list is the informer chart's
// (informer.machine.ts: listing, watching, relisting, backingOff), kept as a value on each
// informer; the stores themselves live in client.ts.

import type { Fx } from "./effects.js";
import type { ApiResponse, WatchEvent } from "../messages.js";
import { eventAnswered, onListed, onWatchEvent, relist as relistNow, setInformer, settleResponse, type ClientState, type DeltaHandler, type Informer, type PendingRequest } from "./client.js";
import { keep, lifecycleOf, stateName, stepKept, type KeptLifecycle } from "./lifecycle.js";
import { informerMachine, type InformerEvent } from "./informer.machine.js";

export { RELIST_DELAY_MS } from "./informer.machine.js";

/** The timer key of an informer's next list after a failed one. */
export function relistTimerKey(watchId: number): string {
  return `relist/${watchId}`;
}

const chart = lifecycleOf(informerMachine);
/** The chart's back-off ending: what the runtime's Relist timer stands for. */
const backOffOver = { type: "xstate.after.relistDelay.informer.backingOff" } as unknown as InformerEvent;

/** An informer with its chart: started informers are listing, so a missing chart is one. */
type ChartedInformer = Informer & { lifecycle?: KeptLifecycle<typeof informerMachine> };

/** Where an informer's chart is: "listing", "watching", "relisting" or "backingOff". */
export function informerState(inf: Informer): string {
  const kept = (inf as ChartedInformer).lifecycle;
  return kept ? stateName(kept.value) : "listing";
}

/**
 * Moves an informer's chart by one event and does what it asks: a List sends the list request;
 * its back-off timer is the Relist timer (a background one when relistInBackground, so a list
 * failing for good does not hold settle up).
 */
function stepInformer(c: ClientState, fx: Fx, was: ChartedInformer, event: InformerEvent, relistInBackground: boolean): void {
  const s = stepKept(chart, was.lifecycle ?? keep(chart.start(undefined).snapshot), event);
  const inf = setInformer(c, { ...was, lifecycle: keep(s.snapshot) } as ChartedInformer);
  // The chart has one timer, the back-off: it is the informer's one Relist timer.
  if (s.cancels.length > 0) fx.cancel(relistTimerKey(inf.watchId));
  for (const t of s.timers) fx.after(relistTimerKey(inf.watchId), t.delayMs, { type: "Relist", watchId: inf.watchId }, relistInBackground);
  for (const o of s.outputs) if (o.type === "List") relistNow(c, fx, inf);
}

/**
 * Settles a response: an event write ends in eventAnswered; an informer's list fills its store
 * (deltas handed on) or, failed, is tried again after RELIST_DELAY_MS (a Relist event; a background timer when relistInBackground, so a
 * list failing for good does not hold settle up); any other response is returned with its pending
 * request for the controller to handle.
 */
export function handleResponse(c: ClientState, fx: Fx, res: ApiResponse, onDelta: DeltaHandler, relistInBackground = false): PendingRequest | undefined {
  const p = settleResponse(c, res);
  if (!p) return undefined;
  if (p.purpose === "event") {
    eventAnswered(c, fx, p, res);
    return undefined;
  }
  if (p.purpose !== "informer-list") return p;
  const inf = c.informers.get(p.data as number);
  // A list superseded by a newer one of the same informer is stale: only the newest fills the store.
  if (!inf || inf.listId !== res.id) return undefined;
  if (!res.ok) {
    stepInformer(c, fx, inf, { type: "ListFailed" }, relistInBackground);
    return undefined;
  }
  const deltas = onListed(c, fx, inf, res.object);
  stepInformer(c, fx, c.informers.get(inf.watchId)!, { type: "Listed" }, relistInBackground);
  for (const d of deltas) onDelta(inf.watchId, d, fx);
  return undefined;
}

/**
 * An informer's list failed, answered by a client that settles its own responses (the kubelet): its
 * chart backs off, and the Relist timer lists again, as client-go's reflector retries ListAndWatch.
 */
export function listFailed(c: ClientState, fx: Fx, watchId: number, relistInBackground = true): void {
  const inf = c.informers.get(watchId);
  if (inf) stepInformer(c, fx, inf, { type: "ListFailed" }, relistInBackground);
}

/** Applies a watch event to its informer and hands the delta on; a lost watch (ERROR: 410 Gone, closed) moves its chart to relisting. */
export function handleWatchEvent(c: ClientState, fx: Fx, ev: WatchEvent, onDelta: DeltaHandler): void {
  const inf = c.informers.get(ev.watchId);
  if (inf && ev.eventType === "ERROR") return stepInformer(c, fx, inf, { type: "WatchError" }, false);
  const d = onWatchEvent(c, fx, ev, inf);
  if (d && d !== "relisted") onDelta(ev.watchId, d, fx);
}

/** The Relist timer fired: the chart's back-off is over, and it lists again. */
export function relist(c: ClientState, fx: Fx, watchId: number): void {
  const inf = c.informers.get(watchId);
  if (inf) stepInformer(c, fx, inf, backOffOver, false);
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
