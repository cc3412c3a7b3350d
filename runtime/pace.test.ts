// The live view's pace: stepping a cluster one delivery at a time (Runtime.stepOne, what the
// paced and paused modes do) is the simulated clock's own run, delivery for delivery; and a
// paused live cluster delivers nothing until it is stepped.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createCluster } from "./cluster.js";

const manifest = readFileSync(new URL("../examples/deployment-service.yaml", import.meta.url), "utf8");

/** A simulated cluster with the example applied, its requests sent but not yet delivered. */
async function applied() {
  const c = createCluster({ nodes: 2, seed: 7, trace: true });
  await c.apply(manifest);
  return c;
}

describe("stepOne", () => {
  it("delivers in the order settle() does: the stepped trace is the settled one, entry for entry", async () => {
    const settled = await applied();
    settled.runtime.settle();
    const stepped = await applied();
    const n = settled.trace().length;
    while (stepped.trace().length < n && stepped.runtime.stepOne() !== undefined);
    expect(stepped.trace().slice(0, n)).toEqual(settled.trace());
    expect(stepped.list("Pod").filter((p) => p.status?.phase === "Running")).toHaveLength(3);
  });

  it("fires the next timer (moving the clock to it) when no message is in flight, and says so", async () => {
    const c = await applied();
    c.runtime.settle();
    const at = c.runtime.nextTimerAt()!;
    expect(c.runtime.hasReady).toBe(false);
    expect(c.runtime.stepOne()).toBe("timer");
    expect(c.now()).toBe(at);
    expect(c.runtime.stepOne(c.now() - 1)).toBe(c.runtime.hasReady ? "message" : undefined);
  });
});

describe("Cluster.setPace", () => {
  it("paused: the live cluster delivers nothing until stepped; live again: it runs", async () => {
    const c = createCluster({ nodes: 1, seed: 2, clock: "live", speed: 50, trace: false });
    try {
      c.setPace({ mode: "paused" });
      const at = c.runtime.delivered;
      const t = c.now();
      await new Promise((r) => setTimeout(r, 150));
      expect([c.runtime.delivered, c.now()]).toEqual([at, t]);
      const did = c.stepOne();
      // a message counts as a delivery; a timer is its actor's own step
      expect(c.runtime.delivered).toBe(at + (did === "message" ? 1 : 0));
      c.setPace({ mode: "live", speed: 50 });
      // the live clock ticks every few ms; on a loaded machine the first tick may take a while
      for (let i = 0; i < 100 && c.now() <= t; i++) await new Promise((r) => setTimeout(r, 50));
      expect(c.now()).toBeGreaterThan(t);
      expect(() => createCluster({ nodes: 1, seed: 2 }).setPace({ mode: "paused" })).toThrow("only a live cluster has a pace");
    } finally {
      await c.stop();
    }
  });
});
