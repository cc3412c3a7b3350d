// pkg/controller/job/job_controller_test.go TestSyncJobWithJobPodFailurePolicy and
// TestSyncJobWithJobBackoffLimitPerIndex, row by row where podflow models the fields (the latter's
// rows with JobPodReplacementPolicy or JobManagedBy on, as in v1.35): pods named mypod-<i> with the
// tracking finalizer, and the status the sync leaves. The Go
// test's syncJob flushes the uncounted pods, removes their finalizers and writes the final status in
// one call; podflow's syncJob plans one write at a time, so the rows run it until nothing is left to
// write (the status stored, the finalizers gone), as the controller's successive syncs do. The pods'
// finish time is testFinishedAt (one second after the zero time) or none, as in the Go rows: no
// back-off is left for them, except from a deletionTimestamp of now. Left out: the rows run with
// JobPodReplacementPolicy or JobManagedBy off (both on in v1.35) where that changes the outcome
// ("default job based on OnExitCodes" expects Failed without FailureTarget, "fail job with multiple
// pods" Failed while a pod still terminates, "... JobPodReplacementPolicy and JobManagedBy disabled"),
// and "job with finished indexes; failedIndexes are cleaned when JobBackoffLimitPerIndex disabled"
// (the gate is locked on).
import { describe, expect, it } from "vitest";
import type { Job } from "kubernetes-types/batch/v1";
import type { ContainerStatus, Pod, PodCondition } from "kubernetes-types/core/v1";
import * as L from "./job.logic.js";

type Policy = NonNullable<NonNullable<Job["spec"]>["podFailurePolicy"]>;
type Rule = Policy["rules"][number];

const NOW = Date.parse("2026-01-01T00:00:00Z");
const ZERO = "0001-01-01T00:00:00Z";
const TEST_FINISHED_AT = "0001-01-01T00:00:01Z";
const onExit = (action: string, operator: string, values: number[], containerName?: string): Rule => ({ action, onExitCodes: { operator, values, ...(containerName ? { containerName } : {}) } }) as Rule;
const onCond = (action: string, type: string): Rule => ({ action, onPodConditions: [{ type, status: "True" }] }) as Rule;
// the Go test's onExitCodeRules
const onExitCodeRules = [onExit("Ignore", "In", [1, 2, 3]), onExit("FailJob", "In", [5, 6, 7])];
const terminated = (exitCode: number, name = "", finishedAt?: string): ContainerStatus =>
  ({ name, image: "", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode, ...(finishedAt ? { finishedAt } : {}) } } });

function job(policy: Policy, backoffLimit: number, indexed = false, conditions?: NonNullable<Job["status"]>["conditions"]): Job {
  return {
    metadata: { name: "foobar", namespace: "default", uid: "job-uid" },
    spec: {
      parallelism: 1, completions: 1, backoffLimit, podFailurePolicy: policy, podReplacementPolicy: "Failed", completionMode: indexed ? "Indexed" : "NonIndexed",
      selector: { matchLabels: { foo: "bar" } }, template: { metadata: { labels: { foo: "bar" } }, spec: { restartPolicy: "Never", containers: [{ name: "main-container", image: "foo/bar" }] } },
    },
    status: { startTime: "2025-12-31T23:59:00Z", ...(conditions ? { conditions } : {}) },
  } as Job;
}

function failedPod(status: { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[]; conditions?: PodCondition[] }, opts: { deleting?: boolean; index?: number } = {}): Pod {
  return {
    metadata: {
      name: "mypod-0", namespace: "default", uid: "mypod-0", creationTimestamp: ZERO, finalizers: [L.JOB_TRACKING_FINALIZER],
      annotations: opts.index === undefined ? {} : { [L.JOB_COMPLETION_INDEX_ANNOTATION]: String(opts.index) },
      ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "foobar", uid: "job-uid", controller: true }],
      ...(opts.deleting ? { deletionTimestamp: new Date(NOW).toISOString() } : {}),
    },
    status: { phase: "Failed", ...status },
  } as Pod;
}

function createdPod(j: Job, ix: number | undefined, n: number): Pod {
  const pod = L.newPodForJob(j, ix);
  return { ...pod, metadata: { ...pod.metadata, name: `created-${n}`, namespace: "default", uid: `created-${n}`, creationTimestamp: ZERO }, status: { phase: "Pending" } } as Pod;
}

/**
 * syncJob again and again, storing each status, letting go of each finalizer, showing each created
 * pod Pending and each deleted one terminating, until nothing is left to write.
 */
function settle(j: Job, pods: Pod[]): { status: Job["status"]; created: number } {
  let created = 0;
  let backoff: L.BackoffRecord | undefined;
  for (let i = 0; i < 6; i++) {
    const p = L.syncJob({ job: j, pods, now: NOW, backoff, expectationsSatisfied: true, removingFinalizers: new Set() });
    backoff = p.backoff;
    created += p.create.length;
    if (p.status) j = { ...j, status: p.status };
    if (p.create.length === 0 && !p.status && p.removeFinalizers.length === 0) break;
    const gone = new Set(p.removeFinalizers.map((x) => x.metadata?.uid));
    const deleted = new Set(p.delete.map((x) => x.metadata?.uid));
    pods = pods.map((x) => (gone.has(x.metadata?.uid) ? { ...x, metadata: { ...x.metadata, finalizers: [] } } : x));
    pods = pods.map((x) => (deleted.has(x.metadata?.uid) ? { ...x, metadata: { ...x.metadata, deletionTimestamp: new Date(NOW).toISOString() } } : x));
    // a created pod shows up Pending, as FakePodControl's creations are counted active
    pods = [...pods, ...p.create.map((ix, k) => createdPod(j, ix, i * 10 + k))];
  }
  return { status: j.status, created };
}

type Want = { conditions?: [string, string, string][]; active: number; failed: number; succeeded: number };
const failJob = (message: string): Want["conditions"] => [["FailureTarget", "PodFailurePolicy", message], ["Failed", "PodFailurePolicy", message]];

const failureTarget = (pod: string) => [{ type: "FailureTarget", status: "True", reason: "PodFailurePolicy", message: `Container main-container for pod default/${pod} failed with exit code 5 matching FailJob rule at index 1` }];

const rows: [string, Job, Pod, Want][] = [
  ["default handling for pod failure if the container matching the exit codes does not match the containerName restriction",
    job({ rules: [onExit("Ignore", "In", [1, 2, 3], "main-container"), onExit("FailJob", "In", [5, 6, 7], "main-container")] }, 6),
    failedPod({ containerStatuses: [terminated(5, "monitoring-container"), terminated(42, "main-container", TEST_FINISHED_AT)] }), { active: 1, failed: 1, succeeded: 0 }],
  ["job marked already as failure target with failed pod", job({ rules: onExitCodeRules }, 6, false, failureTarget("mypod-0")), failedPod({ containerStatuses: [terminated(5, "main-container")] }),
    { conditions: failJob("Container main-container for pod default/mypod-0 failed with exit code 5 matching FailJob rule at index 1"), active: 0, failed: 1, succeeded: 0 }],
  ["job marked already as failure target with failed pod, message based on already deleted pod", job({ rules: onExitCodeRules }, 6, false, failureTarget("already-deleted-pod")),
    failedPod({ containerStatuses: [terminated(5, "main-container")] }),
    { conditions: failJob("Container main-container for pod default/already-deleted-pod failed with exit code 5 matching FailJob rule at index 1"), active: 0, failed: 1, succeeded: 0 }],
  ["fail job based on OnExitCodes", job({ rules: onExitCodeRules }, 6), failedPod({ containerStatuses: [terminated(5, "main-container")] }),
    { conditions: failJob("Container main-container for pod default/mypod-0 failed with exit code 5 matching FailJob rule at index 1"), active: 0, failed: 1, succeeded: 0 }],
  ["fail indexed job based on OnExitCodes", job({ rules: onExitCodeRules }, 6, true), failedPod({ containerStatuses: [terminated(5, "main-container")] }, { index: 0 }),
    { conditions: failJob("Container main-container for pod default/mypod-0 failed with exit code 5 matching FailJob rule at index 1"), active: 0, failed: 1, succeeded: 0 }],
  ["fail job based on OnExitCodes with NotIn operator", job({ rules: [onExit("FailJob", "NotIn", [5, 6, 7])] }, 6), failedPod({ containerStatuses: [terminated(42, "main-container")] }),
    { conditions: failJob("Container main-container for pod default/mypod-0 failed with exit code 42 matching FailJob rule at index 0"), active: 0, failed: 1, succeeded: 0 }],
  ["default handling job based on OnExitCodes with NotIn operator", job({ rules: [onExit("FailJob", "NotIn", [5, 6, 7])] }, 6), failedPod({ containerStatuses: [terminated(5, "main-container", TEST_FINISHED_AT)] }),
    { active: 1, failed: 1, succeeded: 0 }],
  ["fail job based on OnExitCodes for InitContainer", job({ rules: onExitCodeRules }, 6),
    failedPod({ initContainerStatuses: [terminated(5, "init-container")], containerStatuses: [terminated(143, "main-container")] }),
    { conditions: failJob("Container init-container for pod default/mypod-0 failed with exit code 5 matching FailJob rule at index 1"), active: 0, failed: 1, succeeded: 0 }],
  ["ignore pod failure; both rules are matching, the first is executed only", job({ rules: onExitCodeRules }, 0),
    failedPod({ containerStatuses: [terminated(2, "container1"), terminated(6, "container2")] }), { active: 1, failed: 0, succeeded: 0 }],
  ["ignore pod failure based on OnExitCodes", job({ rules: onExitCodeRules }, 0), failedPod({ containerStatuses: [terminated(1)] }), { active: 1, failed: 0, succeeded: 0 }],
  ["count pod failure based on OnExitCodes; both rules are matching, the first is executed only", job({ rules: [onExit("Count", "In", [1, 2]), onExit("Ignore", "In", [2, 3])] }, 6),
    failedPod({ containerStatuses: [terminated(2, "", TEST_FINISHED_AT)] }), { active: 1, failed: 1, succeeded: 0 }],
  ["count pod failure based on OnPodConditions; both rules are matching, the first is executed only", job({ rules: [onCond("Count", "ResourceLimitExceeded"), onCond("Ignore", "DisruptionTarget")] }, 6),
    failedPod({ conditions: [{ type: "ResourceLimitExceeded", status: "True" }, { type: "DisruptionTarget", status: "True" }], containerStatuses: [{ ...terminated(0, "", TEST_FINISHED_AT) }] }),
    { active: 1, failed: 1, succeeded: 0 }],
  ["ignore pod failure based on OnPodConditions", job({ rules: [onCond("Ignore", "DisruptionTarget")] }, 0), failedPod({ conditions: [{ type: "DisruptionTarget", status: "True" }] }),
    { active: 1, failed: 0, succeeded: 0 }],
  ["ignore pod failure based on OnPodConditions, ignored failures delays pod recreation", job({ rules: [onCond("Ignore", "DisruptionTarget")] }, 0),
    failedPod({ conditions: [{ type: "DisruptionTarget", status: "True" }] }, { deleting: true }), { active: 0, failed: 0, succeeded: 0 }],
  ["fail job based on OnPodConditions", job({ rules: [onCond("FailJob", "DisruptionTarget")] }, 6), failedPod({ conditions: [{ type: "DisruptionTarget", status: "True" }] }),
    { conditions: failJob("Pod default/mypod-0 has condition DisruptionTarget matching FailJob rule at index 0"), active: 0, failed: 1, succeeded: 0 }],
  ["running pod should not result in job fail based on OnExitCodes", job({ rules: onExitCodeRules }, 6),
    { ...failedPod({ containerStatuses: [terminated(5, "main-container")] }), status: { phase: "Running", containerStatuses: [terminated(5, "main-container")] } }, { active: 1, failed: 0, succeeded: 0 }],
  ["default job based on OnExitCodes; JobManagedBy enabled triggers adding interim condition", job({ rules: onExitCodeRules }, 0), failedPod({ containerStatuses: [terminated(10)] }),
    { conditions: [["FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit"], ["Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"]], active: 0, failed: 1, succeeded: 0 }],
];

// Rows with more than one pod, named mypod-<i> in order (the Go test's podBuilder names them so).
const nthPod = (p: Pod, i: number): Pod => ({ ...p, metadata: { ...p.metadata, name: `mypod-${i}`, uid: `mypod-${i}` } });
const runningPod = (): Pod => ({ ...failedPod({}), status: { phase: "Running" } });
const multiPodRows: [string, Job, Pod[], Want][] = [
  // JobManagedBy (locked on in v1.35) holds Failed back while the running pod the failure deletes still terminates
  ["fail job with multiple pods; JobManagedBy enabled delays setting terminal condition", { ...job({ rules: onExitCodeRules }, 6), spec: { ...job({ rules: onExitCodeRules }, 6).spec, parallelism: 2, completions: 2 } } as Job,
    [runningPod(), failedPod({ containerStatuses: [terminated(5, "main-container")] })].map(nthPod),
    { conditions: [["FailureTarget", "PodFailurePolicy", "Container main-container for pod default/mypod-1 failed with exit code 5 matching FailJob rule at index 1"]], active: 0, failed: 2, succeeded: 0 }],
  // a pod being deleted with no phase is not failed yet under a podFailurePolicy: nothing is counted, none replaces it
  ["terminating Pod not considered failed when JobPodFailurePolicy is enabled and used",
    { ...job({ rules: [onCond("Count", "DisruptionTarget")] }, 0), spec: { ...job({ rules: [onCond("Count", "DisruptionTarget")] }, 0).spec, completions: undefined } } as Job,
    [{ ...failedPod({}, { deleting: true }), status: {} }], { active: 0, failed: 0, succeeded: 0 }],
];

describe("TestSyncJobWithJobPodFailurePolicy rows", () => {
  for (const [name, j, pods, want] of [...rows.map(([n, j, p, w]) => [n, j, [p], w] as [string, Job, Pod[], Want]), ...multiPodRows]) {
    it(name, () => {
      const { status } = settle(j, pods);
      expect((status?.conditions ?? []).map((c) => [c.type, c.reason, c.message])).toEqual(want.conditions ?? []);
      expect({ active: status?.active ?? 0, failed: status?.failed ?? 0, succeeded: status?.succeeded ?? 0 }).toEqual({ active: want.active, failed: want.failed, succeeded: want.succeeded });
    });
  }
});

/** buildPod().uid(uid).index(ix).phase(phase).indexFailureCount(count).trackingFinalizer(), named mypod-<i> by the test. */
function indexedPod(i: number, uid: string, ix: number, phase: string, failures: number, exitCode?: [string, number]): Pod {
  return {
    metadata: {
      name: `mypod-${i}`, namespace: "default", uid, creationTimestamp: ZERO, finalizers: [L.JOB_TRACKING_FINALIZER],
      annotations: { [L.JOB_COMPLETION_INDEX_ANNOTATION]: String(ix), [L.JOB_INDEX_FAILURE_COUNT_ANNOTATION]: String(failures) },
      ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "foobar", uid: "job-uid", controller: true }],
    },
    status: { phase, ...(exitCode ? { containerStatuses: [terminated(exitCode[1], exitCode[0])] } : {}) },
  } as Pod;
}

function perIndexJob(n: number, backoffLimit: number, maxFailedIndexes?: number, rule?: Rule): Job {
  const j = job(undefined as unknown as Policy, backoffLimit, true);
  const spec: Record<string, unknown> = { ...j.spec, parallelism: n, completions: n, backoffLimitPerIndex: 1, podReplacementPolicy: rule ? "Failed" : "TerminatingOrFailed" };
  delete spec.podFailurePolicy;
  if (rule) spec.podFailurePolicy = { rules: [rule] };
  if (maxFailedIndexes !== undefined) spec.maxFailedIndexes = maxFailedIndexes;
  return { ...j, spec } as Job;
}

const MAX_INT32 = 2 ** 31 - 1;
type PerIndexWant = { active?: number; failed: number; succeeded: number; terminating: number; failedIndexes: string; completedIndexes: string; conditions: [string, string, string][] };
const perIndexRows: [string, Job, Pod[], PerIndexWant][] = [
  ["successful job after a single failure within index", perIndexJob(2, MAX_INT32),
    [indexedPod(0, "a1", 0, "Failed", 0), indexedPod(1, "a2", 0, "Succeeded", 1), indexedPod(2, "b", 1, "Succeeded", 0)],
    { failed: 1, succeeded: 2, terminating: 0, failedIndexes: "", completedIndexes: "0,1", conditions: [["SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"], ["Complete", "CompletionsReached", "Reached expected number of succeeded pods"]] }],
  ["single failed pod replaced already", perIndexJob(2, MAX_INT32), [indexedPod(0, "a", 0, "Failed", 0), indexedPod(1, "b", 0, "Pending", 1)],
    { active: 2, failed: 1, succeeded: 0, terminating: 0, failedIndexes: "", completedIndexes: "", conditions: [] }],
  ["single failed index due to exceeding the backoff limit per index, the job continues", perIndexJob(2, MAX_INT32), [indexedPod(0, "a", 0, "Failed", 1)],
    { active: 1, failed: 1, succeeded: 0, terminating: 0, failedIndexes: "0", completedIndexes: "", conditions: [] }],
  ["single failed index due to FailIndex action, the job continues", perIndexJob(2, MAX_INT32, undefined, onExit("FailIndex", "In", [3])), [indexedPod(0, "a", 0, "Failed", 0, ["", 3])],
    { active: 1, failed: 1, succeeded: 0, terminating: 0, failedIndexes: "0", completedIndexes: "", conditions: [] }],
  ["job failed index due to FailJob action", perIndexJob(2, 6, undefined, onExit("FailJob", "In", [3])), [indexedPod(0, "a", 0, "Failed", 0, ["x", 3])],
    { active: 0, failed: 1, succeeded: 0, terminating: 0, failedIndexes: "", completedIndexes: "", conditions: failJob("Container x for pod default/mypod-0 failed with exit code 3 matching FailJob rule at index 0") ?? [] }],
  ["job pod failure ignored due to matching Ignore action", perIndexJob(2, 6, undefined, onExit("Ignore", "In", [3])), [indexedPod(0, "a", 0, "Failed", 0, ["x", 3])],
    { active: 2, failed: 0, succeeded: 0, terminating: 0, failedIndexes: "", completedIndexes: "", conditions: [] }],
  ["job failed due to exceeding backoffLimit before backoffLimitPerIndex", perIndexJob(2, 1), [indexedPod(0, "a", 0, "Failed", 0), indexedPod(1, "b", 1, "Failed", 0)],
    { failed: 2, succeeded: 0, terminating: 0, failedIndexes: "", completedIndexes: "", conditions: [["FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit"], ["Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"]] }],
  ["job failed due to failed indexes", perIndexJob(2, MAX_INT32), [indexedPod(0, "a", 0, "Failed", 1), indexedPod(1, "b", 1, "Succeeded", 0)],
    { failed: 1, succeeded: 1, terminating: 0, failedIndexes: "0", completedIndexes: "1", conditions: [["FailureTarget", "FailedIndexes", "Job has failed indexes"], ["Failed", "FailedIndexes", "Job has failed indexes"]] }],
  ["job failed due to exceeding max failed indexes", perIndexJob(4, MAX_INT32, 1),
    [indexedPod(0, "a", 0, "Failed", 1), indexedPod(1, "b", 1, "Succeeded", 0), indexedPod(2, "c", 2, "Failed", 1), indexedPod(3, "d", 3, "Running", 0)],
    { failed: 3, succeeded: 1, terminating: 1, failedIndexes: "0,2", completedIndexes: "1", conditions: [["FailureTarget", "MaxFailedIndexesExceeded", "Job has exceeded the specified maximal number of failed indexes"]] }],
];

// JobManagedBy (locked on in v1.35) with JobPodReplacementPolicy off: the same status as with both on,
// but no terminating count (the gate that counts it was off), so terminating is not compared.
const failedIndexesRow = perIndexRows.find(([n]) => n === "job failed due to failed indexes");
const maxFailedRow = perIndexRows.find(([n]) => n === "job failed due to exceeding max failed indexes");
const managedByRows: [string, Job, Pod[], Omit<PerIndexWant, "terminating">][] = [
  ["job failed due to failed indexes; JobManagedBy enabled", perIndexJob(2, MAX_INT32), [indexedPod(0, "a", 0, "Failed", 1), indexedPod(1, "b", 1, "Succeeded", 0)],
    { failed: 1, succeeded: 1, failedIndexes: "0", completedIndexes: "1", conditions: failedIndexesRow![3].conditions }],
  ["job failed due to exceeding max failed indexes; JobManagedBy enabled", perIndexJob(4, MAX_INT32, 1),
    [indexedPod(0, "a", 0, "Failed", 1), indexedPod(1, "b", 1, "Succeeded", 0), indexedPod(2, "c", 2, "Failed", 1), indexedPod(3, "d", 3, "Running", 0)],
    { failed: 3, succeeded: 1, failedIndexes: "0,2", completedIndexes: "1", conditions: maxFailedRow![3].conditions }],
];

describe("TestSyncJobWithJobBackoffLimitPerIndex rows", () => {
  // the Go test's one syncJob: the failed pod keeps its finalizer (uncounted) until its index has a
  // replacement, so the replacement can carry the index's failure count (getPodsWithDelayedDeletionPerIndex)
  it("single failed pod, not counted as the replacement pod creation is delayed", () => {
    const p = L.syncJob({ job: perIndexJob(2, MAX_INT32), pods: [indexedPod(0, "a", 0, "Failed", 0)], now: NOW, expectationsSatisfied: true, removingFinalizers: new Set() });
    expect(p.removeFinalizers).toEqual([]);
    expect(p.create).toEqual([0, 1]);
    expect({ active: p.status?.active, failed: p.status?.failed ?? 0, terminating: p.status?.terminating, failedIndexes: p.status?.failedIndexes, uncounted: p.status?.uncountedTerminatedPods })
      .toEqual({ active: 2, failed: 0, terminating: 0, failedIndexes: "", uncounted: {} });
  });
  for (const [name, j, pods, want] of managedByRows) {
    it(name, () => {
      const { status } = settle(j, pods);
      expect((status?.conditions ?? []).map((c) => [c.type, c.reason, c.message])).toEqual(want.conditions);
      expect({ failed: status?.failed ?? 0, succeeded: status?.succeeded ?? 0, failedIndexes: status?.failedIndexes, completedIndexes: status?.completedIndexes ?? "" })
        .toEqual({ failed: want.failed, succeeded: want.succeeded, failedIndexes: want.failedIndexes, completedIndexes: want.completedIndexes });
    });
  }
  for (const [name, j, pods, want] of perIndexRows) {
    it(name, () => {
      const { status } = settle(j, pods);
      expect((status?.conditions ?? []).map((c) => [c.type, c.reason, c.message])).toEqual(want.conditions);
      expect({ failed: status?.failed ?? 0, succeeded: status?.succeeded ?? 0, terminating: status?.terminating, failedIndexes: status?.failedIndexes, completedIndexes: status?.completedIndexes ?? "" })
        .toEqual({ failed: want.failed, succeeded: want.succeeded, terminating: want.terminating, failedIndexes: want.failedIndexes, completedIndexes: want.completedIndexes });
      expect(status?.active ?? 0).toBe(want.active ?? 0);
    });
  }
});

// TestSyncJobWithJobSuccessPolicy (v1.35 has JobSuccessPolicy, JobPodReplacementPolicy and JobManagedBy
// locked on): an Indexed Job, pods mypod-<i> with no finish time. Left out: the rows run with
// JobPodReplacementPolicy off ("... feature disabled ..."), which expect Complete written while pods
// still terminate, and "when the JobSuccessPolicy is disabled ...", whose policy v1.35 would match.
// The two rows run with JobPodReplacementPolicy off but JobManagedBy on expect no terminating count
// (the gate that counts it was off): their terminating is not compared.
type SuccessPod = { uid: string; ix: number; phase: string; disruption?: true; failures?: number; finalizer?: false };
function successPolicyPod(i: number, p: SuccessPod): Pod {
  return {
    metadata: {
      name: `mypod-${i}`, namespace: "default", uid: p.uid, creationTimestamp: ZERO, finalizers: p.finalizer === false ? [] : [L.JOB_TRACKING_FINALIZER],
      annotations: { [L.JOB_COMPLETION_INDEX_ANNOTATION]: String(p.ix), ...(p.failures !== undefined ? { [L.JOB_INDEX_FAILURE_COUNT_ANNOTATION]: String(p.failures) } : {}) },
      ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "foobar", uid: "job-uid", controller: true }],
    },
    status: { phase: p.phase, ...(p.disruption ? { conditions: [{ type: "DisruptionTarget", status: "True" }] } : {}) },
  } as Pod;
}
type SuccessJob = { n: number; backoffLimit?: number; perIndex?: number; rules?: { succeededIndexes?: string; succeededCount?: number }[]; failJobOnDisruption?: true; status?: Job["status"] };
function successPolicyJob(s: SuccessJob): Job {
  return {
    metadata: { name: "foobar", namespace: "default", uid: "job-uid" },
    spec: {
      parallelism: s.n, completions: s.n, backoffLimit: s.backoffLimit ?? MAX_INT32, completionMode: "Indexed",
      ...(s.perIndex !== undefined ? { backoffLimitPerIndex: s.perIndex } : {}),
      ...(s.rules ? { successPolicy: { rules: s.rules } } : {}),
      ...(s.failJobOnDisruption ? { podFailurePolicy: { rules: [onCond("FailJob", "DisruptionTarget")] } } : {}),
      selector: { matchLabels: { foo: "bar" } }, template: { metadata: { labels: { foo: "bar" } }, spec: { restartPolicy: "Never", containers: [{ name: "", image: "foobar" }] } },
    },
    status: { startTime: "2025-12-31T23:59:00Z", ...s.status },
  } as Job;
}
const matched: [string, string, string] = ["SuccessCriteriaMet", "SuccessPolicy", "Matched rules at index 0"];
const completeByPolicy: [string, string, string] = ["Complete", "SuccessPolicy", "Matched rules at index 0"];
const scmStatus = (extra: Job["status"] = {}): Job["status"] => ({ conditions: [{ type: "SuccessCriteriaMet", status: "True", reason: "SuccessPolicy", message: "Matched rules at index 0" }], ...extra });
const disruptionMessage = "Pod default/mypod-0 has condition DisruptionTarget matching FailJob rule at index 0";
const rule01 = [{ succeededIndexes: "0,1", succeededCount: 1 }];
type SuccessWant = { failed: number; succeeded: number; terminating?: number; completedIndexes: string; failedIndexes?: string; conditions: [string, string, string][] };
const stillRunning: SuccessPod[] = [{ uid: "a1", ix: 0, phase: "Failed" }, { uid: "a2", ix: 1, phase: "Running" }, { uid: "b", ix: 1, phase: "Succeeded" }, { uid: "c", ix: 2, phase: "Running" }];
const successRows: [string, SuccessJob, SuccessPod[], SuccessWant][] = [
  ["job with successPolicy; jobPodReplacementPolicy feature enabled; job has SuccessCriteriaMet condition if job meets to successPolicy and some indexes fail",
    { n: 3, rules: rule01 }, [{ uid: "a1", ix: 0, phase: "Failed" }, { uid: "a2", ix: 0, phase: "Running" }, { uid: "b", ix: 1, phase: "Succeeded" }, { uid: "c", ix: 2, phase: "Running" }],
    { failed: 1, succeeded: 1, terminating: 2, completedIndexes: "1", conditions: [matched] }],
  ["job with podFailurePolicy and successPolicy; jobPodReplacementPolicy feature enabled; job has SuccessCriteriaMet condition if job meets to successPolicy and doesn't meet to podFailurePolicy",
    { n: 2, rules: rule01, failJobOnDisruption: true }, [{ uid: "a1", ix: 0, phase: "Failed" }, { uid: "a2", ix: 0, phase: "Running" }, { uid: "b", ix: 1, phase: "Succeeded" }],
    { failed: 1, succeeded: 1, terminating: 1, completedIndexes: "1", conditions: [matched] }],
  ["job with backoffLimitPerIndex and successPolicy; jobPodReplacementPolicy feature enabled; job has SuccessCriteriaMet condition if job meets to successPolicy and doesn't meet backoffLimitPerIndex",
    { n: 2, perIndex: 2, rules: rule01 }, [{ uid: "a1", ix: 0, phase: "Failed" }, { uid: "a2", ix: 0, phase: "Running" }, { uid: "b", ix: 1, phase: "Succeeded" }],
    { failed: 1, succeeded: 1, terminating: 1, completedIndexes: "1", failedIndexes: "", conditions: [matched] }],
  ["job with successPolicy; jobPodReplacementPolicy feature enabled; job has both Complete and SuccessCriteriaMet condition when job meets to successPolicy and all pods have been already removed",
    { n: 2, perIndex: 2, rules: rule01, status: scmStatus() }, [{ uid: "a", ix: 0, phase: "Failed" }, { uid: "b", ix: 1, phase: "Succeeded" }],
    { failed: 1, succeeded: 1, terminating: 0, completedIndexes: "1", conditions: [matched, completeByPolicy] }],
  ["job with successPolicy; jobPodReplacementPolicy feature enabled; job has SuccessCriteriaMet condition when job meets to successPolicy and some pods still are running",
    { n: 3, perIndex: 3, rules: rule01, status: scmStatus() }, stillRunning, { failed: 1, succeeded: 1, terminating: 2, completedIndexes: "1", conditions: [matched] }],
  ["job with successPolicy; JobManagedBy feature enabled; job has SuccessCriteriaMet condition when job meets to successPolicy and some pods still are running",
    { n: 3, perIndex: 3, rules: rule01, status: scmStatus() }, stillRunning, { failed: 1, succeeded: 1, completedIndexes: "1", conditions: [matched] }],
  ["job with successPolicy and podFailurePolicy; jobPodReplacementPolicy feature enabled; job has a failed condition when job meets to both successPolicy and podFailurePolicy",
    { n: 2, rules: rule01, failJobOnDisruption: true }, [{ uid: "a1", ix: 0, phase: "Failed", disruption: true }, { uid: "a2", ix: 0, phase: "Running" }, { uid: "b", ix: 1, phase: "Succeeded" }],
    { failed: 2, succeeded: 1, terminating: 1, completedIndexes: "1", conditions: [["FailureTarget", "PodFailurePolicy", disruptionMessage]] }],
  ["job with successPolicy and backoffLimitPerIndex; jobPodReplacementPolicy feature enabled; job has a failed condition when job meets to both successPolicy and backoffLimitPerIndex",
    { n: 2, perIndex: 1, rules: rule01 }, [{ uid: "a", ix: 0, phase: "Failed", failures: 1 }, { uid: "b", ix: 1, phase: "Succeeded" }],
    { failed: 1, succeeded: 1, terminating: 0, completedIndexes: "1", failedIndexes: "0", conditions: [["FailureTarget", "FailedIndexes", "Job has failed indexes"], ["Failed", "FailedIndexes", "Job has failed indexes"]] }],
  ["job with successPolicy and backoffLimit; jobPodReplacementPolicy feature enabled; job has a failed condition when job meets to both successPolicy and backoffLimit",
    { n: 2, backoffLimit: 1, rules: rule01 }, [{ uid: "a1", ix: 0, phase: "Failed" }, { uid: "a2", ix: 0, phase: "Failed" }, { uid: "b", ix: 1, phase: "Succeeded" }],
    { failed: 2, succeeded: 1, terminating: 0, completedIndexes: "1", conditions: [["FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit"], ["Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"]] }],
  ["job with successPolicy and podFailurePolicy; jobPodReplacementPolicy feature enabled; job with SuccessCriteriaMet has never been transitioned to FailureTarget and Failed even if job meets podFailurePolicy",
    { n: 2, rules: [{ succeededCount: 1 }], failJobOnDisruption: true, status: scmStatus({ succeeded: 1, terminating: 0, completedIndexes: "1", uncountedTerminatedPods: {} }) },
    [{ uid: "a", ix: 0, phase: "Failed", disruption: true }, { uid: "b", ix: 1, phase: "Succeeded" }], { failed: 1, succeeded: 1, terminating: 0, completedIndexes: "1", conditions: [matched, completeByPolicy] }],
  ["job with successPolicy and backoffLimitPerIndex; jobPodReplacementPolicy feature enabled; job with SuccessCriteriaMet has never been transitioned to FailureTarget and Failed even if job meet backoffLimitPerIndex",
    { n: 2, perIndex: 1, rules: [{ succeededIndexes: "1" }], status: scmStatus({ succeeded: 1, terminating: 0, completedIndexes: "1", uncountedTerminatedPods: {} }) },
    [{ uid: "a", ix: 0, phase: "Failed", failures: 1 }, { uid: "b", ix: 1, phase: "Succeeded" }], { failed: 1, succeeded: 1, terminating: 0, completedIndexes: "1", failedIndexes: "0", conditions: [matched, completeByPolicy] }],
  ["job with successPolicy and backoffLimit; jobPodReplacementPolicy feature enabled; job with SuccessCriteriaMet has never been transitioned to FailureTarget and Failed even if job meets backoffLimit",
    { n: 2, backoffLimit: 1, rules: rule01, status: scmStatus({ succeeded: 1, terminating: 0, completedIndexes: "1", uncountedTerminatedPods: {} }) },
    [{ uid: "a", ix: 0, phase: "Failed" }, { uid: "b", ix: 1, phase: "Succeeded" }], { failed: 1, succeeded: 1, terminating: 0, completedIndexes: "1", conditions: [matched, completeByPolicy] }],
  ["job with successPolicy and podFailureTarget; jobPodReplacementPolicy feature enabled; job with FailureTarget has never been transitioned to SuccessCriteriaMet even if job meets successPolicy",
    { n: 2, rules: rule01, failJobOnDisruption: true, status: { failed: 1, terminating: 0, completedIndexes: "1", uncountedTerminatedPods: {}, conditions: [{ type: "FailureTarget", status: "True", reason: "PodFailurePolicy", message: disruptionMessage }] } },
    [{ uid: "a", ix: 0, phase: "Failed", disruption: true, finalizer: false }, { uid: "b", ix: 1, phase: "Succeeded" }],
    { failed: 1, succeeded: 1, terminating: 0, completedIndexes: "1", conditions: [["FailureTarget", "PodFailurePolicy", disruptionMessage], ["Failed", "PodFailurePolicy", disruptionMessage]] }],
  ["job without successPolicy; jobSuccessPolicy is enabled; job got SuccessCriteriaMet and Completion with CompletionsReached reason conditions",
    { n: 1 }, [{ uid: "a1", ix: 0, phase: "Succeeded" }],
    { failed: 0, succeeded: 1, completedIndexes: "0", conditions: [["SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"], ["Complete", "CompletionsReached", "Reached expected number of succeeded pods"]] }],
];

describe("TestSyncJobWithJobSuccessPolicy rows", () => {
  for (const [name, j, pods, want] of successRows) {
    it(name, () => {
      const { status } = settle(successPolicyJob(j), pods.map((p, i) => successPolicyPod(i, p)));
      expect((status?.conditions ?? []).map((c) => [c.type, c.reason, c.message])).toEqual(want.conditions);
      expect({ failed: status?.failed ?? 0, succeeded: status?.succeeded ?? 0, completedIndexes: status?.completedIndexes ?? "", active: status?.active ?? 0 })
        .toEqual({ failed: want.failed, succeeded: want.succeeded, completedIndexes: want.completedIndexes, active: 0 });
      if (want.terminating !== undefined) expect(status?.terminating).toBe(want.terminating);
      if (want.failedIndexes !== undefined) expect(status?.failedIndexes).toBe(want.failedIndexes);
      expect(status?.uncountedTerminatedPods ?? {}).toEqual({});
    });
  }
});

// TestJobBackoffForOnFailure: restartPolicy OnFailure, pods from newPodList with the tracking finalizer and
// one container status carrying the row's restart count; the rows v1.35 keeps (JobPodReplacementPolicy
// and JobManagedBy locked on: the "... enabled" rows, and those the gates do not change). Left out: the
// gate-off rows whose failure writes Failed at once while the deleted pods still terminate.
function onFailureJob(parallelism: number, completions: number, backoffLimit: number, suspend: boolean): Job {
  return {
    metadata: { name: "foobar", namespace: "default", uid: "job-uid" },
    spec: { parallelism, completions, backoffLimit, suspend, selector: { matchLabels: { foo: "bar" } }, template: { metadata: { labels: { foo: "bar" } }, spec: { restartPolicy: "OnFailure", containers: [{ name: "", image: "foo/bar" }] } } },
    status: { startTime: "2025-12-31T23:59:00Z" },
  } as Job;
}
const restartingPods = (phase: string, restartCounts: number[]): Pod[] => restartCounts.map((restartCount, i) => ({
  metadata: { name: `pod-${i}`, namespace: "default", uid: `pod-${i}`, creationTimestamp: ZERO, finalizers: [L.JOB_TRACKING_FINALIZER], ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "foobar", uid: "job-uid", controller: true }] },
  status: { phase, containerStatuses: [{ name: "", image: "", imageID: "", ready: false, restartCount }] },
}) as Pod);
const backoffLimitExceeded: [string, string, string] = ["FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit"];
const completionsReached = (type: string): [string, string, string] => [type, "CompletionsReached", "Reached expected number of succeeded pods"];
const onFailureRows: [string, Job, Pod[], Want][] = [
  ["backoffLimit 0 should have 1 pod active", onFailureJob(1, 1, 0, false), restartingPods("Running", [0]), { active: 1, failed: 0, succeeded: 0 }],
  ["backoffLimit 1 with restartCount 0 should have 1 pod active", onFailureJob(1, 1, 1, false), restartingPods("Running", [0]), { active: 1, failed: 0, succeeded: 0 }],
  ["not enough failures", onFailureJob(2, 5, 3, false), restartingPods("Running", [1, 1]), { active: 2, failed: 0, succeeded: 0 }],
  ["finished job; JobManagedBy enabled", onFailureJob(2, 4, 6, true), restartingPods("Succeeded", [1, 1, 2, 0]),
    { conditions: [completionsReached("SuccessCriteriaMet"), completionsReached("Complete")], active: 0, failed: 0, succeeded: 4 }],
  ["too many job failures with podRunning - multiple pods; JobManagedBy enabled", onFailureJob(2, 5, 2, false), restartingPods("Running", [1, 1]),
    { conditions: [backoffLimitExceeded], active: 0, failed: 2, succeeded: 0 }],
];

describe("TestJobBackoffForOnFailure rows", () => {
  for (const [name, j, pods, want] of onFailureRows) {
    it(name, () => {
      const { status } = settle(j, pods);
      expect((status?.conditions ?? []).map((c) => [c.type, c.reason, c.message])).toEqual(want.conditions ?? []);
      expect({ active: status?.active ?? 0, failed: status?.failed ?? 0, succeeded: status?.succeeded ?? 0 }).toEqual({ active: want.active, failed: want.failed, succeeded: want.succeeded });
    });
  }
  // the Go test's one sync: FakePodControl deletes nothing from the store, so the two pods are not yet terminating
  it("suspending a job", () => {
    const p = L.syncJob({ job: onFailureJob(2, 4, 6, true), pods: restartingPods("Running", [1, 1]), now: NOW, expectationsSatisfied: true, removingFinalizers: new Set() });
    expect(p.delete.map((x) => x.metadata?.name)).toEqual(["pod-0", "pod-1"]);
    expect((p.status?.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message])).toEqual([["Suspended", "True", "JobSuspended", "Job suspended"]]);
    expect({ active: p.status?.active ?? 0, failed: p.status?.failed ?? 0, succeeded: p.status?.succeeded ?? 0 }).toEqual({ active: 0, failed: 0, succeeded: 0 });
  });
});

// TestJobBackoffOnRestartPolicyNever: restartPolicy Never, failed pods finished at testFinishedAt (no
// back-off left), active pods in the row's phase, no gate involved.
function neverJob(parallelism: number, completions: number, backoffLimit: number): Job {
  const j = onFailureJob(parallelism, completions, backoffLimit, false);
  return { ...j, spec: { ...j.spec!, template: { ...j.spec!.template, spec: { ...j.spec!.template.spec!, restartPolicy: "Never" } } } };
}
const neverPods = (failed: number, active: number, activePhase: string): Pod[] => [
  ...restartingPods("Failed", Array(failed).fill(0)).map((p) => ({ ...p, status: { phase: "Failed", containerStatuses: [terminated(1, "", TEST_FINISHED_AT)] } }) as Pod),
  ...restartingPods(activePhase, Array(active).fill(0)).map((p, i) => ({ ...p, metadata: { ...p.metadata, name: `active-${i}`, uid: `active-${i}` } })),
];
const backoffLimitFailed: Want["conditions"] = [backoffLimitExceeded, ["Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"]];
const neverRows: [string, Job, Pod[], Want][] = [
  ["not enough failures with backoffLimit 0 - single pod", neverJob(1, 1, 0), neverPods(0, 1, "Running"), { active: 1, failed: 0, succeeded: 0 }],
  ["not enough failures with backoffLimit 1 - single pod", neverJob(1, 1, 1), neverPods(1, 0, ""), { active: 1, failed: 1, succeeded: 0 }],
  ["too many failures with backoffLimit 1 - single pod", neverJob(1, 1, 1), neverPods(2, 0, ""), { conditions: backoffLimitFailed, active: 0, failed: 2, succeeded: 0 }],
  ["not enough failures with backoffLimit 6 - multiple pods", neverJob(2, 2, 6), neverPods(6, 1, "Running"), { active: 2, failed: 6, succeeded: 0 }],
  ["too many failures with backoffLimit 6 - multiple pods", neverJob(2, 2, 6), neverPods(7, 0, ""), { conditions: backoffLimitFailed, active: 0, failed: 7, succeeded: 0 }],
];

describe("TestJobBackoffOnRestartPolicyNever rows", () => {
  for (const [name, j, pods, want] of neverRows) {
    it(name, () => {
      const { status } = settle(j, pods);
      expect((status?.conditions ?? []).map((c) => [c.type, c.reason, c.message])).toEqual(want.conditions ?? []);
      expect({ active: status?.active ?? 0, failed: status?.failed ?? 0, succeeded: status?.succeeded ?? 0 }).toEqual({ active: want.active, failed: want.failed, succeeded: want.succeeded });
    });
  }
});
