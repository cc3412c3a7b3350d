// kube-apiserver's ipallocator-repair-controller (RepairIPAddress): informers on Services,
// ServiceCIDRs and IPAddresses, a work queue of Service and IPAddress keys, one sync per
// ProcessNext (ipallocatorrepair.controller.ts). The context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as T from "./ipallocatorrepair.controller.js";
import type { RepairContext, RepairEvent, RepairInput } from "./ipallocatorrepair.controller.js";

export const ipAllocatorRepairMachine = controllerMachine<RepairContext, RepairInput, RepairEvent>({
  id: "ipallocator-repair-controller",
  description: "kube-apiserver's ClusterIP repair loop: a Service's missing or wrong IPAddress is recreated (ClusterIPNotAllocated), an address outside every ServiceCIDR (ClusterIPOutOfRange) or held for another Service (ClusterIPAlreadyAllocated) reported; an allocator's IPAddress without its Service is deleted 60 s after its creation.",
  context: T.initialRepair,
  startInformers: T.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: T.onWatch, description: "informers on Services, ServiceCIDRs and IPAddresses: a changed Service or IPAddress is queued" },
  response: { step: T.onResponse, description: "the lists, the IPAddress creates and deletes" },
  onCacheSynced: { action: "scheduleResync", step: (c, _e, fx) => T.scheduleResync(c, fx) },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  running: {
    Resync: { action: "resyncServicesAndIPAddresses", step: (c, _e, fx) => T.resync(c, fx), description: "the repair interval (3 min) passed: every Service and IPAddress is queued again" },
  },
  worker: {
    kind: "perMessage",
    processNext: { action: "syncServiceOrIPAddress", step: (c, e, fx) => T.processNext(c, e.now, fx), description: "once the default ServiceCIDR exists, sync the next Service or IPAddress" },
    requeueDescription: "a retry, the IPAddress informer's wait or an orphan's grace period is due",
  },
});
