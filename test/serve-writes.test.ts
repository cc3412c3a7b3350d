// Writes through `podflow serve` as a hostile or careful client makes them: patches whose keys are
// prototype names, dry runs, delete preconditions, Secrets' stringData, uids across restarts.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { join } from "node:path";
import { resources } from "../machines/apiserver/resources.js";
import { findKubectl, kubectl, raw, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();
const examples = join(__dirname, "..", "examples");

const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

function prototypeUntouched(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
  expect(({} as any).groups).toBeUndefined();
}

describe("podflow serve: patches cannot reach Object.prototype", () => {
  let s: Served;
  let proxyToken: string;
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
    proxyToken = [...s.cluster.tokens].find(([, u]) => u.name === "system:kube-proxy")![0];
    const event = { apiVersion: "v1", kind: "Event", metadata: { name: "probe" }, involvedObject: { kind: "Node", name: "node-1" }, reason: "Probe", message: "m", type: "Normal" };
    const created = await raw(s, "POST", "/api/v1/namespaces/default/events", { token: s.cluster.adminToken, body: JSON.stringify(event) });
    expect(created.code).toBe(201);
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kube-proxy's JSON patch of an event at /__proto__/groups is a 422 (a missing path), and kube-proxy stays unable to read secrets", async () => {
    const r = await raw(s, "PATCH", "/api/v1/namespaces/default/events/probe", {
      token: proxyToken,
      body: JSON.stringify([{ op: "add", path: "/__proto__/groups", value: ["system:masters"] }]),
      headers: { "Content-Type": "application/json-patch+json" },
    });
    expect(r.code).toBe(422);
    expect(JSON.parse(r.body)).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server rejected our request due to an error in our request", reason: "Invalid", details: {}, code: 422 });
    prototypeUntouched();
    const secrets = await raw(s, "GET", "/api/v1/secrets", { token: proxyToken });
    expect(secrets.code).toBe(403);
  });

  it.each([
    ["application/merge-patch+json"],
    ["application/strategic-merge-patch+json"],
  ])("a %s patch with a __proto__ key grants nothing and adds no field named groups", async (contentType) => {
    const r = await raw(s, "PATCH", "/api/v1/namespaces/default/events/probe", {
      token: proxyToken,
      body: '{"__proto__": {"groups": ["system:masters"]}, "message": "patched"}',
      headers: { "Content-Type": contentType },
    });
    expect(r.code).toBe(200);
    const got = JSON.parse(r.body);
    expect(got.message).toBe("patched");
    expect(got.groups).toBeUndefined();
    prototypeUntouched();
    const stored = JSON.parse((await raw(s, "GET", "/api/v1/namespaces/default/events/probe", { token: s.cluster.adminToken })).body);
    expect(stored.groups).toBeUndefined();
    expect((await raw(s, "GET", "/api/v1/secrets", { token: proxyToken })).code).toBe(403);
  });
});

/** Every stored object as kind/namespace/name/uid@resourceVersion, but what components write on their own
 * all the time (Events, Leases, and the Node status heartbeat, so a Node's version is left out). */
async function inventory(s: Served, withVersions: boolean): Promise<string[]> {
  const out: string[] = [];
  for (const r of resources) {
    // Events and Leases come and go by themselves; metrics are readings metrics-server scrapes, not stored objects
    if (r.kind === "Event" || r.kind === "Lease" || r.group === "metrics.k8s.io" || !r.verbs.includes("list")) continue;
    const got = await s.cluster.request({ verb: "list", group: r.group, resource: r.resource });
    if (!got.ok) continue;
    for (const o of got.object.items) out.push(`${r.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}/${o.metadata.uid}${withVersions && r.kind !== "Node" ? `@${o.metadata.resourceVersion}` : ""}`);
  }
  return out.sort();
}

describe("podflow serve: dryRun=All goes through admission and validation and writes nothing", () => {
  if (!bin) {
    it("needs kubectl on PATH", () => {
      console.warn("kubectl was not found on PATH: the dry-run checks with kubectl did not run");
      expect(bin).toBeUndefined();
    });
    return;
  }
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin, s.kubeconfigPath, args, input !== undefined ? { input } : {});
  const dep = join(examples, "deployment-service.yaml");
  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl apply --dry-run=server reports both objects created and creates neither", async () => {
    const before = await inventory(s, false);
    const r = await k(["apply", "-f", dep, "--dry-run=server"]);
    expect(r.err).toBe("");
    expect(r.out).toBe("deployment.apps/web created (server dry run)\nservice/web created (server dry run)\n");
    expect(await inventory(s, false)).toEqual(before);
    expect((await k(["get", "deployment", "web"])).err).toBe('Error from server (NotFound): deployments.apps "web" not found\n');
  });

  it("a dry-run create answers with a uid and creationTimestamp but no resourceVersion, and emits no watch event", async () => {
    const events: any[] = [];
    const stop = s.cluster.watch({ group: "", resource: "configmaps", namespace: "default", resourceVersion: String(await currentRevision(s)) }, (ev) => events.push(ev));
    const r = await k(["create", "-f", "-", "--dry-run=server", "-o", "json"], "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n");
    expect(r.err).toBe("");
    const cm = JSON.parse(r.out);
    expect(cm.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(cm.metadata.creationTimestamp).toBeTruthy();
    expect(cm.metadata.resourceVersion).toBeUndefined();
    expect(cm.data).toEqual({ a: "b" });
    await new Promise((res) => setTimeout(res, 500));
    stop();
    expect(events).toEqual([]);
    expect((await k(["get", "configmap", "cm"])).err).toBe('Error from server (NotFound): configmaps "cm" not found\n');
  });

  it("kubectl delete svc kubernetes --dry-run=server leaves the Service as it was", async () => {
    const before = (await s.cluster.request({ verb: "get", group: "", resource: "services", namespace: "default", name: "kubernetes" })).object;
    const r = await k(["delete", "svc", "kubernetes", "--dry-run=server"]);
    expect(r.err).toBe("");
    expect(r.out).toBe('service "kubernetes" deleted (server dry run)\n');
    const after = await s.cluster.request({ verb: "get", group: "", resource: "services", namespace: "default", name: "kubernetes" });
    expect(after.ok).toBe(true);
    expect(after.object.metadata).toEqual(before.metadata);
  });

  it("a dry-run Service shows a ClusterIP and a nodePort that a real Service can then take", async () => {
    const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "np" }, spec: { type: "NodePort", selector: { app: "x" }, ports: [{ port: 80 }] } };
    const dry = await raw(s, "POST", "/api/v1/namespaces/default/services?dryRun=All", { token: s.cluster.adminToken, body: JSON.stringify(svc) });
    expect(dry.code).toBe(201);
    const shown = JSON.parse(dry.body);
    expect(shown.spec.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\./);
    const nodePort = shown.spec.ports[0].nodePort;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    const real = { ...svc, metadata: { name: "np2" }, spec: { ...svc.spec, clusterIP: shown.spec.clusterIP, ports: [{ port: 80, nodePort }] } };
    const created = await raw(s, "POST", "/api/v1/namespaces/default/services", { token: s.cluster.adminToken, body: JSON.stringify(real) });
    expect(created.code).toBe(201);
    expect(JSON.parse(created.body).spec.clusterIP).toBe(shown.spec.clusterIP);
    expect((await k(["delete", "svc", "np2"])).code).toBe(0);
  });

  it("kubectl scale, patch, label, apply and delete with --dry-run=server change no object of the settled cluster", async () => {
    expect((await k(["apply", "-f", dep])).code).toBe(0);
    const rolled = await k(["rollout", "status", "deployment/web", "--timeout=60s"]);
    expect(rolled.out).toMatch(/successfully rolled out/);
    const settled = await until(async () => {
      const a = await inventory(s, true);
      await new Promise((res) => setTimeout(res, 1500));
      const b = await inventory(s, true);
      return JSON.stringify(a) === JSON.stringify(b) ? a : undefined;
    }, 30_000);
    expect(settled, "the cluster should settle (no object changing) after the rollout").toBeTruthy();
    const pod = (await k(["get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].metadata.name}"])).out;
    // kubectl patch sets its printer's operation after adding the dry-run suffix, so it prints plain "patched".
    const runs: [string[], string][] = [
      [["scale", "deployment", "web", "--replicas=7", "--dry-run=server"], "deployment.apps/web scaled (server dry run)\n"],
      [["patch", "deployment", "web", "-p", '{"spec":{"replicas":1}}', "--dry-run=server"], "deployment.apps/web patched\n"],
      [["patch", "deployment", "web", "--type=json", "-p", '[{"op":"replace","path":"/spec/replicas","value":2}]', "--dry-run=server"], "deployment.apps/web patched\n"],
      [["label", "service", "web", "tier=front", "--dry-run=server"], ""],
      [["set", "image", "deployment/web", "nginx=nginx:1.26", "--dry-run=server"], ""],
      [["delete", "pod", pod, "--dry-run=server"], `pod "${pod}" deleted (server dry run)\n`],
      [["delete", "deployment", "web", "--dry-run=server"], 'deployment.apps "web" deleted (server dry run)\n'],
      [["delete", "pods", "--all", "--dry-run=server"], ""],
    ];
    for (const [args, out] of runs) {
      const r = await k(args);
      expect(r.err, args.join(" ")).toBe("");
      expect(r.code, args.join(" ")).toBe(0);
      if (out) expect(r.out, args.join(" ")).toBe(out);
    }
    await new Promise((res) => setTimeout(res, 1500));
    expect(await inventory(s, true)).toEqual(settled);
  }, 120_000);

  // ValidateDryRun's NotSupported holds the []string: apimachinery v0.34+ ErrorBody prints it as json.Marshal.
  it.each([
    ["POST", "/api/v1/namespaces/default/configmaps?dryRun=foo", "CreateOptions", '["foo"]'],
    ["PATCH", "/api/v1/namespaces/default/services/kubernetes?dryRun=All&dryRun=", "PatchOptions", '["All",""]'],
    ["DELETE", "/api/v1/namespaces/default/services/kubernetes?dryRun=true", "DeleteOptions", '["true"]'],
  ])("%s with an unsupported dryRun value is Invalid %s", async (method, path, kind, value) => {
    const r = await raw(s, method, path, {
      token: s.cluster.adminToken,
      ...(method === "DELETE" ? {} : { body: "{}" }),
      ...(method === "PATCH" ? { headers: { "Content-Type": "application/merge-patch+json" } } : {}),
    });
    expect(r.code).toBe(422);
    expect(JSON.parse(r.body)).toEqual({
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Invalid", code: 422,
      message: `${kind}.meta.k8s.io "" is invalid: dryRun: Unsupported value: ${value}: supported values: "All"`,
      details: { group: "meta.k8s.io", kind, causes: [{ reason: "FieldValueNotSupported", message: `Unsupported value: ${value}: supported values: "All"`, field: "dryRun" }] },
    });
    expect((await s.cluster.request({ verb: "get", group: "", resource: "services", namespace: "default", name: "kubernetes" })).ok).toBe(true);
  });
});

async function currentRevision(s: Served): Promise<number> {
  const l = await s.cluster.request({ verb: "list", group: "", resource: "configmaps", namespace: "default" });
  return Number(l.object.metadata.resourceVersion);
}

describe("podflow serve: delete preconditions, Secrets' stringData, uids across starts", () => {
  let s: Served;
  const admin = () => ({ token: s.cluster.adminToken });
  // A DELETE with DeleteOptions in its body, its length given: Node's client sends a DELETE body with
  // neither Content-Length nor chunked framing unless told, and the server then reads a malformed request.
  const del = (path: string, options: object) => {
    const body = JSON.stringify(options);
    return raw(s, "DELETE", path, { ...admin(), body, headers: { "Content-Length": String(Buffer.byteLength(body)) } });
  };
  const create = async (path: string, obj: object) => {
    const r = await raw(s, "POST", path, { ...admin(), body: JSON.stringify(obj) });
    expect(r.code, r.body).toBe(201);
    return JSON.parse(r.body);
  };
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("a delete whose uid or resourceVersion precondition does not match is a Conflict on the kind, worded as rest.BeforeDelete", async () => {
    const cm = await create("/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "pre" }, data: { a: "b" } });
    const byUid = await del("/api/v1/namespaces/default/configmaps/pre", { preconditions: { uid: "x" } });
    expect(byUid.code, byUid.body).toBe(409);
    expect(JSON.parse(byUid.body)).toEqual({
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Conflict", code: 409, details: { name: "pre", kind: "ConfigMap" },
      message: `Operation cannot be fulfilled on ConfigMap "pre": the UID in the precondition (x) does not match the UID in record (${cm.metadata.uid}). The object might have been deleted and then recreated`,
    });
    const byRv = await del("/api/v1/namespaces/default/configmaps/pre", { preconditions: { resourceVersion: "1" } });
    expect(byRv.code).toBe(409);
    expect(JSON.parse(byRv.body).message).toBe(`Operation cannot be fulfilled on ConfigMap "pre": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${cm.metadata.resourceVersion}). The object might have been modified`);
    const dep = await create("/apis/apps/v1/namespaces/default/deployments", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "pre" }, spec: { replicas: 0, selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } } });
    const onApps = await del("/apis/apps/v1/namespaces/default/deployments/pre", { preconditions: { uid: "y" } });
    expect(JSON.parse(onApps.body)).toMatchObject({ code: 409, details: { name: "pre", group: "apps", kind: "Deployment" }, message: `Operation cannot be fulfilled on Deployment.apps "pre": the UID in the precondition (y) does not match the UID in record (${dep.metadata.uid}). The object might have been deleted and then recreated` });
    const matching = await del("/api/v1/namespaces/default/configmaps/pre", { preconditions: { uid: cm.metadata.uid, resourceVersion: cm.metadata.resourceVersion } });
    expect(matching.code).toBe(200);
    expect((await raw(s, "GET", "/api/v1/namespaces/default/configmaps/pre", admin())).code).toBe(404);
  });

  it("a negative gracePeriodSeconds is taken as 1 s, not refused", async () => {
    await create("/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "neg" } });
    const r = await raw(s, "DELETE", "/api/v1/namespaces/default/configmaps/neg?gracePeriodSeconds=-5", admin());
    expect(r.code).toBe(200);
    expect((await raw(s, "GET", "/api/v1/namespaces/default/configmaps/neg", admin())).code).toBe(404);
  });

  it("a Secret's stringData is merged into data as base64 of its UTF-8 and never stored, on create and on patch", async () => {
    const b64 = (t: string) => Buffer.from(t, "utf8").toString("base64");
    const created = await create("/api/v1/namespaces/default/secrets", { apiVersion: "v1", kind: "Secret", metadata: { name: "sd" }, data: { a: b64("old"), keep: b64("k") }, stringData: { a: "new", b: "héllo ✓", constructor: "c" } });
    const want = { a: b64("new"), keep: b64("k"), b: b64("héllo ✓"), constructor: b64("c") };
    expect(created.data).toEqual(want);
    expect(created.stringData).toBeUndefined();
    const got = JSON.parse((await raw(s, "GET", "/api/v1/namespaces/default/secrets/sd", admin())).body);
    expect(got.data).toEqual(want);
    expect(got.stringData).toBeUndefined();
    const patched = await raw(s, "PATCH", "/api/v1/namespaces/default/secrets/sd", { ...admin(), body: JSON.stringify({ stringData: { keep: "changed" } }), headers: { "Content-Type": "application/merge-patch+json" } });
    expect(patched.code).toBe(200);
    expect(JSON.parse(patched.body).data).toEqual({ ...want, keep: b64("changed") });
    expect(JSON.parse(patched.body).stringData).toBeUndefined();
  });

  it("a second serve with the same seed mints different uids (the bootstrap Service's included)", async () => {
    const other = await serve({ nodes: 1, speed: 10 });
    try {
      const uid = async (x: Served) => (await x.cluster.request({ verb: "get", group: "", resource: "services", namespace: "default", name: "kubernetes" })).object.metadata.uid;
      expect(await uid(other)).not.toBe(await uid(s));
      const a = await create("/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "u" } });
      const r = await raw(other, "POST", "/api/v1/namespaces/default/configmaps", { token: other.cluster.adminToken, body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "u" } }) });
      expect(JSON.parse(r.body).metadata.uid).not.toBe(a.metadata.uid);
    } finally {
      await other.stop();
    }
  });
});
