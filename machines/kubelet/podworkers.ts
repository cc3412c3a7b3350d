// pod_workers.go: one worker per pod, SyncPod -> TerminatingPod -> TerminatedPod (syncPod,
// syncTerminatingPod, syncTerminatedPod), driving the CRI and CNI one call at a time.

import type { Container, Pod } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import type { NumberLiteral } from "../common/numberliteral.js";
import type { ApiResponse } from "../messages.js";
import { request } from "../common/client.js";
import { RETRY_BACKGROUND_FROM_MS } from "../common/workqueue.js";
import { containerShouldRestart, isRestartableInitContainer } from "./status.js";
import { syncRetryMs, type ContainerRecord, type KubeletContext, type PodWorker } from "./types.js";
import { podEvent } from "./events.js";
import { resyncAfter, runtimeCall, stopContainer, tryStart, withMinimumGrace } from "./kuberuntime.js";
import { isDataVolume, volumeFiles, volumeSetup } from "./volumes.js";
import { hostMounts, onClaimResponse } from "./claims.js";
import { onTokenResponse, requestTokens, retryFailedTokens } from "./tokens.js";
import type { CriRequest, VolumeSetup } from "../cri/messages.js";
import { getObject, syncObjectWatches } from "./objects.js";
import { writeStatus } from "./statusmanager.js";
import { containerLifecycle, isRunning, isStopping, podWorkerLifecycle, stepWorker, syncPodStep, workerState } from "./lifecycles.js";
import { mutant } from "../common/mutation.js";
import { parseTime } from "../common/time.js";
import { deleteWorker, ownWorker } from "./workertable.js";
import { hashContainer, shouldContainerBeRestarted, type RuntimePodStatus } from "./podactions.js";
import { sealed, view } from "./view.js";
import { allocateUserNamespace, userNsLength, wantsUserNamespace, type UserNamespaceMapping } from "./userns.js";
import { isDraft } from "mutative";
import { usesHostNetwork } from "./hostnetwork.js";
import { normalizeSysctlName } from "./admission.js";
import { nodenameForKernelError } from "./containerfiles.js";
import { syncActiveDeadline } from "./activedeadline.js";
import { networkErrors, networkNotReadyErrorMsg } from "./runtimestate.js";
import { allocationFromPod, deferredWorkers, handlePodResize, hasUnactuated, isResizable, resizeAction, resizeState, stepResize } from "./resize.js";

function rv(pod: Pod): number {
  return Number(pod.metadata?.resourceVersion ?? 0);
}

/** Keeps the newest copy of the pod (a status-write response may be newer than the watch). */
export function adoptPod(w: PodWorker, pod: Pod): void {
  if (rv(pod) >= rv(w.pod)) w.pod = sealed(pod);
}

/**
 * The pod's worker, for this step to change: the kept worker is copied (its parts that steps
 * change in place, shallowly; the pod, specs and lifecycle snapshots are replaced whole and
 * shared) into the table on first use (workertable.ts). A worker already copied or made in this
 * step is returned as it is.
 */
export function workerOf(ctx: KubeletContext, uid: string): PodWorker | undefined {
  return ownWorker(ctx, uid, copyWorker);
}

// A container's step and probes and the worker's pulls are replaced whole, never changed in place:
// the copy shares them.
function copyWorker(w: PodWorker): PodWorker {
  const containers = w.containers.map((c) => ({ ...c }));
  return { ...w, containers, status: { ...w.status } };
}

function containerRecord(pod: Pod, c: Container, kind: ContainerRecord["kind"]): ContainerRecord {
  const podHasInitContainers = (pod.spec?.initContainers ?? []).length > 0;
  return { name: c.name, kind, spec: sealed(c), lifecycle: containerLifecycle.start({ podHasInitContainers }).snapshot, attempts: 0, step: {}, started: false, probes: {} };
}

export function newWorker(pod: Pod, seenAt?: number): PodWorker {
  const rec = (c: Container, kind: ContainerRecord["kind"]) => containerRecord(pod, c, kind);
  const containers = [
    ...(pod.spec?.initContainers ?? []).map((c) => rec(c, isRestartableInitContainer(c) ? "sidecar" : "init")),
    ...(pod.spec?.containers ?? []).map((c) => rec(c, "regular")),
    ...(pod.spec?.ephemeralContainers ?? []).map((c) => rec(c as Container, "ephemeral")),
  ];
  // The status manager keeps the API's status.startTime (updateStatusInternal): a worker made for a
  // pod that already started (a restarted kubelet whose runtime lost the sandbox) starts from it.
  const started = parseTime(pod.status?.startTime);
  return {
    ...(Number.isFinite(started) ? { startTime: started } : {}),
    // the allocation manager's AddPod: the pod is admitted with the resources its spec has now
    allocation: Object.freeze(allocationFromPod(pod)),
    uid: pod.metadata!.uid!, pod: sealed(pod), lifecycle: podWorkerLifecycle.start(undefined).snapshot, sandboxStopped: false, sandboxRemoved: false, networkReleased: false,
    containers, pulls: new Map(), status: { inFlight: false, dirty: false }, gone: false, deleteSent: false, failedInit: false,
    ...(seenAt !== undefined ? { seenAt } : {}),
  };
}

/** The container exited and ShouldContainerBeRestarted keeps it down. */
function isDone(w: PodWorker, c: ContainerRecord): boolean {
  if (c.restartForChange) return false;
  const exit = view(c.lifecycle).context.terminated;
  if (exit === undefined) return false;
  const status: RuntimePodStatus = { sandboxes: [], containers: [{ id: c.lifecycle.context.id ?? "", name: c.name, state: "exited", exitCode: exit.exitCode }] };
  return !shouldContainerBeRestarted(view(c.spec), view(w.pod), status);
}

/** The worker is inside a SyncPod that awaits one of its runtime calls (Kubernetes' SyncPod has not returned). */
export function awaitsRuntimeInSyncPod(w: PodWorker): boolean {
  return w.op !== undefined && workerState(w) === "SyncPod";
}

/**
 * One pass of the pod worker. `continued`: the pass goes on with a SyncPod after one of its runtime
 * calls answered. Kubernetes' SyncPod sets the pod's status once, at its start, then makes its runtime
 * calls within the same call (sandbox, network, pulls, creates, starts): a pass inside a SyncPod that
 * still awaits the runtime writes no status; the one that ends it does, as the PLEG's next sync would.
 */
export function sync(ctx: KubeletContext, w: PodWorker, fx: Fx, continued = false): void {
  const inside = continued || w.op !== undefined;
  if (workerState(w) === "SyncPod" && (w.gone || w.pod.metadata?.deletionTimestamp)) stepWorker(w, { type: "Terminate" }, fx);
  if (workerState(w) === "SyncPod") syncPod(ctx, w, fx);
  if (workerState(w) === "TerminatingPod") syncTerminating(ctx, w, fx);
  if (workerState(w) === "TerminatedPod") syncTerminated(ctx, w, fx);
  if (!ctx.workers.has(w.uid)) return;
  if (inside && awaitsRuntimeInSyncPod(w)) return;
  const written = w.status.terminalWritten;
  writeStatus(ctx, w, fx);
  // The final status found already in the pod (a restarted kubelet's terminal pod) counts as written
  // without a write, so no answer will sync again: the deletion goes on now.
  if (!written && w.status.terminalWritten && workerState(w) === "TerminatedPod") syncTerminated(ctx, w, fx);
}

export function restartPolicy(w: PodWorker): string {
  return w.pod.spec?.restartPolicy ?? "Always";
}

/**
 * computePodActions' containerChanged: a container whose spec in the pod no longer hashes as the
 * one it runs (the image, the one field of a pod's containers an update may change) is killed
 * ("definition changed, will be restarted") and started again with the new spec, whatever the
 * restart policy; one not running just starts with the new spec next time.
 */
function restartChangedContainers(ctx: KubeletContext, w: PodWorker, fx: Fx): void {
  const specs = containerSpecs(view(w.pod));
  for (const c of w.containers) {
    const spec = specs.find((x) => x.name === c.name);
    // the very spec the record holds hashes the same (a stored pod's containers are kept as they are)
    if (!spec || spec === view(c.spec) || hashContainer(spec) === hashContainer(view(c.spec))) continue;
    c.spec = sealed(spec);
    if (!isRunning(c) || isStopping(c)) continue;
    c.restartForChange = true;
    podEvent(ctx, w, c, "Normal", "Killing", `Container ${c.name} definition changed, will be restarted`, fx);
    stopContainer(ctx, w, c, gracePeriodSeconds(w), fx);
  }
}

/**
 * computePodResizeAction and doPodResizeAction: each running resizable container whose runtime
 * resources are not its allocation is updated in place (UpdateContainerResources, one call at a
 * time), or killed and started again where its resizePolicy says RestartContainer for a resource
 * that moved. Once every running container has its allocation the resize is no longer in progress.
 * True while a runtime call is in flight.
 */
function actuateResize(ctx: KubeletContext, w: PodWorker, fx: Fx): boolean {
  const allocation = view(w.allocation);
  if (allocation === undefined) return false;
  const specs = containerSpecs(view(w.pod));
  for (const c of w.containers) {
    if (!isResizable(c) || !isRunning(c) || isStopping(c) || c.restartForChange || !Object.hasOwn(allocation, c.name)) continue;
    const allocated = allocation[c.name]!;
    const action = resizeAction(specs.find((x) => x.name === c.name) ?? view(c.spec), view(c.actuated), allocated);
    if (action === "none") continue;
    if (action === "restart") {
      // started again as any changed container is, with the allocated resources
      c.restartForChange = true;
      podEvent(ctx, w, c, "Normal", "Killing", `Container ${c.name} resize requires restart`, fx);
      stopContainer(ctx, w, c, gracePeriodSeconds(w), fx);
      continue;
    }
    runtimeCall(ctx, w, ctx.cri, { type: "UpdateContainerResources", containerId: c.lifecycle.context.id!, resources: allocated }, { kind: "UpdateContainerResources", container: c.name, resources: allocated }, fx);
    return true;
  }
  const unactuated = hasUnactuated(w, (c) => (isRunning(c) && !isStopping(c)) || c.restartForChange === true);
  const state = resizeState(w);
  if (state === "inProgress" && !unactuated) stepResize(w, { type: "ResizeActuated" });
  // an allocation the runtime has yet to apply shows in progress (IsPodResizeInProgress) even with no resize asked since
  else if (state === "noResize" && unactuated) stepResize(w, { type: "ResizeAllocated", generation: view(w.pod).metadata?.generation ?? 0, now: ctx.now });
  return false;
}

/**
 * RetryPendingResizes: a pod left the node or its allocation shrank, so the deferred resizes of the
 * others are tried again (each worker once: one that now fits is no longer deferred).
 */
function retryDeferredResizes(ctx: KubeletContext, except: string, fx: Fx): void {
  for (const uid of deferredWorkers(ctx)) {
    if (uid === except) continue;
    const o = workerOf(ctx, uid);
    if (o !== undefined && workerState(o) === "SyncPod" && resizeState(o) === "pending.deferred") sync(ctx, o, fx);
  }
}

// Every sync looks up its containers' specs in the pod, whose spec is a frozen value that the
// pod's later versions keep: the list is made once per spec.
const specsBySpec = new WeakMap<object, readonly Container[]>();

/** The pod's init and regular containers' specs, in that order. */
function containerSpecs(pod: Pod): readonly Container[] {
  const spec = pod.spec;
  const keep = spec !== undefined && Object.isFrozen(spec) && !isDraft(spec);
  let specs = keep ? specsBySpec.get(spec) : undefined;
  if (specs === undefined) {
    specs = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
    if (keep) specsBySpec.set(spec, Object.freeze(specs));
  }
  return specs;
}


/** Ephemeral containers added through pods/<name>/ephemeralcontainers since the worker last looked. */
function addEphemeralContainers(w: PodWorker): void {
  const added = (view(w.pod).spec?.ephemeralContainers ?? []).filter((e) => !w.containers.some((c) => c.name === e.name));
  if (added.length) w.containers = [...w.containers, ...added.map((e) => containerRecord(w.pod, e as Container, "ephemeral"))];
}

/** Whether the runtime ever ran the container (it has a running or a terminated state). */
function everStarted(c: ContainerRecord): boolean {
  return isRunning(c) || view(c.lifecycle).context.terminated !== undefined;
}

function syncPod(ctx: KubeletContext, w: PodWorker, fx: Fx): void {
  if (w.startTime === undefined || mutant("kubelet.start-time-reset-on-sync")) w.startTime = ctx.now;
  addEphemeralContainers(w);
  if (syncActiveDeadline(ctx, w, fx)) return void stepWorker(w, { type: "Terminate" }, fx);
  if (networkNotReady(ctx, w, fx)) return;
  restartChangedContainers(ctx, w, fx);
  if (handlePodResize(ctx, w)) retryDeferredResizes(ctx, w.uid, fx);
  if (w.op !== undefined) return;
  if (actuateResize(ctx, w, fx)) return;
  if (syncPodStep(w) === "sandbox") {
    // WaitForAttachAndMount: the pod's volumes are set up before its sandbox is created.
    const files = mountVolumes(ctx, w, fx);
    if (files === undefined) return;
    const hostPaths = hostMounts(ctx, w, fx);
    if (hostPaths === undefined) return;
    if (!hostPathsChecked(ctx, w, fx)) return;
    // every volume is set up: the volume manager's back-off starts over
    delete w.mountBackOffMs;
    delete w.claimRetries;
    // createPodSandbox: generatePodSandboxConfig (the kernel hostname of a pod off the host network) before the runtime handler
    const fqdnError = usesHostNetwork(w) ? undefined : nodenameForKernelError(view(w.pod));
    if (fqdnError !== undefined) return sandboxFailed(ctx, w, fqdnError, fx);
    const handler = runtimeHandler(ctx, w, fx);
    if (handler === undefined) return;
    const userNamespace = podUserNamespace(ctx, w);
    const volumes = (w.pod.spec?.volumes ?? []).filter((v) => v.emptyDir !== undefined).map((v) => v.name);
    const setups = volumeSetups(w.pod);
    runtimeCall(ctx, w, ctx.cri, { type: "RunPodSandbox", podUid: w.uid, podName: w.pod.metadata!.name, podNamespace: w.pod.metadata!.namespace, volumes, files, ...(Object.keys(setups).length > 0 ? { setups } : {}), ...(Object.keys(hostPaths).length > 0 ? { hostPaths } : {}), ...(handler !== "" ? { runtimeHandler: handler } : {}), ...sharedPidNamespace(w.pod), ...(userNamespace ? { userNamespace } : {}), ...sandboxSysctls(w) }, { kind: "RunPodSandbox" }, fx);
    return;
  }
  if (syncPodStep(w) === "network" && usesHostNetwork(w)) stepWorker(w, { type: "NetworkReady" }, fx);
  if (syncPodStep(w) === "network") {
    runtimeCall(ctx, w, ctx.cni, { type: "CniAdd", sandboxId: w.sandboxId, podName: w.pod.metadata!.name, podNamespace: w.pod.metadata!.namespace, podUid: w.uid }, { kind: "CniAdd" }, fx);
    return;
  }
  // computePodActions: an ephemeral container starts even before the pod is initialized, once;
  // it is never restarted, whatever the restart policy.
  for (const c of w.containers.filter((x) => x.kind === "ephemeral")) {
    if (!everStarted(c) && tryStart(ctx, w, c, fx) === "op") return;
  }
  for (const c of w.containers.filter((x) => x.kind === "init" || x.kind === "sidecar")) {
    if (c.kind === "sidecar") {
      if (isRunning(c)) {
        if (!c.started && !mutant("kubelet.sidecar-startup-not-awaited")) return; // the next init container waits for the sidecar's startup
        continue;
      }
      // the mutant lets the pod's restartPolicy Never keep an exited sidecar down
      if (mutant("kubelet.sidecar-follows-pod-restart-policy") && c.lifecycle.context.terminated && view(w.pod).spec?.restartPolicy === "Never") continue;
      if (tryStart(ctx, w, c, fx) === "op" || !c.started) return;
      continue;
    }
    const exit = c.lifecycle.context.terminated;
    if (exit?.exitCode === 0 && !isRunning(c)) continue;
    if (isRunning(c)) {
      if (mutant("kubelet.init-container-not-awaited")) continue;
      return;
    }
    // computeInitContainerActions: a failed init container that is not restarted (its own policy and
    // rules first, then the pod's: ContainerShouldRestart) fails the pod
    if (exit && !containerShouldRestart(view(c.spec), view(w.pod).spec!, exit.exitCode)) {
      w.failedInit = true;
      stepWorker(w, { type: "Terminate" }, fx);
      return;
    }
    tryStart(ctx, w, c, fx);
    return;
  }
  for (const c of w.containers.filter((x) => x.kind === "regular")) {
    if (isRunning(c)) continue;
    if (isDone(w, c)) continue;
    if (tryStart(ctx, w, c, fx) === "op") return;
  }
  const regular = w.containers.filter((x) => x.kind === "regular");
  const done = regular.every((c) => !isRunning(c) && isDone(w, c));
  if (done) stepWorker(w, { type: "Terminate" }, fx);
}

/**
 * SyncPod's network check: while the runtime's network is not ready only a hostNetwork pod goes on.
 * Any other records NetworkNotReady and fails the sync; the pod worker retries after its short
 * back-off for this error (backOffOnTransientErrorPeriod, 1 s). The pod stays Pending, without an IP.
 */
function networkNotReady(ctx: KubeletContext, w: PodWorker, fx: Fx): boolean {
  const err = networkErrors(ctx);
  if (err === undefined || usesHostNetwork(w)) return false;
  podEvent(ctx, w, undefined, "Warning", "NetworkNotReady", `${networkNotReadyErrorMsg}: ${err}`, fx);
  resyncAfter(w, syncRetryMs, fx);
  return true;
}

/** The volume manager's first retry of a failed mount, doubled up to its cap (exponentialbackoff, 500 ms to 2m2s). */
export const mountBackOffInitialMs = 500;
export const mountBackOffMaxMs = 122_000;

/**
 * A failed mount syncs the pod again after the volume manager's back-off. What it waits for (a claim
 * the PersistentVolume controller is binding, an object being made) is usually on its way, so the
 * first retries hold settle as a controller's short rate-limited retries do; the longer ones do not,
 * so a volume that never comes (a claim that never binds) still ends settle with the pod Pending.
 */
/** Each laid-out volume's setup (volumes.ts volumeSetup), by name. */
function volumeSetups(pod: Pod): Record<string, VolumeSetup> {
  const out: Record<string, VolumeSetup> = {};
  for (const v of view(pod).spec?.volumes ?? []) {
    const s = volumeSetup(view(pod), v);
    if (s) out[v.name] = s;
  }
  return out;
}

function retryMount(w: PodWorker, fx: Fx): void {
  const ms = w.mountBackOffMs === undefined ? mountBackOffInitialMs : Math.min(w.mountBackOffMs * 2, mountBackOffMaxMs);
  w.mountBackOffMs = ms;
  resyncAfter(w, ms, fx, ms < RETRY_BACKGROUND_FROM_MS);
}

/**
 * The files of the pod's configMap, secret, downwardAPI and projected volumes, or undefined while
 * one cannot be set up: a reflector not yet listed (its list resyncs the pod) or an object missing
 * (FailedMount, retried after the volume manager's back-off).
 */
function mountVolumes(ctx: KubeletContext, w: PodWorker, fx: Fx): Record<string, Record<string, string>> | undefined {
  const out: Record<string, Record<string, string>> = {};
  // the token sources' TokenRequests first: their answers resync the pod
  const asked = requestTokens(ctx, w, fx);
  w.tokens = asked.tokens;
  if (!asked.ready) return undefined;
  for (const v of view(w.pod).spec?.volumes ?? []) {
    if (!isDataVolume(v)) continue;
    const files = volumeFiles(ctx, w, v);
    if (files.kind === "notSynced") return undefined;
    if (files.kind === "error") {
      w.tokens = retryFailedTokens(w.tokens);
      podEvent(ctx, w, undefined, "Warning", "FailedMount", `MountVolume.SetUp failed for volume "${v.name}" : ${files.message}`, fx);
      retryMount(w, fx);
      return undefined;
    }
    out[v.name] = files.files;
  }
  return out;
}

/** The hostPath types whose SetUp checks the node's filesystem (pkg/volume/hostpath checkType); "" checks nothing. */
const checkedHostPathTypes = new Set(["DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"]);

/**
 * The hostPath plugin's SetUp: the type check of each typed hostPath volume on the node (here the
 * node's disk is the runtime's, so it is asked), once; false while the check is in flight.
 */
function hostPathsChecked(ctx: KubeletContext, w: PodWorker, fx: Fx): boolean {
  if (w.hostPathsChecked) return true;
  const paths = (view(w.pod).spec?.volumes ?? []).flatMap((v) => (v.hostPath?.path && checkedHostPathTypes.has(v.hostPath.type ?? "") ? [{ volume: v.name, path: v.hostPath.path, pathType: v.hostPath.type! }] : []));
  if (paths.length === 0) return true;
  runtimeCall(ctx, w, ctx.cri, { type: "CheckHostPaths", paths }, { kind: "CheckHostPaths" }, fx);
  return false;
}

/** The check's answer: each failed volume's FailedMount, retried after the volume manager's back-off; or on to the sandbox. */
export function onHostPathsChecked(ctx: KubeletContext, w: PodWorker, failures: ReadonlyArray<{ volume: string; message: string }>, fx: Fx): boolean {
  if (failures.length === 0) {
    w.hostPathsChecked = true;
    return true;
  }
  for (const f of failures) podEvent(ctx, w, undefined, "Warning", "FailedMount", `MountVolume.SetUp failed for volume "${f.volume}" : ${f.message}`, fx);
  retryMount(w, fx);
  return false;
}

/**
 * LookupRuntimeHandler: the handler of the pod's RuntimeClass ("" without one), or undefined while
 * its reflector has not listed (the list resyncs the pod) or when the class is missing
 * (FailedCreatePodSandBox, then the pod worker's back-off).
 */
function runtimeHandler(ctx: KubeletContext, w: PodWorker, fx: Fx): string | undefined {
  const name = view(w.pod).spec?.runtimeClassName;
  if (!name) return "";
  const found = getObject(ctx, "runtimeclasses", "", name);
  if (found.kind === "notSynced") return undefined;
  if (found.kind === "found") return typeof found.obj.handler === "string" ? found.obj.handler : "";
  sandboxFailed(ctx, w, found.message, fx);
  return undefined;
}

/** createPodSandbox failed: the event SyncPod records, a status write, and a retry after the pod worker's back-off. */
export function sandboxFailed(ctx: KubeletContext, w: PodWorker, err: string, fx: Fx): void {
  podEvent(ctx, w, undefined, "Warning", "FailedCreatePodSandBox", `Failed to create pod sandbox: ${err}`, fx);
  resyncAfter(w, podWorkerBackOffMs, fx);
  writeStatus(ctx, w, fx);
}

/**
 * A claim's or its volume's GET answered: the worker syncs again at once, or the sync fails. The
 * populator's error ends WaitForAttachAndMount at its next poll (not a timeout, so SyncPod records
 * FailedMount with the volume manager's lists; a claim's volume is never attachable here), and the
 * pod worker syncs again after its back-off.
 */
export function onClaimVolumeResponse(ctx: KubeletContext, purpose: "claim-pvc" | "claim-pv", data: { uid: string; volume: string; claim: string; ephemeral?: boolean; pv?: string }, res: ApiResponse, fx: Fx): void {
  const w = workerOf(ctx, data.uid);
  if (!w) return;
  const r = onClaimResponse(w, purpose, data, res, ctx, fx);
  if (r.failed !== undefined) {
    const err = r.notOwner ? r.failed : `error processing PVC ${view(w.pod).metadata?.namespace}/${data.claim}: ${r.failed}`;
    w.claimVolumes = { ...w.claimVolumes, [data.volume]: { kind: "failed", error: err } };
  }
  // the populator has processed every claim of the pod once none is still being read
  const claims = Object.entries(w.claimVolumes ?? {});
  if (claims.some(([, c]) => c.kind === "asked")) return;
  const failed = claims.filter(([, c]) => c.kind === "failed").sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (failed.length === 0) return void sync(ctx, w, fx);
  // one event for the sync: the failed volumes (sorted) and the populator's errors, a sorted set joined by "; " (PopPodErrors)
  const names = failed.map(([name]) => name).join(" ");
  const errors = [...new Set(failed.map(([, c]) => (c.kind === "failed" ? c.error : "")))].sort().join("; ");
  podEvent(ctx, w, undefined, "Warning", "FailedMount", `Unable to attach or mount volumes: unmounted volumes=[${names}], unattached volumes=[], failed to process volumes=[${names}]: ${errors}`, fx);
  retryClaims(w, fx);
}

/** The pod worker's back-off after a failed sync (backOffPeriod, 10 s). */
export const podWorkerBackOffMs = syncRetryMs * 10;

/** How many of a pod's failed claim syncs in a row hold settle: a claim being bound or made is usually on its way. */
const claimRetriesHoldingSettle = 3;

/** The claims' sync fails: again after the pod worker's back-off; the first few hold settle, so a claim that never binds still ends it. */
function retryClaims(w: PodWorker, fx: Fx): void {
  const n = (w.claimRetries ?? 0) + 1;
  w.claimRetries = n;
  resyncAfter(w, podWorkerBackOffMs, fx, n <= claimRetriesHoldingSettle);
}

/** A TokenRequest answered: the token is stored (or the refusal) and the worker syncs again. */
export function onServiceAccountTokenResponse(ctx: KubeletContext, data: { uid: string; key: string }, res: ApiResponse, fx: Fx): void {
  const w = workerOf(ctx, data.uid);
  if (!w) return;
  w.tokens = onTokenResponse(w.tokens, data.key, res);
  sync(ctx, w, fx);
}

/** The objects a running pod's volumes project changed: their files are written again (the atomic writer's update). */
export function remountVolumes(ctx: KubeletContext, w: PodWorker, fx: Fx): void {
  if (!w.sandboxId || w.sandboxStopped || workerState(w) !== "SyncPod") return;
  for (const v of view(w.pod).spec?.volumes ?? []) {
    if (!isDataVolume(v)) continue;
    const files = volumeFiles(ctx, w, v);
    if (files.kind !== "files") continue;
    const setup = volumeSetup(view(w.pod), v);
    const msg: CriRequest = { type: "WriteVolume", sandboxId: w.sandboxId, volume: v.name, files: files.files, ...(setup ? { setup } : {}) };
    fx.send(ctx.cri, msg);
  }
}

export function gracePeriodSeconds(w: PodWorker): number | NumberLiteral {
  const g = w.gone ? 0 : mutant("kubelet.grace-ignores-deletion-grace-period") ? w.pod.spec?.terminationGracePeriodSeconds ?? 30 : w.pod.metadata?.deletionGracePeriodSeconds ?? w.pod.spec?.terminationGracePeriodSeconds ?? 30;
  return withMinimumGrace(g);
}

function syncTerminating(ctx: KubeletContext, w: PodWorker, fx: Fx): void {
  // The sync in progress finishes its runtime call first: a sandbox or container it creates is
  // then stopped like any other, and the pod is not terminal while one may still appear.
  if (w.op !== undefined) return;
  const grace = gracePeriodSeconds(w);
  // Regular containers stop first; sidecars only once they are gone (reverse of start).
  const regular = w.containers.filter((c) => c.kind !== "sidecar");
  const sidecars = w.containers.filter((c) => c.kind === "sidecar");
  for (const group of mutant("kubelet.sidecars-stop-with-regular") ? [w.containers] : [regular, sidecars]) {
    let busy = false;
    for (const c of group) {
      if (isRunning(c) && !isStopping(c)) {
        podEvent(ctx, w, c, "Normal", "Killing", `Stopping container ${c.name}`, fx);
        stopContainer(ctx, w, c, grace, fx);
      }
      if (isRunning(c)) busy = true;
    }
    // the mutant goes on to StopPodSandbox once every stop is sent, not once every container has stopped
    if (busy && !mutant("kubelet.sandbox-stopped-before-containers")) return;
  }
  stepWorker(w, { type: "ContainersStopped" }, fx);
}

function syncTerminated(ctx: KubeletContext, w: PodWorker, fx: Fx): void {
  if (w.op !== undefined) return;
  if (mutant("kubelet.cni-del-before-sandbox-stop") && w.sandboxId && w.ip && !w.networkReleased) return void runtimeCall(ctx, w, ctx.cni, { type: "CniDel", sandboxId: w.sandboxId }, { kind: "CniDel" }, fx);
  if (w.sandboxId && !w.sandboxStopped) {
    runtimeCall(ctx, w, ctx.cri, { type: "StopPodSandbox", sandboxId: w.sandboxId }, { kind: "StopPodSandbox" }, fx);
    return;
  }
  // The IP goes back to IPAM only now that its sandbox has stopped.
  if (w.sandboxId && (w.ip || w.recovered) && !w.networkReleased && !usesHostNetwork(w)) {
    runtimeCall(ctx, w, ctx.cni, { type: "CniDel", sandboxId: w.sandboxId }, { kind: "CniDel" }, fx);
    return;
  }
  const deleting = w.gone || w.pod.metadata?.deletionTimestamp !== undefined;
  if (deleting && w.sandboxId && !w.sandboxRemoved) {
    runtimeCall(ctx, w, ctx.cri, { type: "RemovePodSandbox", sandboxId: w.sandboxId }, { kind: "RemovePodSandbox" }, fx);
    return;
  }
  if (w.gone) {
    for (const c of w.containers) if (c.lifecycle.context.id) ctx.byContainer.delete(c.lifecycle.context.id);
    stepWorker(w, { type: "Forget" }, fx);
    deleteWorker(ctx, w.uid);
    // UnregisterPod: the reflectors no other pod needs stop.
    syncObjectWatches(ctx, fx);
    retryDeferredResizes(ctx, w.uid, fx);
    return;
  }
  if (deleting && !w.deleteSent && !w.status.inFlight && !w.status.dirty && w.status.terminalWritten) {
    // The final status is written: the kubelet finishes the deletion the API server started.
    w.deleteSent = true;
    request(ctx.client, fx, { verb: "delete", group: "", resource: "pods", namespace: w.pod.metadata!.namespace, name: w.pod.metadata!.name, gracePeriodSeconds: 0, body: { preconditions: { uid: w.uid } } }, "pod-delete", w.uid);
  }
}

/**
 * namespacesForPod: a pod with shareProcessNamespace asks for one pid namespace (NamespaceMode
 * POD), its sandbox's /pause running as the pod's runAsUser (LinuxSandboxSecurityContext).
 */
/**
 * GetOrCreateUserNamespaceMappings for a hostUsers: false pod: the mapping it already has, or a new
 * one from the slots no other worker holds (a worker's removal releases its slot).
 */
function podUserNamespace(ctx: KubeletContext, w: PodWorker): UserNamespaceMapping | undefined {
  if (!wantsUserNamespace(w.pod)) return undefined;
  if (w.userNamespace === undefined) {
    const used = new Set<number>();
    for (const other of ctx.workers.values()) if (other.userNamespace) used.add(other.userNamespace.hostId);
    const hostId = allocateUserNamespace(w.uid, used);
    if (hostId !== undefined) w.userNamespace = { hostId, length: userNsLength };
  }
  return w.userNamespace;
}

/** generatePodSandboxLinuxConfig: the pod's sysctls, their names normalized to '.' separators first (ConvertPodSysctlsVariableToDotsSeparator), and the host network. */
function sandboxSysctls(w: PodWorker): { sysctls?: Record<string, string>; hostNetwork?: true } {
  const list = view(w.pod).spec?.securityContext?.sysctls ?? [];
  const sysctls = Object.fromEntries(list.map((s) => [normalizeSysctlName(s.name ?? ""), s.value ?? ""]));
  return { ...(list.length > 0 ? { sysctls } : {}), ...(usesHostNetwork(w) ? { hostNetwork: true as const } : {}) };
}

function sharedPidNamespace(pod: PodWorker["pod"]): { pidNamespace?: "POD"; runAsUser?: number } {
  if (pod.spec?.shareProcessNamespace !== true) return {};
  const uid = pod.spec.securityContext?.runAsUser;
  return { pidNamespace: "POD", ...(typeof uid === "number" ? { runAsUser: uid } : {}) };
}
