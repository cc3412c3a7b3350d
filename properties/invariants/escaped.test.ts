// The invariants written for the bug classes that escaped the fuzzer: each holds at every step of
// an ordinary run (create, serve, taint, delete), and each reports a violation forged in the
// messages or the world it reads. Expected texts come from Kubernetes' behaviour (409 for a second
// Binding, a grace period of terminationGracePeriodSeconds, eviction under NoExecute), not from
// the code under test.

import { describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { InvariantChecker, invariants, type InvariantSpec, type Violation } from "./index.js";
import { podBoundAtMostOnce, watchNeverSkipsWithout410, dependentDeletedOnlyAfterOwnerGone } from "./api.js";
import { containersStartOnlyWithPodIP, gracePeriodFloor, gracePeriodHonoured, podIPNotSharedByLiveSandboxes } from "./node.js";
import { terminatingPodNeverReadyEndpoint } from "./endpoints.js";
import { noExecuteTaintEvictsWithinTolerationSeconds } from "./taints.js";
import { exampleObjects } from "../run.js";

const escaped: InvariantSpec[] = [
  podBoundAtMostOnce,
  watchNeverSkipsWithout410,
  dependentDeletedOnlyAfterOwnerGone,
  containersStartOnlyWithPodIP,
  podIPNotSharedByLiveSandboxes,
  gracePeriodHonoured,
  terminatingPodNeverReadyEndpoint,
  noExecuteTaintEvictsWithinTolerationSeconds,
];

/** A pod whose PID 1 ignores SIGTERM (a shell running sleep), so only SIGKILL at the grace period's end stops it. */
const stubborn = (name: string, node: string, grace: number) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default", labels: { app: "web" } },
  spec: { nodeName: node, terminationGracePeriodSeconds: grace, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"] }] },
});

/** Checks the given invariants after every delivered message; returns what they reported. */
function check(c: Cluster, specs: readonly InvariantSpec[]): { seen: Violation[]; checker: InvariantChecker } {
  const checker = new InvariantChecker(c.runtime, specs);
  const seen: Violation[] = [];
  c.runtime.observers.push(() => void seen.push(...checker.step()));
  return { seen, checker };
}

/** Delivers a forged message to the invariants' hooks only (the cluster never sees it). */
function forge(c: Cluster, from: string, to: string, msg: any): void {
  for (const h of c.runtime.deliveryHooks) h(from, to, msg);
}

const runningPods = (c: Cluster, node: string) => c.list("Pod").filter((p: any) => p.spec?.nodeName === node && p.status?.phase === "Running");

describe("the escaped bug classes' invariants hold on an ordinary run", () => {
  it.each([1, 2])("a Deployment behind a Service, a tainted node, pods killed after their grace period (seed %i)", async (seed) => {
    const c = createCluster({ nodes: 2, seed });
    const { seen } = check(c, escaped);
    await c.apply(exampleObjects("deployment-service"));
    await c.apply([stubborn("slow", "node-1", 3)]);
    await c.settle();
    c.advance(10_000);
    // A NoExecute taint no pod tolerates: the taint eviction controller deletes node-2's pods at once.
    const node = c.get("Node", "node-2");
    expect(c.requestSync({ verb: "update", group: "", resource: "nodes", name: "node-2", body: { ...node, spec: { ...node.spec, taints: [{ key: "example.com/drain", value: "now", effect: "NoExecute" }] } } }).ok).toBe(true);
    c.advance(30_000);
    expect(c.list("Pod").filter((p: any) => p.spec?.nodeName === "node-2" && !p.metadata.deletionTimestamp)).toEqual([]);
    await c.delete("Pod", "slow", "default");
    c.advance(10_000);
    await c.delete("Service", "web", "default");
    await c.delete("Deployment", "web", "default");
    await c.settle();
    c.advance(60_000);
    expect(seen).toEqual([]);
    expect(c.runtime.delivered).toBeGreaterThan(1000);
    await c.stop();
  });

  it("every one of them is in the registry", () => {
    expect(invariants.map((i) => i.name)).toEqual(expect.arrayContaining(escaped.map((i) => i.name)));
  });
});

describe("the escaped bug classes' invariants report a forged violation", () => {
  async function runningCluster(objs: any[] = exampleObjects("deployment-service")) {
    const c = createCluster({ nodes: 1, seed: 3 });
    const startRevision: number = c.runtime.snapshot("etcd").context.revision;
    const { seen, checker } = check(c, escaped);
    await c.apply(objs);
    await c.settle();
    c.advance(10_000);
    expect(seen).toEqual([]);
    return { c, seen, checker, startRevision };
  }

  it("podBoundAtMostOnce: a second Binding of a bound pod answered 201 instead of 409", async () => {
    const { c, checker } = await runningCluster();
    const p = runningPods(c, "node-1")[0];
    forge(c, "scheduler", "apiserver", { type: "ApiRequest", id: 424242, verb: "create", group: "", resource: "pods", subresource: "binding", namespace: "default", name: p.metadata.name, body: { target: { name: "node-2" } } });
    forge(c, "apiserver", "scheduler", { type: "ApiResponse", id: 424242, ok: true, code: 201, object: {} });
    expect(checker.step().map((v) => v.message)).toEqual([`pods/binding of pod default/${p.metadata.name} to node node-2 answered 201 though the pod was already bound to node node-1: a second Binding must get 409 Conflict`]);
    // The real API server refuses it: the invariant holds.
    const r = c.requestSync({ verb: "create", group: "", resource: "pods", subresource: "binding", namespace: "default", name: p.metadata.name, body: { apiVersion: "v1", kind: "Binding", metadata: { name: p.metadata.name }, target: { name: "node-1" } } });
    expect(r.code).toBe(409);
    expect(checker.step()).toEqual([]);
    await c.stop();
  });

  it("podBoundAtMostOnce: two Bindings of one pod both answered 201", async () => {
    const unscheduled = { apiVersion: "v1", kind: "Pod", metadata: { name: "wait", namespace: "default" }, spec: { schedulerName: "nobody", containers: [{ name: "c", image: "nginx:1.27" }] } };
    const { c, checker } = await runningCluster([unscheduled]);
    expect(c.get("Pod", "wait", "default").spec.nodeName).toBeUndefined();
    for (const id of [1, 2]) forge(c, "scheduler", "apiserver", { type: "ApiRequest", id, verb: "create", group: "", resource: "pods", subresource: "binding", namespace: "default", name: "wait", body: { target: { name: `node-${id}` } } });
    for (const id of [1, 2]) forge(c, "apiserver", "scheduler", { type: "ApiResponse", id, ok: true, code: 201, object: {} });
    expect(checker.step().map((v) => v.message)).toEqual(["pods/binding of pod default/wait to node node-2 answered 201 after a Binding to node node-1 had succeeded: a second Binding must get 409 Conflict"]);
    await c.stop();
  });

  it("watchNeverSkipsWithout410: a watch resumed from an old resourceVersion jumps to the present", async () => {
    const { c, checker, startRevision } = await runningCluster();
    const p = runningPods(c, "node-1")[0];
    forge(c, "kubelet/node-1", "apiserver", { type: "ApiRequest", id: 99, verb: "watch", group: "", resource: "pods", watchId: 77, resourceVersion: String(startRevision) });
    forge(c, "apiserver", "kubelet/node-1", { type: "WatchEvent", watchId: 77, eventType: "MODIFIED", object: p });
    const got = checker.step().map((v) => v.message);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(new RegExp(`^kubelet/node-1 watch 77 on /pods: MODIFIED at resourceVersion ${p.metadata.resourceVersion} after ${startRevision}, but the Pod default/\\S+ change at \\d+ was never delivered and no 410 Gone ended the watch$`));
    // Ended with 410 Gone instead: nothing to report.
    forge(c, "kubelet/node-1", "apiserver", { type: "ApiRequest", id: 100, verb: "watch", group: "", resource: "pods", watchId: 78, resourceVersion: String(startRevision) });
    forge(c, "apiserver", "kubelet/node-1", { type: "WatchEvent", watchId: 78, eventType: "ERROR", object: { kind: "Status", code: 410, reason: "Expired" } });
    forge(c, "apiserver", "kubelet/node-1", { type: "WatchEvent", watchId: 78, eventType: "MODIFIED", object: p });
    expect(checker.step()).toEqual([]);
    await c.stop();
  });

  it("dependentDeletedOnlyAfterOwnerGone: the garbage collector deletes a pod whose ReplicaSet exists", async () => {
    const { c, checker } = await runningCluster();
    const p = runningPods(c, "node-1")[0];
    const rs = c.list("ReplicaSet")[0];
    forge(c, "garbage-collector", "apiserver", { type: "ApiRequest", id: 5, verb: "delete", group: "", resource: "pods", namespace: "default", name: p.metadata.name, body: { preconditions: { uid: p.metadata.uid } } });
    expect(checker.step().map((v) => v.message)).toEqual([`garbage-collector deleted Pod default/${p.metadata.name} while its owner ReplicaSet default/${rs.metadata.name} (uid ${rs.metadata.uid}) still exists in etcd`]);
    await c.stop();
  });

  it("containersStartOnlyWithPodIP: a container started in a sandbox whose CNI ADD did not return", async () => {
    const c = createCluster({ nodes: 1, seed: 4 });
    const { seen } = check(c, [containersStartOnlyWithPodIP]);
    // Hide every CNI ADD result from the invariant (as if the kubelet had not waited for it).
    const hooks = [...c.runtime.deliveryHooks];
    c.runtime.deliveryHooks.push((_from, _to, msg) => {
      if (msg.type === "CniAddResult") for (const h of hooks) h("kubelet/node-1", "cni/node-1", { type: "CniDel", id: 0, sandboxId: msg.sandboxId });
    });
    await c.apply([stubborn("p", "node-1", 30)]);
    await c.settle();
    expect(seen.map((v) => v.message)).toEqual([expect.stringMatching(/^kubelet\/node-1 started container c of pod default\/p on node-1 before sandbox \S+ had an IP \(no CNI ADD result for it\)$/)]);
    await c.stop();
  });

  it("podIPNotSharedByLiveSandboxes: CNI hands a live sandbox's IP to another", async () => {
    const { c, checker } = await runningCluster();
    const cri = c.runtime.snapshot("cri/node-1").context;
    const alloc: Record<string, string> = c.runtime.snapshot("cni/node-1").context.ipam.allocations;
    const [[ip1, s1], [, s2]] = Object.entries(alloc).filter(([, sb]) => cri.sandboxes.get(sb)?.lifecycle.value === "SANDBOX_READY");
    forge(c, "cni/node-1", "kubelet/node-1", { type: "CniAddResult", id: 1, sandboxId: s2, ok: true, ip: ip1, cidr: "24", gateway: "" });
    const got = checker.step().map((v) => v.message);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(new RegExp(`^${ip1!.replace(/\./g, "\\.")} on node-1 is held by 2 live sandboxes: ${s1} \\(pod default/\\S+\\), ${s2} \\(pod default/\\S+\\)$`));
    await c.stop();
  });

  it("gracePeriodHonoured: StopContainer with a timeout below the pod's grace period, and SIGKILL without StopContainer", async () => {
    const { c, checker } = await runningCluster([stubborn("slow", "node-1", 30)]);
    const [id, ctr] = [...c.runtime.snapshot("cri/node-1").context.containers.entries()][0]!;
    forge(c, "kubelet/node-1", "cri/node-1", { type: "StopContainer", id: 1, containerId: id, timeoutSeconds: 0, podIP: ctr.podIP });
    forge(c, "cri/node-1", "kubelet/node-1", { type: "ContainerExited", containerId: id, exitCode: 137, reason: "Error", startedAt: 0, finishedAt: c.runtime.now });
    forge(c, "cri/node-1", "kubelet/node-1", { type: "ContainerExited", containerId: "other", exitCode: 137, reason: "Error", startedAt: 0, finishedAt: c.runtime.now });
    expect(checker.step().map((v) => v.message)).toEqual([
      "kubelet/node-1 stopped container c of pod default/slow with timeoutSeconds 0, less than the pod's grace period of 30 s",
      "cri/node-1 SIGKILLed container c of pod default/slow 0 ms after StopContainer, before the pod's grace period of 30 s",
      "cri/node-1 SIGKILLed container other of pod (unknown pod) without a StopContainer (no grace period at all)",
    ]);
    await c.stop();
  });

  it("gracePeriodFloor follows setTerminationGracePeriod: deletion grace, else the spec's, a probe's own, never below 1 s", () => {
    const pod = (spec: any, meta: any = {}) => ({ metadata: meta, spec: { containers: [{ name: "c", ...spec.c }], ...spec.pod } });
    expect(gracePeriodFloor(pod({}), "c")).toBe(30);
    expect(gracePeriodFloor(pod({ pod: { terminationGracePeriodSeconds: 5 } }), "c")).toBe(5);
    expect(gracePeriodFloor(pod({ pod: { terminationGracePeriodSeconds: 60 } }, { deletionGracePeriodSeconds: 10 }), "c")).toBe(10);
    expect(gracePeriodFloor(pod({ pod: { terminationGracePeriodSeconds: 60 }, c: { livenessProbe: { terminationGracePeriodSeconds: 7 } } }), "c")).toBe(7);
    expect(gracePeriodFloor(pod({ pod: { terminationGracePeriodSeconds: 0 } }), "c")).toBe(1);
    expect(gracePeriodFloor(undefined, "c")).toBe(1);
  });

  it("terminatingPodNeverReadyEndpoint: an Endpoints written after the controller saw the pod terminating lists it ready", async () => {
    const { c, checker } = await runningCluster([...exampleObjects("deployment-service").filter((o) => o.kind === "Service"), { ...stubborn("slow", "node-1", 60), spec: { ...stubborn("slow", "node-1", 60).spec, containers: [{ ...stubborn("slow", "node-1", 60).spec.containers[0], ports: [{ name: "http-web", containerPort: 80 }] }] } }]);
    const pod = c.get("Pod", "slow", "default");
    const ep = c.get("Endpoints", "web", "default");
    expect(ep.subsets[0].addresses.map((a: any) => a.ip)).toEqual([pod.status.podIP]);
    // The deletion reaches the controller; the pod stays terminating for its grace period.
    c.runtime.send("kubectl", "apiserver", { type: "ApiRequest", id: 7, token: c.adminToken, verb: "delete", group: "", resource: "pods", namespace: "default", name: "slow" });
    c.runtime.drainMessages();
    expect(c.get("Pod", "slow", "default").metadata.deletionTimestamp).toBeDefined();
    expect(checker.step()).toEqual([]);
    const nextId: number = c.runtime.snapshot("endpoints-controller").context.client.nextId;
    forge(c, "endpoints-controller", "apiserver", { type: "ApiRequest", id: nextId, verb: "update", group: "", resource: "endpoints", namespace: "default", name: "web", body: ep });
    expect(checker.step().map((v) => v.message)).toEqual([`endpoints-controller wrote Endpoints default/web listing ${pod.status.podIP} (pod uid ${pod.metadata.uid}) as ready after it received the pod terminating`]);
    await c.stop();
  });

  it("noExecuteTaintEvictsWithinTolerationSeconds: a pod left on a node whose NoExecute taint it does not tolerate", () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    const check = noExecuteTaintEvictsWithinTolerationSeconds.create(c.runtime);
    const taint = { key: "example.com/drain", effect: "NoExecute" };
    const node = { metadata: { name: "node-1", uid: "n1" }, spec: { taints: [taint] } };
    const pod = (tolerations: any[]) => ({ metadata: { name: "p", namespace: "default", uid: "p1" }, spec: { nodeName: "node-1", tolerations }, status: { phase: "Running" } });
    let pods = [pod([])];
    const world = { list: (k: string) => (k === "Node" ? [node] : k === "Pod" ? pods : []), etcdRevision: () => 5 };
    expect(check.step!(world)).toEqual([]);
    c.advance(60_000);
    expect(check.step!(world)).toEqual([]);
    c.advance(1_000);
    expect(check.step!(world).map((v) => v.message)).toEqual(["pod default/p is still on node node-1 61 s after the NoExecute taint example.com/drain, which it tolerates for 0 s, and is not being deleted"]);
    // Tolerated for 120 s: it may stay 120 s plus the slack.
    const d = createCluster({ nodes: 1, seed: 1 });
    const check2 = noExecuteTaintEvictsWithinTolerationSeconds.create(d.runtime);
    pods = [pod([{ key: "example.com/drain", operator: "Exists", effect: "NoExecute", tolerationSeconds: 120 }])];
    expect(check2.step!(world)).toEqual([]);
    d.advance(180_000);
    expect(check2.step!(world)).toEqual([]);
    d.advance(1_000);
    expect(check2.step!(world)).toHaveLength(1);
    void c.stop();
    void d.stop();
  });
});
