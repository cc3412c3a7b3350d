// kube-controller-manager's ReplicaSet controller: informers on ReplicaSets and Pods, a work
// queue of ReplicaSet keys, one key synced per ProcessNext (replicaset.controller.ts).

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as R from "./replicaset.controller.js";
import type { ReplicaSetControllerContext, ReplicaSetControllerEvent, ReplicaSetControllerInput } from "./replicaset.controller.js";

export const replicaSetControllerMachine = controllerMachine<ReplicaSetControllerContext, ReplicaSetControllerInput, ReplicaSetControllerEvent>({
  id: "replicaset-controller",
  description: "ReplicaSets: claim pods, create (slow start) or delete (ranked) behind expectations, write status.",
  context: R.initialReplicaSetController,
  startInformers: R.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: R.onWatch, description: "informers: ReplicaSets and Pods; observed creations and deletions settle expectations" },
  response: { step: R.onResponse, description: "lists, pod creations (next slow-start batch), deletions, status writes" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "processNextKey", step: (c, e, fx) => R.processNext(c, e.now, fx), description: "syncReplicaSet for the next key" },
    requeueDescription: "a rate-limited retry or minReadySeconds check is due",
  },
});
