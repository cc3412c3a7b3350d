import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { parseSize } from "./index.js";
import { benchManifests, benchNodes } from "./workload.js";
import { runPureBaseline } from "./pure.js";
import { runCheckerBench } from "./checker-bench.js";
import { approxBytes, formatMemory } from "./memory.js";
import { runClusterBench } from "./cluster-bench.js";
import { missingBenchFlags, Progress } from "./measure.js";

describe("parseSize", () => {
  const rows = [
    { name: "nodes and pods separated by x are read as numbers", s: "100x3000", want: [100, 3000] },
    { name: "surrounding spaces are ignored", s: " 5000x150000 ", want: [5000, 150000] },
  ];
  for (const r of rows) it(r.name, () => expect(parseSize(r.s)).toEqual(r.want));
  it("a size without both numbers is refused by name", () => expect(() => parseSize("100")).toThrow('bad size "100"'));
});

describe("the benchmark workload", () => {
  it("Deployments of 100 replicas add up to the pods asked for, one Service each", () => {
    const objs = benchManifests(250) as any[];
    const deployments = objs.filter((o) => o.kind === "Deployment");
    expect(deployments.map((d) => d.spec.replicas)).toEqual([100, 100, 50]);
    expect(objs.filter((o) => o.kind === "Service").map((s) => s.spec.selector.app)).toEqual(["web-0", "web-1", "web-2"]);
  });
  it("5000 nodes get distinct podCIDRs beyond the 256 a /16 holds", () => {
    const cidrs = new Set(benchNodes(5000).map((n) => n.spec!.podCIDR));
    expect(cidrs.size).toBe(5000);
  });
  it("the pure baseline starts every pod it schedules", () => {
    const r = runPureBaseline(5, 40);
    expect(r.running).toBe(40);
  });
});

describe("the checker benchmark", () => {
  it("counts the steps a fixed check runs and the distinct states a bounded explore reaches", () => {
    const r = runCheckerBench({ scenario: "nginx", seed: 1, seeds: 1, steps: 200, depth: 40, maxStates: 60 });
    expect(r.check.runs).toBe(1);
    expect(r.check.steps).toBeGreaterThan(0);
    expect(r.explore.states).toBe(60);
    expect(r.explore.transitions).toBeGreaterThanOrEqual(59);
  });
});

describe("the memory breakdown", () => {
  it("counts a shared object once, to the first holder, and a string by its length", () => {
    const shared = { a: "xyz" };
    const seen = new WeakSet<object>();
    const first = approxBytes({ s: shared }, seen);
    expect(first).toBe(32 + 16 + (32 + 16 + (16 + 3)));
    expect(approxBytes([shared], seen)).toBe(32 + 16);
  });
  it("counts an instance's own fields, not the methods of its prototype", () => {
    class Box {
      constructor(readonly v: number) {}
    }
    Object.assign(Box.prototype, { a() {}, b() {}, c() {} });
    expect(approxBytes(new Box(1), new WeakSet())).toBe(32 + 16 + 8);
  });
  it("a small cluster run to Running attributes most of its state to etcd, the API server and the kubelets", async () => {
    const r = await runClusterBench(3, 30, { memory: true, progress: new Progress("test", false) });
    const names = r.memory!.map((m) => m.component);
    expect(names).toEqual(expect.arrayContaining(["etcd: current values", "etcd: history", "apiserver", "kubelet/*", "cri/*"]));
    expect(r.memory!.every((m, i, all) => i === 0 || all[i - 1]!.bytes >= m.bytes)).toBe(true);
    expect(formatMemory(r.memory!, 30)).toMatch(/^memory by component .*\n( {2}\S.* +\d+\.\d KiB\/pod +\d+\.\d%\n)+ {2}total +\d+\.\d KiB\/pod$/);
    expect(formatMemory(r.memory!, 30, 70 * 1024)).toMatch(/\n {2}total +\d+\.\d KiB\/pod\n {2}measured heap growth +70\.0 KiB\/pod$/);
  });
});

describe("the bench's node flags", () => {
  it("npm run bench starts node with every flag the figures assume", () => {
    const script = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { scripts: Record<string, string> }).scripts.bench!;
    const args = script.split(/\s+/);
    expect(missingBenchFlags(args.slice(1, args.indexOf("bin/podflow.js")), "")).toBeUndefined();
  });
  it("a process started without the semi-space flag is told so, by the flag's name", () => {
    expect(missingBenchFlags(["--expose-gc"], "")).toMatch(/without --max-semi-space-size=\d+;/);
    expect(missingBenchFlags([], "")).toMatch(/without --expose-gc --max-semi-space-size=\d+;/);
  });
  it("the flags count from NODE_OPTIONS too, and any semi-space size is the flag given", () => {
    expect(missingBenchFlags(["--expose-gc"], "--max-semi-space-size=64")).toBeUndefined();
  });
});
