// kube-proxy on one node: watches Services and EndpointSlices (but headless ones and those another
// proxy claims), and once both caches have synced programs the node's rules (proxyRules), at most
// once per minSyncPeriod, as the iptables proxier's bounded-frequency sync runner does.

import { setup } from "xstate";
import { stepOf } from "../common/step.js";
import type { Fx } from "../common/effects.js";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { newClient, startInformer, storeSelect, type ClientState, type InformerDelta } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import { cachesSynced, dispatchResponse, dispatchWatchEvent, relistInformer } from "../endpoints/controller.js";
import { serviceRules, type ProxyRule } from "./kube-proxy.logic.js";

export const SERVICES = 1;
export const SLICES = 2;
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
}

export interface KubeProxyInput {
  token: string;
  nodeName: string;
}

export type KubeProxyEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "SyncProxyRules" } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

const step = stepOf<KubeProxyContext>();

/** Starts the Service and EndpointSlice informers. */
export function startInformers(ctx: KubeProxyContext, fx: Fx): void {
  startInformer(ctx.client, fx, SERVICES, { group: "", resource: "services", labelSelector: PROXY_LABEL_SELECTOR });
  startInformer(ctx.client, fx, SLICES, { group: "discovery.k8s.io", resource: "endpointslices", labelSelector: PROXY_LABEL_SELECTOR });
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
    handleResponse: step((c, e, fx) => dispatchResponse(c.client, e, fx, (w, d) => noteDelta(c, w, d), () => undefined)),
    handleWatchEvent: step((c, e, fx) => dispatchWatchEvent(c.client, e, fx, (w, d) => noteDelta(c, w, d))),
    requestSync: step((c, e, fx) => requestSync(c, e.now ?? 0, fx)),
    syncProxyRules: ({ context, event }) => syncProxyRules(context, (event as { now?: number }).now ?? 0),
    relist: step((c, e, fx) => relistInformer(c.client, fx, e.watchId)),
  },
}).createMachine({
  id: "kube-proxy",
  description: "Services and EndpointSlices to this node's load-balancing rules.",
  context: ({ input }) => ({ client: newClient(input.token), nodeName: input.nodeName, rules: [], syncPending: false }),
  initial: "waitingForCacheSync",
  entry: "startInformers",
  on: {
    Relist: { actions: "relist" },
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
