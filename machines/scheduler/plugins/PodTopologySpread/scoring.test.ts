// TestPodTopologySpreadScore (pkg/scheduler/framework/plugins/podtopologyspread/scoring_test.go, v1.35),
// row by row: the incoming pod, the pods on each node, the candidate nodes (which passed Filter) and
// the failed ones (counted, not scored), and the normalized scores Kubernetes expects. The table runs
// with DefaultingType System, as v1.35's default configuration does; the system-defaulting rows of
// TestPreScoreStateEmptyNodes and TestPreScoreSkip follow it.
import { describe, expect, it } from "vitest";
import type { Node, Pod, Taint, TopologySpreadConstraint } from "kubernetes-types/core/v1";
import { newNodeInfo } from "../../framework.js";
import { PodTopologySpread } from "./index.js";
import { type SpreadListers, SpreadListersKey } from "../spread.js";

const foo = { matchExpressions: [{ key: "foo", operator: "Exists" }] };
const bar = { matchExpressions: [{ key: "bar", operator: "Exists" }] };
const hostname = "kubernetes.io/hostname";
const anyway = (maxSkew: number, topologyKey: string, labelSelector: object | undefined, extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint =>
  ({ maxSkew, topologyKey, whenUnsatisfiable: "ScheduleAnyway", labelSelector, ...extra });
const incoming = (constraints: TopologySpreadConstraint[], labels: Record<string, string> = { foo: "" }, spec: Partial<Pod["spec"]> = {}): Pod =>
  ({ metadata: { name: "p", namespace: "default", uid: "p", labels }, spec: { containers: [], topologySpreadConstraints: constraints, ...spec } });
const node = (name: string, labels: Record<string, string>, taints?: Taint[]): Node => ({ metadata: { name, labels }, spec: { taints }, status: { allocatable: { pods: "110" } } });
const host = (name: string, extra: Record<string, string> = {}) => node(name, { [hostname]: name, ...extra });
const zoned = (name: string, zone: string) => node(name, { zone, [hostname]: name });
// "p-a1" on node-a, labelled foo unless told otherwise.
const on = (name: string, nodeName: string, labels: Record<string, string> = { foo: "" }, meta: object = {}): Pod =>
  ({ metadata: { name, namespace: "default", uid: name, labels, ...meta }, spec: { nodeName, containers: [] } });
const spread = (counts: Record<string, number>) => Object.entries(counts).flatMap(([n, c]) => Array.from({ length: c }, (_, i) => on(`p-${n}${i + 1}`, `node-${n}`)));

// The informers' objects (the test's objs): Services by namespace, controllers by kind, namespace and name.
function listers(objs: any[]): SpreadListers {
  return {
    services: (ns) => objs.filter((o) => o.kind === "Service" && (o.metadata?.namespace ?? "default") === ns),
    controller: (kind, ns, name) => objs.find((o) => o.kind === kind && (o.metadata?.namespace ?? "default") === ns && o.metadata?.name === name),
  };
}

function score(pod: Pod, existing: Pod[], nodes: Node[], failed: Node[] = [], objs: any[] = []): Record<string, number> {
  const infoOf = (n: Node) => newNodeInfo(n, existing.filter((p) => p.spec?.nodeName === n.metadata!.name));
  const feasible = nodes.map(infoOf);
  const all = [...feasible, ...failed.map(infoOf)];
  const state = new Map<string, unknown>([[SpreadListersKey, listers(objs)]]);
  expect(PodTopologySpread.preScore(state, pod, feasible, all)).toBeUndefined();
  const scores = feasible.map((ni) => ({ name: ni.node.metadata!.name!, score: PodTopologySpread.score(state, pod, ni) }));
  PodTopologySpread.normalize(state, pod, scores);
  return Object.fromEntries(scores.map((s) => [s.name, s.score]));
}

describe("TestPodTopologySpreadScore", () => {
  const four = [host("node-a"), host("node-b"), host("node-c"), host("node-d")];
  const rows: [string, Pod, Pod[], Node[], Node[], Record<string, number>][] = [
    ["one constraint on node, no existing pods", incoming([anyway(1, hostname, foo)]), [], [host("node-a"), host("node-b")], [], { "node-a": 100, "node-b": 100 }],
    ["one constraint on node, only one node is candidate", incoming([anyway(1, hostname, foo)]), spread({ a: 2, b: 1 }), [host("node-a")], [host("node-b")], { "node-a": 100 }],
    ["one constraint on node, all nodes have the same number of matching pods", incoming([anyway(1, hostname, foo)]), spread({ a: 1, b: 1 }), [host("node-a"), host("node-b")], [], { "node-a": 100, "node-b": 100 }],
    ["one constraint on node, all 4 nodes are candidates (2/1/0/3)", incoming([anyway(1, hostname, foo)]), spread({ a: 2, b: 1, d: 3 }), four, [],
      { "node-a": 20, "node-b": 60, "node-c": 100, "node-d": 0 }],
    ["one constraint on node, null selector", incoming([anyway(1, hostname, undefined)]), spread({ a: 2, b: 1, d: 3 }), four, [],
      { "node-a": 100, "node-b": 100, "node-c": 100, "node-d": 100 }],
    ["one constraint on node, all 4 nodes are candidates, maxSkew=2", incoming([anyway(2, hostname, foo)]), spread({ a: 2, b: 1, d: 3 }), four, [],
      { "node-a": 33, "node-b": 66, "node-c": 100, "node-d": 16 }],
    ["one constraint on node, all 4 nodes are candidates, maxSkew=3 (4/3/2/1)", incoming([anyway(3, hostname, foo)]), spread({ a: 4, b: 3, c: 2, d: 1 }), four, [],
      { "node-a": 44, "node-b": 66, "node-c": 77, "node-d": 100 }],
    ["one constraint on node, 3 out of 4 nodes are candidates (4/2/1/~3~)", incoming([anyway(1, hostname, foo)]), spread({ a: 4, b: 2, x: 1, y: 3 }),
      [host("node-a"), host("node-b"), host("node-x")], [host("node-y")], { "node-a": 33, "node-b": 83, "node-x": 100 }],
    ["one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match topology key", incoming([anyway(1, hostname, foo)]), spread({ a: 4, b: 2, x: 1, y: 3 }),
      [host("node-a"), node("node-b", { n: "node-b" }), host("node-x")], [host("node-y")], { "node-a": 16, "node-b": 0, "node-x": 100 }],
    ["one constraint on zone, 3 out of 4 nodes are candidates", incoming([anyway(1, "zone", foo)]), spread({ a: 4, b: 2, x: 1, y: 3 }),
      [zoned("node-a", "zone1"), zoned("node-b", "zone1"), zoned("node-x", "zone2")], [zoned("node-y", "zone2")], { "node-a": 75, "node-b": 75, "node-x": 100 }],
    ["two Constraints on zone and node, 2 out of 4 nodes are candidates (2/~1~/2/~4~)", incoming([anyway(1, "zone", foo), anyway(1, hostname, foo)]), spread({ a: 2, b: 1, x: 2, y: 4 }),
      [zoned("node-a", "zone1"), zoned("node-x", "zone2")], [zoned("node-b", "zone1"), zoned("node-y", "zone2")], { "node-a": 100, "node-x": 63 }],
    ["two Constraints on zone and node, with different labelSelectors", incoming([anyway(1, "zone", foo), anyway(1, hostname, bar)], { foo: "", bar: "" }),
      [on("p-a1", "node-a"), on("p-b1", "node-b", { foo: "", bar: "" }), on("p-y1", "node-y"), on("p-y2", "node-y", { bar: "" })],
      [zoned("node-a", "zone1"), zoned("node-b", "zone1"), zoned("node-x", "zone2"), zoned("node-y", "zone2")], [], { "node-a": 60, "node-b": 20, "node-x": 100, "node-y": 60 }],
    ["two Constraints on zone and node, with different labelSelectors, some nodes have 0 pods", incoming([anyway(1, "zone", foo), anyway(1, hostname, bar)], { foo: "", bar: "" }),
      [on("p-b1", "node-b", { bar: "" }), on("p-x1", "node-x"), on("p-y1", "node-y", { foo: "", bar: "" })],
      [zoned("node-a", "zone1"), zoned("node-b", "zone1"), zoned("node-x", "zone2"), zoned("node-y", "zone2")], [], { "node-a": 100, "node-b": 60, "node-x": 40, "node-y": 0 }],
    ["two Constraints on zone and node, with different labelSelectors, 3 out of 4 nodes are candidates", incoming([anyway(1, "zone", foo), anyway(1, hostname, bar)], { foo: "", bar: "" }),
      [on("p-a1", "node-a"), on("p-b1", "node-b", { foo: "", bar: "" }), on("p-y1", "node-y"), on("p-y2", "node-y", { bar: "" })],
      [zoned("node-a", "zone1"), zoned("node-b", "zone1"), zoned("node-x", "zone2")], [zoned("node-y", "zone2")], { "node-a": 50, "node-b": 25, "node-x": 100 }],
    ["existing pods in a different namespace do not count", incoming([anyway(1, hostname, foo)]),
      [on("p-a1", "node-a", { foo: "" }, { namespace: "ns1" }), on("p-a2", "node-a"), on("p-b1", "node-b"), on("p-b2", "node-b")], [host("node-a"), host("node-b")], [], { "node-a": 100, "node-b": 33 }],
    ["terminating Pods should be excluded", incoming([anyway(1, hostname, foo)]), [on("p-a", "node-a", { foo: "" }, { deletionTimestamp: "2025-01-01T00:00:00Z" }), on("p-b", "node-b")],
      [host("node-a"), host("node-b")], [], { "node-a": 100, "node-b": 0 }],
    ["minDomains has no effect when ScheduleAnyway", incoming([anyway(2, "node", foo, { minDomains: 10 })]), spread({ a: 2, b: 2, c: 1 }),
      [node("node-a", { node: "node-a" }), node("node-b", { node: "node-b" }), node("node-c", { node: "node-c" })], [], { "node-a": 75, "node-b": 75, "node-c": 100 }],
  ];
  it.each(rows)("%s", (_n, pod, existing, nodes, failed, want) => expect(score(pod, existing, nodes, failed)).toEqual(want));

  const three = (c: Taint[] | undefined) => [node("node-a", { node: "node-a", foo: "" }), node("node-b", { node: "node-b", foo: "" }), node("node-c", { node: "node-c" }, c)];
  const abc = spread({ a: 2, b: 1, c: 1 });
  const affinityIn = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "foo", operator: "In", values: [""] }] }] } } };
  const inclusion: [string, Pod, Node[], Record<string, number>][] = [
    ["NodeAffinityPolicy honored with labelSelectors", incoming([anyway(1, "node", foo)], { foo: "" }, { nodeSelector: { foo: "" } }), three(undefined), { "node-a": 0, "node-b": 33, "node-c": 100 }],
    ["NodeAffinityPolicy ignored with labelSelectors", incoming([anyway(1, "node", foo, { nodeAffinityPolicy: "Ignore" })], { foo: "" }, { nodeSelector: { foo: "" } }), three(undefined), { "node-a": 66, "node-b": 100, "node-c": 100 }],
    ["NodeAffinityPolicy honored with nodeAffinity", incoming([anyway(1, "node", foo)], { foo: "" }, { affinity: affinityIn }), three(undefined), { "node-a": 0, "node-b": 33, "node-c": 100 }],
    ["NodeAffinityPolicy ignored with nodeAffinity", incoming([anyway(1, "node", foo, { nodeAffinityPolicy: "Ignore" })], { foo: "" }, { affinity: affinityIn }), three(undefined), { "node-a": 66, "node-b": 100, "node-c": 100 }],
    ["NodeTaintsPolicy honored", incoming([anyway(1, "node", foo, { nodeTaintsPolicy: "Honor" })]), three([{ key: "node", value: "node-c", effect: "NoSchedule" }]), { "node-a": 0, "node-b": 33, "node-c": 100 }],
    ["NodeTaintsPolicy ignored", incoming([anyway(1, "node", foo)]), three([{ key: "node", value: "node-c", effect: "NoSchedule" }]), { "node-a": 66, "node-b": 100, "node-c": 100 }],
  ];
  it.each(inclusion)("%s", (_n, pod, nodes, want) => expect(score(pod, abc, nodes)).toEqual(want));

  it("matchLabelKeys ANDed with an empty labelSelector", () => {
    const pod = incoming([anyway(1, "zone", {}, { matchLabelKeys: ["foo"] }), anyway(1, hostname, {}, { matchLabelKeys: ["bar"] })], { foo: "", bar: "" });
    const existing = [on("p-a1", "node-a"), on("p-b1", "node-b", { foo: "", bar: "" }), on("p-y1", "node-c"), on("p-y2", "node-c", { bar: "" })];
    const nodes = [zoned("node-a", "zone1"), zoned("node-b", "zone1"), zoned("node-c", "zone2"), zoned("node-d", "zone2")];
    expect(score(pod, existing, nodes)).toEqual({ "node-a": 60, "node-b": 20, "node-c": 60, "node-d": 100 });
  });

  it("matchLabelKeys ANDed with a labelSelector that isn't empty", () => {
    const pod = incoming([anyway(1, "zone", foo), anyway(1, hostname, bar, { matchLabelKeys: ["baz"] })], { foo: "", bar: "", baz: "" });
    const existing = [on("p-a1", "node-a"), on("p-b1", "node-b", { foo: "", bar: "", baz: "" }), on("p-c1", "node-c"), on("p-c2", "node-c", { bar: "" }), on("p-d3", "node-c", { bar: "", baz: "" })];
    const nodes = [zoned("node-a", "zone1"), zoned("node-b", "zone1"), zoned("node-c", "zone2"), zoned("node-d", "zone2")];
    expect(score(pod, existing, nodes)).toEqual({ "node-a": 60, "node-b": 20, "node-c": 60, "node-d": 100 });
  });

  // "system defaulting, nodes don't have zone, pods match service": the pod has no constraints, a
  // Service selects it; the nodes have no zone label, so only hostname spreading (maxSkew 3) scores.
  it("system defaulting, nodes don't have zone, pods match service", () => {
    const service = { kind: "Service", metadata: { name: "svc", namespace: "default" }, spec: { selector: { foo: "" } } };
    expect(score(incoming([]), spread({ a: 4, b: 3, c: 2, d: 1 }), four, [], [service])).toEqual({ "node-a": 44, "node-b": 66, "node-c": 77, "node-d": 100 });
  });
});

const fooSel = { matchExpressions: [{ key: "foo", operator: "Exists" }] };
const rsOwned = (name: string, labels: Record<string, string>, spec: Partial<Pod["spec"]> = {}): Pod => ({
  metadata: { name: "p", namespace: "default", uid: "p", labels, ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name, uid: `${name}-uid`, controller: true }] },
  spec: { containers: [], ...spec },
});
const replicaSet = (name: string, selector: object) => ({ kind: "ReplicaSet", metadata: { name, namespace: "default" }, spec: { selector } });

function preScoreState(pod: Pod, nodes: Node[], objs: any[]) {
  const infos = nodes.map((n) => newNodeInfo(n, []));
  const state = new Map<string, unknown>([[SpreadListersKey, listers(objs)]]);
  const r = PodTopologySpread.preScore(state, pod, infos, infos);
  return { r, s: state.get("PreScorePodTopologySpread") as any };
}

describe("TestPreScoreStateEmptyNodes, system defaulting", () => {
  it("system default constraints and a replicaset: nodes with no zone are not excluded, they are a zone of their own", () => {
    const pod = rsOwned("rs1", { foo: "tar", baz: "sup" });
    const nodes = [node("node-a", { [hostname]: "node-a", "topology.kubernetes.io/zone": "mars" }), node("node-b", { [hostname]: "node-b", "topology.kubernetes.io/zone": "mars" }),
      host("node-c"), host("node-d")];
    const { r, s } = preScoreState(pod, nodes, [replicaSet("rs1", fooSel)]);
    expect(r).toBeUndefined();
    expect(s.constraints.map((c: any) => [c.topologyKey, c.maxSkew, c.minDomains, c.honorAffinity, c.honorTaints])).toEqual([
      [hostname, 3, 1, true, false], ["topology.kubernetes.io/zone", 5, 1, true, false]]);
    // the selector is the ReplicaSet's (foo exists)
    expect(s.constraints.map((c: any) => [c.matches({ foo: "x" }), c.matches({ baz: "sup" })])).toEqual([[true, false], [true, false]]);
    expect([...s.ignored]).toEqual([]);
    expect(s.pairCounts.map((m: Map<string, number>) => Object.fromEntries(m))).toEqual([{}, { mars: 0, "": 0 }]);
    expect(s.weights).toEqual([Math.log(4 + 2), Math.log(2 + 2)]);
  });

  // Kubernetes' row configures other default constraints (ListDefaulting); the rule it proves is the
  // same under the system defaults: a pod with constraints of its own gets no defaults.
  it("default constraints and a replicaset, but pod has constraints", () => {
    const pod = rsOwned("rs1", { foo: "bar", baz: "sup" }, { topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: bar },
      { maxSkew: 2, topologyKey: "planet", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: { baz: "sup" } } },
    ] });
    const { r, s } = preScoreState(pod, [node("node-a", { planet: "mars", galaxy: "andromeda" })], [replicaSet("rs1", fooSel)]);
    expect(r).toBeUndefined();
    expect(s.constraints.map((c: any) => [c.topologyKey, c.maxSkew])).toEqual([["planet", 2]]);
    expect(s.pairCounts.map((m: Map<string, number>) => Object.fromEntries(m))).toEqual([{ mars: 0 }]);
    expect(s.weights).toEqual([Math.log(1 + 2)]);
  });
});

describe("TestPreScoreSkip, system defaulting", () => {
  it("the pod doesn't have soft topology spread constraints (nothing selects it)", () => {
    expect(preScoreState({ metadata: { name: "p", namespace: "default" }, spec: { containers: [] } }, [host("node-a"), host("node-b")], []).r).toBe("Skip");
  });
  it("default constraints and a replicaset that doesn't match (the pod's controller is not in the lister)", () => {
    expect(preScoreState(rsOwned("rs2", { foo: "bar", baz: "sup" }), [node("node-a", { planet: "mars" })], [replicaSet("rs1", { matchExpressions: [{ key: "tar", operator: "Exists" }] })]).r).toBe("Skip");
  });
});
