// kindnet's network policy agent, started with the first NetworkPolicy. kind installs kindnet (and
// its ClusterRole and binding) with the cluster; podflow starts its policy half the first time a
// NetworkPolicy is written, because its three watches at boot would shift every seeded run for
// clusters that never hold a policy (where it would have nothing to enforce).

import type { Runtime } from "./runtime.js";
import type { ApiRequest, ApiResponse, EtcdRequest } from "../machines/messages.js";
import { policyAgentMachine } from "../machines/cni/netpol.machine.js";

/** The address and identity of the agent (kindnet's DaemonSet runs as kube-system/kindnet). */
export const POLICY_AGENT = "kindnet";
export const policyAgentUser = { name: "system:serviceaccount:kube-system:kindnet", groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"] };

// kind's kindnet manifest: its ClusterRole (the rules kube-network-policies needs) and binding
const kindnetRole = {
  apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "kindnet" },
  rules: [
    { apiGroups: [""], resources: ["nodes"], verbs: ["list", "watch", "patch"] },
    { apiGroups: [""], resources: ["configmaps"], verbs: ["get"] },
    { apiGroups: [""], resources: ["pods", "namespaces"], verbs: ["list", "watch"] },
    { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["list", "watch"] },
    // newer kindnet manifests: it reads EndpointSlices (here the kube-dns Service's, where DNS queries go)
    { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"] },
  ],
};
const kindnetBinding = {
  apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: { name: "kindnet" },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "kindnet" },
  subjects: [{ kind: "ServiceAccount", name: "kindnet", namespace: "kube-system" }],
};

/**
 * A NetworkPolicy written to storage: what starts the agent. The API server's etcd write, not the
 * client's request: a refused, invalid or dry-run request stores nothing and must change nothing.
 */
export function isPolicyWrite(to: string, msg: unknown): boolean {
  if (to !== "etcd" || typeof msg !== "object" || msg === null) return false;
  const t = msg as Partial<EtcdRequest>;
  return t.type === "Txn" && Array.isArray(t.success) && t.success.some((op) => op.type === "put" && op.key.startsWith("/registry/networkpolicies/"));
}

/**
 * Installs the agent: its ClusterRole and binding (as kind's manifest does; one already there is
 * kept), then the actor. send(req, then) sends an admin request and calls then with its answer.
 */
export function startPolicyAgent(rt: Runtime, token: string, send: (req: Omit<ApiRequest, "type" | "id">, then: (r: ApiResponse) => void) => void): void {
  const create = (resource: string, body: object, then: () => void) => send({ verb: "create", group: "rbac.authorization.k8s.io", resource, body, fieldManager: "kubectl-client-side-apply" }, then);
  create("clusterroles", kindnetRole, () => create("clusterrolebindings", kindnetBinding, () => {
    if (!rt.has(POLICY_AGENT)) rt.spawn(POLICY_AGENT, policyAgentMachine, { token });
  }));
}
