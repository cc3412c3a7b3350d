// One container's life as the kubelet reports it (v1.ContainerState): Waiting with its reason,
// Running, Terminated with its reason. The pod worker decides when to start, stop and restart
// (kuberuntime, by restartPolicy); this chart is where the container is, and what its status says.
// The kubelet keeps one snapshot per container in its pod worker and steps it as a value.

import { assign, setup } from "xstate";

/** A finished run of the container (v1.ContainerStateTerminated, times in ms). */
export interface Terminated {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt: number;
  finishedAt: number;
  containerID: string;
}

/** The waiting reasons the kubelet sets itself (the default one, ContainerCreating or PodInitializing, is a state too). */
export type WaitingReason = "CrashLoopBackOff" | "ErrImagePull" | "ImagePullBackOff" | "ErrImageNeverPull" | "InvalidImageName" | "CreateContainerError" | "CreateContainerConfigError";

export interface ContainerLifeContext {
  /** the pod has init containers: a container not yet started waits as PodInitializing, else ContainerCreating */
  podHasInitContainers: boolean;
  /** the runtime's id of the latest attempt */
  id?: string;
  startedAt?: number;
  /** the latest exit: the Terminated state, or lastState while Waiting */
  terminated?: Terminated;
  /** the exit before the latest one: lastState while Running or Terminated */
  last?: Terminated;
  /** the message of the waiting reason */
  message?: string;
  /** a start failed and the runtime's exit report is still on its way */
  exitPending: boolean;
  /** the restart back-off (flowcontrol.Backoff's entry for this container) */
  backOff?: { ms: number; lastUpdate: number };
}

export type ContainerLifeEvent =
  | { type: "Wait"; reason: WaitingReason; message?: string }
  | { type: "Started"; containerId: string; startedAt: number }
  | { type: "StartFailed"; containerId: string }
  | { type: "Stop" }
  | { type: "Exited"; terminated: Terminated }
  | { type: "BackOffCounted"; backOff: { ms: number; lastUpdate: number } };

export interface ContainerLifeInput {
  podHasInitContainers: boolean;
  /** restart recovery: the runtime's latest attempt, and the exit before it */
  id?: string;
  last?: Terminated;
}

const waitingTargets: Record<WaitingReason, string> = {
  CrashLoopBackOff: "#container.waiting.crashLoopBackOff",
  ErrImagePull: "#container.waiting.errImagePull",
  ImagePullBackOff: "#container.waiting.imagePullBackOff",
  ErrImageNeverPull: "#container.waiting.errImageNeverPull",
  InvalidImageName: "#container.waiting.invalidImageName",
  CreateContainerError: "#container.waiting.createContainerError",
  CreateContainerConfigError: "#container.waiting.createContainerConfigError",
};

const terminatedTargets: Record<string, string> = {
  Completed: "#container.terminated.completed",
  OOMKilled: "#container.terminated.oomKilled",
  StartError: "#container.terminated.startError",
};

const waitTransitions = (Object.entries(waitingTargets) as Array<[WaitingReason, string]>).map(([reason, target]) => ({ guard: { type: "waitsFor" as const, params: { reason } }, target, actions: "recordWaiting" as const }));

type Ev<T extends ContainerLifeEvent["type"]> = Extract<ContainerLifeEvent, { type: T }>;

export const containerMachine = setup({
  types: { context: {} as ContainerLifeContext, events: {} as ContainerLifeEvent, input: {} as ContainerLifeInput },
  guards: {
    podHasInitContainers: ({ context }) => context.podHasInitContainers,
    isStillCrashLooping: ({ event }) => event.type === "Wait" && event.reason === "CrashLoopBackOff",
    waitsFor: ({ event }, params: { reason: WaitingReason }) => event.type === "Wait" && event.reason === params.reason,
    exitedWith: ({ event }, params: { reason: string }) => event.type === "Exited" && event.terminated.reason === params.reason,
  },
  actions: {
    recordWaiting: assign(({ event }) => ({ message: (event as Ev<"Wait">).message })),
    recordStart: assign(({ context, event }) => {
      const e = event as Ev<"Started">;
      return { id: e.containerId, startedAt: e.startedAt, last: context.terminated ?? context.last, terminated: undefined, message: undefined, exitPending: false };
    }),
    recordStartFailure: assign(({ event }) => ({ id: (event as Ev<"StartFailed">).containerId, exitPending: true })),
    recordExit: assign(({ event }) => ({ terminated: (event as Ev<"Exited">).terminated, message: undefined, exitPending: false })),
    countBackOff: assign(({ event }) => ({ backOff: (event as Ev<"BackOffCounted">).backOff })),
  },
}).createMachine({
  id: "container",
  description: "v1.ContainerState as the kubelet reports it; the pod worker starts, stops and restarts by restartPolicy.",
  context: ({ input }) => ({ podHasInitContainers: input.podHasInitContainers, ...(input.id ? { id: input.id } : {}), ...(input.last ? { last: input.last } : {}), exitPending: false }),
  initial: "waiting",
  on: {
    Started: { target: ".running", actions: "recordStart" },
    StartFailed: { actions: "recordStartFailure", description: "the runtime's exit report (StartError) follows" },
    Exited: [
      ...Object.entries(terminatedTargets).map(([reason, target]) => ({ guard: { type: "exitedWith" as const, params: { reason } }, target, actions: "recordExit" as const })),
      { target: ".terminated.error", actions: "recordExit", description: "any other exit: Error" },
    ],
    BackOffCounted: { actions: "countBackOff", description: "a restart begins: the back-off doubles (10 s to 5 min), reset after 10 min without one" },
  },
  states: {
    waiting: {
      initial: "pending",
      on: { Wait: waitTransitions },
      states: {
        pending: { always: [{ guard: "podHasInitContainers", target: "podInitializing" }, { target: "containerCreating" }] },
        containerCreating: { description: "the default reason: the pod has no init containers" },
        podInitializing: { description: "the default reason: the pod has init containers" },
        crashLoopBackOff: {
          description: "the pod worker's syncs wait out the restart back-off (IsInBackOffSince), then restart it; shown until it runs",
          on: { Wait: { guard: "isStillCrashLooping", description: "the same back-off, seen again" } },
        },
        errImagePull: {},
        imagePullBackOff: {},
        errImageNeverPull: {},
        invalidImageName: {},
        createContainerError: {},
        createContainerConfigError: {},
      },
    },
    running: {
      initial: "up",
      states: {
        up: { on: { Stop: "stopping" } },
        stopping: { description: "killContainer: preStop, SIGTERM, SIGKILL after the grace period (in the runtime)" },
      },
    },
    terminated: {
      initial: "error",
      on: { Wait: waitTransitions },
      states: { completed: {}, error: {}, oomKilled: {}, startError: {} },
    },
  },
});
