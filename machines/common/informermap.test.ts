import { describe, expect, it } from "vitest";
import { Map as IMap } from "immutable";
import { InformerMap } from "./informermap.js";

// A small deterministic generator: the test replays the same operations every run.
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe("InformerMap", () => {
  it("answers as a native Map given the same sets and deletes, and never changes a value it was", () => {
    const next = lcg(7);
    let m = InformerMap.empty<{ v: number }>();
    const plain = new Map<number, { v: number }>();
    const history: [InformerMap<{ v: number }>, [number, { v: number }][]][] = [];
    for (let step = 0; step < 2000; step++) {
      const id = 1 + Math.floor(next() * 12);
      if (next() < 0.2) {
        m = m.delete(id);
        plain.delete(id);
      } else {
        const v = { v: step };
        m = m.set(id, v);
        plain.set(id, v);
      }
      history.push([m, [...plain]]);
      expect(m.size).toBe(plain.size);
      for (let k = 0; k <= 13; k++) {
        expect(m.get(k)).toBe(plain.get(k));
        expect(m.has(k)).toBe(plain.has(k));
      }
      expect([...m]).toEqual([...plain]);
      expect([...m.keys()]).toEqual([...plain.keys()]);
      expect([...m.values()]).toEqual([...plain.values()]);
    }
    // earlier values are untouched by the later sets and deletes (persistent)
    for (const [was, entries] of history) expect([...was.entries()]).toEqual(entries);
  });

  it("gives back the same value for a set that changes nothing and a delete of a missing id", () => {
    const v = { v: 1 };
    const m = InformerMap.empty<{ v: number }>().set(3, v);
    expect(m.set(3, v)).toBe(m);
    expect(m.delete(4)).toBe(m);
    expect(m.set(3, { v: 1 })).not.toBe(m);
  });

  it("writes itself as JSON as immutable.js's Map of the same entries does", () => {
    const entries: [number, { v: number }][] = [[2, { v: 1 }], [1, { v: 2 }], [10, { v: 3 }]];
    let m = InformerMap.empty<{ v: number }>();
    for (const [k, v] of entries) m = m.set(k, v);
    expect(JSON.stringify(m)).toBe(JSON.stringify(IMap(entries)));
  });
});
