// `podflow serve` runs kubeadm's addons as pods, as a kind or kubeadm cluster does: the DNS
// debugging page (tasks/administer-cluster/dns-debugging-resolution) finds the coredns pods by the
// k8s-app=kube-dns label, reads their logs, and sees them as the kube-dns Service's endpoints;
// kube-proxy is a DaemonSet on the nodes' network.
// `--no-addons` leaves kube-system without pods, as the simulator's default does.

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { serveCommand } from "../runtime/server/serve.js";
import { findKubectl, kubectl, until } from "./serve-helpers.js";

const bin = findKubectl();

async function started(extra: { addons?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "podflow-coredns-"));
  const file = join(dir, "kubeconfig");
  const out: string[] = [];
  const err: string[] = [];
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const exit = serveCommand({ port: "0", nodes: "2", seed: "1", speed: "10", kubeconfig: file, ...extra }, { out: (l) => out.push(l), err: (l) => err.push(l) }, stopped);
  await until(async () => out.some((l) => l.startsWith("export KUBECONFIG=")) || err.length > 0, 10_000, 50);
  expect(err).toEqual([]);
  return { file, k: (args: string[]) => kubectl(bin!, file, args), stop: async () => { stop(); await exit; } };
}

describe.skipIf(!bin)("podflow serve runs CoreDNS as pods in kube-system", () => {
  let s: Awaited<ReturnType<typeof started>>;
  beforeAll(async () => {
    s = await started();
  }, 30_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl get pods -l k8s-app=kube-dns lists the coredns Deployment's two pods, Running and ready", async () => {
    const lines = await until(async () => {
      const r = await s.k(["get", "pods", "--namespace=kube-system", "-l", "k8s-app=kube-dns", "--no-headers"]);
      const rows = r.out.trim().split("\n").filter((l) => l.includes("Running") && / 1\/1 /.test(l));
      return rows.length === 2 ? rows : undefined;
    }, 30_000);
    expect(lines).toHaveLength(2);
    for (const l of lines!) expect(l).toMatch(/^coredns-[a-z0-9]{8,10}-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+/);
    const deploy = await s.k(["get", "deployment", "coredns", "-n", "kube-system", "-o", "jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.priorityClassName} {.status.readyReplicas}"]);
    expect(deploy.out).toBe("registry.k8s.io/coredns/coredns:v1.13.1 system-cluster-critical 2");
  });

  it("their logs begin as CoreDNS's do, with the reload plugin's SHA-512 of the Corefile in the coredns ConfigMap", async () => {
    const corefile = (await s.k(["get", "configmap", "coredns", "-n", "kube-system", "-o", "jsonpath={.data.Corefile}"])).out;
    expect(corefile).toContain("kubernetes cluster.local in-addr.arpa ip6.arpa {");
    const logs = await until(async () => {
      const r = await s.k(["logs", "--namespace=kube-system", "-l", "k8s-app=kube-dns"]);
      return r.code === 0 && r.out.includes("CoreDNS-") ? r.out : undefined;
    }, 30_000);
    const sha = createHash("sha512").update(corefile).digest("hex");
    expect(logs).toContain(`.:53\n[INFO] plugin/reload: Running configuration SHA512 = ${sha}\nCoreDNS-1.13.1\n`);
  });

  it("the kube-dns Service's EndpointSlice lists both pods' IPs with the dns, dns-tcp and metrics ports", async () => {
    const ips = (await s.k(["get", "pods", "-n", "kube-system", "-l", "k8s-app=kube-dns", "-o", "jsonpath={.items[*].status.podIP}"])).out.split(" ").sort();
    const slice = await until(async () => {
      const r = await s.k(["get", "endpointslices", "-l", "k8s-app=kube-dns", "--namespace=kube-system", "-o", "jsonpath={.items[0].endpoints[*].addresses[0]}|{.items[0].ports[*].name}"]);
      const [addrs, ports] = r.out.split("|");
      return addrs && addrs.split(" ").length === 2 ? { addrs: addrs.split(" ").sort(), ports: ports!.split(" ").sort() } : undefined;
    }, 30_000);
    expect(slice?.addrs).toEqual(ips);
    expect(slice?.ports).toEqual(["dns", "dns-tcp", "metrics"]);
    // kubectl get endpointslices' ENDPOINTS column: the addresses, the ports 53,9153 (kind's output)
    const row = (await s.k(["get", "endpointslices", "-l", "k8s-app=kube-dns", "-n", "kube-system", "--no-headers"])).out;
    expect(row).toMatch(/^kube-dns-[a-z0-9]{5}\s+IPv4\s+53,53,9153\s+/);
  });

  it("the readiness probe's port answers /ready with OK from inside the cluster", async () => {
    const ip = (await s.k(["get", "pods", "-n", "kube-system", "-l", "k8s-app=kube-dns", "-o", "jsonpath={.items[0].status.podIP}"])).out;
    const r = await s.k(["run", "probe", "--image=busybox:1.36", "--restart=Never", "--rm", "-i", "--quiet", "--", "sh", "-c", `wget -qO- http://${ip}:8181/ready; echo "|"`]);
    // the ready plugin writes http.StatusText(200), no newline
    expect(r.out).toBe("OK|\n");
  });

  it("kube-proxy runs as kubeadm's DaemonSet: one pod per node on the node's network, saying it uses iptables", async () => {
    const ds = await until(async () => {
      const r = await s.k(["get", "daemonset", "kube-proxy", "-n", "kube-system", "--no-headers"]);
      return /^kube-proxy\s+2\s+2\s+2\s+2\s+2\s+kubernetes\.io\/os=linux\s+/.test(r.out) ? r.out : undefined;
    }, 30_000);
    expect(ds).toBeDefined();
    const pods = (await s.k(["get", "pods", "-n", "kube-system", "-l", "k8s-app=kube-proxy", "-o", "jsonpath={range .items[*]}{.spec.nodeName} {.status.podIP}{\"\\n\"}{end}"])).out.trim().split("\n").sort();
    const nodes = (await s.k(["get", "nodes", "-o", "jsonpath={range .items[*]}{.metadata.name} {.status.addresses[?(@.type==\"InternalIP\")].address}{\"\\n\"}{end}"])).out.trim().split("\n").sort();
    expect(pods).toEqual(nodes);
    const logs = (await s.k(["logs", "-n", "kube-system", "-l", "k8s-app=kube-proxy", "--prefix"])).out;
    expect(logs).toMatch(/^\[pod\/kube-proxy-[a-z0-9]{5}\/kube-proxy\] I\d{4} \d\d:\d\d:\d\d\.\d{6} {7}1 server_linux\.go:\d+\] "Using iptables proxy"$/m);
  });
});

describe.skipIf(!bin)("podflow serve --no-addons", () => {
  it("leaves kube-system without pods", async () => {
    const s = await started({ addons: false });
    try {
      const r = await s.k(["get", "pods", "-n", "kube-system"]);
      expect(r.err.trim()).toBe("No resources found in kube-system namespace.");
      expect(readFileSync(s.file, "utf8")).toContain("server:");
    } finally {
      await s.stop();
    }
  });
});
