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
