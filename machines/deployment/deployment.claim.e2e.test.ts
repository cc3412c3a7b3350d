// The Deployment controller's claim of ReplicaSets end to end through createCluster
// (getReplicaSetsForDeployment's ClaimReplicaSets, pkg/controller/controller_ref_manager.go). An
// orphan ReplicaSet the selector matches is adopted with ownerRefControllerPatch: a strategic merge
// patch carrying only the controller reference and the ReplicaSet's uid, so references other writers
// put there stay. An adoption that finds the ReplicaSet deleted meanwhile is no error (ClaimObject
// ignores IsNotFound): the key is not requeued rate-limited, and the rollout goes on without it
// (no watch event of the orphan's deletion would bring the Deployment back: deleteReplicaSet
// ignores an orphan).

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../index.js";
import { numRequeues } from "../common/workqueue.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const labels = { app: "web" };
const template = { metadata: { labels }, spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } };
const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default" }, spec: { replicas: 1, selector: { matchLabels: labels }, template } };
const orphan = (owners: unknown[]) => ({ apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "web-orphan", namespace: "default", labels, ownerReferences: owners }, spec: { replicas: 1, selector: { matchLabels: labels }, template } });

/** Watches the Deployment controller's ReplicaSet patches; `intercept` may take one over (true). */
function watchPatches(c: Cluster, intercept: (msg: any) => boolean = () => false): any[] {
  const seen: any[] = [];
  const rt = (c as any).runtime;
  rt.sendHook = (from: string, to: string, msg: any) => {
    if (from !== "deployment-controller" || to !== "apiserver" || msg.type !== "ApiRequest" || msg.verb !== "patch" || msg.resource !== "replicasets") return false;
    seen.push(msg);
    return intercept(msg);
  };
  return seen;
}

describe("a Deployment adopting an orphan ReplicaSet", () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`patches only its controller reference, guarded by the uid, and keeps the other owners (seed ${seed})`, async () => {
      const c = createCluster({ nodes: 1, seed });
      clusters.push(c);
      await c.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "keeper", namespace: "default" } });
      const cm = c.get("ConfigMap", "keeper", "default");
      const other = { apiVersion: "v1", kind: "ConfigMap", name: "keeper", uid: cm.metadata.uid };
      await c.apply(orphan([other]));
      await c.settle();
      const rs = c.get("ReplicaSet", "web-orphan", "default");
      const patches = watchPatches(c);
      await c.apply(deployment);
      await c.settle();
      const d = c.get("Deployment", "web", "default");
      const ref = { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: d.metadata.uid, controller: true, blockOwnerDeletion: true };
      expect(patches.map((m) => ({ name: m.name, patchType: m.patchType, body: m.body }))).toEqual([{ name: "web-orphan", patchType: "strategic", body: { metadata: { ownerReferences: [ref], uid: rs.metadata.uid } } }]);
      // normalizeElementOrder: a patch item the live list lacks goes before the server-only ones
      expect(c.get("ReplicaSet", "web-orphan", "default").metadata.ownerReferences).toEqual([ref, other]);
    });
  }

  for (const seed of [1, 2, 3, 4]) {
    it(`takes an adoption answered NotFound as no error: no rate-limited requeue, and the rollout goes on (seed ${seed})`, async () => {
      const c = createCluster({ nodes: 1, seed });
      clusters.push(c);
      await c.apply(orphan([]));
      await c.settle();
      const rt = (c as any).runtime;
      // the adoption is held back while a client deletes the ReplicaSet, so it reaches a name no longer there
      const patches = watchPatches(c, (msg) => {
        rt.hold("deployment-controller", "apiserver", msg, 1_000);
        rt.later(10, () => rt.send("kubectl", "apiserver", { type: "ApiRequest", id: 1e9, token: c.adminToken, verb: "delete", group: "apps", resource: "replicasets", namespace: "default", name: "web-orphan" }));
        rt.sendHook = undefined;
        return true;
      });
      const answers: any[] = [];
      rt.deliveryHooks.push((from: string, to: string, msg: any) => {
        if (from === "apiserver" && to === "deployment-controller" && msg.type === "ApiResponse" && msg.id === patches[0]?.id) answers.push(msg);
      });
      let requeues: number | undefined;
      rt.observers.push(() => {
        if (answers.length === 1 && requeues === undefined) requeues = numRequeues(rt.snapshot("deployment-controller").context.q.limiter, "default/web");
      });
      await c.apply(deployment);
      await c.settle();
      expect(patches).toHaveLength(1);
      expect(answers.map((a) => a.code)).toEqual([404]);
      expect(requeues).toBe(0);
      // the Deployment went on with a ReplicaSet of its own
      const d = c.get("Deployment", "web", "default");
      const owned = c.list("ReplicaSet", { namespace: "default" }).filter((r: any) => r.metadata.ownerReferences?.some((o: any) => o.uid === d.metadata.uid));
      expect(owned.map((r: any) => r.metadata.name)).not.toContain("web-orphan");
      expect(owned).toHaveLength(1);
      expect(d.status.readyReplicas).toBe(1);
    });
  }
});

describe("an orphan ReplicaSet appearing beside a settled Deployment", () => {
  // addReplicaSet: an orphan queues the Deployments whose selector matches it, so one adopts it at once
  // (the settled Deployment has no other reason to sync).
  for (const seed of [1, 2, 3]) {
    it(`is adopted by the Deployment selecting it (seed ${seed})`, async () => {
      const c = createCluster({ nodes: 1, seed });
      clusters.push(c);
      await c.apply(deployment);
      await c.settle();
      const d = c.get("Deployment", "web", "default");
      await c.apply(orphan([]));
      await c.settle();
      const rs = c.get("ReplicaSet", "web-orphan", "default");
      expect(rs.metadata.ownerReferences).toEqual([{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    });
  }
});
