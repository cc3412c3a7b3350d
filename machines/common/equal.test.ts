import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { deepCopy, deepEqual, deepFreeze, jsonSize } from "./equal.js";

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

// jsonSize replaces serialising a write to measure it (etcd's request-size limit): JSON.stringify is the oracle.
describe("jsonSize", () => {
  const stringified = (v: unknown): number => Buffer.byteLength(JSON.stringify(v) ?? "", "utf8");
  const json = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: "small" }, fc.string({ unit: "binary" }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), tie("array"), tie("object")),
    array: fc.array(tie("value"), { maxLength: 5 }),
    object: fc.dictionary(fc.string({ unit: "binary" }), tie("value"), { maxKeys: 5 }),
  })).value;

  it("is the UTF-8 length of JSON.stringify for any JSON-like value, frozen or not", () => {
    fc.assert(fc.property(json, (v) => {
      expect(jsonSize(v)).toBe(stringified(v));
      const frozen = deepFreeze(structuredClone(v));
      expect(jsonSize(frozen)).toBe(stringified(frozen));
    }), { numRuns: 500 });
  });

  it("is the size of every part of a deep-frozen value, parts frozen before with or without their size included", () => {
    const parts = (v: unknown, out: object[] = []): object[] => {
      if (typeof v === "object" && v !== null) {
        out.push(v);
        for (const k of Object.keys(v)) parts((v as Record<string, unknown>)[k], out);
      }
      return out;
    };
    fc.assert(fc.property(json, json, fc.boolean(), (a, b, sized) => {
      // one part frozen before (sized or not), shared by the value frozen after it
      const part = deepFreeze(structuredClone(a), sized);
      const whole = deepFreeze({ part, more: structuredClone(b), list: [part, structuredClone(b)] });
      for (const p of parts(whole)) expect(jsonSize(p)).toBe(stringified(p));
    }), { numRuns: 300 });
  });

  it("counts two bytes for a Latin-1 letter and six for an escaped control character", () => {
    const v = { "café": ["naïve", "ü"], plain: "ascii", ctl: "a\u0001" };
    expect(jsonSize(v)).toBe(stringified(v));
    expect(jsonSize(deepFreeze(structuredClone(v)))).toBe(stringified(v));
  });

  it("counts a frozen part's size when the part is shared by a new version", () => {
    const spec = deepFreeze({ containers: [{ name: "nginx", image: "nginx:1.27", env: [{ name: "Q", value: "a \"quoted\" é 😀 \u0001" }] }] });
    const next = { metadata: { name: "web", labels: { "app.kubernetes.io/name": "wé\tb" } }, spec, status: { phase: "Running", hostIP: undefined, n: [1.5, -0, NaN, undefined] } };
    expect(jsonSize(next)).toBe(stringified(next));
  });
});
