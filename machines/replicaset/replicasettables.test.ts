// Rows of pkg/controller/replicaset/replica_set_test.go: TestSlowStartBatch (count 10, the first
// callLimit calls succeeding), TestGetPodsToDelete and TestGetPodKeys, case by case with the Go names.
import { describe, it, expect } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { objectKey, podsToDelete, slowStartBatches, successfulCreations } from "./replicaset.logic.js";

describe("slow-start batches (TestSlowStartBatch)", () => {
  // slowStartBatch(10, 1, fn) whose first callLimit calls succeed: the batch holding the first
  // failure is the last one tried, all its calls made.
  function slowStart(count: number, callLimit: number): { successes: number; failed: boolean; calls: number } {
    const batches = slowStartBatches(count);
    let done = 0;
    for (let b = 0; b < batches.length; b++) {
      if (done + batches[b]! > callLimit) return { successes: successfulCreations(batches, b, callLimit - done), failed: true, calls: done + batches[b]! };
      done += batches[b]!;
    }
    return { successes: done, failed: false, calls: done };
  }
  it.each([
    ["callLimit = 0 (all fail)", 10, 0, 0, true, 1],
    ["callLimit = count (all succeed)", 10, 10, 10, false, 10],
    ["callLimit < count (some succeed)", 10, 5, 5, true, 7],
  ])("%s", (_n, count, callLimit, successes, failed, calls) => {
    expect(slowStart(count, callLimit)).toEqual({ successes, failed, calls });
  });
});

describe("podsToDelete (TestGetPodsToDelete)", () => {
  // newPod: a pod of the ReplicaSet in the phase; a Running one is Ready.
  function newPod(name: string, phase: string, node?: string, ready?: boolean): Pod {
    return {
      metadata: { name, namespace: "default", uid: name, labels: { name: "foo" } },
      spec: { containers: [], ...(node ? { nodeName: node } : {}) },
      status: { phase, ...(ready !== undefined ? { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] } : {}) },
    };
  }
  const unscheduledPendingPod = newPod("unscheduled-pending-pod", "Pending");
  const scheduledPendingPod = newPod("scheduled-pending-pod", "Pending", "fake-node");
  const scheduledRunningNotReadyPod = newPod("scheduled-running-not-ready-pod", "Running", "fake-node", false);
  const scheduledRunningReadyPodOnNode1 = newPod("scheduled-running-ready-pod-on-node-1", "Running", "fake-node-1", true);
  const scheduledRunningReadyPodOnNode2 = newPod("scheduled-running-ready-pod-on-node-2", "Running", "fake-node-2", true);
  const various = [scheduledRunningReadyPodOnNode1, scheduledRunningReadyPodOnNode1, scheduledRunningReadyPodOnNode2, scheduledRunningNotReadyPod, scheduledPendingPod, unscheduledPendingPod];
  it.each([
    ["len(pods) = 0 (i.e., diff = 0 too)", [], undefined, 0, []],
    ["diff = len(pods)", [scheduledRunningNotReadyPod, scheduledRunningReadyPodOnNode1], undefined, 2, [scheduledRunningNotReadyPod, scheduledRunningReadyPodOnNode1]],
    ["diff < len(pods)", [scheduledRunningReadyPodOnNode1, scheduledRunningNotReadyPod], undefined, 1, [scheduledRunningNotReadyPod]],
    ["various pod phases and conditions, diff = len(pods)", various, undefined, 6, various],
    ["various pod phases and conditions, diff = len(pods), relatedPods empty", various, [], 6, various],
    ["scheduled vs unscheduled, diff < len(pods)", [scheduledPendingPod, unscheduledPendingPod], undefined, 1, [unscheduledPendingPod]],
    ["ready vs not-ready, diff < len(pods)", [scheduledRunningReadyPodOnNode1, scheduledRunningNotReadyPod, scheduledRunningNotReadyPod], undefined, 2,
      [scheduledRunningNotReadyPod, scheduledRunningNotReadyPod]],
    ["ready and colocated with another ready pod vs not colocated, diff < len(pods)", [scheduledRunningReadyPodOnNode1, scheduledRunningReadyPodOnNode2],
      [scheduledRunningReadyPodOnNode1, scheduledRunningReadyPodOnNode2, scheduledRunningReadyPodOnNode2], 1, [scheduledRunningReadyPodOnNode2]],
    ["pending vs running, diff < len(pods)", [scheduledPendingPod, scheduledRunningNotReadyPod], undefined, 1, [scheduledPendingPod]],
    ["various pod phases and conditions, diff < len(pods)",
      [scheduledRunningReadyPodOnNode1, scheduledRunningReadyPodOnNode2, scheduledRunningNotReadyPod, scheduledPendingPod, unscheduledPendingPod], undefined, 3,
      [unscheduledPendingPod, scheduledPendingPod, scheduledRunningNotReadyPod]],
  ] as Array<[string, Pod[], Pod[] | undefined, number, Pod[]]>)("%s", (_n, pods, related, diff, expected) => {
    expect(podsToDelete(pods, diff, related ?? pods)).toEqual(expected);
  });
});

describe("pod keys (TestGetPodKeys)", () => {
  const pod = (name: string): Pod => ({ metadata: { name, namespace: "default" }, spec: { containers: [] } });
  it.each([
    ["len(pods) = 0 (i.e., pods = nil)", [], []],
    ["len(pods) > 0", [pod("pod1"), pod("pod2")], ["default/pod1", "default/pod2"]],
  ] as Array<[string, Pod[], string[]]>)("%s", (_n, pods, keys) => {
    expect(pods.map(objectKey)).toEqual(keys);
  });
});
