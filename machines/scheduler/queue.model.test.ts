import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { lifecycleOf, stateName } from "../common/lifecycle.js";
import { podQueueMachine, type PodQueueEvent } from "./queue.machine.js";
import * as Q from "./queue.js";
import { freezeContext } from "../common/freeze.js";
import { lifecycleModelFor, serializeBy, transitionPaths } from "../../test/support/model.js";

// The oracle is kube-scheduler's documented queue behaviour (scheduling_queue.go, the default
// KubeSchedulerConfiguration): podInitialBackoffSeconds 1 doubling per attempt up to
// podMaxBackoffSeconds 10; podMaxInUnschedulablePodsDuration 5 minutes; the SchedulingGates
// PreEnqueue plugin; a failed binding backs the pod off. Written out here, never computed by the code under test.

const afterBackoff = { type: "xstate.after.podBackoff.pod-queue.backoffQ" };
const afterLeftover = { type: "xstate.after.podMaxInUnschedulablePodsDuration.pod-queue.unschedulablePods" };
const events: Array<PodQueueEvent | { type: string }> = [
  { type: "Add", gated: true },
  { type: "Add", gated: false },
  { type: "Update", gated: true, now: 500 },
  { type: "Update", gated: false, now: 500 },
  { type: "Pop" },
  { type: "Assume", node: "node-1" },
  { type: "Unschedulable", now: 0 },
  { type: "MoveRequest", now: 500 },
  { type: "MoveRequest", now: 20_000 },
  { type: "BindSucceeded" },
  { type: "BindFailed", now: 0 },
  { type: "Forget" },
  afterBackoff,
  afterLeftover,
];

/** kube-scheduler's back-off after n failed attempts: 1 s, 2 s, 4 s, 8 s, then 10 s. */
const backoffMs = (attempts: number) => Math.min(1000 * 2 ** (attempts - 1), 10_000);

interface Model { state: string; attempts: number; backoffUntil: number }

/** The pod's next place, attempts and back-off end, and the delays it starts, after `ev`. */
function oracle(m: Model, ev: any): Model & { delays: number[] } {
  const stay = { ...m, delays: [] };
  if (m.state === "forgotten") return stay;
  if (ev.type === "Forget") return { ...m, state: "forgotten", delays: [] };
  const move = (now: number) => (now < m.backoffUntil ? { ...m, state: "backoffQ", delays: [m.backoffUntil - now] } : { ...m, state: "activeQ", delays: [] });
  switch (m.state) {
    case "unqueued":
      return ev.type === "Add" ? { ...m, state: ev.gated ? "gated" : "activeQ", delays: [] } : stay;
    case "gated":
      // only removing the last gate lets it in: no cluster event or flush moves a gated pod
      return ev.type === "Update" && !ev.gated ? { ...m, state: "activeQ", delays: [] } : stay;
    case "activeQ":
      return ev.type === "Pop" ? { ...m, state: "scheduling", attempts: m.attempts + 1, delays: [] } : stay;
    case "scheduling":
      if (ev.type === "Assume") return { ...m, state: "assumed.binding", delays: [] };
      if (ev.type === "Unschedulable") return { ...m, state: "unschedulablePods", backoffUntil: ev.now + backoffMs(m.attempts), delays: [5 * 60_000] };
      return stay;
    case "unschedulablePods":
      if (ev.type === "MoveRequest" || ev.type === "Update") return move(ev.now);
      if (ev.type === afterLeftover.type) return { ...m, state: "activeQ", delays: [] };
      return stay;
    case "backoffQ":
      return ev.type === afterBackoff.type ? { ...m, state: "activeQ", delays: [] } : stay;
    case "assumed.binding":
      if (ev.type === "BindSucceeded") return { ...m, state: "assumed.bound", delays: [] };
      if (ev.type === "BindFailed") return { ...m, state: "backoffQ", attempts: 1, backoffUntil: ev.now + 1_000, delays: [1_000] };
      return stay;
    default:
      return stay;
  }
}

const abstract = (ctx: { attempts: number; node?: string }) => [Math.min(ctx.attempts, 5), ctx.node ?? null];

describe("a pod's place in the scheduling queue (model-based, every transition)", () => {
  const lc = lifecycleOf(podQueueMachine);
  const model = lifecycleModelFor(podQueueMachine, events, abstract);
  const paths = transitionPaths(model, serializeBy(abstract));

  it("reaches gated, activeQ, scheduling, backoffQ, unschedulablePods, assumed (binding, bound) and forgotten", () => {
    const seen = new Set(paths.flatMap((p) => p.steps.map((s) => stateName(s.state.value))));
    expect([...seen].sort()).toEqual(["activeQ", "assumed.binding", "assumed.bound", "backoffQ", "forgotten", "gated", "scheduling", "unqueued", "unschedulablePods"]);
  });

  it("on every path, each step moves the pod, counts attempts and starts the delays as kube-scheduler does", () => {
    expect(paths.length).toBeGreaterThan(30);
    for (const path of paths) {
      let snap = lc.start(undefined).snapshot;
      let m: Model = { state: "unqueued", attempts: 0, backoffUntil: 0 };
      for (const { event } of path.steps.slice(1)) {
        const want = oracle(m, event);
        const got = lc.step(Object.freeze(snap), event as PodQueueEvent);
        const ctx = got.snapshot.context;
        expect({ state: stateName(got.snapshot.value), attempts: ctx.attempts, backoffUntil: ctx.backoffUntil, delays: got.timers.map((t) => t.delayMs) }).toEqual(want);
        m = { state: want.state, attempts: want.attempts, backoffUntil: want.backoffUntil };
        snap = got.snapshot;
      }
    }
  });
});

const pod = (name: string, extra: Partial<NonNullable<Pod["spec"]>> = {}): Pod => ({
  apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" }, spec: { containers: [{ name: "c", image: "nginx" }], ...extra },
});
/** The pods activeQ would hand out, in order: popped from a copy (the queue is a value, so q is left as it was). */
function activeOrder(q: Q.SchedulingQueue): string[] {
  const copy = { ...q };
  const out: string[] = [];
  for (let qp = Q.popNext(copy); qp !== undefined; qp = Q.popNext(copy)) out.push(qp.key);
  return out;
}
const inActiveQ = (q: Q.SchedulingQueue, key: string) => activeOrder(q).includes(key);

describe("the scheduling queue over time", () => {
  it("a pod that fails scheduling twice waits 1 s, then 2 s, in backoffQ", () => {
    const q = Q.newQueue();
    Q.add(q, "default/p", pod("p"), 0);
    Q.markUnschedulable(q, Q.popNext(q)!, 0, []);
    Q.moveAllToActiveOrBackoff(q, 0, ["NodeAdd"]); // a node was added at once: the back-off still applies
    expect(q.backoff.has("default/p")).toBe(true);
    expect(Q.firstBackoffEnd(q)).toBe(1_000);
    Q.flushBackoffCompleted(q, 999);
    expect(inActiveQ(q, "default/p")).toBe(false);
    Q.flushBackoffCompleted(q, 1_000);
    expect(inActiveQ(q, "default/p")).toBe(true);
    Q.markUnschedulable(q, Q.popNext(q)!, 1_000, []);
    Q.moveAllToActiveOrBackoff(q, 1_000, ["NodeAdd"]);
    expect(Q.firstBackoffEnd(q)).toBe(3_000);
  });

  it("the back-off doubles per attempt and stops at 10 s", () => {
    const q = Q.newQueue();
    Q.add(q, "default/p", pod("p"), 0);
    const waits: number[] = [];
    let now = 0;
    for (let i = 0; i < 6; i++) {
      Q.markUnschedulable(q, Q.popNext(q)!, now, []);
      Q.moveAllToActiveOrBackoff(q, now, ["NodeAdd"]);
      const end = Q.firstBackoffEnd(q)!;
      waits.push(end - now);
      now = end;
      Q.flushBackoffCompleted(q, now);
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it("an unschedulable pod is flushed to activeQ after 5 minutes without any cluster event", () => {
    const q = Q.newQueue();
    Q.add(q, "default/p", pod("p"), 0);
    Q.markUnschedulable(q, Q.popNext(q)!, 0, []);
    Q.flushUnschedulableLeftover(q, 299_999);
    expect(q.unschedulable.has("default/p")).toBe(true);
    Q.flushUnschedulableLeftover(q, 300_000);
    expect(q.unschedulable.has("default/p")).toBe(false);
    expect(inActiveQ(q, "default/p")).toBe(true);
  });

  it("a gated pod never reaches activeQ, whatever happens, until its gates are removed", () => {
    const q = Q.newQueue();
    Q.add(q, "default/g", pod("g", { schedulingGates: [{ name: "example.com/wait" }] }), 0);
    Q.moveAllToActiveOrBackoff(q, 10_000, ["NodeAdd"]);
    Q.flushBackoffCompleted(q, 600_000);
    Q.flushUnschedulableLeftover(q, 600_000);
    Q.update(q, "default/g", pod("g", { schedulingGates: [{ name: "example.com/wait" }], priority: 5 }), 600_000);
    expect(Q.hasActive(q)).toBe(false);
    Q.update(q, "default/g", pod("g"), 700_000);
    expect(inActiveQ(q, "default/g")).toBe(true);
  });

  it("activeQ pops the higher priority first, then the pod that entered first", () => {
    const q = Q.newQueue();
    Q.add(q, "default/late-low", pod("late-low", { priority: 0 }), 2);
    Q.add(q, "default/early-low", pod("early-low", { priority: 0 }), 1);
    Q.add(q, "default/high", pod("high", { priority: 1000 }), 3);
    expect([Q.popNext(q)!.key, Q.popNext(q)!.key, Q.popNext(q)!.key]).toEqual(["default/high", "default/early-low", "default/late-low"]);
  });

  it("a failed binding forgets the node and backs the pod off for 1 s; a deleted pod is forgotten wherever it is", () => {
    const q = Q.newQueue();
    Q.add(q, "default/p", pod("p"), 0);
    Q.markAssumed(q, Q.popNext(q)!, "node-1");
    expect(Q.assumedNode(q, "default/p")).toBe("node-1");
    Q.markBindFailed(q, "default/p", pod("p"), 50);
    expect(Q.assumedNode(q, "default/p")).toBeUndefined();
    expect(Q.firstBackoffEnd(q)).toBe(1_050);
    Q.remove(q, "default/p");
    expect([q.known.size, q.backoff.size, Q.firstBackoffEnd(q)]).toEqual([0, 0, undefined]);
  });

  it("a pod deleted while in activeQ is never popped; the others keep their order", () => {
    const q = Q.newQueue();
    for (let i = 0; i < 200; i++) Q.add(q, `default/p${i}`, pod(`p${i}`), i);
    for (let i = 0; i < 200; i++) if (i % 3 !== 0) Q.remove(q, `default/p${i}`);
    const left = Array.from({ length: 200 }, (_, i) => i).filter((i) => i % 3 === 0).map((i) => `default/p${i}`);
    expect(activeOrder(q)).toEqual(left);
    expect(Q.hasActive(q)).toBe(true);
    for (const key of left) Q.remove(q, key);
    expect([Q.hasActive(q), Q.popNext(q)]).toEqual([false, undefined]);
  });

  it("every operation leaves a frozen queue as it was and gives the next queue", () => {
    const q = Q.newQueue();
    Q.add(q, "default/a", pod("a"), 0);
    Q.add(q, "default/b", pod("b", { priority: 10 }), 1);
    freezeContext(q);
    const next = { ...q };
    Q.markUnschedulable(next, Q.popNext(next)!, 5, []);
    Q.add(next, "default/c", pod("c"), 6);
    Q.moveAllToActiveOrBackoff(next, 7, ["NodeAdd"]);
    expect(activeOrder(q)).toEqual(["default/b", "default/a"]);
    expect(activeOrder(next)).toEqual(["default/a", "default/c"]);
    expect([...next.backoff]).toEqual(["default/b"]);
  });
});
