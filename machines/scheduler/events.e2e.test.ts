// kube-scheduler's events end to end, through client-go's events.k8s.io/v1 recorder as kube-scheduler
// has it (tools/events/event_broadcaster.go): isomorphic events (same type, action, reason,
// reporting controller and instance, regarding object at its resourceVersion, related) are one
// event; the second makes it a series (count 2, patched), later ones are counted in the recorder
// until its 30-minute refresh or its 6-minute finishSeries writes the count.
//
// A pod that fits nowhere is retried every 5 minutes (podMaxInUnschedulablePodsDuration, flushed
// every 30 s): attempts at 0, 5, 10, 15, 20 and 25 minutes. The first attempt's event regards the
// pod before its PodScheduled=False status write; the others regard it after, so they are one series.

import { afterEach, describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";

const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const node = (name: string, cpu: string) => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, labels: { "kubernetes.io/hostname": name } },
  status: { capacity: { cpu, memory: "16Gi", pods: "110" }, allocatable: { cpu, memory: "16Gi", pods: "110" }, conditions: [{ type: "Ready", status: "True" }] },
});

const failed = (c: Cluster) =>
  c.events({ namespace: "default" })
    .filter((e: any) => e.reason === "FailedScheduling" && e.involvedObject.name === "big")
    .map((e: any) => ({ series: e.series?.count, lastObserved: e.series?.lastObservedTime, eventTime: e.eventTime }));

async function minutes(c: Cluster, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    c.advance(60_000);
    await c.settle();
  }
}

describe("kube-scheduler's FailedScheduling, repeated", () => {
  it("is two events: the first attempt's, and a series of the later ones, written at count 2 and then by refresh and finishSeries", async () => {
    const c = createCluster({ nodes: [node("node-1", "4")], seed: 3 });
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "big", namespace: "default" }, spec: { containers: [{ name: "app", image: "registry.k8s.io/pause:3.10", resources: { requests: { cpu: "6" } } }] } });
    clusters.push(c);
    await c.settle();
    const t = (m: number) => new Date(Date.parse(failed(c)[0]!.eventTime) + m * 60_000).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
    const [first] = c.events({ namespace: "default" }).filter((e: any) => e.reason === "FailedScheduling");
    // events.k8s.io/v1 as core/v1 shows it: no source, count or timestamps; the reporter and action instead
    expect(first).toMatchObject({ type: "Warning", reportingComponent: "default-scheduler", reportingInstance: "default-scheduler-node-1", action: "Scheduling", source: {}, firstTimestamp: null, lastTimestamp: null });
    expect(first.count ?? 0).toBe(0);

    await minutes(c, 12);
    // attempts at 5 and 10: the second event, then its series at count 2
    expect(failed(c)).toEqual([{ series: undefined, lastObserved: undefined, eventTime: t(0) }, { series: 2, lastObserved: t(10), eventTime: t(5) }]);
    await minutes(c, 12);
    // attempts at 15 and 20 are counted in the recorder only
    expect(failed(c)[1]).toEqual({ series: 2, lastObserved: t(10), eventTime: t(5) });
    await minutes(c, 3);
    // at 27 minutes a node that fits: the pod is scheduled, the series goes quiet after the attempt at 25
    await c.apply(node("node-2", "8"));
    await c.settle();
    expect(c.get("Pod", "big", "default").spec.nodeName).toBe("node-2");
    await minutes(c, 13);
    // refresh at 30 minutes and finishSeries at 36 (25 + 6 < 36) wrote count 5 (attempts at 5 to 25)
    expect(failed(c)).toEqual([{ series: undefined, lastObserved: undefined, eventTime: t(0) }, { series: 5, lastObserved: t(25), eventTime: t(5) }]);
    const scheduled = c.events({ namespace: "default" }).filter((e: any) => e.reason === "Scheduled" && e.involvedObject.name === "big");
    expect(scheduled.map((e: any) => [e.message, e.action, e.reportingComponent])).toEqual([["Successfully assigned default/big to node-2", "Binding", "default-scheduler"]]);
  });
});
