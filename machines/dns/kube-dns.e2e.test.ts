// kube-system/kube-dns: the Service kubeadm's CoreDNS addon creates (kind installs it), at the
// service CIDR's tenth address, the nameserver of every ClusterFirst pod. Expected values are
// kubeadm's manifest (cmd/kubeadm/app/phases/addons/dns/manifests.go, CoreDNSService).

import { describe, it, expect } from "vitest";
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

describe("the kube-dns Service", () => {
  it("exists in kube-system at 10.96.0.10 with kubeadm's labels, ports and selector", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.settle();
    const svc = c.get("Service", "kube-dns", "kube-system");
    expect(svc.metadata.labels).toEqual({ "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" });
    expect(svc.metadata.annotations).toMatchObject({ "prometheus.io/port": "9153", "prometheus.io/scrape": "true" });
    expect([svc.spec.type, svc.spec.clusterIP, svc.spec.clusterIPs]).toEqual(["ClusterIP", "10.96.0.10", ["10.96.0.10"]]);
    expect(svc.spec.ports.map((p: any) => `${p.name} ${p.port}/${p.protocol} -> ${p.targetPort}`)).toEqual(["dns 53/UDP -> 53", "dns-tcp 53/TCP -> 53", "metrics 9153/TCP -> 9153"]);
    expect(svc.spec.selector).toEqual({ "k8s-app": "kube-dns" });
  });

  it("answers for its own name: nslookup kube-dns.kube-system.svc.cluster.local gives 10.96.0.10", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.apply({
      apiVersion: "v1", kind: "Pod", metadata: { name: "lookup" },
      spec: { restartPolicy: "Never", containers: [{ name: "client", image: "busybox:1.36", command: ["sh", "-c", "nslookup kube-dns.kube-system.svc.cluster.local"] }] },
    });
    await c.settle();
    c.advance(10_000);
    await c.settle();
    expect(c.get("Pod", "lookup", "default").status.phase).toBe("Succeeded");
    expect(logs(c, "lookup")).toEqual(["Server:\t\t10.96.0.10", "Address:\t10.96.0.10:53", "", "Name:\tkube-dns.kube-system.svc.cluster.local", "Address: 10.96.0.10", ""]);
  });

  it("a Service asking for 10.96.0.10 is refused: the address is taken", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.settle();
    const res = await c.request({ verb: "create", group: "", resource: "services", namespace: "default", body: { apiVersion: "v1", kind: "Service", metadata: { name: "dns2" }, spec: { clusterIP: "10.96.0.10", ports: [{ port: 53 }] } } });
    expect(res.ok).toBe(false);
    expect((res as any).status.message).toBe(`Service "dns2" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.10"]: failed to allocate IP 10.96.0.10: provided IP is already allocated`);
    expect(c.get("Service", "dns2", "default")).toBeUndefined();
  });

  it("with kubeadm's CoreDNS pods gone the Service has no endpoint: a pod's nslookup times out as busybox prints it, and resolves again once they are back", async () => {
    const c = createCluster({ nodes: 1, seed: 3, addons: true });
    await c.settle();
    const lookup = async (name: string) => {
      await c.apply({
        apiVersion: "v1", kind: "Pod", metadata: { name },
        spec: { restartPolicy: "Never", containers: [{ name: "client", image: "busybox:1.36", command: ["sh", "-c", "nslookup kubernetes.default"] }] },
      });
      await c.settle();
      c.advance(30_000);
      await c.settle();
      return [c.get("Pod", name, "default").status.phase, logs(c, name)];
    };
    const resolved = ["Server:\t\t10.96.0.10", "Address:\t10.96.0.10:53", "", "Name:\tkubernetes.default.svc.cluster.local", "Address: 10.96.0.1", ""];
    expect(await lookup("before")).toEqual(["Succeeded", resolved]);
    // kube-proxy rejects what is sent to a ClusterIP without a usable endpoint: no answer comes back
    const scale = (replicas: number) => c.request({ verb: "patch", group: "apps", resource: "deployments", namespace: "kube-system", name: "coredns", subresource: "scale", patchType: "merge", body: { spec: { replicas } } });
    expect((await scale(0)).ok).toBe(true);
    await c.settle();
    c.advance(40_000);
    await c.settle();
    expect(c.list("Pod", { namespace: "kube-system" }).filter((p) => p.metadata.labels?.["k8s-app"] === "kube-dns")).toEqual([]);
    expect(await lookup("without")).toEqual(["Failed", [";; connection timed out; no servers could be reached", ""]]);
    expect((await scale(2)).ok).toBe(true);
    await c.settle();
    c.advance(60_000);
    await c.settle();
    expect(await lookup("after")).toEqual(["Succeeded", resolved]);
    await c.stop();
  });
});
