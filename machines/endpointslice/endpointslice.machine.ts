// The EndpointSlice controller (kube-controller-manager's "endpointslice" controller): waits for
// its Service, Pod, EndpointSlice and Node caches, then works its queue of Service keys one at a
// time, writing each Service's slice changes in order and retrying failures with per-key back-off.

import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as W from "../common/workqueue.js";
import * as C from "./endpointslice.controller.js";
import type { EndpointSliceControllerContext, EndpointSliceControllerEvent, EndpointSliceControllerInput } from "./endpointslice.controller.js";

export type { EndpointSliceControllerEvent };

export const endpointSliceControllerMachine = controllerMachine<EndpointSliceControllerContext, EndpointSliceControllerInput, EndpointSliceControllerEvent>({
  id: "endpointslice-controller",
  description: "Service selector and pods to discovery.k8s.io/v1 EndpointSlices.",
  context: C.initialEndpointSliceController,
  startInformers: C.startInformers,
  isCacheSynced: (c) => I.hasSynced(c.client),
  watch: { step: (c, e, fx) => I.handleWatchEvent(c.client, fx, e, (id, d) => C.onDelta(c, id, d)), description: "informer deltas queue Service keys" },
  response: { step: C.onResponse, description: "list results fill caches; write answers advance the sync" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "oneAtATime",
    hasQueuedKey: (c) => c.queue.waiting.size > 0,
    syncNextKey: (c, _e, fx) => C.syncNextKey(c, fx),
    isSyncFinished: C.isSyncFinished,
    finishKey: (c, e, fx) => C.finishKey(c, e.now ?? 0, fx),
    requeue: (c, e) => W.add(c.queue, e.key),
    requeueDescription: "a failed key's back-off ran out",
  },
});
