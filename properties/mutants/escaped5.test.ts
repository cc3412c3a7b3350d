// The sixth round of mutants: validation reached by invalid objects, eight bugs a developer could
// write (a Job's failure reason, a pod counted twice, a finalizer left on failed pods, an EndpointSlice
// without its owner, a terminating endpoint ready, NoExecute forgotten by the scheduler, the DELETE's
// grace period ignored, the restart back-off one step behind), and a kubelet bug the server-error
// fault found. Each invariant is silent on a small seeded run and reports its mutant there.
// Expectations come from Kubernetes' rules (422 Invalid for an invalid object, DeadlineExceeded only
// past activeDeadlineSeconds, a slice owned by its Service, a kill within deletionGracePeriodSeconds,
// a reflector that lists again after a failed list), not from the code under test.

import { afterEach, describe, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { InvariantChecker, invariantNames, invariants, type Violation } from "../invariants/index.js";
import { shapedNodes } from "../run.js";

const newNames = ["jobFailedWithDeadlineExceededOnlyPastActiveDeadline", "endpointSliceOwnedByService", "deletionGracePeriodNotExceeded", "invalidObjectRefused"];
const names = [...newNames, "jobCountsOnlySucceededPods", "terminatingPodNeverReadyEndpoint", "containerRestartBacksOff"];
const round = invariants.filter((s) => names.includes(s.name));

function check(c: Cluster, specs = round): Violation[] {
  const checker = new InvariantChecker(c.runtime, specs);
  const seen: Violation[] = [];
  c.runtime.observers.push(() => void seen.push(...checker.step()));
  return seen;
}

const small = { requests: { cpu: "10m", memory: "16Mi" } };
// busybox's sleep ignores SIGTERM: a deleted pod runs (and stays Ready) through its grace period
const sleeper = (name = "c") => ({ name, image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], resources: small });
const pod = (name: string, spec: any) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" }, spec: { terminationGracePeriodSeconds: 2, ...spec } });
const deployment = (name: string, replicas: number, strategy: any, container: any, grace: number) => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: "default" },
  spec: { replicas, selector: { matchLabels: { app: name } }, strategy: { type: "RollingUpdate", rollingUpdate: strategy }, template: { metadata: { labels: { app: name } }, spec: { terminationGracePeriodSeconds: grace, containers: [container] } } },
});
// nginx answers its readiness probe once the probe's initial delay is over
const front = deployment("front", 3, { maxSurge: 1, maxUnavailable: 0 }, { name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }], resources: small, readinessProbe: { httpGet: { path: "/", port: 80 }, initialDelaySeconds: 8, periodSeconds: 1 } }, 2);
const web = deployment("web", 2, { maxSurge: 1, maxUnavailable: 0 }, { ...sleeper(), ports: [{ containerPort: 80, name: "http" }] }, 10);
const service = { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: "http" }] } };
const job = (name: string, spec: any, script: string) => ({ apiVersion: "batch/v1", kind: "Job", metadata: { name, namespace: "default" }, spec: { ...spec, template: { spec: { restartPolicy: "Never", terminationGracePeriodSeconds: 2, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", script], resources: small }] } } } });
const doomed = job("doomed", { backoffLimit: 1 }, "exit 1");
const short = job("short", { completions: 2, parallelism: 2 }, "sleep 1; exit 0");
const flaky = pod("flaky", { restartPolicy: "Always", containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 1; exit 1"], resources: small }] });
const hasty = pod("hasty", { terminationGracePeriodSeconds: 30, containers: [sleeper()] });
const intolerant = Array.from({ length: 4 }, (_, i) => pod(`plain-${i}`, { containers: [sleeper()] }));
// node-2 is dedicated: every effect of its taint keeps pods without the toleration off it
const nodes = () => shapedNodes(2, { cpu: "8", memory: "16Gi", pods: 30, podCIDRPrefix: 24 }, [{ node: "node-2", taints: [{ key: "dedicated", value: "batch", effect: "NoExecute" }] }]);

const tick = async (c: Cluster, ms: number, times: number) => {
  for (let i = 0; i < times; i++) {
    c.advance(ms);
    await c.settle();
  }
};

/** A rolling update during which an old pod is replaced, Jobs that fail and succeed, a crash loop, a short DELETE grace, a scale-down behind a Service, pods that must avoid node-2. */
async function ordinaryRun(c: Cluster): Promise<void> {
  await c.apply([front, web, service, doomed, short, flaky, hasty, ...intolerant]);
  await tick(c, 1_000, 15);
  // kubectl rollout restart: the new ReplicaSet's pod is unready for 8 s; meanwhile an old pod is
  // deleted, and its replacement is unready too: the old ReplicaSet has an unhealthy pod
  await c.request({ verb: "patch", group: "apps", resource: "deployments", namespace: "default", name: "front", patchType: "merge", body: { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "1" } } } } } });
  await tick(c, 500, 2);
  const old = c.list("Pod").find((p: any) => p.metadata.labels?.app === "front" && !p.metadata.deletionTimestamp && p.status?.conditions?.some((k: any) => k.type === "Ready" && k.status === "True"));
  expect(old).toBeTruthy();
  await c.delete("Pod", old.metadata.name, "default");
  // kubectl delete pod hasty --grace-period=2 (its spec gives it 30 s)
  await c.delete("Pod", "hasty", "default", { gracePeriodSeconds: 2 });
  // kubectl scale deployment web --replicas=1: the pod removed stays Ready through its 10 s grace
  await c.request({ verb: "patch", group: "apps", resource: "deployments", namespace: "default", name: "web", patchType: "merge", body: { spec: { replicas: 1 } } });
  await tick(c, 1_000, 60);
}

afterEach(() => setMutants([]));

describe("the sixth round's invariants", () => {
  it("are in the registry", () => {
    expect(invariantNames()).toEqual(expect.arrayContaining(names));
    expect(round.length).toBe(names.length);
  });

  it("hold on an ordinary run, which reaches what they judge", async () => {
    const c = createCluster({ nodes: nodes(), seed: 6 });
    const seen = check(c);
    await ordinaryRun(c);
    expect(seen.map((v) => v.message)).toEqual([]);
    const cond = (j: any, type: string) => (j.status?.conditions ?? []).find((k: any) => k.type === type && k.status === "True");
    expect(cond(c.get("Job", "doomed", "default"), "Failed")?.reason).toBe("BackoffLimitExceeded");
    expect(c.get("Job", "short", "default").status.succeeded).toBe(2);
    expect(c.get("Pod", "hasty", "default")).toBeUndefined();
    expect(c.get("Pod", "flaky", "default").status.containerStatuses[0].restartCount).toBeGreaterThan(1);
    expect(c.list("Pod").filter((p: any) => p.metadata.name.startsWith("plain-")).map((p: any) => p.spec.nodeName)).toEqual(["node-1", "node-1", "node-1", "node-1"]);
    // the rollout finished: one ReplicaSet of front has replicas, its pods all Ready
    expect(c.list("ReplicaSet").filter((r: any) => r.metadata.labels?.app === "front" && r.spec.replicas > 0).map((r: any) => r.status.readyReplicas)).toEqual([3]);
    const slices = c.list("EndpointSlice").filter((s: any) => s.metadata.labels?.["kubernetes.io/service-name"] === "web");
    expect(slices.map((s: any) => s.metadata.ownerReferences.map((r: any) => `${r.kind}/${r.name}`))).toEqual([["Service/web"]]);
    await c.stop();
  }, 120_000);

  // Not in this run: deployment.scale-down-ignores-new-unavailable (deploymentScaleDownKeepsMinAvailable,
  // run 1 of the random search) needs an old pod replaced while the new ReplicaSet's pods are still
  // unready, which this run's timing misses; scheduler.taint-filter-ignores-noexecute
  // (podBoundOnlyToToleratingNode, run 2) puts the Deployments' pods on node-2, whose taint evicts them
  // at once, and settle never ends. Both are in the README's table from `npm run mutants`.
  const caught: Array<[string, string]> = [
    ["job.backoff-failure-reason-deadline", "jobFailedWithDeadlineExceededOnlyPastActiveDeadline"],
    ["endpointslice.slice-without-owner-reference", "endpointSliceOwnedByService"],
    ["kubelet.grace-ignores-deletion-grace-period", "deletionGracePeriodNotExceeded"],
    ["job.counts-succeeded-twice", "jobCountsOnlySucceededPods"],
    ["endpointslice.terminating-pod-ready", "terminatingPodNeverReadyEndpoint"],
    ["kubelet.backoff-off-by-one", "containerRestartBacksOff"],
  ];
  for (const [mutantName, invariant] of caught) {
    it(`${invariant} reports the mutant ${mutantName}`, async () => {
      setMutants([mutantName]);
      const c = createCluster({ nodes: nodes(), seed: 6 });
      const seen = check(c);
      await ordinaryRun(c).catch(() => undefined);
      await c.stop();
      expect(seen.map((v) => v.invariant)).toContain(invariant);
    }, 120_000);
  }
});

// Objects a user could mistype, each breaking one of Kubernetes' validation rules: the API server
// answers 422 Invalid (StatusReasonInvalid) and stores nothing.
const tmpl = { metadata: { labels: { app: "x" } }, spec: { containers: [sleeper()] } };
const invalid: Array<[string, any]> = [
  ["a Deployment with spec.replicas -1", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "bad-deploy" }, spec: { replicas: -1, selector: { matchLabels: { app: "x" } }, template: tmpl } }],
  ["a ReplicaSet with spec.replicas -2", { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "bad-rs" }, spec: { replicas: -2, selector: { matchLabels: { app: "x" } }, template: tmpl } }],
  ["a Job with spec.parallelism -1", { apiVersion: "batch/v1", kind: "Job", metadata: { name: "bad-job" }, spec: { parallelism: -1, template: { spec: { restartPolicy: "Never", containers: [sleeper()] } } } }],
  ["a pod whose container is named Web_1", { apiVersion: "v1", kind: "Pod", metadata: { name: "bad-container" }, spec: { containers: [sleeper("Web_1")] } }],
  ["a pod with restartPolicy Sometimes", { apiVersion: "v1", kind: "Pod", metadata: { name: "bad-policy" }, spec: { restartPolicy: "Sometimes", containers: [sleeper()] } }],
  ["a pod named Invalid_Name", { apiVersion: "v1", kind: "Pod", metadata: { name: "Invalid_Name" }, spec: { containers: [sleeper()] } }],
  ["a Service with port 70000", { apiVersion: "v1", kind: "Service", metadata: { name: "bad-svc" }, spec: { selector: { app: "x" }, ports: [{ port: 70000 }] } }],
];

describe("invalidObjectRefused", () => {
  const refusedBy = invariants.filter((s) => s.name === "invalidObjectRefused");
  it.each(invalid)("the API server refuses %s with 422 Invalid and stores nothing; the invariant is silent", (_what, obj) => {
    const c = createCluster({ nodes: 1, seed: 1 });
    const seen = check(c, refusedBy);
    const r = c.requestSync({ verb: "create", group: obj.apiVersion.includes("/") ? obj.apiVersion.split("/")[0] : "", resource: `${obj.kind.toLowerCase()}s`, namespace: "default", body: structuredClone(obj) });
    expect([r.ok, r.code, r.status?.reason]).toEqual([false, 422, "Invalid"]);
    expect(c.get(obj.kind, obj.metadata.name, "default")).toBeUndefined();
    expect(seen).toEqual([]);
  });

  it("reports the mutant apiserver.deployment-accepts-negative-replicas", () => {
    setMutants(["apiserver.deployment-accepts-negative-replicas"]);
    const c = createCluster({ nodes: 1, seed: 1 });
    const seen = check(c, refusedBy);
    const r = c.requestSync({ verb: "create", group: "apps", resource: "deployments", namespace: "default", body: structuredClone(invalid[0]![1]) });
    expect(r.ok).toBe(true);
    expect(seen.map((v) => v.invariant)).toEqual(["invalidObjectRefused"]);
  });
});

// Found by the server-error fault (ci-fuzz seed 20261205, run 12: `podflow replay 180282390
// --scenario random --steps 3000 --faults all`): the kubelet dropped a failed list of its pods and
// never listed again, so the pods bound to its node stayed Pending. client-go's reflector retries a
// failed ListAndWatch after a back-off.
describe("a kubelet whose pod list fails", () => {
  it("lists again after a back-off, and runs the pods bound to its node", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.settle();
    let failed = 0;
    c.runtime.sendHook = (from, to, msg) => {
      if (from !== "kubelet/node-1" || msg.type !== "ApiRequest" || msg.verb !== "list" || msg.resource !== "pods" || failed >= 2) return false;
      failed++;
      c.runtime.post(to, from, { type: "ApiResponse", id: msg.id, ok: false, code: 504, status: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Timeout: request did not complete within requested timeout - context deadline exceeded", reason: "Timeout", code: 504 } });
      return true;
    };
    // systemctl restart kubelet: it lists the pods bound to its node first
    c.runtime.crash("kubelet/node-1");
    c.runtime.revive("kubelet/node-1");
    await c.apply([pod("after", { containers: [sleeper()] })]);
    await tick(c, 1_000, 30);
    c.runtime.sendHook = undefined;
    const phase = c.get("Pod", "after", "default").status?.phase;
    await c.stop();
    expect(failed).toBe(2);
    expect(phase).toBe("Running");
  }, 60_000);
});
