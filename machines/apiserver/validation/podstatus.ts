// ValidatePodStatusUpdate (pkg/apis/core/validation, v1.35): what a write to pods/status may change.
// The status strategy has already put the old spec back, so only metadata and status are judged.

import { duplicate, forbiddenField, invalidValue, type FieldError } from "../status.js";
import { validateLabelName, validateObjectMetaUpdate } from "./meta.js";
import { isDNS1123Subdomain, nameIsDNSSubdomain } from "./names.js";
import { isIPv6, validateIP } from "./ip.js";
import { allowsInvalidDeletionCost, validatePodSpecificAnnotationUpdates } from "./pod.js";

type Obj = any;

// The kubelet owns these; any other condition type must be a qualified name.
const systemConditions = new Set(["PodScheduled", "Ready", "Initialized"]);

/** validatePodConditions: Kubernetes names the field "Type", capitalised. */
export function validatePodConditions(conditions: Obj[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (conditions ?? []).forEach((c, i) => {
    const type = String(c?.type ?? "");
    if (!systemConditions.has(type)) errs.push(...validateLabelName(type, `${path}[${i}].Type`));
  });
  return errs;
}

const terminated = (s: Obj) => s?.state?.terminated !== undefined && s?.state?.terminated !== null;

/** ValidateContainerStateTransition (and its init-container form): a container that may not restart stays terminated. */
function validateStateTransition(next: Obj[] | undefined, prev: Obj[] | undefined, path: string, restartPolicy: string, restartable: (name: string) => boolean = () => false): FieldError[] {
  if (restartPolicy === "Always") return [];
  const errs: FieldError[] = [];
  (prev ?? []).forEach((old, i) => {
    if (!terminated(old)) return;
    if ((old.state.terminated.exitCode ?? 0) !== 0 && restartPolicy === "OnFailure") return;
    if (restartable(old.name)) return;
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
  return ips.length === 2 && isIPv6(ips[0]!) !== isIPv6(ips[1]!);
}

/** validatePodIPs / validateHostIPs: valid addresses, at most one per family; hostIP is hostIPs[0]. */
function validateIPList(list: Obj[] | undefined, path: string, first?: { value: string | undefined; name: string }): FieldError[] {
  const ips: string[] = (list ?? []).map((x: Obj) => String(x?.ip ?? ""));
  if (ips.length === 0) return [];
  const errs: FieldError[] = [];
  if (first && (first.value ?? "") !== ips[0]) errs.push(invalidValue(`${path}[0].ip`, ips[0], `must be equal to \`${first.name}\``));
  ips.forEach((ip, i) => errs.push(...validateIP(ip, `${path}[${i}]`)));
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
  errs.push(...validateStateTransition(status.containerStatuses, oldStatus.containerStatuses, "status.containerStatuses", oldSpec.restartPolicy ?? ""));
  const restartableInit = (name: string) => (oldSpec.initContainers ?? []).some((c: Obj) => c?.name === name && c?.restartPolicy === "Always");
  errs.push(...validateStateTransition(status.initContainerStatuses, oldStatus.initContainerStatuses, "status.initContainerStatuses", oldSpec.restartPolicy ?? "", restartableInit));
  // The kubelet never restarts ephemeral containers: an implicit restartPolicy Never.
  errs.push(...validateStateTransition(status.ephemeralContainerStatuses, oldStatus.ephemeralContainerStatuses, "status.ephemeralContainerStatuses", "Never"));
  errs.push(...validatePodResourceClaimStatuses(status.resourceClaimStatuses, pod.spec?.resourceClaims, "status.resourceClaimStatuses"));
  errs.push(...validateIPList(status.podIPs, "status.podIPs"));
  errs.push(...validateIPList(status.hostIPs, "status.hostIPs", { value: status.hostIP, name: "hostIP" }));
  // The status strategy backfills an empty qosClass from the old pod before validating, so only a different non-empty one is refused.
  const qos = status.qosClass ?? "";
  if (qos !== "" && qos !== (oldStatus.qosClass ?? "")) errs.push(invalidValue("status.qosClass", qos, "field is immutable"));
  return errs;
}
