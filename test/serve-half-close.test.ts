// A client that half-closes its connection (TLS close_notify and FIN) right after its request,
// through a live `podflow serve` over TLS: net/http reads the request, answers it on the still
// writable connection, and cancels the request's context at the client's EOF, so a watch ends
// rather than running to its timeout.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { connect } from "node:tls";
import { serve, type Served } from "./serve-helpers.js";

/** Sends one request over TLS, half-closes, and returns what came back before the server closed (or the time ran out). */
function halfClosed(s: Served, target: string, waitMs: number): Promise<{ text: string; closed: boolean }> {
  const url = new URL(s.server.url);
  return new Promise((resolve) => {
    let text = "";
    const sock = connect({ host: url.hostname, port: Number(url.port), ca: s.server.caCert, servername: "localhost", rejectUnauthorized: false, allowHalfOpen: true }, () => {
      sock.write(`GET ${target} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${s.cluster.adminToken}\r\n\r\n`);
      sock.end();
    });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ text, closed: false });
    }, waitMs);
    sock.on("data", (d) => (text += d));
    sock.on("error", () => {});
    sock.on("close", () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
  });
}

describe("a TLS client that half-closes after its request", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });

  it("gets its answer, and then the connection closes", async () => {
    const r = await halfClosed(s, "/api/v1/namespaces/default/configmaps", 5_000);
    expect(r.text.split("\r\n")[0]).toBe("HTTP/1.1 200 OK");
    expect(r.text).toContain('"kind":"ConfigMapList"');
    expect(r.closed).toBe(true);
  });

  it("ends a watch at once rather than at its timeout", async () => {
    const r = await halfClosed(s, "/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=60", 5_000);
    expect(r.closed).toBe(true);
    expect(r.text.split("\r\n")[0]).toBe("HTTP/1.1 200 OK");
  });
});
