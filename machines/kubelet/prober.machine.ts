// One probe worker (pkg/kubelet/prober/worker.go): per container and per probe (startup, liveness,
// readiness), it waits initialDelaySeconds, then probes every periodSeconds; its result turns
// Success after successThreshold successes in a row and Failure after failureThreshold failures in
// a row. Readiness starts as Failure, liveness as Success, startup as Unknown (prober/results). The
// kubelet decides what a result means (restart on liveness or startup Failure, readiness in status).

import { assign, emit, setup } from "xstate";
import type { Probe } from "kubernetes-types/core/v1";
import { mutant } from "../common/mutation.js";

export type ProbeKind = "startup" | "liveness" | "readiness";

export interface ProbeContext {
  kind: ProbeKind;
  spec: Probe;
  successes: number;
  failures: number;
}

export type ProbeEvent =
  | { type: "ProbeSucceeded" }
  | { type: "ProbeFailed" }
  /** restart recovery: the container's status says its startup probe already passed */
  | { type: "AlreadySucceeded" }
  /** the container stopped or exited: the worker ends */
  | { type: "Stop" };

const successThreshold = (c: ProbeContext) => c.spec.successThreshold ?? 1;
const failureThreshold = (c: ProbeContext) => c.spec.failureThreshold ?? 3;

export const probeWorkerMachine = setup({
  types: { context: {} as ProbeContext, events: {} as ProbeEvent, input: {} as { kind: ProbeKind; spec: Probe }, emitted: {} as { type: "Probe" } },
  delays: {
    // the mutant probes at once, whatever initialDelaySeconds says
    initialDelay: ({ context }) => (mutant("kubelet.probe-initial-delay-ignored") ? 0 : (context.spec.initialDelaySeconds ?? 0)) * 1000,
    period: ({ context }) => (context.spec.periodSeconds ?? 10) * 1000,
  },
  guards: {
    isReadiness: ({ context }) => context.kind === "readiness",
    isLiveness: ({ context }) => context.kind === "liveness",
    isSuccessThresholdReached: ({ context }) => context.successes + 1 >= successThreshold(context) || mutant("kubelet.readiness-success-threshold-ignored"),
    isFailureThresholdReached: ({ context }) => context.failures + 1 >= failureThreshold(context),
  },
  actions: {
    probe: emit({ type: "Probe" as const }),
    // the mutant does not reset the failures on a success: failureThreshold counts failures in all, not in a row
    countSuccess: assign({ successes: ({ context }) => context.successes + 1, failures: ({ context }) => (mutant("kubelet.probe-failures-not-reset-on-success") ? context.failures : 0) }),
    countFailure: assign({ failures: ({ context }) => context.failures + 1, successes: 0 }),
  },
}).createMachine({
  id: "probeWorker",
  description: "prober/worker.go: initialDelaySeconds, then a probe every periodSeconds; Success after successThreshold, Failure after failureThreshold in a row.",
  context: ({ input }) => ({ kind: input.kind, spec: input.spec, successes: 0, failures: 0 }),
  initial: "worker",
  states: {
    worker: {
      type: "parallel",
      states: {
        ticker: {
          initial: "initialDelay",
          on: { Stop: ".stopped" },
          states: {
            initialDelay: { after: { initialDelay: { target: "probing", actions: "probe" } } },
            probing: { after: { period: { target: "probing", reenter: true, actions: "probe" } } },
            stopped: {},
          },
        },
        result: {
          initial: "initial",
          states: {
            initial: { always: [{ guard: "isReadiness", target: "Failure" }, { guard: "isLiveness", target: "Success" }, { target: "Unknown" }] },
            Unknown: {},
            Success: {},
            Failure: {},
          },
          on: {
            ProbeSucceeded: [
              { guard: "isSuccessThresholdReached", target: ".Success", actions: "countSuccess" },
              { actions: "countSuccess" },
            ],
            ProbeFailed: [
              { guard: "isFailureThresholdReached", target: ".Failure", actions: "countFailure" },
              { actions: "countFailure" },
            ],
            AlreadySucceeded: ".Success",
          },
        },
      },
    },
  },
});
