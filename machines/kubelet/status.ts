// The kubelet's pod status semantics (v1.35): the phase it computes from container
// statuses (kubelet_pods.go getPhase) and the conditions it owns (status/generate.go).
// Pure functions over a Pod object; time only enters through an optional `now`.
import type { Container, ContainerStatus, Pod, PodCondition, PodSpec } from "kubernetes-types/core/v1";
import { mutant } from "../common/mutation.js";
import { copyWith } from "../common/own.js";
import { containerPolicyRestarts } from "../common/podutil.js";

export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed";

/** Reasons the kubelet writes on the conditions it owns (pkg/kubelet/status/generate.go). */
export const UnknownContainerStatuses = "UnknownContainerStatuses";
export const PodCompleted = "PodCompleted";
export const PodFailed = "PodFailed";
export const ContainersNotReady = "ContainersNotReady";
export const ContainersNotInitialized = "ContainersNotInitialized";
export const ReadinessGatesNotReady = "ReadinessGatesNotReady";


/** The annotation the kubelet stamps on pods from file/http sources; "api" means an API pod. */
export const ConfigSourceAnnotationKey = "kubernetes.io/config.source";

/** True for a sidecar: an init container with restartPolicy Always. */
export function isRestartableInitContainer(c: Container | undefined): boolean {
  return c?.restartPolicy === "Always";
}

/** True when the pod came from a static manifest rather than the API server. */
export function isStaticPod(pod: Pod): boolean {
  const source = pod.metadata?.annotations?.[ConfigSourceAnnotationKey];
  return source !== undefined && source !== "api";
}

/** Whether the kubelet restarts a container that exited with exitCode (podutil.ContainerShouldRestart). */
export function containerShouldRestart(container: Container, spec: PodSpec, exitCode: number): boolean {
  const own = containerPolicyRestarts(container, exitCode);
  if (own !== undefined) return own;
  switch (spec.restartPolicy) {
    case "OnFailure": return exitCode !== 0;
    case "Never": return mutant("kubelet.restarts-with-restartpolicy-never");
    default: return true; // Always, and the defaulted empty policy
  }
}

function statusOf(statuses: readonly ContainerStatus[] | null | undefined, name: string): ContainerStatus | undefined {
  return statuses?.find((s) => s.name === name);
}

/** All container statuses the kubelet feeds to getPhase: regular then init; null when both are absent. */
export function allContainerStatuses(pod: Pod): ContainerStatus[] | null {
  const { containerStatuses, initContainerStatuses } = pod.status ?? {};
  if (containerStatuses === undefined && initContainerStatuses === undefined) return null;
  return [...(initContainerStatuses ?? []), ...(containerStatuses ?? [])];
}

interface InitTally { pendingRegular: number; failedNotRestartable: number }

// Regular (non-sidecar) init containers: still to run, or failed for good.
function tallyRegularInit(pod: Pod, info: readonly ContainerStatus[]): InitTally {
  const spec = pod.spec!;
  const t: InitTally = { pendingRegular: 0, failedNotRestartable: 0 };
  for (const c of spec.initContainers ?? []) {
    if (isRestartableInitContainer(c)) continue;
    const s = statusOf(info, c.name);
    const st = s?.state;
    if (!s || !st || st.running) { t.pendingRegular++; continue; }
    if (st.terminated) {
      const code = st.terminated.exitCode;
      if (code !== 0 && !containerShouldRestart(c, spec, code)) t.failedNotRestartable++;
    } else if (st.waiting) {
      const last = s.lastState?.terminated;
      if (!last) t.pendingRegular++;
      else if (last.exitCode !== 0 && !containerShouldRestart(c, spec, last.exitCode)) t.failedNotRestartable++;
    } else t.pendingRegular++;
  }
  return t;
}

interface Tally {
  unknown: number; running: number; waiting: number; stopped: number;
  stoppedNotRestartable: number; succeeded: number; pendingRestartableInit: number;
}

// Sidecars count towards running/waiting/unknown but never towards stopped.
function tallySidecars(pod: Pod, info: readonly ContainerStatus[], t: Tally): void {
  for (const c of pod.spec!.initContainers ?? []) {
    if (!isRestartableInitContainer(c)) continue;
    const s = statusOf(info, c.name);
    if (!s) { t.unknown++; continue; }
    const st = s.state ?? {};
    if (st.running) {
      if (s.started !== true) t.pendingRestartableInit++;
      t.running++;
    } else if (st.terminated) {
      // a terminated sidecar does not affect the phase
    } else if (st.waiting) {
      if (!s.lastState?.terminated) { t.pendingRestartableInit++; t.waiting++; }
    } else { t.pendingRestartableInit++; t.unknown++; }
  }
}

function tallyRegular(pod: Pod, info: readonly ContainerStatus[], t: Tally): void {
  const spec = pod.spec!;
  for (const c of spec.containers ?? []) {
    const s = statusOf(info, c.name);
    if (!s) { t.unknown++; continue; }
    const st = s.state ?? {};
    if (st.running) t.running++;
    else if (st.terminated) {
      t.stopped++;
      const code = st.terminated.exitCode;
      const done = !containerShouldRestart(c, spec, code);
      if (done) t.stoppedNotRestartable++;
      // the two tallies confused: a container done for good counted as one that succeeded
      if (code === 0 || (done && mutant("kubelet.phase-succeeded-on-failed-exit"))) t.succeeded++;
    } else if (st.waiting) {
      const last = s.lastState?.terminated;
      if (last) {
        t.stopped++;
        if (!containerShouldRestart(c, spec, last.exitCode)) t.stoppedNotRestartable++;
      } else t.waiting++;
    } else t.unknown++;
  }
}

/**
 * The kubelet's getPhase (v1.35, ContainerRestartRules on by default): the pod phase
 * implied by spec and status.initContainerStatuses/containerStatuses.
 */
export function podPhase(pod: Pod, opts: { podIsTerminal?: boolean; podHasInitialized?: boolean } = {}): PodPhase {
  const info = allContainerStatuses(pod) ?? [];
  const init = tallyRegularInit(pod, info);
  const t: Tally = { unknown: 0, running: 0, waiting: 0, stopped: 0, stoppedNotRestartable: 0, succeeded: 0, pendingRestartableInit: 0 };
  tallySidecars(pod, info, t);
  tallyRegular(pod, info, t);

  if (init.failedNotRestartable > 0) return "Failed";
  // A restarting sidecar does not send an initialized pod back to Pending.
  const initPending = init.pendingRegular > 0 || (t.pendingRestartableInit > 0 && !opts.podHasInitialized);
  if (initPending || t.waiting > 0) return "Pending";
  if (t.running > 0 && t.unknown === 0) return "Running";
  if (t.running === 0 && t.stopped > 0 && t.unknown === 0) {
    // A terminal pod's containers will not be restarted whatever the policy.
    if (opts.podIsTerminal && !isStaticPod(pod)) return t.stopped === t.succeeded ? "Succeeded" : "Failed";
    if (t.stopped !== t.stoppedNotRestartable) return "Running";
    return t.stopped === t.succeeded ? "Succeeded" : "Failed";
  }
  return "Pending";
}

/** Formats a name list the way Go's %s prints a []string: "[a b]". */
function goList(names: readonly string[]): string {
  return `[${names.join(" ")}]`;
}

function condition(pod: Pod, type: string, status: "True" | "False", reason?: string, message?: string): PodCondition {
  const c: PodCondition = { type, status };
  // PodObservedGenerationTracking is on in v1.35: conditions carry metadata.generation.
  const gen = pod.metadata?.generation;
  if (gen !== undefined) (c as PodCondition & { observedGeneration?: number }).observedGeneration = gen;
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

function phaseOf(pod: Pod): string {
  return pod.status?.phase ?? podPhase(pod);
}

/** ContainersReady: True when every regular container and sidecar reports ready (GenerateContainersReadyCondition). */
export function generateContainersReadyCondition(
  pod: Pod,
  statuses: readonly ContainerStatus[] | null = allContainerStatuses(pod),
  phase: string = phaseOf(pod),
): PodCondition {
  if (statuses === null) return condition(pod, "ContainersReady", "False", UnknownContainerStatuses);
  const unknown: string[] = [];
  const unready: string[] = [];
  const watched = [...(mutant("kubelet.containers-ready-ignores-sidecars") ? [] : (pod.spec?.initContainers ?? []).filter(isRestartableInitContainer)), ...(pod.spec?.containers ?? [])];
  for (const c of watched) {
    const s = statusOf(statuses, c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  if (phase === "Succeeded" && unknown.length === 0) return condition(pod, "ContainersReady", "False", PodCompleted);
  // A failed pod's containers may still be terminating: never report them ready.
  if (phase === "Failed") return condition(pod, "ContainersReady", "False", PodFailed);
  const msgs: string[] = [];
  if (unknown.length > 0) msgs.push(`containers with unknown status: ${goList(unknown)}`);
  if (unready.length > 0) msgs.push(`containers with unready status: ${goList(unready)}`);
  if (msgs.length > 0) return condition(pod, "ContainersReady", "False", ContainersNotReady, msgs.join(", "));
  return condition(pod, "ContainersReady", "True");
}

/** Ready: ContainersReady plus every readiness gate's condition True (GeneratePodReadyCondition). */
export function generatePodReadyCondition(
  pod: Pod,
  conditions: readonly PodCondition[] = pod.status?.conditions ?? [],
  statuses: readonly ContainerStatus[] | null = allContainerStatuses(pod),
  phase: string = phaseOf(pod),
): PodCondition {
  const cr = generateContainersReadyCondition(pod, statuses, phase);
  if (cr.status !== "True") return condition(pod, "Ready", "False", cr.reason, cr.message);
  const msgs: string[] = [];
  for (const gate of pod.spec?.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    // the mutant lets a readiness gate whose condition nobody has written yet count as passed
    if (!c && !mutant("kubelet.readiness-gate-missing-condition-passes")) msgs.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (!c) continue;
    else if (c.status !== "True") msgs.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
  }
  if (msgs.length > 0) return condition(pod, "Ready", "False", ReadinessGatesNotReady, msgs.join(", "));
  return condition(pod, "Ready", "True");
}

// A sidecar counts as initialized once started; a regular init container once ready (i.e. exited 0).
function isInitContainerInitialized(c: Container, s: ContainerStatus): boolean {
  return isRestartableInitContainer(c) ? s.started === true : s.ready === true || (mutant("kubelet.running-init-counts-initialized") && s.state?.running !== undefined);
}

/** True once any regular container has started (kubecontainer.HasAnyRegularContainerStarted). */
export function hasAnyRegularContainerStarted(pod: Pod, statuses: readonly ContainerStatus[] | null): boolean {
  return (pod.spec?.containers ?? []).some((c) => {
    const st = statusOf(statuses, c.name)?.state;
    return st?.running !== undefined || st?.terminated !== undefined;
  });
}

/** Initialized: every init container done or sidecar started (GeneratePodInitializedCondition). */
export function generatePodInitializedCondition(
  pod: Pod,
  statuses: readonly ContainerStatus[] | null = allContainerStatuses(pod),
  phase: string = phaseOf(pod),
): PodCondition {
  const inits = pod.spec?.initContainers ?? [];
  if (statuses === null && inits.length > 0) return condition(pod, "Initialized", "False", UnknownContainerStatuses);
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of inits) {
    const s = statusOf(statuses, c.name);
    if (!s) unknown.push(c.name);
    else if (!isInitContainerInitialized(c, s)) incomplete.push(c.name);
  }
  if (phase === "Succeeded" && unknown.length === 0) return condition(pod, "Initialized", "True", PodCompleted);
  // Restarting sidecars do not un-initialize a pod whose regular containers already ran.
  if (hasAnyRegularContainerStarted(pod, statuses)) return condition(pod, "Initialized", "True");
  const msgs: string[] = [];
  if (unknown.length > 0) msgs.push(`containers with unknown status: ${goList(unknown)}`);
  if (incomplete.length > 0) msgs.push(`containers with incomplete status: ${goList(incomplete)}`);
  if (msgs.length > 0) return condition(pod, "Initialized", "False", ContainersNotInitialized, msgs.join(", "));
  return condition(pod, "Initialized", "True");
}

/** PodReadyToStartContainers: True once the sandbox exists with networking configured. */
export function generatePodReadyToStartContainersCondition(pod: Pod, sandboxReady: boolean): PodCondition {
  return condition(pod, "PodReadyToStartContainers", sandboxReady ? "True" : "False");
}

/** Kubelet-owned condition types (PodConditionsByKubelet); all others are preserved from status as the kubelet does. */
export const kubeletOwnedConditions: readonly string[] = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled", "PodResizePending", "PodResizeInProgress"];

// Without runtime state, infer the sandbox from what the status already shows.
function inferSandboxReady(pod: Pod): boolean {
  const prior = pod.status?.conditions?.find((c) => c.type === "PodReadyToStartContainers");
  if (prior) return prior.status === "True";
  const running = (allContainerStatuses(pod) ?? []).some((s) => s.state?.running !== undefined);
  return running || (pod.status?.podIP ?? "") !== "";
}

// Without a clock, PodScheduled keeps the time the scheduler's condition carries.
function scheduledAt(prior: readonly PodCondition[]): string | undefined {
  const old = prior.find((p) => p.type === "PodScheduled" && p.status === "True");
  return old?.lastTransitionTime ?? undefined;
}

// The status manager keeps lastTransitionTime unless the status flips.
function stamp(c: PodCondition, prior: readonly PodCondition[], now: string | undefined): PodCondition {
  if (now === undefined) return c;
  const old = prior.find((p) => p.type === c.type);
  return copyWith(c, { lastTransitionTime: old && old.status === c.status && old.lastTransitionTime && !mutant("kubelet.condition-transition-time-always-now") ? old.lastTransitionTime : now });
}

/**
 * The pod's conditions as the kubelet writes them (generateAPIPodStatus, then mergePodStatus):
 * foreign conditions (readiness gates, DisruptionTarget...) kept in order, then the kubelet's own in
 * its order: PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled (True: the
 * pod is on this node), each keeping its lastTransitionTime while its status holds.
 */
export function podConditions(pod: Pod, opts: { sandboxReady?: boolean; now?: string; resize?: readonly PodCondition[] } = {}): PodCondition[] {
  const prior = pod.status?.conditions ?? [];
  const kept = prior.filter((c) => !kubeletOwnedConditions.includes(c.type));
  const statuses = allContainerStatuses(pod);
  const phase = phaseOf(pod);
  const generated = [
    generatePodReadyToStartContainersCondition(pod, opts.sandboxReady ?? inferSandboxReady(pod)),
    generatePodInitializedCondition(pod, statuses, phase),
    generatePodReadyCondition(pod, kept, statuses, phase),
    generateContainersReadyCondition(pod, statuses, phase),
    condition(pod, "PodScheduled", "True"),
  ];
  // sliced: a spread-built array keeps spare room (17 slots for five) in every stored status
  // the resize conditions (the status manager's, with their own times) come before the kubelet's generated ones
  return [...kept, ...(opts.resize ?? []), ...generated.map((c) => stamp(c, prior, opts.now ?? (c.type === "PodScheduled" ? scheduledAt(prior) : undefined)))].slice();
}

// ---- the status manager's TerminatePod (status_manager.go) -------------------------------

/** What the kubelet writes for a container it can no longer account for when the pod terminates. */
export const ContainerStatusUnknown = "ContainerStatusUnknown";
// A fresh object per container: statuses go on to be frozen and stored, never shared with a constant.
const unknownAtTermination = (): ContainerStatus["state"] =>
  ({ terminated: { exitCode: 137, reason: ContainerStatusUnknown, message: "The container could not be located when the pod was terminated", startedAt: null, finishedAt: null } }) as unknown as ContainerStatus["state"];

/** True once the pod shows evidence of starting a regular container, or has no init containers (hasPodInitialized). */
export function hasPodInitialized(pod: Pod): boolean {
  const inits = pod.spec?.initContainers ?? [];
  if (inits.length === 0) return true;
  if ((pod.status?.containerStatuses ?? []).some((s) => s.lastState?.terminated !== undefined || s.state?.waiting === undefined)) return true;
  const statuses = pod.status?.initContainerStatuses ?? [];
  const last = statuses[statuses.length - 1];
  if (!last) return false;
  const spec = inits[statuses.length - 1];
  if (!spec || spec.name !== last.name) return false;
  if (isRestartableInitContainer(spec)) return last.state?.running !== undefined && last.started === true;
  return last.lastState?.terminated?.exitCode === 0 || last.state?.terminated?.exitCode === 0;
}

// Every init container status except the trailing run that never left Waiting; at least the first.
function initializedCount(statuses: readonly ContainerStatus[]): number {
  for (let i = statuses.length - 1; i >= 0; i--) {
    const s = statuses[i]!;
    if (s.state?.waiting === undefined || s.lastState?.terminated !== undefined) return i + 1;
  }
  return Math.min(1, statuses.length);
}

/**
 * The final status of a terminated pod (TerminatePod): a container with no terminated state is
 * reported as ContainerStatusUnknown exit 137, and a Pending or Running pod is marked Failed so
 * that it reaches a terminal phase before its deletion. Conditions are left as computed.
 */
export function terminatePodStatus<S extends { phase?: string; containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] }>(pod: Pod, status: S): S {
  const unknown = (s: ContainerStatus): ContainerStatus => (s.state?.terminated !== undefined ? s : { ...s, state: unknownAtTermination() });
  const out: S = { ...status };
  if (status.containerStatuses && hasPodInitialized(pod)) out.containerStatuses = status.containerStatuses.map(unknown);
  if (status.initContainerStatuses) {
    const n = initializedCount(status.initContainerStatuses);
    out.initContainerStatuses = status.initContainerStatuses.map((s, i) => (i < n ? unknown(s) : s));
  }
  if (!isStaticPod(pod) && out.phase !== "Succeeded" && out.phase !== "Failed" && !mutant("kubelet.terminated-pod-left-running")) out.phase = "Failed";
  return out;
}
