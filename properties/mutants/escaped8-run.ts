// The ninth round of mutants (shared by escaped8*.test.ts): an EndpointSlice's serving condition
// for terminating pods, a PodDisruptionBudget's desiredHealthy, a CronJob's Forbid policy and a
// ResourceQuota's pod count. Each small run reaches what its invariant judges; expectations come
// from Kubernetes' rules (KEP-1672's serving, getExpectedPodCount, syncCronJob's Forbid check,
// QuotaV1Pod), not from the code under test.

import type { Cluster } from "../../runtime/cluster.js";
import { InvariantChecker, invariants, type Violation } from "../invariants/index.js";

/** Every invariant, as `podflow check` runs them; with stopAt, the run is cut once that one reports. */
export function check(c: Cluster, stopAt?: string): Violation[] {
  const checker = new InvariantChecker(c.runtime, invariants.filter((s) => s.name !== "livenessUnderFairness" && s.name !== "deletionReversesCreation"));
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
const tick = async (c: Cluster, ms: number, times: number) => {
  for (let i = 0; i < times; i++) {
    c.advance(ms);
    await c.settle();
  }
};

// nginx probed for readiness, ignoring SIGTERM for its 20 s grace period: Ready while it terminates
const web = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default" }, spec: { replicas: 3, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { terminationGracePeriodSeconds: 20, containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }], resources: small, readinessProbe: { httpGet: { path: "/", port: 80 }, initialDelaySeconds: 1, periodSeconds: 1 }, lifecycle: { preStop: { exec: { command: ["sleep", "15"] } } } }] } } } };
const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 80 }] } };
const pdb = { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "web", namespace: "default" }, spec: { minAvailable: "50%", selector: { matchLabels: { app: "web" } } } };
// a run of a minute and a half, every minute: the second schedule time comes while the first runs
const cron = { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "tick", namespace: "default" }, spec: { schedule: "* * * * *", concurrencyPolicy: "Forbid", jobTemplate: { spec: { template: { spec: { restartPolicy: "Never", terminationGracePeriodSeconds: 1, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 90"], resources: small }] } } } } } };
const quota = { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "pods", namespace: "default" }, spec: { hard: { pods: "20" } } };
const done = { apiVersion: "v1", kind: "Pod", metadata: { name: "done", namespace: "default" }, spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 1; exit 0"], resources: small }] } };

/** A quota, then (once its usage is calculated) a pod that finishes, run until nothing moves. */
export async function quotaRun(c: Cluster): Promise<void> {
  await c.apply([quota]);
  await tick(c, 1_000, 2);
  await c.apply([done]);
  await tick(c, 1_000, 30);
}

/** A Deployment behind a Service and a budget, one of its pods deleted once Ready; a Forbid CronJob through two schedule times. */
export async function ordinaryRun(c: Cluster): Promise<void> {
  await c.apply([svc, web, pdb, cron]);
  await tick(c, 1_000, 20);
  const pod = c.list("Pod", { namespace: "default", labelSelector: "app=web" })[0];
  await c.delete("Pod", pod.metadata.name, "default");
  await tick(c, 1_000, 170);
}

const guarded = { ...web, metadata: { name: "guarded", namespace: "default" }, spec: { ...web.spec, selector: { matchLabels: { app: "guarded" } }, template: { ...web.spec.template, metadata: { labels: { app: "guarded" } } } } };
const budget = { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "guarded", namespace: "default" }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "guarded" } } } };

/**
 * A budget allowing one disruption of three Ready pods is tightened to maxUnavailable 0 and, before
 * its controller has seen the change, one of its pods is evicted: the answer (Kubernetes: 429, the
 * budget "is still being processed by the server").
 */
export async function evictionRun(c: Cluster): Promise<{ code: number; pod: string }> {
  await c.apply([guarded, budget]);
  await tick(c, 1_000, 20);
  const pod = c.list("Pod", { namespace: "default", labelSelector: "app=guarded" })[0].metadata.name as string;
  // the patch and the eviction go out together, in this order, on kubectl's one connection
  const token = (c as unknown as { adminToken: string }).adminToken;
  c.runtime.send("kubectl", "apiserver", { type: "ApiRequest", id: 9_000_000, token, verb: "patch", group: "policy", resource: "poddisruptionbudgets", namespace: "default", name: "guarded", patchType: "merge", body: { spec: { maxUnavailable: 0 } } });
  const res = c.requestSync({ verb: "create", group: "", resource: "pods", subresource: "eviction", namespace: "default", name: pod, body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: pod, namespace: "default" } } });
  await tick(c, 1_000, 10);
  return { code: res.ok ? 201 : (res.status.code ?? 0), pod };
}

const stagedService = { apiVersion: "v1", kind: "Service", metadata: { name: "staged", namespace: "default" }, spec: { clusterIP: "None", selector: { app: "staged" }, ports: [{ port: 80 }] } };
const staged = { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "staged", namespace: "default" }, spec: { serviceName: "staged", replicas: 3, selector: { matchLabels: { app: "staged" } }, updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 2 } }, template: { metadata: { labels: { app: "staged" } }, spec: { terminationGracePeriodSeconds: 2, containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }], resources: small, readinessProbe: { httpGet: { path: "/", port: 80 }, initialDelaySeconds: 1, periodSeconds: 1 } }] } } } };

/** A StatefulSet of three with partition 2, rolled out once its pods are Ready (kubectl rollout restart): only staged-2 is updated. */
export async function partitionRun(c: Cluster): Promise<void> {
  await c.apply([stagedService, staged]);
  await tick(c, 1_000, 30);
  await c.request({ verb: "patch", group: "apps", resource: "statefulsets", namespace: "default", name: "staged", patchType: "merge", body: { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "1" } } } } } });
  await tick(c, 1_000, 40);
}
