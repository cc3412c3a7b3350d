// kube-apiserver's x509 request authenticator (k8s.io/apiserver/pkg/authentication/request/x509):
// the TLS handshake asks for a client certificate without requiring one (tls.RequestClientCert),
// OpenSSL verifies the chain against the cluster CA for client use (the ssl_client purpose, as Go's
// VerifyOptions{KeyUsages: ClientAuth}), and a verified certificate names the user by its subject:
// CN the user, O values the groups (CommonNameUserConversion).

import "reflect-metadata";
import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import { X509Certificate } from "@peculiar/x509";
import type { ApiRequest } from "../../machines/messages.js";

type Verified = { user: string; groups: string[]; notAfterMs: number } | { error: string } | undefined;

// a connection's certificate is read once: the handshake verified it, its subject does not change
const byConnection = new WeakMap<object, Verified>();

/** The client certificate's identity for the API server machine, or undefined when the request has none (or no CN: not this authenticator's). */
export function clientCertificateOf(req: IncomingMessage, now = Date.now()): ApiRequest["x509"] {
  const socket = req.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== "function") return undefined;
  let v = byConnection.get(socket);
  if (!byConnection.has(socket)) byConnection.set(socket, (v = verify(socket)));
  if (v === undefined || "error" in v) return v;
  // Go verifies the chain on every request: a certificate that expired since the handshake fails then
  if (now > v.notAfterMs) return { error: "verifying certificate failed: x509: certificate has expired or is not yet valid" };
  return { user: v.user, groups: v.groups };
}

function verify(socket: Partial<TLSSocket>): Verified {
  const peer = socket.getPeerCertificate!(false);
  if (!peer || !peer.raw || peer.raw.length === 0) return undefined;
  // a chain that does not verify (unknown CA, expired, not for client auth) is the authenticator's error: 401
  if (socket.authorized !== true) return { error: `verifying certificate failed: ${String(socket.authorizationError ?? "unknown")}` };
  const cert = new X509Certificate(peer.raw);
  const cn = cert.subjectName.getField("CN")[0] ?? "";
  if (cn === "") return undefined;
  return { user: cn, groups: cert.subjectName.getField("O"), notAfterMs: cert.notAfter.getTime() };
}
