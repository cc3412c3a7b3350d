// An affinity term's namespaceSelector in a running cluster: kube-scheduler's InterPodAffinity reads
// the namespaces' labels through its namespace lister (GetNamespaceLabelsSnapshot,
// mergeAffinityTermNamespacesIfNotEmpty), so a term selects pods in every namespace whose labels
// match, beside the namespaces it names (docs: concepts/scheduling-eviction/assign-pod-node,
// "namespaceSelector").

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../../../index.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const ns = (name: string, labels: Record<string, string>) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });
const pod = (name: string, namespace: string, labels: Record<string, string>, spec: any = {}) => ({
  apiVersion: "v1", kind: "Pod", metadata: { name, namespace, labels },
  spec: { containers: [{ name: "app", image: "registry.k8s.io/pause:3.10" }], ...spec },
});
const term = (namespaceSelector: any) => ({ labelSelector: { matchLabels: { app: "db" } }, namespaceSelector, topologyKey: "kubernetes.io/hostname" });
const nodeOf = (c: Cluster, name: string, namespace = "default") => c.get("Pod", name, namespace)?.spec?.nodeName;

describe("InterPodAffinity's namespaceSelector selects namespaces by their labels", () => {
  it("required affinity follows the db pod into the namespace labelled team=data; a selector no namespace matches leaves the pod Pending", async () => {
    const c = createCluster({ nodes: 4, seed: 7, clock: "simulated" });
    clusters.push(c);
    await c.apply(ns("data", { team: "data" }));
    await c.apply(pod("db", "data", { app: "db" }));
    await c.settle();
    const dbNode = nodeOf(c, "db", "data");
    expect(dbNode).toBeTruthy();
    await c.apply(pod("web", "default", { app: "web" }, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ matchLabels: { team: "data" } })] } } }));
    await c.apply(pod("lost", "default", { app: "lost" }, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ matchLabels: { team: "nobody" } })] } } }));
    await c.settle();
    expect(nodeOf(c, "web")).toBe(dbNode);
    const lost = c.get("Pod", "lost", "default");
    expect(lost.spec.nodeName).toBeUndefined();
    expect(lost.status.conditions.find((x: any) => x.type === "PodScheduled")).toMatchObject({ status: "False", reason: "Unschedulable" });
  });

  it("required anti-affinity keeps every pod off the db pod's node when its namespace matches", async () => {
    const c = createCluster({ nodes: 2, seed: 11, clock: "simulated" });
    clusters.push(c);
    await c.apply(ns("data", { team: "data" }));
    await c.apply(pod("db", "data", { app: "db" }));
    await c.settle();
    const dbNode = nodeOf(c, "db", "data");
    const anti = { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ matchExpressions: [{ key: "team", operator: "In", values: ["data"] }] })] } } };
    for (const n of ["a", "b", "c", "d"]) await c.apply(pod(n, "default", { app: "web" }, anti));
    await c.settle();
    const nodes = ["a", "b", "c", "d"].map((n) => nodeOf(c, n));
    expect(nodes.every((n) => n !== undefined && n !== dbNode)).toBe(true);
  });
});
