// The runtime's answers (CRI and CNI results, the PLEG's container exits) and status-write answers,
// applied to the pod worker they belong to.

import type { Fx } from "../common/effects.js";
import { request } from "../common/client.js";
import type { ApiResponse } from "../messages.js";
import type { CriResponse } from "../cri/messages.js";
import type { CniResponse } from "../cni/messages.js";
import { pullFailureMessage } from "../cri/registry.js";
import { syncRetryMs, type ContainerRecord, type KubeletContext, type PodWorker, type ProbeKind } from "./types.js";
import { goDuration, podEvent } from "./events.js";
import { isRunning, isStopping, stepContainer, stepPull, stepWorker } from "./lifecycles.js";
import { adoptPod, awaitsRuntimeInSyncPod, onHostPathsChecked, sandboxFailed, sync, workerOf } from "./podworkers.js";
import { configErrorRetryMs, resyncAfter, setWaiting, stopContainer, withMinimumGrace } from "./kuberuntime.js";
import { cancelProbes, probeResult, startProbes, stepProbe } from "./prober.js";
import { writeStatus } from "./statusmanager.js";
import { mutant } from "../common/mutation.js";
import { view } from "./view.js";
import { terminationMessage, truncatePodMessage } from "./containerfiles.js";
import { onImageVolumeAnswer } from "./imagevolumes.js";

// ---- runtime responses -----------------------------------------------------------------

/** A CRI or CNI answer, or a PLEG container event. */
export function onRuntime(ctx: KubeletContext, msg: CriResponse | CniResponse, fx: Fx): void {
  if (msg.type === "ContainerExited") return onContainerExited(ctx, msg, fx);
  if (msg.type === "PreStopHookFailed") return onPreStopHookFailed(ctx, msg, fx);
  if (msg.type === "PostStartHookFailed") return onPostStartHookFailed(ctx, msg, fx);
  // The runtime's listing is answered only while the kubelet lists it (the machine routes those).
  if (msg.type === "ListPodSandboxResult" || msg.type === "ListContainersResult") return;
  const op = ctx.ops.get(msg.id);
  if (!op) return;
  ctx.ops.delete(msg.id);
  const w = workerOf(ctx, op.uid);
  if (!w) return;
  if (w.op === msg.id) delete w.op;
  const c = op.container !== undefined ? w.containers.find((x) => x.name === op.container) : undefined;
  // exhaustive over the CRI and CNI answers: each case says whether the worker syncs after it. A
  // switch, not ts-pattern's builder: every runtime answer comes through here, and the builder made
  // its arms' objects and closures per call; a type left without a case still does not compile.
  let thenSync: boolean;
  switch (msg.type) {
    case "RunPodSandboxResult":
      if (msg.error !== undefined) {
        sandboxFailed(ctx, w, `rpc error: code = Unknown desc = ${msg.error}`, fx);
        thenSync = false;
        break;
      }
      w.sandboxId = msg.sandboxId;
      stepWorker(w, { type: "SandboxReady" }, fx);
      if (mutant("kubelet.containers-before-ip")) stepWorker(w, { type: "NetworkReady" }, fx);
      thenSync = true;
      break;
    case "CniAddResult":
      if (msg.ok) {
        w.ip = msg.ip;
        if (msg.secondaryIP !== undefined) w.ipV6 = msg.secondaryIP;
        stepWorker(w, { type: "NetworkReady" }, fx);
        thenSync = true;
      } else {
        sandboxFailed(ctx, w, `rpc error: code = Unknown desc = failed to setup network for sandbox "${msg.sandboxId}": ${msg.error}`, fx);
        thenSync = false;
      }
      break;
    case "StopPodSandboxResult": w.sandboxStopped = true; thenSync = true; break;
    case "CniDelResult": w.networkReleased = true; thenSync = true; break;
    case "RemovePodSandboxResult": w.sandboxRemoved = true; thenSync = true; break;
    case "ImageStatusResult":
      if (op.volume !== undefined) onImageVolumeAnswer(ctx, w, op.volume, msg, fx);
      else if (c) c.step = { ...c.step, present: msg.present };
      thenSync = true;
      break;
    case "CheckHostPathsResult": thenSync = onHostPathsChecked(ctx, w, msg.failures, fx); break;
    case "ReadVolumeFilesResult": if (c) c.step = { ...c.step, envFiles: msg.files }; thenSync = true; break;
    case "PullImageResult":
      if (op.volume !== undefined) {
        onImageVolumeAnswer(ctx, w, op.volume, msg, fx);
        thenSync = true;
      } else thenSync = c ? onPulled(ctx, w, c, msg, fx) : true;
      break;
    case "CreateContainerResult":
      if (msg.ok) {
        if (c) {
          c.step = { ...c.step, createdId: msg.containerId };
          c.image = msg.image;
          c.user = msg.user;
          c.attempts++;
          // the resources it was created with are what its cgroup has (an in-place resize updates them)
          if (op.resources !== undefined) c.actuated = view(op.resources);
          ctx.byContainer.set(msg.containerId, { uid: w.uid, name: c.name });
          podEvent(ctx, w, c, "Normal", "Created", "Container created", fx);
        }
        thenSync = true;
        break;
      }
      if (!c) {
        thenSync = true;
        break;
      }
      setWaiting(ctx, w, c, msg.reason === "CreateContainerConfigError" ? "CreateContainerConfigError" : "CreateContainerError", msg.message, [["Warning", "Failed", `Error: ${msg.message}`]], fx, true);
      c.step = {};
      resyncAfter(w, syncRetryMs * 10, fx);
      writeStatus(ctx, w, fx);
      thenSync = false;
      break;
    case "StartContainerResult": if (c) onStarted(ctx, w, c, msg, fx); thenSync = true; break;
    case "ExecProbeResult": if (c && op.probe) onProbeResult(ctx, w, c, op.probe, msg, fx); thenSync = false; break;
    case "StopContainerResult": case "ContainerLogsResult": thenSync = true; break;
    case "UpdateContainerResourcesResult":
      // the runtime has the allocation now; a refused update (the container stopped meanwhile) is retried by the next sync
      if (msg.ok && c) c.actuated = view(op.resources);
      if (msg.ok) thenSync = true;
      else {
        resyncAfter(w, syncRetryMs, fx);
        thenSync = false;
      }
      break;
    default:
      // as ts-pattern's exhaustive() did for a value no arm matched
      throw new Error(`Pattern matching error: no pattern matches value ${JSON.stringify(msg satisfies never)}`);
  }
  if (!thenSync) return;
  sync(ctx, w, fx, true);
}

/** A pull's answer: whether the worker syncs on at once (a refused name waits out the back-off instead). */
function onPulled(ctx: KubeletContext, w: PodWorker, c: ContainerRecord, msg: Extract<CriResponse, { type: "PullImageResult" }>, fx: Fx): boolean {
  const image = c.spec.image ?? "";
  if (msg.ok) {
    stepPull(w, image, { type: "Pulled" });
    c.step = { ...c.step, image: msg.pulled };
    podEvent(ctx, w, c, "Normal", "Pulled", `Successfully pulled image "${image}" in ${goDuration(msg.durationMs)} (${goDuration(msg.durationMs)} including waiting). Image size: ${msg.pulled.sizeBytes} bytes.`, fx);
    return true;
  }
  c.step = {};
  if (msg.failure.reason === "InvalidImageName") {
    // the kubelet refuses such a name before pulling (tryStart); should the runtime refuse one, the
    // sync fails alike: syncing again at once would ask again at once, forever
    stepPull(w, image, { type: "PullRefused" });
    setWaiting(ctx, w, c, "InvalidImageName", msg.failure.message, [["Warning", "InspectFailed", msg.failure.message], ["Warning", "Failed", "Error: InvalidImageName"]], fx);
    resyncAfter(w, configErrorRetryMs, fx);
    return false;
  }
  const full = pullFailureMessage(image, msg.failure);
  const rpc = full.slice(`Failed to pull image "${image}": `.length);
  stepPull(w, image, { type: "PullFailed", now: ctx.now, error: rpc });
  podEvent(ctx, w, c, "Warning", "Failed", full, fx);
  setWaiting(ctx, w, c, "ErrImagePull", rpc, [["Warning", "Failed", "Error: ErrImagePull"]], fx);
  // The pod worker retries a failed sync soon; inside the back-off that shows ImagePullBackOff.
  resyncAfter(w, syncRetryMs, fx);
  return true;
}

function onStarted(ctx: KubeletContext, w: PodWorker, c: ContainerRecord, msg: Extract<CriResponse, { type: "StartContainerResult" }>, fx: Fx): void {
  c.step = {};
  delete c.restartForChange;
  if (!msg.ok) {
    stepContainer(c, { type: "StartFailed", containerId: msg.containerId });
    podEvent(ctx, w, c, "Warning", "Failed", `Error: ${msg.message}`, fx);
    return;
  }
  stepContainer(c, { type: "Started", containerId: msg.containerId, startedAt: msg.startedAt });
  c.started = !c.spec.startupProbe;
  podEvent(ctx, w, c, "Normal", "Started", "Container started", fx);
  startProbes(w, c, fx);
}

/** The worker and container record a runtime container id is, while that record still runs that container. */
function containerOf(ctx: KubeletContext, containerId: string): { w: PodWorker; c: ContainerRecord } | undefined {
  const ref = ctx.byContainer.get(containerId);
  const w = ref && workerOf(ctx, ref.uid);
  const c = w?.containers.find((x) => x.name === ref!.name);
  return w && c && c.lifecycle.context.id === containerId ? { w, c } : undefined;
}

/**
 * startContainer's step 4: a failed postStart hook is recorded without its message (it may hold
 * secrets), and the container is killed with the pod's grace period, the reason as Killing's message.
 */
function onPostStartHookFailed(ctx: KubeletContext, msg: Extract<CriResponse, { type: "PostStartHookFailed" }>, fx: Fx): void {
  const found = containerOf(ctx, msg.containerId);
  if (!found) return;
  const { w, c } = found;
  cancelProbes(w, c, fx);
  podEvent(ctx, w, c, "Warning", "FailedPostStartHook", "PostStartHook failed", fx);
  podEvent(ctx, w, c, "Normal", "Killing", "FailedPostStartHook", fx);
  stopContainer(ctx, w, c, withMinimumGrace(w.pod.spec?.terminationGracePeriodSeconds ?? 30), fx);
}

function onContainerExited(ctx: KubeletContext, msg: Extract<CriResponse, { type: "ContainerExited" }>, fx: Fx): void {
  const found = containerOf(ctx, msg.containerId);
  if (!found) return;
  const { w, c } = found;
  c.started = false;
  cancelProbes(w, c, fx);
  const message = exitMessage(w, c, msg);
  stepContainer(c, { type: "Exited", terminated: { exitCode: msg.exitCode, reason: msg.reason, startedAt: msg.startedAt, finishedAt: msg.finishedAt, containerID: `containerd://${msg.containerId}`, ...(message ? { message } : {}) } });
  sync(ctx, w, fx);
}

/** executePreStopHook: a failed hook is recorded without its message (it may hold secrets); the stop goes on. */
function onPreStopHookFailed(ctx: KubeletContext, msg: Extract<CriResponse, { type: "PreStopHookFailed" }>, fx: Fx): void {
  const found = containerOf(ctx, msg.containerId);
  if (found) podEvent(ctx, found.w, found.c, "Warning", "FailedPreStopHook", "PreStopHook failed", fx);
}

/**
 * The terminated state's message: the runtime's, then ": " and the termination message (the file,
 * or the log tail under FallbackToLogsOnError), cut to the pod's share of 12 KiB.
 */
function exitMessage(w: PodWorker, c: ContainerRecord, msg: Extract<CriResponse, { type: "ContainerExited" }>): string {
  const own = msg.message ?? "";
  const t = terminationMessage(view(c.spec), msg.exitCode, msg.terminationFile, msg.logTail);
  return truncatePodMessage(view(w.pod), t === "" ? own : own === "" ? t : `${own}: ${t}`);
}

function capitalized(kind: ProbeKind): string {
  return kind[0]!.toUpperCase() + kind.slice(1);
}

function onProbeResult(ctx: KubeletContext, w: PodWorker, c: ContainerRecord, kind: ProbeKind, msg: Extract<CriResponse, { type: "ExecProbeResult" }>, fx: Fx): void {
  const st = c.probes[kind];
  if (!st || c.lifecycle.context.id !== msg.containerId || !isRunning(c) || isStopping(c)) return;
  const was = probeResult(st);
  if (msg.result === "success") {
    stepProbe(w, c, kind, { type: "ProbeSucceeded" }, fx);
    if (was !== "Success" && probeResult(c.probes[kind]!) === "Success") {
      if (kind === "startup") c.started = true;
      sync(ctx, w, fx);
    }
    return;
  }
  stepProbe(w, c, kind, { type: "ProbeFailed" }, fx);
  podEvent(ctx, w, c, "Warning", "Unhealthy", `${capitalized(kind)} probe failed: ${msg.output.trimEnd()}`, fx);
  if (c.probes[kind]!.context.failures < (st.context.spec.failureThreshold ?? 3) - (kind !== "readiness" && mutant("kubelet.liveness-fails-one-early") ? 1 : 0)) return;
  if (kind === "readiness") {
    if (was !== "Failure") writeStatus(ctx, w, fx);
    return;
  }
  // Liveness and startup failures restart the container (if the restart policy allows).
  podEvent(ctx, w, c, "Normal", "Killing", `Container ${c.name} failed ${kind} probe, will be restarted`, fx);
  const grace = (mutant("kubelet.probe-kill-ignores-probe-grace") ? undefined : st.context.spec.terminationGracePeriodSeconds) ?? w.pod.spec?.terminationGracePeriodSeconds ?? 30;
  stopContainer(ctx, w, c, withMinimumGrace(grace), fx);
}

export function onStatusWritten(ctx: KubeletContext, uid: string, res: ApiResponse, fx: Fx): void {
  const w = workerOf(ctx, uid);
  if (!w) return;
  w.status.inFlight = false;
  if (res.ok) {
    adoptPod(w, res.object);
    if (w.status.issuedTerminal) w.status.terminalWritten = true;
    // a status generated inside a SyncPod still awaiting the runtime is none Kubernetes sets: the SyncPod's end writes
    if (w.status.dirty && !awaitsRuntimeInSyncPod(w)) writeStatus(ctx, w, fx);
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

