// Rows of pkg/controller/podautoscaler/replica_calculator_test.go (TestReplicaCalc*) and the
// normalization rules of horizontal.go, with their expected replicas and utilizations.

import { describe, it, expect } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { convertDesiredReplicasWithRules, normalizeDesiredReplicas, normalizeWithBehaviors, resourceReplicas, scaleUpLimit, type PodMetric } from "./replica.logic.js";
import { rfc3339 } from "../common/time.js";

const now = 1_000_000_000;
const started = now - 10 * 60_000; // out of the CPU initialization period, as the test's pods

function pod(i: number, requestMilli: number, ready = true): Pod {
  return {
    metadata: { name: `test-pod-${i}`, namespace: "test-namespace" },
    spec: { containers: [{ name: "c", image: "x", resources: { requests: { cpu: `${requestMilli}m` } } }] },
    status: { phase: "Running", startTime: rfc3339(started), conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: rfc3339(started) }] },
  };
}

function metrics(levels: number[]): Map<string, PodMetric> {
  return new Map(levels.map((v, i) => [`test-pod-${i}`, { value: v, timestamp: now - 30_000, windowMs: 60_000 }]));
}

describe("GetResourceReplicas (replica_calculator_test.go)", () => {
  const rows: { name: string; current: number; target: number; levels: number[]; requests: number[]; ready?: boolean[]; want: { replicas: number; utilization: number; rawAverage: number } }[] = [
    { name: "TestReplicaCalcScaleUp: 50% against a 30% target takes 3 pods to 5", current: 3, target: 30, levels: [300, 500, 700], requests: [1000, 1000, 1000], want: { replicas: 5, utilization: 50, rawAverage: 500 } },
    { name: "TestReplicaCalcScaleUpUnreadyLessScale: an unready pod counts as 0% on a scale-up, so 4 not 6", current: 3, target: 30, levels: [300, 500, 700], requests: [1000, 1000, 1000], ready: [false, true, true], want: { replicas: 4, utilization: 60, rawAverage: 600 } },
    { name: "TestReplicaCalcScaleDown: 28% against 50% takes 5 pods to 3", current: 5, target: 50, levels: [100, 300, 500, 250, 250], requests: [1000, 1000, 1000, 1000, 1000], want: { replicas: 3, utilization: 28, rawAverage: 280 } },
    { name: "TestReplicaCalcTolerance: 102% against 100% is within the 0.1 tolerance", current: 3, target: 100, levels: [1010, 1030, 1020], requests: [900, 1100, 1000], want: { replicas: 3, utilization: 102, rawAverage: 1020 } },
    { name: "TestReplicaCalcMissingMetricsNoChangeEq: a pod without metrics and a ratio of exactly 1 change nothing", current: 2, target: 100, levels: [1000], requests: [1000, 1000], want: { replicas: 2, utilization: 100, rawAverage: 1000 } },
    { name: "TestReplicaCalcMissingMetricsNoChangeGt: on a scale-up a pod without metrics counts as using nothing, 190% becomes 95%, within tolerance", current: 2, target: 100, levels: [1900], requests: [1000, 1000], want: { replicas: 2, utilization: 190, rawAverage: 1900 } },
    { name: "TestReplicaCalcMissingMetricsNoChangeLt: on a scale-down a pod without metrics counts as using its whole request, 60% becomes 80%, and the direction flips: no change", current: 2, target: 100, levels: [600], requests: [1000, 1000], want: { replicas: 2, utilization: 60, rawAverage: 600 } },
    { name: "TestReplicaCalcMissingMetricsUnreadyScaleUp: the unready pod and the pod without metrics both count as 0% on a scale-up, so 4", current: 3, target: 50, levels: [100, 2000], requests: [1000, 1000, 1000], ready: [false, true, true], want: { replicas: 4, utilization: 200, rawAverage: 2000 } },
    { name: "TestReplicaCalcMissingMetricsUnreadyScaleDown: the pod without metrics counts as its whole request on a scale-down, the unready one is left out: 4 to 3", current: 4, target: 50, levels: [100, 100, 100], requests: [1000, 1000, 1000, 1000], ready: [false, true, true, true], want: { replicas: 3, utilization: 10, rawAverage: 100 } },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const pods = r.requests.map((req, i) => pod(i, req, r.ready?.[i] ?? true));
      const got = resourceReplicas(r.current, r.target, "cpu", pods, metrics(r.levels), now);
      expect(got).toMatchObject(r.want);
    });
  }
  it("no metrics at all is the metrics client's error", () => {
    expect(resourceReplicas(1, 50, "cpu", [pod(0, 200)], new Map(), now)).toEqual({ error: "unable to get metrics for resource cpu: no metrics returned from resource metrics API" });
  });
  it("a container without a CPU request names the container and the pod", () => {
    const p = pod(0, 200);
    p.spec!.containers[0]!.resources = {};
    expect(resourceReplicas(1, 50, "cpu", [p], metrics([100]), now)).toEqual({ error: "missing request for cpu in container c of Pod test-pod-0" });
  });
});

describe("normalization (horizontal.go)", () => {
  it("without behavior a scale-up is at most double, and at least to 4: 1 pod asking 10 gets 4 (ScaleUpLimit)", () => {
    expect(convertDesiredReplicasWithRules(1, 10, 1, 10)).toEqual({ replicas: 4, reason: "ScaleUpLimit", message: "the desired replica count is increasing faster than the maximum scale rate" });
    expect(convertDesiredReplicasWithRules(6, 12, 1, 10)).toEqual({ replicas: 10, reason: "TooManyReplicas", message: "the desired replica count is more than the maximum replica count" });
    expect(convertDesiredReplicasWithRules(3, 0, 2, 10)).toEqual({ replicas: 2, reason: "TooFewReplicas", message: "the desired replica count is less than the minimum replica count" });
  });
  it("a scale-down waits for the highest recommendation of the last 300 s (ScaleDownStabilized), then follows", () => {
    const first = normalizeDesiredReplicas([], 6, 6, 1, 10, 0, 300_000);
    const during = normalizeDesiredReplicas(first.history, 6, 1, 1, 10, 200_000, 300_000);
    expect([during.replicas, during.ableToScale.reason]).toEqual([6, "ScaleDownStabilized"]);
    const after = normalizeDesiredReplicas(during.history, 6, 1, 1, 10, 301_000, 300_000);
    expect([after.replicas, after.ableToScale.reason]).toEqual([1, "ReadyForNewScale"]);
  });
  it("behavior's default scale-up policies: Max of +4 pods and +100% per 15 s, counting what was added in the period", () => {
    const rules = { selectPolicy: "Max", policies: [{ type: "Pods", value: 4, periodSeconds: 15 }, { type: "Percent", value: 100, periodSeconds: 15 }] };
    expect(scaleUpLimit(2, [], rules, now)).toBe(6);
    expect(scaleUpLimit(10, [], rules, now)).toBe(20);
    expect(scaleUpLimit(6, [{ change: 4, at: now - 5_000, outdated: false }], rules, now), "4 of the 6 were added 5 s ago: the period started at 2").toBe(6);
  });
  it("a Percent scale-up policy rounds its limit up, so a small target can always grow (calculateScaleUpLimitWithScalingRules' math.Ceil)", () => {
    const rules = { selectPolicy: "Max", policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] };
    expect(scaleUpLimit(1, [], rules, now), "1 * 1.5 rounds up to 2").toBe(2);
    expect(scaleUpLimit(3, [], rules, now), "3 * 1.5 rounds up to 5").toBe(5);
  });
  it("behavior with a 60 s scale-down window holds a scale-down, then a Pods policy of 1 per 60 s limits it (ScaleDownLimit)", () => {
    const behavior = { scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] }, scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: "Max", policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] } };
    const a = normalizeWithBehaviors([{ replicas: 5, at: now - 30_000 }], [], [], behavior, 5, 2, 1, 10, now, 300_000);
    expect([a.replicas, a.ableToScale.reason]).toEqual([5, "ScaleDownStabilized"]);
    const b = normalizeWithBehaviors([{ replicas: 5, at: now - 90_000 }], [], [], behavior, 5, 2, 1, 10, now, 300_000);
    expect([b.replicas, b.limited.reason]).toEqual([4, "ScaleDownLimit"]);
  });
});
