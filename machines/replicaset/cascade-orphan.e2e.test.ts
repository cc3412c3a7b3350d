// `kubectl delete rs frontend --cascade=orphan` (and a Deployment's) end to end through createCluster,
// over many seeds, with the controller's watch of its owners slow (that stream held, as a lagging
// HTTP/2 stream is) so it syncs inside the deletion window: the garbage collector takes each pod's
// ownerReference away while the ReplicaSet still exists, with a deletionTimestamp and the orphan
// finalizer, and the controller's informer has not seen that yet. Kubernetes' canAdopt rereads the
// owner live before adopting (RecheckDeletionTimestamp), so the pods stay orphans and keep running (docs: concepts/workloads/controllers/replicaset, "Deleting just
// a ReplicaSet"; tasks/administer-cluster/use-cascading-deletion, "Orphan the dependents").

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../index.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const SEEDS = Array.from({ length: 12 }, (_, i) => i + 1);

// the docs' controllers/frontend.yaml
const frontend = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: frontend
  labels:
    app: guestbook
    tier: frontend
spec:
  replicas: 3
  selector:
    matchLabels:
      tier: frontend
  template:
    metadata:
      labels:
        tier: frontend
    spec:
      containers:
      - name: php-redis
        image: us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5
`;

// the docs' controllers/nginx-deployment.yaml
const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
`;

async function started(seed: number, manifest: string): Promise<Cluster> {
  const c = createCluster({ seed });
  clusters.push(c);
  await c.apply(manifest);
  await c.settle();
  return c;
}

/** Holds the watch events of kind sent to controller for ms each (their stream only, order kept) until the returned function is called. */
function slowOwnerWatch(c: Cluster, controller: string, kind: string, ms: number): () => void {
  const rt = (c as any).runtime;
  rt.sendHook = (from: string, to: string, msg: any) => {
    if (from !== "apiserver" || to !== controller || msg.type !== "WatchEvent" || msg.object?.kind !== kind) return false;
    rt.hold(from, to, msg, ms);
    return true;
  };
  return () => {
    rt.sendHook = undefined;
  };
}

const summary = (objects: any[]) => objects.map((o) => `${o.metadata.name} ${o.status?.phase ?? ""} owners=${(o.metadata.ownerReferences ?? []).length} deleting=${!!o.metadata.deletionTimestamp}`.trim()).sort();

describe("deleting a ReplicaSet with --cascade=orphan", () => {
  for (const seed of SEEDS) {
    it(`leaves its three pods running with no ownerReferences, never adopted back (seed ${seed})`, async () => {
      const c = await started(seed, frontend);
      const pods = () => c.list("Pod", { namespace: "default", labelSelector: "tier=frontend" });
      const names = pods().map((p: any) => p.metadata.name).sort();
      expect(names).toHaveLength(3);
      const restore = slowOwnerWatch(c, "replicaset-controller", "ReplicaSet", 5_000);
      await c.delete("ReplicaSet", "frontend", "default", { propagationPolicy: "Orphan" });
      await c.settle();
      restore();
      expect(c.get("ReplicaSet", "frontend", "default")).toBeUndefined();
      expect(summary(pods())).toEqual(names.map((n) => `${n} Running owners=0 deleting=false`));
      // and they stay orphans: a minute later nothing took them back or deleted them
      c.advance(60_000);
      await c.settle();
      expect(summary(pods())).toEqual(names.map((n) => `${n} Running owners=0 deleting=false`));
    });
  }
});

describe("deleting a Deployment with --cascade=orphan", () => {
  for (const seed of SEEDS) {
    it(`leaves its ReplicaSet with no ownerReferences and the pods running under it (seed ${seed})`, async () => {
      const c = await started(seed, deployment);
      const sets = () => c.list("ReplicaSet", { namespace: "default", labelSelector: "app=nginx" });
      const rs = sets();
      expect(rs).toHaveLength(1);
      const restore = slowOwnerWatch(c, "deployment-controller", "Deployment", 5_000);
      await c.delete("Deployment", "nginx-deployment", "default", { propagationPolicy: "Orphan" });
      await c.settle();
      restore();
      c.advance(60_000);
      await c.settle();
      expect(c.get("Deployment", "nginx-deployment", "default")).toBeUndefined();
      expect(sets().map((s: any) => `${s.metadata.name} owners=${(s.metadata.ownerReferences ?? []).length} deleting=${!!s.metadata.deletionTimestamp}`)).toEqual([`${rs[0].metadata.name} owners=0 deleting=false`]);
      const pods = c.list("Pod", { namespace: "default", labelSelector: "app=nginx" });
      expect(pods.map((p: any) => `${p.status.phase} ${p.metadata.ownerReferences?.[0]?.uid === rs[0].metadata.uid}`)).toEqual(["Running true", "Running true", "Running true"]);
    });
  }
});
