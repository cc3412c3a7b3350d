// Rows of pkg/controller/deployment/deployment_controller_test.go whose decision is a pure function
// in podflow: TestSyncDeploymentCreatesReplicaSet and TestSyncDeploymentDontDoAnythingDuringDeletion
// (getNewReplicaSet, calculateStatus), TestReentrantRollback (rollbackTemplate: apps/v1 has no
// spec.rollbackTo, so the undo is what `kubectl rollout undo` writes), TestGetReplicaSetsForDeployment
// and ...AdoptRelease (ClaimReplicaSets is claimPods with the Deployment's controller ref) and
// TestGetPodMapForReplicaSets (podsOfReplicaSets, and the pods oldPodsRunning counts), and
// TestPodDeletion{Enqueues,DoesntEnqueue,PartialReplicaSetOwnershipEnqueue}RecreateDeployment: deletePod
// syncs a Recreate Deployment only when podsOfReplicaSets, over the pods its informer still holds, is empty. The Go helpers: newDeployment is a
// RollingUpdate Deployment, maxSurge and maxUnavailable 0, its template labelled by its selector;
// newReplicaSet copies the Deployment's selector, labels and template and names it as controller.
import { describe, it, expect } from "vitest";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { claimPods } from "../common/claim.js";
import { calculateStatus, deploymentControllerRef, getNewReplicaSet, oldPodsRunning, podsOfReplicaSets, rollbackTemplate } from "./deployment.logic.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const SELECTOR = { foo: "bar" };

function newDeployment(name: string, replicas: number, extra: Partial<NonNullable<Deployment["metadata"]>> = {}): Deployment {
  return {
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { name, namespace: "default", uid: `${name}-uid`, annotations: {}, ...extra },
    spec: {
      replicas, selector: { matchLabels: { ...SELECTOR } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } },
      template: { metadata: { labels: { ...SELECTOR } }, spec: { containers: [{ name: "foo", image: "foo/bar" }] } },
    },
  };
}
function newReplicaSet(d: Deployment, name: string, replicas: number): ReplicaSet {
  return {
    apiVersion: "apps/v1", kind: "ReplicaSet",
    metadata: { name, namespace: "default", uid: `${name}-uid`, labels: { ...SELECTOR }, ownerReferences: [deploymentControllerRef(d)] },
    spec: { replicas, selector: { matchLabels: { ...SELECTOR } }, template: structuredClone(d.spec!.template) },
    status: {},
  };
}
/** generatePodFromRS: a pod of the ReplicaSet's template, controlled by it, named <rs>-pod. */
function podOf(rs: ReplicaSet, name = `${rs.metadata!.name}-pod`, phase?: string): Pod {
  return {
    metadata: { name, namespace: "default", labels: { ...rs.spec!.template!.metadata!.labels }, ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: rs.metadata!.name!, uid: rs.metadata!.uid!, controller: true }] },
    spec: structuredClone(rs.spec!.template!.spec!),
    ...(phase ? { status: { phase } } : {}),
  };
}
const names = (l: readonly { metadata?: { name?: string } }[]) => l.map((o) => o.metadata?.name);

describe("TestSyncDeploymentCreatesReplicaSet", () => {
  it("a Deployment of 1 with no ReplicaSet creates one of 1 replica, controlled by it", () => {
    const d = newDeployment("foo", 1);
    const g = getNewReplicaSet(d, [], true, T0);
    expect(g.write).toBe("create");
    expect(g.newRS!.spec!.replicas).toBe(1);
    expect(g.newRS!.metadata!.ownerReferences).toEqual([deploymentControllerRef(d)]);
    expect(g.oldRSs).toEqual([]);
  });
});

describe("TestSyncDeploymentDontDoAnythingDuringDeletion", () => {
  // syncStatusOnly: no ReplicaSet is created (getAllReplicaSetsAndSyncRevision with createIfNotExisted
  // false); the one action is the status update, the computed status differing from the empty one:
  // maxSurge 0 and maxUnavailable 0 resolve to maxUnavailable 1 (ResolveFenceposts), so 0 of 1 is available enough.
  it("a deleting Deployment creates no ReplicaSet and only its status changes", () => {
    const d = newDeployment("foo", 1, { deletionTimestamp: "2026-01-01T00:00:00Z" });
    const g = getNewReplicaSet(d, [], false, T0);
    expect(g.write).toBeUndefined();
    expect(g.newRS).toBeUndefined();
    const status = calculateStatus(d, [], g.newRS, T0);
    expect(status).not.toEqual(d.status ?? {});
    expect(status.conditions).toMatchObject([{ type: "Available", status: "True", reason: "MinimumReplicasAvailable" }]);
  });
});

describe("TestReentrantRollback", () => {
  // rollback to revision 0 (the previous one) from revision 2: the template of revision 1, which
  // differs (terminationGracePeriodSeconds 1), so the Deployment is updated; no ReplicaSet is.
  it("undo from revision 2 takes revision 1's template", () => {
    const d = newDeployment("foo", 1, { annotations: { "deployment.kubernetes.io/revision": "2" } });
    const rs1 = newReplicaSet(d, "deploymentrs-old", 0);
    rs1.metadata!.annotations = { "deployment.kubernetes.io/revision": "1" };
    rs1.spec!.template!.spec!.terminationGracePeriodSeconds = 1;
    rs1.spec!.selector!.matchLabels!["pod-template-hash"] = "hash";
    const rs2 = newReplicaSet(d, "deploymentrs-new", 1);
    rs2.metadata!.annotations = { "deployment.kubernetes.io/revision": "2" };
    rs2.spec!.selector!.matchLabels!["pod-template-hash"] = "hash";
    const plan = rollbackTemplate(d, [rs1, rs2]);
    expect(plan.template).toEqual({ ...d.spec!.template, spec: { ...d.spec!.template!.spec, terminationGracePeriodSeconds: 1 } });
  });
});

describe("TestGetReplicaSetsForDeployment", () => {
  it("two Deployments of one selector each keep only the ReplicaSet their controller ref names", () => {
    const d1 = newDeployment("foo", 1), d2 = newDeployment("bar", 1);
    const rs1 = newReplicaSet(d1, "rs1", 1), rs2 = newReplicaSet(d2, "rs2", 1);
    const c1 = claimPods(d1, deploymentControllerRef(d1), [rs1, rs2]);
    expect([names(c1.claimed), c1.adopt, c1.release]).toEqual([["rs1"], [], []]);
    const c2 = claimPods(d2, deploymentControllerRef(d2), [rs1, rs2]);
    expect([names(c2.claimed), c2.adopt, c2.release]).toEqual([["rs2"], [], []]);
  });
});

describe("TestGetReplicaSetsForDeploymentAdoptRelease", () => {
  it("the matching orphan is adopted and returned, the owned one of other labels released", () => {
    const d = newDeployment("foo", 1);
    const rsAdopt = newReplicaSet(d, "rsAdopt", 1);
    delete rsAdopt.metadata!.ownerReferences;
    const rsRelease = newReplicaSet(d, "rsRelease", 1);
    rsRelease.metadata!.labels = { foo: "notbar" };
    const c = claimPods(d, deploymentControllerRef(d), [rsAdopt, rsRelease]);
    expect(names(c.claimed)).toEqual(["rsAdopt"]);
    expect(names(c.adopt)).toEqual(["rsAdopt"]);
    expect(names(c.release)).toEqual(["rsRelease"]);
  });
});

describe("TestGetPodMapForReplicaSets (the pods a Recreate rollout waits for)", () => {
  it("the map holds each ReplicaSet's pod and the inactive one, not the pod without controller ref", () => {
    const d = newDeployment("foo", 1);
    const rs1 = newReplicaSet(d, "rs1", 1), rs2 = newReplicaSet(d, "rs2", 1);
    const pod3 = podOf(rs1, "pod3");
    delete pod3.metadata!.ownerReferences;
    const got = podsOfReplicaSets(d, [rs1, rs2], [podOf(rs1), podOf(rs2), pod3, podOf(rs1, "pod4", "Failed")]);
    expect(names(got)).toEqual(["rs1-pod", "rs2-pod", "pod4"]);
  });

  // getPodMapForDeployment keeps only pods whose controller is one of the ReplicaSets: pod3, of matching
  // labels but no controller ref, is not in the map; oldPodsRunning then passes Failed pods (pod4) by.
  const d = newDeployment("foo", 1);
  const rs1 = newReplicaSet(d, "rs1", 1), rs2 = newReplicaSet(d, "rs2", 1);
  const pod3 = { ...podOf(rs1, "pod3"), metadata: { ...podOf(rs1, "pod3").metadata, ownerReferences: undefined } };
  const pod4 = podOf(rs1, "pod4", "Failed");
  it("a pod without controller ref and a Failed one are not old pods running", () => {
    expect(oldPodsRunning(undefined, [rs1, rs2], [pod3, pod4])).toBe(false);
  });
  it("each ReplicaSet's own pod is", () => {
    expect(oldPodsRunning(undefined, [rs1], [pod3, pod4, podOf(rs1)])).toBe(true);
    expect(oldPodsRunning(undefined, [rs2], [pod3, pod4, podOf(rs2)])).toBe(true);
    expect(oldPodsRunning(undefined, [rs2], [pod3, pod4, podOf(rs1)])).toBe(false);
  });
});

describe("TestPodDeletion*RecreateDeployment (deletePod's count of the pods left)", () => {
  const foo = newDeployment("foo", 1);
  foo.spec!.strategy = { type: "Recreate" };
  const rs = newReplicaSet(foo, "foo-1", 1);
  it("TestPodDeletionEnqueuesRecreateDeployment: no pod left, the Deployment is synced", () => {
    expect(podsOfReplicaSets(foo, [rs], [])).toEqual([]);
  });
  it("TestPodDeletionDoesntEnqueueRecreateDeployment: a pod of its ReplicaSet left, it is not", () => {
    expect(names(podsOfReplicaSets(foo, [rs], [podOf(rs)]))).toEqual(["foo-1-pod"]);
  });
  it("TestPodDeletionPartialReplicaSetOwnershipEnqueueRecreateDeployment: an orphan ReplicaSet's pods do not count", () => {
    // ListReplicaSets keeps the ReplicaSets the Deployment controls: foo-2, an orphan, is not one (ownedReplicaSets).
    const rs2 = newReplicaSet(foo, "foo-2", 2);
    delete rs2.metadata!.ownerReferences;
    expect(podsOfReplicaSets(foo, [rs], [podOf(rs2)])).toEqual([]);
  });
});
