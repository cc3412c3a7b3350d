// kube-controller-manager's HorizontalPodAutoscaler controller: an informer on HPAs, a work queue
// of their keys, one reconcile per ProcessNext (hpa.controller.ts); each HPA's resync is a chart
// of its own (hpa.lifecycle.machine.ts). The context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as H from "./hpa.controller.js";
import type { HPAControllerContext, HPAControllerEvent, HPAControllerInput } from "./hpa.controller.js";

export const hpaControllerMachine = controllerMachine<HPAControllerContext, HPAControllerInput, HPAControllerEvent>({
  id: "horizontal-pod-autoscaler",
  description: "HorizontalPodAutoscalers: every sync period the target's scale, its pods' metrics (metrics.k8s.io) and the replica calculation decide the target's replicas, within min/max, stabilized and rate-limited; status conditions AbleToScale, ScalingActive, ScalingLimited.",
  context: H.initialHPAController,
  startInformers: H.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: H.onWatch, description: "an informer on HorizontalPodAutoscalers: new ones are queued" },
  response: { step: H.onResponse, description: "the scale, the pods and their metrics, the scale update and the status write of a reconcile" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "processNextKey", step: (c, e, fx) => H.processNext(c, e.now, fx), description: "reconcileAutoscaler for the next key" },
    requeueDescription: "a rate-limited retry is due",
  },
  on: {
    HPATimer: { action: "resyncHPA", step: (c, e, fx) => H.onHPATimer(c, e.key, e.event, fx), description: "the sync period ended (hpa chart): reconcile again" },
  },
});
