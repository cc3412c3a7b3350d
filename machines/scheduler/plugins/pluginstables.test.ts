// Scheduler plugin tables of pkg/scheduler/framework/plugins, row by row (the stored copies of the
// v1.3x line): tainttoleration TestTaintTolerationScore, TestTaintTolerationFilter,
// TestIsSchedulableAfterNodeChange; nodeports TestNodePorts, TestGetContainerPorts,
// Test_isSchedulableAfterPodDeleted; imagelocality TestImageLocalityPriority, TestNormalizedImageName.
// nodeunschedulable TestNodeUnschedulable, TestIsSchedulableAfterNodeChange,
// TestIsSchedulableAfterPodTolerationChange (typed rows); helper TestDefaultNormalizeScore.
// Every expectation is the Go row's; the one wording change since (Filter's taint reason) is noted.

import { describe, expect, it } from "vitest";
import type { ContainerPort, Node, NodeStatus, Pod, Taint, Toleration } from "kubernetes-types/core/v1";
import { type FilterStatus, hostPorts, type NodeScore, newNodeInfo } from "../framework.js";
import { ImageLocality, normalizedImageName } from "./ImageLocality/index.js";
import { ErrReason as nodePortsReason, isSchedulableAfterPodDeleted, NodePorts } from "./NodePorts/index.js";
import { isSchedulableAfterNodeChange, TaintToleration } from "./TaintToleration/index.js";
import { isSchedulableAfterNodeChange as unschedulableNodeHint, isSchedulableAfterPodTolerationChange, NodeUnschedulable } from "./NodeUnschedulable/index.js";
import { defaultNormalizeScore } from "./helper.js";

const nodeWithTaints = (name: string, taints: Taint[]): Node => ({ metadata: { name }, spec: { taints } });
const podWithTolerations = (name: string, tolerations: Toleration[]): Pod => ({ metadata: { name }, spec: { containers: [], tolerations } });

describe("tainttoleration TestTaintTolerationScore (PreScore, Score, NormalizeScore)", () => {
  const pns = (key: string, value: string, effect = "PreferNoSchedule"): Taint => ({ key, value, effect });
  const tol = (key: string, value: string, effect: string): Toleration => ({ key, operator: "Equal", value, effect });
  const rows: [string, Pod, Node[], NodeScore[]][] = [
    ["node with taints tolerated by the pod, gets a higher score than those node with intolerable taints",
      podWithTolerations("pod1", [tol("foo", "bar", "PreferNoSchedule")]),
      [nodeWithTaints("nodeA", [pns("foo", "bar")]), nodeWithTaints("nodeB", [pns("foo", "blah")])],
      [{ name: "nodeA", score: 100 }, { name: "nodeB", score: 0 }]],
    ["the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many tolerable taints a node has",
      podWithTolerations("pod1", [tol("cpu-type", "arm64", "PreferNoSchedule"), tol("disk-type", "ssd", "PreferNoSchedule")]),
      [nodeWithTaints("nodeA", []), nodeWithTaints("nodeB", [pns("cpu-type", "arm64")]), nodeWithTaints("nodeC", [pns("cpu-type", "arm64"), pns("disk-type", "ssd")])],
      [{ name: "nodeA", score: 100 }, { name: "nodeB", score: 100 }, { name: "nodeC", score: 100 }]],
    ["the more intolerable taints a node has, the lower score it gets.",
      podWithTolerations("pod1", [tol("foo", "bar", "PreferNoSchedule")]),
      [nodeWithTaints("nodeA", []), nodeWithTaints("nodeB", [pns("cpu-type", "arm64")]), nodeWithTaints("nodeC", [pns("cpu-type", "arm64"), pns("disk-type", "ssd")])],
      [{ name: "nodeA", score: 100 }, { name: "nodeB", score: 50 }, { name: "nodeC", score: 0 }]],
    ["only taints and tolerations that have effect PreferNoSchedule are checked by taints-tolerations priority function",
      podWithTolerations("pod1", [tol("cpu-type", "arm64", "NoSchedule"), tol("disk-type", "ssd", "NoSchedule")]),
      [nodeWithTaints("nodeA", []), nodeWithTaints("nodeB", [pns("cpu-type", "arm64", "NoSchedule")]), nodeWithTaints("nodeC", [pns("cpu-type", "arm64"), pns("disk-type", "ssd")])],
      [{ name: "nodeA", score: 100 }, { name: "nodeB", score: 100 }, { name: "nodeC", score: 0 }]],
    ["Default behaviour No taints and tolerations, lands on node with no taints",
      podWithTolerations("pod1", []),
      [nodeWithTaints("nodeA", []), nodeWithTaints("nodeB", [pns("cpu-type", "arm64")])],
      [{ name: "nodeA", score: 100 }, { name: "nodeB", score: 0 }]],
  ];
  for (const [name, pod, nodes, want] of rows) {
    it(name, () => {
      const state = new Map();
      const infos = nodes.map((n) => newNodeInfo(n, []));
      TaintToleration.preScore(state, pod);
      const got: NodeScore[] = infos.map((ni, i) => ({ name: nodes[i]!.metadata!.name!, score: TaintToleration.score(state, pod, ni) }));
      TaintToleration.normalize(state, pod, got);
      expect(got).toEqual(want);
    });
  }
});

describe("tainttoleration TestTaintTolerationFilter", () => {
  // v1.35 reports `node(s) had untolerated taint(s)` (kubernetes#134740); the stored table's
  // `node(s) had untolerated taint {key: value}` is the older wording of the same status.
  const untolerated: FilterStatus = { code: "UnschedulableAndUnresolvable", plugin: "TaintToleration", reasons: ["node(s) had untolerated taint(s)"] };
  const ok: FilterStatus = { code: "Success" };
  const rows: [string, Pod, Node, FilterStatus][] = [
    ["A pod having no tolerations can't be scheduled onto a node with nonempty taints", podWithTolerations("pod1", []), nodeWithTaints("nodeA", [{ key: "dedicated", value: "user1", effect: "NoSchedule" }]), untolerated],
    ["A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule", podWithTolerations("pod1", [{ key: "dedicated", value: "user1", effect: "NoSchedule" }]), nodeWithTaints("nodeA", [{ key: "dedicated", value: "user1", effect: "NoSchedule" }]), ok],
    ["A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule", podWithTolerations("pod1", [{ key: "dedicated", operator: "Equal", value: "user2", effect: "NoSchedule" }]), nodeWithTaints("nodeA", [{ key: "dedicated", value: "user1", effect: "NoSchedule" }]), untolerated],
    ["A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node", podWithTolerations("pod1", [{ key: "foo", operator: "Exists", effect: "NoSchedule" }]), nodeWithTaints("nodeA", [{ key: "foo", value: "bar", effect: "NoSchedule" }]), ok],
    ["A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod can be scheduled onto the node",
      podWithTolerations("pod1", [{ key: "dedicated", operator: "Equal", value: "user2", effect: "NoSchedule" }, { key: "foo", operator: "Exists", effect: "NoSchedule" }]),
      nodeWithTaints("nodeA", [{ key: "dedicated", value: "user2", effect: "NoSchedule" }, { key: "foo", value: "bar", effect: "NoSchedule" }]), ok],
    ["A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't match, can't be scheduled onto the node",
      podWithTolerations("pod1", [{ key: "foo", operator: "Equal", value: "bar", effect: "PreferNoSchedule" }]), nodeWithTaints("nodeA", [{ key: "foo", value: "bar", effect: "NoSchedule" }]), untolerated],
    ["The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node",
      podWithTolerations("pod1", [{ key: "foo", operator: "Equal", value: "bar" }]), nodeWithTaints("nodeA", [{ key: "foo", value: "bar", effect: "NoSchedule" }]), ok],
    ["The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
      podWithTolerations("pod1", [{ key: "dedicated", operator: "Equal", value: "user2", effect: "NoSchedule" }]), nodeWithTaints("nodeA", [{ key: "dedicated", value: "user1", effect: "PreferNoSchedule" }]), ok],
    ["The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
      podWithTolerations("pod1", []), nodeWithTaints("nodeA", [{ key: "dedicated", value: "user1", effect: "PreferNoSchedule" }]), ok],
  ];
  for (const [name, pod, node, want] of rows) it(name, () => expect(TaintToleration.filter(new Map(), pod, newNodeInfo(node, []))).toEqual(want));
});

describe("tainttoleration TestIsSchedulableAfterNodeChange (the typed rows)", () => {
  const pod = podWithTolerations("pod1", [{ key: "dedicated", operator: "Equal", value: "user2", effect: "NoSchedule" }]);
  const t = (value: string): Taint => ({ key: "dedicated", value, effect: "NoSchedule" });
  const rows: [string, Node | undefined, Node, boolean][] = [
    ["skip-queue-on-untoleratedtaint-node-added", undefined, nodeWithTaints("nodeA", [t("user1")]), false],
    ["queue-on-toleratedtaint-node-added", undefined, nodeWithTaints("nodeA", [t("user2")]), true],
    ["skip-unrelated-change", nodeWithTaints("nodeA", [t("user1")]), nodeWithTaints("nodeA", [t("user1"), t("user3")]), false],
    ["queue-on-taint-change", nodeWithTaints("nodeA", [t("user1")]), nodeWithTaints("nodeA", [t("user2")]), true],
  ];
  for (const [name, old, cur, queue] of rows) it(name, () => expect(isSchedulableAfterNodeChange(pod, old, cur)).toBe(queue));
});

describe("nodeports TestNodePorts (PreFilter, then Filter)", () => {
  // newPod: each "PROTO/IP/PORT" is one container port with that host IP, host port and protocol.
  const newPod = (host: string, ...infos: string[]): Pod => ({
    metadata: { name: "p", namespace: "default" },
    spec: { nodeName: host, containers: [{ name: "c", image: "i", ports: infos.map((s) => { const [protocol, hostIP, port] = s.split("/"); return { hostIP, hostPort: Number(port), protocol, containerPort: 0 } as ContainerPort; }) }] },
    status: { phase: "Running" },
  });
  const node: Node = { metadata: { name: "m1" }, status: { allocatable: { cpu: "1", memory: "1Gi", pods: "110" } } };
  const conflict: FilterStatus = { code: "Unschedulable", plugin: "NodePorts", reasons: [nodePortsReason] };
  const ok: FilterStatus = { code: "Success" };
  it("skip filter", () => expect(NodePorts.preFilter(new Map(), { metadata: {}, spec: { containers: [] } })).toBe("Skip"));
  const rows: [string, Pod, Pod, FilterStatus][] = [
    ["other port", newPod("m1", "UDP/127.0.0.1/8080"), newPod("m1", "UDP/127.0.0.1/9090"), ok],
    ["same udp port", newPod("m1", "UDP/127.0.0.1/8080"), newPod("m1", "UDP/127.0.0.1/8080"), conflict],
    ["same tcp port", newPod("m1", "TCP/127.0.0.1/8080"), newPod("m1", "TCP/127.0.0.1/8080"), conflict],
    ["different host ip", newPod("m1", "TCP/127.0.0.1/8080"), newPod("m1", "TCP/127.0.0.2/8080"), ok],
    ["different protocol", newPod("m1", "UDP/127.0.0.1/8080"), newPod("m1", "TCP/127.0.0.1/8080"), ok],
    ["second udp port conflict", newPod("m1", "UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"), newPod("m1", "UDP/127.0.0.1/8080"), conflict],
    ["first tcp port conflict", newPod("m1", "TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"), newPod("m1", "TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"), conflict],
    ["first tcp port conflict due to 0.0.0.0 hostIP", newPod("m1", "TCP/0.0.0.0/8001"), newPod("m1", "TCP/127.0.0.1/8001"), conflict],
    ["TCP hostPort conflict due to 0.0.0.0 hostIP", newPod("m1", "TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"), newPod("m1", "TCP/127.0.0.1/8001"), conflict],
    ["second tcp port conflict to 0.0.0.0 hostIP", newPod("m1", "TCP/127.0.0.1/8001"), newPod("m1", "TCP/0.0.0.0/8001"), conflict],
    ["second different protocol", newPod("m1", "UDP/127.0.0.1/8001"), newPod("m1", "TCP/0.0.0.0/8001"), ok],
    ["UDP hostPort conflict due to 0.0.0.0 hostIP", newPod("m1", "UDP/127.0.0.1/8001"), newPod("m1", "TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"), conflict],
  ];
  for (const [name, pod, existing, want] of rows) {
    it(name, () => {
      const state = new Map();
      expect(NodePorts.preFilter(state, pod)).toBeUndefined();
      expect(NodePorts.filter(state, pod, newNodeInfo(node, [existing]))).toEqual(want);
    });
  }

  it("TestGetContainerPorts: the host ports of both pods' containers, a port without hostPort left out", () => {
    const tcp = (containerPort: number, hostPort?: number): ContainerPort => ({ containerPort, ...(hostPort ? { hostPort } : {}), protocol: "TCP" });
    const pod = (...groups: ContainerPort[][]): Pod => ({ metadata: {}, spec: { containers: groups.map((ports, i) => ({ name: `c${i}`, image: "i", ports })) } });
    const pod1 = pod([tcp(8001, 8001), tcp(8002, 8002)], [tcp(8003, 8003), tcp(8004, 8004)], [tcp(8005)]);
    const pod2 = pod([tcp(8011, 8011), tcp(8012, 8012)], [tcp(8013, 8013), tcp(8014, 8014)], [tcp(8015)]);
    expect([...hostPorts(pod1), ...hostPorts(pod2)].map((p) => p.port)).toEqual([8001, 8002, 8003, 8004, 8011, 8012, 8013, 8014]);
  });

  describe("Test_isSchedulableAfterPodDeleted (the typed rows)", () => {
    const withHostPort = (port: number, nodeName?: string): Pod => ({ metadata: {}, spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: "c", image: "i", ports: [{ containerPort: port, hostPort: port }] }] } });
    const waiting = withHostPort(8080);
    const rows: [string, Pod, boolean][] = [
      ["skip-queue-on-unscheduled", { metadata: {}, spec: { containers: [] } }, false],
      ["skip-queue-on-non-hostport", { metadata: {}, spec: { nodeName: "fake-node", containers: [] } }, false],
      ["skip-queue-on-unrelated-hostport", withHostPort(8081, "fake-node"), false],
      ["queue-on-released-hostport", withHostPort(8080, "fake-node"), true],
    ];
    for (const [name, deleted, queue] of rows) it(name, () => expect(isSchedulableAfterPodDeleted(waiting, deleted)).toBe(queue));
  });
});

describe("imagelocality TestImageLocalityPriority", () => {
  const mb = 1024 * 1024;
  const spec = (images: string[], init: string[] = []) => ({ containers: images.map((image, i) => ({ name: `c${i}`, image })), initContainers: init.map((image, i) => ({ name: `i${i}`, image })) });
  const status = (...images: [string[], number][]): NodeStatus => ({ images: images.map(([names, size]) => ({ names, sizeBytes: size * mb })) });
  const node403002000 = status([["gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1"], 40], [["gcr.io/300:latest", "gcr.io/300:v1"], 300], [["gcr.io/2000:latest"], 2000]);
  const node25010 = status([["gcr.io/250:latest"], 250], [["gcr.io/10:latest", "gcr.io/10:v1"], 10]);
  const node60040900 = status([["gcr.io/600:latest"], 600], [["gcr.io/40:latest"], 40], [["gcr.io/900:latest"], 900]);
  const node300600900 = status([["gcr.io/300:latest"], 300], [["gcr.io/600:latest"], 600], [["gcr.io/900:latest"], 900]);
  const node400030 = status([["gcr.io/4000:latest"], 4000], [["gcr.io/30:latest"], 30]);
  const node203040 = status([["gcr.io/20:latest"], 20], [["gcr.io/30:latest"], 30], [["gcr.io/40:latest"], 40]);
  const noImages: NodeStatus = {};
  const imageNode = (name: string, st: NodeStatus): Node => ({ metadata: { name }, status: st });
  const rows: [string, Pod["spec"], Node[], NodeScore[]][] = [
    ["two images spread on two nodes, prefer the larger image one", spec(["gcr.io/40", "gcr.io/250"]), [imageNode("node1", node403002000), imageNode("node2", node25010)], [{ name: "node1", score: 0 }, { name: "node2", score: 5 }]],
    ["two images on one node, prefer this node", spec(["gcr.io/40", "gcr.io/300"]), [imageNode("node1", node403002000), imageNode("node2", node25010)], [{ name: "node1", score: 7 }, { name: "node2", score: 0 }]],
    ["if exceed limit, use limit", spec(["gcr.io/10", "gcr.io/4000"]), [imageNode("node1", node400030), imageNode("node2", node25010)], [{ name: "node1", score: 100 }, { name: "node2", score: 0 }]],
    ["if exceed limit, use limit (with node which has no images present)", spec(["gcr.io/10", "gcr.io/4000"]), [imageNode("node1", node400030), imageNode("node2", node25010), imageNode("node3", noImages)],
      [{ name: "node1", score: 66 }, { name: "node2", score: 0 }, { name: "node3", score: 0 }]],
    ["pod with multiple large images, node2 is preferred", spec(["gcr.io/300", "gcr.io/600", "gcr.io/900"]), [imageNode("node1", node60040900), imageNode("node2", node300600900), imageNode("node3", noImages)],
      [{ name: "node1", score: 32 }, { name: "node2", score: 36 }, { name: "node3", score: 0 }]],
    ["pod with multiple small images", spec(["gcr.io/30", "gcr.io/40"]), [imageNode("node1", node203040), imageNode("node2", node400030)], [{ name: "node1", score: 1 }, { name: "node2", score: 0 }]],
    ["include InitContainers: two images spread on two nodes, prefer the larger image one", spec(["gcr.io/30"], ["gcr.io/300"]), [imageNode("node1", node403002000), imageNode("node2", node203040)],
      [{ name: "node1", score: 6 }, { name: "node2", score: 0 }]],
  ];
  for (const [name, podSpec, nodes, want] of rows) {
    it(name, () => {
      const pod: Pod = { metadata: { name: "p" }, spec: podSpec };
      const infos = nodes.map((n) => newNodeInfo(n, []));
      const state = new Map();
      ImageLocality.preScore(state, pod, infos, infos);
      expect(infos.map((ni, i) => ({ name: nodes[i]!.metadata!.name!, score: ImageLocality.score(state, pod, ni) }))).toEqual(want);
    });
  }
});

describe("imagelocality TestNormalizedImageName", () => {
  // getImageFakeDigest("root"): "sha256:" and the hex SHA-256 of "root".
  const digest = "sha256:4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2";
  const rows: [string, string, string][] = [
    ["add :latest postfix 1", "root", "root:latest"],
    ["add :latest postfix 2", "gcr.io:5000/root", "gcr.io:5000/root:latest"],
    ["keep it as is 1", "root:tag", "root:tag"],
    ["keep it as is 2", `root@${digest}`, `root@${digest}`],
  ];
  for (const [name, input, output] of rows) it(name, () => expect(normalizedImageName(input)).toBe(output));
});

describe("nodeunschedulable TestNodeUnschedulable", () => {
  const node = (unschedulable: boolean): Node => ({ metadata: { name: "n" }, spec: { unschedulable } });
  const rows: [string, Pod, Node, FilterStatus][] = [
    ["Does not schedule pod to unschedulable node (node.Spec.Unschedulable==true)", { metadata: {}, spec: { containers: [] } }, node(true),
      { code: "UnschedulableAndUnresolvable", plugin: "NodeUnschedulable", reasons: ["node(s) were unschedulable"] }],
    ["Schedule pod to normal node", { metadata: {}, spec: { containers: [] } }, node(false), { code: "Success" }],
    ["Schedule pod with toleration to unschedulable node (node.Spec.Unschedulable==true)",
      { metadata: {}, spec: { containers: [], tolerations: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }] } }, node(true), { code: "Success" }],
  ];
  for (const [name, pod, n, want] of rows) it(name, () => expect(NodeUnschedulable.filter(new Map(), pod, newNodeInfo(n, []))).toEqual(want));
});

describe("nodeunschedulable TestIsSchedulableAfterNodeChange (typed rows)", () => {
  const notReady: Taint = { key: "node.kubernetes.io/not-ready", effect: "NoExecute" };
  const node = (unschedulable: boolean, taints?: Taint[]): Node => ({ metadata: { name: "n" }, spec: { unschedulable, ...(taints ? { taints } : {}) } });
  const pod: Pod = { metadata: {}, spec: { containers: [] } };
  const rows: [string, Node | undefined, Node, boolean][] = [
    ["skip-queue-on-unschedulable-node-added", undefined, node(true), false],
    ["queue-on-schedulable-node-added", undefined, node(false), true],
    ["skip-unrelated-change-unschedulable-true", node(true), node(true, [notReady]), false],
    ["skip-unrelated-change-unschedulable-false", node(false), node(false, [notReady]), false],
    ["queue-on-unschedulable-field-change", node(true), node(false), true],
  ];
  for (const [name, old, cur, queue] of rows) it(name, () => expect(unschedulableNodeHint(pod, old, cur)).toBe(queue));
});

describe("nodeunschedulable TestIsSchedulableAfterPodTolerationChange (typed rows)", () => {
  // st.MakePod().Toleration(key): operator Exists, effect NoSchedule.
  const stPod = (uid: string, tolerationKey?: string): Pod => ({ metadata: { uid }, spec: { containers: [], ...(tolerationKey ? { tolerations: [{ key: tolerationKey, operator: "Exists", effect: "NoSchedule" }] } : {}) } });
  const rows: [string, Pod, Pod, boolean][] = [
    ["skip-different-pod-update", stPod("uid"), stPod("different-uid", "node.kubernetes.io/unschedulable"), false],
    ["queue-when-the-unsched-pod-gets-toleration", stPod("uid"), stPod("uid", "node.kubernetes.io/unschedulable"), true],
    ["skip-when-the-unsched-pod-gets-unrelated-toleration", stPod("uid"), stPod("uid", "unrelated-key"), false],
  ];
  for (const [name, pod, modified, queue] of rows) it(name, () => expect(isSchedulableAfterPodTolerationChange(pod, modified)).toBe(queue));
});

describe("helper TestDefaultNormalizeScore", () => {
  const rows: [boolean, number[], number[]][] = [
    [false, [1, 2, 3, 4], [25, 50, 75, 100]],
    [true, [1, 2, 3, 4], [75, 50, 25, 0]],
    [false, [1000, 10, 20, 30], [100, 1, 2, 3]],
    [true, [1000, 10, 20, 30], [0, 99, 98, 97]],
    [false, [1, 1, 1, 1], [100, 100, 100, 100]],
    [false, [1000, 1, 1, 1], [100, 0, 0, 0]],
    [true, [0, 1, 1, 1], [100, 0, 0, 0]],
    [false, [0, 0, 0, 0], [0, 0, 0, 0]],
    [true, [0, 0, 0, 0], [100, 100, 100, 100]],
  ];
  rows.forEach(([reverse, scores, want], i) => it(`case_${i}`, () => {
    const list: NodeScore[] = scores.map((score) => ({ name: "", score }));
    defaultNormalizeScore(100, reverse, list);
    expect(list.map((s) => s.score)).toEqual(want);
  }));
});
