// kube-apiserver's ipallocator-repair-controller (RepairIPAddress, MultiCIDRServiceAllocator):
// informers on Services, ServiceCIDRs and IPAddresses; one queue holding both of its queues' keys
// ("service/<ns>/<name>", "ipaddress/<name>"). It starts once the default ServiceCIDR exists; a
// Service's sync recreates a missing or wrong IPAddress and reports what it cannot fix, an
// IPAddress's sync deletes one the allocator wrote that lost its Service. The context is a value:
// these steps run on a draft.

import type { Fx } from "../common/effects.js";
import { newClient, recordEvent, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import * as L from "./ipallocatorrepair.logic.js";
import { defaultServiceCIDRName, ipAddressFor } from "../common/servicecidr.js";

const SERVICES = 1;
const SERVICE_CIDRS = 2;
const IP_ADDRESSES = 3;
/** maxRetries: a failing key is dropped from its queue after 15 requeues. */
const maxRetries = 15;
/** How long a Service waits for an IPAddress written with it that the IPAddress informer has not seen yet. */
const ipInformerLagMs = 1_000;
const group = "networking.k8s.io";
const SERVICE = "service/";
const IPADDRESS = "ipaddress/";

export interface RepairContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
  /** RunUntil waited for the default ServiceCIDR once */
  started: boolean;
  /** Service keys whose missing IPAddress was given one wait for the IPAddress informer */
  waited: Record<string, true>;
}

export interface RepairInput {
  token: string;
  address?: string;
}

export type RepairEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp)
  | ({ type: "Resync" } & Stamp);

/** A fresh controller. */
export function initialRepair(input: RepairInput): RepairContext {
  return { self: input.address ?? L.controllerName, client: newClient(input.token), q: W.newWorkQueue(), started: false, waited: {} };
}

/** Informers on Services, ServiceCIDRs and IPAddresses. */
export function startInformers(ctx: RepairContext, fx: Fx): void {
  startInformer(ctx.client, fx, SERVICES, { group: "", resource: "services" });
  startInformer(ctx.client, fx, SERVICE_CIDRS, { group, resource: "servicecidrs" });
  startInformer(ctx.client, fx, IP_ADDRESSES, { group, resource: "ipaddresses" });
}

const store = (ctx: RepairContext, id: number) => ctx.client.informers.get(id)!.store;

function viewOf(ctx: RepairContext): L.RepairView {
  const services = store(ctx, SERVICES);
  const ips = store(ctx, IP_ADDRESSES);
  return {
    ipAddress: (name) => ips.get(name),
    service: (ns, name) => services.get(`${ns}/${name}`),
    serviceCIDRs: [...store(ctx, SERVICE_CIDRS).values()],
  };
}

/** The handlers: a Service's change queues the Service, an IPAddress's the IPAddress (ServiceCIDRs only fill the cache). */
export function onDelta(ctx: RepairContext, watchId: number, d: InformerDelta): void {
  if (watchId === SERVICES) W.add(ctx.q, `${SERVICE}${d.object.metadata.namespace}/${d.object.metadata.name}`);
  else if (watchId === IP_ADDRESSES) W.add(ctx.q, `${IPADDRESS}${d.object.metadata.name}`);
}

/**
 * The Service and IPAddress handlers' resync (AddEventHandlerWithResyncPeriod, the repair interval):
 * every cached Service and IPAddress is queued again, then the next resync is due. A watchdog timer:
 * it does not hold settle up.
 */
export function resync(ctx: RepairContext, fx: Fx): void {
  for (const svc of store(ctx, SERVICES).values()) W.add(ctx.q, `${SERVICE}${svc.metadata.namespace}/${svc.metadata.name}`);
  for (const ip of store(ctx, IP_ADDRESSES).values()) W.add(ctx.q, `${IPADDRESS}${ip.metadata.name}`);
  fx.after(`${ctx.self}/resync`, L.repairIntervalMs, { type: "Resync" }, true);
  C.kickWhenSynced(ctx, fx);
}

/** The first resync is one interval after the caches synced. */
export function scheduleResync(ctx: RepairContext, fx: Fx): void {
  fx.after(`${ctx.self}/resync`, L.repairIntervalMs, { type: "Resync" }, true);
}

/** ProcessNext: once the default ServiceCIDR exists, sync the next key. */
export function processNext(ctx: RepairContext, now: number, fx: Fx): void {
  if (!ctx.started && !store(ctx, SERVICE_CIDRS).has(defaultServiceCIDRName)) {
    // RunUntil polls for it; a ServiceCIDR watch event kicks the queue again
    ctx.q.kicked = false;
    return;
  }
  ctx.started = true;
  const key = C.takeNext(ctx);
  if (key !== undefined) {
    if (key.startsWith(SERVICE)) syncService(ctx, key, now, fx);
    else syncIPAddress(ctx, key, now, fx);
  }
  C.kickWhenSynced(ctx, fx);
}

type Write = [string, Parameters<typeof request>[2]];

function syncService(ctx: RepairContext, key: string, now: number, fx: Fx): void {
  const svc = store(ctx, SERVICES).get(key.slice(SERVICE.length));
  if (svc === undefined) return W.doneIfIdle(ctx.q, key);
  const found = L.repairService(svc, viewOf(ctx));
  // podflow writes a Service and its IPAddress at one revision, seen on two watches: an IPAddress
  // informer behind the Service has not seen it yet (kube-apiserver creates the IPAddress first)
  const lagging = Number(ctx.client.informers.get(IP_ADDRESSES)!.resourceVersion) < Number(svc.metadata.resourceVersion);
  if (found.some((f) => f.write === "create") && lagging && !ctx.waited[key]) {
    ctx.waited[key] = true;
    W.addAfter(fx, key, ipInformerLagMs, false);
    return W.doneIfIdle(ctx.q, key);
  }
  delete ctx.waited[key];
  const involved = { kind: "Service", apiVersion: "v1", ...svc };
  const writes: Write[] = [];
  for (const f of found) {
    if (f.event) recordEvent(ctx.client, fx, involved, "Warning", f.event.reason, f.event.message, { component: L.controllerName }, now);
    if (f.write === "recreate") writes.push(["delete-ipaddress", { verb: "delete", group, resource: "ipaddresses", name: f.ip }]);
    if (f.write) writes.push(["create-ipaddress", { verb: "create", group, resource: "ipaddresses", body: ipAddressFor(f.ip, svc), fieldManager: "kube-apiserver" }]);
  }
  startWrites(ctx, fx, key, writes);
}

function syncIPAddress(ctx: RepairContext, key: string, now: number, fx: Fx): void {
  const name = key.slice(IPADDRESS.length);
  const ip = store(ctx, IP_ADDRESSES).get(name);
  if (ip === undefined) return W.doneIfIdle(ctx.q, key);
  const r = L.repairIPAddress(ip, viewOf(ctx), now);
  if (r.event) recordEvent(ctx.client, fx, { kind: "IPAddress", apiVersion: "networking.k8s.io/v1", ...ip }, "Warning", r.event.reason, r.event.message, { component: L.controllerName }, now);
  // the orphan's grace period is a wait in the background: it does not hold settle up
  if (r.requeueAfterMs !== undefined) W.addAfter(fx, key, r.requeueAfterMs, true);
  startWrites(ctx, fx, key, r.delete ? [["delete-ipaddress", { verb: "delete", group, resource: "ipaddresses", name }]] : []);
}

/** The writes are made one after the other, the next once the previous one succeeded. */
function startWrites(ctx: RepairContext, fx: Fx, key: string, writes: Write[]): void {
  if (writes.length === 0) return W.doneIfIdle(ctx.q, key);
  W.track(ctx.q, key);
  const [purpose, req] = writes[0]!;
  request(ctx.client, fx, req, purpose, { key, rest: writes.slice(1) });
  W.doneIfIdle(ctx.q, key);
}

/** Handles a watch event. */
export function onWatch(ctx: RepairContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d));
  C.kickWhenSynced(ctx, fx);
}

/** Handles an API response: the lists, the IPAddress creates and deletes (and the events). */
export function onResponse(ctx: RepairContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d));
  if (p) onOwnResponse(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

function onOwnResponse(ctx: RepairContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return;
  const rest: Write[] = p.data.rest ?? [];
  // a delete of an IPAddress already gone is no error (IsNotFound)
  const failed = !res.ok && !(res.status.code === 404 && p.purpose === "delete-ipaddress");
  if (!failed && rest.length > 0) {
    const [purpose, req] = rest[0]!;
    request(ctx.client, fx, req, purpose, { key, rest: rest.slice(1) });
    return;
  }
  C.retryOrForget(ctx.q, fx, key, failed, res.now, maxRetries);
  W.untrack(ctx.q, key);
}
