// PersistentVolume, PersistentVolumeClaim (core/v1) and StorageClass (storage.k8s.io/v1): the
// scheme defaults (pkg/apis/core/v1/defaults.go, pkg/apis/storage/v1/defaults.go) and the registry
// strategies' PrepareForCreate / PrepareForUpdate (pkg/registry/core/persistentvolume{,claim},
// pkg/registry/storage/storageclass).

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

/** SetDefaults_PersistentVolume: phase Pending, reclaim policy Retain, volumeMode Filesystem; a hostPath's type "". */
export function defaultPersistentVolume(pv: Obj): void {
  const spec = (pv.spec ??= {});
  spec.persistentVolumeReclaimPolicy ||= "Retain";
  spec.volumeMode ??= "Filesystem";
  if (spec.hostPath && typeof spec.hostPath === "object") spec.hostPath.type ??= "";
  if (pv.status && typeof pv.status === "object") pv.status.phase ||= "Pending";
}

/** SetDefaults_PersistentVolumeClaim(Spec): volumeMode Filesystem, phase Pending. */
export function defaultPersistentVolumeClaim(pvc: Obj): void {
  const spec = (pvc.spec ??= {});
  spec.volumeMode ??= "Filesystem";
  if (pvc.status && typeof pvc.status === "object") pvc.status.phase ||= "Pending";
}

/** SetDefaults_StorageClass: reclaimPolicy Delete, volumeBindingMode Immediate. */
export function defaultStorageClass(sc: Obj): void {
  sc.reclaimPolicy ??= "Delete";
  sc.volumeBindingMode ??= "Immediate";
}

/**
 * The PV strategy's PrepareForCreate: status is the server's, Pending since now (the
 * PersistentVolumeLastPhaseTransitionTime feature, GA in 1.31).
 */
export function preparePersistentVolumeForCreate(pv: Obj, now: string): void {
  pv.status = { phase: "Pending", lastPhaseTransitionTime: now };
}

/** The PVC strategy's PrepareForCreate: status reset; read back, the defaults make it Pending. */
export function preparePersistentVolumeClaimForCreate(pvc: Obj): void {
  pvc.status = { phase: "Pending" };
}

/**
 * The PV status strategy's PrepareForUpdate: an unchanged phase keeps its lastPhaseTransitionTime
 * when the writer left it out; a changed phase is stamped now unless the writer set a new time.
 */
export function stampPhaseTransition(pv: Obj, old: Obj, now: string): void {
  const status = (pv.status ??= {});
  const prev = old.status?.lastPhaseTransitionTime;
  if (status.phase === old.status?.phase) {
    if (status.lastPhaseTransitionTime === undefined && prev !== undefined) status.lastPhaseTransitionTime = prev;
    return;
  }
  if (status.lastPhaseTransitionTime === undefined || status.lastPhaseTransitionTime === prev) status.lastPhaseTransitionTime = now;
}
