// kube-controller-manager's csrcleaner: an informer on CertificateSigningRequests and a pass over
// them every hour once its cache has synced (csrcleaner.controller.ts). No work queue. The context
// is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as T from "./csrcleaner.controller.js";
import type { CSRCleanerContext, CSRCleanerEvent, CSRCleanerInput } from "./csrcleaner.controller.js";

export const csrCleanerMachine = controllerMachine<CSRCleanerContext, CSRCleanerInput, CSRCleanerEvent>({
  id: "csrcleaner",
  description: "every hour, deletes CertificateSigningRequests issued or denied or failed more than an hour ago, pending for more than a day, or whose certificate has expired.",
  context: T.initialCSRCleaner,
  startInformers: T.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  onCacheSynced: { action: "cleanRequests", step: (c, e, fx) => T.cleanAndSchedule(c, e.now, fx) },
  watch: { step: T.onWatch, description: "an informer on CertificateSigningRequests: the cache a pass reads" },
  response: { step: T.onResponse, description: "the list and the deletions" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  running: {
    CleanTick: { action: "cleanRequestsPeriodically", step: (c, e, fx) => T.cleanAndSchedule(c, e.now, fx), description: "pollingInterval (1 h) passed: clean again" },
  },
});
