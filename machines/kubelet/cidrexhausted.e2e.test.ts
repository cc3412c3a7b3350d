import { describe, it, expect } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";

// kind's cluster CIDR 10.244.0.0/16 with node-cidr-mask-size 24 holds 256 node /24s. The node IPAM
// range allocator gives the 257th node none (AllocateNext fails: CIDRNotAvailable) and the node
// keeps an empty spec.podCIDR. kindnet writes the CNI config only from a podCIDR, so containerd
// reports NetworkReady=false and the kubelet posts Ready=False (KubeletNotReady, the runtime's
// error); the node lifecycle controller taints the node not-ready, so the scheduler places no
// ordinary pod there. A pod bound there by name is not started (NetworkNotReady) unless it uses the
// host network.

const runtimeNotReady =
  "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized";

function readyCondition(c: Cluster, node: string): any {
  return c.get("Node", node).status.conditions.find((x: any) => x.type === "Ready");
}

function taintsOf(c: Cluster, node: string): string[] {
  return (c.get("Node", node).spec.taints ?? []).map((t: any) => `${t.key}:${t.effect}`).sort();
}

describe("a cluster of 300 nodes: the 10.244.0.0/16 cluster CIDR has /24s for 256 of them", () => {
  it("starts; nodes past the 256th have no podCIDR, are NotReady, tainted not-ready, and get no Deployment pod", async () => {
    const c = createCluster({ nodes: 300, seed: 11, trace: false });
    await c.settle();
    // the node lifecycle controller's monitor pass (every 5 s) taints what it finds NotReady
    c.advance(10_000);
    expect(c.get("Node", "node-256").spec).toMatchObject({ podCIDR: "10.244.255.0/24", podCIDRs: ["10.244.255.0/24"] });
    expect(readyCondition(c, "node-256")).toMatchObject({ status: "True", reason: "KubeletReady" });
    for (const name of ["node-257", "node-300"]) {
      const node = c.get("Node", name);
      expect(node.spec.podCIDR).toBeUndefined();
      expect(node.spec.podCIDRs).toBeUndefined();
      expect(readyCondition(c, name)).toMatchObject({ status: "False", reason: "KubeletNotReady", message: runtimeNotReady });
      expect(taintsOf(c, name)).toEqual(["node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/not-ready:NoSchedule"]);
    }
    expect(taintsOf(c, "node-256")).toEqual([]);

    // Enough replicas for the scheduler's node search (about half the nodes a cycle, from where the
    // last one stopped) to pass over every node several times.
    await c.apply([{
      apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default" },
      spec: { replicas: 12, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx:1.27" }] } } },
    }]);
    await c.settle();
    c.advance(30_000);
    const pods = c.list("Pod", { namespace: "default", labelSelector: "app=web" });
    expect(pods).toHaveLength(12);
    for (const p of pods) {
      const index = Number(String(p.spec.nodeName).slice("node-".length));
      expect(index).toBeGreaterThanOrEqual(1);
      expect(index).toBeLessThanOrEqual(256);
      expect(p.status.phase).toBe("Running");
    }
    await c.stop();
  }, 120_000);

  it("a pod bound to node-300 by name stays Pending with NetworkNotReady and no IP; a hostNetwork pod there runs", async () => {
    const c = createCluster({ nodes: 300, seed: 11, trace: false });
    await c.settle();
    await c.apply([
      { apiVersion: "v1", kind: "Pod", metadata: { name: "bound", namespace: "default" }, spec: { nodeName: "node-300", containers: [{ name: "c", image: "nginx:1.27" }] } },
      { apiVersion: "v1", kind: "Pod", metadata: { name: "host", namespace: "default" }, spec: { nodeName: "node-300", hostNetwork: true, containers: [{ name: "c", image: "nginx:1.27" }] } },
    ]);
    await c.settle();
    // well inside the 300 s the default not-ready NoExecute toleration allows before eviction
    c.advance(60_000);
    const bound = c.get("Pod", "bound", "default");
    expect(bound.status.phase).toBe("Pending");
    expect(bound.status.podIP).toBeUndefined();
    expect(bound.status.podIPs).toBeUndefined();
    const events = c.events({ namespace: "default" }).filter((e) => e.involvedObject.name === "bound");
    const notReady = events.filter((e) => e.reason === "NetworkNotReady");
    expect(notReady).toHaveLength(1);
    expect(notReady[0]).toMatchObject({ type: "Warning", message: `network is not ready: ${runtimeNotReady}`, source: { component: "kubelet", host: "node-300" } });
    // the pod worker retries: the same event is counted again
    expect(notReady[0].count).toBeGreaterThan(1);
    expect(events.map((e) => e.reason)).not.toContain("Started");

    const host = c.get("Pod", "host", "default");
    expect(host.status.phase).toBe("Running");
    expect(host.status.podIP).toBe(host.status.hostIP);
    await c.stop();
  }, 120_000);
});
