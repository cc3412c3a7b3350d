// The policy status controller starts with the first ValidatingAdmissionPolicy stored: a cluster
// that never stores one runs without it (its seeded interleavings unchanged), a dry run or a
// refused create starts nothing, and once started it writes the status of every policy.
import { describe, expect, it } from "vitest";
import { createCluster } from "./cluster.js";

const policy = (name: string, expression: string) => ({
  apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingAdmissionPolicy", metadata: { name },
  spec: { matchConstraints: { resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods"] }] }, validations: [{ expression }] },
});
const create = (body: object, dryRun = false) => ({ verb: "create" as const, group: "admissionregistration.k8s.io", resource: "validatingadmissionpolicies", body, ...(dryRun ? { dryRun: true } : {}) });

describe("the ValidatingAdmissionPolicy status controller's start", () => {
  it("waits for the first policy stored, then checks it", async () => {
    const c = createCluster({ nodes: 1, seed: 3, clock: "simulated" });
    try {
      await c.settle();
      const running = () => c.runtime.has("validatingadmissionpolicy-status-controller");
      expect(running()).toBe(false);
      // a syntax error is refused by validation: nothing stored, nothing started
      const refused = await c.request(create(policy("bad", "object.spec.(")));
      expect(refused.ok).toBe(false);
      await c.request(create(policy("dry", "object.spec.nodeNames == ''"), true));
      await c.settle();
      expect(running()).toBe(false);
      await c.request(create(policy("pods", "object.spec.nodeNames == ''")));
      await c.settle();
      expect(running()).toBe(true);
      const got = await c.request({ verb: "get", group: "admissionregistration.k8s.io", resource: "validatingadmissionpolicies", name: "pods" });
      const status = got.ok ? got.object.status : undefined;
      expect(status.observedGeneration).toBe(1);
      expect(status.typeChecking.expressionWarnings.map((w: any) => [w.fieldRef, w.warning.split("\n")[0]])).toEqual([["spec.validations[0].expression", "/v1, Kind=Pod: ERROR: <input>:1:12: undefined field 'nodeNames'"]]);
    } finally {
      await c.stop();
    }
  }, 120_000);
});
