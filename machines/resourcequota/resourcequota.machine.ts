// kube-controller-manager's ResourceQuota controller: informers on ResourceQuotas, Pods and each
// resource a quota counts, a work queue of quota keys, one syncResourceQuota per ProcessNext
// (resourcequota.controller.ts). The admission plugin charges a create to status.used at once;
// this controller recomputes it from the objects (replenishment when they finish or go) and copies
// spec.hard to status.hard. A value context.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as Q from "./resourcequota.controller.js";
import type { QuotaControllerContext, QuotaControllerEvent, QuotaControllerInput } from "./resourcequota.controller.js";

export const resourceQuotaControllerMachine = controllerMachine<QuotaControllerContext, QuotaControllerInput, QuotaControllerEvent>({
  id: "resourcequota-controller",
  description: "ResourceQuotas: status.hard from spec.hard, status.used from the namespace's objects (pods and their requests and limits, services, claims, object counts), written when they change.",
  context: Q.initialQuotaController,
  startInformers: Q.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: Q.onWatch, description: "informers on ResourceQuotas, Pods and each resource a quota counts: a changed quota, or an object of its namespace that stopped counting, queues it" },
  response: { step: Q.onResponse, description: "the lists and the status updates" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  onCacheSynced: { action: "enqueueAllQuotas", step: (c, e, fx) => Q.enqueueAll(c, e.now, fx) },
  running: {
    ResyncAll: { action: "recalculateAllQuotas", step: (c, e, fx) => Q.enqueueAll(c, e.now, fx), description: "the resource quota sync period (5 min) passed: every quota is queued for a full recalculation" },
  },
  worker: {
    kind: "perMessage",
    processNext: { action: "processNextKey", step: (c, e, fx) => Q.processNext(c, e.now, fx), description: "syncResourceQuota for the next key" },
    requeueDescription: "a rate-limited retry is due",
  },
});
