// A pod sandbox as the CRI reports it (runtime.v1 PodSandboxState): ready from RunPodSandbox,
// not ready once StopPodSandbox has stopped it (its containers killed, its network torn down),
// gone after RemovePodSandbox. The CRI keeps one snapshot per sandbox and routes the kubelet's
// requests to it; what a request does to the sandbox's containers is the CRI's (cri.logic.ts).

import { setup } from "xstate";

export type SandboxLifecycleEvent = { type: "StopPodSandbox" } | { type: "RemovePodSandbox" };

export const sandboxMachine = setup({
  types: { events: {} as SandboxLifecycleEvent },
}).createMachine({
  id: "cri-sandbox",
  description: "a pod sandbox (pause container and network namespace) in the runtime: SANDBOX_READY -> SANDBOX_NOTREADY -> removed.",
  initial: "SANDBOX_READY",
  states: {
    SANDBOX_READY: {
      description: "RunPodSandbox made it: containers may be created in it",
      on: {
        StopPodSandbox: { target: "SANDBOX_NOTREADY", description: "what still runs in it is killed; no new container may be created" },
        RemovePodSandbox: { target: "removed", description: "removed without a stop first: its containers are killed and removed with it" },
      },
    },
    SANDBOX_NOTREADY: {
      description: "stopped; kept until RemovePodSandbox (ListPodSandbox still reports it)",
      on: { RemovePodSandbox: { target: "removed", description: "the sandbox and every container in it are removed" } },
    },
    removed: { type: "final" },
  },
});
