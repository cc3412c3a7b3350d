import { describe, it, expect } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const rs = {
  apiVersion: "apps/v1", kind: "ReplicaSet",
  metadata: { name: "web", namespace: "default" },
  spec: { replicas: 4, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx" }] } } },
};

const ready = (c: any, node: string) => c.get("Node", node).status?.conditions?.find((x: any) => x.type === "Ready");
const live = (c: any) => c.list("Pod", { namespace: "default", labelSelector: "app=web" }).filter((p: any) => !p.metadata.deletionTimestamp);

describe("node lifecycle controller in a cluster", () => {
  it("a node whose kubelet crashed goes Ready=Unknown after the grace period, is tainted unreachable, and its pods are replaced 300 s later", async () => {
    const c = createCluster({ nodes: 2, seed: 31 });
    await c.apply(rs);
    await c.settle();
    c.advance(10_000);
    const onNode2 = live(c).filter((p: any) => p.spec.nodeName === "node-2").map((p: any) => p.metadata.name);
    expect(onNode2.length).toBeGreaterThan(0);
    expect(ready(c, "node-2").status).toBe("True");

    c.runtime.crash("kubelet/node-2");
    c.advance(40_000);
    expect(ready(c, "node-2").status).toBe("True"); // inside the 50 s grace period (--node-monitor-grace-period, v1.32+)
    c.advance(20_000);
    expect(ready(c, "node-2")).toMatchObject({ status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status." });
    const taints = c.get("Node", "node-2").spec.taints;
    expect(taints.map((t: any) => `${t.key}:${t.effect}`).sort()).toEqual(["node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"]);
    expect(taints.find((t: any) => t.effect === "NoExecute").timeAdded).toBeDefined();
    expect(ready(c, "node-1").status).toBe("True");

    // default tolerations: unreachable NoExecute for 300 s
    c.advance(240_000);
    expect(live(c).filter((p: any) => p.spec.nodeName === "node-2").map((p: any) => p.metadata.name).sort()).toEqual([...onNode2].sort());
    c.advance(70_000);
    const evictions = c.events().filter((e: any) => e.reason === "TaintManagerEviction").map((e: any) => e.message).sort();
    expect(evictions).toEqual(onNode2.map((n: string) => `Marking for deletion Pod default/${n}`).sort());
    for (const n of onNode2) {
      const p = c.get("Pod", n, "default");
      expect(p.metadata.deletionTimestamp).toBeDefined(); // Terminating: no kubelet to finish it
      expect(p.status.conditions.find((x: any) => x.type === "DisruptionTarget")).toMatchObject({ status: "True", reason: "DeletionByTaintManager", message: "Taint manager: deleting due to NoExecute taint" });
    }
    c.advance(20_000);
    const replaced = live(c);
    expect(replaced).toHaveLength(4);
    expect(replaced.every((p: any) => p.spec.nodeName === "node-1")).toBe(true);
    expect(replaced.every((p: any) => p.status?.phase === "Running")).toBe(true);
    await c.stop();
  });

  it("a healthy cluster is never tainted and nothing is evicted", async () => {
    const c = createCluster({ nodes: 2, seed: 32 });
    await c.apply(rs);
    await c.settle();
    c.advance(400_000);
    for (const n of ["node-1", "node-2"]) {
      expect(ready(c, n).status).toBe("True");
      expect(c.get("Node", n).spec.taints ?? []).toEqual([]);
    }
    expect(c.events().filter((e: any) => e.reason === "TaintManagerEviction")).toEqual([]);
    await c.stop();
  });
});
