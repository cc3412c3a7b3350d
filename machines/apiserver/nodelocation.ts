// Where kube-apiserver sends nodes/<name>/proxy: NodeConnectionInfoGetter.GetConnectionInfo
// (pkg/kubelet/client/kubelet_client.go) takes the node's first address of a preferred type
// (pkg/util/node GetPreferredNodeAddress) and the port the kubelet reports
// (status.daemonEndpoints.kubeletEndpoint.Port, else the default 10250); ResourceLocation
// (pkg/registry/core/node/strategy.go) refuses an address that is no global unicast one and keeps
// a requested port only when it differs from the kubelet's.

import type { Status } from "kubernetes-types/meta/v1";
import { parseIPSloppy } from "../common/ip.js";
import * as S from "./status.js";
import { mutant } from "../common/mutation.js";

/** kubeadm's kube-apiserver flag --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname. */
export const kubeletPreferredAddressTypes: readonly string[] = ["InternalIP", "ExternalIP", "Hostname"];

/** The kubelet's port when its Node reports none (ports.KubeletPort). */
export const defaultKubeletPort = 10250;

/** A node's kubelet as the API server dials it. */
export interface KubeletLocation {
  host: string;
  port: string;
}

/** An error no API status carries: ErrorToAPIStatus answers 500 without a reason, with its text. */
function plainError(message: string): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code: 500 };
}

/** fmt's %v of a []v1.NodeAddress: `[{InternalDNS a.example} {ExternalDNS b}]`. */
function goAddresses(addresses: readonly unknown[]): string {
  const one = (a: unknown) => {
    const o = a !== null && typeof a === "object" ? (a as Record<string, unknown>) : {};
    const text = (k: string) => (Object.hasOwn(o, k) && typeof o[k] === "string" ? (o[k] as string) : "");
    return `{${text("type")} ${text("address")}}`;
  };
  return `[${addresses.map(one).join(" ")}]`;
}

/** GetPreferredNodeAddress with kubeadm's preference, then the reported port (none, or not above 0: the default). */
export function kubeletConnection(node: any): KubeletLocation | { error: Status } {
  const listed = node?.status?.addresses;
  const addresses: readonly unknown[] = Array.isArray(listed) ? listed : [];
  let host: string | undefined;
  // the mutant takes the node's first address of any preferred type, in the node's order, not the preference's
  const firstListed = mutant("nodelocation.first-listed-address-wins") ? (addresses.find((a: any) => kubeletPreferredAddressTypes.includes(a?.type)) as { address?: unknown } | undefined) : undefined;
  if (firstListed !== undefined) host = typeof firstListed.address === "string" ? firstListed.address : "";
  else for (const type of kubeletPreferredAddressTypes) {
    const found = addresses.find((a: any) => a?.type === type) as { address?: unknown } | undefined;
    if (found !== undefined) {
      host = typeof found.address === "string" ? found.address : "";
      break;
    }
  }
  if (host === undefined) return { error: plainError(`no preferred addresses found; known addresses: ${goAddresses(addresses)}`) };
  const reported = node?.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  const port = typeof reported === "number" && Number.isInteger(reported) && reported > 0 ? reported : defaultKubeletPort;
  return { host, port: String(port) };
}

/** net.IP.IsGlobalUnicast: not unspecified, loopback, multicast, link-local or the IPv4 broadcast address. */
export function isGlobalUnicast(bytes: readonly number[]): boolean {
  const v4 = bytes.length === 4 ? bytes : bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff ? bytes.slice(12) : undefined;
  if (v4 !== undefined) {
    const [a, b] = [v4[0]!, v4[1]!];
    if (v4.every((x) => x === 255) || v4.every((x) => x === 0)) return false;
    return a !== 127 && (a & 0xf0) !== 224 && !(a === 169 && b === 254);
  }
  if (bytes.every((x) => x === 0)) return false;
  if (bytes.slice(0, 15).every((x) => x === 0) && bytes[15] === 1) return false;
  return bytes[0] !== 0xff && !(bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0x80);
}

/**
 * ResourceLocation for nodes/<id>/proxy: the kubelet's host and the port to dial. An IP literal
 * that is no global unicast address is refused as isProxyableHostname refuses it (400); a name
 * is left to the dial, which resolves it.
 */
export function nodeProxyLocation(node: any, portReq: string): KubeletLocation | { error: Status } {
  const info = kubeletConnection(node);
  if ("error" in info) return info;
  // net.Resolver.LookupIPAddr answers an IP literal itself (netip.ParseAddr: no leading zeros)
  const ip = parseIPSloppy(info.host);
  if (ip !== undefined && !ip.leadingZeros && !isGlobalUnicast(ip.bytes)) return { error: S.badRequest("address not allowed") };
  return { host: info.host, port: portReq === "" || portReq === info.port ? info.port : portReq };
}
