// ValidatePodStatusUpdate (pkg/apis/core/validation, v1.35): what a write to pods/status may change.
// The status strategy has already put the old spec back, so only metadata and status are judged.

import { containerPolicyRestarts } from "../../common/podutil.js";
import { isJsonNumber } from "../../common/numberliteral.js";
import { duplicate, forbiddenField, invalidValue, notSupported, type FieldError } from "../status.js";
import { validateLabelName, validateObjectMetaUpdate } from "./meta.js";
import { isDNS1123Subdomain, nameIsDNSSubdomain } from "./names.js";
import { isIPv6, validateLegacyIP } from "./ip.js";
import { allowsInvalidDeletionCost, validatePodSpecificAnnotationUpdates } from "./pod.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

// The kubelet owns these; any other condition type must be a qualified name.
const systemConditions = new Set(["PodScheduled", "Ready", "Initialized"]);

const MAX_ID = 2147483647;
const idRange = "must be between 0 and 2147483647, inclusive";
const badID = (v: unknown) => isJsonNumber(v) && (Number(v) < 0 || Number(v) > MAX_ID);

/** validateContainerStatusUsers: a Linux pod's reported uid, gid and groups are valid ids; a Windows pod reports no Linux user. */
function validateContainerStatusUsers(statuses: Obj[] | undefined, path: string, os: string): FieldError[] {
  const errs: FieldError[] = [];
  (statuses ?? []).forEach((cs: Obj, i: number) => {
    const user = cs?.user;
    if (user === undefined || user === null) return;
    const at = `${path}[${i}].linux`;
    if (os === "windows") {
      if (user.linux !== undefined && user.linux !== null) errs.push(forbiddenField(at, "cannot be set for a windows pod"));
    } else if (os === "linux" && user.linux !== undefined && user.linux !== null) {
      const l = user.linux;
      // uid and gid are required int64 fields: absent reads as 0.
      if (badID(l.uid ?? 0)) errs.push(invalidValue(`${at}.uid`, l.uid, idRange));
      if (badID(l.gid ?? 0)) errs.push(invalidValue(`${at}.gid`, l.gid, idRange));
      (l.supplementalGroups ?? []).forEach((g: unknown, j: number) => {
        if (badID(g)) errs.push(invalidValue(`${at}.supplementalGroups[${j}]`, g, idRange));
      });
    }
  });
  return errs;
}

const resourceHealth = ["Healthy", "Unhealthy", "Unknown"];

/** validateContainerStatusAllocatedResourcesStatus: each reported resource is one the container requests or claims; health known; ids unique. */
function validateAllocatedResourcesStatus(statuses: Obj[] | undefined, path: string, containers: Obj[] | undefined): FieldError[] {
  const errs: FieldError[] = [];
  (statuses ?? []).forEach((cs: Obj, i: number) => {
    if (!Array.isArray(cs?.allocatedResourcesStatus)) return;
    // A status for a container the spec lacks is ignored (kubernetes/kubernetes#124915).
    const container = (containers ?? []).find((c: Obj) => c?.name === cs.name);
    cs.allocatedResourcesStatus.forEach((r: Obj, j: number) => {
      const at = `${path}[${i}].allocatedResourcesStatus[${j}]`;
      const name = String(r?.name ?? "");
      if (container) {
        if (name.startsWith("claim:")) {
          const claims: Obj[] = container.resources?.claims ?? [];
          if (!claims.some((c) => `claim:${c?.name ?? ""}${c?.request ? `/${c.request}` : ""}` === name)) {
            errs.push(invalidValue(`${at}.name`, name, "must match one of the container's resource claims in a format 'claim:<claimName>/<request>' or 'claim:<claimName>' if request is empty"));
          }
        } else if (!Object.hasOwn(container.resources?.requests ?? {}, name)) {
          errs.push(invalidValue(`${at}.name`, name, "must match one of the container's resource requests"));
        }
      }
      const seen = new Set<string>();
      (r?.resources ?? []).forEach((h: Obj, k: number) => {
        const health = String(h?.health ?? "");
        if (!resourceHealth.includes(health)) errs.push(notSupported(`${at}.resources[${k}].health`, health, resourceHealth));
        const id = String(h?.resourceID ?? "");
        if (seen.has(id)) errs.push(duplicate(`${at}.resources[${k}].resourceID`, id));
        else seen.add(id);
      });
    });
  });
  return errs;
}

/** validatePodConditions: Kubernetes names the field "Type", capitalised. */
export function validatePodConditions(conditions: Obj[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (conditions ?? []).forEach((c, i) => {
    const type = String(c?.type ?? "");
    if (!systemConditions.has(type) && !mutant("validation.pod-condition-type-unchecked")) errs.push(...validateLabelName(type, `${path}[${i}].Type`));
  });
  return errs;
}

const terminated = (s: Obj) => s?.state?.terminated !== undefined && s?.state?.terminated !== null;

/** ValidateContainerStateTransition (and its init-container form): a container that may not restart stays terminated. */
function validateStateTransition(next: Obj[] | undefined, prev: Obj[] | undefined, path: string, restartPolicy: string, restartable: (name: string, exitCode: number) => boolean = () => false): FieldError[] {
  if (restartPolicy === "Always") return [];
  const errs: FieldError[] = [];
  (prev ?? []).forEach((old, i) => {
    if (!terminated(old)) return;
    if ((old.state.terminated.exitCode ?? 0) !== 0 && restartPolicy === "OnFailure") return;
    if (restartable(old.name, old.state.terminated.exitCode ?? 0)) return;
    for (const s of next ?? []) {
      if (s?.name === old.name && !terminated(s)) errs.push(forbiddenField(`${path}[${i}].state`, "may not be transitioned to non-terminated state"));
    }
  });
  return errs;
}

/** validatePodResourceClaimStatuses: each names an entry of spec.resourceClaims once, with a valid claim name. */
function validatePodResourceClaimStatuses(statuses: Obj[] | undefined, claims: Obj[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const podClaims = new Set((claims ?? []).map((c: Obj) => c?.name));
  const seen = new Set<string>();
  (statuses ?? []).forEach((s, i) => {
    const at = `${path}[${i}].name`;
    const name = s?.name ?? "";
    if (!podClaims.has(name)) errs.push(invalidValue(at, name, "must match the name of an entry in `spec.resourceClaims`"));
    if (seen.has(name)) errs.push(duplicate(at, name));
    else seen.add(name);
    if (typeof s?.resourceClaimName === "string") for (const m of nameIsDNSSubdomain(s.resourceClaimName, false)) errs.push(invalidValue(at, s.resourceClaimName, m));
  });
  return errs;
}

// IsDualStackIPStrings: exactly one address of each family.
function dualStackPair(ips: string[]): boolean {
  return ips.length === 2 && (mutant("validation.pod-ips-same-family-accepted") || isIPv6(ips[0]!) !== isIPv6(ips[1]!));
}

/** validatePodIPs / validateHostIPs: valid addresses, at most one per family; hostIP is hostIPs[0]. */
function validateIPList(list: Obj[] | undefined, path: string, first?: { value: string | undefined; name: string }): FieldError[] {
  const ips: string[] = (list ?? []).map((x: Obj) => String(x?.ip ?? ""));
  if (ips.length === 0) return [];
  const errs: FieldError[] = [];
  if (first && (first.value ?? "") !== ips[0]) errs.push(invalidValue(`${path}[0].ip`, ips[0], `must be equal to \`${first.name}\``));
  ips.forEach((ip, i) => errs.push(...validateLegacyIP(ip, `${path}[${i}]`)));
  if (ips.length > 1 && !dualStackPair(ips)) errs.push(invalidValue(path, list, "may specify no more than one IP for each IP family"));
  return errs;
}

/** ValidatePodStatusUpdate. */
export function validatePodStatusUpdate(pod: Obj, old: Obj): FieldError[] {
  const status = pod.status ?? {};
  const oldStatus = old.status ?? {};
  const oldSpec = old.spec ?? {};
  const allowInvalidCost = allowsInvalidDeletionCost(old);
  const errs = [
    ...validateObjectMetaUpdate(pod.metadata, old.metadata),
    ...validatePodSpecificAnnotationUpdates(pod, old, "metadata.annotations", allowInvalidCost),
    ...validatePodConditions(status.conditions, "status.conditions"),
  ];
  if ((pod.spec?.nodeName ?? "") !== (oldSpec.nodeName ?? "")) errs.push(forbiddenField("status.nodeName", "may not be changed directly"));
  const nominated: string = status.nominatedNodeName ?? "";
  if (nominated !== (oldStatus.nominatedNodeName ?? "") && nominated.length > 0) {
    for (const m of isDNS1123Subdomain(nominated)) errs.push(invalidValue("status.nominatedNodeName", nominated, m));
  }
  // The status strategy backfills an empty qosClass from the old pod before validating, so only a different non-empty one is refused.
  const qos = status.qosClass ?? "";
  if (qos !== "" && qos !== (oldStatus.qosClass ?? "")) errs.push(invalidValue("status.qosClass", qos, "field is immutable"));
  // ContainerRestartRules (beta, on in v1.35): a container whose own restartPolicy or rules restart it
  // after that exit code (podutil.ContainerShouldRestart) may leave the terminated state; a sidecar always may
  const restartableIn = (list: Obj[] | undefined) => (name: string, exitCode: number) => containerPolicyRestarts((list ?? []).find((c: Obj) => c?.name === name), exitCode) === true;
  errs.push(...validateStateTransition(status.containerStatuses, oldStatus.containerStatuses, "status.containerStatuses", oldSpec.restartPolicy ?? "", restartableIn(oldSpec.containers)));
  errs.push(...validateStateTransition(status.initContainerStatuses, oldStatus.initContainerStatuses, "status.initContainerStatuses", oldSpec.restartPolicy ?? "", restartableIn(oldSpec.initContainers)));
  // The kubelet never restarts ephemeral containers: an implicit restartPolicy Never.
  errs.push(...validateStateTransition(status.ephemeralContainerStatuses, oldStatus.ephemeralContainerStatuses, "status.ephemeralContainerStatuses", "Never"));
  errs.push(...validatePodResourceClaimStatuses(status.resourceClaimStatuses, pod.spec?.resourceClaims, "status.resourceClaimStatuses"));
  errs.push(...validateIPList(status.podIPs, "status.podIPs"));
  errs.push(...validateIPList(status.hostIPs, "status.hostIPs", { value: status.hostIP, name: "hostIP" }));
  const os: string = pod.spec?.os?.name ?? "linux";
  errs.push(...validateContainerStatusUsers(status.containerStatuses, "status.containerStatuses", os));
  errs.push(...validateContainerStatusUsers(status.initContainerStatuses, "status.initContainerStatuses", os));
  errs.push(...validateContainerStatusUsers(status.ephemeralContainerStatuses, "status.ephemeralContainerStatuses", os));
  errs.push(...validateAllocatedResourcesStatus(status.containerStatuses, "status.containerStatuses", pod.spec?.containers));
  errs.push(...validateAllocatedResourcesStatus(status.initContainerStatuses, "status.initContainerStatuses", pod.spec?.initContainers));
  // Ephemeral containers have no resources, so no resource health to report.
  (status.ephemeralContainerStatuses ?? []).forEach((cs: Obj, i: number) => {
    if (Array.isArray(cs?.allocatedResourcesStatus) && cs.allocatedResourcesStatus.length > 0) {
      errs.push(forbiddenField(`status.ephemeralContainerStatuses[${i}].allocatedResourcesStatus`, "must not be specified in container status"));
    }
  });
  return errs;
}
