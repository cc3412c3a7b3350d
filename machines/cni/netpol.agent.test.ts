// kindnet's policy agent in a running cluster: no agent (and no message) until the first
// NetworkPolicy; then connections and DNS queries pass its filter. Expected outputs are the tools'
// own: busybox wget's "download timed out" (a dropped SYN), busybox nslookup's ";; connection timed
// out; no servers could be reached" (networking/nslookup.c, no reply from any server), busybox
// 1.28's bare "Address 1: 10.96.0.10" and "can't resolve" (the docs' dns-debugging-resolution page
// shows that output for an unreachable DNS), wget's "bad address" when the lookup gets no answer.

import { describe, expect, it } from "vitest";
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

async function run(c: Cluster, ms: number): Promise<void> {
  await c.settle();
  c.advance(ms);
  await c.settle();
}

const nginx = [
  { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "nginx" }, spec: { replicas: 1, selector: { matchLabels: { app: "nginx" } }, template: { metadata: { labels: { app: "nginx" } }, spec: { containers: [{ name: "nginx", image: "nginx" }] } } } },
  { apiVersion: "v1", kind: "Service", metadata: { name: "nginx" }, spec: { selector: { app: "nginx" }, ports: [{ port: 80 }] } },
];
const client = (name: string, labels: Record<string, string>, image: string, script: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, labels }, spec: { restartPolicy: "Never", containers: [{ name: "c", image, command: ["sh", "-c", script] }] } });

describe("kindnet's network policy agent", () => {
  it("is not there, and nothing passes through it, while no NetworkPolicy was ever written", async () => {
    const c = createCluster({ nodes: 2, seed: 3 });
    await c.apply(nginx);
    await c.apply(client("a", {}, "busybox", "sleep 2; wget --spider --timeout=1 nginx"));
    await run(c, 20_000);
    expect(c.runtime.has("kindnet")).toBe(false);
    expect(c.runtime.snapshot("kube-proxy")?.context.policyAgent).toBeUndefined();
    expect(logs(c, "a").slice(-1)).toEqual(["remote file exists"]);
    await c.stop();
  });

  it("default-deny-egress with DNS allowed to the kube-dns pods: names resolve, every other connection is dropped; without it the lookup itself times out", async () => {
    const c = createCluster({ nodes: 2, seed: 3, addons: true });
    await c.apply(nginx);
    await run(c, 10_000);
    // concepts/services-networking/network-policies: default-deny-egress, plus DNS for pods labelled dns=ok
    await c.apply({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "default-deny-egress" }, spec: { podSelector: {}, policyTypes: ["Egress"] } });
    await c.apply({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "allow-dns" }, spec: { podSelector: { matchLabels: { dns: "ok" } }, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }] }] } });
    await run(c, 3_000);
    const script = "sleep 2; nslookup nginx; wget --spider --timeout=1 nginx";
    await c.apply(client("denied", {}, "busybox", script));
    await c.apply(client("dns", { dns: "ok" }, "busybox", script));
    await c.apply(client("legacy", {}, "busybox:1.28", script));
    await run(c, 30_000);
    const ip = c.get("Service", "nginx", "default").spec.clusterIP;
    expect(logs(c, "denied")).toEqual([";; connection timed out; no servers could be reached", "", "wget: bad address 'nginx'"]);
    expect(logs(c, "dns")).toEqual(["Server:\t\t10.96.0.10", "Address:\t10.96.0.10:53", "", "Name:\tnginx.default.svc.cluster.local", `Address: ${ip}`, "", `Connecting to nginx (${ip}:80)`, "wget: download timed out"]);
    expect(logs(c, "legacy")).toEqual(["Server:    10.96.0.10", "Address 1: 10.96.0.10", "", "nslookup: can't resolve 'nginx'", "wget: bad address 'nginx'"]);
    await c.stop();
  });

  it("an egress rule to the nginx pods by podSelector, through the Service address (policies see the DNATed backend)", async () => {
    const c = createCluster({ nodes: 2, seed: 5, addons: true });
    await c.apply(nginx);
    // the same server under another label: answered unless a policy says otherwise
    await c.apply(JSON.parse(JSON.stringify(nginx).replaceAll("nginx\"", "other\"").replace('"image":"other"', '"image":"nginx"')));
    await run(c, 10_000);
    await c.apply({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "to-nginx" }, spec: { podSelector: { matchLabels: { run: "client" } }, policyTypes: ["Egress"], egress: [{ ports: [{ protocol: "UDP", port: 53 }] }, { to: [{ podSelector: { matchLabels: { app: "nginx" } } }], ports: [{ protocol: "TCP", port: 80 }] }] } });
    await run(c, 3_000);
    await c.apply(client("client", { run: "client" }, "busybox", "sleep 2; wget --spider --timeout=1 nginx; wget --spider --timeout=1 other"));
    await run(c, 30_000);
    const ip = c.get("Service", "nginx", "default").spec.clusterIP;
    const other = c.get("Service", "other", "default").spec.clusterIP;
    expect(c.list("Pod", { namespace: "default", labelSelector: "app=other" }).map((p) => p.status.phase)).toEqual(["Running"]);
    expect(logs(c, "client")).toEqual([`Connecting to nginx (${ip}:80)`, "remote file exists", `Connecting to other (${other}:80)`, "wget: download timed out"]);
    await c.stop();
  });
});
