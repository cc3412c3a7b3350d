// The shells of `podflow check`, `podflow replay` and `podflow explore`: parse, print the
// seed and settings first, run, print the summary or the counterexample with one replay command.

import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { check, defaultMaxShrinkRuns, replaySpec, saveCounterexample, traceTail, validateNames } from "./check.js";
import { faultsArg, foundLines, shrunkLine, mergeResults, parseResults, podflowVersion, parseShard, reportLines, resultLine, runPart, shardParts, type Campaign, type CampaignResult } from "./campaign.js";
import { campaignManifest } from "./campaign-manifest.js";
import { faultSettingsOf, runSpec } from "./run.js";
import { describeFaultSettings } from "../runtime/faults.js";
import { explore } from "./explore.js";
import { traceToSequenceDiagram } from "../runtime/docs/sequence.js";

export interface Out {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** `podflow check`; resolves to the exit code (0 ok, 1 violation, 2 bad usage). */
export function checkCommand(o: { seeds: string; seed?: string; steps: string; faults?: string; scenario: string; timeBox?: string; save?: string }, io: Out): number {
  const names = validateNames(o.scenario, o.faults);
  if ("error" in names) return io.err(`error: ${names.error}`), 2;
  const seed = o.seed !== undefined ? Number(o.seed) : Date.now() % 0x7fffffff;
  const steps = Number(o.steps);
  const seeds = Number(o.seeds);
  const faults = names.faults.join(",") || "none";
  io.out(`seed ${seed}`);
  io.out(`scenario ${o.scenario}, ${seeds} runs of ${steps} steps, faults ${faults}${o.timeBox ? `, time box ${o.timeBox} s` : ""}`);
  const t = performance.now();
  const r = check({ seed, seeds, steps, faults: names.faults, scenario: o.scenario, saveDir: o.save ?? ".", ...(o.timeBox ? { timeBoxMs: Number(o.timeBox) * 1000 } : {}) }, io.out);
  const secs = (performance.now() - t) / 1000;
  if (r.failure) {
    const { result, file } = r.failure;
    io.out(`VIOLATION in the ${result.phase} phase after ${result.steps} steps (shrunk: ${result.spec.commands.length} commands, run seed ${result.spec.seed})`);
    io.out(`fault settings: ${describeFaultSettings(faultSettingsOf(result.spec))}`);
    for (const v of result.violations) io.out(`  ${v.invariant}: ${v.message}`);
    io.out("trace (last steps):");
    for (const l of traceTail(result.trace ?? [])) io.out(`  ${l}`);
    io.out(`${r.runs} runs, ${r.steps} steps, ${r.faults} faults injected, 1 violation`);
    io.out(`replay: podflow replay ${file}`);
    io.out(`or: podflow check --seed ${seed} --seeds ${seeds} --steps ${steps} --scenario ${o.scenario} --faults ${faults}`);
    return 1;
  }
  io.out(`${r.runs} runs, ${r.steps} steps, ${r.faults} faults injected, 0 violations (${Math.round(r.steps / secs)} steps/s)`);
  return 0;
}

export interface CampaignFlags {
  seeds: string;
  seed?: string;
  steps: string;
  faults?: string;
  scenario: string;
  timeBox?: string;
  shard?: string;
  workers?: string;
  out?: string;
  shrinkRuns?: string;
  exitZero?: boolean;
  /** where the shrunk counterexamples are written (none: they are only in the result) */
  save?: string;
}

/** Whether `podflow check` runs as a campaign (its runs fixed by the seed, mergeable) rather than fast-check's search. */
export function isCampaign(o: CampaignFlags): boolean {
  return o.shard !== undefined || o.workers !== undefined || o.out !== undefined;
}

/**
 * `podflow check --shard I/N | --workers K | --out DIR`: the runs of one shard (all of them with no
 * --shard), in K threads, reported like a merge; its result is written to DIR and printed as the last line.
 */
export async function campaignCommand(o: CampaignFlags, io: Out): Promise<number> {
  const names = validateNames(o.scenario, o.faults);
  if ("error" in names) return io.err(`error: ${names.error}`), 2;
  const shard = o.shard !== undefined ? parseShard(o.shard) : { index: 0, count: 1 };
  if (!shard) return io.err(`error: --shard "${o.shard}" is not I/N with 0 <= I < N`), 2;
  // Every shard must draw the same campaign: a seed from each pod's clock would make N campaigns.
  if (o.shard !== undefined && o.seed === undefined) return io.err("error: --shard needs --seed (every shard of a campaign must have the same seed)"), 2;
  const seed = o.seed !== undefined ? Number(o.seed) : Date.now() % 0x7fffffff;
  const campaign: Campaign = { seed, runs: Number(o.seeds), steps: Number(o.steps), faults: names.faults, scenario: o.scenario };
  const workers = o.workers !== undefined ? Number(o.workers) : 1;
  const parts = shardParts(campaign, shard, workers);
  const timeBoxMs = o.timeBox !== undefined ? Number(o.timeBox) * 1000 : undefined;
  const shrinkRuns = o.shrinkRuns !== undefined ? Number(o.shrinkRuns) : undefined;
  io.out(`seed ${seed}`);
  io.out(`campaign: scenario ${o.scenario}, ${campaign.runs} runs of ${campaign.steps} steps, faults ${faultsArg(names.faults)}; shard ${shard.index}/${shard.count} (${parts.reduce((n, p) => n + p.planned, 0)} runs)${workers > 1 ? ` in ${workers} worker threads` : ""}${o.timeBox ? `, time box ${o.timeBox} s` : ""}`);
  const t = performance.now();
  let result: CampaignResult;
  if (workers > 1) {
    const { runParts } = await import("./campaign-workers.js");
    result = await runParts(campaign, parts, { ...(timeBoxMs !== undefined ? { timeBoxMs } : {}), ...(shrinkRuns !== undefined ? { shrinkRuns } : {}) }, io.out);
  } else {
    result = runPart(campaign, parts[0]!, {
      ...(timeBoxMs !== undefined ? { timeBoxMs } : {}),
      ...(shrinkRuns !== undefined ? { shrinkRuns } : {}),
      progress: (p) => {
        if (p.runs % 10 === 0) io.out(`  ${p.runs}/${p.planned} runs, ${p.steps} steps, ${p.faults} faults injected, ${p.violations} violations`);
      },
      found: (v) => {
        for (const l of foundLines(v, shrinkRuns ?? defaultMaxShrinkRuns)) io.out(l);
      },
      shrunk: (s) => io.out(shrunkLine(s)),
    });
  }
  const secs = (performance.now() - t) / 1000;
  for (const l of reportLines(result)) io.out(l);
  if (o.save !== undefined) for (const v of result.violations) io.out(`replay the shrunk run ${v.run}: podflow replay ${saveCounterexample(o.save, v.shrunk)}`);
  io.out(`${Math.round(result.steps / secs)} steps/s`);
  if (o.out !== undefined) {
    mkdirSync(o.out, { recursive: true });
    const file = join(o.out, `shard-${shard.index}-of-${shard.count}.json`);
    writeFileSync(file, JSON.stringify(result) + "\n");
    io.out(`result written to ${file}`);
  }
  io.out(resultLine(result));
  return result.violations.length > 0 && !o.exitZero ? 1 : 0;
}

/** The texts `--merge` reads: "-" is standard input, a directory gives its files, anything else is a file. */
function mergeInputs(paths: readonly string[]): Array<{ name: string; text: string }> {
  return paths.flatMap((p) => {
    if (p === "-") return [{ name: "stdin", text: readFileSync(0, "utf8") }];
    if (statSync(p).isDirectory()) return readdirSync(p).sort().map((f) => join(p, f)).filter((f) => statSync(f).isFile()).map((f) => ({ name: f, text: readFileSync(f, "utf8") }));
    return [{ name: p, text: readFileSync(p, "utf8") }];
  });
}

/** `podflow check --merge PATH...`: one report and exit code (1 iff a violation) from the parts' results. */
export function mergeCommand(paths: readonly string[], o: { out?: string; save?: string }, io: Out): number {
  let inputs: Array<{ name: string; text: string }>;
  try {
    inputs = mergeInputs(paths);
  } catch (e) {
    return io.err(`error: ${(e as Error).message}`), 2;
  }
  const results = inputs.flatMap((i) => parseResults(i.text));
  const merged = mergeResults(results);
  if ("error" in merged) return io.err(`error: ${merged.error} (read ${inputs.length} inputs)`), 2;
  io.out(`merged ${results.length} results from ${inputs.length} inputs`);
  for (const l of reportLines(merged)) io.out(l);
  if (o.save !== undefined && merged.violations.length > 0) {
    for (const v of merged.violations) io.out(`replay the shrunk run ${v.run}: podflow replay ${saveCounterexample(o.save, v.shrunk)}`);
  }
  if (o.out !== undefined) {
    mkdirSync(o.out, { recursive: true });
    const file = join(o.out, `campaign-${merged.campaign.seed}.json`);
    writeFileSync(file, JSON.stringify(merged) + "\n");
    io.out(`merged result written to ${file}`);
  }
  return merged.violations.length > 0 ? 1 : 0;
}

/** `podflow campaign manifest`: the campaign as an Indexed Job, on standard output. */
export function manifestCommand(o: { shards: string; seed: string; seeds: string; steps: string; faults?: string; scenario: string; timeBox?: string; image?: string; parallelism?: string; name?: string; workers?: string; shrinkRuns?: string }, io: Out): number {
  const names = validateNames(o.scenario, o.faults);
  if ("error" in names) return io.err(`error: ${names.error}`), 2;
  const shards = Number(o.shards);
  if (shards < 1) return io.err("error: --shards must be at least 1"), 2;
  io.out(
    campaignManifest({
      campaign: { seed: Number(o.seed), runs: Number(o.seeds), steps: Number(o.steps), faults: names.faults, scenario: o.scenario },
      shards,
      image: o.image ?? `podflow:${podflowVersion()}`,
      ...(o.timeBox !== undefined ? { timeBoxSeconds: Number(o.timeBox) } : {}),
      ...(o.parallelism !== undefined ? { parallelism: Number(o.parallelism) } : {}),
      ...(o.name !== undefined ? { name: o.name } : {}),
      ...(o.workers !== undefined ? { workers: Number(o.workers) } : {}),
      ...(o.shrinkRuns !== undefined ? { shrinkRuns: Number(o.shrinkRuns) } : {}),
    }).trimEnd(),
  );
  return 0;
}

/** `podflow replay`: re-runs a spec file or a seed exactly and re-checks every invariant. */
export function replayCommand(arg: string, o: { scenario: string; steps: string; faults?: string; traceDiagram?: string }, io: Out): number {
  const names = validateNames(o.scenario, o.faults ?? "none");
  if ("error" in names) return io.err(`error: ${names.error}`), 2;
  const spec = replaySpec(arg, { scenario: o.scenario, steps: Number(o.steps), faults: names.faults });
  io.out(`seed ${spec.seed}`);
  io.out(`scenario ${spec.scenario}, ${spec.steps} steps, faults ${spec.faults.join(",") || "none"}, ${spec.commands.length} commands`);
  if (spec.faults.length > 0) io.out(`fault settings: ${describeFaultSettings(faultSettingsOf(spec))}`);
  const r = runSpec(spec, { trace: true });
  if (o.traceDiagram) writeFileSync(o.traceDiagram, "```mermaid\n" + traceToSequenceDiagram([...(r.trace ?? [])], { title: `podflow replay ${arg}`, maxMessages: 400 }) + "\n```\n");
  if (r.violations.length > 0) {
    io.out(`VIOLATION in the ${r.phase} phase after ${r.steps} steps`);
    for (const v of r.violations) io.out(`  ${v.invariant}: ${v.message}`);
    for (const l of traceTail(r.trace ?? [])) io.out(`  ${l}`);
    return 1;
  }
  io.out(`1 run, ${r.steps} steps, ${r.faults} faults injected, 0 violations`);
  return 0;
}

/** `podflow explore`: exhaustive interleavings of a small scenario. */
export function exploreCommand(scenario: string, o: { depth: string; maxStates: string; seed: string }, io: Out): number {
  const names = validateNames(scenario, "none");
  if ("error" in names) return io.err(`error: ${names.error}`), 2;
  io.out(`seed ${o.seed}`);
  io.out(`explore ${scenario}: depth ${o.depth}, at most ${o.maxStates} states`);
  const r = explore({ scenario, depth: Number(o.depth), maxStates: Number(o.maxStates), seed: Number(o.seed) }, (p) => io.err(`  depth ${p.depth}: ${p.states} states, ${p.transitions} transitions`));
  const rate = Math.round((r.states / Math.max(1, r.ms)) * 1000);
  io.out(`${r.states} distinct states, ${r.transitions} transitions, depth ${r.depth}, ${rate} states/s`);
  if (r.violation) {
    for (const v of r.violation.violations) io.out(`VIOLATION ${v.invariant}: ${v.message}`);
    io.out(`shortest counterexample (${r.violation.path.length} steps):`);
    io.out("```mermaid\n" + traceToSequenceDiagram(r.violation.path, { title: `podflow explore ${scenario}` }) + "\n```");
    return 1;
  }
  return 0;
}
