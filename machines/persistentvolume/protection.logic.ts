// The StorageObjectInUseProtection finalizers and the two controllers that lift them
// (pkg/controller/volume/pvcprotection, pvprotection): a claim being deleted keeps
// kubernetes.io/pvc-protection while a pod that is not terminated uses it; a volume being deleted
// keeps kubernetes.io/pv-protection while it is Bound. Pure: each returns the object without the
// finalizer when it may go, or undefined.

import type { PersistentVolume, PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import { mutant } from "../common/mutation.js";

export const PVC_PROTECTION_FINALIZER = "kubernetes.io/pvc-protection";
export const PV_PROTECTION_FINALIZER = "kubernetes.io/pv-protection";

const without = <T extends { metadata?: { finalizers?: string[] } }>(o: T, f: string): T => ({ ...o, metadata: { ...o.metadata, finalizers: (o.metadata?.finalizers ?? []).filter((x) => x !== f) } });

/** podUsesPVC: a pod not yet terminated (Succeeded or Failed) names the claim in a volume (or its ephemeral volume makes it). */
export function podUsesClaim(pod: Pod, claim: string): boolean {
  if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return false;
  // the mutant takes a pod being deleted as done with its volumes, while its containers still run
  if (mutant("pvcprotection.terminating-pod-releases-claim") && pod.metadata?.deletionTimestamp) return false;
  return (pod.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim || (v.ephemeral !== undefined && `${pod.metadata?.name}-${v.name}` === claim));
}

/** processPVC: a claim being deleted, with the finalizer, that no pod of its namespace uses loses the finalizer. */
export function releaseClaim(pvc: PersistentVolumeClaim, podsInNamespace: readonly Pod[]): PersistentVolumeClaim | undefined {
  if (!pvc.metadata?.deletionTimestamp || !(pvc.metadata.finalizers ?? []).includes(PVC_PROTECTION_FINALIZER)) return undefined;
  if (podsInNamespace.some((p) => podUsesClaim(p, pvc.metadata?.name ?? ""))) return undefined;
  return without(pvc, PVC_PROTECTION_FINALIZER);
}

/** processPV: a volume being deleted, with the finalizer, that is not Bound loses the finalizer. */
export function releaseVolume(pv: PersistentVolume): PersistentVolume | undefined {
  if (!pv.metadata?.deletionTimestamp || !(pv.metadata.finalizers ?? []).includes(PV_PROTECTION_FINALIZER)) return undefined;
  if (pv.status?.phase === "Bound") return undefined;
  return without(pv, PV_PROTECTION_FINALIZER);
}
