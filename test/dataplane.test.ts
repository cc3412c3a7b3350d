import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { createCluster, type Cluster } from "../runtime/cluster.js";
import { podSummary } from "../runtime/printers.js";

const docsExample = readFileSync(new URL("../examples/init-containers-docs.yaml", import.meta.url), "utf8");

// The docs' services.yaml for the init-containers example.
const docsServices = [
  { apiVersion: "v1", kind: "Service", metadata: { name: "myservice" }, spec: { ports: [{ protocol: "TCP", port: 80, targetPort: 9376 }] } },
  { apiVersion: "v1", kind: "Service", metadata: { name: "mydb" }, spec: { ports: [{ protocol: "TCP", port: 80, targetPort: 9377 }] } },
];

const web = (replicas: number) => [
  {
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" },
    spec: {
      replicas, selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ name: "http-web", containerPort: 80 }], readinessProbe: { httpGet: { path: "/", port: "http-web" }, periodSeconds: 1 } }] },
      },
    },
  },
  { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http-web" }] } },
];

const client = (name: string, script: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "v1", kind: "Pod", metadata: { name },
  spec: { restartPolicy: "Never", containers: [{ name: "client", image: "busybox:1.36", command: ["sh", "-c", script] }], ...extra },
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

async function run(c: Cluster, ms: number): Promise<void> {
  await c.settle();
  c.advance(ms);
  await c.settle();
}

const status = (c: Cluster, pod: string) => podSummary(c.get("Pod", pod, "default"), c.now()).status;

describe("the docs' init-containers example (pods/init-containers.yaml)", () => {
  it("stays Init:0/2, logging 'waiting for myservice', while no Service answers in cluster DNS", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.apply(docsExample);
    await run(c, 20_000);
    const pod = c.get("Pod", "myapp-pod", "default");
    expect(status(c, "myapp-pod")).toBe("Init:0/2");
    expect(pod.status.phase).toBe("Pending");
    expect(pod.status.initContainerStatuses[0].state.running).toBeDefined();
    expect(pod.status.containerStatuses[0].state.waiting.reason).toBe("PodInitializing");
    const lines = logs(c, "myapp-pod", "init-myservice");
    expect(lines).toContain("waiting for myservice");
    // busybox 1.28, as in the docs, prints the old nslookup format
    expect(lines).toContain("nslookup: can't resolve 'myservice.default.svc.cluster.local'");
  });

  it("reaches Running once the docs' two Services exist", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    await c.apply(docsExample);
    await run(c, 10_000);
    await c.apply(docsServices);
    await run(c, 10_000);
    expect(status(c, "myapp-pod")).toBe("Running");
    const vip = c.get("Service", "mydb", "default").spec.clusterIP;
    expect(logs(c, "myapp-pod", "init-mydb")).toContain(`Address 1: ${vip} mydb.default.svc.cluster.local`);
    expect(logs(c, "myapp-pod", "myapp-container")).toEqual(["The app is running!"]);
  });
});

describe("a busybox pod reaching a Service through cluster DNS and kube-proxy", () => {
  it("prints nginx's page for wget -qO- http://web when the Service has ready endpoints on either node", async () => {
    const c = createCluster({ nodes: 2, seed: 5 });
    await c.apply(web(2));
    await run(c, 30_000);
    await c.apply(client("fetch", "wget -qO- http://web"));
    await run(c, 30_000);
    const pod = c.get("Pod", "fetch", "default");
    expect(pod.status.phase).toBe("Succeeded");
    expect(logs(c, "fetch", "client")).toContain("<title>Welcome to nginx!</title>");
  });

  it("fails with busybox's connection-refused message when the Service has no ready endpoint", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    await c.apply(web(0));
    await run(c, 10_000);
    await c.apply(client("fetch", "wget -qO- http://web"));
    await run(c, 30_000);
    const vip = c.get("Service", "web", "default").spec.clusterIP;
    expect(c.get("Pod", "fetch", "default").status.phase).toBe("Failed");
    expect(logs(c, "fetch", "client")).toEqual([`wget: can't connect to remote host (${vip}): Connection refused`]);
  });

  it("fails with 'bad address' when the name resolves to nothing", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    await c.apply(client("fetch", "wget -qO- http://nosuch"));
    await run(c, 30_000);
    expect(logs(c, "fetch", "client")).toEqual(["wget: bad address 'nosuch'"]);
  });

  it("prints the Service's ClusterIP for nslookup web.default.svc.cluster.local in busybox's format", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    await c.apply(web(1));
    await run(c, 10_000);
    await c.apply(client("lookup", "nslookup web.default.svc.cluster.local"));
    await run(c, 10_000);
    const vip = c.get("Service", "web", "default").spec.clusterIP;
    expect(c.get("Pod", "lookup", "default").status.phase).toBe("Succeeded");
    expect(logs(c, "lookup", "client")).toEqual(["Server:\t\t10.96.0.10", "Address:\t10.96.0.10:53", "", `Name:\tweb.default.svc.cluster.local`, `Address: ${vip}`, ""]);
  });

  it("reaches a pod on another node by its pod IP, routed by podCIDR", async () => {
    const c = createCluster({ nodes: 2, seed: 5 });
    await c.apply(web(2));
    await run(c, 30_000);
    const target = c.list("Pod", { labelSelector: "app=web" }).find((p) => p.spec.nodeName === "node-2");
    expect(target).toBeDefined();
    await c.apply(client("direct", `wget -qO- http://${target.status.podIP}:80/`, { nodeName: "node-1" }));
    await run(c, 30_000);
    expect(logs(c, "direct", "client")).toContain("<h1>Welcome to nginx!</h1>");
  });
});

describe("routing a bare pod IP", () => {
  it("reaches a pod no Service selects on another node, through the node whose podCIDR holds its IP", async () => {
    const c = createCluster({ nodes: 2, seed: 7 });
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "lonely" }, spec: { nodeName: "node-2", containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }] }] } });
    await run(c, 20_000);
    const ip = c.get("Pod", "lonely", "default").status.podIP;
    await c.apply(client("direct", `wget -qO- http://${ip}/`, { nodeName: "node-1" }));
    await run(c, 20_000);
    expect(c.get("Pod", "direct", "default").status.phase).toBe("Succeeded");
    expect(logs(c, "direct", "client")).toContain("<h1>Welcome to nginx!</h1>");
  });

  it("refuses a connection to a port nothing listens on in the target pod", async () => {
    const c = createCluster({ nodes: 2, seed: 7 });
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "lonely" }, spec: { nodeName: "node-2", containers: [{ name: "nginx", image: "nginx:1.27" }] } });
    await run(c, 20_000);
    const ip = c.get("Pod", "lonely", "default").status.podIP;
    await c.apply(client("direct", `wget -qO- http://${ip}:8080/`, { nodeName: "node-1" }));
    await run(c, 20_000);
    expect(logs(c, "direct", "client")).toEqual([`wget: can't connect to remote host (${ip}): Connection refused`]);
  });
});

describe("a node's own address", () => {
  it("refuses at once a connection to a port nothing on the node listens on (no NodePort rule, no host-network pod): the kernel's RST, not a timeout", async () => {
    const c = createCluster({ nodes: 2, seed: 7 });
    const nodeIP = c.get("Node", "node-2").status.addresses.find((a: any) => a.type === "InternalIP").address;
    await c.apply(client("knock", `wget -T 5 -qO- http://${nodeIP}:12345/`, { nodeName: "node-1" }));
    await run(c, 3_000);
    expect(c.get("Pod", "knock", "default").status.phase).toBe("Failed");
    expect(logs(c, "knock", "client")).toEqual([`wget: can't connect to remote host (${nodeIP}): Connection refused`]);
  });
});

describe("an address nobody answers", () => {
  it("times out after the 5 s connect timeout with busybox's message, the process waiting meanwhile", async () => {
    const c = createCluster({ nodes: 1, seed: 7 });
    await c.apply(client("lost", "wget -qO- http://10.1.2.3/"));
    await run(c, 3_000);
    expect(c.get("Pod", "lost", "default").status.phase).toBe("Running");
    await run(c, 10_000);
    expect(c.get("Pod", "lost", "default").status.phase).toBe("Failed");
    expect(logs(c, "lost", "client")).toEqual(["wget: download timed out"]);
  });
});

describe("the service-account token volume", () => {
  it("holds the pod's namespace (no trailing newline, as the kubelet writes it), a token and ca.crt in every container", async () => {
    const c = createCluster({ nodes: 1, seed: 2 });
    await c.apply(client("sa", "cat /var/run/secrets/kubernetes.io/serviceaccount/namespace; echo; ls /var/run/secrets/kubernetes.io/serviceaccount; cat /var/run/secrets/kubernetes.io/serviceaccount/token"));
    await run(c, 10_000);
    const lines = logs(c, "sa", "client");
    expect(lines[0]).toBe("default");
    expect(lines.slice(1, 4).join(" ")).toMatch(/ca\.crt.*namespace.*token/);
    expect(lines[4]).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);
  });

  it("is absent when the pod sets automountServiceAccountToken: false", async () => {
    const c = createCluster({ nodes: 1, seed: 2 });
    await c.apply(client("nosa", "cat /var/run/secrets/kubernetes.io/serviceaccount/namespace", { automountServiceAccountToken: false }));
    await run(c, 10_000);
    expect(c.get("Pod", "nosa", "default").status.phase).toBe("Failed");
    expect(logs(c, "nosa", "client")).toEqual(["cat: can't open '/var/run/secrets/kubernetes.io/serviceaccount/namespace': No such file or directory"]);
  });
});
