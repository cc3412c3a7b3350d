// The one way a machine's action runs its logic: call a pure-ish step function with an Fx,
// then emit what it asked for (messages, timers) as one `effects` event for the runtime.

import { enqueueActions } from "xstate";
import { Fx } from "./effects.js";

/** A step function over a machine's context: it updates the context and records effects in fx. */
export type Step<C> = (ctx: C, ev: any, fx: Fx) => void;

/** The action builder for a machine whose context is C: `const step = stepOf<Ctx>()`. */
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

/** A step that returns the next context instead of changing it: the input is never mutated. */
export type ValueStep<C> = (ctx: C, ev: any, fx: Fx) => C;

/** The action builder for value steps: the returned context is assigned, the effects emitted. */
export function valueStepOf<C>(): (fn: ValueStep<C>) => any {
  return (fn) =>
    enqueueActions(({ context, event, enqueue }) => {
      const fx = new Fx();
      const next = fn(context as C, event, fx);
      if (next !== context) enqueue.assign(() => next as never);
      if (!fx.empty) enqueue.emit(fx.toEvent() as never);
    });
}
