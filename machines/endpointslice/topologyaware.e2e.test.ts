// Topology Aware Routing end to end: nodes in three zones with different allocatable CPU, a
// Service annotated `service.kubernetes.io/topology-mode: Auto`. The EndpointSlice controller's
// topology cache hints endpoints to zones in proportion to CPU (k8s.io/endpointslice/topologycache),
// kube-proxy on each node keeps to its zone's hints (pkg/proxy/topology.go), and the events say so.

import { describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";

const node = (name: string, zone: string, cpu: string) => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, labels: { "kubernetes.io/hostname": name, "topology.kubernetes.io/zone": zone } },
  status: { capacity: { cpu, memory: "16Gi", pods: "110" }, allocatable: { cpu, memory: "16Gi", pods: "110" }, conditions: [{ type: "Ready", status: "True" }] },
});

const service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "default", annotations: { "service.kubernetes.io/topology-mode": "Auto" } },
  spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: 80 }] },
};

const pod = (name: string, nodeName: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default", labels: { app: "web" } },
  spec: { nodeName, containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }] }] },
});

const endpoints = (c: Cluster): any[] => c.list("EndpointSlice", { namespace: "default", labelSelector: "kubernetes.io/service-name=web" }).flatMap((s: any) => s.endpoints ?? []);
const hintEvents = (c: Cluster) =>
  c.events().filter((e: any) => e.involvedObject?.kind === "Service" && e.involvedObject?.name === "web" && e.reason?.startsWith("TopologyAwareHints")).map((e: any) => [e.type, e.reason, e.message, e.source?.component]);
const backends = (c: Cluster, nodeName: string) => c.proxyRules(nodeName).find((r) => r.kind === "ClusterIP" && r.service === "default/web:http")?.backends ?? [];

async function settled(c: Cluster): Promise<void> {
  await c.settle();
  c.advance(5_000);
  await c.settle();
}

describe("Topology Aware Routing through the running cluster", () => {
  it("hints endpoints to zones by allocatable CPU, kube-proxy keeps each zone to its hints, and removing the annotation removes them", async () => {
    // zone-a holds half the CPU (4 of 8), zone-b and zone-c a quarter each
    const c = createCluster({ nodes: [node("node-a", "zone-a", "4"), node("node-b", "zone-b", "2"), node("node-c", "zone-c", "2")] as any, seed: 11 });
    // Two endpoints cannot cover three zones: no hints, and a warning that says why (each sync says
    // it again with its count, as the pods become ready one by one).
    await c.apply([service, pod("a-1", "node-a"), pod("b-1", "node-b")]);
    await settled(c);
    expect(endpoints(c).map((e) => e.hints)).toEqual([undefined, undefined]);
    expect(hintEvents(c).at(-1)).toEqual(["Warning", "TopologyAwareHintsDisabled", "Insufficient number of endpoints (2 endpoints, 3 zones), addressType: IPv4", "endpoint-slice-controller"]);

    // Eight endpoints: 2 in zone-a, 3 in zone-b, 3 in zone-c. By CPU zone-a should take 4 (its
    // minimum ceil(4 / 1.2) = 4), zone-b and zone-c 2 each: one endpoint of zone-b and one of
    // zone-c, the first of each in the slice, are hinted to zone-a.
    await c.apply([pod("a-2", "node-a"), pod("b-2", "node-b"), pod("b-3", "node-b"), pod("c-1", "node-c"), pod("c-2", "node-c"), pod("c-3", "node-c")]);
    await settled(c);
    const eps = endpoints(c);
    expect(eps).toHaveLength(8);
    const firstOf = (zone: string) => eps.find((e) => e.zone === zone).targetRef.name;
    const want = (e: any) => (e.zone === "zone-a" || e.targetRef.name === firstOf("zone-b") || e.targetRef.name === firstOf("zone-c") ? "zone-a" : e.zone);
    for (const e of eps) expect([e.targetRef.name, e.hints]).toEqual([e.targetRef.name, { forZones: [{ name: want(e) }] }]);
    const perZone = new Map<string, number>();
    for (const e of eps) perZone.set(e.hints.forZones[0].name, (perZone.get(e.hints.forZones[0].name) ?? 0) + 1);
    expect(Object.fromEntries(perZone)).toEqual({ "zone-a": 4, "zone-b": 2, "zone-c": 2 });
    expect(hintEvents(c)).toContainEqual(["Normal", "TopologyAwareHintsEnabled", "Topology Aware Hints has been enabled, addressType: IPv4", "endpoint-slice-controller"]);

    // kube-proxy on each node sends the Service's traffic to the endpoints hinted to its zone.
    const ipOf = (name: string) => `${c.get("Pod", name, "default").status.podIP}:80`;
    const hintedTo = (zone: string) => eps.filter((e) => e.hints.forZones[0].name === zone).map((e) => ipOf(e.targetRef.name)).sort();
    expect([...backends(c, "node-a")].sort()).toEqual(hintedTo("zone-a"));
    expect([...backends(c, "node-b")].sort()).toEqual(hintedTo("zone-b"));
    expect([...backends(c, "node-c")].sort()).toEqual(hintedTo("zone-c"));

    // The annotation gone: the hints go, with TopologyAwareHintsDisabled, and every node uses all eight.
    expect(c.requestSync({ verb: "patch", group: "", resource: "services", namespace: "default", name: "web", patchType: "merge", body: { metadata: { annotations: null } } }).ok).toBe(true);
    await settled(c);
    expect(endpoints(c).map((e) => e.hints)).toEqual(Array(8).fill(undefined));
    expect(hintEvents(c)).toContainEqual(["Warning", "TopologyAwareHintsDisabled", "Topology Aware Hints has been disabled, addressType: IPv4", "endpoint-slice-controller"]);
    expect(backends(c, "node-b")).toHaveLength(8);
    await c.stop();
  });

  it("a ready node losing its zone label takes every Service's hints away (InsufficientNodeInfo)", async () => {
    const c = createCluster({ nodes: [node("node-a", "zone-a", "2"), node("node-b", "zone-b", "2")] as any, seed: 12 });
    await c.apply([service, pod("a-1", "node-a"), pod("a-2", "node-a"), pod("b-1", "node-b"), pod("b-2", "node-b")]);
    await settled(c);
    expect(endpoints(c).map((e) => e.hints?.forZones?.[0]?.name).sort()).toEqual(["zone-a", "zone-a", "zone-b", "zone-b"]);
    expect(c.requestSync({ verb: "patch", group: "", resource: "nodes", name: "node-b", patchType: "merge", body: { metadata: { labels: { "topology.kubernetes.io/zone": null } } } }).ok).toBe(true);
    await settled(c);
    expect(endpoints(c).map((e) => e.hints)).toEqual([undefined, undefined, undefined, undefined]);
    expect(hintEvents(c)).toContainEqual([
      "Warning", "TopologyAwareHintsDisabled", "Insufficient Node information: allocatable CPU or zone not specified on one or more nodes, addressType: IPv4", "endpoint-slice-controller",
    ]);
    await c.stop();
  });
});
