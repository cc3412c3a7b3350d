// pkg/apis/admissionregistration/validation/validation_test.go (stored copy 025f2834), row by row:
// TestValidateValidatingWebhookConfiguration, TestValidateMutatingWebhookConfiguration (the same rows, run
// for both kinds as the Go file does), TestValidateValidatingWebhookConfigurationUpdate and
// TestValidateMutatingWebhookConfigurationUpdate. The Go test asks that errs.ToAggregate().Error() contains
// the row's expectedError, and that there is no error when it is empty.
//
// Rows read against v1.35's sources rather than the stored copy's text:
// - apimachinery v0.34+ prints a list value as JSON (field/errors.go ErrorBody, "Nicer value rendering in API
//   errors"), so the copy's `Invalid value: []string{"invalidVersion"}` is `Invalid value: ["invalidVersion"]`.
// The CEL rows ("invalid expression", "must evaluate to bool", "…with NewExpression environment if
// changed") compile through machines/apiserver/cel; a syntax error's text after "Syntax error:" is ANTLR's
// recovery message, which podflow's parser words otherwise (the row keeps what comes before it). Left out:
// the update rows "…with StoredExpression environment if unchanged", whose test() the Go test adds to the
// stored environment only (kube-apiserver has no such function; podflow has one environment).

import { describe, expect, it } from "vitest";
import { aggregateMessage, fieldErrorMessage, type FieldError } from "../status.js";
import {
  validateMutatingWebhookConfiguration,
  validateMutatingWebhookConfigurationUpdate,
  validateValidatingWebhookConfiguration,
  validateValidatingWebhookConfigurationUpdate,
} from "./webhookconfig.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const validClientConfig = { url: "https://example.com" };
const none = "None";
const unknown = "Unknown";

/** newValidatingWebhookConfiguration / newMutatingWebhookConfiguration: an empty admissionReviewVersions defaulted to v1beta1 when asked. */
function config(hooks: any[], defaultAdmissionReviewVersions: boolean): any {
  return {
    metadata: { name: "config", resourceVersion: "1" },
    webhooks: hooks.map((h) => {
      const hook = { clientConfig: {}, ...h };
      if (defaultAdmissionReviewVersions && !(hook.admissionReviewVersions?.length > 0)) hook.admissionReviewVersions = ["v1beta1"];
      return hook;
    }),
  };
}

const rule = (o: any) => ({ apiGroups: ["a"], apiVersions: ["a"], resources: ["a"], ...o });
const svc = (path: string | undefined, port = 443) => ({ service: { namespace: "ns", name: "n", ...(path !== undefined ? { path } : {}), port } });
const nameMsg = (v: string) => `Invalid value: "${v}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`;
const get65MatchConditions = () => Array.from({ length: 65 }, (_, i) => ({ name: `test${i}`, expression: "true" }));

/** The rows TestValidateValidatingWebhookConfiguration and TestValidateMutatingWebhookConfiguration share. */
const createRows: [string, any, string][] = [
  ["AdmissionReviewVersions are required", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: unknown }], false), "webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1"],
  ["should fail on bad AdmissionReviewVersion value", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, admissionReviewVersions: ["0v"] }], true), 'Invalid value: "0v": a DNS-1035 label'],
  ["should pass on valid AdmissionReviewVersion", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, admissionReviewVersions: ["v1beta1"] }], true), ""],
  ["should pass on mix of accepted and unaccepted AdmissionReviewVersion", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, admissionReviewVersions: ["v1beta1", "invalid-version"] }], true), ""],
  ["should fail on invalid AdmissionReviewVersion", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, admissionReviewVersions: ["invalidVersion"] }], true), 'Invalid value: ["invalidVersion"]'],
  ["should fail on duplicate AdmissionReviewVersion", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, admissionReviewVersions: ["v1beta1", "v1beta1"] }], true), 'Invalid value: "v1beta1": duplicate version'],
  ["all Webhooks must have a fully qualified name", config([
    { name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none },
    { name: "k8s.io", clientConfig: validClientConfig, sideEffects: none },
    { name: "", clientConfig: validClientConfig, sideEffects: none },
  ], true), 'webhooks[1].name: Invalid value: "k8s.io": should be a domain with at least three segments separated by dots, webhooks[2].name: Required value'],
  ["Webhooks must have unique names when created", config([
    { name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: unknown },
    { name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: unknown },
  ], true), 'webhooks[1].name: Duplicate value: "webhook.k8s.io"'],
  ["Operations must not be empty or nil", config([{ name: "webhook.k8s.io", rules: [rule({ operations: [] }), rule({})] }], true), "webhooks[0].rules[0].operations: Required value, webhooks[0].rules[1].operations: Required value"],
  ['"" is NOT a valid operation', config([{ name: "webhook.k8s.io", rules: [rule({ operations: ["CREATE", ""] })] }], true), 'Unsupported value: ""'],
  ["operation must be either create/update/delete/connect", config([{ name: "webhook.k8s.io", rules: [rule({ operations: ["PATCH"] })] }], true), 'Unsupported value: "PATCH"'],
  ["wildcard operation cannot be mixed with other strings", config([{ name: "webhook.k8s.io", rules: [rule({ operations: ["CREATE", "*"] })] }], true), "if '*' is present, must not specify other operations"],
  ['resource "*" can co-exist with resources that have subresources', config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, rules: [rule({ operations: ["CREATE"], resources: ["*", "a/b", "a/*", "*/b"] })] }], true), ""],
  ["resource \"*\" cannot mix with resources that don't have subresources", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: unknown, rules: [rule({ operations: ["CREATE"], resources: ["*", "a"] })] }], true), "if '*' is present, must not specify other resources without subresources"],
  ["resource a/* cannot mix with a/x", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: unknown, rules: [rule({ operations: ["CREATE"], resources: ["a/*", "a/x"] })] }], true), `webhooks[0].rules[0].resources[1]: Invalid value: "a/x": if 'a/*' is present, must not specify a/x`],
  ["resource a/* can mix with a", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, rules: [rule({ operations: ["CREATE"], resources: ["a/*", "a"] })] }], true), ""],
  ["resource */a cannot mix with x/a", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: unknown, rules: [rule({ operations: ["CREATE"], resources: ["*/a", "x/a"] })] }], true), `webhooks[0].rules[0].resources[1]: Invalid value: "x/a": if '*/a' is present, must not specify x/a`],
  // The copy's `[]string{"*/*", "a"}` is json.Marshal's `["*/*","a"]` in v0.34+.
  ["resource */* cannot mix with other resources", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: unknown, rules: [rule({ operations: ["CREATE"], resources: ["*/*", "a"] })] }], true), `webhooks[0].rules[0].resources: Invalid value: ["*/*","a"]: if '*/*' is present, must not specify other resources`],
  ['FailurePolicy can only be "Ignore" or "Fail"', config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: unknown, failurePolicy: "other" }], true), 'webhooks[0].failurePolicy: Unsupported value: "other": supported values: "Fail", "Ignore"'],
  ["SideEffects are required", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig }], true), "webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun"],
  ['SideEffects can only be "None" or "NoneOnDryRun" when created', config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: "other" }], true), 'webhooks[0].sideEffects: Unsupported value: "other": supported values: "None", "NoneOnDryRun"'],
  ["both service and URL missing", config([{ name: "webhook.k8s.io", clientConfig: {} }], true), "exactly one of"],
  ["both service and URL provided", config([{ name: "webhook.k8s.io", clientConfig: { ...svc(undefined), url: "example.com/k8s/webhook" } }], true), "[0].clientConfig: Required value: exactly one of url or service is required"],
  ["blank URL", config([{ name: "webhook.k8s.io", clientConfig: { url: "" } }], true), '[0].clientConfig.url: Invalid value: "": host must be specified'],
  ["wrong scheme", config([{ name: "webhook.k8s.io", clientConfig: { url: "http://example.com" } }], true), "https"],
  ["missing host", config([{ name: "webhook.k8s.io", clientConfig: { url: "https:///fancy/webhook" } }], true), "host must be specified"],
  ["fragment", config([{ name: "webhook.k8s.io", clientConfig: { url: "https://example.com/#bookmark" } }], true), '"bookmark": fragments are not permitted'],
  ["query", config([{ name: "webhook.k8s.io", clientConfig: { url: "https://example.com?arg=value" } }], true), '"arg=value": query parameters are not permitted'],
  ["user", config([{ name: "webhook.k8s.io", clientConfig: { url: "https://harry.potter@example.com/" } }], true), '"harry.potter": user information is not permitted'],
  ["just totally wrong", config([{ name: "webhook.k8s.io", clientConfig: { url: "arg#backwards=thisis?html.index/port:host//:https" } }], true), "host must be specified"],
  ["path must start with slash", config([{ name: "webhook.k8s.io", clientConfig: svc("foo/") }], true), `clientConfig.service.path: Invalid value: "foo/": must start with a '/'`],
  ["path accepts slash", config([{ name: "webhook.k8s.io", clientConfig: svc("/"), sideEffects: none }], true), ""],
  ["path accepts no trailing slash", config([{ name: "webhook.k8s.io", clientConfig: svc("/foo"), sideEffects: none }], true), ""],
  ["path fails //", config([{ name: "webhook.k8s.io", clientConfig: svc("//"), sideEffects: none }], true), 'clientConfig.service.path: Invalid value: "//": segment[0] may not be empty'],
  ["path no empty step", config([{ name: "webhook.k8s.io", clientConfig: svc("/foo//bar/"), sideEffects: unknown }], true), 'clientConfig.service.path: Invalid value: "/foo//bar/": segment[1] may not be empty'],
  ["path no empty step 2", config([{ name: "webhook.k8s.io", clientConfig: svc("/foo/bar//"), sideEffects: unknown }], true), 'clientConfig.service.path: Invalid value: "/foo/bar//": segment[2] may not be empty'],
  ["path no non-subdomain", config([{ name: "webhook.k8s.io", clientConfig: svc("/apis/foo.bar/v1alpha1/--bad"), sideEffects: unknown }], true), 'clientConfig.service.path: Invalid value: "/apis/foo.bar/v1alpha1/--bad": segment[3]: a lowercase RFC 1123 subdomain'],
  ["invalid port 0", config([{ name: "webhook.k8s.io", clientConfig: svc("https://apis/foo.bar", 0), sideEffects: unknown }], true), "Invalid value: 0: port is not valid: must be between 1 and 65535, inclusive"],
  ["invalid port >65535", config([{ name: "webhook.k8s.io", clientConfig: svc("https://apis/foo.bar", 65536), sideEffects: unknown }], true), "Invalid value: 65536: port is not valid: must be between 1 and 65535, inclusive"],
  ["timeout seconds cannot be greater than 30", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: unknown, timeoutSeconds: 31 }], true), "webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds"],
  ["timeout seconds cannot be smaller than 1", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: unknown, timeoutSeconds: 0 }], true), "webhooks[0].timeoutSeconds: Invalid value: 0: the timeout value must be between 1 and 30 seconds"],
  ["timeout seconds must be positive", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: unknown, timeoutSeconds: -1 }], true), "webhooks[0].timeoutSeconds: Invalid value: -1: the timeout value must be between 1 and 30 seconds"],
  ["valid timeout seconds", config([
    { name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, timeoutSeconds: 1 },
    { name: "webhook2.k8s.io", clientConfig: validClientConfig, sideEffects: none, timeoutSeconds: 15 },
    { name: "webhook3.k8s.io", clientConfig: validClientConfig, sideEffects: none, timeoutSeconds: 30 },
  ], true), ""],
  ["single match condition must have a name", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, matchConditions: [{ expression: "true" }] }], true), "webhooks[0].matchConditions[0].name: Required value"],
  ["all match conditions must have a name", config([
    { name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, matchConditions: [{ expression: "true" }, { expression: "true" }] },
    { name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, matchConditions: [{ name: "", expression: "true" }] },
  ], true), "webhooks[0].matchConditions[0].name: Required value, webhooks[0].matchConditions[1].name: Required value, webhooks[1].matchConditions[0].name: Required value"],
  ["single match condition must have a qualified name", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, matchConditions: [{ name: "-hello", expression: "true" }] }], true), `webhooks[0].matchConditions[0].name: ${nameMsg("-hello")}`],
  ["all match conditions must have qualified names", config([
    { name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, matchConditions: [{ name: ".io", expression: "true" }, { name: "thing.test.com", expression: "true" }] },
    { name: "webhook2.k8s.io", clientConfig: validClientConfig, sideEffects: none, matchConditions: [{ name: "some name", expression: "true" }] },
  ], true), `[webhooks[0].matchConditions[0].name: ${nameMsg(".io")}, webhooks[1].matchConditions[0].name: ${nameMsg("some name")}]`],
  ["expression is required", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, matchConditions: [{ name: "webhook.k8s.io" }] }], true), "webhooks[0].matchConditions[0].expression: Required value"],
  ["expression is required to have some value", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, matchConditions: [{ name: "webhook.k8s.io", expression: "" }] }], true), "webhooks[0].matchConditions[0].expression: Required value"],
  ["invalid expression", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, matchConditions: [{ name: "webhook.k8s.io", expression: "object.x in [1, 2, " }] }], true), `webhooks[0].matchConditions[0].expression: Invalid value: "object.x in [1, 2,": compilation failed: ERROR: <input>:1:19: Syntax error: `],
  ["unique names same hook", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, matchConditions: [{ name: "webhook.k8s.io", expression: "true" }, { name: "webhook.k8s.io", expression: "true" }] }], true), 'matchConditions[1].name: Duplicate value: "webhook.k8s.io"'],
  ["repeat names allowed across different hooks", config([
    { name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, matchConditions: [{ name: "webhook.k8s.io", expression: "true" }] },
    { name: "webhook2.k8s.io", clientConfig: validClientConfig, sideEffects: none, matchConditions: [{ name: "webhook.k8s.io", expression: "true" }] },
  ], true), ""],
  ["must evaluate to bool", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, matchConditions: [{ name: "webhook.k8s.io", expression: "6" }] }], true), 'webhooks[0].matchConditions[0].expression: Invalid value: "6": must evaluate to bool'],
  ["max of 64 match conditions", config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, matchConditions: get65MatchConditions() }], true), "webhooks[0].matchConditions: Too many: 65: must have at most 64 items"],
];

/** The Go loop: an error must contain the row's text, and only a row with text may fail. */
function judge(errs: FieldError[], expected: string) {
  if (expected === "") expect(errs.map(fieldErrorMessage)).toEqual([]);
  else {
    expect(errs.length).toBeGreaterThan(0);
    expect(aggregateMessage(errs)).toContain(expected);
  }
}

describe("TestValidateValidatingWebhookConfiguration", () => {
  for (const [name, c, expected] of createRows) it(name, () => judge(validateValidatingWebhookConfiguration(structuredClone(c)), expected));
});

describe("TestValidateMutatingWebhookConfiguration", () => {
  for (const [name, c, expected] of createRows) it(name, () => judge(validateMutatingWebhookConfiguration(structuredClone(c)), expected));
});

const hook = (o: any = {}) => ({ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: unknown, ...o });
const storage = (expression: string) => ({ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, matchConditions: [{ name: "checkStorage", expression }] });

describe("TestValidateValidatingWebhookConfigurationUpdate", () => {
  const rows: [string, any, any, string][] = [
    ["should pass on valid new AdmissionReviewVersion", config([hook({ admissionReviewVersions: ["v1beta1"] })], true), config([hook()], true), ""],
    ["should pass on invalid AdmissionReviewVersion with invalid previous versions", config([hook({ admissionReviewVersions: ["invalid-v1", "invalid-v2"] })], true), config([hook({ admissionReviewVersions: ["invalid-v0"] })], true), ""],
    ["should fail on invalid AdmissionReviewVersion with valid previous versions", config([hook({ admissionReviewVersions: ["invalid-v1"] })], true), config([hook({ admissionReviewVersions: ["v1beta1", "invalid-v1"] })], true), 'Invalid value: ["invalid-v1"]'],
    ["should fail on invalid AdmissionReviewVersion with missing previous versions", config([hook({ admissionReviewVersions: ["invalid-v1"] })], true), config([hook()], false), 'Invalid value: ["invalid-v1"]'],
    ["Webhooks must have unique names when old config has unique names", config([hook(), hook()], true), config([hook()], false), 'webhooks[1].name: Duplicate value: "webhook.k8s.io"'],
    ["Webhooks can have duplicate names when old config has duplicate names", config([hook(), hook()], true), config([hook(), hook()], true), ""],
    ["Webhooks must compile CEL expressions with NewExpression environment type if changed", config([storage("test() == true")], true), config([storage("true")], true), "undeclared reference to 'test'"],
  ];
  for (const [name, c, old, expected] of rows) it(name, () => judge(validateValidatingWebhookConfigurationUpdate(c, old), expected));
});

describe("TestValidateMutatingWebhookConfigurationUpdate", () => {
  const rows: [string, any, any, string][] = [
    ["should pass on valid new AdmissionReviewVersion (v1beta1)", config([hook({ admissionReviewVersions: ["v1beta1"] })], true), config([hook()], true), ""],
    ["should pass on valid new AdmissionReviewVersion (v1)", config([hook({ admissionReviewVersions: ["v1"] })], true), config([hook()], true), ""],
    ["should pass on invalid AdmissionReviewVersion with invalid previous versions", config([hook({ admissionReviewVersions: ["invalid-v1", "invalid-v2"] })], true), config([hook({ admissionReviewVersions: ["invalid-v0"] })], true), ""],
    ["should fail on invalid AdmissionReviewVersion with valid previous versions", config([hook({ admissionReviewVersions: ["invalid-v1"] })], true), config([hook({ admissionReviewVersions: ["v1beta1", "invalid-v1"] })], true), 'Invalid value: ["invalid-v1"]'],
    ["should fail on invalid AdmissionReviewVersion with missing previous versions", config([hook({ admissionReviewVersions: ["invalid-v1"] })], true), config([hook()], false), 'Invalid value: ["invalid-v1"]'],
    ["Webhooks can have duplicate names when old config has duplicate names", config([hook(), hook()], true), config([hook(), hook()], true), ""],
    ["Webhooks can't have side effects when old config has no side effects", config([hook()], true), config([hook({ sideEffects: none })], true), 'Unsupported value: "Unknown": supported values: "None", "NoneOnDryRun"'],
    ["Webhooks can have side effects when old config has side effects", config([hook()], true), config([hook()], true), ""],
    ["Webhooks must compile CEL expressions with NewExpression environment type if changed", config([storage("test() == true")], true), config([storage("true")], true), "undeclared reference to 'test'"],
  ];
  for (const [name, c, old, expected] of rows) it(name, () => judge(validateMutatingWebhookConfigurationUpdate(c, old), expected));
});

// validation.go's ignoreValidatingWebhookMatchConditions / ignoreMutatingWebhookMatchConditions (read from the
// source, no Go row): as many webhooks, each with the matchConditions it had, and they are not judged again.
describe("an update keeping every webhook's matchConditions does not judge them again", () => {
  const stored = config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, matchConditions: [{ name: "-bad", expression: "true" }] }], true);
  const changed = config([{ name: "webhook.k8s.io", clientConfig: validClientConfig, sideEffects: none, matchConditions: [{ name: "-bad", expression: "false" }] }], true);
  it("validating: unchanged passes, changed is judged", () => {
    expect(validateValidatingWebhookConfigurationUpdate(stored, stored)).toEqual([]);
    judge(validateValidatingWebhookConfigurationUpdate(changed, stored), 'webhooks[0].matchConditions[0].name: Invalid value: "-bad"');
  });
  it("mutating: unchanged passes, changed is judged", () => {
    expect(validateMutatingWebhookConfigurationUpdate(stored, stored)).toEqual([]);
    judge(validateMutatingWebhookConfigurationUpdate(changed, stored), 'webhooks[0].matchConditions[0].name: Invalid value: "-bad"');
  });
});
