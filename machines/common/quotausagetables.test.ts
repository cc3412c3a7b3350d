// pkg/quota/v1/evaluator/core/pods_test.go (the v1.3x copy with pod-level resources): TestPodEvaluatorUsage,
// TestPodEvaluatorUsageResourceResize (InPlacePodVerticalScaling is GA in v1.35: the enabled column) and
// TestPodEvaluatorUsageStats, every row. The expectations are the Go rows' ResourceLists, compared by quantity.
import { describe, expect, it } from "vitest";
import { cmpQuantity, parseGoQuantity, type GoQuantity } from "./goquantity.js";
import { podUsage, quotaUsed } from "./quota.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const now = Date.parse("2026-01-01T00:00:00Z");
const same = (got: Map<string, GoQuantity>, want: Record<string, string>) => {
  expect([...got.keys()].sort()).toEqual(Object.keys(want).sort());
  for (const [k, v] of Object.entries(want)) expect(cmpQuantity(got.get(k)!, parseGoQuantity(v)!), `${k}: want ${v}`).toBe(0);
};
const res = (requests?: object, limits?: object) => ({ resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) } });
const pods = { pods: "1", "count/pods": "1" };

describe("TestPodEvaluatorUsage", () => {
  const rows: [string, any, Record<string, string>][] = [
    ["init container CPU", { spec: { initContainers: [res({ cpu: "1m" }, { cpu: "2m" })] } }, { "requests.cpu": "1m", "limits.cpu": "2m", cpu: "1m", ...pods }],
    ["init container MEM", { spec: { initContainers: [res({ memory: "1m" }, { memory: "2m" })] } }, { "requests.memory": "1m", "limits.memory": "2m", memory: "1m", ...pods }],
    ["init container local ephemeral storage", { spec: { initContainers: [res({ "ephemeral-storage": "32Mi" }, { "ephemeral-storage": "64Mi" })] } },
      { "ephemeral-storage": "32Mi", "requests.ephemeral-storage": "32Mi", "limits.ephemeral-storage": "64Mi", ...pods }],
    ["init container hugepages", { spec: { initContainers: [res({ "hugepages-2Mi": "100Mi" })] } }, { "hugepages-2Mi": "100Mi", "requests.hugepages-2Mi": "100Mi", ...pods }],
    ["init container extended resources", { spec: { initContainers: [res({ "example.com/dongle": "3" }, { "example.com/dongle": "3" })] } }, { "requests.example.com/dongle": "3", ...pods }],
    ["container CPU", { spec: { containers: [res({ cpu: "1m" }, { cpu: "2m" })] } }, { "requests.cpu": "1m", "limits.cpu": "2m", cpu: "1m", ...pods }],
    ["container MEM", { spec: { containers: [res({ memory: "1m" }, { memory: "2m" })] } }, { "requests.memory": "1m", "limits.memory": "2m", memory: "1m", ...pods }],
    ["container local ephemeral storage", { spec: { containers: [res({ "ephemeral-storage": "32Mi" }, { "ephemeral-storage": "64Mi" })] } },
      { "ephemeral-storage": "32Mi", "requests.ephemeral-storage": "32Mi", "limits.ephemeral-storage": "64Mi", ...pods }],
    ["container hugepages", { spec: { containers: [res({ "hugepages-2Mi": "100Mi" })] } }, { "hugepages-2Mi": "100Mi", "requests.hugepages-2Mi": "100Mi", ...pods }],
    ["container extended resources", { spec: { containers: [res({ "example.com/dongle": "3" }, { "example.com/dongle": "3" })] } }, { "requests.example.com/dongle": "3", ...pods }],
    ["terminated generic count still appears", { spec: { containers: [res({ "example.com/dongle": "3" }, { "example.com/dongle": "3" })] }, status: { phase: "Succeeded" } }, { "count/pods": "1" }],
    ["init container maximums override sum of containers", { spec: {
      initContainers: [res({ cpu: "4", memory: "100M", "example.com/dongle": "4" }, { cpu: "8", memory: "200M", "example.com/dongle": "4" }),
        res({ cpu: "1", memory: "50M", "example.com/dongle": "2" }, { cpu: "2", memory: "100M", "example.com/dongle": "2" })],
      containers: [res({ cpu: "1", memory: "50M", "example.com/dongle": "1" }, { cpu: "2", memory: "100M", "example.com/dongle": "1" }),
        res({ cpu: "2", memory: "25M", "example.com/dongle": "2" }, { cpu: "5", memory: "50M", "example.com/dongle": "2" })] } },
      { "requests.cpu": "4", "requests.memory": "100M", "limits.cpu": "8", "limits.memory": "200M", cpu: "4", memory: "100M", "requests.example.com/dongle": "4", ...pods }],
    ["pod deletion timestamp exceeded", { metadata: { deletionTimestamp: new Date(now - 60_000).toISOString(), deletionGracePeriodSeconds: 30 }, status: { reason: "NodeLost" },
      spec: { terminationGracePeriodSeconds: 30, containers: [res({ cpu: "1", memory: "50M" }, { cpu: "2", memory: "100M" })] } }, { "count/pods": "1" }],
    ["pod deletion timestamp not exceeded", { metadata: { deletionTimestamp: new Date(now).toISOString(), deletionGracePeriodSeconds: 30 }, status: { reason: "NodeLost" },
      spec: { containers: [res({ cpu: "1" }, { cpu: "2" })] } }, { "requests.cpu": "1", "limits.cpu": "2", cpu: "1", ...pods }],
    ["count pod overhead as usage", { spec: { overhead: { cpu: "1" }, containers: [res({ cpu: "1" }, { cpu: "2" })] } }, { "requests.cpu": "2", "limits.cpu": "3", cpu: "2", ...pods }],
    ["pod-level CPU", { spec: { resources: { requests: { cpu: "1m" }, limits: { cpu: "2m" } } } }, { "requests.cpu": "1m", "limits.cpu": "2m", cpu: "1m", ...pods }],
    ["pod-level Memory", { spec: { resources: { requests: { memory: "1Mi" }, limits: { memory: "2Mi" } } } }, { "requests.memory": "1Mi", "limits.memory": "2Mi", memory: "1Mi", ...pods }],
    ["pod-level memory with container-level ephemeral storage", { spec: { resources: { requests: { memory: "1Mi" }, limits: { memory: "2Mi" } },
      containers: [res({ "ephemeral-storage": "32Mi" }, { "ephemeral-storage": "64Mi" })] } },
      { "ephemeral-storage": "32Mi", "requests.ephemeral-storage": "32Mi", "limits.ephemeral-storage": "64Mi", "requests.memory": "1Mi", "limits.memory": "2Mi", memory: "1Mi", ...pods }],
  ];
  it.each(rows)("%s", (_n, pod, want) => same(podUsage(pod, now), want));
});

describe("TestPodEvaluatorUsageResourceResize (feature enabled)", () => {
  const resized = (spec: object, status: object) => ({ spec: { containers: [spec] }, status: { containerStatuses: [status] } });
  const rows: [string, any, Record<string, string>][] = [
    ["verify Max(Container.Spec.Requests, ContainerStatus.Resources) for memory resource",
      resized(res({ memory: "200Mi" }, { memory: "400Mi" }), { resources: { requests: { memory: "150Mi" } } }),
      { "requests.memory": "200Mi", "limits.memory": "400Mi", memory: "200Mi", ...pods }],
    ["verify Max(Container.Spec.Requests, ContainerStatus.Resources) for CPU resource",
      resized(res({ cpu: "100m" }, { cpu: "200m" }), { resources: { requests: { cpu: "150m" } } }),
      { "requests.cpu": "150m", "limits.cpu": "200m", cpu: "150m", ...pods }],
    ["verify Max(Container.Spec.Requests, ContainerStatus.Resources) for CPU and memory resource",
      resized(res({ cpu: "100m", memory: "200Mi" }, { cpu: "200m", memory: "400Mi" }), { resources: { requests: { cpu: "150m", memory: "250Mi" } } }),
      { "requests.cpu": "150m", "limits.cpu": "200m", "requests.memory": "250Mi", "limits.memory": "400Mi", cpu: "150m", memory: "250Mi", ...pods }],
    ["verify Max(Container.Spec.Requests, ContainerStatus.Resources==nil) for CPU and memory resource",
      resized(res({ cpu: "100m", memory: "200Mi" }, { cpu: "200m", memory: "400Mi" }), {}),
      { "requests.cpu": "100m", "limits.cpu": "200m", "requests.memory": "200Mi", "limits.memory": "400Mi", cpu: "100m", memory: "200Mi", ...pods }],
  ];
  it.each(rows)("%s", (_n, pod, want) => same(podUsage(pod, now), want));
});

describe("TestPodEvaluatorUsageStats", () => {
  // makePod: one container requesting and limited to resList, in the given phase, of priority class pcName
  const makePod = (name: string, pcName: string, cpu: string | undefined, phase: string) => ({
    metadata: { name, namespace: "ns" }, spec: { ...(pcName ? { priorityClassName: pcName } : {}), containers: [res(cpu ? { cpu } : undefined, cpu ? { cpu } : undefined)] }, status: { phase },
  });
  const hard = { pods: "100", "count/pods": "100", cpu: "100", "requests.cpu": "100", "limits.cpu": "100" };
  const quota = (spec: object = {}) => ({ metadata: { namespace: "ns" }, spec: { hard, ...spec } });
  const high = { matchExpressions: [{ scopeName: "PriorityClass", operator: "In", values: ["high-priority"] }] };
  const used = (q: object, objs: object[]) => quotaUsed(q, (r) => (r.resource === "pods" ? objs : undefined), now);
  const three = [makePod("p1", "high-priority", "1", "Running"), makePod("p2", "high-priority", "1", "Succeeded"), makePod("p3", "low-priority", "1", "Running")];
  // CalculateUsageStats gives only what some pod uses; quotaUsed (the controller's status.used) also lists the
  // limited resources nothing uses, at 0, so the rows compare the non-zero entries.
  const nonZero = (l: Record<string, string>) => Object.fromEntries(Object.entries(l).filter(([, v]) => v !== "0"));
  const rows: [string, object, object[], Record<string, string>][] = [
    ["nil case", quota(), [], {}],
    ["all pods in running state", quota(), [makePod("p1", "", "1", "Running"), makePod("p2", "", "1", "Running")], { pods: "2", "count/pods": "2", cpu: "2", "requests.cpu": "2", "limits.cpu": "2" }],
    ["one pods in terminal state", quota(), [makePod("p1", "", "1", "Running"), makePod("p2", "", "1", "Succeeded")], { pods: "1", "count/pods": "2", cpu: "1", "requests.cpu": "1", "limits.cpu": "1" }],
    ["partial pods matching quotaScopeSelector", quota({ scopeSelector: high }), three, { pods: "1", "count/pods": "2", cpu: "1", "requests.cpu": "1", "limits.cpu": "1" }],
    ["partial pods matching quotaScopeSelector - w/ scopeName specified", quota({ scopes: ["PriorityClass"], scopeSelector: high }), three,
      { pods: "1", "count/pods": "2", cpu: "1", "requests.cpu": "1", "limits.cpu": "1" }],
    ["partial pods matching quotaScopeSelector - w/ multiple scopeNames specified", quota({ scopes: ["PriorityClass", "BestEffort"], scopeSelector: high }),
      [...three, makePod("p4", "high-priority", undefined, "Failed")], { "count/pods": "1" }],
  ];
  it.each(rows)("%s", (_n, q, objs, want) => expect(nonZero(used(q, objs))).toEqual(want));
});
