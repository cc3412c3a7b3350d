// pkg/apis/admissionregistration/validation/validation_test.go (stored copy 025f2834), row by row:
// TestValidateValidatingAdmissionPolicy, TestValidateValidatingAdmissionPolicyUpdate,
// TestValidateValidatingAdmissionPolicyBinding, TestValidateValidatingAdmissionPolicyBindingUpdate and
// TestValidateValidatingAdmissionPolicyStatus. The Go tests ask that errs.ToAggregate().Error() contains the
// row's expectedError, and that there is no error when it is empty. Objects are the Go rows' internal
// objects, undefaulted.
//
// Read against v1.35's sources rather than the copy's text:
// - a list value prints as JSON (apimachinery v0.34+ ErrorBody): `["*/*","a"]`, not `[]string{"*/*", "a"}`;
// - the binding's matchResources errors: the copy expects `spec.matchResouces…`, the stored validation.go of
//   the same era has both spellings, the later copy (id 92619084) `fldPath.Child("matchResources")`, as
//   podflow has it; the rows expect the corrected path;
// - the copy's bindings name a paramRef without parameterNotFoundAction, which validateParamRef (every
//   stored validation.go of the v1.28+ line) requires: the rows expected to pass add `Deny`.
// - ValidateValidatingAdmissionPolicy(Binding)Update alone does not compare metadata; podflow's update
//   functions also run the registry's ValidateObjectMetaUpdate (rest.BeforeUpdate), which refuses the rows'
//   rename from `!!!` (no request can rename: the name is the URL's). Those two rows check that nothing
//   outside metadata is refused.
// The rows that need CEL's compiler ("invalid expression", "invalid messageExpression", "messageExpression of
// wrong type", the auditAnnotations valueExpression rows, "match condition with parameters not allowed if no
// param kind", the variable composition rows, the update rows "match conditions re-checked if paramKind
// changes" and "… NewExpression environment") compile through machines/apiserver/cel; a syntax error's
// text after "Syntax error:" is ANTLR's recovery message, which podflow's parser words otherwise (the rows
// keep what comes before it). Left out: the update row "expressions that are not changed must be compiled
// using the StoredExpression environment", whose test() the Go test adds to the stored environment only
// (kube-apiserver has no such function; podflow has one environment), and the status row "type checking
// bad json path" (client-go's JSONPath parser, which podflow does not have).

import { describe, expect, it } from "vitest";
import { aggregateMessage, fieldErrorMessage, type FieldError } from "../status.js";
import {
  validateValidatingAdmissionPolicy,
  validateValidatingAdmissionPolicyBinding,
  validateValidatingAdmissionPolicyBindingUpdate,
  validateValidatingAdmissionPolicyStatusUpdate,
  validateValidatingAdmissionPolicyUpdate,
} from "./admissionpolicy.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
function judge(errs: FieldError[], expected: string) {
  if (expected === "") expect(errs.map(fieldErrorMessage)).toEqual([]);
  else {
    expect(errs.length).toBeGreaterThan(0);
    expect(aggregateMessage(errs)).toContain(expected);
  }
}

const policy = (spec: any, name = "config") => ({ metadata: { name, resourceVersion: "1" }, spec });
const v100 = [{ expression: "object.x < 100" }];
const rule = (operations: any, resources = ["a"]) => ({ ...(operations === undefined ? {} : { operations }), apiGroups: ["a"], apiVersions: ["a"], resources });
const selectors = { namespaceSelector: { matchLabels: { a: "b" } }, objectSelector: { matchLabels: { a: "b" } } };
/** The Go rows' complete matchConstraints: selectors, matchPolicy Exact and the given rules. */
const fullMatch = (resourceRules: any[]) => ({ ...selectors, matchPolicy: "Exact", resourceRules });

describe("TestValidateValidatingAdmissionPolicy", () => {
  const rows: [string, any, string][] = [
    ["metadata.name validation", policy({}, "!!!!"), 'metadata.name: Invalid value: "!!!!":'],
    ["failure policy validation", policy({ failurePolicy: "other", validations: v100 }), 'spec.failurePolicy: Unsupported value: "other": supported values: "Fail", "Ignore"'],
    ["failure policy validation (no validations)", policy({ failurePolicy: "other" }), 'spec.failurePolicy: Unsupported value: "other": supported values: "Fail", "Ignore"'],
    ["API version is required in ParamKind", policy({ validations: v100, paramKind: { kind: "Example", apiVersion: "test.example.com" } }), 'spec.paramKind.apiVersion: Invalid value: "test.example.com"'],
    ["API kind is required in ParamKind", policy({ validations: v100, paramKind: { apiVersion: "test.example.com/v1" } }), "spec.paramKind.kind: Required value"],
    ["API version format in ParamKind", policy({ validations: v100, paramKind: { kind: "Example", apiVersion: "test.example.com/!!!" } }), 'pec.paramKind.apiVersion: Invalid value: "!!!":'],
    ["API group format in ParamKind", policy({ validations: v100, paramKind: { apiVersion: "!!!/v1", kind: "ReplicaLimit" } }), 'pec.paramKind.apiVersion: Invalid value: "!!!":'],
    ["Validations is required", policy({}), "spec.validations: Required value: validations or auditAnnotations must contain at least one item"],
    ["Invalid Validations Reason", policy({ validations: [{ expression: "object.x < 100", reason: "other" }] }), 'spec.validations[0].reason: Unsupported value: "other"'],
    ["MatchConstraints is required", policy({ validations: v100 }), "spec.matchConstraints: Required value"],
    ["matchConstraints.resourceRules is required", policy({ validations: v100, matchConstraints: {} }), "spec.matchConstraints.resourceRules: Required value"],
    ["matchConstraints.resourceRules has at least one explicit rule", policy({ validations: v100, matchConstraints: { resourceRules: [{ resourceNames: ["/./."] }] } }), "spec.matchConstraints.resourceRules[0].apiVersions: Required value"],
    ["expression is required", policy({ validations: [{}] }), "spec.validations[0].expression: Required value: expression is not specified"],
    ["matchResources resourceNames check", policy({ validations: v100, matchConstraints: { resourceRules: [{ resourceNames: ["/./."] }] } }), 'spec.matchConstraints.resourceRules[0].resourceNames[0]: Invalid value: "/./."'],
    ["matchResources resourceNames cannot duplicate", policy({ validations: v100, matchConstraints: { resourceRules: [{ resourceNames: ["test", "test"] }] } }), 'spec.matchConstraints.resourceRules[0].resourceNames[1]: Duplicate value: "test"'],
    ["matchResources validation: matchPolicy", policy({ validations: v100, matchConstraints: { matchPolicy: "other" } }), 'spec.matchConstraints.matchPolicy: Unsupported value: "other": supported values: "Equivalent", "Exact"'],
    ["Operations must not be empty or nil", policy({
      validations: v100, failurePolicy: "Fail",
      matchConstraints: { ...fullMatch([rule([]), rule(undefined)]), excludeResourceRules: [rule([]), rule(undefined)] },
    }), "spec.matchConstraints.resourceRules[0].operations: Required value, spec.matchConstraints.resourceRules[1].operations: Required value, spec.matchConstraints.excludeResourceRules[0].operations: Required value, spec.matchConstraints.excludeResourceRules[1].operations: Required value"],
    ['"" is NOT a valid operation', policy({ validations: v100, matchConstraints: { resourceRules: [rule(["CREATE", ""])] } }), 'Unsupported value: ""'],
    ["operation must be either create/update/delete/connect", policy({ validations: v100, matchConstraints: { resourceRules: [rule(["PATCH"])] } }), 'Unsupported value: "PATCH"'],
    ["wildcard operation cannot be mixed with other strings", policy({ validations: v100, matchConstraints: { resourceRules: [rule(["CREATE", "*"])] } }), "if '*' is present, must not specify other operations"],
    ['resource "*" can co-exist with resources that have subresources', policy({ failurePolicy: "Fail", validations: v100, matchConstraints: fullMatch([rule(["CREATE"], ["*", "a/b", "a/*", "*/b"])]) }), ""],
    ["resource \"*\" cannot mix with resources that don't have subresources", policy({ validations: v100, matchConstraints: { resourceRules: [rule(["CREATE"], ["*", "a"])] } }), "if '*' is present, must not specify other resources without subresources"],
    ["resource a/* cannot mix with a/x", policy({ validations: v100, matchConstraints: { resourceRules: [rule(["CREATE"], ["a/*", "a/x"])] } }), `spec.matchConstraints.resourceRules[0].resources[1]: Invalid value: "a/x": if 'a/*' is present, must not specify a/x`],
    ["resource a/* can mix with a", policy({ failurePolicy: "Fail", validations: v100, matchConstraints: fullMatch([rule(["CREATE"], ["a/*", "a"])]) }), ""],
    ["resource */a cannot mix with x/a", policy({ validations: v100, matchConstraints: { resourceRules: [rule(["CREATE"], ["*/a", "x/a"])] } }), `spec.matchConstraints.resourceRules[0].resources[1]: Invalid value: "x/a": if '*/a' is present, must not specify x/a`],
    ["resource */* cannot mix with other resources", policy({ validations: v100, matchConstraints: { resourceRules: [rule(["CREATE"], ["*/*", "a"])] } }), `spec.matchConstraints.resourceRules[0].resources: Invalid value: ["*/*","a"]: if '*/*' is present, must not specify other resources`],
    ["invalid auditAnnotations key due to key name", policy({ auditAnnotations: [{ key: "@", valueExpression: "value" }] }), 'spec.auditAnnotations[0].key: Invalid value: "config/@": name part must consist of alphanumeric characters'],
    ["auditAnnotations keys must be unique", policy({ auditAnnotations: [{ key: "a", valueExpression: "'1'" }, { key: "a", valueExpression: "'2'" }] }), 'spec.auditAnnotations[1].key: Duplicate value: "a"'],
    ["invalid auditAnnotations key due to metadata.name", policy({ auditAnnotations: [{ key: "key", valueExpression: "'value'" }] }, "nope!"), 'spec.auditAnnotations[0].key: Invalid value: "nope!/key": prefix part a lowercase RFC 1123 subdomain'],
    ["invalid auditAnnotations key due to length", policy({ auditAnnotations: [{ key: "this-is-a-long-name-for-an-audit-annotation-key-xxxxxxxxxxxxxxxxxxxxxxxxxx", valueExpression: "'value'" }] }, "this-is-a-long-name-for-a-admission-policy-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), "spec.auditAnnotations[0].key: Invalid value"],
    ["single match condition must have a name", policy({ matchConditions: [{ expression: "true" }], validations: v100 }), "spec.matchConditions[0].name: Required value"],
    ["match condition with parameters allowed", policy({
      paramKind: { kind: "Foo", apiVersion: "foobar/v1alpha1" }, matchConstraints: fullMatch([rule(["*"])]), failurePolicy: "Fail",
      matchConditions: [{ name: "hasParams", expression: 'params.foo == "okay"' }], validations: v100,
    }), ""],
    ["invalid expression", policy({ validations: [{ expression: "object.x in [1, 2, " }], matchConstraints: { resourceRules: [rule(["CREATE"], ["*/*"])] } }), `spec.validations[0].expression: Invalid value: "object.x in [1, 2, ": compilation failed: ERROR: <input>:1:20: Syntax error: `],
    ["invalid messageExpression", policy({ validations: [{ expression: "true", messageExpression: "object.x in [1, 2, " }], matchConstraints: { resourceRules: [rule(["CREATE"], ["*/*"])] } }), `spec.validations[0].messageExpression: Invalid value: "object.x in [1, 2, ": compilation failed: ERROR: <input>:1:20: Syntax error: `],
    ["messageExpression of wrong type", policy({ validations: [{ expression: "true", messageExpression: "0 == 0" }], matchConstraints: { resourceRules: [rule(["CREATE"], ["*/*"])] } }), 'spec.validations[0].messageExpression: Invalid value: "0 == 0": must evaluate to string'],
    ["invalid auditAnnotations valueExpression type", policy({ auditAnnotations: [{ key: "something", valueExpression: "true" }] }), 'spec.auditAnnotations[0].valueExpression: Invalid value: "true": must evaluate to one of [string null_type]'],
    ["invalid auditAnnotations valueExpression", policy({ auditAnnotations: [{ key: "something", valueExpression: "object.x in [1, 2, " }] }), "spec.auditAnnotations[0].valueExpression: Invalid"],
    ["match condition with parameters not allowed if no param kind", policy({
      matchConstraints: fullMatch([rule(["*"])]), failurePolicy: "Fail", matchConditions: [{ name: "hasParams", expression: 'params.foo == "okay"' }], validations: v100,
    }), "undeclared reference to 'params'"],
    ["variable composition cannot compile", policy({ variables: [{ name: "foo", expression: "114 + '514'" }], validations: [{ expression: "true" }] }), `spec.variables[0].expression: Invalid value: "114 + '514'": compilation failed: ERROR: <input>:1:5: found no matching overload for '_+_' applied to '(int, string)`],
    ["validation referred to non-existing variable", policy({
      variables: [{ name: "foo", expression: "1 + 1" }, { name: "bar", expression: "variables.foo + 1" }], validations: [{ expression: "variables.foo > 1" }, { expression: "variables.replicas == 2" }],
    }), `spec.validations[1].expression: Invalid value: "variables.replicas == 2": compilation failed: ERROR: <input>:1:10: undefined field 'replicas'`],
    ["variables wrong order", policy({
      variables: [{ name: "correct", expression: "object" }, { name: "bar", expression: "variables.foo + 1" }, { name: "foo", expression: "1 + 1" }], validations: [{ expression: "variables.foo > 1" }],
    }), `spec.variables[1].expression: Invalid value: "variables.foo + 1": compilation failed: ERROR: <input>:1:10: undefined field 'foo'`],
  ];
  for (const [name, p, expected] of rows) it(name, () => judge(validateValidatingAdmissionPolicy(p), expected));
});

/** validatingAdmissionPolicyWithExpressions: a complete policy (failurePolicy Ignore) around the given expressions. */
const withExpressions = (matchConditions: any, validations: any, auditAnnotations: any) =>
  policy({ matchConstraints: fullMatch([rule(["*"])]), failurePolicy: "Ignore", ...(matchConditions ? { matchConditions } : {}), ...(validations ? { validations } : {}), ...(auditAnnotations ? { auditAnnotations } : {}) });

describe("TestValidateValidatingAdmissionPolicyUpdate", () => {
  const hasParams = [{ name: "hasParams", expression: 'params.foo == "okay"' }];
  const rows: [string, any, any, string][] = [
    ["should pass on valid new ValidatingAdmissionPolicy",
      policy({ failurePolicy: "Fail", validations: v100, matchConstraints: fullMatch([rule(["CREATE"])]) }),
      policy({ validations: v100, matchConstraints: { resourceRules: [rule(["CREATE"])] } }), ""],
    ["match conditions not re-checked if no change to paramKind or matchConditions",
      policy({ matchConstraints: fullMatch([rule(["*"])]), failurePolicy: "Ignore", matchConditions: hasParams, validations: [{ expression: "object.x < 50" }] }),
      policy({ matchConstraints: fullMatch([rule(["*"])]), failurePolicy: "Fail", matchConditions: hasParams, validations: v100 }), ""],
    ["match conditions re-checked if paramKind changes",
      policy({ matchConstraints: fullMatch([rule(["*"])]), failurePolicy: "Fail", matchConditions: hasParams, validations: v100 }),
      policy({ paramKind: { kind: "Foo", apiVersion: "foobar/v1alpha1" }, matchConstraints: fullMatch([rule(["*"])]), failurePolicy: "Fail", matchConditions: hasParams, validations: v100 }),
      "undeclared reference to 'params'"],
    ["matchCondition expressions that are changed must be compiled using the NewExpression environment",
      withExpressions([{ name: "checkEnvironmentMode", expression: "test() == true" }], null, null), withExpressions([{ name: "checkEnvironmentMode", expression: "true" }], null, null), "undeclared reference to 'test'"],
    ["validation expressions that are changed must be compiled using the NewExpression environment",
      withExpressions(null, [{ expression: "test() == true" }], null), withExpressions(null, [{ expression: "true" }], null), "undeclared reference to 'test'"],
    ["validation messageExpressions that are changed must be compiled using the NewExpression environment",
      withExpressions(null, [{ expression: "true", messageExpression: "string(test())" }], null), withExpressions(null, [{ expression: "true", messageExpression: "'test'" }], null), "undeclared reference to 'test'"],
    ["auditAnnotation valueExpressions that are changed must be compiled using the NewExpression environment",
      withExpressions(null, null, [{ key: "checkEnvironmentMode", valueExpression: "string(test())" }]), withExpressions(null, null, [{ key: "checkEnvironmentMode", valueExpression: "'test'" }]), "undeclared reference to 'test'"],
  ];
  for (const [name, p, old, expected] of rows) it(name, () => judge(validateValidatingAdmissionPolicyUpdate(p, old), expected));

  it("should pass on valid new ValidatingAdmissionPolicy with invalid old ValidatingAdmissionPolicy (nothing outside metadata refused)", () => {
    const errs = validateValidatingAdmissionPolicyUpdate(policy({ failurePolicy: "Fail", validations: v100, matchConstraints: fullMatch([rule(["CREATE"])]) }), policy({}, "!!!"));
    expect(errs.filter((e) => !e.field.startsWith("metadata.")).map(fieldErrorMessage)).toEqual([]);
  });

  it("an unchanged matchConditions list is not judged again, a changed one is (ignoreValidatingAdmissionPolicyMatchConditions)", () => {
    const stored = withExpressions([{ name: "-bad", expression: "true" }], v100, null);
    expect(validateValidatingAdmissionPolicyUpdate(stored, stored)).toEqual([]);
    const changed = withExpressions([{ name: "-bad", expression: "false" }], v100, null);
    judge(validateValidatingAdmissionPolicyUpdate(changed, stored), 'spec.matchConditions[0].name: Invalid value: "-bad"');
  });
});

const binding = (spec: any, name = "config") => ({ metadata: { name, resourceVersion: "1" }, spec });
const paramRef = { name: "xyzlimit-scale-setting.example.com" };
/** The copy's paramRef with the parameterNotFoundAction v1.35 requires, for the rows expected to pass. */
const paramRefDeny = { ...paramRef, parameterNotFoundAction: "Deny" };
const policyName = "xyzlimit-scale.example.com";

describe("TestValidateValidatingAdmissionPolicyBinding", () => {
  const rows: [string, any, string][] = [
    ["metadata.name validation", binding({}, "!!!!"), 'metadata.name: Invalid value: "!!!!":'],
    ["PolicyName is required", binding({}), "spec.policyName: Required value"],
    ["matchResources validation: matchPolicy", binding({ policyName, paramRef, matchResources: { matchPolicy: "other" } }), 'spec.matchResources.matchPolicy: Unsupported value: "other": supported values: "Equivalent", "Exact"'],
    ["Operations must not be empty or nil", binding({ policyName, paramRef, matchResources: { resourceRules: [rule([]), rule(undefined)], excludeResourceRules: [rule([]), rule(undefined)] } }),
      "spec.matchResources.resourceRules[0].operations: Required value, spec.matchResources.resourceRules[1].operations: Required value, spec.matchResources.excludeResourceRules[0].operations: Required value, spec.matchResources.excludeResourceRules[1].operations: Required value"],
    ['"" is NOT a valid operation', binding({ policyName, paramRef, matchResources: { resourceRules: [rule(["CREATE", ""])] } }), 'Unsupported value: ""'],
    ["operation must be either create/update/delete/connect", binding({ policyName, paramRef, matchResources: { resourceRules: [rule(["PATCH"])] } }), 'Unsupported value: "PATCH"'],
    ["wildcard operation cannot be mixed with other strings", binding({ policyName, paramRef, validationActions: ["Deny"], matchResources: { resourceRules: [rule(["CREATE", "*"])] } }), "if '*' is present, must not specify other operations"],
    ['resource "*" can co-exist with resources that have subresources', binding({ policyName, paramRef: paramRefDeny, validationActions: ["Deny"], matchResources: fullMatch([rule(["CREATE"], ["*", "a/b", "a/*", "*/b"])]) }), ""],
    ["resource \"*\" cannot mix with resources that don't have subresources", binding({ policyName, paramRef, validationActions: ["Deny"], matchResources: { resourceRules: [rule(["CREATE"], ["*", "a"])] } }), "if '*' is present, must not specify other resources without subresources"],
    ["resource a/* cannot mix with a/x", binding({ policyName, paramRef, validationActions: ["Deny"], matchResources: { resourceRules: [rule(["CREATE"], ["a/*", "a/x"])] } }), `spec.matchResources.resourceRules[0].resources[1]: Invalid value: "a/x": if 'a/*' is present, must not specify a/x`],
    ["resource a/* can mix with a", binding({ policyName, paramRef: paramRefDeny, validationActions: ["Deny"], matchResources: fullMatch([rule(["CREATE"], ["a/*", "a"])]) }), ""],
    ["resource */a cannot mix with x/a", binding({ policyName, paramRef, validationActions: ["Deny"], matchResources: { resourceRules: [rule(["CREATE"], ["*/a", "x/a"])] } }), `spec.matchResources.resourceRules[0].resources[1]: Invalid value: "x/a": if '*/a' is present, must not specify x/a`],
    ["resource */* cannot mix with other resources", binding({ policyName, paramRef, validationActions: ["Deny"], matchResources: { resourceRules: [rule(["CREATE"], ["*/*", "a"])] } }), `spec.matchResources.resourceRules[0].resources: Invalid value: ["*/*","a"]: if '*/*' is present, must not specify other resources`],
    ["validationActions must be unique", binding({ policyName, paramRef, validationActions: ["Deny", "Deny"] }), 'spec.validationActions[1]: Duplicate value: "Deny"'],
    ["validationActions must contain supported values", binding({ policyName, paramRef, validationActions: ["illegal"] }), 'Unsupported value: "illegal": supported values: "Audit", "Deny", "Warn"'],
  ];
  for (const [name, b, expected] of rows) it(name, () => judge(validateValidatingAdmissionPolicyBinding(b), expected));
});

describe("TestValidateValidatingAdmissionPolicyBindingUpdate", () => {
  const valid = () => binding({ policyName, paramRef: paramRefDeny, validationActions: ["Deny"], matchResources: fullMatch([rule(["CREATE"])]) });
  it("should pass on valid new ValidatingAdmissionPolicyBinding", () => judge(validateValidatingAdmissionPolicyBindingUpdate(valid(), valid()), ""));
  it("should pass on valid new ValidatingAdmissionPolicyBinding with invalid old ValidatingAdmissionPolicyBinding (nothing outside metadata refused)", () => {
    const errs = validateValidatingAdmissionPolicyBindingUpdate(valid(), binding({}, "!!!"));
    expect(errs.filter((e) => !e.field.startsWith("metadata.")).map(fieldErrorMessage)).toEqual([]);
  });
});

describe("TestValidateValidatingAdmissionPolicyStatus", () => {
  const withStatus = (status: any) => ({ metadata: { name: "config", resourceVersion: "1" }, status });
  const rows: [string, any, string][] = [
    ["empty", {}, ""],
    ["type checking", { typeChecking: { expressionWarnings: [{ fieldRef: "spec.validations[0].expression", warning: "message" }] } }, ""],
    ["type checking missing warning", { typeChecking: { expressionWarnings: [{ fieldRef: "spec.validations[0].expression" }] } }, "Required value"],
    ["type checking missing fieldRef", { typeChecking: { expressionWarnings: [{ warning: "message" }] } }, "Required value"],
  ];
  for (const [name, status, expected] of rows) it(name, () => judge(validateValidatingAdmissionPolicyStatusUpdate(withStatus(status), withStatus({})), expected));
});
