// Sweep 13 of the docs' task, tutorial and concept pages (kubernetes/website content/en/docs/**), step
// by step with the real kubectl against `podflow serve`: each expectation is what the page shows, or
// what Kubernetes' source does where the page is silent. The verdicts are in test/fixtures/docs/TASKS.md.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findKubectl, kubectl, raw, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const fixture = (...p: string[]) => readFileSync(join(import.meta.dirname, "fixtures", "docs", ...p), "utf8");

describe.skipIf(!bin)("podflow serve with the real kubectl: the docs' pages, sweep 13", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input === undefined ? {} : { input });
  const jsonpath = (args: string[], path: string) => k([...args, "-o", `jsonpath=${path}`]).then((r) => r.out);

  beforeAll(async () => {
    // with kubeadm's addons, as `podflow serve` runs: the PodSecurity page's warnings name kube-system's pods
    s = await serve({ nodes: 3, speed: 10, addons: true });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("tutorials/hello-minikube: agnhost netexec's log is klog's two start lines, a LoadBalancer Service stays <pending>, and a request through it adds netexec's 'GET /' line", async () => {
    expect((await k(["create", "deployment", "hello-node", "--image=registry.k8s.io/e2e-test-images/agnhost:2.53", "--", "/agnhost", "netexec", "--http-port=8080"])).out).toBe("deployment.apps/hello-node created\n");
    const ready = await until(async () => (/\nhello-node +1\/1 +1 +1 +\S+\n$/.test((await k(["get", "deployments"])).out) ? true : undefined), 30_000);
    expect(ready, "hello-node 1/1").toBe(true);
    const pod = await jsonpath(["get", "pods", "-l", "app=hello-node"], "{.items[0].metadata.name}");
    expect(pod).toMatch(/^hello-node-[a-z0-9]{8,10}-[a-z0-9]{5}$/);
    // the page: "I0911 09:19:26.677397       1 log.go:195] Started HTTP server on port 8080" then
    // "... Started UDP server on port  8081" (netexec.go's "%s %d" with an empty listen address)
    const klog = String.raw`I\d{4} \d\d:\d\d:\d\d\.\d{6} {7}1 log\.go:\d+\] `;
    expect((await k(["logs", pod])).out).toMatch(new RegExp(`^${klog}Started HTTP server on port 8080\n${klog}Started UDP server on port  8081\n$`));
    expect((await k(["expose", "deployment", "hello-node", "--type=LoadBalancer", "--port=8080"])).out).toBe("service/hello-node exposed\n");
    expect((await k(["get", "services"])).out).toMatch(/^NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE\nhello-node +LoadBalancer +10\.\d+\.\d+\.\d+ +<pending> +8080:3\d{4}\/TCP +\S+\nkubernetes +ClusterIP +10\.96\.0\.1 +<none> +443\/TCP +\S+\n$/);
    // `minikube service hello-node` opens the Service in a browser; a client pod asks it the same way
    expect((await k(["run", "browser", "--image=busybox:1.36", "--restart=Never", "--", "sh", "-c", "wget -qO- hello-node:8080; echo"])).code).toBe(0);
    const page = await until(async () => ((await jsonpath(["get", "pod", "browser"], "{.status.phase}")) === "Succeeded" ? (await k(["logs", "browser"])).out : undefined), 30_000);
    // rootHandler: fmt.Fprintf(w, "NOW: %v", time.Now()), no newline of its own (echo adds one)
    expect(page).toMatch(/^NOW: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} \+0000 UTC\n$/);
    expect((await k(["logs", pod])).out.split("\n").filter((l) => l.endsWith("] GET /"))).toHaveLength(1);
    expect((await k(["delete", "service", "hello-node"])).out).toBe('service "hello-node" deleted\n');
    expect((await k(["delete", "deployment", "hello-node"])).out).toBe('deployment.apps "hello-node" deleted\n');
  });

  it("tasks/manage-daemon/pods-some-nodes: the DaemonSet runs a pod on each ssd=true node only, and on a node labelled later", async () => {
    const nodes = (await jsonpath(["get", "nodes"], "{.items[*].metadata.name}")).split(" ").sort();
    expect(nodes).toHaveLength(3);
    expect((await k(["label", "nodes", nodes[0]!, nodes[1]!, "ssd=true"])).out).toBe(`node/${nodes[0]} labeled\nnode/${nodes[1]} labeled\n`);
    expect((await k(["apply", "-f", "-"], fixture("controllers", "daemonset-label-selector.yaml"))).out).toBe("daemonset.apps/nginx-ssd created\n");
    const placed = (n: number) => until(async () => {
      const rows = (await k(["get", "pods", "-l", "app=web-server", "-o", "wide", "--no-headers"])).out.trim().split("\n").filter(Boolean);
      return rows.length === n && rows.every((r) => /^nginx-ssd-[a-z0-9]{5} +1\/1 +Running +0 +/.test(r)) ? rows.map((r) => r.split(/ +/)[6]).sort() : undefined;
    }, 30_000);
    expect(await placed(2)).toEqual([nodes[0], nodes[1]]);
    expect((await k(["label", "nodes", nodes[2]!, "ssd=true"])).out).toBe(`node/${nodes[2]} labeled\n`);
    expect(await placed(3)).toEqual(nodes);
    // the page's header: NAME READY STATUS RESTARTS AGE IP NODE (kubectl adds the two gate columns)
    expect((await k(["get", "pods", "-l", "app=web-server", "-o", "wide"])).out.split("\n")[0]).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE +IP +NODE +NOMINATED NODE +READINESS GATES$/);
    expect((await k(["delete", "daemonset", "nginx-ssd"])).code).toBe(0);
  });

  it("concepts/cluster-administration/logging: the counter pod's log is a numbered date a second, as the page shows", async () => {
    expect((await k(["apply", "-f", "-"], fixture("debug", "counter-pod.yaml"))).out).toBe("pod/counter created\n");
    const lines = await until(async () => {
      const out = (await k(["logs", "counter"])).out.split("\n").filter(Boolean);
      return out.length >= 3 ? out : undefined;
    }, 30_000);
    // busybox date's default format: "%a %b %e %H:%M:%S %Z %Y" ("0: Mon Jan  1 00:00:00 UTC 2001")
    expect(lines!.slice(0, 3).map((l) => l.replace(/^(\d+): .*$/, "$1"))).toEqual(["0", "1", "2"]);
    for (const l of lines!) expect(l).toMatch(/^\d+: (Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d UTC \d{4}$/);
    const secs = lines!.slice(0, 3).map((l) => Date.parse(l.replace(/^\d+: \w+ /, "").replace(" UTC", " GMT")));
    expect([secs[1]! - secs[0]!, secs[2]! - secs[1]!]).toEqual([1000, 1000]);
    expect((await k(["delete", "pod", "counter", "--grace-period=0", "--force"])).code).toBe(0);
  });

  it("tasks/administer-cluster/access-cluster-api (without kubectl proxy): the token controller fills the default-token Secret, and its token reads /api", async () => {
    expect((await k(["apply", "-f", "-"], `apiVersion: v1
kind: Secret
metadata:
  name: default-token
  annotations:
    kubernetes.io/service-account.name: default
type: kubernetes.io/service-account-token
`)).out).toBe("secret/default-token created\n");
    const token = await until(async () => {
      const t = await jsonpath(["get", "secret", "default-token"], "{.data.token}");
      return t ? Buffer.from(t, "base64").toString("utf8") : undefined;
    }, 30_000);
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const r = await raw(s, "GET", "/api", { token: token! });
    expect(r.code).toBe(200);
    const body = JSON.parse(r.body);
    // the page: {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", ...}]}
    expect(body.kind).toBe("APIVersions");
    expect(body.versions).toEqual(["v1"]);
    expect(body.serverAddressByClientCIDRs[0].clientCIDR).toBe("0.0.0.0/0");
    expect((await raw(s, "GET", "/api", { token: "not-a-token" })).code).toBe(401);
  });

  it("concepts/workloads/pods/pod-hostname (setHostnameAsFQDN): a FQDN over 64 characters keeps the pod ContainerCreating with FailedCreatePodSandBox events", async () => {
    const pod = (name: string, subdomain: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  hostname: ${name}
  subdomain: ${subdomain}
  setHostnameAsFQDN: true
  containers:
  - image: busybox:1.28
    command:
      - sleep
      - "3600"
    name: busybox
`;
    expect((await k(["apply", "-f", "-"], pod("busybox-1", "busybox-subdomain"))).code).toBe(0);
    expect((await k(["apply", "-f", "-"], pod("busybox-with-a-long-hostname", "a-long-subdomain-name"))).code).toBe(0);
    const running = await until(async () => ((await jsonpath(["get", "pod", "busybox-1"], "{.status.phase}")) === "Running" ? true : undefined), 30_000);
    expect(running).toBe(true);
    // both hostname and hostname --fqdn return the FQDN (49 characters: it fits)
    expect((await k(["exec", "busybox-1", "--", "hostname"])).out).toBe("busybox-1.busybox-subdomain.default.svc.cluster.local\n");
    const fqdn = "busybox-with-a-long-hostname.a-long-subdomain-name.default.svc.cluster.local";
    // GetNodenameForKernel's error, in createPodSandbox's event (kuberuntime_manager.go SyncPod)
    const failed = await until(async () => {
      const ev = await k(["get", "events", "--field-selector", "involvedObject.name=busybox-with-a-long-hostname,reason=FailedCreatePodSandBox", "-o", "jsonpath={.items[0].type} {.items[0].message}"]);
      return ev.out !== "" ? ev.out : undefined;
    }, 30_000);
    expect(failed).toBe(`Warning Failed to create pod sandbox: failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (64 characters is the max, ${fqdn.length} characters requested)`);
    expect((await k(["get", "pod", "busybox-with-a-long-hostname"])).out).toMatch(/\nbusybox-with-a-long-hostname +0\/1 +ContainerCreating +0 +\S+\n$/);
    expect(await jsonpath(["get", "pod", "busybox-with-a-long-hostname"], "{.status.phase}")).toBe("Pending");
    expect((await k(["delete", "pod", "busybox-1", "busybox-with-a-long-hostname", "--grace-period=0", "--force"])).code).toBe(0);
  });

  it("concepts/workloads/pods/pod-hostname (hostnameOverride): the page's busybox-2 gets the override as its hostname and in /etc/hosts", async () => {
    expect((await k(["apply", "-f", "-"], `apiVersion: v1
kind: Pod
metadata:
  name: busybox-2-busybox-example-domain
spec:
  hostnameOverride: busybox-2.busybox.example.domain
  containers:
  - image: busybox:1.28
    command:
      - sleep
      - "3600"
    name: busybox
`)).out).toBe("pod/busybox-2-busybox-example-domain created\n");
    const running = await until(async () => ((await jsonpath(["get", "pod", "busybox-2-busybox-example-domain"], "{.status.phase}")) === "Running" ? true : undefined), 30_000);
    expect(running).toBe(true);
    // HostnameOverride (beta, on in v1.35): "the kubelet unconditionally sets both the Pod's hostname and FQDN to the hostnameOverride value"
    expect((await k(["exec", "busybox-2-busybox-example-domain", "--", "hostname"])).out).toBe("busybox-2.busybox.example.domain\n");
    const ip = await jsonpath(["get", "pod", "busybox-2-busybox-example-domain"], "{.status.podIP}");
    expect((await k(["exec", "busybox-2-busybox-example-domain", "--", "cat", "/etc/hosts"])).out).toContain(`${ip}\tbusybox-2.busybox.example.domain\n`);
    expect((await k(["delete", "pod", "busybox-2-busybox-example-domain", "--grace-period=0", "--force"])).code).toBe(0);
  });

  it("tasks/configure-pod-container/enforce-standards-namespace-labels: a server dry run of enforce=baseline on every namespace warns of kube-system's pods; my-baseline-namespace refuses a privileged pod", async () => {
    const proxies = await until(async () => ((await jsonpath(["get", "pods", "-n", "kube-system", "-l", "k8s-app=kube-proxy"], "{.items[*].metadata.name}")).split(" ").filter(Boolean).length === 3 ? true : undefined), 30_000);
    expect(proxies, "kube-proxy on each node").toBe(true);
    const dry = await k(["label", "--dry-run=server", "--overwrite", "ns", "--all", "pod-security.kubernetes.io/enforce=baseline"]);
    expect(dry.out).toMatch(/^(namespace\/\S+ labeled \(server dry run\)\n)+$/);
    expect(dry.out).toContain("namespace/kube-system labeled (server dry run)\n");
    // podsecurity admission's namespace check (ValidateNamespace): kube-proxy runs hostNetwork, privileged, with hostPath volumes
    expect(dry.err).toContain('Warning: existing pods in namespace "kube-system" violate the new PodSecurity enforce level "baseline:latest"\n');
    expect(dry.err).toMatch(/Warning: kube-proxy-[a-z0-9]{5} \(and 2 other pods\): host namespaces, hostPath volumes, privileged\n/);
    expect(await jsonpath(["get", "ns", "kube-system"], "{.metadata.labels.pod-security\\.kubernetes\\.io/enforce}")).toBe("");
    expect((await k(["apply", "-f", "-"], `apiVersion: v1
kind: Namespace
metadata:
  name: my-baseline-namespace
  labels:
    pod-security.kubernetes.io/enforce: baseline
    pod-security.kubernetes.io/enforce-version: v1.35

    # We are setting these to our _desired_ \`enforce\` level.
    pod-security.kubernetes.io/audit: restricted
    pod-security.kubernetes.io/audit-version: v1.35
    pod-security.kubernetes.io/warn: restricted
    pod-security.kubernetes.io/warn-version: v1.35
`)).out).toBe("namespace/my-baseline-namespace created\n");
    const privileged = await k(["run", "priv", "-n", "my-baseline-namespace", "--image=busybox:1.36", "--overrides", '{"spec":{"containers":[{"name":"priv","image":"busybox:1.36","securityContext":{"privileged":true}}]}}']);
    expect(privileged.code).toBe(1);
    expect(privileged.err).toContain('violates PodSecurity "baseline:v1.35": privileged (container "priv" must not set securityContext.privileged=true)');
  });
});
