// The DaemonSet controller's decisions, with expectations transcribed from Kubernetes' tests
// (pkg/controller/daemon/daemon_controller_test.go, update_test.go, util/daemonset_util_test.go,
// v1.35): TestNodeShouldRunDaemonPod, the tainted-node tests, TestDealsWithExistingPods,
// TestDaemonKillFailedPods, TestDaemonSetUpdatesPods(WithMaxSurge), TestReplaceDaemonSetPodNodeNameNodeAffinity,
// TestGetTargetNodeName. Kubernetes' fake pod control observes each creation and deletion at once,
// so its syncs run manage and then rollingUpdate on the changed store: sync() below does the same.

import { describe, expect, it } from "vitest";
import type { DaemonSet } from "kubernetes-types/apps/v1";
import type { Node, Pod, Taint, Toleration } from "kubernetes-types/core/v1";
import { claimPods } from "../common/claim.js";
import * as L from "./daemonset.logic.js";

const simpleDaemonSetLabel = { name: "simple-daemon", type: "production" };
const simpleDaemonSetLabel2 = { name: "simple-daemon", type: "test" };

function newDaemonSet(edit: (ds: any) => void = () => {}): DaemonSet {
  const ds: any = {
    apiVersion: "apps/v1", kind: "DaemonSet",
    metadata: { name: "foo", namespace: "default", uid: "ds-uid", generation: 1, annotations: { [L.TEMPLATE_GENERATION_ANNOTATION]: "1" } },
    spec: {
      selector: { matchLabels: simpleDaemonSetLabel },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      template: { metadata: { labels: simpleDaemonSetLabel }, spec: { containers: [{ name: "foo", image: "foo/bar" }], restartPolicy: "Always" } },
    },
  };
  edit(ds);
  return ds;
}

function newNode(name: string, labels: Record<string, string> = simpleDaemonSetLabel, taints?: Taint[]): Node {
  return { metadata: { name, labels }, spec: taints ? { taints } : {} };
}

describe("NodeShouldRunDaemonPod (TestNodeShouldRunDaemonPod)", () => {
  // Kubernetes' rows in its order, each run under both update strategies, on newNode("test-node",
  // simpleDaemonSetLabel) with 100M memory, 1 cpu and 100 pods allocatable. Three rows also put a
  // pod on the node (host port 666, 50M): NodeShouldRunDaemonPod never reads the pods, so resources
  // and host ports are left to the default scheduler and those rows expect a pod.
  const resourcePodSpec = (nodeName: string, memory: string, cpu: string) => ({
    ...(nodeName ? { nodeName } : {}),
    containers: [{ name: "foo", image: "bar", resources: { requests: { memory, cpu } } }],
    terminationGracePeriodSeconds: 0,
  });
  const affinityIn = (value: string) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "type", operator: "In", values: [value] }] }] } } });
  const goRows: [string, any, boolean, L.ShouldRun][] = [
    ["ShouldRunDaemonPod", resourcePodSpec("", "50M", "0.5"), false, { shouldRun: true, shouldContinueRunning: true }],
    ["InsufficientResourceError (200M asked of 100M)", resourcePodSpec("", "200M", "0.5"), false, { shouldRun: true, shouldContinueRunning: true }],
    ["ErrPodNotMatchHostName", resourcePodSpec("other-node", "50M", "0.5"), false, { shouldRun: false, shouldContinueRunning: false }],
    ["ErrPodNotFitsHostPorts (a pod on the node holds host port 666)", { containers: [{ ports: [{ hostPort: 666 }] }] }, false, { shouldRun: true, shouldContinueRunning: true }],
    ["InsufficientResourceError (100M asked, a pod on the node uses 50M)", resourcePodSpec("", "100M", "0.5"), false, { shouldRun: true, shouldContinueRunning: true }],
    ["ShouldRunDaemonPod (50M asked, a pod on the node uses 50M)", resourcePodSpec("", "50M", "0.5"), false, { shouldRun: true, shouldContinueRunning: true }],
    ["ErrNodeSelectorNotMatch", { nodeSelector: simpleDaemonSetLabel2 }, false, { shouldRun: false, shouldContinueRunning: false }],
    ["ShouldRunDaemonPod (matching nodeSelector)", { nodeSelector: simpleDaemonSetLabel }, false, { shouldRun: true, shouldContinueRunning: true }],
    ["ErrPodAffinityNotMatch", { affinity: affinityIn("test") }, false, { shouldRun: false, shouldContinueRunning: false }],
    ["ShouldRunDaemonPod (matching node affinity)", { affinity: affinityIn("production") }, false, { shouldRun: true, shouldContinueRunning: true }],
    ["ShouldRunDaemonPodOnUnschedulableNode", resourcePodSpec("", "50M", "0.5"), true, { shouldRun: true, shouldContinueRunning: true }],
  ];
  const strategies = [{ type: "OnDelete" }, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }];
  for (const [name, podSpec, unschedulable, want] of goRows) {
    it.each(strategies)(`${name} ($type)`, (strategy) => {
      const node: Node = { metadata: { name: "test-node", labels: simpleDaemonSetLabel }, spec: { unschedulable }, status: { allocatable: { memory: "100M", cpu: "1", pods: "100" } } };
      const ds = newDaemonSet((d) => {
        d.metadata = {};
        d.spec = { selector: { matchLabels: simpleDaemonSetLabel }, template: { metadata: { labels: simpleDaemonSetLabel }, spec: podSpec }, updateStrategy: strategy };
      });
      expect(L.nodeShouldRunDaemonPod(node, ds)).toEqual(want);
    });
  }

  // Beyond that table: the taints the daemon pod tolerates by default (AddOrUpdateDaemonPodTolerations)
  // and the tainted-node tests of daemon_controller_test.go.
  const rows: [string, (ds: any) => void, Partial<Node["spec"]>, L.ShouldRun][] = [
    ["ShouldRunDaemonPodOnUnschedulableNode with its taint: tolerated by default", () => {}, { unschedulable: true, taints: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }] }, { shouldRun: true, shouldContinueRunning: true }],
    ["a NoSchedule taint without toleration: no new pod, a running one stays (TestTaintedNodeDaemonDoesNotLaunchIntolerantPod, TestNoScheduleTaintedDoesntEvicitRunningIntolerantPod)", () => {}, { taints: [{ key: "dedicated", value: "user1", effect: "NoSchedule" }] }, { shouldRun: false, shouldContinueRunning: true }],
    ["a NoExecute taint without toleration: no pod at all (TestNoExecuteTaintedDoesEvicitRunningIntolerantPod)", () => {}, { taints: [{ key: "dedicated", value: "user1", effect: "NoExecute" }] }, { shouldRun: false, shouldContinueRunning: false }],
    ["a tolerated NoSchedule taint (TestTaintedNodeDaemonLaunchesToleratePod)", (ds) => (ds.spec.template.spec.tolerations = [{ key: "dedicated", value: "user1", effect: "NoSchedule" }]), { taints: [{ key: "dedicated", value: "user1", effect: "NoSchedule" }] }, { shouldRun: true, shouldContinueRunning: true }],
    ["tolerations on an untainted node change nothing (TestNodeDaemonLaunchesToleratePod)", (ds) => (ds.spec.template.spec.tolerations = [{ key: "dedicated", value: "user1", effect: "NoSchedule" }]), {}, { shouldRun: true, shouldContinueRunning: true }],
    ["a not-ready NoExecute taint is tolerated by default (TestNotReadyNodeDaemonLaunchesPod)", () => {}, { taints: [{ key: "node.kubernetes.io/not-ready", effect: "NoExecute" }] }, { shouldRun: true, shouldContinueRunning: true }],
    ["an unreachable NoExecute taint is tolerated by default (TestUnreachableNodeDaemonLaunchesPod)", () => {}, { taints: [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }] }, { shouldRun: true, shouldContinueRunning: true }],
    ["disk, memory and pid pressure are tolerated by default (TestTaintPressureNodeDaemonLaunchesPod)", () => {},
      { taints: ["disk-pressure", "memory-pressure", "pid-pressure"].map((k) => ({ key: `node.kubernetes.io/${k}`, effect: "NoSchedule" })) }, { shouldRun: true, shouldContinueRunning: true }],
    ["network-unavailable is not tolerated by a pod on the pod network", () => {}, { taints: [{ key: "node.kubernetes.io/network-unavailable", effect: "NoSchedule" }] }, { shouldRun: false, shouldContinueRunning: true }],
    ["network-unavailable is tolerated by a hostNetwork pod", (ds) => (ds.spec.template.spec.hostNetwork = true), { taints: [{ key: "node.kubernetes.io/network-unavailable", effect: "NoSchedule" }] }, { shouldRun: true, shouldContinueRunning: true }],
    ["the docs' fluentd tolerates the control-plane taint", (ds) => (ds.spec.template.spec.tolerations = [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }]),
      { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] }, { shouldRun: true, shouldContinueRunning: true }],
  ];
  for (const [name, edit, spec, want] of rows) {
    it(name, () => {
      const node: Node = { metadata: { name: "test-node", labels: simpleDaemonSetLabel }, spec };
      expect(L.nodeShouldRunDaemonPod(node, newDaemonSet(edit))).toEqual(want);
    });
  }
});

describe("the daemon pod (CreatePodTemplate, AddOrUpdateDaemonPodTolerations, ReplaceDaemonSetPodNodeNameNodeAffinity)", () => {
  const defaults: Toleration[] = [
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
    { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
    { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
  ];
  it("gets the template's tolerations then the daemon ones, the labels and the node's matchFields affinity", () => {
    const own = { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" };
    const pod = L.newDaemonPod(newDaemonSet((ds) => (ds.spec.template.spec.tolerations = [own])), "node-1", "5d8f7b4c6");
    expect(pod.spec?.tolerations).toEqual([own, ...defaults]);
    expect(pod.metadata?.labels).toEqual({ ...simpleDaemonSetLabel, "pod-template-generation": "1", "controller-revision-hash": "5d8f7b4c6" });
    expect(pod.metadata?.generateName).toBe("foo-");
    expect(pod.metadata?.ownerReferences).toEqual([{ apiVersion: "apps/v1", kind: "DaemonSet", name: "foo", uid: "ds-uid", controller: true, blockOwnerDeletion: true }]);
    expect(pod.spec?.affinity).toEqual({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-1"] }] }] } } });
  });
  it("replaces a matching toleration that carries tolerationSeconds, and adds network-unavailable for hostNetwork", () => {
    const spec = L.addOrUpdateDaemonPodTolerations({ hostNetwork: true, containers: [], tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }] });
    expect(spec.tolerations).toEqual([...defaults, { key: "node.kubernetes.io/network-unavailable", operator: "Exists", effect: "NoSchedule" }]);
  });
  it("replaces the required terms, keeping preferred affinity (TestReplaceDaemonSetPodNodeNameNodeAffinity)", () => {
    const preferred = [{ weight: 1, preference: { matchExpressions: [{ key: "disk", operator: "In", values: ["ssd"] }] } }];
    const got = L.replaceNodeNameAffinity({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["host_1", "host_2"] }] }] }, preferredDuringSchedulingIgnoredDuringExecution: preferred } }, "host_1");
    expect(got).toEqual({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["host_1"] }] }] }, preferredDuringSchedulingIgnoredDuringExecution: preferred } });
  });
  it("finds the target node from nodeName or the single matchFields value (TestGetTargetNodeName)", () => {
    const byAffinity = (values: string[]): Pod => ({ spec: { containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values }] }] } } } } });
    expect(L.targetNodeName({ spec: { containers: [], nodeName: "node-1" } })).toBe("node-1");
    expect(L.targetNodeName(byAffinity(["node-1"]))).toBe("node-1");
    expect(L.targetNodeName(byAffinity(["node-1", "node-2"]))).toBeUndefined();
    expect(L.targetNodeName({ spec: { containers: [] } })).toBeUndefined();
  });
});

// ---- a store of pods driven by the controller's decisions, as Kubernetes' fakePodControl keeps it ----

interface World {
  ds: DaemonSet;
  nodes: Node[];
  pods: Pod[];
  now: number;
  seq: number;
  backoff: Map<string, L.BackoffEntry>;
}

function world(ds: DaemonSet, nodes: Node[]): World {
  return { ds, nodes, pods: [], now: Date.parse("2026-01-01T00:00:00Z"), seq: 0, backoff: new Map() };
}

// newPod of the Go tests: a pod of the DaemonSet carries its current hash unless labels are given.
function podOn(w: World, node: string, labels: Record<string, string> = { ...simpleDaemonSetLabel, [L.CONTROLLER_REVISION_HASH_LABEL]: L.revisionHash(w.ds) }, phase = "Running"): Pod {
  const name = `pod-${w.seq++}`;
  return { metadata: { name, namespace: "default", labels, creationTimestamp: new Date(w.now + w.seq).toISOString(), ownerReferences: [L.daemonSetControllerRef(w.ds)] }, spec: { containers: [], nodeName: node }, status: { phase } };
}

function apply(w: World, plan: L.NodePlan, hash: string): [number, number] {
  w.pods = w.pods.filter((p) => !plan.delete.includes(p.metadata!.name!));
  // a created pod as the fake keeps it: the template's labels, bound where its affinity points
  for (const node of plan.create) w.pods.push(podOn(w, node, L.newDaemonPod(w.ds, node, hash).metadata!.labels!));
  for (const [k, v] of plan.backoff) w.backoff.set(k, v);
  return [plan.create.length, plan.delete.length];
}

/** One syncDaemonSet with the fake pod control: manage, then (expectations met at once) rollingUpdate. */
function sync(w: World): [creates: number, deletes: number] {
  const hash = L.revisionHash(w.ds);
  const input = () => ({ ds: w.ds, nodes: w.nodes, pods: w.pods, hash, nowMs: w.now, backoff: w.backoff });
  const [c1, d1] = apply(w, L.manage(input()), hash);
  if (w.ds.spec?.updateStrategy?.type !== "RollingUpdate") return [c1, d1];
  const [c2, d2] = apply(w, L.rollingUpdate(input()), hash);
  return [c1 + c2, d1 + d2];
}

function markPodsReady(w: World): void {
  w.pods = w.pods.map((p) => ({ ...p, status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: new Date(w.now).toISOString() }] } }));
}

const nodesN = (n: number) => Array.from({ length: n }, (_, i) => newNode(`node-${i}`));

describe("manage", () => {
  it("creates one pod per fitting node and nothing more on the next sync", () => {
    const w = world(newDaemonSet(), nodesN(5));
    expect(sync(w)).toEqual([5, 0]);
    expect(new Set(w.pods.map((p) => L.targetNodeName(p))).size).toBe(5);
    expect(sync(w)).toEqual([0, 0]);
  });
  it("a tainted node without toleration gets no pod (TestTaintedNodeDaemonDoesNotLaunchIntolerantPod)", () => {
    const w = world(newDaemonSet(), [newNode("tainted", simpleDaemonSetLabel, [{ key: "dedicated", value: "user1", effect: "NoSchedule" }])]);
    expect(sync(w)).toEqual([0, 0]);
  });
  it("an intolerant pod on a node tainted NoExecute is deleted, on one tainted NoSchedule it stays", () => {
    for (const [effect, want] of [["NoExecute", [0, 1]], ["NoSchedule", [0, 0]]] as const) {
      const w = world(newDaemonSet(), [newNode("n", simpleDaemonSetLabel, [{ key: "dedicated", value: "user1", effect }])]);
      w.pods.push(podOn(w, "n"));
      expect(sync(w)).toEqual(want);
    }
  });
  it("creates on nodes without pods and deletes all but the oldest elsewhere (TestDealsWithExistingPods)", () => {
    const w = world(newDaemonSet(), nodesN(5));
    for (const [node, count] of [["node-1", 1], ["node-2", 2], ["node-3", 5]] as const) for (let i = 0; i < count; i++) w.pods.push(podOn(w, node));
    // node-4's pods carry simpleDaemonSetLabel2: the selector releases them, so they are not the DaemonSet's
    expect(sync(w)).toEqual([2, 5]);
  });
  it("deletes pods on nodes that no longer match the nodeSelector (TestSelectorDaemonDeletesUnselectedPods)", () => {
    const w = world(newDaemonSet((ds) => (ds.spec.template.spec.nodeSelector = simpleDaemonSetLabel2)), [...nodesN(2), newNode("node-t", simpleDaemonSetLabel2)]);
    w.pods.push(podOn(w, "node-0", simpleDaemonSetLabel), podOn(w, "node-1", simpleDaemonSetLabel));
    expect(sync(w)).toEqual([1, 2]);
  });
  const failed: [string, number, number, number, number, number][] = [
    ["normal (do nothing)", 0, 1, 0, 0, 0],
    ["no pods (create 1)", 0, 0, 1, 0, 0],
    ["1 failed pod (kill 1), 0 normal pod (create 0; will create in the next sync)", 1, 0, 0, 1, 1],
    ["1 failed pod (kill 1), 3 normal pods (kill 2)", 1, 3, 0, 3, 1],
  ];
  for (const [name, numFailed, numNormal, creates, deletes, events] of failed) {
    it(`TestDaemonKillFailedPods: ${name}`, () => {
      const w = world(newDaemonSet(), [newNode("node-0")]);
      for (let i = 0; i < numFailed; i++) w.pods.push(podOn(w, "node-0", undefined, "Failed"));
      for (let i = 0; i < numNormal; i++) w.pods.push(podOn(w, "node-0"));
      const plan = L.manage({ ds: w.ds, nodes: w.nodes, pods: w.pods, hash: L.revisionHash(w.ds), nowMs: w.now, backoff: w.backoff });
      expect([plan.create.length, plan.delete.length, plan.events.length]).toEqual([creates, deletes, events]);
      if (events > 0) expect(plan.events[0]).toEqual({ type: "Warning", reason: "FailedDaemonPod", message: "Found failed daemon pod default/pod-0 on node node-0, will try to kill it" });
    });
  }
  it("deletes a failed pod on a node again only after the back-off (1 s, then 2 s)", () => {
    const w = world(newDaemonSet(), [newNode("node-0")]);
    w.pods.push(podOn(w, "node-0", undefined, "Failed"));
    expect(sync(w)).toEqual([0, 1]);
    w.pods.push(podOn(w, "node-0", undefined, "Failed"));
    const held = L.manage({ ds: w.ds, nodes: w.nodes, pods: w.pods, hash: "", nowMs: w.now + 500, backoff: w.backoff });
    expect([held.delete, held.requeueAfterMs]).toEqual([[], 1000]);
    w.now += 1000;
    expect(sync(w)).toEqual([0, 1]);
    expect([...w.backoff.values()][0]!.delayMs).toBe(2000);
  });
});

describe("rollingUpdate (update_test.go)", () => {
  it("replaces maxUnavailable pods at a time (TestDaemonSetUpdatesPods)", () => {
    const maxUnavailable = 2;
    const w = world(newDaemonSet(), nodesN(5));
    expect(sync(w)).toEqual([5, 0]);
    markPodsReady(w);
    w.ds = newDaemonSet((ds) => {
      ds.spec.template.spec.containers[0].image = "foo2/bar2";
      ds.spec.updateStrategy.rollingUpdate = { maxUnavailable };
    });
    expect(sync(w)).toEqual([0, maxUnavailable]);
    expect(sync(w)).toEqual([maxUnavailable, 0]);
    markPodsReady(w);
    expect(sync(w)).toEqual([0, maxUnavailable]);
    expect(sync(w)).toEqual([maxUnavailable, 0]);
    markPodsReady(w);
    expect(sync(w)).toEqual([0, 1]);
    expect(sync(w)).toEqual([1, 0]);
    markPodsReady(w);
    expect(sync(w)).toEqual([0, 0]);
  });
  it("surges maxSurge new pods beside the old ones and deletes an old one once its replacement is available (TestDaemonSetUpdatesPodsWithMaxSurge)", () => {
    const maxSurge = 2;
    const w = world(newDaemonSet(), nodesN(5));
    expect(sync(w)).toEqual([5, 0]);
    markPodsReady(w);
    w.ds = newDaemonSet((ds) => {
      ds.spec.template.spec.containers[0].image = "foo2/bar2";
      ds.spec.updateStrategy.rollingUpdate = { maxUnavailable: 0, maxSurge };
    });
    expect(sync(w)).toEqual([maxSurge, 0]);
    markPodsReady(w);
    expect(sync(w)).toEqual([maxSurge, maxSurge]);
    markPodsReady(w);
    expect(sync(w)).toEqual([5 % maxSurge, maxSurge]);
    markPodsReady(w);
    expect(sync(w)).toEqual([0, 5 % maxSurge]);
    expect(sync(w)).toEqual([0, 0]);
  });
  // rollingUpdate with surge (update.go): a node with an old and a new pod keeps the old one while the
  // new one is not available ("new pod not yet available", numSurge++), whatever the old one's state
  it("keeps a node's old pod while its surged replacement is not yet available", () => {
    const w = world(newDaemonSet(), nodesN(3));
    expect(sync(w)).toEqual([3, 0]);
    markPodsReady(w);
    w.ds = newDaemonSet((ds) => {
      ds.spec.template.spec.containers[0].image = "foo2/bar2";
      ds.spec.updateStrategy.rollingUpdate = { maxUnavailable: 0, maxSurge: 1 };
    });
    expect(sync(w)).toEqual([1, 0]);
    expect(sync(w)).toEqual([0, 0]);
    expect(w.pods.length).toBe(4);
    markPodsReady(w);
    expect(sync(w)).toEqual([1, 1]);
  });
  it("does nothing when the template did not change (TestDaemonSetUpdatesNoTemplateChanged)", () => {
    const w = world(newDaemonSet(), nodesN(5));
    expect(sync(w)).toEqual([5, 0]);
    markPodsReady(w);
    w.ds = newDaemonSet((ds) => (ds.spec.updateStrategy.rollingUpdate = { maxUnavailable: 3 }));
    expect(sync(w)).toEqual([0, 0]);
  });
  it("replaces nothing under OnDelete; a deleted old pod comes back as a new one", () => {
    const w = world(newDaemonSet((ds) => (ds.spec.updateStrategy = { type: "OnDelete" })), nodesN(3));
    expect(sync(w)).toEqual([3, 0]);
    markPodsReady(w);
    w.ds = newDaemonSet((ds) => {
      ds.spec.updateStrategy = { type: "OnDelete" };
      ds.spec.template.spec.containers[0].image = "foo2/bar2";
    });
    expect(sync(w)).toEqual([0, 0]);
    w.pods = w.pods.slice(1);
    expect(sync(w)).toEqual([1, 0]);
    expect(w.pods.filter((p) => L.isPodUpdated(p, L.revisionHash(w.ds)))).toHaveLength(1);
  });
  it("scales a percentage up: 25% of 5 nodes lets 2 be unavailable", () => {
    expect(L.unavailableCount(newDaemonSet((ds) => (ds.spec.updateStrategy.rollingUpdate = { maxUnavailable: "25%" })), 5)).toBe(2);
    expect(L.surgeCount(newDaemonSet((ds) => (ds.spec.updateStrategy = { type: "OnDelete" })), 5)).toBe(0);
  });
});

// setPodReadiness of update_test.go: up to count live pods whose readiness differs and that fn picks,
// their Ready condition's lastTransitionTime at the test clock (w.now).
function setPodReadiness(w: World, ready: boolean, count: number, fn: (p: Pod) => boolean): void {
  w.pods = w.pods.map((p) => {
    const isReady = p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
    if (count <= 0 || p.metadata?.deletionTimestamp || isReady === ready || !fn(p)) return p;
    count--;
    return { ...p, status: { ...p.status, conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: new Date(w.now).toISOString() }] } };
  });
  expect(count).toBe(0);
}

const newImage = (w: World, image: string, rollingUpdate: object, edit: (ds: any) => void = () => {}) => {
  w.ds = newDaemonSet((ds) => {
    ds.spec.template.spec.containers[0].image = image;
    ds.spec.updateStrategy.rollingUpdate = rollingUpdate;
    edit(ds);
  });
};
const readyNames = (w: World) => w.pods.filter((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).map((p) => p.metadata!.name!);

describe("rollingUpdate, pods not ready (update_test.go)", () => {
  it("TestDaemonSetUpdatesWhenNewPodIsNotReady: 3 of 5 replaced, then nothing while the new ones are not ready", () => {
    const w = world(newDaemonSet(), nodesN(5));
    expect(sync(w)).toEqual([5, 0]);
    markPodsReady(w);
    newImage(w, "foo2/bar2", { maxUnavailable: 3 });
    expect(sync(w)).toEqual([0, 3]);
    expect(sync(w)).toEqual([3, 0]);
    expect(sync(w)).toEqual([0, 0]);
  });

  it("TestDaemonSetUpdatesAllOldPodsNotReady: every unavailable old pod is replaced at once, past maxUnavailable 3", () => {
    const w = world(newDaemonSet(), nodesN(5));
    expect(sync(w)).toEqual([5, 0]);
    newImage(w, "foo2/bar2", { maxUnavailable: 3 });
    expect(sync(w)).toEqual([0, 5]);
    expect(sync(w)).toEqual([5, 0]);
    expect(sync(w)).toEqual([0, 0]);
  });

  it("TestDaemonSetUpdatesSomeOldPodsNotReady: a second update replaces 2 more and leaves the 3 available pods alone", () => {
    const w = world(newDaemonSet(), nodesN(5));
    expect(sync(w)).toEqual([5, 0]);
    markPodsReady(w);
    newImage(w, "foo2/bar2", { maxUnavailable: 2 });
    expect(sync(w)).toEqual([0, 2]);
    expect(sync(w)).toEqual([2, 0]);
    expect(sync(w)).toEqual([0, 0]);
    newImage(w, "foo2/bar3", { maxUnavailable: 2 });
    expect(sync(w)).toEqual([0, 2]);
    expect(sync(w)).toEqual([2, 0]);
    expect(sync(w)).toEqual([0, 0]);
    expect(readyNames(w)).toHaveLength(5 - 2);
  });

  // Go draws maxUnavailable with rand.Intn(10) in each round; every value 0..9 is taken here, in order.
  it("TestDaemonSetUpdatesSaveOldHealthyPods: with 10 of 20 pods unavailable, only those 10 are replaced, whatever maxUnavailable below 10", () => {
    const w = world(newDaemonSet(), nodesN(20));
    expect(sync(w)).toEqual([20, 0]);
    markPodsReady(w);
    newImage(w, "foo2/bar2", { maxUnavailable: 10 });
    expect(sync(w)).toEqual([0, 10]);
    expect(sync(w)).toEqual([10, 0]);
    expect(sync(w)).toEqual([0, 0]);
    const oldReady = readyNames(w);
    expect(oldReady).toHaveLength(10);
    for (let i = 0; i < 10; i++) {
      newImage(w, `foo2/bar3-${i}`, { maxUnavailable: i });
      expect(sync(w)).toEqual([0, 10]);
      expect(sync(w)).toEqual([10, 0]);
      expect(sync(w)).toEqual([0, 0]);
      expect(readyNames(w)).toEqual(expect.arrayContaining(oldReady));
    }
    newImage(w, "foo2/bar4", { maxUnavailable: 11 });
    expect(sync(w)).toEqual([0, 11]);
    expect(sync(w)).toEqual([11, 0]);
    expect(sync(w)).toEqual([0, 0]);
    expect(readyNames(w)).toHaveLength(9);
  });

  it("TestDaemonSetUpdatesAllOldNotReadyPodsAndNewNotReadyPods: 2 unavailable old pods among 88 unavailable new ones are still replaced", () => {
    const w = world(newDaemonSet(), nodesN(100));
    expect(sync(w)).toEqual([100, 0]);
    markPodsReady(w);
    const hash1 = L.revisionHash(w.ds);
    newImage(w, "foo2/bar2", { maxUnavailable: 10 });
    for (let i = 0; i < 10; i++) {
      expect(sync(w)).toEqual([0, 10]);
      expect(sync(w)).toEqual([10, 0]);
      markPodsReady(w);
    }
    expect(sync(w)).toEqual([0, 0]);
    // the latter 90 pods not ready, the first 12 back on the old hash: 2 of them unavailable
    w.pods = w.pods.map((p, i) => ({
      ...p,
      metadata: { ...p.metadata, labels: i < 12 ? { ...p.metadata!.labels, [L.CONTROLLER_REVISION_HASH_LABEL]: hash1 } : p.metadata!.labels },
      status: i >= 10 ? { ...p.status, conditions: [{ type: "Ready", status: "False" }] } : p.status,
    }));
    const oldUnavailable = w.pods.slice(10, 12).map((p) => p.metadata!.name!);
    expect(sync(w)).toEqual([0, 2]);
    expect(sync(w)).toEqual([2, 0]);
    expect(sync(w)).toEqual([0, 0]);
    expect(w.pods.filter((p) => oldUnavailable.includes(p.metadata!.name!))).toEqual([]);
  });

  it("TestDaemonSetUpdatesAllOldPodsNotReadyMaxSurge: unavailable old pods are surged past maxSurge, then minReadySeconds holds the old ones", () => {
    const w = world(newDaemonSet(), nodesN(5));
    // the test's fake clock: seconds since the epoch, so pods made later are younger
    const at = (s: number) => (w.now = s * 1000);
    at(0);
    expect(sync(w)).toEqual([5, 0]);
    newImage(w, "foo2/bar2", { maxUnavailable: 0, maxSurge: 3 });
    at(100);
    expect(sync(w)).toEqual([5, 0]);
    // waiting for the new pods to go ready, the old (not ready) ones are deleted
    at(200);
    expect(sync(w)).toEqual([0, 5]);
    setPodReadiness(w, true, 5, () => true);
    newImage(w, "foo3/bar3", { maxUnavailable: 0, maxSurge: 3 }, (ds) => (ds.spec.minReadySeconds = 15));
    at(300);
    expect(sync(w)).toEqual([3, 0]);
    const hash = L.revisionHash(w.ds);
    const updatedOn = new Set(w.pods.filter((p) => p.metadata!.labels![L.CONTROLLER_REVISION_HASH_LABEL] === hash).map((p) => p.spec!.nodeName));
    setPodReadiness(w, true, 2, (p) => p.metadata!.labels![L.CONTROLLER_REVISION_HASH_LABEL] === hash);
    setPodReadiness(w, false, 1, (p) => p.metadata!.labels![L.CONTROLLER_REVISION_HASH_LABEL] !== hash && !updatedOn.has(p.spec!.nodeName));
    // the new pods still wait out minReadySeconds: one pod replaces the old pod that went unready
    at(310);
    expect(sync(w)).toEqual([1, 0]);
    at(320);
    expect(sync(w)).toEqual([1, 3]);
    setPodReadiness(w, true, 3, (p) => p.metadata!.labels![L.CONTROLLER_REVISION_HASH_LABEL] === hash);
    at(340);
    expect(sync(w)).toEqual([0, 2]);
    at(350);
    expect(sync(w)).toEqual([0, 0]);
  });
});

describe("manage: pods for nodes that are gone (daemon_controller_test.go)", () => {
  it.each(["OnDelete", "RollingUpdate"])("TestDeleteUnscheduledPodForNotExistingNode (%s): the unscheduled pod aimed at a missing node is deleted, the bound one left to the pod GC", (type) => {
    const ds = newDaemonSet((d) => (d.spec.updateStrategy = type === "OnDelete" ? { type } : { type, rollingUpdate: { maxUnavailable: 1 } }));
    const w = world(ds, nodesN(1));
    const affinityOnly: Pod = { ...podOn(w, "node-2"), spec: { containers: [], affinity: L.replaceNodeNameAffinity(undefined, "node-2") } };
    w.pods = [podOn(w, "node-0"), podOn(w, "node-1"), affinityOnly];
    expect(sync(w)).toEqual([0, 1]);
    expect(w.pods.map((p) => p.metadata!.name)).not.toContain(affinityOnly.metadata!.name);
  });
});

describe("manage with surge (daemon_controller_test.go TestSurge*)", () => {
  // newUpdateSurge(1): maxUnavailable 0, maxSurge 1
  const surgeDs = (edit: (ds: any) => void = () => {}) => newDaemonSet((ds) => {
    ds.spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } };
    edit(ds);
  });
  // newPod of the Go tests at a creation time (Unix seconds); old: without the current hash label
  const at = (w: World, node: string, createdS: number, opts: { old?: boolean; ready?: boolean; readySinceS?: number; deletingS?: number } = {}): Pod => {
    const p = podOn(w, node);
    const labels = { ...p.metadata!.labels! };
    if (opts.old) delete labels[L.CONTROLLER_REVISION_HASH_LABEL];
    return {
      ...p,
      metadata: { ...p.metadata, labels, creationTimestamp: new Date(createdS * 1000).toISOString(), ...(opts.deletingS !== undefined ? { deletionTimestamp: new Date(opts.deletingS * 1000).toISOString(), deletionGracePeriodSeconds: 30 } : {}) },
      status: { ...p.status, ...(opts.ready === undefined ? {} : { conditions: [{ type: "Ready", status: opts.ready ? "True" : "False", ...(opts.readySinceS !== undefined ? { lastTransitionTime: new Date(opts.readySinceS * 1000).toISOString() } : {}) }] }) },
    };
  };
  const deleted = (before: Pod[], w: World) => before.filter((p) => !w.pods.includes(p)).map((p) => p.metadata!.name).sort();

  it("TestSurgeDealsWithExistingPods: creates on the 2 nodes without pods, deletes the 5 surplus; the pods the selector no longer picks are released", () => {
    const w = world(surgeDs(), nodesN(5));
    const other = (node: string) => {
      const p = podOn(w, node);
      return { ...p, metadata: { ...p.metadata, labels: simpleDaemonSetLabel2 } };
    };
    const all = [podOn(w, "node-1"), podOn(w, "node-2"), podOn(w, "node-2"), ...[1, 2, 3, 4, 5].map(() => podOn(w, "node-3")), other("node-4"), other("node-4")];
    const claim = claimPods(w.ds, L.daemonSetControllerRef(w.ds), all);
    expect(claim.release).toHaveLength(2);
    w.pods = [...claim.claimed];
    expect(sync(w)).toEqual([2, 5]);
  });

  it("TestSurgePreservesReadyOldPods: the new pod and the oldest ready old pod stay, the younger ready old pod goes", () => {
    const w = world(surgeDs(), nodesN(5));
    const excess = at(w, "node-1", 60, { old: true, ready: true });
    w.pods = [at(w, "node-1", 100), at(w, "node-1", 50, { old: true, ready: true }), excess, podOn(w, "node-2")];
    const before = w.pods;
    expect(sync(w)).toEqual([3, 1]);
    expect(deleted(before, w)).toEqual([excess.metadata!.name]);
  });

  it("TestSurgeCreatesNewPodWhenAtMaxSurgeAndOldPodDeleted: a node left with only a terminating pod gets one beyond maxSurge", () => {
    const w = world(surgeDs(), nodesN(5));
    w.pods = [at(w, "node-0", 100, { ready: false }), at(w, "node-0", 50, { old: true, ready: true }), ...[1, 2, 3].map((i) => at(w, `node-${i}`, 1, { old: true, ready: true })), at(w, "node-4", 1, { old: true, ready: true, deletingS: 31 })];
    expect(sync(w)).toEqual([1, 0]);
    expect(w.pods.filter((p) => p.spec!.nodeName === "node-4" && L.isPodUpdated(p, L.revisionHash(w.ds)))).toHaveLength(1);
  });

  it("TestSurgeDeletesUnreadyOldPods: the unready oldest old pod and the younger old one both go", () => {
    const w = world(surgeDs(), nodesN(5));
    const unready = at(w, "node-1", 50, { old: true, ready: false });
    const excess = at(w, "node-1", 60, { old: true, ready: true });
    w.pods = [at(w, "node-1", 100), unready, excess, podOn(w, "node-2")];
    const before = w.pods;
    expect(sync(w)).toEqual([3, 2]);
    expect(deleted(before, w)).toEqual([unready.metadata!.name, excess.metadata!.name].sort());
  });

  it.each([
    ["TestSurgePreservesOldReadyWithUnsatisfiedMinReady: 10 s after the new pod went ready (minReadySeconds 15) the oldest ready old pod stays", 60, 1],
    ["TestSurgeDeletesOldReadyWithUnsatisfiedMinReady: 20 s after, the new pod is available and the old one goes too", 70, 2],
  ] as const)("%s", (_name, clockS, deletes) => {
    const w = world(surgeDs((ds) => (ds.spec.minReadySeconds = 15)), nodesN(5));
    w.now = clockS * 1000;
    const oldReady = at(w, "node-1", 50, { old: true, ready: true });
    const excess = at(w, "node-1", 60, { old: true, ready: true });
    w.pods = [at(w, "node-1", 100, { ready: true, readySinceS: 50 }), oldReady, excess, podOn(w, "node-2")];
    const before = w.pods;
    expect(sync(w)).toEqual([3, deletes]);
    expect(deleted(before, w)).toEqual((deletes === 1 ? [excess] : [excess, oldReady]).map((p) => p.metadata!.name).sort());
  });
});

describe("updatedDesiredNodeCounts (TestGetUnavailableNumbers)", () => {
  const readyPod = (name: string, node: string, deleting = false): Pod => ({
    metadata: { name, namespace: "default", labels: simpleDaemonSetLabel, ...(deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
    spec: { containers: [], nodeName: node },
    status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
  });
  const unavailable = (v: number | string) => (ds: any) => (ds.spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: v } });
  const surge = (v: number | string) => (ds: any) => (ds.spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: v } });
  it.each([
    ["No nodes", 0, unavailable(0), [], { maxSurge: 0, maxUnavailable: 0, desired: 0 }, 0],
    ["Two nodes with ready pods", 2, unavailable(1), [readyPod("pod-0", "node-0"), readyPod("pod-1", "node-1")], { maxSurge: 0, maxUnavailable: 1, desired: 2 }, 0],
    ["Two nodes, one node without pods", 2, unavailable(0), [readyPod("pod-0", "node-0")], { maxSurge: 0, maxUnavailable: 1, desired: 2 }, 1],
    ["Two nodes, one node without pods, surge", 2, surge(0), [readyPod("pod-0", "node-0")], { maxSurge: 0, maxUnavailable: 1, desired: 2 }, 1],
    ["Two nodes with pods, MaxUnavailable in percents", 2, unavailable("50%"), [readyPod("pod-0", "node-0"), readyPod("pod-1", "node-1")], { maxSurge: 0, maxUnavailable: 1, desired: 2 }, 0],
    ["Two nodes with pods, MaxUnavailable in percents, surge", 2, surge("50%"), [readyPod("pod-0", "node-0"), readyPod("pod-1", "node-1")], { maxSurge: 1, maxUnavailable: 0, desired: 2 }, 0],
    ["Two nodes with pods, MaxUnavailable is 100%, surge", 2, surge("100%"), [readyPod("pod-0", "node-0"), readyPod("pod-1", "node-1")], { maxSurge: 2, maxUnavailable: 0, desired: 2 }, 0],
    ["Two nodes with pods, MaxUnavailable in percents, pod terminating", 3, unavailable("50%"), [readyPod("pod-0", "node-0"), readyPod("pod-1", "node-1", true)], { maxSurge: 0, maxUnavailable: 2, desired: 3 }, 1],
  ] as const)("%s", (_name, n, strategy, pods, want, emptyNodes) => {
    // nodeToPods as the Go row builds it: one entry per pod's node
    const byNode = new Map<string, Pod[]>(pods.map((p) => [p.spec!.nodeName!, [p]]));
    expect(L.desiredCounts(newDaemonSet(strategy), nodesN(n), byNode)).toEqual(want);
    expect([...byNode.values()].filter((v) => v.length === 0)).toHaveLength(emptyNodes);
  });
});

describe("status (updateDaemonSetStatus)", () => {
  it("counts desired, current, misscheduled, ready, updated, available and unavailable from each node's oldest pod", () => {
    const ds = newDaemonSet();
    const w = world(ds, [...nodesN(3), newNode("other", simpleDaemonSetLabel2)]);
    const hash = L.revisionHash(ds);
    const updated = { ...simpleDaemonSetLabel, [L.CONTROLLER_REVISION_HASH_LABEL]: hash };
    w.pods.push(podOn(w, "node-0", updated), podOn(w, "node-1", simpleDaemonSetLabel), podOn(w, "other", updated));
    w.pods[0] = { ...w.pods[0]!, status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: new Date(w.now).toISOString() }] } };
    expect(L.calculateStatus({ ...ds, spec: { ...ds.spec!, template: { ...ds.spec!.template, spec: { ...ds.spec!.template.spec!, nodeSelector: { type: "production" } } } } }, w.nodes, w.pods, hash, w.now)).toEqual({
      desiredNumberScheduled: 3, currentNumberScheduled: 2, numberMisscheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1, numberUnavailable: 2,
    });
  });
  it("counts a ready pod available only minReadySeconds after it became ready", () => {
    const ds = newDaemonSet((d) => (d.spec.minReadySeconds = 10));
    const w = world(ds, nodesN(1));
    w.pods.push({ ...podOn(w, "node-0", simpleDaemonSetLabel), status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: new Date(w.now).toISOString() }] } });
    expect(L.calculateStatus(ds, w.nodes, w.pods, "", w.now + 5_000)).toMatchObject({ numberReady: 1, numberAvailable: 0, numberUnavailable: 1 });
    expect(L.calculateStatus(ds, w.nodes, w.pods, "", w.now + 10_001)).toMatchObject({ numberReady: 1, numberAvailable: 1, numberUnavailable: 0 });
  });
});

describe("the status written (storeDaemonSetStatus)", () => {
  // apps/v1 DaemonSetStatus: currentNumberScheduled, numberMisscheduled, desiredNumberScheduled and
  // numberReady are always written; updatedNumberScheduled, numberAvailable, numberUnavailable and
  // observedGeneration are `json:",omitempty"`, so a zero is not.
  it("a fully available DaemonSet shows numberMisscheduled 0 and no numberUnavailable", () => {
    const ds = newDaemonSet();
    const got = L.nextStatus(ds, { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberMisscheduled: 0, numberReady: 3, updatedNumberScheduled: 3, numberAvailable: 3, numberUnavailable: 0 }, true);
    expect(got).toEqual({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberMisscheduled: 0, numberReady: 3, updatedNumberScheduled: 3, numberAvailable: 3, observedGeneration: ds.metadata!.generation ?? 0 });
  });
  it("a DaemonSet with no pod ready yet writes none of the omitempty counts", () => {
    const got = L.nextStatus(newDaemonSet(), { desiredNumberScheduled: 2, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, updatedNumberScheduled: 0, numberAvailable: 0, numberUnavailable: 2 }, false);
    expect(got).toEqual({ desiredNumberScheduled: 2, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0, numberUnavailable: 2 });
  });
});

describe("history (constructHistory, cleanupHistory)", () => {
  it("creates revision 1 named <ds>-<hash> holding the template, then finds it current", () => {
    const ds = newDaemonSet();
    const h = L.constructHistory(ds, []);
    expect(h.create?.metadata?.name).toBe(`foo-${L.revisionHash(ds)}`);
    expect(h.create?.revision).toBe(1);
    expect(h.create?.metadata?.labels?.[L.CONTROLLER_REVISION_HASH_LABEL]).toBe(L.revisionHash(ds));
    expect((h.create!.data as any).spec.template.$patch).toBe("replace");
    expect(L.constructHistory(ds, [h.create!])).toEqual({ current: h.create, old: [], deleteDuplicates: [] });
  });
  it("a new template gets revision 2; going back to the first raises its revision to 3", () => {
    const v1 = newDaemonSet();
    const v2 = newDaemonSet((ds) => (ds.spec.template.spec.containers[0].image = "foo2/bar2"));
    const r1 = L.constructHistory(v1, []).create!;
    const r2 = L.constructHistory(v2, [r1]).create!;
    expect(r2.revision).toBe(2);
    expect(L.constructHistory(v1, [r1, r2]).bumpRevision).toBe(3);
  });
  it("deletes the oldest unused revisions past revisionHistoryLimit", () => {
    const ds = newDaemonSet((d) => (d.spec.revisionHistoryLimit = 1));
    const old = [1, 2, 3].map((n) => ({ metadata: { name: `foo-${n}`, labels: { [L.CONTROLLER_REVISION_HASH_LABEL]: `h${n}` } }, revision: n }));
    const w = world(ds, nodesN(1));
    w.pods.push(podOn(w, "node-0", { [L.CONTROLLER_REVISION_HASH_LABEL]: "h1" }));
    // three old revisions, one kept: two go, oldest first, skipping h1 which a pod still runs
    expect(L.historyToDelete(ds, old, w.pods)).toEqual(["foo-2", "foo-3"]);
  });
});

describe("node events: addNode, updateNode (shouldIgnoreNodeUpdate) and syncNodeUpdate", () => {
  // daemon_controller_test.go v1.35: simpleNodeLabel and noScheduleTaints, the DaemonSet "ds". addNode
  // and updateNode queue the node's name; syncNodeUpdate then picks the DaemonSets to sync. There is
  // no node delete handler: a deleted node's daemon pods are the pod GC's (gcOrphaned).
  const simpleNodeLabel = { color: "blue" };
  const noScheduleTaints: Taint[] = [{ key: "dedicated", value: "user1", effect: "NoSchedule" }];
  const withSelector = () => newDaemonSet((ds) => (ds.spec.template.spec.nodeSelector = simpleNodeLabel));
  const synced = (node: Node, ds: DaemonSet, pods: Pod[] = []) => L.daemonSetsToSyncForNode(node, [ds], pods).length === 1;
  // an update is acted on when not ignored and syncNodeUpdate then picks the DaemonSet (TestUpdateNode's enqueued)
  const enqueuedOnUpdate = (oldNode: Node, newNode: Node, ds: DaemonSet, pods: Pod[] = []) => !L.shouldIgnoreNodeUpdate(oldNode, newNode) && synced(newNode, ds, pods);

  it("TestAddNode: a node without the nodeSelector's labels syncs nothing, one with them syncs the DaemonSet", () => {
    expect(synced(newNode("node1", {}), withSelector())).toBe(false);
    expect(synced(newNode("node2", simpleNodeLabel), withSelector())).toBe(true);
  });

  it.each([
    ["Nothing changed, should not enqueue", newNode("node1", {}), newNode("node1", {}), withSelector(), false],
    ["Node labels changed", newNode("node1", {}), newNode("node1", simpleNodeLabel), withSelector(), true],
    ["Node taints changed", newNode("node1", {}, noScheduleTaints), newNode("node1", {}), newDaemonSet(), true],
    ["Node Allocatable changed", newNode("node1", {}), { ...newNode("node1", {}), status: { allocatable: { memory: "200M", cpu: "200m" } } }, newDaemonSet(), false],
  ] as const)("TestUpdateNode: %s", (_name, oldNode, newNode, ds, want) => {
    expect(enqueuedOnUpdate(oldNode, newNode, ds)).toBe(want);
  });

  it("shouldIgnoreNodeUpdate: only labels and taints count; status, annotations and conditions do not, and nil equals empty", () => {
    const n = newNode("node1", simpleNodeLabel);
    expect(L.shouldIgnoreNodeUpdate(n, { ...n, metadata: { ...n.metadata, annotations: { a: "b" }, resourceVersion: "9" }, status: { conditions: [{ type: "Ready", status: "False" }] } })).toBe(true);
    expect(L.shouldIgnoreNodeUpdate({ metadata: { name: "n" } }, { metadata: { name: "n", labels: {} }, spec: { taints: [] } })).toBe(true);
    expect(L.shouldIgnoreNodeUpdate(n, { ...n, spec: { taints: noScheduleTaints } })).toBe(false);
    expect(L.shouldIgnoreNodeUpdate(n, { ...n, metadata: { ...n.metadata, labels: {} } })).toBe(false);
  });

  it("TestNodeDaemonLaunchesToleratePod: a tainted node syncs a DaemonSet that tolerates the taint, not one that does not", () => {
    const tolerant = newDaemonSet((ds) => (ds.spec.template.spec.tolerations = [{ key: "dedicated", operator: "Equal", value: "user1", effect: "NoSchedule" }]));
    expect(synced(newNode("tainted", simpleDaemonSetLabel, noScheduleTaints), tolerant)).toBe(true);
    expect(synced(newNode("tainted", simpleDaemonSetLabel, noScheduleTaints), newDaemonSet())).toBe(false);
  });

  // syncNodeUpdate's three conditions (#132477, in v1.33.x, v1.34.x and v1.35): should run and no pod
  // there; a pod there that may not stay; a pod there while the DaemonSet counts misscheduled pods.
  it("a node whose daemon pod is in place syncs nothing; one with a NoExecute taint the pod does not tolerate syncs its DaemonSet", () => {
    const w = world(newDaemonSet(), [newNode("node1")]);
    const pods = [podOn(w, "node1")];
    expect(synced(newNode("node1"), w.ds, pods)).toBe(false);
    expect(synced(newNode("node1", simpleDaemonSetLabel, [{ key: "dedicated", value: "user1", effect: "NoExecute" }]), w.ds, pods)).toBe(true);
    // NoSchedule alone lets the pod stay (shouldContinueRunning) and a pod is there: nothing to do
    expect(synced(newNode("node1", simpleDaemonSetLabel, noScheduleTaints), w.ds, pods)).toBe(false);
  });

  it("a taint removed from a node whose pod was counted misscheduled syncs the DaemonSet so the count drops (#132459)", () => {
    const ds = newDaemonSet((d) => (d.status = { numberMisscheduled: 1, currentNumberScheduled: 1, desiredNumberScheduled: 0, numberReady: 1 }));
    const w = world(ds, [newNode("node1")]);
    expect(synced(newNode("node1"), ds, [podOn(w, "node1")])).toBe(true);
    // the same node and pod with no misscheduled count: nothing to do
    const settled = newDaemonSet();
    expect(synced(newNode("node1"), settled, [podOn(world(settled, []), "node1")])).toBe(false);
  });

  it("only this DaemonSet's pods bound to the node count as its pod there", () => {
    const w = world(newDaemonSet(), [newNode("node1")]);
    const mine = podOn(w, "node1");
    const others = { ...mine, metadata: { ...mine.metadata, ownerReferences: [{ ...L.daemonSetControllerRef(w.ds), uid: "other-ds-uid" }] } };
    expect(synced(newNode("node1"), w.ds, [mine])).toBe(false);
    expect(synced(newNode("node1"), w.ds, [others])).toBe(true);
    expect(synced(newNode("node1"), w.ds, [podOn(w, "node2")])).toBe(true);
  });
});
