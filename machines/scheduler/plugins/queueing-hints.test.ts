// The QueueingHints of NodeResourcesFit, NodePorts, NodeUnschedulable, and the node hints of
// InterPodAffinity and PodTopologySpread, ported in meaning from kube-scheduler 1.35's tables
// (fit_test.go Test_isSchedulableAfterNodeChange and TestHaveAnyRequestedResourcesIncreased,
// node_unschedulable_test.go TestIsSchedulableAfterNodeChange, interpodaffinity's and
// podtopologyspread's Test_isSchedulableAfterNodeChange) and from nodeports' isSchedulableAfterPodDeleted. st.MakeNode().Capacity sets allocatable too,
// with 32 pods unless the row says otherwise.
import { describe, expect, it } from "vitest";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { isSchedulableAfterNodeChange as fitHint } from "./NodeResourcesFit/index.js";
import { isSchedulableAfterPodDeleted as portsHint } from "./NodePorts/index.js";
import { isSchedulableAfterNodeChange as unschedulableHint, isSchedulableAfterPodTolerationChange as unschedulablePodHint } from "./NodeUnschedulable/index.js";
import { unscheduledPodEvents, worthRequeuing } from "../queue.js";
import { isSchedulableAfterNodeChange as affinityHint } from "./InterPodAffinity/index.js";
import { isSchedulableAfterNodeChange as spreadHint, isSchedulableAfterNodeDelete as spreadDeleteHint } from "./PodTopologySpread/index.js";

const extA = "example.com/aaa";
const extB = "example.com/bbb";
const node = (resources: Record<string, string>, spec: Node["spec"] = {}): Node => {
  const allocatable = { pods: "32", ...resources };
  return { metadata: { name: "n" }, spec, status: { capacity: allocatable, allocatable } };
};
const requesting = (requests: Record<string, string>): Pod => ({ metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "i", resources: { requests } }] } });

describe("NodeResourcesFit isSchedulableAfterNodeChange", () => {
  const rows: Array<[string, Pod, Node | undefined, Node, boolean]> = [
    ["skip-queue-on-node-add-without-sufficient-resources", requesting({ memory: "2" }), undefined, node({ memory: "1" }), false],
    ["skip-queue-on-node-add-without-required-resource-type", requesting({ [extA]: "1" }), undefined, node({ [extB]: "1" }), false],
    ["queue-on-node-add-with-sufficient-resources", requesting({ memory: "2", [extA]: "1" }), undefined, node({ memory: "4", [extA]: "2" }), true],
    ["skip-queue-on-node-unrelated-changes", requesting({ memory: "2", [extA]: "1" }), node({ memory: "2", [extA]: "2" }), node({ memory: "2", [extA]: "1", [extB]: "2" }), false],
    ["queue-on-pod-requested-resources-increase", requesting({ memory: "2", [extA]: "1" }), node({ memory: "2", [extA]: "1" }), node({ memory: "2", [extA]: "2" }), true],
    ["skip-queue-on-node-changes-from-suitable-to-unsuitable", requesting({ memory: "2", [extA]: "1" }), node({ memory: "4", [extA]: "2" }), node({ memory: "1", [extA]: "2" }), false],
    ["queue-on-node-changes-from-unsuitable-to-suitable", requesting({ memory: "2", [extA]: "1" }), node({ memory: "1", [extA]: "2" }), node({ memory: "4", [extA]: "2" }), true],
    // TestHaveAnyRequestedResourcesIncreased, with nodes the pod fits on
    ["no-requested-resources: more of everything but pods helps no pod without requests", requesting({}), node({ pods: "1", cpu: "1", memory: "1", "ephemeral-storage": "1", [extA]: "1" }), node({ pods: "1", cpu: "2", memory: "2", "ephemeral-storage": "2", [extA]: "2" }), false],
    ["no-requested-resources-pods-increased", requesting({}), node({ pods: "1", cpu: "1", memory: "1", "ephemeral-storage": "1", [extA]: "1" }), node({ pods: "2", cpu: "1", memory: "1", "ephemeral-storage": "1", [extA]: "1" }), true],
    ["requested-resources-increased", requesting({ cpu: "2m", memory: "2", "ephemeral-storage": "2", [extA]: "2" }), node({ pods: "1", cpu: "1", memory: "2", "ephemeral-storage": "3", [extA]: "4" }), node({ pods: "1", cpu: "3", memory: "4", "ephemeral-storage": "3", [extA]: "4" }), true],
    ["requested-resources-decreased", requesting({ cpu: "2m", memory: "2", "ephemeral-storage": "2", [extA]: "2" }), node({ pods: "1", cpu: "1", memory: "2", "ephemeral-storage": "3", [extA]: "4" }), node({ pods: "1", cpu: "1", memory: "2", "ephemeral-storage": "2", [extA]: "3" }), false],
  ];
  it.each(rows)("%s", (_name, pod, old, cur, want) => {
    expect(fitHint(pod, old, cur)).toBe(want);
  });
});

describe("NodeUnschedulable isSchedulableAfterNodeChange", () => {
  const cordoned = node({}, { unschedulable: true });
  const open = node({}, { unschedulable: false });
  const rows: Array<[string, Node | undefined, Node, boolean]> = [
    ["skip-queue-on-unschedulable-node-added", undefined, cordoned, false],
    ["queue-on-schedulable-node-added", undefined, open, true],
    ["skip-unrelated-change (a taint added to a schedulable node)", open, node({}, { unschedulable: false, taints: [{ key: "node.kubernetes.io/not-ready", effect: "NoExecute" }] }), false],
    ["skip-unrelated-change-on-a-cordoned-node", cordoned, node({}, { unschedulable: true, taints: [{ key: "k", effect: "NoSchedule" }] }), false],
    ["queue-on-unschedulable-field-change", cordoned, open, true],
  ];
  const pod: Pod = { metadata: { name: "p" }, spec: { containers: [] } };
  it.each(rows)("%s", (_name, old, cur, want) => {
    expect(unschedulableHint(pod, old, cur)).toBe(want);
  });
});

describe("NodePorts isSchedulableAfterPodDeleted", () => {
  const withPorts = (ports: Array<{ hostPort?: number; hostIP?: string; protocol?: string }>, nodeName?: string, nominated?: string): Pod => ({
    metadata: { name: "x" },
    spec: { nodeName, containers: [{ name: "c", image: "i", ports: ports.map((p) => ({ containerPort: 80, ...p })) }] },
    status: nominated ? { nominatedNodeName: nominated } : {},
  });
  const waiting = withPorts([{ hostPort: 8080 }]);
  const rows: Array<[string, Pod, boolean]> = [
    ["skip: the deleted pod was neither scheduled nor nominated", withPorts([{ hostPort: 8080 }]), false],
    ["skip: the deleted pod used no host port", withPorts([{}], "n"), false],
    ["skip: the deleted pod's host ports are other ports", withPorts([{ hostPort: 8081 }], "n"), false],
    ["skip: same port, other protocol", withPorts([{ hostPort: 8080, protocol: "UDP" }], "n"), false],
    ["queue: the deleted scheduled pod held the port", withPorts([{ hostPort: 8080 }], "n"), true],
    ["queue: the deleted pod was only nominated, and held the port", withPorts([{ hostPort: 8080 }], undefined, "n"), true],
    ["queue: a port on one IP conflicts with the waiting pod's 0.0.0.0", withPorts([{ hostPort: 8080, hostIP: "10.0.0.1" }], "n"), true],
  ];
  it.each(rows)("%s", (_name, deleted, want) => {
    expect(portsHint(waiting, deleted)).toBe(want);
  });
});

const labelled = (labels: Record<string, string>, taints?: Array<{ key: string; value?: string; effect: string }>): Node => ({ metadata: { name: "node-a", labels }, spec: taints ? { taints } : {} });

describe("InterPodAffinity isSchedulableAfterNodeChange", () => {
  const affinity = (topologyKey: string): Pod => ({
    metadata: { name: "p" },
    spec: { containers: [], affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey, labelSelector: { matchExpressions: [{ key: "service", operator: "In", values: ["securityscan", "value2"] }] } }] } } },
  });
  const anti: Pod = {
    metadata: { name: "p" },
    spec: { containers: [], affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "zone", labelSelector: { matchLabels: { another: "label" } } }] } } },
  };
  const rows: Array<[string, Pod, Node | undefined, Node, boolean]> = [
    ["add a new node with matched pod affinity topologyKey", affinity("zone"), undefined, labelled({ zone: "zone1" }), true],
    ["add a new node without matched topologyKey", affinity("region"), undefined, labelled({ zone: "zone1" }), false],
    ["update node label but not topologyKey", affinity("zone"), labelled({ aaa: "a" }), labelled({ aaa: "b" }), false],
    ["update node label that isn't related to the pod affinity", affinity("zone"), labelled({ zone: "zone1" }), labelled({ zone: "zone1", "unrelated-label": "unrelated" }), false],
    ["update node with different affinity topologyKey value", affinity("zone"), labelled({ zone: "zone1" }), labelled({ zone: "zone2" }), true],
    ["update node to have the affinity topology label", affinity("zone"), labelled({ aaa: "a" }), labelled({ zone: "zone1" }), true],
    ["add a new node with matched pod anti-affinity topologyKey", anti, undefined, labelled({ zone: "zone1" }), true],
    ["add a new node without matched pod anti-affinity topologyKey", anti, undefined, labelled({}), true],
    ["update node label that isn't related to the pod anti-affinity", anti, labelled({ zone: "zone1" }), labelled({ zone: "zone1", "unrelated-label": "unrelated" }), false],
    ["update node with different anti-affinity topologyKey value", anti, labelled({ zone: "zone1" }), labelled({ zone: "zone2" }), true],
    ["update node to have the anti-affinity topology label", anti, labelled({ aaa: "a" }), labelled({ zone: "zone1" }), false],
    ["update node label not to have anti-affinity topology label", anti, labelled({ zone: "zone1" }), labelled({ aaa: "a" }), true],
  ];
  it.each(rows)("%s", (_name, pod, old, cur, want) => {
    expect(affinityHint(pod, old, cur)).toBe(want);
  });
});

describe("PodTopologySpread isSchedulableAfterNodeChange", () => {
  const spread = (...keys: string[]): Pod => ({
    metadata: { name: "p" },
    spec: { containers: [], topologySpreadConstraints: keys.map((topologyKey) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchExpressions: [{ key: "foo", operator: "Exists" }] } })) },
  });
  const ns = [{ key: "aaa", value: "bbb", effect: "NoSchedule" }];
  const nsOther = [{ key: "ccc", value: "bbb", effect: "NoSchedule" }];
  const rows: Array<[string, Pod, Node | undefined, Node, boolean]> = [
    ["node updates label which matches topologyKey", spread("zone"), labelled({ zone: "zone1" }), labelled({ zone: "zone2" }), true],
    ["node that doesn't match topologySpreadConstraints updates non-related label", spread("zone"), labelled({ foo: "bar1" }), labelled({ foo: "bar2" }), false],
    ["node that match topologySpreadConstraints adds non-related label", spread("zone", "node"), labelled({ zone: "zone1", node: "node1", foo: "bar" }), labelled({ zone: "zone1", node: "node1" }), false],
    ["create node with non-related labels", spread("zone"), undefined, labelled({ foo: "bar" }), false],
    ["create node with related labels", spread("zone"), undefined, labelled({ zone: "zone1" }), true],
    ["add node with related labels that only match one of topologySpreadConstraints", spread("zone", "node"), undefined, labelled({ zone: "zone1" }), false],
    ["add node with related labels that match all topologySpreadConstraints", spread("zone", "node"), undefined, labelled({ zone: "zone1", node: "node1" }), true],
    ["update node with related labels that only match one of topologySpreadConstraints", spread("zone", "node"), labelled({ zone: "zone1" }), labelled({ zone: "zone1" }), false],
    ["update node with related labels that match all topologySpreadConstraints", spread("zone", "node"), labelled({ zone: "zone1", node: "node1" }), labelled({ zone: "zone1", node: "node2" }), true],
    ["update node with different taints that match all topologySpreadConstraints", spread("zone", "node"), labelled({ zone: "zone1", node: "node1" }, ns), labelled({ zone: "zone1", node: "node1" }, nsOther), true],
    ["update node with different taints that only match one of topologySpreadConstraints", spread("zone", "node"), labelled({ node: "node1" }, ns), labelled({ node: "node1" }, nsOther), false],
  ];
  it.each(rows)("%s", (_name, pod, old, cur, want) => {
    expect(spreadHint(pod, old, cur)).toBe(want);
  });
  const deleted: Array<[string, Pod, Node, boolean]> = [
    ["delete node with non-related labels", spread("zone"), labelled({ foo: "bar" }), false],
    ["delete node with related labels", spread("zone"), labelled({ zone: "zone1" }), true],
  ];
  it.each(deleted)("%s", (_name, pod, old, want) => {
    expect(spreadDeleteHint(pod, old)).toBe(want);
    // through isPodWorthRequeuing: of the default Filter plugins only PodTopologySpread registers a node's deletion
    expect(worthRequeuing(["PodTopologySpread"], ["NodeDelete"], pod, { node: { old } })).toBe(want);
    expect(worthRequeuing(["NodeAffinity", "InterPodAffinity", "NodeResourcesFit", "TaintToleration"], ["NodeDelete"], pod, { node: { old } })).toBe(false);
  });
});

describe("NodeUnschedulable isSchedulableAfterPodTolerationChange (TestIsSchedulableAfterPodTolerationChange)", () => {
  const withUid = (uid: string, key?: string): Pod => ({ metadata: { name: "p", uid }, spec: { containers: [], ...(key ? { tolerations: [{ key, operator: "Exists" }] } : {}) } });
  const rows: Array<[string, Pod, Pod, boolean]> = [
    ["skip-different-pod-update", withUid("uid"), withUid("different-uid", "node.kubernetes.io/unschedulable"), false],
    ["queue-when-the-unsched-pod-gets-toleration", withUid("uid"), withUid("uid", "node.kubernetes.io/unschedulable"), true],
    ["skip-when-the-unsched-pod-gets-unrelated-toleration", withUid("uid"), withUid("uid", "unrelated-key"), false],
  ];
  it.each(rows)("%s", (_name, pod, modified, want) => {
    expect(unschedulablePodHint(pod, modified)).toBe(want);
  });
});

describe("an unschedulable pod's own update (PodSchedulingPropertiesChange, isPodWorthRequeuing)", () => {
  const base: Pod = { metadata: { name: "p", uid: "uid", labels: { app: "a" } }, spec: { containers: [] } };
  const relabelled: Pod = { ...base, metadata: { ...base.metadata, labels: { app: "b" } } };
  const annotated: Pod = { ...base, metadata: { ...base.metadata, annotations: { note: "x" } } };
  const tolerating: Pod = { ...base, spec: { containers: [], tolerations: [{ key: "k", operator: "Exists" }] } };
  it("names a label change, a toleration added, and anything else as some other update", () => {
    expect(unscheduledPodEvents(base, relabelled)).toEqual(["UnscheduledPodLabel"]);
    expect(unscheduledPodEvents(base, tolerating)).toEqual(["UnscheduledPodTolerations"]);
    expect(unscheduledPodEvents(base, annotated)).toEqual(["UnscheduledPodOther"]);
  });
  const change = (old: Pod, cur: Pod) => ({ pod: { old, cur } });
  it("retries a pod InterPodAffinity rejected when its own labels change, not when it is annotated", () => {
    expect(worthRequeuing(["InterPodAffinity"], unscheduledPodEvents(base, relabelled), relabelled, change(base, relabelled))).toBe(true);
    expect(worthRequeuing(["InterPodAffinity"], unscheduledPodEvents(base, annotated), annotated, change(base, annotated))).toBe(false);
  });
  it("retries a pod TaintToleration rejected when it gains a toleration, and never one NodeAffinity or NodeResourcesFit rejected", () => {
    expect(worthRequeuing(["TaintToleration"], unscheduledPodEvents(base, tolerating), tolerating, change(base, tolerating))).toBe(true);
    expect(worthRequeuing(["NodeAffinity"], unscheduledPodEvents(base, relabelled), relabelled, change(base, relabelled))).toBe(false);
    expect(worthRequeuing(["NodeResourcesFit"], unscheduledPodEvents(base, tolerating), tolerating, change(base, tolerating))).toBe(false);
  });
  it("retries a pod no plugin rejected (no nodes, an error) at any update", () => {
    expect(worthRequeuing([], unscheduledPodEvents(base, annotated), annotated, change(base, annotated))).toBe(true);
  });
});
