// autoscaling/v2 HorizontalPodAutoscaler validation, ported in meaning from
// pkg/apis/autoscaling/validation/validation.go (ValidateHorizontalPodAutoscaler,
// validateHorizontalPodAutoscalerSpec, ValidateCrossVersionObjectReference, validateMetrics,
// validateMetricSpec and each source's checks, validateBehavior).

import { forbiddenField, invalidValue, notSupported, required, type FieldError } from "../status.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { isDNS1123Label, isValidPathSegmentName, nameIsDNSSubdomain } from "./names.js";
import { parseGoQuantity, quantityString } from "./quantity.js";
import { validateContainerResourceName } from "./resources.js";
import { mutant } from "../../common/mutation.js";

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

// validateMetricTarget: a known type (an unknown or missing one is Invalid, after Required when
// missing), positive value and averageValue, an averageUtilization of at least 1.
function validateMetricTarget(t: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = typeof t?.type === "string" ? t.type : "";
  if (type === "") errs.push(required(`${path}.type`, "must specify a metric target type"));
  if (!targetTypes.includes(type)) errs.push(invalidValue(`${path}.type`, type, "must be either Utilization, Value, or AverageValue"));
  for (const f of ["value", "averageValue"]) {
    if (t?.[f] == null) continue;
    const q = parseGoQuantity(t[f]);
    if (q !== undefined && q.n <= 0n) errs.push(invalidValue(`${path}.${f}`, quantityString(q), "must be positive"));
  }
  if (t?.averageUtilization != null && t.averageUtilization < 1) errs.push(invalidValue(`${path}.averageUtilization`, t.averageUtilization, "must be greater than 0"));
  return errs;
}

// validateMetricIdentifier: a metric name that is a valid path segment.
function validateMetricIdentifier(id: Obj, path: string): FieldError[] {
  const name = typeof id?.name === "string" ? id.name : "";
  if (name === "") return [required(`${path}.name`, "must specify a metric name")];
  return isValidPathSegmentName(name).map((m) => invalidValue(`${path}.name`, name, m));
}

// The target checks each source adds after validateMetricTarget.
function utilizationOrValue(t: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (t?.averageUtilization == null && t?.averageValue == null) errs.push(required(`${path}.averageUtilization`, "must set either a target raw value or a target utilization"));
  if (t?.averageUtilization != null && t?.averageValue != null) errs.push(forbiddenField(`${path}.averageValue`, "may not set both a target raw value and a target utilization"));
  return errs;
}

const sourceValidators: Record<string, (src: Obj, path: string) => FieldError[]> = {
  object: (src, path) => {
    const errs = [...validateScaleTargetRef(src.describedObject, `${path}.describedObject`), ...validateMetricIdentifier(src.metric, `${path}.metric`), ...validateMetricTarget(src.target, `${path}.target`)];
    if (src.target?.value == null && src.target?.averageValue == null) errs.push(required(`${path}.target.averageValue`, "must set either a target value or averageValue"));
    return errs;
  },
  external: (src, path) => {
    const errs = [...validateMetricIdentifier(src.metric, `${path}.metric`), ...validateMetricTarget(src.target, `${path}.target`)];
    if (src.target?.value == null && src.target?.averageValue == null) errs.push(required(`${path}.target.averageValue`, "must set either a target value for metric or a per-pod target"));
    if (src.target?.value != null && src.target?.averageValue != null) errs.push(forbiddenField(`${path}.target.value`, "may not set both a target value for metric and a per-pod target"));
    return errs;
  },
  pods: (src, path) => {
    const errs = [...validateMetricIdentifier(src.metric, `${path}.metric`), ...validateMetricTarget(src.target, `${path}.target`)];
    if (src.target?.averageValue == null) errs.push(required(`${path}.target.averageValue`, "must specify a positive target averageValue"));
    return errs;
  },
  resource: (src, path) => {
    const errs: FieldError[] = [];
    if (!src.name) errs.push(required(`${path}.name`, "must specify a resource name"));
    return [...errs, ...validateMetricTarget(src.target, `${path}.target`), ...utilizationOrValue(src.target, `${path}.target`)];
  },
  containerResource: (src, path) => {
    const errs: FieldError[] = [];
    if (!src.name) errs.push(required(`${path}.name`, "must specify a resource name"));
    else errs.push(...validateContainerResourceName(src.name, `${path}.name`));
    if (!src.container) errs.push(required(`${path}.container`, "must specify a container"));
    else errs.push(...isDNS1123Label(src.container).map((m) => invalidValue(`${path}.container`, src.container, m)));
    return [...errs, ...validateMetricTarget(src.target, `${path}.target`), ...utilizationOrValue(src.target, `${path}.target`)];
  },
};
// The order validateMetricSpec looks at the sources in, and the type each belongs to.
const sourceFields: [string, string][] = [["object", "Object"], ["external", "External"], ["pods", "Pods"], ["resource", "Resource"], ["containerResource", "ContainerResource"]];

// validateMetricSpec: a known type, only the first source present validated, the type's own source
// required, any other source present forbidden. An unknown type is reported twice, as Kubernetes does.
function validateMetric(m: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = typeof m?.type === "string" ? m.type : "";
  if (type === "") errs.push(required(`${path}.type`, "must specify a metric source type"));
  if (!metricTypes.includes(type)) errs.push(notSupported(`${path}.type`, type, metricTypes));
  const present: string[] = [];
  for (const [f] of sourceFields) {
    if (m?.[f] == null) continue;
    present.push(f);
    if (present.length === 1) errs.push(...sourceValidators[f]!(m[f], `${path}.${f}`));
  }
  const expected = sourceFields.find(([, t]) => t === type)?.[0];
  if (expected === undefined) errs.push(notSupported(`${path}.type`, type, metricTypes));
  else if (m[expected] == null) errs.push(required(`${path}.${expected}`, "must populate information for the given metric source"));
  if (present.length !== 1) for (const f of present) if (f !== expected) errs.push(forbiddenField(`${path}.${f}`, "must populate the given metric source only"));
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

// lowerBound: 1, or 0 when the stored HPA already has minReplicas 0 (HPAScaleToZero, an alpha gate, is off).
function validateSpec(spec: Obj, lowerBound = 1): FieldError[] {
  const errs: FieldError[] = [];
  const min = spec?.minReplicas;
  const max = spec?.maxReplicas ?? 0;
  if (min != null && min < lowerBound) errs.push(invalidValue("spec.minReplicas", min, `must be greater than or equal to ${lowerBound}`));
  if (max < 1) errs.push(invalidValue("spec.maxReplicas", max, "must be greater than 0"));
  if (min != null && max < min && !mutant("validation.hpa-max-below-min-accepted")) errs.push(invalidValue("spec.maxReplicas", max, "must be greater than or equal to `minReplicas`"));
  errs.push(...validateScaleTargetRef(spec?.scaleTargetRef, "spec.scaleTargetRef"));
  const metrics: Obj[] = Array.isArray(spec?.metrics) ? spec.metrics : [];
  metrics.forEach((m, i) => errs.push(...validateMetric(m, `spec.metrics[${i}]`)));
  if (min === 0 && !metrics.some((m) => m?.type === "Object" || m?.type === "External")) {
    errs.push(forbiddenField("spec.metrics", "must specify at least one Object or External metric to support scaling to zero replicas"));
  }
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
  return [...validateObjectMetaUpdate(hpa.metadata ?? {}, old.metadata ?? {}, "metadata"), ...validateSpec(hpa.spec ?? {}, old.spec?.minReplicas === 0 ? 0 : 1)];
}
