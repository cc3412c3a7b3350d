// TestValidatePodResize (pkg/apis/core/validation/validation_test.go), its kinds of rows, as writes to
// pods/resize: cpu and memory of regular containers and sidecars change, nothing else does, the QoS
// class stays, nothing is removed, static and Windows pods are never resized, and a running container
// whose status reports no resources means a node that cannot resize. A memory limit may shrink with
// any resizePolicy since v1.34 (the kubelet guards it, best effort).

import { describe, it, expect } from "vitest";
import { validateUpdate } from "./index.js";
import { aggregate, makeContainer, makePod } from "./testing.js";

type R = { requests?: Record<string, string>; limits?: Record<string, string> };

const withResources = (r: R | undefined, edit: (c: any) => void = () => {}) => makeContainer("ctr", (c) => {
  if (r !== undefined) c.resources = r;
  edit(c);
});
// a running container that reports its resources (a node that resizes), as the kubelet writes it
const running = (r: R | undefined) => ({ name: "ctr", ready: true, restartCount: 0, image: "image", imageID: "", state: { running: { startedAt: "2026-01-01T00:00:00Z" } }, resources: r ?? {} });
const pod = (r: R | undefined, ...tweaks: ((p: any) => void)[]) => makePod("pod", (p) => {
  p.metadata.resourceVersion = "1";
  p.spec.containers = [withResources(r)];
  p.status = { qosClass: "Burstable", containerStatuses: [running(r)] };
}, ...tweaks);
const qos = (q: string) => (p: any) => { p.status.qosClass = q; };

const guaranteed = (cpu: string, mem: string): R => ({ requests: { cpu, memory: mem }, limits: { cpu, memory: mem } });

// [name, new, old, want ("" for valid, else a part of the aggregate message)]
const rows: [string, any, any, string][] = [
  ["cpu limit change", pod({ limits: { cpu: "100m" } }), pod({ limits: { cpu: "200m" } }), ""],
  ["memory limit change", pod({ limits: { memory: "100Mi" } }), pod({ limits: { memory: "200Mi" } }), ""],
  ["memory limit decrease with resizePolicy NotRequired (allowed since v1.34)",
    pod({ limits: { memory: "100Mi" } }, (p) => { p.spec.containers[0].resizePolicy = [{ resourceName: "memory", restartPolicy: "NotRequired" }]; }),
    pod({ limits: { memory: "200Mi" } }, (p) => { p.spec.containers[0].resizePolicy = [{ resourceName: "memory", restartPolicy: "NotRequired" }]; }), ""],
  ["storage limit change", pod({ limits: { "ephemeral-storage": "100Mi" } }), pod({ limits: { "ephemeral-storage": "200Mi" } }), "spec: Forbidden: only cpu and memory resources are mutable"],
  ["cpu request change", pod({ requests: { cpu: "100m" } }), pod({ requests: { cpu: "200m" } }), ""],
  ["memory request change", pod({ requests: { memory: "100Mi" } }), pod({ requests: { memory: "200Mi" } }), ""],
  ["storage request change", pod({ requests: { "ephemeral-storage": "100Mi" } }), pod({ requests: { "ephemeral-storage": "200Mi" } }), "spec: Forbidden: only cpu and memory resources are mutable"],
  ["Pod QoS unchanged, guaranteed -> guaranteed", pod(guaranteed("200m", "200Mi"), qos("Guaranteed")), pod(guaranteed("100m", "100Mi"), qos("Guaranteed")), ""],
  ["Pod QoS unchanged, burstable -> burstable", pod({ requests: { cpu: "200m" }, limits: { cpu: "400m" } }), pod({ requests: { cpu: "100m" }, limits: { cpu: "300m" } }), ""],
  ["Pod QoS change, guaranteed -> burstable", pod({ requests: { cpu: "100m", memory: "100Mi" }, limits: { cpu: "200m", memory: "100Mi" } }, qos("Guaranteed")), pod(guaranteed("100m", "100Mi"), qos("Guaranteed")),
    `spec: Invalid value: "Guaranteed": Pod QOS Class may not change as a result of resizing`],
  ["Pod QoS change, burstable -> guaranteed", pod(guaranteed("100m", "100Mi")), pod({ requests: { cpu: "100m", memory: "100Mi" }, limits: { cpu: "200m", memory: "100Mi" } }),
    `spec: Invalid value: "Burstable": Pod QOS Class may not change as a result of resizing`],
  ["Pod QoS change, besteffort -> burstable", pod({ requests: { cpu: "100m" } }, qos("BestEffort")), pod(undefined, qos("BestEffort")), "Pod QOS Class may not change as a result of resizing"],
  ["cpu request removed", pod({ limits: { cpu: "200m" } }), pod({ requests: { cpu: "100m" }, limits: { cpu: "200m" } }), "spec.containers[0].resources.requests: Forbidden: resource requests cannot be removed"],
  ["memory limit removed", pod({ requests: { memory: "100Mi" } }), pod({ requests: { memory: "100Mi" }, limits: { memory: "200Mi" } }), "spec.containers[0].resources.limits: Forbidden: resource limits cannot be removed"],
  ["windows pod, resource change", pod({ limits: { cpu: "100m" } }, (p) => { p.spec.os = { name: "windows" }; }), pod({ limits: { cpu: "200m" } }, (p) => { p.spec.os = { name: "windows" }; }), "Forbidden: windows pods cannot be resized"],
  ["static pod", pod({ limits: { cpu: "100m" } }, (p) => { p.spec.nodeName = "node"; p.metadata.annotations = { "kubernetes.io/config.mirror": "mirror" }; }),
    pod({ limits: { cpu: "200m" } }, (p) => { p.spec.nodeName = "node"; p.metadata.annotations = { "kubernetes.io/config.mirror": "mirror" }; }), "Forbidden: static pods cannot be resized"],
  ["Pod with nil Resource field in Status", pod({ limits: { cpu: "100m" } }), pod({ limits: { cpu: "200m" } }, (p) => { delete p.status.containerStatuses[0].resources; }),
    "spec: Forbidden: Pod running on node without support for resize"],
  ["Pod without running containers", pod({ limits: { cpu: "100m" } }), pod({ limits: { cpu: "200m" } }, (p) => { p.status.containerStatuses = []; }), ""],
  ["Pod with containers which are not running yet", pod({ limits: { cpu: "100m" } }),
    pod({ limits: { cpu: "200m" } }, (p) => { p.status.containerStatuses = [{ ...running(undefined), state: { waiting: { reason: "ContainerCreating" } }, resources: undefined }]; }), ""],
  ["pod-level resources", pod({ limits: { cpu: "100m" } }, (p) => { p.spec.resources = { limits: { cpu: "1" } }; }), pod({ limits: { cpu: "200m" } }, (p) => { p.spec.resources = { limits: { cpu: "1" } }; }),
    "Forbidden: pods with pod-level resources cannot be resized"],
  ["resizePolicy change", pod({ limits: { cpu: "100m" } }, (p) => { p.spec.containers[0].resizePolicy = [{ resourceName: "cpu", restartPolicy: "RestartContainer" }]; }), pod({ limits: { cpu: "100m" } }),
    "spec: Forbidden: only cpu and memory resources are mutable"],
];

const sidecar = (r: R, name = "sidecar") => makeContainer(name, (c) => { c.resources = r; c.restartPolicy = "Always"; });
const init = (r: R) => makeContainer("init", (c) => { c.resources = r; });
const withInit = (c: any) => (p: any) => { p.spec.initContainers = [c]; };

const initRows: [string, any, any, string][] = [
  ["cpu limit change for sidecar containers", pod({}, withInit(sidecar({ limits: { cpu: "100m" } }))), pod({}, withInit(sidecar({ limits: { cpu: "200m" } }))), ""],
  ["storage limit change for sidecar containers", pod({}, withInit(sidecar({ limits: { "ephemeral-storage": "100Mi" } }))), pod({}, withInit(sidecar({ limits: { "ephemeral-storage": "200Mi" } }))),
    "spec: Forbidden: only cpu and memory resources for sidecar containers are mutable"],
  ["cpu request removed from a sidecar", pod({}, withInit(sidecar({ limits: { cpu: "200m" } }))), pod({}, withInit(sidecar({ requests: { cpu: "100m" }, limits: { cpu: "200m" } }))),
    "spec.initContainers[0].resources.requests: Forbidden: resource requests cannot be removed"],
  ["cpu limit change for a non-sidecar init container", pod({}, withInit(init({ limits: { cpu: "100m" } }))), pod({}, withInit(init({ limits: { cpu: "200m" } }))),
    "spec: Forbidden: resources for non-sidecar init containers are immutable"],
];

describe("ValidatePodResize (through pods/resize)", () => {
  for (const [name, next, old, want] of [...rows, ...initRows]) {
    it(name, () => {
      const errs = validateUpdate(next, old, "resize");
      if (want === "") expect(errs).toEqual([]);
      else expect(aggregate(errs)).toContain(want);
    });
  }
});
