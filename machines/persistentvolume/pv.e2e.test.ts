// The PersistentVolume controller through createCluster, with the docs' "Configure a Pod to Use a
// PersistentVolume for Storage" manifests (pods/storage/pv-volume.yaml, pv-claim.yaml): the claim
// is bound to task-pv-volume, whose claimRef is default/task-pv-claim (pv_controller.go bind()).

import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createCluster } from "../../index.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});
function cluster(): Cluster {
  const c = createCluster({ nodes: 1, seed: 7 });
  clusters.push(c);
  return c;
}
const example = (name: string) => readFileSync(join(__dirname, "..", "..", "examples", "pods", "storage", name), "utf8");

describe("static binding (the docs' task-pv-volume and task-pv-claim)", () => {
  it("the PV is Available alone, and once the claim exists both are Bound to each other", async () => {
    const c = cluster();
    await c.apply(example("pv-volume.yaml"));
    await c.settle();
    expect(c.get("PersistentVolume", "task-pv-volume")?.status?.phase).toBe("Available");
    await c.apply(example("pv-claim.yaml"));
    await c.settle();
    const pv = c.get("PersistentVolume", "task-pv-volume");
    const pvc = c.get("PersistentVolumeClaim", "task-pv-claim");
    expect(pv.status.phase).toBe("Bound");
    expect(pv.spec.claimRef).toMatchObject({ kind: "PersistentVolumeClaim", namespace: "default", name: "task-pv-claim", uid: pvc.metadata.uid });
    expect(pv.metadata.annotations?.["pv.kubernetes.io/bound-by-controller"]).toBe("yes");
    expect(pvc.spec.volumeName).toBe("task-pv-volume");
    expect(pvc.metadata.annotations).toMatchObject({ "pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes" });
    expect(pvc.status).toMatchObject({ phase: "Bound", accessModes: ["ReadWriteOnce"], capacity: { storage: "10Gi" } });
  });
});

// The docs' page writes index.html on the node (ssh, then `echo ... > /mnt/data/index.html`); here a
// pod with a hostPath volume does it, and another pod fetches the page the docs' nginx serves.
const writer = `
apiVersion: v1
kind: Pod
metadata: { name: writer }
spec:
  restartPolicy: Never
  volumes: [{ name: data, hostPath: { path: /mnt/data } }]
  containers: [{ name: w, image: busybox:1.36, command: ["sh", "-c", "echo 'Hello from Kubernetes storage' > /mnt/data/index.html"], volumeMounts: [{ name: data, mountPath: /mnt/data }] }]
`;
const fetcher = (ip: string) => `
apiVersion: v1
kind: Pod
metadata: { name: fetcher }
spec:
  restartPolicy: Never
  containers: [{ name: f, image: busybox:1.36, command: ["wget", "-qO-", "http://${ip}/"] }]
`;
// What the container printed, from its runtime's log (what kubectl logs shows).
function logsOf(c: Cluster, container: string, node = "node-1"): string {
  const cri = (c as unknown as { runtime: { snapshot(a: string): { context: { containers: Map<string, { name: string; logs: { toArray(): { line: string }[] } }> } } } }).runtime.snapshot(`cri/${node}`);
  return [...cri.context.containers.values()].filter((x) => x.name === container).flatMap((x) => x.logs.toArray().map((l) => l.line)).join("\n");
}

describe("a pod using the claim (the docs' task-pv-pod)", () => {
  it("serves the index.html written under the PV's hostPath on its node", async () => {
    const c = cluster();
    await c.apply(writer);
    await c.settle();
    expect(c.get("Pod", "writer").status.phase).toBe("Succeeded");
    await c.apply(example("pv-volume.yaml"));
    await c.apply(example("pv-claim.yaml"));
    await c.settle();
    await c.apply(example("pv-pod.yaml"));
    await c.settle();
    const pod = c.get("Pod", "task-pv-pod");
    expect(pod.status.phase).toBe("Running");
    await c.apply(fetcher(pod.status.podIP));
    await c.settle();
    expect(logsOf(c, "f")).toBe("Hello from Kubernetes storage");
  });
});

// Dynamic provisioning as on kind: the default StorageClass standard (rancher.io/local-path,
// WaitForFirstConsumer, Delete) provisions a PV on the node the scheduler picked for the first pod.
const claim = `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data }
spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
`;
const user = (name: string, command: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  restartPolicy: Never
  volumes: [{ name: d, persistentVolumeClaim: { claimName: data } }]
  containers: [{ name: ${name}, image: busybox:1.36, command: ["sh", "-c", "${command}"], volumeMounts: [{ name: d, mountPath: /data }] }]
`;

describe("dynamic provisioning with the default StorageClass standard (WaitForFirstConsumer)", () => {
  it("the claim gets the default class and waits for its first consumer; the pod's node gets a local-path PV; a later pod reads what the first wrote; deleting the claim deletes the PV", async () => {
    const c = createCluster({ nodes: 3, seed: 11 });
    clusters.push(c);
    await c.apply(claim);
    await c.settle();
    let pvc = c.get("PersistentVolumeClaim", "data");
    expect(pvc.spec.storageClassName).toBe("standard");
    expect(pvc.status.phase).toBe("Pending");
    expect(c.events().filter((e: any) => e.involvedObject.name === "data").map((e: any) => [e.reason, e.message])).toContainEqual(["WaitForFirstConsumer", "waiting for first consumer to be created before binding"]);
    await c.apply(user("writer", "echo kept > /data/f"));
    await c.settle();
    const writer = c.get("Pod", "writer");
    expect(writer.status.phase).toBe("Succeeded");
    pvc = c.get("PersistentVolumeClaim", "data");
    expect(pvc.metadata.annotations["volume.kubernetes.io/selected-node"]).toBe(writer.spec.nodeName);
    expect(pvc.metadata.annotations["volume.kubernetes.io/storage-provisioner"]).toBe("rancher.io/local-path");
    expect(pvc.status.phase).toBe("Bound");
    const pv = c.get("PersistentVolume", pvc.spec.volumeName);
    expect(pv.metadata.name).toBe(`pvc-${pvc.metadata.uid}`);
    expect(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0]).toEqual({ key: "kubernetes.io/hostname", operator: "In", values: [writer.spec.nodeName] });
    expect(pv.spec.hostPath.path).toBe(`/var/local-path-provisioner/pvc-${pvc.metadata.uid}_default_data`);
    expect(pv.status.phase).toBe("Bound");
    const reasons = c.events().filter((e: any) => e.involvedObject.name === "data").map((e: any) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(["ExternalProvisioning", "Provisioning", "ProvisioningSucceeded"]));
    await c.apply(user("reader", "cat /data/f"));
    await c.settle();
    const reader = c.get("Pod", "reader");
    expect(reader.spec.nodeName).toBe(writer.spec.nodeName);
    expect(logsOf(c, "reader", reader.spec.nodeName)).toBe("kept");
    await c.delete("Pod", "writer");
    await c.delete("Pod", "reader");
    await c.delete("PersistentVolumeClaim", "data");
    await c.settle();
    expect(c.get("PersistentVolume", pv.metadata.name)).toBeUndefined();
  });
});

describe("StorageObjectInUseProtection (pvc-protection, pv-protection)", () => {
  it("a claim in use by a pod stays Terminating until the pod is gone; a Bound volume being deleted stays until its claim is gone", async () => {
    const c = cluster();
    await c.apply(example("pv-volume.yaml"));
    await c.apply(example("pv-claim.yaml"));
    await c.apply(example("pv-pod.yaml"));
    await c.settle();
    expect(c.get("PersistentVolumeClaim", "task-pv-claim").metadata.finalizers).toEqual(["kubernetes.io/pvc-protection"]);
    expect(c.get("PersistentVolume", "task-pv-volume").metadata.finalizers).toEqual(["kubernetes.io/pv-protection"]);
    await c.delete("PersistentVolume", "task-pv-volume");
    await c.delete("PersistentVolumeClaim", "task-pv-claim");
    await c.settle();
    expect(c.get("PersistentVolumeClaim", "task-pv-claim").metadata.deletionTimestamp).toBeDefined();
    expect(c.get("PersistentVolume", "task-pv-volume").status.phase).toBe("Bound");
    expect(c.get("Pod", "task-pv-pod").status.phase).toBe("Running");
    await c.delete("Pod", "task-pv-pod");
    await c.settle();
    c.advance(60_000);
    await c.settle();
    expect(c.get("PersistentVolumeClaim", "task-pv-claim")).toBeUndefined();
    expect(c.get("PersistentVolume", "task-pv-volume")).toBeUndefined();
  });
});

// The kubelet's volume manager (getPVCExtractPV): a claim being deleted is not mounted for a pod,
// even one that reached the node without the scheduler (whose VolumeBinding refuses it too), unless
// pvc-protection still holds it (kubernetes#130335, v1.33: a pod names it, so a restarted kubelet
// keeps a running pod's volume).
const late = (claim: string) => `
apiVersion: v1
kind: Pod
metadata: { name: late }
spec:
  nodeName: node-1
  volumes: [{ name: d, persistentVolumeClaim: { claimName: ${claim} } }]
  containers: [{ name: l, image: busybox:1.36, command: ["sleep", "3600"], volumeMounts: [{ name: d, mountPath: /data }] }]
`;

// a claim whose own finalizer keeps it once pvc-protection has let it go
const held = `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: held, finalizers: [example.com/hold] }
spec:
  storageClassName: manual
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 3Gi } }
`;

describe("a claim being deleted", () => {
  it("that pvc-protection still holds (a pod names it) is mounted for a new pod too", async () => {
    const c = cluster();
    await c.apply(example("pv-volume.yaml"));
    await c.apply(example("pv-claim.yaml"));
    await c.apply(example("pv-pod.yaml"));
    await c.settle();
    await c.delete("PersistentVolumeClaim", "task-pv-claim");
    await c.settle();
    expect(c.get("PersistentVolumeClaim", "task-pv-claim").metadata.finalizers).toContain("kubernetes.io/pvc-protection");
    await c.apply(late("task-pv-claim"));
    await c.settle();
    expect(c.get("Pod", "late").status.phase).toBe("Running");
    expect(c.events().filter((e: any) => e.involvedObject.name === "late" && e.reason === "FailedMount")).toEqual([]);
  });

  it("that only another finalizer keeps is not: FailedMount with the volume manager's message, tried again each pod worker back-off, and the pod stays Pending", async () => {
    const c = cluster();
    await c.apply(example("pv-volume.yaml"));
    await c.apply(held);
    await c.settle();
    await c.delete("PersistentVolumeClaim", "held");
    await c.settle();
    const claim = c.get("PersistentVolumeClaim", "held");
    expect(claim.metadata.deletionTimestamp).toBeDefined();
    expect(claim.metadata.finalizers).toEqual(["example.com/hold"]);
    await c.apply(late("held"));
    await c.settle();
    c.advance(60_000);
    const pod = c.get("Pod", "late");
    expect(pod.status.phase).toBe("Pending");
    expect(pod.status.containerStatuses?.[0]?.state?.running).toBeUndefined();
    const mount = c.events().filter((e: any) => e.involvedObject.name === "late" && e.reason === "FailedMount");
    expect(mount.map((e: any) => `${e.type} ${e.message}`)).toEqual([
      "Warning Unable to attach or mount volumes: unmounted volumes=[d], unattached volumes=[], failed to process volumes=[d]: error processing PVC default/held: PVC is being deleted",
    ]);
    // one failed sync every 10 s (the pod worker's back-off), counted on the one event
    expect(mount[0].count).toBeGreaterThanOrEqual(6);
  });
});

// pvcprotection's podUsesPVC: a scheduled pod naming the claim uses it until the pod object is gone,
// so a pod running out its grace period keeps the claim.
const sleeper = `
apiVersion: v1
kind: Pod
metadata: { name: sleeper }
spec:
  terminationGracePeriodSeconds: 30
  volumes: [{ name: d, persistentVolumeClaim: { claimName: task-pv-claim } }]
  containers: [{ name: s, image: busybox:1.36, command: ["sleep", "3600"], volumeMounts: [{ name: d, mountPath: /data }] }]
`;

describe("a claim used by a terminating pod", () => {
  it("keeps kubernetes.io/pvc-protection while the pod runs out its grace period, and goes once the pod is gone", async () => {
    const c = cluster();
    await c.apply(example("pv-volume.yaml"));
    await c.apply(example("pv-claim.yaml"));
    await c.apply(sleeper);
    await c.settle();
    expect(c.get("Pod", "sleeper").status.phase).toBe("Running");
    await c.delete("PersistentVolumeClaim", "task-pv-claim");
    await c.delete("Pod", "sleeper");
    // a few seconds of the grace period (settle would wait for the kill)
    c.advance(5_000);
    // busybox's sleep ignores SIGTERM: the pod is still terminating, and still uses the claim
    expect(c.get("Pod", "sleeper").metadata.deletionTimestamp).toBeDefined();
    expect(c.get("PersistentVolumeClaim", "task-pv-claim").metadata.finalizers).toEqual(["kubernetes.io/pvc-protection"]);
    c.advance(60_000);
    await c.settle();
    expect(c.get("Pod", "sleeper")).toBeUndefined();
    expect(c.get("PersistentVolumeClaim", "task-pv-claim")).toBeUndefined();
  });
});

// The docs' Retain reclaim policy: "the PersistentVolume still exists and the volume is considered
// released. But it is not yet available for another claim because the previous claimant's data
// remains on the volume." The claimRef keeps the deleted claim's uid, which a new claim of the same
// name does not have (IsVolumeBoundToClaim compares the uid).
describe("a Released volume (Retain)", () => {
  it("is not bound again by a new claim made under the deleted claim's name", async () => {
    const c = cluster();
    await c.apply(example("pv-volume.yaml"));
    await c.apply(example("pv-claim.yaml"));
    await c.settle();
    const old = c.get("PersistentVolumeClaim", "task-pv-claim");
    expect(old.status.phase).toBe("Bound");
    await c.delete("PersistentVolumeClaim", "task-pv-claim");
    await c.settle();
    expect(c.get("PersistentVolume", "task-pv-volume").status.phase).toBe("Released");
    await c.apply(example("pv-claim.yaml"));
    await c.settle();
    c.advance(30_000);
    await c.settle();
    const pvc = c.get("PersistentVolumeClaim", "task-pv-claim");
    expect(pvc.metadata.uid).not.toBe(old.metadata.uid);
    expect(pvc.status.phase).toBe("Pending");
    expect(pvc.spec.volumeName).toBeUndefined();
    const pv = c.get("PersistentVolume", "task-pv-volume");
    expect(pv.status.phase).toBe("Released");
    expect(pv.spec.claimRef.uid).toBe(old.metadata.uid);
  });
});
