// The EndpointSlice mirroring controller against Kubernetes' own expectations: the reconciler's
// cases (pkg/controller/endpointslicemirroring/reconciler_test.go: one address, addresses past the
// per-subset limit, invalid IPs, labels and annotations copied, an unchanged slice left alone) and
// the conformance test end to end through createCluster (test/e2e/network/endpointslicemirroring.go:
// "should mirror a custom Endpoints resource through create update and delete").

import { afterEach, describe, expect, it } from "vitest";
import type { Endpoints } from "kubernetes-types/core/v1";
import { createCluster } from "../../index.js";
import { MIRRORING_CONTROLLER_NAME, mirrorEvents, reconcileMirror, shouldMirror } from "./endpointslicemirroring.logic.js";

const endpoints = (subsets: Endpoints["subsets"], meta: Partial<NonNullable<Endpoints["metadata"]>> = {}): Endpoints => ({
  apiVersion: "v1",
  kind: "Endpoints",
  metadata: { name: "test-ep", namespace: "default", uid: "ep-uid", ...meta },
  subsets,
});
const port80 = [{ name: "http", port: 80, protocol: "TCP" as const }];

describe("reconcileMirror (reconciler_test.go)", () => {
  it("mirrors one address as one IPv4 slice owned by the Endpoints, named from its name, with the Service-name and managed-by labels", () => {
    const plan = reconcileMirror(endpoints([{ ports: port80, addresses: [{ ip: "10.0.0.1", hostname: "pod-1", nodeName: "node-1" }] }], { labels: { foo: "bar" } }), []);
    expect(plan.update).toEqual([]);
    expect(plan.delete).toEqual([]);
    expect(plan.create).toHaveLength(1);
    const s = plan.create[0]!;
    expect(s.metadata).toEqual({
      generateName: "test-ep-",
      namespace: "default",
      labels: { foo: "bar", "kubernetes.io/service-name": "test-ep", "endpointslice.kubernetes.io/managed-by": "endpointslicemirroring-controller.k8s.io" },
      ownerReferences: [{ apiVersion: "v1", kind: "Endpoints", name: "test-ep", uid: "ep-uid", controller: true, blockOwnerDeletion: true }],
    });
    expect(s.addressType).toBe("IPv4");
    expect(s.ports).toEqual([{ name: "http", port: 80, protocol: "TCP" }]);
    expect(s.endpoints).toEqual([{ addresses: ["10.0.0.1"], conditions: { ready: true }, hostname: "pod-1", nodeName: "node-1" }]);
  });

  it("mirrors not-ready addresses as ready false, and IPv6 addresses into their own slice", () => {
    const plan = reconcileMirror(endpoints([{ ports: port80, addresses: [{ ip: "10.0.0.1" }, { ip: "2001:db8::1" }], notReadyAddresses: [{ ip: "10.0.0.2" }] }]), []);
    const byType = Object.fromEntries(plan.create.map((s) => [s.addressType, s.endpoints]));
    expect(byType).toEqual({
      IPv4: [{ addresses: ["10.0.0.1"], conditions: { ready: true } }, { addresses: ["10.0.0.2"], conditions: { ready: false } }],
      IPv6: [{ addresses: ["2001:db8::1"], conditions: { ready: true } }],
    });
  });

  it("copies annotations but the trigger time and kubectl's last-applied configuration", () => {
    const ep = endpoints([{ ports: port80, addresses: [{ ip: "10.0.0.1" }] }], {
      annotations: { note: "x", "endpoints.kubernetes.io/last-change-trigger-time": "2020-01-01T00:00:00Z", "kubectl.kubernetes.io/last-applied-configuration": "{}" },
    });
    expect(reconcileMirror(ep, []).create[0]!.metadata?.annotations).toEqual({ note: "x" });
  });

  it("leaves a slice that already mirrors the Endpoints alone, and rewrites it when the Endpoints' labels change", () => {
    const ep = endpoints([{ ports: port80, addresses: [{ ip: "10.0.0.1" }] }]);
    const created = reconcileMirror(ep, []).create[0]!;
    const stored = { ...created, metadata: { ...created.metadata, name: "test-ep-abcde", generateName: undefined } };
    expect(reconcileMirror(ep, [stored])).toMatchObject({ create: [], update: [], delete: [] });
    const relabelled = reconcileMirror({ ...ep, metadata: { ...ep.metadata, labels: { team: "a" } } }, [stored]);
    expect(relabelled.update.map((s) => [s.metadata?.name, s.metadata?.labels?.team])).toEqual([["test-ep-abcde", "a"]]);
  });

  it("skips an invalid address with an InvalidIPAddress event", () => {
    const plan = reconcileMirror(endpoints([{ ports: port80, addresses: [{ ip: "10.0.0.1" }, { ip: "not-an-ip" }] }]), []);
    expect(plan.create[0]!.endpoints).toHaveLength(1);
    expect(mirrorEvents(plan)).toEqual([{ reason: "InvalidIPAddress", message: "Skipped 1 invalid IP addresses when mirroring to EndpointSlices" }]);
  });

  it("mirrors at most 1000 addresses of a subset, with a TooManyAddressesToMirror event for the rest", () => {
    const addresses = Array.from({ length: 1001 }, (_, i) => ({ ip: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}` }));
    const plan = reconcileMirror(endpoints([{ ports: port80, addresses }]), []);
    expect(plan.create[0]!.endpoints).toHaveLength(1000);
    expect(mirrorEvents(plan)).toEqual([{ reason: "TooManyAddressesToMirror", message: "A max of 1000 addresses can be mirrored to EndpointSlices per Endpoints subset. 1 addresses were skipped" }]);
  });

  it("a changed port set replaces the old slice: the create recycles the slice marked for deletion", () => {
    const ep = endpoints([{ ports: port80, addresses: [{ ip: "10.0.0.1" }] }]);
    const created = reconcileMirror(ep, []).create[0]!;
    const stored = { ...created, metadata: { ...created.metadata, name: "test-ep-abcde", generateName: undefined } };
    const plan = reconcileMirror(endpoints([{ ports: [{ name: "http", port: 8080, protocol: "TCP" }], addresses: [{ ip: "10.0.0.1" }] }]), [stored]);
    expect(plan.create).toEqual([]);
    expect(plan.delete).toEqual([]);
    expect(plan.update.map((s) => [s.metadata?.name, s.ports?.[0]?.port])).toEqual([["test-ep-abcde", 8080]]);
  });

  it("does not mirror an Endpoints labelled skip-mirror or used as a leader-election lock", () => {
    expect(shouldMirror(endpoints([], { labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } }))).toBe(false);
    expect(shouldMirror(endpoints([], { annotations: { "control-plane.alpha.kubernetes.io/leader": "{}" } }))).toBe(false);
    expect(shouldMirror(endpoints([]))).toBe(true);
  });
});

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

describe("the mirroring controller in a cluster (endpointslicemirroring.go, conformance)", () => {
  const mirrored = (c: Cluster, svc: string) => c.list("EndpointSlice", { namespace: "default" }).filter((s: any) => s.metadata.labels?.["kubernetes.io/service-name"] === svc);
  it("mirrors a custom Endpoints resource through create, update and delete", async () => {
    const c = createCluster({ nodes: 1, seed: 2 });
    clusters.push(c);
    await c.apply(`
apiVersion: v1
kind: Service
metadata: { name: example-custom-endpoints }
spec:
  ports: [{ name: example, port: 80, protocol: TCP }]
---
apiVersion: v1
kind: Endpoints
metadata: { name: example-custom-endpoints }
subsets:
- ports: [{ name: example, port: 80, protocol: TCP }]
  addresses: [{ ip: 10.1.2.3 }]
`);
    await c.settle();
    let slices = mirrored(c, "example-custom-endpoints");
    expect(slices).toHaveLength(1);
    expect(slices[0].metadata.labels["endpointslice.kubernetes.io/managed-by"]).toBe(MIRRORING_CONTROLLER_NAME);
    expect(slices[0].metadata.ownerReferences).toEqual([expect.objectContaining({ kind: "Endpoints", name: "example-custom-endpoints", controller: true })]);
    expect(slices[0].addressType).toBe("IPv4");
    expect(slices[0].endpoints).toEqual([{ addresses: ["10.1.2.3"], conditions: { ready: true } }]);
    expect(slices[0].ports).toEqual([{ name: "example", port: 80, protocol: "TCP" }]);

    await c.apply(`
apiVersion: v1
kind: Endpoints
metadata: { name: example-custom-endpoints }
subsets:
- ports: [{ name: example, port: 8090, protocol: TCP }]
  addresses: [{ ip: 10.2.3.4 }]
`);
    await c.settle();
    slices = mirrored(c, "example-custom-endpoints");
    expect(slices.map((s: any) => [s.endpoints[0].addresses[0], s.ports[0].port])).toEqual([["10.2.3.4", 8090]]);

    await c.delete("Endpoints", "example-custom-endpoints", "default");
    await c.settle();
    expect(mirrored(c, "example-custom-endpoints")).toEqual([]);
  });

  it("leaves the Endpoints of a Service with a selector, and the API server's own kubernetes Endpoints (skip-mirror), to the others", async () => {
    const c = createCluster({ nodes: 1, seed: 2 });
    clusters.push(c);
    await c.apply(`
apiVersion: v1
kind: Service
metadata: { name: selected }
spec:
  selector: { app: none }
  ports: [{ port: 80 }]
`);
    await c.settle();
    const slices = c.list("EndpointSlice", { namespace: "default" });
    expect(slices.map((s: any) => s.metadata.labels["kubernetes.io/service-name"]).sort()).toEqual(["kubernetes", "selected"]);
    expect(slices.filter((s: any) => s.metadata.labels["endpointslice.kubernetes.io/managed-by"] === MIRRORING_CONTROLLER_NAME)).toEqual([]);
  });
});
