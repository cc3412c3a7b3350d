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
