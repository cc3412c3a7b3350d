// Security contexts, ported from validatePodSpecSecurityContext, ValidateSecurityContext, validateSysctls,
// validateSeccompProfileField, ValidateAppArmorProfileField and validateHostUsers (v1.35). Kubernetes'
// internal PodSecurityContext also holds hostNetwork/hostPID/hostIPC and shareProcessNamespace, which the
// v1 API keeps on the spec: their errors are still reported under spec.securityContext, as Kubernetes does.

import { isJsonNumber } from "../../common/numberliteral.js";
import { forbiddenField, invalidValue, notSupported, required, tooLong, type FieldError } from "../status.js";
import { marshalled } from "./meta.js";
import { utf8Length } from "../../common/bytes.js";
import { isDNS1123Subdomain, isValidGroupID, isValidUserID } from "./names.js";
import { validateLocalDescendingPath } from "./volumes.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

/** Set in the Go sense: a pointer field that is not nil. */
export const has = (v: unknown): boolean => v !== undefined && v !== null;
// IsValidUserID for runAsUser, IsValidGroupID for the group ids (apimachinery v0.35: both 0..MaxInt32).
function validateID(v: unknown, path: string, check: (id: number) => string[] = isValidGroupID): FieldError[] {
  return isJsonNumber(v) ? check(Number(v)).map((m) => invalidValue(path, v, m)) : [];
}

// The bad value of a whole security context: Kubernetes prints it through json.Marshal.
const asJSON = marshalled;

const seccompTypes = ["Localhost", "RuntimeDefault", "Unconfined"];

/** validateSeccompProfileField: a type, and a local profile exactly when the type is Localhost. */
export function validateSeccompProfile(sp: Obj, path: string): FieldError[] {
  if (!has(sp)) return [];
  const errs: FieldError[] = [];
  const type: string = sp.type ?? "";
  if (type === "") errs.push(required(`${path}.type`, "type is required when seccompProfile is set"));
  else if (!seccompTypes.includes(type)) errs.push(notSupported(`${path}.type`, type, seccompTypes));
  if (type === "Localhost") {
    if (!has(sp.localhostProfile)) errs.push(required(`${path}.localhostProfile`, "must be set when seccomp type is Localhost"));
    else errs.push(...validateLocalDescendingPath(sp.localhostProfile, `${path}.localhostProfile`));
  } else if (has(sp.localhostProfile)) {
    errs.push(invalidValue(`${path}.localhostProfile`, asJSON(sp), "can only be set when seccomp type is Localhost"));
  }
  return errs;
}

/** ValidateAppArmorProfileField: Localhost needs a trimmed, bounded profile; the others none. */
export function validateAppArmorProfile(p: Obj, path: string): FieldError[] {
  if (!has(p)) return [];
  const errs: FieldError[] = [];
  switch (p.type ?? "") {
    case "Localhost": {
      const lp = p.localhostProfile;
      if (!has(lp)) errs.push(required(`${path}.localhostProfile`, "must be set when AppArmor type is Localhost"));
      else {
        if (lp.trim() !== lp) errs.push(invalidValue(`${path}.localhostProfile`, lp, "must not be padded with whitespace"));
        else if (lp === "") errs.push(required(`${path}.localhostProfile`, "must be set when AppArmor type is Localhost"));
        if (lp.length > 4095) errs.push(tooLong(`${path}.localhostProfile`, "", 4095));
      }
      break;
    }
    case "RuntimeDefault":
    case "Unconfined":
      if (has(p.localhostProfile)) errs.push(invalidValue(`${path}.localhostProfile`, p.localhostProfile, "can only be set when AppArmor type is Localhost"));
      break;
    case "":
      errs.push(required(`${path}.type`, "type is required when appArmorProfile is set"));
      break;
    default:
      errs.push(notSupported(`${path}.type`, p.type, ["Localhost", "RuntimeDefault", "Unconfined"]));
  }
  return errs;
}

const sysctlSegment = "[a-z0-9]([-_a-z0-9]*[a-z0-9])?";
const sysctlFmt = `(${sysctlSegment}[\\./])*${sysctlSegment}`;
const sysctlRe = new RegExp(`^${sysctlFmt}$`);

// utilsysctl.GetNamespace: which namespace a sysctl belongs to ("/" separators read as ".").
function sysctlNamespace(name: string): "net" | "ipc" | undefined {
  const n = name.indexOf("/") >= 0 && (name.indexOf(".") < 0 || name.indexOf("/") < name.indexOf(".")) ? name.replace(/\//g, ".") : name;
  if (n === "kernel.sem") return "ipc";
  if (n.startsWith("kernel.shm") || n.startsWith("kernel.msg") || n.startsWith("fs.mqueue.")) return "ipc";
  if (n.startsWith("net.")) return "net";
  return undefined;
}

function validateSysctls(sysctls: Obj[], spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  sysctls.forEach((s, i) => {
    const at = `${path}[${i}].name`;
    const name: string = s.name ?? "";
    if (!name) errs.push(required(at, ""));
    else if (name.length > 253 || !sysctlRe.test(name)) errs.push(invalidValue(at, name, `must have at most 253 characters and match regex ^${sysctlFmt}$`));
    else if (names.has(name)) errs.push({ type: "FieldValueDuplicate", field: at, badValue: name, detail: "" });
    // Namespaced sysctls cannot be set in a pod that shares the host's namespace.
    const ns = sysctlNamespace(name);
    // the mutant forgets that a host-network pod shares the node's net sysctls
    if (spec.hostNetwork === true && ns === "net" && !mutant("validation.host-network-net-sysctl-accepted")) errs.push(invalidValue(at, name, "may not be specified when 'hostNetwork' is true"));
    else if (spec.hostIPC === true && ns === "ipc") errs.push(invalidValue(at, name, "may not be specified when 'hostIPC' is true"));
    names.add(name);
  });
  return errs;
}

// Windows limits on the options (Active Directory naming rules), as Kubernetes states them.
const MAX_GMSA_CREDENTIAL_SPEC_KIB = 64;
const MAX_RUN_AS_USER_NAME_DOMAIN_LENGTH = 256;
const MAX_RUN_AS_USER_NAME_USER_LENGTH = 104;
const ctrlRe = /[\x00-\x1f\x7f]/;
// A NetBios domain: 1 to 15 characters, not starting with a dot, none of \ / : * ? " < > |.
const netBiosRe = /^[^\\/:*?"<>|.][^\\/:*?"<>|]{0,14}$/;
const dnsLabelFmt = "[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?";
const windowsDomainDNSRe = new RegExp(`^${dnsLabelFmt}(?:\\.${dnsLabelFmt})*$`);
const invalidUserNameCharsRe = /["/\\:;|=,+*?<>@[\]]/;
const dotsSpacesRe = /^[. ]+$/;

/** validateWindowsSecurityContextOptions: a GMSA spec name and contents, and a DOMAIN\\User runAsUserName. */
export function validateWindowsOptions(w: Obj, path: string): FieldError[] {
  if (!has(w)) return [];
  const errs: FieldError[] = [];
  if (has(w.gmsaCredentialSpecName)) {
    for (const msg of isDNS1123Subdomain(String(w.gmsaCredentialSpecName))) errs.push(invalidValue(`${path}.gmsaCredentialSpecName`, w.gmsaCredentialSpecName, msg));
  }
  if (has(w.gmsaCredentialSpec)) {
    const l = utf8Length(String(w.gmsaCredentialSpec));
    if (l === 0) errs.push(invalidValue(`${path}.gmsaCredentialSpec`, w.gmsaCredentialSpec, "gmsaCredentialSpec cannot be an empty string"));
    else if (l > MAX_GMSA_CREDENTIAL_SPEC_KIB * 1024) errs.push(invalidValue(`${path}.gmsaCredentialSpec`, w.gmsaCredentialSpec, `gmsaCredentialSpec size must be under ${MAX_GMSA_CREDENTIAL_SPEC_KIB} KiB`));
  }
  if (has(w.runAsUserName)) errs.push(...validateRunAsUserName(String(w.runAsUserName), `${path}.runAsUserName`));
  return errs;
}

function validateRunAsUserName(name: string, path: string): FieldError[] {
  if (name.length === 0) return [invalidValue(path, name, "runAsUserName cannot be an empty string")];
  if (ctrlRe.test(name)) return [invalidValue(path, name, "runAsUserName cannot contain control characters")];
  const parts = name.split("\\");
  if (parts.length > 2) return [invalidValue(path, name, "runAsUserName cannot contain more than one backslash")];
  const [domain, user] = parts.length === 1 ? ["", parts[0]!] : [parts[0]!, parts[1]!];
  const errs: FieldError[] = [];
  if (utf8Length(domain) >= MAX_RUN_AS_USER_NAME_DOMAIN_LENGTH) errs.push(invalidValue(path, name, `runAsUserName's Domain length must be under ${MAX_RUN_AS_USER_NAME_DOMAIN_LENGTH} characters`));
  if (parts.length === 2 && !(netBiosRe.test(domain) || windowsDomainDNSRe.test(domain))) errs.push(invalidValue(path, name, "runAsUserName's Domain doesn't match the NetBios nor the DNS format"));
  const userLength = utf8Length(user);
  if (userLength === 0) errs.push(invalidValue(path, name, "runAsUserName's User cannot be empty"));
  else if (userLength > MAX_RUN_AS_USER_NAME_USER_LENGTH) errs.push(invalidValue(path, name, `runAsUserName's User length must not be longer than ${MAX_RUN_AS_USER_NAME_USER_LENGTH} characters`));
  if (dotsSpacesRe.test(user)) errs.push(invalidValue(path, name, "runAsUserName's User cannot contain only periods or spaces"));
  if (invalidUserNameCharsRe.test(user)) errs.push(invalidValue(path, name, `runAsUserName's User cannot contain the following characters: "/\\:;|=,+*?<>@[]`));
  return errs;
}

/**
 * validateWindowsHostProcessPod: a pod's and a container's hostProcess agree when both are set; once any
 * container is a HostProcess container all must be, and the pod must use the host's network. (The
 * "disallowed by cluster policy" refusal needs --allow-privileged=false, which podflow does not model.)
 */
export function validateWindowsHostProcessPod(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const podHostProcess: unknown = spec.securityContext?.windowsOptions?.hostProcess;
  let containers = 0;
  let hostProcessContainers = 0;
  const visit = (c: Obj, at: string) => {
    containers++;
    const own: unknown = c?.securityContext?.windowsOptions?.hostProcess;
    if (has(podHostProcess) && has(own) && podHostProcess !== own) {
      errs.push(invalidValue(`${at}.securityContext.windowsOptions.hostProcess`, own, `pod hostProcess value must be identical if both are specified, was ${podHostProcess}`));
    }
    if (own === true || (!has(own) && podHostProcess === true)) hostProcessContainers++;
  };
  // podshelper.VisitContainersWithPath: init, then app, then ephemeral containers.
  (spec.initContainers ?? []).forEach((c: Obj, i: number) => visit(c, `${path}.initContainers[${i}]`));
  (spec.containers ?? []).forEach((c: Obj, i: number) => visit(c, `${path}.containers[${i}]`));
  (spec.ephemeralContainers ?? []).forEach((c: Obj, i: number) => visit(c, `${path}.ephemeralContainers[${i}]`));
  if (hostProcessContainers > 0) {
    if (hostProcessContainers !== containers) errs.push(invalidValue(path, "", "If pod contains any hostProcess containers then all containers must be HostProcess containers"));
    if (spec.hostNetwork !== true) errs.push(invalidValue(`${path}.hostNetwork`, false, "hostNetwork must be true if pod contains any hostProcess containers"));
  }
  return errs;
}

/** validatePodSpecSecurityContext: id ranges, shareProcessNamespace with hostPID, sysctls, policies, profiles. */
export function validatePodSecurityContext(spec: Obj, path: string, allowMountOptionSELinuxChangePolicy = false): FieldError[] {
  const sc: Obj = spec.securityContext ?? {};
  const errs: FieldError[] = [];
  errs.push(...validateID(sc.fsGroup, `${path}.fsGroup`), ...validateID(sc.runAsUser, `${path}.runAsUser`, isValidUserID), ...validateID(sc.runAsGroup, `${path}.runAsGroup`));
  (sc.supplementalGroups ?? []).forEach((g: unknown, i: number) => errs.push(...validateID(g, `${path}.supplementalGroups[${i}]`)));
  if (spec.shareProcessNamespace === true && spec.hostPID === true) {
    errs.push(invalidValue(`${path}.shareProcessNamespace`, true, "ShareProcessNamespace and HostPID cannot both be enabled"));
  }
  if ((sc.sysctls ?? []).length > 0) errs.push(...validateSysctls(sc.sysctls, spec, `${path}.sysctls`));
  if (has(sc.fsGroupChangePolicy) && !["Always", "OnRootMismatch"].includes(sc.fsGroupChangePolicy)) {
    errs.push(notSupported(`${path}.fsGroupChangePolicy`, sc.fsGroupChangePolicy, ["Always", "OnRootMismatch"]));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, `${path}.seccompProfile`));
  errs.push(...validateWindowsOptions(sc.windowsOptions, `${path}.windowsOptions`));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, `${path}.appArmorProfile`));
  if (has(sc.supplementalGroupsPolicy) && !["Merge", "Strict"].includes(sc.supplementalGroupsPolicy)) {
    errs.push(notSupported(`${path}.supplementalGroupsPolicy`, sc.supplementalGroupsPolicy, ["Merge", "Strict"]));
  }
  // validateSELinuxChangePolicy: with SELinuxMount off (beta, default off in v1.35) only Recursive is
  // allowed, unless the old object already had a policy (useOnlyRecursiveSELinuxChangePolicy).
  const selinuxPolicies = allowMountOptionSELinuxChangePolicy ? ["MountOption", "Recursive"] : ["Recursive"];
  if (has(sc.seLinuxChangePolicy) && !selinuxPolicies.includes(sc.seLinuxChangePolicy)) {
    errs.push(notSupported(`${path}.seLinuxChangePolicy`, sc.seLinuxChangePolicy, selinuxPolicies));
  }
  return errs;
}

/** ValidateSecurityContext (containers): id ranges, procMount, seccomp, privilege escalation, AppArmor. */
export function validateContainerSecurityContext(sc: Obj, path: string, hostUsers: boolean): FieldError[] {
  if (!has(sc)) return [];
  const errs = [...validateID(sc.runAsUser, `${path}.runAsUser`, isValidUserID), ...validateID(sc.runAsGroup, `${path}.runAsGroup`)];
  if (has(sc.procMount)) {
    if (!["Default", "Unmasked"].includes(sc.procMount)) errs.push(notSupported(`${path}.procMount`, sc.procMount, ["Default", "Unmasked"]));
    if (hostUsers && sc.procMount === "Unmasked") errs.push(invalidValue(`${path}.procMount`, sc.procMount, "`hostUsers` must be false to use `Unmasked`"));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, `${path}.seccompProfile`));
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) errs.push(invalidValue(path, asJSON(sc), "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
    for (const cap of sc.capabilities?.add ?? []) {
      if (cap === "CAP_SYS_ADMIN") errs.push(invalidValue(path, asJSON(sc), "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
    }
  }
  errs.push(...validateWindowsOptions(sc.windowsOptions, `${path}.windowsOptions`));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, `${path}.appArmorProfile`));
  return errs;
}

/** validateHostUsers: a pod in its own user namespace may not share the host's network, PID or IPC namespace. */
export function validateHostUsers(spec: Obj, path: string): FieldError[] {
  if (spec.hostUsers !== false) return [];
  const errs: FieldError[] = [];
  if (spec.hostNetwork === true) errs.push(forbiddenField(`${path}.hostNetwork`, "when `pod.Spec.HostUsers` is false"));
  if (spec.hostPID === true) errs.push(forbiddenField(`${path}.HostPID`, "when `pod.Spec.HostUsers` is false"));
  if (spec.hostIPC === true) errs.push(forbiddenField(`${path}.HostIPC`, "when `pod.Spec.HostUsers` is false"));
  return errs;
}
