// A smoke test of the mutation runner (the whole run is `npm run mutants`, too long for CI): one
// source mutant, a small fixed budget, caught by `podflow check` alone; the shrunk counterexample
// replays the failure with the mutant on and passes with it off.
import { describe, it, expect } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { runSpec, specFromSeed } from "../run.js";
import { faultNames, type FaultEntry } from "../../runtime/faults.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { replaySpec, shrinkRun, shrinkSchedule } from "../check.js";
import { defaultBudget, scoreMutant, scoreTable } from "./score.js";

const budget = { ...defaultBudget, runs: 3, steps: 3000, maxShrinkRuns: 12 };

describe("the mutation runner", () => {
  it("catches an API server that takes updates with a stale resourceVersion, with a short counterexample that the mutant alone explains", () => {
    const dir = mkdtempSync(join(tmpdir(), "podflow-score-"));
    try {
      const r = scoreMutant("apiserver.update-ignores-stale-resourceversion", budget, () => {}, dir);
      expect(r).toMatchObject({ name: "apiserver.update-ignores-stale-resourceversion", caught: true, invariant: "resourceVersionConflictsNeverLoseAnUpdate", timedOut: false });
      expect(r.shrunkSteps!).toBeLessThanOrEqual(r.foundSteps!);
      expect(scoreTable([r]).at(-1)).toBe("score: 1/1 caught (100%)");
      // the counterexample the row names, as `podflow replay` reads it
      const spec = replaySpec(r.file!, { scenario: budget.scenario, steps: budget.steps, faults: budget.faults });
      // The shrunk run stops at the violating step (its steps are that step and one more), or, when
      // the lost update shows only while the run waits for convergence, before it.
      if (r.phase === "safety") expect(spec.steps).toBe(r.shrunkSteps! + 1);
      else expect(spec.steps).toBeLessThanOrEqual(r.shrunkSteps!);
      expect(spec.commands.every((c) => c.at <= r.shrunkSteps!)).toBe(true);
      setMutants(["apiserver.update-ignores-stale-resourceversion"]);
      try {
        expect(runSpec(spec).violations.map((v) => v.invariant)).toContain("resourceVersionConflictsNeverLoseAnUpdate");
      } finally {
        setMutants([]);
      }
      expect(runSpec(spec).violations).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // a run waits for its Jobs to finish and then deletes everything: about 10,000 steps each
  }, 600_000);

  it("a run's recorded schedule replays it delivery for delivery, and a schedule cut short leaves the rest to the seeded chooser", () => {
    const spec = specFromSeed(12, { scenario: "nginx", steps: 800, faults: [...faultNames] });
    const picks: string[] = [];
    const a = runSpec(spec, { trace: true, record: picks });
    expect(picks.length).toBeGreaterThan(100);
    const b = runSpec({ ...spec, schedule: picks }, { trace: true });
    const deliveries = (r: typeof a) => r.trace!.filter((e) => e.kind === "deliver").map((e: any) => `${e.from}>${e.to} ${e.type}`);
    expect(deliveries(b)).toEqual(deliveries(a));
    expect(b.faultCounts).toEqual(a.faultCounts);
    const c = runSpec({ ...spec, schedule: picks.slice(0, 50) }, { trace: true });
    expect(deliveries(c).slice(0, 60)).toEqual(deliveries(a).slice(0, 60));
  });

  it("a run's recorded fault plan replays it exactly, and a fault left out of the plan is the only fault that moves", () => {
    const spec = specFromSeed(12, { scenario: "nginx", steps: 800, faults: [...faultNames] });
    const plan: FaultEntry[] = [];
    const a = runSpec({ ...spec, faultSettings: { ...spec.faultSettings!, delayProbability: 0.1, duplicateProbability: 0.1 } }, { trace: true, recordFaults: plan });
    expect(plan.length).toBeGreaterThan(5);
    expect(plan.length).toBe(a.faults);
    const faultLines = (r: typeof a) => r.trace!.filter((e) => e.kind === "fault").map((e: any) => `${e.fault}: ${e.detail}`);
    const deliveries = (r: typeof a) => r.trace!.filter((e) => e.kind === "deliver").map((e: any) => `${e.from}>${e.to} ${e.type}`);
    // the plan, not the seed's fault draws, decides: the settings no longer matter
    const b = runSpec({ ...spec, faultSettings: { ...spec.faultSettings!, delayProbability: 0, duplicateProbability: 0 }, faultPlan: plan }, { trace: true });
    expect(deliveries(b)).toEqual(deliveries(a));
    expect(faultLines(b)).toEqual(faultLines(a));
    // without the last fault, every earlier one still strikes the message it struck
    const c = runSpec({ ...spec, faultPlan: plan.slice(0, -1) }, { trace: true });
    expect(faultLines(c).slice(0, plan.length - 1)).toEqual(faultLines(a).slice(0, plan.length - 1));
    expect(c.faults).toBe(plan.length - 1);
  }, 60_000);

  it("the shrinker cuts deliveries out of a failure's schedule: the shrunk run fails alike in fewer steps", () => {
    setMutants(["scheduler.ignores-requests"]);
    try {
      // seed 4 without faults overfills a node (which seed does, and how far 12 runs shrink it,
      // moves with the workload and the cluster's own messages: the shrinker, not the seed, is what
      // this proves; with the CSR controllers' actors, seed 14's 12 runs no longer cut a step)
      const spec = specFromSeed(4, { scenario: "random", steps: 3000, faults: [] });
      const found = runSpec(spec);
      expect(found.violations[0]!.invariant).toBe("allocatableNeverExceeded");
      const s = shrinkSchedule(spec, {}, 12);
      expect(s.runs).toBeLessThanOrEqual(12);
      expect(s.result.violations[0]!.invariant).toBe("allocatableNeverExceeded");
      expect(s.result.steps).toBeLessThan(found.steps);
      // the shrunk spec replays its failure exactly
      const again = runSpec(s.spec);
      expect([again.steps, again.violations[0]?.invariant]).toEqual([s.result.steps, "allocatableNeverExceeded"]);
    } finally {
      setMutants([]);
    }
  }, 120_000);

  it("shrinkRun keeps a passing spec as it is", () => {
    const spec = { scenario: "nginx", seed: 1, nodes: 1, steps: 300, faults: [], commands: [] };
    expect(shrinkRun(spec, {}, 10)).toMatchObject({ spec, runs: 1 });
  });
});
