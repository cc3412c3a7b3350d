// ValidateLabelSelectorRequirement (apimachinery pkg/apis/meta/v1/validation, TestLabelSelectorMatchExpression):
// In and NotIn need values, Exists and DoesNotExist take none, any other operator is refused.
import { describe, expect, it } from "vitest";
import { validateLabelSelector } from "./selector.js";

describe("validateLabelSelector's matchExpressions", () => {
  const rows: Array<[string, { key: string; operator: string; values?: string[] }, string[]]> = [
    ["In with a value is valid", { key: "app", operator: "In", values: ["web"] }, []],
    ["NotIn with values is valid", { key: "app", operator: "NotIn", values: ["a", "b"] }, []],
    ["In without values is refused", { key: "app", operator: "In" }, ["s.matchExpressions[0].values"]],
    ["In with an empty list is refused", { key: "app", operator: "In", values: [] }, ["s.matchExpressions[0].values"]],
    ["NotIn without values is refused", { key: "app", operator: "NotIn", values: [] }, ["s.matchExpressions[0].values"]],
    ["Exists without values is valid", { key: "app", operator: "Exists" }, []],
    ["Exists with a value is refused", { key: "app", operator: "Exists", values: ["x"] }, ["s.matchExpressions[0].values"]],
    ["DoesNotExist with a value is refused", { key: "app", operator: "DoesNotExist", values: ["x"] }, ["s.matchExpressions[0].values"]],
    ["an unknown operator is refused", { key: "app", operator: "Gt", values: ["1"] }, ["s.matchExpressions[0].operator"]],
  ];
  for (const [name, rq, fields] of rows) {
    it(name, () => {
      expect(validateLabelSelector({ matchExpressions: [rq] }, "s").map((e) => e.field)).toEqual(fields);
    });
  }
});
