// The Service strategy's dropTypeDependentFields (pkg/registry/core/service/strategy.go): "If the user
// is switching to a type that doesn't use NodePorts AND they did not change any NodePort values, we can
// wipe them. They will be deallocated later." A nodePort the user changed is left for validation.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../../runtime/cluster.js";
import { dropTypeDependentFields } from "./servicetype.js";

const nodePortService = () => ({
  metadata: { name: "web", namespace: "default" },
  spec: { type: "NodePort", clusterIP: "10.96.0.50", clusterIPs: ["10.96.0.50"], externalTrafficPolicy: "Cluster", ports: [{ port: 80, protocol: "TCP", nodePort: 30080 }] },
});

describe("dropTypeDependentFields", () => {
  it("NodePort -> ClusterIP with the nodePorts as they were: the nodePorts are wiped, the cluster IP kept", () => {
    const old = nodePortService();
    const svc = nodePortService();
    svc.spec.type = "ClusterIP";
    dropTypeDependentFields(svc, old);
    expect(svc.spec.ports.map((p) => p.nodePort)).toEqual([undefined]);
    expect(svc.spec.clusterIP).toBe("10.96.0.50");
  });

  it("NodePort -> ClusterIP with a nodePort changed too: it is left for validation to refuse", () => {
    const old = nodePortService();
    const svc = nodePortService();
    svc.spec.type = "ClusterIP";
    svc.spec.ports[0]!.nodePort = 30081;
    dropTypeDependentFields(svc, old);
    expect(svc.spec.ports.map((p) => p.nodePort)).toEqual([30081]);
  });
});

it("a NodePort Service read back and written with type ClusterIP is accepted, without its nodePort", async () => {
  const c = createCluster({ nodes: 1, seed: 14 });
  try {
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { type: "NodePort", selector: { app: "web" }, ports: [{ port: 80 }] } });
    await c.settle();
    const stored = c.get("Service", "web", "default");
    expect(stored.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    const r = await c.request({ verb: "update", group: "", resource: "services", namespace: "default", name: "web", body: { ...stored, spec: { ...stored.spec, type: "ClusterIP" } } });
    expect(r.ok).toBe(true);
    const after = c.get("Service", "web", "default");
    expect([after.spec.type, after.spec.ports[0].nodePort]).toEqual(["ClusterIP", undefined]);
  } finally {
    await c.stop();
  }
});
