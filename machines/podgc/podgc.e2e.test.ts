// PodGC through createCluster. Expectations from Kubernetes' source and its tests
// (pkg/controller/podgc/gc_controller.go, gc_controller_test.go): terminated pods above
// --terminated-pod-gc-threshold go, oldest first; pods bound to a node that no longer exists are
// marked Failed with DisruptionTarget (DeletionByPodGC, "PodGC: node no longer exists") and
// deleted once the node has been missing for the 40 s quarantine.

import { afterEach, describe, expect, it } from "vitest";
import { createCluster } from "../../index.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});
function cluster(opts: Parameters<typeof createCluster>[0]): Cluster {
  const c = createCluster(opts);
  clusters.push(c);
  return c;
}
const done = (name: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox", command: ["sh", "-c", "exit 0"] }] } });
const names = (c: Cluster) => c.list("Pod", { namespace: "default" }).map((p: any) => p.metadata.name).sort();

describe("PodGC", () => {
  it("with --terminated-pod-gc-threshold 2, four Succeeded pods become the two newest", async () => {
    const c = cluster({ nodes: 1, seed: 11, terminatedPodGCThreshold: 2 });
    for (const n of ["p1", "p2", "p3", "p4"]) {
      await c.apply(done(n));
      c.advance(2_000);
    }
    await c.settle();
    expect(c.list("Pod", { namespace: "default" }).every((p: any) => p.status.phase === "Succeeded")).toBe(true);
    c.advance(21_000);
    expect(names(c)).toEqual(["p3", "p4"]);
  });

  it("the default threshold (12500) keeps finished pods", async () => {
    const c = cluster({ nodes: 1, seed: 12 });
    await c.apply([done("a"), done("b")]);
    await c.settle();
    c.advance(60_000);
    expect(names(c)).toEqual(["a", "b"]);
  });

  it("a pod bound to a deleted node is marked Failed (DisruptionTarget DeletionByPodGC) and deleted after the quarantine, not before", async () => {
    const c = cluster({ nodes: 2, seed: 13 });
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "orphan" }, spec: { nodeName: "node-2", containers: [{ name: "c", image: "nginx" }] } });
    await c.settle();
    expect(c.get("Pod", "orphan", "default").status.phase).toBe("Running");
    const seen: any[] = [];
    const stop = c.watch({ group: "", resource: "pods", namespace: "default" }, (ev: any) => seen.push(ev));
    await c.delete("Node", "node-2");
    c.advance(30_000);
    // Still within the 40 s quarantine.
    expect(c.get("Pod", "orphan", "default")).toBeDefined();
    c.advance(60_000);
    expect(c.get("Pod", "orphan", "default")).toBeUndefined();
    stop();
    const failed = seen.map((e) => e.object).find((p: any) => p?.metadata?.name === "orphan" && p.status?.phase === "Failed");
    expect(failed?.status.conditions.find((x: any) => x.type === "DisruptionTarget")).toMatchObject({ status: "True", reason: "DeletionByPodGC", message: "PodGC: node no longer exists" });
  });
});
