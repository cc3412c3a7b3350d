// reconcileAutoscaler's decision over several metrics (horizontal.go computeReplicasForMetrics):
// each metric proposes a replica count and the largest wins ("If multiple metrics are specified in a
// HorizontalPodAutoscaler, this calculation is done for each metric, and then the largest of the
// desired replica counts is chosen", the HPA docs' algorithm details).

import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { decide, emptyMemory } from "./hpa.logic.js";
import { rfc3339 } from "../common/time.js";

const now = 1_000_000_000;
const started = now - 10 * 60_000; // past the CPU initialization period

const pod = (i: number): Pod => ({
  metadata: { name: `web-${i}`, namespace: "default" },
  spec: { containers: [{ name: "c", image: "x", resources: { requests: { cpu: "100m", memory: "100Mi" } } }] },
  status: { phase: "Running", startTime: rfc3339(started), conditions: [{ type: "Ready", status: "True", lastTransitionTime: rfc3339(started) }] },
});
// metrics.k8s.io PodMetrics: each pod uses 200m cpu (200% of its request) and 10Mi memory (10%)
const metricsList = { items: [0, 1].map((i) => ({ metadata: { name: `web-${i}`, namespace: "default" }, timestamp: rfc3339(now - 30_000), window: "30s", containers: [{ name: "c", usage: { cpu: "200m", memory: "10Mi" } }] })) };
const target = (name: string) => ({ type: "Resource", resource: { name, target: { type: "Utilization", averageUtilization: 50 } } });
const hpa = (metrics: object[]) => ({ metadata: { name: "web", namespace: "default" }, spec: { minReplicas: 1, maxReplicas: 10, metrics } });
const scale = { spec: { replicas: 2 } };

describe("several metrics (computeReplicasForMetrics)", () => {
  // cpu at 200% of a 50% target proposes 8 for 2 pods, held to the scale-up limit max(2 x 2, 4) = 4
  // (calculateScaleUpLimit, no behavior); memory at 10% proposes 1
  it("cpu alone takes 2 pods to 4 (its 8, held to the scale-up limit); memory alone proposes fewer", () => {
    expect(decide(hpa([target("cpu")]), scale, [pod(0), pod(1)], metricsList, emptyMemory, now).desiredReplicas).toBe(4);
    expect(decide(hpa([target("memory")]), scale, [pod(0), pod(1)], metricsList, emptyMemory, now).desiredReplicas).toBeLessThan(2);
  });
  it("cpu and memory together: the largest proposal (cpu's) wins, whichever metric comes first", () => {
    for (const metrics of [[target("cpu"), target("memory")], [target("memory"), target("cpu")]]) {
      const d = decide(hpa(metrics), scale, [pod(0), pod(1)], metricsList, emptyMemory, now);
      expect([d.desiredReplicas, d.rescale, d.rescaleReason]).toEqual([4, true, "cpu resource utilization (percentage of request) above target"]);
    }
  });
});

// The walkthrough's autoscaling/v2 HPA with a Pods and an Object metric, on a cluster with no custom
// metrics adapter (no custom.metrics.k8s.io APIService, as on kind): the custom metrics client's
// discovery error, wrapped by GetMetricReplicas / GetObjectMetricReplicas (replica_calculator.go).
describe("metrics of the custom metrics API with no adapter registered", () => {
  const podsMetric = { type: "Pods", pods: { metric: { name: "packets-per-second" }, target: { type: "AverageValue", averageValue: "1k" } } };
  const objectMetric = { type: "Object", object: { metric: { name: "requests-per-second" }, describedObject: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", name: "main-route" }, target: { type: "Value", value: "10k" } } };
  const noAPI = "unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered";

  it("each records its own reason (FailedGetPodsMetric, FailedGetObjectMetric) with the client's error", () => {
    const d = decide(hpa([target("cpu"), podsMetric, objectMetric]), scale, [pod(0), pod(1)], metricsList, emptyMemory, now);
    expect(d.events.filter((e) => e.reason !== "FailedComputeMetricsReplicas")).toEqual([
      { type: "Warning", reason: "FailedGetPodsMetric", message: `unable to get metric packets-per-second: ${noAPI}` },
      { type: "Warning", reason: "FailedGetObjectMetric", message: `unable to get metric requests-per-second: Ingress on default main-route/${noAPI}` },
    ]);
    // cpu's valid proposal scales up: invalid metrics do not stop that
    expect([d.desiredReplicas, d.rescale]).toEqual([4, true]);
    expect(d.conditions.find((c) => c.type === "ScalingActive")?.reason).toBe("ValidMetricFound");
  });

  it("some invalid and the valid ones would scale down: no scaling, ScalingActive False from the first invalid metric", () => {
    const idle = { items: [0, 1].map((i) => ({ metadata: { name: `web-${i}`, namespace: "default" }, timestamp: rfc3339(now - 30_000), window: "30s", containers: [{ name: "c", usage: { cpu: "1m", memory: "10Mi" } }] })) };
    const d = decide(hpa([target("cpu"), podsMetric, objectMetric]), scale, [pod(0), pod(1)], idle, emptyMemory, now);
    expect(d.rescale).toBe(false);
    expect(d.conditions.find((c) => c.type === "ScalingActive")).toEqual({ type: "ScalingActive", status: "False", reason: "FailedGetPodsMetric", message: `the HPA was unable to compute the replica count: unable to get metric packets-per-second: ${noAPI}` });
    expect(d.events.at(-1)).toEqual({ type: "Warning", reason: "FailedComputeMetricsReplicas", message: `invalid metrics (2 invalid out of 3), first error is: failed to get pods metric value: unable to get metric packets-per-second: ${noAPI}` });
  });
});

// The walkthrough's "target.type of AverageValue instead of Utilization" (averageValue: 500Mi):
// GetRawResourceReplicas compares the pods' average usage with the value, requests not needed.
describe("a Resource metric with an AverageValue target", () => {
  const averageValue = (name: string, v: string) => ({ type: "Resource", resource: { name, target: { type: "AverageValue", averageValue: v } } });
  it("memory at 10Mi a pod against 5Mi: ratio 2, 4 replicas; its status is the raw average only", () => {
    const d = decide(hpa([averageValue("memory", "5Mi")]), scale, [pod(0), pod(1)], metricsList, emptyMemory, now);
    expect([d.desiredReplicas, d.rescaleReason]).toEqual([4, "memory resource above target"]);
    expect(d.currentMetrics).toEqual([{ type: "Resource", resource: { name: "memory", current: { averageValue: "10485760" } } }]);
  });
  it("cpu at 200m a pod against 200m: within tolerance, no change; and no request is needed", () => {
    const noRequests = [pod(0), pod(1)].map((p) => ({ ...p, spec: { containers: [{ name: "c", image: "x" }] } }));
    const d = decide(hpa([averageValue("cpu", "200m")]), scale, noRequests, metricsList, emptyMemory, now);
    expect([d.desiredReplicas, d.rescale]).toEqual([2, false]);
    expect(d.currentMetrics).toEqual([{ type: "Resource", resource: { name: "cpu", current: { averageValue: "200m" } } }]);
  });
});

// ContainerResource (GA in 1.30): one container's usage against its own request in each pod
// (getContainerMetrics, calculatePodRequests with the container's name); a sidecar's usage and
// request stay out of it, where a Resource metric sums every container and sidecar.
describe("a ContainerResource metric", () => {
  const twoContainers = (i: number): Pod => ({
    ...pod(i),
    spec: {
      initContainers: [{ name: "log", image: "x", restartPolicy: "Always", resources: { requests: { cpu: "100m" } } }],
      containers: [{ name: "app", image: "x", resources: { requests: { cpu: "100m" } } }],
    },
  });
  // app uses 40m of its 100m (40%), the sidecar 300m of its 100m
  const usage = { items: [0, 1].map((i) => ({ metadata: { name: `web-${i}`, namespace: "default" }, timestamp: rfc3339(now - 30_000), window: "30s", containers: [{ name: "app", usage: { cpu: "40m" } }, { name: "log", usage: { cpu: "300m" } }] })) };
  const containerTarget = (container: string) => ({ type: "ContainerResource", containerResource: { name: "cpu", container, target: { type: "Utilization", averageUtilization: 80 } } });

  it("the app container at 40% of an 80% target halves the replicas; its status names the container", () => {
    const d = decide(hpa([containerTarget("app")]), scale, [twoContainers(0), twoContainers(1)], usage, emptyMemory, now);
    expect([d.desiredReplicas, d.rescaleReason]).toEqual([1, "All metrics below target"]);
    expect(d.currentMetrics).toEqual([{ type: "ContainerResource", containerResource: { name: "cpu", container: "app", current: { averageValue: "40m", averageUtilization: 40 } } }]);
  });

  it("the same pods by a Resource metric: the sidecar counts (340m of 200m, 170%), so they scale up", () => {
    const d = decide(hpa([{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }]), scale, [twoContainers(0), twoContainers(1)], usage, emptyMemory, now);
    expect(d.desiredReplicas).toBe(4);
    expect(d.currentMetrics).toEqual([{ type: "Resource", resource: { name: "cpu", current: { averageValue: "340m", averageUtilization: 170 } } }]);
  });

  it("a container the pods' metrics lack is FailedGetContainerResourceMetric, with the metrics client's error", () => {
    const d = decide(hpa([containerTarget("nope")]), scale, [twoContainers(0), twoContainers(1)], usage, emptyMemory, now);
    const error = "failed to get cpu utilization: unable to get metrics for resource cpu: container nope not present in metrics for pod default/web-0";
    expect(d.events[0]).toEqual({ type: "Warning", reason: "FailedGetContainerResourceMetric", message: error });
    expect(d.conditions.find((c) => c.type === "ScalingActive")).toEqual({ type: "ScalingActive", status: "False", reason: "FailedGetContainerResourceMetric", message: `the HPA was unable to compute the replica count: ${error}` });
  });
});
