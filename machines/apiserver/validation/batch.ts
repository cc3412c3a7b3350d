// batch/v1 Job validation, ported in meaning from pkg/apis/batch/validation/validation.go
// (ValidateJob, ValidateJobSpec, ValidateJobSpecUpdate) with the options the Job strategy passes.

import { duplicate, invalidValue, notSupported, omitValue, required, tooLong, tooMany, type FieldError } from "../status.js";
import { CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL } from "../admission/batch.js";
import { deepEqual } from "../../common/equal.js";
import { marshalled, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { fieldImmutableErrorMsg, isDNS1123Label, isDomainPrefixedPath, isQualifiedName, nameIsDNSSubdomain } from "./names.js";
import { validateIndexesFormat } from "./jobstatus.js";
import { validatePodTemplateSpec } from "./pod.js";
import { loadLocationError, parseStandard } from "../../common/cron.js";
import { labelSelectorJSON, selectorMatches, validateLabelSelector } from "./selector.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

const MAX_PARALLELISM_FOR_INDEXED_JOB = 100000;
const MAX_FAILED_INDEXES_FOR_INDEXED_JOB = 100000;
// Above this many completions, backoffLimitPerIndex needs maxFailedIndexes and both limits tighten.
const COMPLETIONS_SOFT_LIMIT = 100_000;
const PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS = 10_000;
const MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS = 10_000;
const MAX_ON_POD_CONDITIONS_PATTERNS = 20;
const MAX_MANAGED_BY_LENGTH = 63;
const MAX_SUCCESS_POLICY_RULES = 20;
const MAX_SUCCEEDED_INDEXES_LENGTH = 64 * 1024;

const isSet = (v: unknown): boolean => v !== undefined && v !== null;

// apivalidation.ValidateHasLabel: "must be '<value>'", Required when missing, Invalid (all labels shown) when different.
function validateHasLabel(labels: Record<string, string> | undefined, path: string, key: string, expected: string): FieldError[] {
  const at = `${path}.labels[${key}]`;
  if (!labels || !Object.hasOwn(labels, key)) return [required(at, `must be '${expected}'`)];
  return labels[key] === expected ? [] : [invalidValue(at, marshalled(labels), `must be '${expected}'`)];
}

/** validateGeneratedSelector: a generated selector's labels are on the template and select this Job only. */
function validateGeneratedSelector(job: Obj, requirePrefixedLabels: boolean): FieldError[] {
  const spec = job.spec ?? {};
  if (spec.manualSelector === true || !spec.selector) return [];
  const errs: FieldError[] = [];
  const uid = job.metadata?.uid ?? "";
  const name = job.metadata?.name ?? "";
  if (uid === "") errs.push(required("metadata.uid"));
  const labels = spec.template?.metadata?.labels;
  const path = "spec.template.metadata";
  errs.push(...validateHasLabel(labels, path, LEGACY_CONTROLLER_UID_LABEL, uid), ...validateHasLabel(labels, path, LEGACY_JOB_NAME_LABEL, name));
  const expected: Record<string, string> = {};
  if (requirePrefixedLabels) {
    errs.push(...validateHasLabel(labels, path, CONTROLLER_UID_LABEL, uid), ...validateHasLabel(labels, path, JOB_NAME_LABEL, name));
    expected[CONTROLLER_UID_LABEL] = uid;
    expected[JOB_NAME_LABEL] = name;
  }
  expected[LEGACY_CONTROLLER_UID_LABEL] = uid;
  expected[LEGACY_JOB_NAME_LABEL] = name;
  if (validateLabelSelector(spec.selector, "spec.selector").length === 0 && !selectorMatches(spec.selector, expected)) {
    errs.push(invalidValue("spec.selector", labelSelectorJSON(spec.selector), "`selector` not auto-generated"));
  }
  return errs;
}

const POD_FAILURE_POLICY_ACTIONS = ["Count", "FailIndex", "FailJob", "Ignore"];
const EXIT_CODE_OPERATORS = ["In", "NotIn"];
const MAX_POD_FAILURE_POLICY_RULES = 20;
const MAX_EXIT_CODE_VALUES = 255;
const goList = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(x)).join(" ")}]`;

// validatePodFailurePolicyRuleOnExitCodes: a known operator, a container of the template, 1-255 ordered unique codes, no 0 for In.
function validateOnExitCodes(req: Obj, path: string, containers: ReadonlySet<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (!req.operator) errs.push(required(`${path}.operator`, `valid values: ${goList(EXIT_CODE_OPERATORS)}`));
  else if (!EXIT_CODE_OPERATORS.includes(req.operator)) errs.push(notSupported(`${path}.operator`, req.operator, EXIT_CODE_OPERATORS));
  if (isSet(req.containerName) && !containers.has(req.containerName)) errs.push(invalidValue(`${path}.containerName`, req.containerName, "must be one of the container or initContainer names in the pod template"));
  const values: number[] = Array.isArray(req.values) ? req.values : [];
  if (values.length === 0) errs.push(invalidValue(`${path}.values`, marshalled(req.values ?? null), "at least one value is required"));
  if (values.length > MAX_EXIT_CODE_VALUES) errs.push(tooMany(`${path}.values`, values.length, MAX_EXIT_CODE_VALUES));
  const seen = new Set<number>();
  let ordered = true;
  values.forEach((v, j) => {
    if (req.operator === "In" && v === 0) errs.push(invalidValue(`${path}.values[${j}]`, v, "must not be 0 for the In operator"));
    if (seen.has(v)) errs.push(duplicate(`${path}.values[${j}]`, v));
    else seen.add(v);
    if (j > 0 && values[j - 1]! > v) ordered = false;
  });
  if (!ordered) errs.push(invalidValue(`${path}.values`, marshalled(values), "must be ordered"));
  return errs;
}

const CONDITION_STATUSES = ["False", "True", "Unknown"];

// validatePodFailurePolicyRuleOnPodConditions: at most 20 patterns, each a qualified condition type and a known status.
function validateOnPodConditions(patterns: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (patterns.length > MAX_ON_POD_CONDITIONS_PATTERNS) errs.push(tooMany(path, patterns.length, MAX_ON_POD_CONDITIONS_PATTERNS));
  patterns.forEach((p, j) => {
    const type = typeof p?.type === "string" ? p.type : "";
    errs.push(...isQualifiedName(type).map((m) => invalidValue(`${path}[${j}].type`, type, m)));
    const status = p?.status;
    if (!status) errs.push(required(`${path}[${j}].status`, `valid values: ${goList(CONDITION_STATUSES)}`));
    else if (!CONDITION_STATUSES.includes(status)) errs.push(notSupported(`${path}[${j}].status`, status, CONDITION_STATUSES));
  });
  return errs;
}

// validateSuccessPolicy (an Indexed Job's): 1 to 20 rules, each with succeededIndexes (well-formed, at most
// 64 KiB) or succeededCount (non-negative, within completions and the indexes it names).
function validateSuccessPolicy(spec: Obj, path: string): FieldError[] {
  const rules: Obj[] = Array.isArray(spec.successPolicy?.rules) ? spec.successPolicy.rules : [];
  const errs: FieldError[] = [];
  if (rules.length === 0) errs.push(required(`${path}.rules`, "at least one rules must be specified when the successPolicy is specified"));
  if (rules.length > MAX_SUCCESS_POLICY_RULES) errs.push(tooMany(`${path}.rules`, rules.length, MAX_SUCCESS_POLICY_RULES));
  const completions = typeof spec.completions === "number" ? spec.completions : 0;
  rules.forEach((rule, i) => {
    const at = `${path}.rules[${i}]`;
    const indexes = rule?.succeededIndexes;
    const count = rule?.succeededCount;
    if (!isSet(count) && !isSet(indexes)) errs.push(required(at, "at least one of succeededCount or succeededIndexes must be specified"));
    let total = 0;
    if (typeof indexes === "string") {
      if (indexes.length > MAX_SUCCEEDED_INDEXES_LENGTH) errs.push(tooLong(`${at}.succeededIndexes`, indexes, MAX_SUCCEEDED_INDEXES_LENGTH));
      const r = validateIndexesFormat(indexes, completions);
      if (r.error !== undefined) errs.push(invalidValue(`${at}.succeededIndexes`, indexes, `error parsing succeededIndexes: ${r.error}`));
      else total = r.total;
    }
    if (typeof count === "number") {
      errs.push(...validateNonnegative(count, `${at}.succeededCount`));
      if (count > completions) errs.push(invalidValue(`${at}.succeededCount`, count, `must be less than or equal to ${completions} (the number of specified completions)`));
      if (isSet(indexes) && count > total) errs.push(invalidValue(`${at}.succeededCount`, count, `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`));
    }
  });
  return errs;
}

/** validatePodFailurePolicy: at most 20 rules, each with a known action and exactly one of onExitCodes and onPodConditions. */
function validatePodFailurePolicy(spec: Obj, path: string): FieldError[] {
  const rules: Obj[] = Array.isArray(spec.podFailurePolicy?.rules) ? spec.podFailurePolicy.rules : [];
  const errs: FieldError[] = [];
  if (rules.length > MAX_POD_FAILURE_POLICY_RULES) errs.push(tooMany(`${path}.rules`, rules.length, MAX_POD_FAILURE_POLICY_RULES));
  const containers = new Set<string>([...(spec.template?.spec?.containers ?? []), ...(spec.template?.spec?.initContainers ?? [])].map((c: Obj) => c?.name));
  rules.forEach((rule, i) => {
    const at = `${path}.rules[${i}]`;
    const r = rule ?? {};
    if (!r.action) errs.push(required(`${at}.action`, `valid values: ${goList(POD_FAILURE_POLICY_ACTIONS)}`));
    else if (r.action === "FailIndex") {
      if (!isSet(spec.backoffLimitPerIndex)) errs.push(invalidValue(`${at}.action`, r.action, "requires the backoffLimitPerIndex to be set"));
    } else if (!POD_FAILURE_POLICY_ACTIONS.includes(r.action)) errs.push(notSupported(`${at}.action`, r.action, POD_FAILURE_POLICY_ACTIONS));
    const conds = Array.isArray(r.onPodConditions) ? r.onPodConditions : [];
    if (isSet(r.onExitCodes)) errs.push(...validateOnExitCodes(r.onExitCodes, `${at}.onExitCodes`, containers));
    if (conds.length > 0) errs.push(...validateOnPodConditions(conds, `${at}.onPodConditions`));
    if (isSet(r.onExitCodes) && conds.length > 0) errs.push(invalidValue(at, omitValue, "specifying both OnExitCodes and OnPodConditions is not supported"));
    if (!isSet(r.onExitCodes) && conds.length === 0) errs.push(invalidValue(at, omitValue, "specifying one of OnExitCodes and OnPodConditions is required"));
  });
  return errs;
}

function nonnegative(spec: Obj, field: string, path: string): FieldError[] {
  return isSet(spec[field]) ? validateNonnegative(spec[field], `${path}.${field}`) : [];
}

/** validateJobSpec: counts, completion mode, per-index limits, replacement policy, the template and its restartPolicy. */
function validateJobSpecFields(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ["parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished", "backoffLimitPerIndex", "maxFailedIndexes"]) errs.push(...nonnegative(spec, f, path));
  if (isSet(spec.maxFailedIndexes) && !isSet(spec.backoffLimitPerIndex)) errs.push(required(`${path}.backoffLimitPerIndex`, "when maxFailedIndexes is specified"));
  if (typeof spec.managedBy === "string") {
    errs.push(...isDomainPrefixedPath(`${path}.managedBy`, spec.managedBy));
    if (spec.managedBy.length > MAX_MANAGED_BY_LENGTH) errs.push(tooLong(`${path}.managedBy`, spec.managedBy, MAX_MANAGED_BY_LENGTH));
  }
  const mode = spec.completionMode;
  if (isSet(mode)) {
    if (mode !== "NonIndexed" && mode !== "Indexed") errs.push(notSupported(`${path}.completionMode`, mode, ["NonIndexed", "Indexed"]));
    if (mode === "Indexed") {
      if (!isSet(spec.completions)) errs.push(required(`${path}.completions`, "when completion mode is Indexed"));
      if (isSet(spec.parallelism) && spec.parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB) {
        errs.push(invalidValue(`${path}.parallelism`, spec.parallelism, `must be less than or equal to ${MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed`));
      }
      if (isSet(spec.completions) && isSet(spec.maxFailedIndexes) && spec.maxFailedIndexes > spec.completions) {
        errs.push(invalidValue(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, "must be less than or equal to completions"));
      }
      if (isSet(spec.maxFailedIndexes) && spec.maxFailedIndexes > MAX_FAILED_INDEXES_FOR_INDEXED_JOB) {
        errs.push(invalidValue(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES_FOR_INDEXED_JOB}`));
      }
      if (isSet(spec.completions) && spec.completions > COMPLETIONS_SOFT_LIMIT && isSet(spec.backoffLimitPerIndex)) {
        const above = `when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`;
        if (!isSet(spec.maxFailedIndexes)) errs.push(required(`${path}.maxFailedIndexes`, `must be specified when completions is above ${COMPLETIONS_SOFT_LIMIT}`));
        if (isSet(spec.parallelism) && spec.parallelism > PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS) {
          errs.push(invalidValue(`${path}.parallelism`, spec.parallelism, `must be less than or equal to ${PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS} ${above}`));
        }
        if (isSet(spec.maxFailedIndexes) && spec.maxFailedIndexes > MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS) {
          errs.push(invalidValue(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS} ${above}`));
        }
      }
    }
  }
  if (!isSet(mode) || mode === "NonIndexed") {
    if (isSet(spec.backoffLimitPerIndex)) errs.push(invalidValue(`${path}.backoffLimitPerIndex`, spec.backoffLimitPerIndex, "requires indexed completion mode"));
    if (isSet(spec.maxFailedIndexes)) errs.push(invalidValue(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, "requires indexed completion mode"));
  }
  if (isSet(spec.podFailurePolicy)) errs.push(...validatePodFailurePolicy(spec, `${path}.podFailurePolicy`));
  if (isSet(spec.successPolicy)) {
    if (mode !== "Indexed") errs.push(invalidValue(`${path}.successPolicy`, marshalled(spec.successPolicy), "requires indexed completion mode"));
    else errs.push(...validateSuccessPolicy(spec, `${path}.successPolicy`));
  }
  const rp = spec.podReplacementPolicy;
  if (isSet(rp)) {
    if (spec.podFailurePolicy) {
      if (rp !== "Failed") errs.push(notSupported(`${path}.podReplacementPolicy`, rp, ["Failed"]));
    } else if (rp !== "Failed" && rp !== "TerminatingOrFailed") errs.push(notSupported(`${path}.podReplacementPolicy`, rp, ["Failed", "TerminatingOrFailed"]));
  }
  errs.push(...validatePodTemplateSpec(spec.template, `${path}.template`));
  // The pod defaults make a missing restartPolicy Always: both are refused the same way.
  const restart = spec.template?.spec?.restartPolicy;
  const at = `${path}.template.spec.restartPolicy`;
  if (restart === "Always" || !restart) errs.push(required(at, `valid values: "OnFailure", "Never"`));
  else if (restart !== "OnFailure" && restart !== "Never") errs.push(notSupported(at, restart, ["OnFailure", "Never"]));
  else if (spec.podFailurePolicy && restart !== "Never") errs.push(invalidValue(at, restart, `only "Never" is supported when podFailurePolicy is specified`));
  return errs;
}

/** ValidateJobSpec: the fields, then a selector that is present, well-formed and matches the template's labels. */
export function validateJobSpec(spec: Obj, path = "spec"): FieldError[] {
  const s = spec ?? {};
  const errs = validateJobSpecFields(s, path);
  if (!s.selector) errs.push(required(`${path}.selector`));
  else {
    const selErrs = validateLabelSelector(s.selector, `${path}.selector`);
    errs.push(...selErrs);
    const labels = s.template?.metadata?.labels;
    if (selErrs.length === 0 && !selectorMatches(s.selector, labels)) {
      errs.push(invalidValue(`${path}.template.metadata.labels`, marshalled(labels ?? null), "`selector` does not match template `labels`"));
    }
  }
  return errs;
}

function validateJobWith(job: Obj, requirePrefixedLabels: boolean): FieldError[] {
  const errs = [...validateObjectMeta(job.metadata, true, nameIsDNSSubdomain), ...validateGeneratedSelector(job, requirePrefixedLabels), ...validateJobSpec(job.spec)];
  const spec = job.spec ?? {};
  // An Indexed Job's pods are named <job>-<index> as hostnames: the largest must be a DNS label.
  if (spec.completionMode === "Indexed" && isSet(spec.completions) && spec.completions > 0) {
    const hostname = `${job.metadata?.name ?? ""}-${spec.completions - 1}`;
    if (isDNS1123Label(hostname).length > 0) errs.push(invalidValue("metadata.name", job.metadata?.name ?? "", `will not able to create pod with invalid DNS label: ${hostname}`));
  }
  return errs;
}

/** ValidateJob (create): the strategy requires the batch.kubernetes.io/ labels on new Jobs. */
export function validateJob(job: Obj): FieldError[] {
  return validateJobWith(job, true);
}

// validateCompletions: completions is immutable, but an Indexed Job may change it with parallelism (elastic Indexed Jobs).
function validateCompletionsUpdate(spec: Obj, old: Obj): FieldError[] {
  if (spec.completionMode !== "Indexed") return validateImmutable(spec.completions, old.completions, "spec.completions");
  if (spec.completions === old.completions || !isSet(spec.completions) || mutant("validation.indexed-completions-change-alone")) return [];
  return spec.completions !== spec.parallelism ? [invalidValue("spec.completions", spec.completions, "can only be modified in tandem with spec.parallelism")] : [];
}

// validatePodTemplateUpdate: a suspended Job that never started may change its scheduling directives, labels and annotations.
function templateForComparison(job: Obj, old: Obj): Obj {
  const template = old.spec?.template;
  if (!(old.spec?.suspend === true && !old.status?.startTime) || !template) return template;
  const next = job.spec?.template ?? {};
  const affinity = next.spec?.affinity || template.spec?.affinity ? { ...(template.spec?.affinity ?? {}), nodeAffinity: next.spec?.affinity?.nodeAffinity } : undefined;
  const pruned = affinity && Object.values(affinity).every((v) => v === undefined) && !next.spec?.affinity ? undefined : affinity;
  return {
    ...template,
    metadata: { ...(template.metadata ?? {}), labels: next.metadata?.labels, annotations: next.metadata?.annotations },
    spec: { ...(template.spec ?? {}), affinity: pruned, nodeSelector: next.spec?.nodeSelector, tolerations: next.spec?.tolerations, schedulingGates: next.spec?.schedulingGates },
  };
}

// ValidateImmutableField compares with apiequality.Semantic.DeepEqual: key order does not matter.
function validateImmutable(newVal: unknown, oldVal: unknown, path: string, shown: unknown = newVal ?? ""): FieldError[] {
  return deepEqual(newVal ?? null, oldVal ?? null) ? [] : [invalidValue(path, shown, fieldImmutableErrorMsg)];
}

/** ValidateJob plus ValidateJobUpdate: selector, template, completion mode and the policies are immutable. */
export function validateJobUpdate(job: Obj, old: Obj): FieldError[] {
  const oldLabels = old.spec?.template?.metadata?.labels ?? {};
  const requirePrefixed = Object.hasOwn(oldLabels, JOB_NAME_LABEL) && Object.hasOwn(oldLabels, CONTROLLER_UID_LABEL);
  const spec = job.spec ?? {};
  const oldSpec = old.spec ?? {};
  // ValidateJobSpecUpdate repeats ValidateJobSpec; the aggregate drops the repeated messages.
  const errs = [...validateJobWith(job, requirePrefixed), ...validateObjectMetaUpdate(job.metadata, old.metadata)];
  errs.push(...validateCompletionsUpdate(spec, oldSpec));
  errs.push(...validateImmutable(spec.selector, oldSpec.selector, "spec.selector", labelSelectorJSON(spec.selector)));
  errs.push(...validateImmutable(spec.template, templateForComparison(job, old), "spec.template", marshalled(spec.template ?? null)));
  for (const f of ["completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy"]) {
    errs.push(...validateImmutable(spec[f], oldSpec[f], `spec.${f}`, typeof spec[f] === "object" && spec[f] !== null ? marshalled(spec[f]) : spec[f] ?? ""));
  }
  return errs;
}

// ---- CronJob (ValidateCronJobCreate, ValidateCronJobUpdate, validateCronJobSpec) ----

// validateScheduleFormat: robfig's ParseStandard, and TZ/CRON_TZ only where the old schedule had it.
function validateScheduleFormat(schedule: string, allowTZInSchedule: boolean, timeZone: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const parsed = parseStandard(schedule);
  if ("error" in parsed) errs.push(invalidValue(path, schedule, parsed.error));
  if (allowTZInSchedule && schedule.includes("TZ") && isSet(timeZone)) errs.push(invalidValue(path, schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
  else if (!allowTZInSchedule && schedule.includes("TZ")) errs.push(invalidValue(path, schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
  return errs;
}

// https://data.iana.org/time-zones/theory.html#naming, with 0-9 and + for legacy names.
const validTimeZoneCharacters = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** validateTimeZone: an IANA name time.LoadLocation finds, not Local. */
function validateTimeZone(timeZone: unknown, path: string): FieldError[] {
  if (!isSet(timeZone)) return [];
  const tz = String(timeZone);
  if (tz.length === 0) return [invalidValue(path, tz, "timeZone must be nil or non-empty string")];
  for (const part of tz.split("/")) {
    if (part === "." || part === ".." || part.startsWith("-") || !validTimeZoneCharacters.test(part)) return [invalidValue(path, tz, `unknown time zone ${tz}`)];
  }
  const errs: FieldError[] = [];
  if (tz.toLowerCase() === "local") errs.push(invalidValue(path, tz, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
  const err = loadLocationError(tz);
  if (err !== undefined) errs.push(invalidValue(path, tz, err));
  return errs;
}

const CONCURRENCY_POLICIES = ["Allow", "Forbid", "Replace"];

/** ValidateJobTemplateSpec: the Job spec (without a selector, which is generated per Job), no manualSelector. */
function validateJobTemplateSpec(template: Obj, path: string): FieldError[] {
  const spec = template?.spec ?? {};
  const errs = validateJobSpecFields(spec, `${path}.spec`);
  if (spec.selector) errs.push(invalidValue(`${path}.spec.selector`, labelSelectorJSON(spec.selector), "`selector` will be auto-generated"));
  if (spec.manualSelector === true) errs.push(notSupported(`${path}.spec.manualSelector`, true, ["nil", "false"]));
  return errs;
}

function validateCronJobSpec(spec: Obj, oldSpec: Obj | undefined): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  if (!s.schedule) errs.push(required("spec.schedule"));
  else errs.push(...validateScheduleFormat(String(s.schedule), oldSpec !== undefined && String(oldSpec.schedule ?? "").includes("TZ"), s.timeZone, "spec.schedule"));
  errs.push(...nonnegative(s, "startingDeadlineSeconds", "spec"));
  if (oldSpec === undefined || (oldSpec.timeZone ?? null) !== (s.timeZone ?? null)) errs.push(...validateTimeZone(s.timeZone, "spec.timeZone"));
  if (!s.concurrencyPolicy) errs.push(required("spec.concurrencyPolicy"));
  else if (!CONCURRENCY_POLICIES.includes(s.concurrencyPolicy)) errs.push(notSupported("spec.concurrencyPolicy", s.concurrencyPolicy, CONCURRENCY_POLICIES));
  errs.push(...validateJobTemplateSpec(s.jobTemplate, "spec.jobTemplate"));
  errs.push(...nonnegative(s, "successfulJobsHistoryLimit", "spec"), ...nonnegative(s, "failedJobsHistoryLimit", "spec"));
  return errs;
}

// The controller names a CronJob's Jobs <name>-<11 digits at most>: a Job name is a DNS label (63).
const MAX_CRONJOB_NAME_LENGTH = 63 - 11;

/** ValidateCronJobCreate: metadata, the spec, and a name short enough for its Jobs' names. */
export function validateCronJob(cj: Obj): FieldError[] {
  const errs = [...validateObjectMeta(cj.metadata, true, nameIsDNSSubdomain), ...validateCronJobSpec(cj.spec, undefined)];
  const name = cj.metadata?.name ?? "";
  if (name.length > MAX_CRONJOB_NAME_LENGTH) errs.push(invalidValue("metadata.name", name, `must be no more than ${MAX_CRONJOB_NAME_LENGTH} characters`));
  return errs;
}

/** ValidateCronJobUpdate: no name length check, so that older, longer names can still be updated. */
export function validateCronJobUpdate(cj: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(cj.metadata, old.metadata), ...validateCronJobSpec(cj.spec, old.spec ?? {})];
}
