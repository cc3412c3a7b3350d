// A pod whose PersistentVolumeClaim is not bound when its kubelet first reads it: the volume manager
// reports FailedMount and tries again, so the pod starts once the claim is bound (the claim and a
// matching PersistentVolume applied with the pod, bound by the PersistentVolume controller meanwhile);
// a claim that never binds leaves the pod Pending with its FailedMount, and settle() still ends.

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../index.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

// bound to a node already, so the scheduler's wait for bound claims is not what holds it back
const pod = `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  nodeName: node-1
  containers:
  - name: nginx
    image: nginx
    volumeMounts:
    - name: data
      mountPath: /data
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: data
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  storageClassName: ""
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
`;

const volume = `---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: data-pv
spec:
  storageClassName: ""
  capacity:
    storage: 1Gi
  accessModes: [ReadWriteOnce]
  hostPath:
    path: /mnt/data
`;

function cluster(seed: number): Cluster {
  const c = createCluster({ seed });
  clusters.push(c);
  return c;
}

describe("a pod waiting for its claim to be bound", () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`starts once the PersistentVolume controller binds the claim (seed ${seed})`, async () => {
      const c = cluster(seed);
      await c.apply(pod + volume);
      await c.settle();
      expect(c.get("PersistentVolumeClaim", "data", "default").status.phase).toBe("Bound");
      expect(c.get("Pod", "app", "default").status.phase).toBe("Running");
    });
  }

  it("stays Pending with FailedMount when the claim never binds, and settle() ends", async () => {
    const c = cluster(1);
    await c.apply(pod);
    await c.settle();
    expect(c.get("PersistentVolumeClaim", "data", "default").status.phase).toBe("Pending");
    expect(c.get("Pod", "app", "default").status.phase).toBe("Pending");
    const mounts = c.events({ namespace: "default" }).filter((e: any) => e.involvedObject.name === "app" && e.reason === "FailedMount");
    // the pod reached its kubelet before the claim was made ("not found"), then the claim stayed unbound
    // (the volume manager's lists, the populator's error: kubelet.go SyncPod, volume_manager.go WaitForAttachAndMount)
    expect(mounts.map((e: any) => `${e.type} ${e.message}`)).toContain(
      "Warning Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[], failed to process volumes=[data]: error processing PVC default/data: PVC is not bound");
  });

  it("two claims that cannot be mounted make one FailedMount per sync, listing both volumes and both errors", async () => {
    const c = cluster(1);
    await c.apply(pod.replace("      claimName: data\n", "      claimName: data\n  - name: logs\n    persistentVolumeClaim:\n      claimName: logs\n"));
    await c.settle();
    const mounts = c.events({ namespace: "default" }).filter((e: any) => e.involvedObject.name === "app" && e.reason === "FailedMount");
    expect(mounts.map((e: any) => e.message)).toContain(
      'Unable to attach or mount volumes: unmounted volumes=[data logs], unattached volumes=[], failed to process volumes=[data logs]: error processing PVC default/data: PVC is not bound; error processing PVC default/logs: failed to fetch PVC from API server: persistentvolumeclaims "logs" not found');
    expect(mounts.every((e: any) => e.message.includes("unmounted volumes=[data logs]"))).toBe(true);
  });
});
