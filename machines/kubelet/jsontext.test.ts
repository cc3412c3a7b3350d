// sameJSONText against JSON.stringify itself: random data (key orders, omitted and undefined
// fields, NaN and null, -0, holes, shared and frozen parts) and values JSON transforms.

import { describe, expect, it } from "vitest";
import { Rng } from "../common/prng.js";
import { sameJSONText } from "./jsontext.js";

function scalar(rng: Rng): unknown {
  return [null, undefined, 0, -0, 1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, "", "a", "1", "null", "true", true, false, Symbol.for("s"), () => 1][rng.int(17)];
}

function value(rng: Rng, depth: number): unknown {
  const r = rng.int(depth > 3 ? 2 : 5);
  if (r < 2) return scalar(rng);
  if (r === 2) {
    const n = rng.int(4);
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(value(rng, depth + 1));
    if (rng.int(8) === 0) out.length += 1; // a hole
    return out;
  }
  const keys = ["a", "b", "c", "1", "0", "__proto__x"];
  const o: Record<string, unknown> = {};
  for (const k of keys) if (rng.int(2) === 0) o[k] = value(rng, depth + 1);
  if (rng.int(10) === 0) return Object.freeze(o);
  return o;
}

/** A value like v: the same, a copy with another key order, or one field changed. */
function variant(rng: Rng, v: unknown): unknown {
  if (v === null || typeof v !== "object") return rng.int(4) === 0 ? scalar(rng) : v;
  if (rng.int(4) === 0) return v;
  if (Array.isArray(v)) return v.map((x) => (rng.int(3) === 0 ? variant(rng, x) : x));
  const entries = Object.entries(v).map(([k, x]) => [k, rng.int(3) === 0 ? variant(rng, x) : x] as [string, unknown]);
  if (rng.int(3) === 0) entries.reverse();
  if (rng.int(4) === 0) entries.push(["added", undefined]);
  return Object.fromEntries(entries);
}

describe("sameJSONText", () => {
  it("answers as comparing JSON.stringify's texts would", () => {
    const rng = new Rng(9);
    let same = 0;
    for (let i = 0; i < 20_000; i++) {
      const a = value(rng, 0);
      const b = rng.int(3) === 0 ? value(rng, 0) : variant(rng, a);
      const text = JSON.stringify(b);
      if (text === undefined) continue;
      const want = JSON.stringify(a) === text;
      if (want) same++;
      expect(sameJSONText(a, b, text)).toBe(want);
      // the text as the function that encodes b: the same answer
      expect(sameJSONText(a, b, () => JSON.stringify(b))).toBe(want);
    }
    expect(same).toBeGreaterThan(3000);
  });

  it("encodes nothing when plain data can be compared field by field (the text given as a function)", () => {
    let encoded = 0;
    const textOf = (v: unknown) => () => (encoded++, JSON.stringify(v));
    const status = { phase: "Running", conditions: [{ type: "Ready", status: "True" }], podIP: "10.0.0.1" };
    expect(sameJSONText(status, structuredClone(status), textOf(status))).toBe(true);
    expect(sameJSONText(status, { ...status, phase: "Pending" }, textOf(status))).toBe(false);
    expect(encoded).toBe(0);
    // a value JSON transforms is unsure field by field: then b is encoded, once
    expect(sameJSONText({ t: new Date(0) }, { t: "1970-01-01T00:00:00.000Z" }, textOf({ t: "1970-01-01T00:00:00.000Z" }))).toBe(true);
    expect(encoded).toBe(1);
  });

  it("values JSON transforms are compared by their texts", () => {
    const d = new Date(0);
    expect(sameJSONText({ t: d }, { t: "1970-01-01T00:00:00.000Z" }, JSON.stringify({ t: "1970-01-01T00:00:00.000Z" }))).toBe(true);
    const custom = { toJSON: () => "x" };
    expect(sameJSONText([custom], ["x"], '["x"]')).toBe(true);
    expect(sameJSONText({ n: new Number(1) }, { n: 1 }, '{"n":1}')).toBe(true);
    expect(sameJSONText({ f: () => 1, a: 1 }, { a: 1 }, '{"a":1}')).toBe(true);
  });
});
