// The EndpointSlice mirroring controller (kube-controller-manager's "endpointslice-mirroring"
// controller): waits for its Endpoints, EndpointSlice and Service caches, then works its queue of
// Endpoints keys one at a time, writing each key's slice changes in order and retrying failures
// with its own back-off (1 s doubling to 100 s).

import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as W from "../common/workqueue.js";
import * as C from "./endpointslicemirroring.controller.js";
import type { MirroringControllerContext, MirroringControllerEvent, MirroringControllerInput } from "./endpointslicemirroring.controller.js";

export type { MirroringControllerEvent };

export const endpointSliceMirroringControllerMachine = controllerMachine<MirroringControllerContext, MirroringControllerInput, MirroringControllerEvent>({
  id: "endpointslicemirroring-controller",
  description: "Endpoints of Services without a selector, mirrored to discovery.k8s.io/v1 EndpointSlices.",
  context: C.initialMirroringController,
  startInformers: C.startInformers,
  isCacheSynced: (c) => I.hasSynced(c.client),
  watch: { step: (c, e, fx) => I.handleWatchEvent(c.client, fx, e, (id, d) => C.onDelta(c, id, d)), description: "informer deltas queue Endpoints keys" },
  response: { step: C.onResponse, description: "list results fill caches; write answers advance the sync" },
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
