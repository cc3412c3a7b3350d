// What `kubeadm init` leaves in kube-public for joining nodes (phases/bootstraptoken/clusterinfo):
// the cluster-info ConfigMap (the admin kubeconfig's cluster: CA and server, nothing else) and
// the Role and RoleBinding that let system:anonymous get it. The bootstrap signer signs it.

import { clusterCACert } from "../machines/common/ca.js";
import { clusterInfoConfigMapName, kubeConfigKey } from "../machines/common/bootstraptoken.js";

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
