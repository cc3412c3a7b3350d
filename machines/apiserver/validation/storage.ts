// PersistentVolume, PersistentVolumeClaim and StorageClass, ported from ValidatePersistentVolume(Spec),
// ValidatePersistentVolumeUpdate, ValidatePersistentVolumeClaim(Spec), ValidatePersistentVolumeClaimUpdate
// and their status updates (pkg/apis/core/validation, v1.35), and ValidateStorageClass(Update)
// (pkg/apis/storage/validation). The PV sources are checked in Kubernetes' PV order with the pod
// volume checks (the PV variants differ only in secret references' namespaces).

import { deepEqual as sameJSON } from "../../common/equal.js";
import { duplicate, forbiddenField, goValue, invalidValue, notSupported, required, tooLong, type FieldError } from "../status.js";
import { validateAnnotations, validateImmutable, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { fieldImmutableErrorMsg, isQualifiedName, isValidLabelValue, nameIsDNSLabel, nameIsDNSSubdomain } from "./names.js";
import { specDiff } from "./pod.js";
import { cmpQuantity, parseGoQuantity, quantityString, type GoQuantity } from "./quantity.js";
import { validateResourceQuantityValue } from "./resources.js";
import { validateNodeSelector } from "./scheduling.js";
import { validateLabelSelector } from "./selector.js";
import { validateCSIDriverName, validatePathNoBacksteps, volumeSources } from "./volumes.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

const has = (v: unknown): boolean => v !== undefined && v !== null;

/** sets.List of the supported values: sorted. */
export const SUPPORTED_ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];
const SUPPORTED_RECLAIM_POLICIES = ["Delete", "Recycle", "Retain"];
const SUPPORTED_VOLUME_MODES = ["Block", "Filesystem"];
const SC_RECLAIM_POLICIES = ["Delete", "Retain"];
const SC_BINDING_MODES = ["Immediate", "WaitForFirstConsumer"];
const MAX_PROVISIONER_PARAMETER_LEN = 512;
const MAX_PROVISIONER_PARAMETER_SIZE = 256 * 1024;

/** ValidateClassName (and ValidatePersistentVolumeName): a DNS-1123 subdomain. */
const validateClassName = nameIsDNSSubdomain;

/** ValidatePositiveQuantityValue: "must be greater than zero". */
function validatePositiveQuantity(q: GoQuantity, path: string): FieldError[] {
  return q.n <= 0n ? [invalidValue(path, quantityString(q), "must be greater than zero")] : [];
}

function validateAccessModes(modes: unknown, path: string, requiredDetail: string): FieldError[] {
  const list: unknown[] = Array.isArray(modes) ? modes : [];
  const errs: FieldError[] = list.length === 0 ? [required(path, requiredDetail)] : [];
  let once = false;
  let other = false;
  for (const m of list) {
    if (!SUPPORTED_ACCESS_MODES.includes(m as string)) errs.push(notSupported(path, m, SUPPORTED_ACCESS_MODES));
    if (m === "ReadWriteOncePod") once = true;
    else if (SUPPORTED_ACCESS_MODES.includes(m as string)) other = true;
  }
  if (once && other) errs.push(forbiddenField(path, "may not use ReadWriteOncePod with other access modes"));
  return errs;
}

// The PV sources in ValidatePersistentVolumeSpec's order: JSON key, forbidden key, checked key.
const pvSources: [key: string, forbiddenKey: string, checkKey: string][] = [
  ["hostPath", "hostPath", "hostPath"], ["gcePersistentDisk", "gcePersistentDisk", "persistentDisk"],
  ["awsElasticBlockStore", "awsElasticBlockStore", "awsElasticBlockStore"], ["glusterfs", "glusterfs", "glusterfs"],
  ["flocker", "flocker", "flocker"], ["nfs", "nfs", "nfs"], ["rbd", "rbd", "rbd"], ["quobyte", "quobyte", "quobyte"],
  ["cephfs", "cephFS", "cephfs"], ["iscsi", "iscsi", "iscsi"], ["cinder", "cinder", "cinder"], ["fc", "fc", "fc"],
  ["flexVolume", "", "flexVolume"], ["azureFile", "azureFile", "azureFile"], ["vsphereVolume", "vsphereVolume", "vsphereVolume"],
  ["photonPersistentDisk", "photonPersistentDisk", "photonPersistentDisk"], ["portworxVolume", "portworxVolume", "portworxVolume"],
  ["azureDisk", "azureDisk", "azureDisk"], ["scaleIO", "scaleIO", "scaleIO"], ["local", "local", "local"],
  ["storageos", "storageos", "storageos"], ["csi", "csi", "csi"],
];
// Built on first use: volumes.ts imports this module for ephemeral volumes' claim templates.
let podSourceChecksMap: Map<string, (typeof volumeSources)[number][3]> | undefined;
const podSourceChecks = () => (podSourceChecksMap ??= new Map(volumeSources.map(([key, , , check]) => [key, check])));

// validatePVSecretReference: a PV source's secret reference names a secret (a subdomain) and its namespace (a label).
export function validatePVSecretReference(ref: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = String(ref?.name ?? "");
  const namespace = String(ref?.namespace ?? "");
  if (name === "") errs.push(required(`${path}.name`, ""));
  else for (const m of nameIsDNSSubdomain(name, false)) errs.push(invalidValue(`${path}.name`, name, m));
  if (namespace === "") errs.push(required(`${path}.namespace`, ""));
  else for (const m of nameIsDNSLabel(namespace, false)) errs.push(invalidValue(`${path}.namespace`, namespace, m));
  return errs;
}

/** validateCSIPersistentVolumeSource: driver, volumeHandle, and four secret references (nodeStageSecretRef is not judged). */
export function validateCSIPersistentVolumeSource(csi: Obj, path: string): FieldError[] {
  const errs = validateCSIDriverName(String(csi?.driver ?? ""), `${path}.driver`);
  if (!csi?.volumeHandle) errs.push(required(`${path}.volumeHandle`, ""));
  for (const ref of ["controllerPublishSecretRef", "controllerExpandSecretRef", "nodePublishSecretRef", "nodeExpandSecretRef"]) {
    if (has(csi?.[ref])) errs.push(...validatePVSecretReference(csi[ref], `${path}.${ref}`));
  }
  return errs;
}

/** validateGlusterfsPersistentVolumeSource: endpoints and path, and a set endpointsNamespace must be a namespace name. */
export function validateGlusterfsPersistentVolumeSource(g: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!g?.endpoints) errs.push(required(`${path}.endpoints`, ""));
  if (!g?.path) errs.push(required(`${path}.path`, ""));
  if (has(g?.endpointsNamespace)) {
    const ns = String(g.endpointsNamespace);
    if (ns === "") errs.push(invalidValue(`${path}.endpointsNamespace`, ns, "if the endpointnamespace is set, it must be a valid namespace name"));
    else for (const m of nameIsDNSLabel(ns, false)) errs.push(invalidValue(`${path}.endpointsNamespace`, ns, m));
  }
  return errs;
}

// The PersistentVolumeSource checks that differ from the pod volume ones.
const pvSourceChecks = new Map<string, (src: Obj, path: string) => FieldError[]>([
  ["csi", validateCSIPersistentVolumeSource],
  ["glusterfs", validateGlusterfsPersistentVolumeSource],
]);

function validateLocal(ls: Obj, path: string): FieldError[] {
  if (!ls.path) return [required(`${path}.path`, "")];
  return validatePathNoBacksteps(ls.path, `${path}.path`);
}

// A ResourceList prints as %#v in NotSupported: only the shapes a client can send are spelled out.
function resourceListValue(capacity: unknown): unknown {
  if (capacity === undefined || capacity === null) return goValue("core.ResourceList(nil)");
  const keys = typeof capacity === "object" ? Object.keys(capacity as object).sort() : [];
  if (keys.length === 0) return goValue("core.ResourceList{}");
  return goValue(`core.ResourceList{${keys.map((k) => `${JSON.stringify(k)}:${quantityText((capacity as Obj)[k])}`).join(", ")}}`);
}

function quantityText(raw: unknown): string {
  const q = parseGoQuantity(raw);
  return q ? `resource.Quantity{${JSON.stringify(quantityString(q))}}` : JSON.stringify(raw);
}

/**
 * ValidatePersistentVolumeSpec for a PersistentVolume object (not an inline spec). allowInvalidLabelValue
 * is ValidationOptionsForPersistentVolume's AllowInvalidLabelValueInRequiredNodeAffinity; the
 * VolumeAttributesClass gate is on (GA in v1.34).
 */
export function validatePersistentVolumeSpec(spec: Obj, path = "spec", allowInvalidLabelValue = false, inline = false): FieldError[] {
  const s = spec ?? {};
  const capacity = s.capacity;
  const capKeys = capacity && typeof capacity === "object" ? Object.keys(capacity).sort() : [];
  // a VolumeAttachment's inlineVolumeSpec (validateInlinePersistentVolumeSpec): a CSI volume with no claim or capacity
  const errs: FieldError[] = [];
  if (inline) {
    if (has(s.claimRef)) errs.push(forbiddenField(`${path}.claimRef`, "may not be specified in the context of inline volumes"));
    if (capKeys.length !== 0) errs.push(forbiddenField(`${path}.capacity`, "may not be specified in the context of inline volumes"));
    if (!has(s.csi)) errs.push(required(`${path}.csi`, "has to be specified in the context of inline volumes"));
  }
  errs.push(...validateAccessModes(s.accessModes, `${path}.accessModes`, ""));
  if (!inline && capKeys.length === 0) errs.push(required(`${path}.capacity`, ""));
  if (!inline && (!capKeys.includes("storage") || capKeys.length > 1)) errs.push(notSupported(`${path}.capacity`, resourceListValue(capacity), ["storage"]));
  for (const k of inline ? [] : capKeys) {
    const at = `${path}.capacity[${k}]`;
    const q = parseGoQuantity(capacity[k]);
    if (!q) continue; // the decoder refuses a malformed quantity before validation
    if (q.n < 0n) errs.push(invalidValue(at, Number(q.n), "must be a valid resource quantity"));
    errs.push(...validatePositiveQuantity(q, at));
  }
  if (s.persistentVolumeReclaimPolicy && !SUPPORTED_RECLAIM_POLICIES.includes(s.persistentVolumeReclaimPolicy)) {
    errs.push(notSupported(`${path}.persistentVolumeReclaimPolicy`, s.persistentVolumeReclaimPolicy, SUPPORTED_RECLAIM_POLICIES));
  }
  let affinitySet = false;
  if (has(s.nodeAffinity)) {
    affinitySet = true;
    if (has(s.nodeAffinity.required)) errs.push(...validateNodeSelector(s.nodeAffinity.required, `${path}.nodeAffinity.required`, allowInvalidLabelValue));
    else errs.push(required(`${path}.nodeAffinity.required`, "must specify required node constraints"));
  }
  let count = 0;
  for (const [key, forbiddenKey, checkKey] of pvSources) {
    if (!has(s[key])) continue;
    if (count > 0 && forbiddenKey !== "") {
      errs.push(forbiddenField(`${path}.${forbiddenKey}`, "may not specify more than 1 volume type"));
      continue;
    }
    count++;
    if (key === "local") {
      errs.push(...validateLocal(s.local, `${path}.${checkKey}`));
      if (!affinitySet) errs.push(required(`${path}.nodeAffinity`, "Local volume requires node affinity"));
      continue;
    }
    const pvCheck = pvSourceChecks.get(key);
    const check = podSourceChecks().get(key);
    if (pvCheck) errs.push(...pvCheck(s[key], `${path}.${checkKey}`));
    else if (check) errs.push(...check(s[key], `${path}.${checkKey}`, { resourceIsPod: false }, ""));
  }
  if (count === 0) errs.push(required(path, "must specify a volume type"));
  if (has(s.hostPath) && typeof s.hostPath.path === "string" && cleanPath(s.hostPath.path) === "/" && s.persistentVolumeReclaimPolicy === "Recycle") {
    errs.push(forbiddenField(`${path}.persistentVolumeReclaimPolicy`, "may not be 'recycle' for a hostPath mount of '/'"));
  }
  if (s.storageClassName) for (const m of validateClassName(s.storageClassName, false)) errs.push(invalidValue(`${path}.storageClassName`, s.storageClassName, m));
  if (has(s.volumeMode) && !SUPPORTED_VOLUME_MODES.includes(s.volumeMode)) errs.push(notSupported(`${path}.volumeMode`, s.volumeMode, SUPPORTED_VOLUME_MODES));
  if (has(s.volumeAttributesClassName)) {
    const vac = String(s.volumeAttributesClassName);
    if (vac.length === 0) errs.push(required(`${path}.volumeAttributesClassName`, "an empty string is disallowed"));
    else for (const m of validateClassName(vac, false)) errs.push(invalidValue(`${path}.volumeAttributesClassName`, vac, m));
    if (!has(s.csi)) errs.push(required(`${path}.csi`, "has to be specified when using volumeAttributesClassName"));
  }
  return errs;
}

// path.Clean for the one question asked: is this "/"?
function cleanPath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") parts.pop();
    else parts.push(seg);
  }
  return p.startsWith("/") ? "/" + parts.join("/") : parts.join("/") || ".";
}

/** ValidatePersistentVolume: cluster-scoped metadata with a DNS-1123 subdomain name, then the spec (options from the old volume, if any). */
export function validatePersistentVolume(pv: Obj, old?: Obj): FieldError[] {
  return [...validateObjectMeta(pv?.metadata, false, nameIsDNSSubdomain), ...validatePersistentVolumeSpec(pv?.spec, "spec", hasInvalidLabelValueInTerms(old?.spec?.nodeAffinity?.required?.nodeSelectorTerms))];
}

// helper.HasInvalidLabelValueInNodeSelectorTerms: an old volume keeps the label values it was stored with.
function hasInvalidLabelValueInTerms(terms: unknown): boolean {
  if (!Array.isArray(terms)) return false;
  return terms.some((t: Obj) => ((t?.matchExpressions ?? []) as Obj[]).some((e) => ((e?.values ?? []) as unknown[]).some((v) => isValidLabelValue(String(v)).length > 0)));
}

// The GA label each deprecated beta node label may be renamed to (volumeNodeAffinitiesEqual).
const BETA_TO_GA_LABELS = new Map([
  ["failure-domain.beta.kubernetes.io/zone", "topology.kubernetes.io/zone"],
  ["failure-domain.beta.kubernetes.io/region", "topology.kubernetes.io/region"],
  ["beta.kubernetes.io/os", "kubernetes.io/os"],
  ["beta.kubernetes.io/arch", "kubernetes.io/arch"],
  ["beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type"],
]);

// Requirement by requirement, in order: the same operator and values, and the same key or its GA rename.
function volumeNodeAffinitiesEqual(next: Obj, prev: Obj): boolean {
  if (has(next) !== has(prev)) return false;
  if (!has(next)) return true;
  if (has(next.required) !== has(prev.required)) return false;
  if (!has(next.required)) return true;
  const a: Obj[] = next.required.nodeSelectorTerms ?? [];
  const b: Obj[] = prev.required.nodeSelectorTerms ?? [];
  if (a.length !== b.length) return false;
  return a.every((t, i) => {
    const o = b[i];
    if (!sameJSON(t?.matchFields ?? null, o?.matchFields ?? null)) return false;
    const x: Obj[] = t?.matchExpressions ?? [];
    const y: Obj[] = o?.matchExpressions ?? [];
    if (x.length !== y.length) return false;
    return x.every((e, j) => {
      const f = y[j];
      if (e?.operator !== f?.operator || !sameJSON(e?.values ?? null, f?.values ?? null)) return false;
      return e?.key === f?.key || BETA_TO_GA_LABELS.get(f?.key) === e?.key;
    });
  });
}

// %v of the internal *VolumeNodeAffinity through its JSON: Go field names, nil lists as null.
function volumeNodeAffinityJSON(na: Obj): string {
  if (!has(na)) return "null";
  const list = (v: unknown, item: (x: Obj) => string) => (Array.isArray(v) ? `[${v.map(item).join(",")}]` : "null");
  const rq = (e: Obj) => `{"Key":${JSON.stringify(e?.key ?? "")},"Operator":${JSON.stringify(e?.operator ?? "")},"Values":${list(e?.values, (v) => JSON.stringify(v))}}`;
  const term = (t: Obj) => `{"MatchExpressions":${list(t?.matchExpressions, rq)},"MatchFields":${list(t?.matchFields, rq)}}`;
  const req = has(na.required) ? `{"NodeSelectorTerms":${list(na.required.nodeSelectorTerms, term)}}` : "null";
  return `{"Required":${req}}`;
}

const PV_SOURCE_KEYS = pvSources.map(([k]) => k);
const pvSource = (spec: Obj): Obj => Object.fromEntries(PV_SOURCE_KEYS.filter((k) => has(spec?.[k])).map((k) => [k, spec[k]]));

/** ValidatePersistentVolumeUpdate: the source and volumeMode never change; a set nodeAffinity may not change. */
export function validatePersistentVolumeUpdate(pv: Obj, old: Obj): FieldError[] {
  // ValidatePersistentVolumeUpdate checks the object but not its metadata update (the strategy adds that).
  const errs = [...validateObjectMetaUpdate(pv?.metadata, old?.metadata), ...validatePersistentVolume(pv, old)];
  const next = pvSource(pv?.spec);
  const prev = pvSource(old?.spec);
  // A CSI source may gain a controllerExpandSecretRef.
  if (prev.csi && next.csi && !has(prev.csi.controllerExpandSecretRef) && has(next.csi.controllerExpandSecretRef)) {
    next.csi = { ...next.csi };
    delete next.csi.controllerExpandSecretRef;
  }
  if (!sameJSON(next, prev)) {
    errs.push(forbiddenField("spec.persistentvolumesource", `spec.persistentvolumesource is immutable after creation\n${specDiff(prev, next, "core.PersistentVolumeSource")}`));
  }
  errs.push(...validateImmutable(pv?.spec?.volumeMode, old?.spec?.volumeMode, "volumeMode"));
  // validatePvNodeAffinity: a set nodeAffinity may change only by renaming beta labels to GA.
  if (has(old?.spec?.nodeAffinity) && !volumeNodeAffinitiesEqual(pv?.spec?.nodeAffinity, old.spec.nodeAffinity)) {
    errs.push(invalidValue("nodeAffinity", goValue(volumeNodeAffinityJSON(pv?.spec?.nodeAffinity)), `${fieldImmutableErrorMsg}, except for updating from beta label to GA`));
  }
  if (has(old?.spec?.volumeAttributesClassName) && !has(pv?.spec?.volumeAttributesClassName)) {
    errs.push(forbiddenField("spec.volumeAttributesClassName", "update from non-nil value to nil is forbidden"));
  }
  return errs;
}

/**
 * ValidatePersistentVolumeStatusUpdate: metadata update rules. Its "resourceVersion: Required
 * value" is not checked here: podflow's API server has compared and dropped resourceVersion
 * before validation (a status write without one is an unconditional update).
 */
export function validatePersistentVolumeStatusUpdate(pv: Obj, old: Obj): FieldError[] {
  return validateObjectMetaUpdate(pv?.metadata, old?.metadata);
}

// validateDataSource / validateDataSourceRef; an apiGroup the old claim already had is not judged again.
function validateDataSource(ds: Obj, path: string, ref: boolean, allowInvalidAPIGroup: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!ds.name) errs.push(required(`${path}.name`, ""));
  if (!ds.kind) errs.push(required(`${path}.kind`, ""));
  const group = ds.apiGroup ?? "";
  if (group === "" && ds.kind !== "PersistentVolumeClaim") errs.push(invalidValue(path, ds.kind ?? "", "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  if (group !== "" && !allowInvalidAPIGroup) for (const m of nameIsDNSSubdomain(group, false)) errs.push(invalidValue(`${path}.apiGroup`, group, m));
  if (ref && ds.namespace) for (const m of nameIsDNSLabel(ds.namespace, false)) errs.push(invalidValue(`${path}.namespace`, ds.namespace, m));
  return errs;
}

/** ValidatePersistentVolumeClaimSpec (RecoverVolumeExpansionFailure and VolumeAttributesClass on, as in v1.35). */
export function validatePersistentVolumeClaimSpec(spec: Obj, path = "spec", allowInvalidAPIGroup = false, allowInvalidLabelValue = false): FieldError[] {
  const s = spec ?? {};
  const errs: FieldError[] = [];
  const modes: unknown[] = Array.isArray(s.accessModes) ? s.accessModes : [];
  if (modes.length === 0) errs.push(required(`${path}.accessModes`, "at least 1 access mode is required"));
  if (has(s.selector)) errs.push(...validateLabelSelector(s.selector, `${path}.selector`, allowInvalidLabelValue));
  errs.push(...validateAccessModes(modes, `${path}.accessModes`, "").filter((e) => e.type !== "FieldValueRequired"));
  const storagePath = `${path}.resources[storage]`;
  const raw = s.resources?.requests?.storage;
  const q = has(raw) ? parseGoQuantity(raw) : undefined;
  if (!has(raw)) errs.push(required(storagePath, ""));
  else if (q) {
    const positive = validatePositiveQuantity(q, storagePath);
    errs.push(...(positive.length > 0 ? positive : validateResourceQuantityValue("storage", q, storagePath)));
  }
  if (s.storageClassName) for (const m of validateClassName(s.storageClassName, false)) errs.push(invalidValue(`${path}.storageClassName`, s.storageClassName, m));
  if (has(s.volumeMode) && !SUPPORTED_VOLUME_MODES.includes(s.volumeMode)) errs.push(notSupported(`${path}.volumeMode`, s.volumeMode, SUPPORTED_VOLUME_MODES));
  if (has(s.dataSource)) errs.push(...validateDataSource(s.dataSource, `${path}.dataSource`, false, allowInvalidAPIGroup));
  if (has(s.dataSourceRef)) errs.push(...validateDataSource(s.dataSourceRef, `${path}.dataSourceRef`, true, allowInvalidAPIGroup));
  if (has(s.dataSourceRef) && s.dataSourceRef.namespace) {
    if (has(s.dataSource)) errs.push(invalidValue(path, goValue(`${path}.dataSource`), "may not be specified when dataSourceRef.namespace is specified"));
  } else if (has(s.dataSource) && has(s.dataSourceRef)) {
    const a = s.dataSource;
    const b = s.dataSourceRef;
    if ((a.apiGroup ?? null) !== (b.apiGroup ?? null) || a.kind !== b.kind || a.name !== b.name) errs.push(invalidValue(path, goValue(`${path}.dataSource`), "must match dataSourceRef"));
  }
  if (s.volumeAttributesClassName) for (const m of validateClassName(s.volumeAttributesClassName, false)) errs.push(invalidValue(`${path}.volumeAttributesClassName`, s.volumeAttributesClassName, m));
  return errs;
}

/** ValidatePersistentVolumeClaim: namespaced metadata with a DNS-1123 subdomain name, then the spec (options from the old claim, if any). */
export function validatePersistentVolumeClaim(pvc: Obj, old?: Obj): FieldError[] {
  // ValidationOptionsForPersistentVolumeClaim: an apiGroup the old claim had set may stay invalid, and
  // so may selector values if the old selector did not pass strict validation.
  const allowInvalidAPIGroup = has(old?.spec?.dataSource?.apiGroup) || has(old?.spec?.dataSourceRef?.apiGroup);
  const allowInvalidLabelValue = has(old) && validateLabelSelector(old?.spec?.selector, "").length > 0;
  return [...validateObjectMeta(pvc?.metadata, true, nameIsDNSSubdomain), ...validatePersistentVolumeClaimSpec(pvc?.spec, "spec", allowInvalidAPIGroup, allowInvalidLabelValue)];
}

// ObjectMeta's fields but labels and annotations, as validateFieldAllowList names them: the Go
// field name with its first letter lowered ("uID").
const TEMPLATE_META_FORBIDDEN: [json: string, reported: string][] = [
  ["name", "name"], ["generateName", "generateName"], ["namespace", "namespace"], ["selfLink", "selfLink"], ["uid", "uID"],
  ["resourceVersion", "resourceVersion"], ["generation", "generation"], ["creationTimestamp", "creationTimestamp"],
  ["deletionTimestamp", "deletionTimestamp"], ["deletionGracePeriodSeconds", "deletionGracePeriodSeconds"], ["ownerReferences", "ownerReferences"],
  ["finalizers", "finalizers"], ["managedFields", "managedFields"],
];

/** ValidateTemplateObjectMeta: annotations and labels, and no other ObjectMeta field set (reflect's zero value: "", 0, nil). */
export function validateTemplateObjectMeta(meta: Obj, path: string): FieldError[] {
  const m = meta && typeof meta === "object" ? meta : {};
  const errs = [...validateAnnotations(m.annotations, `${path}.annotations`), ...validateLabels(m.labels, `${path}.labels`)];
  for (const [json, reported] of TEMPLATE_META_FORBIDDEN) {
    const v = Object.hasOwn(m, json) ? m[json] : undefined;
    if (v !== undefined && v !== null && v !== "" && v !== 0) errs.push(forbiddenField(`${path}.${reported}`, "cannot be set"));
  }
  return errs;
}

/** ValidatePersistentVolumeClaimTemplate (an ephemeral volume's claim): template metadata, then the claim spec. */
export function validatePersistentVolumeClaimTemplate(template: Obj, path: string): FieldError[] {
  return [...validateTemplateObjectMeta(template?.metadata, `${path}.metadata`), ...validatePersistentVolumeClaimSpec(template?.spec, `${path}.spec`)];
}

const BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

const annotationOf = (obj: Obj): string | undefined => {
  const ann = obj?.metadata?.annotations ?? {};
  return Object.hasOwn(ann, BETA_STORAGE_CLASS_ANNOTATION) ? ann[BETA_STORAGE_CLASS_ANNOTATION] : undefined;
};

/**
 * ValidatePersistentVolumeClaimUpdate, step by step as v1.35 has it: the spec is immutable except
 * volumeName (set once), the class (from the beta annotation, or from nil), and for a bound claim
 * the storage request and a set volumeAttributesClassName; a request may shrink, but not to the
 * recorded capacity; volumeMode is immutable; a set volumeAttributesClassName may not be unset or emptied.
 */
export function validatePersistentVolumeClaimUpdate(pvc: Obj, old: Obj): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pvc?.metadata, old?.metadata), ...validatePersistentVolumeClaim(pvc, old)];
  const next = structuredClone(pvc?.spec ?? {});
  const prev = structuredClone(old?.spec ?? {});
  if (!old?.spec?.volumeName) {
    if (has(next.volumeName)) prev.volumeName = next.volumeName;
    else delete prev.volumeName;
  }
  const oldBeta = annotationOf(old);
  const newBeta = annotationOf(pvc);
  const oldClass = old?.spec?.storageClassName;
  const newClass = pvc?.spec?.storageClassName;
  // validateStorageClassUpgradeFromAnnotation: the class moves from the beta annotation to the field.
  if (oldBeta !== undefined && !has(oldClass) && has(newClass) && newClass === oldBeta && (newBeta === undefined || newBeta === oldBeta)) {
    delete next.storageClassName;
  } else {
    // ValidateImmutableAnnotation builds the path with Child("annotations", key): dots, not brackets.
    if ((newBeta ?? "") !== (oldBeta ?? "")) errs.push(invalidValue(`metadata.annotations.${BETA_STORAGE_CLASS_ANNOTATION}`, newBeta ?? "", fieldImmutableErrorMsg));
    // validateStorageClassUpgradeFromNil: a claim without a class may be given one (the annotation's, if it had one).
    if (has(newClass) && !has(oldClass) && (oldBeta === undefined || newClass === oldBeta)) delete next.storageClassName;
  }
  // the mutant lets a claim's storage request change before it is bound
  const bound = pvc?.status?.phase === "Bound" || mutant("validation.pvc-request-change-unbound");
  if (bound && has(next.resources?.requests)) {
    const was = old?.spec?.resources?.requests?.storage;
    if (was === undefined) delete next.resources.requests.storage;
    else next.resources.requests.storage = was;
  }
  if (bound && has(next.volumeAttributesClassName)) {
    if (has(prev.volumeAttributesClassName)) next.volumeAttributesClassName = prev.volumeAttributesClassName;
    else delete next.volumeAttributesClassName;
  }
  if (!sameJSON(next, prev)) {
    errs.push(forbiddenField("spec", `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${specDiff(prev, next, "core.PersistentVolumeClaimSpec")}`));
  }
  const zero = parseGoQuantity("0")!;
  const newSize = parseGoQuantity(pvc?.spec?.resources?.requests?.storage ?? "0") ?? zero;
  const oldSize = parseGoQuantity(old?.spec?.resources?.requests?.storage ?? "0") ?? zero;
  const statusSize = parseGoQuantity(old?.status?.capacity?.storage ?? "0") ?? zero;
  // RecoverVolumeExpansionFailure (GA in 1.34): a request may shrink, but not to the recorded capacity or below.
  if (cmpQuantity(newSize, oldSize) < 0 && cmpQuantity(newSize, statusSize) <= 0) {
    errs.push(forbiddenField("spec.resources.requests.storage", "field can not be less than status.capacity"));
  }
  errs.push(...validateImmutable(pvc?.spec?.volumeMode, old?.spec?.volumeMode, "volumeMode"));
  const oldVAC = old?.spec?.volumeAttributesClassName;
  const newVAC = pvc?.spec?.volumeAttributesClassName;
  if (has(oldVAC) && !sameJSON(oldVAC, newVAC ?? null)) {
    if (!has(newVAC)) errs.push(forbiddenField("spec.volumeAttributesClassName", "update from non-nil value to nil is forbidden"));
    else if (newVAC === "") errs.push(forbiddenField("spec.volumeAttributesClassName", "update from non-nil value to an empty string is forbidden"));
  }
  return errs;
}

// validateBasicResource: Quantity.Value() (rounded up) may not be negative.
function validateBasicResource(raw: unknown, path: string): FieldError[] {
  const q = parseGoQuantity(raw);
  if (!q || cmpQuantity(q, parseGoQuantity("0")!) >= 0) return [];
  // Value() rounds up toward +Inf: -1.5 is -1, -0.5 is 0.
  const d = q.e10 >= 0 ? q.n * 10n ** BigInt(q.e10) : q.n / 10n ** BigInt(-q.e10);
  return d < 0n ? [invalidValue(path, Number(d), "must be a valid resource quantity")] : [];
}

// validatePersistentVolumeClaimResourceKey: a qualified name; native names (unprefixed or kubernetes.io/) only "storage".
function validateClaimResourceKey(value: string, path: string): FieldError[] {
  const errs = isQualifiedName(value).map((m) => invalidValue(path, value, m));
  if (errs.length > 0) return errs;
  if ((!value.includes("/") || value.includes("kubernetes.io/")) && value !== "storage") errs.push(notSupported(path, value, ["storage"]));
  return errs;
}

const RESIZE_STATUSES = ["ControllerResizeInProgress", "ControllerResizeInfeasible", "NodeResizeInProgress", "NodeResizeInfeasible", "NodeResizePending"];

/**
 * ValidatePersistentVolumeClaimStatusUpdate with RecoverVolumeExpansionFailure (GA in 1.34): metadata,
 * accessModes present (at "Spec.accessModes", as Kubernetes spells it), capacities, resize statuses and
 * allocated resources keyed by storage or a prefixed name. The resourceVersion rule is the registry's.
 */
export function validatePersistentVolumeClaimStatusUpdate(pvc: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(pvc?.metadata, old?.metadata);
  if (!Array.isArray(pvc?.spec?.accessModes) || pvc.spec.accessModes.length === 0) errs.push(required("Spec.accessModes", ""));
  const status = pvc?.status ?? {};
  const keys = (m: unknown) => (typeof m === "object" && m !== null ? Object.keys(m).sort() : []);
  for (const k of keys(status.capacity)) errs.push(...validateBasicResource(status.capacity[k], `status.capacity[${k}]`));
  const resizePath = "status.allocatedResourceStatus";
  for (const k of keys(status.allocatedResourceStatuses)) {
    errs.push(...validateClaimResourceKey(k, resizePath));
    // Kubernetes reports the key, not the unknown status, as the bad value.
    if (!RESIZE_STATUSES.includes(status.allocatedResourceStatuses[k])) errs.push(notSupported(resizePath, k, RESIZE_STATUSES));
  }
  for (const k of keys(status.allocatedResources)) {
    const keyErrs = validateClaimResourceKey(k, "status.allocatedResources");
    if (keyErrs.length > 0) {
      errs.push(...keyErrs);
      continue;
    }
    const basic = validateBasicResource(status.allocatedResources[k], `status.allocatedResources[${k}]`);
    if (basic.length > 0) errs.push(...basic);
    else {
      const q = parseGoQuantity(status.allocatedResources[k]);
      if (q) errs.push(...validateResourceQuantityValue("storage", q, `status.allocatedResources[${k}]`));
    }
  }
  return errs;
}

/** ValidateStorageClass: name, provisioner (a qualified name), parameters, reclaim policy, binding mode, topologies. */
export function validateStorageClass(sc: Obj): FieldError[] {
  const errs = validateObjectMeta(sc?.metadata, false, validateClassName);
  const prov: string = typeof sc?.provisioner === "string" ? sc.provisioner : "";
  if (prov.length === 0) errs.push(required("provisioner", ""));
  else for (const m of isQualifiedName(prov.toLowerCase())) errs.push(invalidValue("provisioner", prov.toLowerCase(), m));
  const params = sc?.parameters && typeof sc.parameters === "object" ? sc.parameters : {};
  const keys = Object.keys(params);
  if (keys.length > MAX_PROVISIONER_PARAMETER_LEN) errs.push(tooLong("parameters", "", MAX_PROVISIONER_PARAMETER_LEN));
  else {
    let size = 0;
    for (const k of keys) {
      if (k.length < 1) errs.push(invalidValue("parameters", k, "field can not be empty."));
      size += Buffer.byteLength(k) + Buffer.byteLength(String(params[k] ?? ""));
    }
    if (size > MAX_PROVISIONER_PARAMETER_SIZE) errs.push(tooLong("parameters", "", MAX_PROVISIONER_PARAMETER_SIZE));
  }
  const policy = sc?.reclaimPolicy ?? "";
  if (policy !== "" && !SC_RECLAIM_POLICIES.includes(policy)) errs.push(notSupported("reclaimPolicy", policy, SC_RECLAIM_POLICIES));
  if (!has(sc?.volumeBindingMode)) errs.push(required("volumeBindingMode", ""));
  else if (!SC_BINDING_MODES.includes(sc.volumeBindingMode)) errs.push(notSupported("volumeBindingMode", sc.volumeBindingMode, SC_BINDING_MODES));
  errs.push(...validateAllowedTopologies(sc?.allowedTopologies));
  return errs;
}

// validateAllowedTopologies / ValidateTopologySelectorTerm: keys qualified, values present and unique, terms unique.
function validateAllowedTopologies(terms: unknown): FieldError[] {
  if (!Array.isArray(terms) || terms.length === 0) return [];
  const errs: FieldError[] = [];
  const seen: string[] = [];
  terms.forEach((term: Obj, i: number) => {
    const exprs: Map<string, string[]> = new Map();
    ((term?.matchLabelExpressions ?? []) as Obj[]).forEach((e, j) => {
      const at = `allowedTopologies[${i}].matchLabelExpressions[${j}]`;
      for (const m of isQualifiedName(String(e?.key ?? ""))) errs.push(invalidValue(`${at}.key`, e?.key ?? "", m));
      const values: string[] = Array.isArray(e?.values) ? e.values : [];
      if (values.length === 0) errs.push(required(`${at}.values`, ""));
      const uniq = new Set<string>();
      values.forEach((v, k) => {
        if (uniq.has(v)) errs.push(duplicate(`${at}.values[${k}]`, v));
        uniq.add(v);
      });
      if (exprs.has(e?.key)) errs.push(duplicate(`${at}.key`, e?.key ?? ""));
      exprs.set(e?.key, [...uniq].sort());
    });
    const canon = JSON.stringify([...exprs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (seen.includes(canon)) errs.push(duplicate(`allowedTopologies[${i}].matchLabelExpressions`, ""));
    seen.push(canon);
  });
  return errs;
}

/** ValidateStorageClassUpdate: parameters, provisioner, reclaimPolicy and volumeBindingMode never change. */
export function validateStorageClassUpdate(sc: Obj, old: Obj): FieldError[] {
  const errs = [...validateObjectMetaUpdate(sc?.metadata, old?.metadata), ...validateStorageClass(sc)];
  if (!sameJSON(sc?.parameters ?? null, old?.parameters ?? null)) errs.push(forbiddenField("parameters", "updates to parameters are forbidden."));
  if ((sc?.provisioner ?? "") !== (old?.provisioner ?? "")) errs.push(forbiddenField("provisioner", "updates to provisioner are forbidden."));
  if ((sc?.reclaimPolicy ?? "") !== (old?.reclaimPolicy ?? "")) errs.push(forbiddenField("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
  errs.push(...validateImmutable(sc?.volumeBindingMode, old?.volumeBindingMode, "volumeBindingMode"));
  return errs;
}
