// etcd's MVCC key space as pure-ish functions over a context the machine owns.
// One global revision; every key keeps createRevision/modRevision/version; every change is
// kept in a history so a watch can start from any revision not yet compacted.

import type { Compare, EtcdRequest, KeyValue, TxnOp, WatchedEvent } from "../messages.js";
import type { Fx } from "../common/effects.js";
import { deepFreeze } from "../common/equal.js";
import { utf8Length } from "../common/bytes.js";

export interface EtcdWatcher {
  owner: string;
  prefix: string;
  /** the next revision this watcher must be sent: never skipped, never repeated */
  nextRevision: number;
}

export interface Lease {
  id: number;
  ttlSeconds: number;
  keys: Set<string>;
}

export interface EtcdContext {
  revision: number;
  compactRevision: number;
  kv: Map<string, KeyValue>;
  /** history[i] holds the events of revision historyStart + i */
  history: WatchedEvent[][];
  historyStart: number;
  watchers: Map<string, EtcdWatcher>;
  leases: Map<number, Lease>;
  nextLeaseId: number;
}

/** An empty key space at revision 1, as a fresh etcd cluster reports. */
export function initialEtcd(): EtcdContext {
  return {
    revision: 1,
    compactRevision: 0,
    kv: new Map(),
    history: [],
    historyStart: 2,
    watchers: new Map(),
    leases: new Map(),
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

/** Applies ops at one new revision (only if any op changes something) and records the events. */
export function applyOps(ctx: EtcdContext, ops: TxnOp[]): WatchedEvent[] {
  if (ops.length === 0) return [];
  const rev = ctx.revision + 1;
  const events: WatchedEvent[] = [];
  for (const op of ops) {
    const prev = ctx.kv.get(op.key);
    if (op.type === "put") {
      // Stored revisions are immutable: frozen, so watchers, the cache and forks can share them.
      const kv: KeyValue = {
        key: op.key,
        value: deepFreeze(op.value),
        createRevision: prev ? prev.createRevision : rev,
        modRevision: rev,
        version: prev ? prev.version + 1 : 1,
        ...(op.lease !== undefined ? { lease: op.lease } : {}),
      };
      ctx.kv.set(op.key, Object.freeze(kv));
      if (prev?.lease !== undefined && prev.lease !== op.lease) ctx.leases.get(prev.lease)?.keys.delete(op.key);
      if (op.lease !== undefined) ctx.leases.get(op.lease)?.keys.add(op.key);
      events.push(Object.freeze(prev ? { type: "PUT", kv, prevKv: prev } : { type: "PUT", kv }));
    } else if (prev) {
      ctx.kv.delete(op.key);
      if (prev.lease !== undefined) ctx.leases.get(prev.lease)?.keys.delete(op.key);
      events.push(deepFreeze({ type: "DELETE", kv: { key: op.key, value: undefined, createRevision: 0, modRevision: rev, version: 0 }, prevKv: prev }));
    }
  }
  if (events.length === 0) return [];
  ctx.revision = rev;
  ctx.history.push(Object.freeze(events) as WatchedEvent[]);
  return events;
}

/** Sends every watcher the revisions it has not seen yet, in order, each exactly once. */
export function notifyWatchers(ctx: EtcdContext, fx: Fx): void {
  for (const [id, w] of ctx.watchers) {
    while (w.nextRevision <= ctx.revision) {
      const events = ctx.history[w.nextRevision - ctx.historyStart] ?? [];
      const mine = events.filter((e) => e.kv.key.startsWith(w.prefix));
      if (mine.length > 0) fx.send(w.owner, { type: "WatchResponse", watchId: Number(id.split("#")[1]), events: mine });
      w.nextRevision++;
    }
  }
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
      if (op.type === "put") n += jsonBytes(op.value);
    }
  }
  return n;
}

function jsonBytes(v: unknown): number {
  return utf8Length(JSON.stringify(v) ?? "");
}

/** Handles one request from the API server. */
export function handleRequest(ctx: EtcdContext, req: EtcdRequest, from: string, fx: Fx): void {
  switch (req.type) {
    case "Txn": {
      if (txnBytes(req) > MAX_REQUEST_BYTES) {
        // Refused before it reaches raft: nothing applied, no revision used.
        fx.send(from, { type: "TxnResponse", id: req.id, succeeded: false, revision: ctx.revision, error: errRequestTooLarge });
        return;
      }
      const ok = comparesHold(ctx, req.compare);
      applyOps(ctx, ok ? req.success : req.failure);
      // Watch events are sent before the response, on the same channel, so a client that
      // caches from its watch has seen its own write when the response arrives.
      notifyWatchers(ctx, fx);
      const current = ok ? undefined : req.compare.map((c) => ctx.kv.get(c.key)).filter((kv): kv is KeyValue => kv !== undefined);
      fx.send(from, { type: "TxnResponse", id: req.id, succeeded: ok, revision: ctx.revision, ...(current ? { current } : {}) });
      return;
    }
    case "Range": {
      const kvs: KeyValue[] = [];
      if (req.prefix) {
        for (const kv of ctx.kv.values()) if (kv.key.startsWith(req.key)) kvs.push(kv);
        kvs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      } else {
        const kv = ctx.kv.get(req.key);
        if (kv) kvs.push(kv);
      }
      fx.send(from, { type: "RangeResponse", id: req.id, revision: ctx.revision, kvs });
      return;
    }
    case "Watch": {
      const key = `${from}#${req.watchId}`;
      const start = req.startRevision <= 0 ? ctx.revision + 1 : req.startRevision;
      if (start <= ctx.compactRevision) {
        fx.send(from, { type: "WatchResponse", watchId: req.watchId, events: [], canceled: true, compactRevision: ctx.compactRevision, error: "mvcc: required revision has been compacted" });
        return;
      }
      ctx.watchers.set(key, { owner: from, prefix: req.prefix, nextRevision: start });
      notifyWatchers(ctx, fx);
      return;
    }
    case "CancelWatch":
      ctx.watchers.delete(`${from}#${req.watchId}`);
      return;
    case "Compact": {
      if (req.revision <= ctx.compactRevision) {
        fx.send(from, { type: "CompactResponse", id: req.id, revision: ctx.revision, error: "mvcc: required revision has been compacted" });
        return;
      }
      if (req.revision > ctx.revision) {
        fx.send(from, { type: "CompactResponse", id: req.id, revision: ctx.revision, error: "mvcc: required revision is a future revision" });
        return;
      }
      compact(ctx, req.revision);
      fx.send(from, { type: "CompactResponse", id: req.id, revision: ctx.revision });
      return;
    }
    case "LeaseGrant": {
      const id = ctx.nextLeaseId++;
      ctx.leases.set(id, { id, ttlSeconds: req.ttlSeconds, keys: new Set() });
      fx.after(`lease/${id}`, req.ttlSeconds * 1000, { type: "LeaseExpired", lease: id }, true);
      fx.send(from, { type: "LeaseGrantResponse", id: req.id, lease: id, ttlSeconds: req.ttlSeconds });
      return;
    }
    case "LeaseRevoke":
      revokeLease(ctx, req.lease, fx);
      fx.cancel(`lease/${req.lease}`);
      fx.send(from, { type: "LeaseRevokeResponse", id: req.id, lease: req.lease });
      return;
  }
}

/** Drops history at or below `revision`; watchers still behind it are canceled with the compacted error. */
export function compact(ctx: EtcdContext, revision: number): void {
  const drop = Math.min(revision + 1 - ctx.historyStart, ctx.history.length);
  if (drop > 0) {
    ctx.history.splice(0, drop);
    ctx.historyStart += drop;
  }
  ctx.compactRevision = revision;
}

/** Deletes every key attached to a lease, at one revision, and forgets the lease. */
export function revokeLease(ctx: EtcdContext, lease: number, fx: Fx): void {
  const l = ctx.leases.get(lease);
  if (!l) return;
  ctx.leases.delete(lease);
  applyOps(ctx, [...l.keys].sort().map((key) => ({ type: "delete" as const, key })));
  notifyWatchers(ctx, fx);
}
