// The Job controller's claim of pods end to end through createCluster (getPodsForJob in
// pkg/controller/job: ClaimPods with the job-tracking finalizer). The first test walks the
// conformance test "Job should adopt matching orphans and release non-matching pods"
// (test/e2e/apps/job.go): pods whose ownerReferences were taken away are adopted back, with the
// controller reference and the tracking finalizer; a pod relabelled out of the selector is released,
// reference and finalizer removed. The second deletes a Job with propagationPolicy Orphan while the
// controller's Job watch lags: canAdopt rereads the Job live, so the orphans are never taken back.

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../index.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const TRACKING = "batch.kubernetes.io/job-tracking";

// as the conformance test's Job: parallelism 2, completions 2, pods that do not finish
const sleeper = `
apiVersion: batch/v1
kind: Job
metadata: { name: adopt-release }
spec:
  parallelism: 2
  completions: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: c, image: busybox:1.36, command: ["sh", "-c", "sleep 3600"] }]
`;

async function started(seed: number): Promise<Cluster> {
  const c = createCluster({ nodes: 2, seed });
  clusters.push(c);
  await c.apply(sleeper);
  await c.settle();
  return c;
}

const podsOf = (c: Cluster) => c.list("Pod", { namespace: "default", labelSelector: "batch.kubernetes.io/job-name=adopt-release" });

/** GET then PUT of a pod, as e2epod's PodClient.Update does. */
async function updatePod(c: Cluster, name: string, change: (pod: any) => void): Promise<void> {
  const pod = structuredClone(c.get("Pod", name, "default"));
  change(pod);
  const r = await c.request({ verb: "update", group: "", resource: "pods", namespace: "default", name, body: pod });
  expect(r.ok).toBe(true);
}

const controller = (pod: any) => (pod.metadata.ownerReferences ?? []).find((r: any) => r.controller);

describe("Job should adopt matching orphans and release non-matching pods", () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
    it(`orphaned pods are adopted back with the tracking finalizer; a relabelled pod is released and replaced (seed ${seed})`, async () => {
      const c = await started(seed);
      const job = c.get("Job", "adopt-release", "default");
      const names = podsOf(c).map((p: any) => p.metadata.name).sort();
      expect(names).toHaveLength(2);
      for (const n of names) {
        await updatePod(c, n, (p) => {
          p.metadata.ownerReferences = null;
        });
      }
      await c.settle();
      // the same two pods, each controlled by the Job again and holding its finalizer: no replacement was made
      const adopted = podsOf(c);
      expect(adopted.map((p: any) => p.metadata.name).sort()).toEqual(names);
      for (const p of adopted) {
        expect(controller(p)).toMatchObject({ apiVersion: "batch/v1", kind: "Job", name: "adopt-release", uid: job.metadata.uid, controller: true, blockOwnerDeletion: true });
        expect(p.metadata.finalizers).toContain(TRACKING);
      }
      expect(c.get("Job", "adopt-release", "default").status.active).toBe(2);

      await updatePod(c, names[0]!, (p) => {
        p.metadata.labels = null;
      });
      await c.settle();
      const released = c.get("Pod", names[0]!, "default");
      expect(controller(released)).toBeUndefined();
      expect(released.metadata.finalizers ?? []).not.toContain(TRACKING);
      expect(released.status.phase).toBe("Running");
      // the Job no longer counts it: a new pod takes its place
      const now = podsOf(c);
      expect(now.map((p: any) => p.metadata.name)).not.toContain(names[0]);
      expect(now).toHaveLength(2);
      for (const p of now) expect(controller(p)?.uid).toBe(job.metadata.uid);
      expect(c.get("Job", "adopt-release", "default").status.active).toBe(2);
    });
  }
});

/** Holds the watch events of kind sent to controller for ms each (their stream only, order kept) until the returned function is called. */
function slowOwnerWatch(c: Cluster, controllerName: string, kind: string, ms: number): () => void {
  const rt = (c as any).runtime;
  rt.sendHook = (from: string, to: string, msg: any) => {
    if (from !== "apiserver" || to !== controllerName || msg.type !== "WatchEvent" || msg.object?.kind !== kind) return false;
    rt.hold(from, to, msg, ms);
    return true;
  };
  return () => {
    rt.sendHook = undefined;
  };
}

describe("deleting a Job with propagationPolicy Orphan while the controller's Job watch lags", () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`leaves its pods running with no ownerReferences and no tracking finalizer, never adopted back (seed ${seed})`, async () => {
      const c = await started(seed);
      const names = podsOf(c).map((p: any) => p.metadata.name).sort();
      expect(names).toHaveLength(2);
      const restore = slowOwnerWatch(c, "job-controller", "Job", 5_000);
      await c.delete("Job", "adopt-release", "default", { propagationPolicy: "Orphan" });
      await c.settle();
      restore();
      c.advance(60_000);
      await c.settle();
      expect(c.get("Job", "adopt-release", "default")).toBeUndefined();
      const summary = podsOf(c).map((p: any) => `${p.metadata.name} ${p.status.phase} owners=${(p.metadata.ownerReferences ?? []).length} finalizers=${(p.metadata.finalizers ?? []).join(",")}`).sort();
      expect(summary).toEqual(names.map((n) => `${n} Running owners=0 finalizers=`));
    });
  }
});
