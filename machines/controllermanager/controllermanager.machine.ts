// kube-controller-manager as a process: its shared informers (sharedinformers.ts). Each of its
// controllers is its own machine with its own chart (machines/<controller>/), run in this process:
// the runtime starts and crashes them with it, and their informers of a shared resource are views
// this machine fills by function call (InformerEvent) instead of watches of their own.

import { setup } from "xstate";
import { draftStepOf } from "../common/step.js";
import type { AddEventHandler, ApiResponse, WatchEvent } from "../messages.js";
import * as S from "./sharedinformers.js";

type ControllerManagerEvent = (AddEventHandler | WatchEvent | ApiResponse | { type: "Relist"; watchId: number }) & { from: string; now: number };

const step = draftStepOf<S.ControllerManagerContext>();

export const controllerManagerMachine = setup({
  types: { context: {} as S.ControllerManagerContext, events: {} as ControllerManagerEvent, input: {} as S.ControllerManagerInput },
  actions: {
    addEventHandler: step((c, e, fx) => S.addEventHandler(c, e, fx)),
    applyWatchEvent: step((c, e, fx) => S.onWatch(c, e, fx)),
    handleResponse: step((c, e, fx) => S.onResponse(c, e, fx)),
    relist: step((c, e, fx) => S.onRelist(c, e, fx)),
  },
}).createMachine({
  id: "controller-manager",
  description: "kube-controller-manager's SharedInformerFactory: one informer per resource (the informer chart: listing, watching, relisting) for all its controllers; every change is handed to each controller's handlers in registration order, by function call.",
  context: ({ input }) => S.initialControllerManager(input),
  initial: "running",
  states: {
    running: {
      description: "informers start as controllers ask for them",
      on: {
        AddEventHandler: { actions: "addEventHandler", description: "a controller asks for a resource's informer: started on first use; a handler added late is handed the store as adds" },
        WatchEvent: { actions: "applyWatchEvent", description: "the store changes once; the change goes to every handler" },
        ApiResponse: { actions: "handleResponse", description: "a list fills the store (deltas to the handlers) and opens the watch; a failed one backs off" },
        Relist: { actions: "relist", description: "an informer's list back-off ended (informer chart): list again" },
      },
    },
  },
});
