import { describe, expect, it } from "vitest";
import { Map as IMap } from "immutable";
import { freezeContext } from "./freeze.js";

describe("freezeContext (a context frozen before a step)", () => {
  it("refuses writes to nested objects, arrays, Maps and Sets", () => {
    const v = freezeContext({ a: { b: [1, { c: 2 }] }, m: new Map([["k", { x: 1 }]]), s: new Set([1]) });
    expect(() => { (v.a.b[1] as { c: number }).c = 3; }).toThrow(TypeError);
    expect(() => { v.a.b.push(3); }).toThrow(TypeError);
    expect(() => v.m.set("k2", { x: 2 })).toThrow(/changed in place/);
    expect(() => { v.m.get("k")!.x = 2; }).toThrow(TypeError);
    expect(() => v.s.add(2)).toThrow(/changed in place/);
    expect(() => v.m.delete("k")).toThrow(/changed in place/);
  });

  it("leaves persistent maps usable and freezes what they hold", () => {
    const m = freezeContext(IMap({ k: { x: 1 } }));
    expect(m.set("j", { x: 2 }).get("j")).toEqual({ x: 2 });
    expect(() => { m.get("k")!.x = 2; }).toThrow(TypeError);
  });
});
