import { describe, it, expect } from "vitest";
import { main } from "../cli/index.js";
import { describeFaultSettings, faultNames, faultSettingsFromSeed, parseFaults } from "../runtime/faults.js";
import { runSpec, specFromSeed } from "./run.js";
import { explore } from "./explore.js";
import { createCluster } from "../runtime/cluster.js";
import { invariantNames, type InvariantSpec } from "./invariants/index.js";
import { check } from "./check.js";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["node", "podflow", ...args], { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out, err };
}

describe("parseFaults", () => {
  const rows: Array<[string, string | undefined, ReturnType<typeof parseFaults>]> = [
    ["no list means every fault", undefined, { faults: [...faultNames] }],
    ["none turns every fault off", "none", { faults: [] }],
    ["a list names the faults to inject", "delay,crash", { faults: ["delay", "crash"] }],
    ["an unknown name is reported", "delay,meteor", { unknown: ["meteor"] }],
  ];
  for (const [name, input, want] of rows) it(name, () => expect(parseFaults(input)).toEqual(want));
});

describe("the invariant registry", () => {
  it("names every design invariant it checks", () => {
    expect(invariantNames()).toEqual(expect.arrayContaining(["neverRunningWithoutNodeName", "nodeNameSetOnce", "watchNeverSkipsOrRepeats", "onlyApiServerTalksToEtcd", "resourceVersionConflictsNeverLoseAnUpdate", "ipReleasedOnlyAfterSandboxGone"]));
  });
});

describe("a checked run", () => {
  it("a random workload under every fault keeps every invariant and converges", () => {
    // Which faults a run draws depends on its seed: three seeds together inject crashes too.
    let crashes = 0;
    for (const seed of [11, 12, 13]) {
      const r = runSpec(specFromSeed(seed, { scenario: "random", steps: 1500, faults: [...faultNames] }));
      expect(r.violations).toEqual([]);
      expect(r.phase).toBe("done");
      expect(r.faults).toBeGreaterThan(0);
      crashes += r.faultCounts.crash ?? 0;
    }
    expect(crashes).toBeGreaterThan(0);
  }, 240_000);
  it("the same spec gives the same run, fault for fault", () => {
    const spec = specFromSeed(12, { scenario: "nginx", steps: 800, faults: [...faultNames] });
    const a = runSpec(spec);
    const b = runSpec(spec);
    expect(b.steps).toBe(a.steps);
    expect(b.faultCounts).toEqual(a.faultCounts);
  });
});

describe("podflow check, replay and explore", () => {
  it("check prints the seed first and ends with the summary", async () => {
    const r = await cli("check", "--seed", "5", "--seeds", "2", "--steps", "400", "--scenario", "nginx");
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe("seed 5");
    expect(r.out.at(-1)).toMatch(/^2 runs, \d+ steps, \d+ faults injected, 0 violations/);
  });
  it("an unknown scenario exits 2 and lists the valid ones", async () => {
    const r = await cli("check", "--scenario", "nope");
    expect(r.code).toBe(2);
    expect(r.err.join("\n")).toMatch(/unknown scenario "nope"; valid scenarios: .*nginx.*random/);
  });
  it("an unknown fault exits 2 and lists the valid ones", async () => {
    const r = await cli("check", "--faults", "delay,meteor");
    expect(r.code).toBe(2);
    expect(r.err.join("\n")).toContain(`unknown fault "meteor"; valid faults: ${faultNames.join(", ")}`);
  });
  it("replay prints the run's fault settings, drawn from its seed, right after the seed and scenario", async () => {
    const r = await cli("replay", "3", "--scenario", "nginx", "--steps", "200", "--faults", "all");
    expect(r.out[0]).toBe("seed 3");
    expect(r.out[2]).toBe(`fault settings: ${describeFaultSettings(faultSettingsFromSeed(3))}`);
    expect(specFromSeed(3, { scenario: "nginx", steps: 200, faults: [...faultNames] }).faultSettings).toEqual(faultSettingsFromSeed(3));
  });
  it("a counterexample carries its fault settings, so its replay runs the same fault mix", () => {
    const dir = mkdtempSync(join(tmpdir(), "podflow-faults-"));
    const failAtOnce: InvariantSpec = { name: "failsAtOnce", description: "fails at the first step", create: () => ({ step: () => [{ invariant: "failsAtOnce", message: "always" }] }) };
    const r = check({ seed: 4, seeds: 3, steps: 50, faults: [...faultNames], scenario: "random", saveDir: dir, hooks: { invariants: [failAtOnce] } }, () => {});
    const saved = JSON.parse(readFileSync(r.failure!.file!, "utf8"));
    expect(saved.faultSettings).toEqual(faultSettingsFromSeed(saved.seed));
  });
  it("replay re-runs a seed and re-checks it", async () => {
    const r = await cli("replay", "3", "--scenario", "nginx", "--steps", "400");
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe("seed 3");
  });
  it("explore visits distinct states of a one-pod scenario without a violation", () => {
    // The root is the settled cluster with the pod just sent: only the pod's interleavings remain.
    const r = explore({ scenario: "nginx", depth: 40, maxStates: 300 });
    expect(r.violation).toBeUndefined();
    expect(r.states).toBeGreaterThan(10);
    expect(r.transitions).toBeGreaterThanOrEqual(r.states - 1);
  });
  it("a fork's copy-on-write actors never see what its parent does afterwards", async () => {
    const c = createCluster({ nodes: 1, seed: 2, trace: false });
    c.runtime.settle();
    const f = c.runtime.fork();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "x" }, spec: { containers: [{ name: "c", image: "nginx:1.27" }] } });
    await c.settle();
    expect(c.get("Pod", "x").status.phase).toBe("Running");
    expect(f.snapshot("apiserver").context.cache.byKind.get("Pod")?.size ?? 0).toBe(0);
    expect(f.snapshot("cri/node-1").context.sandboxes.size).toBe(0);
  });
});
