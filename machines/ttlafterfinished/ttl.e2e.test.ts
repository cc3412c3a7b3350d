// The TTL-after-finished controller through createCluster. Expectations from the docs
// (concepts/workloads/controllers/ttlafterfinished): a finished Job (Complete or Failed) with
// ttlSecondsAfterFinished is deleted, cascading to its pods, that many seconds after it finished;
// 0 deletes it right after it finishes; a Job without the field stays.

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../index.js";
import { toMs } from "../common/time.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});
function cluster(): Cluster {
  const c = createCluster({ nodes: 1, seed: 5 });
  clusters.push(c);
  return c;
}
const job = (name: string, ttl: string, command = "exit 0") => `
apiVersion: batch/v1
kind: Job
metadata: { name: ${name} }
spec:
  ${ttl}
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: c, image: busybox:1.36, command: ["sh", "-c", "${command}"] }]
`;
const finishedAt = (j: any) => toMs(j.status.conditions.find((c: any) => (c.type === "Complete" || c.type === "Failed") && c.status === "True").lastTransitionTime)!;
const podsOf = (c: Cluster, name: string) => c.list("Pod", { labelSelector: `batch.kubernetes.io/job-name=${name}` });

describe("ttlSecondsAfterFinished", () => {
  it("a complete Job with ttlSecondsAfterFinished 100 stays 100 s after it finished, then goes with its pods", async () => {
    const c = cluster();
    await c.apply(job("hello", "ttlSecondsAfterFinished: 100"));
    await c.settle();
    const j = c.get("Job", "hello");
    const done = finishedAt(j);
    c.advance(done + 99_000 - c.now());
    await c.settle();
    expect(c.get("Job", "hello")).toBeDefined();
    expect(podsOf(c, "hello")).toHaveLength(1);
    c.advance(2_000);
    await c.settle();
    expect(c.get("Job", "hello")).toBeUndefined();
    expect(podsOf(c, "hello")).toEqual([]);
  });
  it("a failed Job is cleaned up the same way, and ttlSecondsAfterFinished 0 deletes it as soon as it finished", async () => {
    const c = cluster();
    await c.apply(job("broken", "ttlSecondsAfterFinished: 0", "exit 1"));
    await c.settle();
    c.advance(1_000);
    await c.settle();
    expect(c.get("Job", "broken")).toBeUndefined();
    expect(podsOf(c, "broken")).toEqual([]);
  });
  // ttlafterfinished_controller.go processJob deletes with DeletePropagationForeground: the Job is held
  // by the foregroundDeletion finalizer until the garbage collector has removed its pods
  it("the controller deletes the Job in the foreground: it shows the foregroundDeletion finalizer before it goes", async () => {
    const c = cluster();
    let held = false;
    const stop = c.watch({ group: "batch", resource: "jobs", namespace: "default" }, (ev: any) => {
      const m = ev.object?.metadata;
      if (m?.name === "fg" && m.deletionTimestamp && (m.finalizers ?? []).includes("foregroundDeletion")) held = true;
    });
    await c.apply(job("fg", "ttlSecondsAfterFinished: 0"));
    await c.settle();
    c.advance(1_000);
    await c.settle();
    stop();
    expect(held).toBe(true);
    expect(c.get("Job", "fg")).toBeUndefined();
    expect(podsOf(c, "fg")).toEqual([]);
  });
  it("a Job without ttlSecondsAfterFinished stays", async () => {
    const c = cluster();
    await c.apply(job("keep", "parallelism: 1"));
    await c.settle();
    c.advance(3_600_000);
    await c.settle();
    expect(c.get("Job", "keep")?.status?.succeeded).toBe(1);
  });
});
