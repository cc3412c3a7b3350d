// autoscaling/v2 HorizontalPodAutoscaler validation, ported in meaning from
// pkg/apis/autoscaling/validation/validation.go (ValidateHorizontalPodAutoscaler,
// validateHorizontalPodAutoscalerSpec, ValidateCrossVersionObjectReference, validateMetrics,
// validateBehavior), for the Resource metrics and behavior podflow serves.

import { invalidValue, notSupported, required, type FieldError } from "../status.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { isValidPathSegmentName, nameIsDNSSubdomain } from "./names.js";

type Obj = any;

const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const metricTypes = ["ContainerResource", "External", "Object", "Pods", "Resource"];
const targetTypes = ["AverageValue", "Utilization", "Value"];

/** ValidateCrossVersionObjectReference: kind and name required and valid path segments. */
function validateScaleTargetRef(ref: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!ref?.kind) errs.push(required(`${path}.kind`));
  else for (const msg of isValidPathSegmentName(ref.kind)) errs.push(invalidValue(`${path}.kind`, ref.kind, msg));
  if (!ref?.name) errs.push(required(`${path}.name`));
  else for (const msg of isValidPathSegmentName(ref.name)) errs.push(invalidValue(`${path}.name`, ref.name, msg));
  return errs;
}

function validateMetricTarget(t: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!t?.type) return [required(`${path}.type`, "must specify a metric target type")];
  if (!targetTypes.includes(t.type)) errs.push(notSupported(`${path}.type`, t.type, targetTypes));
  if (t.averageUtilization != null && t.averageUtilization < 1) errs.push(invalidValue(`${path}.averageUtilization`, t.averageUtilization, "must be greater than 0"));
  return errs;
}

function validateMetric(m: Obj, path: string): FieldError[] {
  if (!m?.type) return [required(`${path}.type`, "must specify a metric source type")];
  if (!metricTypes.includes(m.type)) return [notSupported(`${path}.type`, m.type, metricTypes)];
  if (m.type !== "Resource") return [];
  const r = m.resource;
  if (!r) return [required(`${path}.resource`, "must populate information for the given metric source")];
  const errs: FieldError[] = [];
  if (!r.name) errs.push(required(`${path}.resource.name`, "must specify a resource name"));
  errs.push(...validateMetricTarget(r.target, `${path}.resource.target`));
  return errs;
}

function validateScalingRules(rules: Obj, path: string): FieldError[] {
  if (rules == null) return [];
  const errs: FieldError[] = [];
  const w = rules.stabilizationWindowSeconds;
  if (w != null) {
    if (w < 0) errs.push(invalidValue(`${path}.stabilizationWindowSeconds`, w, "must be greater than or equal to zero"));
    if (w > MAX_STABILIZATION_WINDOW_SECONDS) errs.push(invalidValue(`${path}.stabilizationWindowSeconds`, w, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  }
  if (rules.selectPolicy != null && !["Max", "Min", "Disabled"].includes(rules.selectPolicy)) errs.push(notSupported(`${path}.selectPolicy`, rules.selectPolicy, ["Disabled", "Max", "Min"]));
  const policies: Obj[] = rules.policies ?? [];
  if (policies.length === 0) errs.push(required(`${path}.policies`, "must specify at least one Policy"));
  policies.forEach((p, i) => {
    const at = `${path}.policies[${i}]`;
    if (p?.type !== "Pods" && p?.type !== "Percent") errs.push(notSupported(`${at}.type`, p?.type ?? "", ["Percent", "Pods"]));
    if (!(p?.value > 0)) errs.push(invalidValue(`${at}.value`, p?.value ?? 0, "must be greater than zero"));
    if (!(p?.periodSeconds > 0)) errs.push(invalidValue(`${at}.periodSeconds`, p?.periodSeconds ?? 0, "must be greater than zero"));
    else if (p.periodSeconds > MAX_PERIOD_SECONDS) errs.push(invalidValue(`${at}.periodSeconds`, p.periodSeconds, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
  return errs;
}

function validateSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const min = spec?.minReplicas;
  const max = spec?.maxReplicas ?? 0;
  // minReplicas 0 needs the HPAScaleToZero alpha gate, off by default
  if (min != null && min < 1) errs.push(invalidValue("spec.minReplicas", min, "must be greater than or equal to 1"));
  if (max < 1) errs.push(invalidValue("spec.maxReplicas", max, "must be greater than 0"));
  if (min != null && max < min) errs.push(invalidValue("spec.maxReplicas", max, "must be greater than or equal to `minReplicas`"));
  errs.push(...validateScaleTargetRef(spec?.scaleTargetRef, "spec.scaleTargetRef"));
  (spec?.metrics ?? []).forEach((m: Obj, i: number) => errs.push(...validateMetric(m, `spec.metrics[${i}]`)));
  if (spec?.behavior) {
    errs.push(...validateScalingRules(spec.behavior.scaleUp, "spec.behavior.scaleUp"));
    errs.push(...validateScalingRules(spec.behavior.scaleDown, "spec.behavior.scaleDown"));
  }
  return errs;
}

/** ValidateHorizontalPodAutoscaler. */
export function validateHorizontalPodAutoscaler(hpa: Obj): FieldError[] {
  return [...validateObjectMeta(hpa.metadata ?? {}, true, nameIsDNSSubdomain, "metadata"), ...validateSpec(hpa.spec ?? {})];
}

/** ValidateHorizontalPodAutoscalerUpdate: the object's checks and metadata's update rules. */
export function validateHorizontalPodAutoscalerUpdate(hpa: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(hpa.metadata ?? {}, old.metadata ?? {}, "metadata"), ...validateSpec(hpa.spec ?? {})];
}
