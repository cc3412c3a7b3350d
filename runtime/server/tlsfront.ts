// A connection to the secure port before its TLS handshake, as Go's net/http serves it (conn.serve):
// the handshake must finish within tlsHandshakeTimeout (the least of the server's read timeouts:
// kube-apiserver's ReadHeaderTimeout, 32 s) counted from the connection, however slowly its bytes
// come; and a client that speaks plain HTTP to it gets a plain-text 400 on the raw connection.

import type { Socket } from "node:net";
import type { Server as TlsServer, TLSSocket } from "node:tls";

/** tlsRecordHeaderLooksLikeHTTP: the five bytes read as the first record's header, as HTTP requests begin. */
const httpStarts = new Set(["GET /", "HEAD ", "POST ", "PUT /", "OPTIO"]);

const recordAlert = 21;
const recordHandshake = 22;

/** What net/http writes on the raw connection to such a client before closing it. */
export const plainHttpAnswer = "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";

/**
 * Puts itself before the TLS server's own connection listener: the first five bytes are read here
 * (then given back to the TLS layer), and a connection whose handshake has not finished when
 * `handshakeMs` have passed since it was accepted is closed without a word.
 */
export function guardTlsHandshake(server: TlsServer, handshakeMs: number): void {
  const [tlsListener] = server.listeners("connection") as Array<(this: TlsServer, socket: Socket) => void>;
  if (!tlsListener) return;
  server.removeListener("connection", tlsListener);
  const deadlines = new WeakMap<Socket, NodeJS.Timeout>();
  server.prependListener("connection", (raw: Socket) => {
    const deadline = setTimeout(() => raw.destroy(), handshakeMs);
    deadlines.set(raw, deadline);
    raw.once("close", () => clearTimeout(deadline));
    // before the TLS layer has the socket, nothing else listens for its errors
    raw.on("error", () => raw.destroy());
    let head: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      if (head.length < 5) return;
      raw.off("data", onData);
      raw.off("end", onEnd);
      raw.pause();
      if (httpStarts.has(head.toString("latin1", 0, 5))) return void raw.end(plainHttpAnswer, () => raw.destroy());
      // readRecordOrCCS: a first record that is neither a handshake nor an alert, or of a version
      // from 16.0 on, "does not look like a TLS handshake": closed, with no alert sent
      if ((head[0] !== recordHandshake && head[0] !== recordAlert) || head.readUInt16BE(1) >= 0x1000) return void raw.destroy();
      // the TLS socket reads what the raw one holds before it reads on (_tls_wrap's initRead)
      raw.unshift(head);
      tlsListener.call(server, raw);
    };
    // a client that ends before a record header is a failed handshake
    const onEnd = () => raw.destroy();
    raw.on("data", onData);
    raw.once("end", onEnd);
  });
  server.on("secureConnection", (tls: TLSSocket) => {
    // the TLS socket wraps the accepted one (its _parent); from here the HTTP server's timeouts apply
    const raw = (tls as TLSSocket & { _parent?: Socket })._parent;
    if (raw) clearTimeout(deadlines.get(raw));
  });
}
