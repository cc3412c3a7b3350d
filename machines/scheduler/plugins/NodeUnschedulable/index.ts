// NodeUnschedulable: a cordoned node (spec.unschedulable) only takes pods tolerating its taint.
import type { Node, Pod } from "kubernetes-types/core/v1";
import { type CycleState, type FilterPlugin, type FilterStatus, type NodeInfo, failure, Success, tolerationsTolerateTaint } from "../../framework.js";
import { mutant } from "../../../common/mutation.js";

export const Name = "NodeUnschedulable";
/** Filter reason for a cordoned node. */
export const ErrReasonUnschedulable = "node(s) were unschedulable";

export const NodeUnschedulable = {
  name: Name,
  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): FilterStatus {
    if (!nodeInfo.unschedulable) return Success;
    // Tolerating the node.kubernetes.io/unschedulable taint also tolerates spec.unschedulable.
    const tolerates = !mutant("scheduler.cordoned-refuses-tolerating-pod") && tolerationsTolerateTaint(pod.spec?.tolerations, { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" });
    return tolerates ? Success : failure("UnschedulableAndUnresolvable", Name, ErrReasonUnschedulable);
  },
} satisfies FilterPlugin;

/**
 * The plugin's QueueingHint for a node added or updated (isSchedulableAfterNodeChange): only a node
 * added schedulable, or uncordoned, can help; a cordoned node's other changes cannot.
 */
export function isSchedulableAfterNodeChange(_pod: Pod, old: Node | undefined, cur: Node): boolean {
  if (cur.spec?.unschedulable) return false;
  return old === undefined || !!old.spec?.unschedulable;
}

/**
 * The plugin's QueueingHint for a pod's tolerations added (isSchedulableAfterPodTolerationChange):
 * only the waiting pod itself coming to tolerate the unschedulable taint can help it.
 */
export function isSchedulableAfterPodTolerationChange(pod: Pod, modified: Pod): boolean {
  if (pod.metadata?.uid === undefined || modified.metadata?.uid !== pod.metadata.uid) return false;
  return tolerationsTolerateTaint(modified.spec?.tolerations, { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" });
}
