import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";
import { budgetNeverAllowsMoreThanHealthy } from "./disruption.js";

const deployment = (replicas: number) => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "default" },
  spec: { replicas, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } } },
});
const pdb = { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "web", namespace: "default" }, spec: { minAvailable: 2, selector: { matchLabels: { app: "web" } } } };
const evict = (c: any, name: string) => c.requestSync({ verb: "create", group: "", resource: "pods", subresource: "eviction", namespace: "default", name, body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace: "default" } } });

describe("budgetNeverAllowsMoreThanHealthy", () => {
  for (const seed of [1, 2]) {
    it(`holds at every step while a budget's pods come up, are evicted, replaced and scaled (seed ${seed})`, async () => {
      const c = createCluster({ nodes: 2, seed });
      const violations: string[] = [];
      let judged = 0;
      c.runtime.observers.push(() => {
        for (const v of budgetNeverAllowsMoreThanHealthy(c)) violations.push(v.message);
        judged = Math.max(judged, c.get("PodDisruptionBudget", "web", "default")?.status?.disruptionsAllowed ?? 0);
      });
      await c.apply([pdb, deployment(3)]);
      await c.settle();
      c.advance(10_000);
      for (const p of c.list("Pod", { namespace: "default" })) evict(c, p.metadata.name);
      c.advance(30_000);
      await c.apply(deployment(1));
      c.advance(30_000);
      await c.apply(deployment(4));
      c.advance(30_000);
      expect(violations).toEqual([]);
      // the run did reach a budget that allowed disruptions
      expect(judged).toBeGreaterThanOrEqual(1);
      await c.stop();
    });
  }

  it("names a budget that allows more than it can spare, a negative number, or disruptions with no pods expected", () => {
    const view = (status: any) => ({ list: () => [{ metadata: { name: "b", namespace: "ns", generation: 1 }, status: { observedGeneration: 1, ...status } }] });
    expect(budgetNeverAllowsMoreThanHealthy(view({ currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 2 })).map((v) => v.message)).toEqual(["PodDisruptionBudget ns/b allows 2 disruptions with 3 healthy of 2 desired"]);
    expect(budgetNeverAllowsMoreThanHealthy(view({ currentHealthy: 0, desiredHealthy: 0, expectedPods: 1, disruptionsAllowed: -1 })).map((v) => v.message)).toEqual(["PodDisruptionBudget ns/b allows -1 disruptions"]);
    expect(budgetNeverAllowsMoreThanHealthy(view({ currentHealthy: 2, desiredHealthy: 0, expectedPods: 0, disruptionsAllowed: 1 })).map((v) => v.message)).toEqual(["PodDisruptionBudget ns/b allows 1 disruptions while it expects no pods"]);
    expect(budgetNeverAllowsMoreThanHealthy(view({ currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1 }))).toEqual([]);
    // a status older than the generation is not judged
    expect(budgetNeverAllowsMoreThanHealthy({ list: () => [{ metadata: { name: "b", namespace: "ns", generation: 2 }, status: { observedGeneration: 1, disruptionsAllowed: 5 } }] })).toEqual([]);
  });
});
