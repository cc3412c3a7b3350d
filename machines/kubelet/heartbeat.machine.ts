// The node's heartbeats (kubelet_node_status.go and the node lease controller): the Lease is
// renewed at once and then every 10 s (leaseRenewInterval), whatever the node status does. Every
// 10 s (nodeStatusUpdateFrequency) syncNodeStatus runs tryUpdateNodeStatus: the kubelet reads its
// Node from its node informer, computes the status its setters give it, and patches at once when
// that status changed (nodeStatusHasChanged, heartbeat times ignored) or when
// nodeStatusReportFrequency (5 min) passed since the last report; otherwise it writes nothing.
// The sync is synchronous in the kubelet (syncNodeStatusMux): the next 10 s count from its end.
// The kubelet keeps this as a value in its context.

import { emit, setup } from "xstate";
import { leaseDurationSeconds, leaseRenewIntervalMs, nodeStatusReportFrequencyMs, nodeStatusUpdateFrequencyMs } from "./node.js";
import { mutant } from "../common/mutation.js";

export type HeartbeatEvent =
  /** tryUpdateNodeStatus read the Node and computed its status: changed (heartbeats ignored), and how long since the last report */
  | { type: "NodeStatusComputed"; changed: boolean; sinceReportMs: number }
  /** "error getting node": neither the node informer nor a write's answer has the Node yet */
  | { type: "NodeGetFailed" }
  /** the status patch was answered (written, or failed for good) */
  | { type: "NodeStatusPatched" };

export type HeartbeatOutput = { type: "RenewLease" } | { type: "SyncNodeStatus" } | { type: "PatchNodeStatus" };

export const heartbeatMachine = setup({
  types: { events: {} as HeartbeatEvent, emitted: {} as HeartbeatOutput },
  delays: {
    immediately: 0,
    // the mutant renews the Lease once a lease duration (40 s), not every quarter of it
    leaseRenewInterval: () => (mutant("kubelet.lease-renewed-every-duration") ? leaseDurationSeconds * 1000 : leaseRenewIntervalMs),
    nodeStatusUpdateFrequency: nodeStatusUpdateFrequencyMs,
  },
  guards: {
    hasNodeStatusChanged: ({ event }) => event.type === "NodeStatusComputed" && event.changed,
    // kl.clock.Since(kl.lastStatusReportTime) >= kl.nodeStatusReportFrequency
    isUpdateStatusPeriodExpired: ({ event }) => event.type === "NodeStatusComputed" && event.sinceReportMs >= nodeStatusReportFrequencyMs,
  },
  actions: {
    renewLease: emit({ type: "RenewLease" as const }),
    syncNodeStatus: emit({ type: "SyncNodeStatus" as const }),
    patchNodeStatus: emit({ type: "PatchNodeStatus" as const }),
  },
}).createMachine({
  id: "nodeHeartbeat",
  description: "the node's Lease renewed every 10 s (the first at once); node status computed every 10 s and patched at once when it changed, else every 5 min",
  initial: "heartbeating",
  states: {
    heartbeating: {
      type: "parallel",
      states: {
        lease: {
          initial: "starting",
          states: {
            starting: { after: { immediately: { target: "renewing", actions: "renewLease" } } },
            renewing: { after: { leaseRenewInterval: { target: "renewing", reenter: true, actions: "renewLease" } } },
          },
        },
        nodeStatus: {
          initial: "waiting",
          states: {
            waiting: { after: { nodeStatusUpdateFrequency: { target: "syncing", actions: "syncNodeStatus" } }, description: "nodeStatusUpdateFrequency (10 s) from the end of the last sync" },
            syncing: {
              description: "tryUpdateNodeStatus: the Node read from the node informer, its status computed by the setters",
              on: {
                NodeStatusComputed: [
                  { guard: "hasNodeStatusChanged", target: "patching", actions: "patchNodeStatus", description: "the status changed (e.g. Ready=Unknown written by the node lifecycle controller): patch at once" },
                  { guard: "isUpdateStatusPeriodExpired", target: "patching", actions: "patchNodeStatus", description: "nodeStatusReportFrequency (5 min) since the last report" },
                  { target: "waiting", description: "unchanged and reported recently: nothing written" },
                ],
                NodeGetFailed: { target: "waiting", description: "error getting node: tried again at the next sync" },
              },
            },
            patching: { on: { NodeStatusPatched: { target: "waiting" } }, description: "patchNodeStatus in flight" },
          },
        },
      },
    },
  },
});
