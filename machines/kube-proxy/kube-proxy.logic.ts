// What kube-proxy programs on one node: per Service port, a frontend and the backends it load-balances
// to (pkg/proxy: CategorizeEndpoints, iptables proxier). Rules are data; nothing is programmed here.

import type { Service, ServicePort } from "kubernetes-types/core/v1";
import type { Endpoint, EndpointSlice } from "kubernetes-types/discovery/v1";

const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

/** One load-balancing rule: traffic to `frontend` goes to one of `backends`. */
export interface ProxyRule {
  /** "ns/name:portName" as kube-proxy's ServicePortName prints it ("ns/name" when the port is unnamed). */
  service: string;
  /** "10.96.0.10:53/UDP", or "<any>:30080/TCP" for a NodePort (every node address). */
  frontend: string;
  kind: "ClusterIP" | "NodePort";
  /** "ip:port", sorted as kube-proxy's endpoints cache sorts them. */
  backends: string[];
  /** The traffic policy that chose the backends. */
  trafficPolicy: "Cluster" | "Local";
  /** Set when spec.sessionAffinity is ClientIP. */
  sessionAffinity?: { type: "ClientIP"; timeoutSeconds: number };
}

/** An endpoint as kube-proxy sees it: address, port and the three conditions with their nil defaults. */
export interface ProxyEndpoint {
  ip: string;
  port: number;
  nodeName?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

/** Condition defaults from the API docs: nil ready means ready, nil serving defers to ready, nil terminating means not. */
export function endpointConditions(ep: Endpoint): { ready: boolean; serving: boolean; terminating: boolean } {
  const ready = ep.conditions?.ready ?? true;
  return { ready, serving: ep.conditions?.serving ?? ready, terminating: ep.conditions?.terminating ?? false };
}

/** The endpoints of one Service port, gathered from the Service's slices and deduplicated by ip:port. */
export function endpointsForPort(service: Service, port: ServicePort, slices: EndpointSlice[]): ProxyEndpoint[] {
  const ns = service.metadata?.namespace ?? "default";
  const seen = new Map<string, ProxyEndpoint>();
  for (const s of slices) {
    if ((s.metadata?.namespace ?? "default") !== ns) continue;
    if (s.metadata?.labels?.[SERVICE_NAME_LABEL] !== service.metadata?.name) continue;
    if (s.addressType !== "IPv4") continue;
    const sp = (s.ports ?? []).find((p) => (p.name ?? "") === (port.name ?? "") && (p.protocol ?? "TCP") === (port.protocol ?? "TCP"));
    if (!sp || sp.port === undefined) continue;
    for (const ep of s.endpoints ?? []) {
      const ip = ep.addresses[0];
      if (!ip) continue;
      const key = `${ip}:${sp.port}`;
      if (!seen.has(key)) seen.set(key, { ip, port: sp.port, nodeName: ep.nodeName, ...endpointConditions(ep) });
    }
  }
  // Sorted by the "ip:port" string (the map keys), built once rather than in every comparison.
  const keys = [...seen.keys()].sort((a, b) => (a < b ? -1 : 1));
  return keys.map((k) => seen.get(k)!);
}

/** Cluster policy: ready endpoints anywhere, else serving-and-terminating ones (graceful termination fallback). */
export function clusterEndpoints(eps: ProxyEndpoint[]): ProxyEndpoint[] {
  const ready = eps.filter((e) => e.ready);
  return ready.length > 0 ? ready : eps.filter((e) => e.serving && e.terminating);
}

/** Local policy: this node's ready endpoints, else this node's serving-and-terminating ones. */
export function localEndpoints(eps: ProxyEndpoint[], nodeName: string): ProxyEndpoint[] {
  const local = eps.filter((e) => e.nodeName === nodeName);
  return clusterEndpoints(local);
}

function servicePortName(service: Service, port: ServicePort): string {
  const base = `${service.metadata?.namespace ?? "default"}/${service.metadata?.name ?? ""}`;
  return port.name ? `${base}:${port.name}` : base;
}

function affinity(service: Service): ProxyRule["sessionAffinity"] {
  if (service.spec?.sessionAffinity !== "ClientIP") return undefined;
  // Default timeout is 3 hours (SetDefaults_Service).
  return { type: "ClientIP", timeoutSeconds: service.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800 };
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

/** The rules of one Service, given (at least) its slices, in proxyRules' order. */
export function serviceRules(svc: Service, slices: EndpointSlice[], nodeName: string): ProxyRule[] {
  const rules: ProxyRule[] = [];
  const clusterIP = svc.spec?.clusterIP;
  // Headless and ExternalName Services get no proxy rules.
  if (!clusterIP || clusterIP === "None" || svc.spec?.type === "ExternalName") return rules;
  const externallyAccessible = svc.spec?.type === "NodePort" || svc.spec?.type === "LoadBalancer";
  const sa = affinity(svc);
  for (const port of svc.spec?.ports ?? []) {
    const eps = endpointsForPort(svc, port, slices);
    const proto = port.protocol ?? "TCP";
    const name = servicePortName(svc, port);
    const pick = (policy: "Cluster" | "Local") =>
      (policy === "Local" ? localEndpoints(eps, nodeName) : clusterEndpoints(eps)).map((e) => `${e.ip}:${e.port}`);
    const internal = svc.spec?.internalTrafficPolicy === "Local" ? "Local" : "Cluster";
    rules.push({
      service: name,
      frontend: `${clusterIP}:${port.port}/${proto}`,
      kind: "ClusterIP",
      backends: pick(internal),
      trafficPolicy: internal,
      ...(sa ? { sessionAffinity: sa } : {}),
    });
    if (externallyAccessible && port.nodePort) {
      const external = svc.spec?.externalTrafficPolicy === "Local" ? "Local" : "Cluster";
      rules.push({
        service: name,
        frontend: `<any>:${port.nodePort}/${proto}`,
        kind: "NodePort",
        backends: pick(external),
        trafficPolicy: external,
        ...(sa ? { sessionAffinity: sa } : {}),
      });
    }
  }
  return rules;
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
  if (rule.sessionAffinity && previous !== undefined && rule.backends.includes(previous)) return previous;
  for (let i = 0; i < n - 1; i++) {
    if (rand() < 1 / (n - i)) return rule.backends[i];
  }
  return rule.backends[n - 1];
}
