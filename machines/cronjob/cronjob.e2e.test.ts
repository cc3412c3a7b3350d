// The CronJob controller through createCluster. Expectations from the docs
// (concepts/workloads/controllers/cron-jobs, tasks/job/automated-tasks-with-cron-jobs): the
// docs' hello CronJob ("* * * * *", busybox) makes a Job each minute named
// hello-<minutes since the epoch>, whose pod prints the date and the greeting; it keeps the 3
// newest successful Jobs (successfulJobsHistoryLimit); status.lastScheduleTime is the last
// minute; a suspended CronJob makes none; Forbid skips a minute while a Job still runs.

import { afterEach, describe, expect, it } from "vitest";
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

// The docs' application/job/cronjob.yaml.
const hello = (extra = "", command = "date; echo Hello from the Kubernetes cluster") => `
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "* * * * *"
  ${extra}
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            imagePullPolicy: IfNotPresent
            command:
            - /bin/sh
            - -c
            - ${command}
          restartPolicy: OnFailure
`;

const jobsOf = (c: Cluster) => c.list("Job").filter((j: any) => j.metadata.ownerReferences?.[0]?.name === "hello").map((j: any) => j.metadata.name).sort();
const minute = (ms: number) => Math.floor(ms / 60_000);

// Minute by minute to a second past the n-th minute boundary after now: the controller looks 100 ms after each.
async function advanceMinutes(c: Cluster, n: number): Promise<void> {
  const target = (minute(c.now()) + n) * 60_000 + 1_000;
  while (c.now() < target) {
    c.advance(Math.min(60_000, target - c.now()));
    await c.settle();
  }
}

describe("the docs' hello CronJob", () => {
  it("makes a Job each minute, named hello-<minutes since the epoch>, with the scheduled-timestamp annotation and a controller reference", async () => {
    const c = cluster();
    await c.apply(hello());
    await c.settle();
    const created = c.now();
    await advanceMinutes(c, 1);
    const names = jobsOf(c);
    expect(names).toEqual([`hello-${minute(created) + 1}`]);
    const job: any = c.get("Job", names[0]!);
    expect(job.metadata.annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"]).toBe(new Date((minute(created) + 1) * 60_000).toISOString().replace(".000Z", "Z"));
    expect(job.metadata.ownerReferences[0]).toMatchObject({ apiVersion: "batch/v1", kind: "CronJob", name: "hello", controller: true, blockOwnerDeletion: true });
    const cj: any = c.get("CronJob", "hello");
    expect(cj.status.lastScheduleTime).toBe(job.metadata.annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"]);
  });

  it("keeps the 3 newest successful Jobs (successfulJobsHistoryLimit), records lastSuccessfulTime, and leaves none active once they finished", async () => {
    const c = cluster();
    await c.apply(hello());
    await c.settle();
    const created = c.now();
    await advanceMinutes(c, 6);
    const first = minute(created) + 1;
    expect(jobsOf(c)).toEqual([`hello-${first + 3}`, `hello-${first + 4}`, `hello-${first + 5}`]);
    const cj: any = c.get("CronJob", "hello");
    expect(cj.status.active ?? []).toEqual([]);
    expect(cj.status.lastSuccessfulTime).toBeDefined();
    const reasons = c.list("Event").filter((e: any) => e.involvedObject.kind === "CronJob").map((e: any) => e.reason);
    expect(reasons).toContain("SuccessfulCreate");
    expect(reasons).toContain("SawCompletedJob");
    expect(reasons).toContain("SuccessfulDelete");
    const messages = c.list("Event").filter((e: any) => e.involvedObject.kind === "CronJob" && e.reason === "SuccessfulCreate").map((e: any) => e.message);
    expect(messages[0]).toBe(`Created job hello-${first}`);
  });

  it("a suspended CronJob makes no Job; resumed without a starting deadline, the missed run starts at once, then each minute", async () => {
    // The docs (cron-jobs#schedule-suspension): executions suspended during their scheduled time
    // count as missed; without startingDeadlineSeconds the missed one is scheduled immediately.
    const c = cluster();
    await c.apply(hello("suspend: true"));
    await c.settle();
    await advanceMinutes(c, 3);
    expect(jobsOf(c)).toEqual([]);
    const resumedIn = minute(c.now());
    await c.apply(hello("suspend: false"));
    await c.settle();
    expect(jobsOf(c)).toEqual([`hello-${resumedIn}`]);
    await advanceMinutes(c, 1);
    expect(jobsOf(c)).toEqual([`hello-${resumedIn}`, `hello-${resumedIn + 1}`]);
  });

  it("startingDeadlineSeconds: resumed later than the deadline after the missed run, nothing starts until the next minute", async () => {
    // mostRecentScheduleTime looks no further back than now - startingDeadlineSeconds.
    const c = cluster();
    await c.apply(hello("suspend: true\n  startingDeadlineSeconds: 10"));
    await c.settle();
    await advanceMinutes(c, 2);
    c.advance(20_000);
    await c.settle();
    const resumedIn = minute(c.now());
    await c.apply(hello("suspend: false\n  startingDeadlineSeconds: 10"));
    await c.settle();
    expect(jobsOf(c)).toEqual([]);
    await advanceMinutes(c, 1);
    expect(jobsOf(c)).toEqual([`hello-${resumedIn + 1}`]);
  });

  it("Forbid: while a Job still runs, the next minute starts none (JobAlreadyActive)", async () => {
    const c = cluster();
    await c.apply(hello("concurrencyPolicy: Forbid", "sleep 150"));
    await c.settle();
    await advanceMinutes(c, 2);
    expect(jobsOf(c)).toHaveLength(1);
    const reasons = c.list("Event").filter((e: any) => e.involvedObject.kind === "CronJob").map((e: any) => e.reason);
    expect(reasons).toContain("JobAlreadyActive");
    expect((c.get("CronJob", "hello") as any).status.active).toHaveLength(1);
  });

  it("kubectl delete cronjob (background propagation) takes its Jobs and their pods with it", async () => {
    const c = cluster();
    await c.apply(hello());
    await c.settle();
    await advanceMinutes(c, 2);
    expect(jobsOf(c)).toHaveLength(2);
    await c.delete("CronJob", "hello", "default", { propagationPolicy: "Background" });
    await c.settle();
    expect(c.get("CronJob", "hello")).toBeUndefined();
    expect(jobsOf(c)).toEqual([]);
    expect(c.list("Pod").filter((p: any) => p.metadata.labels?.["batch.kubernetes.io/job-name"]?.startsWith("hello-"))).toEqual([]);
  });
});
