// Authentication through `podflow serve`: a hostile bearer token is one more unknown token (401,
// as kube-apiserver's authentication filter answers), and the server keeps serving afterwards.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "node:https";
import { parse as parseYaml } from "yaml";
import { seedFor } from "../machines/common/prng.js";
import { serveCommand } from "../runtime/server/serve.js";
import { findKubectl, kubectl, raw, serve, until, type Served } from "./serve-helpers.js";

/** The Status kube-apiserver's authentication filter writes for a token no authenticator accepts (apierrors.NewUnauthorized("Unauthorized")). */
const unauthorizedStatus = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 };

/** Resolves to the answer, or to "no answer" when the server does not answer within ms. */
function within<T>(p: Promise<T>, ms: number): Promise<T | "no answer"> {
  return Promise.race([p, new Promise<"no answer">((r) => setTimeout(() => r("no answer"), ms))]);
}

describe("bearer tokens that name members of Object.prototype", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it.each(["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf"])(
    "the token %s is Unauthorized, worded as kube-apiserver words it, and the server still answers the admin",
    async (token) => {
      const r = await within(raw(s, "GET", "/api/v1/namespaces/default/pods", { token }), 5_000);
      expect(r).not.toBe("no answer");
      if (r === "no answer") return;
      expect(r.code).toBe(401);
      expect(JSON.parse(r.body)).toEqual(unauthorizedStatus);
      const after = await within(raw(s, "GET", "/api/v1/namespaces/default/pods", { token: s.cluster.adminToken }), 5_000);
      expect(after === "no answer" ? after : after.code).toBe(200);
    },
  );

  const bin = findKubectl();
  it.runIf(bin)("kubectl --token=constructor get pods must log in, and the next kubectl get pods works", async () => {
    const bad = await kubectl(bin!, s.kubeconfigPath, ["--token=constructor", "get", "pods"], { timeoutMs: 15_000 });
    expect(bad.code).toBe(1);
    expect(bad.err.trimEnd().split("\n").at(-1)).toMatch(/^error: You must be logged in to the server \((Unauthorized|the server has asked for the client to provide credentials)\)$/);
    const good = await kubectl(bin!, s.kubeconfigPath, ["get", "pods"], { timeoutMs: 15_000 });
    expect(good.code).toBe(0);
    expect(good.err).toBe("No resources found in default namespace.\n");
  });
});

// bearertoken.Authenticator: the Authorization header trimmed, split at single spaces (at most three
// parts), "bearer" in any case, the second part the token. A header that is no bearer token is not
// refused: no authenticator claims it, and the anonymous one does (system:anonymous), so a malformed
// header never authenticates anyone, nor is it a 401.
describe("Authorization headers that are no bearer token", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });
  const anonymousList = 'namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope';
  const asHeader = (value: string) => raw(s, "GET", "/api/v1/namespaces", { headers: { Authorization: value.replace("T", s.cluster.adminToken) } });

  it("an extra space before the admin's token leaves the request anonymous, with bearertoken's warning", async () => {
    const r = await asHeader("Bearer  T");
    expect([r.code, JSON.parse(r.body).message, r.headers.warning]).toEqual([403, anonymousList, '299 - "the provided Authorization header contains extra space before the bearer token, and is ignored"']);
  });

  it.each(["Bearer\tT", "Basic YWRtaW46YWRtaW4=", "Token T", "Bearer", "BearerT"])("%s is anonymous, not the admin and not a 401", async (value) => {
    const r = await asHeader(value);
    expect([r.code, JSON.parse(r.body).message, r.headers.warning]).toEqual([403, anonymousList, undefined]);
  });

  it("the token is the second space-separated part: what follows it is ignored, and the scheme is matched in any case", async () => {
    expect((await asHeader("Bearer T trailing words")).code).toBe(200);
    expect((await asHeader("bEaReR T")).code).toBe(200);
    expect(JSON.parse((await asHeader("Bearer nobody T")).body)).toEqual(unauthorizedStatus);
  });
});

/** Runs `podflow serve` (its command, in-process) on a free port until the returned stop is called. */
async function podflowServe(extra: { token?: string; kubeconfig?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "podflow-auth-"));
  const file = extra.kubeconfig ?? join(dir, "kubeconfig");
  const out: string[] = [];
  const err: string[] = [];
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const exit = serveCommand(
    { port: "0", nodes: "1", seed: "1", speed: "10", kubeconfig: file, ...(extra.token !== undefined ? { token: extra.token } : {}) },
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    stopped,
  );
  const started = await until(async () => out.some((l) => l.startsWith("export KUBECONFIG=")) || err.length > 0, 10_000, 50);
  const config = started && err.length === 0 ? parseYaml(readFileSync(file, "utf8")) : undefined;
  return {
    file, out, err, config,
    token: config?.users[0].user.token as string | undefined,
    server: config?.clusters[0].cluster.server as string | undefined,
    ca: config ? Buffer.from(config.clusters[0].cluster["certificate-authority-data"], "base64").toString() : undefined,
    stop: async () => {
      stop();
      return exit;
    },
  };
}

function get(server: string, ca: string, path: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server), { ca, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the credentials podflow serve makes", () => {
  // The admin token main derived from --seed: podflow-admin-<seedFor(seed, "admin") in hex>.
  const fromSeed = `podflow-admin-${seedFor(1, "admin").toString(16).padStart(8, "0")}`;

  it("two starts with the same --seed write different admin tokens, and the token computable from the seed is Unauthorized", async () => {
    const a = await podflowServe();
    const b = await podflowServe();
    try {
      expect(a.token).toBeTruthy();
      expect(b.token).toBeTruthy();
      expect(a.token).not.toBe(b.token);
      expect(a.token).not.toBe(fromSeed);
      expect(await get(a.server!, a.ca!, "/api/v1/namespaces/default/pods", fromSeed)).toBe(401);
      expect(await get(a.server!, a.ca!, "/api/v1/namespaces/default/pods", a.token!)).toBe(200);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("the kubeconfig is readable by its owner only, also when it existed before with mode 0644", async () => {
    const dir = mkdtempSync(join(tmpdir(), "podflow-auth-"));
    const kubeconfig = join(dir, "existing");
    writeFileSync(kubeconfig, "old\n");
    chmodSync(kubeconfig, 0o644);
    const fresh = await podflowServe();
    const existing = await podflowServe({ kubeconfig });
    try {
      expect(statSync(fresh.file).mode & 0o777).toBe(0o600);
      expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
      expect(existing.token).toBeTruthy();
    } finally {
      await fresh.stop();
      await existing.stop();
    }
  });

  it("--token fixes the admin token: the kubeconfig carries it and the server accepts it", async () => {
    const s = await podflowServe({ token: "my-script-token.v1" });
    try {
      expect(s.token).toBe("my-script-token.v1");
      expect(await get(s.server!, s.ca!, "/api/v1/namespaces/default/pods", "my-script-token.v1")).toBe(200);
      expect(await get(s.server!, s.ca!, "/api/v1/namespaces/default/pods", fromSeed)).toBe(401);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  it("a --token that cannot travel in a bearer header is refused with exit code 2", async () => {
    const s = await podflowServe({ token: "two words" });
    expect(s.err).toEqual(["error: invalid --token: a bearer token is letters, digits and -._~+/ (then optional '=' padding)"]);
    expect(await s.stop()).toBe(2);
  });
});

describe("authorization through podflow serve", () => {
  let s: Served;
  const bin = findKubectl();
  const asNode1 = ["--as=system:node:node-1", "--as-group=system:nodes"];
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000 });
  const post = (path: string, body: object) => raw(s, "POST", path, { token: s.cluster.adminToken, body: JSON.stringify(body) });
  const pod = (name: string, node: string, secret: string) => ({
    apiVersion: "v1", kind: "Pod", metadata: { name },
    spec: { nodeName: node, containers: [{ name: "c", image: "nginx" }], volumes: [{ name: "s", secret: { secretName: secret } }] },
  });

  beforeAll(async () => {
    s = await serve({ nodes: 2, speed: 10 });
    for (const name of ["s1", "s2"]) expect((await post("/api/v1/namespaces/default/secrets", { apiVersion: "v1", kind: "Secret", metadata: { name }, data: { k: "dg==" } })).code).toBe(201);
    expect((await post("/api/v1/namespaces/default/pods", pod("on1", "node-1", "s1"))).code).toBe(201);
    expect((await post("/api/v1/namespaces/default/pods", pod("on2", "node-2", "s2"))).code).toBe(201);
  });
  afterAll(async () => {
    await s?.stop();
  });

  describe.runIf(bin)("kubectl --as a kubelet (the Node authorizer and NodeRestriction)", () => {
    it("reads the Secret of a pod bound to its node", async () => {
      expect(await k([...asNode1, "get", "secret", "s1", "-o", "name"])).toMatchObject({ code: 0, out: "secret/s1\n" });
    });

    it("may not read the Secret of a pod bound to another node", async () => {
      const r = await k([...asNode1, "get", "secret", "s2"]);
      expect(r.code).toBe(1);
      expect(r.err).toBe(`Error from server (Forbidden): secrets "s2" is forbidden: User "system:node:node-1" cannot get resource "secrets" in API group "" in the namespace "default": no relationship found between node 'node-1' and this object\n`);
    });

    it("lists only the pods of its own node, by field selector", async () => {
      expect(await k([...asNode1, "get", "pods", "--field-selector", "spec.nodeName=node-1", "-o", "name"])).toMatchObject({ code: 0, out: "pod/on1\n" });
      const all = await k([...asNode1, "get", "pods"]);
      expect(all.err).toBe(`Error from server (Forbidden): pods is forbidden: User "system:node:node-1" cannot list resource "pods" in API group "" in the namespace "default": can only list/watch pods with spec.nodeName field selector\n`);
    });

    it("may not delete another node", async () => {
      const r = await k([...asNode1, "delete", "node", "node-2"]);
      expect(r.err).toBe(`Error from server (Forbidden): nodes "node-2" is forbidden: User "system:node:node-1" cannot delete resource "nodes" in API group "" at the cluster scope\n`);
      expect((await k(["get", "node", "node-2", "-o", "name"])).out).toBe("node/node-2\n");
    });

    it("kubectl patch of another node is refused at the read kubectl makes first", async () => {
      const r = await k([...asNode1, "patch", "node", "node-2", "-p", '{"metadata":{"labels":{"stolen":"yes"}}}']);
      expect(r.err).toBe(`Error from server (Forbidden): nodes "node-2" is forbidden: User "system:node:node-1" cannot get resource "nodes" in API group "" at the cluster scope: node 'node-1' cannot read 'node-2', only its own Node object\n`);
    });

    it("may not delete a pod bound to another node", async () => {
      const r = await k([...asNode1, "delete", "pod", "on2", "--wait=false"]);
      expect(r.err).toBe(`Error from server (Forbidden): pods "on2" is forbidden: node "node-1" can only delete pods with spec.nodeName set to itself\n`);
    });
  });

  it("a PATCH of another node passes the Node authorizer and NodeRestriction refuses it", async () => {
    const headers = { "Impersonate-User": "system:node:node-1", "Impersonate-Group": "system:nodes", "Content-Type": "application/merge-patch+json" };
    const r = await raw(s, "PATCH", "/api/v1/nodes/node-2", { token: s.cluster.adminToken, headers, body: '{"metadata":{"labels":{"stolen":"yes"}}}' });
    expect(r.code).toBe(403);
    expect(JSON.parse(r.body)).toEqual({
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Forbidden", code: 403, details: { name: "node-2", kind: "nodes" },
      message: 'nodes "node-2" is forbidden: node "node-1" is not allowed to modify node "node-2"',
    });
    const own = await raw(s, "PATCH", "/api/v1/nodes/node-1", { token: s.cluster.adminToken, headers, body: '{"metadata":{"labels":{"own":"yes"}}}' });
    expect(own.code).toBe(200);
  });

  describe.runIf(bin)("kubectl --as another user", () => {
    it("bob, with no role, may discover the API but not list pods", async () => {
      const r = await k(["--as=bob", "get", "pods"]);
      expect(r.err).toBe(`Error from server (Forbidden): pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"\n`);
    });

    it("bob in system:masters may", async () => {
      expect(await k(["--as=bob", "--as-group=system:masters", "get", "pods", "on1", "-o", "name"])).toMatchObject({ code: 0, out: "pod/on1\n" });
    });
  });

  it("a user without the impersonate verb is refused before the request is served", async () => {
    const proxyToken = [...s.cluster.tokens].find(([, u]) => u.name === "system:kube-proxy")![0];
    const r = await raw(s, "GET", "/api/v1/namespaces/default/pods", { token: proxyToken, headers: { "Impersonate-User": "bob" } });
    expect(r.code).toBe(403);
    expect(JSON.parse(r.body)).toEqual({
      kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Forbidden", code: 403, details: { name: "bob", kind: "users" },
      message: 'users "bob" is forbidden: User "system:kube-proxy" cannot impersonate resource "users" in API group "" at the cluster scope',
    });
  });

  it("Impersonate-Group without Impersonate-User is buildImpersonationRequests' BadRequest: a 400 Status", async () => {
    const r = await raw(s, "GET", "/api/v1/pods", { token: s.cluster.adminToken, headers: { "Impersonate-Group": "system:masters" } });
    expect(r.code).toBe(400);
    expect(JSON.parse(r.body)).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "BadRequest", code: 400, message: "requested [{Group  system:masters    }] without impersonating a user" });
  });

  it.each([
    ["/version", 200],
    ["/healthz", 200],
    ["/readyz", 200],
    ["/api", 403],
    ["/apis/apps/v1", 403],
    ["/openapi/v2", 403],
    ["/openapi/v3", 403],
  ])("anonymous GET %s answers %i (system:public-info-viewer only)", async (path, code) => {
    const r = await raw(s, "GET", path);
    expect(r.code).toBe(code);
    if (code === 403) expect(JSON.parse(r.body)).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", reason: "Forbidden", details: {}, code: 403, message: `forbidden: User "system:anonymous" cannot get path "${path}"` });
  });

  it("anonymous GET of kube-public/cluster-info is allowed (kubeadm's kubeadm:bootstrap-signer-clusterinfo RoleBinding), as `kubectl get cm cluster-info -n kube-public` without credentials", async () => {
    const r = await raw(s, "GET", "/api/v1/namespaces/kube-public/configmaps/cluster-info");
    expect(r.code).toBe(200);
    const cm = JSON.parse(r.body);
    expect([cm.kind, cm.metadata.name, cm.data.kubeconfig.startsWith("apiVersion: v1\nclusters:\n- cluster:\n")]).toEqual(["ConfigMap", "cluster-info", true]);
    const list = await raw(s, "GET", "/api/v1/namespaces/kube-public/configmaps");
    expect(JSON.parse(list.body).message).toBe('configmaps is forbidden: User "system:anonymous" cannot list resource "configmaps" in API group "" in the namespace "kube-public"');
  });

  it.each(["/version", "/api", "/openapi/v2", "/nothing/here"])("an unknown token is Unauthorized at %s too", async (path) => {
    const r = await raw(s, "GET", path, { token: "nope" });
    expect(r.code).toBe(401);
    expect(JSON.parse(r.body)).toEqual(unauthorizedStatus);
  });

  it("an authenticated user without roles discovers /api (system:discovery)", async () => {
    const proxyToken = [...s.cluster.tokens].find(([, u]) => u.name === "system:kube-proxy")![0];
    const r = await raw(s, "GET", "/api", { token: proxyToken });
    expect(r.code).toBe(200);
    expect(JSON.parse(r.body).kind).toBe("APIVersions");
  });

  it("an unknown path is Forbidden to anonymous and NotFound to the admin", async () => {
    expect(JSON.parse((await raw(s, "GET", "/nothing/here")).body).message).toBe('forbidden: User "system:anonymous" cannot get path "/nothing/here"');
    expect((await raw(s, "GET", "/nothing/here", { token: s.cluster.adminToken })).code).toBe(404);
  });

  it("DELETE /api/v1/namespaces is 405 MethodNotAllowed (namespaces have no deletecollection) and every namespace stays", async () => {
    const r = await raw(s, "DELETE", "/api/v1/namespaces", { token: s.cluster.adminToken });
    expect(r.code).toBe(405);
    expect(JSON.parse(r.body)).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server does not allow this method on the requested resource", reason: "MethodNotAllowed", details: {}, code: 405 });
    const list = JSON.parse((await raw(s, "GET", "/api/v1/namespaces", { token: s.cluster.adminToken })).body);
    expect(list.items.map((n: any) => [n.metadata.name, n.status.phase])).toEqual([["default", "Active"], ["kube-node-lease", "Active"], ["kube-public", "Active"], ["kube-system", "Active"]]);
  });

  it("DELETE /api/v1/namespaces by anonymous is Forbidden first", async () => {
    const r = await raw(s, "DELETE", "/api/v1/namespaces");
    expect(JSON.parse(r.body).message).toBe('namespaces is forbidden: User "system:anonymous" cannot deletecollection resource "namespaces" in API group "" at the cluster scope');
  });
});
