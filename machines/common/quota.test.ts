import { describe, expect, it } from "vitest";
import { countName, matchingResources, objectUsage, podMatchesScope, quotaMatches, quotaUsed, resourceOfQuotaName, type ScopeSelector } from "./quota.js";
import { quantityString, type GoQuantity } from "./goquantity.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const usage = (m: Map<string, GoQuantity>) => Object.fromEntries([...m].map(([k, q]) => [k, quantityString(q)]));

// pkg/quota/v1/evaluator/core/pods_test.go TestPodEvaluatorMatchingScopes: of the six selectors
// below, the ones each pod matches.
describe("podMatchesScope (TestPodEvaluatorMatchingScopes)", () => {
  const all: ScopeSelector[] = [
    { scopeName: "Terminating", operator: "Exists" }, { scopeName: "NotTerminating", operator: "Exists" },
    { scopeName: "BestEffort", operator: "Exists" }, { scopeName: "NotBestEffort", operator: "Exists" },
    { scopeName: "PriorityClass", operator: "In", values: ["class1"] }, { scopeName: "CrossNamespacePodAffinity", operator: "Exists" },
  ];
  const deadline = { activeDeadlineSeconds: 30 };
  const rows: [string, any, string[]][] = [
    ["EmptyPod", {}, ["NotTerminating", "BestEffort"]],
    ["PriorityClass", { priorityClassName: "class1" }, ["NotTerminating", "BestEffort", "PriorityClass"]],
    ["NotBestEffort", { containers: [{ resources: { requests: { cpu: "1", memory: "50M", "example.com/dongle": "1" }, limits: { cpu: "2", memory: "100M", "example.com/dongle": "1" } } }] }, ["NotTerminating", "NotBestEffort"]],
    ["Terminating", deadline, ["Terminating", "BestEffort"]],
    // the QoS class (ComputePodQOS) looks at init containers too: a request there makes the pod Burstable
    ["NotBestEffortByInitContainer", { initContainers: [{ resources: { requests: { cpu: "100m" } } }], containers: [{}] }, ["NotTerminating", "NotBestEffort"]],
    ["CrossNamespaceRequiredAffinity", { ...deadline, affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: {}, namespaces: ["ns1"], namespaceSelector: {} }] } } }, ["Terminating", "BestEffort", "CrossNamespacePodAffinity"]],
    ["CrossNamespaceRequiredAffinityWithSlice", { ...deadline, affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: {}, namespaces: ["ns1"] }] } } }, ["Terminating", "BestEffort", "CrossNamespacePodAffinity"]],
    ["CrossNamespacePreferredAffinity", { ...deadline, affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ podAffinityTerm: { labelSelector: {}, namespaces: ["ns2"], namespaceSelector: {} } }] } } }, ["Terminating", "BestEffort", "CrossNamespacePodAffinity"]],
    ["CrossNamespacePreferredAffinityWithSelector", { ...deadline, affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ podAffinityTerm: { labelSelector: {}, namespaceSelector: {} } }] } } }, ["Terminating", "BestEffort", "CrossNamespacePodAffinity"]],
    ["CrossNamespacePreferredAntiAffinity", { ...deadline, affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ podAffinityTerm: { labelSelector: {}, namespaceSelector: {} } }] } } }, ["Terminating", "BestEffort", "CrossNamespacePodAffinity"]],
    ["CrossNamespaceRequiredAntiAffinity", { ...deadline, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: {}, namespaces: ["ns3"] }] } } }, ["Terminating", "BestEffort", "CrossNamespacePodAffinity"]],
  ];
  it.each(rows)("%s", (_n, spec, want) => {
    expect(all.filter((s) => podMatchesScope({ spec }, s)).map((s) => s.scopeName)).toEqual(want);
  });

  it("PriorityClass with each operator, as podMatchesSelector reads a pod's class (none: the key is absent)", () => {
    const pc = (operator: string, values?: string[]): ScopeSelector => ({ scopeName: "PriorityClass", operator, ...(values ? { values } : {}) });
    const high = { spec: { priorityClassName: "high" } };
    const none = { spec: {} };
    expect([pc("In", ["high", "low"]), pc("NotIn", ["high"]), pc("Exists"), pc("DoesNotExist")].map((s) => [podMatchesScope(high, s), podMatchesScope(none, s)]))
      .toEqual([[true, false], [false, true], [true, false], [false, true]]);
  });
});

// pkg/quota/v1/evaluator/core/services_test.go TestServiceEvaluatorUsage
describe("service usage (TestServiceEvaluatorUsage)", () => {
  const svc = (spec: any) => objectUsage({ group: "", resource: "services" }, { spec }, 0);
  const want = (nodeports: string, lbs: string) => ({ services: "1", "count/services": "1", "services.nodeports": nodeports, "services.loadbalancers": lbs });
  const rows: [string, any, object][] = [
    ["loadbalancer", { type: "LoadBalancer" }, want("0", "1")],
    ["loadbalancer_ports", { type: "LoadBalancer", ports: [{ port: 27443 }] }, want("1", "1")],
    ["loadbalancer_2_ports", { type: "LoadBalancer", ports: [{ port: 27443 }, { port: 27444 }] }, want("2", "1")],
    ["clusterip", { type: "ClusterIP" }, want("0", "0")],
    ["nodeports", { type: "NodePort", ports: [{ port: 27443 }] }, want("1", "0")],
    ["multi-nodeports", { type: "NodePort", ports: [{ port: 27443 }, { port: 27444 }] }, want("2", "0")],
    ["nodeports-disabled", { type: "LoadBalancer", ports: [{ port: 27443 }, { port: 27444 }], allocateLoadBalancerNodePorts: false }, want("0", "1")],
    ["nodeports-default-enabled", { type: "LoadBalancer", ports: [{ port: 27443, nodePort: 32001 }, { port: 27444, nodePort: 32002 }] }, want("2", "1")],
    ["nodeports-explicitly-enabled", { type: "LoadBalancer", ports: [{ port: 27443 }, { port: 27444 }], allocateLoadBalancerNodePorts: true }, want("2", "1")],
    ["nodeports-disabled-but-specified", { type: "LoadBalancer", ports: [{ port: 27443, nodePort: 32001 }, { port: 27444, nodePort: 32002 }], allocateLoadBalancerNodePorts: false }, want("2", "1")],
  ];
  it.each(rows)("%s", (_n, spec, expected) => expect(usage(svc(spec))).toEqual(expected));
});

// persistent_volume_claims_test.go TestPersistentVolumeClaimEvaluatorUsage: the claim, its storage, and both per class
describe("claim usage (TestPersistentVolumeClaimEvaluatorUsage)", () => {
  const claim = (cls: string | undefined, storage: string) => ({ spec: { ...(cls ? { storageClassName: cls } : {}), resources: { requests: { storage } } } });
  it("pvc-usage: a claim of 10Gi with class gold", () => {
    expect(usage(objectUsage({ group: "", resource: "persistentvolumeclaims" }, claim("gold", "10Gi"), 0))).toEqual({
      persistentvolumeclaims: "1", "count/persistentvolumeclaims": "1", "requests.storage": "10Gi",
      "gold.storageclass.storage.k8s.io/requests.storage": "10Gi", "gold.storageclass.storage.k8s.io/persistentvolumeclaims": "1",
    });
  });
  it("a claim without a class counts no class resources", () => {
    expect(usage(objectUsage({ group: "", resource: "persistentvolumeclaims" }, claim(undefined, "1Gi"), 0))).toEqual({ persistentvolumeclaims: "1", "count/persistentvolumeclaims": "1", "requests.storage": "1Gi" });
  });
});

describe("object count names (generic.ObjectCountQuotaResourceNameFor and the legacy names)", () => {
  it("count/<resource>.<group>, count/<resource> in the core group; the legacy names count too", () => {
    expect(countName({ group: "apps", resource: "deployments" })).toBe("count/deployments.apps");
    expect(countName({ group: "", resource: "secrets" })).toBe("count/secrets");
    expect(usage(objectUsage({ group: "", resource: "configmaps" }, {}, 0))).toEqual({ configmaps: "1", "count/configmaps": "1" });
    expect(usage(objectUsage({ group: "batch", resource: "jobs" }, {}, 0))).toEqual({ "count/jobs.batch": "1" });
  });
  it("a quota's names map to the resource they count", () => {
    expect(["count/deployments.apps", "count/pods", "secrets", "services.nodeports", "requests.storage", "gold.storageclass.storage.k8s.io/requests.storage", "cpu"].map(resourceOfQuotaName)).toEqual([
      { group: "apps", resource: "deployments" }, { group: "", resource: "pods" }, { group: "", resource: "secrets" }, { group: "", resource: "services" },
      { group: "", resource: "persistentvolumeclaims" }, { group: "", resource: "persistentvolumeclaims" }, undefined,
    ]);
  });
  it("each evaluator matches only its own names", () => {
    const hard = ["pods", "cpu", "services", "count/services", "services.loadbalancers", "configmaps", "count/deployments.apps", "count/configmaps"];
    expect(matchingResources({ group: "", resource: "services" }, hard)).toEqual(["services", "count/services", "services.loadbalancers"]);
    expect(matchingResources({ group: "", resource: "configmaps" }, hard)).toEqual(["configmaps", "count/configmaps"]);
    expect(matchingResources({ group: "apps", resource: "deployments" }, hard)).toEqual(["count/deployments.apps"]);
    expect(matchingResources({ group: "", resource: "pods" }, hard)).toEqual(["pods", "cpu"]);
  });
});

describe("quotaMatches (generic.Matches with each evaluator's scope function)", () => {
  const scoped = { spec: { hard: { pods: "1", services: "1" }, scopes: ["BestEffort"] } };
  it("a scoped quota selects pods by scope and never selects another kind (MatchesNoScopeFunc)", () => {
    expect(quotaMatches(scoped, { spec: { containers: [{}] } })).toBe(true);
    expect(quotaMatches(scoped, { spec: { containers: [{ resources: { requests: { cpu: "1" } } }] } })).toBe(false);
    expect(quotaMatches(scoped, { spec: {} }, { group: "", resource: "services" })).toBe(false);
    expect(quotaMatches({ spec: { hard: { services: "1" } } }, { spec: {} }, { group: "", resource: "services" })).toBe(true);
  });
  it("spec.scopes and scopeSelector together: every selector must match", () => {
    const q = { spec: { scopes: ["NotTerminating"], scopeSelector: { matchExpressions: [{ scopeName: "PriorityClass", operator: "In", values: ["high"] }] } } };
    expect(quotaMatches(q, { spec: { priorityClassName: "high" } })).toBe(true);
    expect(quotaMatches(q, { spec: { priorityClassName: "high", activeDeadlineSeconds: 5 } })).toBe(false);
    expect(quotaMatches(q, { spec: { priorityClassName: "low" } })).toBe(false);
  });
});

describe("quotaUsed (the controller's CalculateUsage)", () => {
  it("counts each resource's objects in the quota's namespace, 0 for names nothing uses, and leaves out what it has no objects for", () => {
    const quota = { metadata: { namespace: "ns" }, spec: { hard: { pods: "5", "count/deployments.apps": "2", secrets: "3", "services.nodeports": "0", "count/widgets.example.com": "1" } } };
    const objects = new Map<string, any[]>([
      ["/pods", [{ metadata: { namespace: "ns" }, spec: {}, status: { phase: "Running" } }, { metadata: { namespace: "ns" }, spec: {}, status: { phase: "Succeeded" } }, { metadata: { namespace: "other" }, spec: {} }]],
      ["apps/deployments", [{ metadata: { namespace: "ns" } }]],
      ["/secrets", []],
      ["/services", [{ metadata: { namespace: "ns" }, spec: { type: "NodePort", ports: [{ port: 80 }] } }]],
    ]);
    expect(quotaUsed(quota, (r) => objects.get(`${r.group}/${r.resource}`), 0)).toEqual({ "count/deployments.apps": "1", pods: "1", secrets: "0", "services.nodeports": "1" });
  });
});
