// kube-controller-manager's CronJob controller (cronjob_controllerv2.go): informers on CronJobs
// and Jobs, a work queue of CronJob keys, one sync per ProcessNext (cronjob.controller.ts); each
// CronJob's wait for its next schedule time is a chart of its own (cronjob.lifecycle.machine.ts).
// The context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as CJ from "./cronjob.controller.js";
import type { CronJobControllerContext, CronJobControllerEvent, CronJobControllerInput } from "./cronjob.controller.js";

export const cronJobControllerMachine = controllerMachine<CronJobControllerContext, CronJobControllerInput, CronJobControllerEvent>({
  id: "cronjob-controller",
  description: "CronJobs: a Job <name>-<minutes since the epoch> at each schedule time (concurrencyPolicy, startingDeadlineSeconds, suspend, timeZone), status.active/lastScheduleTime/lastSuccessfulTime, finished Jobs past the history limits deleted.",
  context: CJ.initialCronJobController,
  startInformers: CJ.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: CJ.onWatch, description: "informers: CronJobs (a new schedule books its next time) and the Jobs they control" },
  response: { step: CJ.onResponse, description: "lists, the sync's GETs, deletions and the Job's creation, then the status write" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "processNextKey", step: (c, e, fx) => CJ.processNext(c, e.now, fx), description: "sync for the next key" },
    requeueDescription: "a rate-limited retry is due",
  },
  on: {
    CronJobTimer: { action: "nextScheduleTimeCame", step: (c, e, fx) => CJ.onCronJobTimer(c, e.key, e.event, fx), description: "a CronJob's next schedule time came (cronjob chart): the key is synced" },
  },
});
