// Dual-stack and IPv6 clusters (kind's ipFamily dual and ipv6, `podflow serve --ip-family`) as the
// real kubectl shows them: the server's tables (printService's CLUSTER-IP is spec.clusterIPs[0],
// printPod's IP status.podIPs[0], printEndpointSlice one row per address type) and kubectl's own
// service describer (its "IP Family Policy", "IP Families", "IP" and "IPs" lines).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";
import { prefixContainsIP } from "../machines/common/servicecidr.js";

const bin = findKubectl();

const manifests = `apiVersion: apps/v1
kind: Deployment
metadata: {name: echo}
spec:
  replicas: 2
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      containers:
      - {name: agnhost, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec, --http-port=8080]}
---
apiVersion: v1
kind: Service
metadata: {name: dual}
spec:
  ipFamilyPolicy: PreferDualStack
  selector: {app: echo}
  ports: [{port: 80, targetPort: 8080}]
`;

const rows = (out: string) => out.trimEnd().split("\n").map((l) => l.trim().split(/\s{2,}/));

describe.skipIf(!bin)("a dual-stack cluster through kubectl (--ip-family dual)", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 60_000, ...(input !== undefined ? { input } : {}) });
  const json = async (args: string[]) => JSON.parse((await k([...args, "-o", "json"])).out);
  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10, ipFamily: "dual" });
    expect((await k(["apply", "-f", "-"], manifests)).code).toBe(0);
    expect((await k(["wait", "--for=condition=Available", "deployment/echo", "--timeout=60s"])).code).toBe(0);
    // both slices list both pods
    for (let i = 0; i < 60; i++) {
      const slices = (await json(["get", "endpointslices", "-l", "kubernetes.io/service-name=dual"])).items;
      if (slices.length === 2 && slices.every((x: any) => (x.endpoints ?? []).length === 2)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("get svc -o wide shows the IPv4 ClusterIP, the first of its clusterIPs", async () => {
    const svc = await json(["get", "svc", "dual"]);
    expect(svc.spec.ipFamilies).toEqual(["IPv4", "IPv6"]);
    expect(prefixContainsIP("10.96.0.0/16", svc.spec.clusterIPs[0])).toBe(true);
    expect(prefixContainsIP("fd00:10:96::/112", svc.spec.clusterIPs[1])).toBe(true);
    const [head, row] = rows((await k(["get", "svc", "dual", "-o", "wide"])).out);
    expect(head).toEqual(["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"]);
    expect([row![0], row![1], row![2], row![3], row![4], row![6]]).toEqual(["dual", "ClusterIP", svc.spec.clusterIPs[0], "<none>", "80/TCP", "app=echo"]);
  });

  it("get pods -o wide shows each pod's IPv4 address, the first of its podIPs", async () => {
    const pods = (await json(["get", "pods", "-l", "app=echo"])).items;
    expect(pods).toHaveLength(2);
    const table = rows((await k(["get", "pods", "-l", "app=echo", "-o", "wide"])).out);
    expect(table[0]).toEqual(["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"]);
    for (const p of pods) {
      expect(p.status.podIPs.map((x: any) => prefixContainsIP(x.ip.includes(":") ? "fd00:10:244::/56" : "10.244.0.0/16", x.ip) && (x.ip.includes(":") ? "IPv6" : "IPv4"))).toEqual(["IPv4", "IPv6"]);
      const row = table.find((r) => r[0] === p.metadata.name)!;
      expect([row[2], row[5], row[6]]).toEqual(["Running", p.status.podIPs[0].ip, p.spec.nodeName]);
    }
  });

  it("get endpointslices shows one slice per address type, each with the pods' addresses of its family", async () => {
    const pods = (await json(["get", "pods", "-l", "app=echo"])).items;
    const table = rows((await k(["get", "endpointslices", "-l", "kubernetes.io/service-name=dual"])).out);
    expect(table[0]).toEqual(["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]);
    const byType = new Map(table.slice(1).map((r) => [r[1], r]));
    expect([...byType.keys()].sort()).toEqual(["IPv4", "IPv6"]);
    for (const [i, family] of ["IPv4", "IPv6"].entries()) {
      const r = byType.get(family)!;
      expect(r[0]!.startsWith("dual-")).toBe(true);
      expect(r[2]).toBe("8080");
      expect(r[3]!.split(",").sort()).toEqual(pods.map((p: any) => p.status.podIPs[i].ip).sort());
    }
  });

  it("describe svc prints its policy, both families and both cluster IPs", async () => {
    const svc = await json(["get", "svc", "dual"]);
    const lines = (await k(["describe", "svc", "dual"])).out.split("\n");
    const line = (label: string) => lines.find((l) => l.startsWith(`${label}:`))?.slice(label.length + 1).trim();
    expect([line("IP Family Policy"), line("IP Families"), line("IP"), line("IPs")]).toEqual(["PreferDualStack", "IPv4,IPv6", svc.spec.clusterIPs[0], `${svc.spec.clusterIPs[0]},${svc.spec.clusterIPs[1]}`]);
  });
});

describe.skipIf(!bin)("an IPv6 cluster through kubectl (--ip-family ipv6)", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 60_000, ...(input !== undefined ? { input } : {}) });
  beforeAll(async () => {
    // real time: curl's connect waits 5 s of the cluster's clock for the API server's answer, made over real HTTPS
    s = await serve({ nodes: 1, speed: 1, ipFamily: "ipv6" });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("get nodes -o wide shows the node's IPv6 InternalIP; get svc the kubernetes Service at fd00:10:96::1", async () => {
    const nodes = rows((await k(["get", "nodes", "-o", "wide"])).out);
    expect([nodes[0]![5], nodes[1]![0], nodes[1]![5]]).toEqual(["INTERNAL-IP", "node-1", "fc00:f853:ccd:e793::2"]);
    const svc = rows((await k(["get", "svc", "kubernetes"])).out);
    expect(svc[1]!.slice(0, 5)).toEqual(["kubernetes", "ClusterIP", "fd00:10:96::1", "<none>", "443/TCP"]);
    const lines = (await k(["describe", "svc", "kubernetes"])).out.split("\n");
    expect(lines.filter((l) => /^(IP Family Policy|IP Families|IPs?|Endpoints):/.test(l)).map((l) => l.replace(/:\s+/, ": "))).toEqual([
      "IP Family Policy: SingleStack", "IP Families: IPv6", "IP: fd00:10:96::1", "IPs: fd00:10:96::1", "Endpoints: [fc00:f853:ccd:e793::2]:6443",
    ]);
    // the kubelet's --cluster-dns is kube-dns's IPv6 ClusterIP, the tenth address of the service subnet
    const configz = JSON.parse((await k(["get", "--raw", "/api/v1/nodes/node-1/proxy/configz"])).out);
    expect(configz.kubeletconfig.clusterDNS).toEqual(["fd00:10:96::a"]);
  });

  it("a pod reaches the API server through the kubernetes Service's IPv6 ClusterIP (kube-proxy to [fc00:f853:ccd:e793::2]:6443)", async () => {
    const sa = "/var/run/secrets/kubernetes.io/serviceaccount";
    const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: api-client}\nspec:\n  containers:\n  - {name: main, image: curlimages/curl:8.14.1, command: [sleep, \"3600\"]}\n";
    expect((await k(["apply", "-f", "-"], pod)).code).toBe(0);
    expect((await k(["wait", "--for=condition=Ready", "pod/api-client", "--timeout=60s"])).code).toBe(0);
    const r = await k(["exec", "api-client", "--", "sh", "-c", `curl -sS --cacert ${sa}/ca.crt -H "Authorization: Bearer $(cat ${sa}/token)" https://kubernetes.default.svc/api`]);
    expect(r.err).toBe("");
    expect(JSON.parse(r.out).kind).toBe("APIVersions");
    expect((await k(["get", "pod", "api-client", "-o", "jsonpath={.status.podIP}"])).out).toMatch(/^fd00:10:244::/);
  });
});
