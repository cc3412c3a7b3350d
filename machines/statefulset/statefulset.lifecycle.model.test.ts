import { describe, expect, it } from "vitest";
import { statefulSetLifecycleMachine, type StatefulSetLifecycleEvent } from "./statefulset.lifecycle.machine.js";
import { lifecycleOf, stateName } from "../common/lifecycle.js";
import { checkRolloutWithMinReadyPaths } from "../../test/support/model.js";

// Expectations from kubectl's StatefulSetStatusViewer (rollout_status.go) and syncStatefulSet's
// enqueueSSAfter (stateful_set.go): while readyReplicas < spec.replicas, "Waiting for N pods to be
// ready..."; then, with a partition, while updatedReplicas < replicas - partition, "Waiting for
// partitioned roll out to finish"; otherwise "partitioned roll out complete". Without rollingUpdate
// (OnDelete-free RollingUpdate), it waits until currentRevision == updateRevision. With
// minReadySeconds > 0 and availableReplicas != spec.replicas, the set is synced again then.

const lc = lifecycleOf(statefulSetLifecycleMachine);
const start = () => lc.start(undefined).snapshot;
const seen = (replicas: number, ready: number, updated: number, partition: number | undefined = 0, atUpdateRevision = updated === replicas, available = ready, minReadySecondsMs = 0): StatefulSetLifecycleEvent =>
  ({ type: "StatusComputed", replicas, ready, available, updated, ...(partition !== undefined ? { partition } : {}), atUpdateRevision, minReadySecondsMs });
const run = (...events: StatefulSetLifecycleEvent[]) => events.reduce((s, e) => lc.step(s.snapshot, e), { snapshot: start(), timers: [], cancels: [], outputs: [] } as ReturnType<typeof lc.step>);
const rollout = (v: unknown) => stateName((v as { Synced: { rollout: unknown } }).Synced.rollout);
const availability = (v: unknown) => stateName((v as { Synced: { availability: unknown } }).Synced.availability);

describe("a StatefulSet's rollout (kubectl rollout status sts, syncStatefulSet)", () => {
  it("is observed first, before any status", () => {
    expect(rollout(start().value)).toBe("Observing");
  });

  it("the docs' web (2 replicas, partition 0): waiting for pods to be ready, then rolled out", () => {
    expect(rollout(run(seen(2, 0, 1)).snapshot.value)).toBe("WaitingForPodsReady");
    expect(rollout(run(seen(2, 0, 1), seen(2, 1, 2)).snapshot.value)).toBe("WaitingForPodsReady");
    expect(rollout(run(seen(2, 0, 1), seen(2, 1, 2), seen(2, 2, 2)).snapshot.value)).toBe("RolledOut");
  });

  it("a new template rolls out above the partition: ready pods not yet updated wait, then the partitioned roll out completes", () => {
    expect(rollout(run(seen(3, 3, 3), seen(3, 3, 0, 2)).snapshot.value)).toBe("RollingOut");
    expect(rollout(run(seen(3, 3, 3), seen(3, 3, 0, 2), seen(3, 3, 1, 2)).snapshot.value)).toBe("RolledOut");
  });

  it("without rollingUpdate, it is rolled out when the current revision is the update revision", () => {
    expect(rollout(run(seen(2, 2, 1, undefined, false)).snapshot.value)).toBe("RollingOut");
    expect(rollout(run(seen(2, 2, 2, undefined, true)).snapshot.value)).toBe("RolledOut");
  });

  it("ready replicas waiting out minReadySeconds book one sync for then, and a later status does not push it back", () => {
    const s = run(seen(2, 2, 2, 0, true, 0, 10_000));
    expect(availability(s.snapshot.value)).toBe("awaitingMinReadySeconds");
    expect(s.timers.map((t) => t.delayMs)).toEqual([10_000]);
    const again = lc.step(s.snapshot, seen(2, 2, 2, 0, true, 1, 10_000));
    expect(again.timers).toEqual([]);
    const due = lc.step(again.snapshot, { type: "xstate.after.minReadySeconds.statefulset.Synced.availability.awaitingMinReadySeconds" } as never);
    expect(due.outputs).toEqual([{ type: "SyncStatefulSet" }]);
    expect(availability(due.snapshot.value)).toBe("settled");
  });

  it("without minReadySeconds, once every replica is available, or with no ready replica waiting, no sync is booked", () => {
    expect(run(seen(2, 2, 2, 0, true, 1, 0)).timers).toEqual([]);
    expect(run(seen(2, 0, 2, 0, true, 0, 10_000)).timers).toEqual([]);
    const s = run(seen(2, 2, 2, 0, true, 0, 10_000), seen(2, 2, 2, 0, true, 2, 10_000));
    expect(availability(s.snapshot.value)).toBe("settled");
    expect(s.cancels).toHaveLength(1);
  });

  it("on paths through every transition (createTestModel), the rollout reads as kubectl words it and a sync is booked exactly while ready pods wait out minReadySeconds", () => {
    const fired = { type: "xstate.after.minReadySeconds.statefulset.Synced.availability.awaitingMinReadySeconds" } as never;
    // web with 3 replicas: pods not ready; a partitioned rollout under way; one without rollingUpdate; done; waiting out minReadySeconds
    const statuses = [seen(3, 1, 1), seen(3, 3, 1, 1), seen(3, 3, 1, undefined, false), seen(3, 3, 3), seen(3, 3, 2, 1), seen(3, 3, 3, 0, true, 1, 10_000), seen(3, 2, 3, 0, true, 1, 10_000), seen(3, 3, 1, 1, false, 2, 10_000), seen(3, 3, 3, 0, true, 3, 10_000)];
    // StatefulSetStatusViewer, written out
    const viewer = (e: StatefulSetLifecycleEvent) =>
      e.ready < e.replicas ? "WaitingForPodsReady" : (e.partition !== undefined ? e.updated < e.replicas - e.partition : !e.atUpdateRevision) ? "RollingOut" : "RolledOut";
    // syncStatefulSet: availableReplicas != replicas with minReadySeconds > 0 enqueues after it; only a ready pod's wait ends by time
    const waits = (e: StatefulSetLifecycleEvent) => e.minReadySecondsMs > 0 && e.available !== e.replicas && e.ready !== e.available;
    const taken = checkRolloutWithMinReadyPaths(lc, statefulSetLifecycleMachine, statuses, fired as { type: string }, "SyncStatefulSet", viewer, waits, rollout, availability);
    // Observing (settled) and each of the three rollout states with either availability take every status; the wait fires in three of them.
    expect(taken.size).toBe((1 + 3 * 2) * statuses.length + 3);
  });
});
