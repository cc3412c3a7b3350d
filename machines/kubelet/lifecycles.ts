// The kubelet's lifecycles stepped as values (machines/common/lifecycle.ts): each container's state
// and each image's pull back-off live as snapshots in the pod worker.

import { lifecycleOf, stateName } from "../common/lifecycle.js";
import { containerMachine, type ContainerLifeEvent, type WaitingReason } from "./container.machine.js";
import { imagePullerMachine, type ImagePullEvent } from "./imagepuller.machine.js";
import type { ContainerRecord, PodWorker, PullSnapshot } from "./types.js";

export const containerLifecycle = lifecycleOf(containerMachine);
export const imagePullLifecycle = lifecycleOf(imagePullerMachine);

/**
 * Moves a container's lifecycle by one event. Its chart has no timers: as in the kubelet, a
 * back-off ends when the pod worker's resync comes back and finds it over.
 */
export function stepContainer(c: ContainerRecord, event: ContainerLifeEvent): void {
  c.lifecycle = containerLifecycle.step(c.lifecycle, event).snapshot;
}

/** The image's pull lifecycle in this pod (idle when never pulled). */
export function pullOf(w: PodWorker, image: string): PullSnapshot {
  return w.pulls.get(image) ?? imagePullLifecycle.start({ image }).snapshot;
}

/** Moves an image's pull lifecycle by one event; returns where it is now. */
export function stepPull(w: PodWorker, image: string, event: ImagePullEvent): PullSnapshot {
  const s = imagePullLifecycle.step(pullOf(w, image), event).snapshot;
  w.pulls.set(image, s);
  return s;
}

/** The container's chart state, "waiting.crashLoopBackOff.backingOff" style. */
export function containerState(c: ContainerRecord): string {
  return stateName(c.lifecycle.value);
}

export function isRunning(c: ContainerRecord): boolean {
  return containerState(c).startsWith("running");
}

export function isStopping(c: ContainerRecord): boolean {
  return containerState(c) === "running.stopping";
}

const reasonOf: Record<string, WaitingReason> = {
  crashLoopBackOff: "CrashLoopBackOff", errImagePull: "ErrImagePull", imagePullBackOff: "ImagePullBackOff", errImageNeverPull: "ErrImageNeverPull",
  invalidImageName: "InvalidImageName", createContainerError: "CreateContainerError", createContainerConfigError: "CreateContainerConfigError",
};

/** The waiting reason the kubelet set (undefined in the default ContainerCreating/PodInitializing, Running or Terminated). */
export function waitingReason(c: ContainerRecord): WaitingReason | undefined {
  const [top, sub] = containerState(c).split(".");
  return top === "waiting" ? reasonOf[sub!] : undefined;
}
