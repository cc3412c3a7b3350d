// RBAC as kube-apiserver's RBAC authorizer evaluates it (plugin/pkg/auth/authorizer/rbac), over the
// bootstrap policy (bootstrappolicy/policy.go, controller_policy.go) reduced to the roles podflow's
// identities hold, plus the Roles, ClusterRoles and bindings clients stored (read from the API
// server's watch cache, as kube-apiserver's authorizer reads its informers). The bootstrap policy is
// stored at start (bootstrap.ts); as code it serves only an authorizer with no store.

import { goQuote } from "../status.js";
import { isValidPathSegmentName } from "../validation/names.js";
import type { Attributes, UserInfo } from "./types.js";
import { mutant } from "../../common/mutation.js";

export interface PolicyRule {
  verbs: readonly string[];
  apiGroups?: readonly string[];
  resources?: readonly string[];
  resourceNames?: readonly string[];
  nonResourceURLs?: readonly string[];
}

const read = ["get", "list", "watch"];
const rule = (verbs: readonly string[], apiGroups: readonly string[], resources: readonly string[], resourceNames?: readonly string[]): PolicyRule =>
  resourceNames ? { verbs, apiGroups, resources, resourceNames } : { verbs, apiGroups, resources };
const urls = (verbs: readonly string[], nonResourceURLs: readonly string[]): PolicyRule => ({ verbs, nonResourceURLs });
/** eventsRule(): create, update and patch events in the core and events.k8s.io groups. */
const events = rule(["create", "update", "patch"], ["", "events.k8s.io"], ["events"]);

/** The rules of the node role (NodeRules()): what the Node authorizer grants every node for resources it does not subdivide. */
export const nodeRules: readonly PolicyRule[] = [
  rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
  rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews", "localsubjectaccessreviews"]),
  rule(read, [""], ["services"]),
  rule(["create", "get", "list", "watch"], [""], ["nodes"]),
  rule(["update", "patch"], [""], ["nodes/status"]),
  rule(["update", "patch"], [""], ["nodes"]),
  rule(["create", "update", "patch"], [""], ["events"]),
  rule(read, [""], ["pods"]),
  rule(["create", "delete"], [""], ["pods"]),
  rule(["update", "patch"], [""], ["pods/status"]),
  rule(["create"], [""], ["pods/eviction"]),
  rule(read, [""], ["secrets", "configmaps"]),
  rule(["get"], [""], ["persistentvolumeclaims", "persistentvolumes"]),
  rule(["get"], [""], ["endpoints"]),
  rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"]),
  rule(["get", "create", "update", "patch", "delete"], ["coordination.k8s.io"], ["leases"]),
  rule(["get"], ["storage.k8s.io"], ["volumeattachments"]),
  rule(["create"], [""], ["serviceaccounts/token"]),
  rule(["get", "update", "patch"], [""], ["persistentvolumeclaims/status"]),
  rule(["get", "watch", "list"], ["storage.k8s.io"], ["csidrivers"]),
  rule(["get", "create", "update", "patch", "delete"], ["storage.k8s.io"], ["csinodes"]),
  rule(["get", "list", "watch"], ["node.k8s.io"], ["runtimeclasses"]),
];

const rw = ["create", "delete", "deletecollection", "patch", "update"];
const readWrite = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/**
 * The bootstrap ClusterRoles (policy.go ClusterRoles() and controller_policy.go), by name (a Map: a
 * role name never reaches Object.prototype): every role kube-apiserver's bootstrap policy holds but
 * for the controller roles of controllers podflow does not run. admin, edit and view are aggregated
 * (aggregatedClusterRoles): their rules are what the aggregation controller collects.
 */
export const clusterRoles = new Map<string, readonly PolicyRule[]>([
  ["system:aggregate-to-admin", [
    rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
    rule(readWrite, ["rbac.authorization.k8s.io"], ["rolebindings", "roles"]),
  ]],
  ["system:aggregate-to-edit", [
    rule(read, [""], ["pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"]),
    rule(["impersonate"], [""], ["serviceaccounts"]),
    rule(rw, [""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"]),
    rule(["create"], [""], ["pods/eviction"]),
    rule(rw, [""], ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"]),
    rule(["create"], [""], ["serviceaccounts/token"]),
    rule(rw, ["apps"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"]),
    rule(rw, ["autoscaling"], ["horizontalpodautoscalers"]),
    rule(rw, ["batch"], ["cronjobs", "jobs"]),
    rule(rw, ["extensions"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "ingresses", "networkpolicies", "replicasets", "replicasets/scale", "replicationcontrollers/scale"]),
    rule(rw, ["policy"], ["poddisruptionbudgets"]),
    rule(rw, ["networking.k8s.io"], ["ingresses", "networkpolicies"]),
    rule(readWrite, ["coordination.k8s.io"], ["leases"]),
  ]],
  ["system:aggregate-to-view", [
    rule(read, [""], ["configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts", "services", "services/status"]),
    rule(read, [""], ["bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status", "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"]),
    rule(read, [""], ["namespaces"]),
    rule(read, ["discovery.k8s.io"], ["endpointslices"]),
    rule(read, ["apps"], ["controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"]),
    rule(read, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
    rule(read, ["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"]),
    rule(read, ["extensions"], ["daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status", "ingresses", "ingresses/status", "networkpolicies", "replicasets", "replicasets/scale", "replicasets/status", "replicationcontrollers/scale"]),
    rule(read, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
    rule(read, ["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"]),
  ]],
  ["system:auth-delegator", [rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]), rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"])]],
  ["system:certificates.k8s.io:certificatesigningrequests:nodeclient", [rule(["create"], ["certificates.k8s.io"], ["certificatesigningrequests/nodeclient"])]],
  ["system:certificates.k8s.io:certificatesigningrequests:selfnodeclient", [rule(["create"], ["certificates.k8s.io"], ["certificatesigningrequests/selfnodeclient"])]],
  ["system:certificates.k8s.io:kube-apiserver-client-approver", [rule(["approve"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/kube-apiserver-client"])]],
  ["system:certificates.k8s.io:kube-apiserver-client-kubelet-approver", [rule(["approve"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/kube-apiserver-client-kubelet"])]],
  ["system:certificates.k8s.io:kubelet-serving-approver", [rule(["approve"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/kubelet-serving"])]],
  ["system:certificates.k8s.io:legacy-unknown-approver", [rule(["approve"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/legacy-unknown"])]],
  ["system:heapster", [rule(read, [""], ["events", "namespaces", "nodes", "pods"]), rule(read, ["extensions"], ["deployments"])]],
  ["system:kube-aggregator", [rule(read, [""], ["endpoints", "services"])]],
  ["system:kube-dns", [rule(["list", "watch"], [""], ["endpoints", "services"])]],
  ["system:kubelet-api-admin", [
    rule(read, [""], ["nodes"]),
    rule(["proxy"], [""], ["nodes"]),
    rule(["*"], [""], ["nodes/log", "nodes/metrics", "nodes/proxy", "nodes/stats"]),
  ]],
  ["system:monitoring", [urls(["get"], ["/healthz", "/healthz/*", "/livez", "/livez/*", "/metrics", "/metrics/slis", "/readyz", "/readyz/*"])]],
  ["system:node-bootstrapper", [rule(["create", "get", "list", "watch"], ["certificates.k8s.io"], ["certificatesigningrequests"])]],
  ["system:node-problem-detector", [
    rule(["get"], [""], ["nodes"]),
    rule(["patch"], [""], ["nodes/status"]),
    rule(["create", "patch", "update"], ["", "events.k8s.io"], ["events"]),
  ]],
  ["system:persistent-volume-provisioner", [
    rule(["create", "delete", "get", "list", "watch"], [""], ["persistentvolumes"]),
    rule(["get", "list", "update", "watch"], [""], ["persistentvolumeclaims"]),
    rule(read, ["storage.k8s.io"], ["storageclasses"]),
    rule(["watch"], [""], ["events"]),
    rule(["create", "patch", "update"], ["", "events.k8s.io"], ["events"]),
  ]],
  ["system:service-account-issuer-discovery", [urls(["get"], ["/.well-known/openid-configuration", "/.well-known/openid-configuration/", "/openid/v1/jwks", "/openid/v1/jwks/"])]],
  ["system:controller:clusterrole-aggregation-controller", [rule(["escalate", "get", "list", "patch", "update", "watch"], ["rbac.authorization.k8s.io"], ["clusterroles"])]],
  ["cluster-admin", [rule(["*"], ["*"], ["*"]), urls(["*"], ["*"])]],
  ["system:node", nodeRules],
  ["system:discovery", [urls(["get"], ["/livez", "/readyz", "/healthz", "/version", "/version/", "/openapi", "/openapi/*", "/api", "/api/*", "/apis", "/apis/*"])]],
  ["system:public-info-viewer", [urls(["get"], ["/livez", "/readyz", "/healthz", "/version", "/version/"])]],
  ["system:basic-user", [
    rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
    rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]),
  ]],
  ["system:kube-scheduler", [
    events,
    rule(["create"], ["coordination.k8s.io"], ["leases"]),
    rule(["get", "update"], ["coordination.k8s.io"], ["leases"], ["kube-scheduler"]),
    rule(read, [""], ["nodes"]),
    rule(["get", "list", "watch", "delete"], [""], ["pods"]),
    rule(["create"], [""], ["pods/binding", "bindings"]),
    rule(["patch", "update"], [""], ["pods/status"]),
    rule(read, [""], ["services", "replicationcontrollers"]),
    rule(read, ["apps", "extensions"], ["replicasets"]),
    rule(read, ["apps"], ["statefulsets"]),
    rule(read, ["policy"], ["poddisruptionbudgets"]),
    rule(read, [""], ["persistentvolumeclaims", "persistentvolumes"]),
    rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
    rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
    rule(read, ["storage.k8s.io"], ["csinodes"]),
    rule(read, [""], ["namespaces"]),
    rule(read, ["storage.k8s.io"], ["csidrivers"]),
    rule(read, ["storage.k8s.io"], ["csistoragecapacities"]),
  ]],
  // the role kube-scheduler's VolumeBinding plugin binds claims with (bootstrap policy's system:volume-scheduler)
  ["system:volume-scheduler", [
    rule(["get", "list", "watch", "update", "patch"], [""], ["persistentvolumes"]),
    rule(read, ["storage.k8s.io"], ["storageclasses"]),
    rule(["get", "list", "watch", "update", "patch"], [""], ["persistentvolumeclaims"]),
  ]],
  // kind's local-path-provisioner-role (its manifest in kind's default storage addon)
  ["local-path-provisioner-role", [
    rule(["get", "list", "watch"], [""], ["nodes", "persistentvolumeclaims", "configmaps", "pods", "pods/log"]),
    rule(["get", "list", "watch", "create", "patch", "update", "delete"], [""], ["persistentvolumes"]),
    rule(["create", "patch"], [""], ["events"]),
    rule(["get", "list", "watch"], ["storage.k8s.io"], ["storageclasses"]),
  ]],
  ["system:node-proxier", [
    rule(["list", "watch"], [""], ["services", "endpoints"]),
    rule(["get", "list", "watch"], [""], ["nodes"]),
    events,
    rule(["list", "watch"], ["discovery.k8s.io"], ["endpointslices"]),
  ]],
  // kubeadm's CoreDNS addon role (CoreDNS is not in the bootstrap policy).
  ["system:coredns", [
    rule(["list", "watch"], [""], ["endpoints", "services", "pods", "namespaces"]),
    rule(["list", "watch"], ["discovery.k8s.io"], ["endpointslices"]),
  ]],
  // metrics-server's own manifest (components.yaml): it reads nodes and pods and scrapes nodes/metrics.
  ["system:metrics-server", [
    rule(["get"], [""], ["nodes/metrics"]),
    rule(["get", "list", "watch"], [""], ["pods", "nodes"]),
  ]],
  ["system:kube-controller-manager", [
    events,
    rule(["create"], ["coordination.k8s.io"], ["leases"]),
    rule(["get", "update"], ["coordination.k8s.io"], ["leases"], ["kube-controller-manager"]),
    rule(["create"], [""], ["secrets", "serviceaccounts"]),
    rule(["delete"], [""], ["secrets"]),
    rule(["get"], [""], ["namespaces", "secrets", "serviceaccounts", "configmaps"]),
    rule(["update"], [""], ["secrets", "serviceaccounts"]),
    rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
    rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
    rule(["list", "watch"], ["*"], ["*"]),
    rule(["create"], [""], ["serviceaccounts/token"]),
  ]],
  // The controller roles (controller_policy.go) of the controllers podflow runs.
  ["system:controller:deployment-controller", [
    rule(["get", "list", "watch", "update"], ["extensions", "apps"], ["deployments"]),
    rule(["update"], ["extensions", "apps"], ["deployments/finalizers", "deployments/status"]),
    rule(["get", "list", "watch", "create", "update", "patch", "delete"], ["extensions", "apps"], ["replicasets"]),
    rule(["get", "list", "watch", "update"], [""], ["pods"]),
    events,
  ]],
  ["system:controller:replicaset-controller", [
    rule(["get", "list", "watch", "update"], ["apps", "extensions"], ["replicasets"]),
    rule(["update"], ["apps", "extensions"], ["replicasets/status"]),
    rule(["update"], ["apps", "extensions"], ["replicasets/finalizers"]),
    rule(["list", "watch", "patch", "create", "delete"], [""], ["pods"]),
    events,
  ]],
  ["system:controller:job-controller", [
    rule(["get", "list", "watch", "update", "patch"], ["batch"], ["jobs"]),
    rule(["update"], ["batch"], ["jobs/status"]),
    rule(["update"], ["batch"], ["jobs/finalizers"]),
    rule(["list", "watch", "create", "delete", "patch"], [""], ["pods"]),
    events,
  ]],
  ["system:controller:daemon-set-controller", [
    rule(["get", "list", "watch"], ["extensions", "apps"], ["daemonsets"]),
    rule(["update"], ["extensions", "apps"], ["daemonsets/status"]),
    rule(["update"], ["extensions", "apps"], ["daemonsets/finalizers"]),
    rule(["list", "watch"], [""], ["nodes"]),
    rule(["list", "watch", "create", "delete", "patch"], [""], ["pods"]),
    rule(["create"], [""], ["pods/binding"]),
    rule(["get", "list", "watch", "create", "delete", "update", "patch"], ["apps"], ["controllerrevisions"]),
    events,
  ]],
  ["system:controller:persistent-volume-binder", [
    rule(["get", "list", "watch", "update", "create", "delete"], [""], ["persistentvolumes"]),
    rule(["update"], [""], ["persistentvolumes/status"]),
    rule(["get", "list", "watch", "update"], [""], ["persistentvolumeclaims"]),
    rule(["update"], [""], ["persistentvolumeclaims/status"]),
    rule(["list", "watch", "get", "create", "delete"], [""], ["pods"]),
    rule(["get", "list", "watch"], ["storage.k8s.io"], ["storageclasses"]),
    // The role's glusterfs rules (endpoints, services, secrets) are left out: podflow has no
    // glusterfs, and its controller manager holds every controller role under one user.
    rule(["get", "list"], [""], ["nodes"]),
    rule(["watch"], [""], ["events"]),
    events,
  ]],
  ["system:controller:pvc-protection-controller", [
    rule(["get", "list", "watch", "update"], [""], ["persistentvolumeclaims"]),
    rule(["list", "watch", "get"], [""], ["pods"]),
    events,
  ]],
  ["system:controller:pv-protection-controller", [rule(["get", "list", "watch", "update"], [""], ["persistentvolumes"]), events]],
  ["system:controller:resourcequota-controller", [rule(["list", "watch"], ["*"], ["*"]), rule(["update"], [""], ["resourcequotas/status"]), events]],
  ["system:controller:disruption-controller", [
    rule(["get", "list", "watch"], ["extensions", "apps"], ["deployments"]),
    rule(["get", "list", "watch"], ["apps", "extensions"], ["replicasets"]),
    rule(["get", "list", "watch"], [""], ["replicationcontrollers"]),
    rule(["get", "list", "watch"], ["policy"], ["poddisruptionbudgets"]),
    rule(["get", "list", "watch"], ["apps"], ["statefulsets"]),
    rule(["update"], ["policy"], ["poddisruptionbudgets/status"]),
    rule(["get"], ["*"], ["*/scale"]),
    rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
    rule(["patch", "update"], [""], ["pods/status"]),
    events,
  ]],
  ["system:controller:pod-garbage-collector", [
    rule(["list", "watch", "delete"], [""], ["pods"]),
    rule(["get", "list"], [""], ["nodes"]),
    rule(["patch"], [""], ["pods/status"]),
  ]],
  ["system:controller:statefulset-controller", [
    rule(["list", "watch"], [""], ["pods"]),
    rule(["list", "watch"], ["apps"], ["statefulsets"]),
    rule(["update"], ["apps"], ["statefulsets/status"]),
    rule(["update"], ["apps"], ["statefulsets/finalizers"]),
    rule(["get", "create", "delete", "update", "patch"], [""], ["pods"]),
    rule(["get", "create", "delete", "update", "patch", "list", "watch"], ["apps"], ["controllerrevisions"]),
    rule(["get", "create"], [""], ["persistentvolumeclaims"]),
    rule(["update", "delete"], [""], ["persistentvolumeclaims"]),
    events,
  ]],
  ["system:controller:replication-controller", [
    rule(["get", "list", "watch", "update"], [""], ["replicationcontrollers"]),
    rule(["update"], [""], ["replicationcontrollers/status"]),
    rule(["update"], [""], ["replicationcontrollers/finalizers"]),
    rule(["list", "watch", "patch", "create", "delete"], [""], ["pods"]),
    events,
  ]],
  // the csrsigning and csrcleaner controllers' role (--use-service-account-credentials: certificate-controller)
  ["system:controller:certificate-controller", [
    rule(["get", "list", "watch", "delete"], ["certificates.k8s.io"], ["certificatesigningrequests"]),
    rule(["update"], ["certificates.k8s.io"], ["certificatesigningrequests/status", "certificatesigningrequests/approval"]),
    rule(["approve"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/kube-apiserver-client-kubelet"]),
    rule(["sign"], ["certificates.k8s.io"], ["signers"], ["kubernetes.io/legacy-unknown", "kubernetes.io/kube-apiserver-client", "kubernetes.io/kube-apiserver-client-kubelet", "kubernetes.io/kubelet-serving"]),
    rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"]),
    events,
  ]],
  ["system:controller:ttl-after-finished-controller", [rule(["get", "list", "watch", "delete"], ["batch"], ["jobs"]), events]],
  ["system:controller:cronjob-controller", [
    rule(["get", "list", "watch", "update"], ["batch"], ["cronjobs"]),
    rule(["get", "list", "watch", "create", "update", "delete", "patch"], ["batch"], ["jobs"]),
    rule(["update"], ["batch"], ["cronjobs/status"]),
    rule(["update"], ["batch"], ["cronjobs/finalizers"]),
    rule(["list", "delete"], [""], ["pods"]),
    events,
  ]],
  ["system:controller:horizontal-pod-autoscaler", [
    rule(["get", "list", "watch"], ["autoscaling"], ["horizontalpodautoscalers"]),
    rule(["update"], ["autoscaling"], ["horizontalpodautoscalers/status"]),
    rule(["get", "update"], ["*"], ["*/scale"]),
    rule(["list"], [""], ["pods"]),
    rule(["list"], ["metrics.k8s.io"], ["pods"]),
    events,
  ]],
  ["system:controller:endpoint-controller", [
    rule(["get", "list", "watch"], [""], ["services", "pods"]),
    rule(["get", "list", "create", "update", "delete"], [""], ["endpoints"]),
    rule(["create"], [""], ["endpoints/restricted"]),
    events,
  ]],
  ["system:controller:endpointslice-controller", [
    rule(["get", "list", "watch"], [""], ["services", "pods", "nodes"]),
    rule(["update"], [""], ["services/finalizers"]),
    rule(["get", "list", "create", "update", "delete"], ["discovery.k8s.io"], ["endpointslices"]),
    events,
  ]],
  ["system:controller:generic-garbage-collector", [rule(["get", "list", "watch", "patch", "update", "delete"], ["*"], ["*"]), events]],
  ["system:controller:service-account-controller", [rule(["create"], [""], ["serviceaccounts"]), events]],
  // MultiCIDRServiceAllocator's (on by default since v1.33)
  ["system:controller:service-cidrs-controller", [
    rule(["get", "list", "watch", "patch", "update"], ["networking.k8s.io"], ["servicecidrs"]),
    rule(["patch", "update"], ["networking.k8s.io"], ["servicecidrs/finalizers"]),
    rule(["patch", "update"], ["networking.k8s.io"], ["servicecidrs/status"]),
    rule(["get", "list", "watch"], ["networking.k8s.io"], ["ipaddresses"]),
    events,
  ]],
  ["system:controller:root-ca-cert-publisher", [rule(["create", "update"], [""], ["configmaps"]), events]],
  ["system:controller:namespace-controller", [
    rule(["get", "list", "watch", "delete"], [""], ["namespaces"]),
    rule(["update"], [""], ["namespaces/finalize", "namespaces/status"]),
    rule(["get", "list", "delete", "deletecollection"], ["*"], ["*"]),
  ]],
  ["system:controller:node-controller", [
    rule(["get", "list", "update", "delete", "patch"], [""], ["nodes"]),
    rule(["patch", "update"], [""], ["nodes/status"]),
    rule(["update"], [""], ["pods/status"]),
    rule(["list", "get", "delete"], [""], ["pods"]),
    events,
  ]],
]);

/** A binding's subject (rbacv1.Subject): a user, a group, or a service account in a namespace. */
export type Subject = { kind: "User" | "Group"; name: string } | { kind: "ServiceAccount"; name: string; namespace: string };

export interface ClusterRoleBinding {
  /** the binding's name, as RBAC's allow reason cites it */
  name: string;
  role: string;
  subjects: readonly Subject[];
}

const controllerRoles = [...clusterRoles.keys()].filter((n) => n.startsWith("system:controller:"));
const user = (name: string): Subject => ({ kind: "User", name });
const group = (name: string): Subject => ({ kind: "Group", name });

/**
 * The bootstrap ClusterRoleBindings, each named as its role is. system:node is bound to no one (the
 * Node authorizer grants kubelets); system:discovery and system:basic-user to authenticated users
 * only. podflow's kube-controller-manager runs its controllers with its own credentials (no
 * --use-service-account-credentials), so it holds the roles of the controllers it runs. Sorted by
 * name: kube-apiserver visits bindings in its informer's order, which no client can rely on.
 */
export const clusterRoleBindings: readonly ClusterRoleBinding[] = ([
  { name: "cluster-admin", role: "cluster-admin", subjects: [group("system:masters")] },
  { name: "system:discovery", role: "system:discovery", subjects: [group("system:authenticated")] },
  { name: "system:basic-user", role: "system:basic-user", subjects: [group("system:authenticated")] },
  { name: "system:monitoring", role: "system:monitoring", subjects: [group("system:monitoring")] },
  { name: "system:kube-dns", role: "system:kube-dns", subjects: [{ kind: "ServiceAccount", name: "kube-dns", namespace: "kube-system" }] },
  // bound to no one since the Node authorizer (kept so that reconciliation can tighten it)
  { name: "system:node", role: "system:node", subjects: [] },
  { name: "system:service-account-issuer-discovery", role: "system:service-account-issuer-discovery", subjects: [group("system:serviceaccounts")] },
  { name: "system:public-info-viewer", role: "system:public-info-viewer", subjects: [group("system:authenticated"), group("system:unauthenticated")] },
  { name: "system:kube-scheduler", role: "system:kube-scheduler", subjects: [user("system:kube-scheduler")] },
  { name: "system:volume-scheduler", role: "system:volume-scheduler", subjects: [user("system:kube-scheduler")] },
  { name: "local-path-provisioner-bind", role: "local-path-provisioner-role", subjects: [{ kind: "ServiceAccount", name: "local-path-provisioner-service-account", namespace: "local-path-storage" }] },
  { name: "system:node-proxier", role: "system:node-proxier", subjects: [user("system:kube-proxy")] },
  // kubeadm's CoreDNS addon binding
  { name: "system:coredns", role: "system:coredns", subjects: [{ kind: "ServiceAccount", name: "coredns", namespace: "kube-system" }] },
  { name: "system:metrics-server", role: "system:metrics-server", subjects: [{ kind: "ServiceAccount", name: "metrics-server", namespace: "kube-system" }] },
  { name: "system:kube-controller-manager", role: "system:kube-controller-manager", subjects: [user("system:kube-controller-manager")] },
  ...controllerRoles.map((role) => ({ name: role, role, subjects: [user("system:kube-controller-manager")] })),
] as ClusterRoleBinding[]).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

// ---- rule matching (rbac/v1 helpers) ----------------------------------------------------

function verbMatches(r: PolicyRule, verb: string): boolean {
  return r.verbs.includes("*") || r.verbs.includes(verb);
}

function apiGroupMatches(r: PolicyRule, group: string): boolean {
  return (r.apiGroups ?? []).some((g) => g === "*" || g === group);
}

/** "*" matches every resource and subresource; "*\/status" matches the status subresource of any resource. */
function resourceMatches(r: PolicyRule, combined: string, subresource: string): boolean {
  for (const res of r.resources ?? []) {
    if (res === "*" || res === combined) return true;
    // the mutant lets a rule naming a resource cover its subresources ("pods" allows "pods/exec")
    if (mutant("rbac.rule-matches-subresources") && subresource !== "" && combined.startsWith(`${res}/`)) return true;
    if (subresource !== "" && res === `*/${subresource}`) return true;
  }
  return false;
}

function resourceNameMatches(r: PolicyRule, name: string): boolean {
  // the mutant lets a rule restricted by resourceNames allow a request without a name (list, watch, create)
  return r.resourceNames === undefined || r.resourceNames.length === 0 || r.resourceNames.includes(name) || (mutant("rbac.resource-names-allow-unnamed") && name === "");
}

function nonResourceURLMatches(r: PolicyRule, path: string): boolean {
  for (const u of r.nonResourceURLs ?? []) {
    if (u === "*" || u === path) return true;
    if (u.endsWith("*") && path.startsWith(u.slice(0, -1))) return true;
    // the mutant matches every URL as a prefix ("/healthz" allows "/healthz/etcd"); only a trailing "*" does
    if (mutant("rbac.non-resource-url-prefix-without-star") && path.startsWith(`${u}/`)) return true;
  }
  return false;
}

/** Whether one rule allows the request (RuleAllows). */
export function ruleAllows(a: Attributes, r: PolicyRule): boolean {
  if (a.resourceRequest) {
    const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    return verbMatches(r, a.verb) && apiGroupMatches(r, a.apiGroup) && resourceMatches(r, combined, a.subresource) && resourceNameMatches(r, a.name);
  }
  return verbMatches(r, a.verb) && nonResourceURLMatches(r, a.path);
}

export function rulesAllow(a: Attributes, rules: readonly PolicyRule[]): boolean {
  return rules.some((r) => ruleAllows(a, r));
}

/** The stored RBAC objects the authorizer reads (the API server's watch cache). */
export interface RbacObjects {
  role(namespace: string, name: string): any | undefined;
  clusterRole(name: string): any | undefined;
  clusterRoleBindings(): Iterable<any>;
  roleBindings(namespace: string): Iterable<any>;
  /**
   * The stored policy's versions, when the store keeps them as values: the ClusterRoleBindings,
   * ClusterRoles, RoleBindings and Roles, each replaced by a new value when one of its objects
   * changes. With them a user's rules are derived once per policy version, as kube-apiserver's
   * authorizer reads listers its informers keep rather than the store on every request.
   */
  versions?(): readonly [object | undefined, object | undefined, object | undefined, object | undefined];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** A stored rule as the matchers read it: string lists only (a stored object came from a client). */
export function storedRule(r: any): PolicyRule {
  const rule: PolicyRule = { verbs: strings(r?.verbs), apiGroups: strings(r?.apiGroups), resources: strings(r?.resources), nonResourceURLs: strings(r?.nonResourceURLs) };
  const names = strings(r?.resourceNames);
  return names.length > 0 ? { ...rule, resourceNames: names } : rule;
}

// Stored objects are immutable values: a role's rules are read once per stored version.
const rulesOfRole = new WeakMap<object, readonly PolicyRule[]>();

function storedRules(role: any): readonly PolicyRule[] {
  if (role === null || typeof role !== "object") return [];
  const known = rulesOfRole.get(role);
  if (known !== undefined) return known;
  const rules: readonly PolicyRule[] = (Array.isArray(role.rules) ? role.rules : []).map(storedRule);
  rulesOfRole.set(role, rules);
  return rules;
}

/** appliesToUser: a user by name, a group by membership, a service account by its username (its namespace defaulting to the binding's). */
function appliesTo(user: UserInfo, s: { kind?: unknown; name?: unknown; namespace?: unknown }, namespace: string): boolean {
  switch (s.kind) {
    case "User": return user.name === s.name;
    case "Group": return typeof s.name === "string" && user.groups.includes(s.name);
    case "ServiceAccount": {
      const ns = typeof s.namespace === "string" && s.namespace !== "" ? s.namespace : namespace;
      return ns !== "" && user.name === `system:serviceaccount:${ns}:${String(s.name)}`;
    }
    default: return false;
  }
}

/** describeSubject: `User "bob"`, `Group "g"`, `ServiceAccount "name/namespace"` (the binding's namespace when the subject names none). */
function describeSubject(s: { kind?: unknown; name?: unknown; namespace?: unknown }, namespace: string): string {
  const kind = String(s.kind);
  if (s.kind !== "ServiceAccount") return `${kind} ${goQuote(String(s.name))}`;
  const ns = typeof s.namespace === "string" && s.namespace !== "" ? s.namespace : namespace;
  return `${kind} ${goQuote(`${String(s.name)}/${ns}`)}`;
}

/**
 * GetRoleReferenceRules: the rules of a binding's roleRef, or the error the role registry's Get
 * gives (the store's key functions first: NamespaceKeyFunc needs a namespace, and a name that is a
 * path segment), with the status it reaches a client as; an unknown kind is a plain error (500).
 */
export function roleReferenceRules(ref: any, namespace: string, store: RbacObjects | undefined): { rules: readonly PolicyRule[] } | { error: string; reason: "BadRequest" | "NotFound" | "InternalError" } {
  const name = typeof ref?.name === "string" ? ref.name : "";
  const keyError = (): { error: string; reason: "BadRequest" } | undefined => {
    if (name === "") return { error: "Name parameter required.", reason: "BadRequest" };
    const bad = isValidPathSegmentName(name);
    return bad.length > 0 ? { error: `Name parameter invalid: ${goQuote(name)}: ${bad.join(";")}`, reason: "BadRequest" } : undefined;
  };
  switch (ref?.kind) {
    case "Role": {
      if (namespace === "") return { error: "Namespace parameter required.", reason: "BadRequest" };
      const bad = keyError();
      if (bad) return bad;
      const role = store?.role(namespace, name);
      return role ? { rules: storedRules(role) } : { error: `roles.rbac.authorization.k8s.io ${goQuote(name)} not found`, reason: "NotFound" };
    }
    case "ClusterRole": {
      const bad = keyError();
      if (bad) return bad;
      // with no store (a bare authorizer), the bootstrap policy as code; an API server reads what it stored
      if (!store) {
        const bootstrap = clusterRoles.get(name);
        return bootstrap ? { rules: bootstrap } : { error: `clusterroles.rbac.authorization.k8s.io ${goQuote(name)} not found`, reason: "NotFound" };
      }
      const role = store.clusterRole(name);
      return role ? { rules: storedRules(role) } : { error: `clusterroles.rbac.authorization.k8s.io ${goQuote(name)} not found`, reason: "NotFound" };
    }
    default: return { error: `unsupported role reference kind: ${goQuote(String(ref?.kind ?? ""))}`, reason: "InternalError" };
  }
}

type SourcedRule = { rule: PolicyRule; source: string };

/**
 * The rules that apply to a user in a namespace (VisitRulesFor), each with the binding and subject
 * that grant it, in visiting order: ClusterRoleBindings, then the namespace's RoleBindings.
 */
export function rulesFor(user: UserInfo, namespace = "", store?: RbacObjects): ReadonlyArray<SourcedRule> {
  // the bootstrap policy is stored (runtime/cluster.ts writes it as the post-start hook does)
  if (!store) return bootstrapRulesFor(user);
  const versions = store.versions?.();
  if (versions === undefined) return visitStoredRulesFor(user, namespace, store);
  // A few users make nearly every request. Bounded: names come from clients.
  const table = sameVersions(versions, last.versions) ? last.table : tableOf(versions);
  last = { versions, table };
  // The same user (one value from the token file) asks again: its rules by namespace, without a key built.
  const seen = table.byUser.get(user)?.get(namespace);
  if (seen !== undefined) return seen;
  const key = JSON.stringify([namespace, user.name, user.groups]);
  let rules = table.byKey.get(key);
  if (rules === undefined) {
    if (table.byKey.size >= 1024) table.byKey.clear();
    table.byKey.set(key, (rules = visitStoredRulesFor(user, namespace, store)));
  }
  if (table.byUser.size >= 256) table.byUser.clear();
  let mine = table.byUser.get(user);
  if (mine === undefined) table.byUser.set(user, (mine = new Map()));
  if (mine.size >= 256) mine.clear();
  mine.set(namespace, rules);
  return rules;
}

/** The rules derived under one policy version: by the user's name, groups and namespace, and by the user value itself. */
interface RulesTable {
  byKey: Map<string, ReadonlyArray<SourcedRule>>;
  byUser: Map<UserInfo, Map<string, ReadonlyArray<SourcedRule>>>;
}

// The policy version the last request was decided under: most requests find it unchanged.
let last: { versions: readonly (object | undefined)[]; table: RulesTable } = { versions: [], table: { byKey: new Map(), byUser: new Map() } };

function sameVersions(a: readonly (object | undefined)[], b: readonly (object | undefined)[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Rules by user and namespace, under the policy versions they were derived from (nested by each
// version in turn; weak, so a replaced version takes its rules with it).
const rulesByPolicy = new WeakMap<object, any>();
const absent = {};

function tableOf(versions: readonly (object | undefined)[]): RulesTable {
  let level: WeakMap<object, any> = rulesByPolicy;
  for (let i = 0; i < versions.length; i++) {
    const k = versions[i] ?? absent;
    let next = level.get(k);
    if (next === undefined) level.set(k, (next = i === versions.length - 1 ? { byKey: new Map(), byUser: new Map() } : new WeakMap()));
    level = next;
  }
  return level as unknown as RulesTable;
}

function visitStoredRulesFor(user: UserInfo, namespace: string, store: RbacObjects): ReadonlyArray<SourcedRule> {
  const out: SourcedRule[] = [];
  const visit = (b: any, ns: string) => {
    const subjects: any[] = Array.isArray(b?.subjects) ? b.subjects : [];
    const subject = subjects.find((s) => s !== null && typeof s === "object" && appliesTo(user, s, ns));
    if (!subject) return;
    const res = roleReferenceRules(b.roleRef, ns, store);
    if ("error" in res) return;
    const ref = `${String(b.roleRef?.kind)} ${goQuote(String(b.roleRef?.name))}`;
    const source = ns === ""
      ? `ClusterRoleBinding ${goQuote(String(b.metadata?.name))} of ${ref} to ${describeSubject(subject, ns)}`
      : `RoleBinding ${goQuote(`${String(b.metadata?.name)}/${ns}`)} of ${ref} to ${describeSubject(subject, ns)}`;
    for (const rule of res.rules) out.push({ rule, source });
  };
  for (const b of store.clusterRoleBindings()) visit(b, "");
  if (namespace !== "") for (const b of store.roleBindings(namespace)) visit(b, namespace);
  return out;
}

/**
 * The errors VisitRulesFor meets on the way (a binding to the user whose role cannot be read), in
 * visiting order: ConfirmNoEscalation appends them to its message (the role registry's words), the
 * RBAC authorizer to its denial (its listers' words: `role.rbac.authorization.k8s.io "x" not found`).
 */
export function ruleResolutionErrors(user: UserInfo, namespace: string, store: RbacObjects | undefined, words: "registry" | "lister" = "registry"): string[] {
  if (!store) return [];
  const out: string[] = [];
  const visit = (b: any, ns: string) => {
    const subjects: any[] = Array.isArray(b?.subjects) ? b.subjects : [];
    if (!subjects.some((s) => s !== null && typeof s === "object" && appliesTo(user, s, ns))) return;
    const res = roleReferenceRules(b.roleRef, ns, store);
    if (!("error" in res)) return;
    const listed = words === "lister" && (b.roleRef?.kind === "Role" || b.roleRef?.kind === "ClusterRole");
    out.push(listed ? `${b.roleRef.kind === "Role" ? "role" : "clusterrole"}.rbac.authorization.k8s.io ${goQuote(String(b.roleRef?.name ?? ""))} not found` : res.error);
  };
  for (const b of store.clusterRoleBindings()) visit(b, "");
  if (namespace !== "") for (const b of store.roleBindings(namespace)) visit(b, namespace);
  return out;
}

/** The bootstrap policy's rules for a user: fixed, so they depend on its name and groups only. */
function bootstrapRulesFor(user: UserInfo): ReadonlyArray<SourcedRule> {
  // A few users make nearly every request. Bounded: names come from clients.
  const key = JSON.stringify([user.name, user.groups]);
  let rules = rulesByUser.get(key);
  if (rules === undefined) {
    if (rulesByUser.size >= 1024) rulesByUser.clear();
    rulesByUser.set(key, (rules = visitRulesFor(user)));
  }
  return rules;
}

const rulesByUser = new Map<string, ReadonlyArray<SourcedRule>>();

function visitRulesFor(user: UserInfo): ReadonlyArray<SourcedRule> {
  const out: SourcedRule[] = [];
  for (const b of clusterRoleBindings) {
    const subject = b.subjects.find((s) => appliesTo(user, s, ""));
    if (!subject) continue;
    const source = `ClusterRoleBinding ${goQuote(b.name)} of ClusterRole ${goQuote(b.role)} to ${describeSubject(subject, "")}`;
    for (const rule of clusterRoles.get(b.role) ?? []) out.push({ rule, source });
  }
  return out;
}

/** The RBAC authorizer: allowed by the first rule of a binding to the user or one of its groups that matches, with the reason it gives. */
export function rbacAuthorize(a: Attributes, store?: RbacObjects): { allowed: boolean; reason: string } {
  const d = rbacDecision(a, store);
  if (d.allowed) return d;
  // a denial names the roles the user's bindings point at that could not be read: "RBAC: <aggregate>"
  const errors = ruleResolutionErrors(a.user, a.namespace, store, "lister");
  return errors.length === 0 ? d : { allowed: false, reason: `RBAC: ${aggregateError(errors)}` };
}

/** utilerrors.NewAggregate(errs).Error(): one message as it is; more, deduplicated, in brackets. */
export function aggregateError(errors: readonly string[]): string {
  if (errors.length === 1) return errors[0]!;
  const seen = [...new Set(errors)];
  return seen.length === 1 ? seen[0]! : `[${seen.join(", ")}]`;
}

function rbacDecision(a: Attributes, store?: RbacObjects): { allowed: boolean; reason: string } {
  const rules = rulesFor(a.user, a.namespace, store);
  // A user's rules are one value per policy version: the decisions they give are remembered with them
  // (a controller's rules are many, and it asks the same few questions again and again).
  let memo = decisionsByRules.get(rules);
  if (memo === undefined) decisionsByRules.set(rules, (memo = { byName: rules.some(({ rule }) => rule.resourceNames !== undefined), decisions: new Map() }));
  const key = decisionKey(a, memo.byName);
  if (key === undefined) return decideRbac(a, rules);
  const known = memo.decisions.get(key);
  if (known !== undefined) return { ...known };
  const d = decideRbac(a, rules);
  // Bounded: names and paths come from clients.
  if (memo.decisions.size >= 4096) memo.decisions.clear();
  memo.decisions.set(key, d);
  return { ...d };
}

function decideRbac(a: Attributes, rules: ReadonlyArray<SourcedRule>): { allowed: boolean; reason: string } {
  for (const { rule, source } of rules) if (ruleAllows(a, rule)) return { allowed: true, reason: `RBAC: allowed by ${source}` };
  return { allowed: false, reason: "" };
}

// What ruleAllows reads of a request (the name only when a rule names resources), each part
// length-prefixed so that no two requests share a key whatever their strings hold.
// Undefined (not remembered) when a part is not a string.
function decisionKey(a: Attributes, byName: boolean): string | undefined {
  const { verb, path, apiGroup, resource, subresource, name } = a;
  if (a.resourceRequest !== true) {
    if (a.resourceRequest !== false || typeof verb !== "string" || typeof path !== "string") return undefined;
    return `N${verb.length}:${verb}${path}`;
  }
  if (typeof verb !== "string" || typeof apiGroup !== "string" || typeof resource !== "string" || typeof subresource !== "string" || typeof name !== "string") return undefined;
  return `R${verb.length}:${verb}${apiGroup.length}:${apiGroup}${resource.length}:${resource}${subresource.length}:${subresource}${byName ? name : ""}`;
}

const decisionsByRules = new WeakMap<ReadonlyArray<SourcedRule>, { byName: boolean; decisions: Map<string, { allowed: boolean; reason: string }> }>();
