// networking.k8s.io/v1 ServiceCIDR and IPAddress through the real kubectl against `podflow serve`:
// the default ServiceCIDR `kubernetes` the kubernetes-service-cidr-controller creates from the
// service range (pkg/controlplane/controller/defaultservicecidr: Ready=True, "Kubernetes default
// Service CIDR is ready") with kube-controller-manager's finalizer (pkg/controller/servicecidrs);
// one IPAddress per allocated ClusterIP (pkg/registry/core/service/ipallocator createIPAddress and
// serviceToRef), removed with the Service; a user's IPAddress taking an address from the allocator;
// ValidateServiceCIDR's messages; printServiceCIDR and printIPAddress's columns.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.skipIf(!bin)("servicecidrs and ipaddresses with the real kubectl", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000, ...(input !== undefined ? { input } : {}) });
  const cells = (out: string) => out.trimEnd().split("\n").map((l) => l.trim().split(/\s+/));

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl api-resources lists both kinds with every verb", async () => {
    const r = await k(["api-resources", "--api-group=networking.k8s.io", "-o", "wide", "--no-headers"]);
    const rows = cells(r.out).filter((row) => row[0] === "servicecidrs" || row[0] === "ipaddresses");
    expect(rows).toEqual([
      ["ipaddresses", "networking.k8s.io/v1", "false", "IPAddress", "create,delete,deletecollection,get,list,patch,update,watch"],
      ["servicecidrs", "networking.k8s.io/v1", "false", "ServiceCIDR", "create,delete,deletecollection,get,list,patch,update,watch"],
    ]);
  });

  it("the default ServiceCIDR covers the service range, is Ready and protected by its finalizer", async () => {
    const r = await k(["get", "servicecidrs"]);
    expect(r.code).toBe(0);
    const rows = cells(r.out);
    expect(rows[0]).toEqual(["NAME", "CIDRS", "AGE"]);
    expect(rows.slice(1).map((row) => row.slice(0, 2))).toEqual([["kubernetes", "10.96.0.0/12"]]);
    const o = JSON.parse((await k(["get", "servicecidr", "kubernetes", "-o", "json"])).out);
    expect(o.spec).toEqual({ cidrs: ["10.96.0.0/12"] });
    expect(o.metadata.finalizers).toEqual(["networking.k8s.io/service-cidr-finalizer"]);
    expect(o.status.conditions).toEqual([{ type: "Ready", status: "True", lastTransitionTime: o.metadata.creationTimestamp, reason: "", message: "Kubernetes default Service CIDR is ready" }]);
  });

  it("kubectl get ipaddresses: one per ClusterIP held, named by the address, its parent the Service", async () => {
    const r = await k(["get", "ipaddresses"]);
    expect(r.code).toBe(0);
    expect(cells(r.out)).toEqual([["NAME", "PARENTREF"], ["10.96.0.1", "services/default/kubernetes"], ["10.96.0.10", "services/kube-system/kube-dns"]]);
    const o = JSON.parse((await k(["get", "ipaddress", "10.96.0.1", "-o", "json"])).out);
    expect(o.metadata.labels).toEqual({ "ipaddress.kubernetes.io/ip-family": "IPv4", "ipaddress.kubernetes.io/managed-by": "ipallocator.k8s.io" });
    expect(o.spec).toEqual({ parentRef: { resource: "services", namespace: "default", name: "kubernetes" } });
  });

  it("a Service's ClusterIP gets its IPAddress, which goes with the Service; a headless one has none", async () => {
    const svc = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {clusterIP: 10.96.7.7, ports: [{port: 80}], selector: {app: web}}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: headless}\nspec: {clusterIP: None, ports: [{port: 80}], selector: {app: web}}\n";
    expect((await k(["apply", "-f", "-"], svc)).code).toBe(0);
    const got = await k(["get", "ipaddress", "10.96.7.7", "--no-headers"]);
    expect(cells(got.out)).toEqual([["10.96.7.7", "services/default/web"]]);
    expect(cells((await k(["get", "ipaddresses", "--no-headers"])).out).map((row) => row[0])).toEqual(["10.96.0.1", "10.96.0.10", "10.96.7.7"]);
    expect((await k(["delete", "service", "web"])).code).toBe(0);
    await until(async () => (await k(["get", "ipaddress", "10.96.7.7"])).code !== 0 || undefined, 10_000);
    const gone = await k(["get", "ipaddress", "10.96.7.7"]);
    expect(gone.err).toContain('ipaddresses.networking.k8s.io "10.96.7.7" not found');
  });

  it("an IPAddress a user creates takes its address from the allocator", async () => {
    const ip = "apiVersion: networking.k8s.io/v1\nkind: IPAddress\nmetadata: {name: 10.96.5.5}\nspec: {parentRef: {resource: gateways, group: gateway.networking.k8s.io, namespace: default, name: gw}}\n";
    expect((await k(["create", "-f", "-"], ip)).out).toBe("ipaddress.networking.k8s.io/10.96.5.5 created\n");
    expect(cells((await k(["get", "ipaddress", "10.96.5.5", "--no-headers"])).out)).toEqual([["10.96.5.5", "gateways.gateway.networking.k8s.io/default/gw"]]);
    const r = await k(["create", "service", "clusterip", "blocked", "--tcp=80:80", "--clusterip=10.96.5.5"]);
    expect(r.code).not.toBe(0);
    expect(r.err).toBe('error: failed to create ClusterIP service: Service "blocked" is invalid: spec.clusterIPs: Invalid value: ["10.96.5.5"]: failed to allocate IP 10.96.5.5: provided IP is already allocated\n');
  });

  it("a Service outside every ServiceCIDR, and an invalid ServiceCIDR, are refused with Kubernetes' messages", async () => {
    const out = await k(["create", "service", "clusterip", "outside", "--tcp=80:80", "--clusterip=10.250.0.5"]);
    expect(out.err).toBe('error: failed to create ClusterIP service: Service "outside" is invalid: spec.clusterIPs: Invalid value: ["10.250.0.5"]: failed to allocate IP 10.250.0.5: the provided network does not match the current range\n');
    const bad = "apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata: {name: bad}\nspec: {cidrs: [10.0.0.1/24]}\n";
    const r = await k(["create", "-f", "-"], bad);
    expect(r.err).toBe('The ServiceCIDR "bad" is invalid: spec.cidrs[0]: Invalid value: "10.0.0.1/24": must not have bits set beyond the prefix length\n');
    const two = "apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata: {name: two}\nspec: {cidrs: [10.0.0.0/24, 10.1.0.0/24]}\n";
    expect((await k(["create", "-f", "-"], two)).err).toBe('The ServiceCIDR "two" is invalid: spec.cidrs: Invalid value: {"CIDRs":["10.0.0.0/24","10.1.0.0/24"]}: may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64\n');
  });

  it("a ServiceCIDR a user adds is Ready, lends its addresses, and is kept while they are in use", async () => {
    const extra = "apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata: {name: extra}\nspec: {cidrs: [10.200.0.0/24]}\n";
    expect((await k(["create", "-f", "-"], extra)).code).toBe(0);
    await until(async () => JSON.parse((await k(["get", "servicecidr", "extra", "-o", "json"])).out).status?.conditions?.[0]?.status === "True" || undefined, 10_000);
    expect((await k(["create", "service", "clusterip", "in-extra", "--tcp=80:80", "--clusterip=10.200.0.5"])).code).toBe(0);
    expect((await k(["delete", "servicecidr", "extra", "--wait=false"])).code).toBe(0);
    await until(async () => JSON.parse((await k(["get", "servicecidr", "extra", "-o", "json"])).out).status?.conditions?.[0]?.reason === "Terminating" || undefined, 10_000);
    const held = JSON.parse((await k(["get", "servicecidr", "extra", "-o", "json"])).out);
    expect(held.metadata.finalizers).toEqual(["networking.k8s.io/service-cidr-finalizer"]);
    expect(held.status.conditions[0]).toMatchObject({ type: "Ready", status: "False", reason: "Terminating" });
    expect((await k(["delete", "service", "in-extra"])).code).toBe(0);
    await until(async () => (await k(["get", "servicecidr", "extra"])).code !== 0 || undefined, 20_000);
    expect((await k(["get", "servicecidr", "extra"])).err).toContain('servicecidrs.networking.k8s.io "extra" not found');
  });
});
