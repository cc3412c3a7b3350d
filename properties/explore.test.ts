import { describe, it, expect } from "vitest";
import { rootFor, stateHash, stateKey } from "./explore.js";
import { deepFreeze, isDeepFrozen } from "../machines/common/equal.js";
import type { Runtime } from "../runtime/runtime.js";

describe("explore's state hash", () => {
  it("merges and separates the states of a breadth-first walk exactly as the JSON state key does", () => {
    const keyToHash = new Map<string, number>();
    const hashToKey = new Map<number, string>();
    const mismatches: string[] = [];
    const visit = (rt: Runtime): boolean => {
      const k = stateKey(rt);
      const h = stateHash(rt);
      if (keyToHash.has(k) && keyToHash.get(k) !== h) mismatches.push("one key, two hashes");
      if (hashToKey.has(h) && hashToKey.get(h) !== k) mismatches.push("one hash, two keys");
      const fresh = !keyToHash.has(k);
      keyToHash.set(k, h);
      hashToKey.set(h, k);
      return fresh;
    };
    let frontier = [rootFor("nginx", 1)];
    visit(frontier[0]!);
    while (frontier.length > 0 && keyToHash.size < 150) {
      const next: Runtime[] = [];
      for (const p of frontier) {
        for (let i = 0; i < p.readyKeys().length; i++) {
          const c = p.fork();
          c.choose = () => i;
          c.step();
          if (visit(c)) {
            c.freeze();
            next.push(c);
          }
        }
      }
      frontier = next;
    }
    expect(mismatches).toEqual([]);
    expect(keyToHash.size).toBeGreaterThanOrEqual(150);
  });
});

describe("deepFreeze and isDeepFrozen", () => {
  const rows: Array<{ name: string; value: () => unknown; deep: boolean }> = [
    { name: "a frozen tree of plain objects and arrays is deeply frozen", value: () => deepFreeze({ a: [1, { b: "x" }], c: null }), deep: true },
    { name: "an object frozen only at the top is not", value: () => Object.freeze({ a: { b: 1 } }), deep: false },
    { name: "a frozen object holding a Map is not, since a Map stays mutable", value: () => deepFreeze({ m: new Map([["k", 1]]) }), deep: false },
    { name: "an unfrozen object is not", value: () => ({ a: 1 }), deep: false },
    { name: "a primitive is", value: () => "s", deep: true },
  ];
  for (const r of rows) it(r.name, () => expect(isDeepFrozen(r.value())).toBe(r.deep));

  it("a deeply frozen object refuses a write in place", () => {
    const o = deepFreeze({ spec: { nodeName: "" } });
    expect(() => {
      (o.spec as { nodeName: string }).nodeName = "node-1";
    }).toThrow(TypeError);
  });
});
