// kube-proxy on one node: watches Services and EndpointSlices (but headless ones and those another
// proxy claims), and once both caches have synced programs the node's rules (proxyRules), at most
// once per minSyncPeriod, as the iptables proxier's bounded-frequency sync runner does.

import { setup } from "xstate";
import { stepOf } from "../common/step.js";
import type { Fx } from "../common/effects.js";
import type { Node, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { newClient, startInformer, storeSelect, type ClientState, type InformerDelta } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import { cachesSynced, dispatchResponse, dispatchWatchEvent, relistInformer } from "../endpoints/controller.js";
import { pickBackend, serviceRules, type ProxyRule } from "./kube-proxy.logic.js";
import { nextRandom, seedFor } from "../common/prng.js";
import { cidrContains } from "../cni/ipam.js";
import type { ConnectMsg, ConnectResult } from "../cri/messages.js";

export const SERVICES = 1;
export const SLICES = 2;
/** Nodes: where a pod IP lives (its node's podCIDR) and which addresses a NodePort answers on. */
export const NODES = 3;
/** kube-proxy's informers skip headless Services and those another proxy implementation claims. */
export const PROXY_LABEL_SELECTOR = "!service.kubernetes.io/headless,!service.kubernetes.io/service-proxy-name";
/** iptables.minSyncPeriod's default: rules are rewritten at most once a second. */
export const MIN_SYNC_PERIOD_MS = 1000;

export interface KubeProxyContext {
  client: ClientState;
  nodeName: string;
  rules: ProxyRule[];
  /** simulated time of the last rules sync, or undefined before the first */
  lastSyncAt?: number;
  /** a sync is already scheduled */
  syncPending: boolean;
  /** PRNG state for the KUBE-SVC chain's random backend choice (iptables' statistic match) */
  draws: number;
  /** connections to pod IPs no EndpointSlice places, held until the Node informer has listed */
  held: ConnectMsg[];
}

export interface KubeProxyInput {
  token: string;
  nodeName: string;
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
  const rule = ruleFor(ctx.rules, nodes, msg.dst);
  let dst = msg.dst;
  if (rule) {
    const backend = pickBackend(rule, () => {
      const [v, s] = nextRandom(ctx.draws);
      ctx.draws = s;
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

/** syncProxyRules: recomputes the node's rules from the caches. */
export function syncProxyRules(ctx: KubeProxyContext, now: number): void {
  ctx.syncPending = false;
  ctx.lastSyncAt = now;
  const services = ctx.client.informers.get(SERVICES)?.store.values() ?? [];
  const sliceInf = ctx.client.informers.get(SLICES);
  const old = memos.get(ctx);
  const next: RulesMemo = { dirty: new Set(), byService: new Map() };
  const rules: ProxyRule[] = [];
  for (const svc of services as Iterable<Service>) {
    const key = `${svc.metadata?.namespace ?? "default"}/${svc.metadata?.name}`;
    let m = old?.byService.get(key);
    if (m === undefined || m.svc !== svc || old!.dirty.has(key)) {
      const own = (sliceInf ? storeSelect(sliceInf, svc.metadata?.namespace ?? "default", { [SERVICE_NAME_LABEL]: svc.metadata?.name ?? "" }) : []) as EndpointSlice[];
      m = { svc, rules: serviceRules(svc, own, ctx.nodeName) };
    }
    next.byService.set(key, m);
    for (const r of m.rules) rules.push(r);
  }
  memos.set(ctx, next);
  ctx.rules = rules;
}

// The proxier's change tracker, in spirit: only Services whose object or slices changed since the
// last sync are recomputed; the others keep their rules. Kept outside the context (keyed by it) so
// state hashes and copies do not see it; a copy has none and recomputes everything once.
interface RulesMemo {
  /** Service keys a delta touched since the last sync */
  dirty: Set<string>;
  byService: Map<string, { svc: Service; rules: ProxyRule[] }>;
}
const memos = new WeakMap<KubeProxyContext, RulesMemo>();
const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

/** Notes which Service an informer delta concerns, so the next sync recomputes it. */
export function noteDelta(ctx: KubeProxyContext, watchId: number, d: InformerDelta): void {
  const m = memos.get(ctx);
  if (m === undefined) return;
  markDirty(m, watchId, d.object);
  if (d.old !== undefined && d.old !== d.object) markDirty(m, watchId, d.old);
}

function markDirty(m: RulesMemo, watchId: number, o: any): void {
  const ns = o.metadata?.namespace ?? "default";
  if (watchId === SERVICES) m.dirty.add(`${ns}/${o.metadata?.name}`);
  else if (watchId === SLICES) m.dirty.add(`${ns}/${o.metadata?.labels?.[SERVICE_NAME_LABEL]}`);
}

export const kubeProxyMachine = setup({
  types: {
    context: {} as KubeProxyContext,
    events: {} as KubeProxyEvent,
    input: {} as KubeProxyInput,
  },
  guards: {
    isCacheSynced: ({ context }) => cachesSynced(context.client),
  },
  actions: {
    startInformers: step((c, _e, fx) => startInformers(c, fx)),
    handleResponse: step((c, e, fx) => {
      dispatchResponse(c.client, e, fx, (w, d) => noteDelta(c, w, d), () => undefined);
      releaseHeld(c, fx);
    }),
    handleWatchEvent: step((c, e, fx) => dispatchWatchEvent(c.client, e, fx, (w, d) => noteDelta(c, w, d))),
    requestSync: step((c, e, fx) => requestSync(c, e.now ?? 0, fx)),
    syncProxyRules: ({ context, event }) => syncProxyRules(context, (event as { now?: number }).now ?? 0),
    relist: step((c, e, fx) => relistInformer(c.client, fx, e.watchId)),
    forwardConnection: step((c, e, fx) => forwardConnection(c, e, fx)),
  },
}).createMachine({
  id: "kube-proxy",
  description: "Services and EndpointSlices to this node's load-balancing rules.",
  context: ({ input }) => ({ client: newClient(input.token), nodeName: input.nodeName, rules: [], syncPending: false, draws: seedFor(0, `${input.token}/draws`), held: [] }),
  initial: "waitingForCacheSync",
  entry: "startInformers",
  on: {
    Relist: { actions: "relist" },
    Connect: { actions: "forwardConnection", description: "DNAT a Service address to a backend (or REJECT), route to the backend's node" },
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
