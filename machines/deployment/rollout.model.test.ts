import { describe, expect, it } from "vitest";
import { rolloutMachine, type RolloutEvent } from "./rollout.machine.js";
import { lifecycleOf, stateName } from "../common/lifecycle.js";
import { afterAsEventsModel, serializeBy, transitionPaths } from "../../test/support/model.js";

// The expectations are the Deployment controller's (progress.go requeueStuckDeployment, sync.go
// checkPausedConditions) and kubectl rollout status': a rollout in progress is looked at again
// progressDeadlineSeconds (600 s by default) after its Progressing condition's lastUpdateTime, plus
// one second; progress refreshes lastUpdateTime and so moves the deadline; a complete, timed out
// or paused rollout is never looked at for its deadline.

const lc = lifecycleOf(rolloutMachine);
const deadlineFired = { type: "xstate.after.progressDeadline.rollout.Progressing.progressDeadline.counting" } as never;
const at = (type: RolloutEvent["type"], lastUpdateS: number, nowS: number, progressDeadlineSeconds = 600): RolloutEvent => ({ type, lastUpdateMs: lastUpdateS * 1000, now: nowS * 1000, progressDeadlineSeconds });
/** The rollout's state as kubectl and the Progressing condition name it. */
const where = (value: unknown) => (typeof value === "string" ? value : `Progressing.${stateName((value as { Progressing: { reason: unknown } }).Progressing.reason)}`);

describe("a Deployment's rollout (progress.go, sync.go)", () => {
  it("a new ReplicaSet created at 0 s with the default 600 s deadline is looked at again at 601 s", () => {
    const s = lc.step(lc.start(undefined).snapshot, at("NewReplicaSetCreated", 0, 0));
    expect(where(s.snapshot.value)).toBe("Progressing.NewReplicaSetCreated");
    expect(s.timers.map((t) => t.delayMs)).toEqual([601_000]);
    const fired = lc.step(s.snapshot, deadlineFired);
    expect(fired.outputs).toEqual([{ type: "CheckProgress" }]);
    // That sync finds no progress since 0 s: ProgressDeadlineExceeded, and nothing more is booked.
    const timedOut = lc.step(fired.snapshot, at("ProgressDeadlineExceeded", 601, 601));
    expect(where(timedOut.snapshot.value)).toBe("ProgressDeadlineExceeded");
    expect(timedOut.timers).toEqual([]);
  });

  it("progress at 300 s (ReplicaSetUpdated) moves the check from 601 s to 901 s; progressDeadlineSeconds 60 checks at 61 s", () => {
    const created = lc.step(lc.start(undefined).snapshot, at("NewReplicaSetCreated", 0, 0));
    const updated = lc.step(created.snapshot, at("ReplicaSetUpdated", 300, 300));
    expect(updated.cancels).toEqual(created.timers.map((t) => t.id));
    expect(updated.timers.map((t) => t.delayMs)).toEqual([601_000]);
    // A sync at 200 s that finds no progress since 0 s keeps the check at 601 s.
    expect(lc.step(created.snapshot, at("ReplicaSetUpdated", 0, 200)).timers.map((t) => t.delayMs)).toEqual([401_000]);
    expect(lc.step(lc.start(undefined).snapshot, at("NewReplicaSetCreated", 0, 0, 60)).timers.map((t) => t.delayMs)).toEqual([61_000]);
  });

  it("completing the rollout (NewReplicaSetAvailable) calls the deadline check off", () => {
    const created = lc.step(lc.start(undefined).snapshot, at("NewReplicaSetCreated", 0, 0));
    const done = lc.step(created.snapshot, at("NewReplicaSetAvailable", 20, 20));
    expect(where(done.snapshot.value)).toBe("Complete");
    expect(done.cancels).toEqual(created.timers.map((t) => t.id));
  });

  it("a Deployment paused for an hour and resumed is looked at 601 s after the resume, not at once", () => {
    const paused = lc.step(lc.step(lc.start(undefined).snapshot, at("NewReplicaSetCreated", 0, 0)).snapshot, at("DeploymentPaused", 10, 10));
    expect(where(paused.snapshot.value)).toBe("Paused");
    expect(paused.timers).toEqual([]);
    const resumed = lc.step(paused.snapshot, at("DeploymentResumed", 3_610, 3_610));
    expect(where(resumed.snapshot.value)).toBe("Progressing.DeploymentResumed");
    expect(resumed.timers.map((t) => t.delayMs)).toEqual([601_000]);
  });

  it("on paths through every transition the state is what the last sync wrote, and a deadline check is pending exactly while Progressing", () => {
    const reasons: RolloutEvent["type"][] = ["NewReplicaSetCreated", "FoundNewReplicaSet", "ReplicaSetUpdated", "DeploymentResumed", "NewReplicaSetAvailable", "ProgressDeadlineExceeded", "DeploymentPaused"];
    const events = [...reasons.map((r) => at(r, 100, 150)), deadlineFired];
    const model = afterAsEventsModel(rolloutMachine, events);
    const expected: Record<string, string> = { NewReplicaSetAvailable: "Complete", ProgressDeadlineExceeded: "ProgressDeadlineExceeded", DeploymentPaused: "Paused" };
    const taken = new Set<string>();
    for (const p of transitionPaths(model, serializeBy(() => null))) {
      let s = lc.start(undefined);
      let pending = 0;
      for (const step of p.steps.slice(1)) {
        const e = step.event as RolloutEvent;
        const next = lc.step(s.snapshot, e);
        taken.add(`${JSON.stringify(s.snapshot.value)} ${e.type}`);
        pending += next.timers.length - next.cancels.length;
        const after = where(next.snapshot.value);
        if (e.type === deadlineFired.type) {
          expect(after).toBe(where(s.snapshot.value));
          expect(next.outputs).toEqual([{ type: "CheckProgress" }]);
        } else {
          expect(after).toBe(expected[e.type] ?? `Progressing.${e.type}`);
          expect(next.outputs).toEqual([]);
          // Booked for lastUpdateTime (100 s) + 600 s + 1 s, seen at 150 s.
          expect(next.timers.map((t) => t.delayMs)).toEqual(after.startsWith("Progressing") ? [551_000] : []);
        }
        expect(pending, after).toBe((next.snapshot.value as { Progressing?: { progressDeadline: string } }).Progressing?.progressDeadline === "counting" ? 1 : 0);
        s = next;
      }
    }
    // Created, four Progressing reasons each counting or checking, and three other states, each seeing seven reasons; four deadlines firing.
    expect(taken.size).toBe((1 + 4 * 2 + 3) * 7 + 4);
  });
});
