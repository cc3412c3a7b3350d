// `podflow bench`: runs every benchmark size and prints one table; the figures docs/performance.md reports.

import { cpus } from "node:os";
import { runClusterBench, type ClusterBenchResult } from "./cluster-bench.js";
import { runPureBaseline, type PureResult } from "./pure.js";
import { runSchedulerBench, schedulerPerfThreshold, type SchedulerBenchResult } from "./scheduler-bench.js";
import { gc } from "./measure.js";
import { runCheckerBench, type CheckerBenchResult } from "./checker-bench.js";
import { formatMemory } from "./memory.js";

/** The sizes `podflow bench` runs: nodes x pods. */
export const defaultSizes: readonly [number, number][] = [[100, 3_000], [1_000, 30_000], [5_000, 150_000]];

export interface BenchOptions {
  quick?: boolean;
  /** "NODESxPODS" strings; default: defaultSizes (the first only with quick) */
  sizes?: string[];
  /** pods for the scheduler throughput run on 5000 nodes */
  schedulerPods?: number;
  seed?: number;
  /** also measure check steps/s and explore states/s (default true) */
  checker?: boolean;
  /** also print, per size, the estimated memory each component retains */
  memory?: boolean;
}

export interface BenchReport {
  machine: string;
  rows: Array<{ cluster: ClusterBenchResult; pure: PureResult; ratio: number }>;
  scheduler?: SchedulerBenchResult;
  checker?: CheckerBenchResult;
}

/** Parses "100x3000" into [100, 3000]. */
export function parseSize(s: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(s.trim());
  if (!m) throw new Error(`bad size "${s}": want NODESxPODS, e.g. 100x3000`);
  return [Number(m[1]), Number(m[2])];
}

/** Runs the benchmark and returns the figures. */
export async function runBench(opts: BenchOptions, log: (s: string) => void = () => undefined): Promise<BenchReport> {
  const sizes = opts.sizes?.length ? opts.sizes.map(parseSize) : opts.quick ? defaultSizes.slice(0, 1) : defaultSizes;
  const report: BenchReport = { machine: `${cpus().length} cpu, ${cpus()[0]?.model ?? "unknown"}, node ${process.version}`, rows: [] };
  for (const [n, p] of sizes) {
    const cluster = await runClusterBench(n, p, { seed: opts.seed, memory: opts.memory });
    gc();
    const pure = runPureBaseline(n, p, opts.seed);
    // CPU over CPU: on a shared machine wall seconds move with the load, CPU seconds much less
    report.rows.push({ cluster, pure, ratio: cluster.cpuSeconds / pure.cpuSeconds });
    log(formatRow(report.rows.at(-1)!));
    if (cluster.memory) log(formatMemory(cluster.memory, p, cluster.heapPerPodBytes));
    gc();
  }
  const sp = opts.schedulerPods ?? (opts.quick ? 2_000 : 10_000);
  if (sp > 0) {
    report.scheduler = runSchedulerBench(5_000, sp, { seed: opts.seed });
    log(formatScheduler(report.scheduler));
  }
  if (opts.checker !== false) {
    report.checker = runCheckerBench();
    log(formatChecker(report.checker));
  }
  return report;
}

const f1 = (x: number) => x.toFixed(1);
const f0 = (x: number) => Math.round(x).toLocaleString("en-US");
const mib = (b: number) => `${f0(b / 2 ** 20)} MiB`;

/** The table header printed above the rows. */
export const header = "NODES  PODS     WALL(s)  CPU(s)   PODS/s   MSG/s     MSG/POD  µs/POD   PEAK RSS   HEAP/POD  PURE CPU(s)  ACTOR/PURE";

/** One size's line of the table. */
export function formatRow(r: BenchReport["rows"][number]): string {
  const c = r.cluster;
  return [
    String(c.nodes).padEnd(6), String(c.pods).padEnd(8), f1(c.wallSeconds).padEnd(8), f1(c.cpuSeconds).padEnd(8), f0(c.podsPerSecond).padEnd(8),
    f0(c.messagesPerSecond).padEnd(9), f1(c.messagesPerPod).padEnd(8), f0(c.microsecondsPerPod).padEnd(8), mib(c.peakRssBytes).padEnd(10),
    `${f0(c.heapPerPodBytes / 1024)} KiB`.padEnd(9), r.pure.cpuSeconds.toFixed(2).padEnd(11), `${f1(r.ratio)}x`,
  ].join(" ");
}

/** The scheduler throughput line, beside scheduler_perf's threshold. */
export function formatScheduler(s: SchedulerBenchResult): string {
  return `scheduler: ${s.nodes} nodes, ${s.pods} pods bound in ${f1(s.wallSeconds)} s (${f1(s.userCpuSeconds)} s CPU) = ${f0(s.podsPerSecond)} pods/s ` +
    `(scheduler_perf SchedulingBasic 5000Nodes_50000Pods threshold: ${schedulerPerfThreshold} pods/s; target ${schedulerPerfThreshold * 10}); ` +
    `${f1(s.delivered / s.pods)} messages per binding`;
}

/** The checker lines: fuzzing steps/s and exploration distinct states/s (target 50,000). */
export function formatChecker(c: CheckerBenchResult): string {
  return `check: ${c.check.runs} runs of ${c.check.scenario}, ${f0(c.check.steps)} steps in ${f1(c.check.seconds)} s = ${f0(c.check.stepsPerSecond)} steps/s\n` +
    `explore: ${c.explore.scenario} to depth ${c.explore.depth}, ${f0(c.explore.states)} distinct states (${f0(c.explore.transitions)} transitions) in ${f1(c.explore.seconds)} s = ${f0(c.explore.statesPerSecond)} states/s (target 50,000)`;
}
