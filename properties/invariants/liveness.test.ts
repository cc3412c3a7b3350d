import { describe, expect, it } from "vitest";
import { notConverged } from "./liveness.js";

const view = (pods: any[], events: any[] = []) => ({ list: (kind: string) => (kind === "Pod" ? pods : kind === "Event" ? events : []) });
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

  it("an unbound Pending pod needs a FailedScheduling event to count as converged", () => {
    expect(notConverged(view([pod({ phase: "Pending" })]))).toBe("pod default/p is Pending without a FailedScheduling event");
    expect(notConverged(view([pod({ phase: "Pending" })], [{ reason: "FailedScheduling", involvedObject: { uid: "u1" } }]))).toBeUndefined();
  });
});
