// The cluster CA as kube-controller-manager's csrsigning controllers hold it
// (--cluster-signing-cert-file / --cluster-signing-key-file): the signing controller sends an
// approved request here and gets the certificate back, so the key never enters a machine.
// authority.Sign with PermissiveSigningPolicy: the request's subject, SANs and key; the usages as
// key usages and extended key usages; not a CA; NotBefore backdated 5 minutes, NotAfter the TTL
// later (minus the backdate unless shorter than 8 hours), never past the CA's own NotAfter.
// `podflow serve` hands it its serving CA, so the certificates it issues authenticate there; a
// cluster without one makes an Ed25519 CA, from the seed in a seeded simulation (Ed25519
// signatures are deterministic, so a run and its replay issue the same bytes).

import "reflect-metadata";
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { CertificationRequest } from "@peculiar/asn1-csr";
import {
  AlgorithmIdentifier, AttributeTypeAndValue, AttributeValue, AuthorityKeyIdentifier, RelativeDistinguishedName, BasicConstraints, Certificate, ExtendedKeyUsage, Extension, Extensions, KeyIdentifier, KeyUsage, KeyUsageFlags,
  Name, SubjectKeyIdentifier, SubjectPublicKeyInfo, TBSCertificate, Validity, Version, id_ce_authorityKeyIdentifier, id_ce_basicConstraints, id_ce_extKeyUsage,
  id_ce_keyUsage, id_ce_subjectAltName, id_ce_subjectKeyIdentifier,
} from "@peculiar/asn1-x509";
import type { CertificateSigned, SignCertificate } from "../machines/messages.js";

const backdateMs = 5 * 60_000;
const shortMs = 8 * 3600_000;

// keyUsageDict and extKeyUsageDict of pkg/controller/certificates/authority/policies.go
const keyUsages = new Map<string, number>([
  ["signing", KeyUsageFlags.digitalSignature], ["digital signature", KeyUsageFlags.digitalSignature], ["content commitment", KeyUsageFlags.nonRepudiation],
  ["key encipherment", KeyUsageFlags.keyEncipherment], ["key agreement", KeyUsageFlags.keyAgreement], ["data encipherment", KeyUsageFlags.dataEncipherment],
  ["cert sign", KeyUsageFlags.keyCertSign], ["crl sign", KeyUsageFlags.cRLSign], ["encipher only", KeyUsageFlags.encipherOnly], ["decipher only", KeyUsageFlags.decipherOnly],
]);
// x509.ExtKeyUsage's order (the policy sorts them by it) and OIDs
const extKeyUsages = new Map<string, [order: number, oid: string]>([
  ["any", [0, "2.5.29.37.0"]], ["server auth", [1, "1.3.6.1.5.5.7.3.1"]], ["client auth", [2, "1.3.6.1.5.5.7.3.2"]], ["code signing", [3, "1.3.6.1.5.5.7.3.3"]],
  ["email protection", [4, "1.3.6.1.5.5.7.3.4"]], ["s/mime", [4, "1.3.6.1.5.5.7.3.4"]], ["ipsec end system", [5, "1.3.6.1.5.5.7.3.5"]], ["ipsec tunnel", [6, "1.3.6.1.5.5.7.3.6"]],
  ["ipsec user", [7, "1.3.6.1.5.5.7.3.7"]], ["timestamping", [8, "1.3.6.1.5.5.7.3.8"]], ["ocsp signing", [9, "1.3.6.1.5.5.7.3.9"]],
  ["microsoft sgc", [10, "1.3.6.1.4.1.311.10.3.3"]], ["netscape sgc", [11, "2.16.840.1.113730.4.1"]],
]);

interface Authority {
  cert: Certificate;
  key: KeyObject;
  notAfterMs: number;
  /** the signature algorithm the CA's key makes, and the hash node:crypto signs with (null for Ed25519) */
  algorithm: AlgorithmIdentifier;
  hash: string | null;
}

function algorithmOf(key: KeyObject): { algorithm: AlgorithmIdentifier; hash: string | null } {
  if (key.asymmetricKeyType === "ed25519") return { algorithm: new AlgorithmIdentifier({ algorithm: "1.3.101.112" }), hash: null };
  if (key.asymmetricKeyType === "ec") return { algorithm: new AlgorithmIdentifier({ algorithm: "1.2.840.10045.4.3.2" }), hash: "sha256" };
  // sha256WithRSAEncryption carries an explicit NULL parameter
  return { algorithm: new AlgorithmIdentifier({ algorithm: "1.2.840.113549.1.1.11", parameters: null }), hash: "sha256" };
}

/** A positive, minimal DER INTEGER's content for a serial number. */
function serialOf(bytes: Buffer): ArrayBuffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const v = bytes.subarray(i);
  const out = v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : Buffer.from(v);
  return out.buffer.slice(out.byteOffset, out.byteOffset + out.length) as ArrayBuffer;
}

const bufferOf = (u: ArrayBuffer | Uint8Array) => Buffer.from(u instanceof Uint8Array ? u : new Uint8Array(u));

export class CertificateSigner {
  private authority: Authority | undefined;

  constructor(private readonly mode: { random: true } | { random: false; seed: number }, private readonly now: () => number) {}

  /** The CA to sign with from now on (PEM certificate and PKCS#8 key): serve's. */
  useCA(certPem: string, keyPem: string): void {
    const x = new X509Certificate(certPem);
    const key = createPrivateKey(keyPem);
    this.authority = { cert: AsnConvert.parse(x.raw, Certificate), key, notAfterMs: Date.parse(x.validTo), ...algorithmOf(key) };
  }

  /** The CA's certificate, PEM (made on first use when none was given). */
  caCertificate(): string {
    return pem("CERTIFICATE", bufferOf(AsnConvert.serialize(this.ca().cert)));
  }

  private ca(): Authority {
    this.authority ??= this.selfSigned();
    return this.authority;
  }

  /** An Ed25519 CA "podflow-csr-ca" valid for ten years from the cluster's start. */
  private selfSigned(): Authority {
    const key = this.mode.random
      ? generateKeyPairSync("ed25519").privateKey
      : createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), createHash("sha256").update(`podflow cluster CA, seed ${this.mode.seed}`).digest()]), format: "der", type: "pkcs8" });
    const spki = AsnConvert.parse(createPublicKey(key).export({ type: "spki", format: "der" }), SubjectPublicKeyInfo);
    const name = new Name([new RelativeDistinguishedName([new AttributeTypeAndValue({ type: "2.5.4.3", value: new AttributeValue({ utf8String: "podflow-csr-ca" }) })])]);
    const start = Math.floor(this.now() / 1000) * 1000;
    const skid = createHash("sha1").update(bufferOf(spki.subjectPublicKey)).digest();
    const { algorithm, hash } = algorithmOf(key);
    const tbs = new TBSCertificate({
      version: Version.v3, serialNumber: serialOf(createHash("sha256").update(`ca ${JSON.stringify(this.mode)}`).digest().subarray(0, 16)), signature: algorithm,
      issuer: name, subject: name, validity: new Validity({ notBefore: new Date(start), notAfter: new Date(start + 10 * 365 * 86_400_000) }), subjectPublicKeyInfo: spki,
      extensions: new Extensions([
        ext(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment | KeyUsageFlags.keyCertSign)),
        ext(id_ce_basicConstraints, true, new BasicConstraints({ cA: true })),
        ext(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(skid)),
      ]),
    });
    const cert = signed(tbs, key, algorithm, hash);
    return { cert, key, notAfterMs: start + 10 * 365 * 86_400_000, algorithm, hash };
  }

  /** authority.Sign: the certificate for an approved request, base64 of its PEM, or the signer's error. */
  sign(req: SignCertificate): CertificateSigned {
    const ca = this.ca();
    let cr: CertificationRequest;
    try {
      cr = AsnConvert.parse(Buffer.from(pemBody(Buffer.from(req.request, "base64").toString("latin1")) ?? "", "base64"), CertificationRequest);
    } catch {
      return { type: "CertificateSigned", id: req.id, error: "x509: malformed certificate request" };
    }
    const now = Math.floor(this.now() / 1000) * 1000;
    if (now >= ca.notAfterMs) return { type: "CertificateSigned", id: req.id, error: `refusing to sign a certificate that expired in the past: NotAfter=${new Date(ca.notAfterMs).toISOString()}` };
    const notBefore = now - backdateMs;
    const notAfter = Math.min(req.ttlMs < shortMs ? now + req.ttlMs : now + req.ttlMs - backdateMs, ca.notAfterMs);
    const info = cr.certificationRequestInfo;
    const caTbs = ca.cert.tbsCertificate;
    const extensions: Extension[] = [];
    let flags = 0;
    for (const u of req.usages) flags |= keyUsages.get(u) ?? 0;
    if (flags !== 0) extensions.push(ext(id_ce_keyUsage, true, new KeyUsage(flags)));
    const ekus = [...new Map(req.usages.flatMap((u) => (extKeyUsages.has(u) ? [extKeyUsages.get(u)!] : [])).map(([o, oid]) => [o, oid])).entries()].sort((a, b) => a[0] - b[0]).map(([, oid]) => oid);
    if (ekus.length > 0) extensions.push(ext(id_ce_extKeyUsage, false, new ExtendedKeyUsage(ekus)));
    extensions.push(ext(id_ce_basicConstraints, true, new BasicConstraints()));
    const caSkid = caTbs.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
    if (caSkid) extensions.push(ext(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(AsnConvert.parse(caSkid.extnValue, SubjectKeyIdentifier).buffer) })));
    // the request's SANs are forwarded (x509cr's DNSNames, IPAddresses, EmailAddresses, URIs); its other extensions are not
    for (const a of info.attributes ?? []) {
      if (a.type !== "1.2.840.113549.1.9.14") continue;
      for (const v of a.values) for (const e of AsnConvert.parse(v, Extensions)) if (e.extnID === id_ce_subjectAltName) extensions.push(new Extension({ extnID: id_ce_subjectAltName, critical: false, extnValue: e.extnValue }));
    }
    const serial = this.mode.random ? randomBytes(16) : createHash("sha256").update(`serial ${this.mode.seed} ${req.id} ${req.request}`).digest().subarray(0, 16);
    const tbs = new TBSCertificate({
      version: Version.v3, serialNumber: serialOf(serial), signature: ca.algorithm, issuer: caTbs.subject,
      validity: new Validity({ notBefore: new Date(notBefore), notAfter: new Date(notAfter) }), subject: info.subject, subjectPublicKeyInfo: info.subjectPKInfo,
      extensions: new Extensions(extensions),
    });
    const der = bufferOf(AsnConvert.serialize(signed(tbs, ca.key, ca.algorithm, ca.hash)));
    return { type: "CertificateSigned", id: req.id, certificate: Buffer.from(pem("CERTIFICATE", der)).toString("base64") };
  }
}

function ext(id: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID: id, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

function signed(tbs: TBSCertificate, key: KeyObject, algorithm: AlgorithmIdentifier, hash: string | null): Certificate {
  const signature = sign(hash, bufferOf(AsnConvert.serialize(tbs)), key);
  return new Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm, signatureValue: new Uint8Array(signature).buffer });
}

function pemBody(text: string): string | undefined {
  const m = /-----BEGIN CERTIFICATE REQUEST-----([\s\S]*?)-----END CERTIFICATE REQUEST-----/.exec(text);
  return m ? m[1]!.replace(/\s+/g, "") : undefined;
}

function pem(label: string, der: Buffer): string {
  return `-----BEGIN ${label}-----\n${der.toString("base64").match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;
}
