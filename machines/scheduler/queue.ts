// kube-scheduler's scheduling queue: one pod-queue lifecycle per pod (queue.machine.ts says which
// queue a pod is in: gated, activeQ, backoffQ, unschedulablePods, or assumed while binding), and
// the data structures that order and index them: activeQ is a heap by priority, then the time the
// pod entered it; backoffQ and unschedulablePods are indexes of the pods in those states. The
// lifecycles' `after`s are kept as data (when each is due) and delivered by the flushes.

import type { Pod } from "kubernetes-types/core/v1";
import { heapPop, heapPush } from "../common/heap.js";
import { keep, lifecycleOf, stateName, stepKept, type KeptLifecycle } from "../common/lifecycle.js";
import { podQueueMachine, type PodQueueEvent } from "./queue.machine.js";

export { backoffDuration, podInitialBackoffMs, podMaxBackoffMs, podMaxInUnschedulablePodsDurationMs } from "./queue.machine.js";

export interface QueuedPod {
  key: string;
  pod: Pod;
  /** when it (re-)entered activeQ: the tie-breaker after priority */
  timestamp: number;
  /** where it is (queue.machine.ts), with its attempts, back-off end and assumed node */
  lifecycle: KeptLifecycle<typeof podQueueMachine>;
  /** the lifecycle's pending `after`s, each with the time it is due */
  timers: Array<{ id: string; at: number; event: { type: string } }>;
}

export interface SchedulingQueue {
  active: QueuedPod[]; // a binary heap
  /** the pods in backoffQ (an index of the lifecycles in that state) */
  backoff: Map<string, QueuedPod>;
  /** the pods in unschedulablePods (an index of the lifecycles in that state) */
  unschedulable: Map<string, QueuedPod>;
  /** every pod the queue holds a lifecycle for, wherever it is (assumed pods included) */
  known: Map<string, QueuedPod>;
}

const lifecycle = lifecycleOf(podQueueMachine);

/** An empty queue. */
export function newQueue(): SchedulingQueue {
  return { active: [], backoff: new Map(), unschedulable: new Map(), known: new Map() };
}

/** The top-level state of a pod's lifecycle ("activeQ", "backoffQ", "assumed" ...). */
export function queueState(qp: QueuedPod): string {
  return stateName(qp.lifecycle.value).split(".")[0]!;
}

/** The node a pod is assumed on while its binding is in flight (or bound but not yet confirmed). */
export function assumedNode(q: SchedulingQueue, key: string): string | undefined {
  const qp = q.known.get(key);
  return qp !== undefined && queueState(qp) === "assumed" ? qp.lifecycle.context.node : undefined;
}

const priority = (p: Pod) => p.spec?.priority ?? 0;

/** PrioritySort's Less: higher priority first, then earlier timestamp. */
function before(a: QueuedPod, b: QueuedPod): boolean {
  const pa = priority(a.pod);
  const pb = priority(b.pod);
  if (pa !== pb) return pa > pb;
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp;
  return a.key < b.key;
}

/** Steps a pod's lifecycle and keeps the heap, the indexes and the pending `after`s in line with its state. */
function step(q: SchedulingQueue, qp: QueuedPod, event: PodQueueEvent | { type: string }, now: number): void {
  const was = queueState(qp);
  const s = stepKept(lifecycle, qp.lifecycle, event as PodQueueEvent);
  qp.lifecycle = keep(s.snapshot);
  if (s.cancels.length > 0) qp.timers = qp.timers.filter((t) => !s.cancels.includes(t.id));
  for (const t of s.timers) qp.timers = [...qp.timers.filter((x) => x.id !== t.id), { id: t.id, at: now + t.delayMs, event: t.event }];
  const is = queueState(qp);
  if (is === was) return;
  if (was === "backoffQ") q.backoff.delete(qp.key);
  if (was === "unschedulablePods") q.unschedulable.delete(qp.key);
  if (was === "activeQ" && is !== "scheduling") removeFromHeap(q, qp);
  if (is === "backoffQ") q.backoff.set(qp.key, qp);
  if (is === "unschedulablePods") q.unschedulable.set(qp.key, qp);
  if (is === "activeQ") {
    qp.timestamp = now;
    heapPush(q.active, qp, before);
  }
  if (is === "forgotten") q.known.delete(qp.key);
}

function removeFromHeap(q: SchedulingQueue, qp: QueuedPod): void {
  const i = q.active.indexOf(qp);
  if (i < 0) return;
  q.active.splice(i, 1);
  // re-heapify: removals are rare (a pod deleted while pending)
  const items = q.active.splice(0);
  for (const it of items) heapPush(q.active, it, before);
}

const isGated = (pod: Pod) => (pod.spec?.schedulingGates ?? []).length > 0;

/** A new unscheduled pod enters activeQ, or waits gated while it has schedulingGates. */
export function add(q: SchedulingQueue, key: string, pod: Pod, now: number): void {
  const existing = q.known.get(key);
  if (existing) {
    existing.pod = pod;
    return;
  }
  const qp: QueuedPod = { key, pod, timestamp: now, lifecycle: keep(lifecycle.start(undefined).snapshot), timers: [] };
  q.known.set(key, qp);
  step(q, qp, { type: "Add", gated: isGated(pod) }, now);
}

/** Updates the pod a queued entry holds; an update may ungate it, or make an unschedulable pod schedulable. */
export function update(q: SchedulingQueue, key: string, pod: Pod, now: number): void {
  const qp = q.known.get(key);
  if (!qp) return add(q, key, pod, now);
  qp.pod = pod;
  step(q, qp, { type: "Update", gated: isGated(pod), now }, now);
}

/** The pod is gone (deleted, finished, or bound): forget it. */
export function remove(q: SchedulingQueue, key: string): void {
  const qp = q.known.get(key);
  if (qp) step(q, qp, { type: "Forget" }, 0);
}

/** Pops the next pod to schedule: its scheduling cycle begins. */
export function popNext(q: SchedulingQueue): QueuedPod | undefined {
  const qp = heapPop(q.active, before);
  if (qp) step(q, qp, { type: "Pop" }, 0);
  return qp;
}

/** The number of scheduling attempts the pod has had. */
export function attempts(qp: QueuedPod): number {
  return qp.lifecycle.context.attempts;
}

/** A scheduling attempt failed: the pod waits among the unschedulable for an event that could help. */
export function markUnschedulable(q: SchedulingQueue, qp: QueuedPod, now: number): void {
  step(q, qp, { type: "Unschedulable", now }, now);
}

/** The attempt ended with the pod assumed on a node: the binding cycle begins. */
export function markAssumed(q: SchedulingQueue, qp: QueuedPod, node: string): void {
  step(q, qp, { type: "Assume", node }, 0);
}

/** The binding was written. */
export function markBound(q: SchedulingQueue, key: string): void {
  const qp = q.known.get(key);
  if (qp) step(q, qp, { type: "BindSucceeded" }, 0);
}

/** The binding failed: the assumption is forgotten, the pod backs off and retries. */
export function markBindFailed(q: SchedulingQueue, key: string, pod: Pod, now: number): void {
  const qp = q.known.get(key);
  if (!qp) return;
  qp.pod = pod;
  step(q, qp, { type: "BindFailed", now }, now);
}

/** A cluster event that could make pods fit (node added or changed, a pod deleted): move every unschedulable pod. */
export function moveAllToActiveOrBackoff(q: SchedulingQueue, now: number): void {
  for (const qp of [...q.unschedulable.values()]) step(q, qp, { type: "MoveRequest", now }, now);
}

/** Delivers the `after`s of the pods in `index` that are due by now. */
function deliverDue(q: SchedulingQueue, index: Map<string, QueuedPod>, now: number): void {
  for (const qp of [...index.values()]) {
    const due = qp.timers.find((t) => t.at <= now);
    if (due) step(q, qp, due.event, now);
  }
}

/** flushBackoffQCompleted: pods whose back-off has ended move to activeQ. */
export function flushBackoffCompleted(q: SchedulingQueue, now: number): void {
  deliverDue(q, q.backoff, now);
}

/** flushUnschedulablePodsLeftover: pods unschedulable for 5 minutes go back to try again. */
export function flushUnschedulableLeftover(q: SchedulingQueue, now: number): void {
  deliverDue(q, q.unschedulable, now);
}

/** When the first back-off in backoffQ ends, or undefined when backoffQ is empty. */
export function firstBackoffEnd(q: SchedulingQueue): number | undefined {
  let first: number | undefined;
  for (const qp of q.backoff.values()) for (const t of qp.timers) if (first === undefined || t.at < first) first = t.at;
  return first;
}

export function hasActive(q: SchedulingQueue): boolean {
  return q.active.length > 0;
}
