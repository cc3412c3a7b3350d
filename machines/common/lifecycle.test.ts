import { describe, expect, it } from "vitest";
import { assign, emit, setup } from "xstate";
import { Fx } from "./effects.js";
import { lifecycleOf, scheduleLifecycleTimers, stateName } from "./lifecycle.js";

// A back-off lifecycle written for these tests: the mechanism is under test, not a component.
const backoff = setup({
  types: {
    context: {} as { failures: number; delayMs: number },
    events: {} as { type: "Fail" } | { type: "Succeed" } | { type: "Stop" },
    input: {} as { delayMs: number },
    emitted: {} as { type: "Retry"; attempt: number },
  },
  delays: { backoff: ({ context }) => context.delayMs },
  actions: {
    countFailure: assign({ failures: ({ context }) => context.failures + 1, delayMs: ({ context }) => context.delayMs * 2 }),
    askRetry: emit(({ context }) => ({ type: "Retry" as const, attempt: context.failures })),
  },
}).createMachine({
  id: "backoff",
  context: ({ input }) => ({ failures: 0, delayMs: input.delayMs }),
  initial: "trying",
  states: {
    trying: { on: { Fail: { target: "waiting", actions: "countFailure" }, Succeed: "done" } },
    waiting: { after: { backoff: { target: "trying", actions: "askRetry" } }, on: { Stop: "done" } },
    done: { type: "final" },
  },
});

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Reflect.ownKeys(v)) deepFreeze((v as Record<PropertyKey, unknown>)[k]);
  }
  return v;
}

describe("a lifecycle stepped as a value", () => {
  const lc = lifecycleOf(backoff);

  it("enters its initial state with the input's context and asks for nothing", () => {
    const s = lc.start({ delayMs: 10_000 });
    expect(stateName(s.snapshot.value)).toBe("trying");
    expect(s.snapshot.context).toEqual({ failures: 0, delayMs: 10_000 });
    expect([s.outputs, s.timers, s.cancels]).toEqual([[], [], []]);
  });

  it("turns an after transition into a timer with the delay computed from the context at entry", () => {
    const s = lc.step(lc.start({ delayMs: 10_000 }).snapshot, { type: "Fail" });
    expect(stateName(s.snapshot.value)).toBe("waiting");
    expect(s.timers).toHaveLength(1);
    expect(s.timers[0]!.delayMs).toBe(20_000);
  });

  it("steps a deep-frozen snapshot, leaves it untouched, and gives the same answer twice", () => {
    const frozen = deepFreeze(lc.step(lc.start({ delayMs: 10_000 }).snapshot, { type: "Fail" }).snapshot);
    const before = JSON.stringify(frozen);
    const a = lc.step(frozen, { type: "Stop" });
    const b = lc.step(frozen, { type: "Stop" });
    expect(JSON.stringify(frozen)).toBe(before);
    expect(stateName(a.snapshot.value)).toBe("done");
    expect(JSON.stringify(a.snapshot)).toBe(JSON.stringify(b.snapshot));
    expect(a.cancels).toEqual(b.cancels);
  });

  it("cancels the pending after when the state is left before it fires", () => {
    const waiting = lc.step(lc.start({ delayMs: 10_000 }).snapshot, { type: "Fail" });
    const stopped = lc.step(waiting.snapshot, { type: "Stop" });
    expect(stopped.cancels).toEqual([waiting.timers[0]!.id]);
  });

  it("delivers the timer's event back and emits the outputs of the transition it takes", () => {
    const waiting = lc.step(lc.start({ delayMs: 10_000 }).snapshot, { type: "Fail" });
    const retried = lc.step(waiting.snapshot, waiting.timers[0]!.event as never);
    expect(stateName(retried.snapshot.value)).toBe("trying");
    expect(retried.outputs).toEqual([{ type: "Retry", attempt: 1 }]);
  });

  it("hands timers and cancels to the outbox under keys of the instance", () => {
    const waiting = lc.step(lc.start({ delayMs: 10_000 }).snapshot, { type: "Fail" });
    const fx = new Fx();
    scheduleLifecycleTimers(fx, "pod-a/web", waiting, (event) => ({ type: "ContainerTimer", container: "web", event }));
    expect(fx.timers).toEqual([{ key: `pod-a/web|${waiting.timers[0]!.id}`, ms: 20_000, event: { type: "ContainerTimer", container: "web", event: waiting.timers[0]!.event }, background: false }]);
    const fx2 = new Fx();
    scheduleLifecycleTimers(fx2, "pod-a/web", lc.step(waiting.snapshot, { type: "Stop" }), (event) => ({ type: "ContainerTimer", event }));
    expect(fx2.cancels).toEqual([`pod-a/web|${waiting.timers[0]!.id}`]);
  });
});

describe("stateName", () => {
  it("joins nested state values into a dotted path", () => {
    expect(stateName({ waiting: "crashLoopBackOff" })).toBe("waiting.crashLoopBackOff");
    expect(stateName("running")).toBe("running");
    expect(stateName({ syncPod: { containers: "starting" } })).toBe("syncPod.containers.starting");
  });
});
