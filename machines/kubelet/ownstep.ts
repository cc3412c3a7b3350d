// The kubelet's steps as value steps without a draft (machines/common/step.ts valueStepOf): each
// step gets a shallow copy of the context it owns (and of the client, whose fields are persistent
// collections or scalars), then copies the rest only on the path it changes: the worker table and a
// worker at their first change (workertable.ts), a native Map at its first write (ownMap). The
// context it started from is never changed; nothing is proxied, finalized or walked when it ends.

import type { Fx } from "../common/effects.js";
import type { KubeletContext } from "./types.js";

// The context each step in progress started from, by the copy it owns. Keyed by the copy, not kept
// as "the current step": a context a step returned is no key here, so a later step copies it again.
const starts = new WeakMap<KubeletContext, KubeletContext>();

/** The context the step owning `ctx` started from; throws outside a step (the context is a value). */
export function stepStart(ctx: KubeletContext): KubeletContext {
  const start = starts.get(ctx);
  if (start === undefined) throw new Error("the kubelet's context changes only in its step: its context is a value");
  return start;
}

type MapKey = "ops" | "byContainer" | "objectWatches";

/** The Map this step may write: the start's is copied at the first write of the step. */
export function ownMap<K extends MapKey>(ctx: KubeletContext, key: K): KubeletContext[K] {
  const m = ctx[key];
  if (m !== stepStart(ctx)[key]) return m;
  const copy = new Map(m as Map<unknown, unknown>) as KubeletContext[K];
  ctx[key] = copy;
  return copy;
}

/** The same keys holding the same values (the client's too): the step changed nothing. */
function unchanged(a: KubeletContext, b: KubeletContext): boolean {
  for (const k in a) if ((a as unknown as Record<string, unknown>)[k] !== (b as unknown as Record<string, unknown>)[k] && k !== "client") return false;
  const ca = a.client as unknown as Record<string, unknown>;
  const cb = b.client as unknown as Record<string, unknown>;
  for (const k in ca) if (ca[k] !== cb[k]) return false;
  // a key the step added (an optional field set for the first time)
  return Object.keys(a).length === Object.keys(b).length && Object.keys(ca).length === Object.keys(cb).length;
}

/**
 * One kubelet step: `fn` changes a copy the step owns (the event's time in `now` first); the
 * result is the next context, or `ctx` itself when nothing changed. `ctx` is never modified.
 */
export function runKubeletStep(ctx: KubeletContext, ev: unknown, fn: (ctx: KubeletContext, ev: any, fx: Fx) => void, fx: Fx): KubeletContext {
  const next: KubeletContext = { ...ctx, client: { ...ctx.client } };
  const now = (ev as { now?: number } | undefined)?.now;
  if (now !== undefined) next.now = now;
  starts.set(next, ctx);
  try {
    fn(next, ev, fx);
  } finally {
    starts.delete(next);
  }
  return unchanged(next, ctx) ? ctx : next;
}
