// metrics-server's rates and objects, and the CRI's CPU accounting they read.

import { describe, it, expect } from "vitest";
import { accrue, charge, newCpuAccount } from "../cri/usage.js";
import { formatMemory, formatNanoCores, goDuration, podUsages, serveMetrics, type NodeSamples } from "./metrics.logic.js";
import type { ContainerStatsInfo } from "../cri/messages.js";

const stat = (id: string, pod: string, t: number, cpu: number, mem: number): ContainerStatsInfo =>
  ({ containerId: id, name: `${pod}-ctr`, podName: pod, podNamespace: "default", podUid: `uid-${pod}`, timestamp: t, cpuUsageCoreNanoSeconds: cpu, memoryWorkingSetBytes: mem });

describe("the CRI's CPU account", () => {
  it("a steady demand under no limit is used in full: 2 cores for 15 s is 30 core-seconds", () => {
    const a = accrue({ ...newCpuAccount(0), demandMilli: 2000 }, 15_000, undefined);
    expect(a.usageNanos).toBe(30e9);
  });
  it("a demand above the CPU limit is held to the limit (CFS quota): 2 cores asked, 1 allowed", () => {
    const a = accrue({ ...newCpuAccount(0), demandMilli: 2000 }, 15_000, 1000);
    expect(a.usageNanos).toBe(15e9);
    expect(a.backlogNanos, "at most one second of quota waits").toBe(1e9);
  });
  it("charged work runs at the next accrual, as the quota allows", () => {
    const a = charge(newCpuAccount(0), 0, 500, 6_000_000);
    expect(accrue(a, 1000, 500).usageNanos).toBe(6_000_000);
  });
});

describe("metrics-server's rates", () => {
  const s: NodeSamples = {
    prev: [stat("c1", "a", 0, 0, 10), stat("c2", "b", 0, 5e9, 20)], prevAt: 0,
    last: [stat("c1", "a", 15_000, 3e9, 11), stat("c3", "b", 15_000, 0, 20)], lastAt: 15_000,
  };
  it("a container's CPU is the rate between its two samples: 3 core-seconds in 15 s is 200m", () => {
    const pods = podUsages("node-1", s);
    expect(pods.map((p) => p.name)).toEqual(["a"]);
    expect(pods[0]!.containers).toEqual([{ name: "a-ctr", cpuNanoCores: 200_000_000, memoryBytes: 11 }]);
    expect(pods[0]!.windowMs).toBe(15_000);
  });
  it("a pod whose container restarted (a new id, one sample) is not reported until its next scrape", () => {
    expect(podUsages("node-1", s).some((p) => p.name === "b")).toBe(false);
  });
  // metrics-server pkg/storage/pod.go GetMetrics: allContainersPresent, else the pod is left out whole
  it("a pod with one container rated and another seen once is not reported, not even in part", () => {
    const two = (id: string, t: number, cpu: number) => ({ ...stat(id, "w", t, cpu, 30), name: id });
    const pods = podUsages("node-1", { prev: [two("app", 0, 0)], prevAt: 0, last: [two("app", 15_000, 3e9), two("sidecar", 15_000, 1e9)], lastAt: 15_000 });
    expect(pods.some((p) => p.name === "w")).toBe(false);
  });
  it("quantities print as Go's resource.Quantity canonical forms", () => {
    expect([formatNanoCores(200_000_000), formatNanoCores(1_000_000_000), formatNanoCores(1234567), formatNanoCores(0)]).toEqual(["200m", "1", "1234567n", "0"]);
    expect([formatMemory(150 * 2 ** 20), formatMemory(154112 * 1024), formatMemory(1000)]).toEqual(["150Mi", "154112Ki", "1000"]);
    expect([goDuration(15_000), goDuration(14_998), goDuration(60_000)]).toEqual(["15s", "14.998s", "1m0s"]);
  });
  it("get of a pod with no metrics is metrics-server's NotFound; a watch is not allowed", () => {
    const view = { samples: new Map([["node-1", s]]), podLabels: () => ({}), nodeLabels: () => ({}), now: 15_000 };
    const missing = serveMetrics({ verb: "get", resource: "pods", namespace: "default", name: "nope" }, view);
    expect(missing).toMatchObject({ ok: false, code: 404, status: { reason: "NotFound", message: 'podmetrics.metrics.k8s.io "default/nope" not found' } });
    expect(serveMetrics({ verb: "watch", resource: "pods" }, view)).toMatchObject({ ok: false, code: 405 });
    const gone = serveMetrics({ verb: "list", resource: "pods" }, { ...view, podLabels: () => null });
    expect(gone).toMatchObject({ ok: true, object: { items: [] } });
  });
});
