// The fast path: a value machine's step run from a dispatch plan compiled from its own definition
// (state nodes, transitions per event type, guards by name, `always`, entry and exit actions),
// without XState's interpreter. XState stays the spec and the reference: the plan follows its
// macrostep/microstep (SCXML) exactly, and a machine the plan does not cover (history, final or
// invoking states, `after`, wildcard events, a bound on microsteps, actions that are not draft or value steps, guards
// that are not plain predicates) runs on XState's transition. test/fastpath.test.ts drives every
// value machine through both and requires equal snapshots and effects.

import type { AnyMachineSnapshot, AnyStateMachine } from "xstate";
import { Fx } from "../machines/common/effects.js";
import { runTaggedStep, stepRunOf } from "../machines/common/step.js";
import type { Effects } from "../machines/messages.js";

/** Which interpreter runs value machines: XState's own (the reference) or the compiled fast path. */
export type Interpreter = "xstate" | "fast";

/** The interpreters, for a command line's choices. */
export const interpreters: readonly Interpreter[] = ["xstate", "fast"];

let defaultInterpreter: Interpreter = "fast";

/** Sets the interpreter of every runtime started without one named (a command line's --interpreter). */
export function setDefaultInterpreter(i: Interpreter): void {
  defaultInterpreter = i;
}

/** The interpreter of a runtime started without one named. */
export function getDefaultInterpreter(): Interpreter {
  return defaultInterpreter;
}

// XState's state node and transition definition, as far as the plan reads them.
interface StateNode {
  id: string;
  key: string;
  type: "atomic" | "compound" | "parallel" | "final" | "history";
  order: number;
  parent: StateNode | undefined;
  states: Record<string, StateNode>;
  transitions: Map<string, Transition[]>;
  always: Transition[] | undefined;
  entry: unknown[];
  exit: unknown[];
  initial: { target: StateNode[]; actions: unknown[] };
  invoke: unknown[];
  tags: string[];
  config: { after?: unknown };
}

interface Transition {
  source: StateNode;
  target: StateNode[] | undefined;
  reenter: boolean;
  guard: unknown;
  actions: unknown[];
}

type Run = (ctx: unknown, ev: unknown, fx: Fx) => unknown;
type Guard = (args: { context: unknown; event: unknown }, params: undefined) => unknown;

/** One microstep for a set of enabled transitions from a configuration: the steps it runs and where it ends. */
interface Micro {
  runs: Run[];
  next: Config;
  /** the same set of state nodes afterwards (XState then keeps the snapshot's node list as it was) */
  sameSet: boolean;
}

/** Where transitions for an event are looked for, in XState's order (transitionNode over the state value). */
interface Selector {
  node: StateNode;
  cands: Transition[];
  kids: Selector[];
  parallel: boolean;
}

/** An active configuration: XState's `_nodes` in its order, with what depends on it alone. */
interface Config {
  nodes: StateNode[];
  value: unknown;
  tags: Set<string>;
  /** per event type: where its transitions are looked for (null: no state takes it) */
  events: Map<string, Selector | null>;
  /** per atomic state (in node order), the `always` lists of it and its ancestors; null when none */
  eventless: Transition[][][] | null;
  micro: Map<Transition | string, Micro>;
}

interface Plan {
  machine: AnyStateMachine;
  guards: Map<unknown, Guard>;
  runs: Map<unknown, Run>;
  configs: Map<string, Config>;
  byNodes: WeakMap<readonly unknown[], Config>;
  transitionIds: Map<Transition, number>;
  /** the keys of the last context a step returned, in order: most steps keep them (assigned) */
  ctxKeys: string[];
  /** the last context assigned returned as it was, and the key list it was checked against */
  lastAssigned: unknown;
  lastAssignedKeys: string[] | undefined;
}

const plans = new WeakMap<AnyStateMachine, Plan | null>();

/** Event types whose lookup is remembered per configuration (a machine's own are a few dozen). */
const eventTypesKept = 512;

/**
 * The machine's plan, compiled on first use; null when the machine uses something the plan does not
 * cover (then every step of it runs on XState).
 */
function planOf(machine: AnyStateMachine): Plan | null {
  let p = plans.get(machine);
  if (p === undefined) {
    p = compile(machine);
    plans.set(machine, p);
  }
  return p;
}

/** True when every step of the machine can run on the fast path. */
export function fastPathCovers(machine: AnyStateMachine): boolean {
  return planOf(machine) !== null;
}

function allNodes(root: StateNode): StateNode[] {
  const out: StateNode[] = [];
  const walk = (n: StateNode) => {
    out.push(n);
    for (const k of Object.keys(n.states)) walk(n.states[k]!);
  };
  walk(root);
  return out;
}

function compile(machine: AnyStateMachine): Plan | null {
  const impl = machine.implementations as { actions: Record<string, unknown>; guards: Record<string, unknown> };
  const guards = new Map<unknown, Guard>();
  const runs = new Map<unknown, Run>();
  const action = (a: unknown): boolean => {
    if (runs.has(a)) return true;
    const resolved = typeof a === "function" ? a : typeof a === "string" ? impl.actions[a] : typeof a === "object" && a !== null ? impl.actions[(a as { type: string }).type] : undefined;
    const run = stepRunOf(resolved);
    if (run === undefined) return false;
    runs.set(a, run);
    return true;
  };
  const guard = (g: unknown): boolean => {
    if (g === undefined || guards.has(g)) return true;
    const resolved = typeof g === "function" ? g : typeof g === "string" ? impl.guards[g] : undefined;
    if (typeof resolved !== "function" || "check" in resolved) return false;
    guards.set(g, resolved as Guard);
    return true;
  };
  const transition = (t: Transition): boolean => guard(t.guard) && t.actions.every(action) && (t.target ?? []).every((n) => n.type !== "history");
  for (const n of allNodes(machine.root as unknown as StateNode)) {
    if (n.type === "history" || n.type === "final" || n.invoke.length > 0 || n.config.after !== undefined) return null;
    if (!n.entry.every(action) || !n.exit.every(action) || !n.initial.actions.every(action)) return null;
    for (const [descriptor, ts] of n.transitions) {
      if (descriptor === "*" || descriptor.endsWith(".*") || !ts.every(transition)) return null;
    }
    if (n.always !== undefined && !n.always.every(transition)) return null;
  }
  // a bound on microsteps is XState's to count
  if (Number.isFinite((machine as unknown as { options?: { maxIterations?: number } }).options?.maxIterations ?? Infinity)) return null;
  return { machine, guards, runs, configs: new Map(), byNodes: new WeakMap(), transitionIds: new Map(), ctxKeys: [], lastAssigned: undefined, lastAssignedKeys: undefined };
}

/** The configuration of an ordered node list, interned (fast-path snapshots share its node list). */
function configOf(plan: Plan, nodes: readonly StateNode[]): Config {
  let c = plan.byNodes.get(nodes);
  if (c !== undefined) return c;
  const key = nodes.map((n) => n.id).join("\n");
  c = plan.configs.get(key);
  if (c === undefined) {
    const own = [...nodes];
    c = {
      nodes: own,
      value: deepFreeze(stateValue(plan.machine.root as unknown as StateNode, own)),
      tags: new Set(own.flatMap((n) => n.tags)),
      events: new Map(),
      eventless: eventlessOf(own),
      micro: new Map(),
    };
    plan.configs.set(key, c);
    plan.byNodes.set(own, c);
  }
  plan.byNodes.set(nodes, c);
  return c;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

// XState's getStateValue (getAllStateNodes, getAdjList, getValueFromAdj): the value's key order
// follows the node list's, and the trace prints it.
function stateValue(root: StateNode, nodes: StateNode[]): unknown {
  const set = new Set(nodes);
  const adj0 = adjacency(set);
  for (const s of set) {
    if (s.type === "compound" && !(adj0.get(s)?.length)) {
      for (const sn of initialWithAncestors(s)) set.add(sn);
    } else if (s.type === "parallel") {
      for (const child of children(s)) {
        if (!set.has(child)) for (const sn of initialWithAncestors(child)) set.add(sn);
      }
    }
  }
  for (const s of set) {
    for (let m = s.parent; m; m = m.parent) set.add(m);
  }
  return valueFromAdj(root, adjacency(set));
}

function adjacency(nodes: Iterable<StateNode>): Map<StateNode, StateNode[]> {
  const adj = new Map<StateNode, StateNode[]>();
  for (const s of nodes) {
    if (!adj.has(s)) adj.set(s, []);
    if (s.parent) {
      if (!adj.has(s.parent)) adj.set(s.parent, []);
      adj.get(s.parent)!.push(s);
    }
  }
  return adj;
}

function valueFromAdj(base: StateNode, adj: Map<StateNode, StateNode[]>): unknown {
  const kids = adj.get(base);
  if (!kids) return {};
  if (base.type === "compound") {
    const k = kids[0];
    if (!k) return {};
    if (isAtomic(k)) return k.key;
  }
  const v: Record<string, unknown> = {};
  for (const k of kids) v[k.key] = valueFromAdj(k, adj);
  return v;
}

function isAtomic(n: StateNode): boolean {
  return n.type === "atomic" || n.type === "final";
}

function children(n: StateNode): StateNode[] {
  return Object.values(n.states).filter((s) => s.type !== "history");
}

// XState's getInitialStateNodesWithTheirAncestors: the node and its initial descendants in
// preorder, then their ancestors up to it.
function initialWithAncestors(n: StateNode): StateNode[] {
  const set = new Set<StateNode>();
  const iter = (d: StateNode) => {
    if (set.has(d)) return;
    set.add(d);
    if (d.type === "compound") iter(d.initial.target[0]!);
    else if (d.type === "parallel") for (const c of children(d)) iter(c);
  };
  iter(n);
  for (const s of set) for (const a of ancestorsOf(s, n)) set.add(a);
  return [...set];
}

function ancestorsOf(n: StateNode, upTo: StateNode | undefined): StateNode[] {
  const out: StateNode[] = [];
  if (upTo === n) return out;
  for (let m = n.parent; m && m !== upTo; m = m.parent) out.push(m);
  return out;
}

function isDescendant(child: StateNode, parent: StateNode | undefined): boolean {
  let m = child;
  while (m.parent && m.parent !== parent) m = m.parent;
  return m.parent === parent;
}

function eventlessOf(nodes: StateNode[]): Transition[][][] | null {
  const out: Transition[][][] = [];
  for (const atomic of nodes) {
    if (!isAtomic(atomic)) continue;
    const chain: Transition[][] = [];
    for (const s of [atomic, ...ancestorsOf(atomic, undefined)]) if (s.always !== undefined && s.always.length > 0) chain.push(s.always);
    if (chain.length > 0) out.push(chain);
  }
  return out.length > 0 ? out : null;
}

/** XState's transitionNode over a state value, for one event type, with the nodes that take no such event left out. */
function selectorOf(node: StateNode, value: unknown, type: string): Selector | null {
  if (typeof value === "string") {
    const leaf = node.states[value]!;
    const kid = candidates(leaf, type).length > 0 ? { node: leaf, cands: candidates(leaf, type), kids: [], parallel: false } : null;
    return withOwn(node, type, kid ? [kid] : [], false);
  }
  const keys = Object.keys(value as object);
  if (keys.length === 1) {
    const kid = selectorOf(node.states[keys[0]!]!, (value as Record<string, unknown>)[keys[0]!], type);
    return withOwn(node, type, kid ? [kid] : [], false);
  }
  const kids: Selector[] = [];
  for (const k of keys) {
    const sub = (value as Record<string, unknown>)[k];
    if (!sub) continue;
    const kid = selectorOf(node.states[k]!, sub, type);
    if (kid) kids.push(kid);
  }
  return withOwn(node, type, kids, true);
}

function withOwn(node: StateNode, type: string, kids: Selector[], parallel: boolean): Selector | null {
  const cands = candidates(node, type);
  if (cands.length === 0 && kids.length === 0) return null;
  return { node, cands, kids, parallel: parallel && kids.length > 1 };
}

function candidates(node: StateNode, type: string): Transition[] {
  return node.transitions.get(type) ?? [];
}

/**
 * One step of a value machine on the fast path: the next snapshot, exactly as XState's
 * `machine.transition` makes it (the same snapshot when nothing changed), with the effects the
 * steps emitted appended to `effects` in order. Returns undefined when the plan does not cover the
 * machine or the event: the caller then runs XState's transition. A step or guard that throws
 * throws here too, with the effects emitted before it already in `effects`.
 */
export function fastTransition(machine: AnyStateMachine, snap: AnyMachineSnapshot, event: { type: string }, effects: Effects[]): AnyMachineSnapshot | undefined {
  const type = event.type;
  // XState's own events (init, stop, errors, after) and the wildcard are its interpreter's.
  if (typeof type !== "string" || type === "*" || type.startsWith("xstate.")) return undefined;
  const plan = planOf(machine);
  if (plan === null) return undefined;
  const start = configOf(plan, (snap as unknown as { _nodes: StateNode[] })._nodes);
  let cfg = start;
  let ctx: unknown = snap.context;
  let sel = cfg.events.get(type);
  if (sel === undefined) {
    sel = selectorOf(plan.machine.root as unknown as StateNode, cfg.value, type);
    // event types come from messages: past a bound they are looked up each time, not remembered
    if (cfg.events.size < eventTypesKept) cfg.events.set(type, sel);
  }
  if (sel !== null) {
    const ts = pick(plan, sel, ctx, event, type);
    if (ts !== undefined && ts.length > 0) {
      const m = microOf(plan, cfg, ts);
      ctx = runMicro(plan, m, ctx, event, effects);
      cfg = m.next;
    }
  }
  // The eventless loop of XState's macrostep: `always` transitions until none is enabled, or one
  // changed nothing (a targetless `always` that assigned nothing ends the loop).
  let selectEventless = true;
  while (cfg.eventless !== null && selectEventless) {
    const enabled = eventless(plan, cfg, ctx, event);
    if (enabled.length === 0) break;
    const m = microOf(plan, cfg, enabled);
    const before = ctx;
    ctx = runMicro(plan, m, ctx, event, effects);
    selectEventless = ctx !== before || !m.sameSet;
    cfg = m.next;
  }
  if (cfg === start && ctx === snap.context) return snap;
  return nextSnapshot(snap as unknown as Snapshot, ctx, cfg) as unknown as AnyMachineSnapshot;
}

type Snapshot = Record<"status" | "output" | "error" | "machine" | "children" | "historyValue" | "matches" | "hasTag" | "can" | "getMeta" | "toJSON", unknown>;

/**
 * The next snapshot as XState's cloneMachineSnapshot makes it (createMachineSnapshot's literal, so
 * its keys and their order are XState's): one object literal of one shape, which V8 builds several
 * times faster than a copy of a 15-key object by Object.assign.
 */
function nextSnapshot(snap: Snapshot, ctx: unknown, cfg: Config): unknown {
  return {
    status: snap.status, output: snap.output, error: snap.error, machine: snap.machine, context: ctx, _nodes: cfg.nodes, value: cfg.value, tags: cfg.tags,
    children: snap.children, historyValue: snap.historyValue, matches: snap.matches, hasTag: snap.hasTag, can: snap.can, getMeta: snap.getMeta, toJSON: snap.toJSON,
  };
}

/** Runs a microstep's steps as XState's assign and emit would: each next context merged into a new one, effects in order. */
function runMicro(plan: Plan, m: Micro, ctx: unknown, event: unknown, effects: Effects[]): unknown {
  // An outbox left empty by a step serves the next one: most steps send nothing, and each Fx is
  // four allocations. One that was written to leaves with its effects, and the next step gets a new one.
  let fx: Fx | undefined;
  for (const run of m.runs) {
    fx ??= new Fx();
    const next = runTaggedStep(run, ctx, event, fx);
    if (next !== ctx) ctx = assigned(plan, ctx, next);
    if (!fx.empty) {
      effects.push(fx.toEvent());
      fx = undefined;
    }
  }
  return ctx;
}

/**
 * The context XState's assign makes of a step's next context: `Object.assign({}, ctx, next)`. When
 * `next` has exactly the keys of `ctx`, in the same order (a step's result almost always does),
 * that copy equals `next` key for key and in key order, and `next` itself is the same value at a
 * fraction of the cost (a copy of a 30-key context is several microseconds). The keys are compared
 * with the plan's remembered list, without an array per step.
 */
function assigned(plan: Plan, ctx: unknown, next: unknown): unknown {
  // A context this returned as it was has the plan's keys and no symbols (contexts are values, never
  // changed after a step): the next step of the same actor (the API server's stages) checks only its result.
  const known = ctx === plan.lastAssigned && plan.ctxKeys === plan.lastAssignedKeys;
  if (!known && !keysAre(ctx as object, plan.ctxKeys)) {
    plan.ctxKeys = Object.keys(ctx as object);
  }
  if (!keysAre(next as object, plan.ctxKeys)) return Object.assign({}, ctx, next);
  if ((known || Object.getOwnPropertySymbols(ctx as object).length === 0) && Object.getOwnPropertySymbols(next as object).length === 0) {
    plan.lastAssigned = next;
    plan.lastAssignedKeys = plan.ctxKeys;
    return next;
  }
  return Object.assign({}, ctx, next);
}

/** True when o's own enumerable string keys are `keys`, in that order (a plain object's prototype adds none). */
function keysAre(o: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in o) {
    if (k !== keys[i]) return false;
    i++;
  }
  return i === keys.length;
}

function pick(plan: Plan, sel: Selector, ctx: unknown, event: { type: string }, type: string): Transition[] | undefined {
  if (sel.parallel) {
    let all: Transition[] | undefined;
    for (const k of sel.kids) {
      const r = pick(plan, k, ctx, event, type);
      if (r !== undefined) (all ??= []).push(...r);
    }
    if (all !== undefined && all.length > 0) return all;
  } else if (sel.kids.length === 1) {
    const r = pick(plan, sel.kids[0]!, ctx, event, type);
    if (r !== undefined && r.length > 0) return r;
  }
  for (const t of sel.cands) {
    let passed: unknown;
    try {
      passed = t.guard === undefined || plan.guards.get(t.guard)!({ context: ctx, event }, undefined);
    } catch (err) {
      // as StateNode.next reports it
      const g = typeof t.guard === "string" ? t.guard : undefined;
      throw new Error(`Unable to evaluate guard ${g ? `'${g}' ` : ""}in transition for event '${type}' in state node '${sel.node.id}':\n${(err as Error).message}`);
    }
    if (passed) return [t];
  }
  return undefined;
}

// What eventless returns when no `always` transition is enabled (the common case): no array per check.
const noneEnabled: Transition[] = [];

function eventless(plan: Plan, cfg: Config, ctx: unknown, event: unknown): Transition[] {
  let enabled: Transition[] | undefined;
  // one guard argument for the whole check: a guard reads it and keeps nothing of it
  let args: { context: unknown; event: unknown } | undefined;
  for (const chain of cfg.eventless!) {
    loop: for (const list of chain) {
      for (const t of list) {
        if (t.guard === undefined || plan.guards.get(t.guard)!((args ??= { context: ctx, event }), undefined)) {
          if (enabled === undefined) enabled = [t];
          else if (!enabled.includes(t)) enabled.push(t);
          break loop;
        }
      }
    }
  }
  if (enabled === undefined) return noneEnabled;
  return enabled.length > 1 ? removeConflicting(enabled, new Set(cfg.nodes)) : enabled;
}

function microOf(plan: Plan, cfg: Config, ts: Transition[]): Micro {
  let key: Transition | string;
  if (ts.length === 1) key = ts[0]!;
  else {
    key = ts
      .map((t) => {
        let id = plan.transitionIds.get(t);
        if (id === undefined) plan.transitionIds.set(t, (id = plan.transitionIds.size));
        return id;
      })
      .join(",");
  }
  let m = cfg.micro.get(key);
  if (m === undefined) {
    m = compileMicro(plan, cfg, ts);
    cfg.micro.set(key, m);
  }
  return m;
}

// XState's microstep (removeConflictingTransitions, exitStates, the transitions' actions,
// enterStates), for machines without history or final states.
function compileMicro(plan: Plan, cfg: Config, ts: Transition[]): Micro {
  const set = new Set(cfg.nodes);
  const filtered = removeConflicting(ts, set);
  const runs: Run[] = [];
  const add = (actions: unknown[]) => {
    for (const a of actions) runs.push(plan.runs.get(a)!);
  };
  const exits = exitSet(filtered, set).sort((a, b) => b.order - a.order);
  for (const s of exits) {
    add(s.exit);
    set.delete(s);
  }
  for (const t of filtered) add(t.actions);
  const toEnter = new Set<StateNode>();
  const forDefault = new Set<StateNode>();
  entrySet(filtered, forDefault, toEnter);
  for (const s of [...toEnter].sort((a, b) => a.order - b.order)) {
    set.add(s);
    add(s.entry);
    if (forDefault.has(s)) add(s.initial.actions);
  }
  const sameSet = cfg.nodes.length === set.size && cfg.nodes.every((n) => set.has(n));
  return { runs, next: sameSet ? cfg : configOf(plan, [...set]), sameSet };
}

function removeConflicting(enabled: Transition[], set: Set<StateNode>): Transition[] {
  const filtered = new Set<Transition>();
  for (const t1 of enabled) {
    let preempted = false;
    const remove = new Set<Transition>();
    for (const t2 of filtered) {
      if (intersects(exitSet([t1], set), exitSet([t2], set))) {
        if (isDescendant(t1.source, t2.source)) remove.add(t2);
        else {
          preempted = true;
          break;
        }
      }
    }
    if (!preempted) {
      for (const t3 of remove) filtered.delete(t3);
      filtered.add(t1);
    }
  }
  return [...filtered];
}

function intersects(a: StateNode[], b: StateNode[]): boolean {
  const sb = new Set(b);
  return a.some((x) => sb.has(x));
}

function domainOf(t: Transition): StateNode | undefined {
  const targets = t.target ?? [];
  if (!t.reenter && targets.every((n) => n === t.source || isDescendant(n, t.source))) return t.source;
  const all = [...targets, t.source];
  const [head, ...tail] = all;
  for (const anc of ancestorsOf(head!, undefined)) if (tail.every((n) => isDescendant(n, anc))) return anc;
  if (t.reenter) return undefined;
  return (t.source as unknown as { machine: { root: StateNode } }).machine.root;
}

function exitSet(ts: Transition[], set: Set<StateNode>): StateNode[] {
  const out = new Set<StateNode>();
  for (const t of ts) {
    if (t.target?.length) {
      const domain = domainOf(t);
      if (t.reenter && t.source === domain) out.add(domain);
      for (const s of set) if (isDescendant(s, domain)) out.add(s);
    }
  }
  return [...out];
}

function entrySet(ts: Transition[], forDefault: Set<StateNode>, toEnter: Set<StateNode>): void {
  for (const t of ts) {
    const domain = domainOf(t);
    for (const s of t.target ?? []) {
      if (t.source !== s || t.source !== domain || t.reenter) {
        toEnter.add(s);
        forDefault.add(s);
      }
      addDescendants(s, forDefault, toEnter);
    }
    for (const s of t.target ?? []) {
      const ancestors = ancestorsOf(s, domain);
      if (domain?.type === "parallel") ancestors.push(domain);
      addAncestors(toEnter, forDefault, ancestors, !t.source.parent && t.reenter ? undefined : domain);
    }
  }
}

function addDescendants(n: StateNode, forDefault: Set<StateNode>, toEnter: Set<StateNode>): void {
  if (n.type === "compound") {
    const initial = n.initial.target[0]!;
    toEnter.add(initial);
    forDefault.add(initial);
    addDescendants(initial, forDefault, toEnter);
    addAncestors(toEnter, forDefault, ancestorsOf(initial, n), undefined);
  } else if (n.type === "parallel") {
    for (const child of children(n)) {
      if (![...toEnter].some((s) => isDescendant(s, child))) {
        toEnter.add(child);
        forDefault.add(child);
        addDescendants(child, forDefault, toEnter);
      }
    }
  }
}

function addAncestors(toEnter: Set<StateNode>, forDefault: Set<StateNode>, ancestors: StateNode[], reentrancyDomain: StateNode | undefined): void {
  for (const anc of ancestors) {
    if (!reentrancyDomain || isDescendant(anc, reentrancyDomain)) toEnter.add(anc);
    if (anc.type === "parallel") {
      for (const child of children(anc)) {
        if (![...toEnter].some((s) => isDescendant(s, child))) {
          toEnter.add(child);
          addDescendants(child, forDefault, toEnter);
        }
      }
    }
  }
}
