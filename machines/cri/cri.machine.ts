// cri/<node>: the node's container runtime. Requests from the kubelet are served in order;
// timers bring back finished pulls, waking processes, and the container lifecycles' delays.
// Each sandbox and container is a lifecycle of its own (sandbox.machine.ts, container.machine.ts),
// held as a snapshot in the context; this machine routes requests and timers to them.

import { setup } from "xstate";
import { timedStepOf } from "../common/step.js";
import type { Fx } from "../common/effects.js";
import type { Stamp } from "../messages.js";
import * as L from "./cri.logic.js";
import type { CriContext, CriInput } from "./cri.logic.js";
import type { ConnectMsg, ConnectResult, CriRequest, DnsAnswerMsg } from "./messages.js";

export type CriTimerEvent =
  /** an image pull's lifecycle: its time is over */
  | { type: "PullTimer"; image: string; event: { type: string } }
  | { type: "ProcessWake"; containerId: string }
  /** a container lifecycle's `after` (the preStop hook's time, the stop timeout) came due */
  | { type: "ContainerTimer"; containerId: string; event: { type: string } }
  | { type: "NetTimeout"; id: number };

/** The data plane: DNS answers and connections (from kube-proxy) and their results (from another CRI). */
export type CriNetEvent = DnsAnswerMsg | ConnectMsg | ConnectResult;

export type CriEvent = (CriRequest | CriTimerEvent | CriNetEvent) & Partial<Stamp>;

const step = timedStepOf<CriContext>();

export const criMachine = setup({
  types: { context: {} as CriContext, events: {} as CriEvent, input: {} as CriInput },
  actions: {
    serveRequest: step((c, e, fx) => L.handleCri(c, e as CriRequest, e.from ?? "kubelet", fx)),
    pullTimer: step((c, e, fx) => L.pullTimer(c, e.image, e.event, fx)),
    wakeProcess: step((c, e, fx) => L.wakeProcess(c, e.containerId, fx)),
    containerTimer: step((c, e, fx) => L.containerTimer(c, e.containerId, e.event, fx)),
    dnsAnswered: step((c, e, fx) => L.dnsAnswered(c, e, fx)),
    acceptConnection: step((c, e, fx) => L.acceptConnection(c, e, fx)),
    connectAnswered: step((c, e, fx) => L.connectAnswered(c, e, fx)),
    netTimeout: step((c, e, fx) => L.netTimeout(c, e.id, fx)),
  },
}).createMachine({
  id: "cri",
  description: "image store and pulls, pod sandboxes, containers created -> running -> exited, probes and logs; processes' DNS queries and connections.",
  context: ({ input }) => L.initialCri(input),
  initial: "serving",
  states: {
    serving: {
      on: {
        RunPodSandbox: { actions: "serveRequest", description: "create the pod's sandbox (pause) with its emptyDir volumes" },
        StopPodSandbox: { actions: "serveRequest" },
        RemovePodSandbox: { actions: "serveRequest", description: "remove the sandbox and every container in it" },
        ImageStatus: { actions: "serveRequest" },
        PullImage: { actions: "serveRequest", description: "resolve against the registry; answered when the pull's work timer fires" },
        CreateContainer: { actions: "serveRequest" },
        StartContainer: { actions: "serveRequest", description: "start the workload process; report its exit as ContainerExited" },
        StopContainer: { actions: "serveRequest", description: "preStop, SIGTERM, then SIGKILL after the grace period" },
        ExecProbe: { actions: "serveRequest" },
        ContainerLogs: { actions: "serveRequest" },
        ListPodSandbox: { actions: "serveRequest", description: "every sandbox, for a restarted kubelet" },
        ListContainers: { actions: "serveRequest", description: "every container, for a restarted kubelet" },
        PullTimer: { actions: "pullTimer", description: "to the image pull's lifecycle: the pull ended (pulled or failed)" },
        ProcessWake: { actions: "wakeProcess" },
        ContainerTimer: { actions: "containerTimer", description: "to the container's lifecycle: the preStop hook ended (SIGTERM), the stop timeout ended (SIGKILL)" },
        DnsAnswer: { actions: "dnsAnswered", description: "resume the process suspended on this query (or connect to the address)" },
        Connect: { actions: "acceptConnection", description: "a connection kube-proxy forwarded to a pod here: its listener answers the origin" },
        ConnectResult: { actions: "connectAnswered", description: "resume the process suspended on this connection" },
        NetTimeout: { actions: "netTimeout", description: "no answer in 5 s: NXDOMAIN, or the connection timed out" },
      },
    },
  },
});
