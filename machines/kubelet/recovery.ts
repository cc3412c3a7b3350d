// Restart recovery: after a kubelet (re)start, the pods from the API server and the runtime's
// sandboxes and containers (the PLEG's first relist) rebuild every pod worker.

import { syncObjectWatches } from "./objects.js";
import type { Container, Pod } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import type { ContainerInfo, CriResponse, PodSandboxInfo } from "../cri/messages.js";
import { podWatchId, type KubeletContext, type PodWorker, type Terminated } from "./types.js";
import { newWorker, sync } from "./podworkers.js";
import { startProbes, stepProbe } from "./prober.js";
import { containerLifecycle, stepContainer, stepWorker } from "./lifecycles.js";
import { mutant } from "../common/mutation.js";
import { setWorker } from "./workertable.js";

// ---- restart recovery ---------------------------------------------------------------------

/** Asks the runtime what it runs (the PLEG's first relist); workers wait for the answer. */
export function listRuntime(ctx: KubeletContext, fx: Fx): void {
  fx.send(ctx.cri, { type: "ListPodSandbox", id: ctx.opSeq++ });
  fx.send(ctx.cri, { type: "ListContainers", id: ctx.opSeq++ });
}

/** The ListContainers answer completes the runtime's listing once the sandboxes are known (the kubelet then runs). */
export function completesRuntimeListing(ctx: KubeletContext, msg: { type: string }): boolean {
  return msg.type === "ListContainersResult" && ctx.runtimeSandboxes !== undefined;
}

/** The ListPodSandbox/ListContainers answers while listing the runtime: rebuild every pod worker, then sync them. */
export function onRuntimeListed(ctx: KubeletContext, msg: Extract<CriResponse, { type: "ListPodSandboxResult" | "ListContainersResult" }>, fx: Fx): void {
  if (msg.type === "ListPodSandboxResult") {
    ctx.runtimeSandboxes = msg.sandboxes;
    return;
  }
  if (!ctx.runtimeSandboxes) return;
  // Answers to requests of the previous incarnation may still come: never reuse their ids.
  ctx.opSeq = Math.max(ctx.opSeq, msg.inFlightMaxId + 1);
  const workers = recoverWorkers(ctx, [...(ctx.client.informers.get(podWatchId)?.store.values() ?? [])], ctx.runtimeSandboxes, msg.containers, fx);
  // set, not deleted: a step's next context is merged over the last one, so a deleted key would come back
  ctx.runtimeSandboxes = undefined;
  syncObjectWatches(ctx, fx);
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
    const w = newWorker(pod, ctx.now);
    // A pod already finished before this kubelet saw it has nothing to run.
    if ((pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") && !mutant("kubelet.restart-reruns-finished-pod")) stepWorker(w, { type: "AlreadyTerminal" }, fx);
    adoptRuntimeState(ctx, w, sandboxOf(w.uid), containers, fx);
    setWorker(ctx, w);
    out.push(w);
  }
  for (const sb of sandboxes) {
    if (ctx.workers.has(sb.podUid)) continue;
    const specs = new Map<string, Container>();
    for (const c of containers) if (c.sandboxId === sb.id) specs.set(c.name, c.spec);
    const orphan = newWorker({ metadata: { name: sb.podName, namespace: sb.podNamespace, uid: sb.podUid }, spec: { containers: [...specs.values()] } });
    orphan.gone = true;
    adoptRuntimeState(ctx, orphan, sandboxOf(sb.podUid), containers, fx);
    setWorker(ctx, orphan);
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
  stepWorker(w, { type: "SandboxReady" }, fx);
  w.sandboxStopped = sb.state === "SANDBOX_NOTREADY";
  // The sandbox's network status comes from the network plugin, never from the API: the pod's
  // podIP may be an earlier sandbox's (a reboot, then a crash before this sandbox's ADD), and
  // Kubernetes reads the sandbox's own (PodSandboxStatus). The pod worker's CNI ADD is idempotent:
  // it returns the address this sandbox holds, or sets up the network it never got.
  for (const c of w.containers) {
    const attempts = containers.filter((x) => x.sandboxId === sb.id && x.name === c.name).sort((a, b) => a.attempt - b.attempt);
    const latest = attempts[attempts.length - 1];
    if (!latest) continue;
    for (const x of attempts) ctx.byContainer.set(x.id, { uid: w.uid, name: c.name });
    const prev = attempts[attempts.length - 2];
    const prevExit = prev?.state === "CONTAINER_EXITED" ? terminatedOf(prev) : undefined;
    c.attempts = latest.attempt + 1;
    c.image = latest.image;
    c.user = latest.user;
    const podHasInitContainers = c.lifecycle.context.podHasInitContainers;
    if (latest.state === "CONTAINER_RUNNING") {
      c.lifecycle = containerLifecycle.start({ podHasInitContainers, id: latest.id, ...(prevExit ? { last: prevExit } : {}) }).snapshot;
      stepContainer(c, { type: "Started", containerId: latest.id, startedAt: latest.startedAt ?? ctx.now });
      // A startup probe that already passed is not run again (the status says so).
      c.started = !c.spec.startupProbe || w.pod.status?.containerStatuses?.find((s) => s.name === c.name)?.started === true;
      startProbes(w, c, fx);
      if (c.started && c.probes.startup) stepProbe(w, c, "startup", { type: "AlreadySucceeded" }, fx);
    } else if (latest.state === "CONTAINER_EXITED") {
      c.lifecycle = containerLifecycle.start({ podHasInitContainers, id: latest.id, ...(prevExit ? { last: prevExit } : {}) }).snapshot;
      stepContainer(c, { type: "Exited", terminated: terminatedOf(latest) });
    } else {
      // Created but not started: the start goes on; the previous exit is what the status shows meanwhile.
      c.lifecycle = containerLifecycle.start({ podHasInitContainers, id: latest.id }).snapshot;
      if (prevExit) stepContainer(c, { type: "Exited", terminated: prevExit });
      c.step = { checked: true, image: latest.image, createdId: latest.id };
    }
  }
}

