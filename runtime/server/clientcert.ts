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

/** The client certificate's identity for the API server machine, or undefined when the request has none (or no CN: not this authenticator's). */
export function clientCertificateOf(req: IncomingMessage): ApiRequest["x509"] {
  const socket = req.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== "function") return undefined;
  const peer = socket.getPeerCertificate(false);
  if (!peer || !peer.raw || peer.raw.length === 0) return undefined;
  // a chain that does not verify (unknown CA, expired, not for client auth) is the authenticator's error: 401
  if (socket.authorized !== true) return { error: `verifying certificate failed: ${String(socket.authorizationError ?? "unknown")}` };
  const subject = new X509Certificate(peer.raw).subjectName;
  const cn = subject.getField("CN")[0] ?? "";
  if (cn === "") return undefined;
  return { user: cn, groups: subject.getField("O") };
}
