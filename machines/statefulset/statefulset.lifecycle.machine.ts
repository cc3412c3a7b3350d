// One StatefulSet's rollout as the controller's status shows it, named as `kubectl rollout status
// sts/<name>` words it (StatefulSetStatusViewer): pods not all ready ("Waiting for N pods to be
// ready..."), pods above the partition not yet at the update revision ("Waiting for partitioned roll
// out to finish: N out of M new pods have been updated..."; without rollingUpdate, "waiting for
// statefulset rolling update to complete"), or RolledOut ("partitioned roll out complete" /
// "statefulset rolling update complete"). Beside it, availability: while ready pods wait out
// minReadySeconds, a sync is booked for then (syncStatefulSet's enqueueSSAfter). The controller
// steps one snapshot per StatefulSet with the counts of each status it computes.

import { assign, emit, setup } from "xstate";

export interface StatefulSetLifecycleContext {
  replicas: number;
  ready: number;
  available: number;
  minReadySecondsMs: number;
}

export type StatefulSetLifecycleEvent = {
  type: "StatusComputed";
  /** spec.replicas */
  replicas: number;
  ready: number;
  available: number;
  updated: number;
  /** spec.updateStrategy.rollingUpdate.partition; undefined without rollingUpdate */
  partition?: number;
  /** status.currentRevision === status.updateRevision */
  atUpdateRevision: boolean;
  minReadySecondsMs: number;
};

const rollout = [
  { guard: "hasUnreadyPods", target: "WaitingForPodsReady", actions: "recordCounts" },
  { guard: "hasPodsToUpdate", target: "RollingOut", actions: "recordCounts" },
  { target: "RolledOut", actions: "recordCounts" },
] as const;

export const statefulSetLifecycleMachine = setup({
  types: { context: {} as StatefulSetLifecycleContext, events: {} as StatefulSetLifecycleEvent, emitted: {} as { type: "SyncStatefulSet" } },
  delays: {
    minReadySeconds: ({ context }) => context.minReadySecondsMs,
  },
  guards: {
    hasUnreadyPods: ({ event }) => event.ready < event.replicas,
    hasPodsToUpdate: ({ event }) => (event.partition !== undefined ? event.updated < event.replicas - event.partition : !event.atUpdateRevision),
    // syncStatefulSet books a sync whenever availableReplicas != spec.replicas; only a ready pod's
    // wait ends with time alone (anything else arrives as an informer event), so only that books one.
    isWaitingForMinReadySeconds: ({ event }) => event.minReadySecondsMs > 0 && event.available !== event.replicas && event.ready !== event.available,
  },
  actions: {
    recordCounts: assign(({ event }) => ({ replicas: event.replicas, ready: event.ready, available: event.available, minReadySecondsMs: event.minReadySecondsMs })),
    syncStatefulSet: emit({ type: "SyncStatefulSet" as const }),
  },
}).createMachine({
  id: "statefulset",
  description: "a StatefulSet's rollout as kubectl rollout status names it (WaitingForPodsReady, RollingOut, RolledOut) and the minReadySeconds resync beside it.",
  context: { replicas: 0, ready: 0, available: 0, minReadySecondsMs: 0 },
  initial: "Synced",
  states: {
    // One compound root, so the chart renders (a diagram cannot split its top level into regions).
    Synced: {
      type: "parallel",
      description: "the StatefulSet is in the controller's cache and synced; it ends with its deletion",
      states: {
        rollout: {
          initial: "Observing",
          states: {
            Observing: {
              description: "the StatefulSet is in the cache; its first status says where the rollout is",
              on: { StatusComputed: rollout },
            },
            WaitingForPodsReady: {
              description: "fewer pods Running and Ready than spec.replicas: Waiting for N pods to be ready...",
              on: { StatusComputed: rollout },
            },
            RollingOut: {
              description: "all ready, but pods at or above the partition are not all at the update revision: Waiting for partitioned roll out to finish",
              on: { StatusComputed: rollout },
            },
            RolledOut: {
              description: "every pod ready and every pod at or above the partition updated: partitioned roll out complete",
              on: { StatusComputed: rollout },
            },
          },
        },
        availability: {
          initial: "settled",
          states: {
            settled: {
              description: "every replica available, or minReadySeconds is 0",
              on: { StatusComputed: { guard: "isWaitingForMinReadySeconds", target: "awaitingMinReadySeconds", actions: "recordCounts" } },
            },
            awaitingMinReadySeconds: {
              description: "ready replicas not yet available (minReadySeconds > 0): the StatefulSet is synced again after minReadySeconds",
              on: {
                StatusComputed: [
                  // the booked sync stays booked: a later status does not push it back
                  { guard: "isWaitingForMinReadySeconds", actions: "recordCounts" },
                  { target: "settled", actions: "recordCounts" },
                ],
              },
              after: { minReadySeconds: { target: "settled", actions: "syncStatefulSet", description: "minReadySeconds passed: a sync counts the pods available now" } },
            },
          },
        },
      },
    },
  },
});
