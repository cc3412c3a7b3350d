// Rows of pkg/controller/deployment/rolling_test.go, in the Go tables' order (the Go rows are
// unnamed; each name here says what the row holds): TestDeploymentController_reconcileNewReplicaSet,
// _reconcileOldReplicaSets, _cleanupUnhealthyReplicas, _scaleDownOldReplicaSetsForRollingUpdate.
import { describe, it, expect } from "vitest";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import { cleanupUnhealthyReplicas, reconcileNewReplicaSet, reconcileOldReplicaSets, scaleDownOldReplicaSetsForRollingUpdate } from "./deployment.logic.js";

// newDeployment("foo", replicas, nil, maxSurge, maxUnavailable, selector)
function newDeployment(replicas: number, maxSurge: number, maxUnavailable: number): Deployment {
  return {
    metadata: { name: "foo", namespace: "default", uid: "foo-uid" },
    spec: {
      replicas, selector: { matchLabels: { foo: "bar" } }, template: { metadata: { labels: { foo: "bar" } }, spec: { containers: [{ name: "foo", image: "foo/bar" }] } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge, maxUnavailable } },
    },
  };
}
// rs(name, replicas, selector, noTimestamp) with the given available replicas
function rs(name: string, replicas: number, available = 0): ReplicaSet {
  return { metadata: { name, namespace: "default", uid: `${name}-uid` }, spec: { replicas, selector: { matchLabels: { foo: "bar" } } }, status: { replicas, availableReplicas: available } };
}

describe("reconcileNewReplicaSet (TestDeploymentController_reconcileNewReplicaSet)", () => {
  it.each([
    ["#0 no surge: should not scale up", 10, 0, 10, 0, undefined],
    ["#1 surge 2 over 10 old: 2", 10, 2, 10, 0, 2],
    ["#2 surge 2 over 5 old: 7", 10, 2, 5, 0, 7],
    ["#3 surge 2 used: no scaling", 10, 2, 10, 2, undefined],
    ["#4 new above replicas: should scale down to 10", 10, 2, 2, 11, 10],
  ])("%s", (_n, replicas, surge, oldReplicas, newReplicas, expected) => {
    const newRS = rs("foo-v2", newReplicas), oldRS = rs("foo-v1", oldReplicas);
    const actions = reconcileNewReplicaSet(newDeployment(replicas, surge, 0), [newRS, oldRS], newRS);
    expect(actions.map((a) => a.replicas)).toEqual(expected === undefined ? [] : [expected]);
  });
});

describe("reconcileOldReplicaSets (TestDeploymentController_reconcileOldReplicaSets)", () => {
  it.each([
    ["#0 maxUnavailable 0, 10 ready old: scaled", 10, 0, 10, 0, 10, 0, true],
    ["#1 maxUnavailable 2, 10 ready old: scaled", 10, 2, 10, 0, 10, 0, true],
    ["#2 unhealthy replicas of old replica sets cleaned up", 10, 2, 10, 0, 8, 0, true],
    ["#3 one unhealthy replica cleaned up and one ready pod scaled down", 10, 2, 10, 0, 9, 0, true],
    ["#4 the unavailable pods of the new RS do not make old RSs scale down further", 10, 2, 8, 2, 8, 0, false],
  ])("%s", (_n, replicas, maxUnavailable, oldReplicas, newReplicas, readyOld, readyNew, scaled) => {
    const newRS = rs("foo-new", newReplicas, readyNew), oldRS = rs("foo-old", oldReplicas, readyOld);
    const actions = reconcileOldReplicaSets(newDeployment(replicas, 0, maxUnavailable), [oldRS, newRS], [oldRS], newRS);
    expect(actions.length > 0).toBe(scaled);
  });
});

describe("cleanupUnhealthyReplicas (TestDeploymentController_cleanupUnhealthyReplicas)", () => {
  it.each([
    ["#0 2 unhealthy, at most 1 cleaned", 10, 8, 1, 1],
    ["#1 2 unhealthy, at most 3 cleaned", 10, 8, 3, 2],
    ["#2 2 unhealthy, none may be cleaned", 10, 8, 0, 0],
    ["#3 none unhealthy", 10, 10, 3, 0],
  ])("%s", (_n, oldReplicas, ready, maxCleanupCount, expected) => {
    const { scaledDown } = cleanupUnhealthyReplicas(newDeployment(10, 2, 2), [rs("foo-v2", oldReplicas, ready)], maxCleanupCount);
    expect(scaledDown).toBe(expected);
  });
});

describe("scaleDownOldReplicaSetsForRollingUpdate (TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate)", () => {
  it.each([
    ["#0 maxUnavailable 0, 10 ready: to 9", 10, 0, 10, 10, 9],
    ["#1 maxUnavailable 2, 10 ready: to 8", 10, 2, 10, 10, 8],
    ["#2 8 ready: no scaling", 10, 2, 8, 10, undefined],
    ["#3 no old replicas: no scaling", 10, 2, 10, 0, undefined],
    ["#4 1 ready: no scaling", 10, 2, 1, 10, undefined],
  ])("%s", (_n, replicas, maxUnavailable, ready, oldReplicas, expected) => {
    const oldRS = rs("foo-v2", oldReplicas, ready);
    const { actions, scaledDown } = scaleDownOldReplicaSetsForRollingUpdate(newDeployment(replicas, 0, maxUnavailable), [oldRS], [oldRS]);
    if (expected === undefined) expect(scaledDown).toBe(0);
    else expect(actions.map((a) => a.replicas)).toEqual([expected]);
  });
});
