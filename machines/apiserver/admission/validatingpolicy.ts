// The ValidatingAdmissionPolicy admission plugin (k8s.io/apiserver v0.35 pkg/admission/plugin/policy:
// validating/dispatcher.go and validator.go, generic/policy_dispatcher.go CollectParams and
// policy_source.go, matching/matching.go): which policies and bindings match a request, the params
// each binding evaluates with, the CEL validations, and what their failures do (Deny refuses the
// request, Warn adds a warning, Audit an audit annotation). Data in, data out.

import type { Status } from "kubernetes-types/meta/v1";
import { goQuote } from "../../common/goquote.js";
import { selectorMatches } from "../validation/selector.js";
import { celToJson } from "../cel/index.js";
import { admissionActivation, compileAdmission, filterForInput, lazyVariables, matchConditions, namespaceObjectOf, policyCostBudget, type AdmissionDeclarations, type CelAuthorizerCheck, type CompositionCost, type Evaluated } from "./celadmission.js";
import { ruleMatches, selectorsMatch, type WebhookAttributes } from "./webhooks.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === "string" ? v : "");
const byName = (a: Obj, b: Obj) => (str(a?.metadata?.name) < str(b?.metadata?.name) ? -1 : str(a?.metadata?.name) > str(b?.metadata?.name) ? 1 : 0);

/** Where the params of a paramKind live: its scope and the objects stored of it. */
export interface ParamSource {
  namespaced: boolean;
  /** every object of the kind in the namespace (all of them when cluster-scoped), sorted by name */
  list(namespace: string): readonly Obj[];
}

/** What the plugin reads of the cluster while it judges a request. */
export interface PolicyWorld {
  policies: Iterable<Obj>;
  bindings: Iterable<Obj>;
  /** a namespace as the informer has it, or undefined */
  namespace(name: string): Obj | undefined;
  /** the params' store for a paramKind, or undefined when no resource serves it */
  paramSource(apiVersion: string, kind: string): ParamSource | undefined;
  /** the authorizer's answer to a CEL authorizer check of the request's user */
  authorize: CelAuthorizerCheck;
}

/** What the policies do to a request: a refusal, warnings for the response, audit annotations. */
export interface PolicyVerdict {
  error?: Status;
  warnings: string[];
  annotations: Array<[string, string]>;
}

/** A denial: the policy's, with its binding's name unless it is the policy's own configuration error. */
interface Denial {
  policy: string;
  binding?: string;
  message: string;
  reason?: string;
}

/** A validation that failed (or could not be evaluated under failurePolicy Fail): what the binding's actions act on. */
interface Decision {
  index: number;
  message: string;
  reason?: string;
}

/** schema.GroupVersionKind's String() of a paramKind: "group/version, Kind=kind". */
function gvkString(pk: Obj): string {
  const av = str(pk?.apiVersion);
  const slash = av.indexOf("/");
  const [group, version] = slash < 0 ? ["", av] : [av.slice(0, slash), av.slice(slash + 1)];
  return `${group}/${version}, Kind=${str(pk?.kind)}`;
}

/** matchesResourceRules: a rule (with its resourceNames) that takes the request. */
function namedRulesMatch(rules: Obj[], a: WebhookAttributes): boolean {
  return rules.some((rule) => ruleMatches(rule, a) && (list(rule.resourceNames).length === 0 || list(rule.resourceNames).includes(a.name)));
}

/** matching.Matcher.Matches: selectors, then the excluded rules, then the rules (none: every resource); the namespace's 404 after. */
export function matchResourcesMatch(mr: Obj, a: WebhookAttributes, namespaceLabels: (ns: string) => Record<string, string> | undefined): boolean | { error: Status } {
  const selected = selectorsMatch(mr, a, namespaceLabels);
  if (selected === false) return false;
  if (namedRulesMatch(list(mr.excludeResourceRules), a)) return false;
  if (list(mr.resourceRules).length > 0 && !namedRulesMatch(list(mr.resourceRules), a)) return false;
  return selected;
}

/** CollectParams: the params a binding evaluates its policy with (null: none asked for), or the configuration error. */
export function collectParams(paramKind: Obj, source: ParamSource | undefined, paramRef: Obj, namespace: string): { params: Obj[] } | { error: string } {
  if (!isObj(paramKind) || !isObj(paramRef)) return { params: [null] };
  if (source === undefined) return { error: `paramKind kind \`${gvkString(paramKind)}\` not known` };
  let ns = "";
  if (source.namespaced) {
    ns = str(paramRef.namespace) || namespace;
    if (ns === "") return { error: "cannot use namespaced paramRef in policy binding that matches cluster-scoped resources" };
  } else if (str(paramRef.namespace) !== "") return { error: "paramRef.namespace must not be provided for a cluster-scoped `paramKind`" };
  let params: Obj[];
  if (str(paramRef.name) !== "") {
    if (paramRef.selector != null) return { error: "paramRef.name and paramRef.selector are mutually exclusive" };
    params = source.list(ns).filter((o) => o?.metadata?.name === paramRef.name);
  } else if (paramRef.selector != null) params = source.list(ns).filter((o) => selectorMatches(paramRef.selector, o?.metadata?.labels ?? {}));
  else return { error: "one of name or selector must be provided" };
  if (params.length === 0 && paramRef.parameterNotFoundAction === "Deny") return { error: "no params found for policy binding with `Deny` parameterNotFoundAction" };
  // wrappedParam: a param carries its kind and apiVersion
  return { params: params.map((p) => ({ ...p, apiVersion: p.apiVersion ?? paramKind.apiVersion, kind: p.kind ?? paramKind.kind })) };
}

// apiserver/pkg/apis/cel config.go: MaxEvaluatedMessageExpressionSizeBytes
const maxMessageBytes = 5 * 1024;
// dispatcher.go: maxAuditAnnotationValueLength
const maxAuditAnnotationValueLength = 10 * 1024;

/** A CEL value's type name, as an unsupported audit annotation value names it. */
function celTypeName(v: unknown): string {
  const j = celToJson(v);
  if (j === null) return "null_type";
  if (typeof j === "boolean") return "bool";
  if (typeof j === "number") return Number.isInteger(j) ? "int" : "double";
  if (typeof j === "string") return "string";
  if (Array.isArray(j)) return "list";
  return "map";
}

/** The message of a failed validation: the messageExpression's one-line string, else the message, else the expression. */
function failureMessage(v: Obj, messageResult: Evaluated | undefined): string {
  let message = "";
  const value = messageResult !== undefined && "value" in messageResult ? celToJson(messageResult.value) : undefined;
  if (typeof value === "string") {
    message = value.trim();
    if (Buffer.byteLength(message, "utf8") > maxMessageBytes || message.includes("\n")) message = "";
  }
  if (message === "" && str(v.message) !== "") message = str(v.message).trim();
  return message !== "" ? message : `failed expression: ${str(v.expression).trim()}`;
}

interface ValidateResult {
  decisions: Decision[];
  annotations: Array<{ key: string; value: string }>;
  /** audit annotations that failed (AuditAnnotationActionError): they refuse the request whatever the binding's actions */
  annotationErrors: string[];
}

/**
 * validator.Validate for one param: the match conditions (their own budget), the validations under
 * the policy's runtime budget, the messageExpressions under what they left, the audit annotations
 * under a fresh budget. Each of those filters reads the variables afresh and pays for them.
 */
function validate(policy: Obj, a: WebhookAttributes, params: Obj, namespace: Obj, authorize: CelAuthorizerCheck): ValidateResult {
  const spec = policy.spec;
  const ignore = spec.failurePolicy === "Ignore";
  const hasParams = isObj(spec.paramKind);
  const vars = list(spec.variables).map((v) => ({ name: str(v?.name), expression: str(v?.expression) }));
  const decl: AdmissionDeclarations = { params: hasParams, authorizer: true, variables: vars };
  const base = admissionActivation(a, { params, namespaceObject: namespaceObjectOf(namespace), authorizer: authorize });
  const activationFor = (spent: CompositionCost) => ({ ...base, variables: lazyVariables(vars, decl, base, spent) });
  const none: ValidateResult = { decisions: [], annotations: [], annotationErrors: [] };
  // an error of the whole evaluation: one decision, which failurePolicy Ignore admits
  const onError = (message: string): ValidateResult => ({ ...none, decisions: ignore ? [] : [{ index: 0, message }] });
  const conditions = list(spec.matchConditions);
  if (conditions.length > 0) {
    const m = matchConditions(conditions, spec.failurePolicy, decl, activationFor);
    if ("error" in m) return onError(m.error);
    if (!m.matches) return none;
  }
  const validations = list(spec.validations);
  const evaluated = filterForInput(validations.map((v) => ({ source: str(v?.expression), compiled: compileAdmission(str(v?.expression), decl, ["bool"]) })), activationFor, policyCostBudget);
  if ("error" in evaluated) return onError(evaluated.error);
  // messageExpression sees params but not the authorizer; every validation's is evaluated, whatever its expression gave
  const messageDecl = { ...decl, authorizer: false };
  const messages = filterForInput(validations.map((v) => (str(v?.messageExpression) !== "" ? { source: str(v.messageExpression), compiled: compileAdmission(str(v.messageExpression), messageDecl, ["string"]) } : undefined)), activationFor, evaluated.remaining);
  const decisions: Decision[] = [];
  validations.forEach((v, index) => {
    const r = evaluated.results[index]!;
    // an evaluation error, and (for the validations without one) the message filter's running out of budget, are errors of the policy
    const error = "error" in r ? r.error : "error" in messages ? `failed messageExpression: ${messages.error}` : undefined;
    if (error !== undefined) {
      // the mutant refuses on an evaluation error under failurePolicy Ignore too
      if (!ignore || mutant("vap.ignore-policy-denies-on-error")) decisions.push({ index, message: error });
    } else if ("value" in r && r.value !== true && "results" in messages) {
      decisions.push({ index, message: failureMessage(v, messages.results[index]), reason: str(v?.reason) || "Invalid" });
    }
  });
  const annotations: ValidateResult["annotations"] = [];
  const annotationErrors: string[] = [];
  const audits = list(spec.auditAnnotations);
  const annotationDecl = { ...decl, authorizer: false };
  const valued = filterForInput(audits.map((aa) => ({ source: str(aa?.valueExpression), compiled: compileAdmission(str(aa?.valueExpression), annotationDecl, ["string", "null_type"]) })), activationFor, policyCostBudget);
  // running out of budget here drops the validations' decisions too
  if ("error" in valued) return onError(valued.error);
  audits.forEach((aa, i) => {
    const source = str(aa?.valueExpression);
    const r = valued.results[i]!;
    if ("error" in r) {
      if (!ignore) annotationErrors.push(r.error);
      return;
    }
    const value = celToJson(r.value);
    if (value === null) return;
    if (typeof value !== "string") {
      annotationErrors.push(`valueExpression '${source}' resulted in unsupported return type: ${celTypeName(r.value)}. Return type must be either string or null.`);
      return;
    }
    const trimmed = value.trim();
    if (trimmed !== "") annotations.push({ key: str(aa.key), value: trimmed.slice(0, maxAuditAnnotationValueLength) });
  });
  return { decisions, annotations, annotationErrors };
}

/** reasonToCode: the HTTP status of a denial's reason. */
function reasonToCode(reason: string): number {
  if (reason === "Forbidden") return 403;
  if (reason === "Unauthorized") return 401;
  if (reason === "RequestEntityTooLarge") return 413;
  return 422;
}

/** admission.NewForbidden with the decision's reason and code, the message also its cause. */
function deniedStatus(a: WebhookAttributes, message: string, reason: string): Status {
  const resource = a.subresource !== "" ? `${a.resource}/${a.subresource}` : a.resource;
  const gr = a.group === "" ? resource : `${resource}.${a.group}`;
  const name = a.name !== "" ? a.name : str(a.object?.metadata?.name);
  const text = name !== "" ? `${gr} ${goQuote(name)} is forbidden: ${message}` : `${gr} is forbidden: ${message}`;
  return {
    kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: text, reason,
    details: { ...(name !== "" ? { name } : {}), ...(a.group !== "" ? { group: a.group } : {}), kind: resource, causes: [{ message }] },
    code: reasonToCode(reason),
  };
}

/**
 * dispatcher.Dispatch: every policy (by name) whose match constraints take the request, with each
 * of its bindings (by name) whose match resources do, evaluated once per param. Failures of a
 * Deny binding and configuration errors under failurePolicy Fail refuse the request with the first
 * one's message; Warn ones become warnings, Audit ones the validation_failure annotation.
 */
export function dispatchPolicies(a: WebhookAttributes, world: PolicyWorld): PolicyVerdict {
  const verdict: PolicyVerdict = { warnings: [], annotations: [] };
  const denied: Denial[] = [];
  const failures: Obj[] = [];
  const nsLabels = (ns: string) => {
    const o = world.namespace(ns);
    return o === undefined ? undefined : (o.metadata?.labels ?? {});
  };
  const bindingsOf = new Map<string, Obj[]>();
  for (const b of [...world.bindings].sort(byName)) {
    const name = str(b?.spec?.policyName);
    bindingsOf.set(name, [...(bindingsOf.get(name) ?? []), b]);
  }
  for (const policy of [...world.policies].sort(byName)) {
    const policyName = str(policy?.metadata?.name);
    const bindings = bindingsOf.get(policyName);
    if (bindings === undefined || !isObj(policy.spec)) continue;
    const configError = (message: string, binding?: string) => {
      if (policy.spec.failurePolicy === "Ignore") return;
      const prefixed = binding === undefined ? `failed to configure policy: ${message}` : `failed to configure binding: ${message}`;
      denied.push({ policy: policyName, message: prefixed, ...(binding !== undefined ? { binding } : {}) });
    };
    const matched = matchResourcesMatch(policy.spec.matchConstraints ?? {}, a, nsLabels);
    if (matched === false) continue;
    if (matched !== true) {
      configError(matched.error.message ?? "");
      continue;
    }
    const paramKind = policy.spec.paramKind;
    const source = isObj(paramKind) ? world.paramSource(str(paramKind.apiVersion), str(paramKind.kind)) : undefined;
    if (isObj(paramKind) && source === undefined) {
      configError(`failed to find resource referenced by paramKind: '${gvkString(paramKind)}'`);
      continue;
    }
    const collected = new Map<string, string[]>();
    for (const binding of bindings) {
      const bindingName = str(binding.metadata?.name);
      const bm = isObj(binding.spec?.matchResources) ? matchResourcesMatch(binding.spec.matchResources, a, nsLabels) : true;
      if (bm === false) continue;
      if (bm !== true) {
        configError(bm.error.message ?? "", bindingName);
        continue;
      }
      const got = collectParams(paramKind, source, binding.spec?.paramRef, a.namespace);
      if ("error" in got) {
        configError(got.error, bindingName);
        continue;
      }
      // the namespace object: none for cluster-scoped requests and for a Namespace itself
      const nsName = a.group === "" && a.kind === "Namespace" ? "" : a.namespace;
      const namespace = nsName !== "" ? world.namespace(nsName) : undefined;
      if (nsName !== "" && namespace === undefined && got.params.length > 0) {
        return { ...verdict, error: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `namespaces ${goQuote(nsName)} not found`, reason: "NotFound", details: { name: nsName, kind: "namespaces" }, code: 404 } };
      }
      const actions = list(binding.spec?.validationActions).map(str);
      for (const params of got.params) {
        const result = validate(policy, a, params, namespace, world.authorize);
        for (const d of result.decisions) {
          for (const action of actions) {
            // the mutant takes Warn for Deny
            if (action === "Deny" || (mutant("vap.warn-action-denies") && action === "Warn")) denied.push({ policy: policyName, binding: bindingName, message: d.message, ...(d.reason !== undefined ? { reason: d.reason } : {}) });
            else if (action === "Audit") failures.push({ message: d.message, policy: policyName, binding: bindingName, expressionIndex: d.index, validationActions: actions });
            else if (action === "Warn") verdict.warnings.push(`Validation failed for ValidatingAdmissionPolicy '${policyName}' with binding '${bindingName}': ${d.message}`);
          }
        }
        for (const message of result.annotationErrors) denied.push({ policy: policyName, binding: bindingName, message });
        for (const { key, value } of result.annotations) {
          const values = collected.get(key) ?? [];
          if (!values.includes(value)) collected.set(key, [...values, value]);
        }
      }
    }
    for (const [key, values] of collected) verdict.annotations.push([`${policyName}/${key}`, values.join(", ")]);
  }
  // publishValidationFailureAnnotations: at most 50 failures
  if (failures.length > 0) verdict.annotations.push(["validation.policy.admission.k8s.io/validation_failure", JSON.stringify(failures.slice(0, 50))]);
  const first = denied[0];
  if (first === undefined) return verdict;
  const message = first.binding !== undefined
    ? `ValidatingAdmissionPolicy '${first.policy}' with binding '${first.binding}' denied request: ${first.message}`
    : `ValidatingAdmissionPolicy '${first.policy}' denied request: ${first.message}`;
  return { ...verdict, error: deniedStatus(a, message, first.reason || "Invalid") };
}
