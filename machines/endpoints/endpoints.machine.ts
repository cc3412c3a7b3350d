// The endpoints controller (kube-controller-manager's "endpoint" controller): waits for its
// Service, Pod and Endpoints caches, then works its queue of Service keys one at a time, writing
// only what differs and retrying failures (409 Conflict included) with per-key back-off.

import { setup } from "xstate";
import { stepOf } from "../common/step.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as I from "../common/informer.js";
import * as C from "./endpoints.controller.js";
import type { EndpointsControllerContext, EndpointsControllerInput } from "./endpoints.controller.js";

export type EndpointsControllerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

const step = stepOf<EndpointsControllerContext>();

export const endpointsControllerMachine = setup({
  types: {
    context: {} as EndpointsControllerContext,
    events: {} as EndpointsControllerEvent,
    input: {} as EndpointsControllerInput,
  },
  guards: {
    isCacheSynced: ({ context }) => I.hasSynced(context.client),
    hasQueuedKey: ({ context }) => context.queue.waiting.length > 0,
    isSyncFinished: ({ context }) => C.isSyncFinished(context),
  },
  actions: {
    startInformers: step((c, _e, fx) => C.startInformers(c, fx)),
    handleResponse: step((c, e, fx) =>
      C.onResponse(c, e, fx),
    ),
    handleWatchEvent: step((c, e, fx) => I.handleWatchEvent(c.client, fx, e, (id, d) => C.onDelta(c, id, d))),
    requeueKey: ({ context, event }) => W.add(context.queue, (event as { key: string }).key),
    relist: step((c, e, fx) => I.relist(c.client, fx, e.watchId)),
    queueLeftoverEndpoints: ({ context }) => C.queueLeftoverEndpoints(context),
    syncNextKey: step((c, e, fx) => C.syncNextKey(c, e.now ?? 0, fx)),
    finishKey: step((c, e, fx) => C.finishKey(c, e.now ?? 0, fx)),
  },
}).createMachine({
  id: "endpoints-controller",
  description: "Service selector and ready pods to v1 Endpoints.",
  context: ({ input }) => C.initialEndpointsController(input),
  initial: "waitingForCacheSync",
  entry: "startInformers",
  on: {
    ApiResponse: { actions: "handleResponse" },
    WatchEvent: { actions: "handleWatchEvent", description: "informer deltas queue Service keys" },
    Requeue: { actions: "requeueKey", description: "a failed key's back-off ran out" },
    Relist: { actions: "relist" },
  },
  states: {
    waitingForCacheSync: {
      always: { guard: "isCacheSynced", target: "running", actions: "queueLeftoverEndpoints" },
    },
    running: {
      initial: "idle",
      states: {
        idle: {
          always: { guard: "hasQueuedKey", target: "syncing" },
        },
        syncing: {
          entry: "syncNextKey",
          always: { guard: "isSyncFinished", target: "idle", actions: "finishKey" },
        },
      },
    },
  },
});
