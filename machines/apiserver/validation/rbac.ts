// Role, ClusterRole, RoleBinding and ClusterRoleBinding, ported from pkg/apis/rbac/validation
// (v1.35): names are URL path segments, a rule has verbs and either api groups and resources or
// non-resource URLs (cluster roles only), a binding's roleRef is in the RBAC group and never changes.

import { invalidValue, notSupported, required, type FieldError } from "../status.js";
import { marshalled, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { isValidPathSegmentName, nameIsDNSSubdomain, type NameFn } from "./names.js";
import { validateLabelSelector } from "./selector.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

const GROUP = "rbac.authorization.k8s.io";
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** ValidateRBACName: any name that is a valid URL path segment. */
const rbacName: NameFn = (name) => isValidPathSegmentName(name);

/** ValidatePolicyRule: verbs required; non-resource URLs only in cluster roles and never with resources. */
function validatePolicyRule(rule: Obj, namespaced: boolean, path: string): FieldError[] {
  const r = rule ?? {};
  const errs: FieldError[] = [];
  if (list(r.verbs).length === 0) errs.push(required(`${path}.verbs`, "verbs must contain at least one value"));
  if (list(r.nonResourceURLs).length > 0) {
    if (namespaced && !mutant("validation.role-non-resource-urls-accepted")) errs.push(invalidValue(`${path}.nonResourceURLs`, marshalled(r.nonResourceURLs), "namespaced rules cannot apply to non-resource URLs"));
    if (list(r.apiGroups).length > 0 || list(r.resources).length > 0 || list(r.resourceNames).length > 0) {
      errs.push(invalidValue(`${path}.nonResourceURLs`, marshalled(r.nonResourceURLs), "rules cannot apply to both regular resources and non-resource URLs"));
    }
    return errs;
  }
  if (list(r.apiGroups).length === 0) errs.push(required(`${path}.apiGroups`, "resource rules must supply at least one api group"));
  if (list(r.resources).length === 0) errs.push(required(`${path}.resources`, "resource rules must supply at least one resource"));
  return errs;
}

function validateRules(rules: unknown, namespaced: boolean): FieldError[] {
  return list(rules).flatMap((rule, i) => validatePolicyRule(rule, namespaced, `rules[${i}]`));
}

export function validateRole(role: Obj): FieldError[] {
  return [...validateObjectMeta(role?.metadata, true, rbacName), ...validateRules(role?.rules, true)];
}

export function validateRoleUpdate(role: Obj, old: Obj): FieldError[] {
  return [...validateRole(role), ...validateObjectMetaUpdate(role?.metadata, old?.metadata)];
}

/** ValidateClusterRole: rules may name non-resource URLs; an aggregation rule needs a selector. */
export function validateClusterRole(role: Obj): FieldError[] {
  const errs = [...validateObjectMeta(role?.metadata, false, rbacName), ...validateRules(role?.rules, false)];
  const agg = role?.aggregationRule;
  if (agg !== undefined && agg !== null) {
    const selectors = list(agg.clusterRoleSelectors);
    if (selectors.length === 0) errs.push(required("aggregationRule.clusterRoleSelectors", "at least one clusterRoleSelector required if aggregationRule is non-nil"));
    selectors.forEach((sel, i) => errs.push(...validateLabelSelector(sel, `aggregationRule.clusterRoleSelectors[${i}]`)));
  }
  return errs;
}

export function validateClusterRoleUpdate(role: Obj, old: Obj): FieldError[] {
  return [...validateClusterRole(role), ...validateObjectMetaUpdate(role?.metadata, old?.metadata)];
}

/** ValidateRoleBindingSubject: a named ServiceAccount (with a namespace in a cluster binding), User or Group. */
function validateSubject(subject: Obj, namespaced: boolean, path: string): FieldError[] {
  const s = subject ?? {};
  const errs: FieldError[] = [];
  const name = typeof s.name === "string" ? s.name : "";
  const apiGroup = typeof s.apiGroup === "string" ? s.apiGroup : "";
  if (name === "") errs.push(required(`${path}.name`));
  switch (s.kind) {
    case "ServiceAccount":
      if (name !== "") for (const msg of nameIsDNSSubdomain(name, false)) errs.push(invalidValue(`${path}.name`, name, msg));
      if (apiGroup !== "") errs.push(notSupported(`${path}.apiGroup`, apiGroup, [""]));
      if (!namespaced && !s.namespace) errs.push(required(`${path}.namespace`));
      break;
    case "User":
    case "Group":
      if (apiGroup !== GROUP) errs.push(notSupported(`${path}.apiGroup`, apiGroup, [GROUP]));
      break;
    default:
      errs.push(notSupported(`${path}.kind`, s.kind ?? "", ["ServiceAccount", "User", "Group"]));
  }
  return errs;
}

function validateBinding(b: Obj, namespaced: boolean, kinds: readonly string[]): FieldError[] {
  const errs = validateObjectMeta(b?.metadata, namespaced, rbacName);
  const ref = b?.roleRef ?? {};
  if (ref.apiGroup !== GROUP) errs.push(notSupported("roleRef.apiGroup", ref.apiGroup ?? "", [GROUP]));
  if (!kinds.includes(ref.kind)) errs.push(notSupported("roleRef.kind", ref.kind ?? "", kinds));
  if (!ref.name) errs.push(required("roleRef.name"));
  else for (const msg of rbacName(ref.name, false)) errs.push(invalidValue("roleRef.name", ref.name, msg));
  list(b?.subjects).forEach((s, i) => errs.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
  return errs;
}

/** ValidateRoleBindingUpdate's roleRef rule: a binding's role is fixed (delete and recreate to change it). */
function roleRefUnchanged(b: Obj, old: Obj): FieldError[] {
  const ref = b?.roleRef ?? {};
  const was = old?.roleRef ?? {};
  // the mutant compares the role's name only: a Role switched for the ClusterRole of the same name passes
  const same = (mutant("validation.rolebinding-roleref-kind-change-accepted") || (ref.apiGroup === was.apiGroup && ref.kind === was.kind)) && ref.name === was.name;
  // the internal rbac.RoleRef as field.Invalid prints it: json.Marshal of a struct without json tags
  return same ? [] : [invalidValue("roleRef", marshalled({ APIGroup: ref.apiGroup ?? "", Kind: ref.kind ?? "", Name: ref.name ?? "" }), "cannot change roleRef")];
}

export function validateRoleBinding(b: Obj): FieldError[] {
  return validateBinding(b, true, ["Role", "ClusterRole"]);
}

export function validateRoleBindingUpdate(b: Obj, old: Obj): FieldError[] {
  return [...validateRoleBinding(b), ...validateObjectMetaUpdate(b?.metadata, old?.metadata), ...roleRefUnchanged(b, old)];
}

export function validateClusterRoleBinding(b: Obj): FieldError[] {
  return validateBinding(b, false, ["ClusterRole"]);
}

export function validateClusterRoleBindingUpdate(b: Obj, old: Obj): FieldError[] {
  return [...validateClusterRoleBinding(b), ...validateObjectMetaUpdate(b?.metadata, old?.metadata), ...roleRefUnchanged(b, old)];
}
