import { describe, expect, it } from "vitest";
import { createCluster } from "../index.js";

const node = (name: string, cpu: string, extra: any = {}) => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, labels: { "kubernetes.io/hostname": name } },
  spec: extra.spec ?? {},
  status: { capacity: { cpu, memory: "16Gi", pods: "110" }, allocatable: { cpu, memory: "16Gi", pods: "110" }, conditions: [{ type: "Ready", status: "True" }] },
});

const pod = (name: string, cpu: string, extra: any = {}) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name },
  spec: { containers: [{ name: "app", image: "registry.k8s.io/pause:3.10", resources: { requests: { cpu } } }], ...extra },
});

describe("scheduler through the running cluster", () => {
  it("leaves a pod that fits nowhere Pending with the exact FailedScheduling message, and schedules it when a node that fits is added", async () => {
    const c = createCluster({ nodes: [node("node-1", "4", { spec: { taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] } }), node("node-2", "4"), node("node-3", "4")], seed: 5 });
    await c.apply(pod("big", "6"));
    await c.settle();
    const p = c.get("Pod", "big");
    expect(p.spec.nodeName).toBeUndefined();
    const cond = p.status.conditions.find((x: any) => x.type === "PodScheduled");
    expect(cond).toMatchObject({ status: "False", reason: "Unschedulable" });
    expect(cond.message).toMatch(/^0\/3 nodes are available: 1 node\(s\) had untolerated taint\(s\), 2 Insufficient cpu\. preemption: /);
    const failed = c.events().filter((e: any) => e.reason === "FailedScheduling");
    // kube-scheduler records through events.k8s.io/v1: its reporter, not a source
    expect(failed[0]).toMatchObject({ type: "Warning", involvedObject: { kind: "Pod", name: "big" }, reportingComponent: "default-scheduler", action: "Scheduling" });
    expect(failed[0].message).toBe(cond.message);

    await c.apply(node("node-4", "8"));
    await c.settle();
    expect(c.get("Pod", "big").spec.nodeName).toBe("node-4");
    const scheduled = c.events().find((e: any) => e.reason === "Scheduled");
    expect(scheduled.message).toBe("Successfully assigned default/big to node-4");
  });

  it("says so when there are no nodes", async () => {
    const c = createCluster({ nodes: [], seed: 1 });
    await c.apply(pod("lonely", "1"));
    await c.settle();
    const ev = c.events().find((e: any) => e.reason === "FailedScheduling");
    expect(ev.message).toBe("no nodes available to schedule pods");
  });

  it("preempts a lower-priority pod for a higher-priority one, nominating the node", async () => {
    const c = createCluster({ nodes: [node("node-1", "4")], seed: 2 });
    await c.apply(pod("low", "3"));
    await c.settle();
    expect(c.get("Pod", "low").spec.nodeName).toBe("node-1");
    await c.apply({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "high" }, value: 1000 });
    await c.apply(pod("urgent", "3", { priorityClassName: "high" }));
    await c.settle();
    c.advance(60_000);
    await c.settle();
    const urgent = c.get("Pod", "urgent");
    expect(urgent.spec.priority).toBe(1000);
    const preempted = c.events().find((e: any) => e.reason === "Preempted");
    expect(preempted).toMatchObject({ involvedObject: { name: "low" } });
    expect(preempted.message).toBe(`Preempted by pod ${urgent.metadata.uid} on node node-1`);
    const low = c.get("Pod", "low");
    expect(low === undefined || low.metadata.deletionTimestamp !== undefined).toBe(true);
    if (low === undefined) expect(urgent.spec.nodeName).toBe("node-1");
    else expect(urgent.status.nominatedNodeName).toBe("node-1");
  });

  it("binds through the binding subresource and never moves a bound pod", async () => {
    const c = createCluster({ nodes: 3, seed: 9 });
    for (let i = 0; i < 10; i++) await c.apply(pod(`p${i}`, "100m"));
    await c.settle();
    const nodes = new Set(c.list("Pod").map((p: any) => p.spec.nodeName));
    expect([...nodes].every((n) => ["node-1", "node-2", "node-3"].includes(n))).toBe(true);
    const res = c.requestSync({ verb: "create", group: "", resource: "pods", subresource: "binding", namespace: "default", name: "p0", body: { apiVersion: "v1", kind: "Binding", metadata: { name: "p0" }, target: { kind: "Node", name: "node-9" } } });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.status.message).toMatch(/^Operation cannot be fulfilled on pods\/binding "p0": pod p0 is already assigned to node "node-\d"$/);
  });
});
