// Admission end to end through a running cluster: each plugin as kube-apiserver runs it, with
// Kubernetes' messages (plugin/pkg/admission/priority, limitranger, resourcequota).
import { describe, expect, it } from "vitest";
import { createCluster } from "../index.js";

const pod = (name: string, spec: any = {}, resources?: any) => ({
  apiVersion: "v1", kind: "Pod", metadata: { name },
  spec: { containers: [{ name: "app", image: "nginx", ...(resources ? { resources } : {}) }], ...spec },
});
const pc = (name: string, value: number, extra: any = {}) => ({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name }, value, ...extra });

async function refusal(p: Promise<unknown>): Promise<{ code?: number; reason?: string; message: string }> {
  try {
    await p;
  } catch (e: any) {
    return { code: e.status?.code, reason: e.status?.reason, message: e.message };
  }
  throw new Error("the write was admitted");
}

describe("Priority admission", () => {
  it("stores the system priority classes, as the API server's post-start hook does", () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    expect(c.list("PriorityClass").map((x) => [x.metadata.name, x.value, x.preemptionPolicy])).toEqual([
      ["system-cluster-critical", 2000000000, "PreemptLowerPriority"],
      ["system-node-critical", 2000001000, "PreemptLowerPriority"],
    ]);
  });

  it("refuses a pod naming a class that does not exist, and stores nothing", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    const r = await refusal(c.apply(pod("p", { priorityClassName: "high" })));
    expect(r).toMatchObject({ code: 403, reason: "Forbidden", message: `pods "p" is forbidden: no PriorityClass with name high was found` });
    expect(c.get("Pod", "p")).toBeUndefined();
  });

  it("sets spec.priority and preemptionPolicy from the class (the docs' high-priority pod)", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.apply(pc("high-priority", 1000000, { globalDefault: false, description: "This priority class should be used for XYZ service pods only." }));
    await c.apply(pc("high-priority-nonpreempting", 1000000, { preemptionPolicy: "Never" }));
    await c.apply(pod("nginx", { priorityClassName: "high-priority" }));
    await c.apply(pod("quiet", { priorityClassName: "high-priority-nonpreempting" }));
    await c.apply(pod("critical", { priorityClassName: "system-node-critical" }));
    expect(c.get("Pod", "nginx").spec).toMatchObject({ priority: 1000000, preemptionPolicy: "PreemptLowerPriority" });
    expect(c.get("Pod", "quiet").spec).toMatchObject({ priority: 1000000, preemptionPolicy: "Never" });
    expect(c.get("Pod", "critical").spec.priority).toBe(2000001000);
  });

  it("refuses a priority the pod sets itself when it differs from its class's", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    const r = await refusal(c.apply(pod("p", { priorityClassName: "system-cluster-critical", priority: 5 })));
    expect(r.message).toBe(`pods "p" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 2000000000 from the given PriorityClass name`);
    const r2 = await refusal(c.apply(pod("q", { preemptionPolicy: "Never" })));
    expect(r2.message).toBe(`pods "q" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name`);
  });

  it("gives a pod without a class the global default class (the lowest-valued default), and allows one default only", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.apply(pod("before"));
    expect(c.get("Pod", "before").spec).toMatchObject({ priority: 0, preemptionPolicy: "PreemptLowerPriority" });
    expect(c.get("Pod", "before").spec.priorityClassName).toBeUndefined();
    await c.apply(pc("default-low", 100, { globalDefault: true, preemptionPolicy: "Never" }));
    const r = await refusal(c.apply(pc("another-default", 50, { globalDefault: true })));
    expect(r).toMatchObject({ code: 403, message: `priorityclasses.scheduling.k8s.io "another-default" is forbidden: PriorityClass default-low is already marked as default. Only one default can exist` });
    await c.apply(pod("after"));
    expect(c.get("Pod", "after").spec).toMatchObject({ priorityClassName: "default-low", priority: 100, preemptionPolicy: "Never" });
  });
});
