// Score plugins with normalisation, ported in meaning from each plugin's scoring _test.go.
import { describe, expect, it } from "vitest";
import type { Node, Pod, Taint, Toleration } from "kubernetes-types/core/v1";
import { newNodeInfo, type ScorePlugin } from "../framework.js";
import { ImageLocality } from "./ImageLocality/index.js";
import { InterPodAffinity } from "./InterPodAffinity/index.js";
import { NodeAffinity } from "./NodeAffinity/index.js";
import { balancedResourceScore, NodeResourcesBalancedAllocation } from "./NodeResourcesBalancedAllocation/index.js";
import { PodTopologySpread } from "./PodTopologySpread/index.js";
import { TaintToleration } from "./TaintToleration/index.js";
import { container, makeNode, makePod } from "./testing.js";

type Cluster = Array<[Node, Pod[]]>;
/** PreScore → Score → NormalizeScore over the cluster, all nodes feasible; "skip" when the plugin skips. */
function scoreAll(plugin: ScorePlugin, pod: Pod, cluster: Cluster): Record<string, number> | "skip" {
  const infos = cluster.map(([n, ps]) => newNodeInfo(n, ps));
  const state = new Map();
  if (plugin.preScore?.(state, pod, infos, infos) === "Skip") return "skip";
  const scores = infos.map((ni) => ({ name: ni.node.metadata!.name!, score: plugin.score(state, pod, ni) }));
  plugin.normalize?.(state, pod, scores);
  return Object.fromEntries(scores.map((s) => [s.name, s.score]));
}
const prefer = (key: string, value: string): Taint => ({ key, value, effect: "PreferNoSchedule" });
const tainted = (name: string, ...taints: Taint[]) => makeNode(name, {}, {}, { taints });

describe("TaintToleration Score (taint_toleration_test.go)", () => {
  const tol = (key: string, value: string): Toleration => ({ key, operator: "Equal", value, effect: "PreferNoSchedule" });
  const rows: Array<[string, Toleration[], Node[], Record<string, number>]> = [
    ["a node whose taints the pod tolerates scores higher than one with an intolerable taint", [tol("foo", "bar")],
      [tainted("nodeA", prefer("foo", "bar")), tainted("nodeB", prefer("foo", "blah"))], { nodeA: 100, nodeB: 0 }],
    ["nodes whose taints are all tolerated score the same however many taints they have", [tol("cpu-type", "arm64"), tol("disk-type", "ssd")],
      [tainted("nodeA"), tainted("nodeB", prefer("cpu-type", "arm64")), tainted("nodeC", prefer("cpu-type", "arm64"), prefer("disk-type", "ssd"))], { nodeA: 100, nodeB: 100, nodeC: 100 }],
    ["the more intolerable taints a node has, the lower it scores", [tol("foo", "bar")],
      [tainted("nodeA"), tainted("nodeB", prefer("cpu-type", "arm64")), tainted("nodeC", prefer("cpu-type", "arm64"), prefer("disk-type", "ssd"))], { nodeA: 100, nodeB: 50, nodeC: 0 }],
    ["only PreferNoSchedule taints count", [], [tainted("nodeA", { key: "x", effect: "NoSchedule" }), tainted("nodeB", prefer("x", ""))], { nodeA: 100, nodeB: 0 }],
    // getAllTolerationPreferNoSchedule keeps a toleration with an empty effect: it matches every effect
    ["a toleration without an effect tolerates a PreferNoSchedule taint", [{ key: "foo", operator: "Equal", value: "bar" }],
      [tainted("nodeA", prefer("foo", "bar")), tainted("nodeB", prefer("foo", "blah"))], { nodeA: 100, nodeB: 0 }],
  ];
  it.each(rows)("%s", (_n, tolerations, nodes, want) => {
    expect(scoreAll(TaintToleration, makePod("p", undefined, { tolerations }), nodes.map((n) => [n, []]))).toEqual(want);
  });
});

describe("NodeAffinity Score (node_affinity_test.go)", () => {
  const pod = makePod("p", [], { spec: { containers: [], affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
    { weight: 2, preference: { matchExpressions: [{ key: "foo", operator: "In", values: ["bar"] }] } },
    { weight: 4, preference: { matchExpressions: [{ key: "key", operator: "In", values: ["value"] }] } },
    { weight: 5, preference: { matchExpressions: [{ key: "foo", operator: "In", values: ["bar"] }, { key: "key", operator: "In", values: ["value"] }, { key: "az", operator: "In", values: ["az1"] }] } },
  ] } } } });
  it("sums matching preferred weights and scales by the best node", () => {
    const cluster: Cluster = [
      [makeNode("node1", {}, { foo: "bar" }), []],
      [makeNode("node5", {}, { foo: "bar", key: "value", az: "az1" }), []],
      [makeNode("node2", {}, { key: "value" }), []],
    ];
    expect(scoreAll(NodeAffinity, pod, cluster)).toEqual({ node1: 18, node5: 100, node2: 36 });
  });
  it("is skipped for a pod without preferred terms", () => {
    expect(scoreAll(NodeAffinity, makePod("p"), [[makeNode("n"), []]])).toBe("skip");
  });
});

describe("NodeResourcesBalancedAllocation (balanced_allocation_test.go)", () => {
  const pod = makePod("p", [container({ cpu: "1", memory: "2000" }), container({ cpu: "2", memory: "3000" })]);
  it("favours the node where cpu and memory fractions are equal", () => {
    const cluster: Cluster = [
      [{ metadata: { name: "machine1" }, status: { allocatable: { cpu: "4", memory: "10000", pods: "110" } } }, []],
      [{ metadata: { name: "machine2" }, status: { allocatable: { cpu: "6", memory: "10000", pods: "110" } } }, []],
    ];
    expect(scoreAll(NodeResourcesBalancedAllocation, pod, cluster)).toEqual({ machine1: 87, machine2: 100 });
  });
  it("is skipped for a best-effort pod", () => {
    expect(scoreAll(NodeResourcesBalancedAllocation, makePod("p"), [[makeNode("n"), []]])).toBe("skip");
  });
  it("uses the standard deviation for three or more resources", () => {
    expect(balancedResourceScore([1, 2, 3], [4, 4, 4])).toBe(Math.trunc((1 - Math.sqrt(((0.25 - 0.5) ** 2 + 0 + (0.75 - 0.5) ** 2) / 3)) * 100));
  });
});

describe("ImageLocality (image_locality_test.go)", () => {
  const MB = 1024 * 1024;
  const withImages = (name: string, images: Array<[string, number]>): Node => ({ ...makeNode(name), status: { ...makeNode(name).status, images: images.map(([n, s]) => ({ names: [n], sizeBytes: s })) } });
  const pod = makePod("p", [container(undefined, { image: "gcr.io/40" }), container(undefined, { image: "gcr.io/250" })]);
  it("prefers the node holding the larger image, scaled by its spread", () => {
    const cluster: Cluster = [[withImages("node1", [["gcr.io/40:latest", 40 * MB]]), []], [withImages("node2", [["gcr.io/250:latest", 250 * MB]]), []]];
    expect(scoreAll(ImageLocality, pod, cluster)).toEqual({ node1: 0, node2: 5 });
  });
  it("does not match a node image name that differs from the normalised container image", () => {
    const cluster: Cluster = [[withImages("node1", [["docker.io/library/gcr.io/250:latest", 2000 * MB]]), []]];
    expect(scoreAll(ImageLocality, pod, cluster)).toEqual({ node1: 0 });
  });
});

describe("PodTopologySpread Score (scoring_test.go)", () => {
  const anyway = makePod("p", [], { labels: { foo: "" }, spec: { containers: [], topologySpreadConstraints: [
    { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchExpressions: [{ key: "foo", operator: "Exists" }] } },
  ] } });
  const foo = (n: string) => makePod(n, [], { labels: { foo: "" } });
  it("gives the emptiest node the highest score", () => {
    const cluster: Cluster = [[makeNode("a"), [foo("1"), foo("2")]], [makeNode("b"), [foo("3")]], [makeNode("c"), []]];
    expect(scoreAll(PodTopologySpread, anyway, cluster)).toEqual({ a: 0, b: 33, c: 100 });
  });
  it("scores every node 100 when no pods match", () => {
    expect(scoreAll(PodTopologySpread, anyway, [[makeNode("a"), []], [makeNode("b"), []]])).toEqual({ a: 100, b: 100 });
  });
  it("is skipped without ScheduleAnyway constraints", () => {
    expect(scoreAll(PodTopologySpread, makePod("p"), [[makeNode("a"), []]])).toBe("skip");
  });
});

describe("InterPodAffinity Score (scoring_test.go)", () => {
  const zone = (name: string, z: string) => makeNode(name, {}, { zone: z });
  const web = makePod("w", [], { labels: { app: "web" } });
  const preferred = (kind: "podAffinity" | "podAntiAffinity") => makePod("p", [], { spec: { containers: [], affinity: { [kind]: { preferredDuringSchedulingIgnoredDuringExecution: [
    { weight: 5, podAffinityTerm: { labelSelector: { matchLabels: { app: "web" } }, topologyKey: "zone" } },
  ] } } } });
  const cluster: Cluster = [[zone("a", "z1"), [web]], [zone("b", "z1"), []], [zone("c", "z2"), []]];
  it("preferred affinity favours every node in the matching pod's zone", () => {
    expect(scoreAll(InterPodAffinity, preferred("podAffinity"), cluster)).toEqual({ a: 100, b: 100, c: 0 });
  });
  it("preferred anti-affinity favours the other zones", () => {
    expect(scoreAll(InterPodAffinity, preferred("podAntiAffinity"), cluster)).toEqual({ a: 0, b: 0, c: 100 });
  });
  it("an existing pod's required affinity attracts a matching incoming pod (hardPodAffinityWeight)", () => {
    const sticky = makePod("s", [], { spec: { containers: [], affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: "web" } }, topologyKey: "zone" }] } } } });
    const c2: Cluster = [[zone("a", "z1"), [sticky]], [zone("c", "z2"), []]];
    expect(scoreAll(InterPodAffinity, makePod("p", [], { labels: { app: "web" } }), c2)).toEqual({ a: 100, c: 0 });
  });
  it("is skipped when neither the pod nor existing pods have affinity", () => {
    expect(scoreAll(InterPodAffinity, makePod("p"), cluster)).toBe("skip");
  });
});
