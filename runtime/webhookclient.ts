// kube-apiserver's HTTPS client of admission webhooks (k8s.io/apiserver pkg/util/webhook and the
// rest client), kept out of the machines: the API server machine sends CallWebhook with the
// AdmissionReview and where to post it; this posts it, trusting clientConfig.caBundle, within the
// webhook's timeout, and answers WebhookAnswered with the JSON it got or Go's words for what failed
// (`Post "URL": dial tcp ...: connect: connection refused`, `context deadline exceeded`).

import { request } from "node:https";
import type { CallWebhook, WebhookAnswered } from "../machines/messages.js";
import { goJsonSyntaxError } from "./server/decode.js";

/** A webhook's answer is read up to this size; a larger one fails the call (every read is bounded). */
const maxResponseBytes = 16 * 1024 * 1024;

/** Go's words for a failed connection or TLS handshake, from Node's error. */
export function goDialError(err: NodeJS.ErrnoException & { address?: string; port?: number; host?: string; hostname?: string; reason?: string }, host: string): string {
  const addr = err.address !== undefined ? (err.address.includes(":") ? `[${err.address}]:${err.port}` : `${err.address}:${err.port}`) : host;
  switch (err.code) {
    case "ECONNREFUSED": return `dial tcp ${addr}: connect: connection refused`;
    case "ENOTFOUND": case "EAI_AGAIN": return `dial tcp: lookup ${err.hostname ?? host}: no such host`;
    case "EHOSTUNREACH": return `dial tcp ${addr}: connect: no route to host`;
    case "ECONNRESET": return `read tcp ${addr}: read: connection reset by peer`;
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE": case "SELF_SIGNED_CERT_IN_CHAIN": case "DEPTH_ZERO_SELF_SIGNED_CERT": case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY": case "UNABLE_TO_GET_ISSUER_CERT":
      return "tls: failed to verify certificate: x509: certificate signed by unknown authority";
    case "ERR_TLS_CERT_ALTNAME_INVALID": return `tls: failed to verify certificate: x509: ${err.reason ?? "certificate is not valid for this host"}`;
    case "CERT_HAS_EXPIRED": return "tls: failed to verify certificate: x509: certificate has expired or is not yet valid";
    default: return err.message;
  }
}

/** Posts the review and resolves with the API server's message (never rejects). */
export function callWebhook(msg: CallWebhook): Promise<WebhookAnswered> {
  const answer = (r: { body: unknown; status: number } | { error: string }): WebhookAnswered => ({ type: "WebhookAnswered", id: msg.id, ...r });
  const { target } = msg;
  const post = `Post ${JSON.stringify(target.url)}`;
  if (target.resolveError !== undefined) return Promise.resolve(answer({ error: `${post}: ${target.resolveError}` }));
  if (target.refused) return Promise.resolve(answer({ error: `${post}: dial tcp ${target.dial}: connect: connection refused` }));
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    return Promise.resolve(answer({ error: `${post}: unsupported protocol scheme` }));
  }
  const dial = target.dial !== undefined ? splitHostPort(target.dial) : { host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port || 443) };
  const ca = msg.caBundle !== undefined ? Buffer.from(msg.caBundle, "base64").toString("utf8") : undefined;
  const body = JSON.stringify(msg.review);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: WebhookAnswered) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = request({
      method: "POST", host: dial.host, port: dial.port, path: `${url.pathname}${url.search}`,
      servername: target.serverName ?? url.hostname.replace(/^\[|\]$/g, ""),
      ...(ca !== undefined ? { ca } : {}),
      headers: { "Content-Type": "application/json", Accept: "application/json, */*", "Content-Length": Buffer.byteLength(body), "User-Agent": "kube-apiserver-admission" },
      agent: false,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > maxResponseBytes) {
          req.destroy();
          finish(answer({ error: `${post}: response body too large` }));
          return;
        }
        chunks.push(c);
      });
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const status = res.statusCode ?? 0;
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (e) {
          // the rest client: a success body that is no JSON fails its decode; a failure's is quoted
          // the json serializer's meta.Interpret, in encoding/json's words
          if (status >= 200 && status < 300) return finish(answer({ error: `couldn't get version/kind; json parse error: ${goJsonSyntaxError(text) ?? (e as Error).message}` }));
          return finish(answer({ error: `an error on the server (${JSON.stringify(text.trim() || "unknown")}) has prevented the request from succeeding` }));
        }
        if (status < 200 || status > 299) {
          const st = parsed as { kind?: unknown; message?: unknown };
          return finish(answer({ error: st?.kind === "Status" && typeof st.message === "string" ? st.message : `an error on the server (${JSON.stringify(text.trim())}) has prevented the request from succeeding` }));
        }
        finish(answer({ body: parsed, status }));
      });
      res.on("error", (e) => finish(answer({ error: `${post}: ${e.message}` })));
    });
    // the webhook's timeoutSeconds bounds the whole call, as the context deadline does
    const timer = setTimeout(() => {
      req.destroy();
      finish(answer({ error: `${post}: context deadline exceeded` }));
    }, msg.timeoutMs);
    req.on("error", (e) => finish(answer({ error: `${post}: ${goDialError(e, `${dial.host}:${dial.port}`)}` })));
    req.end(body);
  });
}

function splitHostPort(hp: string): { host: string; port: number } {
  const m = /^\[(.*)\]:(\d+)$/.exec(hp) ?? /^(.*):(\d+)$/.exec(hp);
  return m ? { host: m[1]!, port: Number(m[2]) } : { host: hp, port: 443 };
}
