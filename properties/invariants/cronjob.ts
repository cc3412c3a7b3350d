// A CronJob never starts a Job early, and names it after its scheduled time. The CronJob
// controller creates a Job only for a schedule time that has passed (mostRecentScheduleTime looks
// no later than now), names it <cronjob>-<scheduled time in minutes since the epoch> so that a
// retried sync cannot start the same run twice, and writes the scheduled time in the
// batch.kubernetes.io/cronjob-scheduled-timestamp annotation (RFC 3339, any offset). So every Job
// a CronJob controls that carries the annotation was created at or after that time, and its name
// is the CronJob's name and the annotation's minute. Jobs made by hand (kubectl create job
// --from=cronjob/x: a controller reference, but no scheduled-timestamp annotation) are not judged.

import type { Violation } from "./core.js";

export const SCHEDULED_TIMESTAMP_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp";

/** What the check reads: objects as stored. A Cluster satisfies it. */
export interface ClusterView {
  list(kind: string): any[];
}

/** Violations of "a CronJob's Job is created no earlier than its scheduled time and named after it"; call it at every step. */
export function cronJobNeverStartsEarly(cluster: ClusterView): Violation[] {
  const out: Violation[] = [];
  for (const job of cluster.list("Job")) {
    const ref = job.metadata?.ownerReferences?.find((r: any) => r.controller && r.kind === "CronJob");
    const stamp = job.metadata?.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION];
    if (!ref || typeof stamp !== "string") continue;
    const scheduled = Date.parse(stamp);
    const created = Date.parse(job.metadata.creationTimestamp);
    const what = `Job ${job.metadata.namespace}/${job.metadata.name} of CronJob ${ref.name}`;
    if (Number.isNaN(scheduled)) {
      out.push({ invariant: "cronJobNeverStartsEarly", message: `${what} has an unreadable scheduled time ${JSON.stringify(stamp)}` });
      continue;
    }
    // creationTimestamp has whole seconds; a schedule time is a whole second too.
    if (created < scheduled) out.push({ invariant: "cronJobNeverStartsEarly", message: `${what} was created at ${job.metadata.creationTimestamp}, before its scheduled time ${stamp}` });
    const expected = `${ref.name}-${Math.floor(scheduled / 60_000)}`;
    if (job.metadata.name !== expected) out.push({ invariant: "cronJobNeverStartsEarly", message: `${what} is scheduled for ${stamp} but is not named ${expected}` });
  }
  return out;
}

/** Informer slack: a Job created this little before another may not have reached the controller's cache yet. */
const forbidSlackMs = 30_000;

const jobFinished = (j: any) => (j.status?.conditions ?? []).some((c: any) => (c?.type === "Complete" || c?.type === "Failed") && c.status === "True");

/**
 * cronJobForbidNeverRunsConcurrently: with concurrencyPolicy Forbid the CronJob controller starts
 * no Job while a run it started is still active (syncCronJob: "Not starting job because prior
 * execution is running and concurrency policy is Forbid"; a Job is active until IsJobFinished, its
 * Complete or Failed condition True). Judged when a Job the CronJob controls is first stored:
 * no other Job of that CronJob, created at least 30 s before (its controller's cache has had it)
 * and not being deleted, may be unfinished. Returns a step function keeping the Jobs it has judged.
 */
export function cronJobForbidNeverRunsConcurrently(): (cluster: ClusterView) => Violation[] {
  const judged = new Set<string>();
  return (cluster) => {
    const out: Violation[] = [];
    const jobs = cluster.list("Job");
    for (const job of jobs) {
      const uid = job.metadata?.uid;
      if (typeof uid !== "string" || judged.has(uid)) continue;
      judged.add(uid);
      const ref = job.metadata?.ownerReferences?.find((r: any) => r.controller && r.kind === "CronJob");
      if (!ref) continue;
      const cj = cluster.list("CronJob").find((c) => c.metadata?.uid === ref.uid);
      if (cj?.spec?.concurrencyPolicy !== "Forbid") continue;
      const created = Date.parse(job.metadata.creationTimestamp);
      for (const other of jobs) {
        if (other === job || other.metadata?.deletionTimestamp || jobFinished(other)) continue;
        if (!other.metadata?.ownerReferences?.some((r: any) => r.controller && r.uid === ref.uid)) continue;
        if (Date.parse(other.metadata.creationTimestamp) > created - forbidSlackMs) continue;
        out.push({ invariant: "cronJobForbidNeverRunsConcurrently", message: `CronJob ${cj.metadata.namespace}/${cj.metadata.name} (concurrencyPolicy Forbid) started Job ${job.metadata.name} at ${job.metadata.creationTimestamp} while Job ${other.metadata.name} (created ${other.metadata.creationTimestamp}) is still running` });
      }
    }
    return out;
  };
}
