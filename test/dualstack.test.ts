// A dual-stack cluster end to end through createCluster (kind's networking.ipFamily: dual, IPv4
// first): node-ipam's per-node pod CIDRs of both families (a /24 of 10.244.0.0/16 and a /64 of
// fd00:10:244::/56), pods with an address of each (status.podIPs, IPv4 first as the cluster's order),
// the downward API's status.podIPs, a RequireDualStack Service with a ClusterIP of each family, and
// the EndpointSlice controller's one slice per address type.

import { afterAll, describe, expect, it } from "vitest";
import { createCluster } from "../runtime/cluster.js";
import { prefixContainsIP } from "../machines/common/servicecidr.js";
import { podLogs as logs } from "./support/podlogs.js";

const c = createCluster({ nodes: 2, seed: 24, ipFamily: "dual" });
afterAll(() => c.stop());

const web = {
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" },
  spec: { replicas: 2, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }] }] } } },
};
const service = { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { selector: { app: "web" }, ipFamilyPolicy: "RequireDualStack", ports: [{ port: 80 }] } };
const ips = {
  apiVersion: "v1", kind: "Pod", metadata: { name: "ips" },
  spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "echo $IPS"], env: [{ name: "IPS", valueFrom: { fieldRef: { fieldPath: "status.podIPs" } } }] }] },
};

describe("a dual-stack cluster", () => {
  it("gives every node a pod CIDR of each family, IPv4 first", () => {
    expect(c.list("Node").map((n: any) => n.spec.podCIDRs)).toEqual([["10.244.0.0/24", "fd00:10:244::/64"], ["10.244.1.0/24", "fd00:10:244:1::/64"]]);
  });

  it("gives a pod one address of each family from its node's CIDRs, the IPv4 one its podIP", async () => {
    await c.apply([web, service]);
    await c.settle();
    c.advance(30_000);
    await c.settle();
    const pods = c.list("Pod", { namespace: "default", labelSelector: "app=web" }) as any[];
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      const node = c.get("Node", p.spec.nodeName) as any;
      expect(p.status.podIPs).toHaveLength(2);
      expect(p.status.podIP).toBe(p.status.podIPs[0].ip);
      expect(prefixContainsIP(node.spec.podCIDRs[0], p.status.podIPs[0].ip)).toBe(true);
      expect(prefixContainsIP(node.spec.podCIDRs[1], p.status.podIPs[1].ip)).toBe(true);
    }
  });

  it("gives the RequireDualStack Service a ClusterIP of each family and one EndpointSlice per address type", () => {
    const svc = c.get("Service", "web", "default") as any;
    expect(svc.spec.ipFamilies).toEqual(["IPv4", "IPv6"]);
    expect(prefixContainsIP("10.96.0.0/16", svc.spec.clusterIPs[0])).toBe(true);
    expect(prefixContainsIP("fd00:10:96::/112", svc.spec.clusterIPs[1])).toBe(true);
    const pods = c.list("Pod", { namespace: "default", labelSelector: "app=web" }) as any[];
    const slices = c.list("EndpointSlice", { namespace: "default", labelSelector: "kubernetes.io/service-name=web" }) as any[];
    const byType = Object.fromEntries(slices.map((s) => [s.addressType, s.endpoints.flatMap((e: any) => e.addresses).sort()]));
    expect(byType).toEqual({
      IPv4: pods.map((p) => p.status.podIPs[0].ip).sort(),
      IPv6: pods.map((p) => p.status.podIPs[1].ip).sort(),
    });
  });

  it("writes both addresses, comma-separated, for the downward API's status.podIPs", async () => {
    await c.apply(ips);
    await c.settle();
    c.advance(10_000);
    await c.settle();
    const pod = c.get("Pod", "ips", "default") as any;
    expect(logs(c, "ips", "c")).toEqual([pod.status.podIPs.map((p: any) => p.ip).join(",")]);
  });

  it("drops the IPv6 slice when the Service is downgraded to SingleStack", async () => {
    const svc = c.get("Service", "web", "default") as any;
    const r = c.requestSync({ verb: "update", group: "", resource: "services", namespace: "default", name: "web", body: { ...svc, spec: { ...svc.spec, ipFamilyPolicy: "SingleStack" } } });
    expect(r.ok).toBe(true);
    await c.settle();
    const slices = c.list("EndpointSlice", { namespace: "default", labelSelector: "kubernetes.io/service-name=web" }) as any[];
    expect(slices.map((s) => s.addressType)).toEqual(["IPv4"]);
  });
});
