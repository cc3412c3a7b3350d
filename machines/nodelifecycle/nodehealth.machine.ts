// One node's health as the node lifecycle controller sees it (tryUpdateNodeHealth in
// pkg/controller/nodelifecycle/node_lifecycle_controller.go): Ready while the kubelet posts Ready=True
// (NotReady for Ready=False, NeverPosted before its first status). Each sign of life (a Ready heartbeat
// or a Lease renewal) restarts the grace period; once it is over (--node-monitor-grace-period, 50 s;
// --node-startup-grace-period, 60 s, for a node that never posted) the node is silent, and the
// next monitor pass (every 5 s) marks it Unknown (NodeStatusUnknown, "Kubelet stopped posting node
// status."). The NoExecute taint follows the state: not-ready in NotReady, unreachable in Unknown,
// none in Ready; the kubelet posting Ready=True again brings it back to Ready and the taints go.
// The controller keeps one snapshot per node in its context, as a value.

import { assign, emit, setup } from "xstate";

export type ReadyStatus = "True" | "False" | "Unknown" | undefined;

export interface NodeHealthContext {
  gracePeriodMs: number;
  startupGracePeriodMs: number;
  /** when the controller saw the last sign of life (a newer Ready heartbeat or Lease renewal; creation for a node that never posted) */
  probeMs: number;
  /** when the controller last looked: the grace period's timer counts from probeMs, not from here */
  nowMs: number;
}

export interface NodeHealthInput {
  gracePeriodMs: number;
  startupGracePeriodMs: number;
}

export type NodeHealthEvent =
  /** the informers showed the node or its Lease: its Ready status and last sign of life */
  | { type: "NodeStatusObserved"; ready: ReadyStatus; probeMs: number; now: number }
  /** a monitor pass (monitorNodeHealth, every --node-monitor-period) */
  | { type: "MonitorNodeHealth"; now: number };

/** What the controller does on the machine's word: write the Unknown conditions. */
export type NodeHealthOutput = { type: "NodeStatusUnknown" } | { type: "NodeStatusNeverUpdated" };

/** Kubernetes compares now.After(probe + grace): the node is silent from 1 ms past the grace period. */
const remainingMs = (c: NodeHealthContext, graceMs: number) => Math.max(0, c.probeMs + graceMs - c.nowMs) + 1;

// Every observation moves the node to the state its Ready status names, re-entering it so the
// grace period restarts from the new sign of life.
const observed = [
  { guard: "isReadyTrue", target: "#nodeHealth.Ready", reenter: true, actions: "observe" },
  { guard: "isReadyFalse", target: "#nodeHealth.NotReady", reenter: true, actions: "observe" },
  { guard: "isReadyUnknown", target: "#nodeHealth.Unknown", actions: "observe" },
  { target: "#nodeHealth.NeverPosted", reenter: true, actions: "observe" },
] as const;

/** Ready and NotReady alike: posting while signs of life come within the grace period, then silent until a monitor pass. */
const posting = {
  initial: "posting",
  states: {
    posting: { after: { nodeMonitorGracePeriod: "silent" }, description: "a sign of life within the grace period" },
    silent: { on: { MonitorNodeHealth: { target: "#nodeHealth.Unknown", actions: "markNodeStatusUnknown", description: "NodeStatusUnknown: Kubelet stopped posting node status." } }, description: "the grace period is over: the next monitor pass marks the node Unknown" },
  },
} as const;

export const nodeHealthMachine = setup({
  types: { context: {} as NodeHealthContext, events: {} as NodeHealthEvent, input: {} as NodeHealthInput, emitted: {} as NodeHealthOutput },
  delays: {
    nodeMonitorGracePeriod: ({ context }) => remainingMs(context, context.gracePeriodMs),
    nodeStartupGracePeriod: ({ context }) => remainingMs(context, context.startupGracePeriodMs),
  },
  guards: {
    isReadyTrue: ({ event }) => event.type === "NodeStatusObserved" && event.ready === "True",
    isReadyFalse: ({ event }) => event.type === "NodeStatusObserved" && event.ready === "False",
    isReadyUnknown: ({ event }) => event.type === "NodeStatusObserved" && event.ready === "Unknown",
  },
  actions: {
    observe: assign(({ event }) => (event.type === "NodeStatusObserved" ? { probeMs: event.probeMs, nowMs: event.now } : {})),
    markNodeStatusUnknown: emit({ type: "NodeStatusUnknown" as const }),
    markNodeStatusNeverUpdated: emit({ type: "NodeStatusNeverUpdated" as const }),
  },
}).createMachine({
  id: "nodeHealth",
  description: "tryUpdateNodeHealth: Ready (or NotReady) while the kubelet posts; silent after the grace period; the next monitor pass marks it Unknown (tainted unreachable); back to Ready when the kubelet posts Ready=True.",
  context: ({ input }) => ({ gracePeriodMs: input.gracePeriodMs, startupGracePeriodMs: input.startupGracePeriodMs, probeMs: 0, nowMs: 0 }),
  initial: "Registered",
  states: {
    Registered: { description: "the node object is in the cache; its first observation moves it by its Ready condition", on: { NodeStatusObserved: observed } },
    NeverPosted: {
      description: "registered, no status posted yet: --node-startup-grace-period (60 s)",
      on: { NodeStatusObserved: observed },
      initial: "starting",
      states: {
        starting: { after: { nodeStartupGracePeriod: "silent" }, description: "within the startup grace period" },
        silent: { on: { MonitorNodeHealth: { target: "#nodeHealth.Unknown", actions: "markNodeStatusNeverUpdated", description: "NodeStatusNeverUpdated: Kubelet never posted node status." } } },
      },
    },
    Ready: {
      description: "the kubelet posts Ready=True; no NoExecute taint",
      on: { NodeStatusObserved: observed },
      ...posting,
    },
    NotReady: {
      description: "the kubelet posts Ready=False: tainted node.kubernetes.io/not-ready (NoSchedule, NoExecute)",
      on: { NodeStatusObserved: observed },
      ...posting,
    },
    Unknown: {
      description: "Ready=Unknown: tainted node.kubernetes.io/unreachable (NoSchedule, NoExecute); its pods are evicted once their tolerationSeconds run out",
      on: { NodeStatusObserved: observed },
    },
  },
});
