// `podflow check`: fast-check generates run specs (a run seed that drives the chooser, the
// faults and their settings, and a shrinkable list of create/delete/scale commands), runs each
// with every invariant after every step, and on a violation prints the shrunk counterexample,
// its fault settings, its trace and one replay command. `podflow replay`: re-runs a recorded spec (or a seed) exactly.

import fc from "fast-check";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { faultNames, faultSettingsFromSeed, parseFaults, type FaultName } from "../runtime/faults.js";
import { commandsFromSeed, randomObject, runSpec, scenarioNames, specFromSeed, type Command, type RunHooks, type RunResult, type RunSpec } from "./run.js";
import { Rng } from "../machines/common/prng.js";
import type { TraceEntry } from "../runtime/docs/trace-types.js";

export interface CheckOptions {
  seed: number;
  seeds: number;
  steps: number;
  faults: FaultName[];
  scenario: string;
  timeBoxMs?: number;
  /** where a counterexample is written (a replayable JSON RunSpec) */
  saveDir?: string;
  hooks?: RunHooks;
}

export interface CheckReport {
  runs: number;
  steps: number;
  faults: number;
  failure?: { spec: RunSpec; result: RunResult; file?: string };
}

/** The fast-check arbitrary of one scenario's run specs: shrinking drops commands and moves them earlier. */
export function specArbitrary(scenario: string, steps: number, faults: FaultName[]): fc.Arbitrary<RunSpec> {
  const seedArb = fc.integer({ min: 1, max: 0x7fffffff });
  if (scenario !== "random") {
    // The manifest is fixed; what varies is the interleaving seed and which deletes come when.
    return seedArb.chain((seed) =>
      fc.subarray(commandsFromSeed(scenario, seed, steps)).map((commands): RunSpec => ({ scenario, seed, nodes: 2, steps, faults, faultSettings: faultSettingsFromSeed(seed), commands: keepApplies(scenario, seed, steps, commands) })),
    );
  }
  const command = (i: number): fc.Arbitrary<Command> =>
    fc.oneof(
      fc.record({ at: fc.nat({ max: steps }), objSeed: fc.nat() }).map(({ at, objSeed }): Command => ({ op: "apply", at, obj: randomObject(new Rng(objSeed), i) })),
      fc.record({ at: fc.nat({ max: steps }), which: fc.nat({ max: 5 }) }).map(({ at, which }): Command => ({ op: "delete", at, kind: ["Pod", "ReplicaSet", "Service"][which % 3]!, name: `${["p", "rs", "svc"][which % 3]}${which >> 1}` })),
      fc.record({ at: fc.nat({ max: steps }), which: fc.nat({ max: 5 }), replicas: fc.nat({ max: 3 }) }).map(({ at, which, replicas }): Command => ({ op: "scale", at, kind: "ReplicaSet", name: `rs${which}`, replicas })),
    );
  return fc.record({ seed: seedArb, commands: fc.tuple(...Array.from({ length: 6 }, (_, i) => command(i))).chain((all) => fc.subarray(all)) }).map(({ seed, commands }): RunSpec => ({ scenario, seed, nodes: 2, steps, faults, faultSettings: faultSettingsFromSeed(seed), commands }));
}

function keepApplies(scenario: string, seed: number, steps: number, chosen: Command[]): Command[] {
  const applies = commandsFromSeed(scenario, seed, steps).filter((c) => c.op === "apply");
  return [...applies, ...chosen.filter((c) => c.op !== "apply")];
}

/** Runs the fuzzer; `log` gets the seed and settings first, progress, then the summary or the counterexample. */
export function check(opts: CheckOptions, log: (s: string) => void): CheckReport {
  const report: CheckReport = { runs: 0, steps: 0, faults: 0 };
  const started = Date.now();
  const property = fc.property(specArbitrary(opts.scenario, opts.steps, opts.faults), (spec) => {
    if (opts.timeBoxMs !== undefined && Date.now() - started > opts.timeBoxMs && report.runs > 0 && !report.failure) return true;
    const r = runSpec(spec, opts.hooks ?? {});
    report.runs++;
    report.steps += r.steps;
    report.faults += r.faults;
    if (report.runs % 10 === 0) log(`  ${report.runs} runs, ${report.steps} steps, ${report.faults} faults injected`);
    return r.violations.length === 0;
  });
  const out = fc.check(property, { seed: opts.seed, numRuns: opts.seeds, endOnFailure: false });
  if (out.failed && out.counterexample) {
    const spec = out.counterexample[0];
    const result = runSpec(spec, { ...(opts.hooks ?? {}), trace: true });
    report.failure = { spec, result };
    if (opts.saveDir) report.failure.file = saveCounterexample(opts.saveDir, spec);
  }
  return report;
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
