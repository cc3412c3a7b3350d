// etcd's MVCC key space as pure functions over a context the machine owns: each returns the next
// context and never changes its input. One global revision; every key keeps
// createRevision/modRevision/version; every change is kept in a history so a watch can start
// from any revision not yet compacted. The key space, the history and the leases grow with the
// cluster: they are persistent collections (immutable.js), so a write costs O(log n) and shares
// the rest with the context before it. As etcd keeps old revisions on disk, the history past the
// newest DEFAULT_SEALING.live revisions is sealed into buffers (eventsAt reads either form).

import { List, Map as IMap, Set as ISet } from "immutable";
import { deserialize, serialize } from "node:v8";
import { brotliCompressSync, brotliDecompressSync, constants as zlib } from "node:zlib";
import { match } from "ts-pattern";
import type { Compare, EtcdAlarm, EtcdAlarmMember, EtcdRequest, KeyValue, TxnOp, TxnOpResponse, WatchedEvent } from "../messages.js";
import type { Fx } from "../common/effects.js";
import { deepFreeze, jsonSize } from "../common/equal.js";
import { mutant } from "../common/mutation.js";

export interface EtcdWatcher {
  /** `${owner}#${watchId}` */
  readonly key: string;
  readonly owner: string;
  readonly watchId: number;
  readonly prefix: string;
  /** the next revision this watcher must be sent: never skipped, never repeated */
  readonly nextRevision: number;
}

/**
 * Consecutive revisions' events serialised into one buffer, off the JS heap (no object the GC
 * traces), decoded only when a watch or a range reads a revision this old.
 */
export interface SealedRevisions {
  /** the first revision held */
  readonly start: number;
  readonly count: number;
  /** the revisions' event lists, packed (pack) */
  readonly bytes: Uint8Array;
  /** per revision, the bytes its compaction frees (compact's count, taken as it was sealed) */
  readonly freed: Float64Array;
}

/**
 * The newest `live` to `live + batch` revisions stay objects; older ones are sealed `batch` at a
 * time, so one serialisation covers many revisions and writes what they share once.
 */
export interface Sealing {
  readonly live: number;
  readonly batch: number;
}

/**
 * The API server's watch cache keeps its newest 20,000 changes as objects (newWatchCache), sharing
 * etcd's values: etcd keeps as many live, so sealing a revision lets its superseded values go (a
 * revision the cache still holds would be kept on the heap by the cache anyway, and sealing it
 * would only add its bytes). Its watch always reads the newest revision, as runtime/etcd-store does.
 */
export const DEFAULT_SEALING: Sealing = Object.freeze({ live: 20_000, batch: 4096 });

export interface Lease {
  readonly id: number;
  readonly ttlSeconds: number;
  readonly keys: ISet<string>;
}

export interface EtcdContext {
  revision: number;
  compactRevision: number;
  kv: IMap<string, KeyValue>;
  /** history.get(i) holds the events of revision historyStart + i: the newest revisions, as objects */
  history: List<readonly WatchedEvent[]>;
  historyStart: number;
  /** the revisions before historyStart not yet compacted, oldest first, serialised (what bbolt holds on disk) */
  sealed: readonly SealedRevisions[];
  /** how many revisions stay objects, and how many are sealed at a time */
  sealing: Sealing;
  /** in the order they were opened, which is the order they are sent to; a few (the API server's), so an array replaced on change */
  watchers: readonly EtcdWatcher[];
  leases: IMap<number, Lease>;
  nextLeaseId: number;
  /** --quota-backend-bytes: a write that would take the database file to it raises NOSPACE */
  quotaBackendBytes: number;
  /** the database file (bbolt): grows with the data, shrinks only by defragmentation */
  dbSize: number;
  /** the part of the file holding data: every revision not yet compacted away */
  dbSizeInUse: number;
}

/** etcd's --quota-backend-bytes default (storage.DefaultQuotaBytes): 2 GiB. */
export const DEFAULT_QUOTA_BACKEND_BYTES = 2 * 1024 * 1024 * 1024;

/** The database file of a new member, as `etcdctl endpoint status` reports it (20 kB). */
export const EMPTY_DB_BYTES = 20480;

// quota.go: what a put costs beyond its key and value, and what a lease grant costs.
const KV_OVERHEAD = 256;
const LEASE_OVERHEAD = 64;

/** The one member's id: etcd's default for a single member named "default" (8e9e05c52164694d), in decimal as AlarmMember prints it. */
export const MEMBER_ID = "10276657743932975437";

/** An empty key space at revision 1, as a fresh etcd cluster reports. */
export function initialEtcd(quotaBackendBytes = DEFAULT_QUOTA_BACKEND_BYTES, sealing = DEFAULT_SEALING): EtcdContext {
  return {
    revision: 1,
    compactRevision: 0,
    kv: IMap(),
    history: List(),
    historyStart: 2,
    sealed: [],
    sealing,
    watchers: [],
    leases: IMap(),
    nextLeaseId: 0x694d7a1a0000,
    quotaBackendBytes,
    dbSize: EMPTY_DB_BYTES,
    dbSizeInUse: EMPTY_DB_BYTES,
  };
}

/** etcd's minimum lease TTL: 1.5 election timeouts (default 1 s), rounded up to whole seconds (lessor.minLeaseTTL). */
export const MIN_LEASE_TTL_SECONDS = 2;

const surrogate = /[\uD800-\uDFFF]/;

/** etcd's byte order on keys and string values: UTF-8's, which JS string order is too unless a string holds a character above U+FFFF. */
function byteOrder(a: string, b: string): number {
  if (a === b) return 0;
  if (surrogate.test(a) || surrogate.test(b)) return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
  return a < b ? -1 : 1;
}

/** A value as the bytes etcd would hold: a string is its own bytes, anything else its JSON (podflow's encoding). */
function valueBytes(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** A key space etcd finds in its data dir when it starts (podflow serve --etcd: read from a real etcd). */
export interface EtcdRestore {
  revision: number;
  kvs: readonly KeyValue[];
}

/**
 * etcd started on a data dir that holds a key space: its keys at their revisions. The history
 * before it is not kept, so it counts as compacted: a watch from an earlier revision is canceled,
 * as one from a compacted revision is. Leases are not restored (their keys are plain keys).
 */
export function restoredEtcd(data: EtcdRestore, quotaBackendBytes = DEFAULT_QUOTA_BACKEND_BYTES): EtcdContext {
  let kv = IMap<string, KeyValue>();
  let bytes = EMPTY_DB_BYTES;
  for (const k of data.kvs) {
    const { lease: _lease, ...rest } = k;
    const stored = deepFreeze({ ...rest, value: k.value });
    kv = kv.set(k.key, stored);
    bytes += storedBytes(stored);
  }
  return { ...initialEtcd(quotaBackendBytes), revision: data.revision, compactRevision: data.revision, historyStart: data.revision + 1, kv, dbSize: bytes, dbSizeInUse: bytes };
}

// ---- the space quota (etcd's quota.go and its NOSPACE alarm) --------------------------------

/** What a put costs the quota: its key and value and etcd's per-key overhead (quota.go's costPut). */
function putCost(key: string, value: unknown, valueJsonBytes?: number): number {
  return KV_OVERHEAD + Buffer.byteLength(key) + (typeof value === "string" ? Buffer.byteLength(value) : (valueJsonBytes ?? jsonSize(value)));
}

/** The space one stored revision of a key takes: podflow counts it as the quota prices a put (a tombstone: a put of no value). */
function storedBytes(kv: KeyValue): number {
  return putCost(kv.key, kv.value === undefined ? "" : kv.value);
}

type TxnRequest = { compare: Compare[]; success: TxnOp[]; failure: TxnOp[] };

// The chart's guard and the step that serves a Txn measure the same request, one after the other:
// the last request measured is remembered (by identity; requests are never changed), so one walk
// of its values serves both. One entry, not a WeakMap: a table of every Txn ever sent would be
// walked by every garbage collection.
let measured: { req: TxnRequest; m: { bytes: number; cost: number } } | undefined;

/**
 * A Txn's bytes on the wire (its keys and values; values measured as JSON, the form podflow stores,
 * where kube-apiserver writes protobuf, a little smaller for most kinds) and its quota cost
 * (quota.go's costTxn: the larger of its two branches' puts).
 */
function measureTxn(req: TxnRequest): { bytes: number; cost: number } {
  if (measured !== undefined && measured.req === req) return measured.m;
  let bytes = 0;
  for (const c of req.compare) bytes += c.key.length;
  const branch = (ops: readonly TxnOp[]): number => {
    let cost = 0;
    for (const op of ops) {
      bytes += op.key.length;
      if (op.type !== "put") continue;
      // Frozen first: every put value is frozen when stored anyway, and a frozen value carries its
      // size, so the value is walked once here and not again when it is stored.
      const size = jsonSize(deepFreeze(op.value));
      bytes += size;
      cost += putCost(op.key, op.value, size);
    }
    return cost;
  };
  const cost = Math.max(branch(req.success), branch(req.failure));
  const m = { bytes, cost };
  measured = { req, m };
  return m;
}

/**
 * What a request costs the quota (quota.go's Cost): a Txn the larger of its two branches' puts, a
 * lease grant 64; anything else (reads, deletes, compaction, lease revoke and keepalive) nothing.
 */
export function requestCost(req: { type: string }): number {
  if (req.type === "LeaseGrant") return LEASE_OVERHEAD;
  return req.type === "Txn" ? measureTxn(req as unknown as TxnRequest).cost : 0;
}

/** True when the write fits under the quota (quota.go's Available: the database file, free pages included, plus the cost). */
export function quotaAvailable(ctx: EtcdContext, cost: number): boolean {
  return cost === 0 || ctx.dbSize + cost < ctx.quotaBackendBytes;
}

/** rpctypes.ErrGRPCNoSpace */
export const errNoSpace = "etcdserver: mvcc: database space exceeded";

/** A write refused for space (quota exceeded, or NOSPACE raised): answered with etcd's error, nothing applied. */
export function refuseNoSpace(ctx: EtcdContext, req: EtcdRequest, from: string, fx: Fx): EtcdContext {
  if (req.type === "Txn") fx.send(from, { type: "TxnResponse", id: req.id, succeeded: false, revision: ctx.revision, error: errNoSpace });
  else if (req.type === "LeaseGrant") fx.send(from, { type: "LeaseGrantResponse", id: req.id, lease: 0, ttlSeconds: 0, error: errNoSpace });
  return ctx;
}

/**
 * The maintenance requests (etcdctl alarm, defrag, endpoint status); `alarms` are those raised now
 * (the chart's state). Disarming answers the alarms it cleared.
 */
export function serveMaintenance(ctx: EtcdContext, req: Extract<EtcdRequest, { type: "Alarm" | "Defragment" | "Status" }>, from: string, fx: Fx, alarms: readonly EtcdAlarm[]): EtcdContext {
  const members: EtcdAlarmMember[] = alarms.map((alarm) => ({ memberID: MEMBER_ID, alarm }));
  return match(req)
    .with({ type: "Alarm" }, (r) => {
      const cleared = r.action === "deactivate" ? members.filter((m) => m.alarm === (r.alarm ?? m.alarm)) : members;
      fx.send(from, { type: "AlarmResponse", id: r.id, alarms: cleared });
      return ctx;
    })
    .with({ type: "Defragment" }, (r) => {
      // defragmentation rewrites the file with only the pages in use
      fx.send(from, { type: "DefragmentResponse", id: r.id });
      return ctx.dbSize === ctx.dbSizeInUse ? ctx : { ...ctx, dbSize: ctx.dbSizeInUse };
    })
    .with({ type: "Status" }, (r) => {
      const errors = members.map((m) => `memberID:${m.memberID} alarm:${m.alarm} `);
      fx.send(from, { type: "StatusResponse", id: r.id, revision: ctx.revision, dbSize: ctx.dbSize, dbSizeInUse: ctx.dbSizeInUse, quotaBackendBytes: ctx.quotaBackendBytes, errors });
      return ctx;
    })
    .exhaustive();
}

/** True when every compare of a Txn holds against the current key space (etcd's applyCompare). */
export function comparesHold(ctx: EtcdContext, compare: readonly Compare[]): boolean {
  for (const c of compare) {
    const kv = ctx.kv.get(c.key);
    let order: number;
    if (c.target === "value") {
      // etcd: a value compare on a missing key always fails
      if (!kv) return false;
      order = byteOrder(valueBytes(kv.value), valueBytes(c.value));
    } else {
      const actual = c.target === "mod" ? (kv?.modRevision ?? 0) : c.target === "create" ? (kv?.createRevision ?? 0) : mutant("etcd.version-compare-reads-lease") ? (kv?.lease ?? 0) : (kv?.version ?? 0);
      order = actual - c.value;
    }
    const holds = c.result === "=" ? order === 0 : c.result === "!=" ? order !== 0 : c.result === "<" ? order < 0 : mutant("etcd.greater-compare-inclusive") ? order >= 0 : order > 0;
    if (!holds) return false;
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

/** The keys an op touches now, in key order (etcd's index range), for a delete. */
function deletedKeys(kv: IMap<string, KeyValue>, op: Extract<TxnOp, { type: "delete" }>): string[] {
  if (!op.prefix) return kv.has(op.key) ? [op.key] : [];
  const keys: string[] = [];
  for (const k of kv.keys()) if (k.startsWith(op.key)) keys.push(k);
  return keys.sort(byteOrder);
}

/** The context after ops applied at one new revision (only if any op changes something), with the events recorded. */
export function applyOps(ctx: EtcdContext, ops: readonly TxnOp[]): EtcdContext {
  return applyOpsAnswering(ctx, ops).ctx;
}

/** applyOps, with each op's answer (what a put replaced, what a delete removed). */
function applyOpsAnswering(ctx: EtcdContext, ops: readonly TxnOp[]): { ctx: EtcdContext; responses: TxnOpResponse[] } {
  const responses: TxnOpResponse[] = [];
  if (ops.length === 0) return { ctx, responses };
  const rev = ctx.revision + 1;
  const events: WatchedEvent[] = [];
  let kv = ctx.kv;
  let leases = ctx.leases;
  let added = 0;
  for (const op of ops) {
    if (op.type === "put") {
      const prev = kv.get(op.key);
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
      added += storedBytes(next);
      if (prev?.lease !== undefined && prev.lease !== op.lease) leases = leaseKey(leases, prev.lease, op.key, false);
      if (op.lease !== undefined) leases = leaseKey(leases, op.lease, op.key, true);
      events.push(Object.freeze(prev ? { type: "PUT", kv: next, prevKv: prev } : { type: "PUT", kv: next }));
      responses.push(op.prevKv && prev ? { type: "put", prevKv: prev } : { type: "put" });
      continue;
    }
    const removed: KeyValue[] = [];
    for (const key of deletedKeys(kv, op)) {
      const prev = kv.get(key)!;
      removed.push(prev);
      kv = kv.remove(key);
      added += putCost(key, "");
      if (prev.lease !== undefined) leases = leaseKey(leases, prev.lease, key, false);
      events.push(deepFreeze({ type: "DELETE", kv: { key, value: undefined, createRevision: 0, modRevision: rev, version: 0 }, prevKv: prev }));
    }
    responses.push(op.prevKv ? { type: "delete", deleted: removed.length, prevKvs: removed } : { type: "delete", deleted: removed.length });
  }
  if (events.length === 0) return { ctx, responses };
  // bbolt reuses free pages before it grows the file
  const dbSizeInUse = ctx.dbSizeInUse + added;
  const dbSize = Math.max(ctx.dbSize, dbSizeInUse);
  // kept as an exact-size copy: a pushed-to array keeps spare room (17 slots for one event), and
  // the history holds one array per revision until compaction
  const kept = Object.freeze(events.length === 1 ? [events[0]!] : events.slice());
  const history = ctx.history.push(kept);
  const { live, batch: sealBatch } = ctx.sealing;
  if (history.size < live + sealBatch) return { ctx: etcdWith(ctx, { revision: rev, kv, leases, history, watchers: ctx.watchers, dbSize, dbSizeInUse }), responses };
  // the oldest batch of the window is sealed: its events leave the heap in one buffer
  const batch = seal(ctx.historyStart, history.slice(0, sealBatch).toArray(), kv);
  return {
    ctx: etcdWith(ctx, { revision: rev, kv, leases, history: history.slice(sealBatch), historyStart: ctx.historyStart + sealBatch, sealed: [...ctx.sealed, batch], watchers: ctx.watchers, dbSize, dbSizeInUse }),
    responses,
  };
}

// Packed as v8.serialize (structured clone keeps what JSON would not: undefined fields, -0, lone
// surrogates; and writes an object shared within the batch once), then brotli at quality 1 with a
// 4 MiB window: timed on the 30x900 bench, ~10x smaller for ~1/4 more time than serialising alone
// (deflate's 32 KiB window misses the repeats between one version of an object and the next).
const BROTLI = { params: { [zlib.BROTLI_PARAM_QUALITY]: 1, [zlib.BROTLI_PARAM_LGWIN]: 22 } };

function pack(revisions: readonly (readonly (WatchedEvent | SealedEvent)[])[]): Uint8Array {
  return brotliCompressSync(serialize(revisions), BROTLI);
}

function unpack(bytes: Uint8Array): (WatchedEvent | SealedEvent)[][] {
  return deserialize(brotliDecompressSync(bytes)) as (WatchedEvent | SealedEvent)[][];
}

/**
 * A put whose value is still its key's current one when it is sealed, written with the key in
 * place of the value: the value stays on the heap anyway (in kv, then as the prevKv of the event
 * that replaces it), so its bytes are not written (an Event object is written once and stays).
 */
interface SealedEvent {
  type: "PUT";
  kv: string;
  prevKv?: KeyValue;
}

/** What compacting a revision frees: each value a later one superseded, and each tombstone. */
function freedBy(events: readonly WatchedEvent[]): number {
  let freed = 0;
  for (const e of events) {
    if (e.prevKv) freed += storedBytes(e.prevKv);
    if (e.type === "DELETE") freed += putCost(e.kv.key, "");
  }
  return freed;
}

function seal(start: number, revisions: readonly (readonly WatchedEvent[])[], kv: IMap<string, KeyValue>): SealedRevisions {
  const freed = new Float64Array(revisions.length);
  const packed: (readonly (WatchedEvent | SealedEvent)[])[] = new Array(revisions.length);
  for (let i = 0; i < revisions.length; i++) {
    const events = revisions[i]!;
    freed[i] = freedBy(events);
    let out: (WatchedEvent | SealedEvent)[] | undefined;
    for (let j = 0; j < events.length; j++) {
      const e = events[j]!;
      if (e.type === "PUT" && kv.get(e.kv.key) === e.kv) (out ??= events.slice())[j] = e.prevKv ? { type: "PUT", kv: e.kv.key, prevKv: e.prevKv } : { type: "PUT", kv: e.kv.key };
    }
    packed[i] = out ?? events;
  }
  return Object.freeze({ start, count: revisions.length, bytes: pack(packed), freed });
}

/**
 * The value a key was given at `rev` and still had when that revision was sealed (a SealedEvent's):
 * the key's current value, or else the prevKv of the key's next event, which is later and so held
 * while `rev` is. `raw` holds batches decoded without resolving their own SealedEvents.
 */
function sealedValue(ctx: EtcdContext, key: string, rev: number, raw: Map<SealedRevisions, (WatchedEvent | SealedEvent)[][]>): KeyValue {
  const current = ctx.kv.get(key);
  if (current !== undefined && current.modRevision === rev) return current;
  for (let r = rev + 1; r <= ctx.revision; r++) {
    let events: readonly (WatchedEvent | SealedEvent)[] | undefined;
    if (r >= ctx.historyStart) events = ctx.history.get(r - ctx.historyStart);
    else {
      const b = sealedAt(ctx, r)!;
      let revisions = raw.get(b);
      if (revisions === undefined) raw.set(b, (revisions = unpack(b.bytes)));
      events = revisions[r - b.start];
    }
    for (const e of events ?? []) if ((typeof e.kv === "string" ? e.kv : e.kv.key) === key) return e.prevKv!;
  }
  throw new Error(`etcd: the value of ${key} at revision ${rev} is not held`);
}

// The last batch decoded, by identity (batches never change): a watch replaying old revisions, or a
// range undoing them one by one, reads a batch many times in a row. One entry, so at most one
// batch's objects are back on the heap.
let unsealed: { batch: SealedRevisions; revisions: readonly (readonly WatchedEvent[])[] } | undefined;

/** A sealed batch's event lists, as deep-frozen as they were stored (the same whichever context of the batch asks). */
function unseal(ctx: EtcdContext, batch: SealedRevisions): readonly (readonly WatchedEvent[])[] {
  if (unsealed !== undefined && unsealed.batch === batch) return unsealed.revisions;
  const revisions = unpack(batch.bytes);
  const raw = new Map<SealedRevisions, (WatchedEvent | SealedEvent)[][]>();
  for (let i = 0; i < revisions.length; i++) {
    const events = revisions[i]!;
    for (let j = 0; j < events.length; j++) {
      const e = events[j]!;
      if (typeof e.kv !== "string") continue;
      const kv = sealedValue(ctx, e.kv, batch.start + i, raw);
      events[j] = e.prevKv ? { type: "PUT", kv, prevKv: e.prevKv } : { type: "PUT", kv };
    }
  }
  deepFreeze(revisions);
  unsealed = { batch, revisions: revisions as WatchedEvent[][] };
  return unsealed.revisions;
}

/** The sealed batch holding a revision, or undefined (binary search: batches are in revision order). */
function sealedAt(ctx: EtcdContext, rev: number): SealedRevisions | undefined {
  let lo = 0;
  let hi = ctx.sealed.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const b = ctx.sealed[mid]!;
    if (rev < b.start) hi = mid;
    else if (rev >= b.start + b.count) lo = mid + 1;
    else return b;
  }
  return undefined;
}

/** The events of a revision still held (live or sealed), or undefined when it is compacted away or not yet written. */
export function eventsAt(ctx: EtcdContext, rev: number): readonly WatchedEvent[] | undefined {
  if (rev >= ctx.historyStart) return ctx.history.get(rev - ctx.historyStart);
  const b = sealedAt(ctx, rev);
  return b === undefined ? undefined : unseal(ctx, b)[rev - b.start];
}

/** Sends every watcher the revisions it has not seen yet, in order, each exactly once; the context records how far each got. */
export function notifyWatchers(ctx: EtcdContext, fx: Fx): EtcdContext {
  let watchers: EtcdWatcher[] | undefined;
  for (let i = 0; i < ctx.watchers.length; i++) {
    const w = ctx.watchers[i]!;
    if (w.nextRevision > ctx.revision) continue;
    for (let rev = w.nextRevision; rev <= ctx.revision; rev++) {
      // a revision compacted away while the watcher lagged has nothing left to send
      const events = eventsAt(ctx, rev) ?? [];
      // etcd reads a prevKv when it sends, at modRevision - 1: compacted away for an event at the compact revision
      const stale = rev <= ctx.compactRevision;
      // the API server's watcher takes every event: it is sent the revision's own (frozen) list
      const matched = allUnder(events, w.prefix) ? events : events.filter((e) => e.kv.key.startsWith(w.prefix));
      const mine = stale ? matched.map((e) => (e.prevKv ? { type: e.type, kv: e.kv } : e)) : matched;
      if (mine.length > 0) fx.send(w.owner, { type: "WatchResponse", watchId: w.watchId, events: mine });
    }
    (watchers ??= ctx.watchers.slice())[i] = { key: w.key, owner: w.owner, watchId: w.watchId, prefix: w.prefix, nextRevision: ctx.revision + 1 };
  }
  return watchers === undefined ? ctx : etcdWith(ctx, { revision: ctx.revision, kv: ctx.kv, leases: ctx.leases, history: ctx.history, watchers, dbSize: ctx.dbSize, dbSizeInUse: ctx.dbSizeInUse });
}

function allUnder(events: readonly WatchedEvent[], prefix: string): boolean {
  for (let i = 0; i < events.length; i++) if (!events[i]!.kv.key.startsWith(prefix)) return false;
  return true;
}

/**
 * The context with what a write changes, written out key by key in initialEtcd's order: V8 copies
 * `{ ...ctx, k: v }` of a context that was itself made so an order of magnitude slower (timed:
 * ~300 ns-1 µs against ~20 ns), and every write and every watch notification makes one.
 */
function etcdWith(ctx: EtcdContext, w: Pick<EtcdContext, "revision" | "kv" | "leases" | "history" | "watchers" | "dbSize" | "dbSizeInUse"> & Partial<Pick<EtcdContext, "historyStart" | "sealed">>): EtcdContext {
  return {
    revision: w.revision,
    compactRevision: ctx.compactRevision,
    kv: w.kv,
    history: w.history,
    historyStart: w.historyStart ?? ctx.historyStart,
    sealed: w.sealed ?? ctx.sealed,
    sealing: ctx.sealing,
    watchers: w.watchers,
    leases: w.leases,
    nextLeaseId: ctx.nextLeaseId,
    quotaBackendBytes: ctx.quotaBackendBytes,
    dbSize: w.dbSize,
    dbSizeInUse: w.dbSizeInUse,
  };
}

/** etcd's --max-request-bytes default: 1.5 MiB. */
export const MAX_REQUEST_BYTES = 1.5 * 1024 * 1024;

/** What etcd answers a request over --max-request-bytes with (rpctypes.ErrGRPCRequestTooLarge). */
export const errRequestTooLarge = "etcdserver: request is too large";
/** rpctypes.ErrGRPCDuplicateKey: a Txn branch writes one key twice (a put twice, or a put inside a delete's range). */
export const errDuplicateKey = "etcdserver: duplicate key given in txn request";
/** rpctypes.ErrGRPCLeaseNotFound */
export const errLeaseNotFound = "etcdserver: requested lease not found";
/** rpctypes.ErrGRPCCompacted */
export const errCompacted = "etcdserver: mvcc: required revision has been compacted";
/** rpctypes.ErrGRPCFutureRev */
export const errFutureRev = "etcdserver: mvcc: required revision is a future revision";

/** The bytes a Txn puts on the wire: its keys and values (measureTxn). */
export function txnBytes(req: TxnRequest): number {
  return measureTxn(req).bytes;
}

/** Handles one request from the API server: the next context (ts-pattern: a request type left out does not compile). */
export function handleRequest(ctx: EtcdContext, req: EtcdRequest, from: string, fx: Fx): EtcdContext {
  // Every write comes through here: the common requests are dispatched by a switch (ts-pattern's
  // builder costs more than the Txn it routes); the rest, and anything unknown, by the match below.
  const any: EtcdRequest = req;
  switch (req.type) {
    case "Txn": return txn(ctx, req, from, fx);
    case "Range": return range(ctx, req, from, fx);
    case "LeaseKeepAlive": return leaseKeepAlive(ctx, req, from, fx);
  }
  return match(any)
    .with({ type: "Txn" }, (r) => txn(ctx, r, from, fx))
    .with({ type: "Range" }, (r) => range(ctx, r, from, fx))
    .with({ type: "Watch" }, (r) => watch(ctx, r, from, fx))
    .with({ type: "CancelWatch" }, (r) => cancelWatch(ctx, r, from))
    .with({ type: "Compact" }, (r) => compactRequest(ctx, r, from, fx))
    .with({ type: "LeaseGrant" }, (r) => leaseGrant(ctx, r, from, fx))
    .with({ type: "LeaseRevoke" }, (r) => leaseRevoke(ctx, r, from, fx))
    .with({ type: "LeaseKeepAlive" }, (r) => leaseKeepAlive(ctx, r, from, fx))
    .with({ type: "Alarm" }, { type: "Defragment" }, { type: "Status" }, (r) => serveMaintenance(ctx, r, from, fx, []))
    .exhaustive();
}

type Req<T extends EtcdRequest["type"]> = Extract<EtcdRequest, { type: T }>;

/** True when a branch writes one key twice (etcd's checkIntervals: puts among themselves and against deletes; deletes may overlap). */
function duplicateKey(ops: readonly TxnOp[]): boolean {
  const puts = new Set<string>();
  for (const op of ops) {
    if (op.type !== "put") continue;
    if (puts.has(op.key)) return true;
    puts.add(op.key);
  }
  for (const op of ops) {
    if (op.type !== "delete") continue;
    for (const k of puts) if (op.prefix ? k.startsWith(op.key) : k === op.key) return true;
  }
  return false;
}

function txn(ctx: EtcdContext, req: Req<"Txn">, from: string, fx: Fx): EtcdContext {
  const refuse = (error: string): EtcdContext => {
    // Refused before it is applied: nothing changes, no revision used.
    fx.send(from, { type: "TxnResponse", id: req.id, succeeded: false, revision: ctx.revision, error });
    return ctx;
  };
  if (txnBytes(req) > MAX_REQUEST_BYTES) return refuse(errRequestTooLarge);
  if (duplicateKey(req.success) || duplicateKey(req.failure)) return refuse(errDuplicateKey);
  const ok = comparesHold(ctx, req.compare);
  const ops = ok ? req.success : req.failure;
  // etcd checks the leases of the branch taken only (applierV3backend.Txn's checkRequests)
  if (ops.some((op) => op.type === "put" && op.lease !== undefined && !ctx.leases.has(op.lease))) return refuse(errLeaseNotFound);
  const applied = applyOpsAnswering(ctx, ops);
  // Watch events are sent before the response, on the same channel, so a client that
  // caches from its watch has seen its own write when the response arrives.
  const next = notifyWatchers(applied.ctx, fx);
  const current = ok ? undefined : req.compare.map((c) => next.kv.get(c.key)).filter((kv): kv is KeyValue => kv !== undefined);
  fx.send(from, { type: "TxnResponse", id: req.id, succeeded: ok, revision: next.revision, ...(current ? { current } : {}), ...(req.responses ? { responses: applied.responses } : {}) });
  return next;
}

/** The key space as it was at `revision` (at or above the compact revision): today's, with every later revision's events undone. */
function kvAt(ctx: EtcdContext, revision: number): IMap<string, KeyValue> {
  let kv = ctx.kv;
  for (let rev = ctx.revision; rev > revision; rev--) {
    const events = eventsAt(ctx, rev) ?? [];
    for (const e of events) kv = e.prevKv ? kv.set(e.kv.key, e.prevKv) : kv.remove(e.kv.key);
  }
  return kv;
}

function range(ctx: EtcdContext, req: Req<"Range">, from: string, fx: Fx): EtcdContext {
  const at = req.revision ?? 0;
  // etcd: a revision below the compact revision is gone; the compact revision itself can still be read
  if (at > 0 && at < ctx.compactRevision && !mutant("etcd.compacted-range-served")) {
    fx.send(from, { type: "RangeResponse", id: req.id, revision: ctx.revision, kvs: [], error: errCompacted });
    return ctx;
  }
  if (at > ctx.revision) {
    fx.send(from, { type: "RangeResponse", id: req.id, revision: ctx.revision, kvs: [], error: errFutureRev });
    return ctx;
  }
  const space = at > 0 && at < ctx.revision ? kvAt(ctx, at) : ctx.kv;
  const kvs: KeyValue[] = [];
  if (req.prefix) {
    for (const kv of space.values()) if (kv.key.startsWith(req.key)) kvs.push(kv);
    kvs.sort((a, b) => byteOrder(a.key, b.key));
  } else {
    const kv = space.get(req.key);
    if (kv) kvs.push(kv);
  }
  fx.send(from, { type: "RangeResponse", id: req.id, revision: ctx.revision, kvs });
  return ctx;
}

function watch(ctx: EtcdContext, req: Req<"Watch">, from: string, fx: Fx): EtcdContext {
  const key = `${from}#${req.watchId}`;
  const start = req.startRevision <= 0 ? ctx.revision + 1 : req.startRevision;
  // etcd (watchable_store): a watcher whose start is below the compact revision is canceled; one at it is served
  if (start < ctx.compactRevision) {
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
    fx.send(from, { type: "CompactResponse", id: req.id, revision: ctx.revision, error: errCompacted });
    return ctx;
  }
  if (req.revision > ctx.revision) {
    fx.send(from, { type: "CompactResponse", id: req.id, revision: ctx.revision, error: errFutureRev });
    return ctx;
  }
  fx.send(from, { type: "CompactResponse", id: req.id, revision: ctx.revision });
  return compact(ctx, req.revision);
}

function leaseGrant(ctx: EtcdContext, req: Req<"LeaseGrant">, from: string, fx: Fx): EtcdContext {
  const id = ctx.nextLeaseId;
  const ttlSeconds = Math.max(req.ttlSeconds, MIN_LEASE_TTL_SECONDS);
  fx.after(`lease/${id}`, ttlSeconds * 1000, { type: "LeaseExpired", lease: id }, true);
  fx.send(from, { type: "LeaseGrantResponse", id: req.id, lease: id, ttlSeconds });
  return { ...ctx, nextLeaseId: id + 1, leases: ctx.leases.set(id, { id, ttlSeconds, keys: ISet() }) };
}

function leaseRevoke(ctx: EtcdContext, req: Req<"LeaseRevoke">, from: string, fx: Fx): EtcdContext {
  if (!ctx.leases.has(req.lease)) {
    fx.send(from, { type: "LeaseRevokeResponse", id: req.id, lease: req.lease, error: errLeaseNotFound });
    return ctx;
  }
  const next = revokeLease(ctx, req.lease, fx);
  fx.cancel(`lease/${req.lease}`);
  fx.send(from, { type: "LeaseRevokeResponse", id: req.id, lease: req.lease });
  return next;
}

/** A keepalive restarts the lease's full TTL; an unknown lease is answered with TTL 0 (etcd's LeaseKeepAlive stream). */
function leaseKeepAlive(ctx: EtcdContext, req: Req<"LeaseKeepAlive">, from: string, fx: Fx): EtcdContext {
  const l = ctx.leases.get(req.lease);
  if (l) fx.after(`lease/${l.id}`, l.ttlSeconds * 1000, { type: "LeaseExpired", lease: l.id }, true);
  fx.send(from, { type: "LeaseKeepAliveResponse", id: req.id, lease: req.lease, ttlSeconds: l ? l.ttlSeconds : 0 });
  return ctx;
}

/**
 * The context with history below `revision` dropped. At the compact revision itself etcd keeps each
 * key's value but drops a tombstone (keyIndex.compact), so a watch from there sees its puts only.
 */
export function compact(ctx: EtcdContext, revision: number): EtcdContext {
  // Each revision a later one superseded (and each tombstone) up to the compact revision frees its
  // pages for reuse; the file keeps its size until it is defragmented.
  let freed = 0;
  const first = ctx.sealed.length > 0 ? ctx.sealed[0]!.start : ctx.historyStart;
  for (let rev = Math.max(ctx.compactRevision + 1, first); rev <= revision; rev++) {
    if (rev >= ctx.historyStart) {
      freed += freedBy(ctx.history.get(rev - ctx.historyStart) ?? []);
      continue;
    }
    const b = sealedAt(ctx, rev);
    if (b !== undefined) freed += b.freed[rev - b.start]!;
  }
  if (revision < ctx.historyStart) return compactSealed(ctx, revision, ctx.dbSizeInUse - freed);
  // the mutant drops the compact revision's own events too (an off-by-one): a watch from it, still allowed, misses them
  const drop = Math.min(revision - ctx.historyStart + (mutant("etcd.compact-drops-compact-revision") ? 1 : 0), ctx.history.size);
  let history = drop > 0 ? ctx.history.slice(drop) : ctx.history;
  const historyStart = drop > 0 ? ctx.historyStart + drop : ctx.historyStart;
  const at = history.get(revision - historyStart);
  if (revision >= historyStart && at && at.some((e) => e.type === "DELETE")) history = history.set(revision - historyStart, Object.freeze(at.filter((e) => e.type === "PUT")));
  return { ...ctx, history, historyStart, sealed: [], compactRevision: revision, dbSizeInUse: ctx.dbSizeInUse - freed };
}

/**
 * compact, for a revision among the sealed ones: the batches wholly below it go, and the batch
 * holding it is sealed again from it on, without the compact revision's tombstones.
 */
function compactSealed(ctx: EtcdContext, revision: number, dbSizeInUse: number): EtcdContext {
  let i = 0;
  while (i < ctx.sealed.length && ctx.sealed[i]!.start + ctx.sealed[i]!.count <= revision) i++;
  const sealed = ctx.sealed.slice(i);
  const b = sealed[0];
  if (b !== undefined && b.start <= revision) {
    const kept = unseal(ctx, b).slice(revision - b.start);
    const at = kept[0]!;
    if (at.some((e) => e.type === "DELETE")) kept[0] = Object.freeze(at.filter((e) => e.type === "PUT"));
    if (b.start < revision || kept[0] !== at) sealed[0] = Object.freeze({ start: revision, count: kept.length, bytes: pack(kept), freed: b.freed.slice(revision - b.start) });
  }
  return { ...ctx, sealed, compactRevision: revision, dbSizeInUse };
}

/** The context with every key attached to a lease deleted, at one revision, and the lease forgotten. */
export function revokeLease(ctx: EtcdContext, lease: number, fx: Fx): EtcdContext {
  const l = ctx.leases.get(lease);
  if (!l) return ctx;
  const rest = { ...ctx, leases: ctx.leases.remove(lease) };
  return notifyWatchers(applyOps(rest, [...l.keys].sort(byteOrder).map((key) => ({ type: "delete" as const, key }))), fx);
}
