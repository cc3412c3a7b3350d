import { describe, it, expect } from "vitest";
import { createCluster } from "../../runtime/cluster.js";
import { podCIDRFor } from "../cni/ipam.js";
import { internalIPFor } from "./node.js";

// kind's nodes take their InternalIP from the docker network 172.18.0.0/16, the first node .0.2;
// docker's IPAM counts on through the /16, so the 255th node is 172.18.1.0. An address printed as
// "172.18.0.256" is no IP: the API server refuses it as the pod's hostIP and the pod never runs.

describe("node addresses past 172.18.0.255", () => {
  it("count on through the docker network's /16", () => {
    expect(internalIPFor(0)).toBe("172.18.0.2");
    expect(internalIPFor(253)).toBe("172.18.0.255");
    expect(internalIPFor(254)).toBe("172.18.1.0");
    expect(internalIPFor(4999)).toBe("172.18.19.137");
    expect(() => internalIPFor(65_533)).toThrow(/no address left/);
  });

  it("the 300th node registers a valid InternalIP and a pod bound to it runs with that hostIP", async () => {
    const n = 300;
    const nodes = Array.from({ length: n }, (_, i) => ({
      apiVersion: "v1", kind: "Node",
      metadata: { name: `node-${i + 1}`, labels: { "kubernetes.io/hostname": `node-${i + 1}`, "kubernetes.io/os": "linux" } },
      spec: { podCIDR: podCIDRFor("10.0.0.0/14", i) },
    }));
    const c = createCluster({ nodes, seed: 7, trace: false });
    await c.settle();
    const node = c.get("Node", "node-300");
    expect(node.status.addresses).toContainEqual({ type: "InternalIP", address: "172.18.1.45" });
    await c.apply([{ apiVersion: "v1", kind: "Pod", metadata: { name: "far", namespace: "default" }, spec: { nodeName: "node-300", containers: [{ name: "c", image: "nginx:1.27" }] } }]);
    let pod: any;
    for (let t = 0; t < 60_000 && pod?.status?.phase !== "Running"; t += 500) {
      c.advance(500);
      pod = c.get("Pod", "far", "default");
    }
    expect(pod.status.phase).toBe("Running");
    expect(pod.status.hostIP).toBe("172.18.1.45");
    expect(pod.status.hostIPs).toEqual([{ ip: "172.18.1.45" }]);
    await c.stop();
  }, 60_000);
});
