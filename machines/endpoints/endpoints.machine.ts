// The endpoints controller (kube-controller-manager's "endpoint" controller): waits for its
// Service, Pod and Endpoints caches, then works its queue of Service keys one at a time, writing
// only what differs and retrying failures (409 Conflict included) with per-key back-off.

import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as W from "../common/workqueue.js";
import * as C from "./endpoints.controller.js";
import type { EndpointsControllerContext, EndpointsControllerEvent, EndpointsControllerInput } from "./endpoints.controller.js";

export type { EndpointsControllerEvent };

export const endpointsControllerMachine = controllerMachine<EndpointsControllerContext, EndpointsControllerInput, EndpointsControllerEvent>({
  id: "endpoints-controller",
  description: "Service selector and ready pods to v1 Endpoints.",
  context: C.initialEndpointsController,
  startInformers: C.startInformers,
  isCacheSynced: (c) => I.hasSynced(c.client),
  onCacheSynced: { action: "queueLeftoverEndpoints", step: (c) => C.queueLeftoverEndpoints(c) },
  watch: { step: (c, e, fx) => I.handleWatchEvent(c.client, fx, e, (id, d) => C.onDelta(c, id, d)), description: "informer deltas queue Service keys" },
  response: { step: C.onResponse },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "oneAtATime",
    hasQueuedKey: (c) => c.queue.waiting.size > 0,
    syncNextKey: (c, e, fx) => C.syncNextKey(c, e.now ?? 0, fx),
    isSyncFinished: C.isSyncFinished,
    finishKey: (c, e, fx) => C.finishKey(c, e.now ?? 0, fx),
    requeue: (c, e) => W.add(c.queue, e.key),
    requeueDescription: "a failed key's back-off ran out",
  },
});
