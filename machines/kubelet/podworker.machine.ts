// One pod's worker (pkg/kubelet/pod_workers.go): SyncPod while the pod should run (syncPod: the
// sandbox, its network, then the init containers and containers), TerminatingPod once it is deleted
// or done (syncTerminatingPod: stop the containers, regular ones first, sidecars last, each with its
// grace period), TerminatedPod once none runs (syncTerminatedPod: stop the sandbox, release its IP,
// remove it). Beside it, the worker's place in the kubelet's work queue: a sync that must be retried
// later (a back-off, a failed step) requeues the pod after a delay, and a later requeue replaces it.
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
  | { type: "Forget" };

export const podWorkerMachine = setup({
  types: { context: {} as { requeueDelayMs: number }, events: {} as PodWorkerEvent, emitted: {} as { type: "Resync" } },
  delays: {
    requeueDelay: ({ context }) => context.requeueDelayMs,
  },
  actions: {
    recordDelay: assign({ requeueDelayMs: ({ event }) => (event.type === "Requeue" ? event.delayMs : 0) }),
    resync: emit({ type: "Resync" as const }),
  },
}).createMachine({
  id: "podWorker",
  description: "pod_workers.go: SyncPod -> TerminatingPod -> TerminatedPod, and the pod's requeue in the work queue.",
  context: { requeueDelayMs: 0 },
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
      },
    },
  },
});
