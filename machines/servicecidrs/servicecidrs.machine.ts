// kube-controller-manager's servicecidrs controller: informers on ServiceCIDRs and IPAddresses, a
// work queue of ServiceCIDR names, one sync per ProcessNext (servicecidrs.controller.ts). The
// context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as T from "./servicecidrs.controller.js";
import type { ServiceCIDRsContext, ServiceCIDRsEvent, ServiceCIDRsInput } from "./servicecidrs.controller.js";

export const serviceCIDRsMachine = controllerMachine<ServiceCIDRsContext, ServiceCIDRsInput, ServiceCIDRsEvent>({
  id: "service-cidr-controller",
  description: "ServiceCIDRs: the protection finalizer and Ready=True; one being deleted keeps its finalizer (Ready=False, Terminating) while an allocated IPAddress lies only in it, then loses it 10 s after its deletion.",
  context: T.initialServiceCIDRs,
  startInformers: T.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: T.onWatch, description: "informers on ServiceCIDRs and IPAddresses: a changed ServiceCIDR, or one holding an IPAddress added or removed, is queued" },
  response: { step: T.onResponse, description: "the lists, the finalizer patches and the status applies" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "syncServiceCIDR", step: (c, e, fx) => T.processNext(c, e.now, fx), description: "sync the next ServiceCIDR" },
    requeueDescription: "a retry or the end of the deletion grace period is due",
  },
});
