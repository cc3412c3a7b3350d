// kube-controller-manager's garbage collector: informers on the kinds that own or are owned
// (Pods, ReplicaSets, Deployments, Services, Endpoints, EndpointSlices), an ownership graph by
// uid, and two queues folded into one: attemptToDelete (dependents of a gone owner; owners in
// foreground deletion) and attemptToOrphan (owners with the orphan finalizer). An owner missing
// from the cache is confirmed gone with a live GET before anything is deleted, as the real
// collector does, so a slow informer never costs a dependent its life.
// Custom resources are found through discovery (the CRDs listed) when an owner's kind is one the
// collector does not serve, and every 30 s after: each gets a monitor, so CRs own and are owned.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as G from "./gc.controller.js";
import type { GarbageCollectorContext, GarbageCollectorEvent, GarbageCollectorInput } from "./gc.controller.js";

export const garbageCollectorMachine = controllerMachine<GarbageCollectorContext, GarbageCollectorInput, GarbageCollectorEvent>({
  id: "garbage-collector",
  description: "ownerReferences: background and foreground deletion of dependents, orphaning.",
  context: G.initialGarbageCollector,
  startInformers: G.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: G.onWatch, description: "monitors: the ownership graph by uid" },
  response: { step: G.onResponse, description: "lists, live owner lookups, deletions and patches" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "processNextItem", step: (c, _e, fx) => G.processNext(c, fx), description: "attemptToDelete or attemptToOrphan for the next item" },
    requeueDescription: "a rate-limited retry is due",
  },
});
