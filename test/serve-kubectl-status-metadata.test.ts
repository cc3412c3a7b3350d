// What a write through /status does to metadata, through a live `podflow serve` and the real
// kubectl: rest.BeforeUpdate keeps the client's metadata (but name, uid, creationTimestamp,
// deletion fields and generation), then each kind's status strategy PrepareForUpdate restores
// what it will not let a status write change. Most built-in kinds restore only the spec
// (pkg/registry/*/*/strategy.go), so labels and annotations sent to /status are stored; pods
// keep their ownerReferences, Deployments their labels, CRDs their labels, annotations and
// ownerReferences, and a custom resource's status strategy copies the stored object whole.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const manifests = `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs1}
spec:
  replicas: 0
  selector: {matchLabels: {app: rs1}}
  template:
    metadata: {labels: {app: rs1}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: sts1}
spec:
  replicas: 0
  serviceName: sts1
  selector: {matchLabels: {app: sts1}}
  template:
    metadata: {labels: {app: sts1}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds1}
spec:
  selector: {matchLabels: {app: ds1}}
  template:
    metadata: {labels: {app: ds1}}
    spec:
      nodeSelector: {none: none}
      containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: ReplicationController
metadata: {name: rc1}
spec:
  replicas: 0
  selector: {app: rc1}
  template:
    metadata: {labels: {app: rc1}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: pvc1}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: none
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv1}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  storageClassName: none
  hostPath: {path: /tmp/pv1}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
`;

const widget = `apiVersion: example.com/v1
kind: Widget
metadata: {name: w1}
spec: {size: 1}
`;

// a merge patch sent to /status: new labels and annotations
const marked = JSON.stringify({ metadata: { labels: { via: "status" }, annotations: { via: "status" } } });

describe.skipIf(!bin)("podflow serve with the real kubectl: metadata written through /status", () => {
  let s: Served;
  let node = "";
  const k = (args: string[], timeoutMs?: number) => kubectl(bin!, s.kubeconfigPath, args, timeoutMs ? { timeoutMs } : {});
  const ok = async (args: string[], input?: string) => {
    const r = await kubectl(bin!, s.kubeconfigPath, args, input !== undefined ? { input } : {});
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    return r.out;
  };

  beforeAll(async () => {
    s = await serve({ nodes: 1 });
    node = (await ok(["get", "nodes", "-o", "jsonpath={.items[0].metadata.name}"])).trim();
    await ok(["apply", "-f", "-"], manifests);
    await ok(["create", "namespace", "ns1"]);
    await ok(["create", "service", "clusterip", "svc1", "--tcp=80:80"]);
    await ok(["create", "quota", "q1", "--hard=pods=10"]);
    await ok(["create", "deployment", "d1", "--image=nginx", "--replicas=0"]);
    await ok(["create", "job", "j1", "--image=busybox", "--", "true"]);
    await ok(["create", "cronjob", "cj1", "--image=busybox", "--schedule=*/5 * * * *"]);
    await ok(["create", "pdb", "pdb1", "--selector=app=x", "--min-available=1"]);
    await ok(["autoscale", "deployment", "d1", "--max=2"]);
    await ok(["create", "ingress", "ing1", "--rule=foo.com/bar=svc1:80"]);
    await ok(["run", "p1", "--image=nginx"]);
    await ok(["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=30s"]);
    await ok(["apply", "-f", "-"], widget);
  }, 120_000);
  afterAll(async () => {
    await s?.stop();
  });

  const via = async (resource: string) => (await ok(["get", resource, "-o", "jsonpath={.metadata.labels.via}/{.metadata.annotations.via}"])).trim();

  it.each([
    // the strategies that restore only the spec: the client's labels and annotations are stored
    ["pods/p1", "status/status"],
    ["node", "status/status"],
    ["namespaces/ns1", "status/status"],
    ["services/svc1", "status/status"],
    ["persistentvolumeclaims/pvc1", "status/status"],
    ["persistentvolumes/pv1", "status/status"],
    ["resourcequotas/q1", "status/status"],
    ["replicationcontrollers/rc1", "status/status"],
    ["replicasets/rs1", "status/status"],
    ["statefulsets/sts1", "status/status"],
    ["daemonsets/ds1", "status/status"],
    ["jobs/j1", "status/status"],
    ["cronjobs/cj1", "status/status"],
    ["horizontalpodautoscalers/d1", "status/status"],
    ["poddisruptionbudgets/pdb1", "status/status"],
    ["ingresses/ing1", "status/status"],
    // deploymentStatusStrategy: newDeployment.Labels = oldDeployment.Labels, annotations pass
    ["deployments/d1", "/status"],
    // the CRD status strategy restores labels, annotations and ownerReferences
    ["customresourcedefinitions/widgets.example.com", "/"],
    // customResourceStatusStrategy copies the stored object: only its status is written
    ["widgets/w1", "/"],
  ])("kubectl patch %s --subresource=status with labels and annotations stores %j of them", async (resource, want) => {
    const target = resource === "node" ? `nodes/${node}` : resource;
    await ok(["patch", target, "--subresource=status", "--type=merge", "-p", marked]);
    expect(await via(target)).toBe(want);
  });

  it("pods/status keeps the stored ownerReferences but takes the client's finalizers", async () => {
    const owner = { apiVersion: "v1", kind: "ConfigMap", name: "cm", uid: "6b0c3e0a-2f4b-4c55-9a4c-3a4f5e6d7c8b" };
    await ok(["patch", "pods/p1", "--subresource=status", "--type=merge", "-p", JSON.stringify({ metadata: { ownerReferences: [owner], finalizers: ["example.com/hold"] } })]);
    expect((await ok(["get", "pods/p1", "-o", "jsonpath={.metadata.ownerReferences}|{.metadata.finalizers}"])).trim()).toBe('|["example.com/hold"]');
    await ok(["patch", "pods/p1", "--type=json", "-p", '[{"op":"remove","path":"/metadata/finalizers"}]']);
  });

  it("an invalid label sent to cronjobs/status is refused by the common metadata rules and nothing is stored", async () => {
    const before = await ok(["get", "cronjobs/cj1", "-o", "json"]);
    const r = await k(["patch", "cronjobs/cj1", "--subresource=status", "--type=merge", "-p", JSON.stringify({ metadata: { labels: { "bad key!": "x" } } })]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('The CronJob "cj1" is invalid: metadata.labels: Invalid value: "bad key!"');
    expect(await ok(["get", "cronjobs/cj1", "-o", "json"])).toBe(before);
  });
});
