// The kubelet's pod workers by pod UID, kept out of the draft of a draft step (machines/common/step.ts).
// mutative drafts a Map and every worker read through it: a proxy per worker and field, a copy of
// the Map at the first change, and a walk of every changed worker when the step ends. A table is a
// class instance instead, which mutative does not draft: a step copies the table (a list of a few
// dozen workers) once, at its first change, and each worker it changes once (podworkers.ts workerOf);
// the snapshot it started from is never touched.

import { isDraft, original } from "mutative";
import type { KubeletContext, PodWorker } from "./types.js";

/**
 * The pod workers, read like a ReadonlyMap (in insertion order); changed only through setWorker and
 * deleteWorker. A list in insertion order and an index of positions by UID: a step copies the list
 * (a copy of a few dozen pointers, where a Map's copy rehashes every entry) and shares the index
 * until it adds or removes a worker.
 */
export class WorkerTable {
  /** @internal the workers in insertion order: changed in place only by the step that made this table */
  readonly list: PodWorker[];
  /** @internal UID -> position in list, in the list's order: shared with the table copied, replaced (never changed) once shared */
  index: Map<string, number>;

  constructor(list: PodWorker[] = [], index: Map<string, number> = new Map(list.map((w, i) => [w.uid, i]))) {
    this.list = list;
    this.index = index;
  }

  get size(): number {
    return this.list.length;
  }

  get(uid: string): PodWorker | undefined {
    const i = this.index.get(uid);
    return i === undefined ? undefined : this.list[i];
  }

  has(uid: string): boolean {
    return this.index.has(uid);
  }

  keys(): IterableIterator<string> {
    return this.index.keys();
  }

  values(): IterableIterator<PodWorker> {
    return this.list.values();
  }

  *entries(): IterableIterator<[string, PodWorker]> {
    for (const w of this.list) yield [w.uid, w];
  }

  [Symbol.iterator](): IterableIterator<[string, PodWorker]> {
    return this.entries();
  }

  /** JSON (and the explorer's state hash) see a Map, as when the workers were one. */
  toJSON(): ReadonlyMap<string, PodWorker> {
    return new Map(this.entries());
  }
}

/** The table the step started from: the workers change only in a draft step (contexts are values). */
function startTable(ctx: KubeletContext): WorkerTable {
  if (!isDraft(ctx)) throw new Error("the kubelet's pod workers change only in a draft step: its context is a value");
  return (original(ctx) as KubeletContext).workers;
}

/** The table this step may change: the step's start is copied at its first change (its index shared). */
function ownTable(ctx: KubeletContext): WorkerTable {
  const start = startTable(ctx);
  if (ctx.workers === start) ctx.workers = new WorkerTable(start.list.slice(), start.index);
  return ctx.workers;
}

/**
 * The pod's worker for this step to change: one made or copied by this step as it is; a kept one
 * (the step's start holds it) replaced by copy(w) in the table first.
 */
export function ownWorker(ctx: KubeletContext, uid: string, copy: (w: PodWorker) => PodWorker): PodWorker | undefined {
  const w = ctx.workers.get(uid);
  if (w === undefined || startTable(ctx).get(uid) !== w) return w;
  const c = copy(w);
  setWorker(ctx, c);
  return c;
}

/** Puts a worker made or copied in this step into the table (a new UID goes last, as in a Map). */
export function setWorker(ctx: KubeletContext, w: PodWorker): void {
  const t = ownTable(ctx);
  const i = t.index.get(w.uid);
  if (i !== undefined) {
    t.list[i] = w;
    return;
  }
  if (t.index === startTable(ctx).index) t.index = new Map(t.index);
  t.index.set(w.uid, t.list.length);
  t.list.push(w);
}

/** Forgets the pod's worker (the later ones move up, as in a Map). */
export function deleteWorker(ctx: KubeletContext, uid: string): void {
  const i = ctx.workers.index.get(uid);
  if (i === undefined) return;
  const t = ownTable(ctx);
  t.list.splice(i, 1);
  t.index = new Map(t.list.map((x, j) => [x.uid, j]));
}
