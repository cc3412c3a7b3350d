// Kubernetes' definitions as the invariants hold them, against the rows Kubernetes' own docs and
// tests give (resource.Quantity, resourcehelper.PodRequests, labels.Parse, FindPort, tolerations).

import { describe, expect, it } from "vitest";
import { findPort, labelsMatch, milli, parseFieldSelector, parseLabelSelector, fieldsMatch, podRequest, quantity, resourceOfKind, shouldPodBeInEndpoints, toleratedSeconds } from "./k8s.js";

describe("quantity and milli follow resource.Quantity", () => {
  it.each([
    ["100m", 0.1, 100],
    ["1", 1, 1000],
    ["1.5", 1.5, 1500],
    ["64Mi", 64 * 2 ** 20, 64 * 2 ** 20 * 1000],
    ["1Gi", 2 ** 30, 2 ** 30 * 1000],
    ["128M", 128e6, 128e9],
    ["1k", 1000, 1e6],
    ["12e3", 12000, 12e6],
    ["0.5m", 0.0005, 1],
  ])("%s is %d, %d milli (rounded up)", (q, value, m) => {
    expect(quantity(q)).toBeCloseTo(value, 9);
    expect(milli(q)).toBe(m);
  });
  it("a malformed quantity is NaN", () => {
    expect(quantity("1 Gi")).toBeNaN();
    expect(quantity("abc")).toBeNaN();
  });
});

describe("podRequest follows resourcehelper.PodRequests", () => {
  const c = (cpu?: string, extra: any = {}) => ({ name: "c", resources: cpu ? { requests: { cpu } } : {}, ...extra });
  it.each([
    ["the sum of the containers", { containers: [c("100m"), c("200m")] }, 300],
    ["an init container larger than the sum", { initContainers: [c("1")], containers: [c("100m"), c("200m")] }, 1000],
    ["a sidecar adds to the containers and to the init containers after it", { initContainers: [c("100m", { restartPolicy: "Always" }), c("500m")], containers: [c("200m")] }, 600],
    ["limits stand for absent requests", { containers: [{ name: "c", resources: { limits: { cpu: "250m" } } }] }, 250],
    ["the overhead is added", { overhead: { cpu: "50m" }, containers: [c("100m")] }, 150],
    ["pod-level requests replace the containers'", { resources: { requests: { cpu: "2" } }, containers: [c("100m")] }, 2000],
  ])("%s", (_name, spec, want) => {
    expect(podRequest({ spec }, "cpu")).toBe(want);
  });
});

describe("label and field selectors follow labels.Parse and fields.ParseSelector", () => {
  const labels = { app: "web", tier: "front" };
  it.each([
    ["app=web", true],
    ["app==web,tier=front", true],
    ["app!=web", false],
    ["app in (web,db)", true],
    ["app notin (web)", false],
    ["tier", true],
    ["!tier", false],
    ["env", false],
    ["!env", true],
    ["app in (web, db),tier", true],
  ])("%s matches app=web,tier=front: %s", (sel, want) => {
    expect(labelsMatch(parseLabelSelector(sel)!, labels)).toBe(want);
  });
  it("an unparsable selector is undefined", () => expect(parseLabelSelector("app = = web")).toBeUndefined());
  it("field selectors read the object's fields, absent ones as empty", () => {
    const pod = { metadata: { name: "p", namespace: "default" }, spec: { nodeName: "node-1" }, status: { phase: "Running" } };
    expect(fieldsMatch(parseFieldSelector("spec.nodeName=node-1")!, pod)).toBe(true);
    expect(fieldsMatch(parseFieldSelector("spec.nodeName=node-2")!, pod)).toBe(false);
    expect(fieldsMatch(parseFieldSelector("status.phase!=Succeeded,status.phase!=Failed")!, pod)).toBe(true);
    expect(fieldsMatch(parseFieldSelector("spec.nodeName=")!, { metadata: { name: "q" }, spec: {} })).toBe(true);
  });
});

describe("endpoint membership and ports follow ShouldPodBeInEndpoints and FindPort", () => {
  const pod = (extra: any = {}) => ({ metadata: { ...extra.metadata }, spec: { containers: [{ name: "c", ports: [{ name: "http", containerPort: 8080 }, { name: "dns", containerPort: 53, protocol: "UDP" }] }], initContainers: [{ name: "side", restartPolicy: "Always", ports: [{ name: "metrics", containerPort: 9090 }] }] }, status: { podIP: "10.0.0.1", ...extra.status } });
  it.each([
    ["a running pod with an IP", pod(), false, true],
    ["a pod without an IP", pod({ status: { podIP: "" } }), false, false],
    ["a terminal pod", pod({ status: { phase: "Succeeded" } }), true, false],
    ["a terminating pod", pod({ metadata: { deletionTimestamp: "2026-01-01T00:00:00Z" } }), false, false],
    ["a terminating pod when terminating ones are included", pod({ metadata: { deletionTimestamp: "2026-01-01T00:00:00Z" } }), true, true],
  ])("%s: %s", (_n, p, includeTerminating, want) => {
    expect(shouldPodBeInEndpoints(p, includeTerminating)).toBe(want);
  });
  it.each([
    ["a named port", { port: 80, targetPort: "http" }, 8080],
    ["a named port of another protocol is not it", { port: 53, targetPort: "dns" }, undefined],
    ["a named port with its protocol", { port: 53, targetPort: "dns", protocol: "UDP" }, 53],
    ["a sidecar's named port", { port: 90, targetPort: "metrics" }, 9090],
    ["a number", { port: 80, targetPort: 8081 }, 8081],
    ["no targetPort is the port", { port: 80 }, 80],
    ["an unknown name", { port: 80, targetPort: "nope" }, undefined],
  ])("%s", (_n, sp, want) => {
    expect(findPort(pod(), sp)).toBe(want);
  });
});

describe("toleratedSeconds follows the taint eviction controller's getMinTolerationTime", () => {
  const taint = { key: "node.kubernetes.io/unreachable", effect: "NoExecute" };
  const pod = (tolerations: any[]) => ({ spec: { tolerations } });
  it.each([
    ["no toleration", [], 0],
    ["tolerated forever", [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" }], Infinity],
    ["the default 300 s toleration", [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 }], 300],
    ["the smallest of several", [{ operator: "Exists", tolerationSeconds: 600 }, { key: "node.kubernetes.io/unreachable", operator: "Exists", tolerationSeconds: 60 }], 60],
    ["a negative one counts as 0", [{ operator: "Exists", tolerationSeconds: -5 }], 0],
    ["another key does not tolerate it", [{ key: "other", operator: "Exists" }], 0],
    ["a NoSchedule toleration does not tolerate NoExecute", [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoSchedule" }], 0],
  ])("%s", (_n, tolerations, want) => {
    expect(toleratedSeconds(pod(tolerations), taint)).toBe(want);
  });
});

describe("resourceOfKind follows meta.UnsafeGuessKindToResource", () => {
  it.each([["Pod", "pods"], ["Endpoints", "endpoints"], ["EndpointSlice", "endpointslices"], ["Ingress", "ingresses"], ["NetworkPolicy", "networkpolicies"], ["ReplicaSet", "replicasets"]])("%s is %s", (kind, resource) => {
    expect(resourceOfKind(kind)).toBe(resource);
  });
});
