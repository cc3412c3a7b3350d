// The PersistentVolume controller through createCluster, with the docs' "Configure a Pod to Use a
// PersistentVolume for Storage" manifests (pods/storage/pv-volume.yaml, pv-claim.yaml): the claim
// is bound to task-pv-volume, whose claimRef is default/task-pv-claim (pv_controller.go bind()).

import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createCluster } from "../../index.js";

type Cluster = ReturnType<typeof createCluster>;
const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});
function cluster(): Cluster {
  const c = createCluster({ nodes: 1, seed: 7 });
  clusters.push(c);
  return c;
}
const example = (name: string) => readFileSync(join(__dirname, "..", "..", "examples", name), "utf8");

describe("static binding (the docs' task-pv-volume and task-pv-claim)", () => {
  it("the PV is Available alone, and once the claim exists both are Bound to each other", async () => {
    const c = cluster();
    await c.apply(example("pv-volume.yaml"));
    await c.settle();
    expect(c.get("PersistentVolume", "task-pv-volume")?.status?.phase).toBe("Available");
    await c.apply(example("pv-claim.yaml"));
    await c.settle();
    const pv = c.get("PersistentVolume", "task-pv-volume");
    const pvc = c.get("PersistentVolumeClaim", "task-pv-claim");
    expect(pv.status.phase).toBe("Bound");
    expect(pv.spec.claimRef).toMatchObject({ kind: "PersistentVolumeClaim", namespace: "default", name: "task-pv-claim", uid: pvc.metadata.uid });
    expect(pv.metadata.annotations?.["pv.kubernetes.io/bound-by-controller"]).toBe("yes");
    expect(pvc.spec.volumeName).toBe("task-pv-volume");
    expect(pvc.metadata.annotations).toMatchObject({ "pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes" });
    expect(pvc.status).toMatchObject({ phase: "Bound", accessModes: ["ReadWriteOnce"], capacity: { storage: "10Gi" } });
  });
});
