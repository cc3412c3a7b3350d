// kube-controller-manager's Job controller: informers on Jobs and Pods, a work queue of Job keys,
// one key synced per ProcessNext (job.controller.ts); each Job's lifecycle is a chart of its own
// (job.lifecycle.machine.ts). The context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as J from "./job.controller.js";
import type { JobControllerContext, JobControllerEvent, JobControllerInput } from "./job.controller.js";

export const jobControllerMachine = controllerMachine<JobControllerContext, JobControllerInput, JobControllerEvent>({
  id: "job-controller",
  description: "Jobs: pods toward min(parallelism, remaining completions) with the pod-failure back-off, tracking finalizers, status and conditions (SuccessCriteriaMet/Complete, FailureTarget/Failed).",
  context: J.initialJobController,
  startInformers: J.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: J.onWatch, description: "informers: Jobs and Pods; observed creations, deletions and finalizer removals settle expectations" },
  response: { step: J.onResponse, description: "lists, pod creations (SuccessfulCreate), deletions, status writes, then finalizer removals" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "processNextKey", step: (c, e, fx) => J.processNext(c, e.now, fx), description: "syncJob for the next key" },
    requeueDescription: "a rate-limited retry is due",
  },
  on: {
    SyncJobBatched: { action: "batchPeriodOver", step: (c, e, fx) => J.onSyncJobBatched(c, e.key, fx), description: "a second after a pod event or a status-only Job update (syncJobBatchPeriod): enqueueSyncJobBatched's sync" },
    JobTimer: { action: "backoffOrDeadlineOver", step: (c, e, fx) => J.onJobTimer(c, e.key, e.event, fx), description: "a Job's pod-failure back-off or activeDeadlineSeconds ran out (job chart): enqueueSyncJobWithDelay" },
  },
});
