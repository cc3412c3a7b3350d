// The garbage collector's steps (pkg/controller/garbagecollector): monitors that keep the
// ownership graph by uid, attemptToDeleteItem (an absent owner confirmed by a live GET first)
// and attemptToOrphan. Functions over the machine's context; the decisions are in gc.logic.ts.

import { OrderedMap } from "immutable";
import type { Fx } from "../common/effects.js";
import { newClient, request, startInformer, type ClientState, type InformerDelta, type PendingRequest } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import { aggregatedGroups, resourceForKind, resources, storedResource } from "../apiserver/resources.js";
import * as W from "../common/workqueue.js";
import * as C from "../common/controller.js";
import * as I from "../common/informer.js";
import * as L from "./gc.logic.js";
import { mutant } from "../common/mutation.js";

export const controllerName = "garbage-collector-controller";

/** The workload kinds first: their watch ids (index + 1) are those the collector always had. */
const workloads = [
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
  { group: "", resource: "persistentvolumeclaims" },
] as const;

/**
 * The monitored resources; the watch id is the index + 1. As GetDeletableResources: every built-in
 * resource stored here that can be listed, watched and deleted (a ConfigMap or Secret an operator's
 * object owns is collected too), but events, the collector's one ignored resource by default.
 */
const monitored: ReadonlyArray<{ group: string; resource: string }> = [
  ...workloads,
  ...resources
    .filter((r) => !r.storedAs && !aggregatedGroups.has(r.group) && ["list", "watch", "delete"].every((v) => r.verbs.includes(v)))
    .filter((r) => !(r.group === "" && r.resource === "events") && !workloads.some((w) => w.group === r.group && w.resource === r.resource))
    .map((r) => ({ group: r.group, resource: r.resource })),
];

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
  /**
   * The custom resources discovery found (GetDeletableResources): "<apiVersion>/<kind>" of each served
   * version -> its resource, and the monitor (watch id) of each "<group>/<resource>". Empty until the
   * collector first meets an owner of a kind it does not serve, so a cluster without CRDs never asks.
   */
  custom: Map<string, CustomTarget>;
  customMonitors: Map<string, number>;
  /** custom monitors ever started: each gets a watch id of its own, after the built-in monitors' */
  customMonitorsStarted: number;
  /** items waiting for discovery to say what their owner's kind is */
  awaitingDiscovery: Set<string>;
}

interface CustomTarget {
  group: string;
  resource: string;
  namespaced: boolean;
}

/** How often the collector resyncs its monitors with discovery once it has begun (garbagecollector.Sync's period). */
export const discoveryPeriodMs = 30_000;
const DISCOVER = "discover/deletable-resources";

export interface GarbageCollectorInput {
  token: string;
  address?: string;
}

export type GarbageCollectorEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "ProcessNext" } & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

/** The watch id of the CRD monitor: a CRD's change is a change of what is deletable. */
const crdWatchId = monitored.findIndex((m) => m.group === "apiextensions.k8s.io" && m.resource === "customresourcedefinitions") + 1;

/** A fresh collector with an empty graph. */
export function initialGarbageCollector(input: GarbageCollectorInput): GarbageCollectorContext {
  return { self: input.address ?? "garbage-collector", client: newClient(input.token), q: W.newWorkQueue(), byUid: OrderedMap(), verifying: new Map(), orphaning: new Map(), custom: new Map(), customMonitors: new Map(), customMonitorsStarted: 0, awaitingDiscovery: new Set() };
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
export function onDelta(ctx: GarbageCollectorContext, watchId: number, d: InformerDelta): void {
  const obj: L.KObject = d.object;
  const uid = uidOf(obj);
  // Kubernetes re-reads the deletable resources every 30 s; a CRD's change starts that read at once,
  // so a custom resource a built-in owns is monitored before its owner can go
  if (watchId === crdWatchId) W.add(ctx.q, DISCOVER);
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

/** The group of an apiVersion ("" for core's "v1"). */
const groupOf = (apiVersion: string | undefined) => (apiVersion?.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "");

/**
 * The resource an object reference names, through the collector's REST mapping: a built-in kind at
 * its own group, else a custom resource discovery found at that apiVersion and kind.
 */
function target(ctx: GarbageCollectorContext, ref: L.ObjRef): { group: string; resource: string; namespace?: string; name: string } | undefined {
  const builtIn = ref.kind ? resourceForKind(ref.kind) : undefined;
  // a reference without apiVersion is taken for the built-in kind; one at another group (a CRD's kind Pod) is not it
  const atBuiltIn = builtIn && (ref.apiVersion === undefined || !groupOf(ref.apiVersion).includes(".") || storedResource(builtIn).group === groupOf(ref.apiVersion));
  const r: CustomTarget | undefined = atBuiltIn ? builtIn : ctx.custom.get(`${ref.apiVersion}/${ref.kind}`);
  if (!r) return undefined;
  return { group: r.group, resource: r.resource, ...(r.namespaced ? { namespace: ref.namespace } : {}), name: ref.name };
}

/** Whether a reference may name a custom resource: an apiVersion of a group with a dot that is no built-in kind's. */
function mayBeCustom(ref: { apiVersion?: string; kind?: string }): boolean {
  const group = groupOf(ref.apiVersion);
  return group.includes(".") && ref.kind !== undefined && ref.kind !== "";
}

/** Discovery of the custom resources (the CRDs listed), unless it is already under way. */
function discover(ctx: GarbageCollectorContext, fx: Fx): void {
  if ([...ctx.client.pending.values()].some((p) => p.purpose === "discovery")) return;
  request(ctx.client, fx, { verb: "list", group: "apiextensions.k8s.io", resource: "customresourcedefinitions" }, "discovery");
}

/**
 * GetDeletableResources' answer: every served version of each established CRD as a REST mapping,
 * a monitor started for each new resource and stopped for each gone; the items that waited are
 * looked at again, and discovery runs again after the period.
 */
function onDiscovered(ctx: GarbageCollectorContext, res: ApiResponse & Stamp, fx: Fx): void {
  if (res.ok) {
    ctx.custom = restMappings(Array.isArray(res.object?.items) ? res.object.items : []);
    const next = reconcileMonitors(ctx.customMonitors, ctx.customMonitorsStarted, ctx.custom);
    for (const id of next.stopped) ctx.client.informers = ctx.client.informers.delete(id);
    for (const { id, t } of next.started) startInformer(ctx.client, fx, id, { group: t.group, resource: t.resource });
    ctx.customMonitors = next.monitors;
    ctx.customMonitorsStarted = next.startedCount;
    for (const key of ctx.awaitingDiscovery) W.add(ctx.q, key);
    ctx.awaitingDiscovery = new Set();
  }
  W.addAfter(fx, DISCOVER, discoveryPeriodMs, true);
}

/** Every served version of each established CRD not being deleted: "<group>/<version>/<kind>" -> its resource. */
function restMappings(crds: readonly any[]): Map<string, CustomTarget> {
  const custom = new Map<string, CustomTarget>();
  for (const crd of crds) {
    const established = (crd?.status?.conditions ?? []).some((c: any) => c?.type === "Established" && c?.status === "True");
    if (!established || crd.metadata?.deletionTimestamp) continue;
    const names = crd.status?.acceptedNames ?? crd.spec?.names ?? {};
    const t: CustomTarget = { group: String(crd.spec?.group), resource: String(names.plural), namespaced: crd.spec?.scope === "Namespaced" };
    for (const v of crd.spec?.versions ?? []) if (v?.served === true) custom.set(`${t.group}/${v.name}/${names.kind}`, t);
  }
  return custom;
}

/**
 * The monitors discovery wants, from those running: a monitor whose CRD is gone stops (one that can
 * no longer list would keep the graph from syncing), a new resource's starts with a watch id of its
 * own, after the built-in monitors' and every custom one started before. The inputs are not changed.
 */
function reconcileMonitors(running: ReadonlyMap<string, number>, startedCount: number, custom: ReadonlyMap<string, CustomTarget>): {
  monitors: Map<string, number>; startedCount: number; stopped: number[]; started: Array<{ id: number; t: CustomTarget }>;
} {
  const wanted = new Map<string, CustomTarget>([...custom.values()].map((t) => [`${t.group}/${t.resource}`, t] as const));
  const monitors = new Map([...running].filter(([key]) => wanted.has(key)));
  const stopped = [...running].filter(([key]) => !wanted.has(key)).map(([, id]) => id);
  const started: Array<{ id: number; t: CustomTarget }> = [];
  let count = startedCount;
  for (const [key, t] of wanted) {
    if (monitors.has(key)) continue;
    const id = monitored.length + 1 + count++;
    monitors.set(key, id);
    started.push({ id, t });
  }
  return { monitors, startedCount: count, stopped, started };
}

/** Processes the next work item. */
export function processNext(ctx: GarbageCollectorContext, fx: Fx): void {
  const key = C.takeNext(ctx);
  if (key !== undefined) {
    if (key === DISCOVER) discover(ctx, fx);
    else if (key.startsWith("orphan:")) attemptToOrphan(ctx, key, fx);
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
    const t = target(ctx, { apiVersion: r.apiVersion, kind: r.kind, name: r.name, uid: r.uid, namespace: item.metadata?.namespace });
    if (!t) {
      // A kind this cluster does not serve: never delete on a guess. One a CRD may serve is looked
      // up in discovery first, and the item looked at again with what it says.
      ctx.verifying.delete(uidOf(item));
      if (mayBeCustom(r) && !ctx.custom.has(`${r.apiVersion}/${r.kind}`)) {
        ctx.awaitingDiscovery.add(key);
        discover(ctx, fx);
      }
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
    const t = target(ctx, a.target);
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
  if (p?.purpose === "discovery") onDiscovered(ctx, res, fx);
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
