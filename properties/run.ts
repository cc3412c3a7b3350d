// One checked run: a cluster, a workload of commands at given steps, the invariants after
// every step. Safety phase with faults, then a liveness phase without faults that must
// converge within a budget. Everything is a function of the RunSpec, so a run replays exactly.

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createCluster, type Cluster } from "../runtime/cluster.js";
import { parseManifests } from "../runtime/manifests.js";
import { resourceForKind } from "../machines/apiserver/resources.js";
import { Rng, seedFor } from "../machines/common/prng.js";
import { FaultInjector, defaultFaultSettings, faultSettingsFromSeed, type FaultName, type FaultSettings } from "../runtime/faults.js";
import type { TraceEntry } from "../runtime/docs/trace-types.js";
import { InvariantChecker, invariants as allInvariants, type InvariantSpec, type Violation } from "./invariants/index.js";
import { livenessInvariant, notConverged, notConvergedMessage } from "./invariants/liveness.js";
import { footprint, footprintDiff } from "./invariants/deletion.js";

/** A change the workload makes, sent as kubectl would at a given step of the safety phase. */
export type Command =
  | { op: "apply"; at: number; obj: any }
  | { op: "delete"; at: number; kind: string; name: string }
  | { op: "scale"; at: number; kind: string; name: string; replicas: number };

/** Everything a run depends on. */
export interface RunSpec {
  scenario: string;
  seed: number;
  nodes: number;
  steps: number;
  faults: FaultName[];
  commands: Command[];
  /** the fault probabilities and bounds, drawn from the seed (faultSettingsFromSeed); a spec without them was recorded with the defaults */
  faultSettings?: FaultSettings;
  /** simulated ms the liveness phase may take */
  livenessBudgetMs?: number;
}

export interface RunResult {
  spec: RunSpec;
  steps: number;
  faults: number;
  faultCounts: Record<string, number>;
  violations: Violation[];
  phase: "safety" | "liveness" | "deletion" | "done";
  trace?: readonly TraceEntry[];
}

/** Thrown from inside the runtime when an invariant fails, to stop the run at that step. */
export class ViolationError extends Error {
  constructor(public readonly violations: Violation[]) {
    super(violations.map((v) => `${v.invariant}: ${v.message}`).join("\n"));
  }
}

/** Hooks for mutants: change the cluster before the run starts (spawn a broken machine, wrap delivery). */
export interface RunHooks {
  prepare?(cluster: Cluster): void;
  invariants?: readonly InvariantSpec[];
  trace?: boolean;
}

/** The examples/ directory, from the sources or from dist/. */
export function examplesDir(): string {
  for (const rel of ["../examples/", "../../examples/"]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error("examples/ directory not found");
}

/** The objects of an example manifest by scenario name (the file name without .yaml). */
export function exampleObjects(name: string): any[] {
  const f = `${examplesDir()}${name}.yaml`;
  return parseManifests(readFileSync(f, "utf8"), f) as any[];
}

function send(cluster: Cluster, c: Command, id: number): void {
  const kind = c.op === "apply" ? c.obj.kind : c.kind;
  const r = resourceForKind(kind);
  if (!r) throw new Error(`unknown kind ${kind}`);
  const namespace = r.namespaced ? "default" : undefined;
  const base: any = { type: "ApiRequest", id, token: cluster.adminToken, group: r.group, resource: r.resource, ...(namespace ? { namespace } : {}) };
  if (c.op === "apply") base.verb = "create", base.body = structuredClone(c.obj);
  else if (c.op === "delete") base.verb = "delete", base.name = c.name;
  else base.verb = "patch", base.name = c.name, base.patchType = "merge", base.body = { spec: { replicas: c.replicas } };
  cluster.runtime.send("kubectl", "apiserver", base);
}

/** One step: a message if one is ready, else the next timer. False when there is neither. */
function stepOnce(cluster: Cluster): boolean {
  const rt = cluster.runtime;
  if (rt.hasReady) return rt.step();
  return rt.fireNextTimer();
}

/** Runs one spec; violations stop it at the step they happen. */
export function runSpec(spec: RunSpec, hooks: RunHooks = {}): RunResult {
  const cluster = createCluster({ nodes: spec.nodes, seed: spec.seed, trace: hooks.trace ?? false });
  const rt = cluster.runtime;
  hooks.prepare?.(cluster);
  const checker = new InvariantChecker(rt, hooks.invariants ?? allInvariants);
  rt.observers.push(() => {
    const vs = checker.step();
    if (vs.length > 0) throw new ViolationError(vs);
  });
  const faults = new FaultInjector(rt, spec.seed, spec.faults, faultSettingsOf(spec));
  const result: RunResult = { spec, steps: 0, faults: 0, faultCounts: faults.counts, violations: [], phase: "safety" };
  const commands = [...spec.commands].sort((a, b) => a.at - b.at);
  let next = 0;
  let id = 1_000_000;
  // deletionReversesCreation compares the end of the run with the cluster as start-up leaves it
  // (a fork settled apart, so the run itself is unchanged).
  const started = rt.fork();
  started.settle();
  const before = footprint(started);
  started.stopAll();
  try {
    faults.install();
    for (let i = 0; i < spec.steps; i++) {
      while (next < commands.length && commands[next]!.at <= i) send(cluster, commands[next++]!, id++);
      if (!stepOnce(cluster)) break;
      result.steps++;
    }
    while (next < commands.length) send(cluster, commands[next++]!, id++);
    faults.uninstall();
    result.phase = "liveness";
    result.steps += converge(cluster, spec.livenessBudgetMs ?? 600_000);
    result.phase = "deletion";
    result.steps += deleteEverything(cluster, commands, () => id++);
    const left = footprintDiff(before, footprint(rt));
    if (left.length > 0) throw new ViolationError(left);
    result.phase = "done";
  } catch (e) {
    if (!(e instanceof ViolationError)) throw e;
    result.violations = e.violations;
  } finally {
    result.faults = faults.total;
    if (hooks.trace) result.trace = rt.trace();
    void cluster.stop();
  }
  return result;
}

/** The fault settings a spec runs with. */
export function faultSettingsOf(spec: RunSpec): FaultSettings {
  return spec.faultSettings ?? defaultFaultSettings;
}

/** livenessUnderFairness: without faults, under the seeded uniform (fair) chooser, the cluster must converge within the budget. */
function converge(cluster: Cluster, budgetMs: number): number {
  const rt = cluster.runtime;
  const deadline = rt.now + budgetMs;
  let steps = 0;
  for (;;) {
    if (rt.queued === 0) {
      const why = notConverged(cluster);
      if (why === undefined) return steps;
      if (rt.now >= deadline || !rt.fireNextTimer(deadline)) throw new ViolationError([{ invariant: livenessInvariant, message: notConvergedMessage(budgetMs, why) }]);
      steps++;
      continue;
    }
    if (!stepOnce(cluster)) throw new ViolationError([{ invariant: livenessInvariant, message: "messages are queued on clogged channels but no timer is left" }]);
    steps++;
  }
}

/**
 * deletionReversesCreation's phase: delete what the workload applied and still exists (newest
 * first; owned objects go with their owners through the garbage collector), let the cluster
 * settle, a simulated minute pass for graceful terminations, and settle again.
 */
function deleteEverything(cluster: Cluster, commands: Command[], nextId: () => number): number {
  const rt = cluster.runtime;
  const start = rt.delivered;
  const applied = commands.filter((c): c is Extract<Command, { op: "apply" }> => c.op === "apply").reverse();
  for (const c of applied) {
    const namespaced = resourceForKind(c.obj.kind)?.namespaced;
    if (cluster.get(c.obj.kind, c.obj.metadata.name, namespaced ? "default" : undefined)) send(cluster, { op: "delete", at: 0, kind: c.obj.kind, name: c.obj.metadata.name }, nextId());
  }
  rt.settle();
  rt.advance(60_000);
  rt.settle();
  return rt.delivered - start;
}

export { notConverged } from "./invariants/liveness.js";

const scenarioNodes = 2;

/** The built-in scenarios: every example manifest, plus random workloads. */
export function scenarioNames(): string[] {
  const examples = readdirSync(examplesDir()).filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -5));
  return [...examples.sort(), "random"];
}

/** A random workload object: a pod, a ReplicaSet or a Service over app=<label>. */
export function randomObject(rng: Rng, i: number): any {
  const app = ["a", "b"][rng.int(2)]!;
  const cpu = `${[100, 500, 1500][rng.int(3)]}m`;
  const container = { name: "c", image: ["nginx:1.27", "busybox:1.36"][rng.int(2)], ...(rng.int(2) ? { command: ["sh", "-c", "sleep 3600"] } : {}), resources: { requests: { cpu, memory: "64Mi" } }, ports: [{ containerPort: 80, name: "http" }] };
  const which = rng.int(3);
  if (which === 0) return { apiVersion: "v1", kind: "Pod", metadata: { name: `p${i}`, labels: { app } }, spec: { containers: [container] } };
  if (which === 1) return { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: `rs${i}` }, spec: { replicas: 1 + rng.int(3), selector: { matchLabels: { app, rs: `rs${i}` } }, template: { metadata: { labels: { app, rs: `rs${i}` } }, spec: { containers: [container] } } } };
  return { apiVersion: "v1", kind: "Service", metadata: { name: `svc${i}` }, spec: { selector: { app }, ports: [{ port: 80, targetPort: "http" }] } };
}

/** The commands of a scenario, drawn from a seed: the manifest (or random objects) at step 0, then deletes and scales. */
export function commandsFromSeed(scenario: string, seed: number, steps: number): Command[] {
  const rng = new Rng(seedFor(seed, "workload"));
  const objs = scenario === "random" ? Array.from({ length: 1 + rng.int(4) }, (_, i) => randomObject(rng, i)) : exampleObjects(scenario);
  const out: Command[] = objs.map((obj) => ({ op: "apply", at: scenario === "random" ? rng.int(Math.max(1, steps >> 1)) : 0, obj }));
  for (const o of objs) {
    if (rng.int(3) === 0) out.push({ op: "delete", at: rng.int(Math.max(1, steps)), kind: o.kind, name: o.metadata.name });
    else if ((o.kind === "ReplicaSet" || o.kind === "Deployment") && rng.int(2) === 0) out.push({ op: "scale", at: rng.int(Math.max(1, steps)), kind: o.kind, name: o.metadata.name, replicas: rng.int(4) });
  }
  return out;
}

/** The spec `podflow replay <seed>` and the CI fuzzer run for a seed. */
export function specFromSeed(seed: number, opts: { scenario: string; steps: number; faults: FaultName[]; nodes?: number }): RunSpec {
  return { scenario: opts.scenario, seed, nodes: opts.nodes ?? scenarioNodes, steps: opts.steps, faults: opts.faults, faultSettings: faultSettingsFromSeed(seed), commands: commandsFromSeed(opts.scenario, seed, opts.steps) };
}
