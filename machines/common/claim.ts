// PodControllerRefManager.ClaimPods (pkg/controller/controller_ref_manager.go): which pods a
// controller keeps, adopts and releases, by its selector and its controller ownerReference.
// Shared by the ReplicaSet and DaemonSet controllers; the DaemonSet claims its ControllerRevisions too.

import type { Pod } from "kubernetes-types/core/v1";
import type { LabelSelector, ObjectMeta, OwnerReference } from "kubernetes-types/meta/v1";
import { compileLabelSelector } from "./labels.js";
import { controllerRefOf } from "./owners.js";

export interface ClaimResult<T = Pod> {
  /** Objects the controller owns after this pass, adopted ones included. */
  claimed: T[];
  /** Orphans to patch with the controller ownerReference. */
  adopt: T[];
  /** Owned objects that no longer match: patch their ownerReference away. */
  release: T[];
}

/** Decides which pods (or ControllerRevisions: ClaimControllerRevisions) a controller claims, adopts (with ref) and releases, as ClaimPods does. */
export function claimPods<T extends { metadata?: ObjectMeta } = Pod>(owner: { metadata?: ObjectMeta; spec?: { selector?: LabelSelector } }, ref: OwnerReference, pods: readonly T[]): ClaimResult<T> {
  const out: ClaimResult<T> = { claimed: [], adopt: [], release: [] };
  const uid = owner.metadata?.uid;
  const deleting = !!owner.metadata?.deletionTimestamp;
  const ns = owner.metadata?.namespace;
  // A nil selector selects nothing, an empty one everything (metav1.LabelSelectorAsSelector);
  // converted once, not once per pod.
  const matches = compileLabelSelector(owner.spec?.selector);
  for (const pod of pods) {
    const match = matches(pod.metadata?.labels);
    const podRef = controllerRefOf(pod);
    if (podRef) {
      if (podRef.uid !== uid) continue; // someone else's pod
      if (match) out.claimed.push(pod);
      else if (!deleting) out.release.push(pod); // a dying owner does not bother releasing
      continue;
    }
    // Orphan: adopt only if we are alive, it matches, it is alive and in our namespace.
    if (deleting || !match || pod.metadata?.deletionTimestamp) continue;
    if (ns && pod.metadata?.namespace && ns !== pod.metadata.namespace) continue;
    out.adopt.push(pod);
    out.claimed.push({ ...pod, metadata: { ...pod.metadata, ownerReferences: [...(pod.metadata?.ownerReferences ?? []), ref] } });
  }
  return out;
}

/** The merge patch that adopts or releases obj (pods, or apps ControllerRevisions): its new ownerReferences, guarded by its uid and resourceVersion. */
export function ownerRefsPatch(resource: "pods" | "controllerrevisions", obj: { metadata?: ObjectMeta }, refs: readonly unknown[]) {
  // The uid and resourceVersion make the patch fail rather than touch a changed or recreated object.
  return {
    verb: "patch" as const, group: resource === "pods" ? "" : "apps", resource, namespace: obj.metadata?.namespace, name: obj.metadata?.name, patchType: "merge" as const,
    body: { metadata: { ownerReferences: refs, uid: obj.metadata?.uid, resourceVersion: obj.metadata?.resourceVersion } },
  };
}
