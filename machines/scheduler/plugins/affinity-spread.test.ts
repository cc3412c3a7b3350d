// PodTopologySpread and InterPodAffinity filters, ported in meaning from filtering_test.go of each plugin.
import { describe, expect, it } from "vitest";
import type { Node, Pod, PodAffinityTerm, TopologySpreadConstraint } from "kubernetes-types/core/v1";
import { type FilterPlugin, type FilterStatus, newNodeInfo } from "../framework.js";
import { InterPodAffinity } from "./InterPodAffinity/index.js";
import { PodTopologySpread } from "./PodTopologySpread/index.js";
import { makeNode, makePod } from "./testing.js";

type Cluster = Array<[Node, Pod[]]>;
/** Runs PreFilter over the whole cluster, then Filter on every node; returns node → status. */
function filterAll(plugin: FilterPlugin, pod: Pod, cluster: Cluster): Record<string, string> {
  const infos = cluster.map(([n, ps]) => newNodeInfo(n, ps));
  const state = new Map();
  const pre = plugin.preFilter?.(state, pod, infos, {});
  const out: Record<string, string> = {};
  for (const ni of infos) {
    const s: FilterStatus = pre === "Skip" ? { code: "Success" } : plugin.filter(state, pod, ni);
    out[ni.node.metadata!.name!] = s.code === "Success" ? "ok" : `${s.code}: ${s.reasons.join(", ")}`;
  }
  return out;
}
const labeled = (name: string, labels: Record<string, string>, extra: Partial<NonNullable<Pod["spec"]>> = {}) =>
  makePod(name, [], { labels, spec: { containers: [], ...extra } });
const zoneNode = (name: string, zone?: string) => makeNode(name, {}, zone ? { zone } : {});

describe("PodTopologySpread Filter", () => {
  const spread = (maxSkew: number, topologyKey: string, extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint =>
    ({ maxSkew, topologyKey, whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchExpressions: [{ key: "foo", operator: "Exists" }] }, ...extra });
  const incoming = (...cs: TopologySpreadConstraint[]) => labeled("p", { foo: "" }, { topologySpreadConstraints: cs });
  const foo = (n: string) => labeled(n, { foo: "" });
  const notMatch = "Unschedulable: node(s) didn't match pod topology spread constraints";
  const missing = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)";

  it("a pod without constraints fits everywhere", () => {
    expect(filterAll(PodTopologySpread, labeled("p", {}), [[zoneNode("a", "z1"), []]])).toEqual({ a: "ok" });
  });
  it("spreads evenly with no existing pods, each node its own domain", () => {
    expect(filterAll(PodTopologySpread, incoming(spread(1, "kubernetes.io/hostname")), [[zoneNode("a"), []], [zoneNode("b"), []]])).toEqual({ a: "ok", b: "ok" });
  });
  it("rejects the node whose domain is already ahead by maxSkew (zone 3/2/1 case)", () => {
    const cluster: Cluster = [
      [zoneNode("a", "z1"), [foo("p1"), foo("p2"), foo("p3")]],
      [zoneNode("b", "z2"), [foo("p4")]],
    ];
    expect(filterAll(PodTopologySpread, incoming(spread(1, "zone")), cluster)).toEqual({ a: notMatch, b: "ok" });
  });
  it("a node without the topology key is unresolvable", () => {
    expect(filterAll(PodTopologySpread, incoming(spread(1, "zone")), [[zoneNode("a", "z1"), []], [zoneNode("b"), []]])).toEqual({ a: "ok", b: missing });
  });
  it("pods in other namespaces are not counted", () => {
    const other = makePod("x", [], { labels: { foo: "" }, namespace: "other" });
    const cluster: Cluster = [[zoneNode("a", "z1"), [other, other]], [zoneNode("b", "z2"), []]];
    expect(filterAll(PodTopologySpread, incoming(spread(1, "zone")), cluster)).toEqual({ a: "ok", b: "ok" });
  });
  it("minDomains treats the global minimum as 0 when fewer domains exist", () => {
    const cluster: Cluster = [[zoneNode("a", "z1"), [foo("p1")]], [zoneNode("b", "z2"), [foo("p2")]]];
    expect(filterAll(PodTopologySpread, incoming(spread(1, "zone", { minDomains: 3 })), cluster)).toEqual({ a: notMatch, b: notMatch });
  });
  it("nodes excluded by the pod's node affinity do not form domains (nodeAffinityPolicy Honor)", () => {
    const p = labeled("p", { foo: "" }, { topologySpreadConstraints: [spread(1, "zone")], nodeSelector: { pool: "x" } });
    const cluster: Cluster = [
      [makeNode("a", {}, { zone: "z1", pool: "x" }), [foo("p1")]],
      [makeNode("b", {}, { zone: "z2" }), []],
    ];
    // Zone z2 is not eligible, so z1 alone is the minimum and the pod may join it.
    expect(filterAll(PodTopologySpread, p, cluster).a).toBe("ok");
  });
  it("an incoming pod that does not match its own selector adds no skew", () => {
    const p = labeled("p", {}, { topologySpreadConstraints: [spread(1, "zone")] });
    const cluster: Cluster = [[zoneNode("a", "z1"), [foo("p1")]], [zoneNode("b", "z2"), []]];
    expect(filterAll(PodTopologySpread, p, cluster)).toEqual({ a: "ok", b: "ok" });
  });
});

describe("InterPodAffinity Filter", () => {
  const term = (labels: Record<string, string>, topologyKey: string): PodAffinityTerm => ({ labelSelector: { matchLabels: labels }, topologyKey });
  const withAffinity = (name: string, labels: Record<string, string>, affinity: PodAffinityTerm[], anti: PodAffinityTerm[] = []) =>
    labeled(name, labels, { affinity: { podAffinity: affinity.length ? { requiredDuringSchedulingIgnoredDuringExecution: affinity } : undefined, podAntiAffinity: anti.length ? { requiredDuringSchedulingIgnoredDuringExecution: anti } : undefined } });
  const affinityFail = "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules";
  const antiFail = "Unschedulable: node(s) didn't match pod anti-affinity rules";
  const existingFail = "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules";

  it("a pod without affinity fits every node", () => {
    expect(filterAll(InterPodAffinity, labeled("p", {}), [[zoneNode("a", "z1"), [labeled("x", { service: "s" })]]])).toEqual({ a: "ok" });
  });
  it("required affinity is satisfied only in the zone of a matching pod", () => {
    const p = withAffinity("p", {}, [term({ service: "securityscan" }, "zone")]);
    const cluster: Cluster = [[zoneNode("a", "z1"), [labeled("x", { service: "securityscan" })]], [zoneNode("b", "z1"), []], [zoneNode("c", "z2"), []]];
    expect(filterAll(InterPodAffinity, p, cluster)).toEqual({ a: "ok", b: "ok", c: affinityFail });
  });
  it("the first pod of a self-affine group may go anywhere that has the topology key", () => {
    const p = withAffinity("p", { app: "db" }, [term({ app: "db" }, "zone")]);
    expect(filterAll(InterPodAffinity, p, [[zoneNode("a", "z1"), []], [zoneNode("b"), []]])).toEqual({ a: "ok", b: affinityFail });
  });
  it("the first-pod exception needs the pod to match its own terms: a pod whose affinity names others waits while none exists", () => {
    // filtering.go satisfyPodAffinity: len(affinityCounts) == 0 && podMatchesAllAffinityTerms(terms, pod)
    const p = withAffinity("p", { app: "web" }, [term({ app: "db" }, "zone")]);
    expect(filterAll(InterPodAffinity, p, [[zoneNode("a", "z1"), []], [zoneNode("b", "z2"), []]])).toEqual({ a: affinityFail, b: affinityFail });
  });
  it("required anti-affinity rejects the zone of a matching pod", () => {
    const p = withAffinity("p", {}, [], [term({ app: "web" }, "zone")]);
    const cluster: Cluster = [[zoneNode("a", "z1"), [labeled("x", { app: "web" })]], [zoneNode("b", "z1"), []], [zoneNode("c", "z2"), []]];
    expect(filterAll(InterPodAffinity, p, cluster)).toEqual({ a: antiFail, b: antiFail, c: "ok" });
  });
  it("an existing pod's anti-affinity rejects a matching incoming pod", () => {
    const existing = withAffinity("x", {}, [], [term({ app: "web" }, "kubernetes.io/hostname")]);
    const cluster: Cluster = [[zoneNode("a", "z1"), [existing]], [zoneNode("b", "z1"), []]];
    expect(filterAll(InterPodAffinity, labeled("p", { app: "web" }), cluster)).toEqual({ a: existingFail, b: "ok" });
  });
  it("terms only look at the pod's own namespace by default", () => {
    const p = withAffinity("p", {}, [], [term({ app: "web" }, "zone")]);
    const other = makePod("x", [], { labels: { app: "web" }, namespace: "other" });
    expect(filterAll(InterPodAffinity, p, [[zoneNode("a", "z1"), [other]]])).toEqual({ a: "ok" });
  });
  it("an empty namespaceSelector widens a term to all namespaces", () => {
    const p = withAffinity("p", {}, [], [{ ...term({ app: "web" }, "zone"), namespaceSelector: {} }]);
    const other = makePod("x", [], { labels: { app: "web" }, namespace: "other" });
    expect(filterAll(InterPodAffinity, p, [[zoneNode("a", "z1"), [other]]])).toEqual({ a: antiFail });
  });
});
