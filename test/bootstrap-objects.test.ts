// What a kind cluster holds before anyone writes: the namespaced half of kube-apiserver's bootstrap
// RBAC policy (the Roles and RoleBindings the rbac/bootstrap-roles post-start hook stores in
// kube-system and kube-public; the expectations are Kubernetes' own golden files,
// plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/namespace-roles.yaml and
// namespace-role-bindings.yaml, transcribed), the legacy token tracking ConfigMap, and who each
// bootstrap object's fields are recorded for.

import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createCluster } from "../runtime/cluster.js";

const meta = (namespace: string, name: string) => ({ annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" }, labels: { "kubernetes.io/bootstrapping": "rbac-defaults" }, name, namespace });

const expectedRoles = parse(`
- {namespace: kube-public, name: "system:controller:bootstrap-signer", rules: [
    {apiGroups: [""], resources: [configmaps], verbs: [get, list, watch]},
    {apiGroups: [""], resourceNames: [cluster-info], resources: [configmaps], verbs: [update]},
    {apiGroups: ["", events.k8s.io], resources: [events], verbs: [create, patch, update]}]}
- {namespace: kube-system, name: extension-apiserver-authentication-reader, rules: [
    {apiGroups: [""], resourceNames: [extension-apiserver-authentication], resources: [configmaps], verbs: [get, list, watch]}]}
- {namespace: kube-system, name: "system::leader-locking-kube-controller-manager", rules: [
    {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [create, get, list, update, watch]},
    {apiGroups: [coordination.k8s.io], resources: [leasecandidates], verbs: [create, get, list, update, watch]}]}
- {namespace: kube-system, name: "system::leader-locking-kube-scheduler", rules: [
    {apiGroups: [coordination.k8s.io], resources: [leases], verbs: [create, get, list, update, watch]},
    {apiGroups: [coordination.k8s.io], resources: [leasecandidates], verbs: [create, get, list, update, watch]}]}
- {namespace: kube-system, name: "system:controller:bootstrap-signer", rules: [
    {apiGroups: [""], resources: [secrets], verbs: [get, list, watch]}]}
- {namespace: kube-system, name: "system:controller:cloud-provider", rules: [
    {apiGroups: [""], resources: [configmaps], verbs: [create, get, list, watch]}]}
- {namespace: kube-system, name: "system:controller:token-cleaner", rules: [
    {apiGroups: [""], resources: [secrets], verbs: [delete, get, list, watch]},
    {apiGroups: ["", events.k8s.io], resources: [events], verbs: [create, patch, update]}]}
`) as { namespace: string; name: string; rules: unknown[] }[];

const sa = (name: string) => ({ kind: "ServiceAccount", name, namespace: "kube-system" });
const user = (name: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "User", name });
const expectedBindings = [
  { namespace: "kube-public", name: "system:controller:bootstrap-signer", role: "system:controller:bootstrap-signer", subjects: [sa("bootstrap-signer")] },
  { namespace: "kube-system", name: "system::extension-apiserver-authentication-reader", role: "extension-apiserver-authentication-reader", subjects: [user("system:kube-controller-manager"), user("system:kube-scheduler")] },
  { namespace: "kube-system", name: "system::leader-locking-kube-controller-manager", role: "system::leader-locking-kube-controller-manager", subjects: [user("system:kube-controller-manager"), sa("kube-controller-manager"), sa("leader-election-controller")] },
  { namespace: "kube-system", name: "system::leader-locking-kube-scheduler", role: "system::leader-locking-kube-scheduler", subjects: [user("system:kube-scheduler"), sa("kube-scheduler")] },
  { namespace: "kube-system", name: "system:controller:bootstrap-signer", role: "system:controller:bootstrap-signer", subjects: [sa("bootstrap-signer")] },
  { namespace: "kube-system", name: "system:controller:cloud-provider", role: "system:controller:cloud-provider", subjects: [sa("cloud-provider")] },
  { namespace: "kube-system", name: "system:controller:token-cleaner", role: "system:controller:token-cleaner", subjects: [sa("token-cleaner")] },
];

describe("the bootstrap policy's namespaced Roles and RoleBindings", () => {
  const cluster = createCluster({ nodes: 1, seed: 1 });
  // only the objects the hook made: a later component may add its own (kubeadm's, for one)
  const bootstrap = (o: any) => o.metadata.labels?.["kubernetes.io/bootstrapping"] === "rbac-defaults";

  it("stores the golden files' Roles, rules as written (lists sorted), in kube-system and kube-public", () => {
    const byKey = (a: any, b: any) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`);
    const roles = cluster.list("Role").filter(bootstrap).map((r) => ({ metadata: { annotations: r.metadata.annotations, labels: r.metadata.labels, name: r.metadata.name, namespace: r.metadata.namespace }, rules: r.rules }));
    const want = expectedRoles.map((r) => ({ metadata: meta(r.namespace, r.name), rules: r.rules }));
    expect(roles.sort(byKey)).toEqual(want.sort(byKey));
  });

  it("binds them to the controllers' and components' identities", () => {
    const got = cluster.list("RoleBinding").filter(bootstrap).map((b) => ({ namespace: b.metadata.namespace, name: b.metadata.name, role: b.roleRef.name, kind: b.roleRef.kind, subjects: b.subjects }));
    const byKey = (a: any, b: any) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`);
    expect(got.sort(byKey)).toEqual(expectedBindings.map((b) => ({ ...b, kind: "Role" })).sort(byKey));
  });

  it("grants what they say: the scheduler's leader lock, the token cleaner's secret deletes", async () => {
    const can = async (user: string, verb: string, resource: string, group = "") => {
      const r = await cluster.request({ verb: "create", group: "authorization.k8s.io", resource: "subjectaccessreviews", body: { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec: { user, resourceAttributes: { namespace: "kube-system", verb, group, resource } } } });
      return r.ok ? r.object.status.allowed : r.status;
    };
    expect(await can("system:kube-scheduler", "update", "leases", "coordination.k8s.io")).toBe(true);
    expect(await can("system:serviceaccount:kube-system:token-cleaner", "delete", "secrets")).toBe(true);
    expect(await can("system:serviceaccount:kube-system:bootstrap-signer", "delete", "secrets")).toBe(false);
  });
});

describe("the other bootstrap objects", () => {
  const cluster = createCluster({ nodes: 1, seed: 1 });
  const managers = (kind: string, name: string, namespace?: string) => cluster.get(kind, name, namespace).metadata.managedFields.map((m: any) => [m.manager, m.operation]);

  it("records kube-apiserver's own objects for its loopback client (User-Agent kube-apiserver/v1.35.0 ...)", () => {
    expect(managers("Namespace", "kube-system")).toEqual([["kube-apiserver", "Update"]]);
    expect(managers("Service", "kubernetes", "default")).toEqual([["kube-apiserver", "Update"]]);
    expect(managers("PriorityClass", "system-node-critical")).toEqual([["kube-apiserver", "Update"]]);
    expect(managers("ClusterRoleBinding", "cluster-admin")).toEqual([["kube-apiserver", "Update"]]);
    expect(managers("Role", "system:controller:token-cleaner", "kube-system")).toEqual([["kube-apiserver", "Update"]]);
  });

  it("records the addons for who installs them: kubeadm's kube-dns Service and cluster-info, kind's StorageClass by kubectl apply", () => {
    expect(managers("Service", "kube-dns", "kube-system")).toEqual([["kubeadm", "Update"]]);
    expect(managers("ConfigMap", "cluster-info", "kube-public")).toEqual([["kubeadm", "Update"]]);
    expect(managers("RoleBinding", "kubeadm:bootstrap-signer-clusterinfo", "kube-public")).toEqual([["kubeadm", "Update"]]);
    const sc = cluster.get("StorageClass", "standard");
    expect(managers("StorageClass", "standard")).toEqual([["kubectl-client-side-apply", "Update"]]);
    // client-side apply keeps what it applied, json.Marshal's sorted keys and a newline
    const applied = sc.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"];
    expect(applied.endsWith("}\n")).toBe(true);
    expect(Object.keys(JSON.parse(applied))).toEqual(["apiVersion", "kind", "metadata", "provisioner", "reclaimPolicy", "volumeBindingMode"]);
  });

  it("keeps the day legacy token tracking began (legacytokentracking: kube-system, data since=YYYY-MM-DD)", () => {
    const cm = cluster.get("ConfigMap", "kube-apiserver-legacy-service-account-token-tracking", "kube-system");
    expect(cm.data).toEqual({ since: new Date(cluster.now()).toISOString().slice(0, 10) });
    expect(cm.data.since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
