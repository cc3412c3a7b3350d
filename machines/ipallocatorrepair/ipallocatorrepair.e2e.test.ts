// kube-apiserver's service-range controllers through the real machines: the ClusterIP repair loop
// (RepairIPAddress) putting back a Service's IPAddress, deleting an allocator's IPAddress whose
// Service never came, reporting a ClusterIP outside every ServiceCIDR; the default ServiceCIDR
// controller recreating `kubernetes`; and the MetaAllocator handing out addresses of every ready
// ServiceCIDR, passing a full one over.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const service = (name: string, spec: object = {}) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } });
const serviceCIDR = (name: string, cidrs: string[]) => ({ apiVersion: "networking.k8s.io/v1", kind: "ServiceCIDR", metadata: { name }, spec: { cidrs } });
const allocatorLabels = { "ipaddress.kubernetes.io/ip-family": "IPv4", "ipaddress.kubernetes.io/managed-by": "ipallocator.k8s.io" };

function cluster() {
  const c = createCluster({ nodes: 1, seed: 22, clock: "simulated" });
  const create = (resource: string, body: object, namespace?: string) => c.requestSync({ verb: "create", group: resource === "services" ? "" : "networking.k8s.io", resource, ...(namespace ? { namespace } : {}), body });
  const events = (component: string) => c.events().filter((e: any) => e.source?.component === component).map((e: any) => ({ type: e.type, reason: e.reason, message: e.message, object: `${e.involvedObject.kind}/${e.involvedObject.name}` }));
  return { c, create, createService: (name: string, spec?: object) => create("services", service(name, spec), "default"), events };
}

describe("the ClusterIP repair loop (ipallocator-repair-controller)", () => {
  it("recreates the IPAddress of a Service's ClusterIP a user deleted, at its next resync (3 min), with a ClusterIPNotAllocated event", async () => {
    const { c, createService, events } = cluster();
    const res = createService("web");
    expect(res.ok).toBe(true);
    const ip: string = res.ok ? res.object.spec.clusterIP : "";
    await c.settle();
    await c.delete("IPAddress", ip);
    await c.settle();
    expect(c.get("IPAddress", ip)).toBeUndefined();
    c.advance(180_000);
    await c.settle();
    const back = c.get("IPAddress", ip);
    expect(back.metadata.labels).toEqual(allocatorLabels);
    expect(back.spec.parentRef).toEqual({ resource: "services", namespace: "default", name: "web" });
    expect(events("ipallocator-repair-controller")).toEqual([{ type: "Warning", reason: "ClusterIPNotAllocated", message: `Cluster IP [IPv4]: ${ip} is not allocated; repairing`, object: "Service/web" }]);
  });

  it("deletes an allocator's IPAddress whose Service does not exist once it is older than 60 s, with an IPAddressNotAllocated event", async () => {
    const { c, create, events } = cluster();
    await c.settle();
    const body = { apiVersion: "networking.k8s.io/v1", kind: "IPAddress", metadata: { name: "10.96.9.9", labels: allocatorLabels }, spec: { parentRef: { resource: "services", namespace: "default", name: "ghost" } } };
    expect(create("ipaddresses", body).ok).toBe(true);
    await c.settle();
    c.advance(59_000);
    await c.settle();
    expect(c.get("IPAddress", "10.96.9.9")).toBeDefined();
    expect(events("ipallocator-repair-controller")).toEqual([]);
    c.advance(2_000);
    await c.settle();
    expect(c.get("IPAddress", "10.96.9.9")).toBeUndefined();
    expect(events("ipallocator-repair-controller")).toEqual([{ type: "Warning", reason: "IPAddressNotAllocated", message: "IPAddress: 10.96.9.9 for Service default/ghost appears to have leaked: cleaning up", object: "IPAddress/10.96.9.9" }]);
  });

  it("leaves an IPAddress another manager wrote alone", async () => {
    const { c, create, events } = cluster();
    await c.settle();
    expect(create("ipaddresses", { apiVersion: "networking.k8s.io/v1", kind: "IPAddress", metadata: { name: "10.96.9.8" }, spec: { parentRef: { resource: "services", namespace: "default", name: "ghost" } } }).ok).toBe(true);
    c.advance(200_000);
    await c.settle();
    expect(c.get("IPAddress", "10.96.9.8")).toBeDefined();
    expect(events("ipallocator-repair-controller")).toEqual([]);
  });

  it("reports a ClusterIP no ServiceCIDR holds any more (ClusterIPOutOfRange) and writes no IPAddress for it", async () => {
    const { c, create, createService, events } = cluster();
    expect(create("servicecidrs", serviceCIDR("extra", ["10.200.0.0/24"])).ok).toBe(true);
    await c.settle();
    expect(createService("far", { clusterIP: "10.200.0.5" }).ok).toBe(true);
    await c.settle();
    // the address freed by hand, its ServiceCIDR can go (10 s after its deletion)
    await c.delete("IPAddress", "10.200.0.5");
    await c.delete("ServiceCIDR", "extra");
    await c.settle();
    c.advance(11_000);
    await c.settle();
    expect(c.get("ServiceCIDR", "extra")).toBeUndefined();
    c.advance(180_000);
    await c.settle();
    expect(c.get("IPAddress", "10.200.0.5")).toBeUndefined();
    expect(events("ipallocator-repair-controller")).toEqual([{ type: "Warning", reason: "ClusterIPOutOfRange", message: "Cluster IP [IPv4]: 10.200.0.5 is not within any configured Service CIDR; please recreate service", object: "Service/far" }]);
  });

  it("says nothing about Services created, updated and deleted in the normal way", async () => {
    const { c, createService, events } = cluster();
    for (const name of ["a", "b", "c"]) expect(createService(name).ok).toBe(true);
    await c.settle();
    await c.delete("Service", "b");
    c.advance(200_000);
    await c.settle();
    expect(events("ipallocator-repair-controller")).toEqual([]);
  });
});

describe("the default ServiceCIDR controller (kubernetes-service-cidr-controller)", () => {
  it("creates `kubernetes` again over --service-cluster-ip-range once a deletion took it away, and it is Ready", async () => {
    const { c, create } = cluster();
    // a wider ServiceCIDR holds the default's addresses, so the servicecidrs controller lets it go
    expect(create("servicecidrs", serviceCIDR("wide", ["10.96.0.0/11"])).ok).toBe(true);
    await c.settle();
    const before = c.get("ServiceCIDR", "kubernetes").metadata.uid;
    await c.delete("ServiceCIDR", "kubernetes");
    await c.settle();
    c.advance(21_000);
    await c.settle();
    const again = c.get("ServiceCIDR", "kubernetes");
    expect(again.metadata.uid).not.toBe(before);
    expect(again.spec).toEqual({ cidrs: ["10.96.0.0/12"] });
    expect(again.status.conditions.find((x: any) => x.type === "Ready").status).toBe("True");
  });

  it("reports, once, a default ServiceCIDR whose ranges differ from the flags (KubernetesDefaultServiceCIDRInconsistent)", async () => {
    const { c, create, events } = cluster();
    expect(create("servicecidrs", serviceCIDR("wide", ["10.96.0.0/11"])).ok).toBe(true);
    await c.settle();
    await c.delete("ServiceCIDR", "kubernetes");
    // taken before the controller's next sync finds it gone
    for (let i = 0; i < 300 && c.get("ServiceCIDR", "kubernetes") !== undefined; i++) {
      c.advance(100);
      await c.settle();
    }
    expect(create("servicecidrs", serviceCIDR("kubernetes", ["10.100.0.0/16"])).ok).toBe(true);
    c.advance(30_000);
    await c.settle();
    expect(c.get("ServiceCIDR", "kubernetes").spec.cidrs).toEqual(["10.100.0.0/16"]);
    expect(events("kubernetes-service-cidr-controller")).toEqual([{
      type: "Warning", reason: "KubernetesDefaultServiceCIDRInconsistent", message: "The default ServiceCIDR [10.100.0.0/16] does not match the controller flag configurations [10.96.0.0/12]", object: "ServiceCIDR/kubernetes",
    }]);
  });
});

describe("dynamic ClusterIPs from every ready ServiceCIDR (MetaAllocator)", () => {
  it("draws from each ready range, in Go map order (a fresh random order per Service)", async () => {
    const { c, create, createService } = cluster();
    expect(create("servicecidrs", serviceCIDR("extra", ["10.200.0.0/24"])).ok).toBe(true);
    await c.settle();
    const ips: string[] = [];
    for (let i = 0; i < 16; i++) {
      const r = createService(`s${i}`);
      expect(r.ok).toBe(true);
      if (r.ok) ips.push(r.object.spec.clusterIP);
    }
    expect(ips.some((ip) => ip.startsWith("10.200.0."))).toBe(true);
    expect(ips.some((ip) => !ip.startsWith("10.200.0."))).toBe(true);
    for (const ip of ips) expect(c.get("IPAddress", ip)).toBeDefined();
  });

  it("passes a range that is not ready over, and answers ErrFull (500) once every ready range is full", async () => {
    const { c, create, createService } = cluster();
    expect(create("servicecidrs", serviceCIDR("small", ["10.200.0.0/29"])).ok).toBe(true);
    await c.settle();
    // the default range, being deleted, is not ready: it stays (Terminating) while its Services hold addresses
    await c.delete("ServiceCIDR", "kubernetes");
    await c.settle();
    expect(c.get("ServiceCIDR", "kubernetes").status.conditions[0].reason).toBe("Terminating");
    const got: string[] = [];
    for (let i = 1; i <= 6; i++) {
      const r = createService(`s${i}`);
      expect(r.ok).toBe(true);
      if (r.ok) got.push(r.object.spec.clusterIP);
    }
    expect(got.sort()).toEqual(["10.200.0.1", "10.200.0.2", "10.200.0.3", "10.200.0.4", "10.200.0.5", "10.200.0.6"]);
    const full = createService("s7");
    expect(!full.ok && [full.status.code, full.status.reason, full.status.message]).toEqual([500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: range is full"]);
  });
});
