// One mutant against `podflow check` alone: turn the mutant on, run the checker with a fixed budget
// (a seed, a count of runs and steps: the same runs on any machine; the time box is only a safety
// net), and report whether it was caught, by which invariant, after how many steps, and how short
// the shrunk counterexample is.

import { setMutants } from "../../machines/common/mutation.js";
import { faultNames, type FaultName } from "../../runtime/faults.js";
import { check, type CheckReport, type ShrinkProgress } from "../check.js";

export interface MutantBudget {
  seed: number;
  /** runs of the checker (fast-check's numRuns) */
  runs: number;
  /** steps of each run's safety phase */
  steps: number;
  faults: FaultName[];
  scenario: string;
  /** runs the shrinking of a found failure may take */
  maxShrinkRuns: number;
  /** safety net only: no new run starts after this long (the run is then marked timedOut) */
  timeBoxMs: number;
  /** processes searching each mutant side by side, lane k from fast-check seed `seed + k` (`npm run mutants`; scoreMutant itself is one lane) */
  lanes: number;
  /** the time box and the hard limit count each lane's CPU time, not the wall clock (`--cpu`) */
  cpuTime?: boolean;
}

/** The budget `npm run mutants` uses: every fault, random workloads, a fixed seed. */
export const defaultBudget: MutantBudget = {
  seed: 20261202,
  runs: 25,
  steps: 5000,
  faults: [...faultNames],
  scenario: "random",
  maxShrinkRuns: 60,
  timeBoxMs: 100_000,
  lanes: 2,
};

export interface MutantResult {
  name: string;
  caught: boolean;
  /** the invariant the shrunk counterexample violates */
  invariant?: string;
  message?: string;
  /** runs and total steps until the first failing run */
  runsToFind?: number;
  stepsToFind?: number;
  /** the failing run before shrinking and after: steps, commands, faults (planned faults once recorded, else fault kinds) */
  foundSteps?: number;
  shrunkSteps?: number;
  shrunkCommands?: number;
  shrunkFaults?: number;
  shrinkRuns?: number;
  phase?: string;
  /** the whole search */
  runs: number;
  steps: number;
  ms: number;
  /** the time box cut the search short: the result depended on the machine's speed */
  timedOut: boolean;
  /** the replayable counterexample, when one was saved */
  file?: string;
}

/**
 * Runs `podflow check` with one mutant on ("" for none: the baseline, which must be clean).
 * onFound gets the row as it stands when the failure is found, before shrinking.
 */
export function scoreMutant(name: string, budget: MutantBudget = defaultBudget, log: (s: string) => void = () => {}, saveDir?: string, onFound?: (partial: MutantResult) => void, onRun?: (done: { runs: number; steps: number }) => void): MutantResult {
  let partial: MutantResult | undefined;
  const t = performance.now();
  setMutants(name ? [name] : []);
  try {
    const found = (f: NonNullable<CheckReport["found"]>) => {
      const v = f.result.violations[0]!;
      partial = { name, caught: true, invariant: v.invariant, message: v.message, runsToFind: f.runs, stepsToFind: f.steps, foundSteps: f.result.steps, phase: f.result.phase, runs: f.runs, steps: f.steps, ms: Math.round(performance.now() - t), timedOut: false, shrunkSteps: f.result.steps, shrunkCommands: f.spec.commands.length, shrunkFaults: f.spec.faults.length, shrinkRuns: 0 };
      onFound?.(partial);
    };
    // Each smaller failure shrinking keeps is told as well: a row cut short by the hard limit still shows how far it got.
    const shrunk: ShrinkProgress = (b) => {
      if (!partial) return;
      partial = { ...partial, shrunkSteps: b.result.steps, shrunkCommands: b.spec.commands.length, shrunkFaults: b.spec.faultPlan?.length ?? b.spec.faults.length, shrinkRuns: b.runs, phase: b.result.phase, ms: Math.round(performance.now() - t) };
      onFound?.(partial);
    };
    const r = check({ seed: budget.seed, seeds: budget.runs, steps: budget.steps, faults: budget.faults, scenario: budget.scenario, timeBoxMs: budget.timeBoxMs, ...(budget.cpuTime ? { cpuTime: true } : {}), maxShrinkRuns: budget.maxShrinkRuns, onFound: found, onShrunk: shrunk, ...(onRun ? { onRun } : {}), ...(saveDir ? { saveDir } : {}) }, log);
    const out: MutantResult = { name, caught: r.failure !== undefined, runs: r.runs, steps: r.steps, ms: Math.round(performance.now() - t), timedOut: !r.failure && r.runs < budget.runs };
    if (r.failure && r.found) {
      const v = r.failure.result.violations[0] ?? r.found.result.violations[0]!;
      Object.assign(out, {
        invariant: v.invariant,
        message: v.message,
        runsToFind: r.found.runs,
        stepsToFind: r.found.steps,
        foundSteps: r.found.result.steps,
        shrunkSteps: r.failure.result.steps,
        shrunkCommands: r.failure.spec.commands.length,
        shrunkFaults: r.failure.spec.faultPlan?.length ?? r.failure.spec.faults.length,
        shrinkRuns: r.shrinkRuns,
        phase: r.failure.result.phase,
        ...(r.failure.file ? { file: r.failure.file } : {}),
      });
    }
    return out;
  } finally {
    setMutants([]);
  }
}

/** The score table: one row per mutant, then the score. */
export function scoreTable(results: readonly MutantResult[]): string[] {
  const rows = [["mutant", "caught", "invariant", "runs", "steps to find", "failing run", "shrunk steps", "cmds", "faults", "s"]];
  for (const r of results) {
    rows.push([
      r.name || "(none: baseline)",
      r.caught ? "yes" : r.timedOut ? "no (time box)" : "no",
      r.invariant ?? "",
      r.runsToFind !== undefined ? String(r.runsToFind) : String(r.runs),
      r.stepsToFind !== undefined ? String(r.stepsToFind) : "",
      r.foundSteps !== undefined ? String(r.foundSteps) : "",
      r.shrunkSteps !== undefined ? `${r.shrunkSteps}${r.phase === "liveness" ? " (liveness)" : ""}` : "",
      r.shrunkCommands !== undefined ? String(r.shrunkCommands) : "",
      r.shrunkFaults !== undefined ? String(r.shrunkFaults) : "",
      (r.ms / 1000).toFixed(1),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const mutantRows = results.filter((r) => r.name !== "");
  const caught = mutantRows.filter((r) => r.caught).length;
  const out = [line(rows[0]!), line(widths.map((w) => "-".repeat(w))), ...rows.slice(1).map(line)];
  out.push("", `score: ${caught}/${mutantRows.length} caught (${mutantRows.length ? Math.round((100 * caught) / mutantRows.length) : 0}%)`);
  const baseline = results.find((r) => r.name === "");
  if (baseline?.caught) out.push(`WARNING: the unmutated baseline fails too (${baseline.invariant}): a catch may be a false positive`);
  return out;
}
