// cni/<node>: the node's CNI plugins. One state; ADD and DEL are served in arrival order,
// which is the kubelet's order: DEL for a sandbox only ever follows its StopPodSandbox.

import { setup } from "xstate";
import { draftStepOf } from "../common/step.js";
import type { Stamp } from "../messages.js";
import { handleCni, initialCni, type CniContext, type CniInput } from "./cni.logic.js";
import type { CniRequest } from "./messages.js";

export type CniEvent = CniRequest & Partial<Stamp>;

const step = draftStepOf<CniContext>();

export const cniMachine = setup({
  types: { context: {} as CniContext, events: {} as CniEvent, input: {} as CniInput },
  actions: {
    /** Serve an ADD or a DEL over host-local IPAM. */
    serveCni: step((c, e, fx) => handleCni(c, e, e.from ?? "kubelet", fx)),
  },
}).createMachine({
  id: "cni",
  description: "host-local IPAM over the node's podCIDR: ADD reserves an IP for a sandbox, DEL frees it.",
  context: ({ input }) => initialCni(input),
  initial: "serving",
  states: {
    serving: {
      on: {
        CniAdd: { actions: "serveCni", description: "reserve the next free IP of the podCIDR for the sandbox" },
        CniDel: { actions: "serveCni", description: "free the sandbox's IP (only sent once the sandbox has stopped)" },
      },
    },
  },
});
