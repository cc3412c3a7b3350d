// Deployment and ReplicaSet validation, ported in meaning from pkg/apis/apps/validation/validation.go.

import { forbiddenField, goValue, invalidValue, notSupported, required, type FieldError } from "../status.js";
import { marshalled, validateImmutable, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { isValidPercent, nameIsDNSSubdomain } from "./names.js";
import { validatePodTemplateSpec } from "./pod.js";
import { labelSelectorJSON, selectorConverts, selectorIsEmpty, selectorMatches, validateLabelSelector } from "./selector.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

// An IntOrString prints through its MarshalJSON: a number, or a quoted string.
export function intOrStringValue(v: unknown): unknown {
  return v ?? 0;
}

/** ValidatePositiveIntOrPercent: a non-negative integer or a "N%" string. */
export function validatePositiveIntOrPercent(v: unknown, path: string): FieldError[] {
  // Conversion turns an unset *IntOrString into the internal zero value, the integer 0.
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return isValidPercent(v).map((m) => invalidValue(path, intOrStringValue(v), m));
  if (typeof v === "number") return validateNonnegative(v, path);
  return [invalidValue(path, intOrStringValue(v), "must be an integer or percentage (e.g '5%')")];
}

// getIntOrPercentValue: the number, or the digits before '%'.
export function intOrPercent(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const n = Number.parseInt(v.replace(/%$/, ""), 10);
    return Number.isNaN(n) ? 0 : n;
  }
  return 0;
}

/** IsNotMoreThan100Percent: a valid percentage is at most 100%. */
export function isNotMoreThan100Percent(v: unknown, path: string): FieldError[] {
  if (typeof v !== "string" || !v.endsWith("%") || isValidPercent(v).length > 0) return [];
  return intOrPercent(v) > 100 ? [invalidValue(path, intOrStringValue(v), "must not be greater than 100%")] : [];
}

/** ValidateRollingUpdateDeployment: valid maxUnavailable/maxSurge, not both zero, maxUnavailable <= 100%. */
export function validateRollingUpdateDeployment(ru: Obj, path: string): FieldError[] {
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, `${path}.maxUnavailable`),
    ...validatePositiveIntOrPercent(ru.maxSurge, `${path}.maxSurge`),
  ];
  if (intOrPercent(ru.maxUnavailable) === 0 && intOrPercent(ru.maxSurge) === 0) {
    errs.push(invalidValue(`${path}.maxUnavailable`, intOrStringValue(ru.maxUnavailable), "may not be 0 when `maxSurge` is 0"));
  }
  errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${path}.maxUnavailable`));
  return errs;
}

// The internal apps.DeploymentStrategy has no json tags: json.Marshal prints its Go field names.
export function strategyJSON(s: Obj): string {
  const ru = s.rollingUpdate ? `{"MaxUnavailable":${JSON.stringify(s.rollingUpdate.maxUnavailable ?? 0)},"MaxSurge":${JSON.stringify(s.rollingUpdate.maxSurge ?? 0)}}` : "null";
  return `{"Type":${JSON.stringify(s.type ?? "")},"RollingUpdate":${ru}}`;
}

/** ValidateDeploymentStrategy: Recreate without rollingUpdate, RollingUpdate with valid parameters. */
export function validateDeploymentStrategy(strategy: Obj, path: string): FieldError[] {
  const s = strategy ?? {};
  if (s.type === "Recreate") {
    return s.rollingUpdate ? [forbiddenField(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")] : [];
  }
  if (s.type === "RollingUpdate") {
    if (!s.rollingUpdate) return [required(`${path}.rollingUpdate`, "this should be defaulted and never be nil")];
    return validateRollingUpdateDeployment(s.rollingUpdate, `${path}.rollingUpdate`);
  }
  return [notSupported(path, goValue(strategyJSON(s)), ["Recreate", "RollingUpdate"])];
}

// ValidatePodTemplateSpecForReplicaSet: selector matches the template, restartPolicy Always, no activeDeadlineSeconds.
function validateTemplateForReplicaSet(template: Obj, selector: Obj, path: string): FieldError[] {
  if (!template) return [required(path, "")];
  const errs: FieldError[] = [];
  const labels = template.metadata?.labels;
  if (!selectorIsEmpty(selector) && !selectorMatches(selector, labels)) {
    errs.push(invalidValue(`${path}.metadata.labels`, marshalled(labels ?? null), "`selector` does not match template `labels`"));
  }
  errs.push(...validatePodTemplateSpec(template, path));
  const rp = template.spec?.restartPolicy;
  if (rp !== "Always") errs.push(notSupported(`${path}.spec.restartPolicy`, rp ?? "", ["Always"]));
  if (template.spec?.activeDeadlineSeconds !== undefined && template.spec?.activeDeadlineSeconds !== null) {
    errs.push(forbiddenField(`${path}.spec.activeDeadlineSeconds`, "activeDeadlineSeconds in ReplicaSet is not Supported"));
  }
  return errs;
}

// Selector presence and syntax; an empty selector is rejected with the text Kubernetes uses for both kinds.
function validateSelector(sel: Obj, path: string): FieldError[] {
  if (!sel) return [required(path, "")];
  const errs = validateLabelSelector(sel, path);
  if (selectorIsEmpty(sel)) errs.push(invalidValue(path, labelSelectorJSON(sel), "empty selector is invalid for deployment"));
  return errs;
}

// A selector LabelSelectorAsSelector refuses is "invalid label selector", and the template is then not judged.
function validateSelectedTemplate(spec: Obj, path: string): FieldError[] {
  if (!selectorConverts(spec.selector)) return [invalidValue(`${path}.selector`, labelSelectorJSON(spec.selector), "invalid label selector")];
  return validateTemplateForReplicaSet(spec.template, spec.selector, `${path}.template`);
}

/** ValidateDeploymentSpec. */
export function validateDeploymentSpec(spec: Obj, path = "spec"): FieldError[] {
  const s = spec ?? {};
  const errs = [...(mutant("apiserver.deployment-accepts-negative-replicas") ? [] : validateNonnegative(s.replicas ?? 0, `${path}.replicas`)), ...validateSelector(s.selector, `${path}.selector`)];
  errs.push(...validateSelectedTemplate(s, path));
  errs.push(...validateDeploymentStrategy(s.strategy, `${path}.strategy`));
  errs.push(...validateNonnegative(s.minReadySeconds ?? 0, `${path}.minReadySeconds`));
  if (s.revisionHistoryLimit !== undefined && s.revisionHistoryLimit !== null) errs.push(...validateNonnegative(s.revisionHistoryLimit, `${path}.revisionHistoryLimit`));
  if (s.progressDeadlineSeconds !== undefined && s.progressDeadlineSeconds !== null) {
    errs.push(...validateNonnegative(s.progressDeadlineSeconds, `${path}.progressDeadlineSeconds`));
    if (s.progressDeadlineSeconds <= (s.minReadySeconds ?? 0)) {
      errs.push(invalidValue(`${path}.progressDeadlineSeconds`, s.progressDeadlineSeconds, "must be greater than minReadySeconds"));
    }
  }
  return errs;
}

/** ValidateReplicaSetSpec. */
export function validateReplicaSetSpec(spec: Obj, path = "spec"): FieldError[] {
  const s = spec ?? {};
  const errs = [
    ...validateNonnegative(s.replicas ?? 0, `${path}.replicas`),
    ...validateNonnegative(s.minReadySeconds ?? 0, `${path}.minReadySeconds`),
    ...validateSelector(s.selector, `${path}.selector`),
  ];
  errs.push(...validateSelectedTemplate(s, path));
  return errs;
}

/** ValidateDeployment (create). */
export function validateDeployment(d: Obj): FieldError[] {
  return [...validateObjectMeta(d.metadata, true, nameIsDNSSubdomain), ...validateDeploymentSpec(d.spec)];
}

/** ValidateReplicaSet (create). */
export function validateReplicaSet(rs: Obj): FieldError[] {
  return [...validateObjectMeta(rs.metadata, true, nameIsDNSSubdomain), ...validateReplicaSetSpec(rs.spec)];
}

// apps/v1 makes spec.selector immutable.
function selectorImmutable(next: Obj, prev: Obj): FieldError[] {
  return validateImmutable(next.spec?.selector, prev.spec?.selector, "spec.selector", labelSelectorJSON(next.spec?.selector));
}

/** ValidateDeploymentUpdate: the metadata update and the new spec (what TestValidateDeploymentUpdate calls). */
export function validateDeploymentUpdate(d: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(d.metadata, old.metadata), ...validateDeploymentSpec(d.spec)];
}

/** The Deployment strategy's ValidateUpdate for apps/v1: ValidateDeploymentUpdate, then the immutable selector. */
export function validateDeploymentUpdateV1(d: Obj, old: Obj): FieldError[] {
  return [...validateDeploymentUpdate(d, old), ...selectorImmutable(d, old)];
}

/** ValidateReplicaSetUpdate: the metadata update and the new spec (what TestValidateReplicaSetUpdate calls). */
export function validateReplicaSetUpdate(rs: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(rs.metadata, old.metadata), ...validateReplicaSetSpec(rs.spec)];
}

/** The ReplicaSet strategy's ValidateUpdate for apps/v1: ValidateReplicaSetUpdate, then the immutable selector. */
export function validateReplicaSetUpdateV1(rs: Obj, old: Obj): FieldError[] {
  return [...validateReplicaSetUpdate(rs, old), ...selectorImmutable(rs, old)];
}

/** ValidateReplicaSetStatus: counts are non-negative and none exceeds what it counts from. */
export function validateReplicaSetStatus(status: Obj, path: string): FieldError[] {
  const s = status ?? {};
  const n = (k: string): number => (typeof s[k] === "number" ? s[k] : 0);
  const errs = [
    ...["replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration"].flatMap((k) => validateNonnegative(n(k), `${path}.${k}`)),
    ...(typeof s.terminatingReplicas === "number" ? validateNonnegative(s.terminatingReplicas, `${path}.terminatingReplicas`) : []),
  ];
  const msg = "cannot be greater than status.replicas";
  for (const k of ["fullyLabeledReplicas", "readyReplicas", "availableReplicas"]) if (n(k) > n("replicas")) errs.push(invalidValue(`${path}.${k}`, n(k), msg));
  if (n("availableReplicas") > n("readyReplicas")) errs.push(invalidValue(`${path}.availableReplicas`, n("availableReplicas"), "cannot be greater than readyReplicas"));
  return errs;
}

/** ValidateReplicaSetStatusUpdate (replicasets/status): metadata immutables and the new status. */
export function validateReplicaSetStatusUpdate(rs: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(rs.metadata, old.metadata), ...validateReplicaSetStatus(rs.status, "status")];
}

/** ValidateDeploymentStatus: counts are non-negative and none exceeds what it counts from. */
export function validateDeploymentStatus(status: Obj, path: string): FieldError[] {
  const s = status ?? {};
  const n = (k: string): number => (typeof s[k] === "number" ? s[k] : 0);
  const errs = ["observedGeneration", "replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"].flatMap((k) => validateNonnegative(n(k), `${path}.${k}`));
  for (const k of ["terminatingReplicas", "collisionCount"]) if (typeof s[k] === "number") errs.push(...validateNonnegative(s[k], `${path}.${k}`));
  const msg = "cannot be greater than status.replicas";
  for (const k of ["updatedReplicas", "readyReplicas", "availableReplicas"]) if (n(k) > n("replicas")) errs.push(invalidValue(`${path}.${k}`, n(k), msg));
  if (n("availableReplicas") > n("readyReplicas")) errs.push(invalidValue(`${path}.availableReplicas`, n("availableReplicas"), "cannot be greater than readyReplicas"));
  return errs;
}

/** ValidateDeploymentStatusUpdate (deployments/status): metadata immutables, the new status, and a collisionCount that never goes down. */
export function validateDeploymentStatusUpdate(d: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(d.metadata, old.metadata), ...validateDeploymentStatus(d.status, "status"), ...validateCollisionCountUpdate(d.status, old.status)];
}

/** apivalidation.IsDecremented on status.collisionCount: unset after being set, or smaller, is refused. */
export function validateCollisionCountUpdate(status: Obj, oldStatus: Obj): FieldError[] {
  const next = status?.collisionCount;
  const prev = oldStatus?.collisionCount;
  const has = (v: unknown) => v !== undefined && v !== null;
  return has(prev) && (!has(next) || next < prev) ? [invalidValue("status.collisionCount", has(next) ? next : 0, "cannot be decremented")] : [];
}
