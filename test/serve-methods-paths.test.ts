// Methods and path segments kube-apiserver has no route or no storage key for, through a live
// `podflow serve`: go-restful's generic 405 for a method it registers no route for, the store
// KeyFunc's 400 for a name that is no safe path segment, and net/http's plain-text answers to a
// request it cannot read.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { connect } from "node:tls";
import { request } from "node:https";
import { serve, raw, type Served, rawBytes } from "./serve-helpers.js";


/** Writes bytes on a fresh TLS connection, in pieces `pauseMs` apart, and returns all the server sends back before it closes. */
function rawPieces(s: Served, pieces: string[], pauseMs = 0): Promise<string> {
  const url = new URL(s.server.url);
  return new Promise((resolve, reject) => {
    const sock = connect({ host: url.hostname, port: Number(url.port), ca: s.server.caCert, servername: "localhost", rejectUnauthorized: false }, () => {
      pieces.forEach((p, i) => setTimeout(() => sock.write(p), i * pauseMs));
    });
    let got = "";
    sock.on("data", (d) => (got += d));
    sock.on("close", () => resolve(got));
    sock.on("error", reject);
  });
}

/** A request whose path is sent as written (a URL object would resolve its "." and ".." segments). */
function asWritten(s: Served, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ code: number; body: string }> {
  const url = new URL(s.server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, ca: s.server.caCert, headers: { Authorization: `Bearer ${s.cluster.adminToken}`, ...headers } }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ code: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("methods and path segments with no route or no storage key", () => {
  let s: Served;
  beforeAll(async () => {
    s = await serve({ nodes: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });

  // RouterJSR311.detectRoute: "405: Method Not Allowed", which the service error handler turns into
  // NewGenericServerResponse(405, ...) with no causes
  it.each(["PROPFIND", "TRACE", "OPTIONS", "MKCOL"])("%s on a collection is go-restful's generic 405", async (method) => {
    const r = await raw(s, method, "/api/v1/namespaces/default/configmaps", { token: s.cluster.adminToken });
    expect(r.code).toBe(405);
    expect(JSON.parse(r.body)).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server does not allow this method on the requested resource", reason: "MethodNotAllowed", code: 405, details: {} });
  });

  it("authorization comes first, with the empty verb RequestInfoFactory gives any other method", async () => {
    const r = await raw(s, "PROPFIND", "/api/v1/namespaces/default/pods");
    expect(r.code).toBe(403);
    expect(JSON.parse(r.body).message).toBe('pods is forbidden: User "system:anonymous" cannot  resource "pods" in API group "" in the namespace "default"');
  });

  // genericregistry NamespaceKeyFunc / NoNamespaceKeyFunc: path.IsValidPathSegmentName
  it.each([
    ["GET", "/api/v1/namespaces/default/pods/..", "Name parameter invalid: \"..\": may not be '..'"],
    ["GET", "/api/v1/namespaces/default/pods/.", "Name parameter invalid: \".\": may not be '.'"],
    ["DELETE", "/api/v1/namespaces/default/configmaps/a%25b", "Name parameter invalid: \"a%b\": may not contain '%'"],
    ["GET", "/api/v1/nodes/..", "Name parameter invalid: \"..\": may not be '..'"],
  ])("%s %s is the store KeyFunc's 400", async (method, path, message) => {
    const r = await asWritten(s, method, path, {});
    expect([r.code, JSON.parse(r.body).message, JSON.parse(r.body).reason]).toEqual([400, message, "BadRequest"]);
  });

  it("a patch of a name that is no path segment changes nothing and is the same 400", async () => {
    const r = await asWritten(s, "PATCH", "/api/v1/namespaces/default/configmaps/..", { "Content-Type": "application/merge-patch+json" }, "{}");
    expect([r.code, JSON.parse(r.body).message]).toEqual([400, "Name parameter invalid: \"..\": may not be '..'"]);
  });

  // Go's net/http takes any token as a method (validMethod), where Node's parser knows a fixed list:
  // kube-apiserver's filters then answer it as any other method it registers no route for
  it.each([
    ["FOO", "/api/v1/namespaces/default/configmaps"],
    ["get", "/api/v1/namespaces/default/configmaps"],
    ["X-CUSTOM", "/version"],
  ])("%s %s, a method Node's parser does not know, is go-restful's generic 405 too", async (method, path) => {
    // Connection: close, as net/http keeps the connection after such an answer (serve-negotiation tests that)
    const got = await rawPieces(s, [`${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ${s.cluster.adminToken}\r\n\r\n`]);
    expect(got).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(JSON.parse(got.slice(got.indexOf("\r\n\r\n") + 4))).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "the server does not allow this method on the requested resource", reason: "MethodNotAllowed", code: 405, details: {} });
  });

  it("such a method is authenticated and authorized first (401 for an unknown token, 403 with the empty verb), and its head may come in pieces", async () => {
    const unknown = await rawPieces(s, ["FOO /api/v1/namespaces/default/pods HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer nobody\r\n\r\n"]);
    expect(unknown).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    const anonymous = await rawPieces(s, ["FOO /api/v1/namespaces/default/pods HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]);
    expect(JSON.parse(anonymous.slice(anonymous.indexOf("\r\n\r\n") + 4)).message).toBe('pods is forbidden: User "system:anonymous" cannot  resource "pods" in API group "" in the namespace "default"');
    const pieces = await rawPieces(s, ["FOO /api/v1/namespaces/default/pods HTTP/1.1\r\nHo", `st: x\r\nConnection: close\r\nAuthorization: Bearer ${s.cluster.adminToken}\r\n\r\n`], 100);
    expect(pieces).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
  });

  it("a request with 2,500 headers (well under MaxHeaderBytes) is read whole: its last header, Authorization, authenticates", async () => {
    const many = Array.from({ length: 2_500 }, (_, i) => `X-H${i}: v\r\n`).join("");
    const got = await rawPieces(s, [`GET /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${many}Authorization: Bearer ${s.cluster.adminToken}\r\n\r\n`]);
    expect(got).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });

  // WithAuthorization runs before the handler: its options, media type and body are never judged
  // for a user who may not write there
  it.each([
    ["POST", "/api/v1/namespaces/default/configmaps", "{bad", {}, "create"],
    ["POST", "/api/v1/namespaces/default/configmaps?dryRun=x&fieldManager=" + "a".repeat(200), "{}", {}, "create"],
    ["POST", "/api/v1/namespaces/default/configmaps", "{}", { "Content-Type": "text/plain" }, "create"],
    ["PUT", "/api/v1/namespaces/default/configmaps/x", "{bad", {}, "update"],
    ["PATCH", "/api/v1/namespaces/default/configmaps/x", "{}", { "Content-Type": "text/plain" }, "patch"],
    ["DELETE", "/api/v1/namespaces/default/configmaps/x?propagationPolicy=x", "", {}, "delete"],
  ])("an anonymous %s %s with a bad option, media type or body is 403 first", async (method, path, body, headers, verb) => {
    const r = await raw(s, method, path, { body, headers: { "Content-Type": "application/json", ...headers } });
    const name = path.includes("/configmaps/") ? ' "x"' : "";
    expect([r.code, JSON.parse(r.body).message]).toEqual([403, `configmaps${name} is forbidden: User "system:anonymous" cannot ${verb} resource "configmaps" in API group "" in the namespace "default"`]);
  });

  it("a method that is no token, or such a method without Host, is net/http's plain 400", async () => {
    expect(await rawBytes(s, "F(O /version HTTP/1.1\r\nHost: x\r\n\r\n", true)).toBe("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request");
    expect(await rawBytes(s, "FOO /version HTTP/1.1\r\n\r\n", true)).toBe("HTTP/1.1 400 Bad Request: missing required Host header\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: missing required Host header");
  });

  it("a list in namespace '..' is storage.PrepareKey's invalid key, which the watch cache and the etcd store both refuse: 500", async () => {
    const r = await asWritten(s, "GET", "/api/v1/namespaces/../pods", {});
    expect([r.code, JSON.parse(r.body).message]).toEqual([500, 'invalid key: "/pods/.."']);
  });

  // net/http conn.serve: a request it cannot read is answered in plain text and the connection closed
  it("a request Node cannot parse gets net/http's plain-text 400, and the server goes on", async () => {
    const got = await rawBytes(s, "GET /version HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", true);
    expect(got).toBe("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request");
    expect((await raw(s, "GET", "/version")).code).toBe(200);
  });

  it("an HTTP/1.1 request without Host is net/http's 400 'missing required Host header'", async () => {
    const got = await rawBytes(s, "GET /version HTTP/1.1\r\n\r\n", true);
    expect(got).toBe("HTTP/1.1 400 Bad Request: missing required Host header\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: missing required Host header");
  });

  it.each(["gzip", "gzip, chunked", "chunked, gzip"])("Transfer-Encoding: %s is net/http's 501, which takes exactly 'chunked'", async (te) => {
    const got = await rawBytes(s, `POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${te}\r\n\r\n0\r\n\r\n`, true);
    expect(got).toBe("HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nUnsupported transfer encoding");
  });

  it("a header block past MaxHeaderBytes and its 4096 bytes of bufio slop gets net/http's plain-text 431", async () => {
    const got = await rawBytes(s, `GET /version HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(1024 * 1024 + 4096)}\r\n\r\n`, true);
    expect(got).toBe("HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large");
  });
});
