// PodGC's steps (pkg/controller/podgc/gc_controller.go): informers on pods and nodes; every
// gcCheckPeriod (20 s) one gc pass: terminated pods above --terminated-pod-gc-threshold, terminating
// pods on out-of-service nodes, pods bound to nodes that no longer exist (a node missing from the
// informer is quarantined 40 s, then asked of the API server; a 404 means it is gone) and
// terminating pods never scheduled. A pod that had not finished is first marked Failed (with a
// DisruptionTarget condition when orphaned), then deleted with grace period 0.
// The context is a value: these steps run on a draft (draftStepOf).

import type { Node, Pod } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import { newClient, request, startInformer, type ClientState, type PendingRequest, type Store } from "../common/client.js";
import { rfc3339 } from "../common/time.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as I from "../common/informer.js";
import * as L from "./podgc.logic.js";

export const controllerName = "pod-garbage-collector";
const PODS = 1;
const NODES = 2;
const orphanedCondition = { reason: "DeletionByPodGC", message: "PodGC: node no longer exists" };

export interface PodGCContext {
  self: string;
  client: ClientState;
  terminatedPodThreshold: number;
  /** nodeQueue: node name -> when its quarantine ends */
  quarantine: Map<string, number>;
  /** pods whose force deletion is under way (namespace/name), so a later pass does not repeat it */
  deleting: Set<string>;
}

export interface PodGCInput {
  token: string;
  address?: string;
  /** --terminated-pod-gc-threshold (12500 by default; 0 turns the terminated-pod pass off) */
  terminatedPodThreshold?: number;
}

export type PodGCEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp)
  | ({ type: "GCTick" } & Stamp);

/** A fresh PodGC. */
export function initialPodGC(input: PodGCInput): PodGCContext {
  return { self: input.address ?? controllerName, client: newClient(input.token), terminatedPodThreshold: input.terminatedPodThreshold ?? L.DEFAULT_TERMINATED_POD_THRESHOLD, quarantine: new Map(), deleting: new Set() };
}

/** Informers on pods and nodes. */
export function startInformers(ctx: PodGCContext, fx: Fx): void {
  startInformer(ctx.client, fx, PODS, { group: "", resource: "pods" });
  startInformer(ctx.client, fx, NODES, { group: "", resource: "nodes" });
}

const store = <T>(ctx: PodGCContext, id: number): Store<T> => ctx.client.informers.get(id)!.store;
const keyOf = (p: Pod) => `${p.metadata?.namespace ?? ""}/${p.metadata?.name ?? ""}`;

/** wait.Until(gc, gcCheckPeriod): one pass now and the next one 20 s later (a watchdog timer: it does not hold settle up). */
export function gcAndSchedule(ctx: PodGCContext, now: number, fx: Fx): void {
  gc(ctx, now, fx);
  fx.after("podgc", L.GC_CHECK_PERIOD_MS, { type: "GCTick" }, true);
}

function gc(ctx: PodGCContext, now: number, fx: Fx): void {
  const pods = [...store<Pod>(ctx, PODS).values()];
  const nodes = new Map<string, Node>();
  for (const n of store<Node>(ctx, NODES).values()) nodes.set(n.metadata?.name ?? "", n);
  const known = (name: string) => nodes.has(name);
  for (const p of L.terminatedToDelete(pods, ctx.terminatedPodThreshold)) forceDelete(ctx, p, undefined, now, fx);
  for (const p of L.terminatingOnOutOfServiceNodes(pods, nodes)) forceDelete(ctx, p, undefined, now, fx);
  // gcOrphaned: quarantine the unknown nodes, then ask the API server about those whose time is up.
  ctx.quarantine = L.quarantine(ctx.quarantine, pods, known, now);
  for (const name of L.dueNodes(ctx.quarantine, known, now)) {
    ctx.quarantine.delete(name);
    request(ctx.client, fx, { verb: "get", group: "", resource: "nodes", name }, "check-node", { node: name });
  }
  for (const [name, at] of ctx.quarantine) if (at <= now && known(name)) ctx.quarantine.delete(name);
  for (const p of L.unscheduledTerminating(pods)) forceDelete(ctx, p, undefined, now, fx);
}

/** markFailedAndDeletePodWithCondition: Failed first (unless finished), then deleted with grace period 0. */
function forceDelete(ctx: PodGCContext, pod: Pod, condition: { reason: string; message: string } | undefined, now: number, fx: Fx): void {
  const key = keyOf(pod);
  if (ctx.deleting.has(key)) return;
  ctx.deleting.add(key);
  const patch = L.failedStatusPatch(pod, condition, rfc3339(now));
  const target = { namespace: pod.metadata?.namespace, name: pod.metadata?.name };
  if (patch) request(ctx.client, fx, { verb: "patch", group: "", resource: "pods", subresource: "status", ...target, patchType: "strategic", body: patch }, "mark-failed", { key, uid: pod.metadata?.uid });
  else deletePod(ctx, key, pod.metadata?.uid, fx);
}

function deletePod(ctx: PodGCContext, key: string, uid: string | undefined, fx: Fx): void {
  const [namespace, name] = [key.slice(0, key.indexOf("/")), key.slice(key.indexOf("/") + 1)];
  request(ctx.client, fx, { verb: "delete", group: "", resource: "pods", namespace, name, gracePeriodSeconds: 0, ...(uid ? { body: { preconditions: { uid } } } : {}) }, "delete-pod", { key });
}

/** The periodic pass. */
export function onTick(ctx: PodGCContext, now: number, fx: Fx): void {
  gcAndSchedule(ctx, now, fx);
}

/** Handles a watch event: the caches only. */
export function onWatch(ctx: PodGCContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, () => undefined);
}

/** Handles an API response: lists, node checks, status patches and deletions. */
export function onResponse(ctx: PodGCContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, () => undefined);
  if (p) onOwnResponse(ctx, p, res, fx);
}

function onOwnResponse(ctx: PodGCContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  switch (p.purpose) {
    case "check-node":
      // checkIfNodeExists: only NotFound means the node is gone; its pods are orphans.
      if (!res.ok && res.code === 404) {
        for (const pod of store<Pod>(ctx, PODS).values()) if (pod.spec?.nodeName === p.data.node) forceDelete(ctx, pod, orphanedCondition, res.now, fx);
      }
      return;
    case "mark-failed":
      if (res.ok) deletePod(ctx, p.data.key, p.data.uid, fx);
      else ctx.deleting.delete(p.data.key);
      return;
    case "delete-pod":
      ctx.deleting.delete(p.data.key);
      return;
  }
}
