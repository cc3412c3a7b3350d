import { describe, expect, it } from "vitest";
import { jobLifecycleMachine, type JobLifecycleEvent } from "./job.lifecycle.machine.js";
import { lifecycleOf, stateName } from "../common/lifecycle.js";

// Expectations from the Job controller (job_controller.go, backoff_utils.go) and the Job docs: a
// failed pod is replaced no sooner than 10 s x 2^(failures since the last success - 1) after the
// last failure, at most 10 minutes; activeDeadlineSeconds counts from status.startTime and a sync
// at the deadline fails the Job (DeadlineExceeded); SuccessCriteriaMet precedes Complete and
// FailureTarget precedes Failed; Complete and Failed are final; a suspended Job runs no clock.

const lc = lifecycleOf(jobLifecycleMachine);
const start = () => lc.start(undefined).snapshot;
const run = (...events: JobLifecycleEvent[]) => events.reduce((s, e) => lc.step(s.snapshot, e), { snapshot: start(), timers: [], cancels: [], outputs: [] } as ReturnType<typeof lc.step>);
const where = (value: unknown) => {
  if (typeof value === "string") return value;
  const r = (value as { Running?: { pods: unknown; activeDeadline: unknown } }).Running;
  return r ? `Running.${stateName(r.pods)}+${stateName(r.activeDeadline)}` : stateName(value);
};
const fire = (snapshot: ReturnType<typeof start>, delay: "podFailureBackoff" | "activeDeadline") => {
  const id = delay === "podFailureBackoff" ? "job.Running.pods.backingOff" : "job.Running.activeDeadline.counting";
  return lc.step(snapshot, { type: `xstate.after.${delay}.${id}` } as never);
};

describe("a Job's lifecycle (job_controller.go)", () => {
  it("a Job without a deadline runs with no timer at all", () => {
    const s = run({ type: "JobRunning" });
    expect(where(s.snapshot.value)).toBe("Running.creating+none");
    expect(s.timers).toEqual([]);
  });

  it("a pod failure holds creation for the back-off; when it ends, a sync is asked for and creation resumes", () => {
    const s = run({ type: "JobRunning" }, { type: "PodFailureBackOff", delayMs: 10_000 });
    expect(where(s.snapshot.value)).toBe("Running.backingOff+none");
    expect(s.timers.map((t) => t.delayMs)).toEqual([10_000]);
    const over = fire(s.snapshot, "podFailureBackoff");
    expect(over.outputs).toEqual([{ type: "SyncJob" }]);
    expect(where(over.snapshot.value)).toBe("Running.creating+none");
  });

  it("a sync during the back-off books the back-off again for what is left of it", () => {
    const s = run({ type: "JobRunning" }, { type: "PodFailureBackOff", delayMs: 20_000 }, { type: "PodFailureBackOff", delayMs: 12_000 });
    expect(s.timers.map((t) => t.delayMs)).toEqual([12_000]);
    expect(s.cancels).toHaveLength(1);
  });

  it("activeDeadlineSeconds 30 seen at once books a sync in 30 s, which finds the deadline exceeded", () => {
    const s = run({ type: "JobRunning", deadlineMs: 30_000 });
    expect(where(s.snapshot.value)).toBe("Running.creating+counting");
    expect(s.timers.map((t) => t.delayMs)).toEqual([30_000]);
    const due = fire(s.snapshot, "activeDeadline");
    expect(due.outputs).toEqual([{ type: "SyncJob" }]);
    expect(where(due.snapshot.value)).toBe("Running.creating+exceeded");
    const failing = lc.step(due.snapshot, { type: "FailureTarget", reason: "DeadlineExceeded" });
    expect(where(failing.snapshot.value)).toBe("FailureTarget");
    expect(failing.snapshot.context.reason).toBe("DeadlineExceeded");
  });

  it("a Job that fails past its backoffLimit goes FailureTarget then Failed, final, and its clocks stop", () => {
    const s = run({ type: "JobRunning", deadlineMs: 60_000 }, { type: "PodFailureBackOff", delayMs: 10_000 }, { type: "FailureTarget", reason: "BackoffLimitExceeded" });
    expect(where(s.snapshot.value)).toBe("FailureTarget");
    expect(s.cancels).toHaveLength(2);
    const failed = lc.step(s.snapshot, { type: "Failed", reason: "BackoffLimitExceeded" });
    expect(where(failed.snapshot.value)).toBe("Failed");
    expect(failed.snapshot.status).toBe("done");
    // a finished Job never runs again
    expect(where(lc.step(failed.snapshot, { type: "JobRunning" }).snapshot.value)).toBe("Failed");
  });

  it("a Job that meets its completions goes SuccessCriteriaMet then Complete; FailureTarget cannot follow", () => {
    const s = run({ type: "JobRunning" }, { type: "SuccessCriteriaMet" });
    expect(where(s.snapshot.value)).toBe("SuccessCriteriaMet");
    expect(where(lc.step(s.snapshot, { type: "FailureTarget", reason: "BackoffLimitExceeded" }).snapshot.value)).toBe("SuccessCriteriaMet");
    const done = lc.step(s.snapshot, { type: "Complete" });
    expect(where(done.snapshot.value)).toBe("Complete");
    expect(done.snapshot.status).toBe("done");
  });

  it("suspending stops the deadline clock; resuming starts it again from what the sync saw", () => {
    const s = run({ type: "JobRunning", deadlineMs: 30_000 }, { type: "JobSuspended" });
    expect(where(s.snapshot.value)).toBe("Suspended");
    expect(s.cancels).toHaveLength(1);
    const resumed = lc.step(s.snapshot, { type: "JobRunning", deadlineMs: 30_000 });
    expect(where(resumed.snapshot.value)).toBe("Running.creating+counting");
    expect(resumed.timers.map((t) => t.delayMs)).toEqual([30_000]);
  });

  it("a controller that starts on a finished Job's status goes straight to Complete or Failed", () => {
    expect(where(run({ type: "Complete" }).snapshot.value)).toBe("Complete");
    expect(where(run({ type: "Failed", reason: "DeadlineExceeded" }).snapshot.value)).toBe("Failed");
  });
});
