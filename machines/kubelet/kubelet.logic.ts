// The kubelet of one node: registration and heartbeats, a pod worker per pod (SyncPod ->
// TerminatingPod -> TerminatedPod) that drives the CRI and CNI one call at a time, the image
// manager's pull back-off, container restart back-off (CrashLoopBackOff), the prober, and the
// status manager that writes pods/<name>/status. Pure: context in (mutated), effects out.

import type { Container, ContainerStatus, Node, Pod, PodStatus, Probe } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import { newClient, onListed, recordEvent, onWatchEvent, request, settleResponse, startInformer, type ClientState, type InformerDelta } from "../common/client.js";
import { parseTime, rfc3339 } from "../common/time.js";
import { podQOSClass } from "../common/qos.js";
import { intValue } from "../common/quantity.js";
import type { ApiResponse, WatchEvent } from "../messages.js";
import type { ContainerInfo, CriResponse, ImageSummary, PodSandboxInfo, ProbeAction, ProjectedMount } from "../cri/messages.js";
import type { CniResponse } from "../cni/messages.js";
import { pullFailureMessage } from "../cri/registry.js";
import { containerShouldRestart, isRestartableInitContainer, kubeletOwnedConditions, podConditions, podPhase, terminatePodStatus } from "./status.js";
import { internalIPFor, leaseRenewIntervalMs, nodeConditions, nodeLease, nodeStatusReportFrequencyMs, nodeStatusUpdateFrequencyMs, registrationNode } from "./node.js";
import { getOwn, setOwn } from "../common/own.js";

/** Container restart back-off (kubelet backOffPeriod and MaxContainerBackOff). */
export const backOffInitialMs = 10_000;
export const backOffMaxMs = 300_000;
/** Pull back-off uses the same bounds (MaxImageBackOff). */
export const imageBackOffMaxMs = 300_000;
/** killContainer never gives a container less than this (minimumGracePeriodInSeconds). */
export const minimumGracePeriodSeconds = 2;
/** How soon a pod worker retries after a failed sync step. */
export const syncRetryMs = 1_000;
const podWatchId = 1;

export type WorkerState = "SyncPod" | "TerminatingPod" | "TerminatedPod";
export type ProbeKind = "startup" | "liveness" | "readiness";

export interface Terminated {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt: number;
  finishedAt: number;
  containerID: string;
}

export interface ProbeState {
  kind: ProbeKind;
  spec: Probe;
  successes: number;
  failures: number;
  result: "success" | "failure" | "unknown";
}

export interface ContainerRecord {
  name: string;
  kind: "init" | "sidecar" | "regular";
  spec: Container;
  id?: string;
  running: boolean;
  stopping: boolean;
  startedAt?: number;
  terminated?: Terminated;
  last?: Terminated;
  waiting?: { reason: string; message?: string };
  attempts: number;
  image?: ImageSummary;
  /** progress of the current start attempt */
  step: { checked?: boolean; present?: ImageSummary | null; image?: ImageSummary; createdId?: string };
  crash?: { ms: number; lastUpdate: number };
  started: boolean;
  /** a start failed and the runtime's exit report is still on its way */
  pendingExit?: boolean;
  probes: Partial<Record<ProbeKind, ProbeState>>;
}

export interface PodWorker {
  uid: string;
  pod: Pod;
  state: WorkerState;
  op?: number;
  sandboxId?: string;
  sandboxStopped: boolean;
  sandboxRemoved: boolean;
  networkReleased: boolean;
  ip?: string;
  startTime?: number;
  containers: ContainerRecord[];
  pullBackoff: Map<string, { ms: number; lastUpdate: number; prevErr: string }>;
  status: { inFlight: boolean; dirty: boolean; last?: string; terminalWritten?: boolean; issuedTerminal?: boolean; owned?: any[] };
  gone: boolean;
  deleteSent: boolean;
  failedInit: boolean;
  /** rebuilt from the runtime after a kubelet restart: the network may hold an IP the worker never saw */
  recovered?: boolean;
}

/** What a runtime call in flight is for. */
interface RuntimeOp {
  uid: string;
  kind: string;
  container?: string;
  probe?: ProbeKind;
  containerId?: string;
}

export interface KubeletContext {
  node: string;
  index: number;
  given: Node;
  podCIDR: string;
  hostIP: string;
  cri: string;
  cni: string;
  client: ClientState;
  now: number;
  nodeObj?: Node;
  nodeStatusPostedAt: number;
  nodeStatusInFlight: boolean;
  lease?: any;
  leaseInFlight: boolean;
  workers: Map<string, PodWorker>;
  byContainer: Map<string, { uid: string; name: string }>;
  ops: Map<number, RuntimeOp>;
  opSeq: number;
  /**
   * Start-up: "api" until the pod informer has listed, "cri" until the runtime has listed its
   * sandboxes and containers, then "done". No pod worker runs (and no status is written) before.
   */
  recovery: "api" | "cri" | "done";
  /** the ListPodSandbox answer, kept until ListContainers answers */
  runtimeSandboxes?: PodSandboxInfo[];
}

export interface KubeletInput {
  node: Node;
  index: number;
  podCIDR: string;
  token: string;
  /** the clock at start (registration happens before any message is delivered) */
  now?: number;
}

/** A kubelet about to register its node. */
export function initialKubelet(input: KubeletInput): KubeletContext {
  const node = input.node.metadata!.name!;
  return {
    node, index: input.index, given: input.node, podCIDR: input.podCIDR, hostIP: internalIPFor(input.index),
    cri: `cri/${node}`, cni: `cni/${node}`, client: newClient(input.token), now: input.now ?? 0,
    nodeStatusPostedAt: -Infinity, nodeStatusInFlight: false, leaseInFlight: false,
    workers: new Map(), byContainer: new Map(), ops: new Map(), opSeq: 1, recovery: "api",
  };
}

// ---- formatting ----------------------------------------------------------------------

/** Go's time.Duration String for whole milliseconds: 10s, 1m20s, 5m0s, 1.234s, 567ms. */
export function goDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = `${Number.isInteger(s) ? s : String(s)}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}

/** format.Pod: name_namespace(uid). */
export function formatPod(pod: Pod): string {
  return `${pod.metadata!.name}_${pod.metadata!.namespace}(${pod.metadata!.uid})`;
}

/** The restart back-off after the previous one (flowcontrol.Backoff.Next): start at 10 s, double to the cap, reset when idle for 2 x cap. */
export function nextBackoff(entry: { ms: number; lastUpdate: number } | undefined, now: number, maxMs: number): { ms: number; lastUpdate: number } {
  if (!entry || now - entry.lastUpdate > 2 * maxMs) return { ms: backOffInitialMs, lastUpdate: now };
  return { ms: Math.min(entry.ms * 2, maxMs), lastUpdate: now };
}

/** IsInBackOffSince: still waiting out the back-off counted from eventTime. */
export function inBackoffSince(entry: { ms: number; lastUpdate: number } | undefined, eventTime: number, now: number, maxMs: number): boolean {
  if (!entry) return false;
  if (eventTime - entry.lastUpdate > 2 * maxMs) return false;
  return now - eventTime < entry.ms;
}

// ---- node registration and heartbeats --------------------------------------------------

/** Starts the kubelet: registers the node, opens the pod informer, starts the heartbeats. */
export function startKubelet(ctx: KubeletContext, fx: Fx): void {
  const node = registrationNode(ctx.given, ctx.index, ctx.podCIDR, ctx.now);
  request(ctx.client, fx, { verb: "create", group: "", resource: "nodes", body: node }, "register-node");
  startInformer(ctx.client, fx, podWatchId, { group: "", resource: "pods", fieldSelector: `spec.nodeName=${ctx.node}` });
  fx.after("lease", 0, { type: "RenewLease" }, true);
  fx.after("node-status", nodeStatusUpdateFrequencyMs, { type: "NodeStatusTick" }, true);
}

/** Posts node status when it changed or nodeStatusReportFrequency passed (here only the latter can). */
export function nodeStatusTick(ctx: KubeletContext, fx: Fx): void {
  fx.after("node-status", nodeStatusUpdateFrequencyMs, { type: "NodeStatusTick" }, true);
  if (!ctx.nodeObj || ctx.nodeStatusInFlight || ctx.now - ctx.nodeStatusPostedAt < nodeStatusReportFrequencyMs) return;
  postNodeStatus(ctx, fx);
}

function postNodeStatus(ctx: KubeletContext, fx: Fx): void {
  const n = ctx.nodeObj!;
  const body = { ...n, status: { ...n.status, conditions: nodeConditions(ctx.now, n.status?.conditions) } };
  ctx.nodeStatusInFlight = true;
  request(ctx.client, fx, { verb: "update", group: "", resource: "nodes", name: ctx.node, subresource: "status", body }, "node-status");
}

/** Renews (or creates) the node's Lease every 10 s. */
export function renewLease(ctx: KubeletContext, fx: Fx): void {
  fx.after("lease", leaseRenewIntervalMs, { type: "RenewLease" }, true);
  if (ctx.leaseInFlight) return;
  ctx.leaseInFlight = true;
  const base = { group: "coordination.k8s.io", resource: "leases", namespace: "kube-node-lease" };
  if (!ctx.lease) request(ctx.client, fx, { ...base, verb: "create", body: nodeLease(ctx.node, ctx.now) }, "lease");
  else request(ctx.client, fx, { ...base, verb: "update", name: ctx.node, body: nodeLease(ctx.node, ctx.now, ctx.lease) }, "lease");
}

// ---- API responses and watch events ----------------------------------------------------

/** Routes an API response to what it answers. */
export function onApiResponse(ctx: KubeletContext, res: ApiResponse, fx: Fx): void {
  const p = settleResponse(ctx.client, res);
  if (!p) return;
  switch (p.purpose) {
    case "informer-list": {
      if (!res.ok) return;
      const inf = ctx.client.informers.get(p.data);
      if (!inf) return;
      const deltas = onListed(ctx.client, fx, inf, res.object);
      if (ctx.recovery === "done") for (const d of deltas) onPodDelta(ctx, d, fx);
      else if (ctx.recovery === "api") listRuntime(ctx, fx);
      return;
    }
    case "register-node":
      if (res.ok) {
        ctx.nodeObj = res.object;
        postNodeStatus(ctx, fx);
      } else if (res.code === 409) request(ctx.client, fx, { verb: "get", group: "", resource: "nodes", name: ctx.node }, "node-get");
      return;
    case "node-get":
      if (res.ok) {
        ctx.nodeObj = { ...res.object, status: { ...registrationNode(ctx.given, ctx.index, ctx.podCIDR, ctx.now).status } };
        postNodeStatus(ctx, fx);
      }
      return;
    case "node-status":
      ctx.nodeStatusInFlight = false;
      if (res.ok) {
        ctx.nodeObj = res.object;
        ctx.nodeStatusPostedAt = ctx.now;
      } else if (res.code === 409) request(ctx.client, fx, { verb: "get", group: "", resource: "nodes", name: ctx.node }, "node-get");
      return;
    case "lease":
      ctx.leaseInFlight = false;
      if (res.ok) ctx.lease = res.object;
      else if (res.code === 409) request(ctx.client, fx, { verb: "get", group: "coordination.k8s.io", resource: "leases", namespace: "kube-node-lease", name: ctx.node }, "lease-get");
      else if (res.code === 404) delete ctx.lease;
      return;
    case "lease-get":
      if (res.ok) ctx.lease = res.object;
      return;
    case "pod-status": return onStatusWritten(ctx, p.data, res, fx);
    case "pod-reread": {
      const w = ctx.workers.get(p.data);
      if (!w) return;
      if (res.ok) {
        adoptPod(w, res.object);
        w.status.last = undefined;
        writeStatus(ctx, w, fx);
      } else if (res.code === 404) w.gone = true;
      return;
    }
    default:
      return;
  }
}

function rv(pod: Pod): number {
  return Number(pod.metadata?.resourceVersion ?? 0);
}

/** Keeps the newest copy of the pod (a status-write response may be newer than the watch). */
function adoptPod(w: PodWorker, pod: Pod): void {
  if (rv(pod) >= rv(w.pod)) w.pod = pod;
}

/** A watch event on pods bound to this node. */
export function onWatch(ctx: KubeletContext, ev: WatchEvent, fx: Fx): void {
  const d = onWatchEvent(ctx.client, fx, ev);
  // Before recovery the informer's store is all that is kept; recovery reads it whole.
  if (d && d !== "relisted" && ctx.recovery === "done") onPodDelta(ctx, d, fx);
}

function onPodDelta(ctx: KubeletContext, d: InformerDelta, fx: Fx): void {
  const pod = d.object as Pod;
  const uid = pod.metadata!.uid!;
  let w = ctx.workers.get(uid);
  if (d.type === "DELETED") {
    if (!w) return;
    w.gone = true;
    adoptPod(w, pod);
    return sync(ctx, w, fx);
  }
  if (!w) {
    w = newWorker(pod);
    ctx.workers.set(uid, w);
    // A pod already finished before this kubelet saw it has nothing to run.
    if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") w.state = "TerminatedPod";
  } else adoptPod(w, pod);
  sync(ctx, w, fx);
}

// ---- restart recovery ---------------------------------------------------------------------

/** Asks the runtime what it runs (the PLEG's first relist); workers wait for the answer. */
function listRuntime(ctx: KubeletContext, fx: Fx): void {
  ctx.recovery = "cri";
  fx.send(ctx.cri, { type: "ListPodSandbox", id: ctx.opSeq++ });
  fx.send(ctx.cri, { type: "ListContainers", id: ctx.opSeq++ });
}

/** The ListPodSandbox/ListContainers answers: rebuild every pod worker, then sync them. */
function onRuntimeListed(ctx: KubeletContext, msg: Extract<CriResponse, { type: "ListPodSandboxResult" | "ListContainersResult" }>, fx: Fx): void {
  if (ctx.recovery !== "cri") return;
  if (msg.type === "ListPodSandboxResult") {
    ctx.runtimeSandboxes = msg.sandboxes;
    return;
  }
  if (!ctx.runtimeSandboxes) return;
  // Answers to requests of the previous incarnation may still come: never reuse their ids.
  ctx.opSeq = Math.max(ctx.opSeq, msg.inFlightMaxId + 1);
  const workers = recoverWorkers(ctx, [...(ctx.client.informers.get(podWatchId)?.store.values() ?? [])], ctx.runtimeSandboxes, msg.containers, fx);
  delete ctx.runtimeSandboxes;
  ctx.recovery = "done";
  for (const w of workers) sync(ctx, w, fx);
}

/** One worker per pod the API server binds here, plus one per runtime sandbox of a pod it no longer has (to tear it down). */
export function recoverWorkers(ctx: KubeletContext, pods: Pod[], sandboxes: PodSandboxInfo[], containers: ContainerInfo[], fx: Fx): PodWorker[] {
  const out: PodWorker[] = [];
  const sandboxOf = (uid: string) => {
    const mine = sandboxes.filter((s) => s.podUid === uid);
    return mine.find((s) => s.state === "SANDBOX_READY") ?? mine[mine.length - 1];
  };
  for (const pod of pods) {
    const w = newWorker(pod);
    // A pod already finished before this kubelet saw it has nothing to run.
    if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") w.state = "TerminatedPod";
    adoptRuntimeState(ctx, w, sandboxOf(w.uid), containers, fx);
    ctx.workers.set(w.uid, w);
    out.push(w);
  }
  for (const sb of sandboxes) {
    if (ctx.workers.has(sb.podUid)) continue;
    const specs = new Map<string, Container>();
    for (const c of containers) if (c.sandboxId === sb.id) specs.set(c.name, c.spec);
    const orphan = newWorker({ metadata: { name: sb.podName, namespace: sb.podNamespace, uid: sb.podUid }, spec: { containers: [...specs.values()] } });
    orphan.gone = true;
    adoptRuntimeState(ctx, orphan, sandboxOf(sb.podUid), containers, fx);
    ctx.workers.set(orphan.uid, orphan);
    out.push(orphan);
  }
  return out;
}

function terminatedOf(c: ContainerInfo): Terminated {
  return { exitCode: c.exitCode ?? 0, reason: c.reason ?? "Completed", startedAt: c.startedAt ?? c.finishedAt ?? 0, finishedAt: c.finishedAt ?? 0, containerID: `containerd://${c.id}` };
}

/** Fills a fresh worker from what the runtime holds for its pod: sandbox, IP, each container's latest attempt. */
function adoptRuntimeState(ctx: KubeletContext, w: PodWorker, sb: PodSandboxInfo | undefined, containers: ContainerInfo[], fx: Fx): void {
  if (!sb) return;
  w.recovered = true;
  w.sandboxId = sb.id;
  w.sandboxStopped = sb.state === "SANDBOX_NOTREADY";
  // The sandbox's network status; when unknown, the pod worker's idempotent CNI ADD returns the held address.
  if (!w.sandboxStopped && w.pod.status?.podIP) w.ip = w.pod.status.podIP;
  const started = parseTime(w.pod.status?.startTime);
  if (Number.isFinite(started)) w.startTime = started;
  for (const c of w.containers) {
    const attempts = containers.filter((x) => x.sandboxId === sb.id && x.name === c.name).sort((a, b) => a.attempt - b.attempt);
    const latest = attempts[attempts.length - 1];
    if (!latest) continue;
    for (const x of attempts) ctx.byContainer.set(x.id, { uid: w.uid, name: c.name });
    const prev = attempts[attempts.length - 2];
    if (prev?.state === "CONTAINER_EXITED") c.last = terminatedOf(prev);
    c.attempts = latest.attempt + 1;
    c.id = latest.id;
    c.image = latest.image;
    if (latest.state === "CONTAINER_RUNNING") {
      c.running = true;
      c.startedAt = latest.startedAt ?? ctx.now;
      // A startup probe that already passed is not run again (the status says so).
      c.started = !c.spec.startupProbe || w.pod.status?.containerStatuses?.find((s) => s.name === c.name)?.started === true;
      startProbes(w, c, fx);
      if (c.started && c.probes.startup) c.probes.startup.result = "success";
    } else if (latest.state === "CONTAINER_EXITED") {
      c.terminated = terminatedOf(latest);
    } else {
      if (prev?.state === "CONTAINER_EXITED") c.terminated = c.last;
      if (prev?.state === "CONTAINER_EXITED") delete c.last;
      c.step = { checked: true, image: latest.image, createdId: latest.id };
    }
  }
}

/** A fresh pod worker with one record per init and regular container. */
export function newWorker(pod: Pod): PodWorker {
  const rec = (c: Container, kind: ContainerRecord["kind"]): ContainerRecord => ({ name: c.name, kind, spec: c, running: false, stopping: false, attempts: 0, step: {}, started: false, probes: {} });
  const containers = [
    ...(pod.spec?.initContainers ?? []).map((c) => rec(c, isRestartableInitContainer(c) ? "sidecar" : "init")),
    ...(pod.spec?.containers ?? []).map((c) => rec(c, "regular")),
  ];
  return {
    uid: pod.metadata!.uid!, pod, state: "SyncPod", sandboxStopped: false, sandboxRemoved: false, networkReleased: false,
    containers, pullBackoff: new Map(), status: { inFlight: false, dirty: false }, gone: false, deleteSent: false, failedInit: false,
  };
}

// ---- events ------------------------------------------------------------------------------

function fieldPath(c: ContainerRecord): string {
  return c.kind === "regular" ? `spec.containers{${c.name}}` : `spec.initContainers{${c.name}}`;
}

/** Records an event on the pod (or on one of its containers, with its fieldPath). */
export function podEvent(ctx: KubeletContext, w: PodWorker, c: ContainerRecord | undefined, type: "Normal" | "Warning", reason: string, message: string, fx: Fx): void {
  const involved = { kind: "Pod", apiVersion: "v1", ...w.pod };
  recordEvent(ctx.client, fx, involved, type, reason, message, { component: "kubelet", host: ctx.node }, ctx.now, c ? fieldPath(c) : undefined);
}

// ---- the pod worker ----------------------------------------------------------------------

function runtimeCall(ctx: KubeletContext, w: PodWorker, to: string, msg: { type: string; [k: string]: any }, op: Omit<RuntimeOp, "uid">, fx: Fx, blocking = true): number {
  const id = ctx.opSeq++;
  ctx.ops.set(id, { uid: w.uid, ...op });
  if (blocking) w.op = id;
  fx.send(to, { ...msg, id });
  return id;
}

/** One pass of the pod worker: do the next thing the pod needs, then write status if it changed. */
export function sync(ctx: KubeletContext, w: PodWorker, fx: Fx): void {
  if (w.state === "SyncPod" && (w.gone || w.pod.metadata?.deletionTimestamp)) w.state = "TerminatingPod";
  if (w.state === "SyncPod") syncPod(ctx, w, fx);
  if (w.state === "TerminatingPod") syncTerminating(ctx, w, fx);
  if (w.state === "TerminatedPod") syncTerminated(ctx, w, fx);
  if (ctx.workers.has(w.uid)) writeStatus(ctx, w, fx);
}

function restartPolicy(w: PodWorker): string {
  return w.pod.spec?.restartPolicy ?? "Always";
}

function syncPod(ctx: KubeletContext, w: PodWorker, fx: Fx): void {
  if (w.startTime === undefined) w.startTime = ctx.now;
  if (w.op !== undefined) return;
  if (!w.sandboxId) {
    const volumes = (w.pod.spec?.volumes ?? []).filter((v) => v.emptyDir !== undefined).map((v) => v.name);
    runtimeCall(ctx, w, ctx.cri, { type: "RunPodSandbox", podUid: w.uid, podName: w.pod.metadata!.name, podNamespace: w.pod.metadata!.namespace, volumes }, { kind: "RunPodSandbox" }, fx);
    return;
  }
  if (!w.ip) {
    runtimeCall(ctx, w, ctx.cni, { type: "CniAdd", sandboxId: w.sandboxId, podName: w.pod.metadata!.name, podNamespace: w.pod.metadata!.namespace, podUid: w.uid }, { kind: "CniAdd" }, fx);
    return;
  }
  for (const c of w.containers.filter((x) => x.kind !== "regular")) {
    if (c.kind === "sidecar") {
      if (c.running || c.stopping) {
        if (!c.started) return; // the next init container waits for the sidecar's startup
        continue;
      }
      if (tryStart(ctx, w, c, fx) === "op" || !c.started) return;
      continue;
    }
    if (c.terminated?.exitCode === 0 && !c.running) continue;
    if (c.running || c.stopping) return;
    if (c.terminated && restartPolicy(w) === "Never") {
      w.failedInit = true;
      w.state = "TerminatingPod";
      return;
    }
    tryStart(ctx, w, c, fx);
    return;
  }
  for (const c of w.containers.filter((x) => x.kind === "regular")) {
    if (c.running || c.stopping) continue;
    if (c.terminated && !containerShouldRestart(c.spec, w.pod.spec!, c.terminated.exitCode)) continue;
    if (tryStart(ctx, w, c, fx) === "op") return;
  }
  const regular = w.containers.filter((x) => x.kind === "regular");
  const done = regular.every((c) => !c.running && !c.stopping && c.terminated && !containerShouldRestart(c.spec, w.pod.spec!, c.terminated.exitCode));
  if (done) w.state = "TerminatingPod";
}

function setWaiting(ctx: KubeletContext, w: PodWorker, c: ContainerRecord, reason: string, message: string | undefined, events: Array<["Normal" | "Warning", string, string]>, fx: Fx): void {
  // The same waiting reason on every resync is not news: record its events once.
  if (c.waiting?.reason !== reason || c.waiting.message !== message) for (const [t, r, m] of events) podEvent(ctx, w, c, t, r, m, fx);
  c.waiting = message === undefined ? { reason } : { reason, message };
}

function resyncAfter(w: PodWorker, ms: number, fx: Fx): void {
  // Back-offs are steady state: they never keep settle() busy.
  fx.after(`resync/${w.uid}`, ms, { type: "PodResync", uid: w.uid }, true);
}

function pullPolicy(c: Container): string {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const image = c.image ?? "";
  const tagged = /:[^/]+$/.test(image.split("@")[0]!);
  return image.includes("@") || (tagged && !image.endsWith(":latest")) ? "IfNotPresent" : "Always";
}

/** Advances one container's start: back-off, image, create, start. "op" when a runtime call went out. */
function tryStart(ctx: KubeletContext, w: PodWorker, c: ContainerRecord, fx: Fx): "op" | "blocked" {
  const image = c.spec.image ?? "";
  if (c.pendingExit) return "blocked";
  if (c.terminated && c.step.checked === undefined && c.step.image === undefined) {
    const ts = c.terminated.finishedAt;
    if (inBackoffSince(c.crash, ts, ctx.now, backOffMaxMs)) {
      const msg = `back-off ${goDuration(c.crash!.ms)} restarting failed container=${c.name} pod=${formatPod(w.pod)}`;
      setWaiting(ctx, w, c, "CrashLoopBackOff", msg, [["Warning", "BackOff", `Back-off restarting failed container ${c.name} in pod ${formatPod(w.pod)}`]], fx);
      resyncAfter(w, ts + c.crash!.ms - ctx.now, fx);
      return "blocked";
    }
    c.crash = nextBackoff(c.crash, ctx.now, backOffMaxMs);
  }
  if (!c.step.image) {
    const policy = pullPolicy(c.spec);
    if (policy !== "Always" && !c.step.checked) {
      runtimeCall(ctx, w, ctx.cri, { type: "ImageStatus", image }, { kind: "ImageStatus", container: c.name }, fx);
      c.step.checked = true;
      return "op";
    }
    if (policy !== "Always" && c.step.present) {
      c.step.image = c.step.present;
      podEvent(ctx, w, c, "Normal", "Pulled", `Container image "${image}" already present on machine and can be accessed by the pod`, fx);
    } else if (policy === "Never") {
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      setWaiting(ctx, w, c, "ErrImageNeverPull", msg, [["Warning", "ErrImageNeverPull", msg], ["Warning", "Failed", "Error: ErrImageNeverPull"]], fx);
      c.step = {};
      return "blocked";
    } else {
      const b = w.pullBackoff.get(image);
      if (b && ctx.now - b.lastUpdate < b.ms) {
        const msg = `Back-off pulling image "${image}"`;
        setWaiting(ctx, w, c, "ImagePullBackOff", `${msg}: ${b.prevErr}`, [["Normal", "BackOff", msg], ["Warning", "Failed", "Error: ImagePullBackOff"]], fx);
        resyncAfter(w, b.lastUpdate + b.ms - ctx.now, fx);
        c.step = {};
        return "blocked";
      }
      podEvent(ctx, w, c, "Normal", "Pulling", `Pulling image "${image}"`, fx);
      runtimeCall(ctx, w, ctx.cri, { type: "PullImage", image }, { kind: "PullImage", container: c.name }, fx);
      return "op";
    }
  }
  if (!c.step.createdId) {
    runtimeCall(ctx, w, ctx.cri, {
      type: "CreateContainer", sandboxId: w.sandboxId, container: c.spec, attempt: c.attempts, env: containerEnv(ctx, w, c), podIP: w.ip,
      ...memoryLimit(c), ...serviceAccountMount(w.pod),
    }, { kind: "CreateContainer", container: c.name }, fx);
    return "op";
  }
  runtimeCall(ctx, w, ctx.cri, { type: "StartContainer", containerId: c.step.createdId }, { kind: "StartContainer", container: c.name }, fx);
  return "op";
}

function memoryLimit(c: ContainerRecord): { memoryLimitBytes?: number } {
  const lim = c.spec.resources?.limits?.memory;
  return lim === undefined ? {} : { memoryLimitBytes: intValue(lim) };
}

/** The container's environment: its env values and simple fieldRefs, plus the kubernetes Service variables. */
/** Where the service-account admission plugin mounts the kube-api-access volume in every container. */
export const serviceAccountMountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

/** The projected token volume's files (token, ca.crt, namespace), unless the pod opts out of automounting. */
export function serviceAccountMount(pod: Pod): { projected?: ProjectedMount } {
  if (pod.spec?.automountServiceAccountToken === false) return {};
  const ns = pod.metadata?.namespace ?? "default";
  const sa = pod.spec?.serviceAccountName ?? "default";
  return { projected: { mountPath: serviceAccountMountPath, files: { namespace: ns, token: serviceAccountToken(ns, sa, pod.metadata?.uid ?? ""), "ca.crt": clusterCACert } } };
}

/** A bound token's shape (header.claims.signature); podflow signs nothing, so the signature is a placeholder. */
function serviceAccountToken(ns: string, sa: string, podUid: string): string {
  // The claims are ASCII, so btoa (in Node and browsers alike) encodes them; then base64url's alphabet.
  const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  const claims = { aud: ["https://kubernetes.default.svc.cluster.local"], iss: "https://kubernetes.default.svc.cluster.local", sub: `system:serviceaccount:${ns}:${sa}`, "kubernetes.io": { namespace: ns, serviceaccount: { name: sa }, pod: { uid: podUid } } };
  return `${b64({ alg: "RS256", kid: "podflow" })}.${b64(claims)}.cG9kZmxvdw`;
}

// The kube-root-ca.crt ConfigMap's content, abbreviated: podflow has no real CA (a PEM block's shape only).
const clusterCACert = "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIcG9kZmxvdzANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQD\nEwprdWJlcm5ldGVzMB4XDTI2MDEwMTAwMDAwMFoXDTM2MDEwMTAwMDAwMFowFTET\n-----END CERTIFICATE-----\n";

export function containerEnv(ctx: KubeletContext, w: PodWorker, c: ContainerRecord): Record<string, string> {
  const env: Record<string, string> = {
    HOSTNAME: w.pod.metadata!.name!,
    KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443", KUBERNETES_SERVICE_PORT_HTTPS: "443",
    KUBERNETES_PORT: "tcp://10.96.0.1:443", KUBERNETES_PORT_443_TCP: "tcp://10.96.0.1:443", KUBERNETES_PORT_443_TCP_PROTO: "tcp",
    KUBERNETES_PORT_443_TCP_PORT: "443", KUBERNETES_PORT_443_TCP_ADDR: "10.96.0.1",
  };
  const fields: Record<string, string | undefined> = {
    "metadata.name": w.pod.metadata?.name, "metadata.namespace": w.pod.metadata?.namespace, "metadata.uid": w.uid,
    "spec.nodeName": ctx.node, "spec.serviceAccountName": w.pod.spec?.serviceAccountName, "status.podIP": w.ip, "status.hostIP": ctx.hostIP,
  };
  // Variable names and references come from the pod spec: "__proto__" or "constructor" is a name like any other.
  for (const e of c.spec.env ?? []) {
    if (e.value !== undefined) setOwn(env, e.name, e.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n: string) => getOwn(env, n) ?? m));
    else if (e.valueFrom?.fieldRef) setOwn(env, e.name, getOwn(fields, e.valueFrom.fieldRef.fieldPath) ?? "");
    else setOwn(env, e.name, "");
  }
  return env;
}

function gracePeriodSeconds(w: PodWorker): number {
  const g = w.gone ? 0 : w.pod.metadata?.deletionGracePeriodSeconds ?? w.pod.spec?.terminationGracePeriodSeconds ?? 30;
  return Math.max(g, minimumGracePeriodSeconds);
}

function stopContainer(ctx: KubeletContext, w: PodWorker, c: ContainerRecord, grace: number, fx: Fx): void {
  c.stopping = true;
  cancelProbes(w, c, fx);
  const preStop = w.gone ? undefined : c.spec.lifecycle?.preStop;
  runtimeCall(ctx, w, ctx.cri, { type: "StopContainer", containerId: c.id, timeoutSeconds: grace, podIP: w.ip ?? "", ...(preStop ? { preStop } : {}) }, { kind: "StopContainer", container: c.name }, fx, false);
}

function syncTerminating(ctx: KubeletContext, w: PodWorker, fx: Fx): void {
  // The sync in progress finishes its runtime call first: a sandbox or container it creates is
  // then stopped like any other, and the pod is not terminal while one may still appear.
  if (w.op !== undefined) return;
  const grace = gracePeriodSeconds(w);
  // Regular containers stop first; sidecars only once they are gone (reverse of start).
  const regular = w.containers.filter((c) => c.kind !== "sidecar");
  const sidecars = w.containers.filter((c) => c.kind === "sidecar");
  for (const group of [regular, sidecars]) {
    let busy = false;
    for (const c of group) {
      if (c.running && !c.stopping) {
        podEvent(ctx, w, c, "Normal", "Killing", `Stopping container ${c.name}`, fx);
        stopContainer(ctx, w, c, grace, fx);
      }
      if (c.running || c.stopping) busy = true;
    }
    if (busy) return;
  }
  w.state = "TerminatedPod";
}

function syncTerminated(ctx: KubeletContext, w: PodWorker, fx: Fx): void {
  if (w.op !== undefined) return;
  if (w.sandboxId && !w.sandboxStopped) {
    runtimeCall(ctx, w, ctx.cri, { type: "StopPodSandbox", sandboxId: w.sandboxId }, { kind: "StopPodSandbox" }, fx);
    return;
  }
  // The IP goes back to IPAM only now that its sandbox has stopped.
  if (w.sandboxId && (w.ip || w.recovered) && !w.networkReleased) {
    runtimeCall(ctx, w, ctx.cni, { type: "CniDel", sandboxId: w.sandboxId }, { kind: "CniDel" }, fx);
    return;
  }
  const deleting = w.gone || w.pod.metadata?.deletionTimestamp !== undefined;
  if (deleting && w.sandboxId && !w.sandboxRemoved) {
    runtimeCall(ctx, w, ctx.cri, { type: "RemovePodSandbox", sandboxId: w.sandboxId }, { kind: "RemovePodSandbox" }, fx);
    return;
  }
  if (w.gone) {
    for (const c of w.containers) if (c.id) ctx.byContainer.delete(c.id);
    fx.cancel(`resync/${w.uid}`);
    ctx.workers.delete(w.uid);
    return;
  }
  if (deleting && !w.deleteSent && !w.status.inFlight && !w.status.dirty && w.status.terminalWritten) {
    // The final status is written: the kubelet finishes the deletion the API server started.
    w.deleteSent = true;
    request(ctx.client, fx, { verb: "delete", group: "", resource: "pods", namespace: w.pod.metadata!.namespace, name: w.pod.metadata!.name, gracePeriodSeconds: 0, body: { preconditions: { uid: w.uid } } }, "pod-delete", w.uid);
  }
}

// ---- runtime responses -----------------------------------------------------------------

/** A CRI or CNI answer, or a PLEG container event. */
export function onRuntime(ctx: KubeletContext, msg: CriResponse | CniResponse, fx: Fx): void {
  if (msg.type === "ContainerExited") return onContainerExited(ctx, msg, fx);
  if (msg.type === "ListPodSandboxResult" || msg.type === "ListContainersResult") return onRuntimeListed(ctx, msg, fx);
  const op = ctx.ops.get(msg.id);
  if (!op) return;
  ctx.ops.delete(msg.id);
  const w = ctx.workers.get(op.uid);
  if (!w) return;
  if (w.op === msg.id) delete w.op;
  const c = op.container !== undefined ? w.containers.find((x) => x.name === op.container) : undefined;
  switch (msg.type) {
    case "RunPodSandboxResult": w.sandboxId = msg.sandboxId; break;
    case "CniAddResult":
      if (msg.ok) w.ip = msg.ip;
      else {
        podEvent(ctx, w, undefined, "Warning", "FailedCreatePodSandBox", `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${msg.sandboxId}": ${msg.error}`, fx);
        resyncAfter(w, syncRetryMs * 10, fx);
        return writeStatus(ctx, w, fx);
      }
      break;
    case "StopPodSandboxResult": w.sandboxStopped = true; break;
    case "CniDelResult": w.networkReleased = true; break;
    case "RemovePodSandboxResult": w.sandboxRemoved = true; break;
    case "ImageStatusResult": if (c) c.step.present = msg.present; break;
    case "PullImageResult": if (c) onPulled(ctx, w, c, msg, fx); break;
    case "CreateContainerResult":
      if (!c) break;
      if (msg.ok) {
        c.step.createdId = msg.containerId;
        c.image = msg.image;
        c.attempts++;
        ctx.byContainer.set(msg.containerId, { uid: w.uid, name: c.name });
        podEvent(ctx, w, c, "Normal", "Created", `Created container: ${c.name}`, fx);
      } else {
        setWaiting(ctx, w, c, msg.reason, msg.message, [["Warning", "Failed", `Error: ${msg.message}`]], fx);
        c.step = {};
        resyncAfter(w, syncRetryMs * 10, fx);
        return writeStatus(ctx, w, fx);
      }
      break;
    case "StartContainerResult": if (c) onStarted(ctx, w, c, msg, fx); break;
    case "StopContainerResult": break;
    case "ExecProbeResult": if (c && op.probe) onProbeResult(ctx, w, c, op.probe, msg, fx); return;
    default: break;
  }
  sync(ctx, w, fx);
}

function onPulled(ctx: KubeletContext, w: PodWorker, c: ContainerRecord, msg: Extract<CriResponse, { type: "PullImageResult" }>, fx: Fx): void {
  const image = c.spec.image ?? "";
  if (msg.ok) {
    c.step.image = msg.pulled;
    podEvent(ctx, w, c, "Normal", "Pulled", `Successfully pulled image "${image}" in ${goDuration(msg.durationMs)} (${goDuration(msg.durationMs)} including waiting). Image size: ${msg.pulled.sizeBytes} bytes.`, fx);
    return;
  }
  c.step = {};
  if (msg.failure.reason === "InvalidImageName") {
    setWaiting(ctx, w, c, "InvalidImageName", msg.failure.message, [["Warning", "InspectFailed", msg.failure.message], ["Warning", "Failed", "Error: InvalidImageName"]], fx);
    return;
  }
  const full = pullFailureMessage(image, msg.failure);
  const rpc = full.slice(`Failed to pull image "${image}": `.length);
  const prev = w.pullBackoff.get(image);
  const next = nextBackoff(prev, ctx.now, imageBackOffMaxMs);
  w.pullBackoff.set(image, { ...next, prevErr: `ErrImagePull: ${rpc}` });
  podEvent(ctx, w, c, "Warning", "Failed", full, fx);
  setWaiting(ctx, w, c, "ErrImagePull", rpc, [["Warning", "Failed", "Error: ErrImagePull"]], fx);
  // The pod worker retries a failed sync soon; inside the back-off that shows ImagePullBackOff.
  resyncAfter(w, syncRetryMs, fx);
}

function onStarted(ctx: KubeletContext, w: PodWorker, c: ContainerRecord, msg: Extract<CriResponse, { type: "StartContainerResult" }>, fx: Fx): void {
  c.step = {};
  c.id = msg.containerId;
  if (!msg.ok) {
    c.pendingExit = true;
    podEvent(ctx, w, c, "Warning", "Failed", `Error: ${msg.message}`, fx);
    return;
  }
  if (c.terminated) c.last = c.terminated;
  delete c.terminated;
  delete c.waiting;
  c.running = true;
  c.startedAt = msg.startedAt;
  c.started = !c.spec.startupProbe;
  podEvent(ctx, w, c, "Normal", "Started", `Started container ${c.name}`, fx);
  startProbes(w, c, fx);
}

function onContainerExited(ctx: KubeletContext, msg: Extract<CriResponse, { type: "ContainerExited" }>, fx: Fx): void {
  const ref = ctx.byContainer.get(msg.containerId);
  const w = ref && ctx.workers.get(ref.uid);
  const c = w?.containers.find((x) => x.name === ref!.name);
  if (!w || !c || c.id !== msg.containerId) return;
  c.running = false;
  c.stopping = false;
  c.started = false;
  delete c.pendingExit;
  cancelProbes(w, c, fx);
  c.terminated = { exitCode: msg.exitCode, reason: msg.reason, startedAt: msg.startedAt, finishedAt: msg.finishedAt, containerID: `containerd://${msg.containerId}`, ...(msg.message ? { message: msg.message } : {}) };
  delete c.waiting;
  sync(ctx, w, fx);
}

// ---- prober ------------------------------------------------------------------------------

const probeKinds: ProbeKind[] = ["startup", "liveness", "readiness"];

function probeSpec(c: Container, kind: ProbeKind): Probe | undefined {
  return kind === "startup" ? c.startupProbe : kind === "liveness" ? c.livenessProbe : c.readinessProbe;
}

function probeKey(w: PodWorker, c: ContainerRecord, kind: ProbeKind): string {
  return `probe/${w.uid}/${c.name}/${kind}`;
}

function startProbes(w: PodWorker, c: ContainerRecord, fx: Fx): void {
  for (const kind of probeKinds) {
    const spec = probeSpec(c.spec, kind);
    if (!spec) continue;
    // Readiness starts as failure, liveness as success, startup as unknown (prober/results).
    c.probes[kind] = { kind, spec, successes: 0, failures: 0, result: kind === "readiness" ? "failure" : kind === "liveness" ? "success" : "unknown" };
    // The first readiness and startup probes are pending work (settle waits for a pod's first
    // verdict); every later tick, and liveness, is the steady state of a running pod.
    fx.after(probeKey(w, c, kind), (spec.initialDelaySeconds ?? 0) * 1000, { type: "ProbeTick", uid: w.uid, container: c.name, kind }, kind === "liveness");
  }
}

function cancelProbes(w: PodWorker, c: ContainerRecord, fx: Fx): void {
  for (const kind of probeKinds) if (c.probes[kind]) fx.cancel(probeKey(w, c, kind));
  c.probes = {};
}

/** The probe's action with ports and host resolved (named ports from the container's ports). */
export function probeAction(p: Probe, c: Container, podIP: string): ProbeAction | undefined {
  const port = (x: number | string | undefined) => (typeof x === "number" ? x : Number((c.ports ?? []).find((cp) => cp.name === x)?.containerPort ?? x));
  if (p.exec) return { kind: "exec", command: p.exec.command ?? [] };
  if (p.httpGet) return { kind: "httpGet", scheme: p.httpGet.scheme ?? "HTTP", host: p.httpGet.host ?? podIP, port: port(p.httpGet.port), path: p.httpGet.path ?? "/" };
  if (p.tcpSocket) return { kind: "tcpSocket", host: p.tcpSocket.host ?? podIP, port: port(p.tcpSocket.port) };
  if (p.grpc) return { kind: "grpc", host: podIP, port: p.grpc.port, ...(p.grpc.service ? { service: p.grpc.service } : {}) };
  return undefined;
}

/** A probe worker's tick: probe unless gated by the startup probe, then schedule the next tick. */
export function probeTick(ctx: KubeletContext, uid: string, name: string, kind: ProbeKind, fx: Fx): void {
  const w = ctx.workers.get(uid);
  const c = w?.containers.find((x) => x.name === name);
  const st = c?.probes[kind];
  if (!w || !c || !st || !c.running || c.stopping) return;
  fx.after(probeKey(w, c, kind), (st.spec.periodSeconds ?? 10) * 1000, { type: "ProbeTick", uid, container: name, kind }, true);
  if (kind !== "startup" && c.probes.startup && !c.started) return;
  if (kind === "startup" && c.started) return;
  const action = probeAction(st.spec, c.spec, w.ip ?? "");
  if (!action) return;
  runtimeCall(ctx, w, ctx.cri, { type: "ExecProbe", containerId: c.id, action, timeoutSeconds: st.spec.timeoutSeconds ?? 1 }, { kind: "ExecProbe", container: name, probe: kind, containerId: c.id! }, fx, false);
}

function capitalized(kind: ProbeKind): string {
  return kind[0]!.toUpperCase() + kind.slice(1);
}

function onProbeResult(ctx: KubeletContext, w: PodWorker, c: ContainerRecord, kind: ProbeKind, msg: Extract<CriResponse, { type: "ExecProbeResult" }>, fx: Fx): void {
  const st = c.probes[kind];
  if (!st || c.id !== msg.containerId || !c.running || c.stopping) return;
  if (msg.result === "success") {
    st.successes++;
    st.failures = 0;
    if (st.result !== "success" && st.successes >= (st.spec.successThreshold ?? 1)) {
      st.result = "success";
      if (kind === "startup") c.started = true;
      sync(ctx, w, fx);
    }
    return;
  }
  st.failures++;
  st.successes = 0;
  podEvent(ctx, w, c, "Warning", "Unhealthy", `${capitalized(kind)} probe failed: ${msg.output.trimEnd()}`, fx);
  if (st.failures < (st.spec.failureThreshold ?? 3)) return;
  const was = st.result;
  st.result = "failure";
  if (kind === "readiness") {
    if (was !== "failure") writeStatus(ctx, w, fx);
    return;
  }
  // Liveness and startup failures restart the container (if the restart policy allows).
  podEvent(ctx, w, c, "Normal", "Killing", `Container ${c.name} failed ${kind} probe, will be restarted`, fx);
  const grace = st.spec.terminationGracePeriodSeconds ?? w.pod.spec?.terminationGracePeriodSeconds ?? 30;
  stopContainer(ctx, w, c, Math.max(grace, minimumGracePeriodSeconds), fx);
}

// ---- status manager ----------------------------------------------------------------------

function isReady(c: ContainerRecord): boolean {
  // A regular init container is ready once it has completed successfully, never while it runs.
  if (c.kind === "init") return !c.running && c.terminated?.exitCode === 0;
  if (!c.running || c.stopping) return false;
  const r = c.probes.readiness;
  return r ? r.result === "success" : c.started;
}

function terminatedState(t: Terminated): any {
  return { terminated: { exitCode: t.exitCode, reason: t.reason, ...(t.message ? { message: t.message } : {}), startedAt: rfc3339(t.startedAt), finishedAt: rfc3339(t.finishedAt), containerID: t.containerID } };
}

/** One container's status as the kubelet reports it. */
export function containerStatus(w: PodWorker, c: ContainerRecord): ContainerStatus {
  const hasInit = w.containers.some((x) => x.kind !== "regular");
  const defaultReason = c.kind !== "regular" || hasInit ? "PodInitializing" : "ContainerCreating";
  let state: any;
  let lastState: any = c.last ? terminatedState(c.last) : {};
  if (c.running) state = { running: { startedAt: rfc3339(c.startedAt!) } };
  else if (c.waiting) {
    state = { waiting: { reason: c.waiting.reason, ...(c.waiting.message ? { message: c.waiting.message } : {}) } };
    if (c.terminated) lastState = terminatedState(c.terminated);
  } else if (c.terminated) state = terminatedState(c.terminated);
  else state = { waiting: { reason: defaultReason } };
  const s: ContainerStatus = {
    name: c.name, state, lastState, ready: isReady(c), restartCount: Math.max(0, c.attempts - 1),
    image: c.image?.ref ?? c.spec.image ?? "", imageID: c.image?.imageID ?? "", started: c.running && c.started,
  };
  if (c.id) s.containerID = `containerd://${c.id}`;
  return s;
}

/** The pod status the kubelet would write now (generateAPIPodStatus). */
export function generateStatus(ctx: KubeletContext, w: PodWorker): PodStatus {
  const inits = w.containers.filter((c) => c.kind !== "regular").map((c) => containerStatus(w, c));
  const regular = w.containers.filter((c) => c.kind === "regular").map((c) => containerStatus(w, c)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const status: PodStatus = { hostIP: ctx.hostIP, hostIPs: [{ ip: ctx.hostIP }] };
  if (w.ip) Object.assign(status, { podIP: w.ip, podIPs: [{ ip: w.ip }] });
  if (w.startTime !== undefined) status.startTime = rfc3339(w.startTime);
  if (inits.length) status.initContainerStatuses = inits;
  status.containerStatuses = regular;
  status.qosClass = podQOSClass(w.pod as any);
  const prior = w.pod.status?.phase;
  // lastTransitionTime is kept against what this kubelet last wrote, foreign conditions against the pod.
  const foreign = (w.pod.status?.conditions ?? []).filter((x) => !kubeletOwnedConditions.includes(x.type));
  const owned = w.status.owned ?? (w.pod.status?.conditions ?? []).filter((x) => kubeletOwnedConditions.includes(x.type));
  const probe = { ...w.pod, status: { ...status, conditions: [...foreign, ...owned] } } as Pod;
  const initialized = w.containers.some((c) => c.kind === "regular" && (c.running || c.terminated));
  let phase = podPhase(probe, { podIsTerminal: w.state === "TerminatedPod", podHasInitialized: initialized });
  if (w.failedInit) phase = "Failed";
  // Phases only move forward: a terminal phase is never left.
  if (prior === "Succeeded" || prior === "Failed") phase = prior;
  status.phase = phase;
  const sandboxReady = w.ip !== undefined && !w.sandboxStopped;
  status.conditions = podConditions({ ...probe, status: { ...probe.status, phase } } as Pod, { sandboxReady, now: rfc3339(ctx.now) });
  return podFinished(w) ? terminatePodStatus(w.pod, status) : status;
}

/** The pod worker is done with the pod (SyncTerminatedPod): its containers and sandbox are stopped. */
function podFinished(w: PodWorker): boolean {
  return w.state === "TerminatedPod" && (w.sandboxStopped || !w.sandboxId);
}

/** Writes the pod's status through pods/<name>/status when it changed; one write in flight per pod. */
export function writeStatus(ctx: KubeletContext, w: PodWorker, fx: Fx): void {
  if (w.gone || w.deleteSent) return;
  if (w.status.inFlight) {
    w.status.dirty = true;
    return;
  }
  w.status.dirty = false;
  const status = generateStatus(ctx, w);
  const text = JSON.stringify(status);
  // Already written (by this kubelet's last write, or found in the pod): the final status counts as written too.
  if (text === w.status.last || (w.pod.status !== undefined && JSON.stringify(w.pod.status) === text)) {
    w.status.last = text;
    if (podFinished(w)) w.status.terminalWritten = true;
    return;
  }
  w.status.inFlight = true;
  w.status.dirty = false;
  w.status.last = text;
  w.status.issuedTerminal = podFinished(w);
  w.status.owned = status.conditions!.filter((x) => kubeletOwnedConditions.includes(x.type));
  request(ctx.client, fx, { verb: "update", group: "", resource: "pods", namespace: w.pod.metadata!.namespace, name: w.pod.metadata!.name, subresource: "status", body: { ...w.pod, status } }, "pod-status", w.uid);
}

function onStatusWritten(ctx: KubeletContext, uid: string, res: ApiResponse, fx: Fx): void {
  const w = ctx.workers.get(uid);
  if (!w) return;
  w.status.inFlight = false;
  if (res.ok) {
    adoptPod(w, res.object);
    if (w.status.issuedTerminal) w.status.terminalWritten = true;
    if (w.status.dirty) writeStatus(ctx, w, fx);
    sync(ctx, w, fx);
    return;
  }
  w.status.last = undefined;
  // Conflict: someone else wrote the pod; re-read it and write again on top.
  if (res.code === 409) request(ctx.client, fx, { verb: "get", group: "", resource: "pods", namespace: w.pod.metadata!.namespace, name: w.pod.metadata!.name }, "pod-reread", uid);
  else if (res.code === 404) {
    w.gone = true;
    sync(ctx, w, fx);
  }
}

/** A back-off or retry timer fired: run the pod worker again. */
export function resync(ctx: KubeletContext, uid: string, fx: Fx): void {
  const w = ctx.workers.get(uid);
  if (w) sync(ctx, w, fx);
}
