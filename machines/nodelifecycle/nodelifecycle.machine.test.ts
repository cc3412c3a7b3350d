import { describe, it, expect } from "vitest";
import { createCluster } from "../../runtime/cluster.js";
import { stateName } from "../common/lifecycle.js";

const rs = {
  apiVersion: "apps/v1", kind: "ReplicaSet",
  metadata: { name: "web", namespace: "default" },
  spec: { replicas: 4, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx" }] } } },
};

const ready = (c: any, node: string) => c.get("Node", node).status?.conditions?.find((x: any) => x.type === "Ready");
/** Where the controller's health chart of a node is ("Ready.posting", "Unknown" ...). */
const health = (c: any, node: string) => stateName(c.runtime.snapshot("node-lifecycle-controller").context.health.get(node)?.value);
/** Where the controller's taint eviction chart of a pod is (undefined when it has none). */
const eviction = (c: any, pod: string) => {
  const e = c.runtime.snapshot("node-lifecycle-controller").context.evictions.get(`default/${pod}`);
  return e && stateName(e.value);
};
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

  it("the node's health chart: Ready while its kubelet renews, silent 50 s after the last renewal, Unknown at the next 5 s pass, Ready again when the kubelet is back", async () => {
    const c = createCluster({ nodes: 2, seed: 33 });
    // A pod that tolerates the unreachable taint for 30 s only: evicted 30 s after the taint, where the default is 300 s.
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "short", namespace: "default" }, spec: { nodeName: "node-2", tolerations: [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 30 }], containers: [{ name: "c", image: "nginx" }] } });
    await c.settle();
    c.advance(10_000);
    expect(health(c, "node-2")).toBe("Ready.posting");
    const unknownAt: number[] = [];
    const silentAt: number[] = [];
    c.runtime.crash("kubelet/node-2");
    const crashedAt = c.runtime.now;
    for (let t = 0; t < 100_000; t += 1_000) {
      c.advance(1_000);
      if (!silentAt.length && health(c, "node-2") === "Ready.silent") silentAt.push(c.runtime.now);
      if (!unknownAt.length && health(c, "node-2") === "Unknown") unknownAt.push(c.runtime.now);
    }
    // The last renewal was at most 10 s (leaseRenewInterval) before the crash; silent 50 s after it; Unknown within one 5 s pass.
    const lease = Date.parse(c.list("Lease", { namespace: "kube-node-lease" }).find((l: any) => l.metadata.name === "node-2").spec.renewTime);
    expect(crashedAt - lease).toBeLessThanOrEqual(10_000);
    expect(silentAt[0]! - lease).toBeGreaterThan(50_000);
    expect(silentAt[0]! - lease).toBeLessThanOrEqual(51_000);
    expect(unknownAt[0]! - silentAt[0]!).toBeLessThanOrEqual(5_000);
    expect(ready(c, "node-2")).toMatchObject({ status: "Unknown", reason: "NodeStatusUnknown" });
    const taint = c.get("Node", "node-2").spec.taints.find((t: any) => t.effect === "NoExecute");
    expect(taint.key).toBe("node.kubernetes.io/unreachable");
    // The 30 s toleration: deleted 30 s after timeAdded (the eviction is looked at on the second it is due).
    const evictedAt = c.events().find((e: any) => e.reason === "TaintManagerEviction" && e.message === "Marking for deletion Pod default/short");
    expect(evictedAt).toBeDefined();
    expect(Date.parse(evictedAt.eventTime ?? evictedAt.lastTimestamp ?? evictedAt.firstTimestamp) - Date.parse(taint.timeAdded)).toBe(30_000);
    expect(eviction(c, "short")).toBe("Evicting");

    c.runtime.revive("kubelet/node-2");
    await c.settle();
    c.advance(15_000);
    expect(health(c, "node-2")).toBe("Ready.posting");
    expect(ready(c, "node-2").status).toBe("True");
    expect(c.get("Node", "node-2").spec.taints ?? []).toEqual([]);
    await c.stop();
  });
});
