// apps/v1 DaemonSet defaulting, the strategy's template generation and validation: expectations from
// pkg/apis/apps/v1/defaults.go (TestSetDefaultDaemonSetSpec), pkg/registry/apps/daemonset/strategy.go
// and pkg/apis/apps/validation/validation_test.go (TestValidateDaemonSet, TestValidateDaemonSetUpdate,
// TestValidateRollingUpdateDaemonSet), Kubernetes 1.35.

import { describe, expect, it } from "vitest";
import { mutate } from "../admission/index.js";
import { TEMPLATE_GENERATION_ANNOTATION } from "../admission/daemonset.js";
import { validateCreate, validateUpdate } from "./index.js";
import { brief, messages } from "./testing.js";

const now = "2026-01-01T00:00:00Z";

// The docs' controllers/daemonset.yaml (fluentd-elasticsearch), as the API server receives it.
function fluentd(edit: (spec: any) => void = () => {}): any {
  const ds: any = {
    apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "fluentd-elasticsearch", namespace: "kube-system", labels: { "k8s-app": "fluentd-logging" } },
    spec: {
      selector: { matchLabels: { name: "fluentd-elasticsearch" } },
      template: {
        metadata: { labels: { name: "fluentd-elasticsearch" } },
        spec: {
          tolerations: [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }],
          containers: [{ name: "fluentd-elasticsearch", image: "quay.io/fluentd_elasticsearch/fluentd:v5.0.1" }],
          terminationGracePeriodSeconds: 30,
        },
      },
    },
  };
  edit(ds.spec);
  return mutate(ds, { now, operation: "CREATE" });
}

describe("a created DaemonSet's defaults (SetDefaults_DaemonSet, PrepareForCreate)", () => {
  it("gets RollingUpdate with maxUnavailable 1 and maxSurge 0, revisionHistoryLimit 10, restartPolicy Always", () => {
    const s = fluentd().spec;
    expect(s.updateStrategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(s.revisionHistoryLimit).toBe(10);
    expect(s.template.spec.restartPolicy).toBe("Always");
    expect(s.template.spec.dnsPolicy).toBe("ClusterFirst");
  });
  it("keeps OnDelete without a rollingUpdate, and a given history limit", () => {
    const s = fluentd((spec) => {
      spec.updateStrategy = { type: "OnDelete" };
      spec.revisionHistoryLimit = 3;
    }).spec;
    expect(s.updateStrategy).toEqual({ type: "OnDelete" });
    expect(s.revisionHistoryLimit).toBe(3);
  });
  it("fills only the missing one of maxUnavailable and maxSurge", () => {
    expect(fluentd((spec) => (spec.updateStrategy = { rollingUpdate: { maxSurge: "10%" } })).spec.updateStrategy.rollingUpdate).toEqual({ maxSurge: "10%", maxUnavailable: 1 });
  });
  it("starts at generation 1 and template generation 1 (deprecated.daemonset.template.generation), status cleared", () => {
    const ds = fluentd();
    ds.status = { numberReady: 3 };
    const created = mutate(ds, { now, operation: "CREATE" });
    expect(created.metadata.generation).toBe(1);
    expect(created.metadata.annotations).toEqual({ "deprecated.daemonset.template.generation": "1" });
    expect(created.status).toEqual({});
  });
  it("bumps generation and template generation when the template changes, only generation for other spec changes", () => {
    const old = fluentd();
    const newImage = structuredClone(old);
    newImage.spec.template.spec.containers[0].image = "quay.io/fluentd_elasticsearch/fluentd:v5.0.2";
    const updated = mutate(newImage, { now, operation: "UPDATE", old });
    expect([updated.metadata.generation, updated.metadata.annotations["deprecated.daemonset.template.generation"]]).toEqual([2, "2"]);
    const minReady = structuredClone(old);
    minReady.spec.minReadySeconds = 5;
    const other = mutate(minReady, { now, operation: "UPDATE", old });
    expect([other.metadata.generation, other.metadata.annotations["deprecated.daemonset.template.generation"]]).toEqual([2, "1"]);
  });
  it("ignores a template generation the user writes on update", () => {
    const old = fluentd();
    const forged = structuredClone(old);
    forged.metadata.annotations["deprecated.daemonset.template.generation"] = "7";
    expect(mutate(forged, { now, operation: "UPDATE", old }).metadata.annotations["deprecated.daemonset.template.generation"]).toBe("1");
  });
});

describe("ValidateDaemonSet (TestValidateDaemonSet)", () => {
  it("accepts the docs' fluentd-elasticsearch DaemonSet", () => {
    expect(messages(validateCreate(fluentd()))).toEqual([]);
  });
  it("accepts OnDelete, and RollingUpdate with a surge instead of unavailability", () => {
    expect(messages(validateCreate(fluentd((s) => (s.updateStrategy = { type: "OnDelete" }))))).toEqual([]);
    expect(messages(validateCreate(fluentd((s) => (s.updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }))))).toEqual([]);
  });

  const rows: [string, (spec: any) => void, string[]][] = [
    ["nil selector: a nil selector matches no template labels", (s) => delete s.selector,
      ["spec.template.metadata.labels: Invalid value: {\"name\":\"fluentd-elasticsearch\"}: `selector` does not match template `labels`"]],
    ["empty selector", (s) => (s.selector = {}), ["spec.selector: Invalid value: {}: empty selector is invalid for daemonset"]],
    ["selector_doesnt_match", (s) => (s.selector = { matchLabels: { foo: "bar" } }),
      ["spec.template.metadata.labels: Invalid value: {\"name\":\"fluentd-elasticsearch\"}: `selector` does not match template `labels`"]],
    ["invalid restart policy 1: OnFailure", (s) => (s.template.spec.restartPolicy = "OnFailure"),
      ["spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\""]],
    ["invalid restart policy 2: Never", (s) => (s.template.spec.restartPolicy = "Never"),
      ["spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""]],
    ["template may not have activeDeadlineSeconds", (s) => (s.template.spec.activeDeadlineSeconds = 10),
      ["spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported"]],
    ["negative minReadySeconds", (s) => (s.minReadySeconds = -1), ["spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"]],
    ["negative revisionHistoryLimit", (s) => (s.revisionHistoryLimit = -1), ["spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0"]],
    ["an unknown update strategy type", (s) => (s.updateStrategy = { type: "Foo" }),
      ["spec.updateStrategy: Unsupported value: {\"Type\":\"Foo\",\"RollingUpdate\":null}: supported values: \"RollingUpdate\", \"OnDelete\""]],
    ["both maxUnavailable and maxSurge non-zero", (s) => (s.updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } }),
      ["spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero"]],
    ["both maxUnavailable and maxSurge zero", (s) => (s.updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }),
      ["spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"]],
    ["maxUnavailable over 100%", (s) => (s.updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "101%", maxSurge: 0 } }),
      ["spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: \"101%\": must not be greater than 100%"]],
    ["negative maxSurge", (s) => (s.updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: -1 } }),
      ["spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0"]],
  ];
  for (const [name, edit, want] of rows) {
    it(`refuses ${name}`, () => {
      expect(messages(validateCreate(fluentd(edit)))).toEqual(want);
    });
  }

  it("refuses an invalid label in the template as the pod template validation does", () => {
    const errs = validateCreate(fluentd((s) => {
      s.template.metadata.labels["NoUppercaseOrSpecialCharsLike=Equals"] = "bar";
      s.selector.matchLabels["NoUppercaseOrSpecialCharsLike=Equals"] = "bar";
    }));
    expect(brief(errs)).toContain("FieldValueInvalid spec.selector.matchLabels");
    expect(brief(errs)).toContain("FieldValueInvalid spec.template.labels");
  });
});

describe("ValidateDaemonSetUpdate (TestValidateDaemonSetUpdate)", () => {
  it("accepts a new image and a new update strategy", () => {
    const old = { ...fluentd(), metadata: { ...fluentd().metadata, uid: "u", resourceVersion: "1" } };
    const next = structuredClone(old);
    next.spec.template.spec.containers[0].image = "quay.io/fluentd_elasticsearch/fluentd:v5.0.2";
    next.spec.updateStrategy = { type: "OnDelete" };
    // PrepareForUpdate raises the template generation when the template changed.
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [TEMPLATE_GENERATION_ANNOTATION]: String(Number(old.metadata.annotations[TEMPLATE_GENERATION_ANNOTATION]) + 1) };
    expect(messages(validateUpdate(next, old))).toEqual([]);
  });
  it("refuses a changed selector in apps/v1 (field is immutable)", () => {
    const old = { ...fluentd(), metadata: { ...fluentd().metadata, uid: "u", resourceVersion: "1" } };
    const next = structuredClone(old);
    next.spec.selector = { matchLabels: { name: "fluentd-elasticsearch", tier: "logging" } };
    next.spec.template.metadata.labels.tier = "logging";
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [TEMPLATE_GENERATION_ANNOTATION]: String(Number(old.metadata.annotations[TEMPLATE_GENERATION_ANNOTATION]) + 1) };
    expect(messages(validateUpdate(next, old))).toEqual(["spec.selector: Invalid value: {\"matchLabels\":{\"name\":\"fluentd-elasticsearch\",\"tier\":\"logging\"}}: field is immutable"]);
  });
});

describe("ValidateControllerRevision", () => {
  const cr = (data: unknown, revision: number) => ({ apiVersion: "apps/v1", kind: "ControllerRevision", metadata: { name: "fluentd-6b8f4c9d7", namespace: "kube-system" }, data, revision });
  it("requires data and a non-negative revision", () => {
    expect(messages(validateCreate(cr({ spec: {} }, 1)))).toEqual([]);
    expect(messages(validateCreate(cr(undefined, -1)))).toEqual(["data: Required value: data is mandatory", "revision: Invalid value: -1: must be greater than or equal to 0"]);
  });
});
