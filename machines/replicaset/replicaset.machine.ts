// kube-controller-manager's ReplicaSet controller: informers on ReplicaSets and Pods, a work
// queue of ReplicaSet keys, one key synced per ProcessNext (replicaset.controller.ts). The
// replication controller is the same controller over ReplicationControllers
// (pkg/controller/replication: NewBaseController with a conversion adapter).

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as R from "./replicaset.controller.js";
import type { ReplicaSetControllerContext, ReplicaSetControllerEvent, ReplicaSetControllerInput } from "./replicaset.controller.js";

function replicaControllerMachine(id: string, description: string, kind: string, owner: R.ReplicatedKind) {
  return controllerMachine<ReplicaSetControllerContext, ReplicaSetControllerInput, ReplicaSetControllerEvent>({
    id,
    description,
    context: (input) => R.initialReplicaSetController({ ...input, owner }),
    startInformers: R.startInformers,
    isCacheSynced: (c) => informersSynced(c.client),
    watch: { step: R.onWatch, description: `informers: ${kind}s and Pods; observed creations and deletions settle expectations` },
    response: { step: R.onResponse, description: "lists, canAdopt's live GET of the owner (then the adoptions, or none if it is being deleted), pod creations (next slow-start batch), deletions, status writes" },
    relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
    worker: {
      kind: "perMessage",
      processNext: { action: "processNextKey", step: (c, e, fx) => R.processNext(c, e.now, fx), description: `sync${kind} for the next key` },
      requeueDescription: "a rate-limited retry or minReadySeconds check is due",
    },
  });
}

export const replicaSetControllerMachine = replicaControllerMachine(
  "replicaset-controller", "ReplicaSets: claim pods, create (slow start) or delete (ranked) behind expectations, write status.", "ReplicaSet", R.REPLICA_SETS);

export const replicationControllerMachine = replicaControllerMachine(
  "replication-controller", "ReplicationControllers: the ReplicaSet controller over them (their selector map as matchLabels): claim pods, create or delete behind expectations, write status.",
  "ReplicationController", R.REPLICATION_CONTROLLERS);
