// Model-based test harness shared by the machines' *.model.test.ts files: createTestModel from
// @xstate/graph, adapted to podflow's machines (logic that mutates context in place, custom
// actions, events that must carry realistic payloads).
import { expect } from "vitest";
import { createActor, type AnyStateMachine } from "xstate";
import { createTestModel, TestModel } from "@xstate/graph";

/** A deep copy that keeps prototypes, Maps and Sets, as the runtime's fork does. */
export function deepCopy<T>(v: T, memo = new Map<object, unknown>()): T {
  if (typeof v !== "object" || v === null) return v;
  const seen = memo.get(v as object);
  if (seen !== undefined) return seen as T;
  if (Array.isArray(v)) {
    const a: unknown[] = [];
    memo.set(v, a);
    for (const x of v) a.push(deepCopy(x, memo));
    return a as T;
  }
  if (v instanceof Map) {
    const m = new Map();
    memo.set(v, m);
    for (const [k, x] of v) m.set(deepCopy(k, memo), deepCopy(x, memo));
    return m as T;
  }
  if (v instanceof Set) {
    const s = new Set();
    memo.set(v, s);
    for (const x of v) s.add(deepCopy(x, memo));
    return s as T;
  }
  const o = Object.create(Object.getPrototypeOf(v));
  memo.set(v as object, o);
  for (const k of Object.keys(v as object)) o[k] = deepCopy((v as any)[k], memo);
  return o;
}

/** Runs custom actions as an actor would; the graph's mock scope would drop them. */
export const runActions = (a: any) => void a.exec?.(a.info, a.params);

/** The machine, except that each traversal step runs on a copy of the context (logic mutates it in place) and runs its actions. */
export function isolated<M extends AnyStateMachine>(machine: M): M {
  const m = Object.create(machine);
  m.getInitialSnapshot = (scope: any, input: unknown) => machine.getInitialSnapshot({ ...scope, actionExecutor: runActions }, input);
  m.transition = (snap: any, ev: any, scope: any) =>
    machine.transition(machine.resolveState({ value: snap.value, context: deepCopy(snap.context) }) as any, ev, { ...scope, actionExecutor: runActions });
  return m;
}

/** Replays a path's events on a fresh actor; calls check after every step with what it emitted. */
export function replay(machine: AnyStateMachine, input: unknown, path: { steps: { state: any; event: any }[] }, abstract: (ctx: any) => unknown, check: (ev: any, ctx: any, emitted: any[]) => void): void {
  const actor = createActor(machine, { input } as any);
  let emitted: any[] = [];
  actor.on("effects" as any, (e: any) => void emitted.push(e));
  actor.start();
  const first = path.steps[0]!;
  expect(actor.getSnapshot().value).toEqual(first.state.value);
  expect(abstract(actor.getSnapshot().context)).toEqual(abstract(first.state.context));
  check(first.event, actor.getSnapshot().context, emitted);
  for (const step of path.steps.slice(1)) {
    emitted = [];
    actor.send(step.event);
    const snap = actor.getSnapshot();
    expect(snap.value).toEqual(step.state.value);
    expect(abstract(snap.context)).toEqual(abstract(step.state.context));
    check(step.event, snap.context, emitted);
  }
  actor.stop();
}

/** Serializes a snapshot as its state value and the abstraction of its context. */
export function serializeBy(abstract: (ctx: any) => unknown): (s: any) => string {
  return (s: any) => JSON.stringify([s.value, abstract(s.context)]);
}

/** Every abstract state the paths pass through. */
export function covered(paths: { steps: { state: any }[] }[], serialize: (s: any) => string): Set<string> {
  return new Set(paths.flatMap((p) => p.steps.map((s) => serialize(s.state))));
}

/**
 * A test model over the machine whose events are exactly `events` (a list, or a function of the
 * snapshot): createTestModel would otherwise invent a bare `{ type }` for every handled type left out.
 * The traversal stops with "Traversal limit exceeded" past `limit` transitions, rather than hang on
 * an abstraction too fine to be finite.
 */
export function modelFor(machine: AnyStateMachine, input: unknown, events: any[] | ((s: any) => any[]), abstract: (ctx: any) => unknown, limit = 50_000) {
  const model = createTestModel(isolated(machine), { input, serializeState: serializeBy(abstract) } as any);
  (model as any).options.events = typeof events === "function" ? events : () => events;
  (model as any).options.limit = limit;
  return model;
}

/** A path as the graph gives it: the init step, then each event with the state it led to. */
export interface ModelPath {
  state: any;
  steps: { state: any; event: any }[];
}

/**
 * Paths that take every transition of the model's graph: for each, the shortest way to its source
 * state, then the transition itself (dropping those that are the start of another). Shortest and
 * simple paths leave out transitions back to a state already seen (a refused write, a retry).
 */
export function transitionPaths(model: { getAdjacencyMap(): unknown }, serialize: (s: any) => string): ModelPath[] {
  const adj = model.getAdjacencyMap() as Record<string, { state: any; transitions: Record<string, { event: any; state: any }> }>;
  const initial = Object.keys(adj)[0]!;
  const prefix = new Map<string, ModelPath["steps"]>([[initial, [{ state: adj[initial]!.state, event: { type: "xstate.init" } }]]]);
  const queue = [initial];
  const out: ModelPath[] = [];
  while (queue.length > 0) {
    const from = queue.shift()!;
    for (const t of Object.values(adj[from]!.transitions)) {
      const steps = [...prefix.get(from)!, { state: t.state, event: t.event }];
      out.push({ state: t.state, steps });
      const to = serialize(t.state);
      if (!prefix.has(to)) {
        prefix.set(to, steps);
        queue.push(to);
      }
    }
  }
  // A path that only discovers a state is replayed anyway as the start of that state's own transitions.
  return out.filter((p) => {
    const to = serialize(p.state);
    return prefix.get(to) !== p.steps || Object.keys(adj[to]!.transitions).length === 0;
  });
}

/**
 * A test model over a lifecycle machine (pure: built-in actions only), `after` transitions
 * included: createTestModel refuses machines with `after`, so this builds @xstate/graph's
 * TestModel directly, with the delayed events given in `events` like any other (the runtime
 * delivers them as events too).
 */
export function lifecycleModelFor(machine: AnyStateMachine, events: any[], abstract: (ctx: any) => unknown, limit = 50_000) {
  const model = new TestModel(machine, { serializeState: serializeBy(abstract), events: () => events } as any);
  (model as any).options.limit = limit;
  return model;
}

/**
 * createTestModel over a lifecycle machine with `after`: it refuses such charts, so its check sees
 * a root without them, and each delayed event is one of `events` the test sends (as a component
 * does when the runtime's timer fires). Only the events a state can take are offered; every state
 * is one (the context is left out of the serialization).
 */
export function afterAsEventsModel(machine: AnyStateMachine, events: any[], input?: unknown) {
  const m = Object.create(isolated(machine));
  Object.defineProperty(m, "root", { value: { invoke: [], after: [], entry: [], exit: [], transitions: new Map(), states: {} } });
  const model = createTestModel(m, { input, serializeState: serializeBy(() => null) } as any);
  // a snapshot that reached a final state takes no event (can() would still say yes to a root handler)
  (model as any).options.events = (s: any) => (s.status === "active" ? events.filter((e) => s.can(e)) : []);
  return model;
}

/**
 * Walks the paths through every transition of a rollout chart beside a minReadySeconds region
 * (DaemonSet, StatefulSet): each StatusComputed must put the rollout where `viewer` (kubectl's
 * status viewer, written out by the test) says and the availability region in
 * awaitingMinReadySeconds exactly when `waits` says, booking one sync when the wait begins and
 * keeping it while it lasts; the fired wait asks for `syncOutput` and settles. Returns the
 * transitions taken ("<rollout>+<availability> <event>").
 */
export function checkRolloutWithMinReadyPaths<E extends { type: string; minReadySecondsMs: number }>(
  lc: { start(i: undefined): { snapshot: any }; step(s: any, e: any): { snapshot: any; outputs: unknown[]; timers: { id: string; delayMs: number }[]; cancels: string[] } },
  machine: AnyStateMachine, statuses: E[], fired: { type: string }, syncOutput: string,
  viewer: (e: E) => string, waits: (e: E) => boolean, rollout: (v: unknown) => string, availability: (v: unknown) => string,
): Set<string> {
  const model = afterAsEventsModel(machine, [...statuses, fired]);
  const taken = new Set<string>();
  for (const p of transitionPaths(model, serializeBy(() => null))) {
    let s = lc.start(undefined).snapshot;
    const pending = new Map<string, number>();
    for (const step of p.steps.slice(1)) {
      const e = step.event as E;
      const next = lc.step(s, e);
      taken.add(`${rollout(s.value)}+${availability(s.value)} ${JSON.stringify(e)}`);
      const before = [...pending.values()];
      for (const id of next.cancels) pending.delete(id);
      for (const t of next.timers) pending.set(t.id, t.delayMs);
      if (e.type === fired.type) {
        expect(next.outputs).toEqual([{ type: syncOutput }]);
        expect(rollout(next.snapshot.value)).toBe(rollout(s.value));
        expect(availability(next.snapshot.value)).toBe("settled");
      } else {
        expect(next.outputs).toEqual([]);
        expect(rollout(next.snapshot.value)).toBe(viewer(e));
        expect(availability(next.snapshot.value)).toBe(waits(e) ? "awaitingMinReadySeconds" : "settled");
        // one sync booked when the wait begins; a later status while waiting keeps it as it was
        if (waits(e)) expect([...pending.values()]).toEqual(availability(s.value) === "awaitingMinReadySeconds" ? before : [e.minReadySecondsMs]);
      }
      expect(pending.size).toBe(availability(next.snapshot.value) === "awaitingMinReadySeconds" ? 1 : 0);
      s = next.snapshot;
    }
  }
  return taken;
}
