// One pod's taint-based eviction (pkg/controller/tainteviction/taint_eviction.go, processPodOnNode
// and its TimedWorkerQueue): a pod on a node with a NoExecute taint it tolerates for
// tolerationSeconds (300 s from the DefaultTolerationSeconds admission for not-ready and
// unreachable) is Scheduled for deletion tolerationSeconds after the controller processed it (not
// after the taint's timeAdded); the taint going away in time cancels it ("Cancelling deletion of Pod
// ns/name"); when the time comes the timed worker deletes it without looking again, Evicting:
// TaintManagerEviction, the DisruptionTarget condition, then DELETE. A pod that tolerates nothing
// goes straight to Evicting.

import { assign, setup } from "xstate";

export interface TaintEvictionContext {
  /** when the deletion is due (ms) */
  atMs: number;
  /** when it was booked: the timer runs for atMs - nowMs */
  nowMs: number;
}

export type TaintEvictionEvent =
  | { type: "Reschedule"; atMs: number; now: number }
  | { type: "Evict" }
  | { type: "Cancel" };

export const taintEvictionMachine = setup({
  types: { context: {} as TaintEvictionContext, events: {} as TaintEvictionEvent, input: {} as TaintEvictionContext },
  delays: {
    tolerationSeconds: ({ context }) => Math.max(0, context.atMs - context.nowMs),
  },
  actions: {
    book: assign(({ event }) => (event.type === "Reschedule" ? { atMs: event.atMs, nowMs: event.now } : {})),
  },
}).createMachine({
  id: "taintEviction",
  description: "processPodOnNode: Scheduled for tolerationSeconds from when the controller processed the pod, then Evicting (TaintManagerEviction, DisruptionTarget, DELETE); Cancelled when the taint went first.",
  context: ({ input }) => ({ atMs: input.atMs, nowMs: input.nowMs }),
  initial: "Scheduled",
  states: {
    Scheduled: {
      description: "the pod tolerates the NoExecute taint for tolerationSeconds: its deletion is booked",
      after: { tolerationSeconds: { target: "Expired", description: "tolerationSeconds ran out: the timed worker deletes the pod" } },
      on: {
        Reschedule: { target: "Scheduled", reenter: true, actions: "book", description: "another NoExecute taint: a new due time" },
        Evict: "Evicting",
        Cancel: { target: "Cancelled", description: "the taint went: Cancelling deletion of Pod ns/name" },
      },
    },
    Expired: {
      on: {
        Reschedule: { target: "Scheduled", actions: "book" },
        Evict: "Evicting",
        Cancel: "Cancelled",
      },
    },
    Evicting: { description: "TaintManagerEviction: Marking for deletion Pod ns/name; DisruptionTarget (DeletionByTaintManager), then DELETE" },
    Cancelled: { type: "final" },
  },
});
