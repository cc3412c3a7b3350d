// kube-apiserver's x509 request authenticator (k8s.io/apiserver/pkg/authentication/request/x509):
// the TLS handshake asks for a client certificate without requiring one (tls.RequestClientCert),
// OpenSSL verifies the chain against the cluster CA for client use (the ssl_client purpose, as Go's
// VerifyOptions{KeyUsages: ClientAuth}), and a verified certificate names the user by its subject:
// CN the user, O values the groups (CommonNameUserConversion).
//
// Validity: kube-apiserver has one clock, serve two. The cluster's signer (csrsigning) stamps a
// certificate with the simulated clock, which runs ahead of the wall clock when serve runs faster
// than real time; openssl on the reader's machine stamps one with the wall clock, which the
// simulated clock may trail. A certificate is valid when either clock is within its validity.

import "reflect-metadata";
import { X509Certificate as NodeX509 } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { X509Certificate } from "@peculiar/x509";
import type { ApiRequest } from "../../machines/messages.js";

type Verified = { user: string; groups: string[]; notBeforeMs: number; notAfterMs: number } | { error: string } | undefined;

// a connection's certificate is read once: the handshake verified it, its subject does not change
const byConnection = new WeakMap<object, Verified>();

/** OpenSSL's verdicts that only say the wall clock is outside a certificate's validity. */
const wallClockErrors = new Set(["CERT_NOT_YET_VALID", "CERT_HAS_EXPIRED"]);

const clientAuthOid = "1.3.6.1.5.5.7.3.2";
const anyExtendedKeyUsageOid = "2.5.29.37.0";

/**
 * The client certificate's identity for the API server machine, or undefined when the request has
 * none (or no CN: not this authenticator's). now is the cluster's clock; caPem the cluster CA, to
 * verify the chain again where OpenSSL refused it for the wall clock's time alone.
 */
export function clientCertificateOf(req: IncomingMessage, now = Date.now(), caPem?: string, wallNow = Date.now()): ApiRequest["x509"] {
  const socket = req.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== "function") return undefined;
  let v = byConnection.get(socket);
  if (!byConnection.has(socket)) byConnection.set(socket, (v = verify(socket, caPem)));
  if (v === undefined || "error" in v) return v;
  // Go verifies the chain on every request: a certificate that expired since the handshake fails then
  const { notBeforeMs, notAfterMs } = v;
  const validAt = (t: number) => t >= notBeforeMs && t <= notAfterMs;
  if (!validAt(now) && !validAt(wallNow)) return { error: "verifying certificate failed: x509: certificate has expired or is not yet valid" };
  return { user: v.user, groups: v.groups };
}

function verify(socket: Partial<TLSSocket>, caPem: string | undefined): Verified {
  const peer = socket.getPeerCertificate!(false);
  if (!peer || !peer.raw || peer.raw.length === 0) return undefined;
  // a chain that does not verify (unknown CA, not for client auth) is the authenticator's error: 401
  if (socket.authorized !== true) {
    const reason = String(socket.authorizationError ?? "unknown");
    if (!wallClockErrors.has(reason) || caPem === undefined || !issuedForClients(peer.raw, caPem)) return { error: `verifying certificate failed: ${reason}` };
  }
  const cert = new X509Certificate(peer.raw);
  const cn = cert.subjectName.getField("CN")[0] ?? "";
  if (cn === "") return undefined;
  return { user: cn, groups: cert.subjectName.getField("O"), notBeforeMs: cert.notBefore.getTime(), notAfterMs: cert.notAfter.getTime() };
}

/**
 * The checks OpenSSL made but for the time: the certificate signed by the cluster CA itself (the
 * signer issues directly under it) and, when it names extended key usages, one of them client auth
 * or any (Go's x509 Verify with KeyUsages: [ClientAuth]). The time is checked per request.
 */
function issuedForClients(raw: Buffer, caPem: string): boolean {
  try {
    const leaf = new NodeX509(raw);
    const ca = new NodeX509(caPem);
    if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey)) return false;
    const ekus = leaf.keyUsage;
    return ekus === undefined || ekus.length === 0 || ekus.includes(clientAuthOid) || ekus.includes(anyExtendedKeyUsageOid);
  } catch {
    return false;
  }
}
