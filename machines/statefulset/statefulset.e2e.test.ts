// The StatefulSet controller end to end through createCluster, with the docs' application/web/web.yaml
// (headless Service nginx + StatefulSet web). Expectations are Kubernetes' behaviour
// (concepts/workloads/controllers/statefulset, tutorials/stateful-application/basic-stateful-set,
// pkg/controller/statefulset): pods web-0, web-1 created in order, web-1 only once web-0 is Running
// and Ready; each pod's hostname is its name and its subdomain the Service, so
// web-0.nginx.default.svc.cluster.local resolves; PVCs www-web-<n> are created before their pod and
// the pod's volume claims them; scaling down deletes the highest ordinal first; a rolling update
// with a partition updates only the ordinals at or above it, highest first; Parallel creates all
// pods at once; whenDeleted Delete puts the set's ownerReference on its claims.

import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createCluster } from "../../index.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

function cluster(seed = 5): Cluster {
  const c = createCluster({ seed });
  clusters.push(c);
  return c;
}

const web = readFileSync(new URL("../../examples/web.yaml", import.meta.url), "utf8");
// The same StatefulSet without its volumeClaimTemplates (and the mount), for what does not need storage.
const webNoStorage = web.replace(/ {8}volumeMounts:\n.*\n.*\n/, "").replace(/ {2}volumeClaimTemplates:[\s\S]*$/, "");
const pods = (c: Cluster) => c.list("Pod", { namespace: "default", labelSelector: "app=nginx" });
const live = (c: Cluster) => pods(c).filter((p: any) => !p.metadata.deletionTimestamp);
const readySince = (p: any) => Date.parse(p.status.conditions.find((x: any) => x.type === "Ready" && x.status === "True").lastTransitionTime);
const stsEvents = (c: Cluster) => c.events({ namespace: "default" }).filter((e: any) => e.involvedObject.kind === "StatefulSet").map((e: any) => `${e.reason} ${e.message}`);
const patchSts = (c: Cluster, body: unknown) => c.requestSync({ verb: "patch", group: "apps", resource: "statefulsets", namespace: "default", name: "web", patchType: "merge", body });

describe("the docs' web StatefulSet (OrderedReady)", () => {
  it("creates web-0, then web-1 only once web-0 is Running and Ready, with stable identities", async () => {
    const c = cluster();
    await c.apply(webNoStorage);
    await c.settle();
    const [w0, w1] = pods(c);
    expect([w0.metadata.name, w1.metadata.name]).toEqual(["web-0", "web-1"]);
    expect([w0.status.phase, w1.status.phase]).toEqual(["Running", "Running"]);
    expect(Date.parse(w1.metadata.creationTimestamp)).toBeGreaterThanOrEqual(readySince(w0));
    const sts = c.get("StatefulSet", "web", "default");
    const [rev] = c.list("ControllerRevision", { namespace: "default" });
    expect(rev.metadata.name).toBe(`web-${rev.metadata.labels["controller-revision-hash"]}`);
    expect(rev.revision).toBe(1);
    for (const [i, p] of [w0, w1].entries()) {
      expect(p.metadata.labels).toEqual({ app: "nginx", "statefulset.kubernetes.io/pod-name": `web-${i}`, "apps.kubernetes.io/pod-index": String(i), "controller-revision-hash": rev.metadata.name });
      expect([p.spec.hostname, p.spec.subdomain]).toEqual([`web-${i}`, "nginx"]);
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: "apps/v1", kind: "StatefulSet", name: "web", uid: sts.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    expect(sts.status).toEqual({ observedGeneration: 1, replicas: 2, readyReplicas: 2, availableReplicas: 2, currentReplicas: 2, updatedReplicas: 2, currentRevision: rev.metadata.name, updateRevision: rev.metadata.name, collisionCount: 0 });
    expect(stsEvents(c)).toEqual(["SuccessfulCreate create Pod web-0 in StatefulSet web successful", "SuccessfulCreate create Pod web-1 in StatefulSet web successful"]);
  });

  it("gives each pod a DNS name under the headless Service: web-0.nginx from the namespace, and the full name", async () => {
    const c = cluster();
    await c.apply(webNoStorage);
    await c.settle();
    for (const p of pods(c)) {
      expect(c.resolveName(`${p.metadata.name}.nginx`, "default").records.map((r: any) => r.value)).toEqual([p.status.podIP]);
      expect(c.resolveName(`${p.metadata.name}.nginx.default.svc.cluster.local`).records.map((r: any) => r.value)).toEqual([p.status.podIP]);
    }
  });

  it("scales up in order and down from the highest ordinal", async () => {
    const c = cluster();
    await c.apply(webNoStorage);
    await c.settle();
    patchSts(c, { spec: { replicas: 4 } });
    await c.settle();
    const byName = new Map(pods(c).map((p: any) => [p.metadata.name, p]));
    for (let i = 1; i < 4; i++) expect(Date.parse(byName.get(`web-${i}`).metadata.creationTimestamp)).toBeGreaterThanOrEqual(readySince(byName.get(`web-${i - 1}`)));
    patchSts(c, { spec: { replicas: 1 } });
    await c.settle();
    expect(live(c).map((p: any) => p.metadata.name)).toEqual(["web-0"]);
    expect(stsEvents(c).filter((e) => e.startsWith("SuccessfulDelete"))).toEqual([
      "SuccessfulDelete delete Pod web-3 in StatefulSet web successful",
      "SuccessfulDelete delete Pod web-2 in StatefulSet web successful",
      "SuccessfulDelete delete Pod web-1 in StatefulSet web successful",
    ]);
  });

  it("replaces a deleted pod under the same name", async () => {
    const c = cluster();
    await c.apply(webNoStorage);
    await c.settle();
    const before = c.get("Pod", "web-0", "default").metadata.uid;
    await c.delete("Pod", "web-0", "default");
    await c.settle();
    const after = c.get("Pod", "web-0", "default");
    expect(after.metadata.uid).not.toBe(before);
    expect(after.status.phase).toBe("Running");
  });

  it("rolls a new image out above the partition only, highest ordinal first, then the rest once the partition is 0", async () => {
    const c = cluster();
    await c.apply(webNoStorage);
    patchSts(c, { spec: { replicas: 3 } });
    await c.settle();
    const first = c.get("StatefulSet", "web", "default").status.currentRevision;
    patchSts(c, { spec: { updateStrategy: { rollingUpdate: { partition: 2 } }, template: { spec: { containers: [{ name: "nginx", image: "registry.k8s.io/nginx-slim:0.24" }] } } } });
    await c.settle();
    const image = () => pods(c).map((p: any) => `${p.metadata.name}=${p.spec.containers[0].image}`);
    expect(image()).toEqual(["web-0=registry.k8s.io/nginx-slim:0.21", "web-1=registry.k8s.io/nginx-slim:0.21", "web-2=registry.k8s.io/nginx-slim:0.24"]);
    const mid = c.get("StatefulSet", "web", "default").status;
    expect([mid.currentRevision, mid.updatedReplicas, mid.currentReplicas]).toEqual([first, 1, 2]);
    expect(mid.updateRevision).not.toBe(first);
    patchSts(c, { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
    await c.settle();
    expect(image()).toEqual(["web-0=registry.k8s.io/nginx-slim:0.24", "web-1=registry.k8s.io/nginx-slim:0.24", "web-2=registry.k8s.io/nginx-slim:0.24"]);
    const done = c.get("StatefulSet", "web", "default").status;
    expect([done.currentRevision, done.updatedReplicas, done.currentReplicas]).toEqual([mid.updateRevision, 3, 3]);
    expect(stsEvents(c).filter((e) => e.startsWith("SuccessfulDelete"))).toEqual([
      "SuccessfulDelete delete Pod web-2 in StatefulSet web successful",
      "SuccessfulDelete delete Pod web-1 in StatefulSet web successful",
      "SuccessfulDelete delete Pod web-0 in StatefulSet web successful",
    ]);
    expect(c.list("ControllerRevision", { namespace: "default" }).map((r: any) => r.revision).sort()).toEqual([1, 2]);
  });

  it("OnDelete updates a pod only when it is deleted", async () => {
    const c = cluster();
    await c.apply(webNoStorage);
    await c.settle();
    patchSts(c, { spec: { updateStrategy: { type: "OnDelete", rollingUpdate: null }, template: { spec: { containers: [{ name: "nginx", image: "registry.k8s.io/nginx-slim:0.24" }] } } } });
    await c.settle();
    expect(pods(c).map((p: any) => p.spec.containers[0].image)).toEqual(["registry.k8s.io/nginx-slim:0.21", "registry.k8s.io/nginx-slim:0.21"]);
    await c.delete("Pod", "web-1", "default");
    await c.settle();
    expect(pods(c).map((p: any) => p.spec.containers[0].image)).toEqual(["registry.k8s.io/nginx-slim:0.21", "registry.k8s.io/nginx-slim:0.24"]);
  });
});

describe("Parallel pod management", () => {
  it("creates every pod without waiting for the ones before", async () => {
    const c = cluster();
    await c.apply(webNoStorage.replace('  serviceName: "nginx"', '  serviceName: "nginx"\n  podManagementPolicy: Parallel'));
    c.runtime.runUntil(() => pods(c).length === 2, "both pods created");
    expect(pods(c).map((p: any) => [p.metadata.name, (p.status.conditions ?? []).some((x: any) => x.type === "Ready" && x.status === "True")])).toEqual([["web-0", false], ["web-1", false]]);
    await c.settle();
    expect(pods(c).map((p: any) => p.status.phase)).toEqual(["Running", "Running"]);
  });
});

describe("volumeClaimTemplates", () => {
  it("creates the claim www-web-0 before the pod, and the pod's www volume claims it", async () => {
    const c = cluster();
    await c.apply(web);
    await c.settle();
    const claim = c.get("PersistentVolumeClaim", "www-web-0", "default");
    expect(claim.metadata.labels).toEqual({ app: "nginx" });
    expect(claim.spec.accessModes).toEqual(["ReadWriteOnce"]);
    const pod = c.get("Pod", "web-0", "default");
    expect(Date.parse(pod.metadata.creationTimestamp)).toBeGreaterThanOrEqual(Date.parse(claim.metadata.creationTimestamp));
    expect(pod.spec.volumes[0]).toEqual({ name: "www", persistentVolumeClaim: { claimName: "www-web-0" } });
    expect(stsEvents(c).slice(0, 2)).toEqual(["SuccessfulCreate create Claim www-web-0 Pod web-0 in StatefulSet web success", "SuccessfulCreate create Pod web-0 in StatefulSet web successful"]);
  });

  it("runs the docs' web.yaml unchanged: web-0 then web-1 Running on their Bound claims, provisioned by the default StorageClass", async () => {
    const c = cluster();
    await c.apply(web);
    await c.settle();
    const [w0, w1] = pods(c);
    expect([w0.metadata.name, w0.status.phase, w1.metadata.name, w1.status.phase]).toEqual(["web-0", "Running", "web-1", "Running"]);
    expect(Date.parse(w1.metadata.creationTimestamp)).toBeGreaterThanOrEqual(readySince(w0));
    expect(c.list("PersistentVolumeClaim", { namespace: "default" }).map((p: any) => `${p.metadata.name} ${p.status.phase}`)).toEqual(["www-web-0 Bound", "www-web-1 Bound"]);
  });

  it("with whenDeleted Delete, the claims carry the StatefulSet's ownerReference", async () => {
    const c = cluster();
    await c.apply(web.replace("  replicas: 2", "  replicas: 2\n  persistentVolumeClaimRetentionPolicy:\n    whenDeleted: Delete"));
    await c.settle();
    const sts = c.get("StatefulSet", "web", "default");
    expect(c.get("PersistentVolumeClaim", "www-web-0", "default").metadata.ownerReferences).toEqual([{ apiVersion: "apps/v1", kind: "StatefulSet", name: "web", uid: sts.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    // deleting the set lets the garbage collector delete its claims
    await c.delete("StatefulSet", "web", "default");
    await c.settle();
    expect(c.list("PersistentVolumeClaim", { namespace: "default" })).toEqual([]);
  });
});
