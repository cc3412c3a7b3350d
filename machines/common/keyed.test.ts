import { describe, expect, it } from "vitest";
import { Map as IMap, OrderedMap, hash } from "immutable";
import { holds, keyed, stringHash } from "./keyed.js";

// A small deterministic generator: the test replays the same operations every run.
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

// "Aa" and "BB" hash alike under the JVM's string hash, so any sequence of them behind one prefix
// longer than 16 characters collides: immutable.js keeps those keys in a collision node.
function colliding(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let s = "/registry/pods/default/";
    for (let b = 0; b < 6; b++) s += (i >> b) & 1 ? "BB" : "Aa";
    out.push(s);
  }
  return out;
}

function keysFor(next: () => number, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = next();
    // short keys (hashed without immutable's cache), etcd-like and informer-like long ones
    out.push(r < 0.2 ? `k${i}` : r < 0.6 ? `/registry/pods/ns-${i % 7}/web-${Math.floor(next() * 1e9).toString(36)}` : `ns-${i % 5}/nginx-${i}-${Math.floor(next() * 1e6)}`);
  }
  return out;
}

describe("keyed and holds", () => {
  it("hash a string as immutable.js's hash does", () => {
    const next = lcg(3);
    for (const k of [...keysFor(next, 300), "", "a", "x".repeat(17), "ü€𝄞 long key past sixteen", ...colliding(4)]) expect(stringHash(k)).toBe(hash(k));
  });

  it("answer as get and has over every size of Map and OrderedMap, with deletions, collisions and undefined values", () => {
    const next = lcg(17);
    for (const n of [0, 1, 5, 8, 9, 16, 17, 40, 300, 2000]) {
      const keys = [...keysFor(next, n), ...(n >= 8 ? colliding(Math.min(n, 40)) : [])];
      let m = IMap<string, number | undefined>();
      let o = OrderedMap<string, number | undefined>();
      keys.forEach((k, i) => {
        const v = i % 11 === 3 ? undefined : i;
        m = m.set(k, v);
        o = o.set(k, v);
      });
      // delete about a third, so nodes shrink and the ordered map's list keeps holes
      for (const k of keys) if (next() < 0.33) {
        m = m.delete(k);
        o = o.delete(k);
      }
      const probes = [...keys, ...keysFor(next, 50), ...colliding(64), "toString", "__proto__", "constructor"];
      for (const k of probes) {
        expect(keyed(m, k)).toBe(m.get(k));
        expect(holds(m, k)).toBe(m.has(k));
        expect(keyed(o, k)).toBe(o.get(k));
        expect(holds(o, k)).toBe(o.has(k));
      }
      // a map being built (withMutations) answers as its get does too
      m.withMutations((w) => {
        w.set("/registry/pods/default/during-mutation", 1);
        for (const k of [...probes.slice(0, 100), "/registry/pods/default/during-mutation"]) {
          expect(keyed(w, k)).toBe(w.get(k));
          expect(holds(w, k)).toBe(w.has(k));
        }
      });
    }
  });
});
