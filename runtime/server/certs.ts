// A self-signed CA and a serving certificate for 127.0.0.1/localhost, built with node:crypto
// alone: Node 20 signs but cannot issue X.509, so the DER of the certificates is written here.

import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";

/** PEM text of the CA certificate and key, the serving certificate and the serving key. */
export interface ServingCerts {
  caCert: string;
  /** the CA's private key (PKCS#8 PEM): kube-controller-manager's --cluster-signing-key-file */
  caKey: string;
  cert: string;
  key: string;
}

// ---- a minimal DER writer ------------------------------------------------------------------

function tlv(tag: number, body: Buffer): Buffer {
  const n = body.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const octets = (b: Buffer) => tlv(0x04, b);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, "utf8"));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));
const explicit = (n: number, inner: Buffer) => tlv(0xa0 | n, inner);

/** A non-negative big-endian number as a DER INTEGER: minimal (Go's x509 refuses a serial with a redundant leading zero byte), with a zero byte in front of a leading 1 bit (DER integers are signed). */
export function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return tlv(0x02, v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split(".").map(Number);
  const out = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = p >>> 7; v > 0; v >>>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function bitString(b: Buffer, unusedBits = 0): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), b]));
}

/** A one-byte named-bit BIT STRING with its trailing zero bits dropped, as DER requires. */
function flags(byte: number): Buffer {
  let unused = 0;
  while (unused < 7 && ((byte >> unused) & 1) === 0) unused++;
  return bitString(Buffer.from([byte]), unused);
}

function utcTime(d: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, "0");
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(s, "ascii"));
}

const name = (cn: string) => seq(set(seq(oid("2.5.4.3"), utf8(cn))));
const ecdsaWithSha256 = seq(oid("1.2.840.10045.4.3.2"));

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

function keyId(spki: Buffer): Buffer {
  return createHash("sha1").update(spki).digest();
}

interface CertSpec {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signer: KeyObject;
  issuerKeyId: Buffer;
  notBefore: Date;
  notAfter: Date;
  extensions: Buffer[];
}

function certificate(spec: CertSpec): Buffer {
  const spki = spec.publicKey.export({ type: "spki", format: "der" });
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    ecdsaWithSha256,
    name(spec.issuer),
    seq(utcTime(spec.notBefore), utcTime(spec.notAfter)),
    name(spec.subject),
    spki,
    explicit(3, seq(...spec.extensions)),
  );
  const signature = sign("sha256", tbs, spec.signer);
  return seq(tbs, ecdsaWithSha256, bitString(signature));
}

function pem(label: string, der: Buffer): string {
  const b64 = der.toString("base64").match(/.{1,64}/g)!.join("\n");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** A fresh CA ("podflow-ca") and a serving certificate it signed, valid for 127.0.0.1, ::1, localhost and the kubernetes Service's names and addresses. */
export function generateServingCerts(now: Date = new Date()): ServingCerts {
  const ca = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const leaf = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const caSpki = ca.publicKey.export({ type: "spki", format: "der" });
  const leafSpki = leaf.publicKey.export({ type: "spki", format: "der" });
  const caKeyId = keyId(caSpki);
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + 365 * 24 * 3600_000);
  const caDer = certificate({
    subject: "podflow-ca", issuer: "podflow-ca", publicKey: ca.publicKey, signer: ca.privateKey, issuerKeyId: caKeyId, notBefore, notAfter,
    extensions: [
      extension("2.5.29.15", true, flags(0x86)), // digitalSignature, keyCertSign, cRLSign
      extension("2.5.29.19", true, seq(bool(true))),
      extension("2.5.29.14", false, octets(caKeyId)),
    ],
  });
  // kubeadm's apiserver certificate names (GetAPIServerAltNames) as pods reach it: the kubernetes
  // Service's names and ClusterIP, the advertise address (kind's control-plane node)
  const serviceNames = ["kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"];
  const san = seq(
    tlv(0x82, Buffer.from("localhost", "ascii")),
    ...serviceNames.map((n) => tlv(0x82, Buffer.from(n, "ascii"))),
    tlv(0x87, Buffer.from([127, 0, 0, 1])),
    tlv(0x87, Buffer.concat([Buffer.alloc(15), Buffer.from([1])])),
    tlv(0x87, Buffer.from([10, 96, 0, 1])),
    tlv(0x87, Buffer.from([172, 18, 0, 2])),
  );
  const leafDer = certificate({
    subject: "podflow-apiserver", issuer: "podflow-ca", publicKey: leaf.publicKey, signer: ca.privateKey, issuerKeyId: caKeyId, notBefore, notAfter,
    extensions: [
      extension("2.5.29.15", true, flags(0x80)), // digitalSignature
      extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))), // serverAuth
      extension("2.5.29.19", true, seq()),
      extension("2.5.29.35", false, seq(tlv(0x80, caKeyId))),
      extension("2.5.29.17", false, san),
    ],
  });
  void leafSpki;
  return {
    caCert: pem("CERTIFICATE", caDer),
    caKey: ca.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    cert: pem("CERTIFICATE", leafDer),
    key: leaf.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
  };
}
