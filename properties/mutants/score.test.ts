// A smoke test of the mutation runner (the whole run is `npm run mutants`, too long for CI): one
// source mutant, a small fixed budget, caught by `podflow check` alone; the shrunk counterexample
// replays the failure with the mutant on and passes with it off.
import { describe, it, expect } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { runSpec } from "../run.js";
import { check, shrinkRun } from "../check.js";
import { defaultBudget, scoreMutant, scoreTable } from "./score.js";

const budget = { ...defaultBudget, runs: 3, steps: 3000, maxShrinkRuns: 25 };

describe("the mutation runner", () => {
  it("catches an API server that takes updates with a stale resourceVersion, with a short counterexample that the mutant alone explains", () => {
    const r = scoreMutant("apiserver.update-ignores-stale-resourceversion", budget);
    expect(r).toMatchObject({ name: "apiserver.update-ignores-stale-resourceversion", caught: true, invariant: "resourceVersionConflictsNeverLoseAnUpdate", timedOut: false });
    expect(r.shrunkSteps!).toBeLessThanOrEqual(r.foundSteps!);
    expect(scoreTable([r]).at(-1)).toBe("score: 1/1 caught (100%)");

    setMutants(["apiserver.update-ignores-stale-resourceversion"]);
    let report;
    try {
      report = check({ seed: budget.seed, seeds: budget.runs, steps: budget.steps, faults: budget.faults, scenario: budget.scenario, maxShrinkRuns: budget.maxShrinkRuns }, () => {});
      // The shrunk run stops at the violating step: its steps are that step and one more.
      expect(report.failure!.result.phase).toBe("safety");
      expect(report.failure!.spec.steps).toBe(report.failure!.result.steps + 1);
      expect(report.failure!.spec.commands.every((c) => c.at <= report!.failure!.result.steps)).toBe(true);
    } finally {
      setMutants([]);
    }
    expect(runSpec(report.failure!.spec).violations).toEqual([]);
  });

  it("shrinkRun keeps a passing spec as it is", () => {
    const spec = { scenario: "nginx", seed: 1, nodes: 1, steps: 300, faults: [], commands: [] };
    expect(shrinkRun(spec, {}, 10)).toMatchObject({ spec, runs: 1 });
  });
});
