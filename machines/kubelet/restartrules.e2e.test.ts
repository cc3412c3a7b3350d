// Container restart rules (ContainerRestartRules, beta and on in v1.35): a container's own
// restartPolicy and restartPolicyRules, validated by the API server (validateContainerRestartPolicy,
// validateInitContainerRestartPolicy) and honoured by the kubelet (podutil.ContainerShouldRestart:
// the rules first, then the container's policy, then the pod's).

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const restartOn42 = { restartPolicy: "Never", restartPolicyRules: [{ action: "Restart", exitCodes: { operator: "In", values: [42] } }] };

const pod = (name: string, spec: Record<string, unknown>) => ({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec });

describe("container restart rules", () => {
  it("the API server validates a container's restartPolicy and rules as validation.go does", () => {
    const c = createCluster({ nodes: 1, seed: 6 });
    const causes = (spec: Record<string, unknown>) => {
      const r = c.requestSync({ verb: "create", group: "", resource: "pods", namespace: "default", dryRun: true, body: pod("p", spec) });
      return r.ok ? [] : (r.status.details?.causes ?? []).map((x: any) => `${x.field}: ${x.message}`);
    };
    const container = (extra: Record<string, unknown>) => ({ name: "c", image: "busybox", ...extra });
    expect(causes({ containers: [container(restartOn42)] })).toEqual([]);
    expect(causes({ containers: [container({ restartPolicy: "Sometimes" })] })).toEqual(['spec.containers[0].restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"']);
    expect(causes({ containers: [container({ restartPolicyRules: restartOn42.restartPolicyRules })] })).toEqual(["spec.containers[0].restartPolicy: Required value: must specify restartPolicy when restart rules are used"]);
    expect(causes({ containers: [container({ restartPolicy: "Never", restartPolicyRules: [{ action: "RestartAllContainers", exitCodes: { operator: "In", values: [1] } }, { action: "Restart" }, { action: "Restart", exitCodes: { operator: "Equals", values: [1] } }] })] })).toEqual([
      'spec.containers[0].restartPolicyRules[0].action: Unsupported value: "RestartAllContainers": supported values: "Restart"',
      "spec.containers[0].restartPolicyRules[1].exitCodes: Required value: must be specified",
      'spec.containers[0].restartPolicyRules[2].exitCodes.operator: Unsupported value: "Equals": supported values: "In", "NotIn"',
    ]);
    expect(causes({ initContainers: [container({ restartPolicy: "Always", restartPolicyRules: restartOn42.restartPolicyRules })], containers: [container({ name: "main" })] }))
      .toEqual(["spec.initContainers[0].restartPolicyRules: Forbidden: restartPolicyRules are not allowed for init containers with restart policy Always"]);
    // an init container may now have a policy other than Always
    expect(causes({ initContainers: [container({ restartPolicy: "OnFailure" })], containers: [container({ name: "main" })] })).toEqual([]);
  });

  it("the kubelet restarts a container whose exit code a Restart rule matches, in a pod that never restarts", async () => {
    const c = createCluster({ nodes: 1, seed: 6 });
    await c.apply(pod("rules", {
      restartPolicy: "Never",
      containers: [
        { name: "retried", image: "busybox", command: ["sh", "-c", "sleep 1; exit 42"], ...restartOn42 },
        { name: "not-retried", image: "busybox", command: ["sh", "-c", "sleep 1; exit 1"], ...restartOn42 },
      ],
    }));
    await c.settle();
    c.advance(60_000);
    const statuses = c.get("Pod", "rules").status.containerStatuses;
    const of = (n: string) => statuses.find((s: any) => s.name === n);
    expect(of("retried").restartCount).toBeGreaterThan(0);
    expect(of("not-retried").restartCount).toBe(0);
    expect(of("not-retried").state.terminated.exitCode).toBe(1);
  });

  it("a failed init container with restartPolicy OnFailure is retried in a pod whose restartPolicy is Never", async () => {
    const c = createCluster({ nodes: 1, seed: 6 });
    await c.apply(pod("init-retried", {
      restartPolicy: "Never",
      initContainers: [{ name: "setup", image: "busybox", command: ["sh", "-c", "sleep 1; exit 1"], restartPolicy: "OnFailure" }],
      containers: [{ name: "main", image: "busybox", command: ["sh", "-c", "sleep 3600"] }],
    }));
    await c.settle();
    c.advance(60_000);
    const p = c.get("Pod", "init-retried");
    expect(p.status.phase).toBe("Pending");
    expect(p.status.initContainerStatuses[0].restartCount).toBeGreaterThan(0);
  });
});
