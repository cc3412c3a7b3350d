import { describe, it, expect } from "vitest";
import { deepCopy, deepEqual } from "./equal.js";

// deepEqual must agree with comparing the objects' sorted-key JSON, which it replaces.
const sortedJSON = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : 1))) : x));

describe("deepEqual", () => {
  const rows: { name: string; a: unknown; b: unknown; want: boolean }[] = [
    { name: "identical primitives are equal", a: 1, b: 1, want: true },
    { name: "a number and its string are not equal", a: 1, b: "1", want: false },
    { name: "objects with the same keys in another order are equal", a: { x: 1, y: [1, 2] }, b: { y: [1, 2], x: 1 }, want: true },
    { name: "a key set to undefined counts as absent", a: { x: 1, y: undefined }, b: { x: 1 }, want: true },
    { name: "an extra key makes objects differ", a: { x: 1 }, b: { x: 1, z: 0 }, want: false },
    { name: "null is not an empty object", a: { x: null }, b: { x: {} }, want: false },
    { name: "arrays differing in order are not equal", a: [1, 2], b: [2, 1], want: false },
    { name: "an array is not an object with index keys", a: [1], b: { 0: 1 }, want: false },
    { name: "nested differences are found", a: { m: { labels: { app: "web" } } }, b: { m: { labels: { app: "db" } } }, want: false },
  ];
  for (const r of rows) {
    it(r.name, () => {
      expect(deepEqual(r.a, r.b)).toBe(r.want);
      expect(deepEqual(r.b, r.a)).toBe(r.want);
      expect(sortedJSON(r.a) === sortedJSON(r.b)).toBe(r.want);
    });
  }
});

describe("deepCopy", () => {
  const rows: { name: string; v: unknown }[] = [
    { name: "a primitive is returned as is", v: "x" },
    { name: "nested objects and arrays are copied with their key order", v: { b: 1, a: [{ y: 2, x: 1 }], c: { d: null } } },
    { name: "undefined-valued keys are kept, as structuredClone keeps them", v: { x: undefined, y: 1 } },
    { name: "a Map inside goes through structuredClone", v: { m: new Map([["k", { v: 1 }]]) } },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const c = deepCopy(r.v);
      expect(c).toStrictEqual(structuredClone(r.v));
      if (typeof r.v === "object" && r.v !== null) {
        expect(c).not.toBe(r.v);
        expect(Object.keys(c as object)).toEqual(Object.keys(r.v));
      }
    });
  }
  it("a copy shares nothing with the original: changing one leaves the other alone", () => {
    const v = { spec: { containers: [{ name: "a" }] } };
    const c = deepCopy(v);
    c.spec.containers[0]!.name = "b";
    expect(v.spec.containers[0]!.name).toBe("a");
  });
});
