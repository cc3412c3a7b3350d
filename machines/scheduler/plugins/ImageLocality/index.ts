// ImageLocality: favour nodes that already hold the pod's images, scaled by how widely they are spread.
import type { Pod } from "kubernetes-types/core/v1";
import { type CycleState, type NodeInfo, type ScorePlugin, MaxNodeScore } from "../../framework.js";

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

export const ImageLocality = {
  name: Name,
  weight: 1,
  preScore(state: CycleState, pod: Pod, _feasible: NodeInfo[], allNodes: NodeInfo[]) {
    const images = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => normalizedImageName(c.image ?? ""));
    const wanted = new Set(images);
    const numNodesByImage = new Map<string, number>();
    // Probe each node for the pod's few images rather than walk every image the node holds.
    for (const ni of allNodes) {
      if (ni.imageSizes.size === 0) continue;
      for (const name of wanted) if (ni.imageSizes.has(name)) numNodesByImage.set(name, (numNodesByImage.get(name) ?? 0) + 1);
    }
    state.set(preScoreKey, { numNodesByImage, totalNumNodes: allNodes.length, images } satisfies State);
    return undefined;
  },
  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    const s = state.get(preScoreKey) as State;
    let sum = 0;
    for (const image of s.images) {
      const size = nodeInfo.imageSizes.get(image);
      // scaledImageScore: an image on few nodes counts less, to avoid piling pods on them.
      if (size !== undefined) sum += Math.trunc((size * (s.numNodesByImage.get(image) ?? 0)) / s.totalNumNodes);
    }
    return calculatePriority(sum, s.images.length);
  },
} satisfies ScorePlugin;
