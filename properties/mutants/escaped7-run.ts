// The eighth round of mutants (shared by escaped7*.test.ts): status and condition bugs in the kubelet and the Job, StatefulSet,
// Deployment and DaemonSet controllers. Each new invariant is silent on a small seeded run that
// reaches what it judges, and reports its mutant there. Expectations come from Kubernetes' rules
// (the API server's Job status validation, the kubelet's condition generators, the controllers'
// status calculations, observedGeneration caught up once nothing moves), not from the code under test.

import type { Cluster } from "../../runtime/cluster.js";
import { InvariantChecker, invariants, type Violation } from "../invariants/index.js";

export const names = ["podConditionsMatchContainerStatuses", "podStartTimeSetOnce", "jobFinishedStatusConsistent", "workloadStatusConsistent", "workloadCountsOnlyReadyPods"];
export const round = invariants.filter((s) => names.includes(s.name));

/** The violations of the round's invariants; with stopAt, the run is cut (an observer throws) once that invariant reports, as a mutant may keep a settle busy for long. */
export function check(c: Cluster, stopAt?: string): Violation[] {
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
const restart = (resource: string, name: string, at: string) => ({ verb: "patch" as const, group: "apps", resource, namespace: "default", name, patchType: "merge" as const, body: { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": at } } } } } });

/** A Job that completes, a pod with an init container, a StatefulSet, a Deployment and a DaemonSet, each rolled out once their pods are Ready. */
export async function ordinaryRun(c: Cluster): Promise<void> {
  await c.apply([job, prepared, dbService, db, web, agent]);
  await tick(c, 1_000, 20);
  // kubectl rollout restart statefulset db, deployment web, daemonset agent
  for (const [resource, name] of [["statefulsets", "db"], ["deployments", "web"], ["daemonsets", "agent"]] as const) await c.request(restart(resource, name, "1"));
  await tick(c, 1_000, 40);
}

