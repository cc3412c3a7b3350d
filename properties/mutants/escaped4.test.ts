// The fifth round of mutants (bugs in etcd, the watch cache, the scheduler's preemption, host-local
// IPAM, the container runtime, StatefulSet identity, node lifecycle, the garbage collector, the
// namespace controller): each is reported by an invariant in a
// small seeded run, and the run is silent with the mutant off. Expectations come from Kubernetes'
// rules (only lower-priority victims, a pod IP inside its node's podCIDR, containerd's
// Completed/Error by exit code, a StatefulSet pod's hostname and subdomain, a watch resumed from a
// resourceVersion sees only later events, a create never replaces a live object, a pod on a node
// that is merely unreachable stays Terminating), not from the code under test.

import { afterEach, describe, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { InvariantChecker, invariantNames, invariants, type Violation } from "../invariants/index.js";
import { shapedNodes } from "../run.js";

const names = ["preemptionEvictsOnlyLowerPriority", "podIPInsideNodePodCIDR", "containerTerminatedReasonMatchesExitCode", "statefulSetPodHasStableNetworkIdentity", "watchNeverSkipsOrRepeats", "objectMetaImmutableOnUpdate", "podRemovedOnlyAfterContainersStopped", "nodeMarkedUnknownOnlyPastGracePeriod", "orphanFinalizerRemovedOnlyAfterKnownDependentsReleased", "foregroundFinalizerRemovedOnlyAfterKnownBlockingDependentsGone"];
const round = invariants.filter((s) => names.includes(s.name));

function check(c: Cluster): Violation[] {
  const checker = new InvariantChecker(c.runtime, round);
  const seen: Violation[] = [];
  c.runtime.observers.push(() => void seen.push(...checker.step()));
  return seen;
}

const small = { requests: { cpu: "10m", memory: "16Mi" } };
const sleeper = (name: string, resources: any = small) => ({ name, image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], resources });
const pod = (name: string, spec: any) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" }, spec: { terminationGracePeriodSeconds: 2, ...spec } });
const big = { requests: { cpu: "3", memory: "64Mi" } };
const high = { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "high" }, value: 1000 };
const set = {
  apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db", namespace: "default" },
  spec: { serviceName: "db", replicas: 2, selector: { matchLabels: { app: "db" } }, template: { metadata: { labels: { app: "db" } }, spec: { terminationGracePeriodSeconds: 2, containers: [sleeper("c")] } } },
};
const keep = { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "keep", namespace: "default" }, spec: { replicas: 2, selector: { matchLabels: { app: "keep" } }, template: { metadata: { labels: { app: "keep" } }, spec: { terminationGracePeriodSeconds: 2, containers: [sleeper("c")] } } } };
const front = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "front", namespace: "default" }, spec: { replicas: 2, selector: { matchLabels: { app: "front" } }, template: { metadata: { labels: { app: "front" } }, spec: { terminationGracePeriodSeconds: 10, containers: [sleeper("c")] } } } };
const headless = { apiVersion: "v1", kind: "Service", metadata: { name: "db", namespace: "default" }, spec: { clusterIP: "None", selector: { app: "db" }, ports: [{ port: 80 }] } };
// short pods, two at a time, through each node's 5 addresses (a /29) more than twice
const churn = {
  apiVersion: "batch/v1", kind: "Job", metadata: { name: "churn", namespace: "default" },
  spec: { completions: 12, parallelism: 2, template: { spec: { restartPolicy: "Never", terminationGracePeriodSeconds: 2, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 1; exit 0"], resources: small }] } } },
};

/** Two nodes of 4 cpu with a /29 each: big pods that fill them, one preempting for high priority, a StatefulSet, churn, a pod killed at the end of its grace, broken watches. */
async function ordinaryRun(c: Cluster): Promise<void> {
  await c.apply([high, headless, set, churn, keep, front, pod("stubborn", { containers: [sleeper("c")] }), pod("big-a", { containers: [sleeper("c", big)] }), pod("big-b", { containers: [sleeper("c", big)] })]);
  await c.settle();
  c.advance(5_000);
  // a third big pod of the same priority waits; one of high priority preempts a big one
  await c.apply([pod("big-c", { containers: [sleeper("c", big)] }), pod("vip", { priorityClassName: "high", containers: [sleeper("c", big)] })]);
  // busybox's sleep ignores SIGTERM: killed (137) when its grace period ends
  await c.delete("Pod", "stubborn", "default");
  // kubectl delete --cascade=orphan: the ReplicaSet goes, its pods stay, released
  await c.delete("ReplicaSet", "keep", "default", { propagationPolicy: "Orphan" });
  // kubectl delete --cascade=foreground: the Deployment and its ReplicaSet wait for the pods' 10 s grace
  await c.delete("Deployment", "front", "default", { propagationPolicy: "Foreground" });
  for (let i = 0; i < 8; i++) {
    // broken watch streams: each client resumes from the last resourceVersion it saw
    c.runtime.post("runtime", "apiserver", { type: "DisconnectWatch", pick: (i + 0.5) / 8 });
    c.advance(3_000);
    await c.settle();
  }
  // a create of a Service that exists must be refused, not replace it
  const again = c.requestSync({ verb: "create", group: "", resource: "services", namespace: "default", body: structuredClone(headless) });
  expect(again.ok ? 201 : again.code).toBe(409);
  // past the node monitor's grace period: the kubelets renew their Leases, their status unchanged
  c.advance(90_000);
  await c.settle();
}

// The ordinary run's seed, shared by the mutant runs so that silence and report come from the same
// interleaving. Seed 5 stopped reaching the churn's 12th completion once the token cleaner and the
// bootstrap signer joined (a churn pod on a node whose /29 was full stayed ContainerCreating);
// seed 6 reaches every case the round judges.
const SEED = 6;

afterEach(() => setMutants([]));

describe("the fifth round's invariants", () => {
  it("are in the registry", () => {
    expect(invariantNames()).toEqual(expect.arrayContaining(names));
    expect(round.length).toBe(names.length);
  });

  it("hold on an ordinary run, which reaches what they judge", async () => {
    const c = createCluster({ nodes: shapedNodes(2, { cpu: "4", memory: "16Gi", pods: 20, podCIDRPrefix: 29 }), seed: SEED });
    const seen = check(c);
    await ordinaryRun(c);
    expect(seen.map((v) => v.message)).toEqual([]);
    // the run reached what the round judges: a true preemption, the churn through every address, the StatefulSet, the killed pod
    expect(c.events().some((e: any) => e.reason === "Preempted")).toBe(true);
    expect(c.get("Pod", "vip", "default").spec.nodeName).toBeTruthy();
    expect(c.get("Job", "churn", "default").status.succeeded).toBe(12);
    expect(c.get("Pod", "db-1", "default").status.phase).toBe("Running");
    expect(c.get("Pod", "stubborn", "default")).toBeUndefined();
    expect(c.get("Deployment", "front", "default")).toBeUndefined();
    expect(c.list("Pod").filter((p: any) => p.metadata.labels?.app === "front")).toEqual([]);
    const kept = c.list("Pod").filter((p: any) => p.metadata.labels?.app === "keep");
    expect(kept.map((p: any) => [p.status.phase, p.metadata.ownerReferences ?? []])).toEqual([["Running", []], ["Running", []]]);
    expect(c.list("Node").map((n: any) => n.status.conditions.find((k: any) => k.type === "Ready").status)).toEqual(["True", "True"]);
    await c.stop();
  }, 60_000);

  const caught: Array<[string, string]> = [
    ["scheduler.preempts-equal-priority", "preemptionEvictsOnlyLowerPriority"],
    ["ipam.hands-out-broadcast", "podIPInsideNodePodCIDR"],
    ["cri.sigkill-exit-zero", "containerTerminatedReasonMatchesExitCode"],
    ["statefulset.pod-without-subdomain", "statefulSetPodHasStableNetworkIdentity"],
    ["watchcache.resume-repeats-event", "watchNeverSkipsOrRepeats"],
    // the repeated create is answered 201 (the run's expectation throws), and the stored Service changed its uid
    ["etcd.version-compare-reads-lease", "objectMetaImmutableOnUpdate"],
    ["nodelifecycle.ignores-lease-renewal", "nodeMarkedUnknownOnlyPastGracePeriod"],
    ["gc.orphan-keeps-owner-references", "orphanFinalizerRemovedOnlyAfterKnownDependentsReleased"],
    ["gc.foreground-terminating-dependent-gone", "foregroundFinalizerRemovedOnlyAfterKnownBlockingDependentsGone"],
  ];
  // The API server answers three of the namespace controller's lists of the pods left with an error
  // (500, as an etcd timeout makes): the controller must count that as not known empty and look
  // again (the deleter returns the error and the namespace is requeued), not finalize.
  for (const on of [false, true]) {
    it(`namespaceRemovedOnlyWhenEmpty ${on ? "reports" : "is silent without"} the mutant namespace.list-error-counts-as-empty`, async () => {
      if (on) setMutants(["namespace.list-error-counts-as-empty"]);
      const c = createCluster({ nodes: 1, seed: 5 });
      const invariant = invariants.filter((s) => s.name === "namespaceRemovedOnlyWhenEmpty");
      const checker = new InvariantChecker(c.runtime, invariant);
      const seen: Violation[] = [];
      c.runtime.observers.push(() => void seen.push(...checker.step()));
      await c.apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name: "scratch" } }, { ...pod("w", { terminationGracePeriodSeconds: 20, containers: [sleeper("c")] }), metadata: { name: "w", namespace: "scratch" } }]);
      await c.settle();
      const lists = new Set<number>();
      let failed = 0;
      c.runtime.sendHook = (from, to, msg) => {
        if (from === "namespace-controller" && msg.type === "ApiRequest" && msg.verb === "list" && msg.resource === "pods" && msg.namespace === "scratch") lists.add(msg.id);
        if (from !== "apiserver" || to !== "namespace-controller" || msg.type !== "ApiResponse" || !lists.has(msg.id) || failed >= 3) return false;
        failed++;
        c.runtime.post(from, to, { type: "ApiResponse", id: msg.id, ok: false, code: 500, status: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "etcdserver: request timed out", reason: "InternalError", code: 500 } });
        return true;
      };
      await c.delete("Namespace", "scratch");
      c.advance(60_000);
      await c.settle();
      const gone = c.get("Namespace", "scratch") === undefined;
      await c.stop();
      expect(failed).toBeGreaterThan(0);
      expect(gone).toBe(true);
      expect(seen.map((v) => v.invariant)).toEqual(on ? expect.arrayContaining(["namespaceRemovedOnlyWhenEmpty"]) : []);
    }, 60_000);
  }

  for (const [mutantName, invariant] of caught) {
    it(`${invariant} reports the mutant ${mutantName}`, async () => {
      setMutants([mutantName]);
      const c = createCluster({ nodes: shapedNodes(2, { cpu: "4", memory: "16Gi", pods: 20, podCIDRPrefix: 29 }), seed: SEED });
      const seen = check(c);
      await ordinaryRun(c).catch(() => undefined);
      await c.stop();
      expect(seen.map((v) => v.invariant)).toContain(invariant);
    }, 60_000);
  }
});
