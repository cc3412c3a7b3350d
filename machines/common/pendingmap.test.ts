import { describe, expect, it } from "vitest";
import { OrderedMap } from "immutable";
import { PendingMap } from "./pendingmap.js";

// A small deterministic generator: the test replays the same operations every run.
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe("PendingMap", () => {
  it("answers as the OrderedMap it replaces given requests (increasing ids) and answers (any id)", () => {
    const next = lcg(11);
    let m = PendingMap.empty<{ v: number }>();
    let o = OrderedMap<number, { v: number }>();
    const history: [PendingMap<{ v: number }>, [number, { v: number }][]][] = [];
    let id = 1;
    for (let step = 0; step < 800; step++) {
      if (next() < 0.45 && o.size > 0) {
        // an answer to any pending request, or to one no longer pending (a duplicate)
        const keys = [...o.keys()];
        const k = next() < 0.9 ? keys[Math.floor(next() * keys.length)]! : id + 5;
        m = m.delete(k);
        o = o.delete(k);
      } else {
        const v = { v: step };
        m = m.set(id, v);
        o = o.set(id, v);
        id++;
      }
      history.push([m, [...o]]);
      expect(m.size).toBe(o.size);
      for (let k = Math.max(0, id - 40); k <= id + 1; k++) {
        expect(m.get(k)).toBe(o.get(k));
        expect(m.has(k)).toBe(o.has(k));
      }
      expect([...m]).toEqual([...o]);
      expect([...m.values()]).toEqual([...o.values()]);
      expect([...m.keys()]).toEqual([...o.keys()]);
      expect(JSON.stringify(m)).toBe(JSON.stringify(o));
    }
    // earlier values are untouched by the later requests and answers (persistent)
    for (const [was, entries] of history) expect([...was.entries()]).toEqual(entries);
  });

  it("gives back the same value for a set that changes nothing and a delete of a missing id", () => {
    const v = { v: 1 };
    const m = PendingMap.empty<{ v: number }>().set(3, v);
    expect(m.set(3, v)).toBe(m);
    expect(m.delete(4)).toBe(m);
  });
});
