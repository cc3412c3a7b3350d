// kubelet/<node>: registers its Node, renews its Lease, watches the pods bound to its node,
// and runs one pod worker per pod against its CRI and CNI. The machine names the events;
// kubelet.logic.ts holds what each does.

import { setup } from "xstate";
import { timedDraftStepOf } from "../common/step.js";
import type { ApiResponse, Stamp, WatchEvent } from "../messages.js";
import type { CriResponse } from "../cri/messages.js";
import type { CniResponse } from "../cni/messages.js";
import * as L from "./kubelet.logic.js";
import type { KubeletContext, KubeletInput } from "./kubelet.logic.js";
import type { ProbeTimerEvent } from "./prober.js";
import type { HeartbeatTimerEvent } from "./nodestatus.js";
import type { PodWorkerTimerEvent } from "./lifecycles.js";
import { serveStream, type KubeletStreamRequest } from "./streaming.js";
import { relist } from "../common/informer.js";

export type KubeletTimerEvent =
  | { type: "Relist"; watchId: number }
  | HeartbeatTimerEvent
  | PodWorkerTimerEvent
  | ProbeTimerEvent;

export type KubeletEvent = (ApiResponse | WatchEvent | CriResponse | CniResponse | KubeletTimerEvent | KubeletStreamRequest) & Partial<Stamp>;

const step = timedDraftStepOf<KubeletContext>();

const runtimeEvents = [
  "RunPodSandboxResult", "StopPodSandboxResult", "RemovePodSandboxResult", "ImageStatusResult", "PullImageResult", "ReadVolumeFilesResult", "CheckHostPathsResult",
  "CreateContainerResult", "StartContainerResult", "StopContainerResult", "UpdateContainerResourcesResult", "ExecProbeResult", "ContainerLogsResult",
  "ContainerExited", "PreStopHookFailed", "PostStartHookFailed", "CniAddResult", "CniDelResult",
] as const;

export const kubeletMachine = setup({
  types: { context: {} as KubeletContext, events: {} as KubeletEvent, input: {} as KubeletInput },
  guards: {
    isPodListAnswer: ({ context, event }) => event.type === "ApiResponse" && L.isPodListAnswer(context, event),
    completesRuntimeListing: ({ context, event }) => L.completesRuntimeListing(context, event),
  },
  actions: {
    startKubelet: step((c, _e, fx) => L.startKubelet(c, fx)),
    handleApiResponseListingPods: step((c, e, fx) => L.onApiResponse(c, e, fx, "listingPods")),
    handleApiResponseListingRuntime: step((c, e, fx) => L.onApiResponse(c, e, fx, "listingRuntime")),
    handleApiResponse: step((c, e, fx) => L.onApiResponse(c, e, fx, "running")),
    storeWatchEvent: step((c, e, fx) => L.onWatch(c, e, fx, "listingPods")),
    handleWatchEvent: step((c, e, fx) => L.onWatch(c, e, fx, "running")),
    handleRuntimeListing: step((c, e, fx) => L.onRuntimeListed(c, e, fx)),
    handleRuntime: step((c, e, fx) => L.onRuntime(c, e, fx)),
    beat: step((c, e, fx) => L.heartbeatTimer(c, e, fx)),
    resyncPod: step((c, e, fx) => L.podWorkerTimer(c, e, fx)),
    runProbe: step((c, e, fx) => L.probeTimer(c, e, fx)),
    serveStream: step((c, e, fx) => serveStream(c, e, e.from ?? "", fx)),
    relistInformer: step((c, e, fx) => relist(c.client, fx, e.watchId)),
  },
}).createMachine({
  id: "kubelet",
  description: "start-up recovery (the API's pods, then the runtime's), node registration and Lease, pod workers, probes, restarts, status.",
  context: ({ input }) => L.initialKubelet(input),
  entry: "startKubelet",
  initial: "listingPods",
  on: {
    ...Object.fromEntries(runtimeEvents.map((t) => [t, { actions: "handleRuntime" }])),
    HeartbeatTimer: { actions: "beat", description: "the node's heartbeats: Lease renewal every 10 s; node status looked at every 10 s, posted when changed or 5 min passed" },
    PodWorkerTimer: { actions: "resyncPod", description: "a pod worker's requeue delay ended (a back-off, a failed step): run it again" },
    ProbeTimer: { actions: "runProbe", description: "a probe worker's initial delay or period elapsed" },
    Relist: { actions: "relistInformer", description: "an informer's list failed and its back-off ended: list again" },
    GetExec: { actions: "serveStream", description: "the streaming server: a running container of a pod here, handed to the runtime's Exec (else 400 no stdin, stdout or stderr asked, 404 pod does not exist, 500 container not found)" },
    GetAttach: { actions: "serveStream", description: "the streaming server: the runtime's Attach to a running container" },
    GetPortForward: { actions: "serveStream", description: "the streaming server: the runtime's PortForward into the pod's sandbox" },
  },
  states: {
    listingPods: {
      description: "registers the Node and lists the pods bound here; no pod worker runs yet",
      on: {
        ApiResponse: [
          { guard: "isPodListAnswer", target: "listingRuntime", actions: "handleApiResponseListingPods", description: "then asks the runtime what it runs" },
          { actions: "handleApiResponseListingPods" },
        ],
        WatchEvent: { actions: "storeWatchEvent", description: "kept in the informer's store only" },
      },
    },
    listingRuntime: {
      description: "the PLEG's first relist: ListPodSandbox, then ListContainers",
      on: {
        ApiResponse: { actions: "handleApiResponseListingRuntime" },
        WatchEvent: { actions: "storeWatchEvent", description: "kept in the informer's store only" },
        ListPodSandboxResult: { actions: "handleRuntimeListing" },
        ListContainersResult: [
          { guard: "completesRuntimeListing", target: "running", actions: "handleRuntimeListing", description: "every pod worker rebuilt from the pods and the runtime, then synced" },
          { actions: "handleRuntimeListing" },
        ],
      },
    },
    running: {
      on: {
        ApiResponse: { actions: "handleApiResponse" },
        WatchEvent: { actions: "handleWatchEvent", description: "pods with spec.nodeName=<node>: start, update or stop their workers" },
      },
    },
  },
});
