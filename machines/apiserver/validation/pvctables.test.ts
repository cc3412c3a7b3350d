// The PersistentVolumeClaim tables of pkg/apis/core/validation/validation_test.go (000f2605), row by
// row: TestValidatePersistentVolumeClaim (testValidatePVC, not ephemeral), TestAlphaVolumeSnapshotDataSource,
// TestAlphaPVVolumeModeUpdate and TestValidatePersistentVolumeClaimUpdate. The Go tables say only
// "fails" or "passes"; the (type, field) causes of each failing row here were read from
// ValidatePersistentVolumeClaimSpec and ValidatePersistentVolumeClaimUpdate of the same commit.
// RecoverVolumeExpansionFailure and VolumeAttributesClass are on (GA), so rows that turn either off
// are left out. Objects are not defaulted, as in the Go tests.

import { describe, expect, it } from "vitest";
import { validatePersistentVolumeClaim, validatePersistentVolumeClaimSpec, validatePersistentVolumeClaimUpdate, validatePersistentVolumeUpdate } from "./storage.js";
import { brief, messages } from "./testing.js";
import { validateVolumes } from "./volumes.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

const BETA = "volume.beta.kubernetes.io/storage-class";
const claim = (name: string, namespace: string, spec: any, extra: any = {}): any => ({
  apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name, namespace, ...(extra.metadata ?? {}) }, spec, ...(extra.status ? { status: extra.status } : {}),
});
const requests = (storage: string) => ({ requests: { storage } });

// testValidatePVC's scenarios, for a claim (TestValidatePersistentVolumeClaim) and for a pod's ephemeral
// volume claim template (TestValidateEphemeralVolume: name and namespace empty, no other metadata but
// labels and annotations). Each row: name, metadata, spec, causes for a claim, causes for a template
// (fields relative to the claim or template: "metadata.…" or "spec.…").
const goodSpec = () => ({
  selector: { matchExpressions: [{ key: "key2", operator: "Exists" }] }, accessModes: ["ReadWriteOnce", "ReadOnlyMany"], resources: requests("10G"),
  storageClassName: "valid", volumeMode: "Filesystem",
});
const uid = "ac051fac-2ead-46d9-b8b4-4e0fbeb7455d";
const sel = { matchExpressions: [{ key: "key2", operator: "Exists" }] };
const pvcScenarios: [string, any, any, string[], string[]][] = [
  ["good-claim", {}, goodSpec(), [], []],
  ["missing-name", { name: "" }, goodSpec(), ["FieldValueRequired metadata.name"], []],
  ["missing-namespace", { namespace: "" }, goodSpec(), ["FieldValueRequired metadata.namespace"], []],
  ["with-generate-name", { generateName: "pvc-" }, goodSpec(), [], ["FieldValueForbidden metadata.generateName"]],
  ["with-uid", { uid }, goodSpec(), [], ["FieldValueForbidden metadata.uID"]],
  ["with-resource-version", { resourceVersion: "1" }, goodSpec(), [], ["FieldValueForbidden metadata.resourceVersion"]],
  ["with-generation", { generation: 100 }, goodSpec(), [], ["FieldValueForbidden metadata.generation"]],
  ["with-creation-timestamp", { creationTimestamp: "2026-01-01T00:00:00Z" }, goodSpec(), [], ["FieldValueForbidden metadata.creationTimestamp"]],
  ["with-deletion-grace-period-seconds", { deletionGracePeriodSeconds: 10 }, goodSpec(), [], ["FieldValueForbidden metadata.deletionGracePeriodSeconds"]],
  ["with-owner-references", { ownerReferences: [{ apiVersion: "v1", kind: "pod", name: "foo", uid }] }, goodSpec(), [], ["FieldValueForbidden metadata.ownerReferences"]],
  ["with-finalizers", { finalizers: ["example.com/foo"] }, goodSpec(), [], ["FieldValueForbidden metadata.finalizers"]],
  ["with-managed-fields", { managedFields: [{ fieldsType: "FieldsV1", operation: "Apply", apiVersion: "apps/v1", manager: "foo" }] }, goodSpec(), [], ["FieldValueForbidden metadata.managedFields"]],
  ["with-good-labels", { labels: { "apps.kubernetes.io/name": "test" } }, goodSpec(), [], []],
  ["with-bad-labels", { labels: { "hello-world": "hyphen not allowed" } }, goodSpec(), ["FieldValueInvalid metadata.labels"], ["FieldValueInvalid metadata.labels"]],
  // The Go row named with-good-annotations sets labels; so does with-bad-annotations.
  ["with-good-annotations", { labels: { foo: "bar" } }, goodSpec(), [], []],
  ["with-bad-annotations", { labels: { "hello-world": "hyphen not allowed" } }, goodSpec(), ["FieldValueInvalid metadata.labels"], ["FieldValueInvalid metadata.labels"]],
  ["with-read-write-once-pod", {}, { accessModes: ["ReadWriteOncePod"], resources: requests("10G") }, [], []],
  ["with-read-write-once-pod-and-others", {}, { accessModes: ["ReadWriteOncePod", "ReadWriteMany"], resources: requests("10G") }, ["FieldValueForbidden spec.accessModes"], ["FieldValueForbidden spec.accessModes"]],
  ["invalid-claim-zero-capacity", {}, { selector: sel, accessModes: ["ReadWriteOnce", "ReadOnlyMany"], resources: requests("0G"), storageClassName: "valid" }, ["FieldValueInvalid spec.resources[storage]"], ["FieldValueInvalid spec.resources[storage]"]],
  ["invalid-label-selector", {}, { selector: { matchExpressions: [{ key: "key2", operator: "InvalidOp", values: ["value1", "value2"] }] }, accessModes: ["ReadWriteOnce", "ReadOnlyMany"], resources: requests("10G") },
    ["FieldValueInvalid spec.selector.matchExpressions[0].operator"], ["FieldValueInvalid spec.selector.matchExpressions[0].operator"]],
  ["invalid-accessmode", {}, { accessModes: ["fakemode"], resources: requests("10G") }, ["FieldValueNotSupported spec.accessModes"], ["FieldValueNotSupported spec.accessModes"]],
  ["no-access-modes", {}, { resources: requests("10G") }, ["FieldValueRequired spec.accessModes"], ["FieldValueRequired spec.accessModes"]],
  ["no-resource-requests", {}, { accessModes: ["ReadWriteOnce"] }, ["FieldValueRequired spec.resources[storage]"], ["FieldValueRequired spec.resources[storage]"]],
  ["invalid-resource-requests", {}, { accessModes: ["ReadWriteOnce"], resources: { requests: { memory: "10G" } } }, ["FieldValueRequired spec.resources[storage]"], ["FieldValueRequired spec.resources[storage]"]],
  ["negative-storage-request", {}, { selector: sel, accessModes: ["ReadWriteOnce", "ReadOnlyMany"], resources: requests("-10G") }, ["FieldValueInvalid spec.resources[storage]"], ["FieldValueInvalid spec.resources[storage]"]],
  ["zero-storage-request", {}, { selector: sel, accessModes: ["ReadWriteOnce", "ReadOnlyMany"], resources: requests("0G") }, ["FieldValueInvalid spec.resources[storage]"], ["FieldValueInvalid spec.resources[storage]"]],
  ["invalid-storage-class-name", {}, { selector: sel, accessModes: ["ReadWriteOnce", "ReadOnlyMany"], resources: requests("10G"), storageClassName: "-invalid-" }, ["FieldValueInvalid spec.storageClassName"], ["FieldValueInvalid spec.storageClassName"]],
  ["invalid-volume-mode", {}, { accessModes: ["ReadWriteOnce", "ReadOnlyMany"], resources: requests("10G"), volumeMode: "fakeVolumeMode" }, ["FieldValueNotSupported spec.volumeMode"], ["FieldValueNotSupported spec.volumeMode"]],
  ["mismatch-data-source-and-ref", {}, { accessModes: ["ReadWriteOnce"], resources: requests("10G"), dataSource: { kind: "PersistentVolumeClaim", name: "pvc1" }, dataSourceRef: { kind: "PersistentVolumeClaim", name: "pvc2" } },
    ["FieldValueInvalid spec"], ["FieldValueInvalid spec"]],
  ["invaild-apigroup-in-data-source", {}, { accessModes: ["ReadWriteOnce"], resources: requests("10G"), dataSource: { apiGroup: "^invalid", kind: "Foo", name: "foo1" } }, ["FieldValueInvalid spec.dataSource.apiGroup"], ["FieldValueInvalid spec.dataSource.apiGroup"]],
  ["invaild-apigroup-in-data-source-ref", {}, { accessModes: ["ReadWriteOnce"], resources: requests("10G"), dataSourceRef: { apiGroup: "^invalid", kind: "Foo", name: "foo1" } }, ["FieldValueInvalid spec.dataSourceRef.apiGroup"], ["FieldValueInvalid spec.dataSourceRef.apiGroup"]],
  ["invalid-volume-attributes-class-name", {}, { selector: sel, accessModes: ["ReadWriteOnce", "ReadOnlyMany"], resources: requests("10G"), volumeAttributesClassName: "-invalid-" }, ["FieldValueInvalid spec.volumeAttributesClassName"], ["FieldValueInvalid spec.volumeAttributesClassName"]],
];

describe("TestValidatePersistentVolumeClaim (testValidatePVC, not ephemeral)", () => {
  for (const [name, meta, spec, want] of pvcScenarios) {
    it(`${want.length ? "refuses" : "accepts"} ${name}`, () => {
      const pvc = { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "foo", namespace: "ns", ...meta }, spec };
      expect(brief(validatePersistentVolumeClaim(pvc))).toEqual(want);
    });
  }
});

describe("TestValidateEphemeralVolume (testValidatePVC through a pod's ephemeral volume)", () => {
  const base = "spec.volumes[0].ephemeral.volumeClaimTemplate";
  for (const [name, meta, spec, , want] of pvcScenarios) {
    it(`${want.length ? "refuses" : "accepts"} ${name}`, () => {
      // goodName and goodNS are empty for templates; the row's own metadata on top.
      const { errs } = validateVolumes([{ name: "foo", ephemeral: { volumeClaimTemplate: { metadata: { ...meta, name: meta.name ?? undefined, namespace: meta.namespace ?? undefined }, spec } } }], "spec.volumes");
      expect(brief(errs)).toEqual(want.map((w) => w.replace(" ", ` ${base}.`)));
    });
  }
});

// ValidationOptionsForPersistentVolumeClaim (validation.go, 000f2605): no Go table row, the rule read from the source.
describe("ValidationOptionsForPersistentVolumeClaim: an old claim's invalid selector values stay allowed", () => {
  const withSelector = (value: string) => claim("foo", "ns", { selector: { matchExpressions: [{ key: "k", operator: "In", values: [value] }] }, accessModes: ["ReadWriteOnce"], resources: requests("10G"), volumeName: "volume" });
  it("a new claim with an invalid selector value is refused", () => expect(brief(validatePersistentVolumeClaim(withSelector("-bad-")))).toEqual(["FieldValueInvalid spec.selector.matchExpressions[0].values[0]"]));
  it("an update of a claim that already had one is not", () => expect(validatePersistentVolumeClaimUpdate(withSelector("-bad-"), withSelector("-bad-"))).toEqual([]));
});

describe("TestAlphaVolumeSnapshotDataSource", () => {
  const spec = (name: string, kind: string) => ({ accessModes: ["ReadOnlyMany"], resources: requests("10G"), storageClassName: "csi-plugin", dataSource: { apiGroup: "snapshot.storage.k8s.io", kind, name } });
  it("accepts a VolumeSnapshot data source", () => expect(validatePersistentVolumeClaimSpec(spec("test_snapshot", "VolumeSnapshot"))).toEqual([]));
  it("refuses one without a name", () => expect(brief(validatePersistentVolumeClaimSpec(spec("", "VolumeSnapshot")))).toEqual(["FieldValueRequired spec.dataSource.name"]));
  it("refuses one without a kind", () => expect(brief(validatePersistentVolumeClaimSpec(spec("test_snapshot", "")))).toEqual(["FieldValueRequired spec.dataSource.kind"]));
});

describe("TestAlphaPVVolumeModeUpdate", () => {
  // createTestVolModePV / createTestPV: a valid volume, with or without a volumeMode.
  const pv = (mode?: string) => ({
    apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "foo" },
    spec: { capacity: { storage: "10G" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/foo", type: "Directory" }, storageClassName: "test-storage-class", ...(mode ? { volumeMode: mode } : {}) },
  });
  const immutable = ["FieldValueInvalid volumeMode"];
  const rows: [string, string | undefined, string | undefined, string[]][] = [
    ["valid-update-volume-mode-block-to-block", "Block", "Block", []],
    ["valid-update-volume-mode-file-to-file", "Filesystem", "Filesystem", []],
    ["invalid-update-volume-mode-to-block", "Filesystem", "Block", immutable],
    ["invalid-update-volume-mode-to-file", "Block", "Filesystem", immutable],
    ["invalid-update-volume-mode-nil-to-file", undefined, "Filesystem", immutable],
    ["invalid-update-volume-mode-nil-to-block", undefined, "Block", immutable],
    ["invalid-update-volume-mode-file-to-nil", "Filesystem", undefined, immutable],
    ["invalid-update-volume-mode-block-to-nil", "Block", undefined, immutable],
    ["invalid-update-volume-mode-nil-to-nil", undefined, undefined, []],
    ["invalid-update-volume-mode-empty-to-mode", undefined, "Block", immutable],
  ];
  for (const [name, old, next, want] of rows) it(`${want.length ? "refuses" : "accepts"} ${name}`, () => expect(brief(validatePersistentVolumeUpdate(pv(next), pv(old)))).toEqual(want));
});

describe("TestValidatePersistentVolumeClaimUpdate", () => {
  const bound = { phase: "Bound" };
  const rwoRox = ["ReadWriteOnce", "ReadOnlyMany"];
  const c = (spec: any, extra: any = {}) => claim("foo", "ns", spec, extra);
  const validClaim = c({ accessModes: rwoRox, resources: requests("10G") }, { status: bound });
  const validClaimStorageClass = c({ accessModes: ["ReadOnlyMany"], resources: requests("10G") }, { metadata: { annotations: { [BETA]: "fast" } } });
  const validClaimAnnotation = c({ accessModes: ["ReadOnlyMany"], resources: requests("10G") }, { metadata: { annotations: { description: "foo-description" } } });
  const validUpdateClaim = c({ accessModes: rwoRox, resources: requests("10G"), volumeName: "volume" });
  const invalidUpdateClaimResources = c({ accessModes: rwoRox, resources: requests("20G"), volumeName: "volume" });
  const invalidUpdateClaimAccessModes = c({ accessModes: ["ReadWriteOnce"], resources: requests("10G"), volumeName: "volume" });
  const modeClaim = (volumeMode?: string) => c({ accessModes: ["ReadWriteOnce"], ...(volumeMode ? { volumeMode } : {}), resources: requests("10G"), volumeName: "volume" });
  const invalidUpdateClaimStorageClass = c({ accessModes: ["ReadOnlyMany"], resources: requests("10G"), volumeName: "volume" }, { metadata: { annotations: { [BETA]: "fast2" } } });
  const validUpdateClaimMutableAnnotation = c({ accessModes: ["ReadOnlyMany"], resources: requests("10G"), volumeName: "volume" }, { metadata: { annotations: { description: "updated-or-added-foo-description" } } });
  const validAddClaimAnnotation = c({ accessModes: rwoRox, resources: requests("10G"), volumeName: "volume" }, { metadata: { annotations: { description: "updated-or-added-foo-description" } } });
  const validSizeUpdate = c({ accessModes: rwoRox, resources: requests("15G") }, { status: bound });
  const unboundSizeUpdate = c({ accessModes: rwoRox, resources: requests("12G") }, { status: { phase: "Pending" } });
  const classInSpec = (sc: string) => c({ accessModes: ["ReadOnlyMany"], resources: requests("10G"), storageClassName: sc });
  const classNil = c({ accessModes: ["ReadOnlyMany"], resources: requests("10G") });
  const classInAnnotationAndSpec = (ann: string, sc: string) => c({ accessModes: ["ReadOnlyMany"], resources: requests("10G"), storageClassName: sc }, { metadata: { annotations: { [BETA]: ann } } });
  const classInAnnotationNilSpec = c({ accessModes: ["ReadOnlyMany"], resources: requests("10G") }, { metadata: { annotations: { [BETA]: "fast" } } });
  const rwop = c({ accessModes: ["ReadWriteOncePod"], resources: requests("10G"), volumeName: "volume" });
  const rwopAddAnnotation = c({ accessModes: ["ReadWriteOncePod"], resources: requests("10G"), volumeName: "volume" }, { metadata: { annotations: { description: "updated-or-added-foo-description" } } });
  const withCapacity = (storage: string, phase: string) => c({ accessModes: rwoRox, resources: requests(storage) }, { status: { phase, capacity: { storage: "10G" } } });
  const dataSourceClaim = (key: string) => c({ accessModes: ["ReadWriteOnce"], volumeMode: "Filesystem", resources: requests("10G"), volumeName: "volume", [key]: { apiGroup: "^invalid", kind: "Foo", name: "foo" } });
  const vacClaim = (vac: string | undefined, phase = "Bound") => c({ ...(vac === undefined ? {} : { volumeAttributesClassName: vac }), accessModes: rwoRox, resources: requests("10G") }, { status: { phase } });
  const spec = "FieldValueForbidden spec";
  const mode = "FieldValueInvalid volumeMode";
  const annotation = `FieldValueInvalid metadata.annotations.${BETA}`;
  const rows: [string, any, any, string[]][] = [
    ["valid-update-volumeName-only", validClaim, validUpdateClaim, []],
    ["valid-no-op-update", validUpdateClaim, validUpdateClaim, []],
    ["invalid-update-change-resources-on-bound-claim", validUpdateClaim, invalidUpdateClaimResources, [spec]],
    ["invalid-update-change-access-modes-on-bound-claim", validUpdateClaim, invalidUpdateClaimAccessModes, [spec]],
    ["valid-update-volume-mode-block-to-block", modeClaim("Block"), modeClaim("Block"), []],
    ["valid-update-volume-mode-file-to-file", modeClaim("Filesystem"), modeClaim("Filesystem"), []],
    ["invalid-update-volume-mode-to-block", modeClaim("Filesystem"), modeClaim("Block"), [spec, mode]],
    ["invalid-update-volume-mode-to-file", modeClaim("Block"), modeClaim("Filesystem"), [spec, mode]],
    ["invalid-update-volume-mode-nil-to-file", modeClaim(), modeClaim("Filesystem"), [spec, mode]],
    ["invalid-update-volume-mode-nil-to-block", modeClaim(), modeClaim("Block"), [spec, mode]],
    ["invalid-update-volume-mode-block-to-nil", modeClaim("Block"), modeClaim(), [spec, mode]],
    ["invalid-update-volume-mode-file-to-nil", modeClaim("Filesystem"), modeClaim(), [spec, mode]],
    ["invalid-update-volume-mode-empty-to-mode", validClaim, modeClaim("Block"), [spec, mode]],
    ["invalid-update-volume-mode-mode-to-empty", modeClaim("Block"), validClaim, [spec, mode]],
    ["invalid-update-change-storage-class-annotation-after-creation", validClaimStorageClass, invalidUpdateClaimStorageClass, [annotation]],
    ["valid-update-mutable-annotation", validClaimAnnotation, validUpdateClaimMutableAnnotation, []],
    ["valid-update-add-annotation", validClaim, validAddClaimAnnotation, []],
    ["valid-size-update-resize-disabled", validClaim, validSizeUpdate, []],
    ["valid-size-update-resize-enabled", validClaim, validSizeUpdate, []],
    ["unbound-size-update-resize-enabled", validClaim, unboundSizeUpdate, [spec]],
    ["valid-upgrade-storage-class-annotation-to-spec", validClaimStorageClass, classInSpec("fast"), []],
    ["valid-upgrade-nil-storage-class-spec-to-spec", classNil, classInSpec("fast"), []],
    ["invalid-upgrade-not-nil-storage-class-spec-to-spec", classInSpec("fast"), classInSpec("fast2"), [spec]],
    ["invalid-upgrade-to-nil-storage-class-spec-to-spec", classInSpec("fast"), classNil, [spec]],
    ["valid-upgrade-storage-class-annotation-and-nil-spec-to-spec-retro", classInAnnotationNilSpec, classInAnnotationAndSpec("fast", "fast"), []],
    ["invalid-upgrade-storage-class-annotation-and-spec-to-spec-retro", classInAnnotationAndSpec("fast", "fast"), classInSpec("fast2"), [annotation, spec]],
    ["invalid-upgrade-storage-class-annotation-and-no-spec", classInAnnotationNilSpec, classInSpec("fast2"), [annotation, spec]],
    ["invalid-upgrade-storage-class-annotation-to-spec", validClaimStorageClass, classInSpec("fast2"), [annotation, spec]],
    ["valid-upgrade-storage-class-annotation-to-annotation-and-spec", validClaimStorageClass, classInAnnotationAndSpec("fast", "fast"), []],
    ["invalid-upgrade-storage-class-annotation-to-annotation-and-spec", validClaimStorageClass, classInAnnotationAndSpec("fast2", "fast"), [annotation]],
    ["invalid-upgrade-storage-class-in-spec", classInSpec("fast"), classInSpec("fast2"), [spec]],
    ["invalid-downgrade-storage-class-spec-to-annotation", classInSpec("fast"), validClaimStorageClass, [annotation, spec]],
    ["valid-update-rwop-used-and-rwop-feature-disabled", rwop, rwopAddAnnotation, []],
    ["valid-expand-shrink-resize-enabled", withCapacity("15G", "Bound"), withCapacity("13G", "Bound"), []],
    ["invalid-expand-shrink-resize-enabled", withCapacity("15G", "Bound"), withCapacity("3G", "Bound"), ["FieldValueForbidden spec.resources.requests.storage"]],
    ["invalid-expand-shrink-to-status-resize-enabled", withCapacity("15G", "Bound"), withCapacity("10G", "Bound"), ["FieldValueForbidden spec.resources.requests.storage"]],
    ["unbound-size-shrink-resize-enabled", withCapacity("15G", "Bound"), withCapacity("12G", "Pending"), [spec]],
    ["allow-update-pvc-when-data-source-used", dataSourceClaim("dataSource"), dataSourceClaim("dataSource"), []],
    ["allow-update-pvc-when-data-source-ref-used", dataSourceClaim("dataSourceRef"), dataSourceClaim("dataSourceRef"), []],
    ["valid-update-volume-attributes-class-from-nil", vacClaim(undefined), vacClaim("vac1"), []],
    ["valid-update-volume-attributes-class-from-empty", vacClaim(""), vacClaim("vac1"), []],
    ["valid-update-volume-attributes-class", vacClaim("vac1"), vacClaim("vac2"), []],
    ["invalid-update-volume-attributes-class", vacClaim("vac1"), vacClaim(undefined), [spec, "FieldValueForbidden spec.volumeAttributesClassName"]],
    ["invalid-update-volume-attributes-class-to-nil", vacClaim("vac1"), vacClaim(undefined), [spec, "FieldValueForbidden spec.volumeAttributesClassName"]],
    ["invalid-update-volume-attributes-class-to-empty", vacClaim("vac1"), vacClaim(""), ["FieldValueForbidden spec.volumeAttributesClassName"]],
    ["invalid-update-volume-attributes-class-when-claim-not-bound", vacClaim("vac1", "Pending"), vacClaim("vac2", "Pending"), [spec]],
  ];
  for (const [name, old, next, want] of rows) it(`${want.length ? "refuses" : "accepts"} ${name}`, () => expect(brief(validatePersistentVolumeClaimUpdate(structuredClone(next), structuredClone(old)))).toEqual(want));
  it("the beta class annotation is reported at metadata.annotations.<key>, as ValidateImmutableAnnotation builds it", () => {
    expect(messages(validatePersistentVolumeClaimUpdate(invalidUpdateClaimStorageClass, validClaimStorageClass))).toEqual([`metadata.annotations.${BETA}: Invalid value: "fast2": field is immutable`]);
  });
});

// testDataSourceInSpec / pvcSpecWithCrossNamespaceSource / pvcSpecWithVolumeAttributesClassName: the Go
// tables of ValidatePersistentVolumeClaimSpec below say only "fails" or "passes", and are checked so.
const dsSpec = (name: string, kind: string, apiGroup: string) => ({ accessModes: ["ReadOnlyMany"], resources: requests("10G"), storageClassName: "csi-plugin", dataSource: { apiGroup, kind, name } });
const dataSourceRows: [string, any, boolean][] = [
  ["test create from valid snapshot source", dsSpec("test_snapshot", "VolumeSnapshot", "snapshot.storage.k8s.io"), false],
  ["test create from valid pvc source", dsSpec("test_pvc", "PersistentVolumeClaim", ""), false],
  ["test missing name in snapshot datasource should fail", dsSpec("", "VolumeSnapshot", "snapshot.storage.k8s.io"), true],
  ["test missing kind in snapshot datasource should fail", dsSpec("test_snapshot", "", "snapshot.storage.k8s.io"), true],
  ["test create from valid generic custom resource source", dsSpec("test_generic", "Generic", "generic.storage.k8s.io"), false],
  ["test invalid datasource should fail", dsSpec("test_pod", "Pod", ""), true],
];
const judged = (spec: any, fails: boolean) => {
  const errs = validatePersistentVolumeClaimSpec(spec);
  if (fails) expect(errs.length).toBeGreaterThan(0);
  else expect(errs).toEqual([]);
};

describe("TestAlphaVolumePVCDataSource", () => {
  for (const [name, spec, fails] of dataSourceRows) it(name, () => judged(spec, fails));
});

describe("TestAnyDataSource: the same rows with dataSource alone and with dataSourceRef alone", () => {
  for (const [name, spec, fails] of dataSourceRows) {
    it(`${name} (dataSource)`, () => judged(spec, fails));
    it(`${name} (dataSourceRef)`, () => {
      const { dataSource, ...rest } = spec;
      judged({ ...rest, dataSourceRef: { ...dataSource } }, fails);
    });
  }
});

describe("TestCrossNamespaceSource", () => {
  const xns = (apiGroup: string | undefined, kind: string, namespace: string | undefined, withDataSource: boolean) => {
    const ref = { ...(apiGroup === undefined ? {} : { apiGroup }), kind, ...(namespace === undefined ? {} : { namespace }), name: "snapshot1" };
    return { accessModes: ["ReadOnlyMany"], resources: requests("10G"), storageClassName: "csi-plugin", dataSourceRef: ref, ...(withDataSource ? { dataSource: { ...(apiGroup === undefined ? {} : { apiGroup }), kind, name: "snapshot1" } } : {}) };
  };
  const snap = "snapshot.storage.k8s.io";
  const rows: [string, any, boolean][] = [
    ["Feature gate enabled and valid xns DataSourceRef specified", xns(snap, "VolumeSnapshot", "ns1", false), false],
    ["Feature gate enabled and xns DataSourceRef with PVC source specified", xns("", "PersistentVolumeClaim", "ns1", false), false],
    ["Feature gate enabled and xns DataSourceRef with unsupported source specified", xns("unsupported.example.com", "UnsupportedKind", "ns1", false), false],
    ["Feature gate enabled and xns DataSourceRef with nil apiGroup", xns(undefined, "UnsupportedKind", "ns1", false), true],
    ["Feature gate enabled and xns DataSourceRef with invalid namespace specified", xns(snap, "VolumeSnapshot", "a*b", false), true],
    ["Feature gate enabled and xns DataSourceRef with nil namespace specified", xns(snap, "VolumeSnapshot", undefined, false), false],
    ["Feature gate enabled and xns DataSourceRef with empty namespace specified", xns(snap, "VolumeSnapshot", "", false), false],
    ["Feature gate enabled and both xns DataSourceRef and DataSource specified", xns(snap, "VolumeSnapshot", "ns1", true), true],
  ];
  for (const [name, spec, fails] of rows) it(name, () => judged(spec, fails));
});

describe("TestVolumeAttributesClass (the gate is GA: every row has it on)", () => {
  const vac = (name?: string) => ({ accessModes: ["ReadOnlyMany"], resources: requests("10G"), storageClassName: "csi-plugin", ...(name === undefined ? {} : { volumeAttributesClassName: name }) });
  const rows: [string, any, boolean][] = [
    ["Feature gate enabled and valid no volumeAttributesClassName specified", vac(), false],
    ["Feature gate enabled and an empty volumeAttributesClassName specified", vac(""), false],
    ["Feature gate enabled and valid volumeAttributesClassName specified", vac("foo"), false],
    ["Feature gate enabled and invalid volumeAttributesClassName specified", vac("-invalid-"), true],
  ];
  for (const [name, spec, fails] of rows) it(name, () => judged(spec, fails));
});
