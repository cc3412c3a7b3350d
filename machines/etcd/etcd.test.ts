import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createActor } from "xstate";
import { createTestModel } from "@xstate/graph";
import { Fx } from "../common/effects.js";
import { applyOps, compact, handleRequest, initialEtcd, restoredEtcd, revokeLease, type EtcdContext } from "./etcd.logic.js";
import { freezeContext } from "../common/freeze.js";
import { etcdMachine } from "./etcd.machine.js";
import { Runtime } from "../../runtime/runtime.js";
import { etcdPolicy } from "../../runtime/policy.js";

/** A key space under test: each request replaces it with the next context. */
class Etcd {
  ctx: EtcdContext = initialEtcd();
  run(req: any, from = "apiserver"): any[] {
    const fx = new Fx();
    this.ctx = handleRequest(this.ctx, req, from, fx);
    return fx.sends.map((s) => s.msg);
  }
  apply(ops: any[]): void {
    this.ctx = applyOps(this.ctx, ops);
  }
}

describe("etcd MVCC", () => {
  it("a put at a new revision sets createRevision, modRevision and version", () => {
    const e = new Etcd();
    e.apply([{ type: "put", key: "/a", value: 1 }]);
    e.apply([{ type: "put", key: "/a", value: 2 }]);
    expect(e.ctx.revision).toBe(3);
    expect(e.ctx.kv.get("/a")).toMatchObject({ createRevision: 2, modRevision: 3, version: 2, value: 2 });
  });

  it("a Txn whose modRevision compare fails changes nothing and says so", () => {
    const e = new Etcd();
    e.run({ type: "Txn", id: 1, compare: [{ key: "/a", target: "version", result: "=", value: 0 }], success: [{ type: "put", key: "/a", value: 1 }], failure: [] });
    const [res] = e.run({ type: "Txn", id: 2, compare: [{ key: "/a", target: "mod", result: "=", value: 1 }], success: [{ type: "put", key: "/a", value: 9 }], failure: [] });
    expect(res).toMatchObject({ type: "TxnResponse", id: 2, succeeded: false, revision: 2 });
    expect(e.ctx.kv.get("/a")!.value).toBe(1);
  });

  it("a Txn over --max-request-bytes (1.5 MiB) is refused with etcd's error, applying nothing", () => {
    const e = new Etcd();
    const big = { data: "x".repeat(1.5 * 1024 * 1024) };
    const [res] = e.run({ type: "Txn", id: 1, compare: [{ key: "/a", target: "version", result: "=", value: 0 }], success: [{ type: "put", key: "/a", value: big }], failure: [] });
    expect(res).toEqual({ type: "TxnResponse", id: 1, succeeded: false, revision: 1, error: "etcdserver: request is too large" });
    expect(e.ctx.kv.has("/a")).toBe(false);
    expect(e.ctx.revision).toBe(1);
  });

  it("a Txn just under 1.5 MiB is applied; multi-byte text counts as its UTF-8 bytes", () => {
    const e = new Etcd();
    const [ok] = e.run({ type: "Txn", id: 1, compare: [], success: [{ type: "put", key: "/a", value: "x".repeat(1.5 * 1024 * 1024 - 100) }], failure: [] });
    expect(ok).toMatchObject({ succeeded: true, revision: 2 });
    const [refused] = e.run({ type: "Txn", id: 2, compare: [], success: [{ type: "put", key: "/b", value: "é".repeat(0.75 * 1024 * 1024) }], failure: [] });
    expect(refused).toMatchObject({ succeeded: false, error: "etcdserver: request is too large" });
  });

  it("a Range by prefix returns the keys under it in key order", () => {
    const e = new Etcd();
    e.apply([{ type: "put", key: "/r/b", value: 1 }, { type: "put", key: "/r/a", value: 2 }, { type: "put", key: "/s", value: 3 }]);
    const [res] = e.run({ type: "Range", id: 1, key: "/r/", prefix: true });
    expect(res.kvs.map((k: any) => k.key)).toEqual(["/r/a", "/r/b"]);
  });

  it("a watch from a compacted revision is canceled with the compacted error", () => {
    const e = new Etcd();
    for (let i = 0; i < 5; i++) e.apply([{ type: "put", key: "/k", value: i }]);
    e.ctx = compact(e.ctx, 4);
    const [res] = e.run({ type: "Watch", watchId: 7, prefix: "/", startRevision: 3 });
    expect(res).toMatchObject({ type: "WatchResponse", watchId: 7, canceled: true, compactRevision: 4, error: "mvcc: required revision has been compacted" });
  });

  it("a lease's keys are deleted when it expires", () => {
    const e = new Etcd();
    const [grant] = e.run({ type: "LeaseGrant", id: 1, ttlSeconds: 3600 });
    e.run({ type: "Txn", id: 2, compare: [], success: [{ type: "put", key: "/registry/events/default/e1", value: {}, lease: grant.lease }], failure: [] });
    const actor = createActor(etcdMachine).start();
    actor.send({ type: "LeaseGrant", id: 1, ttlSeconds: 1, from: "apiserver", now: 0 } as any);
    const lease = [...actor.getSnapshot().context.leases.keys()][0]!;
    actor.send({ type: "Txn", id: 2, compare: [], success: [{ type: "put", key: "/e", value: 1, lease }], failure: [], from: "apiserver", now: 0 } as any);
    actor.send({ type: "LeaseExpired", lease, from: "etcd", now: 1000 } as any);
    expect(actor.getSnapshot().context.kv.has("/e")).toBe(false);
    expect(e.ctx.kv.has("/registry/events/default/e1")).toBe(true);
  });
});

// Expectations from etcd 3.4's server code (mvcc, etcdserver/apply.go, lease/lessor.go, api/v3rpc),
// each also checked against a real etcd by test/etcd-differential.test.ts.
describe("etcd answers as etcd 3.4 does", () => {
  const txn = (e: Etcd, compare: any[], success: any[], failure: any[] = [], responses = false) =>
    e.run({ type: "Txn", id: 9, compare, success, failure, ...(responses ? { responses } : {}) }).find((m) => m.type === "TxnResponse");

  it("a watch from the compact revision itself is served (watchable_store cancels only minRev < compactRev), with that revision's puts but no prevKv", () => {
    const e = new Etcd();
    e.apply([{ type: "put", key: "/k", value: 1 }]); // 2
    e.apply([{ type: "put", key: "/k", value: 2 }]); // 3
    e.run({ type: "Compact", id: 1, revision: 3 });
    const [res] = e.run({ type: "Watch", watchId: 1, prefix: "/", startRevision: 3 });
    expect(res.canceled).toBeUndefined();
    // the prevKv is read at modRevision - 1 when sent: compacted away, so left out
    expect(res.events).toEqual([{ type: "PUT", kv: { key: "/k", value: 2, createRevision: 2, modRevision: 3, version: 2 } }]);
    const [below] = e.run({ type: "Watch", watchId: 2, prefix: "/", startRevision: 2 });
    expect(below).toMatchObject({ canceled: true, compactRevision: 3 });
  });

  it("compaction drops a tombstone at the compact revision (keyIndex.compact): a watch from there does not see that delete", () => {
    const e = new Etcd();
    e.apply([{ type: "put", key: "/k", value: 1 }]); // 2
    e.apply([{ type: "delete", key: "/k" }]); // 3
    e.run({ type: "Compact", id: 1, revision: 3 });
    expect(e.run({ type: "Watch", watchId: 1, prefix: "/", startRevision: 3 })).toEqual([]);
  });

  it("a Range at a revision reads the key space as it was; below the compact revision or past the current one it is refused", () => {
    const e = new Etcd();
    e.apply([{ type: "put", key: "/a", value: "x" }]); // 2
    e.apply([{ type: "put", key: "/a", value: "y" }, { type: "put", key: "/b", value: "z" }]); // 3
    e.apply([{ type: "delete", key: "/a" }]); // 4
    const [at2] = e.run({ type: "Range", id: 1, key: "/", prefix: true, revision: 2 });
    expect(at2).toEqual({ type: "RangeResponse", id: 1, revision: 4, kvs: [{ key: "/a", value: "x", createRevision: 2, modRevision: 2, version: 1 }] });
    const [at3] = e.run({ type: "Range", id: 2, key: "/", prefix: true, revision: 3 });
    expect(at3.kvs.map((k: any) => [k.key, k.value])).toEqual([["/a", "y"], ["/b", "z"]]);
    e.run({ type: "Compact", id: 3, revision: 3 });
    expect(e.run({ type: "Range", id: 4, key: "/a", prefix: false, revision: 3 })[0].kvs).toHaveLength(1);
    expect(e.run({ type: "Range", id: 5, key: "/a", prefix: false, revision: 2 })[0]).toMatchObject({ kvs: [], error: "etcdserver: mvcc: required revision has been compacted" });
    expect(e.run({ type: "Range", id: 6, key: "/a", prefix: false, revision: 5 })[0]).toMatchObject({ kvs: [], error: "etcdserver: mvcc: required revision is a future revision" });
  });

  it("compares: create revision, value, and !=, <, >; a value compare on a missing key fails whatever the result", () => {
    const e = new Etcd();
    e.apply([{ type: "put", key: "/a", value: "m" }]); // 2
    expect(txn(e, [{ key: "/a", target: "create", result: "=", value: 2 }], []).succeeded).toBe(true);
    expect(txn(e, [{ key: "/a", target: "mod", result: "<", value: 3 }], []).succeeded).toBe(true);
    expect(txn(e, [{ key: "/a", target: "version", result: ">", value: 1 }], []).succeeded).toBe(false);
    expect(txn(e, [{ key: "/a", target: "value", result: ">", value: "l" }], []).succeeded).toBe(true);
    expect(txn(e, [{ key: "/a", target: "value", result: "!=", value: "m" }], []).succeeded).toBe(false);
    expect(txn(e, [{ key: "/none", target: "value", result: "!=", value: "m" }], []).succeeded).toBe(false);
    expect(txn(e, [{ key: "/none", target: "mod", result: "=", value: 0 }], []).succeeded).toBe(true);
  });

  it("a delete by prefix removes every key under it at one revision, in key order, and says how many (with the values when asked)", () => {
    const e = new Etcd();
    e.apply([{ type: "put", key: "/p/b", value: 1 }, { type: "put", key: "/p/a", value: 2 }, { type: "put", key: "/q", value: 3 }]); // 2
    const [w] = [e.run({ type: "Watch", watchId: 1, prefix: "/", startRevision: 0 })];
    expect(w).toEqual([]);
    const out = e.run({ type: "Txn", id: 1, compare: [], success: [{ type: "delete", key: "/p/", prefix: true, prevKv: true }], failure: [], responses: true });
    expect(out[0].events.map((ev: any) => [ev.type, ev.kv.key, ev.kv.modRevision])).toEqual([["DELETE", "/p/a", 3], ["DELETE", "/p/b", 3]]);
    expect(out[1]).toMatchObject({ succeeded: true, revision: 3, responses: [{ type: "delete", deleted: 2, prevKvs: [{ key: "/p/a" }, { key: "/p/b" }] }] });
    expect(txn(e, [], [{ type: "delete", key: "/p/", prefix: true }], [], true)).toMatchObject({ revision: 3, responses: [{ type: "delete", deleted: 0 }] });
  });

  it("keys are ordered by their UTF-8 bytes, as etcd's index orders them (not by UTF-16 code units)", () => {
    const e = new Etcd();
    // U+FF5E is EF BD 9E in UTF-8, U+1F600 is F0 9F 98 80: the emoji sorts last in bytes, first in UTF-16
    e.apply([{ type: "put", key: "/k/\u{1F600}", value: 1 }, { type: "put", key: "/k/\uFF5E", value: 2 }, { type: "put", key: "/k/a", value: 3 }]);
    const [res] = e.run({ type: "Range", id: 1, key: "/k/", prefix: true });
    expect(res.kvs.map((k: any) => k.key)).toEqual(["/k/a", "/k/\uFF5E", "/k/\u{1F600}"]);
  });

  it("a revoked lease's keys are deleted in byte order at one revision (lessor.Revoke sorts them)", () => {
    const e = new Etcd();
    const [grant] = e.run({ type: "LeaseGrant", id: 1, ttlSeconds: 60 });
    for (const key of ["/k/\u{1F600}", "/k/\uFF5E", "/k/a"]) e.run({ type: "Txn", id: 2, compare: [], success: [{ type: "put", key, value: 1, lease: grant.lease }], failure: [] });
    e.run({ type: "Watch", watchId: 1, prefix: "/", startRevision: 0 });
    const [events] = e.run({ type: "LeaseRevoke", id: 3, lease: grant.lease });
    expect(events.events.map((ev: any) => [ev.type, ev.kv.key, ev.kv.modRevision])).toEqual([["DELETE", "/k/a", 5], ["DELETE", "/k/\uFF5E", 5], ["DELETE", "/k/\u{1F600}", 5]]);
  });

  it("a put answers the value it replaced when asked (PutRequest.prev_kv)", () => {
    const e = new Etcd();
    expect(txn(e, [], [{ type: "put", key: "/a", value: 1, prevKv: true }], [], true).responses).toEqual([{ type: "put" }]);
    expect(txn(e, [], [{ type: "put", key: "/a", value: 2, prevKv: true }], [], true).responses).toEqual([{ type: "put", prevKv: { key: "/a", value: 1, createRevision: 2, modRevision: 2, version: 1 } }]);
  });

  it("a branch writing one key twice is refused before it is applied (checkIntervals); deletes may overlap", () => {
    const e = new Etcd();
    const put = (key: string) => ({ type: "put", key, value: 1 });
    expect(txn(e, [], [put("/a"), put("/a")])).toEqual({ type: "TxnResponse", id: 9, succeeded: false, revision: 1, error: "etcdserver: duplicate key given in txn request" });
    expect(txn(e, [], [put("/a/b"), { type: "delete", key: "/a/", prefix: true }]).error).toBe("etcdserver: duplicate key given in txn request");
    // checked for both branches, whichever is taken
    expect(txn(e, [], [], [put("/x"), put("/x")]).error).toBe("etcdserver: duplicate key given in txn request");
    expect(txn(e, [], [{ type: "delete", key: "/a" }, { type: "delete", key: "/", prefix: true }])).toMatchObject({ succeeded: true });
    expect(e.ctx.revision).toBe(1);
  });

  it("a put on a lease that is not there refuses the Txn, but only in the branch taken", () => {
    const e = new Etcd();
    expect(txn(e, [], [{ type: "put", key: "/a", value: 1, lease: 77 }])).toEqual({ type: "TxnResponse", id: 9, succeeded: false, revision: 1, error: "etcdserver: requested lease not found" });
    expect(txn(e, [], [{ type: "put", key: "/a", value: 1 }], [{ type: "put", key: "/b", value: 1, lease: 77 }])).toMatchObject({ succeeded: true, revision: 2 });
  });

  it("a lease is granted at least etcd's minimum TTL (2 s with the default 1 s election timeout); revoking one not there is refused", () => {
    const e = new Etcd();
    const [grant] = e.run({ type: "LeaseGrant", id: 1, ttlSeconds: 1 });
    expect(grant.ttlSeconds).toBe(2);
    expect(e.run({ type: "LeaseRevoke", id: 2, lease: grant.lease })).toEqual([{ type: "LeaseRevokeResponse", id: 2, lease: grant.lease }]);
    expect(e.run({ type: "LeaseRevoke", id: 3, lease: grant.lease })).toEqual([{ type: "LeaseRevokeResponse", id: 3, lease: grant.lease, error: "etcdserver: requested lease not found" }]);
  });

  it("a keepalive restarts the lease's full TTL; one for a lease not there is answered with TTL 0", () => {
    const e = new Etcd();
    const [grant] = e.run({ type: "LeaseGrant", id: 1, ttlSeconds: 30 });
    const fx = new Fx();
    e.ctx = handleRequest(e.ctx, { type: "LeaseKeepAlive", id: 2, lease: grant.lease }, "apiserver", fx);
    expect(fx.sends.map((s) => s.msg)).toEqual([{ type: "LeaseKeepAliveResponse", id: 2, lease: grant.lease, ttlSeconds: 30 }]);
    expect(fx.timers).toEqual([{ key: `lease/${grant.lease}`, ms: 30_000, event: { type: "LeaseExpired", lease: grant.lease }, background: true }]);
    expect(e.run({ type: "LeaseKeepAlive", id: 3, lease: 5 })).toEqual([{ type: "LeaseKeepAliveResponse", id: 3, lease: 5, ttlSeconds: 0 }]);
  });
});

describe("etcd started on a data dir that holds a key space (podflow serve --etcd)", () => {
  it("serves the keys at their revisions and goes on from the revision; the history before it counts as compacted; leases are not kept", () => {
    const e = new Etcd();
    e.ctx = restoredEtcd({ revision: 40, kvs: [{ key: "/registry/pods/default/web", value: { kind: "Pod" }, createRevision: 12, modRevision: 30, version: 3, lease: 5 }] });
    const [got] = e.run({ type: "Range", id: 1, key: "/registry/", prefix: true });
    expect(got).toEqual({ type: "RangeResponse", id: 1, revision: 40, kvs: [{ key: "/registry/pods/default/web", value: { kind: "Pod" }, createRevision: 12, modRevision: 30, version: 3 }] });
    expect(e.run({ type: "Watch", watchId: 1, prefix: "/", startRevision: 35 })[0]).toMatchObject({ canceled: true, compactRevision: 40 });
    expect(e.run({ type: "Watch", watchId: 2, prefix: "/", startRevision: 41 })).toEqual([]);
    const out = e.run({ type: "Txn", id: 2, compare: [{ key: "/registry/pods/default/web", target: "mod", result: "=", value: 30 }], success: [{ type: "put", key: "/registry/pods/default/web", value: { kind: "Pod", n: 2 } }], failure: [] });
    expect(out[0].events[0].kv).toMatchObject({ createRevision: 12, modRevision: 41, version: 4 });
    expect(out[1]).toMatchObject({ succeeded: true, revision: 41 });
  });
});

describe("etcd watch never skips or repeats a revision", () => {
  it("holds for any interleaving of writes and watches opened at any revision", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("put" as const), key: fc.constantFrom("/a", "/b", "/c") }),
      fc.record({ kind: fc.constant("del" as const), key: fc.constantFrom("/a", "/b", "/c") }),
      fc.record({ kind: fc.constant("watch" as const), back: fc.nat(5) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const e = new Etcd();
        const seen = new Map<number, number[]>();
        let nextWatch = 1;
        const deliver = (msgs: any[]) => {
          for (const m of msgs) if (m.type === "WatchResponse" && !m.canceled) seen.get(m.watchId)!.push(...m.events.map((e: any) => e.kv.modRevision));
        };
        const starts = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === "watch") {
            const id = nextWatch++;
            const start = Math.max(2, e.ctx.revision + 1 - o.back);
            seen.set(id, []);
            starts.set(id, start);
            deliver(e.run({ type: "Watch", watchId: id, prefix: "/", startRevision: start }));
          } else {
            const success = o.kind === "put" ? [{ type: "put", key: o.key, value: 1 }] : [{ type: "delete", key: o.key }];
            deliver(e.run({ type: "Txn", id: 0, compare: [], success, failure: [] }));
          }
        }
        for (const [id, revs] of seen) {
          const expected: number[] = [];
          for (let r = starts.get(id)!; r <= e.ctx.revision; r++) {
            const events = e.ctx.history.get(r - e.ctx.historyStart) ?? [];
            for (const _ of events) expected.push(r);
          }
          expect(revs).toEqual(expected);
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe("etcd machine paths (model-based)", () => {
  it("every path of Txn/Range/Compact events leaves the machine's key space equal to the pure functions' result", async () => {
    const events = [
      { type: "Txn", id: 1, compare: [{ key: "/a", target: "version", result: "=", value: 0 }], success: [{ type: "put", key: "/a", value: 1 }], failure: [] },
      { type: "Txn", id: 2, compare: [{ key: "/a", target: "mod", result: "=", value: 2 }], success: [{ type: "put", key: "/a", value: 2 }], failure: [] },
      { type: "Txn", id: 3, compare: [{ key: "/a", target: "mod", result: "=", value: 2 }], success: [{ type: "delete", key: "/a" }], failure: [] },
      { type: "Compact", id: 4, revision: 3 },
      { type: "Range", id: 5, key: "/", prefix: true },
    ].map((e) => ({ ...e, from: "apiserver", now: 0 }));
    const model = createTestModel(etcdMachine);
    const paths = model.getPathsFromEvents(events as any);
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) {
      const actor = createActor(etcdMachine).start();
      let reference = initialEtcd();
      for (const step of path.steps) {
        if (step.event.type === "xstate.init") continue;
        actor.send(step.event as any);
        reference = handleRequest(reference, step.event as any, "apiserver", new Fx());
        const got = actor.getSnapshot().context;
        expect(got.revision).toBe(reference.revision);
        expect([...got.kv.entries()]).toEqual([...reference.kv.entries()]);
        expect(got.compactRevision).toBe(reference.compactRevision);
      }
    }
  });
});

describe("only the API server talks to etcd", () => {
  it("the runtime refuses a message to etcd from any other component, and traces the refusal", () => {
    const rt = new Runtime({ seed: 1, policy: etcdPolicy });
    rt.spawn("etcd", etcdMachine);
    for (const sender of ["scheduler", "kubelet/node-1", "controller-manager", "kubectl"]) {
      rt.send(sender, "etcd", { type: "Txn", id: 1, compare: [], success: [{ type: "put", key: "/registry/pods/default/x", value: {} }], failure: [] });
    }
    rt.settle();
    expect(rt.refused).toBe(4);
    expect(rt.snapshot("etcd").context.revision).toBe(1);
    expect(rt.trace().filter((e) => e.kind === "refused")).toHaveLength(4);
    rt.send("apiserver", "etcd", { type: "Txn", id: 1, compare: [], success: [{ type: "put", key: "/k", value: 1 }], failure: [] });
    rt.settle();
    expect(rt.snapshot("etcd").context.revision).toBe(2);
  });
});

describe("etcd's context is a value", () => {
  it("a request returns the next key space and leaves the one it started from as it was, even deep-frozen", () => {
    const e = new Etcd();
    const [grant] = e.run({ type: "LeaseGrant", id: 1, ttlSeconds: 60 });
    e.run({ type: "Watch", watchId: 1, prefix: "/", startRevision: 0 });
    e.run({ type: "Txn", id: 2, compare: [], success: [{ type: "put", key: "/a", value: { n: 1 }, lease: grant.lease }], failure: [] });
    const before = freezeContext(e.ctx);
    const seen = JSON.stringify([before.revision, [...before.kv], [...before.history], [...before.watchers], [...before.leases].map(([id, l]) => [id, [...l.keys]])]);
    const [watch, res] = e.run({ type: "Txn", id: 3, compare: [{ key: "/a", target: "version", result: "=", value: 1 }], success: [{ type: "put", key: "/a", value: { n: 2 } }, { type: "put", key: "/b", value: 1 }], failure: [] });
    expect(watch).toMatchObject({ type: "WatchResponse", watchId: 1 });
    expect(res).toMatchObject({ type: "TxnResponse", succeeded: true, revision: 3 });
    e.run({ type: "Compact", id: 4, revision: 3 });
    e.ctx = revokeLease(e.ctx, grant.lease, new Fx());
    expect(JSON.stringify([before.revision, [...before.kv], [...before.history], [...before.watchers], [...before.leases].map(([id, l]) => [id, [...l.keys]])])).toBe(seen);
    expect(before.kv.get("/a")!.value).toEqual({ n: 1 });
    expect(e.ctx.kv.has("/a")).toBe(true); // moved off the lease by the second put (no lease given)
    expect(e.ctx.leases.size).toBe(0);
    expect(e.ctx.historyStart).toBe(3); // etcd keeps the compact revision itself readable
  });
});
