// A probe's httpGet.host / tcpSocket.host (prober.go runProbe: the pod's IP only when empty): the
// kubelet dials that address, so the pod it names answers, not the probed container's own.
// Expectations from pkg/probe/http and pkg/probe/tcp: 2xx-3xx is a success; a refused dial is
// `Get "http://IP:PORT/path": dial tcp IP:PORT: connect: connection refused` (http.Client's error).

import { describe, it, expect } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const backend = (node: string) => `
apiVersion: v1
kind: Pod
metadata:
  name: backend
spec:
  nodeName: ${node}
  containers:
  - name: web
    image: nginx
    ports:
    - containerPort: 80
`;

/** A pod with no listener of its own whose readiness probe dials another address. */
const checker = (probe: string) => `
apiVersion: v1
kind: Pod
metadata:
  name: checker
spec:
  nodeName: node-1
  containers:
  - name: idle
    image: busybox
    command: ["sleep", "3600"]
    readinessProbe:
${probe}
      periodSeconds: 2
`;

/** The checker runs on node-1; the backend on `node` (node-2: the kubelet's dial crosses the data plane). */
async function run(probe: (ip: string) => string, node = "node-1"): Promise<{ ready: boolean; unhealthy: string[]; ip: string }> {
  const c = createCluster({ nodes: 2, seed: 28 });
  await c.apply(backend(node));
  await c.settle();
  const ip: string = c.get("Pod", "backend", "default").status.podIP;
  await c.apply(checker(probe(ip)));
  await c.settle();
  c.advance(10_000);
  await c.settle();
  const ready = c.get("Pod", "checker", "default").status.containerStatuses[0].ready === true;
  const unhealthy = c.events().filter((e: any) => e.reason === "Unhealthy").map((e: any) => e.message as string);
  return { ready, unhealthy, ip };
}

describe("probe host: the kubelet dials the address the probe names", () => {
  it("an httpGet readiness probe whose host is another pod's IP is answered by that pod's nginx: Ready", async () => {
    const r = await run((ip) => `      httpGet:\n        host: "${ip}"\n        port: 80\n        path: /`);
    expect(r.ready).toBe(true);
    expect(r.unhealthy).toEqual([]);
  });

  it("a tcpSocket readiness probe whose host is another pod's IP connects to its listener: Ready", async () => {
    const r = await run((ip) => `      tcpSocket:\n        host: "${ip}"\n        port: 80`);
    expect(r.ready).toBe(true);
  });

  it("an httpGet probe to a port nothing listens on at that host fails with the dial's connection refused", async () => {
    const r = await run((ip) => `      httpGet:\n        host: "${ip}"\n        port: 8080\n        path: /healthz`);
    expect(r.ready).toBe(false);
    expect(r.unhealthy[0]).toBe(`Readiness probe failed: Get "http://${r.ip}:8080/healthz": dial tcp ${r.ip}:8080: connect: connection refused`);
  });

  it("a tcpSocket probe to a port nothing listens on at that host fails with the dial's error", async () => {
    const r = await run((ip) => `      tcpSocket:\n        host: "${ip}"\n        port: 8080`);
    expect(r.ready).toBe(false);
    expect(r.unhealthy[0]).toBe(`Readiness probe failed: dial tcp ${r.ip}:8080: connect: connection refused`);
  });

  it("an httpGet probe whose host is a pod on another node is answered through the data plane: Ready", async () => {
    const r = await run((ip) => `      httpGet:\n        host: "${ip}"\n        port: 80\n        path: /`, "node-2");
    expect(r.ready).toBe(true);
    expect(r.unhealthy).toEqual([]);
  });

  it("an httpGet probe to a port nothing listens on at a pod on another node fails with connection refused", async () => {
    const r = await run((ip) => `      httpGet:\n        host: "${ip}"\n        port: 8080\n        path: /healthz`, "node-2");
    expect(r.ready).toBe(false);
    expect(r.unhealthy[0]).toBe(`Readiness probe failed: Get "http://${r.ip}:8080/healthz": dial tcp ${r.ip}:8080: connect: connection refused`);
  });

  it("a tcpSocket probe to a pod on another node connects to its listener: Ready", async () => {
    const r = await run((ip) => `      tcpSocket:\n        host: "${ip}"\n        port: 80`, "node-2");
    expect(r.ready).toBe(true);
  });
});
