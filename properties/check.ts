// `podflow check`: fast-check generates run specs (a run seed that drives the chooser, the
// faults and their settings, and a shrinkable list of create/delete/scale commands), runs each
// with every invariant after every step, and on a violation prints the shrunk counterexample,
// its fault settings, its trace and one replay command. `podflow replay`: re-runs a recorded spec (or a seed) exactly.

import fc from "fast-check";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { faultNames, parseFaults, type FaultEntry, type FaultName } from "../runtime/faults.js";
import { runSpec, scenarioNames, specFromSeed, type Command, type RunHooks, type RunResult, type RunSpec } from "./run.js";
import type { TraceEntry } from "../runtime/docs/trace-types.js";

export interface CheckOptions {
  seed: number;
  seeds: number;
  steps: number;
  faults: FaultName[];
  scenario: string;
  timeBoxMs?: number;
  /** the time box counted in this process's CPU time (user + system) instead of the wall clock: on a shared machine, a budget that does not depend on the load */
  cpuTime?: boolean;
  /** where a counterexample is written (a replayable JSON RunSpec) */
  saveDir?: string;
  hooks?: RunHooks;
  /** runs shrinking may spend once a failure is found (a count, so the result never depends on speed) */
  maxShrinkRuns?: number;
  /** told of the first failing run before shrinking starts */
  onFound?(found: NonNullable<CheckReport["found"]>): void;
  /** told of each smaller failing run shrinking keeps */
  onShrunk?: ShrinkProgress;
  /** told after each run of the search: runs and steps so far */
  onRun?(done: { runs: number; steps: number }): void;
}

export interface CheckReport {
  runs: number;
  steps: number;
  faults: number;
  /** the search up to the first failing run: how many runs and steps it took to find */
  found?: { runs: number; steps: number; spec: RunSpec; result: RunResult };
  /** runs spent shrinking the failure */
  shrinkRuns?: number;
  failure?: { spec: RunSpec; result: RunResult; file?: string };
}

/**
 * The fast-check arbitrary of one scenario's run specs: the seed draws the cluster and the whole
 * workload (specFromSeed). Every command is kept: an edge needs all its parts (a Service and its
 * Deployment's rollouts, a namespace's pods and its deletion), and a random subset seldom kept them
 * all. The seed is never shrunk: a smaller seed is another run, not a simpler one. A failure is
 * shrunk by shrinkRun, which drops the commands it does not need.
 */
export function specArbitrary(scenario: string, steps: number, faults: FaultName[]): fc.Arbitrary<RunSpec> {
  return fc.noShrink(fc.integer({ min: 1, max: 0x7fffffff })).map((seed) => specFromSeed(seed, { scenario, steps, faults }));
}

// The PriorityClasses random pods name: without them Priority admission refuses those pods, a
// different run rather than a smaller one, so a subset or a shrink keeps them.
function isPrelude(c: Command): boolean {
  return c.op === "apply" && (c as { obj?: { kind?: string } }).obj?.kind === "PriorityClass";
}

/** Runs the fuzzer; `log` gets the seed and settings first, progress, then the summary or the counterexample. */
export function check(opts: CheckOptions, log: (s: string) => void): CheckReport {
  const report: CheckReport = { runs: 0, steps: 0, faults: 0 };
  const started = Date.now();
  const cpuStarted = process.cpuUsage();
  const elapsed = () => {
    if (!opts.cpuTime) return Date.now() - started;
    const u = process.cpuUsage(cpuStarted);
    return (u.user + u.system) / 1000;
  };
  const shrinkBudget = opts.maxShrinkRuns ?? defaultMaxShrinkRuns;
  const property = fc.property(specArbitrary(opts.scenario, opts.steps, opts.faults), (spec) => {
    if (opts.timeBoxMs !== undefined && elapsed() > opts.timeBoxMs && report.runs > 0) return true;
    const r = runSpec(spec, opts.hooks ?? {});
    report.runs++;
    report.steps += r.steps;
    report.faults += r.faults;
    opts.onRun?.({ runs: report.runs, steps: report.steps });
    if (report.runs % 10 === 0) log(`  ${report.runs} runs, ${report.steps} steps, ${report.faults} faults injected`);
    if (r.violations.length === 0) return true;
    report.found = { runs: report.runs, steps: report.steps, spec, result: r };
    log(`  violation found after ${report.runs} runs, ${report.steps} steps: ${r.violations[0]!.invariant}; shrinking`);
    opts.onFound?.(report.found);
    return false;
  });
  // fast-check draws the runs; shrinkRun shrinks the failure (it cuts the run at the violation
  // first, so each candidate is short), bounded by a count of runs, never by the time box.
  const out = fc.check(property, { seed: opts.seed, numRuns: opts.seeds, endOnFailure: true });
  if (out.failed && out.counterexample) {
    const first = out.counterexample[0];
    const shrunk = shrinkRun(first, opts.hooks ?? {}, shrinkBudget, opts.onShrunk);
    const shrinkRuns = shrunk.runs;
    // Shrinking only ever keeps a failing spec; should it not fail again, the run that was found is reported.
    const spec = shrunk.result.violations.length > 0 ? shrunk.spec : report.found!.spec;
    const result = runSpec(spec, { ...(opts.hooks ?? {}), trace: true });
    report.failure = { spec, result };
    if (opts.saveDir) report.failure.file = saveCounterexample(opts.saveDir, spec);
    report.shrinkRuns = shrinkRuns;
  }
  return report;
}

/** Runs shrinkRun may take by default. */
export const defaultMaxShrinkRuns = 300;

/** A candidate keeps the failure when it fails in the same phase on the same invariant. */
function failsLike(r: RunResult, like: RunResult): boolean {
  return r.violations.length > 0 && r.phase === like.phase && r.violations[0]!.invariant === like.violations[0]!.invariant;
}

/** Told of each smaller failing run the shrinker keeps (a run cut short still has its best). */
export type ShrinkProgress = (best: { spec: RunSpec; result: RunResult; runs: number }) => void;

/**
 * Shrinks a failing run. First its faults are recorded, each keyed to the message it struck
 * (RunSpec.faultPlan): from then on a candidate injects exactly those, so dropping a command or a
 * delivery moves no fault. Then the step count (a safety violation at step k needs only k + 1
 * steps and the commands sent by then), the commands (each dropped, each sent earlier), the faults
 * (all, then halves, quarters ... one by one, as delta debugging does), for a liveness or deletion
 * failure the safety phase (halved), then the deliveries (shrinkSchedule). Every candidate is one
 * deterministic run; at most `budget`.
 */
export function shrinkRun(spec: RunSpec, hooks: RunHooks, budget: number, progress?: ShrinkProgress): { spec: RunSpec; result: RunResult; runs: number } {
  let runs = 1;
  const plan: FaultEntry[] = [];
  let result = runSpec(spec.faultPlan ? spec : { ...spec }, { ...hooks, ...(spec.faultPlan ? {} : { recordFaults: plan }) });
  if (result.violations.length === 0) return { spec, result, runs };
  const like = result;
  let best = truncated(spec.faultPlan ? spec : { ...spec, faultPlan: plan }, result);
  const attempt = (candidate: RunSpec): boolean => {
    if (runs >= budget) return false;
    runs++;
    const r = runSpec(candidate, hooks);
    // Simpler never means longer: a candidate must fail as early as the best so far, or earlier
    // (a liveness or deletion failure counts the steps of its later phases too).
    if (!failsLike(r, like) || r.steps > result.steps) return false;
    best = truncated(candidate, r);
    result = r;
    progress?.({ spec: best, result, runs });
    return true;
  };
  const withCommands = (commands: Command[]): RunSpec => ({ ...best, commands });
  // A liveness or deletion failure: halve the safety phase first while the failure stays (every later candidate runs shorter).
  const halveSafety = () => {
    while (result.phase !== "safety" && best.steps > 1 && attempt({ ...best, steps: best.steps >> 1, commands: best.commands.map((c) => ({ ...c, at: Math.min(c.at, (best.steps >> 1) - 1) })) }));
  };
  halveSafety();
  shrinkFaults(attempt, () => best, 7);
  for (let round = 0; round < 2; round++) {
    const before = JSON.stringify(best);
    for (let i = best.commands.length - 1; i >= 0; i--) if (i < best.commands.length && !isPrelude(best.commands[i]!)) attempt(withCommands(best.commands.filter((_, j) => j !== i)));
    // Earlier commands: everything at step 0 at once, else each halved while the failure stays.
    if (best.commands.some((c) => c.at > 0)) attempt(withCommands(best.commands.map((c) => ({ ...c, at: 0 }))));
    for (let i = 0; i < best.commands.length; i++) {
      while (i < best.commands.length && best.commands[i]!.at > 0 && attempt(withCommands(best.commands.map((c, j) => (j === i ? { ...c, at: c.at >> 1 } : c)))));
    }
    shrinkFaults(attempt, () => best, 7);
    if (JSON.stringify(best) === before) break;
  }
  halveSafety();
  if (budget - runs < 2) return { spec: best, result, runs };
  const scheduled = shrinkSchedule(best, hooks, budget - runs, like, (b) => progress?.({ ...b, runs: runs + b.runs }));
  runs += scheduled.runs;
  best = scheduled.spec;
  result = scheduled.result;
  // Cut deliveries may have left faults that strike nothing, or no longer matter: one by one now.
  shrinkFaults(attempt, () => best, budget - runs);
  return { spec: best, result, runs };
}

/**
 * Leaves faults out of a spec's plan, as delta debugging does: all at once, then in halves,
 * quarters and so on down to one at a time, each cut kept while the run still fails alike. The
 * fault kinds no planned fault has are dropped from the spec.
 */
function shrinkFaults(attempt: (c: RunSpec) => boolean, current: () => RunSpec, maxRuns: number): void {
  if (!current().faultPlan || current().faultPlan!.length === 0) return;
  let tries = 0;
  const withPlan = (faultPlan: FaultEntry[]): boolean => {
    tries++;
    const kinds = new Set(faultPlan.map((f) => f.fault));
    return attempt({ ...current(), faultPlan, faults: current().faults.filter((f) => kinds.has(f)) });
  };
  if (withPlan([])) return;
  for (let size = current().faultPlan!.length >> 1; size >= 1 && tries < maxRuns; size >>= 1) {
    for (let i = current().faultPlan!.length - size; i >= 0 && tries < maxRuns; i -= size) {
      const p = current().faultPlan!;
      if (i + size <= p.length) withPlan([...p.slice(0, i), ...p.slice(i + size)]);
    }
  }
}

/** A safety run stops at its violating step: later steps and commands never mattered. */
function truncated(s: RunSpec, r: RunResult): RunSpec {
  return r.phase === "safety" ? { ...s, steps: Math.min(s.steps, r.steps + 1), commands: s.commands.filter((c) => c.at <= r.steps) } : s;
}

/**
 * Shrinks the deliveries themselves: a failing run's schedule (the channel each delivery came
 * from) is recorded, then cut: every delivery of one channel at once (the busiest first: a
 * component whose messages the failure does not need), then runs of deliveries, halved as in delta
 * debugging. A cut delivery waits until the schedule is spent; a candidate is kept when it fails
 * like the run did (same phase, same invariant) in no more steps. At most `budget` runs (two at least: the recording and the last).
 */
export function shrinkSchedule(spec: RunSpec, hooks: RunHooks, budget: number, like?: RunResult, progress?: ShrinkProgress): { spec: RunSpec; result: RunResult; runs: number } {
  let runs = 1;
  const picks: string[] = [];
  const plan: FaultEntry[] = [];
  let result = runSpec(spec, { ...hooks, record: picks, ...(spec.faultPlan ? {} : { recordFaults: plan }) });
  const model = like ?? result;
  if (!failsLike(result, model)) return { spec, result, runs };
  let best: RunSpec = { ...truncated(spec, result), schedule: picks, ...(spec.faultPlan ? {} : { faultPlan: plan }) };
  const cut = (schedule: string[]): void => {
    if (schedule.length === best.schedule!.length || runs >= budget - 1) return;
    runs++;
    const candidate = { ...best, schedule };
    const c = runSpec(candidate, hooks);
    if (!failsLike(c, model) || c.steps > result.steps) return;
    best = truncated(candidate, c);
    result = c;
    progress?.({ spec: best, result, runs });
  };
  const counts = new Map<string, number>();
  for (const k of picks) counts.set(k, (counts.get(k) ?? 0) + 1);
  for (const [key] of [...counts].sort((a, b) => b[1] - a[1])) cut(best.schedule!.filter((k) => k !== key));
  for (let size = best.schedule!.length >> 1; size >= 1 && runs < budget - 1; size >>= 1) {
    for (let start = best.schedule!.length - size; start >= 0 && runs < budget - 1; start -= size) {
      const s = best.schedule!;
      cut([...s.slice(0, start), ...s.slice(start + size)]);
    }
  }
  // Only the picks the shortest run made are kept (a replay spends no more).
  const used: string[] = [];
  runs++;
  const last = runSpec(best, { ...hooks, record: used });
  if (failsLike(last, model) && last.steps === result.steps) best = { ...best, schedule: used };
  return { spec: best, result, runs };
}

/** Writes a counterexample as a replayable JSON RunSpec; returns its path. */
export function saveCounterexample(dir: string, spec: RunSpec): string {
  mkdirSync(dir, { recursive: true });
  const file = `${dir.replace(/\/$/, "")}/${spec.scenario}-${spec.seed}.json`;
  writeFileSync(file, JSON.stringify(spec, null, 2) + "\n");
  return file;
}

/** Reads what `podflow replay` takes: a JSON RunSpec file, or a seed (with the scenario, steps and faults given). */
export function replaySpec(arg: string, opts: { scenario: string; steps: number; faults: FaultName[] }): RunSpec {
  if (/^\d+$/.test(arg)) return specFromSeed(Number(arg), opts);
  return JSON.parse(readFileSync(arg, "utf8")) as RunSpec;
}

/** The trace lines of a run that a reader needs: deliveries and faults, the last `n` of them. */
export function traceTail(trace: readonly TraceEntry[], n = 40): string[] {
  const lines: string[] = [];
  for (const e of trace) {
    if (e.kind === "deliver") lines.push(`${e.seq} t=${e.t} ${e.from} -> ${e.to} ${e.type} ${e.summary}`);
    else if (e.kind === "fault") lines.push(`${e.seq} t=${e.t} FAULT ${e.fault}: ${e.detail}`);
    else if (e.kind === "refused") lines.push(`${e.seq} t=${e.t} REFUSED ${e.from} -> ${e.to} ${e.type}: ${e.why}`);
  }
  return lines.slice(-n);
}

/** Validates scenario and fault names; the message lists the valid ones. */
export function validateNames(scenario: string, faults: string | undefined): { faults: FaultName[] } | { error: string } {
  const scenarios = scenarioNames();
  if (!scenarios.includes(scenario)) return { error: `unknown scenario "${scenario}"; valid scenarios: ${scenarios.join(", ")}` };
  const f = parseFaults(faults);
  if ("unknown" in f) return { error: `unknown fault ${f.unknown.map((u) => `"${u}"`).join(", ")}; valid faults: ${faultNames.join(", ")} (or all, none)` };
  return f;
}
