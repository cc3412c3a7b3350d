// The servicecidrs controller's judgements (pkg/controller/servicecidrs): whether a ServiceCIDR
// being deleted would orphan an allocated IPAddress, and the Ready condition it applies.

import { ipAllocatorName, managedByLabel, prefixContainsIP, serviceCIDRFinalizer } from "../common/servicecidr.js";
import { parseCIDRSloppy } from "../common/ip.js";
import { mutant } from "../common/mutation.js";

type Obj = any;

/** deletionGracePeriod: the finalizer stays this long after the deletion, so every allocator has seen it. */
export const deletionGracePeriodMs = 10_000;
/** The controller's name, its field manager for the status it applies (names.ServiceCIDRController). */
export const fieldManager = "service-cidr-controller";

export const readyMessage = "Kubernetes Service CIDR is ready";
export const terminatingMessage = "There are still IPAddresses referencing the ServiceCIDR, please remove them or create a new ServiceCIDR";

const cidrsOf = (sc: Obj): unknown[] => (Array.isArray(sc?.spec?.cidrs) ? sc.spec.cidrs : []);
const readyOf = (sc: Obj): Obj | undefined => (Array.isArray(sc?.status?.conditions) ? sc.status.conditions : []).find((c: Obj) => c?.type === "Ready");

export const hasFinalizer = (sc: Obj): boolean => (Array.isArray(sc?.metadata?.finalizers) ? sc.metadata.finalizers : []).includes(serviceCIDRFinalizer);

/** Only an update that changes the condition is applied (kubernetes#131330): Ready=True once. */
export const needsReady = (sc: Obj): boolean => readyOf(sc)?.status !== "True";

/** ... and Ready=False, reason Terminating, once. */
export const needsTerminating = (sc: Obj): boolean => {
  const c = readyOf(sc);
  return !(c?.status === "False" && c?.reason === "Terminating");
};

/** servicecidr.ContainsPrefix: does `outer` hold all of `inner` (same family, no longer prefix)? */
function containsPrefix(outer: unknown, inner: unknown): boolean {
  const o = typeof outer === "string" ? parseCIDRSloppy(outer) : undefined;
  const i = typeof inner === "string" ? parseCIDRSloppy(inner) : undefined;
  // the mutant forgets the prefix lengths: a /24 then holds the /16 it starts
  if (!o || !i || o.ip.bytes.length !== i.ip.bytes.length || (o.len > i.len && !mutant("servicecidrs.contains-longer-prefix"))) return false;
  return i.ip.bytes.every((b, k) => {
    const keep = Math.max(0, Math.min(8, o.len - k * 8));
    const mask = (0xff << (8 - keep)) & 0xff;
    return (b & mask) === (o.ip.bytes[k]! & mask);
  });
}

/**
 * canDeleteCIDR: a ServiceCIDR another one contains (or repeats) can go; otherwise not while an
 * IPAddress the allocator wrote lies in it and in no other ServiceCIDR.
 */
export function canDelete(sc: Obj, all: readonly Obj[], ipAddresses: readonly Obj[]): boolean {
  const others = all.filter((o) => o?.metadata?.name !== sc.metadata?.name);
  // the mutant lets one covered range stand for all of them
  const hasParent = cidrsOf(sc)[mutant("servicecidrs.parent-covers-any-range") ? "some" : "every"]((c) => others.some((o) => cidrsOf(o).some((p) => containsPrefix(p, c))));
  if (hasParent) return true;
  for (const ip of ipAddresses) {
    // the mutant lets an IPAddress another manager wrote block the deletion
    if (ip?.metadata?.labels?.[managedByLabel] !== ipAllocatorName && !mutant("servicecidrs.unmanaged-address-blocks")) continue;
    const name = String(ip.metadata.name);
    if (!cidrsOf(sc).some((c) => prefixContainsIP(c, name))) continue;
    if (!others.some((o) => cidrsOf(o).some((c) => prefixContainsIP(c, name)))) return false;
  }
  return true;
}

/** The ServiceCIDRs whose deletion an IPAddress may block or unblock (containingServiceCIDRs): only the allocator's. */
export function containing(ip: Obj, all: readonly Obj[]): string[] {
  if (ip?.metadata?.labels?.[managedByLabel] !== ipAllocatorName) return [];
  const name = String(ip.metadata?.name ?? "");
  return all.filter((sc) => cidrsOf(sc).some((c) => prefixContainsIP(c, name))).map((sc) => sc.metadata.name);
}

/** The status apply configuration of the Ready condition (metav1apply: no reason unless set). */
export function readyApply(name: string, now: string, terminating: boolean): Obj {
  const condition = terminating
    ? { type: "Ready", status: "False", reason: "Terminating", message: terminatingMessage, lastTransitionTime: now }
    : { type: "Ready", status: "True", message: readyMessage, lastTransitionTime: now };
  return { apiVersion: "networking.k8s.io/v1", kind: "ServiceCIDR", metadata: { name }, status: { conditions: [condition] } };
}

/** overlappingServiceCIDRs: the ServiceCIDRs with a range that holds or lies in one of sc's. */
export function overlapping(sc: Obj, all: readonly Obj[]): string[] {
  const mine = cidrsOf(sc);
  return all.filter((o) => cidrsOf(o).some((c) => mine.some((m) => containsPrefix(c, m) || containsPrefix(m, c)))).map((o) => o.metadata.name);
}
