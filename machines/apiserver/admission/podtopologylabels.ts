// The PodTopologyLabels admission plugin (plugin/pkg/admission/podtopologylabels; on by default
// since 1.35, its feature gate beta): a pod bound to a node takes the node's zone and region
// labels, so the downward API can show them. A Binding gets them from its target Node and the
// binding registry copies them to the pod; a pod created with spec.nodeName gets them directly.

import { getOwn } from "../../common/own.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

/** The plugin's default configuration: these label keys, exactly (no prefixes). */
export const TOPOLOGY_LABEL_KEYS: readonly string[] = ["topology.kubernetes.io/zone", "topology.kubernetes.io/region"];

/** The Node lister: a node by name, or undefined (a missing node copies nothing, as NotFound is ignored). */
export type NodeLookup = (name: string) => Obj | undefined;

/** topologyLabelsForNodeName: the node's topology labels, or undefined when it has none. */
export function topologyLabelsOf(node: Obj | undefined): Record<string, string> | undefined {
  const labels = node?.metadata?.labels;
  if (labels === null || typeof labels !== "object") return undefined;
  let out: Record<string, string> | undefined;
  for (const key of mutant("podtopologylabels.region-not-copied") ? TOPOLOGY_LABEL_KEYS.slice(0, 1) : TOPOLOGY_LABEL_KEYS) {
    const v = getOwn(labels as Record<string, unknown>, key);
    if (typeof v === "string") (out ??= {})[key] = v;
  }
  return out;
}

/** admitPod, on a pod create's copy: a pod created already bound takes its node's labels, overwriting its own. */
export function admitPodTopologyLabels(pod: Obj, nodes: NodeLookup | undefined): void {
  const nodeName = pod.spec?.nodeName;
  if (nodes === undefined || typeof nodeName !== "string" || nodeName === "") return;
  const copied = topologyLabelsOf(nodes(nodeName));
  if (copied !== undefined) pod.metadata.labels = { ...(pod.metadata.labels ?? {}), ...copied };
}

/** admitBinding: the labels a Binding carries to its pod, the target Node's topology labels overwriting the Binding's own. */
export function bindingLabels(binding: Obj, nodes: NodeLookup): Record<string, string> | undefined {
  const own = binding?.metadata?.labels ?? undefined;
  // other fields are not set by the default scheduler for the target: only the kind is checked
  const copied = binding?.target?.kind === "Node" ? topologyLabelsOf(nodes(binding.target.name)) : undefined;
  if (copied === undefined) return own !== undefined && Object.keys(own).length > 0 ? own : undefined;
  return { ...(own ?? {}), ...copied };
}
