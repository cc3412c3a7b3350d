// cni/<node>: the node's CNI plugins (bridge with host-local IPAM). ADD and DEL are served in
// arrival order, which is the kubelet's order: DEL for a sandbox only ever follows its
// StopPodSandbox. The chart is host-local's range: while it has a free address an ADD gets one;
// once every address is held (leaked addresses count too) every new sandbox's ADD fails with "no IP
// addresses available in range set", until a DEL gives one back. A node with no podCIDR has no CNI
// config at all (kindnet writes it from the podCIDR): the plugin is never initialized and refuses
// every ADD with "cni plugin not initialized".

import { setup } from "xstate";
import { draftStepOf } from "../common/step.js";
import type { Stamp } from "../messages.js";
import { handleCni, hasConfig, initialCni, type CniContext, type CniInput } from "./cni.logic.js";
import { freeAddresses } from "./ipam.js";
import type { CniRequest } from "./messages.js";

export type CniEvent = CniRequest & Partial<Stamp>;

const step = draftStepOf<CniContext>();

export const cniMachine = setup({
  types: { context: {} as CniContext, events: {} as CniEvent, input: {} as CniInput },
  guards: {
    /** no CNI config was written: the node has no podCIDR */
    noConfig: ({ context }) => !hasConfig(context),
    /** every address of the range is held (a store found full on boot starts here too) */
    rangeFull: ({ context }) => context.ipam !== undefined && freeAddresses(context.ipam) === 0,
    /** a DEL gave an address back */
    hasFreeAddress: ({ context }) => context.ipam !== undefined && freeAddresses(context.ipam) > 0,
  },
  actions: {
    /** Serve an ADD or a DEL over host-local IPAM. */
    serveCni: step((c, e, fx) => handleCni(c, e, e.from ?? "kubelet", fx)),
  },
}).createMachine({
  id: "cni",
  description: "host-local IPAM over the node's podCIDR: ADD reserves an IP for a sandbox, DEL frees it; a full range refuses new sandboxes; a node without a podCIDR has no config and refuses every ADD.",
  context: ({ input }) => initialCni(input),
  initial: "available",
  states: {
    available: {
      description: "the range has a free address",
      always: [
        { guard: "noConfig", target: "notInitialized" },
        { guard: "rangeFull", target: "exhausted" },
      ],
      on: {
        CniAdd: { actions: "serveCni", description: "reserve the next free IP of the podCIDR for the sandbox (round robin after the last one reserved)" },
        CniDel: { actions: "serveCni", description: "free the sandbox's IP (only sent once the sandbox has stopped)" },
      },
    },
    exhausted: {
      description: "every address is held: a new sandbox's ADD fails with \"no IP addresses available in range set\"",
      always: { guard: "hasFreeAddress", target: "available" },
      on: {
        CniAdd: { actions: "serveCni", description: "a sandbox that holds an address gets it again; any other fails" },
        CniDel: { actions: "serveCni", description: "free the sandbox's IP: the range has room again" },
      },
    },
    notInitialized: {
      description: "no CNI config in /etc/cni/net.d (the node has no podCIDR): the runtime reports NetworkReady=false",
      on: {
        CniAdd: { actions: "serveCni", description: "fails with \"cni plugin not initialized\"" },
        CniDel: { actions: "serveCni", description: "nothing was handed out: nothing to free" },
      },
    },
  },
});
