// pkg/controller/volume/persistentvolume/index_test.go (the stored copy; its FindMatchingVolume is read against
// component-helpers/storage/volume/pv_helpers.go of v1.35, with VolumeAttributesClass on and the DeletionTimestamp
// check), row by row: TestMatchVolume, TestMatchingWithBoundVolumes, TestListByAccessModes (through the grouping
// findBestMatchForClaim searches), TestAllPossibleAccessModes (the same), TestFindingVolumeWithDifferentAccessModes,
// TestVolumeModeCheck and TestFilteringVolumeModes (the rows with block volumes on: the gate is gone, BlockVolume GA),
// TestStorageObjectInUseProtectionFiltering (the rows with the feature on, GA), TestFindingPreboundVolumes,
// TestBestMatchDelayed, TestFindMatchVolumeWithNode and TestCheckAccessModes. A PV's UID is kept in its name's place
// where the Go rows compare UIDs.

import { describe, expect, it } from "vitest";
import type { Node, PersistentVolume as PV, PersistentVolumeClaim as PVC } from "kubernetes-types/core/v1";
import { parseQuantity } from "../common/quantity.js";
import { accessModesAsString, checkAccessModes, checkVolumeModeMismatches, findBestMatchForClaim, findMatchingVolume } from "../common/volumeutil.js";

const RWO = "ReadWriteOnce";
const ROX = "ReadOnlyMany";
const RWX = "ReadWriteMany";
const classSilver = "silver";
const classGold = "gold";
const classLarge = "large";
const classWait = "wait";

const makePVC = (size: string, mod: (spec: NonNullable<PVC["spec"]>, meta: NonNullable<PVC["metadata"]>) => void = () => {}): PVC => {
  const pvc: PVC = { metadata: { name: "claim01", namespace: "myns" }, spec: { accessModes: [ROX, RWO], resources: { requests: { storage: size } }, volumeMode: "Filesystem" } };
  mod(pvc.spec!, pvc.metadata!);
  return pvc;
};
const affinity = (value: string) => ({ required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "key1", operator: "In", values: [value] }] }] } });
const vol = (uid: string, name: string, size: string, modes: string[], extra: { phase?: string; class?: string; labels?: Record<string, string>; claimRef?: object; nodeAffinity?: object } = {}): PV => ({
  metadata: { uid, name, ...(extra.labels ? { labels: extra.labels } : {}) },
  spec: {
    capacity: { storage: size }, accessModes: modes, volumeMode: "Filesystem",
    ...(extra.class ? { storageClassName: extra.class } : {}), ...(extra.claimRef ? { claimRef: extra.claimRef } : {}), ...(extra.nodeAffinity ? { nodeAffinity: extra.nodeAffinity } : {}),
  },
  ...(extra.phase === "" ? {} : { status: { phase: extra.phase ?? "Available" } }),
});

// createTestVolumes, deliberately out of order
const createTestVolumes = (): PV[] => [
  vol("gce-pd-10", "gce003", "10G", [RWO, ROX]),
  vol("gce-pd-20", "gce004", "20G", [RWO, ROX], { claimRef: { uid: "def456" }, phase: "Bound" }),
  vol("nfs-5", "nfs002", "5G", [RWO, ROX, RWX]),
  vol("gce-pd-1", "gce001", "1G", [RWO, ROX], { claimRef: { uid: "abc123" }, phase: "Bound" }),
  vol("nfs-10", "nfs003", "10G", [RWO, ROX, RWX]),
  vol("gce-pd-5", "gce002", "5G", [RWO, ROX]),
  vol("nfs-1", "nfs001", "1G", [RWO, ROX, RWX]),
  vol("gce-pd-2", "gce0022", "20000G", [RWO], { labels: { "should-exist": "true" } }),
  vol("gce-pd-silver1", "gce0023", "10000G", [RWO], { labels: { "should-exist": "true" }, class: classSilver }),
  vol("gce-pd-silver2", "gce0024", "100G", [RWO], { class: classSilver }),
  vol("gce-pd-gold", "gce0025", "50G", [RWO], { class: classGold }),
  vol("local-pd-very-large", "local001", "200E", [RWO, ROX, RWX], { class: classLarge }),
  vol("local-pd-extremely-large", "local002", "800E", [RWO, ROX, RWX], { class: classLarge }),
  vol("affinity-pv", "affinity001", "100G", [RWO, ROX], { class: classWait, nodeAffinity: affinity("value1") }),
  vol("affinity-pv2", "affinity002", "150G", [RWO, ROX], { class: classWait, nodeAffinity: affinity("value1") }),
  vol("affinity-prebound", "affinity003", "100G", [RWO, ROX], { class: classWait, claimRef: { name: "claim02", namespace: "myns" }, nodeAffinity: affinity("value1") }),
  vol("affinity-pv3", "affinity003", "200G", [RWO, ROX], { class: classWait, nodeAffinity: affinity("value3") }),
  vol("affinity-pv4-pending", "affinity004-pending", "200G", [RWO, ROX], { class: classWait, nodeAffinity: affinity("value4"), phase: "Pending" }),
  vol("affinity-pv4-failed", "affinity004-failed", "200G", [RWO, ROX], { class: classWait, nodeAffinity: affinity("value4"), phase: "Failed" }),
  vol("affinity-pv4-released", "affinity004-released", "200G", [RWO, ROX], { class: classWait, nodeAffinity: affinity("value4"), phase: "Released" }),
  vol("affinity-pv4-empty", "affinity004-empty", "200G", [RWO, ROX], { class: classWait, nodeAffinity: affinity("value4"), phase: "" }),
];
const uidOf = (pv: PV | undefined) => pv?.metadata?.uid ?? "";

describe("TestMatchVolume", () => {
  const rows: [string, string, PVC][] = [
    ["successful-match-gce-10", "gce-pd-10", makePVC("8G")],
    ["successful-match-nfs-5", "nfs-5", makePVC("5G", (s) => { s.accessModes = [ROX, RWO, RWX]; })],
    ["successful-skip-1g-bound-volume", "gce-pd-5", makePVC("1G")],
    ["successful-no-match", "", makePVC("999G")],
    ["successful-no-match-due-to-label", "", makePVC("999G", (s) => { s.selector = { matchLabels: { "should-not-exist": "true" } }; })],
    ["successful-no-match-due-to-size-constraint-with-label-selector", "", makePVC("20000G", (s) => { s.selector = { matchLabels: { "should-exist": "true" } }; s.accessModes = [ROX, RWO]; })],
    ["successful-match-due-with-constraint-and-label-selector", "gce-pd-2", makePVC("20000G", (s) => { s.selector = { matchLabels: { "should-exist": "true" } }; s.accessModes = [RWO]; })],
    ["successful-match-with-class", "gce-pd-silver1", makePVC("1G", (s) => { s.selector = { matchLabels: { "should-exist": "true" } }; s.accessModes = [RWO]; s.storageClassName = classSilver; })],
    ["successful-match-with-class-and-labels", "gce-pd-silver2", makePVC("1G", (s) => { s.accessModes = [RWO]; s.storageClassName = classSilver; })],
    ["successful-match-very-large", "local-pd-very-large", makePVC("1E", (s) => { s.accessModes = [RWO]; s.storageClassName = classLarge; })],
    ["successful-match-exact-extremely-large", "local-pd-extremely-large", makePVC("800E", (s) => { s.accessModes = [RWO]; s.storageClassName = classLarge; })],
    ["successful-no-match-way-too-large", "", makePVC("950E", (s) => { s.accessModes = [RWO]; s.storageClassName = classLarge; })],
  ];
  it.each(rows)("%s", (_name, expected, claim) => {
    expect(uidOf(findBestMatchForClaim(claim, createTestVolumes(), false))).toBe(expected);
  });
});

describe("TestMatchingWithBoundVolumes", () => {
  it("of two like volumes, the one not bound is matched", () => {
    const pv1 = vol("gce-pd-1", "gce001", "1G", [RWO, ROX], { claimRef: { uid: "abc123" }, phase: "Bound" });
    const pv2 = vol("gce-pd-2", "gce002", "1G", [RWO, ROX]);
    const claim: PVC = { metadata: { name: "claim01", namespace: "myns" }, spec: { accessModes: [ROX, RWO], resources: { requests: { storage: "1G" } }, volumeMode: "Filesystem" } };
    expect(findBestMatchForClaim(claim, [pv1, pv2], false)?.metadata?.name).toBe("gce002");
  });
});

describe("TestListByAccessModes and TestAllPossibleAccessModes (the index keys: accessModesAsString)", () => {
  const keyed = (modes: string[]) => createTestVolumes().filter((pv) => accessModesAsString(pv.spec?.accessModes) === accessModesAsString(modes));
  // byCapacity: ascending storage size (a stable sort keeps the store's order among equals)
  const byCapacity = (pvs: PV[]) => [...pvs].sort((a, b) => parseQuantity(a.spec?.capacity?.storage) - parseQuantity(b.spec?.capacity?.storage)).map(uidOf);
  it("RWO+ROX lists gce-pd-1, gce-pd-5, gce-pd-10 first by capacity", () => {
    expect(byCapacity(keyed([RWO, ROX])).slice(0, 3)).toEqual(["gce-pd-1", "gce-pd-5", "gce-pd-10"]);
  });
  it("RWO+ROX+RWX lists nfs-1, nfs-5, nfs-10 and the two local volumes", () => {
    expect(byCapacity(keyed([RWO, ROX, RWX]))).toEqual(["nfs-1", "nfs-5", "nfs-10", "local-pd-very-large", "local-pd-extremely-large"]);
  });
  it("three mode sets hold RWO, one holds RWX", () => {
    const keys = new Set(createTestVolumes().map((pv) => accessModesAsString(pv.spec?.accessModes)));
    expect([...keys].filter((k) => k.split(",").includes("RWO")).length).toBe(3);
    expect([...keys].filter((k) => k.split(",").includes("RWX"))).toEqual(["RWO,ROX,RWX"]);
  });
});

describe("TestFindingVolumeWithDifferentAccessModes", () => {
  const gce = vol("001", "gce", "10G", [RWO, ROX]);
  const ebs = vol("002", "ebs", "10G", [RWO]);
  const nfs = vol("003", "nfs", "10G", [RWO, ROX, RWX]);
  const claim = (modes: string[]): PVC => ({ metadata: { name: "claim01", namespace: "myns" }, spec: { accessModes: modes, resources: { requests: { storage: "1G" } }, volumeMode: "Filesystem" } });
  const bound = (pv: PV): PV => ({ ...pv, spec: { ...pv.spec, claimRef: {} } });
  const rows: [string, PV[], string[], string][] = [
    ["the exact modes", [gce, ebs, nfs], [RWO], "ebs"],
    ["RWO+ROX", [gce, ebs, nfs], [RWO, ROX], "gce"],
    ["order of the requested modes should not matter", [gce, ebs, nfs], [RWX, RWO, ROX], "nfs"],
    ["fewer modes requested should still match", [gce, ebs, nfs], [RWX], "nfs"],
    ["the exact match bound: the next level up of modes", [gce, bound(ebs), nfs], [RWO], "gce"],
    ["continue up the levels of modes", [bound(gce), bound(ebs), nfs], [RWO], "nfs"],
    ["partial mode request", [gce, bound(ebs), nfs], [ROX], "gce"],
  ];
  it.each(rows)("%s", (_name, volumes, modes, expected) => {
    expect(findBestMatchForClaim(claim(modes), volumes, false)?.metadata?.name).toBe(expected);
  });
});

const modeVolume = (mode: string | undefined, name = "block"): PV => ({
  metadata: { uid: "local-1", name }, spec: { capacity: { storage: "10G" }, accessModes: [RWO], ...(mode ? { volumeMode: mode } : {}) }, status: { phase: "Available" },
});
const modePVC = (mode: string | undefined): PVC => ({ metadata: { name: "claim01", namespace: "myns" }, spec: { ...(mode ? { volumeMode: mode } : {}), accessModes: [RWO], resources: { requests: { storage: "8G" } } } });

describe("TestVolumeModeCheck (block volumes on)", () => {
  const rows: [string, boolean, PV, PVC][] = [
    ["pvc block and pv filesystem", true, modeVolume("Filesystem"), modePVC("Block")],
    ["pvc filesystem and pv block", true, modeVolume("Block"), modePVC("Filesystem")],
    ["pvc block and pv block", false, modeVolume("Block"), modePVC("Block")],
    ["pvc filesystem and pv filesystem", false, modeVolume("Filesystem"), modePVC("Filesystem")],
    ["pvc filesystem and pv nil", false, modeVolume(undefined, "nil-mode"), modePVC("Filesystem")],
    ["pvc nil and pv filesystem", false, modeVolume("Filesystem"), modePVC(undefined)],
    ["pvc nil and pv nil", false, modeVolume(undefined, "nil-mode"), modePVC(undefined)],
    ["pvc nil and pv block", true, modeVolume("Block"), modePVC(undefined)],
    ["pvc block and pv nil", true, modeVolume(undefined, "nil-mode"), modePVC("Block")],
  ];
  it.each(rows)("%s", (_name, mismatch, pv, pvc) => {
    expect(checkVolumeModeMismatches(pvc, pv)).toBe(mismatch);
  });
});

describe("TestFilteringVolumeModes (block volumes on)", () => {
  const rows: [string, boolean, PV, PVC][] = [
    ["1-1 pvc block and pv filesystem", false, modeVolume("Filesystem"), modePVC("Block")],
    ["1-2 pvc filesystem and pv block", false, modeVolume("Block"), modePVC("Filesystem")],
    ["1-3 pvc block and pv no mode with default filesystem", false, modeVolume("Filesystem"), modePVC("Block")],
    ["1-4 pvc no mode defaulted to filesystem and pv block", false, modeVolume("Block"), modePVC("Filesystem")],
    ["1-5 pvc block and pv block", true, modeVolume("Block"), modePVC("Block")],
    ["1-6 pvc filesystem and pv filesystem", true, modeVolume("Filesystem"), modePVC("Filesystem")],
    ["1-7 pvc mode is nil and defaulted and pv mode is nil and defaulted", true, modeVolume("Filesystem"), modePVC("Filesystem")],
  ];
  it.each(rows)("%s", (_name, isExpectedMatch, pv, pvc) => {
    expect(findBestMatchForClaim(pvc, [pv], false) !== undefined).toBe(isExpectedMatch);
  });
});

describe("TestStorageObjectInUseProtectionFiltering (the feature on)", () => {
  const pv: PV = { metadata: { name: "pv1", annotations: {} }, spec: { capacity: { storage: "1G" }, hostPath: { path: "" }, accessModes: [RWO], volumeMode: "Filesystem" }, status: { phase: "Available" } };
  const pvToDelete: PV = { ...pv, metadata: { ...pv.metadata, deletionTimestamp: "2026-01-01T00:00:00Z" } };
  const pvc: PVC = { metadata: { name: "pvc1", namespace: "myns" }, spec: { accessModes: [RWO], resources: { requests: { storage: "1G" } }, volumeMode: "Filesystem" } };
  it("pv deletionTimeStamp not set: matched", () => {
    expect(findBestMatchForClaim(pvc, [pv], false)?.metadata?.name).toBe("pv1");
  });
  it("pv deletionTimeStamp set: not matched", () => {
    expect(findBestMatchForClaim(pvc, [pvToDelete], false)).toBeUndefined();
  });
});

describe("TestFindingPreboundVolumes", () => {
  const claim: PVC = { metadata: { name: "claim01", namespace: "myns", uid: "" }, spec: { accessModes: [RWO], resources: { requests: { storage: "1Gi" } }, volumeMode: "Filesystem" } };
  const claimRef = { kind: "PersistentVolumeClaim", namespace: "myns", name: "claim01", apiVersion: "v1" };
  const testVolume = (name: string, size: string, modes = [RWO], ref?: object): PV => ({
    metadata: { name, annotations: {} }, spec: { capacity: { storage: size }, hostPath: { path: "" }, accessModes: modes, volumeMode: "Filesystem", ...(ref ? { claimRef: ref } : {}) }, status: { phase: "Available" },
  });
  const index = (refs: { pv1?: object; pv8?: object; pvBadSize?: object; pvBadMode?: object }) => [
    testVolume("pv1", "1Gi", [RWO], refs.pv1), testVolume("pv5", "5Gi"), testVolume("pv8", "8Gi", [RWO], refs.pv8),
    testVolume("pvBadSize", "1Mi", [RWO], refs.pvBadSize), testVolume("pvBadMode", "1Gi", [ROX], refs.pvBadMode),
  ];
  const rows: [string, PV[], string][] = [
    ["expected exact match on size", index({}), "pv1"],
    ["the exact match pre-bound elsewhere: the next size up", index({ pv1: { name: "foo", namespace: "bar" } }), "pv5"],
    ["the largest volume pre-bound to the claim", index({ pv8: claimRef }), "pv8"],
    ["a volume too small pre-bound to the claim: the exact match", index({ pvBadSize: claimRef }), "pv1"],
    ["a volume without the access mode pre-bound to the claim: the exact match", index({ pvBadMode: claimRef }), "pv1"],
  ];
  it.each(rows)("%s", (_name, volumes, expected) => {
    expect(findBestMatchForClaim(claim, volumes, false)?.metadata?.name).toBe(expected);
  });
});

describe("TestBestMatchDelayed", () => {
  it("binding through the PV controller is delayed: no match", () => {
    expect(findBestMatchForClaim(makePVC("8G"), createTestVolumes(), true)).toBeUndefined();
  });
});

describe("TestFindMatchVolumeWithNode (FindMatchingVolume, delayBinding)", () => {
  const node = (value: string): Node => ({ metadata: { labels: { key1: value } } });
  const wait = (name?: string, modes = [RWO]) => makePVC("100G", (s, m) => { s.accessModes = modes; s.storageClassName = classWait; if (name) m.name = name; });
  const rows: [string, string, PVC, Node, string[]][] = [
    ["success-match", "affinity-pv", wait(), node("value1"), []],
    ["success-prebound", "affinity-prebound", wait("claim02"), node("value1"), []],
    ["success-exclusion", "affinity-pv2", wait(), node("value1"), ["affinity001"]],
    ["fail-exclusion", "", wait(), node("value1"), ["affinity001", "affinity002"]],
    ["fail-accessmode", "", wait(undefined, [RWX]), node("value1"), []],
    ["fail-nodeaffinity", "", wait(), node("value2"), []],
    ["fail-prebound-node-affinity", "", wait("claim02"), node("value3"), []],
    ["fail-nonavaiable", "", wait("claim04"), node("value4"), []],
    ["success-bad-and-good-node-affinity", "affinity-pv3", wait("claim03"), node("value3"), []],
  ];
  it.each(rows)("%s", (_name, expected, claim, n, excluded) => {
    expect(uidOf(findMatchingVolume(claim, createTestVolumes(), n, new Set(excluded), true))).toBe(expected);
  });
});

describe("TestCheckAccessModes", () => {
  const volume: PV = { spec: { accessModes: [RWO, RWX] } };
  const rows: [string, boolean, string[]][] = [
    ["success-single-mode", true, [RWX]],
    ["success-many-modes", true, [RWX, RWO]],
    ["fail-single-mode", false, [ROX]],
    ["fail-many-modes", false, [RWX, ROX]],
  ];
  it.each(rows)("%s", (_name, shouldSucceed, modes) => {
    expect(checkAccessModes(makePVC("100G", (s) => { s.accessModes = modes; }), volume)).toBe(shouldSucceed);
  });
});
