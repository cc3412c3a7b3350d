import { describe, expect, it } from "vitest";
import { lifecycleOf } from "../common/lifecycle.js";
import { cronJobLifecycleMachine, type CronJobLifecycleEvent } from "./cronjob.lifecycle.machine.js";
import { afterAsEventsModel, serializeBy, transitionPaths } from "../../test/support/model.js";

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

  it("on paths through every transition (createTestModel), each sync's result decides the state, and a wake-up is booked exactly while waiting for the next schedule time", () => {
    const fired = { type: "xstate.after.nextScheduleTime.cronjob.Scheduled.waitingForNextSchedule" } as never;
    const observations: CronJobLifecycleEvent[] = [{ type: "NextScheduleBooked", delayMs: 60_100 }, { type: "Suspended" }, { type: "ScheduleInvalid", reason: "UnknownTimeZone" }, { type: "Deleting" }];
    // syncCronJob's outcome, as cronjob_controllerv2.go names it: requeueAfter the next time, or none.
    const expected: Record<string, unknown> = { NextScheduleBooked: { Scheduled: "waitingForNextSchedule" }, Suspended: "Suspended", ScheduleInvalid: "ScheduleInvalid", Deleting: "Deleting" };
    const model = afterAsEventsModel(cronJobLifecycleMachine, [...observations, fired]);
    const taken = new Set<string>();
    for (const p of transitionPaths(model, serializeBy(() => null))) {
      let s = lc.start(undefined);
      let pending = 0;
      for (const step of p.steps.slice(1)) {
        const e = step.event as CronJobLifecycleEvent;
        const next = lc.step(s.snapshot, e);
        taken.add(`${JSON.stringify(s.snapshot.value)} ${e.type}`);
        pending += next.timers.length - next.cancels.length;
        if (e.type === (fired as { type: string }).type) {
          // queue.AddAfter's key comes back: one sync, which starts the Job (or records why not)
          expect(next.outputs).toEqual([{ type: "SyncCronJob" }]);
          expect(next.snapshot.value).toEqual({ Scheduled: "due" });
        } else {
          expect(next.snapshot.value).toEqual(expected[e.type]);
          expect(next.outputs).toEqual([]);
          expect(next.timers.map((t) => t.delayMs)).toEqual(e.type === "NextScheduleBooked" ? [60_100] : []);
          if (e.type === "ScheduleInvalid") expect(next.snapshot.context.reason).toBe("UnknownTimeZone");
        }
        // a deleted CronJob is never synced again by time
        expect(next.snapshot.status).toBe(e.type === "Deleting" ? "done" : "active");
        expect(pending).toBe(JSON.stringify(next.snapshot.value) === JSON.stringify({ Scheduled: "waitingForNextSchedule" }) ? 1 : 0);
        s = next;
      }
    }
    // Created, waiting, due, Suspended and ScheduleInvalid each take the four sync results; the wait fires once.
    expect(taken.size).toBe(5 * 4 + 1);
  });
});
