// Test_nodePlugin_Admit's rows for a node's own Node object and another's
// (plugin/pkg/admission/noderestriction/admission_test.go, "My node object" and "Other node object"):
// what a kubelet may register and update, with the label sets its helpers build.

import { describe, expect, it } from "vitest";
import { admitNodeRestriction, type NodeGraph, type UserInfo } from "./index.js";
import { resourceFor } from "../resources.js";

const mynode: UserInfo = { name: "system:node:mynode", groups: ["system:nodes"] };
const nodesR = resourceFor("", "nodes")!;
const graph: NodeGraph = { pod: () => undefined, podsOn: () => [], node: () => undefined };

const meta = { name: "mynode", uid: "mynode-uid" };
const mynodeObj = { metadata: meta };
const configSource = (name: string) => ({ configMap: { name, namespace: "bar", uid: `${name}UID`, kubeletConfigKey: "kubelet" } });
const mynodeObjConfigA = { metadata: meta, spec: { configSource: configSource("foo") } };
const mynodeObjConfigB = { metadata: meta, spec: { configSource: configSource("qux") } };
const mynodeObjTaintA = { metadata: meta, spec: { taints: [{ key: "mykey", value: "A" }] } };
const mynodeObjTaintB = { metadata: meta, spec: { taints: [{ key: "mykey", value: "B" }] } };
const othernodeObj = { metadata: { name: "othernode" } };

// the test's KubeletLabels() and KubeletLabelNamespaces() loops, written out
const kubeletLabels = [
  "kubernetes.io/hostname", "failure-domain.beta.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/region", "topology.kubernetes.io/zone",
  "topology.kubernetes.io/region", "beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type", "beta.kubernetes.io/os",
  "beta.kubernetes.io/arch", "kubernetes.io/os", "kubernetes.io/arch",
];
const allowed = ["foo", "example.com/foo", ...kubeletLabels, "kubelet.kubernetes.io/foo", "foo.kubelet.kubernetes.io/foo", "node.kubernetes.io/foo", "foo.node.kubernetes.io/foo"];
const forbidden = ["node-restriction.kubernetes.io/foo", "foo.node-restriction.kubernetes.io/foo", "other.kubernetes.io/foo", "other.k8s.io/foo"];
const withLabels = (node: any, keys: string[], value = "") => ({ ...node, metadata: { ...node.metadata, labels: { ...node.metadata.labels, ...Object.fromEntries(keys.map((k) => [k, value || "value"])) } } });
const setAllowed = (node: any, value = "") => withLabels(node, allowed, value);
const setForbidden = (node: any, value = "") => withLabels(node, forbidden, value);
const setAll = (node: any, value = "") => setForbidden(setAllowed(node, value), value);

type Op = "CREATE" | "UPDATE" | "DELETE";
const attrs = (obj: any, old: any, name: string, operation: Op, subresource = "") => ({ user: mynode, operation, r: nodesR, subresource, namespace: "", name, obj, old });
const sortedForbidden = "foo.node-restriction.kubernetes.io/foo, node-restriction.kubernetes.io/foo, other.k8s.io/foo, other.kubernetes.io/foo";

describe("NodeRestriction on a node's own Node and another's (Test_nodePlugin_Admit)", () => {
  it.each([
    ["allow create of my node", attrs(mynodeObj, undefined, "mynode", "CREATE"), ""],
    ["allow create of my node pulling name from object", attrs(mynodeObj, undefined, "", "CREATE"), ""],
    ["allow create of my node with taints", attrs(mynodeObjTaintA, undefined, "mynode", "CREATE"), ""],
    ["allow create of my node with labels", attrs(setAllowed(mynodeObj), undefined, "mynode", "CREATE"), ""],
    ["forbid create of my node with forbidden labels", attrs(setForbidden(mynodeObj), undefined, "mynode", "CREATE"), `is not allowed to set the following labels: ${sortedForbidden}`],
    ["allow update of my node", attrs(mynodeObj, mynodeObj, "mynode", "UPDATE"), ""],
    ["allow delete of my node", attrs(undefined, undefined, "mynode", "DELETE"), ""],
    ["allow update of my node status", attrs(mynodeObj, mynodeObj, "mynode", "UPDATE", "status"), ""],
    ["forbid create of my node with non-nil configSource", attrs(mynodeObjConfigA, undefined, "mynode", "CREATE"), "is not allowed to create pods with a non-nil configSource"],
    ["forbid update of my node: nil configSource to new non-nil configSource", attrs(mynodeObjConfigA, mynodeObj, "mynode", "UPDATE"), "update configSource to a new non-nil configSource"],
    ["forbid update of my node: non-nil configSource to new non-nil configSource", attrs(mynodeObjConfigB, mynodeObjConfigA, "mynode", "UPDATE"), "update configSource to a new non-nil configSource"],
    ["allow update of my node: non-nil configSource unchanged", attrs(mynodeObjConfigA, mynodeObjConfigA, "mynode", "UPDATE"), ""],
    ["allow update of my node: non-nil configSource to nil configSource", attrs(mynodeObj, mynodeObjConfigA, "mynode", "UPDATE"), ""],
    ["allow update of my node: no change to taints", attrs(mynodeObjTaintA, mynodeObjTaintA, "mynode", "UPDATE"), ""],
    ["allow update of my node: add allowed labels", attrs(setAllowed(mynodeObj), mynodeObj, "mynode", "UPDATE"), ""],
    ["allow update of my node: remove allowed labels", attrs(mynodeObj, setAllowed(mynodeObj), "mynode", "UPDATE"), ""],
    ["allow update of my node: modify allowed labels", attrs(setAllowed(mynodeObj, "b"), setAllowed(mynodeObj, "a"), "mynode", "UPDATE"), ""],
    ["allow update of my node: no change to labels", attrs(setAll(mynodeObj), setAll(mynodeObj), "mynode", "UPDATE"), ""],
    ["allow update of my node: add allowed labels while forbidden labels exist unmodified", attrs(setAll(mynodeObj), setForbidden(mynodeObj), "mynode", "UPDATE"), ""],
    ["allow update of my node: remove allowed labels while forbidden labels exist unmodified", attrs(setForbidden(mynodeObj), setAll(mynodeObj), "mynode", "UPDATE"), ""],
    ["forbid update of my node: add taints", attrs(mynodeObjTaintA, mynodeObj, "mynode", "UPDATE"), "is not allowed to modify taints"],
    ["forbid update of my node: remove taints", attrs(mynodeObj, mynodeObjTaintA, "mynode", "UPDATE"), "is not allowed to modify taints"],
    ["forbid update of my node: change taints", attrs(mynodeObjTaintA, mynodeObjTaintB, "mynode", "UPDATE"), "is not allowed to modify taints"],
    ["forbid update of my node: add labels", attrs(setForbidden(mynodeObj), mynodeObj, "mynode", "UPDATE"), `is not allowed to modify labels: ${sortedForbidden}`],
    ["forbid update of my node: remove labels", attrs(mynodeObj, setForbidden(mynodeObj), "mynode", "UPDATE"), `is not allowed to modify labels: ${sortedForbidden}`],
    ["forbid update of my node: change labels", attrs(setForbidden(mynodeObj, "new"), setForbidden(mynodeObj, "old"), "mynode", "UPDATE"), `is not allowed to modify labels: ${sortedForbidden}`],
    ["forbid create of other node", attrs(othernodeObj, undefined, "othernode", "CREATE"), "is not allowed to modify node"],
    ["forbid create of other node pulling name from object", attrs(othernodeObj, undefined, "", "CREATE"), "is not allowed to modify node"],
    ["forbid update of other node", attrs(othernodeObj, othernodeObj, "othernode", "UPDATE"), "is not allowed to modify node"],
    ["forbid delete of other node", attrs(undefined, undefined, "othernode", "DELETE"), "is not allowed to modify node"],
    ["forbid update of other node status", attrs(othernodeObj, othernodeObj, "othernode", "UPDATE", "status"), "is not allowed to modify node"],
  ] as const)("%s", (_name, req, err) => {
    const verdict = admitNodeRestriction(req as any, graph);
    if (err === "") expect(verdict).toBeUndefined();
    else expect(verdict?.message).toContain(err);
  });

  it("a refused registration names the node and lists every forbidden label, sorted, in Kubernetes' words", () => {
    expect(admitNodeRestriction(attrs(setAll(mynodeObj), undefined, "mynode", "CREATE") as any, graph)).toEqual({
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Forbidden", code: 403, details: { name: "mynode", kind: "nodes" },
      message: `nodes "mynode" is forbidden: node "mynode" is not allowed to set the following labels: ${sortedForbidden}`,
    });
  });
});
