// NodeRestriction at node registration, through serve's HTTPS with a node's client certificate
// (plugin/pkg/admission/noderestriction/admission.go admitNode): a node registers its Node only with
// labels a kubelet may set, never changes its taints, and writes no other node's object. And the
// cluster built the way kind builds one: each kubelet registers only its own labels, kubeadm's
// mark-control-plane then patches the control-plane role, the exclude-from-external-load-balancers
// label and the control-plane taint in as the admin, so `kubectl get nodes` shows what kind shows.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "node:https";
import { findKubectl, kubectl, raw, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
let s: Served;
let dir: string;
let nodeCert: { cert: string; key: string };

/** A kind node as the given object: the role labels and taint stand for what kubeadm adds. */
const kindNode = (name: string, controlPlane = false) => {
  const capacity = { cpu: "4", memory: "16Gi", pods: "110", "ephemeral-storage": "100Gi" };
  return {
    apiVersion: "v1", kind: "Node",
    metadata: {
      name,
      labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", ...(controlPlane ? { "node-role.kubernetes.io/control-plane": "", "node.kubernetes.io/exclude-from-external-load-balancers": "" } : {}) },
    },
    spec: controlPlane ? { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" as const }] } : {},
    status: { capacity, allocatable: capacity },
  };
};

/** A request with a client certificate, as curl --cert sends it. */
function withCert(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<{ code: number; body: string }> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, s.server.url), { method, ca: s.server.caCert, cert: nodeCert.cert, key: nodeCert.key, headers: text === undefined ? {} : { "Content-Type": contentType } }, (res) => {
      let out = "";
      res.on("data", (d) => (out += d));
      res.on("end", () => resolve({ code: res.statusCode ?? 0, body: out }));
    });
    req.on("error", reject);
    req.end(text);
  });
}
const asAdmin = (method: string, path: string) => raw(s, method, path, { token: s.cluster.adminToken });
const forbidden = (name: string, message: string) => ({
  kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Forbidden", code: 403, details: { name, kind: "nodes" }, message: `nodes "${name}" is forbidden: ${message}`,
});

beforeAll(async () => {
  s = await serve({ nodes: [kindNode("kind-control-plane", true), kindNode("kind-worker"), kindNode("kind-worker2")] });
  // node-9's kubelet client certificate (CN system:node:node-9, O system:nodes), signed by the cluster CA
  dir = mkdtempSync(join(tmpdir(), "podflow-noderestriction-"));
  writeFileSync(join(dir, "ca.crt"), s.server.caCert!);
  writeFileSync(join(dir, "ca.key"), s.server.caKey!);
  writeFileSync(join(dir, "ext"), "extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature\n");
  execFileSync("openssl", ["genrsa", "-out", join(dir, "node.key"), "2048"], { stdio: "ignore" });
  execFileSync("openssl", ["req", "-new", "-key", join(dir, "node.key"), "-subj", "/O=system:nodes/CN=system:node:node-9", "-out", join(dir, "node.csr")], { stdio: "ignore" });
  execFileSync("openssl", ["x509", "-req", "-in", join(dir, "node.csr"), "-CA", join(dir, "ca.crt"), "-CAkey", join(dir, "ca.key"), "-CAcreateserial", "-days", "1", "-extfile", join(dir, "ext"), "-out", join(dir, "node.crt")], { stdio: "ignore" });
  nodeCert = { cert: readFileSync(join(dir, "node.crt"), "utf8"), key: readFileSync(join(dir, "node.key"), "utf8") };
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

describe("what a node may register and write (admitNode)", () => {
  it("registering with node-restriction or non-kubelet kubernetes.io / k8s.io labels is Forbidden, listed sorted, and nothing is stored", async () => {
    const labels = { "node-restriction.kubernetes.io/pool": "db", "x.node-restriction.kubernetes.io/a": "b", "node-role.kubernetes.io/control-plane": "", "example.k8s.io/x": "1", "kubernetes.io/hostname": "node-9", "example.com/y": "2" };
    const r = await withCert("POST", "/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "node-9", labels } });
    expect([r.code, JSON.parse(r.body)]).toEqual([403, forbidden("node-9", 'node "node-9" is not allowed to set the following labels: example.k8s.io/x, node-restriction.kubernetes.io/pool, node-role.kubernetes.io/control-plane, x.node-restriction.kubernetes.io/a')]);
    expect((await asAdmin("GET", "/api/v1/nodes/node-9")).code).toBe(404);
  });

  it("registering with the kubelet's own labels and taints is allowed; then changing its taints is Forbidden", async () => {
    const labels = { "kubernetes.io/hostname": "node-9", "topology.kubernetes.io/zone": "a", "node.kubernetes.io/instance-type": "m5", "kubelet.kubernetes.io/x": "1", "example.com/y": "2" };
    const taints = [{ key: "dedicated", value: "db", effect: "NoSchedule" }];
    const r = await withCert("POST", "/api/v1/nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "node-9", labels }, spec: { taints } });
    expect(r.code).toBe(201);
    expect([JSON.parse(r.body).metadata.labels, JSON.parse(r.body).spec.taints]).toEqual([labels, taints]);
    const p = await withCert("PATCH", "/api/v1/nodes/node-9", { spec: { taints: [] } }, "application/merge-patch+json");
    expect([p.code, JSON.parse(p.body)]).toEqual([403, forbidden("node-9", 'node "node-9" is not allowed to modify taints')]);
    const relabel = await withCert("PATCH", "/api/v1/nodes/node-9", { metadata: { labels: { "node-role.kubernetes.io/control-plane": "" } } }, "application/merge-patch+json");
    expect([relabel.code, JSON.parse(relabel.body)]).toEqual([403, forbidden("node-9", "is not allowed to modify labels: node-role.kubernetes.io/control-plane")]);
    expect(JSON.parse((await asAdmin("GET", "/api/v1/nodes/node-9")).body).spec.taints).toEqual(taints);
    // no kubelet runs for it: gone before the DaemonSets below
    expect((await asAdmin("DELETE", "/api/v1/nodes/node-9")).code).toBe(200);
  });

  it("another node's object is not the node's to write", async () => {
    const r = await withCert("PATCH", "/api/v1/nodes/kind-worker", { metadata: { labels: { "example.com/y": "2" } } }, "application/merge-patch+json");
    expect([r.code, JSON.parse(r.body)]).toEqual([403, forbidden("kind-worker", 'node "node-9" is not allowed to modify node "kind-worker"')]);
  });
});

describe("a cluster built as kind builds it", () => {
  it.skipIf(!bin)("kubectl get nodes --show-labels: the control plane's ROLES and labels are kind's, written by kubeadm as the admin after its kubelet registered it", async () => {
    const r = await kubectl(bin!, s.kubeconfigPath, ["get", "nodes", "kind-control-plane", "kind-worker", "--show-labels", "--no-headers"]);
    const rows = r.out.trim().split("\n").map((l) => l.split(/\s+/));
    expect(rows.map((c) => [c[0], c[1], c[2], c[5]])).toEqual([
      ["kind-control-plane", "Ready", "control-plane", "beta.kubernetes.io/arch=amd64,beta.kubernetes.io/os=linux,kubernetes.io/arch=amd64,kubernetes.io/hostname=kind-control-plane,kubernetes.io/os=linux,node-role.kubernetes.io/control-plane=,node.kubernetes.io/exclude-from-external-load-balancers="],
      ["kind-worker", "Ready", "<none>", "beta.kubernetes.io/arch=amd64,beta.kubernetes.io/os=linux,kubernetes.io/arch=amd64,kubernetes.io/hostname=kind-worker,kubernetes.io/os=linux"],
    ]);
    const node = JSON.parse((await asAdmin("GET", "/api/v1/nodes/kind-control-plane")).body);
    expect(node.spec.taints).toEqual([{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }]);
    // the role, its label and the taint are kubeadm's fields; the kubelet registered none of them
    const fields = (manager: string) => JSON.stringify(node.metadata.managedFields.filter((m: any) => m.manager === manager && m.subresource === undefined).map((m: any) => m.fieldsV1));
    expect(fields("kubeadm")).toContain('"f:node-role.kubernetes.io/control-plane"');
    expect(fields("kubeadm")).toContain('"f:node.kubernetes.io/exclude-from-external-load-balancers"');
    expect(fields("kubeadm")).toContain('"f:taints"');
    expect(fields("kubelet")).not.toContain("node-role.kubernetes.io");
    expect(fields("kubelet")).not.toContain('"f:taints"');
  });

  it("a DaemonSet without the control-plane toleration lands on the workers only; with it, on every node", async () => {
    const ds = (name: string, tolerations: unknown[]) => ({
      apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name, namespace: "default" },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { tolerations, containers: [{ name: "c", image: "registry.k8s.io/pause:3.10" }] } } },
    });
    await s.cluster.apply([ds("agent", []), ds("everywhere", [{ key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" }])]);
    const nodesOf = (app: string) => s.cluster.list("Pod", { namespace: "default", labelSelector: `app=${app}` }).map((p: any) => p.spec.nodeName as string).sort();
    const placed = (app: string, n: number) => nodesOf(app).length === n && nodesOf(app).every((name) => name !== undefined);
    await until(async () => placed("agent", 2) && placed("everywhere", 3), 30_000);
    expect(nodesOf("agent")).toEqual(["kind-worker", "kind-worker2"]);
    expect(nodesOf("everywhere")).toEqual(["kind-control-plane", "kind-worker", "kind-worker2"]);
  });
});
