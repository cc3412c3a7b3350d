// Round seventeen's escapes and the checks added for them: each check below holds on the correct code
// and fails with its mutant on. The expectations are Kubernetes' rules, not the code's output:
// helper.IsResourceQuotaScopeValidForResource lets the BestEffort scope track pods alone;
// ValidateConfigMapUpdate refuses taking `immutable: true` back; the TTL-after-finished controller
// deletes a Job with DeletePropagationForeground (ttlafterfinished_controller.go processJob);
// SetDefaults_ReplicationController copies the template's labels only onto a controller without labels;
// the CSR strategy empties a created request's status and its /status strategy keeps the stored Approved
// and Denied instances (strategy.go); the kubelet applies a container's seccompProfile before its pod's
// (kuberuntime/helpers.go getSeccompProfile).
import { afterEach, describe, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { validateCreate, validateUpdate } from "../../machines/apiserver/validation/index.js";
import { createCluster } from "../../runtime/cluster.js";
import { defaultReplicationController } from "../../machines/apiserver/admission/statefulset.js";
import { prepareCSRForCreate, prepareCSRStatusForUpdate } from "../../machines/apiserver/admission/certificates.js";
import { seccompProfile } from "../../machines/kubelet/seccomp.js";

afterEach(() => setMutants([]));

/** A ResourceQuota scoped BestEffort with a cpu limit is refused. */
function bestEffortScopesPodsOnly(): boolean {
  const rq = { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "q", namespace: "default" }, spec: { hard: { cpu: "1", pods: "10" }, scopes: ["BestEffort"] } };
  return validateCreate(rq).some((e) => e.field === "spec.scopes" && e.detail === "unsupported scope applied to resource");
}

/** An immutable ConfigMap may not be made mutable again. */
function immutableStaysImmutable(): boolean {
  const old = { kind: "ConfigMap", metadata: { name: "c", namespace: "default", uid: "u", resourceVersion: "1" }, immutable: true, data: { a: "1" } };
  return validateUpdate({ ...old, immutable: false }, old).some((e) => e.field === "immutable" && e.type === "FieldValueForbidden");
}

/** A ReplicationController with labels of its own keeps them through defaulting. */
function rcKeepsOwnLabels(): boolean {
  const rc: any = { metadata: { labels: { bar: "foo" } }, spec: { template: { metadata: { labels: { foo: "bar" } } } } };
  defaultReplicationController(rc);
  return rc.metadata.labels.bar === "foo" && rc.metadata.labels.foo === undefined;
}

/** A CertificateSigningRequest created with an Approved condition is stored without it. */
function csrCreatedUnapproved(): boolean {
  const csr: any = { spec: { signerName: "example.com/signer" }, status: { conditions: [{ type: "Approved", status: "True" }] } };
  prepareCSRForCreate(csr, { name: "alice", groups: [] });
  return (csr.status?.conditions ?? []).length === 0;
}

/** A /status write that changes the Approved condition keeps the stored one. */
function csrStatusKeepsApproval(): boolean {
  const old: any = { spec: {}, status: { conditions: [{ type: "Approved", status: "True", reason: "AutoApproved", lastUpdateTime: "2026-01-01T00:00:00Z", lastTransitionTime: "2026-01-01T00:00:00Z" }] } };
  const next: any = { spec: {}, status: { conditions: [{ type: "Approved", status: "True", reason: "Forged" }] } };
  prepareCSRStatusForUpdate(next, old, "2026-01-02T00:00:00Z");
  return next.status.conditions[0].reason === "AutoApproved";
}

/** A container's own Unconfined profile wins over its pod's RuntimeDefault. */
function containerSeccompWins(): boolean {
  const pod = { metadata: { name: "p" }, spec: { containers: [], securityContext: { seccompProfile: { type: "RuntimeDefault" as const } } } };
  return seccompProfile(pod, { name: "c", securityContext: { seccompProfile: { type: "Unconfined" } } }).type === "Unconfined";
}

/** A Job with ttlSecondsAfterFinished 0: the TTL controller's DELETE leaves it held by the foregroundDeletion finalizer first. */
async function ttlDeletesInForeground(): Promise<boolean> {
  const c = createCluster({ nodes: 1, seed: 17 });
  try {
    await c.settle();
    let held = false;
    const stop = c.watch({ group: "batch", resource: "jobs", namespace: "default" }, (ev: any) => {
      const m = ev.object?.metadata;
      if (m?.name === "once" && m.deletionTimestamp && (m.finalizers ?? []).includes("foregroundDeletion")) held = true;
    });
    await c.apply({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "once" }, spec: { ttlSecondsAfterFinished: 0, backoffLimit: 0, template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "exit 0"] }] } } } });
    await c.settle();
    c.advance(2_000);
    await c.settle();
    stop();
    return held && c.get("Job", "once", "default") === undefined;
  } finally {
    await c.stop();
  }
}

const rows: Array<[string, () => boolean | Promise<boolean>]> = [
  ["validation.quota-best-effort-allows-compute", bestEffortScopesPodsOnly],
  ["validation.immutable-unset-accepted", immutableStaysImmutable],
  ["ttlafterfinished.deletes-in-background", ttlDeletesInForeground],
  ["defaults.rc-labels-overwritten", rcKeepsOwnLabels],
  ["certificates.create-keeps-status", csrCreatedUnapproved],
  ["certificates.status-writes-approval", csrStatusKeepsApproval],
  ["kubelet.seccomp-pod-profile-wins", containerSeccompWins],
];

describe("round 17: the checks added for the mutants that escaped", () => {
  for (const [name, holds] of rows) {
    it(`${holds.name} holds on the correct code and fails with the mutant ${name}`, async () => {
      expect(await holds()).toBe(true);
      setMutants([name]);
      expect(await holds()).toBe(false);
    }, 180_000);
  }
});
