// TestRepairServiceIP (pkg/registry/core/service/ipallocator/controller/repairip_test.go): runOnce
// syncs every Service, then every IPAddress the allocator manages, against the same informer
// caches, with the IPAddresses the Service pass created or recreated already in the cache. Each row
// gives the caches, the time, and the IPAddress writes and Warning events Kubernetes expects.

import { describe, expect, it } from "vitest";
import { repairIPAddress, repairService } from "./ipallocatorrepair.logic.js";

const testTimeNow = Date.UTC(2012, 0, 1);
const at = (ms: number) => new Date(testTimeNow + ms).toISOString().replace(".000Z", "Z");
const svc = (name: string, ips: string[], createdMs = 1_000) => ({ metadata: { name, namespace: "bar", creationTimestamp: at(createdMs) }, spec: { clusterIP: ips[0], clusterIPs: ips } });
const ipAddr = (ip: string, parent: string, createdMs = 0) => ({
  metadata: { name: ip, creationTimestamp: at(createdMs), labels: { "ipaddress.kubernetes.io/ip-family": ip.includes(":") ? "IPv6" : "IPv4", "ipaddress.kubernetes.io/managed-by": "ipallocator.k8s.io" } },
  spec: { parentRef: { group: "", resource: "services", namespace: "bar", name: parent } },
});
const cidr = (name: string, ...cidrs: string[]) => ({ metadata: { name }, spec: { cidrs } });
const kubernetes = cidr("kubernetes", "10.0.0.0/16", "2001:db8::/64");

interface Row { name: string; svcs?: any[]; ips?: any[]; cidrs: any[]; nowMs?: number; actions: string[]; events: string[] }

/** runOnce over the caches: the writes (verb name) and the events ("Warning Reason message"). */
function runOnce(row: Row): { actions: string[]; events: string[] } {
  const ips = new Map<string, any>((row.ips ?? []).map((i) => [i.metadata.name, i]));
  const services = new Map<string, any>((row.svcs ?? []).map((s) => [`bar/${s.metadata.name}`, s]));
  const view = { ipAddress: (n: string) => ips.get(n), service: (ns: string, n: string) => services.get(`${ns}/${n}`), serviceCIDRs: row.cidrs };
  const now = testTimeNow + (row.nowMs ?? 0);
  const actions: string[] = [];
  const events: string[] = [];
  for (const s of row.svcs ?? []) {
    for (const f of repairService(s, view)) {
      if (f.event) events.push(`Warning ${f.event.reason} ${f.event.message}`);
      if (f.write === "recreate") actions.push("delete ipaddresses");
      if (f.write) {
        actions.push("create ipaddresses");
        ips.set(f.ip, ipAddr(f.ip, s.metadata.name, row.nowMs ?? 0));
      }
    }
  }
  for (const ip of [...ips.values()]) {
    const r = repairIPAddress(ip, view, now);
    if (r.event) events.push(`Warning ${r.event.reason} ${r.event.message}`);
    if (r.delete) actions.push("delete ipaddresses");
  }
  return { actions, events };
}

const rows: Row[] = [
  { name: "no changes needed single stack", svcs: [svc("test-svc", ["10.0.1.1"])], ips: [ipAddr("10.0.1.1", "test-svc")], cidrs: [kubernetes], actions: [], events: [] },
  { name: "no changes needed dual stack", svcs: [svc("test-svc", ["10.0.1.1", "2001:db8::10"])], ips: [ipAddr("10.0.1.1", "test-svc"), ipAddr("2001:db8::10", "test-svc")], cidrs: [kubernetes], actions: [], events: [] },
  {
    name: "no changes needed dual stack multiple cidrs", svcs: [svc("test-svc", ["192.168.0.1", "2001:db8:a:b::10"])], ips: [ipAddr("192.168.0.1", "test-svc"), ipAddr("2001:db8:a:b::10", "test-svc")],
    cidrs: [kubernetes, cidr("custom", "192.168.0.0/24", "2001:db8:a:b::/64")], actions: [], events: [],
  },
  { name: "create IPAddress single stack", svcs: [svc("test-svc", ["10.0.1.1"])], cidrs: [kubernetes], actions: ["create ipaddresses"], events: ["Warning ClusterIPNotAllocated Cluster IP [IPv4]: 10.0.1.1 is not allocated; repairing"] },
  {
    name: "create IPAddresses dual stack", svcs: [svc("test-svc", ["10.0.1.1", "2001:db8::10"])], cidrs: [kubernetes], actions: ["create ipaddresses", "create ipaddresses"],
    events: ["Warning ClusterIPNotAllocated Cluster IP [IPv4]: 10.0.1.1 is not allocated; repairing", "Warning ClusterIPNotAllocated Cluster IP [IPv6]: 2001:db8::10 is not allocated; repairing"],
  },
  {
    name: "create IPAddress single stack from secondary", svcs: [svc("test-svc", ["192.168.1.1"])], cidrs: [kubernetes, cidr("custom", "192.168.1.0/24")],
    actions: ["create ipaddresses"], events: ["Warning ClusterIPNotAllocated Cluster IP [IPv4]: 192.168.1.1 is not allocated; repairing"],
  },
  {
    name: "reconcile IPAddress single stack wrong reference", svcs: [svc("test-svc", ["10.0.1.1"])], ips: [ipAddr("10.0.1.1", "test-svc2")], cidrs: [kubernetes],
    actions: ["delete ipaddresses", "create ipaddresses"], events: ["Warning ClusterIPNotAllocated the ClusterIP [IPv4]: 10.0.1.1 for Service bar/test-svc has a wrong reference; repairing"],
  },
  {
    name: "reconcile IPAddresses dual stack", svcs: [svc("test-svc", ["10.0.1.1", "2001:db8::10"], -1_000)], ips: [ipAddr("10.0.1.1", "test-svc2"), ipAddr("2001:db8::10", "test-svc2")], cidrs: [kubernetes],
    actions: ["delete ipaddresses", "create ipaddresses", "delete ipaddresses", "create ipaddresses"],
    events: [
      "Warning ClusterIPNotAllocated the ClusterIP [IPv4]: 10.0.1.1 for Service bar/test-svc has a wrong reference; repairing",
      "Warning ClusterIPNotAllocated the ClusterIP [IPv6]: 2001:db8::10 for Service bar/test-svc has a wrong reference; repairing",
    ],
  },
  {
    name: "one IP out of range", svcs: [svc("test-svc", ["192.168.1.1", "2001:db8::10"])], ips: [ipAddr("192.168.1.1", "test-svc"), ipAddr("2001:db8::10", "test-svc")], cidrs: [kubernetes],
    actions: [], events: ["Warning ClusterIPOutOfRange Cluster IP [IPv4]: 192.168.1.1 is not within any configured Service CIDR; please recreate service"],
  },
  { name: "one IP orphan within grace period", ips: [ipAddr("10.0.1.1", "test-svc")], cidrs: [kubernetes], actions: [], events: [] },
  {
    name: "one IP orphan after grace period", ips: [ipAddr("10.0.1.1", "test-svc")], cidrs: [kubernetes], nowMs: 70_000,
    actions: ["delete ipaddresses"], events: ["Warning IPAddressNotAllocated IPAddress: 10.0.1.1 for Service bar/test-svc appears to have leaked: cleaning up"],
  },
  {
    name: "one IP out of range matching the network address", svcs: [svc("test-svc", ["10.0.0.0"])], ips: [ipAddr("10.0.0.0", "test-svc")], cidrs: [kubernetes],
    actions: [], events: ["Warning ClusterIPOutOfRange Cluster IP [IPv4]: 10.0.0.0 is not within any configured Service CIDR; please recreate service"],
  },
  {
    name: "one IP out of range matching the broadcast address", svcs: [svc("test-svc", ["10.0.255.255"])], ips: [ipAddr("10.0.255.255", "test-svc")], cidrs: [kubernetes],
    actions: [], events: ["Warning ClusterIPOutOfRange Cluster IP [IPv4]: 10.0.255.255 is not within any configured Service CIDR; please recreate service"],
  },
  {
    name: "one IPv6 out of range matching the subnet address", svcs: [svc("test-svc", ["2001:db8::"])], ips: [ipAddr("2001:db8::", "test-svc")], cidrs: [kubernetes],
    actions: [], events: ["Warning ClusterIPOutOfRange Cluster IP [IPv6]: 2001:db8:: is not within any configured Service CIDR; please recreate service"],
  },
  { name: "one IPv6 matching the broadcast address", svcs: [svc("test-svc", ["2001:db8::ffff:ffff:ffff:ffff"])], ips: [ipAddr("2001:db8::ffff:ffff:ffff:ffff", "test-svc")], cidrs: [kubernetes], actions: [], events: [] },
  { name: "one IP orphan matching the broadcast address within grace period", ips: [ipAddr("10.0.255.255", "test-svc")], cidrs: [kubernetes], actions: [], events: [] },
  {
    name: "one IP orphan matching the broadcast address after grace period", ips: [ipAddr("10.0.255.255", "test-svc")], cidrs: [kubernetes], nowMs: 90_000,
    actions: ["delete ipaddresses"], events: ["Warning IPAddressNotAllocated IPAddress: 10.0.255.255 for Service bar/test-svc appears to have leaked: cleaning up"],
  },
  {
    name: "Two IPAddresses referencing the same service", svcs: [svc("test-svc", ["10.0.1.1"])], ips: [ipAddr("10.0.1.1", "test-svc"), ipAddr("10.0.1.2", "test-svc")], cidrs: [kubernetes],
    actions: ["delete ipaddresses"], events: ["Warning IPAddressWrongReference IPAddress: 10.0.1.2 for Service bar/test-svc has a wrong reference; cleaning up"],
  },
  {
    name: "Two IPAddresses referencing the same service when service create is called again and ip address is in grace period",
    svcs: [svc("test-svc", ["10.0.1.1"])], ips: [ipAddr("10.0.1.1", "test-svc"), ipAddr("10.0.1.2", "test-svc", 2_000)], cidrs: [kubernetes], nowMs: 3_000, actions: [], events: [],
  },
  {
    name: "Two IPAddresses referencing the same service when service create is called again and ip address is not in grace period",
    svcs: [svc("test-svc", ["10.0.1.1"])], ips: [ipAddr("10.0.1.1", "test-svc"), ipAddr("10.0.1.2", "test-svc", 2_000)], cidrs: [kubernetes], nowMs: 10_000,
    actions: ["delete ipaddresses"], events: ["Warning IPAddressWrongReference IPAddress: 10.0.1.2 for Service bar/test-svc has a wrong reference; cleaning up"],
  },
  {
    name: "Two Services with same ClusterIP", svcs: [svc("test-svc", ["10.0.1.1"]), svc("test-svc2", ["10.0.1.1"])], ips: [ipAddr("10.0.1.1", "test-svc2")], cidrs: [kubernetes],
    actions: [], events: ["Warning ClusterIPAlreadyAllocated Cluster IP [IPv4]:10.0.1.1 was assigned to multiple services; please recreate service"],
  },
];

describe("TestRepairServiceIP", () => {
  for (const row of rows) {
    it(row.name, () => {
      expect(runOnce(row)).toEqual({ actions: row.actions, events: row.events });
    });
  }
});

describe("an IPAddress the allocator wrote that no longer names a Service", () => {
  it("is deleted, reported with its parent reference as Go prints it", () => {
    const ip = { ...ipAddr("10.0.1.9", "gw"), spec: { parentRef: { group: "gateway.networking.k8s.io", resource: "gateways", namespace: "bar", name: "gw" } } };
    const view = { ipAddress: () => undefined, service: () => undefined, serviceCIDRs: [kubernetes] };
    expect(repairIPAddress(ip, view, testTimeNow)).toEqual({
      delete: true,
      event: { reason: "IPAddressNotAllocated", message: "IPAddress 10.0.1.9 appears to have been modified, not referencing a Service &{gateway.networking.k8s.io gateways bar gw}: cleaning up" },
    });
  });
  it("is left alone when another manager wrote it", () => {
    const ip = { ...ipAddr("10.0.1.9", "gone"), metadata: { name: "10.0.1.9", creationTimestamp: at(0), labels: {} } };
    expect(repairIPAddress(ip, { ipAddress: () => undefined, service: () => undefined, serviceCIDRs: [kubernetes] }, testTimeNow + 120_000)).toEqual({});
  });
});
