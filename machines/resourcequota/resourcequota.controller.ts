// The ResourceQuota controller's steps (pkg/controller/resourcequota): informers on ResourceQuotas
// and Pods; a quota whose spec changed, or any pod of its namespace that changed, queues the
// quota; syncResourceQuota writes status.hard (the spec's) and status.used (the pod evaluator's
// usage, admission/resourcequota.ts) when they differ from the stored status. The context is a
// value: these steps run on a draft.

import type { Fx } from "../common/effects.js";
import { newClient, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import { canonicalQuantity } from "../common/quantity.js";
import { deepEqual } from "../common/equal.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import { podCountsForQuota, quotaUsed } from "../common/quota.js";

export const controllerName = "resourcequota-controller";
const QUOTAS = 1;
const PODS = 2;

export interface QuotaControllerContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
}

export interface QuotaControllerInput {
  token: string;
  address?: string;
}

export type QuotaControllerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

export function initialQuotaController(input: QuotaControllerInput): QuotaControllerContext {
  return { self: input.address ?? controllerName, client: newClient(input.token), q: W.newWorkQueue() };
}

/** Informers on ResourceQuotas and Pods in every namespace. */
export function startInformers(ctx: QuotaControllerContext, fx: Fx): void {
  startInformer(ctx.client, fx, QUOTAS, { group: "", resource: "resourcequotas" });
  startInformer(ctx.client, fx, PODS, { group: "", resource: "pods" });
}

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

/**
 * addQuota/updateQuota: a quota is queued when added or its spec.hard changed (status updates are
 * this controller's own and admission's charges). A pod queues its namespace's quotas only when it
 * stops counting, deleted or finished (replenishment): admission already charged its creation.
 */
export function onDelta(ctx: QuotaControllerContext, watchId: number, d: InformerDelta, now: number): void {
  if (watchId === QUOTAS) {
    if (d.type === "ADDED" || (d.type === "MODIFIED" && !deepEqual(d.old?.spec?.hard, d.object.spec?.hard))) W.add(ctx.q, keyOf(d.object));
    return;
  }
  const released = d.type === "DELETED" || (d.type === "MODIFIED" && d.old !== undefined && podCountsForQuota(d.old, now) && !podCountsForQuota(d.object, now));
  if (!released) return;
  const ns = d.object.metadata?.namespace;
  for (const quota of ctx.client.informers.get(QUOTAS)!.store.values()) if (quota.metadata?.namespace === ns) W.add(ctx.q, keyOf(quota));
}

/** The status a quota should have now: hard from its spec, used over its namespace's pods. */
export function desiredStatus(quota: any, pods: Iterable<any>, now: number): { hard: Record<string, string>; used: Record<string, string> } {
  const hard: Record<string, string> = {};
  for (const [k, v] of Object.entries<string | number>(quota.spec?.hard ?? {})) hard[k] = canonicalQuantity(v);
  return { hard, used: quotaUsed(quota, pods, now) };
}

/** syncResourceQuota for the next key: the status is written only when it changed. */
export function processNext(ctx: QuotaControllerContext, now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) syncQuota(ctx, key, now, fx);
  C.kickWhenSynced(ctx, fx);
}

function syncQuota(ctx: QuotaControllerContext, key: string, now: number, fx: Fx): void {
  const quota = ctx.client.informers.get(QUOTAS)!.store.get(key);
  if (!quota) return W.doneIfIdle(ctx.q, key);
  const status = desiredStatus(quota, ctx.client.informers.get(PODS)!.store.values(), now);
  if (deepEqual(status, { hard: quota.status?.hard ?? {}, used: quota.status?.used ?? {} })) return W.doneIfIdle(ctx.q, key);
  W.track(ctx.q, key);
  request(ctx.client, fx, {
    verb: "update", group: "", resource: "resourcequotas", subresource: "status", namespace: quota.metadata.namespace, name: quota.metadata.name,
    body: { ...quota, status },
  }, "update-status", { key });
  W.doneIfIdle(ctx.q, key);
}

export function onWatch(ctx: QuotaControllerContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d, ev.now));
  C.kickWhenSynced(ctx, fx);
}

export function onResponse(ctx: QuotaControllerContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d, res.now));
  if (p) onOwnResponse(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

/** A conflict (admission charged the quota meanwhile) or another failure syncs the quota again. */
function onOwnResponse(ctx: QuotaControllerContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return;
  if (!res.ok && res.status.code !== 404) W.addRateLimited(ctx.q, fx, key, res.now);
  W.untrack(ctx.q, key);
}
