// The ninth hostile round: a user who is not cluster-admin tries to grow its own rights through
// podflow serve. kube-apiserver's RBAC storages (pkg/registry/rbac/{role,clusterrole,rolebinding,
// clusterrolebinding}/policybased) refuse a Role or ClusterRole holding a permission its author
// lacks (ConfirmNoEscalation) unless the author has escalate on it (RoleEscalationAuthorized),
// and a binding to a role whose permissions its author lacks unless the author has bind on that
// role (BindingAuthorized); the impersonation filter (filters/impersonation) checks the
// impersonate verb on every user, group, extra and uid asked before it acts as them.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { serve, raw, type Served } from "./serve-helpers.js";

const rbacV1 = "rbac.authorization.k8s.io/v1";
const rbacApi = "/apis/rbac.authorization.k8s.io/v1";
const G = "rbac.authorization.k8s.io";
const mallory = "system:serviceaccount:default:mallory";
const malloryGroups = '["system:serviceaccounts" "system:serviceaccounts:default" "system:authenticated"]';
const notHeld = (missing: string[]) => `user "${mallory}" (groups=${malloryGroups}) is attempting to grant RBAC permissions not currently held:\n${missing.join("\n")}`;
const forbidden = (kind: string, name: string, message: string) => ({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: `${kind}.${G} "${name}" is forbidden: ${message}`, reason: "Forbidden", details: { name, group: G, kind }, code: 403 });

describe("RBAC writes by a service account that is no cluster-admin", () => {
  let s: Served;
  let token = "";
  const as = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    raw(s, method, path, { token, ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}), headers });
  const admin = (method: string, path: string, body?: unknown) => raw(s, method, path, { token: s.cluster.adminToken, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const stored = async (path: string) => (await admin("GET", path)).code;

  beforeAll(async () => {
    s = await serve({ nodes: 1 });
    // mallory may write RBAC objects and read pods, nothing else: the "rbac-writer" ClusterRole bound cluster-wide
    await admin("POST", "/api/v1/namespaces/default/serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "mallory" } });
    await admin("POST", `${rbacApi}/clusterroles`, {
      apiVersion: rbacV1, kind: "ClusterRole", metadata: { name: "rbac-writer" },
      rules: [
        { apiGroups: [G], resources: ["roles", "rolebindings", "clusterroles", "clusterrolebindings"], verbs: ["create", "update", "patch", "get"] },
        { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
      ],
    });
    await admin("POST", `${rbacApi}/clusterrolebindings`, { apiVersion: rbacV1, kind: "ClusterRoleBinding", metadata: { name: "mallory-writes-rbac" }, roleRef: { apiGroup: G, kind: "ClusterRole", name: "rbac-writer" }, subjects: [{ kind: "ServiceAccount", name: "mallory", namespace: "default" }] });
    const tr = await admin("POST", "/api/v1/namespaces/default/serviceaccounts/mallory/token", { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} });
    token = JSON.parse(tr.body).status.token;
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("a Role granting what mallory lacks is Forbidden with ConfirmNoEscalation's message, and is not stored", async () => {
    const r = await as("POST", `${rbacApi}/namespaces/default/roles`, { apiVersion: rbacV1, kind: "Role", metadata: { name: "steal-secrets" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }] });
    expect([r.code, JSON.parse(r.body)]).toEqual([403, forbidden("roles", "steal-secrets", notHeld(['{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}']))]);
    expect(await stored(`${rbacApi}/namespaces/default/roles/steal-secrets`)).toBe(404);
  });

  it("a Role of what mallory holds is created", async () => {
    const r = await as("POST", `${rbacApi}/namespaces/default/roles`, { apiVersion: rbacV1, kind: "Role", metadata: { name: "pod-reader" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] });
    expect(r.code).toBe(201);
  });

  it("growing that Role by merge patch, JSON patch, PUT or server-side apply is Forbidden, and the stored Role is unchanged", async () => {
    const path = `${rbacApi}/namespaces/default/roles/pod-reader`;
    const merge = await as("PATCH", path, { rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "delete"] }] }, { "Content-Type": "application/merge-patch+json" });
    const json = await as("PATCH", path, [{ op: "add", path: "/rules/-", value: { apiGroups: ["*"], resources: ["*"], verbs: ["*"] } }], { "Content-Type": "application/json-patch+json" });
    const current = JSON.parse((await admin("GET", path)).body);
    const put = await as("PUT", path, { ...current, rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["delete"] }] });
    const apply = await as("PATCH", `${path}?fieldManager=mallory&force=true`, { apiVersion: rbacV1, kind: "Role", metadata: { name: "pod-reader" }, rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }] }, { "Content-Type": "application/apply-patch+yaml" });
    expect([merge, json, put, apply].map((r) => [r.code, JSON.parse(r.body).message])).toEqual([
      [403, forbidden("roles", "pod-reader", notHeld(['{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}'])).message],
      [403, forbidden("roles", "pod-reader", notHeld(['{APIGroups:["*"], Resources:["*"], Verbs:["*"]}'])).message],
      [403, forbidden("roles", "pod-reader", notHeld(['{APIGroups:[""], Resources:["nodes"], Verbs:["delete"]}'])).message],
      [403, forbidden("roles", "pod-reader", notHeld(['{APIGroups:[""], Resources:["configmaps"], Verbs:["get"]}'])).message],
    ]);
    expect(JSON.parse((await admin("GET", path)).body).rules).toEqual([{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]);
  });

  it("a dry run is checked as the write would be", async () => {
    const r = await as("POST", `${rbacApi}/clusterroles?dryRun=All`, { apiVersion: rbacV1, kind: "ClusterRole", metadata: { name: "dry" }, rules: [{ nonResourceURLs: ["/metrics"], verbs: ["get"] }] });
    expect([r.code, JSON.parse(r.body).message]).toEqual([403, forbidden("clusterroles", "dry", notHeld(['{NonResourceURLs:["/metrics"], Verbs:["get"]}'])).message]);
  });

  it("binding cluster-admin, to anyone, is Forbidden listing cluster-admin's rules; nothing is stored", async () => {
    const r = await as("POST", `${rbacApi}/clusterrolebindings`, { apiVersion: rbacV1, kind: "ClusterRoleBinding", metadata: { name: "mallory-root" }, roleRef: { apiGroup: G, kind: "ClusterRole", name: "cluster-admin" }, subjects: [{ kind: "ServiceAccount", name: "mallory", namespace: "default" }] });
    expect([r.code, JSON.parse(r.body)]).toEqual([403, forbidden("clusterrolebindings", "mallory-root", notHeld(['{APIGroups:["*"], Resources:["*"], Verbs:["*"]}', '{NonResourceURLs:["*"], Verbs:["*"]}']))]);
    expect(await stored(`${rbacApi}/clusterrolebindings/mallory-root`)).toBe(404);
    // a RoleBinding to it in one namespace is refused the same way
    const rb = await as("POST", `${rbacApi}/namespaces/default/rolebindings`, { apiVersion: rbacV1, kind: "RoleBinding", metadata: { name: "mallory-ns-root" }, roleRef: { apiGroup: G, kind: "ClusterRole", name: "cluster-admin" }, subjects: [{ kind: "ServiceAccount", name: "mallory", namespace: "default" }] });
    expect(rb.code).toBe(403);
    expect(await stored(`${rbacApi}/namespaces/default/rolebindings/mallory-ns-root`)).toBe(404);
  });

  it("re-pointing a binding mallory may write at a bigger role is Forbidden", async () => {
    expect((await as("POST", `${rbacApi}/namespaces/default/rolebindings`, { apiVersion: rbacV1, kind: "RoleBinding", metadata: { name: "reads" }, roleRef: { apiGroup: G, kind: "Role", name: "pod-reader" }, subjects: [{ kind: "User", name: "eve" }] })).code).toBe(201);
    // roleRef is immutable: validation refuses a change too, but the escalation check comes first
    const r = await as("PATCH", `${rbacApi}/namespaces/default/rolebindings/reads`, { roleRef: { apiGroup: G, kind: "ClusterRole", name: "admin" } }, { "Content-Type": "application/merge-patch+json" });
    expect([r.code, JSON.parse(r.body).reason]).toEqual([403, "Forbidden"]);
  });

  it("a binding to a role that does not exist is the role registry's NotFound", async () => {
    const r = await as("POST", `${rbacApi}/namespaces/default/rolebindings`, { apiVersion: rbacV1, kind: "RoleBinding", metadata: { name: "ghost" }, roleRef: { apiGroup: G, kind: "Role", name: "ghost" }, subjects: [{ kind: "User", name: "eve" }] });
    expect([r.code, JSON.parse(r.body).message]).toEqual([404, 'roles.rbac.authorization.k8s.io "ghost" not found']);
  });

  it("the role registry's own refusals come before validation: no namespace for a Role, a name that is no path segment, an unknown kind", async () => {
    const bind = (path: string, name: string, roleRef: object) => as("POST", path, { apiVersion: rbacV1, kind: path.endsWith("clusterrolebindings") ? "ClusterRoleBinding" : "RoleBinding", metadata: { name }, roleRef, subjects: [{ kind: "User", name: "eve" }] });
    const status = (r: { code: number; body: string }) => [r.code, JSON.parse(r.body).reason ?? "", JSON.parse(r.body).message];
    expect(status(await bind(`${rbacApi}/clusterrolebindings`, "to-a-role", { apiGroup: G, kind: "Role", name: "pod-reader" }))).toEqual([400, "BadRequest", "Namespace parameter required."]);
    expect(status(await bind(`${rbacApi}/namespaces/default/rolebindings`, "nameless", { apiGroup: G, kind: "Role", name: "" }))).toEqual([400, "BadRequest", "Name parameter required."]);
    expect(status(await bind(`${rbacApi}/namespaces/default/rolebindings`, "slashed", { apiGroup: G, kind: "ClusterRole", name: "a/../b" }))).toEqual([400, "BadRequest", 'Name parameter invalid: "a/../b": may not contain \'/\'']);
    expect(status(await bind(`${rbacApi}/namespaces/default/rolebindings`, "odd", { apiGroup: G, kind: "Group", name: "x" }))).toEqual([500, "", 'unsupported role reference kind: "Group"']);
    expect(await stored(`${rbacApi}/clusterrolebindings/to-a-role`)).toBe(404);
    for (const name of ["nameless", "slashed", "odd"]) expect(await stored(`${rbacApi}/namespaces/default/rolebindings/${name}`)).toBe(404);
  });

  it("an aggregationRule with selectors needs cluster-admin's authority; one with none is no aggregation rule (hasAggregationRule), left to validation", async () => {
    const selecting = await as("POST", `${rbacApi}/clusterroles`, { apiVersion: rbacV1, kind: "ClusterRole", metadata: { name: "gather" }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "rbac.authorization.k8s.io/aggregate-to-admin": "true" } }] } });
    expect([selecting.code, JSON.parse(selecting.body)]).toEqual([403, forbidden("clusterroles", "gather", "must have cluster-admin privileges to use the aggregationRule")]);
    const empty = await as("POST", `${rbacApi}/clusterroles`, { apiVersion: rbacV1, kind: "ClusterRole", metadata: { name: "gather-nothing" }, aggregationRule: { clusterRoleSelectors: [] }, rules: [] });
    expect([empty.code, JSON.parse(empty.body).message]).toEqual([422, `ClusterRole.${G} "gather-nothing" is invalid: aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil`]);
  });

  it("dropping the aggregationRule of an aggregated ClusterRole needs cluster-admin's authority too", async () => {
    expect((await admin("POST", `${rbacApi}/clusterroles`, { apiVersion: rbacV1, kind: "ClusterRole", metadata: { name: "aggregated" }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "example.com/aggregate": "true" } }] } })).code).toBe(201);
    const r = await as("PATCH", `${rbacApi}/clusterroles/aggregated`, [{ op: "remove", path: "/aggregationRule" }], { "Content-Type": "application/json-patch+json" });
    expect([r.code, JSON.parse(r.body)]).toEqual([403, forbidden("clusterroles", "aggregated", "must have cluster-admin privileges to use the aggregationRule")]);
    expect(JSON.parse((await admin("GET", `${rbacApi}/clusterroles/aggregated`)).body).aggregationRule).toBeDefined();
  });

  it("a binding of mallory's to a ClusterRole that is gone: a denial says so (RBAC: ...), and the escalation message lists it as a resolution error", async () => {
    expect((await admin("POST", `${rbacApi}/namespaces/default/rolebindings`, { apiVersion: rbacV1, kind: "RoleBinding", metadata: { name: "mallory-ghost" }, roleRef: { apiGroup: G, kind: "ClusterRole", name: "ghost-role" }, subjects: [{ kind: "ServiceAccount", name: "mallory", namespace: "default" }] })).code).toBe(201);
    const denied = await as("GET", "/api/v1/namespaces/default/secrets");
    expect([denied.code, JSON.parse(denied.body).message]).toEqual([403, `secrets is forbidden: User "${mallory}" cannot list resource "secrets" in API group "" in the namespace "default": RBAC: clusterrole.rbac.authorization.k8s.io "ghost-role" not found`]);
    const role = await as("POST", `${rbacApi}/namespaces/default/roles`, { apiVersion: rbacV1, kind: "Role", metadata: { name: "with-ghost" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }] });
    expect([role.code, JSON.parse(role.body).message]).toEqual([403, `roles.${G} "with-ghost" is forbidden: ${notHeld(['{APIGroups:[""], Resources:["secrets"], Verbs:["list"]}'])}; resolution errors: [clusterroles.${G} "ghost-role" not found]`]);
    expect((await admin("DELETE", `${rbacApi}/namespaces/default/rolebindings/mallory-ghost`)).code).toBe(200);
  });

  it("a Role of three lists of 300 entries (27,000,000 subrules to break down) is answered at once, Forbidden, and the server still answers", async () => {
    const many = Array.from({ length: 300 }, (_, i) => `x${i}`);
    const t = Date.now();
    const r = await as("POST", `${rbacApi}/namespaces/default/roles`, { apiVersion: rbacV1, kind: "Role", metadata: { name: "product" }, rules: [{ apiGroups: many, resources: many, verbs: many }] });
    expect(Date.now() - t).toBeLessThan(15_000);
    expect([r.code, JSON.parse(r.body).reason]).toEqual([403, "Forbidden"]);
    expect(JSON.parse(r.body).message.startsWith(`roles.${G} "product" is forbidden: ${notHeld(['{APIGroups:["x0"], Resources:["x0"], Verbs:['])}`)).toBe(true);
    expect((await as("GET", "/api/v1/namespaces/default/pods")).code).toBe(200);
  }, 30_000);

  it("the escalate verb on roles lets mallory write any Role; bind on one ClusterRole lets it bind that one only", async () => {
    await admin("POST", `${rbacApi}/namespaces/default/roles`, { apiVersion: rbacV1, kind: "Role", metadata: { name: "escalator" }, rules: [{ apiGroups: [G], resources: ["roles"], verbs: ["escalate"] }, { apiGroups: [G], resources: ["clusterroles"], verbs: ["bind"], resourceNames: ["view"] }] });
    await admin("POST", `${rbacApi}/namespaces/default/rolebindings`, { apiVersion: rbacV1, kind: "RoleBinding", metadata: { name: "mallory-escalates" }, roleRef: { apiGroup: G, kind: "Role", name: "escalator" }, subjects: [{ kind: "ServiceAccount", name: "mallory", namespace: "default" }] });
    const role = await as("POST", `${rbacApi}/namespaces/default/roles`, { apiVersion: rbacV1, kind: "Role", metadata: { name: "secrets-too" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["*"] }] });
    expect(role.code).toBe(201);
    // escalate is granted in default only: a Role in kube-system is still checked
    const elsewhere = await as("POST", `${rbacApi}/namespaces/kube-system/roles`, { apiVersion: rbacV1, kind: "Role", metadata: { name: "secrets-too" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }] });
    expect(elsewhere.code).toBe(403);
    const view = await as("POST", `${rbacApi}/namespaces/default/rolebindings`, { apiVersion: rbacV1, kind: "RoleBinding", metadata: { name: "eve-views" }, roleRef: { apiGroup: G, kind: "ClusterRole", name: "view" }, subjects: [{ kind: "User", name: "eve" }] });
    expect(view.code).toBe(201);
    const edit = await as("POST", `${rbacApi}/namespaces/default/rolebindings`, { apiVersion: rbacV1, kind: "RoleBinding", metadata: { name: "eve-edits" }, roleRef: { apiGroup: G, kind: "ClusterRole", name: "edit" }, subjects: [{ kind: "User", name: "eve" }] });
    expect([edit.code, JSON.parse(edit.body).reason]).toEqual([403, "Forbidden"]);
  });
});

describe("impersonation by a service account that may not impersonate", () => {
  let s: Served;
  let token = "";
  const get = (headers: Record<string, string>, tok = token) => raw(s, "GET", "/api/v1/namespaces/default/pods", { token: tok, headers });
  const imp = (resource: string, name: string, who = "system:serviceaccount:default:spy", group = "") =>
    `${resource}${group ? `.${group}` : ""} "${name}" is forbidden: User "${who}" cannot impersonate resource "${resource}" in API group "${group}" at the cluster scope`;

  beforeAll(async () => {
    s = await serve({ nodes: 1 });
    const admin = (path: string, body: unknown) => raw(s, "POST", path, { token: s.cluster.adminToken, body: JSON.stringify(body) });
    await admin("/api/v1/namespaces/default/serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "spy" } });
    // spy may impersonate the user bob and nothing else
    await admin(`${rbacApi}/clusterroles`, { apiVersion: rbacV1, kind: "ClusterRole", metadata: { name: "be-bob" }, rules: [{ apiGroups: [""], resources: ["users"], verbs: ["impersonate"], resourceNames: ["bob"] }] });
    await admin(`${rbacApi}/clusterrolebindings`, { apiVersion: rbacV1, kind: "ClusterRoleBinding", metadata: { name: "spy-is-bob" }, roleRef: { apiGroup: G, kind: "ClusterRole", name: "be-bob" }, subjects: [{ kind: "ServiceAccount", name: "spy", namespace: "default" }] });
    token = JSON.parse((await admin("/api/v1/namespaces/default/serviceaccounts/spy/token", { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} })).body).status.token;
  }, 60_000);
  afterAll(async () => {
    await s?.stop();
  });

  it("acting as the admin's user or as system:masters is Forbidden, worded as responsewriters.Forbidden words it", async () => {
    const user = await get({ "Impersonate-User": "kubernetes-admin" });
    expect([user.code, JSON.parse(user.body)]).toEqual([403, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: imp("users", "kubernetes-admin"), reason: "Forbidden", details: { name: "kubernetes-admin", kind: "users" }, code: 403 }]);
    // bob is allowed, but the group is checked next, and refused
    const group = await get({ "Impersonate-User": "bob", "Impersonate-Group": "system:masters" });
    expect([group.code, JSON.parse(group.body).message]).toEqual([403, imp("groups", "system:masters")]);
  });

  it("a service account is checked as serviceaccounts in its namespace; a uid and extras in authentication.k8s.io", async () => {
    const sa = await get({ "Impersonate-User": "system:serviceaccount:kube-system:generic-garbage-collector" });
    expect([sa.code, JSON.parse(sa.body).message]).toEqual([403, 'serviceaccounts "generic-garbage-collector" is forbidden: User "system:serviceaccount:default:spy" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "kube-system"']);
    const uid = await get({ "Impersonate-User": "bob", "Impersonate-Uid": "1234" });
    expect([uid.code, JSON.parse(uid.body).message]).toEqual([403, imp("uids", "1234", undefined, "authentication.k8s.io")]);
    const extra = await get({ "Impersonate-User": "bob", "Impersonate-Extra-Scopes": "all" });
    expect([extra.code, JSON.parse(extra.body).message]).toEqual([403, 'userextras.authentication.k8s.io "all" is forbidden: User "system:serviceaccount:default:spy" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope']);
  });

  it("acting as bob is allowed, and bob (system:authenticated only) may not list pods", async () => {
    const r = await get({ "Impersonate-User": "bob" });
    expect([r.code, JSON.parse(r.body).message]).toEqual([403, 'pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"']);
  });

  it("groups, extras or a uid without a user is buildImpersonationRequests' BadRequest, before any impersonate check", async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ "Impersonate-Group": "system:masters" }, "requested [{Group  system:masters    }] without impersonating a user"],
      [{ "Impersonate-Uid": "u-1" }, "requested [{UID  u-1  authentication.k8s.io/v1  }] without impersonating a user"],
      [{ "Impersonate-Extra-Scopes": "all" }, "requested [{UserExtra  all  authentication.k8s.io/v1  scopes}] without impersonating a user"],
    ];
    for (const [headers, message] of cases) {
      const r = await get(headers);
      expect([r.code, JSON.parse(r.body)]).toEqual([400, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "BadRequest", code: 400 }]);
    }
  });

  it("an anonymous request that impersonates is checked as system:anonymous", async () => {
    const r = await raw(s, "GET", "/api/v1/namespaces/default/pods", { headers: { "Impersonate-User": "bob" } });
    expect([r.code, JSON.parse(r.body).message]).toEqual([403, imp("users", "bob", "system:anonymous")]);
  });
});

describe("the all-namespaces path of a namespaced kind, as installer.go routes it", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s?.stop();
  });
  const methodNotAllowed = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server does not allow this method on the requested resource", reason: "MethodNotAllowed", details: {}, code: 405 };

  it("a DELETE there is no deletecollection of every namespace: 405, and the kube-system ConfigMaps are still there", async () => {
    const names = async () => JSON.parse((await raw(s, "GET", "/api/v1/namespaces/kube-system/configmaps", { token: s.cluster.adminToken })).body).items.map((i: any) => i.metadata.name);
    const before = await names();
    expect(before.length).toBeGreaterThan(0);
    const r = await raw(s, "DELETE", "/api/v1/configmaps", { token: s.cluster.adminToken });
    expect([r.code, JSON.parse(r.body)]).toEqual([405, methodNotAllowed]);
    // (the cluster may still be adding its own)
    expect(await names()).toEqual(expect.arrayContaining(before));
  });

  it("a POST, PUT or PATCH there is 405 whatever namespace the body names, and nothing is stored", async () => {
    const body = JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "everywhere", namespace: "default" } });
    for (const method of ["POST", "PUT", "PATCH"]) {
      const r = await raw(s, method, "/api/v1/configmaps", { token: s.cluster.adminToken, body, headers: method === "PATCH" ? { "Content-Type": "application/merge-patch+json" } : {} });
      expect([method, r.code, JSON.parse(r.body)]).toEqual([method, 405, methodNotAllowed]);
    }
    expect((await raw(s, "GET", "/api/v1/namespaces/default/configmaps/everywhere", { token: s.cluster.adminToken })).code).toBe(404);
    const apps = await raw(s, "DELETE", "/apis/apps/v1/deployments", { token: s.cluster.adminToken });
    expect(apps.code).toBe(405);
  });

  it("authorization comes first: an anonymous DELETE is Forbidden at the cluster scope", async () => {
    const r = await raw(s, "DELETE", "/api/v1/configmaps");
    expect([r.code, JSON.parse(r.body).message]).toEqual([403, 'configmaps is forbidden: User "system:anonymous" cannot deletecollection resource "configmaps" in API group "" at the cluster scope']);
  });
});

describe("field selectors as fields.ParseSelector reads them, through podflow serve", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s?.stop();
  });
  const list = (sel: string) => raw(s, "GET", `/api/v1/namespaces/default/configmaps?fieldSelector=${encodeURIComponent(sel)}`, { token: s.cluster.adminToken });

  it.each([
    ["metadata.name===x", "invalid field selector: unescaped character in value: 61"],
    ["metadata.name=a\\x", "invalid field selector: invalid escape sequence: \\x"],
    [" ", "invalid selector: ' '; can't understand ' '"],
    // split at its first operator, "=": the label "a!b", which ConfigMaps (no conversion of their own) refuse with the default's words
    ["a!b=c", '"a!b" is not a known field selector: only "metadata.name", "metadata.namespace"'],
  ])("%j is 400: %s", async (sel, message) => {
    const r = await list(sel);
    expect([r.code, JSON.parse(r.body)]).toEqual([400, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "BadRequest", code: 400 }]);
  });

  it("an escaped = in a value is data: it selects the object named by it (none here), not every object", async () => {
    const r = await list("metadata.name=kube-root-ca.crt\\=");
    expect([r.code, JSON.parse(r.body).items]).toEqual([200, []]);
    const named = await list("metadata.name=kube-root-ca.crt");
    expect(JSON.parse(named.body).items.map((i: any) => i.metadata.name)).toEqual(["kube-root-ca.crt"]);
  });
});
