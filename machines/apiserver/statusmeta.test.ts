import { describe, expect, it } from "vitest";
import { statusWriteMeta } from "./statusmeta.js";

const stored = { name: "x", labels: { a: "old" }, annotations: { n: "old" }, finalizers: ["old/f"], ownerReferences: [{ kind: "ReplicaSet", name: "rs", uid: "u1", apiVersion: "apps/v1" }] };
const given = { name: "x", labels: { a: "new" }, annotations: { n: "new" }, finalizers: ["new/f"] };

describe("statusWriteMeta: the metadata each status strategy's PrepareForUpdate lets a status write store", () => {
  it.each([
    // pkg/registry/core/node/strategy.go nodeStatusStrategy only restores the spec
    ["a Node keeps everything the client sent", "Node", given],
    // pkg/registry/core/pod/strategy.go podStatusStrategy: newPod.OwnerReferences = oldPod.OwnerReferences
    ["a Pod takes the client's labels, annotations and finalizers but keeps its ownerReferences", "Pod", { ...given, ownerReferences: stored.ownerReferences }],
    // pkg/registry/apps/deployment/strategy.go deploymentStatusStrategy: newDeployment.Labels = oldDeployment.Labels
    ["a Deployment keeps its labels only", "Deployment", { ...given, labels: stored.labels }],
    // the CRD status strategy restores labels, annotations and ownerReferences, not finalizers
    ["a CRD keeps its labels, annotations and ownerReferences", "CustomResourceDefinition", { ...given, labels: stored.labels, annotations: stored.annotations, ownerReferences: stored.ownerReferences }],
    // ResetObjectMetaForStatus
    ["a ValidatingAdmissionPolicy keeps labels, annotations, finalizers and ownerReferences", "ValidatingAdmissionPolicy", { ...given, labels: stored.labels, annotations: stored.annotations, finalizers: stored.finalizers, ownerReferences: stored.ownerReferences }],
  ])("%s", (_name, kind, want) => {
    expect(statusWriteMeta(kind, given, stored)).toEqual(want);
  });

  it("a field the stored object lacks is dropped from what the client sent (Go's nil)", () => {
    expect(statusWriteMeta("Deployment", { name: "x", labels: { a: "new" } }, { name: "x" })).toEqual({ name: "x" });
  });

  it("leaves its inputs unchanged", () => {
    const g = structuredClone(given);
    statusWriteMeta("Pod", g, stored);
    expect(g).toEqual(given);
  });
});
