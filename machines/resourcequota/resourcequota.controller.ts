// The ResourceQuota controller's steps (pkg/controller/resourcequota): informers on ResourceQuotas
// and Pods, and a monitor (an informer) for each other resource a quota counts, started when a
// quota first names it (the QuotaMonitor's resources, here from the quotas rather than all of
// discovery); a quota whose spec changed, or an object of its namespace that stopped counting
// (replenishment), queues the quota; syncResourceQuota writes status.hard (the spec's) and
// status.used (the evaluators' usage, common/quota.ts) when they differ from the stored status,
// once every monitor has listed. The context is a value: these steps run on a draft.

import type { Fx } from "../common/effects.js";
import { newClient, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import { canonicalQuantity } from "../common/quantity.js";
import { deepEqual } from "../common/equal.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import { objectUsage, podCountsForQuota, quotaUsed, resourcesOf, type GroupResource } from "../common/quota.js";
import { resourceFor } from "../apiserver/resources.js";
import { mutant } from "../common/mutation.js";

export const controllerName = "resourcequota-controller";
const QUOTAS = 1;
const PODS = 2;

export interface QuotaControllerContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
  /** the monitor informers of counted resources other than pods, by "group/resource" */
  monitors: Map<string, number>;
}

export interface QuotaControllerInput {
  token: string;
  address?: string;
}

export type QuotaControllerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp)
  | ({ type: "ResyncAll" } & Stamp);

/** --resource-quota-sync-period: how often every quota is recalculated in full (kube-controller-manager's default). */
export const FULL_RESYNC_MS = 5 * 60_000;

export function initialQuotaController(input: QuotaControllerInput): QuotaControllerContext {
  return { self: input.address ?? controllerName, client: newClient(input.token), q: W.newWorkQueue(), monitors: new Map() };
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
  const released = watchId === PODS
    ? (d.type === "DELETED" && !mutant("quota.no-replenish-on-pod-delete")) || (d.type === "MODIFIED" && d.old !== undefined && podCountsForQuota(d.old, now) && !podCountsForQuota(d.object, now))
    : d.type === "DELETED" || (d.type === "MODIFIED" && d.old !== undefined && usageChanged(watchId, d.old, d.object, now));
  if (!released) return;
  const ns = d.object.metadata?.namespace;
  for (const quota of ctx.client.informers.get(QUOTAS)!.store.values()) if (quota.metadata?.namespace === ns) W.add(ctx.q, keyOf(quota));
}

// A Service whose type or ports changed, or a claim whose size changed, may free quota.
function usageChanged(watchId: number, old: any, cur: any, now: number): boolean {
  const r = watchId === PODS ? { group: "", resource: "pods" } : undefined;
  if (r === undefined && old.kind !== "Service" && old.kind !== "PersistentVolumeClaim") return false;
  const gr = r ?? { group: "", resource: old.kind === "Service" ? "services" : "persistentvolumeclaims" };
  return !deepEqual(Object.fromEntries(objectUsage(gr, old, now)), Object.fromEntries(objectUsage(gr, cur, now)));
}

const resourceKey = (r: GroupResource) => `${r.group}/${r.resource}`;

/**
 * The QuotaMonitor: an informer for each resource a quota counts besides pods, that the API server
 * serves namespaced (events are never quota's); started once, kept while the controller runs.
 */
export function ensureMonitors(ctx: QuotaControllerContext, fx: Fx): void {
  for (const quota of ctx.client.informers.get(QUOTAS)!.store.values()) {
    for (const r of resourcesOf(Object.keys(quota.spec?.hard ?? {}))) {
      const key = resourceKey(r);
      if ((r.group === "" && (r.resource === "pods" || r.resource === "events")) || ctx.monitors.has(key)) continue;
      // a built-in served namespaced, or a resource of a group with a dot, which only a CRD can serve
      // (its list fails and is retried until the CRD is established, as discovery would find it later)
      const builtIn = resourceFor(r.group, r.resource);
      if (builtIn ? !builtIn.namespaced : !r.group.includes(".")) continue;
      const id = PODS + 1 + ctx.monitors.size;
      ctx.monitors.set(key, id);
      startInformer(ctx.client, fx, id, { group: r.group, resource: r.resource });
    }
  }
}

/** The status a quota should have now: hard from its spec, used over the objects of its namespace that the informers hold. */
export function desiredStatus(quota: any, objects: (r: GroupResource) => Iterable<any> | undefined, now: number): { hard: Record<string, string>; used: Record<string, string> } {
  const hard: Record<string, string> = {};
  // quota.Add(ResourceList{}, spec.hard) deep-copies each Quantity, its canonical string included ("1e1" stays 1e1)
  for (const [k, v] of Object.entries<string | number>(quota.spec?.hard ?? {})) hard[k] = typeof v === "string" ? v : canonicalQuantity(v);
  return { hard, used: quotaUsed(quota, objects, now) };
}

/** The cached objects of a counted resource: pods, or a monitor's store; undefined without a monitor. */
function cached(ctx: QuotaControllerContext, r: GroupResource): Iterable<any> | undefined {
  if (r.group === "" && r.resource === "pods") return ctx.client.informers.get(PODS)!.store.values();
  if (r.group === "" && r.resource === "resourcequotas") return ctx.client.informers.get(QUOTAS)!.store.values();
  const id = ctx.monitors.get(resourceKey(r));
  return id === undefined ? undefined : ctx.client.informers.get(id)?.store.values();
}

/** syncResourceQuota for the next key: the status is written only when it changed. */
export function processNext(ctx: QuotaControllerContext, now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) syncQuota(ctx, key, now, fx);
  C.kickWhenSynced(ctx, fx);
}

// A sync that ends without error forgets the key's failures (the worker's queue.Forget), so the next
// retry or full resync of it waits the rate limiter's first step again.
function syncQuota(ctx: QuotaControllerContext, key: string, now: number, fx: Fx): void {
  const quota = ctx.client.informers.get(QUOTAS)!.store.get(key);
  if (!quota) {
    W.forget(ctx.q, key);
    return W.doneIfIdle(ctx.q, key);
  }
  const status = desiredStatus(quota, (r) => cached(ctx, r), now);
  if (deepEqual(status, { hard: quota.status?.hard ?? {}, used: quota.status?.used ?? {} })) {
    W.forget(ctx.q, key);
    return W.doneIfIdle(ctx.q, key);
  }
  W.track(ctx.q, key);
  request(ctx.client, fx, {
    verb: "update", group: "", resource: "resourcequotas", subresource: "status", namespace: quota.metadata.namespace, name: quota.metadata.name,
    body: { ...quota, status },
  }, "update-status", { key });
  W.doneIfIdle(ctx.q, key);
}

export function onWatch(ctx: QuotaControllerContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d, ev.now));
  if (ev.watchId === QUOTAS) ensureMonitors(ctx, fx);
  C.kickWhenSynced(ctx, fx);
}

export function onResponse(ctx: QuotaControllerContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d, res.now));
  if (p) onOwnResponse(ctx, p, res, fx);
  ensureMonitors(ctx, fx);
  C.kickWhenSynced(ctx, fx);
}

/** A conflict (admission charged the quota meanwhile) or another failure syncs the quota again. */
function onOwnResponse(ctx: QuotaControllerContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return;
  if (!res.ok && res.status.code !== 404) W.addRateLimited(ctx.q, fx, key, res.now);
  else W.forget(ctx.q, key);
  W.untrack(ctx.q, key);
}

/**
 * wait.Until(enqueueAll, resyncPeriod): every quota is queued (rate-limited) for a full
 * recalculation now and every FULL_RESYNC_MS after, which corrects a usage a sync computed from
 * caches that had not yet seen an object admission had charged (adds queue no quota). A watchdog
 * timer: it does not hold settle up.
 */
export function enqueueAll(ctx: QuotaControllerContext, now: number, fx: Fx): void {
  for (const quota of ctx.client.informers.get(QUOTAS)!.store.values()) W.addRateLimited(ctx.q, fx, keyOf(quota), now);
  fx.after("resourcequota-full-resync", FULL_RESYNC_MS, { type: "ResyncAll" }, true);
}
