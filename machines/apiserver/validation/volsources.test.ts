// Volume-source tables of pkg/apis/core/validation/validation_test.go (000f2605): TestValidateKeyToPath,
// TestValidateNFSVolumeSource, TestValidateGlusterfsPersistentVolumeSource and
// TestValidateCSIPersistentVolumeSource, row by row. As the Go tests do, each failing row checks the
// first cause's type and that its field ends with the row's field; TestValidateKeyToPath also checks
// that there is exactly one cause.

import { describe, expect, it } from "vitest";
import { fieldErrorMessage, type FieldError } from "../status.js";
import { validateCSIPersistentVolumeSource, validateGlusterfsPersistentVolumeSource, validatePVSecretReference } from "./storage.js";
import { validateKeyToPath, validateVolumes } from "./volumes.js";

/* eslint-disable @typescript-eslint/no-explicit-any */

const R = "FieldValueRequired";
const I = "FieldValueInvalid";
const TL = "FieldValueTooLong";

// The Go loop: no error wanted and none got, or the first error has the type and the field suffix.
function expectFirst(errs: FieldError[], want?: [type: string, field: string]) {
  if (!want) return expect(errs).toEqual([]);
  expect(errs.length).toBeGreaterThan(0);
  expect(errs[0]!.type).toBe(want[0]);
  expect(errs[0]!.field.endsWith(`.${want[1]}`)).toBe(true);
}

describe("TestValidateKeyToPath", () => {
  const rows: [any, string | undefined][] = [
    [{ key: "k", path: "p" }, undefined],
    [{ key: "k", path: "p/p/p/p" }, undefined],
    [{ key: "k", path: "p/..p/p../p..p" }, undefined],
    [{ key: "k", path: "p", mode: 0o644 }, undefined],
    [{ key: "", path: "p" }, R],
    [{ key: "k", path: "" }, R],
    [{ key: "k", path: "..p" }, I],
    [{ key: "k", path: "../p" }, I],
    [{ key: "k", path: "p/../p" }, I],
    [{ key: "k", path: "p/.." }, I],
    [{ key: "k", path: "p", mode: 0o1000 }, I],
    [{ key: "k", path: "p", mode: -1 }, I],
  ];
  rows.forEach(([kp, type], i) => {
    it(`[${i}] ${JSON.stringify(kp)} ${type ? `is refused: ${type}` : "is accepted"}`, () => {
      const errs = validateKeyToPath(kp, "field");
      if (!type) expect(errs).toEqual([]);
      else expect(errs.map((e) => e.type)).toEqual([type]);
    });
  });
});

describe("TestValidateNFSVolumeSource (through a pod volume)", () => {
  const rows: [string, any, [string, string] | undefined, string?][] = [
    ["missing server", { server: "", path: "/tmp" }, [R, "server"]],
    ["missing path", { server: "my-server", path: "" }, [R, "path"]],
    ["abs path", { server: "my-server", path: "tmp" }, [I, "path"], "must be an absolute path"],
  ];
  for (const [name, nfs, want, detail] of rows) {
    it(name, () => {
      const { errs } = validateVolumes([{ name: "nfs", nfs }], "field");
      expectFirst(errs, want);
      if (detail) expect(errs[0]!.detail).toContain(detail);
    });
  }
});

describe("TestValidateGlusterfsPersistentVolumeSource", () => {
  const rows: [string, any, [string, string]][] = [
    ["missing endpointname", { endpoints: "", path: "/tmp" }, [R, "endpoints"]],
    ["missing path", { endpoints: "my-endpoint", path: "" }, [R, "path"]],
    ["non null endpointnamespace with empty string", { endpoints: "my-endpoint", path: "/tmp", endpointsNamespace: "" }, [I, "endpointsNamespace"]],
    ["missing endpointname and path", { endpoints: "", path: "" }, [R, "endpoints"]],
  ];
  for (const [name, g, want] of rows) it(name, () => expectFirst(validateGlusterfsPersistentVolumeSource(g, "field"), want));
});

describe("TestValidateCSIPersistentVolumeSource", () => {
  const csi = (extra: any) => ({ driver: "com.google.gcepd", volumeHandle: "foobar", ...extra });
  const g = (n: number) => "g".repeat(n);
  const rows: [string, any, [string, string] | undefined][] = [
    ["all required fields ok", { driver: "test-driver", volumeHandle: "test-123", readOnly: true }, undefined],
    ["with default values ok", { driver: "test-driver", volumeHandle: "test-123" }, undefined],
    ["missing driver name", { volumeHandle: "test-123" }, [R, "driver"]],
    ["missing volume handle", { driver: "my-driver" }, [R, "volumeHandle"]],
    ["driver name: ok no punctuations", { driver: "comgooglestoragecsigcepd", volumeHandle: "test-123" }, undefined],
    ["driver name: ok dot only", { driver: "io.kubernetes.storage.csi.flex", volumeHandle: "test-123" }, undefined],
    ["driver name: ok dash only", { driver: "io-kubernetes-storage-csi-flex", volumeHandle: "test-123" }, undefined],
    ["driver name: invalid underscore", { driver: "io_kubernetes_storage_csi_flex", volumeHandle: "test-123" }, [I, "driver"]],
    ["driver name: invalid dot underscores", { driver: "io.kubernetes.storage_csi.flex", volumeHandle: "test-123" }, [I, "driver"]],
    ["driver name: ok beginning with number", { driver: "2io.kubernetes.storage-csi.flex", volumeHandle: "test-123" }, undefined],
    ["driver name: ok ending with number", { driver: "io.kubernetes.storage-csi.flex2", volumeHandle: "test-123" }, undefined],
    ["driver name: invalid dot dash underscores", { driver: "io.kubernetes-storage.csi_flex", volumeHandle: "test-123" }, [I, "driver"]],
    ["driver name: invalid length 0", { driver: "", volumeHandle: "test-123" }, [R, "driver"]],
    ["driver name: ok length 1", { driver: "a", volumeHandle: "test-123" }, undefined],
    ["driver name: invalid length > 63", { driver: g(65), volumeHandle: "test-123" }, [TL, "driver"]],
    ["driver name: invalid start char", { driver: "_comgooglestoragecsigcepd", volumeHandle: "test-123" }, [I, "driver"]],
    ["driver name: invalid end char", { driver: "comgooglestoragecsigcepd/", volumeHandle: "test-123" }, [I, "driver"]],
    ["driver name: invalid separators", { driver: "com/google/storage/csi~gcepd", volumeHandle: "test-123" }, [I, "driver"]],
    ["controllerExpandSecretRef: invalid name missing", csi({ controllerExpandSecretRef: { namespace: "default" } }), [R, "controllerExpandSecretRef.name"]],
    ["controllerExpandSecretRef: invalid namespace missing", csi({ controllerExpandSecretRef: { name: "foobar" } }), [R, "controllerExpandSecretRef.namespace"]],
    ["valid controllerExpandSecretRef", csi({ controllerExpandSecretRef: { name: "foobar", namespace: "default" } }), undefined],
    ["controllerPublishSecretRef: invalid name missing", csi({ controllerPublishSecretRef: { namespace: "default" } }), [R, "controllerPublishSecretRef.name"]],
    ["controllerPublishSecretRef: invalid namespace missing", csi({ controllerPublishSecretRef: { name: "foobar" } }), [R, "controllerPublishSecretRef.namespace"]],
    ["valid controllerPublishSecretRef", csi({ controllerPublishSecretRef: { name: "foobar", namespace: "default" } }), undefined],
    ["valid nodePublishSecretRef", csi({ nodePublishSecretRef: { name: "foobar", namespace: "default" } }), undefined],
    ["nodePublishSecretRef: invalid name missing", csi({ nodePublishSecretRef: { namespace: "foobar" } }), [R, "nodePublishSecretRef.name"]],
    ["nodePublishSecretRef: invalid namespace missing", csi({ nodePublishSecretRef: { name: "foobar" } }), [R, "nodePublishSecretRef.namespace"]],
    ["nodeExpandSecretRef: invalid name missing", csi({ nodeExpandSecretRef: { namespace: "default" } }), [R, "nodeExpandSecretRef.name"]],
    ["nodeExpandSecretRef: invalid namespace missing", csi({ nodeExpandSecretRef: { name: "foobar" } }), [R, "nodeExpandSecretRef.namespace"]],
    ["valid nodeExpandSecretRef", csi({ nodeExpandSecretRef: { name: "foobar", namespace: "default" } }), undefined],
    ["Invalid nodePublishSecretRef (a valid one, as the Go row has it)", csi({ nodePublishSecretRef: { name: "foobar", namespace: "default" } }), undefined],
    ["valid nodeExpandSecretRef of 63 characters", csi({ nodeExpandSecretRef: { name: g(63), namespace: "default" } }), undefined],
    ["valid long nodeExpandSecretRef", csi({ nodeExpandSecretRef: { name: g(65), namespace: "default" } }), undefined],
    ["Invalid nodeExpandSecretRef", csi({ nodeExpandSecretRef: { name: g(255), namespace: "default" } }), [I, "nodeExpandSecretRef.name"]],
    ["valid nodePublishSecretRef of 63 characters", csi({ nodePublishSecretRef: { name: g(63), namespace: "default" } }), undefined],
    ["valid long nodePublishSecretRef", csi({ nodePublishSecretRef: { name: g(65), namespace: "default" } }), undefined],
    ["Invalid nodePublishSecretRef of 255 characters", csi({ nodePublishSecretRef: { name: g(255), namespace: "default" } }), [I, "nodePublishSecretRef.name"]],
    ["valid ControllerExpandSecretRef", csi({ controllerExpandSecretRef: { name: g(63), namespace: "default" } }), undefined],
    ["valid long ControllerExpandSecretRef", csi({ controllerExpandSecretRef: { name: g(65), namespace: "default" } }), undefined],
    ["Invalid ControllerExpandSecretRef", csi({ controllerExpandSecretRef: { name: g(255), namespace: "default" } }), [I, "controllerExpandSecretRef.name"]],
  ];
  for (const [name, src, want] of rows) it(name, () => expectFirst(validateCSIPersistentVolumeSource(src, "field"), want));
});

// TestValidatePVSecretReference: no error, or a first error whose text contains the row's (the Go test
// accepts an empty text too).
describe("TestValidatePVSecretReference", () => {
  const dnsSubdomain = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  const dnsLabel = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  const rows: [string, any, string | undefined][] = [
    ["invalid secret ref name", { name: "$%^&*#", namespace: "default" }, `name.name: Invalid value: "$%^&*#": ${dnsSubdomain}`],
    ["invalid secret ref namespace", { name: "valid", namespace: "$%^&*#" }, `name.namespace: Invalid value: "$%^&*#": ${dnsLabel}`],
    ["invalid secret: missing namespace", { name: "valid" }, "name.namespace: Required value"],
    ["invalid secret : missing name", { namespace: "default" }, "name.name: Required value"],
    ["valid secret", { name: "valid", namespace: "default" }, undefined],
  ];
  for (const [name, ref, want] of rows) {
    it(name, () => {
      const errs = validatePVSecretReference(ref, "name");
      if (want === undefined) expect(errs).toEqual([]);
      else {
        expect(errs.length).toBeGreaterThan(0);
        expect(fieldErrorMessage(errs[0]!)).toContain(want);
      }
    });
  }
});
