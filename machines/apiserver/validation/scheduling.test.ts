// scheduling.k8s.io/v1 PriorityClass validation, rows of pkg/apis/scheduling/validation/validation_test.go
// (TestValidatePriorityClass, TestValidatePriorityClassUpdate); messages as ValidatePriorityClass,
// IsKnownSystemPriorityClass and ValidatePreemptionPolicy word them.
import { describe, expect, it } from "vitest";
import { fieldErrorMessage, type FieldError } from "../status.js";
import { validateCreate, validateUpdate } from "./index.js";

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
const pc = (metadata: object, rest: object) => ({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata, ...rest });
const reserved = "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: ";

describe("TestValidatePriorityClass", () => {
  it.each([
    ["no description", pc({ name: "tier1" }, { value: 100 })],
    ["with description", pc({ name: "tier1" }, { value: 200, globalDefault: false, description: "Used for the highest priority pods." })],
    ["system node critical", pc({ name: "system-node-critical" }, { value: 2000001000, globalDefault: false, description: "system priority class 0" })],
    ["both preemption policies", pc({ name: "tier1" }, { value: 1, preemptionPolicy: "Never" })],
  ])("%s is valid", (_n, o) => expect(messages(validateCreate(o))).toEqual([]));

  it.each([
    ["with namespace", pc({ name: "tier1", namespace: "foo" }, { value: 100 }), ["metadata.namespace: Forbidden: not allowed on this type"]],
    ["invalid name", pc({ name: "tier&1" }, { value: 100 }),
      ["metadata.name: Invalid value: \"tier&1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]],
    ["incorrect system class value", pc({ name: "system-node-critical" }, { value: 0 }), [`${reserved}value of system-node-critical PriorityClass must be 2000001000`]],
    ["unknown system class name", pc({ name: "system-something" }, { value: 2000001000 }), [`${reserved}system-something is not a known system priority class`]],
    ["a system class may not be the global default", pc({ name: "system-cluster-critical" }, { value: 2000000000, globalDefault: true }),
      [`${reserved}globalDefault of system-cluster-critical PriorityClass must be false`]],
    ["a user value above one billion", pc({ name: "huge" }, { value: 1000000001 }), ["value: Forbidden: maximum allowed value of a user defined priority is 1000000000"]],
    ["an unknown preemption policy", pc({ name: "tier1" }, { value: 1, preemptionPolicy: "Sometimes" }),
      ['preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"']],
  ] as const)("%s", (_n, o, want) => expect(messages(validateCreate(o))).toEqual(want));
});

describe("TestValidatePriorityClassUpdate", () => {
  const old = pc({ name: "tier1", resourceVersion: "1", uid: "u1" }, { value: 100, preemptionPolicy: "PreemptLowerPriority" });
  const next = (meta: object, rest: object) => pc({ name: "tier1", resourceVersion: "2", uid: "u1", ...meta }, { value: 100, preemptionPolicy: "PreemptLowerPriority", ...rest });
  it.each([
    ["no change", next({}, { description: "Used for the highest priority pods." })],
    ["change description", next({}, { description: "A different description." })],
    ["remove description", next({}, {})],
    ["change globalDefault", next({}, { globalDefault: true })],
  ])("%s is allowed", (_n, o) => expect(messages(validateUpdate(o, old))).toEqual([]));

  it.each([
    ["add namespace", next({ namespace: "foo" }, {}), "FieldValueInvalid"],
    ["change name", next({ name: "tier2" }, {}), "FieldValueInvalid"],
    ["remove value", next({}, { value: undefined }), "FieldValueForbidden"],
    ["change value", next({}, { value: 101 }), "FieldValueForbidden"],
    ["change preemptionPolicy", next({}, { preemptionPolicy: "Never" }), "FieldValueInvalid"],
  ])("%s is refused with errors of its type", (_n, o, type) => {
    const errs = validateUpdate(o, old);
    expect(errs.length).toBeGreaterThan(0);
    expect(errs.map((e) => e.type)).toEqual(errs.map(() => type));
  });
  it("the preemption policy's message", () =>
    expect(messages(validateUpdate(next({}, { preemptionPolicy: "Never" }), old))).toEqual(['preemptionPolicy: Invalid value: "Never": field is immutable']));
});
