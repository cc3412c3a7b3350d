// Old revisions are sealed off the heap (serialised in batches) once thousands of newer ones are
// written: every read that reaches them (a range at a revision, a watch from a revision, a
// compaction's freed bytes) must answer as if they had stayed objects. The expectations come from a
// plain MVCC model written here: every revision's events kept in an array, a key space at a
// revision replayed forward from the first.

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Fx } from "../common/effects.js";
import { DEFAULT_QUOTA_BACKEND_BYTES, EMPTY_DB_BYTES, handleRequest, initialEtcd, type EtcdContext } from "./etcd.logic.js";

interface ModelKv { key: string; value: unknown; createRevision: number; modRevision: number; version: number; lease?: number }
interface ModelEvent { type: "PUT" | "DELETE"; kv: ModelKv; prevKv?: ModelKv }

/** mulberry32: the op sequence from a seed fast-check draws (thousands of ops a run). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const keys = ["/a", "/b", "/c", "/d/x", "/d/y", "/d/z", "/e\u{1F600}"];
const cost = (key: string, value: unknown) =>
  256 + Buffer.byteLength(key) + (typeof value === "string" ? Buffer.byteLength(value) : Buffer.byteLength(JSON.stringify(value) ?? ""));

class Model {
  revision = 1;
  compactRevision = 0;
  /** events[rev] for every revision ever written (compaction only filters the compact revision's) */
  events: ModelEvent[][] = [];
  kv = new Map<string, ModelKv>();
  dbSizeInUse = EMPTY_DB_BYTES;

  write(ops: ({ type: "put"; key: string; value: unknown; lease?: number } | { type: "delete"; key: string; prefix?: boolean })[]): void {
    const rev = this.revision + 1;
    const evs: ModelEvent[] = [];
    for (const op of ops) {
      if (op.type === "put") {
        const prev = this.kv.get(op.key);
        const kv: ModelKv = { key: op.key, value: op.value, createRevision: prev ? prev.createRevision : rev, modRevision: rev, version: prev ? prev.version + 1 : 1, ...(op.lease !== undefined ? { lease: op.lease } : {}) };
        this.kv.set(op.key, kv);
        this.dbSizeInUse += cost(op.key, op.value);
        evs.push(prev ? { type: "PUT", kv, prevKv: prev } : { type: "PUT", kv });
      } else {
        const hit = [...this.kv.keys()].filter((k) => (op.prefix ? k.startsWith(op.key) : k === op.key)).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
        for (const k of hit) {
          const prev = this.kv.get(k)!;
          this.kv.delete(k);
          this.dbSizeInUse += cost(k, "");
          evs.push({ type: "DELETE", kv: { key: k, value: undefined, createRevision: 0, modRevision: rev, version: 0 }, prevKv: prev });
        }
      }
    }
    if (evs.length === 0) return;
    this.revision = rev;
    this.events[rev] = evs;
  }

  compact(rev: number): void {
    for (let r = this.compactRevision + 1; r <= rev; r++) {
      for (const e of this.events[r] ?? []) {
        if (e.prevKv) this.dbSizeInUse -= cost(e.prevKv.key, e.prevKv.value === undefined ? "" : e.prevKv.value);
        if (e.type === "DELETE") this.dbSizeInUse -= cost(e.kv.key, "");
      }
    }
    if (this.events[rev]) this.events[rev] = this.events[rev]!.filter((e) => e.type === "PUT");
    this.compactRevision = rev;
  }

  /** The key space at a revision, replayed forward from the first. */
  at(rev: number): Map<string, ModelKv> {
    const kv = new Map<string, ModelKv>();
    for (let r = 2; r <= rev; r++) for (const e of this.events[r] ?? []) if (e.type === "PUT") kv.set(e.kv.key, e.kv);
    else kv.delete(e.kv.key);
    return kv;
  }
}

/** A value: JSON-like, with what JSON would lose (undefined fields, -0) and parts shared with earlier values. */
function value(rand: () => number, earlier: unknown[]): unknown {
  const r = rand();
  if (r < 0.15) return Math.floor(rand() * 1000);
  if (r < 0.25) return `s${Math.floor(rand() * 50)}\u00e9`;
  const shared = earlier.length > 0 ? earlier[Math.floor(rand() * earlier.length)] : null;
  const v = { kind: "Thing", n: Math.floor(rand() * 100), z: rand() < 0.1 ? -0 : 0, gone: rand() < 0.3 ? undefined : "here", spec: shared, list: [1, "two", { three: rand() < 0.5 }] };
  earlier.push(v.list);
  if (earlier.length > 20) earlier.shift();
  return v;
}

function send(e: { ctx: EtcdContext }, req: any, from = "apiserver"): any[] {
  const fx = new Fx();
  e.ctx = handleRequest(e.ctx, req, from, fx);
  return fx.sends.map((s) => s.msg);
}

function deepFrozen(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return true;
  return Object.isFrozen(v) && Object.values(v).every(deepFrozen);
}

describe("etcd: sealed revisions read as they were written", () => {
  it("ranges at a revision, watches from a revision and compactions agree with a plain MVCC model across thousands of revisions", () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rand = prng(seed);
        // small windows and batches (the default keeps 20,000 live), so a run seals many batches
        const sealing = { live: 1 + Math.floor(rand() < 0.5 ? rand() * 20 : rand() * 600), batch: 1 + Math.floor(rand() * 700) };
        const e = { ctx: initialEtcd(DEFAULT_QUOTA_BACKEND_BYTES, sealing) };
        const m = new Model();
        const [granted] = send(e, { type: "LeaseGrant", id: 0, ttlSeconds: 60 });
        const lease: number = granted.lease;
        const earlier: unknown[] = [];
        const writes = 3000 + Math.floor(rand() * 3000);
        let watchId = 100;
        // a few keys written often, many seldom (a value still current when its revision is sealed, replaced or deleted long after)
        const pick = () => (rand() < 0.2 ? `/r/${Math.floor(rand() * 300)}` : keys[Math.floor(rand() * keys.length)]!);
        for (let i = 0; i < writes; i++) {
          const r = rand();
          const ops: any[] =
            r < 0.7 ? [{ type: "put", key: pick(), value: value(rand, earlier), ...(rand() < 0.1 ? { lease } : {}) }]
            : r < 0.8 ? [{ type: "put", key: "/a", value: value(rand, earlier) }, { type: "put", key: "/d/x", value: value(rand, earlier) }]
            : r < 0.9 ? [{ type: "delete", key: pick() }]
            : r < 0.998 ? [{ type: "delete", key: "/d/", prefix: true }]
            : [{ type: "delete", key: "/r/", prefix: true }];
          send(e, { type: "Txn", id: i, compare: [], success: ops, failure: [] });
          m.write(ops);
          expect(e.ctx.revision).toBe(m.revision);

          if (rand() < 0.001) {
            // a compaction, somewhere between the last and now: mostly well behind (among the sealed revisions), sometimes among the newest
            let to = m.compactRevision + 1 + Math.floor(rand() ** 3 * (m.revision - m.compactRevision));
            // often at a revision with a tombstone, which the compaction drops from it
            if (rand() < 0.5) while (to < m.revision && !m.events[to]?.some((x) => x.type === "DELETE")) to++;
            const [res] = send(e, { type: "Compact", id: i, revision: to });
            expect(res).toStrictEqual({ type: "CompactResponse", id: i, revision: m.revision });
            m.compact(to);
            const [again] = send(e, { type: "Compact", id: i, revision: to });
            expect(again.error).toBe("etcdserver: mvcc: required revision has been compacted");
            expect(e.ctx.dbSizeInUse).toBe(m.dbSizeInUse);
          }

          if (rand() < 0.01) {
            // a range at an old revision (sometimes below the compact revision: refused)
            const at = rand() < 0.1 ? 1 + Math.floor(rand() * m.revision) : Math.max(1, m.compactRevision + Math.floor(rand() * (m.revision - m.compactRevision + 1)));
            const prefix = rand() < 0.5;
            const key = prefix ? "/" : pick();
            const [res] = send(e, { type: "Range", id: i, key, prefix, revision: at });
            if (at < m.compactRevision) {
              expect(res).toStrictEqual({ type: "RangeResponse", id: i, revision: m.revision, kvs: [], error: "etcdserver: mvcc: required revision has been compacted" });
            } else {
              const space = m.at(at);
              const kvs = prefix ? [...space.values()].sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key))) : space.has(key) ? [space.get(key)] : [];
              expect(res).toStrictEqual({ type: "RangeResponse", id: i, revision: m.revision, kvs });
              expect(res.kvs.every(deepFrozen)).toBe(true);
            }
          }

          if (rand() < 0.005) {
            // a watch from an old revision, replayed revision by revision, then canceled
            // (a fifth from the compact revision itself: its tombstones are gone, its prevKvs too)
            const r = rand();
            const start = r < 0.1 ? 1 + Math.floor(rand() * m.revision) : r < 0.3 ? Math.max(1, m.compactRevision) : Math.max(1, m.compactRevision + Math.floor(rand() * (m.revision - m.compactRevision + 1)));
            const prefix = rand() < 0.5 ? "/" : "/d/";
            const id = watchId++;
            const got = send(e, { type: "Watch", watchId: id, prefix, startRevision: start }, "reader");
            send(e, { type: "CancelWatch", watchId: id }, "reader");
            if (start < m.compactRevision) {
              expect(got).toStrictEqual([{ type: "WatchResponse", watchId: id, events: [], canceled: true, compactRevision: m.compactRevision, error: "mvcc: required revision has been compacted" }]);
              continue;
            }
            const want: any[] = [];
            for (let rev = start; rev <= m.revision; rev++) {
              const evs = (m.events[rev] ?? []).filter((x) => x.kv.key.startsWith(prefix)).map((x) => (rev <= m.compactRevision && x.prevKv ? { type: x.type, kv: x.kv } : x));
              if (evs.length > 0) want.push({ type: "WatchResponse", watchId: id, events: evs });
            }
            expect(got).toStrictEqual(want);
            expect(got.flatMap((r: any) => r.events).every((ev: any) => deepFrozen(ev.kv) && deepFrozen(ev.prevKv))).toBe(true);
          }
        }
        // the runs are long enough to seal, and to read what was sealed
        expect(e.ctx.sealed.length + (e.ctx.compactRevision >= e.ctx.historyStart ? 1 : 0)).toBeGreaterThan(0);
        expect(e.ctx.historyStart).toBeGreaterThan(2);
      }),
      { seed: 16, numRuns: 8 },
    );
  });
});
