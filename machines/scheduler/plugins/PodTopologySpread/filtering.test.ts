// TestSingleConstraint and TestMultipleConstraints of pkg/scheduler/framework/plugins/podtopologyspread/
// filtering_test.go, row by row: PreFilter over the snapshot, then each node's Filter status code.
import { describe, expect, it } from "vitest";
import type { Node, Pod, TopologySpreadConstraint } from "kubernetes-types/core/v1";
import { newNodeInfo } from "../../framework.js";
import { PodTopologySpread } from "./index.js";

type Code = "Success" | "Unschedulable" | "UnschedulableAndUnresolvable";
const node = (name: string, labels: Record<string, string>): Node => ({ metadata: { name, labels }, status: { allocatable: { pods: "110" } } });
const fourNodes = () => [
  node("node-a", { zone: "zone1", node: "node-a" }), node("node-b", { zone: "zone1", node: "node-b" }),
  node("node-x", { zone: "zone2", node: "node-x" }), node("node-y", { zone: "zone2", node: "node-y" }),
];
const exists = (key: string) => ({ matchExpressions: [{ key, operator: "Exists" }] });
const spread = (maxSkew: number, topologyKey: string, key: string): TopologySpreadConstraint => ({ maxSkew, topologyKey, whenUnsatisfiable: "DoNotSchedule", labelSelector: exists(key) });
const incoming = (labels: string[], constraints: TopologySpreadConstraint[], extra: Partial<NonNullable<Pod["spec"]>> = {}): Pod => ({
  metadata: { name: "p", namespace: "default", uid: "uid-p", labels: Object.fromEntries(labels.map((l) => [l, ""])) },
  spec: { containers: [], topologySpreadConstraints: constraints, ...extra },
});
/** st.MakePod().Name(name).Node(nodeName).Label(l, "")...: a pod bound to a node. */
const on = (name: string, nodeName: string, labels: string[] = ["foo"], meta: { namespace?: string; terminating?: boolean } = {}): Pod => ({
  metadata: { name, namespace: meta.namespace ?? "default", uid: `uid-${name}`, labels: Object.fromEntries(labels.map((l) => [l, ""])), ...(meta.terminating ? { deletionTimestamp: "2025-01-01T00:00:00Z" } : {}) },
  spec: { nodeName, containers: [] },
  status: { phase: "Running" },
});
const spread2103 = () => [on("p-a1", "node-a"), on("p-a2", "node-a"), on("p-b1", "node-b"), on("p-y1", "node-y"), on("p-y2", "node-y"), on("p-y3", "node-y")];

function codes(pod: Pod, nodes: Node[], pods: Pod[]): Record<string, Code> {
  const infos = nodes.map((n) => newNodeInfo(n, pods.filter((p) => p.spec?.nodeName === n.metadata!.name)));
  const state = new Map();
  const pre = PodTopologySpread.preFilter?.(state, pod, infos, {});
  // the Go test requires PreFilter to succeed (every row has a DoNotSchedule constraint: no Skip)
  expect(pre === undefined || (pre !== "Skip" && pre.code === "Success")).toBe(true);
  return Object.fromEntries(infos.map((ni) => [ni.node.metadata!.name!, PodTopologySpread.filter(state, pod, ni).code as Code]));
}

const S: Code = "Success";
const U: Code = "Unschedulable";
const UU: Code = "UnschedulableAndUnresolvable";

describe("TestSingleConstraint", () => {
  const rows: [string, Pod, Node[], Pod[], Code[]][] = [
    ["no existing pods", incoming(["foo"], [spread(1, "zone", "foo")]), fourNodes(), [], [S, S, S, S]],
    ["no existing pods, incoming pod doesn't match itself", incoming(["foo"], [spread(1, "zone", "bar")]), fourNodes(), [], [S, S, S, S]],
    ["existing pods in a different namespace do not count", incoming(["foo"], [spread(1, "zone", "foo")]), fourNodes(),
      [on("p-a1", "node-a", ["foo"], { namespace: "ns1" }), on("p-b1", "node-a", ["foo"], { namespace: "ns2" }), on("p-x1", "node-x"), on("p-y1", "node-y")], [S, S, U, U]],
    ["pods spread across zones as 3/3, all nodes fit", incoming(["foo"], [spread(1, "zone", "foo")]), fourNodes(), spread2103(), [S, S, S, S]],
    ["pods spread across zones as 1/2 due to absence of label 'zone' on node-b", incoming(["foo"], [spread(1, "zone", "foo")]),
      [node("node-a", { zone: "zone1", node: "node-a" }), node("node-b", { zon: "zone1", node: "node-b" }), node("node-x", { zone: "zone2", node: "node-x" }), node("node-y", { zone: "zone2", node: "node-y" })],
      [on("p-a1", "node-a"), on("p-b1", "node-b"), on("p-x1", "node-x"), on("p-y1", "node-y")], [S, UU, U, U]],
    ["pod cannot be scheduled as all nodes don't have label 'rack'", incoming(["foo"], [spread(1, "rack", "foo")]),
      [node("node-a", { zone: "zone1", node: "node-a" }), node("node-x", { zone: "zone2", node: "node-x" })], [], [UU, UU]],
    ["pods spread across nodes as 2/1/0/3, only node-x fits", incoming(["foo"], [spread(1, "node", "foo")]), fourNodes(), spread2103(), [U, U, S, U]],
    ["pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit", incoming(["foo"], [spread(2, "node", "foo")]), fourNodes(), spread2103(), [U, S, S, U]],
    ["pods spread across nodes as 2/1/0/3, but pod doesn't match itself", incoming(["bar"], [spread(1, "node", "foo")]), fourNodes(), spread2103(), [U, S, S, U]],
    ["incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits",
      incoming(["foo"], [spread(1, "node", "foo")], { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "node", operator: "In", values: ["node-a", "node-y"] }] }] } } } }),
      fourNodes(), spread2103(), [S, S, S, U]],
    ["terminating Pods should be excluded", incoming(["foo"], [spread(1, "node", "foo")]),
      [node("node-a", { node: "node-a" }), node("node-b", { node: "node-b" })], [on("p-a", "node-a", ["foo"], { terminating: true }), on("p-b", "node-b")], [S, U]],
  ];
  for (const [name, pod, nodes, pods, want] of rows) {
    it(name, () => expect(codes(pod, nodes, pods)).toEqual(Object.fromEntries(nodes.map((n, i) => [n.metadata!.name!, want[i]]))));
  }
});

describe("TestMultipleConstraints", () => {
  const zoneAndNode = (nodeKey = "foo") => [spread(1, "zone", "foo"), spread(1, "node", nodeKey)];
  const rows: [string, Pod, Node[], Pod[], Code[]][] = [
    ["two Constraints on zone and node, spreads = [3/3, 2/1/0/3]", incoming(["foo"], zoneAndNode()), fourNodes(), spread2103(), [U, U, S, U]],
    ["two Constraints on zone and node, spreads = [3/4, 2/1/0/4]", incoming(["foo"], zoneAndNode()), fourNodes(), [...spread2103(), on("p-y4", "node-y")], [U, U, U, U]],
    ["Constraints hold different labelSelectors, spreads = [1/0, 1/0/0/1]", incoming(["foo", "bar"], zoneAndNode("bar")), fourNodes(),
      [on("p-a1", "node-a", ["foo"]), on("p-y1", "node-y", ["bar"])], [U, U, S, U]],
    ["Constraints hold different labelSelectors, spreads = [1/0, 0/0/1/1]", incoming(["foo", "bar"], zoneAndNode("bar")), fourNodes(),
      [on("p-a1", "node-a", ["foo"]), on("p-x1", "node-x", ["bar"]), on("p-y1", "node-y", ["bar"])], [U, U, U, U]],
    ["Constraints hold different labelSelectors, spreads = [2/3, 1/0/0/1]", incoming(["foo", "bar"], zoneAndNode("bar")), fourNodes(),
      [on("p-a1", "node-a", ["foo"]), on("p-a2", "node-a", ["foo", "bar"]), on("p-y1", "node-y", ["foo"]), on("p-y2", "node-y", ["foo", "bar"]), on("p-y3", "node-y", ["foo"])], [U, S, U, U]],
    ["Constraints hold different labelSelectors but pod doesn't match itself on 'zone' constraint", incoming(["bar"], zoneAndNode("bar")), fourNodes(),
      [on("p-a1", "node-a", ["foo"]), on("p-x1", "node-x", ["bar"]), on("p-y1", "node-y", ["bar"])], [S, S, U, U]],
    ["two Constraints on zone and node, absence of label 'node' on node-x, spreads = [1/1, 1/0/0/1]", incoming(["foo"], zoneAndNode()),
      [node("node-a", { zone: "zone1", node: "node-a" }), node("node-b", { zone: "zone1", node: "node-b" }), node("node-x", { zone: "zone2" }), node("node-y", { zone: "zone2", node: "node-y" })],
      [on("p-a1", "node-a"), on("p-y3", "node-y")], [U, S, UU, U]],
  ];
  for (const [name, pod, nodes, pods, want] of rows) {
    it(name, () => expect(codes(pod, nodes, pods)).toEqual(Object.fromEntries(nodes.map((n, i) => [n.metadata!.name!, want[i]]))));
  }
});
