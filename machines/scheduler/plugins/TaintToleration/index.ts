// TaintToleration: NoSchedule/NoExecute taints filter, PreferNoSchedule taints lower the score.
import type { Node, Pod, Toleration } from "kubernetes-types/core/v1";
import {
  type CycleState, type FilterPlugin, type FilterStatus, type NodeInfo, type NodeScore, type ScorePlugin,
  doNotScheduleTaints, failure, findMatchingUntoleratedTaint, MaxNodeScore, Success, tolerationsTolerateTaint,
} from "../../framework.js";
import { defaultNormalizeScore, defaultNormalizeScores } from "../helper.js";
import { mutant } from "../../../common/mutation.js";

export const Name = "TaintToleration";
/** v1.35 Filter reason: taint keys and values are no longer shown (kubernetes#134740). */
export const ErrReasonNotMatch = "node(s) had untolerated taint(s)";
const preScoreKey = "PreScore" + Name;

/** The tolerations PreScore kept (those that can tolerate PreferNoSchedule), or all of the pod's. */
function scoreTolerations(state: CycleState, pod: Pod): Toleration[] {
  return (state.get(preScoreKey) as Toleration[] | undefined) ?? pod.spec?.tolerations ?? [];
}

/** PreferNoSchedule taints of the node that none of the tolerations tolerates. */
function countIntolerablePreferNoSchedule(tols: Toleration[], nodeInfo: NodeInfo): number {
  const taints = nodeInfo.taints;
  if (taints == null) return 0;
  let n = 0;
  for (const taint of taints) {
    if (taint.effect === "PreferNoSchedule" && !tolerationsTolerateTaint(tols, taint)) n++;
  }
  return n;
}

export const TaintToleration = {
  name: Name,
  weight: 3,
  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): FilterStatus {
    if (mutant("scheduler.ignores-taints")) return Success;
    const taint = findMatchingUntoleratedTaint(nodeInfo.taints, pod.spec?.tolerations, mutant("scheduler.taint-filter-ignores-noexecute") ? (t) => t.effect === "NoSchedule" : doNotScheduleTaints);
    return taint === undefined ? Success : failure("UnschedulableAndUnresolvable", Name, ErrReasonNotMatch);
  },
  preScore(state: CycleState, pod: Pod): undefined {
    // An empty effect tolerates every effect, PreferNoSchedule included.
    const tols = (pod.spec?.tolerations ?? []).filter((t) => (!t.effect && !mutant("scheduler.prefer-no-schedule-ignores-empty-effect")) || t.effect === "PreferNoSchedule");
    state.set(preScoreKey, tols);
    return undefined;
  },
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    return countIntolerablePreferNoSchedule(scoreTolerations(state, pod), nodeInfo);
  },
  scoreAll(state: CycleState, pod: Pod, nodes: NodeInfo[], out: number[]): void {
    const tols = scoreTolerations(state, pod);
    for (let i = 0; i < nodes.length; i++) out[i] = countIntolerablePreferNoSchedule(tols, nodes[i]!);
  },
  normalize(_state: CycleState, _pod: Pod, scores: NodeScore[]): void {
    defaultNormalizeScore(MaxNodeScore, true, scores);
  },
  normalizeAll(_state: CycleState, _pod: Pod, scores: number[]): void {
    defaultNormalizeScores(MaxNodeScore, true, scores);
  },
} satisfies FilterPlugin & ScorePlugin;

/**
 * The plugin's QueueingHint for a node added or changed (isSchedulableAfterNodeChange): only a node
 * whose NoSchedule and NoExecute taints the pod now tolerates, having not before, can help.
 */
export function isSchedulableAfterNodeChange(pod: Pod, old: Node | undefined, cur: Node): boolean {
  const untolerated = (n: Node) => findMatchingUntoleratedTaint(n.spec?.taints, pod.spec?.tolerations, doNotScheduleTaints) !== undefined;
  return (old === undefined || untolerated(old)) && !untolerated(cur);
}
