// DefaultPreemption's tables of pkg/scheduler/framework/plugins/defaultpreemption/default_preemption_test.go
// (the stored copy after v1.35, at 008b3652: its rows for v1.35's rules), row by row: TestPostFilter,
// TestDryRunPreemption, TestSelectBestCandidate, TestPodEligibleToPreemptOthers, TestPreempt; and
// pkg/scheduler/util/utils_test.go's TestGetEarliestPodStartTime and TestMoreImportantPod. The Go
// tests register a few plugins; podflow runs the same ones (ProfileOptions.plugins). Left out: the rows
// that need a fake filter plugin (FalseFilter, TrueFilter, MatchFilter, FakeFilter's Unschedulable code,
// TestPlugin's AddPod/RemovePod errors), extenders, DefaultPreemptionArgs other than the defaults (podflow
// evaluates every node, as the defaults do below 1000 nodes), pod groups (alpha), and TestCustomSelection
// and TestCustomOrdering (their plugin hooks). epochTimeN (N ns after the epoch) is N s here: podflow's
// start times are RFC 3339 strings; the order is what the rows compare. Every expectation is the Go row's.

import { describe, expect, it } from "vitest";
import type { Node, Pod } from "kubernetes-types/core/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import type { FilterStatus } from "./framework.js";
import { type Candidate, dryRunPreemption, earliestStartOfMostImportant, moreImportantPod, pickOneNodeForPreemption, podEligibleToPreemptOthers, preempt } from "./preemption.js";
import { buildNodeInfos, type Diagnosis } from "./semantics.js";

const neg = -100, low = 0, mid = 100, high = 1000, veryHigh = 10000;
type Res = Record<string, string>;
const small: Res = { cpu: "100m", memory: "100" };
const medium: Res = { cpu: "200m", memory: "200" };
const large: Res = { cpu: "300m", memory: "300" };
const veryLarge: Res = { cpu: "500m", memory: "500" };
const epoch = (n: number) => new Date(n * 1000).toISOString().replace(".000Z", "Z");

interface PodOpts { node?: string; prio?: number; req?: Res; start?: number; labels?: Record<string, string>; ns?: string; spec?: Partial<NonNullable<Pod["spec"]>>; status?: Pod["status"]; terminating?: boolean }
/** st.MakePod().Name(n).UID(n)…: one container with the requests, a priority, a node, a start time. */
function mp(name: string, o: PodOpts = {}): Pod {
  return {
    metadata: { name, uid: name, namespace: o.ns ?? "default", labels: o.labels, ...(o.terminating ? { deletionTimestamp: epoch(0) } : {}) },
    spec: { containers: [{ name: "c", image: "pause", ...(o.req ? { resources: { requests: o.req } } : {}) }], nodeName: o.node, priority: o.prio, ...o.spec },
    status: { ...(o.start !== undefined ? { startTime: epoch(o.start) } : {}), ...o.status },
  };
}
/** st.MakeNode().Name(a).Capacity(res) with the labels hostname, zone, region from "a/b/c" (pods default to 32). */
function mn(spec: string, res: Res): Node {
  const parts = spec.split("/");
  const keys = ["hostname", "zone", "region"];
  const labels = Object.fromEntries(parts.map((v, i) => [keys[i]!, v]));
  const allocatable = { pods: "32", ...res };
  return { metadata: { name: parts[0]!, labels }, status: { capacity: allocatable, allocatable } };
}
function infos(nodes: Node[], pods: Pod[]) {
  const by: Record<string, Pod[]> = {};
  for (const p of pods) (by[p.spec!.nodeName!] ??= []).push(p);
  return buildNodeInfos(nodes, by);
}
const unsched = (): FilterStatus & { code: "Unschedulable" } => ({ code: "Unschedulable", reasons: [], plugin: "" });
const unres = (): FilterStatus & { code: "UnschedulableAndUnresolvable" } => ({ code: "UnschedulableAndUnresolvable", reasons: [], plugin: "" });
/** Every node Unschedulable, as TestPreempt and the dry runs pass them. */
const allUnschedulable = (nodes: Node[]): Diagnosis => ({ nodeToStatus: new Map(nodes.map((n) => [n.metadata!.name!, unsched()])) });
const fit = ["NodeResourcesFit"];
const pdb = (labels: Record<string, string>, disruptionsAllowed: number, disruptedPods?: Record<string, string>): PodDisruptionBudget =>
  ({ metadata: { namespace: "default" }, spec: { selector: { matchLabels: labels } }, status: { disruptionsAllowed, disruptedPods, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 } });

describe("TestPostFilter (the rows without fake plugins, extenders or pod groups)", () => {
  const nodeRes: Res = { cpu: "200m", memory: "400" };
  const onePodNode = (n: string): Node => { const x = mn(n, {}); x.status!.allocatable = x.status!.capacity = { pods: "1" }; return x; };
  const resNode = (n: string): Node => mn(n, nodeRes);
  type Row = [string, Pod, Pod[], Node[], Map<string, FilterStatus & { code: "Unschedulable" | "UnschedulableAndUnresolvable" }>, { node: string } | { message: string }, PodDisruptionBudget[]?];
  const p = (o: PodOpts = {}) => mp("p", o);
  const rows: Row[] = [
    ["pod with higher priority can be made schedulable", p({ prio: high }), [mp("p1", { node: "node1" })], [onePodNode("node1")],
      new Map([["node1", unsched()]]), { node: "node1" }],
    ["pod with tied priority is still unschedulable", p(), [mp("p1", { node: "node1" })], [onePodNode("node1")],
      new Map([["node1", unsched()]]), { message: "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod." }],
    ["preemption should respect filteredNodesStatuses", p({ prio: high }), [mp("p1", { node: "node1" })], [onePodNode("node1")],
      new Map([["node1", unres()]]), { message: "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling." }],
    ["preemption should respect absent NodeToStatusReader entry meaning UnschedulableAndUnresolvable", p({ prio: high }), [mp("p1", { node: "node1" })], [onePodNode("node1")],
      new Map(), { message: "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling." }],
    ["pod can be made schedulable on one node", p({ prio: mid }), [mp("p1", { node: "node1", prio: high }), mp("p2", { node: "node2", prio: low })],
      [onePodNode("node1"), onePodNode("node2")], new Map([["node1", unsched()], ["node2", unsched()]]), { node: "node2" }],
    ["pod can be made schedulable on minHighestPriority node", p({ prio: veryHigh }), [
      mp("p1", { node: "node1", prio: high, labels: { "test.kubernetes.io/is-violating-pdb": "non-violating" } }),
      mp("p2", { node: "node1", prio: low, labels: { "test.kubernetes.io/is-violating-pdb": "violating" } }),
      mp("p3", { node: "node2", prio: mid, labels: { "test.kubernetes.io/is-violating-pdb": "violating" } }),
    ], [onePodNode("node1"), onePodNode("node2")], new Map([["node1", unsched()], ["node2", unsched()]]), { node: "node2" },
    [pdb({ "test.kubernetes.io/is-violating-pdb": "violating" }, 0), pdb({ "test.kubernetes.io/is-violating-pdb": "non-violating" }, 2147483647)]],
    ["no candidate nodes found, no enough resource after removing low priority pods", p({ prio: high, req: large }), [mp("p1", { node: "node1" }), mp("p2", { node: "node2" })],
      [resNode("node1"), resNode("node2")], new Map([["node1", unsched()], ["node2", unsched()]]),
      { message: "preemption: 0/2 nodes are available: 2 Insufficient cpu." }],
    ["no candidate nodes found with mixed reasons, no lower priority pod and no enough CPU resource", p({ prio: high, req: large }),
      [mp("p1", { node: "node1", prio: high }), mp("p2", { node: "node2" }), mp("p3", { node: "node3", prio: high })],
      [onePodNode("node1"), resNode("node2"), onePodNode("node3")], new Map([["node1", unsched()], ["node2", unsched()], ["node3", unsched()]]),
      { message: "preemption: 0/3 nodes are available: 1 Insufficient cpu, 2 No preemption victims found for incoming pod." }],
    ["no candidate nodes found with mixed reason, 2 UnschedulableAndUnresolvable nodes and 2 nodes don't have enough CPU resource", p({ prio: high, req: large }),
      [mp("p1", { node: "node1" }), mp("p2", { node: "node2" })], [resNode("node1"), resNode("node2"), resNode("node3"), resNode("node4")],
      new Map([["node1", unsched()], ["node2", unsched()], ["node4", unres()]]),
      { message: "preemption: 0/4 nodes are available: 2 Insufficient cpu, 2 Preemption is not helpful for scheduling." }],
  ];
  it.each(rows)("%s", (_n, pod, pods, nodes, statuses, want, pdbs = []) => {
    const r = preempt(pod, infos(nodes, pods), { nodeToStatus: statuses }, { pdbs, plugins: fit });
    expect("nodeName" in r ? { node: r.nodeName } : { message: r.message }).toEqual(want);
  });
});

describe("TestDryRunPreemption (default DefaultPreemptionArgs, the rows without fake filter plugins)", () => {
  type Row = [string, string[], Pod, Pod[], Array<[string, string[], number?]>, string[], PodDisruptionBudget[]?];
  const p = (o: PodOpts = {}) => mp("p", o);
  const spread = (): Pod => {
    const sel = { matchExpressions: [{ key: "foo", operator: "Exists" }] };
    return mp("p", { prio: high, labels: { foo: "" }, spec: { topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: sel },
      { maxSkew: 1, topologyKey: "hostname", whenUnsatisfiable: "DoNotSchedule", labelSelector: sel },
    ] } });
  };
  const antiFoo = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: "foo", operator: "Exists" }] }, topologyKey: "hostname" }] } };
  const foo = { app: "foo" };
  const rows: Row[] = [
    ["a pod that fits on both nodes when lower priority pods are preempted", ["node1", "node2"], p({ prio: high, req: large }),
      [mp("p1", { node: "node1", prio: mid, req: large }), mp("p2", { node: "node2", prio: mid, req: large })],
      [["node1", ["p1"]], ["node2", ["p2"]]], fit],
    ["a pod that would fit on the nodes, but other pods running are higher priority, no preemption would happen", ["node1", "node2"], p({ prio: low, req: large }),
      [mp("p1", { node: "node1", prio: mid, req: large }), mp("p2", { node: "node2", prio: mid, req: large })], [], fit],
    ["medium priority pod is preempted, but lower priority one stays as it is small", ["node1", "node2"], p({ prio: high, req: large }),
      [mp("p1.1", { node: "node1", prio: low, req: small }), mp("p1.2", { node: "node1", prio: mid, req: large }), mp("p2", { node: "node2", prio: mid, req: large })],
      [["node1", ["p1.2"]], ["node2", ["p2"]]], fit],
    ["mixed priority pods are preempted", ["node1", "node2"], p({ prio: high, req: large }),
      [mp("p1.1", { node: "node1", prio: mid, req: small }), mp("p1.2", { node: "node1", prio: low, req: small }), mp("p1.3", { node: "node1", prio: mid, req: medium }),
        mp("p1.4", { node: "node1", prio: high, req: small }), mp("p2", { node: "node2", prio: high, req: large })],
      [["node1", ["p1.2", "p1.3"]]], fit],
    ["mixed priority pods are preempted, pick later StartTime one when priorities are equal", ["node1", "node2"], p({ prio: high, req: large }),
      [mp("p1.1", { node: "node1", prio: low, req: small, start: 5 }), mp("p1.2", { node: "node1", prio: low, req: small, start: 4 }),
        mp("p1.3", { node: "node1", prio: mid, req: medium, start: 3 }), mp("p1.4", { node: "node1", prio: high, req: small, start: 2 }),
        mp("p2", { node: "node2", prio: high, req: large, start: 1 })],
      [["node1", ["p1.1", "p1.3"]]], fit],
    ["pod with anti-affinity is preempted", ["node1", "node2"], mp("p", { prio: high, req: small, labels: { foo: "" } }),
      [mp("p1.1", { node: "node1", prio: low, req: small, labels: { foo: "" }, spec: { affinity: antiFoo } }), mp("p1.2", { node: "node1", prio: mid, req: small }),
        mp("p1.3", { node: "node1", prio: high, req: small }), mp("p2", { node: "node2", prio: high, req: small })],
      [["node1", ["p1.1"]]], ["NodeResourcesFit", "InterPodAffinity"]],
    ["preemption to resolve pod topology spread filter failure", ["node-a/zone1", "node-b/zone1", "node-x/zone2"], spread(),
      [mp("pod-a1", { node: "node-a", prio: mid, labels: { foo: "" } }), mp("pod-a2", { node: "node-a", prio: low, labels: { foo: "" } }),
        mp("pod-b1", { node: "node-b", prio: low, labels: { foo: "" } }), mp("pod-x1", { node: "node-x", prio: high, labels: { foo: "" } }),
        mp("pod-x2", { node: "node-x", prio: high, labels: { foo: "" } })],
      [["node-a", ["pod-a2"]], ["node-b", ["pod-b1"]]], ["PodTopologySpread"]],
    ["preemption with violation of same pdb", ["node1"], p({ prio: high, req: veryLarge }),
      [mp("p1.1", { node: "node1", prio: mid, req: medium, labels: foo }), mp("p1.2", { node: "node1", prio: mid, req: medium, labels: foo })],
      [["node1", ["p1.1", "p1.2"], 1]], fit, [pdb(foo, 1)]],
    ["preemption with violation of the pdb with pod whose eviction was processed, the victim doesn't belong to DisruptedPods", ["node1"], p({ prio: high, req: veryLarge }),
      [mp("p1.1", { node: "node1", prio: mid, req: medium, labels: foo }), mp("p1.2", { node: "node1", prio: mid, req: medium, labels: foo })],
      [["node1", ["p1.1", "p1.2"], 1]], fit, [pdb(foo, 1, { p2: epoch(0) })]],
    ["preemption with violation of the pdb with pod whose eviction was processed, the victim belongs to DisruptedPods", ["node1"], p({ prio: high, req: veryLarge }),
      [mp("p1.1", { node: "node1", prio: mid, req: medium, labels: foo }), mp("p1.2", { node: "node1", prio: mid, req: medium, labels: foo })],
      [["node1", ["p1.1", "p1.2"], 0]], fit, [pdb(foo, 1, { "p1.2": epoch(0) })]],
    ["preemption with violation of the pdb with pod whose eviction was processed, the victim which belongs to DisruptedPods is treated as 'nonViolating'", ["node1"], p({ prio: high, req: veryLarge }),
      [mp("p1.1", { node: "node1", prio: mid, req: medium, labels: foo }), mp("p1.2", { node: "node1", prio: mid, req: medium, labels: foo }),
        mp("p1.3", { node: "node1", prio: mid, req: medium, labels: foo })],
      [["node1", ["p1.1", "p1.2", "p1.3"], 1]], fit, [pdb(foo, 1, { "p1.3": epoch(0) })]],
  ];
  it.each(rows)("%s", (_n, nodeNames, pod, pods, want, plugins, pdbs = []) => {
    const nodes = nodeNames.map((n) => mn(n, veryLarge));
    const { candidates } = dryRunPreemption(pod, infos(nodes, pods), allUnschedulable(nodes), { pdbs, plugins });
    const got = candidates.map((c: Candidate) => [c.nodeName, c.victims.map((v) => v.metadata!.name!).sort(), c.numPDBViolations])
      .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
    expect(got).toEqual(want.map(([n, v, k]) => [n, v, k ?? 0]));
  });
});

describe("TestSelectBestCandidate (NodeResourcesFit, nodes of veryLargeRes)", () => {
  type Row = [string, string[], Pod, Array<[string, string, number, Res, number]>, string[]];
  const p = (prio: number, req: Res) => mp("p", { prio, req });
  const rows: Row[] = [
    ["a pod that fits on both nodes when lower priority pods are preempted", ["node1", "node2"], p(high, large),
      [["p1", "node1", mid, large, 0], ["p2", "node2", mid, large, 0]], ["node1", "node2"]],
    ["node with min highest priority pod is picked", ["node1", "node2", "node3"], p(high, veryLarge),
      [["p1.1", "node1", mid, medium, 0], ["p1.2", "node1", mid, large, 0], ["p2.1", "node2", mid, medium, 0], ["p2.2", "node2", low, medium, 0],
        ["p3.1", "node3", low, medium, 0], ["p3.2", "node3", low, medium, 0]], ["node3"]],
    ["when highest priorities are the same, minimum sum of priorities is picked", ["node1", "node2", "node3"], p(high, veryLarge),
      [["p1.1", "node1", mid, medium, 0], ["p1.2", "node1", mid, large, 0], ["p2.1", "node2", mid, large, 0], ["p2.2", "node2", low, medium, 0],
        ["p3.1", "node3", mid, medium, 0], ["p3.2", "node3", mid, medium, 0]], ["node2"]],
    ["when highest priority and sum are the same, minimum number of pods is picked", ["node1", "node2", "node3"], p(high, veryLarge),
      [["p1.1", "node1", mid, small, 0], ["p1.2", "node1", neg, small, 0], ["p1.3", "node1", mid, small, 0], ["p1.4", "node1", neg, small, 0],
        ["p2.1", "node2", mid, large, 0], ["p2.2", "node2", neg, medium, 0], ["p3.1", "node3", mid, medium, 0], ["p3.2", "node3", neg, small, 0],
        ["p3.3", "node3", low, small, 0]], ["node2"]],
    ["sum of adjusted priorities is considered", ["node1", "node2", "node3"], p(high, veryLarge),
      [["p1.1", "node1", mid, small, 0], ["p1.2", "node1", neg, small, 0], ["p1.3", "node1", neg, small, 0], ["p2.1", "node2", mid, large, 0],
        ["p2.2", "node2", neg, medium, 0], ["p3.1", "node3", mid, medium, 0], ["p3.2", "node3", neg, small, 0], ["p3.3", "node3", low, small, 0]], ["node2"]],
    ["non-overlapping lowest high priority, sum priorities, and number of pods", ["node1", "node2", "node3", "node4"], p(veryHigh, veryLarge),
      [["p1.1", "node1", mid, small, 0], ["p1.2", "node1", low, small, 0], ["p1.3", "node1", low, small, 0], ["p2.1", "node2", high, large, 0],
        ["p3.1", "node3", mid, medium, 0], ["p3.2", "node3", low, small, 0], ["p3.3", "node3", low, small, 0], ["p3.4", "node3", low, medium, 0],
        ["p4.1", "node4", mid, medium, 0], ["p4.2", "node4", mid, small, 0], ["p4.3", "node4", mid, small, 0], ["p4.4", "node4", neg, small, 0]], ["node1"]],
    ["same priority, same number of victims, different start time for each node's pod", ["node1", "node2", "node3"], p(high, veryLarge),
      [["p1.1", "node1", mid, medium, 2], ["p1.2", "node1", mid, medium, 2], ["p2.1", "node2", mid, medium, 3], ["p2.2", "node2", mid, medium, 3],
        ["p3.1", "node3", mid, medium, 1], ["p3.2", "node3", mid, medium, 1]], ["node2"]],
    ["same priority, same number of victims, different start time for all pods", ["node1", "node2", "node3"], p(high, veryLarge),
      [["p1.1", "node1", mid, medium, 4], ["p1.2", "node1", mid, medium, 2], ["p2.1", "node2", mid, medium, 5], ["p2.2", "node2", mid, medium, 1],
        ["p3.1", "node3", mid, medium, 3], ["p3.2", "node3", mid, medium, 6]], ["node3"]],
    ["different priority, same number of victims, different start time for all pods", ["node1", "node2", "node3"], p(high, veryLarge),
      [["p1.1", "node1", low, medium, 4], ["p1.2", "node1", mid, medium, 2], ["p2.1", "node2", mid, medium, 6], ["p2.2", "node2", low, medium, 1],
        ["p3.1", "node3", low, medium, 3], ["p3.2", "node3", mid, medium, 5]], ["node2"]],
  ];
  it.each(rows)("%s", (_n, nodeNames, pod, podRows, expected) => {
    const nodes = nodeNames.map((n) => mn(n, veryLarge));
    const pods = podRows.map(([name, node, prio, req, start]) => mp(name, { node, prio, req, start }));
    const { candidates } = dryRunPreemption(pod, infos(nodes, pods), allUnschedulable(nodes), { plugins: fit });
    expect(expected).toContain(pickOneNodeForPreemption(candidates)?.nodeName);
  });
});

describe("TestPodEligibleToPreemptOthers", () => {
  const nominated = { status: { nominatedNodeName: "node1" } };
  const preemptedCondition = { conditions: [{ type: "DisruptionTarget", status: "True", reason: "PreemptionByScheduler" }] };
  type Row = [string, Pod, Pod[], string[], FilterStatus | undefined, boolean];
  const rows: Row[] = [
    ["Pod with nominated node", mp("p_with_nominated_node", { prio: high, ...nominated }), [mp("p1", { prio: low, node: "node1", terminating: true })], ["node1"],
      { code: "UnschedulableAndUnresolvable", reasons: ["node(s) had untolerated taint(s)"], plugin: "TaintToleration" }, true],
    ["Pod without nominated node", mp("p_without_nominated_node", { prio: high }), [], [], undefined, true],
    ["Pod with 'PreemptNever' preemption policy", mp("p_with_preempt_never_policy", { prio: high, spec: { preemptionPolicy: "Never" } }), [], [], undefined, false],
    ["preemption victim pod terminating, as indicated by the dedicated DisruptionTarget condition", mp("p_with_nominated_node", { prio: high, ...nominated }),
      [mp("p1", { prio: low, node: "node1", terminating: true, status: preemptedCondition })], ["node1"], undefined, false],
    ["non-victim Pods terminating", mp("p_with_nominated_node", { prio: high, ...nominated }), [mp("p1", { prio: low, node: "node1", terminating: true })], ["node1"], undefined, true],
  ];
  it.each(rows)("%s", (_n, pod, pods, nodeNames, status, want) => {
    const nodes = nodeNames.map((n) => mn(n, {}));
    expect(podEligibleToPreemptOthers(pod, infos(nodes, pods), status).ok).toBe(want);
  });
});

describe("TestPreempt (the rows without extenders; every node Unschedulable)", () => {
  const sel = { matchExpressions: [{ key: "foo", operator: "Exists" }] };
  const spreadPod = mp("p", { prio: high, labels: { foo: "" }, spec: { topologySpreadConstraints: [
    { maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: sel },
    { maxSkew: 1, topologyKey: "hostname", whenUnsatisfiable: "DoNotSchedule", labelSelector: sel },
  ] } });
  const basicPods = () => [mp("p1.1", { node: "node1", prio: low, req: small }), mp("p1.2", { node: "node1", prio: low, req: small }),
    mp("p2.1", { node: "node2", prio: high, req: large }), mp("p3.1", { node: "node3", prio: mid, req: medium })];
  type Row = [string, Pod, Pod[], string[], string[], string | null, string[]];
  const rows: Row[] = [
    ["basic preemption logic", mp("p", { prio: high, req: veryLarge, spec: { preemptionPolicy: "PreemptLowerPriority" } }), basicPods(),
      ["node1", "node2", "node3"], fit, "node1", ["p1.1", "p1.2"]],
    ["preemption for topology spread constraints", spreadPod,
      [mp("p-a1", { node: "node-a", prio: high, labels: { foo: "" } }), mp("p-a2", { node: "node-a", prio: high, labels: { foo: "" } }),
        mp("p-b1", { node: "node-b", prio: low, labels: { foo: "" } }), mp("p-x1", { node: "node-x", prio: high, labels: { foo: "" } }),
        mp("p-x2", { node: "node-x", prio: high, labels: { foo: "" } })],
      ["node-a/zone1", "node-b/zone1", "node-x/zone2"], ["PodTopologySpread"], "node-b", ["p-b1"]],
    ["no preempting in pod", mp("p", { prio: high, req: veryLarge, spec: { preemptionPolicy: "Never" } }), basicPods(), ["node1", "node2", "node3"], fit, null, []],
    ["PreemptionPolicy is nil", mp("p", { prio: high, req: veryLarge }), basicPods(), ["node1", "node2", "node3"], fit, "node1", ["p1.1", "p1.2"]],
  ];
  it.each(rows)("%s", (_n, pod, pods, nodeNames, plugins, wantNode, wantVictims) => {
    const nodes = nodeNames.map((n) => mn(n, veryLarge));
    const r = preempt(pod, infos(nodes, pods), allUnschedulable(nodes), { plugins });
    expect("nodeName" in r ? [r.nodeName, r.victims.map((v) => v.metadata!.name).sort()] : [null, []]).toEqual([wantNode, wantVictims]);
  });
});

describe("scheduler util TestGetEarliestPodStartTime (the earliest start among the highest-priority victims)", () => {
  // currentTime is 100 s here; a pod without a start time counts as starting now (GetPodStartTime), after every other
  const withStart = (name: string, prio: number, start?: number) => mp(name, { prio, start });
  const rows: Array<[string, Pod[], number]> = [
    ["Pods length is 0", [], Number.NEGATIVE_INFINITY],
    ["generate new startTime", [withStart("pod1", 1, 99), withStart("pod2", 1)], Date.parse(epoch(99))],
    ["Pod with earliest start time last in the list", [withStart("pod1", 1, 101), withStart("pod2", 2, 101), withStart("pod3", 2, 100)], Date.parse(epoch(100))],
    ["Pod with earliest start time first in the list", [withStart("pod1", 2, 100), withStart("pod2", 2, 101), withStart("pod3", 2, 102)], Date.parse(epoch(100))],
  ];
  it.each(rows)("%s", (_n, pods, want) => expect(earliestStartOfMostImportant(pods)).toBe(want));
});

describe("scheduler util TestMoreImportantPod", () => {
  const pod1 = mp("pod1", { prio: 1, start: 100 });
  const pod2 = mp("pod2", { prio: 2, start: 101 });
  const pod3 = mp("pod3", { prio: 2, start: 100 });
  const rows: Array<[string, Pod, Pod, boolean]> = [
    ["Pod with higher priority", pod1, pod2, false],
    ["Pod with older created time", pod2, pod3, false],
    ["Pods with same start time", pod3, pod1, true],
  ];
  it.each(rows)("%s", (_n, a, b, want) => expect(moreImportantPod(a, b)).toBe(want));
});
