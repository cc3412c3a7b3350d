// The twenty-second hostile round, each answer checked against kube-apiserver 1.35's source:
// slowloris clients held to secure_serving.go's ReadHeaderTimeout (32 s) as net/http enforces it,
// for the request head and for the TLS handshake (tlsHandshakeTimeout, the least of the server's
// read timeouts); plain HTTP to the secure port answered as net/http answers it; and a strategic merge patch's $patch directive that is no string, which
// mergepatch.ErrBadPatchType prints with %s ("unknown patch type: %!s(int64=5) in map: ...").

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { connect as tlsConnect } from "node:tls";
import { connect as tcpConnect, type Socket } from "node:net";
import { raw, serve, type Served } from "./serve-helpers.js";

let s: Served;
const ns = "/api/v1/namespaces/default";
const send = (method: string, path: string, body?: unknown, contentType = "application/json") => {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return raw(s, method, path, { token: s.cluster.adminToken, ...(text !== undefined ? { body: text, headers: { "Content-Type": contentType } } : {}) });
};
const smp = (path: string, body: string) => raw(s, "PATCH", path, { token: s.cluster.adminToken, body, headers: { "Content-Type": "application/strategic-merge-patch+json" } });

beforeAll(async () => {
  s = await serve({ nodes: 1 });
}, 40_000);
afterAll(async () => {
  await s?.stop();
});

/** Resolves when the server closes the socket: the seconds it stayed open and the bytes it was sent. */
function closedAfter(sock: Socket, opened: number): Promise<{ seconds: number; received: string }> {
  let received = "";
  sock.on("data", (d: Buffer) => (received += d.toString("latin1")));
  sock.on("error", () => {});
  return new Promise((resolve) => sock.once("close", () => resolve({ seconds: (Date.now() - opened) / 1000, received })));
}

describe("slowloris clients (secure_serving.go: ReadHeaderTimeout 32 s)", () => {
  it("a head trickled a byte a second, a ClientHello trickled so, and a handshake never begun are each cut near 32 s with no answer; others are served meanwhile", async () => {
    const url = new URL(s.server.url);
    const port = Number(url.port);
    const opened = Date.now();
    const trickles: NodeJS.Timeout[] = [];
    // after the handshake: a request line, then one header byte a second, never the blank line
    const slowHead = tlsConnect({ host: url.hostname, port, ca: s.server.caCert, servername: "localhost", rejectUnauthorized: false });
    const slowHeadClosed = closedAfter(slowHead, opened);
    slowHead.once("secureConnect", () => {
      slowHead.write("GET /version HTTP/1.1\r\nHost: localhost\r\n");
      trickles.push(setInterval(() => slowHead.writable && slowHead.write("X"), 1000));
    });
    // a TLS handshake record header announcing 512 bytes, whose bytes then come one a second
    const slowHello = tcpConnect({ host: url.hostname, port }, () => {
      slowHello.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
      trickles.push(setInterval(() => slowHello.writable && slowHello.write(Buffer.from([0])), 1000));
    });
    const slowHelloClosed = closedAfter(slowHello, opened);
    // a TCP connection that never sends its ClientHello
    const silent = tcpConnect({ host: url.hostname, port });
    const silentClosed = closedAfter(silent, opened);
    try {
      // the server answers others while these are held
      expect((await send("GET", "/version")).code).toBe(200);
      const cut = await Promise.all([slowHeadClosed, slowHelloClosed, silentClosed]);
      for (const c of cut) {
        // net/http closes a connection past its deadline without a word (conn.serve)
        expect(c.received).toBe("");
        // not before the 32 s kube gives, nor at Node's next 30 s sweep (up to 62 s) or its 120 s handshake timeout
        expect(c.seconds).toBeGreaterThanOrEqual(31.5);
        expect(c.seconds).toBeLessThan(45);
      }
    } finally {
      for (const t of trickles) clearInterval(t);
      for (const c of [slowHead, slowHello, silent]) c.destroy();
    }
  }, 90_000);
});

describe("plain HTTP sent to the secure port (net/http's conn.serve)", () => {
  it("a first record that reads as an HTTP request gets Go's plain-text 400 and the connection closes; other garbage is closed without a word", async () => {
    const url = new URL(s.server.url);
    const port = Number(url.port);
    const exchange = (bytes: string) =>
      new Promise<string>((resolve) => {
        const sock = tcpConnect({ host: url.hostname, port }, () => sock.write(bytes));
        closedAfter(sock, Date.now()).then((c) => resolve(c.received));
      });
    const answer = "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";
    // tlsRecordHeaderLooksLikeHTTP's five prefixes
    for (const start of ["GET /version HTTP/1.1\r\nHost: x\r\n\r\n", "HEAD / HTTP/1.1\r\n\r\n", "POST /api HTTP/1.1\r\n\r\n", "PUT /api HTTP/1.1\r\n\r\n", "OPTIONS * HTTP/1.1\r\n\r\n"]) {
      expect(await exchange(start)).toBe(answer);
    }
    // any other method, and bytes that are neither TLS nor HTTP, do not look like a TLS handshake:
    // the connection is closed with nothing written, no TLS alert either
    for (const start of ["DELETE /api HTTP/1.1\r\n\r\n", "GET http://x/ HTTP/1.1\r\n\r\n", "hello, not TLS\r\n", "\x16\x10\x00\x00\x05hello"]) {
      expect(await exchange(start)).toBe("");
    }
    // the secure port still serves TLS
    expect((await send("GET", "/version")).code).toBe(200);
  }, 30_000);
});

/** Sends `head` on a fresh TLS connection and resolves with all the server wrote before it closed. */
function exchangeTls(head: string): Promise<string> {
  const url = new URL(s.server.url);
  return new Promise((resolve) => {
    const sock = tlsConnect({ host: url.hostname, port: Number(url.port), ca: s.server.caCert, servername: "localhost", rejectUnauthorized: false }, () => sock.write(head));
    closedAfter(sock, Date.now()).then((c) => resolve(c.received));
  });
}

describe("a request head at net/http's read limit (MaxHeaderBytes 1 MiB + 4096 bytes of bufio slop)", () => {
  const limit = (1 << 20) + 4096;
  // a head of exactly `bytes` bytes: one long header, or as many short ones as fit
  const oneHeader = (bytes: number, connection = "Connection: close") => {
    const start = "GET /version HTTP/1.1\r\nHost: x\r\nX-Pad: ";
    const end = `\r\n${connection}\r\n\r\n`;
    return start + "a".repeat(bytes - start.length - end.length) + end;
  };
  const manyHeaders = (bytes: number) => {
    let head = "GET /version HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
    while (bytes - head.length - 2 > 64) head += "X-Many: g\r\n";
    return head + `X-Pad: ${"b".repeat(bytes - head.length - 2 - "X-Pad: \r\n".length)}\r\n\r\n`;
  };
  const tooLarge = "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large";

  it("a head of exactly the limit is read and served; one byte more is 431, however it is split into headers", async () => {
    for (const build of [oneHeader, manyHeaders]) {
      expect(build(limit).length).toBe(limit);
      expect((await exchangeTls(build(limit))).split("\r\n")[0]).toBe("HTTP/1.1 200 OK");
      expect(build(limit + 1).length).toBe(limit + 1);
      expect(await exchangeTls(build(limit + 1))).toBe(tooLarge);
    }
    // an upgrade's head is read the same way
    const upgrade = oneHeader(limit + 1, "Connection: Upgrade\r\nUpgrade: websocket");
    expect(upgrade.length).toBe(limit + 1);
    expect(await exchangeTls(upgrade)).toBe(tooLarge);
    expect((await send("GET", "/version")).code).toBe(200);
  }, 60_000);
});

describe("a strategic merge patch's $patch that is no string (mergepatch.ErrBadPatchType's %s)", () => {
  // fmt's %s of a non-string is %!s(type=value); PreserveInts decoded an integer as int64, a nested
  // nil prints <nil>, and the map after "in map:" is printed with %v
  const cases: Array<[string, string, string]> = [
    ["an integer", "5", "unknown patch type: %!s(int64=5) in map: map[$patch:5]"],
    ["a fraction", "1.5", "unknown patch type: %!s(float64=1.5) in map: map[$patch:1.5]"],
    ["a float64 from 1e6 on", "1234567.5", "unknown patch type: %!s(float64=1.2345675e+06) in map: map[$patch:1.2345675e+06]"],
    ["a float64 below 1e-4", "0.000025", "unknown patch type: %!s(float64=2.5e-05) in map: map[$patch:2.5e-05]"],
    ["a boolean", "true", "unknown patch type: %!s(bool=true) in map: map[$patch:true]"],
    ["null", "null", "unknown patch type: %!s(<nil>) in map: map[$patch:<nil>]"],
    ["a map", '{"b":null,"a":7,"c":[false,"x"]}', "unknown patch type: map[a:%!s(int64=7) b:<nil> c:[%!s(bool=false) x]] in map: map[$patch:map[a:7 b:<nil> c:[false x]]]"],
    ["a list", '[1,"x",2.5]', "unknown patch type: [%!s(int64=1) x %!s(float64=2.5)] in map: map[$patch:[1 x 2.5]]"],
    ["an unknown string", '"merge"', "unknown patch type: merge in map: map[$patch:merge]"],
  ];

  it.each(cases)("%s in a map the object has: the error's text, nothing stored", async (_what, directive, message) => {
    const name = `directive-${Math.abs([...directive].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7))}`;
    const made = await send("POST", `${ns}/configmaps`, { metadata: { name }, data: { a: "1" } });
    expect(made.code).toBe(201);
    const r = await smp(`${ns}/configmaps/${name}`, `{"data":{"$patch":${directive}}}`);
    // kube passes ErrBadPatchType on bare (a 500, kubernetes#139253); podflow answers the same text as 400
    expect(r.code).toBe(400);
    expect(JSON.parse(r.body)).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "BadRequest", code: 400 });
    const after = JSON.parse((await send("GET", `${ns}/configmaps/${name}`)).body);
    expect([after.metadata.resourceVersion, after.data]).toEqual([JSON.parse(made.body).metadata.resourceVersion, { a: "1" }]);
  });

  it("in an item of a merged list (mergeSliceWithSpecialElements), printed the same way", async () => {
    const made = await send("POST", `${ns}/services`, { metadata: { name: "directive-ports" }, spec: { ports: [{ port: 80 }] } });
    expect(made.code).toBe(201);
    const r = await smp(`${ns}/services/directive-ports`, '{"spec":{"ports":[{"port":80,"$patch":7}]}}');
    expect([r.code, JSON.parse(r.body).message]).toEqual([400, "unknown patch type: %!s(int64=7) in map: map[$patch:7 port:80]"]);
  });
});
