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
    // as kubectl delete does (propagationPolicy Background): batch/v1's own default would orphan a Job's pods
    if (c.get(o.kind, o.metadata.name, ns)) await c.delete(o.kind, o.metadata.name, ns, { propagationPolicy: "Background" });
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

describe("deletionReversesCreation in check and explore", () => {
  it("a checked run ends with a deletion phase that finds what deletion left behind", async () => {
    const { runSpec, specFromSeed } = await import("./run.js");
    const spec = specFromSeed(1, { scenario: "nginx", steps: 300, faults: [] });
    expect(runSpec(spec).violations).toEqual([]);
    // A kubectl whose deletes name nothing: the pod stays, and the deletion phase says so.
    const r = runSpec(spec, {
      prepare: (c) => void c.runtime.deliveryHooks.push((from, _to, msg) => {
        if (from === "kubectl" && msg.type === "ApiRequest" && msg.verb === "delete") msg.name = "nothing";
      }),
    });
    expect(r.phase).toBe("deletion");
    expect(r.violations.map((v) => v.invariant)).toContain("deletionReversesCreation");
    expect(r.violations.some((v) => v.message.startsWith("etcd: /registry/pods/default/") && v.message.includes("is left behind"))).toBe(true);
  });

  it("explore checks it at every state where nothing more can happen", async () => {
    const { explore } = await import("./explore.js");
    // A Service alone on the pod actors quiesces within a few steps (random seed 5's first object is a Service).
    expect(explore({ scenario: "random", seed: 5, depth: 60, maxStates: 3000, minimal: true }).violation).toBeUndefined();
    const admin = createCluster({ nodes: 1, seed: 5, trace: false }).adminToken;
    const leak = { type: "ApiRequest", id: 5, token: admin, verb: "create", group: "", resource: "configmaps", namespace: "default", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "leak" } } };
    const r = explore({ scenario: "random", seed: 5, depth: 60, maxStates: 3000, minimal: true, prepare: (rt) => rt.send("kubectl", "apiserver", leak) });
    expect(r.violation?.violations.map((v) => v.message)).toEqual([expect.stringMatching(/^etcd: \/registry\/configmaps\/default\/leak is left behind/)]);
  });
});
