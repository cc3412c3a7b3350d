// The ninth round's invariants on an ordinary run (escaped8-run.ts): silent, the run converges, and
// it reaches what each judges; then each mutant of the round is reported.
import { afterEach, describe, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster } from "../../runtime/cluster.js";
import { invariantNames } from "../invariants/index.js";
import { notConverged } from "../invariants/liveness.js";
import { check, evictionRun, ordinaryRun, partitionRun, quotaRun } from "./escaped8-run.js";

const names = ["endpointSliceTerminatingServingWhilePodReady", "budgetDesiredHealthyFollowsSpec", "cronJobForbidNeverRunsConcurrently", "evictionTakesOneAllowedDisruption", "statefulSetUpdateRespectsPartition"];

afterEach(() => setMutants([]));

describe("the ninth round's invariants", () => {
  it("are in the registry", () => {
    expect(invariantNames()).toEqual(expect.arrayContaining(names));
  });

  it("hold on an ordinary run, which reaches what they judge, and the run converges", async () => {
    const c = createCluster({ nodes: 2, seed: 7 });
    const seen = check(c);
    const terminatingServing: string[] = [];
    c.runtime.observers.push(() => {
      for (const s of c.list("EndpointSlice", { namespace: "default" })) for (const e of s.endpoints ?? []) if (e.conditions?.terminating && e.conditions?.serving) terminatingServing.push(e.targetRef?.name);
    });
    await ordinaryRun(c);
    expect(seen.map((v) => v.message)).toEqual([]);
    // a terminating pod that is still Ready is published serving (KEP-1672)
    expect(terminatingServing.length).toBeGreaterThan(0);
    // 50% of 3 rounded up
    expect(c.get("PodDisruptionBudget", "web", "default").status).toEqual(expect.objectContaining({ expectedPods: 3, desiredHealthy: 2 }));
    // Forbid: the second schedule time found the first run active and was skipped
    const jobs = c.list("Job", { namespace: "default" });
    expect(jobs.length).toBeGreaterThan(0);
    expect(c.list("Event", { namespace: "default" }).some((e: any) => e.reason === "JobAlreadyActive")).toBe(true);
    await c.stop();
  }, 300_000);

  it("a quota stops counting a pod that finished, and the run converges", async () => {
    const c = createCluster({ nodes: 2, seed: 7 });
    await quotaRun(c);
    expect(c.get("Pod", "done", "default").status.phase).toBe("Succeeded");
    expect(c.get("ResourceQuota", "pods", "default").status.used.pods).toBe("0");
    expect(notConverged(c)).toBeUndefined();
    await c.stop();
  }, 120_000);

  for (const [mutant, invariant] of [
    ["endpointslice.terminating-not-serving", "endpointSliceTerminatingServingWhilePodReady"],
    ["disruption.min-available-rounds-down", "budgetDesiredHealthyFollowsSpec"],
    ["cronjob.forbid-allows-one-active", "cronJobForbidNeverRunsConcurrently"],
  ]) {
    it(`${invariant} reports the mutant ${mutant}`, async () => {
      setMutants([mutant!]);
      const c = createCluster({ nodes: 2, seed: 7 });
      const seen = check(c, invariant);
      await ordinaryRun(c).catch(() => undefined);
      await c.stop();
      expect(seen.map((v) => v.invariant)).toContain(invariant);
    }, 300_000);
  }

  it("an eviction is refused while the budget's controller has not observed its new spec, and the invariants hold", async () => {
    const c = createCluster({ nodes: 2, seed: 7 });
    const seen = check(c);
    const { code, pod } = await evictionRun(c);
    expect(code).toBe(429);
    expect(c.get("Pod", pod, "default").metadata.deletionTimestamp).toBeUndefined();
    expect(seen.map((v) => v.message)).toEqual([]);
    await c.stop();
  }, 120_000);

  it("evictionTakesOneAllowedDisruption reports the mutant apiserver.eviction-ignores-unobserved-budget", async () => {
    setMutants(["apiserver.eviction-ignores-unobserved-budget"]);
    const c = createCluster({ nodes: 2, seed: 7 });
    const seen = check(c, "evictionTakesOneAllowedDisruption");
    await evictionRun(c).catch(() => undefined);
    await c.stop();
    expect(seen.map((v) => v.invariant)).toContain("evictionTakesOneAllowedDisruption");
  }, 120_000);

  it("a rolling update with a partition replaces only the replicas at or above it, and the invariants hold", async () => {
    const c = createCluster({ nodes: 2, seed: 7 });
    const seen = check(c);
    await partitionRun(c);
    expect(seen.map((v) => v.message)).toEqual([]);
    const set = c.get("StatefulSet", "staged", "default");
    expect(set.status.updateRevision).not.toBe(set.status.currentRevision);
    const revision = (n: number) => c.get("Pod", `staged-${n}`, "default").metadata.labels["controller-revision-hash"];
    expect([revision(0), revision(1), revision(2)]).toEqual([set.status.currentRevision, set.status.currentRevision, set.status.updateRevision]);
    await c.stop();
  }, 120_000);

  it("statefulSetUpdateRespectsPartition reports the mutant statefulset.update-ignores-partition", async () => {
    setMutants(["statefulset.update-ignores-partition"]);
    const c = createCluster({ nodes: 2, seed: 7 });
    const seen = check(c, "statefulSetUpdateRespectsPartition");
    await partitionRun(c).catch(() => undefined);
    await c.stop();
    expect(seen.map((v) => v.invariant)).toContain("statefulSetUpdateRespectsPartition");
  }, 120_000);

  it("convergence reports the mutant quota.counts-terminal-pods: the finished pod still uses the quota", async () => {
    setMutants(["quota.counts-terminal-pods"]);
    const c = createCluster({ nodes: 2, seed: 7 });
    await quotaRun(c);
    expect(notConverged(c)).toBe("ResourceQuota default/pods reports pods used 1, its namespace has 0 pods that are not Succeeded or Failed");
    await c.stop();
  }, 300_000);
});
