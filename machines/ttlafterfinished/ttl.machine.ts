// kube-controller-manager's TTL-after-finished controller: an informer on Jobs, a work queue of
// Job keys, one processJob per ProcessNext (ttl.controller.ts); each finished Job's wait is a chart
// of its own (ttl.lifecycle.machine.ts). The context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as T from "./ttl.controller.js";
import type { TTLControllerContext, TTLControllerEvent, TTLControllerInput } from "./ttl.controller.js";

export const ttlAfterFinishedMachine = controllerMachine<TTLControllerContext, TTLControllerInput, TTLControllerEvent>({
  id: "ttl-after-finished-controller",
  description: "finished Jobs with ttlSecondsAfterFinished: deleted (foreground, uid precondition) that many seconds after their Complete/Failed condition.",
  context: T.initialTTLController,
  startInformers: T.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: T.onWatch, description: "an informer on Jobs: finished ones with a TTL are queued" },
  response: { step: T.onResponse, description: "the Jobs list and the Job deletions" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "processNextKey", step: (c, e, fx) => T.processNext(c, e.now, fx), description: "processJob for the next key" },
    requeueDescription: "a rate-limited retry is due",
  },
  on: {
    TTLTimer: { action: "ttlOver", step: (c, e, fx) => T.onTTLTimer(c, e.key, e.event, fx), description: "a Job's ttlSecondsAfterFinished ran out (ttl chart)" },
  },
});
