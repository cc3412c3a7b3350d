// The one way a machine's action runs its logic: a step function gets the context and an Fx, and
// what it asked for (messages, timers) is emitted as one `effects` event for the runtime.
//
// Contexts are values: a draft step (draftStepOf) changes a mutative draft of the context and the
// next context is a new value that shares what did not change; the snapshot it started from is
// never touched, so XState's pure transition and O(1) forks work on it. A value step
// (valueStepOf) returns the next context itself. stepOf, which changes the context in place, is
// what components not yet converted still use.

import { enqueueActions } from "xstate";
import { create, current, isDraft } from "mutative";
import { Fx } from "./effects.js";

/** A step function over a machine's context: it updates the context (a draft) and records effects in fx. */
export type Step<C> = (ctx: C, ev: any, fx: Fx) => void;

/** The action builder for a machine whose context is C, changed in place (not yet a value). */
export function stepOf<C>(): (fn: Step<C>) => any {
  return (fn) =>
    enqueueActions(({ context, event, enqueue }) => {
      const fx = new Fx();
      fn(context as C, event, fx);
      if (!fx.empty) enqueue.emit(fx.toEvent() as never);
    });
}

/** Like stepOf, for machines that keep the time of the event they are handling in `ctx.now`. */
export function timedStepOf<C extends { now: number }>(): (fn: Step<C>) => any {
  return (fn) =>
    enqueueActions(({ context, event, enqueue }) => {
      const fx = new Fx();
      const ctx = context as C;
      const now = (event as { now?: number }).now;
      if (now !== undefined) ctx.now = now;
      fn(ctx, event, fx);
      if (!fx.empty) enqueue.emit(fx.toEvent() as never);
    });
}

// The context the last draft or value step returned. When a later action of the same transition
// throws, the runtime resumes the actor from it (runtime.ts resume): the steps that completed keep
// their effect on the context, as they do on a context changed in place, and the request in hand
// is the one the machine is told failed.
// Kept as a flag and a value, not a record per step: the record is made only when asked for
// (after a fault), and a step allocates nothing for it.
let stepped = false;
let lastContext: unknown;

/** Forgets the context the last step returned (the runtime calls it before it delivers an event). */
export function forgetLastStep(): void {
  stepped = false;
  lastContext = undefined;
}

/** The context the last draft or value step returned since forgetLastStep, if one ran. */
export function lastStepContext(): { context: unknown } | undefined {
  return stepped ? { context: lastContext } : undefined;
}

/** Remembers the context a step returned, for lastStepContext. */
function rememberStep(next: unknown): void {
  stepped = true;
  lastContext = next;
}

/** Copies drafts out of what leaves a step: a message must not hold a proxy revoked when the step ends. */
function undraft(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== "object" || depth > 64) return v;
  if (isDraft(v)) return current(v as object);
  // A frozen value was made before the step (a stored object, a message): it holds no draft.
  if (Object.isFrozen(v)) return v;
  // scalars are skipped before the call, keys read by for-in (no array per object): message
  // bodies of a hundred addresses are walked in half the time
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x0: unknown = v[i];
      if (x0 === null || typeof x0 !== "object") continue;
      const x = undraft(x0, depth + 1);
      if (x !== x0) (out ??= v.slice())[i] = x;
    }
    return out ?? v;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  let out: Record<string, unknown> | undefined;
  // own keys only: a plain object's prototype (Object.prototype or none) has no enumerable keys
  for (const k in v) {
    const x0 = (v as Record<string, unknown>)[k];
    if (x0 === null || typeof x0 !== "object") continue;
    const x = undraft(x0, depth + 1);
    // the spread copies an own "__proto__" as an own key, so this assignment sets that key
    if (x !== x0) (out ??= { ...(v as Record<string, unknown>) })[k] = x;
  }
  return out ?? v;
}

/** What a draft holds now, as a plain value (for a cache or an XState snapshot); anything else as it is. */
export function currentOf<T>(x: T): T {
  return isDraft(x) ? (current(x as object) as T) : x;
}

/**
 * A value with every draft inside it (in plain objects and arrays) replaced by its current copy:
 * what a step puts into a persistent collection (immutable.js), which mutative does not finalize.
 */
export function plainOf<T>(v: T): T {
  return undraft(v, 0) as T;
}

/**
 * One step on a value context: `fn` changes a draft, the result is the next context (the same
 * object when nothing changed) and `ctx` is never modified. Effects leave the step as plain values.
 */
export function runDraftStep<C>(ctx: C, ev: unknown, fn: Step<C>, fx: Fx): C {
  return create(ctx as object, (draft) => {
    fn(draft as C, ev, fx);
    for (const s of fx.sends) s.msg = undraft(s.msg, 0) as typeof s.msg;
    for (const t of fx.timers) t.event = undraft(t.event, 0) as typeof t.event;
  }) as C;
}

/** The action builder for a machine whose context is a value, changed through a draft. */
export function draftStepOf<C>(): (fn: Step<C>) => any {
  return (fn) =>
    tagStep(enqueueActions(({ context, event, enqueue }) => {
      const fx = new Fx();
      const next = runDraftStep(context as C, event, fn, fx);
      rememberStep(next);
      if (next !== context) enqueue.assign(() => next as never);
      if (!fx.empty) enqueue.emit(fx.toEvent() as never);
    }), (c: C, e: unknown, fx: Fx) => runDraftStep(c, e, fn, fx));
}

/** Like draftStepOf, for machines that keep the time of the event they are handling in `ctx.now`. */
export function timedDraftStepOf<C extends { now: number }>(): (fn: Step<C>) => any {
  return (fn) =>
    draftStepOf<C>()((ctx, ev, fx) => {
      const now = (ev as { now?: number }).now;
      if (now !== undefined && ctx.now !== now) ctx.now = now;
      fn(ctx, ev, fx);
    });
}

/** A step that returns the next context instead of changing it: the input is never mutated. */
export type ValueStep<C> = (ctx: C, ev: any, fx: Fx) => C;

/** The action builder for value steps: the returned context is assigned, the effects emitted. */
export function valueStepOf<C>(): (fn: ValueStep<C>) => any {
  return (fn) =>
    tagStep(enqueueActions(({ context, event, enqueue }) => {
      const fx = new Fx();
      const next = fn(context as C, event, fx);
      rememberStep(next);
      if (next !== context) enqueue.assign(() => next as never);
      if (!fx.empty) enqueue.emit(fx.toEvent() as never);
    }), fn);
}

// The fast path (runtime/fastpath.ts) runs a step action without XState's interpreter: each draft
// or value step action is tagged with the function that computes its next context, which is what
// its enqueueActions body runs (the body then assigns that context and emits the effects).
const stepRuns = new WeakMap<object, (ctx: any, ev: unknown, fx: Fx) => unknown>();

function tagStep<A extends object, C>(action: A, run: (ctx: C, ev: any, fx: Fx) => C): A {
  stepRuns.set(action, run as (ctx: any, ev: unknown, fx: Fx) => unknown);
  return action;
}

/** The next-context function behind a draft or value step action, or undefined for any other action. */
export function stepRunOf(action: unknown): ((ctx: any, ev: unknown, fx: Fx) => unknown) | undefined {
  return typeof action === "function" || (typeof action === "object" && action !== null) ? stepRuns.get(action as object) : undefined;
}

/** Runs a tagged step as its action does: the next context, remembered for the runtime's resume. */
export function runTaggedStep(run: (ctx: any, ev: unknown, fx: Fx) => unknown, ctx: unknown, ev: unknown, fx: Fx): unknown {
  const next = run(ctx, ev, fx);
  rememberStep(next);
  return next;
}
