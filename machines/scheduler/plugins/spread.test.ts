// TestDefaultSelector (pkg/scheduler/framework/plugins/helper/spread_test.go, v1.35), row by row: the
// Services and controllers in the listers, and the label set the pod's default selector equals.
import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { matchesRequirements, type Requirement } from "../../common/labels.js";
import { defaultSelector, type SpreadListers } from "./spread.js";

const ns = "test";
const service = { kind: "Service", metadata: { name: "test-service", namespace: ns }, spec: { selector: { podLabelKey: "podLabelVal" } } };
const replicaSet = { kind: "ReplicaSet", metadata: { name: "test-replicaset", namespace: ns }, spec: { selector: { matchLabels: { replicaSetLabelKey: "replicaSetLabelVal" } } } };
const rc = { kind: "ReplicationController", metadata: { name: "test-replicationcontroller", namespace: ns }, spec: { selector: { replicationLabelKey: "replicationLabelVal" } } };
const statefulSet = { kind: "StatefulSet", metadata: { name: "test-statefulset", namespace: ns }, spec: { selector: { matchLabels: { statefulSetLabelKey: "statefulSetLabelVal" } } } };

function listers(objs: any[]): SpreadListers {
  return {
    services: (n) => objs.filter((o) => o.kind === "Service" && o.metadata.namespace === n),
    controller: (kind, n, name) => objs.find((o) => o.kind === kind && o.metadata.namespace === n && o.metadata.name === name),
  };
}
const pod = (owner?: { apiVersion: string; kind: string; name: string }): Pod => ({
  metadata: { name: "test-pod", namespace: ns, labels: { podLabelKey: "podLabelVal" }, ...(owner ? { ownerReferences: [{ ...owner, uid: "u", controller: true }] } : {}) },
  spec: { containers: [] },
});
// labels.Set.String(): the requirements as sorted key=value pairs
const asSet = (reqs: Requirement[]) => Object.fromEntries(reqs.map((r) => { expect(["=", "in"]).toContain(r.operator); return [r.key, r.values[0]]; }));

describe("TestDefaultSelector", () => {
  it("DefaultSelector for default case", () => expect(asSet(defaultSelector(pod(), listers([])))).toEqual({}));
  it("DefaultSelector for no OwnerReference pod case", () => expect(asSet(defaultSelector(pod(), listers([service])))).toEqual({ podLabelKey: "podLabelVal" }));
  it("DefaultSelector for ReplicaSet OwnerReference pod case", () =>
    expect(asSet(defaultSelector(pod({ apiVersion: "apps/v1", kind: "ReplicaSet", name: "test-replicaset" }), listers([service, replicaSet]))))
      .toEqual({ podLabelKey: "podLabelVal", replicaSetLabelKey: "replicaSetLabelVal" }));
  it("DefaultSelector for ReplicationController OwnerReference pod case", () =>
    expect(asSet(defaultSelector(pod({ apiVersion: "v1", kind: "ReplicationController", name: "test-replicationcontroller" }), listers([service, replicaSet, rc]))))
      .toEqual({ podLabelKey: "podLabelVal", replicationLabelKey: "replicationLabelVal" }));
  it("DefaultSelector for StatefulSet OwnerReference pod case", () =>
    expect(asSet(defaultSelector(pod({ apiVersion: "apps/v1", kind: "StatefulSet", name: "test-statefulset" }), listers([service, replicaSet, rc, statefulSet]))))
      .toEqual({ podLabelKey: "podLabelVal", statefulSetLabelKey: "statefulSetLabelVal" }));
});

// spread.go itself: GetPodServices skips nil selectors and those that do not select the pod; a
// controller of another group/version (the gvk switch's default) adds nothing.
describe("DefaultSelector's Services and controllers", () => {
  it("a Service with no selector selects nothing, one whose selector the pod's labels miss is not the pod's", () => {
    const none = { kind: "Service", metadata: { name: "headless", namespace: ns }, spec: {} };
    const other = { kind: "Service", metadata: { name: "other", namespace: ns }, spec: { selector: { app: "other" } } };
    expect(defaultSelector(pod(), listers([none, other]))).toEqual([]);
  });
  it("a Service in another namespace is not listed for the pod", () => {
    const elsewhere = { ...service, metadata: { name: "test-service", namespace: "other" } };
    expect(defaultSelector(pod(), listers([elsewhere]))).toEqual([]);
  });
  it("an owner of another apiVersion is not a supported controller", () => {
    expect(asSet(defaultSelector(pod({ apiVersion: "extensions/v1beta1", kind: "ReplicaSet", name: "test-replicaset" }), listers([service, replicaSet])))).toEqual({ podLabelKey: "podLabelVal" });
  });
  it("a ReplicaSet's matchExpressions are added as requirements beside the Services' labels", () => {
    const rs = { ...replicaSet, spec: { selector: { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }] } } };
    const reqs = defaultSelector(pod({ apiVersion: "apps/v1", kind: "ReplicaSet", name: "test-replicaset" }), listers([service, rs]));
    expect(matchesRequirements(reqs, { podLabelKey: "podLabelVal", tier: "web" })).toBe(true);
    expect(matchesRequirements(reqs, { podLabelKey: "podLabelVal", tier: "db" })).toBe(false);
    expect(matchesRequirements(reqs, { tier: "web" })).toBe(false);
  });
});
