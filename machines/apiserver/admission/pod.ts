// Pod defaults (pkg/apis/core/v1/defaults.go) and the mutating admission plugins that touch pods
// (DefaultTolerationSeconds, Priority; ServiceAccount is serviceaccount.ts), plus the pod strategy's PrepareForCreate.

import { mutant } from "../../common/mutation.js";
import { formatBytes, formatMilli, milliValue } from "../../common/quantity.js";
import { podQOSClass } from "../../common/qos.js";
import { validateAppArmorProfile } from "../validation/security.js";

type Obj = any;

export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
export const DEFAULT_SCHEDULER_NAME = "default-scheduler";
export const DEFAULT_TOLERATION_SECONDS = 300;
export { SYSTEM_PRIORITY_CLASSES } from "./priority.js";

/** The tag of an image reference as ParseImageName reads it: "latest" when neither tag nor digest is given, "" for digest-only. */
export function imageTag(image: string): string {
  const at = image.indexOf("@");
  const name = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = name.lastIndexOf("/");
  const colon = name.indexOf(":", lastSlash + 1);
  if (colon >= 0) return name.slice(colon + 1);
  // the mutant reads a digest-only reference as the latest tag
  return at >= 0 && !mutant("defaults.digest-image-pulls-always") ? "" : "latest";
}

/** SetDefaults_Container's pull policy: Always for the "latest" tag (explicit or implied), else IfNotPresent. */
export function defaultPullPolicy(image: string): "Always" | "IfNotPresent" {
  return imageTag(image) === "latest" ? "Always" : "IfNotPresent";
}

function defaultHTTPGet(h: Obj): void {
  if (!h) return;
  h.path ??= "/";
  h.scheme ??= "HTTP";
}

function defaultProbe(p: Obj): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= mutant("defaults.probe-failure-threshold-one") ? 1 : 3;
  defaultHTTPGet(p.httpGet);
  // GRPCAction.service is `+default=""`: the generated defaulter sets it (kubectl describe reads it).
  if (p.grpc && typeof p.grpc === "object") p.grpc.service ??= "";
}

function defaultLifecycle(l: Obj): void {
  if (!l) return;
  defaultHTTPGet(l.postStart?.httpGet);
  defaultHTTPGet(l.preStop?.httpGet);
}

function defaultEnv(env: Obj[] | undefined): void {
  for (const e of env ?? []) {
    if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= "v1";
    // FileKeySelector.optional is `+default=false`: the generated defaulter sets it
    if (e.valueFrom?.fileKeyRef && typeof e.valueFrom.fileKeyRef === "object") e.valueFrom.fileKeyRef.optional ??= false;
  }
}

function defaultContainer(c: Obj): void {
  if (c.imagePullPolicy === undefined || c.imagePullPolicy === "") c.imagePullPolicy = defaultPullPolicy(String(c.image ?? ""));
  c.terminationMessagePath ??= "/dev/termination-log";
  c.terminationMessagePolicy ??= "File";
  for (const p of c.ports ?? []) p.protocol ??= "TCP";
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultLifecycle(c.lifecycle);
  defaultEnv(c.env);
  c.resources ??= {};
}

function defaultVolume(v: Obj): void {
  const sourceKeys = Object.keys(v).filter((k) => k !== "name");
  if (sourceKeys.length === 0) v.emptyDir = {};
  if (v.secret) v.secret.defaultMode ??= 420;
  if (v.configMap) v.configMap.defaultMode ??= 420;
  if (v.downwardAPI) {
    v.downwardAPI.defaultMode ??= 420;
    for (const i of v.downwardAPI.items ?? []) if (i.fieldRef) i.fieldRef.apiVersion ??= "v1";
  }
  if (v.projected) {
    v.projected.defaultMode ??= 420;
    for (const s of v.projected.sources ?? []) {
      if (s.serviceAccountToken) s.serviceAccountToken.expirationSeconds ??= 3600;
      for (const i of s.downwardAPI?.items ?? []) if (i.fieldRef) i.fieldRef.apiVersion ??= "v1";
    }
  }
  if (v.hostPath) v.hostPath.type ??= "";
  // SetDefaults_Volume (ImageVolume, on by default since 1.35): the same rule as a container's image
  if (v.image && typeof v.image === "object" && !v.image.pullPolicy) v.image.pullPolicy = defaultPullPolicy(String(v.image.reference ?? ""));
}

/** SetDefaults_PodSpec and its nested defaults; applies to pods and pod templates alike. */
export function defaultPodSpec(spec: Obj): void {
  spec.dnsPolicy ??= "ClusterFirst";
  spec.restartPolicy ??= "Always";
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  spec.schedulerName ??= DEFAULT_SCHEDULER_NAME;
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
  if (spec.hostNetwork) for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) defaultHostNetworkPorts(c);
}

// With hostNetwork the container port is the host port, so hostPort defaults to containerPort.
function defaultHostNetworkPorts(c: Obj): void {
  for (const p of c.ports ?? []) if (p.hostPort === undefined || p.hostPort === 0) p.hostPort = p.containerPort;
}

// Only on Pod, not on templates: a limit without a request means request == limit.
function defaultRequestsFromLimits(c: Obj): void {
  const limits = c.resources?.limits;
  if (!limits) return;
  const requests = (c.resources.requests ??= {});
  for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
}

function formatResource(name: string, milli: number): string {
  if (name === "cpu") return formatMilli(milli);
  return formatBytes(Math.round(milli / 1000));
}

// Effective container requests: sum of app containers, at least the largest init container.
function aggregateContainerRequests(spec: Obj): Map<string, number> {
  const sum = new Map<string, number>();
  for (const c of spec.containers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.requests ?? {})) sum.set(k, (sum.get(k) ?? 0) + milliValue(v as string));
  }
  for (const c of spec.initContainers ?? []) {
    for (const [k, v] of Object.entries(c.resources?.requests ?? {})) sum.set(k, Math.max(sum.get(k) ?? 0, milliValue(v as string)));
  }
  return sum;
}

// defaultPodRequests: pod-level requests come from container requests, else from pod-level limits.
function defaultPodLevelRequests(spec: Obj): void {
  const r = spec.resources;
  if (!r?.limits || Object.keys(r.limits).length === 0) return;
  const requests = { ...(r.requests ?? {}) };
  for (const [k, m] of aggregateContainerRequests(spec)) {
    if ((k === "cpu" || k === "memory") && requests[k] === undefined) requests[k] = formatResource(k, m);
  }
  for (const [k, v] of Object.entries(r.limits)) {
    if ((k === "cpu" || k === "memory") && requests[k] === undefined) requests[k] = v;
  }
  r.requests = requests;
}

/** SetDefaults_Pod: PodSpec defaults plus what only a Pod (not a template) gets. */
export function defaultPod(pod: Obj): void {
  pod.spec ??= {};
  const spec = pod.spec;
  for (const c of spec.containers ?? []) defaultRequestsFromLimits(c);
  for (const c of spec.initContainers ?? []) defaultRequestsFromLimits(c);
  spec.enableServiceLinks ??= true;
  defaultPodSpec(spec);
  if (spec.resources) defaultPodLevelRequests(spec);
}

function tolerates(tols: Obj[], key: string): boolean {
  return tols.some((t) => (t.key === key || !t.key) && (t.effect === "NoExecute" || !t.effect));
}

/** DefaultTolerationSeconds: tolerate not-ready and unreachable NoExecute taints for 300s unless the pod already does. */
export function admitDefaultTolerationSeconds(pod: Obj): void {
  const tols: Obj[] = [...(pod.spec.tolerations ?? [])];
  for (const key of ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]) {
    // The mutant leaves the flag's value out: a toleration without tolerationSeconds tolerates forever.
    if (!tolerates(tols, key)) tols.push(mutant("apiserver.default-toleration-without-seconds") ? { key, operator: "Exists", effect: "NoExecute" } : { key, operator: "Exists", effect: "NoExecute", tolerationSeconds: DEFAULT_TOLERATION_SECONDS });
  }
  // sliced: a pushed-to array keeps spare room (17 slots) in every stored pod
  pod.spec.tolerations = tols.slice();
}

const APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

/** appArmorAnnotationForField: the deprecated annotation's value for a profile ("" for a Localhost one without a name). */
function appArmorAnnotationForField(profile: Obj): string {
  if (profile.type === "Unconfined") return "unconfined";
  if (profile.type === "RuntimeDefault") return "runtime/default";
  if (profile.type === "Localhost" && typeof profile.localhostProfile === "string") return `localhost/${profile.localhostProfile}`;
  return "";
}

/** apparmorFieldForAnnotation: the profile an annotation names, or undefined for one that names none. */
function appArmorFieldForAnnotation(annotation: string): Obj | undefined {
  if (annotation === "unconfined") return { type: "Unconfined" };
  if (annotation === "runtime/default") return { type: "RuntimeDefault" };
  if (annotation.startsWith("localhost/") && annotation.length > "localhost/".length) return { type: "Localhost", localhostProfile: annotation.slice("localhost/".length) };
  return undefined;
}

const sameProfile = (a: Obj | undefined, b: Obj | undefined) => a?.type === b?.type && a?.localhostProfile === b?.localhostProfile;

/**
 * applyAppArmorVersionSkew (pkg/registry/core/pod/strategy.go): a container's deprecated AppArmor
 * annotation and its appArmorProfile field are kept in step, so nodes of either age enforce the
 * same profile. A field (the container's, else the pod's) without an annotation adds the
 * annotation; an annotation without a container field sets the field, unless the pod-level field
 * already says the same. Windows pods are left alone.
 */
export function applyAppArmorVersionSkew(pod: Obj): void {
  if (pod.spec?.os?.name === "windows") return;
  const podProfile: Obj | undefined = pod.spec?.securityContext?.appArmorProfile ?? undefined;
  for (const key of ["initContainers", "containers", "ephemeralContainers"] as const) {
    for (const c of pod.spec?.[key] ?? []) {
      const name = APPARMOR_ANNOTATION_PREFIX + c.name;
      const annotations = pod.metadata.annotations ?? {};
      const containerProfile: Obj | undefined = c.securityContext?.appArmorProfile ?? undefined;
      if (!Object.hasOwn(annotations, name)) {
        const value = containerProfile ? appArmorAnnotationForField(containerProfile) : podProfile ? appArmorAnnotationForField(podProfile) : "";
        if (value !== "") pod.metadata.annotations = { ...annotations, [name]: value };
      } else if (!containerProfile) {
        // an annotation naming a profile the field would refuse (ValidateAppArmorProfileField) is not copied
        const parsed = appArmorFieldForAnnotation(annotations[name]);
        const field = parsed && validateAppArmorProfile(parsed, "").length === 0 ? parsed : undefined;
        if (field && !sameProfile(field, podProfile)) c.securityContext = { ...(c.securityContext ?? {}), appArmorProfile: field };
      }
    }
  }
}

/** The pod strategy's PrepareForCreate: fresh status (Pending, qosClass), generation 1, scheduling-gated condition. */
export function preparePodForCreate(pod: Obj): void {
  pod.metadata.generation = 1;
  applyAppArmorVersionSkew(pod);
  // mutatePodTerminationGracePeriodSeconds: a negative grace period would mean "kill at once"; Kubernetes stores 1.
  if (typeof pod.spec.terminationGracePeriodSeconds === "number" && pod.spec.terminationGracePeriodSeconds < 0) pod.spec.terminationGracePeriodSeconds = 1;
  pod.status = { phase: "Pending", qosClass: podQOSClass(pod) };
  if ((pod.spec.schedulingGates ?? []).length > 0) {
    pod.status.conditions = [{ type: "PodScheduled", status: "False", reason: "SchedulingGated", message: "Scheduling is blocked due to non-empty scheduling gates" }];
  }
}
