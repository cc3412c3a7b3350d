// Cluster DNS (CoreDNS's kubernetes plugin, one actor "coredns"): watches Services and
// EndpointSlices and keeps the zone they imply (dnsRecords) in its context; queries are answered
// from that zone, so a name resolves only once CoreDNS's caches have seen the Service.

import { setup } from "xstate";
import { draftStepOf } from "../common/step.js";
import { newClient } from "../common/client.js";
import * as I from "../common/informer.js";
import { Map as IMap } from "immutable";
import { answerQuery, CLUSTER_DOMAIN, noteDelta, rebuildZone, startInformers, type DnsContext, type DnsEvent, type DnsInput, type DNSRecord } from "./dns.logic.js";

// Contexts are values: every action runs on a draft and the next context is a new value.
const step = draftStepOf<DnsContext>();

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
    rebuildZone: step((c) => rebuildZone(c)),
    relist: step((c, e, fx) => I.relist(c.client, fx, e.watchId)),
    answerQuery: step((c, e, fx) => answerQuery(c, e, e.replyTo ?? e.from, fx)),
  },
}).createMachine({
  id: "coredns",
  description: "Services and EndpointSlices to the cluster.local zone.",
  context: ({ input }) => ({ client: newClient(input.token), zone: { domain: input.domain ?? CLUSTER_DOMAIN, records: IMap<string, DNSRecord[]>() }, ...(input.servedByPods === true ? { servedByPods: true as const } : {}) }),
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
