// TestNodeAffinityPriority and Test_isSchedulableAfterNodeChange
// (pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go, v1.35), row by row. Left out: the
// rows with NodeAffinityArgs.AddedAffinity (podflow's plugin takes no args), the broken-affinity PreScore
// error row (the API server refuses such a pod), the first row (it calls Score without PreScore, which
// podflow's framework never does; the next row checks the same pod's PreScore Skip), and the two
// wrong-object rows of the hint table (podflow's hints are typed).
import { describe, expect, it } from "vitest";
import type { Affinity, Node, Pod } from "kubernetes-types/core/v1";
import { newNodeInfo } from "../../framework.js";
import { isSchedulableAfterNodeChange, NodeAffinity } from "./index.js";

const label1 = { foo: "bar" }, label2 = { key: "value" }, label3 = { az: "az1" }, label4 = { abc: "az11", def: "az22" };
const label5 = { foo: "bar", key: "value", az: "az1" };
const term = (...exprs: [string, string][]) => ({ matchExpressions: exprs.map(([key, v]) => ({ key, operator: "In", values: [v] })) });
const affinity1: Affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 2, preference: term(["foo", "bar"]) }] } };
const affinity2: Affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
  { weight: 2, preference: term(["foo", "bar"]) }, { weight: 4, preference: term(["key", "value"]) },
  { weight: 5, preference: term(["foo", "bar"], ["key", "value"], ["az", "az1"]) },
] } };
const pod = (affinity?: Affinity): Pod => ({ metadata: { name: "p", annotations: {} }, spec: { containers: [], affinity } });
const node = (name: string, labels: Record<string, string>): Node => ({ metadata: { name, labels } });

function run(p: Pod, nodes: Node[]): Record<string, number> | "skip" {
  const infos = nodes.map((n) => newNodeInfo(n, []));
  const state = new Map();
  if (NodeAffinity.preScore(state, p) === "Skip") return "skip";
  const scores = infos.map((ni) => ({ name: ni.node.metadata!.name!, score: NodeAffinity.score(state, p, ni) }));
  NodeAffinity.normalize?.(state, p, scores);
  return Object.fromEntries(scores.map((s) => [s.name, s.score]));
}

describe("TestNodeAffinityPriority", () => {
  const rows: [string, Pod, Node[], Record<string, number> | "skip"][] = [
    ["Skip is returned in PreScore when NodeAffinity is nil", pod(), [node("node1", label1)], "skip"],
    ["no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' priority is zero", pod(affinity1),
      [node("node1", label4), node("node2", label2), node("node3", label3)], { node1: 0, node2: 0, node3: 0 }],
    ["only node1 matches the preferred scheduling requirements of pod", pod(affinity1),
      [node("node1", label1), node("node2", label2), node("node3", label3)], { node1: 100, node2: 0, node3: 0 }],
    ["all nodes matches the preferred scheduling requirements of pod but with different priorities ", pod(affinity2),
      [node("node1", label1), node("node5", label5), node("node2", label2)], { node1: 18, node5: 100, node2: 36 }],
    ["calculate the priorities correctly even if PreScore is not called", pod(affinity2),
      [node("node1", label1), node("node5", label5), node("node2", label2)], { node1: 18, node5: 100, node2: 36 }],
  ];
  it.each(rows)("%s", (_n, p, nodes, want) => expect(run(p, nodes)).toEqual(want));
});

describe("Test_isSchedulableAfterNodeChange", () => {
  // st.MakePod().NodeAffinityIn("foo", ["bar"], NodeSelectorTypeMatchExpressions): one required term
  const withAffinity: Pod = { metadata: { name: "p" }, spec: { containers: [], affinity: { nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term(["foo", "bar"])] } } } } };
  const n = (labels?: Record<string, string>): Node => ({ metadata: { name: "", labels } });
  const rows: [string, Node | undefined, Node, boolean][] = [
    ["skip-queue-on-add", undefined, n(), false],
    ["queue-on-add", undefined, n({ foo: "bar" }), true],
    ["skip-unrelated-changes", n(), { ...n(), status: { capacity: {} } }, false],
    ["skip-unrelated-changes-on-labels", n(), n({ k: "v" }), false],
    ["skip-labels-changes-on-node-from-suitable-to-unsuitable", n({ foo: "bar" }), n({ k: "v" }), false],
    ["queue-on-labels-change-makes-pod-schedulable", n(), n({ foo: "bar" }), true],
  ];
  it.each(rows)("%s", (_n, old, cur, want) => expect(isSchedulableAfterNodeChange(withAffinity, old, cur)).toBe(want));
});
