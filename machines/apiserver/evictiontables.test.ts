// pkg/registry/core/pod/storage/eviction_test.go (the stored copy at 04791b49), row by row through the API
// server of a cluster of etcd and kube-apiserver alone, so a budget's status stays as the row writes it (no
// disruption controller): TestEviction, TestEvictionIngorePDB's rows without the mock store's injected
// conflicts and errors (t5, whose conflict is the real store's too, t6, t7, t8), TestEvictionDryRun, TestEvictionPDBStatus. The Go test's fake client
// takes a budget's conditions unvalidated; through the API a metav1.Condition needs its lastTransitionTime,
// which these rows add, and the budget's observedGeneration is its generation (the fake's are both 0). Every expectation is the Go row's: an error or none, and the pod deleted (NotFound
// after a zero grace period) or not; the budget's disruptionsAllowed and DisruptionAllowed reason.

import { afterEach, describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";

const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});
function cluster(): Cluster {
  const c = createCluster({ seed: 1, clock: "simulated", only: ["etcd", "apiserver"] });
  clusters.push(c);
  return c;
}

const ns = "default";
const T = "2026-12-07T00:00:00Z";
type Obj = any;
/** validNewPod, labelled a=true and bound to node foo, with the row's phase and Ready condition written through pods/status. */
function createPod(c: Cluster, name: string, o: { phase?: string; ready?: "True" | "False"; terminating?: boolean } = {}): void {
  const pod = { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: ns, labels: { a: "true" }, ...(o.terminating ? { finalizers: ["example.com/hold"] } : {}) }, spec: { nodeName: "foo", containers: [{ name: "foo", image: "test", imagePullPolicy: "IfNotPresent" }] } };
  expect(c.requestSync({ verb: "create", group: "", resource: "pods", namespace: ns, body: pod }).ok).toBe(true);
  const status: Obj = {};
  if (o.phase) status.phase = o.phase;
  if (o.ready) status.conditions = [{ type: "Ready", status: o.ready, lastTransitionTime: T }];
  if (Object.keys(status).length > 0) {
    expect(c.requestSync({ verb: "patch", group: "", resource: "pods", subresource: "status", namespace: ns, name, patchType: "merge", body: { status } }).ok).toBe(true);
  }
  if (o.terminating) expect(c.requestSync({ verb: "delete", group: "", resource: "pods", namespace: ns, name, gracePeriodSeconds: 300 }).ok).toBe(true);
}
function createPDB(c: Cluster, matchLabels: Record<string, string>, status: Obj): void {
  const pdb = { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "foo", namespace: ns }, spec: { selector: { matchLabels } } };
  expect(c.requestSync({ verb: "create", group: "policy", resource: "poddisruptionbudgets", namespace: ns, body: pdb }).ok).toBe(true);
  // observedGeneration: the fake client's budget has generation 0 and observed 0; a created one has generation 1
  const full = { observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, ...status };
  const r = c.requestSync({ verb: "patch", group: "policy", resource: "poddisruptionbudgets", subresource: "status", namespace: ns, name: "foo", patchType: "merge", body: { status: full } });
  expect(r.ok, JSON.stringify(r)).toBe(true);
}
function evict(c: Cluster, urlName: string, bodyName: string, deleteOptions: Obj | undefined, dryRun = false) {
  return c.requestSync({
    verb: "create", group: "", resource: "pods", subresource: "eviction", namespace: ns, name: urlName, ...(dryRun ? { dryRun: true } : {}),
    body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: bodyName, namespace: ns }, ...(deleteOptions ? { deleteOptions } : {}) },
  });
}
const grace0 = { gracePeriodSeconds: 0 };

describe("TestEviction", () => {
  const matchA = { a: "true" };
  type Row = [string, Record<string, string>, number, string, string | undefined, { error: boolean; deleted?: boolean; badName?: boolean }];
  const rows: Row[] = [
    ["matching pdbs with no disruptions allowed, pod running", matchA, 0, "t1", "Running", { error: true }],
    ["matching pdbs with no disruptions allowed, pod pending", matchA, 0, "t2", "Pending", { error: false, deleted: true }],
    ["matching pdbs with no disruptions allowed, pod succeeded", matchA, 0, "t3", "Succeeded", { error: false, deleted: true }],
    ["matching pdbs with no disruptions allowed, pod failed", matchA, 0, "t4", "Failed", { error: false, deleted: true }],
    ["matching pdbs with disruptions allowed", matchA, 1, "t5", undefined, { error: false, deleted: true }],
    ["non-matching pdbs", { b: "true" }, 0, "t6", undefined, { error: false, deleted: true }],
    ["matching pdbs with disruptions allowed but bad name in Url", matchA, 1, "t7", undefined, { error: true, badName: true }],
  ];
  it.each(rows)("%s", (_n, matchLabels, allowed, name, phase, want) => {
    const c = cluster();
    createPod(c, name, { phase });
    createPDB(c, matchLabels, { disruptionsAllowed: allowed });
    const r = evict(c, want.badName ? `${name}bad-name` : name, name, grace0);
    expect(!r.ok).toBe(want.error);
    if (want.badName && !r.ok) expect(r.status.message).toBe("name in URL does not match name in Eviction object");
    if (want.error) return;
    const pod = c.get("Pod", name, ns);
    if (want.deleted) expect(pod).toBeUndefined();
    else expect(pod?.metadata?.deletionTimestamp).toBeDefined();
  });
});

describe("TestEvictionIngorePDB (the rows whose mock store answers the delete)", () => {
  type Row = [string, Obj, string, { phase?: string; ready?: "True" | "False"; terminating?: boolean }, Obj, boolean];
  const budget = { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2 };
  const rows: Row[] = [
    // the mock store answers every delete of t5 with a conflict; a real store does too, the resourceVersion being the user's
    ["pod pending, always conflict on delete, user provided ResourceVersion constraint", { disruptionsAllowed: 0 }, "t5", { phase: "Pending" }, { preconditions: { resourceVersion: "userProvided" } }, true],
    ["matching pdbs with no disruptions allowed, pod terminating", { disruptionsAllowed: 0 }, "t6", { terminating: true }, { gracePeriodSeconds: 300 }, false],
    ["matching pdbs with no disruptions allowed, pod running, pod healthy, unhealthy pod not ours", budget, "t7", { phase: "Running", ready: "True" }, grace0, true],
    ["matching pdbs with no disruptions allowed, pod running, pod unhealthy, unhealthy pod ours", budget, "t8", { phase: "Running", ready: "False" }, grace0, false],
  ];
  it.each(rows)("%s", (_n, status, name, pod, deleteOptions, expectError) => {
    const c = cluster();
    createPod(c, name, pod);
    createPDB(c, { a: "true" }, status);
    expect(!evict(c, name, name, deleteOptions).ok).toBe(expectError);
  });
});

describe("TestEvictionDryRun", () => {
  type Row = [string, boolean, Obj, boolean];
  const rows: Row[] = [
    ["just request-options", true, {}, false],
    ["just eviction-options", false, { dryRun: ["All"] }, false],
    ["both options", true, { dryRun: ["All"] }, false],
    ["with pdbs", true, { dryRun: ["All"] }, true],
  ];
  it.each(rows)("%s", (_n, requestDryRun, evictionOptions, withPDB) => {
    const c = cluster();
    createPod(c, "foo");
    if (withPDB) createPDB(c, { a: "true" }, { disruptionsAllowed: 1 });
    const r = evict(c, "foo", "foo", evictionOptions, requestDryRun);
    expect(r.ok, JSON.stringify(r)).toBe(true);
  });
});

describe("TestEvictionPDBStatus", () => {
  const sufficient = [{ type: "DisruptionAllowed", reason: "SufficientPods", status: "True", message: "", lastTransitionTime: T }];
  const rows: Array<[string, number, number, string]> = [
    ["pdb status is updated after eviction", 1, 0, "InsufficientPods"],
    ["condition reason is only updated if AllowedDisruptions becomes 0", 3, 2, "SufficientPods"],
  ];
  it.each(rows)("%s", (_n, allowed, wantAllowed, wantReason) => {
    const c = cluster();
    createPDB(c, { a: "true" }, { disruptionsAllowed: allowed, conditions: sufficient });
    for (const name of ["foo-1", "foo-2"]) createPod(c, name, { phase: "Running" });
    const r = evict(c, "foo-1", "foo-1", {});
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const pdb = c.get("PodDisruptionBudget", "foo", ns);
    expect(pdb.status.disruptionsAllowed).toBe(wantAllowed);
    expect(pdb.status.conditions.find((x: Obj) => x.type === "DisruptionAllowed")?.reason).toBe(wantReason);
  });
});
