import { describe, it, expect } from "vitest";
import fc from "fast-check";
import type { EndpointSubset, Pod, Service } from "kubernetes-types/core/v1";
import { endpointsFor, endpointsEqual, repackSubsets, podToEndpointAddress } from "./endpoints.logic.js";
import { matchesServiceSelector, findPort } from "../common/endpointutil.js";
import { rfc3339Nano } from "../common/time.js";

function pod(name: string, ip: string | undefined, opts: Partial<{ ready: boolean; node: string; deleting: boolean; phase: string; labels: Record<string, string>; hostname: string; subdomain: string; ns: string; ports: { name: string; containerPort: number; protocol?: string }[] }> = {}): Pod {
  return {
    metadata: {
      name,
      namespace: opts.ns ?? "default",
      uid: `uid-${name}`,
      labels: opts.labels ?? { app: "web" },
      ...(opts.deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}),
    },
    spec: {
      nodeName: opts.node ?? "node-1",
      containers: [{ name: "c", ports: opts.ports ?? [{ name: "http", containerPort: 8080 }] }],
      ...(opts.hostname ? { hostname: opts.hostname } : {}),
      ...(opts.subdomain ? { subdomain: opts.subdomain } : {}),
    },
    status: {
      phase: opts.phase ?? "Running",
      ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
      conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }],
    },
  };
}

function svc(extra: Partial<Service["spec"]> = {}, meta: Partial<Service["metadata"]> = {}): Service {
  return {
    metadata: { name: "web", namespace: "default", uid: "svc-uid", ...meta },
    spec: { selector: { app: "web" }, clusterIP: "10.96.0.20", ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }], ...extra },
  };
}

const ref = (name: string) => ({ kind: "Pod", namespace: "default", name, uid: `uid-${name}` });

describe("matchesServiceSelector", () => {
  it.each([
    { name: "an absent selector selects nothing", sel: undefined, labels: { app: "web" }, want: false },
    { name: "an empty selector selects nothing", sel: {}, labels: { app: "web" }, want: false },
    { name: "every selector key must match", sel: { app: "web", tier: "fe" }, labels: { app: "web" }, want: false },
    { name: "extra pod labels do not matter", sel: { app: "web" }, labels: { app: "web", x: "y" }, want: true },
  ])("$name", ({ sel, labels, want }) => expect(matchesServiceSelector(sel as Record<string, string> | undefined, labels as Record<string, string>)).toBe(want));
});

describe("findPort (podutil.FindPort)", () => {
  it.each([
    { name: "a numeric targetPort is used as is", sp: { port: 80, targetPort: 9376 }, want: 9376 },
    { name: "a missing targetPort defaults to the Service port", sp: { port: 80 }, want: 80 },
    { name: "a named targetPort resolves to the container port of that name", sp: { port: 80, targetPort: "http" }, want: 8080 },
    { name: "a named targetPort must also match the protocol", sp: { port: 80, targetPort: "http", protocol: "UDP" }, want: undefined },
    { name: "an unknown name finds nothing", sp: { port: 80, targetPort: "grpc" }, want: undefined },
  ])("$name", ({ sp, want }) => expect(findPort(pod("p", "10.244.1.5"), sp)).toBe(want));
});

describe("endpointsFor (endpoints_controller_test)", () => {
  it("leaves Services without a selector alone", () => {
    expect(endpointsFor(svc({ selector: undefined }), [pod("p", "10.244.1.5")])).toBeNull();
  });

  it("lists a ready pod with targetRef, nodeName and the resolved port (TestSyncEndpointsProtocolTCP)", () => {
    const ep = endpointsFor(svc(), [pod("pod0", "10.244.1.5")]);
    expect(ep).toEqual({
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { name: "web", namespace: "default", labels: { "endpoints.kubernetes.io/managed-by": "endpoint-controller" } },
      subsets: [{ addresses: [{ ip: "10.244.1.5", nodeName: "node-1", targetRef: ref("pod0") }], ports: [{ name: "http", port: 8080, protocol: "TCP" }] }],
    });
  });

  it("puts not-ready pods in notReadyAddresses of the same subset", () => {
    const ep = endpointsFor(svc(), [pod("a", "10.244.1.5"), pod("b", "10.244.1.6", { ready: false })]);
    expect(ep?.subsets).toEqual([
      {
        addresses: [{ ip: "10.244.1.5", nodeName: "node-1", targetRef: ref("a") }],
        notReadyAddresses: [{ ip: "10.244.1.6", nodeName: "node-1", targetRef: ref("b") }],
        ports: [{ name: "http", port: 8080, protocol: "TCP" }],
      },
    ]);
  });

  it("publishNotReadyAddresses lists not-ready and terminating pods as ready", () => {
    const ep = endpointsFor(svc({ publishNotReadyAddresses: true }), [
      pod("a", "10.244.1.5", { ready: false }),
      pod("b", "10.244.1.6", { deleting: true }),
    ]);
    expect(ep?.subsets?.[0]?.addresses?.map((a) => a.ip)).toEqual(["10.244.1.5", "10.244.1.6"]);
    expect(ep?.subsets?.[0]?.notReadyAddresses).toBeUndefined();
  });

  it.each([
    { name: "terminating pods are left out", p: pod("t", "10.244.1.7", { deleting: true }) },
    { name: "pods without an IP are skipped", p: pod("n", undefined) },
    { name: "succeeded pods are skipped", p: pod("s", "10.244.1.8", { phase: "Succeeded" }) },
    { name: "pods in another namespace are ignored", p: pod("o", "10.244.1.9", { ns: "other" }) },
    { name: "pods the selector does not match are ignored", p: pod("x", "10.244.1.10", { labels: { app: "db" } }) },
    { name: "pods with no port matching a named targetPort are skipped", p: pod("q", "10.244.1.11", { ports: [{ name: "metrics", containerPort: 9090 }] }) },
  ])("$name", ({ p }) => {
    const ep = endpointsFor(svc({ ports: [{ name: "http", port: 80, targetPort: "http" }] }), [p]);
    expect(ep?.subsets).toBeUndefined();
  });

  it("sorts addresses by IP as a string, as LessEndpointAddress compares bytes", () => {
    const ep = endpointsFor(svc(), [pod("a", "10.244.1.5"), pod("b", "10.244.1.10"), pod("c", "10.244.0.200")]);
    expect(ep?.subsets?.[0]?.addresses?.map((a) => a.ip)).toEqual(["10.244.0.200", "10.244.1.10", "10.244.1.5"]);
  });

  it("splits pods whose named targetPort resolves to different numbers into separate subsets", () => {
    const ep = endpointsFor(svc({ ports: [{ name: "http", port: 80, targetPort: "http" }] }), [
      pod("a", "10.244.1.5", { ports: [{ name: "http", containerPort: 8080 }] }),
      pod("b", "10.244.1.6", { ports: [{ name: "http", containerPort: 9090 }] }),
    ]);
    expect(ep?.subsets?.map((s) => [s.addresses?.[0]?.ip, s.ports?.[0]?.port])).toEqual([
      ["10.244.1.5", 8080],
      ["10.244.1.6", 9090],
    ]);
  });

  it("sets hostname for a pod whose subdomain names the Service and labels a headless Service", () => {
    const ep = endpointsFor(svc({ clusterIP: "None", ports: [] }), [pod("a", "10.244.1.5", { hostname: "web-0", subdomain: "web" })]);
    expect(ep?.metadata?.labels).toEqual({ "service.kubernetes.io/headless": "", "endpoints.kubernetes.io/managed-by": "endpoint-controller" });
    expect(ep?.subsets).toEqual([{ addresses: [{ ip: "10.244.1.5", hostname: "web-0", nodeName: "node-1", targetRef: ref("a") }] }]);
  });

  // ShouldSetHostname: a hostname, a subdomain naming the Service, and the Service's namespace
  it("leaves out the hostname of a pod whose subdomain names another Service", () => {
    const ep = endpointsFor(svc({ clusterIP: "None", ports: [] }), [pod("a", "10.244.1.5", { hostname: "web-0", subdomain: "other" })]);
    expect(ep?.subsets).toEqual([{ addresses: [{ ip: "10.244.1.5", nodeName: "node-1", targetRef: ref("a") }] }]);
  });

  it("copies the Service's labels and writes the last-change-trigger-time annotation", () => {
    const ep = endpointsFor(svc({}, { labels: { team: "a" } }), [], { lastChangeTriggerTime: Date.UTC(2026, 0, 2, 3, 4, 5, 120) });
    expect(ep?.metadata?.labels).toEqual({ team: "a", "endpoints.kubernetes.io/managed-by": "endpoint-controller" });
    expect(ep?.metadata?.annotations).toEqual({ "endpoints.kubernetes.io/last-change-trigger-time": "2026-01-02T03:04:05.12Z" });
  });

  it("formats whole seconds without a fraction, as RFC3339Nano does", () => {
    expect(rfc3339Nano(Date.UTC(2026, 0, 1))).toBe("2026-01-01T00:00:00Z");
  });

  it("treats a re-sync with only a new trigger time as no change", () => {
    const a = endpointsFor(svc(), [pod("a", "10.244.1.5")], { lastChangeTriggerTime: 1 });
    const b = endpointsFor(svc(), [pod("a", "10.244.1.5")], { lastChangeTriggerTime: 2 });
    const c = endpointsFor(svc(), [pod("a", "10.244.1.5", { ready: false })]);
    expect(endpointsEqual(a, b)).toBe(true);
    expect(endpointsEqual(a, c)).toBe(false);
  });
});

describe("endpointsFor's one-subset path for pods that share their ports", () => {
  // Pods of one template resolve the same ports; the result must be what RepackSubsets makes of
  // the per-pod, per-port subsets (duplicate IPs, not-ready pods and several ports included).
  it("equals RepackSubsets over the pods' per-port subsets", () => {
    const arbPod = fc.record({ ip: fc.integer({ min: 1, max: 6 }), ready: fc.boolean(), uid: fc.integer({ min: 0, max: 2 }) });
    fc.assert(fc.property(fc.array(arbPod, { maxLength: 12 }), fc.integer({ min: 0, max: 2 }), fc.boolean(), (specs, nPorts, publish) => {
      const ports = [{ name: "http", containerPort: 8080 }, { name: "metrics", containerPort: 9090 }].slice(0, Math.max(1, nPorts));
      const service = svc({
        publishNotReadyAddresses: publish,
        ports: nPorts === 0 ? [{ name: "http", port: 80, targetPort: "http" as any, protocol: "TCP" }] : ports.map((p) => ({ name: p.name, port: p.containerPort, targetPort: p.name as any, protocol: "TCP" })),
      });
      const pods = specs.map((x, i) => {
        const p = pod(`p${i}`, `10.0.0.${x.ip}`, { ready: x.ready, ports });
        p.metadata!.uid = `uid-${x.uid}`;
        return p;
      });
      const perPort: EndpointSubset[] = [];
      for (const p of pods) {
        const addr = podToEndpointAddress(p, p.status!.podIP!);
        const ready = publish || p.status!.conditions![0]!.status === "True";
        for (const sp of service.spec!.ports!) {
          const port = findPort(p, sp)!;
          const ep = { name: sp.name ?? "", port, protocol: sp.protocol ?? "TCP" };
          perPort.push(ready ? { addresses: [addr], ports: [ep] } : { notReadyAddresses: [addr], ports: [ep] });
        }
      }
      expect(endpointsFor(service, pods)!.subsets ?? []).toEqual(repackSubsets(perPort));
    }), { seed: 1, numRuns: 300 });
  });
});
