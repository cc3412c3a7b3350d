// The status manager: the pod status the kubelet would write now (generateAPIPodStatus), and its
// writes through pods/<name>/status, one in flight per pod.

import type { ContainerStatus, Pod, PodCondition, PodStatus, ResourceRequirements } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import { request } from "../common/client.js";
import { rfc3339 } from "../common/time.js";
import { podQOSClass } from "../common/qos.js";
import { ConfigSourceAnnotationKey, hasPodInitialized, kubeletOwnedConditions, podConditions, podPhase, terminatePodStatus } from "./status.js";
import type { ContainerRecord, KubeletContext, PodWorker, Terminated } from "./types.js";
import { isRunning, waitingReason, workerState } from "./lifecycles.js";
import { probeResult } from "./prober.js";
import { anyMutant, mutant } from "../common/mutation.js";
import { view } from "./view.js";
import { sameJSONText } from "./jsontext.js";
import { hostIPsOf, podIPsOf, sandboxNetworkReady } from "./hostnetwork.js";
import { isResizable, resizeConditions } from "./resize.js";
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
  return r ? probeResult(r) === "Success" : c.started || mutant("kubelet.ready-ignores-startup-probe");
}

function terminatedState(t: Terminated): any {
  return { terminated: { exitCode: t.exitCode, reason: t.reason, ...(t.message ? { message: t.message } : {}), startedAt: timeText(t.startedAt), finishedAt: timeText(t.finishedAt), containerID: t.containerID } };
}

/** One container's status as the kubelet reports it. */
export function containerStatus(w: PodWorker, c: ContainerRecord): ContainerStatus {
  const hasInit = w.containers.some(isInitContainer);
  // the mutant shows an app container waiting for init containers as ContainerCreating
  const defaultReason = isInitContainer(c) || (hasInit && !mutant("kubelet.init-pending-reason-container-creating")) ? "PodInitializing" : "ContainerCreating";
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
  Object.assign(s, resizeStatusFields(w, c));
  const mounts = volumeMountStatuses(view(c.spec).volumeMounts);
  if (mounts) Object.assign(s, { volumeMounts: mounts });
  // convertContainerStatusUser (SupplementalGroupsPolicy, GA in 1.35): what the runtime reports
  if (life.id && c.user) Object.assign(s, { user: { linux: { uid: c.user.uid, gid: c.user.gid, supplementalGroups: [...c.user.groups] } } });
  return s;
}

/**
 * convertToAPIContainerStatuses' in-place resize fields, for resizable containers only (regular and
 * sidecars): allocatedResources, the requests the allocation manager admitted; resources, what the
 * runtime applied to a running container (its cpu and memory limits and cpu request; the memory
 * request is the allocation's), else the allocation it will start with.
 */
function resizeStatusFields(w: PodWorker, c: ContainerRecord): { allocatedResources?: Record<string, string>; resources?: ResourceRequirements } {
  const allocation = view(w.allocation);
  const alloc = allocation !== undefined && isResizable(c) && Object.hasOwn(allocation, c.name) ? allocation[c.name]! : undefined;
  if (alloc === undefined) return {};
  const out: { allocatedResources?: Record<string, string>; resources?: ResourceRequirements } = {};
  if (alloc.requests !== undefined && Object.keys(alloc.requests).length > 0) out.allocatedResources = { ...alloc.requests } as Record<string, string>;
  const actual = isRunning(c) ? view(c.actuated) : undefined;
  if (actual === undefined) {
    out.resources = alloc;
    return out;
  }
  const take = (list: Record<string, unknown> | undefined, from: Record<string, unknown> | undefined, names: readonly string[]) => {
    if (list === undefined) return undefined;
    const next: Record<string, unknown> = { ...list };
    for (const n of names) if (from?.[n] !== undefined) next[n] = from[n];
    return next;
  };
  const limits = take(alloc.limits, actual.limits, ["cpu", "memory"]);
  const requests = take(alloc.requests, actual.requests, ["cpu"]);
  out.resources = { ...(limits !== undefined ? { limits } : {}), ...(requests !== undefined ? { requests } : {}) } as ResourceRequirements;
  return out;
}

/**
 * convertToAPIContainerStatuses' volumeMounts (RecursiveReadOnlyMounts, GA): each of the container's
 * mounts by name and path; a read-only one says whether it is recursively read-only, which the
 * node's containerd 2 and kernel 6.8 support, so Enabled and IfPossible resolve to Enabled.
 */
function volumeMountStatuses(mounts: readonly { name: string; mountPath: string; readOnly?: boolean; recursiveReadOnly?: string }[] | undefined): object[] | undefined {
  if (!mounts || mounts.length === 0) return undefined;
  return mounts.map((m) => ({
    name: m.name, mountPath: m.mountPath,
    ...(m.readOnly ? { readOnly: true, recursiveReadOnly: m.recursiveReadOnly === "Enabled" || m.recursiveReadOnly === "IfPossible" ? "Enabled" : "Disabled" } : {}),
  }));
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
  if (w.rejected) return rejectedStatus(w, w.rejected);
  const inits = w.containers.filter(isInitContainer).map((c) => containerStatus(w, c));
  const regular = w.containers.filter((c) => c.kind === "regular").map((c) => containerStatus(w, c)).sort(byName);
  // normalizeStatus sorts the ephemeral containers' statuses by name too.
  const ephemeral = w.containers.filter((c) => c.kind === "ephemeral").map((c) => containerStatus(w, c)).sort(byName);
  // PodObservedGenerationTracking (on in v1.35): the generation of the spec this status answers
  const generation = view(w.pod).metadata?.generation;
  const status: PodStatus = { ...(generation !== undefined ? { observedGeneration: generation } : {}), hostIP: ctx.hostIP, hostIPs: hostIPsOf(ctx).map((ip) => ({ ip })) };
  const ips = podIPsOf(ctx, w);
  if (ips[0]) Object.assign(status, { podIP: ips[0], podIPs: ips.map((ip) => ({ ip })) });
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
  status.conditions = podConditions(podWith(pod, { ...probe.status, phase }), { sandboxReady, now: timeText(ctx.now), resize: resizeConditions(w, timeText) });
  return podFinished(w) ? terminatePodStatus(pod, status) : status;
}

/**
 * rejectPod's status: Failed, the admit handler's reason and "Pod was rejected: " + its message, the
 * QoS class; the status manager adds the start time and keeps the conditions the kubelet does not own.
 */
function rejectedStatus(w: PodWorker, rejected: { reason: string; message: string }): PodStatus {
  const pod = view(w.pod);
  const generation = pod.metadata?.generation;
  const foreign = (pod.status?.conditions ?? []).filter((x) => !kubeletOwnedConditions.includes(x.type));
  return {
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    phase: "Failed", reason: rejected.reason, message: `Pod was rejected: ${rejected.message}`, qosClass: qosOf(pod),
    ...(w.startTime !== undefined ? { startTime: timeText(w.startTime) } : {}),
    ...(foreign.length ? { conditions: foreign } : {}),
  };
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

// ---- what a generation read ----------------------------------------------------------------

/**
 * Everything generateStatus reads but the kubelet's own conditions (w.status.owned) and the time,
 * as a list of scalars and identities (a pod's spec, a lifecycle snapshot, an image, a condition
 * of the API's are values replaced whole, never changed in place), counts before the lists so two
 * lists are equal only for equal inputs. Undefined when a generation reads more than this: a
 * container replaced for a changed spec (the API's statuses), or a mutant on (it may change what
 * a status says).
 */
export function statusInputs(ctx: KubeletContext, w: PodWorker): unknown[] | undefined {
  if (anyMutant()) return undefined;
  const pod = view(w.pod);
  const st = pod.status;
  const finished = podFinished(w);
  const out: unknown[] = [
    ctx.hostIP, ctx.hostIPv6, w.ip, w.ipV6, w.startTime, w.rejected, view(w.lifecycle), w.sandboxId, w.sandboxStopped, w.failedInit, view(w.allocation), view(w.resize),
    pod.spec, pod.metadata?.generation, pod.metadata?.annotations?.[ConfigSourceAnnotationKey],
    // of the API's phase only a terminal one is read (it is never left)
    st?.phase === "Succeeded" || st?.phase === "Failed" ? st.phase : undefined,
    // TerminatePod reads whether the API's statuses show the pod initialized
    finished ? hasPodInitialized(pod) : undefined,
  ];
  // the foreign conditions are kept as the pod has them
  const conditions = st?.conditions ?? [];
  let foreign = 0;
  for (const x of conditions) if (!kubeletOwnedConditions.includes(x.type)) foreign++;
  out.push(foreign);
  for (const x of conditions) if (!kubeletOwnedConditions.includes(x.type)) out.push(x);
  out.push(w.containers.length);
  for (const c of w.containers) {
    if (c.restartForChange) return undefined;
    const life = view(c.lifecycle);
    // a container the runtime knows nothing of keeps the API's terminated status (containerStatus)
    const unknown = !life.context.id && !isRunning(c) && !waitingReason(c) && !life.context.terminated;
    const old = unknown ? apiStatusOf(w, c.name) : undefined;
    out.push(c.kind, c.name, life, c.attempts, c.image, view(c.spec), c.started, c.probes.readiness === undefined ? undefined : view(c.probes.readiness), old?.state?.terminated ? old : undefined, view(c.actuated));
  }
  return out;
}

function sameInputs(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A status generated from these inputs (the value w.status.last held then), and the time it was stamped with when it depends on the time. */
interface Generated {
  inputs: readonly unknown[];
  status: PodStatus;
  now?: string;
}

// The last generation per pod worker, under the conditions it last wrote (w.status.owned, an array
// made at each write and then kept as it is): a sync that changed no input finds its status already
// written without generating and encoding it again (most syncs: a write's answer, its watch event).
const generations = new WeakMap<object, Generated>();

/**
 * Whether a condition of the status was stamped with the time: one whose status differs from the
 * prior one of its type (or a prior without a time). Only then does the status depend on `now`.
 */
function stampedNow(conditions: readonly PodCondition[], prior: readonly PodCondition[]): boolean {
  for (const c of conditions) {
    if (!kubeletOwnedConditions.includes(c.type)) continue;
    const old = prior.find((p) => p.type === c.type);
    if (!(old && old.status === c.status && old.lastTransitionTime)) return true;
  }
  return false;
}

/** The status this worker's last generation under its kept conditions gave, when these inputs and the time give it again. */
function knownStatus(ctx: KubeletContext, w: PodWorker, inputs: readonly unknown[] | undefined): PodStatus | undefined {
  const owned = w.status.owned;
  if (inputs === undefined || owned === undefined) return undefined;
  const g = generations.get(owned);
  if (g === undefined || (g.now !== undefined && g.now !== timeText(ctx.now)) || !sameInputs(g.inputs, inputs)) return undefined;
  return g.status;
}

// The status is written already (by this kubelet's last write, or found in the pod): the final one counts as written too.
function foundWritten(w: PodWorker, status: PodStatus): void {
  w.status.last = status;
  if (podFinished(w)) w.status.terminalWritten = true;
}

/** Writes the pod's status through pods/<name>/status when it changed; one write in flight per pod. */
export function writeStatus(ctx: KubeletContext, w: PodWorker, fx: Fx): void {
  if (w.gone || w.deleteSent) return;
  if (w.status.inFlight) {
    w.status.dirty = true;
    return;
  }
  w.status.dirty = false;
  const inputs = statusInputs(ctx, w);
  // Unchanged since a generation found it written: written still (the branch below, without generating).
  // The generation's status is the very value last held (both are set together below), so identity says it.
  if (w.status.last !== undefined && knownStatus(ctx, w, inputs) === w.status.last) return foundWritten(w, w.status.last);
  const status = generateStatus(ctx, w);
  // encoded only if a comparison below cannot tell field by field (a generated status is plain data: never)
  let text: string | undefined;
  const textOf = () => (text ??= JSON.stringify(status));
  const pod = view(w.pod);
  // Already written (by this kubelet's last write, or found in the pod): the final status counts as written too.
  // The value kept is the one already held, or the pod's own (shared with the API's copy), never a new one.
  const last = w.status.last;
  const found = last !== undefined && sameJSONText(last, status, textOf) ? last
    : pod.status !== undefined && sameJSONText(pod.status, status, textOf) ? pod.status : undefined;
  if (found !== undefined) {
    foundWritten(w, found);
    const owned = w.status.owned;
    if (inputs !== undefined && owned !== undefined) {
      const prior = [...(pod.status?.conditions ?? []).filter((x) => !kubeletOwnedConditions.includes(x.type)), ...owned];
      generations.set(owned, { inputs, status: found, ...(stampedNow(status.conditions ?? [], prior) ? { now: timeText(ctx.now) } : {}) });
    }
    return;
  }
  w.status.inFlight = true;
  w.status.dirty = false;
  w.status.last = status;
  w.status.issuedTerminal = podFinished(w);
  // sliced: a filtered array keeps spare room (17 slots), kept per pod until the next write
  w.status.owned = (status.conditions ?? []).filter((x) => kubeletOwnedConditions.includes(x.type)).slice();
  // Generated again under the conditions just written, the same inputs give the same status: each
  // condition then finds its own status and time among them (and no other output reads them).
  if (inputs !== undefined) generations.set(w.status.owned, { inputs, status });
  // frozen at its top: the pending request keeps it, and the step's end need not walk the pod in it
  const body = Object.freeze({ ...pod, status });
  request(ctx.client, fx, { verb: "update", group: "", resource: "pods", namespace: pod.metadata!.namespace, name: pod.metadata!.name, subresource: "status", body }, "pod-status", w.uid);
}
