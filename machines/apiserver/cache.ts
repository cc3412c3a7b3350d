// The API server's watch cache: every object as of the last etcd revision it has seen, indexed
// by resource and (for pods) by node, a bounded history for watches that resume from a
// resourceVersion, and the client watches it fans events out to.

import type { Fx } from "../common/effects.js";
import type { WatchEventType, WatchedEvent } from "../messages.js";
import { resourceForKind, type ResourceInfo } from "./resources.js";
import { matchesFieldSelector, matchesRequirements } from "../common/labels.js";
import { deepFreeze } from "../common/equal.js";

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
}

export interface HistoryEntry {
  revision: number;
  kind: string;
  obj?: any;
  prev?: any;
}

export interface WatchCache {
  revision: number;
  objects: Map<string, any>;
  /** kind -> key -> object */
  byKind: Map<string, Map<string, any>>;
  podsByNode: Map<string, Set<string>>;
  /** entries before historyHead are dropped (trimmed lazily, so a push stays O(1)); read with liveHistory */
  history: HistoryEntry[];
  historyHead?: number;
  historyLimit: number;
  watches: Map<string, ClientWatch>;
  watchesByKind: Map<string, Set<ClientWatch>>;
  podWatchesByNode: Map<string, Set<ClientWatch>>;
}

/** An empty cache. */
export function newWatchCache(historyLimit = 20_000): WatchCache {
  return {
    revision: 1,
    objects: new Map(),
    byKind: new Map(),
    podsByNode: new Map(),
    history: [],
    historyLimit,
    watches: new Map(),
    watchesByKind: new Map(),
    podWatchesByNode: new Map(),
  };
}

/** The object with metadata.resourceVersion set from the etcd modRevision, as the API server decodes it. */
export function withResourceVersion(obj: any, revision: number): any {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
}

function kindMap(c: WatchCache, kind: string): Map<string, any> {
  let m = c.byKind.get(kind);
  if (!m) c.byKind.set(kind, (m = new Map()));
  return m;
}

function indexPod(c: WatchCache, key: string, obj: any, add: boolean): void {
  const node = obj?.spec?.nodeName;
  if (!node) return;
  let s = c.podsByNode.get(node);
  if (add) {
    if (!s) c.podsByNode.set(node, (s = new Set()));
    s.add(key);
  } else s?.delete(key);
}

// What the cache holds and sends is frozen (etcd froze the rest of it): watchers share it by reference,
// and so can the model checker's forks.
function stored(value: any, revision: number): any {
  return deepFreeze(withResourceVersion(value, revision));
}

/** Puts an object straight into the cache (start-up list). */
export function loadObject(c: WatchCache, key: string, value: any, modRevision: number): void {
  const obj = stored(value, modRevision);
  c.objects.set(key, obj);
  kindMap(c, obj.kind).set(key, obj);
  if (obj.kind === "Pod") indexPod(c, key, obj, true);
}

/** Applies etcd watch events to the cache and fans them out to matching client watches. */
export function applyEtcdEvents(c: WatchCache, events: WatchedEvent[], fx: Fx): void {
  for (const e of events) {
    const key = e.kv.key;
    const prev = c.objects.get(key);
    let obj: any;
    if (e.type === "PUT") {
      obj = stored(e.kv.value, e.kv.modRevision);
      c.objects.set(key, obj);
      kindMap(c, obj.kind).set(key, obj);
      if (obj.kind === "Pod") {
        if (prev) indexPod(c, key, prev, false);
        indexPod(c, key, obj, true);
      }
    } else {
      if (!prev) continue;
      c.objects.delete(key);
      c.byKind.get(prev.kind)?.delete(key);
      if (prev.kind === "Pod") indexPod(c, key, prev, false);
    }
    c.revision = e.kv.modRevision;
    const entry: HistoryEntry = Object.freeze({ revision: e.kv.modRevision, kind: (obj ?? prev).kind, obj, prev });
    pushHistory(c, entry);
    fanOut(c, entry, fx);
  }
}

// Keeps the newest historyLimit entries; the array is compacted once the dropped prefix is as long
// as the limit, so each push costs O(1) amortised instead of a splice of the whole window.
function pushHistory(c: WatchCache, entry: HistoryEntry): void {
  c.history.push(entry);
  let head = c.historyHead ?? 0;
  if (c.history.length - head > c.historyLimit) head = c.history.length - c.historyLimit;
  if (head >= c.historyLimit) {
    c.history.splice(0, head);
    head = 0;
  }
  c.historyHead = head;
}

/** The live history entry at index i of the window (0 = the oldest kept). */
export function historyAt(c: WatchCache, i: number): HistoryEntry | undefined {
  return c.history[(c.historyHead ?? 0) + i];
}

/** The oldest resourceVersion a watch may resume from: the revision just before the window's first live entry. */
export function oldestResumable(c: WatchCache): number {
  const first = historyAt(c, 0);
  return first !== undefined ? first.revision - 1 : c.revision;
}

/**
 * The cache with its history window slid to the newest `keep` live entries (a compaction): a new
 * cache value, the input untouched. The dropped head (historyHead) is cut off with the rest, so
 * the window read through historyAt and historySince is exactly the kept entries.
 */
export function slideHistory(c: WatchCache, keep: number): WatchCache {
  const head = c.historyHead ?? 0;
  const live = c.history.length - head;
  if (live <= keep) return c;
  return { ...c, history: c.history.slice(c.history.length - Math.max(0, keep)), historyHead: 0 };
}

/** Live history entries with revision > from, oldest first (binary search: revisions only grow). */
export function historySince(c: WatchCache, from: number): HistoryEntry[] {
  let lo = c.historyHead ?? 0;
  let hi = c.history.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (c.history[mid]!.revision <= from) lo = mid + 1;
    else hi = mid;
  }
  return c.history.slice(lo);
}

function fanOut(c: WatchCache, h: HistoryEntry, fx: Fx): void {
  const ws = c.watchesByKind.get(h.kind);
  if (ws) for (const w of ws) sendIfMatching(w, h, fx);
  if (h.kind === "Pod") {
    const nodes = new Set<string>();
    if (h.prev?.spec?.nodeName) nodes.add(h.prev.spec.nodeName);
    if (h.obj?.spec?.nodeName) nodes.add(h.obj.spec.nodeName);
    for (const n of nodes) {
      const nws = c.podWatchesByNode.get(n);
      if (nws) for (const w of nws) sendIfMatching(w, h, fx);
    }
  }
}

/** The event a watch sees for a change, or undefined: objects entering or leaving its selection are ADDED or DELETED. */
export function eventFor(w: ClientWatch, h: HistoryEntry): { eventType: WatchEventType; object: any } | undefined {
  const was = h.prev !== undefined && matches(w, h.prev);
  const is = h.obj !== undefined && matches(w, h.obj);
  if (is && was) return { eventType: "MODIFIED", object: h.obj };
  if (is) return { eventType: "ADDED", object: h.obj };
  if (was) {
    // a deleted object is sent with the revision of its deletion
    const last = h.obj ?? stored(h.prev, h.revision);
    return { eventType: "DELETED", object: last };
  }
  return undefined;
}

function sendIfMatching(w: ClientWatch, h: HistoryEntry, fx: Fx): void {
  const ev = eventFor(w, h);
  if (ev) fx.send(w.client, { type: "WatchEvent", watchId: w.watchId, ...ev });
}

/** Whether an object falls in a watch's or list's selection. */
export function matches(w: Pick<ClientWatch, "namespace" | "name" | "labelReqs" | "fieldReqs">, obj: any): boolean {
  const m = obj.metadata ?? {};
  if (w.namespace && m.namespace !== w.namespace) return false;
  if (w.name && m.name !== w.name) return false;
  if (w.labelReqs && !matchesRequirements(w.labelReqs, m.labels ?? {})) return false;
  if (w.fieldReqs && !matchesFieldSelector(w.fieldReqs, objectFields(obj))) return false;
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
      f["source"] = obj.source?.component ?? "";
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
    case "ReplicaSet":
      f["status.replicas"] = String(obj.status?.replicas ?? 0);
      break;
    case "Job":
      f["status.successful"] = String(obj.status?.succeeded ?? 0);
      break;
  }
  return f;
}

/** Field selectors a kind supports; any other is refused with "field label not supported". */
export function supportsField(kind: string, field: string): boolean {
  if (field === "metadata.name" || field === "metadata.namespace") return true;
  const sample = objectFields({ kind, metadata: {} });
  return Object.hasOwn(sample, field);
}

/** Registers a watch and indexes it for fan-out; a registered watch never changes (frozen, so forks share it). */
export function addWatch(c: WatchCache, w: ClientWatch): void {
  deepFreeze(w);
  c.watches.set(`${w.client}#${w.watchId}`, w);
  if (w.nodeName !== undefined && w.r.kind === "Pod") {
    let s = c.podWatchesByNode.get(w.nodeName);
    if (!s) c.podWatchesByNode.set(w.nodeName, (s = new Set()));
    s.add(w);
  } else {
    let s = c.watchesByKind.get(w.r.kind);
    if (!s) c.watchesByKind.set(w.r.kind, (s = new Set()));
    s.add(w);
  }
}

/** Removes a watch (client closed it or went away). */
export function removeWatch(c: WatchCache, client: string, watchId: number): void {
  const k = `${client}#${watchId}`;
  const w = c.watches.get(k);
  if (!w) return;
  c.watches.delete(k);
  c.watchesByKind.get(w.r.kind)?.delete(w);
  if (w.nodeName !== undefined) c.podWatchesByNode.get(w.nodeName)?.delete(w);
}

/** The cache without the watches `drop` selects, and those watches: a new cache value (new indexes), the input untouched. */
export function withoutWatches(c: WatchCache, drop: (w: ClientWatch) => boolean): { cache: WatchCache; dropped: ClientWatch[] } {
  const dropped = [...c.watches.values()].filter(drop);
  if (dropped.length === 0) return { cache: c, dropped };
  const gone = new Set(dropped);
  const watches = new Map([...c.watches].filter(([, w]) => !gone.has(w)));
  const prune = (index: Map<string, Set<ClientWatch>>) => {
    const out = new Map<string, Set<ClientWatch>>();
    // every set is new: the cache's own steps add to them in place, and the input must not change
    for (const [k, ws] of index) out.set(k, new Set([...ws].filter((w) => !gone.has(w))));
    return out;
  };
  return { cache: { ...c, watches, watchesByKind: prune(c.watchesByKind), podWatchesByNode: prune(c.podWatchesByNode) }, dropped };
}

/** The objects of a kind in the cache, narrowed by namespace and, for pods, by node. */
export function candidates(c: WatchCache, r: ResourceInfo, nodeName?: string): Iterable<any> {
  if (r.kind === "Pod" && nodeName !== undefined) {
    const keys = c.podsByNode.get(nodeName);
    return keys ? [...keys].map((k) => c.objects.get(k)) : [];
  }
  return c.byKind.get(r.kind)?.values() ?? [];
}

export { resourceForKind };
