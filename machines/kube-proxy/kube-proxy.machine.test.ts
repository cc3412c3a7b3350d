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
  await c.apply([service("web"), service("empty", { selector: { app: "nobody" } }), pod("web-1", "node-1"), pod("web-2", "node-2")]);
  await c.settle();
  c.advance(5_000);
  await c.settle();
  return c;
}

const vip = (c: Cluster, name: string) => c.get("Service", name, "default").spec.clusterIP;
const ip = (c: Cluster, name: string) => c.get("Pod", name, "default").status.podIP;

describe("kube-proxy in a running cluster", () => {
  it("programs a ClusterIP rule per Service port whose backends are the ready endpoints, on every node", async () => {
    const c = await cluster(1);
    for (const node of ["node-1", "node-2"]) {
      const rule = c.proxyRules(node).find((r) => r.service === "default/web:http");
      expect(rule).toEqual({
        service: "default/web:http",
        frontend: `${vip(c, "web")}:80/TCP`,
        kind: "ClusterIP",
        backends: [`${ip(c, "web-1")}:80`, `${ip(c, "web-2")}:80`].sort(),
        trafficPolicy: "Cluster",
      });
    }
    expect(c.runtime.snapshot("kube-proxy").value).toBe("programming");
  });

  it("sends a connection to one of the backends, and refuses one to a Service with no endpoints", async () => {
    const c = await cluster(2);
    const picks = new Set(Array.from({ length: 32 }, () => c.resolve("node-1", `${vip(c, "web")}:80`)));
    expect([...picks].sort()).toEqual([`${ip(c, "web-1")}:80`, `${ip(c, "web-2")}:80`].sort());
    expect(c.resolve("node-1", `${vip(c, "empty")}:80`)).toBeUndefined();
    expect(c.resolve("node-1", "10.96.255.254:80")).toBeUndefined();
  });

  it("draws the same backends for the same seed", async () => {
    const draws = async () => {
      const c = await cluster(7);
      return Array.from({ length: 8 }, () => c.resolve("node-2", `${vip(c, "web")}:80`));
    };
    expect(await draws()).toEqual(await draws());
  });

  it("rewrites rules at most once per minSyncPeriod (1 s)", async () => {
    const c = await cluster(3);
    const last = c.runtime.snapshot("kube-proxy").context.lastSyncAt as number;
    await c.apply(service("late"));
    c.runtime.drainMessages();
    if (c.now() < last + 1000) expect(c.proxyRules("node-1").some((r) => r.service === "default/late:http")).toBe(false);
    await c.settle();
    const after = c.runtime.snapshot("kube-proxy").context;
    expect(c.proxyRules("node-1").some((r) => r.service === "default/late:http")).toBe(true);
    expect(after.lastSyncAt - last).toBeGreaterThanOrEqual(1000);
  });

  it("programs each node's own endpoints for a Service with internalTrafficPolicy Local, from the one shared watch", async () => {
    const c = await cluster(5);
    await c.apply(service("local", { internalTrafficPolicy: "Local" }));
    await c.settle();
    const backends = (node: string) => c.proxyRules(node).find((r) => r.service === "default/local:http")?.backends;
    expect(backends("node-1")).toEqual([`${ip(c, "web-1")}:80`]);
    expect(backends("node-2")).toEqual([`${ip(c, "web-2")}:80`]);
    expect(c.proxyRules("node-1").find((r) => r.service === "default/local:http")?.trafficPolicy).toBe("Local");
  });

  it("programs nothing for a headless Service", async () => {
    const c = await cluster(4);
    await c.apply(service("headless", { clusterIP: "None" }));
    await c.settle();
    expect(c.proxyRules("node-1").some((r) => r.service.startsWith("default/headless"))).toBe(false);
  });
});
