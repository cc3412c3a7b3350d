// ValidatingAdmissionPolicy end to end: the real kubectl against `podflow serve`, with the examples
// of the docs page "Validating Admission Policy" (reference/access-authn-authz). Expected texts are
// Kubernetes' own: k8s.io/apiserver v0.35 pkg/admission/plugin/policy/validating dispatcher.go
// ("ValidatingAdmissionPolicy '%s' with binding '%s' denied request: %s", the Warn warning),
// validator.go ("failed expression: %v"), policy_decision.go (reason → code), generic
// policy_dispatcher.go CollectParams, and kubectl's StandardErrorMessage for an Invalid status.

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, raw, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const policy = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: "demo-policy.example.com"
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups:   ["apps"]
      apiVersions: ["v1"]
      operations:  ["CREATE", "UPDATE"]
      resources:   ["deployments"]
  validations:
    - expression: "object.spec.replicas <= 5"
`;
const binding = (name: string, actions: string, extra = "") => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: "${name}"
spec:
  policyName: "demo-policy.example.com"
  validationActions: ${actions}
${extra}`;
const deployment = (name: string, ns: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: c
        image: nginx
`;
const denied = "ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'demo-binding-test.example.com' denied request: failed expression: object.spec.replicas <= 5";

describe.skipIf(!bin)("ValidatingAdmissionPolicy through kubectl", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 40_000, ...(input !== undefined ? { input } : {}) });

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    await k(["create", "namespace", "test"]);
    await k(["label", "namespace", "test", "environment=test"]);
    await k(["create", "namespace", "prod"]);
  }, 60_000);
  afterEach(async () => {
    await k(["delete", "validatingadmissionpolicybindings,validatingadmissionpolicies", "--all"]);
    await k(["delete", "deployments", "--all", "-n", "test"]);
    await k(["delete", "deployments", "--all", "-n", "prod"]);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("Deny: the docs' policy refuses a Deployment of 6 replicas in a namespace the binding selects, with Kubernetes' words", async () => {
    expect((await k(["apply", "-f", "-"], policy)).code).toBe(0);
    const selector = "  matchResources:\n    namespaceSelector:\n      matchLabels:\n        environment: test\n";
    expect((await k(["apply", "-f", "-"], binding("demo-binding-test.example.com", "[Deny]", selector))).code).toBe(0);
    const r = await k(["create", "-f", "-"], deployment("nginx", "test", 6));
    expect(r.code).toBe(1);
    // kubectl's StandardErrorMessage of an Invalid status: the details' kind and name, then each cause (no field), as the docs page shows it
    expect(r.err).toBe(`The deployments "nginx" is invalid: : ${denied}\n`);
    // five replicas pass; in a namespace the selector does not take, six do too
    expect((await k(["create", "-f", "-"], deployment("nginx", "test", 5))).out).toBe("deployment.apps/nginx created\n");
    expect((await k(["create", "-f", "-"], deployment("big", "prod", 6))).out).toBe("deployment.apps/big created\n");
    // an update is matched as well: scaling past 5 through a patch is refused
    const scaled = await k(["patch", "deployment", "nginx", "-n", "test", "-p", '{"spec":{"replicas":7}}']);
    expect(scaled.err).toBe(`The deployments "nginx" is invalid: : ${denied}\n`);
  });

  it("the refusal is a 422 Invalid Status whose message is admission.NewForbidden's, its cause the policy's message; a dry run is judged too", async () => {
    await k(["apply", "-f", "-"], policy);
    await k(["apply", "-f", "-"], binding("demo-binding-test.example.com", "[Deny]"));
    const body = JSON.stringify({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "nginx" }, spec: { replicas: 6, selector: { matchLabels: { app: "n" } }, template: { metadata: { labels: { app: "n" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } } });
    for (const query of ["", "?dryRun=All"]) {
      const r = await raw(s, "POST", `/apis/apps/v1/namespaces/prod/deployments${query}`, { token: s.cluster.adminToken, body });
      expect(r.code).toBe(422);
      expect(JSON.parse(r.body)).toEqual({
        kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure",
        message: `deployments.apps "nginx" is forbidden: ${denied}`,
        reason: "Invalid",
        details: { name: "nginx", group: "apps", kind: "deployments", causes: [{ message: denied }] },
        code: 422,
      });
    }
  });

  it("Warn: the request passes and kubectl prints the policy's warning; Audit alone passes silently", async () => {
    await k(["apply", "-f", "-"], policy);
    await k(["apply", "-f", "-"], binding("demo-binding-warn.example.com", "[Warn]"));
    const r = await k(["create", "-f", "-"], deployment("warned", "prod", 6));
    expect(r.out).toBe("deployment.apps/warned created\n");
    expect(r.err).toBe("Warning: Validation failed for ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'demo-binding-warn.example.com': failed expression: object.spec.replicas <= 5\n");
    await k(["delete", "validatingadmissionpolicybinding", "demo-binding-warn.example.com"]);
    await k(["apply", "-f", "-"], binding("demo-binding-audit.example.com", "[Audit]"));
    const audited = await k(["create", "-f", "-"], deployment("audited", "prod", 6));
    expect([audited.out, audited.err]).toEqual(["deployment.apps/audited created\n", ""]);
  });

  it("a ConfigMap param through paramRef: its value limits the replicas; a missing one denies under parameterNotFoundAction Deny", async () => {
    const withParams = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: "demo-policy.example.com"
spec:
  failurePolicy: Fail
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules:
    - {apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["deployments"]}
  validations:
    - expression: "object.spec.replicas <= int(params.data.maxReplicas)"
      messageExpression: "'replicas must be no greater than ' + params.data.maxReplicas"
      reason: Forbidden
`;
    await k(["apply", "-f", "-"], withParams);
    await k(["apply", "-f", "-"], binding("demo-binding-params.example.com", "[Deny]", "  paramRef:\n    name: replica-limit\n    namespace: default\n    parameterNotFoundAction: Deny\n"));
    const missing = await k(["create", "-f", "-"], deployment("p1", "prod", 1));
    // a configuration error carries no reason: Invalid, as dispatcher.go defaults it
    expect(missing.err).toBe("The deployments \"p1\" is invalid: : ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'demo-binding-params.example.com' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction\n");
    await k(["create", "configmap", "replica-limit", "-n", "default", "--from-literal=maxReplicas=3"]);
    expect((await k(["create", "-f", "-"], deployment("p1", "prod", 3))).out).toBe("deployment.apps/p1 created\n");
    const over = await k(["create", "-f", "-"], deployment("p2", "prod", 4));
    expect(over.err).toBe(`Error from server (Forbidden): error when creating "STDIN": deployments.apps "p2" is forbidden: ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'demo-binding-params.example.com' denied request: replicas must be no greater than 3\n`);
    await k(["delete", "configmap", "replica-limit", "-n", "default"]);
  });
});
