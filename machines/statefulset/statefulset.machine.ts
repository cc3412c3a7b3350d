// kube-controller-manager's StatefulSet controller: informers on StatefulSets, pods,
// ControllerRevisions and PersistentVolumeClaims, a work queue of StatefulSet keys, one key synced
// per ProcessNext (statefulset.controller.ts); each StatefulSet's rollout is a chart of its own
// (statefulset.lifecycle.machine.ts). The context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as S from "./statefulset.controller.js";
import type { StatefulSetControllerContext, StatefulSetControllerEvent, StatefulSetControllerInput } from "./statefulset.controller.js";

export const statefulSetControllerMachine = controllerMachine<StatefulSetControllerContext, StatefulSetControllerInput, StatefulSetControllerEvent>({
  id: "statefulset-controller",
  description: "StatefulSets: pods <set>-<ordinal> with stable hostname, subdomain and claims <template>-<set>-<ordinal> (created before the pod), OrderedReady (one at a time, in order, each Running and Ready before the next; deleted in reverse) or Parallel, RollingUpdate with partition and maxUnavailable or OnDelete, ControllerRevision history, the claims' retention policy, status.",
  context: S.initialStatefulSetController,
  startInformers: S.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: S.onWatch, description: "informers: StatefulSets, pods, ControllerRevisions and PersistentVolumeClaims; a pod's change syncs its set (an orphan's, the sets that select it)" },
  response: { step: S.onResponse, description: "lists, canAdopt's live GET of the StatefulSet (then the adoptions, or none if it is being deleted), claim creations (then the pod's), pod creations, deletions and updates, revisions, status writes" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "processNextKey", step: (c, e, fx) => S.processNext(c, e.now, fx), description: "syncStatefulSet for the next key" },
    requeueDescription: "a rate-limited retry is due",
  },
  on: {
    StatefulSetTimer: { action: "minReadySecondsOver", step: (c, e, fx) => S.onStatefulSetTimer(c, e.key, e.event, fx), description: "replicas waited minReadySeconds (statefulset chart): enqueueSSAfter" },
  },
});
