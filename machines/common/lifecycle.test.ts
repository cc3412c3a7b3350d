import { describe, expect, it } from "vitest";
import { assign, emit, setup, transition } from "xstate";
import fc from "fast-check";
import { activeMutants, setMutants } from "./mutation.js";
import { Fx } from "./effects.js";
import { keep, lifecycleOf, scheduleLifecycleTimers, stateName, stepsPerContextMax, type KeptLifecycle } from "./lifecycle.js";

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

// Two parallel regions whose eventless transitions both fire on one event: the order of their
// emits, and the key order of the state value, follow the order of XState's active state nodes,
// which a cached resolution must reproduce exactly.
const twoRegions = setup({
  types: {
    context: {} as { armed: boolean; n: number },
    events: {} as { type: "Arm" } | { type: "Reset" } | { type: "Tick" },
    input: {} as { n: number } | undefined,
    emitted: {} as { type: "Fired"; region: string },
  },
  delays: { tick: ({ context }) => 1000 * (context.n + 1) },
  guards: { isArmed: ({ context }) => context.armed },
  actions: {
    arm: assign({ armed: true, n: ({ context }) => context.n + 1 }),
    disarm: assign({ armed: false }),
    fireLeft: emit({ type: "Fired" as const, region: "left" }),
    fireRight: emit({ type: "Fired" as const, region: "right" }),
  },
}).createMachine({
  id: "twoRegions",
  context: ({ input }) => ({ armed: false, n: input?.n ?? 0 }),
  type: "parallel",
  on: { Arm: { actions: "arm" }, Reset: { target: [".left.idle", ".right.idle"], actions: "disarm" } },
  states: {
    left: { initial: "idle", states: { idle: { always: { guard: "isArmed", target: "fired", actions: "fireLeft" } }, fired: { after: { tick: "idle" } } } },
    right: { initial: "idle", states: { idle: { always: { guard: "isArmed", target: "fired", actions: "fireRight" } }, fired: {} } },
  },
});

describe("a kept lifecycle resolved from its cache", () => {
  const lc = lifecycleOf(twoRegions);
  // the reference: XState's own resolveState on every step, as before the cache
  const reference = (kept: KeptLifecycle<typeof twoRegions>, event: Parameters<typeof lc.step>[1]) => lc.step(twoRegions.resolveState(kept as never) as never, event);
  const seen = (s: ReturnType<typeof lc.step>) => JSON.stringify([s.snapshot.value, s.snapshot.context, s.snapshot.status, s.outputs, s.timers, s.cancels]);

  it("steps exactly as a fresh resolveState would, event after event, in parallel regions", () => {
    const events = [{ type: "Arm" }, { type: "Reset" }, { type: "Arm" }, { type: "Tick" }, { type: "Reset" }, { type: "Reset" }, { type: "Arm" }] as const;
    let a = keep(lc.start({ n: 1 }).snapshot);
    let b = a;
    const fired: string[] = [];
    for (const event of events) {
      const got = lc.step(lc.resolve(a), event);
      const want = reference(b, event);
      expect(seen(got)).toBe(seen(want));
      a = keep(got.snapshot);
      b = keep(want.snapshot);
      fired.push(...got.outputs.map((o) => o.region));
    }
    // each Arm fires both regions in one step: the order of their emits was under test
    expect(fired).toEqual(["left", "right", "left", "right", "left", "right"]);
  });

  it("gives each resolved snapshot the kept context and its own children and history", () => {
    const kept = keep(lc.step(lc.start(undefined).snapshot, { type: "Arm" }).snapshot);
    const x = lc.resolve(kept);
    const y = lc.resolve({ value: kept.value, context: { armed: false, n: 7 } });
    expect(x.context).toBe(kept.context);
    expect(y.context).toEqual({ armed: false, n: 7 });
    expect(x.children).not.toBe(y.children);
    expect(x.historyValue).not.toBe(y.historyValue);
    expect(x.status).toBe("active");
  });

  it("starts the same primitive input to equal snapshots with lists of its own each time", () => {
    const first = lc.start({ n: 2 });
    first.outputs.push({ type: "Fired", region: "caller" });
    const second = lc.start({ n: 2 });
    expect(second.outputs).toEqual([]);
    expect(second.snapshot.context).toEqual({ armed: false, n: 2 });
    expect(lc.start({ n: 3 }).snapshot.context).toEqual({ armed: false, n: 3 });
  });
});

// Steps are remembered per context and event: many instances stepped along random paths from one
// start must each get exactly what XState's public transition() gives for its own snapshot
// (state value, context, emitted events, delays asked for and canceled), whether the step was
// taken before by another instance or not.
const counter = setup({
  types: {
    context: {} as { n: number; label: string },
    events: {} as { type: "Add"; by: number } | { type: "Name"; label: string } | { type: "Tick"; now: number } | { type: "Back" },
    emitted: {} as { type: "Big"; n: number },
  },
  delays: { settle: ({ context }) => 100 * context.n },
  guards: { isBig: ({ context, event }) => context.n + (event as { by: number }).by > 3 },
  actions: {
    add: assign({ n: ({ context, event }) => context.n + (event as { by: number }).by }),
    name: assign({ label: ({ event }) => (event as { label: string }).label }),
    big: emit(({ context }) => ({ type: "Big" as const, n: context.n })),
  },
}).createMachine({
  id: "counter",
  context: { n: 0, label: "" },
  initial: "low",
  states: {
    low: { on: { Add: [{ guard: "isBig", target: "high", actions: ["add", "big"] }, { actions: "add" }], Name: { actions: "name" }, Tick: "low" } },
    high: { after: { settle: "low" }, on: { Back: "low", Name: { actions: "name" }, Add: { actions: "add" } } },
  },
});

describe("remembered lifecycle steps", () => {
  const lc = lifecycleOf(counter);
  const eventArb = fc.oneof(
    fc.record({ type: fc.constant("Add" as const), by: fc.constantFrom(0, 1, 2, -0) }),
    fc.record({ type: fc.constant("Name" as const), label: fc.constantFrom("a", "b") }),
    fc.record({ type: fc.constant("Tick" as const), now: fc.integer({ min: 0, max: 3 }) }),
    fc.constant({ type: "Back" as const }),
  );
  const asXState = (prev: { value: unknown; context: unknown }, event: any) => {
    const [next, actions] = transition(counter, counter.resolveState(prev as never), event);
    const params = (a: { params?: unknown }) => a.params as any;
    return JSON.stringify([
      next.value, next.context,
      actions.filter((a) => a.type === "xstate.emit").map((a) => params(a).event),
      actions.filter((a) => a.type === "xstate.raise" && typeof params(a).delay === "number").map((a) => [params(a).id, params(a).delay]),
      actions.filter((a) => a.type === "xstate.cancel").map((a) => params(a).sendId),
    ]);
  };
  const mine = (s: ReturnType<typeof lc.step>) => JSON.stringify([s.snapshot.value, s.snapshot.context, s.outputs, s.timers.map((t) => [t.id, t.delayMs]), s.cancels]);

  it("every instance steps as XState's transition() does, remembered or not", () => {
    fc.assert(fc.property(fc.array(fc.array(eventArb, { maxLength: 8 }), { minLength: 1, maxLength: 6 }), (paths) => {
      for (const path of paths) {
        let kept = keep(lc.start(undefined).snapshot);
        for (const event of path) {
          const got = lc.step(lc.resolve(kept), event as never);
          expect(mine(got)).toBe(asXState(kept, event));
          kept = keep(got.snapshot);
        }
      }
    }), { numRuns: 300 });
  });

  // The memo is off while a mutant is on (by design); these tests step the test's own machine, where
  // no mutant lives, so the runner's mutants are put aside while they run and put back after.
  function withoutMutants(f: () => void): void {
    const outer = activeMutants();
    setMutants([]);
    try {
      f();
    } finally {
      setMutants(outer);
    }
  }

  it("shares the result of a step taken twice from one context, with lists of its own", () => withoutMutants(() => {
    const start = keep(lc.start(undefined).snapshot);
    const a = lc.step(lc.resolve(start), { type: "Add", by: 5 });
    a.outputs.push({ type: "Big", n: -1 });
    const b = lc.step(lc.resolve(start), { type: "Add", by: 5 });
    expect(b.snapshot).toBe(a.snapshot);
    expect(b.outputs).toEqual([{ type: "Big", n: 5 }]);
  }));

  it("remembers a bounded number of steps per context, and steps past the bound as XState does", () => withoutMutants(() => {
    // a fresh memo: every instance starts from the one shared start context, each with its own label
    const own = lifecycleOf(counter);
    const start = keep(own.start(undefined).snapshot);
    const labels = Array.from({ length: stepsPerContextMax + 10 }, (_, i) => `pod-${i}`);
    const first = labels.map((label) => own.step(own.resolve(start), { type: "Name", label }));
    labels.forEach((label, i) => {
      expect(mine(first[i]!)).toBe(asXState(start, { type: "Name", label }));
      const again = own.step(own.resolve(start), { type: "Name", label });
      expect(mine(again)).toBe(mine(first[i]!));
      // remembered (the same snapshot) up to the bound, taken afresh past it
      if (i < stepsPerContextMax) expect(again.snapshot).toBe(first[i]!.snapshot);
      else expect(again.snapshot).not.toBe(first[i]!.snapshot);
    });
  }));

  it("remembers nothing while a mutant is on", () => {
    const start = keep(lc.start(undefined).snapshot);
    // the mutants the runner turned on are put back, so the rest of the file runs with them
    const outer = activeMutants();
    setMutants(["some.mutant"]);
    try {
      const a = lc.step(lc.resolve(start), { type: "Add", by: 1 });
      const b = lc.step(lc.resolve(start), { type: "Add", by: 1 });
      expect(b.snapshot).not.toBe(a.snapshot);
    } finally {
      setMutants(outer);
    }
  });
});

describe("stateName", () => {
  it("joins nested state values into a dotted path", () => {
    expect(stateName({ waiting: "crashLoopBackOff" })).toBe("waiting.crashLoopBackOff");
    expect(stateName("running")).toBe("running");
    expect(stateName({ syncPod: { containers: "starting" } })).toBe("syncPod.containers.starting");
  });
});
