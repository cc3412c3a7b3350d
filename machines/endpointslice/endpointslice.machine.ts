// The EndpointSlice controller (kube-controller-manager's "endpointslice" controller): waits for
// its Service, Pod, EndpointSlice and Node caches, then works its queue of Service keys one at a
// time, writing each Service's slice changes in order and retrying failures with per-key back-off.

import { setup } from "xstate";
import { stepOf } from "../common/step.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as W from "../common/workqueue.js";
import * as I from "../common/informer.js";
import * as C from "./endpointslice.controller.js";
import type { EndpointSliceControllerContext, EndpointSliceControllerInput } from "./endpointslice.controller.js";

export type EndpointSliceControllerEvent =
  | ((ApiResponse | WatchEvent) & Stamp)
  | ({ type: "Requeue"; key: string } & Stamp)
  | ({ type: "Relist"; watchId: number } & Stamp);

const step = stepOf<EndpointSliceControllerContext>();

export const endpointSliceControllerMachine = setup({
  types: {
    context: {} as EndpointSliceControllerContext,
    events: {} as EndpointSliceControllerEvent,
    input: {} as EndpointSliceControllerInput,
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
    syncNextKey: step((c, _e, fx) => C.syncNextKey(c, fx)),
    finishKey: step((c, e, fx) => C.finishKey(c, e.now ?? 0, fx)),
  },
}).createMachine({
  id: "endpointslice-controller",
  description: "Service selector and pods to discovery.k8s.io/v1 EndpointSlices.",
  context: ({ input }) => C.initialEndpointSliceController(input),
  initial: "waitingForCacheSync",
  entry: "startInformers",
  on: {
    ApiResponse: { actions: "handleResponse", description: "list results fill caches; write answers advance the sync" },
    WatchEvent: { actions: "handleWatchEvent", description: "informer deltas queue Service keys" },
    Requeue: { actions: "requeueKey", description: "a failed key's back-off ran out" },
    Relist: { actions: "relist" },
  },
  states: {
    waitingForCacheSync: {
      always: { guard: "isCacheSynced", target: "running" },
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
