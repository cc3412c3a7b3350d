// networking.k8s.io/v1 ServiceCIDR and IPAddress (MultiCIDRServiceAllocator, GA in v1.33): the
// ClusterIP allocator's view of them (pkg/registry/core/service/ipallocator: MetaAllocator and the
// IPAddress-backed Allocator) and the IPAddress it writes for each ClusterIP it hands out
// (createIPAddress: named by the address, labelled with its family and manager, its parentRef the
// Service). podflow's bitmap (allocators.ts) still draws the default range's addresses; these
// objects say which addresses exist and which ranges are ready.

import { formatIP, parseIPSloppy } from "../common/ip.js";
import { mutant } from "../common/mutation.js";
import { defaultServiceCIDRName, ipAddressFor, ipAllocatorName, ipFamilyLabel, managedByLabel, prefixContainsIP, serviceCIDRFinalizer } from "../common/servicecidr.js";

export { defaultServiceCIDRName, ipAddressFor, ipAllocatorName, ipFamilyLabel, managedByLabel, prefixContainsIP, serviceCIDRFinalizer };

/** The etcd key of an IPAddress (cluster-scoped, under its resource). */
export const ipAddressKey = (name: string) => `/registry/ipaddresses/${name}`;
import type { WatchCache } from "./cache.js";

type Obj = any;

/** isReady: a Ready condition says so, or there is none (kube-controller-manager may not run). */
export function isServiceCIDRReady(sc: Obj): boolean {
  const ready = (Array.isArray(sc?.status?.conditions) ? sc.status.conditions : []).find((c: Obj) => c?.type === "Ready");
  // the mutant takes a ServiceCIDR no controller has marked yet as not ready
  return (ready === undefined && !mutant("servicecidr.no-condition-not-ready")) || ready?.status === "True";
}

/** What the allocator reads from its informers: the ready ServiceCIDRs' ranges and the IPAddresses that exist. */
export interface ServiceNetwork {
  /** some ready ServiceCIDR, not being deleted, holds the address (MetaAllocator.getAllocator with ready) */
  allocatable: (ip: string) => boolean;
  /** an IPAddress of that name exists (the allocator's lister Get) */
  taken: (ip: string) => boolean;
  /**
   * The IPv4 ranges of the MetaAllocator's ready allocators, one per distinct CIDR (syncAllocators:
   * a range is ready when a ServiceCIDR that lists it is Ready and not being deleted), in cache order.
   */
  readyRanges: string[];
  /** the IPv6 ones likewise: a dual-stack cluster's secondary family allocates from them */
  readyRangesV6: string[];
}

/** The allocator's view of the cache. */
export function serviceNetworkOf(cache: WatchCache): ServiceNetwork {
  const ready: unknown[] = [];
  for (const sc of cache.byKind.get("ServiceCIDR")?.values() ?? []) {
    if (sc.metadata?.deletionTimestamp || !isServiceCIDRReady(sc)) continue;
    for (const c of Array.isArray(sc.spec?.cidrs) ? sc.spec.cidrs : []) ready.push(c);
  }
  // per family; an IPv6 range is only allocated from when the cluster serves IPv6 (the family checks come first)
  const readyRanges = [...new Set(ready.filter((c): c is string => typeof c === "string" && !c.includes(":")))];
  const readyRangesV6 = [...new Set(ready.filter((c): c is string => typeof c === "string" && c.includes(":")))];
  return {
    readyRanges,
    readyRangesV6,
    // the allocator works on the parsed address: an IPv4-mapped form is its IPv4 address
    allocatable: (ip) => ready.some((c) => prefixContainsIP(c, canonicalIP(ip))),
    taken: (ip) => cache.objects.has(ipAddressKey(canonicalIP(ip))),
  };
}

/** The address as net.IP's String() names it: an IPAddress's name. */
export function canonicalIP(ip: string): string {
  const parsed = parseIPSloppy(ip);
  return parsed ? formatIP(parsed) : ip;
}

/** The ClusterIPs a Service holds (none for headless or ExternalName), by their IPAddress names. */
export function heldClusterIPs(svc: Obj): string[] {
  if (svc?.spec?.type === "ExternalName") return [];
  const ips: unknown[] = Array.isArray(svc?.spec?.clusterIPs) ? svc.spec.clusterIPs : svc?.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip): ip is string => typeof ip === "string" && ip !== "" && ip !== "None").map(canonicalIP);
}

/** The IPAddresses a Service write creates and deletes: the addresses it gained and lost. */
export function ipAddressChanges(svc: Obj | undefined, old: Obj | undefined): { added: string[]; removed: string[] } {
  const now = svc === undefined ? [] : heldClusterIPs(svc);
  const before = old === undefined ? [] : heldClusterIPs(old);
  return { added: now.filter((ip) => !before.includes(ip)), removed: before.filter((ip) => !now.includes(ip)) };
}

