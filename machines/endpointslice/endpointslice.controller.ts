// The EndpointSlice controller's steps (pkg/controller/endpointslice): informer handlers that queue
// Service keys, and syncService, which reconciles the Service's slices (reconcileSlices) and
// finalizes the changes one write at a time — creates, then updates, then deletes — stopping at
// the first error, as the reconciler's finalize does.

import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { Map as IMap } from "immutable";
import type { Fx } from "../common/effects.js";
import { newClient, objectKey, recordEvent, startInformer, storeSelect, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import { finishKey as finishSliceKey, isSyncFinished, sendNextWrite, writeAnswered, type SliceSync, type SliceWrite } from "../common/slicewrites.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import { computeTriggerTime, LAST_CHANGE_TRIGGER_TIME_ANNOTATION, podDeltaServiceKeys, selectedPods, SERVICE_NAME_LABEL, type TriggerStates } from "../common/endpointutil.js";
import { rfc3339Nano } from "../common/time.js";
import { mutant } from "../common/mutation.js";
import { handleResponse, storeGet } from "../common/informer.js";
import * as W from "../common/workqueue.js";
import { CONTROLLER_NAME, MANAGED_BY_LABEL, reconcileSlices, reconcileSlicesWithMemo, type SliceChanges, type SliceMemo } from "./endpointslice.logic.js";
import { isNodeReady, newTopologyCache, overloadedServices, setNodes, ZONE_LABEL, type HintEvent, type TopologyCache } from "./topologycache.js";

/** The controller gives a key up after this many requeues (maxRetries). */
export const MAX_RETRIES = 15;

/** Informer watch ids. */
export const SERVICES = 1;
export const PODS = 2;
export const SLICES = 3;
export const NODES = 4;

/** The event source of the controller's events. */
export const ENDPOINTSLICE_CONTROLLER_SOURCE = { component: "endpoint-slice-controller" };

export { isSyncFinished, type SliceSync, type SliceWrite };

export interface EndpointSliceControllerContext {
  client: ClientState;
  queue: W.WorkQueue;
  sync?: SliceSync;
  triggerTimes: TriggerStates;
  /** key -> what the Service's last sync computed, for the next to look again only at the pods that changed */
  memos: IMap<string, SliceMemo>;
  /** the topology cache: the zones' CPU ratios and the hints given per Service */
  topology: TopologyCache;
  /** a node change the topology cache has not read yet (its topology queue's item) */
  topologyStale: boolean;
  /** the topology hints' events of the key in flight, recorded once its writes are done */
  hintEvents: readonly HintEvent[];
}

export interface EndpointSliceControllerInput {
  token: string;
}

/** A fresh controller. */
export function initialEndpointSliceController(input: EndpointSliceControllerInput): EndpointSliceControllerContext {
  return { client: newClient(input.token), queue: W.newWorkQueue(), triggerTimes: IMap(), memos: IMap(), topology: newTopologyCache(), topologyStale: false, hintEvents: [] };
}

/** Starts the Service, Pod, EndpointSlice and Node informers. */
export function startInformers(ctx: EndpointSliceControllerContext, fx: Fx): void {
  startInformer(ctx.client, fx, SERVICES, { group: "", resource: "services", indexed: ["selector"] });
  startInformer(ctx.client, fx, PODS, { group: "", resource: "pods", indexed: ["labels"] });
  startInformer(ctx.client, fx, SLICES, { group: "discovery.k8s.io", resource: "endpointslices", indexed: ["labels"] });
  startInformer(ctx.client, fx, NODES, { group: "", resource: "nodes" });
}

/** The Service key a slice this controller manages belongs to, or undefined for anyone else's slice. */
export function sliceServiceKey(slice: EndpointSlice): string | undefined {
  const labels = slice.metadata?.labels ?? {};
  if (labels[MANAGED_BY_LABEL] !== CONTROLLER_NAME || !labels[SERVICE_NAME_LABEL]) return undefined;
  return `${slice.metadata?.namespace ?? "default"}/${labels[SERVICE_NAME_LABEL]}`;
}

/** Informer handlers: Services queue themselves, pods the Services whose endpoints they may change (podDeltaServiceKeys), managed slices their Service. */
export function onDelta(ctx: EndpointSliceControllerContext, watchId: number, d: InformerDelta): void {
  if (watchId === SERVICES) return W.add(ctx.queue, objectKey(d.object));
  if (watchId === SLICES) {
    const key = sliceServiceKey(d.object);
    if (key) W.add(ctx.queue, key);
    return;
  }
  if (watchId === NODES) return onNodeDelta(ctx, d);
  if (watchId !== PODS) return;
  for (const k of podDeltaServiceKeys(ctx.client, SERVICES, d)) W.add(ctx.queue, k);
}

// updateNode: only readiness and the zone label move the topology cache (a node's allocatable CPU
// changing alone does not, as in Kubernetes).
function nodeTopologyChanged(d: InformerDelta): boolean {
  if (d.type !== "MODIFIED" || d.old === undefined) return true;
  const zone = (n: any) => n.metadata?.labels?.[ZONE_LABEL];
  return isNodeReady(d.old) !== isNodeReady(d.object) || zone(d.old) !== zone(d.object);
}

/**
 * A node change queues checkNodeTopologyDistribution. It runs at once when some Service holds
 * hints (their overload must be judged); otherwise the cache reads the nodes before the next
 * sync that needs them, as a list of many nodes would otherwise reread them all per node.
 */
function onNodeDelta(ctx: EndpointSliceControllerContext, d: InformerDelta): void {
  if (!nodeTopologyChanged(d)) return;
  ctx.topologyStale = true;
  if (ctx.topology.hintsByService.size > 0) checkNodeTopologyDistribution(ctx);
}

/** checkNodeTopologyDistribution: SetNodes from the node store, then the overloaded Services are queued. */
function checkNodeTopologyDistribution(ctx: EndpointSliceControllerContext): void {
  ctx.topology = setNodes(ctx.topology, [...(ctx.client.informers.get(NODES)?.store.values() ?? [])]);
  ctx.topologyStale = false;
  for (const key of overloadedServices(ctx.topology)) W.add(ctx.queue, key);
}

/** finalize: a slice to delete and a slice to create become one update of the old slice's name. */
export function finalizePlan(changes: SliceChanges, triggerTime: number | undefined): SliceWrite[] {
  const create = [...changes.create];
  const update = [...changes.update];
  const del = [...changes.delete];
  for (let i = 0; i < create.length && del.length > 0; ) {
    const old = del[0]!;
    if (create[i]!.addressType !== old.addressType) {
      i++;
      continue;
    }
    const { generateName: _g, ...meta } = create[i]!.metadata ?? {};
    update.push({ ...create[i]!, metadata: { ...meta, name: old.metadata?.name, resourceVersion: old.metadata?.resourceVersion } });
    create.splice(i, 1);
    del.shift();
  }
  const stamp = (s: EndpointSlice) => withTriggerTime(s, triggerTime);
  return [
    ...create.map((s) => ({ action: "create" as const, slice: stamp(s) })),
    ...update.map((s) => ({ action: "update" as const, slice: stamp(s) })),
    ...del.map((s) => ({ action: "delete" as const, slice: s })),
  ];
}

/** addTriggerTimeAnnotation: set the last-change-trigger-time, or clear it when nothing triggered. */
export function withTriggerTime(slice: EndpointSlice, triggerTime: number | undefined): EndpointSlice {
  const annotations: Record<string, string> = { ...(slice.metadata?.annotations ?? {}) };
  if (triggerTime !== undefined) annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION] = rfc3339Nano(triggerTime);
  else delete annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION];
  const metadata = { ...slice.metadata };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  return { ...slice, metadata };
}

/** Queue.Get and syncService for the oldest waiting key; its first write goes out at once. */
export function syncNextKey(ctx: EndpointSliceControllerContext, fx: Fx): void {
  const key = W.get(ctx.queue);
  if (key === undefined) return;
  ctx.sync = { key, plan: planFor(ctx, key), awaiting: false, failed: false };
  sendNextWrite(ctx, fx);
}

/** The writes that bring one Service's slices in line (none for a deleted Service: the garbage collector owns those). */
export function planFor(ctx: EndpointSliceControllerContext, key: string): SliceWrite[] {
  const [ns] = W.splitKey(key);
  const service: Service | undefined = storeGet(ctx.client, SERVICES, key);
  if (!service) {
    ctx.triggerTimes = ctx.triggerTimes.delete(key);
    ctx.memos = ctx.memos.delete(key);
    return [];
  }
  if (service.spec?.type === "ExternalName" || !service.spec?.selector) {
    ctx.memos = ctx.memos.delete(key);
    return [];
  }
  // The pods the Service's selector picks, as the controller lists them; the reconciler trusts the list.
  const pods = mutant("endpointslice.ignores-selector")
    ? [...(ctx.client.informers.get(PODS)?.store.values() ?? [])].filter((p) => (p.metadata?.namespace ?? "default") === ns)
    : selectedPods(ctx.client, PODS, ns, service);
  // Only slices labelled with this Service's name can be its own (ownedSlices): ask the label index.
  const sliceInf = ctx.client.informers.get(SLICES);
  const slices = (sliceInf ? storeSelect(sliceInf, ns, { [SERVICE_NAME_LABEL]: service.metadata?.name ?? "" }) : []) as EndpointSlice[];
  const nodeStore = ctx.client.informers.get(NODES)?.store;
  const nodeNamed = (name: string) => nodeStore?.get(name);
  const computed = computeTriggerTime(ctx.triggerTimes, key, service, pods);
  ctx.triggerTimes = computed.states;
  const trigger = computed.time;
  if (ctx.topologyStale) checkNodeTopologyDistribution(ctx);
  const topology = ctx.topology;
  let changes: SliceChanges;
  if (nodeStore === undefined) changes = reconcileSlices(service, pods, slices, { nodeNamed, topology });
  else {
    const r = reconcileSlicesWithMemo(ctx.memos.get(key), service, pods, slices, { nodeNamed, nodeStore, topology });
    ctx.memos = r.memo === undefined ? ctx.memos.delete(key) : ctx.memos.set(key, r.memo);
    changes = r.changes;
  }
  ctx.topology = changes.topology ?? ctx.topology;
  ctx.hintEvents = changes.events ?? [];
  const plan = finalizePlan(changes, trigger);
  // Don't create new slices for a Service being deleted: it would race the garbage collector.
  return service.metadata?.deletionTimestamp ? plan.filter((w) => w.action !== "create") : plan;
}

/** The reconciler records the hints' events once finalize is over (failed or not), then handleErr and Done. */
export function finishKey(ctx: EndpointSliceControllerContext, now: number, fx: Fx): void {
  const key = ctx.sync?.key;
  const service = key === undefined ? undefined : storeGet(ctx.client, SERVICES, key);
  if (service) for (const e of ctx.hintEvents) recordEvent(ctx.client, fx, { kind: "Service", apiVersion: "v1", ...service }, e.type, e.reason, e.message, ENDPOINTSLICE_CONTROLLER_SOURCE, now);
  ctx.hintEvents = [];
  finishSliceKey(ctx, now, fx, MAX_RETRIES);
}

/** The reconciler's error for a failed write, worded as finalize words it. */
export function writeError(w: SliceWrite, key: string, message: string): string {
  const [ns, name] = W.splitKey(key);
  if (w.action === "create") return `failed to create EndpointSlice for Service ${ns}/${name}: ${message}`;
  return `failed to ${w.action} ${w.slice.metadata?.name ?? ""} EndpointSlice for Service ${ns}/${name}: ${message}`;
}

/** The answer to one write: the next goes out; a failure records FailedToUpdateEndpointSlices on the Service and fails the sync. */
export function onWriteAnswered(ctx: EndpointSliceControllerContext, p: PendingRequest, res: ApiResponse, now: number, fx: Fx): void {
  const failed = writeAnswered(ctx, p, res, fx);
  if (!failed) return;
  const service = storeGet(ctx.client, SERVICES, failed.key);
  if (!service) return;
  const [ns, name] = W.splitKey(failed.key);
  const err = writeError(failed.write, failed.key, failed.message);
  recordEvent(ctx.client, fx, { kind: "Service", apiVersion: "v1", ...service }, "Warning", "FailedToUpdateEndpointSlices", `Error updating Endpoint Slices for Service ${ns}/${name}: ${err}`, ENDPOINTSLICE_CONTROLLER_SOURCE, now);
}

/** An API response: informer lists fill the caches (a failed list is retried in the background); answers to our writes advance the sync. */
export function onResponse(ctx: EndpointSliceControllerContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = handleResponse(ctx.client, fx, res, (id, d) => onDelta(ctx, id, d), true);
  if (p && p.purpose !== "event") onWriteAnswered(ctx, p, res, res.now, fx);
}

export type EndpointSliceControllerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);
