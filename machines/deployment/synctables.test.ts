// Rows of pkg/controller/deployment/sync_test.go (stored copy 003e8629): TestScale (dc.scale is
// proportionalScale), TestDeploymentController_cleanupDeployment and ..._cleanupDeploymentOrder
// (cleanupDeployment is cleanupOldReplicaSets). The Go helpers: newDeployment is a RollingUpdate
// Deployment with maxSurge and maxUnavailable 0 unless given; rs() a ReplicaSet with a spec size and a
// creation time, its status zero; newRSWithStatus one with spec and status replicas. As the Go test
// does, every ReplicaSet first gets the desired/max-replicas annotations of the old Deployment, and a
// ReplicaSet in wasntUpdated keeps its size whatever the sync asked (its update failed).
import { describe, it, expect } from "vitest";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import { cleanupOldReplicaSets, maxSurge, proportionalScale } from "./deployment.logic.js";

const MAX_INT32 = 2 ** 31 - 1;
const NEW = "2016-05-20T02:00:00Z", OLD = "2016-05-20T01:00:00Z", OLDER = "2016-05-20T00:00:00Z";

function newDeployment(replicas: number, surge = 0, unavailable = 0, revisionHistoryLimit?: number, extraLabel = false): Deployment {
  return {
    metadata: { name: "foo", namespace: "default", uid: "foo-uid", annotations: {} },
    spec: {
      replicas, selector: { matchLabels: { foo: "bar" } }, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } },
      template: { metadata: { labels: { foo: "bar", ...(extraLabel ? { another: "label" } : {}) } }, spec: { containers: [] } },
      ...(revisionHistoryLimit !== undefined ? { revisionHistoryLimit } : {}),
    },
  };
}
function rs(name: string, replicas: number, creationTimestamp: string, extra: { available?: number } = {}): ReplicaSet {
  return { metadata: { name, namespace: "default", creationTimestamp }, spec: { replicas, selector: { matchLabels: { foo: "bar" } }, template: {} }, status: { replicas: 0, ...(extra.available !== undefined ? { availableReplicas: extra.available } : {}) } };
}
/** deploymentutil.SetReplicasAnnotations(rs, desired, desired + MaxSurge(old)) */
function annotated(r: ReplicaSet, desired: number, old: Deployment): ReplicaSet {
  return { ...r, metadata: { ...r.metadata, annotations: { "deployment.kubernetes.io/desired-replicas": String(desired), "deployment.kubernetes.io/max-replicas": String(desired + maxSurge(old)) } } };
}

type ScaleRow = { name: string; d: Deployment; old: Deployment; newRS?: ReplicaSet; oldRSs: ReplicaSet[]; want: Record<string, number>; wasntUpdated?: string[]; desired?: Record<string, number> };
const scaleRows: ScaleRow[] = [
  { name: "normal scaling event: 10 -> 12", d: newDeployment(12), old: newDeployment(10), newRS: rs("foo-v1", 10, NEW), oldRSs: [], want: { "foo-v1": 12 } },
  { name: "normal scaling event: 10 -> 5", d: newDeployment(5), old: newDeployment(10), newRS: rs("foo-v1", 10, NEW), oldRSs: [], want: { "foo-v1": 5 } },
  { name: "proportional scaling: 5 -> 10", d: newDeployment(10), old: newDeployment(5), newRS: rs("foo-v2", 2, NEW), oldRSs: [rs("foo-v1", 3, OLD)], want: { "foo-v2": 4, "foo-v1": 6 } },
  { name: "proportional scaling: 5 -> 3", d: newDeployment(3), old: newDeployment(5), newRS: rs("foo-v2", 2, NEW), oldRSs: [rs("foo-v1", 3, OLD)], want: { "foo-v2": 1, "foo-v1": 2 } },
  { name: "proportional scaling: 9 -> 4", d: newDeployment(4), old: newDeployment(9), newRS: rs("foo-v2", 8, NEW), oldRSs: [rs("foo-v1", 1, OLD)], want: { "foo-v2": 4, "foo-v1": 0 } },
  { name: "proportional scaling: 7 -> 10", d: newDeployment(10), old: newDeployment(7), newRS: rs("foo-v3", 2, NEW), oldRSs: [rs("foo-v2", 3, OLD), rs("foo-v1", 2, OLDER)], want: { "foo-v3": 3, "foo-v2": 4, "foo-v1": 3 } },
  { name: "proportional scaling: 13 -> 8", d: newDeployment(8), old: newDeployment(13), newRS: rs("foo-v3", 2, NEW), oldRSs: [rs("foo-v2", 8, OLD), rs("foo-v1", 3, OLDER)], want: { "foo-v3": 1, "foo-v2": 5, "foo-v1": 2 } },
  { name: "leftover distribution: 3 -> 4", d: newDeployment(4), old: newDeployment(3), newRS: rs("foo-v3", 1, NEW), oldRSs: [rs("foo-v2", 1, OLD), rs("foo-v1", 1, OLDER)], want: { "foo-v3": 2, "foo-v2": 1, "foo-v1": 1 } },
  { name: "leftover distribution: 3 -> 2", d: newDeployment(2), old: newDeployment(3), newRS: rs("foo-v3", 1, NEW), oldRSs: [rs("foo-v2", 1, OLD), rs("foo-v1", 1, OLDER)], want: { "foo-v3": 1, "foo-v2": 1, "foo-v1": 0 } },
  { name: "proportional scaling (no new rs): 4 -> 5", d: newDeployment(5), old: newDeployment(4), oldRSs: [rs("foo-v2", 2, OLD), rs("foo-v1", 2, OLDER)], want: { "foo-v2": 3, "foo-v1": 2 } },
  { name: "proportional scaling: 6 -> 0", d: newDeployment(0), old: newDeployment(6), newRS: rs("foo-v3", 3, NEW), oldRSs: [rs("foo-v2", 2, OLD), rs("foo-v1", 1, OLDER)], want: { "foo-v3": 0, "foo-v2": 0, "foo-v1": 0 } },
  { name: "proportional scaling: 0 -> 6", d: newDeployment(6), old: newDeployment(6), newRS: rs("foo-v3", 0, NEW), oldRSs: [rs("foo-v2", 0, OLD), rs("foo-v1", 0, OLDER)], want: { "foo-v3": 6, "foo-v2": 0, "foo-v1": 0 }, wasntUpdated: ["foo-v2", "foo-v1"] },
  { name: "failed rs update", d: newDeployment(5), old: newDeployment(5), newRS: rs("foo-v3", 2, NEW), oldRSs: [rs("foo-v2", 1, OLD), rs("foo-v1", 1, OLDER)], want: { "foo-v3": 2, "foo-v2": 2, "foo-v1": 1 }, wasntUpdated: ["foo-v3", "foo-v1"], desired: { "foo-v2": 3 } },
  { name: "deployment with surge pods", d: newDeployment(20, 2), old: newDeployment(10, 2), newRS: rs("foo-v2", 6, NEW), oldRSs: [rs("foo-v1", 6, OLD)], want: { "foo-v2": 11, "foo-v1": 11 } },
  { name: "change both surge and size", d: newDeployment(50, 6), old: newDeployment(10, 3), newRS: rs("foo-v2", 5, NEW), oldRSs: [rs("foo-v1", 8, OLD)], want: { "foo-v2": 22, "foo-v1": 34 } },
  { name: "change both size and template", d: newDeployment(14, 0, 0, undefined, true), old: newDeployment(10), oldRSs: [rs("foo-v2", 7, NEW), rs("foo-v1", 3, OLD)], want: { "foo-v2": 10, "foo-v1": 4 } },
  { name: "saturated but broken new replica set does not affect old pods", d: newDeployment(2, 1, 1), old: newDeployment(2, 1, 1), newRS: rs("foo-v2", 2, NEW, { available: 0 }), oldRSs: [rs("foo-v1", 1, OLD)], want: { "foo-v2": 2, "foo-v1": 1 } },
];

describe("TestScale", () => {
  for (const row of scaleRows) {
    it(row.name, () => {
      const desiredOf = (r: ReplicaSet) => row.desired?.[r.metadata!.name!] ?? row.old.spec!.replicas!;
      const newRS = row.newRS && annotated(row.newRS, desiredOf(row.newRS), row.old);
      const oldRSs = row.oldRSs.map((r) => annotated(r, desiredOf(r), row.old));
      const size = new Map([...(newRS ? [newRS] : []), ...oldRSs].map((r) => [r.metadata!.name!, r.spec!.replicas!]));
      for (const a of proportionalScale(row.d, newRS, oldRSs)) if (!row.wasntUpdated?.includes(a.rs)) size.set(a.rs, a.replicas);
      expect(Object.fromEntries(size)).toEqual(row.want);
    });
  }
});

/** newRSWithStatus(name, specReplicas, statusReplicas, selector) */
const withStatus = (name: string, spec: number, status: number, deleting = false): ReplicaSet =>
  ({ metadata: { name, namespace: "default", ...(deleting ? { deletionTimestamp: "2016-05-20T00:00:00Z" } : {}) }, spec: { replicas: spec, selector: { matchLabels: { foo: "bar" } }, template: {} }, status: { replicas: status } });

describe("TestDeploymentController_cleanupDeployment", () => {
  const rows: [ReplicaSet[], number, number][] = [
    [[withStatus("foo-1", 0, 0), withStatus("foo-2", 0, 0), withStatus("foo-3", 0, 0)], 1, 2],
    // only the ReplicaSet with spec.replicas = status.replicas = 0 is deleted
    [[withStatus("foo-1", 0, 0), withStatus("foo-2", 0, 1), withStatus("foo-3", 1, 0), withStatus("foo-4", 1, 1)], 0, 1],
    [[withStatus("foo-1", 0, 0), withStatus("foo-2", 0, 0)], 0, 2],
    [[withStatus("foo-1", 1, 1), withStatus("foo-2", 1, 1)], 0, 0],
    [[withStatus("foo-1", 0, 0, true)], 0, 0],
    // unlimited revisionHistoryLimit
    [[withStatus("foo-1", 0, 0), withStatus("foo-2", 0, 0), withStatus("foo-3", 0, 0)], MAX_INT32, 0],
  ];
  rows.forEach(([oldRSs, limit, deletions], i) => {
    it(`scenario ${i}: revisionHistoryLimit ${limit} deletes ${deletions}`, () => {
      expect(cleanupOldReplicaSets(newDeployment(1, 0, 0, limit), oldRSs)).toHaveLength(deletions);
    });
  });
});

describe("TestDeploymentController_cleanupDeploymentOrder", () => {
  const T = Date.parse("2026-01-01T00:00:00Z");
  /** newRSWithRevisionAndCreationTimestamp: created minutes after now, status.replicas = spec.replicas */
  const rev = (name: string, replicas: number, minutes: number, revision: string): ReplicaSet => ({
    metadata: { name, namespace: "default", creationTimestamp: new Date(T + minutes * 60_000).toISOString().replace(".000Z", "Z"), ...(revision !== "" ? { annotations: { "deployment.kubernetes.io/revision": revision } } : {}) },
    spec: { replicas, selector: { matchLabels: { foo: "bar" } }, template: {} }, status: { replicas },
  });
  const rows: [string, ReplicaSet[], number, string[]][] = [
    ["revision order: rs1 < rs2, delete rs1", [rev("foo-1", 0, -1, "1"), rev("foo-2", 0, 0, "2")], 1, ["foo-1"]],
    ["revision order: rs2 < rs1, delete rs2", [rev("foo-1", 0, -1, "2"), rev("foo-2", 0, 0, "1")], 1, ["foo-2"]],
    ["rs1 has revision but rs2 doesn't have revision, delete rs2", [rev("foo-1", 0, -1, "1"), rev("foo-2", 0, 0, "")], 1, ["foo-2"]],
    ["rs1 doesn't have revision while rs2 has revision, delete rs1", [rev("foo-1", 0, -1, ""), rev("foo-2", 0, 0, "2")], 1, ["foo-1"]],
    ["revision order: rs1 < rs2 < r3, but rs1 has replicas, delete rs2", [rev("foo-1", 1, -1, "1"), rev("foo-2", 0, 0, "2"), rev("foo-3", 0, 1, "3")], 1, ["foo-2"]],
    ["revision order: rs1 < rs2 < r3, both rs1 && rs2 have replicas, don't delete", [rev("foo-1", 1, -1, "1"), rev("foo-2", 1, 0, "2"), rev("foo-3", 0, 1, "3")], 1, []],
    ["revision order: rs2 < rs4 < rs1 < rs3, delete rs2 && rs4", [rev("foo-1", 0, -1, "3"), rev("foo-2", 0, 0, "1"), rev("foo-3", 0, 1, "4"), rev("foo-4", 0, 2, "2")], 2, ["foo-2", "foo-4"]],
  ];
  for (const [name, oldRSs, limit, want] of rows) it(name, () => expect([...cleanupOldReplicaSets(newDeployment(1, 0, 0, limit), oldRSs)].sort()).toEqual(want));
});
