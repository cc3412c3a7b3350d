import { describe, expect, it } from "vitest";
import { notConverged } from "./liveness.js";

const view = (pods: any[], events: any[] = [], nodes: any[] = []) => ({ list: (kind: string) => (kind === "Pod" ? pods : kind === "Event" ? events : kind === "Node" ? nodes : []) });
const pod = (status: any, nodeName?: string) => ({ metadata: { name: "p", namespace: "default", uid: "u1" }, spec: { ...(nodeName ? { nodeName } : {}) }, status });

describe("livenessUnderFairness: what counts as converged", () => {
  it("a pod Pending on its node while an init container runs is held by its own workload, as kubectl shows Init:0/2", () => {
    const p = pod({ phase: "Pending", initContainerStatuses: [{ name: "init-myservice", state: { running: { startedAt: "2026-01-01T00:00:00Z" } } }, { name: "init-mydb", state: { waiting: { reason: "PodInitializing" } } }] }, "node-1");
    expect(notConverged(view([p]))).toBeUndefined();
  });

  it("a pod Pending on its node whose init containers all finished is not converged (the kubelet must start its containers)", () => {
    const p = pod({ phase: "Pending", initContainerStatuses: [{ name: "init", state: { terminated: { exitCode: 0, reason: "Completed" } } }] }, "node-1");
    expect(notConverged(view([p]))).toBe("pod default/p is Pending on node-1");
  });

  it("a pod Pending on its node that names a claim being deleted is converged (the volume manager never mounts it); with the claim live it is not", () => {
    const p = { ...pod({ phase: "Pending" }, "node-1"), spec: { nodeName: "node-1", volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }] } };
    const claims = (deletionTimestamp?: string) => [{ metadata: { name: "data", namespace: "default", ...(deletionTimestamp ? { deletionTimestamp } : {}) } }];
    const withClaims = (pvcs: any[]) => ({ list: (kind: string) => (kind === "Pod" ? [p] : kind === "PersistentVolumeClaim" ? pvcs : []) });
    expect(notConverged(withClaims(claims("2026-01-01T00:00:03Z")))).toBeUndefined();
    expect(notConverged(withClaims(claims()))).toBe("pod default/p is Pending on node-1");
  });

  it("an unbound Pending pod needs a FailedScheduling event to count as converged", () => {
    expect(notConverged(view([pod({ phase: "Pending" })]))).toBe("pod default/p is Pending without a FailedScheduling event");
    expect(notConverged(view([pod({ phase: "Pending" })], [{ reason: "FailedScheduling", involvedObject: { uid: "u1" } }]))).toBeUndefined();
  });

  it("a pod on a node whose NoExecute taint it tolerates only for a while waits for taint eviction; tolerated forever, it is converged", () => {
    const taint = { key: "example.com/dedicated", value: "infra", effect: "NoExecute" };
    const nodes = [{ metadata: { name: "node-1" }, spec: { taints: [taint] } }];
    const on = (tolerations: any[]) => ({ ...pod({ phase: "Running" }, "node-1"), spec: { nodeName: "node-1", tolerations } });
    expect(notConverged(view([on([{ key: taint.key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 5 }])], [], nodes))).toBe("pod default/p is on node node-1, whose NoExecute taint example.com/dedicated it tolerates for 5 s, and is not evicted yet");
    expect(notConverged(view([on([])], [], nodes))).toBe("pod default/p is on node node-1, whose NoExecute taint example.com/dedicated it tolerates for 0 s, and is not evicted yet");
    expect(notConverged(view([on([{ key: taint.key, operator: "Exists" }])], [], nodes))).toBeUndefined();
    // A finished pod has nothing left to evict.
    expect(notConverged(view([{ ...on([]), status: { phase: "Succeeded" } }], [], nodes))).toBeUndefined();
  });
});

describe("livenessUnderFairness: every Job finishes", () => {
  const job = (status: any, spec: any = {}) => ({ metadata: { name: "churn", namespace: "default", uid: "j1" }, spec: { completions: 10, ...spec }, status });
  const jobView = (jobs: any[], pods: any[] = [], events: any[] = []) => ({ list: (kind: string) => (kind === "Job" ? jobs : kind === "Pod" ? pods : kind === "Event" ? events : []) });
  it("a Job that is neither Complete nor Failed has not converged", () => {
    expect(notConverged(jobView([job({ succeeded: 4, active: 2 })]))).toBe("Job default/churn has not finished (4 succeeded, 2 active)");
  });
  it("a Job whose Complete or Failed condition is True has finished; a suspended one is not waited for", () => {
    expect(notConverged(jobView([job({ succeeded: 10, conditions: [{ type: "Complete", status: "True" }] })]))).toBeUndefined();
    expect(notConverged(jobView([job({ failed: 7, conditions: [{ type: "Failed", status: "True" }] })]))).toBeUndefined();
    expect(notConverged(jobView([job({ succeeded: 9, conditions: [{ type: "SuccessCriteriaMet", status: "True" }] })]))).toBe("Job default/churn has not finished (9 succeeded, 0 active)");
    expect(notConverged(jobView([job({}, { suspend: true })]))).toBeUndefined();
  });
  it("a Job whose pod the nodes cannot hold (FailedScheduling) is not waited for", () => {
    const p = { metadata: { name: "churn-x", namespace: "default", uid: "p1", ownerReferences: [{ uid: "j1", controller: true }] }, spec: {}, status: { phase: "Pending" } };
    expect(notConverged(jobView([job({ active: 1 })], [p], [{ reason: "FailedScheduling", involvedObject: { uid: "p1" } }]))).toBeUndefined();
  });
});

describe("livenessUnderFairness: a DaemonSet's numberReady", () => {
  // updateDaemonSetStatus counts numberReady on nodes that should run a daemon pod; a pod left on a
  // node whose new NoSchedule taint it does not tolerate is numberMisscheduled, Ready or not
  const ds = (status: any) => ({ metadata: { name: "agent", namespace: "default", uid: "d1", generation: 1 }, spec: {}, status: { observedGeneration: 1, ...status } });
  const readyPod = (name: string) => ({ metadata: { name, namespace: "default", uid: name, ownerReferences: [{ uid: "d1", controller: true }] }, spec: { nodeName: name }, status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] } });
  const dsView = (sets: any[], pods: any[]) => ({ list: (kind: string) => (kind === "DaemonSet" ? sets : kind === "Pod" ? pods : []) });
  it("counts its Ready pods, less the misscheduled ones at most", () => {
    const pods = [readyPod("node-1"), readyPod("node-2")];
    expect(notConverged(dsView([ds({ numberReady: 2 })], pods))).toBeUndefined();
    expect(notConverged(dsView([ds({ numberReady: 1, numberMisscheduled: 1 })], pods))).toBeUndefined();
    expect(notConverged(dsView([ds({ numberReady: 1 })], pods))).toBe("DaemonSet default/agent reports numberReady 1, there are 2 Ready pods (0 misscheduled)");
    expect(notConverged(dsView([ds({ numberReady: 3 })], pods))).toBe("DaemonSet default/agent reports numberReady 3, there are 2 Ready pods (0 misscheduled)");
  });
});
