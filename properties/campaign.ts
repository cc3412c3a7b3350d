// A fuzz campaign split into shards: run i of a campaign (seed S, R runs) is always the same run,
// specFromSeed(runSeedOf(S, i)), whatever the number of shards, the machine or the time taken, so
// the campaign split 1, 2 or 8 ways runs the same runs and finds the same counterexamples. Shard
// I of N takes the runs I, I+N, I+2N...; a time box only stops a shard early, and its result says
// which runs it covered. Results are JSON values (a file, or one log line) that merge into one.

import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { seedFor } from "../machines/common/prng.js";
import { faultNames, type FaultName } from "../runtime/faults.js";
import { shrinkRun, defaultMaxShrinkRuns } from "./check.js";
import { runSpec, specFromSeed, type RunHooks, type RunSpec } from "./run.js";

/** What fixes a campaign's runs: the same campaign always runs the same runs. */
export interface Campaign {
  seed: number;
  /** runs in the whole campaign (run indexes 0 .. runs-1) */
  runs: number;
  steps: number;
  faults: FaultName[];
  scenario: string;
}

/** The runs first, first+stride, ... below the campaign's runs: `planned` of them, `count` done. */
export interface Part {
  first: number;
  stride: number;
  planned: number;
  count: number;
}

export interface CampaignViolation {
  /** the run's index in the campaign and its seed (`podflow replay <seed>` re-runs it exactly) */
  run: number;
  seed: number;
  invariant: string;
  message: string;
  phase: string;
  /** steps the run took to violate */
  steps: number;
  /** the shrunk counterexample (a RunSpec `podflow replay FILE` re-runs) and its length */
  shrunk: RunSpec;
  shrunkSteps: number;
  replay: string;
}

export interface CampaignResult {
  format: typeof resultFormat;
  /** the podflow version that ran it: parts of different versions never merge */
  version: string;
  campaign: Campaign;
  parts: Part[];
  runs: number;
  steps: number;
  /** faults injected, by class */
  faults: Record<string, number>;
  /** the seeds of the runs covered, in run order */
  runSeeds: number[];
  violations: CampaignViolation[];
  /** a time box ended some part before its planned runs */
  timedOut: boolean;
}

export const resultFormat = "podflow-campaign-result/1";
/** The marker of a result printed as one log line (`kubectl logs` reads it back). */
export const resultLinePrefix = "podflow-shard-result ";

/** Run i's seed: from the campaign seed and i alone (never from the number of shards). */
export function runSeedOf(campaignSeed: number, i: number): number {
  return (seedFor(campaignSeed, `campaign run ${i}`) & 0x7fffffff) || 1;
}

/** "I/N" with 0 ≤ I < N; undefined when malformed. */
export function parseShard(s: string): { index: number; count: number } | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return Number.isSafeInteger(count) && count >= 1 && index < count ? { index, count } : undefined;
}

/**
 * The parts of shard I of N run by K workers: worker k takes I + N·k, stride N·K. With K = 1 it
 * is the shard itself; the union over k is the shard's runs.
 */
export function shardParts(campaign: Campaign, shard: { index: number; count: number }, workers = 1): Part[] {
  return Array.from({ length: workers }, (_, k) => part(campaign, shard.index + shard.count * k, shard.count * workers));
}

function part(campaign: Campaign, first: number, stride: number): Part {
  return { first, stride, planned: first < campaign.runs ? Math.ceil((campaign.runs - first) / stride) : 0, count: 0 };
}

/** The run indexes a part covered. */
function* indexesOf(p: Part): Iterable<number> {
  for (let j = 0; j < p.count; j++) yield p.first + p.stride * j;
}

/** podflow's version, from its package.json (beside the sources or above dist/). */
export function podflowVersion(): string {
  for (const rel of ["../package.json", "../../package.json"]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return String((JSON.parse(readFileSync(p, "utf8")) as { version?: unknown }).version);
  }
  return "unknown";
}

export interface PartOptions {
  /** stop starting runs this long after the part started (at least one run is made) */
  timeBoxMs?: number;
  /** runs shrinking may spend on each violating run (a count: the result never depends on speed) */
  shrinkRuns?: number;
  hooks?: RunHooks;
  /** told after every run */
  progress?(r: { runs: number; planned: number; steps: number; faults: number; violations: number }): void;
  /** told of a violating run before it is shrunk (shrinking can take minutes: the replay line comes first) */
  found?(v: FoundViolation): void;
  /** told of each smaller failing run shrinking keeps */
  shrunk?(s: { run: number; steps: number; runs: number; budget: number }): void;
}

/** A line of shrinking's progress: a smaller failing run was kept. */
export function shrunkLine(s: { run: number; steps: number; runs: number; budget: number }): string {
  return `    run ${s.run} shrunk to ${s.steps} steps (${s.runs}/${s.budget} shrink runs)`;
}

/** A violating run as soon as it is found, before shrinking: a CampaignViolation but its shrunk run. */
export type FoundViolation = Omit<CampaignViolation, "shrunk" | "shrunkSteps">;

/** The lines a campaign prints when a run violates an invariant, before shrinking it. */
export function foundLines(v: FoundViolation, budget: number): string[] {
  return [`  violation in run ${v.run} (${v.phase} phase, ${v.steps} steps): ${v.invariant}: ${v.message}`, `    replay: ${v.replay}`, `    shrinking it (at most ${budget} runs)`];
}

/** The --faults argument that gives these faults: all, none or the list. */
export function faultsArg(faults: readonly FaultName[]): string {
  if (faults.length === 0) return "none";
  return faultNames.every((f) => faults.includes(f)) ? "all" : faults.join(",");
}

/** The replay command of a campaign run: it is specFromSeed of its seed, so the seed is enough. */
export function replayLine(c: Campaign, runSeed: number): string {
  return `podflow replay ${runSeed} --scenario ${c.scenario} --steps ${c.steps} --faults ${faultsArg(c.faults)}`;
}

/** Runs one part of a campaign: every run of it in order (or until the time box), each violating run shrunk. */
export function runPart(campaign: Campaign, p: Part, opts: PartOptions = {}): CampaignResult {
  const started = Date.now();
  const hooks = opts.hooks ?? {};
  const result = emptyResult(campaign, [{ ...p, count: 0 }]);
  const done = result.parts[0]!;
  for (let j = 0; j < p.planned; j++) {
    if (opts.timeBoxMs !== undefined && j > 0 && Date.now() - started > opts.timeBoxMs) {
      result.timedOut = true;
      break;
    }
    const run = p.first + p.stride * j;
    const seed = runSeedOf(campaign.seed, run);
    const spec = specFromSeed(seed, { scenario: campaign.scenario, steps: campaign.steps, faults: campaign.faults });
    const r = runSpec(spec, hooks);
    done.count++;
    result.runs++;
    result.steps += r.steps;
    result.runSeeds.push(seed);
    for (const [k, n] of Object.entries(r.faultCounts)) result.faults[k] = (result.faults[k] ?? 0) + n;
    if (r.violations.length > 0) {
      const budget = opts.shrinkRuns ?? defaultMaxShrinkRuns;
      opts.found?.({ run, seed, invariant: r.violations[0]!.invariant, message: r.violations[0]!.message, phase: r.phase, steps: r.steps, replay: replayLine(campaign, seed) });
      // Shrinking is a count of deterministic runs: the same run shrinks the same way in any shard.
      const s = shrinkRun(spec, hooks, budget, (b) => opts.shrunk?.({ run, steps: b.result.steps, runs: b.runs, budget }));
      const shrunk = s.result.violations.length > 0 ? s : { spec, result: r };
      const v = r.violations[0]!;
      result.violations.push({ run, seed, invariant: v.invariant, message: v.message, phase: r.phase, steps: r.steps, shrunk: shrunk.spec, shrunkSteps: shrunk.result.steps, replay: replayLine(campaign, seed) });
    }
    opts.progress?.({ runs: done.count, planned: p.planned, steps: result.steps, faults: total(result.faults), violations: result.violations.length });
  }
  return result;
}

function emptyResult(campaign: Campaign, parts: Part[]): CampaignResult {
  return { format: resultFormat, version: podflowVersion(), campaign, parts, runs: 0, steps: 0, faults: Object.fromEntries(faultNames.map((n) => [n, 0])), runSeeds: [], violations: [], timedOut: false };
}

export function total(faults: Record<string, number>): number {
  return Object.values(faults).reduce((a, b) => a + b, 0);
}

const sameCampaign = (a: Campaign, b: Campaign) => a.seed === b.seed && a.runs === b.runs && a.steps === b.steps && a.scenario === b.scenario && [...a.faults].sort().join() === [...b.faults].sort().join();

/**
 * Merges the results of parts of one campaign (any split: shards of different counts merge too).
 * A part seen twice (a retried pod, the same file given twice) counts once; parts that overlap
 * otherwise, or that come from another campaign or podflow version, are refused.
 */
export function mergeResults(results: readonly CampaignResult[]): CampaignResult | { error: string } {
  if (results.length === 0) return { error: "no campaign results to merge" };
  const first = results[0]!;
  for (const r of results) {
    if (!sameCampaign(r.campaign, first.campaign)) return { error: `results of different campaigns: ${JSON.stringify(first.campaign)} and ${JSON.stringify(r.campaign)}` };
    if (r.version !== first.version) return { error: `results of different podflow versions: ${first.version} and ${r.version}` };
  }
  // The most complete first, so a shorter copy of a part (a pod retried, cut by its time box) is the one dropped.
  const ordered = [...results].sort((a, b) => b.runs - a.runs);
  const covered = new Set<number>();
  const merged = emptyResult(first.campaign, []);
  for (const r of ordered) {
    const mine = r.parts.flatMap((p) => [...indexesOf(p)]);
    if (new Set(mine).size !== mine.length) return { error: "a result covers a run twice" };
    const seen = mine.filter((i) => covered.has(i)).length;
    if (seen === mine.length && mine.length > 0) continue;
    if (seen > 0) return { error: `parts overlap: runs ${ranges(mine.filter((i) => covered.has(i)))} are in two results` };
    for (const i of mine) covered.add(i);
    merged.parts.push(...r.parts);
    merged.runs += r.runs;
    merged.steps += r.steps;
    for (const [k, n] of Object.entries(r.faults)) merged.faults[k] = (merged.faults[k] ?? 0) + n;
    merged.violations.push(...r.violations);
    merged.timedOut ||= r.timedOut;
  }
  merged.parts.sort((a, b) => a.first - b.first || a.stride - b.stride);
  merged.violations.sort((a, b) => a.run - b.run);
  merged.runSeeds = [...covered].sort((a, b) => a - b).map((i) => runSeedOf(first.campaign.seed, i));
  return merged;
}

/** The run indexes of the campaign a result covered, in order. */
export function coveredRuns(r: CampaignResult): number[] {
  return r.parts.flatMap((p) => [...indexesOf(p)]).sort((a, b) => a - b);
}

/** Sorted indexes as "0-9, 12, 15-20". */
export function ranges(sorted: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(", ");
}

/** The runs below `runs` that sorted `covered` leaves out, as ranges ("4", "6-999"). */
function gaps(covered: readonly number[], runs: number): string[] {
  const out: string[] = [];
  let next = 0;
  for (const i of [...covered, runs]) {
    if (i > next) out.push(i - 1 === next ? `${next}` : `${next}-${i - 1}`);
    next = i + 1;
  }
  return out;
}

/** The one log line a shard prints last: `kubectl logs` carries it to `podflow check --merge`. */
export function resultLine(r: CampaignResult): string {
  return resultLinePrefix + JSON.stringify(r);
}

/**
 * The results in a text: a result file (one JSON value), or logs holding result lines anywhere
 * in a line (kubectl logs --prefix puts the pod's name first). Anything else is left alone.
 */
export function parseResults(text: string): CampaignResult[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    try {
      const one = JSON.parse(trimmed) as unknown;
      if (isResult(one)) return [one];
    } catch {
      // not one JSON value: read it as log lines
    }
  }
  const out: CampaignResult[] = [];
  for (const line of text.split("\n")) {
    const at = line.indexOf(resultLinePrefix);
    if (at < 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(line.slice(at + resultLinePrefix.length));
    } catch {
      continue;
    }
    if (isResult(value)) out.push(value);
  }
  return out;
}

/** The most runs a campaign may have (a result claiming more is not read). */
const maxRuns = 100_000_000;

/** A value read from a file or a log is anyone's bytes: only the shape a result has is taken. */
function isResult(v: unknown): v is CampaignResult {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  const c = r.campaign as Record<string, unknown> | undefined;
  const whole = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
  return (
    Object.hasOwn(r, "format") && r.format === resultFormat && typeof r.version === "string" &&
    typeof c === "object" && c !== null && Number.isSafeInteger(c.seed) && whole(c.runs) && (c.runs as number) <= maxRuns && whole(c.steps) && typeof c.scenario === "string" && Array.isArray(c.faults) && c.faults.every((f) => (faultNames as readonly unknown[]).includes(f)) &&
    Array.isArray(r.parts) && r.parts.every((p: any) => typeof p === "object" && p !== null && whole(p.first) && whole(p.stride) && p.stride > 0 && whole(p.planned) && whole(p.count) && p.count <= p.planned && p.first + p.stride * (p.count - 1) < (c.runs as number)) &&
    whole(r.runs) && whole(r.steps) && typeof r.faults === "object" && r.faults !== null && Object.entries(r.faults).every(([k, n]) => (faultNames as readonly string[]).includes(k) && whole(n)) &&
    Array.isArray(r.runSeeds) && Array.isArray(r.violations) && r.violations.every((x: any) => typeof x === "object" && x !== null && whole(x.run) && whole(x.seed) && whole(x.steps) && whole(x.shrunkSteps) && ["invariant", "message", "phase", "replay"].every((k) => typeof x[k] === "string") && Array.isArray(x.shrunk?.commands)) &&
    typeof r.timedOut === "boolean"
  );
}

/** The report of a (merged) result, as lines: coverage, totals, faults by class, each violation with its replay. */
export function reportLines(r: CampaignResult): string[] {
  const c = r.campaign;
  const runs = coveredRuns(r);
  const missing = gaps(runs, c.runs);
  const lines = [`campaign seed ${c.seed}: scenario ${c.scenario}, ${c.runs} runs of ${c.steps} steps, faults ${faultsArg(c.faults)} (podflow ${r.version})`];
  const notRun = missing.length > 20 ? `${missing.slice(0, 19).join(", ")}, ... ${missing.at(-1)}` : missing.join(", ");
  lines.push(`covered ${runs.length} of ${c.runs} runs${runs.length === c.runs ? "" : `; not run: ${notRun}${r.timedOut ? " (time box)" : ""}`}`);
  const byClass = Object.entries(r.faults).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(", ");
  lines.push(`${r.runs} runs, ${r.steps} steps, ${total(r.faults)} faults injected${byClass ? ` (${byClass})` : ""}, ${r.violations.length} violation${r.violations.length === 1 ? "" : "s"}`);
  for (const v of r.violations) {
    lines.push(`VIOLATION run ${v.run} (seed ${v.seed}) in the ${v.phase} phase after ${v.steps} steps: ${v.invariant}: ${v.message}`);
    lines.push(`  shrunk to ${v.shrunkSteps} steps, ${v.shrunk.commands.length} commands`);
    lines.push(`  replay: ${v.replay}`);
  }
  return lines;
}
