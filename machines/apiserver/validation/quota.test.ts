// TestValidateLimitRange, TestValidateLimitRangeForLocalStorage and TestValidateResourceQuota
// (pkg/apis/core/validation/validation_test.go, commit 000f2605, v1.35 line). The Go tables give each
// error row a detail every cause must contain; the (type, field) causes are read from ValidateLimitRange
// and ValidateResourceQuota of the same commit.

import { describe, expect, it } from "vitest";
import { validateCreate, validateUpdate } from "./index.js";
import { brief } from "./testing.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

// getResources(cpu, memory, ephemeralStorage, storage): only the non-empty ones.
function getResources(cpu: string, memory: string, ephemeral: string, storage: string): Record<string, string> {
  const r: Record<string, string> = {};
  if (cpu) r.cpu = cpu;
  if (memory) r.memory = memory;
  if (ephemeral) r["ephemeral-storage"] = ephemeral;
  if (storage) r.storage = storage;
  return r;
}

const lr = (name: string, namespace: string, limits: any[] = []) => ({ apiVersion: "v1", kind: "LimitRange", metadata: { name, namespace }, spec: { limits } });

describe("TestValidateLimitRange and TestValidateLimitRangeForLocalStorage: success cases", () => {
  const cases: [string, any[]][] = [
    ["all-fields-valid", [
      { type: "Pod", max: getResources("100m", "10000Mi", "", ""), min: getResources("5m", "100Mi", "", ""), maxLimitRequestRatio: getResources("10", "", "", "") },
      { type: "Container", max: getResources("100m", "10000Mi", "", ""), min: getResources("5m", "100Mi", "", ""), default: getResources("50m", "500Mi", "", ""), defaultRequest: getResources("10m", "200Mi", "", ""), maxLimitRequestRatio: getResources("10", "", "", "") },
      { type: "PersistentVolumeClaim", max: getResources("", "", "", "10Gi"), min: getResources("", "", "", "5Gi") },
    ]],
    ["pvc-min-only", [{ type: "PersistentVolumeClaim", min: getResources("", "", "", "5Gi") }]],
    ["pvc-max-only", [{ type: "PersistentVolumeClaim", max: getResources("", "", "", "10Gi") }]],
    ["all-fields-valid-big-numbers", [{ type: "Container", max: getResources("100m", "10000T", "", ""), min: getResources("5m", "100Mi", "", ""), default: getResources("50m", "500Mi", "", ""), defaultRequest: getResources("10m", "200Mi", "", ""), maxLimitRequestRatio: getResources("10", "", "", "") }]],
    ["thirdparty-fields-all-valid-standard-container-resources", [{ type: "thirdparty.com/foo", max: getResources("100m", "10000T", "", ""), min: getResources("5m", "100Mi", "", ""), default: getResources("50m", "500Mi", "", ""), defaultRequest: getResources("10m", "200Mi", "", ""), maxLimitRequestRatio: getResources("10", "", "", "") }]],
    ["thirdparty-fields-all-valid-storage-resources", [{ type: "thirdparty.com/foo", max: getResources("", "", "", "10000T"), min: getResources("", "", "", "100Mi"), default: getResources("", "", "", "500Mi"), defaultRequest: getResources("", "", "", "200Mi"), maxLimitRequestRatio: getResources("", "", "", "") }]],
    ["local storage: all-fields-valid", [
      { type: "Pod", max: getResources("", "", "10000Mi", ""), min: getResources("", "", "100Mi", ""), maxLimitRequestRatio: getResources("", "", "", "") },
      { type: "Container", max: getResources("", "", "10000Mi", ""), min: getResources("", "", "100Mi", ""), default: getResources("", "", "500Mi", ""), defaultRequest: getResources("", "", "200Mi", ""), maxLimitRequestRatio: getResources("", "", "", "") },
    ]],
  ];
  for (const [name, limits] of cases) it(`accepts ${name}`, () => expect(brief(validateCreate(lr(name.replace(/^local storage: /, ""), "foo", limits)))).toEqual([]));
});

describe("TestValidateLimitRange: error cases", () => {
  const rows: [string, any, string, string[]][] = [
    ["zero-length-name", lr("", "foo"), "name or generateName is required", ["FieldValueRequired metadata.name"]],
    ["zero-length-namespace", lr("abc", ""), "", ["FieldValueRequired metadata.namespace"]],
    ["invalid-name", lr("^Invalid", "foo"), "a lowercase RFC 1123 subdomain", ["FieldValueInvalid metadata.name"]],
    ["invalid-namespace", lr("abc", "^Invalid"), "a lowercase RFC 1123 label must consist of", ["FieldValueInvalid metadata.namespace"]],
    ["duplicate-limit-type", lr("abc", "foo", [{ type: "Pod", max: getResources("100m", "10000m", "", ""), min: getResources("0m", "100m", "", "") }, { type: "Pod", min: getResources("0m", "100m", "", "") }]), "", ["FieldValueDuplicate spec.limits[1].type"]],
    ["default-limit-type-pod", lr("abc", "foo", [{ type: "Pod", max: getResources("100m", "10000m", "", ""), min: getResources("0m", "100m", "", ""), default: getResources("10m", "100m", "", "") }]), "may not be specified when `type` is 'Pod'", ["FieldValueForbidden spec.limits[0].default"]],
    ["default-request-limit-type-pod", lr("abc", "foo", [{ type: "Pod", max: getResources("100m", "10000m", "", ""), min: getResources("0m", "100m", "", ""), defaultRequest: getResources("10m", "100m", "", "") }]), "may not be specified when `type` is 'Pod'", ["FieldValueForbidden spec.limits[0].defaultRequest"]],
    ["min value 100m is greater than max value 10m", lr("abc", "foo", [{ type: "Pod", max: getResources("10m", "", "", ""), min: getResources("100m", "", "", "") }]), "min value 100m is greater than max value 10m", ["FieldValueInvalid spec.limits[0].min[cpu]"]],
    ["invalid spec default outside range", lr("abc", "foo", [{ type: "Container", max: getResources("1", "", "", ""), min: getResources("100m", "", "", ""), default: getResources("2000m", "", "", "") }]), "default value 2 is greater than max value 1", ["FieldValueInvalid spec.limits[0].default[cpu]"]],
    ["invalid spec default request outside range", lr("abc", "foo", [{ type: "Container", max: getResources("1", "", "", ""), min: getResources("100m", "", "", ""), defaultRequest: getResources("2000m", "", "", "") }]), "default request value 2 is greater than max value 1", ["FieldValueInvalid spec.limits[0].defaultRequest[cpu]"]],
    ["invalid spec default request more than default", lr("abc", "foo", [{ type: "Container", max: getResources("2", "", "", ""), min: getResources("100m", "", "", ""), default: getResources("500m", "", "", ""), defaultRequest: getResources("800m", "", "", "") }]), "default request value 800m is greater than default limit value 500m", ["FieldValueInvalid spec.limits[0].defaultRequest[cpu]"]],
    ["invalid spec maxLimitRequestRatio less than 1", lr("abc", "foo", [{ type: "Pod", maxLimitRequestRatio: getResources("800m", "", "", "") }]), "ratio 800m is less than 1", ["FieldValueInvalid spec.limits[0].maxLimitRequestRatio[cpu]"]],
    ["invalid spec maxLimitRequestRatio greater than max/min", lr("abc", "foo", [{ type: "Container", max: getResources("", "2Gi", "", ""), min: getResources("", "512Mi", "", ""), maxLimitRequestRatio: getResources("", "10", "", "") }]), "ratio 10 is greater than max/min = 4.000000", ["FieldValueInvalid spec.limits[0].maxLimitRequestRatio[memory]"]],
    ["invalid non standard limit type", lr("abc", "foo", [{ type: "foo", max: getResources("", "", "", "10000T"), min: getResources("", "", "", "100Mi"), default: getResources("", "", "", "500Mi"), defaultRequest: getResources("", "", "", "200Mi"), maxLimitRequestRatio: getResources("", "", "", "") }]), "must be a standard limit type or fully qualified", ["FieldValueInvalid spec.limits[0].type"]],
    ["min and max values missing, one required", lr("abc", "foo", [{ type: "PersistentVolumeClaim" }]), "either minimum or maximum storage value is required, but neither was provided", ["FieldValueRequired spec.limits[0].limits"]],
    ["invalid min greater than max", lr("abc", "foo", [{ type: "PersistentVolumeClaim", min: getResources("", "", "", "10Gi"), max: getResources("", "", "", "1Gi") }]), "min value 10Gi is greater than max value 1Gi", ["FieldValueInvalid spec.limits[0].min[storage]"]],
  ];
  for (const [name, obj, detail, want] of rows) {
    it(`refuses ${name}`, () => {
      const errs = validateCreate(obj);
      expect(brief(errs)).toEqual(want);
      for (const e of errs) expect(e.detail).toContain(detail);
    });
  }
  it("the limitranges strategy checks an update with the create rules", () => {
    const old = { ...lr("abc", "foo"), metadata: { name: "abc", namespace: "foo", resourceVersion: "1" } };
    const next = { ...old, spec: { limits: [{ type: "Pod", maxLimitRequestRatio: getResources("800m", "", "", "") }] } };
    expect(brief(validateUpdate(next, old))).toEqual(["FieldValueInvalid spec.limits[0].maxLimitRequestRatio[cpu]"]);
  });
});

describe("TestValidateResourceQuota", () => {
  const spec = {
    hard: {
      cpu: "100", memory: "10000", "requests.cpu": "100", "requests.memory": "10000", "limits.cpu": "100", "limits.memory": "10000", pods: "10", services: "0",
      replicationcontrollers: "10", resourcequotas: "10", configmaps: "10", secrets: "10", "count/resourceclaims.resource.k8s.io": "1", "gold.deviceclass.resource.k8s.io/devices": "1",
    },
  };
  const rq = (name: string, namespace: string, s: any) => ({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name, namespace }, spec: s });
  const success: [string, any][] = [
    ["no-scope", spec],
    ["fractional-compute-spec", { hard: { cpu: "100m" } }],
    ["terminating-spec", { hard: { cpu: "100", "limits.cpu": "200" }, scopes: ["Terminating"] }],
    ["non-terminating-spec", { hard: { cpu: "100" }, scopes: ["NotTerminating"] }],
    ["best-effort-spec", { hard: { pods: "100" }, scopes: ["BestEffort"] }],
    ["cross-namespace-affinity-spec", { hard: { cpu: "100", "limits.cpu": "200" }, scopes: ["CrossNamespacePodAffinity"] }],
    ["scope-selector-spec", { scopeSelector: { matchExpressions: [{ scopeName: "PriorityClass", operator: "In", values: ["cluster-services"] }] } }],
    ["non-best-effort-spec", { hard: { cpu: "100" }, scopes: ["NotBestEffort"] }],
  ];
  for (const [name, s] of success) it(`accepts ${name}`, () => expect(brief(validateCreate(rq("abc", "foo", s)))).toEqual([]));
  const rows: [string, any, string, string[]][] = [
    ["zero-length Name", rq("", "foo", spec), "name or generateName is required", ["FieldValueRequired metadata.name"]],
    ["zero-length Namespace", rq("abc", "", spec), "", ["FieldValueRequired metadata.namespace"]],
    ["invalid Name", rq("^Invalid", "foo", spec), "a lowercase RFC 1123 subdomain", ["FieldValueInvalid metadata.name"]],
    ["invalid Namespace", rq("abc", "^Invalid", spec), "a lowercase RFC 1123 label must consist of", ["FieldValueInvalid metadata.namespace"]],
    ["negative-limits", rq("abc", "foo", { hard: { cpu: "-100", memory: "-10000", pods: "-10", services: "-10", replicationcontrollers: "-10", resourcequotas: "-10", configmaps: "-10", secrets: "-10" } }), "must be greater than or equal to 0",
      ["configmaps", "cpu", "memory", "pods", "replicationcontrollers", "resourcequotas", "secrets", "services"].map((k) => `FieldValueInvalid spec.hard[${k}]`)],
    ["fractional-api-resource", rq("abc", "foo", { hard: { pods: ".1", services: ".5", replicationcontrollers: "1.25", resourcequotas: "2.5" } }), "must be an integer",
      ["pods", "replicationcontrollers", "resourcequotas", "services"].map((k) => `FieldValueInvalid spec.hard[${k}]`)],
    ["invalid-quota-resource", rq("abc", "foo", { hard: { storage: "10" } }), "must be a standard resource for quota", ["FieldValueInvalid spec.hard[storage]"]],
    ["invalid-quota-terminating-pair", rq("abc", "foo", { hard: { cpu: "100" }, scopes: ["Terminating", "NotTerminating"] }), "conflicting scopes", ["FieldValueInvalid spec.scopes"]],
    ["invalid-quota-besteffort-pair", rq("abc", "foo", { hard: { pods: "100" }, scopes: ["BestEffort", "NotBestEffort"] }), "conflicting scopes", ["FieldValueInvalid spec.scopes"]],
    ["invalid-quota-scope-name", rq("abc", "foo", { hard: { cpu: "100" }, scopes: ["foo"] }), "unsupported scope", ["FieldValueInvalid spec.scopes"]],
    // not a Go row: helper.IsResourceQuotaScopeValidForResource lets BestEffort scope pods alone (a best-effort pod requests no cpu)
    ["invalid-best-effort-compute", rq("abc", "foo", { hard: { cpu: "100", pods: "10" }, scopes: ["BestEffort"] }), "unsupported scope applied to resource", ["FieldValueInvalid spec.scopes"]],
    ["invalid-cross-namespace-affinity", rq("abc", "foo", { scopeSelector: { matchExpressions: [{ scopeName: "CrossNamespacePodAffinity", operator: "In", values: ["cluster-services"] }] } }),
      "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity",
      ["FieldValueInvalid spec.scopeSelector.matchExpressions.operator"]],
  ];
  for (const [name, obj, detail, want] of rows) {
    it(`refuses ${name}`, () => {
      const errs = validateCreate(obj);
      expect(brief(errs)).toEqual(want);
      for (const e of errs) expect(e.detail).toContain(detail);
    });
  }
});

describe("ValidateResourceQuotaUpdate and ValidateResourceQuotaStatusUpdate", () => {
  const rq = (scopes: string[] | undefined, status?: any) => ({
    apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "abc", namespace: "foo", resourceVersion: "1" },
    spec: { hard: { cpu: "100" }, ...(scopes ? { scopes } : {}) }, ...(status ? { status } : {}),
  });
  it("keeps scopes: adding one is a change", () => expect(brief(validateUpdate(rq(["NotTerminating"]), rq(undefined)))).toEqual(["FieldValueInvalid spec.scopes"]));
  it("compares scopes as sets: the same scopes in another order are unchanged", () => {
    expect(brief(validateUpdate(rq(["NotBestEffort", "NotTerminating"]), rq(["NotTerminating", "NotBestEffort"])))).toEqual([]);
  });
  it("judges resourcequotas/status by the status lists", () => {
    expect(brief(validateUpdate(rq(undefined, { hard: { pods: "1.5" }, used: { storage: "1" } }), rq(undefined), "status"))).toEqual(["FieldValueInvalid status.hard[pods]", "FieldValueInvalid status.used[storage]"]);
  });
});
