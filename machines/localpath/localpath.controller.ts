// The local-path provisioner's loop (localpath.logic.ts decides): informers on claims, volumes and
// StorageClasses; a claim to provision gets its PV created (events Provisioning and
// ProvisioningSucceeded on the claim, as the external provisioner library records them); a
// Released PV it made is deleted. The context is a value: these steps run on a draft.

import type { Fx } from "../common/effects.js";
import { newClient, recordEvent, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import type { ClassInfo } from "../common/volumeutil.js";
import * as L from "./localpath.logic.js";

export const controllerName = "rancher.io/local-path_local-path-provisioner";
const CLAIMS = 1;
const VOLUMES = 2;
const CLASSES = 3;

export interface LocalPathContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
}

export interface LocalPathInput {
  token: string;
  address?: string;
}

export type LocalPathEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

/** A fresh provisioner. */
export function initialLocalPath(input: LocalPathInput): LocalPathContext {
  return { self: input.address ?? "local-path-provisioner", client: newClient(input.token), q: W.newWorkQueue() };
}

/** Informers on claims, volumes and StorageClasses. */
export function startInformers(ctx: LocalPathContext, fx: Fx): void {
  startInformer(ctx.client, fx, CLAIMS, { group: "", resource: "persistentvolumeclaims" });
  startInformer(ctx.client, fx, VOLUMES, { group: "", resource: "persistentvolumes" });
  startInformer(ctx.client, fx, CLASSES, { group: "storage.k8s.io", resource: "storageclasses" });
}

const source = { component: controllerName };

function classesOf(ctx: LocalPathContext): Map<string, ClassInfo> {
  return new Map([...(ctx.client.informers.get(CLASSES)?.store.values() ?? [])].map((sc) => [sc.metadata?.name ?? "", { provisioner: sc.provisioner ?? "", volumeBindingMode: sc.volumeBindingMode ?? "Immediate", reclaimPolicy: sc.reclaimPolicy ?? "Delete" }]));
}

/** A claim queues claim/<ns>/<name>; a volume queues volume/<name>. */
export function onDelta(ctx: LocalPathContext, watchId: number, d: InformerDelta): void {
  if (d.type === "DELETED" || watchId === CLASSES) return;
  const m = d.object.metadata ?? {};
  W.add(ctx.q, watchId === CLAIMS ? `claim/${m.namespace}/${m.name}` : `volume/${m.name}`);
}

/** The next key: a claim to provision, or a volume to delete. */
export function processNext(ctx: LocalPathContext, now: number, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) sync(ctx, key, now, fx);
  C.kickWhenSynced(ctx, fx);
}

function sync(ctx: LocalPathContext, key: string, now: number, fx: Fx): void {
  if (key.startsWith("volume/")) {
    const pv = I.storeGet(ctx.client, VOLUMES, key.slice("volume/".length));
    if (pv && L.shouldDelete(pv)) {
      W.track(ctx.q, key);
      request(ctx.client, fx, { verb: "delete", group: "", resource: "persistentvolumes", name: pv.metadata.name }, "delete", { key });
    }
    return W.doneIfIdle(ctx.q, key);
  }
  const pvc = I.storeGet(ctx.client, CLAIMS, key.slice("claim/".length));
  const classes = classesOf(ctx);
  if (!pvc || !L.shouldProvision(pvc, classes)) return W.doneIfIdle(ctx.q, key);
  // A PV already made for the claim (its create answered, or seen by the informer) is not made again.
  if (I.storeGet(ctx.client, VOLUMES, L.volumeNameFor(pvc))) return W.doneIfIdle(ctx.q, key);
  const claim = { kind: "PersistentVolumeClaim", apiVersion: "v1", ...pvc };
  recordEvent(ctx.client, fx, claim, "Normal", "Provisioning", `External provisioner is provisioning volume for claim "${pvc.metadata.namespace}/${pvc.metadata.name}"`, source, now);
  W.track(ctx.q, key);
  request(ctx.client, fx, { verb: "create", group: "", resource: "persistentvolumes", body: L.volumeFor(pvc, classes.get(pvc.spec?.storageClassName ?? "")!) }, "provision", { key, claim });
  W.doneIfIdle(ctx.q, key);
}

/** Handles a watch event. */
export function onWatch(ctx: LocalPathContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d));
  C.kickWhenSynced(ctx, fx);
}

/** Handles an API response: the lists, the PV creations (ProvisioningSucceeded) and deletions. */
export function onResponse(ctx: LocalPathContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d));
  if (p) onOwnResponse(ctx, p, res, fx);
  C.kickWhenSynced(ctx, fx);
}

function onOwnResponse(ctx: LocalPathContext, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const key: string | undefined = p.data?.key;
  if (key === undefined) return;
  if (p.purpose === "provision") {
    if (res.ok) recordEvent(ctx.client, fx, p.data.claim, "Normal", "ProvisioningSucceeded", `Successfully provisioned volume ${res.object.metadata.name}`, source, res.now);
    else if (res.code !== 409) W.addRateLimited(ctx.q, fx, key, res.now);
  } else if (!res.ok && res.code !== 404) W.addRateLimited(ctx.q, fx, key, res.now);
  W.untrack(ctx.q, key);
}
