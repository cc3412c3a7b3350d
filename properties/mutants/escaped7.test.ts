// The eighth round of mutants: status and condition bugs in the kubelet and the Job, StatefulSet,
// Deployment and DaemonSet controllers. Each new invariant is silent on a small seeded run that
// reaches what it judges, and reports its mutant there. Expectations come from Kubernetes' rules
// (the API server's Job status validation, the kubelet's condition generators, the controllers'
// status calculations, observedGeneration caught up once nothing moves), not from the code under test.

import { afterEach, describe, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { InvariantChecker, invariantNames, invariants, type Violation } from "../invariants/index.js";
import { notConverged } from "../invariants/liveness.js";

const names = ["podConditionsMatchContainerStatuses", "podStartTimeSetOnce", "jobFinishedStatusConsistent", "workloadStatusConsistent", "workloadCountsOnlyReadyPods"];
const round = invariants.filter((s) => names.includes(s.name));

/** The violations of the round's invariants; with stopAt, the run is cut (an observer throws) once that invariant reports, as a mutant may keep a settle busy for long. */
function check(c: Cluster, stopAt?: string): Violation[] {
  const checker = new InvariantChecker(c.runtime, round);
  const seen: Violation[] = [];
  let cut = false;
  c.runtime.observers.push(() => {
    if (cut) return;
    seen.push(...checker.step());
    if (stopAt !== undefined && seen.some((v) => v.invariant === stopAt)) {
      cut = true;
      throw new Error(`${stopAt} reported`);
    }
  });
  return seen;
}

const small = { requests: { cpu: "10m", memory: "16Mi" } };
const busybox = (name: string, script: string) => ({ name, image: "busybox:1.36", command: ["sh", "-c", script], resources: small });
// nginx answers its readiness probe once the initial delay is over: Running seconds before Ready
const nginx = { name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80, name: "http" }], resources: small, readinessProbe: { httpGet: { path: "/", port: 80 }, initialDelaySeconds: 3, periodSeconds: 1 } };
const template = (app: string, container: any) => ({ metadata: { labels: { app } }, spec: { terminationGracePeriodSeconds: 2, containers: [container] } });
const job = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "short", namespace: "default" }, spec: { completions: 3, parallelism: 2, template: { spec: { restartPolicy: "Never", terminationGracePeriodSeconds: 2, containers: [busybox("c", "sleep 1; exit 0")] } } } };
const prepared = { apiVersion: "v1", kind: "Pod", metadata: { name: "prepared", namespace: "default" }, spec: { terminationGracePeriodSeconds: 2, initContainers: [busybox("init", "sleep 3; exit 0")], containers: [busybox("c", "sleep 3600")] } };
const db = { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db", namespace: "default" }, spec: { serviceName: "db", replicas: 2, selector: { matchLabels: { app: "db" } }, template: template("db", nginx) } };
const dbService = { apiVersion: "v1", kind: "Service", metadata: { name: "db", namespace: "default" }, spec: { clusterIP: "None", selector: { app: "db" }, ports: [{ port: 80 }] } };
// maxUnavailable 0: Available needs every replica available
const web = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default" }, spec: { replicas: 2, selector: { matchLabels: { app: "web" } }, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, template: template("web", nginx) } };
const agent = { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "agent", namespace: "default" }, spec: { selector: { matchLabels: { app: "agent" } }, template: template("agent", busybox("agent", "sleep 3600")) } };

const tick = async (c: Cluster, ms: number, times: number) => {
  for (let i = 0; i < times; i++) {
    c.advance(ms);
    await c.settle();
  }
};
const restart = (resource: string, name: string, at: string) => ({ verb: "patch" as const, group: "apps", resource, namespace: "default", name, patchType: "merge", body: { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": at } } } } } });

/** A Job that completes, a pod with an init container, a StatefulSet, a Deployment and a DaemonSet, each rolled out once their pods are Ready. */
async function ordinaryRun(c: Cluster): Promise<void> {
  await c.apply([job, prepared, dbService, db, web, agent]);
  await tick(c, 1_000, 20);
  // kubectl rollout restart statefulset db, deployment web, daemonset agent
  for (const [resource, name] of [["statefulsets", "db"], ["deployments", "web"], ["daemonsets", "agent"]] as const) await c.request(restart(resource, name, "1"));
  await tick(c, 1_000, 40);
}

afterEach(() => setMutants([]));

describe("the eighth round's invariants", () => {
  it("are in the registry", () => {
    expect(invariantNames()).toEqual(expect.arrayContaining(names));
    expect(round.length).toBe(names.length);
  });

  it("hold on an ordinary run, which reaches what they judge, and the run converges", async () => {
    const c = createCluster({ nodes: 2, seed: 7 });
    const seen = check(c);
    await ordinaryRun(c);
    expect(seen.map((v) => v.message)).toEqual([]);
    expect(notConverged(c)).toBeUndefined();
    const complete = c.get("Job", "short", "default");
    expect(complete.status.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: "Complete", status: "True" })]));
    expect(complete.status.completionTime).toBeDefined();
    const set = c.get("StatefulSet", "db", "default");
    expect(set.status.currentRevision).toBe(set.status.updateRevision);
    expect(set.status.readyReplicas).toBe(2);
    const d = c.get("Deployment", "web", "default");
    expect(d.status.availableReplicas).toBe(2);
    expect(d.status.conditions).toEqual(expect.arrayContaining([expect.objectContaining({ type: "Available", status: "True" }), expect.objectContaining({ type: "Progressing", reason: "NewReplicaSetAvailable" })]));
    const ds = c.get("DaemonSet", "agent", "default");
    expect(ds.status.observedGeneration).toBe(ds.metadata.generation);
    expect(ds.metadata.generation).toBe(2);
    await c.stop();
  }, 180_000);

  const caught: Array<[string, string]> = [
    ["kubelet.start-time-reset-on-sync", "podStartTimeSetOnce"],
    ["kubelet.running-init-counts-initialized", "podConditionsMatchContainerStatuses"],
    ["job.terminal-before-pods-settled", "jobFinishedStatusConsistent"],
    ["job.complete-without-completion-time", "jobFinishedStatusConsistent"],
    ["statefulset.ready-counts-running", "workloadCountsOnlyReadyPods"],
    ["statefulset.rollout-complete-before-ready", "workloadStatusConsistent"],
    ["deployment.complete-before-available", "workloadStatusConsistent"],
    ["deployment.available-condition-off-by-one", "workloadStatusConsistent"],
  ];
  for (const [mutantName, invariant] of caught) {
    it(`${invariant} reports the mutant ${mutantName}`, async () => {
      setMutants([mutantName]);
      const c = createCluster({ nodes: 2, seed: 7 });
      const seen = check(c, invariant);
      await ordinaryRun(c).catch(() => undefined);
      await c.stop();
      expect(seen.map((v) => v.invariant)).toContain(invariant);
    }, 180_000);
  }

  it("the liveness phase's convergence reports the mutant daemonset.observed-generation-not-updated", async () => {
    setMutants(["daemonset.observed-generation-not-updated"]);
    const c = createCluster({ nodes: 2, seed: 7 });
    await ordinaryRun(c);
    expect(notConverged(c)).toMatch(/DaemonSet default\/agent has observedGeneration/);
    await c.stop();
  }, 180_000);
});
