// The CronJob controller's decisions (pkg/controller/cronjob: cronjob_controllerv2.go sync,
// syncCronJob, cleanupFinishedJobs; utils.go mostRecentScheduleTime, nextScheduleTime,
// nextScheduleTimeDuration, getJobFromTemplate2), as pure functions. The real sync calls the API
// server in the middle (GET the CronJob, GET a Job, DELETE, CREATE); here a sync is run again
// with every answer it has so far (`answers`) and, where it needs one it does not have, it stops
// and names the request. Once every answer is in, it returns the status to write, the events in
// the order Kubernetes records them and when to look again.

import type { CronJob, CronJobStatus, Job } from "kubernetes-types/batch/v1";
import type { ObjectReference } from "kubernetes-types/core/v1";
import { formatRFC3339In, GO_ZERO_TIME, loadLocationError, parseStandard, type Schedule } from "../common/cron.js";
import { deepCopy } from "../common/equal.js";
import { mutant } from "../common/mutation.js";
import { controllerRefOf } from "../common/owners.js";
import { rfc3339, toMs } from "../common/time.js";
// time.Second * time.Duration(*StartingDeadlineSeconds) wraps past 292 years, as in Go
import { goSecondsMs, integerOf } from "../common/numberliteral.js";

/** The annotation with a Job's scheduled time, RFC 3339 in the CronJob's time zone. */
export const CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp";
/** nextScheduleDelta: the requeue lands 100 ms after the schedule, against clock skew. */
export const NEXT_SCHEDULE_DELTA_MS = 100;

export type MissedSchedules = "none" | "few" | "many";

// ---------- schedule arithmetic (utils.go) ----------

const before = (a: number, b: number) => a < b;

/**
 * mostRecentScheduleTime: the earliest time looked from (lastScheduleTime, else creation, moved
 * up to now - startingDeadlineSeconds when asked), the most recent activation not after now (or
 * none), how many were missed (a rough count from the spacing of the next two), and an error for
 * a schedule whose next two activations are less than a second apart (31 February).
 */
export function mostRecentScheduleTime(cj: CronJob, now: number, schedule: Schedule, includeStartingDeadlineSeconds: boolean): { earliest: number; mostRecent?: number; missed: MissedSchedules; error?: string } {
  let earliest = toMs(cj.metadata?.creationTimestamp) ?? GO_ZERO_TIME;
  const last = toMs(cj.status?.lastScheduleTime ?? undefined);
  if (last !== undefined) earliest = last;
  const sds = cj.spec?.startingDeadlineSeconds;
  // the mutant looks back to the last schedule whatever startingDeadlineSeconds says
  if (includeStartingDeadlineSeconds && sds != null && !mutant("cronjob.starting-deadline-ignored")) {
    const deadline = now + goSecondsMs(-(integerOf(sds) ?? 0n));
    if (deadline > earliest) earliest = deadline;
  }
  const t1 = schedule.next(earliest);
  const t2 = schedule.next(t1);
  if (before(now, t1)) return { earliest, missed: "none" };
  if (before(now, t2)) return { earliest, mostRecent: t1, missed: "none" };
  // time.Duration.Round(time.Second): halves away from zero.
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) return { earliest, missed: "none", error: "time difference between two schedules is less than 1 second" };
  const elapsed = Math.trunc((now - t1) / 1000);
  const missedCount = Math.trunc(elapsed / between) + 1;
  // One interval before the estimate, so that uneven schedules (30 6-16/4 * * 1-5) are walked right.
  const potentialEarliest = t1 + (missedCount - 1 - 1) * between * 1000;
  let mostRecent: number | undefined;
  // the mutant keeps the first activation the walk finds, not the last
  for (let t = schedule.next(potentialEarliest); t <= now; t = schedule.next(t)) if (mostRecent === undefined || !mutant("cronjob.missed-runs-earliest")) mostRecent = t;
  // the mutant has exactly 100 missed schedules be too many
  const missed: MissedSchedules = missedCount > (mutant("cronjob.too-many-missed-at-hundred") ? 99 : 100) ? "many" : missedCount > 0 ? "few" : "none";
  return mostRecent === undefined ? { earliest, missed } : { earliest, mostRecent, missed };
}

/** nextScheduleTimeDuration: how long until the next activation after the most recent one, plus 100 ms. */
export function nextScheduleTimeDuration(cj: CronJob, now: number, schedule: Schedule): number {
  const r = mostRecentScheduleTime(cj, now, schedule, false);
  let from: number;
  if (r.error !== undefined) from = now;
  else if (r.mostRecent !== undefined) from = r.mostRecent;
  else from = r.missed === "none" ? r.earliest : now;
  // the mutant requeues at the schedule time itself, without the 100 ms that lets the clock pass it
  return schedule.next(from) + (mutant("cronjob.next-schedule-without-delta") ? 0 : NEXT_SCHEDULE_DELTA_MS) - now;
}

/** nextScheduleTime: the unmet activation to start now (honouring startingDeadlineSeconds), whether too many were missed, and the schedule's error. */
export function nextScheduleTime(cj: CronJob, now: number, schedule: Schedule): { time?: number; tooManyMissed: boolean; error?: string } {
  const r = mostRecentScheduleTime(cj, now, schedule, true);
  if (r.mostRecent === undefined || r.mostRecent > now) return { tooManyMissed: false, ...(r.error !== undefined ? { error: r.error } : {}) };
  return { time: r.mostRecent, tooManyMissed: r.missed === "many", ...(r.error !== undefined ? { error: r.error } : {}) };
}

/** formatSchedule: the schedule with TZ=<timeZone> in front when the zone loads; warns about TZ written into the schedule. */
export function formatSchedule(cj: CronJob): { spec: string; unsupported: boolean } {
  const schedule = cj.spec?.schedule ?? "";
  if (schedule.includes("TZ")) return { spec: schedule, unsupported: true };
  const tz = cj.spec?.timeZone;
  // the mutant validates spec.timeZone but schedules in the controller's zone (UTC)
  if (tz != null) return { spec: loadLocationError(tz) === undefined && !mutant("cronjob.time-zone-ignored") ? `TZ=${tz} ${schedule}` : schedule, unsupported: false };
  return { spec: schedule, unsupported: false };
}

/** getJobName: <cronjob>-<scheduled time in minutes since the epoch>. */
export function jobName(cj: CronJob, scheduledTime: number): string {
  // the mutant names the Job by the scheduled time's Unix seconds, not minutes
  return `${cj.metadata?.name ?? ""}-${Math.floor(Math.floor(scheduledTime / 1000) / (mutant("cronjob.job-name-in-seconds") ? 1 : 60))}`;
}

/**
 * getJobFromTemplate2: the job template's labels and annotations (plus the scheduled-timestamp
 * annotation), the deterministic name, a controller reference to the CronJob, the template's spec.
 * Kubernetes also sets creationTimestamp to the scheduled time; the API server replaces it on
 * create, so it is left out here.
 */
export function jobFromTemplate(cj: CronJob, scheduledTime: number): Job {
  const tmpl = cj.spec?.jobTemplate;
  const annotations: Record<string, string> = { ...(tmpl?.metadata?.annotations ?? {}) };
  annotations[CRONJOB_SCHEDULED_TIMESTAMP_ANNOTATION] = formatRFC3339In(scheduledTime, cj.spec?.timeZone ?? undefined);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: jobName(cj, scheduledTime),
      namespace: cj.metadata?.namespace,
      labels: { ...(tmpl?.metadata?.labels ?? {}) },
      annotations,
      // the mutant's reference does not block the CronJob's foreground deletion
      ownerReferences: [{ apiVersion: "batch/v1", kind: "CronJob", name: cj.metadata?.name ?? "", uid: cj.metadata?.uid ?? "", controller: true, blockOwnerDeletion: !mutant("cronjob.job-owner-not-blocking") }],
    },
    spec: deepCopy(tmpl?.spec ?? ({} as never)),
  };
}

// ---------- Jobs ----------

/** getFinishedStatus: the first Complete or Failed condition that is True. */
export function finishedCondition(job: Job): "Complete" | "Failed" | undefined {
  for (const c of job.status?.conditions ?? []) if ((c.type === "Complete" || c.type === "Failed") && c.status === "True") return c.type;
  return undefined;
}

const succeeded = (job: Job) => (job.status?.conditions ?? []).some((c) => c.type === "Complete" && c.status === "True");

/** byJobStartTime: by status.startTime (unset last), then by name. */
export function byJobStartTime(a: Job, b: Job): number {
  const sa = toMs(a.status?.startTime);
  const sb = toMs(b.status?.startTime);
  // the mutant sorts a Job without a start time first (the oldest), not last
  const unstarted = mutant("cronjob.unstarted-jobs-sorted-first") ? -1 : 1;
  if (sa === undefined && sb !== undefined) return unstarted;
  if (sa !== undefined && sb === undefined) return -unstarted;
  if (sa === sb) return (a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : (a.metadata?.name ?? "") > (b.metadata?.name ?? "") ? 1 : 0;
  return sa! - sb!;
}

/** getJobsToBeReconciled: every Job in the namespace whose controller reference names this CronJob (by name only, as Kubernetes does). */
export function jobsToBeReconciled(cj: CronJob, jobs: readonly Job[]): Job[] {
  return jobs.filter((j) => j.metadata?.namespace === cj.metadata?.namespace && controllerRefOf(j)?.name === cj.metadata?.name);
}

/** getRef: the ObjectReference status.active keeps for a Job. */
export function jobRef(job: Job): ObjectReference {
  return { kind: "Job", namespace: job.metadata?.namespace, name: job.metadata?.name, uid: job.metadata?.uid, apiVersion: "batch/v1", resourceVersion: job.metadata?.resourceVersion };
}

/** time.RFC1123Z of a UTC time: "Thu, 19 May 2016 10:00:00 +0000". */
export function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()];
  const mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
  const p = (n: number) => String(n).padStart(2, "0");
  return `${day}, ${p(d.getUTCDate())} ${mon} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

// ---------- the sync ----------

/** An API call the sync makes, by the id its answer is kept under. */
export type SyncRequest =
  | { id: string; verb: "get"; resource: "cronjobs" | "jobs"; namespace: string; name: string }
  | { id: string; verb: "delete"; resource: "jobs"; namespace: string; name: string }
  | { id: string; verb: "create"; resource: "jobs"; namespace: string; body: Job };

/** An answer: the object, or the failure (code, message, whether the namespace is terminating). */
export type Answer = { ok: true; object?: unknown } | { ok: false; code: number; message: string; namespaceTerminating?: boolean };

export interface SyncEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

/** What the CronJob's chart is told about the sync. */
export type CronJobObservation =
  | { type: "NextScheduleBooked"; delayMs: number }
  | { type: "Suspended" }
  | { type: "ScheduleInvalid"; reason: string }
  | { type: "Deleting" }
  | { type: "SyncFailed" }
  | { type: "NotRequeued" };

export type SyncResult =
  | { kind: "need"; requests: SyncRequest[] }
  | {
    kind: "done";
    /** the status to write through the status subresource (on the CronJob as this sync read it) */
    status?: CronJobStatus;
    events: SyncEvent[];
    requeueAfterMs?: number;
    error?: string;
    observation: CronJobObservation;
  };

// Thrown to stop a sync that needs answers it does not have yet.
class NeedAnswers {
  constructor(readonly requests: SyncRequest[]) {}
}

interface SyncCtx {
  answers: ReadonlyMap<string, Answer>;
  events: SyncEvent[];
  needs: SyncRequest[];
}

function ask(s: SyncCtx, req: SyncRequest): Answer | undefined {
  const a = s.answers.get(req.id);
  if (a === undefined) s.needs.push(req);
  return a;
}

/** Stops when an ask of this stage went unanswered (the stage's requests go out together). */
function endStage(s: SyncCtx): void {
  if (s.needs.length > 0) throw new NeedAnswers(s.needs);
}

const inActiveList = (cj: CronJob, uid: string | undefined) => (cj.status?.active ?? []).some((r) => r.uid === uid);
function deleteFromActiveList(cj: CronJob, uid: string | undefined): void {
  (cj.status ??= {}).active = (cj.status.active ?? []).filter((r) => r.uid !== uid);
}
const warn = (s: SyncCtx, reason: string, message: string) => s.events.push({ type: "Warning", reason, message });
const normal = (s: SyncCtx, reason: string, message: string) => s.events.push({ type: "Normal", reason, message });
const quote = (v: string) => JSON.stringify(v);
const deleteId = (name: string) => `delete-job/${name}`;

/** deleteJob: the DELETE (background propagation); on success the Job leaves status.active. An unanswered delete stops the stage. */
function deleteJob(s: SyncCtx, cj: CronJob, job: Job): boolean | undefined {
  const name = job.metadata?.name ?? "";
  const a = ask(s, { id: deleteId(name), verb: "delete", resource: "jobs", namespace: job.metadata?.namespace ?? "", name });
  if (a === undefined) return undefined;
  if (!a.ok) {
    warn(s, "FailedDelete", `Deleted job: ${a.message}`);
    return false;
  }
  deleteFromActiveList(cj, job.metadata?.uid);
  normal(s, "SuccessfulDelete", `Deleted job ${name}`);
  return true;
}

/** cleanupFinishedJobs: past the history limits, the oldest finished Jobs of each kind are deleted. */
function cleanupFinishedJobs(s: SyncCtx, cj: CronJob, jobs: readonly Job[]): boolean {
  const okLimit = cj.spec?.successfulJobsHistoryLimit;
  const failedLimit = cj.spec?.failedJobsHistoryLimit;
  if (okLimit == null && failedLimit == null) return false;
  let update = false;
  const removeOldest = (js: Job[], max: number) => {
    const n = js.length - max - (mutant("cronjob.history-limit-off-by-one") ? 1 : 0);
    if (n <= 0) return;
    for (const j of [...js].sort(byJobStartTime).slice(0, n)) if (deleteJob(s, cj, j)) update = true;
  };
  if (okLimit != null) removeOldest(jobs.filter((j) => finishedCondition(j) === "Complete"), okLimit);
  if (failedLimit != null) removeOldest(jobs.filter((j) => finishedCondition(j) === "Failed"), failedLimit);
  endStage(s);
  return update;
}

interface Synced {
  requeueAfterMs?: number;
  updateStatus: boolean;
  error?: string;
  observation: CronJobObservation;
}

/** syncCronJob, on cj (a copy this sync may change) and the Jobs it controls. */
function syncCronJob(s: SyncCtx, target: CronJob, jobs: readonly Job[], now: number): Synced {
  let cj = target;
  let updateStatus = false;
  const children = new Set<string>();
  for (const j of jobs) {
    const uid = j.metadata?.uid ?? "";
    children.add(uid);
    const found = inActiveList(cj, uid);
    const finished = finishedCondition(j);
    if (!found && finished === undefined) {
      // An unfinished Job not in status.active: the cache may be behind, so ask the API server.
      const a = ask(s, { id: "get-cronjob", verb: "get", resource: "cronjobs", namespace: cj.metadata?.namespace ?? "", name: cj.metadata?.name ?? "" });
      endStage(s);
      if (!a!.ok) return { updateStatus, error: a!.message, observation: { type: "SyncFailed" } };
      const live = a!.object as CronJob;
      if (inActiveList(live, uid)) {
        // Kubernetes carries on with the fresh copy; the status it writes is still the one it read.
        cj = deepCopy(live);
        continue;
      }
      warn(s, "UnexpectedJob", `Saw a job that the controller did not create or forgot: ${j.metadata?.name}`);
    } else if (finished !== undefined) {
      if (found) {
        deleteFromActiveList(cj, uid);
        normal(s, "SawCompletedJob", `Saw completed job: ${j.metadata?.name}, condition: ${finished}`);
        updateStatus = true;
      }
      if (succeeded(j)) {
        const completion = toMs(j.status?.completionTime);
        const last = toMs(cj.status?.lastSuccessfulTime);
        if (cj.status?.lastSuccessfulTime == null) {
          (cj.status ??= {}).lastSuccessfulTime = j.status?.completionTime;
          updateStatus = true;
        }
        if (completion !== undefined && (last === undefined || completion > last)) {
          cj.status!.lastSuccessfulTime = j.status!.completionTime;
          updateStatus = true;
        }
      }
    }
  }
  // Active Jobs missing from the cache are looked up before they are let go (a slow informer).
  const missing = (cj.status?.active ?? []).filter((r) => !children.has(r.uid ?? ""));
  const answers = missing.map((r) => ask(s, { id: `get-job/${r.name}`, verb: "get", resource: "jobs", namespace: r.namespace ?? "", name: r.name ?? "" }));
  endStage(s);
  for (const [i, r] of missing.entries()) {
    const a = answers[i]!;
    if (a.ok) continue;
    if (a.code !== 404) return { updateStatus, error: a.message, observation: { type: "SyncFailed" } };
    normal(s, "MissingJob", `Active job went missing: ${r.name}`);
    deleteFromActiveList(cj, r.uid);
    updateStatus = true;
  }
  if (cj.metadata?.deletionTimestamp) return { updateStatus, observation: { type: "Deleting" } };
  const tz = cj.spec?.timeZone;
  if (tz != null) {
    const err = loadLocationError(tz);
    if (err !== undefined) {
      warn(s, "UnknownTimeZone", `invalid timeZone: ${quote(tz)}: ${err}`);
      return { updateStatus, observation: { type: "ScheduleInvalid", reason: "UnknownTimeZone" } };
    }
  }
  if (cj.spec?.suspend && !mutant("cronjob.suspend-ignored")) return { updateStatus, observation: { type: "Suspended" } };
  const formatted = formatSchedule(cj);
  const schedule = cj.spec?.schedule ?? "";
  if (formatted.unsupported) warn(s, "UnsupportedSchedule", `CRON_TZ or TZ used in schedule ${quote(schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);
  const parsed = parseStandard(formatted.spec);
  if ("error" in parsed) {
    warn(s, "UnparseableSchedule", `unparseable schedule: ${quote(schedule)} : ${parsed.error}`);
    return { updateStatus, observation: { type: "ScheduleInvalid", reason: "UnparseableSchedule" } };
  }
  const sched = parsed.schedule;
  const next = nextScheduleTime(cj, now, sched);
  if (next.tooManyMissed) warn(s, "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
  if (next.error !== undefined) {
    warn(s, "InvalidSchedule", `invalid schedule: ${schedule} : ${next.error}`);
    return { updateStatus, observation: { type: "ScheduleInvalid", reason: "InvalidSchedule" } };
  }
  const requeue = (): Synced => {
    const delayMs = nextScheduleTimeDuration(cj, now, sched);
    return { requeueAfterMs: delayMs, updateStatus, observation: { type: "NextScheduleBooked", delayMs } };
  };
  if (next.time === undefined) return requeue();
  const scheduled = next.time;
  const sds = cj.spec?.startingDeadlineSeconds;
  if (sds != null && scheduled + goSecondsMs(sds) < now) {
    warn(s, "MissSchedule", `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
    return requeue();
  }
  const name = jobName(cj, scheduled);
  const lastSchedule = toMs(cj.status?.lastScheduleTime ?? undefined);
  if ((cj.status?.active ?? []).some((r) => r.name === name && r.namespace === cj.metadata?.namespace) || lastSchedule === scheduled) return requeue();
  if (cj.spec?.concurrencyPolicy === "Forbid" && (cj.status?.active ?? []).length > (mutant("cronjob.forbid-allows-one-active") ? 1 : 0)) {
    normal(s, "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
    return requeue();
  }
  if (cj.spec?.concurrencyPolicy === "Replace" && !mutant("cronjob.replace-keeps-active")) {
    for (const r of [...(cj.status?.active ?? [])]) {
      const a = ask(s, { id: `get-job/${r.name}`, verb: "get", resource: "jobs", namespace: r.namespace ?? "", name: r.name ?? "" });
      endStage(s);
      if (!a!.ok) {
        warn(s, "FailedGet", `Get job: ${a!.message}`);
        return { updateStatus, error: a!.message, observation: { type: "SyncFailed" } };
      }
      const job = a!.object as Job;
      const deleted = deleteJob(s, cj, job);
      endStage(s);
      if (!deleted) return { updateStatus, error: `could not replace job ${job.metadata?.namespace}/${job.metadata?.name}`, observation: { type: "SyncFailed" } };
      updateStatus = true;
    }
  }
  const body = jobFromTemplate(cj, scheduled);
  const ns = cj.metadata?.namespace ?? "";
  const created = ask(s, { id: "create-job", verb: "create", resource: "jobs", namespace: ns, body });
  endStage(s);
  let job: Job;
  let alreadyExists = false;
  if (created!.ok) job = created!.object as Job;
  else if (created!.namespaceTerminating) return { updateStatus, error: created!.message, observation: { type: "SyncFailed" } };
  else if (created!.code === 409) {
    // Made by an earlier sync whose status write was lost: adopt it into status.active if it is ours.
    alreadyExists = true;
    const a = ask(s, { id: `get-job/${name}`, verb: "get", resource: "jobs", namespace: ns, name });
    endStage(s);
    if (!a!.ok) return { updateStatus, error: a!.message, observation: { type: "SyncFailed" } };
    job = a!.object as Job;
    const ref = controllerRefOf(job);
    if (!ref || ref.uid !== cj.metadata?.uid) return { updateStatus, observation: { type: "NotRequeued" } };
    if (inActiveList(cj, job.metadata?.uid)) return { updateStatus, observation: { type: "NotRequeued" } };
  } else {
    warn(s, "FailedCreate", `Error creating job: ${created!.message}`);
    return { updateStatus, error: created!.message, observation: { type: "SyncFailed" } };
  }
  if (!alreadyExists) normal(s, "SuccessfulCreate", `Created job ${job.metadata?.name}`);
  const status = (cj.status ??= {});
  status.active = [...(status.active ?? []), jobRef(job)];
  status.lastScheduleTime = rfc3339(scheduled);
  updateStatus = true;
  return requeue();
}

export interface SyncInput {
  cronJob: CronJob;
  /** the Jobs in the cache whose controller reference names the CronJob */
  jobs: readonly Job[];
  now: number;
  answers: ReadonlyMap<string, Answer>;
}

/** sync: cleanupFinishedJobs, then syncCronJob, on one copy of the CronJob; the status is written if either changed it. */
export function sync(input: SyncInput): SyncResult {
  const s: SyncCtx = { answers: input.answers, events: [], needs: [] };
  const copy = deepCopy(input.cronJob);
  try {
    const cleaned = cleanupFinishedJobs(s, copy, input.jobs);
    const r = syncCronJob(s, copy, input.jobs, input.now);
    const out: SyncResult = { kind: "done", events: s.events, observation: r.observation };
    if (cleaned || r.updateStatus) {
      // status.active is omitempty: an emptied list is left out, as Go marshals it.
      const { active, ...rest } = copy.status ?? {};
      out.status = active && active.length > 0 ? { active, ...rest } : rest;
    }
    if (r.requeueAfterMs !== undefined) out.requeueAfterMs = r.requeueAfterMs;
    else if (r.error !== undefined) out.error = r.error;
    return out;
  } catch (e) {
    if (e instanceof NeedAnswers) return { kind: "need", requests: e.requests };
    throw e;
  }
}
