// An IPv6 single-stack cluster end to end through createCluster (kind's `networking.ipFamily: ipv6`):
// kind's subnets (pods fd00:10:244::/56, Services fd00:10:96::/112), the nodes' one InternalIP
// from its docker network's fc00:f853:ccd:e793::/64, kube-apiserver's own Service at the range's
// first address and kubeadm's kube-dns at its tenth (fd00:10:96::a, the pods' nameserver), Services
// defaulted to [IPv6] as initIPFamilyFields does on a single-stack IPv6 --service-cluster-ip-range
// (storage_test.go's "singlestack:v6" rows), and the data plane (CNI, kube-proxy, CoreDNS, probes,
// wget, nslookup) over IPv6.

import { afterAll, describe, expect, it } from "vitest";
import { createCluster } from "../runtime/cluster.js";
import { prefixContainsIP } from "../machines/common/servicecidr.js";
import { podLogs as logs } from "./support/podlogs.js";

const c = createCluster({ nodes: 2, seed: 26, ipFamily: "ipv6", addons: true });
afterAll(() => c.stop());


const backends = {
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "echo" },
  spec: {
    replicas: 2, selector: { matchLabels: { app: "echo" } },
    template: {
      metadata: { labels: { app: "echo" } },
      spec: {
        containers: [{
          name: "agnhost", image: "registry.k8s.io/e2e-test-images/agnhost:2.53", args: ["netexec", "--http-port=8080"],
          readinessProbe: { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 2 },
        }],
      },
    },
  },
};
const svc = (name: string, spec: Record<string, unknown>) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { selector: { app: "echo" }, ports: [{ port: 80, targetPort: 8080 }], ...spec } });
const client = (name: string, script: string) => ({
  apiVersion: "v1", kind: "Pod", metadata: { name },
  spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", script] }] },
});

async function run(name: string, script: string): Promise<string[]> {
  await c.apply(client(name, script) as never);
  await c.settle();
  c.advance(30_000);
  await c.settle();
  return logs(c, name);
}

function create(name: string, spec: Record<string, unknown>) {
  return c.requestSync({ verb: "create", group: "", resource: "services", namespace: "default", body: svc(name, spec) });
}

const echoPods = () => (c.list("Pod", { namespace: "default", labelSelector: "app=echo" }) as any[]).map((p) => p.metadata.name).sort();

describe("an IPv6 single-stack cluster (kind's ipFamily: ipv6)", () => {
  it("nodes report their IPv6 InternalIP alone and get a /64 of fd00:10:244::/56; pods are addressed from it", async () => {
    await c.apply([backends, svc("web", { type: "NodePort" })] as never);
    await c.settle();
    c.advance(30_000);
    await c.settle();
    expect((c.list("Node") as any[]).map((n) => [n.spec.podCIDRs, n.status.addresses])).toEqual([
      [["fd00:10:244::/64"], [{ type: "InternalIP", address: "fc00:f853:ccd:e793::2" }, { type: "Hostname", address: "node-1" }]],
      [["fd00:10:244:1::/64"], [{ type: "InternalIP", address: "fc00:f853:ccd:e793::3" }, { type: "Hostname", address: "node-2" }]],
    ]);
    const pods = c.list("Pod", { namespace: "default", labelSelector: "app=echo" }) as any[];
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      const node = c.get("Node", p.spec.nodeName) as any;
      expect(prefixContainsIP(node.spec.podCIDR, p.status.podIP)).toBe(true);
      expect(p.status.podIPs).toEqual([{ ip: p.status.podIP }]);
      expect(p.status.hostIPs).toEqual([{ ip: node.status.addresses[0].address }]);
      // the kubelet's readiness probe reached agnhost on the pod's IPv6 address
      expect(p.status.conditions.find((x: any) => x.type === "Ready").status).toBe("True");
    }
  });

  it("the kubernetes Service is fd00:10:96::1, kube-dns fd00:10:96::a, both SingleStack [IPv6]; the API server's endpoint is its node's IPv6 address", () => {
    const k = c.get("Service", "kubernetes", "default") as any;
    const dns = c.get("Service", "kube-dns", "kube-system") as any;
    expect([k.spec.clusterIPs, k.spec.ipFamilies, k.spec.ipFamilyPolicy]).toEqual([["fd00:10:96::1"], ["IPv6"], "SingleStack"]);
    expect([dns.spec.clusterIPs, dns.spec.ipFamilies, dns.spec.ipFamilyPolicy]).toEqual([["fd00:10:96::a"], ["IPv6"], "SingleStack"]);
    const slice = c.get("EndpointSlice", "kubernetes", "default") as any;
    expect([slice.addressType, slice.endpoints[0].addresses]).toEqual(["IPv6", ["fc00:f853:ccd:e793::2"]]);
    expect((c.get("ServiceCIDR", "kubernetes") as any).spec.cidrs).toEqual(["fd00:10:96::/112"]);
  });

  it("kubeadm's in-cluster objects name the API server by its bracketed IPv6 address, kube-proxy's config binds :: over the IPv6 pod subnet", () => {
    const info = c.get("ConfigMap", "cluster-info", "kube-public") as any;
    expect(info.data.kubeconfig).toContain("server: https://[fc00:f853:ccd:e793::2]:6443");
    const proxy = (c.get("ConfigMap", "kube-proxy", "kube-system") as any).data;
    expect(proxy["kubeconfig.conf"]).toContain("server: https://[fc00:f853:ccd:e793::2]:6443");
    expect(proxy["config.conf"]).toContain("bindAddress: '::'");
    expect(proxy["config.conf"]).toContain("clusterCIDR: fd00:10:244::/56");
  });

  it("a Service defaults to SingleStack [IPv6] with a ClusterIP of the dynamic band; PreferDualStack gets IPv6 alone", () => {
    const web = c.get("Service", "web", "default") as any;
    expect([web.spec.ipFamilies, web.spec.ipFamilyPolicy, web.spec.clusterIPs.length]).toEqual([["IPv6"], "SingleStack", 1]);
    // calculateRangeOffset of a /112: min(max(16, 65536/16), 256) = 256 past the first address, so the dynamic band starts at ::101
    expect(prefixContainsIP("fd00:10:96::/112", web.spec.clusterIP)).toBe(true);
    expect(BigInt(`0x${web.spec.clusterIP.split(":").pop()}`) >= 0x101n).toBe(true);
    const prefer = create("prefer", { ipFamilyPolicy: "PreferDualStack" });
    expect(prefer.ok).toBe(true);
    const s = (prefer as any).object.spec;
    expect([s.ipFamilyPolicy, s.ipFamilies, s.clusterIPs.length]).toEqual(["PreferDualStack", ["IPv6"], 1]);
  });

  it("RequireDualStack, an IPv4 family and an IPv4 ClusterIP are refused with kube-apiserver's Status", () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ["require", { ipFamilyPolicy: "RequireDualStack" }, 'Service "require" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services'],
      ["four", { ipFamilies: ["IPv4"] }, 'Service "four" is invalid: spec.ipFamilies[0]: Invalid value: "IPv4": not configured on this cluster'],
      ["four-ip", { clusterIP: "10.96.0.50" }, 'Service "four-ip" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.0.50"]: IPv4 is not configured on this cluster'],
    ];
    for (const [name, spec, message] of cases) {
      const r = create(name, spec);
      expect(r.ok ? undefined : [r.status.code, r.status.reason, r.status.message]).toEqual([422, "Invalid", message]);
      expect(c.get("Service", name, "default")).toBeUndefined();
    }
  });

  it("a pod's resolv.conf names fd00:10:96::a; nslookup prints it as busybox does and the Service's AAAA record", async () => {
    const web = c.get("Service", "web", "default") as any;
    expect(await run("ns-web", "cat /etc/resolv.conf; nslookup web.default.svc.cluster.local")).toEqual([
      "search default.svc.cluster.local svc.cluster.local cluster.local", "nameserver fd00:10:96::a", "options ndots:5",
      "Server:\t\tfd00:10:96::a", "Address:\t[fd00:10:96::a]:53", "",
      "Name:\tweb.default.svc.cluster.local", `Address: ${web.spec.clusterIP}`, "",
    ]);
  });

  it("a pod reaches a backend by the Service's name over IPv6 (kube-proxy's IPv6 rules), and its NodePort on a node's IPv6 address", async () => {
    const web = c.get("Service", "web", "default") as any;
    const out = await run("to-web", "wget -O- -T 2 http://web/hostname; echo");
    expect(out.slice(0, 2)).toEqual([`Connecting to web ([${web.spec.clusterIP}]:80)`, "writing to stdout"]);
    expect(echoPods()).toContain(out[2]);
    const port = web.spec.ports[0].nodePort;
    const np = await run("to-nodeport", `wget -qO- -T 2 http://[fc00:f853:ccd:e793::3]:${port}/hostname; echo`);
    expect(echoPods()).toContain(np[0]);
    expect(c.get("Pod", "to-nodeport", "default").status.phase).toBe("Succeeded");
  });
});
