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

/** createIPAddress's (and the repair loop's newIPAddress) object: named by the address, its family and manager as labels, the Service as parent. */
export function ipAddressFor(ip: string, svc: any): any {
  return {
    kind: "IPAddress", apiVersion: "networking.k8s.io/v1",
    metadata: { name: ip, labels: { [ipFamilyLabel]: ip.includes(":") ? "IPv6" : "IPv4", [managedByLabel]: ipAllocatorName } },
    // serviceToRef: the core group is "" (omitempty)
    spec: { parentRef: { resource: "services", namespace: svc.metadata?.namespace, name: svc.metadata?.name } },
  };
}
