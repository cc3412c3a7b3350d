// kubectl auth can-i and kubectl auth whoami against `podflow serve`: they post (in protobuf)
// SelfSubjectAccessReview, SelfSubjectRulesReview and SelfSubjectReview, and print what
// kube-apiserver's answers make them print (kubectl's cmd/auth/cani.go and whoami.go).

import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { InvalidArgumentError } from "commander";
import { parse as parseYaml } from "yaml";
import { userList } from "../cli/options.js";
import { serveCommand } from "../runtime/server/serve.js";
import { findKubectl, kubectl, raw, serve, until, type Served } from "./serve-helpers.js";

const bin = findKubectl();

describe.runIf(bin)("kubectl auth", () => {
  let s: Served;
  const k = (args: string[]) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000 });
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it.each([
    ["the admin (system:masters) may create pods", ["auth", "can-i", "create", "pods"], 0, "yes\n"],
    ["the admin may do anything anywhere", ["auth", "can-i", "'*'", "'*'", "--all-namespaces"], 0, "yes\n"],
    ["the default service account has no permissions", ["auth", "can-i", "get", "pods", "--as", "system:serviceaccount:default:default"], 1, "no\n"],
    ["an authenticated user may create a SelfSubjectAccessReview (system:basic-user)", ["auth", "can-i", "create", "selfsubjectaccessreviews.authorization.k8s.io", "-A", "--as", "bob"], 0, "yes\n"],
    ["an authenticated user may read /healthz (system:public-info-viewer)", ["auth", "can-i", "get", "/healthz", "--as", "bob"], 0, "yes\n"],
    ["an authenticated user may not read /metrics", ["auth", "can-i", "get", "/metrics", "--as", "bob"], 1, "no\n"],
    ["the scheduler may bind pods (pods/binding is a subresource)", ["auth", "can-i", "create", "pods", "--subresource=binding", "--as", "system:kube-scheduler"], 0, "yes\n"],
    ["the scheduler may not create pods", ["auth", "can-i", "create", "pods", "--as", "system:kube-scheduler"], 1, "no\n"],
    [
      "a kubelet may not list pods without its field selector: the Node authorizer's reason follows the no",
      ["auth", "can-i", "list", "pods", "--as", "system:node:node-1", "--as-group", "system:nodes"], 1, "no - can only list/watch pods with spec.nodeName field selector\n",
    ],
    [
      "a kubelet may not read a Secret no pod on its node uses",
      ["auth", "can-i", "get", "secrets/nope", "-n", "kube-system", "--as", "system:node:node-1", "--as-group", "system:nodes"], 1, "no - no relationship found between node 'node-1' and this object\n",
    ],
  ])("%s", async (_name, args, code, out) => {
    const r = await k(args.map((a) => a.replace(/^'(.*)'$/, "$1")));
    expect(r.err).toBe("");
    expect(r.code).toBe(code);
    expect(r.out).toBe(out);
  });

  it("kubectl auth whoami prints the admin's user and groups", async () => {
    const r = await k(["auth", "whoami"]);
    expect(r.err).toBe("");
    expect(r.out.split("\n").map((l) => l.trimEnd())).toEqual(["ATTRIBUTE   VALUE", "Username    admin", "Groups      [system:masters system:authenticated]", ""]);
  });

  it("kubectl auth whoami as an impersonated user shows the groups impersonation gives it", async () => {
    const r = await k(["auth", "whoami", "--as", "jane", "--as-group", "devs"]);
    expect(r.out.split("\n").map((l) => l.trimEnd())).toEqual(["ATTRIBUTE   VALUE", "Username    jane", "Groups      [devs system:authenticated]", ""]);
  });

  it("kubectl auth can-i --list, as the admin: cluster-admin's wildcards, then what every authenticated user may do", async () => {
    const r = await k(["auth", "can-i", "--list"]);
    expect(r.err).toBe("");
    const rows = r.out.trimEnd().split("\n").map((l) => l.trim().split(/\s{2,}/));
    expect(rows[0]).toEqual(["Resources", "Non-Resource URLs", "Resource Names", "Verbs"]);
    expect(rows.slice(1, 6)).toEqual([
      ["*.*", "[]", "[]", "[*]"],
      ["[*]", "[]", "[*]"],
      ["selfsubjectreviews.authentication.k8s.io", "[]", "[]", "[create]"],
      ["selfsubjectaccessreviews.authorization.k8s.io", "[]", "[]", "[create]"],
      ["selfsubjectrulesreviews.authorization.k8s.io", "[]", "[]", "[create]"],
    ]);
    // system:discovery and system:public-info-viewer both grant /healthz: kubectl prints it twice, as against a kubeadm cluster
    expect(rows.filter((x) => x[0] === "[/healthz]")).toEqual([["[/healthz]", "[]", "[get]"], ["[/healthz]", "[]", "[get]"]]);
  });

  it("kubectl auth can-i --list for a kubelet warns that the list may be incomplete", async () => {
    const r = await k(["auth", "can-i", "--list", "--as", "system:node:node-1", "--as-group", "system:nodes"]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("Warning: the list may be incomplete: node authorizer does not support user rule resolution\n");
  });

  it("the reviews are in discovery", async () => {
    const r = await k(["api-resources", "--api-group=authorization.k8s.io", "-o", "name"]);
    expect(r.out.split("\n").filter(Boolean).sort()).toEqual(["localsubjectaccessreviews.authorization.k8s.io", "selfsubjectaccessreviews.authorization.k8s.io", "selfsubjectrulesreviews.authorization.k8s.io", "subjectaccessreviews.authorization.k8s.io"]);
    const authn = await k(["api-resources", "--api-group=authentication.k8s.io", "-o", "name"]);
    expect(authn.out.split("\n").filter(Boolean).sort()).toEqual(["selfsubjectreviews.authentication.k8s.io", "tokenreviews.authentication.k8s.io"]);
  });

  // pkg/registry/authentication/tokenreview: the token is authenticated for the review's audiences (the
  // API server's, kind's https://kubernetes.default.svc.cluster.local, when it names none); 201 either way.
  const review = async (name: string, spec: object, as?: string[]) => {
    const file = join(dirname(s.kubeconfigPath), `${name}.json`);
    writeFileSync(file, JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec }));
    return k(["create", "-f", file, "-o", "json", ...(as ?? [])]);
  };

  it("a TokenReview of a service account token for its audience authenticates it: the account, its groups and the audience", async () => {
    const token = (await k(["create", "token", "default", "--audience", "vault"])).out.trim();
    const r = await review("tr-vault", { token, audiences: ["vault"] });
    expect(r.err).toBe("");
    const got = JSON.parse(r.out);
    expect(got.kind).toBe("TokenReview");
    expect(got.status.authenticated).toBe(true);
    expect(got.status.audiences).toEqual(["vault"]);
    expect(got.status.user.username).toBe("system:serviceaccount:default:default");
    expect(got.status.user.groups).toEqual(["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"]);
    expect(got.status.user.uid).toBe((await k(["get", "serviceaccount", "default", "-o", "jsonpath={.metadata.uid}"])).out);
    expect(Object.keys(got.status.user.extra)).toEqual(["authentication.kubernetes.io/credential-id"]);
  });

  it("a TokenReview naming no audience asks for the API server's: a token for another audience is not authenticated, one for the API server is", async () => {
    const vault = (await k(["create", "token", "default", "--audience", "vault"])).out.trim();
    const refused = JSON.parse((await review("tr-other", { token: vault })).out);
    expect(refused.status.authenticated).toBeUndefined();
    expect(refused.status.user).toEqual({});
    const api = (await k(["create", "token", "default"])).out.trim();
    const accepted = JSON.parse((await review("tr-api", { token: api })).out);
    expect(accepted.status.authenticated).toBe(true);
    expect(accepted.status.audiences).toEqual(["https://kubernetes.default.svc.cluster.local"]);
  });

  // status.error is the request authenticator's err.Error() (tokenreview/storage.go): the loopback token's
  // bearertoken first ("invalid bearer token", genericapiserver AuthorizeClientBearerToken), then the service
  // account JWT authenticator's (pkg/serviceaccount/jwt.go, claims.go), joined by utilerrors.NewAggregate
  const reviewError = async (name: string, spec: object) => {
    const r = await review(name, spec);
    expect(r.err).toBe("");
    const got = JSON.parse(r.out);
    expect(got.status.authenticated).toBeUndefined();
    expect(got.status.user).toEqual({});
    return got.status.error;
  };

  it("a TokenReview of a token for another audience says which audiences it has and which were asked (jwt.go's %q of both lists)", async () => {
    const token = (await k(["create", "token", "default", "--audience", "vault", "--audience", "nomad"])).out.trim();
    expect(await reviewError("tr-aud", { token })).toBe('[invalid bearer token, token audiences ["vault" "nomad"] is invalid for the target audiences ["https://kubernetes.default.svc.cluster.local"]]');
    expect(await reviewError("tr-aud2", { token, audiences: ["consul", "etcd"] })).toBe('[invalid bearer token, token audiences ["vault" "nomad"] is invalid for the target audiences ["consul" "etcd"]]');
  });

  it("a TokenReview of a token bound to a pod that was deleted: the token has been invalidated (claims.go's GetPod)", async () => {
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "tr-bound" }, spec: { containers: [{ name: "c", image: "nginx" }] } };
    const file = join(dirname(s.kubeconfigPath), "tr-bound-pod.json");
    writeFileSync(file, JSON.stringify(pod));
    expect((await k(["create", "-f", file])).code).toBe(0);
    const token = (await k(["create", "token", "default", "--bound-object-kind", "Pod", "--bound-object-name", "tr-bound", "--duration", "10m"])).out.trim();
    const live = JSON.parse((await review("tr-bound-live", { token })).out);
    expect(live.status.authenticated).toBe(true);
    expect(live.status.user.extra["authentication.kubernetes.io/pod-name"]).toEqual(["tr-bound"]);
    expect((await k(["delete", "pod", "tr-bound", "--grace-period=0", "--force"])).code).toBe(0);
    expect(await reviewError("tr-bound-gone", { token })).toBe("[invalid bearer token, service account token has been invalidated]");
  });

  it("a TokenReview of a token whose service account was deleted: the client's NotFound (claims.go returns the getter's error)", async () => {
    expect((await k(["create", "serviceaccount", "tr-robot"])).code).toBe(0);
    const token = (await k(["create", "token", "tr-robot"])).out.trim();
    expect(JSON.parse((await review("tr-robot-live", { token })).out).status.authenticated).toBe(true);
    expect((await k(["delete", "serviceaccount", "tr-robot"])).code).toBe(0);
    expect(await reviewError("tr-robot-gone", { token })).toBe('[invalid bearer token, serviceaccounts "tr-robot" not found]');
  });

  it("a TokenReview of a secret-based token: its audience is the API server's, and once its Secret is gone legacy.go says it has been invalidated", async () => {
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "tr-legacy", annotations: { "kubernetes.io/service-account.name": "default" } }, type: "kubernetes.io/service-account-token" };
    const file = join(dirname(s.kubeconfigPath), "tr-legacy-secret.json");
    writeFileSync(file, JSON.stringify(secret));
    expect((await k(["create", "-f", file])).code).toBe(0);
    const token = await until(async () => Buffer.from((await k(["get", "secret", "tr-legacy", "-o", "jsonpath={.data.token}"])).out.trim(), "base64").toString("utf8") || undefined, 10_000);
    expect(JSON.parse((await review("tr-legacy-live", { token })).out).status.authenticated).toBe(true);
    expect(await reviewError("tr-legacy-aud", { token, audiences: ["vault"] })).toBe('[invalid bearer token, token audiences ["https://kubernetes.default.svc.cluster.local"] is invalid for the target audiences ["vault"]]');
    expect((await k(["delete", "secret", "tr-legacy"])).code).toBe(0);
    expect(await reviewError("tr-legacy-gone", { token })).toBe("[invalid bearer token, Token has been invalidated]");
  });

  it("a TokenReview of a token past its expiry and go-jose's minute of leeway: the token has expired", async () => {
    const token = (await k(["create", "token", "default", "--duration", "10m"])).out.trim();
    expect(JSON.parse((await review("tr-fresh", { token })).out).status.authenticated).toBe(true);
    s.cluster.advance(10 * 60_000 + 61_000);
    expect(await reviewError("tr-expired", { token })).toBe("[invalid bearer token, service account token has expired]");
  });

  it("a TokenReview without a token is 400 (the registry's check), and one by a user without create on tokenreviews is 403", async () => {
    const empty = await review("tr-empty", { token: "" });
    expect(empty.code).toBe(1);
    expect(empty.err).toBe("Error from server (BadRequest): error when creating \"" + join(dirname(s.kubeconfigPath), "tr-empty.json") + "\": token is required for TokenReview in authentication\n");
    const bob = await review("tr-bob", { token: "abc" }, ["--as", "bob"]);
    expect(bob.err).toContain('tokenreviews.authentication.k8s.io is forbidden: User "bob" cannot create resource "tokenreviews" in API group "authentication.k8s.io" at the cluster scope');
  });

  it("a SubjectAccessReview posted as JSON comes back 201 with RBAC's reason", async () => {
    const file = join(dirname(s.kubeconfigPath), "sar.json");
    writeFileSync(file, JSON.stringify({ apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec: { user: "system:kube-proxy", resourceAttributes: { verb: "watch", resource: "nodes" } } }));
    const r = await k(["create", "-f", file, "-o", "jsonpath={.status.allowed} {.status.reason}"]);
    expect(r.out).toBe('true RBAC: allowed by ClusterRoleBinding "system:node-proxier" of ClusterRole "system:node-proxier" to User "system:kube-proxy"');
  });

  it("a LocalSubjectAccessReview posted in a namespace answers there", async () => {
    const file = join(dirname(s.kubeconfigPath), "lsar.json");
    writeFileSync(file, JSON.stringify({ apiVersion: "authorization.k8s.io/v1", kind: "LocalSubjectAccessReview", spec: { user: "bob", resourceAttributes: { namespace: "kube-system", verb: "get", resource: "secrets" } } }));
    const r = await k(["create", "-f", file, "-n", "kube-system", "-o", "jsonpath={.metadata.namespace} {.status.allowed}"]);
    expect(r.out).toBe("kube-system false");
  });

  it("an anonymous request may not create a SelfSubjectAccessReview (system:basic-user is for authenticated users)", async () => {
    const body = JSON.stringify({ apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: { resourceAttributes: { verb: "get", resource: "pods" } } });
    const r = await raw(s, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", { body });
    expect(r.code).toBe(403);
    expect(JSON.parse(r.body).message).toBe('selfsubjectaccessreviews.authorization.k8s.io is forbidden: User "system:anonymous" cannot create resource "selfsubjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope');
  });

  it("a SelfSubjectRulesReview without a namespace is a BadRequest", async () => {
    const body = JSON.stringify({ apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview", spec: {} });
    const r = await raw(s, "POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", { token: s.cluster.adminToken, body });
    expect(r.code).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ reason: "BadRequest", message: "no namespace on request" });
  });
});

// `podflow serve --user NAME:GROUPS`: a user with its own bearer token and a context NAME@podflow,
// so kubectl speaks as that user (not by impersonation) and RBAC decides by its groups.
describe.runIf(bin)("kubectl auth as the users podflow serve --user makes", () => {
  const dir = mkdtempSync(join(tmpdir(), "podflow-users-"));
  const file = join(dir, "kubeconfig");
  const out: string[] = [];
  const err: string[] = [];
  let stop!: () => void;
  let exit: Promise<number>;
  const k = (args: string[]) => kubectl(bin!, file, args, { timeoutMs: 20_000 });

  beforeAll(async () => {
    const users = userList("ops:system:masters", userList("jane:devs,qa", undefined));
    exit = serveCommand({ port: "0", nodes: "1", seed: "1", speed: "10", kubeconfig: file, user: users }, { out: (l) => out.push(l), err: (l) => err.push(l) }, new Promise<void>((r) => (stop = r)));
    const started = await until(async () => out.some((l) => l.startsWith("export KUBECONFIG=")) || err.length > 0, 10_000, 50);
    expect(started && err).toEqual([]);
  });
  afterAll(async () => {
    stop?.();
    await exit;
  });

  it("the kubeconfig has a context per user, each with its own token, and serve prints them", () => {
    const config = parseYaml(readFileSync(file, "utf8"));
    expect(config.contexts.map((c: { name: string }) => c.name)).toEqual(["podflow", "jane@podflow", "ops@podflow"]);
    expect(config.contexts[1].context).toEqual({ cluster: "podflow", user: "podflow-jane", namespace: "default" });
    const tokens = config.users.map((u: { user: { token: string } }) => u.user.token);
    expect(new Set(tokens).size).toBe(3);
    expect(out).toContain("as jane: kubectl --context jane@podflow ...");
  });

  it("kubectl auth whoami names the user and its groups", async () => {
    const r = await k(["--context", "jane@podflow", "auth", "whoami"]);
    expect(r.out.split("\n").map((l) => l.trimEnd())).toEqual(["ATTRIBUTE   VALUE", "Username    jane", "Groups      [devs qa system:authenticated]", ""]);
  });

  it("kubectl auth can-i create pods: no for a user no binding names, yes for one in system:masters", async () => {
    expect(await k(["--context", "jane@podflow", "auth", "can-i", "create", "pods"])).toEqual({ code: 1, out: "no\n", err: "" });
    expect(await k(["--context", "ops@podflow", "auth", "can-i", "create", "pods"])).toEqual({ code: 0, out: "yes\n", err: "" });
    // what system:basic-user grants every authenticated user
    expect(await k(["--context", "jane@podflow", "auth", "can-i", "create", "selfsubjectrulesreviews.authorization.k8s.io", "-A"])).toEqual({ code: 0, out: "yes\n", err: "" });
  });

  it("the limited user's request is Forbidden with Kubernetes' message; the admin's goes through", async () => {
    const r = await k(["--context", "jane@podflow", "run", "web", "--image=nginx"]);
    expect(r.code).toBe(1);
    expect(r.err).toBe('Error from server (Forbidden): pods is forbidden: User "jane" cannot create resource "pods" in API group "" in the namespace "default"\n');
    expect((await k(["run", "web", "--image=nginx"])).out).toBe("pod/web created\n");
  });

  it("--user refuses what cannot be a user: an empty name, a control character, the admin, a name given twice", () => {
    expect(userList("jane", undefined)).toEqual([{ name: "jane", groups: [] }]);
    expect(userList("jane:", undefined)).toEqual([{ name: "jane", groups: [] }]);
    for (const bad of [":devs", "ja\nne", "jane:devs,", "admin"]) expect(() => userList(bad, undefined), bad).toThrow(InvalidArgumentError);
    expect(() => userList("jane:x", [{ name: "jane", groups: [] }])).toThrow("given twice");
  });
});
