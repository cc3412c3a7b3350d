// DaemonSet and ControllerRevision validation, ported in meaning from pkg/apis/apps/validation
// (ValidateDaemonSet, ValidateDaemonSetSpec, ValidateDaemonSetUpdateStrategy,
// ValidateRollingUpdateDaemonSet, ValidateControllerRevision) and the apps/v1 strategy's
// selector immutability (pkg/registry/apps/daemonset/strategy.go).

import { semanticEqual } from "../../common/equal.js";
import { templateGeneration } from "../admission/daemonset.js";
import { forbiddenField, goValue, invalidValue, notSupported, required, type FieldError } from "../status.js";
import { intOrPercent, intOrStringValue, isNotMoreThan100Percent, strategyJSON, validateCollisionCountUpdate, validatePositiveIntOrPercent } from "./apps.js";
import { marshalled, validateImmutable, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { nameIsDNSSubdomain } from "./names.js";
import { validatePodTemplateSpec } from "./pod.js";
import { labelSelectorJSON, selectorConverts, selectorIsEmpty, selectorMatches, validateLabelSelector } from "./selector.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;


/** ValidateRollingUpdateDaemonSet: valid ints or percentages, at most 100%, exactly one of maxUnavailable and maxSurge non-zero. */
export function validateRollingUpdateDaemonSet(ru: Obj, path: string): FieldError[] {
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, `${path}.maxUnavailable`),
    ...validatePositiveIntOrPercent(ru.maxSurge, `${path}.maxSurge`),
    ...isNotMoreThan100Percent(ru.maxUnavailable, `${path}.maxUnavailable`),
    ...isNotMoreThan100Percent(ru.maxSurge, `${path}.maxSurge`),
  ];
  const hasUnavailable = intOrPercent(ru.maxUnavailable) !== 0;
  const hasSurge = intOrPercent(ru.maxSurge) !== 0;
  if (hasUnavailable && hasSurge) errs.push(invalidValue(`${path}.maxSurge`, intOrStringValue(ru.maxSurge), "may not be set when maxUnavailable is non-zero"));
  if (!hasUnavailable && !hasSurge && !mutant("validation.daemonset-zero-surge-and-unavailable")) errs.push(required(`${path}.maxUnavailable`, "cannot be 0 when maxSurge is 0"));
  return errs;
}

/** ValidateDaemonSetUpdateStrategy: OnDelete, or RollingUpdate with its parameters. */
export function validateDaemonSetUpdateStrategy(strategy: Obj, path: string): FieldError[] {
  const s = strategy ?? {};
  if (s.type === "OnDelete") return [];
  if (s.type === "RollingUpdate") {
    if (!s.rollingUpdate) return [required(`${path}.rollingUpdate`, "")];
    return validateRollingUpdateDaemonSet(s.rollingUpdate, `${path}.rollingUpdate`);
  }
  return [notSupported(path, goValue(strategyJSON(s)), ["RollingUpdate", "OnDelete"])];
}

/**
 * ValidateDaemonSetSpec, in Kubernetes' order of checks. generation is the internal
 * spec.templateGeneration, which apps/v1 carries in an annotation.
 */
export function validateDaemonSetSpec(spec: Obj, path = "spec", generation = 0): FieldError[] {
  const s = spec ?? {};
  const errs = validateLabelSelector(s.selector, `${path}.selector`);
  const labels = s.template?.metadata?.labels;
  // A nil selector selects nothing, so it never matches the template.
  if (selectorConverts(s.selector) && !selectorMatches(s.selector, labels)) {
    errs.push(invalidValue(`${path}.template.metadata.labels`, marshalled(labels ?? null), "`selector` does not match template `labels`"));
  }
  if (selectorIsEmpty(s.selector)) errs.push(invalidValue(`${path}.selector`, labelSelectorJSON(s.selector), "empty selector is invalid for daemonset"));
  errs.push(...validatePodTemplateSpec(s.template ?? {}, `${path}.template`));
  const rp = s.template?.spec?.restartPolicy;
  if (rp !== "Always") errs.push(notSupported(`${path}.template.spec.restartPolicy`, rp ?? "", ["Always"]));
  if (s.template?.spec?.activeDeadlineSeconds != null) {
    errs.push(forbiddenField(`${path}.template.spec.activeDeadlineSeconds`, "activeDeadlineSeconds in DaemonSet is not Supported"));
  }
  errs.push(...validateNonnegative(s.minReadySeconds ?? 0, `${path}.minReadySeconds`));
  errs.push(...validateNonnegative(generation, `${path}.templateGeneration`));
  errs.push(...validateDaemonSetUpdateStrategy(s.updateStrategy, `${path}.updateStrategy`));
  if (s.revisionHistoryLimit != null) errs.push(...validateNonnegative(s.revisionHistoryLimit, `${path}.revisionHistoryLimit`));
  return errs;
}

/** ValidateDaemonSet (create). */
export function validateDaemonSet(ds: Obj): FieldError[] {
  return [...validateObjectMeta(ds.metadata, true, nameIsDNSSubdomain), ...validateDaemonSetSpec(ds.spec, "spec", templateGeneration(ds))];
}

/** ValidateDaemonSetSpecUpdate: templateGeneration never goes down, and goes up exactly when the template changes. */
function validateDaemonSetSpecUpdate(ds: Obj, old: Obj): FieldError[] {
  const next = templateGeneration(ds);
  const prev = templateGeneration(old);
  const errs: FieldError[] = [];
  const path = "spec.templateGeneration";
  if (next < prev) errs.push(invalidValue(path, next, "must not be decremented"));
  // apiequality.Semantic.DeepEqual, as PrepareForUpdate compares the templates.
  const templateUpdated = !semanticEqual(ds.spec?.template ?? {}, old.spec?.template ?? {});
  if (next === prev && templateUpdated) errs.push(invalidValue(path, next, "must be incremented upon template update"));
  else if (next > prev && !templateUpdated) errs.push(invalidValue(path, next, "must not be incremented without template update"));
  return errs;
}

/** ValidateDaemonSetUpdate: the metadata update, the templateGeneration rules, the new spec (what TestValidateDaemonSetUpdate calls). */
export function validateDaemonSetUpdate(ds: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(ds.metadata, old.metadata), ...validateDaemonSetSpecUpdate(ds, old), ...validateDaemonSetSpec(ds.spec, "spec", templateGeneration(ds))];
}

/** The DaemonSet strategy's ValidateUpdate for apps/v1: ValidateDaemonSetUpdate, then the immutable selector. */
export function validateDaemonSetUpdateV1(ds: Obj, old: Obj): FieldError[] {
  return [...validateDaemonSetUpdate(ds, old), ...validateImmutable(ds.spec?.selector, old.spec?.selector, "spec.selector", labelSelectorJSON(ds.spec?.selector))];
}

/** ValidateControllerRevision: metadata, data required ("data is mandatory"), revision non-negative. */
export function validateControllerRevision(cr: Obj): FieldError[] {
  const errs = validateObjectMeta(cr.metadata, true, nameIsDNSSubdomain);
  if (cr.data == null) errs.push(required("data", "data is mandatory"));
  errs.push(...validateNonnegative(cr.revision ?? 0, "revision"));
  return errs;
}

/** ValidateControllerRevisionUpdate: data is immutable. */
export function validateControllerRevisionUpdate(cr: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(cr.metadata, old.metadata), ...validateControllerRevision(cr), ...validateImmutable(cr.data, old.data, "data")];
}

const daemonSetCounts = ["currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady", "observedGeneration", "updatedNumberScheduled", "numberAvailable", "numberUnavailable"];

/** ValidateDaemonSetStatusUpdate (daemonsets/status): metadata immutables, non-negative counts, a collisionCount that never goes down. */
export function validateDaemonSetStatusUpdate(ds: Obj, old: Obj): FieldError[] {
  const s = ds.status ?? {};
  const errs = [...validateObjectMetaUpdate(ds.metadata, old.metadata), ...daemonSetCounts.flatMap((k) => validateNonnegative(typeof s[k] === "number" ? s[k] : 0, `status.${k}`))];
  if (typeof s.collisionCount === "number") errs.push(...validateNonnegative(s.collisionCount, "status.collisionCount"));
  return [...errs, ...validateCollisionCountUpdate(ds.status, old.status)];
}
