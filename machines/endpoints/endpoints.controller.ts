// The endpoints controller's steps (pkg/controller/endpoint): informer handlers that queue Service
// keys, and syncService, which writes the difference between the Endpoints the pods call for
// (endpointsFor) and the Endpoints in the cache. Functions over the machine's context.

import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import { newClient, recordEvent, request, startInformer, storeSelect, storeSelecting, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import { parseTime } from "../common/time.js";
import type { ApiResponse } from "../messages.js";
import {
  ENDPOINTS_CONTROLLER_NAME,
  ENDPOINTS_MANAGED_BY_LABEL,
  LAST_CHANGE_TRIGGER_TIME_ANNOTATION,
  OVER_CAPACITY_ANNOTATION,
  endpointsEqual,
  endpointsFor,
  matchesServiceSelector,
} from "./endpoints.logic.js";
import {
  addKey, doneKey, forgetKey, newWorkQueue, objectKey, requeueRateLimited, splitKey, storeGet, storeInNamespace, takeKey,
  type WorkQueue,
} from "./controller.js";

/** Informer watch ids. */
export const SERVICES = 1;
export const PODS = 2;
export const ENDPOINTS = 3;

/** The event source of the controller's events. */
export const ENDPOINT_CONTROLLER_SOURCE = { component: "endpoint-controller" };

/** The last trigger times seen for one Service (endpointsliceutil.TriggerTimeTracker's ServiceState). */
export interface TriggerState {
  podTimes: Map<string, number>;
  serviceTime: number;
}

/** The key being synced: writes still unanswered, and whether the sync failed. */
export interface SyncInFlight {
  key: string;
  writes: number;
  failed: boolean;
}

export interface EndpointsControllerContext {
  client: ClientState;
  queue: WorkQueue;
  sync?: SyncInFlight;
  triggerTimes: Map<string, TriggerState>;
  /** key -> a resourceVersion already replaced by our own update (staleEndpointsTracker) */
  stale: Map<string, string>;
}

export interface EndpointsControllerInput {
  token: string;
}

/** A fresh controller: three informers listing. */
export function initialEndpointsController(input: EndpointsControllerInput): EndpointsControllerContext {
  return { client: newClient(input.token), queue: newWorkQueue(), triggerTimes: new Map(), stale: new Map() };
}

/** Starts the Service, Pod and Endpoints informers. */
export function startInformers(ctx: EndpointsControllerContext, fx: Fx): void {
  startInformer(ctx.client, fx, SERVICES, { group: "", resource: "services" });
  startInformer(ctx.client, fx, PODS, { group: "", resource: "pods" });
  startInformer(ctx.client, fx, ENDPOINTS, { group: "", resource: "endpoints" });
}

/** The Services in the pod's namespace whose selector matches these labels (GetPodServiceMemberships). */
export function podServiceKeys(client: ClientState, pod: Pod, labels: Record<string, string> | undefined): string[] {
  const ns = pod.metadata?.namespace ?? "default";
  const inf = client.informers.get(SERVICES);
  if (!inf) return [];
  // Indexed by selector pair: only Services sharing a label pair with the pod are tested.
  return storeSelecting(inf, ns, labels)
    .filter((s: Service) => matchesServiceSelector(s.spec?.selector, labels))
    .map(objectKey);
}

/** The pods in ns the Service's selector matches, in store order, found through the label index. */
export function selectedPods(client: ClientState, ns: string, service: Service): Pod[] {
  const inf = client.informers.get(PODS);
  const sel = service.spec?.selector;
  if (!inf || !sel || Object.keys(sel).length === 0) return [];
  return storeSelect(inf, ns, sel);
}

/** Informer handlers: Service changes queue the Service; pod changes queue the Services the pod was or is in; a deleted Endpoints queues its Service. */
export function onDelta(ctx: EndpointsControllerContext, watchId: number, d: InformerDelta): void {
  if (watchId === SERVICES) return addKey(ctx.queue, objectKey(d.object));
  if (watchId === ENDPOINTS) {
    if (d.type === "DELETED") addKey(ctx.queue, objectKey(d.object));
    return;
  }
  if (watchId !== PODS) return;
  if (d.old && d.old.metadata?.resourceVersion === d.object.metadata?.resourceVersion) return;
  const keys = new Set(podServiceKeys(ctx.client, d.object, d.object.metadata?.labels));
  if (d.old) for (const k of podServiceKeys(ctx.client, d.old, d.old.metadata?.labels)) keys.add(k);
  for (const k of keys) addKey(ctx.queue, k);
}

/** checkLeftoverEndpoints: once running, every Endpoints' key is queued so orphans are found. */
export function queueLeftoverEndpoints(ctx: EndpointsControllerContext): void {
  for (const key of ctx.client.informers.get(ENDPOINTS)?.store.keys() ?? []) addKey(ctx.queue, key);
}

/** The Ready condition's last transition time (getPodTriggerTime), or NaN. */
function podTriggerTime(pod: Pod): number {
  for (const c of pod.status?.conditions ?? []) if (c.type === "Ready") return parseTime(c.lastTransitionTime);
  return NaN;
}

/**
 * TriggerTimeTracker.ComputeEndpointLastChangeTriggerTime: a new Service's creation time, else the
 * earliest pod or Service trigger time that moved since the last sync; undefined when none moved.
 * The Service's state is updated in place to hold exactly these pods' times.
 */
export function computeTriggerTime(states: Map<string, TriggerState>, key: string, service: Service, pods: Pod[]): number | undefined {
  const prev = states.get(key);
  const state: TriggerState = prev ?? { podTimes: new Map(), serviceTime: 0 };
  const podTimes = state.podTimes;
  let min: number | undefined;
  let timed = 0;
  for (const pod of pods) {
    const name = pod.metadata?.name ?? "";
    const t = podTriggerTime(pod);
    if (Number.isNaN(t)) {
      podTimes.delete(name);
      continue;
    }
    timed++;
    const last = podTimes.get(name);
    if (last === undefined || t > last) min = min === undefined ? t : Math.min(min, t);
    podTimes.set(name, t);
  }
  // Pods that left the Service (or lost their time) leave the state too.
  if (podTimes.size > timed) {
    const current = new Set(pods.map((p) => p.metadata?.name ?? ""));
    for (const name of podTimes.keys()) if (!current.has(name)) podTimes.delete(name);
  }
  const serviceTime = parseTime(service.metadata?.creationTimestamp);
  if (!Number.isNaN(serviceTime) && (prev === undefined || serviceTime > prev.serviceTime)) min = min === undefined ? serviceTime : Math.min(min, serviceTime);
  state.serviceTime = Number.isNaN(serviceTime) ? 0 : serviceTime;
  if (!prev) {
    states.set(key, state);
    return Number.isNaN(serviceTime) ? undefined : serviceTime;
  }
  return min;
}

/** Queue.Get and syncService for the oldest waiting key; its writes are answered later. */
export function syncNextKey(ctx: EndpointsControllerContext, now: number, fx: Fx): void {
  const key = takeKey(ctx.queue);
  if (key === undefined) return;
  ctx.sync = { key, writes: 0, failed: false };
  if (!syncService(ctx, key, now, fx)) ctx.sync.failed = true;
}

/** True when the key in flight has all its writes answered. */
export function isSyncFinished(ctx: EndpointsControllerContext): boolean {
  return ctx.sync !== undefined && ctx.sync.writes === 0;
}

/** handleErr then Done: forget a key that succeeded, retry one that failed after its back-off. */
export function finishKey(ctx: EndpointsControllerContext, fx: Fx): void {
  const s = ctx.sync;
  if (!s) return;
  ctx.sync = undefined;
  if (s.failed) requeueRateLimited(ctx.queue, fx, s.key);
  else forgetKey(ctx.queue, s.key);
  doneKey(ctx.queue, s.key);
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
export function syncService(ctx: EndpointsControllerContext, key: string, now: number, fx: Fx): boolean {
  const [ns, name] = splitKey(key);
  const service: Service | undefined = storeGet(ctx.client, SERVICES, key);
  const current: Endpoints | undefined = storeGet(ctx.client, ENDPOINTS, key);
  if (!service) {
    // The Service is gone: its Endpoints go too, but never one the controller did not make.
    ctx.triggerTimes.delete(key);
    ctx.stale.delete(key);
    if (current && current.metadata?.labels?.[ENDPOINTS_MANAGED_BY_LABEL] === ENDPOINTS_CONTROLLER_NAME) {
      write(ctx, fx, { verb: "delete", group: "", resource: "endpoints", namespace: ns, name }, { key, action: "delete", endpoints: current });
    }
    return true;
  }
  if (service.spec?.type === "ExternalName") return true;
  const pods = selectedPods(ctx.client, ns, service);
  const trigger = computeTriggerTime(ctx.triggerTimes, key, service, pods);
  const desired = endpointsFor(service, pods, trigger === undefined ? {} : { lastChangeTriggerTime: trigger });
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
    if (data.action === "update" && res.object?.metadata?.resourceVersion !== data.replaces && data.replaces) ctx.stale.set(data.key, data.replaces);
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
  const [ns, name] = splitKey(data.key);
  const involved = { ...data.endpoints, kind: "Endpoints", apiVersion: "v1", metadata: { ...data.endpoints.metadata, namespace: ns, name } };
  if (data.action === "create") {
    recordEvent(ctx.client, fx, involved, "Warning", "FailedToCreateEndpoint", `Failed to create endpoint for service ${ns}/${name}: ${message}`, ENDPOINT_CONTROLLER_SOURCE, now);
  } else {
    recordEvent(ctx.client, fx, involved, "Warning", "FailedToUpdateEndpoint", `Failed to update endpoint ${ns}/${name}: ${message}`, ENDPOINT_CONTROLLER_SOURCE, now);
  }
}
