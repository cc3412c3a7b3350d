// component-helpers scheduling/corev1/nodeaffinity/nodeaffinity_test.go (the stored copy of the v1.3x line), row by
// row: TestPodMatchesNodeSelectorAndAffinityTerms (GetRequiredNodeAffinity(pod).Match: the nodeSelector and the
// required node affinity) and the matching rows of TestNodeSelectorMatch. Left out: the rows whose selector does not
// parse (NewNodeSelector's ErrorList; podflow's matcher answers no match and reports no error) and
// TestPreferredSchedulingTermsScore, TestNodeSelectorRequirementsAsSelector (no function of their shape).

import { describe, expect, it } from "vitest";
import type { Node, NodeSelector, NodeSelectorRequirement, Pod } from "kubernetes-types/core/v1";
import { matchesNodeSelector, requiredNodeAffinityMatches } from "./labels.js";

const required = (...terms: { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }[] | [null]): Pod => ({
  spec: { containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms[0] === null ? (null as unknown as []) : (terms as NodeSelector["nodeSelectorTerms"]) } } } },
});
const expr = (key: string, operator: string, values?: string[]): NodeSelectorRequirement => ({ key, operator, ...(values ? { values } : {}) });
const nameIn = (...values: string[]) => expr("metadata.name", "In", values);

describe("TestPodMatchesNodeSelectorAndAffinityTerms", () => {
  const rows: [string, Pod, Record<string, string> | undefined, string, boolean][] = [
    ["no selector", {}, undefined, "", true],
    ["missing labels", { spec: { containers: [], nodeSelector: { foo: "bar" } } }, undefined, "", false],
    ["same labels", { spec: { containers: [], nodeSelector: { foo: "bar" } } }, { foo: "bar" }, "", true],
    ["node labels are superset", { spec: { containers: [], nodeSelector: { foo: "bar" } } }, { foo: "bar", baz: "blah" }, "", true],
    ["node labels are subset", { spec: { containers: [], nodeSelector: { foo: "bar", baz: "blah" } } }, { foo: "bar" }, "", false],
    ["Pod with matchExpressions using In operator that matches the existing node", required({ matchExpressions: [expr("foo", "In", ["bar", "value2"])] }), { foo: "bar" }, "", true],
    ["Pod with matchExpressions using Gt operator that matches the existing node", required({ matchExpressions: [expr("kernel-version", "Gt", ["0204"])] }), { "kernel-version": "0206" }, "", true],
    ["Pod with matchExpressions using NotIn operator that matches the existing node", required({ matchExpressions: [expr("mem-type", "NotIn", ["DDR", "DDR2"])] }), { "mem-type": "DDR3" }, "", true],
    ["Pod with matchExpressions using Exists operator that matches the existing node", required({ matchExpressions: [expr("GPU", "Exists")] }), { GPU: "NVIDIA-GRID-K1" }, "", true],
    ["Pod with affinity that don't match node's labels won't schedule onto the node", required({ matchExpressions: [expr("foo", "In", ["value1", "value2"])] }), { foo: "bar" }, "", false],
    ["Pod with a nil []NodeSelectorTerm in affinity, can't match the node's labels and won't schedule onto the node", required(null), { foo: "bar" }, "", false],
    ["Pod with an empty []NodeSelectorTerm in affinity, can't match the node's labels and won't schedule onto the node", required(), { foo: "bar" }, "", false],
    ["Pod with empty MatchExpressions is not a valid value will match no objects and won't schedule onto the node", required({ matchExpressions: [] }), { foo: "bar" }, "", false],
    ["Pod with no Affinity will schedule onto a node", {}, { foo: "bar" }, "", true],
    ["Pod with Affinity but nil NodeSelector will schedule onto a node", { spec: { containers: [], affinity: { nodeAffinity: {} } } }, { foo: "bar" }, "", true],
    ["Pod with multiple matchExpressions ANDed that matches the existing node", required({ matchExpressions: [expr("GPU", "Exists"), expr("GPU", "NotIn", ["AMD", "INTER"])] }), { GPU: "NVIDIA-GRID-K1" }, "", true],
    ["Pod with multiple matchExpressions ANDed that doesn't match the existing node", required({ matchExpressions: [expr("GPU", "Exists"), expr("GPU", "In", ["AMD", "INTER"])] }), { GPU: "NVIDIA-GRID-K1" }, "", false],
    ["Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will schedule onto the node",
      required({ matchExpressions: [expr("foo", "In", ["bar", "value2"])] }, { matchExpressions: [expr("diffkey", "In", ["wrong", "value2"])] }), { foo: "bar" }, "", true],
    ["Pod with an Affinity and a PodSpec.NodeSelector both are satisfied, will schedule onto the node",
      { spec: { containers: [], nodeSelector: { foo: "bar" }, affinity: required({ matchExpressions: [expr("foo", "Exists")] }).spec!.affinity } }, { foo: "bar" }, "", true],
    ["Pod with an Affinity matches node's labels but the PodSpec.NodeSelector is not satisfied, won't schedule onto the node",
      { spec: { containers: [], nodeSelector: { foo: "bar" }, affinity: required({ matchExpressions: [expr("foo", "Exists")] }).spec!.affinity } }, { foo: "barrrrrr" }, "", false],
    ["Pod with an invalid value in Affinity term won't be scheduled onto the node", required({ matchExpressions: [expr("foo", "NotIn", ["invalid value: ___@#$%^"])] }), { foo: "bar" }, "", false],
    ["Pod with matchFields using In operator that matches the existing node", required({ matchFields: [nameIn("node_1")] }), undefined, "node_1", true],
    ["Pod with matchFields using In operator that does not match the existing node", required({ matchFields: [nameIn("node_1")] }), undefined, "node_2", false],
    ["Pod with two terms: matchFields does not match, but matchExpressions matches", required({ matchFields: [nameIn("node_1")] }, { matchExpressions: [expr("foo", "In", ["bar"])] }), { foo: "bar" }, "node_2", true],
    ["Pod with one term: matchFields does not match, but matchExpressions matches", required({ matchFields: [nameIn("node_1")], matchExpressions: [expr("foo", "In", ["bar"])] }), { foo: "bar" }, "node_2", false],
    ["Pod with one term: both matchFields and matchExpressions match", required({ matchFields: [nameIn("node_1")], matchExpressions: [expr("foo", "In", ["bar"])] }), { foo: "bar" }, "node_1", true],
    ["Pod with two terms: both matchFields and matchExpressions do not match", required({ matchFields: [nameIn("node_1")] }, { matchExpressions: [expr("foo", "In", ["not-match-to-bar"])] }), { foo: "bar" }, "node_2", false],
  ];
  it.each(rows)("%s", (_name, pod, labels, nodeName, want) => {
    const node: Node = { metadata: { name: nodeName, ...(labels ? { labels } : {}) } };
    expect(requiredNodeAffinityMatches(pod, node)).toBe(want);
  });
});

describe("TestNodeSelectorMatch (the rows whose selector parses)", () => {
  const rows: [string, NodeSelector, Node, boolean][] = [
    ["node matches field selector, but not labels", { nodeSelectorTerms: [{ matchExpressions: [expr("label_1", "In", ["label_1_val"])], matchFields: [nameIn("host_1")] }] }, { metadata: { name: "host_1" } }, false],
    ["node matches field selector and label selector", { nodeSelectorTerms: [{ matchExpressions: [expr("label_1", "In", ["label_1_val"])], matchFields: [nameIn("host_1")] }] },
      { metadata: { name: "host_1", labels: { label_1: "label_1_val" } } }, true],
    ["second term matches", { nodeSelectorTerms: [{ matchExpressions: [expr("label_1", "In", ["label_1_val"])] }, { matchFields: [nameIn("host_1")] }] }, { metadata: { name: "host_1" } }, true],
  ];
  it.each(rows)("%s", (_name, selector, node, want) => {
    expect(matchesNodeSelector(selector, node)).toBe(want);
  });
});
