// policy/v1 PodDisruptionBudget spec validation, rows of pkg/apis/policy/validation/validation_test.go
// (TestValidateMinAvailablePodDisruptionBudgetSpec, TestValidateMinAvailablePodAndMaxUnavailable-
// DisruptionBudgetSpec, TestValidateUnhealthyPodEvictionPolicyDisruptionBudgetSpec,
// TestValidatePodDisruptionBudgetSpec); messages as ValidatePodDisruptionBudgetSpec,
// ValidatePositiveIntOrPercent and IsNotMoreThan100Percent word them.
import { describe, expect, it } from "vitest";
import { fieldErrorMessage, type FieldError } from "../status.js";
import { validateCreate } from "./index.js";

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
const pdb = (spec: object) => ({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "p", namespace: "default" }, spec });
const percentMsg = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

describe("TestValidateMinAvailablePodDisruptionBudgetSpec", () => {
  it.each(["0%", "1%", "100%", 0, 1, 100])("minAvailable %s is valid", (v) => expect(messages(validateCreate(pdb({ minAvailable: v })))).toEqual([]));
  it.each([
    ["1.1%", [`spec.minAvailable: Invalid value: "1.1%": ${percentMsg}`]],
    ["nope", [`spec.minAvailable: Invalid value: "nope": ${percentMsg}`]],
    ["-1%", [`spec.minAvailable: Invalid value: "-1%": ${percentMsg}`]],
    ["101%", ['spec.minAvailable: Invalid value: "101%": must not be greater than 100%']],
    [-1, ["spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"]],
  ] as const)("minAvailable %s is refused", (v, want) => expect(messages(validateCreate(pdb({ minAvailable: v })))).toEqual(want));
  it("maxUnavailable is held to the same rules", () =>
    expect(messages(validateCreate(pdb({ maxUnavailable: "101%" })))).toEqual(['spec.maxUnavailable: Invalid value: "101%": must not be greater than 100%']));
});

describe("TestValidateMinAvailablePodAndMaxUnavailableDisruptionBudgetSpec", () => {
  it("both set is one error at spec, whose value is the spec struct as Go's %#v prints it", () => {
    const errs = validateCreate(pdb({ minAvailable: "10%", maxUnavailable: 1 }));
    expect(errs.map((e) => [e.type, e.field])).toEqual([["FieldValueInvalid", "spec"]]);
    expect(messages(errs)[0]).toMatch(/^spec: Invalid value: policy\.PodDisruptionBudgetSpec\{MinAvailable:\(\*intstr\.IntOrString\)\(0x[0-9a-f]+\), Selector:\(\*v1\.LabelSelector\)\(nil\), MaxUnavailable:\(\*intstr\.IntOrString\)\(0x[0-9a-f]+\), UnhealthyPodEvictionPolicy:\(\*policy\.UnhealthyPodEvictionPolicyType\)\(nil\)\}: minAvailable and maxUnavailable cannot be both set$/);
  });
});

describe("TestValidateUnhealthyPodEvictionPolicyDisruptionBudgetSpec", () => {
  it.each([
    ["no policy", undefined, []],
    ["IfHealthyBudget", "IfHealthyBudget", []],
    ["AlwaysAllow", "AlwaysAllow", []],
    ["an unknown policy", "Invalid", ['spec.unhealthyPodEvictionPolicy: Unsupported value: "Invalid": supported values: "AlwaysAllow", "IfHealthyBudget"']],
  ] as const)("%s", (_n, policy, want) =>
    expect(messages(validateCreate(pdb({ minAvailable: 1, unhealthyPodEvictionPolicy: policy })))).toEqual(want));
});

describe("TestValidatePodDisruptionBudgetSpec (selectors)", () => {
  it("a selector with an invalid label value is refused at its matchLabels key", () => {
    const errs = messages(validateCreate(pdb({ minAvailable: 1, selector: { matchLabels: { a: "-bad-" } } })));
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(/^spec\.selector\.matchLabels: Invalid value: "-bad-": /);
  });
  it("a selector expression with an unknown operator", () =>
    expect(messages(validateCreate(pdb({ minAvailable: 1, selector: { matchExpressions: [{ key: "a", operator: "Maybe", values: ["b"] }] } }))))
      .toEqual(['spec.selector.matchExpressions[0].operator: Invalid value: "Maybe": not a valid selector operator']));
});
