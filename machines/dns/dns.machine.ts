// Cluster DNS (CoreDNS's kubernetes plugin, one actor "coredns"): watches Services and
// EndpointSlices and keeps the zone they imply (dnsRecords) in its context; queries are answered
// from that zone, so a name resolves only once CoreDNS's caches have seen the Service.

import { setup } from "xstate";
import { stepOf } from "../common/step.js";
import type { Fx } from "../common/effects.js";
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { newClient, startInformer, type ClientState } from "../common/client.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import { cachesSynced, dispatchResponse, dispatchWatchEvent, relistInformer } from "../endpoints/controller.js";
import { CLUSTER_DOMAIN, dnsRecords, resolveName, type DNSZone } from "./dns.logic.js";

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

/** Rebuilds the zone from the caches. */
export function rebuildZone(ctx: DnsContext): void {
  const services = [...(ctx.client.informers.get(SERVICES)?.store.values() ?? [])] as Service[];
  const slices = [...(ctx.client.informers.get(SLICES)?.store.values() ?? [])] as EndpointSlice[];
  ctx.zone = dnsRecords(services, slices, ctx.zone.domain);
}

export const dnsMachine = setup({
  types: {
    context: {} as DnsContext,
    events: {} as DnsEvent,
    input: {} as DnsInput,
  },
  guards: {
    isCacheSynced: ({ context }) => cachesSynced(context.client),
  },
  actions: {
    startInformers: step((c, _e, fx) => startInformers(c, fx)),
    handleResponse: step((c, e, fx) => dispatchResponse(c.client, e, fx, () => undefined, () => undefined)),
    handleWatchEvent: step((c, e, fx) => dispatchWatchEvent(c.client, e, fx, () => undefined)),
    rebuildZone: ({ context }) => rebuildZone(context),
    relist: step((c, e, fx) => relistInformer(c.client, fx, e.watchId)),
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
