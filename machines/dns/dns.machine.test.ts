import { describe, it, expect } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";

const service = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace: "default" },
  spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }], ...extra },
});

function pod(name: string, node: string) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels: { app: "web" } },
    spec: { nodeName: node, containers: [{ name: "nginx", image: "nginx", ports: [{ name: "http", containerPort: 80 }], readinessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 1 } }] },
  };
}

async function cluster(seed: number): Promise<Cluster> {
  const c = createCluster({ nodes: 2, seed });
  await c.apply([service("web"), service("web-headless", { clusterIP: "None" }), pod("web-1", "node-1")]);
  await c.settle();
  c.advance(5_000);
  await c.settle();
  return c;
}

describe("cluster DNS in a running cluster", () => {
  it("answers a Service's fully-qualified name with its ClusterIP", async () => {
    const c = await cluster(1);
    const vip = c.get("Service", "web", "default").spec.clusterIP;
    expect(c.resolveName("web.default.svc.cluster.local")).toEqual({
      rcode: "NOERROR",
      queried: "web.default.svc.cluster.local",
      records: [{ name: "web.default.svc.cluster.local", type: "A", value: vip, ttl: 5 }],
    });
    expect(c.runtime.snapshot("coredns").value).toBe("serving");
  });

  it("walks a pod's search path for a short name", async () => {
    const c = await cluster(2);
    const a = c.resolveName("web", "default");
    expect(a.rcode === "NOERROR" && a.queried).toBe("web.default.svc.cluster.local");
  });

  it("answers a headless Service with its ready pods' addresses", async () => {
    const c = await cluster(3);
    const ip = c.get("Pod", "web-1", "default").status.podIP;
    const a = c.resolveName("web-headless.default.svc.cluster.local");
    expect(a.rcode === "NOERROR" && a.records.map((r) => r.value)).toEqual([ip]);
  });

  it("says NXDOMAIN for a name no Service has, listing every name tried", async () => {
    const c = await cluster(4);
    expect(c.resolveName("nope", "default")).toEqual({
      rcode: "NXDOMAIN",
      tried: ["nope.default.svc.cluster.local", "nope.svc.cluster.local", "nope.cluster.local", "nope"],
    });
  });

  it("forgets a deleted Service", async () => {
    const c = await cluster(5);
    await c.delete("Service", "web", "default");
    await c.settle();
    expect(c.resolveName("web.default.svc.cluster.local").rcode).toBe("NXDOMAIN");
  });
});
