// kube-apiserver's kubernetes-service-cidr-controller: an informer on the default ServiceCIDR and a
// sync every 10 s once its cache has synced (defaultservicecidr.controller.ts). No work queue. The
// context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as T from "./defaultservicecidr.controller.js";
import type { DefaultServiceCIDRContext, DefaultServiceCIDREvent, DefaultServiceCIDRInput } from "./defaultservicecidr.controller.js";

export const defaultServiceCIDRMachine = controllerMachine<DefaultServiceCIDRContext, DefaultServiceCIDRInput, DefaultServiceCIDREvent>({
  id: "kubernetes-service-cidr-controller",
  description: "every 10 s: creates the default ServiceCIDR `kubernetes` over --service-cluster-ip-range when it is gone and applies Ready=True to one without a Ready condition; reports (once) one whose ranges differ from the flags or whose Ready is False.",
  context: T.initialDefaultServiceCIDR,
  startInformers: T.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  onCacheSynced: { action: "syncDefaultServiceCIDR", step: (c, e, fx) => T.syncAndSchedule(c, e.now, fx) },
  watch: { step: T.onWatch, description: "an informer on the default ServiceCIDR alone: the cache a sync reads" },
  response: { step: T.onResponse, description: "the list, the create and the status apply" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  running: {
    SyncTick: { action: "syncDefaultServiceCIDRPeriodically", step: (c, e, fx) => T.syncAndSchedule(c, e.now, fx), description: "the interval (10 s) passed: sync again" },
  },
});
