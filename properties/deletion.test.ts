// deletionReversesCreation over every example manifest and a few random workloads: create, let
// it run, delete everything created, settle; the footprint must be what it was before.
import { describe, it, expect } from "vitest";
import { createCluster } from "../runtime/cluster.js";
import { Rng, seedFor } from "../machines/common/prng.js";
import { exampleObjects, randomObject, scenarioNames, workloadPrelude } from "./run.js";
import { footprint, footprintDiff } from "./invariants/deletion.js";
import { resourceForKind } from "../machines/apiserver/resources.js";

async function createThenDelete(objs: any[], seed: number): Promise<string[]> {
  const c = createCluster({ nodes: 2, seed, trace: false });
  await c.settle();
  const before = footprint(c.runtime);
  await c.apply(objs);
  await c.settle();
  c.advance(30_000);
  // Owned objects go with their owners (the garbage collector): delete only what was applied.
  for (const o of [...objs].reverse()) {
    const ns = resourceForKind(o.kind)?.namespaced ? o.metadata.namespace ?? "default" : undefined;
    if (c.get(o.kind, o.metadata.name, ns)) await c.delete(o.kind, o.metadata.name, ns);
  }
  await c.settle();
  c.advance(60_000);
  await c.settle();
  const diff = footprintDiff(before, footprint(c.runtime)).map((v) => v.message);
  await c.stop();
  return diff;
}

describe("deletionReversesCreation", () => {
  for (const name of scenarioNames().filter((s) => s !== "random")) {
    it(`deleting what examples/${name}.yaml created leaves etcd, IPAM, the runtimes, Endpoints and proxy rules as before`, async () => {
      expect(await createThenDelete(exampleObjects(name), 1)).toEqual([]);
    });
  }
  for (const seed of [1, 2, 3]) {
    it(`deleting random workload ${seed} leaves the cluster as before`, async () => {
      const rng = new Rng(seedFor(seed, "workload"));
      const objs = Array.from({ length: 4 }, (_, i) => randomObject(rng, i));
      expect(await createThenDelete([...workloadPrelude(objs), ...objs], seed)).toEqual([]);
    });
  }
  it("a pod left behind is reported by key", async () => {
    const c = createCluster({ nodes: 1, seed: 1, trace: false });
    await c.settle();
    const before = footprint(c.runtime);
    await c.apply(exampleObjects("nginx"));
    await c.settle();
    const diff = footprintDiff(before, footprint(c.runtime)).map((v) => v.message);
    expect(diff.some((m) => m.startsWith("etcd: /registry/pods/default/") && m.includes("is left behind"))).toBe(true);
    expect(diff.some((m) => m.startsWith("ipam: cni/node-1 differs"))).toBe(true);
    await c.stop();
  });
});
