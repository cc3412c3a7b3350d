// batch/v1 Job: SetDefaults_Job (pkg/apis/batch/v1/defaults.go) and the Job strategy's
// PrepareForCreate (pkg/registry/batch/job/strategy.go), which generates the selector.

import { defaultPodSpec } from "./pod.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

/** The labels the Job strategy puts on a Job's pod template and selects by (batch.kubernetes.io/...). */
export const JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
export const CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid";
export const LEGACY_JOB_NAME_LABEL = "job-name";
export const LEGACY_CONTROLLER_UID_LABEL = "controller-uid";

const INT32_MAX = 2147483647;

/** SetDefaults_Job: completions/parallelism 1, backoffLimit 6, NonIndexed, not suspended, TerminatingOrFailed, manualSelector false. */
export function defaultJob(job: Obj): void {
  const spec = (job.spec ??= {});
  // A non-parallel Job may leave both unset: both become 1.
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex != null && !mutant("defaults.job-backoff-limit-per-index-six") ? INT32_MAX : 6;
  spec.completionMode ??= "NonIndexed";
  spec.suspend ??= false;
  for (const rule of spec.podFailurePolicy?.rules ?? []) for (const p of rule?.onPodConditions ?? []) if (p && !p.status) p.status = "True";
  spec.podReplacementPolicy ??= spec.podFailurePolicy && !mutant("defaults.job-replacement-ignores-failure-policy") ? "Failed" : "TerminatingOrFailed";
  spec.manualSelector ??= false;
  spec.template ??= {};
  spec.template.spec ??= {};
  defaultPodSpec(spec.template.spec);
  copyTemplateLabels(job);
}

// SetDefaults_Job gives a Job without labels its template's labels, the very map as Go assigns it
// (prepareJobForCreate tells so by identity, then parts them); defaulting runs again on every read
// from storage, so a read Job shows the generated ones too (kubectl get job -o yaml).
function copyTemplateLabels(job: Obj): void {
  const labels = job.spec?.template?.metadata?.labels;
  const own = job.metadata?.labels;
  if (labels && (!own || Object.keys(own).length === 0)) job.metadata = { ...(job.metadata ?? {}), labels };
}

/**
 * The Job strategy's PrepareForCreate: unless spec.manualSelector, the template gets the
 * job-name and controller-uid labels (both spellings, a user's value kept for validation to
 * judge) and the selector matches batch.kubernetes.io/controller-uid; status is cleared.
 */
export function prepareJobForCreate(job: Obj): void {
  const spec = job.spec;
  if (!spec.manualSelector) {
    const template = (spec.template ??= {});
    const meta = (template.metadata ??= {});
    // Defaulting made the Job's labels the template's very map in Go: they gain the generated labels
    // too. Labels the user wrote alike are two maps, and the Job's stay as written.
    const aliased = meta.labels !== undefined && meta.labels === job.metadata.labels;
    const labels: Record<string, string> = { ...(meta.labels ?? {}) };
    for (const k of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) if (!Object.hasOwn(labels, k)) labels[k] = job.metadata.name ?? "";
    for (const k of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) if (!Object.hasOwn(labels, k)) labels[k] = job.metadata.uid ?? "";
    meta.labels = labels;
    if (aliased) job.metadata.labels = { ...labels };
    const selector = (spec.selector ??= {});
    const matchLabels: Record<string, string> = { ...(selector.matchLabels ?? {}) };
    if (!Object.hasOwn(matchLabels, CONTROLLER_UID_LABEL)) matchLabels[CONTROLLER_UID_LABEL] = job.metadata.uid ?? "";
    selector.matchLabels = matchLabels;
  }
  copyTemplateLabels(job);
  // stored, the two are separate maps again
  const templateLabels = spec.template?.metadata?.labels;
  if (templateLabels !== undefined && job.metadata.labels === templateLabels) job.metadata.labels = { ...templateLabels };
  job.metadata.generation = 1;
  job.status = {};
}

/**
 * SetDefaults_CronJob: concurrencyPolicy Allow, suspend false, successfulJobsHistoryLimit 3,
 * failedJobsHistoryLimit 1. The generated defaulters go on into the job template: its pod
 * template's defaults and podFailurePolicy's onPodConditions status, but not SetDefaults_Job
 * (that takes a Job, not a JobSpec): a CronJob's jobTemplate keeps parallelism etc. unset.
 */
export function defaultCronJob(cj: Obj): void {
  const spec = (cj.spec ??= {});
  if (!spec.concurrencyPolicy) spec.concurrencyPolicy = "Allow";
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const jobSpec = ((spec.jobTemplate ??= {}).spec ??= {});
  for (const rule of jobSpec.podFailurePolicy?.rules ?? []) for (const p of rule?.onPodConditions ?? []) if (p && !p.status) p.status = "True";
  const template = (jobSpec.template ??= {});
  defaultPodSpec((template.spec ??= {}));
}

/** The CronJob strategy's PrepareForCreate: status cleared, generation 1. */
export function prepareCronJobForCreate(cj: Obj): void {
  cj.metadata.generation = 1;
  cj.status = {};
}
