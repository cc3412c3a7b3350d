// The namespace controller: empties a namespace being deleted, then finalizes it.

import { controllerMachine } from "../common/controller.machine.js";
import * as L from "./namespace.logic.js";
import * as I from "../common/informer.js";
import type { NamespaceControllerContext, NamespaceControllerInput } from "./namespace.logic.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";

export type NamespaceControllerEvent = ((ApiResponse | WatchEvent) & Stamp) | ({ type: "RecheckNamespace"; namespace: string } & Stamp) | ({ type: "Relist"; watchId: number } & Stamp);

export const namespaceControllerMachine = controllerMachine<NamespaceControllerContext, NamespaceControllerInput, NamespaceControllerEvent>({
  id: "namespace-controller",
  description: "deletes everything in a namespace being deleted, then removes the `kubernetes` finalizer.",
  context: L.initialNamespaceController,
  startInformers: L.startInformers,
  isCacheSynced: L.isCacheSynced,
  watch: { step: L.onWatch, description: "a namespace with deletionTimestamp and the kubernetes finalizer is emptied" },
  response: { step: L.onResponse, description: "what is left after a round: nothing, finalize; something, check again" },
  relist: (c, e, fx) => I.relist(c.client, fx, e.watchId),
  on: {
    RecheckNamespace: { action: "recheckNamespace", step: (c, e, fx) => L.onRecheck(c, e.namespace, fx), description: "another round for a namespace still terminating" },
  },
});
