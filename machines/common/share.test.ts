import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { shareUnchanged } from "./share.js";

const pod = () => ({
  metadata: { name: "web", labels: { app: "web" }, resourceVersion: "7" },
  spec: { containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }] }], nodeName: "node-1" },
  status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "True" }] },
});

describe("shareUnchanged", () => {
  it("keeps the previous version's subtrees where a status update left them unchanged", () => {
    const prev = pod();
    const next = pod();
    next.status.phase = "Running";
    delete (next.metadata as any).resourceVersion;
    const out = shareUnchanged(next, prev);
    expect(out).toBe(next);
    expect(out.spec).toBe(prev.spec);
    expect(out.metadata.labels).toBe(prev.metadata.labels);
    expect(out.status.conditions).toBe(prev.status.conditions);
    expect(out.status).not.toBe(prev.status);
    expect(out.metadata).not.toBe(prev.metadata);
    expect(out).toEqual({ ...pod(), metadata: { name: "web", labels: { app: "web" } }, status: { ...pod().status, phase: "Running" } });
  });

  it("returns the previous version itself when nothing changed", () => {
    const prev = pod();
    expect(shareUnchanged(pod(), prev)).toBe(prev);
  });

  it("does not share an object whose keys come in another order, since JSON output would change", () => {
    const prev = { spec: { a: 1, b: 2 } };
    const next = { spec: { b: 2, a: 1 } };
    const out = shareUnchanged(next, prev);
    expect(out.spec).toBe(next.spec);
    expect(JSON.stringify(out)).toBe('{"spec":{"b":2,"a":1}}');
  });

  it("shares equal array elements but not an array that grew", () => {
    const prev = { items: [{ x: 1 }, { y: 2 }] };
    const next = { items: [{ x: 1 }, { y: 2 }, { z: 3 }] };
    const out = shareUnchanged(next, prev);
    expect(out.items).not.toBe(prev.items);
    expect(out.items[0]).toBe(prev.items[0]);
    expect(out.items[1]).toBe(prev.items[1]);
    expect(out.items).toHaveLength(3);
  });

  it("still shares the elements after one inserted into or removed from the middle of a list", () => {
    const addr = (ip: string) => ({ ip, targetRef: { kind: "Pod", name: `p-${ip}` } });
    const prev = { addresses: ["10.0.0.1", "10.0.0.3", "10.0.0.4"].map(addr) };
    const grown = shareUnchanged({ addresses: ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"].map(addr) }, prev);
    expect(grown.addresses.map((a) => prev.addresses.indexOf(a))).toEqual([0, -1, 1, 2]);
    const shrunk = shareUnchanged({ addresses: ["10.0.0.1", "10.0.0.4"].map(addr) }, prev);
    expect(shrunk.addresses.map((a) => prev.addresses.indexOf(a))).toEqual([0, 2]);
    expect(JSON.stringify(shrunk)).toBe(JSON.stringify({ addresses: ["10.0.0.1", "10.0.0.4"].map(addr) }));
  });

  it("leaves a frozen next untouched, and a missing previous version changes nothing", () => {
    const prev = { spec: { a: { deep: 1 } }, n: 1 };
    const next = Object.freeze({ spec: { a: { deep: 1 } }, n: 2 });
    const out = shareUnchanged(next, prev);
    expect(out).toBe(next);
    expect(out.spec).not.toBe(prev.spec);
    expect(out.spec.a).toBe(prev.spec.a);
    const fresh = pod();
    expect(shareUnchanged(fresh, undefined)).toBe(fresh);
  });

  it("gives next's JSON (key order kept), and prev itself exactly when the JSON is prev's", () => {
    // small keys and leaves, so that next and prev often share subtrees, differ in a leaf, or order keys apart
    const json = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: "small" }, fc.constantFrom(0, 1, "a", "b", true, null), tie("arr"), tie("obj")),
      arr: fc.array(tie("v"), { maxLength: 4 }),
      obj: fc.dictionary(fc.constantFrom("a", "b", "c", "__proto__"), tie("v"), { maxKeys: 3 }),
    })).v;
    fc.assert(fc.property(json, json, fc.boolean(), (n, p, mixed) => {
      // next built from pieces of prev's JSON as often as not: equal subtrees in other objects
      const prev = JSON.parse(JSON.stringify(p));
      const next = mixed ? JSON.parse(JSON.stringify({ x: n, y: p })) : JSON.parse(JSON.stringify(n));
      const prevArg = mixed ? { x: JSON.parse(JSON.stringify(n)), y: prev } : prev;
      const want = JSON.stringify(next);
      const prevText = JSON.stringify(prevArg);
      const out = shareUnchanged(next, prevArg);
      expect(JSON.stringify(out)).toBe(want);
      expect(out === prevArg).toBe(want === prevText);
      // prev is never changed
      expect(JSON.stringify(prevArg)).toBe(prevText);
    }), { numRuns: 500 });
  });
});
