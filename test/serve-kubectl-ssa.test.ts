// The real kubectl against `podflow serve` with server-side apply, as the docs' "Server-Side Apply"
// page walks through it: managedFields per manager, two appliers sharing a Deployment, a conflict
// and --force-conflicts, a replicas change by another manager then a conflicting apply, the
// client-side apply that keeps working and kubectl's move from it to server-side apply, dry-run,
// and hostile apply bodies answered with Kubernetes' Status.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKubectl, kubectl, raw, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const deployment = (replicas: number | undefined, image = "nginx:1.14.2") => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
${replicas === undefined ? "" : `  replicas: ${replicas}\n`}  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
`;
const configMap = (k1: string) => `
apiVersion: v1
kind: ConfigMap
metadata:
  name: csa
  labels:
    a: "1"
data:
  k1: ${k1}
  k2: v2
`;

describe.skipIf(!bin)("podflow serve with the real kubectl: server-side apply", () => {
  let s: Served;
  const k = (args: string[], opts: { timeoutMs?: number; input?: string } = {}) => kubectl(bin!, s.kubeconfigPath, args, opts);
  const managed = async (kind: string, name: string) => JSON.parse((await k(["get", kind, name, "-o", "json", "--show-managed-fields"])).out);
  const entry = (obj: any, manager: string, operation: string, subresource?: string) =>
    obj.metadata.managedFields.find((e: any) => e.manager === manager && e.operation === operation && e.subresource === subresource);

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl apply --server-side creates the object and records kubectl's Apply entry in FieldsV1", async () => {
    const r = await k(["apply", "--server-side", "-f", "-"], { input: deployment(3) });
    expect(r.err).toBe("");
    expect(r.out).toBe("deployment.apps/nginx-deployment serverside-applied\n");
    const d = await managed("deployment", "nginx-deployment");
    const mine = entry(d, "kubectl", "Apply");
    expect(mine).toMatchObject({ apiVersion: "apps/v1", fieldsType: "FieldsV1" });
    expect(mine.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(mine.fieldsV1).toEqual({
      "f:metadata": { "f:labels": { "f:app": {} } },
      "f:spec": {
        "f:replicas": {}, "f:selector": {},
        "f:template": {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": { "f:containers": { 'k:{"name":"nginx"}': { ".": {}, "f:image": {}, "f:name": {}, "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } } } } },
        },
      },
    });
    // kubectl hides managedFields unless asked
    expect((await k(["get", "deployment", "nginx-deployment", "-o", "yaml"])).out).not.toContain("managedFields");
  });

  it("the deployment controller's own writes are recorded for kube-controller-manager, its status through the status subresource", async () => {
    let d: any;
    for (let i = 0; i < 50; i++) {
      d = await managed("deployment", "nginx-deployment");
      if (entry(d, "kube-controller-manager", "Update", "status")) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const status = entry(d, "kube-controller-manager", "Update", "status");
    expect(status.fieldsV1["f:status"]).toHaveProperty("f:replicas");
    // getNewReplicaSet sets the revision annotation and writes it with UpdateStatus (deployment/sync.go),
    // and deploymentStatusStrategy keeps only the stored labels: the status entry owns the annotation
    expect(status.fieldsV1["f:metadata"]).toEqual({ "f:annotations": { ".": {}, "f:deployment.kubernetes.io/revision": {} } });
    expect(entry(d, "kube-controller-manager", "Update")).toBeUndefined();
  });

  it("a second applier of another replicas value gets a 409 naming kubectl and the field; --force-conflicts takes the field", async () => {
    const r = await k(["apply", "--server-side", "--field-manager=other", "-f", "-"], { input: deployment(2) });
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    const f = await k(["apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", "-"], { input: deployment(2) });
    expect(f.out).toBe("deployment.apps/nginx-deployment serverside-applied\n");
    const d = await managed("deployment", "nginx-deployment");
    expect(d.spec.replicas).toBe(2);
    expect(entry(d, "other", "Apply").fieldsV1["f:spec"]).toHaveProperty("f:replicas");
    expect(entry(d, "kubectl", "Apply").fieldsV1["f:spec"]).not.toHaveProperty("f:replicas");
    // the image both still apply with the same value: shared
    expect(entry(d, "kubectl", "Apply").fieldsV1["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"nginx"}']).toHaveProperty("f:image");
  });

  it("after kubectl scale, an apply of another replicas value conflicts with the scale subresource's manager", async () => {
    expect((await k(["scale", "deployment", "nginx-deployment", "--replicas=4"])).out).toBe("deployment.apps/nginx-deployment scaled\n");
    const r = await k(["apply", "--server-side", "--field-manager=other", "-f", "-"], { input: deployment(3) });
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas');
    // leaving replicas out gives it up: the apply goes through and replicas stays 4
    const g = await k(["apply", "--server-side", "--field-manager=other", "-f", "-"], { input: deployment(undefined) });
    expect(g.out).toBe("deployment.apps/nginx-deployment serverside-applied\n");
    expect((await managed("deployment", "nginx-deployment")).spec.replicas).toBe(4);
    // the image kubectl's apply shares: another value conflicts with kubectl too
    const i = await k(["apply", "--server-side", "--field-manager=other", "-f", "-"], { input: deployment(undefined, "nginx:1.16.1") });
    expect(i.err).toContain('Apply failed with 1 conflict: conflict with "kubectl": .spec.template.spec.containers[name="nginx"].image');
  });

  it("a server-side dry run answers the applied object and stores nothing", async () => {
    const r = await k(["apply", "--server-side", "--field-manager=other", "--force-conflicts", "--dry-run=server", "-o", "jsonpath={.spec.replicas}", "-f", "-"], { input: deployment(7, "nginx:1.16.1") });
    expect(r.out).toBe("7");
    expect((await k(["get", "deployment", "nginx-deployment", "-o", "jsonpath={.spec.replicas}"])).out).toBe("4");
  });

  it("client-side apply records kubectl-client-side-apply; kubectl apply --server-side then takes the object over without conflict", async () => {
    expect((await k(["apply", "-f", "-"], { input: configMap("v1") })).out).toBe("configmap/csa created\n");
    const before = await managed("configmap", "csa");
    expect(entry(before, "kubectl-client-side-apply", "Update").fieldsV1).toEqual({
      "f:data": { ".": {}, "f:k1": {}, "f:k2": {} },
      "f:metadata": { "f:annotations": { ".": {}, "f:kubectl.kubernetes.io/last-applied-configuration": {} }, "f:labels": { ".": {}, "f:a": {} } },
    });
    // client-side apply keeps working: a changed value, a second time
    expect((await k(["apply", "-f", "-"], { input: configMap("v1b") })).out).toBe("configmap/csa configured\n");
    const r = await k(["apply", "--server-side", "-f", "-"], { input: configMap("changed") });
    expect(r.err).toBe("");
    expect(r.out).toBe("configmap/csa serverside-applied\n");
    const after = await managed("configmap", "csa");
    expect(after.data).toEqual({ k1: "changed", k2: "v2" });
    expect(entry(after, "kubectl", "Apply").fieldsV1).toEqual({ "f:data": { "f:k1": {}, "f:k2": {} }, "f:metadata": { "f:labels": { "f:a": {} } } });
    // the annotation client-side apply reads is kept in step with what was applied
    expect(JSON.parse(after.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]).data).toEqual({ k1: "changed", k2: "v2" });
  });

  it("re-applying `kubectl get -o json` output server-side: its status is reset, not a conflict with the controller's status", async () => {
    // the Updater leaves the endpoint's reset fields out of the comparison (compare.ExcludeFields)
    expect((await k(["create", "deployment", "exported", "--image=nginx", "--replicas=2"])).code).toBe(0);
    let live: any;
    for (let i = 0; i < 50; i++) {
      live = await managed("deployment", "exported");
      if (live.status?.replicas === 2 && entry(live, "kube-controller-manager", "Update", "status")) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const { managedFields: _m, resourceVersion: _rv, ...meta } = live.metadata;
    const status = { ...live.status, replicas: 9, readyReplicas: 0 };
    const r = await k(["apply", "--server-side", "--field-manager=exported", "-f", "-"], { input: JSON.stringify({ ...live, metadata: meta, spec: { ...live.spec, replicas: 5 }, status }) });
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('Apply failed with 1 conflict: conflict with "kubectl-create" using apps/v1: .spec.replicas');
    // the same body without the spec change applies; the controller keeps its status and its fields
    const same = await k(["apply", "--server-side", "--field-manager=exported", "-f", "-"], { input: JSON.stringify({ ...live, metadata: meta, status }) });
    expect(same.out).toBe("deployment.apps/exported serverside-applied\n");
    const d = await managed("deployment", "exported");
    expect(d.status.replicas).toBe(2);
    expect(entry(d, "exported", "Apply").fieldsV1).not.toHaveProperty("f:status");
    expect(entry(d, "kube-controller-manager", "Update", "status").fieldsV1["f:status"]).toHaveProperty("f:replicas");
  });

  it("kubectl label records its own Update entry", async () => {
    await k(["label", "configmap", "csa", "team=web"]);
    const cm = await managed("configmap", "csa");
    expect(entry(cm, "kubectl-label", "Update").fieldsV1).toEqual({ "f:metadata": { "f:labels": { "f:team": {} } } });
  });

  describe("apply requests kubectl would not send", () => {
    const applyRaw = (path: string, body: string, query = "fieldManager=t") =>
      raw(s, "PATCH", `${path}?${query}`, { token: s.cluster.adminToken, body, headers: { "Content-Type": "application/apply-patch+yaml" } });
    const cmPath = "/api/v1/namespaces/default/configmaps/raw";

    it("an apply in CBOR is 415: the CBORServingAndStorage gate is off in v1.35", async () => {
      const r = await raw(s, "PATCH", `${cmPath}?fieldManager=t`, { token: s.cluster.adminToken, body: "\xa0", headers: { "Content-Type": "application/apply-patch+cbor" } });
      expect(r.code).toBe(415);
      expect(JSON.parse(r.body).reason).toBe("UnsupportedMediaType");
    });

    it("no fieldManager: 422 from ValidatePatchOptions; force on a merge patch: 422 as well", async () => {
      const r = await applyRaw(cmPath, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"raw"}}', "");
      expect(r.code).toBe(422);
      expect(JSON.parse(r.body).message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
      const m = await raw(s, "PATCH", `${cmPath}?force=true`, { token: s.cluster.adminToken, body: "{}", headers: { "Content-Type": "application/merge-patch+json" } });
      expect(m.code).toBe(422);
      expect(JSON.parse(m.body).message).toBe('PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
    });

    it("an apply to nothing creates it (201); managedFields in the body, a wrong type, an undeclared field and duplicate keys are refused", async () => {
      const created = await applyRaw(cmPath, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: raw\ndata:\n  a: b\n");
      expect(created.code).toBe(201);
      expect(JSON.parse(created.body).metadata.managedFields[0]).toMatchObject({ manager: "t", operation: "Apply" });
      const mf = await applyRaw(cmPath, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"raw","managedFields":[{"manager":"x"}]}}');
      expect([mf.code, JSON.parse(mf.body).message]).toEqual([400, "metadata.managedFields must be nil"]);
      const wrong = await applyRaw(cmPath, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"raw"},"data":{"a":{"b":1}}}');
      expect(JSON.parse(wrong.body)).toMatchObject({ kind: "Status", status: "Failure" });
      expect(JSON.parse(wrong.body).message).toMatch(/^failed to create typed patch object \(\/raw; \/v1, Kind=ConfigMap\): \.data\.a: expected string, got/);
      const undeclared = await applyRaw(cmPath, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"raw"},"bogus":1}');
      expect(JSON.parse(undeclared.body).message).toBe("failed to create typed patch object (/raw; /v1, Kind=ConfigMap): .bogus: field not declared in schema");
      // a repeated key: refused under Strict (as kubectl asks), the last value with a warning under Warn
      const twice = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: raw\ndata:\n  a: b\n  a: c\n";
      const dup = await applyRaw(cmPath, twice, "fieldManager=t&fieldValidation=Strict");
      expect([dup.code, JSON.parse(dup.body).message]).toEqual([400, 'error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  line 7: key "a" already set in map']);
      const warned = await applyRaw(cmPath, twice, "fieldManager=t&fieldValidation=Warn");
      expect([warned.code, JSON.parse(warned.body).data]).toEqual([200, { a: "c" }]);
      expect(String(warned.headers["warning"])).toContain('line 7: key \\"a\\" already set in map');
      const version = await applyRaw(cmPath, '{"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"raw"}}');
      expect([version.code, JSON.parse(version.body).message]).toEqual([400, "invalid object type: apps/v1, Kind=ConfigMap"]);
    });

    it("an apply to the scale subresource sets replicas and records its manager on the Deployment with subresource scale", async () => {
      const path = "/apis/apps/v1/namespaces/default/deployments/nginx-deployment/scale";
      const conflict = await applyRaw(path, '{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"nginx-deployment"},"spec":{"replicas":1}}', "fieldManager=hpa");
      expect([conflict.code, JSON.parse(conflict.body).message]).toEqual([409, 'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas']);
      const r = await applyRaw(path, '{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"nginx-deployment"},"spec":{"replicas":1}}', "fieldManager=hpa&force=true");
      expect(r.code).toBe(200);
      expect(JSON.parse(r.body)).toMatchObject({ kind: "Scale", spec: { replicas: 1 } });
      const d = await managed("deployment", "nginx-deployment");
      expect(d.spec.replicas).toBe(1);
      expect(entry(d, "hpa", "Apply", "scale")).toMatchObject({ apiVersion: "apps/v1", fieldsV1: { "f:spec": { "f:replicas": {} } } });
      expect(entry(d, "kubectl", "Update", "scale")).toBeUndefined();
    });

    it("deep nesting and a huge body get a Status and the server keeps serving", async () => {
      const deep = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"raw"},"data":${"[".repeat(20000)}${"]".repeat(20000)}}`;
      const r = await applyRaw(cmPath, deep);
      expect(r.code).toBeGreaterThanOrEqual(400);
      expect(JSON.parse(r.body).kind).toBe("Status");
      const big = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "raw", labels: Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, "v"])) } };
      expect((await applyRaw(cmPath, JSON.stringify(big))).code).toBe(200);
      expect((await k(["get", "configmap", "raw", "-o", "name"])).out).toBe("configmap/raw\n");
    });
  });
});
