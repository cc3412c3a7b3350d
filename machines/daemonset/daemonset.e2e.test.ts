// The DaemonSet controller end to end through createCluster, with the docs' controllers/daemonset.yaml
// (fluentd-elasticsearch, tolerating the control-plane taint) on a control plane and two workers.
// Expectations are Kubernetes' behaviour (concepts/workloads/controllers/daemonset,
// tasks/manage-daemon/update-daemon-set, pkg/controller/daemon): one Running pod per node, bound
// by the default scheduler through its matchFields metadata.name affinity; a node that joins gets
// one; a node tainted without toleration gets none; an image update replaces one node's pod at a
// time (maxUnavailable 1); OnDelete replaces a pod only when it is deleted; kubectl delete removes
// the pods and the ControllerRevisions with the DaemonSet.

import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import type { Node } from "kubernetes-types/core/v1";
import { createCluster } from "../../index.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const capacity = { cpu: "4", memory: "16Gi", pods: "110" };
function node(name: string, taints: Node["spec"] extends infer S ? S extends { taints?: infer T } ? T : never : never = undefined, labels: Record<string, string> = {}): Node {
  return { apiVersion: "v1", kind: "Node", metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } }, spec: taints ? { taints } : {}, status: { capacity, allocatable: capacity } };
}
const controlPlaneTaint = { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" as const };

function cluster(extra: Node[] = [], seed = 7): Cluster {
  const c = createCluster({ nodes: [node("control-plane", [controlPlaneTaint], { "node-role.kubernetes.io/control-plane": "" }), node("worker-1"), node("worker-2"), ...extra], seed });
  clusters.push(c);
  return c;
}

const fluentd = readFileSync(new URL("../../examples/daemonset.yaml", import.meta.url), "utf8");
const NS = "kube-system";
const pods = (c: Cluster) => c.list("Pod", { namespace: NS, labelSelector: "name=fluentd-elasticsearch" });
const liveOn = (c: Cluster) => pods(c).filter((p: any) => !p.metadata.deletionTimestamp).map((p: any) => `${p.spec.nodeName}:${p.status.phase}`).sort();
const ds = (c: Cluster) => c.get("DaemonSet", "fluentd-elasticsearch", NS);
const dsEvents = (c: Cluster) => c.events({ namespace: NS }).filter((e: any) => e.involvedObject.kind === "DaemonSet").map((e: any) => `${e.reason} ${e.message}`);

describe("the docs' fluentd-elasticsearch DaemonSet on a control plane and two workers", () => {
  it("runs one pod per node, the control plane included, each bound through its node affinity, with the daemon tolerations and labels", async () => {
    const c = cluster();
    await c.apply(fluentd);
    await c.settle();
    expect(liveOn(c)).toEqual(["control-plane:Running", "worker-1:Running", "worker-2:Running"]);
    const d = ds(c);
    // numberUnavailable is omitempty in DaemonSetStatus: at zero it is not written
    expect(d.status).toEqual({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberMisscheduled: 0, numberReady: 3, updatedNumberScheduled: 3, numberAvailable: 3, observedGeneration: 1 });
    const revisions = c.list("ControllerRevision", { namespace: NS });
    expect(revisions.map((r: any) => [r.revision, r.metadata.ownerReferences[0].kind])).toEqual([[1, "DaemonSet"]]);
    const hash = revisions[0].metadata.labels["controller-revision-hash"];
    expect(revisions[0].metadata.name).toBe(`fluentd-elasticsearch-${hash}`);
    for (const p of pods(c)) {
      expect(p.metadata.labels).toEqual({ name: "fluentd-elasticsearch", "controller-revision-hash": hash, "pod-template-generation": "1" });
      expect(p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{ matchFields: [{ key: "metadata.name", operator: "In", values: [p.spec.nodeName] }] }]);
      expect(p.spec.tolerations.map((t: any) => `${t.key}:${t.effect}${t.tolerationSeconds === undefined ? "" : `:${t.tolerationSeconds}`}`)).toEqual([
        "node-role.kubernetes.io/control-plane:NoSchedule", "node-role.kubernetes.io/master:NoSchedule",
        "node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/disk-pressure:NoSchedule",
        "node.kubernetes.io/memory-pressure:NoSchedule", "node.kubernetes.io/pid-pressure:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule",
      ]);
    }
    expect(dsEvents(c).filter((e) => e.startsWith("SuccessfulCreate Created pod: fluentd-elasticsearch-"))).toHaveLength(3);
    expect(c.events({ namespace: NS }).filter((e: any) => e.involvedObject.kind === "Pod" && e.reason === "Scheduled")).toHaveLength(3);
  });

  it("a node that joins gets its pod; a node tainted without a toleration gets none until the taint goes", async () => {
    const c = cluster([node("worker-3", [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }])]);
    await c.apply(fluentd);
    await c.settle();
    expect(liveOn(c)).toEqual(["control-plane:Running", "worker-1:Running", "worker-2:Running"]);
    expect(ds(c).status.desiredNumberScheduled).toBe(3);
    // a node registered by hand (kubectl create -f node.yaml): the controller makes its pod and the scheduler binds it
    await c.apply(node("worker-4"));
    await c.settle();
    expect(pods(c).filter((p: any) => p.spec.nodeName === "worker-4")).toHaveLength(1);
    expect(ds(c).status.desiredNumberScheduled).toBe(4);
    // the taint removed: worker-3 fits now
    await c.apply({ ...node("worker-3"), spec: { taints: [] } });
    await c.settle();
    expect(liveOn(c)).toContain("worker-3:Running");
    expect(ds(c).status.desiredNumberScheduled).toBe(5);
  });

  it("a node tainted NoExecute without a toleration loses its pod; NoSchedule alone would keep it", async () => {
    const c = cluster();
    await c.apply(fluentd);
    await c.settle();
    await c.apply({ ...node("worker-1", [{ key: "dedicated", value: "user", effect: "NoSchedule" }]) });
    await c.settle();
    expect(liveOn(c)).toContain("worker-1:Running");
    // syncNodeUpdate (v1.35) syncs nothing here: the pod may stay (shouldContinueRunning), it is in place
    // and no pod was counted misscheduled yet; so the status keeps its counts until some other event
    expect(ds(c).status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberMisscheduled: 0 });
    await c.apply({ ...node("worker-1", [{ key: "dedicated", value: "user", effect: "NoExecute" }]) });
    await c.settle();
    expect(liveOn(c)).toEqual(["control-plane:Running", "worker-2:Running"]);
    expect(ds(c).status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 0 });
  });

  it("an image update rolls out one node at a time (maxUnavailable 1): never two nodes without an available pod", async () => {
    const c = cluster();
    await c.apply(fluentd);
    await c.settle();
    const before = new Set(pods(c).map((p: any) => p.metadata.name));
    // Per node, the pods that are Ready and not being deleted, as the API server's watch shows them.
    const seen = new Map<string, any>(pods(c).map((p: any) => [p.metadata.name, p]));
    let fewestAvailable = Infinity;
    const stop = c.watch({ group: "", resource: "pods", namespace: NS }, (ev) => {
      if (ev.eventType === "DELETED") seen.delete(ev.object.metadata.name);
      else seen.set(ev.object.metadata.name, ev.object);
      const nodes = new Set([...seen.values()].filter((p) => !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((x: any) => x.type === "Ready" && x.status === "True")).map((p) => p.spec.nodeName));
      fewestAvailable = Math.min(fewestAvailable, nodes.size);
    });
    await c.apply(fluentd.replace("fluentd:v5.0.1", "fluentd:v5.0.2"));
    await c.settle();
    stop();
    expect(fewestAvailable).toBe(2);
    expect(liveOn(c)).toEqual(["control-plane:Running", "worker-1:Running", "worker-2:Running"]);
    const now = pods(c);
    expect(now.every((p: any) => !before.has(p.metadata.name) && p.spec.containers[0].image === "quay.io/fluentd_elasticsearch/fluentd:v5.0.2")).toBe(true);
    expect(new Set(now.map((p: any) => p.metadata.labels["pod-template-generation"]))).toEqual(new Set(["2"]));
    const d = ds(c);
    expect(d.metadata.generation).toBe(2);
    expect(d.status).toMatchObject({ observedGeneration: 2, updatedNumberScheduled: 3, numberAvailable: 3 });
    expect(c.list("ControllerRevision", { namespace: NS }).map((r: any) => r.revision).sort()).toEqual([1, 2]);
    expect(dsEvents(c).filter((e) => e.startsWith("SuccessfulDelete"))).toHaveLength(3);
  });

  it("OnDelete keeps the old pods after an update; a deleted pod comes back with the new template", async () => {
    const c = cluster();
    const onDelete = fluentd.replace("spec:\n  selector:", "spec:\n  updateStrategy:\n    type: OnDelete\n  selector:");
    await c.apply(onDelete);
    await c.settle();
    await c.apply(onDelete.replace("fluentd:v5.0.1", "fluentd:v5.0.2"));
    await c.settle();
    expect(pods(c).map((p: any) => p.spec.containers[0].image)).toEqual(Array(3).fill("quay.io/fluentd_elasticsearch/fluentd:v5.0.1"));
    expect(ds(c).status).toMatchObject({ numberAvailable: 3 });
    expect(ds(c).status).not.toHaveProperty("updatedNumberScheduled"); // zero, omitempty
    const victim = pods(c).find((p: any) => p.spec.nodeName === "worker-1");
    await c.delete("Pod", victim.metadata.name, NS);
    await c.settle();
    const images = pods(c).map((p: any) => `${p.spec.nodeName}=${p.spec.containers[0].image.split(":").pop()}`).sort();
    expect(images).toEqual(["control-plane=v5.0.1", "worker-1=v5.0.2", "worker-2=v5.0.1"]);
    expect(ds(c).status).toMatchObject({ updatedNumberScheduled: 1 });
  });

  it("deleted with --cascade=orphan, its pods stay; the same DaemonSet made again adopts them and their revision, creating nothing", async () => {
    const c = cluster();
    await c.apply(fluentd);
    await c.settle();
    const names = pods(c).map((p: any) => p.metadata.name).sort();
    await c.delete("DaemonSet", "fluentd-elasticsearch", NS, { propagationPolicy: "Orphan" });
    await c.settle();
    expect(pods(c).every((p: any) => (p.metadata.ownerReferences ?? []).length === 0)).toBe(true);
    await c.apply(fluentd);
    await c.settle();
    const uid = ds(c).metadata.uid;
    expect(pods(c).map((p: any) => p.metadata.name).sort()).toEqual(names);
    expect(pods(c).every((p: any) => p.metadata.ownerReferences?.[0]?.uid === uid)).toBe(true);
    expect(c.list("ControllerRevision", { namespace: NS }).map((r: any) => r.metadata.ownerReferences?.[0]?.uid)).toEqual([uid]);
    expect(ds(c).status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 });
  });

  it("kubectl delete removes the pods and the revisions with the DaemonSet", async () => {
    const c = cluster();
    await c.apply(fluentd);
    await c.settle();
    await c.delete("DaemonSet", "fluentd-elasticsearch", NS, { propagationPolicy: "Background" });
    await c.settle();
    expect(ds(c)).toBeUndefined();
    expect(pods(c)).toEqual([]);
    expect(c.list("ControllerRevision", { namespace: NS })).toEqual([]);
  });
});

describe("node events (addNode, updateNode; no node delete handler)", () => {
  const ssd = { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "ssd-agent", namespace: "default" }, spec: { selector: { matchLabels: { app: "ssd-agent" } }, template: { metadata: { labels: { app: "ssd-agent" } }, spec: { nodeSelector: { disktype: "ssd" }, containers: [{ name: "agent", image: "nginx" }] } } } };
  const agents = (c: Cluster) => c.list("Pod", { namespace: "default", labelSelector: "app=ssd-agent" });

  it("a node labelled to match the nodeSelector gets a pod; losing the label takes it away", async () => {
    const c = cluster();
    await c.apply(ssd);
    await c.settle();
    expect(agents(c)).toEqual([]);
    expect(c.get("DaemonSet", "ssd-agent", "default").status.desiredNumberScheduled).toBe(0);
    await c.apply(node("worker-2", undefined, { disktype: "ssd" }));
    await c.settle();
    expect(agents(c).map((p: any) => `${p.spec.nodeName}:${p.status.phase}`)).toEqual(["worker-2:Running"]);
    expect(c.get("DaemonSet", "ssd-agent", "default").status).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 1 });
    await c.apply(node("worker-2"));
    await c.settle();
    expect(agents(c)).toEqual([]);
    expect(c.get("DaemonSet", "ssd-agent", "default").status).toMatchObject({ desiredNumberScheduled: 0, currentNumberScheduled: 0 });
  });

  it("a deleted node's daemon pod is left to the pod GC: still there within its 40 s quarantine, then Failed (DeletionByPodGC) and gone", async () => {
    const c = cluster();
    await c.apply(fluentd);
    await c.settle();
    const seen: any[] = [];
    const stop = c.watch({ group: "", resource: "pods", namespace: NS }, (ev: any) => seen.push(ev));
    await c.delete("Node", "worker-2");
    c.advance(30_000);
    const orphan = pods(c).find((p: any) => p.spec.nodeName === "worker-2");
    expect(orphan?.metadata.deletionTimestamp).toBeUndefined();
    // no node delete handler: nothing syncs the DaemonSet yet, its status still counts the node
    expect(ds(c).status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 3, numberAvailable: 3 });
    c.advance(60_000);
    await c.settle();
    stop();
    expect(liveOn(c)).toEqual(["control-plane:Running", "worker-1:Running"]);
    const failed = seen.map((e) => e.object).find((p: any) => p?.metadata?.name === orphan.metadata.name && p.status?.phase === "Failed");
    expect(failed?.status.conditions.find((x: any) => x.type === "DisruptionTarget")).toMatchObject({ status: "True", reason: "DeletionByPodGC" });
    // the DaemonSet controller deleted nothing; the pod's deletion made it recount
    expect(dsEvents(c).filter((e) => e.startsWith("SuccessfulDelete"))).toEqual([]);
    // updateDaemonSetStatus counts only the nodes in the cache: every count follows, none is left unavailable
    expect(ds(c).status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 0, numberReady: 2, updatedNumberScheduled: 2, numberAvailable: 2 });
    expect(ds(c).status.numberUnavailable).toBeUndefined();
  });
});
