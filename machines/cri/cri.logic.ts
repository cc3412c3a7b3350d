// The container runtime of one node (containerd behind the CRI): an image store filled by
// pulls that take simulated time, pod sandboxes, and containers created -> running -> exited.
// A running container's process is a value (machines/cri/workload/process.ts) driven on timers;
// its exits are reported to the kubelet as PLEG-like events. Filesystems are values too (trees
// kept in the container and its sandbox). Steps change a draft of the context (mutative): the
// snapshot they start from is never touched.

import { processUser, runtimeHome, type ProcessUser } from "./identity.js";
import type { Container, LifecycleHandler } from "kubernetes-types/core/v1";
import { ContainerLog } from "./containerlog.js";
import type { Fx } from "../common/effects.js";
import { goSecondsMs } from "../common/numberliteral.js";
import { keep, lifecycleOf, scheduleLifecycleTimers, stepKept, type KeptLifecycle } from "../common/lifecycle.js";
import { currentOf } from "../common/step.js";
import { sandboxMachine } from "./sandbox.machine.js";
import { imagePullMachine, type ImagePullEvent } from "./imagepull.machine.js";
import { containerMachine, type ContainerLifecycleEvent, type ContainerLifecycleOutput, type ExitReason } from "./container.machine.js";
import { normalizeImage, pullDurationMs, resolveImage, type ExtraRegistry, type ImageInfo } from "./registry.js";
import { digestOf } from "../common/digest.js";
import { createRootfs, effectiveArgv, MemFS, runExec, type Effect, type EffectResult, type Listener } from "./workload/index.js";
import { assignPids, findPid, mainArgvOf, nginxRespawn, pidNamespaceOf, processTable, sessionRows, takePid, uidOf } from "./procs.js";
import type { PingResult, ProcRow, PsResult, SignalResult, SysinfoResult, TlsOptions } from "./workload/types.js";
import { nodeMachine } from "../common/kernel.js";
import { isMap } from "immutable";
import { capable, cell, emptyTree, isTmpfs, resolvePath, splitPath, type FsTree } from "./workload/memfs.js";
import { parseResolvConf } from "./resolver.js";
import { emptyDirTree, payloadTree } from "./volumetrees.js";
import { DENY_WRITES, READ_ONLY, READ_ONLY_ROOT, subPathKey } from "./workload/process.js";
import { procSysFiles, sandboxSysctls } from "./procsys.js";
import { effectiveCapabilities, ProcInputs, procMounts, procStatus, procUserNamespace, sharedMounts, type ContainerMount, type UserNamespaceView } from "./procfs.js";
// the provisioner's setup script makes a claim's directory with `mkdir -m 0777 -p`, so any uid writes it
import { LOCAL_PATH_BASE } from "../common/localpath.js";
import { callListener, execIO, fsOf, listening, openTurn, park, startProcess, type FsLayout, type ProcEntry, type ProcessValue, type World } from "./workload/process.js";
import type { StreamSession } from "./streaming.js";
import { accrue, baselineMemoryBytes, charge, newCpuAccount, type CpuAccount } from "./usage.js";
import { intValue, milliValue } from "../common/quantity.js";
import { systemMemoryBytes } from "./messages.js";
import { clusterDNS, envRecord, keptEnv, netTimeoutMs, type EnvParts, type ContainerStatsInfo, type ConnectMsg, type ConnectTls, type ConnectResult, type RequestHeaders, type ContainerInfo, type CriRequest, type DnsAnswerMsg, type DnsQuery, type EnvFileRead, type ImageSummary, type PodSandboxInfo, type ProbeAction } from "./messages.js";
import { mutant } from "../common/mutation.js";
import { parseGoDuration } from "../common/cron.js";
import { rfc3339Nano } from "../common/time.js";
import { canonicalIPv6, isIPv6Address, joinHostPort, splitHostPort } from "../common/ip.js";

/** The sandbox image every pod's sandbox runs (kind preloads it, so it is never pulled). */
export const pauseImage = "registry.k8s.io/pause:3.10";
/** Lines kept per container log before the oldest are rotated away. */
export const maxLogLines = 10_000;
/** Effects a process may yield in one turn without sleeping before it fails by name. */
export const maxEffectsPerTurn = 100_000;
/** A failed pull still costs a registry round trip. */
export const failedPullMs = 500;

export interface Sandbox {
  id: string;
  podUid: string;
  podName: string;
  podNamespace: string;
  /** where it is in its lifecycle (sandbox.machine.ts): SANDBOX_READY or SANDBOX_NOTREADY */
  lifecycle: KeptLifecycle<typeof sandboxMachine>;
  /** emptyDir volumes (their trees), shared by the pod's containers */
  volumes: Map<string, FsTree>;
  /** the volumes the kubelet writes (configMap, secret, downwardAPI, projected): always mounted read-only (makeMounts) */
  writtenVolumes?: ReadonlySet<string>;
  /** volumes backed by a directory of the node (hostPath, a PersistentVolume's): volume name -> host path and whether read-only */
  hostMounts?: Record<string, { path: string; readOnly: boolean }>;
  /** image volumes (KEP-4639): volume name -> the image's files, mounted read-only into the containers that ask */
  imageVolumes?: Map<string, FsTree>;
  containers: string[];
  owner: string;
  /** set when the pod shares one pid namespace (shareProcessNamespace): the next pid it hands out (/pause is 1) */
  pidNs?: { readonly next: number };
  /** the pod's runAsUser, which the sandbox's /pause runs as (else the pause image's 65535) */
  runAsUser?: number;
  /** the pod's own user namespace (hostUsers: false): the kubelet's mapping and the namespace's proc inode */
  userNs?: UserNamespaceView;
  /** the pod's sysctls as the kubelet sent them, runc wrote into the namespaces its containers join */
  sysctls?: Readonly<Record<string, string>>;
  /** the pod shares the node's network namespace (no containerd sysctls for it) */
  hostNetwork?: true;
}

export interface CriContainer {
  id: string;
  sandboxId: string;
  name: string;
  attempt: number;
  image: ImageInfo;
  spec: Container;
  /** its environment as the kubelet sent it, kept as its parts when it can be (keptEnv) */
  env: Readonly<Record<string, string>> | EnvParts;
  podIP: string;
  /** a dual-stack pod's addresses, IPv4 first (absent for a single-stack one: podIP is its only) */
  podIPs?: readonly string[];
  /** the root filesystem's tree (mount points included) */
  rootfs: FsTree;
  /** where volumes are mounted: a path and its tree's key (volumeKey) */
  layout: FsLayout;
  /**
   * Where it is in its lifecycle (container.machine.ts), with its start and exit times, exit code
   * and reason, and the StopContainer in progress: the one place a container's state is kept.
   */
  lifecycle: KeptLifecycle<typeof containerMachine>;
  /** the credentials its processes run with (the OCI spec's process.user) */
  user: ProcessUser;
  /** the HOME runc gives its processes when their env has none (runtimeHome) */
  home: string;
  /** the running process, a value; gone once it has exited */
  proc?: ProcessValue;
  /** the signals its main process (a shell) set a trap for, and whether it now sleeps or waits (where one reaches it) */
  traps?: { readonly signals: readonly number[]; idle: boolean };
  memoryLimitBytes?: number;
  /** the pod-level cpu limit, its CFS quota when the container sets none (getCPULimit) */
  podCpuLimitMilli?: number;
  /** what its program allocated (stress --vm-bytes), on top of its image's idle working set */
  memoryBytes: number;
  /** its CPU use on the simulated clock (usage.ts) */
  cpu: CpuAccount;
  /** packed and persistent: appending a line never copies the others */
  logs: ContainerLog;
  owner: string;
  /** its main process's pid when not 1 (a shared or target namespace: procs.ts) */
  pid?: number;
  /** the next pid of the namespace it owns, when it owns one and has handed one out past its PID 1 */
  nextPid?: number;
  /** nginx's worker pids, while its master runs */
  workers?: readonly number[];
  /** the container whose pid namespace it joined (an ephemeral container's targetContainerName) */
  pidTarget?: string;
  /**
   * what its /proc/mounts and /proc/1/status are made of, made when its root is read (procView);
   * absent when the root holds them itself (a process changed /proc)
   */
  procfs?: ProcInputs;
}

const sandboxLifecycle = lifecycleOf(sandboxMachine);
const pullLifecycle = lifecycleOf(imagePullMachine);
const containerLifecycle = lifecycleOf(containerMachine);

/** The sandbox's state as runtime.v1 names it (a removed sandbox is no longer held). */
export function sandboxState(sb: Pick<Sandbox, "lifecycle">): "SANDBOX_READY" | "SANDBOX_NOTREADY" {
  return sb.lifecycle.value === "SANDBOX_READY" ? "SANDBOX_READY" : "SANDBOX_NOTREADY";
}

/** The container's state as runtime.v1 names it (the top of its lifecycle's state). */
export function containerState(c: Pick<CriContainer, "lifecycle">): "CONTAINER_CREATED" | "CONTAINER_RUNNING" | "CONTAINER_EXITED" {
  const v = c.lifecycle.value;
  return (typeof v === "string" ? v : Object.keys(v)[0]) as "CONTAINER_CREATED" | "CONTAINER_RUNNING" | "CONTAINER_EXITED";
}

/** True while the container's process runs (stopping included: it runs until it exits). */
export function isRunning(c: Pick<CriContainer, "lifecycle">): boolean {
  return typeof c.lifecycle.value === "object" && "CONTAINER_RUNNING" in c.lifecycle.value;
}


function stepSandbox(sb: Sandbox, event: { type: "StopPodSandbox" } | { type: "RemovePodSandbox" }): void {
  sb.lifecycle = keep(stepKept(sandboxLifecycle, currentOf(sb.lifecycle), event).snapshot);
}

/** Steps a container's lifecycle; its timers go to the outbox, its outputs are carried out here. */
function stepContainer(ctx: CriContext, c: CriContainer, event: ContainerLifecycleEvent | { type: string }, fx: Fx): void {
  const s = stepKept(containerLifecycle, currentOf(c.lifecycle), event as ContainerLifecycleEvent);
  c.lifecycle = keep(s.snapshot);
  scheduleLifecycleTimers(fx, c.id, s, (e) => ({ type: "ContainerTimer", containerId: c.id, event: e }));
  for (const o of s.outputs as ContainerLifecycleOutput[]) {
    if (o.type === "Signal") signal(ctx, c, o.signal, fx);
    else if (o.type === "Exited") fx.send(c.owner, { type: "ContainerExited", containerId: c.id, exitCode: o.exitCode, reason: o.reason, ...(o.message !== undefined ? { message: o.message } : {}), startedAt: o.startedAt, finishedAt: o.finishedAt, ...hostReadsAtExit(c) });
    else fx.send(o.from, { type: "StopContainerResult", id: o.id, containerId: c.id });
  }
}

/** The number of log lines the kubelet reads for a termination message (MaxContainerTerminationMessageLogLines). */
const terminationLogLines = 80;

/**
 * What the kubelet reads on the host when a container exits: its termination-message file (a host
 * file bind-mounted at terminationMessagePath) and, only where FallbackToLogsOnError may use them,
 * the log's last lines. Both sit on the node, so the runtime hands them over with the exit.
 */
function hostReadsAtExit(c: CriContainer): { terminationFile?: string; logTail?: string[] } {
  const spec = currentOf(c.spec);
  const out: { terminationFile?: string; logTail?: string[] } = {};
  if (spec.terminationMessagePath) {
    const file = new MemFS(cell(c.rootfs)).read(resolvePath("/", spec.terminationMessagePath));
    if (typeof file === "string") out.terminationFile = file;
  }
  if (spec.terminationMessagePolicy === "FallbackToLogsOnError") out.logTail = c.logs.lastLines(terminationLogLines);
  return out;
}

/** A lifecycle's `after` came due (the grace period, the preStop hook's time). */
export function containerTimer(ctx: CriContext, containerId: string, event: { type: string }, fx: Fx): void {
  const c = ctx.containers.get(containerId);
  if (c) stepContainer(ctx, c, event, fx);
}

/** A process suspended on the network: a DNS query, or a connection, awaiting its answer. */
export interface NetWait {
  containerId: string;
  /** an httpGet hook's request, made for the kubelet at this address: its failure is told to it, no process waits */
  hook?: string;
  /** which hook: its failure is PostStartHookFailed or PreStopHookFailed */
  hookKind?: "postStart" | "preStop";
  /** an httpGet or tcpSocket probe to a host off this node, answered to the kubelet (from) as its ExecProbe's result */
  probe?: { from: string; id: number; action: Extract<ProbeAction, { kind: "httpGet" | "tcpSocket" }> };
  /** "dns": nslookup's own query; "resolve": the host lookup before a connection; "connect": the connection */
  kind: "dns" | "resolve" | "connect";
  host: string;
  port: number;
  path: string;
  /** the nameserver asked, when it is not cluster DNS */
  server?: string;
  /** the exec session whose process waits (kubectl exec); absent: the container's own process */
  session?: string;
  /** the request's headers, for the connection a lookup precedes */
  headers?: RequestHeaders;
  /** the client's own connection timeout (wget -T), for the connection a lookup precedes */
  timeoutMs?: number;
  /** an https request's verification, for the connection a lookup precedes */
  tls?: ConnectTls;
  /** an echo request (ping): answered with its reply or none */
  icmp?: true;
}

/** Resumes an exec'd process suspended on the network with the answer (streaming.ts resumeExec). */
export type ExecResume = (ctx: CriContext, session: string, answer: EffectResult, fx: Fx) => void;

/** An image pull in flight: its lifecycle (imagepull.machine.ts), waiters and outcome in its context. */
type PullInFlight = KeptLifecycle<typeof imagePullMachine>;

export interface CriContext {
  node: string;
  /** the network policy agent that filters this node's pod traffic, once it has announced itself: DNS queries pass through it */
  policyAgent?: string;
  registry?: ExtraRegistry;
  images: Map<string, ImageInfo>;
  pulls: Map<string, PullInFlight>;
  sandboxes: Map<string, Sandbox>;
  containers: Map<string, CriContainer>;
  /**
   * The node's root filesystem, which hostPath and PersistentVolume mounts are directories of (so
   * a pod writing /host/mnt/data/x through a mount of "/" and one mounting /mnt/data see one file);
   * made on first use, it outlives every sandbox.
   */
  hostRoot?: FsTree;
  /** data-plane exchanges in flight, by the id their messages carry */
  waits: Map<number, NetWait>;
  /** the streaming server's sessions (exec, attach, port-forward), by session id */
  streams: Map<string, StreamSession>;
  netSeq: number;
  seq: number;
  now: number;
  /** the AppArmor profiles loaded on the node; defaultAppArmorProfiles when absent */
  appArmorProfiles?: readonly string[];
  /** the node's own processes listening on its address outside any pod, by "address:port" (CriInput.hostServices) */
  hostServices?: Readonly<Record<string, string>>;
  /** the kubelet's --cluster-dns when not 10.96.0.10 (CriInput.clusterDNS) */
  clusterDNS?: string;
  /** the node's CPUs and RAM (CriInput.machine); the kubelet's default machine when absent */
  machine?: { readonly cpus: number; readonly memoryBytes: number; readonly diskBytes?: number };
  /** the node's /etc/hosts (CriInput.hostsFile) */
  hostsFile?: string;
}

export interface CriInput {
  node: string;
  registry?: ExtraRegistry;
  /** the AppArmor profiles loaded on the node (apparmor_parser); defaultAppArmorProfiles when not given */
  appArmorProfiles?: readonly string[];
  /**
   * The node's own processes that listen on its address, by "address:port", each the actor that answers a
   * connection to it: kind's control-plane node runs kube-apiserver on 6443 (a static pod on the
   * host network, which podflow runs outside the runtime).
   */
  hostServices?: Readonly<Record<string, string>>;
  /** the cluster DNS address the kubelet writes into resolv.conf (an IPv6 cluster's fd00:10:96::a); 10.96.0.10 when absent */
  clusterDNS?: string;
  /** the node's CPUs and RAM, as its kubelet reports them (nodeMachine): what sysinfo(2) and sched_getaffinity(2) tell its containers */
  machine?: { readonly cpus: number; readonly memoryBytes: number; readonly diskBytes?: number };
  /** the node's /etc/hosts (common/nodehosts.ts), which a hostPath volume of it mounts; none when absent */
  hostsFile?: string;
}

/**
 * The profiles a node has loaded by default: the one the docs' AppArmor tutorial loads on every
 * node before its example (k8s-apparmor-example-deny-write), so its hello-apparmor runs and its
 * hello-apparmor-2 (k8s-apparmor-example-allow-write, never loaded) does not.
 */
export const defaultAppArmorProfiles: readonly string[] = ["k8s-apparmor-example-deny-write"];

/**
 * The seccomp profile files on a node by default: the ones the docs' seccomp tutorial mounts into
 * its kind node at /var/lib/kubelet/seccomp/profiles (examples/pods/security/seccomp/kind.yaml),
 * so its audit-pod, fine-pod and violation-pod find theirs; any other Localhost profile is missing.
 */
export const defaultSeccompProfileFiles: readonly string[] = ["audit.json", "fine-grained.json", "violation.json"].map((f) => `/var/lib/kubelet/seccomp/profiles/${f}`);

// The profiles whose rules podflow knows: the tutorial's `deny /** w,` (every write refused, EACCES).
const denyWriteProfiles = new Set(["k8s-apparmor-example-deny-write"]);

/** A runtime before it has read its store: nothing in it yet. */
export function initialCri(input: CriInput): CriContext {
  return {
    node: input.node, images: new Map(), pulls: new Map(), sandboxes: new Map(), containers: new Map(), waits: new Map(), streams: new Map(), netSeq: 0, seq: 0, now: 0,
    ...(input.registry ? { registry: input.registry } : {}),
    ...(input.appArmorProfiles ? { appArmorProfiles: input.appArmorProfiles } : {}),
    ...(input.machine ? { machine: input.machine } : {}),
    ...(input.hostServices ? { hostServices: input.hostServices } : {}),
    ...(input.clusterDNS ? { clusterDNS: input.clusterDNS } : {}),
    ...(input.hostsFile !== undefined ? { hostsFile: input.hostsFile } : {}),
  };
}

/**
 * What containerd's metadata store gives back on start (criService.recover): a new node's store
 * holds only the pause image (kind preloads it, so it is never pulled). The runtime itself never
 * restarts in podflow (a kubelet does, and finds what runs through ListPodSandbox/ListContainers),
 * so no sandbox or container is in the store at start.
 */
export function recoverStore(ctx: CriContext): void {
  const pause = resolveImage(pauseImage, ctx.registry);
  if (pause.ok) ctx.images.set(pause.image.ref, pause.image);
}

/** The summary of an image the kubelet keeps. */
export function summarize(i: ImageInfo): ImageSummary {
  return { ref: i.ref, imageID: i.imageID, id: i.id, sizeBytes: i.sizeBytes, repoTags: i.repoTags, ...imageUser(i.user) };
}

/** containerd's getUserFromImage: the part before ":", a uid when numeric, else a user name; none when unset. */
function imageUser(user: string | undefined): { uid?: number; username?: string } {
  if (!user) return {};
  const name = user.split(":")[0]!;
  return /^\d+$/.test(name) ? { uid: Number(name) } : { username: name };
}

// A node asks for the key of the same few references at every ImageStatus and CreateContainer:
// parsed once each (a pure function of the text). Bounded: cleared when full.
const imageKeys = new Map<string, string | undefined>();
const maxImageKeys = 1024;

/** The store key of an image reference, or undefined when it does not parse. */
export function imageKey(image: string): string | undefined {
  if (imageKeys.has(image)) return imageKeys.get(image);
  let key: string | undefined;
  try {
    key = normalizeImage(image).ref;
  } catch {
    key = undefined;
  }
  if (imageKeys.size >= maxImageKeys) imageKeys.clear();
  imageKeys.set(image, key);
  return key;
}

/** A fresh id on this node's runtime (sandbox, container, stream session), from its sequence. */
export function newId(ctx: CriContext, what: string): string {
  return digestOf(`${ctx.node}/${what}/${ctx.seq++}`);
}

/** Serves one request from the kubelet. */
export function handleCri(ctx: CriContext, req: CriRequest, from: string, fx: Fx): void {
  // A switch, not ts-pattern's builder: every kubelet -> CRI call comes through here, and the
  // builder's seventeen arms were objects and closures made per call. Still exhaustive: a request
  // type added to the kubelet -> CRI channel without a case does not compile (the default's never).
  switch (req.type) {
    case "RunPodSandbox": return runPodSandbox(ctx, req, from, fx);
    case "WriteVolume": return writeVolume(ctx, req);
    case "StopPodSandbox": return stopPodSandbox(ctx, req.sandboxId, fx, from, req.id);
    case "RemovePodSandbox": return removePodSandbox(ctx, req.sandboxId, fx, from, req.id);
    case "ImageStatus": {
      const key = imageKey(req.image);
      const img = key ? ctx.images.get(key) : undefined;
      fx.send(from, { type: "ImageStatusResult", id: req.id, image: req.image, present: img ? summarize(img) : null });
      return;
    }
    case "PullImage": return pullImage(ctx, req.id, req.image, from, fx);
    case "ReadVolumeFiles": return fx.send(from, { type: "ReadVolumeFilesResult", id: req.id, files: readVolumeFiles(ctx, req.sandboxId, req.files) });
    case "CheckHostPaths": {
      // the node's tree as the check leaves it (made where an *OrCreate type asked)
      const root = nodeRoot(ctx);
      const checked = checkHostPaths(root, req.paths);
      if (checked.root !== root) ctx.hostRoot = checked.root;
      fx.send(from, { type: "CheckHostPathsResult", id: req.id, failures: checked.failures });
      return;
    }
    case "CreateContainer": return createContainer(ctx, req, from, fx);
    case "StartContainer": return startContainerReq(ctx, req.id, req.containerId, from, fx);
    case "StopContainer": return stopContainer(ctx, req, from, fx);
    case "UpdateContainerResources": return updateContainerResources(ctx, req, from, fx);
    case "ExecProbe": {
      const result = probe(ctx, req.containerId, req.action, req.timeoutSeconds);
      if (result === "remote") return startProbeRequest(ctx, req, from, fx);
      fx.send(from, { type: "ExecProbeResult", id: req.id, containerId: req.containerId, ...result });
      return;
    }
    case "ContainerLogs": {
      const c = ctx.containers.get(req.containerId);
      fx.send(from, { type: "ContainerLogsResult", id: req.id, containerId: req.containerId, lines: c ? c.logs.toArray() : [] });
      return;
    }
    case "ListPodSandbox": return fx.send(from, { type: "ListPodSandboxResult", id: req.id, sandboxes: listSandboxes(ctx) });
    case "ListContainerStats": return fx.send(from, { type: "ListContainerStatsResult", id: req.id, node: ctx.node, timestamp: ctx.now, stats: containerStats(ctx) });
    case "ListContainers":
      return fx.send(from, { type: "ListContainersResult", id: req.id, containers: listContainers(ctx), inFlightMaxId: inFlightMaxId(ctx, from) });
    default:
      // as ts-pattern's exhaustive() did for a value no arm matched
      throw new Error(`Pattern matching error: no pattern matches value ${JSON.stringify(req satisfies never)}`);
  }
}

// ---- sandboxes -----------------------------------------------------------------------

// The runtimes kind's containerd config has: runc (the default) and test-handler (for e2e tests).
const runtimeHandlers = new Set(["", "runc", "test-handler"]);

function runPodSandbox(ctx: CriContext, req: Extract<CriRequest, { type: "RunPodSandbox" }>, from: string, fx: Fx): void {
  const handler = req.runtimeHandler ?? "";
  if (!runtimeHandlers.has(handler)) {
    // containerd's RunPodSandbox: getSandboxRuntime finds no runtime under that name
    fx.send(from, { type: "RunPodSandboxResult", id: req.id, sandboxId: "", error: `failed to get sandbox runtime: no runtime for ${JSON.stringify(handler)} is configured` });
    return;
  }
  const id = newId(ctx, `sandbox/${req.podUid}`);
  const volumes = new Map<string, FsTree>();
  const setup = (name: string) => (req.setups && Object.hasOwn(req.setups, name) ? req.setups[name] : undefined);
  for (const v of req.volumes) volumes.set(v, emptyDirTree(setup(v), ctx.now));
  for (const [name, files] of Object.entries(req.files ?? {})) volumes.set(name, payloadTree(files, setup(name), ctx.now, `${id}/${name}`));
  const written = Object.keys(req.files ?? {});
  ctx.sandboxes.set(id, {
    id, podUid: req.podUid, podName: req.podName, podNamespace: req.podNamespace, lifecycle: keep(sandboxLifecycle.start(undefined).snapshot), volumes, containers: [], owner: from,
    ...(req.hostPaths ? { hostMounts: req.hostPaths } : {}), ...(written.length > 0 ? { writtenVolumes: new Set(written) } : {}),
    // /pause is PID 1 of a shared namespace
    ...(req.pidNamespace === "POD" ? { pidNs: { next: 2 }, ...(req.runAsUser !== undefined ? { runAsUser: req.runAsUser } : {}) } : {}),
    // a new namespace's inode comes from the kernel's dynamic proc inums (from 0xF0000000, many taken by the node's own); one per slot keeps pods apart
    ...(req.userNamespace ? { userNs: { mapping: req.userNamespace, inode: 0xf0000200 + req.userNamespace.hostId / 65536 } } : {}),
    ...(req.sysctls ? { sysctls: req.sysctls } : {}), ...(req.hostNetwork ? { hostNetwork: true as const } : {}),
  });
  fx.send(from, { type: "RunPodSandboxResult", id: req.id, sandboxId: id });
}

/** The kubelet's atomic writer: the volume's files are replaced by the new payload at once (a new timestamped directory, `..data` swapped to it). */
function writeVolume(ctx: CriContext, req: Extract<CriRequest, { type: "WriteVolume" }>): void {
  const sb = ctx.sandboxes.get(req.sandboxId);
  if (sb && sb.volumes.has(req.volume)) sb.volumes.set(req.volume, payloadTree(req.files, req.setup, ctx.now, `${sb.id}/${req.volume}`));
}

/** StopPodSandbox: kills what still runs in it (no grace: the kubelet stopped them first). */
function stopPodSandbox(ctx: CriContext, sandboxId: string, fx: Fx, from: string, id: number): void {
  const sb = ctx.sandboxes.get(sandboxId);
  if (sb) {
    for (const cid of sb.containers) {
      const c = ctx.containers.get(cid);
      if (c && isRunning(c)) exitContainer(ctx, c, 137, "Error", fx);
    }
    stepSandbox(sb, { type: "StopPodSandbox" });
  }
  fx.send(from, { type: "StopPodSandboxResult", id, sandboxId });
}

function removePodSandbox(ctx: CriContext, sandboxId: string, fx: Fx, from: string, id: number): void {
  const sb = ctx.sandboxes.get(sandboxId);
  if (sb) {
    for (const cid of sb.containers) {
      const c = ctx.containers.get(cid);
      if (c && isRunning(c)) exitContainer(ctx, c, 137, "Error", fx);
      ctx.containers.delete(cid);
      fx.cancel(`proc/${cid}`);
    }
    stepSandbox(sb, { type: "RemovePodSandbox" });
    ctx.sandboxes.delete(sandboxId);
  }
  fx.send(from, { type: "RemovePodSandboxResult", id, sandboxId });
}

// ---- images --------------------------------------------------------------------------

/** Starts a pull (or joins one under way); the answer comes when the pull's lifecycle ends it. */
function pullImage(ctx: CriContext, id: number, image: string, from: string, fx: Fx): void {
  const running = ctx.pulls.get(image);
  if (running) {
    stepPull(ctx, image, running, { type: "Join", waiter: { id, from } }, fx);
    return;
  }
  const outcome = resolveImage(image, ctx.registry);
  if (!outcome.ok && outcome.reason === "InvalidImageName") {
    fx.send(from, { type: "PullImageResult", id, image, ok: false, failure: outcome });
    return;
  }
  // A pull is work, not steady state: its timer keeps settle() busy.
  const durationMs = outcome.ok ? pullDurationMs(outcome.image) : failedPullMs;
  const s = pullLifecycle.start({ waiters: [{ id, from }], outcome, startedAt: ctx.now, durationMs });
  ctx.pulls.set(image, keep(s.snapshot));
  scheduleLifecycleTimers(fx, `pull/${image}`, s, (e) => ({ type: "PullTimer", image, event: e }));
}

function stepPull(ctx: CriContext, image: string, kept: PullInFlight, event: ImagePullEvent | { type: string }, fx: Fx): void {
  const s = stepKept(pullLifecycle, currentOf(kept), event as never);
  ctx.pulls.set(image, keep(s.snapshot));
  scheduleLifecycleTimers(fx, `pull/${image}`, s, (e) => ({ type: "PullTimer", image, event: e }));
  if (s.outputs.length > 0) finishPull(ctx, image, s.snapshot.context, fx);
}

/** A pull lifecycle's `after` came due: the pull has ended. */
export function pullTimer(ctx: CriContext, image: string, event: { type: string }, fx: Fx): void {
  const p = ctx.pulls.get(image);
  if (p) stepPull(ctx, image, p, event, fx);
}

/** A pull ended: store the image (or not) and answer everyone waiting for it. */
function finishPull(ctx: CriContext, image: string, p: PullInFlight["context"], fx: Fx): void {
  ctx.pulls.delete(image);
  const durationMs = ctx.now - p.startedAt;
  if (p.outcome.ok) ctx.images.set(p.outcome.image.ref, p.outcome.image);
  for (const w of p.waiters) {
    if (p.outcome.ok) fx.send(w.from, { type: "PullImageResult", id: w.id, image, ok: true, pulled: summarize(p.outcome.image), durationMs });
    else fx.send(w.from, { type: "PullImageResult", id: w.id, image, ok: false, failure: p.outcome });
  }
}

// ---- containers ----------------------------------------------------------------------

/** The key of the node's root tree in a container's layout; a host directory is a subPath of it. */
const HOST_ROOT = "host:";

/**
 * The node's root filesystem before any pod wrote to it: a Debian node's top-level directories
 * (the osImage the kubelet reports), /etc/hostname, /etc/hosts, and /etc/machine-id with the ID the
 * kubelet reports as nodeInfo.machineID (kubelet/node.ts derives both alike).
 */
function freshNodeRoot(node: string, hostsFile: string | undefined): FsTree {
  const fs = MemFS.rootfs(["/boot", "/lib", "/media", "/mnt", "/opt", "/srv", "/var/lib/kubelet", "/var/lib/containerd", "/etc/kubernetes/manifests", "/var/log/pods", "/var/log/containers"]);
  fs.write("/etc/hostname", `${node}\n`);
  fs.write("/etc/machine-id", `${digestOf(`machine/${node}`).slice(0, 32)}\n`);
  fs.write("/etc/os-release", nodeOsRelease);
  if (hostsFile !== undefined) fs.write("/etc/hosts", hostsFile);
  for (const path of nodeSpecialFiles.keys()) {
    fs.mkdir(resolvePath(path, ".."), true);
    fs.write(path, "");
  }
  return fs.tree;
}

/**
 * The node's device files and sockets (a kind node's /dev, and containerd's socket under /run, which
 * /var/run links to): in the tree they read as empty files; the hostPath type check tells them apart.
 * The node has no block devices.
 */
const nodeSpecialFiles: ReadonlyMap<string, "CharDevice" | "Socket"> = new Map([
  ...["/dev/console", "/dev/full", "/dev/fuse", "/dev/kmsg", "/dev/null", "/dev/ptmx", "/dev/random", "/dev/tty", "/dev/urandom", "/dev/zero"].map((p) => [p, "CharDevice"] as const),
  ...["/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock"].map((p) => [p, "Socket"] as const),
]);

const nodeOsRelease = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL="https://www.debian.org/"\nSUPPORT_URL="https://www.debian.org/support"\nBUG_REPORT_URL="https://bugs.debian.org/"\n';

/** Where the kubelet keeps container logs (kubelet's podLogsRootDirectory) and the links to them the logging agents read. */
const podLogsDir = ["var", "log", "pods"];
const containerLogsDir = ["var", "log", "containers"];

/**
 * The node's tree as a process mounting it reads it: the container logs of the node, as containerd
 * writes them (CRI log format: an RFC 3339 time, the stream, F for a full line, the line) in
 * /var/log/pods/<namespace>_<pod>_<uid>/<container>/<restart>.log, and /var/log/containers/
 * <pod>_<namespace>_<container>-<id>.log for each (a link there; a copy here). Made when read.
 */
function withNodeLogs(ctx: CriContext, root: FsTree): FsTree {
  let pods = emptyTree;
  let links = emptyTree;
  for (const c of ctx.containers.values()) {
    const sb = ctx.sandboxes.get(c.sandboxId);
    if (!sb) continue;
    let text = "";
    for (const l of c.logs) text += `${rfc3339Nano(l.time)} ${l.stream} F ${l.line}\n`;
    pods = pods.setIn([`${sb.podNamespace}_${sb.podName}_${sb.podUid}`, c.name, `${c.attempt}.log`], text);
    links = links.set(`${sb.podName}_${sb.podNamespace}_${c.name}-${c.id}.log`, text);
  }
  return root.setIn(podLogsDir, pods).setIn(containerLogsDir, links);
}

/** The node's /var/log as the kubelet's /logs/ handler serves it (the container logs with what processes wrote there). */
export function nodeVarLog(ctx: CriContext): FsTree {
  return (withNodeLogs(ctx, nodeRoot(ctx)).getIn(["var", "log"]) as FsTree | undefined) ?? emptyTree;
}

/** What a process wrote to the node's tree, less the log directories it was shown (the kubelet's and containerd's, never stored). */
function withoutNodeLogs(tree: FsTree): FsTree {
  return tree.setIn(podLogsDir, emptyTree).setIn(containerLogsDir, emptyTree);
}

function nodeRoot(ctx: CriContext): FsTree {
  return ctx.hostRoot ?? freshNodeRoot(ctx.node, ctx.hostsFile);
}

/** The node's tree at `path` (a directory's tree, a file's text), or undefined when missing. */
function nodeEntry(ctx: CriContext, path: string): FsTree | string | undefined {
  const parts = splitPath(path);
  return parts.length === 0 ? nodeRoot(ctx) : (nodeRoot(ctx).getIn(parts) as FsTree | string | undefined);
}

/** A file's text, or undefined when it is missing or not a file. */
function fileText(fs: MemFS, path: string): string | undefined {
  const r = fs.read(path);
  return typeof r === "string" ? r : undefined;
}

function createContainer(ctx: CriContext, req: Extract<CriRequest, { type: "CreateContainer" }>, from: string, fx: Fx): void {
  const sb = ctx.sandboxes.get(req.sandboxId);
  const key = imageKey(req.container.image ?? "");
  const image = key ? ctx.images.get(key) : undefined;
  if (!sb || sandboxState(sb) !== "SANDBOX_READY") {
    fx.send(from, { type: "CreateContainerResult", id: req.id, ok: false, reason: "CreateContainerError", message: `failed to get sandbox "${req.sandboxId}": not found` });
    return;
  }
  if (!image) {
    fx.send(from, { type: "CreateContainerResult", id: req.id, ok: false, reason: "CreateContainerError", message: `failed to get image "${req.container.image}": not found` });
    return;
  }
  // containerd's generateApparmorSpecOpts: a Localhost profile must be loaded on the node
  const profile = req.appArmor?.type === "Localhost" ? req.appArmor.localhostRef ?? "" : undefined;
  if (profile !== undefined && !(ctx.appArmorProfiles ?? defaultAppArmorProfiles).includes(profile)) {
    fx.send(from, { type: "CreateContainerResult", id: req.id, ok: false, reason: "CreateContainerError", message: `failed to get container spec opts: failed to generate apparmor spec opts: apparmor profile not found ${profile}` });
    return;
  }
  // contrib/seccomp WithProfile reads a Localhost profile's file when NewContainer applies the
  // spec opts ("failed to create containerd container: %w"); a missing file fails the create.
  const seccompFile = req.seccomp?.type === "Localhost" ? req.seccomp.localhostRef ?? "" : undefined;
  if (seccompFile !== undefined && !defaultSeccompProfileFiles.includes(seccompFile)) {
    fx.send(from, { type: "CreateContainerResult", id: req.id, ok: false, reason: "CreateContainerError", message: `failed to create containerd container: cannot load seccomp profile "${seccompFile}": open ${seccompFile}: no such file or directory` });
    return;
  }
  const id = newId(ctx, `container/${sb.podUid}/${req.container.name}/${req.attempt}`);
  // The root tree gets the mount points; the layout names the trees mounted on them.
  const root = createRootfs(image);
  // the image's files show no time of their own here: the container's creation stands for it
  root.asContainerRoot(ctx.now);
  // oci.WithUser and WithAdditionalGIDs read the image's own passwd and group files, not a volume's
  const passwd = fileText(root, "/etc/passwd");
  const identity = processUser(req.user, passwd, fileText(root, "/etc/group"));
  // what the process may do beyond its identity's file modes (the OCI spec's process.capabilities)
  const user = { ...identity, caps: effectiveCapabilities(req.container.securityContext, identity.uid) };
  const layout: [string, string][] = [];
  mountHostFiles(root, req.files);
  // the process's confinement as the kernel shows it (the tutorial's `cat /proc/1/attr/current`)
  if (profile !== undefined) {
    root.mkdir("/proc/1/attr", true);
    root.write("/proc/1/attr/current", `${profile} (enforce)\n`);
  }
  for (const m of req.container.volumeMounts ?? []) {
    const imageRef = req.imageVolumes && Object.hasOwn(req.imageVolumes, m.name) ? req.imageVolumes[m.name]! : undefined;
    if (imageRef !== undefined) {
      const failure = mountImageVolume(ctx, sb, root, layout, m, imageRef);
      if (failure !== undefined) return void fx.send(from, { type: "CreateContainerResult", id: req.id, ok: false, reason: "CreateContainerError", message: failure });
      continue;
    }
    const host = sb.hostMounts && Object.hasOwn(sb.hostMounts, m.name) ? sb.hostMounts[m.name]! : undefined;
    if (host) {
      // the subPath is taken inside the host directory (SecureJoin: ".." stops at its root)
      const at = resolvePath("/", `${host.path}/${resolvePath("/", m.subPath ?? "")}`);
      const found = nodeEntry(ctx, at);
      if (typeof found === "string") {
        // A file of the node (hostPath type File) is bind-mounted as a file, not a directory.
        root.mkdir(resolvePath("/", m.mountPath + "/.."), true);
        root.write(resolvePath("/", m.mountPath), found);
        continue;
      }
      // The node's directory, made if missing (DirectoryOrCreate, the provisioner's mkdir, a missing subPath), mounted at mountPath.
      if (found === undefined || ctx.hostRoot === undefined) ctx.hostRoot = at === "/" ? nodeRoot(ctx) : withSubdirectory(nodeRoot(ctx), at, found === undefined && at.startsWith(`${LOCAL_PATH_BASE}/`) ? 0o777 : undefined);
      const key = at === "/" ? HOST_ROOT : subPathKey(HOST_ROOT, at);
      root.mkdir(resolvePath("/", m.mountPath), true);
      layout.push([m.mountPath, `${host.readOnly || m.readOnly ? READ_ONLY : ""}${key}`]);
      continue;
    }
    const tree = sb.volumes.get(m.name);
    if (tree === undefined) continue;
    // A subPath file is bind-mounted as it is now: later updates of its volume never reach it.
    const file = m.subPath ? new MemFS(cell(tree)).read(resolvePath("/", m.subPath)) : undefined;
    if (typeof file === "string") {
      root.mkdir(resolvePath("/", m.mountPath + "/.."), true);
      root.write(resolvePath("/", m.mountPath), file);
      continue;
    }
    let key = volumeKey(m.name);
    if (m.subPath) {
      // the subPath is taken with the volume's links followed (a configMap key is `..data/key`)
      const real = new MemFS(cell(tree)).realpath(resolvePath("/", m.subPath));
      if (typeof real === "string") {
        if (real !== "/") key = subPathKey(key, real);
        root.mkdir(resolvePath("/", m.mountPath), true);
        layout.push([m.mountPath, `${m.readOnly || sb.writtenVolumes?.has(m.name) ? READ_ONLY : ""}${key}`]);
        continue;
      }
      // makeMounts creates a missing subPath directory in the volume; the container sees only it
      sb.volumes.set(m.name, withSubdirectory(tree, m.subPath));
      key = subPathKey(key, m.subPath);
    }
    root.mkdir(resolvePath("/", m.mountPath), true);
    // the volume plugin's ReadOnly attribute (configMap, secret, downwardAPI, projected) makes the mount read-only whatever the spec says
    layout.push([m.mountPath, `${m.readOnly || sb.writtenVolumes?.has(m.name) ? READ_ONLY : ""}${key}`]);
  }
  if (profile !== undefined && denyWriteProfiles.has(profile)) layout.push([...DENY_WRITES]);
  const sc = req.container.securityContext;
  // the kubelet makes the termination-message file world-writable (createPodSandbox's 0666)
  if (req.container.terminationMessagePath && req.files && Object.hasOwn(req.files, req.container.terminationMessagePath)) root.chmod(resolvePath("/", req.container.terminationMessagePath), 0o666);
  // a read-only root still has runc's /dev tmpfs and the kubelet's files bound read-write
  if (sc?.readOnlyRootFilesystem === true) layout.push(["", `${READ_ONLY_ROOT}${["/dev", ...Object.keys(req.files ?? {}).map((f) => resolvePath("/", f))].join(",")}`]);
  const procfs = new ProcInputs(2 * (ctx.containers.size + ctx.sandboxes.size) + 2, sharedMounts(mountsOf(ctx, sb, req, layout)), req.seccomp !== undefined && req.seccomp.type !== "Unconfined");
  const c: CriContainer = {
    id, sandboxId: sb.id, name: req.container.name, attempt: req.attempt, image: currentOf(image), spec: req.container, env: keptEnv(req.env), podIP: req.podIP, ...(req.podIPs !== undefined ? { podIPs: req.podIPs } : {}),
    rootfs: root.tree, layout: layout.slice(), user, home: runtimeHome(user.uid, passwd), lifecycle: keep(containerLifecycle.start(undefined).snapshot), memoryBytes: 0, cpu: newCpuAccount(ctx.now), logs: ContainerLog.empty, owner: from,
    procfs,
  };
  // a root without a /proc directory gets the files written into it once, as before
  if (!isMap(root.tree.get("proc"))) {
    c.rootfs = withProcFiles(root.tree, procTexts(ctx, c, procfs));
    delete c.procfs;
  }
  if (req.memoryLimitBytes !== undefined) c.memoryLimitBytes = req.memoryLimitBytes;
  if (req.podCpuLimitMilli !== undefined) c.podCpuLimitMilli = req.podCpuLimitMilli;
  ctx.containers.set(id, c);
  sb.containers.push(id);
  fx.send(from, { type: "CreateContainerResult", id: req.id, ok: true, containerId: id, image: summarize(image), user });
}

/**
 * An image volume's mount (containerd's image volume support, CRI Mount.image): the pulled image's
 * files, read-only whatever the volumeMount says (the KEP mounts them ro, noexec); a subPath mounts
 * that directory of them, or that file.
 */
function mountImageVolume(ctx: CriContext, sb: Sandbox, root: MemFS, layout: [string, string][], m: { name: string; mountPath: string; subPath?: string }, imageRef: string): string | undefined {
  const key = imageKey(imageRef);
  const image = key ? ctx.images.get(key) : undefined;
  if (!image) return `failed to get image "${imageRef}": not found`;
  let tree = sb.imageVolumes?.get(m.name);
  if (tree === undefined) {
    tree = createRootfs(currentOf(image)).tree;
    sb.imageVolumes = new Map(sb.imageVolumes ?? []).set(m.name, tree);
  }
  const file = m.subPath ? new MemFS(cell(tree)).read(resolvePath("/", m.subPath)) : undefined;
  if (typeof file === "string") {
    root.mkdir(resolvePath("/", m.mountPath + "/.."), true);
    root.write(resolvePath("/", m.mountPath), file);
    return undefined;
  }
  root.mkdir(resolvePath("/", m.mountPath), true);
  const volume = imageVolumeKey(m.name);
  layout.push([m.mountPath, `${READ_ONLY}${m.subPath ? subPathKey(volume, m.subPath) : volume}`]);
  return undefined;
}

const IMAGE_VOLUME = "imagevolume/";

/** The key of an image volume's tree in a container's layout (kept in its sandbox). */
function imageVolumeKey(name: string): string {
  return `${IMAGE_VOLUME}${name}`;
}

/**
 * The hostPath plugin's checkType over the node's filesystem: DirectoryOrCreate makes a missing
 * directory (MkdirAll), FileOrCreate a missing file (an open with O_CREATE, so its directory must
 * exist); Directory and File must find one, Socket and CharDevice one of the node's special files
 * of that kind; BlockDevice finds none (the node has no block devices).
 */
function checkHostPaths(root: FsTree, paths: ReadonlyArray<{ volume: string; path: string; pathType: string }>): { root: FsTree; failures: Array<{ volume: string; message: string }> } {
  const failures: Array<{ volume: string; message: string }> = [];
  let next = root;
  const entry = (at: string) => (at === "/" ? next : (next.getIn(splitPath(at)) as FsTree | string | undefined));
  for (const { volume, path, pathType } of paths.slice(0, maxReadFiles)) {
    const at = resolvePath("/", path);
    const found = entry(at);
    const fail = (message: string) => failures.push({ volume, message });
    if (pathType === "DirectoryOrCreate" && found === undefined) next = withSubdirectory(next, at);
    else if (pathType === "DirectoryOrCreate" || pathType === "Directory") {
      if (found === undefined || typeof found === "string") fail(`hostPath type check failed: ${path} is not a directory`);
    } else if (pathType === "FileOrCreate" && found === undefined) {
      const parent = entry(resolvePath(at, ".."));
      if (parent === undefined || typeof parent === "string") fail(`open ${path}: ${parent === undefined ? "no such file or directory" : "not a directory"}`);
      else next = next.setIn(splitPath(at), "");
    } else if (pathType === "FileOrCreate" || pathType === "File") {
      if (typeof found !== "string" || nodeSpecialFiles.has(at)) fail(`hostPath type check failed: ${path} is not a file`);
    } else if (pathType === "Socket") {
      if (typeof found !== "string" || nodeSpecialFiles.get(at) !== "Socket") fail(`hostPath type check failed: ${path} is not a socket file`);
    } else if (pathType === "CharDevice") {
      if (typeof found !== "string" || nodeSpecialFiles.get(at) !== "CharDevice") fail(`hostPath type check failed: ${path} is not a character device`);
    } else if (pathType === "BlockDevice") fail(`hostPath type check failed: ${path} is not a block device`);
  }
  return { root: next, failures };
}

/** Bounds a ReadVolumeFiles: a pod's env names its files, and the API server bounds a pod's size. */
const maxReadFiles = 1024;

/**
 * The files of a pod's volumes as the kubelet finds them on the node: an emptyDir's tree here, a
 * host directory's (hostPath, a PersistentVolume's) in the node's tree. The path is taken inside
 * the volume (SecureJoin: ".." stops at its root). The content is shared, never copied.
 */
function readVolumeFiles(ctx: CriContext, sandboxId: string, files: ReadonlyArray<{ volume: string; path: string }>): EnvFileRead[] {
  const sb = ctx.sandboxes.get(sandboxId);
  return files.slice(0, maxReadFiles).map(({ volume, path }) => {
    const host = sb?.hostMounts && Object.hasOwn(sb.hostMounts, volume) ? sb.hostMounts[volume]! : undefined;
    const at = host ? nodeEntry(ctx, resolvePath("/", host.path)) : undefined;
    const tree = host ? (at !== undefined && typeof at !== "string" ? at : emptyTree) : sb?.volumes.get(volume);
    if (tree === undefined) return { volume, path, error: "noVolume" as const };
    const got = new MemFS(cell(tree)).read(resolvePath("/", path));
    return typeof got === "string" ? { volume, path, content: got } : { volume, path, error: "unreadable" as const };
  });
}

/**
 * The container's mounts as its /proc/mounts lists them: each volume mount (a tmpfs volume sized
 * as the kubelet sizes memory-backed volumes: the container's memory limit, else the node's RAM)
 * and the kubelet's files, bound from the node's disk.
 */
function mountsOf(ctx: CriContext, sb: Sandbox, req: Extract<CriRequest, { type: "CreateContainer" }>, layout: readonly (readonly [string, string])[]): ContainerMount[] {
  const memKiB = Math.floor((req.memoryLimitBytes ?? (ctx.machine ?? nodeMachine(undefined)).memoryBytes) / 1024);
  const out: ContainerMount[] = [];
  for (const m of req.container.volumeMounts ?? []) {
    const path = resolvePath("/", m.mountPath);
    const laid = layout.find(([at]) => at === m.mountPath);
    const readOnly = m.readOnly === true || (laid !== undefined && laid[1].startsWith(READ_ONLY)) || (sb.hostMounts && Object.hasOwn(sb.hostMounts, m.name) ? sb.hostMounts[m.name]!.readOnly : false);
    const tree = sb.volumes.get(m.name);
    out.push(tree !== undefined && isTmpfs(tree) ? { path, backing: "tmpfs", readOnly, sizeKiB: memKiB } : { path, backing: "disk", readOnly });
  }
  for (const f of Object.keys(req.files ?? {})) out.push({ path: resolvePath("/", f), backing: "disk", readOnly: false });
  // containerd's sandbox /dev/shm: a 64 MiB tmpfs
  out.push({ path: "/dev/shm", backing: "tmpfs", readOnly: false, sizeKiB: 65536 });
  return out;
}

/** The /proc files the kernel makes for a container. */
type ProcTexts = { mounts: string; status: string; userns: { idMap: string; link: string }; sys: [string, string][] };

/** /proc/mounts, /proc/1/status and the user namespace's files as the kernel answers them for c. */
function procTexts(ctx: CriContext, c: CriContainer, p: ProcInputs): ProcTexts {
  const sc = c.spec.securityContext;
  const argv = [...(c.spec.command ?? c.image.entrypoint), ...(c.spec.args ?? (c.spec.command ? [] : c.image.cmd))];
  const argv0 = argv[0] ?? "";
  const sb = ctx.sandboxes.get(c.sandboxId);
  return {
    mounts: procMounts({ snapshot: p.snapshot, readOnlyRoot: sc?.readOnlyRootFilesystem === true, privileged: sc?.privileged === true, mounts: p.mounts }),
    status: procStatus({ name: argv0.slice(argv0.lastIndexOf("/") + 1), uid: c.user.uid, gid: c.user.gid, groups: c.user.groups, securityContext: sc, seccomp: p.seccomp, cpus: (ctx.machine ?? nodeMachine(undefined)).cpus }),
    userns: procUserNamespace(sb?.userNs),
    sys: procSysFiles(sandboxSysctls(sb?.sysctls ?? {}, { hostNetwork: sb?.hostNetwork === true, userNamespace: sb?.userNs !== undefined })),
  };
}

/** The root with /proc/mounts (and /proc/self/mounts, the same for every process of the container), /proc/1/mounts and /proc/1/status in it. */
function withProcFiles(rootfs: FsTree, t: ProcTexts): FsTree {
  const root = new MemFS(cell(rootfs));
  root.mkdir("/proc/1", true);
  root.mkdir("/proc/self", true);
  root.write("/proc/mounts", t.mounts);
  root.write("/proc/self/mounts", t.mounts);
  root.write("/proc/1/mounts", t.mounts);
  root.write("/proc/1/status", t.status);
  for (const pid of ["1", "self"]) {
    root.write(`/proc/${pid}/uid_map`, t.userns.idMap);
    root.write(`/proc/${pid}/gid_map`, t.userns.idMap);
    root.mkdir(`/proc/${pid}/ns`, true);
    root.symlink(t.userns.link, `/proc/${pid}/ns/user`);
  }
  for (const [name, text] of t.sys) {
    root.mkdir(`/proc/sys/${name.slice(0, name.lastIndexOf("/"))}`, true);
    root.write(`/proc/sys/${name}`, text);
  }
  return root.tree;
}

// The /proc a container's processes see, made from its ProcInputs and the root's own /proc, for
// the containers read lately: the files are not kept per container (no one may ever read them).
const procViews = new Map<ProcInputs, { readonly base: unknown; readonly made: FsTree }>();
const maxProcViews = 256;

/** c's /proc as its processes see it: the root's own /proc with the files the kernel makes. */
function procView(ctx: CriContext, c: CriContainer, p: ProcInputs): FsTree {
  const base = c.rootfs.get("proc");
  const hit = procViews.get(p);
  if (hit !== undefined && hit.base === base) return hit.made;
  const made = withProcFiles(c.rootfs, procTexts(ctx, c, p)).get("proc") as FsTree;
  if (procViews.size >= maxProcViews) procViews.clear();
  procViews.set(p, { base, made });
  return made;
}

/**
 * c's root as its processes see it (/proc's files in it). first: a path under that entry only is
 * read, so a path outside /proc gets the kept root as it is (the files are made when /proc is
 * walked, not for every container whose entrypoint reads /etc).
 */
function rootView(ctx: CriContext, c: CriContainer, first?: string): FsTree {
  return c.procfs === undefined || (first !== undefined && first !== "proc") ? c.rootfs : c.rootfs.set("proc", procView(ctx, c, c.procfs));
}

/**
 * Keeps a root a process wrote: the files procView made are left out again when /proc is as it
 * made it (or as it is kept: a change outside /proc made on the kept root); a /proc a process
 * changed is kept whole from then on (and nothing made again).
 */
function keepRoot(ctx: CriContext, c: CriContainer, tree: FsTree): void {
  if (c.procfs !== undefined) {
    const base = c.rootfs.get("proc");
    const proc = tree.get("proc");
    if (proc !== base) {
      if (proc === procView(ctx, c, c.procfs)) tree = tree.set("proc", base!);
      else delete c.procfs;
    }
  }
  c.rootfs = tree;
}

/** The kubelet's host files, bind-mounted at their paths (the directories above them are made). */
function mountHostFiles(root: MemFS, files: Record<string, string> | undefined): void {
  for (const [path, content] of Object.entries(files ?? {})) {
    const at = resolvePath("/", path);
    root.mkdir(resolvePath(at, ".."), true);
    root.write(at, content);
  }
}

/** The tree with the directory at `subPath` made (mkdir -p), as makeMounts provisions a subPath. */
function withSubdirectory(tree: FsTree, subPath: string, mode?: number): FsTree {
  const fs = new MemFS(cell(tree));
  fs.mkdir(resolvePath("/", subPath), true);
  if (mode !== undefined) fs.chmod(resolvePath("/", subPath), mode);
  return fs.tree;
}

/** The key of an emptyDir volume's tree in a container's layout (kept in its sandbox). */
function volumeKey(name: string): string {
  return `volume/${name}`;
}

// Log lines repeat across the containers of an image (the entrypoint's and server's startup lines,
// stamped to the second): one string per distinct line, not a copy (and its source chunk) per
// container. Strings are values: the line read back is equal either way; the table is bounded.
const internedLines = new Map<string, string>();
const maxInternedLines = 8192;

/** The one kept string equal to `line`. */
export function internLine(line: string): string {
  const hit = internedLines.get(line);
  if (hit !== undefined) return hit;
  if (internedLines.size >= maxInternedLines) internedLines.clear();
  internedLines.set(line, line);
  return line;
}

/**
 * What a container's process sees in this step: the time, its log, its trees (the root, the
 * projected volume, the sandbox's emptyDirs). Holds the draft: only for calls within the step.
 */
export function worldOf(ctx: CriContext, c: CriContainer): World {
  return {
    now: ctx.now,
    log: (stream, line) => {
      c.logs = c.logs.push(ctx.now, stream, internLine(line), maxLogLines);
    },
    tree: (key, first) => {
      if (key === "") return rootView(ctx, c, first);
      if (key === HOST_ROOT) return withNodeLogs(ctx, nodeRoot(ctx));
      if (key.startsWith(IMAGE_VOLUME)) return ctx.sandboxes.get(c.sandboxId)?.imageVolumes?.get(key.slice(IMAGE_VOLUME.length)) ?? emptyTree;
      return ctx.sandboxes.get(c.sandboxId)?.volumes.get(key.slice("volume/".length)) ?? emptyTree;
    },
    setTree: (key, tree) => {
      if (key === "") keepRoot(ctx, c, tree);
      else if (key === HOST_ROOT) ctx.hostRoot = withoutNodeLogs(tree);
      // an image volume is mounted read-only: nothing writes it
      else if (key.startsWith(IMAGE_VOLUME)) return;
      else ctx.sandboxes.get(c.sandboxId)?.volumes.set(key.slice("volume/".length), tree);
    },
    proc: (pid) => procEntry(ctx, c, pid),
  };
}

/** /proc/<pid> of c's namespace: the process's command line and its root (the filesystem of its container). */
function procEntry(ctx: CriContext, c: CriContainer, pid: number): ProcEntry | undefined {
  const ns = pidNamespaceOf(ctx, c);
  const t = findPid(ctx, ns, pid, sessionRows(ctx));
  if (t === undefined) return undefined;
  if (t.kind === "pause") return { cmdline: ["/pause"] };
  const m = t.container;
  const row = processTable(ctx, ns, mainArgvOfContainer, sessionRows(ctx)).find((r) => r.pid === pid);
  return { cmdline: row?.argv ?? [], root: () => fsOf(m.layout, () => worldOf(ctx, m)) };
}

/** A container's main process's command line (procs.ts mainArgvOf over its argv). */
export function mainArgvOfContainer(c: CriContainer): readonly string[] {
  return mainArgvOf(effectiveArgv(c.image, c.spec.command, c.spec.args));
}

/**
 * What sysinfo(2) and sched_getaffinity(2) answer any process of the node: its CPUs, its RAM, and
 * the RAM in use, as the kubelet's Summary API counts the node's (its daemons and every running
 * container's working set); no page cache or buffers are modelled, so the rest is free.
 */
export function sysinfoAnswer(ctx: CriContext): SysinfoResult {
  const machine = ctx.machine ?? nodeMachine(undefined);
  let used = systemMemoryBytes;
  for (const c of ctx.containers.values()) if (isRunning(c)) used += baselineMemoryBytes(c.image.kind) + c.memoryBytes;
  let disk = 0;
  for (const image of ctx.images.values()) disk += currentOf(image).sizeBytes;
  return { type: "sysinfo", cpus: machine.cpus, memTotalBytes: machine.memoryBytes, memUsedBytes: Math.min(used, machine.memoryBytes), diskBytes: machine.diskBytes ?? nodeMachine(undefined).diskBytes, diskUsedBytes: Math.min(disk, machine.diskBytes ?? nodeMachine(undefined).diskBytes) };
}

/** What ps reads in c's namespace: every process there, the caller (self) included. */
export function psAnswer(ctx: CriContext, c: CriContainer, self: { pid: number; argv: readonly string[] }, pipeline?: { readonly argvs: readonly (readonly string[])[]; readonly index: number }): PsResult {
  const ns = pidNamespaceOf(ctx, c);
  // a pipeline's commands were forked one after another, ps among them: each has its pid
  // (the first the pid the caller took, the next ones after it)
  const pids = pipeline === undefined ? [self.pid] : pipeline.argvs.map((_, i) => (i === 0 ? self.pid : takePid(ns)));
  const at = pipeline?.index ?? 0;
  const forked = pipeline === undefined ? [] : pipeline.argvs.flatMap((argv, i) => (i === at ? [] : [{ containerId: c.id, pid: pids[i]!, argv }]));
  const extra = [...sessionRows(ctx).filter((r) => r.pid !== pids[at] || r.containerId !== c.id), { containerId: c.id, pid: pids[at]!, argv: self.argv }, ...forked];
  const rows: ProcRow[] = processTable(ctx, ns, mainArgvOfContainer, extra);
  return { type: "ps", rows, self: pids[at]! };
}

/** A process forked in c's namespace (a command a shell runs): the namespace's next pid. */
export function forkPid(ctx: CriContext, c: CriContainer): number {
  return takePid(pidNamespaceOf(ctx, c));
}

/**
 * kill(2) of a pid from a process of c (running as `sender`): the process it finds in c's
 * namespace, EPERM for another user's when the sender lacks CAP_KILL, and what the signal does: an
 * nginx master reloads on HUP (new workers) and forks a worker again when one dies; a main
 * process that ends makes its container exit (exit, for the caller to carry out).
 */
export function signalPid(ctx: CriContext, c: CriContainer, sender: ProcessUser, pid: number, signal: number): { result: SignalResult; target?: CriContainer; exit?: number; session?: { id: string; code: number } } {
  const ns = pidNamespaceOf(ctx, c);
  const t = findPid(ctx, ns, pid, sessionRows(ctx));
  if (t === undefined) return { result: { type: "signal", matched: false } };
  // kill_ok_by_cred: another user's process takes a signal only from a sender with CAP_KILL
  if (!capable(sender, "CAP_KILL") && uidOf(t, ns.kind === "pod" ? ns.sandbox : undefined) !== sender.uid) return { result: { type: "signal", matched: true, denied: true } };
  const matched: SignalResult = { type: "signal", matched: true };
  if (signal === 0) return { result: matched };
  if (t.kind === "worker") {
    nginxRespawn(t.container, ns, signal, t.pid);
    return { result: matched };
  }
  if (t.kind === "session") {
    const code = sessionExitOnSignal(ctx, t.session, signal);
    return { result: matched, ...(code !== undefined ? { session: { id: t.session, code } } : {}) };
  }
  if (t.kind !== "main") return { result: matched };
  const m = t.container;
  if (signal === 1) nginxRespawn(m, ns, 1);
  const code = exitOnSignal(m, signal);
  return { result: matched, target: m, ...(code !== undefined ? { exit: code } : {}) };
}

/**
 * An exec'd process's end at a signal: KILL always (137); an interactive shell waiting at its
 * prompt ignores INT, QUIT and TERM (ash and dash do) and ends at HUP; a command takes the
 * default action of HUP, INT, QUIT, TERM, USR1, USR2 (128 + the signal).
 */
function sessionExitOnSignal(ctx: CriContext, session: string, signal: number): number | undefined {
  const s = ctx.streams.get(session);
  if (s === undefined || s.kind !== "exec") return undefined;
  if (signal === 9) return 137;
  if (s.shell !== undefined && !s.running) return signal === 1 ? 129 : undefined;
  return [1, 2, 3, 10, 12, 15].includes(signal) ? 128 + signal : undefined;
}

/** Ends an exec'd process a signal killed: its caller gets the exit code, and the session holds no process (nor shell) any more. */
export function endSession(ctx: CriContext, id: string, code: number, fx: Fx): void {
  const s = ctx.streams.get(id);
  if (s === undefined || s.kind !== "exec" || (s.proc === undefined && s.shell === undefined)) return;
  const { proc: _killed, shell: _gone, ...ended } = s;
  ctx.streams.set(id, { ...ended, running: false, killed: true });
  fx.cancel(`stream/${id}`);
  fx.cancel(`stream/${id}/net`);
  for (const [w, wait] of ctx.waits) if (wait.session === id) ctx.waits.delete(w);
  fx.send(s.owner, { type: "ExecOutput", session: id, stdout: "", stderr: "", exitCode: code });
}

/**
 * A main process that is not its namespace's init (a shared namespace's) dies at KILL (137) and
 * takes a signal's default action where it has no handler: HUP, INT, QUIT, TERM, USR1, USR2 end it
 * (128 + the signal).
 */
function exitOnSignalNotInit(c: CriContainer, signal: number): number | undefined {
  if (signal === 9) return 137;
  const code = handledStop(c, signal);
  if (code !== undefined || handlesSigterm(c)) return code;
  return [1, 2, 3, 10, 12, 15].includes(signal) ? 128 + signal : undefined;
}

function startContainerReq(ctx: CriContext, id: number, containerId: string, from: string, fx: Fx): void {
  const c = ctx.containers.get(containerId);
  // read as the step found it (nothing changed it yet): its parts without a draft's proxy each
  const found = c && currentOf(c);
  if (!c || !found || containerState(found) !== "CONTAINER_CREATED") {
    fx.send(from, { type: "StartContainerResult", id, containerId, ok: false, message: `container "${containerId}" is not in created state` });
    return;
  }
  const spec = found.spec;
  const ports = (spec.ports ?? []).map((p) => p.containerPort);
  const proc = startProcess({ image: found.image, command: spec.command, args: spec.args, env: found.env, ports, startedAt: ctx.now, layout: found.layout, user: found.user, home: found.home, ...(spec.stdin ? { terminal: true } : {}) });
  if (proc.startError) {
    // runc could not exec the entrypoint: the container never ran (exit 128, StartError).
    fx.send(from, { type: "StartContainerResult", id, containerId, ok: false, message: proc.startError });
    stepContainer(ctx, c, { type: "StartFailed", now: ctx.now, message: proc.startError }, fx);
    return;
  }
  c.proc = proc;
  assignPids(ctx, c, mainProcessName(found), /^docker-entrypoint(\.sh)?$/.test(baseNameOf(effectiveArgv(found.image, spec.command, spec.args)[0])));
  stepContainer(ctx, c, { type: "Started", now: ctx.now }, fx);
  // The start is answered before the process runs, so a container that exits at once is seen started first.
  fx.send(from, { type: "StartContainerResult", id, containerId, ok: true, startedAt: ctx.now });
  drive(ctx, c, undefined, fx);
  // the hook runs once the process has had its first turn (it may talk to what the process serves)
  if (runPostStart(ctx, c, from, fx) === "failed") fx.send(from, { type: "PostStartHookFailed", containerId });
}

/**
 * The postStart hook's exec, run as the container starts (the kubelet runs it right after
 * StartContainer, through the runtime's ExecSync): what it writes is in the container's
 * filesystem before anyone can exec into it. A non-zero exit fails it (the kubelet then kills
 * the container: FailedPostStartHook).
 */
function runPostStart(ctx: CriContext, c: CriContainer, kubelet: string, fx: Fx): "none" | "ok" | "failed" | "sent" {
  const hook = c.spec.lifecycle?.postStart;
  if (!isRunning(c)) return "none";
  if (hook?.httpGet) return startHookRequest(ctx, c, hook.httpGet, kubelet, "postStart", fx);
  const command = hook?.exec?.command;
  if (!command || command.length === 0) return "none";
  return runCommand(ctx, c, [...command], 30_000).code === 0 ? "ok" : "failed";
}

/**
 * An httpGet hook (handlers.go runHTTPHandler): a GET of host (the pod's IP when empty), the port
 * (a name resolved among the container's ports) and path, through the node's data plane. Only a
 * connection that fails fails it: any answer, whatever its status, is a success.
 */
function startHookRequest(ctx: CriContext, c: CriContainer, get: NonNullable<LifecycleHandler["httpGet"]>, kubelet: string, hookKind: "postStart" | "preStop", fx: Fx): "failed" | "sent" {
  const at = hookTarget(c, get);
  if (!at) return "failed";
  const { host, port, path } = at;
  const id = ++ctx.netSeq;
  ctx.waits.set(id, { containerId: c.id, kind: "connect", host, port, path, hook: kubelet, hookKind });
  fx.send("kube-proxy", { type: "Connect", id, node: ctx.node, dst: joinHostPort(canonicalIPv6(host), port), path, replyTo: `cri/${ctx.node}`, src: sourceAddress(c, host), headers: hookHeaders(get) } satisfies ConnectMsg);
  return "sent";
}

/** Where an httpGet hook goes: host (the pod's IP when empty), the port (a name resolved among the container's ports; none: the hook fails), the path ("/" when empty). */
function hookTarget(c: CriContainer, get: NonNullable<LifecycleHandler["httpGet"]>): { host: string; port: number; path: string } | undefined {
  const port = typeof get.port === "number" ? get.port : /^[0-9]+$/.test(get.port) ? Number(get.port) : (c.spec.ports ?? []).find((p) => p.name === get.port)?.containerPort;
  if (port === undefined) return undefined;
  return { host: get.host || c.podIP, port, path: get.path ? (get.path.startsWith("/") ? get.path : `/${get.path}`) : "/" };
}

/** The hook's request headers: kube-lifecycle's user agent, then the hook's own. */
function hookHeaders(get: NonNullable<LifecycleHandler["httpGet"]>): RequestHeaders {
  return [["user-agent", "kube-lifecycle/1.35"], ...(get.httpHeaders ?? []).map((h) => [h.name.toLowerCase(), h.value] as [string, string])];
}

/** An httpGet hook to a pod of this node, answered now ("ok" or "failed"); undefined when the host is elsewhere. */
function localHookAnswer(ctx: CriContext, c: CriContainer, get: NonNullable<LifecycleHandler["httpGet"]>): "ok" | "failed" | undefined {
  const at = hookTarget(c, get);
  if (!at) return "failed";
  const { host, port, path } = at;
  const sandboxId = sandboxHolding(ctx, host, port);
  if (sandboxId === undefined) return undefined;
  const r = httpTo(ctx, sandboxId, host, port, path, sourceAddress(c, host), true, hookHeaders(get));
  return r?.type === "http" && !("error" in r) ? "ok" : "failed";
}

/**
 * A hook request's answer: a failed postStart hook kills the running container through the
 * kubelet; a failed preStop hook is reported whether or not the container has stopped since.
 */
function hookAnswered(ctx: CriContext, id: number, failed: boolean, fx: Fx): boolean {
  const w = ctx.waits.get(id);
  if (w?.hook === undefined) return false;
  ctx.waits.delete(id);
  const c = ctx.containers.get(w.containerId);
  if (!failed || !c) return true;
  if (w.hookKind === "preStop") fx.send(w.hook, { type: "PreStopHookFailed", containerId: w.containerId });
  else if (isRunning(c)) fx.send(w.hook, { type: "PostStartHookFailed", containerId: w.containerId });
  return true;
}

/** Resumes a process after its sleep ended. */
export function wakeProcess(ctx: CriContext, containerId: string, fx: Fx, exitCode?: number): void {
  const c = ctx.containers.get(containerId);
  if (!c || !isRunning(c)) return;
  if (exitCode !== undefined) exitContainer(ctx, c, exitCode, exitCode === 0 ? "Completed" : "Error", fx);
  else drive(ctx, c, undefined, fx);
}

/** How a turn of a process ended: what the runtime does next for it. */
type TurnEnd =
  | { kind: "exit"; code: number; reason: ExitReason }
  | { kind: "blocked" }
  | { kind: "sleep"; ms: number }
  | OutwardEnd
  | { kind: "runaway" };

/** A process a signal ended: another container's main process (its container exits), or an exec'd one. */
export type SignalledEnd = { container: CriContainer; code: number } | { id: string; code: number };

/** Carries out the ends a turn's signals caused. */
export function carryOut(ctx: CriContext, ended: readonly SignalledEnd[], fx: Fx): void {
  for (const e of ended) {
    if ("container" in e) exitContainer(ctx, e.container, e.code, e.code === 0 ? "Completed" : "Error", fx);
    else endSession(ctx, e.id, e.code, fx);
  }
}

/** Runs a process until it sleeps, blocks or exits, answering its effects; then acts on how it stopped. */
function drive(ctx: CriContext, c: CriContainer, first: EffectResult, fx: Fx): void {
  const turn = openTurn(c.proc!, worldOf(ctx, c));
  let end: TurnEnd;
  // processes of its namespace it signalled to their end (other containers' main processes, execs)
  const ended: SignalledEnd[] = [];
  try {
    end = runTurn(ctx, c, turn.next, first, ended);
  } finally {
    c.proc = turn.close();
  }
  carryOut(ctx, ended, fx);
  if (c.traps !== undefined) c.traps = { ...c.traps, idle: end.kind === "sleep" || end.kind === "blocked" };
  switch (end.kind) {
    case "exit": return exitContainer(ctx, c, end.code, end.reason, fx);
    // blocked until killed: its generator is rebuilt from the value's history if it is needed again
    case "blocked": return park(c.proc!);
    // A running workload is steady state: its sleeps never keep settle() busy.
    case "sleep": return fx.after(`proc/${c.id}`, end.ms, { type: "ProcessWake", containerId: c.id }, true);
    case "dns": return startDns(ctx, c, "dns", end.name, 0, "/", fx, undefined, undefined, end.qtype);
    case "connect": return startConnect(ctx, c, end.ip, end.port, end.path, fx, undefined, end.headers, end.timeoutMs, end.tls);
    case "resolve": return startDns(ctx, c, "resolve", end.host, end.port, end.path, fx, undefined, end.headers, undefined, end.timeoutMs, end.tls);
    case "ping": return startPing(ctx, c, end.ip, end.timeoutMs, fx);
    case "runaway":
      worldOf(ctx, c).log("stderr", `podflow: process exceeded ${maxEffectsPerTurn} effects without sleeping`);
      return exitContainer(ctx, c, 2, "Error", fx);
  }
}

/** The effects of one turn, answered: local ones at once, the others end the turn. */
function runTurn(ctx: CriContext, c: CriContainer, next: (input: EffectResult) => IteratorResult<Effect, number>, first: EffectResult, ended: SignalledEnd[]): TurnEnd {
  let input = first;
  for (let i = 0; i < maxEffectsPerTurn; i++) {
    const r = next(input);
    // the mutant reports every exit, failed ones too, as Completed
    if (r.done) return { kind: "exit", code: r.value, reason: r.value === 0 || mutant("cri.failed-exit-reason-completed") ? "Completed" : "Error" };
    input = undefined;
    const e = r.value;
    // input no writer will ever fill (outside a pipeline that runs its commands side by side) blocks as wait does
    if (e.type === "wait" || e.type === "input") return { kind: "blocked" };
    if (e.type === "sleep") {
      if (e.ms <= 0) continue;
      return { kind: "sleep", ms: e.ms };
    }
    if (e.type === "allocate") {
      c.memoryBytes += e.bytes;
      if (c.memoryLimitBytes !== undefined && c.memoryBytes > c.memoryLimitBytes) return { kind: "exit", code: 137, reason: "OOMKilled" };
      continue;
    }
    if (e.type === "trap") {
      c.traps = { signals: e.signals, idle: false };
      continue;
    }
    if (e.type === "burn") {
      c.cpu = { ...accrue(c.cpu, ctx.now, cpuLimitMilli(c)), demandMilli: c.cpu.demandMilli + Math.round(e.cores * 1000) };
      continue;
    }
    // The main process signalling processes by name: none other runs beside it here. It is pid 1
    // itself: a signal it sends itself is taken, and ignored as PID 1 ignores one it has no handler for.
    if (e.type === "signal") {
      if (e.pid === undefined) {
        input = { type: "signal", matched: false };
        continue;
      }
      const r = signalPid(ctx, c, c.user, e.pid, e.signal);
      input = r.result;
      // its own signal it ignores, as its namespace's init does one it has no handler for
      if (r.target !== undefined && r.target !== c && r.exit !== undefined) ended.push({ container: r.target, code: r.exit });
      if (r.session !== undefined) ended.push(r.session);
      continue;
    }
    // a background job's process, named by $!: the namespace's next pid
    if (e.type === "fork") {
      input = { type: "fork", pid: forkPid(ctx, c) };
      continue;
    }
    // ps forks: its own pid is the namespace's next
    if (e.type === "ps") {
      input = psAnswer(ctx, c, { pid: forkPid(ctx, c), argv: e.args }, e.pipeline);
      continue;
    }
    if (e.type === "sysinfo") {
      input = sysinfoAnswer(ctx);
      continue;
    }
    const out = reachOut(ctx, c, e);
    if (out === undefined) continue;
    if ("answer" in out) input = out.answer;
    else return out;
  }
  return { kind: "runaway" };
}

/** Where a process's network effect goes: out of its pod (DNS, an echo request, a connection) or answered inside it. */
export type OutwardEnd = { kind: "dns"; name: string; qtype?: "SRV" | "PTR" } | NetRoute | { kind: "ping"; ip: string; timeoutMs: number };

/**
 * A process's dns, ping and http effects, as both its main process and its execs take them: an
 * answer from inside the pod, or how its turn ends waiting on the network; undefined for other effects.
 */
export function reachOut(ctx: CriContext, c: CriContainer, e: Effect): { answer: EffectResult } | OutwardEnd | undefined {
  if (e.type === "dns") return { kind: "dns", name: e.name, ...(e.qtype ? { qtype: e.qtype } : {}) };
  if (e.type === "ping") {
    const local = pingLocal(c, e.ip);
    return local !== undefined ? { answer: local } : { kind: "ping", ip: e.ip, timeoutMs: e.timeoutMs };
  }
  if (e.type === "http") return httpRoute(ctx, c, e.url, e.headers, e.timeoutMs, e.tls);
  return undefined;
}

/** Host, port and path of a URL as wget and curl take it (scheme optional), or undefined. */
export function splitUrl(url: string): { host: string; port: number; path: string; https?: true } | undefined {
  // a host is a name, a dotted address or a bracketed IPv6 one ("[fd00:10:96::1]", its brackets dropped)
  const m = /^(?:(https?):\/\/)?(?:\[([0-9A-Fa-f:.]+)\]|([^/:]+))(?::(\d+))?(\/.*)?$/.exec(url);
  if (!m) return undefined;
  const https = m[1] === "https";
  // an https URL without a port is port 443
  return { host: m[2] ?? m[3]!, port: Number(m[4] ?? (https ? 443 : 80)), path: m[5] ?? "/", ...(https ? { https: true as const } : {}) };
}

/** True for a dotted-quad address (no lookup needed). */
export function isIPv4(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host);
}

/** A connection leaving the pod: to an address at once, or to a name resolved first. */
export type NetRoute = ({ kind: "connect"; ip: string; port: number; path: string } | { kind: "resolve"; host: string; port: number; path: string }) & { headers?: RequestHeaders; timeoutMs?: number; tls?: ConnectTls };

/** Where a process's HTTP request goes: answered inside its pod, or out of it (httpFrom, splitUrl). */
export function httpRoute(ctx: CriContext, c: CriContainer, url: string, clientHeaders?: RequestHeaders, timeoutMs?: number, tlsOptions?: TlsOptions): { answer: EffectResult } | NetRoute {
  const local = httpFrom(ctx, c, url, clientHeaders);
  if (local !== "remote") return { answer: local };
  const u = splitUrl(url)!;
  const headers = requestHeaders(u, clientHeaders);
  // https: the name the client verifies the server's certificate for, and what it trusts (a client
  // given no TLS options, busybox's wget, verifies nothing)
  const tls: ConnectTls | undefined = u.https ? { serverName: u.host, ...(tlsOptions ?? { insecure: true }) } : undefined;
  const h = { ...(headers ? { headers } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(tls ? { tls } : {}) };
  return isIPv4(u.host) || isIPv6Address(u.host) ? { kind: "connect", ip: u.host, port: u.port, path: u.path, ...h } : { kind: "resolve", host: u.host, port: u.port, path: u.path, ...h };
}

/** The headers a client sends: Host as the URL names the server (its port unless 80), then the client's own. */
function requestHeaders(u: { host: string; port: number; https?: true }, clientHeaders: RequestHeaders | undefined): RequestHeaders | undefined {
  return clientHeaders ? [["host", u.port === (u.https ? 443 : 80) ? u.host : `${u.host}:${u.port}`], ...clientHeaders] : undefined;
}

/** A process's HTTP request answered inside its pod (localhost, the pod IP), or "remote" when it must leave the pod. */
function httpFrom(ctx: CriContext, c: CriContainer, url: string, clientHeaders?: RequestHeaders): EffectResult | "remote" {
  const u = splitUrl(url);
  if (!u) return { type: "http", error: "bad address" };
  const own = u.host === c.podIP || (c.podIPs?.includes(u.host) ?? false);
  if (u.host !== "localhost" && u.host !== "127.0.0.1" && u.host !== "::1" && !own) return "remote";
  // to itself over loopback a process's address is loopback's; to its pod IP, that IP
  return httpTo(ctx, c.sandboxId, u.host, u.port, u.path, own ? u.host : u.host === "::1" ? "::1" : "127.0.0.1", false, requestHeaders(u, clientHeaders));
}

/** A GET to a listener in a sandbox, as the http effect's answer. */
export function httpTo(ctx: CriContext, sandboxId: string, host: string, port: number, path: string, remoteAddr?: string, charged = false, headers?: RequestHeaders, method?: string): EffectResult {
  const l = listenerIn(ctx, sandboxId, port);
  // localhost is loopback's address in /etc/hosts
  const peer = joinHostPort(host === "localhost" ? "127.0.0.1" : host, port);
  // busybox names a refused address without its port (xmalloc_sockaddr2dotted_noport)
  if (!l) return { type: "http", error: "connection refused", address: host === "localhost" ? "127.0.0.1" : host, peer };
  const agent = headers?.find(([k]) => k === "user-agent")?.[1];
  const res = l({ kind: "http", path, now: ctx.now, ...(remoteAddr ? { remoteAddr } : {}), ...(agent !== undefined ? { userAgent: agent } : {}), ...(headers ? { headers } : {}), ...(method !== undefined && method !== "GET" ? { method } : {}) });
  // A served request's work is charged to the container listening (probes and exec'd wgets are not modelled as work).
  if (charged && typeof res !== "boolean" && res.cpuNanos) {
    const owner = listenerOwner(ctx, sandboxId, port);
    if (owner) owner.cpu = charge(owner.cpu, ctx.now, cpuLimitMilli(owner), res.cpuNanos);
  }
  return typeof res === "boolean" ? { type: "http", status: res ? 200 : 503, peer } : { type: "http", status: res.status, ...(res.body !== undefined ? { body: res.body } : {}), peer };
}

// ---- data plane ----------------------------------------------------------------------

/**
 * Suspends the process on a DNS query, as its resolver makes it from the container's
 * /etc/resolv.conf: to cluster DNS with that search list and ndots. A resolver pointed elsewhere
 * (dnsPolicy Default, the node's resolver) knows no cluster names: the answer is NXDOMAIN.
 */
export function startDns(ctx: CriContext, c: CriContainer, kind: "dns" | "resolve", host: string, port: number, path: string, fx: Fx, session?: string, headers?: RequestHeaders, qtype?: "SRV" | "PTR", timeoutMs?: number, tls?: ConnectTls): void {
  const id = ++ctx.netSeq;
  const namespace = ctx.sandboxes.get(c.sandboxId)?.podNamespace ?? "default";
  const file = new MemFS(cell(c.rootfs)).read("/etc/resolv.conf");
  const conf = typeof file === "string" ? parseResolvConf(file) : undefined;
  const elsewhere = conf !== undefined && !conf.servers.includes(ctx.clusterDNS ?? clusterDNS);
  ctx.waits.set(id, { containerId: c.id, kind, host, port, path, ...(elsewhere ? { server: conf.servers[0] ?? "" } : {}), ...(session !== undefined ? { session } : {}), ...(headers ? { headers } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(tls ? { tls } : {}) });
  if (elsewhere) fx.send(`cri/${ctx.node}`, { type: "DnsAnswer", id, addresses: [] });
  else {
    const query: DnsQuery = { type: "DnsQuery", id, name: host, namespace, ...(conf ? { searches: conf.searches, ndots: conf.ndots } : {}), ...(qtype ? { qtype } : {}) };
    // with a policy agent the query is a packet its filter sees first (kindnet: after kube-proxy's DNAT)
    if (ctx.policyAgent === undefined) fx.send("coredns", query);
    else fx.send(ctx.policyAgent, { type: "FilterDns", next: "coredns", src: c.podIP, query: { ...query, replyTo: `cri/${ctx.node}` } });
  }
  armNetTimer(c, id, fx, session);
}

/** Suspends the process on a connection leaving the pod, through the node's kube-proxy. */
export function startConnect(ctx: CriContext, c: CriContainer, ip: string, port: number, path: string, fx: Fx, session?: string, headers?: RequestHeaders, timeoutMs?: number, tls?: ConnectTls): void {
  const id = ++ctx.netSeq;
  ctx.waits.set(id, { containerId: c.id, kind: "connect", host: ip, port, path, ...(session !== undefined ? { session } : {}) });
  const msg: ConnectMsg = { type: "Connect", id, node: ctx.node, dst: joinHostPort(canonicalIPv6(ip), port), path, replyTo: `cri/${ctx.node}`, src: sourceAddress(c, ip), ...(headers ? { headers } : {}), ...(tls ? { tls } : {}) };
  fx.send("kube-proxy", msg);
  armNetTimer(c, id, fx, session, timeoutMs);
}

/** The pod's address a connection leaves from: the one of the destination's family (a dual-stack pod has both). */
function sourceAddress(c: CriContainer, dst: string): string {
  if (c.podIPs === undefined || !isIPv6Address(dst)) return c.podIP;
  return c.podIPs.find(isIPv6Address) ?? c.podIP;
}

/**
 * An echo request that never leaves the pod: to its own address or the loopback network, answered
 * by its own kernel (no router on the way: the TTL it was sent with, 64); undefined: it leaves.
 */
export function pingLocal(c: CriContainer, ip: string): PingResult | undefined {
  return ip === c.podIP || (c.podIPs?.includes(ip) ?? false) || ip.startsWith("127.") || ip === "::1" ? { type: "ping", reply: true, ttl: 64 } : undefined;
}

/** Suspends the process on an echo request leaving the pod, through the node's data plane. */
export function startPing(ctx: CriContext, c: CriContainer, ip: string, timeoutMs: number, fx: Fx, session?: string): void {
  const id = ++ctx.netSeq;
  ctx.waits.set(id, { containerId: c.id, kind: "connect", host: ip, port: 0, path: "", icmp: true, ...(session !== undefined ? { session } : {}) });
  const msg: ConnectMsg = { type: "Connect", id, node: ctx.node, dst: joinHostPort(canonicalIPv6(ip), 0), path: "", replyTo: `cri/${ctx.node}`, src: sourceAddress(c, ip), icmp: true };
  fx.send("kube-proxy", msg);
  armNetTimer(c, id, fx, session, timeoutMs);
}

/**
 * The TTL an echo reply arrives with: 64 from the replying kernel, less one for each router that
 * forwards it (kindnet's ptp routes: a pod's node forwards what leaves or enters its pods).
 */
function echoTtl(origin: string, from: { node: string; pod: boolean }): number {
  return 64 - (from.pod ? 1 : 0) - (from.node !== origin ? 1 : 0);
}

/** The timer of a wait: the container's own process's, or an exec session's (they wait side by side). */
function netTimerKey(containerId: string, session: string | undefined): string {
  return session === undefined ? `net/${containerId}` : `stream/${session}/net`;
}

// A process waiting on the network is steady state, like a sleep: the timeout never keeps settle() busy.
function armNetTimer(c: CriContainer, id: number, fx: Fx, session?: string, timeoutMs = netTimeoutMs): void {
  fx.after(netTimerKey(c.id, session), timeoutMs, { type: "NetTimeout", id }, true);
}

/** Resumes whoever waited: the container's own process, or the exec'd one of a session. */
function resume(ctx: CriContext, w: NetWait, c: CriContainer, answer: EffectResult, fx: Fx, resumeExec: ExecResume | undefined): void {
  if (w.session === undefined) return drive(ctx, c, answer, fx);
  resumeExec?.(ctx, w.session, answer, fx);
}

/** Takes a wait off the books; the container when it still runs to be resumed. */
function settleWait(ctx: CriContext, id: number, fx: Fx): { w: NetWait; c: CriContainer } | undefined {
  const w = ctx.waits.get(id);
  if (!w) return undefined;
  ctx.waits.delete(id);
  fx.cancel(netTimerKey(w.containerId, w.session));
  const c = ctx.containers.get(w.containerId);
  return c && isRunning(c) ? { w, c } : undefined;
}

/** CoreDNS answered: resume nslookup, or go on to connect to the first address. */
export function dnsAnswered(ctx: CriContext, msg: DnsAnswerMsg, fx: Fx, resumeExec?: ExecResume): void {
  const s = settleWait(ctx, msg.id, fx);
  if (!s) return;
  const { w, c } = s;
  if (w.kind === "dns") {
    const answer = { type: "dns" as const, server: w.server ?? ctx.clusterDNS ?? clusterDNS, addresses: msg.addresses, ...(msg.addresses6 ? { addresses6: msg.addresses6 } : {}), ...(msg.fqdn ? { fqdn: msg.fqdn } : {}), ...(msg.cnames ? { cnames: msg.cnames } : {}), ...(msg.srv ? { srv: msg.srv } : {}), ...(msg.noData ? { noData: true as const } : {}), ...(msg.ptr ? { ptr: msg.ptr } : {}) };
    return resume(ctx, w, c, answer, fx, resumeExec);
  }
  // getaddrinfo's RFC 6724 order puts IPv4 before a ULA IPv6 address: an IPv6-only name connects over IPv6
  const ip = msg.addresses[0] ?? msg.addresses6?.[0];
  if (ip === undefined) return resume(ctx, w, c, { type: "http", error: "bad address" }, fx, resumeExec);
  startConnect(ctx, c, ip, w.port, w.path, fx, w.session, w.headers, w.timeoutMs, w.tls);
}

/** A network policy agent announced its filter: DNS queries pass through it from now on. */
export function notePolicyAgent(ctx: CriContext, from: string): void {
  ctx.policyAgent = from;
}

/** The far end answered a connection: resume the process with the response or the failure. */
export function connectAnswered(ctx: CriContext, msg: ConnectResult, fx: Fx, resumeExec?: ExecResume): void {
  if (hookAnswered(ctx, msg.id, msg.error !== undefined || msg.tlsError !== undefined, fx) || probeAnswered(ctx, msg.id, msg, fx)) return;
  const s = settleWait(ctx, msg.id, fx);
  if (!s) return;
  const { w, c } = s;
  if (w.icmp) return resume(ctx, w, c, msg.echoFrom ? { type: "ping", reply: true, ttl: echoTtl(ctx.node, msg.echoFrom) } : { type: "ping", reply: false }, fx, resumeExec);
  // busybox names the address it dialed without the port (xmalloc_sockaddr2dotted_noport).
  const peer = joinHostPort(w.host, w.port);
  const r: EffectResult = msg.tlsError !== undefined ? { type: "http", error: "tls", tlsError: msg.tlsError, peer } : msg.error ? { type: "http", error: msg.error, address: w.host, peer } : { type: "http", status: msg.status ?? 200, ...(msg.body !== undefined ? { body: msg.body } : {}), peer };
  resume(ctx, w, c, r, fx, resumeExec);
}

/** No answer within the resolver's (or connect's) timeout: DNS gives no addresses, a connection times out. */
export function netTimeout(ctx: CriContext, id: number, fx: Fx, resumeExec?: ExecResume): void {
  if (hookAnswered(ctx, id, true, fx) || probeAnswered(ctx, id, "timeout", fx)) return;
  const s = settleWait(ctx, id, fx);
  if (!s) return;
  const { w, c } = s;
  if (w.kind === "dns") return resume(ctx, w, c, { type: "dns", server: w.server ?? ctx.clusterDNS ?? clusterDNS, addresses: [], timedOut: true }, fx, resumeExec);
  if (w.icmp) return resume(ctx, w, c, { type: "ping", reply: false }, fx, resumeExec);
  resume(ctx, w, c, w.kind === "resolve" ? { type: "http", error: "bad address" } : { type: "http", error: "timeout", address: w.host, peer: joinHostPort(w.host, w.port) }, fx, resumeExec);
}

/**
 * A connection forwarded by kube-proxy to a pod on this node: the listener in the sandbox with that
 * IP answers. Host-network sandboxes share the node's IP, so the one listening on the port does.
 */
export function acceptConnection(ctx: CriContext, msg: ConnectMsg, fx: Fx): void {
  const [ip, portText] = splitHostPort(msg.dst);
  const port = Number(portText);
  const live = [...ctx.containers.values()].filter((c) => (c.podIP === ip || (c.podIPs?.includes(ip) ?? false)) && isRunning(c) && sandboxReady(ctx.sandboxes.get(c.sandboxId)));
  // an echo request: the pod's kernel replies while its network namespace lives; an address no pod holds is unreachable, no reply
  if (msg.icmp) return void (live.length > 0 && fx.send(msg.replyTo, { type: "ConnectResult", id: msg.id, echoFrom: { node: ctx.node, pod: true } } satisfies ConnectResult));
  const target = live.find((c) => listenerOwner(ctx, c.sandboxId, port) !== undefined) ?? live[0];
  // no pod listens there: a process of the node's own on its port takes the connection and answers the origin
  const host = ctx.hostServices !== undefined && Object.hasOwn(ctx.hostServices, msg.dst) ? ctx.hostServices[msg.dst] : undefined;
  if (host !== undefined && (target === undefined || listenerOwner(ctx, target.sandboxId, port) === undefined)) return fx.send(host, msg);
  const r = target ? httpTo(ctx, target.sandboxId, ip!, port, msg.path, msg.src, true, msg.headers) : undefined;
  const out: ConnectResult = !r || r.type !== "http" || "error" in r
    ? { type: "ConnectResult", id: msg.id, error: "connection refused" }
    : { type: "ConnectResult", id: msg.id, status: r.status, ...(r.body !== undefined ? { body: r.body } : {}) };
  fx.send(msg.replyTo, out);
}

/**
 * The listener on a port of any running container in the sandbox (they share one network
 * namespace), to be called within this step: it answers in its container's world.
 */
export function listenerIn(ctx: CriContext, sandboxId: string, port: number): Listener | undefined {
  const sb = ctx.sandboxes.get(sandboxId);
  for (const cid of sb?.containers ?? []) {
    const c = ctx.containers.get(cid);
    const proc = c && isRunning(c) ? c.proc : undefined;
    if (proc && listening(proc).has(port)) return (req) => callListener(proc, port, worldOf(ctx, c!), req)!;
  }
  return undefined;
}

/** The running container whose process listens on the port in the sandbox. */
function listenerOwner(ctx: CriContext, sandboxId: string, port: number): CriContainer | undefined {
  for (const cid of ctx.sandboxes.get(sandboxId)?.containers ?? []) {
    const c = ctx.containers.get(cid);
    if (c && isRunning(c) && c.proc && listening(c.proc).has(port)) return c;
  }
  return undefined;
}

/**
 * UpdateContainerResources: a running container's cgroup takes the new cpu quota and memory limit
 * at once; the CPU it used so far is counted under the old quota first. Only a running container
 * has a cgroup to update.
 */
function updateContainerResources(ctx: CriContext, req: Extract<CriRequest, { type: "UpdateContainerResources" }>, from: string, fx: Fx): void {
  const c = ctx.containers.get(req.containerId);
  if (!c || !isRunning(c)) {
    fx.send(from, { type: "UpdateContainerResourcesResult", id: req.id, containerId: req.containerId, ok: false, message: `container "${req.containerId}" is not running` });
    return;
  }
  c.cpu = accrue(c.cpu, ctx.now, cpuLimitMilli(c));
  c.spec = { ...c.spec, resources: req.resources };
  const memory = req.resources.limits?.memory;
  if (memory === undefined) delete c.memoryLimitBytes;
  else c.memoryLimitBytes = intValue(memory);
  fx.send(from, { type: "UpdateContainerResourcesResult", id: req.id, containerId: req.containerId, ok: true });
}

/** The container's CPU limit in millicores (its CFS quota), else its pod's, or undefined for none. */
export function cpuLimitMilli(c: Pick<CriContainer, "spec" | "podCpuLimitMilli">): number | undefined {
  const lim = c.spec.resources?.limits?.cpu;
  return lim === undefined ? c.podCpuLimitMilli : milliValue(lim);
}

/**
 * ListContainerStats: each running container's cumulative CPU and working set now, with its pod
 * (what the kubelet's resource metrics endpoint reports and metrics-server scrapes).
 */
export function containerStats(ctx: CriContext): ContainerStatsInfo[] {
  const out: ContainerStatsInfo[] = [];
  for (const c of ctx.containers.values()) {
    const sb = ctx.sandboxes.get(c.sandboxId);
    if (!sb || !isRunning(c)) continue;
    c.cpu = accrue(c.cpu, ctx.now, cpuLimitMilli(c));
    out.push({
      containerId: c.id, name: c.name, podName: sb.podName, podNamespace: sb.podNamespace, podUid: sb.podUid,
      timestamp: ctx.now, cpuUsageCoreNanoSeconds: c.cpu.usageNanos, memoryWorkingSetBytes: baselineMemoryBytes(c.image.kind) + c.memoryBytes,
    });
  }
  return out;
}

function sandboxReady(sb: Sandbox | undefined): boolean {
  return sb !== undefined && sandboxState(sb) === "SANDBOX_READY";
}

/**
 * The process ended: stop its timers; its lifecycle records how and reports it to the kubelet
 * (ContainerExited), then answers a pending StopContainer.
 */
export function exitContainer(ctx: CriContext, c: CriContainer, code: number, reason: ExitReason, fx: Fx): void {
  if (!isRunning(c)) return;
  fx.cancel(`proc/${c.id}`);
  fx.cancel(`net/${c.id}`);
  // a preStop hook's request outlives its container: its failure is still reported; so does a probe's (the kubelet dialed, not the container)
  for (const [id, w] of ctx.waits) if (w.containerId === c.id && w.hookKind !== "preStop" && w.probe === undefined) ctx.waits.delete(id);
  killExecs(ctx, c, fx);
  // the process is gone: its history with it
  delete c.proc;
  stepContainer(ctx, c, { type: "ProcessExited", now: ctx.now, exitCode: code, reason }, fx);
}

/**
 * The container's processes die with it: an exec'd command still running is killed (runc kills
 * every process of the container's cgroup, SIGKILL: 137), and its caller told so.
 */
function killExecs(ctx: CriContext, c: CriContainer, fx: Fx): void {
  for (const [id, s] of ctx.streams) {
    if (s.kind !== "exec" || s.containerId !== c.id || s.proc === undefined) continue;
    const { proc: _killed, ...ended } = s;
    ctx.streams.set(id, { ...ended, running: false });
    fx.cancel(`stream/${id}`);
    fx.cancel(`stream/${id}/net`);
    fx.send(s.owner, { type: "ExecOutput", session: id, stdout: "", stderr: "", exitCode: 137 });
  }
}

// ---- stopping ------------------------------------------------------------------------

/** A signal the lifecycle sends: SIGTERM ends PID 1 only when it handles it; SIGKILL always (128 + 9). */
function signal(ctx: CriContext, c: CriContainer, sig: "SIGTERM" | "SIGKILL", fx: Fx): void {
  if (sig === "SIGKILL") exitContainer(ctx, c, mutant("cri.sigkill-exit-zero") ? 0 : 137, "Error", fx);
  else if (c.image.kind === "coredns" && c.proc !== undefined) corednsShutdown(ctx, c, fx);
  else if (c.proc !== undefined && c.traps?.idle && c.traps.signals.includes(15)) {
    // a shell that traps TERM takes it where it sleeps or waits: its trap runs (ash's dotrap)
    fx.cancel(`proc/${c.id}`);
    drive(ctx, c, { type: "interrupt", signal: 15 }, fx);
  }
  else if (handlesSigterm(c)) exitContainer(ctx, c, 0, "Completed", fx);
}

/**
 * CoreDNS traps SIGTERM (caddy's trapSignalsPosix): its shutdown callbacks run, among them the
 * health plugin's lameduck (kubeadm's Corefile: `health { lameduck 5s }`), which keeps serving for
 * that long so the endpoints drop the pod first; then it exits 0.
 */
function corednsShutdown(ctx: CriContext, c: CriContainer, fx: Fx): void {
  const w = worldOf(ctx, c);
  w.log("stdout", "[INFO] SIGTERM: Shutting down servers then terminating");
  const lameduck = corednsLameduck(ctx, c);
  if (lameduck === undefined) return exitContainer(ctx, c, 0, "Completed", fx);
  w.log("stdout", `[INFO] plugin/health: Going into lameduck mode for ${lameduck.text}`);
  fx.after(`proc/${c.id}`, lameduck.ms, { type: "ProcessWake", containerId: c.id, exitCode: 0 }, true);
}

/** The health plugin's lameduck in the Corefile CoreDNS runs with (`-conf`), as written and in ms; undefined without one. */
function corednsLameduck(ctx: CriContext, c: CriContainer): { text: string; ms: number } | undefined {
  const argv = [...(c.spec.command?.length ? c.spec.command : c.image.entrypoint), ...(c.spec.args?.length ? c.spec.args : c.image.cmd)];
  const at = argv.indexOf("-conf");
  const conf = at >= 0 ? argv[at + 1] : undefined;
  const text = fileText(fsOf(c.layout, () => worldOf(ctx, c)), resolvePath("/", conf ?? "Corefile"));
  const m = text === undefined ? null : /\bhealth\b[^{}\n]*\{[^}]*\blameduck\s+(\S+)/.exec(text);
  if (!m) return undefined;
  const ms = parseGoDuration(m[1]!);
  return typeof ms === "number" && ms > 0 ? { text: m[1]!, ms } : undefined;
}

/** True when PID 1 dies on SIGTERM: servers do; a shell or `sleep` as PID 1 has no handler and ignores it. */
export function handlesSigterm(c: Pick<CriContainer, "image" | "spec">): boolean {
  const argv = c.spec.command?.length ? c.spec.command : [...c.image.entrypoint, ...(c.spec.args?.length ? c.spec.args : c.image.cmd)];
  const pid1 = (argv[0] ?? "").slice((argv[0] ?? "").lastIndexOf("/") + 1);
  if (["sh", "ash", "bash", "dash", "sleep", "tail"].includes(pid1)) return false;
  return ["nginx", "httpd", "redis", "postgres", "mysql", "memcached", "pause", "agnhost", "hello-app", "echoserver", "generic", "node", "python", "cassandra"].includes(c.image.kind);
}

/**
 * The preStop hook run: its time in ms (sleep takes its seconds, exec its commands' sleeps, httpGet
 * an instant) and whether it failed (an exec that did not exit 0 or ran out of time, an httpGet
 * whose port is no port: the hook runner's errors; an httpGet's refused connection is told when
 * the data plane answers).
 */
export function runPreStop(ctx: CriContext, c: CriContainer, hook: LifecycleHandler | undefined, graceMs: number, kubelet: string, fx: Fx): { ms: number; failed: boolean } {
  if (!hook) return { ms: 0, failed: false };
  if (hook.sleep) return { ms: Math.min(graceMs, hook.sleep.seconds * 1000), failed: false };
  if (hook.exec?.command) {
    const r = runCommand(ctx, c, hook.exec.command, graceMs);
    return { ms: Math.min(graceMs, r.elapsedMs), failed: r.code !== 0 };
  }
  if (hook.httpGet) {
    // a pod of this node answers before the stop signal goes out (the kubelet waits for the hook);
    // another node's through the data plane
    const local = localHookAnswer(ctx, c, hook.httpGet);
    if (local !== undefined) return { ms: 0, failed: local === "failed" };
    return { ms: 0, failed: startHookRequest(ctx, c, hook.httpGet, kubelet, "preStop", fx) === "failed" };
  }
  return { ms: 0, failed: false };
}

/** killContainer's minimal shutdown window after the preStop hook (minimumGracePeriodInSeconds). */
export const minimumGracePeriodMs = 2_000;

/**
 * When SIGKILL comes, from the stop's start: the kubelet takes the hook's time from the grace
 * period and gives the stop signal what is left, never less than 2 s (killContainer), so a hook
 * that used the whole grace period is followed by SIGTERM and 2 s, not by SIGKILL at once.
 */
export function killAfterMs(timeoutMs: number, hookMs: number): number {
  // the mutants: the hook's time is not taken from the grace period, or no 2 s window is left after it
  if (hookMs > 0 && mutant("cri.prestop-time-not-deducted")) return hookMs + timeoutMs;
  if (hookMs > 0 && mutant("cri.prestop-no-minimum-grace")) return Math.max(timeoutMs, hookMs);
  return hookMs > 0 ? hookMs + Math.max(timeoutMs - hookMs, minimumGracePeriodMs) : timeoutMs;
}

/**
 * StopContainer: the preStop hook runs (its effects now, its time as the lifecycle's preStopHook
 * delay), then SIGTERM, then SIGKILL when what is left of the timeout ends, 2 s at least after a
 * hook (exit 137). Answered once the process
 * has exited. Deletion is work: the lifecycle's timers keep settle() busy until the end.
 */
function stopContainer(ctx: CriContext, req: Extract<CriRequest, { type: "StopContainer" }>, from: string, fx: Fx): void {
  const c = ctx.containers.get(req.containerId);
  if (!c || !isRunning(c)) {
    fx.send(from, { type: "StopContainerResult", id: req.id, containerId: req.containerId });
    return;
  }
  // time.Duration(r.GetTimeout())*time.Second: a timeout past 292 years wraps, often to 0 or less
  const timeoutMs = goSecondsMs(req.timeoutSeconds);
  const { ms: hookMs, failed } = runPreStop(ctx, c, req.preStop, timeoutMs, from, fx);
  if (failed) fx.send(from, { type: "PreStopHookFailed", containerId: c.id });
  stepContainer(ctx, c, { type: "Stop", stop: { id: req.id, from, graceMs: killAfterMs(timeoutMs, hookMs), hookMs } }, fx);
}

// ---- probes --------------------------------------------------------------------------

/**
 * How a command run to its end in one step ended, and the simulated time it took; pid1Exit when it
 * signalled the container's main process to its end (nginx -s quit, killall), which the caller
 * carries out: that process exits with this code.
 */
export type RunEnd<T> = ({ kind: "done"; value: T; elapsedMs: number } | { kind: "blocked"; elapsedMs: number } | { kind: "timeout"; elapsedMs: number }) & { pid1Exit?: number };


/** An exec'd process's environment: the image's and the container's, with HOME as runc sets it where they have none. */
export function execEnv(c: Pick<CriContainer, "image" | "env" | "home">): Record<string, string> {
  const env: Record<string, string> = { ...c.image.env, ...envRecord(c.env) };
  return Object.hasOwn(env, "HOME") ? env : { ...env, HOME: c.home };
}
/** The name of the container's main process, as killall finds it (an entrypoint script has exec'd its arguments). */
export function mainProcessName(c: Pick<CriContainer, "image" | "spec">): string {
  const argv = c.spec.command?.length ? [...c.spec.command, ...(c.spec.args ?? [])] : [...c.image.entrypoint, ...(c.spec.args?.length ? c.spec.args : c.image.cmd)];
  const base = (a: string | undefined) => (a ?? "").slice((a ?? "").lastIndexOf("/") + 1);
  const first = base(argv[0]);
  return /^docker-entrypoint(\.sh)?$/.test(first) && argv.length > 1 ? base(argv[1]) : first;
}

function baseNameOf(a: string | undefined): string {
  return (a ?? "").slice((a ?? "").lastIndexOf("/") + 1);
}

/** Whether a signal effect reaches the main process: by its pid, 1 in the container's namespace, or by its name. */
export function signalsMainProcess(c: Pick<CriContainer, "image" | "spec">, e: { name: string; pid?: number }): boolean {
  return e.pid !== undefined ? e.pid === 1 : e.name === mainProcessName(c);
}

/**
 * The exit code a signal from a process of its own namespace gives the main process, or undefined
 * when it lives on. As the namespace's init (PID 1) it gets only the signals it handles, and never
 * KILL (the kernel's SIGNAL_UNKILLABLE: sig_task_ignored): servers stop gracefully on TERM, QUIT
 * (nginx's graceful stop) and INT, exit 0; a shell or sleep as PID 1 ignores them all.
 */
export function exitOnSignal(c: CriContainer, signal: number): number | undefined {
  if ((c.pid ?? 1) !== 1) return exitOnSignalNotInit(c, signal);
  return handledStop(c, signal);
}

function handledStop(c: CriContainer, signal: number): number | undefined {
  return (signal === 15 || signal === 3 || signal === 2) && handlesSigterm(c) ? 0 : undefined;
}

/**
 * Runs a command's generator to its end in one step (exec probes, lifecycle hooks): sleeps add to
 * its time (up to timeoutMs), it reaches only its own pod's listeners, DNS finds nothing; `wait`
 * blocks it for good. kubectl exec's commands are suspended and resumed instead (streaming.ts).
 */
export function runToEnd<T>(ctx: CriContext, c: CriContainer, gen: Generator<Effect, T, EffectResult>, timeoutMs: number, onSleep?: (elapsedMs: number) => void): RunEnd<T> {
  let elapsed = 0;
  let input: EffectResult;
  // Set once the command has signalled the main process to its end: the container stops then, and
  // this process with it the next time it would wait (an idle master quits at once).
  let pid1Exit: number | undefined;
  for (let i = 0; i < maxEffectsPerTurn; i++) {
    const r = gen.next(input);
    if (r.done) return { kind: "done", value: r.value, elapsedMs: elapsed, ...(pid1Exit === undefined ? {} : { pid1Exit }) };
    input = undefined;
    const e = r.value;
    if (pid1Exit !== undefined && (e.type === "wait" || e.type === "input" || (e.type === "sleep" && e.ms > 0))) return { kind: "blocked", elapsedMs: elapsed, pid1Exit };
    if (e.type === "wait" || e.type === "input") return { kind: "blocked", elapsedMs: elapsed };
    if (e.type === "signal") {
      // a probe or hook reaches its own container's processes (the main process, nginx's workers)
      const r = e.pid !== undefined && pid1Exit === undefined ? signalPid(ctx, c, c.user, e.pid, e.signal) : undefined;
      if (r !== undefined && (r.target === undefined || r.target === c)) {
        input = r.result;
        if (r.target === c) pid1Exit = r.exit;
      } else {
        const matched = pid1Exit === undefined && e.pid === undefined && signalsMainProcess(c, e);
        input = { type: "signal", matched };
        if (matched) pid1Exit = exitOnSignal(c, e.signal);
      }
    } else if (e.type === "fork") {
      input = { type: "fork", pid: forkPid(ctx, c) };
    } else if (e.type === "ps") {
      input = psAnswer(ctx, c, { pid: forkPid(ctx, c), argv: e.args }, e.pipeline);
    } else if (e.type === "sysinfo") {
      input = sysinfoAnswer(ctx);
    } else if (e.type === "sleep") {
      if (e.ms > 0) onSleep?.(elapsed);
      elapsed += e.ms;
    } else if (e.type === "http") {
      // An exec runs to its end in one step: it reaches only its own pod.
      const local = httpFrom(ctx, c, e.url, e.headers);
      const u = splitUrl(e.url);
      input = local !== "remote" ? local : u && (isIPv4(u.host) || isIPv6Address(u.host)) ? { type: "http", error: "connection refused", address: u.host, peer: joinHostPort(u.host, u.port) } : { type: "http", error: "bad address" };
    }
    else if (e.type === "dns") input = { type: "dns", server: ctx.clusterDNS ?? clusterDNS, addresses: [] };
    else if (e.type === "ping") {
      // run to its end in one step, it reaches only its own pod: an echo request leaving it waits out its timeout
      const local = pingLocal(c, e.ip);
      input = local ?? { type: "ping", reply: false };
      if (local === undefined) elapsed += e.timeoutMs;
    }
    if (elapsed > timeoutMs) return { kind: "timeout", elapsedMs: timeoutMs };
  }
  return { kind: "timeout", elapsedMs: timeoutMs };
}

/** Runs a command in a container to its end (sleeps count against the timeout); returns status and output. */
export function runCommand(ctx: CriContext, c: CriContainer, argv: string[], timeoutMs: number): { code: number | "timeout"; output: string; elapsedMs: number; pid1Exit?: number } {
  let output = "";
  const io = execIO(c.layout, worldOf(ctx, c), execEnv(c), (l) => void (output += l + "\n"), c.user);
  const end = runToEnd(ctx, c, runExec(argv, io, c.image), timeoutMs);
  const pid1 = end.pid1Exit === undefined ? {} : { pid1Exit: end.pid1Exit };
  if (end.kind === "done") return { code: end.value, output, elapsedMs: end.elapsedMs, ...pid1 };
  // the main process ended: the exec dies with its container (runc kills what is left, 137)
  if (end.pid1Exit !== undefined) return { code: 137, output, elapsedMs: end.elapsedMs, ...pid1 };
  return { code: "timeout", output, elapsedMs: timeoutMs };
}

/** One probe, with the prober's result wording (pkg/probe/exec, http, tcp, grpc). */
export function probe(ctx: CriContext, containerId: string, action: ProbeAction, timeoutSeconds: number): { result: "success" | "failure"; output: string } | "remote" {
  const c = ctx.containers.get(containerId);
  if (!c || !isRunning(c)) return { result: "failure", output: `container not running (${containerId})` };
  if (action.kind === "exec") {
    const r = runCommand(ctx, c, action.command, timeoutSeconds * 1000);
    if (r.code === "timeout") return { result: "failure", output: `command "${action.command.join(" ")}" timed out` };
    return { result: r.code === 0 ? "success" : "failure", output: r.output };
  }
  // the prober dials the action's host (the pod's IP unless httpGet/tcpSocket.host names another): that pod's listeners answer
  const target = action.kind === "grpc" ? c.sandboxId : sandboxHolding(ctx, action.host, action.port);
  if (target === undefined && action.kind !== "grpc" && (isIPv4(action.host) || isIPv6Address(action.host))) return "remote";
  const l = target === undefined ? undefined : listenerIn(ctx, target, action.port);
  const hostPort = joinHostPort(action.host, action.port);
  if (action.kind === "httpGet") {
    const url = `${action.scheme.toLowerCase()}://${hostPort}${action.path}`;
    if (!l || target === undefined) return { result: "failure", output: `Get "${url}": dial tcp ${hostPort}: connect: connection refused` };
    const res = httpTo(ctx, target, action.host, action.port, action.path, undefined, false, probeHeaders(action.headers));
    const status = res?.type === "http" && "status" in res ? res.status : 503;
    // the mutant fails only server errors: a 4xx answer (404 Not Found) counts as a success
    if (status >= 200 && status < (mutant("cri.http-probe-accepts-4xx") ? 500 : 400)) return { result: "success", output: "" };
    return { result: "failure", output: `HTTP probe failed with statuscode: ${status}` };
  }
  if (action.kind === "tcpSocket") {
    if (!l || l({ kind: "tcp" }) === false) return { result: "failure", output: `dial tcp ${hostPort}: connect: connection refused` };
    return { result: "success", output: "" };
  }
  if (!l) return { result: "failure", output: `timeout: failed to connect service "${hostPort}" within ${timeoutSeconds}s: context deadline exceeded` };
  const ok = l({ kind: "grpc", ...(action.service ? { service: action.service } : {}) });
  return ok === false || (typeof ok === "object" && ok.status !== 200)
    ? { result: "failure", output: `service unhealthy (responded with "NOT_SERVING")` }
    : { result: "success", output: "" };
}

/**
 * The running sandbox of this node holding a host address (a probe's or an httpGet hook's target):
 * host-network sandboxes share the node's IP, so the one listening on the port.
 */
function sandboxHolding(ctx: CriContext, host: string, port: number): string | undefined {
  const holders = [...ctx.containers.values()].filter((x) => isRunning(x) && (x.podIP === host || (x.podIPs?.includes(host) ?? false)));
  return (holders.find((x) => listenerOwner(ctx, x.sandboxId, port) !== undefined) ?? holders[0])?.sandboxId;
}

/**
 * An HTTP probe's request headers (pkg/probe/http NewRequestForHTTPGetAction): User-Agent
 * kube-probe/1.35 and Accept *\/* unless the probe's httpHeaders set them, then its own.
 */
export function probeHeaders(own: readonly (readonly [string, string])[] = []): RequestHeaders {
  const named = new Set(own.map(([k]) => k.toLowerCase()));
  const defaults: [string, string][] = [["user-agent", "kube-probe/1.35"], ["accept", "*/*"]];
  // an empty Accept or User-Agent of the probe's own sends none (the request builder deletes Accept; Go's client skips an empty User-Agent)
  const mine = own.map(([k, v]) => [k.toLowerCase(), v] as [string, string]).filter(([k, v]) => v !== "" || (k !== "accept" && k !== "user-agent"));
  return [...defaults.filter(([k]) => !named.has(k)), ...mine];
}

/** A probe to an address off this node: one connection through the node's data plane, given up after the probe's timeoutSeconds. */
function startProbeRequest(ctx: CriContext, req: Extract<CriRequest, { type: "ExecProbe" }>, from: string, fx: Fx): void {
  const action = req.action;
  if (action.kind !== "httpGet" && action.kind !== "tcpSocket") return;
  const id = ++ctx.netSeq;
  const path = action.kind === "httpGet" ? action.path : "/";
  ctx.waits.set(id, { containerId: req.containerId, kind: "connect", host: action.host, port: action.port, path, probe: { from, id: req.id, action } });
  const headers = action.kind === "httpGet" ? { headers: probeHeaders(action.headers) } : {};
  fx.send("kube-proxy", { type: "Connect", id, node: ctx.node, dst: joinHostPort(canonicalIPv6(action.host), action.port), path, replyTo: `cri/${ctx.node}`, ...headers } satisfies ConnectMsg);
  fx.after(probeTimerKey(id), req.timeoutSeconds * 1000, { type: "NetTimeout", id }, true);
}

function probeTimerKey(id: number): string {
  return `probe/${id}`;
}

/**
 * A remote probe's answer or its timeout, told to the kubelet in the prober's words: a refused dial
 * or http.Client's timeout (pkg/probe/http DoHTTPProbe, pkg/probe/tcp DoTCPProbe).
 */
function probeAnswered(ctx: CriContext, id: number, answer: ConnectResult | "timeout", fx: Fx): boolean {
  const w = ctx.waits.get(id);
  if (w?.probe === undefined) return false;
  ctx.waits.delete(id);
  fx.cancel(probeTimerKey(id));
  const { action } = w.probe;
  const hostPort = joinHostPort(action.host, action.port);
  const url = action.kind === "httpGet" ? `${action.scheme.toLowerCase()}://${hostPort}${action.path}` : "";
  const failed = answer === "timeout" || answer.error !== undefined || answer.tlsError !== undefined;
  let out: { result: "success" | "failure"; output: string } = { result: "success", output: "" };
  if (failed) {
    const timedOut = answer === "timeout" || answer.error === "timeout";
    const dial = timedOut ? `dial tcp ${hostPort}: i/o timeout` : `dial tcp ${hostPort}: connect: connection refused`;
    out = { result: "failure", output: action.kind === "tcpSocket" ? dial : timedOut ? `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` : `Get "${url}": ${dial}` };
  } else if (action.kind === "httpGet") {
    const status = answer.status ?? 200;
    if (status < 200 || status >= 400) out = { result: "failure", output: `HTTP probe failed with statuscode: ${status}` };
  }
  fx.send(w.probe.from, { type: "ExecProbeResult", id: w.probe.id, containerId: w.containerId, ...out });
  return true;
}

/** ListPodSandbox: every sandbox the runtime holds, in creation order. */
export function listSandboxes(ctx: CriContext): PodSandboxInfo[] {
  return [...ctx.sandboxes.values()].map((s) => ({ id: s.id, podUid: s.podUid, podName: s.podName, podNamespace: s.podNamespace, state: sandboxState(s) }));
}

/** ListContainers with each container's status: what the kubelet's PLEG relist sees. */
export function listContainers(ctx: CriContext): ContainerInfo[] {
  return [...ctx.containers.values()].map((c) => {
    const info: ContainerInfo = { id: c.id, sandboxId: c.sandboxId, name: c.name, attempt: c.attempt, image: summarize(c.image), spec: c.spec, user: c.user, state: containerState(c) };
    const l = c.lifecycle.context;
    if (l.startedAt !== undefined) info.startedAt = l.startedAt;
    if (l.finishedAt !== undefined) info.finishedAt = l.finishedAt;
    if (l.exitCode !== undefined) info.exitCode = l.exitCode;
    if (l.reason !== undefined) info.reason = l.reason;
    return info;
  });
}

/** The highest request id from a caller that a pending pull or stop will still answer (0 when none). */
export function inFlightMaxId(ctx: CriContext, from: string): number {
  let max = 0;
  for (const p of ctx.pulls.values()) for (const w of p.context.waiters) if (w.from === from) max = Math.max(max, w.id);
  for (const c of ctx.containers.values()) {
    const stop = c.lifecycle.context.stop;
    if (stop?.from === from) max = Math.max(max, stop.id);
  }
  return max;
}

/** Sandboxes that still exist, for invariants ("no sandbox left for a deleted pod"). */
export function sandboxesOf(ctx: CriContext, podUid: string): Sandbox[] {
  return [...ctx.sandboxes.values()].filter((s) => s.podUid === podUid);
}
