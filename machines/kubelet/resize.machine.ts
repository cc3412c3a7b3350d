// One pod's in-place resize as the kubelet's allocation manager and status manager track it
// (pkg/kubelet/allocation, status_manager.go's resize conditions): no resize; PodResizePending
// (Deferred: may fit later, retried; Infeasible: cannot fit this node) while the spec's resources
// are not allocated; PodResizeInProgress from the allocation until the runtime applied it.

import { assign, setup } from "xstate";

export interface ResizeContext {
  /** metadata.generation of the spec the condition is about (conditions[].observedGeneration) */
  generation?: number;
  /** the Deferred or Infeasible reason's message */
  message?: string;
  /** when the condition was set (its lastProbeTime and lastTransitionTime) */
  since?: number;
}

export type ResizeEvent =
  /** the desired resources fit the node: allocated, to be actuated */
  | { type: "ResizeAllocated"; generation: number; now: number }
  /** they do not fit now, may later (another pod leaves) */
  | { type: "ResizeDeferred"; generation: number; now: number; message: string }
  /** they can never fit this node */
  | { type: "ResizeInfeasible"; generation: number; now: number; message: string }
  /** the desired resources equal the allocated ones again: nothing is pending */
  | { type: "ResizeWithdrawn" }
  /** every running container's resources are the allocated ones */
  | { type: "ResizeActuated" };

export const resizeMachine = setup({
  types: { context: {} as ResizeContext, events: {} as ResizeEvent },
  actions: {
    recordPending: assign(({ context, event }) => {
      const e = event as Extract<ResizeEvent, { type: "ResizeDeferred" | "ResizeInfeasible" }>;
      // SetPodResizePendingCondition keeps the condition's times while its reason and message hold
      const same = context.message === e.message && context.generation === e.generation;
      return { generation: e.generation, message: e.message, since: same && context.since !== undefined ? context.since : e.now };
    }),
    recordAllocation: assign(({ event }) => {
      const e = event as Extract<ResizeEvent, { type: "ResizeAllocated" }>;
      return { generation: e.generation, message: undefined, since: e.now };
    }),
    forget: assign(() => ({ generation: undefined, message: undefined, since: undefined })),
  },
}).createMachine({
  id: "resize",
  description: "handlePodResourcesResize: a resize the node cannot take now waits (PodResizePending), one it took is actuated (PodResizeInProgress).",
  context: {},
  initial: "noResize",
  on: {
    ResizeAllocated: { target: ".inProgress", actions: "recordAllocation", description: "canAdmitPod fit: SetAllocatedResources" },
  },
  states: {
    noResize: {
      on: {
        ResizeDeferred: { target: "pending.deferred", actions: "recordPending" },
        ResizeInfeasible: { target: "pending.infeasible", actions: "recordPending" },
      },
    },
    pending: {
      description: "PodResizePending: the spec's resources are not allocated",
      on: {
        ResizeDeferred: { target: ".deferred", actions: "recordPending" },
        ResizeInfeasible: { target: ".infeasible", actions: "recordPending" },
        ResizeWithdrawn: { target: "noResize", actions: "forget" },
      },
      initial: "deferred",
      states: {
        deferred: { description: "Deferred: retried when the node's allocations change" },
        infeasible: { description: "Infeasible: more than the node's allocatable" },
      },
    },
    inProgress: {
      description: "PodResizeInProgress: allocated, being applied by UpdateContainerResources or a restart",
      on: {
        ResizeActuated: { target: "noResize", actions: "forget" },
        // a newer resize that does not fit: pending is what the API shows (the allocated one is still applied)
        ResizeDeferred: { target: "pending.deferred", actions: "recordPending" },
        ResizeInfeasible: { target: "pending.infeasible", actions: "recordPending" },
      },
    },
  },
});
