// A campaign split any number of ways runs the same runs and finds the same counterexamples: run i
// is a function of the campaign seed and i only. Checked with a mutant the checker catches on some
// runs and not others (kubelet.ignores-grace-period: SIGKILL at once, gracePeriodHonoured), on the
// small nginx scenario so the three splits stay cheap. Merging and reading results back from logs
// (kubectl logs, hostile lines included) are checked on the results.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setMutants } from "../machines/common/mutation.js";
import { replayCommand } from "./commands.js";
import { runSpec } from "./run.js";
import { coveredRuns, mergeResults, parseResults, reportLines, resultLine, runPart, runSeedOf, shardParts, type Campaign, type CampaignResult } from "./campaign.js";

const campaign: Campaign = { seed: 11, runs: 8, steps: 60, faults: ["delay", "crash", "drop-request"], scenario: "nginx" };
const shrinkRuns = 3;

/** The campaign split n ways, each shard run on its own; the shards' results and their merge. */
function split(n: number): { shards: CampaignResult[]; merged: CampaignResult } {
  const shards = Array.from({ length: n }, (_, i) => runPart(campaign, shardParts(campaign, { index: i, count: n })[0]!, { shrinkRuns }));
  const merged = mergeResults(shards);
  if ("error" in merged) throw new Error(merged.error);
  return { shards, merged };
}

const splits = new Map<number, CampaignResult>();
let two: CampaignResult[] = [];
beforeAll(() => {
  setMutants(["kubelet.ignores-grace-period"]);
  for (const n of [1, 2, 8]) {
    const s = split(n);
    splits.set(n, s.merged);
    if (n === 2) two = s.shards;
  }
}, 180_000);
afterAll(() => setMutants([]));

describe("a campaign split 1, 2 or 8 ways", () => {
  it("runs the same runs: run i's seed comes from the campaign seed and i, every run once", () => {
    const seeds = Array.from({ length: campaign.runs }, (_, i) => runSeedOf(campaign.seed, i));
    expect(new Set(seeds).size).toBe(campaign.runs);
    for (const n of [1, 2, 8]) {
      expect(splits.get(n)!.runSeeds, `${n} shards`).toEqual(seeds);
      expect(coveredRuns(splits.get(n)!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    }
  });

  it("finds the same counterexamples: the same runs violate, shrunk to the same specs", () => {
    const one = splits.get(1)!;
    // The mutant is caught, and not by every run (a split that lost or moved runs would show).
    expect(one.violations.length).toBeGreaterThan(0);
    expect(one.violations.length).toBeLessThan(campaign.runs);
    expect(new Set(one.violations.map((v) => v.invariant))).toEqual(new Set(["gracePeriodHonoured"]));
    for (const n of [2, 8]) expect(splits.get(n)!.violations, `${n} shards`).toEqual(one.violations);
    for (const v of one.violations) expect(v.replay).toBe(`podflow replay ${v.seed} --scenario nginx --steps 60 --faults delay,crash,drop-request`);
  });

  it("a violation's replay line re-runs its run, and its shrunk spec still violates", () => {
    const v = splits.get(1)!.violations[0]!;
    const lines: string[] = [];
    const code = replayCommand(String(v.seed), { scenario: "nginx", steps: "60", faults: "delay,crash,drop-request" }, { out: (l) => lines.push(l), err: (l) => lines.push(l) });
    expect(code).toBe(1);
    expect(lines).toContain(`VIOLATION in the ${v.phase} phase after ${v.steps} steps`);
    expect(lines).toContain(`  ${v.invariant}: ${v.message}`);
    expect(runSpec(v.shrunk).violations.map((x) => x.invariant)).toContain(v.invariant);
  });

  it("counts the same runs, steps and faults by class, and prints the same report", () => {
    const one = splits.get(1)!;
    expect(one.runs).toBe(8);
    expect(one.faults.crash! + one.faults.delay! + one.faults["drop-request"]!).toBeGreaterThan(0);
    expect(one.faults["node-reboot"]).toBe(0);
    for (const n of [2, 8]) {
      const r = splits.get(n)!;
      expect({ runs: r.runs, steps: r.steps, faults: r.faults }).toEqual({ runs: one.runs, steps: one.steps, faults: one.faults });
      expect(reportLines(r)).toEqual(reportLines(one));
    }
  });
});

describe("merging results", () => {
  it("reads the result lines back from kubectl logs --prefix among other lines, and merges them like the files", () => {
    const logs = two.map((r, i) => `[pod/podflow-fuzz-11-${i}-abcde/shard] seed 11\n[pod/podflow-fuzz-11-${i}-abcde/shard] ${resultLine(r)}\n`).join("");
    const back = parseResults(logs);
    expect(back).toEqual(two);
    expect(mergeResults(back)).toEqual(splits.get(2));
    expect(parseResults(JSON.stringify(two[0]))).toEqual([two[0]]);
  });

  it("counts a part given twice once (a retried pod), and refuses results of another campaign or version", () => {
    expect(mergeResults([...two, two[1]!])).toEqual(splits.get(2));
    expect(mergeResults([two[0]!, { ...two[1]!, campaign: { ...campaign, steps: 61 } }])).toEqual({ error: expect.stringMatching(/^results of different campaigns/) });
    expect(mergeResults([two[0]!, { ...two[1]!, version: "0.0.1" }])).toEqual({ error: expect.stringMatching(/^results of different podflow versions/) });
    expect(mergeResults([])).toEqual({ error: "no campaign results to merge" });
  });

  it("refuses parts that overlap without being the same (shards of one split and another)", () => {
    const eighth = { ...two[0]!, parts: [{ first: 0, stride: 8, planned: 1, count: 1 }], runs: 1 };
    const quarter = { ...two[1]!, parts: [{ first: 0, stride: 4, planned: 2, count: 2 }], runs: 2 };
    expect(mergeResults([quarter, eighth])).toEqual(mergeResults([quarter]));
    expect(mergeResults([two[0]!, { ...two[1]!, parts: [{ first: 0, stride: 3, planned: 3, count: 3 }], runs: 3 }])).toEqual({ error: "parts overlap: runs 0, 6 are in two results" });
  });

  it("reports the runs a time box left out, and ignores lines that only look like results", () => {
    const cut = { ...two[0]!, parts: [{ ...two[0]!.parts[0]!, count: 2 }], runs: 2, timedOut: true };
    const merged = mergeResults([cut, two[1]!]);
    if ("error" in merged) throw new Error(merged.error);
    expect(reportLines(merged)[1]).toBe("covered 6 of 8 runs; not run: 4, 6 (time box)");
    const hostile = ['podflow-shard-result {"__proto__":{"polluted":1},"format":"podflow-campaign-result/1"}', `podflow-shard-result ${JSON.stringify({ ...two[0], faults: JSON.parse('{"__proto__":{"polluted":1}}') })}`, "podflow-shard-result not json", `podflow-shard-result ${JSON.stringify({ ...two[0], parts: [{ first: 0, stride: 0, planned: 1, count: 1 }] })}`];
    expect(parseResults(hostile.join("\n"))).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
