import { describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { recentBackend, type ProxyRule } from "./kube-proxy.logic.js";

// A Service's sessionAffinity: ClientIP is kube-proxy's iptables `recent` match: each new connection
// from a client IP goes to the endpoint it went to last, while that is younger than
// sessionAffinityConfig.clientIP.timeoutSeconds (10800 by default). The conformance tests
// ("should have session affinity work for service with type clusterIP", test/e2e/network/service.go
// checkAffinity) send 15 requests from one pod and require one hostname in the answers.

const backends = (name: string) => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name },
  spec: {
    replicas: 3, selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "agnhost", image: "registry.k8s.io/e2e-test-images/agnhost:2.53", args: ["netexec", "--http-port=8080"] }] } },
  },
});
const service = (name: string, affinity: boolean) => ({
  apiVersion: "v1", kind: "Service", metadata: { name },
  spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }], ...(affinity ? { sessionAffinity: "ClientIP" } : {}) },
});
const client = (name: string, svc: string) => ({
  apiVersion: "v1", kind: "Pod", metadata: { name },
  spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", `for i in $(seq 15); do wget -qO- -T 2 http://${svc}/hostname; echo; done`] }] },
});

function logs(c: Cluster, pod: string): string[] {
  const uid = c.get("Pod", pod, "default")?.metadata.uid;
  const out: string[] = [];
  for (const n of c.list("Node")) {
    const cri = c.runtime.snapshot(`cri/${n.metadata.name}`)?.context;
    if (!cri) continue;
    for (const ctr of cri.containers.values()) if (cri.sandboxes.get(ctr.sandboxId)?.podUid === uid) out.push(...ctr.logs.toArray().map((l: { line: string }) => l.line));
  }
  return out.filter((l) => l !== "");
}

describe("ClientIP session affinity through kube-proxy's rules", () => {
  it("keeps a client on one backend for every connection, where a Service without affinity spreads them", async () => {
    const c = createCluster({ nodes: 2, seed: 5, addons: true });
    await c.apply([backends("sticky"), service("sticky", true), backends("spread"), service("spread", false)] as never);
    await c.settle();
    c.advance(30_000);
    await c.settle();
    await c.apply([client("to-sticky", "sticky"), client("to-spread", "spread")] as never);
    await c.settle();
    c.advance(60_000);
    await c.settle();
    const sticky = logs(c, "to-sticky");
    const spread = logs(c, "to-spread");
    expect(sticky).toHaveLength(15);
    expect(spread).toHaveLength(15);
    expect(new Set(sticky).size).toBe(1);
    expect(sticky[0]).toMatch(/^sticky-/);
    expect(new Set(spread).size).toBeGreaterThan(1);
  });
});

describe("recentBackend (the `recent --rcheck --seconds` match)", () => {
  const rule: ProxyRule = { service: "default/s", frontend: "10.96.0.9:80/TCP", kind: "ClusterIP", backends: ["10.244.1.2:8080"], trafficPolicy: "Cluster", sessionAffinity: { type: "ClientIP", timeoutSeconds: 10 } };
  it("answers the client's backend while the entry is no older than timeoutSeconds, nothing after", () => {
    const affinity = { k: { backend: "10.244.1.2:8080", at: 1_000 } };
    expect(recentBackend(affinity, "k", rule, 11_000)).toBe("10.244.1.2:8080");
    expect(recentBackend(affinity, "k", rule, 11_001)).toBeUndefined();
    expect(recentBackend(affinity, "other", rule, 1_000)).toBeUndefined();
    expect(recentBackend(affinity, "toString", rule, 1_000)).toBeUndefined();
  });
});
