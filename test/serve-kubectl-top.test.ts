// The real kubectl against `podflow serve` with metrics-server: discovery lists metrics.k8s.io
// at v1beta1, and `kubectl top pod` / `kubectl top node` print the usage of the docs' memory and
// CPU exercises (stress allocating 150 MiB; vish/stress asking 2 CPUs under a 1 CPU limit).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { findKubectl, kubectl, raw, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const examples = join(import.meta.dirname, "..", "examples");

describe.skipIf(!bin)("podflow serve with the real kubectl: kubectl top", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args);

  beforeAll(async () => {
    // 20x: metrics-server's 15 s resolution passes in under a second.
    s = await serve({ nodes: 2, speed: 20 });
    // the examples carry the namespaces the docs make with kubectl create namespace
    expect((await k(["apply", "-f", join(examples, "memory-request-limit.yaml")])).out).toBe("namespace/mem-example created\npod/memory-demo created\n");
    expect((await k(["apply", "-f", join(examples, "cpu-request-limit.yaml")])).out).toBe("namespace/cpu-example created\npod/cpu-demo created\n");
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("discovery serves metrics.k8s.io/v1beta1 with nodes and pods (get, list)", async () => {
    const r = await k(["api-resources", "--api-group=metrics.k8s.io"]);
    expect(r.out).toMatch(/^nodes +metrics\.k8s\.io\/v1beta1 +false +NodeMetrics$/m);
    expect(r.out).toMatch(/^pods +metrics\.k8s\.io\/v1beta1 +true +PodMetrics$/m);
    expect((await k(["api-versions"])).out).toContain("metrics.k8s.io/v1beta1\n");
  });

  it("kubectl top pod shows stress's 150 MiB and the CPU demo held at its 1 CPU limit", async () => {
    const mem = await until(async () => {
      const r = await k(["top", "pod", "memory-demo", "--namespace=mem-example"]);
      return r.code === 0 ? r.out : undefined;
    }, 20_000);
    expect(mem).toMatch(/^NAME +CPU\(cores\) +MEMORY\(bytes\) +\nmemory-demo +0m +150Mi +\n$/);
    const cpu = await until(async () => {
      const r = await k(["top", "pod", "cpu-demo", "--namespace=cpu-example"]);
      return r.code === 0 ? r.out : undefined;
    }, 20_000);
    expect(cpu).toMatch(/^cpu-demo +1000m +0Mi +$/m);
    const containers = await k(["top", "pod", "memory-demo", "--namespace=mem-example", "--containers"]);
    expect(containers.out).toMatch(/^memory-demo +memory-demo-ctr +0m +150Mi +$/m);
  });

  it("kubectl top pods, as the docs type it: the current namespace, then every namespace", async () => {
    // top_pod.go: no metrics and no pods in the namespace is a message on stderr, not an error
    expect(await k(["top", "pods"])).toEqual({ code: 0, out: "", err: "No resources found in default namespace.\n" });
    const all = await until(async () => {
      const r = await k(["top", "pods", "-A"]);
      return /^mem-example +memory-demo /m.test(r.out) && /^cpu-example +cpu-demo /m.test(r.out) ? r : undefined;
    }, 20_000);
    expect(all!.err).toBe("");
    expect(all!.out.split("\n")[0]).toMatch(/^NAMESPACE +NAME +CPU\(cores\) +MEMORY\(bytes\) *$/);
    expect(all!.out).toMatch(/^mem-example +memory-demo +0m +150Mi +$/m);
  });

  it("kubectl top node shows each node's usage against its allocatable", async () => {
    const r = await until(async () => {
      const out = await k(["top", "node"]);
      return out.code === 0 && out.out.split("\n").length >= 4 ? out.out : undefined;
    }, 20_000);
    expect(r!.split("\n")[0]).toMatch(/^NAME +CPU\(cores\) +CPU\(%\) +MEMORY\(bytes\) +MEMORY\(%\) *$/);
    // every node runs its system daemons; one of them also runs the CPU demo's full core
    expect(r).toMatch(/^node-\d +1040m +\d+% +\d+Mi +\d+% *$/m);
    expect(r).toMatch(/^node-\d +\d+m +\d+% +\d+Mi +\d+% *$/m);
  });

  it("errors are metrics-server's: a pod with no metrics, watch refused, a bad selector", async () => {
    const missing = await k(["top", "pod", "nope"]);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('podmetrics.metrics.k8s.io "default/nope" not found');
    const watch = await raw(s, "GET", "/apis/metrics.k8s.io/v1beta1/pods?watch=true", { token: s.cluster.adminToken });
    expect(watch.code).toBe(405);
    const bad = await raw(s, "GET", "/apis/metrics.k8s.io/v1beta1/pods?labelSelector=a%20in%20(", { token: s.cluster.adminToken });
    expect(bad.code).toBe(400);
    const ok = await raw(s, "GET", "/apis/metrics.k8s.io/v1beta1/namespaces/mem-example/pods/memory-demo", { token: s.cluster.adminToken });
    expect(JSON.parse(ok.body)).toMatchObject({ kind: "PodMetrics", metadata: { name: "memory-demo", namespace: "mem-example" }, window: "15s", containers: [{ name: "memory-demo-ctr", usage: { cpu: "0", memory: "154112Ki" } }] });
  });
});
