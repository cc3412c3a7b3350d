// The Service allocations of pkg/registry/core/service/storage/alloc.go: the health check nodePort.
import { describe, expect, it } from "vitest";
import { isAllocated } from "./allocators.js";
import { allocateServiceAddresses, newServiceAllocators, releaseDroppedAddresses, releaseServiceAddresses } from "./services.js";

const lb = (policy: string, hc?: number) => ({
  kind: "Service", metadata: { name: "lb", namespace: "default" },
  spec: { type: "LoadBalancer", externalTrafficPolicy: policy, ports: [{ port: 80, protocol: "TCP" }], ...(hc ? { healthCheckNodePort: hc } : {}) },
});

describe("the health check nodePort (apiservice.NeedsHealthCheck: LoadBalancer with externalTrafficPolicy Local)", () => {
  it("is allocated from the nodePort range on create, only for Local", () => {
    const local = allocateServiceAddresses(newServiceAllocators(), lb("Local"), undefined);
    if (!("service" in local)) throw new Error("refused");
    const hc = local.service.spec.healthCheckNodePort;
    expect(hc).toBeGreaterThanOrEqual(30000);
    expect(hc).toBeLessThanOrEqual(32767);
    expect(isAllocated(local.allocators.ports, hc)).toBe(true);
    const cluster = allocateServiceAddresses(newServiceAllocators(), lb("Cluster"), undefined);
    expect("service" in cluster && cluster.service.spec.healthCheckNodePort).toBe(undefined);
  });

  it("a requested port that is taken is allocHealthCheckNodePort's error", () => {
    const first = allocateServiceAddresses(newServiceAllocators(), lb("Local", 30500), undefined);
    if (!("service" in first)) throw new Error("refused");
    const again = allocateServiceAddresses(first.allocators, lb("Local", 30500), undefined);
    expect(again).toMatchObject({ internal: "failed to allocate requested HealthCheck NodePort 30500: provided port is already allocated" });
    const outside = allocateServiceAddresses(newServiceAllocators(), lb("Local", 80), undefined);
    expect(outside).toMatchObject({ internal: "failed to allocate requested HealthCheck NodePort 80: provided port is not in the valid range. The range of valid ports is 30000-32767" });
  });

  it("a stored Service re-read at start holds its port again; deleting it or turning Cluster frees it", () => {
    const stored = { ...lb("Local", 31000), spec: { ...lb("Local", 31000).spec, clusterIP: "10.96.0.50", clusterIPs: ["10.96.0.50"], ports: [{ port: 80, protocol: "TCP", nodePort: 30080 }] } };
    const reloaded = allocateServiceAddresses(newServiceAllocators(), stored, stored);
    expect(isAllocated(reloaded.allocators.ports, 31000)).toBe(true);
    expect(isAllocated(releaseServiceAddresses(reloaded.allocators, stored).ports, 31000)).toBe(false);
    const turned = { ...stored, spec: { ...stored.spec, externalTrafficPolicy: "Cluster" } };
    delete (turned.spec as { healthCheckNodePort?: number }).healthCheckNodePort;
    expect(isAllocated(releaseDroppedAddresses(reloaded.allocators, turned, stored).ports, 31000)).toBe(false);
  });
});
