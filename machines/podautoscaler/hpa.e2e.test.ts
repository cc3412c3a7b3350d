// The docs' HorizontalPodAutoscaler walkthrough through createCluster on the simulated clock:
// php-apache (Deployment + Service), an HPA at 50% CPU between 1 and 10 replicas, a load generator
// (`while sleep 0.01; do wget -q -O- http://php-apache; done`) scales it up; once the load stops it
// scales back down only after the 300 s downscale stabilization window.

import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createCluster, type Cluster } from "../../runtime/cluster.js";

const phpApache = readFileSync(join(import.meta.dirname, "..", "..", "examples", "php-apache.yaml"), "utf8");
const hpa = {
  apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "php-apache", namespace: "default" },
  spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "php-apache" }, minReplicas: 1, maxReplicas: 10, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }] },
};
const loadGenerator = {
  apiVersion: "v1", kind: "Pod", metadata: { name: "load-generator", namespace: "default" },
  spec: { restartPolicy: "Never", containers: [{ name: "load-generator", image: "busybox:1.28", command: ["/bin/sh", "-c", "while sleep 0.01; do wget -q -O- http://php-apache; done"] }] },
};

async function periods(c: Cluster, n: number): Promise<void> {
  for (let i = 0; i < n; i++) { c.advance(15_000); await c.settle(); }
}

const replicas = (c: Cluster) => c.get("Deployment", "php-apache", "default")?.spec?.replicas;
const status = (c: Cluster) => c.get("HorizontalPodAutoscaler", "php-apache", "default")?.status;
const reason = (c: Cluster, type: string) => status(c)?.conditions?.find((x: any) => x.type === type)?.reason;

describe("the HPA walkthrough on the simulated clock", () => {
  it("scales php-apache up under the load generator and back to 1 after the stabilization window", async () => {
    const c = createCluster({ nodes: 3, seed: 1, clock: "simulated" });
    try {
      await c.apply(phpApache);
      await c.apply(hpa);
      await c.settle();
      expect(c.get("HorizontalPodAutoscaler", "php-apache", "default")?.spec?.minReplicas).toBe(1);
      await periods(c, 3);
      expect(status(c)?.currentMetrics?.[0]?.resource?.current?.averageUtilization, "idle php-apache uses no CPU").toBe(0);
      expect([replicas(c), reason(c, "AbleToScale"), reason(c, "ScalingActive"), reason(c, "ScalingLimited")]).toEqual([1, "ReadyForNewScale", "ValidMetricFound", "TooFewReplicas"]);

      await c.apply(loadGenerator);
      await periods(c, 8);
      const up = replicas(c)!;
      expect(up, "the load should scale php-apache out").toBeGreaterThanOrEqual(4);
      expect(up).toBeLessThanOrEqual(10);
      const rescales = c.events().filter((e: any) => e.reason === "SuccessfulRescale").map((e: any) => e.message);
      expect(rescales[0]).toMatch(/^New size: [2-4]; reason: cpu resource utilization \(percentage of request\) above target$/);
      // once spread over enough pods the utilization is back near the target
      expect(Math.abs(status(c)!.currentMetrics[0].resource.current.averageUtilization - 50)).toBeLessThanOrEqual(25);

      await c.delete("Pod", "load-generator", "default");
      await periods(c, 12); // 3 minutes: inside the 300 s window
      expect(replicas(c), "a scale-down waits for the stabilization window").toBe(up);
      expect(reason(c, "AbleToScale")).toBe("ScaleDownStabilized");
      await periods(c, 12); // 6 minutes after the load stopped
      expect(replicas(c)).toBe(1);
      expect(c.events().filter((e: any) => e.reason === "SuccessfulRescale").at(-1)?.message).toBe("New size: 1; reason: All metrics below target");
      expect(status(c)?.desiredReplicas).toBe(1);
    } finally {
      await c.stop();
    }
  }, 120_000);

  it("a ContainerResource metric on php-apache's container scales it up by that container's CPU, and says so", async () => {
    const c = createCluster({ nodes: 3, seed: 1, clock: "simulated" });
    try {
      await c.apply(phpApache);
      const container = c.get("Deployment", "php-apache", "default").spec.template.spec.containers[0].name;
      await c.apply({ ...hpa, spec: { ...hpa.spec, metrics: [{ type: "ContainerResource", containerResource: { name: "cpu", container, target: { type: "Utilization", averageUtilization: 50 } } }] } });
      await c.apply(loadGenerator);
      await periods(c, 8);
      expect(replicas(c)).toBeGreaterThanOrEqual(2);
      const rescales = c.events().filter((e: any) => e.reason === "SuccessfulRescale").map((e: any) => e.message);
      expect(rescales[0]).toMatch(/^New size: \d+; reason: cpu container resource utilization \(percentage of request\) above target$/);
      const m = status(c)!.currentMetrics[0];
      expect([m.type, m.containerResource.name, m.containerResource.container]).toEqual(["ContainerResource", "cpu", container]);
      expect(m.containerResource.current.averageUtilization).toBeGreaterThan(0);
      expect(reason(c, "ScalingActive")).toBe("ValidMetricFound");
    } finally {
      await c.stop();
    }
  }, 120_000);

  it("a target that is not there: AbleToScale False FailedGetScale, with a Warning event", async () => {
    const c = createCluster({ nodes: 1, seed: 2, clock: "simulated" });
    try {
      await c.apply({ ...hpa, metadata: { name: "orphan", namespace: "default" }, spec: { ...hpa.spec, scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "nope" } } });
      await periods(c, 2);
      const st = c.get("HorizontalPodAutoscaler", "orphan", "default")?.status;
      expect(st?.conditions?.[0]).toMatchObject({ type: "AbleToScale", status: "False", reason: "FailedGetScale", message: 'the HPA controller was unable to get the target\'s current scale: deployments.apps "nope" not found' });
      expect(c.events().some((e: any) => e.reason === "FailedGetScale" && e.type === "Warning")).toBe(true);
    } finally {
      await c.stop();
    }
  });
});
