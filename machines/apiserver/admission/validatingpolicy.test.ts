// The ValidatingAdmissionPolicy plugin's decisions, against k8s.io/apiserver v0.35
// pkg/admission/plugin/policy: validating/dispatcher.go (messages, actions, audit annotations),
// validator.go (message fallbacks, reasons, failure policy), policy_decision.go (reasonToCode),
// generic/policy_dispatcher.go CollectParams (its errors, as admission_test.go's
// TestNativeTypeParam/TestParamRef* expect them), matching/matching.go (exclusions, resourceNames).

import { describe, expect, it } from "vitest";
import { collectParams, dispatchPolicies, matchResourcesMatch, type ParamSource, type PolicyWorld } from "./validatingpolicy.js";
import type { WebhookAttributes } from "./webhooks.js";

const deployment = (replicas: number, labels: Record<string, string> = {}) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "nginx", namespace: "test", labels }, spec: { replicas } });
const create = (obj: any, extra: Partial<WebhookAttributes> = {}): WebhookAttributes => ({
  operation: "CREATE", group: "apps", version: "v1", resource: "deployments", subresource: "", kind: "Deployment", name: "nginx", namespace: "test",
  object: obj, dryRun: false, user: { name: "alice", groups: ["system:authenticated"] }, ...extra,
});
const rule = { apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["deployments"], scope: "*" };
const policy = (name: string, spec: any) => ({ metadata: { name }, spec: { failurePolicy: "Fail", matchConstraints: { resourceRules: [rule], namespaceSelector: {}, objectSelector: {}, matchPolicy: "Equivalent" }, ...spec } });
const binding = (name: string, policyName: string, actions: string[], spec: any = {}) => ({ metadata: { name }, spec: { policyName, validationActions: actions, ...spec } });
const namespaces: Record<string, any> = { test: { metadata: { name: "test", labels: { environment: "test" } } }, other: { metadata: { name: "other" } } };
const configMaps: any[] = [
  { metadata: { name: "limit", namespace: "test", labels: { tier: "a" } }, data: { max: "3" } },
  { metadata: { name: "limit2", namespace: "test", labels: { tier: "a" } }, data: { max: "8" } },
];
const configMapSource: ParamSource = { namespaced: true, list: (ns) => configMaps.filter((c) => c.metadata.namespace === ns) };
const world = (policies: any[], bindings: any[], extra: Partial<PolicyWorld> = {}): PolicyWorld => ({
  policies, bindings,
  namespace: (n) => (Object.hasOwn(namespaces, n) ? namespaces[n] : undefined),
  paramSource: (apiVersion, kind) => (apiVersion === "v1" && kind === "ConfigMap" ? configMapSource : undefined),
  authorize: () => ({ allowed: false, reason: "" }),
  ...extra,
});
const replicas = policy("demo-policy.example.com", { validations: [{ expression: "object.spec.replicas <= 5" }] });

describe("dispatchPolicies: what a failed validation does, by the binding's actions", () => {
  it("Deny: 422 Invalid by default, the message admission.NewForbidden's, the cause the policy's words", () => {
    const v = dispatchPolicies(create(deployment(6)), world([replicas], [binding("demo-binding", "demo-policy.example.com", ["Deny"])]));
    const text = "ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'demo-binding' denied request: failed expression: object.spec.replicas <= 5";
    expect(v.error).toEqual({
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `deployments.apps "nginx" is forbidden: ${text}`, reason: "Invalid",
      details: { name: "nginx", group: "apps", kind: "deployments", causes: [{ message: text }] }, code: 422,
    });
    expect(dispatchPolicies(create(deployment(5)), world([replicas], [binding("demo-binding", "demo-policy.example.com", ["Deny"])])).error).toBeUndefined();
  });

  it("Warn gives the warning, Audit the validation_failure annotation; neither refuses", () => {
    const v = dispatchPolicies(create(deployment(6)), world([replicas], [binding("b", "demo-policy.example.com", ["Warn", "Audit"])]));
    expect(v.error).toBeUndefined();
    expect(v.warnings).toEqual(["Validation failed for ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'b': failed expression: object.spec.replicas <= 5"]);
    expect(v.annotations).toEqual([["validation.policy.admission.k8s.io/validation_failure", '[{"message":"failed expression: object.spec.replicas <= 5","policy":"demo-policy.example.com","binding":"b","expressionIndex":0,"validationActions":["Warn","Audit"]}]']]);
  });

  it("reason picks the code (reasonToCode); message, then the expression, words a failure; a messageExpression's string comes first", () => {
    const p = policy("p", {
      validations: [
        { expression: "object.spec.replicas < 1", reason: "Forbidden", message: "  too many  " },
        { expression: "false", reason: "RequestEntityTooLarge", messageExpression: "'replicas: ' + string(object.spec.replicas)" },
      ],
    });
    const v = dispatchPolicies(create(deployment(6)), world([p], [binding("b", "p", ["Deny", "Audit"])]));
    expect([v.error?.code, v.error?.reason, v.error?.details?.causes]).toEqual([403, "Forbidden", [{ message: "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: too many" }]]);
    const audited = JSON.parse(v.annotations[0]![1]);
    expect(audited.map((f: any) => [f.expressionIndex, f.message])).toEqual([[0, "too many"], [1, "replicas: 6"]]);
  });

  it("a messageExpression with a line break or no string falls back to the message", () => {
    const p = policy("p", { validations: [{ expression: "false", message: "fallback", messageExpression: "'a\\nb'" }, { expression: "false", messageExpression: "object.spec.missing" }] });
    const v = dispatchPolicies(create(deployment(1)), world([p], [binding("b", "p", ["Warn"])]));
    expect(v.warnings).toEqual([
      "Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': fallback",
      "Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': failed expression: false",
    ]);
  });

  it("an evaluation error denies under failurePolicy Fail with the expression's error, and passes under Ignore", () => {
    const p = (failurePolicy: string) => policy("p", { failurePolicy, validations: [{ expression: "object.spec.missing == 1" }] });
    const fail = dispatchPolicies(create(deployment(1)), world([p("Fail")], [binding("b", "p", ["Deny"])]));
    expect(fail.error?.details?.causes?.[0]?.message).toBe("ValidatingAdmissionPolicy 'p' with binding 'b' denied request: expression 'object.spec.missing == 1' resulted in error: no such key: missing");
    expect(dispatchPolicies(create(deployment(1)), world([p("Ignore")], [binding("b", "p", ["Deny"])])).error).toBeUndefined();
  });

  it("a policy whose expression does not compile fails its matched requests per failurePolicy", () => {
    const p = policy("p", { validations: [{ expression: "nope == 1" }] });
    const v = dispatchPolicies(create(deployment(1)), world([p], [binding("b", "p", ["Deny"])]));
    expect(v.error?.details?.causes?.[0]?.message).toMatch(/^ValidatingAdmissionPolicy 'p' with binding 'b' denied request: compilation error: compilation failed: ERROR: <input>:1:1: undeclared reference to 'nope'/);
  });

  it("a policy without a binding, or a binding of another policy, does nothing", () => {
    expect(dispatchPolicies(create(deployment(9)), world([replicas], [])).error).toBeUndefined();
    expect(dispatchPolicies(create(deployment(9)), world([replicas], [binding("b", "other", ["Deny"])])).error).toBeUndefined();
  });
});

describe("dispatchPolicies: matching, match conditions, variables", () => {
  it("the binding's namespaceSelector takes the namespace by its labels; excludeResourceRules and resourceNames narrow", () => {
    const b = binding("b", "demo-policy.example.com", ["Deny"], { matchResources: { namespaceSelector: { matchLabels: { environment: "test" } }, objectSelector: {}, matchPolicy: "Equivalent" } });
    expect(dispatchPolicies(create(deployment(6)), world([replicas], [b])).error?.code).toBe(422);
    expect(dispatchPolicies(create({ ...deployment(6), metadata: { name: "nginx", namespace: "other" } }, { namespace: "other" }), world([replicas], [b])).error).toBeUndefined();
    const excluded = { namespaceSelector: {}, objectSelector: {}, resourceRules: [rule], excludeResourceRules: [{ ...rule, resourceNames: ["nginx"] }] };
    expect(matchResourcesMatch(excluded, create(deployment(6)), () => ({}))).toBe(false);
    expect(matchResourcesMatch(excluded, create(deployment(6), { name: "other" }), () => ({}))).toBe(true);
    expect(matchResourcesMatch({ resourceRules: [{ ...rule, resourceNames: ["x"] }] }, create(deployment(6)), () => ({}))).toBe(false);
  });

  it("matchConditions: any false skips the policy; an error fails it under Fail", () => {
    const p = (expr: string) => policy("p", { matchConditions: [{ name: "a", expression: "true" }, { name: "b", expression: expr }], validations: [{ expression: "false" }] });
    const b = [binding("b", "p", ["Deny"])];
    expect(dispatchPolicies(create(deployment(1)), world([p("object.metadata.name != 'nginx'")], b)).error).toBeUndefined();
    expect(dispatchPolicies(create(deployment(1)), world([p("object.metadata.name == 'nginx'")], b)).error?.code).toBe(422);
    expect(dispatchPolicies(create(deployment(1)), world([p("object.spec.nope == true")], b)).error?.details?.causes?.[0]?.message).toBe("ValidatingAdmissionPolicy 'p' with binding 'b' denied request: expression 'object.spec.nope == true' resulted in error: no such key: nope");
    // an expression that may give something other than a bool does not compile: a match condition's error, not a skip
    expect(dispatchPolicies(create(deployment(1)), world([p("object.spec.replicas")], b)).error?.details?.causes?.[0]?.message).toBe("ValidatingAdmissionPolicy 'p' with binding 'b' denied request: compilation error: must evaluate to bool but got dyn");
  });

  it("variables compose and are lazy: one that fails is an error only where it is read", () => {
    const p = policy("p", {
      variables: [{ name: "reps", expression: "object.spec.replicas" }, { name: "double", expression: "variables.reps * 2" }, { name: "broken", expression: "object.spec.nope" }],
      validations: [{ expression: "variables.double <= 10", messageExpression: "'double is ' + string(variables.double)" }],
    });
    const v = dispatchPolicies(create(deployment(6)), world([p], [binding("b", "p", ["Deny"])]));
    expect(v.error?.details?.causes?.[0]?.message).toBe("ValidatingAdmissionPolicy 'p' with binding 'b' denied request: double is 12");
    const reading = policy("q", { variables: [{ name: "broken", expression: "object.spec.nope" }], validations: [{ expression: "variables.broken == 1" }] });
    const r = dispatchPolicies(create(deployment(6)), world([reading], [binding("b", "q", ["Deny"])]));
    expect(r.error?.details?.causes?.[0]?.message).toContain('composited variable "broken" fails to evaluate: no such key: nope');
  });

  it("the request, oldObject and namespaceObject variables", () => {
    const p = policy("p", { validations: [{ expression: "request.operation == 'UPDATE' && oldObject.spec.replicas < object.spec.replicas && namespaceObject.metadata.labels.environment == 'test' && request.userInfo.username == 'alice'" }] });
    const update = create(deployment(6), { operation: "UPDATE", oldObject: deployment(5) });
    expect(dispatchPolicies(update, world([p], [binding("b", "p", ["Deny"])])).error).toBeUndefined();
    expect(dispatchPolicies(create(deployment(6)), world([p], [binding("b", "p", ["Deny"])])).error?.code).toBe(422);
  });

  it("auditAnnotations: a string is published under the policy's name, null is left out", () => {
    const p = policy("p", { auditAnnotations: [{ key: "replicas", valueExpression: "'r=' + string(object.spec.replicas)" }, { key: "none", valueExpression: "null" }] });
    const v = dispatchPolicies(create(deployment(6)), world([p], [binding("b", "p", ["Audit"])]));
    expect(v.annotations).toEqual([["p/replicas", "r=6"]]);
  });
});

describe("collectParams and params (CollectParams)", () => {
  const pk = { apiVersion: "v1", kind: "ConfigMap" };
  it("no paramKind, or no paramRef: evaluated once with null params", () => {
    expect(collectParams(undefined, configMapSource, { name: "limit" }, "test")).toEqual({ params: [null] });
    expect(collectParams(pk, configMapSource, undefined, "test")).toEqual({ params: [null] });
  });
  it("a name in the request's namespace, or the one paramRef names; a selector takes each match", () => {
    expect(collectParams(pk, configMapSource, { name: "limit", parameterNotFoundAction: "Deny" }, "test")).toMatchObject({ params: [{ metadata: { name: "limit" }, apiVersion: "v1", kind: "ConfigMap" }] });
    expect(collectParams(pk, configMapSource, { name: "limit", namespace: "other", parameterNotFoundAction: "Allow" }, "test")).toEqual({ params: [] });
    expect((collectParams(pk, configMapSource, { selector: { matchLabels: { tier: "a" } }, parameterNotFoundAction: "Deny" }, "test") as any).params.map((p: any) => p.metadata.name)).toEqual(["limit", "limit2"]);
  });
  it("the configuration errors", () => {
    expect(collectParams(pk, configMapSource, { name: "nope", parameterNotFoundAction: "Deny" }, "test")).toEqual({ error: "no params found for policy binding with `Deny` parameterNotFoundAction" });
    expect(collectParams(pk, configMapSource, { name: "limit", parameterNotFoundAction: "Deny" }, "")).toEqual({ error: "cannot use namespaced paramRef in policy binding that matches cluster-scoped resources" });
    expect(collectParams(pk, { namespaced: false, list: () => [] }, { name: "x", namespace: "a", parameterNotFoundAction: "Deny" }, "test")).toEqual({ error: "paramRef.namespace must not be provided for a cluster-scoped `paramKind`" });
  });
  it("one evaluation per param: the first denial is the request's", () => {
    const p = policy("p", { paramKind: pk, validations: [{ expression: "object.spec.replicas <= int(params.data.max)", messageExpression: "'max ' + params.data.max" }] });
    const b = binding("b", "p", ["Warn"], { paramRef: { selector: {}, parameterNotFoundAction: "Deny" } });
    expect(dispatchPolicies(create(deployment(6)), world([p], [b])).warnings).toEqual(["Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': max 3"]);
    const missingKind = policy("p", { paramKind: { apiVersion: "example.com/v1", kind: "Limit" }, validations: [{ expression: "true" }] });
    expect(dispatchPolicies(create(deployment(6)), world([missingKind], [binding("b", "p", ["Deny"])])).error?.details?.causes?.[0]?.message).toBe("ValidatingAdmissionPolicy 'p' denied request: failed to configure policy: failed to find resource referenced by paramKind: 'example.com/v1, Kind=Limit'");
  });
});
