// Pod and PodSpec validation, ported in meaning from pkg/apis/core/validation/validation.go (v1.35):
// containers, ports, probes, resources, volumes, tolerations, affinity, and the pod update rules.

import { deepCopy } from "../../common/equal.js";
import {
  duplicate, forbiddenField, notFoundField, invalidValue, notSupported, required, tooMany, type FieldError,
} from "../status.js";
import {
  marshalled, validateAnnotations, validateLabelName, validateLabels, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate,
} from "./meta.js";
import {
  inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, isDNS1123SubdomainWithUnderscore, isHTTPHeaderName, isValidPortName, isValidPortNum, nameIsDNSSubdomain,
} from "./names.js";
import { validateEnv, validateEnvFrom } from "./env.js";
import { hasInvalidLabelValueInRequiredNodeAffinity, hasInvalidTopologySpreadConstraintLabelSelector, validateAffinity, validateTolerations, validateTopologySpreadConstraints } from "./scheduling.js";
import { validatePodResourceClaims, validatePodResources, validateResourceRequirements } from "./resources.js";
import { validateLocalDescendingPath, validateVolumeDevices, validateVolumeMounts, validateVolumes } from "./volumes.js";
import { validateLegacyIP } from "./ip.js";
import { has, validateContainerSecurityContext, validateHostUsers, validatePodSecurityContext, validateWindowsHostProcessPod } from "./security.js";
import { mutant } from "../../common/mutation.js";

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

export function validateContainerPorts(ports: Obj[] | undefined, path: string): FieldError[] {
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


function validateHandlerAction(kind: (typeof handlerKinds)[number], h: Obj, path: string, gracePeriod: number | undefined): FieldError[] {
  switch (kind) {
    case "exec":
      return (h.command ?? []).length === 0 ? [required(`${path}.command`, "")] : [];
    case "httpGet": {
      const errs: FieldError[] = [];
      if (!h.path) errs.push(required(`${path}.path`, ""));
      errs.push(...validatePortNumOrName(h.port, `${path}.port`));
      if (h.scheme !== "HTTP" && h.scheme !== "HTTPS") errs.push(notSupported(`${path}.scheme`, h.scheme ?? "", ["HTTP", "HTTPS"]));
      for (const header of h.httpHeaders ?? []) {
        const name: string = header.name ?? "";
        for (const m of isHTTPHeaderName(name)) errs.push(invalidValue(`${path}.httpHeaders`, name, m));
      }
      return errs;
    }
    case "tcpSocket":
      return validatePortNumOrName(h.port, `${path}.port`);
    case "grpc":
      return validatePortNumOrName(h.port ?? 0, `${path}.port`);
    case "sleep": {
      // Zero-second sleeps are allowed (PodLifecycleSleepActionAllowZero); the sleep must end within the grace period.
      const secs = h.seconds ?? 0;
      if (gracePeriod === undefined || (secs >= 0 && secs <= gracePeriod)) return [];
      return [invalidValue(path, secs, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`)];
    }
  }
}

/** validateHandler: exactly one of exec, httpGet, tcpSocket, grpc (sleep for lifecycle hooks). */
export function validateHandler(handler: Obj, path: string, gracePeriod?: number): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const kind of handlerKinds) {
    if (handler[kind] === undefined || handler[kind] === null) continue;
    if (count > 0) {
      errs.push(forbiddenField(`${path}.${kind}`, "may not specify more than 1 handler type"));
    } else {
      count++;
      errs.push(...validateHandlerAction(kind, handler[kind], `${path}.${kind}`, gracePeriod));
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

function validateLifecycle(lc: Obj, path: string, gracePeriod: number | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (lc.postStart) errs.push(...validateHandler(lc.postStart, `${path}.postStart`, gracePeriod));
  if (lc.preStop) errs.push(...validateHandler(lc.preStop, `${path}.preStop`, gracePeriod));
  return errs;
}

/** What the container checks need of the pod spec. */
interface ContainerContext {
  volumes: ReadonlyMap<string, Obj>;
  podClaimNames: ReadonlySet<string>;
  restartPolicy: string;
  hostUsers: boolean;
  gracePeriod: number | undefined;
}

const resizeResources = ["cpu", "memory"];
const resizeRestartPolicies = ["NotRequired", "RestartContainer"];

/** validateResizePolicy: cpu and memory once each, a known restart policy, NotRequired when the pod never restarts. */
export function validateResizePolicy(policies: Obj[] | undefined, path: string, podRestartPolicy: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (policies ?? []).forEach((p, i) => {
    const name: string = p.resourceName ?? "";
    const rp: string = p.restartPolicy ?? "";
    if (seen.has(name)) errs.push(duplicate(`${path}[${i}]`, name));
    seen.add(name);
    if (name === "") errs.push(required(path, ""));
    else if (!resizeResources.includes(name)) errs.push(notSupported(path, name, resizeResources));
    if (rp === "") errs.push(required(path, ""));
    else if (!resizeRestartPolicies.includes(rp)) errs.push(notSupported(path, rp, resizeRestartPolicies));
    if (podRestartPolicy === "Never" && rp !== "NotRequired") errs.push(invalidValue(path, rp, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
  });
  return errs;
}

// validateContainerCommon: checks shared by app, init and ephemeral containers.
function validateContainerCommon(c: Obj, ctx: ContainerContext, path: string): FieldError[] {
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
  errs.push(...validateVolumeMounts(c, ctx.volumes, `${path}.volumeMounts`));
  errs.push(...validateVolumeDevices(c, ctx.volumes, `${path}.volumeDevices`));
  errs.push(...validatePullPolicy(c.imagePullPolicy, `${path}.imagePullPolicy`));
  errs.push(...validateResourceRequirements(c.resources, `${path}.resources`, ctx.podClaimNames));
  errs.push(...validateResizePolicy(c.resizePolicy, `${path}.resizePolicy`, ctx.restartPolicy));
  errs.push(...validateContainerSecurityContext(c.securityContext, `${path}.securityContext`, ctx.hostUsers));
  return errs;
}

/** AccumulateUniqueHostPorts: no two ports on one protocol, host IP and host port ("TCP//8080" as Kubernetes keys it). */
function checkHostPortConflicts(containers: Obj[], path: string, indexOf: (i: number) => number = (i) => i): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c, ci) => {
    (c.ports ?? []).forEach((p: Obj, pi: number) => {
      if (!p.hostPort) return;
      const key = mutant("validation.hostport-conflict-ignores-protocol") ? `/${p.hostIP ?? ""}/${p.hostPort}` : `${p.protocol ?? ""}/${p.hostIP ?? ""}/${p.hostPort}`;
      if (seen.has(key)) errs.push(duplicate(`${path}[${indexOf(ci)}].ports[${pi}].hostPort`, key));
      else seen.add(key);
    });
  });
  return errs;
}

function validateProbes(c: Obj, at: string, gracePeriod: number | undefined): FieldError[] {
  return [
    ...(c.lifecycle ? validateLifecycle(c.lifecycle, `${at}.lifecycle`, gracePeriod) : []),
    ...validateLivenessOrStartupProbe(c.livenessProbe, `${at}.livenessProbe`),
    ...validateReadinessProbe(c.readinessProbe, `${at}.readinessProbe`),
    ...validateLivenessOrStartupProbe(c.startupProbe, `${at}.startupProbe`),
  ];
}

/** validateContainers: at least one, unique names, each container and its probes valid, host ports unique across them. */
function validateContainers(containers: Obj[] | undefined, ctx: ContainerContext, path: string): FieldError[] {
  if (!containers || containers.length === 0) return [required(path, "")];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, ctx, at));
    if (names.has(c.name ?? "")) errs.push(duplicate(`${at}.name`, c.name ?? ""));
    else names.add(c.name ?? "");
    errs.push(...validateProbes(c, at, ctx.gracePeriod));
    // ContainerRestartRules (beta, on in v1.35): a regular container may set its own policy and rules
    errs.push(...validateContainerRestartPolicy(c.restartPolicy, c.restartPolicyRules, at));
  });
  errs.push(...checkHostPortConflicts(containers, path));
  return errs;
}

/**
 * validateContainerRestartPolicy (ContainerRestartRules): the container's restartPolicy, required
 * once it has rules; at most 20 rules, each with the action Restart (RestartAllContainers is alpha
 * and off) and exitCodes with the operator In or NotIn and at most 255 values.
 */
function validateContainerRestartPolicy(policy: unknown, rules: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const list: Obj[] = Array.isArray(rules) ? rules : [];
  if (!has(policy)) {
    if (list.length === 0) return errs;
    errs.push(required(`${path}.restartPolicy`, "must specify restartPolicy when restart rules are used"));
  } else if (policy !== "Always" && policy !== "Never" && policy !== "OnFailure") {
    errs.push(notSupported(`${path}.restartPolicy`, policy, ["Always", "Never", "OnFailure"]));
  }
  if (list.length > 20) errs.push(tooMany(`${path}.restartPolicyRules`, list.length, 20));
  list.forEach((rule, i) => {
    const at = `${path}.restartPolicyRules[${i}]`;
    if (rule?.action !== "Restart") errs.push(notSupported(`${at}.action`, rule?.action ?? "", ["Restart"]));
    const codes = rule?.exitCodes;
    if (!has(codes)) {
      errs.push(required(`${at}.exitCodes`, "must be specified"));
      return;
    }
    if (codes.operator !== "In" && codes.operator !== "NotIn") errs.push(notSupported(`${at}.exitCodes.operator`, codes.operator ?? "", ["In", "NotIn"]));
    if (Array.isArray(codes.values) && codes.values.length > 255) errs.push(tooMany(`${at}.exitCodes.values`, codes.values.length, 255));
  });
  return errs;
}

/** validateInitContainerRestartPolicy: a sidecar (Always) takes no rules; another policy is checked as a regular container's. */
function validateInitContainerRestartPolicy(policy: unknown, rules: unknown, path: string): FieldError[] {
  const list: unknown[] = Array.isArray(rules) ? rules : [];
  if (!has(policy)) return list.length > 0 ? [required(`${path}.restartPolicy`, "must specify restartPolicy when restart rules are used")] : [];
  if (policy === "Always") return list.length > 0 ? [forbiddenField(`${path}.restartPolicyRules`, "restartPolicyRules are not allowed for init containers with restart policy Always")] : [];
  return validateContainerRestartPolicy(policy, rules, path);
}

// Init containers: names unique across all containers; probes only on restartable (sidecar) ones; host
// ports checked per init container, since they run one at a time.
function validateInitContainers(inits: Obj[] | undefined, regular: Obj[] | undefined, ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>((regular ?? []).map((c) => c.name ?? ""));
  (inits ?? []).forEach((c, i) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c, ctx, at));
    errs.push(...validateInitContainerRestartPolicy(c.restartPolicy, c.restartPolicyRules, at));
    if (names.has(c.name ?? "")) errs.push(duplicate(`${at}.name`, c.name ?? ""));
    else if (c.name) names.add(c.name);
    errs.push(...checkHostPortConflicts([c], path, () => i));
    if (c.restartPolicy === "Always") {
      errs.push(...validateProbes(c, at, ctx.gracePeriod));
    } else {
      for (const f of ["lifecycle", "livenessProbe", "readinessProbe", "startupProbe"]) {
        if (c[f] !== undefined && c[f] !== null) errs.push(forbiddenField(`${at}.${f}`, "may not be set for init containers without restartPolicy=Always"));
      }
      if (Array.isArray(c.resizePolicy) && c.resizePolicy.length > 0) errs.push(invalidValue(`${at}.resizePolicy`, marshalled(c.resizePolicy), "must not be set for init containers without restartPolicy=Always"));
    }
  });
  return errs;
}

// The fields an ephemeral container may set (validateFieldAllowList over EphemeralContainerCommon): it
// must not be relied on for the pod's own service, so no ports, resources, probes or lifecycle.
const ephemeralForbiddenFields = ["ports", "resources", "resizePolicy", "restartPolicy", "restartPolicyRules", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle"];

/** validateEphemeralContainers: the common checks, a name unique across all containers, a target that is a regular or init container, the allow list, no subPaths. */
function validateEphemeralContainers(ephemeral: Obj[] | undefined, spec: Obj, ctx: ContainerContext, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const others = new Set<string>([...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c: Obj) => c?.name ?? ""));
  const all = new Set(others);
  (ephemeral ?? []).forEach((c: Obj, i: number) => {
    const at = `${path}[${i}]`;
    errs.push(...validateContainerCommon(c ?? {}, ctx, at));
    const image: string = c?.image ?? "";
    if (image.trim() !== image) errs.push(invalidValue(`${at}.image`, image, "must not have leading or trailing whitespace"));
    if (all.has(c?.name ?? "")) errs.push(duplicate(`${at}.name`, c?.name ?? ""));
    else all.add(c?.name ?? "");
    if (c?.targetContainerName && !others.has(c.targetContainerName)) errs.push(notFoundField(`${at}.targetContainerName`, c.targetContainerName));
    for (const f of ephemeralForbiddenFields) {
      const v = c?.[f];
      // validateFieldAllowList asks reflect's IsZero: a pointer or slice field is set once present (an
      // empty restartPolicy or ports list included); resources, a struct, only with a member set.
      const set = f === "resources" ? typeof v === "object" && v !== null && Object.keys(v).length > 0 : v !== undefined && v !== null;
      if (set) errs.push(forbiddenField(`${at}.${f}`, "cannot be set for an Ephemeral Container"));
    }
    (c?.volumeMounts ?? []).forEach((vm: Obj, j: number) => {
      if (vm?.subPath) errs.push(forbiddenField(`${at}.volumeMounts[${j}].subPath`, "cannot be set for an Ephemeral Container"));
      if (vm?.subPathExpr) errs.push(forbiddenField(`${at}.volumeMounts[${j}].subPathExpr`, "cannot be set for an Ephemeral Container"));
    });
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

const MAX_DNS_NAMESERVERS = 3;
const MAX_DNS_SEARCH_PATHS = 32;
const MAX_DNS_SEARCH_LIST_CHARS = 2048;
/** validatePodDNSConfig: nameservers (with dnsPolicy None, at least one), searches and options. */
function validateDNSConfig(spec: Obj, path: string): FieldError[] {
  const cfg = spec.dnsConfig;
  if (spec.dnsPolicy === "None") {
    if (!cfg) return [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")];
    if ((cfg.nameservers ?? []).length === 0) return [required(`${path}.nameservers`, "must provide at least one DNS nameserver when `dnsPolicy` is None")];
  }
  if (!cfg) return [];
  const errs: FieldError[] = [];
  const nameservers: string[] = cfg.nameservers ?? [];
  if (nameservers.length > MAX_DNS_NAMESERVERS) errs.push(invalidValue(`${path}.nameservers`, marshalled(nameservers), `must not have more than ${MAX_DNS_NAMESERVERS} nameservers`));
  nameservers.forEach((ns, i) => errs.push(...validateLegacyIP(ns, `${path}.nameservers[${i}]`)));
  const searches: string[] = cfg.searches ?? [];
  if (searches.length > MAX_DNS_SEARCH_PATHS) errs.push(invalidValue(`${path}.searches`, marshalled(searches), `must not have more than ${MAX_DNS_SEARCH_PATHS} search paths`));
  if (searches.join(" ").length > MAX_DNS_SEARCH_LIST_CHARS) {
    errs.push(invalidValue(`${path}.searches`, marshalled(searches), `must not have more than ${MAX_DNS_SEARCH_LIST_CHARS} characters (including spaces) in the search list`));
  }
  searches.forEach((search, i) => {
    if (search === ".") return;
    const s = search.endsWith(".") ? search.slice(0, -1) : search;
    for (const m of isDNS1123SubdomainWithUnderscore(s)) errs.push(invalidValue(`${path}.searches[${i}]`, s, m));
  });
  (cfg.options ?? []).forEach((o: Obj, i: number) => {
    if (!o.name) errs.push(required(`${path}.options[${i}]`, "must not be empty"));
  });
  return errs;
}

/** ValidateHostAliases: each IP a valid address, each hostname a subdomain. */
function validateHostAliases(aliases: Obj[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (aliases ?? []).forEach((a, i) => {
    errs.push(...validateLegacyIP(a.ip ?? "", `${path}[${i}].ip`));
    (a.hostnames ?? []).forEach((h: string, j: number) => errs.push(...isDNS1123Subdomain(h).map((m) => invalidValue(`${path}[${i}].hostnames[${j}]`, h, m))));
  });
  return errs;
}

/** validatePodHostNetworkDeps: with hostNetwork, a hostPort must equal its containerPort (a template may leave it 0). */
function validateHostNetworkDeps(spec: Obj, path: string, resourceIsPod: boolean): FieldError[] {
  if (spec.hostNetwork !== true) return [];
  const errs: FieldError[] = [];
  (spec.containers ?? []).forEach((c: Obj, i: number) => {
    (c.ports ?? []).forEach((p: Obj, j: number) => {
      const hp = p.hostPort ?? 0;
      if ((resourceIsPod || hp !== 0) && hp !== (p.containerPort ?? 0)) {
        errs.push(invalidValue(`${path}.containers[${i}].ports[${j}].hostPort`, hp, "must match `containerPort` when `hostNetwork` is true"));
      }
    });
  });
  return errs;
}

function validateSchedulingGates(gates: Obj[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (gates ?? []).forEach((g, i) => {
    const name: string = g.name ?? "";
    errs.push(...validateLabelName(name, `${path}[${i}]`));
    if (seen.has(name)) errs.push(duplicate(`${path}[${i}]`, name));
    seen.add(name);
  });
  return errs;
}

/** validateOS: a name, linux or windows; then validateLinux or validateWindows. */
function validateOS(spec: Obj, path: string): FieldError[] {
  const os = spec.os;
  if (!os) return [];
  if (!os.name) return [required(`${path}.os.name`, "cannot be empty")];
  if (os.name !== "linux" && os.name !== "windows") return [notSupported(`${path}.os`, os.name, ["linux", "windows"])];
  return os.name === "linux" ? validateLinux(spec, path) : validateWindows(spec, path);
}

// podshelper.VisitContainersWithPath: init containers, then containers, then ephemeral containers.
function visitContainers(spec: Obj, path: string, fn: (c: Obj, at: string) => void): void {
  for (const key of ["initContainers", "containers", "ephemeralContainers"]) (spec[key] ?? []).forEach((c: Obj, i: number) => fn(c ?? {}, `${path}.${key}[${i}]`));
}

/** validateLinux: a linux pod may not carry windowsOptions. */
function validateLinux(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (has(spec.securityContext?.windowsOptions)) errs.push(forbiddenField(`${path}.securityContext.windowsOptions`, "windows options cannot be set for a linux pod"));
  visitContainers(spec, path, (c, at) => {
    if (has(c.securityContext?.windowsOptions)) errs.push(forbiddenField(`${at}.securityContext.windowsOptions`, "windows options cannot be set for a linux pod"));
  });
  return errs;
}

// The Linux-only security settings validateWindows forbids, in Kubernetes' order (shareProcessNamespace sits on the spec).
const windowsForbiddenPod = ["appArmorProfile", "seLinuxOptions", "runAsUser", "runAsGroup", "supplementalGroups", "supplementalGroupsPolicy", "fsGroup", "fsGroupChangePolicy", "sysctls", "shareProcessNamespace", "seccompProfile", "seLinuxChangePolicy"];
const windowsForbiddenContainer = ["appArmorProfile", "seLinuxOptions", "seccompProfile", "capabilities", "readOnlyRootFilesystem", "privileged", "allowPrivilegeEscalation", "procMount", "runAsUser", "runAsGroup"];

/** validateWindows: a windows pod may not carry Linux security settings. */
function validateWindows(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const sc = spec.securityContext;
  if (has(sc)) {
    for (const key of windowsForbiddenPod) {
      const v = key === "shareProcessNamespace" ? spec.shareProcessNamespace : sc[key];
      const set = key === "sysctls" ? Array.isArray(v) && v.length > 0 : has(v);
      if (set) errs.push(forbiddenField(key === "shareProcessNamespace" ? `${path}.${key}` : `${path}.securityContext.${key}`, "cannot be set for a windows pod"));
    }
  }
  visitContainers(spec, path, (c, at) => {
    const csc = c.securityContext;
    if (!has(csc)) return;
    for (const key of windowsForbiddenContainer) if (has(csc[key])) errs.push(forbiddenField(`${at}.securityContext.${key}`, "cannot be set for a windows pod"));
  });
  return errs;
}

function validateNameField(value: string | undefined, path: string, check: (s: string) => string[]): FieldError[] {
  if (!value) return [];
  return check(value).map((m) => invalidValue(path, value, m));
}

/** What ValidatePodSpec's options carry that podflow uses: a Pod (not a template) and its name. */
export interface PodSpecContext {
  resourceIsPod: boolean;
  podName?: string;
  /** PodValidationOptions.AllowInvalidLabelValueInRequiredNodeAffinity: set on update when the old pod has one. */
  allowInvalidLabelValueInRequiredNodeAffinity?: boolean;
  /** PodValidationOptions.AllowInvalidTopologySpreadConstraintLabelSelector: likewise for spread selectors. */
  allowInvalidTopologySpreadConstraintLabelSelector?: boolean;
  /** !AllowOnlyRecursiveSELinuxChangePolicy: set on update when the old pod already has a seLinuxChangePolicy. */
  allowMountOptionSELinuxChangePolicy?: boolean;
}

/** ValidatePodSpec: the spec rules shared by pods and pod templates, in Kubernetes' order. */
export function validatePodSpec(spec: Obj, path: string, ctx: PodSpecContext = { resourceIsPod: false }): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  if (s.terminationGracePeriodSeconds === undefined || s.terminationGracePeriodSeconds === null) errs.push(required(`${path}.terminationGracePeriodSeconds`, ""));
  const podClaimNames = new Set<string>((s.resourceClaims ?? []).map((c: Obj) => c.name ?? "").filter((n: string) => n));
  const containerCtx = (volumes: ReadonlyMap<string, Obj>): ContainerContext => ({
    volumes, podClaimNames, restartPolicy: s.restartPolicy ?? "", hostUsers: s.hostUsers !== false, gracePeriod: s.terminationGracePeriodSeconds ?? undefined,
  });
  const { vols, errs: volErrs } = validateVolumes(s.volumes, `${path}.volumes`, ctx);
  errs.push(...volErrs);
  errs.push(...validatePodResourceClaims(s.resourceClaims, `${path}.resourceClaims`));
  const cctx = containerCtx(vols);
  errs.push(...validateContainers(s.containers, cctx, `${path}.containers`));
  errs.push(...validateInitContainers(s.initContainers, s.containers, cctx, `${path}.initContainers`));
  errs.push(...validateEphemeralContainers(s.ephemeralContainers, s, cctx, `${path}.ephemeralContainers`));
  errs.push(...validatePodResources(s, podClaimNames, `${path}.resources`));
  errs.push(...validateHostNetworkDeps(s, path, ctx.resourceIsPod));
  errs.push(...validateRestartPolicy(s.restartPolicy, `${path}.restartPolicy`));
  errs.push(...validateDNSPolicy(s.dnsPolicy, `${path}.dnsPolicy`));
  errs.push(...validateLabels(s.nodeSelector, `${path}.nodeSelector`));
  errs.push(...validatePodSecurityContext(s, `${path}.securityContext`, ctx.allowMountOptionSELinuxChangePolicy));
  errs.push(...validateAffinity(s.affinity, `${path}.affinity`, ctx.allowInvalidLabelValueInRequiredNodeAffinity));
  errs.push(...validateDNSConfig(s, `${path}.dnsConfig`));
  (s.readinessGates ?? []).forEach((g: Obj, i: number) => errs.push(...validateLabelName(g.conditionType ?? "", `${path}.readinessGates[${i}].conditionType`)));
  errs.push(...validateSchedulingGates(s.schedulingGates, `${path}.schedulingGates`));
  errs.push(...validateTopologySpreadConstraints(s.topologySpreadConstraints, `${path}.topologySpreadConstraints`, ctx.allowInvalidTopologySpreadConstraintLabelSelector));
  errs.push(...validateWindowsHostProcessPod(s, path));
  errs.push(...validateHostUsers(s, path));
  errs.push(...validateNameField(s.serviceAccountName, `${path}.serviceAccountName`, isDNS1123Subdomain));
  errs.push(...validateNameField(s.nodeName, `${path}.nodeName`, isDNS1123Subdomain));
  if (s.activeDeadlineSeconds !== undefined && s.activeDeadlineSeconds !== null) {
    const v = s.activeDeadlineSeconds;
    if (v < 1 || v > MAX_INT32) errs.push(invalidValue(`${path}.activeDeadlineSeconds`, v, inclusiveRangeError(1, MAX_INT32)));
  }
  errs.push(...validateNameField(s.hostname, `${path}.hostname`, isDNS1123Label));
  errs.push(...validateNameField(s.subdomain, `${path}.subdomain`, isDNS1123Label));
  errs.push(...validateTolerations(s.tolerations, `${path}.tolerations`));
  errs.push(...validateHostAliases(s.hostAliases, `${path}.hostAliases`));
  errs.push(...validateNameField(s.priorityClassName, `${path}.priorityClassName`, isDNS1123Subdomain));
  if (s.runtimeClassName !== undefined && s.runtimeClassName !== null) errs.push(...nameIsDNSSubdomain(s.runtimeClassName, false).map((m) => invalidValue(`${path}.runtimeClassName`, s.runtimeClassName, m)));
  if (s.preemptionPolicy !== undefined && s.preemptionPolicy !== null) {
    if (s.preemptionPolicy === "") errs.push(required(`${path}.preemptionPolicy`, ""));
    else if (s.preemptionPolicy !== "PreemptLowerPriority" && s.preemptionPolicy !== "Never") errs.push(notSupported(`${path}.preemptionPolicy`, s.preemptionPolicy, ["PreemptLowerPriority", "Never"]));
  }
  if (s.overhead !== undefined && s.overhead !== null) errs.push(...validateResourceRequirements({ limits: s.overhead }, `${path}.overhead`));
  errs.push(...validateOS(s, path));
  errs.push(...validateFileKeyRefVolumes(s, path));
  // A negative terminationGracePeriodSeconds is not rejected: the pod strategy coerces it to 1.
  return errs;
}

/** validateFileKeyRefVolumes: a fileKeyRef's volumeName names one of the pod's volumes, an emptyDir. */
function validateFileKeyRefVolumes(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const sources = new Map<string, Obj>();
  for (const v of spec.volumes ?? []) if (typeof v?.name === "string") sources.set(v.name, v);
  visitContainers(spec, path, (c, at) => {
    (c.env ?? []).forEach((e: Obj, j: number) => {
      const ref = e?.valueFrom?.fileKeyRef;
      if (ref === undefined || ref === null) return;
      const name: string = typeof ref.volumeName === "string" ? ref.volumeName : "";
      const namePath = `${at}.env[${j}].valueFrom.fileKeyRef.volumeName`;
      const volume = sources.get(name);
      if (volume === undefined) errs.push(notFoundField(namePath, name));
      else if (volume.emptyDir === undefined || volume.emptyDir === null) errs.push(invalidValue(namePath, name, "referenced volume must be of type emptyDir"));
    });
  });
  return errs;
}

/** ValidatePodTemplateSpec: template labels/annotations (at <path>.labels, as Kubernetes reports them) and spec. */
export function validatePodTemplateSpec(template: Obj, path: string): FieldError[] {
  const t = template ?? {};
  const errs = [
    ...validateLabels(t.metadata?.labels, `${path}.labels`),
    ...validateAnnotations(t.metadata?.annotations, `${path}.annotations`),
    ...validatePodSpecificAnnotations(t.metadata?.annotations, t.spec ?? {}, `${path}.annotations`, false),
    ...validatePodSpec(t.spec, `${path}.spec`),
    ...validateSeccompAnnotationsAndFields(t.metadata?.annotations ?? {}, t.spec ?? {}, `${path}.spec`),
    ...validateAppArmorAnnotationsAndFieldsMatchOnCreate(t.metadata?.annotations ?? {}, t.spec ?? {}, `${path}.spec`),
  ];
  if ((t.spec?.ephemeralContainers ?? []).length > 0) errs.push(forbiddenField(`${path}.spec.ephemeralContainers`, "ephemeral containers not allowed in pod template"));
  return errs;
}

const MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";
const POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

// helper.GetDeletionCostFromPodAnnotations: an int32 without '+' or leading zeros.
/** AllowInvalidPodDeletionCost: a pod that already carries an invalid deletion cost may keep it. */
export function allowsInvalidDeletionCost(old: Obj): boolean {
  const oldCost = old.metadata?.annotations?.[POD_DELETION_COST];
  return typeof oldCost === "string" && !validDeletionCost(oldCost);
}

function validDeletionCost(value: string): boolean {
  if (!/^(-[0-9]+|0|[1-9][0-9]*)$/.test(value)) return false;
  const n = Number(value);
  return n >= -2147483648 && n <= 2147483647;
}

/** ValidatePodSpecificAnnotations: a mirror pod names its node; a deletion cost is a 32-bit integer. */
export function validatePodSpecificAnnotations(annotations: Record<string, string> | undefined, spec: Obj, path: string, allowInvalidDeletionCost: boolean): FieldError[] {
  const a = annotations ?? {};
  const errs: FieldError[] = [];
  if (Object.hasOwn(a, MIRROR_POD_ANNOTATION) && !spec.nodeName) {
    errs.push(invalidValue(`${path}[${MIRROR_POD_ANNOTATION}]`, a[MIRROR_POD_ANNOTATION], "must set spec.nodeName if mirror pod annotation is set"));
  }
  if (!allowInvalidDeletionCost && Object.hasOwn(a, POD_DELETION_COST) && !validDeletionCost(a[POD_DELETION_COST]!)) {
    errs.push(invalidValue(`${path}[${POD_DELETION_COST}]`, a[POD_DELETION_COST], "must be a 32bit integer"));
  }
  errs.push(...validateSeccompAnnotations(a, path), ...validateAppArmorAnnotations(a, spec, path));
  return errs;
}

const SECCOMP_POD = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";

// ValidateSeccompProfile: the legacy annotation's profiles.
function validateSeccompAnnotationProfile(p: string, path: string): FieldError[] {
  if (p === "runtime/default" || p === "docker/default" || p === "unconfined") return [];
  if (p.startsWith("localhost/")) return validateLocalDescendingPath(p.slice("localhost/".length), path);
  return [invalidValue(path, p, "must be a valid seccomp profile")];
}

/** ValidateSeccompPodAnnotations: Kubernetes names these with Child, so the key follows a dot, not brackets. */
function validateSeccompAnnotations(a: Record<string, string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (Object.hasOwn(a, SECCOMP_POD)) errs.push(...validateSeccompAnnotationProfile(a[SECCOMP_POD]!, `${path}.${SECCOMP_POD}`));
  for (const k of Object.keys(a).sort()) {
    if (k.startsWith(SECCOMP_CONTAINER_PREFIX)) errs.push(...validateSeccompAnnotationProfile(a[k]!, `${path}.${k}`));
  }
  return errs;
}

/** ValidateAppArmorPodAnnotations: each names a container of the pod and a known profile form. */
function validateAppArmorAnnotations(a: Record<string, string>, spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>([...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].map((c: Obj) => c.name ?? ""));
  for (const k of Object.keys(a).sort()) {
    if (!k.startsWith(APPARMOR_PREFIX)) continue;
    const container = k.slice(APPARMOR_PREFIX.length);
    if (!names.has(container)) errs.push(invalidValue(`${path}[${k}]`, container, "container not found"));
    const p = a[k]!;
    if (p !== "" && p !== "runtime/default" && p !== "unconfined" && !p.startsWith("localhost/")) errs.push(invalidValue(`${path}[${k}]`, p, `invalid AppArmor profile name: ${JSON.stringify(p)}`));
  }
  return errs;
}

// validatePodMetadataAndSpec: object meta, pod annotations, spec, and the pod-only rules (projected
// tokens need a service account; images without surrounding whitespace).
export function validatePodMetadataAndSpec(pod: Obj, allowInvalidDeletionCost = false, fromOld: Pick<PodSpecContext, "allowInvalidLabelValueInRequiredNodeAffinity" | "allowInvalidTopologySpreadConstraintLabelSelector" | "allowMountOptionSELinuxChangePolicy"> = {}): FieldError[] {
  const spec = pod.spec ?? {};
  const errs = [
    ...validateObjectMeta(pod.metadata, true, nameIsDNSSubdomain),
    ...validatePodSpecificAnnotations(pod.metadata?.annotations, spec, "metadata.annotations", allowInvalidDeletionCost),
    ...validatePodSpec(spec, "spec", { resourceIsPod: true, podName: pod.metadata?.name, ...fromOld }),
  ];
  if (!spec.serviceAccountName) {
    (spec.volumes ?? []).forEach((v: Obj, vi: number) => {
      (v.projected?.sources ?? []).forEach((src: Obj, si: number) => {
        if (src.serviceAccountToken) errs.push(forbiddenField(`spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`, "must not be specified when serviceAccountName is not set"));
      });
    });
  }
  for (const key of ["containers", "initContainers"] as const) {
    (spec[key] ?? []).forEach((c: Obj, i: number) => {
      const image: string = c.image ?? "";
      if (image.trim() !== image) errs.push(invalidValue(`spec.${key}[${i}].image`, image, "must not have leading or trailing whitespace"));
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
  errs.push(...validateSeccompAnnotationsAndFields(pod.metadata?.annotations ?? {}, pod.spec ?? {}, "spec"), ...validateAppArmorAnnotationsAndFieldsMatchOnCreate(pod.metadata?.annotations ?? {}, pod.spec ?? {}, "spec"));
  return errs;
}

// The legacy annotation and the field may both be given on create; then they must agree.
function seccompFieldMatches(annotation: string, profile: Obj, path: string): FieldError[] {
  const type = (path: string, ok: boolean) => (ok ? [] : [forbiddenField(`${path}.type`, "seccomp type in annotation and field must match")]);
  switch (profile.type) {
    case "Unconfined": return type(path, annotation === "unconfined");
    case "RuntimeDefault": return type(path, annotation === "runtime/default" || annotation === "docker/default");
    case "Localhost":
      if (!annotation.startsWith("localhost/")) return type(path, false);
      return profile.localhostProfile === annotation.slice("localhost/".length) ? [] : [forbiddenField(`${path}.localhostProfile`, "seccomp profile in annotation and field must match")];
    default: return [];
  }
}

/** validateSeccompAnnotationsAndFields: a pod's or container's seccompProfile against its annotation. */
function validateSeccompAnnotationsAndFields(a: Record<string, string>, spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const podProfile = spec.securityContext?.seccompProfile;
  if (has(podProfile) && Object.hasOwn(a, SECCOMP_POD)) errs.push(...seccompFieldMatches(a[SECCOMP_POD]!, podProfile, `${path}.securityContext.seccompProfile`));
  visitContainers(spec, path, (c, at) => {
    const profile = c.securityContext?.seccompProfile;
    const key = SECCOMP_CONTAINER_PREFIX + (c.name ?? "");
    if (has(profile) && Object.hasOwn(a, key)) errs.push(...seccompFieldMatches(a[key]!, profile, `${at}.securityContext.seccompProfile`));
  });
  return errs;
}

/** validateAppArmorAnnotationsAndFieldsMatchOnCreate: the container's (or else the pod's) appArmorProfile against its annotation; Windows pods are skipped. */
function validateAppArmorAnnotationsAndFieldsMatchOnCreate(a: Record<string, string>, spec: Obj, path: string): FieldError[] {
  if (spec.os?.name === "windows") return [];
  const errs: FieldError[] = [];
  visitContainers(spec, path, (c, at) => {
    const profile = has(c.securityContext?.appArmorProfile) ? c.securityContext.appArmorProfile : spec.securityContext?.appArmorProfile;
    const key = APPARMOR_PREFIX + (c.name ?? "");
    if (!has(profile) || !Object.hasOwn(a, key)) return;
    const annotation = a[key]!;
    const path = `${at}.securityContext.appArmorProfile`;
    const typeMismatch = forbiddenField(`${path}.type`, "apparmor type in annotation and field must match");
    if (profile.type === "Unconfined" && annotation !== "unconfined") errs.push(typeMismatch);
    else if (profile.type === "RuntimeDefault" && annotation !== "runtime/default") errs.push(typeMismatch);
    else if (profile.type === "Localhost") {
      if (!annotation.startsWith("localhost/")) errs.push(typeMismatch);
      else if (profile.localhostProfile !== annotation.slice("localhost/".length)) errs.push(forbiddenField(`${path}.localhostProfile`, "apparmor profile in annotation and field must match"));
    }
  });
  return errs;
}

/** The Forbidden detail for a pod update that touches immutable spec fields (before the spec diff). */
export const POD_UPDATE_FORBIDDEN_MESSAGE =
  "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

function validateContainerUpdates(next: Obj[] | undefined, prev: Obj[] | undefined, path: string): { errs: FieldError[]; stop: boolean } {
  if ((next ?? []).length !== (prev ?? []).length) return { errs: [forbiddenField(path, "pod updates may not add or remove containers")], stop: true };
  const errs: FieldError[] = [];
  (next ?? []).forEach((c, i) => {
    const image: string = c.image ?? "";
    if (!image) errs.push(required(`${path}[${i}].image`, ""));
    if (image.trim() !== image) errs.push(invalidValue(`${path}[${i}].image`, image, "must not have leading or trailing whitespace"));
  });
  return { errs, stop: false };
}

/** apiequality.Semantic.DeepEqual of decoded JSON (quantities are canonical by then); an absent key equals undefined. */
export function sameJSON(a: unknown, b: unknown): boolean {
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
    if (prev !== undefined && prev !== null && prev < next && !mutant("validation.active-deadline-may-increase")) return { errs: [invalidValue(path, next, "must be less than or equal to previous value")], stop: true };
    return { errs: [], stop: false };
  }
  if (prev !== undefined && prev !== null) return { errs: [invalidValue(path, null, "must not update from a positive integer to nil value")], stop: false };
  return { errs: [], stop: false };
}

// Lists the top-level spec fields that differ, standing in for the cmp.Diff Kubernetes appends.
export function specDiff(prev: Obj, next: Obj, type = "core.PodSpec"): string {
  const keys = [...new Set([...Object.keys(prev ?? {}), ...Object.keys(next ?? {})])].sort();
  const changed = keys.filter((k) => !sameJSON(prev?.[k], next?.[k]));
  return `  ${type}{\n${changed.map((k) => `  \t${k}: changed,\n`).join("")}  }\n`;
}

/**
 * ValidatePodEphemeralContainersUpdate (pods/ephemeralcontainers): the pod as a whole, no static pods,
 * and existing ephemeral containers neither removed nor changed (matched by name: a patch may reorder them).
 */
export function validatePodEphemeralContainersUpdate(pod: Obj, old: Obj): FieldError[] {
  const allowInvalidCost = allowsInvalidDeletionCost(old);
  const errs = [
    ...validateObjectMetaUpdate(pod.metadata, old.metadata),
    ...validatePodMetadataAndSpec(pod, allowInvalidCost, { allowMountOptionSELinuxChangePolicy: has(old.spec?.securityContext?.seLinuxChangePolicy) }),
    ...validatePodSpecificAnnotationUpdates(pod, old, "metadata.annotations", allowInvalidCost),
  ];
  if (Object.hasOwn(old.metadata?.annotations ?? {}, MIRROR_POD_ANNOTATION)) return [forbiddenField("", "static pods do not support ephemeral containers")];
  const byName = new Map<string, Obj>(((pod.spec?.ephemeralContainers ?? []) as Obj[]).map((c) => [String(c?.name ?? ""), c]));
  for (const prev of (old.spec?.ephemeralContainers ?? []) as Obj[]) {
    const name = String(prev?.name ?? "");
    const next = byName.get(name);
    if (next === undefined) errs.push(forbiddenField("spec.ephemeralContainers", `existing ephemeral containers ${JSON.stringify(name)} may not be removed\n`));
    else if (!sameJSON(prev, next)) errs.push(forbiddenField("spec.ephemeralContainers", `existing ephemeral containers ${JSON.stringify(name)} may not be changed\n${specDiff(prev, next, "core.EphemeralContainer")}`));
  }
  return errs;
}

/** ValidatePodUpdate: metadata immutables, then only images, activeDeadlineSeconds, added tolerations, removed gates, grace 1 from negative. */
export function validatePodUpdate(pod: Obj, old: Obj): FieldError[] {
  const allowInvalidCost = allowsInvalidDeletionCost(old);
  const errs = [
    ...validateObjectMetaUpdate(pod.metadata, old.metadata),
    ...validatePodMetadataAndSpec(pod, allowInvalidCost, {
      allowInvalidLabelValueInRequiredNodeAffinity: hasInvalidLabelValueInRequiredNodeAffinity(old.spec),
      allowInvalidTopologySpreadConstraintLabelSelector: hasInvalidTopologySpreadConstraintLabelSelector(old.spec),
      allowMountOptionSELinuxChangePolicy: has(old.spec?.securityContext?.seLinuxChangePolicy),
    }),
    ...validatePodSpecificAnnotationUpdates(pod, old, "metadata.annotations", allowInvalidCost),
  ];
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
  // A pod still held by scheduling gates may gain node selectors and node affinity requirements.
  if ((oldSpec.schedulingGates ?? []).length > 0) errs.push(...mungeGatedPodSpec(munged, oldSpec));
  if (!sameJSON(munged, oldSpec)) errs.push(forbiddenField("spec", `${POD_UPDATE_FORBIDDEN_MESSAGE}\n${specDiff(oldSpec, munged)}`));
  return errs;
}

const APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

/** ValidatePodSpecificAnnotationUpdates: the mirror-pod and AppArmor annotations never change; then the annotation rules. */
export function validatePodSpecificAnnotationUpdates(pod: Obj, old: Obj, path: string, allowInvalidCost: boolean): FieldError[] {
  const next: Record<string, string> = pod.metadata?.annotations ?? {};
  const prev: Record<string, string> = old.metadata?.annotations ?? {};
  const errs: FieldError[] = [];
  for (const k of Object.keys(prev).sort()) {
    if (Object.hasOwn(next, k) && next[k] === prev[k]) continue;
    if (k.startsWith(APPARMOR_PREFIX)) errs.push(forbiddenField(`${path}[${k}]`, "may not remove or update AppArmor annotations"));
    if (k === MIRROR_POD_ANNOTATION) errs.push(forbiddenField(`${path}[${k}]`, "may not remove or update mirror pod annotation"));
  }
  for (const k of Object.keys(next).sort()) {
    if (Object.hasOwn(prev, k)) continue;
    if (k.startsWith(APPARMOR_PREFIX)) errs.push(forbiddenField(`${path}[${k}]`, "may not add AppArmor annotations"));
    if (k === MIRROR_POD_ANNOTATION) errs.push(forbiddenField(`${path}[${k}]`, "may not add mirror pod annotation"));
  }
  errs.push(...validatePodSpecificAnnotations(next, pod.spec ?? {}, path, allowInvalidCost));
  return errs;
}

// A node selector term only gains requirements: the old ones stay, first and unchanged.
function termHasOnlyAdditions(next: Obj, prev: Obj): boolean {
  const oldExprs: Obj[] = prev?.matchExpressions ?? [];
  const oldFields: Obj[] = prev?.matchFields ?? [];
  const newExprs: Obj[] = next?.matchExpressions ?? [];
  const newFields: Obj[] = next?.matchFields ?? [];
  if (oldExprs.length === 0 && oldFields.length === 0 && (newExprs.length > 0 || newFields.length > 0)) return false;
  if (oldExprs.length > 0 && (newExprs.length < oldExprs.length || !sameJSON(newExprs.slice(0, oldExprs.length), oldExprs))) return false;
  if (oldFields.length > 0 && (newFields.length < oldFields.length || !sameJSON(newFields.slice(0, oldFields.length), oldFields))) return false;
  return true;
}

// validateNodeSelectorMutation and validateNodeAffinityMutation, then the munging that lets the allowed changes pass.
function mungeGatedPodSpec(m: Obj, oldSpec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (!sameJSON(m.nodeSelector, oldSpec.nodeSelector)) {
    const next: Record<string, string> = m.nodeSelector ?? {};
    const changed = Object.entries(oldSpec.nodeSelector ?? {}).some(([k, v]) => !Object.hasOwn(next, k) || next[k] !== v);
    if (changed) errs.push(invalidValue("spec.nodeSelector", marshalled(m.nodeSelector ?? null), "only additions to spec.nodeSelector are allowed (no mutations or deletions)"));
    m.nodeSelector = oldSpec.nodeSelector;
  }
  const oldNA = oldSpec.affinity?.nodeAffinity;
  const newNA = m.affinity?.nodeAffinity;
  if (!sameJSON(oldNA, newNA)) {
    const termsPath = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
    const oldTerms: Obj[] | undefined = oldNA?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    if (oldNA?.requiredDuringSchedulingIgnoredDuringExecution) {
      const newTerms: Obj[] = newNA?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
      if ((oldTerms ?? []).length > 0 && oldTerms!.length !== newTerms.length) {
        errs.push(invalidValue(termsPath, marshalled(newTerms), "no additions/deletions to non-empty NodeSelectorTerms list are allowed"));
      } else {
        (oldTerms ?? []).forEach((t, i) => {
          if (!termHasOnlyAdditions(newTerms[i], t)) errs.push(invalidValue(`${termsPath}[${i}]`, marshalled(newTerms[i] ?? null), "only additions are allowed (no mutations or deletions)"));
        });
      }
    }
    if (!m.affinity && oldNA) m.affinity = { nodeAffinity: oldNA };
    else if (m.affinity && !oldSpec.affinity && !m.affinity.podAffinity && !m.affinity.podAntiAffinity) delete m.affinity;
    else if (m.affinity) m.affinity = { ...m.affinity, nodeAffinity: oldNA };
  }
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
