// kube-proxy, the DaemonSet: watches Services and EndpointSlices (but headless ones and those another
// proxy claims), and once both caches have synced programs the rules (proxyRules), at most once per
// minSyncPeriod, as the iptables proxier's bounded-frequency sync runner does. Every node's kube-proxy
// receives the same watch stream, so one actor holds it once for all nodes: an EndpointSlice write
// costs one delivery, not one per node. What differs per node (Local traffic policies, the backend
// draws) is kept per node; a node's rules are rulesFor(context, node).

import { setup } from "xstate";
import { stepOf } from "../common/step.js";
import type { Fx } from "../common/effects.js";
import type { Node, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { newClient, startInformer, type ClientState, type InformerDelta } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import { deltaServiceKeys, serviceSlices } from "../common/endpointutil.js";
import * as I from "../common/informer.js";
import { pickBackend, serviceRules, type ProxyRule } from "./kube-proxy.logic.js";
import { nextRandom, seedFor } from "../common/prng.js";
import { cidrContains } from "../common/ip.js";
import type { ConnectMsg, ConnectResult } from "../cri/messages.js";

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
  /** per Service ("ns/name", in the informer's order): what the last sync programmed */
  programmed: Map<string, Programmed>;
  /** simulated time of the last rules sync, or undefined before the first */
  lastSyncAt?: number;
  /** a sync is already scheduled */
  syncPending: boolean;
  seed: number;
  /** per node: PRNG state for its KUBE-SVC chains' random backend choice (iptables' statistic match) */
  draws: Record<string, number>;
  /** connections to pod IPs no EndpointSlice places, held until the Node informer has listed */
  held: ConnectMsg[];
}

export interface KubeProxyInput {
  token: string;
  seed: number;
}

export type KubeProxyEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | (ConnectMsg & Stamp)
  | ({ type: "SyncProxyRules" } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

const step = stepOf<KubeProxyContext>();

/** Starts the Service and EndpointSlice informers. */
export function startInformers(ctx: KubeProxyContext, fx: Fx): void {
  startInformer(ctx.client, fx, SERVICES, { group: "", resource: "services", labelSelector: PROXY_LABEL_SELECTOR });
  startInformer(ctx.client, fx, SLICES, { group: "discovery.k8s.io", resource: "endpointslices", labelSelector: PROXY_LABEL_SELECTOR });
}

/** The rule a destination "ip:port" (TCP) hits: a ClusterIP frontend, or a NodePort on one of the nodes' addresses. */
export function ruleFor(rules: ProxyRule[], nodes: Node[], dst: string): ProxyRule | undefined {
  const byClusterIP = rules.find((r) => r.kind === "ClusterIP" && r.frontend === `${dst}/TCP`);
  if (byClusterIP) return byClusterIP;
  const [ip, port] = dst.split(":");
  const isNodeAddress = nodes.some((n) => (n.status?.addresses ?? []).some((a) => a.address === ip));
  return isNodeAddress ? rules.find((r) => r.kind === "NodePort" && r.frontend === `<any>:${port}/TCP`) : undefined;
}

/** The rules kube-proxy on this node has programmed: every programmed Service's, in order. */
export function rulesFor(ctx: Pick<KubeProxyContext, "programmed">, nodeName: string): ProxyRule[] {
  const rules: ProxyRule[] = [];
  for (const p of ctx.programmed.values()) for (const r of programmedRules(p, nodeName)) rules.push(r);
  return rules;
}

// A Service's rules depend on the node only under a Local traffic policy: computed once per
// programmed entry (and per node for those), outside the context so hashes and copies do not see it.
const ruleMemo = new WeakMap<Programmed, ProxyRule[] | Map<string, ProxyRule[]>>();

function programmedRules(p: Programmed, nodeName: string): ProxyRule[] {
  const m = ruleMemo.get(p);
  if (Array.isArray(m)) return m;
  if (!nodeDependent(p.svc)) {
    const rules = serviceRules(p.svc, p.slices, nodeName);
    ruleMemo.set(p, rules);
    return rules;
  }
  let byNode = m;
  if (byNode === undefined) ruleMemo.set(p, (byNode = new Map()));
  let rules = byNode.get(nodeName);
  if (rules === undefined) byNode.set(nodeName, (rules = serviceRules(p.svc, p.slices, nodeName)));
  return rules;
}

function nodeDependent(svc: Service): boolean {
  return svc.spec?.internalTrafficPolicy === "Local" || svc.spec?.externalTrafficPolicy === "Local";
}

/** The node a pod IP lives on: the EndpointSlice endpoint's nodeName, else the node whose podCIDR holds it. */
export function nodeOfPodIP(ip: string, slices: EndpointSlice[], nodes: Node[]): string | undefined {
  for (const s of slices) for (const ep of s.endpoints ?? []) if (ep.nodeName && ep.addresses.includes(ip)) return ep.nodeName;
  const n = nodes.find((n) => (n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : [])).some((c) => cidrContains(c, ip)));
  return n?.metadata?.name;
}

/**
 * A connection from a pod on this node: a Service address is DNATed to a backend the rules pick
 * (none: REJECT, "connection refused"); a pod IP is routed as is. It goes on to the runtime of the
 * backend's node, which answers the origin; an address no node holds is never answered (the client times out).
 */
export function forwardConnection(ctx: KubeProxyContext, msg: ConnectMsg, fx: Fx): void {
  const slices = [...(ctx.client.informers.get(SLICES)?.store.values() ?? [])] as EndpointSlice[];
  const nodes = [...(ctx.client.informers.get(NODES)?.store.values() ?? [])] as Node[];
  const rule = ruleFor(rulesFor(ctx, msg.node), nodes, msg.dst);
  let dst = msg.dst;
  if (rule) {
    const backend = pickBackend(rule, () => {
      const [v, s] = nextRandom(ctx.draws[msg.node] ?? seedFor(ctx.seed, `kube-proxy/${msg.node}/draws`));
      ctx.draws[msg.node] = s;
      return v;
    });
    if (backend === undefined) {
      const refused: ConnectResult = { type: "ConnectResult", id: msg.id, error: "connection refused" };
      fx.send(msg.replyTo, refused);
      return;
    }
    dst = backend;
  }
  const out = { ...stripStamp(msg), dst };
  const ip = dst.split(":")[0]!;
  const node = nodeOfPodIP(ip, slices, nodes);
  if (node !== undefined) return fx.send(`cri/${node}`, out);
  // The node routes (one podCIDR per node) are learned from Nodes, watched from the first time they are needed.
  const inf = ctx.client.informers.get(NODES);
  if (inf === undefined) startInformer(ctx.client, fx, NODES, { group: "", resource: "nodes" });
  if (inf === undefined || !inf.synced) ctx.held.push(out);
}

/** Routes the held connections once Nodes have listed; an address no node's podCIDR holds is never answered. */
export function releaseHeld(ctx: KubeProxyContext, fx: Fx): void {
  if (ctx.held.length === 0 || !ctx.client.informers.get(NODES)?.synced) return;
  const nodes = [...ctx.client.informers.get(NODES)!.store.values()] as Node[];
  for (const m of ctx.held.splice(0)) {
    const node = nodeOfPodIP(m.dst.split(":")[0]!, [], nodes);
    if (node !== undefined) fx.send(`cri/${node}`, m);
  }
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
export function syncProxyRules(ctx: KubeProxyContext, now: number): void {
  ctx.syncPending = false;
  ctx.lastSyncAt = now;
  const services = ctx.client.informers.get(SERVICES)?.store.values() ?? [];
  const dirty = changed.get(ctx);
  const next = new Map<string, Programmed>();
  for (const svc of services as Iterable<Service>) {
    const key = `${svc.metadata?.namespace ?? "default"}/${svc.metadata?.name}`;
    let p = ctx.programmed.get(key);
    if (p === undefined || p.svc !== svc || dirty === undefined || dirty.has(key)) {
      p = { svc, slices: serviceSlices(ctx.client, SLICES, svc) };
    }
    next.set(key, p);
  }
  changed.set(ctx, new Set());
  ctx.programmed = next;
}

// The proxier's change tracker, in spirit: only Services whose object or slices changed since the
// last sync are read again; the others keep their entry. Kept outside the context (keyed by it) so
// state hashes and copies do not see it; a copy has none and reads everything once.
const changed = new WeakMap<KubeProxyContext, Set<string>>();

/** Notes which Service an informer delta concerns, so the next sync reads it again (Node deltas concern none). */
export function noteDelta(ctx: KubeProxyContext, watchId: number, d: InformerDelta): void {
  const dirty = changed.get(ctx);
  if (dirty === undefined || (watchId !== SERVICES && watchId !== SLICES)) return;
  for (const k of deltaServiceKeys(d, watchId === SERVICES ? "Service" : "EndpointSlice")) dirty.add(k);
}

export const kubeProxyMachine = setup({
  types: {
    context: {} as KubeProxyContext,
    events: {} as KubeProxyEvent,
    input: {} as KubeProxyInput,
  },
  guards: {
    isCacheSynced: ({ context }) => I.hasSynced(context.client),
  },
  actions: {
    startInformers: step((c, _e, fx) => startInformers(c, fx)),
    handleResponse: step((c, e, fx) => {
      void I.handleResponse(c.client, fx, e, (w, d) => noteDelta(c, w, d), true);
      releaseHeld(c, fx);
    }),
    handleWatchEvent: step((c, e, fx) => I.handleWatchEvent(c.client, fx, e, (w, d) => noteDelta(c, w, d))),
    requestSync: step((c, e, fx) => requestSync(c, e.now ?? 0, fx)),
    syncProxyRules: ({ context, event }) => syncProxyRules(context, (event as { now?: number }).now ?? 0),
    relist: step((c, e, fx) => I.relist(c.client, fx, e.watchId)),
    forwardConnection: step((c, e, fx) => forwardConnection(c, e, fx)),
  },
}).createMachine({
  id: "kube-proxy",
  description: "Services and EndpointSlices to every node's load-balancing rules.",
  context: ({ input }) => ({ client: newClient(input.token), programmed: new Map(), syncPending: false, seed: input.seed, draws: {}, held: [] }),
  initial: "waitingForCacheSync",
  entry: "startInformers",
  on: {
    Relist: { actions: "relist" },
    Connect: { actions: "forwardConnection", description: "on the sending pod's node: DNAT a Service address to a backend (or REJECT), route to the backend's node" },
  },
  states: {
    waitingForCacheSync: {
      on: {
        ApiResponse: { actions: "handleResponse" },
        WatchEvent: { actions: "handleWatchEvent" },
      },
      always: { guard: "isCacheSynced", target: "programming", actions: "requestSync" },
    },
    programming: {
      description: "rules follow the caches, rewritten at most once per minSyncPeriod",
      on: {
        ApiResponse: { actions: ["handleResponse", "requestSync"] },
        WatchEvent: { actions: ["handleWatchEvent", "requestSync"] },
        SyncProxyRules: { actions: "syncProxyRules" },
      },
    },
  },
});
