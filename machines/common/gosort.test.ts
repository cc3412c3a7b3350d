import { describe, it, expect } from "vitest";
import { sliceStable } from "./gosort.js";
import { Rng } from "./prng.js";

describe("sliceStable keeps sort.SliceStable's contract", () => {
  it("orders by less and keeps equal elements in their original order, across block and merge boundaries", () => {
    const rng = new Rng(20261210);
    for (const n of [0, 1, 19, 20, 21, 40, 41, 97, 1_000]) {
      const items = Array.from({ length: n }, (_, i) => ({ key: rng.int(7), at: i }));
      // JavaScript's Array.prototype.sort is stable too (ES2019): the same order
      const want = [...items].sort((a, b) => a.key - b.key);
      expect(sliceStable(items, (a, b) => a.key < b.key)).toEqual(want);
    }
  });

  it("leaves its input as it was", () => {
    const items = [3, 1, 2];
    sliceStable(items, (a, b) => a < b);
    expect(items).toEqual([3, 1, 2]);
  });
});
