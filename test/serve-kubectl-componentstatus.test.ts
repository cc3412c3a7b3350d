// ComponentStatus (core/v1, deprecated in v1.19+) through the real kubectl against `podflow serve`:
// nothing stored, each object computed from a probe of the servers kube-apiserver 1.35 validates
// (pkg/registry/core/rest: controller-manager and scheduler by their secure /healthz, etcd-0 per
// storage backend; componentstatus/rest.go and validator.go for the conditions), get and list only,
// printComponentStatus's columns, and the deprecation filter's Warning on every answer.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, raw, type Served, serve } from "./serve-helpers.js";

const bin = findKubectl();
const warning = '299 - "v1 ComponentStatus is deprecated in v1.19+"';

describe.skipIf(!bin)("componentstatuses with the real kubectl", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000 });
  const get = (path: string) => raw(s, "GET", path, { token: s.cluster.adminToken });
  const rows = (out: string) => out.trimEnd().split("\n").map((l) => l.trimEnd());

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("is served as componentstatuses (cs), cluster-scoped, get and list only", async () => {
    const list = JSON.parse((await get("/api/v1")).body).resources.find((x: any) => x.name === "componentstatuses");
    expect(list).toEqual({ name: "componentstatuses", singularName: "componentstatus", namespaced: false, kind: "ComponentStatus", verbs: ["get", "list"], shortNames: ["cs"] });
    expect((await k(["api-resources", "--api-group="])).out).toMatch(/^componentstatuses\s+cs\s+v1\s+false\s+ComponentStatus$/m);
    const ex = await k(["explain", "cs.conditions"]);
    expect(ex.err).toBe("");
    expect(ex.out).toContain("List of component conditions observed");
  });

  it("kubectl get cs: every server healthy says ok, with the deprecation warning", async () => {
    const r = await k(["get", "cs"]);
    expect(r.code).toBe(0);
    expect(r.err.trim()).toBe("Warning: v1 ComponentStatus is deprecated in v1.19+");
    expect(rows(r.out)).toEqual([
      "NAME                 STATUS    MESSAGE   ERROR",
      "controller-manager   Healthy   ok",
      "scheduler            Healthy   ok",
      "etcd-0               Healthy   ok",
    ]);
  });

  it("the list and one object as JSON, each with its Healthy condition and the Warning header", async () => {
    const l = await get("/api/v1/componentstatuses");
    expect(l.code).toBe(200);
    expect(l.headers.warning).toBe(warning);
    const list = JSON.parse(l.body);
    expect(list).toMatchObject({ kind: "ComponentStatusList", apiVersion: "v1", metadata: {} });
    expect(list.items.map((c: any) => c.metadata.name)).toEqual(["controller-manager", "scheduler", "etcd-0"]);
    const one = await get("/api/v1/componentstatuses/etcd-0");
    expect(one.headers.warning).toBe(warning);
    expect(JSON.parse(one.body)).toEqual({ kind: "ComponentStatus", apiVersion: "v1", metadata: { name: "etcd-0", creationTimestamp: null }, conditions: [{ type: "Healthy", status: "True", message: "ok" }] });
  });

  it("a name it does not probe is rest.go's plain error, a 500 without a reason", async () => {
    const r = await get("/api/v1/componentstatuses/etcd-1");
    expect(r.code).toBe(500);
    expect(JSON.parse(r.body)).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Component not found: etcd-1", code: 500 });
  });

  it("filters by metadata.name and labels (it has none), refuses other field labels and watches, and takes no writes", async () => {
    const byName = JSON.parse((await get("/api/v1/componentstatuses?fieldSelector=metadata.name%3Dscheduler")).body);
    expect(byName.items.map((c: any) => c.metadata.name)).toEqual(["scheduler"]);
    expect(JSON.parse((await get("/api/v1/componentstatuses?labelSelector=tier%3Dcontrol-plane")).body).items).toEqual([]);
    const field = await get("/api/v1/componentstatuses?fieldSelector=status%3DHealthy");
    expect(field.code).toBe(400);
    // core/v1 registers no field label conversion for ComponentStatus: Scheme.ConvertFieldLabel's default answers
    expect(JSON.parse(field.body).message).toBe(`"status" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    const watch = await get("/api/v1/componentstatuses?watch=true");
    expect(watch.code).toBe(405);
    expect(JSON.parse(watch.body).message).toBe('watch is not supported on resources of kind "componentstatuses"');
    const del = await raw(s, "DELETE", "/api/v1/componentstatuses/scheduler", { token: s.cluster.adminToken });
    expect(del.code).toBe(405);
  });

  it("a crashed scheduler's /healthz refuses the connection: Unhealthy with the prober's message", async () => {
    s.cluster.runtime.crash("scheduler");
    const r = await k(["get", "componentstatus", "scheduler"]);
    const refused = 'Get "https://127.0.0.1:10259/healthz": dial tcp 127.0.0.1:10259: connect: connection refused';
    // kubectl's columns are as wide as their widest cell plus three spaces
    expect(rows(r.out)).toEqual([`NAME        STATUS      ${"MESSAGE".padEnd(refused.length + 3)}ERROR`, `scheduler   Unhealthy   ${refused}`]);
    const obj = JSON.parse((await get("/api/v1/componentstatuses/scheduler")).body);
    expect(obj.conditions).toEqual([{ type: "Healthy", status: "False", message: 'Get "https://127.0.0.1:10259/healthz": dial tcp 127.0.0.1:10259: connect: connection refused' }]);
    // one crashed controller takes the controller-manager down with it
    s.cluster.runtime.crash("job-controller");
    expect(JSON.parse((await get("/api/v1/componentstatuses/controller-manager")).body).conditions[0]).toMatchObject({ status: "False" });
  });
});

// The semantics API reads the same registry: nothing is stored, so a lookup in storage would find none.
describe("componentstatuses through createCluster", () => {
  it("get and list answer the probes: every server healthy; a crashed scheduler Unhealthy", async () => {
    const { createCluster } = await import("../runtime/cluster.js");
    const cluster = createCluster({ nodes: 1, seed: 1 });
    expect(cluster.list("ComponentStatus").map((c) => c.metadata.name)).toEqual(["controller-manager", "etcd-0", "scheduler"]);
    expect(cluster.get("ComponentStatus", "etcd-0").conditions).toEqual([{ type: "Healthy", status: "True", message: "ok" }]);
    expect(cluster.list("ComponentStatus", { fieldSelector: "metadata.name=scheduler" }).length).toBe(1);
    expect(cluster.get("ComponentStatus", "etcd-1")).toBeUndefined();
    cluster.runtime.crash("scheduler");
    expect(cluster.get("ComponentStatus", "scheduler").conditions[0].status).toBe("False");
  });
});
