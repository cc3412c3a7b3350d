// The twenty-third hostile round, each answer checked against kube-apiserver 1.35's source: what a
// node's credentials reach through the Node authorizer's graph (plugin/pkg/auth/authorizer/node:
// graph.go AddPod, AddPV, AddVolumeAttachment). A mirror pod's only edge is pod -> node, so a node
// gains nothing a mirror pod names; a PersistentVolume is the node's through its claimRef, and so are
// the secrets a kubelet reads to mount it (VisitPVSecretNames' kubelet-visible ones); a
// VolumeAttachment is the node's its spec.nodeName names. And NodeRestriction's admitPVCStatus: a node
// writes a claim's capacity and conditions, nothing else of it.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { raw, serve, type Served } from "./serve-helpers.js";

let s: Served;
const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return raw(s, method, path, { token: s.cluster.adminToken, ...(text !== undefined ? { body: text } : {}), headers: { ...(text !== undefined ? { "Content-Type": "application/json" } : {}), ...headers } });
};
const asNode = (node: string, method: string, path: string, body?: unknown) => send(method, path, body, { "Impersonate-User": `system:node:${node}`, "Impersonate-Group": "system:nodes" });
const created = async (path: string, body: unknown) => {
  const r = await send("POST", path, body);
  expect([r.code, r.body]).toEqual([201, expect.any(String)]);
  return JSON.parse(r.body);
};
/** responsewriters.Forbidden of a get the Node authorizer has no edge for (RBAC adds no reason). */
const noEdge = (node: string, resource: string, name: string, where: string, group = "") => ({
  kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Forbidden", code: 403,
  message: `${group ? `${resource}.${group}` : resource} "${name}" is forbidden: User "system:node:${node}" cannot get resource "${resource}" in API group "${group}" ${where}: no relationship found between node '${node}' and this object`,
  details: { name, ...(group ? { group } : {}), kind: resource },
});
const inNs = (ns: string) => `in the namespace "${ns}"`;
const cluster = "at the cluster scope";

beforeAll(async () => {
  s = await serve({ nodes: 2 });
  for (const ns of ["vols", "mirrors"]) await created("/api/v1/namespaces", { metadata: { name: ns } });
  for (const name of ["stage", "publish", "expand", "controller", "unrelated", "azure", "ceph"]) await created("/api/v1/namespaces/vols/secrets", { metadata: { name }, stringData: { k: "v" } });
  await created("/api/v1/namespaces/mirrors/configmaps", { metadata: { name: "settings" }, data: { a: "b" } });
  await created("/api/v1/namespaces/mirrors/secrets", { metadata: { name: "token" }, stringData: { k: "v" } });
}, 40_000);
afterAll(async () => {
  await s?.stop();
});

describe("a mirror pod gives its node no edge but pod -> node (AddPod's short-circuit)", () => {
  let uid = "";
  beforeAll(async () => {
    uid = JSON.parse((await send("GET", "/api/v1/nodes/node-1")).body).metadata.uid;
    // created by the admin: the ServiceAccount plugin lets a mirror pod name a ConfigMap, NodeRestriction only stops a node doing so
    await created("/api/v1/namespaces/mirrors/pods", {
      metadata: { name: "static", annotations: { "kubernetes.io/config.mirror": "x" }, ownerReferences: [{ apiVersion: "v1", kind: "Node", name: "node-1", uid, controller: true }] },
      spec: { nodeName: "node-1", containers: [{ name: "c", image: "nginx", envFrom: [{ configMapRef: { name: "settings" } }] }] },
    });
  });

  it("the node reads the mirror pod itself", async () => {
    expect((await asNode("node-1", "GET", "/api/v1/namespaces/mirrors/pods/static")).code).toBe(200);
  });

  it("but not the ConfigMap it names", async () => {
    const r = await asNode("node-1", "GET", "/api/v1/namespaces/mirrors/configmaps/settings");
    expect([r.code, JSON.parse(r.body)]).toEqual([403, noEdge("node-1", "configmaps", "settings", inNs("mirrors"))]);
  });

  it("and a mirror pod names no service account: no token for default is the node's to ask for, whatever the binding", async () => {
    const r = await asNode("node-1", "POST", "/api/v1/namespaces/mirrors/serviceaccounts/default/token", { spec: { audiences: ["x"], boundObjectRef: { kind: "Pod", apiVersion: "v1", name: "static" } } });
    expect([r.code, JSON.parse(r.body).message]).toEqual([403, `serviceaccounts "default" is forbidden: User "system:node:node-1" cannot create resource "serviceaccounts/token" in API group "" in the namespace "mirrors": no relationship found between node 'node-1' and this object`]);
  });

  it("an ordinary pod on the node naming the same ConfigMap gives the node the edge", async () => {
    await created("/api/v1/namespaces/mirrors/pods", { metadata: { name: "plain" }, spec: { nodeName: "node-1", containers: [{ name: "c", image: "nginx", envFrom: [{ configMapRef: { name: "settings" } }] }] } });
    expect((await asNode("node-1", "GET", "/api/v1/namespaces/mirrors/configmaps/settings")).code).toBe(200);
  });
});

describe("a PersistentVolume is the node's through its claimRef (AddPV: pv -> pvc), with the secrets a kubelet mounts it with", () => {
  beforeAll(async () => {
    // pre-bound to the claim "data" of vols; no PersistentVolumeClaim need exist for the edge
    await created("/api/v1/persistentvolumes", {
      metadata: { name: "disk" },
      spec: {
        capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], claimRef: { namespace: "vols", name: "data" },
        csi: {
          driver: "csi.example.com", volumeHandle: "h",
          nodeStageSecretRef: { namespace: "vols", name: "stage" }, nodePublishSecretRef: { namespace: "vols", name: "publish" }, nodeExpandSecretRef: { namespace: "vols", name: "expand" },
          controllerPublishSecretRef: { namespace: "vols", name: "controller" },
        },
      },
    });
    // an azureFile secret without a namespace is looked up in the claimRef's; cephfs's namespace wins when set
    await created("/api/v1/persistentvolumes", { metadata: { name: "share" }, spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteMany"], claimRef: { namespace: "vols", name: "shared" }, azureFile: { secretName: "azure", shareName: "s" } } });
    await created("/api/v1/persistentvolumes", { metadata: { name: "ceph" }, spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteMany"], claimRef: { namespace: "vols", name: "cephclaim" }, cephfs: { monitors: ["10.0.0.1:6789"], secretRef: { name: "ceph", namespace: "vols" } } } });
    await created("/api/v1/persistentvolumes", { metadata: { name: "loose" }, spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], csi: { driver: "csi.example.com", volumeHandle: "l", nodePublishSecretRef: { namespace: "vols", name: "unrelated" } } } });
    await created("/api/v1/namespaces/vols/pods", {
      metadata: { name: "user" },
      spec: { nodeName: "node-1", containers: [{ name: "c", image: "nginx" }], volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }, { name: "s", persistentVolumeClaim: { claimName: "shared" } }, { name: "c", persistentVolumeClaim: { claimName: "cephclaim" } }] },
    });
  });

  it("the node whose pod uses the claim reads the volume; another node does not", async () => {
    expect((await asNode("node-1", "GET", "/api/v1/persistentvolumes/disk")).code).toBe(200);
    const r = await asNode("node-2", "GET", "/api/v1/persistentvolumes/disk");
    expect([r.code, JSON.parse(r.body)]).toEqual([403, noEdge("node-2", "persistentvolumes", "disk", cluster)]);
  });

  it("a volume with no claimRef is no node's", async () => {
    const r = await asNode("node-1", "GET", "/api/v1/persistentvolumes/loose");
    expect([r.code, JSON.parse(r.body)]).toEqual([403, noEdge("node-1", "persistentvolumes", "loose", cluster)]);
  });

  it.each(["stage", "publish", "expand", "azure", "ceph"])("the kubelet-visible secret %s is the node's", async (name) => {
    expect((await asNode("node-1", "GET", `/api/v1/namespaces/vols/secrets/${name}`)).code).toBe(200);
  });

  it.each([
    ["the controller's publish secret", "node-1", "controller"],
    ["the secret of a volume bound to no claim", "node-1", "unrelated"],
    ["a volume's secret, to a node no pod of the claim runs on", "node-2", "publish"],
  ])("%s is not", async (_what, node, name) => {
    const r = await asNode(node, "GET", `/api/v1/namespaces/vols/secrets/${name}`);
    expect([r.code, JSON.parse(r.body)]).toEqual([403, noEdge(node, "secrets", name, inNs("vols"))]);
  });
});

describe("a VolumeAttachment is the node's its spec.nodeName names (AddVolumeAttachment)", () => {
  it("node-1 reads the attachment to itself, node-2 does not", async () => {
    await created("/apis/storage.k8s.io/v1/volumeattachments", { metadata: { name: "attach" }, spec: { attacher: "csi.example.com", nodeName: "node-1", source: { persistentVolumeName: "disk" } } });
    expect((await asNode("node-1", "GET", "/apis/storage.k8s.io/v1/volumeattachments/attach")).code).toBe(200);
    const r = await asNode("node-2", "GET", "/apis/storage.k8s.io/v1/volumeattachments/attach");
    expect([r.code, JSON.parse(r.body)]).toEqual([403, noEdge("node-2", "volumeattachments", "attach", cluster, "storage.k8s.io")]);
  });
});

// NodeRestriction's admitPVCStatus (plugin/pkg/admission/noderestriction/admission.go)
describe("a node's status write of a claim its pod uses", () => {
  const claim = "/api/v1/namespaces/vols/persistentvolumeclaims/data";
  const patchStatus = (body: unknown) => raw(s, "PATCH", `${claim}/status`, {
    token: s.cluster.adminToken, body: JSON.stringify(body),
    headers: { "Content-Type": "application/merge-patch+json", "Impersonate-User": "system:node:node-1", "Impersonate-Group": "system:nodes" },
  });
  beforeAll(async () => {
    await created("/api/v1/namespaces/vols/persistentvolumeclaims", { metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } }, storageClassName: "", volumeName: "disk" } });
  });

  it("may change the capacity and the conditions", async () => {
    const r = await patchStatus({ status: { capacity: { storage: "2Gi" }, conditions: [{ type: "Resizing", status: "True" }] } });
    expect(r.code).toBe(200);
    expect(JSON.parse(r.body).status.capacity).toEqual({ storage: "2Gi" });
  });

  it("may not change its phase or its labels: Forbidden, and nothing changes", async () => {
    const before = JSON.parse((await send("GET", claim)).body);
    const r = await patchStatus({ metadata: { labels: { stolen: "yes" } }, status: { phase: "Lost" } });
    const st = JSON.parse(r.body);
    expect([r.code, st.reason, st.details]).toEqual([403, "Forbidden", { name: "data", kind: "persistentvolumeclaims" }]);
    // go-cmp's diff follows the colon; its layout is randomized, so no client reads it
    expect(st.message.startsWith('persistentvolumeclaims "data" is forbidden: node "node-1" is not allowed to update fields other than status.quantity and status.conditions: ')).toBe(true);
    const after = JSON.parse((await send("GET", claim)).body);
    expect([after.metadata.labels, after.status.phase, after.metadata.resourceVersion]).toEqual([before.metadata.labels, before.status.phase, before.metadata.resourceVersion]);
  });

  it("a node no pod of the claim runs on may not write its status at all (the Node authorizer)", async () => {
    const r = await raw(s, "PATCH", `${claim}/status`, { token: s.cluster.adminToken, body: JSON.stringify({ status: { capacity: { storage: "3Gi" } } }), headers: { "Content-Type": "application/merge-patch+json", "Impersonate-User": "system:node:node-2", "Impersonate-Group": "system:nodes" } });
    expect([r.code, JSON.parse(r.body).message]).toEqual([403, `persistentvolumeclaims "data" is forbidden: User "system:node:node-2" cannot patch resource "persistentvolumeclaims/status" in API group "" in the namespace "vols": no relationship found between node 'node-2' and this object`]);
  });
});
