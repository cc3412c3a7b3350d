// RepairIPAddress's judgements (pkg/registry/core/service/ipallocator/controller/repairip.go): a
// Service's ClusterIPs against the IPAddresses and ServiceCIDRs (syncService), and an IPAddress the
// allocator wrote against its Service (syncIPAddress). Pure: each returns what the controller does.

import { formatIP, parseIPSloppy } from "../common/ip.js";
import { ipAllocatorName, ipFamilyLabel, managedByLabel, prefixContainsIP } from "../common/servicecidr.js";
import { mutant } from "../common/mutation.js";

type Obj = any;

/** The controller's name: the reporting controller of its events. */
export const controllerName = "ipallocator-repair-controller";
/** repairLoopInterval: the informers' resync period, every Service and IPAddress synced again. */
export const repairIntervalMs = 180_000;
/** An allocator's IPAddress without its Service is deleted only after this (the Service may still be on its way). */
export const orphanGracePeriodMs = 60_000;

/** An allocator's IPAddress naming a Service that does not hold it, written after that Service, waits this long. */
export const wrongReferenceGracePeriodMs = 5_000;

/** What the informers give a sync. */
export interface RepairView {
  ipAddress: (name: string) => Obj | undefined;
  service: (namespace: string, name: string) => Obj | undefined;
  serviceCIDRs: readonly Obj[];
}

/** A Warning event the recorder posts, about the Service or the IPAddress synced. */
export interface RepairEvent {
  reason: string;
  message: string;
}

/** One ClusterIP's verdict: an event, and the IPAddress to create, or to delete and create again. */
export interface ClusterIPRepair {
  ip: string;
  event?: RepairEvent;
  write?: "create" | "recreate";
}

/** One IPAddress's verdict: an event, a delete, and when to look again. */
export interface IPAddressRepair {
  event?: RepairEvent;
  delete?: true;
  requeueAfterMs?: number;
}

const familyOf = (ip: string) => (ip.includes(":") ? "IPv6" : "IPv4");
const refOf = (ip: Obj): Obj => ip?.spec?.parentRef ?? {};
const clusterIPsOf = (svc: Obj): unknown[] => (Array.isArray(svc?.spec?.clusterIPs) ? svc.spec.clusterIPs : []);
const isServiceRef = (ref: Obj) => (ref.group ?? "") === "" && ref.resource === "services";

/** helper.IsServiceIPSet: a ClusterIP that is neither empty nor None. */
export const isServiceIPSet = (svc: Obj): boolean => typeof svc?.spec?.clusterIP === "string" && svc.spec.clusterIP !== "" && svc.spec.clusterIP !== "None";

/** managedByController: the IPAddress carries the allocator's managed-by label. */
export const isManagedByAllocator = (ip: Obj): boolean => ip?.metadata?.labels?.[managedByLabel] === ipAllocatorName;

/** verifyIPAddressLabels: the family label matches the address, and the allocator manages it. */
export function hasAllocatorLabels(ip: Obj): boolean {
  const family = ip?.metadata?.labels?.[ipFamilyLabel];
  // the mutant trusts any family label: an IPAddress labelled IPv6 for an IPv4 address is not rewritten
  return (family === familyOf(String(ip?.metadata?.name ?? "")) || mutant("ipallocatorrepair.family-label-unchecked")) && isManagedByAllocator(ip);
}

/** isIPOutOfRange: no ServiceCIDR (ready or not) holds the address. */
const outOfRange = (ip: string, cidrs: readonly Obj[]) => !cidrs.some((sc) => (Array.isArray(sc?.spec?.cidrs) ? sc.spec.cidrs : []).some((c: unknown) => prefixContainsIP(c, ip)));

/** syncService: what each of the Service's ClusterIPs needs. */
export function repairService(svc: Obj, view: RepairView): ClusterIPRepair[] {
  if (!isServiceIPSet(svc)) return [];
  const ns = svc.metadata?.namespace ?? "";
  const name = svc.metadata?.name ?? "";
  const out: ClusterIPRepair[] = [];
  for (const raw of clusterIPsOf(svc)) {
    const parsed = typeof raw === "string" ? parseIPSloppy(raw) : undefined;
    if (!parsed) {
      // net.IP's %s of a nil address
      out.push({ ip: String(raw), event: { reason: "ClusterIPNotValid", message: "Cluster IP <nil> is not a valid IP; please recreate Service" } });
      continue;
    }
    const ip = formatIP(parsed);
    const family = familyOf(ip);
    if (outOfRange(ip, view.serviceCIDRs)) {
      out.push({ ip, event: { reason: "ClusterIPOutOfRange", message: `Cluster IP [${family}]: ${ip} is not within any configured Service CIDR; please recreate service` } });
      continue;
    }
    const held = view.ipAddress(ip);
    if (held === undefined) {
      out.push({ ip, write: "create", event: { reason: "ClusterIPNotAllocated", message: `Cluster IP [${family}]: ${ip} is not allocated; repairing` } });
      continue;
    }
    const wrongReference: RepairEvent = { reason: "ClusterIPNotAllocated", message: `the ClusterIP [${family}]: ${ip} for Service ${ns}/${name} has a wrong reference; repairing` };
    const ref = refOf(held);
    if (!isServiceRef(ref)) {
      out.push({ ip, write: "recreate", event: wrongReference });
      continue;
    }
    let event: RepairEvent | undefined;
    if (ref.namespace !== ns || ref.name !== name) {
      const other = view.service(String(ref.namespace ?? ""), String(ref.name ?? ""));
      if (other === undefined) {
        out.push({ ip, write: "recreate", event: wrongReference });
        continue;
      }
      // two Services with one address: reported, never moved from one to the other
      if (clusterIPsOf(other).includes(held.metadata?.name)) event = { reason: "ClusterIPAlreadyAllocated", message: `Cluster IP [${family}]:${ip} was assigned to multiple services; please recreate service` };
    }
    // the mutant moves an address two Services hold to the one synced
    const write = hasAllocatorLabels(held) && !(event && mutant("ipallocatorrepair.shared-address-moved")) ? undefined : "recreate";
    if (event || write) out.push({ ip, ...(event ? { event } : {}), ...(write ? { write } : {}) });
  }
  return out;
}

/** Go's %v of a *ParentReference: its fields in order, space-separated. */
const printRef = (ref: Obj) => `&{${ref.group ?? ""} ${ref.resource ?? ""} ${ref.namespace ?? ""} ${ref.name ?? ""}}`;

/** syncIPAddress: whether an IPAddress the allocator wrote still belongs to its Service. */
export function repairIPAddress(ip: Obj, view: RepairView, now: number): IPAddressRepair {
  // the mutant judges an IPAddress another manager wrote as its own
  if (!isManagedByAllocator(ip) && !mutant("ipallocatorrepair.unmanaged-address-judged")) return {};
  const name = String(ip.metadata?.name ?? "");
  const ref = refOf(ip);
  if (!isServiceRef(ref)) {
    return { delete: true, event: { reason: "IPAddressNotAllocated", message: `IPAddress ${name} appears to have been modified, not referencing a Service ${printRef(ref)}: cleaning up` } };
  }
  const svc = view.service(String(ref.namespace ?? ""), String(ref.name ?? ""));
  if (svc === undefined) {
    const created = Date.parse(ip.metadata?.creationTimestamp ?? "");
    const lifetime = Number.isNaN(created) ? 0 : now - created;
    // the mutant deletes an orphan at once, with no grace for its Service on its way
    if (lifetime > orphanGracePeriodMs || mutant("ipallocatorrepair.orphan-deleted-at-once")) {
      return { delete: true, event: { reason: "IPAddressNotAllocated", message: `IPAddress: ${name} for Service ${ref.namespace ?? ""}/${ref.name ?? ""} appears to have leaked: cleaning up` } };
    }
    // looked at again just past the grace period (Go's AddAfter(grace - lifetime) finds the clock moved on)
    return { requeueAfterMs: orphanGracePeriodMs - lifetime + 1 };
  }
  if (clusterIPsOf(svc).includes(name)) return {};
  // an IPAddress written after its Service may belong to a write of that Service still on its way
  // (TestRepairServiceIP's "service create is called again" rows): it is left alone for a moment
  const created = Date.parse(ip.metadata?.creationTimestamp ?? "");
  const lifetime = now - created;
  if (created > Date.parse(svc.metadata?.creationTimestamp ?? "") && lifetime < wrongReferenceGracePeriodMs) return { requeueAfterMs: wrongReferenceGracePeriodMs - lifetime + 1 };
  return { delete: true, event: { reason: "IPAddressWrongReference", message: `IPAddress: ${name} for Service ${svc.metadata?.namespace ?? ""}/${svc.metadata?.name ?? ""} has a wrong reference; cleaning up` } };
}
