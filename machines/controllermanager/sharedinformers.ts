// kube-controller-manager's SharedInformerFactory (client-go tools/cache/shared_informer.go):
// one informer per resource for every controller of the process. A controller asks for one
// (InformerFor, then AddEventHandler); the first ask starts it (list, then watch: the informer
// chart of machines/common/informer.machine.ts, stepped by informer.ts); each change of its store
// is handed to every handler, in registration order, as an InformerEvent by function call (the
// controllers run in this process), carrying the store as it now is and the deltas of the change.
// A handler added to a running informer is handed its store as adds, as AddEventHandler does.
// The context is a value.

import type { Address, AddEventHandler, InformerEvent, WatchEvent, ApiResponse } from "../messages.js";
import type { Fx } from "../common/effects.js";
import { newClient, setInformer, startInformer, withIndex, type ClientState, type Informer, type InformerDelta } from "../common/client.js";
import * as I from "../common/informer.js";

/** One shared informer: what it watches, its watch id in the host's client, the handlers in registration order. */
export interface SharedInformer {
  readonly group: string;
  readonly resource: string;
  readonly watchId: number;
  readonly handlers: readonly Address[];
}

export interface ControllerManagerContext {
  client: ClientState;
  informers: SharedInformer[];
}

export interface ControllerManagerInput {
  token: string;
}

export function initialControllerManager(input: ControllerManagerInput): ControllerManagerContext {
  return { client: newClient(input.token), informers: [] };
}

function informerEvent(s: SharedInformer, inf: Informer, deltas: readonly InformerDelta[]): InformerEvent {
  return { type: "InformerEvent", group: s.group, resource: s.resource, informer: inf, deltas };
}

/** InformerFor + AddEventHandler: the resource's informer (started on first use) gets one more handler. */
export function addEventHandler(ctx: ControllerManagerContext, ev: AddEventHandler & { from: Address }, fx: Fx): void {
  let i = ctx.informers.findIndex((s) => s.group === ev.group && s.resource === ev.resource);
  if (i < 0) {
    i = ctx.informers.length;
    ctx.informers.push({ group: ev.group, resource: ev.resource, watchId: i + 1, handlers: [] });
    startInformer(ctx.client, fx, i + 1, { group: ev.group, resource: ev.resource, indexed: ev.indexed });
  }
  const s = ctx.informers[i]!;
  if (s.handlers.includes(ev.from)) return;
  ctx.informers[i] = { ...s, handlers: [...s.handlers, ev.from] };
  let inf = ctx.client.informers.get(s.watchId)!;
  // one handler's lookups by label or owner index the store for all of them
  if (ev.indexed && inf.index === undefined) inf = setInformer(ctx.client, withIndex(inf));
  // a late handler is told of every object already in the store (sharedIndexInformer.AddEventHandler's adds)
  if (inf.synced || inf.resourceVersion !== "") fx.call(ev.from, informerEvent(s, inf, [...inf.store.values()].map((object) => ({ type: "ADDED" as const, object }))));
}

/** Hands every informer the step changed to its handlers, with the deltas it made. */
function fanOut(ctx: ControllerManagerContext, fx: Fx, before: ClientState["informers"], deltas: Map<number, InformerDelta[]>): void {
  for (const s of ctx.informers) {
    const inf = ctx.client.informers.get(s.watchId);
    if (inf === undefined) continue;
    const d = deltas.get(s.watchId) ?? [];
    if (inf === before.get(s.watchId) && d.length === 0) continue;
    const ev = informerEvent(s, inf, d);
    for (const h of s.handlers) fx.call(h, ev);
  }
}

function collecting(deltas: Map<number, InformerDelta[]>): (watchId: number, d: InformerDelta) => void {
  return (watchId, d) => {
    const list = deltas.get(watchId);
    if (list === undefined) deltas.set(watchId, [d]);
    else list.push(d);
  };
}

/** A watch event of a shared informer: its store changes once, for every handler. */
export function onWatch(ctx: ControllerManagerContext, ev: WatchEvent, fx: Fx): void {
  const before = ctx.client.informers;
  const deltas = new Map<number, InformerDelta[]>();
  I.handleWatchEvent(ctx.client, fx, ev, collecting(deltas));
  fanOut(ctx, fx, before, deltas);
}

/** A list answered (or failed: the informer chart backs off). The host sends no other request. */
export function onResponse(ctx: ControllerManagerContext, ev: ApiResponse, fx: Fx): void {
  const before = ctx.client.informers;
  const deltas = new Map<number, InformerDelta[]>();
  I.handleResponse(ctx.client, fx, ev, collecting(deltas), true);
  fanOut(ctx, fx, before, deltas);
}

/** A failed list's back-off ended: list again. */
export function onRelist(ctx: ControllerManagerContext, ev: { watchId: number }, fx: Fx): void {
  const before = ctx.client.informers;
  I.relist(ctx.client, fx, ev.watchId);
  fanOut(ctx, fx, before, new Map());
}
