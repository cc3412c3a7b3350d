// `podflow bench --ui`: the live view's responsiveness with a large cluster. A live cluster of N
// nodes takes Deployments totalling P pods while the page (headless chromium through
// playwright-core, a dev dependency) follows it; the figures are the page's own: how long each
// render takes, the interval between frames, and the wall time from the server sending a batch to
// the page drawing it. A benchmark, not a test: it reports numbers and asserts nothing.

import { createCluster } from "../runtime/cluster.js";
import { startServer } from "../runtime/server/http.js";
import { liveBackend, messagesPerBatch, type Batch, type MessageRow, type PodCard } from "../ui/live.js";
import { uiRoutes, type Backend } from "../ui/server.js";
import { activeIds } from "../ui/charts.js";
import { benchManifests, benchNodes } from "./workload.js";

export interface UiBenchResult {
  nodes: number;
  pods: number;
  /** wall seconds from the apply until the page shows every pod Running */
  secondsToRunning: number;
  renderMs: Stats;
  frameIntervalMs: Stats;
  updateLatencyMs: Stats;
  /** frames longer than 50 ms (a visible stall) */
  longFrames: number;
  batches: number;
  domNodes: number;
  /** wall ms from a click on a pod to its lifecycle charts drawn */
  selectMs: number;
  heapMB: number;
  synthetic: boolean;
}

export interface Stats {
  p50: number;
  p95: number;
  max: number;
  n: number;
}

function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => (s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor(q * s.length))]!);
  return { p50: round(at(0.5)), p95: round(at(0.95)), max: round(s.at(-1) ?? 0), n: s.length };
}

const round = (x: number) => Math.round(x * 10) / 10;

/**
 * A feed of the live view's batches for N nodes and P pods, without a cluster: the pods are created
 * over `rampMs` and each goes Pending, ContainerCreating, Running 1 and 2 s after it appears, and
 * every batch carries as many messages as the live view sends at most. It measures the page alone,
 * whatever the simulation's own speed on the machine.
 */
export function syntheticBackend(nodes: number, pods: number, rampMs = 20_000, flushMs = 100): Backend & { close(): void } {
  const listeners = new Set<(b: Batch) => void>();
  const t0 = Date.now();
  const nodeCards = Array.from({ length: nodes }, (_, i) => ({ name: `node-${i + 1}`, ready: "Ready" }));
  const card = (i: number, status: string): PodCard => ({
    uid: `uid-${i}`, namespace: "default", name: `web-${Math.floor(i / 100)}-${i.toString(36).padStart(5, "0")}`, node: `node-${(i % nodes) + 1}`,
    phase: status === "Running" ? "Running" : "Pending", status, ready: status === "Running" ? "1/1" : "0/1", restarts: "0",
    ip: status === "Pending" ? "" : `100.64.${i % nodes}.${2 + Math.floor(i / nodes)}`, deleting: false,
  });
  let seq = 0;
  let last = 0;
  // what a page that (re)opens the stream gets: every pod as it is now
  const current = new Map<string, PodCard>();
  const timer = setInterval(() => {
    const now = Date.now() - t0;
    const changed: PodCard[] = [];
    for (let i = 0; i < pods; i++) {
      const born = (i * rampMs) / pods;
      for (const [at, status] of [[born, "Pending"], [born + 1000, "ContainerCreating"], [born + 2000, "Running"]] as const) if (at > last && at <= now) changed.push(card(i, status));
    }
    last = now;
    for (const c of changed) current.set(c.uid, c);
    const messages: MessageRow[] = Array.from({ length: messagesPerBatch }, () => {
      seq++;
      return { seq, t: t0 + now, from: seq % 2 ? "apiserver" : `kubelet/node-${(seq % nodes) + 1}`, to: seq % 2 ? `kubelet/node-${(seq % nodes) + 1}` : "apiserver", type: seq % 2 ? "WatchEvent" : "ApiRequest", summary: `MODIFIED Pod default/web-${seq % pods}` };
    });
    const b: Batch = { t: t0 + now, delivered: seq, pace: { mode: "live", speed: 1 }, messages, sent: Date.now(), ...(changed.length ? { pods: changed } : {}) };
    for (const l of listeners) l(b);
  }, flushMs);
  return {
    kind: "live",
    snapshot: () => ({ t: Date.now(), delivered: seq, pace: { mode: "live", speed: 1 }, nodes: nodeCards, pods: [...current.values()], invariants: [] }),
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    get subscribers() {
      return listeners.size;
    },
    lifecycles: (uid) => ({ pod: card(Number(uid.slice(4)), "Running"), charts: [{ key: "kubelet-pod-worker", chart: "kubelet-pod-worker", title: "kubelet: pod worker", gone: false, state: "worker(lifecycle.SyncPod.containers | workQueue.idle)", active: activeIds("kubelet-pod-worker", { worker: { lifecycle: { SyncPod: "containers" }, workQueue: "idle" } }), transitions: [] }] }),
    info: () => ({ seed: 0, nodes: nodeCards.map((n) => n.name), components: [], faults: [] }),
    control: async () => ({}),
    close: () => clearInterval(timer),
  };
}

export async function runUiBench(nodes = 100, pods = 3_000, opts: { speed?: number; chromium?: string; timeoutMs?: number; progress?: (s: string) => void; screenshot?: string; synthetic?: boolean } = {}): Promise<UiBenchResult> {
  let chromium: typeof import("playwright-core").chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch {
    throw new Error("podflow bench --ui needs playwright-core (a dev dependency) and a chromium");
  }
  // the synthetic feed still needs a server: a cluster of one node serves it (its own view is not mounted)
  const cluster = createCluster({ nodes: opts.synthetic ? 1 : benchNodes(nodes), seed: 1, clock: "live", speed: opts.speed ?? 10, trace: false });
  const backend = opts.synthetic ? syntheticBackend(nodes, pods) : liveBackend(cluster);
  const server = await startServer({ cluster, port: 0, tls: false, routes: uiRoutes({ backend, token: cluster.adminToken, host: "127.0.0.1" }) });
  const browser = await chromium.launch({ executablePath: opts.chromium ?? "/usr/bin/chromium" });
  try {
    const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    await page.goto(`${server.url}/ui/#token=${encodeURIComponent(cluster.adminToken)}`);
    // the page's scripts are the browser's: given as text, so this file needs no DOM types
    await page.waitForFunction(`document.querySelectorAll(".node").length >= ${nodes}`);
    // frame intervals, from the page's own animation frames
    await page.evaluate(`(() => {
      window.benchFrames = [];
      let last = performance.now();
      const tick = (t) => {
        window.benchFrames.push(t - last);
        last = t;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    const start = Date.now();
    if (!opts.synthetic) await cluster.apply(benchManifests(pods));
    const deadline = start + (opts.timeoutMs ?? 600_000);
    for (let lastLog = start; ; ) {
      const shown = (await page.evaluate(`document.querySelectorAll('.pod[data-phase="Running"]').length`)) as number;
      if (shown >= pods) break;
      if (Date.now() > deadline) throw new Error(`the page shows ${shown} of ${pods} pods Running after ${(Date.now() - start) / 1000} s`);
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        const running = opts.synthetic ? NaN : cluster.list("Pod").filter((p) => p.status?.phase === "Running").length;
        opts.progress?.(`${Math.round((lastLog - start) / 1000)} s: ${running} Running in the cluster, ${shown} on the page`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const secondsToRunning = (Date.now() - start) / 1000;
    const clickAt = Date.now();
    await page.locator('.pod[data-phase="Running"]').first().click();
    await page.locator('.chart[data-chart="kubelet-pod-worker"] svg').waitFor();
    const selectMs = Date.now() - clickAt;
    if (opts.screenshot) await page.screenshot({ path: opts.screenshot });
    const m = (await page.evaluate(`({ renders: podflowStats.renders, latencies: podflowStats.latencies, batches: podflowStats.batches, frames: benchFrames, dom: document.getElementsByTagName("*").length, heap: performance.memory?.usedJSHeapSize ?? 0 })`)) as { renders: number[]; latencies: number[]; batches: number; frames: number[]; dom: number; heap: number };
    return {
      nodes, pods, secondsToRunning, selectMs,
      renderMs: stats(m.renders), frameIntervalMs: stats(m.frames), updateLatencyMs: stats(m.latencies),
      longFrames: m.frames.filter((f: number) => f > 50).length, batches: m.batches, domNodes: m.dom, heapMB: round(m.heap / 1e6), synthetic: opts.synthetic ?? false,
    };
  } finally {
    await browser.close();
    backend.close();
    await server.close();
    await cluster.stop();
  }
}

export function formatUiBench(r: UiBenchResult): string {
  const s = (x: Stats) => `p50 ${x.p50} p95 ${x.p95} max ${x.max} ms`;
  return [
    `live view ${r.nodes}x${r.pods}${r.synthetic ? " (synthetic feed)" : ""}: every pod Running on the page after ${r.secondsToRunning.toFixed(1)} s wall (${r.batches} batches)`,
    `  render per frame      ${s(r.renderMs)} (${r.renderMs.n} renders)`,
    `  frame interval        ${s(r.frameIntervalMs)}, ${r.longFrames} of ${r.frameIntervalMs.n} frames over 50 ms`,
    `  update latency        ${s(r.updateLatencyMs)} (server sends a batch -> page drew it)`,
    `  select a pod          ${r.selectMs} ms to its charts; ${r.domNodes} DOM elements, ${r.heapMB} MB JS heap`,
  ].join("\n");
}
