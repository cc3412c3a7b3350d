// TestRequiredAffinitySingleNode and TestRequiredAffinityMultipleNodes
// (pkg/scheduler/framework/plugins/interpodaffinity/filtering_test.go, kubernetes at 072825f9), row by row:
// PreFilter (a Skip ends the row) then Filter on each node, with the test's namespace lister given as the
// cycle state's namespace labels. st.MakePod() pods have namespace "" (kept). Left out: the two PreFilter
// rows with an invalid label value in a term (Kubernetes fails PreFilter while parsing the pod; podflow's
// API server refuses such a pod at create, and its PreFilter has no parse step).
import { describe, expect, it } from "vitest";
import type { Node, Pod, PodAffinityTerm } from "kubernetes-types/core/v1";
import type { LabelSelector } from "kubernetes-types/meta/v1";
import { type FilterStatus, failure, newNodeInfo, Success } from "../../framework.js";
import { NamespaceLabelsKey } from "../podAffinityTerms.js";
import { ErrReasonAffinityRulesNotMatch, ErrReasonAntiAffinityRulesNotMatch, ErrReasonExistingAntiAffinityRulesNotMatch, InterPodAffinity, Name } from "./index.js";

const namespaces = new Map<string, Record<string, string>>([
  ["subteam1.team1", { team: "team1" }], ["subteam2.team1", { team: "team1" }],
  ["subteam1.team2", { team: "team2" }], ["subteam2.team2", { team: "team2" }],
]);
type Labels = Record<string, string>;

// st.PodWrapper's PodAffinityIn/NotIn/Exists and PodAntiAffinity*: one required term each.
const inTerm = (key: string, topologyKey: string, values: string[]): PodAffinityTerm => ({ labelSelector: { matchExpressions: [{ key, operator: "In", values }] }, topologyKey });
const notInTerm = (key: string, topologyKey: string, values: string[]): PodAffinityTerm => ({ labelSelector: { matchExpressions: [{ key, operator: "NotIn", values }] }, topologyKey });
const existsTerm = (key: string, topologyKey: string): PodAffinityTerm => ({ labelSelector: { matchExpressions: [{ key, operator: "Exists" }] }, topologyKey });

let seq = 0;
function pod(o: { ns?: string; labels?: Labels; node?: string; affinity?: PodAffinityTerm[]; anti?: PodAffinityTerm[] } = {}): Pod {
  seq++;
  const affinity = o.affinity || o.anti ? {
    ...(o.affinity ? { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: o.affinity } } : {}),
    ...(o.anti ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: o.anti } } : {}),
  } : undefined;
  return { metadata: { name: `p${seq}`, namespace: o.ns ?? "", uid: `u${seq}`, labels: o.labels }, spec: { containers: [], nodeName: o.node, affinity } };
}
const node = (name: string, labels: Labels): Node => ({ metadata: { name, labels } });

/** PreFilter ("skip" when it skips), then Filter on every node. */
function run(incoming: Pod, pods: Pod[], nodes: Node[]): "skip" | FilterStatus[] {
  const infos = nodes.map((n) => newNodeInfo(n, pods.filter((p) => p.spec?.nodeName === n.metadata!.name)));
  const state = new Map<string, unknown>([[NamespaceLabelsKey, namespaces]]);
  if (InterPodAffinity.preFilter(state, incoming, infos) === "Skip") return "skip";
  return infos.map((ni) => InterPodAffinity.filter(state, incoming, ni));
}
const affinityFail = failure("UnschedulableAndUnresolvable", Name, ErrReasonAffinityRulesNotMatch);
const antiFail = failure("Unschedulable", Name, ErrReasonAntiAffinityRulesNotMatch);
const existingFail = failure("Unschedulable", Name, ErrReasonExistingAntiAffinityRulesNotMatch);

describe("TestRequiredAffinitySingleNode", () => {
  const podLabel = { service: "securityscan" };
  const podLabel2 = { security: "S1" };
  const existing = () => pod({ labels: podLabel, node: "node1" });
  const node1 = node("node1", { region: "r1", zone: "z11" });
  const team1: LabelSelector = { matchExpressions: [{ key: "team", operator: "In", values: ["team1"] }] };
  const scan = (nsSel: LabelSelector, topologyKey: string): PodAffinityTerm =>
    ({ labelSelector: { matchExpressions: [{ key: "service", operator: "In", values: ["securityscan", "value2"] }] }, namespaceSelector: nsSel, topologyKey });
  const rows: [string, Pod, Pod[], "skip" | FilterStatus][] = [
    ["A pod that has no required pod affinity scheduling rules can schedule onto a node with no existing pods", pod(), [], "skip"],
    ["satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In operator that matches the existing pod",
      pod({ labels: podLabel2, affinity: [inTerm("service", "region", ["securityscan", "value2"])] }), [existing()], Success],
    ["satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using not in operator in labelSelector that matches the existing pod",
      pod({ labels: podLabel2, affinity: [notInTerm("service", "region", ["securityscan3", "value3"])] }), [existing()], Success],
    ["Does not satisfy the PodAffinity with labelSelector because of diff Namespace",
      pod({ labels: podLabel2, affinity: [{ ...inTerm("service", "", ["securityscan", "value2"]), namespaces: ["DiffNameSpace"] }], anti: [] }),
      [pod({ ns: "ns", labels: { service: "securityscan" }, node: "node1" })], affinityFail],
    ["Doesn't satisfy the PodAffinity because of unmatching labelSelector with the existing pod",
      pod({ labels: podLabel, affinity: [inTerm("service", "", ["antivirusscan", "value2"])] }), [existing()], affinityFail],
    ["satisfies the PodAffinity with different label Operators in multiple RequiredDuringSchedulingIgnoredDuringExecution ",
      pod({ labels: podLabel2, anti: [], affinity: [
        { labelSelector: { matchExpressions: [{ key: "service", operator: "Exists" }, { key: "wrongkey", operator: "DoesNotExist" }] }, topologyKey: "region" },
        { labelSelector: { matchExpressions: [{ key: "service", operator: "In", values: ["securityscan"] }, { key: "service", operator: "NotIn", values: ["WrongValue"] }] }, topologyKey: "region" },
      ] }), [existing()], Success],
    ["The labelSelector requirements(items of matchExpressions) are ANDed, the pod cannot schedule onto the node because one of the matchExpression item don't match.",
      pod({ labels: podLabel2, anti: [], affinity: [
        { labelSelector: { matchExpressions: [{ key: "service", operator: "Exists" }, { key: "wrongkey", operator: "DoesNotExist" }] }, topologyKey: "region" },
        { labelSelector: { matchExpressions: [{ key: "service", operator: "In", values: ["securityscan2"] }, { key: "service", operator: "NotIn", values: ["WrongValue"] }] }, topologyKey: "region" },
      ] }), [existing()], affinityFail],
    ["satisfies the PodAffinity and PodAntiAffinity with the existing pod",
      pod({ labels: podLabel2, affinity: [inTerm("service", "region", ["securityscan", "value2"])], anti: [inTerm("service", "node", ["antivirusscan", "value2"])] }), [existing()], Success],
    ["satisfies the PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with the existing pod",
      pod({ labels: podLabel2, affinity: [inTerm("service", "region", ["securityscan", "value2"])], anti: [inTerm("service", "node", ["antivirusscan", "value2"])] }),
      [pod({ node: "node1", labels: podLabel, anti: [inTerm("service", "node", ["antivirusscan", "value2"])] })], Success],
    ["satisfies the PodAffinity but doesn't satisfy the PodAntiAffinity with the existing pod",
      pod({ labels: podLabel2, affinity: [inTerm("service", "region", ["securityscan", "value2"])], anti: [inTerm("service", "zone", ["securityscan", "value2"])] }), [existing()], antiFail],
    ["satisfies the PodAffinity and PodAntiAffinity but doesn't satisfy PodAntiAffinity symmetry with the existing pod",
      pod({ labels: podLabel, affinity: [inTerm("service", "region", ["securityscan", "value2"])], anti: [inTerm("service", "node", ["antivirusscan", "value2"])] }),
      [pod({ labels: podLabel, node: "node1", anti: [inTerm("service", "zone", ["securityscan", "value2"])] })], existingFail],
    ["pod matches its own Label in PodAffinity and that matches the existing pod Labels",
      pod({ labels: podLabel, affinity: [notInTerm("service", "region", ["securityscan", "value2"])] }), [pod({ labels: { service: "securityscan" }, node: "node2" })], affinityFail],
    ["verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. doesn't satisfy PodAntiAffinity symmetry with the existing pod",
      pod({ labels: podLabel }), [pod({ node: "node1", labels: podLabel, anti: [inTerm("service", "zone", ["securityscan", "value2"])] })], existingFail],
    ["verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. satisfy PodAntiAffinity symmetry with the existing pod",
      pod({ labels: podLabel }), [pod({ node: "node1", labels: podLabel, anti: [notInTerm("service", "zone", ["securityscan", "value2"])] })], "skip"],
    ["satisfies the PodAntiAffinity with existing pod but doesn't satisfy PodAntiAffinity symmetry with incoming pod",
      pod({ labels: podLabel, anti: [existsTerm("service", "region"), existsTerm("security", "region")] }),
      [pod({ node: "node1", labels: podLabel2, anti: [existsTerm("security", "zone")] })], antiFail],
    ["PodAntiAffinity symmetry check a1: incoming pod and existing pod partially match each other on AffinityTerms",
      pod({ labels: podLabel, anti: [existsTerm("service", "zone"), existsTerm("security", "zone")] }),
      [pod({ node: "node1", labels: podLabel2, anti: [existsTerm("security", "zone")] })], antiFail],
    ["PodAntiAffinity symmetry check a2: incoming pod and existing pod partially match each other on AffinityTerms",
      pod({ labels: podLabel2, anti: [existsTerm("security", "zone")] }),
      [pod({ node: "node1", labels: podLabel, anti: [existsTerm("service", "zone"), existsTerm("security", "zone")] })], existingFail],
    ["PodAntiAffinity symmetry check b1: incoming pod and existing pod partially match each other on AffinityTerms",
      pod({ labels: { abc: "", xyz: "" }, anti: [existsTerm("abc", "zone"), existsTerm("def", "zone")] }),
      [pod({ node: "node1", labels: { def: "", xyz: "" }, anti: [existsTerm("abc", "zone"), existsTerm("def", "zone")] })], antiFail],
    ["PodAntiAffinity symmetry check b2: incoming pod and existing pod partially match each other on AffinityTerms",
      pod({ labels: { def: "", xyz: "" }, anti: [existsTerm("abc", "zone"), existsTerm("def", "zone")] }),
      [pod({ node: "node1", labels: { abc: "", xyz: "" }, anti: [existsTerm("abc", "zone"), existsTerm("def", "zone")] })], antiFail],
    ["affinity with NamespaceSelector",
      pod({ labels: podLabel2, affinity: [scan(team1, "region")], anti: [] }), [pod({ ns: "subteam1.team1", labels: podLabel, node: "node1" })], Success],
    ["affinity with non-matching NamespaceSelector",
      pod({ labels: podLabel2, affinity: [scan(team1, "region")], anti: [] }), [pod({ ns: "subteam1.team2", labels: podLabel, node: "node1" })], affinityFail],
    ["anti-affinity with matching NamespaceSelector",
      pod({ ns: "subteam1.team1", labels: podLabel2, anti: [scan(team1, "zone")] }), [pod({ ns: "subteam2.team1", labels: podLabel, node: "node1" })], antiFail],
    ["anti-affinity with matching all NamespaceSelector",
      pod({ ns: "subteam1.team1", labels: podLabel2, anti: [scan({}, "zone")] }), [pod({ ns: "subteam2.team1", labels: podLabel, node: "node1" })], antiFail],
    ["anti-affinity with non-matching NamespaceSelector",
      pod({ ns: "subteam1.team1", labels: podLabel2, anti: [scan(team1, "zone")] }), [pod({ ns: "subteam1.team2", labels: podLabel, node: "node1" })], Success],
  ];
  it.each(rows)("%s", (_n, incoming, pods, want) => expect(run(incoming, pods, [node1])).toEqual(want === "skip" ? "skip" : [want]));
});

describe("TestRequiredAffinityMultipleNodes", () => {
  const r1 = (name: string, zone: string) => node(name, { region: "r1", zone, hostname: name });
  const rgChina = { region: "China" }, rgChinaAz1 = { region: "China", az: "az1" }, rgIndia = { region: "India" };
  const rows: [string, Pod, Pod[], Node[], "skip" | FilterStatus[]][] = [
    ["A pod can be scheduled onto all the nodes that have the same topology key & label value with one of them has an existing pod that matches the affinity rules",
      pod({ affinity: [inTerm("foo", "region", ["bar"])] }), [pod({ node: "node1", labels: { foo: "bar" } })],
      [node("node1", rgChina), node("node2", rgChinaAz1), node("node3", rgIndia)], [Success, Success, affinityFail]],
    ["The affinity rule is to schedule all of the pods of this collection to the same zone. The first pod of the collection should not be blocked from being scheduled onto any node, even there's no existing pod that matches the rule anywhere.",
      pod({ labels: { foo: "bar", service: "securityscan" }, affinity: [inTerm("foo", "zone", ["bar"]), inTerm("service", "zone", ["securityscan"])] }),
      [pod({ node: "nodeA", labels: { foo: "bar" } })], [node("nodeA", { zone: "az1", hostname: "h1" }), node("nodeB", { zone: "az2", hostname: "h2" })], [Success, Success]],
    ["The first pod of the collection can only be scheduled on nodes labelled with the requested topology keys",
      pod({ labels: { foo: "bar", service: "securityscan" }, affinity: [inTerm("foo", "zone", ["bar"]), inTerm("service", "zone", ["securityscan"])] }),
      [pod({ node: "nodeA", labels: { foo: "bar" } })], [node("nodeA", { zoneLabel: "az1", hostname: "h1" }), node("nodeB", { zoneLabel: "az2", hostname: "h2" })], [affinityFail, affinityFail]],
    ["NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB.",
      pod({ anti: [inTerm("foo", "region", ["abc"])] }), [pod({ node: "nodeA", labels: { foo: "abc" } })],
      [node("nodeA", { region: "r1", hostname: "nodeA" }), node("nodeB", { region: "r1", hostname: "nodeB" })], [antiFail, antiFail]],
    ["This test ensures that anti-affinity matches a pod when any term of the anti-affinity rule matches a pod.",
      pod({ anti: [inTerm("foo", "region", ["abc"]), inTerm("service", "zone", ["securityscan"])] }), [pod({ node: "nodeA", labels: { foo: "abc", service: "securityscan" } })],
      [node("nodeA", { region: "r1", zone: "z1", hostname: "nodeA" }), node("nodeB", { region: "r1", zone: "z2", hostname: "nodeB" })], [antiFail, antiFail]],
    ["NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB but can be scheduled onto nodeC",
      pod({ anti: [inTerm("foo", "region", ["abc"])] }), [pod({ node: "nodeA", labels: { foo: "abc" } })],
      [node("nodeA", rgChina), node("nodeB", rgChinaAz1), node("nodeC", rgIndia)], [antiFail, antiFail, Success]],
    ["NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA, nodeB, but can be scheduled onto nodeC (NodeC has an existing pod that match the inter pod affinity rule but in different namespace)",
      pod({ ns: "NS1", labels: { foo: "123" }, anti: [inTerm("foo", "region", ["bar"])] }),
      [pod({ node: "nodeA", ns: "NS1", labels: { foo: "bar" } }), pod({ node: "nodeC", ns: "NS2", anti: [inTerm("foo", "region", ["123"])] })],
      [node("nodeA", rgChina), node("nodeB", rgChinaAz1), node("nodeC", rgIndia)], [antiFail, antiFail, Success]],
    ["Test existing pod's anti-affinity: if an existing pod has a term with invalid topologyKey, labelSelector of the term is firstly checked, and then topologyKey of the term is also checked",
      pod({ labels: { foo: "" } }), [pod({ node: "nodeA", anti: [existsTerm("foo", "invalid-node-label")] })],
      [node("nodeA", { region: "r1", zone: "z1", hostname: "nodeA" }), node("nodeB", { region: "r1", zone: "z1", hostname: "nodeB" })], "skip"],
    ["Test incoming pod's anti-affinity: even if labelSelector matches, we still check if topologyKey matches",
      pod({ node: "nodeA", anti: [existsTerm("foo", "invalid-node-label")] }), [pod({ node: "nodeA", labels: { foo: "" } })],
      [node("nodeA", { region: "r1", zone: "z1", hostname: "nodeA" }), node("nodeB", { region: "r1", zone: "z1", hostname: "nodeB" })], [Success, Success]],
    ["Test existing pod's anti-affinity: incoming pod wouldn't considered as a fit as it violates each existingPod's terms on all nodes",
      pod({ labels: { foo: "", bar: "" } }), [pod({ node: "nodeA", anti: [existsTerm("foo", "zone")] }), pod({ node: "nodeA", anti: [existsTerm("bar", "region")] })],
      [r1("nodeA", "z1"), r1("nodeB", "z2")], [existingFail, existingFail]],
    ["Test incoming pod's anti-affinity: incoming pod wouldn't considered as a fit as it at least violates one anti-affinity rule of existingPod",
      pod({ anti: [existsTerm("foo", "zone"), existsTerm("bar", "region")] }), [pod({ node: "nodeA", labels: { foo: "" } }), pod({ node: "nodeB", labels: { bar: "" } })],
      [r1("nodeA", "z1"), r1("nodeB", "z2")], [antiFail, antiFail]],
    ["Test existing pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when one term has invalid topologyKey",
      pod({ labels: { foo: "", bar: "" } }), [pod({ node: "nodeA", anti: [existsTerm("foo", "invalid-node-label"), existsTerm("bar", "zone")] })],
      [r1("nodeA", "z1"), r1("nodeB", "z2")], [existingFail, Success]],
    ["Test incoming pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when one term has invalid topologyKey",
      pod({ anti: [existsTerm("foo", "invalid-node-label"), existsTerm("bar", "zone")] }), [pod({ node: "nodeA", labels: { foo: "", bar: "" } })],
      [r1("nodeA", "z1"), r1("nodeB", "z2")], [antiFail, Success]],
    ["Test existing pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when all terms have valid topologyKey",
      pod({ labels: { foo: "", bar: "" } }), [pod({ node: "nodeA", anti: [existsTerm("foo", "region"), existsTerm("bar", "zone")] })],
      [r1("nodeA", "z1"), r1("nodeB", "z2")], [existingFail, existingFail]],
    ["Test incoming pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when all terms have valid topologyKey",
      pod({ anti: [existsTerm("foo", "region"), existsTerm("bar", "zone")] }), [pod({ node: "nodeA", labels: { foo: "", bar: "" } })],
      [r1("nodeA", "z1"), r1("nodeB", "z2")], [antiFail, antiFail]],
    ["Test existing pod's anti-affinity: existingPod on nodeA and nodeB has at least one anti-affinity term matches incoming pod, so incoming pod can only be scheduled to nodeC",
      pod({ labels: { foo: "", bar: "" } }),
      [pod({ node: "nodeA", anti: [existsTerm("foo", "zone"), existsTerm("labelA", "zone")] }), pod({ node: "nodeB", anti: [existsTerm("bar", "zone"), existsTerm("labelB", "zone")] })],
      [r1("nodeA", "z1"), r1("nodeB", "z2"), r1("nodeC", "z3")], [existingFail, existingFail, Success]],
    ["Test incoming pod's affinity: firstly check if all affinityTerms match, and then check if all topologyKeys match",
      pod({ affinity: [existsTerm("foo", "region"), existsTerm("bar", "zone")] }), [pod({ labels: { foo: "", bar: "" }, node: "nodeA" })],
      [r1("nodeA", "z1"), r1("nodeB", "z1")], [Success, Success]],
    ["Test incoming pod's affinity: firstly check if all affinityTerms match, and then check if all topologyKeys match, and the match logic should be satisfied on the same pod",
      pod({ affinity: [existsTerm("foo", "region"), existsTerm("bar", "zone")] }), [pod({ node: "nodeA", labels: { foo: "" } }), pod({ node: "nodeB", labels: { bar: "" } })],
      [r1("nodeA", "z1"), r1("nodeB", "z2")], [affinityFail, affinityFail]],
  ];
  it.each(rows)("%s", (_n, incoming, pods, nodes, want) => expect(run(incoming, pods, nodes)).toEqual(want));
});
