// Scheduler throughput through the actor system: N nodes and P pending pods are stored first
// (no kubelets running), then the scheduler actor starts and binds them all; pods/s is measured
// from its start to the last binding, as scheduler_perf measures SchedulingBasic.

import { createCluster } from "../runtime/cluster.js";
import { schedulerMachine } from "../machines/scheduler/scheduler.machine.js";
import { seedFor } from "../machines/common/prng.js";
import { benchNodes, benchPodSpec } from "./workload.js";
import { Progress } from "./measure.js";

/** scheduler_perf's threshold for SchedulingBasic 5000Nodes_50000Pods (pods/s). */
export const schedulerPerfThreshold = 810;

export interface SchedulerBenchResult {
  nodes: number;
  pods: number;
  wallSeconds: number;
  podsPerSecond: number;
  delivered: number;
  /** user CPU seconds of the process over the same interval: steadier than wall time on a shared machine */
  userCpuSeconds: number;
}

/** Binds P pods on N nodes through the API server and measures the scheduler's throughput. */
export function runSchedulerBench(nodes: number, pods: number, opts: { seed?: number; progress?: Progress } = {}): SchedulerBenchResult {
  const seed = opts.seed ?? 1;
  const progress = opts.progress ?? new Progress(`scheduler ${nodes}x${pods}`);
  const cluster = createCluster({ nodes: benchNodes(nodes), seed, trace: false, only: ["etcd", "apiserver"] });
  const rt = cluster.runtime;
  for (const n of cluster.set.nodes) {
    const r = cluster.requestSync({ verb: "create", group: "", resource: "nodes", body: n });
    if (!r.ok) throw new Error(`create node: ${r.status.message}`);
  }
  for (let i = 0; i < pods; i++) {
    const tpl = benchPodSpec("sched");
    const body = { apiVersion: "v1", kind: "Pod", metadata: { name: `sched-${i}`, namespace: "default", labels: tpl.metadata.labels }, spec: tpl.spec };
    const r = cluster.requestSync({ verb: "create", group: "", resource: "pods", namespace: "default", body });
    if (!r.ok) throw new Error(`create pod: ${r.status.message}`);
    if (i % 1000 === 0) progress.update(`created ${i}/${pods} pods`);
  }
  const byNode = () => {
    let n = 0;
    for (const s of (rt.snapshot("apiserver").context.cache.podsByNode as Map<string, Set<string>>).values()) n += s.size;
    return n;
  };
  const token = cluster.set.identities.find((i) => i.address === "scheduler")!.token;
  const d0 = rt.delivered;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  rt.spawn("scheduler", schedulerMachine, { token, seed: seedFor(seed, "scheduler") });
  let bound = 0;
  let steps = 0;
  while (bound < pods) {
    if (rt.hasReady) rt.step();
    else if (!rt.fireNextTimer()) throw new Error(`scheduler bench stalled at ${bound}/${pods} bound`);
    if (++steps % 1000 === 0) {
      bound = byNode();
      progress.update(`${bound}/${pods} bound`);
    }
  }
  const wall = (performance.now() - t0) / 1000;
  const userCpuSeconds = process.cpuUsage(cpu0).user / 1e6;
  progress.done();
  const result = { nodes, pods, wallSeconds: wall, podsPerSecond: pods / wall, delivered: rt.delivered - d0, userCpuSeconds };
  rt.stopAll();
  return result;
}
