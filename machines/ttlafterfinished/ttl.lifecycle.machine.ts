// One finished Job in the TTL-after-finished controller: waiting out ttlSecondsAfterFinished from
// its finish time (an `after` delay that asks for a sync), then expired, then deleted (foreground,
// with the Job's uid as precondition). A TTL changed while waiting books the wait again.

import { assign, emit, setup } from "xstate";

export interface TTLContext {
  /** what is left of the TTL when the controller last looked */
  leftMs: number;
}

export type TTLEvent = { type: "Finished"; leftMs: number } | { type: "Expired" } | { type: "Deleted" };

export const ttlLifecycleMachine = setup({
  types: { context: {} as TTLContext, events: {} as TTLEvent, emitted: {} as { type: "SyncJob" } },
  delays: { ttlAfterFinished: ({ context }) => Math.max(0, context.leftMs) },
  actions: {
    observe: assign(({ event }) => ({ leftMs: event.type === "Finished" ? event.leftMs : 0 })),
    syncJob: emit({ type: "SyncJob" as const }),
  },
}).createMachine({
  id: "ttl",
  description: "a finished Job with ttlSecondsAfterFinished: waitingForTTL, then expired (a sync deletes it), then deleted.",
  context: { leftMs: 0 },
  initial: "Tracked",
  states: {
    Tracked: { description: "the Job is in the cache; the first look says how long is left", on: { Finished: { target: "waitingForTTL", actions: "observe" }, Expired: "expired" } },
    waitingForTTL: {
      description: "ttlSecondsAfterFinished from the Complete/Failed condition's lastTransitionTime",
      on: { Finished: { target: "waitingForTTL", reenter: true, actions: "observe" }, Expired: "expired" },
      after: { ttlAfterFinished: { target: "expired", actions: "syncJob", description: "the TTL ran out: a sync deletes the Job" } },
    },
    expired: { description: "the Job is deleted with propagationPolicy Foreground and its uid as precondition", on: { Deleted: "deleted", Finished: { target: "waitingForTTL", actions: "observe" } } },
    deleted: { type: "final", description: "the delete was accepted; the garbage collector removes the pods first" },
  },
});
