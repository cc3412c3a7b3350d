// Cluster DNS as CoreDNS's kubernetes plugin answers it ("DNS for Services and Pods"), and the
// search-path walk a ClusterFirst pod's resolver (ndots:5) does before asking it. Below them, the
// plugin's steps over its machine's context: informer deltas and the zone kept up to date.

import { Map as IMap, OrderedSet } from "immutable";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { Fx } from "../common/effects.js";
import { startInformer, type ClientState, type InformerDelta } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import { deltaServiceKeys, serviceSlices } from "../common/endpointutil.js";
import { canonicalIPv6, formatIP, isIPv6Address, sloppyIPv4 } from "../common/ip.js";
import { mutant } from "../common/mutation.js";

export const CLUSTER_DOMAIN = "cluster.local";
/** TTL CoreDNS's kubernetes plugin gives its answers by default. */
export const DEFAULT_TTL = 5;
/** ndots in the resolv.conf the kubelet writes for ClusterFirst pods. */
export const NDOTS = 5;

/** One resource record. `value` is an IP for A (IPv4) and AAAA (IPv6), a name for CNAME, the target for SRV. */
export interface DNSRecord {
  name: string;
  type: "A" | "AAAA" | "CNAME" | "SRV";
  value: string;
  ttl: number;
  srv?: { priority: number; weight: number; port: number };
}

/** The answer for one name: records, or NXDOMAIN; `queried` is the fully-qualified name that answered. */
export type DNSAnswer = { rcode: "NOERROR"; queried: string; records: DNSRecord[] } | { rcode: "NXDOMAIN"; tried: string[] };

/** A zone: every record by lower-cased name. */
export interface DNSZone {
  domain: string;
  records: Record<string, DNSRecord[]>;
}

/**
 * CoreDNS's zone as its context keeps it: the records in a persistent map, so replacing one
 * Service's records costs O(log n), not a copy of the records of every Service and endpoint.
 */
export interface ZoneIndex {
  readonly domain: string;
  readonly records: IMap<string, DNSRecord[]>;
}

function add(zone: DNSZone, r: DNSRecord): void {
  const key = r.name.toLowerCase();
  (zone.records[key] ??= []).push(r);
}

/** Name CoreDNS gives a headless endpoint: its hostname, else its IP with dashes (endpoint_pod_names off; an IPv6 one's colons too). */
export function endpointHostname(hostname: string | undefined, ip: string): string {
  if (hostname) return hostname;
  // the mutant dashes only an IPv6 address's first colon
  return ip.includes(".") ? ip.replace(/\./g, "-") : ip.replace(mutant("dns.ipv6-hostname-first-colon-only") ? ":" : /:/g, "-");
}

/** The address record of an IP: A for IPv4, AAAA for IPv6 (CoreDNS answers each query type with its own family's). */
function addressRecord(name: string, ip: string): DNSRecord {
  return { name, type: isIPv6Address(ip) ? "AAAA" : "A", value: ip, ttl: DEFAULT_TTL };
}

interface ReadyEndpoint {
  ip: string;
  hostname?: string;
}

/** Ready addresses of a Service from its slices; a nil ready condition counts as ready. */
function readyEndpoints(svc: Service, slices: EndpointSlice[]): { eps: ReadyEndpoint[]; ports: { name: string; protocol: string; port: number }[] } {
  const ns = svc.metadata?.namespace ?? "default";
  const eps: ReadyEndpoint[] = [];
  const seen = new Set<string>();
  const ports = new Map<string, { name: string; protocol: string; port: number }>();
  for (const s of slices) {
    if ((s.metadata?.namespace ?? "default") !== ns) continue;
    if (s.metadata?.labels?.["kubernetes.io/service-name"] !== svc.metadata?.name) continue;
    // a dual-stack Service has a slice of each address type: the pods' addresses of both families
    if (s.addressType !== "IPv4" && s.addressType !== "IPv6") continue;
    for (const p of s.ports ?? []) {
      if (p.port === undefined) continue;
      const proto = p.protocol ?? "TCP";
      ports.set(`${p.name ?? ""}/${proto}`, { name: p.name ?? "", protocol: proto, port: p.port });
    }
    for (const ep of s.endpoints ?? []) {
      if (ep.conditions?.ready === false && !mutant("dns.headless-publishes-not-ready")) continue;
      for (const ip of ep.addresses) {
        if (seen.has(ip)) continue;
        seen.add(ip);
        eps.push({ ip, hostname: ep.hostname });
      }
    }
  }
  return { eps, ports: [...ports.values()] };
}

/** CoreDNS's SRV weight: each record's share of 100 within its priority, floored (100/n for n equal records). */
export function srvWeight(n: number): number {
  // the mutant rounds the share to the nearest (CoreDNS's backend_lookup floors it)
  return (mutant("dns.srv-weight-rounded") ? Math.round : Math.floor)((100 / (100 * n)) * 100);
}

/** Every record the kubernetes plugin serves for these Services (pod A records are synthesised at query time). */
export function dnsRecords(services: Service[], slices: EndpointSlice[], domain = CLUSTER_DOMAIN): DNSZone {
  const zone: DNSZone = { domain, records: {} };
  for (const svc of services) for (const rs of Object.values(serviceRecords(svc, slices, domain).records)) for (const r of rs) add(zone, r);
  return zone;
}

/** The records of one Service (its names are its own: no other Service's record shares them). */
export function serviceRecords(svc: Service, slices: EndpointSlice[], domain = CLUSTER_DOMAIN): DNSZone {
  const zone: DNSZone = { domain, records: {} };
  const svcName = `${svc.metadata?.name ?? ""}.${svc.metadata?.namespace ?? "default"}.svc.${domain}`;
  if (svc.spec?.type === "ExternalName") {
    if (svc.spec.externalName) add(zone, { name: svcName, type: "CNAME", value: svc.spec.externalName, ttl: DEFAULT_TTL });
    return zone;
  }
  const headless = svc.spec?.clusterIP === "None";
  if (!headless) {
    if (!svc.spec?.clusterIP) return zone;
    // CoreDNS answers the address net.ParseIP reads (an IPv4-mapped one is an A record of its IPv4),
    // one record per cluster IP: a dual-stack Service's IPv6 one is its AAAA record
    const clusterIPs = svc.spec.clusterIPs !== undefined && svc.spec.clusterIPs.length > 0 ? svc.spec.clusterIPs : [svc.spec.clusterIP];
    for (const ip of clusterIPs) add(zone, isIPv6Address(ip) ? addressRecord(svcName, ip) : { name: svcName, type: "A", value: ip.includes(":") ? sloppyIPv4(ip) : ip, ttl: DEFAULT_TTL });
    for (const p of svc.spec.ports ?? []) {
      if (!p.name) continue;
      const srvName = `_${p.name}._${(p.protocol ?? "TCP").toLowerCase()}.${svcName}`;
      add(zone, { name: srvName, type: "SRV", value: svcName, ttl: DEFAULT_TTL, srv: { priority: 0, weight: srvWeight(1), port: p.port } });
    }
    return zone;
  }
  const { eps, ports } = readyEndpoints(svc, slices);
  for (const ep of eps) {
    add(zone, addressRecord(svcName, ep.ip));
    add(zone, addressRecord(`${endpointHostname(ep.hostname, ep.ip)}.${svcName}`, ep.ip));
  }
  for (const p of ports) {
    if (!p.name) continue;
    const srvName = `_${p.name}._${p.protocol.toLowerCase()}.${svcName}`;
    for (const ep of eps) {
      // the mutant answers a headless Service's SRV query with the Service's name, as for a ClusterIP Service
      const target = mutant("dns.headless-srv-targets-service") ? svcName : `${endpointHostname(ep.hostname, ep.ip)}.${svcName}`;
      add(zone, { name: srvName, type: "SRV", value: target, ttl: DEFAULT_TTL, srv: { priority: 0, weight: srvWeight(eps.length), port: p.port } });
    }
  }
  return zone;
}

/** "1-2-3-4.ns.pod.cluster.local" → 1.2.3.4 (`pods insecure`, kubeadm's default: no existence check). */
function podRecord(fqdn: string, domain: string): DNSRecord | undefined {
  const suffix = `.pod.${domain}`;
  if (!fqdn.endsWith(suffix)) return undefined;
  const labels = fqdn.slice(0, -suffix.length).split(".");
  if (labels.length !== 2) return undefined;
  const m = /^(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})$/.exec(labels[0]!);
  if (!m) {
    // an IPv6 pod's name: its address with dashes for colons ("fd00-10-244--5"), an AAAA record
    const v6 = /^[0-9a-f-]+$/.test(labels[0]!) ? labels[0]!.replace(/-/g, ":") : "";
    return isIPv6Address(v6) ? addressRecord(fqdn, canonicalIPv6(v6)) : undefined;
  }
  if (m.slice(1).some((o) => Number(o) > 255)) return undefined;
  return { name: fqdn, type: "A", value: m.slice(1).join("."), ttl: DEFAULT_TTL };
}

/** Answers one fully-qualified name (no trailing dot) from the zone. */
export function lookup(zone: DNSZone | ZoneIndex, fqdn: string): DNSRecord[] {
  const name = fqdn.toLowerCase().replace(/\.$/, "");
  const pod = podRecord(name, zone.domain);
  if (pod) return [pod];
  const records = zone.records;
  if (IMap.isMap(records)) return (records as IMap<string, DNSRecord[]>).get(name) ?? [];
  // The name comes from a pod's query: only the zone's own names answer ("constructor" is NXDOMAIN).
  return Object.hasOwn(records, name) ? (records as Record<string, DNSRecord[]>)[name]! : [];
}

/** The search list the kubelet writes for a ClusterFirst pod in namespace ns. */
export function searchPath(ns: string, domain = CLUSTER_DOMAIN): string[] {
  return [`${ns}.svc.${domain}`, `svc.${domain}`, domain];
}

/**
 * The names the pod's resolver tries, in order: absolute first only when the name has ≥ ndots dots;
 * the search list is the pod's resolv.conf's, or a ClusterFirst pod's in searchNamespace.
 */
export function candidateNames(name: string, searchNamespace?: string, domain = CLUSTER_DOMAIN, resolver?: { searches: string[]; ndots: number }): string[] {
  if (name.endsWith(".")) return [name.slice(0, -1)];
  if (resolver === undefined && searchNamespace === undefined) return [name];
  const searches = resolver?.searches ?? searchPath(searchNamespace!, domain);
  const searched = searches.map((s) => `${name}.${s}`);
  const dots = name.split(".").length - 1;
  return dots >= (resolver?.ndots ?? NDOTS) + (mutant("dns.ndots-counts-strictly") ? 1 : 0) ? [name, ...searched] : [...searched, name];
}

/**
 * Resolves a name as a ClusterFirst pod in searchNamespace would (search list, ndots:5), or as a
 * fully-qualified name when no namespace is given; NXDOMAIN lists every name tried.
 */
export function resolveName(zone: DNSZone | ZoneIndex, name: string, searchNamespace?: string, resolver?: { searches: string[]; ndots: number }): DNSAnswer {
  const tried = candidateNames(name, searchNamespace, zone.domain, resolver);
  for (const q of tried) {
    const records = lookup(zone, q);
    if (records.length > 0) return { rcode: "NOERROR", queried: q, records };
  }
  return { rcode: "NXDOMAIN", tried };
}

// ---- the component's steps over its context (the machine's actions) ----
export const SERVICES = 1;
export const SLICES = 2;

export interface DnsContext {
  client: ClientState;
  zone: ZoneIndex;
  /**
   * Which Services changed since the zone was last brought up to date, and the record names each
   * owns (persistent: one entry per Service); undefined until the zone is first built.
   */
  tracked?: Tracked;
  /** CoreDNS runs as pods behind the kube-dns Service (kubeadm's addons): a query reaches it only through a usable endpoint */
  servedByPods?: true;
}

export interface DnsInput {
  token: string;
  domain?: string;
  servedByPods?: boolean;
}

/** A pod's resolver query (the CRI asks on its behalf); answered with DnsAnswer. */
/** replyTo: the querying runtime, when the query came through a network policy agent's filter */
export type DnsQueryEvent = { type: "DnsQuery"; id: number; name: string; namespace: string; searches?: string[]; ndots?: number; qtype?: "SRV" | "PTR"; replyTo?: string };

export type DnsEvent = ((ApiResponse | WatchEvent) & Stamp) | ({ type: "Relist"; watchId: number } & Stamp) | (DnsQueryEvent & Stamp);


/** Starts the Service and EndpointSlice informers. */
export function startInformers(ctx: DnsContext, fx: Fx): void {
  startInformer(ctx.client, fx, SERVICES, { group: "", resource: "services" });
  // indexed: a Service's slices are found by their service-name label, not by indexing the whole store per lookup
  startInformer(ctx.client, fx, SLICES, { group: "discovery.k8s.io", resource: "endpointslices", indexed: true });
}

/** How many CNAMEs an answer follows: CoreDNS's backend lookup stops a chain past 8 records (backend_lookup.go A: `len(previousRecords) > 7`). */
const maxCnameHops = 8;

/**
 * Follows the CNAMEs of an answer as CoreDNS does for an ExternalName Service: the CNAME, then
 * the target's records when the target is in the cluster's zone. A target outside it goes to the
 * upstream resolver, which a simulated cluster has none of: the answer is the CNAME alone.
 */
export function chaseCnames(zone: DNSZone | ZoneIndex, queried: string, records: DNSRecord[]): { name: string; records: DNSRecord[]; cnames: [string, string][] } {
  let name = queried;
  let rs = records;
  const cnames: [string, string][] = [];
  for (let hop = 0; hop < maxCnameHops; hop++) {
    const c = rs.find((r) => r.type === "CNAME");
    if (c === undefined) break;
    const target = c.value.toLowerCase().replace(/\.$/, "");
    cnames.push([name, target]);
    name = target;
    rs = target.endsWith(`.${zone.domain}`) ? lookup(zone, target) : [];
  }
  return { name, records: rs, cnames };
}

/** kubeadm's cluster DNS Service: the ClusterIP (10.96.0.10) every ClusterFirst pod's resolv.conf names. */
const clusterDnsService = "kube-system/kube-dns";

/**
 * Whether a query to the cluster DNS Service's ClusterIP reaches a CoreDNS pod: kube-proxy sends it
 * to a ready endpoint (Ready unset counts as ready), or, when none is ready, to one serving while
 * terminating (pkg/proxy/topology.go CategorizeEndpoints); with none its rules reject the packet and
 * the resolver hears no answer. A cluster without kubeadm's CoreDNS pods (no addons) is answered by
 * this model's resolver directly.
 */
export function clusterDnsReachable(ctx: DnsContext): boolean {
  if (ctx.servedByPods !== true) return true;
  const svc = ctx.client.informers.get(SERVICES)?.store.get(clusterDnsService) as Service | undefined;
  if (svc === undefined) return false;
  const endpoints = serviceSlices(ctx.client, SLICES, svc).flatMap((s) => s.endpoints ?? []);
  if (endpoints.some((e) => e.conditions?.ready !== false)) return true;
  return endpoints.some((e) => e.conditions?.serving !== false && e.conditions?.terminating === true);
}

/** Answers a query as the pod's resolver sees it: the A records of the first name on its search path that has any, through its CNAMEs. */
export function answerQuery(ctx: DnsContext, q: DnsQueryEvent, replyTo: string, fx: Fx): void {
  // no CoreDNS pod behind the Service: nothing answers, and the resolver times out
  if (!clusterDnsReachable(ctx)) return;
  if (q.qtype === "PTR") {
    const ip = addressFromReverse(q.name);
    return fx.send(replyTo, { type: "DnsAnswer", id: q.id, addresses: [], ptr: ip === undefined ? [] : reverseNames(ctx, ip) });
  }
  const a = resolveName(ctx.zone, q.name, q.namespace, q.searches !== undefined ? { searches: q.searches, ndots: q.ndots ?? 1 } : undefined);
  if (a.rcode !== "NOERROR") return fx.send(replyTo, { type: "DnsAnswer", id: q.id, addresses: [] });
  if (q.qtype === "SRV") return fx.send(replyTo, srvAnswer(q.id, a.queried, a.records));
  const chased = chaseCnames(ctx.zone, a.queried, a.records);
  const addresses = chased.records.filter((r) => r.type === "A").map((r) => r.value);
  // the AAAA question's answer, asked beside the A one (none for a single-stack IPv4 name)
  const addresses6 = chased.records.filter((r) => r.type === "AAAA").map((r) => r.value);
  const cnames = chased.cnames.length > 0 ? { cnames: chased.cnames } : {};
  const v6 = addresses6.length > 0 ? { addresses6 } : {};
  fx.send(replyTo, { type: "DnsAnswer", id: q.id, addresses, ...v6, ...(addresses.length > 0 || addresses6.length > 0 ? { fqdn: chased.name } : {}), ...cnames });
}

/**
 * The address a reverse name stands for (dnsutil.ExtractAddressFromReverse): in-addr.arpa's four
 * decimal labels (net.ParseIP's: no leading zero), or ip6.arpa's 32 hex nibbles, least significant
 * first; undefined otherwise.
 */
export function addressFromReverse(name: string): string | undefined {
  const n = name.toLowerCase().replace(/\.$/, "");
  if (n.endsWith(".in-addr.arpa")) {
    const labels = n.slice(0, -".in-addr.arpa".length).split(".");
    if (labels.length !== 4 || !labels.every((l) => /^(0|[1-9]\d{0,2})$/.test(l) && Number(l) <= 255)) return undefined;
    return labels.reverse().map(Number).join(".");
  }
  if (n.endsWith(".ip6.arpa")) {
    const nibbles = n.slice(0, -".ip6.arpa".length).split(".");
    if (nibbles.length !== 32 || !nibbles.every((l) => /^[0-9a-f]$/.test(l))) return undefined;
    const hex = nibbles.reverse().join("");
    const bytes = Array.from({ length: 16 }, (_, i) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16));
    return formatIP({ bytes, leadingZeros: false });
  }
  return undefined;
}

/**
 * The PTR names of an address (kubernetes plugin, reverse.go serviceRecordForIP): the Service whose
 * cluster IP it is; else every ready endpoint with that address, `<hostname>.<service>.<ns>.svc.<zone>`,
 * those with a hostname set preferred to those named by their address. None: the plugin falls
 * through (kind's Corefile) to an upstream this cluster has none of, so NXDOMAIN.
 */
export function reverseNames(ctx: DnsContext, ip: string): string[] {
  const domain = ctx.zone.domain;
  const services = [...((ctx.client.informers.get(SERVICES)?.store.values() ?? []) as Iterable<Service>)];
  const key = canonicalIPv6(ip);
  const svcName = (svc: Service) => `${svc.metadata?.name ?? ""}.${svc.metadata?.namespace ?? "default"}.svc.${domain}`;
  const byClusterIP = services.find((svc) => svc.spec?.clusterIP !== "None" && (svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : [])).some((c) => canonicalIPv6(c) === key));
  if (byClusterIP !== undefined) return [svcName(byClusterIP)];
  const named: string[] = [];
  const byAddress: string[] = [];
  for (const svc of services) {
    for (const ep of readyEndpoints(svc, serviceSlices(ctx.client, SLICES, svc)).eps) {
      if (canonicalIPv6(ep.ip) !== key) continue;
      (ep.hostname ? named : byAddress).push(`${endpointHostname(ep.hostname, ep.ip)}.${svcName(svc)}`);
    }
  }
  return named.length > 0 ? named : byAddress;
}

/**
 * An SRV question's answer: the name's SRV records (CoreDNS's kubernetes plugin: one per named port
 * of a Service, one per ready endpoint of a headless one); a name with records of other types only
 * is NOERROR with an empty answer (noData).
 */
function srvAnswer(id: number, queried: string, records: DNSRecord[]) {
  const srv = records.filter((r) => r.type === "SRV" && r.srv).map((r) => ({ name: queried, priority: r.srv!.priority, weight: r.srv!.weight, port: r.srv!.port, target: r.value }));
  return { type: "DnsAnswer", id, addresses: [], srv, ...(srv.length === 0 ? { noData: true } : {}) };
}

/**
 * Brings the zone in line with the caches: the records of every Service a delta touched since the
 * last update are replaced, so an event costs one Service, not all of them.
 */
export function rebuildZone(ctx: DnsContext): void {
  const services = ctx.client.informers.get(SERVICES)?.store;
  const domain = ctx.zone.domain;
  if (ctx.tracked === undefined) {
    let records = IMap<string, DNSRecord[]>().asMutable();
    let owned = IMap<string, string[]>();
    for (const svc of (services?.values() ?? []) as Iterable<Service>) [records, owned] = putService(ctx, records, owned, svc);
    ctx.zone = { domain, records: records.asImmutable() };
    ctx.tracked = { dirty: OrderedSet(), owned };
    return;
  }
  const { dirty } = ctx.tracked;
  if (dirty.size === 0) return;
  let owned = ctx.tracked.owned;
  // a transient copy of the persistent map: its changes here share structure with the zone before
  let records = ctx.zone.records.asMutable();
  for (const key of dirty) {
    for (const name of owned.get(key) ?? []) records = records.delete(name);
    owned = owned.delete(key);
    const svc = services?.get(key) as Service | undefined;
    if (svc !== undefined) [records, owned] = putService(ctx, records, owned, svc);
  }
  ctx.zone = { domain, records: records.asImmutable() };
  ctx.tracked = { dirty: OrderedSet(), owned };
}

type Records = IMap<string, DNSRecord[]>;

function putService(ctx: DnsContext, records: Records, owned: IMap<string, string[]>, svc: Service): [Records, IMap<string, string[]>] {
  const own = serviceRecords(svc, serviceSlices(ctx.client, SLICES, svc), ctx.zone.domain).records;
  const names = Object.keys(own);
  for (const n of names) records = records.set(n, own[n]!);
  return [records, owned.set(`${svc.metadata?.namespace ?? "default"}/${svc.metadata?.name}`, names)];
}

/** What rebuildZone needs to update the zone by Service: values, replaced rather than changed. */
export interface Tracked {
  readonly dirty: OrderedSet<string>;
  readonly owned: IMap<string, string[]>;
}

/** Notes which Service an informer delta (a watch event, or a difference a re-list found) concerns. */
export function noteDelta(ctx: DnsContext, watchId: number, d: InformerDelta): void {
  const t = ctx.tracked;
  if (t === undefined) return;
  let dirty = t.dirty;
  for (const k of deltaServiceKeys(d, watchId === SERVICES ? "Service" : "EndpointSlice")) dirty = dirty.add(k);
  if (dirty !== t.dirty) ctx.tracked = { dirty, owned: t.owned };
}
