// The ephemeral volume controller's decisions (pkg/controller/volume/ephemeral): a pod's generic
// ephemeral volume gets a claim named <pod>-<volume>, made from the volume's claim template and
// controlled by the pod (so the garbage collector deletes it with the pod). Pure.

import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import { ephemeralClaimName, volumeIsForPod } from "../common/volumeutil.js";
import { mutant } from "../common/mutation.js";

export { ephemeralClaimName, volumeIsForPod };

/** enqueuePod: a pod not being deleted with at least one generic ephemeral volume. */
export function needsEphemeralClaims(pod: Pod): boolean {
  return !pod.metadata?.deletionTimestamp && (pod.spec?.volumes ?? []).some((v) => v.ephemeral !== undefined);
}

/** What syncHandler does for one pod: the claims to create, in volume order, up to the first volume whose claim another owner holds. */
export interface EphemeralPlan {
  create: Array<{ volume: string; claim: PersistentVolumeClaim }>;
  /** the volume whose existing claim is not the pod's, and handleVolume's error */
  refused?: { volume: string; message: string };
}

/** syncHandler and handleVolume: an existing claim the pod controls is left alone; a missing one is made from the template. */
export function planEphemeralClaims(pod: Pod, claimOf: (name: string) => PersistentVolumeClaim | undefined): EphemeralPlan {
  const plan: EphemeralPlan = { create: [] };
  if (pod.metadata?.deletionTimestamp) return plan;
  for (const v of pod.spec?.volumes ?? []) {
    if (!v.ephemeral) continue;
    const name = ephemeralClaimName(pod, v);
    const existing = claimOf(name);
    if (existing) {
      const message = volumeIsForPod(pod, existing);
      if (message === undefined) continue;
      plan.refused = { volume: v.name, message };
      return plan;
    }
    const template = v.ephemeral.volumeClaimTemplate;
    plan.create.push({
      volume: v.name,
      claim: {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: {
          name,
          namespace: pod.metadata?.namespace ?? "default",
          ownerReferences: [{ apiVersion: "v1", kind: "Pod", name: pod.metadata?.name ?? "", uid: pod.metadata?.uid ?? "", ...(mutant("ephemeral.claim-owner-not-controller") ? {} : { controller: true }), blockOwnerDeletion: true }],
          ...(template?.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
          ...(template?.metadata?.labels ? { labels: template.metadata.labels } : {}),
        },
        spec: template?.spec ?? {},
      },
    });
  }
  return plan;
}
