// ServiceCIDR and IPAddress through the real machines: the default ServiceCIDR the API server
// creates and marks Ready and kube-controller-manager protects with its finalizer; an IPAddress per
// ClusterIP, written with the Service and removed with it; the allocator refusing addresses an
// IPAddress holds or no ready ServiceCIDR covers (pkg/registry/core/service/ipallocator); the
// servicecidrs controller keeping a ServiceCIDR whose addresses are still in use
// (pkg/controller/servicecidrs).

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const service = (name: string, spec: object) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } });
const ipAddress = (name: string, parentRef: object = { resource: "services", namespace: "default", name: "elsewhere" }) => ({ apiVersion: "networking.k8s.io/v1", kind: "IPAddress", metadata: { name }, spec: { parentRef } });
const serviceCIDR = (name: string, cidrs: unknown) => ({ apiVersion: "networking.k8s.io/v1", kind: "ServiceCIDR", metadata: { name }, spec: { cidrs } });

function cluster() {
  const c = createCluster({ nodes: 1, seed: 21, clock: "simulated" });
  const create = (resource: string, body: object, namespace?: string) => c.requestSync({ verb: "create", group: resource === "services" ? "" : "networking.k8s.io", resource, ...(namespace ? { namespace } : {}), body });
  return { c, create, createService: (name: string, spec: object) => create("services", service(name, spec), "default") };
}

describe("the default ServiceCIDR", () => {
  it("covers --service-cluster-ip-range, is Ready (the API server's condition) and carries the controller's finalizer", async () => {
    const { c } = cluster();
    await c.settle();
    const sc = c.get("ServiceCIDR", "kubernetes");
    expect(sc.spec).toEqual({ cidrs: ["10.96.0.0/12"] });
    expect(sc.metadata.finalizers).toEqual(["networking.k8s.io/service-cidr-finalizer"]);
    // the servicecidrs controller applies its own Ready only when the condition is not True already
    expect(sc.status.conditions).toEqual([{ type: "Ready", status: "True", lastTransitionTime: sc.metadata.creationTimestamp, reason: "", message: "Kubernetes default Service CIDR is ready" }]);
    expect(sc.metadata.managedFields.map((f: any) => [f.manager, f.operation, f.subresource ?? ""])).toEqual(
      expect.arrayContaining([["kube-apiserver", "Update", ""], ["kubernetes-service-cidr-controller", "Apply", "status"]]),
    );
  });
});

describe("an IPAddress per ClusterIP", () => {
  it("is written with the Service, named by the address, labelled, its parent the Service; it goes with the Service", async () => {
    const { c, createService } = cluster();
    const res = createService("web", { clusterIP: "10.96.7.7" });
    expect(res.ok).toBe(true);
    const ip = c.get("IPAddress", "10.96.7.7");
    expect(ip.metadata.labels).toEqual({ "ipaddress.kubernetes.io/ip-family": "IPv4", "ipaddress.kubernetes.io/managed-by": "ipallocator.k8s.io" });
    expect(ip.spec).toEqual({ parentRef: { resource: "services", namespace: "default", name: "web" } });
    expect(ip.metadata.ownerReferences).toBeUndefined();
    await c.delete("Service", "web");
    await c.settle();
    expect(c.get("IPAddress", "10.96.7.7")).toBeUndefined();
  });

  it("is named by the parsed address when the Service writes it IPv4-mapped", () => {
    const { c, createService } = cluster();
    expect(createService("mapped", { clusterIP: "::ffff:10.96.0.60" }).ok).toBe(true);
    expect(c.get("IPAddress", "10.96.0.60")?.spec.parentRef.name).toBe("mapped");
  });

  it("is written for a dynamically allocated address, and none for a headless Service", () => {
    const { c, createService } = cluster();
    const res = createService("dyn", {});
    const ip = res.ok && res.object.spec.clusterIP;
    expect(c.get("IPAddress", ip).spec.parentRef).toEqual({ resource: "services", namespace: "default", name: "dyn" });
    const before = c.list("IPAddress").length;
    expect(createService("headless", { clusterIP: "None" }).ok).toBe(true);
    expect(c.list("IPAddress").length).toBe(before);
  });

  it("goes when an update releases the address (a change to ExternalName)", () => {
    const { c, createService } = cluster();
    expect(createService("ext", { clusterIP: "10.96.8.8" }).ok).toBe(true);
    const svc = c.get("Service", "ext");
    const res = c.requestSync({ verb: "update", group: "", resource: "services", namespace: "default", name: "ext", body: { ...svc, spec: { type: "ExternalName", externalName: "example.com", ports: svc.spec.ports } } });
    expect(res.ok).toBe(true);
    expect(c.get("IPAddress", "10.96.8.8")).toBeUndefined();
  });

  it("is not left behind by a Service create that fails after its address was allocated (a taken name)", () => {
    const { c, createService } = cluster();
    const res = createService("kubernetes", { clusterIP: "10.96.9.9" });
    expect(!res.ok && res.status.reason).toBe("AlreadyExists");
    expect(c.get("IPAddress", "10.96.9.9")).toBeUndefined();
    // and the address is free for the next Service
    expect(createService("next", { clusterIP: "10.96.9.9" }).ok).toBe(true);
  });
});

describe("the ClusterIP allocator reads the IPAddresses and ServiceCIDRs", () => {
  it("refuses an address a user's IPAddress holds: provided IP is already allocated", () => {
    const { create, createService } = cluster();
    expect(create("ipaddresses", ipAddress("10.96.5.5")).ok).toBe(true);
    const res = createService("blocked", { clusterIP: "10.96.5.5" });
    expect(!res.ok && res.status.message).toBe('Service "blocked" is invalid: spec.clusterIPs: Invalid value: ["10.96.5.5"]: failed to allocate IP 10.96.5.5: provided IP is already allocated');
  });

  it("refuses an address no ServiceCIDR holds with ErrMismatchedNetwork", () => {
    const { c, createService } = cluster();
    const res = createService("outside", { clusterIP: "10.250.0.5" });
    expect(!res.ok && res.status.message).toBe('Service "outside" is invalid: spec.clusterIPs: Invalid value: ["10.250.0.5"]: failed to allocate IP 10.250.0.5: the provided network does not match the current range');
    expect(c.get("IPAddress", "10.250.0.5")).toBeUndefined();
  });

  it("hands out an address of a ServiceCIDR a user adds once it is Ready", async () => {
    const { c, create, createService } = cluster();
    expect(create("servicecidrs", serviceCIDR("extra", ["10.200.0.0/24"])).ok).toBe(true);
    await c.settle();
    const sc = c.get("ServiceCIDR", "extra");
    expect(sc.metadata.finalizers).toEqual(["networking.k8s.io/service-cidr-finalizer"]);
    expect(sc.status.conditions).toEqual([{ type: "Ready", status: "True", lastTransitionTime: expect.any(String), reason: "", message: "Kubernetes Service CIDR is ready" }]);
    expect(createService("in-extra", { clusterIP: "10.200.0.5" }).ok).toBe(true);
    expect(c.get("IPAddress", "10.200.0.5").spec.parentRef.name).toBe("in-extra");
    // its network and broadcast addresses are no Service's (PrefixContainsIP)
    const net = createService("network", { clusterIP: "10.200.0.0" });
    expect(!net.ok && net.status.message).toContain("failed to allocate IP 10.200.0.0: the provided network does not match the current range");
  });
});

describe("deleting a ServiceCIDR (the servicecidrs controller)", () => {
  it("keeps it, Ready=False with reason Terminating, while a Service's address lies only in it; it goes 10 s after its addresses do", async () => {
    const { c, create, createService } = cluster();
    expect(create("servicecidrs", serviceCIDR("extra", ["10.200.0.0/24"])).ok).toBe(true);
    await c.settle();
    expect(createService("in-extra", { clusterIP: "10.200.0.5" }).ok).toBe(true);
    await c.delete("ServiceCIDR", "extra");
    await c.settle();
    const held = c.get("ServiceCIDR", "extra");
    expect(held.metadata.deletionTimestamp).toBeDefined();
    expect(held.metadata.finalizers).toEqual(["networking.k8s.io/service-cidr-finalizer"]);
    expect(held.status.conditions).toEqual([{
      type: "Ready", status: "False", lastTransitionTime: expect.any(String), reason: "Terminating",
      message: "There are still IPAddresses referencing the ServiceCIDR, please remove them or create a new ServiceCIDR",
    }]);
    // a ServiceCIDR being deleted hands out nothing more
    const late = createService("late", { clusterIP: "10.200.0.6" });
    expect(!late.ok && late.status.message).toContain("the provided network does not match the current range");
    await c.delete("Service", "in-extra");
    await c.settle();
    expect(c.get("ServiceCIDR", "extra")).toBeUndefined();
  });

  it("lets one another ServiceCIDR contains go without waiting for its addresses", async () => {
    const { c, create, createService } = cluster();
    expect(create("servicecidrs", serviceCIDR("inner", ["10.96.0.0/24"])).ok).toBe(true);
    await c.settle();
    expect(createService("in-inner", { clusterIP: "10.96.0.77" }).ok).toBe(true);
    await c.delete("ServiceCIDR", "inner");
    await c.settle();
    expect(c.get("ServiceCIDR", "inner")).toBeUndefined();
    expect(c.get("IPAddress", "10.96.0.77")).toBeDefined();
  });
});
