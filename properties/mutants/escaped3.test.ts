// The invariants of the fourth round of mutants: each holds at every step of an ordinary run (Jobs
// that complete and fail and are cleaned up after their TTL, a pod with an init container, a
// StatefulSet and a ReplicaSet scaled down, a Deployment deleted in the foreground), and each
// reports the bug its mutant makes in a small run of the same kind. Expectations come from
// Kubernetes' rules (failed > backoffLimit, highest ordinal first, foregroundDeletion waits for
// blocking dependents), not from the code under test.

import { afterEach, describe, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { InvariantChecker, invariantNames, invariants, type Violation } from "../invariants/index.js";

const names = [
  "jobCompleteOnlyAfterCompletions", "jobFailedOnlyPastBackoffLimit", "jobDeletedOnlyAfterTTL", "replicaSetDeletesOnlyActivePods",
  "statefulSetScalesDownFromHighestOrdinal", "foregroundOwnerRemovedOnlyAfterBlockingDependents", "objectRemovedOnlyWithoutFinalizers",
  "objectMetaImmutableOnUpdate", "deletionFinishesWhenFinalizersEmpty", "appContainersStartOnlyAfterInitContainers",
];
const round = invariants.filter((s) => names.includes(s.name));

function check(c: Cluster): Violation[] {
  const checker = new InvariantChecker(c.runtime, round);
  const seen: Violation[] = [];
  c.runtime.observers.push(() => void seen.push(...checker.step()));
  return seen;
}

const small = { requests: { cpu: "10m", memory: "16Mi" } };
const sh = (name: string, script: string) => ({ name, image: "busybox:1.36", command: ["sh", "-c", script], resources: small });
const job = (name: string, spec: any, script: string) => ({
  apiVersion: "batch/v1", kind: "Job", metadata: { name, namespace: "default" },
  spec: { ...spec, template: { spec: { restartPolicy: "Never", terminationGracePeriodSeconds: 2, containers: [sh("c", script)] } } },
});
const prepared = { apiVersion: "v1", kind: "Pod", metadata: { name: "prepared", namespace: "default" }, spec: { terminationGracePeriodSeconds: 2, initContainers: [sh("init", "sleep 3; exit 0")], containers: [sh("c", "sleep 3600")] } };
const labelled = (app: string, grace: number) => ({ metadata: { labels: { app } }, spec: { terminationGracePeriodSeconds: grace, containers: [sh("c", "sleep 3600")] } });
const set = { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db", namespace: "default" }, spec: { serviceName: "db", replicas: 4, selector: { matchLabels: { app: "db" } }, template: labelled("db", 2) } };
const rs = { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "rs", namespace: "default" }, spec: { replicas: 3, selector: { matchLabels: { app: "rs" } }, template: labelled("rs", 20) } };
const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default" }, spec: { replicas: 2, selector: { matchLabels: { app: "web" } }, template: labelled("web", 10) } };

const scale = (c: Cluster, group: string, resource: string, name: string, replicas: number) =>
  expect(c.requestSync({ verb: "patch", group, resource, namespace: "default", name, patchType: "merge", body: { spec: { replicas } } }).ok).toBe(true);

/** One run of everything the round judges: Jobs with a TTL, an init container, scale-downs, a foreground delete. */
async function ordinaryRun(c: Cluster): Promise<void> {
  await c.apply([job("short", { completions: 3, parallelism: 2, ttlSecondsAfterFinished: 5 }, "sleep 1; exit 0"), job("doomed", { completions: 2, backoffLimit: 1, ttlSecondsAfterFinished: 5 }, "sleep 1; exit 1"), prepared, set, rs, deployment]);
  await c.settle();
  c.advance(90_000);
  await c.settle();
  scale(c, "apps", "statefulsets", "db", 1);
  scale(c, "apps", "replicasets", "rs", 1);
  c.advance(2_000);
  // a second scale-down while the first pods still run out their grace period
  scale(c, "apps", "replicasets", "rs", 0);
  await c.delete("Deployment", "web", "default", { propagationPolicy: "Foreground" });
  c.advance(120_000);
  await c.settle();
}

afterEach(() => setMutants([]));

describe("the fourth round's invariants", () => {
  it("are in the registry", () => {
    expect(invariantNames()).toEqual(expect.arrayContaining(names));
    expect(round.length).toBe(names.length);
  });

  it("hold on an ordinary run, which reaches what they judge", async () => {
    const c = createCluster({ nodes: 2, seed: 5 });
    const seen = check(c);
    const jobsFinished: string[] = [];
    c.runtime.observers.push(() => {
      for (const j of c.list("Job")) for (const k of j.status?.conditions ?? []) if (k.status === "True" && (k.type === "Complete" || k.type === "Failed") && !jobsFinished.includes(`${j.metadata.name} ${k.type} ${k.reason}`)) jobsFinished.push(`${j.metadata.name} ${k.type} ${k.reason}`);
    });
    await ordinaryRun(c);
    expect(seen.map((v) => v.message)).toEqual([]);
    expect(jobsFinished.sort()).toEqual(["doomed Failed BackoffLimitExceeded", "short Complete CompletionsReached"]);
    // the TTL-after-finished controller removed both, the Deployment left in the foreground, the set shrank to db-0
    expect(c.list("Job")).toEqual([]);
    expect(c.get("Deployment", "web", "default")).toBeUndefined();
    expect(c.list("Pod").map((p: any) => p.metadata.name).sort()).toEqual(["db-0", "prepared"]);
    expect(c.get("Pod", "prepared", "default").status.phase).toBe("Running");
    await c.stop();
  });

  const caught: Array<[string, string]> = [
    ["job.complete-one-short", "jobCompleteOnlyAfterCompletions"],
    ["job.backoff-limit-off-by-one", "jobFailedOnlyPastBackoffLimit"],
    ["ttlafterfinished.ttl-in-milliseconds", "jobDeletedOnlyAfterTTL"],
    ["apiserver.final-delete-ignores-finalizers", "objectRemovedOnlyWithoutFinalizers"],
    ["apiserver.update-drops-deletion-timestamp", "deletionFinishesWhenFinalizersEmpty"],
    ["gc.foreground-terminating-dependent-gone", "foregroundOwnerRemovedOnlyAfterBlockingDependents"],
    ["statefulset.condemned-lowest-first", "statefulSetScalesDownFromHighestOrdinal"],
    ["kubelet.init-container-not-awaited", "appContainersStartOnlyAfterInitContainers"],
    ["replicaset.counts-terminating-as-active", "replicaSetDeletesOnlyActivePods"],
  ];
  for (const [mutantName, invariant] of caught) {
    it(`${invariant} reports the mutant ${mutantName}`, async () => {
      setMutants([mutantName]);
      const c = createCluster({ nodes: 2, seed: 5 });
      const seen = check(c);
      await ordinaryRun(c);
      await c.stop();
      expect(seen.map((v) => v.invariant)).toContain(invariant);
    });
  }
});
