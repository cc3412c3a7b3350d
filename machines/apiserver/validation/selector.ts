// metav1.LabelSelector: validation (metav1/validation) and matching.

import { forbiddenField, goValue, invalidValue, required, type FieldError, type GoValue } from "../status.js";
import { goJsonMarshal } from "../schema/decode.js";
import { validateLabelName, validateLabels } from "./meta.js";
import { isQualifiedName, isValidLabelValue } from "./names.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

/**
 * ValidateLabelSelector: matchLabels syntax and each matchExpressions requirement;
 * allowInvalidLabelValue is LabelSelectorValidationOptions.AllowInvalidLabelValueInSelector.
 */
export function validateLabelSelector(sel: Obj, path: string, allowInvalidLabelValue = false): FieldError[] {
  if (!sel) return [];
  const errs = validateLabels(sel.matchLabels, `${path}.matchLabels`);
  (sel.matchExpressions ?? []).forEach((rq: Obj, i: number) => errs.push(...validateLabelSelectorRequirement(rq, `${path}.matchExpressions[${i}]`, allowInvalidLabelValue)));
  return errs;
}

function validateLabelSelectorRequirement(rq: Obj, path: string, allowInvalidLabelValue: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const values: string[] = rq.values ?? [];
  if (rq.operator === "In" || rq.operator === "NotIn") {
    if (values.length === 0 && !mutant("validation.selector-in-empty-values-accepted")) errs.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (rq.operator === "Exists" || rq.operator === "DoesNotExist") {
    if (values.length > 0) errs.push(forbiddenField(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  } else {
    errs.push(invalidValue(`${path}.operator`, rq.operator ?? "", "not a valid selector operator"));
  }
  errs.push(...validateLabelName(rq.key ?? "", `${path}.key`));
  if (!allowInvalidLabelValue) {
    values.forEach((v, i) => {
      for (const m of isValidLabelValue(v)) errs.push(invalidValue(`${path}.values[${i}]`, v, m));
    });
  }
  return errs;
}

/**
 * Whether metav1.LabelSelectorAsSelector converts the selector without error: labels.NewRequirement
 * checks each key, the operator and its value count, and each value (a nil selector converts, to Nothing).
 */
export function selectorConverts(sel: Obj): boolean {
  if (!sel) return true;
  const keyOk = (k: unknown) => typeof k === "string" && isQualifiedName(k).length === 0;
  const valueOk = (v: unknown) => typeof v === "string" && isValidLabelValue(v).length === 0;
  const labels = typeof sel.matchLabels === "object" && sel.matchLabels !== null ? sel.matchLabels : {};
  for (const k of Object.keys(labels)) if (!keyOk(k) || !valueOk(labels[k])) return false;
  for (const rq of Array.isArray(sel.matchExpressions) ? sel.matchExpressions : []) {
    const values: unknown[] = Array.isArray(rq?.values) ? rq.values : [];
    if (!keyOk(rq?.key) || !values.every(valueOk)) return false;
    if (rq?.operator === "In" || rq?.operator === "NotIn") {
      if (values.length === 0) return false;
    } else if (rq?.operator === "Exists" || rq?.operator === "DoesNotExist") {
      if (values.length !== 0) return false;
    } else return false;
  }
  return true;
}

/** True when a selector is present but selects everything ({}), which LabelSelectorAsSelector treats as Everything. */
export function selectorIsEmpty(sel: Obj): boolean {
  return !!sel && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

/** Whether labels satisfy a LabelSelector; a nil selector matches nothing, an empty one everything. */
export function selectorMatches(sel: Obj, labels: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const rq of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(l, rq.key);
    const vals: string[] = rq.values ?? [];
    switch (rq.operator) {
      case "In": if (!has || !vals.includes(l[rq.key]!)) return false; break;
      case "NotIn": if (has && vals.includes(l[rq.key]!)) return false; break;
      case "Exists": if (!has) return false; break;
      case "DoesNotExist": if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** json.Marshal of a *metav1.LabelSelector: its fields in Go's order, empty ones omitted, null when unset. */
export function labelSelectorJSON(sel: Obj): GoValue {
  if (!sel) return goValue("null");
  const parts: string[] = [];
  const labels = sel.matchLabels ?? {};
  if (Object.keys(labels).length > 0) parts.push(`"matchLabels":${goJsonMarshal(labels)}`);
  const exprs: Obj[] = sel.matchExpressions ?? [];
  if (exprs.length > 0) {
    const reqs = exprs.map((rq) => {
      const fields = [`"key":${JSON.stringify(rq.key ?? "")}`, `"operator":${JSON.stringify(rq.operator ?? "")}`];
      if ((rq.values ?? []).length > 0) fields.push(`"values":${goJsonMarshal(rq.values)}`);
      return `{${fields.join(",")}}`;
    });
    parts.push(`"matchExpressions":[${reqs.join(",")}]`);
  }
  return goValue(`{${parts.join(",")}}`);
}
