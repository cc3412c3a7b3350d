// The end-to-end benchmark: Deployments totalling P pods on N nodes, through createCluster on the
// simulated clock with tracing off, run until every pod is Running and listed as a ready endpoint.

import type { Cluster } from "../runtime/cluster.js";
import { benchCluster, benchManifests } from "./workload.js";
import { Progress, gc, heapUsed, peakRss } from "./measure.js";
import { memoryByComponent, type MemoryShare } from "./memory.js";

export interface ClusterBenchResult {
  nodes: number;
  pods: number;
  wallSeconds: number;
  /** user + system CPU seconds of the process over the same span (what a shared machine disturbs least) */
  cpuSeconds: number;
  /** wall seconds of the apply alone (the API requests, with the system running meanwhile) */
  applySeconds: number;
  simulatedSeconds: number;
  delivered: number;
  podsPerSecond: number;
  messagesPerSecond: number;
  messagesPerPod: number;
  microsecondsPerPod: number;
  peakRssBytes: number;
  heapPerPodBytes: number;
  /** with `memory`: the estimated bytes each component's state retains at the end */
  memory?: MemoryShare[];
}

/** Pods Running and ready endpoint addresses, counted from the API server's watch cache. */
export function countReady(cluster: Cluster): { running: number; endpoints: number } {
  return { running: countRunning(cluster), endpoints: countEndpoints(cluster) };
}

function cacheOf(cluster: Cluster, kind: string): Iterable<any> {
  return (cluster.runtime.snapshot("apiserver").context.cache.byKind as Map<string, Map<string, any>>).get(kind)?.values() ?? [];
}

function countRunning(cluster: Cluster): number {
  let running = 0;
  for (const p of cacheOf(cluster, "Pod")) if (p.status?.phase === "Running") running++;
  return running;
}

/** Ready addresses of the workload's Endpoints (one object per Service: cheap to count). */
function countEndpoints(cluster: Cluster): number {
  let endpoints = 0;
  for (const e of cacheOf(cluster, "Endpoints")) {
    if (!e.metadata.name.startsWith("web-")) continue;
    for (const s of e.subsets ?? []) endpoints += s.addresses?.length ?? 0;
  }
  return endpoints;
}

/** Runs one size: builds the cluster, applies the workload, runs to Running-with-endpoints. */
export async function runClusterBench(nodes: number, pods: number, opts: { seed?: number; progress?: Progress; memory?: boolean } = {}): Promise<ClusterBenchResult> {
  gc();
  const heap0 = heapUsed();
  const progress = opts.progress ?? new Progress(`${nodes}x${pods}`);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const cluster = benchCluster(nodes, opts.seed ?? 1);
  const rt = cluster.runtime;
  const delivered0 = rt.delivered;
  const sim0 = rt.now;
  // Applied a few objects at a time only to show progress: apply sends them one by one anyway.
  const manifests = benchManifests(pods);
  for (let i = 0; i < manifests.length; i += 10) {
    await cluster.apply(manifests.slice(i, i + 10));
    progress.update(`applying ${Math.min(i + 10, manifests.length)}/${manifests.length} objects, ${rt.delivered - delivered0} messages`);
  }
  const applySeconds = (performance.now() - t0) / 1000;
  // Check the cache about once per P deliveries: the O(P) count then costs O(1) per message.
  const every = Math.max(2_000, pods);
  let n = 0;
  let last = countReady(cluster);
  const done = () => last.running >= pods && last.endpoints >= pods;
  const limit = rt.now + 6 * 3_600_000;
  while (!done()) {
    if (rt.hasReady) rt.step();
    else if (!rt.fireNextTimer(limit)) throw new Error(`${nodes}x${pods}: stalled at ${last.running} Running, ${last.endpoints} endpoints`);
    if (++n % every === 0) {
      // the harness's own cost, not the model's: pods are counted (O(P)) only once every ready
      // endpoint is listed (a ready address is a Running pod), or for a progress line someone reads
      const endpoints = countEndpoints(cluster);
      last = { running: endpoints >= pods || progress.enabled ? countRunning(cluster) : last.running, endpoints };
      progress.update(`${last.running}/${pods} Running, ${last.endpoints} endpoints, ${rt.delivered - delivered0} messages, t=${((rt.now - sim0) / 1000).toFixed(0)}s simulated`);
    }
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  progress.done();
  const delivered = rt.delivered - delivered0;
  gc();
  const heapPerPod = (heapUsed() - heap0) / pods;
  const result: ClusterBenchResult = {
    nodes, pods, wallSeconds: wall, cpuSeconds: (cpu.user + cpu.system) / 1e6, applySeconds, simulatedSeconds: (rt.now - sim0) / 1000, delivered,
    podsPerSecond: pods / wall, messagesPerSecond: delivered / wall, messagesPerPod: delivered / pods,
    microsecondsPerPod: (wall * 1e6) / pods, peakRssBytes: peakRss(), heapPerPodBytes: heapPerPod,
  };
  if (opts.memory) result.memory = memoryByComponent(rt);
  await cluster.stop();
  return result;
}
