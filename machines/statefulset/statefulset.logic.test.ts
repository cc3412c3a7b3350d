// The StatefulSet controller's logic against rows of Kubernetes' tests (pkg/controller/statefulset
// stateful_set_utils_test.go: TestGetParentNameAndOrdinal, TestIsMemberOf, TestIdentityMatches,
// TestStorageMatches, TestNewPodFromSet-like identity, TestGetStatefulSetMaxUnavailable,
// TestIsClaimOwnerUpToDate / TestUpdateClaimOwnerRefForSetAndPod's policy table,
// TestCompleteRollingUpdate; stateful_set_control_test.go's ordered creation, scale down, failed
// pod and partitioned update cases).

import { describe, expect, it } from "vitest";
import type { StatefulSet } from "kubernetes-types/apps/v1";
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import * as L from "./statefulset.logic.js";

const NOW = Date.parse("2026-01-01T00:10:00Z");
function newStatefulSet(replicas: number, edit: (s: any) => void = () => {}): StatefulSet {
  const s: any = {
    apiVersion: "apps/v1", kind: "StatefulSet",
    metadata: { name: "foo", namespace: "default", uid: "set-uid", generation: 1 },
    spec: {
      replicas, serviceName: "governingsvc", podManagementPolicy: "OrderedReady",
      selector: { matchLabels: { foo: "bar" } },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0, maxUnavailable: 1 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      template: { metadata: { labels: { foo: "bar" } }, spec: { containers: [{ name: "nginx", image: "nginx", volumeMounts: [{ name: "datadir", mountPath: "/tmp/zookeeper" }] }], volumes: [{ name: "home", hostPath: { path: "/tmp/home" } }] } },
      volumeClaimTemplates: [{ metadata: { name: "datadir" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
      revisionHistoryLimit: 2,
    },
  };
  edit(s);
  return s;
}
const running = (p: Pod, ready = true, uid = `${p.metadata!.name}-uid`): Pod => ({ ...p, metadata: { ...p.metadata, uid }, status: { phase: "Running", conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: "2026-01-01T00:00:00Z" }] } });

describe("identity and storage (stateful_set_utils_test.go)", () => {
  it("getParentNameAndOrdinal: foo-1 is ordinal 1 of foo; 1-bar has none", () => {
    expect(L.parentAndOrdinal("foo-1")).toEqual(["foo", 1]);
    expect(L.parentAndOrdinal("1-bar")).toEqual(["", -1]);
    expect(L.parentAndOrdinal("foo-99999999999")).toEqual(["foo", -1]);
  });
  it("isMemberOf: a pod of foo is no member of bar or foo2", () => {
    const set = newStatefulSet(3);
    const pod = L.newStatefulSetPod(set, 1);
    expect(L.isMemberOf(set, pod)).toBe(true);
    expect(L.isMemberOf({ ...set, metadata: { ...set.metadata, name: "bar" } }, pod)).toBe(false);
    expect(L.isMemberOf({ ...set, metadata: { ...set.metadata, name: "foo2" } }, pod)).toBe(false);
  });
  it("identityMatches: a new pod matches; another name, namespace or a missing pod-name label does not", () => {
    const set = newStatefulSet(3);
    const pod = L.newStatefulSetPod(set, 1);
    expect(L.identityMatches(set, pod)).toBe(true);
    expect(L.identityMatches(set, { ...pod, metadata: { ...pod.metadata, name: "foo-1-x" } })).toBe(false);
    expect(L.identityMatches(set, { ...pod, metadata: { ...pod.metadata, namespace: "other" } })).toBe(false);
    const { [L.POD_NAME_LABEL]: _gone, ...labels } = pod.metadata!.labels!;
    expect(L.identityMatches(set, { ...pod, metadata: { ...pod.metadata, labels } })).toBe(false);
  });
  it("storageMatches: a new pod matches; without the claim volume, or with another claim name, it does not", () => {
    const set = newStatefulSet(3);
    const pod = L.newStatefulSetPod(set, 1);
    expect(L.storageMatches(set, pod)).toBe(true);
    expect(L.storageMatches(set, { ...pod, spec: { ...pod.spec!, volumes: pod.spec!.volumes!.filter((v) => v.name !== "datadir") } })).toBe(false);
    expect(L.storageMatches(set, { ...pod, spec: { ...pod.spec!, volumes: [{ name: "datadir", persistentVolumeClaim: { claimName: "foo" } }] } })).toBe(false);
  });
  it("a new pod: name, identity labels, hostname and subdomain, claim volume first, other volumes kept, controller ref", () => {
    const pod = L.newStatefulSetPod(newStatefulSet(3), 2);
    expect(pod.metadata!.name).toBe("foo-2");
    expect(pod.metadata!.labels).toEqual({ foo: "bar", "statefulset.kubernetes.io/pod-name": "foo-2", "apps.kubernetes.io/pod-index": "2" });
    expect([pod.spec!.hostname, pod.spec!.subdomain]).toEqual(["foo-2", "governingsvc"]);
    expect(pod.spec!.volumes).toEqual([{ name: "datadir", persistentVolumeClaim: { claimName: "datadir-foo-2" } }, { name: "home", hostPath: { path: "/tmp/home" } }]);
    expect(pod.metadata!.ownerReferences).toEqual([{ apiVersion: "apps/v1", kind: "StatefulSet", name: "foo", uid: "set-uid", controller: true, blockOwnerDeletion: true }]);
  });
  it("getPersistentVolumeClaims: <template>-<set>-<ordinal>, labelled with the selector's matchLabels", () => {
    const [{ claim }] = L.claimsFor(newStatefulSet(3), 0);
    expect(claim.metadata).toEqual({ name: "datadir-foo-0", namespace: "default", labels: { foo: "bar" } });
  });
});

describe("newVersionedStatefulSetPod", () => {
  // the partition counts from spec.ordinals.start: below start + partition a pod keeps the current revision
  it("with ordinals.start 5 and partition 2, ordinals 5 and 6 are made at the current revision, 7 at the update revision", () => {
    const set = newStatefulSet(4, (s) => {
      s.spec.ordinals = { start: 5 };
      s.spec.updateStrategy.rollingUpdate.partition = 2;
    });
    const revisions = [5, 6, 7, 8].map((o) => L.podRevision(L.newVersionedStatefulSetPod(set, set, "current", "update", o)));
    expect(revisions).toEqual(["current", "current", "update", "update"]);
  });
});

describe("getStatefulSetMaxUnavailable (TestGetStatefulSetMaxUnavailable)", () => {
  const rows: [unknown, number, number][] = [[undefined, 10, 1], [3, 10, 3], [3, 0, 3], [0, 0, 1], ["10%", 25, 2], ["100%", 5, 5], ["50%", 5, 2], ["10%", 5, 1]];
  it.each(rows)("maxUnavailable %s of %i replicas is %i", (maxUnavailable, replicas, want) => {
    const set = newStatefulSet(replicas, (s) => (s.spec.updateStrategy.rollingUpdate = maxUnavailable === undefined ? { partition: 0 } : { partition: 0, maxUnavailable }));
    expect(L.maxUnavailableOf(set)).toBe(want);
  });
});

describe("claim owners by retention policy (TestIsClaimOwnerUpToDate, TestUpdateClaimOwnerRefForSetAndPod)", () => {
  const claim = (refs: any[] = []): PersistentVolumeClaim => ({ metadata: { name: "datadir-foo-1", namespace: "default", ownerReferences: refs } });
  const setRef = { apiVersion: "apps/v1", kind: "StatefulSet", name: "foo", uid: "set-uid", controller: true, blockOwnerDeletion: true };
  const podRef = { apiVersion: "v1", kind: "Pod", name: "foo-1", uid: "foo-1-uid", controller: true, blockOwnerDeletion: true };
  const rows: [string, string, boolean, string[]][] = [
    ["Retain", "Retain", false, []],
    ["Retain", "Retain", true, []],
    ["Delete", "Retain", false, ["StatefulSet"]],
    ["Delete", "Retain", true, ["StatefulSet"]],
    ["Retain", "Delete", false, []],
    ["Retain", "Delete", true, ["Pod"]],
    ["Delete", "Delete", false, ["StatefulSet"]],
    ["Delete", "Delete", true, ["Pod"]],
  ];
  it.each(rows)("whenDeleted %s, whenScaled %s, scaled down %s: owned by %j", (whenDeleted, whenScaled, scaledDown, want) => {
    const set = newStatefulSet(scaledDown ? 1 : 3, (s) => (s.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted, whenScaled }));
    const pod = running(L.newStatefulSetPod(newStatefulSet(3), 1));
    const refs = L.claimOwnerRefsFor(claim(), set, pod);
    expect(refs.map((r) => r.kind)).toEqual(want);
    expect(L.isClaimOwnerUpToDate(claim(refs), set, pod)).toBe(true);
    expect(L.isClaimOwnerUpToDate(claim(want.length === 0 ? [setRef] : []), set, pod)).toBe(false);
  });
  it("leaves a claim whose set reference is stale (another uid) untouched", () => {
    const set = newStatefulSet(3, (s) => (s.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Delete", whenScaled: "Delete" }));
    const pod = running(L.newStatefulSetPod(set, 1));
    expect(L.isClaimOwnerUpToDate(claim([{ ...setRef, uid: "old-set" }]), set, pod)).toBe(true);
    expect(L.isClaimOwnerUpToDate(claim([podRef]), set, pod)).toBe(false);
  });
});

describe("the status as written (apps/v1 StatefulSetStatus json tags)", () => {
  // replicas and availableReplicas are always written; readyReplicas, currentReplicas and
  // updatedReplicas are omitempty, so a StatefulSet whose pod is not ready yet shows no readyReplicas.
  it("a zero readyReplicas is left out, a zero availableReplicas is kept", () => {
    const st = { observedGeneration: 1, replicas: 1, readyReplicas: 0, availableReplicas: 0, currentReplicas: 1, updatedReplicas: 1, currentRevision: "web-1", updateRevision: "web-1", collisionCount: 0 };
    expect(L.writtenStatus(st)).toEqual({ observedGeneration: 1, replicas: 1, availableReplicas: 0, currentReplicas: 1, updatedReplicas: 1, currentRevision: "web-1", updateRevision: "web-1", collisionCount: 0 });
  });
});

// computeReplicaStatus: availableReplicas counts a pod Ready for at least minReadySeconds
// (isRunningAndAvailable: podutil.IsPodAvailable), readyReplicas every Running and Ready one.
describe("replica counts (computeReplicaStatus)", () => {
  const readySince = (ms: number): Pod => ({ ...L.newStatefulSetPod(newStatefulSet(1), 0), status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: new Date(NOW - ms).toISOString() }] } });
  // IsPodAvailable: lastTransitionTime + minReadySeconds strictly before now
  it("a pod Ready for 5 s, or exactly 10 s, is ready but not available under minReadySeconds 10; after 11 s it is", () => {
    const c = (p: Pod) => L.replicaCounts([p], 10, "r", "r", NOW);
    expect([c(readySince(5_000)).readyReplicas, c(readySince(5_000)).availableReplicas]).toEqual([1, 0]);
    expect([c(readySince(10_000)).readyReplicas, c(readySince(10_000)).availableReplicas]).toEqual([1, 0]);
    expect([c(readySince(11_000)).readyReplicas, c(readySince(11_000)).availableReplicas]).toEqual([1, 1]);
  });
  it("with minReadySeconds 0 a Ready pod is available at once", () => {
    expect(L.replicaCounts([readySince(0)], 0, "r", "r", NOW).availableReplicas).toBe(1);
  });
});

describe("completeRollingUpdate (TestCompleteRollingUpdate)", () => {
  const st = { replicas: 3, readyReplicas: 3, updatedReplicas: 3, currentReplicas: 0, currentRevision: "foo-1", updateRevision: "foo-2" };
  it("completes when every replica is updated and ready", () => {
    expect(L.completeRollingUpdate(newStatefulSet(3), st)).toMatchObject({ currentRevision: "foo-2", currentReplicas: 3 });
  });
  it("does not while one is not ready, nor for OnDelete", () => {
    expect(L.completeRollingUpdate(newStatefulSet(3), { ...st, readyReplicas: 2 }).currentRevision).toBe("foo-1");
    expect(L.completeRollingUpdate(newStatefulSet(3, (s) => (s.spec.updateStrategy = { type: "OnDelete" })), st).currentRevision).toBe("foo-1");
  });
});

describe("updateStatefulSet (stateful_set_control_test.go)", () => {
  const plan = (set: StatefulSet, pods: Pod[], claims: (ns: string, name: string) => PersistentVolumeClaim | undefined = () => undefined) => {
    const rev = L.newRevision(set, 1, 0);
    return L.updateStatefulSet({ set, pods, current: rev, update: rev, collisionCount: 0, nowMs: NOW, claims });
  };
  const labelled = (set: StatefulSet, p: Pod) => ({ ...p, metadata: { ...p.metadata, labels: { ...p.metadata!.labels, "controller-revision-hash": L.newRevision(set, 1, 0).metadata!.name! } } });
  const ops = (p: L.UpdatePlan) => p.ops.map((o) => `${o.op} ${o.pod.metadata!.name}`);

  it("OrderedReady creates only the first missing ordinal, with its claim", () => {
    const set = newStatefulSet(3);
    const p = plan(set, []);
    expect(ops(p)).toEqual(["create foo-0"]);
    expect((p.ops[0] as any).claims.map((c: any) => c.metadata.name)).toEqual(["datadir-foo-0"]);
  });
  it("OrderedReady waits while foo-0 is not Running and Ready, then creates foo-1", () => {
    const set = newStatefulSet(3);
    const pod0 = labelled(set, L.newStatefulSetPod(set, 0));
    const existing = (_ns: string, name: string) => ({ metadata: { name } });
    expect(ops(plan(set, [{ ...pod0, status: { phase: "Pending" } }], existing))).toEqual([]);
    // a Pending pod's missing claims are created again (createMissingPersistentVolumeClaims)
    expect(ops(plan(set, [{ ...pod0, status: { phase: "Pending" } }]))).toEqual(["createClaims foo-0"]);
    expect(ops(plan(set, [running(pod0, false)]))).toEqual([]);
    expect(ops(plan(set, [running(pod0)]))).toEqual(["create foo-1"]);
  });
  it("Parallel creates every missing ordinal at once", () => {
    expect(ops(plan(newStatefulSet(3, (s) => (s.spec.podManagementPolicy = "Parallel")), []))).toEqual(["create foo-0", "create foo-1", "create foo-2"]);
  });
  it("scales down from the highest ordinal, one at a time", () => {
    const set = newStatefulSet(1);
    const pods = [0, 1, 2].map((i) => running(labelled(set, L.newStatefulSetPod(set, i))));
    expect(ops(plan(set, pods))).toEqual(["delete foo-2"]);
  });
  it("does not scale down while a remaining pod is not Running and Ready", () => {
    const set = newStatefulSet(1);
    const pods = [running(labelled(set, L.newStatefulSetPod(set, 0)), false), running(labelled(set, L.newStatefulSetPod(set, 1))), running(labelled(set, L.newStatefulSetPod(set, 2)))];
    expect(ops(plan(set, pods))).toEqual([]);
  });
  it("deletes a healthy highest ordinal above an unhealthy one, then the first unhealthy one itself", () => {
    const set = newStatefulSet(1);
    const pod0 = running(labelled(set, L.newStatefulSetPod(set, 0)));
    const pod1 = running(labelled(set, L.newStatefulSetPod(set, 1)), false);
    expect(ops(plan(set, [pod0, pod1, running(labelled(set, L.newStatefulSetPod(set, 2)))]))).toEqual(["delete foo-2"]);
    expect(ops(plan(set, [pod0, pod1]))).toEqual(["delete foo-1"]);
  });
  it("deletes a failed pod and waits", () => {
    const set = newStatefulSet(2);
    const failed = { ...labelled(set, L.newStatefulSetPod(set, 0)), status: { phase: "Failed" } } as Pod;
    expect(ops(plan(set, [failed]))).toEqual(["delete foo-0"]);
  });
  it("rolls the highest ordinal at or above the partition first, maxUnavailable at a time", () => {
    const set = newStatefulSet(3, (s) => (s.spec.updateStrategy.rollingUpdate = { partition: 1, maxUnavailable: 1 }));
    const current = L.newRevision(set, 1, 0);
    const updateSet = newStatefulSet(3, (s) => {
      s.spec.updateStrategy.rollingUpdate = { partition: 1, maxUnavailable: 1 };
      s.spec.template.spec.containers[0].image = "nginx:2";
    });
    const update = L.newRevision(updateSet, 2, 0);
    const pods = [0, 1, 2].map((i) => running(labelled(set, L.newStatefulSetPod(set, i))));
    const p = L.updateStatefulSet({ set: updateSet, pods, current, update, collisionCount: 0, nowMs: NOW, claims: () => undefined });
    expect(ops(p)).toEqual(["delete foo-2"]);
    expect([p.status.currentReplicas, p.status.updatedReplicas]).toEqual([2, 0]);
  });
});
