import { describe, expect, it } from "vitest";
import { isDraft } from "mutative";
import { Fx } from "./effects.js";
import { runDraftStep } from "./step.js";

// A proxy revoked when its step ends throws on any read: what leaves a step must hold none.
function holdsNoDraft(v: unknown): boolean {
  if (v === null || typeof v !== "object") return true;
  if (isDraft(v)) return false;
  return Object.keys(v).every((k) => holdsNoDraft((v as Record<string, unknown>)[k]));
}

describe("what a draft step sends leaves it as plain values", () => {
  it("drafts inside arrays and objects (a '__proto__' key of a client's JSON included) are copied out, the rest is shared", () => {
    const shared = Object.freeze({ kind: "Pod", metadata: Object.freeze({ name: "p" }) });
    const ctx = { pods: [{ name: "a", labels: { app: "web" } }], n: 1 };
    const fx = new Fx();
    const jsonish = JSON.parse('{"__proto__": {"x": 1}, "y": 2}');
    const next = runDraftStep(ctx, {}, (d, _e, f) => {
      d.pods[0]!.labels.app = "db";
      Object.getOwnPropertyDescriptor(jsonish, "__proto__")!.value.held = d.pods[0];
      f.send("apiserver", { type: "Write", body: { items: [1, "s", null, d.pods[0], shared], meta: { labels: d.pods[0]!.labels, n: d.n } }, jsonish });
    }, fx);
    const msg = fx.sends[0]!.msg as any;
    expect(holdsNoDraft(msg)).toBe(true);
    expect(msg.body.items).toEqual([1, "s", null, { name: "a", labels: { app: "db" } }, shared]);
    expect(msg.body.items[4]).toBe(shared);
    expect(msg.body.meta).toEqual({ labels: { app: "db" }, n: 1 });
    // the own "__proto__" key stays an own key holding the copy; the object's prototype is untouched
    expect(Object.hasOwn(msg.jsonish, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(msg.jsonish)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(msg.jsonish, "__proto__")!.value.held).toEqual({ name: "a", labels: { app: "db" } });
    expect(next.pods[0]!.labels.app).toBe("db");
    expect(ctx.pods[0]!.labels.app).toBe("web");
  });
});
