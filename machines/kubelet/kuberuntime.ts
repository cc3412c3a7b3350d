// kuberuntime_container.go and the image manager: one container's start (back-off, image, create,
// start) and stop, as CRI calls.

import type { Container, Pod } from "kubernetes-types/core/v1";
import type { Fx } from "../common/effects.js";
import { intValue } from "../common/quantity.js";
import { getOwn, setOwn } from "../common/own.js";
import type { ProjectedMount } from "../cri/messages.js";
import { backOffMaxMs, type ContainerRecord, type KubeletContext, type PodWorker, type RuntimeOp } from "./types.js";
import { formatPod, goDuration, podEvent } from "./events.js";
import { inBackoffSince, nextBackoff } from "./backoff.js";
import { cancelProbes } from "./prober.js";
import type { WaitingReason } from "./container.machine.js";
import { stepContainer, stepPull, stepWorker, waitingReason } from "./lifecycles.js";
import { mutant } from "../common/mutation.js";
import { view } from "./view.js";

export function runtimeCall(ctx: KubeletContext, w: PodWorker, to: string, msg: { type: string; [k: string]: any }, op: Omit<RuntimeOp, "uid">, fx: Fx, blocking = true): number {
  const id = ctx.opSeq++;
  ctx.ops.set(id, { uid: w.uid, ...op });
  if (blocking) w.op = id;
  fx.send(to, { ...msg, id });
  return id;
}


/** Sets the container's waiting reason; its events are recorded only when the reason or message is news. */
export function setWaiting(ctx: KubeletContext, w: PodWorker, c: ContainerRecord, reason: WaitingReason, message: string | undefined, events: Array<["Normal" | "Warning", string, string]>, fx: Fx): void {
  // The same waiting reason on every resync is not news: record its events once.
  if (waitingReason(c) !== reason || c.lifecycle.context.message !== message) for (const [t, r, m] of events) podEvent(ctx, w, c, t, r, m, fx);
  stepContainer(c, { type: "Wait", reason, ...(message !== undefined ? { message } : {}) });
}

/** The pod worker syncs again after ms (a later requeue replaces this one). */
export function resyncAfter(w: PodWorker, ms: number, fx: Fx): void {
  stepWorker(w, { type: "Requeue", delayMs: ms }, fx);
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
    if (inBackoffSince(life.backOff, ts, ctx.now, backOffMaxMs)) {
      const ms = life.backOff!.ms;
      const msg = `back-off ${goDuration(ms)} restarting failed container=${c.name} pod=${formatPod(w.pod)}`;
      setWaiting(ctx, w, c, "CrashLoopBackOff", msg, [["Warning", "BackOff", `Back-off restarting failed container ${c.name} in pod ${formatPod(w.pod)}`]], fx);
      resyncAfter(w, ts + ms - ctx.now, fx);
      return "blocked";
    }
    stepContainer(c, { type: "BackOffCounted", backOff: nextBackoff(life.backOff, ctx.now, backOffMaxMs) });
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
    runtimeCall(ctx, w, ctx.cri, {
      type: "CreateContainer", sandboxId: w.sandboxId, container: view(c.spec), attempt: c.attempts, env: containerEnv(ctx, w, c), podIP: w.ip,
      ...memoryLimit(c), ...serviceAccountMount(view(w.pod)),
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

// The downward API's metadata.labels['k'] and metadata.annotations['k'] (an Indexed Job's JOB_COMPLETION_INDEX).
function metadataField(pod: Pod, path: string): string | undefined {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (!m) return undefined;
  return getOwn(m[1] === "labels" ? pod.metadata?.labels : pod.metadata?.annotations, m[2]!);
}

export function containerEnv(ctx: KubeletContext, w: PodWorker, c: ContainerRecord): Record<string, string> {
  const pod = view(w.pod);
  const env: Record<string, string> = {
    HOSTNAME: pod.metadata!.name!,
    KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "443", KUBERNETES_SERVICE_PORT_HTTPS: "443",
    KUBERNETES_PORT: "tcp://10.96.0.1:443", KUBERNETES_PORT_443_TCP: "tcp://10.96.0.1:443", KUBERNETES_PORT_443_TCP_PROTO: "tcp",
    KUBERNETES_PORT_443_TCP_PORT: "443", KUBERNETES_PORT_443_TCP_ADDR: "10.96.0.1",
  };
  const fields: Record<string, string | undefined> = {
    "metadata.name": pod.metadata?.name, "metadata.namespace": pod.metadata?.namespace, "metadata.uid": w.uid,
    "spec.nodeName": ctx.node, "spec.serviceAccountName": pod.spec?.serviceAccountName, "status.podIP": w.ip, "status.hostIP": ctx.hostIP,
  };
  // Variable names and references come from the pod spec: "__proto__" or "constructor" is a name like any other.
  for (const e of view(c.spec).env ?? []) {
    if (e.value !== undefined) setOwn(env, e.name, e.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n: string) => getOwn(env, n) ?? m));
    else if (e.valueFrom?.fieldRef) setOwn(env, e.name, getOwn(fields, e.valueFrom.fieldRef.fieldPath) ?? metadataField(w.pod, e.valueFrom.fieldRef.fieldPath) ?? "");
    else setOwn(env, e.name, "");
  }
  return env;
}

export function stopContainer(ctx: KubeletContext, w: PodWorker, c: ContainerRecord, grace: number, fx: Fx): void {
  if (mutant("kubelet.ignores-grace-period")) grace = 0;
  stepContainer(c, { type: "Stop" });
  cancelProbes(w, c, fx);
  const preStop = w.gone ? undefined : view(c.spec).lifecycle?.preStop;
  runtimeCall(ctx, w, ctx.cri, { type: "StopContainer", containerId: c.lifecycle.context.id, timeoutSeconds: grace, podIP: w.ip ?? "", ...(preStop ? { preStop } : {}) }, { kind: "StopContainer", container: c.name }, fx, false);
}
