// The fast path against its reference: every value machine is driven through XState's own
// transition and through the fast path's plan, from the snapshots and with the events of seeded
// cluster runs (faults included), and then with random sequences of those events in any order,
// and the two must agree on every step: state value (key order included, the trace prints it),
// status, context, the effects emitted, and a fault's message.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { AnyMachineSnapshot, AnyStateMachine } from "xstate";
import { createCluster } from "./cluster.js";
import { fastPathCovers, fastTransition, setDefaultInterpreter } from "./fastpath.js";
import { valueMachines } from "./values.js";
import { inertActorOf } from "../machines/common/lifecycle.js";
import { forgetLastStep, lastStepContext, valueStepOf } from "../machines/common/step.js";
import { setup } from "xstate";
import { freezeContext } from "../machines/common/freeze.js";
import type { Effects } from "../machines/messages.js";
import { examplesDir, runSpec, specFromSeed } from "../properties/run.js";
import { readFileSync } from "node:fs";
import { faultNames } from "./faults.js";

interface Outcome {
  snapshot: AnyMachineSnapshot;
  effects: Effects[];
  error?: string;
}

/** One step on XState's interpreter, in the scope the runtime gives it (runtime.ts scopeFor). */
function viaXState(machine: AnyStateMachine, snap: AnyMachineSnapshot, event: unknown): Outcome {
  const { self, system } = inertActorOf(machine);
  const deferred: Array<() => void> = [];
  const effects: Effects[] = [];
  const scope = {
    self,
    id: "test",
    sessionId: "test",
    logger: () => {},
    system,
    stopChild: () => {},
    defer: (fn: () => void) => void deferred.push(fn),
    emit: (ev: { type: string }) => void (ev.type === "effects" && effects.push(ev as Effects)),
    actionExecutor: (a: { exec?: (info: unknown, params: unknown) => void; info: unknown; params: unknown }) => a.exec?.(a.info, a.params),
  };
  forgetLastStep();
  try {
    const next = machine.transition(snap, event as never, scope as never) as AnyMachineSnapshot;
    for (const d of deferred) d();
    return { snapshot: next, effects };
  } catch (err) {
    for (const d of deferred) d();
    return failed(snap, effects, err);
  }
}

function viaFastPath(machine: AnyStateMachine, snap: AnyMachineSnapshot, event: unknown): Outcome {
  const effects: Effects[] = [];
  forgetLastStep();
  try {
    const next = fastTransition(machine, snap, event as { type: string }, effects);
    if (next === undefined) throw new Error(`the fast path does not cover ${machine.id} on ${(event as { type: string }).type}`);
    return { snapshot: next, effects };
  } catch (err) {
    return failed(snap, effects, err);
  }
}

/** As the runtime resumes a machine whose step threw: the state it was in, the last completed step's context. */
function failed(snap: AnyMachineSnapshot, effects: Effects[], err: unknown): Outcome {
  const stepped = lastStepContext();
  return { snapshot: stepped === undefined ? snap : ({ ...snap, context: stepped.context } as AnyMachineSnapshot), effects, error: String((err as Error)?.message ?? err) };
}

function expectSame(a: Outcome, b: Outcome, what: string): void {
  expect(JSON.stringify(b.snapshot.value), what).toBe(JSON.stringify(a.snapshot.value));
  expect(b.snapshot.status, what).toBe(a.snapshot.status);
  expect(b.error, what).toBe(a.error);
  expect(b.snapshot.context, what).toEqual(a.snapshot.context);
  // key order too: the fast path hands on a step's context as it is where XState's copy would equal it
  expect(Object.keys(b.snapshot.context as object), what).toEqual(Object.keys(a.snapshot.context as object));
  expect(b.effects, what).toEqual(a.effects);
  // XState's own node list (its order decides which `always` is looked at first) and tags
  const ids = (s: AnyMachineSnapshot) => (s as unknown as { _nodes: Array<{ id: string }> })._nodes.map((n) => n.id);
  expect(ids(b.snapshot), what).toEqual(ids(a.snapshot));
  expect([...b.snapshot.tags], what).toEqual([...a.snapshot.tags]);
}

/** What each value machine was handed in seeded runs: the snapshot and the event of every step. */
const recorded = new Map<AnyStateMachine, Array<{ snap: AnyMachineSnapshot; event: any }>>();

beforeAll(async () => {
  const originals = new Map<AnyStateMachine, AnyStateMachine["transition"]>();
  for (const m of valueMachines) {
    const original = m.transition;
    originals.set(m, original);
    recorded.set(m, []);
    m.transition = function (this: AnyStateMachine, snap: AnyMachineSnapshot, event: any, scope: any) {
      recorded.get(m)!.push({ snap, event });
      return original.call(this, snap, event, scope);
    } as AnyStateMachine["transition"];
  }
  setDefaultInterpreter("xstate");
  try {
    // a workload with a Service, a crash loop and deletions; then random commands with every fault
    const c = createCluster({ nodes: 2, seed: 5, clock: "simulated", trace: false });
    for (const f of ["deployment-service.yaml", "crashloop.yaml"]) await c.apply(readFileSync(examplesDir() + f, "utf8"));
    await c.settle();
    for (let i = 0; i < 4; i++) c.advance(30_000);
    // a NetworkPolicy starts kindnet's policy agent, a value machine too
    await c.apply([{ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "web-ingress" }, spec: { podSelector: { matchLabels: { app: "web" } }, ingress: [{ from: [{ podSelector: {} }] }] } }] as never);
    await c.settle();
    // a ValidatingAdmissionPolicy starts kube-controller-manager's policy status controller, a value machine too
    await c.apply([{ apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy", metadata: { name: "replicas" }, spec: { matchConstraints: { resourceRules: [{ apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["deployments"] }] }, validations: [{ expression: "object.spec.replicass <= 5" }] } }] as never);
    await c.settle();
    c.advance(5_000);
    await c.request({ verb: "patch", group: "apps", resource: "deployments", namespace: "default", name: "web", patchType: "merge", body: { spec: { replicas: 1 } } });
    await c.delete("Pod", "crasher");
    await c.settle();
    c.advance(60_000);
    await c.stop();
    runSpec(specFromSeed(4, { scenario: "random", steps: 250, faults: [...faultNames] }));
  } finally {
    setDefaultInterpreter("fast");
    for (const [m, original] of originals) m.transition = original;
  }
}, 120_000);

afterAll(() => recorded.clear());

describe("the fast path", { timeout: 180_000 }, () => {
  it("covers every value machine", () => {
    for (const m of valueMachines) expect(fastPathCovers(m), m.id).toBe(true);
  });

  it("takes the recorded steps (up to 1,500 a machine, spread over the runs) as XState does", () => {
    for (const [m, steps] of recorded) {
      expect(steps.length, `${m.id} was driven`).toBeGreaterThan(0);
      const stride = Math.ceil(steps.length / 1500);
      for (let i = 0; i < steps.length; i += stride) {
        const { snap, event } = steps[i]!;
        freezeContext(snap.context);
        freezeContext(event);
        expectSame(viaXState(m, snap, event), viaFastPath(m, snap, event), `${m.id} in ${JSON.stringify(snap.value)} on ${event.type}`);
      }
    }
  });

  it("takes random sequences of any machine's events, from any recorded state, as XState does", () => {
    const machines = [...recorded.keys()];
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), (mi, si, evs) => {
        const m = machines[mi % machines.length]!;
        const steps = recorded.get(m)!;
        let x = steps[si % steps.length]!.snap;
        let f = x;
        for (const ei of evs) {
          const event = steps[ei % steps.length]!.event;
          freezeContext(x.context);
          freezeContext(f.context);
          const a = viaXState(m, x, event);
          const b = viaFastPath(m, f, event);
          expectSame(a, b, `${m.id} in ${JSON.stringify(x.value)} on ${event.type}`);
          x = a.snapshot;
          f = b.snapshot;
          if (x.status !== "active") break;
        }
      }),
      { numRuns: 300, seed: 16 },
    );
  });

  it("steps on from a snapshot XState made, and XState steps on from one the fast path made", () => {
    for (const [m, steps] of recorded) {
      for (let i = 0; i + 1 < Math.min(steps.length, 150); i++) {
        const { snap, event } = steps[i]!;
        const then = steps[i + 1]!.event;
        const ref = viaXState(m, snap, event).snapshot;
        const fast = viaFastPath(m, snap, event).snapshot;
        if (ref.status !== "active") continue;
        expectSame(viaXState(m, ref, then), viaXState(m, fast, then), `${m.id}: XState after the fast path, on ${then.type}`);
        expectSame(viaFastPath(m, ref, then), viaFastPath(m, fast, then), `${m.id}: the fast path after XState, on ${then.type}`);
      }
    }
  });
});

// A chart with what the cluster's machines use and more: nested states, entry and exit steps,
// reentering and root transitions, a parallel state with `always` in the state and its regions
// (conflicting transitions), a guard that throws and a step that throws.
interface Synth {
  n: number;
  log: string[];
  extra?: string;
}
const synthStep = valueStepOf<Synth>();
const note = (name: string) =>
  synthStep((c, e, fx) => {
    if (name === "crash" && e.crash === true) throw new Error("the step failed");
    if (e.weight !== undefined) fx.send("peer", { type: name, weight: e.weight });
    const next: Synth = { n: c.n + (e.weight ?? 1), log: [...c.log, name] };
    // a step that leaves a field out of the context it returns (XState's assign keeps the old one)
    if (name === "tag") next.extra = name;
    else if (name !== "drop" && c.extra !== undefined) next.extra = c.extra;
    return next;
  });
const synthActions = Object.fromEntries(
  ["eRoot", "eA", "xA", "eA1", "xA1", "eA2", "xA2", "tNext", "tOdd", "tRe", "tReset", "tPing", "tPing2", "tBoom", "crash", "eP", "xP", "eX", "xX", "eY", "tBack", "tFlipP", "tHuge", "eU", "eV", "xV", "iA", "tag", "drop"].map((n) => [n, note(n)]),
);
const synthetic = setup({
  types: { context: {} as Synth, events: {} as { type: string; weight?: number; boom?: boolean; crash?: boolean } },
  guards: {
    even: ({ context }) => context.n % 2 === 0,
    odd: ({ context }) => context.n % 2 === 1,
    big: ({ context, event }) => context.n > 10 && event.type !== "RESET",
    huge: ({ context }) => context.n > 30,
    explodes: ({ event }) => {
      if (event.boom === true) throw new Error("the guard failed");
      return true;
    },
  },
  actions: synthActions,
}).createMachine({
  id: "synthetic",
  context: { n: 0, log: [] },
  entry: "eRoot",
  initial: "a",
  on: { RESET: { target: ".a", actions: "tReset" }, PING: { actions: "tPing" }, GO_P: { target: ".p" }, TAG: { actions: "tag" }, DROP: { actions: "drop" } },
  states: {
    a: {
      entry: "eA",
      exit: "xA",
      initial: { target: "a1", actions: "iA" },
      on: { NEXT2: { target: "a", reenter: true, actions: "tRe" }, BOOM: { guard: "explodes", actions: "tBoom" }, CRASH: { actions: ["tPing", "crash", "tPing"] } },
      states: {
        a1: { entry: "eA1", exit: "xA1", on: { NEXT: [{ guard: "even", target: "a2", actions: "tNext" }, { actions: "tOdd" }] } },
        a2: { entry: "eA2", exit: "xA2", always: { guard: "big", target: "#synthetic.p" }, on: { NEXT: { target: "a1", reenter: true } } },
      },
    },
    p: {
      type: "parallel",
      entry: "eP",
      exit: "xP",
      on: { LEAVE: { target: "a" }, FLIP: { actions: "tFlipP" } },
      always: { guard: "huge", target: "a", actions: "tHuge" },
      states: {
        r1: {
          initial: "x",
          states: {
            x: { entry: "eX", exit: "xX", on: { FLIP: "y", SELF: { target: "x", reenter: true }, CROSS: { target: "#synthetic.p.r2.v" } } },
            y: { entry: "eY", always: { guard: "even", target: "x", actions: "tBack" }, on: { FLIP: "x" } },
          },
        },
        r2: {
          initial: "u",
          states: {
            u: { entry: "eU", on: { FLIP: "v", PING: { actions: "tPing2" } } },
            v: { entry: "eV", exit: "xV", always: { guard: "odd", target: "u" } },
          },
        },
      },
    },
  },
});

describe("the fast path on a chart with every construct it plans", () => {
  it("is covered", () => {
    expect(fastPathCovers(synthetic)).toBe(true);
  });

  it("takes random event sequences as XState does", () => {
    const { self, system } = inertActorOf(synthetic);
    const scope = { self, system, id: "s", sessionId: "s", logger: () => {}, stopChild: () => {}, defer: () => {}, emit: () => {}, actionExecutor: () => {} };
    const initial = synthetic.getInitialSnapshot(scope as never) as AnyMachineSnapshot;
    const event = fc.record(
      {
        type: fc.constantFrom("NEXT", "NEXT2", "RESET", "PING", "GO_P", "FLIP", "LEAVE", "BOOM", "CRASH", "UNKNOWN", "TAG", "DROP", "SELF", "CROSS"),
        weight: fc.integer({ min: 0, max: 7 }),
        boom: fc.boolean(),
        crash: fc.boolean(),
      },
      { requiredKeys: ["type"] },
    );
    let errors = 0;
    let parallel = 0;
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 40 }), (events) => {
        let x = initial;
        let f = initial;
        for (const ev of events) {
          const a = viaXState(synthetic, x, ev);
          const b = viaFastPath(synthetic, f, ev);
          expectSame(a, b, `synthetic in ${JSON.stringify(x.value)} on ${JSON.stringify(ev)}`);
          if (a.error !== undefined) errors++;
          if (typeof a.snapshot.value === "object" && "p" in (a.snapshot.value as object)) parallel++;
          x = a.snapshot;
          f = b.snapshot;
        }
      }),
      { numRuns: 400, seed: 16 },
    );
    // the properties saw the failures and the parallel state they are meant to
    expect(errors).toBeGreaterThan(0);
    expect(parallel).toBeGreaterThan(0);
  });
});
