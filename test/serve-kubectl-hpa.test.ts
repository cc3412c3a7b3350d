// The docs' HorizontalPodAutoscaler walkthrough with the real kubectl against `podflow serve`:
// kubectl apply php-apache, kubectl autoscale (autoscaling/v1, protobuf), kubectl get hpa's
// columns, kubectl run the load generator, scale up; delete it, scale back down after the
// 300 s stabilization window (the live clock runs 10x).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { findKubectl, kubectl, raw, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const phpApache = join(import.meta.dirname, "..", "examples", "php-apache.yaml");

describe.skipIf(!bin)("podflow serve with the real kubectl: the HPA walkthrough", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args);
  const deploymentReplicas = async () => Number((await k(["get", "deployment", "php-apache", "-o", "jsonpath={.spec.replicas}"])).out);

  beforeAll(async () => {
    s = await serve({ nodes: 3, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl autoscale creates the HPA; kubectl get hpa prints Kubernetes' columns", async () => {
    expect((await k(["apply", "-f", phpApache])).out).toBe("deployment.apps/php-apache created\nservice/php-apache created\n");
    const r = await k(["autoscale", "deployment", "php-apache", "--cpu-percent=50", "--min=1", "--max=10"]);
    expect(r.err).toBe("");
    expect(r.out).toBe("horizontalpodautoscaler.autoscaling/php-apache autoscaled\n");
    const out = (await k(["get", "hpa"])).out.split("\n");
    expect(out[0]).toMatch(/^NAME +REFERENCE +TARGETS +MINPODS +MAXPODS +REPLICAS +AGE$/);
    expect(out[1]).toMatch(/^php-apache +Deployment\/php-apache +cpu: (<unknown>|0%)\/50% +1 +10 +[01] +(?:\d+[smhd])+$/);
    const v1 = JSON.parse((await raw(s, "GET", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/php-apache", { token: s.cluster.adminToken })).body);
    expect(v1).toMatchObject({ apiVersion: "autoscaling/v1", spec: { minReplicas: 1, maxReplicas: 10, targetCPUUtilizationPercentage: 50, scaleTargetRef: { kind: "Deployment", name: "php-apache" } } });
    const idle = await until(async () => /cpu: 0%\/50%/.test((await k(["get", "hpa", "php-apache", "--no-headers"])).out), 30_000);
    expect(idle, "the HPA reads php-apache's idle 0% within a few sync periods").toBe(true);
  }, 60_000);

  it("the load generator scales php-apache up", async () => {
    const run = await k(["run", "load-generator", "--image=busybox:1.28", "--restart=Never", "--", "/bin/sh", "-c", "while sleep 0.01; do wget -q -O- http://php-apache; done"]);
    expect(run.out).toBe("pod/load-generator created\n");
    const up = await until(async () => ((await deploymentReplicas()) >= 4 ? true : undefined), 60_000);
    expect(up, "the Deployment should have at least 4 replicas under load").toBe(true);
    const row = (await k(["get", "hpa", "php-apache", "--no-headers"])).out;
    expect(row).toMatch(/^php-apache +Deployment\/php-apache +cpu: \d+%\/50% +1 +10 +\d+ +\d+(s|m\d*s?)\n$/);
    const events = (await k(["get", "events", "--field-selector", "involvedObject.kind=HorizontalPodAutoscaler", "-o", "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}"])).out;
    expect(events).toMatch(/^SuccessfulRescale: New size: \d+; reason: cpu resource utilization \(percentage of request\) above target$/m);
    const top = (await k(["top", "pods", "-l", "run=php-apache", "--no-headers"])).out;
    expect(top).toMatch(/^php-apache-[a-z0-9]+-[a-z0-9]+ +\d+m +\d+Mi +$/m);
  }, 90_000);

  it("with the load gone it scales back to 1 after the stabilization window", async () => {
    expect((await k(["delete", "pod", "load-generator", "--grace-period=0", "--force"])).code).toBe(0);
    const held = await until(async () => /ScaleDownStabilized/.test((await k(["get", "hpa", "php-apache", "-o", "jsonpath={.status.conditions[0].reason}"])).out), 30_000);
    expect(held, "the scale-down is held by the stabilization window first").toBe(true);
    // the sync that read the last loaded metrics may still have scaled up; held, nothing is taken away
    expect(await deploymentReplicas()).toBeGreaterThanOrEqual(4);
    const down = await until(async () => ((await deploymentReplicas()) === 1 ? true : undefined), 90_000, 1000);
    expect(down, "after 300 simulated seconds the Deployment is back to 1").toBe(true);
    expect((await k(["get", "hpa", "php-apache", "--no-headers"])).out).toMatch(/^php-apache +Deployment\/php-apache +cpu: 0%\/50% +1 +10 +\d+ +/);
  }, 120_000);

  it("bad input gets kubectl's and Kubernetes' refusals, and never stops the server", async () => {
    // kubectl checks --min/--max itself; the server's checks are reached through the API
    const r = await k(["autoscale", "deployment", "php-apache", "--name=bad", "--min=5", "--max=2"]);
    expect(r.err).toBe("error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: 2, min: 5\n");
    const v1 = JSON.stringify({ apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { name: "bad" }, spec: { scaleTargetRef: { kind: "Deployment", name: "php-apache" }, minReplicas: 0, maxReplicas: 2, targetCPUUtilizationPercentage: 0 } });
    const inv1 = await raw(s, "POST", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers", { token: s.cluster.adminToken, body: v1 });
    // validateMetrics: minReplicas 0 also needs an Object or External metric, as a real cluster says after the bound
    expect(JSON.parse(inv1.body).message).toBe('HorizontalPodAutoscaler.autoscaling "bad" is invalid: [spec.minReplicas: Invalid value: 0: must be greater than or equal to 1, spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0, spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas]');
    const body = JSON.stringify({ apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "bad" }, spec: { scaleTargetRef: { kind: "Deployment", name: "" }, minReplicas: 5, maxReplicas: 2 } });
    const inv = await raw(s, "POST", "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers", { token: s.cluster.adminToken, body });
    expect(inv.code).toBe(422);
    expect(JSON.parse(inv.body).message).toBe('HorizontalPodAutoscaler.autoscaling "bad" is invalid: [spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`, spec.scaleTargetRef.name: Required value]');
    const garbage = await raw(s, "POST", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers", { token: s.cluster.adminToken, body: "{not json", headers: { "Content-Type": "application/json" } });
    expect(garbage.code).toBe(400);
    const pb = await raw(s, "POST", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers", { token: s.cluster.adminToken, body: "k8s\0\x0a\x02garbage", headers: { "Content-Type": "application/vnd.kubernetes.protobuf" } });
    expect(pb.code).toBe(400);
    expect((await k(["get", "hpa"])).code, "the server keeps serving").toBe(0);
  });
});
