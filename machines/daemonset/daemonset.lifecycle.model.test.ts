import { describe, expect, it } from "vitest";
import { daemonSetLifecycleMachine, type DaemonSetLifecycleEvent } from "./daemonset.lifecycle.machine.js";
import { lifecycleOf, stateName } from "../common/lifecycle.js";
import { checkRolloutWithMinReadyPaths } from "../../test/support/model.js";

// Expectations from kubectl's DaemonSetStatusViewer (rollout_status.go) and updateDaemonSetStatus
// (daemon_controller.go): while updatedNumberScheduled < desiredNumberScheduled the rollout waits for
// "N out of M new pods have been updated", then while numberAvailable < desiredNumberScheduled for
// "N of M updated pods are available", then it "successfully rolled out"; a new template goes back to
// updating. When minReadySeconds > 0 and numberReady != numberAvailable, the DaemonSet is synced
// again after minReadySeconds.

const lc = lifecycleOf(daemonSetLifecycleMachine);
const start = () => lc.start(undefined).snapshot;
const seen = (desired: number, updated: number, available: number, ready = available, minReadySecondsMs = 0): DaemonSetLifecycleEvent =>
  ({ type: "StatusComputed", desired, updated, available, ready, minReadySecondsMs });
const run = (...events: DaemonSetLifecycleEvent[]) => events.reduce((s, e) => lc.step(s.snapshot, e), { snapshot: start(), timers: [], cancels: [], outputs: [] } as ReturnType<typeof lc.step>);
const rollout = (v: unknown) => stateName((v as { Synced: { rollout: unknown } }).Synced.rollout);
const availability = (v: unknown) => stateName((v as { Synced: { availability: unknown } }).Synced.availability);

describe("a DaemonSet's rollout (kubectl rollout status ds, updateDaemonSetStatus)", () => {
  it("is observed first, before any status", () => {
    expect(rollout(start().value)).toBe("Observing");
  });

  it("a new DaemonSet on 3 nodes: updating while pods are missing, waiting while they start, rolled out when all are available", () => {
    expect(rollout(run(seen(3, 0, 0)).snapshot.value)).toBe("Updating");
    expect(rollout(run(seen(3, 0, 0), seen(3, 3, 1)).snapshot.value)).toBe("WaitingForAvailability");
    expect(rollout(run(seen(3, 0, 0), seen(3, 3, 1), seen(3, 3, 3)).snapshot.value)).toBe("RolledOut");
  });

  it("a new template after the rollout goes back to updating", () => {
    expect(rollout(run(seen(3, 3, 3), seen(3, 0, 3)).snapshot.value)).toBe("Updating");
  });

  it("no node to run on is a finished rollout (0 of 0)", () => {
    expect(rollout(run(seen(0, 0, 0)).snapshot.value)).toBe("RolledOut");
  });

  it("ready pods waiting out minReadySeconds book one sync for then, and a later status does not push it back", () => {
    const s = run(seen(3, 3, 0, 3, 10_000));
    expect(availability(s.snapshot.value)).toBe("awaitingMinReadySeconds");
    expect(s.timers.map((t) => t.delayMs)).toEqual([10_000]);
    const again = lc.step(s.snapshot, seen(3, 3, 1, 3, 10_000));
    expect(again.timers).toEqual([]);
    expect(again.cancels).toEqual([]);
    const due = lc.step(again.snapshot, { type: "xstate.after.minReadySeconds.daemonset.Synced.availability.awaitingMinReadySeconds" } as never);
    expect(due.outputs).toEqual([{ type: "SyncDaemonSet" }]);
    expect(availability(due.snapshot.value)).toBe("settled");
  });

  it("without minReadySeconds, or once every ready pod is available, no sync is booked", () => {
    expect(run(seen(3, 3, 1, 3, 0)).timers).toEqual([]);
    const s = run(seen(3, 3, 0, 3, 10_000), seen(3, 3, 3, 3, 10_000));
    expect(availability(s.snapshot.value)).toBe("settled");
    expect(s.cancels).toHaveLength(1);
  });

  it("on paths through every transition (createTestModel), the rollout reads as kubectl words it and a sync is booked exactly while ready pods wait out minReadySeconds", () => {
    const fired = { type: "xstate.after.minReadySeconds.daemonset.Synced.availability.awaitingMinReadySeconds" } as never;
    // statuses of a DaemonSet on 3 nodes: missing pods, old pods, updated but unavailable, waiting out minReadySeconds, done
    const statuses = [seen(3, 0, 0), seen(3, 1, 3), seen(3, 3, 1), seen(3, 3, 3), seen(3, 3, 1, 3, 10_000), seen(3, 1, 1, 2, 10_000), seen(3, 3, 3, 3, 10_000)];
    // DaemonSetStatusViewer, written out
    const viewer = (e: DaemonSetLifecycleEvent) => (e.updated < e.desired ? "Updating" : e.available < e.desired ? "WaitingForAvailability" : "RolledOut");
    // updateDaemonSetStatus: MinReadySeconds > 0 && numberReady != numberAvailable enqueues after minReadySeconds
    const waits = (e: DaemonSetLifecycleEvent) => e.minReadySecondsMs > 0 && e.ready !== e.available;
    const taken = checkRolloutWithMinReadyPaths(lc, daemonSetLifecycleMachine, statuses, fired as { type: string }, "SyncDaemonSet", viewer, waits, rollout, availability);
    // Observing, Updating and WaitingForAvailability with either availability, and RolledOut settled take
    // every status; RolledOut is never waiting (a ready pod not yet available is not available), so
    // the wait fires in two states.
    expect(taken.size).toBe((1 + 2 * 2 + 1) * statuses.length + 2);
  });
});
