// kubelet/<node>: registers its Node, renews its Lease, watches the pods bound to its node,
// and runs one pod worker per pod against its CRI and CNI. The machine names the events;
// kubelet.logic.ts holds what each does.

import { setup } from "xstate";
import { timedStepOf } from "../common/step.js";
import type { Fx } from "../common/effects.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import type { CriResponse } from "../cri/messages.js";
import type { CniResponse } from "../cni/messages.js";
import * as L from "./kubelet.logic.js";
import type { KubeletContext, KubeletInput } from "./kubelet.logic.js";
import type { ProbeTimerEvent } from "./prober.js";
import type { PodWorkerTimerEvent } from "./lifecycles.js";

export type KubeletTimerEvent =
  | { type: "RenewLease" }
  | { type: "NodeStatusTick" }
  | PodWorkerTimerEvent
  | ProbeTimerEvent;

export type KubeletEvent = (ApiResponse | WatchEvent | CriResponse | CniResponse | KubeletTimerEvent) & Partial<Stamp>;

const step = timedStepOf<KubeletContext>();

const runtimeEvents = [
  "RunPodSandboxResult", "StopPodSandboxResult", "RemovePodSandboxResult", "ImageStatusResult", "PullImageResult",
  "CreateContainerResult", "StartContainerResult", "StopContainerResult", "ExecProbeResult", "ContainerLogsResult",
  "ContainerExited", "CniAddResult", "CniDelResult", "ListPodSandboxResult", "ListContainersResult",
] as const;

export const kubeletMachine = setup({
  types: { context: {} as KubeletContext, events: {} as KubeletEvent, input: {} as KubeletInput },
  actions: {
    startKubelet: step((c, _e, fx) => L.startKubelet(c, fx)),
    handleApiResponse: step((c, e, fx) => L.onApiResponse(c, e, fx)),
    handleWatchEvent: step((c, e, fx) => L.onWatch(c, e, fx)),
    handleRuntime: step((c, e, fx) => L.onRuntime(c, e, fx)),
    renewLease: step((c, _e, fx) => L.renewLease(c, fx)),
    postNodeStatus: step((c, _e, fx) => L.nodeStatusTick(c, fx)),
    resyncPod: step((c, e, fx) => L.podWorkerTimer(c, e, fx)),
    runProbe: step((c, e, fx) => L.probeTimer(c, e, fx)),
  },
}).createMachine({
  id: "kubelet",
  description: "node registration and Lease, pod workers (SyncPod -> TerminatingPod -> TerminatedPod), probes, restarts, status.",
  context: ({ input }) => L.initialKubelet(input),
  initial: "running",
  states: {
    running: {
      entry: "startKubelet",
      on: {
        ApiResponse: { actions: "handleApiResponse" },
        WatchEvent: { actions: "handleWatchEvent", description: "pods with spec.nodeName=<node>: start, update or stop their workers" },
        ...Object.fromEntries(runtimeEvents.map((t) => [t, { actions: "handleRuntime" }])),
        RenewLease: { actions: "renewLease", description: "every 10 s (background)" },
        NodeStatusTick: { actions: "postNodeStatus", description: "every 10 s; posts only when changed or 5 min passed" },
        PodWorkerTimer: { actions: "resyncPod", description: "a pod worker's requeue delay ended (a back-off, a failed step): run it again" },
        ProbeTimer: { actions: "runProbe", description: "a probe worker's initial delay or period elapsed" },
      },
    },
  },
});
