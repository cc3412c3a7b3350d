// TestValidateDeployment and TestValidateDaemonSet (pkg/apis/apps/validation/validation_test.go, the
// stored version afd5df58). TestValidateDeployment checks that the first cause contains the row's
// text; TestValidateDaemonSet that each error row fails and that every cause lies under one of the
// table's allowed fields. Objects are not defaulted, as in the Go tests.

import { describe, expect, it } from "vitest";
import { fieldErrorMessage } from "../status.js";
import { validateCreate } from "./index.js";
import { validateRollingUpdateDaemonSet } from "./daemonset.js";
import { makeContainer, makePod } from "./testing.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

const podSpec = (edit: (s: any) => void = () => {}) => {
  const s = makePod("p").spec;
  edit(s);
  return s;
};

function validDeployment(...tweaks: ((d: any) => void)[]): any {
  const d: any = {
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "abc", namespace: "default" },
    spec: {
      selector: { matchLabels: { name: "abc" } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      template: { metadata: { name: "abc", namespace: "default", labels: { name: "abc" } }, spec: podSpec() },
    },
  };
  for (const t of tweaks) t(d);
  return d;
}

describe("TestValidateDeployment", () => {
  it("accepts the valid Deployment", () => expect(validateCreate(validDeployment())).toEqual([]));
  it("accepts hostNetwork with a container port and no hostPort", () => {
    expect(validateCreate(validDeployment((d) => {
      d.spec.template.spec.hostNetwork = true;
      d.spec.template.spec.containers[0].ports = [{ containerPort: 12345, protocol: "TCP" }];
    }))).toEqual([]);
  });
  // The internal type's unset IntOrString is the integer 0: rows leaving one of maxSurge and
  // maxUnavailable out carry that 0 here (through the API, defaulting sets both).
  const rows: [string, any][] = [
    ["metadata.name: Required value", { apiVersion: "apps/v1", kind: "Deployment", metadata: { namespace: "default" } }],
    ["`selector` does not match template `labels`", validDeployment((d) => (d.spec.selector = { matchLabels: { name: "def" } }))],
    ['Unsupported value: "Never"', validDeployment((d) => (d.spec.template.spec.restartPolicy = "Never"))],
    ['supported values: "Recreate", "RollingUpdate"', validDeployment((d) => (d.spec.strategy.type = "randomType"))],
    ["may not be specified when strategy `type` is 'Recreate'", validDeployment((d) => (d.spec.strategy = { type: "Recreate", rollingUpdate: {} }))],
    ["a valid percent string must be", validDeployment((d) => (d.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: "20Percent", maxUnavailable: 0 } }))],
    ["may not be 0 when `maxSurge` is 0", validDeployment((d) => (d.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: "0%", maxUnavailable: 0 } }))],
    ["must not be greater than 100%", validDeployment((d) => (d.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: "110%" } }))],
    ["must be greater than minReadySeconds", validDeployment((d) => Object.assign(d.spec, { progressDeadlineSeconds: 600, minReadySeconds: 600 }))],
    ["ephemeral containers not allowed", validDeployment((d) => (d.spec.template.spec.ephemeralContainers = [{ name: "ec", image: "image", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File" }]))],
  ];
  for (const [want, d] of rows) {
    it(`refuses: ${want}`, () => {
      const errs = validateCreate(d);
      expect(errs.length).toBeGreaterThan(0);
      expect(fieldErrorMessage(errs[0]!)).toContain(want);
    });
  }
});

describe("TestValidateDaemonSet", () => {
  const validSelector = { a: "b" };
  const validTemplate = { metadata: { labels: { ...validSelector } }, spec: podSpec() };
  const hostNet = { metadata: { labels: { ...validSelector } }, spec: podSpec((s) => {
    s.hostNetwork = true;
    s.containers = [makeContainer("abc", (c) => (c.ports = [{ containerPort: 12345, protocol: "TCP" }]))];
  }) };
  const ds = (metadata: any, spec: any) => ({ apiVersion: "apps/v1", kind: "DaemonSet", metadata, spec });
  const onDelete = { type: "OnDelete" };
  const success: [string, any][] = [
    ["abc", ds({ name: "abc", namespace: "default" }, { selector: { matchLabels: validSelector }, template: validTemplate, updateStrategy: onDelete })],
    ["abc-123", ds({ name: "abc-123", namespace: "default" }, { selector: { matchLabels: validSelector }, template: validTemplate, updateStrategy: onDelete })],
    ["hostnet", ds({ name: "hostnet", namespace: "default" }, { selector: { matchLabels: validSelector }, template: hostNet, updateStrategy: onDelete })],
  ];
  for (const [name, obj] of success) it(`accepts ${name}`, () => expect(validateCreate(obj)).toEqual([]));
  // podtest.SetLabels puts the labels on the pod spec's own object meta, which a template does not have: the template has no labels.
  const errors: [string, any][] = [
    ["zero-length ID", ds({ name: "", namespace: "default" }, { selector: { matchLabels: validSelector }, template: validTemplate })],
    ["missing-namespace", ds({ name: "abc-123" }, { selector: { matchLabels: validSelector }, template: validTemplate })],
    ["nil selector", ds({ name: "abc", namespace: "default" }, { template: validTemplate })],
    ["empty selector", ds({ name: "abc", namespace: "default" }, { selector: {}, template: validTemplate })],
    ["selector_doesnt_match", ds({ name: "abc", namespace: "default" }, { selector: { matchLabels: { foo: "bar" } }, template: validTemplate })],
    ["invalid template", ds({ name: "abc", namespace: "default" }, { selector: { matchLabels: validSelector } })],
    ["invalid_label", ds({ name: "abc-123", namespace: "default", labels: { "NoUppercaseOrSpecialCharsLike=Equals": "bar" } }, { selector: { matchLabels: validSelector }, template: validTemplate })],
    ["invalid_label 2", ds({ name: "abc-123", namespace: "default", labels: { "NoUppercaseOrSpecialCharsLike=Equals": "bar" } }, { template: { spec: podSpec() } })],
    ["invalid_annotation", ds({ name: "abc-123", namespace: "default", annotations: { "NoUppercaseOrSpecialCharsLike=Equals": "bar" } }, { selector: { matchLabels: validSelector }, template: validTemplate })],
    ["invalid restart policy 1", ds({ name: "abc-123", namespace: "default" }, { selector: { matchLabels: validSelector }, template: { spec: podSpec((s) => (s.restartPolicy = "OnFailure")) } })],
    ["invalid restart policy 2", ds({ name: "abc-123", namespace: "default" }, { selector: { matchLabels: validSelector }, template: { spec: podSpec((s) => (s.restartPolicy = "Never")) } })],
    ["template may not contain ephemeral containers", ds({ name: "abc", namespace: "default" }, {
      selector: { matchLabels: validSelector }, updateStrategy: onDelete,
      template: { metadata: { labels: { ...validSelector } }, spec: podSpec((s) => (s.ephemeralContainers = [{ name: "debug", image: "image", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File" }])) },
    })],
  ];
  const allowed = (f: string) => f.startsWith("spec.template.") || f.startsWith("spec.updateStrategy") ||
    ["metadata.name", "metadata.namespace", "spec.selector", "spec.template", "GCEPersistentDisk.ReadOnly", "spec.template.labels", "metadata.annotations", "metadata.labels"].includes(f);
  for (const [name, obj] of errors) {
    it(`refuses ${name}, every cause under the table's allowed fields`, () => {
      const errs = validateCreate(obj);
      expect(errs.length).toBeGreaterThan(0);
      for (const e of errs) expect(allowed(e.field), `${e.field}`).toBe(true);
    });
  }
});

describe("TestValidateReplicaSet", () => {
  const validLabels = { a: "b" };
  const invalidLabels = { "NoUppercaseOrSpecialCharsLike=Equals": "b" };
  const template = (spec: any = podSpec(), labels: any = validLabels) => ({ metadata: { labels: { ...labels } }, spec });
  const gcePD = podSpec((s) => (s.volumes = [{ name: "gcepd", gcePersistentDisk: { pdName: "my-PD", fsType: "ext4", partition: 1, readOnly: false } }]));
  const hostNet = podSpec((s) => {
    s.hostNetwork = true;
    s.containers = [makeContainer("abc", (c) => (c.ports = [{ containerPort: 12345, protocol: "TCP" }]))];
  });
  const rs = (metadata: any, spec: any) => ({ apiVersion: "apps/v1", kind: "ReplicaSet", metadata, spec });
  const ns = (name: string, extra: any = {}) => ({ name, namespace: "default", ...extra });
  const sel = { matchLabels: validLabels };
  const success: [string, any][] = [
    ["abc", rs(ns("abc"), { selector: sel, template: template() })],
    ["abc-123", rs(ns("abc-123"), { selector: sel, template: template() })],
    ["hostnet", rs(ns("hostnet"), { selector: sel, template: template(hostNet) })],
    ["a read-write GCE disk with one replica", rs(ns("abc-123"), { replicas: 1, selector: sel, template: template(gcePD) })],
  ];
  for (const [name, obj] of success) it(`accepts ${name}`, () => expect(validateCreate(obj)).toEqual([]));
  const errors: [string, any][] = [
    ["zero-length ID", rs(ns(""), { selector: sel, template: template() })],
    ["missing-namespace", rs({ name: "abc-123" }, { selector: sel, template: template() })],
    ["empty selector", rs(ns("abc"), { template: template() })],
    ["selector_doesnt_match", rs(ns("abc"), { selector: { matchLabels: { foo: "bar" } }, template: template() })],
    ["invalid manifest", rs(ns("abc"), { selector: sel })],
    ["read-write persistent disk with > 1 pod", rs({ name: "abc" }, { replicas: 2, selector: sel, template: template(gcePD) })],
    ["negative_replicas", rs(ns("abc"), { replicas: -1, selector: sel })],
    ["invalid_label", rs(ns("abc-123", { labels: { "NoUppercaseOrSpecialCharsLike=Equals": "bar" } }), { selector: sel, template: template() })],
    ["invalid_label 2", rs(ns("abc-123", { labels: { "NoUppercaseOrSpecialCharsLike=Equals": "bar" } }), { template: template(podSpec(), invalidLabels) })],
    ["invalid_annotation", rs(ns("abc-123", { annotations: { "NoUppercaseOrSpecialCharsLike=Equals": "bar" } }), { selector: sel, template: template() })],
    ["invalid restart policy 1", rs(ns("abc-123"), { selector: sel, template: template(podSpec((s) => (s.restartPolicy = "OnFailure"))) })],
    ["invalid restart policy 2", rs(ns("abc-123"), { selector: sel, template: template(podSpec((s) => (s.restartPolicy = "Never"))) })],
  ];
  const allowed = (f: string) => f.startsWith("spec.template.") ||
    ["metadata.name", "metadata.namespace", "spec.selector", "spec.template", "GCEPersistentDisk.ReadOnly", "spec.replicas", "spec.template.labels", "metadata.annotations", "metadata.labels", "status.replicas"].includes(f);
  for (const [name, obj] of errors) {
    it(`refuses ${name}, every cause under the table's allowed fields`, () => {
      const errs = validateCreate(obj);
      expect(errs.length).toBeGreaterThan(0);
      for (const e of errs) expect(allowed(e.field), e.field).toBe(true);
    });
  }
});

describe("TestDaemonSetUpdateMaxSurge (ValidateRollingUpdateDaemonSet)", () => {
  // An unset internal IntOrString is the integer 0.
  const ru = (maxUnavailable: number | string = 0, maxSurge: number | string = 0) => ({ maxUnavailable, maxSurge });
  const rows: [string, any, boolean][] = [
    ["invalid: unset", ru(), true],
    ["invalid: zero percent", ru("0%"), true],
    ["invalid: zero", ru(0), true],
    ["valid: one", ru(1), false],
    ["valid: one percent", ru("1%"), false],
    ["valid: 100%", ru("100%"), false],
    ["invalid: greater than 100%", ru("101%"), true],
    ["valid: surge and unavailable set (expected to fail)", ru("1%", "1%"), true],
    ["invalid: surge enabled, surge zero percent", ru(0, "0%"), true],
    ["invalid: surge enabled, surge zero", ru(0, 0), true],
    ["valid: surge enabled, surge one", ru(0, 1), false],
    ["valid: surge enabled, surge one percent", ru(0, "1%"), false],
    ["valid: surge enabled, surge 100%", ru(0, "100%"), false],
    ["invalid: surge enabled, surge greater than 100%", ru(0, "101%"), true],
    ["invalid: surge enabled, surge and unavailable zero percent", ru("0%", "0%"), true],
    ["invalid: surge enabled, surge and unavailable mixed zero", ru(0, "0%"), true],
  ];
  for (const [name, r, fails] of rows) {
    it(name, () => {
      const errs = validateRollingUpdateDaemonSet(r, "spec.updateStrategy.rollingUpdate");
      if (fails) expect(errs.length).toBeGreaterThan(0);
      else expect(errs).toEqual([]);
    });
  }
});
