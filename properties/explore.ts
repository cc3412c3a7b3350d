// `podflow explore`: breadth-first exploration of every interleaving of a small scenario.
// A state is the whole runtime; a transition delivers the head of one ready channel (or,
// when none is ready, fires the next work timer). Logic mutates contexts in place, so each
// branch runs on a fork (Runtime.fork deep-copies actor snapshots and queues), which is
// cheaper than re-executing the prefix from the root. States are hashed and deduplicated;
// the first violation found is at the least depth, so its path is a shortest counterexample.

import { createCluster, type Cluster } from "../runtime/cluster.js";
import { removeWatch } from "../machines/apiserver/cache.js";
import type { Runtime } from "../runtime/runtime.js";
import { summarize } from "../runtime/summary.js";
import type { TraceEntry } from "../runtime/docs/trace-types.js";
import { Monitor, allocatableNeverExceeded, neverRunningWithoutNodeName, uniquePodIPs, type Violation } from "./invariants/core.js";
import { worldOf } from "./invariants/index.js";
import { exampleObjects, randomObject } from "./run.js";
import { resourceForKind } from "../machines/apiserver/resources.js";
import { Rng } from "../machines/common/prng.js";

export interface ExploreOptions {
  scenario: string;
  depth: number;
  maxStates: number;
  seed?: number;
  /** change the root cluster before exploring (mutants) */
  prepare?: (rt: Runtime) => void;
  /** run only the actors a pod needs (default: when the scenario holds only Pods) */
  minimal?: boolean;
}

export interface ExploreReport {
  states: number;
  transitions: number;
  depth: number;
  ms: number;
  violation?: { violations: Violation[]; path: TraceEntry[] };
}

interface Node {
  rt: Runtime;
  parent: Node | undefined;
  step: TraceEntry | undefined;
  depth: number;
}

/** A stable text of a runtime's state: actor contexts and values, queued messages, the clock. */
export function stateKey(rt: Runtime): string {
  const parts: string[] = [String(rt.now)];
  for (const a of rt.addresses().sort()) parts.push(a, actorText(rt.snapshot(a)));
  parts.push(JSON.stringify(rt.readyKeys()));
  return parts.join("\u0000");
}

function actorText(s: any): string {
  return JSON.stringify(s.value) + "\u0000" + JSON.stringify(s.context, replacer);
}

// Per-actor hashes of frozen (copy-on-write) snapshots: a fork shares them, so each is hashed once.
const frozenHashes = new WeakMap<object, number>();

/** The hash of stateKey(rt), hashing only the actors that ran since the fork they came from. */
export function stateHash(rt: Runtime): number {
  let h = hashKey(String(rt.now) + "\u0000" + rt.readyKeys().join(","));
  for (const a of rt.addresses().sort()) {
    const frozen = rt.frozenSnapshot(a);
    let x = frozen ? frozenHashes.get(frozen) : undefined;
    if (x === undefined) {
      x = hashKey(a + "\u0000" + actorText(rt.snapshot(a)));
      if (frozen) frozenHashes.set(frozen, x);
    }
    h = (Math.imul(h % 0x7fffffff ^ (x % 0x7fffffff), 0x01000193) >>> 0) * 0x200000 + (x & 0x1fffff);
  }
  return h;
}

function replacer(_k: string, v: unknown): unknown {
  if (v instanceof Map) return { m: [...v.entries()] };
  if (v instanceof Set) return { s: [...v] };
  return v;
}

/** 53 bits of FNV-1a over two lanes: enough to keep a few million states apart. */
export function hashKey(s: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}

/** The actors a scenario of only Pods needs: the rest are stopped in the root (with their watches). */
export const podActors = ["etcd", "apiserver", "scheduler", "kubelet/node-1", "cri/node-1", "cni/node-1"];

/** Stops every actor not in keep, and ends its watches at the API server, so it costs nothing to explore. */
export function keepOnly(rt: Runtime, keep: readonly string[]): void {
  const cache = rt.snapshot("apiserver")?.context?.cache;
  for (const a of rt.addresses()) {
    if (keep.includes(a)) continue;
    rt.crash(a);
    if (cache) for (const w of [...cache.watches.values()] as any[]) if (w.client === a) removeWatch(cache, a, w.watchId);
  }
}

/**
 * The root: a one-node cluster whose start-up has settled (built once per scenario and seed, then
 * forked), with the scenario's objects sent as kubectl would. A scenario of only Pods runs just the
 * actors a pod needs.
 */
export function rootFor(scenario: string, seed = 1, opts: { minimal?: boolean } = {}): Runtime {
  const base = settledBase(seed);
  const objs = scenario === "random" ? [randomObject(new Rng(seed), 0)] : exampleObjects(scenario);
  const rt = base.runtime.fork();
  if (opts.minimal ?? objs.every((o) => o.kind === "Pod")) keepOnly(rt, podActors);
  const cluster = { runtime: rt, adminToken: base.adminToken };
  let id = 1_000_000;
  for (const obj of objs) {
    const r = resourceForKind(obj.kind)!;
    cluster.runtime.send("kubectl", "apiserver", { type: "ApiRequest", id: id++, token: cluster.adminToken, verb: "create", group: r.group, resource: r.resource, ...(r.namespaced ? { namespace: "default" } : {}), body: structuredClone(obj) });
  }
  return cluster.runtime;
}

const bases = new Map<number, Cluster>();

/** A one-node cluster after start-up, made once per seed: start-up is the same for every scenario. */
function settledBase(seed: number): Cluster {
  let c = bases.get(seed);
  if (!c) {
    c = createCluster({ nodes: 1, seed, trace: false });
    c.runtime.settle();
    bases.set(seed, c);
  }
  return c;
}

function violationsOf(parent: Runtime, child: Runtime, delivered: Violation[]): Violation[] {
  const w = worldOf(child);
  const m = new Monitor();
  m.check(worldOf(parent));
  return [...delivered, ...neverRunningWithoutNodeName(w), ...allocatableNeverExceeded(w), ...uniquePodIPs(w), ...m.nodeNameSetOnce(w), ...m.phasesOnlyMoveForward(w), ...m.etcdRevisionOnlyGrows(w)];
}

/** Successors of a state: one per ready channel, or the next work timer when none is ready. */
function successors(n: Node): Array<{ rt: Runtime; step: TraceEntry; violations: Violation[] }> {
  const out: Array<{ rt: Runtime; step: TraceEntry; violations: Violation[] }> = [];
  const width = n.rt.hasReady ? n.rt.readyKeys().length : n.rt.pendingWork > 0 ? 1 : 0;
  for (let i = 0; i < width; i++) {
    const rt = n.rt.fork();
    let step: TraceEntry | undefined;
    const delivered: Violation[] = [];
    rt.deliveryHooks.push((from, to, msg) => {
      step ??= { seq: n.depth, t: rt.now, kind: "deliver", from, to, type: msg.type, summary: summarize(msg) };
      if (to === "etcd" && from !== "apiserver") delivered.push({ invariant: "onlyApiServerTalksToEtcd", message: `${from} delivered ${msg.type} to etcd` });
    });
    if (n.rt.hasReady) {
      rt.choose = () => i;
      rt.step();
    } else {
      rt.fireNextTimer();
      step ??= { seq: n.depth, t: rt.now, kind: "fault", fault: "timer", detail: "the next timer fired" };
    }
    rt.choose = undefined;
    rt.deliveryHooks.length = 0;
    out.push({ rt, step: step!, violations: violationsOf(n.rt, rt, delivered) });
  }
  return out;
}

/** Explores breadth-first up to a depth and a number of distinct states. */
export function explore(opts: ExploreOptions, progress?: (r: ExploreReport) => void): ExploreReport {
  const started = performance.now();
  const root = rootFor(opts.scenario, opts.seed ?? 1, opts.minimal === undefined ? {} : { minimal: opts.minimal });
  opts.prepare?.(root);
  const seen = new Set<number>([stateHash(root)]);
  const report: ExploreReport = { states: 1, transitions: 0, depth: 0, ms: 0 };
  let frontier: Node[] = [{ rt: root, parent: undefined, step: undefined, depth: 0 }];
  while (frontier.length > 0 && report.depth < opts.depth) {
    const next: Node[] = [];
    for (const n of frontier) {
      for (const s of successors(n)) {
        report.transitions++;
        const child: Node = { rt: s.rt, parent: n, step: s.step, depth: n.depth + 1 };
        if (s.violations.length > 0) {
          report.violation = { violations: s.violations, path: pathOf(child) };
          report.ms = performance.now() - started;
          return report;
        }
        const h = stateHash(s.rt);
        if (seen.has(h)) {
          s.rt.stopAll();
          continue;
        }
        seen.add(h);
        report.states++;
        next.push(child);
        if (report.states >= opts.maxStates) {
          report.depth = child.depth;
          report.ms = performance.now() - started;
          return report;
        }
      }
      // The parent's runtime is no longer needed once its children exist (paths keep only steps).
      if (n.parent !== undefined) n.rt.stopAll();
    }
    frontier = next;
    report.depth++;
    report.ms = performance.now() - started;
    progress?.(report);
  }
  report.ms = performance.now() - started;
  return report;
}

function pathOf(n: Node): TraceEntry[] {
  const out: TraceEntry[] = [];
  for (let c: Node | undefined = n; c?.step; c = c.parent) out.push(c.step);
  return out.reverse().map((e, i) => ({ ...e, seq: i }));
}
