import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";
import { cronJobNeverStartsEarly } from "./cronjob.js";

const cronJob = (schedule: string, policy = "Allow") => ({
  apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "tick", namespace: "default" },
  spec: { schedule, concurrencyPolicy: policy, jobTemplate: { spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 70"] }] } } } } },
});

describe("cronJobNeverStartsEarly", () => {
  for (const seed of [1, 2]) {
    it(`holds at every step of CronJobs that run each minute, overlap, get replaced and deleted (seed ${seed})`, async () => {
      const c = createCluster({ nodes: 2, seed });
      const violations: string[] = [];
      let judged = 0;
      c.runtime.observers.push(() => {
        for (const v of cronJobNeverStartsEarly(c)) violations.push(v.message);
        judged = Math.max(judged, c.list("Job").length);
      });
      await c.apply(cronJob("* * * * *"));
      await c.settle();
      for (let i = 0; i < 4; i++) {
        c.advance(60_000);
        await c.settle();
      }
      await c.apply(cronJob("*/2 * * * *", "Replace"));
      for (let i = 0; i < 4; i++) {
        c.advance(60_000);
        await c.settle();
      }
      await c.delete("CronJob", "tick", "default", { propagationPolicy: "Background" });
      await c.settle();
      expect(violations).toEqual([]);
      // the run did make Jobs for the check to judge
      expect(judged).toBeGreaterThanOrEqual(2);
      await c.stop();
    });
  }

  const job = (name: string, created: string, stamp: string) => ({
    metadata: { name, namespace: "default", creationTimestamp: created, annotations: { "batch.kubernetes.io/cronjob-scheduled-timestamp": stamp }, ownerReferences: [{ kind: "CronJob", name: "tick", uid: "u1", controller: true }] },
  });

  it("reports a Job created before its scheduled time, and one not named after it", () => {
    const early = job("tick-29453761", "2026-01-01T00:00:59Z", "2026-01-01T00:01:00Z");
    const misnamed = job("tick-1", "2026-01-01T00:01:00Z", "2026-01-01T00:01:00Z");
    expect(cronJobNeverStartsEarly({ list: () => [early, misnamed] }).map((v) => v.message)).toEqual([
      "Job default/tick-29453761 of CronJob tick was created at 2026-01-01T00:00:59Z, before its scheduled time 2026-01-01T00:01:00Z",
      "Job default/tick-1 of CronJob tick is scheduled for 2026-01-01T00:01:00Z but is not named tick-29453761",
    ]);
  });

  it("reads the scheduled time with its zone offset, and leaves Jobs made by hand alone", () => {
    const inRome = job("tick-29453761", "2026-01-01T00:01:00Z", "2026-01-01T01:01:00+01:00");
    const byHand = { metadata: { name: "manual", namespace: "default", creationTimestamp: "2026-01-01T00:00:00Z", annotations: { "batch.kubernetes.io/cronjob-scheduled-timestamp": "2026-01-01T00:05:00Z" } } };
    expect(cronJobNeverStartsEarly({ list: () => [inRome, byHand] })).toEqual([]);
  });
});
