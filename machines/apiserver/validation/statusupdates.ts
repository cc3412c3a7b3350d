// The status subresources' ValidateUpdate of Service, Namespace, PodDisruptionBudget and CronJob:
// what a write to <resource>/<name>/status is judged by, which differs from the main update rules.

import { duplicate, forbiddenField, invalidValue, notSupported, required, tooLong, type FieldError } from "../status.js";
import { validateLabelName, validateNonnegative, validateObjectMetaUpdate } from "./meta.js";
import { isDNS1123Subdomain, regexError } from "./names.js";
import { parseIPSloppy, validateLegacyIP } from "./ip.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

const conditionStatuses = ["False", "True", "Unknown"];
const maxReasonLen = 1024;
const maxMessageLen = 32 * 1024;
const conditionReasonFmt = "[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?";
const conditionReason = new RegExp(`^${conditionReasonFmt}$`);
const conditionReasonErrMsg = "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'";

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** metav1validation.ValidateConditions: metav1.Condition lists (type unique and qualified, status, reason, times). */
export function validateConditions(conditions: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(conditions)) return errs;
  const seen = new Set<string>();
  conditions.forEach((raw, i) => {
    const c: Obj = raw !== null && typeof raw === "object" ? raw : {};
    const at = `${path}[${i}]`;
    const type = str(c.type);
    if (seen.has(type)) errs.push(duplicate(`${at}.type`, type));
    else seen.add(type);
    errs.push(...validateLabelName(type, `${at}.type`));
    const status = str(c.status);
    if (!conditionStatuses.includes(status)) errs.push(notSupported(`${at}.status`, status, conditionStatuses));
    if (typeof c.observedGeneration === "number" && c.observedGeneration < 0) errs.push(invalidValue(`${at}.observedGeneration`, c.observedGeneration, "must be greater than or equal to zero"));
    if (!c.lastTransitionTime) errs.push(required(`${at}.lastTransitionTime`, ""));
    const reason = str(c.reason);
    if (reason.length === 0) errs.push(required(`${at}.reason`, ""));
    else {
      if (!conditionReason.test(reason)) errs.push(invalidValue(`${at}.reason`, reason, regexError(conditionReasonErrMsg, conditionReasonFmt, "my_name", "MY_NAME", "MyName", "ReasonA,ReasonB", "ReasonA:ReasonB")));
      if (reason.length > maxReasonLen) errs.push(tooLong(`${at}.reason`, reason, maxReasonLen));
    }
    if (str(c.message).length > maxMessageLen) errs.push(tooLong(`${at}.message`, c.message, maxMessageLen));
  });
  return errs;
}

/** The PodDisruptionBudget status strategy: ValidatePodDisruptionBudgetStatusUpdate (policy/v1), no metadata checks. */
export function validatePodDisruptionBudgetStatusUpdate(pdb: Obj, _old: Obj): FieldError[] {
  const s = pdb.status ?? {};
  return [
    ...validateConditions(s.conditions, "status.conditions"),
    ...["disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"].flatMap((k) => validateNonnegative(s[k] ?? 0, `status.${k}`)),
  ];
}

/** ValidateNamespaceStatusUpdate: the phase follows the deletion timestamp (the field path is Kubernetes' own "status.Phase"). */
export function validateNamespaceStatusUpdate(ns: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(ns.metadata, old.metadata);
  const phase = str(ns.status?.phase);
  if (!ns.metadata?.deletionTimestamp) {
    // the mutant lets a namespace not being deleted say Terminating
    if (phase !== "Active" && !(mutant("validation.namespace-terminating-without-deletion") && phase === "Terminating")) errs.push(invalidValue("status.Phase", phase, "may only be 'Active' if `deletionTimestamp` is empty"));
  } else if (phase !== "Terminating") errs.push(invalidValue("status.Phase", phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  return errs;
}

const loadBalancerIPModes = ["Proxy", "VIP"];


/** ValidateLoadBalancerStatus: ingress only on LoadBalancer Services, each IP with its ipMode, hostnames that are DNS names. */
function validateLoadBalancerStatus(status: Obj, path: string, spec: Obj): FieldError[] {
  const ingress: Obj[] = Array.isArray(status?.ingress) ? status.ingress : [];
  if (spec?.type !== "LoadBalancer" && ingress.length > 0) return [forbiddenField(`${path}.ingress`, "may only be used when `spec.type` is 'LoadBalancer'")];
  const errs: FieldError[] = [];
  ingress.forEach((raw, i) => {
    const ing: Obj = raw !== null && typeof raw === "object" ? raw : {};
    const at = `${path}.ingress[${i}]`;
    const ip = str(ing.ip);
    if (ip.length > 0) errs.push(...validateLegacyIP(ip, `${at}.ip`));
    if (ing.ipMode === undefined || ing.ipMode === null) {
      if (ip.length > 0) errs.push(required(`${at}.ipMode`, "must be specified when `ip` is set"));
    } else if (ip.length === 0) errs.push(forbiddenField(`${at}.ipMode`, "may not be specified when `ip` is not set"));
    else if (!loadBalancerIPModes.includes(ing.ipMode)) errs.push(notSupported(`${at}.ipMode`, ing.ipMode, loadBalancerIPModes));
    const host = str(ing.hostname);
    if (host.length > 0) {
      for (const m of isDNS1123Subdomain(host)) errs.push(invalidValue(`${at}.hostname`, host, m));
      if (parseIPSloppy(host)) errs.push(invalidValue(`${at}.hostname`, host, "must be a DNS name, not an IP address"));
    }
  });
  return errs;
}

/** ValidateServiceStatusUpdate. */
export function validateServiceStatusUpdate(svc: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(svc.metadata, old.metadata), ...validateLoadBalancerStatus(svc.status?.loadBalancer, "status.loadBalancer", svc.spec)];
}

/** The CronJob status strategy validates nothing: its PrepareForUpdate already keeps the spec. */
export function validateCronJobStatusUpdate(_cj: Obj, _old: Obj): FieldError[] {
  return [];
}
