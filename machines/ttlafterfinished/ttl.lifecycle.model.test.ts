import { describe, expect, it } from "vitest";
import { ttlLifecycleMachine } from "./ttl.lifecycle.machine.js";
import { lifecycleOf } from "../common/lifecycle.js";
import * as L from "./ttl.logic.js";

// Expectations from pkg/controller/ttlafterfinished: the finish time is the Complete or Failed
// condition's lastTransitionTime; a Job is looked at again when its TTL runs out, then deleted.

const lc = lifecycleOf(ttlLifecycleMachine);
const T0 = Date.parse("2026-01-01T00:00:00Z");
const finished = (type: string, ttl: number | undefined) => ({ spec: { ttlSecondsAfterFinished: ttl, template: {} }, status: { conditions: [{ type, status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }] } });

describe("the TTL of a finished Job (ttlafterfinished_controller.go)", () => {
  it("timeLeft counts from the Complete or Failed condition's lastTransitionTime", () => {
    expect(L.timeLeftMs(finished("Complete", 100) as never, T0 + 30_000)).toBe(70_000);
    expect(L.timeLeftMs(finished("Failed", 0) as never, T0 + 1)).toBe(-1);
    expect(L.timeLeftMs(finished("Complete", undefined) as never, T0)).toBeUndefined();
    expect(L.timeLeftMs(finished("SuccessCriteriaMet", 100) as never, T0)).toBeUndefined();
  });
  it("waits what is left, asks for a sync when it runs out, and is final once deleted", () => {
    const waiting = lc.step(lc.start(undefined).snapshot, { type: "Finished", leftMs: 70_000 });
    expect(waiting.snapshot.value).toBe("waitingForTTL");
    expect(waiting.timers.map((t) => t.delayMs)).toEqual([70_000]);
    const out = lc.step(waiting.snapshot, { type: "xstate.after.ttlAfterFinished.ttl.waitingForTTL" } as never);
    expect(out.outputs).toEqual([{ type: "SyncJob" }]);
    expect(out.snapshot.value).toBe("expired");
    const gone = lc.step(out.snapshot, { type: "Deleted" });
    expect(gone.snapshot.status).toBe("done");
  });
  it("a TTL raised while waiting books the new wait instead", () => {
    const waiting = lc.step(lc.start(undefined).snapshot, { type: "Finished", leftMs: 70_000 });
    const raised = lc.step(waiting.snapshot, { type: "Finished", leftMs: 500_000 });
    expect(raised.cancels).toEqual(waiting.timers.map((t) => t.id));
    expect(raised.timers.map((t) => t.delayMs)).toEqual([500_000]);
  });
});
