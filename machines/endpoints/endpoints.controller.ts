// The endpoints controller's steps (pkg/controller/endpoint): informer handlers that queue Service
// keys, and syncService, which writes the difference between the Endpoints the pods call for
// (endpointsFor) and the Endpoints in the cache. Functions over the machine's context.

import type { Endpoints, Service } from "kubernetes-types/core/v1";
import { Map as IMap } from "immutable";
import type { Fx } from "../common/effects.js";
import { newClient, objectKey, recordEvent, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import { computeTriggerTime, LAST_CHANGE_TRIGGER_TIME_ANNOTATION, podDeltaServiceKeys, selectedPods, type TriggerState, type TriggerStates } from "../common/endpointutil.js";
import { retryOrForget } from "../common/controller.js";
import { handleResponse, storeGet } from "../common/informer.js";
import * as W from "../common/workqueue.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import {
  OVER_CAPACITY_ANNOTATION,
  endpointsEqual,
  endpointsWithMemo,
  type EndpointsMemo,
} from "./endpoints.logic.js";

export type { TriggerState };
/** The controller gives a key up after this many requeues (maxRetries). */
export const MAX_RETRIES = 15;

/** Informer watch ids. */
export const SERVICES = 1;
export const PODS = 2;
export const ENDPOINTS = 3;

/** The event source of the controller's events. */
export const ENDPOINT_CONTROLLER_SOURCE = { component: "endpoint-controller" };

/** The key being synced: writes still unanswered, and whether the sync failed. */
export interface SyncInFlight {
  key: string;
  writes: number;
  failed: boolean;
}

export interface EndpointsControllerContext {
  client: ClientState;
  queue: W.WorkQueue;
  sync?: SyncInFlight;
  triggerTimes: TriggerStates;
  /** key -> a resourceVersion already replaced by our own update (staleEndpointsTracker) */
  stale: IMap<string, string>;
  /** key -> what the Service's last sync computed, for the next to apply only the pods that changed */
  memos: IMap<string, EndpointsMemo>;
}

export interface EndpointsControllerInput {
  token: string;
}

/** A fresh controller: three informers listing. */
export function initialEndpointsController(input: EndpointsControllerInput): EndpointsControllerContext {
  return { client: newClient(input.token), queue: W.newWorkQueue(), triggerTimes: IMap(), stale: IMap(), memos: IMap() };
}

/** Starts the Service, Pod and Endpoints informers. */
export function startInformers(ctx: EndpointsControllerContext, fx: Fx): void {
  startInformer(ctx.client, fx, SERVICES, { group: "", resource: "services", indexed: ["selector"] });
  startInformer(ctx.client, fx, PODS, { group: "", resource: "pods", indexed: ["labels"] });
  startInformer(ctx.client, fx, ENDPOINTS, { group: "", resource: "endpoints" });
}

/** Informer handlers: Service changes queue the Service; pod changes queue the Services whose endpoints they may change (podDeltaServiceKeys); a deleted Endpoints queues its Service. */
export function onDelta(ctx: EndpointsControllerContext, watchId: number, d: InformerDelta): void {
  if (watchId === SERVICES) return W.add(ctx.queue, objectKey(d.object));
  if (watchId === ENDPOINTS) {
    if (d.type === "DELETED") W.add(ctx.queue, objectKey(d.object));
    return;
  }
  if (watchId !== PODS) return;
  for (const k of podDeltaServiceKeys(ctx.client, SERVICES, d)) W.add(ctx.queue, k);
}

/** checkLeftoverEndpoints: once running, every Endpoints' key is queued so orphans are found. */
export function queueLeftoverEndpoints(ctx: EndpointsControllerContext): void {
  for (const key of ctx.client.informers.get(ENDPOINTS)?.store.keys() ?? []) W.add(ctx.queue, key);
}

/** Queue.Get and syncService for the oldest waiting key; its writes are answered later. */
export function syncNextKey(ctx: EndpointsControllerContext, now: number, fx: Fx): void {
  const key = W.get(ctx.queue);
  if (key === undefined) return;
  ctx.sync = { key, writes: 0, failed: false };
  if (!syncService(ctx, key, now, fx)) ctx.sync.failed = true;
}

/** True when the key in flight has all its writes answered. */
export function isSyncFinished(ctx: EndpointsControllerContext): boolean {
  return ctx.sync !== undefined && ctx.sync.writes === 0;
}

/** handleErr then Done: forget a key that succeeded, retry one that failed after its back-off. */
export function finishKey(ctx: EndpointsControllerContext, now: number, fx: Fx): void {
  const s = ctx.sync;
  if (!s) return;
  ctx.sync = undefined;
  retryOrForget(ctx.queue, fx, s.key, s.failed, now, MAX_RETRIES);
  W.done(ctx.queue, s.key);
}

function write(ctx: EndpointsControllerContext, fx: Fx, req: Parameters<typeof request>[2], data: WriteData): void {
  ctx.sync!.writes++;
  request(ctx.client, fx, req, "write", data);
}

interface WriteData {
  key: string;
  action: "create" | "update" | "delete";
  endpoints: Endpoints;
  /** the cached resourceVersion an update replaces */
  replaces?: string;
}

/** syncService: returns false when the sync failed before writing (it is retried). */
export function syncService(ctx: EndpointsControllerContext, key: string, _now: number, fx: Fx): boolean {
  const [ns, name] = W.splitKey(key);
  const service: Service | undefined = storeGet(ctx.client, SERVICES, key);
  const current: Endpoints | undefined = storeGet(ctx.client, ENDPOINTS, key);
  if (!service) {
    // The Service is gone: its Endpoints go too, deleted without asking the cache (syncService
    // does so), since our own create may be answered before its watch event reaches the cache.
    ctx.triggerTimes = ctx.triggerTimes.delete(key);
    ctx.stale = ctx.stale.delete(key);
    ctx.memos = ctx.memos.delete(key);
    write(ctx, fx, { verb: "delete", group: "", resource: "endpoints", namespace: ns, name }, { key, action: "delete", endpoints: current ?? { metadata: { namespace: ns, name } } });
    return true;
  }
  if (service.spec?.type === "ExternalName") {
    ctx.memos = ctx.memos.delete(key);
    return true;
  }
  const pods = selectedPods(ctx.client, PODS, ns, service);
  const computed = computeTriggerTime(ctx.triggerTimes, key, service, pods);
  ctx.triggerTimes = computed.states;
  const trigger = computed.time;
  const { endpoints: desired, memo } = endpointsWithMemo(ctx.memos.get(key), service, pods, trigger === undefined ? {} : { lastChangeTriggerTime: trigger });
  ctx.memos = memo === undefined ? ctx.memos.delete(key) : ctx.memos.set(key, memo);
  if (!desired) return true;
  // A cache that still shows what our own update replaced would only earn a 409: wait for the watch.
  if (current && ctx.stale.get(key) === current.metadata?.resourceVersion) return false;
  if (current && endpointsEqual(current, desired)) return true;
  if (!current) {
    write(ctx, fx, { verb: "create", group: "", resource: "endpoints", namespace: ns, body: desired }, { key, action: "create", endpoints: desired });
    return true;
  }
  const next = updatedEndpoints(current, desired);
  write(ctx, fx, { verb: "update", group: "", resource: "endpoints", namespace: ns, name, body: next }, { key, action: "update", endpoints: next, replaces: current.metadata?.resourceVersion });
  return true;
}

/** The cached Endpoints with the desired subsets, labels and the two controller annotations (others kept). */
export function updatedEndpoints(current: Endpoints, desired: Endpoints): Endpoints {
  const annotations: Record<string, string> = { ...(current.metadata?.annotations ?? {}) };
  delete annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION];
  delete annotations[OVER_CAPACITY_ANNOTATION];
  Object.assign(annotations, desired.metadata?.annotations ?? {});
  const metadata = { ...current.metadata, labels: desired.metadata?.labels };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  const next: Endpoints = { ...current, metadata };
  if (desired.subsets) next.subsets = desired.subsets;
  else delete next.subsets;
  return next;
}

/** The answer to one of our writes: a failure records the Kubernetes event and fails the sync (409 included). */
export function onWriteAnswered(ctx: EndpointsControllerContext, p: PendingRequest, res: ApiResponse, now: number, fx: Fx): void {
  const data = p.data as WriteData;
  const s = ctx.sync;
  if (!s || s.key !== data.key) return;
  s.writes--;
  if (res.ok) {
    if (data.action === "update" && res.object?.metadata?.resourceVersion !== data.replaces && data.replaces) ctx.stale = ctx.stale.set(data.key, data.replaces);
    return;
  }
  if (data.action === "delete") {
    if (res.code !== 404) s.failed = true;
    return;
  }
  const message = res.status.message ?? "";
  // Creates in a terminating namespace keep failing: the key is dropped, as the controller does.
  if (data.action === "create" && res.status.details?.causes?.some((c) => c.reason === "NamespaceTerminating")) return;
  s.failed = true;
  const [ns, name] = W.splitKey(data.key);
  const involved = { ...data.endpoints, kind: "Endpoints", apiVersion: "v1", metadata: { ...data.endpoints.metadata, namespace: ns, name } };
  if (data.action === "create") {
    recordEvent(ctx.client, fx, involved, "Warning", "FailedToCreateEndpoint", `Failed to create endpoint for service ${ns}/${name}: ${message}`, ENDPOINT_CONTROLLER_SOURCE, now);
  } else {
    recordEvent(ctx.client, fx, involved, "Warning", "FailedToUpdateEndpoint", `Failed to update endpoint ${ns}/${name}: ${message}`, ENDPOINT_CONTROLLER_SOURCE, now);
  }
}

/** An API response: informer lists fill the caches (a failed list is retried in the background); answers to our writes advance the sync. */
export function onResponse(ctx: EndpointsControllerContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = handleResponse(ctx.client, fx, res, (id, d) => onDelta(ctx, id, d), true);
  if (p && p.purpose !== "event") onWriteAnswered(ctx, p, res, res.now, fx);
}

export type EndpointsControllerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);
