// kindnet's network policy agent (kube-network-policies inside kindnetd), one actor for every
// node's as kube-proxy is: it watches NetworkPolicies, Pods, Namespaces, Nodes and the kube-dns
// Service's EndpointSlices and, once they have synced, tells kube-proxy and every node's runtime to
// pass it their pods' traffic: connections after DNAT, and DNS queries. Each is let through or
// dropped (never answered) by the verdict of netpol.ts.

import type { Namespace, Node, Pod } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { NetworkPolicy } from "kubernetes-types/networking/v1";
import type { Fx } from "../common/effects.js";
import { startInformer, type ClientState, type InformerDelta } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import type { FilterConnect, FilterDns, PolicyAgentReady } from "./messages.js";
import { connectionAllowed, podInfoByIP, type Connection, type Ends } from "./netpol.js";

export const POLICIES = 1;
export const PODS = 2;
export const NAMESPACES = 3;
export const NODES = 4;
export const DNS_SLICES = 5;

/** The cluster DNS Service every ClusterFirst pod's resolv.conf names (kubeadm's kube-dns, 10.96.0.10:53). */
const DNS_SERVICE = { namespace: "kube-system", name: "kube-dns", clusterIP: "10.96.0.10", port: 53 };

export interface PolicyAgentContext {
  client: ClientState;
  /** connections and queries passed before the caches synced (after a restart): filtered once they have */
  held: readonly (FilterConnect | FilterDns)[];
}

export interface PolicyAgentInput {
  token: string;
}

export type PolicyAgentEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | (FilterConnect & Stamp)
  | (FilterDns & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

/** Starts the three informers kube-network-policies runs. */
export function startInformers(ctx: PolicyAgentContext, fx: Fx): void {
  startInformer(ctx.client, fx, POLICIES, { group: "networking.k8s.io", resource: "networkpolicies" });
  startInformer(ctx.client, fx, PODS, { group: "", resource: "pods" });
  startInformer(ctx.client, fx, NAMESPACES, { group: "", resource: "namespaces" });
  startInformer(ctx.client, fx, NODES, { group: "", resource: "nodes" });
  startInformer(ctx.client, fx, DNS_SLICES, { group: "discovery.k8s.io", resource: "endpointslices", namespace: DNS_SERVICE.namespace, labelSelector: `kubernetes.io/service-name=${DNS_SERVICE.name}` });
}

/** Tells kube-proxy and every node's runtime the filter is in place. */
export function announce(ctx: PolicyAgentContext, fx: Fx): void {
  const ready: PolicyAgentReady = { type: "PolicyAgentReady" };
  fx.send("kube-proxy", ready);
  for (const n of (ctx.client.informers.get(NODES)?.store.values() ?? []) as Iterable<Node>) fx.send(`cri/${n.metadata?.name}`, ready);
}

/** A node that joins once the filter is in place (the chart's enforcing state) is told at once: kindnetd starts on it with the filter. */
export function tellJoiningNode(watchId: number, d: InformerDelta, fx: Fx): void {
  if (watchId !== NODES || d.type !== "ADDED") return;
  const ready: PolicyAgentReady = { type: "PolicyAgentReady" };
  fx.send(`cri/${(d.object as Node).metadata?.name}`, ready);
}

/** What the caches hold, read for one verdict. */
function view(ctx: PolicyAgentContext): { policies: NetworkPolicy[]; ends: (src: string, dst: string) => Ends } {
  const store = (id: number) => ctx.client.informers.get(id)?.store.values() ?? [];
  const policies = [...store(POLICIES)] as NetworkPolicy[];
  const namespaces = new Map<string, Namespace>();
  for (const ns of store(NAMESPACES) as Iterable<Namespace>) namespaces.set(ns.metadata?.name ?? "", ns);
  const pods = [...store(PODS)] as Pod[];
  return {
    policies,
    ends: (srcIP, dstIP) => {
      const src = podInfoByIP(pods, namespaces, srcIP);
      const dst = podInfoByIP(pods, namespaces, dstIP);
      return { ...(src ? { src } : {}), ...(dst ? { dst } : {}) };
    },
  };
}

/** The verdict on one connection from the caches: TCP to the destination's address and port. */
export function verdict(ctx: PolicyAgentContext, msg: FilterConnect): boolean {
  const c = msg.connect;
  const [dstIP, portText] = c.dst.split(":");
  const conn: Connection = { srcIP: c.src ?? "", dstIP: dstIP ?? "", dstPort: Number(portText), protocol: "TCP" };
  // no policy anywhere: nothing is isolated, no lookup needed
  if (ctx.client.informers.get(POLICIES)?.store.size === 0) return true;
  const v = view(ctx);
  return connectionAllowed(v.policies, conn, v.ends(conn.srcIP, conn.dstIP));
}

/**
 * The verdict on a DNS query: UDP to port 53 of a ready kube-dns endpoint, the address kube-proxy
 * DNATs 10.96.0.10 to. It passes when the policies allow it to one of them (policies that allow DNS
 * name the kube-dns pods as a group, so every backend's verdict is the same); with no endpoint the
 * packet is judged as sent, to the Service address.
 */
export function dnsVerdict(ctx: PolicyAgentContext, msg: FilterDns): boolean {
  if (ctx.client.informers.get(POLICIES)?.store.size === 0) return true;
  const v = view(ctx);
  const backends: string[] = [];
  for (const s of (ctx.client.informers.get(DNS_SLICES)?.store.values() ?? []) as Iterable<EndpointSlice>) {
    for (const ep of s.endpoints ?? []) if (ep.conditions?.ready !== false) backends.push(...ep.addresses);
  }
  const targets = backends.length > 0 ? backends : [DNS_SERVICE.clusterIP];
  return targets.some((ip) => connectionAllowed(v.policies, { srcIP: msg.src, dstIP: ip, dstPort: DNS_SERVICE.port, protocol: "UDP" }, v.ends(msg.src, ip)));
}

/** Lets a connection or a query through, or drops it. */
export function filter(ctx: PolicyAgentContext, msg: FilterConnect | FilterDns, fx: Fx): void {
  if (msg.type === "FilterConnect") {
    if (verdict(ctx, msg)) fx.send(msg.next, msg.connect);
  } else if (dnsVerdict(ctx, msg)) fx.send(msg.next, msg.query);
}

/** Holds a connection or a query until the caches have synced. */
export function hold(ctx: PolicyAgentContext, msg: FilterConnect | FilterDns): void {
  const { from: _f, now: _n, ...bare } = msg as (FilterConnect | FilterDns) & Partial<Stamp>;
  ctx.held = [...ctx.held, bare];
}

/** Filters the held connections once the caches have synced. */
export function releaseHeld(ctx: PolicyAgentContext, fx: Fx): void {
  const held = ctx.held;
  ctx.held = [];
  for (const m of held) filter(ctx, m, fx);
}
