// The thirteenth hostile round, each answer checked against kube-apiserver 1.35's source: a label
// selector parsed as labels.Parse parses it (its field errors, the key's 63-byte name part, in and
// notin as identifiers); a body's apiVersion and kind read as the json serializer reads them
// (FromAPIVersionAndKind, gvkWithDefaults, then the codec's conversion to the internal type).

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { serve, raw, type Served } from "./serve-helpers.js";

let s: Served;
// the length is given: Node sends a DELETE's body without one (no chunked encoding by default)
const admin = (method: string, path: string, body?: unknown, contentType = "application/json") => {
  const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  return raw(s, method, path, { token: s.cluster.adminToken, ...(text !== undefined ? { body: text } : {}), headers: { "Content-Type": contentType, ...(text !== undefined ? { "Content-Length": String(Buffer.byteLength(text)) } : {}) } });
};
const cms = "/api/v1/namespaces/default/configmaps";
const status = (r: { body: string }) => JSON.parse(r.body);

beforeAll(async () => {
  s = await serve({ nodes: 1 });
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

describe("a labelSelector parsed as labels.Parse parses it, through podflow serve", () => {
  beforeAll(async () => {
    expect((await admin("POST", cms, { metadata: { name: "sel-empty", labels: { tier: "" } } })).code).toBe(201);
    expect((await admin("POST", cms, { metadata: { name: "sel-in", labels: { in: "notin" } } })).code).toBe(201);
  });

  // parseKeyAndInferOperator: validateLabelKey(literal, nil path) is field.Invalid at <nil>
  it("a key whose name part is 64 bytes is 400, the key's field error at <nil>, and nothing is listed", async () => {
    const key = "k".repeat(64);
    const r = await admin("GET", `${cms}?labelSelector=${key}%3Dv`);
    expect(r.code).toBe(400);
    expect(status(r).reason).toBe("BadRequest");
    expect(status(r).message).toBe(`unable to parse requirement: <nil>: Invalid value: "${key}": name part must be no more than 63 bytes`);
  });

  it("a value past 63 bytes is NewRequirement's error at values[0][key]; Gt given no integer at values[0]", async () => {
    const long = "v".repeat(64);
    const r = await admin("GET", `${cms}?labelSelector=tier%3D${long}`);
    expect(r.code).toBe(400);
    expect(status(r).message).toBe(`unable to parse requirement: values[0][tier]: Invalid value: "${long}": must be no more than 63 bytes`);
    const gt = await admin("GET", `${cms}?labelSelector=tier%3Ex`);
    expect(gt.code).toBe(400);
    expect(status(gt).message).toBe(`unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`);
  });

  it("in () is the set of the empty value: it lists the ConfigMap whose label is empty", async () => {
    const r = await admin("GET", `${cms}?labelSelector=${encodeURIComponent("tier in ()")}`);
    expect(r.code).toBe(200);
    expect(status(r).items.map((o: any) => o.metadata.name)).toEqual(["sel-empty"]);
  });

  it("in and notin are identifiers where a key or a value stands: in=notin selects the label in: notin", async () => {
    const r = await admin("GET", `${cms}?labelSelector=${encodeURIComponent("in=notin")}`);
    expect(r.code).toBe(200);
    expect(status(r).items.map((o: any) => o.metadata.name)).toEqual(["sel-in"]);
  });
});

describe("a body's apiVersion and kind as the json serializer reads them", () => {
  // gvkWithDefaults: an empty kind is the endpoint's; an apiVersion that is empty, or that
  // ParseGroupVersion refuses ("a/b/c"), or "/v1", has no group and takes the endpoint's version
  it("an empty kind, an empty apiVersion, /v1 and a/b/c are the endpoint's: each ConfigMap is created as v1", async () => {
    const bodies: Array<[string, unknown]> = [
      ["gvk-kind", { apiVersion: "v1", kind: "", metadata: { name: "gvk-kind" } }],
      ["gvk-empty", { apiVersion: "", kind: "ConfigMap", metadata: { name: "gvk-empty" } }],
      ["gvk-slash", { apiVersion: "/v1", kind: "ConfigMap", metadata: { name: "gvk-slash" } }],
      ["gvk-three", { apiVersion: "a/b/c", kind: "ConfigMap", metadata: { name: "gvk-three" } }],
    ];
    for (const [name, body] of bodies) {
      const r = await admin("POST", cms, body);
      expect(r.code, name).toBe(201);
      expect(status(r).apiVersion).toBe("v1");
      expect(status(r).kind).toBe("ConfigMap");
    }
    const put = await admin("PUT", `${cms}/gvk-kind`, { apiVersion: "", kind: "", metadata: { name: "gvk-kind" }, data: { a: "b" } });
    expect(put.code).toBe(200);
    expect(status(put).data).toEqual({ a: "b" });
  });

  // the codec decodes a kind legacyscheme knows, then Convert finds no function to the internal type
  it("a Secret, a List or a Status posted as a ConfigMap is the converter's unknown conversion, and nothing is stored", async () => {
    const cases: Array<[unknown, string]> = [
      [{ apiVersion: "v1", kind: "Secret", metadata: { name: "conv-secret" } }, 'Secret in version "v1" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion'],
      [{ apiVersion: "v1", kind: "List", items: [] }, 'List in version "v1" cannot be handled as a ConfigMap: converting (v1.List) to (core.ConfigMap): unknown conversion'],
      [{ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "conv-deploy" } }, 'Deployment in version "v1" cannot be handled as a ConfigMap: converting (v1.Deployment) to (core.ConfigMap): unknown conversion'],
    ];
    for (const [body, message] of cases) {
      const r = await admin("POST", cms, body);
      expect(r.code).toBe(400);
      expect(status(r).reason).toBe("BadRequest");
      expect(status(r).message).toBe(message);
    }
    const deploy = await admin("POST", "/apis/apps/v1/namespaces/default/deployments", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "conv-cm" } });
    expect(deploy.code).toBe(400);
    expect(status(deploy).message).toBe('ConfigMap in version "v1" cannot be handled as a Deployment: converting (v1.ConfigMap) to (apps.Deployment): unknown conversion');
    const put = await admin("PUT", `${cms}/gvk-empty`, { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "gvk-empty" } });
    expect(put.code).toBe(400);
    expect(status(put).message).toBe('Role in version "v1" cannot be handled as a ConfigMap: converting (v1.Role) to (core.ConfigMap): unknown conversion');
    expect((await admin("GET", `${cms}/conv-secret`)).code).toBe(404);
    expect((await admin("GET", "/api/v1/namespaces/default/secrets/conv-secret")).code).toBe(404);
  });

  it("a kind the version does not register (written in lower case) is not registered, named with its version", async () => {
    const r = await admin("POST", cms, { apiVersion: "v1", kind: "configmap", metadata: { name: "lower" } });
    expect(r.code).toBe(400);
    expect(status(r).message).toBe('configmap in version "v1" cannot be handled as a ConfigMap: no kind "configmap" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"');
    expect((await admin("GET", `${cms}/lower`)).code).toBe(404);
  });
});

describe("a DELETE body decoded by the meta scheme, as the delete handler decodes it", () => {
  const metaScheme = "k8s.io/apimachinery/pkg/apis/meta/internalversion/scheme/register.go:27";
  // DeleteResource: metainternalversionscheme's decoder, an error that is no Status answered as
  // ErrorToAPIStatus answers it (500, no reason); the object stays
  it("a Pod's kind is not registered there: 500 with no reason, and the ConfigMap is not deleted", async () => {
    expect((await admin("POST", cms, { metadata: { name: "del-kind" } })).code).toBe(201);
    const r = await admin("DELETE", `${cms}/del-kind`, { apiVersion: "v1", kind: "Pod" });
    expect(r.code).toBe(500);
    expect(status(r).reason).toBeUndefined();
    expect(status(r).message).toBe(`no kind "Pod" is registered for version "v1" in scheme "${metaScheme}"`);
    expect((await admin("GET", `${cms}/del-kind`)).code).toBe(200);
  });

  it("a kind the meta scheme knows by name (APIResourceList, CreateOptions) has no conversion to DeleteOptions", async () => {
    const list = await admin("DELETE", `${cms}/del-kind`, { apiVersion: "v1", kind: "APIResourceList" });
    expect(list.code).toBe(500);
    expect(status(list).message).toBe("converting (v1.APIResourceList) to (v1.DeleteOptions): unknown conversion");
    const create = await admin("DELETE", `${cms}/del-kind`, { apiVersion: "meta.k8s.io/v1", kind: "CreateOptions" });
    expect(status(create).message).toBe("converting (v1.CreateOptions) to (v1.DeleteOptions): unknown conversion");
    const table = await admin("DELETE", cms, { apiVersion: "meta.k8s.io/v1", kind: "Table" });
    expect(table.code).toBe(500);
    expect(status(table).message).toBe("converting (v1.Table) to (v1.DeleteOptions): unknown conversion");
    expect((await admin("GET", `${cms}/del-kind`)).code).toBe(200);
  });

  it("DeleteOptions in a group's own version (v1), or with no kind, is taken and deletes", async () => {
    expect((await admin("POST", cms, { metadata: { name: "del-v1" } })).code).toBe(201);
    expect((await admin("DELETE", `${cms}/del-v1`, { apiVersion: "v1", kind: "DeleteOptions" })).code).toBe(200);
    expect((await admin("DELETE", `${cms}/del-kind`, { propagationPolicy: "Background" })).code).toBe(200);
    expect((await admin("GET", `${cms}/del-kind`)).code).toBe(404);
  });
});

describe("pods/log refusals written as every handler writes a Status (ErrorNegotiated)", () => {
  // the log route's errors pass through the same negotiation as any other: YAML when asked, and
  // json.Encoder's text (a trailing newline; indented for a curl User-Agent)
  it("a missing pod's 404 asked as YAML is YAML; as JSON it ends in a newline; for curl it is indented", async () => {
    const path = "/api/v1/namespaces/default/pods/no-such-pod/log";
    const yaml = await raw(s, "GET", path, { token: s.cluster.adminToken, headers: { Accept: "application/yaml" } });
    expect(yaml.code).toBe(404);
    expect(yaml.headers["content-type"]).toBe("application/yaml");
    expect(yaml.body).toContain("reason: NotFound\n");
    expect(yaml.body).toContain('message: pods "no-such-pod" not found\n');
    const json = await raw(s, "GET", path, { token: s.cluster.adminToken });
    expect(json.code).toBe(404);
    expect(json.body.endsWith("}\n")).toBe(true);
    expect(JSON.parse(json.body).reason).toBe("NotFound");
    const curl = await raw(s, "GET", path, { token: s.cluster.adminToken, headers: { "User-Agent": "curl/8.5.0" } });
    expect(curl.body.startsWith('{\n  "kind": "Status",\n')).toBe(true);
  });

  it("an anonymous request's Forbidden is negotiated too", async () => {
    const r = await raw(s, "GET", "/api/v1/namespaces/default/pods/no-such-pod/log", { headers: { Accept: "application/yaml" } });
    expect(r.code).toBe(403);
    expect(r.headers["content-type"]).toBe("application/yaml");
    expect(r.body).toContain("reason: Forbidden\n");
  });
});

describe("a cluster-scoped object's metadata.namespace on update, as rest.BeforeUpdate clears it", () => {
  const crs = "/apis/rbac.authorization.k8s.io/v1/clusterroles";
  // the update and patch handlers call EnsureObjectNamespaceMatchesRequestNamespace with the
  // cluster scope's empty namespace: the object's namespace is cleared, as a create's is
  it("a PUT and a merge patch naming a namespace succeed, and the ClusterRole stays without one", async () => {
    const created = await admin("POST", crs, { metadata: { name: "h13-scoped", namespace: "foo" }, rules: [] });
    expect(created.code).toBe(201);
    expect(status(created).metadata.namespace).toBeUndefined();
    const put = await admin("PUT", `${crs}/h13-scoped`, { metadata: { name: "h13-scoped", namespace: "bar", labels: { put: "yes" } }, rules: [] });
    expect(put.code).toBe(200);
    expect(status(put).metadata.namespace).toBeUndefined();
    expect(status(put).metadata.labels).toEqual({ put: "yes" });
    const patch = await admin("PATCH", `${crs}/h13-scoped`, { metadata: { namespace: "baz", labels: { patch: "yes" } } }, "application/merge-patch+json");
    expect(patch.code).toBe(200);
    expect(status(patch).metadata.namespace).toBeUndefined();
    const got = status(await admin("GET", `${crs}/h13-scoped`));
    expect(got.metadata.namespace).toBeUndefined();
    expect(got.metadata.labels).toEqual({ put: "yes", patch: "yes" });
  });

  it("a namespaced object's other namespace is still refused on update", async () => {
    expect((await admin("POST", cms, { metadata: { name: "h13-ns" } })).code).toBe(201);
    const r = await admin("PUT", `${cms}/h13-ns`, { metadata: { name: "h13-ns", namespace: "kube-system" } });
    expect(r.code).toBe(400);
    expect(status(r).message).toBe("the namespace of the provided object does not match the namespace sent on the request");
  });
});

describe("the deprecated /watch/ paths, which kube-apiserver still routes (installer.go's WATCH and WATCHLIST)", () => {
  const events = (body: string) => body.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
  beforeAll(async () => {
    for (const name of ["w-one", "w-two"]) expect((await admin("POST", cms, { metadata: { name } })).code).toBe(201);
  });

  it("a watch of the collection streams its objects, as ?watch=true would", async () => {
    const r = await admin("GET", "/api/v1/watch/namespaces/default/configmaps?timeoutSeconds=1");
    expect(r.code).toBe(200);
    const names = events(r.body).filter((e) => e.type === "ADDED").map((e) => e.object.metadata.name);
    expect(names).toContain("w-one");
    expect(names).toContain("w-two");
  });

  // ListResource with forceWatch: the name becomes the metadata.name field selector
  it("a watch of one object streams that object only", async () => {
    const r = await admin("GET", "/api/v1/watch/namespaces/default/configmaps/w-one?timeoutSeconds=1");
    expect(r.code).toBe(200);
    const added = events(r.body).filter((e) => e.type === "ADDED");
    expect(added.map((e) => e.object.metadata.name)).toEqual(["w-one"]);
  });

  it("a field selector naming another object is 400; naming the same one is taken", async () => {
    const other = await admin("GET", "/api/v1/watch/namespaces/default/configmaps/w-one?fieldSelector=metadata.name%3Dw-two&timeoutSeconds=1");
    expect(other.code).toBe(400);
    expect(status(other).message).toBe("fieldSelector metadata.name doesn't match requested name");
    const same = await admin("GET", "/api/v1/watch/namespaces/default/configmaps/w-one?fieldSelector=metadata.name%3Dw-one&timeoutSeconds=1");
    expect(same.code).toBe(200);
  });

  it("the verb is watch whatever the method: an anonymous request is refused as a watch, and a POST has no route (405)", async () => {
    const anon = await raw(s, "GET", "/api/v1/watch/namespaces/default/configmaps/w-one");
    expect(anon.code).toBe(403);
    expect(status(anon).message).toBe('configmaps "w-one" is forbidden: User "system:anonymous" cannot watch resource "configmaps" in API group "" in the namespace "default"');
    const post = await admin("POST", "/api/v1/watch/namespaces/default/configmaps", { metadata: { name: "w-post" } });
    expect(post.code).toBe(405);
    expect((await admin("GET", `${cms}/w-post`)).code).toBe(404);
  });
});

describe("a watch authorized as a watch (RequestInfo's verb), not as the list podflow asks first", () => {
  let watcher = "";
  beforeAll(async () => {
    expect((await admin("POST", "/api/v1/namespaces/default/serviceaccounts", { metadata: { name: "watch-only" } })).code).toBe(201);
    expect((await admin("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", { metadata: { name: "watch-only" }, rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["watch"] }] })).code).toBe(201);
    expect((await admin("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", { metadata: { name: "watch-only" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "watch-only" }, subjects: [{ kind: "ServiceAccount", name: "watch-only", namespace: "default" }] })).code).toBe(201);
    const tr = await admin("POST", "/api/v1/namespaces/default/serviceaccounts/watch-only/token", { spec: { expirationSeconds: 86400 } });
    expect(tr.code).toBe(201);
    watcher = status(tr).status.token;
  });

  it("a user whose role grants watch alone is served the watch, and refused the list in RBAC's words", async () => {
    const w = await raw(s, "GET", `${cms}?watch=true&timeoutSeconds=1`, { token: watcher });
    expect(w.code).toBe(200);
    expect(w.body.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l).type)).toContain("ADDED");
    const l = await raw(s, "GET", cms, { token: watcher });
    expect(l.code).toBe(403);
    expect(status(l).message).toBe('configmaps is forbidden: User "system:serviceaccount:default:watch-only" cannot list resource "configmaps" in API group "" in the namespace "default"');
  });

  it("an anonymous watch is refused as a watch", async () => {
    const r = await raw(s, "GET", `${cms}?watch=true`);
    expect(r.code).toBe(403);
    expect(status(r).message).toBe('configmaps is forbidden: User "system:anonymous" cannot watch resource "configmaps" in API group "" in the namespace "default"');
  });
});

describe("a body's kind judged at the endpoint's version when the kind is stored at another (autoscaling/v1 HPAs)", () => {
  const hpas = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers";
  const spec = { scaleTargetRef: { kind: "Deployment", name: "d", apiVersion: "apps/v1" }, maxReplicas: 3 };
  it("a Scale is autoscaling/v1's, with no conversion to the HPA; an autoscaling/v2 HPA is AcceptsGroupVersion's 400", async () => {
    const scale = await admin("POST", hpas, { apiVersion: "autoscaling/v1", kind: "Scale", metadata: { name: "hpa-scale" } });
    expect(scale.code).toBe(400);
    expect(status(scale).message).toBe('Scale in version "v1" cannot be handled as a HorizontalPodAutoscaler: converting (v1.Scale) to (autoscaling.HorizontalPodAutoscaler): unknown conversion');
    const v2 = await admin("POST", hpas, { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "hpa-v2" }, spec });
    expect(v2.code).toBe(400);
    expect(status(v2).message).toBe("the API version in the data (autoscaling/v2) does not match the expected API version (autoscaling/v1)");
    expect((await admin("GET", `${hpas}/hpa-v2`)).code).toBe(404);
  });

  it("an empty apiVersion and kind are the endpoint's: the HPA is created and answered as autoscaling/v1", async () => {
    const r = await admin("POST", hpas, { apiVersion: "", kind: "", metadata: { name: "hpa-empty" }, spec });
    expect(r.code).toBe(201);
    expect(status(r).apiVersion).toBe("autoscaling/v1");
    expect(status(r).kind).toBe("HorizontalPodAutoscaler");
  });
});
