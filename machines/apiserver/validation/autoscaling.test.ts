// ValidateHorizontalPodAutoscaler rows (pkg/apis/autoscaling/validation/validation_test.go) and
// SetDefaults_HorizontalPodAutoscaler.

import { describe, it, expect } from "vitest";
import { validateHorizontalPodAutoscaler } from "./autoscaling.js";
import { defaultHorizontalPodAutoscaler } from "../admission/autoscaling.js";
import { fieldErrorMessage } from "../status.js";

const valid = () => ({
  apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "myautoscaler", namespace: "default" },
  spec: { scaleTargetRef: { kind: "ReplicationController", name: "myrc" }, minReplicas: 1, maxReplicas: 5, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }] },
});
const errs = (o: any) => validateHorizontalPodAutoscaler(o).map(fieldErrorMessage);

describe("ValidateHorizontalPodAutoscaler", () => {
  it("a valid HPA has no errors", () => expect(errs(valid())).toEqual([]));
  const rows: [string, (o: any) => void, string][] = [
    ["scaleTargetRef.kind is required", (o) => { o.spec.scaleTargetRef.kind = ""; }, "spec.scaleTargetRef.kind: Required value"],
    ["scaleTargetRef.kind may not contain '/'", (o) => { o.spec.scaleTargetRef.kind = "..foo"; o.spec.scaleTargetRef.kind = "foo/bar"; }, "spec.scaleTargetRef.kind: Invalid value: \"foo/bar\": may not contain '/'"],
    ["scaleTargetRef.name is required", (o) => { o.spec.scaleTargetRef.name = ""; }, "spec.scaleTargetRef.name: Required value"],
    ["minReplicas must be at least 1", (o) => { o.spec.minReplicas = -1; }, "spec.minReplicas: Invalid value: -1: must be greater than or equal to 1"],
    ["maxReplicas must not be below minReplicas", (o) => { o.spec.minReplicas = 7; }, "spec.maxReplicas: Invalid value: 5: must be greater than or equal to `minReplicas`"],
    ["a utilization target must be positive", (o) => { o.spec.metrics[0].resource.target.averageUtilization = -10; }, "spec.metrics[0].resource.target.averageUtilization: Invalid value: -10: must be greater than 0"],
    ["a stabilization window longer than an hour", (o) => { o.spec.behavior = { scaleUp: { stabilizationWindowSeconds: 3601, policies: [{ type: "Pods", value: 1, periodSeconds: 15 }] } }; }, "spec.behavior.scaleUp.stabilizationWindowSeconds: Invalid value: 3601: must be less than or equal to 3600"],
    ["a policy period longer than 30 minutes", (o) => { o.spec.behavior = { scaleDown: { policies: [{ type: "Percent", value: 10, periodSeconds: 1801 }] } }; }, "spec.behavior.scaleDown.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800"],
  ];
  for (const [name, mutate, want] of rows) {
    it(name, () => {
      const o = valid();
      mutate(o);
      expect(errs(o)).toContain(want);
    });
  }
});

describe("SetDefaults_HorizontalPodAutoscaler", () => {
  it("minReplicas 1 and a CPU target of 80% when nothing is given; behavior stays unset", () => {
    const o: any = { spec: { scaleTargetRef: { kind: "Deployment", name: "d" }, maxReplicas: 3 } };
    defaultHorizontalPodAutoscaler(o);
    expect(o.spec).toEqual({ scaleTargetRef: { kind: "Deployment", name: "d" }, maxReplicas: 3, minReplicas: 1, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }] });
  });
  it("a behavior given fills the unset rules: scale-up Max of 4 pods / 100% per 15 s with no window, scale-down 100% per 15 s", () => {
    const o: any = { spec: { maxReplicas: 3, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } } };
    defaultHorizontalPodAutoscaler(o);
    expect(o.spec.behavior).toEqual({
      scaleUp: { policies: [{ type: "Pods", value: 4, periodSeconds: 15 }, { type: "Percent", value: 100, periodSeconds: 15 }], selectPolicy: "Max", stabilizationWindowSeconds: 0 },
      scaleDown: { stabilizationWindowSeconds: 60, policies: [{ type: "Percent", value: 100, periodSeconds: 15 }], selectPolicy: "Max" },
    });
  });
  // GenerateHPAScaleDownRules leaves StabilizationWindowSeconds nil (defaultHPAScaleDownRules): the controller's
  // --horizontal-pod-autoscaler-downscale-stabilization (5 minutes) then applies
  it("a behavior without scaleDown gets scale-down rules with no stabilization window of their own", () => {
    const o: any = { spec: { maxReplicas: 3, behavior: { scaleUp: { stabilizationWindowSeconds: 30 } } } };
    defaultHorizontalPodAutoscaler(o);
    expect(o.spec.behavior.scaleDown).toEqual({ policies: [{ type: "Percent", value: 100, periodSeconds: 15 }], selectPolicy: "Max" });
  });
});
