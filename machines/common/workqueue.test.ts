import { describe, expect, it } from "vitest";
import { Fx } from "./effects.js";
import { retryOrForget } from "./controller.js";
import * as W from "./workqueue.js";

describe("the per-item exponential failure limiter (5 ms doubling to 1000 s)", () => {
  it.each([
    { name: "the first retry waits 5 ms", requeues: 0, want: 5 },
    { name: "each retry doubles the wait", requeues: 3, want: 40 },
    { name: "the fourteenth retry waits 40.96 s", requeues: 13, want: 40_960 },
    { name: "the wait never exceeds 1000 s", requeues: 30, want: 1_000_000 },
    { name: "a huge failure count still waits 1000 s", requeues: 5_000, want: 1_000_000 },
  ])("$name", ({ requeues, want }) => expect(W.itemExponentialDelayMs(requeues)).toBe(want));
});

describe("DefaultControllerRateLimiter (the larger of the per-item back-off and a 10 qps, burst 100 bucket)", () => {
  it("counts failures per key and leaves the limiter it was given unchanged", () => {
    const l0 = W.newRateLimiter();
    const a = W.when(l0, "a", 0);
    const b = W.when(a.limiter, "a", 0);
    const c = W.when(b.limiter, "b", 0);
    expect([a.delayMs, b.delayMs, c.delayMs]).toEqual([5, 10, 5]);
    expect([W.numRequeues(l0, "a"), W.numRequeues(c.limiter, "a"), W.numRequeues(c.limiter, "b")]).toEqual([0, 2, 1]);
  });

  it("forget starts a key's back-off over and keeps the other keys'", () => {
    let l = W.newRateLimiter();
    for (const k of ["a", "a", "b"]) l = W.when(l, k, 0).limiter;
    const f = W.forgetItem(l, "a");
    expect([W.numRequeues(f, "a"), W.numRequeues(f, "b"), W.numRequeues(l, "a")]).toEqual([0, 1, 2]);
    expect(W.when(f, "a", 0).delayMs).toBe(5);
  });

  it("forgetting a key that never failed returns the same limiter", () => {
    const l = W.newRateLimiter();
    expect(W.forgetItem(l, "a")).toBe(l);
  });

  it("the 101st failure within one instant waits for a token: 100 ms at 10 per second", () => {
    let l = W.newRateLimiter();
    const delays: number[] = [];
    for (let i = 0; i < 102; i++) {
      const r = W.when(l, `key-${i}`, 1_000);
      delays.push(r.delayMs);
      l = r.limiter;
    }
    expect(delays.slice(0, 100).every((d) => d === 5)).toBe(true);
    expect(delays.slice(100)).toEqual([100, 200]);
  });

  it("the bucket refills at 10 tokens per second, up to 100", () => {
    let l = W.newRateLimiter();
    for (let i = 0; i < 100; i++) l = W.when(l, `key-${i}`, 0).limiter;
    // 0.5 s later: 5 tokens back, so five more go at once and the sixth waits 100 ms
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = W.when(l, `later-${i}`, 500);
      delays.push(r.delayMs);
      l = r.limiter;
    }
    expect(delays).toEqual([5, 5, 5, 5, 5, 100]);
    // an hour later the bucket is full again, not fuller
    const full = W.when(l, "x", 3_600_000).limiter;
    expect(full.tokens).toBe(99);
  });
});

describe("the work queue (client-go workqueue)", () => {
  it("keeps a key once while it waits, and holds a key re-added during its sync until the sync is done", () => {
    const q = W.newWorkQueue();
    W.add(q, "default/web");
    W.add(q, "default/web");
    expect(q.waiting.toArray()).toEqual(["default/web"]);
    expect(W.get(q)).toBe("default/web");
    W.add(q, "default/web");
    expect(q.waiting.toArray()).toEqual([]);
    W.done(q, "default/web");
    expect(q.waiting.toArray()).toEqual(["default/web"]);
  });

  it("hands keys out oldest first", () => {
    const q = W.newWorkQueue();
    for (const k of ["b", "a", "c", "a"]) W.add(q, k);
    expect([W.get(q), W.get(q), W.get(q), W.get(q)]).toEqual(["b", "a", "c", undefined]);
  });

  it("a sync waiting for API answers is done only when the last one is in", () => {
    const q = W.newWorkQueue();
    W.add(q, "k");
    W.get(q);
    W.track(q, "k");
    W.track(q, "k");
    W.doneIfIdle(q, "k");
    W.add(q, "k");
    expect(q.waiting.toArray()).toEqual([]);
    W.untrack(q, "k");
    expect(q.waiting.toArray()).toEqual([]);
    W.untrack(q, "k");
    expect([q.processing.has("k"), q.waiting.toArray()]).toEqual([false, ["k"]]);
  });

  it("a sync that sent nothing is done at once", () => {
    const q = W.newWorkQueue();
    W.add(q, "k");
    W.get(q);
    W.doneIfIdle(q, "k");
    expect(q.processing.size).toBe(0);
  });

  it("AddRateLimited comes back as a Requeue timer; long waits do not hold settle up", () => {
    const q = W.newWorkQueue();
    const fx = new Fx();
    for (let i = 0; i < 10; i++) W.addRateLimited(q, fx, "k", 0);
    expect(fx.timers.map((t) => t.ms)).toEqual([5, 10, 20, 40, 80, 160, 320, 640, 1_280, 2_560]);
    expect(fx.timers.map((t) => t.background)).toEqual([false, false, false, false, false, false, false, false, true, true]);
    expect(fx.timers[0]).toEqual({ key: "requeue/k", ms: 5, event: { type: "Requeue", key: "k" }, background: false });
  });

  it("AddAfter comes back as a Requeue timer of its own", () => {
    const fx = new Fx();
    W.addAfter(fx, "k", 30_000, true);
    expect(fx.timers).toEqual([{ key: "after/k", ms: 30_000, event: { type: "Requeue", key: "k" }, background: true }]);
  });
});

describe("handleErr with maxRetries (the endpoints and EndpointSlice controllers)", () => {
  it("drops a key after maxRetries requeues, every retry holding settle up", () => {
    const q = W.newWorkQueue();
    const fx = new Fx();
    for (let i = 0; i < 15; i++) expect(retryOrForget(q, fx, "default/web", true, 0, 15)).toBe(true);
    expect(retryOrForget(q, fx, "default/web", true, 0, 15)).toBe(false);
    expect(fx.timers.map((t) => t.ms).slice(0, 4)).toEqual([5, 10, 20, 40]);
    expect(fx.timers.length).toBe(15);
    expect(fx.timers.every((t) => !t.background && t.event.type === "Requeue")).toBe(true);
    expect(W.numRequeues(q.limiter, "default/web")).toBe(0);
  });

  it("a clean sync forgets the key's failures", () => {
    const q = W.newWorkQueue();
    const fx = new Fx();
    retryOrForget(q, fx, "k", true, 0, 15);
    expect(retryOrForget(q, fx, "k", false, 0, 15)).toBe(true);
    expect(W.numRequeues(q.limiter, "k")).toBe(0);
  });
});

describe("splitKey", () => {
  it.each([
    { name: "a namespaced key splits at the first slash", key: "default/web", want: ["default", "web"] },
    { name: "a cluster-scoped key has no namespace", key: "node-1", want: ["", "node-1"] },
  ])("$name", ({ key, want }) => expect(W.splitKey(key)).toEqual(want));
});
