// The bootstrap RBAC policy as the objects kube-apiserver's rbac/bootstrap-roles post-start hook
// stores (plugin/pkg/auth/authorizer/rbac/bootstrappolicy): ClusterRoles and ClusterRoleBindings
// labelled kubernetes.io/bootstrapping=rbac-defaults and annotated for auto-update. Once stored,
// the authorizer reads them like any other role, `kubectl get clusterroles` lists them, and the
// aggregated roles admin, edit and view get their rules from the aggregation controller.

import { clusterRoleBindings, clusterRoles, type PolicyRule, type Subject } from "./rbac.js";

const rbacGroup = "rbac.authorization.k8s.io";
const bootstrapLabel = { "kubernetes.io/bootstrapping": "rbac-defaults" };
const autoupdate = { "rbac.authorization.kubernetes.io/autoupdate": "true" };
const aggregateTo = (role: string) => `rbac.authorization.k8s.io/aggregate-to-${role}`;

/**
 * The user-facing roles (policy.go): each aggregates the ClusterRoles labelled aggregate-to-<name>,
 * and edit and view are themselves labelled into the next wider role.
 */
export const aggregatedClusterRoles: ReadonlyArray<{ name: string; labels: Record<string, string> }> = [
  { name: "admin", labels: {} },
  { name: "edit", labels: { [aggregateTo("admin")]: "true" } },
  { name: "view", labels: { [aggregateTo("edit")]: "true" } },
];

/** The labels that feed the system:aggregate-to-* roles into admin, edit and view. */
const aggregateLabels = new Map<string, Record<string, string>>([
  ["system:aggregate-to-admin", { [aggregateTo("admin")]: "true" }],
  ["system:aggregate-to-edit", { [aggregateTo("edit")]: "true" }],
  ["system:aggregate-to-view", { [aggregateTo("view")]: "true" }],
]);

// PolicyRuleBuilder.Rule() sorts every list of a bootstrap rule (sort.Strings: byte order)
const sorted = (v: readonly string[] | undefined): string[] => [...(v ?? [])].sort();

/** A rule as the API stores it (rbacv1.PolicyRule's field order). */
function storedForm(r: PolicyRule): any {
  if (r.nonResourceURLs) return { verbs: sorted(r.verbs), nonResourceURLs: sorted(r.nonResourceURLs) };
  return { verbs: sorted(r.verbs), apiGroups: sorted(r.apiGroups), resources: sorted(r.resources), ...(r.resourceNames ? { resourceNames: sorted(r.resourceNames) } : {}) };
}

const metadata = (name: string, labels: Record<string, string> = {}) => ({ name, labels: { ...bootstrapLabel, ...labels }, annotations: { ...autoupdate } });

function subject(s: Subject): any {
  return s.kind === "ServiceAccount" ? { kind: s.kind, name: s.name, namespace: s.namespace } : { kind: s.kind, apiGroup: rbacGroup, name: s.name };
}

/** Every bootstrap ClusterRole, as the post-start hook creates it. */
export function bootstrapClusterRoles(): any[] {
  const out: any[] = aggregatedClusterRoles.map((r) => ({
    apiVersion: `${rbacGroup}/v1`, kind: "ClusterRole", metadata: metadata(r.name, r.labels),
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [aggregateTo(r.name)]: "true" } }] },
  }));
  for (const [name, rules] of clusterRoles) {
    out.push({ apiVersion: `${rbacGroup}/v1`, kind: "ClusterRole", metadata: metadata(name, aggregateLabels.get(name)), rules: rules.map(storedForm) });
  }
  return out;
}

/** Every bootstrap ClusterRoleBinding, named as its role. */
export function bootstrapClusterRoleBindings(): any[] {
  return clusterRoleBindings.map((b) => ({
    apiVersion: `${rbacGroup}/v1`, kind: "ClusterRoleBinding", metadata: metadata(b.name),
    roleRef: { apiGroup: rbacGroup, kind: "ClusterRole", name: b.role },
    ...(b.subjects.length > 0 ? { subjects: b.subjects.map(subject) } : {}),
  }));
}

const sa = (name: string): Subject => ({ kind: "ServiceAccount", name, namespace: "kube-system" });
const userSubject = (name: string): Subject => ({ kind: "User", name });
const leaderLocking: PolicyRule[] = [
  { verbs: ["create", "get", "list", "update", "watch"], apiGroups: ["coordination.k8s.io"], resources: ["leases"] },
  { verbs: ["create", "get", "list", "update", "watch"], apiGroups: ["coordination.k8s.io"], resources: ["leasecandidates"] },
];
const eventWrites: PolicyRule = { verbs: ["create", "patch", "update"], apiGroups: ["", "events.k8s.io"], resources: ["events"] };

/**
 * The namespaced part of the bootstrap policy (namespace_policy.go, NamespaceRoles and
 * NamespaceRoleBindings): Roles and RoleBindings in kube-system and kube-public for the leader
 * locks, the extension-apiserver-authentication ConfigMap and the bootstrap-token controllers.
 */
const namespaceRoles: ReadonlyArray<{ namespace: string; name: string; rules: readonly PolicyRule[] }> = [
  {
    namespace: "kube-public", name: "system:controller:bootstrap-signer",
    rules: [{ verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["configmaps"] }, { verbs: ["update"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["cluster-info"] }, eventWrites],
  },
  { namespace: "kube-system", name: "extension-apiserver-authentication-reader", rules: [{ verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["configmaps"], resourceNames: ["extension-apiserver-authentication"] }] },
  { namespace: "kube-system", name: "system::leader-locking-kube-controller-manager", rules: leaderLocking },
  { namespace: "kube-system", name: "system::leader-locking-kube-scheduler", rules: leaderLocking },
  { namespace: "kube-system", name: "system:controller:bootstrap-signer", rules: [{ verbs: ["get", "list", "watch"], apiGroups: [""], resources: ["secrets"] }] },
  { namespace: "kube-system", name: "system:controller:cloud-provider", rules: [{ verbs: ["create", "get", "list", "watch"], apiGroups: [""], resources: ["configmaps"] }] },
  { namespace: "kube-system", name: "system:controller:token-cleaner", rules: [{ verbs: ["delete", "get", "list", "watch"], apiGroups: [""], resources: ["secrets"] }, eventWrites] },
];

const namespaceRoleBindings: ReadonlyArray<{ namespace: string; name: string; role: string; subjects: readonly Subject[] }> = [
  { namespace: "kube-public", name: "system:controller:bootstrap-signer", role: "system:controller:bootstrap-signer", subjects: [sa("bootstrap-signer")] },
  { namespace: "kube-system", name: "system::extension-apiserver-authentication-reader", role: "extension-apiserver-authentication-reader", subjects: [userSubject("system:kube-controller-manager"), userSubject("system:kube-scheduler")] },
  { namespace: "kube-system", name: "system::leader-locking-kube-controller-manager", role: "system::leader-locking-kube-controller-manager", subjects: [userSubject("system:kube-controller-manager"), sa("kube-controller-manager"), sa("leader-election-controller")] },
  { namespace: "kube-system", name: "system::leader-locking-kube-scheduler", role: "system::leader-locking-kube-scheduler", subjects: [userSubject("system:kube-scheduler"), sa("kube-scheduler")] },
  { namespace: "kube-system", name: "system:controller:bootstrap-signer", role: "system:controller:bootstrap-signer", subjects: [sa("bootstrap-signer")] },
  { namespace: "kube-system", name: "system:controller:cloud-provider", role: "system:controller:cloud-provider", subjects: [sa("cloud-provider")] },
  { namespace: "kube-system", name: "system:controller:token-cleaner", role: "system:controller:token-cleaner", subjects: [sa("token-cleaner")] },
];

/** Every bootstrap Role, as the post-start hook creates it in its namespace. */
export function bootstrapRoles(): any[] {
  return namespaceRoles.map((r) => ({ apiVersion: `${rbacGroup}/v1`, kind: "Role", metadata: { ...metadata(r.name), namespace: r.namespace }, rules: r.rules.map(storedForm) }));
}

/** Every bootstrap RoleBinding, as the post-start hook creates it in its namespace. */
export function bootstrapRoleBindings(): any[] {
  return namespaceRoleBindings.map((b) => ({
    apiVersion: `${rbacGroup}/v1`, kind: "RoleBinding", metadata: { ...metadata(b.name), namespace: b.namespace },
    roleRef: { apiGroup: rbacGroup, kind: "Role", name: b.role },
    subjects: b.subjects.map(subject),
  }));
}
