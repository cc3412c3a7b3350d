// A HorizontalPodAutoscaler keeps its target within its bounds. Whatever the metrics say, the
// replicas the HPA controller writes to the target's scale are clamped to [minReplicas,
// maxReplicas] (convertDesiredReplicasWithRules and the behavior variant both clamp last). The
// controller records each rescale as a SuccessfulRescale event "New size: N; reason: ..." and in
// status.desiredReplicas with AbleToScale SucceededRescale; both must name a size within the
// HPA's bounds. An HPA whose spec changes after a rescale is judged on its next reconcile only.

import type { Violation } from "./core.js";

/** What the check reads: objects as stored. A Cluster satisfies it. */
export interface ClusterView {
  list(kind: string): any[];
}

const bounds = (hpa: any): [number, number] => [hpa.spec?.minReplicas ?? 1, hpa.spec?.maxReplicas ?? 0];

/** Violations of "the replicas an HPA sets on its target stay within minReplicas and maxReplicas"; call it at every step. */
export function hpaReplicasWithinBounds(cluster: ClusterView): Violation[] {
  const out: Violation[] = [];
  const hpas = new Map<string, any>();
  for (const hpa of cluster.list("HorizontalPodAutoscaler")) hpas.set(`${hpa.metadata?.namespace}/${hpa.metadata?.name}`, hpa);
  for (const hpa of hpas.values()) {
    const rescaled = hpa.status?.conditions?.some((c: any) => c.type === "AbleToScale" && c.reason === "SucceededRescale");
    if (!rescaled) continue;
    const [min, max] = bounds(hpa);
    const n = hpa.status?.desiredReplicas;
    if (typeof n !== "number" || n < min || n > max) {
      out.push({ invariant: "hpaReplicasWithinBounds", message: `HorizontalPodAutoscaler ${hpa.metadata.namespace}/${hpa.metadata.name} rescaled its target to ${n}, outside minReplicas ${min} and maxReplicas ${max}` });
    }
  }
  for (const ev of cluster.list("Event")) {
    if (ev.reason !== "SuccessfulRescale" || ev.involvedObject?.kind !== "HorizontalPodAutoscaler") continue;
    const hpa = hpas.get(`${ev.involvedObject.namespace}/${ev.involvedObject.name}`);
    const m = /^New size: (-?\d+);/.exec(ev.message ?? "");
    if (!hpa || !m) continue;
    // an event older than the HPA's last spec change is not judged against the new spec
    if (ev.involvedObject.uid && hpa.metadata?.uid && ev.involvedObject.uid !== hpa.metadata.uid) continue;
    const [min, max] = bounds(hpa);
    const n = Number(m[1]);
    if (n < min || n > max) out.push({ invariant: "hpaReplicasWithinBounds", message: `HorizontalPodAutoscaler ${hpa.metadata.namespace}/${hpa.metadata.name} recorded SuccessfulRescale to ${n}, outside minReplicas ${min} and maxReplicas ${max}` });
  }
  return out;
}
