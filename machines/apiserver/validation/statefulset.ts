// StatefulSet validation, ported in meaning from pkg/apis/apps/validation (ValidateStatefulSet,
// ValidateStatefulSetSpec, validateRollingUpdateStatefulSet, ValidateStatefulSetUpdate,
// ValidateStatefulSetStatusUpdate), and ReplicationController validation from
// pkg/apis/core/validation (ValidateReplicationController, ValidatePodTemplateSpecForRC,
// ValidateReplicationControllerStatusUpdate).

import { forbiddenField, goValue, invalidValue, notSupported, required, type FieldError } from "../status.js";
import { intOrPercent, intOrStringValue, isNotMoreThan100Percent, validateCollisionCountUpdate, validatePositiveIntOrPercent, validateReplicaSetStatus } from "./apps.js";
import { marshalled, validateAnnotations, validateLabels, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { nameIsDNSLabel, nameIsDNSSubdomain } from "./names.js";
import { validatePodSpecificAnnotations, validatePodTemplateSpec } from "./pod.js";
import { labelSelectorJSON, selectorConverts, selectorIsEmpty, selectorMatches, validateLabelSelector } from "./selector.js";
import { deepEqual } from "../../common/equal.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

// ValidatePodTemplateSpecForStatefulSet: the selector matches the template; only labels and
// annotations of the template are checked (the pod spec is left to the pods' own creation).
function validateTemplateForStatefulSet(template: Obj, selector: Obj, path: string): FieldError[] {
  const t = template ?? {};
  const errs: FieldError[] = [];
  const labels = t.metadata?.labels;
  // A nil selector converts to Nothing, which is not Empty and matches no labels.
  if (!selectorIsEmpty(selector) && !selectorMatches(selector, labels)) {
    errs.push(invalidValue(`${path}.metadata.labels`, marshalled(labels ?? null), "`selector` does not match template `labels`"));
  }
  errs.push(...validateLabels(labels, `${path}.labels`));
  errs.push(...validateAnnotations(t.metadata?.annotations, `${path}.annotations`));
  errs.push(...validatePodSpecificAnnotations(t.metadata?.annotations, t.spec ?? {}, `${path}.annotations`, false));
  return errs;
}

function retentionPolicyType(v: unknown, path: string): FieldError[] {
  return v === "Retain" || v === "Delete" ? [] : [notSupported(path, v ?? "", ["Retain", "Delete"])];
}

/** validateRollingUpdateStatefulSet: partition non-negative; maxUnavailable a valid int or percentage, not 0, at most 100%. */
export function validateRollingUpdateStatefulSet(ru: Obj, path: string): FieldError[] {
  const errs = validateNonnegative(ru.partition ?? 0, `${path}.partition`);
  if (ru.maxUnavailable != null) {
    errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, `${path}.maxUnavailable`));
    if (intOrPercent(ru.maxUnavailable) === 0 && !mutant("validation.statefulset-max-unavailable-zero-accepted")) errs.push(invalidValue(`${path}.maxUnavailable`, intOrStringValue(ru.maxUnavailable), "cannot be 0"));
    errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${path}.maxUnavailable`));
  }
  return errs;
}

// The internal StatefulSetUpdateStrategy prints through %v of a Go struct: {Type RollingUpdate} style is
// not what Invalid shows; json.Marshal of the internal type (no json tags) names its Go fields.
function updateStrategyJSON(s: Obj): string {
  const ru = s.rollingUpdate ? `{"Partition":${JSON.stringify(s.rollingUpdate.partition ?? 0)},"MaxUnavailable":${s.rollingUpdate.maxUnavailable == null ? "null" : JSON.stringify(s.rollingUpdate.maxUnavailable)}}` : "null";
  return `{"Type":${JSON.stringify(s.type ?? "")},"RollingUpdate":${ru}}`;
}

/** ValidateStatefulSetSpec, in Kubernetes' order of checks. */
export function validateStatefulSetSpec(spec: Obj, path = "spec"): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  const policy = s.podManagementPolicy;
  if (!policy) errs.push(required(`${path}.podManagementPolicy`, ""));
  else if (policy !== "OrderedReady" && policy !== "Parallel") errs.push(invalidValue(`${path}.podManagementPolicy`, policy, "must be 'OrderedReady' or 'Parallel'"));
  const strategy = s.updateStrategy ?? {};
  switch (strategy.type ?? "") {
    case "":
      errs.push(required(`${path}.updateStrategy`, ""));
      break;
    case "OnDelete":
      if (strategy.rollingUpdate != null) errs.push(invalidValue(`${path}.updateStrategy.rollingUpdate`, marshalled(strategy.rollingUpdate), "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case "RollingUpdate":
      if (strategy.rollingUpdate != null) errs.push(...validateRollingUpdateStatefulSet(strategy.rollingUpdate, `${path}.updateStrategy.rollingUpdate`));
      break;
    default:
      errs.push(invalidValue(`${path}.updateStrategy`, goValue(updateStrategyJSON(strategy)), "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const retention = s.persistentVolumeClaimRetentionPolicy;
  if (retention != null) {
    errs.push(...retentionPolicyType(retention.whenDeleted, `${path}.persistentVolumeClaimRetentionPolicy.whenDeleted`));
    errs.push(...retentionPolicyType(retention.whenScaled, `${path}.persistentVolumeClaimRetentionPolicy.whenScaled`));
  }
  errs.push(...validateNonnegative(s.replicas ?? 0, `${path}.replicas`));
  errs.push(...validateNonnegative(s.minReadySeconds ?? 0, `${path}.minReadySeconds`));
  if (s.ordinals != null) errs.push(...validateNonnegative(s.ordinals.start ?? 0, `${path}.ordinals.start`));
  if (s.selector == null) errs.push(required(`${path}.selector`, ""));
  else {
    errs.push(...validateLabelSelector(s.selector, `${path}.selector`));
    if (selectorIsEmpty(s.selector)) errs.push(invalidValue(`${path}.selector`, labelSelectorJSON(s.selector), "empty selector is invalid for statefulset"));
  }
  // LabelSelectorAsSelector fails on a selector it cannot convert: then the template is not compared.
  if (!selectorConverts(s.selector)) errs.push(invalidValue(`${path}.selector`, labelSelectorJSON(s.selector), ""));
  else errs.push(...validateTemplateForStatefulSet(s.template, s.selector, `${path}.template`));
  const rp = s.template?.spec?.restartPolicy;
  if (rp !== "Always") errs.push(notSupported(`${path}.template.spec.restartPolicy`, rp ?? "", ["Always"]));
  if (s.template?.spec?.activeDeadlineSeconds != null) {
    errs.push(forbiddenField(`${path}.template.spec.activeDeadlineSeconds`, "activeDeadlineSeconds in StatefulSet is not Supported"));
  }
  return errs;
}

/** ValidateStatefulSet (create): a DNS label name (its pods are <name>-<ordinal>). */
export function validateStatefulSet(sts: Obj): FieldError[] {
  return [...validateObjectMeta(sts.metadata, true, nameIsDNSLabel), ...validateStatefulSetSpec(sts.spec)];
}

/** The spec fields an update may change; everything else must stay as stored. */
export const STATEFULSET_MUTABLE_SPEC_FIELDS = ["replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"] as const;

/** ValidateStatefulSetUpdate: the new spec is valid and only the mutable fields changed. */
export function validateStatefulSetUpdate(sts: Obj, old: Obj): FieldError[] {
  const errs = [...validateObjectMetaUpdate(sts.metadata, old.metadata), ...validateStatefulSetSpec(sts.spec)];
  const strip = (spec: Obj) => {
    const rest: Obj = { ...(spec ?? {}) };
    for (const k of STATEFULSET_MUTABLE_SPEC_FIELDS) delete rest[k];
    return rest;
  };
  if (!deepEqual(strip(sts.spec), strip(old.spec))) {
    errs.push(forbiddenField("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
  }
  return errs;
}

/** ValidateStatefulSetStatusUpdate: non-negative counts, none above status.replicas, available at most ready, collisionCount never decremented. */
export function validateStatefulSetStatusUpdate(sts: Obj, old: Obj): FieldError[] {
  const s = sts.status ?? {};
  const n = (k: string): number => (typeof s[k] === "number" ? s[k] : 0);
  const errs = ["replicas", "readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas"].flatMap((k) => validateNonnegative(n(k), `status.${k}`));
  if (typeof s.observedGeneration === "number") errs.push(...validateNonnegative(s.observedGeneration, "status.observedGeneration"));
  if (typeof s.collisionCount === "number") errs.push(...validateNonnegative(s.collisionCount, "status.collisionCount"));
  const msg = "cannot be greater than status.replicas";
  for (const k of ["readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas"]) if (n(k) > n("replicas")) errs.push(invalidValue(`status.${k}`, n(k), msg));
  if (n("availableReplicas") > n("readyReplicas")) errs.push(invalidValue("status.availableReplicas", n("availableReplicas"), "cannot be greater than status.readyReplicas"));
  return [...errs, ...validateObjectMetaUpdate(sts.metadata, old.metadata), ...validateCollisionCountUpdate(sts.status, old.status)];
}

// ---- ReplicationController ----

function selectorOfMap(m: Obj): Obj {
  return { matchLabels: m ?? {} };
}

// ValidatePodTemplateSpecForRC: the template is required, matched by the selector, a valid pod template restarting Always.
function validateTemplateForRC(template: Obj, selector: Obj, path: string): FieldError[] {
  if (template == null) return [required(path, "")];
  const errs: FieldError[] = [];
  const labels = template.metadata?.labels;
  if (Object.keys(selector ?? {}).length > 0 && !selectorMatches(selectorOfMap(selector), labels)) {
    errs.push(invalidValue(`${path}.metadata.labels`, marshalled(labels ?? null), "`selector` does not match template `labels`"));
  }
  errs.push(...validatePodTemplateSpec(template, path));
  const rp = template.spec?.restartPolicy;
  if (rp !== "Always") errs.push(notSupported(`${path}.spec.restartPolicy`, rp ?? "", ["Always"]));
  if (template.spec?.activeDeadlineSeconds != null) {
    errs.push(forbiddenField(`${path}.spec.activeDeadlineSeconds`, "activeDeadlineSeconds in ReplicationController is not Supported"));
  }
  return errs;
}

/** ValidateReplicationControllerSpec: minReadySeconds and replicas non-negative, a non-empty selector, the template. */
export function validateReplicationControllerSpec(spec: Obj, path = "spec"): FieldError[] {
  const s = spec ?? {};
  const errs = validateNonnegative(s.minReadySeconds ?? 0, `${path}.minReadySeconds`);
  // ValidateNonEmptySelector
  if (Object.keys(s.selector ?? {}).length === 0) errs.push(required(`${path}.selector`, ""));
  errs.push(...validateNonnegative(s.replicas ?? 0, `${path}.replicas`));
  errs.push(...validateTemplateForRC(s.template, s.selector, `${path}.template`));
  return errs;
}

/** ValidateReplicationController (create). */
export function validateReplicationController(rc: Obj): FieldError[] {
  return [...validateObjectMeta(rc.metadata, true, nameIsDNSSubdomain), ...validateReplicationControllerSpec(rc.spec)];
}

/** ValidateReplicationControllerUpdate: v1 lets the selector change. */
export function validateReplicationControllerUpdate(rc: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(rc.metadata, old.metadata), ...validateReplicationControllerSpec(rc.spec)];
}

/** ValidateReplicationControllerStatusUpdate: the same counts and bounds as a ReplicaSet's. */
export function validateReplicationControllerStatusUpdate(rc: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(rc.metadata, old.metadata), ...validateReplicaSetStatus(rc.status, "status")];
}
