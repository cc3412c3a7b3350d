// The Job controller's batching end to end through createCluster (pkg/controller/job/job_controller.go):
// a Job added is synced at once (enqueueSyncJobImmediately); pod events and the Job's own status
// updates sync it syncJobBatchPeriod (1 s) later (enqueueSyncJobBatched), a key already waiting
// keeping its time, so a burst of pod changes (created, scheduled, running, ready) costs one sync
// and the status writes after the first come at least a second apart. A spec change (a new
// generation) is synced at once again.

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../index.js";
import { toMs } from "../common/time.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const job = (parallelism: number) => `
apiVersion: batch/v1
kind: Job
metadata: { name: batched }
spec:
  parallelism: ${parallelism}
  completions: 4
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: c, image: busybox:1.36, command: ["sh", "-c", "sleep 600"] }]
`;

/** The simulated times of the Job controller's status writes and pod creations. */
function watchWrites(c: Cluster): { status: number[]; creates: number[] } {
  const rt = (c as any).runtime;
  const seen = { status: [] as number[], creates: [] as number[] };
  rt.deliveryHooks.push((from: string, to: string, msg: any) => {
    if (from !== "job-controller" || to !== "apiserver" || msg.type !== "ApiRequest") return;
    if (msg.resource === "jobs" && msg.subresource === "status") seen.status.push(rt.now);
    if (msg.resource === "pods" && msg.verb === "create") seen.creates.push(rt.now);
  });
  return seen;
}

describe("the Job controller batches pod-triggered syncs by a second", () => {
  for (const seed of [1, 2, 3]) {
    it(`syncs a new Job at once, then at most once a second while its pods start (seed ${seed})`, async () => {
      const c = createCluster({ nodes: 2, seed });
      clusters.push(c);
      const writes = watchWrites(c);
      await c.apply(job(2));
      await c.settle();
      const created = toMs(c.get("Job", "batched", "default").metadata.creationTimestamp)!;
      // the first sync creates both pods and writes startTime and active 2 in the same second the Job was created
      expect(writes.creates).toHaveLength(2);
      expect(writes.creates[0]! - created).toBeLessThan(1_000);
      expect(writes.status[0]! - created).toBeLessThan(1_000);
      expect(c.get("Job", "batched", "default").status).toMatchObject({ active: 2, ready: 2 });
      // every later write waited for its batch: none within a second of the one before
      const gaps = writes.status.slice(1).map((t, i) => t - writes.status[i]!);
      expect(gaps.length).toBeGreaterThan(0);
      for (const g of gaps) expect(g).toBeGreaterThanOrEqual(1_000);

      // a new generation (parallelism 3) is synced at once: the third pod is created without the batch's wait
      const before = c.now();
      const r = c.requestSync({ verb: "patch", group: "batch", resource: "jobs", namespace: "default", name: "batched", patchType: "merge", body: { spec: { parallelism: 3 } } });
      expect(r.ok).toBe(true);
      await c.settle();
      expect(writes.creates).toHaveLength(3);
      expect(writes.creates[2]! - before).toBeLessThan(1_000);
    });
  }
});
