// The kubelet of one node: registration and heartbeats, a pod worker per pod (SyncPod ->
// TerminatingPod -> TerminatedPod) that drives the CRI and CNI one call at a time, the image
// manager's pull back-off, container restart back-off (CrashLoopBackOff), the prober, and the
// status manager that writes pods/<name>/status. This file routes what arrives to them; each lives
// in a file named after Kubernetes' own (podworkers, kuberuntime, prober, statusmanager, recovery,
// nodestatus).

import type { Pod } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import { eventAnswered, newClient, onListed, onWatchEvent, request, settleResponse, type InformerDelta } from "../common/client.js";
import { listFailed } from "../common/informer.js";
import type { ApiResponse, WatchEvent } from "../messages.js";
import { nodeInternalIPs } from "./node.js";
import { nodeWatchId, podWatchId, serviceWatchId, type KubeletContext, type KubeletInput, type KubeletPhase, type PodWorker } from "./types.js";
import { adoptPod, newWorker, onClaimVolumeResponse, onServiceAccountTokenResponse, sync, workerOf } from "./podworkers.js";
import { getNode, nodeToSync, onNodeGot, onNodeStatusWritten, postNodeStatus } from "./nodestatus.js";
import { otherAllocatedPods } from "./resize.js";
import { listRuntime } from "./recovery.js";
import { onStatusWritten } from "./responses.js";
import { writeStatus } from "./statusmanager.js";
import { probeAction, probeErroredMessage, stepProbe, type ProbeTimerEvent } from "./prober.js";
import type { ProbeEvent } from "./prober.machine.js";
import { runtimeCall } from "./kuberuntime.js";
import { firstObjectWatchId, isRuntimeClassKey, objectKeyOfWatch, referencedObjects, sameReferences, syncObjectWatches } from "./objects.js";
import { remountVolumes } from "./podworkers.js";
import { view } from "./view.js";
import { podIPOf } from "./hostnetwork.js";
import { isRunning, isStopping, stepWorker, type PodWorkerTimerEvent } from "./lifecycles.js";
import type { PodWorkerEvent } from "./podworker.machine.js";
import { setWorker, WorkerTable } from "./workertable.js";
import { mutant } from "../common/mutation.js";
import { admitPod } from "./admission.js";
import { podEvent } from "./events.js";

export * from "./types.js";
export { goDuration, formatPod, podEvent } from "./events.js";
export { nextBackoff, inBackoffSince } from "./backoff.js";
export { startKubelet, heartbeatTimer } from "./nodestatus.js";
export { recoverWorkers, onRuntimeListed, completesRuntimeListing } from "./recovery.js";

/** This API response is the pod informer's list (the first one ends listingPods). */
export function isPodListAnswer(ctx: KubeletContext, res: ApiResponse): boolean {
  const p = ctx.client.pending.get(res.id);
  return res.ok && p?.purpose === "informer-list" && p.data === podWatchId && ctx.client.informers.has(podWatchId);
}
export { newWorker, sync } from "./podworkers.js";
export { containerEnv } from "./kuberuntime.js";
export { onRuntime } from "./responses.js";
export { probeAction } from "./prober.js";
export { containerStatus, generateStatus, writeStatus } from "./statusmanager.js";

/** The node's InternalIPs as hostIP (the primary: an IPv6 cluster's IPv6 one) and a dual-stack node's hostIPv6. */
function hostIPsFor(input: KubeletInput): { hostIP: string; hostIPv6?: string } {
  const [hostIP, hostIPv6] = nodeInternalIPs(input.index, input.podCIDR, input.podCIDRv6);
  return hostIPv6 === undefined ? { hostIP: hostIP! } : { hostIP: hostIP!, hostIPv6 };
}

/** A kubelet about to register its node. */
export function initialKubelet(input: KubeletInput): KubeletContext {
  const node = input.node.metadata!.name!;
  return {
    node, index: input.index, given: input.node, ...(input.podCIDR === undefined ? {} : { podCIDR: input.podCIDR }), ...(input.podCIDRv6 === undefined ? {} : { podCIDRv6: input.podCIDRv6 }), ...hostIPsFor(input), ...(input.clusterDNS !== undefined ? { clusterDNS: input.clusterDNS } : {}), ...(input.rootCA !== undefined ? { rootCA: input.rootCA } : {}),
    cri: `cri/${node}`, cni: `cni/${node}`, client: newClient(input.token), now: input.now ?? 0,
    nodeStatusPostedAt: -Infinity, nodeStatusInFlight: false, leaseInFlight: false,
    workers: new WorkerTable(), byContainer: new Map(), ops: new Map(), opSeq: 1, objectWatches: new Map(), nextObjectWatchId: firstObjectWatchId,
  };
}

// ---- API responses and watch events ----------------------------------------------------

/** Routes an API response to what it answers. */
export function onApiResponse(ctx: KubeletContext, res: ApiResponse, fx: Fx, phase: KubeletPhase): void {
  const p = settleResponse(ctx.client, res);
  if (!p) return;
  if (p.purpose === "event") return eventAnswered(ctx.client, fx, p, res);
  switch (p.purpose) {
    case "informer-list": {
      const inf = ctx.client.informers.get(p.data);
      if (!inf) return;
      // a failed list (500, 429, 504) is tried again after the reflector's back-off, not dropped
      if (!res.ok) return listFailed(ctx.client, fx, p.data);
      const deltas = onListed(ctx.client, fx, inf, res.object);
      // The node informer is only read: by tryUpdateNodeStatus at each sync.
      if (p.data === nodeWatchId) return;
      // The service informer's list syncs no pod: a start refused before it is tried again after
      // the pod worker's back-off, as the kubelet's is (the lister is read at each start).
      if (p.data === serviceWatchId) return;
      // A ConfigMap or Secret reflector's first list: the pods waiting for it go on.
      const objectKey = objectKeyOfWatch(ctx, p.data);
      if (objectKey !== undefined) return void (phase === "running" && resyncUsers(ctx, objectKey, fx));
      if (phase === "running") for (const d of deltas) onPodDelta(ctx, d, fx);
      else if (phase === "listingPods") listRuntime(ctx, fx);
      return;
    }
    case "register-node":
      if (res.ok) {
        ctx.nodeObj = res.object;
        postNodeStatus(ctx, res.object, fx);
      } else if (res.code === 409) getNode(ctx, fx);
      return;
    case "node-get": return onNodeGot(ctx, res, fx);
    case "node-status": return onNodeStatusWritten(ctx, res, fx);
    case "lease":
      ctx.leaseInFlight = false;
      if (res.ok) ctx.lease = res.object;
      // A conflict (someone else wrote the Lease) or AlreadyExists (a restarted kubelet): read the
      // latest and renew from it (the lease controller's retryUpdateLease -> backoffEnsureLease).
      else if (res.code === 409 && !(mutant("kubelet.lease-conflict-keeps-stale") && ctx.lease)) request(ctx.client, fx, { verb: "get", group: "coordination.k8s.io", resource: "leases", namespace: "kube-node-lease", name: ctx.node }, "lease-get");
      // undefined, not deleted: a step's context is merged over the last one (XState's assign), so a deleted key would come back
      else if (res.code === 404) ctx.lease = undefined;
      return;
    case "lease-get":
      if (res.ok) ctx.lease = res.object;
      // the Lease is gone (its uid failed the update's precondition): ensureLease creates it anew
      else if (res.code === 404) ctx.lease = undefined;
      return;
    case "pod-status": return onStatusWritten(ctx, p.data, res, fx);
    case "claim-pvc":
    case "claim-pv":
      return onClaimVolumeResponse(ctx, p.purpose, p.data, res, fx);
    case "service-account-token":
      return onServiceAccountTokenResponse(ctx, p.data, res, fx);
    case "pod-reread": {
      const w = workerOf(ctx, p.data);
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

/** A watch event: the node informer's is only stored; one on pods bound to this node moves their workers. */
export function onWatch(ctx: KubeletContext, ev: WatchEvent, fx: Fx, phase: KubeletPhase): void {
  const d = onWatchEvent(ctx.client, fx, ev);
  if (ev.watchId === nodeWatchId || ev.watchId === serviceWatchId) return;
  const objectKey = objectKeyOfWatch(ctx, ev.watchId);
  // A RuntimeClass is read when a sandbox is made (a pod waiting for it retries on its own back-off).
  if (objectKey !== undefined) return void (d && d !== "relisted" && phase === "running" && !isRuntimeClassKey(objectKey) && refreshVolumes(ctx, objectKey, fx));
  // Before running, the informer's store is all that is kept; recovery reads it whole.
  if (d && d !== "relisted" && phase === "running") onPodDelta(ctx, d, fx);
}

function onPodDelta(ctx: KubeletContext, d: InformerDelta, fx: Fx): void {
  const pod = d.object as Pod;
  const uid = pod.metadata!.uid!;
  let w = workerOf(ctx, uid);
  if (d.type === "DELETED") {
    if (!w) return;
    w.gone = true;
    adoptPod(w, pod);
    return sync(ctx, w, fx);
  }
  // The reflectors are those the workers' pods reference, kept so by every change of a worker:
  // a pod that keeps its references (a pod's spec hardly changes) registers nothing new.
  const refsBefore = w ? referencedObjects(view(w.pod)) : undefined;
  if (!w) {
    w = newWorker(pod, ctx.now);
    setWorker(ctx, w);
    // A pod already finished before this kubelet saw it has nothing to run.
    if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") stepWorker(w, { type: "AlreadyTerminal" }, fx);
    else rejectUnadmitted(ctx, w, fx);
  } else adoptPod(w, pod);
  // RegisterPod with the ConfigMap and Secret managers before the worker reads through them.
  if (refsBefore === undefined || !sameReferences(refsBefore, referencedObjects(view(w.pod)))) syncObjectWatches(ctx, fx);
  sync(ctx, w, fx);
}

/**
 * HandlePodAdditions: a pod the admit handlers refuse is rejected (rejectPod): the Warning event,
 * and a worker that never runs it, whose status is Failed with the handler's reason.
 */
function rejectUnadmitted(ctx: KubeletContext, w: PodWorker, fx: Fx): void {
  const rejected = admitPod(view(w.pod), nodeToSync(ctx) ?? ctx.given, otherAllocatedPods(ctx, w.uid));
  if (rejected === undefined) return;
  w.rejected = Object.freeze(rejected);
  // the status manager sets a status without one its start time (updateStatusInternal)
  w.startTime = ctx.now;
  podEvent(ctx, w, undefined, "Warning", rejected.reason, rejected.message, fx);
  stepWorker(w, { type: "AlreadyTerminal" }, fx);
}

/** The pod workers whose pods reference an object (resource/namespace/name). */
function usersOf(ctx: KubeletContext, objectKey: string): string[] {
  const uids: string[] = [];
  for (const w of ctx.workers.values()) if (referencedObjects(view(w.pod)).includes(objectKey)) uids.push(w.uid);
  return uids;
}

function resyncUsers(ctx: KubeletContext, objectKey: string, fx: Fx): void {
  for (const uid of usersOf(ctx, objectKey)) {
    const w = workerOf(ctx, uid);
    if (w) sync(ctx, w, fx);
  }
}

/** The object changed: the volumes that project it are written again (its env variables are not: they were set at start). */
function refreshVolumes(ctx: KubeletContext, objectKey: string, fx: Fx): void {
  for (const uid of usersOf(ctx, objectKey)) {
    const w = workerOf(ctx, uid);
    if (w) remountVolumes(ctx, w, fx);
  }
}

/** A probe worker's delay ended: the next tick is scheduled, then it probes unless gated by the startup probe. */
export function probeTimer(ctx: KubeletContext, ev: ProbeTimerEvent, fx: Fx): void {
  const w = workerOf(ctx, ev.uid);
  const c = w?.containers.find((x) => x.name === ev.container);
  const st = c?.probes[ev.kind];
  // A container that stopped or exited has no probe worker left (its ticks were canceled).
  if (!w || !c || !st || !isRunning(c) || isStopping(c)) return;
  if (!stepProbe(w, c, ev.kind, ev.event as ProbeEvent, fx).some((o) => o.type === "Probe")) return;
  if (ev.kind !== "startup" && c.probes.startup && !c.started && !(ev.kind === "liveness" && mutant("kubelet.liveness-before-startup"))) return;
  if (ev.kind === "startup" && c.started) return;
  const spec = st.context.spec;
  const action = probeAction(spec, c.spec, podIPOf(ctx, w) ?? "");
  if (!action) return;
  if ("error" in action) return podEvent(ctx, w, c, "Warning", "Unhealthy", probeErroredMessage(ev.kind, action.error), fx);
  runtimeCall(ctx, w, ctx.cri, { type: "ExecProbe", containerId: c.lifecycle.context.id, action, timeoutSeconds: spec.timeoutSeconds ?? 1 }, { kind: "ExecProbe", container: ev.container, probe: ev.kind, containerId: c.lifecycle.context.id! }, fx, false);
}

/** A pod worker's requeue delay ended: run it again. */
export function podWorkerTimer(ctx: KubeletContext, ev: PodWorkerTimerEvent, fx: Fx): void {
  const w = workerOf(ctx, ev.uid);
  if (w && stepWorker(w, ev.event as PodWorkerEvent, fx).some((o) => o.type === "Resync")) sync(ctx, w, fx);
}
