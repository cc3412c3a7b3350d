import { describe, it, expect } from "vitest";
import {
  newClusterIPAllocator,
  newNodePortAllocator,
  allocateNext,
  allocateSpecific,
  allocateSpecificNodePort,
  allocateNextNodePort,
  release,
  free,
  isAllocated,
  kubernetesServiceIP,
  rangeOffset,
  type RangeAllocatorState,
} from "./allocators.js";
import { ipToInt } from "../cni/ipam.js";
import { allocateServiceAddresses, newServiceAllocators, releaseServiceAddresses } from "./services.js";

// A deterministic "random" source cycling through fixed fractions.
const seq = (...xs: number[]) => {
  let i = 0;
  return () => xs[i++ % xs.length]!;
};

describe("ClusterIP allocator (ipallocator bitmap_test)", () => {
  it.each([
    { name: "a /24 has 254 usable addresses and a 16-address static band", cidr: "10.0.0.0/24", size: 254, staticSize: 16 },
    { name: "a /25 still gets the minimum 16-address static band", cidr: "192.168.1.0/25", size: 126, staticSize: 16 },
    { name: "a /28 is too small for a static band", cidr: "192.168.1.0/28", size: 14, staticSize: 0 },
    { name: "the default /12 caps the static band at 256 addresses", cidr: "10.96.0.0/12", size: 1048574, staticSize: 256 },
  ])("$name", ({ cidr, size, staticSize }) => {
    const s = newClusterIPAllocator(cidr, { reserveKubernetesServiceIP: false });
    expect(s.size).toBe(size);
    expect(s.staticSize).toBe(staticSize);
    expect(free(s)).toBe(size);
  });

  it("reserves the first address, 10.96.0.1, for the kubernetes Service", () => {
    const s = newClusterIPAllocator();
    expect(kubernetesServiceIP()).toBe("10.96.0.1");
    expect(isAllocated(s, "10.96.0.1")).toBe(true);
    expect(free(s)).toBe(1048573);
  });

  it.each([
    {
      name: "an IP outside the Service CIDR is refused: no ServiceCIDR holds it (ErrMismatchedNetwork)",
      ip: "10.0.0.1",
      error:
        'spec.clusterIPs: Invalid value: ["10.0.0.1"]: failed to allocate IP 10.0.0.1: the provided network does not match the current range',
    },
    {
      name: "the network address of the CIDR is not allocatable (PrefixContainsIP leaves it out)",
      ip: "10.96.0.0",
      error:
        'spec.clusterIPs: Invalid value: ["10.96.0.0"]: failed to allocate IP 10.96.0.0: the provided network does not match the current range',
    },
    {
      name: "the broadcast address of the CIDR is not allocatable",
      ip: "10.111.255.255",
      error:
        'spec.clusterIPs: Invalid value: ["10.111.255.255"]: failed to allocate IP 10.111.255.255: the provided network does not match the current range',
    },
    {
      name: "the kubernetes Service's IP is already allocated",
      ip: "10.96.0.1",
      error: 'spec.clusterIPs: Invalid value: ["10.96.0.1"]: failed to allocate IP 10.96.0.1: provided IP is already allocated',
    },
  ])("$name", ({ ip, error }) => {
    const r = allocateSpecific(newClusterIPAllocator(), ip);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe(error);
  });

  it("allocates a specific free IP once and refuses it the second time", () => {
    const first = allocateSpecific(newClusterIPAllocator(), "10.96.0.10");
    expect(first.ok).toBe(true);
    const second = allocateSpecific(first.state, "10.96.0.10");
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.reason).toBe("Allocated");
  });

  it("dynamic allocation never hands out addresses from the static band while the upper band has room", () => {
    let s = newClusterIPAllocator("10.96.0.0/12");
    const staticTop = ipToInt("10.96.0.1") + 256;
    for (const x of [0, 0.5, 0.999999, 0.25]) {
      const r = allocateNext(s, () => x);
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(ipToInt(r.value)).toBeGreaterThanOrEqual(staticTop);
        s = r.state;
      }
    }
    // rand()=0 lands on the first dynamic offset: 10.96.0.1 + 256.
    expect(isAllocated(s, "10.96.1.1")).toBe(true);
  });

  it("a taken random pick scans forward to the next free address", () => {
    const s0 = newClusterIPAllocator("10.96.0.0/12");
    const a = allocateNext(s0, () => 0);
    const b = a.ok ? allocateNext(a.state, () => 0) : a;
    expect(a.ok && a.value).toBe("10.96.1.1");
    expect(b.ok && b.value).toBe("10.96.1.2");
  });

  // allocateFromRange: an address whose IPAddress exists (someone else's) is passed over, as the lister finds it
  it("a random pick an IPAddress already holds scans forward past it", () => {
    const r = allocateNext(newClusterIPAllocator("10.96.0.0/12"), () => 0, (ip) => ip === "10.96.1.1" || ip === "10.96.1.2");
    expect(r.ok && r.value).toBe("10.96.1.3");
  });

  it("falls back to the static band only when the dynamic band is full, then reports range is full (TestAllocateReserved)", () => {
    let s: RangeAllocatorState = newClusterIPAllocator("192.168.1.0/25", { reserveKubernetesServiceIP: false });
    const rand = seq(0.3, 0.7, 0.1);
    const upper = s.size - s.staticSize;
    for (let i = 0; i < upper; i++) {
      const r = allocateNext(s, rand);
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(ipToInt(r.value) - s.base).toBeGreaterThanOrEqual(s.staticSize);
        s = r.state;
      }
    }
    for (let i = 0; i < s.staticSize; i++) {
      const r = allocateNext(s, rand);
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(ipToInt(r.value) - s.base).toBeLessThan(16);
        s = r.state;
      }
    }
    const full = allocateNext(s, rand);
    expect(full.ok).toBe(false);
    if (!full.ok) expect(full.error).toBe("failed to allocate a serviceIP: range is full");
  });

  it("released addresses can be allocated again and releasing twice is a no-op", () => {
    const a = allocateSpecific(newClusterIPAllocator(), "10.96.0.10");
    expect(a.ok).toBe(true);
    const freed = release(a.state, "10.96.0.10");
    expect(isAllocated(freed, "10.96.0.10")).toBe(false);
    expect(release(freed, "10.96.0.10")).toBe(freed);
    expect(release(freed, "1.2.3.4")).toBe(freed);
    expect(allocateSpecific(freed, "10.96.0.10").ok).toBe(true);
  });

  it("state survives a JSON round trip", () => {
    const a = allocateSpecific(newClusterIPAllocator(), "10.96.0.10");
    const copy = JSON.parse(JSON.stringify(a.state)) as RangeAllocatorState;
    expect(isAllocated(copy, "10.96.0.10")).toBe(true);
  });
});

describe("NodePort allocator (portallocator allocator_test)", () => {
  it("30000-32767 has 2768 ports and an 86-port static band", () => {
    const s = newNodePortAllocator();
    expect(free(s)).toBe(2768);
    expect(s.staticSize).toBe(86);
    expect(rangeOffset(2768, 16, 128, 32)).toBe(86);
  });

  it.each([
    { name: "a port below the range is rejected", port: 29999, error: "spec.ports[0].nodePort: Invalid value: 29999: provided port is not in the valid range. The range of valid ports is 30000-32767" },
    { name: "a port above the range is rejected", port: 32768, error: "spec.ports[0].nodePort: Invalid value: 32768: provided port is not in the valid range. The range of valid ports is 30000-32767" },
  ])("$name", ({ port, error }) => {
    const r = allocateSpecificNodePort(newNodePortAllocator(), port);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe(error);
  });

  // utilnet.PortRange is inclusive of both ends ("30000-32767" is Base 30000, Size 2768): Contains(32767)
  it("both ends of the range may be asked for: 30000 and 32767", () => {
    const first = allocateSpecificNodePort(newNodePortAllocator(), 30000);
    expect(first.ok).toBe(true);
    const last = allocateSpecificNodePort(first.state, 32767);
    expect(last.ok && last.value).toBe(32767);
  });

  it("a port already taken is rejected with the index of the offending Service port", () => {
    const a = allocateSpecificNodePort(newNodePortAllocator(), 30080);
    expect(a.ok).toBe(true);
    const b = allocateSpecificNodePort(a.state, 30080, 1);
    expect(b.ok).toBe(false);
    if (!b.ok) expect(b.error).toBe("spec.ports[1].nodePort: Invalid value: 30080: provided port is already allocated");
  });

  it("dynamic nodePorts come from above the static band", () => {
    const r = allocateNextNodePort(newNodePortAllocator(), () => 0);
    expect(r.ok && r.value).toBe(30086);
  });

  it("reports the range full after every port is taken", () => {
    let s = newNodePortAllocator("30000-30015");
    for (let i = 0; i < 16; i++) {
      const r = allocateNextNodePort(s, () => 0.5);
      expect(r.ok).toBe(true);
      if (r.ok) s = r.state;
    }
    const r = allocateNextNodePort(s, () => 0.5);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe("failed to allocate a nodePort: range is full");
  });
});

// The Service registry's delete releases everything the Service held (registry/core/service/storage
// alloc.go releaseAllocatedResources: its ClusterIPs and its nodePorts), so both may be asked for again.
describe("a deleted Service's addresses (releaseServiceAddresses)", () => {
  const nodePortService = (name: string) => ({
    metadata: { name, namespace: "default" },
    spec: { type: "NodePort", clusterIP: "10.96.10.10", ports: [{ port: 80, protocol: "TCP", nodePort: 30080 }, { port: 53, protocol: "UDP", nodePort: 30053 }] },
  });
  it("frees its ClusterIP and every nodePort: a new Service may ask for the same ones", () => {
    const first = allocateServiceAddresses(newServiceAllocators(), nodePortService("a"), undefined);
    if (!("service" in first)) throw new Error(JSON.stringify(first.errors));
    // while it lives, its addresses are taken
    expect("errors" in allocateServiceAddresses(first.allocators, nodePortService("b"), undefined)).toBe(true);
    const freed = releaseServiceAddresses(first.allocators, first.service);
    expect(isAllocated(freed.ips, "10.96.10.10")).toBe(false);
    expect(isAllocated(freed.ports, 30080)).toBe(false);
    expect(isAllocated(freed.ports, 30053)).toBe(false);
    const again = allocateServiceAddresses(freed, nodePortService("b"), undefined);
    expect("service" in again ? again.service.spec.ports.map((p: { nodePort: number }) => p.nodePort) : again.errors).toEqual([30080, 30053]);
  });
});
