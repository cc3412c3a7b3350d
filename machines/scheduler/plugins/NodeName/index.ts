// NodeName: a pod with spec.nodeName only fits that node.
import type { Pod } from "kubernetes-types/core/v1";
import { type CycleState, type FilterPlugin, type FilterStatus, type NodeInfo, failure, Success } from "../../framework.js";

export const Name = "NodeName";
/** Filter reason when spec.nodeName names another node. */
export const ErrReason = "node(s) didn't match the requested node name";

export const NodeName = {
  name: Name,
  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): FilterStatus {
    const want = pod.spec?.nodeName ?? "";
    if (want === "" || want === nodeInfo.node.metadata?.name) return Success;
    return failure("UnschedulableAndUnresolvable", Name, ErrReason);
  },
} satisfies FilterPlugin;
