// storage.k8s.io/v1 VolumeAttachment, CSIStorageCapacity and VolumeAttributesClass, ported from
// pkg/apis/storage/validation/validation.go (v1.35) as their strategies run it
// (pkg/registry/storage/{volumeattachment,csistoragecapacity,volumeattributesclass}/strategy.go).

import { deepEqual as sameJSON } from "../../common/equal.js";
import { forbiddenField, goValue, invalidValue, required, tooLong, type FieldError } from "../status.js";
import { goJsonMarshal } from "../schema/decode.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { fieldImmutableErrorMsg, isNegativeErrorMsg, isQualifiedName, isValidLabelValue, nameIsDNSSubdomain } from "./names.js";
import { parseGoQuantity, quantityString } from "./quantity.js";
import { validateLabelSelector } from "./selector.js";
import { validatePersistentVolumeSpec } from "./storage.js";
import { validateCSIDriverName } from "./volumes.js";

type Obj = any;

const has = (v: unknown): boolean => v !== undefined && v !== null;
const MAX_ATTACHED_VOLUME_METADATA_SIZE = 256 * 1024;
const MAX_VOLUME_ERROR_MESSAGE_SIZE = 1024;
const MAX_PROVISIONER_PARAMETER_LEN = 512;
const MAX_PROVISIONER_PARAMETER_SIZE = 256 * 1024;

const byteLength = (s: unknown): number => Buffer.byteLength(typeof s === "string" ? s : "");

// --- VolumeAttachment ---

function validateVolumeError(e: Obj, path: string): FieldError[] {
  if (!has(e)) return [];
  const errs: FieldError[] = [];
  // Kubernetes reports the metadata limit here, not the message's own
  if (byteLength(e.message) > MAX_VOLUME_ERROR_MESSAGE_SIZE) errs.push(tooLong(`${path}.message`, "", MAX_ATTACHED_VOLUME_METADATA_SIZE));
  if (typeof e.errorCode === "number" && e.errorCode < 0) errs.push(invalidValue(`${path}.errorCode`, e.errorCode, "must be between 0 and 2147483647, inclusive"));
  return errs;
}

/** ValidateVolumeAttachment: name, spec (attacher, exactly one source, node name) and status. */
function validateVolumeAttachmentCommon(va: Obj): FieldError[] {
  const errs = validateObjectMeta(va?.metadata, false, nameIsDNSSubdomain);
  const spec = va?.spec ?? {};
  const attacher = typeof spec.attacher === "string" ? spec.attacher : "";
  if (attacher.length === 0) errs.push(required("spec.attacher", ""));
  const source = spec.source ?? {};
  const inline = has(source.inlineVolumeSpec);
  const pv = has(source.persistentVolumeName);
  if (!inline && !pv) errs.push(required("spec.source", "must specify exactly one of inlineVolumeSpec and persistentVolumeName"));
  else if (inline && pv) errs.push(forbiddenField("spec.source", "must specify exactly one of inlineVolumeSpec and persistentVolumeName"));
  else if (pv) {
    if (String(source.persistentVolumeName).length === 0) errs.push(required("spec.source.persistentVolumeName", "must specify non empty persistentVolumeName"));
  } else errs.push(...validatePersistentVolumeSpec(source.inlineVolumeSpec, "spec.source.inlineVolumeSpec", false, true));
  const nodeName = typeof spec.nodeName === "string" ? spec.nodeName : "";
  for (const m of nameIsDNSSubdomain(nodeName, false)) errs.push(invalidValue("spec.nodeName", nodeName, m));
  const status = va?.status ?? {};
  const metadata = status.attachmentMetadata && typeof status.attachmentMetadata === "object" ? status.attachmentMetadata : {};
  let size = 0;
  for (const k of Object.keys(metadata)) size += byteLength(k) + byteLength(metadata[k]);
  if (size > MAX_ATTACHED_VOLUME_METADATA_SIZE) errs.push(tooLong("status.attachmentMetadata", "", MAX_ATTACHED_VOLUME_METADATA_SIZE));
  errs.push(...validateVolumeError(status.attachError, "status.attachError"), ...validateVolumeError(status.detachError, "status.detachError"));
  return errs;
}

/** The strategy's Validate: ValidateVolumeAttachment, then ValidateVolumeAttachmentV1's tighter attacher and volume name. */
export function validateVolumeAttachment(va: Obj): FieldError[] {
  const errs = validateVolumeAttachmentCommon(va);
  errs.push(...validateCSIDriverName(typeof va?.spec?.attacher === "string" ? va.spec.attacher : "", "spec.attacher"));
  const pvName = va?.spec?.source?.persistentVolumeName;
  if (has(pvName)) for (const m of nameIsDNSSubdomain(String(pvName), false)) errs.push(invalidValue("spec.source.persistentVolumeName", String(pvName), m));
  return errs;
}

// The internal VolumeAttachmentSpec as json.Marshal writes it for the immutable-spec error: the
// internal type has no json tags, so its Go field names (an inline spec printed in its v1 form).
function internalSpecText(spec: Obj): string {
  const source = spec?.source ?? {};
  const pv = has(source.persistentVolumeName) ? goJsonMarshal(String(source.persistentVolumeName)) : "null";
  const inline = has(source.inlineVolumeSpec) ? goJsonMarshal(source.inlineVolumeSpec) : "null";
  return `{"Attacher":${goJsonMarshal(spec?.attacher ?? "")},"Source":{"PersistentVolumeName":${pv},"InlineVolumeSpec":${inline}},"NodeName":${goJsonMarshal(spec?.nodeName ?? "")}}`;
}

/** The strategy's ValidateUpdate (main and status): ValidateVolumeAttachment, then ValidateVolumeAttachmentUpdate (which runs it again) and the read-only spec. */
export function validateVolumeAttachmentUpdate(va: Obj, old: Obj): FieldError[] {
  const errs = [...validateObjectMetaUpdate(va?.metadata, old?.metadata), ...validateVolumeAttachmentCommon(va), ...validateVolumeAttachmentCommon(va)];
  if (!sameJSON(va?.spec ?? null, old?.spec ?? null)) errs.push(invalidValue("spec", goValue(internalSpecText(va?.spec)), fieldImmutableErrorMsg));
  return errs;
}

// --- CSIStorageCapacity ---

// metav1.LabelSelector's json.Marshal: struct order, both fields omitempty
function labelSelectorText(sel: Obj): string {
  const parts: string[] = [];
  if (sel.matchLabels && typeof sel.matchLabels === "object" && Object.keys(sel.matchLabels).length > 0) parts.push(`"matchLabels":${goJsonMarshal(sel.matchLabels)}`);
  if (Array.isArray(sel.matchExpressions) && sel.matchExpressions.length > 0) {
    const exprs = sel.matchExpressions.map((e: Obj) => `{"key":${goJsonMarshal(e?.key ?? "")},"operator":${goJsonMarshal(e?.operator ?? "")}${Array.isArray(e?.values) && e.values.length > 0 ? `,"values":${goJsonMarshal(e.values)}` : ""}}`);
    parts.push(`"matchExpressions":[${exprs.join(",")}]`);
  }
  return `{${parts.join(",")}}`;
}

// helper.LabelSelectorHasInvalidLabelValue: an old object keeps the selector values it was stored with
function hasInvalidLabelValue(sel: Obj): boolean {
  return Array.isArray(sel?.matchExpressions) && sel.matchExpressions.some((e: Obj) => Array.isArray(e?.values) && e.values.some((v: unknown) => typeof v === "string" && isValidLabelValue(v).length > 0));
}

/** ValidateCSIStorageCapacity: namespaced metadata, the topology selector, a class name and a non-negative capacity. */
export function validateCSIStorageCapacity(c: Obj, allowInvalidLabelValue = false): FieldError[] {
  const errs = validateObjectMeta(c?.metadata, true, nameIsDNSSubdomain);
  if (has(c?.nodeTopology)) errs.push(...validateLabelSelector(c.nodeTopology, "nodeTopology", allowInvalidLabelValue));
  const cls = typeof c?.storageClassName === "string" ? c.storageClassName : "";
  for (const m of nameIsDNSSubdomain(cls, false)) errs.push(invalidValue("storageClassName", cls, m));
  if (has(c?.capacity)) {
    const q = parseGoQuantity(c.capacity);
    if (q && q.n < 0n) errs.push(invalidValue("capacity", quantityString(q), isNegativeErrorMsg));
  }
  return errs;
}

/** The strategy's ValidateUpdate: ValidateCSIStorageCapacity (the old object's selector values allowed), then the immutable GetCapacity inputs. */
export function validateCSIStorageCapacityUpdate(c: Obj, old: Obj): FieldError[] {
  const errs = [...validateObjectMetaUpdate(c?.metadata, old?.metadata), ...validateCSIStorageCapacity(c, hasInvalidLabelValue(old?.nodeTopology))];
  if (!sameJSON(c?.nodeTopology ?? null, old?.nodeTopology ?? null)) errs.push(invalidValue("nodeTopology", has(c?.nodeTopology) ? goValue(labelSelectorText(c.nodeTopology)) : null, fieldImmutableErrorMsg));
  const cls = c?.storageClassName ?? "";
  if (cls !== (old?.storageClassName ?? "")) errs.push(invalidValue("storageClassName", cls, fieldImmutableErrorMsg));
  return errs;
}

// --- VolumeAttributesClass ---

/** ValidateVolumeAttributesClass: a class name, a driver (a qualified name), and at least one parameter. */
export function validateVolumeAttributesClass(v: Obj): FieldError[] {
  const errs = validateObjectMeta(v?.metadata, false, nameIsDNSSubdomain);
  const driver = typeof v?.driverName === "string" ? v.driverName : "";
  if (driver.length === 0) errs.push(required("driverName", ""));
  else for (const m of isQualifiedName(driver.toLowerCase())) errs.push(invalidValue("driverName", driver.toLowerCase(), m));
  const params = v?.parameters && typeof v.parameters === "object" ? v.parameters : {};
  const keys = Object.keys(params);
  if (keys.length > MAX_PROVISIONER_PARAMETER_LEN) return [...errs, tooLong("parameters", "", MAX_PROVISIONER_PARAMETER_LEN)];
  let size = 0;
  for (const k of keys) {
    if (k.length < 1) errs.push(invalidValue("parameters", k, "field can not be empty."));
    size += byteLength(k) + byteLength(params[k]);
  }
  if (size > MAX_PROVISIONER_PARAMETER_SIZE) errs.push(tooLong("parameters", "", MAX_PROVISIONER_PARAMETER_SIZE));
  if (keys.length === 0) errs.push(required("parameters", "must contain at least one key/value pair"));
  return errs;
}

/** The strategy's ValidateUpdate: ValidateVolumeAttributesClass, then ValidateVolumeAttributesClassUpdate (driver and parameters fixed, and the class validated again). */
export function validateVolumeAttributesClassUpdate(v: Obj, old: Obj): FieldError[] {
  const errs = [...validateObjectMetaUpdate(v?.metadata, old?.metadata), ...validateVolumeAttributesClass(v)];
  if ((v?.driverName ?? "") !== (old?.driverName ?? "")) errs.push(forbiddenField("driverName", "updates to driverName are forbidden."));
  if (!sameJSON(v?.parameters ?? null, old?.parameters ?? null)) errs.push(forbiddenField("parameters", "updates to parameters are forbidden."));
  errs.push(...validateVolumeAttributesClass(v));
  return errs;
}
