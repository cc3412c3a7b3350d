// jobs/status: the Job status strategy's ValidateUpdate (ValidateJobUpdateStatus with the options
// getStatusValidationOptions gives under JobManagedBy): a rule about a status field is enforced
// only when that field (or the job's finished state) changes, so a controller may write status
// unrelated to a rule its Job already breaks.

import { duplicate, invalidValue, omitValue, required, type FieldError } from "../status.js";
import { deepEqual } from "../../common/equal.js";
import { parseTime } from "../../common/time.js";
import { marshalled, validateNonnegative, validateObjectMetaUpdate } from "./meta.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

interface Options {
  rejectDecreasingSucceededCounter: boolean;
  rejectInvalidCompletedIndexes: boolean;
  rejectInvalidFailedIndexes: boolean;
  rejectCompletedIndexesForNonIndexedJob: boolean;
  rejectFailedIndexesForNoBackoffLimitPerIndex: boolean;
  rejectFailedIndexesOverlappingCompleted: boolean;
  rejectFinishedJobWithActivePods: boolean;
  rejectFinishedJobWithoutStartTime: boolean;
  rejectFinishedJobWithUncountedTerminatedPods: boolean;
  rejectStartTimeUpdateForUnsuspendedJob: boolean;
  rejectCompletionTimeBeforeStartTime: boolean;
  rejectNotCompleteJobWithCompletionTime: boolean;
  rejectCompleteJobWithoutCompletionTime: boolean;
  rejectCompleteJobWithFailedCondition: boolean;
  rejectCompleteJobWithFailureTargetCondition: boolean;
}

function conditionTrue(job: Obj, type: string): boolean {
  const conds = job?.status?.conditions;
  return Array.isArray(conds) && conds.some((c: Obj) => c?.type === type && c?.status === "True");
}

function conditionFalse(job: Obj, type: string): boolean {
  const conds = job?.status?.conditions;
  return Array.isArray(conds) && conds.some((c: Obj) => c?.type === type && c?.status === "False");
}

const isComplete = (j: Obj) => conditionTrue(j, "Complete");
const isFailed = (j: Obj) => conditionTrue(j, "Failed");
const isFinished = (j: Obj) => isComplete(j) || isFailed(j);
const isFailureTarget = (j: Obj) => conditionTrue(j, "FailureTarget");
const isSuccessCriteriaMet = (j: Obj) => conditionTrue(j, "SuccessCriteriaMet");

function num(v: unknown): number {
  return typeof v === "number" ? v : 0;
}

/** getStatusValidationOptions (JobManagedBy on): each rule only where its fields changed. */
function optionsFor(job: Obj, old: Obj): Options {
  const s = job.status ?? {};
  const o = old.status ?? {};
  const indexed = job.spec?.completionMode === "Indexed";
  const finishedChanged = isFinished(old) !== isFinished(job);
  const completeChanged = isComplete(old) !== isComplete(job);
  const failedChanged = isFailed(old) !== isFailed(job);
  const failureTargetChanged = isFailureTarget(old) !== isFailureTarget(job);
  const completedIndexesChanged = (o.completedIndexes ?? "") !== (s.completedIndexes ?? "");
  const failedIndexesChanged = (o.failedIndexes ?? null) !== (s.failedIndexes ?? null);
  const activeChanged = num(o.active) !== num(s.active);
  const startTimeChanged = (o.startTime ?? null) !== (s.startTime ?? null);
  const completionTimeChanged = (o.completionTime ?? null) !== (s.completionTime ?? null);
  const uncountedChanged = !deepEqual(o.uncountedTerminatedPods ?? null, s.uncountedTerminatedPods ?? null);
  return {
    // Succeeded may fall for an Indexed Job whose completions equal its parallelism (scaled down).
    rejectDecreasingSucceededCounter: !indexed || (job.spec?.completions ?? null) !== (job.spec?.parallelism ?? null),
    rejectInvalidCompletedIndexes: completedIndexesChanged,
    rejectInvalidFailedIndexes: failedIndexesChanged,
    rejectCompletedIndexesForNonIndexedJob: completedIndexesChanged,
    rejectFailedIndexesForNoBackoffLimitPerIndex: failedIndexesChanged,
    rejectFailedIndexesOverlappingCompleted: failedIndexesChanged || completedIndexesChanged,
    rejectFinishedJobWithActivePods: finishedChanged || activeChanged,
    rejectFinishedJobWithoutStartTime: finishedChanged || startTimeChanged,
    rejectFinishedJobWithUncountedTerminatedPods: finishedChanged || uncountedChanged,
    rejectStartTimeUpdateForUnsuspendedJob: startTimeChanged,
    rejectCompletionTimeBeforeStartTime: startTimeChanged || completionTimeChanged,
    rejectNotCompleteJobWithCompletionTime: completeChanged || completionTimeChanged,
    rejectCompleteJobWithoutCompletionTime: completeChanged || completionTimeChanged,
    rejectCompleteJobWithFailedCondition: completeChanged || failedChanged,
    rejectCompleteJobWithFailureTargetCondition: completeChanged || failureTargetChanged,
  };
}

/** parseIndexInterval: "x" or "x-y" with x < y < completions, or the error Kubernetes prints. */
function parseIndexInterval(interval: string, completions: number): [number, number] | string {
  const parts = interval.split("-");
  if (parts.length > 2) return `the fragment "${interval}" violates the requirement that an index interval can have at most two parts separated by '-'`;
  // strconv.Atoi: an optional sign and digits, within int64 (a longer run of digits fails to convert)
  const atoi = (t: string) => {
    if (!/^[+-]?\d+$/.test(t)) return NaN;
    const digits = t.replace(/^[+-]?0*/, "");
    if (digits.length > 19) return NaN; // BigInt only for short inputs: a hostile string may be long
    const big = BigInt(t);
    return big <= 9223372036854775807n && big >= -9223372036854775808n ? Number(t) : NaN;
  };
  const x = atoi(parts[0]!);
  if (Number.isNaN(x)) return `cannot convert string to integer for index: "${parts[0]}"`;
  if (x >= completions) return `too large index: "${parts[0]}"`;
  if (parts.length === 1) return [x, x];
  const y = atoi(parts[1]!);
  if (Number.isNaN(y)) return `cannot convert string to integer for index: "${parts[1]}"`;
  if (y >= completions) return `too large index: "${parts[1]}"`;
  if (x >= y) return `non-increasing order, previous: ${x}, current: ${y}`;
  return [x, y];
}

/** validateIndexesFormat: comma-separated intervals in increasing order; how many indexes they hold, or the first error. */
export function validateIndexesFormat(indexes: string, completions: number): { total: number; error?: string } {
  if (indexes.length === 0) return { total: 0 };
  let last: number | undefined;
  let total = 0;
  for (const interval of indexes.split(",")) {
    const r = parseIndexInterval(interval, completions);
    if (typeof r === "string") return { total: 0, error: r };
    if (last !== undefined && last >= r[0]) return { total: 0, error: `non-increasing order, previous: ${last}, current: ${r[0]}` };
    total += r[1] - r[0] + 1;
    last = r[1];
  }
  return { total };
}

function indexesFormatError(indexes: string, completions: number): string | undefined {
  return validateIndexesFormat(indexes, completions).error;
}

/** validateFailedIndexesNotOverlapCompleted: intervals that fail to parse are skipped (their format is judged elsewhere). */
export function overlapError(completed: string, failed: string, completions: number): string | undefined {
  if (completed.length === 0 || failed.length === 0) return undefined;
  const cs = completed.split(",").map((x) => parseIndexInterval(x, completions));
  const fs = failed.split(",").map((x) => parseIndexInterval(x, completions));
  let ci = 0;
  let fi = 0;
  while (ci < cs.length && fi < fs.length) {
    const c = cs[ci]!;
    const f = fs[fi]!;
    if (typeof c === "string") ci++;
    else if (typeof f === "string") fi++;
    else {
      if (c[0] <= f[1] && f[0] <= c[1]) return `failedIndexes and completedIndexes overlap at index: ${Math.max(c[0], f[0])}`;
      if (c[0] <= f[0]) ci++;
      else fi++;
    }
  }
  return undefined;
}

function uncountedErrors(u: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (u === undefined || u === null) return errs;
  const seen = new Set<string>();
  for (const key of ["succeeded", "failed"]) {
    const list = Array.isArray(u[key]) ? u[key] : [];
    list.forEach((k: unknown, i: number) => {
      const at = `${path}.${key}[${i}]`;
      if (k === "" || k === undefined || k === null) errs.push(invalidValue(at, "", "must not be empty"));
      else if (seen.has(String(k))) errs.push(duplicate(at, k));
      else seen.add(String(k));
    });
  }
  return errs;
}

function conditionsError(detail: string): FieldError {
  return invalidValue("status.conditions", omitValue, detail);
}

/** validateJobStatus. */
function validateJobStatus(job: Obj, opts: Options): FieldError[] {
  const s = job.status ?? {};
  const spec = job.spec ?? {};
  const errs: FieldError[] = [
    ...validateNonnegative(num(s.active), "status.active"),
    ...validateNonnegative(num(s.succeeded), "status.succeeded"),
    ...validateNonnegative(num(s.failed), "status.failed"),
  ];
  if (typeof s.ready === "number") errs.push(...validateNonnegative(s.ready, "status.ready"));
  if (typeof s.terminating === "number") errs.push(...validateNonnegative(s.terminating, "status.terminating"));
  errs.push(...uncountedErrors(s.uncountedTerminatedPods, "status.uncountedTerminatedPods"));
  if (opts.rejectCompleteJobWithFailedCondition && isComplete(job) && isFailed(job)) errs.push(conditionsError("cannot set Complete=True and Failed=true conditions"));
  if (opts.rejectCompleteJobWithFailureTargetCondition && isComplete(job) && isFailureTarget(job)) errs.push(conditionsError("cannot set Complete=True and FailureTarget=true conditions"));
  if (opts.rejectNotCompleteJobWithCompletionTime && s.completionTime && !isComplete(job)) errs.push(invalidValue("status.completionTime", marshalled(s.completionTime), "cannot set completionTime when there is no Complete=True condition"));
  if (opts.rejectCompleteJobWithoutCompletionTime && !s.completionTime && isComplete(job)) errs.push(required("status.completionTime", "completionTime is required for Complete jobs"));
  if (opts.rejectCompletionTimeBeforeStartTime && s.startTime && s.completionTime && parseTime(s.completionTime) < parseTime(s.startTime)) {
    errs.push(invalidValue("status.completionTime", marshalled(s.completionTime), "completionTime cannot be set before startTime"));
  }
  const finished = isFinished(job);
  if (opts.rejectFinishedJobWithActivePods && num(s.active) > 0 && finished) errs.push(invalidValue("status.active", s.active, "active>0 is invalid for finished job"));
  if (opts.rejectFinishedJobWithoutStartTime && !s.startTime && finished) errs.push(required("status.startTime", "startTime is required for finished job"));
  const uncounted = s.uncountedTerminatedPods;
  if (opts.rejectFinishedJobWithUncountedTerminatedPods && finished && uncounted && (uncounted.failed?.length ?? 0) + (uncounted.succeeded?.length ?? 0) > 0) {
    errs.push(invalidValue("status.uncountedTerminatedPods", marshalled(uncounted), "uncountedTerminatedPods needs to be empty for finished job"));
  }
  const completions = typeof spec.completions === "number" ? spec.completions : undefined;
  const completed: string = typeof s.completedIndexes === "string" ? s.completedIndexes : "";
  const failedIdx: string | undefined = typeof s.failedIndexes === "string" ? s.failedIndexes : undefined;
  if (opts.rejectInvalidCompletedIndexes && completions !== undefined) {
    const e = indexesFormatError(completed, completions);
    if (e) errs.push(invalidValue("status.completedIndexes", completed, `error parsing completedIndexes: ${e}`));
  }
  if (opts.rejectInvalidFailedIndexes && completions !== undefined && spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null && failedIdx !== undefined) {
    const e = indexesFormatError(failedIdx, completions);
    if (e) errs.push(invalidValue("status.failedIndexes", failedIdx, `error parsing failedIndexes: ${e}`));
  }
  if (opts.rejectCompletedIndexesForNonIndexedJob && completed.length > 0 && spec.completionMode !== "Indexed") {
    errs.push(invalidValue("status.completedIndexes", completed, "cannot set non-empty completedIndexes when non-indexed completion mode"));
  }
  if (opts.rejectFailedIndexesForNoBackoffLimitPerIndex && (spec.backoffLimitPerIndex === undefined || spec.backoffLimitPerIndex === null) && failedIdx !== undefined) {
    errs.push(invalidValue("status.failedIndexes", failedIdx, "cannot set non-null failedIndexes when backoffLimitPerIndex is null"));
  }
  if (opts.rejectFailedIndexesOverlappingCompleted && completions !== undefined && failedIdx !== undefined) {
    const e = overlapError(completed, failedIdx, completions);
    if (e) errs.push(invalidValue("status.failedIndexes", failedIdx, e));
  }
  if (isSuccessCriteriaMet(job) && isFailed(job)) errs.push(conditionsError("cannot set SuccessCriteriaMet=True and Failed=true conditions"));
  if (isSuccessCriteriaMet(job) && isFailureTarget(job)) errs.push(conditionsError("cannot set SuccessCriteriaMet=True and FailureTarget=true conditions"));
  if (spec.successPolicy && !isSuccessCriteriaMet(job) && isComplete(job)) errs.push(conditionsError("cannot set Complete=True for Job with SuccessPolicy unless SuccessCriteriaMet=True"));
  return errs;
}

/** ValidateJobUpdateStatus: metadata, the status, and the transitions from the old status. */
export function validateJobStatusUpdate(job: Obj, old: Obj): FieldError[] {
  const opts = optionsFor(job, old);
  const s = job.status ?? {};
  const o = old.status ?? {};
  const errs = [...validateObjectMetaUpdate(job.metadata, old.metadata), ...validateJobStatus(job, opts)];
  for (const type of ["Failed", "Complete", "FailureTarget"]) {
    if (conditionTrue(old, type) && !conditionTrue(job, type)) errs.push(conditionsError(`cannot disable the terminal ${type}=True condition`));
  }
  // the mutant lets the failed counter go down
  if (num(s.failed) < num(o.failed) && !mutant("validation.job-failed-counter-decrease-accepted")) errs.push(invalidValue("status.failed", num(s.failed), "cannot decrease the failed counter"));
  if (opts.rejectDecreasingSucceededCounter && num(s.succeeded) < num(o.succeeded)) errs.push(invalidValue("status.succeeded", num(s.succeeded), "cannot decrease the succeeded counter"));
  if (s.completionTime && o.completionTime && s.completionTime !== o.completionTime) errs.push(invalidValue("status.completionTime", marshalled(s.completionTime), "completionTime cannot be mutated"));
  // The Job controller resets startTime when it resumes a Job (Suspended True -> False); the rule
  // let that through since kubernetes#134769 (1.35, back-ported to 1.32-1.34): before, a resumed Job's
  // every status write failed and it never left Suspended=True.
  const resumed = conditionTrue(old, "Suspended") && conditionFalse(job, "Suspended");
  if (opts.rejectStartTimeUpdateForUnsuspendedJob && o.startTime && o.startTime !== s.startTime && job.spec?.suspend !== true && !resumed) {
    errs.push(required("status.startTime", "startTime cannot be removed for unsuspended job"));
  }
  if (isSuccessCriteriaMet(old) && !isSuccessCriteriaMet(job)) errs.push(conditionsError("cannot disable the SuccessCriteriaMet=True condition"));
  if (isComplete(old) && !isSuccessCriteriaMet(old) && isSuccessCriteriaMet(job)) errs.push(conditionsError("cannot set SuccessCriteriaMet=True for Job already has Complete=true conditions"));
  return errs;
}
