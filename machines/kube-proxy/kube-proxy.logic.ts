// What kube-proxy programs on one node: per Service port, a frontend and the backends it load-balances
// to (pkg/proxy: CategorizeEndpoints, iptables proxier). Rules are data; nothing is programmed here.
// Below them, the proxy's steps over its machine's context: informer deltas, the bounded-frequency
// sync, the per-node rules and the forwarding of a pod's connection.

import { OrderedMap, OrderedSet } from "immutable";
import type { Node, Service, ServicePort } from "kubernetes-types/core/v1";
import type { Endpoint, EndpointSlice } from "kubernetes-types/discovery/v1";
import type { Fx } from "../common/effects.js";
import { startInformer, type ClientState, type InformerDelta } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import { deltaServiceKeys, SERVICE_NAME_LABEL, serviceSlices } from "../common/endpointutil.js";
import { nextRandom, seedFor } from "../common/prng.js";
import { cidrContains, isIPv6Address, joinHostPort, sloppyIPv4, splitHostPort } from "../common/ip.js";
import { prefixContainsIP } from "../common/servicecidr.js";
import type { ConnectMsg, ConnectResult } from "../cri/messages.js";
import type { FilterConnect, PolicyAgentReady } from "../cni/messages.js";
import { mutant } from "../common/mutation.js";

/** One load-balancing rule: traffic to `frontend` goes to one of `backends`. */
export interface ProxyRule {
  /** "ns/name:portName" as kube-proxy's ServicePortName prints it ("ns/name" when the port is unnamed). */
  service: string;
  /** "10.96.0.10:53/UDP" ("[fd00:10:96::a]:53/UDP" for IPv6), or "<any>:30080/TCP" for a NodePort (every node address of the family). */
  frontend: string;
  kind: "ClusterIP" | "NodePort";
  /** The IPv6 proxier's rule (a dual-stack kube-proxy runs one per family; absent: IPv4's). */
  family?: "IPv6";
  /** "ip:port", sorted as kube-proxy's endpoints cache sorts them. */
  backends: string[];
  /** The traffic policy that chose the backends. */
  trafficPolicy: "Cluster" | "Local";
  /** Set when spec.sessionAffinity is ClientIP. */
  sessionAffinity?: { type: "ClientIP"; timeoutSeconds: number };
  /**
   * A Local policy with no endpoint on this node while the Service has some elsewhere: proxier.go's
   * filter rule DROPs ("has no local endpoints") where a Service with none at all is REJECTed.
   */
  noLocalEndpoints?: true;
}

/** An endpoint as kube-proxy sees it: address, port and the three conditions with their nil defaults. */
export interface ProxyEndpoint {
  ip: string;
  port: number;
  nodeName?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** The slice endpoint's hints.forZones / forNodes names, when it has any. */
  zoneHints?: string[];
  nodeHints?: string[];
}

/** Condition defaults from the API docs: nil ready means ready, nil serving defers to ready, nil terminating means not. */
export function endpointConditions(ep: Endpoint): { ready: boolean; serving: boolean; terminating: boolean } {
  // the mutant reads a nil ready as not ready (the API says unknown is to be taken as ready)
  const ready = ep.conditions?.ready ?? !mutant("kube-proxy.nil-ready-not-ready");
  return { ready, serving: ep.conditions?.serving ?? ready, terminating: ep.conditions?.terminating ?? false };
}

/** The endpoints of one Service port, gathered from the Service's slices of the proxier's address type and deduplicated by ip:port. */
export function endpointsForPort(service: Service, port: ServicePort, slices: EndpointSlice[], addressType: "IPv4" | "IPv6" = "IPv4"): ProxyEndpoint[] {
  const ns = service.metadata?.namespace ?? "default";
  const seen = new Map<string, ProxyEndpoint>();
  for (const s of slices) {
    if ((s.metadata?.namespace ?? "default") !== ns) continue;
    if (s.metadata?.labels?.[SERVICE_NAME_LABEL] !== service.metadata?.name) continue;
    // the mutant takes the endpoints of a slice of the other address family too
    if (s.addressType !== addressType && !mutant("kube-proxy.endpoints-any-address-family")) continue;
    const sp = (s.ports ?? []).find((p) => (p.name ?? "") === (port.name ?? "") && (p.protocol ?? "TCP") === (port.protocol ?? "TCP"));
    if (!sp || sp.port === undefined) continue;
    for (const ep of s.endpoints ?? []) {
      const ip = ep.addresses[0];
      if (!ip) continue;
      const key = joinHostPort(ip, sp.port);
      if (seen.has(key)) continue;
      const zoneHints = (ep.hints?.forZones ?? []).map((z) => z.name);
      const nodeHints = ((ep.hints as { forNodes?: { name: string }[] } | undefined)?.forNodes ?? []).map((n) => n.name);
      seen.set(key, { ip, port: sp.port, nodeName: ep.nodeName, ...endpointConditions(ep), ...(zoneHints.length > 0 ? { zoneHints } : {}), ...(nodeHints.length > 0 ? { nodeHints } : {}) });
    }
  }
  // Sorted by the "ip:port" string (the map keys), built once rather than in every comparison.
  const keys = [...seen.keys()].sort((a, b) => (a < b ? -1 : 1));
  return keys.map((k) => seen.get(k)!);
}

/** An endpoint as CategorizeEndpoints sees it: its conditions, whether it is on this node, its hints. */
export interface CategorizedEndpoint {
  isLocal: boolean;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  zoneHints?: readonly string[];
  nodeHints?: readonly string[];
}

/**
 * topologyModeFromHints (PreferSameTrafficDistribution on in v1.35): PreferSameNode when every ready
 * endpoint has a node hint and one names this node, else PreferSameZone when every ready endpoint
 * has a zone hint and one names this node's zone, else "" (no topology).
 */
export function topologyModeFromHints(endpoints: readonly CategorizedEndpoint[], nodeName: string, zone: string): "" | "PreferSameNode" | "PreferSameZone" {
  let hasEndpointForNode = false;
  let allEndpointsHaveNodeHints = true;
  let hasEndpointForZone = false;
  let allEndpointsHaveZoneHints = true;
  for (const ep of endpoints) {
    // the mutant judges the hints of endpoints that are not ready too
    if (!ep.ready && !mutant("kube-proxy.unready-endpoint-hints-judged")) continue;
    if ((ep.nodeHints ?? []).length === 0) allEndpointsHaveNodeHints = false;
    else if (ep.nodeHints!.includes(nodeName)) hasEndpointForNode = true;
    if ((ep.zoneHints ?? []).length === 0) allEndpointsHaveZoneHints = false;
    else if (ep.zoneHints!.includes(zone)) hasEndpointForZone = true;
  }
  if (allEndpointsHaveNodeHints && hasEndpointForNode) return "PreferSameNode";
  // the mutant filters by zone though some ready endpoint has no zone hint
  if ((allEndpointsHaveZoneHints || mutant("kube-proxy.partial-zone-hints-used")) && hasEndpointForZone) return "PreferSameZone";
  return "";
}

function availableForTopology(ep: CategorizedEndpoint, mode: string, nodeName: string, zone: string): boolean {
  // the mutant reads the zone hints in PreferSameNode mode: every endpoint of this node's zone is used
  if (mode === "PreferSameNode" && !mutant("kube-proxy.same-node-mode-reads-zone-hints")) return (ep.nodeHints ?? []).includes(nodeName);
  if (mode === "PreferSameNode") return (ep.zoneHints ?? []).includes(zone);
  if (mode === "PreferSameZone") return (ep.zoneHints ?? []).includes(zone);
  return true;
}

const ZONE_LABEL = "topology.kubernetes.io/zone";

/**
 * pkg/proxy CategorizeEndpoints: the usable Cluster-policy endpoints (ready ones the topology
 * allows, else serving-and-terminating ones anywhere) when the port uses them, the usable
 * Local-policy ones (this node's ready ones, else its serving-and-terminating ones) when it uses
 * those, and whether the Service has a usable endpoint anywhere. Unused kinds are undefined.
 */
export function categorizeEndpoints<E extends CategorizedEndpoint>(
  endpoints: readonly E[], usesCluster: boolean, usesLocal: boolean, nodeName: string, nodeLabels: Readonly<Record<string, string>>,
): { clusterEndpoints?: E[]; localEndpoints?: E[]; hasAnyEndpoints: boolean } {
  let clusterEndpoints: E[] | undefined;
  let hasAnyEndpoints = false;
  if (usesCluster) {
    const zone = Object.hasOwn(nodeLabels, ZONE_LABEL) ? nodeLabels[ZONE_LABEL]! : "";
    const mode = topologyModeFromHints(endpoints, nodeName, zone);
    clusterEndpoints = endpoints.filter((ep) => ep.ready && availableForTopology(ep, mode, nodeName, zone));
    // graceful termination: no ready endpoint anywhere, so the serving-and-terminating ones
    if (clusterEndpoints.length === 0) clusterEndpoints = endpoints.filter((ep) => (ep.serving || mutant("kube-proxy.fallback-ignores-serving")) && ep.terminating);
    if (clusterEndpoints.length > 0) hasAnyEndpoints = true;
  }
  if (!usesLocal) return { clusterEndpoints, hasAnyEndpoints };
  let hasLocalReady = false;
  let hasLocalServingTerminating = false;
  for (const ep of endpoints) {
    if (ep.ready) {
      hasAnyEndpoints = true;
      if (ep.isLocal) hasLocalReady = true;
    } else if ((ep.serving || mutant("kube-proxy.any-endpoints-counts-not-serving")) && ep.terminating) {
      hasAnyEndpoints = true;
      if (ep.isLocal) hasLocalServingTerminating = true;
    }
  }
  let localEndpoints: E[] = [];
  // the mutant prefers this node's terminating endpoints to its ready ones
  if (hasLocalReady && !(hasLocalServingTerminating && mutant("kube-proxy.local-prefers-terminating"))) localEndpoints = endpoints.filter((ep) => ep.isLocal && ep.ready);
  else if (hasLocalServingTerminating) localEndpoints = endpoints.filter((ep) => ep.isLocal && ep.serving && ep.terminating);
  // the mutant sends traffic to other nodes when this one has no endpoint of its own
  else if (mutant("kube-proxy.local-policy-falls-back-to-remote")) localEndpoints = categorizeEndpoints(endpoints, true, false, nodeName, nodeLabels).clusterEndpoints ?? [];
  return { clusterEndpoints, localEndpoints, hasAnyEndpoints };
}

function servicePortName(service: Service, port: ServicePort): string {
  const base = `${service.metadata?.namespace ?? "default"}/${service.metadata?.name ?? ""}`;
  return port.name ? `${base}:${port.name}` : base;
}

function affinity(service: Service): ProxyRule["sessionAffinity"] {
  if (service.spec?.sessionAffinity !== "ClientIP") return undefined;
  // Default timeout is 3 hours (SetDefaults_Service).
  return { type: "ClientIP", timeoutSeconds: service.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? (mutant("kube-proxy.affinity-default-timeout-minutes") ? 180 : 10800) };
}

/** The rules kube-proxy on nodeName programs for these Services and EndpointSlices. */
export function proxyRules(services: Service[], slices: EndpointSlice[], nodeName: string): ProxyRule[] {
  // Each Service reads only its own slices: group them once (order kept) rather than scan all per port.
  const bySvc = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const k = `${s.metadata?.namespace ?? "default"}/${s.metadata?.labels?.[SERVICE_NAME_LABEL]}`;
    const list = bySvc.get(k);
    if (list === undefined) bySvc.set(k, [s]);
    else list.push(s);
  }
  const rules: ProxyRule[] = [];
  for (const svc of services) {
    const own = bySvc.get(`${svc.metadata?.namespace ?? "default"}/${svc.metadata?.name}`) ?? [];
    for (const r of serviceRules(svc, own, nodeName)) rules.push(r);
  }
  return rules;
}

/**
 * The cluster IPs a Service is proxied on, with their families: each family's proxier (the
 * MetaProxier of a dual-stack kube-proxy) takes the Service's address of its own family.
 */
function familyClusterIPs(svc: Service, stored: string): ["IPv4" | "IPv6", string][] {
  const ips = svc.spec?.clusterIPs !== undefined && svc.spec.clusterIPs.length > 0 ? svc.spec.clusterIPs : [stored];
  // newBaseServiceInfo parses the address sloppily: an IPv4-mapped one is the IPv4 address it names
  return ips.map((ip) => (isIPv6Address(ip) ? ["IPv6", ip] : ["IPv4", sloppyIPv4(ip)]));
}

/** The rules of one Service, given (at least) its slices, in proxyRules' order: its IPv4 ones, then its IPv6 ones. */
export function serviceRules(svc: Service, slices: EndpointSlice[], nodeName: string, nodeLabels: Readonly<Record<string, string>> = {}): ProxyRule[] {
  const rules: ProxyRule[] = [];
  const stored = svc.spec?.clusterIP;
  // Headless and ExternalName Services get no proxy rules.
  if (!stored || stored === "None" || svc.spec?.type === "ExternalName") return rules;
  for (const [family, clusterIP] of familyClusterIPs(svc, stored)) familyRules(svc, slices, nodeName, nodeLabels, family, clusterIP, rules);
  return rules;
}

/** One family's proxier's rules for a Service: per port its ClusterIP rule and, when exposed, its NodePort rule. */
function familyRules(svc: Service, slices: EndpointSlice[], nodeName: string, nodeLabels: Readonly<Record<string, string>>, family: "IPv4" | "IPv6", clusterIP: string, rules: ProxyRule[]): void {
  const fam = family === "IPv6" ? { family: "IPv6" as const } : {};
  const externallyAccessible = svc.spec?.type === "NodePort" || svc.spec?.type === "LoadBalancer";
  const sa = affinity(svc);
  for (const port of svc.spec?.ports ?? []) {
    const eps = endpointsForPort(svc, port, slices, family).map((e) => ({ ...e, isLocal: e.nodeName === nodeName }));
    const proto = port.protocol ?? "TCP";
    const name = servicePortName(svc, port);
    const internal = svc.spec?.internalTrafficPolicy === "Local" ? "Local" : "Cluster";
    const external = (mutant("kube-proxy.node-port-follows-internal-policy") ? svc.spec?.internalTrafficPolicy : svc.spec?.externalTrafficPolicy) === "Local" ? "Local" : "Cluster";
    const accessible = externallyAccessible && !!port.nodePort;
    // UsesClusterEndpoints / UsesLocalEndpoints of the service port
    const usesCluster = internal === "Cluster" || accessible;
    const usesLocal = internal === "Local" || (accessible && external === "Local");
    const cat = categorizeEndpoints(eps, usesCluster, usesLocal, nodeName, nodeLabels);
    const pick = (policy: "Cluster" | "Local") => ((policy === "Local" ? cat.localEndpoints : cat.clusterEndpoints) ?? []).map((e) => joinHostPort(e.ip, e.port));
    const dropped = (backends: string[]) => (backends.length === 0 && cat.hasAnyEndpoints ? { noLocalEndpoints: true as const } : {});
    const internalBackends = pick(internal);
    rules.push({
      service: name,
      frontend: `${joinHostPort(clusterIP, port.port)}/${proto}`,
      kind: "ClusterIP",
      ...fam,
      backends: internalBackends,
      trafficPolicy: internal,
      ...(sa ? { sessionAffinity: sa } : {}),
      ...dropped(internalBackends),
    });
    if (accessible) {
      const externalBackends = pick(external);
      rules.push({
        service: name,
        frontend: `<any>:${port.nodePort}/${proto}`,
        kind: "NodePort",
        ...fam,
        backends: externalBackends,
        trafficPolicy: external,
        ...(sa ? { sessionAffinity: sa } : {}),
        ...dropped(externalBackends),
      });
    }
  }
}

/**
 * Picks a backend as the iptables KUBE-SVC chain does: rule i matches with probability 1/(n-i),
 * the last always, so each backend is equally likely. With ClientIP affinity a still-present
 * previous backend is kept (the `recent` match). Returns undefined when there are no backends
 * (iptables REJECTs: "has no endpoints").
 */
export function pickBackend(rule: ProxyRule, rand: () => number, previous?: string): string | undefined {
  const n = rule.backends.length;
  if (n === 0) return undefined;
  // the mutant forgets the client's backend: ClientIP affinity picks afresh each time
  if (rule.sessionAffinity && previous !== undefined && rule.backends.includes(previous) && !mutant("kube-proxy.affinity-ignores-previous-backend")) return previous;
  for (let i = 0; i < n - 1; i++) {
    if (rand() < 1 / (n - i)) return rule.backends[i];
  }
  return rule.backends[n - 1];
}

/**
 * The backend a client was last sent to through this rule, while its `recent --rcheck --seconds
 * <timeoutSeconds>` still matches (the entry is younger than the Service's affinity timeout).
 */
export function recentBackend(affinity: KubeProxyContext["affinity"], key: string, rule: ProxyRule, now: number): string | undefined {
  const e = affinity !== undefined && Object.hasOwn(affinity, key) ? affinity[key] : undefined;
  if (e === undefined || rule.sessionAffinity === undefined) return undefined;
  // the mutant never lets a client's affinity expire
  return now - e.at <= rule.sessionAffinity.timeoutSeconds * 1000 || mutant("kube-proxy.affinity-never-expires") ? e.backend : undefined;
}

// ---- the component's steps over its context (the machine's actions) ----
export const SERVICES = 1;
export const SLICES = 2;
/** Nodes: where a pod IP lives (its node's podCIDR) and which addresses a NodePort answers on. */
export const NODES = 3;
/** kube-proxy's informers skip headless Services and those another proxy implementation claims. */
export const PROXY_LABEL_SELECTOR = "!service.kubernetes.io/headless,!service.kubernetes.io/service-proxy-name";
/** iptables.minSyncPeriod's default: rules are rewritten at most once a second. */
export const MIN_SYNC_PERIOD_MS = 1000;

/** One Service as the proxier last programmed it: the Service and its EndpointSlices at that sync. */
export interface Programmed {
  svc: Service;
  slices: EndpointSlice[];
}

export interface KubeProxyContext {
  client: ClientState;
  /** per Service ("ns/name", in the informer's order): what the last sync programmed (persistent; entries are replaced, never changed) */
  programmed: OrderedMap<string, Programmed>;
  /**
   * The proxier's change tracker, in spirit: the Services whose object or slices changed since the
   * last sync, read again by the next; the others keep their entry. Undefined before the first
   * sync (everything is read).
   */
  changed?: OrderedSet<string>;
  /** simulated time of the last rules sync, or undefined before the first */
  lastSyncAt?: number;
  /** a sync is already scheduled */
  syncPending: boolean;
  seed: number;
  /** per node: PRNG state for its KUBE-SVC chains' random backend choice (iptables' statistic match) */
  draws: Record<string, number>;
  /** connections to pod IPs no EndpointSlice places, held until the Node informer has listed */
  held: readonly ConnectMsg[];
  /**
   * ClientIP session affinity, as iptables' `recent` match keeps it per node: "node, frontend,
   * client IP" to the backend last taken and when (absent until a Service with affinity is used)
   */
  affinity?: Record<string, { backend: string; at: number }>;
  /**
   * The network policy agent that filters pod traffic once it has announced itself (kindnet's,
   * whose nfqueue rule sits after kube-proxy's DNAT); absent: connections go straight on.
   */
  policyAgent?: string;
}

export interface KubeProxyInput {
  token: string;
  seed: number;
}

export type KubeProxyEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | (ConnectMsg & Stamp)
  | (PolicyAgentReady & Stamp)
  | ({ type: "SyncProxyRules" } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);


/** Starts the Service and EndpointSlice informers. */
export function startInformers(ctx: KubeProxyContext, fx: Fx): void {
  startInformer(ctx.client, fx, SERVICES, { group: "", resource: "services", labelSelector: PROXY_LABEL_SELECTOR });
  startInformer(ctx.client, fx, SLICES, { group: "discovery.k8s.io", resource: "endpointslices", labelSelector: PROXY_LABEL_SELECTOR });
}

/** The rule a destination "ip:port" ("[ipv6]:port") (TCP) hits: a ClusterIP frontend, or a NodePort on one of the nodes' addresses of its family. */
export function ruleFor(rules: ProxyRule[], nodes: Node[], dst: string): ProxyRule | undefined {
  const byClusterIP = rules.find((r) => r.kind === "ClusterIP" && r.frontend === `${dst}/TCP`);
  if (byClusterIP) return byClusterIP;
  const [ip, port] = splitHostPort(dst);
  const isNodeAddress = nodes.some((n) => (n.status?.addresses ?? []).some((a) => a.address === ip));
  const v6 = isIPv6Address(ip);
  return isNodeAddress ? rules.find((r) => r.kind === "NodePort" && r.frontend === `<any>:${port}/TCP` && (r.family === "IPv6") === v6) : undefined;
}

/** The rules kube-proxy on this node has programmed: every programmed Service's, in order. */
export function rulesFor(ctx: Pick<KubeProxyContext, "programmed" | "client">, nodeName: string): ProxyRule[] {
  // The node's labels (its zone) from the node informer, as kube-proxy's NodeTopologyConfig reads them for hints.
  const labels = ((ctx.client.informers.get(NODES)?.store.get(nodeName) as Node | undefined)?.metadata?.labels ?? {}) as Readonly<Record<string, string>>;
  const rules: ProxyRule[] = [];
  for (const p of ctx.programmed.values()) for (const r of programmedRules(p, nodeName, labels)) rules.push(r);
  return rules;
}

// A Service's rules depend on the node only under a Local traffic policy: computed once per
// programmed entry (and per node for those), outside the context so hashes and copies do not see it.
// Entries live in a persistent map and are never changed, so their identity is their value.
const ruleMemo = new WeakMap<Programmed, ProxyRule[] | Map<string, ProxyRule[]>>();

function programmedRules(p: Programmed, nodeName: string, nodeLabels: Readonly<Record<string, string>>): ProxyRule[] {
  const m = ruleMemo.get(p);
  if (Array.isArray(m)) return m;
  if (!nodeDependent(p)) {
    const rules = serviceRules(p.svc, p.slices, nodeName);
    ruleMemo.set(p, rules);
    return rules;
  }
  let byNode = m;
  if (byNode === undefined) ruleMemo.set(p, (byNode = new Map()));
  // keyed by the node and its zone: a relabelled node's zone hints select anew
  const key = `${nodeName}\u0000${Object.hasOwn(nodeLabels, ZONE_LABEL) ? nodeLabels[ZONE_LABEL] : ""}`;
  let rules = byNode.get(key);
  if (rules === undefined) byNode.set(key, (rules = serviceRules(p.svc, p.slices, nodeName, nodeLabels)));
  return rules;
}

function nodeDependent(p: Programmed): boolean {
  const svc = p.svc;
  if (svc.spec?.internalTrafficPolicy === "Local" || svc.spec?.externalTrafficPolicy === "Local") return true;
  // topology hints make the Cluster endpoints depend on the node too
  return hasHints(p);
}

function hasHints(p: Programmed): boolean {
  return p.slices.some((s) => (s.endpoints ?? []).some((ep) => ep.hints !== undefined && ep.hints !== null));
}

/** The node a pod IP lives on: the EndpointSlice endpoint's nodeName, else the node whose podCIDR holds it. */
export function nodeOfPodIP(ip: string, slices: EndpointSlice[], nodes: Node[]): string | undefined {
  for (const s of slices) for (const ep of s.endpoints ?? []) if (ep.nodeName && ep.addresses.includes(ip)) return ep.nodeName;
  // a dual-stack node routes a /64 of IPv6 pod addresses beside its IPv4 /24
  const n = nodes.find((n) => (n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : [])).some((c) => (c.includes(":") ? prefixContainsIP(c, ip) : cidrContains(c, ip))));
  return n?.metadata?.name;
}

/**
 * A connection from a pod on this node: a Service address is DNATed to a backend the rules pick
 * (none: REJECT, "connection refused"; none on this node under a Local policy: DROP); a pod IP is routed as is. It goes on to the runtime of the
 * backend's node, which answers the origin; a node's own address goes to that node's host network;
 * an address no node holds is never answered (the client times out).
 */
export function forwardConnection(ctx: KubeProxyContext, msg: ConnectMsg, fx: Fx): void {
  const slices = [...(ctx.client.informers.get(SLICES)?.store.values() ?? [])] as EndpointSlice[];
  const nodes = [...(ctx.client.informers.get(NODES)?.store.values() ?? [])] as Node[];
  // an echo request (ping) is ICMP: the Service rules match tcp, udp and sctp only, so a cluster IP is never DNATed for it
  const rule = msg.icmp ? undefined : ruleFor(rulesFor(ctx, msg.node), nodes, msg.dst);
  let dst = msg.dst;
  if (rule) {
    const now = (msg as { now?: number }).now ?? 0;
    const key = rule.sessionAffinity && msg.src !== undefined ? `${msg.node}\u0000${rule.frontend}\u0000${isIPv6Address(msg.src) ? msg.src : msg.src.split(":")[0]}` : undefined;
    const backend = pickBackend(rule, () => {
      const [v, s] = nextRandom(ctx.draws[msg.node] ?? seedFor(ctx.seed, `kube-proxy/${msg.node}/draws`));
      ctx.draws[msg.node] = s;
      return v;
    }, key === undefined ? undefined : recentBackend(ctx.affinity, key, rule, now));
    // the endpoint chain's `recent --set`: the client's entry is taken (or renewed) at each new connection
    if (key !== undefined && backend !== undefined) ctx.affinity = { ...ctx.affinity, [key]: { backend, at: now } };
    // DROP: no answer, the client's connect times out
    if (backend === undefined && rule.noLocalEndpoints) return;
    if (backend === undefined) {
      const refused: ConnectResult = { type: "ConnectResult", id: msg.id, error: "connection refused" };
      fx.send(msg.replyTo, refused);
      return;
    }
    dst = backend;
  }
  const out = { ...stripStamp(msg), dst };
  const ip = splitHostPort(dst)[0];
  const podNode = nodeOfPodIP(ip, slices, nodes);
  const node = podNode ?? nodeWithAddress(ip, nodes);
  // a node's own address: its kernel answers an echo request itself
  if (msg.icmp && podNode === undefined && node !== undefined) return void fx.send(msg.replyTo, { type: "ConnectResult", id: msg.id, echoFrom: { node, pod: false } } satisfies ConnectResult);
  if (node !== undefined) return route(ctx, `cri/${node}`, out, fx);
  // The node routes (one podCIDR per node) are learned from Nodes, watched from the first time they are needed.
  const inf = ctx.client.informers.get(NODES);
  if (inf === undefined) startInformer(ctx.client, fx, NODES, { group: "", resource: "nodes" });
  if (inf === undefined || !inf.synced) ctx.held = [...ctx.held, out];
}

/** Sends a connection on to the destination node's runtime, through the policy agent's filter when there is one. */
function route(ctx: KubeProxyContext, next: string, msg: ConnectMsg, fx: Fx): void {
  if (ctx.policyAgent === undefined) return fx.send(next, msg);
  const filtered: FilterConnect = { type: "FilterConnect", next, connect: msg };
  fx.send(ctx.policyAgent, filtered);
}

/** A network policy agent announced its filter: from now on connections pass through it. */
export function notePolicyAgent(ctx: KubeProxyContext, from: string): void {
  ctx.policyAgent = from;
}

/**
 * The node that holds the address (one of its status.addresses) when no rule took the connection:
 * its host network answers, a host-network pod listening on the port or the kernel's refusal.
 */
function nodeWithAddress(ip: string, nodes: Node[]): string | undefined {
  return nodes.find((n) => (n.status?.addresses ?? []).some((a) => a.address === ip && (a.type === "InternalIP" || a.type === "ExternalIP")))?.metadata?.name;
}

/**
 * Forwards the held connections again once Nodes have listed: one to a node's address now meets
 * its NodePort rule (the first connection to a NodePort is what starts the Node informer), the
 * others are routed by podCIDR; an address no node holds is never answered.
 */
export function releaseHeld(ctx: KubeProxyContext, fx: Fx): void {
  if (ctx.held.length === 0 || !ctx.client.informers.get(NODES)?.synced) return;
  const held = ctx.held;
  ctx.held = [];
  for (const m of held) forwardConnection(ctx, m, fx);
}

/** The message without the runtime's delivery stamp, to be sent on. */
function stripStamp(msg: ConnectMsg & Partial<Stamp>): ConnectMsg {
  const { from: _f, now: _n, ...rest } = msg;
  return rest;
}

/** syncRunner.Run: schedules a sync no sooner than minSyncPeriod after the last one (a work timer). */
export function requestSync(ctx: KubeProxyContext, now: number, fx: Fx): void {
  if (ctx.syncPending) return;
  ctx.syncPending = true;
  const wait = ctx.lastSyncAt === undefined ? 0 : Math.max(0, ctx.lastSyncAt + MIN_SYNC_PERIOD_MS - now);
  fx.after("syncProxyRules", wait, { type: "SyncProxyRules" });
}

/** syncProxyRules: programs every Service from the caches; an unchanged Service keeps its entry (and its rules). */
export function syncProxyRules(ctx: KubeProxyContext, now: number, fx: Fx): void {
  ctx.syncPending = false;
  ctx.lastSyncAt = now;
  const services = ctx.client.informers.get(SERVICES)?.store.values() ?? [];
  const dirty = ctx.changed;
  const prev = ctx.programmed;
  let hinted = false;
  ctx.programmed = OrderedMap<string, Programmed>().withMutations((next) => {
    for (const svc of services as Iterable<Service>) {
      const key = `${svc.metadata?.namespace ?? "default"}/${svc.metadata?.name}`;
      let p = prev.get(key);
      if (p === undefined || p.svc !== svc || dirty === undefined || dirty.has(key)) {
        p = { svc, slices: serviceSlices(ctx.client, SLICES, svc) };
        hinted ||= hasHints(p);
      }
      next.set(key, p);
    }
  });
  ctx.changed = OrderedSet();
  // Hints select endpoints by this node's zone: its labels come from Nodes, watched from the first hint on.
  if (hinted && !ctx.client.informers.has(NODES)) startInformer(ctx.client, fx, NODES, { group: "", resource: "nodes" });
}

/** Notes which Service an informer delta concerns, so the next sync reads it again (Node deltas concern none). */
export function noteDelta(ctx: KubeProxyContext, watchId: number, d: InformerDelta): void {
  const dirty = ctx.changed;
  if (dirty === undefined || (watchId !== SERVICES && watchId !== SLICES)) return;
  let next = dirty;
  for (const k of deltaServiceKeys(d, watchId === SERVICES ? "Service" : "EndpointSlice")) next = next.add(k);
  if (next !== dirty) ctx.changed = next;
}
