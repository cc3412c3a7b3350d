// pkg/apis/certificates/validation/validation_test.go: TestValidateCertificateSigningRequestUpdate,
// TestValidateCertificateSigningRequestStatusUpdate, TestValidateCertificateSigningRequestApprovalUpdate and the
// strict half of Test_validateCertificateSigningRequestOptions (v1 validates strictly on create), every row; each Go
// row compares the set of error strings. The PEM fixtures are made here as the Go ones are built: real certificates
// (openssl, Ed25519) with non-PEM text around them, a block typed CERTIFICATE1, a block with a header line, a block
// whose base64 ends in "?", an empty block, and a certificate whose subject's first RDN is not a SET (the Go
// fixture's "first character is invalid": 0x31 made 0x35).
import { beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Certificate } from "@peculiar/asn1-x509";
import { fieldErrorMessage, type FieldError } from "../status.js";
import { validateCertificateSigningRequest, validateCertificateSigningRequestApprovalUpdate, validateCertificateSigningRequestStatusUpdate, validateCertificateSigningRequestUpdate } from "./certificates.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const fx: Record<string, string> = {};
let request = "";
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), "podflow-csrtables-"));
  execFileSync("openssl", ["genpkey", "-algorithm", "ed25519", "-out", join(dir, "k")], { stdio: "ignore" });
  request = execFileSync("openssl", ["req", "-new", "-key", join(dir, "k"), "-subj", "/O=testing-org"]).toString("base64");
  const cert = (cn: string) => execFileSync("openssl", ["req", "-new", "-x509", "-key", join(dir, "k"), "-subj", `/CN=${cn}`, "-days", "1"]).toString("latin1");
  const one = cert("My Client");
  const two = cert("Intermediate-CA");
  const lines = one.trimEnd().split("\n");
  const body = lines.slice(1, -1);
  const der = Buffer.from(body.join(""), "base64");
  const subject = Buffer.from(AsnConvert.serialize(AsnConvert.parse(der, Certificate).tbsCertificate.subject));
  const at = der.lastIndexOf(subject);
  const broken = Buffer.from(der);
  broken[at + 2] = 0x35;
  const wrap = (pem: string) => Buffer.from(`\nLeading non-PEM content\n${pem}Trailing non-PEM content\n`, "latin1").toString("base64");
  const last = body[body.length - 1]!;
  fx.valid = Buffer.from(`\nLeading non-PEM content\n${one}Intermediate non-PEM content\n${two}Trailing non-PEM content\n`, "latin1").toString("base64");
  fx.noPEM = Buffer.from("no PEM content").toString("base64");
  fx.nonCertificatePEM = wrap(one.replaceAll("CERTIFICATE-----", "CERTIFICATE1-----"));
  fx.headers = wrap([lines[0], "Some-Header: Some-Value", ...body, lines.at(-1), ""].join("\n"));
  fx.nonBase64 = wrap([lines[0], ...body.slice(0, -1), `${last.slice(0, -9)}?????????`, lines.at(-1), ""].join("\n"));
  fx.empty = wrap("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
  fx.nonASN1 = wrap(`-----BEGIN CERTIFICATE-----\n${broken.toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END CERTIFICATE-----\n`);
});

const meta = (finalizers?: string[]) => ({ name: "testcsr", uid: "u", resourceVersion: "1", creationTimestamp: "2026-01-01T00:00:00Z", ...(finalizers ? { finalizers } : {}) });
const csr = (status: object = {}, opts: { finalizers?: string[]; spec?: object } = {}): any => ({
  apiVersion: "certificates.k8s.io/v1", kind: "CertificateSigningRequest", metadata: meta(opts.finalizers),
  spec: { usages: ["digital signature", "key encipherment"], request, signerName: "example.com/something", ...opts.spec }, status,
});
const cond = (type: string) => ({ conditions: [{ type, status: "True" }] });
const set = (errs: FieldError[]) => [...new Set(errs.map(fieldErrorMessage))].sort();
const withFin = (status: object = {}) => csr(status, { finalizers: ["foo"] });
const forbid = (verb: string, t: string) => `status.conditions: Forbidden: updates may not ${verb} a condition of type "${t}"`;
type Row = [string, () => any, () => any, string[]];

// The rows every update table shares: [name, new, old, errors] for the main resource, /status and /approval.
const conditionRows = (adds: (t: string) => string[]): Row[] => [
  ["no-op", () => csr(), () => csr(), []],
  ["add Approved condition", () => csr(cond("Approved")), () => withFin(), adds("Approved")],
  ["remove Approved condition", () => csr(), () => withFin(cond("Approved")), [forbid("remove", "Approved")]],
  ["add Denied condition", () => csr(cond("Denied")), () => withFin(), adds("Denied")],
  ["remove Denied condition", () => csr(), () => withFin(cond("Denied")), [forbid("remove", "Denied")]],
  ["add Failed condition", () => csr(cond("Failed")), () => withFin(), []],
  ["remove Failed condition", () => csr(), () => withFin(cond("Failed")), [forbid("remove", "Failed")]],
];
const run = (fn: (a: any, b: any) => FieldError[]) => (_n: string, next: () => any, old: () => any, want: string[]) => expect(set(fn(next(), old()))).toEqual([...want].sort());

describe("TestValidateCertificateSigningRequestUpdate", () => {
  it.each<Row>([
    ...conditionRows((t) => [forbid("add", t)]),
    ["finalizer change with invalid status", () => csr({ certificate: fx.noPEM }), () => withFin({ certificate: fx.noPEM }), []],
    ["set certificate", () => csr({ certificate: fx.valid }), () => withFin(), ["status.certificate: Forbidden: updates may not set certificate content"]],
  ])("%s", run(validateCertificateSigningRequestUpdate));
});

describe("TestValidateCertificateSigningRequestStatusUpdate", () => {
  it.each<Row>([
    ...conditionRows((t) => [forbid("add", t)]),
    ["finalizer change with invalid status", () => csr({ certificate: fx.noPEM }), () => withFin({ certificate: fx.noPEM }), []],
    ["finalizer change with duplicate and unknown usages", () => csr({}, { spec: { usages: ["unknown", "unknown"] } }),
      () => csr({}, { finalizers: ["foo"], spec: { usages: ["unknown", "unknown"] } }), []],
    ["set valid certificate", () => csr({ certificate: fx.valid }), () => withFin(), []],
    ["set invalid certificate", () => csr({ certificate: fx.noPEM }), () => withFin(), ['status.certificate: Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block']],
    ["reset certificate", () => csr({ certificate: fx.nonCertificatePEM }), () => withFin({ certificate: fx.noPEM }), ["status.certificate: Forbidden: updates may not modify existing certificate content"]],
  ])("%s", run(validateCertificateSigningRequestStatusUpdate));
});

describe("TestValidateCertificateSigningRequestApprovalUpdate", () => {
  it.each<Row>([
    ...conditionRows(() => []),
    ["finalizer change with invalid certificate", () => csr({ certificate: fx.noPEM }), () => withFin({ certificate: fx.noPEM }), []],
    ["set certificate", () => csr({ certificate: fx.valid }), () => withFin(), ["status.certificate: Forbidden: updates may not set certificate content"]],
  ])("%s", run(validateCertificateSigningRequestApprovalUpdate));
});

describe("Test_validateCertificateSigningRequestOptions (strict, as v1 creates)", () => {
  const approved = (certificate: string) => ({ conditions: [{ type: "Approved", status: "True" }], certificate });
  const bad = (msg: string) => [`status.certificate: Invalid value: "<certificate data>": ${msg}`];
  it.each<[string, () => any, string[]]>([
    ["no status", () => csr(), []],
    ["approved condition", () => csr(cond("Approved")), []],
    ["denied condition", () => csr(cond("Denied")), []],
    ["failed condition", () => csr(cond("Failed")), []],
    ["approved+issued", () => csr(approved(fx.valid!)), []],
    ["legacy signer", () => csr({}, { spec: { signerName: "kubernetes.io/legacy-unknown" } }), ['spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version']],
    ["empty condition type", () => csr({ conditions: [{ status: "True" }] }), ["status.conditions[0].type: Required value"]],
    ["approved and denied", () => csr({ conditions: [{ type: "Approved", status: "True" }, { type: "Denied", status: "True" }] }),
      ['status.conditions[1].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive']],
    ["duplicate condition", () => csr({ conditions: [{ type: "Approved", status: "True" }, { type: "Approved", status: "True" }] }), ['status.conditions[1].type: Duplicate value: "Approved"']],
    ["status.certificate, no PEM", () => csr(approved(fx.noPEM!)), bad("must contain at least one CERTIFICATE PEM block")],
    ["status.certificate, non-CERTIFICATE PEM", () => csr(approved(fx.nonCertificatePEM!)), bad('only CERTIFICATE PEM blocks are allowed, found "CERTIFICATE1"')],
    ["status.certificate, PEM headers", () => csr(approved(fx.headers!)), bad("no PEM block headers are permitted")],
    ["status.certificate, non-base64 PEM", () => csr(approved(fx.nonBase64!)), bad("must contain at least one CERTIFICATE PEM block")],
    ["status.certificate, empty PEM block", () => csr(approved(fx.empty!)), bad("found CERTIFICATE PEM block containing 0 certificates")],
  ])("%s", (_n, mk, want) => expect(set(validateCertificateSigningRequest(mk()))).toEqual(want));

  it("status.certificate, non-ASN1 data: one error, matching the Go row's pattern", () => {
    const got = set(validateCertificateSigningRequest(csr(approved(fx.nonASN1!))));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(/^status\.certificate: Invalid value: "<certificate data>": (asn1: structure error: sequence tag mismatch|x509: invalid RDNSequence)$/);
  });
});
