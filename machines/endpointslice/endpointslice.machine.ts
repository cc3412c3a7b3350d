// The EndpointSlice controller (kube-controller-manager's "endpointslice" controller): waits for
// its Service, Pod, EndpointSlice and Node caches, then works its queue of Service keys one at a
// time, writing each Service's slice changes in order and retrying failures with per-key back-off.

import { valueControllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as C from "./endpointslice.controller.js";
import type { EndpointSliceControllerContext, EndpointSliceControllerEvent, EndpointSliceControllerInput } from "./endpointslice.controller.js";

export type { EndpointSliceControllerEvent };

// Value steps: each returns the next context, copying only what it changes (no mutative draft).
export const endpointSliceControllerMachine = valueControllerMachine<EndpointSliceControllerContext, EndpointSliceControllerInput, EndpointSliceControllerEvent>({
  id: "endpointslice-controller",
  description: "Service selector and pods to discovery.k8s.io/v1 EndpointSlices.",
  context: C.initialEndpointSliceController,
  startInformers: C.startInformersStep,
  isCacheSynced: (c) => I.hasSynced(c.client),
  watch: { step: (c, e, fx) => C.watchStep(c, e, fx), description: "informer deltas queue Service keys" },
  response: { step: C.responseStep, description: "list results fill caches; write answers advance the sync" },
  relist: (c, e, fx) => C.relistStep(c, e.watchId, fx),
  worker: {
    kind: "oneAtATime",
    hasQueuedKey: (c) => c.queue.waiting.size > 0,
    syncNextKey: (c, _e, fx) => C.syncNextKeyStep(c, fx),
    isSyncFinished: C.isSyncFinished,
    finishKey: (c, e, fx) => C.finishKeyStep(c, e.now ?? 0, fx),
    requeue: (c, e) => C.requeueStep(c, e.key),
    requeueDescription: "a failed key's back-off ran out",
  },
});
