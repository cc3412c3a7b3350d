// RBAC's escalation check against pkg/registry/rbac/validation (Covers, BreakdownRule,
// CompactRules, ConfirmNoEscalation) and pkg/registry/rbac/escalation_check.go, and the RBAC
// authorizer's reading of stored bindings (plugin/pkg/auth/authorizer/rbac, VisitRulesFor).

import { describe, expect, it } from "vitest";
import { escalationError, uncovered } from "./escalation.js";
import { authorize, type Attributes, type NodeGraph, type UserInfo } from "./index.js";
import { rbacAuthorize, type PolicyRule, type RbacObjects } from "./rbac.js";
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from "./bootstrap.js";

const G = "rbac.authorization.k8s.io";
const jane: UserInfo = { name: "jane", groups: ["system:authenticated"] };

// an API server's store: the bootstrap policy is stored beside what clients wrote
const bootstrap = [...bootstrapClusterRoles(), ...bootstrapClusterRoleBindings()];

function storeOf(objs: any[]): RbacObjects {
  const of = (kind: string) => [...bootstrap, ...objs].filter((o) => o.kind === kind);
  return {
    role: (ns, name) => of("Role").find((o) => o.metadata.namespace === ns && o.metadata.name === name),
    clusterRole: (name) => of("ClusterRole").find((o) => o.metadata.name === name),
    clusterRoleBindings: () => of("ClusterRoleBinding"),
    roleBindings: (ns) => of("RoleBinding").filter((o) => o.metadata.namespace === ns),
  };
}
const role = (ns: string, name: string, rules: object[]) => ({ kind: "Role", metadata: { namespace: ns, name }, rules });
const binding = (ns: string, name: string, ref: object, subjects: object[]) => ({ kind: "RoleBinding", metadata: { namespace: ns, name }, roleRef: { apiGroup: G, ...ref }, subjects });
const graphOf = (store: RbacObjects): NodeGraph => ({ pod: () => undefined, podsOn: () => [], node: () => undefined, rbac: store });
const attrs = (user: UserInfo, verb: string, resource: string, ns: string, group = ""): Attributes =>
  ({ user, verb, resourceRequest: true, apiGroup: group, resource, subresource: "", namespace: ns, name: "", path: "", fieldSelector: [] });

describe("Covers (policy_comparator.go)", () => {
  const rule = (r: Partial<PolicyRule>): PolicyRule => ({ verbs: [], ...r });
  it.each([
    ["an exact match", [rule({ verbs: ["get", "list"], apiGroups: ["apps"], resources: ["deployments"] })], [rule({ verbs: ["get", "list"], apiGroups: ["apps"], resources: ["deployments"] })], 0],
    ["verb, group and resource stars", [rule({ verbs: ["*"], apiGroups: ["*"], resources: ["*"] })], [rule({ verbs: ["delete"], apiGroups: ["batch"], resources: ["jobs/status"] })], 0],
    ["a missing verb is one uncovered subrule", [rule({ verbs: ["get"], apiGroups: [""], resources: ["pods"] })], [rule({ verbs: ["get", "delete"], apiGroups: [""], resources: ["pods"] })], 1],
    ["*/scale covers a scale subresource", [rule({ verbs: ["get"], apiGroups: ["apps"], resources: ["*/scale"] })], [rule({ verbs: ["get"], apiGroups: ["apps"], resources: ["deployments/scale"] })], 0],
    ["*/scale does not cover the resource", [rule({ verbs: ["get"], apiGroups: ["apps"], resources: ["*/scale"] })], [rule({ verbs: ["get"], apiGroups: ["apps"], resources: ["deployments"] })], 1],
    ["a named owner rule does not cover all names", [rule({ verbs: ["get"], apiGroups: [""], resources: ["secrets"], resourceNames: ["a"] })], [rule({ verbs: ["get"], apiGroups: [""], resources: ["secrets"] })], 1],
    ["an unnamed owner rule covers every name", [rule({ verbs: ["get"], apiGroups: [""], resources: ["secrets"] })], [rule({ verbs: ["get"], apiGroups: [""], resources: ["secrets"], resourceNames: ["a", "b"] })], 0],
    ["a URL prefix star covers what it prefixes", [rule({ verbs: ["get"], nonResourceURLs: ["/api/*"] })], [rule({ verbs: ["get"], nonResourceURLs: ["/api/v1", "/apis"] })], 1],
  ])("%s", (_name, owner, servant, missing) => {
    expect(uncovered(owner, servant)).toHaveLength(missing);
  });
});

// policy_comparator.go as written: every subrule of BreakdownRule checked against every owner rule (ruleCovers)
function coversAsKubeDoes(owner: readonly PolicyRule[], servant: readonly PolicyRule[]): object[] {
  const has = (set: readonly string[] | undefined, x: string) => (set ?? []).includes("*") || (set ?? []).includes(x);
  const resource = (set: readonly string[] | undefined, r: string) => has(set, r) || (r.includes("/") && (set ?? []).includes(`*/${r.slice(r.indexOf("/") + 1)}`));
  const out: object[] = [];
  for (const s of servant) {
    for (const g of s.apiGroups ?? []) for (const r of s.resources ?? []) for (const v of s.verbs) {
      for (const n of (s.resourceNames ?? []).length > 0 ? s.resourceNames! : [undefined]) {
        const named = (o: PolicyRule) => (n === undefined ? (o.resourceNames ?? []).length === 0 : (o.resourceNames ?? []).length === 0 || o.resourceNames!.includes(n));
        if (!owner.some((o) => has(o.verbs, v) && has(o.apiGroups, g) && resource(o.resources, r) && named(o))) out.push(n === undefined ? { apiGroups: [g], resources: [r], verbs: [v] } : { apiGroups: [g], resources: [r], verbs: [v], resourceNames: [n] });
      }
    }
    for (const u of s.nonResourceURLs ?? []) for (const v of s.verbs) {
      const url = (o: PolicyRule) => (o.nonResourceURLs ?? []).some((p) => p === u || (p.endsWith("*") && u.startsWith(p.replace(/\*+$/, ""))));
      if (!owner.some((o) => has(o.verbs, v) && (o.resourceNames ?? []).length === 0 && url(o))) out.push({ nonResourceURLs: [u], verbs: [v] });
    }
  }
  return out;
}

describe("Covers on rules too large to break down one subrule at a time", () => {
  const names = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`);
  const owners: PolicyRule[] = [
    { verbs: ["*"], apiGroups: ["g1", "g2"], resources: ["*"] },
    { verbs: ["v3", "v4"], apiGroups: ["*"], resources: ["r5", "*/status"] },
    { verbs: ["*"], apiGroups: ["*"], resources: ["*"], resourceNames: ["n1"] },
    { verbs: ["get"], nonResourceURLs: ["/api/*", "/healthz"] },
  ];
  const servant: PolicyRule[] = [
    { apiGroups: names(5, "g"), resources: [...names(10, "r"), "x/status", "y/log"], verbs: names(6, "v"), resourceNames: ["n1", "n2"] },
    { apiGroups: ["g1", "g0"], resources: ["q"], verbs: ["get", "b"], nonResourceURLs: ["/api/v1", "/healthz", "/metrics"] },
  ];
  // owner rules that cover nothing asked push the check past its budget of subrule checks
  const padding: PolicyRule[] = Array.from({ length: 2_000 }, () => ({ verbs: ["none"], apiGroups: ["zz"], resources: ["zz"] }));

  it("finds the same missing subrules, in BreakdownRule's order, as the check one by one", () => {
    const want = coversAsKubeDoes(owners, servant);
    expect(want.length).toBeGreaterThan(100);
    expect(uncovered([...owners, ...padding], servant)).toEqual(want);
    expect(uncovered(owners, servant)).toEqual(want);
  });

  it("three lists of 400 entries (64,000,000 subrules) are decided at once: covered by stars, or the first 10,000 missing listed", () => {
    const big = names(400, "x");
    const rule: PolicyRule = { apiGroups: big, resources: big, verbs: big };
    expect(uncovered([{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }], [rule])).toEqual([]);
    const missing = uncovered([{ verbs: ["*"], apiGroups: ["x0"], resources: ["*"] }], [rule]);
    expect(missing).toHaveLength(10_000);
    expect(missing[0]).toEqual({ apiGroups: ["x1"], resources: ["x0"], verbs: ["x0"] });
  });
});

describe("the RBAC authorizer reads stored roles and bindings", () => {
  const store = storeOf([
    role("default", "pod-reader", [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }]),
    binding("default", "jane-reads", { kind: "Role", name: "pod-reader" }, [{ kind: "User", apiGroup: G, name: "jane" }]),
    binding("default", "sa-admin", { kind: "ClusterRole", name: "cluster-admin" }, [{ kind: "ServiceAccount", name: "builder" }]),
  ]);
  it("allows by the binding, with the reason VisitRulesFor's describer gives", () => {
    expect(rbacAuthorize(attrs(jane, "list", "pods", "default"), store)).toEqual({ allowed: true, reason: 'RBAC: allowed by RoleBinding "jane-reads/default" of Role "pod-reader" to User "jane"' });
  });
  it("a denial names the roles the user's bindings point at that its listers cannot find (RBAC: <aggregate>)", () => {
    const ghost = storeOf([
      binding("default", "jane-ghost", { kind: "Role", name: "ghost" }, [{ kind: "User", apiGroup: G, name: "jane" }]),
      { kind: "ClusterRoleBinding", metadata: { name: "jane-gone" }, roleRef: { apiGroup: G, kind: "ClusterRole", name: "gone" }, subjects: [{ kind: "User", apiGroup: G, name: "jane" }] },
    ]);
    expect(rbacAuthorize(attrs(jane, "list", "pods", ""), ghost)).toEqual({ allowed: false, reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found' });
    expect(rbacAuthorize(attrs(jane, "list", "pods", "default"), ghost)).toEqual({ allowed: false, reason: 'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "ghost" not found]' });
    // the union authorizer's Forbidden carries it after its own words
    expect(authorize(attrs(jane, "list", "pods", "default"), graphOf(ghost)).reason).toBe('RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "ghost" not found]');
  });
  it("a RoleBinding grants nothing in another namespace or at the cluster scope", () => {
    expect(rbacAuthorize(attrs(jane, "list", "pods", "other"), store).allowed).toBe(false);
    expect(rbacAuthorize(attrs(jane, "list", "pods", ""), store).allowed).toBe(false);
  });
  it("a ServiceAccount subject without a namespace is the binding's namespace's", () => {
    const sa: UserInfo = { name: "system:serviceaccount:default:builder", groups: ["system:serviceaccounts", "system:authenticated"] };
    expect(rbacAuthorize(attrs(sa, "delete", "secrets", "default"), store).reason).toBe('RBAC: allowed by RoleBinding "sa-admin/default" of ClusterRole "cluster-admin" to ServiceAccount "builder/default"');
    expect(rbacAuthorize(attrs({ ...sa, name: "system:serviceaccount:other:builder" }, "delete", "secrets", "default"), store).allowed).toBe(false);
  });
});

describe("the escalation check of the policybased storages", () => {
  const binder = storeOf([
    role("default", "binder", [{ verbs: ["create"], apiGroups: [G], resources: ["rolebindings", "roles"] }]),
    role("default", "pod-reader", [{ verbs: ["get", "list"], apiGroups: [""], resources: ["pods"] }]),
    binding("default", "jane-binds", { kind: "Role", name: "binder" }, [{ kind: "User", apiGroup: G, name: "jane" }]),
  ]);
  const authz = (store: RbacObjects) => (a: Attributes) => authorize(a, graphOf(store));
  const write = (resource: string, obj: object, user = jane) => ({ user, resource, namespace: "default", name: "", obj });

  it("refuses an aggregationRule to a user without cluster-admin's authority, even when the role's own rules are held", () => {
    const maker = storeOf([
      { kind: "ClusterRole", metadata: { name: "role-maker" }, rules: [{ verbs: ["create"], apiGroups: [G], resources: ["clusterroles"] }] },
      { kind: "ClusterRoleBinding", metadata: { name: "jane-makes-roles" }, roleRef: { apiGroup: G, kind: "ClusterRole", name: "role-maker" }, subjects: [{ kind: "User", apiGroup: G, name: "jane" }] },
    ]);
    const aggregated = { metadata: { name: "everything" }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "kubernetes.io/bootstrapping": "rbac-defaults" } }] } };
    const w = { user: jane, resource: "clusterroles", namespace: "", name: "", obj: aggregated };
    expect(escalationError(w, maker, authz(maker))).toBe("must have cluster-admin privileges to use the aggregationRule");
    expect(escalationError({ ...w, obj: { metadata: { name: "plain" }, rules: [] } }, maker, authz(maker))).toBeUndefined();
  });

  it("an aggregationRule with no selectors is no aggregation rule (hasAggregationRule); dropping one needs cluster-admin's authority too", () => {
    const maker = storeOf([
      { kind: "ClusterRole", metadata: { name: "role-maker" }, rules: [{ verbs: ["create", "update"], apiGroups: [G], resources: ["clusterroles"] }] },
      { kind: "ClusterRoleBinding", metadata: { name: "jane-makes-roles" }, roleRef: { apiGroup: G, kind: "ClusterRole", name: "role-maker" }, subjects: [{ kind: "User", apiGroup: G, name: "jane" }] },
    ]);
    const w = { user: jane, resource: "clusterroles", namespace: "", name: "", obj: { metadata: { name: "none" }, aggregationRule: { clusterRoleSelectors: [] } } };
    expect(escalationError(w, maker, authz(maker))).toBeUndefined();
    const old = { metadata: { name: "agg", resourceVersion: "3" }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: "b" } }] }, rules: [] };
    const dropped = { metadata: { name: "agg", resourceVersion: "3" }, rules: [] };
    expect(escalationError({ ...w, name: "agg", obj: dropped, old }, maker, authz(maker))).toBe("must have cluster-admin privileges to use the aggregationRule");
  });

  it("a binding of the author's to a role that does not exist is a resolution error, appended as ConfirmNoEscalation appends it", () => {
    const dangling = storeOf([...[...binder.roleBindings("default")], binder.role("default", "binder"),
      binding("default", "jane-ghost", { kind: "Role", name: "ghost" }, [{ kind: "User", apiGroup: G, name: "jane" }])]);
    const err = escalationError(write("roles", { rules: [{ verbs: ["delete"], apiGroups: [""], resources: ["pods"] }] }), dangling, authz(dangling));
    expect(err).toBe('user "jane" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}; resolution errors: [roles.rbac.authorization.k8s.io "ghost" not found]');
    const two = storeOf([...[...dangling.roleBindings("default")], binder.role("default", "binder"),
      binding("default", "jane-ghost2", { kind: "ClusterRole", name: "ghost2" }, [{ kind: "User", apiGroup: G, name: "jane" }])]);
    expect(escalationError(write("roles", { rules: [{ verbs: ["delete"], apiGroups: [""], resources: ["pods"] }] }), two, authz(two))).toMatch(/; resolution errors: \[\[roles\.rbac\.authorization\.k8s\.io "ghost" not found, clusterroles\.rbac\.authorization\.k8s\.io "ghost2" not found\]\]$/);
  });

  it("refuses binding cluster-admin to oneself, listing the missing rules as CompactString prints them", () => {
    const err = escalationError(write("rolebindings", { roleRef: { apiGroup: G, kind: "ClusterRole", name: "cluster-admin" }, subjects: [{ kind: "User", name: "jane" }] }), binder, authz(binder));
    expect(err).toBe('user "jane" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}');
  });
  it("refuses a Role beyond the author's rules; the missing verbs of one resource are one compact rule", () => {
    const err = escalationError(write("roles", { rules: [{ verbs: ["get", "delete", "patch"], apiGroups: [""], resources: ["pods"] }] }), binder, authz(binder));
    expect(err).toBe('user "jane" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["get" "delete" "patch"]}');
  });
  it("an unknown role is the binding's Forbidden reason", () => {
    expect(escalationError(write("rolebindings", { roleRef: { apiGroup: G, kind: "Role", name: "nope" } }), binder, authz(binder))).toBe('roles.rbac.authorization.k8s.io "nope" not found');
  });
  it("allows a binding of a role whose rules the author holds", () => {
    const holds = storeOf([...[...binder.roleBindings("default")], ...["binder", "pod-reader"].map((n) => binder.role("default", n)),
      binding("default", "jane-reads", { kind: "Role", name: "pod-reader" }, [{ kind: "User", apiGroup: G, name: "jane" }])]);
    expect(escalationError(write("rolebindings", { roleRef: { apiGroup: G, kind: "Role", name: "pod-reader" } }), holds, authz(holds))).toBeUndefined();
  });
  it("the escalate verb allows any Role; the bind verb allows binding the role it names", () => {
    const escalate = storeOf([role("default", "esc", [{ verbs: ["escalate"], apiGroups: [G], resources: ["roles"] }]), binding("default", "e", { kind: "Role", name: "esc" }, [{ kind: "User", apiGroup: G, name: "jane" }])]);
    expect(escalationError(write("roles", { rules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }] }), escalate, authz(escalate))).toBeUndefined();
    const bind = storeOf([role("default", "b", [{ verbs: ["bind"], apiGroups: [G], resources: ["clusterroles"], resourceNames: ["cluster-admin"] }]), binding("default", "b", { kind: "Role", name: "b" }, [{ kind: "User", apiGroup: G, name: "jane" }])]);
    expect(escalationError(write("rolebindings", { roleRef: { apiGroup: G, kind: "ClusterRole", name: "cluster-admin" } }), bind, authz(bind))).toBeUndefined();
    expect(escalationError(write("rolebindings", { roleRef: { apiGroup: G, kind: "ClusterRole", name: "system:kube-scheduler" } }), bind, authz(bind))).toMatch(/not currently held/);
  });
  it("system:masters may grant anything", () => {
    const admin: UserInfo = { name: "admin", groups: ["system:masters", "system:authenticated"] };
    expect(escalationError(write("clusterrolebindings", { roleRef: { apiGroup: G, kind: "ClusterRole", name: "cluster-admin" } }, admin), binder, authz(binder))).toBeUndefined();
  });
  it("an update that changes only owner references and finalizers is not checked (IsOnlyMutatingGCFields)", () => {
    const old = { metadata: { name: "r", resourceVersion: "5" }, rules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }] };
    const obj = { ...old, metadata: { ...old.metadata, finalizers: ["x"] } };
    expect(escalationError({ ...write("roles", obj), old }, binder, authz(binder))).toBeUndefined();
    expect(escalationError({ ...write("roles", { ...obj, metadata: { ...obj.metadata, labels: { a: "b" } } }), old }, binder, authz(binder))).toMatch(/not currently held/);
  });
});
