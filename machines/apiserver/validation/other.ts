// Validation of the smaller kinds: Namespace, Node, ConfigMap, Secret, ServiceAccount, Endpoints,
// EndpointSlice, Event, Lease, PodDisruptionBudget, PriorityClass — names and the basics.

import { forbiddenField, goValue, invalidValue, notSupported, required, tooLong, type FieldError } from "../status.js";
import { validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { isConfigMapKey, isDNS1123Subdomain, nameIsDNSLabel, nameIsDNSSubdomain } from "./names.js";
import { validateLabelSelector } from "./selector.js";
import { validatePositiveIntOrPercent } from "./apps.js";
import { utf8Length } from "../../common/bytes.js";

type Obj = any;

/** Highest value a user-defined PriorityClass may have. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;

/** ValidateNamespace: a DNS-1123 label name, cluster-scoped, finalizers qualified names. */
export function validateNamespace(ns: Obj): FieldError[] {
  return validateObjectMeta(ns.metadata, false, nameIsDNSLabel);
}

/** ValidateNode: a DNS-1123 subdomain name, cluster-scoped, taint effects. */
export function validateNode(node: Obj): FieldError[] {
  const errs = validateObjectMeta(node.metadata, false, nameIsDNSSubdomain);
  (node.spec?.taints ?? []).forEach((t: Obj, i: number) => {
    const at = `spec.taints[${i}]`;
    if (!t.effect) errs.push(required(`${at}.effect`, ""));
    else if (!["NoSchedule", "PreferNoSchedule", "NoExecute"].includes(t.effect)) errs.push(notSupported(`${at}.effect`, t.effect, ["NoSchedule", "PreferNoSchedule", "NoExecute"]));
  });
  return errs;
}

function validateDataKeys(obj: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const data: Record<string, unknown> = obj.data ?? {};
  const binary: Record<string, unknown> = obj.binaryData ?? {};
  for (const key of Object.keys(data).sort()) for (const m of isConfigMapKey(key)) errs.push(invalidValue(`data[${key}]`, key, m));
  for (const key of Object.keys(binary).sort()) {
    for (const m of isConfigMapKey(key)) errs.push(invalidValue(`binaryData[${key}]`, key, m));
    if (key in data) errs.push(invalidValue(`binaryData[${key}]`, key, "duplicate of key present in data"));
  }
  return errs;
}

/** corev1.MaxSecretSize: what a ConfigMap's or a Secret's data may hold in all (1 MiB). */
export const MAX_SECRET_SIZE = 1024 * 1024;

/** The bytes a []byte field holds: its JSON form is base64 (padding and all), decoded before validation. */
export function base64Length(s: string): number {
  let pad = 0;
  while (pad < 2 && s.length > pad && s[s.length - 1 - pad] === "=") pad++;
  return Math.floor((s.length * 3) / 4) - pad;
}

function totalBytes(values: Record<string, unknown> | undefined, length: (s: string) => number): number {
  let n = 0;
  for (const v of Object.values(values ?? {})) if (typeof v === "string") n += length(v);
  return n;
}

/** ValidateConfigMap: a subdomain name, valid data keys, and at most 1 MiB of data and binaryData together. */
export function validateConfigMap(cm: Obj): FieldError[] {
  const errs = [...validateObjectMeta(cm.metadata, true, nameIsDNSSubdomain), ...validateDataKeys(cm)];
  // field.NewPath("") (the whole object) prints as "[]".
  if (totalBytes(cm.data, utf8Length) + totalBytes(cm.binaryData, base64Length) > MAX_SECRET_SIZE) errs.push(tooLong("[]", cm, MAX_SECRET_SIZE));
  return errs;
}

/** ValidateSecret: a subdomain name, valid data keys, and at most 1 MiB of data. */
export function validateSecret(s: Obj): FieldError[] {
  const errs = validateObjectMeta(s.metadata, true, nameIsDNSSubdomain);
  for (const key of Object.keys(s.data ?? {}).sort()) for (const m of isConfigMapKey(key)) errs.push(invalidValue(`data[${key}]`, key, m));
  // stringData is merged into data before validation; a key in both takes the stringData value.
  const merged = Object.keys(s.stringData ?? {}).length === 0 ? s.data : Object.fromEntries(Object.entries(s.data ?? {}).filter(([k]) => !Object.hasOwn(s.stringData, k)));
  if (totalBytes(merged, base64Length) + totalBytes(s.stringData, utf8Length) > MAX_SECRET_SIZE) errs.push(tooLong("data", "", MAX_SECRET_SIZE));
  return errs;
}

// ConfigMaps and Secrets marked immutable keep their data and stay immutable.
function validateImmutableData(obj: Obj, old: Obj): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(forbiddenField("immutable", "field is immutable when `immutable` is set"));
  if (JSON.stringify(obj.data ?? {}) !== JSON.stringify(old.data ?? {})) errs.push(forbiddenField("data", "field is immutable when `immutable` is set"));
  if (JSON.stringify(obj.binaryData ?? {}) !== JSON.stringify(old.binaryData ?? {}) && obj.kind === "ConfigMap") errs.push(forbiddenField("binaryData", "field is immutable when `immutable` is set"));
  return errs;
}

/** ValidateConfigMapUpdate / ValidateSecretUpdate. */
export function validateDataUpdate(obj: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  if (obj.kind === "Secret" && (old.type ?? "Opaque") !== (obj.type ?? "Opaque")) errs.push(invalidValue("type", obj.type ?? "", "field is immutable"));
  errs.push(...validateImmutableData(obj, old));
  errs.push(...(obj.kind === "Secret" ? validateSecret(obj) : validateConfigMap(obj)));
  return errs;
}

/** ValidateEndpoints: a subdomain name and valid ports. */
export function validateEndpoints(ep: Obj): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, true, nameIsDNSSubdomain);
  (ep.subsets ?? []).forEach((ss: Obj, i: number) => {
    (ss.ports ?? []).forEach((p: Obj, j: number) => {
      const at = `subsets[${i}].ports[${j}]`;
      if (!(p.port >= 1 && p.port <= 65535)) errs.push(invalidValue(`${at}.port`, p.port ?? 0, "must be between 1 and 65535, inclusive"));
      if (!p.protocol) errs.push(required(`${at}.protocol`, ""));
      else if (!["SCTP", "TCP", "UDP"].includes(p.protocol)) errs.push(notSupported(`${at}.protocol`, p.protocol, ["SCTP", "TCP", "UDP"]));
    });
  });
  return errs;
}

/** ValidateEndpointSlice: a subdomain name, a supported addressType, at most 100 addresses per endpoint. */
export function validateEndpointSlice(es: Obj): FieldError[] {
  const errs = validateObjectMeta(es.metadata, true, nameIsDNSSubdomain);
  const types = ["FQDN", "IPv4", "IPv6"];
  if (!es.addressType) errs.push(required("addressType", ""));
  else if (!types.includes(es.addressType)) errs.push(notSupported("addressType", es.addressType, types));
  (es.endpoints ?? []).forEach((e: Obj, i: number) => {
    const n = (e.addresses ?? []).length;
    if (n === 0) errs.push(required(`endpoints[${i}].addresses`, "must contain at least 1 address"));
    else if (n > 100) errs.push(invalidValue(`endpoints[${i}].addresses`, goValue(`[]string{...}`), "must contain at most 100 addresses"));
  });
  return errs;
}

/** ValidateEventCreate (legacy core/v1 events): object meta and involvedObject.namespace agreeing with the event's namespace. */
export function validateEvent(ev: Obj): FieldError[] {
  const errs = validateObjectMeta(ev.metadata, true, nameIsDNSSubdomain);
  const ns: string = ev.metadata?.namespace ?? "";
  const involvedNs: string = ev.involvedObject?.namespace ?? "";
  if (!ev.eventTime) {
    const mismatch = involvedNs === "" ? ns !== "" && ns !== "default" : ns !== involvedNs;
    if (mismatch) errs.push(invalidValue("involvedObject.namespace", involvedNs, "does not match event.namespace"));
  }
  if (ns) for (const m of isDNS1123Subdomain(ns)) errs.push(invalidValue("namespace", ns, m));
  return errs;
}

/** ValidateLease: a subdomain name, positive leaseDurationSeconds, non-negative leaseTransitions. */
export function validateLease(lease: Obj): FieldError[] {
  const errs = validateObjectMeta(lease.metadata, true, nameIsDNSSubdomain);
  const spec = lease.spec ?? {};
  if (typeof spec.leaseDurationSeconds === "number" && spec.leaseDurationSeconds <= 0) {
    errs.push(invalidValue("spec.leaseDurationSeconds", spec.leaseDurationSeconds, "must be greater than 0"));
  }
  if (typeof spec.leaseTransitions === "number") errs.push(...validateNonnegative(spec.leaseTransitions, "spec.leaseTransitions"));
  return errs;
}

/** ValidatePodDisruptionBudget: minAvailable and maxUnavailable are exclusive, each an int or percent, selector valid. */
export function validatePodDisruptionBudget(pdb: Obj): FieldError[] {
  const errs = validateObjectMeta(pdb.metadata, true, nameIsDNSSubdomain);
  const spec = pdb.spec ?? {};
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    errs.push(invalidValue("spec.minAvailable", spec.minAvailable, "minAvailable and maxUnavailable cannot be both set"));
  }
  if (spec.minAvailable !== undefined) errs.push(...validatePositiveIntOrPercent(spec.minAvailable, "spec.minAvailable"));
  if (spec.maxUnavailable !== undefined) errs.push(...validatePositiveIntOrPercent(spec.maxUnavailable, "spec.maxUnavailable"));
  errs.push(...validateLabelSelector(spec.selector, "spec.selector"));
  return errs;
}

/** ValidatePriorityClass: "system-" names are reserved; user values at most 1000000000. */
export function validatePriorityClass(pc: Obj, systemClasses: ReadonlyMap<string, number>): FieldError[] {
  const errs = validateObjectMeta(pc.metadata, false, nameIsDNSSubdomain);
  const name: string = pc.metadata?.name ?? "";
  if (name.startsWith("system-")) {
    const known = systemClasses.get(name);
    if (known === undefined) {
      errs.push(forbiddenField("metadata.name", `priority class names with 'system-' prefix are reserved for system use only. error: priority class ${name} is not known to the system`));
    } else if (known !== pc.value) {
      errs.push(forbiddenField("metadata.name", `priority class names with 'system-' prefix are reserved for system use only. error: value of ${name} PriorityClass must be ${known}`));
    }
  } else if (pc.value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(forbiddenField("value", `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  const pp = pc.preemptionPolicy;
  if (pp !== undefined && pp !== "PreemptLowerPriority" && pp !== "Never") errs.push(notSupported("preemptionPolicy", pp, ["Never", "PreemptLowerPriority"]));
  return errs;
}

/** PriorityClass updates may not change value. */
export function validatePriorityClassUpdate(pc: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(pc.metadata, old.metadata);
  if (pc.value !== old.value) errs.push(forbiddenField("value", "may not be changed in an update."));
  return errs;
}
