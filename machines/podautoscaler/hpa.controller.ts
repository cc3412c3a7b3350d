// The HorizontalPodAutoscaler controller's steps (pkg/controller/podautoscaler/horizontal.go): an
// informer on HPAs queues each one; a reconcile reads the target's scale subresource, lists the
// pods its selector picks and their PodMetrics (metrics.k8s.io), decides (hpa.logic.ts), updates
// the scale when the replica count changes, and writes the status; each HPA's chart
// (hpa.lifecycle.machine.ts) brings it back every sync period. The context is a value.

import type { Pod } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import { newClient, recordEvent, request, startInformer, type ClientState, type PendingRequest } from "../common/client.js";
import { keep, lifecycleOf, scheduleLifecycleTimers, stepKept, type KeptLifecycle } from "../common/lifecycle.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import { resourceForKind } from "../apiserver/resources.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import * as L from "./hpa.logic.js";
import { hpaLifecycleMachine, type HPALifecycleEvent } from "./hpa.lifecycle.machine.js";

type Obj = any;

export const controllerName = "horizontal-pod-autoscaler";
const HPAS = 1;
const source = { component: "horizontal-pod-autoscaler" };

/** A reconcile in flight: what it has read so far. */
export interface Reconcile {
  hpa: Obj;
  target: { group: string; resource: string };
  scale?: Obj;
  pods?: Pod[];
  metrics?: Obj;
  decision?: L.Decision;
  conditions?: Obj[];
  rescaled?: boolean;
}

export interface HPAControllerContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
  /** hpa key -> its chart, kept as a value */
  lifecycles: Map<string, KeptLifecycle<typeof hpaLifecycleMachine>>;
  reconciles: Map<string, Reconcile>;
  /** recommendations and scale events per HPA (the controller's own memory, lost on restart as in Kubernetes) */
  memory: Map<string, L.HPAMemory>;
}

export interface HPAControllerInput {
  token: string;
  address?: string;
}

export type HPAControllerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp)
  | ({ type: "HPATimer"; key: string; event: { type: string } } & Stamp);

const lifecycle = lifecycleOf(hpaLifecycleMachine);

/** A fresh controller. */
export function initialHPAController(input: HPAControllerInput): HPAControllerContext {
  return { self: input.address ?? controllerName, client: newClient(input.token), q: W.newWorkQueue(), lifecycles: new Map(), reconciles: new Map(), memory: new Map() };
}

/** An informer on HorizontalPodAutoscalers in every namespace. */
export function startInformers(ctx: HPAControllerContext, fx: Fx): void {
  startInformer(ctx.client, fx, HPAS, { group: "autoscaling", resource: "horizontalpodautoscalers" });
}

const keyOf = (o: Obj) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

function observe(ctx: HPAControllerContext, key: string, event: HPALifecycleEvent, fx: Fx): void {
  const kept = ctx.lifecycles.get(key) ?? keep(lifecycle.start(undefined).snapshot);
  const s = stepKept(lifecycle, kept, event);
  ctx.lifecycles.set(key, keep(s.snapshot));
  // the resync is steady state: it never keeps settle() busy
  scheduleLifecycleTimers(fx, `hpa/${key}`, s, (e) => ({ type: "HPATimer", key, event: e }), true);
}

/** The sync period ended: the HPA is reconciled again. */
export function onHPATimer(ctx: HPAControllerContext, key: string, event: { type: string }, fx: Fx): void {
  const kept = ctx.lifecycles.get(key);
  if (kept) ctx.lifecycles.set(key, keep(stepKept(lifecycle, kept, event as never).snapshot));
  C.requeueAndKick(ctx, key, fx);
}

/** Informer deltas: an added or updated HPA is queued; a deleted one forgotten. */
function onDelta(ctx: HPAControllerContext, d: { type: string; object: Obj }, fx: Fx): void {
  const key = keyOf(d.object);
  if (d.type === "DELETED") {
    const kept = ctx.lifecycles.get(key);
    if (kept) scheduleLifecycleTimers(fx, `hpa/${key}`, stepKept(lifecycle, kept, { type: "Deleted" }), (e) => ({ type: "HPATimer", key, event: e }), true);
    ctx.lifecycles.delete(key);
    ctx.memory.delete(key);
    return;
  }
  // enqueueHPA: the key is added after a sync period; while it waits (or is being reconciled) an add is dropped
  if (ctx.lifecycles.has(key)) return;
  const s = lifecycle.start(undefined);
  ctx.lifecycles.set(key, keep(s.snapshot));
  scheduleLifecycleTimers(fx, `hpa/${key}`, s, (e) => ({ type: "HPATimer", key, event: e }), true);
}

/** processNextWorkItem: reconcile the next HPA. */
export function processNext(ctx: HPAControllerContext, now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) startReconcile(ctx, key, now, fx);
  C.kickWhenSynced(ctx, fx);
}

function startReconcile(ctx: HPAControllerContext, key: string, now: number, fx: Fx): void {
  const hpa: Obj = ctx.client.informers.get(HPAS)!.store.get(key);
  if (!hpa || ctx.reconciles.has(key)) return W.doneIfIdle(ctx.q, key);
  const ref = hpa.spec?.scaleTargetRef ?? {};
  const group = typeof ref.apiVersion === "string" && ref.apiVersion.includes("/") ? ref.apiVersion.split("/")[0] : "";
  const r = resourceForKind(ref.kind ?? "");
  if (!r || r.group !== group || !r.subresources.includes("scale")) {
    const err = `no matches for kind "${ref.kind ?? ""}" in group "${group}"`;
    W.doneIfIdle(ctx.q, key);
    return failGetScale(ctx, key, hpa, { group, resource: "" }, err, fx, now);
  }
  ctx.reconciles.set(key, { hpa, target: { group: r.group, resource: r.resource } });
  W.track(ctx.q, key);
  request(ctx.client, fx, { verb: "get", group: r.group, resource: r.resource, namespace: hpa.metadata.namespace, name: ref.name, subresource: "scale" }, "get-scale", { key });
  W.doneIfIdle(ctx.q, key);
}

function failGetScale(ctx: HPAControllerContext, key: string, hpa: Obj, target: Reconcile["target"], err: string, fx: Fx, now: number): void {
  const message = `the HPA controller was unable to get the target's current scale: ${err}`;
  recordEvent(ctx.client, fx, hpa, "Warning", "FailedGetScale", err, source, now);
  const conditions = L.mergeConditions(hpa.status?.conditions, [{ type: "AbleToScale", status: "False", reason: "FailedGetScale", message }], now);
  ctx.reconciles.set(key, { hpa, target, conditions });
  writeStatus(ctx, key, { ...(hpa.status ?? {}), conditions }, fx);
}

function writeStatus(ctx: HPAControllerContext, key: string, status: Obj, fx: Fx): void {
  const rec = ctx.reconciles.get(key)!;
  W.track(ctx.q, key);
  request(ctx.client, fx, {
    verb: "update", group: "autoscaling", resource: "horizontalpodautoscalers", namespace: rec.hpa.metadata.namespace, name: rec.hpa.metadata.name, subresource: "status",
    body: { ...rec.hpa, status },
  }, "update-status", { key });
}

/** Handles a watch event. */
export function onWatch(ctx: HPAControllerContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (_w, d) => onDelta(ctx, d, fx));
  C.kickWhenSynced(ctx, fx);
}

/** Handles an API response: the HPA list, and each step of a reconcile. */
export function onResponse(ctx: HPAControllerContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (_w, d) => onDelta(ctx, d, fx));
  if (p) onOwnResponse(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

function onOwnResponse(ctx: HPAControllerContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return;
  W.untrack(ctx.q, key);
  const rec = ctx.reconciles.get(key);
  if (!rec) return;
  const now = res.now;
  switch (p.purpose) {
    case "get-scale": {
      if (!res.ok) return failGetScale(ctx, key, rec.hpa, rec.target, res.status.message ?? "", fx, now);
      rec.scale = res.object;
      const current = res.object?.spec?.replicas ?? 0;
      const min = rec.hpa.spec?.minReplicas ?? 1;
      const needsMetrics = !(current === 0 && min !== 0) && current <= (rec.hpa.spec?.maxReplicas ?? 0) && current >= min;
      if (!needsMetrics) return decideAndAct(ctx, key, rec, now, fx);
      const selector: string = res.object?.status?.selector ?? "";
      const ns = rec.hpa.metadata.namespace;
      W.track(ctx.q, key);
      request(ctx.client, fx, { verb: "list", group: "", resource: "pods", namespace: ns, labelSelector: selector }, "list-pods", { key });
      W.track(ctx.q, key);
      request(ctx.client, fx, { verb: "list", group: "metrics.k8s.io", resource: "pods", namespace: ns, labelSelector: selector }, "list-metrics", { key });
      return;
    }
    case "list-pods":
    case "list-metrics": {
      const value = res.ok ? res.object : { items: [] };
      if (p.purpose === "list-pods") rec.pods = value.items ?? [];
      else rec.metrics = value;
      if (rec.pods !== undefined && rec.metrics !== undefined) decideAndAct(ctx, key, rec, now, fx);
      return;
    }
    case "update-scale": {
      const d = rec.decision!;
      if (!res.ok) {
        const message = `the HPA controller was unable to update the target scale: ${res.status.message ?? ""}`;
        recordEvent(ctx.client, fx, rec.hpa, "Warning", "FailedRescale", `New size: ${d.desiredReplicas}; reason: ${d.rescaleReason}; error: ${res.status.message ?? ""}`, source, now);
        const conditions = L.mergeConditions(rec.hpa.status?.conditions, [{ type: "AbleToScale", status: "False", reason: "FailedUpdateScale", message }], now);
        rec.conditions = conditions;
        return writeStatus(ctx, key, { ...(rec.hpa.status ?? {}), conditions }, fx);
      }
      ctx.memory.set(key, L.rememberRescale(ctx.memory.get(key) ?? L.emptyMemory, rec.hpa.spec?.behavior, d.currentReplicas, d.desiredReplicas, now));
      recordEvent(ctx.client, fx, rec.hpa, "Normal", "SuccessfulRescale", `New size: ${d.desiredReplicas}; reason: ${d.rescaleReason}`, source, now);
      const conditions = L.mergeConditions(rec.conditions, [{ type: "AbleToScale", status: "True", reason: "SucceededRescale", message: `the HPA controller was able to update the target scale to ${d.desiredReplicas}` }], now);
      return writeStatus(ctx, key, L.nextStatus(rec.hpa, d, conditions, true, now), fx);
    }
    case "update-status": {
      // a conflict or any failure is left to the next sync period, as the HPA queue's fixed interval does
      ctx.reconciles.delete(key);
      observe(ctx, key, { type: "Reconciled" }, fx);
      return;
    }
  }
}

function decideAndAct(ctx: HPAControllerContext, key: string, rec: Reconcile, now: number, fx: Fx): void {
  const d = L.decide(rec.hpa, rec.scale, rec.pods, rec.metrics, ctx.memory.get(key) ?? L.emptyMemory, now);
  ctx.memory.set(key, d.memory);
  rec.decision = d;
  for (const e of d.events) recordEvent(ctx.client, fx, rec.hpa, e.type, e.reason, e.message, source, now);
  rec.conditions = L.mergeConditions(rec.hpa.status?.conditions, d.conditions, now);
  if (!d.rescale) return writeStatus(ctx, key, L.nextStatus(rec.hpa, d, rec.conditions, false, now), fx);
  W.track(ctx.q, key);
  request(ctx.client, fx, {
    verb: "update", group: rec.target.group, resource: rec.target.resource, namespace: rec.hpa.metadata.namespace, name: rec.scale.metadata?.name, subresource: "scale",
    body: { ...rec.scale, spec: { ...(rec.scale.spec ?? {}), replicas: d.desiredReplicas } },
  }, "update-scale", { key });
}
