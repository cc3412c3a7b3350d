// TestValidateJob's error rows (pkg/apis/batch/validation/validation_test.go, v1.35) for podFailurePolicy,
// successPolicy, podReplacementPolicy, managedBy and the limits of Indexed Jobs with a backoff limit per
// index; each row's Job is the docs' pi Job with the row's spec, as the API server receives it
// (defaulted), and the expectation is the Go test's field, type and message.
import { describe, expect, it } from "vitest";
import { mutate } from "../admission/index.js";
import { fieldErrorMessage, type FieldError } from "../status.js";
import { validateCreate } from "./index.js";

const messages = (errs: FieldError[]) => errs.map(fieldErrorMessage);
const causes = (errs: FieldError[]) => errs.map((e) => [e.field, e.type]);
function job(spec: object): any {
  const j = {
    apiVersion: "batch/v1", kind: "Job", metadata: { name: "myjob", namespace: "default", uid: "1a2b3c" },
    spec: { template: { spec: { containers: [{ name: "abc", image: "image" }], restartPolicy: "Never" } }, ...spec },
  };
  return mutate(j, { now: "2026-01-01T00:00:00Z", operation: "CREATE" });
}
const indexed = (extra: object) => job({ completionMode: "Indexed", completions: 5, ...extra });
const ignoreOn = (onPodConditions: object[]) => ({ podFailurePolicy: { rules: [{ action: "Ignore", onPodConditions }] } });
function withoutStatus(j: any): any {
  const copy = structuredClone(j);
  copy.spec.podFailurePolicy.rules[0].onPodConditions[0].status = "";
  return copy;
}

describe("TestValidateJob: successPolicy", () => {
  it.each([
    ["no rules", indexed({ successPolicy: {} }), ["spec.successPolicy.rules: Required value: at least one rules must be specified when the successPolicy is specified"]],
    ["a rule with neither field", indexed({ successPolicy: { rules: [{}] } }), ["spec.successPolicy.rules[0]: Required value: at least one of succeededCount or succeededIndexes must be specified"]],
    ["badly formed indexes", indexed({ successPolicy: { rules: [{ succeededIndexes: "invalid-format" }] } }),
      ['spec.successPolicy.rules[0].succeededIndexes: Invalid value: "invalid-format": error parsing succeededIndexes: cannot convert string to integer for index: "invalid"']],
    ["a negative count", indexed({ successPolicy: { rules: [{ succeededCount: -1 }] } }), ["spec.successPolicy.rules[0].succeededCount: Invalid value: -1: must be greater than or equal to 0"]],
    ["a count above completions", indexed({ successPolicy: { rules: [{ succeededCount: 6 }] } }),
      ["spec.successPolicy.rules[0].succeededCount: Invalid value: 6: must be less than or equal to 5 (the number of specified completions)"]],
    ["a count above the indexes named", indexed({ successPolicy: { rules: [{ succeededCount: 4, succeededIndexes: "0-2" }] } }),
      ["spec.successPolicy.rules[0].succeededCount: Invalid value: 4: must be less than or equal to 3 (the number of indexes in the specified succeededIndexes field)"]],
    ["21 rules", indexed({ successPolicy: { rules: Array.from({ length: 21 }, () => ({ succeededCount: 5 })) } }), ["spec.successPolicy.rules: Too many: 21: must have at most 20 items"]],
    ["valid rules", indexed({ successPolicy: { rules: [{ succeededIndexes: "0,2-4", succeededCount: 4 }, { succeededCount: 5 }] } }), []],
  ])("%s", (_n, j, want) => expect(messages(validateCreate(j))).toEqual(want));

  it("succeededIndexes longer than 64 KiB: too long, and its number does not convert", () => {
    const errs = validateCreate(indexed({ successPolicy: { rules: [{ succeededIndexes: "1".repeat(64 * 1024 + 1) }] } }));
    expect(causes(errs)).toEqual([["spec.successPolicy.rules[0].succeededIndexes", "FieldValueTooLong"], ["spec.successPolicy.rules[0].succeededIndexes", "FieldValueInvalid"]]);
    expect(errs[1]!.detail).toMatch(/^error parsing succeededIndexes: cannot convert string to integer for index: "1{65537}"$/);
  });
});

describe("TestValidateJob: podFailurePolicy's onPodConditions", () => {
  it.each([
    // the Go row validates an undefaulted Job: through the API, defaulting writes status True first
    ["a pattern without status", withoutStatus(job(ignoreOn([{ type: "DisruptionTarget" }]))),
      ['spec.podFailurePolicy.rules[0].onPodConditions[0].status: Required value: valid values: ["False" "True" "Unknown"]']],
    ["an unknown status", job(ignoreOn([{ type: "DisruptionTarget", status: "UnknownStatus" }])),
      ['spec.podFailurePolicy.rules[0].onPodConditions[0].status: Unsupported value: "UnknownStatus": supported values: "False", "True", "Unknown"']],
    ["an empty type", job(ignoreOn([{ status: "True" }])), [
      'spec.podFailurePolicy.rules[0].onPodConditions[0].type: Invalid value: "": name part must be non-empty',
      `spec.podFailurePolicy.rules[0].onPodConditions[0].type: Invalid value: "": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    ]],
    ["a type that is not a qualified name", job(ignoreOn([{ type: "Invalid Condition Type", status: "True" }])),
      [`spec.podFailurePolicy.rules[0].onPodConditions[0].type: Invalid value: "Invalid Condition Type": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`]],
    ["21 patterns", job(ignoreOn(Array.from({ length: 21 }, (_, i) => ({ type: `CustomType_${i}`, status: "True" })))),
      ["spec.podFailurePolicy.rules[0].onPodConditions: Too many: 21: must have at most 20 items"]],
    ["both onExitCodes and onPodConditions", job({ podFailurePolicy: { rules: [{ action: "FailJob", onExitCodes: { containerName: "abc", operator: "In", values: [1, 2, 3] }, onPodConditions: [{ type: "DisruptionTarget", status: "True" }] }] } }),
      ["spec.podFailurePolicy.rules[0]: Invalid value: specifying both OnExitCodes and OnPodConditions is not supported"]],
    ["a replacement policy other than Failed", job({ podReplacementPolicy: "TerminatingOrFailed", ...ignoreOn([{ type: "DisruptionTarget", status: "True" }]) }),
      ['spec.podReplacementPolicy: Unsupported value: "TerminatingOrFailed": supported values: "Failed"']],
  ])("%s", (_n, j, want) => expect(messages(validateCreate(j))).toEqual(want));
});

it("a pattern sent without status is defaulted to True, so the API accepts it", () => {
  const j = job(ignoreOn([{ type: "DisruptionTarget" }]));
  expect(j.spec.podFailurePolicy.rules[0].onPodConditions[0].status).toBe("True");
  expect(messages(validateCreate(j))).toEqual([]);
});

describe("TestValidateJob: podFailurePolicy's onExitCodes", () => {
  const exit = (action: string, onExitCodes: object) => job({ podFailurePolicy: { rules: [{ action, onExitCodes }] } });
  it.each([
    ["duplicate values", exit("FailJob", { operator: "In", values: [12, 13, 13, 13] }),
      ["spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 13", "spec.podFailurePolicy.rules[0].onExitCodes.values[3]: Duplicate value: 13"]],
    ["no values", exit("FailJob", { operator: "In", values: [] }), ["spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []: at least one value is required"]],
    ["no action", exit("", { operator: "In", values: [1, 2, 3] }), ['spec.podFailurePolicy.rules[0].action: Required value: valid values: ["Count" "FailIndex" "FailJob" "Ignore"]']],
    ["no operator", exit("FailJob", { operator: "", values: [1, 2, 3] }), ['spec.podFailurePolicy.rules[0].onExitCodes.operator: Required value: valid values: ["In" "NotIn"]']],
    ["an unknown operator", exit("Ignore", { operator: "UnknownOperator", values: [1, 2, 3] }),
      ['spec.podFailurePolicy.rules[0].onExitCodes.operator: Unsupported value: "UnknownOperator": supported values: "In", "NotIn"']],
  ])("%s", (_n, j, want) => expect(messages(validateCreate(j))).toEqual(want));
  it("256 values: too many, and 0 is not allowed for In", () =>
    expect(causes(validateCreate(exit("FailJob", { operator: "In", values: Array.from({ length: 256 }, (_, i) => i) })))).toEqual([
      ["spec.podFailurePolicy.rules[0].onExitCodes.values", "FieldValueTooMany"], ["spec.podFailurePolicy.rules[0].onExitCodes.values[0]", "FieldValueInvalid"]]));
});

describe("TestValidateJob: managedBy", () => {
  it.each([
    ["a domain-prefixed path", "example.com/foo", []],
    ["the built-in controller's name", "kubernetes.io/job-controller", []],
    ["not a domain-prefixed path", "invalid custom controller name", ['spec.managedBy: Invalid value: "invalid custom controller name": must be a domain-prefixed path (such as "acme.io/foo")']],
  ])("%s", (_n, managedBy, want) => expect(messages(validateCreate(job({ managedBy })))).toEqual(want));
  it("a name longer than 63 characters is too long", () =>
    expect(causes(validateCreate(job({ managedBy: `example.com/${"a".repeat(60)}` })))).toEqual([["spec.managedBy", "FieldValueTooLong"]]));
});

describe("TestValidateJob: more than 100000 completions with a backoff limit per index", () => {
  const big = (extra: object) => job({ completionMode: "Indexed", completions: 100001, parallelism: 1, backoffLimitPerIndex: 1, ...extra });
  it.each([
    ["maxFailedIndexes is required", big({}), ["spec.maxFailedIndexes: Required value: must be specified when completions is above 100000"]],
    ["parallelism at most 10000", big({ maxFailedIndexes: 1, parallelism: 10001 }),
      ["spec.parallelism: Invalid value: 10001: must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index"]],
    ["maxFailedIndexes at most 10000", big({ maxFailedIndexes: 10001 }),
      ["spec.maxFailedIndexes: Invalid value: 10001: must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index"]],
    ["within the limits", big({ maxFailedIndexes: 10000, parallelism: 10000 }), []],
  ])("%s", (_n, j, want) => expect(messages(validateCreate(j))).toEqual(want));
});
