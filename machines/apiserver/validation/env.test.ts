// Container env and envFrom: rows of TestValidateEnv, TestRelaxedValidateEnv, TestValidateEnvFrom,
// TestRelaxedValidateEnvFrom, TestLocalStorageEnvWithFeatureGate and TestHugePagesEnv (v1.35). The Go
// tables check that every error's text contains the row's expected text; the rows' "field" prefix is
// spec.containers[0].env (or .envFrom) here.

import { describe, it, expect } from "vitest";
import { validateCreate } from "./index.js";
import { defaultedPod, messages } from "./testing.js";

const envPath = "spec.containers[0].env";
const fromPath = "spec.containers[0].envFrom";
const supported = `supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"`;
const subdomainMsg = "a lowercase RFC 1123 subdomain";

function withEnv(env: any[], envFrom?: any[]): string[] {
  const p = defaultedPod();
  p.spec.containers[0].env = env;
  if (envFrom) p.spec.containers[0].envFrom = envFrom;
  return messages(validateCreate(p));
}

const fieldRef = (fieldPath: string, apiVersion = "v1") => ({ fieldRef: { apiVersion, fieldPath } });
const secretRef = (name: string, key = "a-key") => ({ secretKeyRef: { name, key } });
const configMapRef = (name: string, key = "some-key") => ({ configMapKeyRef: { name, key } });

describe("ValidateEnv: the success rows", () => {
  const ok: any[] = [
    { name: "abc", value: "value" }, { name: "ABC", value: "value" }, { name: "AbC_123", value: "value" }, { name: "abc", value: "" },
    { name: "a.b.c", value: "value" }, { name: "a-b-c", value: "value" },
    ...["metadata.annotations['key']", "metadata.labels['key']", "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
      "spec.serviceAccountName", "status.hostIP", "status.podIP", "status.podIPs"].map((f) => ({ name: "abc", valueFrom: fieldRef(f) })),
    { name: "secret_value", valueFrom: secretRef("some-secret", "secret-key") },
    { name: "ENV_VAR_1", valueFrom: configMapRef("some-config-map") },
    // Relaxed names (GA): any printable ASCII but '='.
    { name: "!\"#$%&'()", value: "value" }, { name: "* +,-./0123456789", value: "value" }, { name: ":;<>?@", value: "value" }, { name: "[\\]^_`{}|~", value: "value" },
    // TestLocalStorageEnvWithFeatureGate and TestHugePagesEnv.
    { name: "ephemeral-storage-limits", valueFrom: { resourceFieldRef: { containerName: "test-container", resource: "limits.ephemeral-storage" } } },
    { name: "ephemeral-storage-requests", valueFrom: { resourceFieldRef: { containerName: "test-container", resource: "requests.ephemeral-storage" } } },
    { name: "hugepages-limits", valueFrom: { resourceFieldRef: { containerName: "test-container", resource: "limits.hugepages-2Mi" } } },
    { name: "hugepages-requests", valueFrom: { resourceFieldRef: { containerName: "test-container", resource: "requests.hugepages-2Mi" } } },
  ];
  it("accepts every success row", () => expect(withEnv(ok)).toEqual([]));
});

describe("ValidateEnv: the error rows", () => {
  const cases: [string, any, string][] = [
    ["zero-length name", { name: "" }, "[0].name: Required value"],
    ["illegal character in a relaxed name", { name: "=abc" }, `[0].name: Invalid value: "=abc": a valid environment variable name must consist only of printable ASCII characters other than '='`],
    ["value and valueFrom specified", { name: "abc", value: "foo", valueFrom: fieldRef("metadata.name") }, "[0].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty"],
    ["valueFrom without a source", { name: "abc", valueFrom: {} }, "[0].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"],
    ["valueFrom.fieldRef and valueFrom.secretKeyRef specified", { name: "abc", valueFrom: { ...fieldRef("metadata.name"), ...secretRef("a-secret") } }, `[0].valueFrom: Invalid value: "": may not have more than one field specified at a time`],
    ["valueFrom.fieldRef and valueFrom.configMapKeyRef set", { name: "some_var_name", valueFrom: { ...fieldRef("metadata.name"), ...configMapRef("some-config-map") } }, `[0].valueFrom: Invalid value: "": may not have more than one field specified at a time`],
    ["all three sources specified", { name: "abc", valueFrom: { ...fieldRef("metadata.name"), ...secretRef("a-secret"), ...configMapRef("some-config-map") } }, `[0].valueFrom: Invalid value: "": may not have more than one field specified at a time`],
    ["valueFrom.secretKeyRef.name invalid", { name: "abc", valueFrom: secretRef("$%^&*#") }, `[0].valueFrom.secretKeyRef.name: Invalid value: "$%^&*#": ${subdomainMsg}`],
    ["valueFrom.configMapKeyRef.name invalid", { name: "abc", valueFrom: configMapRef("$%^&*#") }, `[0].valueFrom.configMapKeyRef.name: Invalid value: "$%^&*#": ${subdomainMsg}`],
    ["missing FieldPath on ObjectFieldSelector", { name: "abc", valueFrom: { fieldRef: { apiVersion: "v1" } } }, "[0].valueFrom.fieldRef.fieldPath: Required value"],
    ["missing APIVersion on ObjectFieldSelector", { name: "abc", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }, "[0].valueFrom.fieldRef.apiVersion: Required value"],
    ["invalid fieldPath", { name: "abc", valueFrom: fieldRef("metadata.whoops") }, `[0].valueFrom.fieldRef.fieldPath: Invalid value: "metadata.whoops": error converting fieldPath`],
    ["metadata.name with subscript", { name: "labels", valueFrom: fieldRef("metadata.name['key']") }, `[0].valueFrom.fieldRef.fieldPath: Invalid value: "metadata.name['key']": error converting fieldPath: field label does not support subscript`],
    ["metadata.labels without subscript", { name: "labels", valueFrom: fieldRef("metadata.labels") }, `[0].valueFrom.fieldRef.fieldPath: Unsupported value: "metadata.labels": ${supported}`],
    ["metadata.annotations without subscript", { name: "abc", valueFrom: fieldRef("metadata.annotations") }, `[0].valueFrom.fieldRef.fieldPath: Unsupported value: "metadata.annotations": ${supported}`],
    ["metadata.annotations with invalid key", { name: "abc", valueFrom: fieldRef("metadata.annotations['invalid~key']") }, `env[0].valueFrom.fieldRef: Invalid value: "invalid~key"`],
    ["metadata.labels with invalid key", { name: "abc", valueFrom: fieldRef("metadata.labels['Www.k8s.io/test']") }, `env[0].valueFrom.fieldRef: Invalid value: "Www.k8s.io/test"`],
    ["unsupported fieldPath", { name: "abc", valueFrom: fieldRef("status.phase") }, `valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": ${supported}`],
  ];
  for (const [name, ev, want] of cases) {
    it(name, () => {
      const got = withEnv([ev]);
      expect(got.length).toBeGreaterThan(0);
      for (const m of got) expect(m).toContain(want);
    });
  }

  it("words a missing source exactly", () => {
    expect(withEnv([{ name: "abc", valueFrom: {} }])).toEqual([`${envPath}[0].valueFrom: Invalid value: "": must specify one of: \`fieldRef\`, \`resourceFieldRef\`, \`configMapKeyRef\` or \`secretKeyRef\``]);
  });
  it("an unsupported pod version cannot be converted", () => {
    expect(withEnv([{ name: "abc", valueFrom: fieldRef("metadata.name", "v2") }])).toEqual([`${envPath}[0].valueFrom.fieldRef.fieldPath: Invalid value: "metadata.name": error converting fieldPath: unsupported pod version: v2`]);
  });
  it("spec.host is the old name of spec.nodeName", () => expect(withEnv([{ name: "abc", valueFrom: fieldRef("spec.host") }])).toEqual([]));
  it("a configMapKeyRef key must be a config key", () => {
    expect(withEnv([{ name: "abc", valueFrom: configMapRef("cm", "..x") }])).toEqual([`${envPath}[0].valueFrom.configMapKeyRef.key: Invalid value: "..x": must not start with '..'`]);
  });
});

describe("resourceFieldRef resources and divisors", () => {
  const rf = (resource: string, divisor?: string) => [{ name: "r", valueFrom: { resourceFieldRef: { resource, ...(divisor ? { divisor } : {}) } } }];
  const cases: [string, any[], string[]][] = [
    ["limits.cpu with divisor 1m is valid", rf("limits.cpu", "1m"), []],
    ["1000m is the canonical 1, a valid cpu divisor", rf("limits.cpu", "1000m"), []],
    ["a cpu divisor of 2m is not supported", rf("limits.cpu", "2m"), [`${envPath}[0].valueFrom.resourceFieldRef.divisor: Invalid value: "limits.cpu": only divisor's values 1m and 1 are supported with the cpu resource`]],
    ["a memory divisor of 1Mi is valid", rf("requests.memory", "1Mi"), []],
    ["a memory divisor of 2Mi is not supported", rf("requests.memory", "2Mi"), [`${envPath}[0].valueFrom.resourceFieldRef.divisor: Invalid value: "requests.memory": only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource`]],
    ["an ephemeral-storage divisor of 1m is not supported", rf("limits.ephemeral-storage", "1m"), [`${envPath}[0].valueFrom.resourceFieldRef.divisor: Invalid value: "limits.ephemeral-storage": only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource`]],
    ["a hugepages divisor of 3 is not supported", rf("limits.hugepages-2Mi", "3"), [`${envPath}[0].valueFrom.resourceFieldRef.divisor: Invalid value: "limits.hugepages-2Mi": only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the hugepages resource`]],
    ["an unknown resource is not supported", rf("limits.gpu"), [`${envPath}[0].valueFrom.resourceFieldRef.resource: Unsupported value: "limits.gpu": supported values: "limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"`]],
    ["an empty resource is required (an env var needs no containerName)", rf(""), [`${envPath}[0].valueFrom.resourceFieldRef.resource: Required value`]],
  ];
  for (const [name, env, want] of cases) it(name, () => expect(withEnv(env)).toEqual(want));
});

describe("ValidateEnvFrom (TestValidateEnvFrom, TestRelaxedValidateEnvFrom)", () => {
  const cm = (name: string, prefix?: string) => ({ ...(prefix === undefined ? {} : { prefix }), configMapRef: { name } });
  const sec = (name: string, prefix?: string) => ({ ...(prefix === undefined ? {} : { prefix }), secretRef: { name } });
  it("accepts the success rows, relaxed prefixes included", () => {
    expect(withEnv([], [cm("abc"), cm("abc", "pre_"), cm("abc", "a.b"), sec("abc"), sec("abc", "pre_"), sec("abc", "a.b"), cm("abc", "!\"#$%&'()"),
      cm("abc", "* +,-./0123456789"), sec("abc", ":;<>?@"), sec("abc", "[\\]^_`{}|~")])).toEqual([]);
  });
  const cases: [string, any, string][] = [
    ["zero-length configMap name", cm(""), `${fromPath}[0].configMapRef.name: Required value`],
    ["invalid configMap name", cm("$"), `${fromPath}[0].configMapRef.name: Invalid value`],
    ["zero-length secret name", sec(""), `${fromPath}[0].secretRef.name: Required value`],
    ["invalid secret name", sec("&"), `${fromPath}[0].secretRef.name: Invalid value`],
    ["invalid prefix", cm("abc", "=abc"), `${fromPath}[0].prefix: Invalid value: "=abc": a valid environment variable name must consist only of printable ASCII characters other than '='`],
    ["no refs", {}, `${fromPath}: Invalid value: "": must specify one of: \`configMapRef\` or \`secretRef\``],
    ["multiple refs", { secretRef: { name: "abc" }, configMapRef: { name: "abc" } }, `${fromPath}: Invalid value: "": may not have more than one field specified at a time`],
    ["invalid secret ref name", sec("$%^&*#"), `${fromPath}[0].secretRef.name: Invalid value: "$%^&*#": ${subdomainMsg}`],
    ["invalid config ref name", cm("$%^&*#"), `${fromPath}[0].configMapRef.name: Invalid value: "$%^&*#": ${subdomainMsg}`],
  ];
  for (const [name, ev, want] of cases) {
    it(name, () => {
      const got = withEnv([], [ev]);
      expect(got.length).toBeGreaterThan(0);
      for (const m of got) expect(m).toContain(want);
    });
  }
  it("a name may end in '-' as a generateName prefix may", () => expect(withEnv([], [cm("abc-")])).toEqual([]));
});
