// Round eleven's escapes and the checks added for them: each check below holds on the correct code
// and fails with its mutant on. The expectations are Kubernetes' rules, not the code's output:
// ComputePodQOS counts init containers (a quota's BestEffort scope), computeReplicasForMetrics takes
// the largest proposal of several metrics, computeReplicaStatus counts a pod available only once it
// has been Ready longer than minReadySeconds (IsPodAvailable), syncServiceAccount deletes a deleted
// account's tokens by uid (an account made again under the name is another account),
// deleteAllContent returns a discovery error so the namespace is not finalized, and the external
// provisioner deletes only a Released volume whose reclaim policy is Delete (shouldDelete).
// The same expectations sit beside the behaviour: machines/common/quota.test.ts,
// machines/podautoscaler/hpa.logic.test.ts, machines/statefulset/statefulset.logic.test.ts,
// machines/serviceaccount/tokens.e2e.test.ts, machines/apiserver/crd.e2e.test.ts,
// machines/localpath/localpath.logic.test.ts.
import { afterEach, describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { setMutants } from "../../machines/common/mutation.js";
import { podMatchesScope } from "../../machines/common/quota.js";
import { rfc3339 } from "../../machines/common/time.js";
import { PROVISIONER, shouldDelete } from "../../machines/localpath/localpath.logic.js";
import { decide, emptyMemory } from "../../machines/podautoscaler/hpa.logic.js";
import { newStatefulSetPod, replicaCounts } from "../../machines/statefulset/statefulset.logic.js";
import { createCluster } from "../../runtime/cluster.js";

afterEach(() => setMutants([]));

const internalError = (id: number) => ({ type: "ApiResponse", id, ok: false, code: 500, status: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "etcdserver: request timed out", reason: "InternalError", code: 500 } }) as const;

/** A pod whose only cpu request is its init container's is Burstable, so no BestEffort quota selects it. */
function bestEffortScopeHolds(): boolean {
  const pod = { spec: { initContainers: [{ resources: { requests: { cpu: "100m" } } }], containers: [{}] } };
  return !podMatchesScope(pod, { scopeName: "BestEffort", operator: "Exists" }) && podMatchesScope(pod, { scopeName: "NotBestEffort", operator: "Exists" });
}

/** Two pods at 200% cpu and 10% memory of their requests, targets 50%: cpu's proposal (held to the scale-up limit, 4) wins. */
function largestMetricWins(): boolean {
  const now = 1_000_000_000;
  const started = rfc3339(now - 600_000);
  const pods: Pod[] = [0, 1].map((i) => ({ metadata: { name: `web-${i}`, namespace: "default" }, spec: { containers: [{ name: "c", image: "x", resources: { requests: { cpu: "100m", memory: "100Mi" } } }] }, status: { phase: "Running", startTime: started, conditions: [{ type: "Ready", status: "True", lastTransitionTime: started }] } }));
  const metrics = { items: pods.map((p) => ({ metadata: { name: p.metadata!.name, namespace: "default" }, timestamp: rfc3339(now - 30_000), window: "30s", containers: [{ name: "c", usage: { cpu: "200m", memory: "10Mi" } }] })) };
  const target = (name: string) => ({ type: "Resource", resource: { name, target: { type: "Utilization", averageUtilization: 50 } } });
  const hpa = { metadata: { name: "web", namespace: "default" }, spec: { minReplicas: 1, maxReplicas: 10, metrics: [target("memory"), target("cpu")] } };
  return decide(hpa, { spec: { replicas: 2 } }, pods, metrics, emptyMemory, now).desiredReplicas === 4;
}

/** A StatefulSet pod Ready for 5 s under minReadySeconds 10 is ready, not available. */
function availableWaitsForMinReadySeconds(): boolean {
  const now = Date.parse("2026-01-01T00:10:00Z");
  const set: any = { metadata: { name: "db", namespace: "default", uid: "u" }, spec: { replicas: 1, serviceName: "db", selector: { matchLabels: { app: "db" } }, template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "c", image: "x" }] } } } };
  const pod: Pod = { ...newStatefulSetPod(set, 0), status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: new Date(now - 5_000).toISOString() }] } };
  const c = replicaCounts([pod], 10, "r", "r", now);
  return c.readyReplicas === 1 && c.availableReplicas === 0;
}

const account = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "build-robot", namespace: "default" } };
const token = { apiVersion: "v1", kind: "Secret", metadata: { name: "build-robot-secret", namespace: "default", annotations: { "kubernetes.io/service-account.name": "build-robot" } }, type: "kubernetes.io/service-account-token" };

/** The account's token Secret is gone after the account is deleted, even when the retry of its deletion meets a new account of the name. */
async function tokensGoWithTheirAccount(): Promise<boolean> {
  const c = createCluster({ nodes: 1, seed: 5 });
  try {
    await c.apply([account, token]);
    await c.settle();
    let made: Promise<unknown> | undefined;
    c.runtime.sendHook = (from, to, msg: any) => {
      if (made || from === "apiserver" || msg.type !== "ApiRequest" || msg.verb !== "delete" || msg.resource !== "secrets") return false;
      made = c.request({ verb: "create", group: "", resource: "serviceaccounts", namespace: "default", body: account });
      c.runtime.post(to, from, internalError(msg.id));
      return true;
    };
    await c.delete("ServiceAccount", "build-robot");
    await c.settle();
    await made;
    c.advance(1_000);
    await c.settle();
    return made !== undefined && c.get("Secret", "build-robot-secret") === undefined;
  } finally {
    await c.stop();
  }
}

const crd = {
  apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "crontabs.stable.example.com" },
  spec: { group: "stable.example.com", scope: "Namespaced", names: { plural: "crontabs", singular: "crontab", kind: "CronTab" }, versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } } } }] },
};

/** A namespace whose first discovery of the custom resources fails goes only once its CronTab is deleted. */
async function namespaceWaitsForCustomResources(): Promise<boolean> {
  const c = createCluster({ nodes: 1, seed: 7 });
  try {
    await c.apply(crd);
    await c.settle();
    await c.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } }, { apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "in-team", namespace: "team" }, spec: { cronSpec: "* * * * *" } }]);
    await c.settle();
    let failed = 0;
    c.runtime.sendHook = (from, to, msg: any) => {
      if (failed > 0 || from !== "namespace-controller" || msg.type !== "ApiRequest" || msg.verb !== "list" || msg.resource !== "customresourcedefinitions") return false;
      failed++;
      c.runtime.post(to, from, internalError(msg.id));
      return true;
    };
    await c.delete("Namespace", "team");
    c.advance(3_000);
    await c.settle();
    return failed === 1 && c.get("Namespace", "team") === undefined && c.list("CronTab").length === 0;
  } finally {
    await c.stop();
  }
}

/** A Released local-path volume of a Retain class is kept, one of a Delete class deleted. */
function retainedVolumeKept(): boolean {
  const pv = (policy: string) => ({ metadata: { name: "pvc-1", annotations: { "pv.kubernetes.io/provisioned-by": PROVISIONER } }, spec: { persistentVolumeReclaimPolicy: policy }, status: { phase: "Released" } });
  return !shouldDelete(pv("Retain")) && shouldDelete(pv("Delete"));
}

const rows: Array<[string, () => boolean | Promise<boolean>]> = [
  ["quota.best-effort-ignores-init-containers", bestEffortScopeHolds],
  ["hpa.multiple-metrics-takes-lowest", largestMetricWins],
  ["statefulset.available-ignores-min-ready-seconds", availableWaitsForMinReadySeconds],
  ["serviceaccount.recreated-account-keeps-old-tokens", tokensGoWithTheirAccount],
  ["namespace.discovery-error-counts-as-empty", namespaceWaitsForCustomResources],
  ["localpath.deletes-retained-volume", retainedVolumeKept],
];

describe("round 11: the checks added for the mutants that escaped", () => {
  for (const [name, holds] of rows) {
    it(`${holds.name} holds on the correct code and fails with the mutant ${name}`, async () => {
      expect(await holds()).toBe(true);
      setMutants([name]);
      expect(await holds()).toBe(false);
    }, 120_000);
  }
});
