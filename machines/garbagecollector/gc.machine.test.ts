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

  it("a ConfigMap, a Secret and a Role a Deployment owns go with it (the collector monitors every deletable kind, not only workloads)", async () => {
    const c = await running(16);
    const d = c.get("Deployment", "web", "default");
    const owned = { ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: d.metadata.uid }] };
    await c.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "web-config", namespace: "default", ...owned }, data: { a: "1" } });
    await c.apply({ apiVersion: "v1", kind: "Secret", metadata: { name: "web-secret", namespace: "default", ...owned }, stringData: { p: "x" } });
    await c.apply({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "web-role", namespace: "default", ...owned }, rules: [] });
    await c.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "unowned", namespace: "default" }, data: {} });
    await c.settle();
    expect(c.get("ConfigMap", "web-config", "default")).toBeDefined();
    await c.delete("Deployment", "web", "default", { propagationPolicy: "Background" });
    await c.settle();
    expect(c.get("ConfigMap", "web-config", "default")).toBeUndefined();
    expect(c.get("Secret", "web-secret", "default")).toBeUndefined();
    expect(c.get("Role", "web-role", "default")).toBeUndefined();
    expect(c.get("ConfigMap", "unowned", "default")).toBeDefined();
    await c.stop();
  });

  it("a ConfigMap whose owner never existed is deleted; foreground deletion waits for a blocking ConfigMap", async () => {
    const c = await running(17);
    await c.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dangling", namespace: "default", ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "ghost", uid: "00000000-0000-4000-8000-000000000001" }] }, data: {} });
    const d = c.get("Deployment", "web", "default");
    await c.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "blocking", namespace: "default", finalizers: ["example.com/hold"], ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: d.metadata.uid, blockOwnerDeletion: true }] }, data: {} });
    await c.settle();
    expect(c.get("ConfigMap", "dangling", "default")).toBeUndefined();
    await c.delete("Deployment", "web", "default", { propagationPolicy: "Foreground" });
    await c.settle();
    // the ConfigMap is being deleted, held by its own finalizer, and still blocks its owner
    expect(c.get("ConfigMap", "blocking", "default").metadata.deletionTimestamp).toBeDefined();
    expect(c.get("Deployment", "web", "default").metadata.finalizers).toContain("foregroundDeletion");
    expect(c.requestSync({ verb: "patch", group: "", resource: "configmaps", namespace: "default", name: "blocking", patchType: "merge", body: { metadata: { finalizers: null } } }).ok).toBe(true);
    await c.settle();
    expect(c.get("ConfigMap", "blocking", "default")).toBeUndefined();
    expect(c.get("Deployment", "web", "default")).toBeUndefined();
    await c.stop();
  });

  it("a custom resource a Deployment owns goes with it: a CRD's creation makes the collector monitor its resource", async () => {
    const c = await running(18);
    await c.apply({
      apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition",
      metadata: { name: "crontabs.stable.example.com" },
      spec: {
        group: "stable.example.com", scope: "Namespaced",
        names: { plural: "crontabs", singular: "crontab", kind: "CronTab" },
        versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } }],
      },
    });
    await c.settle();
    const d = c.get("Deployment", "web", "default");
    await c.apply({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "nightly", namespace: "default", ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: d.metadata.uid }] }, spec: { cronSpec: "* * * * */5" } });
    await c.settle();
    const crontab = () => c.requestSync({ verb: "get", group: "stable.example.com", resource: "crontabs", namespace: "default", name: "nightly" });
    expect(crontab().ok).toBe(true);
    await c.delete("Deployment", "web", "default", { propagationPolicy: "Background" });
    await c.settle();
    expect(crontab().code).toBe(404);
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
