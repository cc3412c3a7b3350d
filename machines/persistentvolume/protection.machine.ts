// kube-controller-manager's pvc-protection and pv-protection controllers, one machine spawned
// twice (input `of`): informers, a work queue of claim or volume keys, one sync per ProcessNext
// (protection.controller.ts). The context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as P from "./protection.controller.js";
import type { ProtectionContext, ProtectionEvent, ProtectionInput } from "./protection.controller.js";

export const protectionControllerMachine = controllerMachine<ProtectionContext, ProtectionInput, ProtectionEvent>({
  id: "protection-controller",
  description: "StorageObjectInUseProtection: a claim being deleted keeps kubernetes.io/pvc-protection while a running pod uses it; a volume being deleted keeps kubernetes.io/pv-protection while Bound; then the finalizer is removed.",
  context: P.initialProtection,
  startInformers: P.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: P.onWatch, description: "informers: claims and pods (pvc-protection), or volumes (pv-protection)" },
  response: { step: P.onResponse, description: "the lists and the finalizer updates" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "processNextKey", step: (c, e, fx) => P.processNext(c, e.now, fx), description: "remove the finalizer of the next claim or volume if nothing uses it" },
    requeueDescription: "a rate-limited retry is due",
  },
});
