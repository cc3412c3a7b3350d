// The Job controller's decisions (pkg/controller/job: job_controller.go syncJob/manageJob,
// tracking_utils.go, indexed_job_utils.go, backoff_utils.go), as pure functions over a Job, its
// pods and the controller's per-Job records. They return what to write; they never write.

import type { Pod } from "kubernetes-types/core/v1";
import type { Job, JobCondition, JobStatus } from "kubernetes-types/batch/v1";
import { controllerRefOf } from "../common/owners.js";
import { rfc3339, toMs } from "../common/time.js";
// pastActiveDeadline: time.Duration(*ActiveDeadlineSeconds) * time.Second, which wraps past 292 years
import { goSecondsMs } from "../common/numberliteral.js";
import { deepCopy } from "../common/equal.js";
import { mutant } from "../common/mutation.js";

/** The finalizer that keeps a Job's pods until the controller has counted them. */
export const JOB_TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
/** The annotation (and label) with an Indexed Job pod's completion index. */
export const JOB_COMPLETION_INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index";
/** The annotation with how many pods of the same index failed before this one (backoffLimitPerIndex). */
export const JOB_INDEX_FAILURE_COUNT_ANNOTATION = "batch.kubernetes.io/job-index-failure-count";
/** The failures of the index a podFailurePolicy Ignore rule matched, before this pod. */
export const JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION = "batch.kubernetes.io/job-index-ignored-failure-count";
/** The env variable an Indexed Job's containers get their index from. */
export const JOB_COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX";

/** DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff (job_controller.go). */
export const POD_FAILURE_BACKOFF_MS = 10_000;
export const POD_FAILURE_BACKOFF_MAX_MS = 10 * 60_000;
/** syncJobBatchPeriod: how long a pod event (or a status-only Job update) waits before its Job is synced, and the shortest back-off wait (enqueueSyncJobWithDelay). */
export const SYNC_JOB_BATCH_PERIOD_MS = 1_000;
/** MaxPodCreateDeletePerSync: creations or deletions one sync may issue. */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;

/** Reasons and messages of the Job's conditions and events, as the controller writes them. */
export const REASON_BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded";
export const MESSAGE_BACKOFF_LIMIT_EXCEEDED = "Job has reached the specified backoff limit";
export const REASON_DEADLINE_EXCEEDED = "DeadlineExceeded";
export const MESSAGE_DEADLINE_EXCEEDED = "Job was active longer than specified deadline";
export const REASON_FAILED_INDEXES = "FailedIndexes";
export const MESSAGE_FAILED_INDEXES = "Job has failed indexes";
export const REASON_MAX_FAILED_INDEXES_EXCEEDED = "MaxFailedIndexesExceeded";
export const MESSAGE_MAX_FAILED_INDEXES_EXCEEDED = "Job has exceeded the specified maximal number of failed indexes";
export const REASON_COMPLETIONS_REACHED = "CompletionsReached";
export const MESSAGE_COMPLETIONS_REACHED = "Reached expected number of succeeded pods";
export const REASON_SUCCESS_POLICY = "SuccessPolicy";

/** The pod failures since the last success, for the pod-failure back-off (backoffRecord). */
export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureMs: number;
}

// ---------- pods ----------

const isTerminal = (p: Pod) => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";

/** An active pod: neither finished nor being deleted (controller.IsPodActive). */
export function isPodActive(p: Pod): boolean {
  return !isTerminal(p) && !p.metadata?.deletionTimestamp;
}

/** A pod being deleted that has not finished yet: it counts in status.terminating. */
export function isPodTerminating(p: Pod): boolean {
  return !!p.metadata?.deletionTimestamp && !isTerminal(p);
}

/** isPodFailed: Failed, or (replacing terminating pods) deleted before it succeeded, so an orphaned pod still counts. */
export function isPodFailed(p: Pod, job: Job): boolean {
  if (p.status?.phase === "Failed") return true;
  // the mutant counts a deleted pod as failed under podReplacementPolicy Failed too, before it is
  if (job.spec?.podReplacementPolicy === "Failed" && !mutant("job.failed-policy-counts-deleted-as-failed")) return false;
  return !!p.metadata?.deletionTimestamp && p.status?.phase !== "Succeeded";
}

export function hasTrackingFinalizer(p: Pod): boolean {
  return (p.metadata?.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
}

function isPodReady(p: Pod): boolean {
  return (p.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** The pod's completion index, or undefined when the annotation is missing or not a number (getCompletionIndex). */
export function completionIndex(p: Pod): number | undefined {
  // getCompletionIndex: the annotation only, read by strconv.Atoi (a sign and leading zeros allowed), never negative
  const v = p.metadata?.annotations?.[JOB_COMPLETION_INDEX_ANNOTATION];
  if (v === undefined || !/^[+-]?[0-9]+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) && (n >= 0 || mutant("job.completion-index-negative-accepted")) ? n + 0 : undefined;
}

// getFinishTimeFromContainers: the latest finish once every container (and, for the sidecars that outlive
// them, every init container) has terminated with a finishedAt; a regular container not yet done gives none.
function finishTimeFromContainers(p: Pod): number | undefined {
  let last: number | undefined;
  for (const statuses of [p.status?.containerStatuses ?? [], p.status?.initContainerStatuses ?? []]) {
    for (const s of statuses) {
      const t = toMs(s.state?.terminated?.finishedAt);
      if (t === undefined) return undefined;
      if (last === undefined || t > last) last = t;
    }
  }
  return last;
}

/**
 * getFinishedTime (backoff_utils.go): when all containers finished, the latest finish; else the Ready=False
 * condition's transition; else deletionTimestamp less the grace period; else the creation time.
 */
export function getFinishedTimeMs(p: Pod): number {
  const fromContainers = finishTimeFromContainers(p);
  if (fromContainers !== undefined) return fromContainers;
  const ready = (p.status?.conditions ?? []).find((c) => c.type === "Ready");
  const readyFalse = ready?.status === "False" || (mutant("job.finish-time-any-ready-condition") && ready) ? toMs(ready?.lastTransitionTime) : undefined;
  if (readyFalse !== undefined) return readyFalse;
  const deletion = toMs(p.metadata?.deletionTimestamp);
  if (deletion !== undefined) return deletion - (mutant("job.finish-time-keeps-grace") ? 0 : (p.metadata?.deletionGracePeriodSeconds ?? 0) * 1000);
  return toMs(p.metadata?.creationTimestamp) ?? 0;
}

// ---------- podFailurePolicy (pod_failure_policy.go) ----------

export const REASON_POD_FAILURE_POLICY = "PodFailurePolicy";

type PodFailurePolicy = NonNullable<NonNullable<Job["spec"]>["podFailurePolicy"]>;
type ExitCodes = NonNullable<PodFailurePolicy["rules"][number]["onExitCodes"]>;

// getMatchingContainerFromList: a container that terminated with a non-zero code the rule names.
function matchExitCodes(p: Pod, req: ExitCodes): { name: string; exitCode: number } | undefined {
  for (const list of [p.status?.containerStatuses ?? [], p.status?.initContainerStatuses ?? []]) {
    for (const s of list) {
      // the first mutant reads every container's exit code, whatever containerName the requirement names
      if (req.containerName && req.containerName !== s.name && !mutant("job.exit-code-container-name-ignored")) continue;
      const code = s.state?.terminated?.exitCode;
      // the second takes a container that exited 0 as matching NotIn
      if (code === undefined || (code === 0 && !mutant("job.exit-code-zero-matches"))) continue;
      // isOnExitCodesOperatorMatching: In or NotIn; any other operator matches nothing
      const listed = req.values.includes(code);
      if (req.operator === "In" ? listed : req.operator === "NotIn" && !listed) return { name: s.name, exitCode: code };
    }
  }
  return undefined;
}

/**
 * matchPodFailurePolicy: the first rule a failed pod matches decides. Ignore: not counted toward
 * backoffLimit; Count: counted; FailJob: counted, and the Job fails with this message; FailIndex
 * (allowed only with backoffLimitPerIndex): counted, and the pod's index fails at once, without
 * retry (isIndexFailed in indexed_job_utils.go). No rule matched: counted.
 */
export function matchPodFailurePolicy(policy: PodFailurePolicy | undefined, p: Pod): { countFailed: boolean; failJobMessage?: string; failIndex?: true } {
  for (const [i, rule] of (policy?.rules ?? []).entries()) {
    let what: string | undefined;
    if (rule.onExitCodes) {
      const c = matchExitCodes(p, rule.onExitCodes);
      if (c) what = `Container ${c.name} for pod ${p.metadata?.namespace}/${p.metadata?.name} failed with exit code ${c.exitCode} matching ${rule.action} rule at index ${i}`;
    } else if (rule.onPodConditions) {
      const cond = (p.status?.conditions ?? []).find((c) => rule.onPodConditions!.some((pat) => pat.type === c.type && (pat.status ?? "True") === c.status));
      if (cond) what = `Pod ${p.metadata?.namespace}/${p.metadata?.name} has condition ${cond.type} matching ${rule.action} rule at index ${i}`;
    }
    if (what === undefined) continue;
    if (rule.action === "Ignore") return { countFailed: false };
    if (rule.action === "FailJob") return { countFailed: true, failJobMessage: what };
    // the mutant counts a FailIndex match as an ordinary failure: the index is retried up to backoffLimitPerIndex
    if (rule.action === "FailIndex") return mutant("job.fail-index-retried") ? { countFailed: true } : { countFailed: true, failIndex: true };
    if (rule.action === "Count") return { countFailed: true };
    // a rule with an action this version does not know is skipped (pod_failure_policy.go's switch has no default)
  }
  return { countFailed: true };
}

// ---------- completed indexes ("1,3-5,7") ----------

/** The set of completed indexes written as status.completedIndexes is ("1,3-5,7"); indexes beyond completions dropped. */
export function parseIndexes(s: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  for (const part of (s ?? "").split(",")) {
    if (part === "") continue;
    const [a, b] = part.split("-");
    const lo = Number(a), hi = b === undefined ? lo : Number(b);
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) continue;
    for (let i = lo; i <= hi && (i < completions || (mutant("job.completed-indexes-past-completions") && i === completions)); i++) out.add(i);
  }
  return out;
}

/**
 * status.completedIndexes from a set: ascending, runs of three or more as intervals; a run of
 * two is written "2,3", as orderedIntervals.String in indexed_job_utils.go does.
 */
export function formatIndexes(set: ReadonlySet<number>): string {
  const xs = [...set].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j]! + 1) j++;
    // the mutant writes two consecutive indexes as a range ("1-2"); Kubernetes lists them ("1,2")
    parts.push(j === i ? `${xs[i]}` : `${xs[i]}${j === i + 1 && !mutant("job.completed-indexes-pair-as-range") ? "," : "-"}${xs[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

// ---------- successPolicy (success_policy.go) ----------

type SuccessPolicy = NonNullable<NonNullable<Job["spec"]>["successPolicy"]>;

/**
 * matchSuccessPolicy: the message of the first rule the succeeded indexes meet ("Matched rules at
 * index 0"), or undefined. A rule with succeededIndexes needs all of them, or succeededCount of
 * them when that is set; a rule with only succeededCount needs that many succeeded indexes.
 */
export function matchSuccessPolicy(policy: SuccessPolicy | undefined, completions: number, succeeded: ReadonlySet<number>): string | undefined {
  if (!policy || succeeded.size === 0) return undefined;
  for (const [i, rule] of (policy.rules ?? []).entries()) {
    const count = rule.succeededCount ?? undefined;
    if (rule.succeededIndexes !== undefined && rule.succeededIndexes !== null) {
      const required = parseIndexes(rule.succeededIndexes, completions);
      // an unparsable or out-of-range list requires nothing and matches nothing
      if (required.size === 0) continue;
      const met = [...required].filter((ix) => succeeded.has(ix)).length;
      if (met === required.size || (count !== undefined && met >= count && !mutant("job.success-indexes-count-ignored"))) return `Matched rules at index ${i}`;
    } else if (count !== undefined && succeeded.size >= count + (mutant("job.success-policy-count-off-by-one") ? 1 : 0)) return `Matched rules at index ${i}`;
  }
  return undefined;
}

// ---------- back-off ----------

/**
 * newBackoffRecord: without a new success the new failures add to the count and the latest is the last
 * failure; with one, only the failures finished after the latest success count.
 */
export function nextBackoffRecord(prev: BackoffRecord | undefined, succeeded: readonly Pod[], failed: readonly Pod[]): BackoffRecord {
  const rec: BackoffRecord = prev ?? { failuresAfterLastSuccess: 0, lastFailureMs: 0 };
  const failedTimes = failed.map(getFinishedTimeMs).sort((a, b) => a - b);
  if (succeeded.length === 0) {
    if (failedTimes.length === 0) return rec;
    return { failuresAfterLastSuccess: rec.failuresAfterLastSuccess + failedTimes.length, lastFailureMs: failedTimes[failedTimes.length - 1]! };
  }
  const lastSuccess = Math.max(...succeeded.map(getFinishedTimeMs));
  const after = failedTimes.filter((t) => t > lastSuccess);
  // the mutant keeps counting the failures from before the latest success
  if (mutant("job.success-keeps-earlier-failures")) return { failuresAfterLastSuccess: rec.failuresAfterLastSuccess + failedTimes.length, lastFailureMs: failedTimes.length > 0 ? failedTimes[failedTimes.length - 1]! : rec.lastFailureMs };
  return { failuresAfterLastSuccess: after.length, lastFailureMs: after.length > 0 ? after[after.length - 1]! : 0 };
}

/** getRemainingTime: 10 s doubling per failure since the last success, capped at 10 min, less the time since the last failure. */
export function backoffRemainingMs(rec: BackoffRecord | undefined, now: number, defaultMs = POD_FAILURE_BACKOFF_MS, maxMs = POD_FAILURE_BACKOFF_MAX_MS): number {
  if (!rec || rec.failuresAfterLastSuccess === 0) return 0;
  // the mutant's exponent is one step ahead: the first failure already waits 20 s
  const exp = Math.min(rec.failuresAfterLastSuccess - (mutant("job.failure-backoff-one-step-ahead") ? 0 : 1), 30);
  const backoff = Math.min(defaultMs * 2 ** exp, maxMs);
  return Math.max(0, backoff - Math.max(0, now - rec.lastFailureMs));
}

// ---------- conditions ----------

export function conditionTrue(job: Job, type: string): JobCondition | undefined {
  return (job.status?.conditions ?? []).find((c) => c.type === type && c.status === "True");
}

/** spec.managedBy's value for the built-in Job controller (batch.JobControllerName). */
export const JOB_CONTROLLER_NAME = "kubernetes.io/job-controller";

/** managedByExternalController: the controller a Job names in spec.managedBy, unless it is the built-in one. */
export function managedByExternalController(job: Job): string | undefined {
  const name = job.spec?.managedBy;
  return typeof name === "string" && (name !== JOB_CONTROLLER_NAME || mutant("job.managed-by-builtin-name-external")) ? name : undefined;
}

/** A Job is finished once Complete or Failed is True (IsJobFinished): the controller leaves it alone. */
export function isJobFinished(job: Job): boolean {
  return !!conditionTrue(job, "Complete") || !!conditionTrue(job, "Failed") || (mutant("job.finished-on-failure-target") && !!conditionTrue(job, "FailureTarget"));
}

function newCondition(type: string, status: "True" | "False", reason: string, message: string, now: number): JobCondition {
  const t = rfc3339(now);
  return { type, status, reason, message, lastProbeTime: t, lastTransitionTime: t };
}

// ensureJobConditionStatus: a condition changes (and gets new times) only when its status changes.
function ensureCondition(conds: JobCondition[], c: JobCondition): JobCondition[] {
  const i = conds.findIndex((x) => x.type === c.type);
  if (i < 0) return c.status === "True" ? [...conds, c] : conds;
  if (conds[i]!.status === c.status) return conds;
  return conds.map((x, j) => (j === i ? c : x));
}

// pastBackoffLimitOnFailure: with restartPolicy OnFailure the kubelet restarts containers in place, so their restarts count.
export function pastBackoffLimitOnFailure(job: Job, active: readonly Pod[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== "OnFailure") return false;
  let restarts = 0;
  for (const p of active) for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += s.restartCount ?? 0;
  const limit = job.spec?.backoffLimit ?? 6;
  // the mutant lets the restarts reach the limit: the Job fails one restart late
  return limit === 0 ? restarts > 0 : mutant("job.onfailure-restarts-reach-limit") ? restarts > limit : restarts >= limit;
}

// ---------- the sync ----------

/** What one syncJob decides for a Job and the pods it controls. */
export interface JobSyncPlan {
  /** the status to write (undefined: unchanged) */
  status?: JobStatus;
  /** completion indexes of pods to create (undefined entries for NonIndexed) */
  create: (number | undefined)[];
  /** with backoffLimitPerIndex: failures so far of each index to create (the job-index-failure-count and job-index-ignored-failure-count annotations) */
  indexFailures?: Record<number, { failures: number; ignored: number }>;
  delete: Pod[];
  /** pods whose tracking finalizer goes once the status with their uids is written */
  removeFinalizers: Pod[];
  backoff: BackoffRecord;
  /** what the Job's lifecycle chart observes */
  observation: JobObservation;
  /** events recorded once the status is written */
  events: { type: "Normal" | "Warning"; reason: string; message: string }[];
}

/** The lifecycle chart's events (job.lifecycle.machine.ts), one per sync. */
export type JobObservation =
  | { type: "JobRunning"; deadlineMs?: number }
  | { type: "PodFailureBackOff"; delayMs: number; deadlineMs?: number }
  | { type: "JobSuspended" }
  | { type: "SuccessCriteriaMet" }
  | { type: "FailureTarget"; reason: string }
  | { type: "Complete" }
  | { type: "Failed"; reason: string };

export interface JobSyncInput {
  job: Job;
  /** the pods whose controller ownerReference is this Job */
  pods: readonly Pod[];
  now: number;
  backoff?: BackoffRecord;
  /** no creations or deletions are in flight (SatisfiedExpectations) */
  expectationsSatisfied: boolean;
  /** pods whose finalizer removal is already on its way */
  removingFinalizers: ReadonlySet<string>;
}

const statusKeys = ["conditions", "startTime", "completionTime", "active", "succeeded", "failed", "terminating", "completedIndexes", "failedIndexes", "uncountedTerminatedPods", "ready"] as const;

function sameStatus(a: JobStatus | undefined, b: JobStatus): boolean {
  const pick = (s: JobStatus | undefined) => JSON.stringify(statusKeys.map((k) => s?.[k] ?? null));
  return pick(a) === pick(b);
}

/** Which active pods go first when there are too many: unscheduled, pending, not ready, then the newest (activePodsForRemoval). */
function podsToRemove(pods: readonly Pod[], n: number): Pod[] {
  if (n <= 0) return [];
  const rank = (p: Pod) => [p.spec?.nodeName ? 1 : 0, p.status?.phase === "Running" ? 1 : 0, isPodReady(p) ? 1 : 0];
  const sorted = [...pods].sort((a, b) => {
    const ra = rank(a), rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
    return (toMs(b.metadata?.creationTimestamp) ?? 0) - (toMs(a.metadata?.creationTimestamp) ?? 0);
  });
  return sorted.slice(0, n);
}

/** The Indexed pods that must go: a pod of a completed index, then appendDuplicatedIndexPodsForRemoval's. */
function badIndexedPods(active: readonly Pod[], completions: number, done: ReadonlySet<number>): { keep: Pod[]; remove: Pod[] } {
  const ofDone = active.filter((p) => done.has(completionIndex(p) ?? -1));
  const rest = appendDuplicatedIndexPodsForRemoval(active.filter((p) => !ofDone.includes(p)), completions);
  return { keep: rest.keep, remove: [...ofDone, ...rest.remove] };
}

const podPhaseOrdinal: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

function podReadyMs(p: Pod): number | undefined {
  const c = (p.status?.conditions ?? []).find((x) => x.type === "Ready" && x.status === "True");
  return toMs(c?.lastTransitionTime);
}

function maxContainerRestarts(p: Pod): number {
  return Math.max(0, ...(p.status?.containerStatuses ?? []).map((s) => s.restartCount ?? 0));
}

// afterOrZero: an empty time counts as the latest
function afterOrZero(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

/** controller.ActivePods' Less: the pod to delete first sorts first (unassigned, pending, not ready, ready for less time, more restarts, newer). */
export function activePodsLess(a: Pod, b: Pod): boolean {
  const na = a.spec?.nodeName ?? "", nb = b.spec?.nodeName ?? "";
  if (na !== nb && (na === "" || nb === "")) return na === "";
  const pa = podPhaseOrdinal[a.status?.phase ?? ""] ?? 0, pb = podPhaseOrdinal[b.status?.phase ?? ""] ?? 0;
  if (pa !== pb) return pa < pb;
  const ra = isPodReady(a), rb = isPodReady(b);
  // the mutant removes a ready pod before a not-ready one
  if (ra !== rb) return mutant("job.removes-ready-before-unready") ? ra : !ra;
  if (ra && rb) {
    const ta = podReadyMs(a), tb = podReadyMs(b);
    if (ta !== tb) return afterOrZero(ta, tb);
  }
  const ca = maxContainerRestarts(a), cb = maxContainerRestarts(b);
  if (ca !== cb) return ca > cb;
  const ka = toMs(a.metadata?.creationTimestamp), kb = toMs(b.metadata?.creationTimestamp);
  if (ka !== kb) return afterOrZero(ka, kb);
  return false;
}

/**
 * appendDuplicatedIndexPodsForRemoval (indexed_job_utils.go): the pods sorted by completion index; those
 * without a valid index and those at or beyond completions go, and of several pods of one index only the
 * most active (the last in ActivePods order) stays.
 */
export function appendDuplicatedIndexPodsForRemoval(pods: readonly Pod[], completions: number): { keep: Pod[]; remove: Pod[] } {
  const ix = (p: Pod) => completionIndex(p) ?? -1;
  const sorted = [...pods].sort((a, b) => ix(a) - ix(b));
  const keep: Pod[] = [], remove: Pod[] = [];
  let i = 0;
  while (i < sorted.length) {
    const index = ix(sorted[i]!);
    if (index >= completions) {
      remove.push(...sorted.slice(i));
      break;
    }
    let j = i;
    while (j < sorted.length && ix(sorted[j]!) === index) j++;
    const group = sorted.slice(i, j);
    if (index === -1) remove.push(...group);
    else {
      const ordered = group.sort((a, b) => (activePodsLess(a, b) ? -1 : activePodsLess(b, a) ? 1 : 0));
      remove.push(...ordered.slice(0, -1));
      keep.push(ordered[ordered.length - 1]!);
    }
    i = j;
  }
  return { keep, remove };
}

/** podGenerateNameWithIndex: <job>-<index>-, the job name cut so that it fits MaxGeneratedNameLength (58). */
export function podGenerateNameWithIndex(jobName: string, index: number): string {
  const append = `-${index}-`;
  const prefix = jobName + append;
  // Go slices bytes; a Job name is a DNS-1123 subdomain, ASCII only
  if (prefix.length <= maxGeneratedNameLength) return prefix;
  // the mutant cuts the whole prefix, index and all
  return mutant("job.index-name-truncation-drops-index") ? prefix.slice(0, maxGeneratedNameLength) : prefix.slice(0, maxGeneratedNameLength - append.length) + append;
}

// names.MaxGeneratedNameLength: 63 less the 5 random characters
const maxGeneratedNameLength = 58;

/** The n lowest indexes neither completed nor held by an active (or, under podReplacementPolicy Failed, terminating) pod. */
export function firstPendingIndexes(n: number, completions: number, done: ReadonlySet<number>, held: ReadonlySet<number>): number[] {
  const out: number[] = [];
  // the mutant forgets the indexes an active pod holds: a second pod is made for an index already running
  for (let i = 0; i < completions && out.length < n; i++) if (!done.has(i) && (!held.has(i) || mutant("job.indexed-reuses-held-index"))) out.push(i);
  return out;
}

/** One index's failures under backoffLimitPerIndex: how many, whether a FailIndex rule matched one. */
export interface IndexFailures {
  count: number;
  failIndex?: true;
}

/** Per index: the failures of its counted failed pods (annotation of failures before it, plus one). */
export function indexFailures(job: Job, pods: readonly Pod[]): Map<number, IndexFailures> {
  const out = new Map<number, IndexFailures>();
  for (const p of pods) {
    const ix = completionIndex(p);
    if (ix === undefined || !isPodFailed(p, job)) continue;
    const match = matchPodFailurePolicy(job.spec?.podFailurePolicy, p);
    if (!match.countFailed) continue;
    const count = indexFailureCount(p) + 1;
    const prev = out.get(ix);
    const failIndex = prev?.failIndex ?? match.failIndex;
    out.set(ix, { count: Math.max(prev?.count ?? 0, count), ...(failIndex ? { failIndex } : {}) });
  }
  return out;
}

/**
 * getPodsWithDelayedDeletionPerIndex: under backoffLimitPerIndex, the latest failed pod of each index
 * that is neither succeeded, failed for good nor running again keeps its finalizer (and stays
 * uncounted) until its replacement exists, so the replacement's failure count can be read from it.
 * Returns those pods by index.
 */
export function podsWithDelayedDeletion(job: Job, pods: readonly Pod[], completions: number, done: ReadonlySet<number>, failedIndexes: ReadonlySet<number>, removingFinalizers: ReadonlySet<string> = new Set()): Map<number, Pod> {
  // a pod already counted (uncounted list) or whose finalizer is on its way out is no longer held
  const uncountedFailed = new Set([...(job.status?.uncountedTerminatedPods?.failed ?? []), ...removingFinalizers]);
  const activeIndexes = new Set(pods.filter(isPodActive).map(completionIndex));
  const latest = new Map<number, Pod>();
  for (const p of pods) {
    const ix = completionIndex(p);
    if (!hasTrackingFinalizer(p) || uncountedFailed.has(p.metadata?.uid ?? "") || ix === undefined || ix >= completions) continue;
    if (!isPodFailed(p, job) || done.has(ix) || failedIndexes.has(ix) || activeIndexes.has(ix)) continue;
    const last = latest.get(ix);
    if (!last || (absoluteIndexFailures(last) <= absoluteIndexFailures(p) && getFinishedTimeMs(p) >= getFinishedTimeMs(last))) latest.set(ix, p);
  }
  return latest;
}

// parseInt32 (strconv.Atoi, then the int32 range) of an index's failure annotations: absent,
// unparsable, negative or beyond int32 reads 0
function annotationCount(p: Pod, key: string): number {
  const v = p.metadata?.annotations?.[key];
  if (v === undefined || !/^[+-]?[0-9]{1,19}$/.test(v)) return 0;
  const n = Number(v);
  return n >= 0 && n <= 2 ** 31 - 1 ? n : 0;
}

/** getIndexFailureCount: the job-index-failure-count annotation as an int32 (0 when not one). */
export function indexFailureCount(p: Pod): number {
  return annotationCount(p, JOB_INDEX_FAILURE_COUNT_ANNOTATION);
}

/** The index's failures before this pod, counted and ignored (getIndexAbsoluteFailureCount). */
function absoluteIndexFailures(p: Pod): number {
  return indexFailureCount(p) + annotationCount(p, JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION);
}

/**
 * getPodCreationInfoForIndependentIndexes: of the indexes to add, those whose delayed pod's back-off
 * (its index's failures, counted and ignored, plus one, from its finish time) is over are created now;
 * only when none is does the sync wait, for the soonest of them.
 */
export function podCreationInfoForIndependentIndexes(indexes: readonly number[], delayed: ReadonlyMap<number, Pod>, now: number): { create: number[]; remainingMs: number } {
  const left = (ix: number) => {
    const p = delayed.get(ix);
    if (!p) return 0;
    // the mutant counts only the index's counted failures, not the ignored ones
    const before = mutant("job.index-backoff-ignores-ignored-failures") ? indexFailureCount(p) : absoluteIndexFailures(p);
    return backoffRemainingMs({ failuresAfterLastSuccess: before + 1, lastFailureMs: getFinishedTimeMs(p) }, now);
  };
  const create = indexes.filter((ix) => left(ix) <= 0);
  return { create, remainingMs: create.length > 0 || indexes.length === 0 ? 0 : Math.min(...indexes.map(left)) };
}

/** getNewIndexFailureCounts: the failure counts a replacement carries, one more than the pod it replaces. */
export function newIndexFailureCounts(job: Job, replaced: Pod | undefined): { failures: number; ignored: number } {
  if (!replaced) return { failures: 0, ignored: 0 };
  const failures = indexFailureCount(replaced);
  const ignored = annotationCount(replaced, JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION);
  const counted = !job.spec?.podFailurePolicy || matchPodFailurePolicy(job.spec.podFailurePolicy, replaced).countFailed;
  // the mutant counts a failure an Ignore rule matched as a counted one
  return counted || mutant("job.ignored-failure-counted-on-replacement") ? { failures: failures + 1, ignored } : { failures, ignored: ignored + 1 };
}

interface Counted {
  succeeded: number;
  failed: number;
  uncounted: { succeeded: string[]; failed: string[] };
  done: Set<number>;
  newSucceeded: Pod[];
  newFailed: Pod[];
  removeFinalizers: Pod[];
}

// The tracking half of syncJob: finished pods still holding the finalizer join uncountedTerminatedPods
// (an Indexed success joins completedIndexes); uids whose pods let go of the finalizer move to the counters.
/**
 * trackJobStatusAndRemoveFinalizers' counting: a pod's finalizer comes off (and the pod is counted)
 * once canRemoveFinalizer allows it: the Job is being deleted or has its finished condition, the pod
 * succeeded, or it is considered failed. Under a failure target every pod not succeeded counts as failed.
 */
function countPods(input: JobSyncInput, completions: number, finished?: "FailureTarget" | "SuccessCriteriaMet", delayed: ReadonlySet<string> = new Set()): Counted {
  const { job, pods } = input;
  const st = job.status ?? {};
  const indexed = job.spec?.completionMode === "Indexed";
  const prevSucceeded = new Set(st.uncountedTerminatedPods?.succeeded ?? []);
  const prevFailed = new Set(st.uncountedTerminatedPods?.failed ?? []);
  const done = indexed ? parseIndexes(st.completedIndexes, completions) : new Set<number>();
  const succeededU = [...prevSucceeded], failedU = [...prevFailed];
  const newSucceeded: Pod[] = [], newFailed: Pod[] = [], removeFinalizers: Pod[] = [];
  const holding = new Set<string>();
  for (const p of pods) {
    const uid = p.metadata?.uid ?? "";
    if (!hasTrackingFinalizer(p) || input.removingFinalizers.has(uid)) continue;
    holding.add(uid);
    const considerFailed = isPodFailed(p, job);
    // canRemoveFinalizer: a pod being deleted that is not considered failed (podReplacementPolicy Failed) keeps it until it is
    // and a failed pod whose deletion waits for its index's replacement keeps it too
    if (!job.metadata?.deletionTimestamp && finished === undefined && p.status?.phase !== "Succeeded" && (!considerFailed || delayed.has(uid))) continue;
    if (!(mutant("job.keeps-finalizer-on-failed-pod") && p.status?.phase === "Failed")) removeFinalizers.push(p);
    if (p.status?.phase === "Succeeded" && !prevFailed.has(uid)) {
      if (indexed) {
        const ix = completionIndex(p);
        if (ix !== undefined && ix < completions && !done.has(ix)) {
          done.add(ix);
          newSucceeded.push(p);
        }
      } else if (!prevSucceeded.has(uid)) {
        succeededU.push(uid);
        newSucceeded.push(p);
      }
    } else if ((considerFailed || finished === "FailureTarget") && !prevFailed.has(uid) && (!indexed || (completionIndex(p) ?? completions) < completions)) {
      // an Ignore rule of the podFailurePolicy keeps the pod out of the failed count, not out of the
      // back-off (getNewFinishedPods feeds newBackoffRecord every failed pod)
      if (matchPodFailurePolicy(job.spec?.podFailurePolicy, p).countFailed || mutant("job.ignore-rule-counts-failure")) failedU.push(uid);
      newFailed.push(p);
    }
  }
  // uids whose pods no longer hold the finalizer (or are gone) are counted now, and leave the list
  let succeeded = st.succeeded ?? 0, failed = st.failed ?? 0;
  const keepS = succeededU.filter((u) => holding.has(u) || input.removingFinalizers.has(u));
  const keepF = failedU.filter((u) => holding.has(u) || input.removingFinalizers.has(u));
  // (the mutant also counts each pod as it enters uncountedTerminatedPods: twice in all)
  if (!indexed) succeeded += succeededU.length - keepS.length + (mutant("job.counts-succeeded-twice") ? newSucceeded.length : 0);
  failed += failedU.length - keepF.length;
  if (indexed) succeeded = done.size;
  return { succeeded, failed, uncounted: { succeeded: indexed ? [] : keepS, failed: keepF }, done, newSucceeded, newFailed, removeFinalizers };
}

/**
 * One syncJob of an unfinished Job: count finished pods, decide whether the Job has failed
 * (backoffLimit, activeDeadlineSeconds) or met its completions, otherwise create or delete pods
 * toward min(parallelism, remaining completions) unless the pod-failure back-off holds creation,
 * and compute the status to write. The terminal condition (Complete, Failed) is written only once
 * every finished pod is counted and no pod is still terminating.
 */
export function syncJob(input: JobSyncInput): JobSyncPlan {
  const { job, pods, now } = input;
  const spec = job.spec ?? { template: {} };
  const st = job.status ?? {};
  const indexed = spec.completionMode === "Indexed";
  const completions = spec.completions ?? undefined;
  const parallelism = spec.parallelism ?? 1;
  const suspended = spec.suspend === true;
  const prevFinished = conditionTrue(job, "FailureTarget") ?? conditionTrue(job, "SuccessCriteriaMet");
  let c = countPods(input, completions ?? 0, prevFinished?.type as "FailureTarget" | "SuccessCriteriaMet" | undefined);
  const backoff = nextBackoffRecord(input.backoff, c.newSucceeded, c.newFailed);
  const plan: JobSyncPlan = { create: [], delete: [], removeFinalizers: c.removeFinalizers, backoff, observation: { type: "JobRunning" }, events: [] };
  let active = pods.filter(isPodActive);
  let terminating = pods.filter(isPodTerminating).length;
  let conditions: JobCondition[] = [...(st.conditions ?? [])];
  // syncJob calls manageJob (which deletes a suspended Job's pods) only with its expectations met and
  // the Job not being deleted (an orphaning delete keeps it a while, its pods released); the Suspended
  // condition, either way, is written only by a sync that called it.
  const manageCalled = input.expectationsSatisfied && !job.metadata?.deletionTimestamp;
  const resumed = !suspended && !!conditionTrue(job, "Suspended") && manageCalled;
  // the first start (set only when not suspended); this sync's deadline check reads it even when the
  // sync resumes the Job, as pastActiveDeadline runs before the Resumed condition resets it
  let startTime = st.startTime ?? (suspended ? undefined : rfc3339(now));
  const startMs = toMs(startTime);
  const ads = spec.activeDeadlineSeconds;
  const deadlineMs = ads !== undefined && ads !== null && startMs !== undefined && !suspended ? startMs + goSecondsMs(ads) - now : undefined;
  const failedCount = c.failed + c.uncounted.failed.length;
  // backoffLimitPerIndex: an index whose failures exceed the limit is failed for good (status.failedIndexes)
  const perIndex = indexed && spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null;
  const perIndexFailures = perIndex ? indexFailures(job, pods) : new Map<number, IndexFailures>();
  const failedIndexes = perIndex ? parseIndexes(st.failedIndexes ?? "", completions ?? 0) : new Set<number>();
  for (const [ix, f] of perIndexFailures) if ((f.failIndex || f.count > spec.backoffLimitPerIndex!) && !c.done.has(ix) && ix < (completions ?? 0)) failedIndexes.add(ix);
  const succeededCount = indexed ? c.done.size : c.succeeded + c.uncounted.succeeded.length;
  // counted above toward backoffLimit (getNewFinishedPods reads them), a delayed pod is not yet tracked
  const delayedByIndex = perIndex ? podsWithDelayedDeletion(job, pods, completions ?? 0, c.done, failedIndexes, input.removingFinalizers) : new Map<number, Pod>();
  const delayed = new Set([...delayedByIndex.values()].map((p) => p.metadata?.uid ?? ""));
  if (delayed.size > 0 && !prevFinished) {
    c = countPods(input, completions ?? 0, undefined, delayed);
    plan.removeFinalizers = c.removeFinalizers;
  }

  // the finished condition: kept from an earlier sync, or decided now
  let target: { type: "FailureTarget" | "SuccessCriteriaMet"; reason: string; message: string } | undefined;
  const prevTarget = conditionTrue(job, "FailureTarget") ?? conditionTrue(job, "SuccessCriteriaMet");
  const failJobMessage = spec.podFailurePolicy ? firstFailJobMessage(job, pods) : undefined;
  if (prevTarget) target = { type: prevTarget.type as "FailureTarget" | "SuccessCriteriaMet", reason: prevTarget.reason ?? "", message: prevTarget.message ?? "" };
  else if (failJobMessage !== undefined) target = { type: "FailureTarget", reason: REASON_POD_FAILURE_POLICY, message: failJobMessage };
  else if ((mutant("job.backoff-limit-off-by-one") ? failedCount >= (spec.backoffLimit ?? 6) : failedCount > (spec.backoffLimit ?? 6)) || pastBackoffLimitOnFailure(job, active)) target = mutant("job.backoff-failure-reason-deadline") ? { type: "FailureTarget", reason: REASON_DEADLINE_EXCEEDED, message: MESSAGE_DEADLINE_EXCEEDED } : { type: "FailureTarget", reason: REASON_BACKOFF_LIMIT_EXCEEDED, message: MESSAGE_BACKOFF_LIMIT_EXCEEDED };
  else if (deadlineMs !== undefined && deadlineMs <= 0) target = { type: "FailureTarget", reason: REASON_DEADLINE_EXCEEDED, message: MESSAGE_DEADLINE_EXCEEDED };
  // backoffLimitPerIndex's two failures come after backoffLimit and the deadline, and before the successPolicy
  else if (perIndex && spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes !== null && (mutant("job.max-failed-indexes-off-by-one") ? failedIndexes.size >= spec.maxFailedIndexes : failedIndexes.size > spec.maxFailedIndexes)) target = { type: "FailureTarget", reason: REASON_MAX_FAILED_INDEXES_EXCEEDED, message: MESSAGE_MAX_FAILED_INDEXES_EXCEEDED };
  // every index succeeded or failed for good: failed indexes fail the Job
  else if (perIndex && failedIndexes.size > 0 && completions !== undefined && c.done.size + failedIndexes.size >= completions) target = { type: "FailureTarget", reason: REASON_FAILED_INDEXES, message: MESSAGE_FAILED_INDEXES };
  else if (indexed && completions !== undefined) {
    // after every failure check, as syncJob orders them: a successPolicy rule met ends the Job a success
    const matched = matchSuccessPolicy(spec.successPolicy, completions, c.done);
    if (matched !== undefined) target = { type: "SuccessCriteriaMet", reason: REASON_SUCCESS_POLICY, message: matched };
  }

  if (!target) {
    if (suspended) {
      if (manageCalled) plan.delete = mutant("job.suspend-keeps-pods") ? [] : active;
    } else if (manageCalled) manage(plan, job, active, terminating, perIndex ? new Set([...c.done, ...failedIndexes]) : c.done, succeededCount + failedIndexes.size, completions, parallelism, now, perIndex ? delayedByIndex : undefined);
    const complete = indexed ? completions !== undefined && c.done.size >= completions
      : completions === undefined || completions === null ? succeededCount > 0 && active.length - plan.delete.length === 0 && plan.create.length === 0
      : succeededCount >= completions - (mutant("job.complete-one-short") ? 1 : 0);
    if (complete) target = { type: "SuccessCriteriaMet", reason: REASON_COMPLETIONS_REACHED, message: MESSAGE_COMPLETIONS_REACHED };
    // a Job is suspended (or resumed) only when not complete: a completed Job never gets the condition
    else if (suspended && manageCalled && !conditionTrue(job, "Suspended")) {
      conditions = ensureCondition(conditions, newCondition("Suspended", "True", "JobSuspended", "Job suspended", now));
      plan.events.push({ type: "Normal", reason: "Suspended", message: "Job suspended" });
    } else if (resumed) {
      conditions = ensureCondition(conditions, newCondition("Suspended", "False", "JobResumed", "Job resumed", now));
      plan.events.push({ type: "Normal", reason: "Resumed", message: "Job resumed" });
      // activeDeadlineSeconds counts the seconds a Job is continuously active: the resume resets startTime
      startTime = rfc3339(now);
    }
  }
  // a finished condition decided in this sync lets every pod's finalizer go, and counts those not succeeded as failed
  if (target && !prevTarget) {
    c = countPods(input, completions ?? 0, target.type);
    plan.removeFinalizers = c.removeFinalizers;
  }
  if (target) {
    // a finished Job keeps no pod running: the rest are deleted (deleteActivePods)
    plan.create = [];
    plan.delete = active;
    conditions = ensureCondition(conditions, newCondition(target.type, "True", target.reason, target.message, now));
  }
  const deleting = new Set(plan.delete.map((p) => p.metadata?.uid));
  terminating += plan.delete.length;
  active = active.filter((p) => !deleting.has(p.metadata?.uid));

  // the terminal condition waits until every finished pod is counted and none is terminating
  const settled = c.uncounted.succeeded.length === 0 && c.uncounted.failed.length === 0 && c.removeFinalizers.length === 0 && input.removingFinalizers.size === 0 && terminating === 0 && active.length === 0;
  let completionTime = st.completionTime;
  if (target && (settled || mutant("job.terminal-before-pods-settled"))) {
    const terminal = target.type === "SuccessCriteriaMet" ? "Complete" : "Failed";
    conditions = ensureCondition(conditions, newCondition(terminal, "True", target.reason, target.message, now));
    if (terminal === "Complete") {
      if (!mutant("job.complete-without-completion-time")) completionTime = rfc3339(now);
      plan.events.push({ type: "Normal", reason: "Completed", message: "Job completed" });
      plan.observation = { type: "Complete" };
    } else {
      plan.events.push({ type: "Warning", reason: target.reason, message: target.message });
      plan.observation = { type: "Failed", reason: target.reason };
    }
  } else if (target) plan.observation = target.type === "SuccessCriteriaMet" ? { type: "SuccessCriteriaMet" } : { type: "FailureTarget", reason: target.reason };
  // the chart follows the Suspended condition as written: a sync that may not call manageJob (unmet
  // expectations) neither writes nor takes it away, so the chart stays where the condition says
  else if (conditions.some((x) => x.type === "Suspended" && x.status === "True")) plan.observation = { type: "JobSuspended" };
  else if (suspended) plan.observation = { type: "JobRunning" };
  else if (plan.observation.type === "JobRunning" && deadlineMs !== undefined) plan.observation = { type: "JobRunning", deadlineMs };
  if (plan.observation.type === "PodFailureBackOff" && deadlineMs !== undefined) plan.observation = { ...plan.observation, deadlineMs };

  const status: JobStatus = {
    ...(conditions.length ? { conditions } : {}),
    ...(startTime ? { startTime } : {}),
    ...(completionTime ? { completionTime } : {}),
    // active, succeeded and failed are omitempty int32s; ready and terminating are pointers, shown as 0.
    // active counts the pods this sync creates (manageJob's active += diff): written with them, not a sync later
    ...(active.length + plan.create.length ? { active: active.length + plan.create.length } : {}),
    ...((indexed ? c.done.size : c.succeeded) ? { succeeded: indexed ? c.done.size : c.succeeded } : {}),
    ...(c.failed ? { failed: c.failed } : {}),
    terminating,
    ...(indexed ? { completedIndexes: formatIndexes(c.done) } : {}),
    ...(perIndex ? { failedIndexes: formatIndexes(failedIndexes) } : {}),
    uncountedTerminatedPods: c.uncounted.succeeded.length || c.uncounted.failed.length ? { ...(c.uncounted.succeeded.length ? { succeeded: c.uncounted.succeeded } : {}), ...(c.uncounted.failed.length ? { failed: c.uncounted.failed } : {}) } : {},
    ready: active.filter(isPodReady).length,
  };
  if (!sameStatus(st, status)) plan.status = status;
  return plan;
}

// getFailJobMessage: the first failed pod that a FailJob rule matches fails the Job.
function firstFailJobMessage(job: Job, pods: readonly Pod[]): string | undefined {
  for (const p of pods) {
    if (!isPodFailed(p, job)) continue;
    const m = matchPodFailurePolicy(job.spec?.podFailurePolicy, p).failJobMessage;
    if (m !== undefined) return m;
  }
  return undefined;
}

// manageJob: toward wantActive = min(parallelism, remaining completions) active pods.
function manage(plan: JobSyncPlan, job: Job, active: Pod[], terminating: number, done: ReadonlySet<number>, succeeded: number, completions: number | undefined, parallelism: number, now: number, perIndex?: ReadonlyMap<number, Pod>): void {
  const indexed = job.spec?.completionMode === "Indexed";
  let kept = active;
  if (indexed) {
    const b = badIndexedPods(active, completions ?? 0, done);
    plan.delete.push(...b.remove);
    kept = b.keep;
  }
  let want: number;
  if (completions === undefined || completions === null) want = succeeded > 0 ? kept.length : parallelism;
  else want = Math.max(0, Math.min(parallelism, completions - succeeded));
  const surplus = podsToRemove(kept, Math.min(kept.length - want, MAX_POD_CREATE_DELETE_PER_SYNC));
  plan.delete.push(...surplus);
  // manageJob deletes or creates in one sync, never both: deleting takes precedence (an Indexed Job's
  // duplicated or out-of-range pods go first, their indexes are created a sync later)
  if (plan.delete.length > 0) return;
  const remaining = (mutant("job.counts-running-as-active") ? kept.filter((p) => p.status?.phase === "Running").length : kept.length) - surplus.length;
  // Only podReplacementPolicy Failed waits for terminating pods before replacing them.
  // the mutant reads the policy as TerminatingOrFailed's: replacements start while the deleted pods still run
  const waitFor = job.spec?.podReplacementPolicy === "Failed" && !mutant("job.failed-replacement-ignores-terminating") ? terminating : 0;
  const diff = Math.min(want - remaining - waitFor, MAX_POD_CREATE_DELETE_PER_SYNC);
  if (diff <= 0) return;
  // with backoffLimitPerIndex each index backs off on its own failures
  const delayMs = perIndex ? 0 : backoffRemainingMs(plan.backoff, now);
  if (delayMs > 0) {
    plan.observation = { type: "PodFailureBackOff", delayMs };
    return;
  }
  if (!indexed) {
    plan.create = Array.from({ length: diff }, () => undefined);
    return;
  }
  const held = new Set<number>();
  for (const p of kept) if (!surplus.includes(p)) held.add(completionIndex(p)!);
  if (!perIndex) {
    plan.create = firstPendingIndexes(diff, completions ?? 0, done, held);
    return;
  }
  // each index backs off on the failures of the pod it replaces, whose counts the replacement carries
  const info = podCreationInfoForIndependentIndexes(firstPendingIndexes(diff, completions ?? 0, done, held), perIndex, now);
  plan.create = info.create;
  plan.indexFailures = Object.fromEntries(info.create.map((ix) => [ix, newIndexFailureCounts(job, perIndex.get(ix))]));
  if (info.remainingMs > 0) plan.observation = { type: "PodFailureBackOff", delayMs: info.remainingMs };
}

// ---------- pods from the template ----------

/** The controller ownerReference a Job puts on its pods (metav1.NewControllerRef). */
export function jobControllerRef(job: Job) {
  return { apiVersion: "batch/v1", kind: "Job", name: job.metadata?.name ?? "", uid: job.metadata?.uid ?? "", controller: true, blockOwnerDeletion: true };
}

/**
 * A pod for the Job (GetPodFromTemplate plus the Job's additions): the tracking finalizer and the
 * controller ownerReference; for an Indexed Job the completion index as annotation and label, the
 * hostname <job>-<index>, the name prefix <job>-<index>- and JOB_COMPLETION_INDEX in every container.
 */
export function newPodForJob(job: Job, index?: number, indexFailures?: { failures: number; ignored: number }): Pod {
  const t = job.spec?.template ?? {};
  const name = job.metadata?.name ?? "";
  const annotations: Record<string, string> = { ...(t.metadata?.annotations ?? {}) };
  const labels: Record<string, string> = { ...(t.metadata?.labels ?? {}) };
  const spec = deepCopy(t.spec ?? { containers: [] });
  if (index !== undefined) {
    annotations[JOB_COMPLETION_INDEX_ANNOTATION] = String(index);
    if (indexFailures !== undefined) annotations[JOB_INDEX_FAILURE_COUNT_ANNOTATION] = String(indexFailures.failures);
    if (indexFailures !== undefined && indexFailures.ignored > 0) annotations[JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION] = String(indexFailures.ignored);
    labels[JOB_COMPLETION_INDEX_ANNOTATION] = String(index);
    spec.hostname = `${name}-${index}`;
    // PodIndexLabel (GA, locked on since v1.32): the variable reads the label, not the annotation
    const env = { name: JOB_COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.labels['${JOB_COMPLETION_INDEX_ANNOTATION}']` } } };
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) if (!(c.env ?? []).some((e) => e.name === JOB_COMPLETION_INDEX_ENV)) c.env = [...(c.env ?? []), env];
  }
  return {
    apiVersion: "v1", kind: "Pod",
    metadata: {
      generateName: index === undefined ? `${name}-` : podGenerateNameWithIndex(name, index),
      namespace: job.metadata?.namespace,
      labels, annotations,
      // the mutant creates pods without the tracking finalizer
      finalizers: [...(t.metadata?.finalizers ?? []), ...(mutant("job.pod-without-tracking-finalizer") ? [] : [JOB_TRACKING_FINALIZER])],
      ownerReferences: [jobControllerRef(job)],
    },
    spec,
  };
}

/** True when the pod's controller ownerReference is this Job. */
export function isControlledBy(p: Pod, job: Job): boolean {
  const ref = controllerRefOf(p);
  return ref !== undefined && ref.uid === job.metadata?.uid;
}
