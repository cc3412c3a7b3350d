// Where a pod may run, ported from pkg/apis/core/validation (v1.35): ValidateTolerations,
// validateAffinity (node affinity, pod affinity and anti-affinity terms) and
// validateTopologySpreadConstraints.

import { duplicate, forbiddenField, invalidValue, notSupported, required, type FieldError } from "../status.js";
import { validateLabelName } from "./meta.js";
import { isValidLabelValue, nameIsDNSLabel, nameIsDNSSubdomain } from "./names.js";
import { validateLabelSelector } from "./selector.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

const has = (v: unknown): boolean => v !== undefined && v !== null;
const taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/** ValidateTolerations: key syntax, operator/value rules, effect values, tolerationSeconds only with NoExecute. */
export function validateTolerations(tolerations: Obj[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const at = `${path}[${i}]`;
    const key: string = t.key ?? "";
    const op: string = t.operator ?? "";
    const value: string = t.value ?? "";
    const effect: string = t.effect ?? "";
    if (key.length > 0) errs.push(...validateLabelName(key, `${at}.key`));
    if (key.length === 0 && op !== "Exists") {
      errs.push(invalidValue(`${at}.operator`, op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (has(t.tolerationSeconds) && effect !== "NoExecute" && !mutant("validation.toleration-seconds-any-effect")) {
      errs.push(invalidValue(`${at}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === "Equal" || op === "") {
      const msgs = isValidLabelValue(value);
      if (msgs.length > 0) errs.push(invalidValue(`${at}.operator`, value, msgs.join(";")));
    } else if (op === "Exists") {
      if (value.length > 0) errs.push(invalidValue(`${at}.operator`, value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(notSupported(`${at}.operator`, op, ["Equal", "Exists"]));
    }
    if (effect.length > 0 && !taintEffects.includes(effect)) errs.push(notSupported(`${at}.effect`, effect, taintEffects));
  });
  return errs;
}

/** ValidateNodeSelectorRequirement: operator/values rules, key syntax, and (unless allowed) label-value syntax of values. */
export function validateNodeSelectorRequirement(rq: Obj, path: string, allowInvalidLabelValue = false): FieldError[] {
  const errs: FieldError[] = [];
  const values: string[] = rq.values ?? [];
  switch (rq.operator) {
    case "In":
    case "NotIn":
      if (values.length === 0) errs.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length > 0) errs.push(forbiddenField(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case "Gt":
    case "Lt":
      if (values.length !== 1) errs.push(required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
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

/** ValidateNodeFieldSelectorRequirement: In/NotIn with one value, on metadata.name only, naming a valid node. */
function validateNodeFieldSelectorRequirement(rq: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const values: string[] = rq.values ?? [];
  if (rq.operator === "In" || rq.operator === "NotIn") {
    if (values.length !== 1) errs.push(required(`${path}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else {
    errs.push(invalidValue(`${path}.operator`, rq.operator ?? "", "not a valid selector operator"));
  }
  if (rq.key !== "metadata.name") errs.push(invalidValue(`${path}.key`, rq.key ?? "", "not a valid field selector key"));
  else values.forEach((v, i) => errs.push(...nameIsDNSSubdomain(v, false).map((m) => invalidValue(`${path}.values[${i}]`, v, m))));
  return errs;
}

function validateNodeSelectorTerm(term: Obj, path: string, allowInvalidLabelValue: boolean): FieldError[] {
  const errs: FieldError[] = [];
  (term?.matchExpressions ?? []).forEach((rq: Obj, j: number) => errs.push(...validateNodeSelectorRequirement(rq, `${path}.matchExpressions[${j}]`, allowInvalidLabelValue)));
  (term?.matchFields ?? []).forEach((rq: Obj, j: number) => errs.push(...validateNodeFieldSelectorRequirement(rq, `${path}.matchFields[${j}]`)));
  return errs;
}

/** ValidateNodeSelector: at least one term, each term's requirements (a PV's nodeAffinity.required). */
export function validateNodeSelector(sel: Obj, path: string, allowInvalidLabelValue = false): FieldError[] {
  const terms: Obj[] = sel?.nodeSelectorTerms ?? [];
  const errs: FieldError[] = terms.length === 0 ? [required(`${path}.nodeSelectorTerms`, "must have at least one node selector term")] : [];
  terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, `${path}.nodeSelectorTerms[${i}]`, allowInvalidLabelValue)));
  return errs;
}

function validateNodeAffinity(na: Obj, path: string, allowInvalidLabelValue: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const req = na.requiredDuringSchedulingIgnoredDuringExecution;
  if (has(req)) {
    const termsPath = `${path}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`;
    const terms: Obj[] = req.nodeSelectorTerms ?? [];
    if (terms.length === 0) errs.push(required(termsPath, "must have at least one node selector term"));
    terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, `${termsPath}[${i}]`, allowInvalidLabelValue)));
  }
  (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t: Obj, i: number) => {
    const at = `${path}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    const w = t.weight ?? 0;
    if (w <= 0 || w > 100) errs.push(invalidValue(`${at}.weight`, w, "must be in the range 1-100"));
    // Preferred terms may name label values no node has: they can still be satisfied by another term.
    errs.push(...validateNodeSelectorTerm(t.preference, `${at}.preference`, true));
  });
  return errs;
}

// validateLabelKeys: matchLabelKeys / mismatchLabelKeys need a labelSelector and must be label names.
function validateLabelKeys(keys: string[], sel: Obj, path: string): FieldError[] {
  if (keys.length === 0) return [];
  if (!has(sel)) return [forbiddenField(path, "must not be specified when labelSelector is not set")];
  return keys.flatMap((k, i) => validateLabelName(k, `${path}[${i}]`));
}

function validateMatchLabelKeysAndMismatchLabelKeys(term: Obj, path: string): FieldError[] {
  const match: string[] = term.matchLabelKeys ?? [];
  const mismatch: string[] = term.mismatchLabelKeys ?? [];
  const sel = term.labelSelector;
  const errs = [...validateLabelKeys(match, sel, `${path}.matchLabelKeys`), ...validateLabelKeys(mismatch, sel, `${path}.mismatchLabelKeys`)];
  if (has(sel)) {
    const index = new Map(match.map((k, i) => [k, i]));
    const selectorKeys = new Set(Object.keys(sel.matchLabels ?? {}));
    for (const rq of sel.matchExpressions ?? []) {
      const key: string = rq.key ?? "";
      const i = index.get(key);
      // Kubernetes indexes the term's own path here, not matchLabelKeys.
      if (i !== undefined && selectorKeys.has(key)) errs.push(invalidValue(`${path}[${i}]`, key, "exists in both matchLabelKeys and labelSelector"));
      selectorKeys.add(key);
    }
  }
  const mismatchSet = new Set(mismatch);
  match.forEach((k, i) => {
    if (mismatchSet.has(k)) errs.push(invalidValue(`${path}.matchLabelKeys[${i}]`, k, "exists in both matchLabelKeys and mismatchLabelKeys"));
  });
  return errs;
}

/** validatePodAffinityTerm: selectors, namespaces, label keys, and a topologyKey that is a label name. */
function validatePodAffinityTerm(term: Obj, path: string): FieldError[] {
  const errs = [...validateLabelSelector(term.labelSelector, `${path}.labelSelector`), ...validateLabelSelector(term.namespaceSelector, `${path}.namespaceSelector`)];
  for (const ns of term.namespaces ?? []) errs.push(...nameIsDNSLabel(ns, false).map((m) => invalidValue(`${path}.namespace`, ns, m)));
  errs.push(...validateMatchLabelKeysAndMismatchLabelKeys(term, path));
  const key: string = term.topologyKey ?? "";
  if (key.length === 0) errs.push(required(`${path}.topologyKey`, "can not be empty"));
  errs.push(...validateLabelName(key, `${path}.topologyKey`));
  return errs;
}

function validatePodAffinityKind(pa: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (pa.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t: Obj, i: number) => errs.push(...validatePodAffinityTerm(t, `${path}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`)));
  (pa.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t: Obj, i: number) => {
    const at = `${path}.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    const w = t.weight ?? 0;
    if (w <= 0 || w > 100) errs.push(invalidValue(`${at}.weight`, w, "must be in the range 1-100"));
    errs.push(...validatePodAffinityTerm(t.podAffinityTerm ?? {}, `${at}.podAffinityTerm`));
  });
  return errs;
}

/** validateAffinity: node affinity, pod affinity, pod anti-affinity. */
export function validateAffinity(affinity: Obj, path: string, allowInvalidLabelValueInRequiredNodeAffinity = false): FieldError[] {
  if (!has(affinity)) return [];
  const errs: FieldError[] = [];
  if (has(affinity.nodeAffinity)) errs.push(...validateNodeAffinity(affinity.nodeAffinity, `${path}.nodeAffinity`, allowInvalidLabelValueInRequiredNodeAffinity));
  if (has(affinity.podAffinity)) errs.push(...validatePodAffinityKind(affinity.podAffinity, `${path}.podAffinity`));
  if (has(affinity.podAntiAffinity)) errs.push(...validatePodAffinityKind(affinity.podAntiAffinity, `${path}.podAntiAffinity`));
  return errs;
}

const scheduleActions = ["DoNotSchedule", "ScheduleAnyway"];
const nodeInclusionPolicies = ["Honor", "Ignore"];

/** validateTopologySpreadConstraints: maxSkew, topologyKey, whenUnsatisfiable, no repeats, minDomains, policies, label keys, selector. */
export function validateTopologySpreadConstraints(constraints: Obj[] | undefined, path: string, allowInvalidLabelSelector = false): FieldError[] {
  const errs: FieldError[] = [];
  const list = constraints ?? [];
  list.forEach((c, i) => {
    const at = `${path}[${i}]`;
    const maxSkew = c.maxSkew ?? 0;
    if (maxSkew <= 0) errs.push(invalidValue(`${at}.maxSkew`, maxSkew, "must be greater than zero"));
    if (!c.topologyKey) errs.push(required(`${at}.topologyKey`, "can not be empty"));
    const action: string = c.whenUnsatisfiable ?? "";
    if (!scheduleActions.includes(action)) errs.push(notSupported(`${at}.whenUnsatisfiable`, action, scheduleActions));
    const repeat = list.slice(i + 1).some((o) => (o.topologyKey ?? "") === (c.topologyKey ?? "") && (o.whenUnsatisfiable ?? "") === action);
    if (repeat) errs.push(duplicate(`${at}.{topologyKey, whenUnsatisfiable}`, `{${c.topologyKey ?? ""}, ${action}}`));
    if (has(c.minDomains)) {
      if (c.minDomains <= 0) errs.push(invalidValue(`${at}.minDomains`, c.minDomains, "must be greater than zero"));
      if (action !== "DoNotSchedule") errs.push(invalidValue(`${at}.minDomains`, c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`));
    }
    for (const policy of ["nodeAffinityPolicy", "nodeTaintsPolicy"]) {
      if (has(c[policy]) && !nodeInclusionPolicies.includes(c[policy])) errs.push(notSupported(`${at}.${policy}`, c[policy], nodeInclusionPolicies));
    }
    const keys: string[] = c.matchLabelKeys ?? [];
    if (keys.length > 0) {
      const sel = c.labelSelector;
      const selectorKeys = new Set<string>([...Object.keys(sel?.matchLabels ?? {}), ...(sel?.matchExpressions ?? []).map((rq: Obj) => rq.key ?? "")]);
      if (!has(sel)) errs.push(forbiddenField(`${at}.matchLabelKeys`, "must not be specified when labelSelector is not set"));
      keys.forEach((k, j) => {
        errs.push(...validateLabelName(k, `${at}.matchLabelKeys[${j}]`));
        if (selectorKeys.has(k)) errs.push(invalidValue(`${at}.matchLabelKeys[${j}]`, k, "exists in both matchLabelKeys and labelSelector"));
      });
    }
    // AllowInvalidTopologySpreadConstraintLabelSelector: an update keeps a selector the old pod already had.
    if (!allowInvalidLabelSelector) errs.push(...validateLabelSelector(c.labelSelector, `${at}.labelSelector`));
  });
  return errs;
}

/** hasInvalidTopologySpreadConstraintLabelSelector: whether an old pod may keep its invalid spread selectors. */
export function hasInvalidTopologySpreadConstraintLabelSelector(spec: Obj): boolean {
  return ((spec?.topologySpreadConstraints ?? []) as Obj[]).some((c) => validateLabelSelector(c?.labelSelector, "").length > 0);
}

/** hasInvalidLabelValueInRequiredNodeAffinity: an old pod with such a value may keep it through updates. */
export function hasInvalidLabelValueInRequiredNodeAffinity(spec: Obj): boolean {
  const terms: Obj[] = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  return terms.some((t) => (t?.matchExpressions ?? []).some((rq: Obj) => (rq?.values ?? []).some((v: unknown) => typeof v === "string" && isValidLabelValue(v).length > 0)));
}
