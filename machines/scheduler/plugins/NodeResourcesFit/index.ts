// NodeResourcesFit: requests must fit allocatable minus requested; LeastAllocated scoring.
import type { Node, Pod } from "kubernetes-types/core/v1";
import {
  type CycleState, type FilterPlugin, type FilterStatus, type NodeInfo, type ResourceList, type Resources, type ScorePlugin,
  allocatableOf, cyclePodRequests, failure, MaxNodeScore, newNodeInfo, nonZeroDefaults, podRequests, Success, toResources,
} from "../../framework.js";
import { mutant } from "../../../common/mutation.js";

export const Name = "NodeResourcesFit";
const preFilterKey = "PreFilter" + Name;
const preScoreKey = "PreScore" + Name;

/** One resource the node lacks (noderesources.InsufficientResource). */
export interface InsufficientResource {
  resourceName: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
  /** The request exceeds the node's whole allocatable, so preemption cannot help. */
  unresolvable: boolean;
}

function insufficient(name: string, reason: string, req: number, used: number, cap: number): InsufficientResource {
  return { resourceName: name, reason, requested: req, used, capacity: cap, unresolvable: req > cap };
}

/** noderesources.fitsRequest: every resource the pod's request does not fit, in Kubernetes' order. */
export function fitsRequest(req: Resources, ni: NodeInfo): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const alloc = ni.allocatable;
  const used = ni.requested;
  if (ni.pods.length + 1 > alloc.allowedPodNumber && !mutant("scheduler.ignores-pod-count")) {
    // Too many pods is never marked unresolvable: evicting pods frees slots.
    out.push({ resourceName: "pods", reason: "Too many pods", requested: 1, used: ni.pods.length, capacity: alloc.allowedPodNumber, unresolvable: false });
  }
  if (mutant("scheduler.ignores-requests")) return out;
  const scalarNames = Object.keys(req.scalar);
  if (req.milliCPU === 0 && req.memory === 0 && req.ephemeralStorage === 0 && scalarNames.length === 0) return out;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) out.push(insufficient("cpu", "Insufficient cpu", req.milliCPU, used.milliCPU, alloc.milliCPU));
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) out.push(insufficient("memory", "Insufficient memory", req.memory, used.memory, alloc.memory));
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
    out.push(insufficient("ephemeral-storage", "Insufficient ephemeral-storage", req.ephemeralStorage, used.ephemeralStorage, alloc.ephemeralStorage));
  }
  // Go iterates a map here; sorting makes the model deterministic.
  for (const name of scalarNames.sort()) {
    const q = req.scalar[name]!;
    if (q === 0) continue;
    const cap = alloc.scalar[name] ?? 0;
    const u = used.scalar[name] ?? 0;
    if (q > cap - u) out.push(insufficient(name, `Insufficient ${name}`, q, u, cap));
  }
  return out;
}

/** True exactly when fitsRequest finds nothing insufficient; allocates nothing (the per-node common case). */
export function fitsAll(req: Resources, ni: NodeInfo): boolean {
  // The NodeInfo's own copies of the counts (NodeCounts): no other object is read in the common case.
  if (ni.numPods + 1 > ni.allowedPodNumber) return false;
  if (req.milliCPU > 0 && req.milliCPU > ni.allocatableMilliCPU - ni.requestedMilliCPU) return false;
  if (req.memory > 0 && req.memory > ni.allocatableMemory - ni.requestedMemory) return false;
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > ni.allocatable.ephemeralStorage - ni.requested.ephemeralStorage) return false;
  for (const name in req.scalar) {
    const q = req.scalar[name]!;
    if (q !== 0 && q > (ni.allocatable.scalar[name] ?? 0) - (ni.requested.scalar[name] ?? 0)) return false;
  }
  return true;
}

/** LeastAllocated: ((capacity - requested) * 100) / capacity, 0 when over capacity. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MaxNodeScore) / capacity);
}

/** The pod's request as scoring counts it: PreScore's, or computed when PreScore did not run. */
function scoreRequest(state: CycleState, pod: Pod): Resources {
  return (state.get(preScoreKey) as Resources | undefined) ?? toResources(podRequests(pod, { nonMissingContainerRequests: nonZeroDefaults }));
}

/** Default strategy: LeastAllocated over cpu and memory, weight 1 each, against NonZeroRequested. */
function leastAllocatedScore(req: Resources, nodeInfo: NodeInfo): number {
  const allocCPU = nodeInfo.allocatableMilliCPU;
  const allocMem = nodeInfo.allocatableMemory;
  // the mutant scores the node as it is, without the incoming pod's request
  const add = mutant("scheduler.least-allocated-ignores-incoming-pod") ? { milliCPU: 0, memory: 0 } : req;
  let sum = 0;
  let weights = 0;
  if (allocCPU !== 0) {
    sum += leastRequestedScore(nodeInfo.nonZeroMilliCPU + add.milliCPU, allocCPU);
    weights += 1;
  }
  if (allocMem !== 0) {
    sum += leastRequestedScore(nodeInfo.nonZeroMemory + add.memory, allocMem);
    weights += 1;
  }
  return weights === 0 ? 0 : Math.trunc(sum / weights);
}

export const NodeResourcesFit = {
  name: Name,
  weight: 1,
  preFilter(state: CycleState, pod: Pod) {
    state.set(preFilterKey, cyclePodRequests(state, pod, false));
    return undefined;
  },
  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): FilterStatus {
    const req = (state.get(preFilterKey) as Resources | undefined) ?? toResources(podRequests(pod));
    if (fitsAll(req, nodeInfo)) return Success;
    const ins = fitsRequest(req, nodeInfo);
    if (ins.length === 0) return Success;
    const code = ins.some((i) => i.unresolvable) ? "UnschedulableAndUnresolvable" : "Unschedulable";
    return failure(code, Name, ...ins.map((i) => i.reason));
  },
  preScore(state: CycleState, pod: Pod) {
    // Scoring counts a container without requests as 100m cpu / 200Mi memory.
    state.set(preScoreKey, cyclePodRequests(state, pod, true));
    return undefined;
  },
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    return leastAllocatedScore(scoreRequest(state, pod), nodeInfo);
  },
  scoreAll(state: CycleState, pod: Pod, nodes: NodeInfo[], out: number[]): void {
    const req = scoreRequest(state, pod);
    for (let i = 0; i < nodes.length; i++) out[i] = leastAllocatedScore(req, nodes[i]!);
  },
} satisfies FilterPlugin & ScorePlugin;

/**
 * The plugin's QueueingHint for a node added or updated (isSchedulableAfterNodeChange): the node,
 * empty, must have room for the pod's requests; an added one then helps, an updated one only when
 * its allocatable grew in a resource the pod requests (or in pods).
 */
export function isSchedulableAfterNodeChange(pod: Pod, old: Node | undefined, cur: Node): boolean {
  const req = toResources(podRequests(pod));
  const after = newNodeInfo(cur, []);
  if (fitsRequest(req, after).length > 0) return false;
  if (old === undefined) return true;
  // only the old node's allocatable is read: no NodeInfo is built for it
  const before = allocatableOf(old.status?.allocatable as ResourceList | undefined);
  const now = after.allocatable;
  if (now.allowedPodNumber > before.allowedPodNumber) return true;
  if ((req.milliCPU > 0 && now.milliCPU > before.milliCPU) || (req.memory > 0 && now.memory > before.memory)) return true;
  if (req.ephemeralStorage > 0 && now.ephemeralStorage > before.ephemeralStorage) return true;
  for (const name in req.scalar) if (req.scalar[name] !== 0 && (now.scalar[name] ?? 0) > (before.scalar[name] ?? 0)) return true;
  return false;
}
