// client-go tools/leaderelection/leaderelection_test.go, testTryAcquireOrRenew's rows for a Lease
// lock, on the slow path's decision (the record read, what the elector observed and when): whether
// it writes, the holder it then observes, and whether the leader transitioned. The elector is "baz";
// "future" and "past" are 1000 h away, as in the table.

import { describe, expect, it } from "vitest";
import { apiServerIdentity, decide, recordOf, type ElectionRecord } from "./leaseholder.logic.js";

const now = Date.parse("2026-12-07T10:00:00Z");
const future = now + 1000 * 3600_000;
const past = now - 1000 * 3600_000;
const record = (r: Partial<ElectionRecord>): ElectionRecord => ({ holderIdentity: "", leaseDurationSeconds: 0, acquireTime: 0, renewTime: 0, leaderTransitions: 0, ...r });
const me = { identity: "baz", leaseDurationSeconds: 10 };

describe("tryAcquireOrRenew's slow path (testTryAcquireOrRenew, leases)", () => {
  const rows: { name: string; read: ElectionRecord; observed?: ElectionRecord; observedAt: number; expectSuccess: boolean; transitionLeader: boolean; outHolder: string }[] = [
    // "acquire from object without annotations": a Lease with no record
    { name: "acquire from object without annotations", read: record({}), observedAt: 0, expectSuccess: true, transitionLeader: true, outHolder: "baz" },
    { name: "acquire from unled object", read: record({}), observedAt: 0, expectSuccess: true, transitionLeader: true, outHolder: "baz" },
    { name: "acquire from led, unacked object", read: record({ holderIdentity: "bing" }), observed: record({ holderIdentity: "bing" }), observedAt: past, expectSuccess: true, transitionLeader: true, outHolder: "baz" },
    { name: "acquire from empty led, acked object", read: record({ holderIdentity: "" }), observedAt: future, expectSuccess: true, transitionLeader: true, outHolder: "baz" },
    { name: "don't acquire from led, acked object", read: record({ holderIdentity: "bing" }), observedAt: future, expectSuccess: false, transitionLeader: false, outHolder: "bing" },
    { name: "renew already acquired object", read: record({ holderIdentity: "baz" }), observed: record({ holderIdentity: "baz" }), observedAt: future, expectSuccess: true, transitionLeader: false, outHolder: "baz" },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const d = decide(row.read, { ...(row.observed ? { record: row.observed } : {}), at: row.observedAt }, me, now);
      expect(d.write !== undefined).toBe(row.expectSuccess);
      const holder = d.write?.holderIdentity ?? d.observed.record?.holderIdentity;
      expect(holder).toBe(row.outHolder);
      expect(d.write?.leaderTransitions ?? d.observed.record?.leaderTransitions).toBe(row.transitionLeader ? 1 : 0);
    });
  }

  it("acquire from led object with the lease duration seconds: refused when first seen, taken once it went unchanged for 3 s", () => {
    const read = record({ holderIdentity: "bing", leaseDurationSeconds: 3 });
    const first = decide(read, { at: 0 }, me, now);
    expect(first.write).toBeUndefined();
    const again = decide(read, first.observed, me, now + 3_001);
    expect([again.write?.holderIdentity, again.write?.leaderTransitions]).toEqual(["baz", 1]);
  });

  it("a leader keeps its acquire time; a taker starts its own", () => {
    const led = record({ holderIdentity: "baz", acquireTime: past, leaderTransitions: 4 });
    expect(decide(led, { record: led, at: now }, me, now).write).toMatchObject({ acquireTime: past, renewTime: now, leaderTransitions: 4 });
    const other = record({ holderIdentity: "bing", acquireTime: past, leaderTransitions: 4, leaseDurationSeconds: 1 });
    expect(decide(other, { record: other, at: past }, me, now).write).toMatchObject({ acquireTime: now, leaderTransitions: 5 });
  });
});

describe("LeaseSpecToLeaderElectionRecord", () => {
  it("reads a Lease's spec, absent fields as zero values", () => {
    expect(recordOf({ holderIdentity: "foo", leaseDurationSeconds: 10, acquireTime: "2026-12-07T10:00:00.123456Z", leaseTransitions: 1 })).toEqual(
      record({ holderIdentity: "foo", leaseDurationSeconds: 10, acquireTime: Date.parse("2026-12-07T10:00:00.123Z"), leaderTransitions: 1 }),
    );
    expect(recordOf(undefined)).toEqual(record({}));
  });
});

describe("kube-apiserver's identity", () => {
  // test/integration/controlplane/apiserver_identity_test.go expectedAPIServerIdentity, computed here by
  // openssl and coreutils (sha256 over "\0\6node-1\0\16kube-apiserver", base32 of its first 16 bytes)
  it("is apiserver- and the lower-cased base32 of the hash of the length-prefixed host and component", () => {
    expect(apiServerIdentity("node-1")).toBe("apiserver-lgabes5ywnaqeagh5dny4zlzs4");
  });
});
