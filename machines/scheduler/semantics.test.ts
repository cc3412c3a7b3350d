// The default profile end to end: filter order, FitError text, node sampling, host selection, scoring.
import { describe, expect, it } from "vitest";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { newNodeInfo } from "./framework.js";
import { preempt } from "./preemption.js";
import {
  buildNodeInfos, failedSchedulingMessage, findNodesThatFit, numFeasibleNodesToFind, schedulePod, schedulerFilter, schedulerScore, selectHost,
} from "./semantics.js";
import { container, makeNode, makePod } from "./plugins/testing.js";

const cpuPod = (name: string, cpu: string, priority?: number) => makePod(name, [container({ cpu })], { priority });
const tainted = (name: string) => makeNode(name, {}, {}, { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] });

describe("schedulerFilter", () => {
  it("stops at the first failing plugin in the default order", () => {
    const node = makeNode("n", { cpu: "1" }, {}, { unschedulable: true, taints: [{ key: "k", effect: "NoSchedule" }] });
    expect(schedulerFilter(cpuPod("p", "2"), node, [])).toEqual({ fit: false, code: "UnschedulableAndUnresolvable", reasons: ["node(s) were unschedulable"] });
  });
  it("runs only the named plugins", () => {
    const node = makeNode("n", { cpu: "1" }, {}, { unschedulable: true });
    expect(schedulerFilter(cpuPod("p", "500m"), node, [cpuPod("q", "800m")], { plugins: ["NodeResourcesFit"] }))
      .toEqual({ fit: false, code: "Unschedulable", reasons: ["Insufficient cpu"] });
  });
  it("fits a pod on a node with room", () => {
    expect(schedulerFilter(cpuPod("p", "1"), makeNode("n"), [])).toEqual({ fit: true, reasons: [] });
  });
});

describe("failedSchedulingMessage (FitError.Error)", () => {
  const nodes: Node[] = [tainted("cp"), makeNode("w1", { cpu: "1" }), makeNode("w2", { cpu: "1" })];
  const infos = buildNodeInfos(nodes, { w1: [cpuPod("a", "800m")], w2: [cpuPod("b", "900m")] });
  const pod = cpuPod("p", "500m");
  const r = findNodesThatFit(pod, infos, 0);

  it("counts reasons across nodes and sorts them", () => {
    expect(r.feasible).toEqual([]);
    expect(failedSchedulingMessage(3, r.diagnosis)).toBe("0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu.");
  });
  it("appends the preemption message", () => {
    const pre = preempt(pod, infos, r.diagnosis);
    expect(pre).toEqual({ message: "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod." });
    if ("message" in pre) {
      expect(failedSchedulingMessage(3, r.diagnosis, pre.message)).toBe(
        "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
      );
    }
  });
  it("sorts counts as strings, so 10 comes before 2", () => {
    const d = new Map<string, { code: "Unschedulable"; reasons: string[]; plugin: string }>();
    for (let i = 0; i < 10; i++) d.set(`a${i}`, { code: "Unschedulable", reasons: ["Insufficient memory"], plugin: "NodeResourcesFit" });
    for (let i = 0; i < 2; i++) d.set(`b${i}`, { code: "Unschedulable", reasons: ["Insufficient cpu"], plugin: "NodeResourcesFit" });
    expect(failedSchedulingMessage(12, d)).toBe("0/12 nodes are available: 10 Insufficient memory, 2 Insufficient cpu.");
  });
  it("uses the PreFilter message alone when a PreFilter rejected the pod", () => {
    const pvcPod = makePod("p", undefined, { spec: { containers: [container()], volumes: [{ name: "v", persistentVolumeClaim: { claimName: "data" } }] } });
    const res = findNodesThatFit(pvcPod, infos, 0);
    const pre = preempt(pvcPod, infos, res.diagnosis);
    expect(failedSchedulingMessage(3, res.diagnosis, "message" in pre ? pre.message : undefined)).toBe(
      '0/3 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });
});

describe("numFeasibleNodesToFind (schedule_one_test.go)", () => {
  const rows: Array<[string, number, number | undefined, number]> = [
    ["fewer than 100 nodes are all searched", 10, undefined, 10],
    ["a percentage does not apply below 100 nodes", 10, 40, 10],
    ["1000 nodes use the adaptive 42%", 1000, undefined, 420],
    ["1000 nodes with percentageOfNodesToScore 40 search 400", 1000, 40, 400],
    ["6000 nodes floor the adaptive percentage at 5%", 6000, undefined, 300],
    ["6000 nodes with percentageOfNodesToScore 40 search 2400", 6000, 40, 2400],
    ["5000 nodes use 10%", 5000, undefined, 500],
    ["a percentage yielding fewer than 100 nodes searches 100", 150, 10, 100],
  ];
  it.each(rows)("%s", (_n, nodes, pct, want) => expect(numFeasibleNodesToFind(nodes, pct)).toBe(want));
});

describe("findNodesThatFit", () => {
  const many = Array.from({ length: 300 }, (_, i) => newNodeInfo(makeNode(`n${i}`), []));
  it("stops once enough feasible nodes are found and advances the start index", () => {
    const r = findNodesThatFit(cpuPod("p", "1"), many, 0);
    expect(r.feasible.length).toBe(144);
    expect(r.nextStartIndex).toBe(144);
  });
  it("wraps around from the start index", () => {
    const r = findNodesThatFit(cpuPod("p", "1"), many, 250);
    expect(r.feasible[0]!.node.metadata!.name).toBe("n250");
    expect(r.feasible[50]!.node.metadata!.name).toBe("n0");
    expect(r.nextStartIndex).toBe((250 + 144) % 300);
  });
  it("counts rejected nodes as processed", () => {
    const mixed = [newNodeInfo(tainted("t"), []), ...many.slice(0, 199)];
    const r = findNodesThatFit(cpuPod("p", "1"), mixed, 0);
    expect(r.diagnosis.nodeToStatus.size).toBe(1);
    expect(r.nextStartIndex).toBe(1 + numFeasibleNodesToFind(200));
  });
});

describe("selectHost", () => {
  const scores = [{ name: "a", score: 10 }, { name: "b", score: 30 }, { name: "c", score: 30 }, { name: "d", score: 5 }];
  it("keeps the first top node when the random source never replaces it", () => {
    expect(selectHost(scores, () => 0.99)).toBe("b");
  });
  it("replaces the candidate when the random source picks the newcomer", () => {
    expect(selectHost(scores, () => 0)).toBe("c");
  });
  it("returns undefined for no nodes", () => expect(selectHost([], () => 0)).toBeUndefined());
});

describe("schedulerScore and schedulePod", () => {
  const nodes = [makeNode("busy"), makeNode("idle")];
  const pods = { busy: [cpuPod("x", "3")], idle: [] as Pod[] };
  it("prefers the less allocated node", () => {
    const s = schedulerScore(cpuPod("p", "500m"), nodes, pods);
    expect(s.idle!).toBeGreaterThan(s.busy!);
  });
  it("weights TaintToleration by 3", () => {
    const soft = makeNode("soft", {}, {}, { taints: [{ key: "k", effect: "PreferNoSchedule" }] });
    const s = schedulerScore(makePod("p"), [soft, makeNode("plain")], {}, { plugins: ["TaintToleration"] });
    expect(s).toEqual({ soft: 0, plain: 300 });
  });
  it("schedules onto the only feasible node without scoring", () => {
    const r = schedulePod(cpuPod("p", "2"), buildNodeInfos(nodes, pods), 0, () => 0);
    expect(r).toEqual({ kind: "scheduled", nodeName: "idle", evaluatedNodes: 2, feasibleNodes: 1, nextStartIndex: 0 });
  });
});
