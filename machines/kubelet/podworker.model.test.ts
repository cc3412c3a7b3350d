import { describe, expect, it } from "vitest";
import { createTestModel } from "@xstate/graph";
import type { AnyStateMachine } from "xstate";
import { podWorkerMachine, type PodWorkerEvent } from "./podworker.machine.js";
import { lifecycleOf } from "../common/lifecycle.js";
import { isolated, serializeBy, transitionPaths } from "../../test/support/model.js";

// The expectations are pod_workers.go's: a pod worker only moves forward, SyncPod (sandbox, then
// network, then containers) -> TerminatingPod -> TerminatedPod; a requeue never changes where it
// is, a later requeue replaces an earlier one, and a removed worker is never synced again.

/**
 * createTestModel refuses charts with `after`; here the delayed event is an ordinary event the test
 * sends (as the kubelet does when the runtime's timer fires), so its check sees a root without them.
 */
function timedModel(machine: AnyStateMachine, events: (s: any) => any[], abstract: (ctx: any) => unknown) {
  const m = Object.create(isolated(machine));
  Object.defineProperty(m, "root", { value: { invoke: [], after: [], entry: [], exit: [], transitions: new Map(), states: {} } });
  const model = createTestModel(m, { serializeState: serializeBy(abstract) } as any);
  (model as any).options.events = events;
  (model as any).options.limit = 10_000;
  return model;
}

const requeueFired = { type: "xstate.after.requeueDelay.podWorker.worker.workQueue.queued" } as never;
const events: PodWorkerEvent[] = [
  { type: "SandboxReady" }, { type: "NetworkReady" }, { type: "Terminate" }, { type: "ContainersStopped" }, { type: "AlreadyTerminal" },
  { type: "Requeue", delayMs: 10_000 }, { type: "Forget" }, requeueFired,
];
const order = ["SyncPod.sandbox", "SyncPod.network", "SyncPod.containers", "TerminatingPod", "TerminatedPod"];
const where = (v: any): string => (typeof v.worker.lifecycle === "string" ? v.worker.lifecycle : `SyncPod.${v.worker.lifecycle.SyncPod}`);

describe("the pod worker (pod_workers.go)", () => {
  const lc = lifecycleOf(podWorkerMachine);

  it("on paths through every transition it only moves forward, and its work queue never moves it", () => {
    const abstract = () => null;
    const paths = transitionPaths(timedModel(podWorkerMachine, (s: any) => events.filter((e) => s.can(e)), abstract), serializeBy(abstract));
    const taken = new Set<string>();
    for (const p of paths) {
      let snap = lc.start(undefined as never).snapshot;
      let queued = 0;
      for (const step of p.steps.slice(1)) {
        const r = lc.step(snap, step.event);
        const [before, after] = [where(snap.value), where(r.snapshot.value)];
        taken.add(`${before}/${(snap.value as any).worker.workQueue} ${step.event.type}`);
        expect(order.indexOf(after), `${before} --${step.event.type}--> ${after}`).toBeGreaterThanOrEqual(order.indexOf(before));
        if (["Requeue", "Forget", requeueFired.type].includes(step.event.type)) expect(after).toBe(before);
        // One requeue at most is pending: a new one cancels the old; firing or forgetting leaves none.
        queued += r.timers.length - r.cancels.length;
        expect(queued).toBe((r.snapshot.value as any).worker.workQueue === "queued" ? 1 : 0);
        expect(r.outputs).toEqual(step.event.type === requeueFired.type ? [{ type: "Resync" }] : []);
        snap = r.snapshot;
      }
    }
    expect(taken.size).toBeGreaterThanOrEqual(30);
  });

  it("syncs a new pod in Kubernetes' order: sandbox, network, containers", () => {
    let s = lc.start(undefined as never).snapshot;
    const seen = [where(s.value)];
    for (const type of ["NetworkReady", "SandboxReady", "SandboxReady", "NetworkReady"] as const) {
      s = lc.step(s, { type }).snapshot;
      seen.push(where(s.value));
    }
    expect(seen).toEqual(["SyncPod.sandbox", "SyncPod.sandbox", "SyncPod.network", "SyncPod.network", "SyncPod.containers"]);
  });

  it("a requeue after 10 s replaced by one after 1 s comes back once, after 1 s", () => {
    const a = lc.step(lc.start(undefined as never).snapshot, { type: "Requeue", delayMs: 10_000 });
    const b = lc.step(a.snapshot, { type: "Requeue", delayMs: 1_000 });
    expect(b.cancels).toEqual([a.timers[0]!.id]);
    expect(b.timers.map((t) => t.delayMs)).toEqual([1_000]);
    const fired = lc.step(b.snapshot, requeueFired);
    expect(fired.outputs).toEqual([{ type: "Resync" }]);
    expect(lc.step(fired.snapshot, requeueFired).outputs).toEqual([]);
  });

  it("a TerminatedPod worker stays TerminatedPod whatever happens", () => {
    let s = lc.step(lc.start(undefined as never).snapshot, { type: "AlreadyTerminal" }).snapshot;
    for (const e of events) s = lc.step(s, e).snapshot;
    expect(where(s.value)).toBe("TerminatedPod");
  });
});
