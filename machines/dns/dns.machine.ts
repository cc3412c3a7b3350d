// Cluster DNS (CoreDNS's kubernetes plugin, one actor "coredns"): watches Services and
// EndpointSlices and keeps the zone they imply (dnsRecords) in its context; queries are answered
// from that zone, so a name resolves only once CoreDNS's caches have seen the Service.

import { setup } from "xstate";
import { stepOf } from "../common/step.js";
import type { Fx } from "../common/effects.js";
import type { Service } from "kubernetes-types/core/v1";
import { newClient, startInformer, type ClientState, type InformerDelta } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import { deltaServiceKeys, serviceSlices } from "../common/endpointutil.js";
import * as I from "../common/informer.js";
import { CLUSTER_DOMAIN, resolveName, serviceRecords, type DNSZone } from "./dns.logic.js";

export const SERVICES = 1;
export const SLICES = 2;

export interface DnsContext {
  client: ClientState;
  zone: DNSZone;
}

export interface DnsInput {
  token: string;
  domain?: string;
}

/** A pod's resolver query (the CRI asks on its behalf); answered with DnsAnswer. */
export type DnsQueryEvent = { type: "DnsQuery"; id: number; name: string; namespace: string };

export type DnsEvent = ((ApiResponse | WatchEvent) & Stamp) | ({ type: "Relist"; watchId: number } & Stamp) | (DnsQueryEvent & Stamp);

const step = stepOf<DnsContext>();

/** Starts the Service and EndpointSlice informers. */
export function startInformers(ctx: DnsContext, fx: Fx): void {
  startInformer(ctx.client, fx, SERVICES, { group: "", resource: "services" });
  startInformer(ctx.client, fx, SLICES, { group: "discovery.k8s.io", resource: "endpointslices" });
}

/** Answers a query as the pod's resolver sees it: the A records of the first name on its search path that has any. */
export function answerQuery(ctx: DnsContext, q: DnsQueryEvent, replyTo: string, fx: Fx): void {
  const a = resolveName(ctx.zone, q.name, q.namespace);
  const addresses = a.rcode === "NOERROR" ? a.records.filter((r) => r.type === "A").map((r) => r.value) : [];
  fx.send(replyTo, { type: "DnsAnswer", id: q.id, addresses, ...(addresses.length > 0 && a.rcode === "NOERROR" ? { fqdn: a.queried } : {}) });
}

/**
 * Brings the zone in line with the caches: the records of every Service a delta touched since the
 * last update are replaced, so an event costs one Service, not all of them.
 */
export function rebuildZone(ctx: DnsContext): void {
  const services = ctx.client.informers.get(SERVICES)?.store;
  let t = tracked.get(ctx);
  if (t === undefined) {
    t = { dirty: new Set(), owned: new Map() };
    tracked.set(ctx, t);
    ctx.zone = { domain: ctx.zone.domain, records: {} };
    for (const svc of (services?.values() ?? []) as Iterable<Service>) putService(ctx, t, svc);
    return;
  }
  for (const key of t.dirty) {
    for (const name of t.owned.get(key) ?? []) delete ctx.zone.records[name];
    t.owned.delete(key);
    const svc = services?.get(key) as Service | undefined;
    if (svc !== undefined) putService(ctx, t, svc);
  }
  t.dirty.clear();
}

function putService(ctx: DnsContext, t: Tracked, svc: Service): void {
  const records = serviceRecords(svc, serviceSlices(ctx.client, SLICES, svc), ctx.zone.domain).records;
  const names = Object.keys(records);
  for (const n of names) ctx.zone.records[n] = records[n]!;
  t.owned.set(`${svc.metadata?.namespace ?? "default"}/${svc.metadata?.name}`, names);
}

// Which Services changed since the zone was last brought up to date, and the record names each
// owns. Kept outside the context (keyed by it) so hashes and copies do not see it: a copy has
// none and rebuilds the whole zone once.
interface Tracked {
  dirty: Set<string>;
  owned: Map<string, string[]>;
}
const tracked = new WeakMap<DnsContext, Tracked>();

/** Notes which Service an informer delta (a watch event, or a difference a re-list found) concerns. */
export function noteDelta(ctx: DnsContext, watchId: number, d: InformerDelta): void {
  const t = tracked.get(ctx);
  if (t === undefined) return;
  for (const k of deltaServiceKeys(d, watchId === SERVICES ? "Service" : "EndpointSlice")) t.dirty.add(k);
}


export const dnsMachine = setup({
  types: {
    context: {} as DnsContext,
    events: {} as DnsEvent,
    input: {} as DnsInput,
  },
  guards: {
    isCacheSynced: ({ context }) => I.hasSynced(context.client),
  },
  actions: {
    startInformers: step((c, _e, fx) => startInformers(c, fx)),
    handleResponse: step((c, e, fx) => void I.handleResponse(c.client, fx, e, (w, d) => noteDelta(c, w, d), true)),
    handleWatchEvent: step((c, e, fx) => I.handleWatchEvent(c.client, fx, e, (w, d) => noteDelta(c, w, d))),
    rebuildZone: ({ context }) => rebuildZone(context),
    relist: step((c, e, fx) => I.relist(c.client, fx, e.watchId)),
    answerQuery: step((c, e, fx) => answerQuery(c, e, e.from, fx)),
  },
}).createMachine({
  id: "coredns",
  description: "Services and EndpointSlices to the cluster.local zone.",
  context: ({ input }) => ({ client: newClient(input.token), zone: { domain: input.domain ?? CLUSTER_DOMAIN, records: {} } }),
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
      always: { guard: "isCacheSynced", target: "serving", actions: "rebuildZone" },
    },
    serving: {
      on: {
        ApiResponse: { actions: ["handleResponse", "rebuildZone"] },
        WatchEvent: { actions: ["handleWatchEvent", "rebuildZone"] },
        DnsQuery: { actions: "answerQuery", description: "answer a pod's query from the zone (search path, ndots:5)" },
      },
    },
  },
});
