import { describe, expect, it } from "vitest";
import { taintEvictionMachine, type TaintEvictionEvent } from "./tainteviction.machine.js";
import { lifecycleOf, stateName } from "../common/lifecycle.js";
import { afterAsEventsModel, serializeBy, transitionPaths } from "../../test/support/model.js";

// The expectations are the taint eviction controller's (pkg/controller/tainteviction): a pod that
// tolerates a NoExecute taint for tolerationSeconds is deleted that long after the taint's
// timeAdded (300 s for the not-ready and unreachable tolerations the DefaultTolerationSeconds
// admission adds); a taint removed in time cancels the deletion; a pod already being evicted is
// not evicted twice; nothing is booked for a pod evicted at once.

const lc = lifecycleOf(taintEvictionMachine);
const expired = { type: "xstate.after.tolerationSeconds.taintEviction.Scheduled" } as never;

describe("a pod's taint eviction (processPodOnNode)", () => {
  it("a pod tolerating the unreachable taint for the default 300 s, seen 5 s after the taint was added, is looked at again 295 s later", () => {
    const s = lc.start({ atMs: 300_000, nowMs: 5_000 });
    expect(stateName(s.snapshot.value)).toBe("Scheduled");
    expect(s.timers.map((t) => t.delayMs)).toEqual([295_000]);
    const due = lc.step(s.snapshot, expired);
    expect(stateName(due.snapshot.value)).toBe("Expired");
    expect(stateName(lc.step(due.snapshot, { type: "Evict" }).snapshot.value)).toBe("Evicting");
  });

  it("a taint removed in time cancels the booked deletion and its timer", () => {
    const s = lc.start({ atMs: 300_000, nowMs: 0 });
    const c = lc.step(s.snapshot, { type: "Cancel" });
    expect(c.snapshot.status).toBe("done");
    expect(c.cancels).toEqual(s.timers.map((t) => t.id));
  });

  it("a second taint with a shorter toleration (30 s) books the deletion earlier, replacing the first", () => {
    const s = lc.start({ atMs: 300_000, nowMs: 0 });
    const r = lc.step(s.snapshot, { type: "Reschedule", atMs: 40_000, now: 10_000 });
    expect(r.cancels).toEqual(s.timers.map((t) => t.id));
    expect(r.timers.map((t) => t.delayMs)).toEqual([30_000]);
  });

  it("on paths through every transition an evicting pod is never booked or cancelled again, and a cancelled one is finished", () => {
    const events: TaintEvictionEvent[] = [{ type: "Reschedule", atMs: 300_000, now: 5_000 }, { type: "Evict" }, { type: "Cancel" }, expired];
    const input = { atMs: 300_000, nowMs: 0 };
    const model = afterAsEventsModel(taintEvictionMachine, events, input);
    const taken = new Set<string>();
    for (const p of transitionPaths(model, serializeBy(() => null))) {
      let s = lc.start(input);
      let booked = s.timers.length;
      for (const step of p.steps.slice(1)) {
        const e = step.event as TaintEvictionEvent;
        const before = stateName(s.snapshot.value);
        const next = lc.step(s.snapshot, e);
        taken.add(`${before} ${e.type}`);
        const after = stateName(next.snapshot.value);
        expect(before, "nothing leaves Evicting or Cancelled").not.toMatch(/^(Evicting|Cancelled)$/);
        booked += next.timers.length - next.cancels.length;
        if (e.type === "Evict") expect(after).toBe("Evicting");
        if (e.type === "Cancel") expect(next.snapshot.status).toBe("done");
        if (e.type === "Reschedule") expect(next.timers.map((t) => t.delayMs)).toEqual([295_000]);
        if (e.type === expired.type) expect(after).toBe("Expired");
        // A booked deletion is pending exactly while the pod is Scheduled.
        expect(booked).toBe(after === "Scheduled" ? 1 : 0);
        expect(next.outputs).toEqual([]);
        s = next;
      }
    }
    expect([...taken].sort()).toEqual(["Expired Cancel", "Expired Evict", "Expired Reschedule", "Scheduled Cancel", "Scheduled Evict", "Scheduled Reschedule", `Scheduled ${expired.type}`].sort());
  });
});
