// The StorageObjectInUseProtection finalizers and the two controllers that lift them
// (pkg/controller/volume/pvcprotection, pvprotection): a claim being deleted keeps
// kubernetes.io/pvc-protection while a pod names it (until the pod is deleted); a volume being deleted
// keeps kubernetes.io/pv-protection while it is Bound. Pure: each returns the object without the
// finalizer when it may go, or undefined.

import type { PersistentVolume, PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import { mutant } from "../common/mutation.js";

import { PVC_PROTECTION_FINALIZER } from "../common/volumeutil.js";

export { PVC_PROTECTION_FINALIZER };
export const PV_PROTECTION_FINALIZER = "kubernetes.io/pv-protection";

const without = <T extends { metadata?: { finalizers?: string[] } }>(o: T, f: string): T => ({ ...o, metadata: { ...o.metadata, finalizers: (o.metadata?.finalizers ?? []).filter((x) => x !== f) } });

/**
 * podIsShutDown: a pod deleted with a grace period of 0 (the kubelet is done with it, or it was
 * force-deleted) is only waiting to be collected.
 */
function podIsShutDown(pod: Pod): boolean {
  return pod.metadata?.deletionTimestamp != null && pod.metadata.deletionGracePeriodSeconds === 0;
}

/** ephemeral.VolumeIsForPod: the claim was made for this pod (the pod controls it). */
function claimIsForPod(pvc: PersistentVolumeClaim, pod: Pod): boolean {
  return (pvc.metadata?.ownerReferences ?? []).some((r) => r.controller === true && r.uid === pod.metadata?.uid);
}

/**
 * podUsesPVC: a pod names the claim in a volume, whatever its phase (a finished pod still holds it
 * until it is deleted); or its generic ephemeral volume made the claim, and the pod is not shut
 * down. Kubernetes counts only scheduled pods, and when its informer finds none it lists the pods
 * live before it lets the claim go; this controller decides from its informer alone, so a pod
 * it still sees unscheduled (the scheduler may be binding it) holds the claim too.
 */
export function podUsesClaim(pod: Pod, pvc: PersistentVolumeClaim): boolean {
  // the mutant takes a pod being deleted as done with its volumes, while its containers still run
  if (mutant("pvcprotection.terminating-pod-releases-claim") && pod.metadata?.deletionTimestamp) return false;
  const claim = pvc.metadata?.name ?? "";
  return (pod.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim
    || (v.ephemeral !== undefined && !podIsShutDown(pod) && `${pod.metadata?.name}-${v.name}` === claim && claimIsForPod(pvc, pod)));
}

/** processPVC: a claim being deleted, with the finalizer, that no pod of its namespace uses loses the finalizer. */
export function releaseClaim(pvc: PersistentVolumeClaim, podsInNamespace: readonly Pod[]): PersistentVolumeClaim | undefined {
  if (!pvc.metadata?.deletionTimestamp || !(pvc.metadata.finalizers ?? []).includes(PVC_PROTECTION_FINALIZER)) return undefined;
  if (podsInNamespace.some((p) => podUsesClaim(p, pvc))) return undefined;
  return without(pvc, PVC_PROTECTION_FINALIZER);
}

/** processPV: a volume being deleted, with the finalizer, that is not Bound loses the finalizer. */
export function releaseVolume(pv: PersistentVolume): PersistentVolume | undefined {
  if (!pv.metadata?.deletionTimestamp || !(pv.metadata.finalizers ?? []).includes(PV_PROTECTION_FINALIZER)) return undefined;
  if (pv.status?.phase === "Bound") return undefined;
  return without(pv, PV_PROTECTION_FINALIZER);
}
