// Kinds kube-apiserver v1.35 serves that podflow answered "the server doesn't have a resource type"
// for, through the real kubectl against `podflow serve`.
//
// apiregistration.k8s.io/v1 APIService: the aggregator's autoregister controller keeps one local
// APIService per group version the API server serves (pkg/controlplane/apiserver/aggregator.go
// makeAPIService, priorities from cmd/kube-apiserver/app/aggregator.go apiVersionPriorities and
// DefaultGenericAPIServicePriorities), labelled kube-aggregator.kubernetes.io/automanaged=onstart;
// the local available controller marks each Available=True reason Local
// (kube-aggregator pkg/apis/apiregistration/v1/helper NewLocalAvailableAPIServiceCondition); the
// crdregistration controller adds one per served CRD version (GroupPriorityMinimum 1000,
// VersionPriority 100) and removes it with the CRD; the table is kube-aggregator's
// registry/apiservice/etcd ConvertToTable (Name, Service, Available, Age).
//
// flowcontrol.apiserver.k8s.io/v1 FlowSchema and PriorityLevelConfiguration: the mandatory and
// suggested objects of k8s.io/apiserver pkg/apis/flowcontrol/bootstrap/default.go, the Dangling
// condition of pkg/util/flowcontrol/apf_controller.go presyncFlowSchemaStatus, printers.go's
// printFlowSchema(List) and printPriorityLevelConfiguration, and the response headers
// priority-and-fairness.go setResponseHeaders writes with the uids of the request's classification
// (pkg/util/flowcontrol/rule.go's matching, in matchingPrecedence-then-name order).
//
// storage.k8s.io/v1 CSINode: the kubelet creates one per node as it registers
// (pkg/volume/csi/nodeinfomanager CreateCSINode: owned by the Node, no drivers, the migrated in-tree
// plugins of csi_plugin.go in the storage.alpha.kubernetes.io/migrated-plugins annotation);
// printCSINode's NAME DRIVERS AGE.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, raw, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

// the group versions podflow serves that kube-apiserver 1.35 registers, with their priorities
const local: [name: string, group: string, version: string, groupPriority: number, versionPriority: number][] = [
  ["v1.", "", "v1", 18000, 1],
  ["v1.admissionregistration.k8s.io", "admissionregistration.k8s.io", "v1", 16700, 15],
  ["v1.apiextensions.k8s.io", "apiextensions.k8s.io", "v1", 16700, 15],
  ["v1.apps", "apps", "v1", 17800, 15],
  ["v1.authentication.k8s.io", "authentication.k8s.io", "v1", 17700, 15],
  ["v1.authorization.k8s.io", "authorization.k8s.io", "v1", 17600, 15],
  ["v1.autoscaling", "autoscaling", "v1", 17500, 15],
  ["v1.batch", "batch", "v1", 17400, 15],
  ["v1.certificates.k8s.io", "certificates.k8s.io", "v1", 17300, 15],
  ["v1.coordination.k8s.io", "coordination.k8s.io", "v1", 16500, 15],
  ["v1.discovery.k8s.io", "discovery.k8s.io", "v1", 16200, 15],
  ["v1.events.k8s.io", "events.k8s.io", "v1", 17750, 15],
  ["v1.flowcontrol.apiserver.k8s.io", "flowcontrol.apiserver.k8s.io", "v1", 16100, 21],
  ["v1.networking.k8s.io", "networking.k8s.io", "v1", 17200, 15],
  ["v1.node.k8s.io", "node.k8s.io", "v1", 16300, 15],
  ["v1.policy", "policy", "v1", 17100, 15],
  ["v1.rbac.authorization.k8s.io", "rbac.authorization.k8s.io", "v1", 17000, 15],
  ["v1.scheduling.k8s.io", "scheduling.k8s.io", "v1", 16600, 15],
  ["v1.storage.k8s.io", "storage.k8s.io", "v1", 16800, 15],
  ["v2.autoscaling", "autoscaling", "v2", 17500, 30],
];

const crd = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab}
  versions:
  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
  - {name: v2beta1, served: true, storage: false, schema: {openAPIV3Schema: {type: object}}}
  - {name: v1alpha1, served: false, storage: false, schema: {openAPIV3Schema: {type: object}}}
`;

describe.skipIf(!bin)("apiservices with the real kubectl", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000, ...(input !== undefined ? { input } : {}) });
  const get = (path: string) => raw(s, "GET", path, { token: s.cluster.adminToken });
  const cells = (out: string) => out.trimEnd().split("\n").map((l) => l.trim().split(/\s+/));

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("is served in apiregistration.k8s.io/v1 as apiservices, cluster-scoped, in the api-extensions category", async () => {
    const list = JSON.parse((await get("/apis/apiregistration.k8s.io/v1")).body);
    expect(list.resources.find((x: any) => x.name === "apiservices")).toMatchObject({ name: "apiservices", singularName: "apiservice", namespaced: false, kind: "APIService", categories: ["api-extensions"] });
    expect((await k(["api-resources", "--api-group=apiregistration.k8s.io"])).out).toMatch(/^apiservices\s+apiregistration\.k8s\.io\/v1\s+false\s+APIService$/m);
  });

  it("kubectl get apiservices: one Local, Available APIService per served group version, and metrics-server's", async () => {
    const r = await k(["get", "apiservices"]);
    expect(r.code).toBe(0);
    const rows = cells(r.out);
    expect(rows[0]).toEqual(["NAME", "SERVICE", "AVAILABLE", "AGE"]);
    const want = [...local.map(([name]) => [name, "Local", "True"]), ["v1beta1.metrics.k8s.io", "kube-system/metrics-server", "True"]]
      .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
    expect(rows.slice(1).map((row) => row.slice(0, 3))).toEqual(want);
    // every one was registered when the API server started
    for (const row of rows.slice(1)) expect(row[3]).toMatch(/^\d+s$/);
  });

  it("each local APIService carries makeAPIService's spec, the onstart label and the Local condition", async () => {
    for (const [name, group, version, gp, vp] of local) {
      const o = JSON.parse((await get(`/apis/apiregistration.k8s.io/v1/apiservices/${name}`)).body);
      expect(o.metadata.name).toBe(name);
      expect(o.metadata.labels).toEqual({ "kube-aggregator.kubernetes.io/automanaged": "onstart" });
      // Spec.Group and Spec.Service are omitempty: the core group's has neither
      expect(o.spec).toEqual({ ...(group ? { group } : {}), version, groupPriorityMinimum: gp, versionPriority: vp });
      expect(o.status.conditions).toEqual([{ type: "Available", status: "True", lastTransitionTime: o.metadata.creationTimestamp, reason: "Local", message: "Local APIServices are always available" }]);
    }
    const y = await k(["get", "apiservice", "v1beta1.metrics.k8s.io", "-o", "jsonpath={.spec.service.namespace}/{.spec.service.name}:{.spec.service.port} {.spec.groupPriorityMinimum} {.spec.versionPriority} {.status.conditions[0].reason}"]);
    expect(y.out).toBe("kube-system/metrics-server:443 100 100 Passed");
  });

  it("a name nothing serves is the store's NotFound; writes and watches are refused", async () => {
    const r = await k(["get", "apiservice", "v1.example.com"]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('apiservices.apiregistration.k8s.io "v1.example.com" not found');
    const del = await raw(s, "DELETE", "/apis/apiregistration.k8s.io/v1/apiservices/v1.apps", { token: s.cluster.adminToken });
    expect(del.code).toBe(405);
    expect((await get("/apis/apiregistration.k8s.io/v1/apiservices/v1.apps")).code).toBe(200);
    // every computed kind: a write of any shape is the 405 of a missing route, never a decode of its body
    const bodies = ["null", "{}", '{"metadata":{"name":"x"}}'];
    for (const path of ["/apis/apiregistration.k8s.io/v1/apiservices", "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas", "/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations", "/apis/storage.k8s.io/v1/csinodes"]) {
      for (const body of bodies) {
        for (const [method, at] of [["POST", path], ["PUT", `${path}/x`], ["PATCH", `${path}/x`], ["DELETE", `${path}/x`], ["DELETE", path]] as const) {
          const w = await raw(s, method, at, { token: s.cluster.adminToken, ...(method === "DELETE" ? {} : { body }), headers: { "Content-Type": method === "PATCH" ? "application/merge-patch+json" : "application/json" } });
          expect([method, at, body, w.code]).toEqual([method, at, body, 405]);
        }
      }
      expect((await get(`${path}/x`)).code).toBe(404);
    }
    // the same rule for a built-in kind: namespaces have no deletecollection route (api-resources: create delete get list patch update watch)
    expect((await raw(s, "DELETE", "/api/v1/namespaces", { token: s.cluster.adminToken })).code).toBe(405);
    expect((await get("/api/v1/namespaces/default")).code).toBe(200);
  });

  it("a CRD's served versions get theirs (crdregistration: priority 1000/100, automanaged true), gone with the CRD", async () => {
    expect((await k(["apply", "-f", "-"], crd)).code).toBe(0);
    await until(async () => (await k(["get", "apiservice", "v1.stable.example.com"])).code === 0 || undefined, 15_000);
    const o = JSON.parse((await k(["get", "apiservice", "v2beta1.stable.example.com", "-o", "json"])).out);
    expect(o.metadata.labels).toEqual({ "kube-aggregator.kubernetes.io/automanaged": "true" });
    expect(o.spec).toEqual({ group: "stable.example.com", version: "v2beta1", groupPriorityMinimum: 1000, versionPriority: 100 });
    expect(o.status.conditions[0]).toMatchObject({ type: "Available", status: "True", reason: "Local" });
    // a version the CRD does not serve has none
    expect((await k(["get", "apiservice", "v1alpha1.stable.example.com"])).code).not.toBe(0);
    const names = cells((await k(["get", "apiservices", "--no-headers"])).out).map((row) => row[0]);
    expect(names.filter((n) => n!.endsWith(".stable.example.com"))).toEqual(["v1.stable.example.com", "v2beta1.stable.example.com"]);
    expect((await k(["delete", "crd", "crontabs.stable.example.com", "--wait=true"])).code).toBe(0);
    await until(async () => (await k(["get", "apiservice", "v1.stable.example.com"])).code !== 0 || undefined, 15_000);
    expect((await k(["get", "apiservice", "v2beta1.stable.example.com"])).code).not.toBe(0);
  });
});

describe.skipIf(!bin)("flowschemas and prioritylevelconfigurations with the real kubectl", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000 });
  const get = (path: string, headers: Record<string, string> = {}) => raw(s, "GET", path, { token: s.cluster.adminToken, headers });
  const cells = (out: string) => out.trimEnd().split("\n").map((l) => l.trim().split(/\s+/));
  let uid: (resource: string, name: string) => Promise<string>;

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    uid = async (resource, name) => JSON.parse((await get(`/apis/flowcontrol.apiserver.k8s.io/v1/${resource}/${name}`)).body).metadata.uid;
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl get flowschemas: the bootstrap schemas in matching precedence order, none dangling", async () => {
    const r = await k(["get", "flowschemas"]);
    expect(r.code).toBe(0);
    const rows = cells(r.out);
    expect(rows[0]).toEqual(["NAME", "PRIORITYLEVEL", "MATCHINGPRECEDENCE", "DISTINGUISHERMETHOD", "AGE", "MISSINGPL"]);
    expect(rows.slice(1).map((row) => [row[0], row[1], row[2], row[3], row[5]])).toEqual([
      ["exempt", "exempt", "1", "<none>", "False"],
      ["probes", "exempt", "2", "<none>", "False"],
      ["system-leader-election", "leader-election", "100", "ByUser", "False"],
      ["system-node-high", "node-high", "400", "ByUser", "False"],
      ["system-nodes", "system", "500", "ByUser", "False"],
      ["kube-controller-manager", "workload-high", "800", "ByNamespace", "False"],
      ["kube-scheduler", "workload-high", "800", "ByNamespace", "False"],
      ["kube-system-service-accounts", "workload-high", "900", "ByNamespace", "False"],
      ["service-accounts", "workload-low", "9000", "ByUser", "False"],
      ["global-default", "global-default", "9900", "ByUser", "False"],
      ["catch-all", "catch-all", "10000", "ByUser", "False"],
    ]);
  });

  it("kubectl get prioritylevelconfigurations: the eight levels, <none> where a level does not queue", async () => {
    const r = await k(["get", "prioritylevelconfigurations"]);
    expect(r.code).toBe(0);
    const rows = cells(r.out);
    expect(rows[0]).toEqual(["NAME", "TYPE", "NOMINALCONCURRENCYSHARES", "QUEUES", "HANDSIZE", "QUEUELENGTHLIMIT", "AGE"]);
    expect(rows.slice(1).map((row) => row.slice(0, 6))).toEqual([
      ["catch-all", "Limited", "5", "<none>", "<none>", "<none>"],
      ["exempt", "Exempt", "<none>", "<none>", "<none>", "<none>"],
      ["global-default", "Limited", "20", "128", "6", "50"],
      ["leader-election", "Limited", "10", "16", "4", "50"],
      ["node-high", "Limited", "40", "64", "6", "50"],
      ["system", "Limited", "30", "64", "6", "50"],
      ["workload-high", "Limited", "40", "128", "6", "50"],
      ["workload-low", "Limited", "100", "128", "6", "50"],
    ]);
  });

  it("each object as bootstrapped: the autoupdate-spec annotation, the spec of default.go, the Dangling condition", async () => {
    const fs = JSON.parse((await k(["get", "flowschema", "system-leader-election", "-o", "json"])).out);
    expect(fs.metadata.annotations).toEqual({ "apf.kubernetes.io/autoupdate-spec": "true" });
    expect(fs.spec).toEqual({
      priorityLevelConfiguration: { name: "leader-election" }, matchingPrecedence: 100, distinguisherMethod: { type: "ByUser" },
      rules: [{
        subjects: [
          { kind: "User", user: { name: "system:kube-controller-manager" } },
          { kind: "User", user: { name: "system:kube-scheduler" } },
          { kind: "ServiceAccount", serviceAccount: { namespace: "kube-system", name: "*" } },
        ],
        resourceRules: [{ verbs: ["get", "create", "update"], apiGroups: ["coordination.k8s.io"], resources: ["leases"], namespaces: ["*"] }],
      }],
    });
    expect(fs.status.conditions).toEqual([{ type: "Dangling", status: "False", lastTransitionTime: fs.metadata.creationTimestamp, reason: "Found", message: 'This FlowSchema references the PriorityLevelConfiguration object named "leader-election" and it exists' }]);
    const exempt = JSON.parse((await k(["get", "prioritylevelconfiguration", "exempt", "-o", "json"])).out);
    expect(exempt.spec).toEqual({ type: "Exempt", exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } });
    const catchAll = JSON.parse((await k(["get", "prioritylevelconfiguration", "catch-all", "-o", "json"])).out);
    expect(catchAll.spec).toEqual({ type: "Limited", limited: { nominalConcurrencyShares: 5, lendablePercent: 0, limitResponse: { type: "Reject" } } });
  });

  it("every response names the FlowSchema and priority level that classified it, by uid", async () => {
    const classified = async (path: string, headers: Record<string, string>, token?: string) => {
      const r = await raw(s, "GET", path, { ...(token !== undefined ? { token } : {}), headers });
      return [r.headers["x-kubernetes-pf-flowschema-uid"], r.headers["x-kubernetes-pf-prioritylevel-uid"]];
    };
    const as = async (fs: string, pl: string) => {
      const want = [await uid("flowschemas", fs), await uid("prioritylevelconfigurations", pl)];
      for (const u of want) expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      return want;
    };
    const admin = s.cluster.adminToken;
    // system:masters: exempt, whatever it asks
    expect(await classified("/api/v1/namespaces/default/pods", {}, admin)).toEqual(await as("exempt", "exempt"));
    // an anonymous probe of /healthz: probes, at the exempt level
    expect(await classified("/healthz", {})).toEqual(await as("probes", "exempt"));
    // an anonymous read of /version: catch-all is later than global-default
    expect(await classified("/version", {})).toEqual(await as("global-default", "global-default"));
    // a node writing its Node: system-node-high before system-nodes
    expect(await classified("/api/v1/nodes/kind-worker", { "Impersonate-User": "system:node:kind-worker", "Impersonate-Group": "system:nodes" }, admin)).toEqual(await as("system-node-high", "node-high"));
    expect(await classified("/api/v1/namespaces/default/pods", { "Impersonate-User": "system:node:kind-worker", "Impersonate-Group": "system:nodes" }, admin)).toEqual(await as("system-nodes", "system"));
    // the scheduler's lease read is leader election; its pod list is its own schema
    expect(await classified("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler", { "Impersonate-User": "system:kube-scheduler" }, admin)).toEqual(await as("system-leader-election", "leader-election"));
    expect(await classified("/api/v1/pods", { "Impersonate-User": "system:kube-scheduler" }, admin)).toEqual(await as("kube-scheduler", "workload-high"));
    // service accounts: kube-system's are workload-high, others workload-low
    expect(await classified("/api/v1/namespaces/default/pods", { "Impersonate-User": "system:serviceaccount:kube-system:coredns" }, admin)).toEqual(await as("kube-system-service-accounts", "workload-high"));
    expect(await classified("/api/v1/namespaces/default/pods", { "Impersonate-User": "system:serviceaccount:default:app" }, admin)).toEqual(await as("service-accounts", "workload-low"));
    // any other user: global-default, even when authorization then refuses it
    expect(await classified("/api/v1/secrets", { "Impersonate-User": "jane" }, admin)).toEqual(await as("global-default", "global-default"));
    // long-running requests other than watches pass unclassified (BasicLongRunningRequestCheck)
    const logs = await raw(s, "GET", "/api/v1/namespaces/kube-system/pods/nothing/log", { token: admin });
    expect(logs.headers["x-kubernetes-pf-flowschema-uid"]).toBeUndefined();
    const watch = await raw(s, "GET", "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1", { token: admin });
    expect(watch.headers["x-kubernetes-pf-flowschema-uid"]).toBe(await uid("flowschemas", "exempt"));
  });

  it("the configuration is the API server's own: writes are refused and the mandatory objects stay", async () => {
    const del = await raw(s, "DELETE", "/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas/exempt", { token: s.cluster.adminToken });
    expect(del.code).toBe(405);
    expect((await k(["get", "flowschema", "exempt", "catch-all", "-o", "name"])).out.trim().split("\n")).toEqual(["flowschema.flowcontrol.apiserver.k8s.io/exempt", "flowschema.flowcontrol.apiserver.k8s.io/catch-all"]);
    const r = await k(["get", "prioritylevelconfiguration", "no-such-level"]);
    expect(r.err).toContain('prioritylevelconfigurations.flowcontrol.apiserver.k8s.io "no-such-level" not found');
  });
});

describe.skipIf(!bin)("csinodes with the real kubectl", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000 });
  const cells = (out: string) => out.trimEnd().split("\n").map((l) => l.trim().split(/\s+/));

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("every registered node has its CSINode, owned by the Node, with no drivers", async () => {
    const nodes = JSON.parse((await k(["get", "nodes", "-o", "json"])).out).items as any[];
    expect(nodes.length).toBe(2);
    const r = await k(["get", "csinodes"]);
    expect(r.code).toBe(0);
    const rows = cells(r.out);
    expect(rows[0]).toEqual(["NAME", "DRIVERS", "AGE"]);
    expect(rows.slice(1).map((row) => row.slice(0, 2))).toEqual(nodes.map((n) => [n.metadata.name, "0"]).sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    for (const n of nodes) {
      const c = JSON.parse((await k(["get", "csinode", n.metadata.name, "-o", "json"])).out);
      expect(c.metadata.ownerReferences).toEqual([{ apiVersion: "v1", kind: "Node", name: n.metadata.name, uid: n.metadata.uid }]);
      expect(c.metadata.annotations).toEqual({ "storage.alpha.kubernetes.io/migrated-plugins": "kubernetes.io/aws-ebs,kubernetes.io/azure-disk,kubernetes.io/azure-file,kubernetes.io/cinder,kubernetes.io/gce-pd,kubernetes.io/portworx-volume,kubernetes.io/vsphere-volume" });
      expect(c.spec).toEqual({ drivers: [] });
    }
    expect((await k(["get", "csinode", "no-such-node"])).err).toContain('csinodes.storage.k8s.io "no-such-node" not found');
  });
});
