// The TTL-after-finished controller's decisions (pkg/controller/ttlafterfinished): a finished Job
// with spec.ttlSecondsAfterFinished is deleted that many seconds after it finished, the finish
// time being the lastTransitionTime of its Complete or Failed condition.

import type { Job } from "kubernetes-types/batch/v1";
import { mutant } from "../common/mutation.js";
import { toMs } from "../common/time.js";

/** The time the Job finished (jobFinishTime): its Complete or Failed condition's lastTransitionTime. */
export function finishTimeMs(job: Job): number | undefined {
  // the mutant takes only Complete as finished: a Failed Job with a TTL is never cleaned up
  const c = (job.status?.conditions ?? []).find((x) => (x.type === "Complete" || (x.type === "Failed" && !mutant("ttlafterfinished.ignores-failed-jobs"))) && x.status === "True");
  return c ? toMs(mutant("ttlafterfinished.expires-from-start-time") ? job.status?.startTime : c.lastTransitionTime) : undefined;
}

/** needsCleanup: a TTL is set and the Job is finished (with a readable finish time). */
export function needsCleanup(job: Job): boolean {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  // the mutant tests the TTL for truth: ttlSecondsAfterFinished 0 (delete at once) reads as unset
  return (mutant("ttlafterfinished.zero-ttl-never-cleaned") ? !!ttl : ttl !== undefined && ttl !== null) && finishTimeMs(job) !== undefined;
}

/** What is left of the TTL at now (timeLeft); 0 or less means the Job has expired. Undefined when it needs no cleanup. */
export function timeLeftMs(job: Job, now: number): number | undefined {
  if (!needsCleanup(job)) return undefined;
  return finishTimeMs(job)! + job.spec!.ttlSecondsAfterFinished! * (mutant("ttlafterfinished.ttl-in-milliseconds") ? 1 : 1000) - now;
}
