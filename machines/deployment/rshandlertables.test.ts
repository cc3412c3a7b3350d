// Rows of pkg/controller/deployment/deployment_controller_test.go on the ReplicaSet event handlers:
// TestAddReplicaSet, TestAddReplicaSetOrphan, TestUpdateReplicaSet, TestUpdateReplicaSetOrphanWithNewLabels,
// TestUpdateReplicaSetChangeControllerRef, TestUpdateReplicaSetRelease, TestDeleteReplicaSet and
// TestDeleteReplicaSetOrphan. Each checks which Deployment keys one handler call queues: here the keys of
// the refs replicaSetEventTargets names (resolved as resolveControllerRef does: kind, name and uid) and,
// for an orphan, of deploymentsForReplicaSet. The Go helpers: newDeployment selects {foo: bar} and labels
// its template so; newReplicaSet copies the Deployment's labels and names it as controller.
import { describe, expect, it } from "vitest";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { OwnerReference } from "kubernetes-types/meta/v1";
import { deploymentControllerRef, deploymentsForReplicaSet, replicaSetEventTargets, type ReplicaSetEvent } from "./deployment.logic.js";

function newDeployment(name: string, selector: Record<string, string> = { foo: "bar" }): Deployment {
  return {
    apiVersion: "apps/v1", kind: "Deployment",
    metadata: { name, namespace: "default", uid: `${name}-uid` },
    spec: { replicas: 1, selector: { matchLabels: selector }, template: { metadata: { labels: { foo: "bar" } }, spec: { containers: [{ name: "foo", image: "foo/bar" }] } } },
  };
}
function newReplicaSet(d: Deployment, name: string): ReplicaSet {
  return {
    apiVersion: "apps/v1", kind: "ReplicaSet",
    metadata: { name, namespace: "default", uid: `${name}-uid`, resourceVersion: "1", labels: { foo: "bar" }, ownerReferences: [deploymentControllerRef(d)] },
    spec: { replicas: 1, selector: { matchLabels: { foo: "bar" } }, template: structuredClone(d.spec!.template) },
  };
}
const orphaned = (rs: ReplicaSet): ReplicaSet => ({ ...rs, metadata: { ...rs.metadata, ownerReferences: undefined } });
/** bumpResourceVersion */
const bumped = (rs: ReplicaSet): ReplicaSet => ({ ...rs, metadata: { ...rs.metadata, resourceVersion: String(Number(rs.metadata!.resourceVersion) + 1) } });

/** The keys one handler call queues, duplicates folded as the workqueue folds them. */
function queued(ev: ReplicaSetEvent, deployments: Deployment[]): string[] {
  const resolve = (ref: OwnerReference) => deployments.find((d) => ref.kind === "Deployment" && d.metadata!.name === ref.name && d.metadata!.uid === ref.uid);
  const t = replicaSetEventTargets(ev);
  const ds = [...t.refs.map(resolve), ...(t.orphan ? deploymentsForReplicaSet(ev.object, deployments) : [])];
  return [...new Set(ds.filter((d) => d !== undefined).map((d) => `${d.metadata!.namespace}/${d.metadata!.name}`))];
}

const d1 = newDeployment("d1"), d2 = newDeployment("d2");
const rs1 = newReplicaSet(d1, "rs1"), rs2 = newReplicaSet(d2, "rs2");

describe("addReplicaSet", () => {
  it("TestAddReplicaSet: a ReplicaSet with a controller ref queues that Deployment alone, though both select it", () => {
    expect(queued({ type: "ADDED", object: rs1 }, [d1, d2])).toEqual(["default/d1"]);
    expect(queued({ type: "ADDED", object: rs2 }, [d1, d2])).toEqual(["default/d2"]);
  });
  it("TestAddReplicaSetOrphan: an orphan queues the two Deployments whose selector matches it, not the third", () => {
    const d3 = newDeployment("d3", { foo: "notbar" });
    expect(queued({ type: "ADDED", object: orphaned(rs1) }, [d1, d2, d3])).toEqual(["default/d1", "default/d2"]);
  });
  it("a ReplicaSet already being deleted is handed to deleteReplicaSet: its controller only, an orphan nobody", () => {
    const deleting = { ...rs1, metadata: { ...rs1.metadata, deletionTimestamp: "2026-01-01T00:00:00Z" } };
    expect(queued({ type: "ADDED", object: deleting }, [d1, d2])).toEqual(["default/d1"]);
    expect(queued({ type: "ADDED", object: orphaned(deleting) }, [d1, d2])).toEqual([]);
  });
  it("a controller ref naming a Deployment of another uid resolves to nothing, and no orphan search follows", () => {
    const stale = { ...rs1, metadata: { ...rs1.metadata, ownerReferences: [{ ...deploymentControllerRef(d1), uid: "old-uid" }] } };
    expect(queued({ type: "ADDED", object: stale }, [d1, d2])).toEqual([]);
  });
});

describe("updateReplicaSet", () => {
  it("TestUpdateReplicaSet: a new version of an owned ReplicaSet queues its Deployment alone", () => {
    expect(queued({ type: "MODIFIED", old: rs1, object: bumped(rs1) }, [d1, d2])).toEqual(["default/d1"]);
    expect(queued({ type: "MODIFIED", old: rs2, object: bumped(rs2) }, [d1, d2])).toEqual(["default/d2"]);
  });
  it("the same resourceVersion (a resync) queues nothing", () => {
    expect(queued({ type: "MODIFIED", old: rs1, object: rs1 }, [d1, d2])).toEqual([]);
  });
  it("TestUpdateReplicaSetOrphanWithNewLabels: an orphan whose labels changed queues every Deployment matching it", () => {
    const rs = orphaned(rs1);
    const prev = { ...rs, metadata: { ...rs.metadata, labels: { foo: "notbar" } } };
    expect(queued({ type: "MODIFIED", old: prev, object: bumped(rs) }, [d1, d2])).toEqual(["default/d1", "default/d2"]);
  });
  it("an orphan updated with the same labels and no controller change queues nothing", () => {
    const rs = orphaned(rs1);
    expect(queued({ type: "MODIFIED", old: rs, object: bumped(rs) }, [d1, d2])).toEqual([]);
  });
  it("TestUpdateReplicaSetChangeControllerRef: a controller ref moved from d2 to d1 queues both", () => {
    const prev = { ...rs1, metadata: { ...rs1.metadata, ownerReferences: [deploymentControllerRef(d2)] } };
    expect(queued({ type: "MODIFIED", old: prev, object: bumped(rs1) }, [d1, d2])).toEqual(["default/d2", "default/d1"]);
  });
  it("TestUpdateReplicaSetRelease: a released ReplicaSet queues the Deployments matching the orphan", () => {
    expect(queued({ type: "MODIFIED", old: rs1, object: bumped(orphaned(rs1)) }, [d1, d2])).toEqual(["default/d1", "default/d2"]);
  });
});

describe("deleteReplicaSet", () => {
  it("TestDeleteReplicaSet: a deleted ReplicaSet queues its controller alone", () => {
    expect(queued({ type: "DELETED", object: rs1 }, [d1, d2])).toEqual(["default/d1"]);
    expect(queued({ type: "DELETED", object: rs2 }, [d1, d2])).toEqual(["default/d2"]);
  });
  it("TestDeleteReplicaSetOrphan: a deleted orphan queues nothing", () => {
    expect(queued({ type: "DELETED", object: orphaned(rs1) }, [d1, d2])).toEqual([]);
  });
});

describe("GetDeploymentsForReplicaSet (deployment_util.go)", () => {
  it("a ReplicaSet without labels has no Deployment, and an empty selector selects nothing here", () => {
    const bare = { ...orphaned(rs1), metadata: { ...orphaned(rs1).metadata, labels: undefined } };
    expect(deploymentsForReplicaSet(bare, [d1])).toEqual([]);
    const all = { ...d1, spec: { ...d1.spec!, selector: {} } };
    expect(deploymentsForReplicaSet(orphaned(rs1), [all])).toEqual([]);
  });
  it("a Deployment of another namespace is not one", () => {
    const elsewhere = { ...d1, metadata: { ...d1.metadata, namespace: "other" } };
    expect(deploymentsForReplicaSet(orphaned(rs1), [elsewhere, d2]).map((d) => d.metadata!.name)).toEqual(["d2"]);
  });
});
