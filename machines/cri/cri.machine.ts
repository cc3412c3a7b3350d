// cri/<node>: the node's container runtime (containerd's CRI plugin). On start it recovers what
// its metadata store holds, then serves the CRI's two services side by side, as runtime.v1 splits
// them: the RuntimeService (sandboxes, containers, exec, listings) and the ImageService (image
// status, pulls). Each sandbox, container and image pull is a lifecycle of its own
// (sandbox.machine.ts, container.machine.ts, imagepull.machine.ts), held as a value in the
// context; this machine routes requests and timers to them. A third region carries the data
// plane of the containers' processes (DNS, connections), which is not the CRI's but runs here.

import { setup } from "xstate";
import { timedDraftStepOf } from "../common/step.js";
import type { Stamp } from "../messages.js";
import * as L from "./cri.logic.js";
import type { CriContext, CriInput } from "./cri.logic.js";
import type { ConnectMsg, ConnectResult, CriRequest, CriStreamRequest, DnsAnswerMsg, StreamMessage } from "./messages.js";
import type { PolicyAgentReady } from "../cni/messages.js";
import { onStreamMessage, openStream, resumeExec, streamTimer, type StreamTimerEvent } from "./streaming.js";

export type CriTimerEvent =
  /** an image pull's lifecycle: its time is over */
  | { type: "PullTimer"; image: string; event: { type: string } }
  | { type: "ProcessWake"; containerId: string; /** its own shutdown ended (CoreDNS's lameduck): it exits with this code */ exitCode?: number }
  /** a container lifecycle's `after` (the preStop hook's time, the stop timeout) came due */
  | { type: "ContainerTimer"; containerId: string; event: { type: string } }
  | { type: "NetTimeout"; id: number };

/** The data plane: DNS answers and connections (from kube-proxy) and their results (from another CRI). */
export type CriNetEvent = DnsAnswerMsg | ConnectMsg | ConnectResult | PolicyAgentReady;

export type CriEvent = (CriRequest | CriTimerEvent | CriNetEvent | CriStreamRequest | StreamMessage | StreamTimerEvent) & Partial<Stamp>;

const step = timedDraftStepOf<CriContext>();

export const criMachine = setup({
  types: { context: {} as CriContext, events: {} as CriEvent, input: {} as CriInput },
  guards: {
    hasNoPullInFlight: ({ context }) => context.pulls.size === 0,
  },
  actions: {
    recoverStore: step((c) => L.recoverStore(c)),
    serveRequest: step((c, e, fx) => L.handleCri(c, e as CriRequest, e.from ?? "kubelet", fx)),
    pullTimer: step((c, e, fx) => L.pullTimer(c, e.image, e.event, fx)),
    wakeProcess: step((c, e, fx) => L.wakeProcess(c, e.containerId, fx, e.exitCode)),
    containerTimer: step((c, e, fx) => L.containerTimer(c, e.containerId, e.event, fx)),
    dnsAnswered: step((c, e, fx) => L.dnsAnswered(c, e, fx, resumeExec)),
    acceptConnection: step((c, e, fx) => L.acceptConnection(c, e, fx)),
    connectAnswered: step((c, e, fx) => L.connectAnswered(c, e, fx, resumeExec)),
    netTimeout: step((c, e, fx) => L.netTimeout(c, e.id, fx, resumeExec)),
    notePolicyAgent: step((c, e) => L.notePolicyAgent(c, e.from ?? "kindnet")),
    openStream: step((c, e, fx) => openStream(c, e as CriStreamRequest, fx)),
    streamOnSession: step((c, e, fx) => onStreamMessage(c, e as StreamMessage, fx)),
    streamTimer: step((c, e, fx) => streamTimer(c, e as StreamTimerEvent, fx)),
  },
}).createMachine({
  id: "cri",
  description: "containerd's CRI plugin: recovers its store, then serves the RuntimeService (sandboxes, containers created -> running -> exited, exec probes, logs) and the ImageService (image status, pulls); the processes' DNS queries and connections.",
  context: ({ input }) => L.initialCri(input),
  initial: "recovering",
  states: {
    recovering: {
      description: "criService.recover(): sandboxes, containers and images reloaded from containerd's metadata store before any request is served (a new node's store holds the pause image kind preloads)",
      entry: "recoverStore",
      always: { target: "serving" },
    },
    serving: {
      type: "parallel",
      states: {
        runtimeService: {
          description: "runtime.v1 RuntimeService: each request goes to the sandbox's or the container's lifecycle",
          on: {
            RunPodSandbox: { actions: "serveRequest", description: "create the pod's sandbox (pause) with its emptyDir volumes and the volumes the kubelet wrote" },
            WriteVolume: { actions: "serveRequest", description: "the kubelet rewrote a volume's files (its ConfigMap or Secret changed): replaced at once" },
            StopPodSandbox: { actions: "serveRequest", description: "kill what still runs in it: SANDBOX_NOTREADY" },
            RemovePodSandbox: { actions: "serveRequest", description: "remove the sandbox and every container in it" },
            CreateContainer: { actions: "serveRequest", description: "CONTAINER_CREATED in a ready sandbox, from an image in the store" },
            StartContainer: { actions: "serveRequest", description: "start the workload process; report its exit as ContainerExited" },
            StopContainer: { actions: "serveRequest", description: "preStop, SIGTERM, then SIGKILL after the grace period" },
            UpdateContainerResources: { actions: "serveRequest", description: "in-place resize: the running container's cpu quota and memory limit" },
            ExecProbe: { actions: "serveRequest", description: "ExecSync for exec probes; httpGet, tcpSocket and grpc reach the pod's listeners" },
            ContainerLogs: { actions: "serveRequest" },
            ReadVolumeFiles: { actions: "serveRequest", description: "the files of the pod's volumes the kubelet reads on the node (env files a fileKeyRef names)" },
            CheckHostPaths: { actions: "serveRequest", description: "the hostPath plugin's type check on the node's filesystem, making what DirectoryOrCreate and FileOrCreate ask for" },
            ListPodSandbox: { actions: "serveRequest", description: "every sandbox, for a restarted kubelet" },
            ListContainers: { actions: "serveRequest", description: "every container, for a restarted kubelet" },
            ListContainerStats: { actions: "serveRequest", description: "each running container's cumulative CPU and working set (the resource metrics metrics-server scrapes)" },
            ContainerTimer: { actions: "containerTimer", description: "to the container's lifecycle: the preStop hook ended (SIGTERM), the stop timeout ended (SIGKILL)" },
            ProcessWake: { actions: "wakeProcess", description: "a running process's sleep ended: it runs on (or its own shutdown ended: it exits)" },
          },
        },
        imageService: {
          description: "runtime.v1 ImageService: the image store, and the pulls in flight (one lifecycle per image)",
          initial: "idle",
          on: {
            ImageStatus: { actions: "serveRequest", description: "is the image in the store" },
            PullTimer: { actions: "pullTimer", description: "to the image pull's lifecycle: the pull ended (pulled or failed), its waiters answered" },
          },
          states: {
            idle: {
              description: "no pull in flight",
              on: { PullImage: { target: "pulling", actions: "serveRequest", description: "resolve against the registry and start the pull (an invalid reference is refused at once)" } },
            },
            pulling: {
              description: "one pull or more in flight; a PullImage of an image already being pulled joins its pull",
              on: { PullImage: { actions: "serveRequest", description: "start another image's pull, or join this image's" } },
              always: { guard: "hasNoPullInFlight", target: "idle", description: "the last pull ended (or none started)" },
            },
          },
        },
        streamingServer: {
          description: "the runtime's streaming server (kubectl exec, attach, port-forward): the kubelet opens a session, the caller streams on it",
          on: {
            Exec: { actions: "openStream", description: "GetExec: a session for a command in a running container (a terminal exec of a shell is interactive)" },
            Attach: { actions: "openStream", description: "GetAttach: a session reading what a running container writes" },
            PortForward: { actions: "openStream", description: "GetPortForward: a session into the sandbox's network namespace" },
            ExecRun: { actions: "streamOnSession", description: "start the command with all of stdin, in the container's filesystem, env and pod network; what it writes is sent as it runs, its exit code at its end" },
            ExecLine: { actions: "streamOnSession", description: "a line typed at the interactive shell: its output and the next prompt, or its exit" },
            ExecResize: { actions: "streamOnSession", description: "the terminal's new size" },
            AttachRead: { actions: "streamOnSession", description: "what the container wrote since the last read, and whether it still runs" },
            PortForwardDial: { actions: "streamOnSession", description: "a connection to a port of the pod: refused unless something listens there" },
            PortForwardHttp: { actions: "streamOnSession", description: "an HTTP request on a forwarded connection, answered by the listener" },
            StreamClose: { actions: "streamOnSession", description: "the caller hung up: the session ends" },
            StreamTimer: { actions: "streamTimer", description: "an exec'd process's sleep ended: it runs on" },
          },
        },
        dataPlane: {
          description: "not the CRI: the containers' processes on the pod network (queries to cluster DNS, connections through kube-proxy)",
          on: {
            DnsAnswer: { actions: "dnsAnswered", description: "resume the process (the container's own or an exec'd one) suspended on this query (or connect to the address)" },
            Connect: { actions: "acceptConnection", description: "a connection kube-proxy forwarded to a pod here: its listener answers the origin" },
            ConnectResult: { actions: "connectAnswered", description: "resume the process suspended on this connection" },
            NetTimeout: { actions: "netTimeout", description: "no answer in 5 s (or the client's own timeout): the query or the connection timed out" },
            PolicyAgentReady: { actions: "notePolicyAgent", description: "a network policy agent filters this node's pod traffic: DNS queries go through it" },
          },
        },
      },
    },
  },
});
