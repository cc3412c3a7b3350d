// Pod and PodSpec validation, ported in meaning from pkg/apis/core/validation/validation.go (v1.35):
// containers, ports, probes, resources, volumes, tolerations, affinity, and the pod update rules.

import { deepCopy } from "../../common/equal.js";
import {
  duplicate, forbiddenField, goQuote, goValue, invalidValue, notSupported, required, type FieldError,
} from "../status.js";
import {
  validateAnnotations, validateLabelName, validateLabels, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate,
} from "./meta.js";
import {
  inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, isValidLabelValue, isValidPortName, isValidPortNum, nameIsDNSSubdomain,
} from "./names.js";
import { validateEnv, validateEnvFrom } from "./env.js";
import { validateResourceRequirements } from "./resources.js";
import { validateVolumeDevices, validateVolumeMounts, validateVolumes } from "./volumes.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const MAX_INT32 = 2147483647;
const supportedPortProtocols = ["SCTP", "TCP", "UDP"];

/** ValidateDNS1123Label on a field. */
function dns1123Label(value: string, path: string): FieldError[] {
  return isDNS1123Label(value).map((m) => invalidValue(path, value, m));
}

/**
 * ValidatePortNumOrName: an int port 1-65535 or an IANA service name. An absent IntOrString is Go's
 * zero value, an Int of 0, so it is an Invalid 0 (never Go's InternalError for an unknown Type).
 */
export function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === "string") return isValidPortName(port).map((m) => invalidValue(path, port, m));
  const n = typeof port === "number" ? port : 0;
  return isValidPortNum(n).map((m) => invalidValue(path, n, m));
}

function validateContainerPorts(ports: Obj[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((p, i) => {
    const at = `${path}[${i}]`;
    if (p.name) {
      const msgs = isValidPortName(p.name);
      if (msgs.length > 0) for (const m of msgs) errs.push(invalidValue(`${at}.name`, p.name, m));
      else if (names.has(p.name)) errs.push(duplicate(`${at}.name`, p.name));
      else names.add(p.name);
    }
    if (!p.containerPort) errs.push(required(`${at}.containerPort`, ""));
    else for (const m of isValidPortNum(p.containerPort)) errs.push(invalidValue(`${at}.containerPort`, p.containerPort, m));
    if (p.hostPort) for (const m of isValidPortNum(p.hostPort)) errs.push(invalidValue(`${at}.hostPort`, p.hostPort, m));
    if (!p.protocol) errs.push(required(`${at}.protocol`, ""));
    else if (!supportedPortProtocols.includes(p.protocol)) errs.push(notSupported(`${at}.protocol`, p.protocol, supportedPortProtocols));
  });
  return errs;
}

function validatePullPolicy(policy: string | undefined, path: string): FieldError[] {
  if (policy === "Always" || policy === "IfNotPresent" || policy === "Never") return [];
  if (!policy) return [required(path, "")];
  return [notSupported(path, policy, ["Always", "IfNotPresent", "Never"])];
}

const handlerKinds = ["exec", "httpGet", "tcpSocket", "grpc", "sleep"] as const;

function validateHandlerAction(kind: (typeof handlerKinds)[number], h: Obj, path: string): FieldError[] {
  switch (kind) {
    case "exec":
      return (h.command ?? []).length === 0 ? [required(`${path}.command`, "")] : [];
    case "httpGet": {
      const errs: FieldError[] = [];
      if (!h.path) errs.push(required(`${path}.path`, ""));
      errs.push(...validatePortNumOrName(h.port, `${path}.port`));
      if (h.scheme !== "HTTP" && h.scheme !== "HTTPS") errs.push(notSupported(`${path}.scheme`, h.scheme ?? "", ["HTTP", "HTTPS"]));
      return errs;
    }
    case "tcpSocket":
      return validatePortNumOrName(h.port, `${path}.port`);
    case "grpc":
      return validatePortNumOrName(h.port ?? 0, `${path}.port`);
    case "sleep":
      return typeof h.seconds === "number" && h.seconds < 0 ? [invalidValue(`${path}.seconds`, h.seconds, "must be greater than or equal to 0")] : [];
  }
}

/** validateHandler: exactly one of exec, httpGet, tcpSocket, grpc (sleep for lifecycle hooks). */
export function validateHandler(handler: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of handlerKinds) {
    if (handler[kind] === undefined || handler[kind] === null) continue;
    if (count > 0) {
      errs.push(forbiddenField(`${path}.${kind}`, "may not specify more than 1 handler type"));
    } else {
      count++;
      errs.push(...validateHandlerAction(kind, handler[kind], `${path}.${kind}`));
    }
  }
  if (count === 0) errs.push(required(path, "must specify a handler type"));
  return errs;
}

/** validateProbe: one handler and non-negative timings. */
export function validateProbe(probe: Obj, path: string): FieldError[] {
  if (!probe) return [];
  const errs = validateHandler(probe, path);
  for (const f of ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"]) {
    errs.push(...validateNonnegative(probe[f] ?? 0, `${path}.${f}`));
  }
  const tgps = probe.terminationGracePeriodSeconds;
  if (typeof tgps === "number" && tgps <= 0) errs.push(invalidValue(`${path}.terminationGracePeriodSeconds`, tgps, "must be greater than 0"));
  return errs;
}

function validateLivenessOrStartupProbe(probe: Obj, path: string): FieldError[] {
  if (!probe) return [];
  const errs = validateProbe(probe, path);
  if ((probe.successThreshold ?? 0) !== 1) errs.push(invalidValue(`${path}.successThreshold`, probe.successThreshold ?? 0, "must be 1"));
  return errs;
}

function validateReadinessProbe(probe: Obj, path: string): FieldError[] {
  if (!probe) return [];
  const errs = validateProbe(probe, path);
  if (probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds !== null) {
    errs.push(invalidValue(`${path}.terminationGracePeriodSeconds`, probe.terminationGracePeriodSeconds, "must not be set for readinessProbes"));
  }
  return errs;
}

function validateLifecycle(lc: Obj, path: string): FieldError[] {
  if (!lc) return [];
  const errs: FieldError[] = [];
  if (lc.postStart) errs.push(...validateHandler(lc.postStart, `${path}.postStart`));
  if (lc.preStop) errs.push(...validateHandler(lc.preStop, `${path}.preStop`));
  return errs;
}

// validateContainerCommon: checks shared by app, init and ephemeral containers.
function validateContainerCommon(c: Obj, volumes: ReadonlyMap<string, Obj>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(`${path}.name`, ""));
  else errs.push(...dns1123Label(c.name, `${path}.name`));
  if (!c.image) errs.push(required(`${path}.image`, ""));
  const tmp = c.terminationMessagePolicy;
  if (!tmp) errs.push(required(`${path}.terminationMessagePolicy`, ""));
  else if (tmp !== "File" && tmp !== "FallbackToLogsOnError") errs.push(notSupported(`${path}.terminationMessagePolicy`, tmp, ["File", "FallbackToLogsOnError"]));
  errs.push(...validateContainerPorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  errs.push(...validateEnvFrom(c.envFrom, `${path}.envFrom`));
  errs.push(...validateVolumeMounts(c, volumes, `${path}.volumeMounts`));
  errs.push(...validateVolumeDevices(c, volumes, `${path}.volumeDevices`));
  errs.push(...validatePullPolicy(c.imagePullPolicy, `${path}.imagePullPolicy`));
  errs.push(...validateResourceRequirements(c.resources, `${path}.resources`));
  return errs;
}

// Two containers may not claim the same host port and protocol.
function checkHostPortConflicts(containers: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c, ci) => {
    (c.ports ?? []).forEach((p: Obj, pi: number) => {
      if (!p.hostPort) return;
      const key = `${p.hostIP ?? ""}/${p.hostPort}/${p.protocol ?? ""}`;
      if (seen.has(key)) errs.push(duplicate(`${path}[${ci}].ports[${pi}].hostPort`, goValue(`${p.hostIP ?? ""}/${p.hostPort}/${p.protocol ?? ""}`)));
      seen.add(key);
    });
  });
  return errs;
}

/** validateContainers: at least one, unique names, each container and its probes valid. */
export function validateContainers(containers: Obj[] | undefined, volumes: ReadonlyMap<string, Obj>, path: string): FieldError[] {
  if (!containers || containers.length === 0) return [required(path, "")];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, volumes, at));
    if (names.has(c.name)) errs.push(duplicate(`${at}.name`, c.name));
    else names.add(c.name);
    errs.push(...validateLifecycle(c.lifecycle, `${at}.lifecycle`));
    errs.push(...validateLivenessOrStartupProbe(c.livenessProbe, `${at}.livenessProbe`));
    errs.push(...validateReadinessProbe(c.readinessProbe, `${at}.readinessProbe`));
    errs.push(...validateLivenessOrStartupProbe(c.startupProbe, `${at}.startupProbe`));
    if (c.restartPolicy !== undefined && c.restartPolicy !== null) errs.push(forbiddenField(`${at}.restartPolicy`, "may not be set for non-init containers"));
  });
  errs.push(...checkHostPortConflicts(containers, path));
  return errs;
}

// Init containers: names unique across all containers; probes only on restartable (sidecar) ones.
function validateInitContainers(inits: Obj[] | undefined, regular: Obj[] | undefined, volumes: ReadonlyMap<string, Obj>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>((regular ?? []).map((c) => c.name));
  (inits ?? []).forEach((c, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, volumes, at));
    if (names.has(c.name)) errs.push(duplicate(`${at}.name`, c.name));
    else names.add(c.name);
    const sidecar = c.restartPolicy === "Always";
    if (c.restartPolicy !== undefined && c.restartPolicy !== null && !sidecar) errs.push(notSupported(`${at}.restartPolicy`, c.restartPolicy, ["Always"]));
    if (sidecar) {
      errs.push(...validateLifecycle(c.lifecycle, `${at}.lifecycle`));
      errs.push(...validateLivenessOrStartupProbe(c.livenessProbe, `${at}.livenessProbe`));
      errs.push(...validateReadinessProbe(c.readinessProbe, `${at}.readinessProbe`));
      errs.push(...validateLivenessOrStartupProbe(c.startupProbe, `${at}.startupProbe`));
    } else {
      if (c.lifecycle) errs.push(forbiddenField(`${at}.lifecycle`, "may not be set for init containers without restartPolicy=Always"));
      if (c.livenessProbe) errs.push(forbiddenField(`${at}.livenessProbe`, "may not be set for init containers without restartPolicy=Always"));
      if (c.readinessProbe) errs.push(forbiddenField(`${at}.readinessProbe`, "may not be set for init containers without restartPolicy=Always"));
      if (c.startupProbe) errs.push(forbiddenField(`${at}.startupProbe`, "may not be set for init containers without restartPolicy=Always"));
    }
  });
  return errs;
}

function validateRestartPolicy(policy: string | undefined, path: string): FieldError[] {
  if (policy === "Always" || policy === "OnFailure" || policy === "Never") return [];
  if (!policy) return [required(path, "")];
  return [notSupported(path, policy, ["Always", "OnFailure", "Never"])];
}

function validateDNSPolicy(policy: string | undefined, path: string): FieldError[] {
  const valid = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
  if (policy && valid.includes(policy)) return [];
  if (!policy) return [required(path, "")];
  return [notSupported(path, policy, valid)];
}

function validateDNSConfig(spec: Obj, path: string): FieldError[] {
  if (spec.dnsPolicy !== "None") return [];
  if (!spec.dnsConfig) return [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")];
  if ((spec.dnsConfig.nameservers ?? []).length === 0) return [required(`${path}.nameservers`, "must provide at least one DNS nameserver when `dnsPolicy` is None")];
  return [];
}

function validateTaintEffect(effect: string, path: string): FieldError[] {
  const valid = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
  return valid.includes(effect) ? [] : [notSupported(path, effect, valid)];
}

// Go's %#v of a core.Toleration, which Kubernetes prints for an Exists toleration with a value.
function tolerationGoSyntax(t: Obj): string {
  const secs = t.tolerationSeconds === undefined || t.tolerationSeconds === null ? "(*int64)(nil)" : "(*int64)(0xc000000000)";
  return `core.Toleration{Key:${goQuote(t.key ?? "")}, Operator:${goQuote(t.operator ?? "")}, Value:${goQuote(t.value ?? "")}, Effect:${goQuote(t.effect ?? "")}, TolerationSeconds:${secs}}`;
}

/** ValidateTolerations: key syntax, operator/value rules, effect values, tolerationSeconds only with NoExecute. */
export function validateTolerations(tolerations: Obj[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const at = `${path}[${i}]`;
    const key: string = t.key ?? "";
    const op: string = t.operator ?? "";
    const value: string = t.value ?? "";
    const effect: string = t.effect ?? "";
    if (key.length > 0) errs.push(...validateLabelName(key, `${at}.key`));
    if (key.length === 0 && op !== "Exists") {
      errs.push(invalidValue(`${at}.operator`, op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== "NoExecute") {
      errs.push(invalidValue(`${at}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === "Equal" || op === "") {
      const msgs = isValidLabelValue(value);
      if (msgs.length > 0) errs.push(invalidValue(`${at}.operator`, value, msgs.join(";")));
    } else if (op === "Exists") {
      if (value.length > 0) errs.push(invalidValue(`${at}.operator`, goValue(tolerationGoSyntax(t)), "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(`${at}.operator`, op, ["Equal", "Exists"]));
    }
    if (effect.length > 0) errs.push(...validateTaintEffect(effect, `${at}.effect`));
  });
  return errs;
}

/** ValidateNodeSelectorRequirement: operator/values rules, key syntax, label-value syntax of values. */
export function validateNodeSelectorRequirement(rq: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const values: string[] = rq.values ?? [];
  switch (rq.operator) {
    case "In":
    case "NotIn":
      if (values.length === 0) errs.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length > 0) errs.push(forbiddenField(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case "Gt":
    case "Lt":
      if (values.length !== 1) errs.push(required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalidValue(`${path}.operator`, rq.operator ?? "", "not a valid selector operator"));
  }
  errs.push(...validateLabelName(rq.key ?? "", `${path}.key`));
  values.forEach((v, i) => {
    for (const m of isValidLabelValue(v)) errs.push(invalidValue(`${path}.values[${i}]`, v, m));
  });
  return errs;
}

function validateNodeFieldSelectorRequirement(rq: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const values: string[] = rq.values ?? [];
  if (rq.operator === "In" || rq.operator === "NotIn") {
    if (values.length !== 1) errs.push(required(`${path}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else {
    errs.push(invalidValue(`${path}.operator`, rq.operator ?? "", "not a valid selector operator"));
  }
  if (rq.key !== "metadata.name") errs.push(notSupported(`${path}.key`, rq.key ?? "", ["metadata.name"]));
  return errs;
}

function validateNodeSelectorTerm(term: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (term?.matchExpressions ?? []).forEach((rq: Obj, j: number) => errs.push(...validateNodeSelectorRequirement(rq, `${path}.matchExpressions[${j}]`)));
  (term?.matchFields ?? []).forEach((rq: Obj, j: number) => errs.push(...validateNodeFieldSelectorRequirement(rq, `${path}.matchFields[${j}]`)));
  return errs;
}

function validateNodeAffinity(na: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const req = na.requiredDuringSchedulingIgnoredDuringExecution;
  if (req) {
    const termsPath = `${path}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`;
    const terms: Obj[] = req.nodeSelectorTerms ?? [];
    if (terms.length === 0) errs.push(required(termsPath, "must have at least one node selector term"));
    terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, `${termsPath}[${i}]`)));
  }
  (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t: Obj, i: number) => {
    const at = `${path}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    if (!(t.weight > 0 && t.weight <= 100)) errs.push(invalidValue(`${at}.weight`, t.weight ?? 0, "must be in the range 1-100"));
    errs.push(...validateNodeSelectorTerm(t.preference, `${at}.preference`));
  });
  return errs;
}

function validateAffinity(affinity: Obj, path: string): FieldError[] {
  if (!affinity?.nodeAffinity) return [];
  return validateNodeAffinity(affinity.nodeAffinity, `${path}.nodeAffinity`);
}

function validateNameField(value: string | undefined, path: string, check: (s: string) => string[]): FieldError[] {
  if (!value) return [];
  return check(value).map((m) => invalidValue(path, value, m));
}

/** What ValidatePodSpec's options carry that podflow uses: a Pod (not a template) and its name. */
export interface PodSpecContext {
  resourceIsPod: boolean;
  podName?: string;
}

/** ValidatePodSpec: the spec rules shared by pods and pod templates, in Kubernetes' order. */
export function validatePodSpec(spec: Obj, path: string, ctx: PodSpecContext = { resourceIsPod: false }): FieldError[] {
  const s = spec ?? {};
  const { vols: volumes, errs } = validateVolumes(s.volumes, `${path}.volumes`, ctx);
  errs.push(...validateContainers(s.containers, volumes, `${path}.containers`));
  errs.push(...validateInitContainers(s.initContainers, s.containers, volumes, `${path}.initContainers`));
  errs.push(...validateRestartPolicy(s.restartPolicy, `${path}.restartPolicy`));
  errs.push(...validateDNSPolicy(s.dnsPolicy, `${path}.dnsPolicy`));
  errs.push(...validateLabels(s.nodeSelector, `${path}.nodeSelector`));
  errs.push(...validateAffinity(s.affinity, `${path}.affinity`));
  errs.push(...validateDNSConfig(s, `${path}.dnsConfig`));
  errs.push(...validateNameField(s.serviceAccountName, `${path}.serviceAccountName`, isDNS1123Subdomain));
  errs.push(...validateNameField(s.nodeName, `${path}.nodeName`, isDNS1123Subdomain));
  if (s.activeDeadlineSeconds !== undefined && s.activeDeadlineSeconds !== null) {
    const v = s.activeDeadlineSeconds;
    if (v < 1 || v > MAX_INT32) errs.push(invalidValue(`${path}.activeDeadlineSeconds`, v, inclusiveRangeError(1, MAX_INT32)));
  }
  errs.push(...validateNameField(s.hostname, `${path}.hostname`, isDNS1123Label));
  errs.push(...validateNameField(s.subdomain, `${path}.subdomain`, isDNS1123Label));
  errs.push(...validateTolerations(s.tolerations, `${path}.tolerations`));
  errs.push(...validateNameField(s.priorityClassName, `${path}.priorityClassName`, isDNS1123Subdomain));
  if (s.preemptionPolicy !== undefined && s.preemptionPolicy !== "PreemptLowerPriority" && s.preemptionPolicy !== "Never") {
    errs.push(notSupported(`${path}.preemptionPolicy`, s.preemptionPolicy, ["Never", "PreemptLowerPriority"]));
  }
  // A negative terminationGracePeriodSeconds is not rejected: the pod strategy coerces it to 1.
  return errs;
}

/** ValidatePodTemplateSpec: template labels/annotations (at <path>.labels, as Kubernetes reports them) and spec. */
export function validatePodTemplateSpec(template: Obj, path: string): FieldError[] {
  const t = template ?? {};
  const errs = [
    ...validateLabels(t.metadata?.labels, `${path}.labels`),
    ...validateAnnotations(t.metadata?.annotations, `${path}.annotations`),
    ...validatePodSpec(t.spec, `${path}.spec`),
  ];
  if ((t.spec?.ephemeralContainers ?? []).length > 0) errs.push(forbiddenField(`${path}.spec.ephemeralContainers`, "ephemeral containers not allowed in pod template"));
  return errs;
}

// validatePodMetadataAndSpec: object meta, spec, and the pod-only projected-token rule.
function validatePodMetadataAndSpec(pod: Obj): FieldError[] {
  const errs = [...validateObjectMeta(pod.metadata, true, nameIsDNSSubdomain), ...validatePodSpec(pod.spec, "spec", { resourceIsPod: true, podName: pod.metadata?.name })];
  if (!pod.spec?.serviceAccountName) {
    (pod.spec?.volumes ?? []).forEach((v: Obj, vi: number) => {
      (v.projected?.sources ?? []).forEach((src: Obj, si: number) => {
        if (src.serviceAccountToken) errs.push(forbiddenField(`spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`, "must not be specified when serviceAccountName is not set"));
      });
    });
  }
  return errs;
}

/** ValidatePodCreate. */
export function validatePodCreate(pod: Obj): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  if ((pod.spec?.ephemeralContainers ?? []).length > 0) errs.push(forbiddenField("spec.ephemeralContainers", "cannot be set on create"));
  if (pod.spec?.nodeName && (pod.spec?.schedulingGates ?? []).length > 0) {
    errs.push(forbiddenField("spec.nodeName", "cannot be set until all schedulingGates have been cleared"));
  }
  return errs;
}

/** The Forbidden detail for a pod update that touches immutable spec fields (before the spec diff). */
export const POD_UPDATE_FORBIDDEN_MESSAGE =
  "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

function validateContainerUpdates(next: Obj[] | undefined, prev: Obj[] | undefined, path: string): { errs: FieldError[]; stop: boolean } {
  if ((next ?? []).length !== (prev ?? []).length) return { errs: [forbiddenField(path, "pod updates may not add or remove containers")], stop: true };
  const errs: FieldError[] = [];
  (next ?? []).forEach((c, i) => {
    if (!c.image) errs.push(required(`${path}[${i}].image`, ""));
  });
  return { errs, stop: false };
}

function sameJSON(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object).filter((k) => (a as Obj)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Obj)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJSON((a as Obj)[k], (b as Obj)[k]));
}

// Each old toleration must still be there, possibly with a different tolerationSeconds.
function validateOnlyAddedTolerations(next: Obj[] | undefined, prev: Obj[] | undefined, path: string): FieldError[] {
  for (const old of prev ?? []) {
    const found = (next ?? []).some((t) => sameJSON({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) return [forbiddenField(path, "existing toleration can not be modified except its tolerationSeconds")];
  }
  return validateTolerations(next, path);
}

function validateOnlyDeletedSchedulingGates(next: Obj[] | undefined, prev: Obj[] | undefined, path: string): FieldError[] {
  const had = new Set((prev ?? []).map((g) => g.name));
  const errs: FieldError[] = [];
  (next ?? []).forEach((g, i) => {
    if (!had.has(g.name)) errs.push(forbiddenField(`${path}[${i}].name`, `only deletion is allowed, but found new scheduling gate '${g.name}'`));
  });
  return errs;
}

function validateActiveDeadlineUpdate(next: number | undefined, prev: number | undefined): { errs: FieldError[]; stop: boolean } {
  const path = "spec.activeDeadlineSeconds";
  if (next !== undefined && next !== null) {
    if (next < 0 || next > MAX_INT32) return { errs: [invalidValue(path, next, inclusiveRangeError(0, MAX_INT32))], stop: true };
    if (prev !== undefined && prev !== null && prev < next) return { errs: [invalidValue(path, next, "must be less than or equal to previous value")], stop: true };
    return { errs: [], stop: false };
  }
  if (prev !== undefined && prev !== null) return { errs: [invalidValue(path, null, "must not update from a positive integer to nil value")], stop: false };
  return { errs: [], stop: false };
}

// Lists the top-level spec fields that differ, standing in for the cmp.Diff Kubernetes appends.
function specDiff(prev: Obj, next: Obj): string {
  const keys = [...new Set([...Object.keys(prev ?? {}), ...Object.keys(next ?? {})])].sort();
  const changed = keys.filter((k) => !sameJSON(prev?.[k], next?.[k]));
  return `  core.PodSpec{\n${changed.map((k) => `  \t${k}: changed,\n`).join("")}  }\n`;
}

/** ValidatePodUpdate: metadata immutables, then only images, activeDeadlineSeconds, added tolerations, removed gates, grace 1 from negative. */
export function validatePodUpdate(pod: Obj, old: Obj): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pod.metadata, old.metadata), ...validatePodMetadataAndSpec(pod)];
  const spec = pod.spec ?? {};
  const oldSpec = old.spec ?? {};
  for (const key of ["containers", "initContainers"] as const) {
    const r = validateContainerUpdates(spec[key], oldSpec[key], `spec.${key}`);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const ads = validateActiveDeadlineUpdate(spec.activeDeadlineSeconds, oldSpec.activeDeadlineSeconds);
  errs.push(...ads.errs);
  if (ads.stop) return errs;
  errs.push(...validateOnlyAddedTolerations(spec.tolerations, oldSpec.tolerations, "spec.tolerations"));
  errs.push(...validateOnlyDeletedSchedulingGates(spec.schedulingGates, oldSpec.schedulingGates, "spec.schedulingGates"));
  if (sameJSON(spec, oldSpec)) return errs;
  const munged = mungePodSpec(spec, oldSpec);
  if (!sameJSON(munged, oldSpec)) errs.push(forbiddenField("spec", `${POD_UPDATE_FORBIDDEN_MESSAGE}\n${specDiff(oldSpec, munged)}`));
  return errs;
}

// Copies the fields a pod update may change from the old spec, so what remains must be equal.
function mungePodSpec(spec: Obj, oldSpec: Obj): Obj {
  const m = deepCopy(spec);
  for (const key of ["containers", "initContainers"] as const) {
    if (m[key]) m[key] = m[key].map((c: Obj, i: number) => ({ ...c, image: oldSpec[key]?.[i]?.image }));
  }
  m.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  m.schedulingGates = oldSpec.schedulingGates;
  m.tolerations = oldSpec.tolerations;
  if (typeof oldSpec.terminationGracePeriodSeconds === "number" && oldSpec.terminationGracePeriodSeconds < 0 && m.terminationGracePeriodSeconds === 1) {
    m.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  return m;
}

/** ValidatePodBinding: target kind Node (or empty) and a target name. */
export function validateBinding(binding: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const kind = binding.target?.kind ?? "";
  if (kind !== "" && kind !== "Node") errs.push(notSupported("target.kind", kind, ["Node", "<empty>"]));
  if (!binding.target?.name) errs.push(required("target.name", ""));
  return errs;
}
