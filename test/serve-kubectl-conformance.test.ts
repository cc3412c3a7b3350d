// The conformance classes of issue 23 that the e2e tests drive through the API, run with the real
// kubectl against `podflow serve`: the pods/proxy and services/proxy subresources (proxy.go),
// activeDeadlineSeconds set by an update (pods.go), a Service changed to ExternalName
// (service.go), and the API server's own Endpoints and EndpointSlice (endpointslice.go).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, raw, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const manifests = `
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: { app: web }
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    ports: [{ containerPort: 80, name: http }]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: { app: web }
  ports: [{ name: http, port: 8080, targetPort: 80 }]
`;

describe.skipIf(!bin)("podflow serve with the real kubectl: conformance classes", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, input !== undefined ? { input } : {});

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    expect((await k(["apply", "-f", "-"], manifests)).code).toBe(0);
    const ready = await until(async () => / 1\/1 +Running /.test((await k(["get", "pod", "web", "--no-headers"])).out) && (await k(["get", "endpoints", "web", "--no-headers"])).out.includes(":80"), 30_000);
    expect(ready).toBe(true);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl get --raw .../pods/web:80/proxy/ and .../services/web:8080/proxy/ reach nginx in the pod", async () => {
    const pod = await k(["get", "--raw", "/api/v1/namespaces/default/pods/web:80/proxy/"]);
    expect(pod.err).toBe("");
    expect(pod.out).toContain("Welcome to nginx!");
    // a port number is the Service port's, mapped to its name; the name and http:<name>:<port> work too
    for (const id of ["web:8080", "web:http", "http:web:http"]) {
      const svc = await k(["get", "--raw", `/api/v1/namespaces/default/services/${id}/proxy/`]);
      expect(svc.out, id).toContain("Welcome to nginx!");
    }
    // without a port: the first declared container port
    expect((await k(["get", "--raw", "/api/v1/namespaces/default/pods/web/proxy/"])).out).toContain("Welcome to nginx!");
    // the path after proxy/ goes to the server: nginx has no /nope
    const missing = await raw(s, "GET", "/api/v1/namespaces/default/pods/web:80/proxy/nope?x=1", { token: s.cluster.adminToken });
    expect(missing.code).toBe(404);
  });

  it("the proxy answers Kubernetes' errors: no such pod, no such service port, nothing listening, a malformed name", async () => {
    expect((await k(["get", "--raw", "/api/v1/namespaces/default/pods/nope:80/proxy/"])).err).toContain('pods "nope" not found');
    expect((await k(["get", "--raw", "/api/v1/namespaces/default/services/web:81/proxy/"])).err).toContain('no service port 81 found for service "web"');
    const refused = await raw(s, "GET", "/api/v1/namespaces/default/pods/web:81/proxy/", { token: s.cluster.adminToken });
    expect(refused.code).toBe(503);
    expect(JSON.parse(refused.body).message).toMatch(/^error trying to reach service: dial tcp [\d.]+:81: connect: connection refused$/);
    const bad = await raw(s, "GET", "/api/v1/namespaces/default/pods/a:b:c:d/proxy/", { token: s.cluster.adminToken });
    expect([bad.code, JSON.parse(bad.body).message]).toEqual([400, 'invalid pod request "a:b:c:d"']);
  });

  it("hostile names and paths are answered, never crash: prototype names, huge ports, dot-dot and encoded slashes", async () => {
    const token = s.cluster.adminToken;
    for (const [path, code] of [
      ["/api/v1/namespaces/default/pods/__proto__:80/proxy/", 404],
      ["/api/v1/namespaces/default/services/constructor/proxy/", 404],
      ["/api/v1/namespaces/default/pods/web:99999/proxy/", 503],
      ["/api/v1/namespaces/default/pods/web:80/proxy/../../../../etc/passwd", 404],
      // unescaped to ../.. and cleaned to / (getRequestOptions, JoinPreservingTrailingSlash): nginx's index
      ["/api/v1/namespaces/default/pods/web:80/proxy/%2e%2e%2f%2e%2e", 200],
      ["/api/v1/namespaces/__proto__/pods/web:80/proxy/", 404],
    ] as const) {
      const r = await raw(s, "GET", path, { token });
      expect(r.code, path).toBe(code);
    }
    // the server is still there
    expect((await k(["get", "--raw", "/api/v1/namespaces/default/pods/web:80/proxy/"])).out).toContain("Welcome to nginx!");
  });

  it("RBAC: the proxy is authorized as get on pods/proxy and services/proxy (not on pods): a service account without it is refused", async () => {
    const as = ["--as", "system:serviceaccount:default:default"];
    const denied = await k(["get", "--raw", "/api/v1/namespaces/default/pods/web:80/proxy/", ...as]);
    expect(denied.err).toBe('Error from server (Forbidden): pods "web:80" is forbidden: User "system:serviceaccount:default:default" cannot get resource "pods/proxy" in API group "" in the namespace "default"\n');
    expect((await k(["get", "--raw", "/api/v1/namespaces/default/services/web:8080/proxy/", ...as])).err).toContain('cannot get resource "services/proxy"');
    expect((await k(["auth", "can-i", "get", "pods", "--subresource=proxy", ...as])).out).toBe("no\n");
    expect((await k(["auth", "can-i", "get", "pods", "--subresource=proxy"])).out).toBe("yes\n");
  });

  it("kubectl get endpoints kubernetes and its EndpointSlice list the API server at port 6443", async () => {
    expect((await k(["get", "endpoints", "kubernetes", "-o", "jsonpath={.subsets[0].ports[0].port}"])).out).toBe("6443");
    const slice = await k(["get", "endpointslices", "-l", "kubernetes.io/service-name=kubernetes", "-o", "jsonpath={.items[0].endpoints[0].addresses[0]} {.items[0].ports[0].port}"]);
    const addr = (await k(["get", "endpoints", "kubernetes", "-o", "jsonpath={.subsets[0].addresses[0].ip}"])).out;
    expect(slice.out).toBe(`${addr} 6443`);
  });

  it("kubectl patch sets activeDeadlineSeconds on a running pod: it ends Failed with reason DeadlineExceeded", async () => {
    expect((await k(["run", "deadline", "--image=busybox:1.36", "--restart=Never", "--", "sleep", "3600"])).code).toBe(0);
    expect(await until(async () => (await k(["get", "pod", "deadline", "-o", "jsonpath={.status.phase}"])).out === "Running" || undefined, 30_000)).toBe(true);
    expect((await k(["patch", "pod", "deadline", "-p", '{"spec":{"activeDeadlineSeconds":5}}'])).code).toBe(0);
    const failed = await until(async () => {
      const out = (await k(["get", "pod", "deadline", "-o", "jsonpath={.status.phase}/{.status.reason}/{.status.message}"])).out;
      return out.startsWith("Failed") ? out : undefined;
    }, 30_000);
    expect(failed).toBe("Failed/DeadlineExceeded/Pod was active on the node longer than the specified deadline");
    // sleep as PID 1 ignores SIGTERM: for the 30 s grace period the container runs and stays ready
    // (the prober's readiness; only the pod's Ready condition turns False), so kubectl prints the
    // pod's reason; once SIGKILL ends it, kubectl's printer shows the container's reason instead.
    expect((await k(["get", "pod", "deadline", "--no-headers"])).out).toMatch(/^deadline +(1\/1 +DeadlineExceeded|0\/1 +Error) +0 /);
  });

  it("kubectl patch changes a ClusterIP Service to ExternalName: its cluster IPs and IP families are dropped", async () => {
    expect((await k(["create", "service", "clusterip", "to-external", "--tcp=80:80"])).code).toBe(0);
    const r = await k(["patch", "service", "to-external", "-p", '{"spec":{"type":"ExternalName","externalName":"example.com"}}']);
    expect(r.err).toBe("");
    const spec = JSON.parse((await k(["get", "service", "to-external", "-o", "jsonpath={.spec}"])).out);
    expect([spec.type, spec.externalName, spec.clusterIP, spec.clusterIPs, spec.ipFamilies, spec.ipFamilyPolicy]).toEqual(["ExternalName", "example.com", undefined, undefined, undefined, undefined]);
  });
});
