// kuberuntime_container.go and the image manager: one container's start (back-off, image, create,
// start) and stop, as CRI calls.

import type { Container, Pod } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import type { NumberLiteral } from "../common/numberliteral.js";
import { intValue, milliValue } from "../common/quantity.js";
import { getOwn, } from "../common/own.js";
import { getObject, secretText } from "./objects.js";
import { fieldValue, resourceValue, type Unready } from "./volumes.js";
import { expand, mappingFuncFor } from "./expansion.js";
import { resolveSubPaths } from "./subpath.js";
import { backOffMaxMs, minimumGracePeriodSeconds, type ContainerRecord, type KubeletContext, type PodWorker, type RuntimeOp } from "./types.js";
import { formatPod, goDuration, podEvent } from "./events.js";
import { inBackoffSince, nextBackoff } from "./backoff.js";
import { stopLivenessAndStartup } from "./prober.js";
import type { WaitingReason } from "./container.machine.js";
import { stepContainer, stepPull, stepWorker, waitingReason } from "./lifecycles.js";
import { mutant } from "../common/mutation.js";
import { view } from "./view.js";
import { invalidImageNameMessage } from "../cri/registry.js";
import { serviceEnvFor, servicesNotReadMessage } from "./serviceenv.js";
import { composeEnv, type UserRequest } from "../cri/messages.js";
import { clusterDomain as CLUSTER_DOMAIN, containerFiles, hostnameEnv } from "./containerfiles.js";
import { podIPOf, podIPsOf, usesHostNetwork } from "./hostnetwork.js";
import { podDNSConfig, resolvConf, resolvConfPath } from "./dns.js";
import { envFileRefs, fileKeyRefOf, fileKeyValue } from "./envfile.js";
import { appArmorProfile, type AppArmorSecurityProfile } from "./apparmor.js";
import { seccompProfile, type SeccompSecurityProfile } from "./seccomp.js";
import { userRequest, verifyRunAsNonRoot } from "./securitycontext.js";
import { allocatedContainer, isResizable, resourcesOf } from "./resize.js";
import { ensureImageVolumes } from "./imagevolumes.js";

/** A pod worker whose container could not be configured syncs again after its back-off (backOffPeriod, 10 s). */
export const configErrorRetryMs = 10_000;

/** generateContainerConfig failed: CreateContainerConfigError, the container's step starts over, the worker retries after its back-off. */
function configError(ctx: KubeletContext, w: PodWorker, c: ContainerRecord, message: string, fx: Fx): "blocked" {
  // startContainer records its Failed event on every attempt: the correlator counts them (x6 over 1m)
  setWaiting(ctx, w, c, "CreateContainerConfigError", message, [["Warning", "Failed", `Error: ${message}`]], fx, true);
  c.step = {};
  resyncAfter(w, configErrorRetryMs, fx);
  return "blocked";
}

export function runtimeCall(ctx: KubeletContext, w: PodWorker, to: string, msg: { type: string; [k: string]: any }, op: Omit<RuntimeOp, "uid">, fx: Fx, blocking = true): number {
  const id = ctx.opSeq++;
  ctx.ops.set(id, { uid: w.uid, ...op });
  if (blocking) w.op = id;
  fx.send(to, { ...msg, id });
  return id;
}


/** Sets the container's waiting reason; its events are recorded only when the reason or message is news. */
export function setWaiting(ctx: KubeletContext, w: PodWorker, c: ContainerRecord, reason: WaitingReason, message: string | undefined, events: Array<["Normal" | "Warning", string, string]>, fx: Fx, everySync = false): void {
  // The same waiting reason on every resync is not news: record its events once, unless the
  // caller records on each failed sync as the kubelet does (the event correlator counts repeats).
  if (everySync || waitingReason(c) !== reason || c.lifecycle.context.message !== message) for (const [t, r, m] of events) podEvent(ctx, w, c, t, r, m, fx);
  stepContainer(c, { type: "Wait", reason, ...(message !== undefined ? { message } : {}) });
}

/** The pod worker syncs again after ms (a later requeue replaces this one); a wait that holds settle keeps settle() running until it ends. */
export function resyncAfter(w: PodWorker, ms: number, fx: Fx, holdsSettle = false): void {
  stepWorker(w, { type: "Requeue", delayMs: ms }, fx, !holdsSettle);
}

export function pullPolicy(c: Container): string {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const image = c.image ?? "";
  const tagged = /:[^/]+$/.test(image.split("@")[0]!);
  return image.includes("@") || (tagged && !image.endsWith(":latest")) ? "IfNotPresent" : "Always";
}


export function tryStart(ctx: KubeletContext, w: PodWorker, c: ContainerRecord, fx: Fx): "op" | "blocked" {
  const image = c.spec.image ?? "";
  const life = view(c.lifecycle).context;
  if (life.exitPending) return "blocked";
  if (life.terminated && c.step.checked === undefined && c.step.image === undefined) {
    const ts = life.terminated.finishedAt;
    // doBackOff: a restart waits out the back-off counted from the last exit (IsInBackOffSince).
    // A restart for a changed spec has a new back-off key (the hash is in it): it never waits.
    if (!c.restartForChange && inBackoffSince(mutant("kubelet.crashloop-no-backoff") ? undefined : life.backOff, ts, ctx.now, backOffMaxMs)) {
      const ms = life.backOff!.ms;
      const msg = `back-off ${goDuration(ms)} restarting failed container=${c.name} pod=${formatPod(w.pod)}`;
      setWaiting(ctx, w, c, "CrashLoopBackOff", msg, [["Warning", "BackOff", `Back-off restarting failed container ${c.name} in pod ${formatPod(w.pod)}`]], fx);
      resyncAfter(w, ts + ms - ctx.now, fx);
      return "blocked";
    }
    stepContainer(c, { type: "BackOffCounted", backOff: nextBackoff(life.backOff, ctx.now, backOffMaxMs) });
  }
  const volumes = imageVolumesStep(ctx, w, c, fx);
  if (volumes !== "ready") return volumes;
  if (!c.step.image) {
    // EnsureImageExists: applyDefaultImageTag parses the name before any pull; an unparsable one
    // fails the sync (no Pulling event) and the pod worker retries after its back-off. Every such
    // sync records InspectFailed (EnsureImageExists' logIt) and Failed (startContainer) again; the
    // steps of one sync here all run at one instant, and distinct syncs of the kubelet never do.
    const invalid = invalidImageNameMessage(image);
    if (invalid !== undefined) {
      const newSync = c.invalidImageSyncAt !== ctx.now;
      c.invalidImageSyncAt = ctx.now;
      setWaiting(ctx, w, c, "InvalidImageName", invalid, [["Warning", "InspectFailed", invalid], ["Warning", "Failed", "Error: InvalidImageName"]], fx, newSync);
      c.step = {};
      resyncAfter(w, configErrorRetryMs, fx);
      return "blocked";
    }
    const policy = pullPolicy(c.spec);
    if (policy !== "Always" && !c.step.checked) {
      runtimeCall(ctx, w, ctx.cri, { type: "ImageStatus", image }, { kind: "ImageStatus", container: c.name }, fx);
      c.step = { ...c.step, checked: true };
      return "op";
    }
    if (policy !== "Always" && c.step.present) {
      c.step = { ...c.step, image: c.step.present };
      podEvent(ctx, w, c, "Normal", "Pulled", `Container image "${image}" already present on machine and can be accessed by the pod`, fx);
    } else if (policy === "Never") {
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      setWaiting(ctx, w, c, "ErrImageNeverPull", msg, [["Warning", "ErrImageNeverPull", msg], ["Warning", "Failed", "Error: ErrImageNeverPull"]], fx);
      c.step = {};
      return "blocked";
    } else {
      const pull = stepPull(w, image, { type: "Pull", now: ctx.now });
      if (pull.value === "imagePullBackOff") {
        const b = pull.context.backOff!;
        const msg = `Back-off pulling image "${image}"`;
        setWaiting(ctx, w, c, "ImagePullBackOff", `${msg}: ${pull.context.lastError}`, [["Normal", "BackOff", msg], ["Warning", "Failed", "Error: ImagePullBackOff"]], fx);
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
    // makeEnvironmentVariables reads the env files fileKeyRefs name from the volumes on the node's disk: here the runtime holds it
    const files = c.step.envFiles === undefined ? envFileRefs(c.spec.env) : [];
    if (files.length > 0) {
      runtimeCall(ctx, w, ctx.cri, { type: "ReadVolumeFiles", sandboxId: w.sandboxId, files }, { kind: "ReadVolumeFiles", container: c.name }, fx);
      return "op";
    }
    // generateContainerConfig: a ConfigMap or Secret not yet listed waits for its reflector; a missing one fails the start.
    const env = containerEnv(ctx, w, c);
    if (env.kind === "notSynced") return "blocked";
    if (env.kind === "error") return configError(ctx, w, c, env.message, fx);
    // makeMounts: a subPathExpr that cannot be expanded, or a subPath that leaves its volume, fails the start
    const mounts = resolveSubPaths(view(c.spec), env.env);
    if ("error" in mounts) return configError(ctx, w, c, mounts.error, fx);
    const nonRoot = verifyRunAsNonRoot(view(w.pod), view(c.spec), c.step.image);
    if (nonRoot !== undefined) return configError(ctx, w, c, nonRoot, fx);
    // the container is made with its allocated resources, which a pending resize has not changed yet
    const created = allocatedContainer(w, expandCommandAndArgs(mounts.container, env.env));
    runtimeCall(ctx, w, ctx.cri, {
      type: "CreateContainer", sandboxId: w.sandboxId, container: created, attempt: c.attempts, env: env.env, podIP: podIPOf(ctx, w), ...dualStackIPs(ctx, w),
      ...memoryLimit(view(w.pod), created), ...podCpuLimit(view(w.pod), created), ...appArmorOf(w, c), ...seccompOf(w, c), ...userOf(w, c), files: hostFilesOf(ctx, w, c),
      ...(c.step.imageVolumes !== undefined && Object.keys(c.step.imageVolumes).length > 0 ? { imageVolumes: c.step.imageVolumes } : {}),
    }, { kind: "CreateContainer", container: c.name, ...(isResizable(c) ? { resources: resourcesOf(created) } : {}) }, fx);
    return "op";
  }
  runtimeCall(ctx, w, ctx.cri, { type: "StartContainer", containerId: c.step.createdId }, { kind: "StartContainer", container: c.name }, fx);
  return "op";
}

/**
 * SyncPod's start: toKubeContainerImageVolumes fails the start with the pull error of an image
 * volume the container mounts (startContainerResult.Fail: its waiting reason and message; no
 * "Error:" event, that is startContainer's), before its own image is pulled.
 */
function imageVolumesStep(ctx: KubeletContext, w: PodWorker, c: ContainerRecord, fx: Fx): "op" | "blocked" | "ready" {
  const got = ensureImageVolumes(ctx, w, c, fx, (msg, volume) => runtimeCall(ctx, w, ctx.cri, msg, { kind: msg.type, container: c.name, volume }, fx));
  if (got === "op" || got === "ready") return got;
  setWaiting(ctx, w, c, got.reason, got.message, [], fx);
  c.step = {};
  resyncAfter(w, got.retryMs, fx);
  return "blocked";
}

/**
 * makeMounts' host files for this container: the managed /etc/hosts and the termination-message
 * file; and the sandbox's files containerd mounts into each of its containers unless a mount is
 * there (containerMounts): /etc/resolv.conf, written from the pod's DNS configuration, and
 * /etc/hostname, the sandbox's hostname and a newline.
 */
function hostFilesOf(ctx: KubeletContext, w: PodWorker, c: ContainerRecord): Record<string, string> {
  const files = containerFiles(view(w.pod), view(c.spec), podIPsOf(ctx, w), { name: ctx.node, hostIP: ctx.hostIP, ...(ctx.hostIPv6 !== undefined ? { hostIPv6: ctx.hostIPv6 } : {}) });
  const mounted = (path: string) => (c.spec.volumeMounts ?? []).some((m) => m.mountPath === path);
  if (!mounted(resolvConfPath)) files[resolvConfPath] = resolvConf(podDNSConfig(view(w.pod), undefined, ctx.clusterDNS === undefined ? undefined : { servers: [ctx.clusterDNS], domain: CLUSTER_DOMAIN }));
  if (!mounted(etcHostnamePath)) files[etcHostnamePath] = `${sandboxHostname(ctx, w)}\n`;
  return files;
}

const etcHostnamePath = "/etc/hostname";

/**
 * The sandbox's hostname (generatePodSandboxConfig: GetNodenameForKernel, the FQDN with
 * setHostnameAsFQDN); a host-network pod's sandbox gets none, so containerd gives it the node's.
 */
function sandboxHostname(ctx: KubeletContext, w: PodWorker): string {
  return usesHostNetwork(w) ? ctx.node : hostnameEnv(view(w.pod));
}

/** The container's AppArmor profile for the CRI (left out when none is set: the runtime's default). */
function appArmorOf(w: PodWorker, c: ContainerRecord): { appArmor?: AppArmorSecurityProfile } {
  const profile = appArmorProfile(view(w.pod), view(c.spec));
  return profile ? { appArmor: profile } : {};
}

/** The container's seccomp profile for the CRI, left out when Unconfined (the runtime does nothing then). */
function seccompOf(w: PodWorker, c: ContainerRecord): { seccomp?: SeccompSecurityProfile } {
  const profile = seccompProfile(view(w.pod), view(c.spec));
  return profile.type === "Unconfined" ? {} : { seccomp: profile };
}

/** The container's user, groups and their policy for the CRI, left out when none is set. */
function userOf(w: PodWorker, c: ContainerRecord): { user?: UserRequest } {
  const user = userRequest(view(w.pod), view(c.spec), c.step.image);
  return user ? { user } : {};
}

/** getMemoryLimit: the container's memory limit, else the pod-level one (PodLevelResources, beta and on since 1.34). */
function memoryLimit(pod: Pod, c: Container): { memoryLimitBytes?: number } {
  const lim = c.resources?.limits?.memory ?? podLimits(pod)?.memory;
  return lim === undefined ? {} : { memoryLimitBytes: intValue(lim) };
}

// kubernetes-types predates spec.resources
const podLimits = (pod: Pod) => (pod.spec as { resources?: { limits?: Record<string, string | number> } } | undefined)?.resources?.limits;

/** getCPULimit: a container with no cpu limit of its own gets the pod-level one as its quota. */
function podCpuLimit(pod: Pod, c: Container): { podCpuLimitMilli?: number } {
  const lim = podLimits(pod)?.cpu;
  return lim === undefined || c.resources?.limits?.cpu !== undefined ? {} : { podCpuLimitMilli: milliValue(lim) };
}

/** What makeEnvironmentVariables gives: the environment, or why the container cannot be configured yet. */
export type EnvResult = { kind: "env"; env: Record<string, string> } | Unready;

/**
 * makeEnvironmentVariables: envFrom first (prefixed keys), then env in order (a value expands
 * `$(VAR)` against the variables so far and the Service variables; valueFrom reads the downward
 * API, a ConfigMap, a Secret or an env file read for this attempt, skipping a missing optional
 * one), then the Service variables not
 * already set (an API pod's start fails until the service informer has listed once). HOSTNAME is the runtime's: the
 * pod's hostname (spec.hostname, else its name).
 */
export function containerEnv(ctx: KubeletContext, w: PodWorker, c: ContainerRecord): EnvResult {
  const pod = view(w.pod);
  const spec = view(c.spec);
  const ns = pod.metadata?.namespace ?? "default";
  // Variable names and keys come from the pod spec and objects: "__proto__" is a name like any other.
  const tmp: Record<string, string> = Object.create(null);
  const serviceEnv = serviceEnvFor(ctx, pod);
  // not a wait: the start fails (CreateContainerConfigError) and the pod worker tries again after its back-off
  if (!serviceEnv) return { kind: "error", message: servicesNotReadMessage };
  for (const from of spec.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const resource = from.configMapRef ? "configmaps" : "secrets";
    const got = getObject(ctx, resource, ns, ref.name ?? "");
    if (got.kind === "notSynced") return got;
    if (got.kind === "notFound") {
      if (ref.optional === true) continue;
      return { kind: "error", message: got.message };
    }
    for (const k of Object.keys(got.obj.data ?? {})) tmp[(from.prefix ?? "") + k] = resource === "secrets" ? secretText(got.obj.data, k)! : got.obj.data[k];
  }
  const mapping = mappingFuncFor(tmp, serviceEnv);
  for (const e of spec.env ?? []) {
    if (e.value) {
      tmp[e.name] = expand(e.value, mapping);
      continue;
    }
    const from = e.valueFrom;
    if (from?.fieldRef) tmp[e.name] = fieldValue(ctx, w, from.fieldRef.fieldPath);
    else if (from?.resourceFieldRef) tmp[e.name] = resourceValue(pod, spec, from.resourceFieldRef);
    else if (from?.configMapKeyRef || from?.secretKeyRef) {
      const ref = (from.configMapKeyRef ?? from.secretKeyRef)!;
      const resource = from.configMapKeyRef ? "configmaps" : "secrets";
      const got = getObject(ctx, resource, ns, ref.name ?? "");
      if (got.kind === "notSynced") return got;
      if (got.kind === "notFound") {
        if (ref.optional === true) continue;
        return { kind: "error", message: got.message };
      }
      const value: string | undefined = resource === "secrets" ? secretText(got.obj.data, ref.key) : getOwn<string>(got.obj.data, ref.key);
      if (value === undefined) {
        if (ref.optional === true) continue;
        return { kind: "error", message: `couldn't find key ${ref.key} in ${resource === "secrets" ? "Secret" : "ConfigMap"} ${ns}/${ref.name}` };
      }
      tmp[e.name] = value;
    } else if (fileKeyRefOf(e)) {
      const f = fileKeyRefOf(e)!;
      const read = c.step.envFiles?.find((r) => r.volume === f.volumeName && r.path === f.path);
      const got = fileKeyValue(f, read, pod.metadata?.uid ?? "");
      if ("error" in got) return { kind: "error", message: got.error };
      if ("skip" in got) continue;
      tmp[e.name] = got.value;
    } else tmp[e.name] = "";
  }
  const hostname = sandboxHostname(ctx, w);
  // Frozen (composeEnv): it travels in CreateContainer and is kept by the runtime, and a frozen
  // object is one the end of a draft step (this one's, the runtime's) need not walk key by key for
  // drafts. Most containers have no variable of their own: HOSTNAME, then the Service variables.
  return { kind: "env", env: composeEnv(hostname, serviceEnv, keysOf(serviceEnv), Object.keys(tmp).length > 0 ? tmp : undefined) };
}

// The Service variables are a frozen value per store and namespace (serviceEnvFor): their keys are listed once.
const serviceEnvKeys = new WeakMap<object, readonly string[]>();

function keysOf(serviceEnv: Readonly<Record<string, string>>): readonly string[] {
  let keys = serviceEnvKeys.get(serviceEnv);
  if (keys === undefined) serviceEnvKeys.set(serviceEnv, (keys = Object.keys(serviceEnv)));
  return keys;
}

/** ExpandContainerCommandAndArgs: `$(VAR)` in command and args, against the container's final environment. */
export function expandCommandAndArgs(spec: Container, env: Readonly<Record<string, string>>): Container {
  if (!spec.command && !spec.args) return spec;
  const mapping = mappingFuncFor(env);
  const out: Container = { ...spec };
  if (spec.command) out.command = spec.command.map((x) => expand(x, mapping));
  if (spec.args) out.args = spec.args.map((x) => expand(x, mapping));
  return out;
}

/** killContainer's `if gracePeriod < minimumGracePeriodInSeconds`: 2 s at least; an int64 past 2^53 kept exact. */
export function withMinimumGrace(grace: number | NumberLiteral): number | NumberLiteral {
  return Number(grace) < minimumGracePeriodSeconds && !mutant("kubelet.minimum-grace-not-enforced") ? minimumGracePeriodSeconds : grace;
}

export function stopContainer(ctx: KubeletContext, w: PodWorker, c: ContainerRecord, grace: number | NumberLiteral, fx: Fx): void {
  if (mutant("kubelet.ignores-grace-period")) grace = 0;
  stepContainer(c, { type: "Stop" });
  stopLivenessAndStartup(w, c, fx);
  const preStop = w.gone ? undefined : view(c.spec).lifecycle?.preStop;
  runtimeCall(ctx, w, ctx.cri, { type: "StopContainer", containerId: c.lifecycle.context.id, timeoutSeconds: grace, podIP: w.ip ?? "", ...(preStop ? { preStop } : {}) }, { kind: "StopContainer", container: c.name }, fx, false);
}

/** A dual-stack pod's addresses for its containers (both families' connections leave from them); nothing for a single-stack pod. */
function dualStackIPs(ctx: KubeletContext, w: PodWorker): { podIPs?: string[] } {
  const ips = podIPsOf(ctx, w);
  return ips.length > 1 ? { podIPs: ips } : {};
}
