// kube-scheduler's scheduling queue: one pod-queue lifecycle per pod (queue.machine.ts says which
// queue a pod is in: gated, activeQ, backoffQ, unschedulablePods, or assumed while binding), and
// the data structures that order and index them: activeQ is a heap by priority, then the time the
// pod entered it; backoffQ and unschedulablePods are indexes of the pods in those states. The
// lifecycles' `after`s are kept as data (when each is due) and delivered by the flushes.
//
// The queue is a value: its collections are persistent (immutable.js, a persistent heap) and a
// QueuedPod is replaced, never changed. The functions below replace the queue's fields, so they
// run on a draft of the scheduler's context (or on a queue of one's own).

import type { Node, Pod } from "kubernetes-types/core/v1";
import { Map as IMap, Set as ISet } from "immutable";
import { anyMutant, mutant } from "../common/mutation.js";
import { deepEqual } from "../common/equal.js";
import { flatKey, keep, lifecycleOf, stateName, stepKept, type KeptLifecycle } from "../common/lifecycle.js";
import { podQueueMachine, type PodQueueEvent } from "./queue.machine.js";
import { isSchedulableAfterNodeChange as interPodAffinityNodeHint, isSchedulableAfterPodChange as interPodAffinityHint } from "./plugins/InterPodAffinity/index.js";
import { isSchedulableAfterNodeChange as nodeAffinityHint } from "./plugins/NodeAffinity/index.js";
import { isSchedulableAfterPodDeleted as nodePortsHint } from "./plugins/NodePorts/index.js";
import { isSchedulableAfterNodeChange as nodeResourcesFitHint } from "./plugins/NodeResourcesFit/index.js";
import { isSchedulableAfterNodeChange as nodeUnschedulableHint, isSchedulableAfterPodTolerationChange as nodeUnschedulablePodHint } from "./plugins/NodeUnschedulable/index.js";
import { isSchedulableAfterNodeChange as taintTolerationHint } from "./plugins/TaintToleration/index.js";
import { isSchedulableAfterPodDeleted as volumeRestrictionsHint } from "./plugins/VolumeRestrictions/index.js";
import { isSchedulableAfterNodeChange as podTopologySpreadNodeHint, isSchedulableAfterNodeDelete as podTopologySpreadNodeDeleteHint, isSchedulableAfterPodChange as podTopologySpreadHint } from "./plugins/PodTopologySpread/index.js";
import { type Heap, heapInsert, heapOf, heapPeek, heapRest, heapSize } from "./pheap.js";

export { backoffDuration, podInitialBackoffMs, podMaxBackoffMs, podMaxInUnschedulablePodsDurationMs } from "./queue.machine.js";

export interface QueuedPod {
  readonly key: string;
  readonly pod: Pod;
  /** when it (re-)entered activeQ: the tie-breaker after priority */
  readonly timestamp: number;
  /** where it is (queue.machine.ts), with its attempts, back-off end and assumed node */
  readonly lifecycle: KeptLifecycle<typeof podQueueMachine>;
  /** the lifecycle's pending `after`s, each with the time it is due */
  readonly timers: ReadonlyArray<{ id: string; at: number; event: { type: string } }>;
  /** the number of its entry in the activeQ heap, from the last time it entered activeQ */
  readonly activeSeq: number;
  /** the plugins that rejected it in its last attempt (UnschedulablePlugins): which cluster events may help it */
  readonly rejectors?: readonly string[];
}

/** An entry of the activeQ heap: what PrioritySort orders by, and which entry of the pod it is. */
export interface ActiveEntry {
  readonly key: string;
  readonly priority: number;
  readonly timestamp: number;
  readonly seq: number;
}

export interface SchedulingQueue {
  /**
   * activeQ as a heap. A pod that leaves activeQ other than by being popped (deleted while
   * pending) leaves its entry behind: an entry counts only while its pod is in activeQ with that
   * entry's seq, and the others are dropped when they reach the top.
   */
  active: Heap<ActiveEntry>;
  /** how many pods are in activeQ (the heap may hold more entries than that) */
  activeCount: number;
  /** the seq of the next activeQ entry */
  nextSeq: number;
  /** the pods in backoffQ (an index of the lifecycles in that state) */
  backoff: ISet<string>;
  /** the pods in unschedulablePods (an index of the lifecycles in that state) */
  unschedulable: ISet<string>;
  /** every pod the queue holds a lifecycle for, wherever it is (assumed pods included) */
  known: IMap<string, QueuedPod>;
}

const lifecycle = lifecycleOf(podQueueMachine);

/** An empty queue. */
export function newQueue(): SchedulingQueue {
  return { active: null, activeCount: 0, nextSeq: 0, backoff: ISet(), unschedulable: ISet(), known: IMap() };
}

/** The top-level state of a pod's lifecycle ("activeQ", "backoffQ", "assumed" ...). */
export function queueState(qp: QueuedPod): string {
  const v: unknown = qp.lifecycle.value;
  if (typeof v === "string") return v.includes(".") ? v.split(".")[0]! : v;
  // kept values are shared and never changed (stepByShape hands out the same one): named once each
  let top = topStateOf.get(v as object);
  if (top === undefined) topStateOf.set(v as object, (top = stateName(v).split(".")[0]!));
  return top;
}
const topStateOf = new WeakMap<object, string>();

/** The node a pod is assumed on while its binding is in flight (or bound but not yet confirmed). */
export function assumedNode(q: SchedulingQueue, key: string): string | undefined {
  const qp = q.known.get(key);
  return qp !== undefined && queueState(qp) === "assumed" ? qp.lifecycle.context.node : undefined;
}

/** True while the pod is in activeQ. */
export function inActiveQ(q: SchedulingQueue, key: string): boolean {
  const qp = q.known.get(key);
  return qp !== undefined && queueState(qp) === "activeQ";
}

/** PrioritySort's Less: higher priority first, then earlier timestamp (then key, then entry, for a total order). */
function before(a: ActiveEntry, b: ActiveEntry): boolean {
  // the mutant orders activeQ first in, first out, whatever the pods' priorities
  if (a.priority !== b.priority && !mutant("scheduler.queue-ignores-priority")) return a.priority > b.priority;
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp;
  if (a.key !== b.key) return a.key < b.key;
  return a.seq < b.seq;
}

/** True when the entry is its pod's place in activeQ (not one left behind). */
function live(q: SchedulingQueue, e: ActiveEntry): QueuedPod | undefined {
  const qp = q.known.get(e.key);
  return qp !== undefined && qp.activeSeq === e.seq && queueState(qp) === "activeQ" ? qp : undefined;
}

type Kept = KeptLifecycle<typeof podQueueMachine>;

/** What a lifecycle step gives the queue: the next kept state, and the `after`s it starts and cancels. */
interface Stepped {
  readonly lifecycle: Kept;
  readonly timers: ReadonlyArray<{ id: string; delayMs: number; event: { type: string } }>;
  readonly cancels: readonly string[];
}

/**
 * Every pod takes the same few steps (Add, Pop, Assume, BindSucceeded, Forget), which the
 * lifecycle remembers per context (lifecycle.ts). From Assume on, a pod's kept state holds its
 * node, so those steps are rarely shared (each node its own). The lifecycle never looks at that node (no guard, delay or action reads it;
 * recordNode copies it from the event): a step is the same for every node, so it is remembered
 * once with the node replaced by a placeholder, keyed by the state's value, its context and the
 * event, and the pod's node is put back in the result.
 */
const nodePlaceholder = "\u0000node";
const byShape = new Map<string, Stepped>();
const byShapeMax = 4096;

/** The step with the node abstracted (see byShape), or undefined when it does not apply. */
function stepByShape(kept: Kept, event: { type: string; node?: unknown }): Stepped | undefined {
  if (anyMutant()) return undefined;
  const held = kept.context.node;
  const given = event.node;
  const node = given ?? held;
  // one node at most: from the event (Assume), or the one the pod is assumed on
  if (typeof node !== "string" || (held !== undefined && held !== node)) return undefined;
  const absEvent = given === undefined ? event : { ...event, node: nodePlaceholder };
  const absContext = held === undefined ? kept.context : { ...kept.context, node: nodePlaceholder };
  const evKey = flatKey(absEvent, "", true);
  const ctxKey = evKey === undefined ? undefined : flatKey(absContext, "", true);
  if (ctxKey === undefined) return undefined;
  const key = `${typeof kept.value === "string" ? kept.value : JSON.stringify(kept.value)}#${ctxKey}#${evKey}`;
  let shape = byShape.get(key);
  if (shape === undefined) {
    const s = stepKept(lifecycle, { value: kept.value, context: absContext }, absEvent as PodQueueEvent);
    shape = { lifecycle: keep(s.snapshot), timers: s.timers, cancels: s.cancels };
    // bounded: keys after a failed attempt hold its back-off's end, a new one per failure
    if (byShape.size >= byShapeMax) byShape.clear();
    byShape.set(key, shape);
  }
  if (shape.lifecycle.context.node !== nodePlaceholder) return shape;
  return { lifecycle: { value: shape.lifecycle.value, context: { ...shape.lifecycle.context, node } }, timers: shape.timers, cancels: shape.cancels };
}

/** The lifecycle's step for the event: the node-abstracted one when it applies, else the lifecycle's own (remembered per context). */
function stepLifecycle(kept: Kept, event: PodQueueEvent | { type: string }): Stepped {
  const shaped = stepByShape(kept, event);
  if (shaped !== undefined) return shaped;
  const s = stepKept(lifecycle, kept, event as PodQueueEvent);
  return { lifecycle: keep(s.snapshot), timers: s.timers, cancels: s.cancels };
}

/** The kept state every pod starts from (shared, so that the steps from it are remembered once). */
const unqueued: Kept = keep(lifecycle.start(undefined).snapshot);

/** Steps a pod's lifecycle and keeps the heap, the indexes and the pending `after`s in line with its state; returns the pod's new entry. */
function step(q: SchedulingQueue, qp: QueuedPod, event: PodQueueEvent | { type: string }, now: number): QueuedPod {
  const was = queueState(qp);
  const s = stepLifecycle(qp.lifecycle, event);
  let timers = qp.timers;
  if (s.cancels.length > 0) timers = timers.filter((t) => !s.cancels.includes(t.id));
  for (const t of s.timers) timers = [...timers.filter((x) => x.id !== t.id), { id: t.id, at: now + t.delayMs, event: t.event }];
  let next: QueuedPod = { key: qp.key, pod: qp.pod, timestamp: qp.timestamp, lifecycle: s.lifecycle, timers, activeSeq: qp.activeSeq, ...(qp.rejectors !== undefined ? { rejectors: qp.rejectors } : {}) };
  const is = queueState(next);
  if (is !== was) {
    if (was === "backoffQ") q.backoff = q.backoff.delete(qp.key);
    if (was === "unschedulablePods") q.unschedulable = q.unschedulable.delete(qp.key);
    if (was === "activeQ") q.activeCount--;
    if (is === "backoffQ") q.backoff = q.backoff.add(qp.key);
    if (is === "unschedulablePods") q.unschedulable = q.unschedulable.add(qp.key);
    if (is === "activeQ") {
      next = { ...next, timestamp: now, activeSeq: q.nextSeq++ };
      q.active = heapInsert(q.active, { key: qp.key, priority: priority(qp.pod), timestamp: now, seq: next.activeSeq }, before);
      q.activeCount++;
    }
  }
  q.known = is === "forgotten" ? q.known.delete(qp.key) : q.known.set(qp.key, next);
  if (was === "activeQ" && is !== "scheduling") dropLeftEntries(q);
  return next;
}

/** After a pod left activeQ without being popped: entries left behind may not outnumber live ones by much. */
function dropLeftEntries(q: SchedulingQueue): void {
  if (q.activeCount === 0) q.active = null;
  else if (heapSize(q.active) > 2 * q.activeCount + 64) {
    const entries: ActiveEntry[] = [];
    for (let h = q.active; h !== null; h = heapRest(h, before)) if (live(q, h.item)) entries.push(h.item);
    q.active = heapOf(entries, before);
  }
}

const priority = (p: Pod) => p.spec?.priority ?? 0;

// the mutant reads the gates as the PodSchedulingReadiness gate off would: a gated pod is scheduled
const isGated = (pod: Pod) => (pod.spec?.schedulingGates ?? []).length > 0 && !mutant("scheduler.scheduling-gates-ignored");

/** A new unscheduled pod enters activeQ, or waits gated while it has schedulingGates. */
export function add(q: SchedulingQueue, key: string, pod: Pod, now: number): void {
  const existing = q.known.get(key);
  if (existing) {
    q.known = q.known.set(key, { ...existing, pod });
    return;
  }
  const qp: QueuedPod = { key, pod, timestamp: now, lifecycle: unqueued, timers: [], activeSeq: -1 };
  step(q, qp, { type: "Add", gated: isGated(pod) }, now);
}

/** Updates the pod a queued entry holds; an update may ungate it, or make an unschedulable pod schedulable. */
export function update(q: SchedulingQueue, key: string, pod: Pod, now: number): void {
  const qp = q.known.get(key);
  if (!qp) return add(q, key, pod, now);
  // isPodUpdated: a write of its status (the scheduler's own PodScheduled=False) changes nothing
  // scheduling reads. With QueueingHints an unschedulable pod's own update moves it only when a
  // plugin that rejected it registered what changed and its hint says the change may help.
  const moves = podUpdated(qp.pod, pod)
    && (queueState(qp) !== "unschedulablePods" || worthRequeuing(qp.rejectors, unscheduledPodEvents(qp.pod, pod), pod, { pod: { old: qp.pod, cur: pod } }));
  if (moves) step(q, { ...qp, pod }, { type: "Update", gated: isGated(pod), now }, now);
  else q.known = q.known.set(key, { ...qp, pod });
}

/**
 * PodSchedulingPropertiesChange for an unscheduled pod: its labels or its tolerations (which can
 * only be added) changed, else some other update, which no default plugin registers.
 */
export function unscheduledPodEvents(old: Pod, cur: Pod): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  if (!deepEqual(old.metadata?.labels ?? {}, cur.metadata?.labels ?? {})) out.push("UnscheduledPodLabel");
  if (!deepEqual(old.spec?.tolerations ?? [], cur.spec?.tolerations ?? [])) out.push("UnscheduledPodTolerations");
  return out.length > 0 ? out : ["UnscheduledPodOther"];
}

/** isPodUpdated: the pod differs in more than its status, resourceVersion, generation, managedFields and finalizers. */
function podUpdated(a: Pod, b: Pod): boolean {
  if (!deepEqual(a.spec, b.spec)) return true;
  const { resourceVersion: _r1, generation: _g1, managedFields: _m1, finalizers: _f1, ...ma } = a.metadata ?? {};
  const { resourceVersion: _r2, generation: _g2, managedFields: _m2, finalizers: _f2, ...mb } = b.metadata ?? {};
  return !deepEqual(ma, mb);
}

/** The pod is gone (deleted, finished, or bound): forget it. */
export function remove(q: SchedulingQueue, key: string): void {
  const qp = q.known.get(key);
  if (qp) step(q, qp, { type: "Forget" }, 0);
}

/** Pops the next pod to schedule: its scheduling cycle begins. */
export function popNext(q: SchedulingQueue): QueuedPod | undefined {
  while (q.active !== null) {
    const e = heapPeek(q.active)!;
    q.active = heapRest(q.active, before);
    const qp = live(q, e);
    if (qp) return step(q, qp, { type: "Pop" }, 0);
  }
  return undefined;
}

/** The number of scheduling attempts the pod has had. */
export function attempts(qp: QueuedPod): number {
  return qp.lifecycle.context.attempts;
}

/** Steps the queue's current entry for the pod, if it still has one. */
function stepKey(q: SchedulingQueue, key: string, event: PodQueueEvent, now: number): void {
  const qp = q.known.get(key);
  if (qp) step(q, qp, event, now);
}

/** A scheduling attempt failed: the pod waits among the unschedulable for an event that could help one of the plugins that rejected it. */
export function markUnschedulable(q: SchedulingQueue, qp: QueuedPod, now: number, rejectors: readonly string[]): void {
  const cur = q.known.get(qp.key);
  if (cur) step(q, { ...cur, rejectors }, { type: "Unschedulable", now }, now);
}

/** The attempt ended with the pod assumed on a node: the binding cycle begins. */
export function markAssumed(q: SchedulingQueue, qp: QueuedPod, node: string): void {
  stepKey(q, qp.key, { type: "Assume", node }, 0);
}

/** The binding was written. */
export function markBound(q: SchedulingQueue, key: string): void {
  stepKey(q, key, { type: "BindSucceeded" }, 0);
}

/** The binding failed: the assumption is forgotten, the pod backs off and retries. */
export function markBindFailed(q: SchedulingQueue, key: string, pod: Pod, now: number): void {
  const qp = q.known.get(key);
  if (!qp) return;
  step(q, { ...qp, pod }, { type: "BindFailed", now }, now);
}

/**
 * The cluster events the scheduler's informers tell apart (framework.ClusterEvent: a resource and
 * what changed; a node update by nodeSchedulingPropertiesChange).
 */
export type ClusterEvent =
  | "NodeAdd" | "NodeLabel" | "NodeTaint" | "NodeAllocatable" | "NodeCondition" | "NodeAnnotation" | "NodeDelete"
  | "AssignedPodAdd" | "AssignedPodLabel" | "AssignedPodDelete" | "Volume"
  | "UnscheduledPodLabel" | "UnscheduledPodTolerations" | "UnscheduledPodOther";

/**
 * What an event changed, for the plugins' QueueingHints: the pod an AssignedPod or UnscheduledPod
 * event is about (`old` before an update or deletion, `cur` after an add or update), or the node
 * added, updated (`cur`) or deleted (`old` only).
 */
export type Change = { readonly pod: { readonly old?: Pod; readonly cur?: Pod } } | { readonly node: { readonly old?: Node; readonly cur?: Node } };

/**
 * Each Filter plugin's EventsToRegister (kube-scheduler 1.35 with QueueingHints, the events that can
 * make a pod it rejected schedulable): a pod waits for one of its rejectors' events. A plugin not
 * listed (none rejected it: no nodes, an error) waits for any event.
 */
const eventsToRegister: ReadonlyMap<string, ReadonlySet<ClusterEvent>> = new Map<string, ReadonlySet<ClusterEvent>>([
  ["NodeName", new Set<ClusterEvent>(["NodeAdd"])],
  ["NodeAffinity", new Set<ClusterEvent>(["NodeAdd", "NodeLabel"])],
  ["NodeUnschedulable", new Set<ClusterEvent>(["NodeAdd", "NodeTaint", "UnscheduledPodTolerations"])],
  ["TaintToleration", new Set<ClusterEvent>(["NodeAdd", "NodeTaint", "NodeLabel", "UnscheduledPodTolerations"])],
  // pods' ports are immutable: only a deletion frees one
  ["NodePorts", new Set<ClusterEvent>(["AssignedPodDelete", "NodeAdd"])],
  // no in-place resize here, so no UpdatePodScaleDown: a deletion or more allocatable
  ["NodeResourcesFit", new Set<ClusterEvent>(["AssignedPodDelete", "NodeAdd", "NodeAllocatable"])],
  // the one default Filter plugin that registers a node's deletion: a domain can go with it
  ["PodTopologySpread", new Set<ClusterEvent>(["AssignedPodAdd", "AssignedPodLabel", "AssignedPodDelete", "NodeAdd", "NodeDelete", "NodeLabel", "NodeTaint", "UnscheduledPodLabel", "UnscheduledPodTolerations"])],
  ["InterPodAffinity", new Set<ClusterEvent>(["AssignedPodAdd", "AssignedPodLabel", "AssignedPodDelete", "NodeAdd", "NodeLabel", "UnscheduledPodLabel"])],
  // a deleted pod frees its ReadWriteOncePod claim; a claim's creation (Volume, coarser here) lets the pod's access modes be read
  ["VolumeRestrictions", new Set<ClusterEvent>(["AssignedPodDelete", "NodeAdd", "Volume"])],
  ["VolumeBinding", new Set<ClusterEvent>(["Volume", "NodeAdd", "NodeLabel", "NodeTaint"])],
]);

/**
 * The QueueingHint functions (kube-scheduler 1.35): for these plugins a scheduled pod's add,
 * relabelling or deletion helps only a waiting pod whose terms, constraints or host ports it bears
 * on, and a node's add or update only a pod it now admits and did not before. NodeResourcesFit's
 * pod hint queues on any scheduled pod's deletion, which is all AssignedPodDelete is; NodeName's and
 * VolumeBinding's events have no hint here: every registered one requeues.
 */
const podChangeHints: ReadonlyMap<string, (pod: Pod, old: Pod | undefined, cur: Pod | undefined) => boolean> = new Map([
  ["InterPodAffinity", interPodAffinityHint],
  ["PodTopologySpread", podTopologySpreadHint],
  // NodePorts registers deletions only: `old` is the deleted pod
  ["NodePorts", (pod: Pod, old: Pod | undefined) => old !== undefined && nodePortsHint(pod, old)],
  // VolumeRestrictions registers deletions only, likewise
  ["VolumeRestrictions", (pod: Pod, old: Pod | undefined) => old !== undefined && volumeRestrictionsHint(pod, old)],
  // NodeUnschedulable registers the waiting pod's own tolerations only
  ["NodeUnschedulable", (pod: Pod, _old: Pod | undefined, cur: Pod | undefined) => cur !== undefined && nodeUnschedulablePodHint(pod, cur)],
]);
const nodeChangeHints: ReadonlyMap<string, (pod: Pod, old: Node | undefined, cur: Node) => boolean> = new Map([
  ["NodeAffinity", nodeAffinityHint],
  ["TaintToleration", taintTolerationHint],
  ["NodeUnschedulable", nodeUnschedulableHint],
  ["NodeResourcesFit", nodeResourcesFitHint],
  ["InterPodAffinity", interPodAffinityNodeHint],
  ["PodTopologySpread", podTopologySpreadNodeHint],
]);

const nodeDeleteHints: ReadonlyMap<string, (pod: Pod, old: Node) => boolean> = new Map([["PodTopologySpread", podTopologySpreadNodeDeleteHint]]);

function hintSays(plugin: string, pod: Pod, change: Change): boolean {
  if ("pod" in change) {
    const hint = podChangeHints.get(plugin);
    return hint === undefined || hint(pod, change.pod.old, change.pod.cur);
  }
  const { old, cur } = change.node;
  if (cur === undefined) {
    const onDelete = nodeDeleteHints.get(plugin);
    return onDelete === undefined || old === undefined || onDelete(pod, old);
  }
  const hint = nodeChangeHints.get(plugin);
  return hint === undefined || hint(pod, old, cur);
}

/**
 * isPodWorthRequeuing: some plugin that rejected the pod registered one of the events and, for a
 * pod event with a hint, its hint says the change may make the pod schedulable.
 */
export function worthRequeuing(rejectors: readonly string[] | undefined, events: readonly ClusterEvent[], pod?: Pod, change?: Change): boolean {
  if (rejectors === undefined || rejectors.length === 0) return true;
  return rejectors.some((p) => {
    const registered = eventsToRegister.get(p);
    if (registered !== undefined && !events.some((e) => registered.has(e))) return false;
    return change === undefined || pod === undefined || hintSays(p, pod, change);
  });
}

/** A cluster event (node added or changed, a pod scheduled, relabelled or deleted, a volume): move the unschedulable pods it may help. */
export function moveAllToActiveOrBackoff(q: SchedulingQueue, now: number, events: readonly ClusterEvent[], change?: Change): void {
  if (events.length === 0) return;
  // the index as it was: stepping replaces q.unschedulable, never this one
  for (const key of q.unschedulable) {
    const qp = q.known.get(key);
    if (qp && worthRequeuing(qp.rejectors, events, qp.pod, change)) step(q, qp, { type: "MoveRequest", now }, now);
  }
}

/** Delivers the `after`s of the pods in `index` that are due by now. */
function deliverDue(q: SchedulingQueue, index: ISet<string>, now: number): void {
  for (const key of index) {
    const qp = q.known.get(key);
    const due = qp?.timers.find((t) => t.at <= now);
    if (qp && due) step(q, qp, due.event, now);
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
  for (const key of q.backoff) for (const t of q.known.get(key)!.timers) if (first === undefined || t.at < first) first = t.at;
  return first;
}

export function hasActive(q: SchedulingQueue): boolean {
  return q.activeCount > 0;
}
