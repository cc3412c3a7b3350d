// NetworkPolicy semantics as a policy-enforcing CNI applies them to one connection: kindnet's
// embedded kube-network-policies (pkg/networkpolicy, evaluatePolicyDirection and its helpers),
// which the NetworkPolicy API docs and the upstream e2e tables (test/e2e/network/netpol) agree
// with. Pure functions over the policies, the pods and the namespaces an agent's caches hold.

import type { Namespace, Pod } from "kubernetes-types/core/v1";
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from "kubernetes-types/networking/v1";
import { matchesLabelSelector } from "../common/labels.js";
import { cidrContains } from "../common/ip.js";
import { mutant } from "../common/mutation.js";

export type Protocol = "TCP" | "UDP" | "SCTP";

/** A container port as a named port resolves against it. */
export interface ContainerPortInfo {
  name?: string;
  port: number;
  protocol: Protocol;
}

/** A pod at one end of a connection: what policies select it by and resolve named ports against. */
export interface PodInfo {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  /** the labels of its Namespace (kubernetes.io/metadata.name included); empty when the namespace is not known */
  namespaceLabels: Record<string, string>;
  ports: readonly ContainerPortInfo[];
  /** status.hostIP: traffic from the pod's own node is always let in */
  hostIP?: string;
}

/** One connection after kube-proxy's DNAT: a Service address is already the backend's. */
export interface Connection {
  srcIP: string;
  dstIP: string;
  dstPort: number;
  protocol: Protocol;
}

/** What the caches say about the two ends: a pod, or undefined for an address no pod network pod holds. */
export interface Ends {
  src?: PodInfo;
  dst?: PodInfo;
}

/**
 * spec.policyTypes, or its default when unset (SetDefaults_NetworkPolicy: Ingress, plus Egress when
 * there are egress rules); the API server stores the default, this covers an object that lacks it.
 */
export function policyTypesOf(np: NetworkPolicy): readonly ("Ingress" | "Egress")[] {
  const set = np.spec?.policyTypes;
  if (set && set.length > 0) return set as ("Ingress" | "Egress")[];
  return (np.spec?.egress?.length ?? 0) > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}

/** The policies of the pod's namespace whose podSelector selects it (an empty selector selects every pod). */
export function policiesFor(policies: readonly NetworkPolicy[], pod: PodInfo): NetworkPolicy[] {
  return policies.filter((np) => (np.metadata?.namespace ?? "default") === pod.namespace && matchesLabelSelector(np.spec?.podSelector ?? {}, pod.labels));
}

/** evaluateIPBlocks: inside the CIDR and outside every except. */
export function ipBlockMatches(block: { cidr: string; except?: string[] }, ip: string): boolean {
  // the cluster is IPv4: an IPv6 block (validated as such) never holds one of its addresses
  const within = (cidr: string) => !cidr.includes(":") && cidrContains(cidr, ip);
  if (!within(block.cidr)) return false;
  return mutant("netpol.ipblock-except-ignored") || !(block.except ?? []).some(within);
}

/**
 * evaluateSelectors: podSelector alone selects pods of the policy's namespace; namespaceSelector
 * alone every pod of the namespaces it selects; both, the pods matching podSelector in those
 * namespaces. An empty selector selects everything.
 */
export function selectorsMatch(peer: NetworkPolicyPeer, pod: PodInfo, policyNamespace: string): boolean {
  if (peer.podSelector) {
    if (!matchesLabelSelector(peer.podSelector, pod.labels)) return false;
    if (!peer.namespaceSelector) return pod.namespace === policyNamespace || mutant("netpol.pod-selector-any-namespace");
  }
  if (peer.namespaceSelector) return matchesLabelSelector(peer.namespaceSelector, pod.namespaceLabels);
  return true;
}

/** A peer of a rule against the other end: an ipBlock by address; selectors only ever match a pod. */
export function peerMatches(peer: NetworkPolicyPeer, ip: string, pod: PodInfo | undefined, policyNamespace: string): boolean {
  if (peer.ipBlock) return ipBlockMatches(peer.ipBlock, ip);
  if (!pod) return false;
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  return selectorsMatch(peer, pod, policyNamespace);
}

/**
 * evaluatePorts: no ports match every port; otherwise one entry of the connection's protocol (TCP
 * when unset) with no port, the port itself, a named port of the destination pod with that number
 * and protocol, or a port..endPort range.
 */
export function portsMatch(ports: readonly NetworkPolicyPort[] | undefined, port: number, protocol: Protocol, dstPod: PodInfo | undefined): boolean {
  if (!ports || ports.length === 0) return true;
  for (const p of ports) {
    if ((p.protocol ?? "TCP") !== protocol) continue;
    if (p.port === undefined || p.port === null) return true;
    if (typeof p.port === "number") {
      if (p.port === port) return true;
      if (p.endPort !== undefined && port > p.port && (mutant("netpol.end-port-exclusive") ? port < p.endPort : port <= p.endPort)) return true;
      continue;
    }
    // an all-digit string is an IntOrString that decoded as a string: a named port never is one
    if (dstPod?.ports.some((cp) => cp.name === p.port && cp.port === port && cp.protocol === protocol)) return true;
  }
  return false;
}

/**
 * Whether the selecting policies let the connection through in one direction: no policy of that
 * type selects the pod, or some rule of one of them matches (rules of every policy are ORed; a
 * policy with no rules of that direction only isolates).
 */
function directionAllows(policies: readonly NetworkPolicy[], type: "Ingress" | "Egress", conn: Connection, self: PodInfo, other: PodInfo | undefined): boolean {
  let verdict = true;
  for (const np of policies) {
    if (!policyTypesOf(np).includes(type)) continue;
    verdict = false;
    const ns = np.metadata?.namespace ?? "default";
    if (type === "Egress") {
      for (const rule of np.spec?.egress ?? []) {
        if (!portsMatch(rule.ports, conn.dstPort, conn.protocol, other)) continue;
        if (!rule.to || rule.to.length === 0) return true;
        if (rule.to.some((peer) => peerMatches(peer, conn.dstIP, other, ns))) return true;
      }
    } else {
      for (const rule of np.spec?.ingress ?? []) {
        if (!portsMatch(rule.ports, conn.dstPort, conn.protocol, self)) continue;
        if (!rule.from || rule.from.length === 0) return true;
        if (rule.from.some((peer) => peerMatches(peer, conn.srcIP, other, ns))) return true;
      }
    }
  }
  return verdict;
}

/** The source pod may send it: no Egress policy selects it, or one of their rules allows the destination. */
export function egressAllowed(policies: readonly NetworkPolicy[], conn: Connection, ends: Ends): boolean {
  if (!ends.src) return true;
  return directionAllows(policiesFor(policies, ends.src), "Egress", conn, ends.src, ends.dst);
}

/** The destination pod may receive it: from its own node always, else as its Ingress policies say. */
export function ingressAllowed(policies: readonly NetworkPolicy[], conn: Connection, ends: Ends): boolean {
  if (!ends.dst) return true;
  if (ends.dst.hostIP !== undefined && conn.srcIP === ends.dst.hostIP) return true;
  return directionAllows(policiesFor(policies, ends.dst), "Ingress", conn, ends.dst, ends.src);
}

/** A new connection is let through when both its source's egress and its destination's ingress allow it. */
export function connectionAllowed(policies: readonly NetworkPolicy[], conn: Connection, ends: Ends): boolean {
  return egressAllowed(policies, conn, ends) && ingressAllowed(policies, conn, ends);
}

/**
 * The pod on the pod network that holds an address: one not yet terminal, not on the host network
 * (a host-network pod's address is its node's, and its traffic is the node's).
 */
export function podInfoByIP(pods: Iterable<Pod>, namespaces: ReadonlyMap<string, Namespace>, ip: string): PodInfo | undefined {
  for (const p of pods) {
    if (p.spec?.hostNetwork) continue;
    const phase = p.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") continue;
    const ips = p.status?.podIPs?.map((x) => x.ip) ?? (p.status?.podIP ? [p.status.podIP] : []);
    if (!ips.includes(ip)) continue;
    return podInfo(p, namespaces);
  }
  return undefined;
}

/** A pod's labels, its namespace's labels and its containers' ports. */
export function podInfo(p: Pod, namespaces: ReadonlyMap<string, Namespace>): PodInfo {
  const namespace = p.metadata?.namespace ?? "default";
  const ports = (p.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((cp) => ({ ...(cp.name ? { name: cp.name } : {}), port: cp.containerPort, protocol: (cp.protocol ?? "TCP") as Protocol })));
  return {
    name: p.metadata?.name ?? "",
    namespace,
    labels: p.metadata?.labels ?? {},
    namespaceLabels: namespaces.get(namespace)?.metadata?.labels ?? {},
    ports,
    ...(p.status?.hostIP ? { hostIP: p.status.hostIP } : {}),
  };
}
