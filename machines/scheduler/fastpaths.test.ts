// The scheduler's fast paths (NodeCounts, SnapshotSummary, batch scoring, the shared CycleState)
// must decide exactly as the plain definitions they shortcut: each table compares the two.
import { describe, expect, it } from "vitest";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { Fx } from "../common/effects.js";
import { Rng } from "../common/prng.js";
import {
  addPodToNodeInfo, cyclePodRequests, findMatchingUntoleratedTaint, doNotScheduleTaints, newNodeInfo, type NodeInfo,
  type Resources, setNode, summarizeImages, summarizeSnapshot, tolerationsTolerateTaint,
} from "./framework.js";
import { balancedCpuMemoryScore, balancedResourceScore } from "./plugins/NodeResourcesBalancedAllocation/index.js";
import { fitsAll, fitsRequest } from "./plugins/NodeResourcesFit/index.js";
import { defaultNormalizeScore, defaultNormalizeScores } from "./plugins/helper.js";
import { container, makeNode, makePod } from "./plugins/testing.js";
import { initialScheduler, applyDelta, scheduleOne, type SchedulerContext, updateSnapshot } from "./scheduler.logic.js";
import { buildNodeInfos, newCycleState, schedulePod, scoreNodes, selectHost } from "./semantics.js";

const res = (milliCPU: number, memory: number, extra: Partial<Resources> = {}): Resources =>
  ({ milliCPU, memory, ephemeralStorage: 0, allowedPodNumber: 0, scalar: {}, ...extra });
const cpuMemPod = (name: string, cpu: string, memory: string, extra: Parameters<typeof makePod>[2] = {}) =>
  makePod(name, [container({ cpu, memory })], extra);

describe("fitsAll is true exactly when fitsRequest finds nothing insufficient", () => {
  const node = (alloc: Record<string, string> = {}) => makeNode("n", { cpu: "1", memory: "1Gi", pods: "3", "ephemeral-storage": "10Gi", "example.com/gpu": "2", ...alloc });
  const rows: Array<[string, Resources, Node, Pod[]]> = [
    ["an empty request fits an empty node", res(0, 0), node(), []],
    ["an empty request does not fit a node with no pod slot left", res(0, 0), node({ pods: "2" }), [cpuMemPod("a", "1m", "1"), cpuMemPod("b", "1m", "1")]],
    ["a cpu request that exactly fills the node fits", res(1000, 0), node(), []],
    ["a cpu request one millicore over what is free does not fit", res(501, 0), node(), [cpuMemPod("a", "500m", "1")]],
    ["a memory request above 2^31 bytes is compared exactly", res(0, 2 ** 31 + 1), node({ memory: "2Gi" }), []],
    ["a memory request of exactly what is free fits", res(0, 2 ** 30 - 1024), node(), [cpuMemPod("a", "0", "1Ki")]],
    ["ephemeral storage beyond allocatable does not fit", res(0, 0, { ephemeralStorage: 11 * 2 ** 30 }), node(), []],
    ["an extended resource within allocatable fits", res(0, 0, { scalar: { "example.com/gpu": 2 } }), node(), []],
    ["an extended resource beyond allocatable does not fit", res(0, 0, { scalar: { "example.com/gpu": 3 } }), node(), []],
    ["an extended resource the node lacks does not fit", res(0, 0, { scalar: { "example.com/fpga": 1 } }), node(), []],
    ["a zero extended resource request is ignored", res(0, 0, { scalar: { "example.com/fpga": 0 } }), node(), []],
  ];
  it.each(rows)("%s", (_name, req, n, pods) => {
    const ni = newNodeInfo(n, pods);
    expect(fitsAll(req, ni)).toBe(fitsRequest(req, ni).length === 0);
  });
});

describe("balancedCpuMemoryScore equals balancedResourceScore over [cpu, memory]", () => {
  const rows: Array<[string, number, number, number, number]> = [
    ["equal fractions score 100", 500, 1000, 2 ** 30, 2 ** 31],
    ["unequal fractions lose half their distance", 100, 1000, 3 * 2 ** 30, 2 ** 32],
    ["a fraction over 1 counts as 1", 3000, 1000, 0, 2 ** 32],
    ["zero cpu allocatable leaves one fraction (std 0)", 100, 0, 2 ** 20, 2 ** 30],
    ["zero memory allocatable leaves one fraction (std 0)", 100, 1000, 2 ** 20, 0],
    ["nothing allocatable scores 100", 0, 0, 0, 0],
    ["fractions with long binary expansions truncate the same way", 333, 1000, 7, 9],
  ];
  it.each(rows)("%s", (_name, rc, ac, rm, am) => {
    expect(balancedCpuMemoryScore(rc, ac, rm, am)).toBe(balancedResourceScore([rc, rm], [ac, am]));
  });
});

describe("defaultNormalizeScores equals defaultNormalizeScore", () => {
  const rows: Array<[string, boolean, number[]]> = [
    ["all zero, not reversed, stay zero", false, [0, 0, 0]],
    ["all zero, reversed, become the maximum", true, [0, 0]],
    ["scaled by the highest score with truncation", false, [1, 2, 3, 7]],
    ["scaled and reversed", true, [1, 2, 3, 7]],
  ];
  it.each(rows)("%s", (_name, reverse, scores) => {
    const named = scores.map((score, i) => ({ name: `n${i}`, score }));
    defaultNormalizeScore(100, reverse, named);
    const plain = [...scores];
    defaultNormalizeScores(100, reverse, plain);
    expect(plain).toEqual(named.map((s) => s.score));
  });
});

describe("NodeInfo keeps its NodeCounts and node fields in step", () => {
  const counts = (ni: NodeInfo) => ({
    numPods: ni.numPods, allowedPodNumber: ni.allowedPodNumber, allocatableMilliCPU: ni.allocatableMilliCPU, allocatableMemory: ni.allocatableMemory,
    requestedMilliCPU: ni.requestedMilliCPU, requestedMemory: ni.requestedMemory, nonZeroMilliCPU: ni.nonZeroMilliCPU, nonZeroMemory: ni.nonZeroMemory,
    numImageNames: ni.numImageNames,
  });
  const canonical = (ni: NodeInfo) => ({
    numPods: ni.pods.length, allowedPodNumber: ni.allocatable.allowedPodNumber, allocatableMilliCPU: ni.allocatable.milliCPU, allocatableMemory: ni.allocatable.memory,
    requestedMilliCPU: ni.requested.milliCPU, requestedMemory: ni.requested.memory, nonZeroMilliCPU: ni.nonZeroRequested.milliCPU, nonZeroMemory: ni.nonZeroRequested.memory,
    numImageNames: ni.imageSizes.size,
  });

  it("the counts match the aggregates after building and after each added pod", () => {
    const node: Node = { ...makeNode("n"), status: { allocatable: { cpu: "4", memory: "16Gi", pods: "110" }, images: [{ names: ["a:1", "a@sha"], sizeBytes: 5 }] } };
    const ni = newNodeInfo(node, [cpuMemPod("a", "100m", "3Gi")]);
    expect(counts(ni)).toEqual(canonical(ni));
    addPodToNodeInfo(ni, makePod("b", [container()]));
    expect(counts(ni)).toEqual(canonical(ni));
    expect(ni.nonZeroMilliCPU).toBe(200);
  });
  it("adding a pod with its scheduling cycle's state gives the same aggregates as computing its requests afresh", () => {
    const pod = cpuMemPod("p", "250m", "1Gi");
    const fresh = newNodeInfo(makeNode("n"), []);
    addPodToNodeInfo(fresh, pod);
    const reused = newNodeInfo(makeNode("n"), []);
    const cycle = newCycleState({});
    cyclePodRequests(cycle, pod, false);
    addPodToNodeInfo(reused, { ...pod, spec: { ...pod.spec!, nodeName: "n" } }, { cycle, pod });
    expect([reused.requested, reused.nonZeroRequested, counts(reused)]).toEqual([fresh.requested, fresh.nonZeroRequested, counts(fresh)]);
  });
  it("setNode takes the name, cordon and taints of the new node", () => {
    const ni = newNodeInfo(makeNode("n"), []);
    setNode(ni, makeNode("n", {}, {}, { unschedulable: true, taints: [{ key: "k", effect: "NoSchedule" }] }));
    expect([ni.name, ni.unschedulable, ni.taints]).toEqual(["n", true, [{ key: "k", effect: "NoSchedule" }]]);
  });
  it("a node without taints or a pod without tolerations needs no empty list", () => {
    expect(findMatchingUntoleratedTaint(undefined, undefined, doNotScheduleTaints)).toBeUndefined();
    expect(tolerationsTolerateTaint(undefined, { key: "k", effect: "NoSchedule" })).toBe(false);
  });
});

describe("cyclePodRequests", () => {
  it("computes a pod's requests once per cycle and recomputes them for another pod", () => {
    const state = newCycleState({});
    const a = cpuMemPod("a", "1", "1Gi");
    const first = cyclePodRequests(state, a, false);
    expect(cyclePodRequests(state, a, false)).toBe(first);
    expect(cyclePodRequests(state, cpuMemPod("b", "2", "1Gi"), false).milliCPU).toBe(2000);
    expect(cyclePodRequests(state, makePod("c", [container()]), true)).toMatchObject({ milliCPU: 100, memory: 200 * 2 ** 20 });
  });
});

describe("SnapshotSummary", () => {
  const withImages = (name: string, ...images: string[][]): Node => ({ ...makeNode(name), status: { allocatable: { cpu: "4", memory: "8Gi", pods: "110" }, images: images.map((names) => ({ names, sizeBytes: 100 * 2 ** 20 })) } });
  const anti = (name: string, labels: Record<string, string>) => makePod(name, [container()], {
    labels,
    spec: { containers: [container()], affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: labels } }] } } },
  });
  const preferred = (name: string, labels: Record<string, string>) => makePod(name, [container()], {
    labels,
    spec: { containers: [container()], affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: labels } } }] } } },
  });

  it("counts, per image name, the nodes holding it, and the nodes with (anti-)affinity pods", () => {
    const infos = [
      newNodeInfo(withImages("a", ["nginx:1.27", "docker.io/library/nginx:1.27"]), [anti("x", { app: "x" })]),
      newNodeInfo(withImages("b", ["nginx:1.27"], ["busybox:latest"]), [preferred("y", { app: "y" })]),
      newNodeInfo(makeNode("c"), []),
    ];
    const s = summarizeSnapshot(infos);
    expect(Object.fromEntries(s.imageNumNodes)).toEqual({ "nginx:1.27": 2, "docker.io/library/nginx:1.27": 1, "busybox:latest": 1 });
    expect([s.nodesWithAffinityPods, s.nodesWithRequiredAntiAffinityPods]).toEqual([2, 1]);
    summarizeImages(s, infos[1]!, -1);
    expect(Object.fromEntries(s.imageNumNodes)).toEqual({ "nginx:1.27": 1, "docker.io/library/nginx:1.27": 1 });
  });

  // Every row is scheduled twice from the same random state, with and without the summary.
  const image = (i: number) => (i % 3 === 0 ? withImages(`n${i}`, ["nginx:1.27"]) : makeNode(`n${i}`));
  const nodes = Array.from({ length: 12 }, (_, i) => image(i));
  const rows: Array<[string, Record<string, Pod[]>, Pod]> = [
    ["a plain pod on nodes some of which hold its image", {}, makePod("p", [container({ cpu: "100m" }, { image: "nginx:1.27" })])],
    ["a pod that an existing pod's required anti-affinity rejects", { n0: [anti("x", { app: "web" })] }, makePod("p", [container({ cpu: "100m" })], { labels: { app: "web" } })],
    ["a pod scored by an existing pod's preferred affinity", { n4: [preferred("y", { app: "web" })] }, makePod("p", [container({ cpu: "100m" })], { labels: { app: "web" } })],
    ["a pod with its own required anti-affinity", { n5: [makePod("z", [container()], { labels: { app: "web" } })] }, anti("p", { app: "web" })],
  ];
  it.each(rows)("schedulePod decides the same with the summary as without: %s", (_name, pods, pod) => {
    const decide = (withSummary: boolean) => {
      const infos = buildNodeInfos(nodes, pods);
      const rng = new Rng(7);
      const opts = withSummary ? { summary: summarizeSnapshot(infos) } : {};
      const results = [3, 8].map((start) => schedulePod(pod, infos, start, () => rng.next(), opts));
      return { results, rngState: rng.state };
    };
    expect(decide(true)).toEqual(decide(false));
  });

  it("scoreNodes and selectHost keep their one-NodeScore-per-node results", () => {
    const infos = buildNodeInfos(nodes, {});
    const scores = scoreNodes(makePod("p", [container({ cpu: "100m" }, { image: "nginx:1.27" })]), infos, infos);
    expect(scores.map((s) => s.name)).toEqual(nodes.map((n) => n.metadata!.name));
    expect(scores[0]!.score).toBeGreaterThan(scores[1]!.score);
    expect(selectHost(scores, () => 0.99)).toBe("n0");
    expect(selectHost([], () => 0)).toBeUndefined();
  });
});

describe("the scheduler keeps its SnapshotSummary equal to the summary of its NodeInfo list", () => {
  const nodeObj = (name: string, images: string[] = []): Node => ({ ...makeNode(name), metadata: { name, labels: { "kubernetes.io/hostname": name } }, status: { allocatable: { cpu: "4", memory: "8Gi", pods: "110" }, images: images.map((n) => ({ names: [n], sizeBytes: 1 })) } });
  const pending = (name: string, extra: Partial<NonNullable<Pod["spec"]>> = {}): Pod => ({ ...makePod(name, [container({ cpu: "10m" })], { labels: { app: "a" } }), spec: { containers: [container({ cpu: "10m" })], ...extra }, status: { phase: "Pending" } });
  const antiSpec = { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: { app: "a" } } }] } } };
  const NODES = 2;
  const PODS = 1;

  /** Brings the snapshot up to date, as the next cycle would: it must hold the cache's NodeInfos in order, and their summary. */
  function check(ctx: SchedulerContext): void {
    if (ctx.snapshot === undefined) return;
    const snap = updateSnapshot(ctx);
    const want = ctx.nodeOrder.toArray().map((n) => ctx.nodeInfos.get(n)!);
    expect(snap.infos.length).toBe(want.length);
    snap.infos.forEach((ni, i) => expect(ni).toBe(want[i]));
    expect(snap.summary).toEqual(summarizeSnapshot(snap.infos));
  }

  it("through node adds, assumed and confirmed pods with anti-affinity, node image changes, and deletions", () => {
    const ctx = initialScheduler({ token: "t", seed: 1 });
    const fx = new Fx();
    const steps: Array<[number, "ADDED" | "MODIFIED" | "DELETED", any, any?]> = [
      [NODES, "ADDED", nodeObj("a", ["x:1"])],
      [NODES, "ADDED", nodeObj("b")],
      [PODS, "ADDED", pending("p1", antiSpec)],
      [PODS, "ADDED", pending("p2")],
    ];
    for (const [w, type, object, old] of steps) applyDelta(ctx, w, { type, object, old }, 0);
    scheduleOne(ctx, 0, fx);
    check(ctx);
    expect(ctx.snapshot?.summary.nodesWithRequiredAntiAffinityPods).toBe(1);
    scheduleOne(ctx, 0, fx);
    check(ctx);
    const later: Array<[number, "ADDED" | "MODIFIED" | "DELETED", any, any?]> = [
      [NODES, "MODIFIED", nodeObj("b", ["x:1", "y:2"])],
      [NODES, "ADDED", nodeObj("c", ["y:2"])],
      [PODS, "ADDED", { ...pending("p3", { ...antiSpec, nodeName: "c" }), status: { phase: "Running" } }],
      [NODES, "MODIFIED", { ...nodeObj("c", ["y:2"]), spec: { unschedulable: true } }],
    ];
    for (const [w, type, object, old] of later) {
      applyDelta(ctx, w, { type, object, old }, 0);
      check(ctx);
    }
    expect(ctx.nodeInfos.get("c")!.unschedulable).toBe(true);
    expect(Object.fromEntries(ctx.snapshot!.summary.imageNumNodes)).toEqual({ "x:1": 2, "y:2": 2 });
    // several changes between two cycles are taken in at once
    for (const [w, type, object, old] of later.slice(1, 3)) applyDelta(ctx, w, { type, object: { ...object, metadata: { ...object.metadata, labels: { changed: "yes" } } }, old }, 0);
    applyDelta(ctx, NODES, { type: "ADDED", object: nodeObj("d", ["z:3"]) }, 0);
    check(ctx);
    expect(Object.fromEntries(ctx.snapshot!.summary.imageNumNodes)).toEqual({ "x:1": 2, "y:2": 2, "z:3": 1 });
    applyDelta(ctx, NODES, { type: "DELETED", object: nodeObj("a") }, 0);
    expect(ctx.snapshot).toBeUndefined();
    applyDelta(ctx, PODS, { type: "ADDED", object: pending("p4") }, 0);
    scheduleOne(ctx, 0, fx);
    check(ctx);
    expect(Object.fromEntries(ctx.snapshot!.summary.imageNumNodes)).toEqual({ "x:1": 1, "y:2": 2, "z:3": 1 });
  });
});
