import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { sharePrevious, shareUnchanged } from "./share.js";

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

describe("sharePrevious", () => {
  // small keys and leaves, so that next and prev often share subtrees, differ in a leaf, or order keys apart
  const json = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: "small" }, fc.constantFrom(0, 1, "a", "b", true, null), tie("arr"), tie("obj")),
    arr: fc.array(tie("v"), { maxLength: 5 }),
    obj: fc.dictionary(fc.constantFrom("a", "b", "c", "__proto__"), tie("v"), { maxKeys: 3 }),
  })).v;
  const clone = (v: unknown) => JSON.parse(JSON.stringify(v));

  // Every object of prev, so that a walk can tell a part taken from prev from one of next's.
  function nodesOf(v: unknown, into = new Set<object>()): Set<object> {
    if (typeof v === "object" && v !== null && !into.has(v)) {
      into.add(v);
      for (const k of Object.keys(v)) nodesOf((v as Record<string, unknown>)[k], into);
    }
    return into;
  }

  // a and b take the same parts from prev at the same places
  function sameSharing(a: unknown, b: unknown, prevNodes: Set<object>): void {
    if (typeof a !== "object" || a === null) return;
    if (prevNodes.has(a) || prevNodes.has(b as object)) {
      expect(a).toBe(b);
      return;
    }
    for (const k of Object.keys(a)) sameSharing((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], prevNodes);
  }

  // next as a write makes it from prev: a few leaves changed, elements inserted or removed, keys reordered
  function edited(v: unknown, rand: () => number): unknown {
    if (typeof v !== "object" || v === null) return rand() < 0.3 ? (typeof v === "number" ? v + 1 : "z") : v;
    if (Array.isArray(v)) {
      const out = v.map((x) => edited(x, rand));
      const r = rand();
      if (r < 0.15 && out.length > 0) out.splice(Math.floor(rand() * out.length), 1);
      else if (r < 0.3) out.splice(Math.floor(rand() * (out.length + 1)), 0, { c: rand() < 0.5 ? 1 : "b" });
      return out;
    }
    const keys = Object.keys(v);
    if (rand() < 0.1) keys.reverse();
    const out: Record<string, unknown> = {};
    for (const k of keys) if (rand() > 0.05) Object.defineProperty(out, k, { value: edited((v as Record<string, unknown>)[k], rand), enumerable: true, writable: true, configurable: true });
    return out;
  }

  it("gives next's JSON, prev exactly when the JSON is prev's, the parts shareUnchanged would share, and writes into neither", () => {
    fc.assert(fc.property(json, json, fc.integer({ min: 0, max: 2 }), fc.integer(), (n, p, how, seed) => {
      let s = seed | 0;
      const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) | 0) >>> 0) / 2 ** 32;
      const mixed = how === 1;
      const prev = mixed ? { x: clone(n), y: clone(p) } : clone(p);
      const next = how === 2 ? clone(edited(p, rand)) : mixed ? clone({ x: n, y: p }) : clone(n);
      const want = JSON.stringify(next), prevText = JSON.stringify(prev);
      const nextNodes = [...nodesOf(next)];
      const out = sharePrevious(next, prev);
      expect(JSON.stringify(out)).toBe(want);
      expect(out === prev).toBe(want === prevText);
      // neither input changed: same JSON, and next's objects hold what they held
      expect(JSON.stringify(next)).toBe(want);
      expect(JSON.stringify(prev)).toBe(prevText);
      expect([...nodesOf(next)]).toEqual(nextNodes);
      sameSharing(out, shareUnchanged(clone(next), prev), nodesOf(prev));
    }), { numRuns: 2000 });
  });

  it("keeps a pod status write's unchanged conditions and container statuses as the stored ones, without touching the request's status", () => {
    const cond = (type: string, status: string) => ({ type, status, lastProbeTime: null, lastTransitionTime: "2026-01-01T00:00:00Z" });
    const stored = Object.freeze({
      metadata: { name: "web", resourceVersion: "7" },
      status: { phase: "Pending", conditions: [cond("PodScheduled", "True"), cond("Initialized", "True"), cond("Ready", "False")], containerStatuses: [{ name: "nginx", ready: false }] },
    });
    const status = { phase: "Running", conditions: [cond("PodScheduled", "True"), cond("Initialized", "True"), cond("Ready", "True")], containerStatuses: [{ name: "nginx", ready: false }] };
    const written = { metadata: { name: "web" }, status };
    const out = sharePrevious(written, stored);
    expect(out.status).not.toBe(status);
    expect(out.status.conditions[0]).toBe(stored.status.conditions[0]);
    expect(out.status.conditions[1]).toBe(stored.status.conditions[1]);
    expect(out.status.conditions[2]).toBe(status.conditions[2]);
    expect(out.status.containerStatuses).toBe(stored.status.containerStatuses);
    expect(status.conditions[0]).not.toBe(stored.status.conditions[0]);
    expect(written.status).toBe(status);
  });

  it("keeps a frozen container of next as it is", () => {
    const prev = { spec: { a: { deep: 1 }, b: 2 } };
    const spec = Object.freeze({ a: { deep: 1 }, b: 3 });
    const out = sharePrevious({ spec }, prev);
    expect(out.spec).toBe(spec);
    expect(spec.a).not.toBe(prev.spec.a);
  });
});
