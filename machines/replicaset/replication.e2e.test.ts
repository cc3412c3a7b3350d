// ReplicationControllers end to end through createCluster, with the docs' controllers/replication.yaml
// (concepts/workloads/controllers/replicationcontroller): three nginx pods named nginx-xxxxx, owned
// by the RC (ownerReference v1 ReplicationController, controller: true), replaced when one is
// deleted, scaled through the scale subresource (kubectl scale rc), released when relabelled, and
// deleted with the RC by the garbage collector.

import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createCluster } from "../../index.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

function cluster(seed = 3): Cluster {
  const c = createCluster({ seed });
  clusters.push(c);
  return c;
}

const manifest = readFileSync(new URL("../../examples/replication.yaml", import.meta.url), "utf8");
const live = (c: Cluster) => c.list("Pod", { namespace: "default", labelSelector: "app=nginx" }).filter((p: any) => !p.metadata.deletionTimestamp);

describe("the docs' nginx ReplicationController", () => {
  it("runs three pods it owns, and its status counts them", async () => {
    const c = cluster();
    await c.apply(manifest);
    await c.settle();
    const pods = live(c);
    expect(pods.map((p: any) => p.status.phase)).toEqual(["Running", "Running", "Running"]);
    const rc = c.get("ReplicationController", "nginx", "default");
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^nginx-[a-z0-9]{5}$/);
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: "v1", kind: "ReplicationController", name: "nginx", uid: rc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    expect(rc.spec.selector).toEqual({ app: "nginx" });
    expect(rc.status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    const events = c.events({ namespace: "default" }).filter((e: any) => e.involvedObject.kind === "ReplicationController");
    expect(events.map((e: any) => `${e.reason} ${e.source?.component}`)).toEqual(["SuccessfulCreate replication-controller", "SuccessfulCreate replication-controller", "SuccessfulCreate replication-controller"]);
  });

  it("replaces a deleted pod, scales through the scale subresource, and releases a relabelled pod", async () => {
    const c = cluster();
    await c.apply(manifest);
    await c.settle();
    const victim = live(c)[0].metadata.name;
    await c.delete("Pod", victim, "default");
    await c.settle();
    expect(live(c).map((p: any) => p.metadata.name)).not.toContain(victim);
    expect(live(c)).toHaveLength(3);

    const scaled = c.requestSync({ verb: "patch", group: "", resource: "replicationcontrollers", subresource: "scale", namespace: "default", name: "nginx", patchType: "merge", body: { spec: { replicas: 1 } } });
    expect(scaled.ok && scaled.object).toMatchObject({ kind: "Scale", spec: { replicas: 1 }, status: { replicas: 3, selector: "app=nginx" } });
    await c.settle();
    expect(live(c)).toHaveLength(1);

    const [kept] = live(c);
    c.requestSync({ verb: "patch", group: "", resource: "pods", namespace: "default", name: kept.metadata.name, patchType: "merge", body: { metadata: { labels: { app: "debug" } } } });
    await c.settle();
    const released = c.get("Pod", kept.metadata.name, "default");
    expect(released.metadata.ownerReferences ?? []).toEqual([]);
    expect(live(c)).toHaveLength(1);
  });

  it("takes its pods with it when deleted (garbage collection)", async () => {
    const c = cluster();
    await c.apply(manifest);
    await c.settle();
    await c.delete("ReplicationController", "nginx", "default");
    await c.settle();
    expect(c.list("Pod", { namespace: "default" })).toEqual([]);
  });
});
