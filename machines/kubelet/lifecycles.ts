// The kubelet's lifecycles stepped as values (machines/common/lifecycle.ts): each pod worker, each
// container's state and each image's pull back-off live as snapshots in the kubelet's context.

import type { AnyStateMachine, ContextFrom, EventFromLogic, InputFrom, SnapshotFrom, StateValue } from "xstate";
import { lifecycleOf, stateName } from "../common/lifecycle.js";
import { anyMutant } from "../common/mutation.js";
import type { Fx } from "../common/effects.js";
import { podWorkerMachine, type PodWorkerEvent } from "./podworker.machine.js";
import { containerMachine, type ContainerLifeEvent, type WaitingReason } from "./container.machine.js";
import { imagePullerMachine, type ImagePullEvent } from "./imagepuller.machine.js";
import type { ContainerRecord, LifeValue, PodWorker, PullSnapshot } from "./types.js";
import { view } from "./view.js";

/**
 * A lifecycle kept as a plain value, its state and context only: the kubelet's context stays data
 * (copied, hashed and frozen by the checker like any other) with nothing of XState's machine in it.
 * Each step resolves the value back into a snapshot of the machine and steps it.
 */
export function valueLifecycle<M extends AnyStateMachine>(machine: M) {
  const lc = lifecycleOf(machine);
  // frozen at its top, so a draft step's end does not walk into it (view.ts sealed)
  const plain = (s: SnapshotFrom<M>): LifeValue<ContextFrom<M>> => {
    const { value, context } = s as unknown as { value: StateValue; context: ContextFrom<M> };
    return Object.freeze({ value, context });
  };
  return {
    start(input: InputFrom<M>) {
      const s = lc.start(input);
      return { ...s, snapshot: plain(s.snapshot) };
    },
    step(v: LifeValue<ContextFrom<M>>, event: EventFromLogic<M>) {
      // stepped from the plain value: XState reads no proxy, and the next snapshot holds none
      const s = lc.step(lc.resolve(view(v) as never), event);
      return { ...s, snapshot: plain(s.snapshot) };
    },
  };
}

export const containerLifecycle = valueLifecycle(containerMachine);
export const imagePullLifecycle = valueLifecycle(imagePullerMachine);

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

// From idle a Pull moves to pulling, its time read by nothing (no guard, no action): the step is the
// same at any time, so it is taken once per idle context (the start's is one per image, shared by
// every pod) and the next snapshot shared. The lifecycle's own memo never keeps a step whose event has
// a time. Never while a mutant is on (as that memo).
const pullsFromIdle = new WeakMap<object, PullSnapshot>();

/** Moves an image's pull lifecycle by one event; returns where it is now. */
export function stepPull(w: PodWorker, image: string, event: ImagePullEvent): PullSnapshot {
  const from = view(pullOf(w, image));
  let s: PullSnapshot | undefined;
  if (event.type === "Pull" && from.value === "idle" && !anyMutant()) {
    s = pullsFromIdle.get(from.context);
    if (s === undefined) pullsFromIdle.set(from.context, (s = imagePullLifecycle.step(from, event).snapshot));
  } else s = imagePullLifecycle.step(from, event).snapshot;
  w.pulls = new Map(w.pulls).set(image, s);
  return s;
}

// A container's lifecycle is a frozen value replaced at each step: its state's name is read once.
const stateNames = new WeakMap<object, string>();

/** The container's chart state, "waiting.crashLoopBackOff.backingOff" style. */
export function containerState(c: ContainerRecord): string {
  const life = view(c.lifecycle);
  if (!Object.isFrozen(life)) return stateName(life.value);
  let name = stateNames.get(life);
  if (name === undefined) stateNames.set(life, (name = stateName(life.value)));
  return name;
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

export const podWorkerLifecycle = valueLifecycle(podWorkerMachine);

/** A pod worker's requeue delay ended: the runtime's clock hands the worker's event back. */
export interface PodWorkerTimerEvent {
  type: "PodWorkerTimer";
  uid: string;
  event: { type: string };
}

/**
 * Moves a pod worker by one event; its requeue becomes a background timer (back-offs never keep
 * settle() busy) unless the caller says the wait holds settle (background false). Returns what it emitted.
 */
export function stepWorker(w: PodWorker, event: PodWorkerEvent, fx: Fx, background = true): Array<{ type: string }> {
  const s = podWorkerLifecycle.step(w.lifecycle, event);
  w.lifecycle = s.snapshot;
  const key = `podworker/${w.uid}`;
  for (const id of s.cancels) fx.cancel(`${key}|${id}`);
  for (const t of s.timers) fx.after(`${key}|${t.id}`, t.delayMs, { type: "PodWorkerTimer", uid: w.uid, event: t.event }, background);
  return s.outputs;
}

/** Where the pod worker is: SyncPod, TerminatingPod or TerminatedPod. */
export function workerState(w: PodWorker): "SyncPod" | "TerminatingPod" | "TerminatedPod" {
  const v = (view(w.lifecycle).value as { worker: { lifecycle: string | Record<string, string> } }).worker.lifecycle;
  return (typeof v === "string" ? v : Object.keys(v)[0]!) as "SyncPod" | "TerminatingPod" | "TerminatedPod";
}

/** SyncPod's step: the sandbox, its network, or the containers. */
export function syncPodStep(w: PodWorker): "sandbox" | "network" | "containers" | undefined {
  const v = (view(w.lifecycle).value as { worker: { lifecycle: string | Record<string, string> } }).worker.lifecycle;
  return typeof v === "string" ? undefined : (v.SyncPod as "sandbox" | "network" | "containers");
}
