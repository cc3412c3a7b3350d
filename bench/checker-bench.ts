// Checker speed on fixed scenarios: `podflow check` steps per second (fuzzing with every fault on)
// and `podflow explore` distinct states per second (breadth-first over interleavings).

import { check } from "../properties/check.js";
import { explore, rootFor } from "../properties/explore.js";
import { faultNames } from "../runtime/faults.js";

export interface CheckerBenchResult {
  check: { scenario: string; runs: number; steps: number; seconds: number; stepsPerSecond: number };
  explore: { scenario: string; depth: number; states: number; transitions: number; seconds: number; statesPerSecond: number };
}

/** The fixed settings: what `podflow check --seed 1 --seeds 4 --steps 2000 --scenario nginx` and `podflow explore nginx --depth 40 --max-states 3000` run. */
export const checkerScenario = { scenario: "nginx", seed: 1, seeds: 4, steps: 2000, depth: 40, maxStates: 3000 };

/** Runs both and measures them. */
export function runCheckerBench(s = checkerScenario): CheckerBenchResult {
  let t0 = performance.now();
  const c = check({ seed: s.seed, seeds: s.seeds, steps: s.steps, faults: [...faultNames], scenario: s.scenario }, () => undefined);
  if (c.failure) throw new Error(`checker bench: ${s.scenario} seed ${s.seed} found a violation: ${c.failure.result.violations[0]?.message}`);
  const cs = (performance.now() - t0) / 1000;
  // The one-node cluster's start-up, shared by every exploration of a seed, is built before the
  // clock starts: the line measures the exploration (states per second), not the cluster's boot.
  rootFor(s.scenario, s.seed);
  t0 = performance.now();
  const e = explore({ scenario: s.scenario, depth: s.depth, maxStates: s.maxStates, seed: s.seed });
  if (e.violation) throw new Error(`checker bench: explore ${s.scenario} found a violation`);
  const es = (performance.now() - t0) / 1000;
  return {
    check: { scenario: s.scenario, runs: c.runs, steps: c.steps, seconds: cs, stepsPerSecond: c.steps / cs },
    explore: { scenario: s.scenario, depth: e.depth, states: e.states, transitions: e.transitions, seconds: es, statesPerSecond: e.states / es },
  };
}
