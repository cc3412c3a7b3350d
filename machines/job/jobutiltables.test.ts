// pkg/controller/job success_policy_test.go (TestMatchSuccessPolicy, stored copy 46f9e4b4), backoff_utils_test.go
// (stored copy 0bee0bca: TestNewBackoffRecord, TestGetFinishedTime, TestGetRemainingBackoffTime) and
// indexed_job_utils_test.go (stored copy 0d173114, of the v1.2x line): TestFirstPendingIndexes,
// TestAppendDuplicatedIndexPodsForRemoval, TestPodGenerateNameWithIndex. Every expectation is the Go row's.
// The JobSuccessPolicy gate is GA and locked on in v1.35: the two rows run with it off expect what they
// expect with it on (no policy, or no succeeded index). Left out: TestCalculateSucceededIndexes (podflow
// folds it into syncJob; its gate-off rows are not v1.35's) and TestIntervalsHaveIndex (podflow keeps
// completed indexes as a Set, not as ordered intervals). From the stored indexed_job_utils_test.go
// 80426955 and job_controller_test.go 003e8629: TestGetPodsWithDelayedDeletionPerIndex (the failed and
// succeeded indexes given as calculateFailedIndexes and calculateSucceededIndexes find them),
// TestGetNewIndexFailureCountValue, TestGetIndexFailureCount, TestGetPodCreationInfoForIndependentIndexes.

import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import type { Job } from "kubernetes-types/batch/v1";
import {
  appendDuplicatedIndexPodsForRemoval, backoffRemainingMs, completionIndex, firstPendingIndexes, getFinishedTimeMs, indexFailureCount, JOB_COMPLETION_INDEX_ANNOTATION,
  JOB_INDEX_FAILURE_COUNT_ANNOTATION, JOB_TRACKING_FINALIZER, matchSuccessPolicy, newIndexFailureCounts, nextBackoffRecord, podCreationInfoForIndependentIndexes, podGenerateNameWithIndex,
  podsWithDelayedDeletion, POD_FAILURE_BACKOFF_MS,
} from "./job.logic.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
/** orderedIntervals as the set of indexes it covers. */
const intervals = (...iv: [number, number][]) => new Set(iv.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i)));

describe("TestMatchSuccessPolicy", () => {
  const rule = (succeededIndexes?: string, succeededCount?: number) => ({ ...(succeededIndexes !== undefined ? { succeededIndexes } : {}), ...(succeededCount !== undefined ? { succeededCount } : {}) });
  const rows: [string, any, number, Set<number>, string | undefined][] = [
    ["JobSuccessPolicy is disabled", undefined, 10, intervals([0, 0]), undefined],
    ["successPolicy is null", undefined, 10, intervals([0, 0]), undefined],
    ["any rules are nothing", { rules: [] }, 10, intervals([0, 0]), undefined],
    ["rules.succeededIndexes is invalid format", { rules: [rule("invalid-form")] }, 10, intervals([0, 0]), undefined],
    ["rules.succeededIndexes is specified; succeededIndexes matched rules", { rules: [rule("0-2")] }, 10, intervals([0, 2], [4, 7]), "Matched rules at index 0"],
    ["rules.succeededIndexes is specified; succeededIndexes didn't match rules", { rules: [rule("3")] }, 10, intervals([0, 2]), undefined],
    ["rules.succeededCount is specified; succeededIndexes matched rules", { rules: [rule(undefined, 2)] }, 10, intervals([0, 2]), "Matched rules at index 0"],
    ["rules.succeededCount is specified; succeededIndexes didn't match rules", { rules: [rule(undefined, 4)] }, 10, intervals([0, 2]), undefined],
    ["multiple rules; rules.succeededIndexes is specified; succeededIndexes met one of rules", { rules: [rule("9"), rule("4,6")] }, 10, intervals([0, 2], [4, 7]), "Matched rules at index 1"],
    ["multiple rules; rules.succeededIndexes is specified; succeededIndexes met all rules", { rules: [rule("0,1"), rule("5")] }, 10, intervals([0, 2], [4, 7]), "Matched rules at index 0"],
    ["rules.succeededIndexes and rules.succeededCount are specified; succeededIndexes met all rules", { rules: [rule("3-6", 2)] }, 10, intervals([0, 2], [4, 7]), "Matched rules at index 0"],
    ["rules.succeededIndexes and rules.succeededCount are specified; succeededIndexes didn't match rules", { rules: [rule("3-6", 2)] }, 10, intervals([0, 2], [6, 7]), undefined],
    ["rules.succeededIndexes is specified; succeededIndexes are nothing", { rules: [rule(undefined, 4)] }, 10, intervals(), undefined],
    ["rules.succeededIndexes is specified; succeededIndexes matched rules; rules is proper subset of succeededIndexes", { rules: [rule("2-4,6-8")] }, 10, intervals([1, 5], [6, 9]), "Matched rules at index 0"],
    ["rules.succeededIndexes is specified; succeededIndexes matched rules; rules equals succeededIndexes", { rules: [rule("2-4,6-9")] }, 10, intervals([2, 4], [6, 9]), "Matched rules at index 0"],
    ["rules.succeededIndexes is specified; succeededIndexes matched rules; rules is subset of succeededIndexes", { rules: [rule("2-4,8-12")] }, 10, intervals([2, 5], [7, 15]), "Matched rules at index 0"],
    ["rules.succeededIndexes is specified; succeededIndexes didn't match rules; rules is an empty set", { rules: [rule("")] }, 10, intervals([1, 3]), undefined],
    ["rules.succeededIndexes is specified; succeededIndexes didn't match rules; succeededIndexes is an empty set", { rules: [rule("")] }, 10, intervals(), undefined],
    ["rules.succeededIndexes is specified; succeededIndexes didn't match rules; rules and succeededIndexes are empty set", { rules: [rule("")] }, 10, intervals(), undefined],
    ["rules.succeededIndexes is specified; succeededIndexes didn't match rules; all elements of rules.succeededIndexes aren't included in succeededIndexes", { rules: [rule("10-12,14-16")] }, 10, intervals([1, 3], [5, 7]), undefined],
    ["rules.succeededIndexes is specified; succeededIndexes didn't match rules; rules overlaps succeededIndexes at first", { rules: [rule("1-3,5-7")] }, 10, intervals([2, 4], [6, 8]), undefined],
    ["rules.succeededIndexes and rules.succeededCount are specified; succeededIndexes matched rules; rules overlaps succeededIndexes at first", { rules: [rule("1-3,5-7", 4)] }, 10, intervals([2, 4], [6, 8]), "Matched rules at index 0"],
    ["rules.succeededIndexes is specified; succeededIndexes didn't match rules; rules overlaps succeededIndexes at last", { rules: [rule("2-4,6-9")] }, 10, intervals([1, 3], [5, 7]), undefined],
    ["rules.succeededIndexes and rules.succeededCount are specified; succeededIndexes matched rules; rules overlaps succeededIndexes at last", { rules: [rule("2-4,6-9", 4)] }, 10, intervals([1, 3], [5, 7]), "Matched rules at index 0"],
    ["rules.succeededIndexes is specified; succeededIndexes didn't match rules; rules completely overlaps succeededIndexes", { rules: [rule("0-4,6-9")] }, 10, intervals([1, 3], [7, 8]), undefined],
    ["rules.succeededIndexes and rules.succeededCount are specified; succeededIndexes matched rules; rules completely overlaps succeededIndexes", { rules: [rule("0-4,6-9", 5)] }, 10, intervals([1, 3], [7, 8]), "Matched rules at index 0"],
    ["rules.succeededIndexes is specified; succeededIndexes didn't match rules; rules overlaps multiple succeededIndexes at last", { rules: [rule("0-6,8-9")] }, 10, intervals([1, 3], [5, 9]), undefined],
    ["rules.succeededIndexes and rules.succeededCount are specified; succeededIndexes matched rules; rules overlaps multiple succeededIndexes at last", { rules: [rule("0-6,8-9", 7)] }, 10, intervals([1, 3], [5, 9]), "Matched rules at index 0"],
    ["rules.succeededIndexes is specified; succeededIndexes didn't match rules; rules overlaps succeededIndexes at first, and rules equals succeededIndexes at last", { rules: [rule("0-5,7-9")] }, 10, intervals([1, 5], [7, 10]), undefined],
    ["rules.succeededIndexes and rules.succeededCount are specified; succeededIndexes matched rules; rules overlaps succeededIndexes at first, and rules equals succeededIndexes at last", { rules: [rule("0-5,7-9", 8)] }, 10, intervals([1, 5], [7, 10]), "Matched rules at index 0"],
    ["rules.succeededIndexes is specified; succeededIndexes didn't match rules; the first rules overlaps succeededIndexes at first", { rules: [rule("0-3,6-9")] }, 10, intervals([1, 10]), undefined],
    ["rules.succeededIndexes and rules.succeededCount are specified; succeededIndexes matched rules; the first rules overlaps succeededIndexes at first", { rules: [rule("0-3,6-9", 7)] }, 10, intervals([1, 10]), "Matched rules at index 0"],
  ];
  for (const [name, policy, completions, succeeded, want] of rows) it(name, () => expect(matchSuccessPolicy(policy, completions, succeeded)).toBe(want));
});

/** hollowPodsWithIndexPhase: a pod of the phase, with the completion-index annotation unless the index is "-". */
const noIndex = "-";
function hollow(descs: [string, string][]): Pod[] {
  return descs.map(([index, phase]) => ({ metadata: index === noIndex ? {} : { annotations: { "batch.kubernetes.io/job-completion-index": index } }, status: { phase } }) as Pod);
}
/** toIndexPhases */
const toIndexPhases = (pods: Pod[]) => pods.map((p) => [p.metadata?.annotations?.["batch.kubernetes.io/job-completion-index"] ?? noIndex, p.status?.phase]);

describe("TestFirstPendingIndexes", () => {
  // firstPendingIndexes(pods, succeeded, cnt, completions): podflow takes the indexes the active pods hold
  const held = (pods: Pod[]) => new Set(pods.map(completionIndex).filter((ix): ix is number => ix !== undefined));
  const rows: [string, number, number, [string, string][], Set<number>, number[]][] = [
    ["cnt greater than completions", 5, 3, [], intervals(), [0, 1, 2]],
    ["cnt less than completions", 2, 5, [], intervals(), [0, 1]],
    ["first pods active", 3, 10, [["0", "Running"], ["1", "Pending"]], intervals(), [2, 3, 4]],
    ["last pods active or succeeded", 6, 6, [["6", "Pending"]], intervals([4, 5]), [0, 1, 2, 3]],
    ["mixed", 5, 20, [["3", "Pending"], ["5", "Running"], ["8", "Pending"], [noIndex, "Running"], ["-3", "Running"]], intervals([2, 4], [9, 9]), [0, 1, 6, 7, 10]],
  ];
  for (const [name, cnt, completions, active, succeeded, want] of rows) it(name, () => expect(firstPendingIndexes(cnt, completions, succeeded, held(hollow(active)))).toEqual(want));
});

describe("TestAppendDuplicatedIndexPodsForRemoval", () => {
  const rows: [string, [string, string][], [string, string][], [string, string][], number][] = [
    ["all unique", [[noIndex, "Pending"], ["2", "Pending"], ["5", "Running"], ["6", "Running"]], [[noIndex, "Pending"], ["6", "Running"]], [["2", "Pending"], ["5", "Running"]], 6],
    ["all with index", [["5", "Pending"], ["0", "Running"], ["3", "Pending"], ["0", "Running"], ["3", "Running"], ["0", "Pending"], ["6", "Running"], ["6", "Pending"]],
      [["0", "Pending"], ["0", "Running"], ["3", "Pending"], ["6", "Running"], ["6", "Pending"]], [["0", "Running"], ["3", "Running"], ["5", "Pending"]], 6],
    ["mixed", [[noIndex, "Pending"], ["invalid", "Running"], ["-2", "Running"], ["0", "Pending"], ["1", "Pending"], ["1", "Pending"], ["1", "Running"]],
      [[noIndex, "Pending"], ["invalid", "Running"], ["-2", "Running"], ["1", "Pending"], ["1", "Pending"]], [["0", "Pending"], ["1", "Running"]], 6],
  ];
  for (const [name, pods, wantRm, wantLeft, completions] of rows) {
    it(name, () => {
      const { remove, keep } = appendDuplicatedIndexPodsForRemoval(hollow(pods), completions);
      expect(toIndexPhases(remove)).toEqual(wantRm);
      expect(toIndexPhases(keep)).toEqual(wantLeft);
    });
  }
});

describe("TestPodGenerateNameWithIndex", () => {
  const rows: [string, string, number, string][] = [
    ["short job name", "indexed-job", 1, "indexed-job-1-"],
    ["job name exceeds MaxGeneneratedNameLength", "hhhhhooooohhhhhooooohhhhhooooohhhhhooooohhhhhooooohhhhhooooohhhhhooooo", 1, "hhhhhooooohhhhhooooohhhhhooooohhhhhooooohhhhhooooohhhhh-1-"],
    ["job name with index suffix exceeds MaxGeneratedNameLength", "hhhhhooooohhhhhooooohhhhhooooohhhhhooooohhhhhooooohhhhhoo", 1, "hhhhhooooohhhhhooooohhhhhooooohhhhhooooohhhhhooooohhhhh-1-"],
  ];
  for (const [name, job, index, want] of rows) it(name, () => expect(podGenerateNameWithIndex(job, index)).toBe(want));
});

const T = Date.parse("2009-11-10T23:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

describe("TestNewBackoffRecord", () => {
  // the Go record's key is the Job's; podflow keeps the record beside the Job, so only count and time are compared
  const finished = (phase: string, ms: number) => ({ status: { phase, containerStatuses: [{ state: { terminated: { finishedAt: iso(ms) } } }] } }) as unknown as Pod;
  const rows: [string, any, number[], number[], { failuresAfterLastSuccess: number; lastFailureMs: number }][] = [
    ["Empty backoff store and one new failure", undefined, [], [T], { failuresAfterLastSuccess: 1, lastFailureMs: T }],
    ["Empty backoff store and two new failures", undefined, [], [T, T - 1], { failuresAfterLastSuccess: 2, lastFailureMs: T }],
    ["Empty backoff store, two failures followed by success", undefined, [T], [T - 2, T - 1], { failuresAfterLastSuccess: 0, lastFailureMs: 0 }],
    ["Empty backoff store, two failures, one success and two more failures", undefined, [T - 2], [T, T - 4, T - 3, T - 1], { failuresAfterLastSuccess: 2, lastFailureMs: T }],
    ["Backoff store having failure count 2 and one new failure", { failuresAfterLastSuccess: 2, lastFailureMs: 0 }, [], [T], { failuresAfterLastSuccess: 3, lastFailureMs: T }],
    ["Empty backoff store with success and failure at same timestamp", undefined, [T], [T], { failuresAfterLastSuccess: 0, lastFailureMs: 0 }],
    ["Empty backoff store with no success/failure", undefined, [], [], { failuresAfterLastSuccess: 0, lastFailureMs: 0 }],
    ["Empty backoff store with one success", undefined, [T], [], { failuresAfterLastSuccess: 0, lastFailureMs: 0 }],
  ];
  for (const [name, prev, succeeded, failed, want] of rows) {
    it(name, () => expect(nextBackoffRecord(prev, succeeded.map((t) => finished("Succeeded", t)), failed.map((t) => finished("Failed", t)))).toEqual(want));
  }
});

describe("TestGetFinishedTime", () => {
  const terminated = (ms?: number) => ({ state: { terminated: ms === undefined ? {} : { finishedAt: iso(ms) } } });
  const running = { state: { running: {} } };
  const rows: [string, any, number][] = [
    ["Pod with multiple containers and all containers terminated", { status: { containerStatuses: [terminated(T - 1000), terminated(T), terminated(T - 2000)] } }, T],
    ["Pod with multiple containers; two containers in terminated state and one in running state; fallback to deletionTimestamp",
      { metadata: { deletionTimestamp: iso(T) }, status: { containerStatuses: [terminated(T - 1000), running, terminated(T - 2000)] } }, T],
    ["fallback to deletionTimestamp", { metadata: { deletionTimestamp: iso(T) }, status: { containerStatuses: [running] } }, T],
    ["fallback to deletionTimestamp, decremented by grace period", { metadata: { deletionTimestamp: iso(T), deletionGracePeriodSeconds: 30 }, status: { containerStatuses: [running] } }, T - 30_000],
    ["fallback to PodReady.LastTransitionTime when status of the condition is False",
      { status: { containerStatuses: [terminated()], conditions: [{ type: "Ready", status: "False", reason: "PodFailed", lastTransitionTime: iso(T) }] } }, T],
    ["skip fallback to PodReady.LastTransitionTime when status of the condition is True",
      { metadata: { deletionTimestamp: iso(T) }, status: { containerStatuses: [terminated()], conditions: [{ type: "Ready", status: "True", lastTransitionTime: iso(T - 30_000) }] } }, T],
    ["fallback to creationTimestamp", { metadata: { creationTimestamp: iso(T) }, status: { containerStatuses: [terminated()] } }, T],
    ["Pod with sidecar container and all containers terminated",
      { spec: { initContainers: [{ name: "sidecar", restartPolicy: "Always" }] }, status: { containerStatuses: [terminated(T - 1000)], initContainerStatuses: [{ name: "sidecar", ...terminated(T) }] } }, T],
  ];
  for (const [name, pod, want] of rows) it(name, () => expect(getFinishedTimeMs(pod as Pod)).toBe(want));
});

describe("TestGetRemainingBackoffTime", () => {
  // defaultBackoff 5s, maxBackoff 700s; the Go test's clock is the row's time truncated to the second
  const rows: [string, number, number | undefined, number][] = [
    ["no failures", 0, undefined, 0],
    ["one failure; current time and failure time are same", 1, T, 5_000],
    ["one failure; current time == 1 second + failure time", 1, T + 1_000, 4_000],
    ["one failure; current time == expected backoff time", 1, T + 5_000, 0],
    ["one failure; current time == expected backoff time + 1 Second", 1, T + 6_000, 0],
    ["three failures; current time and failure time are same", 3, T, 20_000],
    ["eight failures; current time and failure time are same; backoff not exceeding maxBackoff", 8, T, 640_000],
    ["nine failures; current time and failure time are same; backoff exceeding maxBackoff", 9, T, 700_000],
  ];
  for (const [name, failures, now, want] of rows) {
    it(name, () => expect(backoffRemainingMs({ failuresAfterLastSuccess: failures, lastFailureMs: failures === 0 ? 0 : T }, now ?? 0, 5_000, 700_000)).toBe(want));
  }
});

/** buildPod().uid(uid).indexFailureCount(count).phase(phase).index(ix)[.customDeletionTimestamp(at)][.trackingFinalizer()] */
function builtPod(uid: string, count: string, phase: string | undefined, ix: string | undefined, opts: { finalizer?: boolean; deletedAt?: number; conditions?: { type: string; status: string }[] } = {}): Pod {
  return {
    metadata: {
      uid, annotations: { [JOB_INDEX_FAILURE_COUNT_ANNOTATION]: count, ...(ix !== undefined ? { [JOB_COMPLETION_INDEX_ANNOTATION]: ix } : {}) },
      ...(opts.finalizer ? { finalizers: [JOB_TRACKING_FINALIZER] } : {}),
      ...(opts.deletedAt !== undefined ? { deletionTimestamp: new Date(opts.deletedAt).toISOString() } : {}),
    },
    status: { ...(phase ? { phase } : {}), ...(opts.conditions ? { conditions: opts.conditions } : {}) },
  } as Pod;
}

describe("TestGetPodsWithDelayedDeletionPerIndex", () => {
  const NOW = Date.parse("2026-01-01T00:00:00Z");
  const job = (completions: number, backoffLimitPerIndex: number): Job => ({ spec: { completions, backoffLimitPerIndex, completionMode: "Indexed", template: {} } }) as Job;
  const f = { finalizer: true };
  const rows: [string, Job, Pod[], number[], number[], string[]][] = [
    ["failed pods are kept corresponding to non-failed indexes are kept", job(3, 1),
      [builtPod("a", "0", "Failed", "0", f), builtPod("b", "1", "Failed", "1", f), builtPod("c", "0", "Failed", "2", f)], [], [1], ["a", "c"]],
    ["failed pod without finalizer; the pod's deletion is not delayed as it already started", job(2, 0), [builtPod("a", "0", "Failed", "0")], [], [0], []],
    ["failed pod with index outside of completions; the pod's deletion is not delayed", job(2, 0), [builtPod("a", "0", "Failed", "4", f)], [], [], []],
    ["failed pod for active index; the pod's deletion is not delayed as it is already replaced", job(2, 1),
      [builtPod("a1", "0", "Failed", "0", f), builtPod("a2", "1", "Running", "0", f)], [], [], []],
    ["failed pod for succeeded index; the pod's deletion is not delayed as it is already replaced", job(2, 1),
      [builtPod("a1", "0", "Failed", "0", f), builtPod("a2", "1", "Succeeded", "0", f)], [0], [], []],
    ["multiple failed pods for index with different failure count; only the pod with highest failure count is kept", job(2, 4),
      [builtPod("a1", "0", "Failed", "0", f), builtPod("a3", "2", "Failed", "0", f), builtPod("a2", "1", "Failed", "0", f)], [], [], ["a3"]],
    ["multiple failed pods for index with different finish times; only the last failed pod is kept", job(2, 4),
      [builtPod("a1", "1", "Failed", "0", { finalizer: true, deletedAt: NOW - 1000 }), builtPod("a3", "1", "Failed", "0", { finalizer: true, deletedAt: NOW }), builtPod("a2", "1", "Failed", "0", { finalizer: true, deletedAt: NOW - 2000 })], [], [], ["a3"]],
  ];
  for (const [name, j, pods, succeeded, failed, want] of rows) {
    it(name, () => expect([...podsWithDelayedDeletion(j, pods, j.spec!.completions!, new Set(succeeded), new Set(failed)).values()].map((p) => p.metadata?.uid).sort()).toEqual(want));
  }
  // expectedRmFinalizers is podflow's removingFinalizers
  it("failed pod with expected finalizer removal; the pod's deletion is not delayed as it already started", () => {
    expect(podsWithDelayedDeletion(job(2, 0), [builtPod("a", "0", "Failed", "0", f)], 2, new Set(), new Set([0]), new Set(["a"])).size).toBe(0);
  });
  // getValidPodsWithFilter skips the uids already in uncountedTerminatedPods.failed too
  it("a failed pod already in uncountedTerminatedPods.failed is not held", () => {
    const j = { ...job(2, 1), status: { uncountedTerminatedPods: { failed: ["a"] } } } as Job;
    expect(podsWithDelayedDeletion(j, [builtPod("a", "0", "Failed", "0", f)], 2, new Set(), new Set()).size).toBe(0);
  });
});

describe("TestGetNewIndexFailureCountValue", () => {
  const ignoreDisruption = { spec: { template: {}, podFailurePolicy: { rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] }] } } } as Job;
  const rows: [string, Job, Pod | undefined, { failures: number; ignored: number }][] = [
    ["first pod created", {}, undefined, { failures: 0, ignored: 0 }],
    ["failed pod being replaced with 0 index failure count", {}, builtPod("a", "0", "Failed", "0", { finalizer: true }), { failures: 1, ignored: 0 }],
    ["failed pod being replaced with >0 index failure count", {}, builtPod("a", "3", "Failed", "0", { finalizer: true }), { failures: 4, ignored: 0 }],
    ["failed pod being replaced, matching the ignore rule", ignoreDisruption, builtPod("a", "3", "Failed", "3", { finalizer: true, conditions: [{ type: "DisruptionTarget", status: "True" }] }), { failures: 3, ignored: 1 }],
  ];
  for (const [name, j, pod, want] of rows) it(name, () => expect(newIndexFailureCounts(j, pod)).toEqual(want));
});

describe("TestGetIndexFailureCount", () => {
  const rows: [string, string | undefined, number][] = [
    ["no annotation", undefined, 0],
    ["valid value", "2", 2],
    ["valid maxint32 value", String(2 ** 31 - 1), 2 ** 31 - 1],
    ["too large value", String(2 ** 31), 0],
    ["negative value", "-1", 0],
    ["invalid int value", "xyz", 0],
  ];
  for (const [name, value, want] of rows) {
    it(name, () => expect(indexFailureCount({ metadata: value === undefined ? {} : { annotations: { [JOB_INDEX_FAILURE_COUNT_ANNOTATION]: value } } })).toBe(want));
  }
  // strconv.Atoi refuses what Number() would read: hex, exponents, blanks
  it.each(["0x10", "1e3", " 2", ""])("%j is not an int (Atoi) and reads 0", (v) => expect(indexFailureCount({ metadata: { annotations: { [JOB_INDEX_FAILURE_COUNT_ANNOTATION]: v } } })).toBe(0));
});

describe("TestGetPodCreationInfoForIndependentIndexes", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  const deleted = (count: string, at: number, ix?: string) => builtPod("", count, undefined, ix, { deletedAt: at });
  const rows: [string, number[], Map<number, Pod>, number[], number][] = [
    ["simple index creation", [1, 3], new Map(), [1, 3], 0],
    ["subset of indexes can be recreated now", [1, 3], new Map([[1, deleted("0", now, "1")]]), [3], 0],
    ["subset of indexes can be recreated now as the pods failed long time ago", [1, 3], new Map([[1, deleted("0", now)], [3, deleted("0", now - POD_FAILURE_BACKOFF_MS)]]), [3], 0],
    ["no indexes can be recreated now, need to wait default pod failure backoff", [1, 2, 3], new Map([[1, deleted("1", now)], [2, deleted("0", now)], [3, deleted("2", now)]]), [], POD_FAILURE_BACKOFF_MS],
    ["no indexes can be recreated now, need to wait but 1s already passed", [1, 2, 3], new Map([[1, deleted("1", now - 1000)], [2, deleted("0", now - 1000)], [3, deleted("2", now - 1000)]]), [], POD_FAILURE_BACKOFF_MS - 1000],
  ];
  for (const [name, indexes, delayed, want, wantRemaining] of rows) {
    it(name, () => expect(podCreationInfoForIndependentIndexes(indexes, delayed, now)).toEqual({ create: want, remainingMs: wantRemaining }));
  }
});
