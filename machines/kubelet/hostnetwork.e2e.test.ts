// A pod in the host's network has its node's address as its own: the kubelet's generateAPIPodStatus
// (kubelet_pods.go) sets podIP and podIPs from the host IPs for a hostNetwork pod, which gets no address
// from CNI; a pod on the pod network gets its sandbox's address, from the node's pod CIDR.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

describe("a running pod's IP", () => {
  it("is its node's IP in the host's network, and a pod-network address otherwise", async () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "host" }, spec: { hostNetwork: true, containers: [{ name: "web", image: "nginx:1.27" }] } });
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "plain" }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } });
    await c.settle();
    const host = c.get("Pod", "host", "default").status;
    expect(host.phase).toBe("Running");
    expect(host.hostIP).toBeTruthy();
    expect(host.podIP).toBe(host.hostIP);
    expect(host.podIPs).toEqual([{ ip: host.hostIP }]);
    const plain = c.get("Pod", "plain", "default").status;
    const node = c.list("Node")[0];
    expect(plain.podIP).not.toBe(plain.hostIP);
    expect(plain.podIP.startsWith(node.spec.podCIDR.split(".").slice(0, 3).join("."))).toBe(true);
    await c.stop();
  });
});
