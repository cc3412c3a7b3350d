// A Service's clusterIP as an IPv4-mapped IPv6 address: the REST parses it sloppily
// (netutils.ParseIPSloppy), so "::ffff:10.96.0.50" is 10.96.0.50 to the allocator: it is in the
// range, stored as written with a warning (GetWarningsForIP), taken from the range until the
// Service goes; a later Service cannot have 10.96.0.50 meanwhile (alloc.go allocIPs).

import { describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";

const service = (name: string, clusterIP: string) => ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { clusterIP, ports: [{ port: 80 }] } });

describe("a Service clusterIP written as an IPv4-mapped IPv6 address", () => {
  it("is allocated as the IPv4 address it names, stored as written, with kube's warning", async () => {
    const c = createCluster({ nodes: 1, seed: 4, clock: "simulated" });
    const create = (name: string, ip: string) => c.requestSync({ verb: "create", group: "", resource: "services", namespace: "default", body: service(name, ip) });
    const mapped = create("mapped", "::ffff:10.96.0.50");
    expect(mapped.ok && mapped.object.spec).toMatchObject({ clusterIP: "::ffff:10.96.0.50", clusterIPs: ["::ffff:10.96.0.50"], ipFamilies: ["IPv4"] });
    expect(mapped.ok && mapped.warnings).toEqual(['spec.clusterIPs[0]: non-standard IP address "::ffff:10.96.0.50" will be considered invalid in a future Kubernetes release: use "10.96.0.50"']);
    // the same address in its usual form is taken
    const plain = create("plain", "10.96.0.50");
    expect(!plain.ok && plain.status.message).toBe('Service "plain" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.50"]: failed to allocate IP 10.96.0.50: provided IP is already allocated');
    // once the mapped one is gone, its address is free again
    await c.delete("Service", "mapped");
    await c.settle();
    expect(create("plain", "10.96.0.50").ok).toBe(true);
  });

  it("names the raw address and the parsed one in the range error", () => {
    const c = createCluster({ nodes: 1, seed: 4, clock: "simulated" });
    const res = c.requestSync({ verb: "create", group: "", resource: "services", namespace: "default", body: service("out", "::ffff:10.0.0.5") });
    expect(!res.ok && res.status.message).toBe('Service "out" is invalid: spec.clusterIPs: Invalid value: ["::ffff:10.0.0.5"]: failed to allocate IP ::ffff:10.0.0.5: the provided network does not match the current range');
  });

  // kube-proxy (newBaseServiceInfo) and CoreDNS parse the stored address: the Service answers at 10.96.0.50
  it("is served at the IPv4 address it names: cluster DNS answers 10.96.0.50 and kube-proxy forwards it", async () => {
    const c = createCluster({ nodes: 1, seed: 4, clock: "simulated" });
    await c.apply([
      { apiVersion: "v1", kind: "Pod", metadata: { name: "web", labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }] }] } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "mapped" }, spec: { clusterIP: "::ffff:10.96.0.50", selector: { app: "web" }, ports: [{ port: 80 }] } },
    ]);
    await c.settle();
    c.advance(10_000);
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "fetch" }, spec: { restartPolicy: "Never", containers: [{ name: "client", image: "busybox:1.36", command: ["sh", "-c", "nslookup mapped; wget -qO- http://mapped"] }] } });
    await c.settle();
    c.advance(30_000);
    await c.settle();
    expect(c.get("Pod", "fetch").status.phase).toBe("Succeeded");
    const out = logs(c, "fetch", "client");
    expect(out.slice(3, 5)).toEqual(["Name:\tmapped.default.svc.cluster.local", "Address: 10.96.0.50"]);
    expect(out).toContain("<title>Welcome to nginx!</title>");
  });
});

/** Every line a container of a pod wrote, across the nodes' runtimes. */
function logs(c: Cluster, pod: string, container: string): string[] {
  const uid = c.get("Pod", pod, "default")?.metadata.uid;
  const out: string[] = [];
  for (const n of c.list("Node")) {
    const cri = c.runtime.snapshot(`cri/${n.metadata.name}`)?.context;
    if (!cri) continue;
    for (const ctr of cri.containers.values()) {
      if (ctr.name === container && cri.sandboxes.get(ctr.sandboxId)?.podUid === uid) out.push(...ctr.logs.toArray().map((l: { line: string }) => l.line));
    }
  }
  return out;
}
