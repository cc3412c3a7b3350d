// kind's `networking.ipFamily` (its cluster config, v1alpha4) and the subnets it defaults to for each:
// kubeadm's --pod-network-cidr and --service-cluster-ip-range, one CIDR per family, primary first.
// podflow's default single-stack cluster keeps kubeadm's 10.96.0.0/12 service range.

import { DEFAULT_SERVICE_CIDR } from "../machines/apiserver/allocators.js";

/** kind's ipFamily values podflow runs: IPv4 (the default), IPv6 single-stack, and dual-stack with IPv4 first. */
export type IPFamilyMode = "ipv4" | "ipv6" | "dual";
export const ipFamilyModes: readonly IPFamilyMode[] = ["ipv4", "ipv6", "dual"];

export interface ClusterNetworking {
  ipFamily: IPFamilyMode;
  /** the cluster's pod subnets (kind's podSubnet), one per family, primary first */
  podSubnets: readonly string[];
  /** the service subnets (kind's serviceSubnet: --service-cluster-ip-range), primary first */
  serviceSubnets: readonly string[];
}

/** kind's defaults for the family (pkg/apis/config/v1alpha4/default.go): 10.244.0.0/16 and fd00:10:244::/56, 10.96.0.0/16 and fd00:10:96::/112. */
export function clusterNetworking(ipFamily: IPFamilyMode = "ipv4"): ClusterNetworking {
  if (ipFamily === "dual") return { ipFamily, podSubnets: ["10.244.0.0/16", "fd00:10:244::/56"], serviceSubnets: ["10.96.0.0/16", "fd00:10:96::/112"] };
  if (ipFamily === "ipv6") return { ipFamily, podSubnets: ["fd00:10:244::/56"], serviceSubnets: ["fd00:10:96::/112"] };
  return { ipFamily, podSubnets: ["10.244.0.0/16"], serviceSubnets: [DEFAULT_SERVICE_CIDR] };
}

/** Whether the cluster serves both families. */
export const isDualStack = (n: ClusterNetworking) => n.serviceSubnets.length === 2;

/** Whether the cluster's primary (or only) family is IPv6: kind's ipFamily ipv6. */
export const isIPv6Primary = (n: ClusterNetworking) => n.serviceSubnets[0]!.includes(":");

/** The ClusterIP at `offset` of the primary service subnet: 1 for the kubernetes Service, 10 for kubeadm's kube-dns (10.96.0.10, fd00:10:96::a). */
export function serviceIPAt(n: ClusterNetworking, offset: 1 | 10): string {
  if (!isIPv6Primary(n)) return offset === 1 ? "10.96.0.1" : "10.96.0.10";
  return offset === 1 ? "fd00:10:96::1" : "fd00:10:96::a";
}
