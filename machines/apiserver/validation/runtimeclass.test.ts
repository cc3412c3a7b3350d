// ValidateRuntimeClass and ValidateRuntimeClassUpdate against pkg/apis/node/validation's tests
// (TestValidateRuntimeClass, TestValidateRuntimeUpdate, TestValidateOverhead, TestValidateScheduling).

import { describe, expect, it } from "vitest";
import { validateRuntimeClass, validateRuntimeClassUpdate } from "./runtimeclass.js";

const rc = (o: object) => ({ metadata: { name: "foo" }, handler: "bar", ...o });
const causes = (errs: { field: string; type: string }[]) => errs.map((e) => [e.field, e.type]);

describe("ValidateRuntimeClass", () => {
  it.each([
    ["valid", rc({}), []],
    ["invalid name", rc({ metadata: { name: "&!@#" } }), [["metadata.name", "FieldValueInvalid"]]],
    ["invalid handler", rc({ handler: "&@#$" }), [["handler", "FieldValueInvalid"]]],
    ["handler with dots", rc({ handler: "foo.bar" }), [["handler", "FieldValueInvalid"]]],
    ["empty handler", rc({ handler: "" }), [["handler", "FieldValueInvalid"]]],
    ["valid overhead", rc({ overhead: { podFixed: { cpu: "250m", memory: "120Mi" } } }), []],
    // validateResourceName ("must be a standard resource type or fully qualified"), then validateContainerResourceName
    ["invalid overhead name", rc({ overhead: { podFixed: { "my.weird.resource": "10" } } }), [["overhead.limits[my.weird.resource]", "FieldValueInvalid"], ["overhead.limits[my.weird.resource]", "FieldValueInvalid"]]],
    ["negative overhead", rc({ overhead: { podFixed: { cpu: "-10" } } }), [["overhead.limits[cpu]", "FieldValueInvalid"]]],
    ["valid scheduling", rc({ scheduling: { nodeSelector: { valid: "yes" }, tolerations: [{ key: "valid", operator: "Exists", effect: "NoSchedule" }] } }), []],
    ["invalid node selector", rc({ scheduling: { nodeSelector: { "not a valid key!!!": "nope" } } }), [["scheduling.nodeSelector", "FieldValueInvalid"]]],
    ["invalid toleration", rc({ scheduling: { tolerations: [{ key: "valid", operator: "Exists", effect: "NoSchedule" }, { key: "not a valid key!!!", operator: "Exists", effect: "NoSchedule" }] } }), [["scheduling.tolerations[1].key", "FieldValueInvalid"]]],
  ])("%s", (_n, obj, want) => {
    expect(causes(validateRuntimeClass(obj))).toEqual(want);
  });
});

describe("ValidateRuntimeClassUpdate", () => {
  it("metadata may change", () => {
    expect(validateRuntimeClassUpdate(rc({ metadata: { name: "foo", labels: { a: "b" } } }), rc({}))).toEqual([]);
  });
  it("the handler may not", () => {
    expect(causes(validateRuntimeClassUpdate(rc({ handler: "somethingelse" }), rc({})))).toEqual([["handler", "FieldValueInvalid"]]);
  });
});
