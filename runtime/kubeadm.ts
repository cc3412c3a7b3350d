// What `kubeadm init` leaves in kube-public for joining nodes (phases/bootstraptoken/clusterinfo):
// the cluster-info ConfigMap (the admin kubeconfig's cluster: CA and server, nothing else) and
// the Role and RoleBinding that let system:anonymous get it. The bootstrap signer signs it.

import { clusterCACert } from "../machines/common/ca.js";
import { clusterInfoConfigMapName, kubeConfigKey } from "../machines/common/bootstraptoken.js";
import type { Node, Taint } from "kubernetes-types/core/v1";
import { deepEqual } from "../machines/common/equal.js";
import { splitNodeMarks, type NodeMarks } from "../machines/common/kubeletlabels.js";
import type { ApiRequest, ApiResponse } from "../machines/messages.js";
import type { Runtime } from "./runtime.js";

/** kubeadm's BootstrapSignerClusterRoleName */
export const clusterInfoRoleName = "kubeadm:bootstrap-signer-clusterinfo";

/**
 * clientcmd.Write of a Config whose only cluster is named "": JSON through JSONToYAML, so keys come
 * sorted and the unset lists are null. The server is kind's control-plane endpoint, podflow's
 * control-plane address and secure port.
 */
export function clusterInfoKubeconfig(server: string, caPem = clusterCACert): string {
  const ca = Buffer.from(caPem, "utf8").toString("base64");
  return [
    "apiVersion: v1",
    "clusters:",
    "- cluster:",
    `    certificate-authority-data: ${ca}`,
    `    server: ${server}`,
    '  name: ""',
    "contexts: null",
    'current-context: ""',
    "kind: Config",
    "preferences: {}",
    "users: null",
    "",
  ].join("\n");
}

/** CreateBootstrapConfigMapIfNotExists's ConfigMap. */
export function clusterInfoConfigMap(server: string): any {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: clusterInfoConfigMapName, namespace: "kube-public" }, data: { [kubeConfigKey]: clusterInfoKubeconfig(server) } };
}

/** CreateClusterInfoRBACRules: get on configmaps/cluster-info in kube-public, bound to system:anonymous. */
export function clusterInfoRBAC(): { role: any; binding: any } {
  const rbac = "rbac.authorization.k8s.io";
  return {
    role: {
      apiVersion: `${rbac}/v1`, kind: "Role", metadata: { name: clusterInfoRoleName, namespace: "kube-public" },
      rules: [{ verbs: ["get"], apiGroups: [""], resources: ["configmaps"], resourceNames: [clusterInfoConfigMapName] }],
    },
    binding: {
      apiVersion: `${rbac}/v1`, kind: "RoleBinding", metadata: { name: clusterInfoRoleName, namespace: "kube-public" },
      roleRef: { apiGroup: rbac, kind: "Role", name: clusterInfoRoleName },
      subjects: [{ kind: "User", apiGroup: rbac, name: "system:anonymous" }],
    },
  };
}

/** What an administrator adds to a Node once its kubelet registered it (splitNodeMarks); undefined: nothing. */
export function adminMarks(given: Node): NodeMarks | undefined {
  const { admin } = splitNodeMarks(given.metadata?.labels, given.spec?.taints);
  return Object.keys(admin.labels).length === 0 && admin.taints.length === 0 ? undefined : admin;
}

/**
 * PatchNodeOnce's strategic merge patch of a Node as read: the labels set, and (markControlPlaneNode)
 * kubeadm's taints first, then the node's own not among them. undefined when the Node already has them.
 */
export function markPatch(node: Node, marks: NodeMarks): { metadata?: { labels: Record<string, string> }; spec?: { taints: Taint[] } } | undefined {
  const current = node.metadata?.labels ?? {};
  const labels = Object.fromEntries(Object.entries(marks.labels).filter(([k, v]) => current[k] !== v));
  const own = node.spec?.taints ?? [];
  const taints = [...marks.taints, ...own.filter((t) => !marks.taints.some((m) => sameTaint(m, t)))];
  const retaint = !deepEqual(taints, own);
  if (Object.keys(labels).length === 0 && !retaint) return undefined;
  // spec.taints has no patch strategy: the list is replaced whole
  return { ...(Object.keys(labels).length > 0 ? { metadata: { labels } } : {}), ...(retaint ? { spec: { taints } } : {}) };
}

// v1.Taint compared as a Go struct (slices.Contains): key, value, effect and timeAdded
const sameTaint = (a: Taint, b: Taint) => a.key === b.key && (a.value ?? "") === (b.value ?? "") && a.effect === b.effect && (a.timeAdded ?? "") === (b.timeAdded ?? "");

/** The node a kubelet learned is registered: the first answer to kubelet/<name> that carries its Node. */
function registeredNode(to: string, msg: unknown): string | undefined {
  if (!to.startsWith("kubelet/")) return undefined;
  const r = msg as Partial<ApiResponse> & { object?: any };
  if (r.type !== "ApiResponse" || r.ok !== true || r.object?.kind !== "Node") return undefined;
  const name = to.slice("kubelet/".length);
  return r.object?.metadata?.name === name ? name : undefined;
}

/**
 * The administrator's step after each node joins (kubeadm init's mark-control-plane, `kubectl label`):
 * once the node's kubelet has registered it, read the Node and patch in what adminMarks says, as the
 * admin, through the API server's authorization and admission like any client. send(req, then)
 * sends an admin request and calls then with its answer.
 */
export function markRegisteredNodes(rt: Runtime, nodes: readonly Node[], send: (req: Omit<ApiRequest, "type" | "id">, then: (r: ApiResponse) => void) => void): void {
  const pending = new Map<string, NodeMarks>();
  for (const n of nodes) {
    const marks = adminMarks(n);
    if (marks !== undefined) pending.set(n.metadata!.name!, marks);
  }
  if (pending.size === 0) return;
  rt.deliveryHooks.push((_from, to, msg) => {
    const name = registeredNode(to, msg);
    const marks = name === undefined ? undefined : pending.get(name);
    if (name === undefined || marks === undefined) return;
    pending.delete(name);
    // PatchNode polls a Get until the Node is there, then patches what the Node it read lacks
    send({ verb: "get", group: "", resource: "nodes", name }, (got) => {
      const body = got.ok ? markPatch(got.object, marks) : undefined;
      if (body !== undefined) send({ verb: "patch", group: "", resource: "nodes", name, patchType: "strategic", body, fieldManager: "kubeadm" }, () => undefined);
    });
  });
}
