// KubeletManagedEtcHosts ("should test kubelet managed /etc/hosts file", test/e2e/common/node/
// kubelet_etc_hosts.go) through the real kubectl against `podflow serve`, with the e2e test's two
// pods and its check: a container's /etc/hosts is kubelet-managed when it starts with "# Kubernetes-
// managed hosts file." and differs from the node's file (hostPath /etc/hosts, mounted at
// /etc/hosts-original). The kubelet (kubelet_pods.go makeMounts, ensureHostsFile) writes the managed
// file for a pod on the pod network, leaves a container that mounts its own /etc/hosts alone, and
// gives a host-network pod the node's file under the "(host network)" header.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { findKubectl, kubectl, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

// the e2e test's pods: agnhost containers, the node's /etc/hosts as a FileOrCreate hostPath
const volume = { name: "host-etc-hosts", hostPath: { path: "/etc/hosts", type: "FileOrCreate" } };
const original = { name: "host-etc-hosts", mountPath: "/etc/hosts-original" };
const agnhost = (name: string, volumeMounts: unknown[]) => ({ name, image: "registry.k8s.io/e2e-test-images/agnhost:2.53", volumeMounts });
const pods = [
  { apiVersion: "v1", kind: "Pod", metadata: { name: "test-pod" }, spec: { containers: [agnhost("busybox-1", [original]), agnhost("busybox-2", [original]), agnhost("busybox-3", [original, { name: "host-etc-hosts", mountPath: "/etc/hosts" }])], volumes: [volume] } },
  { apiVersion: "v1", kind: "Pod", metadata: { name: "test-host-network-pod" }, spec: { hostNetwork: true, securityContext: {}, containers: [agnhost("busybox-1", [original]), agnhost("busybox-2", [original])], volumes: [volume] } },
];

describe.skipIf(!bin)("KubeletManagedEtcHosts through kubectl exec", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const cat = async (pod: string, container: string, path: string) => {
    const r = await k(["exec", pod, "-c", container, "--", "cat", path]);
    expect(r.err).toBe("");
    return r.out;
  };
  /** assertManagedStatus's test: the managed header, and not the node's file. */
  const managed = async (pod: string, container: string) => {
    const [hosts, node] = [await cat(pod, container, "/etc/hosts"), await cat(pod, container, "/etc/hosts-original")];
    expect(hosts).not.toBe("");
    expect(node).not.toBe("");
    return { managed: hosts.startsWith("# Kubernetes-managed hosts file.") && hosts !== node, hosts, node };
  };

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    expect((await k(["apply", "-f", "-"], JSON.stringify({ apiVersion: "v1", kind: "List", items: pods }))).code).toBe(0);
    const ready = await until(async () => (await k(["get", "pods", "-o", "jsonpath={.items[*].status.phase}"])).out === "Running Running", 30_000);
    expect(ready).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await s.stop();
  });

  it("the pod on the pod network: busybox-1 and busybox-2 have the kubelet's file, busybox-3 (mounting /etc/hosts) the node's", async () => {
    for (const c of ["busybox-1", "busybox-2"]) {
      const r = await managed("test-pod", c);
      expect(r.managed).toBe(true);
    }
    const own = await managed("test-pod", "busybox-3");
    expect(own.managed).toBe(false);
    expect(own.hosts).toBe(own.node);
    // the node's file (a kind node's): localhost, then the node's InternalIP with its name
    const [node, ip] = (await k(["get", "nodes", "-o", "jsonpath={.items[0].metadata.name} {.items[0].status.addresses[?(@.type==\"InternalIP\")].address}"])).out.split(" ");
    expect(own.node).toBe(`127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${ip}\t${node}\n`);
  }, 60_000);

  it("the host-network pod: both containers have the node's file under the host-network header, which is not the managed one", async () => {
    for (const c of ["busybox-1", "busybox-2"]) {
      const r = await managed("test-host-network-pod", c);
      expect(r.managed).toBe(false);
      // ensureHostsFile with useHostNetwork: nodeHostsFileContent's header, then the node's file
      expect(r.hosts).toBe(`# Kubernetes-managed hosts file (host network).\n${r.node}`);
    }
  }, 60_000);
});
