// TestValidateDaemonSetUpdate, TestValidateDeploymentUpdate and TestValidateReplicaSetUpdate
// (pkg/apis/apps/validation/validation_test.go, the stored version afd5df58), row by row, against
// the ports of ValidateDaemonSetUpdate, ValidateDeploymentUpdate and ValidateReplicaSetUpdate alone,
// as the Go tests call them (the strategies' apps/v1 selector immutability is tested apart, below).
// The Go rows count causes; each podflow row lists them as (type, field), read from validation.go
// (2dd1588c). Objects are not defaulted, as in the Go tests; the internal spec.templateGeneration is
// apps/v1's deprecated.daemonset.template.generation annotation (pkg/apis/apps/v1/conversion.go).

import { describe, expect, it } from "vitest";
import { TEMPLATE_GENERATION_ANNOTATION } from "../admission/daemonset.js";
import { validateDeploymentUpdate, validateDeploymentUpdateV1, validateReplicaSetUpdate, validateReplicaSetUpdateV1 } from "./apps.js";
import { validateDaemonSetUpdate, validateDaemonSetUpdateV1 } from "./daemonset.js";
import { brief, makeContainer, makePod } from "./testing.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

// podtest.MakePodSpec with the row's tweaks.
const podSpec = (edit: (s: any) => void = () => {}) => {
  const s = makePod("p").spec;
  edit(s);
  return s;
};
const gcePD = { name: "gcepd", gcePersistentDisk: { pdName: "my-PD", fsType: "ext4", partition: 1, readOnly: false } };
const invalidLabels = { "NoUppercaseOrSpecialCharsLike=Equals": "b" };

describe("TestValidateDaemonSetUpdate (ValidateDaemonSetUpdate)", () => {
  const validSelector = { a: "b" };
  const validSelector2 = { c: "d" };
  const specAbc = () => podSpec((s) => (s.containers = [makeContainer("abc")]));
  const specDef = () => podSpec((s) => (s.containers = [makeContainer("def")]));
  const templates: Record<string, () => any> = {
    abc: () => ({ metadata: { labels: { ...validSelector } }, spec: specAbc() }),
    // validPodTemplateAbcSemanticallyEqual: ImagePullSecrets set to an empty list.
    abcSemanticallyEqual: () => ({ metadata: { labels: { ...validSelector } }, spec: { ...specAbc(), imagePullSecrets: [] } }),
    nodeSelector: () => ({ metadata: { labels: { ...validSelector } }, spec: podSpec((s) => Object.assign(s, { nodeSelector: { ...validSelector }, nodeName: "xyz" })) }),
    abc2: () => ({ metadata: { labels: { ...validSelector2 } }, spec: specAbc() }),
    def: () => ({ metadata: { labels: { ...validSelector2 } }, spec: specDef() }),
    invalid: () => ({ metadata: { labels: { ...validSelector } }, spec: podSpec((s) => (s.containers = [])) }),
    readWriteVolume: () => ({ metadata: { labels: { ...validSelector } }, spec: podSpec((s) => (s.volumes = [gcePD])) }),
  };
  const onDelete = { type: "OnDelete" };
  const rollingOne = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } };
  const ds = (name: string, selector: any, generation: number, template: string, updateStrategy: any = onDelete) => ({
    apiVersion: "apps/v1", kind: "DaemonSet",
    metadata: { name, namespace: "default", annotations: { [TEMPLATE_GENERATION_ANNOTATION]: String(generation) } },
    spec: { selector: { matchLabels: { ...selector } }, template: templates[template]!(), updateStrategy },
  });
  const success: [string, any, any][] = [
    ["no change", ds("abc", validSelector, 1, "abc"), ds("abc", validSelector, 1, "abc")],
    ["change template and selector", ds("abc", validSelector, 2, "abc"), ds("abc", validSelector2, 3, "abc2")],
    ["change template", ds("abc", validSelector, 3, "abc"), ds("abc", validSelector, 4, "nodeSelector")],
    ["change container image name", ds("abc", validSelector, 1, "abc"), ds("abc", validSelector2, 2, "def")],
    ["change update strategy", ds("abc", validSelector, 4, "abc"), ds("abc", validSelector, 4, "abc", rollingOne)],
    ["unchanged templateGeneration upon semantically equal template update", ds("abc", validSelector, 4, "abc"), ds("abc", validSelector, 4, "abcSemanticallyEqual", rollingOne)],
    ["Read-write volume verification", ds("abc", validSelector, 1, "abc"), ds("abc", validSelector, 2, "readWriteVolume")],
  ];
  for (const [name, old, update] of success) it(`accepts: ${name}`, () => expect(validateDaemonSetUpdate(update, old)).toEqual([]));
  const errors: [string, any, any, string[]][] = [
    ["change daemon name", ds("", validSelector, 1, "abc"), ds("abc", validSelector, 1, "abc"), ["FieldValueInvalid metadata.name"]],
    ["invalid selector", ds("abc", validSelector, 1, "abc"), ds("abc", invalidLabels, 1, "abc"), ["FieldValueInvalid spec.selector.matchLabels"]],
    ["invalid pod", ds("abc", validSelector, 1, "abc"), ds("abc", validSelector, 2, "invalid"), ["FieldValueRequired spec.template.spec.containers"]],
    ["invalid update strategy", ds("abc", validSelector, 1, "abc"), ds("abc", validSelector, 1, "abc", { type: "Random" }), ["FieldValueNotSupported spec.updateStrategy"]],
    ["negative templateGeneration", ds("abc", validSelector, -1, "abc"), ds("abc", validSelector, -1, "abc"), ["FieldValueInvalid spec.templateGeneration"]],
    ["decreased templateGeneration", ds("abc", validSelector, 2, "abc"), ds("abc", validSelector, 1, "abc"), ["FieldValueInvalid spec.templateGeneration"]],
    ["unchanged templateGeneration upon template update", ds("abc", validSelector, 2, "abc"), ds("abc", validSelector2, 2, "abc2"), ["FieldValueInvalid spec.templateGeneration"]],
  ];
  for (const [name, old, update, want] of errors) it(`refuses: ${name}`, () => expect(brief(validateDaemonSetUpdate(update, old))).toEqual(want));
  it("the templateGeneration messages are Kubernetes'", () => {
    const msgs = (old: any, update: any) => validateDaemonSetUpdate(update, old).map((e) => e.detail);
    expect(msgs(ds("abc", validSelector, 2, "abc"), ds("abc", validSelector, 1, "abc"))).toEqual(["must not be decremented"]);
    expect(msgs(ds("abc", validSelector, 2, "abc"), ds("abc", validSelector, 2, "nodeSelector"))).toEqual(["must be incremented upon template update"]);
    expect(msgs(ds("abc", validSelector, 2, "abc"), ds("abc", validSelector, 3, "abc"))).toEqual(["must not be incremented without template update"]);
  });
  it("the apps/v1 strategy adds the selector's immutability (pkg/registry/apps/daemonset/strategy.go)", () => {
    expect(brief(validateDaemonSetUpdateV1(ds("abc", validSelector2, 3, "abc2"), ds("abc", validSelector, 2, "abc")))).toEqual(["FieldValueInvalid spec.selector"]);
  });
});

// TestValidateDeploymentUpdate and TestValidateReplicaSetUpdate share their rows: the same templates,
// the same error counts (3, 4, 1).
function updateRows(kind: string, strategy: any) {
  const validLabels = { a: "b" };
  const valid = () => ({ metadata: { labels: { ...validLabels } }, spec: podSpec() });
  const readWrite = () => ({ metadata: { labels: { ...validLabels } }, spec: podSpec((s) => (s.volumes = [gcePD])) });
  const invalid = () => ({ metadata: { labels: { ...invalidLabels } }, spec: podSpec((s) => (s.containers = [])) });
  const obj = (name: string, replicas: number | undefined, selector: any, template: any) => ({
    apiVersion: "apps/v1", kind, metadata: { name, namespace: "default" },
    spec: { ...(replicas === undefined ? {} : { replicas }), selector: { matchLabels: { ...selector } }, template, ...strategy },
  });
  const success: [string, any, any][] = [
    ["positive replicas", obj("abc", undefined, validLabels, valid()), obj("abc", kind === "Deployment" ? 1 : 3, validLabels, kind === "Deployment" ? readWrite() : valid())],
    ["Read-write volume verification", obj("abc", undefined, validLabels, valid()), obj("abc", kind === "Deployment" ? 2 : 3, validLabels, readWrite())],
  ];
  const errors: [string, any, any, string[]][] = [
    ["invalid selector", obj("", undefined, validLabels, valid()), obj("abc", 2, invalidLabels, valid()), ["FieldValueInvalid metadata.name", "FieldValueInvalid spec.selector.matchLabels", "FieldValueInvalid spec.selector"]],
    ["invalid pod", obj("", undefined, validLabels, valid()), obj("abc", 2, validLabels, invalid()), [
      // ValidatePodTemplateSpec checks the labels at fldPath.Child("labels"): spec.template.labels.
      "FieldValueInvalid metadata.name", "FieldValueInvalid spec.template.metadata.labels", "FieldValueInvalid spec.template.labels", "FieldValueRequired spec.template.spec.containers",
    ]],
    ["negative replicas", obj("abc", undefined, validLabels, valid()), obj("abc", -1, validLabels, kind === "Deployment" ? readWrite() : valid()), ["FieldValueInvalid spec.replicas"]],
  ];
  return { success, errors, obj, valid };
}

describe("TestValidateDeploymentUpdate (ValidateDeploymentUpdate)", () => {
  const { success, errors, obj, valid } = updateRows("Deployment", { strategy: { type: "Recreate" } });
  for (const [name, old, update] of success) it(`accepts: ${name}`, () => expect(validateDeploymentUpdate(update, old)).toEqual([]));
  for (const [name, old, update, want] of errors) it(`refuses: ${name}`, () => expect(brief(validateDeploymentUpdate(update, old))).toEqual(want));
  it("a selector LabelSelectorAsSelector refuses is \"invalid label selector\" and the template is not judged", () => {
    const errs = validateDeploymentUpdate(obj("abc", 2, invalidLabels, valid()), obj("abc", undefined, { a: "b" }, valid()));
    expect(errs.at(-1)?.detail).toBe("invalid label selector");
  });
  it("the apps/v1 strategy adds the selector's immutability", () => {
    expect(brief(validateDeploymentUpdateV1(obj("abc", 1, { a: "b", c: "d" }, { metadata: { labels: { a: "b", c: "d" } }, spec: podSpec() }), obj("abc", 1, { a: "b" }, valid())))).toEqual(["FieldValueInvalid spec.selector"]);
  });
});

describe("TestValidateReplicaSetUpdate (ValidateReplicaSetUpdate)", () => {
  const { success, errors, obj, valid } = updateRows("ReplicaSet", {});
  for (const [name, old, update] of success) it(`accepts: ${name}`, () => expect(validateReplicaSetUpdate(update, old)).toEqual([]));
  for (const [name, old, update, want] of errors) it(`refuses: ${name}`, () => expect(brief(validateReplicaSetUpdate(update, old))).toEqual(want));
  it("the apps/v1 strategy adds the selector's immutability", () => {
    expect(brief(validateReplicaSetUpdateV1(obj("abc", 1, { a: "b", c: "d" }, { metadata: { labels: { a: "b", c: "d" } }, spec: podSpec() }), obj("abc", 1, { a: "b" }, valid())))).toEqual(["FieldValueInvalid spec.selector"]);
  });
});
