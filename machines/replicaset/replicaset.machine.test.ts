import { describe, it, expect } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const rsManifest = (replicas: number, name = "web") => ({
  apiVersion: "apps/v1", kind: "ReplicaSet",
  metadata: { name, namespace: "default" },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } },
  },
});

const owned = (c: any, rs: any) => c.list("Pod", { namespace: "default" }).filter((p: any) => p.metadata.ownerReferences?.some((r: any) => r.uid === rs.metadata.uid && r.controller));

describe("replicaset controller in a cluster", () => {
  it("creates the replicas as pods named <rs>- with a controller ownerReference and SuccessfulCreate events", async () => {
    const c = createCluster({ nodes: 2, seed: 3 });
    await c.apply(rsManifest(3));
    await c.settle();
    const rs = c.get("ReplicaSet", "web", "default");
    const pods = owned(c, rs);
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(p.metadata.generateName).toBe("web-");
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    const created = c.events().filter((e: any) => e.reason === "SuccessfulCreate");
    expect(created.map((e: any) => e.message).sort()).toEqual(pods.map((p: any) => `Created pod: ${p.metadata.name}`).sort());
    expect(created[0].source).toEqual({ component: "replicaset-controller" });
    expect(rs.status.replicas).toBe(3);
    expect(rs.status.fullyLabeledReplicas).toBe(3);
    expect(rs.status.observedGeneration).toBe(1);
    await c.stop();
  });
});
