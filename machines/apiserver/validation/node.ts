// Node validation, ported from pkg/apis/core/validation (v1.35): ValidateNode, ValidateNodeUpdate,
// validateNodeTaints, ValidateNodeResources and ValidateNodeSpecificAnnotations. The nodes/status
// strategy runs ValidateNodeUpdate too.

import { duplicate, forbiddenField, goValue, internalFieldError, invalidValue, notSupported, required, type FieldError, type GoValue } from "../status.js";
import { goJsonMarshal } from "../schema/decode.js";
import { marshalled, validateLabelName, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { isValidLabelValue, nameIsDNSSubdomain } from "./names.js";
import { parseIPSloppy, validateLegacyCIDR } from "./ip.js";
import { parseGoQuantity } from "./quantity.js";
import { validateResourceQuantityValue } from "./resources.js";
import { goJsonUnmarshalError } from "./jsonerrors.js";
import { mutant } from "../../common/mutation.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const TAINTS_ANNOTATION = "scheduler.alpha.kubernetes.io/taints";
const PREFER_AVOID_PODS_ANNOTATION = "scheduler.alpha.kubernetes.io/preferAvoidPods";
const taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/** validateTaintEffect (allowEmpty false): required, then one of the three effects. */
function validateTaintEffect(effect: string, path: string): FieldError[] {
  if (effect === "") return [required(path, "")];
  return taintEffects.includes(effect) ? [] : [notSupported(path, effect, taintEffects)];
}

/** validateNodeTaints: key, value and effect of each, unique by key and effect. */
export function validateNodeTaints(taints: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Map<string, Set<string>>();
  taints.forEach((t, i) => {
    const at = `${path}[${i}]`;
    const key = typeof t?.key === "string" ? t.key : "";
    const value = typeof t?.value === "string" ? t.value : "";
    const effect = typeof t?.effect === "string" ? t.effect : "";
    errs.push(...validateLabelName(key, `${at}.key`));
    const msgs = isValidLabelValue(value);
    if (msgs.length > 0) errs.push(invalidValue(`${at}.value`, value, msgs.join(";")));
    errs.push(...validateTaintEffect(effect, `${at}.effect`));
    const slot = mutant("validation.taints-unique-by-key-only") ? "" : effect;
    const keys = seen.get(slot);
    if (keys?.has(key)) {
      errs.push({ ...duplicate(at, structValue([["key", key], ["value", value], ["effect", effect], ["timeAdded", t?.timeAdded]])), detail: "taints must be unique by key and effect pair" });
      return;
    }
    seen.set(slot, (keys ?? new Set<string>()).add(key));
  });
  return errs;
}

// json.Marshal of a Go struct: its fields in declaration order, empty optional ones left out.
function structValue(fields: [string, unknown][]): GoValue {
  const parts = fields.filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => `${goJsonMarshal(k)}:${goJsonMarshal(v)}`);
  return goValue(`{${parts.join(",")}}`);
}

// json.Unmarshal of an annotation into the wanted shape: the value, or Go's error text.
function unmarshal(text: string, wantArray: boolean): { value: any } | { error: string } {
  const err = goJsonUnmarshalError(text, wantArray ? "array" : "object", wantArray ? "[]core.Taint" : "v1.AvoidPods");
  if (err) return { error: err };
  return { value: JSON.parse(text) };
}

/** ValidateTaintsInNodeAnnotations and ValidateAvoidPodsInNodeAnnotations. */
function validateNodeSpecificAnnotations(annotations: Record<string, unknown> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const a = annotations ?? {};
  const taints = Object.hasOwn(a, TAINTS_ANNOTATION) ? a[TAINTS_ANNOTATION] : undefined;
  if (typeof taints === "string" && taints !== "") {
    const r = unmarshal(taints, true);
    if ("error" in r) errs.push(invalidValue(path, TAINTS_ANNOTATION, r.error));
    else if (Array.isArray(r.value) && r.value.length > 0) errs.push(...validateNodeTaints(r.value, `${path}.${TAINTS_ANNOTATION}`));
  }
  const avoid = Object.hasOwn(a, PREFER_AVOID_PODS_ANNOTATION) ? a[PREFER_AVOID_PODS_ANNOTATION] : undefined;
  if (typeof avoid === "string" && avoid !== "") {
    const r = unmarshal(avoid, false);
    if ("error" in r) errs.push(invalidValue(`${path}.AvoidPods`, PREFER_AVOID_PODS_ANNOTATION, r.error));
    else {
      const entries: Obj[] = Array.isArray(r.value?.preferAvoidPods) ? r.value.preferAvoidPods : [];
      entries.forEach((e, i) => {
        // validatePreferAvoidPodsEntry: a pod signature naming its controlling owner.
        const at = `${path}.${PREFER_AVOID_PODS_ANNOTATION}[${i}].PodSignature`;
        const controller = e?.podSignature?.podController;
        if (controller == null) errs.push(required(at, ""));
        else if (controller.controller !== true) errs.push(invalidValue(`${at}.PodController.Controller`, controller.controller === true, "must point to a controller"));
      });
    }
  }
  return errs;
}

/** ValidateNodeResources: capacity and allocatable quantities (paths built with Child, not Key). */
function validateNodeResources(node: Obj): FieldError[] {
  const errs: FieldError[] = [];
  for (const field of ["capacity", "allocatable"]) {
    const list = node.status?.[field];
    if (typeof list !== "object" || list === null) continue;
    for (const k of Object.keys(list).sort()) {
      const q = parseGoQuantity(list[k]);
      if (q) errs.push(...validateResourceQuantityValue(k, q, `status.${field}.${k}`));
    }
  }
  return errs;
}

// netutils.IsDualStackCIDRStrings: an error when one does not parse, else whether both families are there.
function isDualStack(cidrs: string[]): { dual: boolean } | { error: string } {
  let v4 = false;
  let v6 = false;
  for (const c of cidrs) {
    const slash = c.indexOf("/");
    const ip = slash > 0 ? parseIPSloppy(c.slice(0, slash)) : undefined;
    if (!ip || !/^[0-9]+$/.test(c.slice(slash + 1))) return { error: `failed to parse cidr value:"${c}" with error:invalid CIDR address: ${c}` };
    if (ip.bytes.length === 16) v6 = true;
    else v4 = true;
  }
  return { dual: v4 && v6 };
}

/** ValidateNode. Kubernetes builds the taints' path from "metadata", so they are reported at metadata.taints. */
export function validateNode(node: Obj): FieldError[] {
  const errs = validateObjectMeta(node.metadata, false, nameIsDNSSubdomain);
  errs.push(...validateNodeSpecificAnnotations(node.metadata?.annotations, "metadata.annotations"));
  const taints: Obj[] = Array.isArray(node.spec?.taints) ? node.spec.taints : [];
  if (taints.length > 0) errs.push(...validateNodeTaints(taints, "metadata.taints"));
  errs.push(...validateNodeResources(node));
  const cidrs: string[] = Array.isArray(node.spec?.podCIDRs) ? node.spec.podCIDRs.map(String) : [];
  if (cidrs.length > 0) {
    cidrs.forEach((c, i) => errs.push(...validateLegacyCIDR(c, `spec.podCIDRs[${i}]`)));
    if (cidrs.length > 1) {
      const ds = isDualStack(cidrs);
      if ("error" in ds) errs.push(internalFieldError("spec.podCIDRs", `invalid PodCIDRs. failed to check with dual stack with error:${ds.error}`));
      if (!("dual" in ds && ds.dual) || cidrs.length > 2) errs.push(invalidValue("spec.podCIDRs", marshalled(cidrs), "may specify no more than one CIDR for each IP family"));
      const seen = new Set<string>();
      cidrs.forEach((c, i) => {
        if (seen.has(c)) errs.push(duplicate(`spec.podCIDRs[${i}]`, c));
        seen.add(c);
      });
    }
  }
  return errs;
}

const podCIDRChange = 'node updates may not change podCIDR except from "" to valid';

/** ValidateNodeUpdate: metadata, addresses unique, podCIDRs and providerID set once, externalID fixed. */
export function validateNodeUpdate(node: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(node.metadata, old.metadata);
  errs.push(...validateNodeSpecificAnnotations(node.metadata?.annotations, "metadata.annotations"));
  errs.push(...validateNodeResources(node));
  const seen = new Set<string>();
  (Array.isArray(node.status?.addresses) ? node.status.addresses : []).forEach((a: Obj, i: number) => {
    const key = JSON.stringify([a?.type ?? "", a?.address ?? ""]);
    if (seen.has(key)) errs.push(duplicate(`status.addresses[${i}]`, structValue([["type", a?.type ?? ""], ["address", a?.address ?? ""]])));
    seen.add(key);
  });
  const oldCIDRs: string[] = Array.isArray(old.spec?.podCIDRs) ? old.spec.podCIDRs : [];
  const newCIDRs: string[] = Array.isArray(node.spec?.podCIDRs) ? node.spec.podCIDRs : [];
  if (oldCIDRs.length > 0) {
    if (oldCIDRs.length !== newCIDRs.length) errs.push(forbiddenField("spec.podCIDRs", podCIDRChange));
    else oldCIDRs.forEach((c, i) => {
      if (c !== newCIDRs[i]) errs.push(forbiddenField("spec.podCIDRs", podCIDRChange));
    });
  }
  const oldProvider: string = old.spec?.providerID ?? "";
  if (oldProvider.length > 0 && oldProvider !== (node.spec?.providerID ?? "")) errs.push(forbiddenField("spec.providerID", 'node updates may not change providerID except from "" to valid'));
  const taints: Obj[] = Array.isArray(node.spec?.taints) ? node.spec.taints : [];
  if (taints.length > 0) errs.push(...validateNodeTaints(taints, "metadata.taints"));
  if ((node.spec?.externalID ?? "") !== (old.spec?.externalID ?? "")) errs.push(forbiddenField("spec.externalID", "may not be updated"));
  return errs;
}
