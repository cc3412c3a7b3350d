// One Job's lifecycle as its conditions show it (pkg/controller/job/job_controller.go): running
// its pods, Suspended (JobSuspended), SuccessCriteriaMet then Complete (CompletionsReached), or
// FailureTarget then Failed (BackoffLimitExceeded, DeadlineExceeded). SuccessCriteriaMet and
// FailureTarget are written as soon as the controller decides; Complete and Failed only once every
// pod is counted and none is terminating. While running, two clocks: the pod-failure back-off
// (10 s doubling per failure since the last success, capped at 10 min) holds new pods back, and
// activeDeadlineSeconds counts from status.startTime. Each asks for a sync when it runs out
// (enqueueSyncJobWithDelay). The controller steps one snapshot per Job with what each sync saw.

import { assign, emit, setup } from "xstate";
import { SYNC_JOB_BATCH_PERIOD_MS, type JobObservation } from "./job.logic.js";

export interface JobLifecycleContext {
  /** what is left of the pod-failure back-off when the sync saw it */
  backoffMs: number;
  /** what is left of activeDeadlineSeconds when the sync saw it (-1: no deadline) */
  deadlineMs: number;
  /** the reason of FailureTarget/Failed */
  reason: string;
}

export type JobLifecycleEvent = JobObservation;

const finished = {
  SuccessCriteriaMet: { target: "#job.SuccessCriteriaMet" },
  Complete: { target: "#job.Complete" },
  FailureTarget: { target: "#job.FailureTarget", actions: "recordReason" },
  Failed: { target: "#job.Failed", actions: "recordReason" },
} as const;

export const jobLifecycleMachine = setup({
  types: { context: {} as JobLifecycleContext, events: {} as JobLifecycleEvent, emitted: {} as { type: "SyncJob" } },
  delays: {
    // enqueueSyncJobWithDelay: never sooner than the batch period
    podFailureBackoff: ({ context }) => Math.max(context.backoffMs, SYNC_JOB_BATCH_PERIOD_MS),
    activeDeadline: ({ context }) => Math.max(0, context.deadlineMs),
  },
  guards: {
    hasActiveDeadline: ({ context }) => context.deadlineMs >= 0,
  },
  actions: {
    observeDeadline: assign(({ event }) => ({ deadlineMs: "deadlineMs" in event && event.deadlineMs !== undefined ? event.deadlineMs : -1 })),
    observeBackoff: assign(({ event }) => ({ backoffMs: event.type === "PodFailureBackOff" ? event.delayMs : 0 })),
    recordReason: assign(({ event }) => ({ reason: "reason" in event ? event.reason : "" })),
    syncJob: emit({ type: "SyncJob" as const }),
  },
}).createMachine({
  id: "job",
  description: "a Job as its conditions show it: running its pods (pod-failure back-off, activeDeadlineSeconds), Suspended, SuccessCriteriaMet then Complete, FailureTarget then Failed.",
  context: { backoffMs: 0, deadlineMs: -1, reason: "" },
  initial: "Created",
  states: {
    Created: {
      description: "the Job is in the cache; its first sync says where it is",
      on: {
        JobRunning: { target: "Running", actions: "observeDeadline" },
        PodFailureBackOff: { target: "Running.pods.backingOff", actions: ["observeDeadline", "observeBackoff"] },
        JobSuspended: "Suspended",
        ...finished,
      },
    },
    Running: {
      type: "parallel",
      description: "not suspended and not finished: pods are created toward min(parallelism, remaining completions)",
      on: { JobSuspended: "Suspended", ...finished },
      states: {
        pods: {
          initial: "creating",
          states: {
            creating: {
              description: "no back-off: missing pods are created (SuccessfulCreate)",
              on: { PodFailureBackOff: { target: "backingOff", actions: "observeBackoff" } },
            },
            backingOff: {
              description: "pods failed since the last success: no new pod until 10 s x 2^(failures-1) (at most 10 min) after the last failure; the sync comes no sooner than 1 s (syncJobBatchPeriod)",
              on: { PodFailureBackOff: { target: "backingOff", reenter: true, actions: "observeBackoff" }, JobRunning: "creating" },
              after: { podFailureBackoff: { target: "creating", actions: "syncJob", description: "the back-off is over: a sync creates the replacement pods" } },
            },
          },
        },
        activeDeadline: {
          initial: "starting",
          states: {
            starting: { always: [{ guard: "hasActiveDeadline", target: "counting" }, { target: "none" }] },
            none: { description: "no activeDeadlineSeconds" },
            counting: {
              description: "activeDeadlineSeconds from status.startTime",
              after: { activeDeadline: { target: "exceeded", actions: "syncJob", description: "the deadline passed: a sync fails the Job with DeadlineExceeded" } },
            },
            exceeded: { description: "the next sync writes FailureTarget (DeadlineExceeded) and deletes the active pods" },
          },
        },
      },
    },
    Suspended: {
      description: "spec.suspend: Suspended=True (JobSuspended), active pods deleted, none created",
      on: { JobRunning: { target: "Running", actions: "observeDeadline" }, PodFailureBackOff: { target: "Running.pods.backingOff", actions: ["observeDeadline", "observeBackoff"] }, ...finished },
    },
    SuccessCriteriaMet: {
      description: "CompletionsReached: Reached expected number of succeeded pods; the rest of the pods are deleted and counted",
      on: { Complete: "Complete" },
    },
    FailureTarget: {
      description: "BackoffLimitExceeded or DeadlineExceeded: the active pods are deleted; Failed once they are gone and counted",
      on: { Failed: { target: "Failed", actions: "recordReason" } },
    },
    Complete: { type: "final", description: "Complete=True and completionTime; event Completed: Job completed" },
    Failed: { type: "final", description: "Failed=True with the FailureTarget's reason; a Warning event with that reason" },
  },
});
