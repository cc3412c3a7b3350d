// PKCS#10 certificate requests as k8s.io/kubernetes/pkg/apis/certificates ParseCSR reads them: the
// first PEM block must be a CERTIFICATE REQUEST, its DER a CertificationRequest, its signature
// made by the key it carries (CheckSignature). Parsing and checking are pure: the same bytes give
// the same answer, so the API server's validation and the signing controller may both call them.

import { verify, createPublicKey } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { CertificationRequest } from "@peculiar/asn1-csr";
import { Certificate, Extensions, SubjectAlternativeName, id_ce_subjectAltName } from "@peculiar/asn1-x509";

/** What the API server and the signers read of a request. */
export interface ParsedCSR {
  /** the DER of the whole request (x509cr.Raw) */
  der: Uint8Array;
  /** Subject.CommonName and Subject.Organization */
  commonName: string;
  organizations: string[];
  dnsNames: string[];
  emailAddresses: string[];
  ipAddresses: string[];
  uris: string[];
  /** the signature algorithm's OID and the request's signed part, its signature and key (SPKI DER) */
  signatureAlgorithm: string;
  signed: Uint8Array;
  signature: Uint8Array;
  spki: Uint8Array;
}

/**
 * Go's pem.Decode, for the first block only: its type, bytes and whether it had headers, or undefined when there is
 * none. As there, the leading lines holding a colon are headers (no blank line needed after them).
 */
export function pemDecode(text: string): { type: string; bytes: Uint8Array; headers: boolean } | undefined {
  const m = /-----BEGIN ([^\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) return undefined;
  const lines = m[2]!.split("\n");
  let first = 0;
  while (first < lines.length && lines[first]!.includes(":")) first++;
  const b64 = lines.slice(first).join("").replace(/[\r\t ]/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return undefined;
  return { type: m[1]!, bytes: new Uint8Array(Buffer.from(b64, "base64")), headers: first > 0 };
}

// One DER element at the start of `der`: its tag, where its content starts and where it ends; undefined when malformed.
function derElement(der: Uint8Array, at: number): { tag: number; body: number; end: number } | undefined {
  if (at + 2 > der.length) return undefined;
  const tag = der[at]!;
  let len = der[at + 1]!;
  let body = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || body + n > der.length) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[body + i]!;
    body += n;
  }
  return body + len > der.length ? undefined : { tag, body, end: body + len };
}

// The issuer or subject of a TBSCertificate must be a SEQUENCE of SETs (x509 parseName's "invalid RDNSequence").
function rdnSequenceError(der: Uint8Array): string | undefined {
  const cert = derElement(der, 0);
  const tbs = cert && derElement(der, cert.body);
  if (!tbs) return undefined;
  let at = tbs.body;
  const next = () => {
    const e = derElement(der, at);
    if (e) at = e.end;
    return e;
  };
  const first = derElement(der, at);
  if (first?.tag === 0xa0) next();
  next(); // serialNumber
  next(); // signature
  for (const name of ["issuer", "validity", "subject"]) {
    const e = next();
    if (!e) return undefined;
    if (name === "validity") continue;
    for (let p = e.body; p < e.end;) {
      const rdn = derElement(der, p);
      if (!rdn || rdn.tag !== 0x31) return "x509: invalid RDNSequence";
      p = rdn.end;
    }
  }
  return undefined;
}

/**
 * x509.ParseCertificates over a PEM block's bytes: the number of certificates, or Go's error for the first that
 * does not parse ("x509: invalid RDNSequence" for a name that is not a sequence of sets, else "x509: malformed
 * certificate").
 */
export function parseCertificates(der: Uint8Array): { count: number } | { error: string } {
  let at = 0;
  let count = 0;
  while (at < der.length) {
    const e = derElement(der, at);
    if (!e) return { error: "x509: malformed certificate" };
    const one = der.subarray(at, e.end);
    try {
      AsnConvert.parse(one, Certificate);
    } catch {
      return { error: rdnSequenceError(one) ?? "x509: malformed certificate" };
    }
    const rdn = rdnSequenceError(one);
    if (rdn) return { error: rdn };
    count++;
    at = e.end;
  }
  return { count };
}

const oidCN = "2.5.4.3";
const oidO = "2.5.4.10";
const oidExtensionRequest = "1.2.840.113549.1.9.14";

/** ParseCSR: the request, or the error Kubernetes reports for it (bounded: the input is an API field). */
export function parseCSR(pemBytes: Uint8Array): ParsedCSR | { error: string } {
  const block = pemDecode(Buffer.from(pemBytes).toString("latin1"));
  if (block === undefined || block.type !== "CERTIFICATE REQUEST") return { error: "PEM block type must be CERTIFICATE REQUEST" };
  let cr: CertificationRequest;
  try {
    cr = AsnConvert.parse(block.bytes, CertificationRequest);
  } catch {
    return { error: "x509: malformed certificate request" };
  }
  const info = cr.certificationRequestInfo;
  const attr = (oid: string) => info.subject.flatMap((rdn) => rdn.filter((a) => a.type === oid).map((a) => a.value.toString()));
  const sans = { dnsNames: [] as string[], emailAddresses: [] as string[], ipAddresses: [] as string[], uris: [] as string[] };
  for (const a of info.attributes ?? []) {
    if (a.type !== oidExtensionRequest) continue;
    for (const v of a.values) {
      let exts: Extensions;
      try {
        exts = AsnConvert.parse(v, Extensions);
      } catch {
        return { error: "x509: malformed extension request" };
      }
      for (const e of exts) {
        if (e.extnID !== id_ce_subjectAltName) continue;
        for (const n of AsnConvert.parse(e.extnValue, SubjectAlternativeName)) {
          if (n.dNSName !== undefined) sans.dnsNames.push(n.dNSName);
          if (n.rfc822Name !== undefined) sans.emailAddresses.push(n.rfc822Name);
          if (n.uniformResourceIdentifier !== undefined) sans.uris.push(n.uniformResourceIdentifier);
          if (n.iPAddress !== undefined) sans.ipAddresses.push(n.iPAddress);
        }
      }
    }
  }
  return {
    der: block.bytes,
    commonName: attr(oidCN)[0] ?? "",
    organizations: attr(oidO),
    ...sans,
    signatureAlgorithm: cr.signatureAlgorithm.algorithm,
    signed: new Uint8Array(cr.certificationRequestInfoRaw ?? AsnConvert.serialize(info)),
    signature: new Uint8Array(cr.signature),
    spki: new Uint8Array(AsnConvert.serialize(info.subjectPKInfo)),
  };
}

// x509's signature algorithms a request may use: OID -> the hash and Go's failure text
const algorithms = new Map<string, { hash: string | null; failure: string }>([
  ["1.2.840.113549.1.1.5", { hash: "sha1", failure: "crypto/rsa: verification error" }],
  ["1.2.840.113549.1.1.11", { hash: "sha256", failure: "crypto/rsa: verification error" }],
  ["1.2.840.113549.1.1.12", { hash: "sha384", failure: "crypto/rsa: verification error" }],
  ["1.2.840.113549.1.1.13", { hash: "sha512", failure: "crypto/rsa: verification error" }],
  ["1.2.840.10045.4.1", { hash: "sha1", failure: "x509: ECDSA verification failure" }],
  ["1.2.840.10045.4.3.2", { hash: "sha256", failure: "x509: ECDSA verification failure" }],
  ["1.2.840.10045.4.3.3", { hash: "sha384", failure: "x509: ECDSA verification failure" }],
  ["1.2.840.10045.4.3.4", { hash: "sha512", failure: "x509: ECDSA verification failure" }],
  ["1.3.101.112", { hash: null, failure: "x509: Ed25519 verification failure" }],
]);

/** CheckSignature: undefined when the request's key made its signature, else Go's error text. */
export function checkSignature(csr: ParsedCSR): string | undefined {
  const alg = algorithms.get(csr.signatureAlgorithm);
  if (alg === undefined) return "x509: cannot verify signature: algorithm unimplemented";
  try {
    const key = createPublicKey({ key: Buffer.from(csr.spki), format: "der", type: "spki" });
    return verify(alg.hash, csr.signed, key, csr.signature) ? undefined : alg.failure;
  } catch {
    return alg.failure;
  }
}

/** The NotAfter of the first certificate of a PEM bundle (status.certificate), or undefined when there is none to read (csrcleaner's isExpired). */
export function certificateNotAfter(pemBytes: Uint8Array): number | undefined {
  const block = pemDecode(Buffer.from(pemBytes).toString("latin1"));
  if (block === undefined) return undefined;
  try {
    return AsnConvert.parse(block.bytes, Certificate).tbsCertificate.validity.notAfter.getTime().getTime();
  } catch {
    return undefined;
  }
}
