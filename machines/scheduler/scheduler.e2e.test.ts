// The scheduler through createCluster: node affinity terms that do not parse, scheduling gates and
// nominated pods. Expectations from Kubernetes' docs and source (component-helpers nodeaffinity,
// concepts/scheduling-eviction/pod-scheduling-readiness, the nominator in RunFilterPluginsWithNominatedPods).

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../index.js";
import { schedulerFilter } from "../../semantics.js";
import { runFiltersWithNominatedPods, runPreFilter } from "./semantics.js";
import { newNodeInfo } from "./framework.js";
import { podSummary } from "../../runtime/printers.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});
function cluster(opts: Parameters<typeof createCluster>[0]): Cluster {
  const c = createCluster(opts);
  clusters.push(c);
  return c;
}
const node = (name: string, cpu: string, labels: Record<string, string> = {}) => ({
  apiVersion: "v1", kind: "Node",
  metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } },
  status: { capacity: { cpu, memory: "16Gi", pods: "110" }, allocatable: { cpu, memory: "16Gi", pods: "110" }, conditions: [{ type: "Ready", status: "True" }] },
});
const pod = (name: string, spec: any = {}, cpu = "100m") => ({
  apiVersion: "v1", kind: "Pod", metadata: { name },
  spec: { containers: [{ name: "app", image: "registry.k8s.io/pause:3.10", resources: { requests: { cpu } } }], ...spec },
});
const scheduled = (c: Cluster, name: string) => c.get("Pod", name, "default")?.status?.conditions?.find((x: any) => x.type === "PodScheduled");

describe("node affinity: a term whose requirement does not parse matches no node", () => {
  const affinity = (values: string[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "NotIn", values }] }] } } } });

  it("the API server refuses a new pod whose required term has a value that is no label value (AllowInvalidLabelValueInRequiredNodeAffinity is false)", async () => {
    const c = cluster({ nodes: [node("node-1", "4", { zone: "a" })], seed: 3 });
    await expect(c.apply(pod("bad", affinity(["not a label value"])))).rejects.toThrow(/values\[0\]: Invalid value: "not a label value": a valid label must be an empty string/);
    expect(c.get("Pod", "bad", "default")).toBeUndefined();
  });

  it("the default profile's filter (pods stored before that validation) does not match such a term, and matches it with a valid value", () => {
    const n = node("node-1", "4", { zone: "b" }) as any;
    expect(schedulerFilter(pod("bad", affinity(["not a label value"])) as any, n, [])).toEqual({ fit: false, code: "UnschedulableAndUnresolvable", reasons: ["node(s) didn't match Pod's node affinity/selector"] });
    expect(schedulerFilter(pod("good", affinity(["a"])) as any, n, []).fit).toBe(true);
  });
});

describe("scheduling gates (concepts/scheduling-eviction/pod-scheduling-readiness)", () => {
  const gated = `
apiVersion: v1
kind: Pod
metadata:
  name: test-pod
spec:
  schedulingGates:
  - name: example.com/foo
  - name: example.com/bar
  containers:
  - name: pause
    image: registry.k8s.io/pause:3.6
`;
  const ungated = `
apiVersion: v1
kind: Pod
metadata:
  name: test-pod
spec:
  containers:
  - name: pause
    image: registry.k8s.io/pause:3.6
`;

  it("a gated pod stays Pending, SchedulingGated, without a FailedScheduling event, until its gates are removed; then it runs", async () => {
    const c = cluster({ nodes: 2, seed: 4 });
    await c.apply(gated);
    await c.settle();
    c.advance(60_000);
    const p = c.get("Pod", "test-pod", "default");
    expect(p.spec.nodeName).toBeUndefined();
    expect(p.status.phase).toBe("Pending");
    expect(p.spec.schedulingGates).toEqual([{ name: "example.com/foo" }, { name: "example.com/bar" }]);
    expect(scheduled(c, "test-pod")).toMatchObject({ status: "False", reason: "SchedulingGated", message: "Scheduling is blocked due to non-empty scheduling gates" });
    expect(podSummary(p, c.now()).status).toBe("SchedulingGated");
    expect(c.events().filter((e: any) => e.reason === "FailedScheduling" || e.reason === "Scheduled")).toEqual([]);

    // Removing one gate keeps it gated; removing the last lets the scheduler in.
    const one = c.requestSync({ verb: "patch", group: "", resource: "pods", namespace: "default", name: "test-pod", patchType: "json", body: [{ op: "remove", path: "/spec/schedulingGates/0" }] });
    expect(one.ok).toBe(true);
    c.advance(10_000);
    expect(c.get("Pod", "test-pod", "default").spec.nodeName).toBeUndefined();
    expect(scheduled(c, "test-pod")?.reason).toBe("SchedulingGated");
    await c.apply(ungated);
    c.advance(30_000);
    const after = c.get("Pod", "test-pod", "default");
    expect(after.spec.schedulingGates).toBeUndefined();
    expect(after.spec.nodeName).toMatch(/^node-/);
    expect(after.status.phase).toBe("Running");
    expect(scheduled(c, "test-pod")).toMatchObject({ status: "True" });
    expect(c.events().filter((e: any) => e.reason === "FailedScheduling")).toEqual([]);
    expect(c.events().filter((e: any) => e.reason === "Scheduled")).toHaveLength(1);
  });

  it("a gate cannot be added after creation (only deletion is allowed), nor to a pod created without gates", async () => {
    const c = cluster({ nodes: [node("node-1", "4")], seed: 5 });
    await c.apply(gated);
    await c.settle();
    const add = c.requestSync({ verb: "patch", group: "", resource: "pods", namespace: "default", name: "test-pod", patchType: "json", body: [{ op: "add", path: "/spec/schedulingGates/-", value: { name: "example.com/baz" } }] });
    expect(add.ok).toBe(false);
    expect(add.ok ? "" : add.status.message).toBe(`Pod "test-pod" is invalid: spec.schedulingGates[2].name: Forbidden: only deletion is allowed, but found new scheduling gate 'example.com/baz'`);
  });

  it("an unschedulable pod that is gated gets no FailedScheduling until ungated; then it gets one", async () => {
    const c = cluster({ nodes: [node("node-1", "1")], seed: 6 });
    await c.apply(pod("big", { schedulingGates: [{ name: "example.com/foo" }] }, "2"));
    await c.settle();
    c.advance(30_000);
    expect(c.events().filter((e: any) => e.reason === "FailedScheduling")).toEqual([]);
    const r = c.requestSync({ verb: "patch", group: "", resource: "pods", namespace: "default", name: "big", patchType: "json", body: [{ op: "remove", path: "/spec/schedulingGates" }] });
    expect(r.ok).toBe(true);
    c.advance(5_000);
    expect(scheduled(c, "big")).toMatchObject({ status: "False", reason: "Unschedulable" });
    // 2 cpu is more than the node allocates: NodeResourcesFit says UnschedulableAndUnresolvable.
    expect(c.events().filter((e: any) => e.reason === "FailedScheduling").map((e: any) => e.message)).toEqual(["0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."]);
  });
});

describe("nominated pods count during filtering (RunFilterPluginsWithNominatedPods)", () => {
  it("the room preemption frees on the nominated node stays the preemptor's: the victim's replacement waits, and one victim is enough", async () => {
    const c = cluster({ nodes: [node("node-1", "2")], seed: 8 });
    await c.apply({
      apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "filler" },
      spec: { replicas: 2, selector: { matchLabels: { app: "filler" } }, template: { metadata: { labels: { app: "filler" } }, spec: { terminationGracePeriodSeconds: 0, containers: [{ name: "app", image: "nginx", resources: { requests: { cpu: "1" } } }] } } },
    });
    // With no grace period the victim is gone at once and its replacement is created while the
    // preemptor is still in its back-off: only the nomination keeps the room for the preemptor.
    await c.settle();
    await c.apply({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "high" }, value: 1000 });
    await c.apply(pod("urgent", { priorityClassName: "high" }, "1"));
    c.advance(120_000);
    const urgent = c.get("Pod", "urgent", "default");
    expect(urgent.spec.nodeName).toBe("node-1");
    expect(urgent.status.phase).toBe("Running");
    const fillers = c.list("Pod", { namespace: "default", labelSelector: "app=filler" }).filter((p: any) => !p.metadata.deletionTimestamp);
    expect(fillers.filter((p: any) => p.spec.nodeName === "node-1")).toHaveLength(1);
    const waiting = fillers.filter((p: any) => !p.spec.nodeName);
    expect(waiting).toHaveLength(1);
    expect(c.events().filter((e: any) => e.reason === "Preempted")).toHaveLength(1);
  });

  it("a lower-priority pod is kept off the nominated node's reserved room; an equal- or higher-priority nominated pod counts, a lower one does not", () => {
    const n = node("node-1", "2") as any;
    const on = (name: string, cpu: string, priority = 0) => ({ ...pod(name, { priority, nodeName: "node-1" }, cpu), metadata: { name, uid: name } }) as any;
    const nominated = (name: string, cpu: string, priority: number) => ({ ...pod(name, { priority }, cpu), metadata: { name, uid: name }, status: { nominatedNodeName: "node-1" } }) as any;
    const running = [on("a", "1")];
    const incoming = { ...pod("new", { priority: 10 }, "1"), metadata: { name: "new", uid: "new" } } as any;
    const filter = (noms: any[]) => {
      const pre = runPreFilter(incoming, [newNodeInfo(n, running)]);
      return runFiltersWithNominatedPods(pre, incoming, newNodeInfo(n, running), noms).code;
    };
    expect(filter([])).toBe("Success");
    expect(filter([nominated("hi", "1", 100)])).toBe("Unschedulable");
    expect(filter([nominated("same", "1", 10)])).toBe("Unschedulable");
    expect(filter([nominated("lo", "1", 5)])).toBe("Success");
    // The pod itself, nominated, does not reserve room against itself.
    expect(filter([{ ...incoming, status: { nominatedNodeName: "node-1" } }])).toBe("Success");
  });
});

describe("the victim search counts nominated pods (SelectVictimsOnNode with RunFilterPluginsWithNominatedPods)", () => {
  it("a second, lower-priority preemptor does not take the room a first one is nominated to: it evicts the pod the first one spared", async () => {
    const c = cluster({ nodes: [node("node-1", "2")], seed: 12 });
    // sh as PID 1 ignores SIGTERM: a victim stays terminating for its whole grace period (60 s).
    const low = (name: string) => ({ ...pod(name, {}, "1"), spec: { terminationGracePeriodSeconds: 60, containers: [{ name: "app", image: "busybox", command: ["sh", "-c", "sleep 3600"], resources: { requests: { cpu: "1" } } }] } });
    await c.apply(low("low-1"));
    c.advance(5_000);
    await c.apply(low("low-2"));
    await c.settle();
    await c.apply({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "high" }, value: 1000 });
    await c.apply({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "mid" }, value: 500 });
    // high preempts one pod: low-2 (started later, so less important); low-1 is reprieved.
    await c.apply(pod("high", { priorityClassName: "high" }, "1"));
    c.advance(3_000);
    expect(c.get("Pod", "high", "default").status.nominatedNodeName).toBe("node-1");
    expect(c.get("Pod", "low-2", "default").metadata.deletionTimestamp).toBeDefined();
    expect(c.get("Pod", "low-1", "default").metadata.deletionTimestamp).toBeUndefined();
    // mid must count high's nomination: low-2's room is high's, so mid needs low-1's too.
    await c.apply(pod("mid", { priorityClassName: "mid" }, "1"));
    c.advance(3_000);
    expect(c.get("Pod", "mid", "default").status.nominatedNodeName).toBe("node-1");
    expect(c.get("Pod", "low-1", "default").metadata.deletionTimestamp).toBeDefined();
    c.advance(120_000);
    expect(["high", "mid"].map((n) => [c.get("Pod", n, "default").spec.nodeName, c.get("Pod", n, "default").status.phase])).toEqual([["node-1", "Running"], ["node-1", "Running"]]);
    expect(c.get("Pod", "low-1", "default")).toBeUndefined();
    expect(c.get("Pod", "low-2", "default")).toBeUndefined();
  });
});

describe("a nomination preemption can no longer serve is cleared", () => {
  it("a preemptor whose nominated node becomes unresolvable (a taint it does not tolerate) loses its nominatedNodeName", async () => {
    const c = cluster({ nodes: [node("node-1", "2")], seed: 10 });
    // sh as PID 1 has no SIGTERM handler: the victim stays terminating for its whole grace period.
    await c.apply({ ...pod("low", { terminationGracePeriodSeconds: 120 }, "2"), spec: { terminationGracePeriodSeconds: 120, containers: [{ name: "app", image: "busybox", command: ["sh", "-c", "sleep 3600"], resources: { requests: { cpu: "2" } } }] } });
    await c.settle();
    await c.apply({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "high" }, value: 1000 });
    await c.apply(pod("urgent", { priorityClassName: "high" }, "1"));
    c.advance(3_000);
    expect(c.get("Pod", "urgent", "default").status.nominatedNodeName).toBe("node-1");
    expect(c.get("Pod", "low", "default").metadata.deletionTimestamp).toBeDefined();
    const r = c.requestSync({ verb: "patch", group: "", resource: "nodes", name: "node-1", patchType: "merge", body: { spec: { taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] } } });
    expect(r.ok).toBe(true);
    // NodeResourcesFit rejected it, and a taint is no event that plugin registers (QueueingHints):
    // the pod waits, still nominated, until the victim's deletion frees the room
    c.advance(15_000);
    expect(c.get("Pod", "urgent", "default").status.nominatedNodeName).toBe("node-1");
    c.advance(120_000);
    expect(c.get("Pod", "low", "default")).toBeUndefined();
    const urgent = c.get("Pod", "urgent", "default");
    expect(urgent.spec.nodeName).toBeUndefined();
    expect(urgent.status.nominatedNodeName).toBeUndefined();
    expect(scheduled(c, "urgent")?.message).toBe("0/1 nodes are available: 1 node(s) had untolerated taint(s). preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.");
  });
});

// prepareCandidate (pkg/scheduler/framework/preemption): each victim gets DisruptionTarget True, reason
// PreemptionByScheduler, "<schedulerName>: preempting to accommodate a higher priority pod", before its DELETE;
// PodEligibleToPreemptOthers then holds the preemptor back while such a victim is still terminating.
describe("preemption marks its victims (prepareCandidate)", () => {
  it("the victim, terminating, carries DisruptionTarget PreemptionByScheduler while the preemptor waits nominated", async () => {
    const c = cluster({ nodes: [node("node-1", "2")], seed: 4 });
    // sleep as PID 1 ignores SIGTERM: the victim stays terminating for its 30-second grace period
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "low" }, spec: { terminationGracePeriodSeconds: 30, containers: [{ name: "app", image: "busybox", command: ["sleep", "3600"], resources: { requests: { cpu: "2" } } }] } });
    await c.settle();
    await c.apply({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "high" }, value: 1000 });
    await c.apply(pod("urgent", { priorityClassName: "high" }, "2"));
    c.advance(2_000);
    const low = c.get("Pod", "low", "default");
    expect(low.metadata.deletionTimestamp).toBeDefined();
    expect(low.status.conditions).toContainEqual(expect.objectContaining({
      type: "DisruptionTarget", status: "True", reason: "PreemptionByScheduler", message: "default-scheduler: preempting to accommodate a higher priority pod",
    }));
    expect(c.get("Pod", "urgent", "default").status.nominatedNodeName).toBe("node-1");
  });
});
