// admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and its Binding
// (pkg/apis/admissionregistration/validation): the structure of policy, match rules and binding,
// and the CEL expressions compiled (validateCELCondition): one that does not compile, or gives the
// wrong type, is refused with the compiler's words.
// List values in errors print as apimachinery v0.35's ErrorBody prints them: json.Marshal.

import { duplicate, forbiddenField, invalidValue, notSupported, required, tooMany, type FieldError } from "../status.js";
import { marshalled, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { isDNS1035Label, isDNS1123Subdomain, isQualifiedName, isValidPathSegmentName, nameIsDNSSubdomain } from "./names.js";
import { validateLabelSelector } from "./selector.js";
import { utf8Length } from "../../common/bytes.js";
import { deepEqual } from "../../common/equal.js";
import { compileAdmission, type AdmissionDeclarations, type PolicyVariable, type ReturnTypes } from "../admission/celadmission.js";

type Obj = any;

const supportedFailurePolicies = ["Fail", "Ignore"];
const supportedMatchPolicies = ["Equivalent", "Exact"];
const supportedOperations = ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"];
const validScopes = ["*", "Cluster", "Namespaced"];
const validValidationActions = ["Audit", "Deny", "Warn"];
const supportedValidationPolicyReasons = ["Forbidden", "Invalid", "RequestEntityTooLarge"];

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const hasWildcard = (xs: unknown[]) => xs.includes("*");

/** validateResources: resources with subresources, and the wildcards' exclusions. */
function validateResources(resources: unknown[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (resources.length === 0) errs.push(required(path));
  const withWildcardSub = new Set<string>();
  const subWithWildcardRes = new Set<string>();
  let doubleWildcard = false;
  let singleWildcard = false;
  let withoutSub = false;
  resources.forEach((r, i) => {
    const resSub = str(r);
    if (resSub === "") {
      errs.push(required(`${path}[${i}]`));
      return;
    }
    if (resSub === "*/*") doubleWildcard = true;
    if (resSub === "*") singleWildcard = true;
    const slash = resSub.indexOf("/");
    if (slash < 0) {
      withoutSub = resSub !== "*";
      return;
    }
    const res = resSub.slice(0, slash);
    const sub = resSub.slice(slash + 1);
    if (withWildcardSub.has(res)) errs.push(invalidValue(`${path}[${i}]`, resSub, `if '${res}/*' is present, must not specify ${resSub}`));
    if (subWithWildcardRes.has(sub)) errs.push(invalidValue(`${path}[${i}]`, resSub, `if '*/${sub}' is present, must not specify ${resSub}`));
    if (sub === "*") withWildcardSub.add(res);
    if (res === "*") subWithWildcardRes.add(sub);
  });
  if (resources.length > 1 && doubleWildcard) errs.push(invalidValue(path, marshalled(resources), "if '*/*' is present, must not specify other resources"));
  if (singleWildcard && withoutSub) errs.push(invalidValue(path, marshalled(resources), "if '*' is present, must not specify other resources without subresources"));
  return errs;
}

/** validateNamedRuleWithOperations: resource names, operations, then the rule. */
function validateNamedRule(rule: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list(rule?.resourceNames).forEach((n, i) => {
    const name = str(n);
    for (const msg of isValidPathSegmentName(name)) errs.push(invalidValue(`${path}.resourceNames[${i}]`, name, msg));
    if (names.has(name)) errs.push(duplicate(`${path}.resourceNames[${i}]`, name));
    else names.add(name);
  });
  return [...errs, ...validateRuleWithOperations(rule, path)];
}

/** validateRuleWithOperations: the operations, then the rule's groups, versions, resources and scope (webhook rules). */
export function validateRuleWithOperations(rule: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const ops = list(rule?.operations);
  if (ops.length === 0) errs.push(required(`${path}.operations`));
  if (ops.length > 1 && hasWildcard(ops)) errs.push(invalidValue(`${path}.operations`, marshalled(ops), "if '*' is present, must not specify other operations"));
  ops.forEach((op, i) => {
    if (!supportedOperations.includes(str(op))) errs.push(notSupported(`${path}.operations[${i}]`, op, supportedOperations));
  });
  const groups = list(rule?.apiGroups);
  if (groups.length === 0) errs.push(required(`${path}.apiGroups`));
  if (groups.length > 1 && hasWildcard(groups)) errs.push(invalidValue(`${path}.apiGroups`, marshalled(groups), "if '*' is present, must not specify other API groups"));
  const versions = list(rule?.apiVersions);
  if (versions.length === 0) errs.push(required(`${path}.apiVersions`));
  if (versions.length > 1 && hasWildcard(versions)) errs.push(invalidValue(`${path}.apiVersions`, marshalled(versions), "if '*' is present, must not specify other API versions"));
  versions.forEach((v, i) => {
    if (v === "") errs.push(required(`${path}.apiVersions[${i}]`));
  });
  errs.push(...validateResources(list(rule?.resources), `${path}.resources`));
  if (rule?.scope != null && !validScopes.includes(str(rule.scope))) errs.push(notSupported(`${path}.scope`, rule.scope, validScopes));
  return errs;
}

/** validateMatchResources (its defaults make matchPolicy and both selectors present). */
function validateMatchResources(mc: Obj, path: string): FieldError[] {
  if (mc == null) return [];
  const errs: FieldError[] = [];
  if (mc.matchPolicy == null) errs.push(required(`${path}.matchPolicy`));
  else if (!supportedMatchPolicies.includes(str(mc.matchPolicy))) errs.push(notSupported(`${path}.matchPolicy`, mc.matchPolicy, supportedMatchPolicies));
  for (const sel of ["namespaceSelector", "objectSelector"]) {
    if (mc[sel] == null) errs.push(required(`${path}.${sel}`));
    else errs.push(...validateLabelSelector(mc[sel], `${path}.${sel}`));
  }
  list(mc.resourceRules).forEach((r, i) => errs.push(...validateNamedRule(r, `${path}.resourceRules[${i}]`)));
  list(mc.excludeResourceRules).forEach((r, i) => errs.push(...validateNamedRule(r, `${path}.excludeResourceRules[${i}]`)));
  return errs;
}

/** validateParamKind: a group/version and a kind as an APIService would name them. */
function validateParamKind(pk: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = str(pk?.apiVersion);
  if (apiVersion === "") errs.push(required(`${path}.apiVersion`));
  else {
    const parts = apiVersion === "/" ? ["", ""] : apiVersion.split("/");
    if (parts.length > 2) errs.push(invalidValue(`${path}.apiVersion`, apiVersion, `unexpected GroupVersion string: ${apiVersion}`));
    else {
      const [group, version] = parts.length === 1 ? ["", parts[0]!] : [parts[0]!, parts[1]!];
      if (group !== "") {
        const e = isDNS1123Subdomain(group);
        if (e.length > 0) errs.push(invalidValue(`${path}.apiVersion`, group, e.join(",")));
      }
      if (version === "") errs.push(invalidValue(`${path}.apiVersion`, apiVersion, "version must be specified"));
      else {
        const e = isDNS1035Label(version);
        if (e.length > 0) errs.push(invalidValue(`${path}.apiVersion`, version, e.join(",")));
      }
    }
  }
  const kind = str(pk?.kind);
  if (kind === "") errs.push(required(`${path}.kind`));
  else {
    const e = isDNS1035Label(kind.toLowerCase());
    if (e.length > 0) errs.push(invalidValue(`${path}.kind`, kind, `may have mixed case, but should otherwise match: ${e.join(",")}`));
  }
  return errs;
}

/** convertCELErrorToValidationError: an expression that does not compile (or gives another type) is Invalid, with the compiler's detail. */
function compiled(expression: string, decl: AdmissionDeclarations, returns: ReturnTypes, path: string, shown = expression): FieldError[] {
  const c = compileAdmission(expression, decl, returns);
  return "error" in c ? [invalidValue(path, shown, c.error)] : [];
}

/** validateValidation: an expression that compiles to a bool, a messageExpression to a string, a one-line message, a known reason. */
function validateValidation(v: Obj, path: string, decl: AdmissionDeclarations): FieldError[] {
  const errs: FieldError[] = [];
  if (str(v?.expression).trim() === "") errs.push(required(`${path}.expression`, "expression is not specified"));
  else errs.push(...compiled(str(v.expression), decl, ["bool"], `${path}.expression`));
  const messageExpression = str(v?.messageExpression);
  if (messageExpression.length > 0 && messageExpression.trim() === "") errs.push(invalidValue(`${path}.messageExpression`, messageExpression, "must be non-empty if specified"));
  // messageExpression is compiled without the authorizer
  else if (messageExpression.trim() !== "") errs.push(...compiled(messageExpression, { ...decl, authorizer: false }, ["string"], `${path}.messageExpression`));
  const message = str(v?.message);
  const trimmed = message.trim();
  if (message.length > 0 && trimmed === "") errs.push(invalidValue(`${path}.message`, message, "message must be non-empty if specified"));
  else if (/[\n\r]/.test(trimmed)) errs.push(invalidValue(`${path}.message`, message, "message must not contain line breaks"));
  if (v?.reason != null && !supportedValidationPolicyReasons.includes(str(v.reason))) errs.push(notSupported(`${path}.reason`, v.reason, supportedValidationPolicyReasons));
  return errs;
}

/**
 * validateMatchConditions: at most 64, each named (qualified, unique) with an expression that
 * compiles to a bool (without variables; with params when the policy has a paramKind).
 */
export function validateMatchConditions(conds: unknown[], path: string, params = false): FieldError[] {
  const errs: FieldError[] = [];
  if (conds.length > 64) errs.push(tooMany(path, conds.length, 64));
  const names = new Set<string>();
  conds.forEach((c: Obj, i) => {
    const trimmed = str(c?.expression).trim();
    if (trimmed === "") errs.push(required(`${path}[${i}].expression`));
    else errs.push(...compiled(trimmed, { params, authorizer: true }, ["bool"], `${path}[${i}].expression`));
    const name = str(c?.name);
    if (name === "") errs.push(required(`${path}[${i}].name`));
    else for (const msg of isQualifiedName(name)) errs.push(invalidValue(`${path}[${i}].name`, name, msg));
    if (name !== "") {
      if (names.has(name)) errs.push(duplicate(`${path}[${i}].name`, name));
      else names.add(name);
    }
  });
  return errs;
}

/** validateAuditAnnotation: the key qualified under the policy's name, a valueExpression of at most 5 KiB that compiles to a string or null. */
function validateAuditAnnotation(name: string, a: Obj, path: string, decl: AdmissionDeclarations): FieldError[] {
  const errs: FieldError[] = [];
  const key = str(a?.key);
  if (name.length !== 0) {
    const qualified = `${name}/${key}`;
    for (const msg of isQualifiedName(qualified)) errs.push(invalidValue(`${path}.key`, qualified, msg));
  } else errs.push(invalidValue(`${path}.key`, key, "requires metadata.name be non-empty"));
  const valueExpression = str(a?.valueExpression).trim();
  if (valueExpression.length === 0) errs.push(required(`${path}.valueExpression`, "valueExpression is not specified"));
  // Go counts bytes (len of the trimmed string); Required, as validation.go has it
  else if (utf8Length(valueExpression) > maxAuditAnnotationValueExpressionLength) errs.push(required(`${path}.valueExpression`, `must not exceed ${maxAuditAnnotationValueExpressionLength} bytes in length`));
  else errs.push(...compiled(valueExpression, decl, ["string", "null_type"], `${path}.valueExpression`, str(a.valueExpression)));
  return errs;
}

const maxAuditAnnotationValueExpressionLength = 5 * 1024;

/** ValidateValidatingAdmissionPolicy. */
export function validateValidatingAdmissionPolicy(p: Obj): FieldError[] {
  return validatePolicy(p, false);
}

/** validateValidatingAdmissionPolicy: an update that changes neither paramKind nor matchConditions does not judge the conditions again. */
function validatePolicy(p: Obj, ignoreMatchConditions: boolean): FieldError[] {
  const errs = validateObjectMeta(p.metadata, false, nameIsDNSSubdomain);
  const spec = p.spec ?? {};
  if (spec.failurePolicy == null) errs.push(required("spec.failurePolicy"));
  else if (!supportedFailurePolicies.includes(str(spec.failurePolicy))) errs.push(notSupported("spec.failurePolicy", spec.failurePolicy, supportedFailurePolicies));
  if (spec.paramKind != null) errs.push(...validateParamKind(spec.paramKind, "spec.paramKind"));
  if (spec.matchConstraints == null) errs.push(required("spec.matchConstraints"));
  else {
    errs.push(...validateMatchResources(spec.matchConstraints, "spec.matchConstraints"));
    // at least one resource rule gives the expressions their types
    if (list(spec.matchConstraints.resourceRules).length === 0) errs.push(required("spec.matchConstraints.resourceRules"));
  }
  const params = spec.paramKind != null;
  if (!ignoreMatchConditions) errs.push(...validateMatchConditions(list(spec.matchConditions), "spec.matchConditions", params));
  // with variables the compiler composes them: each expression sees those declared before it
  const variables = list(spec.variables);
  const declared: PolicyVariable[] = [];
  variables.forEach((v: Obj, i) => {
    const name = str(v?.name);
    if (name.trim() === "") errs.push(required(`spec.variables[${i}].name`, "name is not specified"));
    else if (!/^[_a-zA-Z][_a-zA-Z0-9]*$/.test(name) || celReserved.has(name)) errs.push(invalidValue(`spec.variables[${i}].name`, name, "name is not a valid CEL identifier"));
    if (str(v?.expression).trim() === "") errs.push(required(`spec.variables[${i}].expression`, "expression is not specified"));
    else errs.push(...compiled(str(v.expression), { params, authorizer: true, variables: [...declared] }, ["any"], `spec.variables[${i}].expression`));
    declared.push({ name, expression: str(v?.expression) });
  });
  const decl: AdmissionDeclarations = { params, authorizer: true, ...(variables.length > 0 ? { variables: declared } : {}) };
  const validations = list(spec.validations);
  const audits = list(spec.auditAnnotations);
  if (validations.length === 0 && audits.length === 0) {
    errs.push(required("spec.validations", "validations or auditAnnotations must contain at least one item"));
    errs.push(required("spec.auditAnnotations", "validations or auditAnnotations must contain at least one item"));
  } else {
    validations.forEach((v, i) => errs.push(...validateValidation(v, `spec.validations[${i}]`, decl)));
    if (audits.length > 20) errs.push(invalidValue("spec.auditAnnotations", marshalled(audits), "must not have more than 20 auditAnnotations"));
    const keys = new Set<string>();
    audits.forEach((a: Obj, i) => {
      errs.push(...validateAuditAnnotation(str(p.metadata?.name), a, `spec.auditAnnotations[${i}]`, decl));
      const key = str(a?.key);
      if (keys.has(key)) errs.push(duplicate(`spec.auditAnnotations[${i}].key`, key));
      keys.add(key);
    });
  }
  return errs;
}

const celReserved = new Set(["true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"]);

/** ValidateValidatingAdmissionPolicyUpdate: the policy again, and the metadata update rules. */
export function validateValidatingAdmissionPolicyUpdate(p: Obj, old: Obj): FieldError[] {
  // ignoreValidatingAdmissionPolicyMatchConditions
  const unchanged = deepEqual(p.spec?.paramKind ?? null, old.spec?.paramKind ?? null) && deepEqual(p.spec?.matchConditions ?? null, old.spec?.matchConditions ?? null);
  return [...validatePolicy(p, unchanged), ...validateObjectMetaUpdate(p.metadata, old.metadata)];
}

/** validateValidationActions: known, unique, not both Deny and Warn, at least one. */
function validateValidationActions(actions: unknown[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  actions.forEach((a, i) => {
    if (!validValidationActions.includes(str(a))) errs.push(notSupported(`${path}[${i}]`, a, validValidationActions));
    if (seen.has(str(a))) errs.push(duplicate(`${path}[${i}]`, a));
    seen.add(str(a));
  });
  if (seen.has("Deny") && seen.has("Warn")) errs.push(invalidValue(path, marshalled(actions), "must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)"));
  if (seen.size === 0) errs.push(required(path, "at least one validation action is required"));
  return errs;
}

/** validateParamRef: a name or a selector (not both), and what to do when the parameter is missing. */
function validateParamRef(pr: Obj, path: string): FieldError[] {
  if (pr == null) return [];
  const errs: FieldError[] = [];
  const name = str(pr.name);
  if (name.length > 0) {
    for (const msg of isValidPathSegmentName(name)) errs.push(invalidValue(`${path}.name`, name, msg));
    if (pr.selector != null) errs.push(forbiddenField(`${path}.name`, "name and selector are mutually exclusive"));
  }
  if (pr.selector != null) {
    errs.push(...validateLabelSelector(pr.selector, `${path}.selector`));
    if (name.length > 0) errs.push(forbiddenField(`${path}.selector`, "name and selector are mutually exclusive"));
  }
  if (name.length === 0 && pr.selector == null) errs.push(required(path, "one of name or selector must be specified"));
  const action = str(pr.parameterNotFoundAction);
  if (action === "") errs.push(required(`${path}.parameterNotFoundAction`));
  else if (action !== "Deny" && action !== "Allow") errs.push(notSupported(`${path}.parameterNotFoundAction`, action, ["Deny", "Allow"]));
  return errs;
}

/** ValidateValidatingAdmissionPolicyBinding. */
export function validateValidatingAdmissionPolicyBinding(b: Obj): FieldError[] {
  const errs = validateObjectMeta(b.metadata, false, nameIsDNSSubdomain);
  const spec = b.spec ?? {};
  const policyName = str(spec.policyName);
  if (policyName === "") errs.push(required("spec.policyName"));
  else for (const msg of nameIsDNSSubdomain(policyName, false)) errs.push(invalidValue("spec.policyName", policyName, msg));
  errs.push(...validateParamRef(spec.paramRef, "spec.paramRef"));
  errs.push(...validateMatchResources(spec.matchResources, "spec.matchResources"));
  errs.push(...validateValidationActions(list(spec.validationActions), "spec.validationActions"));
  return errs;
}

/** ValidateValidatingAdmissionPolicyBindingUpdate: the binding again, and the metadata update rules. */
export function validateValidatingAdmissionPolicyBindingUpdate(b: Obj, old: Obj): FieldError[] {
  return [...validateValidatingAdmissionPolicyBinding(b), ...validateObjectMetaUpdate(b.metadata, old.metadata)];
}

/** ValidateValidatingAdmissionPolicyStatusUpdate: the type checker's warnings each name a field and say something. */
export function validateValidatingAdmissionPolicyStatusUpdate(p: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(p.metadata, old.metadata);
  list(p.status?.typeChecking?.expressionWarnings).forEach((w: Obj, i) => {
    const path = `status.typeChecking.expressionWarnings[${i}]`;
    if (str(w?.warning) === "") errs.push(required(`${path}.warning`));
    if (str(w?.fieldRef).trim() === "") errs.push(required(`${path}.fieldRef`));
  });
  return errs;
}
