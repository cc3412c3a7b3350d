// The local-path provisioner kind runs (rancher/local-path-provisioner, with the external
// provisioner library sig-storage-lib-external-provisioner): a claim whose class it provisions,
// once the scheduler has picked a node (volume.kubernetes.io/selected-node), gets a PV named
// pvc-<claim uid> whose hostPath is /var/local-path-provisioner/pvc-<uid>_<namespace>_<name> on that
// node, pinned there by node affinity and pre-bound to the claim; a Released PV it made with the
// Delete policy is deleted. Pure functions; the controller (localpath.controller.ts) does the writes.

import type { PersistentVolume, PersistentVolumeClaim } from "kubernetes-types/core/v1";
import { ANN_DYNAMICALLY_PROVISIONED, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, annotation, claimClass, claimRefOf, type ClassInfo } from "../common/volumeutil.js";
import { mutant } from "../common/mutation.js";
import { LOCAL_PATH_BASE as BASE_PATH } from "../common/localpath.js";

/** The provisioner name kind's default StorageClass names. */
export const PROVISIONER = "rancher.io/local-path";

/** The PV name the external provisioner gives a claim's volume: "pvc-" and the claim's uid. */
export function volumeNameFor(pvc: PersistentVolumeClaim): string {
  return `pvc-${pvc.metadata?.uid ?? ""}`;
}

/** shouldProvision: the claim asks this provisioner, is not bound, has a node and a class this provisioner serves. */
export function shouldProvision(pvc: PersistentVolumeClaim, classes: ReadonlyMap<string, ClassInfo>): boolean {
  if (pvc.metadata?.deletionTimestamp || pvc.spec?.volumeName) return false;
  if (annotation(pvc, ANN_STORAGE_PROVISIONER) !== PROVISIONER) return false;
  if (annotation(pvc, ANN_SELECTED_NODE) === undefined) return false;
  return classes.get(claimClass(pvc))?.provisioner === PROVISIONER;
}

/** Provision: the PV the local-path provisioner creates for the claim on its selected node. */
export function volumeFor(pvc: PersistentVolumeClaim, cls: ClassInfo): PersistentVolume {
  const node = annotation(pvc, ANN_SELECTED_NODE) ?? "";
  const name = volumeNameFor(pvc);
  return {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name, annotations: { [ANN_DYNAMICALLY_PROVISIONED]: PROVISIONER, "local.path.provisioner/selected-node": node } },
    spec: {
      accessModes: pvc.spec?.accessModes ?? [],
      capacity: { storage: pvc.spec?.resources?.requests?.storage ?? "0" },
      claimRef: claimRefOf(pvc),
      hostPath: { path: `${BASE_PATH}/${name}_${pvc.metadata?.namespace}_${pvc.metadata?.name}`, type: "DirectoryOrCreate" },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [node] }] }] } },
      persistentVolumeReclaimPolicy: cls.reclaimPolicy === "Retain" ? "Retain" : "Delete",
      storageClassName: claimClass(pvc),
      volumeMode: pvc.spec?.volumeMode ?? "Filesystem",
    },
  };
}

/** shouldDelete: a Released PV this provisioner made, with the Delete policy. */
export function shouldDelete(pv: PersistentVolume): boolean {
  // the mutant forgets the reclaim policy: a Released volume of a Retain class is deleted too
  return annotation(pv, ANN_DYNAMICALLY_PROVISIONED) === PROVISIONER && pv.status?.phase === "Released" && (pv.spec?.persistentVolumeReclaimPolicy === "Delete" || mutant("localpath.deletes-retained-volume")) && !pv.metadata?.deletionTimestamp;
}
