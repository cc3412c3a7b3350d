// kube-apiserver's secure port as pods reach it: a connection a pod makes to the `kubernetes`
// Service (10.96.0.1:443, DNATed by kube-proxy to the control-plane node's 172.18.0.2:6443) arrives
// at that node's host network, where kube-apiserver listens. podflow's API server listens on the
// machine running it, so the connection is made there: the same TLS handshake (the pod's client
// verifies the serving certificate against the CA it was given, for the name it asked), the same
// HTTP handler, authenticators and authorizer as any client outside; nothing is bypassed.

import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { checkServerIdentity } from "node:tls";
import { isIP } from "node:net";
import type { ConnectMsg, ConnectResult } from "../../machines/cri/messages.js";

/** The most of an answer a pod's client reads back (a list of every object could be large). */
export const securePortBodyMaxBytes = 8 * 1024 * 1024;

/** Go's net/http answer to plain HTTP on a TLS listener. */
const plainHttpOnTls = "Client sent an HTTP request to an HTTPS server.\n";

// OpenSSL's verify error strings, as curl prints them after "SSL certificate problem: "
const verifyErrors = new Map<string, string>([
  ["UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "unable to get local issuer certificate"],
  ["SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain"],
  ["DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"],
  ["CERT_HAS_EXPIRED", "certificate has expired"],
  ["ERR_TLS_CERT_ALTNAME_INVALID", "subject alternative name does not match the host name"],
]);

/** Makes the pod's request to the API server listening at 127.0.0.1:port (tls: whether it serves HTTPS). */
export function securePortRequest(port: number, tls: boolean, msg: ConnectMsg): Promise<Omit<ConnectResult, "type" | "id">> {
  if (tls && msg.tls === undefined) return Promise.resolve({ status: 400, body: plainHttpOnTls });
  const headers: Record<string, string> = {};
  for (const [k, v] of msg.headers ?? []) if (typeof k === "string" && typeof v === "string") headers[k] = v;
  const base = { host: "127.0.0.1", port, method: "GET", path: msg.path.startsWith("/") ? msg.path : `/${msg.path}`, headers, agent: false as const };
  return new Promise((resolve) => {
    const onResponse = (res: import("node:http").IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (b: Buffer) => {
        size += b.length;
        if (size <= securePortBodyMaxBytes) chunks.push(b);
        else res.destroy();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 200, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", () => resolve({ error: "connection refused" }));
      res.on("close", () => resolve({ status: res.statusCode ?? 200, body: Buffer.concat(chunks).toString("utf8") }));
    };
    const t = msg.tls;
    const req = tls && t !== undefined
      ? httpsRequest({
          ...base,
          // SNI carries a name, never an address
          ...(isIP(t.serverName) === 0 ? { servername: t.serverName } : {}),
          // the CA the client trusts: the file it was given, else Node's bundled roots stand for the image's system bundle
          ...(t.ca !== undefined ? { ca: t.ca } : {}),
          rejectUnauthorized: t.insecure !== true,
          // the certificate is checked for the name the client asked, not the loopback address dialled
          checkServerIdentity: (_host, cert) => checkServerIdentity(t.serverName, cert),
        }, onResponse)
      : httpRequest(base, onResponse);
    req.on("error", (e: NodeJS.ErrnoException) => {
      const verify = e.code !== undefined ? verifyErrors.get(e.code) : undefined;
      if (verify !== undefined) return resolve({ tlsError: verify });
      resolve({ error: "connection refused" });
    });
    req.end();
  });
}
