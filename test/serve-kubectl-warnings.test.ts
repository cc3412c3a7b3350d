// The API server's warnings through the real kubectl: the strategies' WarningsOnCreate /
// WarningsOnUpdate (pkg/api/pod/warnings.go and the registry strategies) reach kubectl as
// `Warning: 299 - "text"` headers, which it prints on stderr as `Warning: text`, each once per
// command, before the line of the object they came with.

import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      nodeSelector:
        beta.kubernetes.io/os: linux
      containers:
      - name: nginx
        image: nginx
        env:
        - {name: A, value: "1"}
        - {name: A, value: "2"}
`;

const pod = `apiVersion: v1
kind: Pod
metadata:
  name: p.one
spec:
  terminationGracePeriodSeconds: -1
  containers:
  - name: c
    image: nginx
    resources:
      requests:
        memory: 100m
`;

const template = [
  'Warning: spec.template.spec.nodeSelector[beta.kubernetes.io/os]: deprecated since v1.14; use "kubernetes.io/os" instead',
  'Warning: spec.template.spec.containers[0].env[1]: hides previous definition of "A", which may be dropped when using apply',
];
const dotted = "Warning: metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]";

describe.runIf(bin)("kubectl prints the API server's warnings", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000, ...(input !== undefined ? { input } : {}) });
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("apply: a Deployment's name and template warnings, then a Pod's, on stderr", async () => {
    const r = await k(["apply", "-f", "-"], `${deployment("web.v1")}---\n${pod}`);
    expect(r.code).toBe(0);
    expect(r.out).toBe("deployment.apps/web.v1 created\npod/p.one created\n");
    expect(r.err.trimEnd().split("\n")).toEqual([
      dotted,
      ...template,
      "Warning: metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]",
      'Warning: spec.containers[0].resources.requests[memory]: fractional byte value "100m" is invalid, must be an integer',
      // no word of the pod's negative grace period: PrepareForCreate stored 1 before the warnings are drawn
    ]);
  });

  it("a server-side dry run warns as the write would; kubectl prints a warning once per command", async () => {
    const r = await k(["apply", "--dry-run=server", "-f", "-"], `${deployment("web.v2")}---\n${deployment("web.v5")}`);
    expect(r.out).toBe("deployment.apps/web.v2 created (server dry run)\ndeployment.apps/web.v5 created (server dry run)\n");
    expect(r.err.trimEnd().split("\n")).toEqual([dotted, ...template]);
  });

  it("re-applying what changes no generation warns no more; scaling (a new generation) warns about the template again", async () => {
    const again = await k(["apply", "-f", "-"], deployment("web.v1"));
    expect(again).toMatchObject({ out: "deployment.apps/web.v1 unchanged\n", err: "" });
    const labelled = await k(["label", "deployment", "web.v1", "tier=front"]);
    expect(labelled).toMatchObject({ out: "deployment.apps/web.v1 labeled\n", err: "" });
    const scaled = await k(["scale", "deployment", "web.v1", "--replicas=2"]);
    expect(scaled.out).toBe("deployment.apps/web.v1 scaled\n");
    expect(scaled.err.trimEnd().split("\n")).toEqual(template);
  });

  it("with --validate=warn an unknown field's warning (the decoder's) comes before the strategy's", async () => {
    const withUnknown = deployment("web.v3").replace("  replicas: 1\n", "  replicas: 1\n  foo: bar\n");
    const r = await k(["apply", "--validate=warn", "-f", "-"], withUnknown);
    expect(r.out).toBe("deployment.apps/web.v3 created\n");
    expect(r.err.trimEnd().split("\n")).toEqual(['Warning: unknown field "spec.foo"', dotted, ...template]);
  });

  it("server-side apply warns too", async () => {
    // (a repeated env name is an error there: the apply configuration's list is keyed by name)
    const r = await k(["apply", "--server-side", "-f", "-"], deployment("web.v4").replace('        - {name: A, value: "2"}\n', ""));
    expect(r.out).toBe("deployment.apps/web.v4 serverside-applied\n");
    expect(r.err.trimEnd().split("\n")).toEqual([dotted, template[0]]);
  });

  it("a pod's AppArmor annotation is copied to a field, with a warning", async () => {
    const annotated = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: aa\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/c: runtime/default\nspec:\n  containers:\n  - name: c\n    image: nginx\n";
    const r = await k(["apply", "-f", "-"], annotated);
    expect(r).toMatchObject({ out: "pod/aa created\n", err: 'Warning: metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]: deprecated since v1.30; use the "appArmorProfile" field instead\n' });
    expect((await k(["get", "pod", "aa", "-o", "jsonpath={.spec.containers[0].securityContext.appArmorProfile.type}"])).out).toBe("RuntimeDefault");
  });

  it("warnings drawn before admission refuses the write still reach kubectl, before its error", async () => {
    expect((await k(["create", "namespace", "q"])).out).toBe("namespace/q created\n");
    expect((await k(["create", "quota", "none", "-n", "q", "--hard=pods=0"])).out).toBe("resourcequota/none created\n");
    const r = await k(["apply", "-n", "q", "-f", "-"], "apiVersion: v1\nkind: Pod\nmetadata:\n  name: b.x\nspec:\n  containers:\n  - name: c\n    image: nginx\n");
    expect(r.code).toBe(1);
    expect(r.err).toBe([
      "Warning: metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]",
      'Error from server (Forbidden): error when creating "STDIN": pods "b.x" is forbidden: exceeded quota: none, requested: pods=1, used: pods=0, limited: pods=0',
      "",
    ].join("\n"));
  });

  it("a Service: a headless one ignores its session affinity", async () => {
    const svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: h\nspec:\n  clusterIP: None\n  sessionAffinity: ClientIP\n  selector: {app: web}\n  ports:\n  - port: 80\n";
    const r = await k(["apply", "-f", "-"], svc);
    expect(r).toMatchObject({ out: "service/h created\n", err: "Warning: spec.SessionAffinity is ignored for headless services\n" });
  });

  it("a Node: the removed configSource is dropped without a word, the unused externalID warns", async () => {
    const node = "apiVersion: v1\nkind: Node\nmetadata:\n  name: extra\nspec:\n  externalID: i-123\n  configSource:\n    configMap: {name: kc, namespace: kube-system, kubeletConfigKey: kubelet}\n";
    const r = await k(["create", "-f", "-"], node);
    expect(r).toMatchObject({ out: "node/extra created\n", err: "Warning: spec.externalID: this field is deprecated, and is unused by Kubernetes\n" });
    const spec = await k(["get", "node", "extra", "-o", "jsonpath={.spec}"]);
    expect(JSON.parse(spec.out)).toEqual({ externalID: "i-123" });
    // an update that brings a configSource back still loses it: the stored node has none in use
    const patched = await k(["patch", "node", "extra", "--type=merge", "-p", '{"spec":{"configSource":{"configMap":{"name":"kc","namespace":"kube-system","kubeletConfigKey":"kubelet"}}}}']);
    expect(patched.err).toBe("Warning: spec.externalID: this field is deprecated, and is unused by Kubernetes\n");
    expect(JSON.parse((await k(["get", "node", "extra", "-o", "jsonpath={.spec}"])).out)).toEqual({ externalID: "i-123" });
  });

  // StrictIPCIDRValidation is alpha (off) in v1.35: the legacy IP fields take sloppy forms and warn (KEP-4858)
  it("addresses in non-standard forms are stored with a warning: a Service's, an Endpoints', a pod's", async () => {
    const svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: sloppy\nspec:\n  externalIPs: [\"192.0.2.010\", \"::ffff:192.0.2.11\"]\n  ports:\n  - port: 80\n";
    const s1 = await k(["apply", "-f", "-"], svc);
    expect(s1).toMatchObject({ out: "service/sloppy created\n" });
    expect(s1.err.trimEnd().split("\n")).toEqual([
      'Warning: spec.externalIPs[0]: non-standard IP address "192.0.2.010" will be considered invalid in a future Kubernetes release: use "192.0.2.10"',
      'Warning: spec.externalIPs[1]: non-standard IP address "::ffff:192.0.2.11" will be considered invalid in a future Kubernetes release: use "192.0.2.11"',
    ]);
    const ep = "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: sloppy\nsubsets:\n- addresses: [{ip: 192.0.2.020}]\n  notReadyAddresses: [{ip: \"2001:DB8::1\"}]\n  ports: [{port: 80}]\n";
    const e1 = await k(["apply", "-f", "-"], ep);
    expect(e1.out).toBe("endpoints/sloppy created\n");
    expect(e1.err.trimEnd().split("\n")).toEqual([
      "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice",
      'Warning: subsets[0].addresses[0].ip: non-standard IP address "192.0.2.020" will be considered invalid in a future Kubernetes release: use "192.0.2.20"',
      'Warning: subsets[0].notReadyAddresses[0].ip: IPv6 address "2001:DB8::1" should be in RFC 5952 canonical format ("2001:db8::1")',
    ]);
    const pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: aliases\nspec:\n  hostAliases: [{ip: 127.0.0.01, hostnames: [foo.local]}]\n  containers: [{name: c, image: nginx}]\n";
    const p1 = await k(["apply", "-f", "-"], pod);
    expect(p1).toMatchObject({ out: "pod/aliases created\n", err: 'Warning: spec.hostAliases[0].ip: non-standard IP address "127.0.0.01" will be considered invalid in a future Kubernetes release: use "127.0.0.1"\n' });
    expect((await k(["get", "svc", "sloppy", "-o", "jsonpath={.spec.externalIPs}"])).out).toBe('["192.0.2.010","::ffff:192.0.2.11"]');
  });

  it("a Service's status warns of its load balancer's IPs; an EndpointSlice of FQDNs is deprecated, one written by hand warns of its IPs", async () => {
    const lb = "apiVersion: v1\nkind: Service\nmetadata:\n  name: lb\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 80\n";
    expect((await k(["apply", "-f", "-"], lb)).err).toBe("");
    const patched = await k(["patch", "svc", "lb", "--subresource=status", "--type=merge", "-p", '{"status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.030","ipMode":"VIP"}]}}}']);
    expect(patched).toMatchObject({ out: "service/lb patched\n", err: 'Warning: status.loadBalancer.ingress[0]: non-standard IP address "192.0.2.030" will be considered invalid in a future Kubernetes release: use "192.0.2.30"\n' });
    const fqdn = "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: names\naddressType: FQDN\nendpoints:\n- addresses: [db.example.com]\n";
    expect(await k(["create", "-f", "-"], fqdn)).toMatchObject({ out: "endpointslice.discovery.k8s.io/names created\n", err: "Warning: spec.addressType: FQDN endpoints are deprecated\n" });
    const ips = "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: ips\naddressType: IPv4\nendpoints:\n- addresses: [192.0.2.1, 192.0.2.002]\n";
    expect((await k(["create", "-f", "-"], ips)).err).toBe('Warning: endpoints[0].addresses[1]: non-standard IP address "192.0.2.002" will be considered invalid in a future Kubernetes release: use "192.0.2.2"\n');
  });
});
