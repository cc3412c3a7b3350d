// Round seventeen's escapes and the checks added for them: each check below holds on the correct code
// and fails with its mutant on. The expectations are Kubernetes' rules, not the code's output:
// helper.IsResourceQuotaScopeValidForResource lets the BestEffort scope track pods alone;
// ValidateConfigMapUpdate refuses taking `immutable: true` back; the TTL-after-finished controller
// deletes a Job with DeletePropagationForeground (ttlafterfinished_controller.go processJob);
// SetDefaults_ReplicationController copies the template's labels only onto a controller without labels.
import { afterEach, describe, expect, it } from "vitest";
import { setMutants } from "../../machines/common/mutation.js";
import { validateCreate, validateUpdate } from "../../machines/apiserver/validation/index.js";
import { createCluster } from "../../runtime/cluster.js";
import { defaultReplicationController } from "../../machines/apiserver/admission/statefulset.js";

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
