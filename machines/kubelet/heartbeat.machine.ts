// The node's heartbeats (kubelet_node_status.go and the node lease controller): the Lease is
// renewed at once and then every 10 s (leaseRenewInterval), and every 10 s
// (nodeStatusUpdateFrequency) the kubelet looks at its node status, posting it when it changed or
// nodeStatusReportFrequency (5 min) passed. The kubelet keeps this as a value in its context.

import { emit, setup } from "xstate";
import { leaseRenewIntervalMs, nodeStatusUpdateFrequencyMs } from "./node.js";

export const heartbeatMachine = setup({
  types: { events: {} as { type: "never" }, emitted: {} as { type: "RenewLease" } | { type: "CheckNodeStatus" } },
  delays: {
    immediately: 0,
    leaseRenewInterval: leaseRenewIntervalMs,
    nodeStatusUpdateFrequency: nodeStatusUpdateFrequencyMs,
  },
  actions: {
    renewLease: emit({ type: "RenewLease" as const }),
    checkNodeStatus: emit({ type: "CheckNodeStatus" as const }),
  },
}).createMachine({
  id: "nodeHeartbeat",
  description: "the node's Lease renewed every 10 s (the first at once); node status looked at every 10 s, posted when changed or every 5 min",
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
          initial: "reporting",
          states: {
            reporting: { after: { nodeStatusUpdateFrequency: { target: "reporting", reenter: true, actions: "checkNodeStatus" } } },
          },
        },
      },
    },
  },
});
