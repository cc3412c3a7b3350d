import { describe, expect, it } from "vitest";
import { Lru } from "./lru.js";

// A small deterministic generator: the test replays the same operations every run.
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe("Lru", () => {
  it("keeps the most recently read or written keys, as k8s.io/utils/lru does (a Map re-inserted on each use as the model)", () => {
    const next = lcg(5);
    let lru = Lru.empty<number>(64);
    const model = new Map<string, number>();
    for (let i = 0; i < 20000; i++) {
      const key = `k${Math.floor(next() * 150)}`;
      if (next() < 0.5) {
        const [v, after] = lru.get(key);
        lru = after;
        expect(v).toBe(model.get(key));
        if (model.has(key)) {
          model.delete(key);
          model.set(key, v!);
        }
      } else {
        lru = lru.set(key, i);
        model.delete(key);
        model.set(key, i);
        if (model.size > 64) model.delete(model.keys().next().value!);
      }
    }
    expect(lru.keys()).toEqual([...model.keys()]);
    expect(lru.size).toBe(model.size);
  });

  it("leaves the value it was made from unchanged", () => {
    const a = Lru.empty<number>(2).set("x", 1).set("y", 2);
    const b = a.set("z", 3);
    expect([a.keys(), b.keys()]).toEqual([["x", "y"], ["y", "z"]]);
    expect(JSON.parse(JSON.stringify(b))).toEqual({ y: 2, z: 3 });
  });
});
