// `podflow check --workers K`: K parts of a campaign in K worker threads of one process (one core
// each), their progress as lines, their results merged. The threads run the compiled
// campaign-worker.js beside this file (dist/), so this runs from the built CLI, not from sources.

import { Worker } from "node:worker_threads";
import { foundLines, mergeResults, shrunkLine, type Campaign, type CampaignResult, type FoundViolation, type Part } from "./campaign.js";
import { getDefaultInterpreter } from "../runtime/fastpath.js";

export type WorkerMessage =
  | { type: "progress"; runs: number; planned: number; steps: number; faults: number; violations: number }
  | { type: "found"; violation: FoundViolation; budget: number }
  | { type: "shrunk"; run: number; steps: number; runs: number; budget: number }
  | { type: "result"; result: CampaignResult };

export interface WorkersOptions {
  timeBoxMs?: number;
  shrinkRuns?: number;
  /** mutants the threads turn on (mutation tests only) */
  mutants?: string[];
}

/** Runs each part in its own worker thread; resolves to their merged result. */
export async function runParts(campaign: Campaign, parts: readonly Part[], opts: WorkersOptions, log: (s: string) => void): Promise<CampaignResult> {
  const script = new URL("./campaign-worker.js", import.meta.url);
  const results = await Promise.all(
    parts.map(
      (part, k) =>
        new Promise<CampaignResult>((resolve, reject) => {
          // A thread has its own modules: the interpreter --interpreter chose is passed on.
          const w = new Worker(script, { workerData: { campaign, part, interpreter: getDefaultInterpreter(), ...opts } });
          let result: CampaignResult | undefined;
          w.on("message", (m: WorkerMessage) => {
            const who = `worker ${k + 1}/${parts.length}`;
            if (m.type === "result") result = m.result;
            else if (m.type === "found") for (const [i, l] of foundLines(m.violation, m.budget).entries()) log(i === 0 ? `  ${who}: ${l.trimStart()}` : l);
            else if (m.type === "shrunk") log(`  ${who}: ${shrunkLine(m).trimStart()}`);
            else log(`  ${who} (runs ${part.first}+${part.stride}n): ${m.runs}/${m.planned} runs, ${m.steps} steps, ${m.faults} faults injected, ${m.violations} violations`);
          });
          w.on("error", reject);
          w.on("exit", (code) => (result ? resolve(result) : reject(new Error(`worker ${k + 1} exited with code ${code} before its result`))));
        }),
    ),
  );
  const merged = mergeResults(results);
  if ("error" in merged) throw new Error(merged.error);
  return merged;
}
