// pkg/controller/job/job_controller_test.go TestControllerSyncJob and TestSyncJobPastDeadline, row by
// row where the row's expectation is v1.35's: JobPodReplacementPolicy, JobManagedBy and JobSuccessPolicy
// are GA and on, so a row run with them off is left out where they change what it expects (the
// conditions of a finished Job: v1.35 writes FailureTarget or SuccessCriteriaMet first; status.terminating,
// which v1.35 always tracks), and kept, without the field they change, where they do not. So left out:
// "job finish", "WQ job all finished", "WQ job all finished despite one failure", "indexed job completed"
// (Complete without SuccessCriteriaMet), "too many job failures", "job failures, unsatisfied
// expectations", "indexed job failed", "count ready pods when job fails" (Failed, or nothing, without
// FailureTarget), "indexed job with podIndexLabel feature disabled" (PodIndexLabel is GA). Left out too:
// the rows with a podControllerError or a podLimit (FakePodControl's failures, which a pure sync does not
// see). The Go test's pods come from newPodList: pod-<n>, each with the tracking finalizer and a
// terminated container status finished at testFinishedAt (one second after the zero time), so no
// back-off is left from them. The Go job has no podReplacementPolicy; the API server defaults it
// (Failed under a podFailurePolicy, TerminatingOrFailed otherwise), as the controller reads a missing one.
//
// Go's syncJob flushes the counted pods, removes their finalizers and writes the status in one call;
// podflow's plans one write at a time. So a row runs one sync with its expectations (creations,
// deletions), then syncs again with the expectations unsatisfied (as the created and deleted pods leave
// them) until nothing is left to write, each time letting go of the finalizers the sync names, showing
// a created pod Pending and a deleted pod terminating without the tracking finalizer (deleteJobPods
// removes it before the delete).
import { describe, expect, it } from "vitest";
import type { Job, JobCondition } from "kubernetes-types/batch/v1";
import type { Pod } from "kubernetes-types/core/v1";
import * as L from "./job.logic.js";

const NOW = Date.parse("2026-01-01T00:00:00Z");
const ZERO = "0001-01-01T00:00:00Z";
const TEST_FINISHED_AT = "0001-01-01T00:00:01Z";
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

interface JobSetup {
  parallelism: number;
  /** -1: no completions (a work queue Job), as newJob reads it */
  completions: number;
  backoffLimit: number;
  indexed?: boolean;
  deleting?: boolean;
  suspend?: boolean;
  podReplacementPolicy?: "Failed" | "TerminatingOrFailed";
  podFailurePolicy?: object;
  activeDeadlineSeconds?: number;
  /** seconds before now the Job started */
  startedSecondsAgo?: number;
  initialStatus?: { active?: number; succeeded?: number; failed?: number; conditions?: JobCondition[] };
  /** the Job carries Suspended=True (JobSuspended) */
  wasSuspended?: boolean;
}

/** newJob(parallelism, completions, backoffLimit, completionMode), as the API server would store it. */
function newJob(s: JobSetup): Job {
  const replacement = s.podReplacementPolicy ?? (s.podFailurePolicy ? "Failed" : "TerminatingOrFailed");
  return {
    metadata: { name: "foobar", namespace: "default", uid: "job-uid", ...(s.deleting ? { deletionTimestamp: iso(NOW) } : {}) },
    spec: {
      parallelism: s.parallelism, ...(s.completions >= 0 ? { completions: s.completions } : {}), backoffLimit: s.backoffLimit, completionMode: s.indexed ? "Indexed" : "NonIndexed",
      podReplacementPolicy: replacement, ...(s.podFailurePolicy ? { podFailurePolicy: s.podFailurePolicy } : {}), ...(s.suspend ? { suspend: true } : {}),
      ...(s.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: s.activeDeadlineSeconds } : {}),
      selector: { matchLabels: { foo: "bar" } }, template: { metadata: { labels: { foo: "bar" } }, spec: { restartPolicy: "Never", containers: [{ name: "", image: "foo/bar" }] } },
    },
    status: {
      ...(s.startedSecondsAgo !== undefined ? { startTime: iso(NOW - s.startedSecondsAgo * 1000) } : {}),
      ...(s.initialStatus?.active ? { active: s.initialStatus.active } : {}), ...(s.initialStatus?.succeeded ? { succeeded: s.initialStatus.succeeded } : {}), ...(s.initialStatus?.failed ? { failed: s.initialStatus.failed } : {}),
      ...(s.initialStatus?.conditions || s.wasSuspended ? { conditions: [...(s.initialStatus?.conditions ?? []), ...(s.wasSuspended ? [{ type: "Suspended", status: "True", reason: "JobSuspended", message: "Job suspended" }] : [])] } : {}),
    },
  } as Job;
}

type PodSetup = { pending?: number; active?: number; ready?: number; succeeded?: number; failed?: number; terminating?: number; withIndexes?: [string, string][] };

/** setPodsStatuses and setPodsStatusesWithIndexes: pending, running (the first `ready` of them Ready), succeeded, failed, terminating. */
function newPods(s: PodSetup): Pod[] {
  let n = 0;
  const pod = (phase: string, extra: { ready?: boolean; terminating?: boolean; index?: string } = {}): Pod => {
    const name = `pod-${n++}`;
    return {
      metadata: {
        name, namespace: "default", uid: name, creationTimestamp: ZERO, labels: { foo: "bar" }, finalizers: [L.JOB_TRACKING_FINALIZER],
        ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "foobar", uid: "job-uid", controller: true, blockOwnerDeletion: true }],
        ...(extra.index !== undefined && extra.index !== "-" ? { annotations: { [L.JOB_COMPLETION_INDEX_ANNOTATION]: extra.index } } : {}),
        ...(extra.terminating ? { deletionTimestamp: iso(NOW) } : {}),
      },
      status: {
        phase,
        ...(extra.ready ? { conditions: [{ type: "Ready", status: "True" }] } : {}),
        // setPodsStatusesWithIndexes gives only finished pods the terminated container
        ...(extra.index === undefined || phase === "Succeeded" || phase === "Failed" ? { containerStatuses: [{ name: "", image: "", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode: 0, finishedAt: TEST_FINISHED_AT } } }] } : {}),
      },
    } as Pod;
  };
  const times = (k = 0, f: (i: number) => Pod) => Array.from({ length: k }, (_, i) => f(i));
  return [
    ...times(s.pending, () => pod("Pending")),
    ...times(s.active, (i) => pod("Running", { ready: i < (s.ready ?? 0) })),
    ...times(s.succeeded, () => pod("Succeeded")),
    ...times(s.failed, () => pod("Failed")),
    ...times(s.terminating, () => pod("Running", { terminating: true })),
    ...(s.withIndexes ?? []).map(([index, phase]) => pod(phase, { index })),
  ];
}

function createdPod(j: Job, ix: number | undefined, n: number): Pod {
  const p = L.newPodForJob(j, ix);
  return { ...p, metadata: { ...p.metadata, name: `created-${n}`, namespace: "default", uid: `created-${n}`, creationTimestamp: iso(NOW) }, status: { phase: "Pending" } } as Pod;
}

interface Outcome { creations: number; createdIndexes: number[]; deletions: number; status: NonNullable<Job["status"]> }

/** One sync as the row's, then the syncs that write what it counted (see the header). */
function run(j: Job, pods: Pod[], opts: { expectationsSatisfied?: boolean; backoff?: L.BackoffRecord } = {}): Outcome {
  const first = L.syncJob({ job: j, pods, now: NOW, backoff: opts.backoff, expectationsSatisfied: opts.expectationsSatisfied ?? true, removingFinalizers: new Set() });
  const out: Outcome = { creations: first.create.length, createdIndexes: first.create.filter((x): x is number => x !== undefined).sort((a, b) => a - b), deletions: first.delete.length, status: j.status ?? {} };
  let plan = first;
  let backoff = first.backoff;
  for (let i = 0; i < 6; i++) {
    if (plan.status) j = { ...j, status: plan.status };
    if (!plan.status && plan.removeFinalizers.length === 0 && plan.create.length === 0 && plan.delete.length === 0) break;
    const gone = new Set(plan.removeFinalizers.map((x) => x.metadata?.uid));
    const deleted = new Set(plan.delete.map((x) => x.metadata?.uid));
    pods = pods.map((x) => {
      const uid = x.metadata?.uid;
      if (!gone.has(uid) && !deleted.has(uid)) return x;
      const finalizers = (x.metadata?.finalizers ?? []).filter((f) => f !== L.JOB_TRACKING_FINALIZER);
      return { ...x, metadata: { ...x.metadata, finalizers, ...(deleted.has(uid) ? { deletionTimestamp: iso(NOW) } : {}) } };
    });
    pods = [...pods, ...plan.create.map((ix, k) => createdPod(j, ix, i * 100 + k))];
    plan = L.syncJob({ job: j, pods, now: NOW, backoff, expectationsSatisfied: false, removingFinalizers: new Set() });
    backoff = plan.backoff;
  }
  return { ...out, status: j.status ?? {} };
}

type Want = {
  creations?: number; createdIndexes?: number[]; deletions?: number; active?: number; ready?: number; succeeded?: number; failed?: number;
  /** compared only where the Go row expects it */
  terminating?: number; completedIndexes?: string; conditions?: [string, string, string?, string?][];
};

const cond = (c: JobCondition): [string, string, string?, string?] => (c.reason === undefined ? [c.type, c.status] : [c.type, c.status, c.reason, c.message]);

function check(got: Outcome, want: Want): void {
  const st = got.status;
  expect({ creations: got.creations, deletions: got.deletions, active: st.active ?? 0, ready: st.ready ?? 0, succeeded: st.succeeded ?? 0, failed: st.failed ?? 0 })
    .toEqual({ creations: want.creations ?? 0, deletions: want.deletions ?? 0, active: want.active ?? 0, ready: want.ready ?? 0, succeeded: want.succeeded ?? 0, failed: want.failed ?? 0 });
  if (want.terminating !== undefined) expect(st.terminating).toBe(want.terminating);
  if (want.createdIndexes !== undefined) expect(got.createdIndexes).toEqual(want.createdIndexes);
  if (want.completedIndexes !== undefined) expect(st.completedIndexes ?? "").toBe(want.completedIndexes);
  expect((st.conditions ?? []).map(cond)).toEqual(want.conditions ?? []);
}

const suspended: [string, string, string, string] = ["Suspended", "True", "JobSuspended", "Job suspended"];

type Row = [string, JobSetup, PodSetup, Want, { expectationsSatisfied?: boolean; backoff?: L.BackoffRecord }?];
const rows: Row[] = [
  ["job start", { parallelism: 2, completions: 5, backoffLimit: 6 }, {}, { creations: 2, active: 2 }],
  ["WQ job start", { parallelism: 2, completions: -1, backoffLimit: 6 }, {}, { creations: 2, active: 2 }],
  ["pending pods", { parallelism: 2, completions: 5, backoffLimit: 6 }, { pending: 2 }, { active: 2 }],
  ["correct # of pods", { parallelism: 3, completions: 5, backoffLimit: 6 }, { active: 3, ready: 2 }, { active: 3, ready: 2 }],
  ["WQ job: correct # of pods", { parallelism: 2, completions: -1, backoffLimit: 6 }, { active: 2 }, { active: 2 }],
  ["too few active pods", { parallelism: 2, completions: 5, backoffLimit: 6 }, { active: 1, succeeded: 1 }, { creations: 1, active: 2, succeeded: 1 }],
  ["WQ job: recreate pods when failed", { parallelism: 1, completions: -1, backoffLimit: 6, podReplacementPolicy: "Failed" }, { active: 1, failed: 1, terminating: 1 },
    { terminating: 1, failed: 1, active: 1 }],
  ["WQ job: turn on PodReplacementPolicy but not set PodReplacementPolicy", { parallelism: 1, completions: 1, backoffLimit: 6 }, { active: 1, failed: 1, terminating: 1 },
    { terminating: 1, active: 1, failed: 2 }],
  ["WQ job: recreate pods when terminating or failed", { parallelism: 1, completions: -1, backoffLimit: 6, podReplacementPolicy: "TerminatingOrFailed" }, { active: 1, failed: 1, terminating: 1 },
    { terminating: 1, active: 1, failed: 2 }],
  ["more terminating pods than parallelism", { parallelism: 1, completions: 1, backoffLimit: 6, podReplacementPolicy: "Failed" }, { active: 2, terminating: 4 },
    { terminating: 5, active: 1, deletions: 1 }],
  ["more terminating pods than parallelism; PodFailurePolicy used", { parallelism: 1, completions: 1, backoffLimit: 6, podFailurePolicy: { rules: [] } }, { active: 2, terminating: 4 },
    { active: 1, deletions: 1 }],
  ["too few active pods and active back-off", { parallelism: 1, completions: 1, backoffLimit: 6, startedSecondsAgo: 0 }, {}, {},
    { backoff: { failuresAfterLastSuccess: 1, lastFailureMs: NOW } }],
  ["too few active pods and no back-offs", { parallelism: 1, completions: 1, backoffLimit: 6 }, {}, { creations: 1, active: 1 }, { backoff: { failuresAfterLastSuccess: 0, lastFailureMs: NOW } }],
  ["too few active pods with a dynamic job", { parallelism: 2, completions: -1, backoffLimit: 6 }, { active: 1 }, { creations: 1, active: 2 }],
  ["too many active pods", { parallelism: 2, completions: 5, backoffLimit: 6 }, { active: 3 }, { deletions: 1, active: 2 }],
  ["too many active pods; PodReplacementPolicy enabled", { parallelism: 2, completions: 5, backoffLimit: 6 }, { active: 3 }, { deletions: 1, active: 2, terminating: 1 }],
  ["count ready pods when too many active pods", { parallelism: 2, completions: 5, backoffLimit: 6 }, { active: 3, ready: 3 }, { deletions: 1, active: 2, ready: 2 }],
  ["failed + succeed pods: reset backoff delay", { parallelism: 2, completions: 5, backoffLimit: 6 }, { active: 1, succeeded: 1, failed: 1 }, { creations: 1, active: 2, succeeded: 1, failed: 1 }],
  ["new failed pod", { parallelism: 2, completions: 5, backoffLimit: 6 }, { active: 1, failed: 1 }, { creations: 1, active: 2, failed: 1 }],
  ["no new pod; possible finalizer update of failed pod", { parallelism: 1, completions: 1, backoffLimit: 6, initialStatus: { active: 1, failed: 1 } }, { active: 1 }, { active: 1, failed: 1 }],
  ["WQ job finishing", { parallelism: 2, completions: -1, backoffLimit: 6 }, { active: 1, succeeded: 1 }, { active: 1, succeeded: 1 }],
  ["more active pods than parallelism", { parallelism: 2, completions: 5, backoffLimit: 6 }, { active: 10 }, { deletions: 8, active: 2 }],
  ["more active pods than remaining completions", { parallelism: 3, completions: 4, backoffLimit: 6 }, { active: 3, succeeded: 2 }, { deletions: 1, active: 2, succeeded: 2 }],
  ["status change", { parallelism: 2, completions: 5, backoffLimit: 6 }, { active: 2, succeeded: 2 }, { active: 2, succeeded: 2 }],
  ["deleting job", { parallelism: 2, completions: 5, backoffLimit: 6, deleting: true }, { pending: 1, active: 1, succeeded: 1 }, { active: 2, succeeded: 1 }],
  ["indexed job start", { parallelism: 2, completions: 5, backoffLimit: 6, indexed: true }, {}, { creations: 2, active: 2, createdIndexes: [0, 1] }],
  ["indexed job with some pods deleted, podReplacementPolicy Failed", { parallelism: 2, completions: 5, backoffLimit: 6, indexed: true, podReplacementPolicy: "Failed" }, { terminating: 1 },
    { creations: 1, active: 1, createdIndexes: [0], terminating: 1 }],
  ["indexed job with some pods deleted, podReplacementPolicy TerminatingOrFailed", { parallelism: 2, completions: 5, backoffLimit: 6, indexed: true, podReplacementPolicy: "TerminatingOrFailed" },
    { terminating: 1 }, { creations: 2, active: 2, createdIndexes: [0, 1], terminating: 1 }],
  ["count terminating pods when indexed job fails and PodReplacementPolicy enabled", { parallelism: 2, completions: 3, backoffLimit: 0, indexed: true },
    { withIndexes: [["0", "Succeeded"], ["1", "Failed"], ["2", "Running"]] },
    { succeeded: 1, failed: 2, completedIndexes: "0", deletions: 1, terminating: 1, conditions: [["FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"]] }],
  ["indexed job repeated completed index", { parallelism: 2, completions: 3, backoffLimit: 6, indexed: true }, { withIndexes: [["0", "Succeeded"], ["1", "Succeeded"], ["1", "Succeeded"]] },
    { creations: 1, active: 1, succeeded: 2, completedIndexes: "0,1", createdIndexes: [2] }],
  ["indexed job some running and completed pods", { parallelism: 8, completions: 20, backoffLimit: 6, indexed: true },
    { withIndexes: [["0", "Running"], ["2", "Succeeded"], ["3", "Pending"], ["4", "Succeeded"], ["5", "Succeeded"], ["7", "Succeeded"], ["8", "Succeeded"], ["9", "Succeeded"]] },
    { creations: 6, active: 8, succeeded: 6, completedIndexes: "2,4,5,7-9", createdIndexes: [1, 6, 10, 11, 12, 13] }],
  ["indexed job some failed pods", { parallelism: 3, completions: 4, backoffLimit: 6, indexed: true }, { withIndexes: [["0", "Failed"], ["1", "Pending"], ["2", "Failed"]] },
    { creations: 2, active: 3, failed: 2, createdIndexes: [0, 2] }],
  ["indexed job some pods without index", { parallelism: 2, completions: 5, backoffLimit: 6, indexed: true },
    { active: 1, succeeded: 1, failed: 1, withIndexes: [["invalid", "Running"], ["invalid", "Succeeded"], ["invalid", "Failed"], ["invalid", "Pending"], ["0", "Succeeded"], ["1", "Running"], ["2", "Running"]] },
    { deletions: 3, active: 2, succeeded: 1, failed: 0, completedIndexes: "0" }],
  ["indexed job repeated indexes", { parallelism: 5, completions: 5, backoffLimit: 6, indexed: true },
    { succeeded: 1, failed: 1, withIndexes: [["invalid", "Running"], ["0", "Succeeded"], ["1", "Running"], ["2", "Running"], ["2", "Pending"]] },
    { creations: 0, deletions: 2, active: 2, succeeded: 1, completedIndexes: "0" }],
  ["indexed job with indexes outside of range", { parallelism: 2, completions: 5, backoffLimit: 6, indexed: true },
    { withIndexes: [["0", "Succeeded"], ["5", "Running"], ["6", "Succeeded"], ["7", "Pending"], ["8", "Failed"]] },
    { creations: 0, succeeded: 1, deletions: 2, completedIndexes: "0", active: 0, failed: 0 }],
  ["suspending a job with satisfied expectations", { parallelism: 2, completions: 4, backoffLimit: 6, suspend: true }, { active: 2 }, { deletions: 2, active: 0, conditions: [suspended] }],
  ["suspending a job with satisfied expectations; PodReplacementPolicy enabled", { parallelism: 2, completions: 4, backoffLimit: 6, suspend: true }, { active: 2 },
    { deletions: 2, active: 0, terminating: 2, conditions: [suspended] }],
  ["count ready pods when suspending a job with satisfied expectations", { parallelism: 2, completions: 4, backoffLimit: 6, suspend: true }, { active: 2, ready: 2 },
    { deletions: 2, active: 0, ready: 0, conditions: [suspended] }],
  ["suspending a job with unsatisfied expectations", { parallelism: 2, completions: 4, backoffLimit: 6, suspend: true }, { active: 3 }, { creations: 0, deletions: 0, active: 3 },
    { expectationsSatisfied: false }],
  ["count ready pods when suspending a job with unsatisfied expectations", { parallelism: 2, completions: 4, backoffLimit: 6, suspend: true }, { active: 3, ready: 3 },
    { active: 3, ready: 3 }, { expectationsSatisfied: false }],
  ["suspending a job with unsatisfied expectations; PodReplacementPolicy enabled", { parallelism: 2, completions: 4, backoffLimit: 6, suspend: true }, { active: 3 },
    { active: 3, terminating: 0 }, { expectationsSatisfied: false }],
  ["resuming a suspended job", { parallelism: 2, completions: 4, backoffLimit: 6, wasSuspended: true }, {},
    { creations: 2, active: 2, conditions: [["Suspended", "False", "JobResumed", "Job resumed"]] }],
  ["suspending a deleted job", { parallelism: 2, completions: 4, backoffLimit: 6, suspend: true, deleting: true }, { active: 2 }, { active: 2 }],
  ["suspending a deleted job; PodReplacementPolicy enabled", { parallelism: 2, completions: 4, backoffLimit: 6, suspend: true, deleting: true }, { active: 2 }, { active: 2, terminating: 0 }],
  ["FailureTarget=False condition added manually is ignored",
    { parallelism: 1, completions: 1, backoffLimit: 0, startedSecondsAgo: 0, initialStatus: { active: 1, conditions: [{ type: "FailureTarget", status: "False", reason: "ConditionAddedManually", message: "Testing" }] } },
    { active: 1, ready: 1 }, { active: 1, ready: 1, conditions: [["FailureTarget", "False", "ConditionAddedManually", "Testing"]] }],
  ["SuccessCriteriaMet=False condition added manually is ignored",
    { parallelism: 1, completions: 1, backoffLimit: 0, startedSecondsAgo: 0, initialStatus: { active: 1, conditions: [{ type: "SuccessCriteriaMet", status: "False", reason: "ConditionAddedManually", message: "Testing" }] } },
    { active: 1, ready: 1 }, { active: 1, ready: 1, conditions: [["SuccessCriteriaMet", "False", "ConditionAddedManually", "Testing"]] }],
  ["backoff limit exceeded; JobManagedBy enabled", { parallelism: 2, completions: 3, backoffLimit: 0, indexed: true },
    { withIndexes: [["0", "Succeeded"], ["1", "Failed"], ["2", "Running"]] },
    { succeeded: 1, failed: 2, completedIndexes: "0", deletions: 1, conditions: [["FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"]] }],
];

describe("TestControllerSyncJob rows", () => {
  for (const [name, job, pods, want, opts] of rows) {
    it(name, () => {
      const got = run(newJob(job), newPods(pods), opts);
      check(got, want);
      // a suspended Job has no startTime; any other has one
      expect(got.status.startTime === undefined).toBe(job.suspend === true);
    });
  }
});

// TestSyncJobPastDeadline: startTime is `startTime` seconds before now. Its rows with both gates off
// expect Failed without FailureTarget and are left out, save the suspended one, which no gate changes.
const pastDeadlineRows: Row[] = [
  ["activeDeadlineSeconds is not triggered when Job is suspended", { parallelism: 1, completions: 2, backoffLimit: 6, activeDeadlineSeconds: 10, startedSecondsAgo: 15, suspend: true }, {},
    { conditions: [suspended] }],
  ["activeDeadlineSeconds exceeded; JobPodReplacementPolicy enabled", { parallelism: 1, completions: 2, backoffLimit: 6, activeDeadlineSeconds: 10, startedSecondsAgo: 15 }, { active: 1, succeeded: 1 },
    { deletions: 1, succeeded: 1, failed: 1, conditions: [["FailureTarget", "True", "DeadlineExceeded", "Job was active longer than specified deadline"]] }],
  ["activeDeadlineSeconds exceeded; JobManagedBy enabled", { parallelism: 1, completions: 2, backoffLimit: 6, activeDeadlineSeconds: 10, startedSecondsAgo: 15 }, { active: 1, succeeded: 1 },
    { deletions: 1, succeeded: 1, failed: 1, conditions: [["FailureTarget", "True", "DeadlineExceeded", "Job was active longer than specified deadline"]] }],
  ["activeDeadlineSeconds exceeded and backofflimit reached; JobManagedBy enabled", { parallelism: 1, completions: 1, backoffLimit: 0, activeDeadlineSeconds: 1, startedSecondsAgo: 10 }, { failed: 1 },
    { failed: 1, conditions: [["FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"], ["Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"]] }],
];

describe("TestSyncJobPastDeadline rows", () => {
  for (const [name, job, pods, want] of pastDeadlineRows) {
    it(name, () => {
      const got = run(newJob(job), newPods(pods));
      check(got, want);
      expect(got.status.startTime).toBeDefined();
    });
  }
});

// syncJob's order (job_controller.go, v1.35): pastActiveDeadline reads status.startTime before
// manageJob runs; the Resumed condition then resets startTime, and only when it is written (a Job
// that completes in the same sync gets no Resumed condition and keeps its startTime).
describe("the sync that resumes a Job", () => {
  it("checks the deadline against the first start: a Job suspended past its activeDeadlineSeconds fails as it resumes", () => {
    const got = run(newJob({ parallelism: 1, completions: 2, backoffLimit: 6, activeDeadlineSeconds: 10, startedSecondsAgo: 15, wasSuspended: true }), newPods({}));
    const deadline = "Job was active longer than specified deadline";
    check(got, { conditions: [suspended, ["FailureTarget", "True", "DeadlineExceeded", deadline], ["Failed", "True", "DeadlineExceeded", deadline]] });
    expect(got.status.startTime).toBe(new Date(NOW - 15_000).toISOString().replace(".000Z", "Z"));
  });

  it("resets startTime with the Resumed condition, so activeDeadlineSeconds counts the seconds the Job is continuously active", () => {
    const got = run(newJob({ parallelism: 1, completions: 2, backoffLimit: 6, activeDeadlineSeconds: 100, startedSecondsAgo: 15, wasSuspended: true }), newPods({}));
    check(got, { creations: 1, active: 1, conditions: [["Suspended", "False", "JobResumed", "Job resumed"]] });
    expect(got.status.startTime).toBe(new Date(NOW).toISOString().replace(".000Z", "Z"));
  });

  it("keeps startTime when the Job completes in the sync that would resume it", () => {
    const got = run(newJob({ parallelism: 1, completions: 1, backoffLimit: 6, startedSecondsAgo: 15, wasSuspended: true }), newPods({ succeeded: 1 }));
    expect((got.status.conditions ?? []).map(cond)).toContainEqual(["SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods"]);
    expect((got.status.conditions ?? []).map(cond)).not.toContainEqual(["Suspended", "False", "JobResumed", "Job resumed"]);
    expect(got.status.startTime).toBe(new Date(NOW - 15_000).toISOString().replace(".000Z", "Z"));
  });
});
