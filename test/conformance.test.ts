// Kubernetes' conformance tests within podflow's scope (issue 23), each run through createCluster as
// the e2e test runs it; what they expect is what the e2e code checks (test/e2e/common/node,
// test/e2e/apps, test/e2e/network of Kubernetes v1.35), quoted beside each test.

import { describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../runtime/cluster.js";
import { containerLogs } from "../runtime/server/logs.js";

async function cluster(nodes = 1): Promise<Cluster> {
  const c = createCluster({ nodes, seed: 23 });
  await c.settle();
  return c;
}

/** The log of a pod's container (by index in status.containerStatuses), as kubectl logs prints it. */
async function logs(c: Cluster, name: string, ns = "default", i = 0): Promise<string> {
  const p = c.get("Pod", name, ns);
  const id = p.status.containerStatuses[i].containerID.replace(/^[a-z]+:\/\//, "");
  const lines = containerLogs(c as never, p.spec.nodeName, id);
  await c.settle();
  return (await lines).map((l) => l.line).join("\n");
}

function pod(name: string, script: string, spec: Record<string, unknown> = {}, container: Record<string, unknown> = {}) {
  return {
    apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" },
    spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", script], ...container }], ...spec },
  };
}

describe("Service environment variables (pods.go: should contain environment variables for services)", () => {
  it("a pod started after a Service gets its _SERVICE_HOST, _SERVICE_PORT and Docker-link variables; enableServiceLinks: false leaves only the kubernetes Service's", async () => {
    const c = await cluster();
    await c.apply([{ apiVersion: "v1", kind: "Service", metadata: { name: "fooservice", namespace: "default" }, spec: { selector: { name: "serverpod" }, ports: [{ port: 8765, targetPort: 8080 }] } }] as never);
    await c.settle();
    const ip = c.get("Service", "fooservice", "default").spec.clusterIP;
    await c.apply([pod("client-envvars", "env"), pod("no-links", "env", { enableServiceLinks: false })] as never);
    await c.settle();
    const env = (await logs(c, "client-envvars")).split("\n");
    for (const want of [`FOOSERVICE_SERVICE_HOST=${ip}`, "FOOSERVICE_SERVICE_PORT=8765", `FOOSERVICE_PORT=tcp://${ip}:8765`, "FOOSERVICE_PORT_8765_TCP_PORT=8765",
      "FOOSERVICE_PORT_8765_TCP_PROTO=tcp", `FOOSERVICE_PORT_8765_TCP=tcp://${ip}:8765`, `FOOSERVICE_PORT_8765_TCP_ADDR=${ip}`, "KUBERNETES_SERVICE_HOST=10.96.0.1"]) expect(env).toContain(want);
    const bare = (await logs(c, "no-links")).split("\n");
    expect(bare.filter((l) => l.startsWith("FOOSERVICE_"))).toEqual([]);
    expect(bare).toContain("KUBERNETES_SERVICE_PORT=443");
    await c.stop();
  });

  it("a Service created after the pod started adds nothing to it; a named port gets _SERVICE_PORT_<NAME>; dashes become underscores", async () => {
    const c = await cluster();
    await c.apply([{ apiVersion: "v1", kind: "Service", metadata: { name: "my-svc", namespace: "default" }, spec: { selector: { a: "b" }, ports: [{ name: "http-alt", port: 81, protocol: "UDP" }] } }] as never);
    await c.settle();
    await c.apply([pod("early", "sleep 5; env")] as never);
    await c.settle();
    await c.apply([{ apiVersion: "v1", kind: "Service", metadata: { name: "late", namespace: "default" }, spec: { selector: { a: "b" }, ports: [{ port: 80 }] } }] as never);
    c.advance(10_000);
    await c.settle();
    const ip = c.get("Service", "my-svc", "default").spec.clusterIP;
    const env = (await logs(c, "early")).split("\n");
    expect(env).toContain("MY_SVC_SERVICE_PORT_HTTP_ALT=81");
    expect(env).toContain(`MY_SVC_PORT_81_UDP=udp://${ip}:81`);
    expect(env.filter((l) => l.startsWith("LATE_"))).toEqual([]);
    await c.stop();
  });
});
