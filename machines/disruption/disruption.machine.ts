// kube-controller-manager's disruption controller: informers on PodDisruptionBudgets, pods,
// ReplicaSets, Deployments, StatefulSets and ReplicationControllers, a work queue of budget keys, one budget synced per ProcessNext
// (disruption.controller.ts). The context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as D from "./disruption.controller.js";
import type { DisruptionControllerContext, DisruptionControllerEvent, DisruptionControllerInput } from "./disruption.controller.js";

export const disruptionControllerMachine = controllerMachine<DisruptionControllerContext, DisruptionControllerInput, DisruptionControllerEvent>({
  id: "disruption-controller",
  description: "PodDisruptionBudgets: expected pods (the pods, or their controllers' scale), desired and current healthy pods, disruptions allowed and the DisruptionAllowed condition, written through the status subresource; failSafe (SyncFailed) when they cannot be computed.",
  context: D.initialDisruptionController,
  startInformers: D.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: D.onWatch, description: "informers: budgets, pods (a pod's change queues the budgets selecting it), ReplicaSets, Deployments, StatefulSets and ReplicationControllers (their scale)" },
  response: { step: D.onResponse, description: "lists and status writes" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "processNextKey", step: (c, e, fx) => D.processNext(c, e.now, fx), description: "sync the next budget" },
    requeueDescription: "a rate-limited retry or a disrupted pod's DeletionTimeout is due",
  },
});
