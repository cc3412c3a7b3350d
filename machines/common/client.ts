// What every component needs to talk to the API server: request ids, pending requests, and
// informers (list, then watch from the list's resourceVersion, re-list when the watch is lost).
// Pure data kept in a machine's context; sending goes through Fx.
//
// Contexts are values: the functions here run on a step's draft, and what grows with the cluster
// (the stores, their indexes, pending requests, the event cache) is persistent (immutable.js), so
// a write costs O(log n) instead of a copy of the whole collection. Ordered maps keep insertion
// order, as the native Maps they replace did (store order decides what syncs first). Objects held
// in them are never changed in place: they are replaced.

import { Map as IMap, OrderedMap } from "immutable";
import type { Fx } from "./effects.js";
import { plainOf } from "./step.js";
import type { ApiRequest, ApiResponse, WatchEvent } from "../messages.js";
import { rfc3339 } from "./time.js";
import { mutant } from "./mutation.js";

export interface ClientState {
  token: string;
  nextId: number;
  /** request id -> what the response is for */
  pending: OrderedMap<number, PendingRequest>;
  informers: Map<number, Informer>;
  /** events already recorded, by what makes them the same (client-go's EventCorrelator cache), oldest first */
  events?: OrderedMap<string, RecordedEvent>;
}

export interface RecordedEvent {
  readonly name: string;
  readonly namespace: string;
  readonly count: number;
  readonly firstTimestamp: string;
}

export interface PendingRequest {
  purpose: string;
  data?: any;
  req: ApiRequest;
  attempt: number;
}

/** An informer's store: key (namespace/name) -> object, in insertion order; a persistent value. */
export type Store<T = any> = OrderedMap<string, T>;

/** One informer: a local store of one resource, kept by list+watch. */
export interface Informer {
  watchId: number;
  group: string;
  resource: string;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  store: Store;
  resourceVersion: string;
  synced: boolean;
  listId?: number;
  /** secondary indexes by label pairs, built on first use and then kept in step with the store */
  index?: StoreIndex;
}

/** Keys of the store's objects by "namespace\0key\0value" of their labels or (Services) selector pairs. */
export interface StoreIndex {
  /** key -> insertion number, so indexed lookups return objects in store order */
  readonly seq: IMap<string, number>;
  readonly next: number;
  readonly labels: IMap<string, Posting>;
  readonly selector: IMap<string, Posting>;
  /** uid of the controller ownerReference -> keys of the objects it controls */
  readonly owners: IMap<string, Posting>;
}

/** The keys under one index entry, each with its insertion number (store order without a lookup). */
type Posting = OrderedMap<string, number>;

/** A fresh client identity. */
export function newClient(token: string): ClientState {
  return { token, nextId: 1, pending: OrderedMap(), informers: new Map() };
}

/** Sends a request to the API server and remembers why, for when the response comes. */
export function request(c: ClientState, fx: Fx, req: Omit<ApiRequest, "type" | "id" | "token">, purpose: string, data?: any): number {
  const id = c.nextId++;
  // plain copies: the pending map is persistent, and a draft kept in it would be revoked
  const full: ApiRequest = plainOf({ type: "ApiRequest", id, token: c.token, ...req });
  c.pending = c.pending.set(id, { purpose, data: plainOf(data), req: full, attempt: 0 });
  fx.send("apiserver", full);
  return id;
}

/** Takes the pending request a response answers (undefined if unknown: a duplicate, or lost state). */
export function settleResponse(c: ClientState, res: ApiResponse): PendingRequest | undefined {
  const p = c.pending.get(res.id);
  if (p) c.pending = c.pending.delete(res.id);
  return p;
}

/** What a controller does with an informer's delta, named by the informer's watch id. */
export type DeltaHandler = (watchId: number, delta: InformerDelta, fx: Fx) => void;

/** True when every informer of the client has listed (its cache is synced). */
export function informersSynced(c: ClientState): boolean {
  for (const inf of c.informers.values()) if (!inf.synced) return false;
  return true;
}

/** The key of an object in an informer's store: namespace/name. */
export function objectKey(obj: any): string {
  const m = obj.metadata;
  return m.namespace ? `${m.namespace}/${m.name}` : m.name;
}

/** Starts an informer: list first; the watch opens from the list's resourceVersion when it returns. */
export function startInformer(
  c: ClientState,
  fx: Fx,
  watchId: number,
  spec: { group: string; resource: string; namespace?: string; labelSelector?: string; fieldSelector?: string },
): Informer {
  const inf: Informer = { watchId, ...spec, store: OrderedMap(), resourceVersion: "", synced: false };
  c.informers.set(watchId, inf);
  relist(c, fx, inf);
  return inf;
}

/** Lists again (after start or a lost watch). */
export function relist(c: ClientState, fx: Fx, inf: Informer): void {
  inf.synced = false;
  const req: Omit<ApiRequest, "type" | "id" | "token"> = { verb: "list", group: inf.group, resource: inf.resource };
  if (inf.namespace) req.namespace = inf.namespace;
  if (inf.labelSelector) req.labelSelector = inf.labelSelector;
  if (inf.fieldSelector) req.fieldSelector = inf.fieldSelector;
  inf.listId = request(c, fx, req, "informer-list", inf.watchId);
}

export interface InformerDelta {
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: any;
  old?: any;
}

/** Replaces the store with a list result and opens the watch; returns the deltas against the old store. */
export function onListed(c: ClientState, fx: Fx, inf: Informer, list: any): InformerDelta[] {
  const deltas: InformerDelta[] = [];
  const prev = inf.store;
  const fresh = OrderedMap<string, any>().withMutations((m) => {
    for (const item of list.items) {
      const obj = item.kind ? item : { ...item, kind: list.kind.replace(/List$/, ""), apiVersion: list.apiVersion };
      const k = objectKey(obj);
      m.set(k, obj);
      const old = prev.get(k);
      if (!old) deltas.push({ type: "ADDED", object: obj });
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) deltas.push({ type: "MODIFIED", object: obj, old });
    }
    if (mutant("informer.relist-keeps-deleted")) for (const [k, old] of prev) if (!m.has(k)) m.set(k, old);
  });
  for (const [k, old] of prev) if (!fresh.has(k)) deltas.push({ type: "DELETED", object: old, old });
  inf.store = fresh;
  inf.index = undefined;
  inf.resourceVersion = list.metadata.resourceVersion;
  inf.synced = true;
  const req: ApiRequest = { type: "ApiRequest", id: c.nextId++, token: c.token, verb: "watch", group: inf.group, resource: inf.resource, watchId: inf.watchId, resourceVersion: inf.resourceVersion };
  if (inf.namespace) req.namespace = inf.namespace;
  if (inf.labelSelector) req.labelSelector = inf.labelSelector;
  if (inf.fieldSelector) req.fieldSelector = inf.fieldSelector;
  fx.send("apiserver", req);
  return deltas;
}

/** Applies a watch event to the store; an ERROR (410 Gone) means re-list. */
export function onWatchEvent(c: ClientState, fx: Fx, ev: WatchEvent): InformerDelta | "relisted" | undefined {
  const inf = c.informers.get(ev.watchId);
  if (!inf) return undefined;
  if (ev.eventType === "ERROR") {
    relist(c, fx, inf);
    return "relisted";
  }
  if (ev.eventType === "BOOKMARK") {
    inf.resourceVersion = ev.object.metadata.resourceVersion;
    return undefined;
  }
  const k = objectKey(ev.object);
  const old = inf.store.get(k);
  inf.resourceVersion = ev.object.metadata.resourceVersion;
  if (ev.eventType === "DELETED") {
    inf.store = inf.store.delete(k);
    if (inf.index !== undefined && old !== undefined) inf.index = unindex(inf.index, k, old, true);
    return { type: "DELETED", object: ev.object, old };
  }
  inf.store = inf.store.set(k, ev.object);
  if (inf.index !== undefined && (old === undefined || !sameIndexKeys(old, ev.object))) {
    inf.index = addToIndex(old === undefined ? inf.index : unindex(inf.index, k, old, false), k, ev.object);
  }
  return { type: ev.eventType, object: ev.object, old };
}

function pairs(ns: string, m: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  if (m) for (const k in m) out.push(`${ns}\0${k}\0${m[k]}`);
  return out;
}

function post(map: IMap<string, Posting>, pair: string, key: string, n: number): IMap<string, Posting> {
  const s = map.get(pair);
  if (s !== undefined && s.has(key)) return map;
  return map.set(pair, (s ?? OrderedMap<string, number>()).set(key, n));
}

function unpost(map: IMap<string, Posting>, pair: string, key: string): IMap<string, Posting> {
  const s = map.get(pair);
  if (s === undefined || !s.has(key)) return map;
  const rest = s.delete(key);
  return rest.size === 0 ? map.delete(pair) : map.set(pair, rest);
}

/** The index with obj under key (a new value; ix is not changed). */
function addToIndex(ix: StoreIndex, key: string, obj: any): StoreIndex {
  let { seq, next, labels, selector, owners } = ix;
  let n = seq.get(key);
  if (n === undefined) seq = seq.set(key, (n = next++));
  const ns = obj.metadata?.namespace ?? "";
  for (const p of pairs(ns, obj.metadata?.labels)) labels = post(labels, p, key, n);
  for (const p of pairs(ns, obj.spec?.selector)) selector = post(selector, p, key, n);
  const owner = controllerUid(obj);
  if (owner !== undefined) owners = post(owners, owner, key, n);
  return { seq, next, labels, selector, owners };
}

function controllerUid(obj: any): string | undefined {
  const refs = obj.metadata?.ownerReferences;
  if (refs === undefined) return undefined;
  for (const r of refs) if (r.controller === true) return r.uid;
  return undefined;
}

/** The index without obj under key (its insertion number kept unless the object is gone). */
function unindex(ix: StoreIndex, key: string, obj: any, gone: boolean): StoreIndex {
  let { seq, labels, selector, owners } = ix;
  if (gone) seq = seq.delete(key);
  const ns = obj.metadata?.namespace ?? "";
  for (const p of pairs(ns, obj.metadata?.labels)) labels = unpost(labels, p, key);
  for (const p of pairs(ns, obj.spec?.selector)) selector = unpost(selector, p, key);
  const owner = controllerUid(obj);
  if (owner !== undefined) owners = unpost(owners, owner, key);
  return { seq, next: ix.next, labels, selector, owners };
}

function storeIndex(inf: Informer): StoreIndex {
  if (inf.index === undefined) {
    let ix: StoreIndex = { seq: IMap(), next: 0, labels: IMap(), selector: IMap(), owners: IMap() };
    for (const [k, obj] of inf.store) ix = addToIndex(ix, k, obj);
    inf.index = ix;
  }
  return inf.index;
}

function inStoreOrder(inf: Informer, entries: Iterable<readonly [string, number]>): any[] {
  const es = [...entries];
  // Index entries are usually in store order already: check in one pass before paying for a sort.
  let prev = -1;
  let sorted = true;
  for (const e of es) {
    if (e[1] < prev) {
      sorted = false;
      break;
    }
    prev = e[1];
  }
  if (!sorted) es.sort((a, b) => a[1] - b[1]);
  return es.map((e) => inf.store.get(e[0]));
}

// A modification that keeps namespace, labels, selector and controller leaves the index as it is.
function sameIndexKeys(a: any, b: any): boolean {
  return (a.metadata?.namespace ?? "") === (b.metadata?.namespace ?? "") && sameStrings(a.metadata?.labels, b.metadata?.labels)
    && sameStrings(a.spec?.selector, b.spec?.selector) && controllerUid(a) === controllerUid(b);
}

function sameStrings(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  for (const _k in b) n--;
  return n === 0;
}

/**
 * The objects in namespace ns whose labels include every pair of a non-empty selector, in store
 * order (what filtering the whole namespace would give, without scanning it).
 */
export function storeSelect(inf: Informer, ns: string, selector: Record<string, string>): any[] {
  return inStoreOrder(inf, selectEntries(inf, storeIndex(inf), ns, selector));
}

/** The index entries (key, insertion number) storeSelect returns, in no particular order. */
function selectEntries(inf: Informer, ix: StoreIndex, ns: string, selector: Record<string, string>): Iterable<readonly [string, number]> {
  let best: Posting | undefined;
  let n = 0;
  for (const p of pairs(ns, selector)) {
    const s = ix.labels.get(p);
    if (s === undefined || s.size === 0) return [];
    if (best === undefined || s.size < best.size) best = s;
    n++;
  }
  if (best === undefined) return [];
  // One pair: its index entry is exactly the answer.
  if (n === 1) return best.entries();
  const hit: [string, number][] = [];
  for (const e of best) {
    const labels = inf.store.get(e[0])?.metadata?.labels;
    let ok = true;
    for (const sk in selector) if (labels?.[sk] !== selector[sk]) { ok = false; break; }
    if (ok) hit.push(e);
  }
  return hit;
}

/** The objects in namespace ns whose spec.selector pairs all appear in these labels (Services selecting a pod), in store order; empty selectors select nothing. */
export function storeSelecting(inf: Informer, ns: string, labels: Record<string, string> | undefined): any[] {
  const ix = storeIndex(inf);
  const cand = new Map<string, number>();
  for (const p of pairs(ns, labels)) for (const [k, n] of ix.selector.get(p) ?? []) cand.set(k, n);
  const hit: [string, number][] = [];
  for (const e of cand) {
    const sel = inf.store.get(e[0])?.spec?.selector as Record<string, string> | undefined;
    let ok = sel !== undefined;
    for (const sk in sel) if (labels?.[sk] !== sel[sk]) { ok = false; break; }
    if (ok) hit.push(e);
  }
  return inStoreOrder(inf, hit);
}

/**
 * The objects in namespace ns that a controller with this uid and selector must look at when it
 * claims (ClaimPods): those whose labels match the selector's matchLabels, plus those it
 * controls, in store order. A superset of what claiming keeps; without matchLabels, the namespace.
 */
export function storeClaimCandidates(inf: Informer, ns: string | undefined, selector: { matchLabels?: Record<string, string> } | undefined | null, uid: string | undefined): any[] {
  const ix = storeIndex(inf);
  const keys = new Map<string, number>();
  const ml = selector?.matchLabels;
  if (selector !== undefined && selector !== null && (ml === undefined || Object.keys(ml).length === 0)) {
    for (const [k, obj] of inf.store) if (obj.metadata?.namespace === ns) keys.set(k, ix.seq.get(k)!);
  } else if (ml !== undefined) {
    // index entries, not objects: the one inStoreOrder below puts them in store order
    for (const [k, n] of selectEntries(inf, ix, ns ?? "", ml)) keys.set(k, n);
  }
  if (uid !== undefined) for (const [k, n] of ix.owners.get(uid) ?? []) if (inf.store.get(k)?.metadata?.namespace === ns) keys.set(k, n);
  return inStoreOrder(inf, keys);
}

/** The objects whose controller ownerReference has this uid, in namespace ns, in store order. */
export function storeControlledBy(inf: Informer, ns: string | undefined, uid: string | undefined): any[] {
  if (uid === undefined) return [];
  const hit: [string, number][] = [];
  for (const e of storeIndex(inf).owners.get(uid) ?? []) if (inf.store.get(e[0])?.metadata?.namespace === ns) hit.push(e);
  return inStoreOrder(inf, hit);
}

export interface EventSource {
  component: string;
  host?: string;
}

/** A core/v1 Event about an object, as client-go's event recorder makes it. */
export function newEvent(involved: any, type: "Normal" | "Warning", reason: string, message: string, source: EventSource, now: number, seq: number): any {
  const m = involved.metadata ?? {};
  const t = rfc3339(now);
  // client-go names events <object>.<unix nanos in hex>; the sub-millisecond digits come from the
  // reporting component and its own counter, so two components' events of one instant stay apart
  let h = 0;
  for (const ch of `${source.component}/${source.host ?? ""}`) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  const nanos = BigInt(now) * 1_000_000n + BigInt((h % 1000) * 1000 + (seq % 1000));
  const ev: any = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${m.name}.${nanos.toString(16)}`, namespace: m.namespace ?? "default" },
    involvedObject: { kind: involved.kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: involved.apiVersion, resourceVersion: m.resourceVersion },
    reason,
    message,
    source: source.host ? { component: source.component, host: source.host } : { component: source.component },
    firstTimestamp: t,
    lastTimestamp: t,
    count: 1,
    type,
    eventTime: null,
    reportingComponent: source.component,
    reportingInstance: source.host ?? "",
  };
  if (!m.namespace) delete ev.involvedObject.namespace;
  return ev;
}

/** Sends an Event to the API server (fire and forget, as the recorder does). */
export function recordEvent(c: ClientState, fx: Fx, involved: any, type: "Normal" | "Warning", reason: string, message: string, source: EventSource, now: number, fieldPath?: string): void {
  const ev = newEvent(involved, type, reason, message, source, now, c.nextId);
  if (fieldPath) ev.involvedObject.fieldPath = fieldPath;
  // The same event again (same source, object, type, reason and message) is counted on the first
  // one, as client-go's EventCorrelator does: kubectl shows "(x3 over 10s)".
  const m = involved.metadata ?? {};
  const key = [source.component, source.host ?? "", involved.kind, m.namespace ?? "", m.name, m.uid ?? "", fieldPath ?? "", type, reason, message].join("\u0000");
  const events = c.events ?? OrderedMap<string, RecordedEvent>();
  const seen = events.get(key);
  if (seen) {
    // replaced, not counted in place: the cache is a value shared with earlier snapshots
    c.events = events.set(key, { ...seen, count: seen.count + 1 });
    const patch = { count: seen.count + 1, lastTimestamp: ev.lastTimestamp };
    request(c, fx, { verb: "patch", group: "", resource: "events", namespace: seen.namespace, name: seen.name, patchType: "strategic", body: patch }, "event");
    return;
  }
  // bounded as client-go's LRU (4096 entries)
  const kept = events.size >= 4096 ? events.delete(events.keySeq().first()!) : events;
  c.events = kept.set(key, { name: ev.metadata.name, namespace: ev.metadata.namespace, count: 1, firstTimestamp: ev.firstTimestamp });
  request(c, fx, { verb: "create", group: "", resource: "events", namespace: ev.metadata.namespace, body: ev }, "event");
}
