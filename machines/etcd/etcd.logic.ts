// etcd's MVCC key space as pure functions over a context the machine owns: each returns the next
// context and never changes its input. One global revision; every key keeps
// createRevision/modRevision/version; every change is kept in a history so a watch can start
// from any revision not yet compacted. The key space, the history and the leases grow with the
// cluster: they are persistent collections (immutable.js), so a write costs O(log n) and shares
// the rest with the context before it.

import { List, Map as IMap, Set as ISet } from "immutable";
import { match } from "ts-pattern";
import type { Compare, EtcdRequest, KeyValue, TxnOp, WatchedEvent } from "../messages.js";
import type { Fx } from "../common/effects.js";
import { deepFreeze, jsonSize } from "../common/equal.js";

export interface EtcdWatcher {
  /** `${owner}#${watchId}` */
  readonly key: string;
  readonly owner: string;
  readonly watchId: number;
  readonly prefix: string;
  /** the next revision this watcher must be sent: never skipped, never repeated */
  readonly nextRevision: number;
}

export interface Lease {
  readonly id: number;
  readonly ttlSeconds: number;
  readonly keys: ISet<string>;
}

export interface EtcdContext {
  revision: number;
  compactRevision: number;
  kv: IMap<string, KeyValue>;
  /** history.get(i) holds the events of revision historyStart + i */
  history: List<readonly WatchedEvent[]>;
  historyStart: number;
  /** in the order they were opened, which is the order they are sent to; a few (the API server's), so an array replaced on change */
  watchers: readonly EtcdWatcher[];
  leases: IMap<number, Lease>;
  nextLeaseId: number;
}

/** An empty key space at revision 1, as a fresh etcd cluster reports. */
export function initialEtcd(): EtcdContext {
  return {
    revision: 1,
    compactRevision: 0,
    kv: IMap(),
    history: List(),
    historyStart: 2,
    watchers: [],
    leases: IMap(),
    nextLeaseId: 0x694d7a1a0000,
  };
}

/** True when every compare of a Txn holds against the current key space. */
export function comparesHold(ctx: EtcdContext, compare: Compare[]): boolean {
  for (const c of compare) {
    const kv = ctx.kv.get(c.key);
    const actual = c.target === "mod" ? (kv?.modRevision ?? 0) : (kv?.version ?? 0);
    if (actual !== c.value) return false;
  }
  return true;
}

/** The leases with `key` attached to (add) or detached from one lease; an unknown lease is left alone. */
function leaseKey(leases: IMap<number, Lease>, lease: number, key: string, add: boolean): IMap<number, Lease> {
  const l = leases.get(lease);
  if (!l) return leases;
  const keys = add ? l.keys.add(key) : l.keys.remove(key);
  return keys === l.keys ? leases : leases.set(lease, { ...l, keys });
}

/** The context after ops applied at one new revision (only if any op changes something), with the events recorded. */
export function applyOps(ctx: EtcdContext, ops: readonly TxnOp[]): EtcdContext {
  if (ops.length === 0) return ctx;
  const rev = ctx.revision + 1;
  const events: WatchedEvent[] = [];
  let kv = ctx.kv;
  let leases = ctx.leases;
  for (const op of ops) {
    const prev = kv.get(op.key);
    if (op.type === "put") {
      // Stored revisions are immutable: frozen, so watchers, the cache and forks can share them.
      const next: KeyValue = {
        key: op.key,
        value: deepFreeze(op.value),
        createRevision: prev ? prev.createRevision : rev,
        modRevision: rev,
        version: prev ? prev.version + 1 : 1,
        ...(op.lease !== undefined ? { lease: op.lease } : {}),
      };
      kv = kv.set(op.key, Object.freeze(next));
      if (prev?.lease !== undefined && prev.lease !== op.lease) leases = leaseKey(leases, prev.lease, op.key, false);
      if (op.lease !== undefined) leases = leaseKey(leases, op.lease, op.key, true);
      events.push(Object.freeze(prev ? { type: "PUT", kv: next, prevKv: prev } : { type: "PUT", kv: next }));
    } else if (prev) {
      kv = kv.remove(op.key);
      if (prev.lease !== undefined) leases = leaseKey(leases, prev.lease, op.key, false);
      events.push(deepFreeze({ type: "DELETE", kv: { key: op.key, value: undefined, createRevision: 0, modRevision: rev, version: 0 }, prevKv: prev }));
    }
  }
  if (events.length === 0) return ctx;
  return { ...ctx, revision: rev, kv, leases, history: ctx.history.push(Object.freeze(events)) };
}

/** Sends every watcher the revisions it has not seen yet, in order, each exactly once; the context records how far each got. */
export function notifyWatchers(ctx: EtcdContext, fx: Fx): EtcdContext {
  let watchers: EtcdWatcher[] | undefined;
  for (let i = 0; i < ctx.watchers.length; i++) {
    const w = ctx.watchers[i]!;
    if (w.nextRevision > ctx.revision) continue;
    for (let rev = w.nextRevision; rev <= ctx.revision; rev++) {
      // a revision compacted away while the watcher lagged has nothing left to send (List.get(-1) is the last entry)
      const at = rev - ctx.historyStart;
      const events = at >= 0 ? (ctx.history.get(at) ?? []) : [];
      const mine = events.filter((e) => e.kv.key.startsWith(w.prefix));
      if (mine.length > 0) fx.send(w.owner, { type: "WatchResponse", watchId: w.watchId, events: mine });
    }
    (watchers ??= ctx.watchers.slice())[i] = { ...w, nextRevision: ctx.revision + 1 };
  }
  return watchers === undefined ? ctx : { ...ctx, watchers };
}

/** etcd's --max-request-bytes default: 1.5 MiB. */
export const MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;

/** What etcd answers a request over --max-request-bytes with (rpctypes.ErrGRPCRequestTooLarge). */
export const errRequestTooLarge = "etcdserver: request is too large";

/**
 * The bytes a Txn puts on the wire: its keys and values. Values are measured as JSON, the form
 * podflow stores; kube-apiserver writes protobuf, a little smaller for most kinds.
 */
export function txnBytes(req: { compare: Compare[]; success: TxnOp[]; failure: TxnOp[] }): number {
  let n = 0;
  for (const c of req.compare) n += c.key.length;
  for (const ops of [req.success, req.failure]) {
    for (const op of ops) {
      n += op.key.length;
      if (op.type === "put") n += jsonSize(op.value);
    }
  }
  return n;
}


/** Handles one request from the API server: the next context (ts-pattern: a request type left out does not compile). */
export function handleRequest(ctx: EtcdContext, req: EtcdRequest, from: string, fx: Fx): EtcdContext {
  return match(req)
    .with({ type: "Txn" }, (r) => txn(ctx, r, from, fx))
    .with({ type: "Range" }, (r) => range(ctx, r, from, fx))
    .with({ type: "Watch" }, (r) => watch(ctx, r, from, fx))
    .with({ type: "CancelWatch" }, (r) => cancelWatch(ctx, r, from))
    .with({ type: "Compact" }, (r) => compactRequest(ctx, r, from, fx))
    .with({ type: "LeaseGrant" }, (r) => leaseGrant(ctx, r, from, fx))
    .with({ type: "LeaseRevoke" }, (r) => leaseRevoke(ctx, r, from, fx))
    .exhaustive();
}

type Req<T extends EtcdRequest["type"]> = Extract<EtcdRequest, { type: T }>;

function txn(ctx: EtcdContext, req: Req<"Txn">, from: string, fx: Fx): EtcdContext {
  if (txnBytes(req) > MAX_REQUEST_BYTES) {
    // Refused before it reaches raft: nothing applied, no revision used.
    fx.send(from, { type: "TxnResponse", id: req.id, succeeded: false, revision: ctx.revision, error: errRequestTooLarge });
    return ctx;
  }
  const ok = comparesHold(ctx, req.compare);
  // Watch events are sent before the response, on the same channel, so a client that
  // caches from its watch has seen its own write when the response arrives.
  const next = notifyWatchers(applyOps(ctx, ok ? req.success : req.failure), fx);
  const current = ok ? undefined : req.compare.map((c) => next.kv.get(c.key)).filter((kv): kv is KeyValue => kv !== undefined);
  fx.send(from, { type: "TxnResponse", id: req.id, succeeded: ok, revision: next.revision, ...(current ? { current } : {}) });
  return next;
}

function range(ctx: EtcdContext, req: Req<"Range">, from: string, fx: Fx): EtcdContext {
  const kvs: KeyValue[] = [];
  if (req.prefix) {
    for (const kv of ctx.kv.values()) if (kv.key.startsWith(req.key)) kvs.push(kv);
    kvs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  } else {
    const kv = ctx.kv.get(req.key);
    if (kv) kvs.push(kv);
  }
  fx.send(from, { type: "RangeResponse", id: req.id, revision: ctx.revision, kvs });
  return ctx;
}

function watch(ctx: EtcdContext, req: Req<"Watch">, from: string, fx: Fx): EtcdContext {
  const key = `${from}#${req.watchId}`;
  const start = req.startRevision <= 0 ? ctx.revision + 1 : req.startRevision;
  if (start <= ctx.compactRevision) {
    fx.send(from, { type: "WatchResponse", watchId: req.watchId, events: [], canceled: true, compactRevision: ctx.compactRevision, error: "mvcc: required revision has been compacted" });
    return ctx;
  }
  const w: EtcdWatcher = { key, owner: from, watchId: req.watchId, prefix: req.prefix, nextRevision: start };
  // a watch id opened again replaces its watcher in place, as a Map keyed by it would
  const at = ctx.watchers.findIndex((x) => x.key === key);
  const watchers = at < 0 ? [...ctx.watchers, w] : ctx.watchers.map((x, i) => (i === at ? w : x));
  return notifyWatchers({ ...ctx, watchers }, fx);
}

function cancelWatch(ctx: EtcdContext, req: Req<"CancelWatch">, from: string): EtcdContext {
  const key = `${from}#${req.watchId}`;
  if (!ctx.watchers.some((x) => x.key === key)) return ctx;
  return { ...ctx, watchers: ctx.watchers.filter((x) => x.key !== key) };
}

function compactRequest(ctx: EtcdContext, req: Req<"Compact">, from: string, fx: Fx): EtcdContext {
  if (req.revision <= ctx.compactRevision) {
    fx.send(from, { type: "CompactResponse", id: req.id, revision: ctx.revision, error: "mvcc: required revision has been compacted" });
    return ctx;
  }
  if (req.revision > ctx.revision) {
    fx.send(from, { type: "CompactResponse", id: req.id, revision: ctx.revision, error: "mvcc: required revision is a future revision" });
    return ctx;
  }
  fx.send(from, { type: "CompactResponse", id: req.id, revision: ctx.revision });
  return compact(ctx, req.revision);
}

function leaseGrant(ctx: EtcdContext, req: Req<"LeaseGrant">, from: string, fx: Fx): EtcdContext {
  const id = ctx.nextLeaseId;
  fx.after(`lease/${id}`, req.ttlSeconds * 1000, { type: "LeaseExpired", lease: id }, true);
  fx.send(from, { type: "LeaseGrantResponse", id: req.id, lease: id, ttlSeconds: req.ttlSeconds });
  return { ...ctx, nextLeaseId: id + 1, leases: ctx.leases.set(id, { id, ttlSeconds: req.ttlSeconds, keys: ISet() }) };
}

function leaseRevoke(ctx: EtcdContext, req: Req<"LeaseRevoke">, from: string, fx: Fx): EtcdContext {
  const next = revokeLease(ctx, req.lease, fx);
  fx.cancel(`lease/${req.lease}`);
  fx.send(from, { type: "LeaseRevokeResponse", id: req.id, lease: req.lease });
  return next;
}

/** The context with history at or below `revision` dropped; watchers still behind it are canceled with the compacted error. */
export function compact(ctx: EtcdContext, revision: number): EtcdContext {
  const drop = Math.min(revision + 1 - ctx.historyStart, ctx.history.size);
  const dropped = drop > 0 ? { history: ctx.history.slice(drop), historyStart: ctx.historyStart + drop } : {};
  return { ...ctx, ...dropped, compactRevision: revision };
}

/** The context with every key attached to a lease deleted, at one revision, and the lease forgotten. */
export function revokeLease(ctx: EtcdContext, lease: number, fx: Fx): EtcdContext {
  const l = ctx.leases.get(lease);
  if (!l) return ctx;
  const rest = { ...ctx, leases: ctx.leases.remove(lease) };
  return notifyWatchers(applyOps(rest, [...l.keys].sort().map((key) => ({ type: "delete" as const, key }))), fx);
}
