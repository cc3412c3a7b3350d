// The EndpointSlice mirroring controller's steps (pkg/controller/endpointslicemirroring): informer
// handlers that queue Endpoints keys, and syncEndpoints, which mirrors an Endpoints whose Service
// has no selector (reconcileMirror) or deletes its mirrored slices when it should not be mirrored,
// writing one slice at a time (creates, updates, deletes) and stopping at the first error.

import type { Endpoints, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { Fx } from "../common/effects.js";
import { newClient, objectKey, recordEvent, startInformer, storeSelect, type ClientState, type InformerDelta } from "../common/client.js";
import { finishKey as finishSliceKey, isSyncFinished, sendNextWrite, writeAnswered, type SliceSync, type SliceWrite } from "../common/slicewrites.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from "../common/endpointutil.js";
import { handleResponse, storeGet } from "../common/informer.js";
import * as W from "../common/workqueue.js";
import { hasNoSelector, mirroredSlice, mirrorEvents, MIRRORING_CONTROLLER_NAME, reconcileMirror, shouldMirror } from "./endpointslicemirroring.logic.js";

/** The controller gives a key up after this many requeues (maxRetries). */
export const MAX_RETRIES = 15;
/** Its own back-off: 1 s doubling to 100 s (defaultSyncBackOff, maxSyncBackOff), as its writes can be many. */
export const SYNC_BACKOFF = { baseMs: 1_000, maxMs: 100_000 };

/** Informer watch ids. */
export const ENDPOINTS = 1;
export const SLICES = 2;
export const SERVICES = 3;

/** The event source of the controller's events. */
export const MIRRORING_SOURCE = { component: "endpoint-slice-mirroring-controller" };

export { isSyncFinished };

export interface MirroringControllerContext {
  client: ClientState;
  queue: W.WorkQueue;
  sync?: SliceSync;
}

export interface MirroringControllerInput {
  token: string;
}

/** A fresh controller. */
export function initialMirroringController(input: MirroringControllerInput): MirroringControllerContext {
  return { client: newClient(input.token), queue: W.newWorkQueue(SYNC_BACKOFF) };
}

/** Starts the Endpoints, EndpointSlice and Service informers. */
export function startInformers(ctx: MirroringControllerContext, fx: Fx): void {
  startInformer(ctx.client, fx, ENDPOINTS, { group: "", resource: "endpoints" });
  startInformer(ctx.client, fx, SLICES, { group: "discovery.k8s.io", resource: "endpointslices", indexed: ["labels"] });
  startInformer(ctx.client, fx, SERVICES, { group: "", resource: "services" });
}

/** endpointsControllerKey: the Endpoints a slice names by its Service-name label. */
function sliceKey(slice: EndpointSlice): string | undefined {
  const name = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
  return name ? `${slice.metadata?.namespace ?? "default"}/${name}` : undefined;
}

function queueSlice(ctx: MirroringControllerContext, slice: EndpointSlice | undefined): void {
  const key = slice ? sliceKey(slice) : undefined;
  if (key) W.add(ctx.queue, key);
}

/**
 * The informer handlers: Services without a selector (and those that gained or lost one), Endpoints
 * that are or were to be mirrored, and slices this controller manages, or whose managed-by or
 * Service-name label changed.
 */
export function onDelta(ctx: MirroringControllerContext, watchId: number, d: InformerDelta): void {
  if (watchId === SERVICES) {
    const svc = d.object as Service;
    if (d.type === "MODIFIED" ? hasNoSelector(svc) !== hasNoSelector(d.old) : hasNoSelector(svc)) W.add(ctx.queue, objectKey(svc));
    return;
  }
  if (watchId === ENDPOINTS) {
    if (shouldMirror(d.object) || (d.type === "MODIFIED" && shouldMirror(d.old))) W.add(ctx.queue, objectKey(d.object));
    return;
  }
  if (watchId !== SLICES) return;
  const slice = d.object as EndpointSlice;
  if (d.type === "MODIFIED") {
    const old = d.old as EndpointSlice | undefined;
    if (slice.metadata?.labels?.[SERVICE_NAME_LABEL] !== old?.metadata?.labels?.[SERVICE_NAME_LABEL]) {
      queueSlice(ctx, slice);
      queueSlice(ctx, old);
      return;
    }
    if (mirroredSlice(slice) !== mirroredSlice(old) || mirroredSlice(slice)) queueSlice(ctx, slice);
    return;
  }
  if (mirroredSlice(slice)) queueSlice(ctx, slice);
}

/** endpointSlicesMirroredForService: the namespace's slices labelled with this name and managed by this controller. */
function mirroredSlices(ctx: MirroringControllerContext, ns: string, name: string): EndpointSlice[] {
  const inf = ctx.client.informers.get(SLICES);
  return (inf ? storeSelect(inf, ns, { [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MIRRORING_CONTROLLER_NAME }) : []) as EndpointSlice[];
}

/**
 * syncEndpoints for one key: its mirrored slices deleted when the Endpoints is gone or not to be
 * mirrored, or its Service is gone or has a selector; else reconciled, with the reconciler's
 * events on the Endpoints. A terminating Endpoints gets no new slices.
 */
export function planFor(ctx: MirroringControllerContext, key: string, now: number, fx: Fx): SliceWrite[] {
  const [ns, name] = W.splitKey(key);
  const existing = mirroredSlices(ctx, ns, name);
  const removeAll = () => existing.map((slice) => ({ action: "delete" as const, slice }));
  const endpoints: Endpoints | undefined = storeGet(ctx.client, ENDPOINTS, key);
  if (!endpoints || !shouldMirror(endpoints)) return removeAll();
  const svc: Service | undefined = storeGet(ctx.client, SERVICES, key);
  if (!svc || !hasNoSelector(svc)) return removeAll();
  const plan = reconcileMirror(endpoints, existing);
  for (const e of mirrorEvents(plan)) recordEvent(ctx.client, fx, { kind: "Endpoints", apiVersion: "v1", ...endpoints }, "Warning", e.reason, e.message, MIRRORING_SOURCE, now);
  return [
    ...(endpoints.metadata?.deletionTimestamp ? [] : plan.create.map((slice) => ({ action: "create" as const, slice }))),
    ...plan.update.map((slice) => ({ action: "update" as const, slice })),
    ...plan.delete.map((slice) => ({ action: "delete" as const, slice })),
  ];
}

/** Queue.Get and syncEndpoints for the oldest waiting key; its first write goes out at once. */
export function syncNextKey(ctx: MirroringControllerContext, now: number, fx: Fx): void {
  const key = W.get(ctx.queue);
  if (key === undefined) return;
  ctx.sync = { key, plan: planFor(ctx, key, now, fx), awaiting: false, failed: false };
  sendNextWrite(ctx, fx);
}

/** handleErr then Done. */
export function finishKey(ctx: MirroringControllerContext, now: number, fx: Fx): void {
  finishSliceKey(ctx, now, fx, MAX_RETRIES);
}

/** An API response: informer lists fill the caches; answers to our writes advance the sync. */
export function onResponse(ctx: MirroringControllerContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = handleResponse(ctx.client, fx, res, (id, d) => onDelta(ctx, id, d), true);
  // a failed write fails the sync, retried with the back-off; this controller records no event for it
  if (p && p.purpose !== "event") writeAnswered(ctx, p, res, fx);
}

export type MirroringControllerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);
