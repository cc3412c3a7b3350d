import { describe, it, expect } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const deploy = {
  apiVersion: "apps/v1", kind: "Deployment",
  metadata: { name: "web", namespace: "default" },
  spec: { replicas: 2, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx" }] } } },
};

async function running(seed: number) {
  const c = createCluster({ nodes: 1, seed });
  await c.apply(deploy);
  await c.settle();
  expect(c.list("ReplicaSet", { namespace: "default" })).toHaveLength(1);
  return c;
}

const webPods = (c: any) => c.list("Pod", { namespace: "default", labelSelector: "app=web" });

describe("garbage collector in a cluster", () => {
  it("background deletion: deleting a Deployment removes its ReplicaSet, then the ReplicaSet's pods", async () => {
    const c = await running(11);
    await c.delete("Deployment", "web", "default", { propagationPolicy: "Background" });
    await c.settle();
    expect(c.get("Deployment", "web", "default")).toBeUndefined();
    expect(c.list("ReplicaSet", { namespace: "default" })).toEqual([]);
    // pods not bound to a node have nothing to stop: they go at once
    expect(webPods(c).filter((p: any) => !p.metadata.deletionTimestamp)).toEqual([]);
    await c.stop();
  });

  it("foreground deletion: the owner keeps foregroundDeletion until its dependents are gone, then goes", async () => {
    const c = await running(12);
    const rs = c.list("ReplicaSet", { namespace: "default" })[0];
    const seen: string[] = [];
    c.runtime.observers.push(() => {
      const d = c.get("Deployment", "web", "default");
      const rsNow = c.get("ReplicaSet", rs.metadata.name, "default");
      // the owner must never vanish while a blocking dependent still exists
      if (!d && rsNow) seen.push("owner gone before its ReplicaSet");
      if (d?.metadata?.finalizers?.includes("foregroundDeletion") && !seen.includes("finalizer")) seen.push("finalizer");
    });
    await c.delete("Deployment", "web", "default", { propagationPolicy: "Foreground" });
    await c.settle();
    expect(seen).toEqual(["finalizer"]);
    expect(c.get("Deployment", "web", "default")).toBeUndefined();
    expect(c.list("ReplicaSet", { namespace: "default" })).toEqual([]);
    expect(webPods(c)).toEqual([]);
    await c.stop();
  });

  it("orphan deletion: dependents lose the ownerReference and survive, then the owner goes", async () => {
    const c = await running(13);
    const rs = c.list("ReplicaSet", { namespace: "default" })[0];
    await c.delete("ReplicaSet", rs.metadata.name, "default", { propagationPolicy: "Orphan" });
    await c.settle();
    // the Deployment controller makes a fresh ReplicaSet of the same name; the old uid's references are gone
    expect(c.get("ReplicaSet", rs.metadata.name, "default")?.metadata?.uid).not.toBe(rs.metadata.uid);
    const pods = webPods(c).filter((p: any) => !p.metadata.deletionTimestamp);
    expect(pods.length).toBeGreaterThanOrEqual(2);
    for (const p of pods) expect(p.metadata.ownerReferences?.some((r: any) => r.uid === rs.metadata.uid) ?? false).toBe(false);
    await c.stop();
  });

  it("a pod whose owner never existed is deleted once the owner is confirmed absent", async () => {
    const c = createCluster({ nodes: 1, seed: 14 });
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "lonely", namespace: "default", ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "ghost", uid: "00000000-0000-4000-8000-000000000000", controller: true }] }, spec: { containers: [{ name: "c", image: "nginx" }] } });
    await c.settle();
    expect(c.get("Pod", "lonely", "default")).toBeUndefined();
    await c.stop();
  });

  it("a pod owned by a live ReplicaSet is left alone", async () => {
    const c = await running(15);
    const before = webPods(c).map((p: any) => p.metadata.uid).sort();
    c.advance(10_000);
    await c.settle();
    expect(webPods(c).map((p: any) => p.metadata.uid).sort()).toEqual(before);
    await c.stop();
  });
});
