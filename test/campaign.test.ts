// A fuzz campaign end to end, as its users run it: shards as separate `podflow check --shard I/N`
// processes, merged from their files and from their logs; `--workers 2` in worker threads; and
// the Indexed Job of `podflow campaign manifest` checked by the real kubectl (client and server
// dry runs) and applied to `podflow serve`, whose Job controller creates one pod per index with
// its JOB_COMPLETION_INDEX (kubernetes.io/docs/concepts/workloads/controllers/job: Indexed
// completion mode; the index is the batch.kubernetes.io/job-completion-index annotation, the
// JOB_COMPLETION_INDEX env and the hostname <job>-<index>). Worker threads and processes run the
// compiled CLI, so the sources are compiled first (into .out-campaign-test/, beside dist/'s place).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSeedOf, type CampaignResult } from "../properties/campaign.js";
import { main } from "../cli/index.js";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const root = join(import.meta.dirname, "..");
const out = join(root, ".out-campaign-test");
const runner = join(out, "podflow.mjs");
const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
const scratch = mkdtempSync(join(tmpdir(), "podflow-campaign-"));

beforeAll(() => {
  const tsc = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.json"), "--outDir", out], { encoding: "utf8" });
  expect(tsc.stdout + tsc.stderr).toBe("");
  writeFileSync(runner, 'import { main } from "./cli/index.js";\nmain(process.argv).then((code) => { process.exitCode = code; });\n');
}, 180_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Runs the compiled podflow CLI; stdin from `input`. */
function podflow(args: string[], input?: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [runner, ...args], { timeout: 150_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : 1) : 0, out: stdout, err: stderr });
    });
    child.stdin!.end(input ?? "");
  });
}

/** Runs the CLI in this process (from the sources): what needs no threads and no stdin. */
async function inProcess(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["node", "podflow", ...args], { out: (l) => (out += l + "\n"), err: (l) => (err += l + "\n") });
  return { code, out, err };
}

const lastLine = (s: string) => s.trimEnd().split("\n").at(-1)!;
const readResult = (file: string) => JSON.parse(readFileSync(file, "utf8")) as CampaignResult;
/** The part of a merged result that must not depend on the split. */
const outcome = (r: CampaignResult) => ({ runSeeds: r.runSeeds, runs: r.runs, steps: r.steps, faults: r.faults, violations: r.violations });

describe("a campaign as local processes and worker threads", () => {
  const campaign = ["check", "--seed", "5", "--seeds", "6", "--steps", "40", "--scenario", "nginx", "--faults", "delay,crash"];

  it("one shard, two shard processes and --workers 2 cover the same runs with the same outcome; merged from files and from logs alike", async () => {
    const dir = (name: string) => join(scratch, name);
    const [one, s0, s1, workers] = await Promise.all([
      podflow([...campaign, "--shard", "0/1", "--out", dir("one")]),
      podflow([...campaign, "--shard", "0/2", "--out", dir("two")]),
      podflow([...campaign, "--shard", "1/2", "--out", dir("two")]),
      podflow([...campaign, "--workers", "2", "--out", dir("workers")]),
    ]);
    for (const r of [one, s0, s1, workers]) {
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      expect(lastLine(r.out)).toMatch(/^podflow-shard-result \{/);
    }
    expect(s0.out).toContain("shard 0/2 (3 runs)");
    expect(workers.out).toMatch(/^ {2}worker 2\/2 \(runs 1\+2n\): 3\/3 runs, \d+ steps, \d+ faults injected, 0 violations$/m);

    // What kubectl logs -l job-name=... --prefix prints: each pod's lines behind its name.
    const logs = [s0, s1].map((r, i) => r.out.trimEnd().split("\n").map((l) => `[pod/podflow-fuzz-5-${i}-x7k2p/shard] ${l}`).join("\n")).join("\n");
    writeFileSync(dir("logs.txt"), logs);
    const merged = await Promise.all([
      inProcess(["check", "--merge", dir("one"), "--out", dir("m-one")]),
      inProcess(["check", "--merge", join(dir("two"), "shard-0-of-2.json"), join(dir("two"), "shard-1-of-2.json"), "--out", dir("m-two")]),
      inProcess(["check", "--merge", dir("workers"), "--out", dir("m-workers")]),
      inProcess(["check", "--merge", dir("logs.txt"), "--out", dir("m-logs")]),
      // standard input, as `kubectl logs ... | podflow check --merge -`
      podflow(["check", "--merge", "-", "--out", dir("m-stdin")], logs),
    ]);
    const reports = merged.map((m) => {
      expect(m.code).toBe(0);
      return m.out.split("\n").slice(1, 4);
    });
    expect(reports[0]).toEqual([
      `campaign seed 5: scenario nginx, 6 runs of 40 steps, faults delay,crash (podflow ${version})`,
      "covered 6 of 6 runs",
      expect.stringMatching(/^6 runs, \d+ steps, \d+ faults injected \(delay \d+(, crash \d+)?\), 0 violations$/),
    ]);
    for (const r of reports.slice(1)) expect(r).toEqual(reports[0]);
    const results = ["m-one", "m-two", "m-workers", "m-logs", "m-stdin"].map((d) => readResult(join(dir(d), "campaign-5.json")));
    expect(results[0]!.runSeeds).toEqual([0, 1, 2, 3, 4, 5].map((i) => runSeedOf(5, i)));
    for (const r of results.slice(1)) expect(outcome(r)).toEqual(outcome(results[0]!));
  }, 240_000);

  it("--workers 2 finds the counterexamples one worker finds (a mutant the checker catches on some runs)", async () => {
    const mutation = await import(join(out, "machines/common/mutation.js"));
    const c = await import(join(out, "properties/campaign.js"));
    const w = await import(join(out, "properties/campaign-workers.js"));
    const spec = { seed: 11, runs: 4, steps: 60, faults: ["delay", "crash", "drop-request"], scenario: "nginx" };
    const mutants = ["kubelet.ignores-grace-period"];
    mutation.setMutants(mutants);
    const alone: CampaignResult = c.runPart(spec, c.shardParts(spec, { index: 0, count: 1 })[0], { shrinkRuns: 3 });
    mutation.setMutants([]);
    const lines: string[] = [];
    const threads: CampaignResult = await w.runParts(spec, c.shardParts(spec, { index: 0, count: 1 }, 2), { shrinkRuns: 3, mutants }, (l: string) => lines.push(l));
    expect(alone.violations.length).toBeGreaterThan(0);
    expect(alone.violations.length).toBeLessThan(4);
    expect(alone.violations.map((v) => v.invariant)).toContain("gracePeriodHonoured");
    expect(outcome(threads)).toEqual(outcome(alone));
    expect(lines.filter((l) => /^ {2}worker 1\/2 \(runs 0\+2n\): 2\/2 runs, \d+ steps, \d+ faults injected, \d+ violations$/.test(l))).toHaveLength(1);
    // Each violation is told, with its replay line, as soon as its worker finds it: before the
    // shrinking that can take minutes, and before that worker's last progress line.
    for (const v of threads.violations) {
      const who = `worker ${(v.run % 2) + 1}/2`;
      const found = lines.indexOf(`  ${who}: violation in run ${v.run} (${v.phase} phase, ${v.steps} steps): ${v.invariant}: ${v.message}`);
      expect(found).toBeGreaterThanOrEqual(0);
      expect(lines[found + 1]).toBe(`    replay: ${v.replay}`);
      expect(lines[found + 2]).toBe("    shrinking it (at most 3 runs)");
      const last = lines.findIndex((l) => l.startsWith(`  ${who} (runs`));
      expect(found).toBeLessThan(last);
    }
  }, 240_000);

  it("refuses a shard without a seed, and a merge of nothing", async () => {
    const noSeed = await inProcess(["check", "--shard", "0/2", "--seeds", "2"]);
    expect(noSeed).toMatchObject({ code: 2, err: "error: --shard needs --seed (every shard of a campaign must have the same seed)\n" });
    writeFileSync(join(scratch, "empty.txt"), "no results here\n");
    const empty = await inProcess(["check", "--merge", join(scratch, "empty.txt")]);
    expect(empty).toMatchObject({ code: 2, err: "error: no campaign results to merge (read 1 inputs)\n" });
  });
});

describe("the campaign's Indexed Job", () => {
  const bin = findKubectl();
  if (!bin) {
    it("needs kubectl on PATH", () => {
      console.warn("kubectl was not found on PATH: the Indexed Job of a campaign was not checked");
      expect(bin).toBeUndefined();
    });
    return;
  }
  let s: Served;
  let manifest = "";
  const k = (args: string[], input?: string) => kubectl(bin, s.kubeconfigPath, args, input !== undefined ? { input } : {});
  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
    const r = await inProcess(["campaign", "manifest", "--shards", "3", "--seed", "9", "--time-box", "600", "--image", "podflow:0.1.0", "--seeds", "3000", "--steps", "500"]);
    expect(r.code).toBe(0);
    manifest = r.out;
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("passes kubectl's client dry run (schema validation) and podflow's own validation (server dry run)", async () => {
    const client = await k(["apply", "--dry-run=client", "-o", "yaml", "-f", "-"], manifest);
    expect(client.err).toBe("");
    expect(client.out).toMatch(/^kind: Job$/m);
    expect(client.out).toMatch(/^ {2}completionMode: Indexed$/m);
    const server = await k(["apply", "--dry-run=server", "-f", "-"], manifest);
    expect(server).toMatchObject({ code: 0, err: "", out: "job.batch/podflow-fuzz-9 created (server dry run)\n" });
  });

  it("applied, creates 3 pods, one per index, each with its JOB_COMPLETION_INDEX and `podflow check --shard $(JOB_COMPLETION_INDEX)/3`", async () => {
    expect(await k(["apply", "-f", "-"], manifest)).toMatchObject({ code: 0, out: "job.batch/podflow-fuzz-9 created\n" });
    const pods = await until(async () => {
      const items = JSON.parse((await k(["get", "pods", "-l", "job-name=podflow-fuzz-9", "-o", "json"])).out || "{}").items ?? [];
      return items.length === 3 ? items : undefined;
    }, 30_000);
    expect(pods, "the Job controller should create 3 pods").toBeTruthy();
    const byIndex = new Map<string, any>(pods.map((p: any) => [p.metadata.annotations["batch.kubernetes.io/job-completion-index"], p]));
    expect([...byIndex.keys()].sort()).toEqual(["0", "1", "2"]);
    for (const [index, pod] of byIndex) {
      expect(pod.metadata.labels["batch.kubernetes.io/job-completion-index"]).toBe(index);
      expect(pod.spec.hostname).toBe(`podflow-fuzz-9-${index}`);
      const c = pod.spec.containers[0];
      expect(c.env).toContainEqual({ name: "JOB_COMPLETION_INDEX", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } });
      expect(c.command.slice(0, 4)).toEqual(["podflow", "check", "--shard", "$(JOB_COMPLETION_INDEX)/3"]);
      expect(c.image).toBe("podflow:0.1.0");
    }
    const job = JSON.parse((await k(["get", "job", "podflow-fuzz-9", "-o", "json"])).out);
    expect(job.spec).toMatchObject({ completionMode: "Indexed", completions: 3, parallelism: 3 });
  }, 60_000);
});

describe("docker/Dockerfile (not built here: no Docker daemon, and no Debian package provides hadolint)", () => {
  const text = readFileSync(join(root, "docker/Dockerfile"), "utf8");
  const instructions = text.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
  const stages = instructions.join("\n").split(/^FROM /m).slice(1).map((s) => `FROM ${s}`);
  const ignored = readFileSync(join(root, ".dockerignore"), "utf8").split("\n").filter((l) => l && !l.startsWith("#"));

  it("builds in a node:20 stage and runs from a node:20 stage with production dependencies only", () => {
    expect(stages.map((s) => s.split("\n")[0])).toEqual(["FROM node:20-bookworm-slim AS build", "FROM node:20-bookworm-slim"]);
    expect(stages[0]).toMatch(/^RUN npx tsc -p tsconfig.json$/m);
    // `prepare` runs tsc, which --omit=dev leaves out: the scripts stay off and dist/ comes from the build stage
    expect(stages[1]).toMatch(/^RUN npm ci --omit=dev --ignore-scripts\b/m);
    expect(stages[1]).toMatch(/^COPY --from=build \/podflow\/dist dist$/m);
  });

  it("copies only what exists and what .dockerignore lets in, and everything the CLI reads at run time", () => {
    const sources = instructions.filter((l) => l.startsWith("COPY ") && !l.includes("--from")).flatMap((l) => l.split(/\s+/).slice(1, -1));
    for (const s of sources) {
      expect(existsSync(join(root, s)), s).toBe(true);
      expect(ignored, s).not.toContain(s);
    }
    // bin/podflow.js runs dist/cli; run.ts reads examples/; the version comes from package.json
    expect(sources).toEqual(expect.arrayContaining(["package.json", "package-lock.json", "bin", "examples", "tsconfig.json", "machines", "runtime", "properties", "cli"]));
    expect(stages[1]).toMatch(/^RUN ln -s \/podflow\/bin\/podflow.js \/usr\/local\/bin\/podflow$/m);
  });
});
