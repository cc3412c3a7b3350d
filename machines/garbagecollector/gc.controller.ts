// The garbage collector's steps (pkg/controller/garbagecollector): monitors that keep the
// ownership graph by uid, attemptToDeleteItem (an absent owner confirmed by a live GET first)
// and attemptToOrphan. Functions over the machine's context; the decisions are in gc.logic.ts.

import { OrderedMap } from "immutable";
import type { Fx } from "../common/effects.js";
import { newClient, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import { resourceForKind } from "../apiserver/resources.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import * as L from "./gc.logic.js";
import { mutant } from "../common/mutation.js";

export const controllerName = "garbage-collector-controller";

/** The monitored resources; the watch id is the index + 1. */
const monitored = [
  { group: "", resource: "pods" },
  { group: "apps", resource: "replicasets" },
  { group: "apps", resource: "deployments" },
  { group: "", resource: "services" },
  { group: "", resource: "endpoints" },
  { group: "discovery.k8s.io", resource: "endpointslices" },
  { group: "batch", resource: "jobs" },
  { group: "apps", resource: "daemonsets" },
  { group: "apps", resource: "controllerrevisions" },
  { group: "batch", resource: "cronjobs" },
  { group: "apps", resource: "statefulsets" },
  { group: "", resource: "replicationcontrollers" },
  // a StatefulSet's claims under persistentVolumeClaimRetentionPolicy Delete
  { group: "", resource: "persistentvolumeclaims" },
] as const;

export interface GarbageCollectorContext {
  self: string;
  client: ClientState;
  q: W.WorkQueue;
  /** uid -> object, across every monitored kind (the graph's nodes): persistent, it grows with the cluster */
  byUid: OrderedMap<string, L.KObject>;
  /** item uid -> live lookups of its absent owners still in flight */
  verifying: Map<string, { left: number; present: boolean }>;
  /** owner uid -> dependents' ownerReference patches still in flight before the orphan finalizer goes */
  orphaning: Map<string, { left: number; failed: boolean; owner: L.KObject }>;
}

export interface GarbageCollectorInput {
  token: string;
  address?: string;
}

export type GarbageCollectorEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

/** A fresh collector with an empty graph. */
export function initialGarbageCollector(input: GarbageCollectorInput): GarbageCollectorContext {
  return { self: input.address ?? "garbage-collector", client: newClient(input.token), q: W.newWorkQueue(), byUid: OrderedMap(), verifying: new Map(), orphaning: new Map() };
}

/** One informer per monitored resource. */
export function startInformers(ctx: GarbageCollectorContext, fx: Fx): void {
  monitored.forEach((m, i) => startInformer(ctx.client, fx, i + 1, { group: m.group, resource: m.resource }));
}

const uidOf = (o: L.KObject) => o.metadata?.uid ?? "";
const deleteKey = (uid: string) => `delete:${uid}`;
const orphanKey = (uid: string) => `orphan:${uid}`;

function all(ctx: GarbageCollectorContext): L.KObject[] {
  return [...ctx.byUid.values()];
}

/** Updates the graph from one delta and queues what the change calls for (the graph builder). */
export function onDelta(ctx: GarbageCollectorContext, _watchId: number, d: InformerDelta): void {
  const obj: L.KObject = d.object;
  const uid = uidOf(obj);
  if (d.type === "DELETED") {
    ctx.byUid = ctx.byUid.delete(uid);
    // Its dependents may be orphans now; an owner waiting in the foreground may be free now.
    for (const dep of L.dependentsOf(obj, all(ctx))) W.add(ctx.q, deleteKey(uidOf(dep)));
    for (const r of obj.metadata?.ownerReferences ?? []) {
      const owner = ctx.byUid.get(r.uid);
      if (owner && L.isDeletingDependents(owner)) W.add(ctx.q, deleteKey(r.uid));
    }
    return;
  }
  ctx.byUid = ctx.byUid.set(uid, obj);
  if (L.isDeletingDependents(obj)) W.add(ctx.q, deleteKey(uid));
  if (obj.metadata?.deletionTimestamp && obj.metadata.finalizers?.includes(L.ORPHAN_FINALIZER)) W.add(ctx.q, orphanKey(uid));
  for (const r of obj.metadata?.ownerReferences ?? []) {
    const owner = ctx.byUid.get(r.uid);
    if (!owner || L.isDeletingDependents(owner)) W.add(ctx.q, deleteKey(uid));
  }
}

function send(ctx: GarbageCollectorContext, fx: Fx, key: string, r: Parameters<typeof request>[2], purpose: string, data: Record<string, unknown> = {}): void {
  W.track(ctx.q, key);
  request(ctx.client, fx, r, purpose, { key, ...data });
}

function target(ref: L.ObjRef): { group: string; resource: string; namespace?: string; name: string } | undefined {
  const r = ref.kind ? resourceForKind(ref.kind) : undefined;
  if (!r) return undefined;
  return { group: r.group, resource: r.resource, ...(r.namespaced ? { namespace: ref.namespace } : {}), name: ref.name };
}

/** Processes the next work item. */
export function processNext(ctx: GarbageCollectorContext, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) {
    if (key.startsWith("orphan:")) attemptToOrphan(ctx, key, fx);
    else attemptToDelete(ctx, key, fx);
    W.doneIfIdle(ctx.q, key);
  }
  C.kickWhenSynced(ctx, fx);
}

/** attemptToDeleteItem: confirm absent owners with a live GET, then delete, un-own or release the item. */
function attemptToDelete(ctx: GarbageCollectorContext, key: string, fx: Fx): void {
  const item = ctx.byUid.get(key.slice("delete:".length));
  if (!item) return;
  const absent = L.isDeletingDependents(item) ? [] : (item.metadata?.ownerReferences ?? []).filter((r) => !ctx.byUid.has(r.uid));
  if (absent.length === 0 || mutant("gc.trusts-cache-owner-gone")) return perform(ctx, key, L.attemptToDeleteItem(item, all(ctx)), fx);
  ctx.verifying.set(uidOf(item), { left: absent.length, present: false });
  for (const r of absent) {
    const t = target({ kind: r.kind, name: r.name, uid: r.uid, namespace: item.metadata?.namespace });
    if (!t) {
      // A kind this cluster does not serve: never delete on a guess.
      ctx.verifying.delete(uidOf(item));
      return;
    }
    send(ctx, fx, key, { verb: "get", ...t }, "verify-owner", { item, ownerUid: r.uid });
  }
}

function onVerified(ctx: GarbageCollectorContext, key: string, p: PendingRequest, res: ApiResponse & Stamp, fx: Fx): void {
  const item: L.KObject = p.data.item;
  const v = ctx.verifying.get(uidOf(item));
  if (!v) return;
  // Found under that name with the same uid: the owner lives, our cache is behind.
  if (res.ok && res.object?.metadata?.uid === p.data.ownerUid) v.present = true;
  else if (!res.ok && res.code !== 404) v.present = true;
  if (--v.left > 0) return;
  ctx.verifying.delete(uidOf(item));
  if (v.present) return void W.addRateLimited(ctx.q, fx, key, res.now);
  const current = ctx.byUid.get(uidOf(item));
  if (current) perform(ctx, key, L.attemptToDeleteItem(current, all(ctx)), fx);
}

/** attemptToOrphan: strip the owner from every dependent, then drop the orphan finalizer. */
function attemptToOrphan(ctx: GarbageCollectorContext, key: string, fx: Fx): void {
  const owner = ctx.byUid.get(key.slice("orphan:".length));
  if (!owner?.metadata?.deletionTimestamp || !owner.metadata.finalizers?.includes(L.ORPHAN_FINALIZER)) return;
  const actions = L.orphanDependents(owner, all(ctx));
  const patches = actions.filter((a) => a.type === "removeOwnerReferences");
  if (patches.length === 0) return perform(ctx, key, actions, fx);
  ctx.orphaning.set(uidOf(owner), { left: patches.length, failed: false, owner });
  perform(ctx, key, patches, fx, "orphan-patch");
}

function onOrphanPatched(ctx: GarbageCollectorContext, key: string, res: ApiResponse & Stamp, fx: Fx): void {
  const uid = key.slice("orphan:".length);
  const o = ctx.orphaning.get(uid);
  if (!o) return;
  if (!res.ok && res.code !== 404) o.failed = true;
  if (--o.left > 0) return;
  ctx.orphaning.delete(uid);
  if (o.failed) return void W.addRateLimited(ctx.q, fx, key, res.now);
  const owner = ctx.byUid.get(uid) ?? o.owner;
  perform(ctx, key, [{ type: "removeFinalizer", target: L.refOf(owner), finalizer: L.ORPHAN_FINALIZER }], fx);
}

/** Sends the writes of a decision: deletes and owner-reference patches with a uid precondition, finalizer patches with a resourceVersion. */
function perform(ctx: GarbageCollectorContext, key: string, actions: L.GcAction[], fx: Fx, purpose = "gc-write"): void {
  for (const a of actions) {
    const t = target(a.target);
    if (!t) continue;
    const live = ctx.byUid.get(a.target.uid);
    if (a.type === "delete") {
      send(ctx, fx, key, { verb: "delete", ...t, propagationPolicy: a.propagationPolicy, body: { preconditions: { uid: a.target.uid } } }, purpose);
    } else if (a.type === "removeOwnerReferences") {
      // deleteOwnerRefStrategicMergePatch: the references go by uid, with no resourceVersion, so a stale cache cannot make it conflict
      send(ctx, fx, key, { verb: "patch", ...t, patchType: "strategic", body: { metadata: { ownerReferences: a.ownerUids.map((uid) => ({ $patch: "delete", uid })), uid: a.target.uid } } }, purpose);
    } else {
      const rest = (live?.metadata?.finalizers ?? []).filter((f) => f !== a.finalizer);
      send(ctx, fx, key, { verb: "patch", ...t, patchType: "merge", body: { metadata: { finalizers: rest, resourceVersion: live?.metadata?.resourceVersion } } }, purpose);
    }
  }
}

/** Handles an API response: lists, owner lookups, writes (a conflict or error retries the item). */
export function onResponse(ctx: GarbageCollectorContext, res: ApiResponse & Stamp, fx: Fx): void {
  const p = I.handleResponse(ctx.client, fx, res, (w, d) => onDelta(ctx, w, d));
  const key: string | undefined = p?.data?.key;
  if (p && key !== undefined) {
    if (p.purpose === "verify-owner") onVerified(ctx, key, p, res, fx);
    else if (p.purpose === "orphan-patch") onOrphanPatched(ctx, key, res, fx);
    else if (!res.ok && res.code !== 404) W.addRateLimited(ctx.q, fx, key, res.now);
    W.untrack(ctx.q, key);
  }
  C.kickWhenSynced(ctx, fx);
}

/** Handles a watch event from any monitor. */
export function onWatch(ctx: GarbageCollectorContext, ev: WatchEvent & Stamp, fx: Fx): void {
  I.handleWatchEvent(ctx.client, fx, ev, (w, d) => onDelta(ctx, w, d));
  C.kickWhenSynced(ctx, fx);
}
