// NodeResourcesBalancedAllocation: favour nodes whose cpu and memory fractions stay close.
import type { Pod } from "kubernetes-types/core/v1";
import { type CycleState, type NodeInfo, type Resources, type ScorePlugin, MaxNodeScore, podRequests, toResources } from "../../framework.js";

export const Name = "NodeResourcesBalancedAllocation";
const preScoreKey = "PreScore" + Name;

/** balancedResourceScorer: (1 - std of the requested/allocatable fractions) * 100. */
export function balancedResourceScore(requested: number[], allocatable: number[]): number {
  const fractions: number[] = [];
  let total = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    const f = Math.min(1, requested[i]! / allocatable[i]!);
    total += f;
    fractions.push(f);
  }
  let std = 0;
  if (fractions.length === 2) std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  else if (fractions.length > 2) {
    const mean = total / fractions.length;
    std = Math.sqrt(fractions.reduce((s, f) => s + (f - mean) * (f - mean), 0) / fractions.length);
  }
  return Math.trunc((1 - std) * MaxNodeScore);
}

export const NodeResourcesBalancedAllocation = {
  name: Name,
  weight: 1,
  preScore(state: CycleState, pod: Pod) {
    const req = toResources(podRequests(pod));
    // Best-effort pods are skipped so they do not pile onto one node (kubernetes#129138).
    if (req.milliCPU === 0 && req.memory === 0) return "Skip" as const;
    state.set(preScoreKey, req);
    return undefined;
  },
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const req = (state.get(preScoreKey) as Resources | undefined) ?? toResources(podRequests(pod));
    // useRequested: the node's actual requests, not the non-zero defaults.
    return balancedResourceScore(
      [nodeInfo.requested.milliCPU + req.milliCPU, nodeInfo.requested.memory + req.memory],
      [nodeInfo.allocatable.milliCPU, nodeInfo.allocatable.memory],
    );
  },
} satisfies ScorePlugin;
