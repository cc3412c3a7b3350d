// kube-controller-manager's DaemonSet controller: informers on DaemonSets, pods, nodes and
// ControllerRevisions, a work queue of DaemonSet keys, one key synced per ProcessNext
// (daemonset.controller.ts); each DaemonSet's rollout is a chart of its own
// (daemonset.lifecycle.machine.ts). The context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as D from "./daemonset.controller.js";
import type { DaemonSetControllerContext, DaemonSetControllerEvent, DaemonSetControllerInput } from "./daemonset.controller.js";

export const daemonSetControllerMachine = controllerMachine<DaemonSetControllerContext, DaemonSetControllerInput, DaemonSetControllerEvent>({
  id: "daemonset-controller",
  description: "DaemonSets: one pod per node that fits (nodeSelector, node affinity, taints against the daemon tolerations), created with the node's matchFields affinity (slow start) or deleted behind expectations, RollingUpdate (maxUnavailable, maxSurge) or OnDelete, ControllerRevision history, status.",
  context: D.initialDaemonSetController,
  startInformers: D.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: D.onWatch, description: "informers: DaemonSets, pods, nodes and ControllerRevisions; observed creations and deletions settle expectations, a node whose labels or taints change syncs the DaemonSets it concerns" },
  response: { step: D.onResponse, description: "lists, canAdopt's live GET of the DaemonSet (then the adoptions, or none if it is being deleted), pod creations (next slow-start batch), deletions, revisions, status writes" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "processNextKey", step: (c, e, fx) => D.processNext(c, e.now, fx), description: "syncDaemonSet for the next key" },
    requeueDescription: "a rate-limited retry or a failed pod's back-off is due",
  },
  on: {
    DaemonSetTimer: { action: "minReadySecondsOver", step: (c, e, fx) => D.onDaemonSetTimer(c, e.key, e.event, fx), description: "ready pods waited minReadySeconds (daemonset chart): enqueueDaemonSetAfter" },
  },
});
