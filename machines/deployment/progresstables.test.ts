// Rows of pkg/controller/deployment/progress_test.go (stored copy 04791b49) TestSyncRolloutStatus:
// syncRolloutStatus is syncDeploymentStatus. currentDeployment is a Recreate Deployment with the given
// progressDeadlineSeconds, replicas and status counts; newRSWithAvailable a ReplicaSet with spec,
// status and available replicas; the Go test runs at the real clock, long after testTime.
// TestRequeueStuckDeployment is not ported: podflow requeues from its rollout chart (rollout.model.test.ts).
import { describe, it, expect } from "vitest";
import type { Deployment, DeploymentCondition, ReplicaSet } from "kubernetes-types/apps/v1";
import { syncDeploymentStatus } from "./deployment.logic.js";

const TEST_TIME = "2017-02-15T18:49:00Z";
const NOW = Date.parse("2026-01-01T00:00:00Z");
const failedTimedOut: DeploymentCondition = { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" };
const newRSAvailable: DeploymentCondition = { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", lastUpdateTime: TEST_TIME, lastTransitionTime: TEST_TIME };
const replicaSetUpdated: DeploymentCondition = { type: "Progressing", status: "True", reason: "ReplicaSetUpdated", lastUpdateTime: TEST_TIME, lastTransitionTime: TEST_TIME };

function currentDeployment(pds: number | undefined, replicas: number, statusReplicas: number, updated: number, available: number, conditions: DeploymentCondition[]): Deployment {
  return {
    metadata: { name: "progress-test" },
    spec: { replicas, strategy: { type: "Recreate" }, selector: {}, template: {}, ...(pds !== undefined ? { progressDeadlineSeconds: pds } : {}) },
    status: { replicas: statusReplicas, updatedReplicas: updated, availableReplicas: available, conditions },
  };
}
function withAvailable(name: string, spec: number, status: number, available: number): ReplicaSet {
  return { metadata: { name }, spec: { replicas: spec, selector: {}, template: {} }, status: { replicas: status, availableReplicas: available } };
}

type Want = { status?: string; reason?: string; keepsUpdate?: true; keepsTransition?: true };
const rows: [string, Deployment, ReplicaSet[], ReplicaSet | undefined, Want][] = [
  ["General: remove Progressing condition and do not estimate progress if deployment has no Progress Deadline",
    currentDeployment(undefined, 3, 2, 2, 2, [replicaSetUpdated]), [withAvailable("bar", 0, 1, 1)], withAvailable("foo", 3, 2, 2), {}],
  ["General: do not estimate progress of deployment with only one active ReplicaSet",
    currentDeployment(60, 3, 3, 3, 3, [newRSAvailable]), [withAvailable("bar", 3, 3, 3)], undefined, { status: "True", reason: "NewReplicaSetAvailable", keepsUpdate: true, keepsTransition: true }],
  ["DeploymentProgressing: dont update lastTransitionTime if deployment already has Progressing=True",
    currentDeployment(60, 3, 2, 2, 2, [replicaSetUpdated]), [withAvailable("bar", 0, 1, 1)], withAvailable("foo", 3, 2, 2), { status: "True", reason: "ReplicaSetUpdated", keepsTransition: true }],
  ["DeploymentProgressing: update everything if deployment has Progressing=False",
    currentDeployment(60, 3, 2, 2, 2, [failedTimedOut]), [withAvailable("bar", 0, 1, 1)], withAvailable("foo", 3, 2, 2), { status: "True", reason: "ReplicaSetUpdated" }],
  ["DeploymentProgressing: create Progressing condition if it does not exist",
    currentDeployment(60, 3, 2, 2, 2, []), [withAvailable("bar", 0, 1, 1)], withAvailable("foo", 3, 2, 2), { status: "True", reason: "ReplicaSetUpdated" }],
  ["DeploymentComplete: dont update lastTransitionTime if deployment already has Progressing=True",
    currentDeployment(60, 3, 3, 3, 3, [replicaSetUpdated]), [], withAvailable("foo", 3, 3, 3), { status: "True", reason: "NewReplicaSetAvailable", keepsTransition: true }],
  ["DeploymentComplete: update everything if deployment has Progressing=False",
    currentDeployment(60, 3, 3, 3, 3, [failedTimedOut]), [], withAvailable("foo", 3, 3, 3), { status: "True", reason: "NewReplicaSetAvailable" }],
  ["DeploymentComplete: create Progressing condition if it does not exist",
    currentDeployment(60, 3, 3, 3, 3, []), [], withAvailable("foo", 3, 3, 3), { status: "True", reason: "NewReplicaSetAvailable" }],
  ["DeploymentComplete: defend against NPE when newRS=nil",
    currentDeployment(60, 0, 3, 3, 3, [replicaSetUpdated]), [withAvailable("foo", 0, 0, 0)], undefined, { status: "True", reason: "NewReplicaSetAvailable" }],
  ["DeploymentTimedOut: update status if rollout exceeds Progress Deadline",
    currentDeployment(60, 3, 2, 2, 2, [replicaSetUpdated]), [], withAvailable("foo", 3, 2, 2), { status: "False", reason: "ProgressDeadlineExceeded" }],
  ["DeploymentTimedOut: do not update status if deployment has existing timedOut condition",
    currentDeployment(60, 3, 2, 2, 2, [failedTimedOut]), [], withAvailable("foo", 3, 2, 2), { status: "False", reason: "ProgressDeadlineExceeded" }],
];

describe("TestSyncRolloutStatus", () => {
  for (const [name, d, allRSs, newRS, want] of rows) {
    it(name, () => {
      const s = syncDeploymentStatus(d, newRS ? [...allRSs, newRS] : allRSs, newRS, NOW);
      const c = s.conditions?.find((x) => x.type === "Progressing");
      if (want.status === undefined) return expect(c).toBeUndefined();
      expect([c?.status, c?.reason]).toEqual([want.status, want.reason]);
      if (want.keepsUpdate) expect(c?.lastUpdateTime).toBe(TEST_TIME);
      if (want.keepsTransition) expect(c?.lastTransitionTime).toBe(TEST_TIME);
    });
  }
});
