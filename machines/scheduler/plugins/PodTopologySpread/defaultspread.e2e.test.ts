// PodTopologySpread's system-default constraints in a running cluster: kube-scheduler (v1.35's default
// configuration, DefaultingType System) spreads a pod with no constraints of its own by hostname
// (maxSkew 3) and zone (maxSkew 5), counting the pods that the Services selecting it and its
// ReplicaSet select (plugin.go systemDefaultConstraints, common.go buildDefaultConstraints,
// helper/spread.go DefaultSelector; docs: concepts/scheduling-eviction/topology-spread-constraints,
// "Internal default constraints").
//
// The scene: two 4-CPU, 16Gi nodes without zone labels; node-b holds a 1-CPU, 4Gi pod, so
// NodeResourcesFit (LeastAllocated, weight 1) prefers node-a by about 23 points for each 100m/256Mi
// replica (cpu 97.5 against 72.5, memory 98.4 against 73.4, less what both nodes already run).
// PodTopologySpread (weight 2) scores by hostname only: the zone-less nodes are not ignored under
// the system defaults, and a node without the key takes no zone credit (scoring.go Score). With one
// replica on node-a and none on node-b the raw scores are round(1·ln(4)+2) = 3 and 2, normalized
// 100·(3+2-3)/3 = 66 and 100: node-b leads by 2·34 = 68 points and takes the second replica; with
// 2 and 1 they are round(2·ln(4)+2) = 5 and 3, normalized 60 and 100: node-b takes the fourth.
// Bare pods that no Service and no controller select get an empty DefaultSelector, no default
// constraints (PreScore Skip), and all go where LeastAllocated sends them.

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../../../index.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const node = (name: string) => ({
  apiVersion: "v1", kind: "Node",
  metadata: { name, labels: { "kubernetes.io/hostname": name } },
  status: { capacity: { cpu: "4", memory: "16Gi", pods: "110" }, allocatable: { cpu: "4", memory: "16Gi", pods: "110" }, conditions: [{ type: "Ready", status: "True" }] },
});
const container = (cpu: string, memory: string) => ({ name: "app", image: "registry.k8s.io/pause:3.10", resources: { requests: { cpu, memory } } });
const filler = { apiVersion: "v1", kind: "Pod", metadata: { name: "filler", namespace: "default", labels: { role: "filler" } }, spec: { nodeName: "node-b", containers: [container("1", "4Gi")] } };
const deployment = {
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default" },
  spec: { replicas: 4, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [container("100m", "256Mi")] } } },
};

/** How many of the given pods run on each node. */
function perNode(c: Cluster, match: (p: any) => boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of c.list("Pod", { namespace: "default" })) {
    if (!match(p)) continue;
    const n = p.spec?.nodeName ?? "(pending)";
    out[n] = (out[n] ?? 0) + 1;
  }
  return out;
}

async function twoNodes(seed: number): Promise<Cluster> {
  const c = createCluster({ nodes: [node("node-a"), node("node-b")], seed, clock: "simulated" });
  clusters.push(c);
  await c.apply(filler);
  await c.settle();
  expect(c.get("Pod", "filler", "default")?.status?.phase).toBe("Running");
  return c;
}

describe("system-default topology spreading", () => {
  it("a Deployment's four replicas spread two and two over the nodes, against LeastAllocated's pull toward the emptier node", async () => {
    const c = await twoNodes(5);
    await c.apply(deployment);
    await c.settle();
    expect(perNode(c, (p) => p.metadata?.labels?.app === "web")).toEqual({ "node-a": 2, "node-b": 2 });
  });

  it("bare pods with the same labels, which no Service or controller selects, get no default spreading and all go to the emptier node", async () => {
    const c = await twoNodes(5);
    for (let i = 0; i < 4; i++) {
      await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: `web-${i}`, namespace: "default", labels: { app: "web" } }, spec: { containers: [container("100m", "256Mi")] } });
      await c.settle();
    }
    expect(perNode(c, (p) => p.metadata?.labels?.app === "web")).toEqual({ "node-a": 4 });
  });

  it("a Service that selects the bare pods gives them its selector: they spread as the Deployment's do", async () => {
    const c = await twoNodes(5);
    await c.apply({ apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } });
    for (let i = 0; i < 4; i++) {
      await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: `web-${i}`, namespace: "default", labels: { app: "web" } }, spec: { containers: [container("100m", "256Mi")] } });
      await c.settle();
    }
    expect(perNode(c, (p) => p.metadata?.labels?.app === "web")).toEqual({ "node-a": 2, "node-b": 2 });
  });
});
