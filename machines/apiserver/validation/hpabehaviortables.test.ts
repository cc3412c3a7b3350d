// pkg/apis/autoscaling/validation/validation_test.go (the v1.3x copy with HPAConfigurableTolerance):
// TestValidateBehavior, TestValidateHorizontalPodAutoscalerScaleToZeroDisabled,
// TestValidateHorizontalPodAutoscalerScaleToZeroUpdateDisabled and the rows of
// TestValidateHorizontalPodAutoscalerConfigurableToleranceEnabled that hold in v1.35 (the gate is beta, on).
// Every HPA is prepareHPAWithBehavior's (or prepareMinReplicasCases'); the Go test checks that the first
// error's text contains the row's message (and, for the tolerance rows, that there is exactly one error).
import { describe, expect, it } from "vitest";
import { fieldErrorMessage } from "../status.js";
import { validateHorizontalPodAutoscaler, validateHorizontalPodAutoscalerUpdate } from "./autoscaling.js";

type Rules = Record<string, unknown>;
const withBehavior = (behavior: object) => ({
  metadata: { name: "myautoscaler", namespace: "default", resourceVersion: "1" },
  spec: {
    scaleTargetRef: { kind: "ReplicationController", name: "myrc" }, minReplicas: 1, maxReplicas: 5,
    metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
    behavior,
  },
});
const errs = (o: object) => validateHorizontalPodAutoscaler(o).map(fieldErrorMessage);
const simplePolicies = [{ type: "Percent", value: 10, periodSeconds: 1 }, { type: "Pods", value: 1, periodSeconds: 1800 }];
const four = [{ type: "Pods", value: 1, periodSeconds: 2 }, { type: "Percent", value: 3, periodSeconds: 4 }, { type: "Pods", value: 5, periodSeconds: 6 }, { type: "Percent", value: 7, periodSeconds: 8 }];

describe("TestValidateBehavior", () => {
  it.each([
    ["no scaleUp and no scaleDown", {}],
    ["scaleUp Min over an hour, scaleDown Disabled with no window", {
      scaleUp: { stabilizationWindowSeconds: 3600, selectPolicy: "Min", policies: simplePolicies },
      scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: "Disabled", policies: simplePolicies },
    }],
    ["four policies each way, Max", {
      scaleUp: { stabilizationWindowSeconds: 120, selectPolicy: "Max", policies: four },
      scaleDown: { stabilizationWindowSeconds: 120, selectPolicy: "Max", policies: four },
    }],
  ])("%s is valid", (_n, b) => expect(errs(withBehavior(b))).toEqual([]));

  const directions = ["scaleUp", "scaleDown"] as const;
  const rows = (d: string): [string, Rules, string][] => [
    ["no policies", { selectPolicy: "Min" }, `spec.behavior.${d}.policies: Required value: must specify at least one Policy`],
    ["a window of 3601 s", { stabilizationWindowSeconds: 3601, selectPolicy: "Min", policies: simplePolicies }, `spec.behavior.${d}.stabilizationWindowSeconds: Invalid value: 3601: must be less than or equal to 3600`],
    ["a period of 1801 s", { policies: [{ type: d === "scaleUp" ? "Pods" : "Percent", value: 7, periodSeconds: 1801 }] }, `spec.behavior.${d}.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800`],
    ["an incorrect selectPolicy", { selectPolicy: "incorrect", policies: [{ type: "Pods", value: 7, periodSeconds: 8 }] }, `spec.behavior.${d}.selectPolicy: Unsupported value: "incorrect": supported values: "Disabled", "Max", "Min"`],
    ["a policy type hm", { policies: [{ type: "hm", value: 7, periodSeconds: 8 }] }, `spec.behavior.${d}.policies[0].type: Unsupported value: "hm": supported values: "Percent", "Pods"`],
    ["no periodSeconds", { policies: [{ type: "Pods", value: 8 }] }, `spec.behavior.${d}.policies[0].periodSeconds: Invalid value: 0: must be greater than zero`],
    ["no value", { policies: [{ type: "Pods", periodSeconds: 8 }] }, `spec.behavior.${d}.policies[0].value: Invalid value: 0: must be greater than zero`],
    ["periodSeconds -1", { policies: [{ type: "Pods", periodSeconds: -1, value: 1 }] }, `spec.behavior.${d}.policies[0].periodSeconds: Invalid value: -1: must be greater than zero`],
    ["value -1", { policies: [{ type: "Pods", periodSeconds: 1, value: -1 }] }, `spec.behavior.${d}.policies[0].value: Invalid value: -1: must be greater than zero`],
  ];
  for (const d of directions) {
    it.each(rows(d))(`${d}: %s`, (_n, rules, msg) => {
      const got = errs(withBehavior({ [d]: rules }));
      expect(got.length).toBeGreaterThan(0);
      expect(got[0]).toContain(msg);
    });
  }
});

// TestValidateHorizontalPodAutoscaler's success cases that autoscalingtables.test.ts does not hold.
describe("TestValidateHorizontalPodAutoscaler (the remaining success cases)", () => {
  const base = (spec: object) => ({ metadata: { name: "myautoscaler", namespace: "default" }, spec: { scaleTargetRef: { kind: "ReplicationController", name: "myrc" }, minReplicas: 1, maxReplicas: 5, ...spec } });
  it.each([
    ["a cpu Utilization target", base({ metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }] })],
    ["no metrics", base({})],
    ["a cpu AverageValue target", base({ metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "AverageValue", averageValue: "300m" } } }] })],
    ["a ContainerResource AverageValue target", base({ metrics: [{ type: "ContainerResource", containerResource: { name: "cpu", container: "test-container", target: { type: "AverageValue", averageValue: "300m" } } }] })],
  ])("%s is valid", (_n, o) => expect(errs(o)).toEqual([]));
});

// prepareMinReplicasCases: an Object metric with a value, an External metric with an average value.
const minReplicasCases = (minReplicas: number) => [
  { type: "Object", object: { describedObject: { kind: "ReplicationController", name: "myrc" }, metric: { name: "somemetric" }, target: { type: "Value", value: "300m" } } },
  { type: "External", external: { metric: { name: "somemetric", selector: { matchLabels: { label: "value" } } }, target: { type: "AverageValue", averageValue: "300m" } } },
].map((metric) => ({
  metadata: { name: "myautoscaler", namespace: "default", resourceVersion: "theversion" },
  spec: { scaleTargetRef: { kind: "ReplicationController", name: "myrc" }, minReplicas, maxReplicas: 5, metrics: [metric] },
}));

// HPAScaleToZero is alpha and off in v1.35.
describe("TestValidateHorizontalPodAutoscalerScaleToZeroDisabled", () => {
  it.each(minReplicasCases(0).map((h, i) => [i, h] as const))("case %i: minReplicas 0 is refused on create", (_i, h) => {
    expect(errs(h)[0]).toContain("must be greater than or equal to 1");
  });
  it.each(minReplicasCases(1).map((h, i) => [i, h] as const))("case %i: minReplicas 1 is valid", (_i, h) => expect(errs(h)).toEqual([]));
});

describe("TestValidateHorizontalPodAutoscalerScaleToZeroUpdateDisabled", () => {
  const zero = minReplicasCases(0);
  const one = minReplicasCases(1);
  const update = (n: object, o: object) => validateHorizontalPodAutoscalerUpdate(n, o).map(fieldErrorMessage);
  it.each([0, 1])("case %i: 1 → 0 is refused", (i) => expect(update(zero[i]!, one[i]!)[0]).toContain("must be greater than or equal to 1"));
  it.each([0, 1])("case %i: 0 → 0 is kept", (i) => expect(update(zero[i]!, zero[i]!)).toEqual([]));
  it.each([0, 1])("case %i: 0 → 1 is valid", (i) => expect(update(one[i]!, zero[i]!)).toEqual([]));
});

describe("TestValidateHorizontalPodAutoscalerConfigurableToleranceEnabled", () => {
  const policies = [{ type: "Pods", value: 1, periodSeconds: 1800 }];
  it.each([["0.1"], ["10"], ["0"], ["100m"], ["1m"], [undefined]])("a scaleDown tolerance of %s is valid", (tolerance) => {
    expect(errs(withBehavior({ scaleDown: { policies, ...(tolerance === undefined ? {} : { tolerance }) } }))).toEqual([]);
  });
  it.each([
    ["empty rules", {}],
    ["a window and no policies", { stabilizationWindowSeconds: 60 }],
    ["a tolerance, a window and no policies", { tolerance: "1m", stabilizationWindowSeconds: 60 }],
  ])("scaleUp with %s: exactly one error, at least one Policy", (_n, rule) => {
    const got = errs(withBehavior({ scaleUp: rule }));
    expect(got).toHaveLength(1);
    expect(got[0]).toContain("at least one Policy");
  });
  it("an update that adds or drops a tolerance is valid (TestValidateHorizontalPodAutoscalerUpdateConfigurableToleranceEnabled)", () => {
    const withTol = withBehavior({ scaleUp: { policies, tolerance: "10m" } });
    const without = withBehavior({ scaleUp: { policies } });
    expect(validateHorizontalPodAutoscalerUpdate(withTol, without)).toEqual([]);
    expect(validateHorizontalPodAutoscalerUpdate(without, withTol)).toEqual([]);
  });
});
