// The etcd differential: one sequence of etcd operations run in lockstep against podflow's etcd
// machine (the XState actor, driven by its messages as the API server drives it) and a real etcd
// (through the `etcd3` client's raw gRPC stubs, so nothing is interpreted on the way), each answer
// brought to one normal form and compared. The first difference ends the sequence.
//
// What is normalised, and why (nothing else):
// - revisions: each sequence has a fresh machine (revision 1) but shares one real etcd; a write on
//   a key outside the sequence's namespace first gives it a revision R no compaction has reached,
//   and real revision r is machine revision r - R + 1 (0 stays 0: "no revision").
// - keys: the real keys carry the sequence's namespace (/d<n>), stripped before comparing.
// - lease ids: etcd picks them at random; both sides' ids are named by the order of their grants.
// - errors: the real client's message is cut down to etcd's own text ("etcdserver: ...").
// - watch responses: etcd batches a catch-up's revisions in one response, the machine sends one
//   per revision; the events are compared as one list per watcher, in order.
// - header fields that have no counterpart (cluster/member id, raft term) are not read.

import { createActor } from "xstate";
import fc from "fast-check";
import type { Etcd3, IKeyValue, IWatchResponse, IDuplexStream, ILeaseKeepAliveRequest, ILeaseKeepAliveResponse, IWatchRequest, IRequestOp, ICompare } from "etcd3";
import { etcdMachine } from "../../machines/etcd/etcd.machine.js";
import type { CompareResult, EtcdResponse, KeyValue, TxnOp } from "../../machines/messages.js";

// ---- the operations (machine terms: keys without namespace, revisions relative to the machine's) ----

export const KEYS = ["/a", "/a/b", "/a/c", "/a/\u{1F600}", "/a/\uFF5E", "/b", "/ab"] as const;
export const PREFIXES = ["/", "/a", "/a/", "/b"] as const;
export const VALUES = ["", "x", "y", "z"] as const;

/** A revision named by where it stands when the op runs: now (0), k back from the current one, ahead of it, or next to the compact revision. */
export type RevSpec = { now: true } | { back: number } | { ahead: number } | { at: number } | { compact: -1 | 0 | 1 };
/** A compare's number: the key's own current field (± delta), or a literal. */
export type NumSpec = { actual: -1 | 0 | 1 } | { lit: number };
/** A lease named by the order of its grant in the sequence; one never granted is unknown to both. */
export type LeaseRef = { granted: number } | { unknown: true };

export type GenCompare =
  | { key: string; target: "mod" | "create" | "version"; result: CompareResult; value: NumSpec }
  | { key: string; target: "value"; result: CompareResult; value: string };
export type GenTxnOp =
  | { type: "put"; key: string; value: string; lease?: LeaseRef; prevKv: boolean }
  | { type: "delete"; key: string; prefix: boolean; prevKv: boolean };

export type DiffOp =
  | { op: "txn"; compare: GenCompare[]; success: GenTxnOp[]; failure: GenTxnOp[] }
  | { op: "range"; key: string; prefix: boolean; revision: RevSpec }
  | { op: "watch"; prefix: string; start: RevSpec }
  | { op: "compact"; revision: RevSpec }
  | { op: "grant"; ttl: number }
  | { op: "revoke"; lease: LeaseRef }
  | { op: "keepalive"; lease: LeaseRef }
  /** a lease granted with etcd's minimum TTL runs out: real etcd is waited on; the machine's timer is fired */
  | { op: "expire"; keys: string[] };

const key = fc.constantFrom(...KEYS);
const result = fc.constantFrom<CompareResult>("=", "!=", "<", ">");
const leaseRef: fc.Arbitrary<LeaseRef> = fc.oneof({ weight: 6, arbitrary: fc.nat(3).map((granted) => ({ granted })) }, { weight: 1, arbitrary: fc.constant({ unknown: true as const }) });
const revSpec: fc.Arbitrary<RevSpec> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ now: true as const }) },
  { weight: 5, arbitrary: fc.nat(6).map((back) => ({ back })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }).map((ahead) => ({ ahead })) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((at) => ({ at })) },
  // the edges compaction makes: just below, at and just above the compact revision
  { weight: 2, arbitrary: fc.constantFrom(-1, 0, 1).map((d) => ({ compact: d as -1 | 0 | 1 })) },
);
const numSpec: fc.Arbitrary<NumSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(-1, 0, 1).map((d) => ({ actual: d as -1 | 0 | 1 })) },
  { weight: 1, arbitrary: fc.nat(4).map((lit) => ({ lit })) },
);
const compare: fc.Arbitrary<GenCompare> = fc.oneof(
  fc.record({ key, target: fc.constantFrom("mod" as const, "create" as const, "version" as const), result, value: numSpec }),
  fc.record({ key, target: fc.constant("value" as const), result, value: fc.constantFrom(...VALUES) }),
);
const txnOp: fc.Arbitrary<GenTxnOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant("put" as const), key, value: fc.constantFrom(...VALUES), lease: fc.option(leaseRef, { nil: undefined, freq: 3 }), prevKv: fc.boolean() }, { requiredKeys: ["type", "key", "value", "prevKv"] }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("delete" as const), key: fc.constantFrom(...KEYS, ...PREFIXES), prefix: fc.boolean(), prevKv: fc.boolean() }) },
);

/** One generated operation (lease expiry left out: it waits on real time, see expireArb). */
export const diffOpArb: fc.Arbitrary<DiffOp> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant("txn" as const), compare: fc.array(compare, { maxLength: 2 }), success: fc.array(txnOp, { maxLength: 3 }), failure: fc.array(txnOp, { maxLength: 2 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("range" as const), key: fc.constantFrom(...KEYS, ...PREFIXES), prefix: fc.boolean(), revision: revSpec }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("watch" as const), prefix: fc.constantFrom(...PREFIXES, ...KEYS), start: revSpec }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("compact" as const), revision: revSpec }) },
  // TTLs long enough that no lease runs out while a sequence runs; the minimum TTL is expireArb's
  { weight: 1, arbitrary: fc.record({ op: fc.constant("grant" as const), ttl: fc.constantFrom(30, 60, 600) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("revoke" as const), lease: leaseRef }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("keepalive" as const), lease: leaseRef }) },
);

/** A sequence; half of them open a watch on everything first, so most writes are also seen as events. */
export const sequenceArb: fc.Arbitrary<DiffOp[]> = fc
  .tuple(fc.boolean(), fc.array(diffOpArb, { minLength: 1, maxLength: 30, size: "max" }))
  .map(([watchAll, ops]) => (watchAll ? [{ op: "watch" as const, prefix: "/", start: { now: true as const } }, ...ops] : ops));

/** An expiry somewhere in a short sequence (each waits ~2-3 s on the real etcd's clock). */
export const expireArb: fc.Arbitrary<DiffOp> = fc.record({ op: fc.constant("expire" as const), keys: fc.uniqueArray(key, { minLength: 0, maxLength: 3 }) });

// ---- the normal form ---------------------------------------------------------------------

/** A stored key-value, normalised: key without namespace, revisions as the machine counts them, lease by grant order. */
export interface NKv { key: string; value: string; create: number; mod: number; version: number; lease: string }
export interface NEvent { type: "PUT" | "DELETE"; kv: NKv | { key: string; mod: number }; prevKv: NKv | null }
export type NAnswer =
  | { error: string }
  | { succeeded: boolean; revision: number; responses: ({ put: NKv | null } | { deleted: number; prevKvs: NKv[] | null })[]; current?: NKv[] }
  | { revision: number; kvs: NKv[] }
  | { watch: "created" } | { watch: "canceled"; compactRevision: number }
  | { compacted: number }
  | { lease: string; ttl: number }
  | { revoked: string }
  | { expired: string; revision: number };

export interface Difference {
  /** index of the op in the sequence (or "watch <n>" at the end) */
  at: string;
  op: DiffOp | undefined;
  machine: unknown;
  real: unknown;
}

export interface DiffResult {
  difference?: Difference;
  ops: number;
  watchEvents: number;
}

// ---- the machine side ----------------------------------------------------------------------

interface MachineTimer { key: string; due: number; event: { type: string; lease: number } }

/** The etcd machine as an actor: requests in as the API server sends them (from, now stamped), messages and timers out. */
export class MachineEtcd {
  private readonly actor = createActor(etcdMachine, { input: {} }).start();
  private inbox: EtcdResponse[] = [];
  private readonly timers = new Map<string, MachineTimer>();
  now = 0;

  constructor() {
    this.actor.on("effects" as never, (fx: any) => {
      for (const s of fx.send) this.inbox.push(s.msg);
      for (const k of fx.cancel) this.timers.delete(k);
      for (const t of fx.timers) this.timers.set(t.key, { key: t.key, due: this.now + t.ms, event: t.event });
    });
  }

  get revision(): number { return this.actor.getSnapshot().context.revision; }
  get compactRevision(): number { return this.actor.getSnapshot().context.compactRevision; }
  kv(key: string): KeyValue | undefined { return this.actor.getSnapshot().context.kv.get(key); }

  /** Sends one request; returns every message the machine sent back, in order. */
  send(req: Record<string, unknown> & { type: string }): EtcdResponse[] {
    this.inbox = [];
    this.actor.send({ ...req, from: "apiserver", now: this.now } as never);
    return this.inbox;
  }

  /** The machine's timer for a lease (the runtime would fire it when simulated time reaches due). */
  leaseTimer(lease: number): MachineTimer | undefined { return this.timers.get(`lease/${lease}`); }

  /** Fires a lease's timer, as the runtime does when simulated time reaches it. */
  fire(t: MachineTimer): EtcdResponse[] {
    this.timers.delete(t.key);
    this.now = Math.max(this.now, t.due);
    this.inbox = [];
    this.actor.send({ ...t.event, from: "etcd", now: this.now } as never);
    return this.inbox;
  }

  stop(): void { this.actor.stop(); }
}

// ---- the comparison --------------------------------------------------------------------------

const enc = (s: string): Buffer => Buffer.from(s, "utf8");

/** The end of a prefix range: the prefix with its last byte incremented (clientv3.GetPrefixRangeEnd). */
export function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix, "utf8");
  for (let i = b.length - 1; i >= 0; i--) {
    if (b[i]! < 0xff) {
      const end = Buffer.from(b.subarray(0, i + 1));
      end[i] = b[i]! + 1;
      return end;
    }
  }
  return Buffer.from([0]);
}

/** etcd's own error text in a client error ("etcdserver: ..."), else the message. */
export function etcdError(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  const found = /etcdserver: [^\n]*/.exec(m)?.[0];
  return (found ?? m).replace(/ is expired or revoked$/, "");
}

let namespaces = 0;

/** A lease id neither side granted (etcd's are random 63-bit ids, the machine's start at 0x694d7a1a0000). */
const UNKNOWN_LEASE = 0x7eadbeef;

/** Runs one sequence against both and returns the first difference (none: they agree). */
/** etcd's gauge of watchers its sync loop has not caught up yet (etcd_debugging_mvcc_slow_watcher_total). */
export async function unsyncedWatchers(endpoint: string): Promise<number> {
  const text = await (await fetch(`${endpoint}/metrics`)).text();
  const m = /^etcd_debugging_mvcc_slow_watcher_total (\S+)$/m.exec(text);
  if (!m) throw new Error("etcd's /metrics has no etcd_debugging_mvcc_slow_watcher_total");
  return Number(m[1]);
}

/** Runs one sequence against both and returns the first difference (none: they agree). endpoint: etcd's URL, for its /metrics. */
export async function runDifferential(client: Etcd3, ops: readonly DiffOp[], opts: { endpoint: string; watchWaitMs?: number }): Promise<DiffResult> {
  const ns = `/d${process.pid}-${++namespaces}-${Date.now()}`;
  // no lease of an earlier sequence may run out during this one (one that ended at a difference mid-way)
  const left = await client.leaseClient.leaseLeases();
  await Promise.all((left.leases ?? []).map((l) => client.leaseClient.leaseRevoke({ ID: String(l.ID) }).catch(() => undefined)));
  // a write outside the namespace: this sequence's revision 1 is above every earlier compaction
  const start = await client.kv.put({ key: enc(`${ns}!start`), value: enc("") });
  const base = Number(start.header!.revision) - 1;
  const m = new MachineEtcd();
  const machineLeases: number[] = [];
  const realLeases: string[] = [];
  const streams: { cancel(): void }[] = [];
  let keepalive: IDuplexStream<ILeaseKeepAliveRequest, ILeaseKeepAliveResponse> | undefined;
  const keepaliveAnswers: ILeaseKeepAliveResponse[] = [];
  const watchers: { index: number; machine: NEvent[]; real: NEvent[]; realState: NAnswer[]; machineState: NAnswer[] }[] = [];
  const machineWatch = new Map<number, (typeof watchers)[number]>();
  const waitMs = opts.watchWaitMs ?? 5000;
  let watchEvents = 0;

  const toReal = (rev: number): number => (rev > 0 ? rev + base : rev);
  const fromReal = (rev: string | number | undefined): number => {
    const r = Number(rev ?? 0);
    return r > 0 ? r - base : r;
  };
  const revOf = (s: RevSpec): number =>
    "now" in s ? 0 : "back" in s ? Math.max(1, m.revision - s.back) : "ahead" in s ? m.revision + s.ahead : "compact" in s ? Math.max(1, m.compactRevision + s.compact) : s.at;
  const machineLease = (l: LeaseRef | undefined): number | undefined => (l === undefined ? undefined : "granted" in l ? (machineLeases[l.granted] ?? UNKNOWN_LEASE) : UNKNOWN_LEASE);
  const realLease = (l: LeaseRef | undefined): string => (l === undefined ? "0" : "granted" in l ? (realLeases[l.granted] ?? String(UNKNOWN_LEASE)) : String(UNKNOWN_LEASE));
  const leaseNameM = (id: number | undefined): string => (id === undefined || id === 0 ? "none" : machineLeases.includes(id) ? `lease#${machineLeases.indexOf(id)}` : `unknown:${id}`);
  const leaseNameR = (id: string | undefined): string => (id === undefined || id === "0" ? "none" : realLeases.includes(id) ? `lease#${realLeases.indexOf(id)}` : id === String(UNKNOWN_LEASE) ? `unknown:${UNKNOWN_LEASE}` : `unknown:${id}`);
  const nkvM = (kv: KeyValue): NKv => ({ key: kv.key, value: String(kv.value), create: kv.createRevision, mod: kv.modRevision, version: kv.version, lease: leaseNameM(kv.lease) });
  const nkvR = (kv: IKeyValue): NKv => ({ key: kv.key.toString("utf8").slice(ns.length), value: kv.value.toString("utf8"), create: fromReal(kv.create_revision), mod: fromReal(kv.mod_revision), version: Number(kv.version), lease: leaseNameR(String(kv.lease)) });
  const neventM = (e: { type: "PUT" | "DELETE"; kv: KeyValue; prevKv?: KeyValue }): NEvent =>
    ({ type: e.type, kv: e.type === "PUT" ? nkvM(e.kv) : { key: e.kv.key, mod: e.kv.modRevision }, prevKv: e.prevKv ? nkvM(e.prevKv) : null });
  const neventR = (e: NonNullable<IWatchResponse["events"]>[number]): NEvent => {
    const type = String(e.type) === "Delete" || String(e.type) === "DELETE" ? "DELETE" : "PUT";
    return { type, kv: type === "PUT" ? nkvR(e.kv!) : { key: e.kv!.key.toString("utf8").slice(ns.length), mod: fromReal(e.kv!.mod_revision) }, prevKv: e.prev_kv ? nkvR(e.prev_kv) : null };
  };
  /** Machine watch responses go to their watcher's list. */
  const route = (msgs: EtcdResponse[]): EtcdResponse[] => {
    const rest: EtcdResponse[] = [];
    for (const msg of msgs) {
      if (msg.type !== "WatchResponse") { rest.push(msg); continue; }
      const w = machineWatch.get(msg.watchId)!;
      if (msg.canceled) w.machineState.push({ watch: "canceled", compactRevision: msg.compactRevision ?? 0 });
      for (const e of msg.events) w.machine.push(neventM(e));
    }
    return rest;
  };
  /**
   * Waits until each real watcher has as many events as its machine twin (or waitMs passed), and,
   * before a compaction, until etcd has no unsynced watcher: etcd catches up a watch that starts
   * behind its revision in a background loop (every 100 ms), while the machine does so at once, and
   * a compaction before that loop cancels such a watcher in etcd even when it had nothing to send.
   * That window is timing, not semantics: waited out, on etcd's own gauge of unsynced watchers.
   */
  const quiesce = async (beforeCompaction: boolean): Promise<void> => {
    if (beforeCompaction) {
      const deadline = Date.now() + waitMs;
      while ((await unsyncedWatchers(opts.endpoint)) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    }
    const deadline = Date.now() + waitMs;
    while (watchers.some((w) => w.real.length < w.machine.length || w.realState.length < w.machineState.length) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  };
  const kaNext = async (): Promise<ILeaseKeepAliveResponse> => {
    const deadline = Date.now() + waitMs;
    while (keepaliveAnswers.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    const a = keepaliveAnswers.shift();
    if (!a) throw new Error("no keepalive answer from etcd");
    return a;
  };
  const realCall = async <T>(f: () => Promise<T>): Promise<T | RealError> => {
    try {
      return await f();
    } catch (err) {
      return new RealError(etcdError(err));
    }
  };

  const answerOp = async (op: DiffOp): Promise<{ machine: NAnswer; real: NAnswer }> => {
    switch (op.op) {
      case "txn": {
        const mCompare = op.compare.map((c) => {
          if (c.target === "value") return { key: c.key, target: c.target, result: c.result, value: c.value };
          const kv = m.kv(c.key);
          const actual = c.target === "mod" ? (kv?.modRevision ?? 0) : c.target === "create" ? (kv?.createRevision ?? 0) : (kv?.version ?? 0);
          const value = "lit" in c.value ? c.value.lit : Math.max(0, actual + c.value.actual);
          return { key: c.key, target: c.target, result: c.result, value };
        });
        const mOps = (ops: GenTxnOp[]): TxnOp[] => ops.map((o) => (o.type === "put"
          ? { type: "put", key: o.key, value: o.value, prevKv: o.prevKv, ...(o.lease ? { lease: machineLease(o.lease) } : {}) }
          : { type: "delete", key: o.key, prefix: o.prefix, prevKv: o.prevKv }));
        const [mres] = route(m.send({ type: "Txn", id: 1, compare: mCompare, success: mOps(op.success), failure: mOps(op.failure), responses: true }));
        const machine: NAnswer = mres!.type !== "TxnResponse" ? { error: `unexpected ${mres!.type}` } : mres!.error ? { error: mres!.error } : {
          succeeded: mres!.succeeded, revision: mres!.revision,
          responses: (mres!.responses ?? []).map((r) => (r.type === "put" ? { put: r.prevKv ? nkvM(r.prevKv) : null } : { deleted: r.deleted, prevKvs: r.prevKvs ? r.prevKvs.map(nkvM) : null })),
          ...(mres!.current ? { current: mres!.current.map(nkvM) } : {}),
        };
        const targets = { mod: "Mod", create: "Create", version: "Version", value: "Value" } as const;
        const results = { "=": "Equal", "!=": "NotEqual", "<": "Less", ">": "Greater" } as const;
        const rCompare: ICompare[] = mCompare.map((c) => {
          const base0 = { key: enc(ns + c.key), target: targets[c.target], result: results[c.result] };
          if (c.target === "value") return { ...base0, value: enc(String(c.value)) };
          const n = c.target === "version" ? c.value : toReal(c.value as number);
          return { ...base0, [c.target === "mod" ? "mod_revision" : c.target === "create" ? "create_revision" : "version"]: String(n) };
        });
        const rOps = (ops: GenTxnOp[]): IRequestOp[] => ops.map((o) => (o.type === "put"
          ? { request_put: { key: enc(ns + o.key), value: enc(o.value), prev_kv: o.prevKv, lease: realLease(o.lease) } }
          : { request_delete_range: { key: enc(ns + o.key), ...(o.prefix ? { range_end: prefixEnd(ns + o.key) } : {}), prev_kv: o.prevKv } }));
        // kube-apiserver's Txn reads the compared keys in its else branch; the machine answers that as `current`
        const reads: IRequestOp[] = mCompare.map((c) => ({ request_range: { key: enc(ns + c.key) } }));
        const failure = [...rOps(op.failure), ...reads];
        const rres = await realCall(() => client.kv.txn({ compare: rCompare, success: rOps(op.success), failure }));
        let real: NAnswer;
        if (rres instanceof RealError) real = { error: rres.error };
        else {
          const all = rres.responses ?? [];
          const answers = rres.succeeded ? all : all.slice(0, op.failure.length);
          real = {
            succeeded: rres.succeeded, revision: fromReal(rres.header!.revision),
            responses: answers.map((r: any) => (r.response_put ? { put: r.response_put.prev_kv ? nkvR(r.response_put.prev_kv) : null }
              : { deleted: Number(r.response_delete_range.deleted), prevKvs: op[rres.succeeded ? "success" : "failure"][answers.indexOf(r)]!.prevKv ? (r.response_delete_range.prev_kvs ?? []).map(nkvR) : null })),
            ...(rres.succeeded ? {} : { current: all.slice(op.failure.length).flatMap((r: any) => (r.response_range.kvs ?? []).map(nkvR)) }),
          };
        }
        return { machine, real };
      }
      case "range": {
        const rev = revOf(op.revision);
        const [mres] = route(m.send({ type: "Range", id: 1, key: op.key, prefix: op.prefix, revision: rev }));
        const machine: NAnswer = mres!.type !== "RangeResponse" ? { error: `unexpected ${mres!.type}` } : mres!.error ? { error: mres!.error } : { revision: mres!.revision, kvs: mres!.kvs.map(nkvM) };
        const rres = await realCall(() => client.kv.range({ key: enc(ns + op.key), ...(op.prefix ? { range_end: prefixEnd(ns + op.key) } : {}), revision: String(toReal(rev)) }));
        const real: NAnswer = rres instanceof RealError ? { error: rres.error } : { revision: fromReal(rres.header!.revision), kvs: (rres.kvs ?? []).map(nkvR) };
        return { machine, real };
      }
      case "watch": {
        const index = watchers.length;
        const w = { index, machine: [] as NEvent[], real: [] as NEvent[], realState: [] as NAnswer[], machineState: [] as NAnswer[] };
        watchers.push(w);
        machineWatch.set(index + 1, w);
        const rev = revOf(op.start);
        route(m.send({ type: "Watch", watchId: index + 1, prefix: op.prefix, startRevision: rev }));
        const stream: IDuplexStream<IWatchRequest, IWatchResponse> = await client.watchClient.watch();
        streams.push(stream);
        let created = false;
        stream.on("data", (res: IWatchResponse) => {
          if (res.created) created = true;
          if (res.canceled) w.realState.push({ watch: "canceled", compactRevision: fromReal(res.compact_revision) });
          for (const e of res.events ?? []) { w.real.push(neventR(e)); watchEvents++; }
        });
        stream.on("error", () => {});
        stream.write({ create_request: { key: enc(ns + op.prefix), range_end: prefixEnd(ns + op.prefix), start_revision: String(toReal(rev)), prev_kv: true } });
        const deadline = Date.now() + waitMs;
        while (!created && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
        return { machine: { watch: "created" }, real: created ? { watch: "created" } : { error: "no watch created response" } };
      }
      case "compact": {
        // a watcher catching up reads prev values as it sends: let every one catch up first
        await quiesce(true);
        // "now" is the current revision here (a compact of revision 0 means nothing)
        const rev = "now" in op.revision ? m.revision : revOf(op.revision);
        const [mres] = route(m.send({ type: "Compact", id: 1, revision: rev }));
        const machine: NAnswer = mres!.type !== "CompactResponse" ? { error: `unexpected ${mres!.type}` } : mres!.error ? { error: mres!.error } : { compacted: mres!.revision };
        // physical: the answer waits for the backend's compaction, so what a later watch reads is settled
        const rres = await realCall(() => client.kv.compact({ revision: String(toReal(rev)), physical: true }));
        const real: NAnswer = rres instanceof RealError ? { error: rres.error } : { compacted: fromReal(rres.header!.revision) };
        return { machine, real };
      }
      case "grant": {
        const [mres] = route(m.send({ type: "LeaseGrant", id: 1, ttlSeconds: op.ttl }));
        const machine: NAnswer = mres!.type !== "LeaseGrantResponse" ? { error: `unexpected ${mres!.type}` } : (machineLeases.push(mres!.lease), { lease: leaseNameM(mres!.lease), ttl: mres!.ttlSeconds });
        const rres = await realCall(() => client.leaseClient.leaseGrant({ TTL: op.ttl }));
        const real: NAnswer = rres instanceof RealError ? { error: rres.error } : (realLeases.push(String(rres.ID)), { lease: leaseNameR(String(rres.ID)), ttl: Number(rres.TTL) });
        return { machine, real };
      }
      case "revoke": {
        const [mres] = route(m.send({ type: "LeaseRevoke", id: 1, lease: machineLease(op.lease)! }));
        const machine: NAnswer = mres!.type !== "LeaseRevokeResponse" ? { error: `unexpected ${mres!.type}` } : mres!.error ? { error: mres!.error } : { revoked: leaseNameM(mres!.lease) };
        const id = realLease(op.lease);
        const rres = await realCall(() => client.leaseClient.leaseRevoke({ ID: id }));
        const real: NAnswer = rres instanceof RealError ? { error: rres.error } : { revoked: leaseNameR(id) };
        return { machine, real };
      }
      case "keepalive": {
        const [mres] = route(m.send({ type: "LeaseKeepAlive", id: 1, lease: machineLease(op.lease)! }));
        const machine: NAnswer = mres!.type !== "LeaseKeepAliveResponse" ? { error: `unexpected ${mres!.type}` } : { lease: leaseNameM(mres!.lease), ttl: mres!.ttlSeconds };
        if (!keepalive) {
          keepalive = await client.leaseClient.leaseKeepAlive();
          streams.push(keepalive);
          keepalive.on("data", (a: ILeaseKeepAliveResponse) => keepaliveAnswers.push(a));
          keepalive.on("error", () => {});
        }
        const id = realLease(op.lease);
        keepalive.write({ ID: id });
        const rres = await realCall(kaNext);
        const real: NAnswer = rres instanceof RealError ? { error: rres.error } : { lease: leaseNameR(String(rres.ID)), ttl: Number(rres.TTL) };
        return { machine, real };
      }
      case "expire": {
        // etcd's minimum TTL: granted with 1, answered with 2; then each key put on the lease
        const [g] = route(m.send({ type: "LeaseGrant", id: 1, ttlSeconds: 1 }));
        const ml = (g as { lease: number }).lease;
        machineLeases.push(ml);
        const rg = await client.leaseClient.leaseGrant({ TTL: 1 });
        realLeases.push(String(rg.ID));
        if ((g as { ttlSeconds: number }).ttlSeconds !== Number(rg.TTL)) return { machine: { lease: leaseNameM(ml), ttl: (g as { ttlSeconds: number }).ttlSeconds }, real: { lease: leaseNameR(String(rg.ID)), ttl: Number(rg.TTL) } };
        for (const k of op.keys) {
          route(m.send({ type: "Txn", id: 1, compare: [], success: [{ type: "put", key: k, value: "leased", lease: ml }], failure: [] }));
          await client.kv.put({ key: enc(ns + k), value: enc("leased"), lease: String(rg.ID) });
        }
        // real time: wait until etcd has forgotten the lease (its keys are deleted in the same revision)
        const deadline = Date.now() + 10_000;
        let gone = false;
        while (!gone && Date.now() < deadline) {
          const ttl = await client.leaseClient.leaseTimeToLive({ ID: String(rg.ID) });
          gone = Number(ttl.TTL) === -1;
          if (!gone) await new Promise((r) => setTimeout(r, 100));
        }
        // etcd's lessor forgets the lease just before the Txn deleting its keys commits: wait for the keys too
        while (gone && Date.now() < deadline) {
          const left = await Promise.all(op.keys.map((k) => client.kv.range({ key: enc(ns + k) })));
          if (left.every((r) => (r.kvs ?? []).length === 0)) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        const now = await client.kv.range({ key: enc(`${ns}!start`) });
        const real: NAnswer = gone ? { expired: leaseNameR(String(rg.ID)), revision: fromReal(now.header!.revision) } : { error: "the lease did not expire within 10 s" };
        // simulated time: the machine's timer for the lease is due at its TTL; the runtime fires it
        const t = m.leaseTimer(ml);
        if (!t) return { machine: { error: "no expiry timer for the lease" }, real };
        if (t.due !== m.now + Number(rg.TTL) * 1000) return { machine: { error: `the lease's timer is due at ${t.due} ms, not at its TTL` }, real };
        route(m.fire(t));
        return { machine: { expired: leaseNameM(ml), revision: m.revision }, real };
      }
    }
  };

  try {
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      const { machine, real } = await answerOp(op);
      if (!sameJson(machine, real)) return { difference: { at: `op ${i}`, op, machine, real }, ops: i + 1, watchEvents };
    }
    await quiesce(false);
    for (const w of watchers) {
      const machine = { state: w.machineState, events: w.machine };
      const real = { state: w.realState, events: w.real };
      if (!sameJson(machine, real)) return { difference: { at: `watch ${w.index}`, op: undefined, machine, real }, ops: ops.length, watchEvents };
    }
    return { ops: ops.length, watchEvents };
  } finally {
    for (const s of streams) s.cancel();
    m.stop();
    // a lease left behind would run out during a later sequence and move the shared revision
    await Promise.all(realLeases.map((id) => client.leaseClient.leaseRevoke({ ID: id }).catch(() => undefined)));
  }
}

/** A real call's failure, told apart from answers (etcd's answers carry an `error` field of their own). */
class RealError {
  constructor(readonly error: string) {}
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
