// Rows of pkg/apis/storage/validation/validation_test.go (v1.35): TestVolumeAttachmentValidation,
// TestVolumeAttachmentUpdateValidation, TestVolumeAttachmentValidationV1,
// TestValidateVolumeAttributesClass and TestValidateVolumeAttributesClassUpdate, each judged only
// by success or failure as the Go tests judge them, in the versioned shape the API server is given.

import { describe, expect, it } from "vitest";
import { validateVolumeAttachment, validateVolumeAttachmentUpdate, validateVolumeAttributesClass, validateVolumeAttributesClassUpdate } from "./csistorage.js";

const MAX_VOLUME_ERROR_MESSAGE_SIZE = 1024;
const MAX_ATTACHED_VOLUME_METADATA_SIZE = 256 * 1024;
const MAX_PROVISIONER_PARAMETER_SIZE = 256 * 1024;
const inlineSpec = { accessModes: ["ReadWriteOnce"], csi: { driver: "com.test.foo", volumeHandle: "foobar" } };
const va = (name: string, spec: object, status?: object) => ({ kind: "VolumeAttachment", metadata: { name }, spec, ...(status ? { status } : {}) });
const status = (detach = "hello world", attach = "hello world", meta: Record<string, string> = { foo: "bar" }) => ({ attached: true, attachmentMetadata: meta, attachError: { message: attach }, detachError: { message: detach } });

describe("TestVolumeAttachmentValidation", () => {
  it.each([
    ["pv name", va("foo", { attacher: "myattacher", source: { persistentVolumeName: "pv-name" }, nodeName: "mynode" })],
    ["inline spec", va("foo-with-inlinespec", { attacher: "myattacher", source: { inlineVolumeSpec: inlineSpec }, nodeName: "mynode" })],
    ["with status", va("foo-with-status", { attacher: "myattacher", source: { persistentVolumeName: "pv-name" }, nodeName: "mynode" }, status())],
    ["inline spec and status", va("foo-with-inlinespec-and-status", { attacher: "myattacher", source: { inlineVolumeSpec: inlineSpec }, nodeName: "mynode" }, status())],
  ])("success: %s", (_n, o) => expect(validateVolumeAttachment(o)).toEqual([]));

  it.each([
    ["empty attacher name", va("foo", { attacher: "", nodeName: "mynode", source: { persistentVolumeName: "pv-name" } })],
    ["empty node name", va("foo", { attacher: "myattacher", nodeName: "", source: { persistentVolumeName: "pv-name" } })],
    ["no volume name", va("foo", { attacher: "myattacher", nodeName: "node", source: {} })],
    ["empty volume name", va("foo", { attacher: "myattacher", nodeName: "node", source: { persistentVolumeName: "" } })],
    ["too long error message", va("foo", { attacher: "myattacher", nodeName: "node", source: { persistentVolumeName: "pv-name" } }, status("a".repeat(MAX_VOLUME_ERROR_MESSAGE_SIZE + 1)))],
    ["too long metadata", va("foo", { attacher: "myattacher", nodeName: "node", source: { persistentVolumeName: "pv-name" } }, status(undefined, undefined, { foo: "a".repeat(MAX_ATTACHED_VOLUME_METADATA_SIZE) }))],
    ["source with neither", va("foo", { attacher: "myattacher", nodeName: "node", source: {} })],
    ["source with both", va("foo", { attacher: "myattacher", nodeName: "node", source: { persistentVolumeName: "pv-name", inlineVolumeSpec: inlineSpec } })],
    ["inline spec without a CSI source", va("foo", { attacher: "myattacher", nodeName: "node", source: { persistentVolumeName: "pv-name", inlineVolumeSpec: { capacity: { storage: "10G" }, accessModes: ["ReadWriteOnce"], flexVolume: { driver: "kubernetes.io/blue", fsType: "ext4" }, storageClassName: "test-storage-class" } } })],
  ])("failure: %s", (_n, o) => expect(validateVolumeAttachment(o).length).toBeGreaterThan(0));
});

describe("TestVolumeAttachmentValidationV1", () => {
  it.each([
    ["invalid attacher name", va("foo", { attacher: "invalid-@#$%^&*()", nodeName: "mynode", source: { persistentVolumeName: "pv-name" } })],
    ["invalid PV name", va("foo", { attacher: "myattacher", nodeName: "mynode", source: { persistentVolumeName: "-invalid-@#$%^&*()-" } })],
  ])("failure: %s", (_n, o) => expect(validateVolumeAttachment(o).length).toBeGreaterThan(0));
});

describe("TestVolumeAttachmentUpdateValidation", () => {
  const spec = (source: object, attacher = "myattacher", nodeName = "mynode") => ({ attacher, source, nodeName });
  it.each([
    ["no change, pv name", { persistentVolumeName: "foo" }, undefined],
    ["no change, inline spec", { inlineVolumeSpec: inlineSpec }, undefined],
    ["modify status, pv name", { persistentVolumeName: "foo" }, status()],
    ["modify status, inline spec", { inlineVolumeSpec: inlineSpec }, status()],
  ])("success: %s", (_n, source, st) => expect(validateVolumeAttachmentUpdate(va("foo", spec(source), st), va("foo", spec(source)))).toEqual([]));

  const old = va("foo", spec({ persistentVolumeName: "foo" }));
  it.each([
    ["change attacher", va("foo", spec({ persistentVolumeName: "foo" }, "another-attacher"))],
    ["change source volume name", va("foo", spec({ persistentVolumeName: "bar" }))],
    ["change node", va("foo", spec({ persistentVolumeName: "foo" }, "myattacher", "anothernode"))],
    ["change source", va("foo", spec({ inlineVolumeSpec: inlineSpec }))],
    ["add invalid status", va("foo", spec({ persistentVolumeName: "foo" }), status(undefined, "a".repeat(MAX_ATTACHED_VOLUME_METADATA_SIZE)))],
  ])("failure: %s", (_n, o) => expect(validateVolumeAttachmentUpdate(o, old).length).toBeGreaterThan(0));
});

describe("TestValidateVolumeAttributesClass", () => {
  const vac = (meta: object, driverName: string, parameters?: Record<string, string>) => ({ kind: "VolumeAttributesClass", metadata: meta, driverName, ...(parameters ? { parameters } : {}) });
  it.each([
    ["driverName without a slash", vac({ name: "foo" }, "foo", { "foo-parameter": "free-form-string" })],
    ["some parameters", vac({ name: "foo" }, "kubernetes.io/foo", { "kubernetes.io/foo-parameter": "free/form/string", "foo-parameter": "free-form-string", "foo-parameter2": '{"embedded": "json", "with": {"structures":"inside"}}', "foo-parameter3": "" })],
  ])("success: %s", (_n, o) => expect(validateVolumeAttributesClass(o)).toEqual([]));

  // a map longer than maxProvisionerParameterSize, built as the Go test builds it
  const longParameters: Record<string, string> = {};
  for (let total = 0; total < MAX_PROVISIONER_PARAMETER_SIZE; ) {
    const k = `param/${total}`;
    const v = `value-${total}`;
    longParameters[k] = v;
    total += k.length + v.length;
  }
  it.each([
    ["namespace is present", vac({ name: "foo", namespace: "bar" }, "kubernetes.io/foo", { "foo-parameter": "free-form-string" })],
    ["invalid driverName", vac({ name: "foo" }, "kubernetes.io/invalid/foo", { "foo-parameter": "free-form-string" })],
    ["invalid driverName with invalid chars", vac({ name: "foo" }, "^/ ", { "foo-parameter": "free-form-string" })],
    ["empty parameters", vac({ name: "foo" }, "kubernetes.io/foo", {})],
    ["nil parameters", vac({ name: "foo" }, "kubernetes.io/foo")],
    ["invalid empty parameter name", vac({ name: "foo" }, "kubernetes.io/foo", { "": "value" })],
    ["driverName: Required value", vac({ name: "foo" }, "", { "foo-parameter": "free-form-string" })],
    ["driverName: whitespace", vac({ name: "foo" }, " ", { "foo-parameter": "free-form-string" })],
    ["too long parameters", vac({ name: "foo" }, "kubernetes.io/foo", longParameters)],
  ])("failure: %s", (_n, o) => expect(validateVolumeAttributesClass(o).length).toBeGreaterThan(0));

  it.each([
    ["invalid driverName update", { driverName: "kubernetes.io/foo" }, { driverName: "kubernetes.io/bar" }],
    ["invalid parameter update which changes values", { driverName: "kubernetes.io/foo", parameters: { foo: "bar1" } }, { driverName: "kubernetes.io/foo", parameters: { foo: "bar2" } }],
    ["invalid parameter update which add new item", { driverName: "kubernetes.io/foo", parameters: {} }, { driverName: "kubernetes.io/foo", parameters: { foo: "bar" } }],
    ["invalid parameter update which remove a item", { driverName: "kubernetes.io/foo", parameters: { foo: "bar" } }, { driverName: "kubernetes.io/foo", parameters: {} }],
  ])("TestValidateVolumeAttributesClassUpdate failure: %s", (_n, old, next) => {
    const errs = validateVolumeAttributesClassUpdate({ kind: "VolumeAttributesClass", metadata: { name: "foo" }, ...next }, { kind: "VolumeAttributesClass", metadata: { name: "foo" }, ...old });
    expect(errs.some((e) => e.type === "FieldValueForbidden")).toBe(true);
  });
});
