// The names and the range test that kube-apiserver's ClusterIP allocator and kube-controller-manager's
// servicecidrs controller share (k8s.io/api networking/v1 and pkg/controller/servicecidrs' PrefixContainsIP).

import { parseCIDRSloppy, parseIPSloppy } from "./ip.js";
import { mutant } from "./mutation.js";

/** DefaultServiceCIDRName: the ServiceCIDR kube-apiserver keeps over --service-cluster-ip-range. */
export const defaultServiceCIDRName = "kubernetes";
/** The servicecidrs controller's ServiceCIDRProtectionFinalizer. */
export const serviceCIDRFinalizer = "networking.k8s.io/service-cidr-finalizer";
/** ipallocator.ControllerName: the managed-by label of the IPAddresses the allocator writes. */
export const ipAllocatorName = "ipallocator.k8s.io";
/** The IPAddress labels networking/v1 names (LabelIPAddressFamily, LabelManagedBy). */
export const ipFamilyLabel = "ipaddress.kubernetes.io/ip-family";
export const managedByLabel = "ipaddress.kubernetes.io/managed-by";

/**
 * servicecidr.PrefixContainsIP: the prefix holds the address, which is not its network address nor,
 * for IPv4, its broadcast address (a range never hands those out).
 */
export function prefixContainsIP(cidr: unknown, ip: string): boolean {
  const p = typeof cidr === "string" ? parseCIDRSloppy(cidr) : undefined;
  const a = parseIPSloppy(ip);
  if (!p || !a || a.bytes.length !== p.ip.bytes.length) return false;
  let network = true;
  let broadcast = true;
  for (let i = 0; i < a.bytes.length; i++) {
    const hostBits = Math.max(0, Math.min(8, (i + 1) * 8 - p.len));
    const mask = (0xff << hostBits) & 0xff;
    if ((a.bytes[i]! & mask) !== (p.ip.bytes[i]! & mask)) return false;
    const host = a.bytes[i]! & ~mask & 0xff;
    if (host !== 0) network = false;
    if (host !== (~mask & 0xff)) broadcast = false;
  }
  // the mutant counts the network address as one the range holds
  return (!network || mutant("servicecidr.network-address-contained")) && !(broadcast && a.bytes.length === 4);
}
