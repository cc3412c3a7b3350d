// The pvc-protection and pv-protection controllers' loops (protection.logic.ts decides): the PVC
// one watches claims and pods (a pod that ends or goes queues the claims it used), the PV one
// watches volumes; a claim or volume that may go is updated without its finalizer.
// The pvc-protection actor also runs the ephemeral volume controller (ephemeral.logic.ts), which
// watches the same pods and claims: a pod key `pod:<ns>/<name>` in the queue is that controller's,
// kept in this actor so that no new actor shifts the seeded runs.
// The context is a value: these steps run on a draft.

import type { Fx } from "../common/effects.js";
import { newClient, recordEvent, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import * as L from "./protection.logic.js";
import * as E from "./ephemeral.logic.js";

const OBJECTS = 1;
const PODS = 2;

export interface ProtectionContext {
  self: string;
  /** "pvc": the pvc-protection controller; "pv": the pv-protection controller */
  of: "pvc" | "pv";
  client: ClientState;
  q: W.WorkQueue;
}

export interface ProtectionInput {
  token: string;
  of: "pvc" | "pv";
  address?: string;
}

export type ProtectionEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

/** A fresh controller. */
export function initialProtection(input: ProtectionInput): ProtectionContext {
  return { self: input.address ?? `${input.of}-protection-controller`, of: input.of, client: newClient(input.token), q: W.newWorkQueue() };
}

/** Claims and pods, or volumes. */
export function startInformers(ctx: ProtectionContext, fx: Fx): void {
  if (ctx.of === "pv") {
    startInformer(ctx.client, fx, OBJECTS, { group: "", resource: "persistentvolumes" });
    return;
  }
  startInformer(ctx.client, fx, OBJECTS, { group: "", resource: "persistentvolumeclaims" });
  startInformer(ctx.client, fx, PODS, { group: "", resource: "pods" });
}

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) => (o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata?.name ?? "");
/** the ephemeral volume controller's key for a pod (a namespace has no ':', so it never names a claim) */
const POD_KEY = "pod:";
const EPHEMERAL_SOURCE = { component: "ephemeral_volume" };

/** A claim or volume being deleted is queued; a pod's claims are queued when it changes or goes. */
export function onDelta(ctx: ProtectionContext, watchId: number, d: InformerDelta): void {
  if (watchId === OBJECTS) {
    if (d.type !== "DELETED" && d.object.metadata?.deletionTimestamp) W.add(ctx.q, keyOf(d.object));
    // onPVCDelete: a pod whose ephemeral volume used the deleted claim gets it made again
    if (d.type === "DELETED" && ctx.of === "pvc") {
      for (const pod of I.storeInNamespace(ctx.client, PODS, d.object.metadata?.namespace ?? "")) {
        if (E.needsEphemeralClaims(pod) && (pod.spec?.volumes ?? []).some((v: any) => v.ephemeral && E.ephemeralClaimName(pod, v) === d.object.metadata?.name)) W.add(ctx.q, POD_KEY + keyOf(pod));
      }
    }
    return;
  }
  const ns = d.object.metadata?.namespace ?? "";
  // enqueuePod: only a pod's addition (its spec cannot change afterwards)
  if (d.type === "ADDED" && E.needsEphemeralClaims(d.object)) W.add(ctx.q, POD_KEY + keyOf(d.object));
  for (const v of d.object.spec?.volumes ?? []) {
    const claim = v.persistentVolumeClaim?.claimName ?? (v.ephemeral ? `${d.object.metadata?.name}-${v.name}` : undefined);
    if (claim) W.add(ctx.q, `${ns}/${claim}`);
  }
}

/** The next key: its finalizer is removed if the object may go. */
export function processNext(ctx: ProtectionContext, _now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) sync(ctx, key, _now, fx);
  C.kickWhenSynced(ctx, fx);
}

function sync(ctx: ProtectionContext, key: string, now: number, fx: Fx): void {
  if (key.startsWith(POD_KEY)) return syncEphemeral(ctx, key, now, fx);
  const obj = I.storeGet(ctx.client, OBJECTS, key);
  if (!obj) return W.doneIfIdle(ctx.q, key);
  const next = ctx.of === "pv" ? L.releaseVolume(obj) : L.releaseClaim(obj, I.storeInNamespace(ctx.client, PODS, obj.metadata?.namespace ?? ""));
  if (next) {
    W.track(ctx.q, key);
    const resource = ctx.of === "pv" ? "persistentvolumes" : "persistentvolumeclaims";
    request(ctx.client, fx, { verb: "update", group: "", resource, ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}), name: obj.metadata?.name, body: next }, "finalizer", { key });
  }
  W.doneIfIdle(ctx.q, key);
}

/** The ephemeral volume controller's syncHandler: the pod's missing claims are created; a claim another owner holds is reported on the pod and retried. */
function syncEphemeral(ctx: ProtectionContext, key: string, now: number, fx: Fx): void {
  const pod = I.storeGet(ctx.client, PODS, key.slice(POD_KEY.length));
  if (!pod) return W.doneIfIdle(ctx.q, key);
  const ns = pod.metadata?.namespace ?? "";
  const ref = { apiVersion: "v1", kind: "Pod", metadata: { name: pod.metadata?.name, namespace: ns, uid: pod.metadata?.uid, resourceVersion: pod.metadata?.resourceVersion } };
  const plan = E.planEphemeralClaims(pod, (name) => I.storeGet(ctx.client, OBJECTS, `${ns}/${name}`));
  for (const { volume, claim } of plan.create) {
    W.track(ctx.q, key);
    request(ctx.client, fx, { verb: "create", group: "", resource: "persistentvolumeclaims", namespace: ns, body: claim }, "ephemeral-claim", { key, volume, claim: claim.metadata?.name, pod: ref });
  }
  if (plan.refused) {
    recordEvent(ctx.client, fx, ref, "Warning", "FailedBinding", `ephemeral volume ${plan.refused.volume}: ${plan.refused.message}`, EPHEMERAL_SOURCE, now);
    W.addRateLimited(ctx.q, fx, key, now);
  }
  W.doneIfIdle(ctx.q, key);
}

/** Handles a watch event. */
export function onWatch(ctx: ProtectionContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d));
  C.kickWhenSynced(ctx, fx);
}

/** Handles an API response: the lists and the finalizer updates (a refused one is retried). */
export function onResponse(ctx: ProtectionContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d));
  if (p) onOwnResponse(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

function onOwnResponse(ctx: ProtectionContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return;
  if (p.purpose === "ephemeral-claim") {
    // handleVolume's failed create: the event on the pod, the pod retried with back-off
    if (!res.ok) {
      recordEvent(ctx.client, fx, p.data.pod, "Warning", "FailedBinding", `ephemeral volume ${p.data.volume}: create PVC ${p.data.claim}: ${res.status.message ?? ""}`, EPHEMERAL_SOURCE, res.now);
      W.addRateLimited(ctx.q, fx, key, res.now);
    }
    W.untrack(ctx.q, key);
    return;
  }
  if (!res.ok && res.code !== 404) W.addRateLimited(ctx.q, fx, key, res.now);
  W.untrack(ctx.q, key);
}
