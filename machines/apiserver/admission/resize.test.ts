// PersistentVolumeClaimResize, the cases of plugin/pkg/admission/storage/persistentvolume/resize/admission_test.go.

import { describe, expect, it } from "vitest";
import { pvcResizeRefusal } from "./storage.js";

const claim = (storage: string, className: string | undefined, phase = "Bound") => ({
  kind: "PersistentVolumeClaim", metadata: { name: "c" }, spec: { resources: { requests: { storage } }, ...(className !== undefined ? { storageClassName: className } : {}) }, status: { phase },
});
const classes = [
  { metadata: { name: "gold" }, allowVolumeExpansion: true },
  { metadata: { name: "silver" }, allowVolumeExpansion: false },
  { metadata: { name: "bronze" } },
];
const notAllowed = "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize";

describe("pvcResizeRefusal", () => {
  const rows: Array<[string, any, any, string | undefined]> = [
    ["growing a bound claim of a class that allows expansion is admitted", claim("2Gi", "gold"), claim("1Gi", "gold"), undefined],
    ["growing a bound claim of a class that forbids it is refused", claim("2Gi", "silver"), claim("1Gi", "silver"), notAllowed],
    ["a class that does not say is refused (allowVolumeExpansion nil)", claim("2Gi", "bronze"), claim("1Gi", "bronze"), notAllowed],
    ["a claim with no class is refused", claim("2Gi", undefined), claim("1Gi", undefined), notAllowed],
    ["a class that does not exist is refused", claim("2Gi", "iron"), claim("1Gi", "iron"), notAllowed],
    ["a class changed by the update is refused", claim("2Gi", "gold"), claim("1Gi", "silver"), notAllowed],
    ["a pending claim cannot grow", claim("2Gi", "gold"), claim("1Gi", "gold", "Pending"), "Only bound persistent volume claims can be expanded"],
    ["the same size is not a resize", claim("1Gi", "silver"), claim("1Gi", "silver"), undefined],
    ["shrinking is not this plugin's to refuse", claim("1Gi", "silver"), claim("2Gi", "silver"), undefined],
    ["sizes compare as quantities (1Gi < 1100Mi)", claim("1100Mi", "silver"), claim("1Gi", "silver"), notAllowed],
  ];
  for (const [name, pvc, old, want] of rows) it(name, () => expect(pvcResizeRefusal(pvc, old, classes)).toBe(want));
});
