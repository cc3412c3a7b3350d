// The PersistentVolume tables of pkg/apis/core/validation/validation_test.go (000f2605), row by row:
// TestValidatePersistentVolumes, TestValidatePersistentVolumeSpec, TestValidatePersistentVolumeSourceUpdate,
// TestValidateLocalVolumes, TestValidateVolumeNodeAffinityUpdate and
// TestValidatePeristentVolumeAttributesClassUpdate. The Go tables say only "fails" or "passes"; the
// (type, field) causes each failing row expects here were read from ValidatePersistentVolumeSpec and
// ValidatePersistentVolumeUpdate of the same commit. Objects are not defaulted, as in the Go tests.
// The VolumeAttributesClass gate is on (GA in v1.34), so the tables' gate-off rows are left out.

import { describe, expect, it } from "vitest";
import { validatePersistentVolume, validatePersistentVolumeSpec, validatePersistentVolumeUpdate } from "./storage.js";
import { brief, messages } from "./testing.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

const testVolume = (name: string, namespace: string, spec: any): any => ({
  apiVersion: "v1", kind: "PersistentVolume", metadata: { name, ...(namespace ? { namespace } : {}) }, spec,
});
const hostPath = (path = "/foo") => ({ hostPath: { path, type: "Directory" } });
const base = (edit: any = {}) => ({ capacity: { storage: "10G" }, accessModes: ["ReadWriteOnce"], ...hostPath(), ...edit });
const simpleAffinity = (key: string, value: string) => ({ required: { nodeSelectorTerms: [{ matchExpressions: [{ key, operator: "In", values: [value] }] }] } });
const multipleAffinity = (terms: [string, string][][]) => ({
  required: { nodeSelectorTerms: terms.map((t) => ({ matchExpressions: t.map(([key, value]) => ({ key, operator: "In", values: [value] })) })) },
});
const withAffinity = (affinity: any) => testVolume("test-affinity-volume", "", {
  capacity: { storage: "10G" }, accessModes: ["ReadWriteOnce"], gcePersistentDisk: { pdName: "foo" }, storageClassName: "test-storage-class",
  ...(affinity ? { nodeAffinity: affinity } : {}),
});
const withVAC = (vac: string | undefined) => testVolume("test-volume-with-volume-attributes-class", "", {
  capacity: { storage: "10G" }, accessModes: ["ReadWriteOnce"], csi: { driver: "test-driver", volumeHandle: "test-123" }, storageClassName: "test-storage-class",
  ...(vac === undefined ? {} : { volumeAttributesClassName: vac }),
});

describe("TestValidatePersistentVolumes", () => {
  const rows: [string, any, string[]][] = [
    ["good-volume", testVolume("foo", "", base()), []],
    ["good-volume-with-capacity-unit", testVolume("foo", "", base({ capacity: { storage: "10Gi" } })), []],
    ["good-volume-without-capacity-unit", testVolume("foo", "", base({ capacity: { storage: "10" } })), []],
    ["good-volume-with-storage-class", testVolume("foo", "", base({ storageClassName: "valid" })), []],
    ["good-volume-with-retain-policy", testVolume("foo", "", base({ persistentVolumeReclaimPolicy: "Retain" })), []],
    ["good-volume-with-volume-mode", testVolume("foo", "", base({ volumeMode: "Filesystem" })), []],
    ["invalid-accessmode", testVolume("foo", "", base({ accessModes: ["fakemode"] })), ["FieldValueNotSupported spec.accessModes"]],
    ["invalid-reclaimpolicy", testVolume("foo", "", base({ persistentVolumeReclaimPolicy: "fakeReclaimPolicy" })), ["FieldValueNotSupported spec.persistentVolumeReclaimPolicy"]],
    ["invalid-volume-mode", testVolume("foo", "", base({ volumeMode: "fakeVolumeMode" })), ["FieldValueNotSupported spec.volumeMode"]],
    ["with-read-write-once-pod", testVolume("foo", "", base({ accessModes: ["ReadWriteOncePod"] })), []],
    ["with-read-write-once-pod-and-others", testVolume("foo", "", base({ accessModes: ["ReadWriteOncePod", "ReadWriteMany"] })), ["FieldValueForbidden spec.accessModes"]],
    ["unexpected-namespace", testVolume("foo", "unexpected-namespace", base()), ["FieldValueForbidden metadata.namespace"]],
    ["missing-volume-source", testVolume("foo", "", { capacity: { storage: "10G" }, accessModes: ["ReadWriteOnce"] }), ["FieldValueRequired spec"]],
    ["bad-name", testVolume("123*Bad(Name", "unexpected-namespace", base()), ["FieldValueInvalid metadata.name", "FieldValueForbidden metadata.namespace"]],
    ["missing-name", testVolume("", "", base()), ["FieldValueRequired metadata.name"]],
    ["missing-capacity", testVolume("foo", "", { accessModes: ["ReadWriteOnce"], ...hostPath() }), ["FieldValueRequired spec.capacity", "FieldValueNotSupported spec.capacity"]],
    ["bad-volume-zero-capacity", testVolume("foo", "", base({ capacity: { storage: "0" } })), ["FieldValueInvalid spec.capacity[storage]"]],
    ["missing-accessmodes", testVolume("goodname", "missing-accessmodes", { capacity: { storage: "10G" }, ...hostPath() }), ["FieldValueForbidden metadata.namespace", "FieldValueRequired spec.accessModes"]],
    ["too-many-sources", testVolume("foo", "", { capacity: { storage: "5G" }, ...hostPath(), gcePersistentDisk: { pdName: "foo", fsType: "ext4" } }), ["FieldValueRequired spec.accessModes", "FieldValueForbidden spec.gcePersistentDisk"]],
    ["host mount of / with recycle reclaim policy", testVolume("bad-recycle-do-not-want", "", base({ ...hostPath("/"), persistentVolumeReclaimPolicy: "Recycle" })), ["FieldValueForbidden spec.persistentVolumeReclaimPolicy"]],
    ["host mount of / with recycle reclaim policy 2", testVolume("bad-recycle-do-not-want", "", base({ ...hostPath("/a/.."), persistentVolumeReclaimPolicy: "Recycle" })), ["FieldValueInvalid spec.hostPath.path", "FieldValueForbidden spec.persistentVolumeReclaimPolicy"]],
    ["invalid-storage-class-name", testVolume("invalid-storage-class-name", "", base({ storageClassName: "-invalid-" })), ["FieldValueInvalid spec.storageClassName"]],
    ["bad-hostpath-volume-backsteps", testVolume("foo", "", base({ ...hostPath("/foo/.."), storageClassName: "backstep-hostpath" })), ["FieldValueInvalid spec.hostPath.path"]],
    ["volume-node-affinity", withAffinity(simpleAffinity("foo", "bar")), []],
    ["volume-empty-node-affinity", withAffinity({}), ["FieldValueRequired spec.nodeAffinity.required"]],
    // IsQualifiedName("") gives two messages (empty, and the regex), each a cause.
    ["volume-bad-node-affinity", withAffinity({ required: { nodeSelectorTerms: [{ matchExpressions: [{ operator: "In", values: ["test-label-value"] }] }] } }), [
      "FieldValueInvalid spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].key", "FieldValueInvalid spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].key",
    ]],
    ["invalid-volume-attributes-class-name", testVolume("invalid-volume-attributes-class-name", "", base({ storageClassName: "invalid", volumeAttributesClassName: "-invalid-" })), ["FieldValueInvalid spec.volumeAttributesClassName", "FieldValueRequired spec.csi"]],
    ["invalid-empty-volume-attributes-class-name", testVolume("invalid-empty-volume-attributes-class-name", "", base({ storageClassName: "invalid", volumeAttributesClassName: "" })), ["FieldValueRequired spec.volumeAttributesClassName", "FieldValueRequired spec.csi"]],
    ["volume-with-good-volume-attributes-class-and-matched-volume-resource-when-feature-gate-is-on", testVolume("foo", "", { capacity: { storage: "10G" }, accessModes: ["ReadWriteOnce"], csi: { driver: "test-driver", volumeHandle: "test-123" }, storageClassName: "valid", volumeAttributesClassName: "valid" }), []],
    ["volume-with-good-volume-attributes-class-and-mismatched-volume-resource-when-feature-gate-is-on", testVolume("foo", "", base({ storageClassName: "valid", volumeAttributesClassName: "valid" })), ["FieldValueRequired spec.csi"]],
  ];
  for (const [name, pv, want] of rows) it(`${want.length ? "refuses" : "accepts"} ${name}`, () => expect(brief(validatePersistentVolume(pv))).toEqual(want));
});

describe("TestValidatePersistentVolumeSpec (the rows that are not inline specs)", () => {
  // The eight isInlineSpec rows judge a VolumeAttachment's inlineVolumeSpec; podflow serves no VolumeAttachment.
  it("accepts pv-pvspec-valid", () => {
    const spec = { capacity: { storage: "10G" }, storageClassName: "testclass", persistentVolumeReclaimPolicy: "Recycle", accessModes: ["ReadWriteOnce"], ...hostPath(), volumeMode: "Filesystem", nodeAffinity: simpleAffinity("foo", "bar") };
    expect(validatePersistentVolumeSpec(spec, "field")).toEqual([]);
  });
  it("refuses invalid-node-affinity", () => {
    const spec = { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "foo", operator: "In", values: ["-1"] }] }] } } };
    expect(brief(validatePersistentVolumeSpec(spec, "field"))).toEqual([
      "FieldValueRequired field.accessModes", "FieldValueRequired field.capacity", "FieldValueNotSupported field.capacity",
      "FieldValueInvalid field.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]", "FieldValueRequired field",
    ]);
  });
});

describe("TestValidatePersistentVolumeSourceUpdate", () => {
  const validVolume = testVolume("foo", "", { capacity: { storage: "1G" }, accessModes: ["ReadWriteOnce"], ...hostPath(), storageClassName: "valid" });
  const withSource = (source: any) => ({ ...validVolume, spec: { capacity: { storage: "1G" }, accessModes: ["ReadWriteOnce"], storageClassName: "valid", ...source } });
  const validCSI = testVolume("csi-volume", "", { capacity: { storage: "1G" }, accessModes: ["ReadWriteOnce"], csi: { driver: "come.google.gcepd", volumeHandle: "foobar" }, storageClassName: "gp2" });
  const secretFields: Record<string, string> = { controllerExpand: "controllerExpandSecretRef", controllerPublish: "controllerPublishSecretRef", nodePublish: "nodePublishSecretRef", nodeStage: "nodeStageSecretRef" };
  const csiWithSecret = (ref: any, which: string) => ({ ...validCSI, spec: { ...validCSI.spec, csi: { ...validCSI.spec.csi, [secretFields[which]!]: ref } } });
  const expand = { name: "expansion-secret", namespace: "default" };
  const short = { name: "key-name", namespace: "default" };
  const long = { name: "key-name.example.com", namespace: "default" };
  const invalid = { name: "", namespace: "" };
  const missingName = { name: "", namespace: "default" };
  const missingNamespace = { name: "invalidnamespace", namespace: "" };
  const forbidden = ["FieldValueForbidden spec.persistentvolumesource"];
  const rows: [string, any, any, string[]][] = [
    ["condition-no-update", validVolume, structuredClone(validVolume), []],
    ["condition-update-source-type", validVolume, withSource({ flexVolume: { driver: "kubernetes.io/blue", fsType: "ext4" } }), forbidden],
    ["condition-update-source-deep", validVolume, withSource(hostPath("/updated")), forbidden],
    ["csi-expansion-enabled-with-pv-secret", validCSI, csiWithSecret(expand, "controllerExpand"), []],
    ["csi-expansion-enabled-with-old-pv-secret", csiWithSecret(expand, "controllerExpand"), csiWithSecret({ name: "foo-secret", namespace: "default" }, "controllerExpand"), forbidden],
    ["csi-expansion-enabled-with-shortSecretRef", validCSI, csiWithSecret(short, "controllerExpand"), []],
    ["csi-expansion-enabled-with-longSecretRef", validCSI, csiWithSecret(long, "controllerExpand"), []],
    ["csi-expansion-enabled-from-shortSecretRef-to-shortSecretRef", csiWithSecret(short, "controllerExpand"), csiWithSecret(short, "controllerExpand"), []],
    ["csi-expansion-enabled-from-shortSecretRef-to-longSecretRef", csiWithSecret(short, "controllerExpand"), csiWithSecret(long, "controllerExpand"), forbidden],
    ["csi-expansion-enabled-from-longSecretRef-to-longSecretRef", csiWithSecret(long, "controllerExpand"), csiWithSecret(long, "controllerExpand"), []],
    ["csi-cntrlpublish-enabled-with-shortSecretRef", validCSI, csiWithSecret(short, "controllerPublish"), forbidden],
    ["csi-cntrlpublish-enabled-with-longSecretRef", validCSI, csiWithSecret(long, "controllerPublish"), forbidden],
    ["csi-cntrlpublish-enabled-from-shortSecretRef-to-shortSecretRef", csiWithSecret(short, "controllerPublish"), csiWithSecret(short, "controllerPublish"), []],
    ["csi-cntrlpublish-enabled-from-shortSecretRef-to-longSecretRef", csiWithSecret(short, "controllerPublish"), csiWithSecret(long, "controllerPublish"), forbidden],
    ["csi-cntrlpublish-enabled-from-longSecretRef-to-longSecretRef", csiWithSecret(long, "controllerPublish"), csiWithSecret(long, "controllerPublish"), []],
    ["csi-nodepublish-enabled-with-shortSecretRef", validCSI, csiWithSecret(short, "nodePublish"), forbidden],
    ["csi-nodepublish-enabled-with-longSecretRef", validCSI, csiWithSecret(long, "nodePublish"), forbidden],
    ["csi-nodepublish-enabled-from-shortSecretRef-to-shortSecretRef", csiWithSecret(short, "nodePublish"), csiWithSecret(short, "nodePublish"), []],
    ["csi-nodepublish-enabled-from-shortSecretRef-to-longSecretRef", csiWithSecret(short, "nodePublish"), csiWithSecret(long, "nodePublish"), forbidden],
    ["csi-nodepublish-enabled-from-longSecretRef-to-longSecretRef", csiWithSecret(long, "nodePublish"), csiWithSecret(long, "nodePublish"), []],
    ["csi-nodestage-enabled-with-shortSecretRef", validCSI, csiWithSecret(short, "nodeStage"), forbidden],
    ["csi-nodestage-enabled-with-longSecretRef", validCSI, csiWithSecret(long, "nodeStage"), forbidden],
    ["csi-nodestage-enabled-from-shortSecretRef-to-longSecretRef", csiWithSecret(short, "nodeStage"), csiWithSecret(long, "nodeStage"), forbidden],
    // validateCSIPersistentVolumeSource has no rule for nodeStageSecretRef: these pass.
    ["csi-nodestage-enabled-from-invalidSecretRef-to-invalidSecretRef", csiWithSecret(invalid, "nodeStage"), csiWithSecret(invalid, "nodeStage"), []],
    ["csi-nodestage-enabled-from-invalidSecretRefmissingname-to-invalidSecretRefmissingname", csiWithSecret(missingName, "nodeStage"), csiWithSecret(missingName, "nodeStage"), []],
    ["csi-nodestage-enabled-from-invalidSecretRefmissingnamespace-to-invalidSecretRefmissingnamespace", csiWithSecret(missingNamespace, "nodeStage"), csiWithSecret(missingNamespace, "nodeStage"), []],
    ["csi-nodestage-enabled-from-shortSecretRef-to-shortSecretRef", csiWithSecret(short, "nodeStage"), csiWithSecret(short, "nodeStage"), []],
    ["csi-nodestage-enabled-from-longSecretRef-to-longSecretRef", csiWithSecret(long, "nodeStage"), csiWithSecret(long, "nodeStage"), []],
  ];
  for (const [name, old, next, want] of rows) it(`${want.length ? "refuses" : "accepts"} ${name}`, () => expect(brief(validatePersistentVolumeUpdate(next, old))).toEqual(want));
});

describe("TestValidateLocalVolumes", () => {
  const local = (path: string, affinity: any) => ({ capacity: { storage: "10G" }, accessModes: ["ReadWriteOnce"], local: { path }, storageClassName: "test-storage-class", ...(affinity ? { nodeAffinity: affinity } : {}) });
  const rows: [string, any, string[]][] = [
    ["alpha invalid local volume nil annotations", testVolume("invalid-local-volume-nil-annotations", "", local("/foo", undefined)), ["FieldValueRequired spec.nodeAffinity"]],
    ["valid local volume", testVolume("valid-local-volume", "", local("/foo", simpleAffinity("foo", "bar"))), []],
    ["invalid local volume no node affinity", testVolume("invalid-local-volume-no-node-affinity", "", local("/foo", undefined)), ["FieldValueRequired spec.nodeAffinity"]],
    ["invalid local volume empty path", testVolume("invalid-local-volume-empty-path", "", local("", simpleAffinity("foo", "bar"))), ["FieldValueRequired spec.local.path"]],
    ["invalid-local-volume-backsteps", testVolume("foo", "", local("/foo/..", simpleAffinity("foo", "bar"))), ["FieldValueInvalid spec.local.path"]],
    ["valid-local-volume-relative-path", testVolume("foo", "", local("foo", simpleAffinity("foo", "bar"))), []],
  ];
  for (const [name, pv, want] of rows) it(`${want.length ? "refuses" : "accepts"} ${name}`, () => expect(brief(validatePersistentVolume(pv))).toEqual(want));
});

describe("TestValidateVolumeNodeAffinityUpdate", () => {
  const zoneBeta = "failure-domain.beta.kubernetes.io/zone";
  const zoneGA = "topology.kubernetes.io/zone";
  const regionBeta = "failure-domain.beta.kubernetes.io/region";
  const regionGA = "topology.kubernetes.io/region";
  const osBeta = "beta.kubernetes.io/os";
  const osGA = "kubernetes.io/os";
  const archBeta = "beta.kubernetes.io/arch";
  const archGA = "kubernetes.io/arch";
  const typeBeta = "beta.kubernetes.io/instance-type";
  const typeGA = "node.kubernetes.io/instance-type";
  const s = simpleAffinity;
  const m = multipleAffinity;
  const bad = ["FieldValueInvalid nodeAffinity"];
  const rows: [string, any, any, string[]][] = [
    ["nil-nothing-changed", undefined, undefined, []],
    ["affinity-nothing-changed", s("foo", "bar"), s("foo", "bar"), []],
    ["affinity-changed", s("foo", "bar"), s("foo", "bar2"), bad],
    ["affinity-non-beta-label-changed", s("foo", "bar"), s("foo2", "bar"), bad],
    ["affinity-zone-beta-unchanged", s(zoneBeta, "bar"), s(zoneBeta, "bar"), []],
    ["affinity-zone-beta-label-to-GA", s(zoneBeta, "bar"), s(zoneGA, "bar"), []],
    ["affinity-zone-beta-label-to-non-GA", s(zoneBeta, "bar"), s("foo", "bar"), bad],
    ["affinity-zone-GA-label-changed", s(zoneGA, "bar"), s(zoneBeta, "bar"), bad],
    ["affinity-region-beta-unchanged", s(regionBeta, "bar"), s(regionBeta, "bar"), []],
    ["affinity-region-beta-label-to-GA", s(regionBeta, "bar"), s(regionGA, "bar"), []],
    ["affinity-region-beta-label-to-non-GA", s(regionBeta, "bar"), s("foo", "bar"), bad],
    ["affinity-region-GA-label-changed", s(regionGA, "bar"), s(regionBeta, "bar"), bad],
    ["affinity-os-beta-label-unchanged", s(osBeta, "bar"), s(osBeta, "bar"), []],
    ["affinity-os-beta-label-to-GA", s(osBeta, "bar"), s(osGA, "bar"), []],
    ["affinity-os-beta-label-to-non-GA", s(osBeta, "bar"), s("foo", "bar"), bad],
    ["affinity-os-GA-label-changed", s(osGA, "bar"), s(osBeta, "bar"), bad],
    ["affinity-arch-beta-label-unchanged", s(archBeta, "bar"), s(archBeta, "bar"), []],
    ["affinity-arch-beta-label-to-GA", s(archBeta, "bar"), s(archGA, "bar"), []],
    ["affinity-arch-beta-label-to-non-GA", s(archBeta, "bar"), s("foo", "bar"), bad],
    ["affinity-arch-GA-label-changed", s(archGA, "bar"), s(archBeta, "bar"), bad],
    ["affinity-instanceType-beta-label-unchanged", s(typeBeta, "bar"), s(typeBeta, "bar"), []],
    ["affinity-instanceType-beta-label-to-GA", s(typeBeta, "bar"), s(typeGA, "bar"), []],
    ["affinity-instanceType-beta-label-to-non-GA", s(typeBeta, "bar"), s("foo", "bar"), bad],
    ["affinity-instanceType-GA-label-changed", s(typeGA, "bar"), s(typeBeta, "bar"), bad],
    ["affinity-same-terms-expressions-length-beta-to-GA-partially-changed",
      m([[["foo", "bar"]], [[zoneBeta, "bar"], [regionBeta, "bar"]], [[osBeta, "bar"], [archBeta, "bar"], [typeBeta, "bar"]]]),
      m([[["foo", "bar"]], [[zoneGA, "bar"], [regionBeta, "bar"]], [[osBeta, "bar"], [archGA, "bar"], [typeGA, "bar"]]]), []],
    ["affinity-same-terms-expressions-length-beta-to-non-GA-partially-changed",
      m([[["foo", "bar"]], [[zoneBeta, "bar"], [regionBeta, "bar"]]]), m([[["foo", "bar"]], [[zoneBeta, "bar"], ["foo", "bar"]]]), bad],
    ["affinity-same-terms-expressions-length-GA-partially-changed",
      m([[["foo", "bar"]], [[zoneGA, "bar"], [zoneBeta, "bar"], [osGA, "bar"]]]), m([[["foo", "bar"]], [[zoneBeta, "bar"], [zoneBeta, "bar"], [osGA, "bar"]]]), bad],
    ["affinity-same-terms-expressions-length-beta-fully-changed",
      m([[["foo", "bar"]], [[zoneBeta, "bar"], [regionBeta, "bar"]], [[osBeta, "bar"], [archBeta, "bar"], [typeBeta, "bar"]]]),
      m([[["foo", "bar"]], [[zoneGA, "bar"], [regionGA, "bar"]], [[osGA, "bar"], [archGA, "bar"], [typeGA, "bar"]]]), []],
    ["affinity-same-terms-expressions-length-beta-GA-mixed-fully-changed",
      m([[["foo", "bar"]], [[zoneBeta, "bar"], [zoneGA, "bar"]]]), m([[["foo", "bar"]], [[zoneGA, "bar"], [zoneBeta, "bar2"]]]), bad],
    ["affinity-same-terms-length-different-expressions-length-beta-changed", m([[[zoneBeta, "bar"]]]), m([[[zoneGA, "bar"], [regionBeta, "bar"]]]), bad],
    ["affinity-different-terms-expressions-length-beta-changed", m([[[zoneBeta, "bar"]]]), m([[[zoneGA, "bar"]], [[archGA, "bar"]]]), bad],
    ["nil-to-obj", undefined, s("foo", "bar"), []],
    ["obj-to-nil", s("foo", "bar"), undefined, bad],
    ["old affinity already has invalid label-value", s(typeBeta, "-1"), s(typeGA, "-1"), []],
  ];
  for (const [name, oldAffinity, newAffinity, want] of rows) {
    it(`${want.length ? "refuses" : "accepts"} ${name}`, () => expect(brief(validatePersistentVolumeUpdate(withAffinity(newAffinity), withAffinity(oldAffinity)))).toEqual(want));
  }
  // kube-apiserver's text, as kubectl prints it for a changed local-volume affinity (hostname In [...]).
  it("reports the new affinity as the internal type's JSON, with Kubernetes' message", () => {
    const errs = validatePersistentVolumeUpdate(withAffinity(s("kubernetes.io/hostname", "node-b")), withAffinity(s("kubernetes.io/hostname", "node-a")));
    expect(messages(errs)).toEqual(['nodeAffinity: Invalid value: {"Required":{"NodeSelectorTerms":[{"MatchExpressions":[{"Key":"kubernetes.io/hostname","Operator":"In","Values":["node-b"]}],"MatchFields":null}]}}: field is immutable, except for updating from beta label to GA']);
  });
});

describe("TestValidatePeristentVolumeAttributesClassUpdate (gate on)", () => {
  const rows: [string, string | undefined, string | undefined, string[]][] = [
    ["nil-nothing-changed", undefined, undefined, []],
    ["vac-nothing-changed", "foo", "foo", []],
    ["vac-changed", "foo", "bar", []],
    ["nil-to-string", undefined, "foo", []],
    ["nil-to-empty-string", undefined, "", ["FieldValueRequired spec.volumeAttributesClassName"]],
    ["string-to-nil", "foo", undefined, ["FieldValueForbidden spec.volumeAttributesClassName"]],
    ["string-to-empty-string", "foo", "", ["FieldValueRequired spec.volumeAttributesClassName"]],
  ];
  for (const [name, old, next, want] of rows) it(`${want.length ? "refuses" : "accepts"} ${name}`, () => expect(brief(validatePersistentVolumeUpdate(withVAC(next), withVAC(old)))).toEqual(want));
});
