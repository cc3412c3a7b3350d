import { describe, expect, it } from "vitest";
import { jobLifecycleMachine, type JobLifecycleEvent } from "./job.lifecycle.machine.js";
import { lifecycleOf, stateName } from "../common/lifecycle.js";
import { afterAsEventsModel, serializeBy, transitionPaths } from "../../test/support/model.js";

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

  it("on paths through every transition (createTestModel), the state is what the last sync wrote and each clock runs exactly while its state lasts", () => {
    const backoffOver = { type: "xstate.after.podFailureBackoff.job.Running.pods.backingOff" } as never;
    const deadlineDue = { type: "xstate.after.activeDeadline.job.Running.activeDeadline.counting" } as never;
    const observations: JobLifecycleEvent[] = [
      { type: "JobRunning" }, { type: "JobRunning", deadlineMs: 30_000 },
      { type: "PodFailureBackOff", delayMs: 10_000 }, { type: "PodFailureBackOff", delayMs: 20_000, deadlineMs: 30_000 },
      { type: "JobSuspended" }, { type: "SuccessCriteriaMet" }, { type: "Complete" },
      { type: "FailureTarget", reason: "BackoffLimitExceeded" }, { type: "Failed", reason: "BackoffLimitExceeded" },
    ];
    const model = afterAsEventsModel(jobLifecycleMachine, [...observations, backoffOver, deadlineDue]);
    // Kubernetes' order of conditions: SuccessCriteriaMet only before Complete, FailureTarget only
    // before Failed, neither once the other is set; a finished Job takes nothing more.
    const finishes: Record<string, string> = { SuccessCriteriaMet: "SuccessCriteriaMet", Complete: "Complete", FailureTarget: "FailureTarget", Failed: "Failed" };
    const taken = new Set<string>();
    for (const p of transitionPaths(model, serializeBy(() => null))) {
      let s = start();
      const timers = new Map<string, number>();
      for (const step of p.steps.slice(1)) {
        const e = step.event as JobLifecycleEvent;
        const from = where(s.value);
        const next = lc.step(s, e);
        taken.add(`${from} ${e.type}`);
        for (const id of next.cancels) timers.delete(id);
        for (const t of next.timers) timers.set(t.id, t.delayMs);
        const to = where(next.snapshot.value);
        const deadline = (d: number | undefined) => (d === undefined ? "none" : "counting");
        if (e.type === (backoffOver as { type: string }).type) {
          // enqueueSyncJobWithDelay: the back-off is over, a sync creates the replacement pods
          expect(next.outputs).toEqual([{ type: "SyncJob" }]);
          expect(to).toBe(from.replace("backingOff", "creating"));
        } else if (e.type === (deadlineDue as { type: string }).type) {
          // the sync at the deadline finds it passed: it will write FailureTarget (DeadlineExceeded)
          expect(next.outputs).toEqual([{ type: "SyncJob" }]);
          expect(to).toBe(from.replace("counting", "exceeded"));
        } else {
          expect(next.outputs).toEqual([]);
          if (e.type in finishes) expect(to).toBe(finishes[e.type]);
          else if (e.type === "JobSuspended") expect(to).toBe("Suspended");
          else if (e.type === "JobRunning") expect(to).toBe(from.startsWith("Running.") ? from.replace("backingOff", "creating") : `Running.creating+${deadline(e.deadlineMs)}`);
          else expect(to).toBe(from.startsWith("Running.") ? `Running.backingOff+${from.split("+")[1]}` : `Running.backingOff+${deadline(e.deadlineMs)}`);
          if (e.type === "FailureTarget" || e.type === "Failed") expect(next.snapshot.context.reason).toBe(e.reason);
        }
        // the pod-failure back-off is booked for what the sync saw left of it, while backing off only;
        // the deadline while counting only: a suspended or finished Job runs no clock
        const booked = [...timers.values()].sort((a, b) => a - b);
        const want = [...(to.includes("backingOff") ? [s.context.backoffMs === 0 || e.type === "PodFailureBackOff" ? ("delayMs" in e ? e.delayMs : 0) : s.context.backoffMs] : []), ...(to.endsWith("counting") ? [30_000] : [])].sort((a, b) => a - b);
        expect(booked, `${from} ${e.type} -> ${to}`).toEqual(want);
        expect(next.snapshot.status).toBe(to === "Complete" || to === "Failed" ? "done" : "active");
        s = next.snapshot;
      }
    }
    // Created takes the seven kinds of observation; Suspended six (not itself); each of Running's six
    // states the six that suspend, finish or back off, plus JobRunning and the back-off's end while
    // backing off and the deadline while counting; SuccessCriteriaMet and FailureTarget their one end.
    const running = ["creating+none", "creating+counting", "creating+exceeded", "backingOff+none", "backingOff+counting", "backingOff+exceeded"];
    const backingOff = running.filter((r) => r.startsWith("backingOff")).length;
    const counting = running.filter((r) => r.endsWith("counting")).length;
    expect(taken.size).toBe(7 + 6 + running.length * 6 + backingOff * 2 + counting + 1 + 1);
  });
});
