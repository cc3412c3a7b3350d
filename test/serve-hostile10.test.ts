// The tenth hostile round. Go's net/http keeps a header's bytes as they came, so a UTF-8
// Impersonate-User or User-Agent reaches kube-apiserver's handlers as the text the client meant;
// Node reads header bytes as latin1, and podflow must read them back as Go would.

import { request } from "node:https";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { findKubectl, kubectl, serve, raw, type Served } from "./serve-helpers.js";

/** A request whose path is sent as written: URL parsing would resolve its dot segments first. */
function asWritten(s: Served, method: string, path: string, token: string, body?: string): Promise<{ code: number; body: string }> {
  const u = new URL(s.server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, ca: s.server.caCert, headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { "Content-Type": method === "PATCH" ? "application/merge-patch+json" : "application/json" } : {}) } }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ code: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A header value carrying the UTF-8 bytes of text (Node's client writes a header's chars as latin1 bytes). */
const utf8Header = (text: string) => Buffer.from(text, "utf8").toString("latin1");

describe("header bytes past ASCII, read as Go's net/http keeps them", () => {
  let s: Served;
  const admin = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    // the body as bytes: Node's client writes a string body's headers in the body's encoding (UTF-8), not latin1
    raw(s, method, path, { token: s.cluster.adminToken, ...(body !== undefined ? { body: Buffer.from(JSON.stringify(body)) } : {}), headers: { "Content-Type": "application/json", ...headers } });
  const review = { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" };

  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("an impersonated user, group, uid and extra value in UTF-8 are that text (filters/impersonation reads the header as is)", async () => {
    const r = await admin("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", review, {
      "Impersonate-User": utf8Header("bé"),
      "Impersonate-Group": utf8Header("gé"),
      "Impersonate-Uid": utf8Header("ü1"),
      "Impersonate-Extra-k": utf8Header("vé"),
    });
    expect(r.code).toBe(201);
    expect(JSON.parse(r.body).status.userInfo).toEqual({ username: "bé", uid: "ü1", groups: ["gé", "system:authenticated"], extra: { k: ["vé"] } });
  });

  it("kubectl --as with a UTF-8 name: auth whoami shows the name and group as written", async () => {
    const bin = findKubectl();
    expect(bin, "kubectl is not on PATH").toBeDefined();
    const r = await kubectl(bin!, s.kubeconfigPath, ["--as=bé", "--as-group=gé", "auth", "whoami", "-o", "json"]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).status.userInfo).toEqual({ username: "bé", groups: ["gé", "system:authenticated"] });
  });

  it("an extra key's escapes are url.PathUnescape's: a byte that is no UTF-8 is kept (U+FFFD in JSON), a malformed escape keeps the key", async () => {
    const r = await admin("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", review, {
      "Impersonate-User": "bob",
      "Impersonate-Extra-%ff": "a",
      "Impersonate-Extra-x%C3%A9": "b",
      "Impersonate-Extra-y%zz": "c",
    });
    expect(r.code).toBe(201);
    expect(JSON.parse(r.body).status.userInfo.extra).toEqual({ "\ufffd": ["a"], "xé": ["b"], "y%zz": ["c"] });
  });

  it("a User-Agent in UTF-8 names the manager of a write as that text (ManagerOrUserAgent)", async () => {
    const r = await admin("POST", "/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ua-utf8" }, data: { a: "b" } }, { "User-Agent": utf8Header("kubé-tool/1.0 (linux)") });
    expect(r.code).toBe(201);
    expect(JSON.parse(r.body).metadata.managedFields.map((m: any) => m.manager)).toEqual(["kubé-tool"]);
  });
});

describe("a namespace of . or .. in the path, as storage.PrepareKey refuses its key", () => {
  let s: Served;
  const go = (method: string, path: string, body?: string) => asWritten(s, method, path, s.cluster.adminToken, body);
  // ErrorToAPIStatus of the store's plain error: 500, no reason, the key in the message
  const invalidKey = (key: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `invalid key: "${key}"`, code: 500 });

  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("a list, a watch or a deletecollection there is 500 invalid key, and no ConfigMap is deleted", async () => {
    const keep = await go("POST", "/api/v1/namespaces/default/configmaps", JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "keep" } }));
    expect(keep.code).toBe(201);
    for (const [method, path, key] of [
      ["GET", "/api/v1/namespaces/../pods", "/pods/.."],
      ["GET", "/api/v1/namespaces/./pods", "/pods/."],
      ["GET", "/api/v1/namespaces/../configmaps?watch=1", "/configmaps/.."],
      ["GET", "/apis/apps/v1/namespaces/../deployments", "/deployments/.."],
      ["DELETE", "/api/v1/namespaces/../configmaps", "/configmaps/.."],
    ] as const) {
      const r = await go(method, path);
      expect([path, r.code, JSON.parse(r.body)]).toEqual([path, 500, invalidKey(key)]);
    }
    expect((await go("GET", "/api/v1/namespaces/default/configmaps/keep")).code).toBe(200);
  });

  it("an object there: get, patch, delete, a subresource and a connect are 500 with its key (a Service's by its storage prefix)", async () => {
    for (const [method, path, key] of [
      ["GET", "/api/v1/namespaces/../configmaps/x", "/configmaps/../x"],
      ["PATCH", "/api/v1/namespaces/../configmaps/x", "/configmaps/../x"],
      ["DELETE", "/api/v1/namespaces/./configmaps/x", "/configmaps/./x"],
      ["GET", "/api/v1/namespaces/../pods/x/status", "/pods/../x"],
      ["GET", "/api/v1/namespaces/../services/x", "/services/specs/../x"],
      ["POST", "/api/v1/namespaces/../pods/x/exec?command=ls&stdout=1", "/pods/../x"],
    ] as const) {
      const r = await go(method, path, method === "PATCH" ? "{}" : undefined);
      expect([path, r.code, JSON.parse(r.body)]).toEqual([path, 500, invalidKey(key)]);
    }
  });

  it("a create there is NamespaceLifecycle's NotFound (admission comes before the store), and dots inside a name segment are data", async () => {
    const r = await go("POST", "/api/v1/namespaces/../configmaps", JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }));
    expect(r.code).toBe(404);
    expect(JSON.parse(r.body).message).toBe('namespaces ".." not found');
    const list = await go("GET", "/api/v1/namespaces/a../configmaps");
    expect([list.code, JSON.parse(list.body).items]).toEqual([200, []]);
  });
});

describe("pods/binding checked as BindingREST.Create checks it, before the pod is looked up", () => {
  let s: Served;
  const admin = (method: string, path: string, body?: unknown) => raw(s, method, path, { token: s.cluster.adminToken, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const pods = "/api/v1/namespaces/default/pods";
  const binding = (name: string | undefined, target: object) => ({ apiVersion: "v1", kind: "Binding", ...(name !== undefined ? { metadata: { name } } : {}), target });
  const nodeOf = async (pod: string) => JSON.parse((await admin("GET", `${pods}/${pod}`)).body).spec.nodeName;

  beforeAll(async () => {
    s = await serve({ nodes: 1 });
    // a pod no scheduler binds
    const r = await admin("POST", pods, { apiVersion: "v1", kind: "Pod", metadata: { name: "unbound" }, spec: { schedulerName: "nobody", containers: [{ name: "c", image: "nginx:1.27" }] } });
    expect(r.code).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("a Binding that names another pod, or none, is 400 and binds nothing", async () => {
    for (const name of ["other", undefined]) {
      const r = await admin("POST", `${pods}/unbound/binding`, binding(name, { kind: "Node", name: "node-1" }));
      expect([r.code, JSON.parse(r.body)]).toEqual([400, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "name in URL does not match name in Binding object", reason: "BadRequest", code: 400 }]);
    }
    expect(await nodeOf("unbound")).toBeUndefined();
  });

  it("a target that is no Node, or has no name, is ValidatePodBinding's Aggregate: 500 without a reason, and binds nothing", async () => {
    const plain = (message: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code: 500 });
    const pod = await admin("POST", `${pods}/unbound/binding`, binding("unbound", { kind: "Pod", name: "node-1" }));
    expect([pod.code, JSON.parse(pod.body)]).toEqual([500, plain('target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"')]);
    const both = await admin("POST", `${pods}/unbound/binding`, binding("unbound", { kind: "Secret" }));
    expect([both.code, JSON.parse(both.body)]).toEqual([500, plain('[target.kind: Unsupported value: "Secret": supported values: "Node", "<empty>", target.name: Required value]')]);
    // before the pod is looked up: the same for a pod that does not exist
    const missing = await admin("POST", `${pods}/missing/binding`, binding("missing", {}));
    expect([missing.code, JSON.parse(missing.body)]).toEqual([500, plain("target.name: Required value")]);
    expect(await nodeOf("unbound")).toBeUndefined();
  });

  it("a POST to the bindings collection (LegacyBindingREST) binds the pod it names and stores no Binding", async () => {
    const pod = await admin("POST", pods, { apiVersion: "v1", kind: "Pod", metadata: { name: "legacy" }, spec: { schedulerName: "nobody", containers: [{ name: "c", image: "nginx:1.27" }] } });
    expect(pod.code).toBe(201);
    const bindings = "/api/v1/namespaces/default/bindings";
    const bad = await admin("POST", bindings, binding("legacy", { kind: "Pod", name: "node-1" }));
    expect([bad.code, JSON.parse(bad.body).message]).toEqual([500, 'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"']);
    const nameless = await admin("POST", bindings, binding(undefined, { name: "node-1" }));
    expect([nameless.code, JSON.parse(nameless.body).message]).toEqual([400, "Name parameter required."]);
    const missing = await admin("POST", bindings, binding("missing", { name: "node-1" }));
    expect([missing.code, JSON.parse(missing.body).message]).toEqual([404, 'pods "missing" not found']);
    const r = await admin("POST", bindings, binding("legacy", { name: "node-1" }));
    expect([r.code, JSON.parse(r.body)]).toEqual([201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 }]);
    expect(await nodeOf("legacy")).toBe("node-1");
    const again = await admin("POST", bindings, binding("legacy", { name: "node-1" }));
    expect([again.code, JSON.parse(again.body).message]).toEqual([409, 'Operation cannot be fulfilled on pods/binding "legacy": pod legacy is already assigned to node "node-1"']);
    for (const name of ["legacy", "missing"]) expect(s.cluster.get("Binding", name, "default")).toBeUndefined();
  });

  it("a Binding of the pod to a node, its kind empty or Node, binds it", async () => {
    const r = await admin("POST", `${pods}/unbound/binding`, binding("unbound", { name: "node-1" }));
    expect(r.code).toBe(201);
    expect(await nodeOf("unbound")).toBe("node-1");
  });
});
