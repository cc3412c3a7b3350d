// The seventh round of mutants: bugs in the ReplicaSet's deletion ranking, DefaultTolerationSeconds
// and Priority admission, the namespace controller's groups, the DaemonSet's nodeSelector, the
// StatefulSet's update order, watch selections and named ports. Each invariant is silent on a small
// seeded run that reaches what it judges and reports its mutant there. Expectations come from
// Kubernetes' rules (not-ready pods deleted first, tolerationSeconds 300 by default, spec.priority
// the class's value, a namespace removed only when empty, daemon pods only on selected nodes, the
// highest ordinal updated first), not from the code under test.

import { afterEach, describe, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { InvariantChecker, invariantNames, invariants, type Violation } from "../invariants/index.js";

const newNames = ["replicaSetDeletesLowestRankedPods", "defaultTolerationSecondsAdded", "podPriorityMatchesPriorityClass", "daemonSetPodsOnlyOnSelectedNodes", "statefulSetUpdatesFromHighestOrdinal", "endpointSlicePortsMatchTargetPort", "generationChangesOnlyWithSpec"];
const names = [...newNames, "namespaceRemovedOnlyWhenEmpty"];
const round = invariants.filter((s) => names.includes(s.name));

function check(c: Cluster, specs = round): Violation[] {
  const checker = new InvariantChecker(c.runtime, specs);
  const seen: Violation[] = [];
  c.runtime.observers.push(() => void seen.push(...checker.step()));
  return seen;
}

const small = { requests: { cpu: "10m", memory: "16Mi" } };
// busybox's sleep ignores SIGTERM; nginx answers its readiness probe once the initial delay is over
const sleeper = () => ({ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"], resources: small });
const nginx = (delay: number) => ({ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80, name: "http" }], resources: small, readinessProbe: { httpGet: { path: "/", port: 80 }, initialDelaySeconds: delay, periodSeconds: 1 } });
const template = (app: string, container: any) => ({ metadata: { labels: { app } }, spec: { terminationGracePeriodSeconds: 2, containers: [container] } });
const high = { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "high" }, value: 1000 };
const vip = { apiVersion: "v1", kind: "Pod", metadata: { name: "vip", namespace: "default" }, spec: { priorityClassName: "high", terminationGracePeriodSeconds: 2, containers: [sleeper()] } };
const front = { apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "front", namespace: "default" }, spec: { replicas: 2, selector: { matchLabels: { app: "front" } }, template: template("front", sleeper()) } };
// Running, never Ready: nginx does not listen on port 81
const lame = { apiVersion: "v1", kind: "Pod", metadata: { name: "lame", namespace: "default", labels: { app: "lame" } }, spec: { terminationGracePeriodSeconds: 2, containers: [{ ...nginx(0), readinessProbe: { httpGet: { path: "/", port: 81 }, periodSeconds: 1 } }] } };
const agent = { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "agent", namespace: "default" }, spec: { selector: { matchLabels: { app: "agent" } }, template: { ...template("agent", sleeper()), spec: { ...template("agent", sleeper()).spec, nodeSelector: { "kubernetes.io/hostname": "node-1" } } } } };
const db = { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db", namespace: "default" }, spec: { serviceName: "db", replicas: 3, selector: { matchLabels: { app: "db" } }, template: template("db", nginx(1)) } };
// port 8080 of the Service is the pods' container port named http (80)
const dbService = { apiVersion: "v1", kind: "Service", metadata: { name: "db", namespace: "default" }, spec: { selector: { app: "db" }, ports: [{ port: 8080, targetPort: "http" }] } };
const scratch = { apiVersion: "v1", kind: "Namespace", metadata: { name: "scratch" } };
const scratchWeb = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "scratch-web", namespace: "scratch" }, spec: { replicas: 1, selector: { matchLabels: { app: "scratch" } }, template: template("scratch", sleeper()) } };

const tick = async (c: Cluster, ms: number, times: number) => {
  for (let i = 0; i < times; i++) {
    c.advance(ms);
    await c.settle();
  }
};

/** A ReplicaSet adopting a pod that is not Ready, a pod of a PriorityClass, a DaemonSet for node-1 only, a StatefulSet behind a Service rolled out, a namespace with a Deployment deleted. */
async function ordinaryRun(c: Cluster): Promise<void> {
  await c.apply([high, vip, front, lame, agent, db, dbService, scratch, scratchWeb]);
  await tick(c, 1_000, 15);
  // kubectl label pod lame app=front --overwrite: the ReplicaSet adopts it and has one pod too
  // many; the one not Ready is the one to go
  await c.request({ verb: "patch", group: "", resource: "pods", namespace: "default", name: "lame", patchType: "merge", body: { metadata: { labels: { app: "front" } } } });
  // kubectl rollout restart statefulset db: pods replaced db-2, db-1, db-0
  await c.request({ verb: "patch", group: "apps", resource: "statefulsets", namespace: "default", name: "db", patchType: "merge", body: { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "1" } } } } } });
  await c.delete("Namespace", "scratch");
  await tick(c, 1_000, 40);
  // kubectl annotate replicaset front note=x: an update of metadata only, no new generation (the
  // run has no other: the Deployment controller writes its revision annotation through /status)
  await c.request({ verb: "patch", group: "apps", resource: "replicasets", namespace: "default", name: "front", patchType: "merge", body: { metadata: { annotations: { note: "x" } } } });
  await tick(c, 1_000, 2);
}

afterEach(() => setMutants([]));

describe("the seventh round's invariants", () => {
  it("are in the registry", () => {
    expect(invariantNames()).toEqual(expect.arrayContaining(names));
    expect(round.length).toBe(names.length);
  });

  it("hold on an ordinary run, which reaches what they judge", async () => {
    const c = createCluster({ nodes: 2, seed: 7 });
    const seen = check(c);
    await ordinaryRun(c);
    expect(seen.map((v) => v.message)).toEqual([]);
    const ready = (p: any) => (p.status?.conditions ?? []).some((k: any) => k.type === "Ready" && k.status === "True");
    const fronts = c.list("Pod").filter((p: any) => p.metadata.labels?.app === "front");
    expect(fronts.length).toBe(2);
    expect(fronts.every(ready)).toBe(true);
    expect(c.get("Pod", "lame", "default")).toBeUndefined();
    expect(c.get("Pod", "vip", "default").spec.priority).toBe(1000);
    expect(c.get("Pod", "vip", "default").spec.tolerations).toEqual(expect.arrayContaining([
      { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
    ]));
    expect(c.list("Pod").filter((p: any) => p.metadata.labels?.app === "agent").map((p: any) => p.spec.nodeName)).toEqual(["node-1"]);
    const db = c.get("StatefulSet", "db", "default");
    expect(db.status.updatedReplicas).toBe(3);
    const slices = c.list("EndpointSlice").filter((x: any) => x.metadata.labels?.["kubernetes.io/service-name"] === "db");
    expect(slices.map((x: any) => x.ports.map((p: any) => p.port))).toEqual([[80]]);
    expect(c.get("Namespace", "scratch")).toBeUndefined();
    expect(c.list("Deployment").filter((d: any) => d.metadata.namespace === "scratch")).toEqual([]);
    await c.stop();
  }, 120_000);

  const caught: Array<[string, string]> = [
    ["replicaset.ranks-ready-first", "replicaSetDeletesLowestRankedPods"],
    ["apiserver.default-toleration-without-seconds", "defaultTolerationSecondsAdded"],
    ["apiserver.priority-ignores-class-name", "podPriorityMatchesPriorityClass"],
    ["daemonset.ignores-node-selector", "daemonSetPodsOnlyOnSelectedNodes"],
    ["statefulset.updates-lowest-ordinal-first", "statefulSetUpdatesFromHighestOrdinal"],
    ["namespace.empties-core-group-only", "namespaceRemovedOnlyWhenEmpty"],
    ["endpointslice.named-port-int-value", "endpointSlicePortsMatchTargetPort"],
    ["apiserver.generation-bumped-on-annotation-change", "generationChangesOnlyWithSpec"],
  ];
  for (const [mutantName, invariant] of caught) {
    it(`${invariant} reports the mutant ${mutantName}`, async () => {
      setMutants([mutantName]);
      const c = createCluster({ nodes: 2, seed: 7 });
      const seen = check(c);
      await ordinaryRun(c).catch(() => undefined);
      await c.stop();
      expect(seen.map((v) => v.invariant)).toContain(invariant);
    }, 120_000);
  }
});
