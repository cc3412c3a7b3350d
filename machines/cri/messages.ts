// The kubelet <-> CRI channel (a reduced runtime.v1 RuntimeService + ImageService), plus the
// container events the CRI streams back (what the kubelet's PLEG would observe).

import type { NumberLiteral } from "../common/numberliteral.js";
import type { Container, Probe, LifecycleHandler, ResourceRequirements } from "kubernetes-types/core/v1";
import type { ImageInfo, PullFailure } from "./registry.js";

/** What the kubelet asks for (determineEffectiveSecurityContext): uid, gid, extra groups, policy. */
export interface UserRequest {
  /** the effective runAsUser, else the image's user (0 for the images podflow knows) */
  runAsUser?: number;
  runAsGroup?: number;
  /** fsGroup first, then the pod's supplementalGroups */
  supplementalGroups?: readonly number[];
  /** unset is Merge (the CRI enum's zero value) */
  supplementalGroupsPolicy?: "Merge" | "Strict";
}

/** The process's credentials: uid, primary gid, and the supplementary groups in the spec's order. */
export interface ProcessUser {
  uid: number;
  gid: number;
  groups: readonly number[];
  /** the capabilities in effect (CAP_ names); unset: root's are every one, another uid's none */
  caps?: readonly string[];
}

/** One file of a pod's volume as ReadVolumeFiles found it: its content, or why there is none. */
export type EnvFileRead =
  | { volume: string; path: string; content: string }
  /** noVolume: the pod has no volume of that name on the node; unreadable: no such file, or a directory */
  | { volume: string; path: string; error: "noVolume" | "unreadable" };

/** What the kubelet needs of a pulled image. */
export type ImageSummary = Pick<ImageInfo, "ref" | "imageID" | "id" | "sizeBytes" | "repoTags"> & {
  /** ImageStatus' uid or username: the config's User before any ":group" (containerd getUserFromImage) */
  uid?: number;
  username?: string;
};

/** A probe the CRI answers for the kubelet: exec runs in the container, the others reach its listeners. */
export type ProbeAction =
  | { kind: "exec"; command: string[] }
  | { kind: "httpGet"; scheme: string; host: string; port: number; path: string; /** the probe's httpHeaders, name and value */ headers?: [string, string][] }
  | { kind: "tcpSocket"; host: string; port: number }
  | { kind: "grpc"; host: string; port: number; service?: string };

/**
 * How the kubelet sets a volume's directory up: its files' modes by path (MakePayload's: an item's
 * mode, else defaultMode, else 0644), the pod's fsGroup (SetVolumeOwnership), a memory medium
 * (tmpfs: emptyDir medium Memory, and the secret, downwardAPI and projected plugins' wrapped emptyDir).
 */
export interface VolumeSetup {
  readonly modes?: Readonly<Record<string, number>>;
  /** the mode of a file `modes` does not name (a key no item lists) */
  readonly defaultMode?: number;
  readonly fsGroup?: number;
  readonly memory?: boolean;
}

/** kubelet -> cri */
export type CriRequest =
  /** volumes: the emptyDirs; files: the volumes the kubelet wrote (configMap, secret, downwardAPI, projected), name -> path -> content */
  | { type: "RunPodSandbox"; id: number; podUid: string; podName: string; podNamespace: string; volumes: string[]; files?: Record<string, Record<string, string>>; hostPaths?: Record<string, { path: string; readOnly: boolean }>; /** the RuntimeClass's handler ("" or absent: the default runtime) */ runtimeHandler?: string; /** NamespaceMode POD for pid: the pod shares one pid namespace (shareProcessNamespace), and the pod's runAsUser the sandbox's /pause runs as (sent with it: only then can a process see /pause) */ pidNamespace?: "POD"; runAsUser?: number; /** NamespaceMode POD for user (hostUsers: false): the kubelet's mapping of container id 0, the same for uids and gids */ userNamespace?: { hostId: number; length: number }; /** each volume's setup (emptyDirs' and written ones'), by name */ setups?: Record<string, VolumeSetup>; /** LinuxPodSandboxConfig.sysctls: the pod's, names with '.' separators */ sysctls?: Record<string, string>; /** NamespaceMode NODE for network (hostNetwork) */ hostNetwork?: true }
  /** the kubelet rewrote a volume's files (its ConfigMap or Secret changed): no answer */
  | { type: "WriteVolume"; sandboxId: string; volume: string; files: Record<string, string>; setup?: VolumeSetup }
  | { type: "StopPodSandbox"; id: number; sandboxId: string }
  | { type: "RemovePodSandbox"; id: number; sandboxId: string }
  | { type: "ImageStatus"; id: number; image: string }
  | { type: "PullImage"; id: number; image: string }
  /** the kubelet reads files of the pod's volumes on the node (an env file a fileKeyRef names): here the node's disk is the runtime's */
  | { type: "ReadVolumeFiles"; id: number; sandboxId: string; files: Array<{ volume: string; path: string }> }
  /** the hostPath volume plugin's type check on the node's filesystem (pkg/volume/hostpath checkType), making what an *OrCreate type asks for */
  | { type: "CheckHostPaths"; id: number; paths: Array<{ volume: string; path: string; pathType: string }> }
  /** files: what the kubelet made on the host and bind-mounts into the container, container path -> content (/etc/hosts, the termination-message file) */
  /** appArmor: runtime.v1 LinuxContainerSecurityContext.apparmor (a Localhost profile names one loaded on the node) */
  /** seccomp: LinuxContainerSecurityContext.seccomp (a Localhost profile is the path of a file on the node) */
  /** user: the security context's run_as_user, run_as_group, supplemental_groups and their policy (none set: absent) */
  | { type: "CreateContainer"; id: number; sandboxId: string; container: Container; attempt: number; env: Record<string, string>; podIP: string; /** a dual-stack pod's addresses, IPv4 first */ podIPs?: string[]; memoryLimitBytes?: number; podCpuLimitMilli?: number; files?: Record<string, string>; appArmor?: { type: "RuntimeDefault" | "Unconfined" | "Localhost"; localhostRef?: string }; seccomp?: { type: "RuntimeDefault" | "Unconfined" | "Localhost"; localhostRef?: string }; user?: UserRequest; /** the image volumes it mounts: volume name -> image reference, pulled (CRI Mount.image) */ imageVolumes?: Readonly<Record<string, string>> }
  | { type: "StartContainer"; id: number; containerId: string }
  | { type: "StopContainer"; id: number; containerId: string; /** an int64: exact past 2^53 */ timeoutSeconds: number | NumberLiteral; preStop?: LifecycleHandler; podIP: string }
  /** in-place resize: the running container's cpu and memory requests and limits (its cgroup) */
  | { type: "UpdateContainerResources"; id: number; containerId: string; resources: ResourceRequirements }
  | { type: "ExecProbe"; id: number; containerId: string; action: ProbeAction; timeoutSeconds: number }
  | { type: "ContainerLogs"; id: number; containerId: string }
  /** a restarted kubelet rebuilds its pod workers from these two */
  | { type: "ListPodSandbox"; id: number }
  | { type: "ListContainers"; id: number }
  /** ListContainerStats, as the kubelet's resource metrics endpoint reads it for metrics-server's scrape */
  | { type: "ListContainerStats"; id: number };

/** The address of the cluster DNS Service kube-dns (kubeadm's default: the service CIDR's tenth address). */
export const clusterDNS = "10.96.0.10";
/** How long a process waits for a DNS answer or a connection before giving up (resolv.conf timeout:5). */
export const netTimeoutMs = 5_000;

/** Data plane: cri -> coredns, and its answer (addresses empty: NXDOMAIN). */
/** replyTo: where the answer goes when the query came by way of a filter (the sender otherwise) */
export type DnsQuery = { type: "DnsQuery"; id: number; name: string; namespace: string; qtype?: "SRV" | "PTR"; searches?: string[]; ndots?: number; replyTo?: string };
/** `cnames`: the CNAMEs the answer went through (an ExternalName Service's), each [name, canonical name]. */
/** One SRV answer: its owner name, then priority, weight, port and target. */
export type SrvRecord = { name: string; priority: number; weight: number; port: number; target: string };
export type DnsAnswerMsg = { type: "DnsAnswer"; id: number; addresses: string[]; /** the AAAA answer's addresses, when it has any */ addresses6?: string[]; fqdn?: string; cnames?: [string, string][]; srv?: SrvRecord[]; noData?: true; /** a PTR question's answer: the names of the address */ ptr?: string[] };

/**
 * Data plane: a TCP connection (carrying one HTTP GET) from a pod. The origin CRI sends it to
 * kube-proxy as programmed on its node (`node`), which forwards it (a Service address rewritten to a
 * backend) to the CRI of the backend's node; that CRI answers `replyTo` directly.
 */
/** icmp: an echo request (ping), not a connection: kube-proxy's rules (tcp, udp, sctp) never DNAT it */
export type ConnectMsg = { type: "Connect"; id: number; node: string; dst: string; path: string; replyTo: string; src?: string; headers?: RequestHeaders; tls?: ConnectTls; icmp?: true };

/** An https connection's verification: the server name the client checks the certificate for, the CA bundle it trusts (none: the system's), or none at all. */
export interface ConnectTls {
  serverName: string;
  ca?: string;
  insecure?: boolean;
}

/** An HTTP request's headers as its client sent them (Host first), lower-cased names. */
export type RequestHeaders = readonly (readonly [string, string])[];
/** echoFrom: an echo request's reply, and the node whose kernel sent it (the hops tell its TTL) */
export type ConnectResult = { type: "ConnectResult"; id: number; status?: number; body?: string; error?: "connection refused" | "timeout"; tlsError?: string; echoFrom?: { node: string; pod: boolean } };

/** One sandbox as ListPodSandbox reports it (runtime.v1 PodSandbox, reduced). */
export interface PodSandboxInfo {
  id: string;
  podUid: string;
  podName: string;
  podNamespace: string;
  state: "SANDBOX_READY" | "SANDBOX_NOTREADY";
}

/** One container as ListContainers reports it (runtime.v1 Container plus what ContainerStatus adds). */
export interface ContainerInfo {
  id: string;
  sandboxId: string;
  name: string;
  attempt: number;
  image: ImageSummary;
  spec: Container;
  user: ProcessUser;
  state: "CONTAINER_CREATED" | "CONTAINER_RUNNING" | "CONTAINER_EXITED";
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  reason?: "Completed" | "Error" | "OOMKilled" | "StartError";
}

/** One running container's stats (runtime.v1 ContainerStats, reduced), with the pod it is in. */
export interface ContainerStatsInfo {
  containerId: string;
  name: string;
  podName: string;
  podNamespace: string;
  podUid: string;
  /** ms, simulated */
  timestamp: number;
  cpuUsageCoreNanoSeconds: number;
  memoryWorkingSetBytes: number;
}

/** A running container as the kubelet's stats provider sees it (its Summary API and /metrics/resource; cri/stats.ts). */
export interface ContainerSample {
  podUid: string;
  podName: string;
  podNamespace: string;
  name: string;
  /** ms, simulated */
  startedAt: number;
  time: number;
  usageCoreNanoSeconds: number;
  usageNanoCores: number;
  workingSetBytes: number;
  memoryLimitBytes?: number;
}

/** The node's own daemons (kubelet, containerd, the OS): what its root cgroup uses beyond its pods, in the kubelet's stats and metrics-server's node metrics. */
export const systemCpuNanoCores = 40_000_000;
export const systemMemoryBytes = 600 * 1024 * 1024;

/** cri -> metrics-server: the answer to ListContainerStats (never to the kubelet's pod workers) */
export type ListContainerStatsResult = { type: "ListContainerStatsResult"; id: number; node: string; timestamp: number; stats: ContainerStatsInfo[] };

/** One line a container wrote, with its CRI log timestamp. */
export interface LogLine {
  time: number;
  stream: "stdout" | "stderr";
  line: string;
}

/** cri -> kubelet */
export type CriResponse =
  | { type: "RunPodSandboxResult"; id: number; sandboxId: string; /** the gRPC error's description when no sandbox was made */ error?: string }
  | { type: "StopPodSandboxResult"; id: number; sandboxId: string }
  | { type: "RemovePodSandboxResult"; id: number; sandboxId: string }
  | { type: "ImageStatusResult"; id: number; image: string; present: ImageSummary | null }
  | { type: "ReadVolumeFilesResult"; id: number; files: EnvFileRead[] }
  /** each volume whose check failed, with the plugin's error */
  | { type: "CheckHostPathsResult"; id: number; failures: Array<{ volume: string; message: string }> }
  | { type: "PullImageResult"; id: number; image: string; ok: true; pulled: ImageSummary; durationMs: number }
  | { type: "PullImageResult"; id: number; image: string; ok: false; failure: PullFailure }
  /** user: the credentials its first process got (ContainerStatus.user) */
  | { type: "CreateContainerResult"; id: number; ok: true; containerId: string; image: ImageSummary; user: ProcessUser }
  | { type: "CreateContainerResult"; id: number; ok: false; reason: string; message: string }
  | { type: "StartContainerResult"; id: number; containerId: string; ok: true; startedAt: number }
  | { type: "StartContainerResult"; id: number; containerId: string; ok: false; message: string }
  | { type: "StopContainerResult"; id: number; containerId: string }
  | { type: "UpdateContainerResourcesResult"; id: number; containerId: string; ok: true }
  | { type: "UpdateContainerResourcesResult"; id: number; containerId: string; ok: false; message: string }
  | { type: "ExecProbeResult"; id: number; containerId: string; result: "success" | "failure"; output: string }
  | { type: "ContainerLogsResult"; id: number; containerId: string; lines: LogLine[] }
  | { type: "ListPodSandboxResult"; id: number; sandboxes: PodSandboxInfo[] }
  /** inFlightMaxId: the highest request id of this caller the runtime may still answer (a pull, a stop) */
  | { type: "ListContainersResult"; id: number; containers: ContainerInfo[]; inFlightMaxId: number }
  /** PLEG: a container's process ended (exit, signal, OOM kill). */
  /** terminationFile and logTail: what the kubelet reads on the host once the container exited (the termination-message file; the log's last lines, for FallbackToLogsOnError) */
  /** the preStop hook of a container being stopped failed (the kubelet's hook runner's error) */
  | { type: "PreStopHookFailed"; containerId: string }
  /** the exec postStart hook of a container just started did not exit 0 (run by the kubelet through ExecSync right after the start) */
  | { type: "PostStartHookFailed"; containerId: string }
  | { type: "ContainerExited"; containerId: string; exitCode: number; reason: "Completed" | "Error" | "OOMKilled" | "StartError"; message?: string; startedAt: number; finishedAt: number; terminationFile?: string; logTail?: string[] };

export type { Probe };

// ---- streaming (kubectl exec, attach, port-forward) -------------------------------------

/**
 * kubelet -> cri: GetExec, GetAttach, GetPortForward as the kubelet hands them to the runtime's
 * streaming server; the runtime answers `replyTo` (the caller) with StreamReady or StreamRefused.
 */
export type CriStreamRequest =
  | { type: "Exec"; id: number; containerId: string; cmd: string[]; tty: boolean; stdin: boolean; replyTo: string }
  | { type: "Attach"; id: number; containerId: string; tty: boolean; stdin: boolean; replyTo: string }
  | { type: "PortForward"; id: number; sandboxId: string; replyTo: string };

/** The streaming server's answer: a session to stream on (an interactive shell's first prompt), or why not. */
export type CriStreamAnswer =
  | { type: "StreamReady"; id: number; session: string; prompt?: string; interactive?: boolean; /** the attached shell exits when the attach's stdin ends (spec.stdinOnce) */ closesStdin?: boolean }
  | { type: "StreamRefused"; id: number; code: number; message: string };

/** A session's traffic, from the caller to the streaming server (strings are UTF-8 text). */
export type StreamMessage =
  /** run the exec'd command with all of stdin */
  | { type: "ExecRun"; session: string; stdin: string }
  /** a line typed at an interactive shell (the terminal's line discipline assembled it) */
  | { type: "ExecLine"; session: string; line: string }
  /** the terminal was resized (the resize channel) */
  | { type: "ExecResize"; session: string; width: number; height: number }
  /** what the attached container wrote since line `since` (not `from`: the runtime stamps the sender there) */
  | { type: "AttachRead"; session: string; since: number }
  /** a port-forward connection to a port of the pod (127.0.0.1 in its network namespace) */
  | { type: "PortForwardDial"; session: string; requestId: number; port: number }
  /** an HTTP request carried on a forwarded connection */
  | { type: "PortForwardHttp"; session: string; requestId: number; port: number; method: string; path: string }
  /** the caller hung up */
  | { type: "StreamClose"; session: string };

/** The streaming server's answers on a session. */
export type StreamOutput =
  /** exitCode once it ended; error when it could not run (a start failure, a container gone); blocked when it waits for good */
  | { type: "ExecOutput"; session: string; stdout: string; stderr: string; exitCode?: number; error?: string; prompt?: string; blocked?: boolean; /** more follows: written before the command slept */ partial?: boolean }
  | { type: "AttachOutput"; session: string; lines: LogLine[]; next: number; running: boolean }
  | { type: "PortForwardDialed"; session: string; requestId: number; error?: string }
  | { type: "PortForwardHttpResult"; session: string; requestId: number; status?: number; body?: string; error?: string };

/**
 * A CreateContainer's environment in the parts the kubelet builds it from: HOSTNAME, the Service
 * variables (one frozen value shared by the containers of a namespace) the container does not set
 * itself, then its own variables. With service links every container carries every Service's
 * variables of its namespace, so a copy per container grew with Services x pods: the runtime keeps
 * the parts, and the record on the wire is the same record as ever (composeEnv).
 */
export class EnvParts {
  constructor(
    readonly hostname: string,
    readonly base: Readonly<Record<string, string>>,
    /** Object.keys(base), listed once per base */
    readonly baseKeys: readonly string[],
    /** the container's own variables (envFrom, env), undefined when it has none */
    readonly own: Readonly<Record<string, string>> | undefined,
  ) {
    Object.freeze(this);
  }
}

/** The parts of each record composeEnv built (a record that travelled as a copy is simply kept whole). */
const partsOfRecord = new WeakMap<object, EnvParts>();

/** The environment record of its parts, frozen, in the order of composeEnv. */
function recordOf(p: EnvParts): Readonly<Record<string, string>> {
  if (p.own === undefined) {
    // set one by one from the kept key list: with hundreds of Service variables V8 builds it ~10x
    // faster so than through Object.entries, a dictionary and a spread (measured)
    const env: Record<string, string> = { HOSTNAME: p.hostname };
    for (const k of p.baseKeys) env[k] = p.base[k]!;
    return Object.freeze(env);
  }
  // a null prototype keeps a variable named __proto__ a variable; the spread makes it a plain object
  const env: Record<string, string> = Object.create(null);
  env.HOSTNAME = p.hostname;
  for (const k of p.baseKeys) if (!Object.hasOwn(p.own, k)) env[k] = p.base[k]!;
  Object.assign(env, p.own);
  return Object.freeze({ ...env });
}

/**
 * The kubelet's container environment (makeEnvironmentVariables): HOSTNAME, the Service variables
 * `own` does not set, then `own` (a HOSTNAME of its own keeps its place first). Frozen: it travels
 * in CreateContainer and is kept by the runtime, which keeps it as its parts (keptEnv).
 */
export function composeEnv(hostname: string, base: Readonly<Record<string, string>>, baseKeys: readonly string[], own?: Readonly<Record<string, string>>): Record<string, string> {
  const parts = new EnvParts(hostname, base, baseKeys, own === undefined ? undefined : Object.freeze(own));
  const env = recordOf(parts) as Record<string, string>;
  partsOfRecord.set(env, parts);
  return env;
}

/** What the runtime keeps of a CreateContainer's environment: its parts when composeEnv built it, else the record. */
export function keptEnv(env: Readonly<Record<string, string>>): Readonly<Record<string, string>> | EnvParts {
  return partsOfRecord.get(env) ?? env;
}

/** The environment record of what the runtime kept (built again from parts: for an exec, a shell). */
export function envRecord(env: Readonly<Record<string, string>> | EnvParts): Readonly<Record<string, string>> {
  return env instanceof EnvParts ? recordOf(env) : env;
}

/**
 * Copies the variables of a kept environment onto `to` as copying its record's own keys in order
 * would (a key `to` has keeps its place and takes the value), without building the record.
 */
export function copyEnvInto(to: Record<string, string>, env: Readonly<Record<string, string>> | EnvParts): void {
  const from = env instanceof EnvParts && env.own === undefined ? undefined : envRecord(env);
  if (from !== undefined) {
    for (const k in from) if (Object.hasOwn(from, k)) to[k] = from[k]!;
    return;
  }
  const p = env as EnvParts;
  to.HOSTNAME = p.hostname;
  for (const k of p.baseKeys) to[k] = p.base[k]!;
}
