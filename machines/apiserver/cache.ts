// The API server's watch cache: every object as of the last etcd revision it has seen, indexed
// by resource and (for pods) by node, a bounded history for watches that resume from a
// resourceVersion, and the client watches it fans events out to.
//
// The cache is a value: every function here returns the next cache and never changes its input.
// What grows with the cluster is a persistent collection (immutable.js), so a write costs
// O(log n) and shares the rest with the cache before it. Orders a reader can see (objects of a
// kind, watches in registration and fan-out order) are insertion orders, as the native Maps kept.

import { List, Map as IMap, OrderedMap, Set as ISet } from "immutable";
import type { Fx } from "../common/effects.js";
import type { WatchEventType, WatchedEvent } from "../messages.js";
import { resourceForKind, storedResource, type ResourceInfo } from "./resources.js";
import { matchesFieldSelector, matchesRequirements } from "../common/labels.js";
import { deepFreeze } from "../common/equal.js";
import { copyWith } from "../common/own.js";
import { mutant } from "../common/mutation.js";
import { atServedVersion } from "./customresource.js";

export interface ClientWatch {
  client: string;
  watchId: number;
  r: ResourceInfo;
  namespace?: string;
  name?: string;
  labelReqs?: any;
  fieldReqs?: any;
  /** the pods watch of one node (fieldSelector spec.nodeName=X), indexed for fan-out */
  nodeName?: string;
  /** a watch of a CRD converted by webhook: its events carry the stored objects, which the API server converts before sending */
  convert?: true;
}

export interface HistoryEntry {
  revision: number;
  /** the object's index key (cacheKindOf) */
  kind: string;
  obj?: any;
  prev?: any;
}

/** Watches by `client#watchId`, in registration order. */
export type Watches = OrderedMap<string, ClientWatch>;

/** The watches one index entry fans out to, in registration order: a few, so an array replaced on change (events are read far more often than watches change). */
export type WatchList = readonly ClientWatch[];

export interface WatchCache {
  revision: number;
  objects: IMap<string, any>;
  /** kind -> key -> object */
  byKind: OrderedMap<string, OrderedMap<string, any>>;
  /** node -> keys of the pods bound to it (unordered: every reader sorts or asks for any) */
  podsByNode: IMap<string, ISet<string>>;
  /** the newest historyLimit changes, oldest first */
  history: List<HistoryEntry>;
  historyLimit: number;
  watches: Watches;
  watchesByKind: IMap<string, WatchList>;
  podWatchesByNode: IMap<string, WatchList>;
}

/** An empty cache. */
export function newWatchCache(historyLimit = 20_000): WatchCache {
  return {
    revision: 1,
    objects: IMap(),
    byKind: OrderedMap(),
    podsByNode: IMap(),
    history: List(),
    historyLimit,
    watches: OrderedMap(),
    watchesByKind: IMap(),
    podWatchesByNode: IMap(),
  };
}

/** The object with metadata.resourceVersion set from the etcd modRevision, as the API server decodes it. */
export function withResourceVersion(obj: any, revision: number): any {
  return copyWith(obj, { metadata: copyWith(obj.metadata ?? {}, { resourceVersion: String(revision) }) });
}

/** The mutable working copy of the cache's object indexes within one function (locals only, never stored). */
interface Indexes {
  objects: IMap<string, any>;
  byKind: OrderedMap<string, OrderedMap<string, any>>;
  podsByNode: IMap<string, ISet<string>>;
}

/**
 * The index key of a resource's objects: a built-in's kind, a custom resource's `<kind>.<group>`,
 * so a kind Event of example.com, or two groups' kind Widget, never share core's index or each other's.
 */
export function cacheKind(r: ResourceInfo): string {
  return r.custom ? `${r.kind}.${r.group}` : r.kind;
}

/**
 * An object's index key, from its kind and apiVersion's group: a group with a dot that is not its
 * kind's built-in group is a custom resource's (a CRD's group must have a dot; built-in objects
 * are stored at their own group, events.k8s.io's Events at core's).
 */
export function cacheKindOf(obj: any): string {
  const kind: string = obj.kind;
  const av = obj.apiVersion;
  if (typeof av !== "string") return kind;
  const slash = av.indexOf("/");
  if (slash < 0) return kind;
  const group = av.slice(0, slash);
  if (!group.includes(".")) return kind;
  const builtIn = resourceForKind(kind);
  return builtIn !== undefined && storedResource(builtIn).group === group ? kind : `${kind}.${group}`;
}

function put(x: Indexes, key: string, obj: any, prev: any): void {
  x.objects = x.objects.set(key, obj);
  const k = cacheKindOf(obj);
  x.byKind = x.byKind.set(k, (x.byKind.get(k) ?? OrderedMap<string, any>()).set(key, obj));
  if (obj.kind === "Pod") {
    // A pod that stays on its node (every status write after binding) is already indexed there: the set is unchanged.
    const node = obj.spec?.nodeName;
    if (node && prev?.spec?.nodeName === node && x.podsByNode.get(node)?.has(key)) return;
    if (prev) indexPod(x, key, prev, false);
    indexPod(x, key, obj, true);
  }
}

function remove(x: Indexes, key: string, prev: any): void {
  x.objects = x.objects.remove(key);
  const k = cacheKindOf(prev);
  const m = x.byKind.get(k);
  if (m) x.byKind = x.byKind.set(k, m.remove(key));
  if (prev.kind === "Pod") indexPod(x, key, prev, false);
}

function indexPod(x: Indexes, key: string, obj: any, add: boolean): void {
  const node = obj?.spec?.nodeName;
  if (!node) return;
  const s = x.podsByNode.get(node);
  if (add) x.podsByNode = x.podsByNode.set(node, (s ?? ISet<string>()).add(key));
  else if (s) x.podsByNode = x.podsByNode.set(node, s.remove(key));
}

// What the cache holds and sends is frozen (etcd froze the rest of it): watchers share it by reference,
// and so can the model checker's forks.
function stored(value: any, revision: number): any {
  // Unsized: a write never stores this copy's top or metadata, only parts it shares with etcd's value.
  return deepFreeze(withResourceVersion(value, revision), false);
}

/** The cache with objects put straight in (the start-up list); no history, no fan-out. */
export function loadObjects(c: WatchCache, kvs: readonly { key: string; value: unknown; modRevision: number }[]): WatchCache {
  const x: Indexes = { objects: c.objects, byKind: c.byKind, podsByNode: c.podsByNode };
  for (const kv of kvs) put(x, kv.key, stored(kv.value, kv.modRevision), x.objects.get(kv.key));
  return { ...c, ...x };
}

/** The cache after etcd watch events, which are fanned out to the matching client watches. */
export function applyEtcdEvents(c: WatchCache, events: readonly WatchedEvent[], fx: Fx): WatchCache {
  const x: Indexes = { objects: c.objects, byKind: c.byKind, podsByNode: c.podsByNode };
  let revision = c.revision;
  let history = c.history;
  for (const e of events) {
    const key = e.kv.key;
    const prev = x.objects.get(key);
    let obj: any;
    if (e.type === "PUT") {
      obj = stored(e.kv.value, e.kv.modRevision);
      put(x, key, obj, prev);
    } else {
      if (!prev) continue;
      remove(x, key, prev);
    }
    revision = e.kv.modRevision;
    const entry: HistoryEntry = Object.freeze({ revision: e.kv.modRevision, kind: cacheKindOf(obj ?? prev), obj, prev });
    // the newest historyLimit entries are kept: List.shift drops the oldest in O(1) amortised
    history = history.push(entry);
    if (history.size > c.historyLimit) history = history.shift();
    fanOut(c, entry, fx);
  }
  if (revision === c.revision && history === c.history) return c;
  // Written out in newWatchCache's key order: V8 copies `{ ...c, ...x }` of a cache that was itself
  // made so an order of magnitude slower, and every etcd event makes one.
  return {
    revision,
    objects: x.objects,
    byKind: x.byKind,
    podsByNode: x.podsByNode,
    history,
    historyLimit: c.historyLimit,
    watches: c.watches,
    watchesByKind: c.watchesByKind,
    podWatchesByNode: c.podWatchesByNode,
  };
}

/** The live history entry at index i of the window (0 = the oldest kept). */
export function historyAt(c: WatchCache, i: number): HistoryEntry | undefined {
  return i >= 0 ? c.history.get(i) : undefined;
}

/** The oldest resourceVersion a watch may resume from: the revision just before the window's first live entry. */
export function oldestResumable(c: WatchCache): number {
  const first = historyAt(c, 0);
  return first !== undefined ? first.revision - (mutant("watchcache.serves-one-past-window") ? 2 : 1) : c.revision;
}

/**
 * The cache with its history window slid to the newest `keep` entries (a compaction): a new
 * cache value, the input untouched.
 */
export function slideHistory(c: WatchCache, keep: number): WatchCache {
  if (c.history.size <= keep) return c;
  return { ...c, history: c.history.slice(c.history.size - Math.max(0, keep)) };
}

/** History entries with revision > from, oldest first (binary search: revisions only grow). */
export function historySince(c: WatchCache, from: number): HistoryEntry[] {
  let lo = 0;
  let hi = c.history.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c.history.get(mid)!.revision < from + (mutant("watchcache.resume-repeats-event") ? 0 : 1)) lo = mid + 1;
    else hi = mid;
  }
  return c.history.slice(lo).toArray();
}

/**
 * The objects of one kind as they were at `revision` (by storage key), rebuilt from the current ones
 * by undoing the history after it, newest first: the snapshot an exact list or a continued one is
 * served from. Undefined when the history no longer reaches back to it (compacted away).
 */
export function objectsAt(c: WatchCache, kind: string /* cacheKind */, revision: number, keyOf: (obj: any) => string): Map<string, any> | undefined {
  if (revision < oldestResumable(c) || revision > c.revision) return undefined;
  const out = new Map<string, any>(c.byKind.get(kind)?.entries() ?? []);
  const later = historySince(c, revision);
  for (let i = later.length - 1; i >= 0; i--) {
    const h = later[i]!;
    if (h.kind !== kind) continue;
    const key = keyOf(h.obj ?? h.prev);
    if (h.prev !== undefined) out.set(key, h.prev);
    else out.delete(key);
  }
  return out;
}

function fanOut(c: WatchCache, h: HistoryEntry, fx: Fx): void {
  const ws = c.watchesByKind.get(h.kind);
  if (ws) for (const w of ws) sendIfMatching(w, h, fx);
  if (h.kind === "Pod") {
    // the watches of the node the pod was on, then of the one it is on (once when they are the same)
    const was: string | undefined = h.prev?.spec?.nodeName || undefined;
    const is: string | undefined = h.obj?.spec?.nodeName || undefined;
    if (was !== undefined) sendToNode(c, was, h, fx);
    if (is !== undefined && is !== was) sendToNode(c, is, h, fx);
  }
}

function sendToNode(c: WatchCache, node: string, h: HistoryEntry, fx: Fx): void {
  const nws = c.podWatchesByNode.get(node);
  if (nws) for (const w of nws) sendIfMatching(w, h, fx);
}

/** The event a watch sees for a change, or undefined: objects entering or leaving its selection are ADDED or DELETED. */
export function eventFor(w: ClientWatch, h: HistoryEntry): { eventType: WatchEventType; object: any } | undefined {
  const was = h.prev !== undefined && matches(w, h.prev);
  const is = h.obj !== undefined && matches(w, h.obj);
  // a custom resource is sent at the version the watch was made at (one its webhook converts: as stored, for the webhook)
  const served = (o: any) => (w.convert ? o : atServedVersion(o, w.r));
  if (is && was) return { eventType: "MODIFIED", object: served(h.obj) };
  if (is) return { eventType: "ADDED", object: served(h.obj) };
  // The mutant sends nothing for an object modified out of the selection (only a real delete is DELETED).
  if (was && !(mutant("watchcache.leaving-selection-not-deleted") && h.obj !== undefined)) {
    // a deleted object is sent with the revision of its deletion
    const last = h.obj ?? stored(h.prev, h.revision);
    return { eventType: "DELETED", object: served(last) };
  }
  return undefined;
}

function sendIfMatching(w: ClientWatch, h: HistoryEntry, fx: Fx): void {
  const ev = eventFor(w, h);
  if (ev) fx.send(w.client, { type: "WatchEvent", watchId: w.watchId, eventType: ev.eventType, object: ev.object });
}

/** Whether an object falls in a watch's or list's selection. */
export function matches(w: Pick<ClientWatch, "namespace" | "name" | "labelReqs" | "fieldReqs"> & { r?: ResourceInfo }, obj: any): boolean {
  const m = obj.metadata ?? {};
  if (w.namespace && m.namespace !== w.namespace) return false;
  if (w.name && m.name !== w.name) return false;
  if (w.labelReqs && !matchesRequirements(w.labelReqs, m.labels ?? {})) return false;
  if (w.fieldReqs && !matchesFieldSelector(w.fieldReqs, w.r?.custom ? customObjectFields(obj, w.r) : objectFields(obj))) return false;
  return true;
}

/** The fields a field selector may name, per kind, as the registries' GetAttrs expose them. */
export function objectFields(obj: any): Record<string, string> {
  const m = obj.metadata ?? {};
  const f: Record<string, string> = { "metadata.name": m.name ?? "" };
  if (m.namespace !== undefined) f["metadata.namespace"] = m.namespace;
  switch (obj.kind) {
    case "Pod":
      f["spec.nodeName"] = obj.spec?.nodeName ?? "";
      f["spec.restartPolicy"] = obj.spec?.restartPolicy ?? "";
      f["spec.schedulerName"] = obj.spec?.schedulerName ?? "";
      f["spec.serviceAccountName"] = obj.spec?.serviceAccountName ?? "";
      f["spec.hostNetwork"] = String(obj.spec?.hostNetwork ?? false);
      f["status.phase"] = obj.status?.phase ?? "";
      f["status.podIP"] = obj.status?.podIP ?? "";
      f["status.nominatedNodeName"] = obj.status?.nominatedNodeName ?? "";
      break;
    case "Event":
      for (const k of ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"]) f[`involvedObject.${k}`] = obj.involvedObject?.[k] ?? "";
      f["reason"] = obj.reason ?? "";
      f["reportingComponent"] = obj.reportingComponent ?? "";
      // ToSelectableFields: an event with no source component is selected by its reporting controller
      f["source"] = obj.source?.component || (obj.reportingComponent ?? "");
      f["type"] = obj.type ?? "";
      break;
    case "Node":
      f["spec.unschedulable"] = String(obj.spec?.unschedulable ?? false);
      break;
    case "Namespace":
      f["status.phase"] = obj.status?.phase ?? "";
      break;
    case "Secret":
      f["type"] = obj.type ?? "";
      break;
    case "Service":
      f["spec.clusterIP"] = obj.spec?.clusterIP ?? "";
      f["spec.type"] = obj.spec?.type ?? "";
      break;
    case "ReplicaSet":
    case "ReplicationController":
      f["status.replicas"] = String(obj.status?.replicas ?? 0);
      break;
    case "Job":
      f["status.successful"] = String(obj.status?.succeeded ?? 0);
      break;
    // the CSR registry's SelectableFields
    case "CertificateSigningRequest":
      f["spec.signerName"] = obj.spec?.signerName ?? "";
      break;
  }
  return f;
}

// The kinds whose group version registers a field label conversion (pkg/apis/core/v1, batch/v1 and
// certificates/v1 conversion.go), each with the labels it takes besides metadata.name and its error;
// Node and Namespace take no metadata.namespace. Any other built-in kind falls back to
// runtime.DefaultMetaV1FieldSelectorConversion, which names the two labels every kind takes.
const notSupported = (label: string) => `field label not supported: ${label}`;
const fieldLabelConversions = new Map<string, { labels: readonly string[]; error: (label: string) => string }>([
  // status.podIPs passes the conversion though ToSelectableFields has no such field (every pod's is
  // empty), and spec.host is converted to spec.nodeName for old clients
  ["Pod", { labels: ["metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName", "spec.host"], error: notSupported }],
  ["ReplicationController", { labels: ["metadata.namespace", "status.replicas"], error: notSupported }],
  ["Node", { labels: ["spec.unschedulable"], error: notSupported }],
  ["Namespace", { labels: ["status.phase"], error: notSupported }],
  ["Job", { labels: ["metadata.namespace", "status.successful"], error: (l) => `field label ${JSON.stringify(l)} not supported for batchv1.Job` }],
]);

/**
 * A custom resource's fields for a field selector (the crdHandler's GetAttrs): metadata.name,
 * metadata.namespace when namespaced, and each of its version's selectableFields: a string as it
 * is, an integer or a boolean as Go prints it, anything absent (or of another type) empty.
 */
export function customObjectFields(obj: any, r: ResourceInfo): Record<string, string> {
  const m = obj.metadata ?? {};
  const f: Record<string, string> = { "metadata.name": m.name ?? "" };
  if (r.namespaced) f["metadata.namespace"] = m.namespace ?? "";
  for (const path of r.custom?.selectableFields ?? []) {
    let v: any = obj;
    for (const k of path.split(".")) v = v !== null && typeof v === "object" && !Array.isArray(v) && Object.hasOwn(v, k) ? v[k] : undefined;
    f[path] = typeof v === "string" ? v : typeof v === "boolean" || (typeof v === "number" && Number.isInteger(v)) ? String(v) : "";
  }
  return f;
}

/**
 * Why a field selector is refused (the conversion's error), or undefined when the label is taken. A
 * custom resource takes its own fields only, and refuses others with "field label not supported".
 */
export function fieldLabelError(kind: string, field: string, r?: ResourceInfo): string | undefined {
  if (r?.custom) return Object.hasOwn(customObjectFields({ metadata: {} }, r), field) || (!r.namespaced && field === "metadata.namespace") ? undefined : notSupported(field);
  const conv = fieldLabelConversions.get(kind);
  if (conv) return field === "metadata.name" || conv.labels.includes(field) ? undefined : conv.error(field);
  if (field === "metadata.name" || field === "metadata.namespace") return undefined;
  const sample = objectFields({ kind, metadata: {} });
  if (Object.keys(sample).length > 1) return Object.hasOwn(sample, field) ? undefined : notSupported(field);
  return `${JSON.stringify(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`;
}

/** Whether a kind's field selectors take this label. */
export function supportsField(kind: string, field: string, r?: ResourceInfo): boolean {
  return fieldLabelError(kind, field, r) === undefined;
}

/** The key a watch is registered under. */
export function watchKey(w: Pick<ClientWatch, "client" | "watchId">): string {
  return `${w.client}#${w.watchId}`;
}

/** The index a watch is fanned out from: pods watches of one node by node, the rest by kind. */
function indexOf(w: ClientWatch): "podWatchesByNode" | "watchesByKind" {
  return w.nodeName !== undefined && w.r.kind === "Pod" ? "podWatchesByNode" : "watchesByKind";
}

function indexKey(w: ClientWatch): string {
  return indexOf(w) === "podWatchesByNode" ? w.nodeName! : cacheKind(w.r);
}

/** The cache with a watch registered and indexed for fan-out; a registered watch never changes (frozen, so forks share it). */
export function addWatch(c: WatchCache, w: ClientWatch): WatchCache {
  deepFreeze(w);
  const k = watchKey(w);
  // A watch id the client reuses replaces its earlier watch, which is sent nothing more.
  const base = c.watches.has(k) ? removeWatch(c, w.client, w.watchId) : c;
  const index = indexOf(w);
  const ik = indexKey(w);
  const ws: WatchList = base[index].get(ik) ?? [];
  return { ...base, watches: base.watches.set(k, w), [index]: base[index].set(ik, [...ws, w]) };
}

/** The cache without a watch (its client closed it or went away). */
export function removeWatch(c: WatchCache, client: string, watchId: number): WatchCache {
  const k = `${client}#${watchId}`;
  const w = c.watches.get(k);
  if (!w) return c;
  const index = indexOf(w);
  const ik = indexKey(w);
  const ws = c[index].get(ik);
  return { ...c, watches: c.watches.remove(k), ...(ws ? { [index]: c[index].set(ik, ws.filter((x) => x !== w)) } : {}) };
}

/** The cache without the watches `drop` selects, and those watches: a new cache value, the input untouched. */
export function withoutWatches(c: WatchCache, drop: (w: ClientWatch) => boolean): { cache: WatchCache; dropped: ClientWatch[] } {
  const dropped = [...c.watches.values()].filter(drop);
  let cache = c;
  for (const w of dropped) cache = removeWatch(cache, w.client, w.watchId);
  return { cache, dropped };
}

/** The objects of a kind in the cache, narrowed by namespace and, for pods, by node. */
export function candidates(c: WatchCache, r: ResourceInfo, nodeName?: string): Iterable<any> {
  if (r.kind === "Pod" && nodeName !== undefined) {
    const keys = c.podsByNode.get(nodeName);
    return keys ? [...keys].map((k) => c.objects.get(k)) : [];
  }
  return c.byKind.get(cacheKind(r))?.values() ?? [];
}

export { resourceForKind };
