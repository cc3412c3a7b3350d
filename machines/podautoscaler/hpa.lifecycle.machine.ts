// One HorizontalPodAutoscaler as the HPA controller keeps it (pkg/controller/podautoscaler/
// horizontal.go): every add of its key waits the resync period (enqueueHPA's AddRateLimited on a
// fixed-interval limiter, --horizontal-pod-autoscaler-sync-period, 15 s; an add while one waits is
// dropped), so a new HPA is first reconciled a period after it appears, and every period after.

import { emit, setup } from "xstate";

export type HPALifecycleEvent = { type: "Reconciled" } | { type: "Deleted" };

/** --horizontal-pod-autoscaler-sync-period */
export const hpaSyncPeriodMs = 15_000;

export const hpaLifecycleMachine = setup({
  types: { context: {} as Record<string, never>, events: {} as HPALifecycleEvent, emitted: {} as { type: "SyncHPA" } },
  delays: { hpaSyncPeriod: hpaSyncPeriodMs },
  actions: { syncHPA: emit({ type: "SyncHPA" as const }) },
}).createMachine({
  id: "hpa",
  description: "a HorizontalPodAutoscaler between reconciles: reconciling (scale read, metrics read, target rescaled, status written), then waiting out the sync period.",
  context: {},
  initial: "waitingForResync",
  on: { Deleted: ".deleted" },
  states: {
    reconciling: {
      description: "reconcileAutoscaler: the target's scale, its pods and their metrics read, the desired replicas computed and normalized, the scale and the status written",
      on: { Reconciled: "waitingForResync" },
    },
    waitingForResync: {
      description: "the key is re-added after the sync period (NewDefaultHPARateLimiter)",
      after: { hpaSyncPeriod: { target: "reconciling", actions: "syncHPA", description: "the next reconcile" } },
    },
    deleted: { type: "final", description: "the HPA is gone: its recommendations and scale events are forgotten" },
  },
});
