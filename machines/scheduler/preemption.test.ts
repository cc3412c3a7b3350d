// DefaultPreemption, ported in meaning from default_preemption_test.go.
import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import { type Candidate, filterPodsWithPDBViolation, pickOneNodeForPreemption, preempt } from "./preemption.js";
import { buildNodeInfos, findNodesThatFit } from "./semantics.js";
import { container, makeNode, makePod } from "./plugins/testing.js";

const pod = (name: string, cpu: string, priority: number, extra: { labels?: Record<string, string>; startTime?: string } = {}) =>
  makePod(name, [container({ cpu })], { priority, labels: extra.labels, status: { phase: "Running", startTime: extra.startTime } });
const names = (ps: Pod[]) => ps.map((p) => p.metadata!.name);

function run(preemptor: Pod, pods: Record<string, Pod[]>, pdbs: PodDisruptionBudget[] = [], nominated: Record<string, Pod[]> = {}) {
  const nodes = Object.keys(pods).map((n) => makeNode(n, { cpu: "2" }));
  const infos = buildNodeInfos(nodes, pods);
  const nominatedPods = new Map(Object.entries(nominated));
  const r = findNodesThatFit(preemptor, infos, 0, { nominatedPods });
  return preempt(preemptor, infos, r.diagnosis, { pdbs, nominatedPods });
}

describe("preempt", () => {
  it("refuses for preemptionPolicy Never", () => {
    const p = makePod("p", [container({ cpu: "2" })], { priority: 100, spec: { containers: [container({ cpu: "2" })], preemptionPolicy: "Never" } });
    expect(run(p, { n1: [pod("a", "2", 0)] })).toEqual({ message: "preemption: not eligible due to preemptionPolicy=Never.", notEligible: true });
  });
  it("picks the node whose victims have lower priority", () => {
    const r = run(pod("p", "2", 100), { n1: [pod("a", "2", 50)], n2: [pod("b", "2", 10)] });
    expect("victims" in r && { node: r.nodeName, victims: names(r.victims) }).toEqual({ node: "n2", victims: ["b"] });
  });
  it("reprieves the higher-priority pod when evicting the lower one suffices", () => {
    const r = run(pod("p", "1", 100), { n1: [pod("hi", "1", 50), pod("lo", "1", 10)] });
    expect("victims" in r && names(r.victims)).toEqual(["lo"]);
  });
  it("finds no victims among equal or higher priority pods", () => {
    expect(run(pod("p", "2", 100), { n1: [pod("a", "2", 100)] })).toEqual({ message: "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod." });
  });
  it("reports the filter reason when evicting every lower-priority pod is still not enough", () => {
    expect(run(pod("p", "2", 100), { n1: [pod("a", "1", 200), pod("b", "1", 1)] })).toEqual({ message: "preemption: 0/1 nodes are available: 1 Insufficient cpu." });
  });
  // SelectVictimsOnNode filters with RunFilterPluginsWithNominatedPods, both before and while reprieving.
  it("counts a higher-priority pod nominated to the node: the pod it would otherwise reprieve is a victim", () => {
    const nominee = makePod("nominee", [container({ cpu: "1" })], { priority: 200, status: { phase: "Pending", nominatedNodeName: "n1" } });
    const r = run(pod("p", "1", 100), { n1: [pod("lo", "1", 10)] }, [], { n1: [nominee] });
    expect("victims" in r && { node: r.nodeName, victims: names(r.victims) }).toEqual({ node: "n1", victims: ["lo"] });
  });
  it("does not count the preemptor's own nomination against it: one victim frees its room", () => {
    const self = makePod("p", [container({ cpu: "1" })], { priority: 100, status: { phase: "Pending", nominatedNodeName: "n1" } });
    const r = run(self, { n1: [pod("lo", "1", 10, { startTime: "2024-01-01T00:00:00Z" }), pod("lo2", "1", 10, { startTime: "2024-06-01T00:00:00Z" })] }, [], { n1: [self] });
    expect("victims" in r && names(r.victims)).toEqual(["lo2"]);
  });
  it("prefers a node without PDB violations", () => {
    const pdb: PodDisruptionBudget = { metadata: { namespace: "default" }, spec: { selector: { matchLabels: { app: "db" } } }, status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 } };
    const r = run(pod("p", "2", 100), { n1: [pod("db", "2", 1, { labels: { app: "db" } })], n2: [pod("web", "2", 5)] }, [pdb]);
    expect("victims" in r && r.nodeName).toBe("n2");
  });
});

describe("pickOneNodeForPreemption", () => {
  const c = (nodeName: string, victims: Pod[], numPDBViolations = 0): Candidate => ({ nodeName, victims, numPDBViolations });
  const rows: Array<[string, Candidate[], string]> = [
    ["a node needing no victims wins outright", [c("a", [pod("x", "1", 1)]), c("b", [])], "b"],
    ["fewest PDB violations first", [c("a", [pod("x", "1", 1)], 1), c("b", [pod("y", "1", 9)], 0)], "b"],
    ["then the lowest highest-priority victim", [c("a", [pod("x", "1", 5)]), c("b", [pod("y", "1", 3), pod("z", "1", 3)])], "b"],
    ["then the smallest sum of priorities", [c("a", [pod("x", "1", 5), pod("x2", "1", 5)]), c("b", [pod("y", "1", 5), pod("y2", "1", 4)])], "b"],
    ["then the fewest victims", [c("a", [pod("x", "1", 0), pod("x2", "1", 0)]), c("b", [pod("y", "1", 0)])], "b"],
    ["then the latest start time among the top victims", [
      c("a", [pod("x", "1", 5, { startTime: "2024-01-01T00:00:00Z" })]),
      c("b", [pod("y", "1", 5, { startTime: "2024-06-01T00:00:00Z" })]),
    ], "b"],
    ["otherwise the first", [c("a", [pod("x", "1", 5)]), c("b", [pod("y", "1", 5)])], "a"],
  ];
  it.each(rows)("%s", (_n, cands, want) => expect(pickOneNodeForPreemption(cands)?.nodeName).toBe(want));
});

describe("filterPodsWithPDBViolation", () => {
  it("only counts pods past the budget as violating", () => {
    const pdb: PodDisruptionBudget = { metadata: { namespace: "default" }, spec: { selector: { matchLabels: { app: "db" } } }, status: { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 } };
    const ps = [pod("a", "1", 1, { labels: { app: "db" } }), pod("b", "1", 1, { labels: { app: "db" } }), pod("c", "1", 1)];
    const r = filterPodsWithPDBViolation(ps, [pdb]);
    expect({ v: names(r.violating), n: names(r.nonViolating) }).toEqual({ v: ["b"], n: ["a", "c"] });
  });
});
