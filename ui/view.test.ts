// podflow view TRACE: a trace recorded by simulate --trace, played back one message at a time.

import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createCluster } from "../runtime/cluster.js";
import { parseTrace, traceBackend } from "./view.js";
import type { Batch } from "./live.js";

async function recorded(): Promise<string> {
  const c = createCluster({ nodes: 1, seed: 4, trace: true });
  await c.apply(readFileSync(new URL("../examples/nginx.yaml", import.meta.url), "utf8"));
  await c.settle();
  return c.runtime.traceJsonl();
}

describe("the trace view", () => {
  it("starts paused and steps one recorded delivery at a time, with the states it caused", async () => {
    const text = await recorded();
    const entries = parseTrace(text);
    const deliveries = entries.filter((e) => e.kind === "deliver");
    const b = traceBackend(text);
    try {
      const seen: Batch[] = [];
      b.subscribe((x) => seen.push(x));
      expect(b.snapshot().pace).toEqual({ mode: "paused" });
      expect(b.snapshot().messages).toBeUndefined();
      await b.control({ action: "step", count: 1 });
      await b.control({ action: "step", count: 2 });
      const rows = seen.flatMap((x) => x.messages ?? []);
      expect(rows.map((r) => r.seq)).toEqual(deliveries.slice(0, 3).map((d) => d.seq));
      expect(rows[0]).toMatchObject({ from: deliveries[0]!.from, to: deliveries[0]!.to, type: deliveries[0]!.type });
      // the kubelet's state entries become its chart's highlighted state (played to the end: how
      // many deliveries the cluster's start takes moves with the bootstrap objects and actors)
      await b.control({ action: "step", count: deliveries.length });
      const kubelet = b.lifecycles("kubelet/node-1") as any;
      expect(kubelet.charts[0]).toMatchObject({ chart: "kubelet", state: "running" });
      expect(kubelet.charts[0].active).toContain("running");
      await expect(b.control({ action: "apply", manifest: "x" })).rejects.toMatchObject({ status: { code: 405 } });
    } finally {
      b.close();
    }
  });

  it("refuses a file that is not a trace, naming the line", () => {
    expect(() => parseTrace('{"seq":0,"t":0,"kind":"deliver"}\nnot json\n')).toThrow("line 2 of the trace is not JSON");
    expect(() => parseTrace('{"seq":0,"kind":"deliver"}\n')).toThrow("line 1 of the trace is not a trace entry");
    expect(() => parseTrace("[]\n")).toThrow("line 1");
  });
});
