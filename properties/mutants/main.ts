// `npm run mutants`: every catalogued mutant, each alone in a child process running `podflow check`
// with the same fixed budget (score.ts), then the table and the score. A child that outlives the
// hard limit (120 s) is killed and counted as not caught. Options:
//   --only a,b   these mutants only          --runs N, --steps K, --seed S   the budget
//   --no-baseline  skip the unmutated run    --json FILE   the results as JSON as well
//   --save DIR   where counterexamples go (default: none written)
//   --time-box S, --hard-limit S   the safety nets, in seconds (default 100 and 120): raise them on a
//                loaded machine, so that the budget of runs, not the machine's speed, ends each row

import { fork } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { mutants } from "./catalog.js";
import { defaultBudget, scoreMutant, scoreTable, type MutantBudget, type MutantResult } from "./score.js";

const defaultHardLimitMs = 120_000;

type ChildMessage = { log: string } | { found: MutantResult } | { result: MutantResult };

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function budgetFrom(argv: string[]): MutantBudget {
  const n = (name: string, d: number) => (arg(argv, name) !== undefined ? Number(arg(argv, name)) : d);
  return { ...defaultBudget, seed: n("--seed", defaultBudget.seed), runs: n("--runs", defaultBudget.runs), steps: n("--steps", defaultBudget.steps), timeBoxMs: n("--time-box", defaultBudget.timeBoxMs / 1000) * 1000 };
}

/** One mutant in a child process; resolves with its result (or a not-caught row when it was killed). */
function runChild(name: string, budget: MutantBudget, saveDir: string | undefined, hardLimitMs: number, progress: (s: string) => void): Promise<MutantResult> {
  return new Promise((resolve) => {
    const t = performance.now();
    const child = fork(fileURLToPath(import.meta.url), ["--child", name, JSON.stringify(budget), saveDir ?? ""], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    let result: MutantResult | undefined;
    // A failure found before the hard limit counts as caught, shrunk or not.
    let found: MutantResult | undefined;
    const timer = setTimeout(() => child.kill("SIGKILL"), hardLimitMs);
    child.on("message", (m: ChildMessage) => {
      if ("log" in m) progress(m.log);
      else if ("found" in m) found = m.found;
      else result = m.result;
    });
    child.on("exit", () => {
      clearTimeout(timer);
      const ms = Math.round(performance.now() - t);
      resolve(result ?? (found ? { ...found, ms } : { name, caught: false, runs: 0, steps: 0, ms, timedOut: true }));
    });
  });
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "--child") {
    const [, name, budget, saveDir] = argv;
    const send = (m: ChildMessage) => process.send?.(m);
    const result = scoreMutant(name ?? "", JSON.parse(budget!) as MutantBudget, (s) => send({ log: s.trim() }), saveDir || undefined, (found) => send({ found }));
    send({ result });
    return 0;
  }
  const budget = budgetFrom(argv);
  const hardLimitMs = arg(argv, "--hard-limit") !== undefined ? Number(arg(argv, "--hard-limit")) * 1000 : Math.max(defaultHardLimitMs, budget.timeBoxMs + 20_000);
  const only = arg(argv, "--only")?.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = (only ?? []).filter((n) => !mutants.some((m) => m.name === n));
  if (unknown.length > 0) {
    console.error(`unknown mutant ${unknown.join(", ")}; known: ${mutants.map((m) => m.name).join(", ")}`);
    return 2;
  }
  const names = [...(argv.includes("--no-baseline") ? [] : [""]), ...(only ?? mutants.map((m) => m.name))];
  const saveDir = arg(argv, "--save");
  console.log(`podflow check on ${names.filter(Boolean).length} mutants: seed ${budget.seed}, ${budget.runs} runs of ${budget.steps} steps, scenario ${budget.scenario}, faults ${budget.faults.join(",")}, shrinking at most ${budget.maxShrinkRuns} runs; time box ${budget.timeBoxMs / 1000} s (safety net), hard limit ${hardLimitMs / 1000} s`);
  const results: MutantResult[] = [];
  for (const [i, name] of names.entries()) {
    const label = `[${i + 1}/${names.length}] ${name || "(none: baseline)"}`;
    const r = await runChild(name, budget, saveDir, hardLimitMs, (s) => process.stderr.write(`${label}: ${s}\n`));
    results.push(r);
    console.log(`${label}: ${r.caught ? `caught by ${r.invariant} after ${r.runsToFind} runs, ${r.stepsToFind} steps; shrunk to ${r.shrunkSteps} steps, ${r.shrunkCommands} commands` : r.timedOut ? "not caught (time box)" : "not caught"} (${(r.ms / 1000).toFixed(1)} s)`);
  }
  console.log("");
  for (const l of scoreTable(results)) console.log(l);
  const json = arg(argv, "--json");
  if (json) writeFileSync(json, JSON.stringify({ budget, results }, null, 2) + "\n");
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err?.stack ?? String(err));
    process.exitCode = 1;
  },
);
