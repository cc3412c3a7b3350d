// A lifecycle Kubernetes names (a container, a probe worker, an image pull, a sandbox, a pod's
// place in the scheduling queue ...) is a small XState machine whose states carry those names.
// A component keeps one snapshot per object in its context, as a value, and advances it with
// `step`: XState's own pure transition, with its outputs (`emit`) and its `after` delays handed
// back as data for the component's outbox, never performed here.

import { createActor, type AnyActorRef, type AnyStateMachine, type EventFromLogic, type InputFrom, type SnapshotFrom } from "xstate";
import type { Fx } from "./effects.js";
import { anyMutant } from "./mutation.js";

/** A delayed event the machine asked for (an `after` transition): the runtime's clock fires it. */
export interface LifecycleTimer {
  /** XState's id of the delayed event, unique within one machine instance */
  id: string;
  delayMs: number;
  event: { type: string };
}

/** The result of one step: the next snapshot (a new value), and what the step asked for. */
export interface LifecycleStep<M extends AnyStateMachine> {
  snapshot: SnapshotFrom<M>;
  /** events the machine emitted (`emit(...)`), in order: the component turns them into messages */
  outputs: { type: string; [k: string]: unknown }[];
  timers: LifecycleTimer[];
  /** ids of delayed events to cancel (a state with an `after` was left before it fired) */
  cancels: string[];
}

export interface Lifecycle<M extends AnyStateMachine> {
  readonly machine: M;
  /** The initial snapshot for `input`, with the outputs and timers of entering it. */
  start(input: InputFrom<M>): LifecycleStep<M>;
  /** The next snapshot after `event`; `snapshot` is never modified. */
  step(snapshot: SnapshotFrom<M>, event: EventFromLogic<M>): LifecycleStep<M>;
  /** The snapshot XState's `machine.resolveState` makes of a kept value and context, from a cache per state value. */
  resolve(kept: KeptLifecycle<M>): SnapshotFrom<M>;
}

interface ExecutedAction {
  type: string;
  params?: { event?: { type: string }; delay?: number; id?: string; sendId?: string };
}

/** Distinct inputs (or state values) remembered per machine: past the bound the cache stops growing and steps take XState's full path. */
const cacheEntriesMax = 1024;

/** Distinct steps remembered from one context: a common path meets a handful, an id per instance meets them all. */
export const stepsPerContextMax = 64;

/**
 * A key for an input made only of primitives (or no input): such an input always gives the same
 * initial snapshot, since a lifecycle's context factory reads nothing but its input. Undefined
 * for any other input (objects would need identity, and are rare at start).
 */
function primitiveInputKey(input: unknown): string | undefined {
  if (input === undefined) return "";
  if (input === null || typeof input !== "object") return undefined;
  // only plain objects: a prototype could give the factory fields the key does not see
  const proto = Object.getPrototypeOf(input);
  if (proto !== Object.prototype && proto !== null) return undefined;
  return flatKey(input);
}

/**
 * A key naming a flat object exactly: each own field but `skip`, with its type (-0 and NaN spelled
 * apart from 0 and null: equal keys must mean identical objects). Undefined when a field is not a
 * primitive, or, `timeless`, is a `now` (a key with a time would rarely be met again).
 */
export function flatKey(o: object, skip = "", timeless = false): string | undefined {
  let key = "";
  for (const k of Object.keys(o)) {
    if (k === skip) continue;
    if (timeless && k === "now") return undefined;
    const v = (o as Record<string, unknown>)[k];
    const t = typeof v;
    if (t !== "string" && t !== "number" && t !== "boolean" && t !== "undefined") return undefined;
    const text = t === "undefined" ? "u" : t === "number" ? (Object.is(v, -0) ? "-0" : String(v)) : JSON.stringify(v);
    key += `${JSON.stringify(k)}:${t[0]}${text},`;
  }
  return key;
}

/**
 * The key of a step that may be remembered: the state value and the event's fields, or undefined
 * (a context that is not an object, history or children in the snapshot, an event with a time or
 * a field that is not a primitive, a mutant on).
 */
function rememberedKey(snapshot: unknown, event: { type: string }): string | undefined {
  const s = snapshot as { value: unknown; context: unknown; historyValue?: object; children?: object };
  if (s.context === null || typeof s.context !== "object" || anyMutant()) return undefined;
  if ((s.historyValue !== undefined && Object.keys(s.historyValue).length > 0) || (s.children !== undefined && Object.keys(s.children).length > 0)) return undefined;
  const fields = flatKey(event, "type", true);
  return fields === undefined ? undefined : `${typeof s.value === "string" ? s.value : JSON.stringify(s.value)}\u0000${JSON.stringify(event.type)}\u0000${fields}`;
}

/** A step with lists of its own (a caller may keep or extend them; a remembered step is shared). */
function copied<S extends { outputs: unknown[]; timers: unknown[]; cancels: unknown[] }>(s: S): S {
  return { ...s, outputs: [...s.outputs], timers: [...s.timers], cancels: [...s.cancels] };
}

const inertActors = new WeakMap<AnyStateMachine, { self: AnyActorRef; system: unknown }>();

/**
 * An actor of the machine that is never started, made once per machine: the `self` and `system`
 * of the scope XState's transition() runs a step in without an actor of its own (a lifecycle's
 * step here, a value machine's step in the runtime).
 */
export function inertActorOf(machine: AnyStateMachine): { self: AnyActorRef; system: unknown } {
  let a = inertActors.get(machine);
  if (a === undefined) {
    const self = createActor(machine);
    a = { self, system: (self as unknown as { system: unknown }).system };
    inertActors.set(machine, a);
  }
  return a;
}

/**
 * Wraps a lifecycle machine for pure stepping. One inert actor scope is made per machine and
 * reused: XState's public `transition()` builds an actor on every call (about ten times slower).
 * Only built-in actions are allowed (assign, emit, raise, cancel, enqueueActions): a lifecycle
 * performs nothing itself.
 */
export function lifecycleOf<M extends AnyStateMachine>(machine: M): Lifecycle<M> {
  let sink: ExecutedAction[] = [];
  const { self, system } = inertActorOf(machine);
  const scope = {
    self,
    defer: () => {},
    id: "",
    logger: () => {},
    sessionId: "",
    stopChild: () => {},
    system,
    emit: () => {},
    actionExecutor: (a: ExecutedAction) => void sink.push(a),
  };
  const collect = (snapshot: SnapshotFrom<M>): LifecycleStep<M> => {
    // Frozen at its top (a value, and remembered steps share it): the end of a draft step that
    // keeps it in a context stops there instead of walking the snapshot looking for drafts.
    Object.freeze(snapshot);
    const out: LifecycleStep<M> = { snapshot, outputs: [], timers: [], cancels: [] };
    for (const a of sink) {
      if (a.type === "xstate.emit") out.outputs.push(a.params!.event as LifecycleStep<M>["outputs"][number]);
      else if (a.type === "xstate.raise" && typeof a.params?.delay === "number") out.timers.push({ id: a.params.id!, delayMs: a.params.delay, event: a.params.event! });
      else if (a.type === "xstate.cancel") out.cancels.push(a.params!.sendId!);
      else if (a.type !== "xstate.raise" && a.type !== "xstate.assign") throw new Error(`lifecycle ${machine.id}: action ${a.type} performs something; a lifecycle may only assign, emit, raise and cancel`);
    }
    sink = [];
    return out;
  };
  // Entering a lifecycle for the same primitive input always gives the same step: computed once.
  const starts = new Map<string, LifecycleStep<M>>();
  // resolveState's snapshot depends on the state value alone (its context is the kept one, its
  // history and children empty, its status "done" only in a final state): one per value, with
  // XState's own node order, so the next step is the same as from a fresh resolveState.
  const resolved = new Map<string, SnapshotFrom<M>>();
  // XState's transition is a pure function of the state value, the context and the event: a step
  // taken once from a context (by identity: contexts are values) is remembered and its result
  // shared, so instances on a common path (most pods' workers, pulls, queue entries) hold the same
  // contexts and find their next step here. Only events of flat primitive fields without a time
  // (nearly every timed one would be new), and never while a mutant is on (it may change a guard).
  const remembered = new WeakMap<object, Map<string, LifecycleStep<M>>>();
  return {
    machine,
    start(input) {
      const key = primitiveInputKey(input);
      let s = key === undefined ? undefined : starts.get(key);
      if (s === undefined) {
        sink = [];
        s = collect(machine.getInitialSnapshot(scope as never, input) as SnapshotFrom<M>);
        if (key !== undefined && starts.size < cacheEntriesMax) starts.set(key, s);
      }
      // fresh lists each time: a caller may keep or extend them
      return copied(s);
    },
    step(snapshot, event) {
      const key = rememberedKey(snapshot, event);
      const byKey = key === undefined ? undefined : remembered.get((snapshot as { context: object }).context);
      const known = byKey?.get(key!);
      if (known !== undefined) return copied(known);
      sink = [];
      const s = collect(machine.transition(snapshot as never, event, scope as never) as SnapshotFrom<M>);
      if (key !== undefined) {
        const ctx = (snapshot as { context: object }).context;
        let m = byKey ?? remembered.get(ctx);
        if (m === undefined) remembered.set(ctx, (m = new Map()));
        // bounded per context: a context shared by every instance (a start's) met with events
        // unique to each (a container's id) would otherwise keep one never-met step per instance
        if (m.size < stepsPerContextMax) m.set(key!, copied(s));
      }
      return s;
    },
    resolve(kept) {
      const key = typeof kept.value === "string" ? kept.value : JSON.stringify(kept.value);
      let template = resolved.get(key) as object | undefined;
      if (template === undefined) {
        template = machine.resolveState({ value: kept.value } as never) as object;
        if (resolved.size < cacheEntriesMax) resolved.set(key, template as SnapshotFrom<M>);
      }
      // fresh children and history per snapshot, as resolveState makes them
      return { ...template, context: kept.context || {}, children: {}, historyValue: {} } as SnapshotFrom<M>;
    },
  };
}

/**
 * Hands a step's timers and cancels to a component's outbox: each timer comes back after its delay
 * as `wrap(event)`, under a key made of the instance's key and the timer's id (so two instances,
 * or two `after`s of one instance, never replace each other's timers). Background timers (a
 * steady state, a long back-off) do not keep settle() busy.
 */
export function scheduleLifecycleTimers(fx: Fx, instanceKey: string, step: { timers: LifecycleTimer[]; cancels: string[] }, wrap: (event: { type: string }) => { type: string; [k: string]: unknown }, background = false): void {
  for (const id of step.cancels) fx.cancel(`${instanceKey}|${id}`);
  for (const t of step.timers) fx.after(`${instanceKey}|${t.id}`, t.delayMs, wrap(t.event), background);
}

/** The name of a snapshot's innermost state path, "waiting.crashLoopBackOff" style. */
export function stateName(value: unknown): string {
  if (typeof value === "string") return value;
  const parts: string[] = [];
  let v = value;
  while (v !== null && typeof v === "object") {
    const keys = Object.keys(v);
    if (keys.length !== 1) break;
    parts.push(keys[0]!);
    v = (v as Record<string, unknown>)[keys[0]!];
  }
  if (typeof v === "string") parts.push(v);
  return parts.join(".");
}

/**
 * What a component keeps of a lifecycle in its context: the state value and the lifecycle's
 * context, plain data. XState's snapshot also carries the machine and its state nodes, which a
 * deep copy (the runtime's fork) would duplicate, breaking XState's identity checks; a kept state
 * copies, freezes and hashes like any other value.
 */
export interface KeptLifecycle<M extends AnyStateMachine> {
  readonly value: SnapshotFrom<M>["value"];
  readonly context: SnapshotFrom<M>["context"];
}

/** The kept part of a snapshot. */
export function keep<M extends AnyStateMachine>(snapshot: SnapshotFrom<M>): KeptLifecycle<M> {
  const s = snapshot as unknown as KeptLifecycle<M>;
  return { value: s.value, context: s.context };
}

/** Steps a kept lifecycle: the snapshot is resolved from its value and context, then stepped. */
export function stepKept<M extends AnyStateMachine>(lc: Lifecycle<M>, kept: KeptLifecycle<M>, event: EventFromLogic<M>): LifecycleStep<M> {
  return lc.step(lc.resolve(kept), event);
}
