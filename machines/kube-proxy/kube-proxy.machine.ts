// kube-proxy, the DaemonSet: watches Services and EndpointSlices (but headless ones and those another
// proxy claims), and once both caches have synced programs the rules (proxyRules), at most once per
// minSyncPeriod, as the iptables proxier's bounded-frequency sync runner does. Every node's kube-proxy
// receives the same watch stream, so one actor holds it once for all nodes: an EndpointSlice write
// costs one delivery, not one per node. What differs per node (Local traffic policies, the backend
// draws) is kept per node; a node's rules are rulesFor(context, node).

import { setup } from "xstate";
import { OrderedMap } from "immutable";
import { draftStepOf } from "../common/step.js";
import { newClient } from "../common/client.js";
import * as I from "../common/informer.js";
import { forwardConnection, noteDelta, notePolicyAgent, releaseHeld, requestSync, startInformers, syncProxyRules, type KubeProxyContext, type KubeProxyEvent, type KubeProxyInput } from "./kube-proxy.logic.js";

// Contexts are values: every action runs on a draft and the next context is a new value.
const step = draftStepOf<KubeProxyContext>();

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
    syncProxyRules: step((c, e, fx) => syncProxyRules(c, (e as { now?: number }).now ?? 0, fx)),
    relist: step((c, e, fx) => I.relist(c.client, fx, e.watchId)),
    forwardConnection: step((c, e, fx) => forwardConnection(c, e, fx)),
    notePolicyAgent: step((c, e) => notePolicyAgent(c, e.from)),
  },
}).createMachine({
  id: "kube-proxy",
  description: "Services and EndpointSlices to every node's load-balancing rules.",
  context: ({ input }) => ({ client: newClient(input.token), programmed: OrderedMap(), syncPending: false, seed: input.seed, draws: {}, held: [] }),
  initial: "waitingForCacheSync",
  entry: "startInformers",
  on: {
    Relist: { actions: "relist" },
    Connect: { actions: "forwardConnection", description: "on the sending pod's node: DNAT a Service address to a backend (or REJECT), route to the backend's node" },
    PolicyAgentReady: { actions: "notePolicyAgent", description: "a network policy agent filters pod traffic from now on: connections pass through it after DNAT" },
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
