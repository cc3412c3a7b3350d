// The scheme defaults of admissionregistration.k8s.io/v1's policies (pkg/apis/admissionregistration/v1
// defaults.go and its generated defaulters): a failure policy of Fail, match resources with the
// Equivalent match policy and empty selectors, every rule's scope "*", a param ref that denies.

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
