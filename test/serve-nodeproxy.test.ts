// nodes/<name>/proxy through the real kubectl: the API server hands the request to the node's
// kubelet (port 10250), whose server answers /healthz, /pods, /stats/summary, /metrics/resource and
// /configz as pkg/kubelet/server does; the docs use them in tasks/debug/debug-cluster/
// resource-metrics-pipeline and tasks/administer-cluster/kubelet-config-file.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, raw, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe("kubectl get --raw /api/v1/nodes/<node>/proxy/... reaches the node's kubelet", () => {
  let s: Served;
  let node = "";
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 30_000 });
  const get = async (path: string) => {
    const r = await k(["get", "--raw", path]);
    expect(r.err).toBe("");
    return r.out;
  };

  beforeAll(async () => {
    // the real kubectl is the client under test: without it the suite fails rather than skips
    expect(bin, "kubectl on PATH").toBeDefined();
    s = await serve({ nodes: 2 });
    // tasks/configure-pod-container/assign-memory-resource's memory-demo: stress allocates 150 MiB
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: memory-demo
spec:
  containers:
  - name: memory-demo-ctr
    image: polinux/stress
    resources:
      requests:
        memory: "100Mi"
      limits:
        memory: "200Mi"
    command: ["stress"]
    args: ["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"]
`;
    expect((await kubectl(bin!, s.kubeconfigPath, ["apply", "-f", "-"], { input: pod })).code).toBe(0);
    node = await until(async () => {
      const r = await k(["get", "pod", "memory-demo", "-o", "jsonpath={.status.phase} {.spec.nodeName}"]);
      const [phase, on] = r.out.split(" ");
      return phase === "Running" ? on : undefined;
    }, 60_000);
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("/healthz is the kubelet's ok", async () => {
    expect(await get(`/api/v1/nodes/${node}/proxy/healthz`)).toBe("ok");
  });

  it("/pods is a v1 PodList of the pods bound to that node only", async () => {
    const list = JSON.parse(await get(`/api/v1/nodes/${node}/proxy/pods`));
    expect([list.kind, list.apiVersion]).toEqual(["PodList", "v1"]);
    const names = list.items.map((p: any) => `${p.metadata.namespace}/${p.metadata.name}`);
    expect(names).toContain("default/memory-demo");
    for (const p of list.items) expect(p.spec.nodeName).toBe(node);
  });

  it("/stats/summary is the Summary API: the node, its pods cgroup, each pod and container with cpu and memory", async () => {
    const text = await get(`/api/v1/nodes/${node}/proxy/stats/summary`);
    // go-restful writes it indented by one space
    expect(text.startsWith(`{\n "node": {\n  "nodeName": "${node}",\n  "systemContainers": [`)).toBe(true);
    const summary = JSON.parse(text);
    expect(summary.node.systemContainers.map((c: any) => c.name)).toContain("pods");
    const pod = summary.pods.find((p: any) => p.podRef.name === "memory-demo");
    expect(Object.keys(pod.podRef)).toEqual(["name", "namespace", "uid"]);
    const ctr = pod.containers[0];
    expect(ctr.name).toBe("memory-demo-ctr");
    expect(Object.keys(ctr.cpu)).toEqual(["time", "usageNanoCores", "usageCoreNanoSeconds"]);
    // the container holds what stress allocated (150 MB), under its 200 MiB limit
    expect(ctr.memory.workingSetBytes).toBeGreaterThanOrEqual(150_000_000);
    expect(ctr.memory.availableBytes).toBe(200 * 1024 * 1024 - ctr.memory.workingSetBytes);
    // the pod is the sum of its containers; the node holds its pods and more
    expect(pod.memory.workingSetBytes).toBe(pod.containers.reduce((n: number, c: any) => n + c.memory.workingSetBytes, 0));
    const pods = summary.node.systemContainers.find((c: any) => c.name === "pods");
    expect(pods.memory.workingSetBytes).toBe(summary.pods.reduce((n: number, p: any) => n + p.memory.workingSetBytes, 0));
    expect(summary.node.memory.workingSetBytes).toBeGreaterThan(pods.memory.workingSetBytes);
  });

  it("/metrics/resource is what metrics-server scrapes: its families in order, and the working set kubectl top reports", async () => {
    const text = await get(`/api/v1/nodes/${node}/proxy/metrics/resource`);
    const families = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(families).toEqual([
      "container_cpu_usage_seconds_total counter", "container_memory_working_set_bytes gauge", "container_start_time_seconds gauge",
      "node_cpu_usage_seconds_total counter", "node_memory_working_set_bytes gauge",
      "pod_cpu_usage_seconds_total counter", "pod_memory_working_set_bytes gauge", "resource_scrape_error gauge",
    ]);
    expect(text).toContain("# HELP container_memory_working_set_bytes [STABLE] Current working set of the container in bytes\n");
    expect(text).toMatch(/\nresource_scrape_error 0\n$/);
    const line = text.split("\n").find((l) => l.startsWith('container_memory_working_set_bytes{container="memory-demo-ctr",namespace="default",pod="memory-demo"} '))!;
    // a sample: value (Go's %g: exponent form from 1e6) and the sample's time in ms
    const [, value, ms] = line.split(" ");
    expect(value).toMatch(/^\d\.\d+e\+08$/);
    expect(Number(ms)).toBeGreaterThan(Date.parse("2020-01-01T00:00:00Z"));
    const started = text.split("\n").find((l) => l.startsWith('container_start_time_seconds{container="memory-demo-ctr"'))!;
    // a start time has no sample time
    expect(started.split(" ")).toHaveLength(2);
    // metrics-server's PodMetrics for the container is this working set (in Ki)
    const metrics = await until(async () => {
      const r = await k(["get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/memory-demo"]);
      return r.code === 0 ? JSON.parse(r.out) : undefined;
    }, 60_000);
    const usage = metrics.containers[0].usage.memory as string;
    const scraped = Number((await get(`/api/v1/nodes/${node}/proxy/metrics/resource`)).split("\n").find((l) => l.startsWith('container_memory_working_set_bytes{container="memory-demo-ctr"'))!.split(" ")[1]);
    expect(usage).toBe(`${scraped / 1024}Ki`);
  });

  it("/configz is the running KubeletConfiguration", async () => {
    const { kubeletconfig } = JSON.parse(await get(`/api/v1/nodes/${node}/proxy/configz`));
    expect(kubeletconfig.port).toBe(10250);
    expect(kubeletconfig.clusterDomain).toBe("cluster.local");
    // the cluster DNS Service's address, which every pod's resolv.conf names
    const dns = (await k(["get", "service", "kube-dns", "-n", "kube-system", "-o", "jsonpath={.spec.clusterIP}"])).out;
    expect(kubeletconfig.clusterDNS).toEqual([dns]);
    const capacity = (await k(["get", "node", node, "-o", "jsonpath={.status.capacity.pods}"])).out;
    expect(kubeletconfig.maxPods).toBe(Number(capacity));
    expect(kubeletconfig.nodeStatusUpdateFrequency).toBe("10s");
    expect(kubeletconfig.nodeLeaseDurationSeconds).toBe(40);
  });

  it("/logs/ is the node's /var/log through http.FileServer: the container log files, in CRI's format, as kubectl logs reads them", async () => {
    const root = await get(`/api/v1/nodes/${node}/proxy/logs/`);
    expect(root).toBe('<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n<a href="containers/">containers/</a>\n<a href="pods/">pods/</a>\n</pre>\n');
    const listing = await get(`/api/v1/nodes/${node}/proxy/logs/containers/`);
    const file = listing.match(/<a href="(memory-demo_default_memory-demo-ctr-[0-9a-f]+\.log)">/)?.[1];
    expect(file).toBeDefined();
    const lines = (await get(`/api/v1/nodes/${node}/proxy/logs/containers/${file}`)).split("\n").filter((l) => l !== "");
    const logs = (await k(["logs", "memory-demo"])).out.split("\n").filter((l) => l !== "");
    expect(logs.length).toBeGreaterThan(0);
    // <RFC 3339 time> <stream> F <line>, one per line the container wrote
    expect(lines.map((l) => l.match(/^\d{4}-\d\d-\d\dT[\d:.]+Z (stdout|stderr) F (.*)$/)?.[2])).toEqual(logs);
    const missing = await raw(s, "GET", `/api/v1/nodes/${node}/proxy/logs/nothing.log`, { token: s.cluster.adminToken });
    expect([missing.code, missing.body]).toEqual([404, "404 page not found\n"]);
  });

  it("a path the kubelet does not serve is its mux's 404; a missing node is NotFound; another port is refused", async () => {
    const other = await raw(s, "GET", `/api/v1/nodes/${node}/proxy/nothing`, { token: s.cluster.adminToken });
    expect([other.code, other.body]).toEqual([404, "404 page not found\n"]);
    expect((await k(["get", "--raw", "/api/v1/nodes/nope/proxy/healthz"])).err).toBe('Error from server (NotFound): nodes "nope" not found\n');
    expect((await k(["get", "--raw", `/api/v1/nodes/${node}:10255/proxy/healthz`])).err).toMatch(/^Error from server \(ServiceUnavailable\): error trying to reach service: dial tcp [\d.]+:10255: connect: connection refused\n$/);
  });

  // NodeConnectionInfoGetter.GetConnectionInfo (pkg/kubelet/client/kubelet_client.go): the first
  // address of kubeadm's --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname
  // (pkg/util/node GetPreferredNodeAddress), the reported port if above 0 else 10250; then
  // ResourceLocation's isProxyableHostname (pkg/registry/core/node/strategy.go)
  const foreign = (name: string, status: unknown) => kubectl(bin!, s.kubeconfigPath, ["create", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "Node", metadata: { name }, status }) });
  const ipOf = async (n: string) => JSON.parse(await get(`/api/v1/nodes/${n}`)).status.addresses.find((a: any) => a.type === "InternalIP").address;

  it("a Node with no address of a preferred type is GetPreferredNodeAddress's error, 500 without a reason", async () => {
    expect((await foreign("bare", {})).code).toBe(0);
    expect((await k(["get", "--raw", "/api/v1/nodes/bare/proxy/healthz"])).err).toBe("Error from server: no preferred addresses found; known addresses: []\n");
    expect((await foreign("dns-only", { addresses: [{ type: "InternalDNS", address: "dns-only.example" }, { type: "ExternalDNS", address: "e.example" }] })).code).toBe(0);
    expect((await k(["get", "--raw", "/api/v1/nodes/dns-only/proxy/healthz"])).err).toBe("Error from server: no preferred addresses found; known addresses: [{InternalDNS dns-only.example} {ExternalDNS e.example}]\n");
  });

  it("a Node whose preferred address is no global unicast address is refused as BadRequest", async () => {
    expect((await foreign("loopback", { addresses: [{ type: "Hostname", address: "loopback" }, { type: "ExternalIP", address: "127.0.0.1" }] })).code).toBe(0);
    expect((await k(["get", "--raw", "/api/v1/nodes/loopback/proxy/healthz"])).err).toBe("Error from server (BadRequest): address not allowed\n");
  });

  it("the dial goes to the Node's address and reported port: another Node naming a kubelet's address reaches that kubelet", async () => {
    const ip = await ipOf(node);
    // no port reported (0): the default 10250, where the kubelet at that address listens
    expect((await foreign("alias", { addresses: [{ type: "Hostname", address: "alias" }, { type: "InternalIP", address: ip }], daemonEndpoints: { kubeletEndpoint: { Port: 0 } } })).code).toBe(0);
    expect(await get("/api/v1/nodes/alias/proxy/healthz")).toBe("ok");
    expect(JSON.parse(await get("/api/v1/nodes/alias/proxy/pods")).items.map((p: any) => p.metadata.name)).toContain("memory-demo");
    // a reported port nobody listens on is dialled, and refused
    expect((await foreign("elsewhere", { addresses: [{ type: "InternalIP", address: ip }], daemonEndpoints: { kubeletEndpoint: { Port: 10255 } } })).code).toBe(0);
    expect((await k(["get", "--raw", "/api/v1/nodes/elsewhere/proxy/healthz"])).err).toBe(`Error from server (ServiceUnavailable): error trying to reach service: dial tcp ${ip}:10255: connect: connection refused\n`);
  });

  it("RBAC: authorized as get on nodes/proxy, which discovery lists as a connect subresource", async () => {
    const as = ["--as", "system:serviceaccount:default:default"];
    expect((await k(["get", "--raw", `/api/v1/nodes/${node}/proxy/healthz`, ...as])).err).toBe(`Error from server (Forbidden): nodes "${node}" is forbidden: User "system:serviceaccount:default:default" cannot get resource "nodes/proxy" in API group "" at the cluster scope\n`);
    const discovery = JSON.parse(await get("/api/v1"));
    expect(discovery.resources.find((r: any) => r.name === "nodes/proxy")).toEqual({ name: "nodes/proxy", singularName: "", namespaced: false, kind: "NodeProxyOptions", verbs: ["create", "delete", "get", "patch", "update"] });
    expect(discovery.resources.find((r: any) => r.name === "pods/proxy")).toMatchObject({ kind: "PodProxyOptions", verbs: ["create", "delete", "get", "patch", "update"] });
  });
});
