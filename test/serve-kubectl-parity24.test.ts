// The real kubectl against `podflow serve`, where podflow answered otherwise than kube-apiserver v1.35:
// kubernetes_feature_enabled in kube-apiserver's and the kubelet's /metrics (one gauge per gate the
// binary knows at its emulation version, featuregate.AddMetrics; the sidecar tutorial greps it);
// ValidatingAdmissionPolicy's runtime cost budget (validator.Validate: the validations share
// RuntimeCELCostBudget, their messageExpressions what is left of it, the audit annotations a fresh
// one, match conditions RuntimeCELCostBudgetMatchConditions; the variables an expression first reads
// are charged to it; overdrawing is one error of the whole evaluation, which failurePolicy decides);
// and a CRD rule that does not compile has its messageExpression neither compiled nor reported.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

/** The kubernetes_feature_enabled series of an exposition, as `grep kubernetes_feature_enabled` prints them. */
function featureLines(text: string): string[] {
  return text.split("\n").filter((l) => l.includes("kubernetes_feature_enabled"));
}

describe.skipIf(!bin)("kubernetes_feature_enabled in /metrics against podflow serve", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("the sidecar tutorial's grep prints SidecarContainers, GA (empty stage) and on", async () => {
    const r = await k(["get", "--raw", "/metrics"]);
    expect(r.code).toBe(0);
    expect(featureLines(r.out).filter((l) => l.includes("SidecarContainers"))).toEqual(['kubernetes_feature_enabled{name="SidecarContainers",stage=""} 1']);
    expect(r.out).toContain("# HELP kubernetes_feature_enabled [BETA] This metric records the data about the stage and enablement of a k8s feature.\n# TYPE kubernetes_feature_enabled gauge\n");
  });

  it("each gate carries its v1.35 stage and default, from every table the binary registers", async () => {
    const lines = new Set(featureLines((await k(["get", "--raw", "/metrics"])).out));
    const want = [
      // featuregate's own AllAlpha/AllBeta, off
      'kubernetes_feature_enabled{name="AllAlpha",stage="ALPHA"} 0',
      'kubernetes_feature_enabled{name="AllBeta",stage="BETA"} 0',
      // pkg/features: GA in 1.35, beta on by default from 1.35, alpha, deprecated and off, the constant whose name differs
      'kubernetes_feature_enabled{name="InPlacePodVerticalScaling",stage=""} 1',
      'kubernetes_feature_enabled{name="ImageVolume",stage="BETA"} 1',
      'kubernetes_feature_enabled{name="GangScheduling",stage="ALPHA"} 0',
      'kubernetes_feature_enabled{name="GitRepoVolumeDriver",stage="DEPRECATED"} 0',
      'kubernetes_feature_enabled{name="CustomCPUCFSQuotaPeriod",stage="ALPHA"} 0',
      'kubernetes_feature_enabled{name="RuntimeClassInImageCriApi",stage="ALPHA"} 0',
      // k8s.io/apiserver, apiextensions, client-go, component-base logs
      'kubernetes_feature_enabled{name="MutatingAdmissionPolicy",stage="BETA"} 0',
      'kubernetes_feature_enabled{name="KMSv1",stage="DEPRECATED"} 0',
      'kubernetes_feature_enabled{name="CRDObservedGenerationTracking",stage="BETA"} 0',
      'kubernetes_feature_enabled{name="WatchListClient",stage="BETA"} 1',
      'kubernetes_feature_enabled{name="InformerResourceVersion",stage=""} 1',
      'kubernetes_feature_enabled{name="ContextualLogging",stage="BETA"} 1',
      // VolumeAttributesClass is GA from 1.34; its 1.36 spec (locked) is not yet in effect
      'kubernetes_feature_enabled{name="VolumeAttributesClass",stage=""} 1',
    ];
    for (const line of want) expect(lines.has(line), line).toBe(true);
    // gates removed before 1.35 are unknown to the binary
    expect([...lines].some((l) => l.includes('name="ValidatingAdmissionPolicy"'))).toBe(false);
    // the series come sorted by name
    const names = [...lines].filter((l) => !l.startsWith("#")).map((l) => /name="([^"]+)"/.exec(l)![1]!);
    expect(names).toEqual([...names].sort());
  });

  it("the kubelet's /metrics through nodes/<node>/proxy carries the same gauge", async () => {
    const r = await k(["get", "--raw", "/api/v1/nodes/node-1/proxy/metrics"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('# HELP kubernetes_feature_enabled [BETA] This metric records the data about the stage and enablement of a k8s feature.\n# TYPE kubernetes_feature_enabled gauge\n');
    expect(featureLines(r.out).filter((l) => l.includes("SidecarContainers"))).toEqual(['kubernetes_feature_enabled{name="SidecarContainers",stage=""} 1']);
    expect(featureLines(r.out)).toContain('kubernetes_feature_enabled{name="KubeletCrashLoopBackOffMax",stage="BETA"} 1');
  });
});

// a comprehension that runs 50^3 times: well under the per-call limit (1,000,000), but ten of them
// spend most of the policy's 10,000,000
const costly = "variables.l.all(x, variables.l.all(y, variables.l.all(z, x + y + z >= 0)))";
const fifty = `[${Array.from({ length: 50 }, (_, i) => i).join(", ")}]`;
// variables are not declared for matchConditions, so these carry their own (40-element) list
const forty = `[${Array.from({ length: 40 }, (_, i) => i).join(", ")}]`;
const costlyInline = `${forty}.all(x, ${forty}.all(y, ${forty}.all(z, x + y + z >= 0)))`;

interface PolicyShape {
  failurePolicy: "Fail" | "Ignore";
  validations: { expression: string; message?: string; messageExpression?: string }[];
  matchConditions?: string[];
}

function policyDoc(name: string, p: PolicyShape): string {
  const policy = {
    apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy", metadata: { name },
    spec: {
      failurePolicy: p.failurePolicy,
      matchConstraints: { resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps"] }] },
      ...(p.matchConditions !== undefined ? { matchConditions: p.matchConditions.map((expression, i) => ({ name: `c${i}`, expression })) } : {}),
      variables: [{ name: "l", expression: fifty }],
      validations: p.validations,
    },
  };
  const binding = { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicyBinding", metadata: { name: `${name}-binding` }, spec: { policyName: name, validationActions: ["Deny"] } };
  return JSON.stringify({ apiVersion: "v1", kind: "List", items: [policy, binding] });
}

describe.skipIf(!bin)("ValidatingAdmissionPolicy's runtime cost budget against podflow serve", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 60_000, ...(input !== undefined ? { input } : {}) });
  let n = 0;
  /** Applies the policy and its Deny binding alone, then creates a ConfigMap and returns kubectl's answer. */
  const judged = async (p: PolicyShape) => {
    await k(["delete", "validatingadmissionpolicybindings,validatingadmissionpolicies", "--all"]);
    const name = `cost${++n}.example.com`;
    const applied = await k(["apply", "-f", "-"], policyDoc(name, p));
    expect([applied.code, applied.err]).toEqual([0, ""]);
    return { name, r: await k(["create", "configmap", `cm${n}`, "--from-literal=k=v"]) };
  };
  // kubectl create configmap wraps the server's error in its own words
  const denied = (name: string, cm: string, message: string) => `error: failed to create configmap: configmaps "${cm}" is forbidden: ValidatingAdmissionPolicy '${name}' with binding '${name}-binding' denied request: ${message}\n`;
  const outOfBudget = "validation failed due to running out of cost budget, no further validation rules will be run";

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("validations that each pass under the per-call limit but together overdraw the policy's budget refuse under Fail", async () => {
    const { name, r } = await judged({ failurePolicy: "Fail", validations: Array.from({ length: 14 }, () => ({ expression: costly })) });
    expect(r.code).toBe(1);
    expect(r.err).toBe(denied(name, `cm${n}`, outOfBudget));
  }, 120_000);

  it("the same policy under failurePolicy Ignore admits the request", async () => {
    const { r } = await judged({ failurePolicy: "Ignore", validations: Array.from({ length: 14 }, () => ({ expression: costly })) });
    expect([r.code, r.out]).toEqual([0, `configmap/cm${n} created\n`]);
  }, 120_000);

  it("a messageExpression runs on what the validations left: within it, its string is the message", async () => {
    const validations = [
      ...Array.from({ length: 10 }, () => ({ expression: costly })),
      { expression: "variables.l.size() < 10", message: "static", messageExpression: `${costly} ? 'l has ' + string(variables.l.size()) + ' items' : 'l'` },
    ];
    const { name, r } = await judged({ failurePolicy: "Fail", validations });
    expect(r.err).toBe(denied(name, `cm${n}`, "l has 50 items"));
  }, 120_000);

  it("every validation's messageExpression is evaluated, a passing one's too; overdrawing turns each validation that did not fail to evaluate into an error", async () => {
    const validations = [
      ...Array.from({ length: 10 }, () => ({ expression: costly })),
      { expression: "variables.l.size() < 10", message: "static", messageExpression: `${costly} ? 'l has ' + string(variables.l.size()) + ' items' : 'l'` },
      { expression: "true", messageExpression: `${costly} ? 'never shown' : ''` },
    ];
    const fail = await judged({ failurePolicy: "Fail", validations });
    // the first decision is the first validation's, which passed: its error is the message filter's
    expect(fail.r.err).toBe(denied(fail.name, `cm${n}`, `failed messageExpression: ${outOfBudget}`));
    // under Ignore those errors admit, the failing validation's too
    const ignore = await judged({ failurePolicy: "Ignore", validations });
    expect([ignore.r.code, ignore.r.out]).toEqual([0, `configmap/cm${n} created\n`]);
  }, 120_000);

  it("match conditions have their own, smaller budget: overdrawing it fails under Fail and does not match under Ignore", async () => {
    const matchConditions = Array.from({ length: 8 }, () => costlyInline);
    const fail = await judged({ failurePolicy: "Fail", matchConditions, validations: [{ expression: "false" }] });
    expect(fail.r.err).toBe(denied(fail.name, `cm${n}`, outOfBudget));
    const ignore = await judged({ failurePolicy: "Ignore", matchConditions, validations: [{ expression: "false" }] });
    expect([ignore.r.code, ignore.r.out]).toEqual([0, `configmap/cm${n} created\n`]);
    // within the budget the conditions match and the validation refuses
    const within = await judged({ failurePolicy: "Ignore", matchConditions: [costlyInline], validations: [{ expression: "false" }] });
    expect(within.r.err).toBe(denied(within.name, `cm${n}`, "failed expression: false"));
  }, 180_000);
});

describe.skipIf(!bin)("a CRD rule that does not compile against podflow serve", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { ...(input !== undefined ? { input } : {}) });

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  const crd = (rule: string, messageExpression: string) => JSON.stringify({
    apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "widgets.example.com" },
    spec: {
      group: "example.com", scope: "Namespaced", names: { plural: "widgets", singular: "widget", kind: "Widget" },
      versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { n: { type: "integer" } }, "x-kubernetes-validations": [{ rule, messageExpression }] } } } } }],
    },
  });

  it("reports the rule's error only: compileRule returns before the messageExpression", async () => {
    const r = await k(["apply", "-f", "-"], crd("self.m > 1", "1"));
    expect(r.code).toBe(1);
    expect(r.err).toContain("spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Invalid value: ");
    expect(r.err).toContain("compilation failed: ERROR: <input>:1:5: undefined field 'm'");
    expect(r.err).not.toContain("x-kubernetes-validations[0].messageExpression");
  });

  it("a rule that compiles has its messageExpression checked, which must evaluate to a string", async () => {
    const r = await k(["apply", "-f", "-"], crd("self.n > 1", "1"));
    expect(r.code).toBe(1);
    expect(r.err).toContain("x-kubernetes-validations[0].messageExpression: Invalid value: ");
    expect(r.err).toContain(": messageExpression must evaluate to a string");
    const ok = await k(["apply", "-f", "-"], crd("self.n > 1", "'n must be greater than 1'"));
    expect([ok.err, ok.out]).toEqual(["", "customresourcedefinition.apiextensions.k8s.io/widgets.example.com created\n"]);
  });
});
