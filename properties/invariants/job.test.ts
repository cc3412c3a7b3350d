import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";
import { jobCountsOnlySucceededPods, jobNeverExceedsParallelism } from "./job.js";

const job = (parallelism: number, completions: number, mode = "NonIndexed") => workJob(parallelism, completions, mode);
const workJob = (parallelism: number, completions: number, mode = "NonIndexed") => ({
  apiVersion: "batch/v1", kind: "Job", metadata: { name: "work", namespace: "default" },
  spec: { parallelism, completions, completionMode: mode, backoffLimit: 6, template: { spec: { restartPolicy: "Never", containers: [{ name: "w", image: "busybox:1.36", command: ["sh", "-c", "sleep 5; exit $(( ${JOB_COMPLETION_INDEX:-0} % 2 ))"] }] } } },
});

describe("jobNeverExceedsParallelism", () => {
  for (const seed of [1, 2, 3]) {
    it(`holds at every step of Jobs that run, fail, get scaled down and deleted (seed ${seed})`, async () => {
      const c = createCluster({ nodes: 2, seed });
      const violations: string[] = [];
      let most = 0;
      c.runtime.observers.push(() => {
        for (const v of jobNeverExceedsParallelism(c)) violations.push(v.message);
        most = Math.max(most, c.list("Pod").filter((p: any) => !p.metadata.deletionTimestamp && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed").length);
      });
      await c.apply(job(3, 6, "Indexed"));
      await c.settle();
      c.advance(6_000);
      await c.apply(job(1, 6, "Indexed"));
      c.advance(120_000);
      await c.settle();
      await c.delete("Job", "work", "default", { propagationPolicy: "Background" });
      await c.settle();
      expect(violations).toEqual([]);
      // the run did reach the bound: the check had something to judge
      expect(most).toBe(3);
      await c.stop();
    });
  }

  it("reports a Job with more active pods than its parallelism ever allowed", () => {
    const j = { metadata: { name: "work", namespace: "default", uid: "u1" }, spec: { parallelism: 2 } };
    const pod = (n: string) => ({ metadata: { name: n, namespace: "default", ownerReferences: [{ kind: "Job", uid: "u1", controller: true }] }, status: { phase: "Running" } });
    const view = { list: (k: string) => (k === "Job" ? [j] : [pod("a"), pod("b"), pod("c")]) };
    expect(jobNeverExceedsParallelism(view).map((v) => v.message)).toEqual(["Job default/work has 3 active pods but its parallelism was never above 2"]);
  });

  it("does not count finished or terminating pods, nor another controller's", () => {
    const j = { metadata: { name: "work", namespace: "default", uid: "u1" }, spec: { parallelism: 1 } };
    const pod = (n: string, phase: string, extra: any = {}) => ({ metadata: { name: n, namespace: "default", ownerReferences: [{ kind: "Job", uid: "u1", controller: true }], ...extra }, status: { phase } });
    const other = { metadata: { name: "x", namespace: "default", ownerReferences: [{ kind: "Job", uid: "u2", controller: true }] }, status: { phase: "Running" } };
    const view = { list: (k: string) => (k === "Job" ? [j] : [pod("a", "Running"), pod("b", "Succeeded"), pod("c", "Failed"), pod("d", "Running", { deletionTimestamp: "2026-01-01T00:00:00Z" }), other]) };
    expect(jobNeverExceedsParallelism(view)).toEqual([]);
  });

  it("accepts the surplus of a lowered parallelism while the controller deletes it", () => {
    const j = (parallelism: number) => ({ metadata: { name: "work", namespace: "default", uid: "u1" }, spec: { parallelism } });
    const pod = (n: string) => ({ metadata: { name: n, namespace: "default", ownerReferences: [{ kind: "Job", uid: "u1", controller: true }] }, status: { phase: "Running" } });
    let now = { job: j(3), pods: [pod("a"), pod("b"), pod("c")] };
    const view = { list: (k: string) => (k === "Job" ? [now.job] : now.pods) };
    expect(jobNeverExceedsParallelism(view)).toEqual([]);
    now = { job: j(1), pods: now.pods };
    expect(jobNeverExceedsParallelism(view)).toEqual([]);
    now = { job: j(1), pods: [...now.pods, pod("d")] };
    expect(jobNeverExceedsParallelism(view).map((v) => v.message)).toEqual(["Job default/work has 4 active pods but its parallelism was never above 3"]);
  });
});

describe("jobCountsOnlySucceededPods", () => {
  const ref = [{ kind: "Job", uid: "u1", controller: true }];
  const pod = (n: string, phase: string) => ({ metadata: { name: n, uid: `uid-${n}`, namespace: "default", ownerReferences: ref }, status: { phase } });
  const job = (succeeded: number, uncounted: string[] = []) => ({ metadata: { name: "work", namespace: "default", uid: "u1" }, status: { succeeded, uncountedTerminatedPods: { succeeded: uncounted } } });

  it("reports a Job that counts a succeeded pod twice (once uncounted, once in status.succeeded)", () => {
    let now: { job: any; pods: any[] } = { job: job(0), pods: [pod("a", "Running"), pod("b", "Running")] };
    const view = { list: (k: string) => (k === "Job" ? [now.job] : now.pods) };
    expect(jobCountsOnlySucceededPods(view)).toEqual([]);
    now = { job: job(0, ["uid-a"]), pods: [pod("a", "Succeeded"), pod("b", "Running")] };
    expect(jobCountsOnlySucceededPods(view)).toEqual([]);
    now = { job: job(1, ["uid-a"]), pods: [pod("a", "Succeeded"), pod("b", "Running")] };
    expect(jobCountsOnlySucceededPods(view).map((v) => v.message)).toEqual(["Job default/work counts 2 succeeded pods (status.succeeded 1, 1 uncounted), but only 1 of its pods ever succeeded"]);
  });

  it("remembers pods that succeeded and were then deleted, and does not count failed ones", () => {
    let now: { job: any; pods: any[] } = { job: job(0), pods: [pod("a", "Succeeded"), pod("b", "Failed")] };
    const view = { list: (k: string) => (k === "Job" ? [now.job] : now.pods) };
    expect(jobCountsOnlySucceededPods(view)).toEqual([]);
    now = { job: job(1), pods: [] };
    expect(jobCountsOnlySucceededPods(view)).toEqual([]);
    now = { job: job(2), pods: [] };
    expect(jobCountsOnlySucceededPods(view).map((v) => v.message)).toEqual(["Job default/work counts 2 succeeded pods (status.succeeded 2, 0 uncounted), but only 1 of its pods ever succeeded"]);
  });

  it("holds at every step of an Indexed Job whose odd indexes fail", async () => {
    const c = createCluster({ nodes: 2, seed: 5 });
    const violations: string[] = [];
    c.runtime.observers.push(() => void violations.push(...jobCountsOnlySucceededPods(c).map((v) => v.message)));
    await c.apply(workJob(2, 6, "Indexed"));
    c.advance(120_000);
    await c.settle();
    expect(c.get("Job", "work", "default").status.succeeded).toBeGreaterThan(0);
    expect(violations).toEqual([]);
    await c.stop();
  });
});
