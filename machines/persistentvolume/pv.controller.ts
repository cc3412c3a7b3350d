// The PersistentVolume controller's steps (kube-controller-manager's persistent-volume-binder,
// pkg/controller/volume/persistentvolume): informers on PersistentVolumes, PersistentVolumeClaims
// and StorageClasses queue volume and claim keys; each sync takes the one step pv.logic.ts says is
// due and records its events; each volume's phase is a chart (pv.lifecycle.machine.ts).
// The context is a value: these steps run on a draft.

import type { Fx } from "../common/effects.js";
import { newClient, recordEvent, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import { keep, lifecycleOf, stateName, stepKept, type KeptLifecycle } from "../common/lifecycle.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import * as L from "./pv.logic.js";
import { volumeLifecycleMachine, type VolumeObservation } from "./pv.lifecycle.machine.js";

export const controllerName = "persistentvolume-controller";
const VOLUMES = 1;
const CLAIMS = 2;
const CLASSES = 3;

export interface PVControllerContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
  /** volume name -> its phase chart, kept as a value */
  lifecycles: Map<string, KeptLifecycle<typeof volumeLifecycleMachine>>;
}

export interface PVControllerInput {
  token: string;
  address?: string;
}

export type PVControllerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

/** A fresh controller. */
export function initialPVController(input: PVControllerInput): PVControllerContext {
  return { self: input.address ?? controllerName, client: newClient(input.token), q: W.newWorkQueue(), lifecycles: new Map() };
}

/** Informers on PersistentVolumes, PersistentVolumeClaims (every namespace) and StorageClasses. */
export function startInformers(ctx: PVControllerContext, fx: Fx): void {
  startInformer(ctx.client, fx, VOLUMES, { group: "", resource: "persistentvolumes" });
  startInformer(ctx.client, fx, CLAIMS, { group: "", resource: "persistentvolumeclaims" });
  startInformer(ctx.client, fx, CLASSES, { group: "storage.k8s.io", resource: "storageclasses" });
}

const source = { component: controllerName };
const lifecycle = lifecycleOf(volumeLifecycleMachine);
const volumeKey = (name: string) => `volume/${name}`;
const claimKey = (ns: string, name: string) => `claim/${ns}/${name}`;

/** The StorageClasses the controller reads, by name. */
export function classesOf(ctx: PVControllerContext): Map<string, L.ClassInfo> {
  const out = new Map<string, L.ClassInfo>();
  for (const sc of ctx.client.informers.get(CLASSES)?.store.values() ?? []) {
    out.set(sc.metadata?.name ?? "", L.classInfoOf(sc));
  }
  return out;
}

function volumesOf(ctx: PVControllerContext): Map<string, L.PV> {
  return new Map([...(ctx.client.informers.get(VOLUMES)?.store.values() ?? [])].map((pv: L.PV) => [pv.metadata?.name ?? "", pv]));
}

// Unbound claims wait for volumes and classes: a new or changed one may let them bind.
function queueUnboundClaims(ctx: PVControllerContext): void {
  for (const pvc of ctx.client.informers.get(CLAIMS)?.store.values() ?? []) {
    if (!pvc.spec?.volumeName) W.add(ctx.q, claimKey(pvc.metadata?.namespace ?? "", pvc.metadata?.name ?? ""));
  }
}

/** Routes one informer delta: a volume queues itself and its claim; a claim queues itself and its volume. */
export function onDelta(ctx: PVControllerContext, watchId: number, d: InformerDelta): void {
  if (watchId === VOLUMES) {
    const pv: L.PV = d.object;
    W.add(ctx.q, volumeKey(pv.metadata?.name ?? ""));
    const ref = pv.spec?.claimRef;
    if (ref?.name) W.add(ctx.q, claimKey(ref.namespace ?? "", ref.name));
    if (d.type !== "DELETED") queueUnboundClaims(ctx);
    return;
  }
  if (watchId === CLAIMS) {
    const pvc: L.PVC = d.object;
    const ns = pvc.metadata?.namespace ?? "";
    const name = pvc.metadata?.name ?? "";
    if (d.type !== "DELETED") W.add(ctx.q, claimKey(ns, name));
    if (pvc.spec?.volumeName) W.add(ctx.q, volumeKey(pvc.spec.volumeName));
    // a deleted claim releases the volumes bound to it
    if (d.type === "DELETED") {
      for (const pv of ctx.client.informers.get(VOLUMES)?.store.values() ?? []) {
        if (pv.spec?.claimRef?.namespace === ns && pv.spec?.claimRef?.name === name) W.add(ctx.q, volumeKey(pv.metadata?.name ?? ""));
      }
    }
    return;
  }
  queueUnboundClaims(ctx);
}

const observationOf: Record<string, VolumeObservation["type"]> = { Available: "VolumeAvailable", Bound: "VolumeBound", Released: "ClaimGone", Failed: "ReclaimFailed" };

// The volume's chart sees the phase it is in once this sync's write lands.
function observe(ctx: PVControllerContext, name: string, phase: string | undefined): void {
  const type = phase === undefined ? undefined : observationOf[phase];
  if (type === undefined) return;
  const kept = ctx.lifecycles.get(name) ?? keep(lifecycle.start(undefined).snapshot);
  ctx.lifecycles.set(name, keep(stepKept(lifecycle, kept, { type } as VolumeObservation).snapshot));
}

/** processNextWorkItem: the next volume or claim key is synced from the caches. */
export function processNext(ctx: PVControllerContext, now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) sync(ctx, key, now, fx);
  C.kickWhenSynced(ctx, fx);
}

function sync(ctx: PVControllerContext, key: string, now: number, fx: Fx): void {
  let result: L.SyncResult;
  let involved: unknown;
  if (key.startsWith("volume/")) {
    const name = key.slice("volume/".length);
    const pv: L.PV | undefined = I.storeGet(ctx.client, VOLUMES, name);
    if (!pv) {
      const kept = ctx.lifecycles.get(name);
      if (kept) ctx.lifecycles.delete(name);
      return W.doneIfIdle(ctx.q, key);
    }
    const ref = pv.spec?.claimRef;
    const claim: L.PVC | undefined = ref?.name ? I.storeGet(ctx.client, CLAIMS, `${ref.namespace ?? ""}/${ref.name}`) : undefined;
    result = L.syncVolume(pv, claim);
    involved = pv;
    observe(ctx, name, result.action.kind === "updateVolumeStatus" ? result.action.pv.status?.phase : pv.status?.phase);
  } else {
    const pvc: L.PVC | undefined = I.storeGet(ctx.client, CLAIMS, key.slice("claim/".length));
    if (!pvc) return W.doneIfIdle(ctx.q, key);
    result = L.syncClaim(pvc, volumesOf(ctx), classesOf(ctx));
    involved = pvc;
  }
  for (const ev of result.events) recordEvent(ctx.client, fx, { kind: key.startsWith("volume/") ? "PersistentVolume" : "PersistentVolumeClaim", apiVersion: "v1", ...(involved as object) }, ev.type, ev.reason, ev.message, source, now);
  const a = result.action;
  if (a.kind !== "none") {
    W.track(ctx.q, key);
    request(ctx.client, fx, writeOf(a), "sync", { key });
  }
  W.doneIfIdle(ctx.q, key);
}

function writeOf(a: Exclude<L.Action, { kind: "none" }>) {
  switch (a.kind) {
    case "updateVolume": return { verb: "update" as const, group: "", resource: "persistentvolumes", name: a.pv.metadata?.name, body: a.pv };
    case "updateVolumeStatus": return { verb: "update" as const, group: "", resource: "persistentvolumes", subresource: "status", name: a.pv.metadata?.name, body: a.pv };
    case "deleteVolume": return { verb: "delete" as const, group: "", resource: "persistentvolumes", name: a.pv.metadata?.name };
    case "updateClaim": return { verb: "update" as const, group: "", resource: "persistentvolumeclaims", namespace: a.pvc.metadata?.namespace, name: a.pvc.metadata?.name, body: a.pvc };
    case "updateClaimStatus": return { verb: "update" as const, group: "", resource: "persistentvolumeclaims", subresource: "status", namespace: a.pvc.metadata?.namespace, name: a.pvc.metadata?.name, body: a.pvc };
  }
}

/** Handles a watch event. */
export function onWatch(ctx: PVControllerContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d));
  C.kickWhenSynced(ctx, fx);
}

/** Handles an API response: the lists and the sync's writes (a failed write is retried with back-off). */
export function onResponse(ctx: PVControllerContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d));
  if (p) onOwnResponse(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

function onOwnResponse(ctx: PVControllerContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined || p.purpose !== "sync") return;
  if (res.ok) W.forget(ctx.q, key);
  else if (res.status.code !== 404) W.addRateLimited(ctx.q, fx, key, res.now);
  W.untrack(ctx.q, key);
}

/** Where a volume's chart is: "Available", "Bound", "Released" ... (undefined before its first sync). */
export function volumeState(ctx: PVControllerContext, name: string): string | undefined {
  const kept = ctx.lifecycles.get(name);
  return kept ? stateName(kept.value as never) : undefined;
}
