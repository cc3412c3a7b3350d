import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createCluster } from "../../runtime/cluster.js";
import { hpaReplicasWithinBounds } from "./hpa.js";

const scenario = readFileSync(join(import.meta.dirname, "..", "..", "examples", "hpa-php-apache.yaml"), "utf8");

describe("hpaReplicasWithinBounds", () => {
  for (const seed of [1, 2]) {
    it(`holds at every step while the HPA raises php-apache to its minReplicas (seed ${seed})`, async () => {
      const c = createCluster({ nodes: 2, seed });
      const violations: string[] = [];
      c.runtime.observers.push(() => {
        for (const v of hpaReplicasWithinBounds(c)) violations.push(v.message);
      });
      await c.apply(scenario);
      await c.settle();
      for (let i = 0; i < 4; i++) {
        c.advance(15_000);
        await c.settle();
      }
      expect(violations).toEqual([]);
      // the run did rescale for the check to judge
      expect(c.get("Deployment", "php-apache", "default")?.spec?.replicas).toBe(2);
      expect(c.events().some((e: any) => e.reason === "SuccessfulRescale" && e.message === "New size: 2; reason: Current number of replicas below Spec.MinReplicas")).toBe(true);
      await c.stop();
    });
  }

  const hpa = (min: number, max: number, desired: number) => ({
    metadata: { name: "web", namespace: "default", uid: "u1" }, spec: { minReplicas: min, maxReplicas: max },
    status: { desiredReplicas: desired, conditions: [{ type: "AbleToScale", status: "True", reason: "SucceededRescale" }] },
  });
  const event = (size: number) => ({ reason: "SuccessfulRescale", message: `New size: ${size}; reason: All metrics below target`, involvedObject: { kind: "HorizontalPodAutoscaler", namespace: "default", name: "web", uid: "u1" } });

  it("reports a rescale above maxReplicas in status, and a SuccessfulRescale below minReplicas", () => {
    const view = { list: (kind: string) => (kind === "HorizontalPodAutoscaler" ? [hpa(2, 5, 6)] : kind === "Event" ? [event(1)] : []) };
    expect(hpaReplicasWithinBounds(view).map((v) => v.message)).toEqual([
      "HorizontalPodAutoscaler default/web rescaled its target to 6, outside minReplicas 2 and maxReplicas 5",
      "HorizontalPodAutoscaler default/web recorded SuccessfulRescale to 1, outside minReplicas 2 and maxReplicas 5",
    ]);
  });

  it("leaves an HPA that has not rescaled alone (a disabled target keeps desiredReplicas 0)", () => {
    const disabled = { ...hpa(1, 5, 0), status: { desiredReplicas: 0, conditions: [{ type: "ScalingActive", status: "False", reason: "ScalingDisabled" }] } };
    expect(hpaReplicasWithinBounds({ list: (kind: string) => (kind === "HorizontalPodAutoscaler" ? [disabled] : []) })).toEqual([]);
  });
});
