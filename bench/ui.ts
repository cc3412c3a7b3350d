// `podflow bench --ui`: the live view's responsiveness with a large cluster. A live cluster of N
// nodes takes Deployments totalling P pods while the page (headless chromium through
// playwright-core, a dev dependency) follows it; the figures are the page's own: how long each
// render takes, the interval between frames, and the wall time from the server sending a batch to
// the page drawing it. A benchmark, not a test: it reports numbers and asserts nothing.

import { createCluster } from "../runtime/cluster.js";
import { startServer } from "../runtime/server/http.js";
import { liveBackend } from "../ui/live.js";
import { uiRoutes } from "../ui/server.js";
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

export async function runUiBench(nodes = 100, pods = 3_000, opts: { speed?: number; chromium?: string; timeoutMs?: number; progress?: (s: string) => void; screenshot?: string } = {}): Promise<UiBenchResult> {
  let chromium: typeof import("playwright-core").chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch {
    throw new Error("podflow bench --ui needs playwright-core (a dev dependency) and a chromium");
  }
  const cluster = createCluster({ nodes: benchNodes(nodes), seed: 1, clock: "live", speed: opts.speed ?? 10, trace: false });
  const backend = liveBackend(cluster);
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
    await cluster.apply(benchManifests(pods));
    const deadline = start + (opts.timeoutMs ?? 600_000);
    for (let lastLog = start; ; ) {
      const shown = (await page.evaluate(`document.querySelectorAll('.pod[data-phase="Running"]').length`)) as number;
      if (shown >= pods) break;
      if (Date.now() > deadline) throw new Error(`the page shows ${shown} of ${pods} pods Running after ${(Date.now() - start) / 1000} s`);
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        const running = cluster.list("Pod").filter((p) => p.status?.phase === "Running").length;
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
      longFrames: m.frames.filter((f: number) => f > 50).length, batches: m.batches, domNodes: m.dom, heapMB: round(m.heap / 1e6),
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
    `live view ${r.nodes}x${r.pods}: every pod Running on the page after ${r.secondsToRunning.toFixed(1)} s wall (${r.batches} batches)`,
    `  render per frame      ${s(r.renderMs)} (${r.renderMs.n} renders)`,
    `  frame interval        ${s(r.frameIntervalMs)}, ${r.longFrames} of ${r.frameIntervalMs.n} frames over 50 ms`,
    `  update latency        ${s(r.updateLatencyMs)} (server sends a batch -> page drew it)`,
    `  select a pod          ${r.selectMs} ms to its charts; ${r.domNodes} DOM elements, ${r.heapMB} MB JS heap`,
  ].join("\n");
}
