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

describe("termination messages (runtime.go: Container Runtime blackbox test on terminated container)", () => {
  it("the four conformance cases: a non-root container's custom path; the log tail on failure only; the file wins on success", async () => {
    const c = await cluster();
    await c.apply([
      // should report termination message if TerminationMessagePath is set as non-root user and at a non-default path
      pod("custom-path", "/bin/echo -n DONE > /dev/termination-custom-log", { securityContext: { runAsUser: 1000 } }, { terminationMessagePath: "/dev/termination-custom-log" }),
      // should report termination message from log output if TerminationMessagePolicy FallbackToLogsOnError is set
      pod("fallback-failed", "/bin/echo -n DONE; /bin/false", {}, { terminationMessagePolicy: "FallbackToLogsOnError" }),
      // should report termination message as empty when pod succeeds and TerminationMessagePolicy FallbackToLogsOnError is set
      pod("fallback-succeeded", "/bin/echo -n OK", {}, { terminationMessagePolicy: "FallbackToLogsOnError" }),
      // should report termination message from file when pod succeeds and TerminationMessagePolicy FallbackToLogsOnError is set
      pod("file-succeeded", "/bin/echo -n OK > /dev/termination-log", {}, { terminationMessagePolicy: "FallbackToLogsOnError" }),
      // a path in a directory the image does not have: the kubelet's bind mount makes it
      pod("deep-path", "echo bye > /var/run/app/term", {}, { terminationMessagePath: "/var/run/app/term" }),
    ] as never);
    await c.settle();
    const term = (name: string) => {
      const p = c.get("Pod", name, "default");
      return { phase: p.status.phase, message: p.status.containerStatuses[0].state.terminated?.message };
    };
    expect(term("custom-path")).toEqual({ phase: "Succeeded", message: "DONE" });
    expect(term("fallback-failed")).toEqual({ phase: "Failed", message: "DONE" });
    expect(term("fallback-succeeded")).toEqual({ phase: "Succeeded", message: undefined });
    expect(term("file-succeeded")).toEqual({ phase: "Succeeded", message: "OK" });
    expect(term("deep-path")).toEqual({ phase: "Succeeded", message: "bye\n" });
    await c.stop();
  });

  it("the file keeps its last 4096 bytes; the log fallback its last 80 lines within 2048 bytes", async () => {
    const c = await cluster();
    await c.apply([
      pod("big-file", "i=0; while [ $i -lt 500 ]; do echo -n 0123456789 >> /dev/termination-log; i=$((i+1)); done; echo -n END >> /dev/termination-log"),
      pod("many-lines", "i=0; while [ $i -lt 100 ]; do echo line$i; i=$((i+1)); done; exit 3", {}, { terminationMessagePolicy: "FallbackToLogsOnError" }),
    ] as never);
    await c.settle();
    const big = c.get("Pod", "big-file", "default").status.containerStatuses[0].state.terminated.message as string;
    expect(big.length).toBe(4096);
    expect(big.endsWith("789END")).toBe(true);
    const lines = (c.get("Pod", "many-lines", "default").status.containerStatuses[0].state.terminated.message as string).split("\n");
    expect(lines.length).toBe(80);
    expect([lines[0], lines[79]]).toEqual(["line20", "line99"]);
    await c.stop();
  });
});

describe("/etc/hosts managed by the kubelet (kubelet_etc_hosts.go) and the pod's hostname", () => {
  it("each container's /etc/hosts is the kubelet's: the pod IP with its hostname, then the hostAliases (HostAliases conformance test)", async () => {
    const c = await cluster();
    await c.apply([pod("hosts", "cat /etc/hosts", { hostAliases: [{ ip: "123.45.67.89", hostnames: ["foo.remote", "bar.remote"] }] })] as never);
    await c.settle();
    const ip = c.get("Pod", "hosts", "default").status.podIP;
    expect(await logs(c, "hosts")).toBe([
      "# Kubernetes-managed hosts file.", "127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback", "fe00::0\tip6-localnet",
      "fe00::0\tip6-mcastprefix", "fe00::1\tip6-allnodes", "fe00::2\tip6-allrouters", `${ip}\thosts`, "", "# Entries added by HostAliases.", "123.45.67.89\tfoo.remote\tbar.remote",
    ].join("\n"));
    await c.stop();
  });

  it("spec.hostname and spec.subdomain: hostname, HOSTNAME and the runtime's /etc/hostname are the hostname (the FQDN with setHostnameAsFQDN), /etc/hosts has the FQDN; a container mounting /etc/hosts keeps its own", async () => {
    const c = await cluster();
    await c.apply([
      pod("named", "hostname; echo $HOSTNAME; cat /etc/hostname; grep named-host /etc/hosts", { hostname: "named-host", subdomain: "sub" }),
      pod("fqdn", "echo $HOSTNAME; cat /etc/hostname", { hostname: "h", subdomain: "sub", setHostnameAsFQDN: true }),
      pod("own-hosts", "cat /etc/hosts", { volumes: [{ name: "h", emptyDir: {} }] }, { volumeMounts: [{ name: "h", mountPath: "/etc/hosts" }] }),
    ] as never);
    await c.settle();
    const ip = c.get("Pod", "named", "default").status.podIP;
    expect(await logs(c, "named")).toBe(`named-host\nnamed-host\nnamed-host\n${ip}\tnamed-host.sub.default.svc.cluster.local\tnamed-host`);
    expect(await logs(c, "fqdn")).toBe("h.sub.default.svc.cluster.local\nh.sub.default.svc.cluster.local");
    expect(await logs(c, "own-hosts")).not.toContain("Kubernetes-managed");
    await c.stop();
  });
});

describe("host-network pods (kubelet_pods.go generateAPIPodStatus; KubeletManagedEtcHosts)", () => {
  it("a host-network pod has its node's IP and hostname and the node's hosts file, takes no pod-network address, and a Service reaches it at the node's IP", async () => {
    const c = await cluster();
    await c.apply([
      { apiVersion: "v1", kind: "Pod", metadata: { name: "hostnet", namespace: "default", labels: { app: "hostnet" } }, spec: { hostNetwork: true, containers: [{ name: "web", image: "nginx", ports: [{ containerPort: 80 }] }] } },
      { apiVersion: "v1", kind: "Service", metadata: { name: "hostnet", namespace: "default" }, spec: { selector: { app: "hostnet" }, ports: [{ port: 80 }] } },
      pod("whoami", "hostname; echo $HOSTNAME; cat /etc/hostname; cat /etc/hosts", { hostNetwork: true }),
    ] as never);
    await c.settle();
    const node = c.get("Node", "node-1");
    const nodeIP = node.status.addresses.find((a: { type: string }) => a.type === "InternalIP").address;
    const hn = c.get("Pod", "hostnet", "default");
    expect(hn.status.phase).toBe("Running");
    expect({ podIP: hn.status.podIP, podIPs: hn.status.podIPs, hostIP: hn.status.hostIP }).toEqual({ podIP: nodeIP, podIPs: [{ ip: nodeIP }], hostIP: nodeIP });
    // defaulting: with hostNetwork the host port is the container port
    expect(hn.spec.containers[0].ports[0].hostPort).toBe(80);
    expect(await logs(c, "whoami")).toBe(["node-1", "node-1", "node-1", "# Kubernetes-managed hosts file (host network).", "127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback", `${nodeIP}\tnode-1`].join("\n"));
    // The pod network's first address is still free: host-network pods never go through CNI.
    await c.apply([pod("client", "wget -qO- http://hostnet.default.svc.cluster.local")] as never);
    await c.settle();
    const first = node.spec.podCIDR.replace(/\.0\/24$/, ".2");
    expect(c.get("Pod", "client", "default").status.podIP).toBe(first);
    expect(await logs(c, "client")).toContain("Welcome to nginx!");
    const slice = c.list("EndpointSlice", { namespace: "default" }).find((s: { metadata: { labels?: Record<string, string> } }) => s.metadata.labels?.["kubernetes.io/service-name"] === "hostnet");
    expect(slice.endpoints.map((e: { addresses: string[] }) => e.addresses[0])).toEqual([nodeIP]);
    await c.stop();
  });
});

describe("the pod's /etc/resolv.conf (dns.go GetPodDNS; DNS should support configurable pod DNS nameservers)", () => {
  it("ClusterFirst gets cluster DNS with the namespace's search list; None takes dnsConfig alone; a host-network pod gets the node's resolver unless ClusterFirstWithHostNet", async () => {
    const c = await cluster();
    await c.apply([
      pod("first", "cat /etc/resolv.conf"),
      pod("none", "cat /etc/resolv.conf", { dnsPolicy: "None", dnsConfig: { nameservers: ["1.1.1.1"], searches: ["resolv.conf.local"], options: [{ name: "ndots", value: "2" }, { name: "edns0" }] } }),
      pod("merged", "cat /etc/resolv.conf", { dnsConfig: { nameservers: ["192.0.2.1"], searches: ["my.dns.search.suffix"], options: [{ name: "ndots", value: "2" }, { name: "edns0" }] } }),
      pod("hostnet", "cat /etc/resolv.conf; nslookup kubernetes.default", { hostNetwork: true }),
      pod("hostnet-cluster", "nslookup kubernetes.default", { hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" }),
    ] as never);
    await c.settle();
    expect(await logs(c, "first")).toBe("search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5");
    expect(await logs(c, "none")).toBe("search resolv.conf.local\nnameserver 1.1.1.1\noptions ndots:2 edns0");
    expect(await logs(c, "merged")).toBe("search default.svc.cluster.local svc.cluster.local cluster.local my.dns.search.suffix\nnameserver 10.96.0.10\nnameserver 192.0.2.1\noptions ndots:2 edns0");
    const hostnet = await logs(c, "hostnet");
    expect(hostnet.split("\n")[0]).toBe("nameserver 172.18.0.1");
    expect(hostnet).toContain("can't find kubernetes.default");
    expect(await logs(c, "hostnet-cluster")).toContain("Address: 10.96.0.1");
    await c.stop();
  });
});

describe("activeDeadlineSeconds (pods.go: should allow activeDeadlineSeconds to be updated)", () => {
  it("a pod created with activeDeadlineSeconds: 5 runs 5 s from its startTime, then is Failed with DeadlineExceeded and its containers are stopped", async () => {
    const c = await cluster();
    await c.apply([pod("deadline", "sleep 600", { activeDeadlineSeconds: 5 })] as never);
    await c.settle();
    const start = Date.parse(c.get("Pod", "deadline", "default").status.startTime);
    c.advance(4_000);
    await c.settle();
    expect(c.get("Pod", "deadline", "default").status.phase).toBe("Running");
    c.advance(2_000);
    await c.settle();
    const p = c.get("Pod", "deadline", "default");
    expect({ phase: p.status.phase, reason: p.status.reason, message: p.status.message }).toEqual({ phase: "Failed", reason: "DeadlineExceeded", message: "Pod was active on the node longer than the specified deadline" });
    expect(p.status.containerStatuses[0].state.terminated).toBeDefined();
    const ev = c.events().find((e) => e.reason === "DeadlineExceeded");
    expect(ev && Date.parse(ev.firstTimestamp ?? ev.eventTime) - start).toBeGreaterThanOrEqual(5_000);
    await c.stop();
  });

  it("setting activeDeadlineSeconds on a running pod fails it once the deadline (from startTime) passes; one without it keeps running", async () => {
    const c = await cluster();
    await c.apply([pod("pod-update-activedeadlineseconds", "sleep 600"), pod("plain", "sleep 600")] as never);
    await c.settle();
    c.advance(30_000);
    await c.settle();
    const running = c.get("Pod", "pod-update-activedeadlineseconds", "default");
    expect(running.status.phase).toBe("Running");
    // The pod started 30 s ago: a 40 s deadline leaves it 10 s more.
    await c.apply([{ ...running, spec: { ...running.spec, activeDeadlineSeconds: 40 } }] as never);
    await c.settle();
    c.advance(8_000);
    await c.settle();
    expect(c.get("Pod", "pod-update-activedeadlineseconds", "default").status.phase).toBe("Running");
    c.advance(3_000);
    await c.settle();
    const p = c.get("Pod", "pod-update-activedeadlineseconds", "default");
    expect([p.status.phase, p.status.reason]).toEqual(["Failed", "DeadlineExceeded"]);
    expect(c.get("Pod", "plain", "default").status.phase).toBe("Running");
    await c.stop();
  });
});

describe("the default/kubernetes Service's endpoints (endpointslice.go: should have Endpoints and EndpointSlices pointing to API Server)", () => {
  it("Endpoints with a subset and an EndpointSlice labelled kubernetes.io/service-name=kubernetes, with the same addresses and port", async () => {
    const c = await cluster();
    expect(c.get("Service", "kubernetes", "default")).toBeDefined();
    const ep = c.get("Endpoints", "kubernetes", "default");
    expect(ep.subsets.length).toBeGreaterThan(0);
    const slices = c.list("EndpointSlice", { namespace: "default", labelSelector: "kubernetes.io/service-name=kubernetes" } as never);
    expect(slices.length).toBe(1);
    // endpointSlicesEqual: the same addresses, and the same port numbers
    const fromEndpoints = ep.subsets.flatMap((s: any) => s.addresses.map((a: any) => a.ip)).sort();
    const fromSlices = slices.flatMap((s: any) => s.endpoints.flatMap((e: any) => e.addresses)).sort();
    expect(fromSlices).toEqual(fromEndpoints);
    expect(slices[0].ports.map((p: any) => p.port)).toEqual(ep.subsets[0].ports.map((p: any) => p.port));
    expect(ep.subsets[0].ports).toEqual([{ name: "https", port: 6443, protocol: "TCP" }]);
    // the controllers leave them alone: after a while they are as the reconciler wrote them
    c.advance(60_000);
    await c.settle();
    expect(c.get("Endpoints", "kubernetes", "default").subsets).toEqual(ep.subsets);
    expect(c.list("EndpointSlice", { namespace: "default" } as never).map((s: any) => s.metadata.name)).toEqual(["kubernetes"]);
    await c.stop();
  });
});

describe("Service type changes (service.go: should be able to change the type from ClusterIP/NodePort to ExternalName and back)", () => {
  const update = (c: Cluster, svc: any) => c.request({ verb: "update", group: "", resource: "services", namespace: "default", name: svc.metadata.name, body: svc });

  it("ClusterIP to ExternalName: the update keeps the read clusterIP(s), ipFamilies and ipFamilyPolicy, and the strategy drops them; the address is free again", async () => {
    const c = await cluster();
    await c.apply([{ apiVersion: "v1", kind: "Service", metadata: { name: "clusterip-service", namespace: "default" }, spec: { selector: { a: "b" }, ports: [{ port: 80, targetPort: 80 }] } }] as never);
    await c.settle();
    const svc = c.get("Service", "clusterip-service", "default");
    const ip = svc.spec.clusterIP;
    const r = await update(c, { ...svc, spec: { ...svc.spec, type: "ExternalName", externalName: "externalsvc.default.svc.cluster.local" } });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const got = c.get("Service", "clusterip-service", "default").spec;
    expect([got.type, got.externalName, got.clusterIP, got.clusterIPs, got.ipFamilies, got.ipFamilyPolicy]).toEqual(["ExternalName", "externalsvc.default.svc.cluster.local", undefined, undefined, undefined, undefined]);
    // The released address can be asked for again.
    const again = await c.request({ verb: "create", group: "", resource: "services", namespace: "default", body: { apiVersion: "v1", kind: "Service", metadata: { name: "reuse" }, spec: { clusterIP: ip, ports: [{ port: 80 }] } } });
    expect(again.ok, JSON.stringify(again)).toBe(true);
    await c.stop();
  });

  it("NodePort to ExternalName drops the node ports and externalTrafficPolicy; ExternalName to ClusterIP allocates an address", async () => {
    const c = await cluster();
    await c.apply([{ apiVersion: "v1", kind: "Service", metadata: { name: "nodeport-service", namespace: "default" }, spec: { type: "NodePort", selector: { a: "b" }, ports: [{ port: 80 }] } }] as never);
    await c.settle();
    const svc = c.get("Service", "nodeport-service", "default");
    expect(svc.spec.ports[0].nodePort).toBeGreaterThan(0);
    expect((await update(c, { ...svc, spec: { ...svc.spec, type: "ExternalName", externalName: "example.com" } })).ok).toBe(true);
    const ext = c.get("Service", "nodeport-service", "default");
    expect([ext.spec.ports[0].nodePort, ext.spec.externalTrafficPolicy, ext.spec.clusterIP]).toEqual([undefined, undefined, undefined]);
    const back = await update(c, { ...ext, spec: { ...ext.spec, type: "ClusterIP", externalName: undefined } });
    expect(back.ok, JSON.stringify(back)).toBe(true);
    const cip = c.get("Service", "nodeport-service", "default").spec;
    expect(cip.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\./); // in the service CIDR 10.96.0.0/12
    expect([cip.ipFamilies, cip.ipFamilyPolicy]).toEqual([["IPv4"], "SingleStack"]);
    await c.stop();
  });
});

describe("Deployments (apps/deployment.go): adoption, revisionHistoryLimit clean-up, rollover", () => {
  const agnhost = "registry.k8s.io/e2e-test-images/agnhost:2.53";
  const rs = (name: string, labels: Record<string, string>, annotations: Record<string, string> = {}) => ({
    apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name, namespace: "default", labels, annotations },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: "httpd", image: "httpd:2.4.38-alpine" }] } } },
  });
  const deployment = (name: string, labels: Record<string, string>, image: string, spec: Record<string, unknown> = {}) => ({
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: "default" },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: "agnhost", image }] } }, strategy: { type: "RollingUpdate" }, ...spec },
  });
  const owned = (c: Cluster, d: string) => {
    const uid = c.get("Deployment", d, "default").metadata.uid;
    return c.list("ReplicaSet", { namespace: "default" }).filter((x: any) => x.metadata.ownerReferences?.some((o: any) => o.uid === uid && o.controller));
  };
  const revision = (o: any) => o.metadata.annotations?.["deployment.kubernetes.io/revision"];

  it("RollingUpdateDeployment should delete old pods and create new ones: the matching ReplicaSet is adopted as the old one, the new one is its revision + 1", async () => {
    const c = await cluster(2);
    await c.apply([rs("test-rolling-update-controller", { name: "sample-pod", pod: "httpd" }, { "deployment.kubernetes.io/revision": "3546343826724305832" })] as never);
    await c.settle();
    await c.apply([deployment("test-rolling-update-deployment", { name: "sample-pod" }, agnhost)] as never);
    await c.settle();
    const d = c.get("Deployment", "test-rolling-update-deployment", "default");
    expect(revision(d)).toBe("3546343826724305833");
    expect([d.status.replicas, d.status.updatedReplicas, d.status.availableReplicas]).toEqual([1, 1, 1]);
    const rss = owned(c, "test-rolling-update-deployment");
    const old = rss.filter((x: any) => x.spec.template.spec.containers[0].image !== agnhost);
    expect(old.map((x: any) => [x.metadata.name, x.spec.replicas])).toEqual([["test-rolling-update-controller", 0]]);
    const pods = c.list("Pod", { namespace: "default", labelSelector: "name=sample-pod" }).filter((p: any) => !p.metadata.deletionTimestamp);
    expect(pods.map((p: any) => p.spec.containers[0].image)).toEqual([agnhost]);
    await c.stop();
  });

  it("deployment should delete old replica sets: revisionHistoryLimit 0 removes the adopted ReplicaSet once it is scaled down", async () => {
    const c = await cluster(2);
    await c.apply([rs("test-cleanup-controller", { name: "cleanup-pod", pod: "httpd" })] as never);
    await c.settle();
    await c.apply([deployment("test-cleanup-deployment", { name: "cleanup-pod" }, agnhost, { revisionHistoryLimit: 0 })] as never);
    await c.settle();
    c.advance(5_000);
    await c.settle();
    expect(c.get("ReplicaSet", "test-cleanup-controller", "default")).toBeUndefined();
    expect(owned(c, "test-cleanup-deployment").length).toBe(1);
    await c.stop();
  });

  it("deployment should support rollover: an image change mid-rollout scales the adopted and the stuck ReplicaSets to 0 and completes on revision 2", async () => {
    const c = await cluster(2);
    await c.apply([rs("test-rollover-controller", { name: "rollover-pod", pod: "httpd" })] as never);
    await c.settle();
    // The e2e test's gb-redisslave:nonexistent never pulls: a tag the catalogue does not list fails the same way.
    const stuck = deployment("test-rollover-deployment", { name: "rollover-pod" }, "redis:nonexistent", {
      minReadySeconds: 10, strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
    });
    await c.apply([stuck] as never);
    await c.settle();
    const mid = c.get("Deployment", "test-rollover-deployment", "default");
    expect(mid.status.updatedReplicas).toBe(1);
    expect(mid.status.availableReplicas).toBe(1); // the adopted ReplicaSet's pod still serves
    await c.apply([{ ...mid, spec: { ...mid.spec, template: { ...mid.spec.template, spec: { containers: [{ name: "agnhost", image: agnhost }] } } } }] as never);
    await c.settle();
    c.advance(15_000);
    await c.settle();
    const d = c.get("Deployment", "test-rollover-deployment", "default");
    expect(revision(d)).toBe("2");
    expect([d.status.replicas, d.status.updatedReplicas, d.status.availableReplicas]).toEqual([1, 1, 1]);
    const byImage = new Map(owned(c, "test-rollover-deployment").map((x: any) => [x.spec.template.spec.containers[0].image, x.spec.replicas]));
    expect(Object.fromEntries(byImage)).toEqual({ "httpd:2.4.38-alpine": 0, "redis:nonexistent": 0, [agnhost]: 1 });
    await c.stop();
  });
});

describe("NoExecute taints with tolerationSeconds (node/taints.go: NoExecuteTaintManager Multiple Pods)", () => {
  const taint = { key: "kubernetes.io/e2e-evict-taint-key", value: "evictTaintVal", effect: "NoExecute" };
  const tolerating = (name: string, seconds: number) => ({
    apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" },
    spec: { tolerations: [{ key: taint.key, operator: "Equal", value: taint.value, effect: "NoExecute", tolerationSeconds: seconds }], containers: [{ name: "pause", image: "registry.k8s.io/pause:3.10" }] },
  });
  async function setTaints(c: Cluster, taints: unknown[]): Promise<number> {
    const node = c.get("Node", "node-1");
    const r = await c.request({ verb: "update", group: "", resource: "nodes", name: "node-1", body: { ...node, spec: { ...node.spec, taints } } });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    return c.now();
  }
  const evictedAt = (c: Cluster, name: string) => {
    const ev = c.events().find((e) => e.involvedObject.name === name && e.reason === "TaintManagerEviction" && e.message.startsWith("Marking for deletion"));
    return ev ? Date.parse(ev.lastTimestamp) : undefined;
  };

  it("evicts pods with minTolerationSeconds: each pod is deleted when its own tolerationSeconds (5 s, 25 s) ran out", async () => {
    const c = await cluster();
    await c.apply([tolerating("taint-eviction-b1", 5), tolerating("taint-eviction-b2", 25)] as never);
    await c.settle();
    const tainted = await setTaints(c, [taint]);
    c.advance(3_000);
    await c.settle();
    expect(evictedAt(c, "taint-eviction-b1")).toBeUndefined();
    c.advance(40_000);
    await c.settle();
    // Event times are whole seconds.
    expect(evictedAt(c, "taint-eviction-b1")! - Math.floor(tainted / 1000) * 1000).toBe(5_000);
    expect(evictedAt(c, "taint-eviction-b2")! - Math.floor(tainted / 1000) * 1000).toBe(25_000);
    expect(c.get("Pod", "taint-eviction-b1", "default")).toBeUndefined();
    expect(c.get("Pod", "taint-eviction-b2", "default")).toBeUndefined();
    await c.stop();
  });

  it("removing taint cancels eviction: the pod tolerating it for 130 s outlives the taint removed after 60 s", async () => {
    const c = await cluster();
    await c.apply([tolerating("taint-eviction-4", 130)] as never);
    await c.settle();
    await setTaints(c, [taint]);
    c.advance(60_000);
    await c.settle();
    await setTaints(c, []);
    await c.settle();
    c.advance(200_000);
    await c.settle();
    const p = c.get("Pod", "taint-eviction-4", "default");
    expect([p?.status.phase, p?.metadata.deletionTimestamp]).toEqual(["Running", undefined]);
    expect(evictedAt(c, "taint-eviction-4")).toBeUndefined();
    expect(c.events().some((e) => e.involvedObject.name === "taint-eviction-4" && e.message === "Cancelling deletion of Pod default/taint-eviction-4")).toBe(true);
    await c.stop();
  });
});

describe("init containers with /bin/true and /bin/false (init_container.go)", () => {
  const initPod = (name: string, inits: string[][]) => ({
    apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" },
    spec: { restartPolicy: "Never", initContainers: inits.map((command, i) => ({ name: `init${i + 1}`, image: "busybox:1.36", command })), containers: [{ name: "run1", image: "busybox:1.36", command: ["/bin/true"] }] },
  });

  it("should invoke init containers on a RestartNever pod: both inits and the app run and exit 0, the pod Succeeds", async () => {
    const c = await cluster();
    await c.apply([initPod("pod-init-ok", [["/bin/true"], ["/bin/true"]])] as never);
    await c.settle();
    const p = c.get("Pod", "pod-init-ok", "default");
    expect(p.status.phase).toBe("Succeeded");
    expect(p.status.initContainerStatuses.map((s: any) => [s.name, s.state.terminated?.exitCode, s.state.terminated?.reason])).toEqual([["init1", 0, "Completed"], ["init2", 0, "Completed"]]);
    expect(p.status.containerStatuses[0].state.terminated.exitCode).toBe(0);
    await c.stop();
  });

  it("should not start app containers and fail the pod if init containers fail on a RestartNever pod", async () => {
    const c = await cluster();
    await c.apply([initPod("pod-init-fail", [["/bin/true"], ["/bin/false"]])] as never);
    await c.settle();
    const p = c.get("Pod", "pod-init-fail", "default");
    expect(p.status.phase).toBe("Failed");
    expect(p.status.initContainerStatuses[1].state.terminated.exitCode).toBe(1);
    expect(p.status.containerStatuses[0].state.waiting?.reason ?? p.status.containerStatuses[0].state.terminated?.reason).toBeDefined();
    expect(p.status.containerStatuses[0].state.running).toBeUndefined();
    await c.stop();
  });
});

describe("init containers on a RestartAlways pod (init_container.go)", () => {
  const alwaysPod = (name: string, inits: string[][]) => ({
    apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" },
    spec: { initContainers: inits.map((command, i) => ({ name: `init${i + 1}`, image: "busybox:1.36", command })), containers: [{ name: "run1", image: "registry.k8s.io/pause:3.10" }] },
  });

  it("should invoke init containers on a RestartAlways pod: inits complete, the app container runs, the pod is Running", async () => {
    const c = await cluster();
    await c.apply([alwaysPod("pod-init-always", [["/bin/true"], ["/bin/true"]])] as never);
    await c.settle();
    const p = c.get("Pod", "pod-init-always", "default");
    expect(p.status.phase).toBe("Running");
    expect(p.status.initContainerStatuses.map((s: any) => s.state.terminated?.reason)).toEqual(["Completed", "Completed"]);
    expect(p.status.containerStatuses[0].state.running).toBeDefined();
    await c.stop();
  });

  it("should not start app containers if init containers fail on a RestartAlways pod: init1 restarts with back-off, init2 and run1 never start", async () => {
    const c = await cluster();
    await c.apply([alwaysPod("pod-init-always-fail", [["/bin/false"], ["/bin/true"]])] as never);
    await c.settle();
    c.advance(60_000);
    await c.settle();
    const p = c.get("Pod", "pod-init-always-fail", "default");
    expect(p.status.phase).toBe("Pending");
    expect(p.status.initContainerStatuses[0].restartCount).toBeGreaterThanOrEqual(3);
    expect(p.status.initContainerStatuses[1].state.waiting?.reason).toBe("PodInitializing");
    expect(p.status.containerStatuses[0].state.waiting?.reason).toBe("PodInitializing");
    await c.stop();
  });
});

describe("downward API resourceFieldRef in env (downwardapi.go)", () => {
  it("should provide container's limits.cpu/memory and requests.cpu/memory as env vars; without limits, the node's allocatable", async () => {
    const c = await cluster();
    const env = (pairs: Array<[string, string, string?]>) => pairs.map(([name, resource, divisor]) => ({ name, valueFrom: { resourceFieldRef: { resource, ...(divisor ? { divisor } : {}) } } }));
    await c.apply([
      pod("downward-api-limits", "env", {}, {
        resources: { requests: { cpu: "250m", memory: "32Mi" }, limits: { cpu: "1250m", memory: "64Mi" } },
        env: env([["CPU_LIMIT", "limits.cpu"], ["MEMORY_LIMIT", "limits.memory"], ["CPU_REQUEST", "requests.cpu"], ["MEMORY_REQUEST", "requests.memory"], ["MEMORY_LIMIT_MI", "limits.memory", "1Mi"], ["CPU_REQUEST_M", "requests.cpu", "1m"]]),
      }),
      pod("downward-api-default", "env", {}, { env: env([["CPU_LIMIT", "limits.cpu"], ["MEMORY_LIMIT", "limits.memory"]]) }),
    ] as never);
    await c.settle();
    const got = (await logs(c, "downward-api-limits")).split("\n");
    for (const want of ["CPU_LIMIT=2", "MEMORY_LIMIT=67108864", "CPU_REQUEST=1", "MEMORY_REQUEST=33554432", "MEMORY_LIMIT_MI=64", "CPU_REQUEST_M=250"]) expect(got).toContain(want);
    const dflt = (await logs(c, "downward-api-default")).split("\n");
    expect(dflt.find((l) => l.startsWith("CPU_LIMIT="))).toMatch(/^CPU_LIMIT=[1-9]/);
    expect(dflt.find((l) => l.startsWith("MEMORY_LIMIT="))).toMatch(/^MEMORY_LIMIT=[1-9]/);
    await c.stop();
  });
});

describe("Container Lifecycle Hook: a postStart httpGet hook (handlers.go runHTTPHandler; lifecycle_hook.go)", () => {
  // the e2e test's server: agnhost netexec on 8080, which logs each /echo request
  const handler = { apiVersion: "v1", kind: "Pod", metadata: { name: "pod-handle-http-request", namespace: "default" }, spec: { containers: [{ name: "container-handle-http-request", image: "registry.k8s.io/e2e-test-images/agnhost:2.53", args: ["netexec"], ports: [{ containerPort: 8080, protocol: "TCP" }] }] } };
  const hooked = (name: string, httpGet: Record<string, unknown>) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" }, spec: { containers: [{ name, image: "registry.k8s.io/pause:3.10.1", lifecycle: { postStart: { httpGet } } }] } });
  const reasons = (c: Cluster, pod: string) => c.list("Event", { namespace: "default" }).filter((e: { involvedObject: { name: string } }) => e.involvedObject.name === pod).map((e: { reason: string; message: string }) => `${e.reason}: ${e.message}`);

  it("should execute poststart http hook properly: the hook's GET reaches the other pod (host: its IP), and the container runs on", async () => {
    const c = await cluster();
    await c.apply([handler] as never);
    await c.settle();
    const targetIP = c.get("Pod", "pod-handle-http-request", "default").status.podIP;
    await c.apply([hooked("pod-with-poststart-http-hook", { path: "/echo?msg=poststart", host: targetIP, port: 8080 })] as never);
    await c.settle();
    expect(await logs(c, "pod-handle-http-request")).toMatch(/GET \/echo\?msg=poststart/);
    const st = c.get("Pod", "pod-with-poststart-http-hook", "default").status.containerStatuses[0];
    expect([st.state.running !== undefined, st.restartCount]).toEqual([true, 0]);
    expect(reasons(c, "pod-with-poststart-http-hook").some((r: string) => r.startsWith("FailedPostStartHook"))).toBe(false);
    await c.stop();
  });

  it("without host the hook goes to the pod's own IP, by a named port; an answer that is no 2xx (netexec's 404) is no failure", async () => {
    const c = await cluster();
    const own = { ...handler, metadata: { name: "self", namespace: "default" }, spec: { containers: [{ ...handler.spec.containers[0], ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }], lifecycle: { postStart: { httpGet: { path: "/echo?msg=self", port: "http" } } } }] } };
    await c.apply([handler, own] as never);
    await c.settle();
    const targetIP = c.get("Pod", "pod-handle-http-request", "default").status.podIP;
    await c.apply([hooked("not-found", { path: "/nosuch", host: targetIP, port: 8080 })] as never);
    await c.settle();
    expect(await logs(c, "self")).toMatch(/GET \/echo\?msg=self/);
    for (const name of ["self", "not-found"]) {
      expect(c.get("Pod", name, "default").status.containerStatuses[0].restartCount).toBe(0);
      expect(reasons(c, name).some((r: string) => r.startsWith("FailedPostStartHook"))).toBe(false);
    }
    await c.stop();
  });

  it("should execute prestop http hook properly: deleting the pod sends the preStop GET to the other pod before the stop", async () => {
    const c = await cluster();
    await c.apply([handler] as never);
    await c.settle();
    const targetIP = c.get("Pod", "pod-handle-http-request", "default").status.podIP;
    const pre = { ...hooked("pod-with-prestop-http-hook", {}), spec: { containers: [{ name: "c", image: "registry.k8s.io/pause:3.10.1", lifecycle: { preStop: { httpGet: { path: "/echo?msg=prestop", host: targetIP, port: 8080 } } } }] } };
    await c.apply([pre] as never);
    await c.settle();
    await c.delete("Pod", "pod-with-prestop-http-hook", "default", { gracePeriodSeconds: 15 });
    await c.settle();
    expect(await logs(c, "pod-handle-http-request")).toMatch(/GET \/echo\?msg=prestop/);
    expect(reasons(c, "pod-with-prestop-http-hook").some((r: string) => r.startsWith("FailedPreStopHook"))).toBe(false);
    await c.stop();
  });

  it("a hook nothing answers fails: FailedPostStartHook 'PostStartHook failed', the container killed (Killing: FailedPostStartHook) and restarted", async () => {
    const c = await cluster();
    await c.apply([handler] as never);
    await c.settle();
    const targetIP = c.get("Pod", "pod-handle-http-request", "default").status.podIP;
    await c.apply([hooked("refused", { path: "/", host: targetIP, port: 8081 })] as never);
    await c.settle();
    const seen = reasons(c, "refused");
    expect(seen).toContain("FailedPostStartHook: PostStartHook failed");
    expect(seen).toContain("Killing: FailedPostStartHook");
    expect(c.get("Pod", "refused", "default").status.containerStatuses[0].restartCount).toBeGreaterThanOrEqual(1);
    await c.stop();
  });
});
