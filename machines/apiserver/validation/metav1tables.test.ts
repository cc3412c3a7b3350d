// k8s.io/apimachinery v0.35.0 pkg/apis/meta/v1/validation/validation_test.go, row by row: TestValidateConditions
// (each needle must equal the Error() text of one cause (hasError), or no cause may start with it
// (hasPrefixError)), TestLabelSelectorMatchExpression and TestValidateFieldManagerValid/Invalid.
import { describe, expect, it } from "vitest";
import { fieldErrorMessage } from "../status.js";
import { validateFieldManager } from "./meta.js";
import { validateLabelSelector } from "./selector.js";
import { validateConditions } from "./statusupdates.js";

const texts = (conditions: object[]) => validateConditions(conditions, "status.conditions").map(fieldErrorMessage);
const reasonMsg = "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName',  or 'ReasonA,ReasonB',  or 'ReasonA:ReasonB', regex used for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')";

describe("TestValidateConditions", () => {
  it("bunch-of-invalid-fields", () => {
    const got = texts([{ type: ":invalid", status: "unknown", observedGeneration: -1, reason: "invalid;val", message: "" }]);
    for (const needle of [
      `status.conditions[0].type: Invalid value: ":invalid": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      `status.conditions[0].status: Unsupported value: "unknown": supported values: "False", "True", "Unknown"`,
      "status.conditions[0].observedGeneration: Invalid value: -1: must be greater than or equal to zero",
      "status.conditions[0].lastTransitionTime: Required value",
      `status.conditions[0].reason: Invalid value: "invalid;val": ${reasonMsg}`,
    ]) expect(got).toContain(needle);
  });
  it("duplicates", () => expect(texts([{ type: "First" }, { type: "Second" }, { type: "First" }])).toContain('status.conditions[2].type: Duplicate value: "First"'));
  it.each([["colon-allowed-in-reason", "valid:val"], ["comma-allowed-in-reason", "valid,val"]])("%s", (_n, reason) =>
    expect(texts([{ type: "First", reason }]).filter((t) => t.startsWith("status.conditions[0].reason"))).toEqual([]));
  it("reason-does-not-end-in-delimiter", () =>
    expect(texts([{ type: "First", reason: "valid,val:" }])).toContain(`status.conditions[0].reason: Invalid value: "valid,val:": ${reasonMsg}`));
});

describe("TestLabelSelectorMatchExpression", () => {
  const sel = (key: string, operator: string, value: string) => ({ matchExpressions: [{ key, operator, values: [value] }] });
  const rows: [string, object, string | undefined][] = [
    ["Valid LabelSelector", sel("key", "In", "value"), undefined],
    ["MatchExpression's key name isn't valid", sel("-key", "In", "value"), "name part must consist of alphanumeric characters"],
    ["MatchExpression's operator isn't valid", sel("key", "abc", "value"), "not a valid selector operator"],
    ["MatchExpression's value name isn't valid", sel("key", "In", "-value"), "a valid label must be an empty string or consist of"],
  ];
  it.each(rows)("%s", (_n, s, part) => {
    const errs = validateLabelSelector(s, "labelSelector").map(fieldErrorMessage);
    expect(errs.length).toBe(part === undefined ? 0 : 1);
    if (part !== undefined) expect(errs[0]).toContain(part);
  });
});

describe("TestValidateFieldManagerValid / TestValidateFieldManagerInvalid", () => {
  it.each(["filedManager", "你好", "🍔"])("%s is a valid field manager", (m) => expect(validateFieldManager(m, "fieldManager")).toEqual([]));
  it.each(["field\nmanager", "f".repeat(129)])("%j is not", (m) => expect(validateFieldManager(m, "fieldManager").length).toBeGreaterThan(0));
});
