// The real kubectl against `podflow serve`: server-side dry-run never changes the cluster, strict
// field validation refuses a typo as kube-apiserver words it, Priority admission, and strategic
// merge patches of Service ports by their merge key.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findKubectl, kubectl, raw, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const dir = mkdtempSync(join(tmpdir(), "podflow-admission-"));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const deployment = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: c
        image: nginx
`;
const service = (httpsTarget: number) => `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: 8080}
  - {name: https, port: 443, targetPort: ${httpsTarget}}
`;

describe.skipIf(!bin)("podflow serve with the real kubectl: admission, dry-run and field validation", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl apply --dry-run=server answers as a create would and stores nothing", async () => {
    const r = await k(["apply", "--dry-run=server", "-f", file("dep1.yaml", deployment(1))]);
    expect(r.out).toBe("deployment.apps/web created (server dry run)\n");
    expect((await k(["get", "deployments"])).err).toBe("No resources found in default namespace.\n");
  });

  it("kubectl diff and apply --dry-run=server of a change leave the live object as it was", async () => {
    expect((await k(["apply", "-f", file("dep1.yaml", deployment(1))])).out).toBe("deployment.apps/web created\n");
    // the spec and its generation: the controllers' status writes move the resourceVersion meanwhile
    const before = (await k(["get", "deployment", "web", "-o", "jsonpath={.spec.replicas} {.metadata.generation}"])).out;
    const diff = await k(["diff", "-f", file("dep3.yaml", deployment(3))]);
    expect(diff.code).toBe(1); // kubectl diff exits 1 when there are differences
    expect(diff.out).toMatch(/^- {2}replicas: 1$/m);
    expect(diff.out).toMatch(/^\+ {2}replicas: 3$/m);
    expect((await k(["apply", "--dry-run=server", "-f", file("dep3.yaml", deployment(3))])).out).toBe("deployment.apps/web configured (server dry run)\n");
    expect((await k(["delete", "deployment", "web", "--dry-run=server"])).out).toBe('deployment.apps "web" deleted (server dry run)\n');
    expect((await k(["get", "deployment", "web", "-o", "jsonpath={.spec.replicas} {.metadata.generation}"])).out).toBe(before);
    expect(before).toBe("1 1");
  });

  it("kubectl create -f with a misspelt field is refused by strict field validation; --validate=warn creates it with a warning", async () => {
    const typo = file("typo.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: typo\nspec:\n  containers:\n  - name: c\n    image: nginx\n    imagee: nginx\n");
    const r = await k(["create", "-f", typo]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`Error from server (BadRequest): error when creating "${typo}": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee"\n`);
    expect((await k(["get", "pod", "typo"])).code).toBe(1);
    const w = await k(["create", "--validate=warn", "-f", typo]);
    expect(w.out).toBe("pod/typo created\n");
    expect(w.err).toBe(`Warning: unknown field "spec.containers[0].imagee"\n`);
  });

  it("Priority admission: a missing class is refused, the system classes are listed with kubectl's columns", async () => {
    const r = await k(["run", "needs-high", "--image=nginx", "--overrides", JSON.stringify({ spec: { priorityClassName: "high" } })]);
    expect(r.err).toBe(`Error from server (Forbidden): pods "needs-high" is forbidden: no PriorityClass with name high was found\n`);
    const out = (await k(["get", "priorityclass"])).out.split("\n");
    expect(out[0]).toMatch(/^NAME +VALUE +GLOBAL-DEFAULT +AGE +PREEMPTIONPOLICY$/);
    expect(out[1]).toMatch(/^system-cluster-critical +2000000000 +false +(?:\d+[smhd])+ +PreemptLowerPriority$/);
    expect(out[2]).toMatch(/^system-node-critical +2000001000 +false +(?:\d+[smhd])+ +PreemptLowerPriority$/);
  });

  it("re-applying a two-port Service with one targetPort changed merges the ports by port", async () => {
    expect((await k(["apply", "-f", file("svc1.yaml", service(8443))])).out).toBe("service/web created\n");
    const r = await k(["apply", "-f", file("svc2.yaml", service(9443))]);
    expect(r.err).toBe("");
    expect(r.out).toBe("service/web configured\n");
    const ports = JSON.parse((await k(["get", "service", "web", "-o", "jsonpath={.spec.ports}"])).out);
    expect(ports).toEqual([{ name: "http", port: 80, protocol: "TCP", targetPort: 8080 }, { name: "https", port: 443, protocol: "TCP", targetPort: 9443 }]);
  });

  it("every request to v1 Endpoints carries the deprecation warning, as in v1.33+", async () => {
    const r = await k(["get", "endpoints", "web"]);
    expect(r.err).toBe("Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n");
    expect(r.out).toMatch(/^NAME +ENDPOINTS +AGE\n/);
    expect((await k(["get", "endpointslices"])).err).toBe("");
  });

  it("a ResourceQuota admits pods up to its hard limit and refuses the next with kube-apiserver's message; kubectl get quota shows used/hard", async () => {
    expect((await k(["create", "namespace", "quota-pod-example"])).out).toBe("namespace/quota-pod-example created\n");
    const quota = file("quota.yaml", "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: pod-demo\nspec:\n  hard:\n    pods: \"1\"\n");
    expect((await k(["apply", "-n", "quota-pod-example", "-f", quota])).out).toBe("resourcequota/pod-demo created\n");
    // the controller fills in status.hard before admission enforces the quota
    const synced = await until(async () => (await k(["get", "quota", "pod-demo", "-n", "quota-pod-example", "-o", "jsonpath={.status.used.pods}"])).out === "0" || undefined, 10_000);
    expect(synced).toBe(true);
    expect((await k(["run", "first", "-n", "quota-pod-example", "--image=nginx"])).out).toBe("pod/first created\n");
    const r = await k(["run", "second", "-n", "quota-pod-example", "--image=nginx"]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`Error from server (Forbidden): pods "second" is forbidden: exceeded quota: pod-demo, requested: pods=1, used: pods=1, limited: pods=1\n`);
    const table = (await k(["get", "quota", "-n", "quota-pod-example"])).out.split("\n");
    expect(table[0]).toMatch(/^NAME +AGE +REQUEST +LIMIT$/);
    expect(table[1]).toMatch(/^pod-demo +(?:\d+[smhd])+ +pods: 1\/1 +$/);
  });

  it("kubectl drain --dry-run=server neither cordons the node nor evicts its pods", async () => {
    const before = (await k(["get", "pods", "-A", "--field-selector=spec.nodeName=node-1", "-o", "name"])).out;
    expect(before).toContain("pod/first");
    const r = await k(["drain", "node-1", "--dry-run=server", "--force", "--ignore-daemonsets"]);
    expect(r.out).toContain("node/node-1 cordoned (server dry run)");
    expect(r.out).toContain("evicting pod quota-pod-example/first (server dry run)");
    expect((await k(["get", "node", "node-1", "-o", "jsonpath={.spec.unschedulable}"])).out).toBe("");
    expect((await k(["get", "pods", "-A", "--field-selector=spec.nodeName=node-1", "-o", "name"])).out).toBe(before);
  });

  it("a body with a field written twice is refused under Strict with the duplicate's path, warned under Warn, kept last-wins under Ignore", async () => {
    const body = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"dup"},"spec":{"containers":[{"name":"c","image":"nginx","image":"busybox"}]}}';
    const post = (fv: string) => raw(s, "POST", `/api/v1/namespaces/default/pods?fieldValidation=${fv}&dryRun=All`, { token: s.cluster.adminToken, body });
    const strict = await post("Strict");
    expect(strict.code).toBe(400);
    expect(JSON.parse(strict.body).message).toBe(`Pod in version "v1" cannot be handled as a Pod: strict decoding error: duplicate field "spec.containers[0].image"`);
    const warn = await post("Warn");
    expect(warn.code).toBe(201);
    expect(warn.headers.warning).toBe(`299 - "duplicate field \\"spec.containers[0].image\\""`);
    const ignore = await post("Ignore");
    expect(JSON.parse(ignore.body).spec.containers[0].image).toBe("busybox");
    expect((await k(["get", "pod", "dup"])).code).toBe(1);
  });
});
