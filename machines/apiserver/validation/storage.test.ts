// PersistentVolume, PersistentVolumeClaim and StorageClass defaulting and validation: rows after
// pkg/apis/core/validation/validation_test.go (TestValidatePersistentVolumes,
// TestValidatePersistentVolumeSourceUpdate, TestValidatePersistentVolumeClaim,
// TestValidatePersistentVolumeClaimUpdate) and pkg/apis/storage/validation/validation_test.go
// (TestValidateStorageClass, TestValidateStorageClassUpdate), with the messages of v1.35's
// validation.go; defaults from pkg/apis/core/v1/defaults.go and pkg/apis/storage/v1/defaults.go.

import { describe, expect, it } from "vitest";
import { mutate } from "../admission/index.js";
import { validateCreate, validateUpdate } from "./index.js";
import { brief, messages } from "./testing.js";

const now = "2026-01-01T00:00:00Z";
const pv = (spec: any, name = "foo"): any => mutate({ apiVersion: "v1", kind: "PersistentVolume", metadata: { name }, spec }, { now, operation: "CREATE" });
const hostPathSpec = (edit: any = {}) => ({ capacity: { storage: "10G" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/foo" }, storageClassName: "valid", ...edit });
const pvc = (spec: any, name = "foo"): any => mutate({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name, namespace: "ns" }, spec }, { now, operation: "CREATE" });
const claimSpec = (edit: any = {}) => ({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10G" } }, ...edit });
const sc = (edit: any = {}, name = "foo"): any => mutate({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name }, provisioner: "kubernetes.io/foo-provisioner", ...edit }, { now, operation: "CREATE" });

describe("defaults (SetDefaults_PersistentVolume, _PersistentVolumeClaim, _StorageClass) and PrepareForCreate", () => {
  it("a PV gets reclaim policy Retain, volumeMode Filesystem, hostPath type \"\", phase Pending since its creation", () => {
    const v = pv(hostPathSpec());
    expect(v.spec).toMatchObject({ persistentVolumeReclaimPolicy: "Retain", volumeMode: "Filesystem", hostPath: { path: "/foo", type: "" } });
    expect(v.status).toEqual({ phase: "Pending", lastPhaseTransitionTime: now });
  });
  it("a claim gets volumeMode Filesystem and phase Pending; its status is the server's", () => {
    const c = mutate({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "c", namespace: "ns" }, spec: claimSpec(), status: { phase: "Bound" } }, { now, operation: "CREATE" });
    expect(c.spec.volumeMode).toBe("Filesystem");
    expect(c.status).toEqual({ phase: "Pending" });
  });
  it("a StorageClass gets reclaimPolicy Delete and volumeBindingMode Immediate", () => {
    expect(sc()).toMatchObject({ reclaimPolicy: "Delete", volumeBindingMode: "Immediate" });
  });
  it("StorageObjectInUseProtection adds the pv- and pvc-protection finalizers", () => {
    expect(pv(hostPathSpec()).metadata.finalizers).toEqual(["kubernetes.io/pv-protection"]);
    expect(pvc(claimSpec()).metadata.finalizers).toEqual(["kubernetes.io/pvc-protection"]);
  });
  it("DefaultStorageClass gives a claim without a class the newest default one; \"\" and a named class are kept", () => {
    const classes = [
      { metadata: { name: "old", creationTimestamp: "2025-01-01T00:00:00Z", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } } },
      { metadata: { name: "new", creationTimestamp: "2025-06-01T00:00:00Z", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } } },
      { metadata: { name: "other", creationTimestamp: "2025-09-01T00:00:00Z" } },
    ];
    const create = (spec: any) => mutate({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "c", namespace: "ns" }, spec }, { now, operation: "CREATE", storageClasses: classes }).spec.storageClassName;
    expect(create(claimSpec())).toBe("new");
    expect(create(claimSpec({ storageClassName: "" }))).toBe("");
    expect(create(claimSpec({ storageClassName: "other" }))).toBe("other");
  });
});

describe("ValidatePersistentVolume (TestValidatePersistentVolumes)", () => {
  const rows: [string, any, string[]][] = [
    ["good-volume", pv(hostPathSpec()), []],
    ["good-volume-with-capacity-unit", pv(hostPathSpec({ capacity: { storage: "10Gi" } })), []],
    ["good-volume-with-retain-policy", pv(hostPathSpec({ persistentVolumeReclaimPolicy: "Retain" })), []],
    ["good-volume-with-volume-mode", pv(hostPathSpec({ volumeMode: "Block" })), []],
    ["invalid-accessmode", pv(hostPathSpec({ accessModes: ["fakemode"] })), ['spec.accessModes: Unsupported value: "fakemode": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"']],
    ["invalid-reclaimpolicy", pv(hostPathSpec({ persistentVolumeReclaimPolicy: "fakeReclaimPolicy" })), ['spec.persistentVolumeReclaimPolicy: Unsupported value: "fakeReclaimPolicy": supported values: "Delete", "Recycle", "Retain"']],
    ["missing-accessmodes", pv(hostPathSpec({ accessModes: [] })), ["spec.accessModes: Required value"]],
    ["missing-volume-source", pv({ capacity: { storage: "10G" }, accessModes: ["ReadWriteOnce"] }), ["spec: Required value: must specify a volume type"]],
    ["bad-name", pv(hostPathSpec(), "123*Bad(Name"), ["metadata.name: Invalid value: \"123*Bad(Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]],
    ["missing-name", pv(hostPathSpec(), ""), ["metadata.name: Required value: name or generateName is required"]],
    ["missing-capacity", pv({ accessModes: ["ReadWriteOnce"], hostPath: { path: "/foo" } }), ["spec.capacity: Required value", 'spec.capacity: Unsupported value: core.ResourceList(nil): supported values: "storage"']],
    ["bad-volume-zero-capacity", pv(hostPathSpec({ capacity: { storage: "0" } })), ['spec.capacity[storage]: Invalid value: "0": must be greater than zero']],
    ["host mount of / with recycle reclaim policy", pv(hostPathSpec({ hostPath: { path: "/" }, persistentVolumeReclaimPolicy: "Recycle" })), ["spec.persistentVolumeReclaimPolicy: Forbidden: may not be 'recycle' for a hostPath mount of '/'"]],
    ["host mount of / with recycle reclaim policy 2", pv(hostPathSpec({ hostPath: { path: "/a/.." }, persistentVolumeReclaimPolicy: "Recycle" })), ["spec.hostPath.path: Invalid value: \"/a/..\": must not contain '..'", "spec.persistentVolumeReclaimPolicy: Forbidden: may not be 'recycle' for a hostPath mount of '/'"]],
    ["invalid-storage-class-name", pv(hostPathSpec({ storageClassName: "-invalid-" })), ["FieldValueInvalid spec.storageClassName"]],
    ["bad-hostpath-volume-backsteps", pv(hostPathSpec({ hostPath: { path: "/foo/.." } })), ["spec.hostPath.path: Invalid value: \"/foo/..\": must not contain '..'"]],
    ["volume-node-affinity without required", pv(hostPathSpec({ nodeAffinity: {} })), ["spec.nodeAffinity.required: Required value: must specify required node constraints"]],
    ["volume-node-affinity with no terms", pv(hostPathSpec({ nodeAffinity: { required: { nodeSelectorTerms: [] } } })), ["spec.nodeAffinity.required.nodeSelectorTerms: Required value: must have at least one node selector term"]],
    ["local volume without node affinity", pv({ capacity: { storage: "10G" }, accessModes: ["ReadWriteOnce"], local: { path: "/foo" }, storageClassName: "valid" }), ["spec.nodeAffinity: Required value: Local volume requires node affinity"]],
    ["more than one volume source", pv(hostPathSpec({ local: { path: "/foo" } })), ["spec.local: Forbidden: may not specify more than 1 volume type"]],
    ["with-read-write-once-pod-and-others", pv(hostPathSpec({ accessModes: ["ReadWriteOncePod", "ReadWriteMany"] })), ["spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"]],
  ];
  it.each(rows)("%s", (_n, obj, want) => {
    const errs = validateCreate(obj);
    const got = want.some((w) => /^Field\w+ /.test(w)) ? brief(errs) : messages(errs);
    expect(got).toEqual(want);
  });
});

describe("ValidatePersistentVolumeUpdate (TestValidatePersistentVolumeSourceUpdate)", () => {
  const stored = { ...pv(hostPathSpec()), metadata: { ...pv(hostPathSpec()).metadata, uid: "u", resourceVersion: "1", creationTimestamp: now } };
  it("the volume source is immutable after creation", () => {
    const next = { ...stored, spec: { ...stored.spec, hostPath: { path: "/bar", type: "" } } };
    expect(brief(validateUpdate(next, stored))).toEqual(["FieldValueForbidden spec.persistentvolumesource"]);
    expect(messages(validateUpdate(next, stored))[0]).toMatch(/^spec\.persistentvolumesource: Forbidden: spec\.persistentvolumesource is immutable after creation\n/);
  });
  it("a claimRef, the reclaim policy and the capacity may change", () => {
    const next = { ...stored, spec: { ...stored.spec, persistentVolumeReclaimPolicy: "Delete", capacity: { storage: "20G" }, claimRef: { namespace: "ns", name: "c" } } };
    expect(messages(validateUpdate(next, stored))).toEqual([]);
  });
  it("volumeMode is immutable", () => {
    expect(messages(validateUpdate({ ...stored, spec: { ...stored.spec, volumeMode: "Block" } }, stored))).toEqual(['volumeMode: Invalid value: "Block": field is immutable']);
  });
});

describe("ValidatePersistentVolumeClaim (TestValidatePersistentVolumeClaim)", () => {
  const rows: [string, any, string[]][] = [
    ["good-claim", pvc(claimSpec({ storageClassName: "slow" })), []],
    ["invalid-claim-zero-capacity", pvc(claimSpec({ resources: { requests: { storage: "0G" } } })), ['spec.resources[storage]: Invalid value: "0": must be greater than zero']],
    ["invalid-label-selector", pvc(claimSpec({ selector: { matchExpressions: [{ key: "key2", operator: "InvalidOp", values: ["value1", "value2"] }] } })), ["FieldValueInvalid spec.selector.matchExpressions[0].operator"]],
    ["invalid-accessmode", pvc(claimSpec({ accessModes: ["fakemode"] })), ['spec.accessModes: Unsupported value: "fakemode": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"']],
    ["missing-namespace", { ...pvc(claimSpec()), metadata: { name: "foo" } }, ["metadata.namespace: Required value"]],
    ["no-access-modes", pvc(claimSpec({ accessModes: [] })), ["spec.accessModes: Required value: at least 1 access mode is required"]],
    ["no-resource-requests", pvc(claimSpec({ resources: { requests: {} } })), ["spec.resources[storage]: Required value"]],
    ["invalid-storage-class-name", pvc(claimSpec({ storageClassName: "-invalid-" })), ["FieldValueInvalid spec.storageClassName"]],
    ["invalid-volume-mode", pvc(claimSpec({ volumeMode: "NotBlock" })), ['spec.volumeMode: Unsupported value: "NotBlock": supported values: "Block", "Filesystem"']],
    ["mismatch-data-source-and-ref", pvc(claimSpec({ dataSource: { kind: "PersistentVolumeClaim", name: "a" }, dataSourceRef: { kind: "PersistentVolumeClaim", name: "b" } })), ["spec: Invalid value: spec.dataSource: must match dataSourceRef"]],
    ["data-source-of-another-kind-in-the-core-group", pvc(claimSpec({ dataSource: { kind: "Pod", name: "a" } })), ['spec.dataSource: Invalid value: "Pod": must be \'PersistentVolumeClaim\' when referencing the default apiGroup']],
  ];
  it.each(rows)("%s", (_n, obj, want) => {
    const errs = validateCreate(obj);
    const got = want.some((w) => /^Field\w+ /.test(w)) ? brief(errs) : messages(errs);
    expect(got).toEqual(want);
  });
});

describe("ValidatePersistentVolumeClaimUpdate (TestValidatePersistentVolumeClaimUpdate)", () => {
  const base = pvc(claimSpec({ storageClassName: "slow" }));
  const stored = { ...base, metadata: { ...base.metadata, uid: "u", resourceVersion: "1", creationTimestamp: now } };
  const bound = { ...stored, spec: { ...stored.spec, volumeName: "v" }, status: { phase: "Bound", capacity: { storage: "10G" } } };
  const spec = (o: any, edit: any) => ({ ...o, spec: { ...o.spec, ...edit } });
  it("volumeName may be set once", () => {
    expect(messages(validateUpdate(spec(stored, { volumeName: "v" }), stored))).toEqual([]);
    expect(brief(validateUpdate(spec(bound, { volumeName: "w" }), bound))).toEqual(["FieldValueForbidden spec"]);
  });
  it("access modes are immutable, with Kubernetes' message", () => {
    const m = messages(validateUpdate(spec(stored, { accessModes: ["ReadWriteMany"] }), stored));
    expect(m).toHaveLength(1);
    expect(m[0]).toMatch(/^spec: Forbidden: spec is immutable after creation except resources\.requests and volumeAttributesClassName for bound claims\n/);
  });
  it("a bound claim's request may grow, and never go below the recorded capacity", () => {
    expect(messages(validateUpdate(spec(bound, { resources: { requests: { storage: "20G" } } }), bound))).toEqual([]);
    expect(messages(validateUpdate(spec(bound, { resources: { requests: { storage: "5G" } } }), bound))).toEqual(["spec.resources.requests.storage: Forbidden: field can not be less than status.capacity"]);
  });
  it("an unbound claim's request may not change", () => {
    expect(brief(validateUpdate(spec(stored, { resources: { requests: { storage: "20G" } } }), stored))).toEqual(["FieldValueForbidden spec"]);
  });
  it("a claim without a class may be given one while unbound (validateStorageClassUpgradeFromNil)", () => {
    const noClass = { ...stored, spec: { ...stored.spec } };
    delete noClass.spec.storageClassName;
    expect(messages(validateUpdate(spec(noClass, { storageClassName: "fast" }), noClass))).toEqual([]);
  });
});

describe("ValidateStorageClass and its update (TestValidateStorageClass, TestValidateStorageClassUpdate)", () => {
  it("accepts a class with a provisioner and parameters", () => {
    expect(messages(validateCreate(sc({ parameters: { foo: "bar" } })))).toEqual([]);
  });
  const rows: [string, any, string[]][] = [
    ["namespace is present", { ...sc(), metadata: { name: "foo", namespace: "bar" } }, ["metadata.namespace: Forbidden: not allowed on this type"]],
    ["provisioner is required", sc({ provisioner: "" }), ["provisioner: Required value"]],
    ["invalid provisioner", sc({ provisioner: "kubernetes.io/invalid/provisioner" }), ["FieldValueInvalid provisioner"]],
    ["invalid reclaimpolicy", sc({ reclaimPolicy: "invalid" }), ['reclaimPolicy: Unsupported value: "invalid": supported values: "Delete", "Retain"']],
    ["invalid volumeBindingMode", sc({ volumeBindingMode: "invalid" }), ['volumeBindingMode: Unsupported value: "invalid": supported values: "Immediate", "WaitForFirstConsumer"']],
  ];
  it.each(rows)("%s", (_n, obj, want) => {
    const errs = validateCreate(obj);
    const got = want.some((w) => /^Field\w+ /.test(w)) ? brief(errs) : messages(errs);
    expect(got).toEqual(want);
  });
  it("parameters, provisioner, reclaimPolicy and volumeBindingMode may not change", () => {
    const old = { ...sc({ parameters: { a: "1" } }), metadata: { name: "foo", uid: "u", resourceVersion: "1", creationTimestamp: now } };
    const next = { ...old, parameters: { a: "2" }, provisioner: "kubernetes.io/other", reclaimPolicy: "Retain", volumeBindingMode: "WaitForFirstConsumer" };
    expect(messages(validateUpdate(next, old))).toEqual([
      "parameters: Forbidden: updates to parameters are forbidden.",
      "provisioner: Forbidden: updates to provisioner are forbidden.",
      "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.",
      'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
    ]);
    expect(messages(validateUpdate({ ...old, allowVolumeExpansion: true, metadata: { ...old.metadata, labels: { a: "b" } } }, old))).toEqual([]);
  });
});

// TestValidatePersistentVolumeClaimStatusUpdate (pkg/apis/core/validation/validation_test.go, commit
// 000f2605): the Go rows say only whether the update fails; the causes are read from
// ValidatePersistentVolumeClaimStatusUpdate of the same commit (RecoverVolumeExpansionFailure is GA).
describe("TestValidatePersistentVolumeClaimStatusUpdate (through persistentvolumeclaims/status)", () => {
  const claim = (accessModes: string[], withRequest: boolean, status?: any) => ({
    apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "foo", namespace: "ns", resourceVersion: "1" },
    spec: { accessModes, ...(withRequest ? { resources: { requests: { storage: "10G" } } } : {}) }, ...(status ? { status } : {}),
  });
  const two = ["ReadWriteOnce", "ReadOnlyMany"];
  const resizing = { phase: "Pending", conditions: [{ type: "Resizing", status: "True" }] };
  const validClaim = claim(two, true);
  const statuses = (m: Record<string, string>, allocated?: Record<string, string>) => claim(["ReadWriteOnce"], false, { allocatedResourceStatuses: m, ...(allocated ? { allocatedResources: allocated } : {}) });
  const allocated = (m: Record<string, string>) => claim(two, true, { ...resizing, allocatedResources: m });
  const rows: [string, any, any, string[]][] = [
    ["condition-update-with-enabled-feature-gate", validClaim, claim(two, true, resizing), []],
    ["status-update-with-valid-allocatedResources-feature-enabled", validClaim, allocated({ storage: "10G" }), []],
    ["status-update-with-invalid-allocatedResources-native-key-feature-enabled", validClaim, allocated({ "kubernetes.io/foo": "14G" }), ["FieldValueNotSupported status.allocatedResources"]],
    ["status-update-with-valid-allocatedResources-external-key-feature-enabled", validClaim, allocated({ "example.com/foo": "14G" }), []],
    ["status-update-with-invalid-allocatedResources-feature-enabled", validClaim, allocated({ storage: "-10G" }), ["FieldValueInvalid status.allocatedResources[storage]"]],
    ["status-update-with-no-storage-update", validClaim, claim(["ReadWriteOnce"], true, { phase: "Pending", allocatedResources: { cpu: "10G" } }), ["FieldValueNotSupported status.allocatedResources"]],
    ["staus-update-with-controller-resize-failed", validClaim, statuses({ storage: "ControllerResizeInfeasible" }), []],
    ["staus-update-with-node-resize-pending", validClaim, statuses({ storage: "NodeResizePending" }), []],
    ["staus-update-with-node-resize-inprogress", validClaim, statuses({ storage: "NodeResizeInProgress" }), []],
    ["staus-update-with-node-resize-failed", validClaim, statuses({ storage: "NodeResizeInfeasible" }), []],
    ["staus-update-with-invalid-native-resource-status-key", validClaim, statuses({ "kubernetes.io/foo": "NodeResizePending" }), ["FieldValueNotSupported status.allocatedResourceStatus"]],
    ["staus-update-with-valid-external-resource-status-key", validClaim, statuses({ "example.com/foo": "NodeResizePending" }), []],
    ["status-update-with-multiple-resources-key", validClaim, statuses({ storage: "ControllerResizeInfeasible", "example.com/foo": "ControllerResizeInProgress" }, { storage: "5Gi", "example.com/foo": "10Gi" }), []],
    ["status-update-with-valid-pvc-resize-status", validClaim, statuses({ storage: "ControllerResizeInProgress" }), []],
    ["status-update-with-invalid-pvc-resize-status", validClaim, statuses({ storage: "foo" }), ["FieldValueNotSupported status.allocatedResourceStatus"]],
    ["status-update-with-old-pvc-valid-resourcestatus-newpvc-invalid-recovery-disabled", statuses({ storage: "ControllerResizeInProgress" }), statuses({ storage: "foo" }), ["FieldValueNotSupported status.allocatedResourceStatus"]],
    ["status-update-with-old-pvc-valid-allocatedResource-newpvc-invalid-recovery-disabled", allocated({ "example.com/foo": "14G" }), allocated({ "kubernetes.io/foo": "14G" }), ["FieldValueNotSupported status.allocatedResources"]],
  ];
  for (const [name, old, next, want] of rows) it(`${want.length ? "refuses" : "accepts"} ${name}`, () => expect(brief(validateUpdate(next, old, "status"))).toEqual(want));
  it("an unknown resize status names the resource key as the bad value, as Kubernetes does", () => {
    expect(messages(validateUpdate(statuses({ storage: "foo" }), validClaim, "status"))).toEqual([
      'status.allocatedResourceStatus: Unsupported value: "storage": supported values: "ControllerResizeInProgress", "ControllerResizeInfeasible", "NodeResizeInProgress", "NodeResizeInfeasible", "NodeResizePending"',
    ]);
  });
});
