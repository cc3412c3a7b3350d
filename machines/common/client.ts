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
import { rfc3339, rfc3339Micro } from "./time.js";
import { mutant } from "./mutation.js";
import { InformerMap } from "./informermap.js";
import { correlate, newCorrelator, updateState, type Correlator, type CoreEvent } from "./eventcorrelator.js";
import { finishSeries, observeV1, referenceOf, refreshSeries, type EventV1, type SeriesCache } from "./eventseries.js";
import { PendingMap } from "./pendingmap.js";

export interface ClientState {
  token: string;
  nextId: number;
  /** request id -> what the response is for */
  pending: PendingMap<PendingRequest>;
  /** watch id -> informer: a persistent map of values, so a step's draft never proxies an informer */
  informers: InformerMap<Informer>;
  /** client-go's EventCorrelator (aggregator, logger and spam filter caches) of the legacy recorder */
  correlator?: Correlator;
  /** client-go's events.k8s.io/v1 broadcaster: the isomorphic events recorded (kube-scheduler's) */
  series?: SeriesCache;
}

export interface PendingRequest {
  purpose: string;
  data?: any;
  req: ApiRequest;
  attempt: number;
}

/** An informer's store: key (namespace/name) -> object, in insertion order; a persistent value. */
export type Store<T = any> = OrderedMap<string, T>;

/** One informer: a local store of one resource, kept by list+watch. A value: replaced, never changed in place. */
export interface Informer {
  readonly watchId: number;
  readonly group: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly store: Store;
  readonly resourceVersion: string;
  readonly synced: boolean;
  readonly listId?: number;
  /** secondary indexes by label pairs, selector pairs and controller, kept in step with the store (informers started `indexed`) */
  readonly index?: StoreIndex;
}

/** Replaces an informer of the client with its next value. */
export function setInformer(c: ClientState, inf: Informer): Informer {
  c.informers = c.informers.set(inf.watchId, inf);
  return inf;
}

/**
 * Secondary indexes of a store: the keys of its objects by "namespace\0key\0value" of their
 * labels or (Services) selector pairs, and by the uid of their controller. A class, so a step's
 * draft never proxies it: it is a value, replaced whole (withEntry/without), never changed in place.
 */
export class StoreIndex {
  constructor(
    /** the indexes kept (LABELS | SELECTOR | OWNERS): the others stay empty */
    readonly kinds: number,
    /** key -> insertion number, so indexed lookups return objects in store order */
    readonly seq: IMap<string, number>,
    readonly next: number,
    readonly labels: IMap<string, Posting>,
    readonly selector: IMap<string, Posting>,
    /** uid of the controller ownerReference -> the objects it controls */
    readonly owners: IMap<string, Posting>,
  ) {}
}

/** One object under an index entry, with its insertion number (store order without a lookup). */
interface IndexEntry {
  readonly n: number;
  readonly obj: any;
}

/**
 * The keys under one index entry, with their insertion numbers. Keys, not objects: lookups read
 * the objects in the store, so a modification that keeps an object's index keys (most of them:
 * status, binding) changes no posting.
 */
type Posting = IMap<string, number>;

/** The secondary indexes an informer can keep: by label pair, by (Services) selector pair, by controller uid. */
export type IndexKind = "labels" | "selector" | "owners";
const LABELS = 1, SELECTOR = 2, OWNERS = 4;
const KIND_BITS: Record<IndexKind, number> = { labels: LABELS, selector: SELECTOR, owners: OWNERS };

/** A fresh client identity. */
export function newClient(token: string): ClientState {
  return { token, nextId: 1, pending: PendingMap.empty(), informers: InformerMap.empty() };
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
  // indexed: true keeps every index; a list keeps only the indexes the controller reads
  spec: { group: string; resource: string; namespace?: string; labelSelector?: string; fieldSelector?: string; indexed?: boolean | readonly IndexKind[] },
): Informer {
  const { indexed, ...what } = spec;
  const kinds = indexed === true ? LABELS | SELECTOR | OWNERS : indexed ? indexed.reduce((m, k) => m | KIND_BITS[k], 0) : 0;
  const inf: Informer = { watchId, ...what, store: OrderedMap(), resourceVersion: "", synced: false, ...(indexed ? { index: emptyIndex(kinds) } : {}) };
  setInformer(c, inf);
  return relist(c, fx, inf);
}

/** Lists again (after start or a lost watch). */
export function relist(c: ClientState, fx: Fx, inf: Informer): Informer {
  const req: Omit<ApiRequest, "type" | "id" | "token"> = { verb: "list", group: inf.group, resource: inf.resource };
  if (inf.namespace) req.namespace = inf.namespace;
  if (inf.labelSelector) req.labelSelector = inf.labelSelector;
  if (inf.fieldSelector) req.fieldSelector = inf.fieldSelector;
  const listId = request(c, fx, req, "informer-list", inf.watchId);
  return setInformer(c, { ...inf, synced: false, listId });
}

export interface InformerDelta {
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: any;
  old?: any;
}

/** Replaces the store with a list result and opens the watch; returns the deltas against the old store. */
export function onListed(c: ClientState, fx: Fx, inf: Informer, list: any): InformerDelta[] {
  inf = c.informers.get(inf.watchId) ?? inf;
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
  inf = setInformer(c, { ...inf, store: fresh, index: inf.index && indexOf(fresh, inf.index.kinds), resourceVersion: list.metadata.resourceVersion, synced: true });
  watchFrom(c, fx, inf);
  return deltas;
}

/** Opens the informer's watch from the resourceVersion it is at (its list's, or the last event's). */
function watchFrom(c: ClientState, fx: Fx, inf: Informer): void {
  const req: ApiRequest = { type: "ApiRequest", id: c.nextId++, token: c.token, verb: "watch", group: inf.group, resource: inf.resource, watchId: inf.watchId, resourceVersion: inf.resourceVersion };
  if (inf.namespace) req.namespace = inf.namespace;
  if (inf.labelSelector) req.labelSelector = inf.labelSelector;
  if (inf.fieldSelector) req.fieldSelector = inf.fieldSelector;
  fx.send("apiserver", req);
}

/** Applies a watch event to the store (of inf, its informer, when the caller has it already); an ERROR (410 Gone) means re-list, a stream CLOSED without one a new watch from where it was. */
export function onWatchEvent(c: ClientState, fx: Fx, ev: WatchEvent, inf: Informer | undefined = c.informers.get(ev.watchId)): InformerDelta | "relisted" | undefined {
  if (!inf) return undefined;
  if (ev.eventType === "ERROR") {
    relist(c, fx, inf);
    return "relisted";
  }
  if (ev.eventType === "CLOSED") {
    // reflector.watch: a watch that ends without an error is opened again from the last
    // resourceVersion seen; only a 410 for it (compacted meanwhile) makes the informer re-list.
    watchFrom(c, fx, inf);
    return undefined;
  }
  if (ev.eventType === "BOOKMARK") {
    setInformer(c, { ...inf, resourceVersion: ev.object.metadata.resourceVersion });
    return undefined;
  }
  const next = appliedEvent(inf.store, inf.index, ev.eventType, ev.object);
  setInformer(c, afterEvent(inf, next.store, next.index, ev.object.metadata.resourceVersion));
  return { type: ev.eventType, object: ev.object, old: next.old };
}

/**
 * The informer with the store, index and resourceVersion after a watch event: copyWith's value
 * (an index key added when absent, key order kept) without its second source to copy from (an
 * informer's keys are this file's, never "__proto__").
 */
function afterEvent(inf: Informer, store: Store, index: StoreIndex | undefined, resourceVersion: string): Informer {
  const next: { -readonly [K in keyof Informer]: Informer[K] } = Object.assign({}, inf);
  next.store = store;
  next.index = index;
  next.resourceVersion = resourceVersion;
  return next;
}

/** An informer's store and index after one watch event. */
interface AppliedEvent {
  readonly type: string;
  /** the store and index the event was applied to */
  readonly fromStore: Store;
  readonly from: StoreIndex | undefined;
  /** the object the store held under the event's key before it */
  readonly old: any;
  readonly store: Store;
  readonly index: StoreIndex | undefined;
}

// The controllers' informers of one resource see the same events from the same start, so they hold
// the same store values (kube-controller-manager shares one informer per resource between its
// controllers): the store after an event is made once, by the first informer to see it, and the
// others take the same value; so is the index after it, per index kinds (controllers index what
// they read, so their stores are shared even where their indexes differ). Looked up by identity
// of what they are made of (stores, indexes and objects are values); memos of the newest events
// only, the values are the same without them. Bounded, not weak: weakly held stores would outlive
// their informers until a full GC.
const appliedEventsKept = 256;

/**
 * A memo of the newest objects' results, the oldest object forgotten first. The oldest is found in
 * a ring of the keys: a Map's first key after many deletions is found by skipping their holes.
 */
class Memo<T> {
  private readonly byObj = new Map<object, T[]>();
  private readonly ring: (object | undefined)[] = new Array(appliedEventsKept).fill(undefined);
  private at = 0;

  get(obj: object): T[] | undefined {
    return this.byObj.get(obj);
  }

  /** The results kept for obj, a new list (the oldest object's forgotten) when it has none. */
  remembered(obj: object): T[] {
    let made = this.byObj.get(obj);
    if (made === undefined) {
      const oldest = this.ring[this.at];
      if (oldest !== undefined) this.byObj.delete(oldest);
      this.ring[this.at] = obj;
      this.at = (this.at + 1) % appliedEventsKept;
      this.byObj.set(obj, (made = []));
    }
    return made;
  }
}
const appliedEvents = new Memo<AppliedEvent>();
const storeSteps = new Memo<AppliedEvent>();

/** The store and index after an ADDED, MODIFIED or DELETED event of obj. */
function appliedEvent(store: Store, index: StoreIndex | undefined, type: string, obj: any): AppliedEvent {
  const byStore = storeSteps.get(obj);
  let s: AppliedEvent | undefined;
  if (byStore !== undefined) for (const a of byStore) if (a.fromStore === store && a.type === type) s = a;
  if (s === undefined) storeSteps.remembered(obj).push((s = storeStep(store, type, obj)));
  if (index === undefined) return s;
  const made = appliedEvents.get(obj);
  if (made !== undefined) for (const a of made) if (a.fromStore === store && a.from === index && a.type === type) return a;
  const a = indexStep(s, index, obj);
  appliedEvents.remembered(obj).push(a);
  return a;
}

/** The store after the event, without an index. */
function storeStep(fromStore: Store, type: string, obj: any): AppliedEvent {
  const k = objectKey(obj);
  const old = fromStore.get(k);
  const store = type === "DELETED" ? fromStore.delete(k) : fromStore.set(k, obj);
  return { type, fromStore, from: undefined, old, store, index: undefined };
}

/** The index after the event s applied to its store; the counts and history kept for the store move with it once. */
function indexStep(s: AppliedEvent, from: StoreIndex, obj: any): AppliedEvent {
  const { type, fromStore, old, store } = s;
  if (old === undefined && type === "DELETED") return { ...s, from, index: from };
  const k = objectKey(obj);
  const into = type === "DELETED" ? undefined : obj;
  // postings hold keys: a modification that keeps the index keys leaves the index as it is
  const index = into !== undefined && old !== undefined && sameIndexKeys(old, into, from.kinds) ? from : indexAfter(from, k, old, into, type);
  if (index.kinds & LABELS) {
    moveCounts(fromStore, store, index, old, into);
    noteChange(fromStore, store, k);
  }
  return { type, fromStore, from, old, store, index };
}

// Informers of other index kinds hold the same parts (the insertion numbers, the label postings,
// the owner postings) after the same events: each part after an event is made once, by identity
// of the part and the insertion numbers it was made from, and of the objects before and after.
interface PartStep {
  readonly part: number;
  readonly fromSeq: IMap<string, number>;
  readonly from: unknown;
  readonly old: any;
  readonly type: string;
  readonly to: unknown;
}
const partSteps = new Memo<PartStep>();
const SEQ = 0;

function sharedPart<T>(part: number, ix: StoreIndex, from: unknown, old: any, obj: any, type: string, make: () => T): T {
  const made = partSteps.get(obj);
  if (made !== undefined) for (const p of made) if (p.part === part && p.from === from && p.fromSeq === ix.seq && p.old === old && p.type === type) return p.to as T;
  const to = make();
  partSteps.remembered(obj).push({ part, fromSeq: ix.seq, from, old, type, to });
  return to;
}

/** The index with the object under key changed from old to into (either undefined: added, deleted), part by part. */
function indexAfter(ix: StoreIndex, key: string, old: any, into: any, type: string): StoreIndex {
  const obj = into ?? old;
  const [seq, next] = sharedPart(SEQ, ix, ix.seq, old, obj, type, (): [IMap<string, number>, number] => {
    if (into === undefined) return [ix.seq.delete(key), ix.next];
    return ix.seq.has(key) ? [ix.seq, ix.next] : [ix.seq.set(key, ix.next), ix.next + 1];
  });
  const n = seq.get(key) ?? -1;
  const ns = obj.metadata?.namespace ?? "";
  const kinds = ix.kinds;
  const labels = kinds & LABELS ? sharedPart(LABELS, ix, ix.labels, old, obj, type, () => repost(ix.labels, key, n, pairs(ns, old?.metadata?.labels), into && pairs(ns, into.metadata?.labels))) : ix.labels;
  const selector = kinds & SELECTOR ? sharedPart(SELECTOR, ix, ix.selector, old, obj, type, () => repost(ix.selector, key, n, pairs(ns, old?.spec?.selector), into && pairs(ns, into.spec?.selector))) : ix.selector;
  const owners = kinds & OWNERS ? sharedPart(OWNERS, ix, ix.owners, old, obj, type, () => repost(ix.owners, key, n, ownerPairs(old), into && ownerPairs(into))) : ix.owners;
  return new StoreIndex(kinds, seq, next, labels, selector, owners);
}

function ownerPairs(obj: any): string[] {
  const uid = obj === undefined ? undefined : controllerUid(obj);
  return uid === undefined ? [] : [uid];
}

/** The postings with key out of the entries only `was` names, and under every entry `now` names (undefined: deleted). */
function repost(map: IMap<string, Posting>, key: string, n: number, was: string[], now: string[] | undefined): IMap<string, Posting> {
  for (const p of was) if (now === undefined || !now.includes(p)) map = unpost(map, p, key);
  if (now === undefined) return map;
  // one copy of the map for all of an object's entries
  if (now.length > 1) return map.withMutations((m) => { for (const p of now) post(m, p, key, n); });
  for (const p of now) map = post(map, p, key, n);
  return map;
}

function pairs(ns: string, m: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  if (m) for (const k in m) out.push(`${ns}\0${k}\0${m[k]}`);
  return out;
}

function post(map: IMap<string, Posting>, pair: string, key: string, n: number): IMap<string, Posting> {
  const s = map.get(pair);
  if (s === undefined) return map.set(pair, IMap<string, number>().set(key, n));
  // already there (a pair the object kept): the posting stays the same value
  if (s.get(key) === n) return map;
  return map.set(pair, s.set(key, n));
}

function unpost(map: IMap<string, Posting>, pair: string, key: string): IMap<string, Posting> {
  const s = map.get(pair);
  if (s === undefined || !s.has(key)) return map;
  const rest = s.delete(key);
  return rest.size === 0 ? map.delete(pair) : map.set(pair, rest);
}

/**
 * A count over the objects of one index posting: the sum of what `of` gives each of them (a
 * vector of fixed length). Kept with the posting as it changes (one object out, one in), so a
 * controller reads the totals of its pods without walking them every sync.
 */
export interface PostingCount {
  /** what makes two counts the same: `of` is a function of the object and of what id names */
  readonly id: string;
  /** one object's share; the same length for every object */
  readonly of: (obj: any) => readonly number[];
}

interface KeptCount {
  readonly count: PostingCount;
  readonly sum: readonly number[];
}

// The counts kept for a store value, by label pair: a count is a function of the objects, so it
// is kept with the store (a posting holds keys, and the same posting value stands for other
// objects in another store). A store's successor gets them moved by the one object that changed.
const keptCounts = new WeakMap<Store, IMap<string, readonly KeptCount[]>>();
/** Counts kept per posting: a few controllers' worth (one ReplicaSet per pair, two in a rollout). */
const KEPT_COUNTS = 4;

function moved(kept: readonly KeptCount[], out: any, into: any): readonly KeptCount[] {
  return kept.map(({ count, sum }) => {
    const next = sum.slice();
    if (out !== undefined) {
      const o = shareOf(count, out);
      for (let i = 0; i < next.length; i++) next[i]! -= o[i]!;
    }
    if (into !== undefined) {
      const a = shareOf(count, into);
      for (let i = 0; i < next.length; i++) next[i]! += a[i]!;
    }
    return { count, sum: next };
  });
}

// An object's share in the count it was last moved by: the object an event moves out is the one
// an earlier event moved in (objects are values, and a count's share is a function of the object).
const lastShare = new WeakMap<object, { readonly count: PostingCount; readonly share: readonly number[] }>();

function shareOf(count: PostingCount, obj: any): readonly number[] {
  const last = lastShare.get(obj);
  if (last !== undefined && last.count === count) return last.share;
  const share = count.of(obj);
  lastShare.set(obj, { count, share });
  return share;
}

/**
 * Moves the counts kept for store prev onto next, its successor by one object (out replaced by
 * into, either undefined when added or deleted); ix is next's index.
 */
function moveCounts(prev: Store, next: Store, ix: StoreIndex, out: any, into: any): void {
  const kept = keptCounts.get(prev);
  // informers of other index kinds share the store: its counts moved with the first of them
  if (kept === undefined || next === prev || keptCounts.has(next)) return;
  const ns = (into ?? out).metadata?.namespace ?? "";
  const outPairs = out === undefined ? [] : pairs(ns, out.metadata?.labels);
  const intoPairs = into === undefined ? [] : pairs(ns, into.metadata?.labels);
  let counts = kept;
  const move = (p: string, o: any, i: any) => {
    const k = counts.get(p);
    if (k === undefined) return;
    // an emptied posting is dropped with its counts
    counts = ix.labels.has(p) ? counts.set(p, moved(k, o, i)) : counts.delete(p);
  };
  for (const p of outPairs) move(p, out, intoPairs.includes(p) ? into : undefined);
  for (const p of intoPairs) if (!outPairs.includes(p)) move(p, undefined, into);
  keptCounts.set(next, counts);
}

function countOf(store: Store, pair: string, s: Posting, count: PostingCount): readonly number[] {
  const all = keptCounts.get(store);
  const kept = all?.get(pair) ?? [];
  for (const k of kept) if (k.count.id === count.id) return k.sum;
  let sum: number[] | undefined;
  s.forEach((_n, key) => {
    const a = count.of(store.get(key));
    if (sum === undefined) sum = a.slice();
    else for (let i = 0; i < sum.length; i++) sum[i]! += a[i]!;
  });
  // postings are never empty (an emptied one is dropped), so sum is set
  keptCounts.set(store, (all ?? IMap<string, readonly KeptCount[]>()).set(pair, [...kept.slice(kept.length >= KEPT_COUNTS ? 1 : 0), { count, sum: sum! }]));
  return sum!;
}

/** The index with obj under key, in every entry it belongs to (a new value; ix is not changed). */
function addToIndex(ix: StoreIndex, key: string, obj: any): StoreIndex {
  let { seq, next } = ix;
  const kinds = ix.kinds;
  let n = seq.get(key);
  if (n === undefined) seq = seq.set(key, (n = next++));
  const ns = obj.metadata?.namespace ?? "";
  const labels = kinds & LABELS ? repost(ix.labels, key, n, [], pairs(ns, obj.metadata?.labels)) : ix.labels;
  const selector = kinds & SELECTOR ? repost(ix.selector, key, n, [], pairs(ns, obj.spec?.selector)) : ix.selector;
  const owners = kinds & OWNERS ? repost(ix.owners, key, n, [], ownerPairs(obj)) : ix.owners;
  return new StoreIndex(kinds, seq, next, labels, selector, owners);
}

function controllerUid(obj: any): string | undefined {
  const refs = obj.metadata?.ownerReferences;
  if (refs === undefined) return undefined;
  for (const r of refs) if (r.controller === true) return r.uid;
  return undefined;
}

// One index value per kinds for an empty store, and one per store value and kinds for a listed
// store: informers that list the same store start from the same index, so the events after share
// their results (appliedEvent).
const emptyIndexes = new Map<number, StoreIndex>();
const listedIndexes = new WeakMap<Store, Map<number, StoreIndex>>();

function emptyIndex(kinds: number): StoreIndex {
  let ix = emptyIndexes.get(kinds);
  if (ix === undefined) emptyIndexes.set(kinds, (ix = new StoreIndex(kinds, IMap(), 0, IMap(), IMap(), IMap())));
  return ix;
}

/** The index (of these kinds) of a whole store, built in store order. */
function indexOf(store: Store, kinds: number): StoreIndex {
  let byKinds = listedIndexes.get(store);
  let ix = byKinds?.get(kinds);
  if (ix !== undefined) return ix;
  ix = emptyIndex(kinds);
  for (const [k, obj] of store) ix = addToIndex(ix, k, obj);
  if (byKinds === undefined) listedIndexes.set(store, (byKinds = new Map()));
  byKinds.set(kinds, ix);
  return ix;
}

// An informer started without `indexed` (or without the indexes a lookup reads) answers lookups
// from an index built for the one call: right, but O(store); every controller that looks up by
// labels, selector or owner starts its informers with the indexes it reads.
function storeIndex(inf: Informer, kinds: number): StoreIndex {
  if (inf.index !== undefined && (inf.index.kinds & kinds) === kinds) return inf.index;
  // built once per store value (stores are immutable), for lookups between two events
  let ix = builtIndexes.get(inf.store);
  if (ix === undefined) builtIndexes.set(inf.store, (ix = indexOf(inf.store, LABELS | SELECTOR | OWNERS)));
  return ix;
}
const builtIndexes = new WeakMap<Store, StoreIndex>();

function inStoreOrder(entries: IndexEntry[]): any[] {
  // Index entries often come in store order already: check in one pass before paying for a sort.
  let prev = -1;
  let sorted = true;
  for (const e of entries) {
    if (e.n < prev) {
      sorted = false;
      break;
    }
    prev = e.n;
  }
  if (sorted) return entries.map((e) => e.obj);
  // Insertion numbers are distinct: sort n * m + i as numbers (no comparator calls), i finds the entry.
  const m = entries.length;
  const order = new Float64Array(m);
  for (let i = 0; i < m; i++) order[i] = entries[i]!.n * m + i;
  order.sort();
  const out = new Array<any>(m);
  for (let i = 0; i < m; i++) out[i] = entries[order[i]! % m]!.obj;
  return out;
}

// A modification that keeps namespace and what the kept indexes are by (labels, selector,
// controller) leaves the index as it is.
function sameIndexKeys(a: any, b: any, kinds: number): boolean {
  return (a.metadata?.namespace ?? "") === (b.metadata?.namespace ?? "") && (!(kinds & LABELS) || sameStrings(a.metadata?.labels, b.metadata?.labels))
    && (!(kinds & SELECTOR) || sameStrings(a.spec?.selector, b.spec?.selector)) && (!(kinds & OWNERS) || controllerUid(a) === controllerUid(b));
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
  const ix = storeIndex(inf, LABELS);
  const pair = smallestPair(ix, ns, selector);
  if (pair === undefined) return [];
  const out = postingObjects(inf.store, ix.labels.get(pair)!);
  // One pair: its posting is exactly the answer; more: its objects that carry the others too.
  if (hasOnePair(selector)) return out;
  return out.filter((obj) => {
    const labels = obj.metadata?.labels;
    for (const sk in selector) if (labels?.[sk] !== selector[sk]) return false;
    return true;
  });
}

/**
 * Where a store value stands in its informer's history: the keys its events changed, in order (a
 * log shared along one history; a second successor of a value, a fork, starts a log of its own),
 * and how far into that log this value is. Cache state kept beside the values, never in them.
 */
interface History {
  readonly log: string[];
  readonly at: number;
}
const histories = new WeakMap<Store, History>();
/** A log this long starts afresh (its first values then read their postings whole once more). */
const HISTORY_MAX = 1 << 14;

/**
 * Records that next is prev with the object under key changed (added, modified or deleted). A
 * history starts where a posting is first read (postingObjects), so informers never read that
 * way keep none.
 */
function noteChange(prev: Store, next: Store, key: string): void {
  const h = histories.get(prev);
  // informers of other index kinds share the store: the first of them noted the change
  if (h === undefined || next === prev || histories.has(next)) return;
  // prev is the tip of its log: next extends it; else next is a fork and starts a log of its own
  if (h.log.length === h.at && h.at < HISTORY_MAX) {
    h.log.push(key);
    histories.set(next, { log: h.log, at: h.at + 1 });
  } else histories.set(next, { log: [], at: 0 });
}

/** The objects a posting's keys last read, with the point of history they were read at. */
interface PostingRead {
  readonly log: string[];
  readonly at: number;
  readonly objs: readonly any[];
}
const postingReads = new WeakMap<Posting, PostingRead>();

/**
 * The objects of a posting's keys in store, in store order. A posting value read before at an
 * earlier point of the same history is read again by the keys changed since (a posting value
 * does not change while its objects do), not key by key.
 */
function postingObjects(store: Store, s: Posting): any[] {
  const keys = keysInOrder(s);
  let h = histories.get(store);
  if (h === undefined) histories.set(store, (h = { log: [], at: 0 }));
  const last = postingReads.get(s);
  let out: any[];
  if (last !== undefined && last.log === h.log && last.at <= h.at && h.at - last.at <= keys.length) {
    out = last.objs.slice();
    if (h.at > last.at) {
      const at = positionsOf(s);
      for (let g = last.at; g < h.at; g++) {
        const k = h.log[g]!;
        const i = at.get(k);
        if (i !== undefined) out[i] = store.get(k);
      }
    }
  } else {
    out = new Array<any>(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = store.get(keys[i]!);
  }
  // the read kept is a copy: callers own what they are given
  if (last === undefined || last.log !== h.log || last.at < h.at) postingReads.set(s, { log: h.log, at: h.at, objs: out.slice() });
  return out;
}

// Where each key of a posting is in keysInOrder's array, once per posting value.
const positions = new WeakMap<Posting, Map<string, number>>();

function positionsOf(s: Posting): Map<string, number> {
  let at = positions.get(s);
  if (at === undefined) {
    at = new Map();
    const keys = keysInOrder(s);
    for (let i = 0; i < keys.length; i++) at.set(keys[i]!, i);
    positions.set(s, at);
  }
  return at;
}

// A posting's keys in store order, once per posting value: postings change only when objects
// come, go or change index keys, so the lookups between those skip iterating and sorting them.
const orderedKeys = new WeakMap<Posting, readonly string[]>();

function keysInOrder(s: Posting): readonly string[] {
  let keys = orderedKeys.get(s);
  if (keys === undefined) {
    // entries whose "objects" are the keys: sorted by insertion number as objects are
    const entries: IndexEntry[] = [];
    s.forEach((n, k) => void entries.push({ n, obj: k }));
    orderedKeys.set(s, (keys = inStoreOrder(entries)));
  }
  return keys;
}

/**
 * The index entries of the smallest pair's posting, in no particular order (a superset of what
 * the selector selects: for a caller that tests the selector itself).
 */
function candidateEntries(store: Store, ix: StoreIndex, ns: string, selector: Record<string, string>): IndexEntry[] {
  const pair = smallestPair(ix, ns, selector);
  if (pair === undefined) return [];
  const hit: IndexEntry[] = [];
  ix.labels.get(pair)!.forEach((n, k) => void hit.push({ n, obj: store.get(k) }));
  return hit;
}

// The selector's pair fewest objects carry (the first of equals); undefined when the selector is
// empty or some pair has no object.
function smallestPair(ix: StoreIndex, ns: string, selector: Record<string, string>): string | undefined {
  let best: string | undefined;
  let size = 0;
  for (const p of pairs(ns, selector)) {
    const s = ix.labels.get(p);
    if (s === undefined || s.size === 0) return undefined;
    if (best === undefined || s.size < size) {
      best = p;
      size = s.size;
    }
  }
  return best;
}

function hasOnePair(selector: Record<string, string>): boolean {
  let n = 0;
  for (const _k in selector) n++;
  return n === 1;
}

/** The objects in namespace ns whose spec.selector pairs all appear in these labels (Services selecting a pod), in store order; empty selectors select nothing. */
export function storeSelecting(inf: Informer, ns: string, labels: Record<string, string> | undefined): any[] {
  const ix = storeIndex(inf, SELECTOR);
  const cand = new Map<string, number>();
  for (const p of pairs(ns, labels)) ix.selector.get(p)?.forEach((n, k) => void cand.set(k, n));
  const hit: IndexEntry[] = [];
  for (const [k, n] of cand) {
    const obj = inf.store.get(k);
    const sel = obj.spec?.selector as Record<string, string> | undefined;
    let ok = sel !== undefined;
    for (const sk in sel) if (labels?.[sk] !== sel[sk]) { ok = false; break; }
    if (ok) hit.push({ n, obj });
  }
  return inStoreOrder(hit);
}

/**
 * The objects in namespace ns that a controller with this uid and selector must look at when it
 * claims (ClaimPods): those carrying one pair of the selector's matchLabels (the pair fewest
 * objects carry), plus those it controls, in store order. A superset of what claiming keeps;
 * without matchLabels, the namespace.
 */
export function storeClaimCandidates(inf: Informer, ns: string | undefined, selector: any, uid: string | undefined): any[] {
  const ix = storeIndex(inf, LABELS | OWNERS);
  const ml = selector?.matchLabels as Record<string, string> | undefined;
  let hit: IndexEntry[] = [];
  if (selector !== undefined && selector !== null && (ml === undefined || Object.keys(ml).length === 0)) {
    for (const [k, obj] of inf.store) if (obj.metadata?.namespace === ns) hit.push({ n: ix.seq.get(k)!, obj });
  } else if (ml !== undefined) {
    // claiming tests the whole selector on each candidate: the smallest pair's posting will do
    hit = candidateEntries(inf.store, ix, ns ?? "", ml);
  }
  const owned = uid === undefined ? undefined : ix.owners.get(uid);
  if (owned !== undefined && owned.size > 0) {
    // controlled objects the label entries did not already give
    const seen = new Set<number>();
    for (const e of hit) seen.add(e.n);
    owned.forEach((n, k) => {
      if (seen.has(n)) return;
      const obj = inf.store.get(k);
      if (obj.metadata?.namespace === ns) hit.push({ n, obj });
    });
  }
  return inStoreOrder(hit);
}

/**
 * The count over the objects storeClaimCandidates starts from for these matchLabels (the pair's
 * posting fewest objects carry, in namespace ns), or undefined when some pair has no object.
 */
export function storeLabelCount(inf: Informer, ns: string, matchLabels: Record<string, string>, count: PostingCount): readonly number[] | undefined {
  const ix = storeIndex(inf, LABELS);
  const pair = smallestPair(ix, ns, matchLabels);
  return pair === undefined ? undefined : countOf(inf.store, pair, ix.labels.get(pair)!, count);
}

/** How many objects (in any namespace) have a controller ownerReference with this uid. */
export function storeControlledCount(inf: Informer, uid: string): number {
  return storeIndex(inf, OWNERS).owners.get(uid)?.size ?? 0;
}

/** The objects whose controller ownerReference has this uid, in namespace ns, in store order. */
export function storeControlledBy(inf: Informer, ns: string | undefined, uid: string | undefined): any[] {
  if (uid === undefined) return [];
  const hit: IndexEntry[] = [];
  storeIndex(inf, OWNERS).owners.get(uid)?.forEach((n, k) => {
    const obj = inf.store.get(k);
    if (obj.metadata?.namespace === ns) hit.push({ n, obj });
  });
  return inStoreOrder(hit);
}

export interface EventSource {
  component: string;
  host?: string;
}

/** A core/v1 Event about an object, as client-go's event recorder makes it. */
export function newEvent(involved: any, type: "Normal" | "Warning", reason: string, message: string, source: EventSource, now: number, seq: number): any {
  const m = involved.metadata ?? {};
  const t = rfc3339(now);
  const ev: any = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: eventName(m.name, source, now, seq), namespace: m.namespace ?? "default" },
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

/** A reporting component's hash, remembered: a cluster has a few dozen components, each writing many events. */
function sourceHash(source: string): number {
  let h = sourceHashes.get(source);
  if (h !== undefined) return h;
  h = 0;
  for (const ch of source) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  if (sourceHashes.size >= 1024) sourceHashes.clear();
  sourceHashes.set(source, h);
  return h;
}
const sourceHashes = new Map<string, number>();

/** <object>.<unix nanos in hex>, as client-go names events. */
export function eventName(objectName: string, source: EventSource, now: number, seq: number): string {
  // the sub-millisecond digits come from the reporting component and its own counter, so two
  // components' events of one instant stay apart
  const h = sourceHash(`${source.component}/${source.host ?? ""}`);
  const nanos = BigInt(now) * 1_000_000n + BigInt((h % 1000) * 1000 + (seq % 1000));
  return `${objectName}.${nanos.toString(16)}`;
}

/**
 * Records an Event as client-go's legacy recorder does: through the EventCorrelator (similar events
 * aggregated, repeats counted by a patch of the first, a source's burst about an object limited),
 * then written fire and forget; the event rides in the pending request for eventAnswered.
 */
export function recordEvent(c: ClientState, fx: Fx, involved: any, type: "Normal" | "Warning", reason: string, message: string, source: EventSource, now: number, fieldPath?: string): void {
  const ev = newEvent(involved, type, reason, message, source, now, c.nextId);
  if (fieldPath) ev.involvedObject.fieldPath = fieldPath;
  const r = correlate(c.correlator ?? newCorrelator(), ev as CoreEvent, now, () => eventName(involved.metadata?.name, source, now, c.nextId + 1));
  c.correlator = r.correlator;
  if (r.skip) return;
  const out = r.event;
  if (r.patch) request(c, fx, { verb: "patch", group: "", resource: "events", namespace: out.metadata.namespace, name: out.metadata.name, patchType: "strategic", body: r.patch }, "event", out);
  else request(c, fx, { verb: "create", group: "", resource: "events", namespace: out.metadata.namespace, body: out }, "event");
}

/**
 * An event write answered, as recordEvent takes it: a core/v1 event stored updates the correlator
 * from the server's answer (UpdateState); a patch of an event the server no longer has (404, the
 * event TTL) is a create of the counted event; any other answer is a Status (a StatusError, 5xx and
 * 429 included), which client-go drops without retrying. Its retries are of transport errors, which
 * podflow's lost requests model as the request sent again (the drop-request fault).
 */
export function eventAnswered(c: ClientState, fx: Fx, p: PendingRequest, res: ApiResponse): void {
  if (res.ok && p.req.group === "" && c.correlator && res.object) c.correlator = updateState(c.correlator, res.object as CoreEvent);
  if (res.ok || p.req.verb !== "patch" || res.code !== 404 || !p.data) return;
  if (p.req.group === "events.k8s.io") return createEventV1(c, fx, p.data);
  request(c, fx, { verb: "create", group: "", resource: "events", namespace: p.data.metadata.namespace, body: p.data }, "event");
}

/** Who reports an events.k8s.io/v1 event: kube-scheduler's profile name and "<name>-<hostname>". */
export interface Reporter {
  controller: string;
  instance: string;
}

/**
 * Records an events.k8s.io/v1 Event as client-go's new recorder does (kube-scheduler's): the first
 * of its isomorphic events is created, the second makes it a series, the rest are counted in the
 * cache until finishEventSeries or refreshEventSeries writes the count.
 */
export function recordEventV1(c: ClientState, fx: Fx, regarding: any, related: any, type: "Normal" | "Warning", reason: string, action: string, note: string, reporter: Reporter, now: number): void {
  const ev = newEventV1(regarding, related, type, reason, action, note, reporter, now, c.nextId);
  const r = observeV1(c.series ?? IMap(), ev, now);
  c.series = r.cache;
  if (r.write) writeEventV1(c, fx, r.write);
}

/** An events.k8s.io/v1 Event as client-go's new recorder makes it (makeEvent). */
export function newEventV1(regarding: any, related: any, type: "Normal" | "Warning", reason: string, action: string, note: string, reporter: Reporter, now: number, seq: number): EventV1 {
  const ref = referenceOf(regarding);
  return {
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    metadata: { name: eventName(ref.name!, { component: reporter.controller, host: reporter.instance }, now, seq), namespace: ref.namespace || "default" },
    eventTime: rfc3339Micro(now),
    reportingController: reporter.controller,
    reportingInstance: reporter.instance,
    action,
    reason,
    regarding: ref,
    ...(related ? { related: referenceOf(related) } : {}),
    note,
    type,
  };
}

/**
 * An events.k8s.io/v1 Event in the core/v1 form the API server's handler stores: what
 * eventsV1Conversion.toHub gives, laid out field for field (the recorder's events have no other
 * fields), so a Scheduled Event per binding costs no generic walk of its fields.
 */
export function eventV1Stored(e: EventV1): any {
  const out: any = { kind: e.kind, apiVersion: "v1", metadata: e.metadata, involvedObject: e.regarding, reason: e.reason, message: e.note, type: e.type, eventTime: e.eventTime };
  if (e.series !== undefined) out.series = e.series;
  out.action = e.action;
  if (e.related !== undefined) out.related = e.related;
  out.reportingComponent = e.reportingController;
  out.reportingInstance = e.reportingInstance;
  // as the conversion, a field the event does not have is not written
  for (const k in out) if (out[k] === undefined) delete out[k];
  return plainOf(out);
}

/** The broadcaster's 6-minute finishSeries: quiet series written a last time, old events forgotten. */
export function finishEventSeries(c: ClientState, fx: Fx, now: number): void {
  if (!c.series || c.series.size === 0) return;
  const r = finishSeries(c.series, now);
  c.series = r.cache;
  for (const e of r.writes) writeEventV1(c, fx, e);
}

/** The broadcaster's 30-minute refreshExistingEventSeries: every series written with its count. */
export function refreshEventSeries(c: ClientState, fx: Fx): void {
  if (c.series) for (const e of refreshSeries(c.series)) writeEventV1(c, fx, e);
}

// A series is a patch of its series field (a create when the server no longer has the event);
// anything else a create. The API server's handler takes an events.k8s.io/v1 body in the core/v1
// form it is stored in (the HTTP edge converts it, as kube-apiserver's decoder does).
function writeEventV1(c: ClientState, fx: Fx, e: EventV1): void {
  const { namespace, name } = e.metadata;
  if (e.series) request(c, fx, { verb: "patch", group: "events.k8s.io", version: "v1", resource: "events", namespace, name, patchType: "strategic", body: { series: e.series } }, "event", e);
  else createEventV1(c, fx, e);
}
function createEventV1(c: ClientState, fx: Fx, e: EventV1): void {
  request(c, fx, { verb: "create", group: "events.k8s.io", resource: "events", namespace: e.metadata.namespace, body: eventV1Stored(e) }, "event");
}
