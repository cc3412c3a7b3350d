// The bootstrap RBAC policy as a kind cluster has it, through the real kubectl: the bootstrap
// ClusterRoles and ClusterRoleBindings are stored objects (labelled kubernetes.io/bootstrapping=
// rbac-defaults, annotated for auto-update); the user-facing roles admin, edit and view are
// aggregated by kube-controller-manager's ClusterRole aggregation controller, so binding them
// grants what the RBAC docs say they grant, and a ClusterRole labelled aggregate-to-<role> (the
// docs' "Aggregated ClusterRoles" examples) widens them.

import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { findKubectl, kubectl, serve, type Served } from "./serve-helpers.js";

const bin = findKubectl();

const monitoring = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring
aggregationRule:
  clusterRoleSelectors:
  - matchLabels:
      rbac.example.com/aggregate-to-monitoring: "true"
rules: [] # The control plane automatically fills in the rules
`;

const monitoringEndpoints = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring-endpoints
  labels:
    rbac.example.com/aggregate-to-monitoring: "true"
# When you create the "monitoring-endpoints" ClusterRole,
# the rules below will be added to the "monitoring" ClusterRole.
rules:
- apiGroups: [""]
  resources: ["services", "endpointslices", "pods"]
  verbs: ["get", "list", "watch"]
`;

const cronTabsEdit = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: aggregate-cron-tabs-edit
  labels:
    # Add these permissions to the "admin" and "edit" default roles.
    rbac.authorization.k8s.io/aggregate-to-admin: "true"
    rbac.authorization.k8s.io/aggregate-to-edit: "true"
rules:
- apiGroups: ["stable.example.com"]
  resources: ["crontabs"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
`;

describe.runIf(bin)("the default roles and the ClusterRole aggregation controller", () => {
  let s: Served;
  const k = (args: string[], input?: string) => kubectl(bin!, s.kubeconfigPath, args, { timeoutMs: 20_000, ...(input !== undefined ? { input } : {}) });
  const can = async (...args: string[]) => (await k(["auth", "can-i", ...args])).out.trim();
  beforeAll(async () => {
    s = await serve({ nodes: 1, speed: 10 });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("kubectl get clusterroles lists the bootstrap roles, labelled and annotated as the bootstrap policy stores them", async () => {
    const r = await k(["get", "clusterroles", "-o", "name"]);
    expect(r.err).toBe("");
    const names = r.out.trim().split("\n");
    for (const n of ["admin", "edit", "view", "cluster-admin", "system:aggregate-to-admin", "system:aggregate-to-edit", "system:aggregate-to-view", "system:basic-user", "system:discovery", "system:public-info-viewer", "system:node", "system:node-proxier", "system:kube-scheduler", "system:kube-controller-manager", "system:auth-delegator", "system:monitoring", "system:controller:deployment-controller"]) {
      expect(names).toContain(`clusterrole.rbac.authorization.k8s.io/${n}`);
    }
    const meta = await k(["get", "clusterrole", "cluster-admin", "-o", "jsonpath={.metadata.labels.kubernetes\\.io/bootstrapping} {.metadata.annotations.rbac\\.authorization\\.kubernetes\\.io/autoupdate} {.rules[0].verbs[0]}"]);
    expect(meta.out).toBe("rbac-defaults true *");
    // the bootstrap policy's rules are stored with every list sorted (PolicyRuleBuilder.Rule)
    const discovery = await k(["get", "clusterrole", "system:discovery", "-o", "jsonpath={.rules[0].nonResourceURLs}"]);
    expect(JSON.parse(discovery.out)).toEqual(["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"]);
    const scheduler = await k(["get", "clusterrole", "system:kube-scheduler", "-o", "json"]);
    expect(JSON.parse(scheduler.out).rules).toContainEqual({ apiGroups: [""], resources: ["pods"], verbs: ["delete", "get", "list", "watch"] });
  });

  it("kubectl get clusterrolebindings shows cluster-admin bound to system:masters", async () => {
    const r = await k(["get", "clusterrolebinding", "cluster-admin", "-o", "wide"]);
    expect(r.err).toBe("");
    const lines = r.out.trimEnd().split("\n").map((l) => l.trim().split(/\s{2,}/));
    expect(lines[0]).toEqual(["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"]);
    expect(lines[1]![0]).toBe("cluster-admin");
    expect(lines[1]![1]).toBe("ClusterRole/cluster-admin");
    expect(lines[1]![3]).toBe("system:masters");
  });

  it("admin, edit and view are aggregated: each holds an aggregationRule and the rules of its aggregate-to role", async () => {
    const sel = await k(["get", "clusterrole", "view", "-o", "jsonpath={.aggregationRule.clusterRoleSelectors[0].matchLabels}"]);
    expect(JSON.parse(sel.out)).toEqual({ "rbac.authorization.k8s.io/aggregate-to-view": "true" });
    // view's labels put it into edit, edit's into admin
    expect((await k(["get", "clusterrole", "view", "-o", "jsonpath={.metadata.labels.rbac\\.authorization\\.k8s\\.io/aggregate-to-edit}"])).out).toBe("true");
    expect((await k(["get", "clusterrole", "edit", "-o", "jsonpath={.metadata.labels.rbac\\.authorization\\.k8s\\.io/aggregate-to-admin}"])).out).toBe("true");
    const view = await k(["get", "clusterrole", "view", "-o", "json"]);
    const rules = JSON.parse(view.out).rules;
    const own = JSON.parse((await k(["get", "clusterrole", "system:aggregate-to-view", "-o", "json"])).out).rules;
    expect(rules).toEqual(own);
    const managers = await k(["get", "clusterrole", "view", "--show-managed-fields", "-o", "jsonpath={.metadata.managedFields[*].manager}"]);
    expect(managers.out.split(" ")).toContain("clusterrole-aggregation-controller");
  });

  it("a RoleBinding to view lets a user read but not write, and not read secrets", async () => {
    expect((await k(["create", "rolebinding", "bob-view", "--clusterrole=view", "--user=bob"])).err).toBe("");
    expect(await can("list", "pods", "--as", "bob")).toBe("yes");
    expect(await can("get", "deployments.apps", "--as", "bob")).toBe("yes");
    expect(await can("get", "pods/log", "--as", "bob")).toBe("yes");
    expect(await can("create", "pods", "--as", "bob")).toBe("no");
    expect(await can("get", "secrets", "--as", "bob")).toBe("no");
    expect(await can("list", "roles.rbac.authorization.k8s.io", "--as", "bob")).toBe("no");
    expect(await can("list", "pods", "-n", "kube-system", "--as", "bob")).toBe("no");
  });

  it("edit adds writes and secrets but not roles; admin adds roles and bindings but not the namespace or its quota", async () => {
    expect((await k(["create", "rolebinding", "carol-edit", "--clusterrole=edit", "--user=carol"])).err).toBe("");
    expect(await can("create", "deployments.apps", "--as", "carol")).toBe("yes");
    expect(await can("get", "secrets", "--as", "carol")).toBe("yes");
    expect(await can("create", "pods/exec", "--as", "carol")).toBe("yes");
    expect(await can("create", "roles.rbac.authorization.k8s.io", "--as", "carol")).toBe("no");
    expect((await k(["create", "rolebinding", "dave-admin", "--clusterrole=admin", "--user=dave"])).err).toBe("");
    expect(await can("create", "rolebindings.rbac.authorization.k8s.io", "--as", "dave")).toBe("yes");
    expect(await can("create", "deployments.apps", "--as", "dave")).toBe("yes");
    expect(await can("update", "resourcequotas", "--as", "dave")).toBe("no");
    expect(await can("delete", "namespaces", "--as", "dave")).toBe("no");
  });

  it("the docs' monitoring example: a ClusterRole selected by an aggregationRule fills it", async () => {
    expect((await k(["apply", "-f", "-"], monitoring)).out).toBe("clusterrole.rbac.authorization.k8s.io/monitoring created\n");
    expect((await k(["apply", "-f", "-"], monitoringEndpoints)).out).toBe("clusterrole.rbac.authorization.k8s.io/monitoring-endpoints created\n");
    let rules = "";
    for (let i = 0; i < 20 && rules === ""; i++) rules = (await k(["get", "clusterrole", "monitoring", "-o", "jsonpath={.rules}"])).out;
    expect(JSON.parse(rules)).toEqual([{ apiGroups: [""], resources: ["services", "endpointslices", "pods"], verbs: ["get", "list", "watch"] }]);
    // and it shrinks again when the selected role goes
    expect((await k(["delete", "clusterrole", "monitoring-endpoints"])).err).toBe("");
    // ClusterRole.Rules is `json:"rules"` without omitempty: a role left with none answers rules: null
    for (let i = 0; i < 20 && rules !== "null"; i++) rules = (await k(["get", "clusterrole", "monitoring", "-o", "jsonpath={.rules}"])).out;
    expect(rules).toBe("null");
  });

  it("the docs' aggregate-cron-tabs-edit example widens edit and admin", async () => {
    // podflow serves no CustomResourceDefinitions, and kubectl auth can-i cannot name a resource the
    // server does not list: ask with a SubjectAccessReview, as the authorizer sees it
    const allowed = async (user: string, verb: string) => {
      const review = { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec: { user, groups: ["system:authenticated"], resourceAttributes: { namespace: "default", verb, group: "stable.example.com", resource: "crontabs" } } };
      return (await k(["create", "-o", "jsonpath={.status.allowed}", "-f", "-"], JSON.stringify(review))).out;
    };
    expect(await allowed("carol", "create")).toBe("false");
    expect((await k(["apply", "-f", "-"], cronTabsEdit)).err).toBe("");
    let answer = "false";
    for (let i = 0; i < 20 && answer !== "true"; i++) answer = await allowed("carol", "create");
    expect(answer).toBe("true");
    expect(await allowed("dave", "delete")).toBe("true");
    expect(await allowed("bob", "get")).toBe("false");
  });
});
