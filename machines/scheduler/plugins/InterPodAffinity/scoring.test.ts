// TestPreferredAffinity and TestPreferredAffinityWithHardPodAffinitySymmetricWeight
// (pkg/scheduler/framework/plugins/interpodaffinity/scoring_test.go, kubernetes at 8a4d98ac), row by row:
// PreScore, Score and NormalizeScore over every node, with the test's namespace lister given as the
// cycle state's namespace labels. Go pods without a namespace are in "" (kept as ""). Left out: the
// rows with plugin args podflow does not take (ignorePreferredTermsOfExistingPods true, hardPodAffinityWeight
// 0) and the two PreScore-error rows for an invalid label value (podflow's plugin has no Error status).
import { describe, expect, it } from "vitest";
import type { Affinity, Node, Pod, PodAffinityTerm, WeightedPodAffinityTerm } from "kubernetes-types/core/v1";
import type { LabelSelectorRequirement } from "kubernetes-types/meta/v1";
import { newNodeInfo } from "../../framework.js";
import { NamespaceLabelsKey } from "../podAffinityTerms.js";
import { InterPodAffinity } from "./index.js";

const namespaces = new Map<string, Record<string, string>>([
  ["subteam1.team1", { team: "team1" }], ["subteam2.team1", { team: "team1" }],
  ["subteam1.team2", { team: "team2" }], ["subteam2.team2", { team: "team2" }],
]);

type Labels = Record<string, string>;
const rgChina = { region: "China" }, rgIndia = { region: "India" }, az1 = { az: "az1" }, az2 = { az: "az2" };
const rgChinaAz1 = { region: "China", az: "az1" };
const s1 = { security: "S1" }, s2 = { security: "S2" };

const inS = (v: string): LabelSelectorRequirement[] => [{ key: "security", operator: "In", values: [v] }];
const term = (exprs: LabelSelectorRequirement[], topologyKey: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm =>
  ({ labelSelector: { matchExpressions: exprs }, topologyKey, ...extra });
const w = (weight: number, podAffinityTerm: PodAffinityTerm): WeightedPodAffinityTerm => ({ weight, podAffinityTerm });

const stayWithS1InRegion: Affinity = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [w(5, term(inS("S1"), "region"))] } };
const stayWithS2InRegion: Affinity = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [w(6, term(inS("S2"), "region"))] } };
const affinity3: Affinity = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
  w(8, term([{ key: "security", operator: "NotIn", values: ["S1"] }, { key: "security", operator: "In", values: ["S2"] }], "region")),
  w(2, term([{ key: "security", operator: "Exists" }, { key: "wrongkey", operator: "DoesNotExist" }], "region")),
] } };
const hardAffinity: Affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [
  term([{ key: "security", operator: "In", values: ["S1", "value2"] }], "region"),
  term([{ key: "security", operator: "Exists" }, { key: "wrongkey", operator: "DoesNotExist" }], "region"),
] } };
const awayFromS1InAz: Affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [w(5, term(inS("S1"), "az"))] } };
const awayFromS2InAz: Affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [w(5, term(inS("S2"), "az"))] } };
const stayWithS1InRegionAwayFromS2InAz: Affinity = {
  podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [w(8, term(inS("S1"), "region"))] },
  podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [w(5, term(inS("S2"), "az"))] },
};
const team1 = { matchExpressions: [{ key: "team", operator: "In", values: ["team1"] }] };
const nsTerm = term(inS("S1"), "region", { namespaces: ["subteam2.team2"], namespaceSelector: team1 });
const affinityNamespaceSelector: Affinity = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [w(5, nsTerm)] } };
const antiAffinityNamespaceSelector: Affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [w(5, nsTerm)] } };

let seq = 0;
const pod = (labels: Labels | undefined, affinity?: Affinity, nodeName?: string, namespace = ""): Pod => {
  seq++;
  return { metadata: { name: `p${seq}`, namespace, uid: `u${seq}`, labels }, spec: { containers: [], nodeName, affinity } };
};
const on = (nodeName: string, labels?: Labels, affinity?: Affinity, namespace = "") => pod(labels, affinity, nodeName, namespace);
const node = (name: string, labels: Labels): Node => ({ metadata: { name, labels } });

/** The Go loop: PreScore (a Skip returns "skip"), then Score each node, then NormalizeScore. */
function run(incoming: Pod, pods: Pod[], nodes: Node[]): Record<string, number> | "skip" {
  const infos = nodes.map((n) => newNodeInfo(n, pods.filter((p) => p.spec?.nodeName === n.metadata!.name)));
  const state = new Map<string, unknown>([[NamespaceLabelsKey, namespaces]]);
  if (InterPodAffinity.preScore(state, incoming, infos, infos) === "Skip") return "skip";
  const scores = infos.map((ni) => ({ name: ni.node.metadata!.name!, score: InterPodAffinity.score(state, incoming, ni) }));
  InterPodAffinity.normalize(state, incoming, scores);
  return Object.fromEntries(scores.map((s) => [s.name, s.score]));
}

const three = [node("node1", rgChina), node("node2", rgIndia), node("node3", az1)];

describe("TestPreferredAffinity", () => {
  const rows: [string, Pod, Pod[], Node[], Record<string, number> | "skip"][] = [
    ["all nodes are same priority as Affinity is nil", pod(s1), [], three, "skip"],
    ["Affinity: pod that matches topology key & pods in nodes will get high score comparing to otherswhich doesn't match either pods in nodes or in topology key",
      pod(s1, stayWithS1InRegion), [on("node1", s1), on("node2", s2), on("node3", s1)], three, { node1: 100, node2: 0, node3: 0 }],
    ["All the nodes that have the same topology key & label value with one of them has an existing pod that match the affinity rules, have the same score",
      pod(undefined, stayWithS1InRegion), [on("node1", s1)], [node("node1", rgChina), node("node2", rgChinaAz1), node("node3", rgIndia)], { node1: 100, node2: 100, node3: 0 }],
    ["Affinity: nodes in one region has more matching pods comparing to other region, so the region which has more matches will get high score",
      pod(s1, stayWithS2InRegion), [on("node1", s2), on("node1", s2), on("node2", s2), on("node3", s2), on("node4", s2), on("node5", s2)],
      [node("node1", rgChina), node("node2", rgIndia), node("node3", rgChina), node("node4", rgChina), node("node5", rgIndia)],
      { node1: 100, node2: 0, node3: 100, node4: 100, node5: 0 }],
    ["Affinity: different Label operators and values for pod affinity scheduling preference, including some match failures ",
      pod(s1, affinity3), [on("node1", s1), on("node2", s2), on("node3", s1)], three, { node1: 20, node2: 100, node3: 0 }],
    ["Affinity symmetry: considered only the preferredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry",
      pod(s2), [on("node1", s1, stayWithS1InRegion), on("node2", s2, stayWithS2InRegion)], three, { node1: 0, node2: 100, node3: 0 }],
    ["Affinity symmetry with namespace selector",
      pod(s1, undefined, undefined, "subteam1.team1"), [on("node1", s1, affinityNamespaceSelector), on("node2", s2, stayWithS2InRegion)], three, { node1: 100, node2: 0, node3: 0 }],
    ["AntiAffinity symmetry with namespace selector",
      pod(s1, undefined, undefined, "subteam1.team1"), [on("node1", s1, antiAffinityNamespaceSelector), on("node2", s2, stayWithS2InRegion)], three, { node1: 0, node2: 100, node3: 100 }],
    ["Affinity symmetry: considered RequiredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry",
      pod(s1), [on("node1", s1, hardAffinity), on("node2", s2, hardAffinity)], three, { node1: 100, node2: 100, node3: 0 }],
    ["Anti Affinity: pod that does not match existing pods in node will get high score ",
      pod(s1, awayFromS1InAz), [on("node1", s1), on("node2", s2)], [node("node1", az1), node("node2", rgChina)], { node1: 0, node2: 100 }],
    ["Anti Affinity: pod that does not match topology key & match the pods in nodes will get higher score comparing to others ",
      pod(s1, awayFromS1InAz), [on("node1", s1), on("node2", s1)], [node("node1", az1), node("node2", rgChina)], { node1: 0, node2: 100 }],
    ["Anti Affinity: one node has more matching pods comparing to other node, so the node which has more unmatches will get high score",
      pod(s1, awayFromS1InAz), [on("node1", s1), on("node1", s1), on("node2", s2)], [node("node1", az1), node("node2", rgIndia)], { node1: 0, node2: 100 }],
    ["Anti Affinity symmetry: the existing pods in node which has anti affinity match will get high score",
      pod(s2), [on("node1", s1, awayFromS2InAz), on("node2", s2, awayFromS1InAz)], [node("node1", az1), node("node2", az2)], { node1: 0, node2: 100 }],
    ["Affinity and Anti Affinity: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity",
      pod(s1, stayWithS1InRegionAwayFromS2InAz), [on("node1", s1), on("node2", s1)], [node("node1", rgChina), node("node2", az1)], { node1: 100, node2: 0 }],
    ["Affinity and Anti Affinity: considering both affinity and anti-affinity, the pod to schedule and existing pods have the same labels",
      pod(s1, stayWithS1InRegionAwayFromS2InAz),
      [on("node1", s1), on("node1", s1), on("node2", s1), on("node3", s1), on("node3", s1), on("node4", s1), on("node5", s1)],
      [node("node1", rgChinaAz1), node("node2", rgIndia), node("node3", rgChina), node("node4", rgChina), node("node5", rgIndia)],
      { node1: 100, node2: 0, node3: 100, node4: 100, node5: 0 }],
    ["Affinity and Anti Affinity and symmetry: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity & symmetry",
      pod(s1, stayWithS1InRegionAwayFromS2InAz),
      [on("node1", s1), on("node2", s2), on("node3", undefined, stayWithS1InRegionAwayFromS2InAz), on("node4", undefined, awayFromS1InAz)],
      [node("node1", rgChina), node("node2", az1), node("node3", rgIndia), node("node4", az2)], { node1: 100, node2: 0, node3: 100, node4: 0 }],
    ["Avoid panic when partial nodes in a topology don't have pods with affinity",
      pod(s1), [on("node1", s1), on("node2", undefined, stayWithS1InRegionAwayFromS2InAz)], [node("node1", rgChina), node("node2", rgChina)], { node1: 0, node2: 0 }],
    ["Affinity with pods matching NamespaceSelector",
      pod(s1, affinityNamespaceSelector, undefined, "subteam1.team1"),
      [on("node1", s1, undefined, "subteam1.team1"), on("node1", s1, undefined, "subteam1.team1"), on("node1", s1, undefined, "subteam1.team2"), on("node2", s1, undefined, "subteam2.team1")],
      [node("node1", rgChina), node("node2", rgIndia)], { node1: 100, node2: 0 }],
    ["Affinity with pods matching both NamespaceSelector and Namespaces fields",
      pod(s1, affinityNamespaceSelector, undefined, "subteam1.team1"),
      [on("node1", s1, undefined, "subteam1.team1"), on("node1", s1, undefined, "subteam1.team1"), on("node1", s1, undefined, "subteam2.team2"), on("node2", s1, undefined, "subteam2.team1")],
      [node("node1", rgChina), node("node2", rgIndia)], { node1: 100, node2: 0 }],
    ["Affinity with pods matching NamespaceSelector (anti-affinity)",
      pod(s1, antiAffinityNamespaceSelector, undefined, "subteam1.team1"),
      [on("node1", s1, undefined, "subteam1.team1"), on("node1", s1, undefined, "subteam1.team1"), on("node1", s1, undefined, "subteam1.team2"), on("node2", s1, undefined, "subteam2.team1")],
      [node("node1", rgChina), node("node2", rgIndia)], { node1: 0, node2: 100 }],
    ["Affinity with pods matching both NamespaceSelector and Namespaces fields (anti-affinity)",
      pod(s1, antiAffinityNamespaceSelector, undefined, "subteam1.team1"),
      [on("node1", s1, undefined, "subteam1.team1"), on("node1", s1, undefined, "subteam1.team1"), on("node1", s1, undefined, "subteam2.team2"), on("node2", s1, undefined, "subteam2.team1")],
      [node("node1", rgChina), node("node2", rgIndia)], { node1: 0, node2: 100 }],
    ["Do not ignore preferred terms of existing pods",
      pod(s2), [on("node1", s1, stayWithS1InRegionAwayFromS2InAz), on("node2", s2, stayWithS2InRegion)], [node("node1", rgChina), node("node2", rgIndia)], { node1: 0, node2: 100 }],
    ["No nodes to score", pod(s2), [], [], "skip"],
  ];
  it.each(rows)("%s", (_n, incoming, pods, nodes, want) => expect(run(incoming, pods, nodes)).toEqual(want));
});

describe("TestPreferredAffinityWithHardPodAffinitySymmetricWeight (hardPodAffinityWeight 1)", () => {
  const hardPodAffinity: Affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [
    term([{ key: "service", operator: "In", values: ["S1"] }], "region", { namespaces: ["", "subteam2.team2"], namespaceSelector: team1 }),
  ] } };
  const svc = { service: "S1" };
  const existing = () => [on("node1", undefined, hardPodAffinity), on("node2", undefined, hardPodAffinity)];
  const rows: [string, string, Record<string, number> | "skip"][] = [
    ["with default weight", "", { node1: 100, node2: 100, node3: 0 }],
    ["with no matching namespace", "subteam1.team2", "skip"],
    ["with matching NamespaceSelector", "subteam1.team1", { node1: 100, node2: 100, node3: 0 }],
    ["with matching Namespaces", "subteam2.team2", { node1: 100, node2: 100, node3: 0 }],
  ];
  it.each(rows)("%s", (_n, ns, want) => expect(run(pod(svc, undefined, undefined, ns), existing(), three)).toEqual(want));
});
