// The pod's DNS configuration as the kubelet's DNS configurer builds it (pkg/kubelet/network/dns),
// and the /etc/resolv.conf the runtime writes from it (containerd's parseDNSOptions).

import type { Pod } from "kubernetes-types/core/v1";
import { clusterDNS } from "../cri/messages.js";
import { clusterDomain as CLUSTER_DOMAIN } from "./containerfiles.js";
import { mutant } from "../common/mutation.js";

export const resolvConfPath = "/etc/resolv.conf";

export interface DNSConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

/** The node's own resolver configuration (the kubelet's --resolv-conf): kind's Docker network gateway. */
export const nodeResolvConf: DNSConfig = { servers: ["172.18.0.1"], searches: [], options: [] };

// validation.MaxDNSNameservers, MaxDNSSearchPaths and MaxDNSSearchListChars
const maxNameservers = 3;
const maxSearchPaths = 32;
const maxSearchListChars = 2048;

function omitDuplicates(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** mergeDNSOptions: a later option of the same name replaces the earlier, in first-seen order. */
export function mergeDNSOptions(existing: string[], added: Array<{ name?: string; value?: string }>): string[] {
  const byName = new Map<string, string>();
  for (const o of existing) {
    const [name, value] = o.split(/:(.*)/s);
    byName.set(name!, value ?? "");
  }
  for (const o of added) if (o.name) byName.set(o.name, o.value ?? "");
  return [...byName].map(([n, v]) => (v === "" ? n : `${n}:${v}`));
}

/** formDNSNameserversFitsLimits: the first 3 nameservers. */
export function formDNSNameserversFitsLimits(servers: readonly string[]): string[] {
  return servers.slice(0, maxNameservers);
}

// utilvalidation.DNS1123SubdomainMaxLength: glibc 2.28 aborts on a search path over 255 characters
const maxSearchPathLength = 253;

/** formDNSSearchFitsLimits: the first 32 search paths, those over 253 characters dropped, then cut from the end to 2048 characters. */
export function formDNSSearchFitsLimits(searches: readonly string[]): string[] {
  let kept = searches.slice(0, maxSearchPaths).filter((s) => s.length <= maxSearchPathLength);
  while (kept.join(" ").length > maxSearchListChars) kept = kept.slice(0, -1);
  return kept;
}

/** formDNSConfigFitsLimits */
function fitLimits(c: DNSConfig): DNSConfig {
  return { servers: formDNSNameserversFitsLimits(c.servers), searches: formDNSSearchFitsLimits(c.searches), options: c.options };
}

/** getPodDNSType: the policy the configurer applies (ClusterFirst in the host's network falls back to Default). */
export function effectiveDNSPolicy(pod: Pod): "ClusterFirst" | "Default" | "None" {
  const policy = pod.spec?.dnsPolicy ?? "ClusterFirst";
  if (policy === "None" || policy === "Default") return policy;
  if (policy === "ClusterFirstWithHostNet") return "ClusterFirst";
  // the mutant gives a host-network pod the cluster's DNS under ClusterFirst
  return pod.spec?.hostNetwork && !mutant("kubelet.hostnetwork-dns-cluster-first") ? "Default" : "ClusterFirst";
}

/** The kubelet's --cluster-dns and --cluster-domain. */
export interface ClusterDNS {
  servers: string[];
  domain: string;
}

const kubeletClusterDNS: ClusterDNS = { servers: [clusterDNS], domain: CLUSTER_DOMAIN };

/** GetPodDNS: the servers, search list and options of the pod's sandbox. */
export function podDNSConfig(pod: Pod, host: DNSConfig = nodeResolvConf, cluster: ClusterDNS = kubeletClusterDNS): DNSConfig {
  const ns = pod.metadata?.namespace || "default";
  let c: DNSConfig;
  switch (effectiveDNSPolicy(pod)) {
    case "None": c = { servers: [], searches: [], options: [] }; break;
    case "Default": c = { servers: host.servers, searches: host.searches, options: host.options }; break;
    case "ClusterFirst": c = { servers: cluster.servers, searches: omitDuplicates([`${ns}.svc.${cluster.domain}`, `svc.${cluster.domain}`, cluster.domain, ...host.searches]), options: ["ndots:5"] }; break;
  }
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    c = {
      servers: omitDuplicates([...c.servers, ...(extra.nameservers ?? [])]),
      searches: omitDuplicates([...c.searches, ...(extra.searches ?? [])]),
      options: mergeDNSOptions(c.options, extra.options ?? []),
    };
  }
  return fitLimits(c);
}

/** The resolv.conf the runtime writes: a search line, one nameserver line each, an options line. */
export function resolvConf(c: DNSConfig): string {
  let out = "";
  if (c.searches.length > 0) out += `search ${c.searches.join(" ")}\n`;
  for (const s of c.servers) out += `nameserver ${s}\n`;
  if (c.options.length > 0) out += `options ${c.options.join(" ")}\n`;
  return out;
}
