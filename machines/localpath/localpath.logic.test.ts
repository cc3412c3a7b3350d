// The local-path provisioner's decisions, as sig-storage-lib-external-provisioner's controller makes
// them (shouldDelete: only a Released volume this provisioner made, with reclaim policy Delete, not
// already being deleted) and as the provisioner builds a volume (provision: the class's
// reclaimPolicy, Delete by default, on the claim's selected node).

import { describe, expect, it } from "vitest";
import type { PersistentVolume, PersistentVolumeClaim } from "kubernetes-types/core/v1";
import { classInfoOf } from "../common/volumeutil.js";
import { PROVISIONER, shouldDelete, volumeFor } from "./localpath.logic.js";

const made = (policy: string, phase: string, extra: Partial<PersistentVolume["metadata"]> = {}): PersistentVolume => ({
  metadata: { name: "pvc-1", annotations: { "pv.kubernetes.io/provisioned-by": PROVISIONER }, ...extra },
  spec: { persistentVolumeReclaimPolicy: policy },
  status: { phase },
});

describe("shouldDelete (the external provisioner's controller)", () => {
  const rows: [string, PersistentVolume, boolean][] = [
    ["a Released volume it made with policy Delete is deleted", made("Delete", "Released"), true],
    ["a Released volume it made with policy Retain is kept", made("Retain", "Released"), false],
    ["a Bound volume is kept", made("Delete", "Bound"), false],
    ["a volume being deleted already is left alone", made("Delete", "Released", { deletionTimestamp: "2026-01-01T00:00:00Z" }), false],
    ["another provisioner's volume is not its to delete", { ...made("Delete", "Released"), metadata: { name: "pv", annotations: { "pv.kubernetes.io/provisioned-by": "example.com/other" } } }, false],
  ];
  it.each(rows)("%s", (_name, pv, want) => {
    expect(shouldDelete(pv)).toBe(want);
  });
});

describe("provision", () => {
  const claim: PersistentVolumeClaim = {
    metadata: { name: "data", namespace: "default", uid: "u1", annotations: { "volume.kubernetes.io/selected-node": "node-1" } },
    spec: { accessModes: ["ReadWriteOnce"], storageClassName: "keep", resources: { requests: { storage: "1Gi" } } },
  };
  it("takes the class's reclaimPolicy (Retain here, Delete when the class names none: SetDefaults_StorageClass)", () => {
    expect(volumeFor(claim, classInfoOf({ provisioner: PROVISIONER, reclaimPolicy: "Retain" })).spec?.persistentVolumeReclaimPolicy).toBe("Retain");
    expect(volumeFor(claim, classInfoOf({ provisioner: PROVISIONER })).spec?.persistentVolumeReclaimPolicy).toBe("Delete");
  });
});
