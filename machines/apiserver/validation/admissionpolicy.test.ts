// ValidateValidatingAdmissionPolicy and ...Binding against pkg/apis/admissionregistration/validation
// (validateValidatingAdmissionPolicySpec, validateMatchResources, validateRule, validateResources,
// validateValidationActions, validateParamRef), objects as the scheme's defaults leave them.

import { describe, expect, it } from "vitest";
import { validateValidatingAdmissionPolicy, validateValidatingAdmissionPolicyBinding, validateValidatingAdmissionPolicyStatusUpdate } from "./admissionpolicy.js";

const rule = (o: object = {}) => ({ apiGroups: ["a"], apiVersions: ["a"], operations: ["CREATE"], resources: ["a"], scope: "*", ...o });
const match = (o: object = {}) => ({ matchPolicy: "Equivalent", namespaceSelector: {}, objectSelector: {}, resourceRules: [rule()], ...o });
const policy = (spec: object) => ({ metadata: { name: "config" }, spec: { failurePolicy: "Fail", matchConstraints: match(), validations: [{ expression: "object.x < 100" }], ...spec } });
const binding = (spec: object) => ({ metadata: { name: "config" }, spec: { policyName: "xyzlimit-scale.example.com", validationActions: ["Deny"], ...spec } });
const causes = (errs: { field: string; type: string; detail?: string }[]) => errs.map((e) => [e.field, e.type, e.detail ?? ""]);

describe("ValidateValidatingAdmissionPolicy", () => {
  it.each([
    ["valid", policy({}), []],
    ["no validations and no audit annotations", policy({ validations: [] }), [
      ["spec.validations", "FieldValueRequired", "validations or auditAnnotations must contain at least one item"],
      ["spec.auditAnnotations", "FieldValueRequired", "validations or auditAnnotations must contain at least one item"],
    ]],
    ["an empty expression", policy({ validations: [{ expression: "  " }] }), [["spec.validations[0].expression", "FieldValueRequired", "expression is not specified"]]],
    ["a message with a line break", policy({ validations: [{ expression: "true", message: "a\nb" }] }), [["spec.validations[0].message", "FieldValueInvalid", "message must not contain line breaks"]]],
    ["an unknown reason", policy({ validations: [{ expression: "true", reason: "Other" }] }), [["spec.validations[0].reason", "FieldValueNotSupported", 'supported values: "Forbidden", "Invalid", "RequestEntityTooLarge"']]],
    ["no match constraints", policy({ matchConstraints: undefined }), [["spec.matchConstraints", "FieldValueRequired", ""]]],
    ["no resource rules", policy({ matchConstraints: match({ resourceRules: [] }) }), [["spec.matchConstraints.resourceRules", "FieldValueRequired", ""]]],
    ["an unknown failure policy", policy({ failurePolicy: "other" }), [["spec.failurePolicy", "FieldValueNotSupported", 'supported values: "Fail", "Ignore"']]],
    ["a wildcard operation among others", policy({ matchConstraints: match({ resourceRules: [rule({ operations: ["CREATE", "*"] })] }) }), [
      ["spec.matchConstraints.resourceRules[0].operations", "FieldValueInvalid", "if '*' is present, must not specify other operations"],
    ]],
    ["no API groups", policy({ matchConstraints: match({ resourceRules: [rule({ apiGroups: [] })] }) }), [["spec.matchConstraints.resourceRules[0].apiGroups", "FieldValueRequired", ""]]],
    ["*/* with another resource", policy({ matchConstraints: match({ resourceRules: [rule({ resources: ["*/*", "a"] })] }) }), [
      ["spec.matchConstraints.resourceRules[0].resources", "FieldValueInvalid", "if '*/*' is present, must not specify other resources"],
    ]],
    ["a/* then a/x", policy({ matchConstraints: match({ resourceRules: [rule({ resources: ["a/*", "a/x"] })] }) }), [
      ["spec.matchConstraints.resourceRules[0].resources[1]", "FieldValueInvalid", "if 'a/*' is present, must not specify a/x"],
    ]],
    ["an unknown scope", policy({ matchConstraints: match({ resourceRules: [rule({ scope: "other" })] }) }), [
      ["spec.matchConstraints.resourceRules[0].scope", "FieldValueNotSupported", 'supported values: "*", "Cluster", "Namespaced"'],
    ]],
    ["a paramKind without a version", policy({ paramKind: { apiVersion: "example.com/", kind: "ReplicaLimit" } }), [
      ["spec.paramKind.apiVersion", "FieldValueInvalid", "version must be specified"],
    ]],
    ["a variable name that is no CEL identifier", policy({ variables: [{ name: "a-b", expression: "1" }] }), [["spec.variables[0].name", "FieldValueInvalid", "name is not a valid CEL identifier"]]],
    ["duplicate audit annotation keys", policy({ validations: [], auditAnnotations: [{ key: "k", valueExpression: "'a'" }, { key: "k", valueExpression: "'b'" }] }), [
      ["spec.auditAnnotations[1].key", "FieldValueDuplicate", ""],
    ]],
  ])("%s", (_n, obj, want) => {
    expect(causes(validateValidatingAdmissionPolicy(obj))).toEqual(want);
  });

  it("a status warning must name its field", () => {
    const p = { ...policy({}), status: { typeChecking: { expressionWarnings: [{ fieldRef: "", warning: "w" }] } } };
    expect(causes(validateValidatingAdmissionPolicyStatusUpdate(p, policy({})))).toEqual([["status.typeChecking.expressionWarnings[0].fieldRef", "FieldValueRequired", ""]]);
  });
});

describe("ValidateValidatingAdmissionPolicyBinding", () => {
  it.each([
    ["valid", binding({}), []],
    ["no policy name", binding({ policyName: "" }), [["spec.policyName", "FieldValueRequired", ""]]],
    ["no validation actions", binding({ validationActions: [] }), [["spec.validationActions", "FieldValueRequired", "at least one validation action is required"]]],
    ["Deny and Warn", binding({ validationActions: ["Deny", "Warn"] }), [
      ["spec.validationActions", "FieldValueInvalid", "must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)"],
    ]],
    ["a repeated action", binding({ validationActions: ["Audit", "Audit"] }), [["spec.validationActions[1]", "FieldValueDuplicate", ""]]],
    ["an unknown action", binding({ validationActions: ["Block"] }), [["spec.validationActions[0]", "FieldValueNotSupported", 'supported values: "Audit", "Deny", "Warn"']]],
    ["a param ref with both name and selector", binding({ paramRef: { name: "p", selector: {}, parameterNotFoundAction: "Deny" } }), [
      ["spec.paramRef.name", "FieldValueForbidden", "name and selector are mutually exclusive"],
      ["spec.paramRef.selector", "FieldValueForbidden", "name and selector are mutually exclusive"],
    ]],
    ["a param ref with neither", binding({ paramRef: { parameterNotFoundAction: "Deny" } }), [["spec.paramRef", "FieldValueRequired", "one of name or selector must be specified"]]],
  ])("%s", (_n, obj, want) => {
    expect(causes(validateValidatingAdmissionPolicyBinding(obj))).toEqual(want);
  });
});
