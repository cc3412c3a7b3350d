// The per-node matching-pod counts remembered between cycles must give exactly the filter verdicts
// and scores of counting every node's pods afresh: random nodes (hostnames, zones, missing keys) and
// pods (labels, namespaces, terminating) change between cycles as the scheduler's cache changes them
// (pods added in place or on a copy, assumed then forgotten, deleted, nodes relabelled), and incoming
// pods of repeating selectors (their own constraints, or the system defaults from a Service and a
// ReplicaSet) go through both plugins at every step.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Node, Pod, TopologySpreadConstraint } from "kubernetes-types/core/v1";
import { addPodToNodeInfo, type NodeInfo, type NodeScore, newNodeInfo, withPod } from "../../framework.js";
import { type SpreadListers, SpreadListersKey } from "../spread.js";
import { PodTopologySpread, PodTopologySpreadReference } from "./index.js";

const hostname = "kubernetes.io/hostname";
const zone = "topology.kubernetes.io/zone";

const labelsArb = fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("a", "b"), { maxKeys: 2 });
const nodeArb = fc.record({ host: fc.boolean(), zone: fc.option(fc.constantFrom("z1", "z2", "z3")) });
const podArb = fc.record({ labels: labelsArb, namespace: fc.constantFrom("default", "other"), terminating: fc.boolean() });
const selectorArb = fc.option(fc.oneof(
  labelsArb.map((m) => ({ matchLabels: m })),
  fc.record({ key: fc.constantFrom("app", "tier"), operator: fc.constantFrom("In", "NotIn", "Exists", "DoesNotExist"), values: fc.constantFrom(["a"], ["a", "b"]) })
    .map((e) => ({ matchExpressions: [e.operator === "Exists" || e.operator === "DoesNotExist" ? { key: e.key, operator: e.operator } : e] })),
), { nil: undefined });
const constraintArb = fc.record({
  maxSkew: fc.integer({ min: 1, max: 3 }),
  topologyKey: fc.constantFrom(hostname, zone, "zone"),
  whenUnsatisfiable: fc.constantFrom("DoNotSchedule", "ScheduleAnyway"),
  labelSelector: selectorArb,
  minDomains: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  matchLabelKeys: fc.option(fc.constant(["tier"]), { nil: undefined }),
}) as fc.Arbitrary<TopologySpreadConstraint>;
// an incoming pod: its own constraints, or none (the system defaults then select by the Service and ReplicaSet)
const incomingArb = fc.record({ labels: labelsArb, namespace: fc.constantFrom("default", "other"), constraints: fc.array(constraintArb, { maxLength: 3 }), owned: fc.boolean() });

const stepArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom("add" as const, "assume" as const), node: fc.nat(), pod: podArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("forget" as const), node: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), node: fc.nat(), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("relabel" as const), node: fc.nat(), spec: nodeArb }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("cycle" as const), incoming: fc.nat(), feasible: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }) }) },
);

const scenarioArb = fc.record({
  nodes: fc.array(nodeArb, { minLength: 1, maxLength: 6 }),
  pods: fc.array(fc.tuple(fc.nat(), podArb), { maxLength: 20 }),
  incoming: fc.array(incomingArb, { minLength: 1, maxLength: 3 }),
  service: labelsArb,
  steps: fc.array(stepArb, { minLength: 1, maxLength: 40 }),
});

function makeNode(name: string, s: { host: boolean; zone: string | null }): Node {
  const labels: Record<string, string> = {};
  if (s.host) labels[hostname] = name;
  if (s.zone !== null) { labels[zone] = s.zone; labels.zone = s.zone; }
  return { metadata: { name, labels }, spec: {}, status: { allocatable: { pods: "110" } } };
}

let podNo = 0;
function makePod(nodeName: string, s: { labels: Record<string, string>; namespace: string; terminating: boolean }): Pod {
  const name = `p${podNo++}`;
  return {
    metadata: { name, namespace: s.namespace, uid: name, labels: s.labels, ...(s.terminating ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
    spec: { nodeName, containers: [] },
  };
}

function cycle(plugin: typeof PodTopologySpread, pod: Pod, all: NodeInfo[], feasible: NodeInfo[], listers: SpreadListers) {
  const state = new Map<string, unknown>([[SpreadListersKey, listers]]);
  const pre = plugin.preFilter(state, pod, all);
  const verdicts = all.map((ni) => plugin.filter(state, pod, ni));
  const skip = plugin.preScore(state, pod, feasible, all);
  const scores: NodeScore[] = skip === "Skip" ? [] : feasible.map((ni) => ({ name: ni.name, score: plugin.score(state, pod, ni) }));
  if (skip !== "Skip") plugin.normalize(state, pod, scores);
  return { pre, verdicts, skip, scores };
}

describe("remembered per-node spreading counts score and filter as counting afresh", () => {
  it("every cycle: the same PreFilter, Filter verdicts, PreScore and normalized scores", () => {
    fc.assert(fc.property(scenarioArb, (sc) => {
      let infos = sc.nodes.map((s, i) => newNodeInfo(makeNode(`n${i}`, s), sc.pods.filter(([n]) => n % sc.nodes.length === i).map(([, p]) => makePod(`n${i}`, p))));
      // each node's NodeInfos before an assume, for forget to go back to
      const before: (NodeInfo | undefined)[] = infos.map(() => undefined);
      const rs = { kind: "ReplicaSet", spec: { selector: { matchLabels: { app: "a" } } } };
      const listers: SpreadListers = {
        services: (ns) => (ns === "default" ? [{ spec: { selector: sc.service } }] : []),
        controller: (kind, _ns, name) => (kind === "ReplicaSet" && name === "rs" ? rs : undefined),
      };
      const incoming = sc.incoming.map((s, i): Pod => ({
        metadata: { name: `in${i}`, namespace: s.namespace, uid: `in${i}`, labels: s.labels, ...(s.owned ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "rs", controller: true }] } : {}) },
        spec: { containers: [], topologySpreadConstraints: s.constraints },
      }));
      for (const step of sc.steps) {
        const i = "node" in step ? step.node % infos.length : 0;
        const ni = infos[i]!;
        if (step.kind === "add") {
          // the list grows in place, as a NodeInfo being built does
          addPodToNodeInfo(ni, makePod(ni.name, step.pod));
        } else if (step.kind === "assume") {
          before[i] = ni;
          infos = infos.with(i, withPod(ni, makePod(ni.name, step.pod)));
        } else if (step.kind === "forget") {
          const prev = before[i];
          if (prev !== undefined) infos = infos.with(i, prev);
          before[i] = undefined;
        } else if (step.kind === "delete") {
          if (ni.pods.length > 0) infos = infos.with(i, newNodeInfo(ni.node, ni.pods.filter((_, j) => j !== step.at % ni.pods.length)));
        } else if (step.kind === "relabel") {
          infos = infos.with(i, newNodeInfo(makeNode(ni.name, step.spec), ni.pods));
        } else {
          const pod = incoming[step.incoming % incoming.length]!;
          const feasible = infos.filter((_, j) => step.feasible[j % 8]);
          expect(cycle(PodTopologySpread, pod, infos, feasible, listers)).toEqual(cycle(PodTopologySpreadReference, pod, infos, feasible, listers));
        }
      }
    }), { numRuns: 500 });
  });
});
