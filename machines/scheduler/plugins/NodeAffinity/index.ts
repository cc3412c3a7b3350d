// NodeAffinity: spec.nodeSelector and required node affinity filter; preferred terms score.
import type { Node, NodeSelectorTerm, Pod, PreferredSchedulingTerm } from "kubernetes-types/core/v1";
import { matchesNodeSelectorTerm, requiredNodeAffinityMatches } from "../../../common/labels.js";
import { type CycleState, type FilterPlugin, type FilterStatus, type NodeInfo, type NodeScore, type ScorePlugin, failure, MaxNodeScore, Success } from "../../framework.js";
import { mutant } from "../../../common/mutation.js";
import { defaultNormalizeScore, defaultNormalizeScores } from "../helper.js";

export const Name = "NodeAffinity";
/** Filter reason when the node fails the pod's nodeSelector or required node affinity. */
export const ErrReasonPod = "node(s) didn't match Pod's node affinity/selector";
const preScoreKey = "PreScore" + Name;
/** PreFilter's reason when every term's metadata.name In requirements leave no node. */
export const ErrReasonConflict = "pod affinity terms conflict";

/**
 * PreFilter's node names (node_affinity.go): each term's metadata.name In requirements, intersected
 * within the term and joined across terms; a term without one allows every node. True when the
 * names are known and none is left: no node can match. (The names themselves, PreFilterResult,
 * are not used to narrow the search: podflow's scheduler filters every node.)
 */
function metadataNameTermsConflict(terms: readonly NodeSelectorTerm[]): boolean {
  let names: Set<string> | undefined;
  for (const t of terms) {
    let termNames: Set<string> | undefined;
    for (const r of t.matchFields ?? []) {
      if (r.key !== "metadata.name" || r.operator !== "In") continue;
      const values = new Set(r.values ?? []);
      termNames = termNames === undefined ? values : new Set([...termNames].filter((n) => values.has(n)));
    }
    if (termNames === undefined) return false;
    names = new Set([...(names ?? []), ...termNames]);
  }
  return names !== undefined && names.size === 0;
}

export { requiredNodeAffinityMatches };

export const NodeAffinity = {
  name: Name,
  weight: 2,
  preFilter(_state: CycleState, pod: Pod) {
    const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    // a PreFilter that looks only at affinity and forgets spec.nodeSelector skips the filter
    if (required == null && (mutant("scheduler.prefilter-skips-nodeselector") || Object.keys(pod.spec?.nodeSelector ?? {}).length === 0)) return "Skip" as const;
    if (required != null && metadataNameTermsConflict(required.nodeSelectorTerms ?? [])) return failure("UnschedulableAndUnresolvable", Name, ErrReasonConflict);
    return undefined;
  },
  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): FilterStatus {
    return requiredNodeAffinityMatches(pod, nodeInfo.node) ? Success : failure("UnschedulableAndUnresolvable", Name, ErrReasonPod);
  },
  preScore(state: CycleState, pod: Pod) {
    const preferred = pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    // Zero-weight terms never change a score.
    const terms = preferred.filter((t) => t.weight !== 0);
    if (terms.length === 0) return "Skip" as const;
    state.set(preScoreKey, terms);
    return undefined;
  },
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const terms = (state.get(preScoreKey) as PreferredSchedulingTerm[] | undefined)
      ?? pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    let sum = 0;
    for (const t of terms) if (matchesNodeSelectorTerm(t.preference, nodeInfo.node)) sum += mutant("scheduler.preferred-affinity-ignores-weight") ? 1 : t.weight;
    return sum;
  },
  normalize(_state: CycleState, _pod: Pod, scores: NodeScore[]): void {
    defaultNormalizeScore(MaxNodeScore, false, scores);
  },
  normalizeAll(_state: CycleState, _pod: Pod, scores: number[]): void {
    defaultNormalizeScores(MaxNodeScore, false, scores);
  },
} satisfies FilterPlugin & ScorePlugin;

/**
 * The plugin's QueueingHint for a node added or relabelled (isSchedulableAfterNodeChange): only a
 * node that now matches the pod's nodeSelector and required affinity, and did not before, can help.
 */
export function isSchedulableAfterNodeChange(pod: Pod, old: Node | undefined, cur: Node): boolean {
  if (!requiredNodeAffinityMatches(pod, cur)) return false;
  return old === undefined || !requiredNodeAffinityMatches(pod, old);
}
