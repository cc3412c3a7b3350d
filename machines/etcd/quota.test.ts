// etcd's space quota, as etcd's maintenance guide and quota.go describe it: a write that would take
// the database file to --quota-backend-bytes is refused with "etcdserver: mvcc: database space
// exceeded" and raises the NOSPACE alarm; then only reads, deletes and maintenance are served
// until the alarm is disarmed, and getting out takes compaction, defragmentation and a disarm.

import { describe, expect, it } from "vitest";
import { etcdMember } from "../../test/support/etcd-member.js";

const MiB = 1024 * 1024;
const NOSPACE = "etcdserver: mvcc: database space exceeded";
// etcd's default member id for a single member named "default" (8e9e05c52164694d), as AlarmMember prints it
const member = "10276657743932975437";

const oneMember = (quota = 16 * MiB) => etcdMember(quota);

/** A value of n bytes (a string is stored as its own bytes). */
const bytes = (n: number) => "x".repeat(n);

describe("etcd's space quota (--quota-backend-bytes) and the NOSPACE alarm", () => {
  it("the maintenance guide's walk-through: 1 MiB puts into a 16 MiB quota until refused, then alarm list shows NOSPACE", () => {
    const e = oneMember();
    let accepted = 0;
    let refused: any;
    for (let i = 0; i < 30 && !refused; i++) {
      const r = e.put("key", bytes(MiB));
      if (r.error) refused = r;
      else accepted++;
    }
    // each put costs 256 + 3 + 1 MiB and nothing is compacted: the 16th would reach 16 MiB
    expect(accepted).toBe(15);
    expect(refused).toMatchObject({ type: "TxnResponse", succeeded: false, error: NOSPACE, revision: 16 });
    expect(e.state()).toBe("noSpace");
    expect(e.ask("etcdctl", { type: "Alarm", action: "get" })).toMatchObject({ type: "AlarmResponse", alarms: [{ memberID: member, alarm: "NOSPACE" }] });
    expect(e.ask("etcdctl", { type: "Status" })).toMatchObject({ type: "StatusResponse", revision: 16, errors: [`memberID:${member} alarm:NOSPACE `] });
  });

  it("under NOSPACE reads, deletes and lease revokes are served; any put, however small, and any lease grant are refused", () => {
    const e = oneMember(2 * MiB);
    e.put("/a", "small");
    e.ask("apiserver", { type: "LeaseGrant", ttlSeconds: 60 });
    expect(e.put("/big", bytes(2 * MiB - 100)).error).toBe(NOSPACE);
    expect(e.state()).toBe("noSpace");
    expect(e.put("/b", "1").error).toBe(NOSPACE);
    expect(e.ask("apiserver", { type: "LeaseGrant", ttlSeconds: 60 })).toMatchObject({ type: "LeaseGrantResponse", error: NOSPACE });
    // a Txn whose failure branch puts is a write too (the cost is the larger branch)
    expect(e.ask("apiserver", { type: "Txn", compare: [{ key: "/a", target: "version", result: "=", value: 1 }], success: [], failure: [{ type: "put", key: "/a", value: "2" }] }).error).toBe(NOSPACE);
    expect(e.ask("apiserver", { type: "Range", key: "/a", prefix: false })).toMatchObject({ kvs: [{ key: "/a", value: "small" }] });
    const del = e.ask("apiserver", { type: "Txn", compare: [], success: [{ type: "delete", key: "/a" }], failure: [] });
    expect(del).toMatchObject({ succeeded: true, revision: 3 });
    expect(del.error).toBeUndefined();
  });

  it("getting out: compaction frees pages but the file keeps its size, defrag shrinks it, disarm lets writes in again", () => {
    const e = oneMember();
    for (let i = 0; i < 16; i++) e.put("key", bytes(MiB));
    expect(e.state()).toBe("noSpace");
    const before = e.ask("etcdctl", { type: "Status" });
    expect(e.ask("etcdctl", { type: "Compact", revision: before.revision })).toMatchObject({ type: "CompactResponse" });
    const compacted = e.ask("etcdctl", { type: "Status" });
    expect(compacted.dbSize).toBe(before.dbSize);
    expect(compacted.dbSizeInUse).toBeLessThan(2 * MiB);
    // disarmed without a defrag: the file is still full, so the next put raises NOSPACE again
    expect(e.ask("etcdctl", { type: "Alarm", action: "deactivate", alarm: "NOSPACE" })).toMatchObject({ alarms: [{ memberID: member, alarm: "NOSPACE" }] });
    expect(e.state()).toBe("serving");
    expect(e.put("other", bytes(MiB)).error).toBe(NOSPACE);
    expect(e.state()).toBe("noSpace");
    e.ask("etcdctl", { type: "Defragment" });
    const defragged = e.ask("etcdctl", { type: "Status" });
    expect(defragged.dbSize).toBe(defragged.dbSizeInUse);
    // still alarmed until disarmed
    expect(e.put("other", "v").error).toBe(NOSPACE);
    e.ask("etcdctl", { type: "Alarm", action: "deactivate", alarm: "NOSPACE" });
    expect(e.ask("etcdctl", { type: "Alarm", action: "get" }).alarms).toEqual([]);
    expect(e.put("other", bytes(MiB))).toMatchObject({ succeeded: true });
    expect(e.ask("etcdctl", { type: "Status" }).errors).toEqual([]);
  });

  it("a lease grant costs the quota 64 bytes: on a new member (20 kB file) a quota of 20 kB + 64 refuses it and raises NOSPACE", () => {
    const e = oneMember(20480 + 64);
    expect(e.ask("apiserver", { type: "LeaseGrant", ttlSeconds: 60 })).toMatchObject({ type: "LeaseGrantResponse", error: NOSPACE });
    expect(e.state()).toBe("noSpace");
    const roomy = oneMember(20480 + 65);
    expect(roomy.ask("apiserver", { type: "LeaseGrant", ttlSeconds: 60 }).error).toBeUndefined();
    expect(roomy.state()).toBe("serving");
  });

  it("etcdctl may send only maintenance requests; the key space stays the API server's", () => {
    const e = oneMember();
    e.rt.send("etcdctl", "etcd", { type: "Txn", id: 99, compare: [], success: [{ type: "put", key: "/registry/x", value: 1 }], failure: [] });
    e.rt.settle();
    expect(e.rt.refused).toBe(1);
    expect(e.rt.snapshot("etcd").context.revision).toBe(1);
  });
});

// A Txn's size and cost are worked out once for the request last measured (the chart's guard, then
// the step that serves it): requests measured in turn, and again, each keep their own figures.
describe("a Txn's measure, asked again or after another's", () => {
  it("bytes and quota cost equal its keys and JSON values, whatever was measured before", async () => {
    const { requestCost, txnBytes } = await import("./etcd.logic.js");
    const txn = (key: string, value: unknown, failure: unknown[] = []) => ({ type: "Txn", id: 1, compare: [{ key, target: "version", result: "=", value: 0 }], success: [{ type: "put", key, value }], failure }) as any;
    const a = txn("/registry/pods/default/a", { kind: "Pod", metadata: { name: "a", labels: { app: "ü" } } });
    const b = txn("/registry/pods/default/bb", "plain string value", [{ type: "put", key: "/k", value: { n: [1, 2, 3] } }]);
    // independently: bytes are the compare and op keys and each put value's JSON in UTF-8; the cost
    // prices each put at 256 + its key + its value (a string value: its own bytes), the larger branch
    const json = (v: unknown) => Buffer.byteLength(JSON.stringify(v));
    const own = (v: unknown) => (typeof v === "string" ? Buffer.byteLength(v) : json(v));
    const wantA = { bytes: 2 * a.compare[0].key.length + json(a.success[0].value), cost: 256 + a.success[0].key.length + own(a.success[0].value) };
    const wantB = { bytes: 2 * b.compare[0].key.length + json(b.success[0].value) + 2 + json({ n: [1, 2, 3] }), cost: Math.max(256 + b.success[0].key.length + own(b.success[0].value), 256 + 2 + own({ n: [1, 2, 3] })) };
    for (const [req, want] of [[a, wantA], [b, wantB], [a, wantA], [a, wantA], [b, wantB]] as const) {
      expect(requestCost(req)).toBe(want.cost);
      expect(txnBytes(req)).toBe(want.bytes);
    }
  });
});
