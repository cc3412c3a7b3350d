// TestNodeAffinity of pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go, row by row:
// the Filter status (and PreFilter's Skip) for a pod against a node with the row's name and labels.
// Left out: the AddedAffinity rows (plugin args podflow's profile does not take) and the
// PreFilterResult column (podflow's PreFilter returns no node names to narrow the search).
import { describe, expect, it } from "vitest";
import type { NodeSelectorTerm, Pod } from "kubernetes-types/core/v1";
import { newNodeInfo } from "../../framework.js";
import { failedSchedulingMessage, findNodesThatFit } from "../../semantics.js";
import { ErrReasonConflict, ErrReasonPod, NodeAffinity } from "./index.js";

const required = (terms: NodeSelectorTerm[], nodeSelector?: Record<string, string>): Pod => ({
  spec: { containers: [], ...(nodeSelector ? { nodeSelector } : {}), affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } },
});
const selector = (nodeSelector: Record<string, string>): Pod => ({ spec: { containers: [], nodeSelector } });
const expr = (key: string, operator: string, values?: string[]) => ({ key, operator, ...(values ? { values } : {}) });
const name = (...values: string[]) => ({ key: "metadata.name", operator: "In", values });

type Want = "Success" | "Unresolvable";
const rows: [string, Pod, Record<string, string>, string, Want, boolean?][] = [
  ["missing labels", selector({ foo: "bar" }), {}, "", "Unresolvable"],
  ["same labels", selector({ foo: "bar" }), { foo: "bar" }, "", "Success"],
  ["node labels are superset", selector({ foo: "bar" }), { foo: "bar", baz: "blah" }, "", "Success"],
  ["node labels are subset", selector({ foo: "bar", baz: "blah" }), { foo: "bar" }, "", "Unresolvable"],
  ["Pod with matchExpressions using In operator that matches the existing node", required([{ matchExpressions: [expr("foo", "In", ["bar", "value2"])] }]), { foo: "bar" }, "", "Success"],
  ["Pod with matchExpressions using Gt operator that matches the existing node", required([{ matchExpressions: [expr("kernel-version", "Gt", ["0204"])] }]), { "kernel-version": "0206" }, "", "Success"],
  ["Pod with matchExpressions using NotIn operator that matches the existing node", required([{ matchExpressions: [expr("mem-type", "NotIn", ["DDR", "DDR2"])] }]), { "mem-type": "DDR3" }, "", "Success"],
  ["Pod with matchExpressions using Exists operator that matches the existing node", required([{ matchExpressions: [expr("GPU", "Exists")] }]), { GPU: "NVIDIA-GRID-K1" }, "", "Success"],
  ["Pod with affinity that don't match node's labels won't schedule onto the node", required([{ matchExpressions: [expr("foo", "In", ["value1", "value2"])] }]), { foo: "bar" }, "", "Unresolvable"],
  ["Pod with empty MatchExpressions is not a valid value will match no objects and won't schedule onto the node", required([{ matchExpressions: [] }]), { foo: "bar" }, "", "Unresolvable"],
  ["Pod with no Affinity will schedule onto a node", { spec: { containers: [] } }, { foo: "bar" }, "", "Success", true],
  ["Pod with Affinity but nil NodeSelector will schedule onto a node", { spec: { containers: [], affinity: { nodeAffinity: {} } } }, { foo: "bar" }, "", "Success", true],
  ["Pod with multiple matchExpressions ANDed that matches the existing node", required([{ matchExpressions: [expr("GPU", "Exists"), expr("GPU", "NotIn", ["AMD", "INTER"])] }]), { GPU: "NVIDIA-GRID-K1" }, "", "Success"],
  ["Pod with multiple matchExpressions ANDed that doesn't match the existing node", required([{ matchExpressions: [expr("GPU", "Exists"), expr("GPU", "In", ["AMD", "INTER"])] }]), { GPU: "NVIDIA-GRID-K1" }, "", "Unresolvable"],
  ["Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will schedule onto the node",
    required([{ matchExpressions: [expr("foo", "In", ["bar", "value2"])] }, { matchExpressions: [expr("diffkey", "In", ["wrong", "value2"])] }]), { foo: "bar" }, "", "Success"],
  ["Pod with an Affinity and a PodSpec.NodeSelector both are satisfied, will schedule onto the node", required([{ matchExpressions: [expr("foo", "Exists")] }], { foo: "bar" }), { foo: "bar" }, "", "Success"],
  ["Pod with an Affinity matches node's labels but the PodSpec.NodeSelector is not satisfied, won't schedule onto the node", required([{ matchExpressions: [expr("foo", "Exists")] }], { foo: "bar" }), { foo: "barrrrrr" }, "", "Unresolvable"],
  ["Pod with an invalid value in Affinity term won't be scheduled onto the node", required([{ matchExpressions: [expr("foo", "NotIn", ["invalid value: ___@#$%^"])] }]), { foo: "bar" }, "", "Unresolvable"],
  ["Pod with matchFields using In operator that matches the existing node", required([{ matchFields: [name("node1")] }]), {}, "node1", "Success"],
  ["Pod with matchFields using In operator that does not match the existing node", required([{ matchFields: [name("node1")] }]), {}, "node2", "Unresolvable"],
  ["Pod with two terms: matchFields does not match, but matchExpressions matches", required([{ matchFields: [name("node1"), name("node2")] }, { matchExpressions: [expr("foo", "In", ["bar"])] }]), { foo: "bar" }, "node2", "Success"],
  ["Pod with one term: matchFields does not match, but matchExpressions matches", required([{ matchFields: [name("node1")], matchExpressions: [expr("foo", "In", ["bar"])] }]), { foo: "bar" }, "node2", "Unresolvable"],
  ["Pod with one term: both matchFields and matchExpressions match", required([{ matchFields: [name("node1")], matchExpressions: [expr("foo", "In", ["bar"])] }]), { foo: "bar" }, "node1", "Success"],
  ["Pod with two terms: both matchFields and matchExpressions do not match", required([{ matchFields: [name("node1")] }, { matchExpressions: [expr("foo", "In", ["not-match-to-bar"])] }]), { foo: "bar" }, "node2", "Unresolvable"],
  ["Pod with two terms of node.Name affinity", required([{ matchFields: [name("node1")] }, { matchFields: [name("node2")] }]), {}, "node2", "Success"],
  ["Pod with two conflicting mach field requirements (Filter)", required([{ matchFields: [name("node1"), name("node2")] }]), { foo: "bar" }, "node2", "Unresolvable"],
];

describe("TestNodeAffinity (PreFilter status)", () => {
  it("Pod with two conflicting mach field requirements: PreFilter is UnschedulableAndUnresolvable, the terms conflict", () => {
    const pod = required([{ matchFields: [name("node1"), name("node2")] }]);
    expect(NodeAffinity.preFilter(new Map(), pod)).toEqual({ code: "UnschedulableAndUnresolvable", plugin: "NodeAffinity", reasons: [ErrReasonConflict] });
  });
  it("terms each naming a node, or a term naming none, are no conflict", () => {
    expect(NodeAffinity.preFilter(new Map(), required([{ matchFields: [name("node1")] }, { matchFields: [name("node2")] }]))).toBeUndefined();
    expect(NodeAffinity.preFilter(new Map(), required([{ matchFields: [name("node1"), name("node2")] }, { matchExpressions: [expr("foo", "Exists")] }]))).toBeUndefined();
  });
});

describe("TestNodeAffinity (Filter)", () => {
  for (const [title, pod, labels, nodeName, want, skip] of rows) {
    it(title, () => {
      const ni = newNodeInfo({ metadata: { name: nodeName, labels } }, []);
      const state = new Map();
      const pre = NodeAffinity.preFilter(state, pod);
      expect(pre === "Skip").toBe(skip === true);
      const s = NodeAffinity.filter(state, pod, ni);
      expect(s).toEqual(want === "Success" ? { code: "Success" } : { code: "UnschedulableAndUnresolvable", plugin: "NodeAffinity", reasons: [ErrReasonPod] });
    });
  }
});

describe("a PreFilter conflict in the FailedScheduling message", () => {
  it("is FitError's PreFilter message for every node (framework/types.go FitError.Error)", () => {
    const nodes = ["node1", "node2"].map((n) => newNodeInfo({ metadata: { name: n, labels: {} }, status: { allocatable: { cpu: "1", memory: "1Gi", pods: "110" } } }, []));
    const pod: Pod = { metadata: { name: "p", namespace: "default", uid: "u" }, ...required([{ matchFields: [name("node1"), name("node2")] }]) };
    const r = findNodesThatFit(pod, nodes, 0);
    expect(r.feasible).toEqual([]);
    expect(failedSchedulingMessage(2, r.diagnosis)).toBe("0/2 nodes are available: pod affinity terms conflict.");
  });
});
