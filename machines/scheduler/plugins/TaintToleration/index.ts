// TaintToleration: NoSchedule/NoExecute taints filter, PreferNoSchedule taints lower the score.
import type { Pod, Toleration } from "kubernetes-types/core/v1";
import {
  type CycleState, type FilterPlugin, type FilterStatus, type NodeInfo, type NodeScore, type ScorePlugin,
  doNotScheduleTaints, failure, findMatchingUntoleratedTaint, MaxNodeScore, Success, tolerationsTolerateTaint,
} from "../../framework.js";
import { defaultNormalizeScore } from "../helper.js";

export const Name = "TaintToleration";
/** v1.35 Filter reason: taint keys and values are no longer shown (kubernetes#134740). */
export const ErrReasonNotMatch = "node(s) had untolerated taint(s)";
const preScoreKey = "PreScore" + Name;

export const TaintToleration = {
  name: Name,
  weight: 3,
  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): FilterStatus {
    const taint = findMatchingUntoleratedTaint(nodeInfo.node.spec?.taints, pod.spec?.tolerations, doNotScheduleTaints);
    return taint === undefined ? Success : failure("UnschedulableAndUnresolvable", Name, ErrReasonNotMatch);
  },
  preScore(state: CycleState, pod: Pod): undefined {
    // An empty effect tolerates every effect, PreferNoSchedule included.
    const tols = (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === "PreferNoSchedule");
    state.set(preScoreKey, tols);
    return undefined;
  },
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const tols = (state.get(preScoreKey) as Toleration[] | undefined) ?? pod.spec?.tolerations ?? [];
    let n = 0;
    for (const taint of nodeInfo.node.spec?.taints ?? []) {
      if (taint.effect === "PreferNoSchedule" && !tolerationsTolerateTaint(tols, taint)) n++;
    }
    return n;
  },
  normalize(_state: CycleState, _pod: Pod, scores: NodeScore[]): void {
    defaultNormalizeScore(MaxNodeScore, true, scores);
  },
} satisfies FilterPlugin & ScorePlugin;
