// NodePorts: a requested hostPort must be free on the node for its protocol and IP.
import { portsConflict } from "../../../common/resourcehelper.js";
import type { Pod } from "kubernetes-types/core/v1";
import { type CycleState, type FilterPlugin, type FilterStatus, type HostPort, type NodeInfo, failure, hostPorts, Success } from "../../framework.js";
import { mutant } from "../../../common/mutation.js";

export const Name = "NodePorts";
/** Filter reason when a host port is taken. */
export const ErrReason = "node(s) didn't have free ports for the requested pod ports";
const key = "PreFilter" + Name;

export { portsConflict };

export const NodePorts = {
  name: Name,
  preFilter(state: CycleState, pod: Pod) {
    const wanted = hostPorts(pod);
    if (wanted.length === 0) return "Skip" as const;
    state.set(key, wanted);
    return undefined;
  },
  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): FilterStatus {
    const wanted = (state.get(key) as HostPort[] | undefined) ?? hostPorts(pod);
    for (const w of wanted) for (const u of nodeInfo.usedPorts) if (portsConflict(w, u)) return failure("Unschedulable", Name, ErrReason);
    return Success;
  },
} satisfies FilterPlugin;

/**
 * The plugin's QueueingHint for a pod deleted (isSchedulableAfterPodDeleted): only a scheduled or
 * nominated pod that held one of the host ports the waiting pod asks for frees something it needs.
 */
export function isSchedulableAfterPodDeleted(pod: Pod, deleted: Pod): boolean {
  // the mutant counts a deleted pod that held no node as freeing its host ports
  if (!deleted.spec?.nodeName && !deleted.status?.nominatedNodeName && !mutant("scheduler.nodeports-unassigned-pod-frees-port")) return false;
  const freed = hostPorts(deleted);
  if (freed.length === 0) return false;
  return hostPorts(pod).some((w) => freed.some((u) => portsConflict(w, u)));
}
