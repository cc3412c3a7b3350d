// The pod workers' table is a value: a step copies it and the workers it changes, and the context
// it started from keeps every worker as it was (as a mutative draft of a Map of workers did).

import { describe, expect, it } from "vitest";
import { runDraftStep } from "../common/step.js";
import { Fx } from "../common/effects.js";
import { freezeContext } from "../common/freeze.js";
import { initialKubelet } from "./kubelet.logic.js";
import { newWorker, workerOf } from "./podworkers.js";
import type { KubeletContext, PodWorker } from "./types.js";
import { deleteWorker, setWorker } from "./workertable.js";
import { Rng } from "../common/prng.js";

const pod = (uid: string) => ({ metadata: { namespace: "default", name: `p-${uid}`, uid }, spec: { containers: [{ name: "c", image: "nginx" }] } }) as any;
const node = { metadata: { name: "node-1" } } as any;

function withWorkers(...uids: string[]): KubeletContext {
  const start = initialKubelet({ node, index: 0, podCIDR: "10.244.0.0/24", token: "t" });
  return runDraftStep(start, {}, (c) => {
    for (const uid of uids) setWorker(c, newWorker(pod(uid)));
  }, new Fx());
}

const step = (ctx: KubeletContext, fn: (c: KubeletContext) => void) => runDraftStep(ctx, {}, (c) => fn(c), new Fx());

describe("the pod workers' table", () => {
  it("a step changes copies: the context it started from keeps its table and workers", () => {
    const before = freezeContext(withWorkers("a", "b"));
    const a0 = before.workers.get("a")!;
    const after = step(before, (c) => {
      const w = workerOf(c, "a")!;
      expect(w).not.toBe(a0);
      // the same copy for the rest of the step
      expect(workerOf(c, "a")).toBe(w);
      w.gone = true;
      w.containers[0]!.attempts = 3;
      w.status.dirty = true;
      w.pulls = new Map(w.pulls).set("nginx", a0.lifecycle as any);
      setWorker(c, newWorker(pod("c")));
      deleteWorker(c, "b");
    });
    expect(before.workers.get("a")).toBe(a0);
    expect([a0.gone, a0.containers[0]!.attempts, a0.status.dirty, a0.pulls.size]).toEqual([false, 0, false, 0]);
    expect([...before.workers.keys()]).toEqual(["a", "b"]);
    const a1 = after.workers.get("a")!;
    expect([a1.gone, a1.containers[0]!.attempts, a1.status.dirty, a1.pulls.size]).toEqual([true, 3, true, 1]);
    // insertion order, as a Map keeps it
    expect([...after.workers.keys()]).toEqual(["a", "c"]);
    expect(after.workers.size).toBe(2);
    expect(after.workers.has("b")).toBe(false);
    // what the step did not change is shared
    expect(a1.pod).toBe(a0.pod);
  });

  it("a worker made in the step is changed in place; an untouched worker is shared", () => {
    const before = withWorkers("a", "b");
    const after = step(before, (c) => {
      const w = newWorker(pod("c"));
      setWorker(c, w);
      expect(workerOf(c, "c")).toBe(w);
      workerOf(c, "a")!.gone = true;
    });
    expect(after.workers.get("b")).toBe(before.workers.get("b"));
    expect(after.workers.get("a")!.gone).toBe(true);
    expect(before.workers.get("a")!.gone).toBe(false);
  });

  it("outside a draft step nothing changes: the context is a value", () => {
    const ctx = withWorkers("a");
    const table = ctx.workers;
    expect(() => setWorker(ctx, newWorker(pod("b")))).toThrow(/draft step/);
    expect(() => workerOf(ctx, "a")).toThrow(/draft step/);
    expect(ctx.workers).toBe(table);
    expect([...table.keys()]).toEqual(["a"]);
  });

  it("a step that only reads keeps the table", () => {
    const before = withWorkers("a");
    const after = step(before, (c) => void c.workers.get("a"));
    expect(after.workers).toBe(before.workers);
  });

  it("reads as the Map it replaces, JSON included", () => {
    const ctx = withWorkers("a", "b");
    expect([...ctx.workers].map(([k, w]) => [k, w.uid])).toEqual([["a", "a"], ["b", "b"]]);
    expect(JSON.stringify(ctx.workers)).toBe(JSON.stringify(new Map([["a", ctx.workers.get("a")], ["b", ctx.workers.get("b")]])));
  });

  it("over random steps of adds, replacements and removals, reads as a Map changed the same way, every earlier table unchanged", () => {
    const rng = new Rng(3);
    let ctx = freezeContext(withWorkers());
    const model = new Map<string, PodWorker>();
    const history: Array<[KubeletContext, Array<[string, PodWorker]>]> = [];
    for (let s = 0; s < 400; s++) {
      ctx = freezeContext(step(ctx, (c) => {
        for (let k = rng.int(4); k > 0; k--) {
          const uid = `u${rng.int(12)}`;
          const r = rng.int(3);
          if (r === 0) {
            deleteWorker(c, uid);
            model.delete(uid);
          } else if (r === 1 && c.workers.has(uid)) {
            const w = workerOf(c, uid)!;
            w.containers[0]!.attempts++;
            model.set(uid, w);
          } else {
            const w = newWorker(pod(uid));
            setWorker(c, w);
            model.set(uid, w);
          }
        }
      }));
      expect([...ctx.workers.entries()]).toEqual([...model.entries()]);
      expect([...ctx.workers.keys()]).toEqual([...model.keys()]);
      expect(ctx.workers.size).toBe(model.size);
      for (let i = 0; i < 12; i++) expect(ctx.workers.get(`u${i}`)).toBe(model.get(`u${i}`));
      history.push([ctx, [...model.entries()]]);
    }
    for (const [c, entries] of history) expect([...c.workers]).toEqual(entries);
  });
});
