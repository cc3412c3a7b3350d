// kube-controller-manager's servicecidrs controller (pkg/controller/servicecidrs): informers on
// ServiceCIDRs and IPAddresses, a queue of ServiceCIDR names. A sync puts the protection finalizer
// on a ServiceCIDR and applies Ready=True; on one being deleted it applies Ready=False (reason
// Terminating) while an allocated IPAddress would be orphaned, else waits out the deletion grace
// period and takes its finalizer off. The context is a value: these steps run on a draft.

import type { Fx } from "../common/effects.js";
import { newClient, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import * as L from "./servicecidrs.logic.js";
import { serviceCIDRFinalizer } from "../common/servicecidr.js";
import { rfc3339 } from "../common/time.js";

export const controllerName = "service-cidr-controller";
const SERVICE_CIDRS = 1;
const IP_ADDRESSES = 2;
/** maxRetries: a failing ServiceCIDR is dropped from the queue after 15 requeues. */
const maxRetries = 15;
const group = "networking.k8s.io";
const resource = "servicecidrs";

export interface ServiceCIDRsContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
}

export interface ServiceCIDRsInput {
  token: string;
  address?: string;
}

export type ServiceCIDRsEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

/** A fresh controller. */
export function initialServiceCIDRs(input: ServiceCIDRsInput): ServiceCIDRsContext {
  return { self: input.address ?? controllerName, client: newClient(input.token), q: W.newWorkQueue() };
}

/** Informers on ServiceCIDRs and IPAddresses. */
export function startInformers(ctx: ServiceCIDRsContext, fx: Fx): void {
  startInformer(ctx.client, fx, SERVICE_CIDRS, { group, resource });
  startInformer(ctx.client, fx, IP_ADDRESSES, { group, resource: "ipaddresses" });
}

const serviceCIDRs = (ctx: ServiceCIDRsContext): any[] => [...ctx.client.informers.get(SERVICE_CIDRS)!.store.values()];

/**
 * The event handlers: a ServiceCIDR's own changes queue it (an added one its overlapping ones too,
 * whose deletion it may unblock); an allocated IPAddress's arrival or removal queues the
 * ServiceCIDRs that hold it.
 */
export function onDelta(ctx: ServiceCIDRsContext, watchId: number, d: InformerDelta): void {
  const all = serviceCIDRs(ctx);
  if (watchId === IP_ADDRESSES) {
    if (d.type !== "MODIFIED") for (const name of L.containing(d.object, all)) W.add(ctx.q, name);
    return;
  }
  W.add(ctx.q, d.object.metadata.name);
  if (d.type === "ADDED") for (const name of L.overlapping(d.object, all)) W.add(ctx.q, name);
}

/** ProcessNext: sync the next ServiceCIDR. */
export function processNext(ctx: ServiceCIDRsContext, now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) sync(ctx, key, now, fx);
  C.kickWhenSynced(ctx, fx);
}

function sync(ctx: ServiceCIDRsContext, key: string, now: number, fx: Fx): void {
  const sc = ctx.client.informers.get(SERVICE_CIDRS)!.store.get(key);
  if (sc === undefined) return W.doneIfIdle(ctx.q, key);
  const writes: [string, Parameters<typeof request>[2]][] = [];
  if (sc.metadata.deletionTimestamp) {
    if (!L.canDelete(sc, serviceCIDRs(ctx), [...ctx.client.informers.get(IP_ADDRESSES)!.store.values()])) {
      if (L.needsTerminating(sc)) writes.push(["apply-terminating", statusApply(key, now, true)]);
    } else {
      const left = L.deletionGracePeriodMs - (now - Date.parse(sc.metadata.deletionTimestamp));
      // the wait is work in progress: the ServiceCIDR is gone once it ends
      if (left > 0) W.addAfter(fx, key, left, false);
      else if (L.hasFinalizer(sc)) writes.push(["remove-finalizer", finalizerPatch(key, { "$deleteFromPrimitiveList/finalizers": [serviceCIDRFinalizer] })]);
    }
  } else {
    if (!L.hasFinalizer(sc)) writes.push(["add-finalizer", finalizerPatch(key, { finalizers: [serviceCIDRFinalizer] })]);
    if (L.needsReady(sc)) writes.push(["apply-ready", statusApply(key, now, false)]);
  }
  if (writes.length === 0) return W.doneIfIdle(ctx.q, key);
  // the writes are made one after the other (the next when the previous one succeeded)
  W.track(ctx.q, key);
  const [purpose, req] = writes[0]!;
  request(ctx.client, fx, req, purpose, { key, rest: writes.slice(1) });
  W.doneIfIdle(ctx.q, key);
}

/** A strategic merge patch of the finalizers (addServiceCIDRFinalizerIfNeeded / remove...). */
const finalizerPatch = (name: string, metadata: Record<string, unknown>) => ({ verb: "patch" as const, group, resource, name, patchType: "strategic" as const, body: { metadata } });

/** ApplyStatus of the Ready condition, forced, as the controller's field manager. */
const statusApply = (name: string, now: number, terminating: boolean) => ({
  verb: "patch" as const, group, resource, name, subresource: "status", patchType: "apply" as const, force: true, fieldManager: L.fieldManager,
  body: L.readyApply(name, rfc3339(now), terminating),
});

/** Handles a watch event. */
export function onWatch(ctx: ServiceCIDRsContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d));
  C.kickWhenSynced(ctx, fx);
}

/** Handles an API response: the lists, the patches and the status applies. */
export function onResponse(ctx: ServiceCIDRsContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d));
  if (p) onOwnResponse(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

function onOwnResponse(ctx: ServiceCIDRsContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return;
  const rest: [string, Parameters<typeof request>[2]][] = p.data.rest ?? [];
  // a patch of a ServiceCIDR that is gone is no error (IsNotFound)
  const failed = !res.ok && !(res.status.code === 404 && p.purpose.endsWith("finalizer"));
  if (!failed && rest.length > 0) {
    const [purpose, req] = rest[0]!;
    request(ctx.client, fx, req, purpose, { key, rest: rest.slice(1) });
    return;
  }
  C.retryOrForget(ctx.q, fx, key, failed, res.now, maxRetries);
  W.untrack(ctx.q, key);
}
