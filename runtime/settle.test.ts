// settle() runs until no message is in flight and no work timer is pending. Work timers that keep
// coming (a component retrying at once, forever) are a livelock: settle fails by name past its bound
// of simulated time instead of running on, which would block the test's event loop so that not even
// the test's own timeout could end it.

import { describe, expect, it } from "vitest";
import { BoundExceeded, Runtime } from "./runtime.js";

describe("settle()", () => {
  it("runs a chain of work timers to its end", () => {
    const rt = new Runtime({ seed: 1, trace: false });
    const start = rt.now;
    let left = 5;
    const again = () => {
      if (--left > 0) rt.later(500, again);
    };
    rt.later(500, again);
    rt.settle();
    expect(left).toBe(0);
    expect(rt.now - start).toBe(2_500);
  });

  it("fails by name when work timers keep coming past maxSettleMs of simulated time", () => {
    const rt = new Runtime({ seed: 1, trace: false, maxSettleMs: 60_000 });
    const start = rt.now;
    const again = () => rt.later(500, again);
    rt.later(500, again);
    let err: unknown;
    try {
      rt.settle();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BoundExceeded);
    expect((err as BoundExceeded).bound).toBe("maxSettleMs");
    expect((err as Error).message).toMatch(/work timers still pending after 60000 ms of simulated time/);
    expect(rt.now - start).toBeLessThanOrEqual(60_000);
  });

  it("does not count background timers, however long they keep coming", () => {
    const rt = new Runtime({ seed: 1, trace: false, maxSettleMs: 60_000 });
    const again = () => rt.later(500, again, true);
    rt.later(500, again, true);
    const start = rt.now;
    rt.settle();
    expect(rt.now).toBe(start);
  });
});
