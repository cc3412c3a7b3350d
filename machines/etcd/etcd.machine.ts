// etcd: the API server's only store. An MVCC key space with one global revision, Txn with
// compare-and-swap on modRevision, range by prefix, watch from a revision, compaction, leases,
// and the space quota: a write that would grow the database past --quota-backend-bytes raises the
// NOSPACE alarm, and the member serves only reads, deletes and maintenance until it is disarmed.
// Only the API server may talk to it, and the operator's etcdctl for maintenance (runtime/policy.ts).

import { setup } from "xstate";
import { valueStepOf } from "../common/step.js";
import type { EtcdRequest, Stamp } from "../messages.js";
import {
  DEFAULT_QUOTA_BACKEND_BYTES, handleRequest, initialEtcd, quotaAvailable, refuseNoSpace, requestCost, restoredEtcd, revokeLease, serveMaintenance,
  type EtcdContext, type EtcdRestore,
} from "./etcd.logic.js";

export type EtcdEvent = (EtcdRequest | { type: "LeaseExpired"; lease: number }) & Partial<Stamp>;

type Maintenance = Extract<EtcdRequest, { type: "Alarm" | "Defragment" | "Status" }>;

// Value steps: each returns the next context (persistent collections share what did not change).
const step = valueStepOf<EtcdContext>();

export const etcdMachine = setup({
  types: {
    context: {} as EtcdContext,
    events: {} as EtcdEvent,
    /**
     * restore: the key space of the data dir it starts on (absent: an empty one);
     * quotaBackendBytes: etcd's --quota-backend-bytes (2 GiB when absent)
     */
    input: {} as { restore?: EtcdRestore; quotaBackendBytes?: number } | undefined,
  },
  guards: {
    /** quota.go's Available: the database file, free pages included, plus what the write costs would reach the quota */
    exceedsQuota: ({ context, event }) => !quotaAvailable(context, requestCost(event)),
    /** the request would write (a Txn with a put in either branch, a lease grant): applierV3Capped refuses it */
    writes: ({ event }) => requestCost(event) > 0,
    /** etcdctl alarm disarm: the NOSPACE alarm deactivated */
    disarmsNoSpace: ({ event }) => event.type === "Alarm" && event.action === "deactivate" && (event.alarm ?? "NOSPACE") === "NOSPACE",
  },
  actions: {
    /** Serve a request: Txn, Range, Watch, CancelWatch, Compact, LeaseGrant, LeaseRevoke or LeaseKeepAlive. */
    serveRequest: step((c, e, fx) => handleRequest(c, e as EtcdRequest, e.from ?? "apiserver", fx)),
    /** A lease's TTL ran out: its keys are deleted at one revision. */
    expireLease: step((c, e, fx) => revokeLease(c, (e as { lease: number }).lease, fx)),
    /** Refuse a write for space: "etcdserver: mvcc: database space exceeded", nothing applied. */
    refuseNoSpace: step((c, e, fx) => refuseNoSpace(c, e as EtcdRequest, e.from ?? "apiserver", fx)),
    /** etcdctl alarm list/disarm, defrag, endpoint status, with no alarm raised. */
    serveMaintenance: step((c, e, fx) => serveMaintenance(c, e as Maintenance, e.from ?? "etcdctl", fx, [])),
    /** The same with NOSPACE raised: it is listed, and a disarm clears it. */
    serveMaintenanceInAlarm: step((c, e, fx) => serveMaintenance(c, e as Maintenance, e.from ?? "etcdctl", fx, ["NOSPACE"])),
  },
}).createMachine({
  id: "etcd",
  description: "MVCC key space: revision, create/mod revision, version, txn with compare, watch from revision, compaction, leases; the space quota and its NOSPACE alarm.",
  context: ({ input }) => {
    const quota = input?.quotaBackendBytes ?? DEFAULT_QUOTA_BACKEND_BYTES;
    return input?.restore ? restoredEtcd(input.restore, quota) : initialEtcd(quota);
  },
  initial: "serving",
  states: {
    serving: {
      description: "no alarm: every request is served",
      on: {
        Txn: [
          { guard: "exceedsQuota", target: "noSpace", actions: "refuseNoSpace", description: "the write would take the database past the quota: refused, and NOSPACE raised" },
          { actions: "serveRequest", description: "compare-and-swap: apply success or failure ops at one new revision" },
        ],
        Range: { actions: "serveRequest", description: "read one key or every key under a prefix" },
        Watch: { actions: "serveRequest", description: "stream every change under a prefix from a revision (compacted: canceled)" },
        CancelWatch: { actions: "serveRequest" },
        Compact: { actions: "serveRequest", description: "forget history at or below a revision; its pages become free" },
        LeaseGrant: [
          { guard: "exceedsQuota", target: "noSpace", actions: "refuseNoSpace", description: "a grant past the quota: refused, and NOSPACE raised" },
          { actions: "serveRequest" },
        ],
        LeaseRevoke: { actions: "serveRequest", description: "delete the lease's keys at one revision (unknown lease: refused)" },
        LeaseKeepAlive: { actions: "serveRequest", description: "restart the lease's TTL (unknown lease: TTL 0)" },
        LeaseExpired: { actions: "expireLease", description: "a lease's TTL ran out: delete its keys" },
        Alarm: { actions: "serveMaintenance", description: "no alarm to list or clear" },
        Defragment: { actions: "serveMaintenance", description: "the file shrinks to the pages in use" },
        Status: { actions: "serveMaintenance" },
      },
    },
    noSpace: {
      description: "alarm NOSPACE: maintenance mode, serving reads, deletes, compaction and defragmentation; every write is refused until the alarm is disarmed",
      on: {
        Txn: [
          { guard: "writes", actions: "refuseNoSpace", description: "a Txn with a put in either branch: database space exceeded" },
          { actions: "serveRequest", description: "reads and deletes are served" },
        ],
        Range: { actions: "serveRequest" },
        Watch: { actions: "serveRequest" },
        CancelWatch: { actions: "serveRequest" },
        Compact: { actions: "serveRequest", description: "compaction frees pages, but the file keeps its size" },
        LeaseGrant: { actions: "refuseNoSpace", description: "a grant is a write: database space exceeded" },
        LeaseRevoke: { actions: "serveRequest" },
        LeaseKeepAlive: { actions: "serveRequest" },
        LeaseExpired: { actions: "expireLease" },
        Alarm: [
          { guard: "disarmsNoSpace", target: "serving", actions: "serveMaintenanceInAlarm", description: "etcdctl alarm disarm: writes are served again (a write still past the quota raises it again)" },
          { actions: "serveMaintenanceInAlarm", description: "etcdctl alarm list: NOSPACE" },
        ],
        Defragment: { actions: "serveMaintenanceInAlarm", description: "etcdctl defrag: the file shrinks to the pages in use" },
        Status: { actions: "serveMaintenanceInAlarm", description: "etcdctl endpoint status: the sizes, and the alarm among its errors" },
      },
    },
  },
});
