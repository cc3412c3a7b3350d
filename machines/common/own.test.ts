// copyWith stands in for `{ ...src, ...extra }` on hot paths: it must make the very same object,
// a client's "__proto__" key included.

import { describe, expect, it } from "vitest";
import { copyWith } from "./own.js";

describe("copyWith makes what a spread makes", () => {
  it("the same keys in the same order, extra's replacing src's where they were", () => {
    const src = Object.freeze({ a: 1, b: { c: 2 }, d: undefined, e: "x" });
    const got = copyWith(src, { b: 3, f: 4 });
    const spread = { ...src, ...{ b: 3, f: 4 } };
    expect(Object.keys(got)).toEqual(["a", "b", "d", "e", "f"]);
    expect(Object.keys(got)).toEqual(Object.keys(spread));
    expect(got).toStrictEqual(spread);
    expect(Object.isFrozen(got)).toBe(false);
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
  });

  it("a parsed client object's own __proto__ stays a key and never becomes the prototype", () => {
    const src = JSON.parse('{"kind":"Pod","__proto__":{"polluted":true}}');
    const got = copyWith(src, { now: 1 });
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect((got as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.keys(got)).toEqual(["kind", "__proto__", "now"]);
    expect(Object.getOwnPropertyDescriptor(got, "__proto__")?.value).toEqual({ polluted: true });
  });
});
