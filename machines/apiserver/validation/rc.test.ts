// TestValidateReplicationControllerStatus, TestValidateReplicationControllerStatusUpdate,
// TestValidateReplicationControllerUpdate and TestValidateReplicationController
// (pkg/apis/core/validation/validation_test.go, commit 000f2605, v1.35 line). The Go rows say only
// "fails"; each row's (type, field) causes are read from ValidateReplicationController* of the same
// commit. The status rows run through replicationcontrollers/status.

import { describe, expect, it } from "vitest";
import { validateCreate, validateUpdate } from "./index.js";
import { brief, makeContainer, makePod } from "./testing.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

const validSelector = { a: "b" };
const invalidSelector = { "NoUppercaseOrSpecialCharsLike=Equals": "b" };
const podSpec = (edit: (s: any) => void = () => {}) => {
  const s = makePod("p").spec;
  edit(s);
  return s;
};
const template = (labels: any, spec: any = podSpec()) => ({ metadata: { labels }, spec });
const gcePD = podSpec((s) => (s.volumes = [{ name: "gcepd", gcePersistentDisk: { pdName: "my-PD", fsType: "ext4", partition: 1, readOnly: false } }]));
const hostnet = podSpec((s) => {
  s.hostNetwork = true;
  s.containers = [makeContainer("abc", (c) => (c.ports = [{ containerPort: 12345, protocol: "TCP" }]))];
});
const rc = (metadata: any, spec: any, status?: any) => ({ apiVersion: "v1", kind: "ReplicationController", metadata, spec, ...(status ? { status } : {}) });
const meta = (name: string, extra: any = {}) => ({ name, namespace: "default", resourceVersion: "1", ...extra });

describe("TestValidateReplicationControllerStatus (through replicationcontrollers/status)", () => {
  const status = (replicas: number, fullyLabeledReplicas: number, readyReplicas: number, availableReplicas: number, observedGeneration: number) => ({ replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration });
  const old = rc(meta("abc"), { replicas: 3, selector: validSelector, template: template(validSelector) });
  const rows: [string, any, string[]][] = [
    ["valid status", status(3, 3, 2, 1, 2), []],
    ["invalid replicas", status(-1, 3, 2, 1, 2), ["status.replicas", "status.fullyLabeledReplicas", "status.readyReplicas", "status.availableReplicas"].map((f) => `FieldValueInvalid ${f}`)],
    ["invalid fullyLabeledReplicas", status(3, -1, 2, 1, 2), ["FieldValueInvalid status.fullyLabeledReplicas"]],
    ["invalid readyReplicas", status(3, 3, -1, 1, 2), ["FieldValueInvalid status.readyReplicas", "FieldValueInvalid status.availableReplicas"]],
    ["invalid availableReplicas", status(3, 3, 3, -1, 2), ["FieldValueInvalid status.availableReplicas"]],
    ["invalid observedGeneration", status(3, 3, 3, 3, -1), ["FieldValueInvalid status.observedGeneration"]],
    ["fullyLabeledReplicas greater than replicas", status(3, 4, 3, 3, 1), ["FieldValueInvalid status.fullyLabeledReplicas"]],
    ["readyReplicas greater than replicas", status(3, 3, 4, 3, 1), ["FieldValueInvalid status.readyReplicas"]],
    // Greater than both replicas and readyReplicas: two causes.
    ["availableReplicas greater than replicas", status(3, 3, 3, 4, 1), ["FieldValueInvalid status.availableReplicas", "FieldValueInvalid status.availableReplicas"]],
    ["availableReplicas greater than readyReplicas", status(3, 3, 2, 3, 1), ["FieldValueInvalid status.availableReplicas"]],
  ];
  for (const [name, st, want] of rows) it(`${want.length ? "refuses" : "accepts"} ${name}`, () => expect(brief(validateUpdate({ ...old, status: st }, old, "status"))).toEqual(want));
});

describe("TestValidateReplicationControllerStatusUpdate", () => {
  const t = template(validSelector, { ...podSpec(), containers: [{ name: "abc", image: "image", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File" }] });
  it("accepts new replicas in spec and status", () => {
    expect(brief(validateUpdate(rc(meta("abc"), { replicas: 3, selector: validSelector, template: t }, { replicas: 4 }), rc(meta("abc"), { selector: validSelector, template: t }, { replicas: 2 }), "status"))).toEqual([]);
  });
  // The other counts (0) are then greater than replicas (-3): one cause each.
  it("refuses negative replicas (and a name the old object did not have)", () => {
    expect(brief(validateUpdate(rc(meta("abc"), { replicas: 2, selector: validSelector, template: t }, { replicas: -3 }), rc(meta(""), { selector: validSelector, template: t }, { replicas: 3 }), "status")))
      .toEqual(["metadata.name", "status.replicas", "status.fullyLabeledReplicas", "status.readyReplicas", "status.availableReplicas"].map((f) => `FieldValueInvalid ${f}`));
  });
});

describe("TestValidateReplicationControllerUpdate", () => {
  const valid = template(validSelector);
  const success: [string, any, any][] = [
    ["more replicas", rc(meta("abc"), { selector: validSelector, template: valid }), rc(meta("abc"), { replicas: 3, selector: validSelector, template: valid })],
    ["a read-write GCE disk with one replica", rc(meta("abc"), { selector: validSelector, template: valid }), rc(meta("abc"), { replicas: 1, selector: validSelector, template: template(validSelector, gcePD) })],
  ];
  for (const [name, old, next] of success) it(`accepts ${name}`, () => expect(brief(validateUpdate(next, old))).toEqual([]));
  // The first three Go rows rename the object from "" as well.
  const errors: [string, any, any, string[]][] = [
    ["more than one read/write", rc(meta(""), { selector: validSelector, template: valid }), rc(meta("abc"), { replicas: 2, selector: validSelector, template: template(validSelector, gcePD) }), ["FieldValueInvalid metadata.name"]],
    ["invalid selector", rc(meta(""), { selector: validSelector, template: valid }), rc(meta("abc"), { replicas: 2, selector: invalidSelector, template: valid }), ["FieldValueInvalid metadata.name", "FieldValueInvalid spec.template.metadata.labels"]],
    ["invalid pod", rc(meta(""), { selector: validSelector, template: valid }), rc(meta("abc"), { replicas: 2, selector: validSelector, template: template(invalidSelector) }),
      ["FieldValueInvalid metadata.name", "FieldValueInvalid spec.template.metadata.labels", "FieldValueInvalid spec.template.labels"]],
    ["negative replicas", rc(meta("abc"), { selector: validSelector, template: valid }), rc(meta("abc"), { replicas: -1, selector: validSelector, template: valid }), ["FieldValueInvalid spec.replicas"]],
  ];
  for (const [name, old, next, want] of errors) it(`refuses ${name}`, () => expect(brief(validateUpdate(next, old))).toEqual(want));
});

describe("TestValidateReplicationController", () => {
  const valid = template(validSelector);
  const ns = (name: string, extra: any = {}) => ({ name, namespace: "default", ...extra });
  const success: [string, any][] = [
    ["abc", rc(ns("abc"), { selector: validSelector, template: valid })],
    ["abc-123", rc(ns("abc-123"), { selector: validSelector, template: valid })],
    ["a read-write GCE disk", rc(ns("abc-123"), { replicas: 1, selector: validSelector, template: template(validSelector, gcePD) })],
    ["hostNetwork with a container port and no hostPort", rc(ns("hostnet"), { replicas: 1, selector: validSelector, template: template(validSelector, hostnet) })],
  ];
  for (const [name, obj] of success) it(`accepts ${name}`, () => expect(brief(validateCreate(obj))).toEqual([]));
  const errors: [string, any, string[]][] = [
    ["zero-length ID", rc(ns(""), { selector: validSelector, template: valid }), ["FieldValueRequired metadata.name"]],
    ["missing-namespace", rc({ name: "abc-123" }, { selector: validSelector, template: valid }), ["FieldValueRequired metadata.namespace"]],
    ["empty selector", rc(ns("abc"), { template: valid }), ["FieldValueRequired spec.selector"]],
    ["selector_doesnt_match", rc(ns("abc"), { selector: { foo: "bar" }, template: valid }), ["FieldValueInvalid spec.template.metadata.labels"]],
    ["invalid manifest", rc(ns("abc"), { selector: validSelector }), ["FieldValueRequired spec.template"]],
    ["read-write persistent disk with > 1 pod", rc({ name: "abc" }, { replicas: 2, selector: validSelector, template: template(validSelector, gcePD) }), ["FieldValueRequired metadata.namespace"]],
    ["negative_replicas", rc(ns("abc"), { replicas: -1, selector: validSelector }), ["FieldValueInvalid spec.replicas", "FieldValueRequired spec.template"]],
    ["invalid_label", rc(ns("abc-123", { labels: { "NoUppercaseOrSpecialCharsLike=Equals": "bar" } }), { selector: validSelector, template: valid }), ["FieldValueInvalid metadata.labels"]],
    ["invalid_label 2", rc(ns("abc-123", { labels: { "NoUppercaseOrSpecialCharsLike=Equals": "bar" } }), { template: template(invalidSelector) }),
      ["FieldValueInvalid metadata.labels", "FieldValueRequired spec.selector", "FieldValueInvalid spec.template.labels"]],
    ["invalid_annotation", rc(ns("abc-123", { annotations: { "NoUppercaseOrSpecialCharsLike=Equals": "bar" } }), { selector: validSelector, template: valid }), ["FieldValueInvalid metadata.annotations"]],
    ["invalid restart policy 1", rc(ns("abc-123"), { selector: validSelector, template: template(validSelector, podSpec((s) => (s.restartPolicy = "OnFailure"))) }), ["FieldValueNotSupported spec.template.spec.restartPolicy"]],
    ["invalid restart policy 2", rc(ns("abc-123"), { selector: validSelector, template: template(validSelector, podSpec((s) => (s.restartPolicy = "Never"))) }), ["FieldValueNotSupported spec.template.spec.restartPolicy"]],
    ["template may not contain ephemeral containers", rc(ns("abc-123"), { replicas: 1, selector: validSelector, template: template(validSelector, podSpec((s) => (s.ephemeralContainers = [{ name: "debug", image: "image", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File" }]))) }),
      ["FieldValueForbidden spec.template.spec.ephemeralContainers"]],
  ];
  for (const [name, obj, want] of errors) it(`refuses ${name}`, () => expect(brief(validateCreate(obj))).toEqual(want));
});
