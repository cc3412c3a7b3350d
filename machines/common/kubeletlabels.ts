// Which Node labels a kubelet may set itself (k8s.io/kubelet/pkg/apis IsKubeletLabel over
// well_known_labels.go): the same rule the kubelet's --node-labels validation and NodeRestriction
// apply, so a node can never label itself into a role or a restricted pool.

import { mutant } from "./mutation.js";

// KubeletLabels: the well-known hostname, topology, instance-type, os and arch labels
const kubeletLabels = new Set([
  "kubernetes.io/hostname", "failure-domain.beta.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/region", "beta.kubernetes.io/instance-type",
  "beta.kubernetes.io/os", "beta.kubernetes.io/arch", "topology.kubernetes.io/zone", "topology.kubernetes.io/region", "node.kubernetes.io/instance-type",
  "kubernetes.io/os", "kubernetes.io/arch",
]);
// KubeletLabelNamespaces
const kubeletLabelNamespaces = ["kubelet.kubernetes.io", "node.kubernetes.io"];

const labelNamespace = (key: string) => (key.includes("/") ? key.slice(0, key.indexOf("/")) : "");
const inNamespace = (ns: string, domain: string) => ns === domain || ns.endsWith(mutant("kubeletlabels.domain-suffix-without-dot") ? domain : `.${domain}`);

/**
 * getForbiddenLabels' test for one key: a node-restriction.kubernetes.io label, or a kubernetes.io /
 * k8s.io label that is not a kubelet label. Labels of any other domain a kubelet may set.
 */
export function isForbiddenNodeLabel(key: string): boolean {
  const ns = labelNamespace(key);
  if (inNamespace(ns, "node-restriction.kubernetes.io")) return true;
  const isKubernetes = inNamespace(ns, "kubernetes.io") || (!mutant("kubeletlabels.k8s-io-domain-free") && inNamespace(ns, "k8s.io"));
  return isKubernetes && !kubeletLabels.has(key) && !kubeletLabelNamespaces.some((d) => (mutant("kubeletlabels.label-namespace-subdomain-forbidden") ? ns === d : inNamespace(ns, d)));
}

/** kubeadm's LabelNodeRoleControlPlane, also the key of its control-plane taint. */
export const controlPlaneRole = "node-role.kubernetes.io/control-plane";
// markcontrolplane.go labelsToAdd: the role and LabelExcludeFromExternalLB
const markControlPlaneLabels = new Set([controlPlaneRole, "node.kubernetes.io/exclude-from-external-load-balancers"]);

type Taint = { key: string; value?: string; effect: string; timeAdded?: string };
export interface NodeMarks {
  labels: Record<string, string>;
  taints: Taint[];
}

/**
 * A Node's labels and taints split by who sets them. Its kubelet registers the labels it may set
 * (--node-labels) and the taints (--register-with-taints); an administrator adds the rest once it is
 * registered: on a control-plane node kubeadm init's mark-control-plane phase its role label, the
 * exclude-from-external-load-balancers label and the control-plane taint, and `kubectl label` any
 * other label no kubelet may set.
 */
export function splitNodeMarks(labels: Record<string, string> | undefined, taints: readonly Taint[] | undefined): { kubelet: NodeMarks; admin: NodeMarks } {
  const all = labels ?? {};
  const controlPlane = Object.hasOwn(all, controlPlaneRole);
  const byAdmin = (key: string) => isForbiddenNodeLabel(key) || (controlPlane && markControlPlaneLabels.has(key));
  const taintByAdmin = (t: Taint) => controlPlane && t.key === controlPlaneRole;
  const entries = Object.entries(all);
  return {
    kubelet: { labels: Object.fromEntries(entries.filter(([k]) => !byAdmin(k))), taints: (taints ?? []).filter((t) => !taintByAdmin(t)) },
    admin: { labels: Object.fromEntries(entries.filter(([k]) => byAdmin(k))), taints: (taints ?? []).filter(taintByAdmin) },
  };
}
