// An unschedulable pod waits for a cluster event that one of the plugins that rejected it registered
// (kube-scheduler's EventsToRegister, isPodWorthRequeuing): a pod no node's labels match is not
// tried again on node heartbeats or when some pod goes away, only when a node's labels change (or
// the 5-minute flush), so its FailedScheduling is recorded once, not at every node status write.
// A pod that did not fit for lack of room is tried again when a pod on a node is deleted.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const pause = "registry.k8s.io/pause:3.10";

type Cluster = ReturnType<typeof createCluster>;

const failedScheduling = (c: Cluster, pod: string) =>
  c.events().filter((e) => e.involvedObject?.name === pod && e.reason === "FailedScheduling").reduce((n, e) => n + (e.count ?? 1) + (e.series?.count ?? 1) - 1, 0);

/** Past any back-off (10 s at most) the pod was not tried again: FailedScheduling is still recorded once. */
async function notRetried(c: Cluster, pod: string): Promise<void> {
  await c.settle();
  c.advance(15_000);
  await c.settle();
  expect(failedScheduling(c, pod)).toBe(1);
}

/** Within its back-off after the event that helps it, the pod is bound to the node. */
async function scheduledOn(c: Cluster, pod: string, node: string): Promise<void> {
  await c.settle();
  c.advance(2_000);
  await c.settle();
  expect(c.get("Pod", pod).spec.nodeName).toBe(node);
}

describe("an unschedulable pod waits for an event its rejecting plugins registered", () => {
  it("a pod rejected by NodeAffinity is not retried on heartbeats or pod deletions, and is scheduled once a node gets the label", async () => {
    const c = createCluster({ nodes: 2, seed: 7, clock: "simulated" });
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "other" }, spec: { containers: [{ name: "c", image: pause }] } });
    await c.apply({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "with-node-affinity" },
      spec: {
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "disktype", operator: "In", values: ["ssd"] }] }] } } },
        containers: [{ name: "nginx", image: "nginx" }],
      },
    });
    await c.settle();
    expect(failedScheduling(c, "with-node-affinity")).toBe(1);
    // two minutes of node status writes and leases, and a pod deleted from a node: nothing NodeAffinity registered
    for (let i = 0; i < 12; i++) {
      c.advance(10_000);
      await c.settle();
    }
    await c.delete("Pod", "other", undefined, { gracePeriodSeconds: 0 });
    await c.settle();
    expect(failedScheduling(c, "with-node-affinity")).toBe(1);
    expect(c.get("Pod", "with-node-affinity").spec.nodeName).toBeUndefined();
    // a label the pod's affinity does not read: NodeAffinity's event, but its hint skips it
    const relabelled = c.get("Node", "node-1");
    await c.apply({ apiVersion: "v1", kind: "Node", metadata: { name: "node-1", labels: { ...relabelled.metadata.labels, team: "a" } } });
    await notRetried(c, "with-node-affinity");
    // a node's labels changed to match: NodeAffinity's event
    const node = c.get("Node", "node-2");
    await c.apply({ apiVersion: "v1", kind: "Node", metadata: { name: "node-2", labels: { ...node.metadata.labels, disktype: "ssd" } } });
    await scheduledOn(c, "with-node-affinity", "node-2");
    await c.stop();
  });

  it("a pod rejected by NodeResourcesFit is retried when a pod on a node is deleted, and fits in the room it left", async () => {
    const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
    await c.settle();
    const cpu = c.get("Node", "node-1").status.allocatable.cpu;
    const milli = cpu.endsWith("m") ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
    const big = (name: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers: [{ name: "c", image: pause, resources: { requests: { cpu: `${Math.floor(milli * 0.6)}m` } } }] } });
    await c.apply(big("first"));
    await c.settle();
    await c.apply(big("second"));
    await c.settle();
    expect(failedScheduling(c, "second")).toBe(1);
    expect(c.get("Pod", "second").spec.nodeName).toBeUndefined();
    // a label and a taint the pod tolerates: neither is an event NodeResourcesFit registers with hints on
    const labels = c.get("Node", "node-1").metadata.labels;
    await c.apply({ apiVersion: "v1", kind: "Node", metadata: { name: "node-1", labels: { ...labels, team: "a" } }, spec: { taints: [{ key: "soft", effect: "PreferNoSchedule" }] } });
    await notRetried(c, "second");
    await c.delete("Pod", "first", undefined, { gracePeriodSeconds: 0 });
    await scheduledOn(c, "second", "node-1");
    await c.stop();
  });

  it("a pod rejected by InterPodAffinity is retried when a scheduled pod its affinity terms match is added, not for other pods", async () => {
    const c = createCluster({ nodes: 2, seed: 7, clock: "simulated" });
    await c.settle();
    // the docs' pod-with-pod-affinity (assign-pod-node): required affinity to a security=S1 pod in the same zone
    await c.apply({
      apiVersion: "v1", kind: "Pod", metadata: { name: "with-pod-affinity" },
      spec: {
        affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: "security", operator: "In", values: ["S1"] }] }, topologyKey: "kubernetes.io/hostname" }] } },
        containers: [{ name: "with-pod-affinity", image: pause }],
      },
    });
    await c.settle();
    expect(failedScheduling(c, "with-pod-affinity")).toBe(1);
    // a scheduled pod its term does not match: InterPodAffinity's hint skips it
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "unrelated", labels: { security: "S2" } }, spec: { containers: [{ name: "c", image: pause }] } });
    await notRetried(c, "with-pod-affinity");
    expect(c.get("Pod", "with-pod-affinity").spec.nodeName).toBeUndefined();
    // the pod it waits for: scheduled, then the waiting pod follows it onto its node within its back-off, not the 5-minute flush
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "s1", labels: { security: "S1" } }, spec: { containers: [{ name: "c", image: pause }] } });
    await c.settle();
    c.advance(2_000);
    await c.settle();
    const s1Node = c.get("Pod", "s1").spec.nodeName;
    expect(s1Node).toMatch(/^node-/);
    expect(c.get("Pod", "with-pod-affinity").spec.nodeName).toBe(s1Node);
    await c.stop();
  });

  it("a pod rejected by PodTopologySpread is retried when a scheduled pod its constraint's selector matches is added, not for other pods", async () => {
    const c = createCluster({ nodes: 2, seed: 7, clock: "simulated" });
    await c.settle();
    // two zones; zone b's only node is tainted, but as nodeTaintsPolicy Ignore (the default) it still counts as a domain
    for (const [name, zone] of [["node-1", "a"], ["node-2", "b"]] as const) {
      const node = c.get("Node", name);
      await c.apply({ apiVersion: "v1", kind: "Node", metadata: { name, labels: { ...node.metadata.labels, zone } } });
    }
    await c.settle();
    const taint = { key: "dedicated", value: "x", effect: "NoSchedule" };
    const n2 = c.get("Node", "node-2");
    await c.apply({ apiVersion: "v1", kind: "Node", metadata: { name: "node-2", labels: n2.metadata.labels }, spec: { taints: [taint] } });
    await c.settle();
    const spread = (name: string) => ({
      apiVersion: "v1", kind: "Pod", metadata: { name, labels: { app: "web" } },
      spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "web" } } }], containers: [{ name: "c", image: pause }] },
    });
    await c.apply(spread("web-1"));
    await c.settle();
    expect(c.get("Pod", "web-1").spec.nodeName).toBe("node-1");
    // zone a would hold 2 against zone b's 0: a skew of 2; node-2 is tainted
    await c.apply(spread("web-2"));
    await c.settle();
    expect(failedScheduling(c, "web-2")).toBe(1);
    // a pod in zone b its selector does not match: the hint skips it
    const tolerating = (name: string, labels: Record<string, string>) => ({
      apiVersion: "v1", kind: "Pod", metadata: { name, labels },
      spec: { nodeSelector: { zone: "b" }, tolerations: [{ key: "dedicated", operator: "Equal", value: "x", effect: "NoSchedule" }], containers: [{ name: "c", image: pause }] },
    });
    await c.apply(tolerating("other-b", { app: "db" }));
    await c.settle();
    c.advance(15_000);
    await c.settle();
    expect(c.get("Pod", "other-b").spec.nodeName).toBe("node-2");
    expect(failedScheduling(c, "web-2")).toBe(1);
    // a matching pod lands in zone b: zone a may now take one more (2 against 1)
    await c.apply(tolerating("web-b", { app: "web" }));
    await scheduledOn(c, "web-b", "node-2");
    expect(c.get("Pod", "web-2").spec.nodeName).toBe("node-1");
    await c.stop();
  });

  it("a pod rejected by TaintToleration is retried when a node's taints come to be tolerated, not when an untolerated taint stays", async () => {
    const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
    await c.settle();
    const labels = c.get("Node", "node-1").metadata.labels;
    const taints = (ts: Array<{ key: string; effect: string }>) => c.apply({ apiVersion: "v1", kind: "Node", metadata: { name: "node-1", labels }, spec: { taints: ts } });
    await taints([{ key: "a", effect: "NoSchedule" }, { key: "b", effect: "NoSchedule" }]);
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image: pause }] } });
    await c.settle();
    expect(failedScheduling(c, "p")).toBe(1);
    // one taint gone, one left: still not tolerated, the hint skips the event
    await taints([{ key: "b", effect: "NoSchedule" }]);
    await notRetried(c, "p");
    await taints([]);
    await scheduledOn(c, "p", "node-1");
    await c.stop();
  });

  it("a pod rejected by NodePorts is retried when the pod holding its host port is deleted, not for other deletions", async () => {
    const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
    await c.settle();
    const hostPort = (name: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { containers: [{ name: "c", image: pause, ports: [{ containerPort: 80, hostPort: 8080 }] }] } });
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "no-ports" }, spec: { containers: [{ name: "c", image: pause }] } });
    await c.apply(hostPort("holder"));
    await c.settle();
    await c.apply(hostPort("waiting"));
    await c.settle();
    expect(failedScheduling(c, "waiting")).toBe(1);
    // a scheduled pod without host ports leaves: the hint skips it
    await c.delete("Pod", "no-ports", undefined, { gracePeriodSeconds: 0 });
    await notRetried(c, "waiting");
    await c.delete("Pod", "holder", undefined, { gracePeriodSeconds: 0 });
    await scheduledOn(c, "waiting", "node-1");
    await c.stop();
  });

  it("a pod rejected by NodeUnschedulable waits through a cordoned node's other changes and is scheduled when it is uncordoned", async () => {
    const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
    await c.settle();
    const labels = c.get("Node", "node-1").metadata.labels;
    await c.apply({ apiVersion: "v1", kind: "Node", metadata: { name: "node-1", labels }, spec: { unschedulable: true } });
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image: pause }] } });
    await c.settle();
    expect(failedScheduling(c, "p")).toBe(1);
    // still cordoned, with one more taint: the hint skips the taint event
    await c.apply({ apiVersion: "v1", kind: "Node", metadata: { name: "node-1", labels }, spec: { unschedulable: true, taints: [{ key: "soft", effect: "PreferNoSchedule" }] } });
    await notRetried(c, "p");
    await c.apply({ apiVersion: "v1", kind: "Node", metadata: { name: "node-1", labels }, spec: { unschedulable: false, taints: [] } });
    await scheduledOn(c, "p", "node-1");
    await c.stop();
  });

  it("an unschedulable pod's own update retries it only when a rejecting plugin registered the change and its hint agrees", async () => {
    const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
    await c.settle();
    const labels = c.get("Node", "node-1").metadata.labels;
    await c.apply({ apiVersion: "v1", kind: "Node", metadata: { name: "node-1", labels }, spec: { taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] } });
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image: pause }] } });
    await c.settle();
    expect(failedScheduling(c, "p")).toBe(1);
    const patch = (body: object) => expect(c.requestSync({ verb: "patch", group: "", resource: "pods", namespace: "default", name: "p", patchType: "merge", body })).toMatchObject({ ok: true });
    // an annotation and a label: no event TaintToleration registers, the pod stays where it is
    patch({ metadata: { annotations: { note: "x" }, labels: { team: "a" } } });
    await notRetried(c, "p");
    // a toleration added (beside DefaultTolerationSeconds' two): TaintToleration's event, and the pod is retried and fits
    patch({ spec: { tolerations: [...c.get("Pod", "p").spec.tolerations, { key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }] } });
    await scheduledOn(c, "p", "node-1");
    await c.stop();
  });

  it("a pod waiting on a cordoned node is retried when it comes to tolerate the unschedulable taint, not for another toleration", async () => {
    const c = createCluster({ nodes: 1, seed: 7, clock: "simulated" });
    await c.settle();
    const labels = c.get("Node", "node-1").metadata.labels;
    await c.apply({ apiVersion: "v1", kind: "Node", metadata: { name: "node-1", labels }, spec: { unschedulable: true } });
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers: [{ name: "c", image: pause }] } });
    await c.settle();
    expect(failedScheduling(c, "p")).toBe(1);
    // tolerations can only be added: each patch sends the pod's list with one more
    const tolerate = (t: object) => expect(c.requestSync({ verb: "patch", group: "", resource: "pods", namespace: "default", name: "p", patchType: "merge", body: { spec: { tolerations: [...c.get("Pod", "p").spec.tolerations, t] } } })).toMatchObject({ ok: true });
    tolerate({ key: "example.com/other", operator: "Exists", effect: "NoSchedule" });
    await notRetried(c, "p");
    tolerate({ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" });
    await scheduledOn(c, "p", "node-1");
    await c.stop();
  });

  it("a pod PodTopologySpread rejected is retried when a node of a spread domain is deleted (NodeDelete), not when a node without the topology key is", async () => {
    const c = createCluster({ nodes: 4, seed: 7, clock: "simulated" });
    await c.settle();
    const zone = "topology.kubernetes.io/zone";
    const relabel = async (node: string, value: string, taints?: object[]) => {
      const labels = c.get("Node", node).metadata.labels;
      await c.apply({ apiVersion: "v1", kind: "Node", metadata: { name: node, labels: { ...labels, [zone]: value } }, ...(taints ? { spec: { taints } } : {}) });
    };
    await relabel("node-1", "a");
    await relabel("node-2", "b");
    // zone c counts as a domain (nodeTaintsPolicy Ignore), but its one node takes no pod of this app
    await relabel("node-3", "c", [{ key: "dedicated", value: "other", effect: "NoSchedule" }]);
    const web = (name: string, spec: object) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, labels: { app: "web" } }, spec: { containers: [{ name: "c", image: pause }], ...spec } });
    await c.apply(web("a1", { nodeName: "node-1" }));
    await c.apply(web("b1", { nodeName: "node-2" }));
    await c.settle();
    // a, b and c hold 1, 1 and 0: a third pod in a or b would be a skew of 2
    await c.apply(web("spread", { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: zone, whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "web" } } }] }));
    await c.settle();
    expect(failedScheduling(c, "spread")).toBe(1);
    // node-4 has no zone: no domain went with it, the hint skips it
    await c.delete("Node", "node-4");
    await notRetried(c, "spread");
    // zone c goes with node-3: the global minimum is 1, and a or b takes the pod with a skew of 1
    await c.delete("Node", "node-3");
    await c.settle();
    c.advance(2_000);
    await c.settle();
    expect(["node-1", "node-2"]).toContain(c.get("Pod", "spread").spec.nodeName);
    await c.stop();
  });
});
