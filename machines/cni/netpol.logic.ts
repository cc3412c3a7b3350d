// kindnet's network policy agent (kube-network-policies inside kindnetd), one actor for every
// node's as kube-proxy is: it watches NetworkPolicies, Pods and Namespaces and, once they have
// synced, tells kube-proxy to pass it every connection after DNAT. Each connection is let through
// to the destination node's runtime or dropped (never answered) by the verdict of netpol.ts.

import type { Namespace, Pod } from "kubernetes-types/core/v1";
import type { NetworkPolicy } from "kubernetes-types/networking/v1";
import type { Fx } from "../common/effects.js";
import { startInformer, type ClientState } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import type { FilterConnect, PolicyAgentReady } from "./messages.js";
import { connectionAllowed, podInfoByIP, type Connection } from "./netpol.js";

export const POLICIES = 1;
export const PODS = 2;
export const NAMESPACES = 3;

export interface PolicyAgentContext {
  client: ClientState;
  /** connections kube-proxy passed before the caches synced (after a restart): filtered once they have */
  held: readonly FilterConnect[];
}

export interface PolicyAgentInput {
  token: string;
}

export type PolicyAgentEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | (FilterConnect & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

/** Starts the three informers kube-network-policies runs. */
export function startInformers(ctx: PolicyAgentContext, fx: Fx): void {
  startInformer(ctx.client, fx, POLICIES, { group: "networking.k8s.io", resource: "networkpolicies" });
  startInformer(ctx.client, fx, PODS, { group: "", resource: "pods" });
  startInformer(ctx.client, fx, NAMESPACES, { group: "", resource: "namespaces" });
}

/** Tells kube-proxy the filter is in place. */
export function announce(fx: Fx): void {
  const ready: PolicyAgentReady = { type: "PolicyAgentReady" };
  fx.send("kube-proxy", ready);
}

/** The verdict on one connection from the caches: TCP to the destination's address and port. */
export function verdict(ctx: PolicyAgentContext, msg: FilterConnect): boolean {
  const c = msg.connect;
  const [dstIP, portText] = c.dst.split(":");
  const conn: Connection = { srcIP: c.src ?? "", dstIP: dstIP ?? "", dstPort: Number(portText), protocol: "TCP" };
  const store = (id: number) => ctx.client.informers.get(id)?.store.values() ?? [];
  const policies = [...store(POLICIES)] as NetworkPolicy[];
  // no policy anywhere: nothing is isolated, no lookup needed
  if (policies.length === 0) return true;
  const namespaces = new Map<string, Namespace>();
  for (const ns of store(NAMESPACES) as Iterable<Namespace>) namespaces.set(ns.metadata?.name ?? "", ns);
  const pods = [...store(PODS)] as Pod[];
  const src = c.src === undefined ? undefined : podInfoByIP(pods, namespaces, c.src);
  const dst = podInfoByIP(pods, namespaces, conn.dstIP);
  return connectionAllowed(policies, conn, { ...(src ? { src } : {}), ...(dst ? { dst } : {}) });
}

/** Lets a connection through to the destination's runtime, or drops it. */
export function filter(ctx: PolicyAgentContext, msg: FilterConnect, fx: Fx): void {
  if (verdict(ctx, msg)) fx.send(msg.next, msg.connect);
}

/** Holds a connection until the caches have synced. */
export function hold(ctx: PolicyAgentContext, msg: FilterConnect): void {
  ctx.held = [...ctx.held, { type: "FilterConnect", next: msg.next, connect: msg.connect }];
}

/** Filters the held connections once the caches have synced. */
export function releaseHeld(ctx: PolicyAgentContext, fx: Fx): void {
  const held = ctx.held;
  ctx.held = [];
  for (const m of held) filter(ctx, m, fx);
}
