// kubectl's RBAC commands against `podflow serve`: Roles, ClusterRoles and their bindings are
// stored, printed as kubectl prints them, read by the RBAC authorizer (kubectl auth can-i), and
// writes that would grant permissions their author does not hold are refused as
// pkg/registry/rbac's escalation check refuses them. Users other than the admin are reached by
// impersonation (--as), which the admin (system:masters) may do.

import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

// kubectl create role prints the server's error; kubectl create rolebinding wraps it in its own words
const escalationMessage = (prefix: string, resource: string, name: string, user: string, missing: string[]) =>
  `${prefix}: ${resource} "${name}" is forbidden: user "${user}" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n${missing.join("\n")}\n`;

describe.runIf(bin)("kubectl and RBAC objects", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000, ...(input !== undefined ? { input } : {}) });
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("the four kinds are in discovery", async () => {
    const r = await k(["api-resources", "--api-group=rbac.authorization.k8s.io", "-o", "name"]);
    expect(r.err).toBe("");
    expect(r.out).toBe("clusterrolebindings.rbac.authorization.k8s.io\nclusterroles.rbac.authorization.k8s.io\nrolebindings.rbac.authorization.k8s.io\nroles.rbac.authorization.k8s.io\n");
  });

  it("a Role and a RoleBinding let a user list pods, and only in their namespace", async () => {
    expect((await k(["auth", "can-i", "list", "pods", "--as", "jane"])).out).toBe("no\n");
    const role = await k(["create", "role", "pod-reader", "--verb=get", "--verb=list", "--resource=pods"]);
    expect(role.err).toBe("");
    expect(role.out).toBe("role.rbac.authorization.k8s.io/pod-reader created\n");
    const binding = await k(["create", "rolebinding", "jane-reads-pods", "--role=pod-reader", "--user=jane"]);
    expect(binding.err).toBe("");
    expect(binding.out).toBe("rolebinding.rbac.authorization.k8s.io/jane-reads-pods created\n");
    const can = await k(["auth", "can-i", "list", "pods", "--as", "jane"]);
    expect(can.code).toBe(0);
    expect(can.out).toBe("yes\n");
    expect((await k(["auth", "can-i", "delete", "pods", "--as", "jane"])).out).toBe("no\n");
    expect((await k(["auth", "can-i", "list", "pods", "-n", "kube-system", "--as", "jane"])).out).toBe("no\n");
    const list = await k(["get", "pods", "--as", "jane"]);
    expect(list.code).toBe(0);
    expect(list.err).toBe("No resources found in default namespace.\n");
    const forbidden = await k(["get", "pods", "-n", "kube-system", "--as", "jane"]);
    expect(forbidden.err).toBe('Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "kube-system"\n');
  });

  it("the defaults: a binding's User subject and its roleRef are in the RBAC group", async () => {
    const r = await k(["get", "rolebinding", "jane-reads-pods", "-o", "jsonpath={.roleRef.apiGroup} {.subjects[0].apiGroup} {.subjects[0].kind} {.subjects[0].name}"]);
    expect(r.out).toBe("rbac.authorization.k8s.io rbac.authorization.k8s.io User jane");
  });

  it("kubectl get prints roles as NAME, CREATED AT and bindings as NAME, ROLE, AGE", async () => {
    const roles = await k(["get", "roles"]);
    expect(roles.err).toBe("");
    const roleLines = roles.out.trimEnd().split("\n").map((l) => l.trim().split(/\s{2,}/));
    expect(roleLines[0]).toEqual(["NAME", "CREATED AT"]);
    expect(roleLines[1]![0]).toBe("pod-reader");
    expect(roleLines[1]![1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const bindings = await k(["get", "rolebindings"]);
    const bindingLines = bindings.out.trimEnd().split("\n").map((l) => l.trim().split(/\s{2,}/));
    expect(bindingLines[0]).toEqual(["NAME", "ROLE", "AGE"]);
    expect(bindingLines[1]!.slice(0, 2)).toEqual(["jane-reads-pods", "Role/pod-reader"]);
    const wide = await k(["get", "rolebindings", "-o", "wide"]);
    const wideLines = wide.out.trimEnd().split("\n").map((l) => l.trim().split(/\s{2,}/));
    expect(wideLines[0]).toEqual(["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"]);
    expect(wideLines[1]![3]).toBe("jane");
  });

  it("a ClusterRole and a ClusterRoleBinding grant across namespaces; kubectl get clusterrolebindings prints NAME, ROLE, AGE", async () => {
    expect((await k(["create", "clusterrole", "node-reader", "--verb=get,list", "--resource=nodes"])).out).toBe("clusterrole.rbac.authorization.k8s.io/node-reader created\n");
    expect((await k(["create", "clusterrolebinding", "ops-read-nodes", "--clusterrole=node-reader", "--group=ops"])).out).toBe("clusterrolebinding.rbac.authorization.k8s.io/ops-read-nodes created\n");
    expect((await k(["auth", "can-i", "list", "nodes", "--as", "ann", "--as-group", "ops"])).out).toBe("yes\n");
    expect((await k(["auth", "can-i", "list", "nodes", "--as", "ann"])).out).toBe("no\n");
    const r = await k(["get", "clusterrolebindings", "ops-read-nodes"]);
    const lines = r.out.trimEnd().split("\n").map((l) => l.trim().split(/\s{2,}/));
    expect(lines[0]).toEqual(["NAME", "ROLE", "AGE"]);
    expect(lines[1]!.slice(0, 2)).toEqual(["ops-read-nodes", "ClusterRole/node-reader"]);
  });

  it("a user who may create rolebindings may not bind cluster-admin to himself", async () => {
    await k(["create", "role", "binder", "--verb=create", "--resource=rolebindings.rbac.authorization.k8s.io,roles.rbac.authorization.k8s.io"]);
    await k(["create", "rolebinding", "mallory-binds", "--role=binder", "--user=mallory"]);
    expect((await k(["auth", "can-i", "create", "rolebindings", "--as", "mallory"])).out).toBe("yes\n");
    const r = await k(["create", "rolebinding", "pwn", "--clusterrole=cluster-admin", "--user=mallory", "--as", "mallory"]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(escalationMessage("error: failed to create rolebinding", "rolebindings.rbac.authorization.k8s.io", "pwn", "mallory", ['{APIGroups:["*"], Resources:["*"], Verbs:["*"]}', '{NonResourceURLs:["*"], Verbs:["*"]}']));
    expect((await k(["get", "rolebinding", "pwn"])).err).toBe('Error from server (NotFound): rolebindings.rbac.authorization.k8s.io "pwn" not found\n');
    expect((await k(["auth", "can-i", "delete", "pods", "--as", "mallory"])).out).toBe("no\n");
  });

  it("nor create a Role with permissions he does not hold; the missing ones are compacted per resource", async () => {
    const r = await k(["create", "role", "pod-killer", "--verb=delete,deletecollection", "--resource=pods", "--as", "mallory"]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(escalationMessage("Error from server (Forbidden)", "roles.rbac.authorization.k8s.io", "pod-killer", "mallory", ['{APIGroups:[""], Resources:["pods"], Verbs:["delete" "deletecollection"]}']));
  });

  it("but may bind a role whose permissions he holds, or create a Role within them", async () => {
    await k(["create", "rolebinding", "mallory-reads-pods", "--role=pod-reader", "--user=mallory"]);
    const bind = await k(["create", "rolebinding", "bob-reads-pods", "--role=pod-reader", "--user=bob", "--as", "mallory"]);
    expect(bind.err).toBe("");
    expect(bind.out).toBe("rolebinding.rbac.authorization.k8s.io/bob-reads-pods created\n");
    const role = await k(["create", "role", "pod-getter", "--verb=get", "--resource=pods", "--as", "mallory"]);
    expect(role.err).toBe("");
    expect((await k(["auth", "can-i", "list", "pods", "--as", "bob"])).out).toBe("yes\n");
  });

  it("the bind verb on a role lets a user bind it without holding its permissions", async () => {
    await k(["create", "clusterrole", "may-bind-admin", "--verb=bind", "--resource=clusterroles", "--resource-name=cluster-admin"]);
    await k(["create", "rolebinding", "trent-binds-admin", "--clusterrole=may-bind-admin", "--user=trent"]);
    await k(["create", "rolebinding", "trent-binder", "--role=binder", "--user=trent"]);
    const r = await k(["create", "rolebinding", "trent-admin", "--clusterrole=cluster-admin", "--user=trent", "--as", "trent"]);
    expect(r.err).toBe("");
    expect((await k(["auth", "can-i", "delete", "pods", "--as", "trent"])).out).toBe("yes\n");
    expect((await k(["auth", "can-i", "delete", "pods", "-n", "kube-system", "--as", "trent"])).out).toBe("no\n");
  });

  it("validation: a rule needs verbs; a binding's roleRef never changes", async () => {
    const bad = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: bad\nrules:\n- apiGroups: [\"\"]\n  resources: [pods]\n";
    const r = await k(["apply", "-f", "-"], bad);
    expect(r.err).toBe('The Role "bad" is invalid: rules[0].verbs: Required value: verbs must contain at least one value\n');
    const urls = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: urls\nrules:\n- verbs: [get]\n  nonResourceURLs: [/healthz]\n";
    expect((await k(["apply", "-f", "-"], urls)).err).toBe('The Role "urls" is invalid: rules[0].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs\n');
    const moved = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: jane-reads-pods\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: binder\nsubjects:\n- kind: User\n  name: jane\n";
    const m = await k(["replace", "-f", "-"], moved);
    expect(m.err).toBe('The RoleBinding "jane-reads-pods" is invalid: roleRef: Invalid value: {"APIGroup":"rbac.authorization.k8s.io","Kind":"Role","Name":"binder"}: cannot change roleRef\n');
    const subject = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: odd\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: node-reader\nsubjects:\n- kind: Robot\n  name: r2\n";
    expect((await k(["apply", "-f", "-"], subject)).err).toBe('The ClusterRoleBinding "odd" is invalid: subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"\n');
  });
});
