// The status strategies' ValidateUpdate: TestValidateNamespaceStatusUpdate (pkg/apis/core/validation),
// TestValidatePodDisruptionBudgetStatus (pkg/apis/policy/validation), TestValidateLoadBalancerStatus,
// metav1 ValidateConditions, and the CronJob status strategy that validates nothing; expectations from
// those tables and functions (v1.35), run through validateUpdate(obj, old, "status").

import { describe, it, expect } from "vitest";
import { validateUpdate } from "./index.js";
import { brief, messages } from "./testing.js";


const now = "2026-01-01T00:00:00Z";

describe("TestValidateNamespaceStatusUpdate", () => {
  const ns = (name: string, phase: string | undefined, deleting = false): any => ({
    apiVersion: "v1", kind: "Namespace", metadata: { name, resourceVersion: "1", ...(deleting ? { deletionTimestamp: now } : {}) }, spec: {}, status: phase ? { phase } : {},
  });
  const rows: [string, any, any, boolean][] = [
    ["an active namespace stays Active", ns("foo", undefined), ns("foo", "Active"), true],
    ["cannot set deletionTimestamp via status update", ns("foo", undefined), ns("foo", "Terminating", true), false],
    ["can update phase via status update", ns("foo", undefined, true), ns("foo", "Terminating", true), true],
    ["Terminating without a deletion timestamp", ns("foo", undefined), ns("foo", "Terminating"), false],
    ["the name is immutable", ns("foo", undefined), ns("bar", "Terminating"), false],
  ];
  for (const [name, old, next, valid] of rows) it(name, () => expect(validateUpdate(next, old, "status").length === 0).toBe(valid));

  it("the causes are on Kubernetes' own field name, status.Phase", () => {
    expect(messages(validateUpdate(ns("foo", "Terminating"), ns("foo", undefined), "status"))).toEqual(['status.Phase: Invalid value: "Terminating": may only be \'Active\' if `deletionTimestamp` is empty']);
    expect(messages(validateUpdate(ns("foo", "Active", true), ns("foo", undefined, true), "status"))).toEqual(['status.Phase: Invalid value: "Active": may only be \'Terminating\' if `deletionTimestamp` is not empty']);
  });
});

describe("TestValidatePodDisruptionBudgetStatus (policy/v1)", () => {
  const pdb = (status: any): any => ({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "p", namespace: "default", resourceVersion: "1" }, spec: { minAvailable: 1 }, status });
  const rows: [string, any, boolean][] = [
    ["DisruptionsAllowed: 10", { disruptionsAllowed: 10 }, false],
    ["CurrentHealthy: 5", { currentHealthy: 5 }, false],
    ["DesiredHealthy: 3", { desiredHealthy: 3 }, false],
    ["ExpectedPods: 2", { expectedPods: 2 }, false],
    ["DisruptionsAllowed: -10", { disruptionsAllowed: -10 }, true],
    ["CurrentHealthy: -5", { currentHealthy: -5 }, true],
    ["DesiredHealthy: -3", { desiredHealthy: -3 }, true],
    ["ExpectedPods: -2", { expectedPods: -2 }, true],
  ];
  for (const [name, status, expectErr] of rows) it(name, () => expect(validateUpdate(pdb(status), pdb({}), "status").length > 0).toBe(expectErr));

  it("its conditions are metav1 Conditions: type, status, lastTransitionTime and reason are checked", () => {
    const conds = [
      { type: "DisruptionAllowed", status: "True", reason: "SufficientPods", lastTransitionTime: now },
      { type: "DisruptionAllowed", status: "Maybe", reason: "9lives", lastTransitionTime: now },
      { type: "bad type!", status: "False", reason: "", observedGeneration: -1 },
    ];
    expect(brief(validateUpdate(pdb({ conditions: conds }), pdb({}), "status"))).toEqual([
      "FieldValueDuplicate status.conditions[1].type",
      "FieldValueNotSupported status.conditions[1].status",
      "FieldValueInvalid status.conditions[1].reason",
      "FieldValueInvalid status.conditions[2].type",
      "FieldValueInvalid status.conditions[2].observedGeneration",
      "FieldValueRequired status.conditions[2].lastTransitionTime",
      "FieldValueRequired status.conditions[2].reason",
    ]);
  });

  it("a status write changes nothing the spec rules would judge: an invalid spec in the body is not looked at", () => {
    const next = pdb({ disruptionsAllowed: 1 });
    next.spec = { minAvailable: "nope" };
    expect(validateUpdate(next, pdb({}), "status")).toEqual([]);
  });
});

describe("TestValidateLoadBalancerStatus (through services/status)", () => {
  const svc = (type: string, ingress: any[] | undefined): any => ({
    apiVersion: "v1", kind: "Service", metadata: { name: "s", namespace: "default", resourceVersion: "1" },
    spec: { type, ports: [{ port: 80, protocol: "TCP", targetPort: 80 }], clusterIP: "10.96.0.20", clusterIPs: ["10.96.0.20"] },
    status: { loadBalancer: ingress ? { ingress } : {} },
  });
  const rows: [string, string, any[], string[]][] = [
    ["valid vip ipMode", "LoadBalancer", [{ ip: "1.2.3.4", ipMode: "VIP" }], []],
    ["valid proxy ipMode", "LoadBalancer", [{ ip: "1.2.3.4", ipMode: "Proxy" }], []],
    ["invalid ipMode", "LoadBalancer", [{ ip: "1.2.3.4", ipMode: "invalid" }], ["FieldValueNotSupported status.loadBalancer.ingress[0].ipMode"]],
    ["missing ipMode with LoadbalancerIPMode enabled", "LoadBalancer", [{ ip: "1.2.3.4" }], ["FieldValueRequired status.loadBalancer.ingress[0].ipMode"]],
    ["missing ip with ipMode present", "LoadBalancer", [{ ipMode: "Proxy" }], ["FieldValueForbidden status.loadBalancer.ingress[0].ipMode"]],
    ["invalid ip", "LoadBalancer", [{ ip: "1.2.3.400", ipMode: "VIP" }], ["FieldValueInvalid status.loadBalancer.ingress[0].ip"]],
    ["a hostname that is an IP", "LoadBalancer", [{ hostname: "1.2.3.4" }], ["FieldValueInvalid status.loadBalancer.ingress[0].hostname"]],
    ["a hostname that is not a DNS name", "LoadBalancer", [{ hostname: "Not_A_Name" }], ["FieldValueInvalid status.loadBalancer.ingress[0].hostname"]],
    ["invalid ingress when spec type is not LoadBalancer", "ClusterIP", [{ ip: "1.2.3.4", ipMode: "VIP" }], ["FieldValueForbidden status.loadBalancer.ingress"]],
  ];
  for (const [name, type, ingress, want] of rows) it(name, () => expect(brief(validateUpdate(svc(type, ingress), svc(type, undefined), "status"))).toEqual(want));

  it("legacy IP: leading zeros pass while StrictIPCIDRValidation is off (v1.35); what is no address is refused", () => {
    expect(validateUpdate(svc("LoadBalancer", [{ ip: "1.2.3.04", ipMode: "VIP" }]), svc("LoadBalancer", undefined), "status")).toEqual([]);
    expect(brief(validateUpdate(svc("LoadBalancer", [{ ip: "1.2.3.400", ipMode: "VIP" }]), svc("LoadBalancer", undefined), "status"))).toEqual(["FieldValueInvalid status.loadBalancer.ingress[0].ip"]);
  });
});

describe("the CronJob status strategy", () => {
  it("validates nothing: its PrepareForUpdate keeps the stored spec", () => {
    const cj = (schedule: string): any => ({ apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "c", namespace: "default", resourceVersion: "1" }, spec: { schedule }, status: { active: [] } });
    expect(validateUpdate(cj("not a schedule"), cj("* * * * *"), "status")).toEqual([]);
  });
});
