// etcd: the API server's only store. An MVCC key space with one global revision, Txn with
// compare-and-swap on modRevision, range by prefix, watch from a revision, compaction, leases.
// Only the API server may talk to it; the runtime refuses any other sender.

import { setup } from "xstate";
import { valueStepOf } from "../common/step.js";
import type { EtcdRequest, Stamp } from "../messages.js";
import { handleRequest, initialEtcd, restoredEtcd, revokeLease, type EtcdContext, type EtcdRestore } from "./etcd.logic.js";

export type EtcdEvent = (EtcdRequest | { type: "LeaseExpired"; lease: number }) & Partial<Stamp>;

// Value steps: each returns the next context (persistent collections share what did not change).
const step = valueStepOf<EtcdContext>();

export const etcdMachine = setup({
  types: {
    context: {} as EtcdContext,
    events: {} as EtcdEvent,
    /** restore: the key space of the data dir it starts on (absent: an empty one) */
    input: {} as { restore?: EtcdRestore } | undefined,
  },
  actions: {
    /** Serve a request: Txn, Range, Watch, CancelWatch, Compact, LeaseGrant, LeaseRevoke or LeaseKeepAlive. */
    serveRequest: step((c, e, fx) => handleRequest(c, e as EtcdRequest, e.from ?? "apiserver", fx)),
    /** A lease's TTL ran out: its keys are deleted at one revision. */
    expireLease: step((c, e, fx) => revokeLease(c, (e as { lease: number }).lease, fx)),
  },
}).createMachine({
  id: "etcd",
  description: "MVCC key space: revision, create/mod revision, version, txn with compare, watch from revision, compaction, leases.",
  context: ({ input }) => (input?.restore ? restoredEtcd(input.restore) : initialEtcd()),
  initial: "serving",
  states: {
    serving: {
      on: {
        Txn: { actions: "serveRequest", description: "compare-and-swap: apply success or failure ops at one new revision" },
        Range: { actions: "serveRequest", description: "read one key or every key under a prefix" },
        Watch: { actions: "serveRequest", description: "stream every change under a prefix from a revision (compacted: canceled)" },
        CancelWatch: { actions: "serveRequest" },
        Compact: { actions: "serveRequest", description: "forget history at or below a revision" },
        LeaseGrant: { actions: "serveRequest" },
        LeaseRevoke: { actions: "serveRequest", description: "delete the lease's keys at one revision (unknown lease: refused)" },
        LeaseKeepAlive: { actions: "serveRequest", description: "restart the lease's TTL (unknown lease: TTL 0)" },
        LeaseExpired: { actions: "expireLease", description: "a lease's TTL ran out: delete its keys" },
      },
    },
  },
});
