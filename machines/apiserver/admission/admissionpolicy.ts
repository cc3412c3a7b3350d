// The scheme defaults of admissionregistration.k8s.io/v1's policies (pkg/apis/admissionregistration/v1
// defaults.go and its generated defaulters): a failure policy of Fail, match resources with the
// Equivalent match policy and empty selectors, every rule's scope "*", a param ref that denies.

import { mutant } from "../../common/mutation.js";

type Obj = any;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** SetDefaults_MatchResources, then SetDefaults_Rule on each of its rules. */
function defaultMatchResources(mr: Obj): void {
  mr.matchPolicy ??= "Equivalent";
  mr.namespaceSelector ??= {};
  mr.objectSelector ??= {};
  for (const key of ["resourceRules", "excludeResourceRules"]) {
    if (!Array.isArray(mr[key])) continue;
    for (const rule of mr[key]) if (isObj(rule)) rule.scope ??= "*";
  }
}

/** SetDefaults_ValidatingAdmissionPolicySpec and what it holds. */
export function defaultValidatingAdmissionPolicy(p: Obj): void {
  if (!isObj(p.spec)) return;
  p.spec.failurePolicy ??= "Fail";
  if (isObj(p.spec.matchConstraints)) defaultMatchResources(p.spec.matchConstraints);
}

/** The binding's defaults: its match resources' and SetDefaults_ParamRef. */
export function defaultValidatingAdmissionPolicyBinding(b: Obj): void {
  if (!isObj(b.spec)) return;
  if (isObj(b.spec.matchResources)) defaultMatchResources(b.spec.matchResources);
  if (isObj(b.spec.paramRef)) b.spec.paramRef.parameterNotFoundAction ??= "Deny";
}

/** SetDefaults_ServiceReference: a webhook's service is called on port 443 unless it names one. */
function defaultClientConfig(cc: Obj): void {
  if (isObj(cc?.service)) cc.service.port ??= 443;
}

/** SetDefaults_ValidatingWebhook (v1): Fail, Equivalent, empty selectors, 10 s; each rule's scope "*". */
function defaultWebhook(w: Obj): void {
  if (!isObj(w)) return;
  // the mutant keeps v1beta1's default, Ignore
  w.failurePolicy ??= mutant("defaults.webhook-failure-policy-ignore") ? "Ignore" : "Fail";
  w.matchPolicy ??= "Equivalent";
  w.namespaceSelector ??= {};
  w.objectSelector ??= {};
  w.timeoutSeconds ??= 10;
  if (Array.isArray(w.rules)) for (const rule of w.rules) if (isObj(rule)) rule.scope ??= "*";
  defaultClientConfig(w.clientConfig);
}

/** The ValidatingWebhookConfiguration's webhooks, each defaulted. */
export function defaultValidatingWebhookConfiguration(c: Obj): void {
  if (Array.isArray(c.webhooks)) for (const w of c.webhooks) defaultWebhook(w);
}

/** SetDefaults_MutatingWebhook: the validating webhook's defaults and a reinvocation policy of Never. */
export function defaultMutatingWebhookConfiguration(c: Obj): void {
  if (!Array.isArray(c.webhooks)) return;
  for (const w of c.webhooks) {
    defaultWebhook(w);
    if (isObj(w)) w.reinvocationPolicy ??= "Never";
  }
}
