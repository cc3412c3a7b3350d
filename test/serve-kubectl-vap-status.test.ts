// The ValidatingAdmissionPolicy status controller end to end: the real kubectl against `podflow
// serve`. The policy is the docs page "Validating Admission Policy"'s "Type checking" example
// (validatingadmissionpolicy/typechecking.yaml and typechecking-multiple-match.yaml); the warning is
// TypeCheckingResult's "<gvk>: <issues>\n" (typechecking.go) with cel-go's issue text, and
// observedGeneration follows metadata.generation (controller.go reconcile).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const policy = (name: string, resources: string, expression: string) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: "${name}"
spec:
  matchConstraints:
    resourceRules:
    - apiGroups:   ["apps"]
      apiVersions: ["v1"]
      operations:  ["CREATE", "UPDATE"]
      resources:   [${resources}]
  validations:
  - expression: "${expression}"
    message: "must be replicated"
    reason: Invalid
`;
const warning = (kind: string) => `apps/v1, Kind=${kind}: ERROR: <input>:1:7: undefined field 'replicas'\n | object.replicas > 1\n | ......^\n`;

describe.skipIf(!bin)("the policy status controller through kubectl", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 40_000, ...(input !== undefined ? { input } : {}) });
  /** The policy's status once the controller has observed the generation asked for (the controller runs asynchronously). */
  const statusAt = async (name: string, generation: number) => {
    for (let i = 0; i < 100; i++) {
      const r = await k(["get", "validatingadmissionpolicy", name, "-o", "json"]);
      const o = JSON.parse(r.out);
      if (o.status?.observedGeneration === generation) return { generation: o.metadata.generation, status: o.status };
      await new Promise((res) => setTimeout(res, 200));
    }
    throw new Error(`${name}: generation ${generation} never observed`);
  };

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("writes the docs' warning for object.replicas on Deployments", async () => {
    const r = await k(["apply", "-f", "-"], policy("deploy-replica-policy.example.com", '"deployments"', "object.replicas > 1"));
    expect([r.code, r.out]).toEqual([0, "validatingadmissionpolicy.admissionregistration.k8s.io/deploy-replica-policy.example.com created\n"]);
    expect(await statusAt("deploy-replica-policy.example.com", 1)).toEqual({
      generation: 1,
      status: { observedGeneration: 1, typeChecking: { expressionWarnings: [{ fieldRef: "spec.validations[0].expression", warning: warning("Deployment") }] } },
    });
    // kubectl's YAML prints the warning as the docs show it
    const y = await k(["get", "validatingadmissionpolicy", "deploy-replica-policy.example.com", "-o", "jsonpath={.status.typeChecking.expressionWarnings[0].warning}"]);
    expect(y.out).toBe(warning("Deployment"));
  });

  // the apply of an empty typeChecking takes away the warnings this manager applied before, and
  // structured-merge-diff's removal (typed/remove.go doMap) leaves no empty map behind: the next
  // generation's status has no typeChecking, where a first apply without warnings keeps {}
  it("checks each kind a policy matches, and a fixed expression's next generation has no warning", async () => {
    await k(["apply", "-f", "-"], policy("replica-policy.example.com", '"deployments","replicasets"', "object.replicas > 1"));
    expect((await statusAt("replica-policy.example.com", 1)).status.typeChecking.expressionWarnings).toEqual([{ fieldRef: "spec.validations[0].expression", warning: `${warning("Deployment")}\n${warning("ReplicaSet")}` }]);
    await k(["apply", "-f", "-"], policy("replica-policy.example.com", '"deployments","replicasets"', "object.spec.replicas > 1"));
    expect(await statusAt("replica-policy.example.com", 2)).toEqual({ generation: 2, status: { observedGeneration: 2 } });
    await k(["apply", "-f", "-"], policy("clean-policy.example.com", '"deployments"', "object.spec.replicas > 1"));
    expect(await statusAt("clean-policy.example.com", 1)).toEqual({ generation: 1, status: { observedGeneration: 1, typeChecking: {} } });
  });

  it("records the status under the controller's field manager", async () => {
    const r = await k(["get", "validatingadmissionpolicy", "replica-policy.example.com", "-o", "json", "--show-managed-fields"]);
    const managers = JSON.parse(r.out).metadata.managedFields.map((f: any) => [f.manager, f.operation, f.subresource ?? ""]);
    expect(managers).toContainEqual(["validatingadmissionpolicy-status-controller", "Apply", "status"]);
  });
});
