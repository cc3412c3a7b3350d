// orphanFinalizerRemovedOnlyAfterDependentsReleased on real runs: it holds on the correct garbage
// collector, and reports the write that breaks it.

import { describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { InvariantChecker, type InvariantSpec } from "./index.js";
import { orphanFinalizerRemovedOnlyAfterDependentsReleased } from "./api.js";

function check(c: Cluster, specs: readonly InvariantSpec[]): string[] {
  const checker = new InvariantChecker(c.runtime, specs);
  const seen: string[] = [];
  c.runtime.observers.push(() => void seen.push(...checker.step().map((v) => v.message)));
  return seen;
}

const rs = (replicas: number) => ({
  apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "web", namespace: "default" },
  spec: { replicas, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"] }] } } },
});

describe("orphanFinalizerRemovedOnlyAfterDependentsReleased", () => {
  it("holds while a ReplicaSet is deleted with --cascade=orphan and its pods are released", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    const seen = check(c, [orphanFinalizerRemovedOnlyAfterDependentsReleased]);
    await c.apply(rs(2));
    await c.settle();
    c.advance(60_000);
    await c.delete("ReplicaSet", "web", "default", { propagationPolicy: "Orphan" });
    await c.settle();
    expect(c.get("ReplicaSet", "web", "default")).toBeUndefined();
    expect(c.list("Pod").filter((p: any) => !p.metadata.ownerReferences?.length)).toHaveLength(2);
    expect(seen).toEqual([]);
    await c.stop();
  });

  it("reports an owner whose orphan finalizer went while a pod still refers to it", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    const seen = check(c, [orphanFinalizerRemovedOnlyAfterDependentsReleased]);
    await c.apply(rs(1));
    await c.settle();
    c.advance(60_000);
    // No garbage collector: the finalizer is removed by hand, as a collector that skipped a failed dependent patch would.
    c.runtime.crash("garbage-collector");
    await c.delete("ReplicaSet", "web", "default", { propagationPolicy: "Orphan" });
    const owner = c.get("ReplicaSet", "web", "default");
    expect(owner.metadata.finalizers).toEqual(["orphan"]);
    expect(c.requestSync({ verb: "update", group: "apps", resource: "replicasets", namespace: "default", name: "web", body: { ...owner, metadata: { ...owner.metadata, finalizers: [] } } }).ok).toBe(true);
    await c.settle();
    const [p] = c.list("Pod");
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(new RegExp(`^ReplicaSet default/web lost its orphan finalizer while Pod default/${p.metadata.name} still has an ownerReference to it \\(stored 6\\d s before the owner's deletion\\)$`));
    await c.stop();
  });
});
