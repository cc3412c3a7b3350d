import { describe, expect, it } from "vitest";
import { newClient, recordEvent } from "./client.js";
import { Fx } from "./effects.js";

// A small deterministic generator: the test replays the same operations every run.
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe("recordEvent's correlator cache", () => {
  it("counts and evicts as a cache keyed by the joined fields, oldest first at 4096 entries, would", () => {
    const next = lcg(5);
    const c = newClient("t");
    // the model: client-go's EventCorrelator key, the fields joined, in insertion order
    const model = new Map<string, { name: string; count: number }>();
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
    for (let i = 0; i < 9000; i++) {
      // names and reasons repeat (keys sharing a hash) with messages and other fields that differ
      const name = i < 6000 ? `pod-${Math.floor(next() * 3000)}` : pick(["a", "b", "c"]);
      const reason = pick(["Created", "Started", "Killing"]);
      const message = pick(["m1", "m2", `m${i % 7}`]);
      const type = pick(["Normal", "Warning"] as const);
      const host = pick(["", "node-1"]);
      const fieldPath = pick([undefined, "spec.containers{c}"]);
      const involved = { kind: "Pod", metadata: { name, namespace: "default", uid: `u-${name}` } };
      const fx = new Fx();
      recordEvent(c, fx, involved, type, reason, message, { component: "kubelet", host }, 1000 + i, fieldPath);
      const key = ["kubelet", host, "Pod", "default", name, `u-${name}`, fieldPath ?? "", type, reason, message].join("\u0000");
      const req = fx.sends[0]!.msg;
      const seen = model.get(key);
      if (seen) {
        seen.count++;
        expect([req.verb, req.name, req.body.count]).toEqual(["patch", seen.name, seen.count]);
      } else {
        if (model.size >= 4096) model.delete(model.keys().next().value!);
        model.set(key, { name: req.body.metadata.name, count: 1 });
        expect(req.verb).toBe("create");
      }
    }
    expect(c.events!.size).toBe(model.size);
    // the eviction queue holds exactly the cached keys, oldest first
    expect([...c.eventOrder!]).toEqual([...model.keys()]);
    expect(new Set(c.events!.keys())).toEqual(new Set(model.keys()));
  });
});
