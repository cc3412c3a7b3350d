// The status manager: the pod status the kubelet would write now (generateAPIPodStatus), and its
// writes through pods/<name>/status, one in flight per pod.

import type { ContainerStatus, Pod, PodStatus } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import { request } from "../common/client.js";
import { rfc3339 } from "../common/time.js";
import { podQOSClass } from "../common/qos.js";
import { kubeletOwnedConditions, podConditions, podPhase, terminatePodStatus } from "./status.js";
import type { ContainerRecord, KubeletContext, PodWorker, Terminated } from "./types.js";
import { isRunning, waitingReason, workerState } from "./lifecycles.js";
import { probeResult } from "./prober.js";
import { mutant } from "../common/mutation.js";
import { view } from "./view.js";
import { podIPOf, sandboxNetworkReady } from "./hostnetwork.js";
import { deadlineExceededMessage, deadlineExceededReason, isPastActiveDeadline } from "./activedeadline.js";

// ---- status manager ----------------------------------------------------------------------

// A status names a few times (the pod's start, each container's, now): formatted once per second
// here, where rfc3339's one-entry memo would format them again at every generation (they alternate).
const timeTexts = new Map<number, string>();

function timeText(ms: number): string {
  const sec = Math.floor(ms / 1000);
  let t = timeTexts.get(sec);
  if (t === undefined) {
    if (timeTexts.size >= 4096) timeTexts.clear();
    timeTexts.set(sec, (t = rfc3339(ms)));
  }
  return t;
}

function isReady(c: ContainerRecord): boolean {
  // A regular init container is ready once it has completed successfully, never while it runs.
  if (c.kind === "init") return !isRunning(c) && view(c.lifecycle).context.terminated?.exitCode === 0;
  // No prober looks at an ephemeral container: it is never ready.
  if (c.kind === "ephemeral") return false;
  // A container being stopped (its preStop hook, its grace period) runs and keeps its readiness,
  // as the prober keeps it: a terminating pod stays Ready, its endpoint serving (1/1 Terminating).
  if (!isRunning(c)) return false;
  const r = c.probes.readiness;
  if (mutant("kubelet.ready-before-readiness-probe")) return c.started;
  return r ? probeResult(r) === "Success" : c.started;
}

function terminatedState(t: Terminated): any {
  return { terminated: { exitCode: t.exitCode, reason: t.reason, ...(t.message ? { message: t.message } : {}), startedAt: timeText(t.startedAt), finishedAt: timeText(t.finishedAt), containerID: t.containerID } };
}

/** One container's status as the kubelet reports it. */
export function containerStatus(w: PodWorker, c: ContainerRecord): ContainerStatus {
  const hasInit = w.containers.some(isInitContainer);
  const defaultReason = isInitContainer(c) || hasInit ? "PodInitializing" : "ContainerCreating";
  // A container being replaced for a changed spec: Kubernetes kills and starts it within one
  // syncPod, so no status in between reaches the API (its terminated state would be refused for a
  // pod that never restarts: "may not be transitioned to non-terminated state"). The API's keeps.
  if (c.restartForChange) {
    const old = apiStatusOf(w, c.name);
    if (old !== undefined) return old;
  }
  let state: any;
  const life = view(c.lifecycle).context;
  const reason = waitingReason(c);
  let lastState: any = life.last ? terminatedState(life.last) : {};
  if (isRunning(c)) state = { running: { startedAt: timeText(life.startedAt!) } };
  else if (reason) {
    state = { waiting: { reason, ...(life.message ? { message: life.message } : {}) } };
    if (life.terminated) lastState = terminatedState(life.terminated);
  } else if (life.terminated) state = terminatedState(life.terminated);
  else {
    // The runtime knows nothing of it (a reboot wiped it): convertToAPIContainerStatuses keeps the
    // API's terminated status as it was, so a finished pod still reads finished.
    const old = apiStatusOf(w, c.name);
    if (!life.id && old?.state?.terminated) return old;
    state = { waiting: { reason: defaultReason } };
  }
  const s: ContainerStatus = {
    name: c.name, state, lastState, ready: isReady(c), restartCount: Math.max(0, c.attempts - 1),
    image: c.image?.ref ?? view(c.spec).image ?? "", imageID: c.image?.imageID ?? "",
    // The prober sets started for regular and init containers only.
    ...(c.kind === "ephemeral" ? {} : { started: isRunning(c) && c.started }),
  };
  if (life.id) s.containerID = `containerd://${life.id}`;
  return s;
}

/** A container's status as the API holds it now. */
function apiStatusOf(w: PodWorker, name: string): ContainerStatus | undefined {
  const pod = view(w.pod);
  return [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])].find((x) => x.name === name);
}

function isInitContainer(c: ContainerRecord): boolean {
  return c.kind === "init" || c.kind === "sidecar";
}

function byName(a: ContainerStatus, b: ContainerStatus): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The pod status the kubelet would write now (generateAPIPodStatus). */
export function generateStatus(ctx: KubeletContext, w: PodWorker): PodStatus {
  const inits = w.containers.filter(isInitContainer).map((c) => containerStatus(w, c));
  const regular = w.containers.filter((c) => c.kind === "regular").map((c) => containerStatus(w, c)).sort(byName);
  // normalizeStatus sorts the ephemeral containers' statuses by name too.
  const ephemeral = w.containers.filter((c) => c.kind === "ephemeral").map((c) => containerStatus(w, c)).sort(byName);
  const status: PodStatus = { hostIP: ctx.hostIP, hostIPs: [{ ip: ctx.hostIP }] };
  const ip = podIPOf(ctx, w);
  if (ip) Object.assign(status, { podIP: ip, podIPs: [{ ip }] });
  if (w.startTime !== undefined) status.startTime = timeText(w.startTime);
  if (inits.length) status.initContainerStatuses = inits;
  status.containerStatuses = regular;
  if (ephemeral.length) status.ephemeralContainerStatuses = ephemeral;
  const pod = view(w.pod);
  status.qosClass = qosOf(pod);
  const prior = pod.status?.phase;
  // lastTransitionTime is kept against what this kubelet last wrote, foreign conditions against the pod.
  const foreign = (pod.status?.conditions ?? []).filter((x) => !kubeletOwnedConditions.includes(x.type));
  const owned = w.status.owned ?? (pod.status?.conditions ?? []).filter((x) => kubeletOwnedConditions.includes(x.type));
  const probe = podWith(pod, { ...status, conditions: [...foreign, ...owned] });
  const initialized = w.containers.some((c) => c.kind === "regular" && (isRunning(c) || view(c.lifecycle).context.terminated !== undefined));
  let phase = podPhase(probe, { podIsTerminal: workerState(w) === "TerminatedPod", podHasInitialized: initialized });
  if (w.failedInit || isPastActiveDeadline(w)) phase = "Failed";
  // Phases only move forward: a terminal phase is never left.
  if (prior === "Succeeded" || prior === "Failed") phase = prior;
  status.phase = phase;
  if (isPastActiveDeadline(w) && phase === "Failed") Object.assign(status, { reason: deadlineExceededReason, message: deadlineExceededMessage });
  const sandboxReady = sandboxNetworkReady(w) && !w.sandboxStopped;
  status.conditions = podConditions(podWith(pod, { ...probe.status, phase }), { sandboxReady, now: timeText(ctx.now) });
  return podFinished(w) ? terminatePodStatus(pod, status) : status;
}

/**
 * The pod with another status, for podPhase and podConditions, which read a pod's metadata, spec
 * and status only: built of those three, as a spread of the stored pod was the slowest line of a
 * status's generation (V8 copies pods of many shapes slowly).
 */
function podWith(pod: Pod, status: PodStatus): Pod {
  return { metadata: pod.metadata, spec: pod.spec, status };
}

/** The pod worker is done with the pod (SyncTerminatedPod): its containers and sandbox are stopped. */
function podFinished(w: PodWorker): boolean {
  return workerState(w) === "TerminatedPod" && (w.sandboxStopped || !w.sandboxId);
}

// A pod's QoS class reads its spec alone, a frozen value while the pod is stored unchanged.
const qosClasses = new WeakMap<object, string>();

function qosOf(pod: Pod): string {
  const spec = pod.spec;
  if (spec === undefined || !Object.isFrozen(spec)) return podQOSClass(pod as any);
  let q = qosClasses.get(spec);
  if (q === undefined) qosClasses.set(spec, (q = podQOSClass(pod as any)));
  return q;
}

// The JSON of a pod's status as the API holds it: stored statuses are frozen values, and the kubelet
// may compare against the same one at several syncs. Bounded, not weak: a stored status lives on in
// etcd's and the watch cache's history, and a weak memo kept a text (~1 KiB) per status version there
// (the bench never hit it: every lookup a miss).
const statusTexts = new Map<object, string>();
const maxStatusTexts = 256;

function statusText(status: object): string {
  let t = statusTexts.get(status);
  if (t === undefined) {
    t = JSON.stringify(status);
    if (Object.isFrozen(status)) {
      if (statusTexts.size >= maxStatusTexts) statusTexts.clear();
      statusTexts.set(status, t);
    }
  }
  return t;
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
  const pod = view(w.pod);
  // Already written (by this kubelet's last write, or found in the pod): the final status counts as written too.
  if (text === w.status.last || (pod.status !== undefined && statusText(pod.status) === text)) {
    w.status.last = text;
    if (podFinished(w)) w.status.terminalWritten = true;
    return;
  }
  w.status.inFlight = true;
  w.status.dirty = false;
  w.status.last = text;
  w.status.issuedTerminal = podFinished(w);
  // sliced: a filtered array keeps spare room (17 slots), kept per pod until the next write
  w.status.owned = status.conditions!.filter((x) => kubeletOwnedConditions.includes(x.type)).slice();
  // frozen at its top: the pending request keeps it, and the step's end need not walk the pod in it
  const body = Object.freeze({ ...pod, status });
  request(ctx.client, fx, { verb: "update", group: "", resource: "pods", namespace: pod.metadata!.namespace, name: pod.metadata!.name, subresource: "status", body }, "pod-status", w.uid);
}
