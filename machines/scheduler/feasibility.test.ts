// The node-local verdicts remembered between cycles (feasibility.ts) must decide exactly as the full
// filter and score of every cycle: random clusters change between cycles (pods bound, nodes
// tainted, cordoned, relabelled, nominated pods placed), random pods of repeating shapes are
// scheduled with the memo, and every decision, status and start index is compared with a plain
// recompute written here from the plugins and kube-scheduler's framework rules.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Node, Pod, Taint } from "kubernetes-types/core/v1";
import { type CycleState, type FilterPlugin, type FilterStatus, type NodeInfo, newNodeInfo, podPriority, summarizeSnapshot, withPod } from "./framework.js";
import { nodeVerdictsFor, podShape } from "./feasibility.js";
import { defaultFilterPlugins, defaultScorePlugins, numFeasibleNodesToFind, schedulePod } from "./semantics.js";
import { container, makeNode } from "./plugins/testing.js";
import { intValue, milliValue } from "../common/quantity.js";

// ---- the plain recompute: kube-scheduler's findNodesThatPassFilters, prioritizeNodes, selectHost ----

type Verdict = { kind: "scheduled"; node: string; next: number } | { kind: "unschedulable"; next: number; statuses: Map<string, FilterStatus> };

function filterAll(active: FilterPlugin[], state: CycleState, pod: Pod, ni: NodeInfo): FilterStatus {
  for (const p of active) {
    const s = p.filter(state, pod, ni);
    if (s.code !== "Success") return s;
  }
  return { code: "Success" };
}

function plainSchedule(pod: Pod, infos: NodeInfo[], start: number, rand: () => number, nominated: Map<string, Pod[]>): Verdict & { statuses?: Map<string, FilterStatus> } {
  const state: CycleState = new Map();
  const active: FilterPlugin[] = [];
  const n = infos.length;
  const statuses = new Map<string, FilterStatus>();
  for (const p of defaultFilterPlugins) {
    const r = p.preFilter?.(state, pod, infos, {});
    if (r === "Skip") continue;
    if (r !== undefined && r.code !== "Success") {
      for (const ni of infos) statuses.set(ni.name, r);
      return { kind: "unschedulable", next: start % n, statuses };
    }
    active.push(p);
  }
  const want = numFeasibleNodesToFind(n);
  const feasible: NodeInfo[] = [];
  let processed = 0;
  for (let i = 0; i < n && feasible.length < want; i++) {
    const ni = infos[(start + i) % n]!;
    processed++;
    // nominated pods of equal or higher priority count first; then the node must also fit without them
    const add = (nominated.get(ni.name) ?? []).filter((q) => podPriority(q) >= podPriority(pod) && q.metadata?.uid !== pod.metadata?.uid);
    let s = add.length === 0 ? { code: "Success" as const } : filterAll(active, state, pod, newNodeInfo(ni.node, [...ni.pods, ...add]));
    if (s.code === "Success") s = filterAll(active, state, pod, ni);
    if (s.code === "Success") feasible.push(ni);
    else statuses.set(ni.name, s);
  }
  const next = (start + processed) % n;
  if (feasible.length === 0) return { kind: "unschedulable", next, statuses };
  if (feasible.length === 1) return { kind: "scheduled", node: feasible[0]!.name, next };
  const totals = feasible.map(() => 0);
  for (const p of defaultScorePlugins) {
    if (p.preScore?.(state, pod, feasible, infos) === "Skip") continue;
    const scores = feasible.map((ni) => ({ name: ni.name, score: p.score(state, pod, ni) }));
    p.normalize?.(state, pod, scores);
    scores.forEach((s, i) => (totals[i] += s.score * p.weight));
  }
  // reservoir sampling among the best, one draw per tie after the first
  let best = -1;
  let max = -Infinity;
  let count = 0;
  totals.forEach((t, i) => {
    if (t > max) [max, best, count] = [t, i, 1];
    else if (t === max && Math.floor(rand() * ++count) === 0) best = i;
  });
  return { kind: "scheduled", node: feasible[best]!.name, next };
}

// ---- random clusters and pods ----

const taintPool: Taint[] = [
  { key: "a", effect: "NoSchedule" },
  { key: "b", value: "1", effect: "NoSchedule" },
  { key: "c", effect: "PreferNoSchedule" },
  { key: "d", value: "x", effect: "PreferNoSchedule" },
  { key: "e", effect: "NoExecute" },
];

const nodeArb = fc.record({
  zone: fc.constantFrom("z1", "z2", "z3"),
  taints: fc.subarray(taintPool),
  unschedulable: fc.boolean(),
  cpu: fc.constantFrom("1", "2", "4"),
  memory: fc.constantFrom("1Gi", "4Gi"),
  pods: fc.constantFrom("2", "4", "110"),
  images: fc.subarray(["nginx:1.27", "redis:7", "pause:latest"]),
});
type NodeSpec = typeof nodeArb extends fc.Arbitrary<infer T> ? T : never;

function makeNodeFrom(name: string, s: NodeSpec): Node {
  const node = makeNode(name, { cpu: s.cpu, memory: s.memory, pods: s.pods }, { zone: s.zone }, { taints: s.taints.length > 0 ? s.taints : undefined, unschedulable: s.unschedulable || undefined });
  node.status!.images = s.images.map((n, i) => ({ names: [n], sizeBytes: (i + 1) * 300 * 1024 * 1024 }));
  return node;
}

const shapeArb = fc.record({
  tolerations: fc.subarray([
    { key: "a", operator: "Exists" },
    { key: "b", value: "1", effect: "NoSchedule" },
    { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
    { key: "c", operator: "Exists", effect: "PreferNoSchedule" },
    { key: "e", operator: "Exists" },
  ]),
  nodeSelector: fc.option(fc.constantFrom("z1", "z2")),
  required: fc.option(fc.subarray(["z1", "z2", "z3"], { minLength: 1 })),
  preferred: fc.option(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.constantFrom("z1", "z2", "z3"))),
  containers: fc.array(fc.record({ image: fc.constantFrom("nginx:1.27", "redis:7", "busybox"), cpu: fc.constantFrom("0", "100m", "500m", "1"), memory: fc.constantFrom("0", "64Mi", "1Gi"), hostPort: fc.option(fc.constantFrom(80, 8080)) }), { minLength: 1, maxLength: 2 }),
  nodeName: fc.option(fc.constantFrom("n0", "n1")),
  priority: fc.constantFrom(0, 10),
  spread: fc.boolean(),
});
type Shape = typeof shapeArb extends fc.Arbitrary<infer T> ? T : never;

function makePodFrom(name: string, s: Shape): Pod {
  const zoneIn = (zones: string[]) => ({ matchExpressions: [{ key: "zone", operator: "In", values: zones }] });
  return {
    metadata: { name, namespace: "default", uid: `uid-${name}`, labels: { app: "x" } },
    spec: {
      containers: s.containers.map((c, i) => container({ cpu: c.cpu, memory: c.memory }, { name: `c${i}`, image: c.image, ports: c.hostPort === null ? undefined : [{ containerPort: 80, hostPort: c.hostPort }] })),
      tolerations: s.tolerations.length > 0 ? structuredClone(s.tolerations) : undefined,
      nodeSelector: s.nodeSelector === null ? undefined : { zone: s.nodeSelector },
      nodeName: s.nodeName ?? undefined,
      priority: s.priority,
      affinity: s.required === null && s.preferred === null ? undefined : {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: s.required === null ? undefined : { nodeSelectorTerms: [zoneIn(s.required)] },
          preferredDuringSchedulingIgnoredDuringExecution: s.preferred === null ? undefined : [{ weight: s.preferred[0], preference: zoneIn([s.preferred[1]]) }],
        },
      },
      topologySpreadConstraints: s.spread ? [{ maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "x" } } }] : undefined,
    },
    status: { phase: "Pending" },
  };
}

/** What happens between two cycles. */
const stepArb = fc.oneof(
  // image: the same spec with other images (ImageLocality's input beyond the pod shape)
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("schedule" as const), shape: fc.nat(), seed: fc.nat(), image: fc.option(fc.constantFrom("nginx:1.27", "redis:7", "pause")) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("node" as const), node: fc.nat(), spec: nodeArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("nominate" as const), node: fc.nat(), shape: fc.nat() }) },
);

const scenarioArb = fc.record({
  nodes: fc.oneof({ weight: 4, arbitrary: fc.array(nodeArb, { minLength: 1, maxLength: 10 }) }, { weight: 1, arbitrary: fc.array(nodeArb, { minLength: 100, maxLength: 130 }) }),
  shapes: fc.array(shapeArb, { minLength: 1, maxLength: 3 }),
  steps: fc.array(stepArb, { minLength: 1, maxLength: 30 }),
});

const randFrom = (seed: number) => {
  let x = (seed % 2147483646) + 1;
  return () => {
    x = (x * 16807) % 2147483647;
    return x / 2147483647;
  };
};

describe("remembered node-local verdicts decide as the full filter and score", () => {
  it("every cycle: same node, same start index, same statuses", () => {
    fc.assert(fc.property(scenarioArb, (sc) => {
      let infos = sc.nodes.map((s, i) => newNodeInfo(makeNodeFrom(`n${i}`, s), []));
      const memo = nodeVerdictsFor({});
      // the scheduler's snapshot summary, replaced when a node changes (as updateSnapshot does)
      let summary = summarizeSnapshot(infos);
      const nominated = new Map<string, Pod[]>();
      let start = 0;
      let podNo = 0;
      for (const step of sc.steps) {
        if (step.kind === "node") {
          const i = step.node % infos.length;
          infos = infos.slice();
          infos[i] = newNodeInfo(makeNodeFrom(infos[i]!.name, step.spec), infos[i]!.pods);
          summary = summarizeSnapshot(infos);
          continue;
        }
        if (step.kind === "nominate") {
          const name = infos[step.node % infos.length]!.name;
          nominated.set(name, [...(nominated.get(name) ?? []), makePodFrom(`nom-${podNo++}`, sc.shapes[step.shape % sc.shapes.length]!)]);
          continue;
        }
        const pod = makePodFrom(`p-${podNo++}`, sc.shapes[step.shape % sc.shapes.length]!);
        if (step.image !== null) for (const c of pod.spec!.containers) c.image = step.image;
        const want = plainSchedule(pod, infos, start, randFrom(step.seed), nominated);
        const got = schedulePod(pod, infos, start, randFrom(step.seed), { verdicts: memo, nominatedPods: nominated, summary });
        expect(got.nextStartIndex).toBe(want.next);
        expect(got.kind).toBe(want.kind);
        if (got.kind === "scheduled" && want.kind === "scheduled") {
          expect(got.nodeName).toBe(want.node);
          const i = infos.findIndex((ni) => ni.name === got.nodeName);
          infos = infos.slice();
          infos[i] = withPod(infos[i]!, { ...pod, spec: { ...pod.spec!, nodeName: got.nodeName } });
        } else if (got.kind === "unschedulable" && want.kind === "unschedulable") {
          expect(new Map([...got.diagnosis.nodeToStatus].map(([k, s]) => [k, { ...s }]))).toEqual(new Map([...want.statuses].map(([k, s]) => [k, { ...s }])));
        }
        start = got.nextStartIndex;
      }
    }), { numRuns: 400 });
  });

  it("a pod shape holds every field the node-local plugins read", () => {
    const base = makePodFrom("a", { tolerations: [], nodeSelector: null, required: null, preferred: null, containers: [{ image: "nginx:1.27", cpu: "100m", memory: "64Mi", hostPort: null }], nodeName: null, priority: 0, spread: false });
    const variants: Array<(p: Pod) => void> = [
      (p) => void (p.spec!.tolerations = [{ key: "a", operator: "Exists" }]),
      (p) => void (p.spec!.nodeName = "n0"),
      (p) => void (p.spec!.nodeSelector = { zone: "z1" }),
      (p) => void (p.spec!.affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: {} }] } }),
      (p) => void (p.spec!.containers[0]!.ports = [{ containerPort: 80, hostPort: 80 }]),
      (p) => void (p.spec!.containers[0]!.resources = { requests: { cpu: "200m" } }),
      (p) => void (p.spec!.containers[0]!.restartPolicy = "Always"),
      (p) => void (p.spec!.initContainers = [container({ cpu: "1" })]),
      (p) => void (p.spec!.overhead = { cpu: "10m" }),
      (p) => void ((p.spec as { resources?: unknown }).resources = { requests: { cpu: "1" } }),
    ];
    for (const change of variants) {
      const p = structuredClone(base);
      change(p);
      expect(podShape(p)).not.toEqual(podShape(base));
    }
    // and nothing else: a pod's name, labels, status and images do not split shapes
    const other = structuredClone(base);
    other.metadata = { name: "b", namespace: "other", labels: { app: "y" } };
    other.status = { phase: "Running" };
    other.spec!.containers[0]!.image = "nginx";
    expect(podShape(other)).toEqual(podShape(base));
  });
});

describe("NodeInfos of nodes with equal allocatable lists share one Resources", () => {
  it("each equals the list converted on its own", () => {
    const quantity = fc.oneof(fc.constantFrom("1", "4", "500m", "16Gi", "110", "1e3", "0"), fc.integer({ min: 0, max: 64 }));
    const names = ["cpu", "memory", "pods", "ephemeral-storage", "example.com/gpu", "hugepages-2Mi"];
    const listArb = fc.array(fc.tuple(fc.constantFrom(...names), quantity), { maxLength: 6 }).map((es) => Object.fromEntries(es));
    fc.assert(fc.property(fc.array(listArb, { minLength: 1, maxLength: 8 }), (lists) => {
      for (const [i, list] of lists.entries()) {
        const ni = newNodeInfo({ metadata: { name: `n${i}` }, status: { allocatable: list } } as Node, []);
        const want = { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: {} as Record<string, number> };
        for (const [k, v] of Object.entries(list)) {
          const n = k === "cpu" ? milliValue(v) : intValue(v);
          if (Number.isNaN(n)) continue;
          if (k === "cpu") want.milliCPU = n;
          else if (k === "memory") want.memory = n;
          else if (k === "ephemeral-storage") want.ephemeralStorage = n;
          else if (k === "pods") want.allowedPodNumber = n;
          else want.scalar[k] = n;
        }
        expect(ni.allocatable).toEqual(want);
      }
    }), { numRuns: 200 });
  });
});
