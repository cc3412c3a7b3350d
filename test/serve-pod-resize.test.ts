// In-place pod resize through the real kubectl, as the docs' task "Resize CPU and Memory Resources
// assigned to Containers" (v1.35) walks it: pods/resize in discovery, `kubectl patch --subresource
// resize` for cpu (NotRequired: no restart) and memory (RestartContainer: restartCount 1), an
// infeasible request left as PodResizePending with the kubelet's message, the spec's desired
// resources beside status.containerStatuses[].resources and allocatedResources, and the refusals
// of ValidatePodResize and of a resize through the pod itself.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

// kubernetes/website content/en/examples/pods/resource/pod-resize.yaml
const podResize = readFileSync(join(import.meta.dirname, "fixtures", "docs", "pods", "resource", "pod-resize.yaml"), "utf8");

describe("in-place pod resize through kubectl (pods/resize)", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000, ...(input !== undefined ? { input } : {}) });
  const pod = async () => JSON.parse((await k(["get", "pod", "resize-demo", "-o", "json"])).out);
  const resize = (patch: string) => k(["patch", "pod", "resize-demo", "--subresource", "resize", "--patch", patch]);
  beforeAll(async () => {
    // the real kubectl is the client under test: without it the suite fails rather than skips
    expect(bin, "kubectl on PATH").toBeDefined();
    s = await serve({ nodes: 1, speed: 10 });
    await k(["create", "-f", "-"], podResize);
    await until(async () => (await pod()).status?.containerStatuses?.[0]?.state?.running !== undefined || undefined, 15_000);
  }, 30_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("serves pods/resize with get, patch and update", async () => {
    const list = JSON.parse((await k(["get", "--raw", "/api/v1"])).out);
    expect(list.resources.find((r: any) => r.name === "pods/resize")).toEqual({ name: "pods/resize", singularName: "", namespaced: true, kind: "Pod", verbs: ["get", "patch", "update"] });
    const got = JSON.parse((await k(["get", "pod", "resize-demo", "--subresource", "resize", "-o", "json"])).out);
    expect(got.kind).toBe("Pod");
  });

  it("starts Guaranteed with its resources reported as allocated and applied, generation 1, restartCount 0", async () => {
    const p = await pod();
    expect(p.metadata.generation).toBe(1);
    expect(p.status.qosClass).toBe("Guaranteed");
    expect(p.status.observedGeneration).toBe(1);
    const st = p.status.containerStatuses[0];
    expect(st.allocatedResources).toEqual({ cpu: "700m", memory: "200Mi" });
    expect(st.resources).toEqual({ limits: { cpu: "700m", memory: "200Mi" }, requests: { cpu: "700m", memory: "200Mi" } });
    expect(st.restartCount).toBe(0);
  });

  it("resizes cpu in place: spec and status at 800m, generation 2 observed, no restart", async () => {
    const r = await resize('{"spec":{"containers":[{"name":"pause", "resources":{"requests":{"cpu":"800m"}, "limits":{"cpu":"800m"}}}]}}');
    expect([r.code, r.out.trim()]).toEqual([0, "pod/resize-demo patched"]);
    const p = await until(async () => {
      const x = await pod();
      return x.status.observedGeneration === 2 && x.status.containerStatuses[0].resources.limits.cpu === "800m" && !x.status.conditions.some((c: any) => c.type.startsWith("PodResize")) ? x : undefined;
    }, 15_000);
    expect(p.metadata.generation).toBe(2);
    expect(p.spec.containers[0].resources).toEqual({ limits: { cpu: "800m", memory: "200Mi" }, requests: { cpu: "800m", memory: "200Mi" } });
    expect(p.status.containerStatuses[0].resources).toEqual({ limits: { cpu: "800m", memory: "200Mi" }, requests: { cpu: "800m", memory: "200Mi" } });
    expect(p.status.containerStatuses[0].restartCount).toBe(0);
  });

  it("resizes memory by restarting the container (RestartContainer): restartCount 1", async () => {
    const r = await resize('{"spec":{"containers":[{"name":"pause", "resources":{"requests":{"memory":"300Mi"}, "limits":{"memory":"300Mi"}}}]}}');
    expect(r.code).toBe(0);
    const p = await until(async () => {
      const x = await pod();
      const st = x.status.containerStatuses[0];
      return st.restartCount === 1 && st.state.running && st.resources.limits.memory === "300Mi" ? x : undefined;
    }, 15_000);
    expect(p.status.containerStatuses[0].allocatedResources).toEqual({ cpu: "800m", memory: "300Mi" });
    const events = (await k(["get", "events", "--field-selector", "involvedObject.name=resize-demo", "-o", "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}"])).out;
    expect(events).toContain("Killing: Container pause resize requires restart");
  });

  it("leaves an infeasible request pending with the kubelet's message; the status keeps the resources applied before", async () => {
    const r = await resize('{"spec":{"containers":[{"name":"pause", "resources":{"requests":{"cpu":"1000"}, "limits":{"cpu":"1000"}}}]}}');
    expect(r.code).toBe(0);
    const p = await until(async () => {
      const x = await pod();
      return x.status.conditions.find((c: any) => c.type === "PodResizePending") ? x : undefined;
    }, 15_000);
    expect(p.spec.containers[0].resources.limits.cpu).toBe("1k");
    const pending = p.status.conditions.find((c: any) => c.type === "PodResizePending");
    expect(pending).toMatchObject({ status: "True", reason: "Infeasible", message: "Node didn't have enough capacity: cpu, requested: 1000000, capacity: 4000", observedGeneration: 4 });
    expect(p.status.containerStatuses[0].resources.limits).toEqual({ cpu: "800m", memory: "300Mi" });
    expect(p.status.containerStatuses[0].restartCount).toBe(1);
    const yaml = (await k(["get", "pod", "resize-demo", "-o", "yaml"])).out;
    expect(yaml).toContain("type: PodResizePending");
    expect(yaml).toContain("reason: Infeasible");
  });

  it("refuses what ValidatePodResize refuses, with Kubernetes' messages", async () => {
    const qos = await resize('{"spec":{"containers":[{"name":"pause", "resources":{"requests":{"cpu":"100m"}, "limits":{"cpu":"800m"}}}]}}');
    expect(qos.code).not.toBe(0);
    expect(qos.err).toContain('The Pod "resize-demo" is invalid: spec: Invalid value: "Guaranteed": Pod QOS Class may not change as a result of resizing');
    const storage = await resize('{"spec":{"containers":[{"name":"pause", "resources":{"requests":{"ephemeral-storage":"1Gi"}, "limits":{"ephemeral-storage":"1Gi"}}}]}}');
    expect(storage.err).toContain("spec: Forbidden: only cpu and memory resources are mutable");
  });

  it("refuses a resize through the pod itself: resources are changed only through pods/resize", async () => {
    const r = await k(["patch", "pod", "resize-demo", "--patch", '{"spec":{"containers":[{"name":"pause", "resources":{"requests":{"cpu":"900m"}, "limits":{"cpu":"900m"}}}]}}']);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain("spec: Forbidden: pod updates may not change fields other than");
  });
});
