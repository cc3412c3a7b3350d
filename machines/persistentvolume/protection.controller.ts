// The pvc-protection and pv-protection controllers' loops (protection.logic.ts decides): the PVC
// one watches claims and pods (a pod that ends or goes queues the claims it used), the PV one
// watches volumes; a claim or volume that may go is updated without its finalizer.
// The context is a value: these steps run on a draft.

import type { Fx } from "../common/effects.js";
import { newClient, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import * as L from "./protection.logic.js";

const OBJECTS = 1;
const PODS = 2;

export interface ProtectionContext {
  self: string;
  /** "pvc": the pvc-protection controller; "pv": the pv-protection controller */
  of: "pvc" | "pv";
  client: ClientState;
  q: W.WorkQueue;
}

export interface ProtectionInput {
  token: string;
  of: "pvc" | "pv";
  address?: string;
}

export type ProtectionEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

/** A fresh controller. */
export function initialProtection(input: ProtectionInput): ProtectionContext {
  return { self: input.address ?? `${input.of}-protection-controller`, of: input.of, client: newClient(input.token), q: W.newWorkQueue() };
}

/** Claims and pods, or volumes. */
export function startInformers(ctx: ProtectionContext, fx: Fx): void {
  if (ctx.of === "pv") {
    startInformer(ctx.client, fx, OBJECTS, { group: "", resource: "persistentvolumes" });
    return;
  }
  startInformer(ctx.client, fx, OBJECTS, { group: "", resource: "persistentvolumeclaims" });
  startInformer(ctx.client, fx, PODS, { group: "", resource: "pods" });
}

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) => (o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata?.name ?? "");

/** A claim or volume being deleted is queued; a pod's claims are queued when it changes or goes. */
export function onDelta(ctx: ProtectionContext, watchId: number, d: InformerDelta): void {
  if (watchId === OBJECTS) {
    if (d.type !== "DELETED" && d.object.metadata?.deletionTimestamp) W.add(ctx.q, keyOf(d.object));
    return;
  }
  const ns = d.object.metadata?.namespace ?? "";
  for (const v of d.object.spec?.volumes ?? []) {
    const claim = v.persistentVolumeClaim?.claimName ?? (v.ephemeral ? `${d.object.metadata?.name}-${v.name}` : undefined);
    if (claim) W.add(ctx.q, `${ns}/${claim}`);
  }
}

/** The next key: its finalizer is removed if the object may go. */
export function processNext(ctx: ProtectionContext, _now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) sync(ctx, key, fx);
  C.kickWhenSynced(ctx, fx);
}

function sync(ctx: ProtectionContext, key: string, fx: Fx): void {
  const obj = I.storeGet(ctx.client, OBJECTS, key);
  if (!obj) return W.doneIfIdle(ctx.q, key);
  const next = ctx.of === "pv" ? L.releaseVolume(obj) : L.releaseClaim(obj, I.storeInNamespace(ctx.client, PODS, obj.metadata?.namespace ?? ""));
  if (next) {
    W.track(ctx.q, key);
    const resource = ctx.of === "pv" ? "persistentvolumes" : "persistentvolumeclaims";
    request(ctx.client, fx, { verb: "update", group: "", resource, ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}), name: obj.metadata?.name, body: next }, "finalizer", { key });
  }
  W.doneIfIdle(ctx.q, key);
}

/** Handles a watch event. */
export function onWatch(ctx: ProtectionContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d));
  C.kickWhenSynced(ctx, fx);
}

/** Handles an API response: the lists and the finalizer updates (a refused one is retried). */
export function onResponse(ctx: ProtectionContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d));
  if (p) onOwnResponse(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

function onOwnResponse(ctx: ProtectionContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return;
  if (!res.ok && res.code !== 404) W.addRateLimited(ctx.q, fx, key, res.now);
  W.untrack(ctx.q, key);
}
