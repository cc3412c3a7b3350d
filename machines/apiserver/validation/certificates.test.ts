// ValidateCertificateSigningRequestCreate and the update validations, with the cases and messages
// of pkg/apis/certificates/validation/validation_test.go (the CSR a real openssl makes, Ed25519 as
// newCSRPEM's).

import { beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { aggregateMessage } from "../status.js";
import { validateCertificateSigningRequest, validateCertificateSigningRequestApprovalUpdate, validateCertificateSigningRequestStatusUpdate, validateCertificateSigningRequestUpdate } from "./certificates.js";

let request = "";
let certificate = "";
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), "podflow-csrval-"));
  execFileSync("openssl", ["genpkey", "-algorithm", "ed25519", "-out", join(dir, "k")], { stdio: "ignore" });
  request = execFileSync("openssl", ["req", "-new", "-key", join(dir, "k"), "-subj", "/O=testing-org"]).toString("base64");
  certificate = execFileSync("openssl", ["req", "-new", "-x509", "-key", join(dir, "k"), "-subj", "/O=testing-org", "-days", "1"]).toString("base64");
});

const a = (n: number) => "a".repeat(n);
const maxLengthFQDN = `${a(63)}.${a(63)}.${a(63)}.${a(61)}`;
const maxLengthSignerName = `${maxLengthFQDN}/${a(63)}.${a(253)}`;
const subdomainMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const usagesList = '"any", "cert sign", "client auth", "code signing", "content commitment", "crl sign", "data encipherment", "decipher only", "digital signature", "email protection", "encipher only", "ipsec end system", "ipsec tunnel", "ipsec user", "key agreement", "key encipherment", "microsoft sgc", "netscape sgc", "ocsp signing", "s/mime", "server auth", "signing", "timestamping"';

function csr(spec: Record<string, unknown>, status: Record<string, unknown> = {}): any {
  return { apiVersion: "certificates.k8s.io/v1", kind: "CertificateSigningRequest", metadata: { name: "testcsr", uid: "u", resourceVersion: "1", creationTimestamp: "2026-01-01T00:00:00Z" }, spec: { usages: ["key encipherment"], request, signerName: "example.com/valid-name", ...spec }, status };
}
const messages = (errs: ReturnType<typeof validateCertificateSigningRequest>) => (errs.length === 0 ? "" : aggregateMessage(errs));

describe("ValidateCertificateSigningRequestCreate", () => {
  it.each([
    { name: "CSR with empty request data should fail", spec: () => ({ request: undefined }), want: "spec.request: Invalid value: null: PEM block type must be CERTIFICATE REQUEST" },
    { name: "CSR with invalid request data should fail", spec: () => ({ request: Buffer.from("invalid data").toString("base64") }), want: `spec.request: Invalid value: "${Buffer.from("invalid data").toString("base64")}": PEM block type must be CERTIFICATE REQUEST` },
    { name: "CSR with no usages should fail", spec: () => ({ usages: undefined }), want: "spec.usages: Required value" },
    { name: "CSR with no signerName set should fail", spec: () => ({ signerName: undefined }), want: "spec.signerName: Required value" },
    { name: "signerName contains no '/'", spec: () => ({ signerName: "an-invalid-signer-name" }), want: `spec.signerName: Invalid value: "an-invalid-signer-name": must be a fully qualified domain and path of the form 'example.com/signer-name'` },
    { name: "signerName contains two '/'", spec: () => ({ signerName: "an-invalid-signer-name.com/something/else" }), want: `spec.signerName: Invalid value: "an-invalid-signer-name.com/something/else": must be a fully qualified domain and path of the form 'example.com/signer-name'` },
    { name: "signerName domain component is not fully qualified", spec: () => ({ signerName: "example/some-signer-name" }), want: `spec.signerName: Invalid value: "example": should be a domain with at least two segments separated by dots` },
    { name: "signerName path component is empty", spec: () => ({ signerName: "example.com/" }), want: `spec.signerName: Invalid value: "": validating label "": ${subdomainMsg}` },
    { name: "signerName path component ends with a symbol", spec: () => ({ signerName: "example.com/something-" }), want: `spec.signerName: Invalid value: "something-": validating label "something-": ${subdomainMsg}` },
    { name: "signerName path component contains no '.' but is valid", spec: () => ({ signerName: "example.com/some-signer-name" }), want: "" },
    { name: "signerName with a total length greater than 571 characters should be rejected", spec: () => ({ signerName: `${maxLengthSignerName}.toolong` }), want: "spec.signerName: Too long: may not be more than 571 bytes" },
    { name: "signerName with a fqdn greater than 253 characters should be rejected", spec: () => ({ signerName: `${maxLengthFQDN}.extra/valid-path` }), want: "spec.signerName: Too long: may not be more than 253 bytes" },
    { name: "signerName can have a longer path if the domain component is less than the max length", spec: () => ({ signerName: `abc.io/${a(253)}.${a(253)}` }), want: "" },
    { name: "signerName with a domain label greater than 63 characters will fail", spec: () => ({ signerName: `${a(66)}.example.io/valid-path` }), want: `spec.signerName: Invalid value: "${a(66)}.example.io": validating label "${a(66)}": must be no more than 63 characters` },
    { name: "signerName of max length is valid", spec: () => ({ signerName: maxLengthSignerName }), want: "" },
    { name: "negative duration", spec: () => ({ expirationSeconds: -1 }), want: "spec.expirationSeconds: Invalid value: -1: may not specify a duration less than 600 seconds (10 minutes)" },
    { name: "zero duration", spec: () => ({ expirationSeconds: 0 }), want: "spec.expirationSeconds: Invalid value: 0: may not specify a duration less than 600 seconds (10 minutes)" },
    { name: "too short duration", spec: () => ({ expirationSeconds: 60 }), want: "spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds (10 minutes)" },
    { name: "valid duration", spec: () => ({ expirationSeconds: 600 }), want: "" },
    { name: "missing usages", spec: () => ({ usages: [] }), want: "spec.usages: Required value" },
    {
      name: "unknown and duplicate usages", spec: () => ({ usages: ["unknown", "unknown"] }),
      want: `[spec.usages[0]: Unsupported value: "unknown": supported values: ${usagesList}, spec.usages[1]: Unsupported value: "unknown": supported values: ${usagesList}, spec.usages[1]: Duplicate value: "unknown"]`,
    },
    { name: "the legacy signer is refused through v1", spec: () => ({ signerName: "kubernetes.io/legacy-unknown" }), want: `spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version` },
  ])("$name", ({ spec, want }) => {
    expect(messages(validateCertificateSigningRequest(csr(spec())))).toBe(want);
  });

  it("a request whose signature was not made by its key fails CheckSignature", () => {
    const pem = Buffer.from(request, "base64").toString();
    const der = Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
    der[der.length - 1] ^= 0x01; // the last byte of the signature
    const tampered = Buffer.from(`-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`).toString("base64");
    expect(messages(validateCertificateSigningRequest(csr({ request: tampered })))).toBe(`spec.request: Invalid value: "${tampered}": x509: Ed25519 verification failure`);
  });

  it("conditions: Approved is True only, Approved and Denied are exclusive, a type appears once", () => {
    const got = validateCertificateSigningRequest(csr({}, { conditions: [{ type: "Approved", status: "False" }, { type: "Denied", status: "True" }, { type: "Denied", status: "True" }] }));
    expect(messages(got)).toBe('[status.conditions[0].status: Unsupported value: "False": supported values: "True", status.conditions[1].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive, status.conditions[2].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive, status.conditions[2].type: Duplicate value: "Denied"]');
  });

  it("status.certificate must hold CERTIFICATE blocks", () => {
    expect(messages(validateCertificateSigningRequest(csr({}, { certificate: request })))).toBe('status.certificate: Invalid value: "<certificate data>": only CERTIFICATE PEM blocks are allowed, found "CERTIFICATE REQUEST"');
    expect(messages(validateCertificateSigningRequest(csr({}, { certificate: Buffer.from("junk").toString("base64") })))).toBe('status.certificate: Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block');
  });
});

describe("the update validations", () => {
  const approved = { type: "Approved", status: "True", reason: "r", lastUpdateTime: "2026-01-01T00:00:00Z", lastTransitionTime: "2026-01-01T00:00:00Z" };
  it("the main resource may not set the certificate nor add an approval", () => {
    const old = csr({});
    expect(messages(validateCertificateSigningRequestUpdate(csr({}, { certificate }), old))).toBe("status.certificate: Forbidden: updates may not set certificate content");
    expect(messages(validateCertificateSigningRequestUpdate(csr({}, { conditions: [approved] }), old))).toBe('status.conditions: Forbidden: updates may not add a condition of type "Approved"');
  });
  it("/status may set the certificate once, and may not remove a Failed condition", () => {
    const old = csr({}, { conditions: [{ type: "Failed", status: "True", reason: "x" }] });
    expect(messages(validateCertificateSigningRequestStatusUpdate(csr({}, { certificate, conditions: old.status.conditions }), old))).toBe("");
    const issued = csr({}, { certificate, conditions: old.status.conditions });
    const other = Buffer.concat([Buffer.from(certificate, "base64"), Buffer.from(certificate, "base64")]).toString("base64");
    expect(messages(validateCertificateSigningRequestStatusUpdate(csr({}, { certificate: other, conditions: old.status.conditions }), issued))).toBe("status.certificate: Forbidden: updates may not modify existing certificate content");
    expect(messages(validateCertificateSigningRequestStatusUpdate(csr({}, {}), old))).toBe('status.conditions: Forbidden: updates may not remove a condition of type "Failed"');
  });
  it("/approval may add Approved but not the certificate", () => {
    const old = csr({});
    expect(messages(validateCertificateSigningRequestApprovalUpdate(csr({}, { conditions: [approved] }), old))).toBe("");
    expect(messages(validateCertificateSigningRequestApprovalUpdate(csr({}, { certificate }), old))).toBe("status.certificate: Forbidden: updates may not set certificate content");
  });
});
