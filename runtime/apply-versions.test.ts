// Applying an object written at a version its resource is served at besides the stored one, as
// the docs' controllers/hpa-rs.yaml (autoscaling/v1) is: kubectl maps it through discovery, the API
// server converts it to autoscaling/v2 (pkg/apis/autoscaling/v1/conversion.go: a CPU target
// percentage is a Resource cpu Utilization metric).
import { describe, expect, it } from "vitest";
import { createCluster } from "./cluster.js";

const hpa = (pct: number) => `
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: frontend-scaler
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: ReplicaSet
    name: frontend
  minReplicas: 3
  maxReplicas: 10
  targetCPUUtilizationPercentage: ${pct}
`;

describe("cluster.apply at an alternate served version", () => {
  it("an autoscaling/v1 HPA is stored as autoscaling/v2 with the CPU target as a metric; re-applied, it is unchanged, then configured", async () => {
    const c = createCluster({ nodes: 1, seed: 1, clock: "simulated" });
    const [created] = await c.apply(hpa(50), "hpa-rs.yaml");
    expect(created!.action).toBe("created");
    const stored = c.get("HorizontalPodAutoscaler", "frontend-scaler", "default");
    expect(stored.apiVersion).toBe("autoscaling/v2");
    expect(stored.spec.metrics).toEqual([{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }]);
    expect(stored.spec.targetCPUUtilizationPercentage).toBeUndefined();
    expect((await c.apply(hpa(50), "hpa-rs.yaml"))[0]!.action).toBe("unchanged");
    expect((await c.apply(hpa(70), "hpa-rs.yaml"))[0]!.action).toBe("configured");
    expect(c.get("HorizontalPodAutoscaler", "frontend-scaler", "default").spec.metrics[0].resource.target.averageUtilization).toBe(70);
  });

  it("a version the resource is not served at is still refused as kubectl refuses it", async () => {
    const c = createCluster({ nodes: 1, seed: 1, clock: "simulated" });
    await expect(c.apply(hpa(50).replace("autoscaling/v1", "autoscaling/v2beta2"), "x.yaml")).rejects.toThrow('no matches for kind "HorizontalPodAutoscaler" in version "autoscaling/v2beta2"');
  });
});

describe("cluster.apply of an events.k8s.io/v1 Event", () => {
  const event = (reason: string) => `
apiVersion: events.k8s.io/v1
kind: Event
metadata:
  name: deploy-note
eventTime: "2017-09-19T13:49:16.000000Z"
regarding: {kind: Pod, name: web, namespace: default}
reportingController: example.com/deployer
reportingInstance: deployer-0
action: Deploy
reason: ${reason}
note: rolled out
type: Normal
`;
  it("is stored as the core Event it converts to (note is message, regarding involvedObject), judged by events.k8s.io's rules", async () => {
    const c = createCluster({ nodes: 1, seed: 1, clock: "simulated" });
    const [created] = await c.apply(event("Deployed"), "event.yaml");
    expect(created!.action).toBe("created");
    expect(c.get("Event", "deploy-note", "default")).toMatchObject({ apiVersion: "v1", kind: "Event", message: "rolled out", involvedObject: { kind: "Pod", name: "web" }, reportingComponent: "example.com/deployer" });
    expect((await c.apply(event("Deployed"), "event.yaml"))[0]!.action).toBe("unchanged");
    // ValidateEventUpdate at events.k8s.io/v1: reason is immutable there
    await expect(c.apply(event("Redeployed"), "event.yaml")).rejects.toThrow('reason: Invalid value: "Redeployed": field is immutable');
  });
});
