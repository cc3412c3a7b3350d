import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import type { Job } from "kubernetes-types/batch/v1";
import * as L from "./job.logic.js";

// Expectations from pkg/controller/job (backoff_utils_test.go, indexed_job_utils_test.go,
// job_controller_test.go's TestControllerSyncJob rows) and the Job docs.

const T0 = Date.parse("2026-01-01T00:00:00Z");
const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace(".000Z", "Z");
function job(spec: Partial<Job["spec"]> = {}, status: Job["status"] = {}): Job {
  return { metadata: { name: "j", namespace: "default", uid: "job-uid" }, spec: { parallelism: 1, completions: 1, backoffLimit: 6, completionMode: "NonIndexed", template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } }, ...spec } as Job["spec"], status };
}
let n = 0;
function pod(phase: string, opts: { index?: number; finishedS?: number; deleting?: boolean; finalizer?: boolean } = {}): Pod {
  n++;
  return {
    metadata: {
      name: `j-${n}`, namespace: "default", uid: `pod-${n}`, creationTimestamp: at(0),
      finalizers: opts.finalizer === false ? [] : [L.JOB_TRACKING_FINALIZER],
      annotations: opts.index === undefined ? {} : { [L.JOB_COMPLETION_INDEX_ANNOTATION]: String(opts.index) },
      ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "j", uid: "job-uid", controller: true }],
      ...(opts.deleting ? { deletionTimestamp: at(1) } : {}),
    },
    status: { phase, ...(opts.finishedS === undefined ? {} : { containerStatuses: [{ name: "c", image: "busybox", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode: phase === "Failed" ? 1 : 0, finishedAt: at(opts.finishedS) } } }] }) },
  } as Pod;
}
const sync = (j: Job, pods: Pod[], nowS = 100, backoff?: L.BackoffRecord) => L.syncJob({ job: j, pods, now: T0 + nowS * 1000, backoff, expectationsSatisfied: true, removingFinalizers: new Set() });

describe("a pod's completion index (indexed_job_utils.go getCompletionIndex)", () => {
  const withAnnotations = (annotations?: Record<string, string>, labels?: Record<string, string>) => ({ metadata: { annotations, labels } }) as Pod;
  it("reads the annotation as strconv.Atoi does, and nothing else", () => {
    const rows: Array<[Record<string, string> | undefined, number | undefined]> = [
      [undefined, undefined], [{}, undefined], [{ [L.JOB_COMPLETION_INDEX_ANNOTATION]: "3" }, 3], [{ [L.JOB_COMPLETION_INDEX_ANNOTATION]: "007" }, 7],
      [{ [L.JOB_COMPLETION_INDEX_ANNOTATION]: "+1" }, 1], [{ [L.JOB_COMPLETION_INDEX_ANNOTATION]: "-0" }, 0], [{ [L.JOB_COMPLETION_INDEX_ANNOTATION]: "-1" }, undefined],
      [{ [L.JOB_COMPLETION_INDEX_ANNOTATION]: "1.0" }, undefined], [{ [L.JOB_COMPLETION_INDEX_ANNOTATION]: " 1" }, undefined], [{ [L.JOB_COMPLETION_INDEX_ANNOTATION]: "" }, undefined],
    ];
    for (const [annotations, want] of rows) expect(L.completionIndex(withAnnotations(annotations)), JSON.stringify(annotations)).toBe(want);
    // the controller never reads the label the pod also carries
    expect(L.completionIndex(withAnnotations({}, { [L.JOB_COMPLETION_INDEX_ANNOTATION]: "2" }))).toBeUndefined();
  });
});

describe("the pod-failure back-off (backoff_utils.go)", () => {
  const rows: [string, number, number, number][] = [
    ["One failure waits 10 s from the failure.", 1, 0, 10_000],
    ["Two failures wait 20 s.", 2, 0, 20_000],
    ["Three failures wait 40 s, less the 15 s gone by.", 3, 15_000, 25_000],
    ["Seven failures would wait 640 s: capped at 10 minutes.", 7, 0, 600_000],
    ["A back-off that has run out waits nothing.", 1, 11_000, 0],
  ];
  it.each(rows)("%s", (_n, failures, elapsed, want) => expect(L.backoffRemainingMs({ failuresAfterLastSuccess: failures, lastFailureMs: T0 }, T0 + elapsed)).toBe(want));
  it("a success after failures resets the count; failures are ordered by when they finished", () => {
    const rec = L.nextBackoffRecord({ failuresAfterLastSuccess: 2, lastFailureMs: T0 }, [pod("Succeeded", { finishedS: 5 })], [pod("Failed", { finishedS: 9 }), pod("Failed", { finishedS: 3 })]);
    expect(rec).toEqual({ failuresAfterLastSuccess: 1, lastFailureMs: T0 + 9_000 });
  });
});

describe("completed indexes (indexed_job_utils.go)", () => {
  const rows: [string, number[], string][] = [
    ["No index is the empty string.", [], ""],
    ["Consecutive indexes make an interval.", [0, 1, 2], "0-2"],
    ["Gaps separate intervals and single indexes.", [4, 0, 1, 7, 8, 2], "0-2,4,7,8"],
    // orderedIntervals.String (pkg/controller/job/indexed_job_utils.go) joins a run of two with a
    // comma; the docs' backoffLimitPerIndex example shows completedIndexes "2,3", failedIndexes "0,1".
    ["Two consecutive indexes are written with a comma, not as an interval.", [2, 3], "2,3"],
    ["A run of two after an interval stays two numbers.", [0, 1, 2, 5, 6], "0-2,5,6"],
  ];
  it.each(rows)("%s", (_n, xs, want) => {
    expect(L.formatIndexes(new Set(xs))).toBe(want);
    expect([...L.parseIndexes(want, 10)].sort((a, b) => a - b)).toEqual([...new Set(xs)].sort((a, b) => a - b));
  });
  it("indexes at or above completions are dropped when parsed", () => expect([...L.parseIndexes("1,3-6", 5)]).toEqual([1, 3, 4]));
  it("firstPendingIndexes skips completed and held indexes", () => expect(L.firstPendingIndexes(3, 6, new Set([0, 2]), new Set([1]))).toEqual([3, 4, 5]));
});

describe("syncJob (job_controller.go)", () => {
  it("a new Job creates min(parallelism, completions) pods and sets startTime", () => {
    const p = sync(job({ parallelism: 3, completions: 5 }), []);
    expect(p.create).toHaveLength(3);
    expect(p.status?.startTime).toBe(at(100));
  });
  it("a Job with 4 of 5 completions and parallelism 3 wants only 1 more pod", () => {
    const p = sync(job({ parallelism: 3, completions: 5 }, { succeeded: 4, startTime: at(0) }), []);
    expect(p.create).toHaveLength(1);
  });
  it("a succeeded pod still holding the finalizer is added to uncountedTerminatedPods and its finalizer removed after", () => {
    const done = pod("Succeeded", { finishedS: 50 });
    const p = sync(job({}, { startTime: at(0) }), [done]);
    expect(p.status?.uncountedTerminatedPods).toEqual({ succeeded: [done.metadata!.uid] });
    expect(p.removeFinalizers).toEqual([done]);
    // SuccessCriteriaMet now; Complete waits until the pod is counted
    expect(p.status?.conditions?.map((c) => c.type)).toEqual(["SuccessCriteriaMet"]);
    expect(p.observation).toEqual({ type: "SuccessCriteriaMet" });
  });
  it("once the finalizer is gone the uid moves to succeeded, and Complete is written with completionTime", () => {
    const done = pod("Succeeded", { finishedS: 50, finalizer: false });
    const j = job({}, { startTime: at(0), uncountedTerminatedPods: { succeeded: [done.metadata!.uid!] }, conditions: [{ type: "SuccessCriteriaMet", status: "True", reason: L.REASON_COMPLETIONS_REACHED, message: L.MESSAGE_COMPLETIONS_REACHED }] });
    const p = sync(j, [done], 101);
    expect(p.status).toMatchObject({ succeeded: 1, uncountedTerminatedPods: {}, completionTime: at(101) });
    expect(p.status?.conditions?.map((c) => `${c.type} ${c.reason}`)).toEqual(["SuccessCriteriaMet CompletionsReached", "Complete CompletionsReached"]);
    expect(p.events).toEqual([{ type: "Normal", reason: "Completed", message: "Job completed" }]);
  });
  it("a failure within the backoffLimit is replaced only after the back-off", () => {
    const failed = pod("Failed", { finishedS: 95 });
    const p = sync(job({ backoffLimit: 2 }, { startTime: at(0) }), [failed], 100);
    expect(p.create).toEqual([]);
    expect(p.observation).toEqual({ type: "PodFailureBackOff", delayMs: 5_000 });
    expect(p.status?.uncountedTerminatedPods).toEqual({ failed: [failed.metadata!.uid] });
  });
  it("failures above backoffLimit write FailureTarget (BackoffLimitExceeded) and delete the active pods", () => {
    const running = pod("Running");
    const p = sync(job({ backoffLimit: 1, parallelism: 2, completions: 4 }, { startTime: at(0), failed: 2 }), [running]);
    expect(p.delete).toEqual([running]);
    expect(p.create).toEqual([]);
    expect(p.status?.conditions?.map((c) => `${c.type} ${c.reason} ${c.message}`)).toEqual(["FailureTarget BackoffLimitExceeded Job has reached the specified backoff limit"]);
  });
  it("with restartPolicy OnFailure, container restarts reaching backoffLimit fail the Job", () => {
    const crashing = pod("Running");
    crashing.status!.containerStatuses = [{ name: "c", image: "busybox", imageID: "", ready: false, restartCount: 3 }];
    const p = sync(job({ backoffLimit: 3, template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "c" }] } } }, { startTime: at(0) }), [crashing]);
    expect(p.observation).toEqual({ type: "FailureTarget", reason: "BackoffLimitExceeded" });
  });
  it("an Indexed Job deletes a duplicate of an index first, and creates the lowest pending indexes a sync later", () => {
    const a = pod("Running", { index: 1 }), b = pod("Running", { index: 1 });
    const j = job({ completionMode: "Indexed", parallelism: 3, completions: 5 }, { startTime: at(0), completedIndexes: "0" });
    const p = sync(j, [a, b]);
    // appendPodsWithSameIndexForRemovalAndRemaining keeps the last in ActivePods order; equal pods keep their order (insertion sort)
    expect(p.delete).toEqual([a]);
    // manageJob deletes or creates in a sync, not both (TestControllerSyncJob "indexed job repeated indexes")
    expect(p.create).toEqual([]);
    expect(sync(j, [b]).create).toEqual([2, 3]);
  });
  it("an Indexed Job counts a success by its index, not its uid", () => {
    const a = pod("Succeeded", { index: 2, finishedS: 50 });
    const p = sync(job({ completionMode: "Indexed", parallelism: 1, completions: 3 }, { startTime: at(0), completedIndexes: "0" }), [a]);
    expect(p.status).toMatchObject({ completedIndexes: "0,2", succeeded: 2, uncountedTerminatedPods: {} });
    expect(p.create).toEqual([1]);
  });
});

describe("podFailurePolicy (pod_failure_policy.go)", () => {
  const failedWith = (code: number, name = "main", conditions: any[] = []) => {
    const p = pod("Failed");
    p.status!.containerStatuses = [{ name, image: "busybox", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode: code } } }];
    p.status!.conditions = conditions;
    return p;
  };
  const policy = { rules: [
    { action: "FailJob", onExitCodes: { containerName: "main", operator: "In", values: [42] } },
    { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
    { action: "Count", onExitCodes: { operator: "NotIn", values: [1, 2] } },
  ] } as any;
  const rows: [string, Pod, { countFailed: boolean; failJobMessage?: string }][] = [
    ["Exit code 42 of main matches FailJob at index 0.", failedWith(42), { countFailed: true, failJobMessage: "Container main for pod default/NAME failed with exit code 42 matching FailJob rule at index 0" }],
    ["Exit code 42 of another container does not match rule 0; NotIn [1 2] counts it.", failedWith(42, "side"), { countFailed: true }],
    ["A DisruptionTarget condition is ignored: not counted toward backoffLimit.", failedWith(1, "main", [{ type: "DisruptionTarget", status: "True" }]), { countFailed: false }],
    ["No rule matching counts the failure.", failedWith(1), { countFailed: true }],
  ];
  it.each(rows)("%s", (_n, p, want) => {
    const got = L.matchPodFailurePolicy(policy, p);
    expect({ ...got, ...(got.failJobMessage ? { failJobMessage: got.failJobMessage.replace(p.metadata!.name!, "NAME") } : {}) }).toEqual(want);
  });
  it("an ignored failure is not counted and its pod is replaced (podReplacementPolicy Failed)", () => {
    const ignored = failedWith(1, "main", [{ type: "DisruptionTarget", status: "True" }]);
    const p = sync(job({ backoffLimit: 0, podFailurePolicy: policy, podReplacementPolicy: "Failed" }, { startTime: at(0) }), [ignored], 500);
    expect(p.status?.uncountedTerminatedPods).toEqual({});
    expect(p.status?.conditions).toBeUndefined();
    expect(p.create).toHaveLength(1);
  });
  it("a FailJob match writes FailureTarget with reason PodFailurePolicy before backoffLimit is looked at", () => {
    const p = sync(job({ backoffLimit: 6, podFailurePolicy: policy, podReplacementPolicy: "Failed" }, { startTime: at(0) }), [failedWith(42)]);
    expect(p.status?.conditions?.map((c) => `${c.type} ${c.reason}`)).toEqual(["FailureTarget PodFailurePolicy"]);
  });
  it("once the FailJob match is the finished condition, the pod still running is deleted and counted failed as well, its finalizer removed in the same sync; Failed waits for it", () => {
    // trackJobStatusAndRemoveFinalizers: "When the job is considered finished, every non-terminated pod is considered failed"
    const failed = failedWith(42), running = pod("Running");
    const p = sync(job({ parallelism: 2, completions: 8, backoffLimit: 6, podFailurePolicy: policy, podReplacementPolicy: "Failed" }, { startTime: at(0) }), [failed, running]);
    expect(p.delete.map((x) => x.metadata!.uid)).toEqual([running.metadata!.uid]);
    expect(p.removeFinalizers.map((x) => x.metadata!.uid).sort()).toEqual([failed.metadata!.uid, running.metadata!.uid].sort());
    expect([...(p.status?.uncountedTerminatedPods?.failed ?? [])].sort()).toEqual([failed.metadata!.uid, running.metadata!.uid].sort());
    expect(p.status?.conditions?.map((c) => c.type)).toEqual(["FailureTarget"]);
    expect(p.status?.terminating).toBe(1);
  });
  it("under podReplacementPolicy Failed a pod being deleted keeps its tracking finalizer, uncounted, until it has failed (canRemoveFinalizer)", () => {
    const deleting = pod("Running", { deleting: true });
    const j = job({ parallelism: 1, completions: 1, podFailurePolicy: policy, podReplacementPolicy: "Failed" }, { startTime: at(0) });
    const p = sync(j, [deleting]);
    expect(p.removeFinalizers).toEqual([]);
    expect(p.status?.uncountedTerminatedPods).toEqual({});
    expect(p.status?.terminating).toBe(1);
    // failed at last: now it is counted and released
    const done = { ...deleting, status: { ...deleting.status, phase: "Failed" } } as Pod;
    const q = sync(j, [done]);
    expect(q.removeFinalizers.map((x) => x.metadata!.uid)).toEqual([deleting.metadata!.uid]);
    expect(q.status?.uncountedTerminatedPods?.failed).toEqual([deleting.metadata!.uid]);
  });
});

describe("podFailurePolicy FailIndex with backoffLimitPerIndex (indexed_job_utils.go isIndexFailed)", () => {
  // The docs' controllers/job-backoff-limit-per-index-failindex.yaml: exit 42 matches FailIndex,
  // its index fails at once without the retry backoffLimitPerIndex 1 would give; the failure is
  // still counted (status.failed).
  const failIndexJob = job({
    completionMode: "Indexed", completions: 4, parallelism: 2, backoffLimitPerIndex: 1, podReplacementPolicy: "Failed",
    podFailurePolicy: { rules: [{ action: "FailIndex", onExitCodes: { containerName: "c", operator: "In", values: [42] } }] },
  } as any, { startTime: at(0) });
  const exited = (index: number, code: number) => {
    const p = pod("Failed", { index, finishedS: 5 });
    p.status!.containerStatuses![0]!.state!.terminated!.exitCode = code;
    return p;
  };
  it("matchPodFailurePolicy says a FailIndex match counts and fails the index", () => {
    expect(L.matchPodFailurePolicy(failIndexJob.spec!.podFailurePolicy, exited(1, 42))).toEqual({ countFailed: true, failIndex: true });
  });
  it("an index whose pod matched FailIndex is in failedIndexes after its first failure and is not recreated", () => {
    const p = sync(failIndexJob, [exited(1, 42)], 6);
    expect(p.status?.failedIndexes).toBe("1");
    expect(p.create).not.toContain(1);
  });
  it("an index failing with another code is retried once, as backoffLimitPerIndex 1 allows", () => {
    const p = sync(failIndexJob, [exited(0, 1)], 100);
    expect(p.status?.failedIndexes).toBe("");
    expect(p.create).toContain(0);
  });
});

describe("successPolicy (success_policy.go matchSuccessPolicy)", () => {
  // Rows after success_policy_test.go and the docs' controllers/job-success-policy.yaml
  // (succeededIndexes "0,2-3", succeededCount 1): one of indexes 0, 2, 3 succeeding is enough.
  const rows: [string, any, number[], string | undefined][] = [
    ["No succeeded index matches nothing.", { rules: [{ succeededCount: 1 }] }, [], undefined],
    ["Index 2 of 0,2-3 with succeededCount 1 meets rule 0.", { rules: [{ succeededIndexes: "0,2-3", succeededCount: 1 }] }, [2], "Matched rules at index 0"],
    ["Index 1 is outside 0,2-3: no rule met.", { rules: [{ succeededIndexes: "0,2-3", succeededCount: 1 }] }, [1], undefined],
    ["succeededIndexes alone needs every listed index.", { rules: [{ succeededIndexes: "0-2" }] }, [0, 2], undefined],
    ["succeededIndexes alone is met when all listed indexes succeeded.", { rules: [{ succeededIndexes: "0-2" }] }, [0, 1, 2, 5], "Matched rules at index 0"],
    ["succeededCount alone counts every succeeded index; the second rule is named.", { rules: [{ succeededIndexes: "7" }, { succeededCount: 2 }] }, [3, 4], "Matched rules at index 1"],
  ];
  it.each(rows)("%s", (_n, policy, succeeded, want) => expect(L.matchSuccessPolicy(policy, 10, new Set(succeeded))).toBe(want));
  it("a Job meeting its successPolicy gets SuccessCriteriaMet (reason SuccessPolicy) and its running pods are deleted", () => {
    const j = job({ completionMode: "Indexed", completions: 4, parallelism: 4, successPolicy: { rules: [{ succeededIndexes: "0,2-3", succeededCount: 1 }] }, podReplacementPolicy: "TerminatingOrFailed" } as any, { startTime: at(0) });
    const running = [pod("Running", { index: 0 }), pod("Running", { index: 1 }), pod("Running", { index: 3 })];
    const p = sync(j, [pod("Succeeded", { index: 2, finishedS: 5 }), ...running], 6);
    expect(p.status?.conditions?.map((c) => `${c.type} ${c.reason} ${c.message}`)).toEqual(["SuccessCriteriaMet SuccessPolicy Matched rules at index 0"]);
    expect(p.delete.map((x) => x.metadata?.uid)).toEqual(running.map((x) => x.metadata?.uid));
    expect(p.create).toEqual([]);
  });
});

describe("pods for a Job (newPodForJob)", () => {
  it("an Indexed pod gets its index as annotation, label, hostname, name prefix and JOB_COMPLETION_INDEX", () => {
    const p = L.newPodForJob(job({ completionMode: "Indexed", completions: 3 }), 2);
    expect(p.metadata?.generateName).toBe("j-2-");
    expect(p.metadata?.annotations?.[L.JOB_COMPLETION_INDEX_ANNOTATION]).toBe("2");
    expect(p.metadata?.labels?.[L.JOB_COMPLETION_INDEX_ANNOTATION]).toBe("2");
    expect(p.spec?.hostname).toBe("j-2");
    expect(p.spec!.containers[0]!.env).toEqual([{ name: "JOB_COMPLETION_INDEX", valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } }]);
    expect(p.metadata?.finalizers).toEqual([L.JOB_TRACKING_FINALIZER]);
  });
  it("a NonIndexed pod is <job>-<random> with the tracking finalizer and the controller reference", () => {
    const p = L.newPodForJob(job());
    expect(p.metadata?.generateName).toBe("j-");
    expect(p.spec?.hostname).toBeUndefined();
    expect(p.metadata?.ownerReferences).toEqual([{ apiVersion: "batch/v1", kind: "Job", name: "j", uid: "job-uid", controller: true, blockOwnerDeletion: true }]);
  });
});

describe("a suspended Job's chart follows the Suspended condition it writes", () => {
  const unmet = (j: Job) => L.syncJob({ job: j, pods: [], now: T0 + 100_000, expectationsSatisfied: false, removingFinalizers: new Set() });
  const suspendedCondition = { type: "Suspended", status: "True", reason: "JobSuspended", message: "Job suspended", lastProbeTime: at(50), lastTransitionTime: at(50) };
  it("with its expectations unmet, syncJob calls no manageJob: no Suspended condition, and the chart is told the Job still runs", () => {
    const p = unmet(job({ suspend: true }, { startTime: at(10), active: 1 }));
    expect(p.status?.conditions ?? []).toEqual([]);
    expect(p.observation).toEqual({ type: "JobRunning" });
  });
  it("once manageJob runs, JobSuspended is written and the chart hears JobSuspended in the same sync", () => {
    const p = sync(job({ suspend: true }, { startTime: at(10) }), []);
    expect(p.status?.conditions).toMatchObject([{ type: "Suspended", status: "True", reason: "JobSuspended" }]);
    expect(p.observation).toEqual({ type: "JobSuspended" });
  });
  it("resumed with its expectations unmet, the Suspended condition stays True and so does the chart's Suspended", () => {
    const p = unmet(job({ suspend: false }, { conditions: [suspendedCondition] as never }));
    expect(p.status?.conditions ?? [suspendedCondition]).toMatchObject([{ type: "Suspended", status: "True" }]);
    expect(p.observation).toEqual({ type: "JobSuspended" });
  });
});

describe("syncJob's order of finish checks (job_controller.go syncJob)", () => {
  // failJob, then backoffLimit and the deadline, then maxFailedIndexes and FailedIndexes, then the successPolicy
  const perIndex = (extra: Partial<Job["spec"]>) => job({ completionMode: "Indexed", completions: 2, parallelism: 2, backoffLimitPerIndex: 0, ...extra }, { startTime: at(0) });
  const failedAt0 = () => pod("Failed", { index: 0, finishedS: 5 });
  it("backoffLimit exceeded and maxFailedIndexes exceeded together: BackoffLimitExceeded", () => {
    const p = sync(perIndex({ backoffLimit: 0, maxFailedIndexes: 0 }), [failedAt0()]);
    expect(p.status?.conditions?.find((c) => c.type === "FailureTarget")?.reason).toBe("BackoffLimitExceeded");
  });
  it("every index done, one failed for good, and a successPolicy met: FailedIndexes", () => {
    const p = sync(perIndex({ successPolicy: { rules: [{ succeededCount: 1 }] } }), [failedAt0(), pod("Succeeded", { index: 1, finishedS: 5 })]);
    expect(p.status?.conditions?.find((c) => c.type === "FailureTarget")?.reason).toBe("FailedIndexes");
    expect(p.status?.conditions?.find((c) => c.type === "SuccessCriteriaMet")).toBeUndefined();
  });
});
