// NodeResourcesBalancedAllocation: favour nodes whose cpu and memory fractions stay close.
import type { Pod } from "kubernetes-types/core/v1";
import { type CycleState, type NodeInfo, type Resources, type ScorePlugin, cyclePodRequests, MaxNodeScore, podRequests, toResources } from "../../framework.js";
import { mutant } from "../../../common/mutation.js";

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

/** balancedResourceScore over cpu and memory, with the same arithmetic and no arrays (scored per node). */
export function balancedCpuMemoryScore(reqCPU: number, allocCPU: number, reqMem: number, allocMem: number): number {
  let std = 0;
  if (allocCPU !== 0 && allocMem !== 0) {
    // Two fractions: the standard deviation is half their distance.
    std = Math.abs((Math.min(1, reqCPU / allocCPU) - Math.min(1, reqMem / allocMem)) / (mutant("scheduler.balanced-allocation-full-distance") ? 1 : 2));
  }
  return Math.trunc((1 - std) * MaxNodeScore);
}

/** The pod's request PreScore kept, or computed when PreScore did not run. */
function scoreRequest(state: CycleState, pod: Pod): Resources {
  return (state.get(preScoreKey) as Resources | undefined) ?? toResources(podRequests(pod));
}

// useRequested: the node's actual requests, not the non-zero defaults.
function balancedScore(req: Resources, nodeInfo: NodeInfo): number {
  return balancedCpuMemoryScore(
    nodeInfo.requestedMilliCPU + req.milliCPU, nodeInfo.allocatableMilliCPU,
    nodeInfo.requestedMemory + req.memory, nodeInfo.allocatableMemory,
  );
}

export const NodeResourcesBalancedAllocation = {
  name: Name,
  weight: 1,
  preScore(state: CycleState, pod: Pod) {
    const req = cyclePodRequests(state, pod, false);
    // Best-effort pods are skipped so they do not pile onto one node (kubernetes#129138).
    if (req.milliCPU === 0 && req.memory === 0) return "Skip" as const;
    state.set(preScoreKey, req);
    return undefined;
  },
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    return balancedScore(scoreRequest(state, pod), nodeInfo);
  },
  scoreAll(state: CycleState, pod: Pod, nodes: NodeInfo[], out: number[]): void {
    const req = scoreRequest(state, pod);
    for (let i = 0; i < nodes.length; i++) out[i] = balancedScore(req, nodes[i]!);
  },
} satisfies ScorePlugin;
