// The invariants for the second set of escaped bug classes (taints at binding, restartPolicy,
// readiness probes, EndpointSlice selectors, a rollout's maxSurge): each holds at every step of an
// ordinary run that reaches its case, and each reports a violation forged in the world or the
// messages it reads. Expectations come from Kubernetes' behaviour: TaintToleration's filter,
// ContainerShouldRestart, the prober's initial Failure and initialDelaySeconds, the
// EndpointSlice controller's selector, NewRSNewReplicas' replicas + maxSurge.

import { describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { InvariantChecker, invariants, type InvariantSpec, type Violation } from "./index.js";
import { podBoundOnlyToToleratingNode, readyOnlyAfterReadinessProbe, restartPolicyHonoured } from "./pods.js";
import { endpointSlicesJudge } from "./endpoints.js";
import { deploymentNeverSurgesPastMaxSurge } from "./deployment.js";
import { resolveFenceposts } from "./k8s.js";
import { shapedNodes } from "../run.js";

const specs: InvariantSpec[] = [podBoundOnlyToToleratingNode, restartPolicyHonoured, readyOnlyAfterReadinessProbe, deploymentNeverSurgesPastMaxSurge, invariants.find((i) => i.name === "endpointSlicesOnlyMatchingPods")!];

const dedicated = { key: "example.com/dedicated", value: "infra", effect: "NoSchedule" };

/** Checks the given invariants after every delivered message; returns what they reported. */
function check(c: Cluster, list: readonly InvariantSpec[]): Violation[] {
  const checker = new InvariantChecker(c.runtime, list);
  const seen: Violation[] = [];
  c.runtime.observers.push(() => void seen.push(...checker.step()));
  return seen;
}

/** Delivers a forged message to the invariants' hooks only (the cluster never sees it). */
function forge(c: Cluster, from: string, to: string, msg: any): void {
  for (const h of c.runtime.deliveryHooks) h(from, to, msg);
}

const pod = (name: string, labels: Record<string, string>, spec: any) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default", labels }, spec });
const busybox = (script: string, extra: any = {}) => ({ name: "c", image: "busybox:1.36", command: ["sh", "-c", script], ...extra });

/** An ordinary run that reaches every case: a tainted node, pods that exit under Never and OnFailure, a slow readiness probe, a Service that selects some pods, a rolling update. */
async function ordinaryRun(seed: number): Promise<{ c: Cluster; seen: Violation[] }> {
  const nodes = shapedNodes(2, { cpu: "4", memory: "16Gi", pods: 110, podCIDRPrefix: 24 }, [{ node: "node-1", taints: [dedicated] }]);
  const c = createCluster({ nodes, seed });
  const seen = check(c, specs);
  const web = { name: "nginx", image: "nginx:1.27", ports: [{ name: "http", containerPort: 80 }], readinessProbe: { httpGet: { path: "/", port: "http" }, initialDelaySeconds: 8, periodSeconds: 2 } };
  await c.apply([
    { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: "http" }] } },
    pod("slow-ready", { app: "web" }, { containers: [web] }),
    pod("other", { app: "other" }, { containers: [{ ...web, readinessProbe: undefined }] }),
    pod("never-ok", { app: "job" }, { restartPolicy: "Never", containers: [busybox("sleep 2; exit 0")] }),
    pod("never-fails", { app: "job" }, { restartPolicy: "Never", containers: [busybox("sleep 2; exit 1")] }),
    pod("onfailure-fails", { app: "job" }, { restartPolicy: "OnFailure", containers: [busybox("sleep 1; exit 1")] }),
    pod("tolerates", { app: "web" }, { tolerations: [{ key: dedicated.key, operator: "Exists" }], containers: [web] }),
    {
      apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "default" },
      spec: { replicas: 4, selector: { matchLabels: { app: "d" } }, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, template: { metadata: { labels: { app: "d" } }, spec: { containers: [web] } } },
    },
  ]);
  await c.settle();
  c.advance(30_000);
  // kubectl rollout restart, then a scale-down in the middle of the rollout
  expect(c.requestSync({ verb: "patch", group: "apps", resource: "deployments", namespace: "default", name: "d", patchType: "merge", body: { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "now" } } } } } }).ok).toBe(true);
  c.advance(3_000);
  expect(c.requestSync({ verb: "patch", group: "apps", resource: "deployments", namespace: "default", name: "d", patchType: "merge", body: { spec: { replicas: 2 } } }).ok).toBe(true);
  await c.settle();
  c.advance(60_000);
  return { c, seen };
}

describe("the invariants hold on an ordinary run that reaches their cases", () => {
  it.each([1, 2])("seed %i", async (seed) => {
    const { c, seen } = await ordinaryRun(seed);
    const pods = new Map(c.list("Pod").map((p: any) => [p.metadata.name, p]));
    // The run reached each case, as Kubernetes would have it:
    expect(pods.get("never-ok").status.phase).toBe("Succeeded");
    expect(pods.get("never-fails").status.phase).toBe("Failed");
    expect(pods.get("onfailure-fails").status.containerStatuses[0].restartCount).toBeGreaterThan(0);
    expect(pods.get("slow-ready").status.containerStatuses[0].ready).toBe(true);
    expect(c.list("Pod").filter((p: any) => p.spec.nodeName === "node-1").map((p: any) => p.metadata.name)).toEqual(["tolerates"]);
    const slices = c.list("EndpointSlice").filter((s: any) => s.metadata.labels?.["kubernetes.io/service-name"] === "web");
    expect(slices.flatMap((s: any) => (s.endpoints ?? []).map((e: any) => e.targetRef.name)).sort()).toEqual(["slow-ready", "tolerates"]);
    expect(c.list("ReplicaSet").filter((r: any) => r.metadata.name.startsWith("d-"))).toHaveLength(2);
    expect(seen).toEqual([]);
    await c.stop();
  });

  it("every one of them is in the registry", () => {
    expect(invariants.map((i) => i.name)).toEqual(expect.arrayContaining(specs.map((i) => i.name)));
  });
});

/** A world of fixed objects, changed between steps by replacing them (stored objects are replaced, never mutated). */
function world(objs: { Node?: any[]; Pod?: any[] }) {
  return { list: (k: string) => (k === "Node" ? objs.Node ?? [] : k === "Pod" ? objs.Pod ?? [] : []), etcdRevision: () => 1 };
}

describe("the invariants report a forged violation", () => {
  it("podBoundOnlyToToleratingNode: a pod bound to a node whose NoSchedule taint it does not tolerate", () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    const check1 = podBoundOnlyToToleratingNode.create(c.runtime);
    const node = { metadata: { name: "node-1", uid: "n1" }, spec: { taints: [dedicated] } };
    const p = (nodeName?: string, tolerations?: any[]) => ({ metadata: { name: "p", namespace: "default", uid: "p1" }, spec: { ...(nodeName ? { nodeName } : {}), ...(tolerations ? { tolerations } : {}) } });
    expect(check1.step!(world({ Node: [node], Pod: [p()] }))).toEqual([]);
    expect(check1.step!(world({ Node: [node], Pod: [p("node-1")] })).map((v) => v.message)).toEqual(["pod default/p was bound to node node-1, whose taint example.com/dedicated=infra:NoSchedule (on every version of the node) it does not tolerate"]);
    // Tolerated (Exists on the key, any effect): it may be bound there.
    const check2 = podBoundOnlyToToleratingNode.create(c.runtime);
    expect(check2.step!(world({ Node: [node], Pod: [p(undefined, [{ key: dedicated.key, operator: "Exists" }])] }))).toEqual([]);
    expect(check2.step!(world({ Node: [node], Pod: [p("node-1", [{ key: dedicated.key, operator: "Exists" }])] }))).toEqual([]);
    // A taint the node did not always have may race the scheduling cycle: not judged.
    const check3 = podBoundOnlyToToleratingNode.create(c.runtime);
    expect(check3.step!(world({ Node: [{ ...node, spec: {} }], Pod: [p()] }))).toEqual([]);
    expect(check3.step!(world({ Node: [node], Pod: [p("node-1")] }))).toEqual([]);
    // A pod created with spec.nodeName bypasses the scheduler.
    const check4 = podBoundOnlyToToleratingNode.create(c.runtime);
    expect(check4.step!(world({ Node: [node], Pod: [p("node-1")] }))).toEqual([]);
    void c.stop();
  });

  it("restartPolicyHonoured: a Never pod's container restarted, an OnFailure pod's container restarted after exit 0", () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    const chk = restartPolicyHonoured.create(c.runtime);
    const p = (name: string, restartPolicy: string, exitCode: number, restartCount: number) => ({
      metadata: { name, namespace: "default", uid: name },
      spec: { restartPolicy, containers: [{ name: "c" }] },
      status: { containerStatuses: [{ name: "c", restartCount, lastState: { terminated: { exitCode } } }] },
    });
    expect(chk.step!(world({ Pod: [p("a", "Never", 0, 1), p("b", "OnFailure", 0, 2), p("c", "OnFailure", 1, 2), p("d", "Always", 0, 3), p("e", "Never", 1, 0)] })).map((v) => v.message)).toEqual([
      "container c of pod default/a (restartPolicy Never) was restarted 1 time(s)",
      "container c of pod default/b (restartPolicy OnFailure) was restarted after exiting 0",
    ]);
    void c.stop();
  });

  it("readyOnlyAfterReadinessProbe: a container Ready before its readiness probe's initialDelaySeconds", () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    const chk = readyOnlyAfterReadinessProbe.create(c.runtime);
    const startedAt = new Date(Math.floor(c.runtime.now / 1000) * 1000).toISOString().replace(".000Z", "Z");
    const p = (ready: boolean) => ({
      metadata: { name: "p", namespace: "default", uid: "p1" },
      spec: { containers: [{ name: "c", readinessProbe: { httpGet: { port: 80 }, initialDelaySeconds: 10 } }] },
      status: { containerStatuses: [{ name: "c", ready, state: { running: { startedAt } } }] },
    });
    expect(chk.step!(world({ Pod: [p(false)] }))).toEqual([]);
    c.advance(3_000);
    expect(chk.step!(world({ Pod: [p(true)] })).map((v) => v.message)).toEqual(["container c of pod default/p is Ready 3 s after it started, before its readiness probe's initialDelaySeconds of 10 s"]);
    c.advance(7_000);
    expect(chk.step!(world({ Pod: [p(true)] }))).toEqual([]);
    void c.stop();
  });

  it("endpointSlicesOnlyMatchingPods: a managed EndpointSlice lists a pod the Service does not select", async () => {
    const c = createCluster({ nodes: 1, seed: 2 });
    const judge = endpointSlicesJudge(c);
    c.runtime.observers.push(() => judge.read());
    await c.apply([
      { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } },
      pod("in", { app: "web" }, { containers: [busybox("sleep 3600")] }),
      pod("out", { app: "other" }, { containers: [busybox("sleep 3600")] }),
    ]);
    await c.settle();
    expect(judge.judge()).toEqual([]);
    const out = c.get("Pod", "out", "default");
    // the controller would repair the forged slice it owns before the judge looks: stop it first
    c.runtime.crash("endpointslice-controller");
    const r = c.requestSync({
      verb: "create", group: "discovery.k8s.io", resource: "endpointslices", namespace: "default",
      body: {
        apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", addressType: "IPv4",
        metadata: { name: "web-forged", namespace: "default", labels: { "kubernetes.io/service-name": "web", "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" } },
        endpoints: [{ addresses: [out.status.podIP], targetRef: { kind: "Pod", namespace: "default", name: "out", uid: out.metadata.uid } }],
      },
    });
    expect(r.ok).toBe(true);
    expect(judge.judge()).toEqual([`EndpointSlice default/web-forged of Service default/web lists ${out.status.podIP} (pod default/out), but no version of the pod matches the Service's selector {"app":"web"}`]);
    await c.stop();
  });

  it("deploymentNeverSurgesPastMaxSurge: the controller scales the new ReplicaSet past replicas + maxSurge", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    const checker = new InvariantChecker(c.runtime, [deploymentNeverSurgesPastMaxSurge]);
    const seen: Violation[] = [];
    c.runtime.observers.push(() => void seen.push(...checker.step()));
    await c.apply([{ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "default" }, spec: { replicas: 3, selector: { matchLabels: { app: "d" } }, template: { metadata: { labels: { app: "d" } }, spec: { containers: [busybox("sleep 3600")] } } } }]);
    await c.settle();
    expect(seen).toEqual([]);
    const rs = c.list("ReplicaSet")[0];
    // replicas 3 and the default maxSurge of 25% (rounded up: 1): at most 4 in all.
    const body = { ...rs, spec: { ...rs.spec, replicas: 5 } };
    forge(c, "deployment-controller", "apiserver", { type: "ApiRequest", id: 900001, verb: "update", group: "apps", resource: "replicasets", namespace: "default", name: rs.metadata.name, body });
    forge(c, "apiserver", "deployment-controller", { type: "ApiResponse", id: 900001, ok: true, code: 200, object: body });
    expect(checker.step().map((v) => v.message)).toEqual([`deployment-controller scaled ReplicaSet default/${rs.metadata.name} to 5 while the other ReplicaSets of its Deployment default/d ask for 0: 5 in all, above replicas + maxSurge (4)`]);
    // Refused (409): nothing was written, nothing to report.
    forge(c, "deployment-controller", "apiserver", { type: "ApiRequest", id: 900002, verb: "update", group: "apps", resource: "replicasets", namespace: "default", name: rs.metadata.name, body });
    forge(c, "apiserver", "deployment-controller", { type: "ApiResponse", id: 900002, ok: false, code: 409, object: {} });
    expect(checker.step()).toEqual([]);
    await c.stop();
  });

  it("deploymentNeverSurgesPastMaxSurge: a ReplicaSet never delivered to the controller is not counted (its informer lags; getReplicaSetsForDeployment reads the cache)", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.apply([{ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "default" }, spec: { replicas: 3, selector: { matchLabels: { app: "d" } }, template: { metadata: { labels: { app: "d" } }, spec: { containers: [busybox("sleep 3600")] } } } }]);
    await c.settle();
    // Started now, the invariant has seen nothing delivered to the controller yet.
    const checker = new InvariantChecker(c.runtime, [deploymentNeverSurgesPastMaxSurge]);
    const old = c.list("ReplicaSet")[0];
    const d = c.list("Deployment")[0];
    // A new template's ReplicaSet at 4 (replicas 3 + maxSurge 1), made while the old one (3) had not reached the cache: allowed.
    const created = { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "d-new", namespace: "default", ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "d", uid: d.metadata.uid, controller: true }] }, spec: { ...old.spec, replicas: 4 } };
    forge(c, "deployment-controller", "apiserver", { type: "ApiRequest", id: 900003, verb: "create", group: "apps", resource: "replicasets", namespace: "default", body: created });
    forge(c, "apiserver", "deployment-controller", { type: "ApiResponse", id: 900003, ok: true, code: 201, object: created });
    expect(checker.step()).toEqual([]);
    // Once the old one was delivered, the same create counts it: 7 in all.
    forge(c, "apiserver", "deployment-controller", { type: "WatchEvent", watchId: 2, eventType: "MODIFIED", object: old });
    forge(c, "deployment-controller", "apiserver", { type: "ApiRequest", id: 900004, verb: "create", group: "apps", resource: "replicasets", namespace: "default", body: created });
    forge(c, "apiserver", "deployment-controller", { type: "ApiResponse", id: 900004, ok: true, code: 201, object: created });
    expect(checker.step().map((v) => v.message)).toEqual(["deployment-controller scaled ReplicaSet default/d-new to 4 while the other ReplicaSets of its Deployment default/d ask for 3: 7 in all, above replicas + maxSurge (4)"]);
    await c.stop();
  });
});

describe("deploymentNeverSurgesPastMaxSurge judges a sync's later writes on the view the sync began with", () => {
  // syncDeployment's scale() decides every ReplicaSet's size first, then writes them one after
  // another: a write sent on the answer to the one before was decided before a scale-down that
  // reached the controller meanwhile (ci-fuzz seed 20261204, run 5, flagged it).
  it("a proportional scale to 8, and a scale to 2 while its first write is held: no violation", async () => {
    const c = createCluster({ nodes: 3, seed: 77 });
    const checker = new InvariantChecker(c.runtime, [deploymentNeverSurgesPastMaxSurge]);
    const seen: Violation[] = [];
    c.runtime.observers.push(() => void seen.push(...checker.step()));
    const d = (replicas: number, image: string) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default" }, spec: { replicas, selector: { matchLabels: { app: "web" } }, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: "25%" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image }] } } } });
    await c.apply(d(4, "nginx:1.27"));
    await c.settle();
    c.advance(5_000);
    // A template whose image never pulls: the rollout stops at old 3, new 1.
    await c.apply(d(4, "ngnix"));
    await c.settle();
    c.advance(5_000);
    const sizes = () => c.list("ReplicaSet", { namespace: "default" }).map((r: any) => r.spec.replicas).sort((a: number, b: number) => a - b);
    expect(sizes()).toEqual([1, 3]);
    let held: any;
    const scale = (replicas: number) => c.requestSync({ verb: "patch", group: "apps", resource: "deployments", subresource: "scale", namespace: "default", name: "web", patchType: "merge", body: { spec: { replicas } } });
    c.runtime.sendHook = (from, _to, msg) => {
      if (held !== undefined || from !== "deployment-controller" || msg.type !== "ApiRequest" || msg.resource !== "replicasets" || msg.verb !== "update") return false;
      held = msg;
      return true;
    };
    expect(scale(8).ok).toBe(true);
    await c.settle();
    expect(held.body.spec.replicas).toBe(6);
    expect(scale(2).ok).toBe(true);
    await c.settle();
    c.runtime.post("deployment-controller", "apiserver", held);
    await c.settle();
    c.runtime.sendHook = undefined;
    // The sync's second write (1 -> 2) went out after the scale to 2 reached the controller; the next sync shrinks both.
    c.advance(5_000);
    await c.settle();
    expect(seen).toEqual([]);
    expect(sizes().reduce((a: number, b: number) => a + b, 0)).toBe(2);
    await c.stop();
  });
});

describe("resolveFenceposts follows deploymentutil.ResolveFenceposts", () => {
  const d = (replicas: number, rollingUpdate?: any, type = "RollingUpdate") => ({ spec: { replicas, strategy: { type, ...(rollingUpdate ? { rollingUpdate } : {}) } } });
  it.each([
    ["defaults of 25% each, surge rounded up, unavailable down", d(10), { maxSurge: 3, maxUnavailable: 2 }],
    ["absolute numbers", d(5, { maxSurge: 2, maxUnavailable: 1 }), { maxSurge: 2, maxUnavailable: 1 }],
    ["percentages of a small Deployment", d(3, { maxSurge: "50%", maxUnavailable: "25%" }), { maxSurge: 2, maxUnavailable: 0 }],
    ["a single replica: surge 1, unavailable 0", d(1, { maxSurge: "25%", maxUnavailable: "25%" }), { maxSurge: 1, maxUnavailable: 0 }],
    ["both resolved to zero makes maxUnavailable 1", d(0, { maxSurge: "25%", maxUnavailable: "25%" }), { maxSurge: 0, maxUnavailable: 1 }],
    ["Recreate never surges", d(4, undefined, "Recreate"), { maxSurge: 0, maxUnavailable: 4 }],
  ])("%s", (_name, dep, want) => {
    expect(resolveFenceposts(dep)).toEqual(want);
  });
});
