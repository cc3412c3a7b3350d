import { describe, it, expect } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { endpointsOnlyReadyMatchingPods } from "./endpoints.js";

const service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "default" },
  spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
};

function pod(name: string, node: string, probePort: string | number = "http") {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels: { app: "web" } },
    spec: { nodeName: node, containers: [{ name: "nginx", image: "nginx", ports: [{ name: "http", containerPort: 80 }], readinessProbe: { httpGet: { path: "/", port: probePort }, periodSeconds: 1 } }] },
  };
}

/** Checks the invariant after every delivered message; returns the first violations seen. */
function watch(c: Cluster): string[][] {
  const seen: string[][] = [];
  c.runtime.observers.push(() => {
    if (seen.length > 0) return;
    const v = endpointsOnlyReadyMatchingPods(c);
    if (v.length > 0) seen.push(v);
  });
  return seen;
}

describe("invariant: Endpoints list only Ready pods that match the Service selector, at their resolved ports", () => {
  it.each([1, 2, 3])("holds at every step of a create, relabel and delete run (seed %i)", async (seed) => {
    const c = createCluster({ nodes: 2, seed });
    const seen = watch(c);
    await c.apply([service, pod("web-1", "node-1"), pod("web-2", "node-2"), pod("web-3", "node-1", 9999)]);
    await c.settle();
    c.advance(5_000);
    await c.apply({ ...pod("web-2", "node-2"), metadata: { name: "web-2", namespace: "default", labels: { app: "moved" } } });
    await c.delete("Pod", "web-1", "default");
    await c.settle();
    c.advance(40_000);
    await c.delete("Service", "web", "default");
    await c.settle();
    expect(seen).toEqual([]);
    expect(c.runtime.delivered).toBeGreaterThan(100);
  });

  it("reports an Endpoints that lists a pod that is not Ready", async () => {
    const c = createCluster({ nodes: 1, seed: 9 });
    await c.apply([service, pod("web-1", "node-1", 9999)]);
    await c.settle();
    c.advance(3_000);
    const p = c.get("Pod", "web-1", "default");
    const ep = c.get("Endpoints", "web", "default");
    // Forge what a buggy controller would write: the unready pod among the ready addresses.
    const forged = { ...ep, subsets: [{ addresses: ep.subsets[0].notReadyAddresses, ports: ep.subsets[0].ports }] };
    expect(c.requestSync({ verb: "update", group: "", resource: "endpoints", namespace: "default", name: "web", body: forged }).ok).toBe(true);
    expect(endpointsOnlyReadyMatchingPods(c)).toEqual([`Endpoints default/web lists ${p.status.podIP} (pod default/web-1) as ready, but the pod is not Ready`]);
  });

  it("reports a ready address at a port the pod does not resolve to", async () => {
    const c = createCluster({ nodes: 1, seed: 10 });
    await c.apply([service, pod("web-1", "node-1")]);
    await c.settle();
    c.advance(3_000);
    const ep = c.get("Endpoints", "web", "default");
    const forged = { ...ep, subsets: [{ ...ep.subsets[0], ports: [{ name: "http", port: 8080, protocol: "TCP" }] }] };
    expect(c.requestSync({ verb: "update", group: "", resource: "endpoints", namespace: "default", name: "web", body: forged }).ok).toBe(true);
    expect(endpointsOnlyReadyMatchingPods(c)[0]).toMatch(/resolves port "http" to 80, not 8080$/);
  });
});
