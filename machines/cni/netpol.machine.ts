// kindnet's network policy agent ("kindnet"): NetworkPolicies, Pods and Namespaces to a verdict on
// every pod connection kube-proxy passes it (netpol.logic.ts, netpol.ts).

import { setup } from "xstate";
import { draftStepOf } from "../common/step.js";
import { newClient } from "../common/client.js";
import * as I from "../common/informer.js";
import { announce, filter, hold, releaseHeld, tellJoiningNode, startInformers, type PolicyAgentContext, type PolicyAgentEvent, type PolicyAgentInput } from "./netpol.logic.js";

const step = draftStepOf<PolicyAgentContext>();
// before the filter is announced, a cache change needs no action: verdicts read the caches as they are
const ignoreDelta = () => {};

export const policyAgentMachine = setup({
  types: { context: {} as PolicyAgentContext, events: {} as PolicyAgentEvent, input: {} as PolicyAgentInput },
  guards: {
    isCacheSynced: ({ context }) => I.hasSynced(context.client),
  },
  actions: {
    startInformers: step((c, _e, fx) => startInformers(c, fx)),
    handleResponse: step((c, e, fx) => void I.handleResponse(c.client, fx, e, ignoreDelta, true)),
    handleWatchEvent: step((c, e, fx) => I.handleWatchEvent(c.client, fx, e, ignoreDelta)),
    handleResponseTellingNodes: step((c, e, fx) => void I.handleResponse(c.client, fx, e, (w, d) => tellJoiningNode(w, d, fx), true)),
    handleWatchEventTellingNodes: step((c, e, fx) => I.handleWatchEvent(c.client, fx, e, (w, d) => tellJoiningNode(w, d, fx))),
    relist: step((c, e, fx) => I.relist(c.client, fx, e.watchId)),
    announce: step((c, _e, fx) => announce(c, fx)),
    hold: step((c, e) => hold(c, e)),
    releaseHeld: step((c, _e, fx) => releaseHeld(c, fx)),
    filter: step((c, e, fx) => filter(c, e, fx)),
  },
}).createMachine({
  id: "kindnet",
  description: "NetworkPolicies, Pods and Namespaces to a verdict on each pod connection and DNS query: let through, or dropped.",
  context: ({ input }) => ({ client: newClient(input.token), held: [] }),
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
        FilterConnect: { actions: "hold", description: "a connection passed before the caches synced waits for them" },
        FilterDns: { actions: "hold", description: "so does a DNS query" },
      },
      always: { guard: "isCacheSynced", target: "enforcing", actions: ["announce", "releaseHeld"] },
    },
    enforcing: {
      description: "every connection kube-proxy passes is let through or dropped by the policies that select its two ends",
      on: {
        ApiResponse: { actions: "handleResponseTellingNodes", description: "a node that joins is told the filter is in place" },
        WatchEvent: { actions: "handleWatchEventTellingNodes", description: "so is one a watch event adds" },
        FilterConnect: { actions: "filter", description: "let through to the destination node's runtime, or drop (the client times out)" },
        FilterDns: { actions: "filter", description: "UDP to a kube-dns endpoint's port 53: let through to cluster DNS, or drop (the resolver times out)" },
      },
    },
  },
});
