// kind's local-path provisioner (rancher.io/local-path) as one actor: informers on claims, volumes
// and StorageClasses, a work queue of claim and volume keys (localpath.controller.ts). The
// context is a value.

import { informersSynced } from "../common/client.js";
import { controllerMachine } from "../common/controller.machine.js";
import * as I from "../common/informer.js";
import * as P from "./localpath.controller.js";
import type { LocalPathContext, LocalPathEvent, LocalPathInput } from "./localpath.controller.js";

export const localPathProvisionerMachine = controllerMachine<LocalPathContext, LocalPathInput, LocalPathEvent>({
  id: "local-path-provisioner",
  description: "kind's local-path provisioner: a claim of its class with a selected node gets a hostPath PV pvc-<uid> under /var/local-path-provisioner on that node (node affinity, pre-bound claimRef); a Released PV it made with reclaim policy Delete is deleted.",
  context: P.initialLocalPath,
  startInformers: P.startInformers,
  isCacheSynced: (c) => informersSynced(c.client),
  watch: { step: P.onWatch, description: "informers: claims, volumes and StorageClasses" },
  response: { step: P.onResponse, description: "the lists, PV creations and deletions" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  worker: {
    kind: "perMessage",
    processNext: { action: "processNextKey", step: (c, e, fx) => P.processNext(c, e.now, fx), description: "provision the next claim or delete the next Released volume" },
    requeueDescription: "a rate-limited retry is due",
  },
});
