// PersistentVolume and claim helpers shared by the PV controller, the scheduler's VolumeBinding
// plugin and the provisioner (pkg/controller/volume/persistentvolume/util, volume/util): the
// annotations Kubernetes names, a claim's and a volume's class, and FindMatchingVolume.

import type { Node, PersistentVolume, PersistentVolumeClaim, Pod, Volume } from "kubernetes-types/core/v1";

import { parseQuantity } from "./quantity.js";
import { matchesLabelSelector, matchesNodeSelector } from "./labels.js";
import { mutant } from "./mutation.js";

export type PV = PersistentVolume;
export type PVC = PersistentVolumeClaim;

export const ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
export const ANN_BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
export const ANN_STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner";
export const ANN_BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner";
export const ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node";
export const ANN_DYNAMICALLY_PROVISIONED = "pv.kubernetes.io/provisioned-by";
export const ANN_BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class";
/** util.PVCProtectionFinalizer: the pvc-protection controller's finalizer, held while a pod names the claim. */
export const PVC_PROTECTION_FINALIZER = "kubernetes.io/pvc-protection";

/** The StorageClass fields the controller reads. */
export interface ClassInfo {
  provisioner: string;
  volumeBindingMode: string;
  reclaimPolicy: string;
  /** marked the default class (either is-default-class annotation is "true") */
  isDefault?: boolean;
  creationTimestamp?: string;
}

/** What the controllers read of a StorageClass (the defaults are SetDefaults_StorageClass's). */
export function classInfoOf(sc: any): ClassInfo {
  const a = sc?.metadata?.annotations ?? {};
  const marked = (k: string) => Object.hasOwn(a, k) && a[k] === "true";
  const isDefault = marked("storageclass.kubernetes.io/is-default-class") || marked("storageclass.beta.kubernetes.io/is-default-class");
  return {
    provisioner: sc?.provisioner ?? "", volumeBindingMode: sc?.volumeBindingMode ?? "Immediate", reclaimPolicy: sc?.reclaimPolicy ?? "Delete",
    ...(isDefault ? { isDefault, creationTimestamp: sc?.metadata?.creationTimestamp ?? "" } : {}),
  };
}

/** util.GetDefaultClass: the newest class marked default (by name when as new), or undefined. */
export function defaultClassName(classes: ReadonlyMap<string, ClassInfo>): string | undefined {
  let best: [string, ClassInfo] | undefined;
  for (const [name, c] of classes) {
    if (!c.isDefault) continue;
    const t = c.creationTimestamp ?? "";
    const bt = best?.[1].creationTimestamp ?? "";
    if (best === undefined || t > bt || (t === bt && name < best[0])) best = [name, c];
  }
  return best?.[0];
}

/** storagehelpers.PersistentVolumeClaimHasClass: a class is named (spec or beta annotation), even "". */
export function claimHasClass(pvc: PVC): boolean {
  return annotation(pvc, ANN_BETA_STORAGE_CLASS) !== undefined || (pvc.spec?.storageClassName !== undefined && pvc.spec.storageClassName !== null);
}

export const annotation = (o: { metadata?: { annotations?: Record<string, string> } }, key: string): string | undefined => {
  const a = o.metadata?.annotations;
  return a && Object.hasOwn(a, key) ? a[key] : undefined;
};
export const withAnnotations = <T extends { metadata?: any }>(o: T, add: Record<string, string>): T =>
  ({ ...o, metadata: { ...o.metadata, annotations: { ...(o.metadata?.annotations ?? {}), ...add } } });

/** GetPersistentVolumeClaimClass: the beta annotation first, then spec.storageClassName ("" for none). */
export function claimClass(pvc: PVC): string {
  return annotation(pvc, ANN_BETA_STORAGE_CLASS) ?? pvc.spec?.storageClassName ?? "";
}

/** GetPersistentVolumeClass. */
export function volumeClass(pv: PV): string {
  return annotation(pv, ANN_BETA_STORAGE_CLASS) ?? pv.spec?.storageClassName ?? "";
}

/** IsDelayBindingMode: the claim's class binds only once a pod using it is scheduled. */
export function isDelayBinding(pvc: PVC, classes: ReadonlyMap<string, ClassInfo>): boolean {
  const name = claimClass(pvc);
  return name !== "" && classes.get(name)?.volumeBindingMode === "WaitForFirstConsumer";
}

/** IsVolumeBoundToClaim: the PV's claimRef names this claim (and its uid, once the ref has one). */
export function isVolumeBoundToClaim(pv: PV, pvc: PVC): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== pvc.metadata?.name || ref.namespace !== pvc.metadata?.namespace) return false;
  return !ref.uid || ref.uid === pvc.metadata?.uid;
}

// Bytes; a quantity the API server accepted always parses.
function quantityOf(raw: unknown): number {
  const n = parseQuantity(raw as string | number | undefined);
  return Number.isFinite(n) ? n : 0;
}

/** CheckAccessModes: the PV offers every mode the claim asks for. */
export function checkAccessModes(pvc: PVC, pv: PV): boolean {
  const offered = new Set(pv.spec?.accessModes ?? []);
  return (pvc.spec?.accessModes ?? []).every((m) => offered.has(m));
}

/** CheckVolumeModeMismatches: an unset volumeMode on either side is Filesystem. */
export function checkVolumeModeMismatches(pvc: PVC, pv: PV): boolean {
  return (pvc.spec?.volumeMode ?? "Filesystem") !== (pv.spec?.volumeMode ?? "Filesystem");
}

/** CheckNodeAffinity: a PV without node affinity fits every node; one with it, the nodes its required terms match. */
export function volumeFitsNode(pv: PV, node: Node): boolean {
  const required = pv.spec?.nodeAffinity?.required;
  return required === undefined || required === null || matchesNodeSelector(required, node);
}

/**
 * component-helpers' FindMatchingVolume (v1.35, VolumeAttributesClass on): the first volume
 * bound to the claim (claimRef, with the claim's uid when it has one) that is large enough, of the
 * claim's volume mode and attributes class and not being deleted wins, unless it does not fit
 * `node`. Otherwise, unless delayBinding without a node (the PV controller leaves those claims to
 * the scheduler), the smallest Available, unbound volume of the claim's class whose labels the
 * claim's selector matches, that fits `node` and, with a node, offers the claim's access modes.
 * `excluded` names the volumes the scheduler already chose for the pod's other claims.
 */
export function findMatchingVolume(pvc: PVC, volumes: readonly PV[], node: Node | undefined, excluded: ReadonlySet<string> | undefined, delayBinding: boolean): PV | undefined {
  const request = quantityOf(pvc.spec?.resources?.requests?.storage);
  const cls = claimClass(pvc);
  const claimVAC = (pvc.spec as { volumeAttributesClassName?: string } | undefined)?.volumeAttributesClassName ?? "";
  let best: PV | undefined;
  let bestSize = 0;
  for (const pv of volumes) {
    if (excluded?.has(pv.metadata?.name ?? "")) continue;
    // the mutant matches the claimRef by namespace and name alone: a claim made again under a deleted one's name takes its Released volume
    const sameName = mutant("pv.rebinds-released-to-same-name") && pv.spec?.claimRef?.name === pvc.metadata?.name && pv.spec?.claimRef?.namespace === pvc.metadata?.namespace;
    const boundToClaim = isVolumeBoundToClaim(pv, pvc) || sameName;
    if (pv.spec?.claimRef && !boundToClaim) continue;
    const size = quantityOf(pv.spec?.capacity?.storage);
    if (size < request && !(mutant("pv.binds-smaller-volume") && !boundToClaim)) continue;
    if (checkVolumeModeMismatches(pvc, pv)) continue;
    if (((pv.spec as { volumeAttributesClassName?: string } | undefined)?.volumeAttributesClassName ?? "") !== claimVAC) continue;
    if (pv.metadata?.deletionTimestamp) continue;
    const nodeAffinityValid = node === undefined || volumeFitsNode(pv, node);
    if (boundToClaim) return nodeAffinityValid ? pv : undefined;
    if (node === undefined && delayBinding) continue;
    if (pv.status?.phase !== "Available") continue;
    if (pvc.spec?.selector && !matchesLabelSelector(pvc.spec.selector, pv.metadata?.labels ?? {})) continue;
    if (volumeClass(pv) !== cls || !nodeAffinityValid) continue;
    if (node !== undefined && !checkAccessModes(pvc, pv)) continue;
    if (!best || (mutant("pv.binds-largest-volume") ? size > bestSize : size < bestSize)) {
      best = pv;
      bestSize = size;
    }
  }
  return best;
}

// v1helper.GetAccessModesAsString: the distinct known modes in a fixed order
const accessModeAbbrev: ReadonlyArray<[string, string]> = [["ReadWriteOnce", "RWO"], ["ReadOnlyMany", "ROX"], ["ReadWriteMany", "RWX"], ["ReadWriteOncePod", "RWOP"]];
export function accessModesAsString(modes: readonly string[] | undefined): string {
  const set = new Set(modes ?? []);
  return accessModeAbbrev.filter(([m]) => set.has(m)).map(([, a]) => a).join(",");
}

/**
 * The PV controller's persistentVolumeOrderedIndex.findByClaim: the volumes grouped by their access
 * modes (accessModesAsString), each group offering all the claim's modes searched in turn with
 * FindMatchingVolume, the groups with the fewest modes first (sort.Sort leaves equal lengths in no
 * set order; podflow takes them by their string), the first match winning.
 */
export function findBestMatchForClaim(pvc: PVC, volumes: readonly PV[], delayBinding: boolean): PV | undefined {
  const groups = new Map<string, PV[]>();
  for (const pv of volumes) {
    const key = accessModesAsString(pv.spec?.accessModes);
    groups.set(key, [...(groups.get(key) ?? []), pv]);
  }
  // AccessModesContainedInAll: a mode no group can hold (unknown) matches no group
  const abbrev = new Map(accessModeAbbrev);
  const requested = (pvc.spec?.accessModes ?? []).map((m) => abbrev.get(m) ?? "?");
  const keys = [...groups.keys()]
    .filter((k) => requested.every((m) => k.split(",").includes(m)))
    .sort((a, b) => a.split(",").length - b.split(",").length || (a < b ? -1 : a > b ? 1 : 0));
  for (const k of keys) {
    const pv = findMatchingVolume(pvc, groups.get(k)!, undefined, undefined, delayBinding);
    if (pv) return pv;
  }
  return undefined;
}

/** The claimRef a bound PV carries (GetReference of the claim). */
export function claimRefOf(pvc: PVC): any {
  return { kind: "PersistentVolumeClaim", namespace: pvc.metadata?.namespace, name: pvc.metadata?.name, uid: pvc.metadata?.uid, apiVersion: "v1", resourceVersion: pvc.metadata?.resourceVersion };
}

// The ephemeral volume helpers (k8s.io/component-helpers/storage/ephemeral): the kubelet and the
// ephemeral volume controller name and check a generic ephemeral volume's claim alike.

/** ephemeral.VolumeClaimName: the claim a generic ephemeral volume of the pod uses. */
export function ephemeralClaimName(pod: Pod, volume: Volume): string {
  return `${pod.metadata?.name ?? ""}-${volume.name}`;
}

/** ephemeral.VolumeIsForPod: the claim is in the pod's namespace and the pod controls it; else Kubernetes' error. */
export function volumeIsForPod(pod: Pod, pvc: PersistentVolumeClaim): string | undefined {
  const owned = pvc.metadata?.namespace === pod.metadata?.namespace
    && (pvc.metadata?.ownerReferences ?? []).some((r) => r.controller === true && r.uid === pod.metadata?.uid);
  return owned ? undefined : `PVC ${pvc.metadata?.namespace ?? ""}/${pvc.metadata?.name ?? ""} was not created for pod ${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? ""} (pod is not owner)`;
}
