// A pod's path through kube-scheduler's scheduling queue (pkg/scheduler/backend/queue/
// scheduling_queue.go) and its scheduling and binding cycles (schedule_one.go): held back by its
// schedulingGates (the SchedulingGates PreEnqueue plugin), in activeQ until popped, in its
// scheduling cycle, then assumed on a node while the binding is in flight, or among the
// unschedulable pods until a cluster event or the 5-minute flush moves it, through backoffQ when
// its back-off (1 s doubling to 10 s per attempt) has not ended. The scheduler keeps one snapshot
// per pod; activeQ's order (priority, then time) is a heap beside them (queue.ts). Its `after`s are
// delivered by the scheduler's own flushes, as kube-scheduler's are: flushBackoffQCompleted when the
// first back-off ends, flushUnschedulablePodsLeftover every 30 s.

import { mutant } from "../common/mutation.js";
import { assign, setup } from "xstate";

/** podInitialBackoffSeconds and podMaxBackoffSeconds of the default KubeSchedulerConfiguration. */
export const podInitialBackoffMs = 1_000;
export const podMaxBackoffMs = 10_000;
/** podMaxInUnschedulablePodsDuration: how long a pod may wait among the unschedulable for an event. */
export const podMaxInUnschedulablePodsDurationMs = 5 * 60_000;

/** Per-pod back-off after `attempts` failed attempts: 1 s doubling per attempt, at most 10 s. */
export function backoffDuration(attempts: number): number {
  let d = podInitialBackoffMs;
  // the mutant doubles from the first attempt on: a pod's first back-off is 2 s, not 1 s
  for (let i = mutant("scheduler.backoff-doubles-from-first-attempt") ? 0 : 1; i < attempts; i++) {
    d *= 2;
    if (d >= podMaxBackoffMs) return podMaxBackoffMs;
  }
  return d;
}

export interface PodQueueContext {
  /** scheduling attempts so far (each pop from activeQ is one) */
  attempts: number;
  /** when the back-off of the last failed attempt ends */
  backoffUntil: number;
  /** the node it is assumed on */
  node?: string;
}

export type PodQueueEvent =
  | { type: "Add"; gated: boolean }
  | { type: "Update"; gated: boolean; now: number }
  | { type: "Pop" }
  | { type: "Assume"; node: string }
  | { type: "Unschedulable"; now: number }
  | { type: "MoveRequest"; now: number }
  | { type: "BindSucceeded" }
  | { type: "BindFailed"; now: number }
  | { type: "Forget" };

const now = (event: PodQueueEvent) => (event as { now: number }).now;

export const podQueueMachine = setup({
  types: { context: {} as PodQueueContext, events: {} as PodQueueEvent },
  delays: {
    podBackoff: ({ context, event }) => context.backoffUntil - now(event),
    podMaxInUnschedulablePodsDuration: podMaxInUnschedulablePodsDurationMs,
  },
  guards: {
    isGated: ({ event }) => (event as { gated: boolean }).gated,
    isUngated: ({ event }) => !(event as { gated: boolean }).gated,
    isBackingOff: ({ context, event }) => context.backoffUntil > now(event),
  },
  actions: {
    countAttempt: assign({ attempts: ({ context }) => context.attempts + 1 }),
    startBackoff: assign({ backoffUntil: ({ context, event }) => now(event) + backoffDuration(context.attempts) }),
    // A failed binding starts over at one attempt: the assumed pod had left the queue.
    restartBackoff: assign({ attempts: 1, backoffUntil: ({ event }) => now(event) + backoffDuration(1), node: undefined }),
    recordNode: assign({ node: ({ event }) => (event as { node: string }).node }),
  },
}).createMachine({
  id: "pod-queue",
  description: "a pod's place in the scheduling queue: gated, activeQ, backoffQ, unschedulablePods; then assumed, binding, bound.",
  context: { attempts: 0, backoffUntil: 0 },
  initial: "unqueued",
  on: { Forget: { target: ".forgotten", description: "deleted, finished, or seen bound by the informer (confirming the assumption, or bound by another)" } },
  states: {
    unqueued: {
      on: {
        Add: [
          { guard: "isGated", target: "gated", description: "PreEnqueue: SchedulingGates keeps a pod with schedulingGates out of activeQ" },
          { target: "activeQ", description: "a new pending pod this scheduler is responsible for" },
        ],
      },
    },
    gated: {
      description: "waits, without attempts or events, until its schedulingGates are removed",
      on: { Update: { guard: "isUngated", target: "activeQ", description: "the last gate was removed" } },
    },
    activeQ: {
      description: "ordered by priority, then by the time it entered (PrioritySort)",
      on: { Pop: { target: "scheduling", actions: "countAttempt" } },
    },
    scheduling: {
      description: "its scheduling cycle: filter, score, reserve",
      on: {
        Assume: { target: "assumed", actions: "recordNode", description: "a node fits: the cache counts the pod there before the binding" },
        Unschedulable: { target: "unschedulablePods", actions: "startBackoff", description: "no node fits: FailedScheduling, PodScheduled=False" },
      },
    },
    unschedulablePods: {
      description: "waits for a cluster event that could make it fit",
      after: { podMaxInUnschedulablePodsDuration: { target: "activeQ", description: "flushUnschedulablePodsLeftover (its back-off has long ended)" } },
      on: {
        MoveRequest: [
          { guard: "isBackingOff", target: "backoffQ", description: "a node added or changed, a pod deleted: may fit now, after its back-off" },
          { target: "activeQ" },
        ],
        Update: [
          { guard: "isBackingOff", target: "backoffQ", description: "the pod itself changed" },
          { target: "activeQ" },
        ],
      },
    },
    backoffQ: {
      description: "1 s after the first failed attempt, doubling per attempt up to 10 s",
      after: { podBackoff: { target: "activeQ", description: "flushBackoffQCompleted" } },
    },
    assumed: {
      initial: "binding",
      states: {
        binding: {
          description: "the binding cycle: POST pods/binding in flight",
          on: {
            BindSucceeded: { target: "bound", description: "Scheduled event; the informer will confirm" },
            BindFailed: { target: "#pod-queue.backoffQ", actions: "restartBackoff", description: "the assumption is forgotten; retried after a back-off" },
          },
        },
        bound: { description: "bound by the API server; assumed until the informer sees spec.nodeName" },
      },
    },
    forgotten: { type: "final" },
  },
});
