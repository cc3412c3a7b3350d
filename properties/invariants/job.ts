// A Job never runs more pods at once than its parallelism. The Job controller creates at most
// min(parallelism, remaining completions) minus the active pods per sync, and expectations stop a
// second creation before the informer has seen the first. Parallelism may be lowered while pods
// run: the controller then deletes the surplus, so for a while a Job owns more active pods than
// its spec asks for. The bound that always holds is the highest spec.parallelism the Job (by uid)
// has ever had. "Active" is controller.IsPodActive: not Succeeded, not Failed, no deletionTimestamp.

import type { Violation } from "./core.js";
import { isPodActive } from "./k8s.js";

/** What the check reads: objects as stored. A Cluster satisfies it. */
export interface ClusterView {
  list(kind: string): any[];
}

// Per cluster: Job uid -> highest spec.parallelism seen at any checked step.
const highWater = new WeakMap<object, Map<string, number>>();

/** Violations of "a Job never has more active pods than the highest parallelism it asked for"; call it at every step. */
export function jobNeverExceedsParallelism(cluster: ClusterView): Violation[] {
  let seen = highWater.get(cluster);
  if (!seen) highWater.set(cluster, (seen = new Map()));
  const active = new Map<string, number>();
  for (const p of cluster.list("Pod")) {
    if (!isPodActive(p)) continue;
    const ref = p.metadata?.ownerReferences?.find((r: any) => r.controller && r.kind === "Job");
    if (ref) active.set(ref.uid, (active.get(ref.uid) ?? 0) + 1);
  }
  const out: Violation[] = [];
  for (const job of cluster.list("Job")) {
    const uid = job.metadata.uid;
    // parallelism defaults to 1 (SetDefaults_Job); a stored Job always has it
    const high = Math.max(seen.get(uid) ?? 0, job.spec?.parallelism ?? 1);
    seen.set(uid, high);
    const n = active.get(uid) ?? 0;
    if (n > high) out.push({ invariant: "jobNeverExceedsParallelism", message: `Job ${job.metadata.namespace}/${job.metadata.name} has ${n} active pods but its parallelism was never above ${high}` });
  }
  return out;
}

// Per cluster: Job uid -> the uids of its pods ever seen Succeeded; and the pod versions already read.
const succeededPods = new WeakMap<object, { byJob: Map<string, Set<string>>; seen: WeakSet<object> }>();

/**
 * jobCountsOnlySucceededPods: a Job's status.succeeded plus the uids in
 * status.uncountedTerminatedPods.succeeded never exceed the pods it controlled that reached phase
 * Succeeded. The Job controller counts a finished pod once: it adds the uid to
 * uncountedTerminatedPods, removes the pod's batch.kubernetes.io/job-tracking finalizer, and then
 * moves the uid from that list to the counter in one status write (trackJobStatusAndRemoveFinalizers,
 * "Pods with the finalizer are counted once"); an Indexed Job counts completedIndexes, one per
 * succeeded pod. Call it at every step, so that every stored version of a pod is read.
 */
export function jobCountsOnlySucceededPods(cluster: ClusterView): Violation[] {
  let memo = succeededPods.get(cluster);
  if (!memo) succeededPods.set(cluster, (memo = { byJob: new Map(), seen: new WeakSet() }));
  for (const p of cluster.list("Pod")) {
    if (memo.seen.has(p)) continue;
    memo.seen.add(p);
    if (p.status?.phase !== "Succeeded") continue;
    const ref = p.metadata?.ownerReferences?.find((r: any) => r.controller && r.kind === "Job");
    if (!ref) continue;
    let s = memo.byJob.get(ref.uid);
    if (!s) memo.byJob.set(ref.uid, (s = new Set()));
    s.add(p.metadata.uid);
  }
  const out: Violation[] = [];
  for (const job of cluster.list("Job")) {
    const st = job.status ?? {};
    const uncounted: unknown[] = st.uncountedTerminatedPods?.succeeded ?? [];
    const claimed = (st.succeeded ?? 0) + uncounted.length;
    const real = memo.byJob.get(job.metadata.uid)?.size ?? 0;
    if (claimed > real) out.push({ invariant: "jobCountsOnlySucceededPods", message: `Job ${job.metadata.namespace}/${job.metadata.name} counts ${claimed} succeeded pods (status.succeeded ${st.succeeded ?? 0}, ${uncounted.length} uncounted), but only ${real} of its pods ever succeeded` });
  }
  return out;
}

const conditionTrue = (job: any, type: string) => (job.status?.conditions ?? []).find((c: any) => c?.type === type && c.status === "True");

/**
 * jobCompleteOnlyAfterCompletions: a Job with spec.completions is Complete only once that many
 * pods succeeded (NonIndexed: status.succeeded; Indexed: completed indexes, as status.succeeded
 * counts them), unless a successPolicy of an Indexed Job was met (reason SuccessPolicy). The
 * controller writes Complete after SuccessCriteriaMet, with every finished pod counted.
 */
export function jobCompleteOnlyAfterCompletions(cluster: ClusterView): Violation[] {
  const out: Violation[] = [];
  for (const job of cluster.list("Job")) {
    const completions = job.spec?.completions;
    if (typeof completions !== "number") continue;
    const c = conditionTrue(job, "Complete");
    if (!c || c.reason === "SuccessPolicy") continue;
    const succeeded = job.status?.succeeded ?? 0;
    if (succeeded < completions) out.push({ invariant: "jobCompleteOnlyAfterCompletions", message: `Job ${job.metadata.namespace}/${job.metadata.name} is Complete with ${succeeded} succeeded pods of ${completions} completions` });
  }
  return out;
}

/**
 * jobFailedOnlyPastBackoffLimit: a Job fails with BackoffLimitExceeded only once more pods failed
 * than spec.backoffLimit ("the number of retries before marking this job failed"; syncJob's
 * exceedsBackoffLimit is failed > backoffLimit, and the Failed condition is written once every
 * failed pod is counted in status.failed). Judged for restartPolicy Never without
 * backoffLimitPerIndex: under OnFailure container restarts count too, and not in status.failed.
 */
export function jobFailedOnlyPastBackoffLimit(cluster: ClusterView): Violation[] {
  const out: Violation[] = [];
  for (const job of cluster.list("Job")) {
    if (job.spec?.template?.spec?.restartPolicy !== "Never" || job.spec?.backoffLimitPerIndex !== undefined) continue;
    const c = conditionTrue(job, "Failed");
    if (!c || c.reason !== "BackoffLimitExceeded") continue;
    const limit = job.spec?.backoffLimit ?? 6;
    const failed = job.status?.failed ?? 0;
    if (!(failed > limit)) out.push({ invariant: "jobFailedOnlyPastBackoffLimit", message: `Job ${job.metadata.namespace}/${job.metadata.name} failed with BackoffLimitExceeded after ${failed} failed pods, backoffLimit ${limit}` });
  }
  return out;
}

const seconds = (t: unknown): number | undefined => (typeof t === "string" && !Number.isNaN(Date.parse(t)) ? Math.floor(Date.parse(t) / 1000) : undefined);

/**
 * jobFailedWithDeadlineExceededOnlyPastActiveDeadline: a Job fails with reason DeadlineExceeded only
 * when it has spec.activeDeadlineSeconds and has been active that long ("Once a Job reaches
 * activeDeadlineSeconds, all of its running Pods are terminated and the Job status will become
 * type: Failed with reason: DeadlineExceeded"; syncJob's pastActiveDeadline is now - startTime >=
 * activeDeadlineSeconds). Times are whole seconds as stored, so the deadline is judged on them.
 */
export function jobFailedWithDeadlineExceededOnlyPastActiveDeadline(cluster: ClusterView): Violation[] {
  const out: Violation[] = [];
  for (const job of cluster.list("Job")) {
    const c = conditionTrue(job, "Failed");
    if (!c || c.reason !== "DeadlineExceeded") continue;
    const name = `${job.metadata.namespace}/${job.metadata.name}`;
    const limit = job.spec?.activeDeadlineSeconds;
    if (typeof limit !== "number") {
      out.push({ invariant: "jobFailedWithDeadlineExceededOnlyPastActiveDeadline", message: `Job ${name} failed with DeadlineExceeded but has no spec.activeDeadlineSeconds` });
      continue;
    }
    // the FailureTarget condition marks when the controller decided; Failed follows once the pods are gone
    const decided = seconds((conditionTrue(job, "FailureTarget") ?? c).lastTransitionTime);
    const start = seconds(job.status?.startTime);
    if (decided !== undefined && start !== undefined && decided < start + limit) out.push({ invariant: "jobFailedWithDeadlineExceededOnlyPastActiveDeadline", message: `Job ${name} failed with DeadlineExceeded at ${(conditionTrue(job, "FailureTarget") ?? c).lastTransitionTime}, before startTime ${job.status.startTime} + activeDeadlineSeconds ${limit}` });
  }
  return out;
}
