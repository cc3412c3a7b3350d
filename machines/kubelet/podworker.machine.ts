// One pod's worker (pkg/kubelet/pod_workers.go): SyncPod while the pod should run (syncPod: the
// sandbox, its network, then the init containers and containers), TerminatingPod once it is deleted
// or done (syncTerminatingPod: stop the containers, regular ones first, sidecars last, each with its
// grace period), TerminatedPod once none runs (syncTerminatedPod: stop the sandbox, release its IP,
// remove it). Beside it, the worker's place in the kubelet's work queue: a sync that must be retried
// later (a back-off, a failed step) requeues the pod after a delay, and a later requeue replaces it.
// And the pod's activeDeadlineSeconds (active_deadline.go): counted from status.startTime, it syncs
// the pod when it runs out; the sync then fails the pod (DeadlineExceeded) and terminates it.
// The kubelet keeps one snapshot per pod and steps it as a value.

import { assign, emit, setup } from "xstate";

export type PodWorkerEvent =
  /** the pod is deleted (or gone), has finished, or an init container failed for good */
  | { type: "Terminate" }
  /** every container has stopped */
  | { type: "ContainersStopped" }
  /** the API server already shows the pod Succeeded or Failed: nothing to run */
  | { type: "AlreadyTerminal" }
  | { type: "SandboxReady" }
  | { type: "NetworkReady" }
  /** sync again after delayMs (replaces a requeue still pending) */
  | { type: "Requeue"; delayMs: number }
  /** the worker is removed: no requeue may come back */
  | { type: "Forget" }
  /** activeDeadlineSeconds runs out at atMs, delayMs from now (set, or changed by an update) */
  | { type: "ScheduleDeadline"; atMs: number; delayMs: number }
  /** the pod no longer has an activeDeadlineSeconds */
  | { type: "ClearDeadline" }
  /** the sync found the deadline already behind it */
  | { type: "DeadlinePassed" };

export interface PodWorkerContext {
  requeueDelayMs: number;
  /** when activeDeadlineSeconds runs out (ms since the epoch of the clock), and the delay set for it */
  deadlineAtMs?: number;
  deadlineDelayMs: number;
}

export const podWorkerMachine = setup({
  types: { context: {} as PodWorkerContext, events: {} as PodWorkerEvent, emitted: {} as { type: "Resync" } },
  delays: {
    requeueDelay: ({ context }) => context.requeueDelayMs,
    activeDeadline: ({ context }) => Math.max(0, context.deadlineDelayMs),
  },
  actions: {
    recordDelay: assign({ requeueDelayMs: ({ event }) => (event.type === "Requeue" ? event.delayMs : 0) }),
    recordDeadline: assign(({ event }) => (event.type === "ScheduleDeadline" ? { deadlineAtMs: event.atMs, deadlineDelayMs: event.delayMs } : {})),
    forgetDeadline: assign({ deadlineAtMs: undefined, deadlineDelayMs: 0 }),
    resync: emit({ type: "Resync" as const }),
  },
}).createMachine({
  id: "podWorker",
  description: "pod_workers.go: SyncPod -> TerminatingPod -> TerminatedPod, the pod's requeue in the work queue, and its activeDeadlineSeconds.",
  context: { requeueDelayMs: 0, deadlineDelayMs: 0 },
  initial: "worker",
  states: {
    worker: {
      type: "parallel",
      states: {
        lifecycle: {
          initial: "SyncPod",
          states: {
            SyncPod: {
              initial: "sandbox",
              description: "syncPod: one runtime call at a time",
              on: { Terminate: "TerminatingPod", AlreadyTerminal: "TerminatedPod" },
              states: {
                sandbox: { on: { SandboxReady: "network" }, description: "RunPodSandbox (with the pod's emptyDir volumes)" },
                network: { on: { NetworkReady: "containers" }, description: "CNI ADD: the pod's IP" },
                containers: { description: "init containers in order (sidecars kept running), then the containers: image, create, start, restart by policy" },
              },
            },
            TerminatingPod: {
              on: { ContainersStopped: "TerminatedPod" },
              description: "syncTerminatingPod: StopContainer (preStop, SIGTERM, SIGKILL after the grace period) for each, sidecars last",
            },
            TerminatedPod: { description: "syncTerminatedPod: StopPodSandbox, CNI DEL, RemovePodSandbox once deleted; the final status; the API deletion" },
          },
        },
        workQueue: {
          initial: "idle",
          states: {
            idle: { on: { Requeue: { target: "queued", actions: "recordDelay" } } },
            queued: {
              after: { requeueDelay: { target: "idle", actions: "resync" } },
              on: {
                Requeue: { target: "queued", reenter: true, actions: "recordDelay", description: "a later requeue replaces this one" },
                Forget: "idle",
              },
            },
          },
        },
        activeDeadline: {
          initial: "none",
          description: "active_deadline.go: pastActiveDeadline, from status.startTime",
          states: {
            none: {
              description: "no activeDeadlineSeconds (or the pod has not started)",
              on: { ScheduleDeadline: { target: "counting", actions: "recordDeadline" }, DeadlinePassed: "DeadlineExceeded" },
            },
            counting: {
              description: "activeDeadlineSeconds from status.startTime",
              after: { activeDeadline: { target: "DeadlineExceeded", actions: "resync", description: "the deadline passed: the pod syncs, is failed with DeadlineExceeded and terminated" } },
              on: {
                ScheduleDeadline: { target: "counting", reenter: true, actions: "recordDeadline", description: "an update changed activeDeadlineSeconds" },
                ClearDeadline: { target: "none", actions: "forgetDeadline" },
                DeadlinePassed: "DeadlineExceeded",
              },
            },
            DeadlineExceeded: { description: "ShouldEvict: phase Failed, reason DeadlineExceeded; the worker terminates the pod" },
          },
        },
      },
    },
  },
});
