// One Deployment's sync as its writes go out (pkg/controller/deployment: syncDeployment, and
// rolling.go, recreate.go, sync.go under it): client-go's calls block, so a sync sends one request
// (a ReplicaSet's creation or scaling, its deletion, the status) and waits for its answer before
// the next, and the first error ends the sync: what was not sent is dropped and the key comes back
// rate-limited (processNextWorkItem's handleErr); a sync that ends clean is forgotten (Forget). The
// controller keeps one snapshot per Deployment key in its context while a sync is running, as a
// value; the writes themselves are data the controller turns into requests.

import { assign, emit, setup } from "xstate";

export interface SyncContext<W> {
  /** the sync's writes not sent yet, in the order Kubernetes makes them */
  pending: readonly W[];
}

export type SyncEvent<W> =
  | { type: "Sync"; writes: readonly W[] }
  | { type: "Answered" }
  | { type: "Failed" };

export type SyncOutput<W> = { type: "SendRequest"; write: W } | { type: "SyncSucceeded" } | { type: "SyncFailed" };

// The chart does not look inside a write: any plain value the controller can send.
type Write = unknown;

export const deploymentSyncMachine = setup({
  types: { context: {} as SyncContext<Write>, events: {} as SyncEvent<Write>, emitted: {} as SyncOutput<Write> },
  guards: {
    hasWrites: ({ event }) => event.type === "Sync" && event.writes.length > 0,
    hasMoreWrites: ({ context }) => context.pending.length > 0,
  },
  actions: {
    takeWrites: assign(({ event }) => ({ pending: event.type === "Sync" ? event.writes : [] })),
    sendNext: emit(({ context }) => ({ type: "SendRequest" as const, write: context.pending[0] })),
    shiftNext: assign(({ context }) => ({ pending: context.pending.slice(1) })),
    dropRest: assign({ pending: [] }),
    succeed: emit({ type: "SyncSucceeded" as const }),
    fail: emit({ type: "SyncFailed" as const }),
  },
}).createMachine({
  id: "deploymentSync",
  description: "one Deployment's sync as client-go runs it: one request at a time, each answered before the next; the first error ends the sync (requeued rate-limited), a clean one is forgotten.",
  context: { pending: [] },
  initial: "Idle",
  states: {
    Idle: {
      description: "no sync of this Deployment is running (the key is waiting in the queue, or not there)",
      on: {
        Sync: [
          { guard: "hasWrites", target: "AwaitingAnswer", actions: "takeWrites", description: "syncDeployment decided its writes: the first goes out" },
          { actions: "succeed", description: "nothing to write: the sync is done (Forget)" },
        ],
      },
    },
    AwaitingAnswer: {
      description: "one request of the sync is out; the sync blocks on its answer as client-go's call does",
      entry: ["sendNext", "shiftNext"],
      on: {
        Answered: [
          { guard: "hasMoreWrites", target: "AwaitingAnswer", reenter: true, description: "written: the next write goes out" },
          { target: "Idle", actions: "succeed", description: "the last write is in: the sync is done (Forget)" },
        ],
        Failed: { target: "Idle", actions: ["dropRest", "fail"], description: "an error: the sync returns it, the rest is not sent, the key is requeued rate-limited (handleErr)" },
      },
    },
  },
});
