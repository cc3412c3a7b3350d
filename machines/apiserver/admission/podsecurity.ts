// Pod Security Admission's checks (k8s.io/pod-security-admission/policy): the baseline and
// restricted levels as pure functions of a pod's metadata and spec, per policy version.

import { goQuote } from "../status.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

export type Level = "privileged" | "baseline" | "restricted";
/** A level at a version: minor is the 1.x minor version, undefined for "latest". */
export interface LevelVersion {
  level: Level;
  minor?: number;
}
export interface CheckResult {
  reason: string;
  detail: string;
}

// The newest MinimumVersion among Kubernetes 1.35's checks: a newer version (and "latest") is evaluated as this one (registry.go).
const MAX_MINOR = 35;

const pluralize = (one: string, many: string, n: number): string => (n === 1 ? one : many);
const joinQuote = (items: readonly string[]): string => (items.length === 0 ? "" : `"${items.join('", "')}"`);
// Go orders strings by their UTF-8 bytes, which is code point order (UTF-16 units differ past U+FFFF)
function goCompare(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < x.length && i < y.length; i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
// sets.NewString().List() and sort.Strings: sorted by bytes, without duplicates
const sortedSet = (items: Iterable<string>): string[] => [...new Set(items)].sort(goCompare);
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? v : undefined);
const arr = (v: unknown): readonly Obj[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** Init containers, containers, then ephemeral containers (visitor.go). */
function containers(spec: Obj): Obj[] {
  // the mutant checks app containers only: an init or ephemeral container escapes every container check
  if (mutant("podsecurity.checks-app-containers-only")) return arr(spec.containers).map((c) => obj(c) ?? {});
  return [...arr(spec.initContainers), ...arr(spec.containers), ...arr(spec.ephemeralContainers)].map((c) => obj(c) ?? {});
}
const sc = (c: Obj): Obj => obj(c.securityContext);
const podSC = (spec: Obj): Obj => obj(spec.securityContext);
const isWindows = (spec: Obj): boolean => obj(spec.os)?.name === "windows";
// hostUsers=false: the pod runs in a user namespace (helpers.go relaxPolicyForUserNamespacePod)
const inUserNamespace = (spec: Obj): boolean => spec.hostUsers === false;
const containersPhrase = (names: readonly string[]): string => `${pluralize("container", "containers", names.length)} ${joinQuote(names)}`;

type Check = (meta: Obj, spec: Obj, minor: number) => CheckResult | undefined;

const appArmorProfile: Check = (meta, spec) => {
  const allowedType = (t: unknown) => t === "RuntimeDefault" || t === "Localhost";
  const setters: string[] = [];
  const badValues: string[] = [];
  const podProfile = obj(podSC(spec)?.appArmorProfile);
  if (podProfile && !allowedType(podProfile.type)) {
    setters.push("pod");
    badValues.push(str(podProfile.type));
  }
  const bad: string[] = [];
  for (const c of containers(spec)) {
    const p = obj(sc(c)?.appArmorProfile);
    if (p && !allowedType(p.type)) {
      bad.push(str(c.name));
      badValues.push(str(p.type));
    }
  }
  if (bad.length > 0) setters.push(containersPhrase(bad));
  const annotations = obj(meta.annotations) ?? {};
  const forbidden: string[] = [];
  for (const k of Object.keys(annotations)) {
    const v = str(annotations[k]);
    if (k.startsWith("container.apparmor.security.beta.kubernetes.io/") && !(v === "" || v === "runtime/default" || v.startsWith("localhost/"))) forbidden.push(`${k}=${goQuote(v)}`);
  }
  const values = sortedSet(badValues);
  if (forbidden.length > 0) {
    values.push(...forbidden.sort(goCompare));
    setters.push(pluralize("annotation", "annotations", forbidden.length));
  }
  if (setters.length === 0) return undefined;
  return { reason: pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", values.length), detail: `${setters.join(" and ")} must not set AppArmor profile type to ${joinQuote(values)}` };
};

const baselineCapabilities = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);

const capabilitiesBaseline: Check = (_meta, spec) => {
  const bad: string[] = [];
  const caps: string[] = [];
  for (const c of containers(spec)) {
    const capabilities = obj(sc(c)?.capabilities);
    if (!capabilities) continue;
    let valid = true;
    for (const a of arr(capabilities.add)) {
      if (!baselineCapabilities.has(str(a))) {
        valid = false;
        caps.push(str(a));
      }
    }
    if (!valid) bad.push(str(c.name));
  }
  if (bad.length === 0) return undefined;
  return { reason: "non-default capabilities", detail: `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add` };
};

const hostNamespaces: Check = (_meta, spec) => {
  const used = [spec.hostNetwork === true && "hostNetwork=true", spec.hostPID === true && "hostPID=true", spec.hostIPC === true && "hostIPC=true"].filter((s): s is string => typeof s === "string");
  return used.length === 0 ? undefined : { reason: "host namespaces", detail: used.join(", ") };
};

const hostPathVolumes: Check = (_meta, spec) => {
  const names = arr(spec.volumes).filter((v) => obj(v)?.hostPath != null).map((v) => str(v.name));
  return names.length === 0 ? undefined : { reason: "hostPath volumes", detail: `${pluralize("volume", "volumes", names.length)} ${joinQuote(names)}` };
};

const hostPorts: Check = (_meta, spec) => {
  const bad: string[] = [];
  const ports: string[] = [];
  for (const c of containers(spec)) {
    let valid = true;
    for (const p of arr(c.ports)) {
      const hostPort = obj(p)?.hostPort;
      if (typeof hostPort === "number" && hostPort !== 0) {
        valid = false;
        ports.push(String(hostPort));
      }
    }
    if (!valid) bad.push(str(c.name));
  }
  if (bad.length === 0) return undefined;
  const list = sortedSet(ports);
  return { reason: "hostPort", detail: `${containersPhrase(bad)} ${pluralize("uses", "use", bad.length)} ${pluralize("hostPort", "hostPorts", list.length)} ${list.join(", ")}` };
};

function handlerHosts(h: unknown): string[] {
  const handler = obj(h);
  if (!handler) return [];
  return [str(obj(handler.httpGet)?.host), str(obj(handler.tcpSocket)?.host)].filter((s) => s !== "");
}

const hostProbesAndHostLifecycle: Check = (_meta, spec, minor) => {
  if (minor < 34) return undefined;
  const bad = new Set<string>();
  const hosts: string[] = [];
  for (const c of containers(spec)) {
    const lifecycle = obj(c.lifecycle);
    for (const h of [c.livenessProbe, c.readinessProbe, c.startupProbe, lifecycle?.postStart, lifecycle?.preStop]) {
      const found = handlerHosts(h);
      if (found.length > 0) {
        bad.add(str(c.name));
        hosts.push(...found);
      }
    }
  }
  if (bad.size === 0) return undefined;
  const names = sortedSet(bad);
  const list = sortedSet(hosts);
  return { reason: "probe or lifecycle host", detail: `${containersPhrase(names)} ${pluralize("uses", "use", names.length)} ${pluralize("probe or lifecycle host", "probe or lifecycle hosts", list.length)} ${joinQuote(list)}` };
};

const privileged: Check = (_meta, spec) => {
  const bad = containers(spec).filter((c) => sc(c)?.privileged === true).map((c) => str(c.name));
  return bad.length === 0 ? undefined : { reason: "privileged", detail: `${containersPhrase(bad)} must not set securityContext.privileged=true` };
};

/** procMount_1_0: any procMount but Default. */
function procMountAny(spec: Obj): CheckResult | undefined {
  const bad: string[] = [];
  const types: string[] = [];
  for (const c of containers(spec)) {
    const pm = sc(c)?.procMount;
    if (pm == null || pm === "Default") continue;
    bad.push(str(c.name));
    types.push(str(pm));
  }
  return bad.length === 0 ? undefined : { reason: "procMount", detail: `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}` };
}

const procMountBaseline: Check = (_meta, spec, minor) => (minor >= 35 && inUserNamespace(spec) ? undefined : procMountAny(spec));
const procMountRestricted: Check = (_meta, spec) => procMountAny(spec);

const seLinuxOptions: Check = (_meta, spec, minor) => {
  const allowed = new Set(["", "container_t", "container_init_t", "container_kvm_t", ...(minor >= 31 ? ["container_engine_t"] : [])]);
  const setters: string[] = [];
  const badTypes: string[] = [];
  let setUser = false;
  let setRole = false;
  const valid = (o: Obj): boolean => {
    let ok = true;
    if (!allowed.has(str(o.type))) {
      ok = false;
      badTypes.push(str(o.type));
    }
    if (str(o.user) !== "") {
      ok = false;
      setUser = true;
    }
    if (str(o.role) !== "") {
      ok = false;
      setRole = true;
    }
    return ok;
  };
  const podOpts = obj(podSC(spec)?.seLinuxOptions);
  if (podOpts && !valid(podOpts)) setters.push("pod");
  const bad: string[] = [];
  for (const c of containers(spec)) {
    const o = obj(sc(c)?.seLinuxOptions);
    if (o && !valid(o)) bad.push(str(c.name));
  }
  if (bad.length > 0) setters.push(containersPhrase(bad));
  if (setters.length === 0) return undefined;
  const types = sortedSet(badTypes);
  const data = [...(types.length > 0 ? [`${pluralize("type", "types", types.length)} ${joinQuote(types)}`] : []), ...(setUser ? ["user may not be set"] : []), ...(setRole ? ["role may not be set"] : [])];
  return { reason: "seLinuxOptions", detail: `${setters.join(" and ")} set forbidden securityContext.seLinuxOptions: ${data.join("; ")}` };
};

const validSeccomp = (t: unknown): boolean => t === "Localhost" || t === "RuntimeDefault";

const seccompProfileBaseline: Check = (meta, spec, minor) => {
  if (minor < 19) {
    const annotations = obj(meta.annotations) ?? {};
    const validValue = (v: string) => v === "runtime/default" || v === "docker/default" || v.startsWith("localhost/");
    const forbidden: string[] = [];
    const podKey = "seccomp.security.alpha.kubernetes.io/pod";
    if (Object.hasOwn(annotations, podKey) && !validValue(str(annotations[podKey]))) forbidden.push(`${podKey}=${goQuote(str(annotations[podKey]))}`);
    for (const c of containers(spec)) {
      const key = `container.seccomp.security.alpha.kubernetes.io/${str(c.name)}`;
      if (Object.hasOwn(annotations, key) && !validValue(str(annotations[key]))) forbidden.push(`${key}=${goQuote(str(annotations[key]))}`);
    }
    const list = sortedSet(forbidden);
    return list.length === 0 ? undefined : { reason: "seccompProfile", detail: `forbidden ${pluralize("annotation", "annotations", list.length)} ${list.join(", ")}` };
  }
  const setters: string[] = [];
  const badValues: string[] = [];
  const podProfile = obj(podSC(spec)?.seccompProfile);
  if (podProfile && !validSeccomp(podProfile.type)) {
    setters.push("pod");
    badValues.push(str(podProfile.type));
  }
  const bad: string[] = [];
  for (const c of containers(spec)) {
    const p = obj(sc(c)?.seccompProfile);
    if (p && !validSeccomp(p.type)) {
      bad.push(str(c.name));
      badValues.push(str(p.type));
    }
  }
  if (bad.length > 0) setters.push(containersPhrase(bad));
  return setters.length === 0 ? undefined : { reason: "seccompProfile", detail: `${setters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}` };
};

const sysctlsAllowed = (minor: number): Set<string> =>
  new Set([
    "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start",
    ...(minor >= 27 ? ["net.ipv4.ip_local_reserved_ports"] : []),
    ...(minor >= 29 ? ["net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"] : []),
    ...(minor >= 32 ? ["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"] : []),
  ]);

const sysctls: Check = (_meta, spec, minor) => {
  const allowed = sysctlsAllowed(minor);
  const bad = arr(podSC(spec)?.sysctls).map((s) => str(obj(s)?.name)).filter((n) => !allowed.has(n));
  return bad.length === 0 ? undefined : { reason: "forbidden sysctls", detail: bad.join(", ") };
};

const windowsHostProcess: Check = (_meta, spec) => {
  const setters: string[] = [];
  if (obj(podSC(spec)?.windowsOptions)?.hostProcess === true) setters.push("pod");
  const bad = containers(spec).filter((c) => obj(sc(c)?.windowsOptions)?.hostProcess === true).map((c) => str(c.name));
  if (bad.length > 0) setters.push(containersPhrase(bad));
  return setters.length === 0 ? undefined : { reason: "hostProcess", detail: `${setters.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true` };
};

const allowPrivilegeEscalation: Check = (_meta, spec, minor) => {
  if (minor < 8 || (minor >= 25 && isWindows(spec))) return undefined;
  const bad = containers(spec).filter((c) => sc(c)?.allowPrivilegeEscalation !== false).map((c) => str(c.name));
  return bad.length === 0 ? undefined : { reason: "allowPrivilegeEscalation != false", detail: `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false` };
};

const capabilitiesRestricted: Check = (_meta, spec, minor) => {
  if (minor >= 25 && isWindows(spec)) return undefined;
  const missingDropAll: string[] = [];
  const adding: string[] = [];
  const caps: string[] = [];
  for (const c of containers(spec)) {
    const capabilities = obj(sc(c)?.capabilities);
    if (!capabilities) {
      missingDropAll.push(str(c.name));
      continue;
    }
    if (!arr(capabilities.drop).includes("ALL")) missingDropAll.push(str(c.name));
    const forbidden = arr(capabilities.add).filter((a) => a !== "NET_BIND_SERVICE").map(str);
    if (forbidden.length > 0) {
      adding.push(str(c.name));
      caps.push(...forbidden);
    }
  }
  const details = [
    ...(missingDropAll.length > 0 ? [`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`] : []),
    ...(adding.length > 0 ? [`${containersPhrase(adding)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`] : []),
  ];
  return details.length === 0 ? undefined : { reason: "unrestricted capabilities", detail: details.join("; ") };
};

// restrictedVolumes: the volume sources a restricted pod may use, then the names of the others (check_restrictedVolumes.go)
const allowedVolumeSources = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"];
const restrictedVolumeSources = [
  "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs", "rbd", "flexVolume", "cinder", "cephfs",
  "flocker", "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos",
];

const restrictedVolumes: Check = (_meta, spec) => {
  const bad: string[] = [];
  const types: string[] = [];
  for (const raw of arr(spec.volumes)) {
    const v = obj(raw) ?? {};
    if (allowedVolumeSources.some((s) => v[s] != null)) continue;
    bad.push(str(v.name));
    const t = restrictedVolumeSources.find((s) => v[s] != null);
    types.push(t ?? "unknown");
  }
  if (bad.length === 0) return undefined;
  const list = sortedSet(types);
  return { reason: "restricted volume types", detail: `${pluralize("volume", "volumes", bad.length)} ${joinQuote(bad)} ${pluralize("uses", "use", bad.length)} ${pluralize("restricted volume type", "restricted volume types", list.length)} ${joinQuote(list)}` };
};

const runAsNonRoot: Check = (_meta, spec, minor) => {
  if (minor >= 35 && inUserNamespace(spec)) return undefined;
  const setters: string[] = [];
  let podNonRoot = false;
  const podValue = podSC(spec)?.runAsNonRoot;
  if (typeof podValue === "boolean") {
    if (!podValue) setters.push("pod");
    else podNonRoot = true;
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containers(spec)) {
    const v = sc(c)?.runAsNonRoot;
    if (typeof v === "boolean") {
      if (!v) explicit.push(str(c.name));
    } else if (!podNonRoot || mutant("podsecurity.run-as-non-root-ignores-pod-level")) implicit.push(str(c.name));
  }
  if (explicit.length > 0) setters.push(containersPhrase(explicit));
  if (setters.length > 0) return { reason: "runAsNonRoot != true", detail: `${setters.join(" and ")} must not set securityContext.runAsNonRoot=false` };
  if (implicit.length > 0) return { reason: "runAsNonRoot != true", detail: `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true` };
  return undefined;
};

const runAsUser: Check = (_meta, spec, minor) => {
  if (minor < 23 || (minor >= 35 && inUserNamespace(spec))) return undefined;
  const setters: string[] = [];
  if (podSC(spec)?.runAsUser === 0) setters.push("pod");
  const bad = containers(spec).filter((c) => sc(c)?.runAsUser === 0).map((c) => str(c.name));
  if (bad.length > 0) setters.push(containersPhrase(bad));
  return setters.length === 0 ? undefined : { reason: "runAsUser=0", detail: `${setters.join(" and ")} must not set runAsUser=0` };
};

const seccompProfileRestricted: Check = (_meta, spec, minor) => {
  if (minor >= 25 && isWindows(spec)) return undefined;
  const setters: string[] = [];
  const badValues: string[] = [];
  let podSet = false;
  const podProfile = obj(podSC(spec)?.seccompProfile);
  if (podProfile) {
    if (!validSeccomp(podProfile.type)) {
      setters.push("pod");
      badValues.push(str(podProfile.type));
    } else podSet = true;
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containers(spec)) {
    const p = obj(sc(c)?.seccompProfile);
    if (p) {
      if (!validSeccomp(p.type)) {
        explicit.push(str(c.name));
        badValues.push(str(p.type));
      }
    } else if (!podSet) implicit.push(str(c.name));
  }
  if (explicit.length > 0) setters.push(containersPhrase(explicit));
  if (setters.length > 0) return { reason: "seccompProfile", detail: `${setters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badValues))}` };
  if (implicit.length > 0) return { reason: "seccompProfile", detail: `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` };
  return undefined;
};

interface Registered {
  id: string;
  check: Check;
  /** the first minor version the check applies at */
  since: number;
  /** the baseline check this restricted one replaces from its first version */
  overrides?: string;
}

// Baseline checks then restricted ones, each sorted by ID (registry.go populate's orderedIDs).
const baselineChecks: readonly Registered[] = [
  { id: "appArmorProfile", check: appArmorProfile, since: 0 },
  { id: "capabilities_baseline", check: capabilitiesBaseline, since: 0 },
  { id: "hostNamespaces", check: hostNamespaces, since: 0 },
  { id: "hostPathVolumes", check: hostPathVolumes, since: 0 },
  { id: "hostPorts", check: hostPorts, since: 0 },
  { id: "hostProbesAndHostLifecycle", check: hostProbesAndHostLifecycle, since: 34 },
  { id: "privileged", check: privileged, since: 0 },
  { id: "procMount", check: procMountBaseline, since: 0 },
  { id: "seLinuxOptions", check: seLinuxOptions, since: 0 },
  { id: "seccompProfile_baseline", check: seccompProfileBaseline, since: 0 },
  { id: "sysctls", check: sysctls, since: 0 },
  { id: "windowsHostProcess", check: windowsHostProcess, since: 0 },
];
const restrictedChecks: readonly Registered[] = [
  { id: "allowPrivilegeEscalation", check: allowPrivilegeEscalation, since: 8 },
  { id: "capabilities_restricted", check: capabilitiesRestricted, since: 22, overrides: "capabilities_baseline" },
  { id: "procMount_restricted", check: procMountRestricted, since: 35, overrides: "procMount" },
  { id: "restrictedVolumes", check: restrictedVolumes, since: 0, overrides: "hostPathVolumes" },
  { id: "runAsNonRoot", check: runAsNonRoot, since: 0 },
  { id: "runAsUser", check: runAsUser, since: 23 },
  { id: "seccompProfile_restricted", check: seccompProfileRestricted, since: 19, overrides: "seccompProfile_baseline" },
];

/** The minor version a level-version is evaluated at: "latest" and versions past the newest check are the newest. */
export function evaluatedMinor(lv: LevelVersion): number {
  return lv.minor === undefined || lv.minor > MAX_MINOR ? MAX_MINOR : lv.minor;
}

/** The failed checks of a pod (its metadata and spec) at a level and version, in the registry's order. */
export function evaluatePod(lv: LevelVersion, meta: unknown, spec: unknown): CheckResult[] {
  if (lv.level === "privileged") return [];
  const minor = evaluatedMinor(lv);
  const m = obj(meta) ?? {};
  const s = obj(spec) ?? {};
  const restricted = lv.level === "restricted" ? restrictedChecks.filter((c) => minor >= c.since) : [];
  const overridden = new Set(restricted.map((c) => c.overrides).filter((o) => o !== undefined));
  const out: CheckResult[] = [];
  for (const c of [...baselineChecks.filter((b) => minor >= b.since && !overridden.has(b.id)), ...restricted]) {
    const r = c.check(m, s, minor);
    if (r !== undefined) out.push(r);
  }
  return out;
}

/** AggregateCheckResult.ForbiddenDetail: `reason (detail), reason (detail)`. */
export function forbiddenDetail(results: readonly CheckResult[]): string {
  return results.map((r) => (r.detail === "" ? r.reason : `${r.reason} (${r.detail})`)).join(", ");
}

/** AggregateCheckResult.ForbiddenReason: the reasons, comma separated. */
export function forbiddenReason(results: readonly CheckResult[]): string {
  return results.map((r) => r.reason).join(", ");
}

/** LevelVersion.String(): `restricted:latest`, `baseline:v1.25`. */
export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${lv.minor === undefined ? "latest" : `v1.${lv.minor}`}`;
}

// ---- The PodSecurity admission plugin (admission/admission.go), with kube-apiserver's default
// configuration: every mode privileged:latest, no exemptions.

export const ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";
const LABELS = {
  enforce: ENFORCE_LABEL, enforceVersion: "pod-security.kubernetes.io/enforce-version",
  audit: "pod-security.kubernetes.io/audit", auditVersion: "pod-security.kubernetes.io/audit-version",
  warn: "pod-security.kubernetes.io/warn", warnVersion: "pod-security.kubernetes.io/warn-version",
} as const;

export interface Policy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}
export interface PolicyError {
  label: string;
  value: string;
  message: string;
}

const levels: readonly Level[] = ["privileged", "baseline", "restricted"];
const levelRank: Record<Level, number> = { privileged: 0, baseline: 1, restricted: 2 };
const VERSION = /^v1\.([0-9]|[1-9][0-9]*)$/;

// ParseLevel: an unknown level is restricted (enforce fails closed)
function parseLevel(v: string): { level: Level; err?: string } {
  return (levels as readonly string[]).includes(v) ? { level: v as Level } : { level: "restricted", err: `must be one of ${levels.join(", ")}` };
}
// ParseVersion: an unparseable version is latest
function parseVersion(v: string): { minor?: number; err?: string } {
  if (v === "latest") return {};
  const m = VERSION.exec(v);
  const n = m ? Number(m[1]) : Number.NaN;
  // strconv.Atoi fails past int64: the version is then latest, with the error
  return m && Number.isSafeInteger(n) ? { minor: n } : { err: `must be "latest" or "v1.x"` };
}

/** PolicyToEvaluate: the namespace's labels over the default policy, and the labels' errors in label order. */
export function policyToEvaluate(labels: unknown): { policy: Policy; errors: PolicyError[] } {
  const l = obj(labels) ?? {};
  const get = (k: string): string | undefined => (Object.hasOwn(l, k) && typeof l[k] === "string" ? l[k] : undefined);
  const errors: PolicyError[] = [];
  const note = (label: string, value: string, err: string | undefined) => {
    if (err !== undefined) errors.push({ label, value, message: err });
  };
  const p: { enforce: LevelVersion; audit: LevelVersion; warn: LevelVersion } = { enforce: { level: "privileged" }, audit: { level: "privileged" }, warn: { level: "privileged" } };
  let hasEnforceLevel = false;
  const setVersion = (mode: "enforce" | "audit" | "warn", label: string) => {
    const v = get(label);
    if (v === undefined) return false;
    const parsed = parseVersion(v);
    p[mode] = parsed.minor === undefined ? { level: p[mode].level } : { level: p[mode].level, minor: parsed.minor };
    note(label, v, parsed.err);
    return true;
  };
  const e = get(LABELS.enforce);
  if (e !== undefined) {
    const r = parseLevel(e);
    p.enforce = { ...p.enforce, level: r.level };
    hasEnforceLevel = r.err === undefined;
    note(LABELS.enforce, e, r.err);
  }
  setVersion("enforce", LABELS.enforceVersion);
  const a = get(LABELS.audit);
  if (a !== undefined) {
    const r = parseLevel(a);
    // audit and warn fail open
    p.audit = { ...p.audit, level: r.err === undefined ? r.level : "privileged" };
    note(LABELS.audit, a, r.err);
  }
  setVersion("audit", LABELS.auditVersion);
  const w = get(LABELS.warn);
  if (w !== undefined) {
    const r = parseLevel(w);
    p.warn = { ...p.warn, level: r.err === undefined ? r.level : "privileged" };
    note(LABELS.warn, w, r.err);
  }
  const hasWarnVersion = setVersion("warn", LABELS.warnVersion);
  // warn defaults to a stricter enforce level (and its version)
  if (w === undefined && hasEnforceLevel && levelRank[p.enforce.level] > levelRank[p.warn.level]) {
    p.warn = hasWarnVersion ? { ...p.warn, level: p.enforce.level } : { ...p.enforce };
  }
  return { policy: p, errors };
}

const sameLevelVersion = (a: LevelVersion, b: LevelVersion): boolean => a.level === b.level && a.minor === b.minor;
const fullyPrivileged = (p: Policy): boolean => p.enforce.level === "privileged" && p.audit.level === "privileged" && p.warn.level === "privileged";

// Pod subresources PodSecurity lets through unevaluated (admission.go ignoredPodSubresources).
const ignoredPodSubresources = new Set(["exec", "attach", "binding", "eviction", "log", "portforward", "proxy", "status"]);

/** isSignificantPodUpdate: a container's image changed, a container was added or removed, or an ephemeral container added or changed. */
function isSignificantPodUpdate(pod: Obj, old: Obj): boolean {
  const spec = obj(pod?.spec) ?? {};
  const oldSpec = obj(old?.spec) ?? {};
  for (const f of mutant("podsecurity.init-image-update-not-significant") ? ["containers"] : ["containers", "initContainers"]) {
    const cs = arr(spec[f]);
    const olds = arr(oldSpec[f]);
    if (cs.length !== olds.length) return true;
    if (cs.some((c, i) => obj(c)?.image !== obj(olds[i])?.image)) return true;
  }
  for (const c of arr(spec.ephemeralContainers)) {
    const prior = arr(oldSpec.ephemeralContainers).find((o) => obj(o)?.name === obj(c)?.name);
    if (prior === undefined || obj(prior)?.image !== obj(c)?.image) return true;
  }
  return false;
}

/** EvaluatePod's outcome: the enforce level's refusal (`violates PodSecurity ...`) or the warn level's warning. */
function evaluate(policy: Policy, meta: unknown, spec: unknown, enforce: boolean): { refused?: string; warnings: string[] } {
  if (enforce) {
    const failed = evaluatePod(policy.enforce, meta, spec);
    if (failed.length > 0) return { refused: `violates PodSecurity ${goQuote(levelVersionString(policy.enforce))}: ${forbiddenDetail(failed)}`, warnings: [] };
  }
  const warned = evaluatePod(policy.warn, meta, spec);
  return { warnings: warned.length === 0 ? [] : [`would violate PodSecurity ${goQuote(levelVersionString(policy.warn))}: ${forbiddenDetail(warned)}`] };
}

/** ValidatePod: a pod's create or significant update against its namespace's labels. */
export function podSecurityPod(pod: Obj, old: Obj | undefined, namespaceLabels: unknown, subresource: string | undefined): { refused?: string; warnings: string[] } {
  if (subresource !== undefined && ignoredPodSubresources.has(subresource)) return { warnings: [] };
  const { policy, errors } = policyToEvaluate(namespaceLabels);
  if (errors.length === 0 && fullyPrivileged(policy)) return { warnings: [] };
  if (old !== undefined && !isSignificantPodUpdate(pod, old)) return { warnings: [] };
  return evaluate(policy, pod?.metadata, pod?.spec, true);
}

/** The pod template of a workload (DefaultPodSpecExtractor), or undefined for other kinds. */
function podTemplate(o: Obj): Obj | undefined {
  switch (o?.kind) {
    case "PodTemplate":
      return obj(o.template);
    case "ReplicationController":
    case "ReplicaSet":
    case "Deployment":
    case "DaemonSet":
    case "StatefulSet":
    case "Job":
      return obj(obj(o.spec)?.template);
    case "CronJob":
      return obj(obj(obj(obj(o.spec)?.jobTemplate)?.spec)?.template);
    default:
      return undefined;
  }
}

export const hasPodTemplate = (kind: unknown): boolean =>
  typeof kind === "string" && ["PodTemplate", "ReplicationController", "ReplicaSet", "Deployment", "DaemonSet", "StatefulSet", "Job", "CronJob"].includes(kind);

/** ValidatePodController: a workload's pod template is only warned about (enforce applies to pods). */
export function podSecurityWorkload(o: Obj, namespaceLabels: unknown, subresource: string | undefined): string[] {
  if (subresource !== undefined && subresource !== "") return [];
  const { policy, errors } = policyToEvaluate(namespaceLabels);
  if (errors.length === 0 && policy.warn.level === "privileged" && policy.audit.level === "privileged") return [];
  const template = podTemplate(o);
  if (template === undefined) return [];
  return evaluate(policy, template.metadata, template.spec, false).warnings;
}

// namespaceMaxPodsToCheck's default (admission/api/v1 defaults.go)
const MAX_PODS_TO_CHECK = 3000;

/** EvaluatePodsInNamespace: the warnings on a new enforce level that existing pods violate. */
function evaluatePodsInNamespace(namespace: string, enforce: LevelVersion, pods: readonly Obj[]): string[] {
  // prioritizePods: one pod per controller first, the other replicas after
  const first: Obj[] = [];
  const replicas: Obj[] = [];
  const seen = new Set<string>();
  for (const pod of pods) {
    const ref = arr(pod?.metadata?.ownerReferences).find((r) => obj(r)?.controller === true);
    if (ref === undefined) first.push(pod);
    else if (seen.has(str(ref.uid))) replicas.push(pod);
    else {
      seen.add(str(ref.uid));
      first.push(pod);
    }
  }
  const prioritized = [...first, ...replicas];
  const checked = prioritized.slice(0, MAX_PODS_TO_CHECK);
  const byWarning = new Map<string, { podName: string; count: number }>();
  for (const pod of checked) {
    const failed = evaluatePod(enforce, pod?.metadata, pod?.spec);
    if (failed.length === 0) continue;
    const warning = forbiddenReason(failed);
    const name = str(pod?.metadata?.name);
    const c = byWarning.get(warning);
    if (c === undefined) byWarning.set(warning, { podName: name, count: 1 });
    else byWarning.set(warning, { podName: goCompare(name, c.podName) < 0 ? name : c.podName, count: c.count + 1 });
  }
  const warnings: string[] = [];
  if (checked.length < prioritized.length) warnings.push(`new PodSecurity enforce level only checked against the first ${checked.length} of ${prioritized.length} existing pods`);
  if (byWarning.size > 0) warnings.push(`existing pods in namespace ${goQuote(namespace)} violate the new PodSecurity enforce level ${goQuote(levelVersionString(enforce))}`);
  const decorated = [...byWarning].map(([w, c]) =>
    c.count === 1 ? `${c.podName}: ${w}` : c.count === 2 ? `${c.podName} (and 1 other pod): ${w}` : `${c.podName} (and ${c.count - 1} other pods): ${w}`,
  );
  return [...warnings, ...decorated.sort(goCompare)];
}

/** ValidateNamespace: invalid labels refused (on create, or on an update that changes their errors), the new enforce level's warnings about existing pods. */
export function podSecurityNamespace(ns: Obj, old: Obj | undefined, subresource: string | undefined, pods: () => readonly Obj[]): { invalid: PolicyError[] } | { warnings: string[] } {
  if (subresource !== undefined && subresource !== "") return { warnings: [] };
  const next = policyToEvaluate(ns?.metadata?.labels);
  if (old === undefined) return next.errors.length > 0 ? { invalid: next.errors } : { warnings: [] };
  const prior = policyToEvaluate(old?.metadata?.labels);
  if (next.errors.length > 0 && (prior.errors.length === 0 || JSON.stringify(prior.errors) !== JSON.stringify(next.errors))) return { invalid: next.errors };
  const e = next.policy.enforce;
  const o = prior.policy.enforce;
  if (sameLevelVersion(e, o) || e.level === "privileged") return { warnings: [] };
  if (e.minor === o.minor && levelRank[e.level] <= levelRank[o.level]) return { warnings: [] };
  return { warnings: evaluatePodsInNamespace(str(ns?.metadata?.name), e, pods()) };
}
