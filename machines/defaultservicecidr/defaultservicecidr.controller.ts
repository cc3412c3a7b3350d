// kube-apiserver's kubernetes-service-cidr-controller (pkg/controlplane/controller/defaultservicecidr):
// its own informer on the default ServiceCIDR alone (a metadata.name field selector) and a sync every
// 10 s that creates the ServiceCIDR when it is gone and applies its Ready condition
// (defaultservicecidr.logic.ts). Its first sync is the API server's start-up (runtime/cluster.ts
// bootstrap); this is the loop after it. No work queue. The context is a value.

import type { Fx } from "../common/effects.js";
import { newClient, recordEvent, request, startInformer, type ClientState, type PendingRequest } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as I from "../common/informer.js";
import * as L from "./defaultservicecidr.logic.js";
import { defaultServiceCIDRName } from "../common/servicecidr.js";
import { rfc3339 } from "../common/time.js";

const SERVICE_CIDRS = 1;
const group = "networking.k8s.io";
const resource = "servicecidrs";

export interface DefaultServiceCIDRContext {
  self: string;
  client: ClientState;
  /** --service-cluster-ip-range (and a secondary range): the default ServiceCIDR's cidrs */
  cidrs: string[];
  reported: L.Reported;
  /** a create or status apply is on its way: the next sync waits for its answer */
  writing: boolean;
}

export interface DefaultServiceCIDRInput {
  token: string;
  cidrs: string[];
  address?: string;
}

export type DefaultServiceCIDREvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp)
  | ({ type: "SyncTick" } & Stamp);

/** A fresh controller. */
export function initialDefaultServiceCIDR(input: DefaultServiceCIDRInput): DefaultServiceCIDRContext {
  return { self: input.address ?? L.controllerName, client: newClient(input.token), cidrs: [...input.cidrs], reported: { mismatchedCIDRs: false, notReadyCondition: false }, writing: false };
}

/** NewFilteredServiceCIDRInformer: the default ServiceCIDR only. */
export function startInformers(ctx: DefaultServiceCIDRContext, fx: Fx): void {
  startInformer(ctx.client, fx, SERVICE_CIDRS, { group, resource, fieldSelector: `metadata.name=${defaultServiceCIDRName}` });
}

/** sync, then the next one an interval later (a watchdog timer: it does not hold settle up). */
export function syncAndSchedule(ctx: DefaultServiceCIDRContext, now: number, fx: Fx): void {
  if (!ctx.writing) sync(ctx, now, fx);
  fx.after(ctx.self, L.syncIntervalMs, { type: "SyncTick" }, true);
}

function sync(ctx: DefaultServiceCIDRContext, now: number, fx: Fx): void {
  const sc = ctx.client.informers.get(SERVICE_CIDRS)!.store.get(defaultServiceCIDRName);
  if (sc !== undefined) return syncStatus(ctx, sc, now, fx);
  ctx.writing = true;
  const body = { apiVersion: "networking.k8s.io/v1", kind: "ServiceCIDR", metadata: { name: defaultServiceCIDRName }, spec: { cidrs: ctx.cidrs } };
  request(ctx.client, fx, { verb: "create", group, resource, body, fieldManager: "kube-apiserver" }, "create-default");
}

function syncStatus(ctx: DefaultServiceCIDRContext, sc: any, now: number, fx: Fx): void {
  const a = L.statusAction(sc, ctx.cidrs, ctx.reported);
  const involved = { kind: "ServiceCIDR", apiVersion: "networking.k8s.io/v1", ...sc };
  if (a.type === "reportInconsistent") {
    recordEvent(ctx.client, fx, involved, "Warning", "KubernetesDefaultServiceCIDRInconsistent", a.message, { component: L.controllerName }, now);
    ctx.reported = { ...ctx.reported, mismatchedCIDRs: true };
  } else if (a.type === "reportNotReady") {
    recordEvent(ctx.client, fx, involved, "Warning", a.reason, a.message, { component: L.controllerName }, now);
    ctx.reported = { ...ctx.reported, notReadyCondition: true };
  } else if (a.type === "applyReady") {
    ctx.writing = true;
    const body = L.readyApply(defaultServiceCIDRName, rfc3339(now));
    request(ctx.client, fx, { verb: "patch", group, resource, name: defaultServiceCIDRName, subresource: "status", patchType: "apply", force: true, fieldManager: L.controllerName, body }, "apply-ready", { involved });
  }
}

/** Handles a watch event: the cache only (the sync is periodic). */
export function onWatch(ctx: DefaultServiceCIDRContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, () => undefined);
}

/** Handles an API response: the list, the create and the status apply. */
export function onResponse(ctx: DefaultServiceCIDRContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, () => undefined);
  if (p) onOwnResponse(ctx, p, res, fx);
}

function onOwnResponse(ctx: DefaultServiceCIDRContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  if (p.purpose !== "create-default" && p.purpose !== "apply-ready") return;
  ctx.writing = false;
  if (p.purpose === "apply-ready") {
    if (!res.ok) recordEvent(ctx.client, fx, p.data.involved, "Warning", "KubernetesDefaultServiceCIDRError", "The default ServiceCIDR Status can not be set to Ready=True", { component: L.controllerName }, res.now);
    return;
  }
  if (res.ok) return syncStatus(ctx, res.object, res.now, fx);
  // another writer created it meanwhile: the next sync finds it
  if (res.status.reason === "AlreadyExists") return;
  const involved = { kind: "ServiceCIDR", apiVersion: "networking.k8s.io/v1", metadata: { name: defaultServiceCIDRName } };
  recordEvent(ctx.client, fx, involved, "Warning", "KubernetesDefaultServiceCIDRError", "The default ServiceCIDR can not be created", { component: L.controllerName }, res.now);
}
