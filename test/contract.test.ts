// The public contract others build on: the names the package exports and their shapes.
import { describe, expect, it } from "vitest";
import * as podflow from "../index.js";
import * as semantics from "../semantics.js";

const pod = (spec: any, status?: any) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default" }, spec, ...(status ? { status } : {}) });
const node = (extra: any = {}) => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name: "n1", labels: { "kubernetes.io/hostname": "n1" } },
  spec: extra.spec ?? {},
  status: { allocatable: { cpu: "2", memory: "4Gi", pods: "110" }, capacity: { cpu: "2", memory: "4Gi", pods: "110" } },
});

describe("the package's public contract", () => {
  it("exports createCluster from podflow", () => {
    expect(typeof podflow.createCluster).toBe("function");
    const c = podflow.createCluster({ nodes: 1, seed: 1, clock: "simulated" });
    for (const m of ["apply", "delete", "settle", "advance", "get", "list", "events", "trace", "stop"]) expect(typeof (c as any)[m]).toBe("function");
  });

  it("schedulerFilter answers fit, code and Kubernetes' reasons", () => {
    const ok = semantics.schedulerFilter(pod({ containers: [{ name: "a", image: "nginx", resources: { requests: { cpu: "1" } } }] }) as any, node() as any, []);
    expect(ok).toEqual({ fit: true, reasons: [] });
    const tainted = semantics.schedulerFilter(pod({ containers: [{ name: "a", image: "nginx" }] }) as any, node({ spec: { taints: [{ key: "k", value: "v", effect: "NoSchedule" }] } }) as any, []);
    expect(tainted).toEqual({ fit: false, code: "UnschedulableAndUnresolvable", reasons: ["node(s) had untolerated taint(s)"] });
    const big = semantics.schedulerFilter(pod({ containers: [{ name: "a", image: "nginx", resources: { requests: { cpu: "1500m" } } }] }) as any, node() as any, [pod({ nodeName: "n1", containers: [{ name: "b", image: "nginx", resources: { requests: { cpu: "1" } } }] }) as any]);
    expect(big).toEqual({ fit: false, code: "Unschedulable", reasons: ["Insufficient cpu"] });
  });

  it("schedulerFilter runs only the plugins named", () => {
    const r = semantics.schedulerFilter(pod({ containers: [{ name: "a", image: "nginx" }] }) as any, node({ spec: { unschedulable: true } }) as any, [], { plugins: ["NodeResourcesFit"] });
    expect(r.fit).toBe(true);
    const u = semantics.schedulerFilter(pod({ containers: [{ name: "a", image: "nginx" }] }) as any, node({ spec: { unschedulable: true } }) as any, [], { plugins: ["NodeUnschedulable"] });
    expect(u).toEqual({ fit: false, code: "UnschedulableAndUnresolvable", reasons: ["node(s) were unschedulable"] });
  });

  it("podPhase and podConditions follow the kubelet", () => {
    const running = pod({ restartPolicy: "Always", containers: [{ name: "a", image: "nginx" }] }, { containerStatuses: [{ name: "a", ready: true, restartCount: 0, image: "nginx", imageID: "", state: { running: { startedAt: "2026-01-01T00:00:00Z" } } }] });
    expect(semantics.podPhase(running as any)).toBe("Running");
    const done = pod({ restartPolicy: "Never", containers: [{ name: "a", image: "busybox" }] }, { containerStatuses: [{ name: "a", ready: false, restartCount: 0, image: "busybox", imageID: "", state: { terminated: { exitCode: 0, reason: "Completed" } } }] });
    expect(semantics.podPhase(done as any)).toBe("Succeeded");
    const conds = semantics.podConditions({ ...running, status: { ...running.status, phase: "Running" } } as any);
    expect(conds.find((c: any) => c.type === "Ready")?.status).toBe("True");
    expect(conds.find((c: any) => c.type === "ContainersReady")?.status).toBe("True");
  });
});
