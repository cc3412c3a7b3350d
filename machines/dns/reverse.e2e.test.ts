// Reverse lookups end to end: nslookup of an address in a pod asks the PTR question for its reverse
// name (in-addr.arpa octets, ip6.arpa nibbles, RFC 3596), answered as CoreDNS's kubernetes plugin
// does (reverse.go serviceRecordForIP: a Service's cluster IP, else the endpoints with that address,
// a hostname set preferred); an address it does not know falls through to an upstream, NXDOMAIN.
// Expected lines are busybox's parse_reply (`<reverse>\tname = <name>`) and BIND's nslookup (the
// name absolute, with its dot). The dual-stack half also reads a host-network pod's /etc/hosts: the
// kind node's own, where docker names the node by each of its addresses.

import { afterAll, describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";

function logs(c: Cluster, pod: string): string[] {
  const uid = c.get("Pod", pod, "default")?.metadata.uid;
  const out: string[] = [];
  for (const n of c.list("Node")) {
    const cri = c.runtime.snapshot(`cri/${n.metadata.name}`)?.context;
    for (const ctr of cri?.containers.values() ?? []) if (cri.sandboxes.get(ctr.sandboxId)?.podUid === uid) out.push(...ctr.logs.toArray().map((l: { line: string }) => l.line));
  }
  return out;
}

const pod = (name: string, command: string[], image = "busybox:1.36", spec: Record<string, unknown> = {}) => ({
  apiVersion: "v1", kind: "Pod", metadata: { name },
  spec: { restartPolicy: "Never", containers: [{ name: "c", image, command }], ...spec },
});

async function run(c: Cluster, name: string, command: string[], image?: string, spec?: Record<string, unknown>): Promise<{ lines: string[]; exitCode: number | undefined }> {
  await c.apply(pod(name, command, image, spec) as never);
  await c.settle();
  c.advance(30_000);
  await c.settle();
  const st = c.get("Pod", name, "default")?.status?.containerStatuses?.[0]?.state?.terminated;
  return { lines: logs(c, name), exitCode: st?.exitCode };
}

const busyServer = ["Server:\t\t10.96.0.10", "Address:\t10.96.0.10:53", ""];
const bindServer = ["Server:\t\t10.96.0.10", "Address:\t10.96.0.10#53", ""];

describe("PTR answers in an IPv4 cluster", () => {
  const c = createCluster({ nodes: 1, seed: 26 });
  afterAll(() => c.stop());

  it("busybox's nslookup of the kubernetes Service's address prints its reverse name and the Service's name", async () => {
    expect(await run(c, "ptr-api", ["nslookup", "10.96.0.1"])).toEqual({ lines: [...busyServer, "1.0.96.10.in-addr.arpa\tname = kubernetes.default.svc.cluster.local", ""], exitCode: 0 });
  });

  it("BIND's nslookup (jessie-dnsutils) writes the name absolute, with its dot", async () => {
    expect(await run(c, "ptr-bind", ["nslookup", "10.96.0.10"], "registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3")).toEqual({ lines: [...bindServer, "10.0.96.10.in-addr.arpa\tname = kube-dns.kube-system.svc.cluster.local.", ""], exitCode: 0 });
  });

  it("an address no Service or endpoint has is NXDOMAIN for its reverse name, exit 1", async () => {
    expect(await run(c, "ptr-none", ["nslookup", "10.96.7.7"])).toEqual({ lines: [...busyServer, "** server can't find 7.7.96.10.in-addr.arpa: NXDOMAIN", ""], exitCode: 1 });
  });

  it("a pod's address behind a Service is named by its address under the Service; a headless Service's endpoint with a hostname by that hostname", async () => {
    await c.apply([
      { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "sub" }, spec: { clusterIP: "None", selector: { app: "named" }, ports: [{ port: 80 }] } },
      { apiVersion: "v1", kind: "Pod", metadata: { name: "web-pod", labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "busybox:1.36", command: ["sleep", "3600"] }] } },
      { apiVersion: "v1", kind: "Pod", metadata: { name: "named-pod", labels: { app: "named" } }, spec: { hostname: "db-0", subdomain: "sub", containers: [{ name: "c", image: "busybox:1.36", command: ["sleep", "3600"] }] } },
    ] as never);
    await c.settle();
    c.advance(10_000);
    await c.settle();
    const webIP: string = c.get("Pod", "web-pod", "default").status.podIP;
    const namedIP: string = c.get("Pod", "named-pod", "default").status.podIP;
    const rev = (ip: string) => `${ip.split(".").reverse().join(".")}.in-addr.arpa`;
    expect((await run(c, "ptr-ep", ["nslookup", webIP])).lines).toEqual([...busyServer, `${rev(webIP)}\tname = ${webIP.replace(/\./g, "-")}.web.default.svc.cluster.local`, ""]);
    expect((await run(c, "ptr-host", ["nslookup", namedIP])).lines).toEqual([...busyServer, `${rev(namedIP)}\tname = db-0.sub.default.svc.cluster.local`, ""]);
  });
});

describe("PTR answers and the host network's hosts file in a dual-stack cluster", () => {
  const c = createCluster({ nodes: 1, seed: 26, ipFamily: "dual" });
  afterAll(() => c.stop());
  // fd00:10:96::1234 written out: fd00 0010 0096 0000 0000 0000 0000 1234, its nibbles backwards
  const reverse6 = `4.3.2.1.${"0.".repeat(16)}6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa`;

  it("nslookup of a Service's IPv6 ClusterIP asks ip6.arpa by nibbles: busybox's and BIND's lines", async () => {
    await c.apply({ apiVersion: "v1", kind: "Service", metadata: { name: "six" }, spec: { ipFamilies: ["IPv6"], clusterIP: "fd00:10:96::1234", ports: [{ port: 80 }] } } as never);
    await c.settle();
    expect(await run(c, "ptr6", ["nslookup", "fd00:10:96::1234"])).toEqual({ lines: [...busyServer, `${reverse6}\tname = six.default.svc.cluster.local`, ""], exitCode: 0 });
    expect(await run(c, "ptr6-bind", ["nslookup", "fd00:10:96::1234"], "registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3")).toEqual({ lines: [...bindServer, `${reverse6}\tname = six.default.svc.cluster.local.`, ""], exitCode: 0 });
  });

  it("an IPv6 address nothing has is NXDOMAIN for its ip6.arpa name", async () => {
    expect((await run(c, "ptr6-none", ["nslookup", "fd00:10:96::1235"])).lines).toEqual([...busyServer, `** server can't find 5${reverse6.slice(1)}: NXDOMAIN`, ""]);
  });

  it("a host-network pod's /etc/hosts is the node's: its IPv4 address, then its IPv6 one, each naming the node", async () => {
    expect((await run(c, "hosts", ["cat", "/etc/hosts"], "busybox:1.36", { hostNetwork: true })).lines).toEqual([
      "# Kubernetes-managed hosts file (host network).",
      "127.0.0.1\tlocalhost",
      "::1\tlocalhost ip6-localhost ip6-loopback",
      "172.18.0.2\tnode-1",
      "fc00:f853:ccd:e793::2\tnode-1",
    ]);
  });
});
