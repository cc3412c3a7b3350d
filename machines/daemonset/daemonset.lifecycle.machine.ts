// One DaemonSet's rollout as the controller's status counts show it, named as `kubectl rollout
// status ds/<name>` words it (DaemonSetStatusViewer): new pods being updated ("N out of M new pods
// have been updated"), updated pods waiting to become available ("N of M updated pods are
// available"), or RolledOut ("successfully rolled out"). Beside it, availability: while a ready pod
// waits out minReadySeconds, a sync is booked for then (updateDaemonSetStatus's enqueueDaemonSetAfter,
// "a last line of defense to guard against clock-skew"). The controller steps one snapshot per
// DaemonSet with the counts of each status it computes.

import { assign, emit, setup } from "xstate";

export interface DaemonSetLifecycleContext {
  desired: number;
  updated: number;
  available: number;
  ready: number;
  minReadySecondsMs: number;
}

export type DaemonSetLifecycleEvent = {
  type: "StatusComputed";
  desired: number;
  updated: number;
  available: number;
  ready: number;
  minReadySecondsMs: number;
};

const rollout = [
  { guard: "hasPodsToUpdate", target: "Updating", actions: "recordCounts" },
  { guard: "hasUnavailablePods", target: "WaitingForAvailability", actions: "recordCounts" },
  { target: "RolledOut", actions: "recordCounts" },
] as const;

export const daemonSetLifecycleMachine = setup({
  types: { context: {} as DaemonSetLifecycleContext, events: {} as DaemonSetLifecycleEvent, emitted: {} as { type: "SyncDaemonSet" } },
  delays: {
    minReadySeconds: ({ context }) => context.minReadySecondsMs,
  },
  guards: {
    hasPodsToUpdate: ({ event }) => event.updated < event.desired,
    hasUnavailablePods: ({ event }) => event.available < event.desired,
    isWaitingForMinReadySeconds: ({ event }) => event.minReadySecondsMs > 0 && event.ready !== event.available,
  },
  actions: {
    recordCounts: assign(({ event }) => ({ desired: event.desired, updated: event.updated, available: event.available, ready: event.ready, minReadySecondsMs: event.minReadySecondsMs })),
    syncDaemonSet: emit({ type: "SyncDaemonSet" as const }),
  },
}).createMachine({
  id: "daemonset",
  description: "a DaemonSet's rollout as kubectl rollout status names it (Updating, WaitingForAvailability, RolledOut) and the minReadySeconds resync beside it.",
  context: { desired: 0, updated: 0, available: 0, ready: 0, minReadySecondsMs: 0 },
  initial: "Synced",
  states: {
    // One compound root, so the chart renders (a diagram cannot split its top level into regions).
    Synced: {
      type: "parallel",
      description: "the DaemonSet is in the controller's cache and synced; it ends with its deletion",
      states: {
        rollout: {
          initial: "Observing",
          states: {
            Observing: {
              description: "the DaemonSet is in the cache; its first status says where the rollout is",
              on: { StatusComputed: rollout },
            },
            Updating: {
              description: "fewer nodes run the current revision than should (updatedNumberScheduled < desiredNumberScheduled): N out of M new pods have been updated",
              on: { StatusComputed: rollout },
            },
            WaitingForAvailability: {
              description: "every node runs the current revision, not all available yet (numberAvailable < desiredNumberScheduled): N of M updated pods are available",
              on: { StatusComputed: rollout },
            },
            RolledOut: {
              description: "every node that should run a daemon pod runs an available one of the current revision: successfully rolled out",
              on: { StatusComputed: rollout },
            },
          },
        },
        availability: {
          initial: "settled",
          states: {
            settled: {
              description: "every ready pod is available, or minReadySeconds is 0",
              on: { StatusComputed: { guard: "isWaitingForMinReadySeconds", target: "awaitingMinReadySeconds", actions: "recordCounts" } },
            },
            awaitingMinReadySeconds: {
              description: "ready pods not yet available: the DaemonSet is synced again after minReadySeconds",
              on: {
                StatusComputed: [
                  // the booked sync stays booked: a later status does not push it back
                  { guard: "isWaitingForMinReadySeconds", actions: "recordCounts" },
                  { target: "settled", actions: "recordCounts" },
                ],
              },
              after: { minReadySeconds: { target: "settled", actions: "syncDaemonSet", description: "minReadySeconds passed: a sync counts the pods available now" } },
            },
          },
        },
      },
    },
  },
});
