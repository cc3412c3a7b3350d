// PersistentVolume, PersistentVolumeClaim (core/v1) and StorageClass (storage.k8s.io/v1): the
// scheme defaults (pkg/apis/core/v1/defaults.go, pkg/apis/storage/v1/defaults.go) and the registry
// strategies' PrepareForCreate / PrepareForUpdate (pkg/registry/core/persistentvolume{,claim},
// pkg/registry/storage/storageclass).

import { milliValue } from "../../common/quantity.js";
import { mutant } from "../../common/mutation.js";

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

const IS_DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";
const BETA_IS_DEFAULT_CLASS = "storageclass.beta.kubernetes.io/is-default-class";
const BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class";

/** storageutil.IsDefaultAnnotation: either default-class annotation is "true". */
export function isDefaultClass(sc: Obj): boolean {
  const a = sc?.metadata?.annotations ?? {};
  return (Object.hasOwn(a, IS_DEFAULT_CLASS) && a[IS_DEFAULT_CLASS] === "true") || (Object.hasOwn(a, BETA_IS_DEFAULT_CLASS) && a[BETA_IS_DEFAULT_CLASS] === "true");
}

/**
 * The DefaultStorageClass admission plugin (plugin/pkg/admission/storage/storageclass/setdefault):
 * a claim that names no class (spec.storageClassName unset, no beta annotation; "" is a choice)
 * gets the default class: the newest of those marked default, by name when as new.
 */
export function admitDefaultStorageClass(pvc: Obj, classes: readonly Obj[]): void {
  const spec = (pvc.spec ??= {});
  if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
  const ann = pvc.metadata?.annotations ?? {};
  if (Object.hasOwn(ann, BETA_STORAGE_CLASS) && ann[BETA_STORAGE_CLASS] !== "") return;
  const defaults = classes.filter(isDefaultClass).sort((a, b) => {
    const ta = a.metadata?.creationTimestamp ?? "";
    const tb = b.metadata?.creationTimestamp ?? "";
    if (ta !== tb) return (ta < tb) !== mutant("storageclass.default-picks-oldest") ? 1 : -1;
    return a.metadata?.name < b.metadata?.name ? -1 : 1;
  });
  if (defaults.length > 0) spec.storageClassName = defaults[0].metadata.name;
}

/** StorageObjectInUseProtection: every new claim and volume carries its protection finalizer. */
export function admitStorageObjectInUseProtection(o: Obj): void {
  const finalizer = o.kind === "PersistentVolume" ? "kubernetes.io/pv-protection" : "kubernetes.io/pvc-protection";
  const list: unknown[] = Array.isArray(o.metadata.finalizers) ? o.metadata.finalizers : [];
  if (!list.includes(finalizer)) o.metadata.finalizers = [...list, finalizer];
}

/** GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName, else "". */
function claimClass(pvc: Obj): string {
  const ann = pvc?.metadata?.annotations ?? {};
  if (Object.hasOwn(ann, BETA_STORAGE_CLASS)) return String(ann[BETA_STORAGE_CLASS]);
  return typeof pvc?.spec?.storageClassName === "string" ? pvc.spec.storageClassName : "";
}

/**
 * The PersistentVolumeClaimResize admission plugin (plugin/pkg/admission/storage/persistentvolume/
 * resize): a claim's storage request may grow only when the claim was Bound and both versions name
 * the same StorageClass, one whose allowVolumeExpansion is true. The Forbidden reason, or undefined.
 */
export function pvcResizeRefusal(pvc: Obj, old: Obj, classes: readonly Obj[]): string | undefined {
  const storage = (o: Obj) => milliValue(o?.spec?.resources?.requests?.storage ?? 0);
  if (!(storage(pvc) > storage(old))) return undefined;
  if (old?.status?.phase !== "Bound") return "Only bound persistent volume claims can be expanded";
  const name = claimClass(pvc);
  const sc = name !== "" && name === claimClass(old) ? classes.find((c) => c?.metadata?.name === name) : undefined;
  if (sc?.allowVolumeExpansion === true) return undefined;
  return "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize";
}
