// autoscaling/v2 HorizontalPodAutoscaler: SetDefaults_HorizontalPodAutoscaler and
// SetDefaults_HorizontalPodAutoscalerBehavior (pkg/apis/autoscaling/v2/defaults.go).

import { mutant } from "../../common/mutation.js";

type Obj = any;

/** autoscaling.DefaultCPUUtilization: the target when no metric is given. */
export const DEFAULT_CPU_UTILIZATION = 80;

/** GenerateHPAScaleUpRules: stabilization 0, Max of 100% or 4 pods per 15 s, the given fields kept. */
export function scaleUpRules(r: Obj | undefined): Obj {
  const out: Obj = { ...(r ?? {}) };
  if (!out.policies || out.policies.length === 0) out.policies = [{ type: "Pods", value: 4, periodSeconds: 15 }, { type: "Percent", value: 100, periodSeconds: 15 }];
  out.selectPolicy ??= "Max";
  out.stabilizationWindowSeconds ??= 0;
  return out;
}

/** GenerateHPAScaleDownRules: Max of 100% per 15 s; the stabilization window stays unset (the controller's 300 s applies). */
export function scaleDownRules(r: Obj | undefined): Obj {
  const out: Obj = { ...(r ?? {}) };
  if (!out.policies || out.policies.length === 0) out.policies = [{ type: "Percent", value: 100, periodSeconds: 15 }];
  out.selectPolicy ??= "Max";
  if (mutant("defaults.hpa-scale-down-window-zero")) out.stabilizationWindowSeconds ??= 0;
  return out;
}

/** SetDefaults_HorizontalPodAutoscaler: minReplicas 1, a CPU target of 80% when no metric is given, behavior's unset rules filled when behavior is set. */
export function defaultHorizontalPodAutoscaler(hpa: Obj): void {
  const spec = (hpa.spec ??= {});
  spec.minReplicas ??= 1;
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    spec.metrics = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  if (spec.behavior != null && typeof spec.behavior === "object") {
    spec.behavior = { ...spec.behavior, scaleUp: scaleUpRules(spec.behavior.scaleUp), scaleDown: scaleDownRules(spec.behavior.scaleDown) };
  }
}
