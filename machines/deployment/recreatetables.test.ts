// Rows of pkg/controller/deployment/recreate_test.go: TestOldPodsRunning and TestScaleDownOldReplicaSets.
// The Go test hands oldPodsRunning a podMap keyed by ReplicaSet uid (getPodMapForDeployment groups
// the Deployment's pods by their controller among its ReplicaSets); podflow takes the pods, so each
// podMap entry is pods controlled by an old ReplicaSet of that uid.
import { describe, it, expect } from "vitest";
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { oldPodsRunning, rolloutRecreate } from "./deployment.logic.js";

function rsWith(uid: string, statusReplicas = 0, specReplicas = 0): ReplicaSet {
  return { metadata: { name: `foo-${uid}`, namespace: "default", uid }, spec: { replicas: specReplicas, selector: { matchLabels: { foo: "bar" } } }, status: { replicas: statusReplicas } };
}
function podsOf(podMap: Record<string, Array<string | undefined>>): Pod[] {
  return Object.entries(podMap).flatMap(([uid, phases]) =>
    phases.map((phase, i) => ({
      metadata: { name: `${uid}-${i}`, namespace: "default", ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: `foo-${uid}`, uid, controller: true }] },
      spec: { containers: [] },
      ...(phase !== undefined ? { status: { phase } } : {}),
    })),
  );
}

describe("oldPodsRunning (TestOldPodsRunning)", () => {
  it.each([
    ["no old RSs", [], {}, false],
    ["old RSs with running pods", [rsWith("some-uid"), rsWith("other-uid")], { "some-uid": [undefined, undefined], "other-uid": [undefined, undefined] }, true],
    ["old RSs without pods but with non-zero status replicas", [rsWith("rs-1", 1)], {}, true],
    ["old RSs without pods or non-zero status replicas", [rsWith("rs-1", 0)], {}, false],
    ["old RSs with zero status replicas but pods in terminal state are present", [rsWith("uid-1")], { "uid-1": ["Failed", "Succeeded"] }, false],
    ["old RSs with zero status replicas but pod in unknown phase present", [rsWith("uid-1")], { "uid-1": ["Unknown"] }, true],
    ["old RSs with zero status replicas with pending pod present", [rsWith("uid-1")], { "uid-1": ["Pending"] }, true],
    ["old RSs with zero status replicas with running pod present", [rsWith("uid-1")], { "uid-1": ["Running"] }, true],
    ["old RSs with zero status replicas but pods in terminal state and pending are present", [rsWith("uid-1"), rsWith("uid-2"), rsWith("uid-3")],
      { "uid-1": ["Failed", "Succeeded"], "uid-2": [], "uid-3": ["Pending"] }, true],
  ] as Array<[string, ReplicaSet[], Record<string, Array<string | undefined>>, boolean]>)("%s", (_n, oldRSs, podMap, expected) => {
    expect(oldPodsRunning(undefined, oldRSs, podsOf(podMap))).toBe(expected);
  });
});

describe("scaleDownOldReplicaSetsForRecreate (TestScaleDownOldReplicaSets)", () => {
  it("an old ReplicaSet of 3 is scaled to 0", () => {
    const d = { metadata: { name: "foo", namespace: "default", uid: "d" }, spec: { replicas: 3, strategy: { type: "Recreate" }, selector: { matchLabels: { foo: "bar" } }, template: { metadata: { labels: { foo: "bar" } }, spec: { containers: [] } } } };
    const step = rolloutRecreate(d, undefined, [rsWith("foo-0", 3, 3)], []);
    expect(step.actions.map((a) => [a.rs, a.replicas])).toEqual([["foo-foo-0", 0]]);
  });
});
