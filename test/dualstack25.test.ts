// A dual-stack cluster's IPv6 data plane end to end through createCluster (kind's ipFamily: dual):
// the nodes' InternalIP of each family (kind passes node-ip "ipv4,ipv6"; its docker network's IPv6
// subnet is fc00:f853:ccd:e793::/64) and the pods' status.hostIPs; kube-proxy's IPv6 proxier (a
// Service's IPv6 ClusterIP and its NodePort on the nodes' IPv6 addresses, fed by the IPv6
// EndpointSlice); CoreDNS's AAAA records for dual-stack, IPv6 and headless Services as busybox's
// nslookup prints them; and a pod's IPv6 address kept across a kubelet restart.

import { afterAll, describe, expect, it } from "vitest";
import { createCluster } from "../runtime/cluster.js";
import { prefixContainsIP } from "../machines/common/servicecidr.js";
import { podLogs as logs } from "./support/podlogs.js";

const c = createCluster({ nodes: 2, seed: 25, ipFamily: "dual", addons: true });
afterAll(() => c.stop());


const backends = {
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "echo" },
  spec: {
    replicas: 2, selector: { matchLabels: { app: "echo" } },
    template: { metadata: { labels: { app: "echo" } }, spec: { containers: [{ name: "agnhost", image: "registry.k8s.io/e2e-test-images/agnhost:2.53", args: ["netexec", "--http-port=8080"] }] } },
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

const echoPods = () => (c.list("Pod", { namespace: "default", labelSelector: "app=echo" }) as any[]).map((p) => p.metadata.name).sort();

describe("a dual-stack cluster's IPv6 side", () => {
  it("nodes report an InternalIP of each family (kind's node-ip ipv4,ipv6), and pods both as status.hostIPs", async () => {
    await c.apply([backends, svc("dual", { ipFamilyPolicy: "PreferDualStack", type: "NodePort" }), svc("six", { ipFamilies: ["IPv6"] })] as never);
    await c.settle();
    c.advance(30_000);
    await c.settle();
    expect((c.list("Node") as any[]).map((n) => n.status.addresses)).toEqual([
      [{ type: "InternalIP", address: "172.18.0.2" }, { type: "InternalIP", address: "fc00:f853:ccd:e793::2" }, { type: "Hostname", address: "node-1" }],
      [{ type: "InternalIP", address: "172.18.0.3" }, { type: "InternalIP", address: "fc00:f853:ccd:e793::3" }, { type: "Hostname", address: "node-2" }],
    ]);
    for (const p of c.list("Pod", { namespace: "default", labelSelector: "app=echo" }) as any[]) {
      const node = c.get("Node", p.spec.nodeName) as any;
      const internal = node.status.addresses.filter((a: any) => a.type === "InternalIP").map((a: any) => a.address);
      expect(p.status.hostIP).toBe(internal[0]);
      expect(p.status.hostIPs).toEqual(internal.map((ip: string) => ({ ip })));
    }
  });

  it("a pod reaches a backend through the Service's IPv6 ClusterIP (kube-proxy's IPv6 rules from the IPv6 slice)", async () => {
    const s = c.get("Service", "dual", "default") as any;
    const v6 = s.spec.clusterIPs[1];
    expect(prefixContainsIP("fd00:10:96::/112", v6)).toBe(true);
    const out = await run("to-v6", `wget -O- -T 2 http://[${v6}]/hostname; echo`);
    // busybox names the host as the URL writes it, then the address it dials (xmalloc_sockaddr2dotted: [ip]:port)
    expect(out.slice(0, 2)).toEqual([`Connecting to [${v6}] ([${v6}]:80)`, "writing to stdout"]);
    expect(echoPods()).toContain(out[2]);
    expect(c.get("Pod", "to-v6", "default").status.phase).toBe("Succeeded");
  });

  it("the NodePort answers on every node's IPv6 address as on its IPv4 one", async () => {
    const port = (c.get("Service", "dual", "default") as any).spec.ports[0].nodePort;
    const out = await run("to-nodeport", `wget -qO- -T 2 http://[fc00:f853:ccd:e793::3]:${port}/hostname; echo; wget -qO- -T 2 http://172.18.0.2:${port}/hostname; echo`);
    expect(out.filter((l) => l !== "")).toHaveLength(2);
    for (const l of out.filter((x) => x !== "")) expect(echoPods()).toContain(l);
  });

  it("a source address is the pod's own of the destination's family (agnhost's /clientip sees the IPv6 one)", async () => {
    const v6 = (c.get("Service", "dual", "default") as any).spec.clusterIPs[1];
    const out = await run("who-v6", `wget -qO- -T 2 http://[${v6}]/clientip; echo`);
    const me = (c.get("Pod", "who-v6", "default") as any).status.podIPs[1].ip;
    // net.JoinHostPort of the peer: the IPv6 address bracketed, then its port
    expect(out[0]!.startsWith(`[${me}]:`)).toBe(true);
  });

  it("nslookup of a PreferDualStack Service prints its A record, then its AAAA record as busybox prints the second reply", async () => {
    const s = c.get("Service", "dual", "default") as any;
    expect(await run("ns-dual", "nslookup dual.default.svc.cluster.local")).toEqual([
      "Server:\t\t10.96.0.10", "Address:\t10.96.0.10:53", "",
      "Name:\tdual.default.svc.cluster.local", `Address: ${s.spec.clusterIPs[0]}`, "",
      "Name:\tdual.default.svc.cluster.local", `Address: ${s.spec.clusterIPs[1]}`, "",
    ]);
  });

  it("an IPv6 single-stack Service answers AAAA only, and a pod connects to it by name over IPv6", async () => {
    const s = c.get("Service", "six", "default") as any;
    expect(s.spec.clusterIPs).toHaveLength(1);
    expect(await run("ns-six", "nslookup six.default.svc.cluster.local")).toEqual([
      "Server:\t\t10.96.0.10", "Address:\t10.96.0.10:53", "",
      "Name:\tsix.default.svc.cluster.local", `Address: ${s.spec.clusterIP}`, "",
    ]);
    const out = await run("to-six", "wget -O- -T 2 http://six/hostname; echo");
    expect(out.slice(0, 2)).toEqual([`Connecting to six ([${s.spec.clusterIP}]:80)`, "writing to stdout"]);
    expect(echoPods()).toContain(out[2]);
  });

  it("a headless dual-stack Service answers each ready pod's addresses of both families; an IPv6 pod name gets its AAAA record", async () => {
    await c.apply(svc("heads", { clusterIP: "None", ipFamilyPolicy: "RequireDualStack" }) as never);
    await c.settle();
    c.advance(5_000);
    await c.settle();
    const pods = c.list("Pod", { namespace: "default", labelSelector: "app=echo" }) as any[];
    const out = await run("ns-heads", "nslookup heads.default.svc.cluster.local");
    const addresses = out.filter((l) => l.startsWith("Address: ")).map((l) => l.slice("Address: ".length));
    const v4 = pods.map((p) => p.status.podIPs[0].ip).sort();
    const v6 = pods.map((p) => p.status.podIPs[1].ip).sort();
    // the A reply's records first, then the AAAA reply's
    expect([addresses.slice(0, 2).sort(), addresses.slice(2).sort()]).toEqual([v4, v6]);
    const ip6 = v6[0]!;
    const podName = `${ip6.replace(/:/g, "-")}.default.pod.cluster.local`;
    expect(await run("ns-pod6", `nslookup ${podName}`)).toEqual(["Server:\t\t10.96.0.10", "Address:\t10.96.0.10:53", "", `Name:\t${podName}`, `Address: ${ip6}`, ""]);
  });

  it("a restarted kubelet keeps a running pod's IPv6 address as it keeps its IPv4 one", async () => {
    const before = (c.list("Pod", { namespace: "default", labelSelector: "app=echo" }) as any[]).map((p) => [p.metadata.name, p.status.podIPs]);
    for (const n of ["node-1", "node-2"]) c.runtime.crash(`kubelet/${n}`);
    await c.settle();
    for (const n of ["node-1", "node-2"]) c.runtime.revive(`kubelet/${n}`);
    await c.settle();
    c.advance(20_000);
    await c.settle();
    const after = (c.list("Pod", { namespace: "default", labelSelector: "app=echo" }) as any[]).map((p) => [p.metadata.name, p.status.podIPs]);
    expect(after).toEqual(before);
    expect(before.every(([, ips]) => (ips as unknown[]).length === 2)).toBe(true);
  });
});
