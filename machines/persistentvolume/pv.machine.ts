// kube-controller-manager's PersistentVolume controller (persistent-volume-binder): informers on
// PersistentVolumes, PersistentVolumeClaims and StorageClasses, a work queue of volume and claim
// keys, one sync per ProcessNext (pv.controller.ts); each volume's phase is a chart of its own
// (pv.lifecycle.machine.ts). The context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as P from "./pv.controller.js";
import type { PVControllerContext, PVControllerEvent, PVControllerInput } from "./pv.controller.js";

export const pvControllerMachine = controllerMachine<PVControllerContext, PVControllerInput, PVControllerEvent>({
  id: "persistentvolume-controller",
  description: "PersistentVolumes and claims: a claim is bound to the smallest matching volume (claimRef, volumeName, bind-completed and bound-by-controller annotations, phases Bound), waits for its first consumer, or is handed to its class's provisioner; a volume whose claim is gone is Released, then kept (Retain) or left to its provisioner to delete.",
  context: P.initialPVController,
  startInformers: P.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: P.onWatch, description: "informers: PersistentVolumes, PersistentVolumeClaims and StorageClasses" },
  response: { step: P.onResponse, description: "the lists and the sync's writes" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "processNextKey", step: (c, e, fx) => P.processNext(c, e.now, fx), description: "syncVolume or syncClaim for the next key" },
    requeueDescription: "a rate-limited retry is due",
  },
});
