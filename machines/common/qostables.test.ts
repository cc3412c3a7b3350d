// pkg/apis/core/v1/helper/qos/qos_test.go (the v1.3x copy with pod-level resources): TestComputePodQOS, every row
// (PodLevelResources is on in v1.35, so the pod-level rows run as the Go rows with the gate enabled).
import { describe, expect, it } from "vitest";
import { podQOSClass, type QOSClass } from "./qos.js";

type RL = Record<string, string>;
// getResourceList: cpu and memory, each only when given
const rl = (cpu: string, memory: string): RL => ({ ...(cpu !== "" ? { cpu } : {}), ...(memory !== "" ? { memory } : {}) });
const c = (requests: RL, limits: RL) => ({ resources: { requests, limits } });
const pod = (containers: object[], extra: object = {}) => ({ spec: { containers, ...extra } });

describe("TestComputePodQOS", () => {
  const rows: [string, object, QOSClass][] = [
    ["guaranteed", pod([c(rl("100m", "100Mi"), rl("100m", "100Mi"))]), "Guaranteed"],
    ["guaranteed-guaranteed", pod([c(rl("100m", "100Mi"), rl("100m", "100Mi")), c(rl("100m", "100Mi"), rl("100m", "100Mi"))]), "Guaranteed"],
    ["best-effort-best-effort", pod([c(rl("", ""), rl("", "")), c(rl("", ""), rl("", ""))]), "BestEffort"],
    ["best-effort", pod([c(rl("", ""), rl("", ""))]), "BestEffort"],
    ["best-effort-burstable", pod([c(rl("", ""), rl("", "")), c(rl("1", ""), rl("2", ""))]), "Burstable"],
    ["best-effort-guaranteed", pod([c(rl("", ""), rl("", "")), c(rl("10m", "100Mi"), rl("10m", "100Mi"))]), "Burstable"],
    ["burstable-cpu-guaranteed-memory", pod([c(rl("", "100Mi"), rl("", "100Mi"))]), "Burstable"],
    ["burstable-no-limits", pod([c(rl("100m", "100Mi"), rl("", ""))]), "Burstable"],
    ["burstable-guaranteed", pod([c(rl("1", "100Mi"), rl("2", "100Mi")), c(rl("100m", "100Mi"), rl("100m", "100Mi"))]), "Burstable"],
    ["burstable-unbounded-but-requests-match-limits", pod([c(rl("100m", "100Mi"), rl("200m", "200Mi")), c(rl("100m", "100Mi"), rl("", ""))]), "Burstable"],
    ["burstable-1", pod([c(rl("10m", "100Mi"), rl("100m", "200Mi"))]), "Burstable"],
    ["burstable-2", pod([c(rl("0", "0"), rl("100m", "200Mi"))]), "Burstable"],
    ["best-effort-hugepages", pod([c({ ...rl("0", "0"), "hugepages-2Mi": "1Gi" }, { ...rl("0", "0"), "hugepages-2Mi": "1Gi" })]), "BestEffort"],
    ["init-container", pod([c(rl("", ""), rl("", ""))], { initContainers: [c(rl("10m", "100Mi"), rl("100m", "200Mi"))] }), "Burstable"],
    ["guaranteed-with-pod-level-resources", pod([c(rl("", ""), rl("", ""))], { resources: { requests: rl("10m", "100Mi"), limits: rl("10m", "100Mi") } }), "Guaranteed"],
    ["guaranteed-with-pod-and-container-level-resources", pod([c(rl("3m", "10Mi"), rl("5m", "20Mi"))], { resources: { requests: rl("10m", "100Mi"), limits: rl("10m", "100Mi") } }), "Guaranteed"],
    ["burstable-with-pod-level-resources", pod([c(rl("", ""), rl("", ""))], { resources: { requests: rl("10m", "10Mi"), limits: rl("20m", "50Mi") } }), "Burstable"],
    ["burstable-with-pod-and-container-level-resources", pod([c(rl("5m", "10Mi"), rl("5m", "10Mi"))], { resources: { requests: rl("10m", "10Mi"), limits: rl("20m", "50Mi") } }), "Burstable"],
    ["burstable-with-pod-and-container-level-requests", pod([c(rl("5m", "10Mi"), rl("", ""))], { resources: { requests: rl("10m", "10Mi"), limits: rl("", "") } }), "Burstable"],
    ["burstable-with-pod-and-container-level-resources-2", pod([c(rl("5m", "10Mi"), rl("", "")), c(rl("5m", "10Mi"), rl("5m", "10Mi"))], { resources: { requests: rl("10m", "10Mi"), limits: rl("5m", "") } }), "Burstable"],
  ];
  it.each(rows)("%s", (_n, p, want) => expect(podQOSClass(p)).toBe(want));
});
