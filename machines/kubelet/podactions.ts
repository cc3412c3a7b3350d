// kuberuntime_manager.go computePodActions (with computeInitContainerActions from
// kuberuntime_container.go, kuberuntime/util PodSandboxChanged and container/helpers.go
// ShouldContainerBeRestarted): what one SyncPod does to a pod given what the runtime reports.
// Pure: the runtime's view of the pod and the probe results in, the actions out.

import type { Container, Pod } from "kubernetes-types/core/v1";
import { containerShouldRestart, isRestartableInitContainer } from "./status.js";
import { mutant } from "../common/mutation.js";

/** kubecontainer.State: what the runtime says of one container. */
export type RuntimeContainerState = "created" | "running" | "exited" | "unknown";

/** kubecontainer.Status, as much of it as the decisions read. */
export interface RuntimeContainerStatus {
  id: string;
  name: string;
  state: RuntimeContainerState;
  exitCode?: number;
  reason?: string;
  /** The hash of the spec the container was created from (hashContainer). */
  hash?: string;
}

/** runtimeapi.PodSandboxStatus, as much of it as PodSandboxChanged reads. */
export interface RuntimeSandboxStatus {
  id: string;
  ready: boolean;
  attempt: number;
  /** The sandbox's network status IP; undefined when the runtime reports no network status. */
  ip?: string;
  /** The sandbox shares the node's network namespace (NamespaceMode NODE). */
  hostNetwork?: boolean;
}

/** kubecontainer.PodStatus: sandboxes and containers newest first, as the runtime manager sorts them. */
export interface RuntimePodStatus {
  sandboxes: readonly RuntimeSandboxStatus[];
  containers: readonly RuntimeContainerStatus[];
}

export type ProbeResult = "success" | "failure" | "unknown";

/** The liveness and startup managers' results, by container id (absent: the probe has not run). */
export interface ProbeResults {
  liveness?: ReadonlyMap<string, ProbeResult>;
  startup?: ReadonlyMap<string, ProbeResult>;
}

export type KillReason = "" | "StartupProbe" | "LivenessProbe" | "Unknown";

export interface ContainerToKill {
  name: string;
  message: string;
  reason: KillReason;
}

/** podActions. */
export interface PodActions {
  killPod: boolean;
  createSandbox: boolean;
  sandboxId: string;
  attempt: number;
  containersToStart: number[];
  /** By container id. */
  containersToKill: Map<string, ContainerToKill>;
  initContainersToStart: number[];
  ephemeralContainersToStart: number[];
}

/** What of a container's spec podflow's hash covers (HashContainer: here its name and image). */
export function hashContainer(c: Container): string {
  return `${c.name}\0${c.image ?? ""}`;
}

/** FindContainerStatusByName: the newest status of that name. */
export function findContainerStatusByName(status: RuntimePodStatus, name: string): RuntimeContainerStatus | undefined {
  return status.containers.find((s) => s.name === name);
}

/** ShouldContainerBeRestarted (pkg/kubelet/container/helpers.go). */
export function shouldContainerBeRestarted(container: Container, pod: Pod, status: RuntimePodStatus): boolean {
  // once a pod has been marked deleted it is not restarted
  if (pod.metadata?.deletionTimestamp && !mutant("kubelet.deleted-pod-container-restarted")) return false;
  const s = findContainerStatusByName(status, container.name);
  // never started (or all its history collected): start it
  if (s === undefined) return true;
  if (s.state === "running") return false;
  if (s.state === "unknown" || s.state === "created") return true;
  return containerShouldRestart(container, pod.spec ?? { containers: [] }, s.exitCode ?? 0);
}

function shouldRestartOnFailure(pod: Pod): boolean {
  return pod.spec?.restartPolicy !== "Never";
}

/** PodSandboxChanged: whether a new sandbox is needed, its attempt, and the sandbox to replace. */
export function podSandboxChanged(pod: Pod, status: RuntimePodStatus): { changed: boolean; attempt: number; sandboxId: string } {
  if (status.sandboxes.length === 0) return { changed: true, attempt: 0, sandboxId: "" };
  const ready = status.sandboxes.filter((s) => s.ready).length;
  const sandbox = status.sandboxes[0]!;
  if (ready > 1 || !sandbox.ready) return { changed: true, attempt: sandbox.attempt + 1, sandboxId: sandbox.id };
  const hostNetwork = pod.spec?.hostNetwork === true;
  // the network namespace changed: the old sandbox id is not reported
  if ((sandbox.hostNetwork === true) !== hostNetwork) return { changed: true, attempt: sandbox.attempt + 1, sandboxId: "" };
  if (!hostNetwork && sandbox.ip === "") return { changed: true, attempt: sandbox.attempt + 1, sandboxId: sandbox.id };
  return { changed: false, attempt: sandbox.attempt, sandboxId: sandbox.id };
}

function containerSucceeded(c: Container, status: RuntimePodStatus): boolean {
  const s = findContainerStatusByName(status, c.name);
  if (s === undefined || s.state === "running") return false;
  return (s.exitCode ?? 0) === 0;
}

function hasAnyRegularContainerCreated(pod: Pod, status: RuntimePodStatus): boolean {
  return (pod.spec?.containers ?? []).some((c) => {
    const s = findContainerStatusByName(status, c.name);
    return s !== undefined && (s.state === "created" || s.state === "running" || s.state === "exited");
  });
}

/** isInitContainerFailed: OOMKilled, exited non-zero, or in an unknown state. */
export function isInitContainerFailed(s: { state?: RuntimeContainerState; exitCode?: number; reason?: string }): boolean {
  if (s.reason === "OOMKilled") return true;
  if (s.state === "exited" && (s.exitCode ?? 0) !== 0) return true;
  // the mutant waits on an init container in an unknown state as if it could still finish
  return s.state === "unknown" && !mutant("kubelet.unknown-init-not-failed");
}

function containerChanged(c: Container, s: RuntimeContainerStatus): boolean {
  // the mutant never sees a changed definition: a pod whose image is updated keeps the old container
  return s.hash !== undefined && s.hash !== hashContainer(c) && !mutant("kubelet.definition-change-ignored");
}

/**
 * computeInitContainerActions: the init containers to (re)start and those to kill, walking the
 * init containers from the last one back (completed ones may have been removed from the runtime).
 * True once the pod has initialized; a failed init container the pod will not restart sets killPod.
 */
function computeInitContainerActions(pod: Pod, status: RuntimePodStatus, probes: ProbeResults, changes: PodActions): boolean {
  const inits = pod.spec?.initContainers ?? [];
  if (inits.length === 0) return true;
  // a regular container created or running means every init container ran at some point
  let podHasInitialized = (pod.spec?.containers ?? []).some((c) => {
    const s = findContainerStatusByName(status, c.name);
    return s !== undefined && (s.state === "created" || s.state === "running");
  });
  let isPreviouslyInitialized = podHasInitialized;
  const restartOnFailure = shouldRestartOnFailure(pod);
  const toStart: number[] = [];
  const kill = (s: RuntimeContainerStatus, c: Container, message: string, reason: KillReason) => {
    changes.containersToKill.set(s.id, { name: c.name, message, reason });
  };
  for (let i = inits.length - 1; i >= 0; i--) {
    const c = inits[i]!;
    const restartable = isRestartableInitContainer(c);
    const s = findContainerStatusByName(status, c.name);
    if (s === undefined) {
      // ran before but its status is gone: only a sidecar is started again
      if (isPreviouslyInitialized && restartable) toStart.push(i);
      continue;
    }
    // after initialization only sidecars are kept running
    if (isPreviouslyInitialized && !restartable) continue;
    switch (s.state) {
      case "created":
        // created but never started (the runtime failed to start it): start it again
        toStart.push(i);
        break;
      case "running": {
        if (!restartable) break; // an init container: wait for it to finish
        if (c.startupProbe) {
          const startup = probes.startup?.get(s.id);
          // not run yet or still in progress: wait; failed: start it again
          if (startup !== "success") {
            if (startup === "failure") {
              kill(s, c, `Init container ${c.name} failed startup probe`, "StartupProbe");
              toStart.push(i);
            }
            break;
          }
        }
        if (i === inits.length - 1) podHasInitialized = true;
        else if (!isPreviouslyInitialized) toStart.push(i + 1); // started for the first time: the next one starts
        if (containerChanged(c, s)) {
          kill(s, c, `Init container ${c.name} definition changed`, "");
          toStart.push(i);
          break;
        }
        // a sidecar's liveness does not hold back the next init container
        if (c.livenessProbe) {
          const liveness = probes.liveness?.get(s.id);
          if (liveness === undefined) break;
          if (liveness === "failure") {
            kill(s, c, `Init container ${c.name} failed liveness probe`, "LivenessProbe");
            toStart.push(i);
            break;
          }
        }
        break;
      }
      case "exited":
        if (restartable) {
          toStart.push(i);
        } else if (isInitContainerFailed(s)) {
          if (!restartOnFailure) {
            changes.killPod = true;
            changes.initContainersToStart = [];
            return false;
          }
          toStart.push(i);
        } else if (i === inits.length - 1) {
          podHasInitialized = true;
        } else {
          toStart.push(i + 1);
        }
        break;
      default: // unknown
        if (restartable) {
          kill(s, c, `Init container is in "${s.state}" state, try killing it before restart`, "Unknown");
          toStart.push(i);
        } else {
          if (!restartOnFailure) {
            changes.killPod = true;
            changes.initContainersToStart = [];
            return false;
          }
          kill(s, c, `Init container is in "${s.state}" state, try killing it before restart`, "Unknown");
          toStart.push(i);
        }
    }
    isPreviouslyInitialized = true;
  }
  // no init container has started: the first one does
  if (!isPreviouslyInitialized) toStart.push(0);
  // found walking backwards, started in spec order
  changes.initContainersToStart = [...changes.initContainersToStart, ...toStart.reverse()];
  return podHasInitialized;
}

/** computePodActions: what SyncPod does next for the pod, from the runtime's status and the probes. */
export function computePodActions(pod: Pod, status: RuntimePodStatus, probes: ProbeResults = {}): PodActions {
  const sandbox = podSandboxChanged(pod, status);
  const changes: PodActions = {
    killPod: sandbox.changed, createSandbox: sandbox.changed, sandboxId: sandbox.sandboxId, attempt: sandbox.attempt,
    containersToStart: [], containersToKill: new Map(), initContainersToStart: [], ephemeralContainersToStart: [],
  };
  const containers = pod.spec?.containers ?? [];
  // A new sandbox: everything is killed and started again from the first init container.
  if (sandbox.changed) {
    // a pod that is not restarted gets no new sandbox once its containers have run
    if (!shouldRestartOnFailure(pod) && sandbox.attempt !== 0 && status.containers.length !== 0) return { ...changes, createSandbox: false };
    // the mutant starts every container in the new sandbox, also an OnFailure pod's containers that succeeded
    const toStart = containers.flatMap((c, i) => (pod.spec?.restartPolicy === "OnFailure" && containerSucceeded(c, status) && !mutant("kubelet.new-sandbox-reruns-succeeded") ? [] : [i]));
    // initialized (a regular container exists) and nothing to start: no new sandbox
    if (toStart.length === 0 && hasAnyRegularContainerCreated(pod, status)) return { ...changes, createSandbox: false };
    if ((pod.spec?.initContainers ?? []).length !== 0) return { ...changes, initContainersToStart: [0] };
    return { ...changes, containersToStart: toStart };
  }
  // ephemeral containers start even before initialization completes, and never again
  (pod.spec?.ephemeralContainers ?? []).forEach((e, i) => {
    // the mutant starts an ephemeral container again once it has exited
    const st = findContainerStatusByName(status, e.name);
    if (st === undefined || (mutant("kubelet.ephemeral-container-restarted") && st.state === "exited")) changes.ephemeralContainersToStart.push(i);
  });
  const initialized = computeInitContainerActions(pod, status, probes, changes);
  if (changes.killPod || !initialized) return changes;
  let keepCount = 0;
  containers.forEach((c, i) => {
    const s = findContainerStatusByName(status, c.name);
    if (s === undefined || s.state !== "running") {
      if (shouldContainerBeRestarted(c, pod, status)) {
        changes.containersToStart.push(i);
        // an unknown container may still run: kill it before starting another
        if (s?.state === "unknown") changes.containersToKill.set(s.id, { name: s.name, message: `Container is in "${s.state}" state, try killing it before restart`, reason: "Unknown" });
      }
      return;
    }
    let restart = shouldRestartOnFailure(pod);
    let message: string;
    let reason: KillReason = "";
    if (containerChanged(c, s)) {
      message = `Container ${c.name} definition changed`;
      restart = true; // whatever the restart policy
    } else if (probes.liveness?.get(s.id) === "failure") {
      message = `Container ${c.name} failed liveness probe`;
      reason = "LivenessProbe";
    } else if (probes.startup?.get(s.id) === "failure") {
      message = `Container ${c.name} failed startup probe`;
      reason = "StartupProbe";
    } else {
      keepCount++;
      return;
    }
    if (restart) {
      message = `${message}, will be restarted`;
      changes.containersToStart.push(i);
    }
    changes.containersToKill.set(s.id, { name: s.name, message, reason });
  });
  if (keepCount === 0 && changes.containersToStart.length === 0) {
    changes.killPod = true;
    // sidecars do not keep a finished pod alive
    changes.initContainersToStart = [];
  }
  return changes;
}
