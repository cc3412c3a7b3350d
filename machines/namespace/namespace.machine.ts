// The namespace controller: empties a namespace being deleted, then finalizes it.

import { setup } from "xstate";
import { stepOf } from "../common/step.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import * as L from "./namespace.logic.js";
import type { NamespaceControllerContext, NamespaceControllerInput } from "./namespace.logic.js";

export type NamespaceControllerEvent = ((ApiResponse | WatchEvent) & Stamp) | ({ type: "RecheckNamespace"; namespace: string } & Stamp);

const step = stepOf<NamespaceControllerContext>();

export const namespaceControllerMachine = setup({
  types: {
    context: {} as NamespaceControllerContext,
    events: {} as NamespaceControllerEvent,
    input: {} as NamespaceControllerInput,
  },
  guards: {
    isCacheSynced: ({ context }) => L.isCacheSynced(context),
  },
  actions: {
    startInformers: step((c, _e, fx) => L.startInformers(c, fx)),
    applyWatchEvent: step((c, e, fx) => L.onWatch(c, e, fx)),
    handleResponse: step((c, e, fx) => L.onResponse(c, e, fx)),
    recheckNamespace: step((c, e, fx) => L.onRecheck(c, e.namespace, fx)),
  },
}).createMachine({
  id: "namespace-controller",
  description: "deletes everything in a namespace being deleted, then removes the `kubernetes` finalizer.",
  context: ({ input }) => L.initialNamespaceController(input),
  initial: "waitingForCacheSync",
  entry: "startInformers",
  on: {
    WatchEvent: { actions: "applyWatchEvent", description: "a namespace with deletionTimestamp and the kubernetes finalizer is emptied" },
    ApiResponse: { actions: "handleResponse", description: "what is left after a round: nothing, finalize; something, check again" },
    RecheckNamespace: { actions: "recheckNamespace", description: "another round for a namespace still terminating" },
  },
  states: {
    waitingForCacheSync: {
      always: { guard: "isCacheSynced", target: "running" },
    },
    running: {},
  },
});
