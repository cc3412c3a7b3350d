// `npm run mutants`: every catalogued mutant, each alone in a child process running `podflow check`
// with the same fixed budget (score.ts), then the table and the score. A child that outlives the
// hard limit (120 s) is killed and counted as not caught. Options:
//   --only a,b   these mutants only          --runs N, --steps K, --seed S   the budget
//   --no-baseline  skip the unmutated run    --json FILE   the results as JSON as well
//   --save DIR   where counterexamples go (default: none written)
//   --time-box S, --hard-limit S   the safety nets, in seconds (default 100 and 120): raise them on a
//                loaded machine, so that the budget of runs, not the machine's speed, ends each row
//   --parallel K  K mutants at a time (default 1)
//   --lanes L    processes searching each mutant, lane k from seed S + k (default 2, one per core)
//   --cpu        the time box and hard limit count each lane's CPU seconds (from /proc), not the wall
//                clock: on a machine shared with others the rows are then what an idle machine gives

import { fork } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { mutants } from "./catalog.js";
import { defaultBudget, scoreMutant, scoreTable, type MutantBudget, type MutantResult } from "./score.js";

const defaultHardLimitMs = 120_000;

type ChildMessage = { log: string } | { ran: { runs: number; steps: number } } | { found: MutantResult } | { result: MutantResult };

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function budgetFrom(argv: string[]): MutantBudget {
  const n = (name: string, d: number) => (arg(argv, name) !== undefined ? Number(arg(argv, name)) : d);
  return { ...defaultBudget, ...(argv.includes("--cpu") ? { cpuTime: true } : {}), seed: n("--seed", defaultBudget.seed), runs: n("--runs", defaultBudget.runs), steps: n("--steps", defaultBudget.steps), lanes: n("--lanes", defaultBudget.lanes), timeBoxMs: n("--time-box", defaultBudget.timeBoxMs / 1000) * 1000 };
}

/**
 * One mutant in `budget.lanes` child processes, lane k searching fast-check seed `seed + k` (fixed
 * run sets, so which runs happen never depends on the machine; only the time box may cut them).
 * The first lane to find a failure stops the others and shrinks it; its row counts the runs and
 * steps every lane had done by then. Resolves with the row (a not-caught one when all were killed).
 */
function runMutant(name: string, budget: MutantBudget, saveDir: string | undefined, hardLimitMs: number, progress: (s: string) => void): Promise<MutantResult> {
  return new Promise((resolve) => {
    const t = performance.now();
    const lanes = Math.max(1, budget.lanes);
    const done = Array.from({ length: lanes }, () => ({ runs: 0, steps: 0 }));
    const children = Array.from({ length: lanes }, (_, k) => fork(fileURLToPath(import.meta.url), ["--child", name, JSON.stringify({ ...budget, seed: budget.seed + k }), saveDir ?? ""], { stdio: ["ignore", "ignore", "inherit", "ipc"] }));
    let finder: number | undefined;
    let before = { runs: 0, steps: 0 };
    let result: MutantResult | undefined;
    // A failure found before the hard limit counts as caught, shrunk or not.
    let found: MutantResult | undefined;
    let exited = 0;
    // The hard limit: wall-clock, or each lane's own CPU time read from /proc/<pid>/stat (utime + stime, in clock ticks of 10 ms).
    const cpuMs = (pid: number | undefined): number => {
      try {
        const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
        return (Number(f[11]) + Number(f[12])) * 10;
      } catch {
        return 0;
      }
    };
    const timer = budget.cpuTime
      ? setInterval(() => children.forEach((c) => cpuMs(c.pid) > hardLimitMs && c.kill("SIGKILL")), 1000)
      : setTimeout(() => children.forEach((c) => c.kill("SIGKILL")), hardLimitMs);
    const withOthers = (r: MutantResult): MutantResult => ({ ...r, ...(r.runsToFind !== undefined ? { runsToFind: r.runsToFind + before.runs, stepsToFind: r.stepsToFind! + before.steps } : {}), runs: r.runs + before.runs, steps: r.steps + before.steps });
    children.forEach((child, k) => {
      child.on("message", (m: ChildMessage) => {
        if ("log" in m) progress(lanes > 1 ? `lane ${k}: ${m.log}` : m.log);
        else if ("ran" in m) done[k] = m.ran;
        else if ("found" in m) {
          if (finder === undefined) {
            finder = k;
            // what the other lanes had searched when this one found it
            before = done.reduce((a, d, j) => (j === k ? a : { runs: a.runs + d.runs, steps: a.steps + d.steps }), { runs: 0, steps: 0 });
            children.forEach((c, j) => j !== k && c.kill("SIGKILL"));
          }
          if (finder === k) found = m.found;
        } else if (finder === undefined || finder === k) result = m.result;
      });
      child.on("exit", () => {
        if (++exited < lanes) return;
        clearTimeout(timer);
        clearInterval(timer);
        const ms = Math.round(performance.now() - t);
        const total = done.reduce((a, d) => ({ runs: a.runs + d.runs, steps: a.steps + d.steps }), { runs: 0, steps: 0 });
        if (result?.caught || found) resolve({ ...withOthers(result?.caught ? result : found!), ms });
        else resolve({ name, caught: false, runs: total.runs, steps: total.steps, ms, timedOut: total.runs < lanes * budget.runs });
      });
    });
  });
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "--child") {
    const [, name, budget, saveDir] = argv;
    const send = (m: ChildMessage) => process.send?.(m);
    const result = scoreMutant(name ?? "", JSON.parse(budget!) as MutantBudget, (s) => send({ log: s.trim() }), saveDir || undefined, (found) => send({ found }), (ran) => send({ ran }));
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
  console.log(`podflow check on ${names.filter(Boolean).length} mutants: seed ${budget.seed} (+ lane, ${budget.lanes} lanes), ${budget.runs} runs of ${budget.steps} steps a lane, scenario ${budget.scenario}, faults ${budget.faults.join(",")}, shrinking at most ${budget.maxShrinkRuns} runs; time box ${budget.timeBoxMs / 1000} s (safety net), hard limit ${hardLimitMs / 1000} s`);
  const results: MutantResult[] = new Array(names.length);
  const parallel = Math.max(1, Number(arg(argv, "--parallel") ?? 1));
  let next = 0;
  // Each lane takes the next mutant when its last one ends; the table keeps the catalog's order.
  const lane = async () => {
    while (next < names.length) {
      const i = next++;
      const name = names[i]!;
      const label = `[${i + 1}/${names.length}] ${name || "(none: baseline)"}`;
      const r = await runMutant(name, budget, saveDir, hardLimitMs, (s) => process.stderr.write(`${label}: ${s}\n`));
      results[i] = r;
      console.log(`${label}: ${r.caught ? `caught by ${r.invariant} after ${r.runsToFind} runs, ${r.stepsToFind} steps; shrunk to ${r.shrunkSteps} steps, ${r.shrunkCommands} commands` : r.timedOut ? "not caught (time box)" : "not caught"} (${(r.ms / 1000).toFixed(1)} s)`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, names.length) }, lane));
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
