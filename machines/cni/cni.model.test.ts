import { describe, expect, it } from "vitest";
import { createActor, type AnyStateMachine } from "xstate";
import { createTestModel } from "@xstate/graph";
import { Fx } from "../common/effects.js";
import { addFailureMessage, handleCni, initialCni, type CniContext } from "./cni.logic.js";
import { allocate, cidrContains, ipFor } from "./ipam.js";
import { cniMachine } from "./cni.machine.js";

// ---- model-based harness (kept in this file: the test owns no shared module) ----

/** A deep copy that keeps prototypes, Maps and Sets, as the runtime's fork does. */
function deepCopy<T>(v: T, memo = new Map<object, unknown>()): T {
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
const runActions = (a: any) => void a.exec?.(a.info, a.params);

/** The machine, except that each traversal step runs on a copy of the context (logic mutates it in place) and runs its actions. */
function isolated<M extends AnyStateMachine>(machine: M): M {
  const m = Object.create(machine);
  m.getInitialSnapshot = (scope: any, input: unknown) => machine.getInitialSnapshot({ ...scope, actionExecutor: runActions }, input);
  m.transition = (snap: any, ev: any, scope: any) =>
    machine.transition(machine.resolveState({ value: snap.value, context: deepCopy(snap.context) }) as any, ev, { ...scope, actionExecutor: runActions });
  return m;
}

/** Replays a path's events on a fresh actor; calls check after every step with what it emitted. */
function replay(machine: AnyStateMachine, input: unknown, path: { steps: { state: any; event: any }[] }, abstract: (ctx: any) => unknown, check: (ev: any, ctx: any, emitted: any[]) => void): void {
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
function serializeBy(abstract: (ctx: any) => unknown): (s: any) => string {
  return (s: any) => JSON.stringify([s.value, abstract(s.context)]);
}

/** Every abstract state the paths pass through. */
function covered(paths: { steps: { state: any }[] }[], serialize: (s: any) => string): Set<string> {
  return new Set(paths.flatMap((p) => p.steps.map((s) => serialize(s.state))));
}

/**
 * A test model over the machine whose events are exactly `events` (a list, or a function of the
 * snapshot): createTestModel would otherwise invent a bare `{ type }` for every handled type left out.
 */
function modelFor(machine: AnyStateMachine, input: unknown, events: any[] | ((s: any) => any[]), abstract: (ctx: any) => unknown) {
  const model = createTestModel(isolated(machine), { input, serializeState: serializeBy(abstract) } as any);
  (model as any).options.events = typeof events === "function" ? events : () => events;
  return model;
}

const input = { node: "node-1", podCIDR: "10.244.1.0/30" };
const stamp = { from: "kubelet/node-1", now: 0 };
const add = (id: number, sandboxId: string) => ({ type: "CniAdd", id, sandboxId, podName: `p-${sandboxId}`, podNamespace: "default", podUid: `u-${sandboxId}`, ...stamp });
const del = (id: number, sandboxId: string) => ({ type: "CniDel", id, sandboxId, ...stamp });
const events = [add(1, "s1"), add(2, "s2"), del(3, "s1"), del(4, "s2")];
const abstract = (ctx: CniContext) => ({ allocations: ctx.ipam.allocations, last: ctx.ipam.lastReservedIP ?? null });

describe("cni machine paths (model-based)", () => {
  const model = modelFor(cniMachine, input, events, abstract);

  it("every simple path of ADD and DEL replies as handleCni does on the same requests, and never hands one IP to two sandboxes", () => {
    const paths = model.getSimplePaths();
    expect(covered(paths, serializeBy(abstract)).size).toBe(Object.keys(model.getAdjacencyMap()).length);
    expect(paths.length).toBeGreaterThan(1);
    for (const path of paths) {
      const reference: CniContext = initialCni(input);
      replay(cniMachine, input, path, abstract, (ev, ctx: CniContext, emitted) => {
        if (ev.type === "xstate.init") return expect(emitted).toEqual([]);
        const before = reference.ipam;
        const fx = new Fx();
        handleCni(reference, ev, stamp.from, fx);
        expect(emitted).toEqual([fx.toEvent()]);
        expect(ctx.ipam).toEqual(reference.ipam);
        const reply = emitted[0].send[0];
        expect(reply.to).toBe(stamp.from);
        if (ev.type === "CniAdd") {
          const held = ipFor(before, ev.sandboxId);
          const fresh = allocate(before, ev.sandboxId);
          if (held) expect(reply.msg).toMatchObject({ ok: true, ip: held });
          else if (fresh.ok) expect(reply.msg).toMatchObject({ ok: true, ip: fresh.ip, cidr: fresh.cidr, gateway: "10.244.1.1" });
          else expect(reply.msg).toEqual({ type: "CniAddResult", id: ev.id, sandboxId: ev.sandboxId, ok: false, error: addFailureMessage(fresh.error) });
        } else {
          expect(reply.msg).toEqual({ type: "CniDelResult", id: ev.id, sandboxId: ev.sandboxId });
          expect(ipFor(ctx.ipam, ev.sandboxId)).toBeUndefined();
        }
        const ips = Object.keys(ctx.ipam.allocations);
        expect(new Set(Object.values(ctx.ipam.allocations)).size).toBe(ips.length);
        for (const ip of ips) expect(cidrContains(input.podCIDR, ip) && ip !== "10.244.1.1").toBe(true);
      });
    }
  });

  it("the shortest paths reach the exhausted range, whose ADD fails with host-local's words", () => {
    const paths = model.getShortestPaths();
    const exhausted = paths.filter((p) => Object.keys(p.state.context.ipam.allocations).length === 1);
    expect(exhausted.length).toBeGreaterThan(0);
    const actor = createActor(cniMachine, { input });
    const replies: any[] = [];
    actor.on("effects", (e: any) => void replies.push(...e.send.map((s: any) => s.msg)));
    actor.start();
    actor.send(add(1, "s1") as any);
    actor.send(add(2, "s2") as any);
    expect(replies[1]).toEqual({
      type: "CniAddResult", id: 2, sandboxId: "s2", ok: false,
      error: 'plugin type="bridge" name="podflow" failed (add): failed to allocate for range 0: no IP addresses available in range set: 10.244.1.1-10.244.1.2',
    });
  });
});
