// The shells of `podflow check`, `podflow replay` and `podflow explore`: parse, print the
// seed and settings first, run, print the summary or the counterexample with one replay command.

import { writeFileSync } from "node:fs";
import { check, replaySpec, traceTail, validateNames } from "./check.js";
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
