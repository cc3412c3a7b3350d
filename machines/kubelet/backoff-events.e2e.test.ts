// A crash-looping pod's events end to end, through client-go's legacy recorder as the kubelet has it
// (tools/record/events_cache.go): BackOff is one identical event repeated, counted on the first
// (a patch of count and lastTimestamp); the kubelet's Warning and Normal events about the pod are two
// spam buckets (getSpamKey holds the type), each with a burst of 25 and one more each 300 s.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

describe("a crash-looping pod's events", () => {
  it("keep one BackOff event whose count grows, and stop counting Started once the Normal bucket is spent", async () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "crash", namespace: "default" }, spec: { nodeName: "node-1", containers: [{ name: "app", image: "busybox:1.36", command: ["sh", "-c", "exit 3"] }] } });
    await c.settle();
    const mine = () => c.events({ namespace: "default" }).filter((e: any) => e.involvedObject.name === "crash" && e.source?.component === "kubelet");
    const counts: number[] = [];
    for (let m = 0; m < 30; m++) {
      c.advance(60_000);
      await c.settle();
      const backoff = mine().filter((e: any) => e.reason === "BackOff");
      expect(backoff).toHaveLength(1);
      counts.push(backoff[0].count);
    }
    // one event, counted: never fewer, and more than once
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1]!);
    const [backoff] = mine().filter((e: any) => e.reason === "BackOff");
    expect(backoff.count).toBeGreaterThan(1);
    expect(Date.parse(backoff.lastTimestamp)).toBeGreaterThan(Date.parse(backoff.firstTimestamp));
    // each restart records Pulled, Created and Started (Normal): past the burst of 25 the bucket gains
    // one token per 300 s, fewer than the restarts at the 5-minute back-off use, so the last Started
    // are dropped and the stored count stays below the starts
    const restarts = c.get("Pod", "crash", "default").status.containerStatuses[0].restartCount;
    expect(mine().find((e: any) => e.reason === "Started").count).toBeLessThan(restarts + 1);
  });
});
