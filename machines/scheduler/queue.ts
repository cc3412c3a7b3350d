// kube-scheduler's scheduling queue: activeQ (a heap by priority, then the time the pod
// entered the queue), backoffQ (per-pod exponential back-off, 1 s doubling to 10 s), and the
// unschedulable pods that wait for a cluster event that could make them fit (or the 5-minute flush).

import type { Pod } from "kubernetes-types/core/v1";
import { heapPop, heapPush } from "../common/heap.js";

export interface QueuedPod {
  key: string;
  pod: Pod;
  /** when it (re-)entered the queue: the tie-breaker after priority */
  timestamp: number;
  attempts: number;
  /** when its back-off ends */
  backoffUntil: number;
  /** when it was put among the unschedulable */
  unschedulableSince?: number;
}

export interface SchedulingQueue {
  active: QueuedPod[]; // a binary heap
  backoff: Map<string, QueuedPod>;
  unschedulable: Map<string, QueuedPod>;
  /** every pod the queue knows, wherever it is */
  known: Map<string, QueuedPod>;
  inFlight?: string;
}

export const podInitialBackoffMs = 1_000;
export const podMaxBackoffMs = 10_000;
export const podMaxInUnschedulablePodsDurationMs = 5 * 60_000;

/** An empty queue. */
export function newQueue(): SchedulingQueue {
  return { active: [], backoff: new Map(), unschedulable: new Map(), known: new Map() };
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

function push(h: QueuedPod[], x: QueuedPod): void {
  heapPush(h, x, before);
}

function pop(h: QueuedPod[]): QueuedPod | undefined {
  return heapPop(h, before);
}

/** A new unscheduled pod enters activeQ. */
export function add(q: SchedulingQueue, key: string, pod: Pod, now: number): void {
  const existing = q.known.get(key);
  if (existing) {
    existing.pod = pod;
    return;
  }
  const qp: QueuedPod = { key, pod, timestamp: now, attempts: 0, backoffUntil: 0 };
  q.known.set(key, qp);
  push(q.active, qp);
}

/** Updates the pod a queued entry holds; an update to an unschedulable pod may make it schedulable. */
export function update(q: SchedulingQueue, key: string, pod: Pod, now: number): void {
  const qp = q.known.get(key);
  if (!qp) return add(q, key, pod, now);
  qp.pod = pod;
  if (q.unschedulable.has(key)) moveToActiveOrBackoff(q, qp, now);
}

/** The pod is gone (deleted, or bound by someone): forget it. */
export function remove(q: SchedulingQueue, key: string): void {
  const qp = q.known.get(key);
  if (!qp) return;
  q.known.delete(key);
  q.backoff.delete(key);
  q.unschedulable.delete(key);
  const i = q.active.indexOf(qp);
  if (i >= 0) {
    q.active.splice(i, 1);
    // re-heapify: removals are rare (a pod deleted while pending)
    const items = q.active.splice(0);
    for (const it of items) push(q.active, it);
  }
}

/** Pops the next pod to schedule. */
export function popNext(q: SchedulingQueue): QueuedPod | undefined {
  const qp = pop(q.active);
  if (qp) {
    qp.attempts++;
    q.inFlight = qp.key;
  }
  return qp;
}

/** Per-pod back-off: 1 s doubling per failed attempt, at most 10 s. */
export function backoffDuration(attempts: number): number {
  let d = podInitialBackoffMs;
  for (let i = 1; i < attempts; i++) {
    d *= 2;
    if (d >= podMaxBackoffMs) return podMaxBackoffMs;
  }
  return d;
}

/** A scheduling attempt failed: the pod waits among the unschedulable for an event that could help. */
export function markUnschedulable(q: SchedulingQueue, qp: QueuedPod, now: number): void {
  q.inFlight = undefined;
  if (!q.known.has(qp.key)) return;
  qp.backoffUntil = now + backoffDuration(qp.attempts);
  qp.unschedulableSince = now;
  q.unschedulable.set(qp.key, qp);
}

/** A binding failed or an error occurred: back off, then retry. */
export function markBackoff(q: SchedulingQueue, qp: QueuedPod, now: number): void {
  q.inFlight = undefined;
  if (!q.known.has(qp.key)) return;
  qp.backoffUntil = now + backoffDuration(qp.attempts);
  q.backoff.set(qp.key, qp);
}

/** The attempt ended with the pod assumed on a node. */
export function markDone(q: SchedulingQueue, key: string): void {
  q.inFlight = undefined;
  q.known.delete(key);
}

function moveToActiveOrBackoff(q: SchedulingQueue, qp: QueuedPod, now: number): void {
  q.unschedulable.delete(qp.key);
  qp.unschedulableSince = undefined;
  if (qp.backoffUntil > now) q.backoff.set(qp.key, qp);
  else {
    qp.timestamp = now;
    push(q.active, qp);
  }
}

/** A cluster event that could make pods fit (node added or changed, a pod deleted): move every unschedulable pod. */
export function moveAllToActiveOrBackoff(q: SchedulingQueue, now: number): void {
  for (const qp of [...q.unschedulable.values()]) moveToActiveOrBackoff(q, qp, now);
}

/** Moves pods whose back-off has ended into activeQ (flushed every second). */
export function flushBackoffCompleted(q: SchedulingQueue, now: number): void {
  for (const qp of [...q.backoff.values()]) {
    if (qp.backoffUntil <= now) {
      q.backoff.delete(qp.key);
      qp.timestamp = now;
      push(q.active, qp);
    }
  }
}

/** Pods unschedulable for longer than 5 minutes go back to try again. */
export function flushUnschedulableLeftover(q: SchedulingQueue, now: number): void {
  for (const qp of [...q.unschedulable.values()]) {
    if (now - (qp.unschedulableSince ?? now) >= podMaxInUnschedulablePodsDurationMs) moveToActiveOrBackoff(q, qp, now);
  }
}

export function hasActive(q: SchedulingQueue): boolean {
  return q.active.length > 0;
}
