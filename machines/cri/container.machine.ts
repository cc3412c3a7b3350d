// A container as the CRI reports it (runtime.v1 ContainerState): CONTAINER_CREATED by
// CreateContainer, CONTAINER_RUNNING from StartContainer until its process ends, then
// CONTAINER_EXITED with its exit code and reason. StopContainer is containerd's: the preStop hook
// (run by the kubelet's request here), SIGTERM, and SIGKILL when the timeout ends (exit 137).
// The process itself (machines/cri/workload) stays beside the snapshot: the CRI runs it and tells
// this machine how it ended (ProcessExited); this machine tells the CRI which signal to send.

import { assign, emit, enqueueActions, setup } from "xstate";

export type ExitReason = "Completed" | "Error" | "OOMKilled" | "StartError";

/** Who waits for a StopContainer, and its two times (the hook's time is measured when it runs). */
export interface StopRequest {
  id: number;
  from: string;
  /** when SIGKILL comes, in ms from the request: its timeout, or after a hook 2 s at least once the hook ends */
  graceMs: number;
  /** how long the preStop hook runs before SIGTERM (0: no hook, SIGTERM at once) */
  hookMs: number;
}

export interface ContainerLifecycleContext {
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  reason?: ExitReason;
  /** runc's error when the process could not start */
  message?: string;
  /** the StopContainer in progress, answered when the process has exited */
  stop?: StopRequest;
}

export type ContainerLifecycleEvent =
  | { type: "Started"; now: number }
  | { type: "StartFailed"; now: number; message: string }
  | { type: "Stop"; stop: StopRequest }
  | { type: "ProcessExited"; now: number; exitCode: number; reason: ExitReason };

/** What the CRI is asked to do: signal the process, report the exit (PLEG), answer the stop. */
export type ContainerLifecycleOutput =
  | { type: "Signal"; signal: "SIGTERM" | "SIGKILL" }
  | { type: "Exited"; exitCode: number; reason: ExitReason; message?: string; startedAt: number; finishedAt: number }
  | { type: "StopAnswered"; id: number; from: string };

export const containerMachine = setup({
  types: {
    context: {} as ContainerLifecycleContext,
    events: {} as ContainerLifecycleEvent,
    emitted: {} as ContainerLifecycleOutput,
  },
  delays: {
    stopTimeout: ({ context }) => context.stop?.graceMs ?? 0,
    preStopHook: ({ context }) => context.stop?.hookMs ?? 0,
  },
  guards: {
    hasPreStopHook: ({ event }) => event.type === "Stop" && event.stop.hookMs > 0,
    // containerd's stopContainer sends the stop signal only `if timeout > 0`
    isTimeoutSpent: ({ event }) => event.type === "Stop" && event.stop.graceMs <= 0,
  },
  actions: {
    recordStart: assign({ startedAt: ({ event }) => (event as { now: number }).now }),
    recordStartError: assign(({ event }) => {
      const e = event as Extract<ContainerLifecycleEvent, { type: "StartFailed" }>;
      return { startedAt: e.now, finishedAt: e.now, exitCode: 128, reason: "StartError" as const, message: e.message };
    }),
    recordExit: assign(({ context, event }) => {
      const e = event as Extract<ContainerLifecycleEvent, { type: "ProcessExited" }>;
      return { startedAt: context.startedAt ?? e.now, finishedAt: e.now, exitCode: e.exitCode, reason: e.reason };
    }),
    recordStop: assign({ stop: ({ event }) => (event as Extract<ContainerLifecycleEvent, { type: "Stop" }>).stop }),
    sendSigterm: emit({ type: "Signal", signal: "SIGTERM" } as const),
    sendSigkill: emit({ type: "Signal", signal: "SIGKILL" } as const),
    reportExit: emit(({ context }) => ({
      type: "Exited" as const,
      exitCode: context.exitCode!,
      reason: context.reason!,
      ...(context.message !== undefined ? { message: context.message } : {}),
      startedAt: context.startedAt!,
      finishedAt: context.finishedAt!,
    })),
    answerStop: enqueueActions(({ context, enqueue }) => {
      if (context.stop) enqueue.emit({ type: "StopAnswered", id: context.stop.id, from: context.stop.from });
    }),
    forgetStop: assign({ stop: undefined }),
  },
}).createMachine({
  id: "cri-container",
  description: "a container in the runtime: CONTAINER_CREATED -> CONTAINER_RUNNING (stopping: preStop, SIGTERM, SIGKILL at the timeout) -> CONTAINER_EXITED.",
  context: {},
  initial: "CONTAINER_CREATED",
  states: {
    CONTAINER_CREATED: {
      description: "CreateContainer made its rootfs and mounts; nothing runs yet",
      on: {
        Started: { target: "CONTAINER_RUNNING", actions: "recordStart", description: "StartContainer: the process runs" },
        StartFailed: { target: "CONTAINER_EXITED", actions: "recordStartError", description: "runc could not exec the entrypoint: exit 128, StartError" },
      },
    },
    CONTAINER_RUNNING: {
      initial: "running",
      on: {
        Stop: [
          { guard: "isTimeoutSpent", target: ".stopping.sigkillSent", reenter: true, actions: "recordStop", description: "StopContainer with no time left (a timeout that wrapped in time.Duration): SIGKILL at once, no SIGTERM" },
          { guard: "hasPreStopHook", target: ".stopping.gracePeriod.preStop", reenter: true, actions: "recordStop", description: "StopContainer: the preStop hook runs first" },
          { target: ".stopping.gracePeriod.sigtermSent", reenter: true, actions: "recordStop", description: "StopContainer without a hook: SIGTERM at once" },
        ],
        ProcessExited: { target: "CONTAINER_EXITED", actions: "recordExit", description: "the process ended: its exit, a signal, or the OOM killer" },
      },
      states: {
        running: {},
        stopping: {
          description: "a StopContainer waits for the process to exit; its timeout counts from the request",
          initial: "gracePeriod",
          states: {
            gracePeriod: {
              initial: "preStop",
              after: { stopTimeout: { target: "sigkillSent", description: "the timeout ended: SIGKILL (exit 137)" } },
              states: {
                preStop: { after: { preStopHook: { target: "sigtermSent", description: "the hook finished" } } },
                sigtermSent: { entry: "sendSigterm", description: "a process without a SIGTERM handler (a shell, sleep as PID 1) ignores it" },
              },
            },
            sigkillSent: { entry: "sendSigkill" },
          },
        },
      },
    },
    CONTAINER_EXITED: {
      entry: ["reportExit", "answerStop", "forgetStop"],
      description: "exit code, reason and times kept for ContainerStatus until the sandbox is removed",
    },
  },
});
