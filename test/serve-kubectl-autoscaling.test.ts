// autoscaling/v1 beside autoscaling/v2 with the real kubectl against `podflow serve`: a v1.35
// kube-apiserver lists both versions of the group in discovery (v2 preferred: autoscaling's
// install.go sets the priority v2, v1), in aggregated discovery and in the OpenAPI v3 paths, so
// kubectl resolves `hpa.v1.autoscaling`, explains the v1 schema and lists HPAs in `get all`.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findKubectl, kubectl, raw, type Served, serve } from "./serve-helpers.js";

const bin = findKubectl();
const aggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
const rw = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

describe.skipIf(!bin)("podflow serve with the real kubectl: autoscaling/v1 and v2 in discovery", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args);
  const getJson = async (path: string, accept?: string) => JSON.parse((await raw(s, "GET", path, { token: s.cluster.adminToken, ...(accept ? { headers: { Accept: accept } } : {}) })).body);

  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl api-versions lists autoscaling/v1 and autoscaling/v2", async () => {
    const r = await k(["api-versions"]);
    expect(r.err).toBe("");
    const lines = r.out.split("\n");
    expect(lines).toContain("autoscaling/v1");
    expect(lines).toContain("autoscaling/v2");
  });

  it("/apis and /apis/autoscaling name both versions, v2 preferred", async () => {
    const group = {
      name: "autoscaling",
      versions: [{ groupVersion: "autoscaling/v2", version: "v2" }, { groupVersion: "autoscaling/v1", version: "v1" }],
      preferredVersion: { groupVersion: "autoscaling/v2", version: "v2" },
    };
    expect(await getJson("/apis/autoscaling")).toEqual({ kind: "APIGroup", apiVersion: "v1", ...group });
    const list = await getJson("/apis");
    expect(list.groups.find((g: { name: string }) => g.name === "autoscaling")).toEqual(group);
  });

  it("/apis/autoscaling/v1 lists horizontalpodautoscalers and their status at v1", async () => {
    expect(await getJson("/apis/autoscaling/v1")).toEqual({
      kind: "APIResourceList", apiVersion: "v1", groupVersion: "autoscaling/v1",
      resources: [
        { name: "horizontalpodautoscalers", singularName: "horizontalpodautoscaler", namespaced: true, kind: "HorizontalPodAutoscaler", verbs: rw, shortNames: ["hpa"], categories: ["all"] },
        { name: "horizontalpodautoscalers/status", singularName: "", namespaced: true, kind: "HorizontalPodAutoscaler", verbs: ["get", "patch", "update"] },
      ],
    });
  });

  it("aggregated discovery carries both versions, each with its own response kind", async () => {
    const doc = await getJson("/apis", aggregated);
    const item = doc.items.find((i: { metadata: { name: string } }) => i.metadata.name === "autoscaling");
    expect(item.versions.map((v: { version: string }) => v.version)).toEqual(["v2", "v1"]);
    for (const v of item.versions) {
      expect(v.freshness).toBe("Current");
      expect(v.resources).toEqual([{
        resource: "horizontalpodautoscalers", responseKind: { group: "autoscaling", version: v.version, kind: "HorizontalPodAutoscaler" },
        scope: "Namespaced", singularResource: "horizontalpodautoscaler", verbs: rw, shortNames: ["hpa"], categories: ["all"],
        subresources: [{ subresource: "status", responseKind: { group: "autoscaling", version: v.version, kind: "HorizontalPodAutoscaler" }, verbs: ["get", "patch", "update"] }],
      }]);
    }
  });

  it("the OpenAPI v3 paths list apis/autoscaling/v1, whose document has the v1 schema", async () => {
    const paths = (await getJson("/openapi/v3")).paths;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(["apis/autoscaling/v1", "apis/autoscaling/v2"]));
    const doc = await getJson(paths["apis/autoscaling/v1"].serverRelativeURL);
    const hpa = doc.components.schemas["io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler"];
    expect(hpa["x-kubernetes-group-version-kind"]).toEqual([{ group: "autoscaling", kind: "HorizontalPodAutoscaler", version: "v1" }]);
    expect(Object.keys(doc.components.schemas["io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec"].properties).sort()).toEqual(["maxReplicas", "minReplicas", "scaleTargetRef", "targetCPUUtilizationPercentage"]);
  });

  it("kubectl autoscale, then get horizontalpodautoscalers.v1.autoscaling and .v2 show the one HPA in each version", async () => {
    expect((await k(["create", "deployment", "web", "--image=nginx"])).out).toBe("deployment.apps/web created\n");
    const a = await k(["autoscale", "deployment", "web", "--cpu-percent=50", "--min=1", "--max=3"]);
    expect(a.err).toBe("");
    expect(a.out).toBe("horizontalpodautoscaler.autoscaling/web autoscaled\n");
    const v1 = await k(["get", "horizontalpodautoscalers.v1.autoscaling", "web", "-o", "jsonpath={.apiVersion} {.spec.targetCPUUtilizationPercentage} {.spec.maxReplicas}"]);
    expect(v1.err).toBe("");
    expect(v1.out).toBe("autoscaling/v1 50 3");
    const v2 = await k(["get", "horizontalpodautoscalers.v2.autoscaling", "web", "-o", "jsonpath={.apiVersion} {.spec.metrics[0].resource.target.averageUtilization}"]);
    expect(v2.out).toBe("autoscaling/v2 50");
    const table = (await k(["get", "horizontalpodautoscalers.v1.autoscaling"])).out.split("\n");
    expect(table[0]).toMatch(/^NAME +REFERENCE +TARGETS +MINPODS +MAXPODS +REPLICAS +AGE$/);
    expect(table[1]).toMatch(/^web +Deployment\/web +/);
  });

  it("a watch at autoscaling/v1 sees the HPA at v1", async () => {
    const r = await raw(s, "GET", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers?watch=true&timeoutSeconds=1&fieldSelector=metadata.name%3Dweb", { token: s.cluster.adminToken });
    const first = JSON.parse(r.body.split("\n")[0]!);
    expect(first).toMatchObject({ type: "ADDED", object: { apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { name: "web" }, spec: { targetCPUUtilizationPercentage: 50 } } });
    expect(first.object.spec.metrics).toBeUndefined();
  });

  it("hpa.v1.autoscaling resolves; kubectl 1.32 reads it at the preferred version, as against kube-apiserver", async () => {
    // client-go v0.32 restmapper/shortcut.go expands a short name into a fresh GroupVersionResource
    // (group and resource only), so the version asked with a short name is dropped
    const r = await k(["get", "hpa.v1.autoscaling", "web", "-o", "jsonpath={.apiVersion}"]);
    expect(r.err).toBe("");
    expect(r.out).toBe("autoscaling/v2");
  });

  it("kubectl get all lists the HPA (its REST storage is in the all category)", async () => {
    const r = await k(["get", "all", "-o", "name"]);
    expect(r.out.split("\n")).toContain("horizontalpodautoscaler.autoscaling/web");
  });

  it("kubectl explain reads the v1 schema when asked for autoscaling/v1", async () => {
    const r = await k(["explain", "hpa.spec", "--api-version=autoscaling/v1"]);
    expect(r.err).toBe("");
    expect(r.out).toMatch(/^GROUP: +autoscaling\nKIND: +HorizontalPodAutoscaler\nVERSION: +v1\n/);
    expect(r.out).toMatch(/^ {2}targetCPUUtilizationPercentage\t<integer>$/m);
    const v2 = await k(["explain", "hpa.spec"]);
    expect(v2.out).toMatch(/^VERSION: +v2$/m);
    expect(v2.out).toMatch(/^ {2}metrics\t<\[\]MetricSpec>$/m);
  });

  it("an autoscaling/v1 manifest applied, changed and applied again: the v1 field is patched at v1", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "podflow-hpa-v1-")), "hpa.yaml");
    const manifest = (pct: number) => `apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: web-v1
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 1
  maxReplicas: 4
  targetCPUUtilizationPercentage: ${pct}
`;
    writeFileSync(file, manifest(60));
    expect(await k(["apply", "-f", file])).toEqual({ code: 0, out: "horizontalpodautoscaler.autoscaling/web-v1 created\n", err: "" });
    writeFileSync(file, manifest(70));
    expect(await k(["apply", "-f", file])).toEqual({ code: 0, out: "horizontalpodautoscaler.autoscaling/web-v1 configured\n", err: "" });
    expect((await k(["get", "horizontalpodautoscalers.v1.autoscaling", "web-v1", "-o", "jsonpath={.spec.targetCPUUtilizationPercentage}"])).out).toBe("70");
    expect((await k(["get", "hpa", "web-v1", "-o", "jsonpath={.spec.metrics[0].resource.target.averageUtilization}"])).out).toBe("70");
    const merge = await k(["patch", "horizontalpodautoscalers.v1.autoscaling", "web-v1", "--type=merge", "-p", '{"spec":{"targetCPUUtilizationPercentage":80}}']);
    expect(merge.out).toBe("horizontalpodautoscaler.autoscaling/web-v1 patched\n");
    expect((await k(["get", "hpa", "web-v1", "-o", "jsonpath={.spec.metrics[0].resource.target.averageUtilization}"])).out).toBe("80");
  });

  it("a patch at v1 keeps what only v2 can say: behavior and the metrics besides the CPU target", async () => {
    const v2 = JSON.stringify({
      apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "mixed" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 1, maxReplicas: 5,
        metrics: [
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } },
          { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "100Mi" } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
      },
    });
    expect((await raw(s, "POST", "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers", { token: s.cluster.adminToken, body: v2 })).code).toBe(201);
    const p = await k(["patch", "horizontalpodautoscalers.v1.autoscaling", "mixed", "-p", '{"spec":{"targetCPUUtilizationPercentage":65}}']);
    expect(p.out).toBe("horizontalpodautoscaler.autoscaling/mixed patched\n");
    const got = JSON.parse((await k(["get", "horizontalpodautoscalers.v2.autoscaling", "mixed", "-o", "json"])).out);
    expect(got.spec.metrics).toEqual([
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 65 } } },
      { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "100Mi" } } },
    ]);
    expect(got.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(60);
  });

  it("a v1 body is decoded as v1: a v2 field in it is unknown there (strict), as the v1 Go type has no such field", async () => {
    const body = JSON.stringify({ apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { name: "strict" }, spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, maxReplicas: 2, metrics: [] } });
    const r = await raw(s, "POST", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers?fieldValidation=Strict", { token: s.cluster.adminToken, body });
    expect(r.code).toBe(400);
    expect(JSON.parse(r.body).message).toBe('HorizontalPodAutoscaler in version "v1" cannot be handled as a HorizontalPodAutoscaler: strict decoding error: unknown field "spec.metrics"');
    const wrongType = JSON.stringify({ apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { name: "typed" }, spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, maxReplicas: 2, targetCPUUtilizationPercentage: "50" } });
    const t = await raw(s, "POST", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers", { token: s.cluster.adminToken, body: wrongType });
    expect(t.code).toBe(400);
    expect(JSON.parse(t.body).message).toBe('HorizontalPodAutoscaler in version "v1" cannot be handled as a HorizontalPodAutoscaler: json: cannot unmarshal string into Go struct field HorizontalPodAutoscalerSpec.spec.targetCPUUtilizationPercentage of type int32');
  });
});
