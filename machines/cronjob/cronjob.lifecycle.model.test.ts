import { describe, expect, it } from "vitest";
import { lifecycleOf } from "../common/lifecycle.js";
import { cronJobLifecycleMachine } from "./cronjob.lifecycle.machine.js";

// Expectations from cronjob_controllerv2.go: a sync that returns requeueAfter puts the key back
// after that long (queue.AddAfter); a suspended CronJob, one whose schedule or time zone cannot
// be used, and one being deleted return no requeue and are synced again only when they change.

const lc = lifecycleOf(cronJobLifecycleMachine);

describe("the CronJob chart", () => {
  it("waits the booked time, then asks for a sync and is due", () => {
    const waiting = lc.step(lc.start(undefined).snapshot, { type: "NextScheduleBooked", delayMs: 60_100 });
    expect(waiting.snapshot.value).toEqual({ Scheduled: "waitingForNextSchedule" });
    expect(waiting.timers.map((t) => t.delayMs)).toEqual([60_100]);
    const due = lc.step(waiting.snapshot, { type: waiting.timers[0]!.event.type } as never);
    expect(due.outputs).toEqual([{ type: "SyncCronJob" }]);
    expect(due.snapshot.value).toEqual({ Scheduled: "due" });
  });
  it("a new booking replaces the old wait (the schedule changed, or the sync ran early)", () => {
    const waiting = lc.step(lc.start(undefined).snapshot, { type: "NextScheduleBooked", delayMs: 3_600_100 });
    const again = lc.step(waiting.snapshot, { type: "NextScheduleBooked", delayMs: 1_100 });
    expect(again.cancels).toEqual(waiting.timers.map((t) => t.id));
    expect(again.timers.map((t) => t.delayMs)).toEqual([1_100]);
  });
  it("suspended or with an unusable schedule it books nothing; resumed, it waits again", () => {
    const waiting = lc.step(lc.start(undefined).snapshot, { type: "NextScheduleBooked", delayMs: 60_100 });
    const suspended = lc.step(waiting.snapshot, { type: "Suspended" });
    expect(suspended.snapshot.value).toBe("Suspended");
    expect(suspended.cancels).toEqual(waiting.timers.map((t) => t.id));
    expect(suspended.timers).toEqual([]);
    const invalid = lc.step(suspended.snapshot, { type: "ScheduleInvalid", reason: "UnparseableSchedule" });
    expect([invalid.snapshot.value, invalid.snapshot.context.reason]).toEqual(["ScheduleInvalid", "UnparseableSchedule"]);
    const resumed = lc.step(invalid.snapshot, { type: "NextScheduleBooked", delayMs: 5_000 });
    expect(resumed.timers.map((t) => t.delayMs)).toEqual([5_000]);
  });
  it("a CronJob being deleted is done", () => {
    const s = lc.step(lc.start(undefined).snapshot, { type: "Deleting" });
    expect(s.snapshot.status).toBe("done");
  });
});
