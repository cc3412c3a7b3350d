// ImageLocality: favour nodes that already hold the pod's images, scaled by how widely they are spread.
import type { Pod } from "kubernetes-types/core/v1";
import { type CycleState, type NodeInfo, type ScorePlugin, MaxNodeScore, snapshotSummaryOf } from "../../framework.js";
import { mutant } from "../../../common/mutation.js";

export const Name = "ImageLocality";
const mb = 1024 * 1024;
const minThreshold = 23 * mb;
const maxContainerThreshold = 1000 * mb;
const preScoreKey = "PreScore" + Name;

interface State { numNodesByImage: Map<string, number>; totalNumNodes: number; images: string[] }

/** normalizedImageName: an image without a tag gets ":latest". */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(":") <= name.lastIndexOf("/") ? name + ":latest" : name;
}

/** calculatePriority: clamp the summed image score between the thresholds and scale to 0..100. */
export function calculatePriority(sumScores: number, numContainers: number): number {
  const maxThreshold = maxContainerThreshold * numContainers;
  const s = Math.min(Math.max(sumScores, minThreshold), maxThreshold);
  return Math.trunc((MaxNodeScore * (s - minThreshold)) / (maxThreshold - minThreshold));
}

/** For each wanted image, how many nodes hold it: each node is probed for the pod's few images. */
function countNodesByImage(wanted: Set<string>, allNodes: NodeInfo[]): Map<string, number> {
  const numNodesByImage = new Map<string, number>();
  for (const ni of allNodes) {
    if (ni.imageSizes.size === 0) continue;
    for (const name of wanted) if (ni.imageSizes.has(name)) numNodesByImage.set(name, (numNodesByImage.get(name) ?? 0) + 1);
  }
  return numNodesByImage;
}

/** ImageLocality's Score of one node. */
function imageScore(s: State, nodeInfo: NodeInfo): number {
  let sum = 0;
  // Most nodes hold no image at all: nothing to look up.
  if (nodeInfo.numImageNames === 0) return calculatePriority(0, s.images.length);
  for (const image of s.images) {
    const size = nodeInfo.imageSizes.get(image);
    // scaledImageScore: an image on few nodes counts less, to avoid piling pods on them.
    if (size !== undefined) sum += mutant("scheduler.image-locality-unscaled") ? size : Math.trunc((size * (s.numNodesByImage.get(image) ?? 0)) / s.totalNumNodes);
  }
  return calculatePriority(sum, s.images.length);
}

/** What this cycle's PreScore kept for Score besides the NodeInfo (undefined before PreScore). */
export function imageLocalityInputs(state: CycleState): Readonly<State> | undefined {
  return state.get(preScoreKey) as State | undefined;
}

export const ImageLocality = {
  name: Name,
  weight: 1,
  preScore(state: CycleState, pod: Pod, _feasible: NodeInfo[], allNodes: NodeInfo[]) {
    const images = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => normalizedImageName(c.image ?? ""));
    // The snapshot's per-image node counts when the caller keeps them (ImageStateSummary.NumNodes).
    const numNodesByImage = snapshotSummaryOf(state)?.imageNumNodes ?? countNodesByImage(new Set(images), allNodes);
    state.set(preScoreKey, { numNodesByImage, totalNumNodes: allNodes.length, images } satisfies State);
    return undefined;
  },
  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    return imageScore(state.get(preScoreKey) as State, nodeInfo);
  },
  scoreAll(state: CycleState, _pod: Pod, nodes: NodeInfo[], out: number[]): void {
    const s = state.get(preScoreKey) as State;
    for (let i = 0; i < nodes.length; i++) out[i] = imageScore(s, nodes[i]!);
  },
} satisfies ScorePlugin;
