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

describe("replicaset controller scaling down and under a slow watch", () => {
  it("scaling down deletes the surplus, unscheduled pods first, with SuccessfulDelete events", async () => {
    const c = createCluster({ nodes: [], seed: 4 });
    await c.apply(rsManifest(3));
    await c.settle();
    const rs0 = c.get("ReplicaSet", "web", "default");
    const pods = owned(c, rs0);
    // bind two of them by hand; the third stays unscheduled and must be the one to go
    for (const p of pods.slice(0, 2)) {
      c.requestSync({ verb: "create", group: "", resource: "pods", subresource: "binding", namespace: "default", name: p.metadata.name, body: { apiVersion: "v1", kind: "Binding", metadata: { name: p.metadata.name }, target: { kind: "Node", name: "node-x" } } });
    }
    await c.apply(rsManifest(2));
    await c.settle();
    const left = owned(c, rs0).filter((p: any) => !p.metadata.deletionTimestamp);
    expect(left.map((p: any) => p.metadata.name).sort()).toEqual(pods.slice(0, 2).map((p: any) => p.metadata.name).sort());
    const del = c.events().filter((e: any) => e.reason === "SuccessfulDelete");
    expect(del.map((e: any) => e.message)).toEqual([`Deleted pod: ${pods[2].metadata.name}`]);
    expect(c.get("ReplicaSet", "web", "default").status.replicas).toBe(2);
    await c.stop();
  });

  it("creates exactly replicas pods at every step even when syncs outrun the pod watch", async () => {
    const c = createCluster({ nodes: [], seed: 9 });
    let most = 0;
    c.runtime.observers.push(() => { most = Math.max(most, c.list("Pod", { namespace: "default", labelSelector: "app=web" }).length); });
    await c.apply(rsManifest(5));
    // status writes and RS updates re-queue the key many times while creations are in flight
    for (let i = 0; i < 3; i++) c.requestSync({ verb: "patch", group: "apps", resource: "replicasets", namespace: "default", name: "web", patchType: "merge", body: { metadata: { labels: { poke: String(i) } } } });
    await c.settle();
    expect(most).toBe(5);
    expect(c.list("Pod", { namespace: "default", labelSelector: "app=web" })).toHaveLength(5);
    await c.stop();
  });

});
