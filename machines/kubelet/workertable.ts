// The kubelet's pod workers by pod UID, kept out of the draft of a draft step (machines/common/step.ts).
// mutative drafts a Map and every worker read through it: a proxy per worker and field, a copy of
// the Map at the first change, and a walk of every changed worker when the step ends. A table is a
// class instance instead, which mutative does not draft: a step copies the table (a Map of a few
// dozen entries) once, at its first change, and each worker it changes once (podworkers.ts workerOf);
// the snapshot it started from is never touched.

import { isDraft, original } from "mutative";
import type { KubeletContext, PodWorker } from "./types.js";

/** The pod workers, read like a ReadonlyMap; changed only through setWorker and deleteWorker. */
export class WorkerTable {
  /** @internal the entries: changed in place only by the step that made this table */
  readonly m: Map<string, PodWorker>;

  constructor(m: Map<string, PodWorker> = new Map()) {
    this.m = m;
  }

  get size(): number {
    return this.m.size;
  }

  get(uid: string): PodWorker | undefined {
    return this.m.get(uid);
  }

  has(uid: string): boolean {
    return this.m.has(uid);
  }

  keys(): MapIterator<string> {
    return this.m.keys();
  }

  values(): MapIterator<PodWorker> {
    return this.m.values();
  }

  entries(): MapIterator<[string, PodWorker]> {
    return this.m.entries();
  }

  [Symbol.iterator](): MapIterator<[string, PodWorker]> {
    return this.m.entries();
  }

  /** JSON (and the explorer's state hash) see the Map, as when the workers were one. */
  toJSON(): ReadonlyMap<string, PodWorker> {
    return this.m;
  }
}

/** The table the step started from: the workers change only in a draft step (contexts are values). */
function startTable(ctx: KubeletContext): WorkerTable {
  if (!isDraft(ctx)) throw new Error("the kubelet's pod workers change only in a draft step: its context is a value");
  return (original(ctx) as KubeletContext).workers;
}

/** The entries this step may change: the table is copied at the step's first change. */
function ownEntries(ctx: KubeletContext): Map<string, PodWorker> {
  const start = startTable(ctx);
  if (ctx.workers === start) ctx.workers = new WorkerTable(new Map(start.m));
  return ctx.workers.m;
}

/**
 * The pod's worker for this step to change: one made or copied by this step as it is; a kept one
 * (the step's start holds it) replaced by copy(w) in the table first.
 */
export function ownWorker(ctx: KubeletContext, uid: string, copy: (w: PodWorker) => PodWorker): PodWorker | undefined {
  const w = ctx.workers.get(uid);
  if (w === undefined || startTable(ctx).m.get(uid) !== w) return w;
  const c = copy(w);
  ownEntries(ctx).set(uid, c);
  return c;
}

/** Puts a worker made or copied in this step into the table. */
export function setWorker(ctx: KubeletContext, w: PodWorker): void {
  ownEntries(ctx).set(w.uid, w);
}

/** Forgets the pod's worker. */
export function deleteWorker(ctx: KubeletContext, uid: string): void {
  if (ctx.workers.has(uid)) ownEntries(ctx).delete(uid);
}
