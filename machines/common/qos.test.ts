import { describe, it, expect } from "vitest";
import { podQOSClass, type QOSClass } from "./qos.js";

type R = Record<string, string>;
const ctr = (requests?: R, limits?: R) => ({ resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) } });
const pod = (containers: ReturnType<typeof ctr>[], initContainers: ReturnType<typeof ctr>[] = [], resources?: { requests?: R; limits?: R }) =>
  ({ spec: { containers, initContainers, ...(resources ? { resources } : {}) } });

// Ported in meaning from pkg/apis/core/helper/qos/qos_test.go.
describe("podQOSClass", () => {
  const cases: [string, ReturnType<typeof pod>, QOSClass][] = [
    ["a pod with no requests or limits is BestEffort", pod([ctr(), ctr()]), "BestEffort"],
    ["a pod whose only resources are extended resources is BestEffort", pod([ctr({ "example.com/gpu": "1" }, { "example.com/gpu": "1" })]), "BestEffort"],
    ["zero requests do not count, so the pod stays BestEffort", pod([ctr({ cpu: "0", memory: "0" })]), "BestEffort"],
    ["equal cpu and memory requests and limits on every container make it Guaranteed", pod([ctr({ cpu: "100m", memory: "100Mi" }, { cpu: "100m", memory: "100Mi" }), ctr({ cpu: "1", memory: "1Gi" }, { cpu: "1", memory: "1Gi" })]), "Guaranteed"],
    ["requests written differently but equal in value are still Guaranteed", pod([ctr({ cpu: "0.1", memory: "100Mi" }, { cpu: "100m", memory: "100Mi" })]), "Guaranteed"],
    ["one container without limits makes it Burstable", pod([ctr({ cpu: "100m", memory: "100Mi" }, { cpu: "100m", memory: "100Mi" }), ctr()]), "Burstable"],
    ["a cpu limit without a memory limit makes it Burstable", pod([ctr({ cpu: "100m" }, { cpu: "100m" })]), "Burstable"],
    ["requests lower than limits make it Burstable", pod([ctr({ cpu: "100m", memory: "100Mi" }, { cpu: "200m", memory: "100Mi" })]), "Burstable"],
    ["an init container with different resources is counted", pod([ctr({ cpu: "100m", memory: "100Mi" }, { cpu: "100m", memory: "100Mi" })], [ctr({ cpu: "50m" })]), "Burstable"],
    ["pod-level resources decide alone: equal cpu and memory is Guaranteed", pod([ctr()], [], { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } }), "Guaranteed"],
    ["pod-level requests without limits are Burstable", pod([ctr()], [], { requests: { cpu: "1" } }), "Burstable"],
  ];
  for (const [name, p, want] of cases) it(name, () => expect(podQOSClass(p)).toBe(want));
});
